//! Policy comparison: the same families under several allocation policies.
//!
//! Every policy runs on the same seed and replications, so replication `k` of each sees
//! the same referrals, family fates and staff absences, and differences are paired.

use super::{ExperimentError, Runs, Watch, batch_of};
use crate::batch::{Batch, Pool};
use crate::model::{FieldProblem, Model, PolicyKind};

/// What a person asks to compare.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// Policy names, the first the reference (`proportional`, `demand-led`, `pooled`).
    pub policies: Vec<String>,
    /// Master seed.
    pub seed: u64,
    /// Replications per policy.
    pub replications: u64,
}

/// A validated comparison: at least two distinct policies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    policies: Vec<PolicyKind>,
    runs: Runs,
}

impl Plan {
    /// Check a request: every policy known, at least two, none twice; replications in range.
    pub fn new(request: &Request) -> Result<Plan, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        let mut policies = Vec::new();
        for name in &request.policies {
            match PolicyKind::parse(name.trim()) {
                Some(k) if policies.contains(&k) => {
                    problems.push(FieldProblem::new("policies", format!("lists {k} twice")))
                }
                Some(k) => policies.push(k),
                None => problems.push(FieldProblem::new(
                    "policies",
                    format!(
                        "unknown policy {:?} (allowed: {})",
                        name.trim(),
                        PolicyKind::allowed()
                    ),
                )),
            }
        }
        if problems.is_empty() && policies.len() < 2 {
            problems.push(FieldProblem::new(
                "policies",
                "needs at least two policies to compare",
            ));
        }
        let runs = Runs {
            seed: request.seed,
            replications: request.replications,
        };
        runs.checked(problems).map(|runs| Plan { policies, runs })
    }

    /// The policies, reference first.
    pub fn policies(&self) -> &[PolicyKind] {
        &self.policies
    }

    /// Master seed.
    pub fn seed(&self) -> u64 {
        self.runs.seed
    }

    /// Replications per policy.
    pub fn replications(&self) -> u64 {
        self.runs.replications
    }
}

/// One policy's model and batch.
#[derive(Debug, Clone)]
pub struct Arm {
    /// The scenario under this policy.
    pub model: Model,
    /// Its batch.
    pub batch: Batch,
}

/// Run every policy of `plan` on `model`'s scenario, in plan order, each batch labelled
/// with the policy's name.
pub fn run<W: Watch + ?Sized>(
    model: &Model,
    plan: &Plan,
    pool: &Pool,
    watch: &mut W,
) -> Result<Vec<Arm>, ExperimentError> {
    let batch_plan = plan.runs.batch_plan();
    plan.policies
        .iter()
        .map(|kind| {
            let model = model.with_policy(model.policy().with_kind(*kind));
            let batch = batch_of(&model, &batch_plan, pool, watch, kind.name())?;
            Ok(Arm { model, batch })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(policies: &[&str], replications: u64) -> Request {
        Request {
            policies: policies.iter().map(|s| s.to_string()).collect(),
            seed: 1,
            replications,
        }
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let problems = Plan::new(&request(&["pooled", "pooled", "fair"], 0)).unwrap_err();
        let messages: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(
            messages,
            [
                "policies: lists pooled twice",
                "policies: unknown policy \"fair\" (allowed: proportional, demand-led, pooled, rebased)",
                "replications: must be between 1 and 1000000, got 0",
            ]
        );
        assert_eq!(
            Plan::new(&request(&["pooled"], 5)).unwrap_err()[0].to_string(),
            "policies: needs at least two policies to compare"
        );
        let plan = Plan::new(&request(&[" pooled", "demand-led "], 5)).unwrap();
        assert_eq!(plan.policies(), [PolicyKind::Pooled, PolicyKind::DemandLed]);
    }
}
