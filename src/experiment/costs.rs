//! The cost of a batch over the contract: per contract year, the simulated cost (salary,
//! agency cover, mileage, and the fixed non-salary lines) against the budget, and for the
//! whole contract.

use super::{ExperimentError, Runs, Watch, batch_of};
use crate::batch::{Batch, Pool};
use crate::costs::Projector;
use crate::measures::names;
use crate::model::{FieldProblem, Model};
use crate::money::Pence;

/// What a person asks: the scenario's cost projected from a batch on this seed.
pub type Request = Runs;

/// A validated projection: the scenario has a `[costs]` section, and the replications are
/// in range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan(Runs);

impl Plan {
    /// Check a request against the scenario.
    pub fn new(model: &Model, request: &Request) -> Result<Plan, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        if Projector::new(model).is_none() {
            problems.push(FieldProblem::new(
                "costs",
                "the scenario has no [costs] section, so it has no cost to project",
            ));
        }
        request.checked(problems).map(Plan)
    }
}

/// One contract year: fixed figures, and each simulated quantity per replication, in
/// replication order (pounds; `over_budget` is 1 where the year cost more than its budget).
#[derive(Debug, Clone, PartialEq)]
pub struct Year {
    /// 1-based contract year.
    pub year: usize,
    /// Days of the year inside the horizon (a short last year is pro-rated).
    pub days: f64,
    /// The year's budget (pro-rated for a short year).
    pub budget: Pence,
    /// Non-salary cost: the same in every replication.
    pub non_salary: Pence,
    /// Total cost.
    pub cost: Vec<f64>,
    /// 1 if over budget, else 0.
    pub over_budget: Vec<f64>,
    /// Salary cost of the posts filled.
    pub salary: Vec<f64>,
    /// Agency cover of vacant posts.
    pub agency: Vec<f64>,
    /// Cross-region mileage.
    pub mileage: Vec<f64>,
}

/// The cost of one batch over the contract.
#[derive(Debug, Clone, PartialEq)]
pub struct Projection {
    /// Each contract year.
    pub years: Vec<Year>,
    /// The whole contract's cost, per replication.
    pub contract_cost: Vec<f64>,
    /// 1 where some year cost more than its budget.
    pub over_budget_any_year: Vec<f64>,
    /// Contract cost over families completing Phase 1, per replication.
    pub cost_per_phase1_completion: Vec<f64>,
    /// Where the cost table's counts differ from the scenario's posts, in words.
    pub staffing_note: Option<String>,
}

/// The cost of `batch` (a batch of `model`) over the contract; `None` when the scenario
/// has no `[costs]` section.
pub fn project(model: &Model, batch: &Batch) -> Option<Projection> {
    let projector = Projector::new(model)?;
    let column = |name: &str| {
        batch
            .measure(name)
            .unwrap_or_else(|| vec![f64::NAN; batch.len()])
    };
    let years = (0..projector.years())
        .map(|y| {
            let k = y + 1;
            Year {
                year: k,
                days: projector.year_days(y),
                budget: projector.budget(y),
                non_salary: projector.non_salary(y),
                cost: column(&names::cost_in_year(k)),
                over_budget: column(&names::over_budget_in_year(k)),
                salary: column(&names::cost_part_in_year("salary", k)),
                agency: column(&names::cost_part_in_year("agency", k)),
                mileage: column(&names::cost_part_in_year("mileage", k)),
            }
        })
        .collect();
    Some(Projection {
        years,
        contract_cost: column(names::COST_TOTAL),
        over_budget_any_year: column(names::OVER_BUDGET_ANY),
        cost_per_phase1_completion: column(names::COST_PER_PHASE1_COMPLETION),
        staffing_note: projector.staffing_note(model),
    })
}

/// Run the batch the plan asks for (labelled with the policy's name) and project its cost.
pub fn run<W: Watch + ?Sized>(
    model: &Model,
    plan: &Plan,
    pool: &Pool,
    watch: &mut W,
) -> Result<(Batch, Projection), ExperimentError> {
    let batch_plan = plan.0.batch_plan(false);
    let batch = batch_of(
        model,
        &batch_plan,
        pool,
        watch,
        model.policy().kind().name(),
    )?;
    // the plan checked that the scenario has costs
    let projection = project(model, &batch).unwrap_or(Projection {
        years: Vec::new(),
        contract_cost: Vec::new(),
        over_budget_any_year: Vec::new(),
        cost_per_phase1_completion: Vec::new(),
        staffing_note: None,
    });
    Ok((batch, projection))
}
