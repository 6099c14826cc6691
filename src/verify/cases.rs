//! The validation cases: which scenario, which overrides, which exact values.

use super::{Case, Check, Kind, Measure};
use crate::model::PolicyKind;
use crate::theory;

const MM1: &str = include_str!("../../scenarios/validation/mm1.toml");
const MMC: &str = include_str!("../../scenarios/validation/mmc.toml");
const MD1: &str = include_str!("../../scenarios/validation/md1.toml");
const MG1: &str = include_str!("../../scenarios/validation/mg1.toml");
const MGINF: &str = include_str!("../../scenarios/validation/mginf.toml");
const FUNNEL: &str = include_str!("../../scenarios/validation/funnel.toml");
const FEEDBACK: &str = include_str!("../../scenarios/validation/feedback.toml");
const POOLED: &str = include_str!("../../scenarios/validation/pooled.toml");
const WESTERN_BAY: &str = include_str!("../../scenarios/western-bay.toml");

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
            name: "Re-referral loop as a Jackson network, rho 0.8",
            file: "scenarios/validation/feedback.toml",
            text: FEEDBACK,
            sets: vec![],
            setting: "56 first referrals a day, 30% referred again, service mean 0.05 days, 2000 days",
            replications: 20,
            quick: true,
            kind: Kind::Statistical({
                let mut c = mmc_checks(56.0 / 0.7, 20.0, 5, false);
                c[0].label = "mean wait per episode Wq (days)";
                c
            }),
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
