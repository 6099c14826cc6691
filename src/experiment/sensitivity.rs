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
//! One at a time does not see interactions between inputs. [`global`] varies every input
//! at once over a Latin hypercube (its design drawn from the master seed's own stream)
//! and ranks the inputs by standardised rank regression coefficients (SRRC) on each
//! decision measure, with the R² that says how much of the variation the ranking
//! explains.

use super::columns::{self, Columns};
use super::{ExperimentError, Runs, Watch};
use crate::batch::Pool;
use crate::measures::names;
use crate::model::{FieldProblem, Model, PolicyKind, SensitivityInput};
use crate::scenario::overrides::Override;
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
    text: String,
    origin: String,
    base: Model,
    policies: [PolicyKind; 2],
    runs: Runs,
    /// Each input with its models at the low and high end.
    inputs: Vec<(SensitivityInput, [Model; 2])>,
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
                    value: super::number_text(x),
                };
                super::scenario_with(&request.text, &request.origin, &[set])
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
        let runs = request.runs.check_into(&mut problems);
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Plan {
            text: request.text.clone(),
            origin: request.origin.clone(),
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

    /// The two batches of one setting: `model` under each policy, labelled `label · policy`.
    fn pair(&self, model: &Model, label: &str) -> [(Model, String); 2] {
        self.policies.map(|k| {
            (
                model.with_policy(model.policy().with_kind(k)),
                format!("{label} · {k}"),
            )
        })
    }

    /// Every batch of the one-at-a-time analysis: the scenario as it is, then each input
    /// at its low and its high end, each under the two policies.
    pub fn cells(&self) -> Vec<(Model, String)> {
        let mut out = Vec::with_capacity(self.batches());
        out.extend(self.pair(&self.base, "as it is"));
        for (input, [lo, hi]) in &self.inputs {
            for (m, x) in [(lo, input.range[0]), (hi, input.range[1])] {
                out.extend(self.pair(m, &format!("{}={}", input.path, super::number_text(x))));
            }
        }
        out
    }

    /// Refuse a global design of `samples` samples unless it is between the inputs plus
    /// two (the regression needs them) and [`MAX_SAMPLES`].
    pub fn check_samples(&self, samples: usize) -> Result<(), ExperimentError> {
        let k = self.inputs.len();
        if (k + 2..=MAX_SAMPLES).contains(&samples) {
            return Ok(());
        }
        Err(ExperimentError::Search(format!(
            "--global needs between {} (the inputs plus two) and {MAX_SAMPLES} samples, got {samples}",
            k + 2
        )))
    }
}

/// The measures an answer is read from, in the order [`Columns`] keep them.
pub const KEPT: [&str; 4] = [
    names::WAIT,
    names::WAIT_WITHIN_TARGET,
    names::OVER_BUDGET_ANY,
    names::PHASE1_COMPLETIONS,
];

fn kept() -> Vec<String> {
    KEPT.iter().map(|m| m.to_string()).collect()
}

/// Check that `columns` hold `batches` batches of the kept measures over all `runs`.
fn check(columns: &Columns, batches: usize, runs: Runs) -> Result<(), ExperimentError> {
    columns
        .fit(batches, &kept(), runs.replications)
        .map_err(ExperimentError::Search)
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

    /// The answer of one setting from its two batches' kept columns (in [`KEPT`] order),
    /// the first policy's first.
    fn of(a: &[Vec<f64>], b: &[Vec<f64>]) -> Answer {
        let diff = |j: usize| paired_difference(&a[j], &b[j]);
        let mean = |col: &[f64]| {
            let v: Vec<f64> = col.iter().copied().filter(|v| v.is_finite()).collect();
            (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
        };
        let wait = diff(0);
        Answer {
            wait_gain: wait.as_ref().map(|d| d.mean),
            wait_gain_ci95: wait.and_then(|d| d.ci95),
            within_target_gain: diff(1).map(|d| d.mean),
            over_budget: mean(&a[2]),
            phase1_completions: mean(&a[3]),
        }
    }

    /// The answers of settings whose batches come in pairs (first policy, second).
    fn of_pairs(batches: &[Vec<Vec<f64>>]) -> Vec<Answer> {
        batches
            .chunks_exact(2)
            .map(|p| Answer::of(&p[0], &p[1]))
            .collect()
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

/// Run replications `first .. first + replications` of every batch of the one-at-a-time
/// analysis, keeping the measures its answers are read from: one part of an analysis
/// split by replications ([`from_columns`] answers once the parts are joined).
pub fn run_part<W: Watch + ?Sized>(
    plan: &Plan,
    (first, replications): (u64, u64),
    pool: &Pool,
    watch: &mut W,
) -> Result<Columns, ExperimentError> {
    columns::run(
        &plan.cells(),
        &kept(),
        (plan.runs.seed, first, replications),
        pool,
        watch,
    )
}

/// The one-at-a-time analysis from the columns of all its batches.
pub fn from_columns(plan: &Plan, columns: &Columns) -> Result<Sensitivity, ExperimentError> {
    check(columns, plan.batches(), plan.runs)?;
    let mut answers = Answer::of_pairs(&columns.batches).into_iter();
    let base = answers.next().expect("the base setting");
    let swings = plan
        .inputs
        .iter()
        .map(|(input, _)| Swing {
            path: input.path.clone(),
            range: input.range,
            why: input.why.clone(),
            low: answers.next().expect("a low end per input"),
            high: answers.next().expect("a high end per input"),
        })
        .collect();
    let [p, q] = plan.policies;
    Ok(Sensitivity {
        policies: [p.name().to_string(), q.name().to_string()],
        seed: plan.runs.seed,
        replications: plan.runs.replications,
        base,
        swings,
    })
}

/// Run the base and both ends of every input under the two policies.
pub fn run<W: Watch + ?Sized>(
    plan: &Plan,
    pool: &Pool,
    watch: &mut W,
) -> Result<Sensitivity, ExperimentError> {
    let columns = run_part(plan, (0, plan.runs.replications), pool, watch)?;
    from_columns(plan, &columns)
}

/// The design stream of the global method.
const LATIN_HYPERCUBE: u32 = 1;

/// The most samples of the global method.
pub const MAX_SAMPLES: usize = 500;

/// Every input varied at once: how much of each decision measure's variation across the
/// samples each input explains, interactions and all.
#[derive(Debug, Clone, Serialize)]
pub struct Global {
    /// Samples drawn (a Latin hypercube over the inputs' ranges).
    pub samples: usize,
    /// Per decision measure (in [`DECISIONS`] order): each input's standardised rank
    /// regression coefficient, in the scenario's order of inputs.
    pub srrc: Vec<Vec<Option<f64>>>,
    /// Per decision measure: the share of the outputs' rank variance the inputs' ranks
    /// explain (R²); low values mean interactions or noise the ranking does not capture.
    pub r_squared: Vec<Option<f64>>,
    /// Samples whose policy with the shorter mean wait (its 95% interval excluding zero)
    /// is not the one most such samples find: zero means the direction of the answer
    /// never changes anywhere in the ranges sampled.
    pub against_majority: usize,
    /// The inputs, in order.
    pub inputs: Vec<String>,
}

/// Ranks (1-based, ties averaged) of `x`.
fn ranks(x: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..x.len()).collect();
    idx.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    let mut r = vec![0.0; x.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && x[idx[j + 1]] == x[idx[i]] {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0 + 1.0;
        for &k in &idx[i..=j] {
            r[k] = avg;
        }
        i = j + 1;
    }
    r
}

/// Centre and scale to unit variance; `None` for a constant column.
fn standardised(x: &[f64]) -> Option<Vec<f64>> {
    let n = x.len() as f64;
    let m = x.iter().sum::<f64>() / n;
    let sd = (x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    (sd > 0.0).then(|| x.iter().map(|v| (v - m) / sd).collect())
}

/// Least squares `min |Xb - y|` by the normal equations, solved by Gaussian elimination
/// with partial pivoting (the systems here have at most 30 unknowns, so a linear-algebra
/// crate would add a dependency for twenty lines); `None` when singular.
fn least_squares(x: &[Vec<f64>], y: &[f64]) -> Option<Vec<f64>> {
    let k = x.first()?.len();
    let mut a = vec![vec![0.0; k + 1]; k];
    for (row, &yi) in x.iter().zip(y) {
        for i in 0..k {
            for j in 0..k {
                a[i][j] += row[i] * row[j];
            }
            a[i][k] += row[i] * yi;
        }
    }
    for c in 0..k {
        let p = (c..k).max_by(|&i, &j| a[i][c].abs().total_cmp(&a[j][c].abs()))?;
        if a[p][c].abs() < 1e-12 {
            return None;
        }
        a.swap(c, p);
        let pivot = a[c].clone();
        for (r, row) in a.iter_mut().enumerate() {
            if r != c {
                let f = row[c] / pivot[c];
                for (x, y) in row.iter_mut().zip(&pivot).skip(c) {
                    *x -= f * y;
                }
            }
        }
    }
    Some((0..k).map(|i| a[i][k] / a[i][i]).collect())
}

/// Vary every input at once over a Latin hypercube of `samples` points (drawn from the
/// master seed's own design stream), each point under the two policies on the same
/// random numbers, and rank the inputs by their standardised rank regression
/// coefficients on each decision measure.
pub fn global<W: Watch + ?Sized>(
    plan: &Plan,
    samples: usize,
    pool: &Pool,
    watch: &mut W,
) -> Result<Global, ExperimentError> {
    let columns = global_part(plan, samples, (0, plan.runs.replications), pool, watch)?;
    global_from_columns(plan, samples, &columns)
}

/// The global method's design: `samples` points over the inputs' ranges, each range cut
/// into `samples` strata with one point in each, the strata shuffled independently per
/// input, all drawn from the master seed's design stream.
fn design(plan: &Plan, samples: usize) -> Result<Vec<Vec<f64>>, ExperimentError> {
    use rand::Rng as _;
    use rand::seq::SliceRandom as _;
    plan.check_samples(samples)?;
    let k = plan.inputs.len();
    let mut rng =
        crate::rng::Streams::new(plan.runs.seed, 0).stream(crate::rng::StreamId::Design {
            experiment: LATIN_HYPERCUBE,
        });
    let mut design = vec![vec![0.0; k]; samples];
    for (i, (input, _)) in plan.inputs.iter().enumerate() {
        let mut strata: Vec<usize> = (0..samples).collect();
        strata.shuffle(&mut rng);
        let [lo, hi] = input.range;
        for (s, &stratum) in strata.iter().enumerate() {
            let u: f64 = rng.random();
            design[s][i] = lo + (hi - lo) * (stratum as f64 + u) / samples as f64;
        }
    }
    Ok(design)
}

/// Every batch of the global method: each sample of the design under the two policies.
fn global_cells(plan: &Plan, design: &[Vec<f64>]) -> Result<Vec<(Model, String)>, ExperimentError> {
    let samples = design.len();
    let mut out = Vec::with_capacity(2 * samples);
    for (s, point) in design.iter().enumerate() {
        let sets: Vec<Override> = plan
            .inputs
            .iter()
            .zip(point)
            .map(|((input, _), &v)| Override {
                path: input.path.clone(),
                value: super::number_text(v),
            })
            .collect();
        let model = super::scenario_with(&plan.text, &plan.origin, &sets).map_err(|e| {
            ExperimentError::Search(format!(
                "sample {} of the global design ({}) is not a valid scenario: {e}",
                s + 1,
                super::settings(&sets)
            ))
        })?;
        out.extend(plan.pair(&model, &format!("global sample {} of {samples}", s + 1)));
    }
    Ok(out)
}

/// Replications `first .. first + replications` of every batch of the global method:
/// one part of it split by replications ([`global_from_columns`] answers once joined).
pub fn global_part<W: Watch + ?Sized>(
    plan: &Plan,
    samples: usize,
    (first, replications): (u64, u64),
    pool: &Pool,
    watch: &mut W,
) -> Result<Columns, ExperimentError> {
    let cells = global_cells(plan, &design(plan, samples)?)?;
    columns::run(
        &cells,
        &kept(),
        (plan.runs.seed, first, replications),
        pool,
        watch,
    )
}

/// The global method from the columns of all its batches.
pub fn global_from_columns(
    plan: &Plan,
    samples: usize,
    columns: &Columns,
) -> Result<Global, ExperimentError> {
    let k = plan.inputs.len();
    let design = design(plan, samples)?;
    check(columns, 2 * samples, plan.runs)?;
    let answers = Answer::of_pairs(&columns.batches);
    let x_ranks: Vec<Vec<f64>> = (0..k)
        .map(|i| ranks(&design.iter().map(|r| r[i]).collect::<Vec<_>>()))
        .collect();
    let x_std: Vec<Option<Vec<f64>>> = x_ranks.iter().map(|r| standardised(r)).collect();
    let mut srrc = Vec::new();
    let mut r_squared = Vec::new();
    for d in 0..DECISIONS.len() {
        let y: Option<Vec<f64>> = answers.iter().map(|a| a.get(d)).collect();
        let fit = y.and_then(|y| {
            let ys = standardised(&ranks(&y))?;
            let cols: Vec<&Vec<f64>> = x_std.iter().flatten().collect();
            if cols.len() != k {
                return None;
            }
            let rows: Vec<Vec<f64>> = (0..samples)
                .map(|s| cols.iter().map(|c| c[s]).collect())
                .collect();
            let b = least_squares(&rows, &ys)?;
            let ss: f64 = ys.iter().map(|v| v * v).sum();
            let resid: f64 = rows
                .iter()
                .zip(&ys)
                .map(|(r, y)| {
                    let fit: f64 = r.iter().zip(&b).map(|(x, c)| x * c).sum();
                    (y - fit).powi(2)
                })
                .sum();
            Some((b, 1.0 - resid / ss))
        });
        match fit {
            Some((b, r2)) => {
                srrc.push(b.into_iter().map(Some).collect());
                r_squared.push(Some(r2));
            }
            None => {
                srrc.push(vec![None; k]);
                r_squared.push(None);
            }
        }
    }
    Ok(Global {
        samples,
        srrc,
        r_squared,
        against_majority: against_majority(&answers),
        inputs: plan.inputs.iter().map(|(i, _)| i.path.clone()).collect(),
    })
}

/// Samples whose shorter-wait policy (interval excluding zero) is the minority's.
fn against_majority(answers: &[Answer]) -> usize {
    let sign = |a: &Answer| match a.wait_gain_ci95 {
        Some([lo, _]) if lo > 0.0 => 1,
        Some([_, hi]) if hi < 0.0 => -1,
        _ => 0,
    };
    let pos = answers.iter().filter(|a| sign(a) == 1).count();
    let neg = answers.iter().filter(|a| sign(a) == -1).count();
    pos.min(neg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_average_ties() {
        assert_eq!(ranks(&[3.0, 1.0, 2.0]), [3.0, 1.0, 2.0]);
        assert_eq!(ranks(&[5.0, 5.0, 1.0, 7.0]), [2.5, 2.5, 1.0, 4.0]);
    }

    #[test]
    fn least_squares_recovers_exact_coefficients_and_refuses_singular_systems() {
        // y = 2 x1 − 3 x2 exactly
        let x = vec![
            vec![1.0, 0.0],
            vec![0.0, 1.0],
            vec![1.0, 1.0],
            vec![2.0, -1.0],
        ];
        let y: Vec<f64> = x.iter().map(|r| 2.0 * r[0] - 3.0 * r[1]).collect();
        let b = least_squares(&x, &y).unwrap();
        assert!(
            (b[0] - 2.0).abs() < 1e-12 && (b[1] + 3.0).abs() < 1e-12,
            "{b:?}"
        );
        let same = vec![vec![1.0, 2.0], vec![2.0, 4.0], vec![3.0, 6.0]];
        assert!(least_squares(&same, &[1.0, 2.0, 3.0]).is_none());
        assert!(standardised(&[4.0, 4.0, 4.0]).is_none());
    }
}
