//! The risk register beside the simulation.
//!
//! The register (Appendix 3 of the proposal) states each risk's likelihood and effect in
//! words. Here each word maps to a band — a probability range for likelihoods, an
//! impact range for effects (families not served, extra weeks of waiting, pounds over
//! budget) — and each risk that a capacity model can measure gets an [`Indicator`]: what
//! counts as the risk happening in one replication, and how big its impact is.
//! [`assess`] then sets the stated bands beside the simulated probability and impact and
//! gives a verdict. Risks the simulation cannot measure say so; they never get a number.

mod assess;
mod raw;
mod validate;

pub use assess::{Assessment, Batches, Verdict, assess, impact_kind};
pub use raw::RawRisks;
pub use validate::validate;

/// What kind of impact an effect band measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ImpactKind {
    /// Families not served over the contract.
    Families,
    /// Extra weeks of waiting.
    WaitWeeks,
    /// Pounds over budget in the worst contract year.
    Pounds,
}

impl ImpactKind {
    /// Unit label.
    pub fn unit(self) -> &'static str {
        match self {
            ImpactKind::Families => "families",
            ImpactKind::WaitWeeks => "weeks",
            ImpactKind::Pounds => "pounds",
        }
    }
}

/// A named band `[low, high)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    /// The word, e.g. "Medium".
    pub name: String,
    /// Lower end (inclusive).
    pub low: f64,
    /// Upper end (exclusive; the last band includes it).
    pub high: f64,
}

/// How a risk shows in one replication.
#[derive(Debug, Clone, PartialEq)]
pub enum Indicator {
    /// Annual cost above budget in any contract year; impact: pounds over in the worst year.
    OverBudget,
    /// At least `threshold` Phase 1 starts lost to recruitment delays and vacancies,
    /// against a fully staffed run on the same seeds; impact: Phase 1 starts lost.
    UnfilledPosts { threshold: f64 },
    /// Under proportional allocation, one authority's mean wait exceeds another's by
    /// `wait_ratio` while the other's staff utilisation is below `idle_utilisation`;
    /// impact: extra weeks waited in the worst-served authority against the best-served.
    NeedNotPopulation {
        wait_ratio: f64,
        idle_utilisation: f64,
    },
    /// Vetoing sharing costs at least `threshold` Phase 1 starts: demand-led minus
    /// proportional on the same seeds; impact: Phase 1 starts lost.
    SharingVetoed { threshold: f64 },
    /// Referrals below the board's annual target in any year from `from_year` on (under
    /// the planned flow); impact: Phase 1 starts lost when liaison is ineffective and
    /// referral flow falls to `flow_factor` of plan.
    ReferralShortfall { from_year: usize, flow_factor: f64 },
    /// Not something a capacity model can measure.
    NotSimulable { reason: String },
}

impl Indicator {
    /// The name used in scenario files.
    pub fn kind(&self) -> &'static str {
        match self {
            Indicator::OverBudget => "over-budget",
            Indicator::UnfilledPosts { .. } => "unfilled-posts",
            Indicator::NeedNotPopulation { .. } => "need-not-population",
            Indicator::SharingVetoed { .. } => "sharing-vetoed",
            Indicator::ReferralShortfall { .. } => "referral-shortfall",
            Indicator::NotSimulable { .. } => "not-simulable",
        }
    }
}

/// One risk of the register.
#[derive(Debug, Clone, PartialEq)]
pub struct Risk {
    pub(crate) id: u32,
    pub(crate) title: String,
    pub(crate) likelihood: String,
    pub(crate) effect: String,
    pub(crate) mitigation: String,
    pub(crate) owner: String,
    pub(crate) indicator: Indicator,
}

impl Risk {
    /// Number in the register.
    pub fn id(&self) -> u32 {
        self.id
    }
    /// The risk in words.
    pub fn title(&self) -> &str {
        &self.title
    }
    /// Stated likelihood word.
    pub fn likelihood(&self) -> &str {
        &self.likelihood
    }
    /// Stated effect word.
    pub fn effect(&self) -> &str {
        &self.effect
    }
    /// Stated mitigation.
    pub fn mitigation(&self) -> &str {
        &self.mitigation
    }
    /// Who owns the action.
    pub fn owner(&self) -> &str {
        &self.owner
    }
    /// How the simulation measures it.
    pub fn indicator(&self) -> &Indicator {
        &self.indicator
    }
}

/// The validated register with its bands.
#[derive(Debug, Clone, PartialEq)]
pub struct Register {
    pub(crate) likelihood: Vec<Band>,
    pub(crate) families: Vec<Band>,
    pub(crate) wait_weeks: Vec<Band>,
    pub(crate) pounds: Vec<Band>,
    pub(crate) risks: Vec<Risk>,
}

impl Register {
    /// The risks, in register order.
    pub fn risks(&self) -> &[Risk] {
        &self.risks
    }
    /// Likelihood bands, lowest first.
    pub fn likelihood_bands(&self) -> &[Band] {
        &self.likelihood
    }
    /// Effect bands for a kind of impact, smallest first.
    pub fn effect_bands(&self, kind: ImpactKind) -> &[Band] {
        match kind {
            ImpactKind::Families => &self.families,
            ImpactKind::WaitWeeks => &self.wait_weeks,
            ImpactKind::Pounds => &self.pounds,
        }
    }
    /// Which batches beyond the base (proportional) run the register needs.
    pub fn needs(&self) -> Needs {
        let mut n = Needs::default();
        for r in &self.risks {
            match &r.indicator {
                Indicator::UnfilledPosts { .. } => n.fully_staffed = true,
                Indicator::SharingVetoed { .. } => n.demand_led = true,
                Indicator::ReferralShortfall { flow_factor, .. } => {
                    n.reduced_flow = Some(*flow_factor)
                }
                _ => {}
            }
        }
        n
    }
}

/// Extra batches an assessment needs, all on the same seeds as the base.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Needs {
    /// The scenario under demand-led allocation.
    pub demand_led: bool,
    /// The scenario with every post filled throughout.
    pub fully_staffed: bool,
    /// The scenario with referral flow scaled by this factor.
    pub reduced_flow: Option<f64>,
}

/// Run the batches the register needs (all on `config`'s seeds) and assess every risk.
/// The base runs under proportional allocation. `progress(label, done)` reports each
/// batch's replications as they finish.
pub fn evaluate(
    model: &crate::model::Model,
    register: &Register,
    config: &crate::batch::BatchConfig,
    progress: &(dyn Fn(&str, u64) + Sync),
) -> Result<Vec<Assessment>, crate::batch::BatchError> {
    use crate::model::PolicyKind;
    let base_model = model.with_policy(model.policy().with_kind(PolicyKind::Proportional));
    // one pool for every batch the register needs
    let pool = crate::batch::Pool::new(config.threads)?;
    let plan = crate::batch::Plan::of(config);
    let run = |label: &str, m: &crate::model::Model| {
        crate::batch::run_with(m, &plan, &pool, &mut |n| progress(label, n))
    };
    let needs = register.needs();
    let base = run("proportional", &base_model)?;
    let demand_led = match needs.demand_led {
        true => Some(run(
            "demand-led",
            &base_model.with_policy(base_model.policy().with_kind(PolicyKind::DemandLed)),
        )?),
        false => None,
    };
    let fully_staffed = match needs.fully_staffed {
        true => Some(run("fully staffed", &base_model.fully_staffed())?),
        false => None,
    };
    let reduced_flow = match needs.reduced_flow {
        Some(f) => Some(run(
            "reduced referral flow",
            &base_model.with_referral_flow(f),
        )?),
        None => None,
    };
    Ok(assess(
        &base_model,
        register,
        &Batches {
            base: &base,
            demand_led: demand_led.as_ref(),
            fully_staffed: fully_staffed.as_ref(),
            reduced_flow: reduced_flow.as_ref(),
        },
    ))
}

/// Band containing `x` (the last band includes its upper end); `None` outside all bands.
pub fn band_of(bands: &[Band], x: f64) -> Option<usize> {
    let last = bands.len().checked_sub(1)?;
    bands
        .iter()
        .enumerate()
        .position(|(i, b)| x >= b.low && (x < b.high || (i == last && x <= b.high)))
}
