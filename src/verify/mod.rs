//! Analytic validation: scenarios that reduce the model to textbook queues, checked
//! against exact results.
//!
//! Each [`Case`] is a bundled scenario under `scenarios/validation/` (with `--set`-style
//! overrides to vary the load) that turns the service into a system whose answer is known
//! exactly from [`crate::theory`]: M/M/1 and M/M/c (Erlang C), M/D/1 and M/G/1
//! (Pollaczek–Khinchine), M/G/∞ from an empty start (Poisson at every time), re-referral
//! as a Jackson network, the pathway funnel with ample capacity, and Little's law on the
//! full Western Bay model. A case runs one batch and checks one or more measures.
//!
//! The pass rule for a statistical check (TESTING.md "T-CI") uses the replications' own
//! spread, never a fixed fudge factor. With `R` replications of mean `Ȳ` and standard
//! deviation `S`:
//!
//! - **agreement**: `|Ȳ − θ| ≤ t_{R−1, 0.9995} · S / √R`, a 99.9% interval, so that the
//!   forty-odd checks of a run raise a false alarm for only a few seeds in a hundred;
//! - **power**: the 95% half-width `t_{R−1, 0.975} · S / √R` is at most 3% of `θ`, so that
//!   a 5% error in the model would show (a check that is too imprecise fails rather than
//!   passing vacuously).
//!
//! Little's law is checked as a sample-path identity, not statistically: in every
//! replication the time-average number of open cases equals the sum of the families'
//! times in the system, clipped to the horizon, divided by the horizon.
//!
//! Steady-state cases start empty and keep every observation: each horizon holds many
//! relaxation times, so the empty-start bias is far below the tolerance. For M/M/1 the
//! integrated deficit of the mean queue length is about `(1 + ρ) / (μ (1 − ρ)²)` time units
//! (so a relative bias of that over the horizon; `cμ` in place of `μ` for c servers in heavy
//! traffic): 0.22% at ρ = 0.95 over 18,250 days with μ = 20 a day, about 0.1% for M/M/5 at
//! ρ = 0.95, and well below that for every other case. The M/G/∞ cases need no warm-up at
//! all: the result is exact at every time from an empty start.
//!
//! This module runs simulations and returns numbers; it prints nothing.

mod cases;
mod littles_law;

pub use cases::cases;

use crate::batch::{self, BatchConfig, BatchError};
use crate::engine::{Engine, Observer, SampleView};
use crate::model::{Model, PolicyKind};
use crate::scenario::{self, overrides::Override};
use crate::stats::{ALPHA_95, summarize, t_crit};
use crate::time::SimTime;

/// Significance level of the agreement interval: a two-sided 99.9% interval.
pub const ALPHA_PASS: f64 = 0.001;
/// Largest 95% half-width allowed, as a share of the theoretical value (power).
pub const MAX_RELATIVE_HALF_WIDTH: f64 = 0.03;
/// Largest relative difference allowed in an exact (sample-path) identity.
pub const EXACT_TOLERANCE: f64 = 1e-9;

/// What a check reads from each replication.
#[derive(Debug, Clone, PartialEq)]
pub enum Measure {
    /// A measure of the catalogue by name, e.g. `wait_to_first_meeting_days`.
    Named(&'static str),
    /// Open cases (accepted, not closed) of the first authority at the weekly sample of
    /// week `week` (day 7·week).
    OpenAt {
        /// Week of the sample.
        week: u32,
    },
    /// `(N − m)² / m` for the open cases `N` at week `week`: its mean is 1 exactly when
    /// `N` is Poisson with mean `m` (the variance equals the mean).
    DispersionAt {
        /// Week of the sample.
        week: u32,
        /// The Poisson mean `m` at that time.
        mean: f64,
    },
    /// 1 if there are no open cases at week `week`, else 0: its mean is `P(N = 0)`.
    EmptyAt {
        /// Week of the sample.
        week: u32,
    },
}

/// One quantity checked against its exact value.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    /// What is checked, in words.
    pub label: &'static str,
    /// What each replication contributes.
    pub measure: Measure,
    /// The exact theoretical value of the mean.
    pub theory: f64,
}

/// How a case is run and judged.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// One batch; each check's mean over replications must match its theory (T-CI).
    Statistical(Vec<Check>),
    /// Little's law as a sample-path identity under each policy: in every replication the
    /// time-average open cases and waiting list equal the summed times in each state,
    /// clipped to the horizon, over the horizon.
    LittlesLaw(Vec<PolicyKind>),
}

/// A validation case: a scenario that reduces to a system with a known answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    /// Short name, e.g. `M/M/1, rho 0.95`.
    pub name: &'static str,
    /// Where the scenario lives in the source tree, e.g. `scenarios/validation/mm1.toml`.
    pub file: &'static str,
    /// The scenario text.
    pub text: &'static str,
    /// `--set` overrides applied to the text.
    pub sets: Vec<&'static str>,
    /// What the overrides make of it, in words (load, horizon).
    pub setting: &'static str,
    /// Replications.
    pub replications: u64,
    /// Part of the reduced `--quick` list (every case but the heavy-traffic ones).
    pub quick: bool,
    /// What to check.
    pub kind: Kind,
}

/// The text of a validation scenario by its path in the source tree (as `verify` prints
/// it), so its commands run from any folder.
pub fn scenario_file(path: &str) -> Option<&'static str> {
    cases().into_iter().find(|c| c.file == path).map(|c| c.text)
}

/// The verdict on one check.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckResult {
    /// What was checked.
    pub label: String,
    /// The exact value.
    pub theory: f64,
    /// Mean over replications.
    pub mean: f64,
    /// Replications with a value.
    pub n: usize,
    /// 95% confidence interval of the mean (`None` with fewer than 2 replications).
    pub ci95: Option<[f64; 2]>,
    /// Half-width of the 95% interval.
    pub half_width: f64,
    /// Half-width of the agreement interval: 99.9% for a statistical check, the allowed
    /// difference for an exact identity.
    pub pass_half_width: f64,
    /// `|mean − theory|` is within the agreement interval.
    pub agrees: bool,
    /// The 95% half-width is at most 3% of the theory (always true for exact identities).
    pub precise: bool,
    /// Both.
    pub pass: bool,
    /// The check is an exact identity, not a statistical one.
    pub exact: bool,
}

/// The verdicts of one case.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseResult {
    /// The case's name.
    pub name: String,
    /// One result per check.
    pub checks: Vec<CheckResult>,
    /// Replications run (per policy, for Little's law).
    pub replications: u64,
    /// Events the engine processed.
    pub events: u64,
    /// Wall-clock seconds the case took.
    pub seconds: f64,
}

impl CaseResult {
    /// Every check passed.
    pub fn pass(&self) -> bool {
        self.checks.iter().all(|c| c.pass)
    }
}

/// Why a case could not run.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// A validation scenario or its overrides did not load (a bug in the case list).
    #[error("validation case {case:?}: {message}")]
    Scenario {
        /// The case.
        case: String,
        /// What went wrong.
        message: String,
    },
    /// A measure named by a check is not in the catalogue.
    #[error("validation case {case:?}: no measure {measure:?}")]
    Measure {
        /// The case.
        case: String,
        /// The missing measure.
        measure: String,
    },
    /// The batch could not run.
    #[error(transparent)]
    Batch(#[from] BatchError),
}

/// Load a case's scenario with its overrides.
pub fn model(case: &Case) -> Result<Model, VerifyError> {
    let err = |message: String| VerifyError::Scenario {
        case: case.name.to_string(),
        message,
    };
    let overrides = case
        .sets
        .iter()
        .map(|s| s.parse::<Override>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(err)?;
    let text = scenario::overrides::apply(case.text, &overrides).map_err(err)?;
    scenario::load(&text, case.file).map_err(|e| err(e.to_string()))
}

/// The T-CI verdict on per-replication `values` against `theory`.
pub fn judge(label: &str, values: &[f64], theory: f64) -> CheckResult {
    let summary = summarize(values);
    let (n, mean, sd, ci95) = summary.as_ref().map_or((0, f64::NAN, f64::NAN, None), |s| {
        (s.n, s.mean, s.sd, s.ci95)
    });
    let n_f = n as f64;
    let half = |alpha: f64| {
        if n < 2 {
            f64::NAN
        } else if sd == 0.0 {
            0.0
        } else {
            t_crit(n_f - 1.0, alpha) * sd / n_f.sqrt()
        }
    };
    let half_width = half(ALPHA_95);
    let pass_half_width = half(ALPHA_PASS);
    let agrees = (mean - theory).abs() <= pass_half_width;
    let precise = half_width <= MAX_RELATIVE_HALF_WIDTH * theory.abs();
    CheckResult {
        label: label.to_string(),
        theory,
        mean,
        n,
        ci95,
        half_width,
        pass_half_width,
        agrees,
        precise,
        pass: agrees && precise,
        exact: false,
    }
}

/// The seed a case runs on: the master seed mixed with the case's name (FNV-1a), so that
/// cases draw independent random numbers. Without this, every M/M/c case would replay the
/// same exponential draws, rescaled, and their errors would all lean the same way.
pub fn case_seed(seed: u64, case: &Case) -> u64 {
    case.name
        .bytes()
        .fold(seed ^ 0xcbf2_9ce4_8422_2325, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        })
}

/// Run one case with master seed `seed` on `threads` worker threads (`None`: all cores).
pub fn run_case(case: &Case, seed: u64, threads: Option<usize>) -> Result<CaseResult, VerifyError> {
    let start = std::time::Instant::now();
    let seed = case_seed(seed, case);
    let model = model(case)?;
    match &case.kind {
        Kind::Statistical(checks) => {
            let config = BatchConfig {
                seed,
                first: 0,
                replications: case.replications,
                threads,
            };
            // named measures come from a batch; weekly samples from the engine's facts
            let named = checks
                .iter()
                .any(|c| matches!(c.measure, Measure::Named(_)));
            let batch = if named {
                Some(batch::run(&model, &config, &|_| {})?)
            } else {
                None
            };
            let sampled = checks
                .iter()
                .any(|c| !matches!(c.measure, Measure::Named(_)));
            let weekly = if sampled {
                Some(weekly_open(&model, seed, case.replications))
            } else {
                None
            };
            let mut results = Vec::new();
            for check in checks {
                let values = values(case, batch.as_ref(), weekly.as_ref(), &check.measure)?;
                results.push(judge(check.label, &values, check.theory));
            }
            Ok(CaseResult {
                name: case.name.to_string(),
                checks: results,
                replications: case.replications,
                events: batch.map_or(0, |b| b.events) + weekly.map_or(0, |w| w.events),
                seconds: start.elapsed().as_secs_f64(),
            })
        }
        Kind::LittlesLaw(policies) => {
            let mut checks = Vec::new();
            let mut events = 0;
            for &kind in policies {
                let m = model.with_policy(model.policy().with_kind(kind));
                let (open, waiting, n) = littles_law::run(&m, seed, case.replications)?;
                events += n;
                checks.push(open.into_result(kind, "open cases"));
                checks.push(waiting.into_result(kind, "waiting list"));
            }
            Ok(CaseResult {
                name: case.name.to_string(),
                checks,
                replications: case.replications,
                events,
                seconds: start.elapsed().as_secs_f64(),
            })
        }
    }
}

/// Open cases of the first authority at each weekly sample, per replication.
struct Weekly {
    /// `open[replication][week]`.
    open: Vec<Vec<f64>>,
    events: u64,
}

/// Records the first authority's open cases at each weekly sample.
struct WeeklyOpen(Vec<f64>);

impl Observer for WeeklyOpen {
    fn sample(&mut self, _: SimTime, week: u32, v: &SampleView<'_>) {
        let week = week as usize;
        if self.0.len() <= week {
            self.0.resize(week + 1, f64::NAN);
        }
        self.0[week] = f64::from(v.open[0]);
    }
}

/// Replications of `model` recording the weekly samples of open cases. The batch keeps
/// weekly series only as bands across replications, so the per-replication samples the
/// M/G/∞ checks need are taken here, from the engine's own sample facts.
fn weekly_open(model: &Model, seed: u64, replications: u64) -> Weekly {
    let mut engine = Engine::default();
    let mut events = 0;
    let open = (0..replications)
        .map(|rep| {
            let mut obs = WeeklyOpen(Vec::new());
            events += engine.run(model, seed, rep, &mut obs).events;
            obs.0
        })
        .collect();
    Weekly { open, events }
}

/// Per-replication values of `measure`.
fn values(
    case: &Case,
    batch: Option<&batch::Batch>,
    weekly: Option<&Weekly>,
    measure: &Measure,
) -> Result<Vec<f64>, VerifyError> {
    let sample = |week: u32| -> Vec<f64> {
        weekly.map_or_else(Vec::new, |w| {
            w.open
                .iter()
                .map(|r| r.get(week as usize).copied().unwrap_or(f64::NAN))
                .collect()
        })
    };
    Ok(match measure {
        Measure::Named(name) => {
            batch
                .and_then(|b| b.measure(name))
                .ok_or_else(|| VerifyError::Measure {
                    case: case.name.to_string(),
                    measure: (*name).to_string(),
                })?
        }
        Measure::OpenAt { week } => sample(*week),
        Measure::DispersionAt { week, mean } => sample(*week)
            .into_iter()
            .map(|x| (x - mean).powi(2) / mean)
            .collect(),
        Measure::EmptyAt { week } => sample(*week)
            .into_iter()
            .map(|x| if x == 0.0 { 1.0 } else { 0.0 })
            .collect(),
    })
}

/// Run every case (or the `--quick` list), in order, each on its own seed derived from
/// `seed` (see [`case_seed`]).
pub fn run_all(
    quick: bool,
    seed: u64,
    threads: Option<usize>,
) -> Result<Vec<CaseResult>, VerifyError> {
    cases()
        .iter()
        .filter(|c| !quick || c.quick)
        .map(|c| run_case(c, seed, threads))
        .collect()
}

/// The seed `verify` uses unless told otherwise.
pub const DEFAULT_SEED: u64 = 20130601;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measures::Catalogue;

    #[test]
    fn every_case_loads_and_names_real_measures() {
        for case in cases() {
            let m = model(&case).unwrap_or_else(|e| panic!("{e}"));
            let cat = Catalogue::new(&m);
            if let Kind::Statistical(checks) = &case.kind {
                for c in checks {
                    if let Measure::Named(n) = c.measure {
                        assert!(cat.index(n).is_some(), "{}: {n}", case.name);
                    }
                    if let Measure::OpenAt { week }
                    | Measure::EmptyAt { week }
                    | Measure::DispersionAt { week, .. } = c.measure
                    {
                        assert!((week as usize) < cat.weeks(), "{}", case.name);
                    }
                    assert!(c.theory.is_finite() && c.theory > 0.0, "{}", case.name);
                }
            }
        }
    }

    #[test]
    fn judge_applies_both_halves_of_the_rule() {
        // mean 10, sd 1, n 100: 95% half-width 0.198, 99.9% half-width 0.339
        let a = 0.99f64.sqrt();
        let values: Vec<f64> = (0..100)
            .map(|i| if i % 2 == 0 { 10.0 + a } else { 10.0 - a })
            .collect();
        let r = judge("x", &values, 10.3);
        assert!(r.agrees && r.precise && r.pass, "{r:?}");
        let r = judge("x", &values, 10.4);
        assert!(!r.agrees && !r.pass);
        // a theory so small that a 3% half-width is out of reach: not precise
        let r = judge("x", &[0.0, 2.0, 0.0, 2.0], 1.0);
        assert!(r.agrees && !r.precise && !r.pass);
        // one replication: no interval, never a pass
        let r = judge("x", &[1.0], 1.0);
        assert!(!r.pass);
    }
}
