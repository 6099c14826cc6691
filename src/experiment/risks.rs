//! The risk register beside the simulation: the batches it needs, all on one seed, and
//! each risk assessed against them.

use super::{ExperimentError, Runs, Watch, batch_of};
use crate::batch::Pool;
use crate::model::risks::Register;
use crate::model::{FieldProblem, Model, PolicyKind};
use crate::risks::{Assessment, Batches, assess};

/// What a person asks: the register's assessment on this seed and replications.
pub type Request = Runs;

/// A validated assessment: the scenario has a register, and the replications are in range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan(Runs);

impl Plan {
    /// Check a request against the scenario.
    pub fn new(model: &Model, request: &Request) -> Result<Plan, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        if model.risks().is_none() {
            problems.push(FieldProblem::new(
                "risks",
                "the scenario has no [risks] section to assess",
            ));
        }
        request.checked(problems).map(Plan)
    }

    /// How many batches the register needs for `model` (base, and any of sharing, fully
    /// staffed, reduced flow): for sizing before any work starts.
    pub fn batches(register: &Register) -> usize {
        let n = register.needs();
        1 + usize::from(n.demand_led)
            + usize::from(n.fully_staffed)
            + usize::from(n.reduced_flow.is_some())
    }
}

/// Run the batches the register needs (all on the plan's seed) and assess every risk.
/// The base runs under proportional allocation; the batches are labelled
/// `proportional`, `demand-led`, `fully staffed` and `reduced referral flow`.
pub fn run<W: Watch + ?Sized>(
    model: &Model,
    plan: &Plan,
    pool: &Pool,
    watch: &mut W,
) -> Result<Vec<Assessment>, ExperimentError> {
    let Some(register) = model.risks() else {
        return Ok(Vec::new());
    };
    let base_model = model.with_policy(model.policy().with_kind(PolicyKind::Proportional));
    let batch_plan = plan.0.batch_plan(false);
    let needs = register.needs();
    let base = batch_of(&base_model, &batch_plan, pool, watch, "proportional")?;
    let demand_led = match needs.demand_led {
        true => Some(batch_of(
            &base_model.with_policy(base_model.policy().with_kind(PolicyKind::DemandLed)),
            &batch_plan,
            pool,
            watch,
            "demand-led",
        )?),
        false => None,
    };
    let fully_staffed = match needs.fully_staffed {
        true => Some(batch_of(
            &base_model.fully_staffed(),
            &batch_plan,
            pool,
            watch,
            "fully staffed",
        )?),
        false => None,
    };
    let reduced_flow = match needs.reduced_flow {
        Some(f) => Some(batch_of(
            &base_model.with_referral_flow(f),
            &batch_plan,
            pool,
            watch,
            "reduced referral flow",
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
