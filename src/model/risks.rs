//! The validated risk register: each risk as stated, its bands, and the indicator by
//! which a replication shows it. The `[risks]` section becomes this in `scenario`;
//! `risks` assesses it against simulated batches.

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
    /// Need does not follow the staffing: over the contract, one authority's first
    /// referrals per hour of family work its own staff give are at least `load_ratio`
    /// times another's, and the referrals' split departs from the staffing's by more than
    /// chance explains (a chi-square test at level `significance`); impact: extra weeks
    /// the most loaded authority's families wait, under proportional allocation, against
    /// the least loaded's.
    NeedNotPopulation { load_ratio: f64, significance: f64 },
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
    /// What the simulation measures for the risk, in a few words: a register's title says
    /// what is feared, this what is counted (e.g. "what a veto on sharing costs" for
    /// "Disagreement amongst partners").
    pub fn measures(&self) -> &'static str {
        match self {
            Indicator::OverBudget => "cost above the budget",
            Indicator::UnfilledPosts { .. } => "Phase 1 starts lost to vacancies",
            Indicator::NeedNotPopulation { .. } => "need per post out of step between authorities",
            Indicator::SharingVetoed { .. } => "what a veto on sharing costs",
            Indicator::ReferralShortfall { .. } => "first referrals below the target",
            Indicator::NotSimulable { .. } => "not measured",
        }
    }

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

/// Band containing `x` (the last band includes its upper end); `None` outside all bands.
pub fn band_of(bands: &[Band], x: f64) -> Option<usize> {
    let last = bands.len().checked_sub(1)?;
    bands
        .iter()
        .enumerate()
        .position(|(i, b)| x >= b.low && (x < b.high || (i == last && x <= b.high)))
}

/// The kind of impact an indicator measures (`None` for a risk that is not simulable).
pub fn impact_kind(i: &Indicator) -> Option<ImpactKind> {
    match i {
        Indicator::OverBudget => Some(ImpactKind::Pounds),
        Indicator::NeedNotPopulation { .. } => Some(ImpactKind::WaitWeeks),
        Indicator::UnfilledPosts { .. }
        | Indicator::SharingVetoed { .. }
        | Indicator::ReferralShortfall { .. } => Some(ImpactKind::Families),
        Indicator::NotSimulable { .. } => None,
    }
}
