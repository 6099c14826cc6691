//! Analytic validation: scenarios that reduce the model to textbook queues, checked
//! against exact results.
//!
//! Each [`Case`] is a bundled scenario under `scenarios/validation/` (with `--set`-style
//! overrides to vary the load) that turns the service into a system whose answer is known
//! exactly from [`crate::theory`]: M/M/1 and M/M/c (Erlang C), M/D/1 and M/G/1
//! (Pollaczek–Khinchine), M/G/∞ from an empty start (Poisson at every time), the pathway
//! funnel with ample capacity, and Little's law on the full Western Bay model. A case runs
//! one batch and checks one or more measures.
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
//! (so a relative bias of that over the horizon): 0.22% at ρ = 0.95 over 18,250 days with
//! μ = 20 a day, and below 0.1% for every other case. The M/G/∞ cases need no warm-up at
//! all: the result is exact at every time from an empty start.
//!
//! This module runs simulations and returns numbers; it prints nothing.

use crate::batch::{self, BatchConfig, BatchError};
use crate::engine::{AllocationFact, Closure, Engine, Observer, ReferralFact, Route};
use crate::measures::{Catalogue, Recorder, SERIES};
use crate::model::{Model, PolicyKind};
use crate::scenario::{self, overrides::Override};
use crate::stats::{ALPHA_95, summarize, t_crit};
use crate::theory;
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

const MM1: &str = include_str!("../scenarios/validation/mm1.toml");
const MMC: &str = include_str!("../scenarios/validation/mmc.toml");
const MD1: &str = include_str!("../scenarios/validation/md1.toml");
const MG1: &str = include_str!("../scenarios/validation/mg1.toml");
const MGINF: &str = include_str!("../scenarios/validation/mginf.toml");
const FUNNEL: &str = include_str!("../scenarios/validation/funnel.toml");
const POOLED: &str = include_str!("../scenarios/validation/pooled.toml");
const WESTERN_BAY: &str = include_str!("../scenarios/western-bay.toml");

/// Mean wait, number in system and share not waiting of an M/M/c queue.
fn mmc_checks(lambda: f64, mu: f64, servers: u32, with_p_wait: bool) -> Vec<Check> {
    let wq = theory::mmc_wq(lambda, mu, servers).expect("a stable queue");
    let l = theory::mmc_l(lambda, mu, servers).expect("a stable queue");
    let mut checks = vec![
        Check {
            label: "mean wait Wq (days)",
            measure: Measure::Named("wait_to_first_meeting_days"),
            theory: wq,
        },
        Check {
            label: "mean number in system L",
            measure: Measure::Named("open_cases.mean"),
            theory: l,
        },
    ];
    if with_p_wait {
        let c = theory::erlang_c(servers, lambda / mu).expect("a stable queue");
        checks.push(Check {
            label: "share not waiting 1 - C",
            measure: Measure::Named("wait_within_target"),
            theory: 1.0 - c,
        });
    }
    checks
}

/// M/G/∞ checks at weeks 1 and 4 for a service with mean-in-system function `m(t)`.
fn mginf_checks(m: impl Fn(f64) -> f64) -> Vec<Check> {
    let (m1, m4) = (m(7.0), m(28.0));
    vec![
        Check {
            label: "mean in system at day 7",
            measure: Measure::OpenAt { week: 1 },
            theory: m1,
        },
        Check {
            label: "mean in system at day 28",
            measure: Measure::OpenAt { week: 4 },
            theory: m4,
        },
        Check {
            label: "P(empty) at day 7 = exp(-m)",
            measure: Measure::EmptyAt { week: 1 },
            theory: (-m1).exp(),
        },
        Check {
            label: "variance / mean at day 28",
            measure: Measure::DispersionAt { week: 4, mean: m4 },
            theory: 1.0,
        },
    ]
}

/// Every validation case, in the order `verify` prints them.
pub fn cases() -> Vec<Case> {
    // M/M/1 and M/M/5 with fast service (mean 0.05 days, mu = 20 a day) so that long horizons
    // hold many relaxation times; the arrival rate sets the load.
    let mm1 = |name, sets: Vec<&'static str>, setting, reps, rho: f64, quick, p_wait| Case {
        name,
        file: "scenarios/validation/mm1.toml",
        text: MM1,
        sets,
        setting,
        replications: reps,
        quick,
        kind: Kind::Statistical(mmc_checks(20.0 * rho, 20.0, 1, p_wait)),
    };
    let mm5 = |name, sets: Vec<&'static str>, setting, reps, rho: f64, quick, p_wait| Case {
        name,
        file: "scenarios/validation/mmc.toml",
        text: MMC,
        sets,
        setting,
        replications: reps,
        quick,
        kind: Kind::Statistical(mmc_checks(100.0 * rho, 20.0, 5, p_wait)),
    };
    let mginf = |name, dist: &'static str, setting, m: &dyn Fn(f64) -> f64| Case {
        name,
        file: "scenarios/validation/mginf.toml",
        text: MGINF,
        sets: vec![dist],
        setting,
        replications: 24_000,
        quick: true,
        kind: Kind::Statistical(mginf_checks(m)),
    };
    let (lambda_inf, mean_inf) = (0.2, 14.0);
    vec![
        mm1(
            "M/M/1, rho 0.5",
            vec![
                "authorities[0].referrals_per_year=3650",
                "simulation.horizon_days=2000",
            ],
            "10 arrivals a day, service mean 0.05 days, 2000 days",
            20,
            0.5,
            true,
            true,
        ),
        mm1(
            "M/M/1, rho 0.8",
            vec!["simulation.horizon_days=3650"],
            "16 arrivals a day, service mean 0.05 days, 3650 days",
            20,
            0.8,
            true,
            true,
        ),
        mm1(
            "M/M/1, rho 0.95",
            vec![
                "authorities[0].referrals_per_year=6935",
                "simulation.horizon_days=18250",
            ],
            "19 arrivals a day, service mean 0.05 days, 18250 days",
            40,
            0.95,
            false,
            false,
        ),
        mm5(
            "M/M/5, rho 0.5",
            vec![
                "pathway.assessment.duration.mean=0.05",
                "authorities[0].referrals_per_year=18250",
                "simulation.horizon_days=1000",
                "simulation.wait_target_days=0",
            ],
            "50 arrivals a day, service mean 0.05 days, 1000 days",
            20,
            0.5,
            true,
            true,
        ),
        mm5(
            "M/M/5, rho 0.8",
            vec![
                "pathway.assessment.duration.mean=0.05",
                "authorities[0].referrals_per_year=29200",
                "simulation.horizon_days=2000",
                "simulation.wait_target_days=0",
            ],
            "80 arrivals a day, service mean 0.05 days, 2000 days",
            20,
            0.8,
            true,
            true,
        ),
        mm5(
            "M/M/5, rho 0.95",
            vec![
                "pathway.assessment.duration.mean=0.05",
                "authorities[0].referrals_per_year=34675",
                "simulation.horizon_days=8000",
            ],
            "95 arrivals a day, service mean 0.05 days, 8000 days",
            20,
            0.95,
            false,
            false,
        ),
        Case {
            name: "M/M/10 as 5 workers x 2 families, rho 0.85",
            file: "scenarios/validation/mmc.toml",
            text: MMC,
            sets: vec![
                "staff[0].caseload_limit=2",
                "pathway.assessment.duration.mean=0.05",
                "authorities[0].referrals_per_year=62050",
                "simulation.horizon_days=2000",
                "simulation.wait_target_days=0",
            ],
            setting: "170 arrivals a day, service mean 0.05 days, 2000 days",
            replications: 20,
            quick: true,
            kind: Kind::Statistical({
                let mut c = mmc_checks(170.0, 20.0, 10, true);
                c.remove(1);
                c
            }),
        },
        Case {
            name: "Pooled M/M/5: three authorities, one queue",
            file: "scenarios/validation/pooled.toml",
            text: POOLED,
            sets: vec![],
            setting: "4 arrivals a day over 3 bases, service mean 1 day, 18250 days",
            replications: 40,
            quick: true,
            kind: Kind::Statistical(vec![Check {
                label: "mean wait Wq (days)",
                measure: Measure::Named("wait_to_first_meeting_days"),
                theory: theory::mmc_wq(4.0, 1.0, 5).expect("a stable queue"),
            }]),
        },
        Case {
            name: "M/D/1, rho 0.8 (Pollaczek-Khinchine)",
            file: "scenarios/validation/md1.toml",
            text: MD1,
            sets: vec![],
            setting: "16 arrivals a day, fixed service 0.05 days, 3650 days",
            replications: 20,
            quick: true,
            kind: Kind::Statistical({
                let wq = theory::md1_wq(16.0, 0.05).expect("a stable queue");
                vec![
                    Check {
                        label: "mean wait Wq (days)",
                        measure: Measure::Named("wait_to_first_meeting_days"),
                        theory: wq,
                    },
                    Check {
                        label: "mean number waiting Lq",
                        measure: Measure::Named("waiting.mean"),
                        theory: 16.0 * wq,
                    },
                ]
            }),
        },
        Case {
            name: "M/G/1 log-normal, rho 0.8 (Pollaczek-Khinchine)",
            file: "scenarios/validation/mg1.toml",
            text: MG1,
            sets: vec![],
            setting: "16 arrivals a day, service mean 0.05 sd 0.025 days, 3650 days",
            replications: 20,
            quick: true,
            kind: Kind::Statistical(vec![Check {
                label: "mean wait Wq (days)",
                measure: Measure::Named("wait_to_first_meeting_days"),
                theory: theory::mg1_wq(16.0, 0.05, 0.05 * 0.05 + 0.025 * 0.025)
                    .expect("a stable queue"),
            }]),
        },
        mginf(
            "M/G/inf exponential, from empty",
            "pathway.assessment.duration={ dist = \"exponential\", mean = 14 }",
            "0.2 arrivals a day, service exponential mean 14 days",
            &|t| theory::mginf_mean_exponential(lambda_inf, mean_inf, t),
        ),
        mginf(
            "M/G/inf log-normal, from empty",
            "pathway.assessment.duration={ dist = \"lognormal\", mean = 14, sd = 21 }",
            "0.2 arrivals a day, service log-normal mean 14 sd 21 days",
            &|t| theory::mginf_mean_lognormal(lambda_inf, mean_inf, 21.0, t),
        ),
        mginf(
            "M/G/inf deterministic, from empty",
            "pathway.assessment.duration={ dist = \"fixed\", value = 14 }",
            "0.2 arrivals a day, fixed service 14 days",
            &|t| theory::mginf_mean_deterministic(lambda_inf, mean_inf, t),
        ),
        Case {
            name: "Pathway funnel, ample capacity",
            file: "scenarios/validation/funnel.toml",
            text: FUNNEL,
            sets: vec![],
            setting: "1 referral a day for 365 days, fixed stage durations",
            replications: 400,
            quick: true,
            kind: Kind::Statistical(funnel_checks()),
        },
        Case {
            name: "Little's law, Western Bay",
            file: "scenarios/western-bay.toml",
            text: WESTERN_BAY,
            sets: vec![],
            setting: "the full default model, every policy",
            replications: 20,
            quick: true,
            kind: Kind::LittlesLaw(PolicyKind::ALL.to_vec()),
        },
    ]
}

/// Expected counts of the funnel scenario (see `scenarios/validation/funnel.toml`).
fn funnel_checks() -> Vec<Check> {
    let (lambda, horizon) = (1.0, 365.0);
    let accept = 1.0 - 0.12 - 0.08 - 0.05;
    let (assess, phase1, to_phase1, exit) = (3.0, 35.0, 0.8, 0.15);
    vec![
        Check {
            label: "referrals",
            measure: Measure::Named("referrals"),
            theory: lambda * horizon,
        },
        Check {
            label: "accepted",
            measure: Measure::Named("accepted"),
            theory: accept * lambda * horizon,
        },
        Check {
            label: "Phase 1 starts",
            measure: Measure::Named("phase1_starts"),
            theory: accept * to_phase1 * lambda * (horizon - assess),
        },
        Check {
            label: "Phase 1 completions",
            measure: Measure::Named("phase1_completions"),
            theory: accept * to_phase1 * (1.0 - exit) * lambda * (horizon - assess - phase1),
        },
        Check {
            label: "unplanned exits",
            measure: Measure::Named("unplanned_exits"),
            theory: accept * to_phase1 * exit * lambda * (horizon - assess - phase1 / 2.0),
        },
    ]
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
            let batch = batch::run(&model, &config, &|_| {})?;
            let mut results = Vec::new();
            for check in checks {
                let values = values(case, &batch, &check.measure)?;
                results.push(judge(check.label, &values, check.theory));
            }
            Ok(CaseResult {
                name: case.name.to_string(),
                checks: results,
                replications: case.replications,
                events: batch.events,
                seconds: start.elapsed().as_secs_f64(),
            })
        }
        Kind::LittlesLaw(policies) => {
            let mut checks = Vec::new();
            let mut events = 0;
            for &kind in policies {
                let m = model.with_policy(model.policy().with_kind(kind));
                let (open, waiting, n) = littles_law(&m, seed, case.replications)?;
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

/// Per-replication values of `measure`.
fn values(case: &Case, batch: &batch::Batch, measure: &Measure) -> Result<Vec<f64>, VerifyError> {
    let cat = &batch.catalogue;
    let sample = |week: u32| -> Vec<f64> {
        // `[week][authority][series]`; authority 0, series "open_cases"
        let open = SERIES
            .iter()
            .position(|s| *s == "open_cases")
            .expect("open_cases is a series");
        let i = (week as usize * cat.authorities().len()) * SERIES.len() + open;
        batch
            .replications
            .iter()
            .map(|r| r.series.get(i).copied().unwrap_or(f64::NAN))
            .collect()
    };
    Ok(match measure {
        Measure::Named(name) => batch.measure(name).ok_or_else(|| VerifyError::Measure {
            case: case.name.to_string(),
            measure: (*name).to_string(),
        })?,
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

/// Both sides of Little's law for one level, over replications.
#[derive(Debug, Default)]
struct Identity {
    /// The recorder's time average, per replication.
    level: Vec<f64>,
    /// Summed clipped sojourns over the horizon, per replication.
    sojourns: Vec<f64>,
}

impl Identity {
    fn into_result(self, kind: PolicyKind, what: &str) -> CheckResult {
        let worst = self
            .level
            .iter()
            .zip(&self.sojourns)
            .map(|(l, s)| (l - s).abs() / l.abs().max(s.abs()).max(f64::MIN_POSITIVE))
            .fold(0.0, f64::max);
        let s = summarize(&self.level);
        let theory = summarize(&self.sojourns).map_or(f64::NAN, |s| s.mean);
        let mean = s.as_ref().map_or(f64::NAN, |s| s.mean);
        let agrees = worst <= EXACT_TOLERANCE && !self.level.is_empty();
        CheckResult {
            label: format!("{kind}: {what}, time average = sum of stays / T"),
            theory,
            mean,
            n: self.level.len(),
            ci95: s.as_ref().and_then(|s| s.ci95),
            half_width: s.as_ref().and_then(|s| s.half_width()).unwrap_or(f64::NAN),
            pass_half_width: EXACT_TOLERANCE * theory.abs(),
            agrees,
            precise: true,
            pass: agrees,
            exact: true,
        }
    }
}

/// Replications of `model` checking Little's law for open cases and the waiting list.
fn littles_law(
    model: &Model,
    seed: u64,
    replications: u64,
) -> Result<(Identity, Identity, u64), VerifyError> {
    let cat = Catalogue::new(model);
    let index = |name: &str| {
        cat.index(name).ok_or_else(|| VerifyError::Measure {
            case: "Little's law".into(),
            measure: name.into(),
        })
    };
    let (open_i, waiting_i) = (index("open_cases.mean")?, index("waiting.mean")?);
    let mut open = Identity::default();
    let mut waiting = Identity::default();
    let mut engine = Engine::default();
    let mut events = 0;
    for rep in 0..replications {
        let mut obs = Both(Recorder::new(model), Stays::default());
        let stats = engine.run(model, seed, rep, &mut obs);
        events += stats.events;
        let values = obs.0.replication(stats.events).values;
        let horizon = model.horizon_days();
        let (in_system, in_queue) = obs.1.totals(horizon);
        open.level.push(values[open_i]);
        open.sojourns.push(in_system / horizon);
        waiting.level.push(values[waiting_i]);
        waiting.sojourns.push(in_queue / horizon);
    }
    Ok((open, waiting, events))
}

/// Two observers fed the same facts.
struct Both<A, B>(A, B);

impl<A: Observer, B: Observer> Observer for Both<A, B> {
    fn referral(&mut self, t: SimTime, r: &ReferralFact) {
        self.0.referral(t, r);
        self.1.referral(t, r);
    }
    fn allocated(&mut self, t: SimTime, a: &AllocationFact) {
        self.0.allocated(t, a);
        self.1.allocated(t, a);
    }
    fn phase1_started(&mut self, t: SimTime, family: u32, authority: usize) {
        self.0.phase1_started(t, family, authority);
        self.1.phase1_started(t, family, authority);
    }
    fn phase1_completed(&mut self, t: SimTime, family: u32, authority: usize) {
        self.0.phase1_completed(t, family, authority);
        self.1.phase1_completed(t, family, authority);
    }
    fn closed(&mut self, t: SimTime, family: u32, authority: usize, why: Closure) {
        self.0.closed(t, family, authority, why);
        self.1.closed(t, family, authority, why);
    }
    fn onward_referral(&mut self, t: SimTime, authority: usize) {
        self.0.onward_referral(t, authority);
        self.1.onward_referral(t, authority);
    }
    fn hours_delivered(&mut self, t: SimTime, w: usize, direct: f64, travel: f64, cross: bool) {
        self.0.hours_delivered(t, w, direct, travel, cross);
        self.1.hours_delivered(t, w, direct, travel, cross);
    }
    fn waiting_changed(&mut self, t: SimTime, authority: usize, waiting: u32) {
        self.0.waiting_changed(t, authority, waiting);
        self.1.waiting_changed(t, authority, waiting);
    }
    fn open_changed(&mut self, t: SimTime, authority: usize, open: u32) {
        self.0.open_changed(t, authority, open);
        self.1.open_changed(t, authority, open);
    }
    fn worker_changed(&mut self, t: SimTime, w: usize, s: &crate::engine::WorkerState) {
        self.0.worker_changed(t, w, s);
        self.1.worker_changed(t, w, s);
    }
    fn sample(&mut self, t: SimTime, week: u32, v: &crate::engine::SampleView<'_>) {
        self.0.sample(t, week, v);
        self.1.sample(t, week, v);
    }
    fn finish(&mut self, horizon: SimTime) {
        self.0.finish(horizon);
        self.1.finish(horizon);
    }
}

/// Each accepted family's times: accepted, left the waiting list, closed (NaN = not yet).
#[derive(Debug, Default)]
struct Stays {
    families: Vec<[f64; 3]>,
}

impl Stays {
    fn entry(&mut self, family: u32) -> &mut [f64; 3] {
        let i = family as usize;
        if self.families.len() <= i {
            self.families.resize(i + 1, [f64::NAN; 3]);
        }
        &mut self.families[i]
    }

    /// Total days spent open and waiting, each clipped to `[0, horizon]`.
    fn totals(&self, horizon: f64) -> (f64, f64) {
        let end = |t: f64| if t.is_nan() { horizon } else { t.min(horizon) };
        self.families
            .iter()
            .filter(|f| !f[0].is_nan())
            .fold((0.0, 0.0), |(open, waiting), f| {
                (open + end(f[2]) - f[0], waiting + end(f[1]) - f[0])
            })
    }
}

impl Observer for Stays {
    fn referral(&mut self, t: SimTime, r: &ReferralFact) {
        if r.route == Route::Accepted {
            self.entry(r.family)[0] = t.days();
        }
    }
    fn allocated(&mut self, t: SimTime, a: &AllocationFact) {
        if !a.handover {
            self.entry(a.family)[1] = t.days();
        }
    }
    fn closed(&mut self, t: SimTime, family: u32, _: usize, why: Closure) {
        let e = self.entry(family);
        e[2] = t.days();
        if why == Closure::Withdrew {
            e[1] = t.days();
        }
    }
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
