//! Sensitivity: how far the board's answer moves across the plausible range of each input
//! that is an assumption (the scenario's `[[sensitivity]]` list).
//!
//! One at a time: each input is set to the low and to the high end of its range, every
//! other input as the scenario has it, and each setting runs under each policy on the same
//! seed and replications as the base scenario, so the families, absences and draws are
//! the same and the swing is the input's. For each decision measure the inputs are ranked
//! by their swing (the tornado), and the sweep says whether the answer's direction (which
//! policy gives the shorter mean wait) flips anywhere inside the ranges.
//!
//! One at a time does not see interactions between inputs; it shows which inputs matter
//! and by how much, which is what the board's question ("what does the answer depend
//! on?") needs first.

use super::{ExperimentError, Runs, Watch, batch_of};
use crate::batch::{Batch, Pool};
use crate::measures::names;
use crate::model::{FieldProblem, Model, PolicyKind, SensitivityInput};
use crate::scenario::overrides::{self, Override};
use crate::stats::paired_difference;
use serde::Serialize;

/// The decision measures, as (name, what the board reads).
pub const DECISIONS: [(&str, &str); 4] = [
    (
        "wait_gain",
        "second policy − first: mean wait to first meeting (days)",
    ),
    (
        "within_target_gain",
        "second policy − first: share seen within the target",
    ),
    (
        "over_budget",
        "chance a year costs more than the budget (first policy)",
    ),
    (
        "phase1_completions",
        "families completing Phase 1 (first policy)",
    ),
];

/// What a person asks.
#[derive(Debug, Clone)]
pub struct Request {
    /// The scenario's text (after any `--set`).
    pub text: String,
    /// Where it came from, for messages.
    pub origin: String,
    /// The two policies compared, the first the reference.
    pub policies: Vec<String>,
    /// Seed and replications of every setting.
    pub runs: Runs,
}

/// A validated sensitivity analysis: every input's two ends valid scenarios.
#[derive(Debug, Clone)]
pub struct Plan {
    base: Model,
    policies: [PolicyKind; 2],
    runs: Runs,
    /// Each input with its models at the low and high end.
    inputs: Vec<(SensitivityInput, [Model; 2])>,
}

fn value(x: f64) -> String {
    let r = (x * 1e9).round() / 1e9;
    format!("{r}")
}

impl Plan {
    /// Check a request: two policies, inputs listed, and both ends of every range valid.
    pub fn new(request: &Request) -> Result<Plan, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        let policies = super::policies(&request.policies, &mut problems);
        if problems.is_empty() && policies.len() != 2 {
            problems.push(FieldProblem::new(
                "policies",
                "give two policies: the answer is the difference between them",
            ));
        }
        let base = match crate::scenario::load(&request.text, &request.origin) {
            Ok(m) => m,
            Err(e) => {
                problems.extend(e.problems.into_iter().map(|p| FieldProblem {
                    path: p.path,
                    message: p.message,
                }));
                return Err(problems);
            }
        };
        if base.sensitivity().is_empty() {
            problems.push(FieldProblem::new(
                "sensitivity",
                "the scenario lists no [[sensitivity]] inputs (path, range = [LO, HI], why)",
            ));
        }
        let mut inputs = Vec::new();
        for (i, input) in base.sensitivity().iter().enumerate() {
            let at = |x: f64| -> Result<Model, String> {
                let set = Override {
                    path: input.path.clone(),
                    value: value(x),
                };
                let text = overrides::apply(&request.text, &[set])?;
                crate::scenario::load(&text, &request.origin).map_err(|e| {
                    e.problems
                        .iter()
                        .map(|p| format!("{}: {}", p.path, p.message))
                        .collect::<Vec<_>>()
                        .join("; ")
                })
            };
            match (at(input.range[0]), at(input.range[1])) {
                (Ok(lo), Ok(hi)) => inputs.push((input.clone(), [lo, hi])),
                (Err(e), _) | (_, Err(e)) => problems.push(FieldProblem::new(
                    format!("sensitivity[{i}]"),
                    format!(
                        "{} over [{}, {}]: {e}",
                        input.path, input.range[0], input.range[1]
                    ),
                )),
            }
        }
        let runs = match request.runs.checked(Vec::new()) {
            Ok(r) => r,
            Err(p) => {
                problems.extend(p);
                request.runs
            }
        };
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Plan {
            base,
            policies: [policies[0], policies[1]],
            runs,
            inputs,
        })
    }

    /// Batches the analysis runs: the base and two ends per input, under two policies.
    pub fn batches(&self) -> usize {
        (1 + 2 * self.inputs.len()) * 2
    }

    /// The base scenario.
    pub fn base(&self) -> &Model {
        &self.base
    }
}

/// The four decision measures of one setting.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Answer {
    /// Paired difference in mean wait, second policy − first (days), and its 95% CI.
    pub wait_gain: Option<f64>,
    /// Its 95% interval.
    pub wait_gain_ci95: Option<[f64; 2]>,
    /// Paired difference in the share seen within the target.
    pub within_target_gain: Option<f64>,
    /// Chance any year costs more than the budget, under the first policy.
    pub over_budget: Option<f64>,
    /// Phase 1 completions under the first policy.
    pub phase1_completions: Option<f64>,
}

impl Answer {
    /// The decision measure `k` of [`DECISIONS`].
    pub fn get(&self, k: usize) -> Option<f64> {
        match k {
            0 => self.wait_gain,
            1 => self.within_target_gain,
            2 => self.over_budget,
            _ => self.phase1_completions,
        }
    }

    fn of(a: &Batch, b: &Batch) -> Answer {
        let col = |x: &Batch, name: &str| x.measure(name).unwrap_or_default();
        let diff = |name: &str| paired_difference(&col(a, name), &col(b, name));
        let mean = |x: &Batch, name: &str| {
            let v: Vec<f64> = col(x, name).into_iter().filter(|v| v.is_finite()).collect();
            (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
        };
        let wait = diff(names::WAIT);
        Answer {
            wait_gain: wait.as_ref().map(|d| d.mean),
            wait_gain_ci95: wait.and_then(|d| d.ci95),
            within_target_gain: diff(names::WAIT_WITHIN_TARGET).map(|d| d.mean),
            over_budget: mean(a, names::OVER_BUDGET_ANY),
            phase1_completions: mean(a, names::PHASE1_COMPLETIONS),
        }
    }
}

/// One input's answers at the two ends of its range.
#[derive(Debug, Clone, Serialize)]
pub struct Swing {
    /// The input.
    pub path: String,
    /// Its range.
    pub range: [f64; 2],
    /// Why that range.
    pub why: String,
    /// The answers at the low and the high end.
    pub low: Answer,
    /// See `low`.
    pub high: Answer,
}

impl Swing {
    /// How far decision measure `k` moves across the range (`None` if not measured).
    pub fn size(&self, k: usize) -> Option<f64> {
        Some((self.high.get(k)? - self.low.get(k)?).abs())
    }
}

/// A finished analysis.
#[derive(Debug, Clone, Serialize)]
pub struct Sensitivity {
    /// The two policies, the first the reference.
    pub policies: [String; 2],
    /// Seed and replications of every setting.
    pub seed: u64,
    /// See `seed`.
    pub replications: u64,
    /// The scenario as it is.
    pub base: Answer,
    /// Each input, in the scenario's order.
    pub swings: Vec<Swing>,
}

impl Sensitivity {
    /// The inputs ranked by their swing on decision measure `k`, largest first (those
    /// without a value last).
    pub fn ranked(&self, k: usize) -> Vec<&Swing> {
        let mut v: Vec<&Swing> = self.swings.iter().collect();
        v.sort_by(|a, b| {
            b.size(k)
                .unwrap_or(-1.0)
                .total_cmp(&a.size(k).unwrap_or(-1.0))
        });
        v
    }

    /// The settings at which the policy with the shorter mean wait is not the one it is
    /// for the scenario as it is: `(input, "low"/"high")`. Only differences whose 95%
    /// interval excludes zero count, so noise around a tie is not called a flip.
    pub fn flips(&self) -> Vec<(String, &'static str)> {
        let sign = |a: &Answer| match a.wait_gain_ci95 {
            Some([lo, _]) if lo > 0.0 => 1,
            Some([_, hi]) if hi < 0.0 => -1,
            _ => 0,
        };
        let base = sign(&self.base);
        let mut out = Vec::new();
        for s in &self.swings {
            for (end, a) in [("low", &s.low), ("high", &s.high)] {
                let here = sign(a);
                if here != 0 && base != 0 && here != base {
                    out.push((s.path.clone(), end));
                }
            }
        }
        out
    }
}

/// Run the base and both ends of every input under the two policies.
pub fn run<W: Watch + ?Sized>(
    plan: &Plan,
    pool: &Pool,
    watch: &mut W,
) -> Result<Sensitivity, ExperimentError> {
    let batch_plan = plan.runs.batch_plan();
    let [p, q] = plan.policies;
    let answer = |m: &Model, label: &str, watch: &mut W| -> Result<Answer, ExperimentError> {
        let a = batch_of(
            &m.with_policy(m.policy().with_kind(p)),
            &batch_plan,
            pool,
            watch,
            &format!("{label} · {p}"),
        )?;
        let b = batch_of(
            &m.with_policy(m.policy().with_kind(q)),
            &batch_plan,
            pool,
            watch,
            &format!("{label} · {q}"),
        )?;
        Ok(Answer::of(&a, &b))
    };
    let base = answer(&plan.base, "as it is", watch)?;
    let mut swings = Vec::with_capacity(plan.inputs.len());
    for (input, [lo, hi]) in &plan.inputs {
        let low = answer(
            lo,
            &format!("{}={}", input.path, value(input.range[0])),
            watch,
        )?;
        let high = answer(
            hi,
            &format!("{}={}", input.path, value(input.range[1])),
            watch,
        )?;
        swings.push(Swing {
            path: input.path.clone(),
            range: input.range,
            why: input.why.clone(),
            low,
            high,
        });
    }
    Ok(Sensitivity {
        policies: [p.name().to_string(), q.name().to_string()],
        seed: plan.runs.seed,
        replications: plan.runs.replications,
        base,
        swings,
    })
}
