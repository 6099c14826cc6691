//! Calibration: fit chosen inputs of a scenario to the figures it stores as targets.
//!
//! The method is the simulated method of moments. Each candidate point (values for the
//! fitted inputs) is simulated on the same seed and replications, so every point sees the
//! same families and absences (common random numbers) and the distance below is a smooth,
//! deterministic function of the point. For each target the distance adds
//! `((simulated mean − observed) / sd)²`, where `sd` is the spread of the simulated
//! one-year value across replications: the sampling error of one observed year, so a
//! figure that varies a lot from year to year weighs less. An `at-least` or `at-most`
//! target adds to the distance only on its wrong side. The point minimising the distance
//! is found by Nelder–Mead (the `argmin` crate) in coordinates scaled to each input's
//! range, with the bounds enforced by a penalty; evaluated points are remembered.
//!
//! The fitted values' 95% intervals come from the curvature of the distance at the best
//! point (a Gauss–Newton approximation): the Jacobian of the simulated means with respect
//! to the inputs, by central differences on the same random numbers, gives the covariance
//! `(JᵀWJ)⁻¹` with `W` the inverse sampling variances. An input the targets cannot pin
//! down gets no interval and is reported as not identified.

use super::{ExperimentError, Runs, Watch, batch_of};
use crate::batch::{Batch, Pool};
use crate::model::targets::{Target, TargetKind, TargetMeasure};
use crate::model::{FieldProblem, Model};
use crate::scenario::overrides::{self, Override};
use std::collections::BTreeMap;

/// The most inputs one calibration may fit.
pub const MAX_FITS: usize = 6;

/// The most candidate points one calibration may simulate.
pub const MAX_EVALUATIONS: u64 = 2_000;

/// One input to fit: a numeric field of the scenario (as `--set` names it) and its range.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    /// The field, e.g. `pathway.workload_scale`.
    pub path: String,
    /// Lowest value tried.
    pub lo: f64,
    /// Highest value tried.
    pub hi: f64,
}

impl std::str::FromStr for Fit {
    type Err = String;

    /// `PATH=LO..HI`, e.g. `pathway.workload_scale=1..3`.
    fn from_str(s: &str) -> Result<Fit, String> {
        let shape =
            || format!("expected PATH=LO..HI (e.g. pathway.workload_scale=1..3), got {s:?}");
        let (path, range) = s.split_once('=').ok_or_else(shape)?;
        let (lo, hi) = range.split_once("..").ok_or_else(shape)?;
        let number = |t: &str| t.trim().parse::<f64>().map_err(|_| shape());
        Ok(Fit {
            path: path.trim().to_string(),
            lo: number(lo)?,
            hi: number(hi)?,
        })
    }
}

/// What a person asks: fit these inputs of this scenario text to its targets.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// The scenario file's text (after any `--set`).
    pub text: String,
    /// Where it came from, for messages (`pioneer-2011.toml (bundled)`).
    pub origin: String,
    /// The inputs to fit.
    pub fits: Vec<Fit>,
    /// Seed and replications of every candidate point.
    pub runs: Runs,
    /// The most candidate points to simulate.
    pub max_evaluations: u64,
}

/// A validated calibration.
#[derive(Debug, Clone)]
pub struct Plan {
    text: String,
    origin: String,
    fits: Vec<Fit>,
    runs: Runs,
    max_evaluations: u64,
    targets: Vec<Target>,
}

impl Plan {
    /// Check a request: the scenario loads and has targets; each input is a number field
    /// that takes both ends of its range; no input twice; the runs in range.
    pub fn new(request: &Request) -> Result<Plan, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        let model = match crate::scenario::load(&request.text, &request.origin) {
            Ok(m) => Some(m),
            Err(e) => {
                problems.push(FieldProblem::new("scenario", e.to_string()));
                None
            }
        };
        let targets = model.as_ref().map_or(Vec::new(), |m| m.targets().to_vec());
        if model.is_some() && targets.is_empty() {
            problems.push(FieldProblem::new(
                "scenario",
                format!(
                    "{} has no [[targets]] to calibrate against (see `ifss-sim scenario show pioneer-2011`)",
                    request.origin
                ),
            ));
        }
        if request.fits.is_empty() {
            problems.push(FieldProblem::new(
                "fit",
                "name at least one input to fit, as PATH=LO..HI",
            ));
        }
        if request.fits.len() > MAX_FITS {
            problems.push(FieldProblem::new(
                "fit",
                format!(
                    "at most {MAX_FITS} inputs can be fitted at once, got {}",
                    request.fits.len()
                ),
            ));
        }
        let mut seen = std::collections::BTreeSet::new();
        for f in &request.fits {
            let field = format!("fit {}", f.path);
            if !seen.insert(f.path.as_str()) {
                problems.push(FieldProblem::new(field.clone(), "is fitted twice"));
            }
            if !(f.lo.is_finite() && f.hi.is_finite() && f.lo < f.hi) {
                problems.push(FieldProblem::new(
                    field,
                    format!(
                        "the range must be two finite numbers, low first, got {}..{}",
                        f.lo, f.hi
                    ),
                ));
                continue;
            }
            for end in [f.lo, f.hi] {
                if let Err(why) = at(&request.text, &request.origin, f, end) {
                    problems.push(FieldProblem::new(field.clone(), why));
                    break;
                }
            }
        }
        if request.max_evaluations < 2 || request.max_evaluations > MAX_EVALUATIONS {
            problems.push(FieldProblem::new(
                "max-evals",
                format!(
                    "must be between 2 and {MAX_EVALUATIONS}, got {}",
                    request.max_evaluations
                ),
            ));
        }
        let runs = request.runs.checked(problems)?;
        Ok(Plan {
            text: request.text.clone(),
            origin: request.origin.clone(),
            fits: request.fits.clone(),
            runs,
            max_evaluations: request.max_evaluations,
            targets,
        })
    }

    /// The scenario's targets.
    pub fn targets(&self) -> &[Target] {
        &self.targets
    }

    /// The inputs fitted.
    pub fn fits(&self) -> &[Fit] {
        &self.fits
    }

    /// The scenario text with the inputs at `values`, loaded.
    fn model_at(&self, values: &[f64]) -> Result<Model, String> {
        let text = with_values(&self.text, &self.fits, values, None)?;
        crate::scenario::load(&text, &self.origin).map_err(|e| e.to_string())
    }
}

/// The scenario with `fit` at `value` (the other fitted inputs as the text has them) loads.
fn at(text: &str, origin: &str, fit: &Fit, value: f64) -> Result<(), String> {
    let text = with_values(text, std::slice::from_ref(fit), &[value], None)?;
    crate::scenario::load(&text, origin)
        .map(|_| ())
        .map_err(|e| format!("at {value}: {e}"))
}

/// `text` with each fitted input set to its value, each line annotated with `notes` when
/// given.
fn with_values(
    text: &str,
    fits: &[Fit],
    values: &[f64],
    notes: Option<&[String]>,
) -> Result<String, String> {
    let sets: Vec<Override> = fits
        .iter()
        .zip(values)
        .map(|(f, v)| Override {
            path: f.path.clone(),
            value: format!("{v:?}"),
        })
        .collect();
    match notes {
        None => overrides::apply(text, &sets),
        Some(notes) => overrides::apply_annotated(text, &sets, notes),
    }
}

/// One target at one point: the simulated one-year values against the observed one.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TargetFit {
    /// What the figure is.
    pub name: String,
    /// The simulated counterpart.
    pub measure: String,
    /// `equal`, `at-least` or `at-most`.
    pub kind: &'static str,
    /// The observed value.
    pub observed: f64,
    /// Where it was observed.
    pub source: String,
    /// A caveat, if any.
    pub note: Option<String>,
    /// Mean of the simulated values.
    pub mean: f64,
    /// 95% confidence interval of that mean.
    pub ci95: Option<[f64; 2]>,
    /// Standard deviation across replications: the sampling error of one year.
    pub sd: f64,
    /// 2.5th and 97.5th percentiles across replications: the range one simulated year
    /// falls in 95% of the time.
    pub range95: [f64; 2],
    /// Whether the observed value is one a simulated year could give: inside the range
    /// (for `at-least`, at or below its top; for `at-most`, at or above its bottom).
    pub within: bool,
    /// Signed distance in standard deviations (0 on the right side of a one-sided target).
    pub z: f64,
}

/// Each target against a batch of the scenario (one point), and the distance they add up
/// to: the sum of squared z.
pub fn assess(targets: &[Target], batch: &Batch) -> (Vec<TargetFit>, f64) {
    let mut rows = Vec::new();
    let mut distance = 0.0;
    for t in targets {
        let values = values(t.measure(), batch);
        let s = crate::stats::summarize(&values);
        let mut sorted: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
        sorted.sort_by(f64::total_cmp);
        let (mean, sd, ci95) = s.map_or((f64::NAN, f64::NAN, None), |s| (s.mean, s.sd, s.ci95));
        let range95 = if sorted.is_empty() {
            [f64::NAN, f64::NAN]
        } else {
            [
                crate::stats::percentile_sorted(&sorted, 0.025),
                crate::stats::percentile_sorted(&sorted, 0.975),
            ]
        };
        let obs = t.observed();
        // a floor keeps a target that never varies (e.g. a fixed count) from dividing by zero
        let scale = sd.max(1e-3 * obs.abs().max(1e-3));
        let gap = mean - obs;
        let z = match t.kind() {
            TargetKind::Equal => gap / scale,
            TargetKind::AtLeast => gap.min(0.0) / scale,
            TargetKind::AtMost => gap.max(0.0) / scale,
        };
        let within = match t.kind() {
            TargetKind::Equal => range95[0] <= obs && obs <= range95[1],
            TargetKind::AtLeast => obs <= range95[1],
            TargetKind::AtMost => range95[0] <= obs,
        };
        // a target with no simulated value at all is as far as it can be
        distance += if z.is_finite() { z * z } else { 1e12 };
        rows.push(TargetFit {
            name: t.name().to_string(),
            measure: t.measure().describe(),
            kind: t.kind().keyword(),
            observed: obs,
            source: t.source().to_string(),
            note: t.note().map(str::to_string),
            mean,
            ci95,
            sd,
            range95,
            within,
            z,
        });
    }
    (rows, distance)
}

/// A target's simulated value in each replication.
fn values(m: &TargetMeasure, batch: &Batch) -> Vec<f64> {
    let column = |name: &str| {
        batch
            .measure(name)
            .unwrap_or_else(|| vec![f64::NAN; batch.len()])
    };
    match m {
        TargetMeasure::Measure(name) => column(name),
        TargetMeasure::Ratio(n, d) => column(n)
            .iter()
            .zip(column(d))
            .map(|(a, b)| if b != 0.0 { a / b } else { f64::NAN })
            .collect(),
    }
}

/// One fitted input.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Fitted {
    /// The field.
    pub path: String,
    /// The range searched.
    pub range: [f64; 2],
    /// The best value found.
    pub value: f64,
    /// Its approximate 95% interval; `None` when the targets do not pin it down.
    pub ci95: Option<[f64; 2]>,
    /// Whether the best value lies at an end of the range (the range may be too narrow).
    pub at_bound: bool,
}

/// The result of a calibration.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Calibration {
    /// The fitted inputs.
    pub fitted: Vec<Fitted>,
    /// Every target at the fitted point.
    pub targets: Vec<TargetFit>,
    /// The distance there (the sum of squared z).
    pub distance: f64,
    /// Candidate points simulated (the search, then the differences for the intervals).
    pub evaluations: u64,
    /// Seed and replications of every point.
    pub seed: u64,
    /// Replications per point.
    pub replications: u64,
    /// The scenario file with the fitted values written in, each annotated.
    #[serde(skip)]
    pub scenario: String,
}

/// Candidate points simulated so far, by their values' bits, so the search never runs a
/// point twice.
struct Evaluator<'a, W: Watch + ?Sized> {
    plan: &'a Plan,
    pool: &'a Pool,
    watch: &'a mut W,
    memo: BTreeMap<Vec<u64>, (Vec<TargetFit>, f64)>,
    stopped: Option<ExperimentError>,
}

impl<W: Watch + ?Sized> Evaluator<'_, W> {
    fn evaluate(&mut self, values: &[f64]) -> Result<(Vec<TargetFit>, f64), ExperimentError> {
        let key: Vec<u64> = values.iter().map(|v| v.to_bits()).collect();
        if let Some(hit) = self.memo.get(&key) {
            return Ok(hit.clone());
        }
        let model = self.plan.model_at(values).map_err(|why| {
            ExperimentError::Search(format!("the scenario at {values:?} is not valid: {why}"))
        })?;
        let label = format!("point {}", self.memo.len() + 1);
        let batch = batch_of(
            &model,
            &self.plan.runs.batch_plan(false),
            self.pool,
            self.watch,
            &label,
        )?;
        let result = assess(&self.plan.targets, &batch);
        self.memo.insert(key, result.clone());
        Ok(result)
    }

    /// The values at scaled coordinates `u` (each in `[0, 1]` inside the range).
    fn values(&self, u: &[f64]) -> Vec<f64> {
        self.plan
            .fits
            .iter()
            .zip(u)
            .map(|(f, &x)| f.lo + x.clamp(0.0, 1.0) * (f.hi - f.lo))
            .collect()
    }
}

/// The search's cost function, in scaled coordinates.
struct Cost<'a, 'b, W: Watch + ?Sized> {
    inner: std::sync::Mutex<&'b mut Evaluator<'a, W>>,
}

impl<W: Watch + ?Sized> argmin::core::CostFunction for Cost<'_, '_, W> {
    type Param = Vec<f64>;
    type Output = f64;

    fn cost(&self, u: &Vec<f64>) -> Result<f64, argmin::core::Error> {
        let mut ev = self
            .inner
            .lock()
            .map_err(|_| argmin::core::Error::msg("evaluator poisoned"))?;
        if ev.stopped.is_some() {
            return Err(argmin::core::Error::msg("stopped"));
        }
        // outside the range: the distance at the nearest point of it, plus a penalty that
        // grows with the distance outside, so the simplex walks back in
        let outside: f64 = u.iter().map(|x| (x - x.clamp(0.0, 1.0)).powi(2)).sum();
        let values = ev.values(u);
        match ev.evaluate(&values) {
            Ok((_, d)) => Ok(d + 1e6 * outside),
            Err(e) => {
                ev.stopped = Some(e);
                Err(argmin::core::Error::msg("stopped"))
            }
        }
    }
}

/// Fit the plan's inputs to its targets. Each candidate point's batch reports to `watch`
/// labelled `point N`; a stop from the watch ends the calibration.
pub fn run<W: Watch + ?Sized>(
    plan: &Plan,
    pool: &Pool,
    watch: &mut W,
) -> Result<Calibration, ExperimentError> {
    use argmin::core::{Executor, State};
    use argmin::solver::neldermead::NelderMead;
    let d = plan.fits.len();
    let mut ev = Evaluator {
        plan,
        pool,
        watch,
        memo: BTreeMap::new(),
        stopped: None,
    };
    // start in the middle of every range; the simplex steps a quarter of each range
    let start = vec![0.5; d];
    let mut simplex = vec![start.clone()];
    for i in 0..d {
        let mut v = start.clone();
        v[i] += 0.25;
        simplex.push(v);
    }
    // search iterations: each costs one or two points, a shrink d more
    let iterations = plan.max_evaluations.saturating_sub(d as u64 + 1) / 2;
    let best_u = {
        let cost = Cost {
            inner: std::sync::Mutex::new(&mut ev),
        };
        let solver = NelderMead::new(simplex)
            .with_sd_tolerance(1e-3)
            .map_err(|e| search_failed(&e))?;
        let outcome = Executor::new(cost, solver)
            .configure(|state| state.max_iters(iterations.max(1)))
            .run();
        match outcome {
            Ok(result) => result
                .state()
                .get_best_param()
                .cloned()
                .unwrap_or_else(|| start.clone()),
            // a stop from the watch (or a batch that could not run) ends it with its reason
            Err(e) => {
                drop(e);
                vec![f64::NAN; d]
            }
        }
    };
    if let Some(e) = ev.stopped.take() {
        return Err(e);
    }
    if best_u.iter().any(|x| x.is_nan()) {
        return Err(search_failed(&"the search ended without a point"));
    }
    let best = ev.values(&best_u);
    let (targets, distance) = ev.evaluate(&best)?;
    let ci = intervals(&mut ev, &best, &targets)?;
    let fitted: Vec<Fitted> = plan
        .fits
        .iter()
        .zip(&best)
        .zip(&ci)
        .map(|((f, &value), ci95)| Fitted {
            path: f.path.clone(),
            range: [f.lo, f.hi],
            value,
            ci95: *ci95,
            at_bound: value <= f.lo + 1e-3 * (f.hi - f.lo) || value >= f.hi - 1e-3 * (f.hi - f.lo),
        })
        .collect();
    let rounded: Vec<f64> = fitted.iter().map(|f| round_sig(f.value, 4)).collect();
    let notes: Vec<String> = fitted
        .iter()
        .map(|f| {
            let interval = match f.ci95 {
                Some([lo, hi]) => format!("95% interval {}–{}", round_sig(lo, 3), round_sig(hi, 3)),
                None => "not identified by the targets".to_string(),
            };
            format!(
                "fitted by `ifss-sim calibrate` to the targets of {} ({interval}; searched \
                 {}..{}; {} replications a point, seed {})",
                plan.origin, f.range[0], f.range[1], plan.runs.replications, plan.runs.seed
            )
        })
        .collect();
    let scenario = with_values(&plan.text, &plan.fits, &rounded, Some(&notes))
        .map_err(|e| search_failed(&e))?;
    Ok(Calibration {
        fitted,
        targets,
        distance,
        evaluations: ev.memo.len() as u64,
        seed: plan.runs.seed,
        replications: plan.runs.replications,
        scenario,
    })
}

fn search_failed(why: &dyn std::fmt::Display) -> ExperimentError {
    ExperimentError::Search(format!("the calibration search failed: {why}"))
}

/// Approximate 95% intervals of the fitted values (Gauss–Newton, see the module doc).
fn intervals<W: Watch + ?Sized>(
    ev: &mut Evaluator<'_, W>,
    best: &[f64],
    at_best: &[TargetFit],
) -> Result<Vec<Option<[f64; 2]>>, ExperimentError> {
    let d = best.len();
    // the targets that bind: two-sided ones, and one-sided ones on their wrong side
    let binding: Vec<usize> = at_best
        .iter()
        .enumerate()
        .filter(|(_, t)| t.kind == "equal" || t.z != 0.0)
        .filter(|(_, t)| t.sd.is_finite() && t.sd > 0.0)
        .map(|(i, _)| i)
        .collect();
    // Jacobian of the simulated means by central differences, 5% of each range
    let mut jac = vec![vec![0.0; d]; binding.len()];
    for j in 0..d {
        let f = &ev.plan.fits[j];
        let h = 0.05 * (f.hi - f.lo);
        let (lo, hi) = ((best[j] - h).max(f.lo), (best[j] + h).min(f.hi));
        let mut at = best.to_vec();
        at[j] = lo;
        let (down, _) = ev.evaluate(&at)?;
        at[j] = hi;
        let (up, _) = ev.evaluate(&at)?;
        for (row, &k) in binding.iter().enumerate() {
            jac[row][j] = (up[k].mean - down[k].mean) / (hi - lo);
        }
    }
    // JᵀWJ with W the inverse sampling variance of one observed year
    let mut info = vec![vec![0.0; d]; d];
    for (row, &k) in binding.iter().enumerate() {
        let w = 1.0 / (at_best[k].sd * at_best[k].sd);
        for a in 0..d {
            for b in 0..d {
                info[a][b] += jac[row][a] * w * jac[row][b];
            }
        }
    }
    let cov = invert(&info);
    Ok((0..d)
        .map(|j| {
            let var = cov.as_ref()?[j][j];
            (var.is_finite() && var > 0.0).then(|| {
                let half = 1.96 * var.sqrt();
                [best[j] - half, best[j] + half]
            })
        })
        .collect())
}

/// The inverse of a small symmetric positive matrix by Gauss–Jordan elimination with
/// partial pivoting; `None` when it is singular (an input the targets do not pin down).
fn invert(m: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let n = m.len();
    let scale = m.iter().flatten().fold(0.0_f64, |a, x| a.max(x.abs()));
    if !(scale.is_finite() && scale > 0.0) {
        return None;
    }
    let mut a: Vec<Vec<f64>> = m.to_vec();
    let mut inv: Vec<Vec<f64>> = (0..n)
        .map(|i| (0..n).map(|j| f64::from(u8::from(i == j))).collect())
        .collect();
    for col in 0..n {
        let pivot = (col..n).max_by(|&x, &y| a[x][col].abs().total_cmp(&a[y][col].abs()))?;
        if a[pivot][col].abs() <= 1e-12 * scale {
            return None;
        }
        a.swap(col, pivot);
        inv.swap(col, pivot);
        let p = a[col][col];
        for j in 0..n {
            a[col][j] /= p;
            inv[col][j] /= p;
        }
        for r in 0..n {
            if r != col {
                let factor = a[r][col];
                for j in 0..n {
                    a[r][j] -= factor * a[col][j];
                    inv[r][j] -= factor * inv[col][j];
                }
            }
        }
    }
    Some(inv)
}

/// `x` to `digits` significant digits.
fn round_sig(x: f64, digits: i32) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let p = 10f64.powi(digits - 1 - x.abs().log10().floor() as i32);
    (x * p).round() / p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_parse_and_bad_ones_say_what_is_expected() {
        let f: Fit = "pathway.workload_scale=1..3.5".parse().unwrap();
        assert_eq!(
            (f.path.as_str(), f.lo, f.hi),
            ("pathway.workload_scale", 1.0, 3.5)
        );
        for bad in ["x", "x=1", "x=a..2", "x=1..b"] {
            let e = bad.parse::<Fit>().unwrap_err();
            assert!(e.contains("PATH=LO..HI"), "{e}");
        }
    }

    #[test]
    fn a_small_matrix_inverts_and_a_singular_one_does_not() {
        let m = vec![vec![4.0, 1.0], vec![1.0, 3.0]];
        let inv = invert(&m).unwrap();
        for (i, row) in m.iter().enumerate() {
            for j in 0..2 {
                let x: f64 = row.iter().zip(&inv).map(|(a, r)| a * r[j]).sum();
                assert!((x - f64::from(u8::from(i == j))).abs() < 1e-12);
            }
        }
        assert!(invert(&[vec![1.0, 2.0], vec![2.0, 4.0]]).is_none());
        assert!(invert(&[vec![0.0]]).is_none());
    }

    #[test]
    fn significant_digits() {
        assert_eq!(round_sig(2.34567, 3), 2.35);
        assert_eq!(round_sig(0.0123456, 2), 0.012);
        assert_eq!(round_sig(1234.5, 2), 1200.0);
    }
}
