//! The risk register beside the simulation.
//!
//! The register (Appendix 3 of the proposal) states each risk's likelihood and effect in
//! words. Here each word maps to a band — a probability range for likelihoods, an
//! impact range for effects (families not served, extra weeks of waiting, pounds over
//! budget) — and each risk that a capacity model can measure gets an [`Indicator`]: what
//! counts as the risk happening in one replication, and how big its impact is.
//! [`assess`] then sets the stated bands beside the simulated probability and impact and
//! gives a verdict. Risks the simulation cannot measure say so; they never get a number.
//!
//! The `[risks]` section and its validation are in `scenario`; the validated register
//! ([`Register`], its bands and indicators) in `model`, re-exported here.

mod assess;

pub use crate::model::risks::*;
pub use assess::{Assessment, Batches, Verdict, assess};

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
