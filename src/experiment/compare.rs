//! Paired comparison: the same families under several allocation policies, scenario
//! variants, or both.
//!
//! Every arm runs on the same seed and replications, so replication `k` of each sees the
//! same referrals and family fates, and every post the arms share (named by its group
//! and place in it) the same absences and vacancies; differences are paired. A variant
//! that adds a post draws that post's absences afresh and leaves every other stream as
//! it was; one that changes how a family field is drawn changes that field only.

use super::{ExperimentError, Runs, Watch, batch_of};
use crate::batch::{Batch, Pool};
use crate::model::{FieldProblem, Model, PolicyKind};

/// What a person asks to compare.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// Policy names, the first the reference (`proportional`, `demand-led`, `pooled`,
    /// `rebased`). Empty with variants: each scenario runs under its own policy.
    pub policies: Vec<String>,
    /// Labels of the scenario variants compared with the base scenario, in order.
    pub variants: Vec<String>,
    /// Master seed.
    pub seed: u64,
    /// Replications per policy.
    pub replications: u64,
}

/// The label of the base scenario when variants are compared with it.
pub const BASE_LABEL: &str = "base";

/// Longest variant label.
pub const MAX_LABEL_CHARS: usize = 40;

/// A validated comparison: at least two arms, every label distinct.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    policies: Vec<PolicyKind>,
    variants: Vec<String>,
    runs: Runs,
}

impl Plan {
    /// Check a request: every policy known, at least two, none twice; replications in range.
    pub fn new(request: &Request) -> Result<Plan, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        let policies = super::policies(&request.policies, &mut problems);
        let mut variants: Vec<String> = Vec::new();
        for label in &request.variants {
            let label = label.trim();
            let problem = if label.is_empty() {
                Some("a variant needs a label before its ':'".to_string())
            } else if label.chars().count() > MAX_LABEL_CHARS {
                Some(format!(
                    "label {label:?} is longer than {MAX_LABEL_CHARS} characters"
                ))
            } else if label.chars().any(char::is_control) {
                Some(format!("label {label:?} contains a control character"))
            } else if label == BASE_LABEL || variants.iter().any(|v| v == label) {
                Some(format!(
                    "label {label:?} is used twice (the scenario itself is \"{BASE_LABEL}\")"
                ))
            } else if PolicyKind::parse(label).is_some() {
                Some(format!(
                    "label {label:?} is a policy's name; call the variant something else"
                ))
            } else {
                None
            };
            match problem {
                Some(p) => problems.push(FieldProblem::new("variant", p)),
                None => variants.push(label.to_string()),
            }
        }
        let arms = (variants.len() + 1) * policies.len().max(1);
        if problems.is_empty() && arms < 2 {
            let what = if request.variants.is_empty() {
                "needs at least two policies to compare"
            } else {
                "needs at least two arms to compare"
            };
            problems.push(FieldProblem::new("policies", what));
        }
        let runs = Runs {
            seed: request.seed,
            replications: request.replications,
        };
        runs.checked(problems).map(|runs| Plan {
            policies,
            variants,
            runs,
        })
    }

    /// The variants' labels, in order.
    pub fn variants(&self) -> &[String] {
        &self.variants
    }

    /// Batches the comparison runs.
    pub fn arms(&self) -> usize {
        (self.variants.len() + 1) * self.policies.len().max(1)
    }

    /// The label of the arm of scenario `scenario` (0 the base, then the variants) under
    /// policy `policy` (`None`: the scenario's own).
    pub fn label(&self, scenario: usize, policy: Option<PolicyKind>) -> String {
        let name = match scenario {
            0 => BASE_LABEL,
            k => self.variants[k - 1].as_str(),
        };
        match (self.variants.is_empty(), policy) {
            (true, Some(p)) => p.name().to_string(),
            (false, Some(p)) if self.policies.len() > 1 => format!("{name} · {p}"),
            _ => name.to_string(),
        }
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

/// One arm's label, model and batch.
#[derive(Debug, Clone)]
pub struct Arm {
    /// What the comparison calls it: the policy, the variant, or both.
    pub label: String,
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
    run_variants(model, &[], plan, pool, watch)
}

/// Run the base scenario `model` and each of `variants` (one model per label of the
/// plan, in order) under each policy of `plan` (or each under its own policy), in that
/// order: the base scenario's arms first.
pub fn run_variants<W: Watch + ?Sized>(
    model: &Model,
    variants: &[Model],
    plan: &Plan,
    pool: &Pool,
    watch: &mut W,
) -> Result<Vec<Arm>, ExperimentError> {
    assert_eq!(
        variants.len(),
        plan.variants.len(),
        "one model per variant label"
    );
    let batch_plan = plan.runs.batch_plan(true);
    let scenarios = std::iter::once(model).chain(variants);
    let mut arms = Vec::with_capacity(plan.arms());
    for (k, scenario) in scenarios.enumerate() {
        let kinds: Vec<Option<PolicyKind>> = match plan.policies.as_slice() {
            [] => vec![None],
            ps => ps.iter().copied().map(Some).collect(),
        };
        for kind in kinds {
            let label = plan.label(k, kind);
            let model = match kind {
                Some(kind) => scenario.with_policy(scenario.policy().with_kind(kind)),
                None => scenario.clone(),
            };
            let batch = batch_of(&model, &batch_plan, pool, watch, &label)?;
            arms.push(Arm {
                label,
                model,
                batch,
            });
        }
    }
    Ok(arms)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(policies: &[&str], replications: u64) -> Request {
        Request {
            policies: policies.iter().map(|s| s.to_string()).collect(),
            variants: Vec::new(),
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
