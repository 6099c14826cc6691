//! Sweeps: every point of a grid on the same random numbers, against closed forms.

use ifss_sim::batch::Pool;
use ifss_sim::experiment::{Quiet, Runs, sweep};
use ifss_sim::measures::names;
use ifss_sim::theory::{erlang_c, mmc_wq};

/// The M/M/5 validation queue (arrivals 4 a day, service mean 1 day) with a warm-up.
fn mmc_text() -> String {
    include_str!("../../scenarios/validation/mmc.toml").replace(
        "seed = 1\n",
        "seed = 1\nwarm_up_days = 100\nwait_target_days = 0.5\nreferral_scale = 1\n",
    ) + "\n[policy]\nkind = \"proportional\"\n"
}

fn sweep_of(axis: &str, measures: &[&str], replications: u64) -> sweep::Sweep {
    let plan = sweep::Plan::new(&sweep::Request {
        text: mmc_text(),
        origin: "mmc.toml".into(),
        axes: vec![axis.parse().unwrap()],
        policies: Vec::new(),
        measures: measures.iter().map(|m| m.to_string()).collect(),
        runs: Runs {
            seed: 77,
            replications,
        },
        precision: None,
    })
    .unwrap_or_else(|p| panic!("{p:?}"));
    sweep::run(&plan, &Pool::new(Some(2)).unwrap(), &mut Quiet).unwrap()
}

#[test]
fn a_sweep_of_the_arrival_rate_follows_erlang_c() {
    // 2, 3 and 4 arrivals a day to five servers of rate 1
    let s = sweep_of(
        "authorities[0].referrals_per_year=730,1095,1460",
        &[names::WAIT],
        20,
    );
    assert_eq!(s.points(), 3);
    for (p, lambda) in [2.0, 3.0, 4.0].into_iter().enumerate() {
        let st = &s.cell(p, 0).stats[0];
        let exact = mmc_wq(lambda, 1.0, 5).unwrap();
        let mean = st.mean.unwrap();
        let [lo, hi] = st.ci95.unwrap();
        // the pass rule of the validation suite: a 99.9% interval (about 1.7 times the
        // 95% half-width for 20 replications)
        let half = 1.75 * (hi - lo) / 2.0;
        assert!(
            (mean - exact).abs() <= half,
            "λ = {lambda}: simulated {mean:.4} [{lo:.4}, {hi:.4}], Erlang C {exact:.4}"
        );
        // the paired difference against the first point has the sign theory says
        if p > 0 {
            let d = st.vs_reference.unwrap();
            assert!(d.ci95.unwrap()[0] > 0.0, "λ = {lambda}: {d:?}");
        }
    }
}

/// P(wait ≤ t) in an M/M/c queue: 1 − C·e^(−(cμ − λ)t).
fn within(lambda: f64, t: f64) -> f64 {
    1.0 - erlang_c(5, lambda).unwrap() * (-(5.0 - lambda) * t).exp()
}

#[test]
fn the_capacity_crossing_matches_the_queue_s_closed_form() {
    // where 80% of families wait at most half a day: bisection on the closed form
    let (mut a, mut b) = (2.0, 4.9);
    for _ in 0..60 {
        let m = 0.5 * (a + b);
        if within(m, 0.5) >= 0.8 { a = m } else { b = m }
    }
    let exact = a;
    // arrivals from 2.8 to 4 a day in steps of 0.06 (scale of the 4 a day)
    let s = sweep_of(
        "simulation.referral_scale=0.7..1/21",
        &[names::WAIT_KM_WITHIN_TARGET],
        40,
    );
    let c = sweep::crossing(&s, 0, names::WAIT_KM_WITHIN_TARGET, 0.8).expect("a crossing");
    let at = 4.0 * c.at;
    let [lo, hi] = c.range.map(|r| 4.0 * r.expect("both bounds cross"));
    assert!(lo <= hi);
    assert!(
        lo <= exact && exact <= hi,
        "closed form {exact:.3} a day; the sweep says {at:.3} [{lo:.3}, {hi:.3}]"
    );
}

#[test]
fn every_point_is_checked_before_any_runs() {
    let problems = sweep::Plan::new(&sweep::Request {
        text: mmc_text(),
        origin: "mmc.toml".into(),
        axes: vec!["authorities[0].referrals_per_year=730,-5".parse().unwrap()],
        policies: vec!["proportional".into(), "fair".into()],
        measures: vec!["no_such_measure".into()],
        runs: Runs {
            seed: 1,
            replications: 5,
        },
        precision: None,
    })
    .unwrap_err();
    let text: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
    assert!(
        text.iter().any(|t| t.contains("unknown policy \"fair\"")),
        "{text:?}"
    );
    let points = sweep::Plan::new(&sweep::Request {
        text: mmc_text(),
        origin: "mmc.toml".into(),
        axes: vec!["authorities[0].referrals_per_year=730,-5".parse().unwrap()],
        policies: Vec::new(),
        measures: vec!["no_such_measure".into()],
        runs: Runs {
            seed: 1,
            replications: 5,
        },
        precision: None,
    })
    .unwrap_err();
    let text: Vec<String> = points.iter().map(|p| p.to_string()).collect();
    assert!(
        text.iter()
            .any(|t| t.contains("at authorities[0].referrals_per_year=-5")),
        "{text:?}"
    );
    let too_many = sweep::Plan::new(&sweep::Request {
        text: mmc_text(),
        origin: "mmc.toml".into(),
        axes: vec![
            "simulation.referral_scale=0.5..1/20".parse().unwrap(),
            "pathway.assessment.duration.mean=0.5..1/20"
                .parse()
                .unwrap(),
        ],
        policies: Vec::new(),
        measures: Vec::new(),
        runs: Runs {
            seed: 1,
            replications: 5,
        },
        precision: None,
    })
    .unwrap_err();
    assert!(
        too_many[0].to_string().contains("400 points"),
        "{too_many:?}"
    );
}

#[test]
fn a_sweep_over_the_policy_names_each_point_s_own() {
    let s = sweep_of("policy.kind=proportional,pooled", &[names::WAIT], 3);
    assert_eq!(s.cell(0, 0).policy, "proportional");
    assert_eq!(s.cell(1, 0).policy, "pooled");
}

#[test]
fn a_precision_target_stops_each_point_when_it_is_precise_and_changes_no_value() {
    let plan = |replications, precision| {
        sweep::Plan::new(&sweep::Request {
            text: mmc_text(),
            origin: "mmc.toml".into(),
            axes: vec![
                "authorities[0].referrals_per_year=730,1460"
                    .parse()
                    .unwrap(),
            ],
            policies: Vec::new(),
            measures: vec![names::WAIT.to_string()],
            runs: Runs {
                seed: 77,
                replications,
            },
            precision,
        })
        .unwrap_or_else(|p| panic!("{p:?}"))
    };
    let pool = Pool::new(Some(2)).unwrap();
    let target = 0.05;
    let precise = sweep::run(
        &plan(
            10,
            Some(sweep::PointPrecision {
                measure: names::WAIT.into(),
                target,
                max_replications: 400,
            }),
        ),
        &pool,
        &mut Quiet,
    )
    .unwrap();
    let counts: Vec<u64> = precise.cells.iter().map(|c| c.replications).collect();
    for c in &precise.cells {
        let st = &c.stats[0];
        let [lo, hi] = st.ci95.unwrap();
        assert_eq!(c.precise, Some(true), "{c:?}");
        assert!((10..=400).contains(&c.replications), "{c:?}");
        assert!((hi - lo) / 2.0 <= target * st.mean.unwrap().abs(), "{c:?}");
    }
    assert!(
        counts.iter().any(|&n| n > 10),
        "no point needed more: {counts:?}"
    );
    // stopping early changes no value: each point's mean is the plain sweep's at the same
    // replications, and the paired difference runs over the replications both points ran
    for (p, &n) in counts.iter().enumerate() {
        let plain = sweep::run(&plan(n, None), &pool, &mut Quiet).unwrap();
        assert_eq!(
            plain.cell(p, 0).stats[0].mean,
            precise.cell(p, 0).stats[0].mean
        );
    }
    let both = counts.iter().copied().min().unwrap();
    let plain = sweep::run(&plan(both, None), &pool, &mut Quiet).unwrap();
    let (a, b) = (
        plain.cell(1, 0).stats[0].vs_reference.unwrap(),
        precise.cell(1, 0).stats[0].vs_reference.unwrap(),
    );
    assert_eq!((a.mean, a.ci95), (b.mean, b.ci95));
    // a limit below the first batch, or an unknown measure, is refused before anything runs
    for (measure, most, says) in [(names::WAIT, 20, "max-reps"), ("no_such", 100, "no_such")] {
        let problems = sweep::Plan::new(&sweep::Request {
            text: mmc_text(),
            origin: "mmc.toml".into(),
            axes: vec![
                "authorities[0].referrals_per_year=730,1460"
                    .parse()
                    .unwrap(),
            ],
            policies: Vec::new(),
            measures: Vec::new(),
            runs: Runs {
                seed: 77,
                replications: 50,
            },
            precision: Some(sweep::PointPrecision {
                measure: measure.into(),
                target,
                max_replications: most,
            }),
        })
        .unwrap_err();
        assert!(format!("{problems:?}").contains(says), "{problems:?}");
    }
}
