//! The analytic validation cases of `ifss-sim verify`, run as tests: each case reduces the
//! model to a system with an exact answer and must match it under the T-CI rule (a 99.9%
//! interval from the replications' own spread, and a 95% half-width within 3% of theory).

use ifss_sim::verify::{self, Case, CaseResult, Check, Kind, Measure, cases, run_case};

/// A readable account of a case's checks, for failure messages.
fn table(r: &CaseResult) -> String {
    let mut out = format!("{}:\n", r.name);
    for c in &r.checks {
        out.push_str(&format!(
            "  {}: theory {} simulated {} (95% CI {:?}, 99.9% ±{}) agrees {} precise {}\n",
            c.label, c.theory, c.mean, c.ci95, c.pass_half_width, c.agrees, c.precise
        ));
    }
    out
}

fn case(name: &str) -> Case {
    cases()
        .into_iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no validation case {name:?}"))
}

/// Run the named case on the default seed; every check must pass.
fn passes(name: &str) {
    let r = run_case(&case(name), verify::DEFAULT_SEED, None).expect("case runs");
    assert!(!r.checks.is_empty());
    assert!(r.pass(), "{}", table(&r));
}

const NAMES: [&str; 16] = [
    "M/M/1, rho 0.5",
    "M/M/1, rho 0.8",
    "M/M/1, rho 0.95",
    "M/M/5, rho 0.5",
    "M/M/5, rho 0.8",
    "M/M/5, rho 0.95",
    "M/M/10 as 5 workers x 2 families, rho 0.85",
    "Pooled M/M/5: three authorities, one queue",
    "Re-referral loop as a Jackson network, rho 0.8",
    "M/D/1, rho 0.8 (Pollaczek-Khinchine)",
    "M/G/1 log-normal, rho 0.8 (Pollaczek-Khinchine)",
    "M/G/inf exponential, from empty",
    "M/G/inf log-normal, from empty",
    "M/G/inf deterministic, from empty",
    "Pathway funnel, ample capacity",
    "Little's law, Western Bay",
];

#[test]
fn every_case_has_a_test() {
    let all: Vec<&str> = cases().iter().map(|c| c.name).collect();
    assert_eq!(all, NAMES);
}

#[test]
fn mm1_light_load() {
    passes(NAMES[0]);
}

#[test]
fn mm1_moderate_load() {
    passes(NAMES[1]);
}

#[test]
fn mm1_heavy_traffic() {
    passes(NAMES[2]);
}

#[test]
fn mm5_erlang_c_light_load() {
    passes(NAMES[3]);
}

#[test]
fn mm5_erlang_c_moderate_load() {
    passes(NAMES[4]);
}

#[test]
fn mm5_erlang_c_heavy_traffic() {
    passes(NAMES[5]);
}

#[test]
fn two_families_per_worker_equal_twice_the_servers() {
    passes(NAMES[6]);
}

#[test]
fn pooled_policy_is_one_regional_queue() {
    passes(NAMES[7]);
}

#[test]
fn rereferral_loop_is_a_jackson_network() {
    passes(NAMES[8]);
}

#[test]
fn md1_pollaczek_khinchine() {
    passes(NAMES[9]);
}

#[test]
fn mg1_lognormal_pollaczek_khinchine() {
    passes(NAMES[10]);
}

#[test]
fn mginf_exponential_is_poisson_at_every_time() {
    passes(NAMES[11]);
}

#[test]
fn mginf_lognormal_is_poisson_at_every_time() {
    passes(NAMES[12]);
}

#[test]
fn mginf_deterministic_is_poisson_at_every_time() {
    passes(NAMES[13]);
}

#[test]
fn funnel_counts_match_the_closed_form() {
    passes(NAMES[14]);
}

#[test]
fn littles_law_holds_on_every_sample_path() {
    passes(NAMES[15]);
}

/// Power: the M/M/1 case run with service 5% slower must fail against the original theory.
#[test]
fn a_five_percent_slower_service_is_caught() {
    let mut c = case(NAMES[1]);
    c.sets.push("pathway.assessment.duration.mean=0.0525");
    let r = run_case(&c, verify::DEFAULT_SEED, None).expect("case runs");
    let wait = &r.checks[0];
    assert!(
        !wait.agrees,
        "a 5% slower service went unnoticed:\n{}",
        table(&r)
    );
    let l = &r.checks[1];
    assert!(
        !l.agrees,
        "a 5% slower service went unnoticed:\n{}",
        table(&r)
    );
}

/// Variance wiring: exponential service with the M/G/1 case's mean must fail the
/// Pollaczek-Khinchine value computed for the log-normal's second moment.
#[test]
fn the_wrong_service_variance_is_caught() {
    let mut c = case(NAMES[10]);
    c.sets
        .push("pathway.assessment.duration={ dist = \"exponential\", mean = 0.05 }");
    let r = run_case(&c, verify::DEFAULT_SEED, None).expect("case runs");
    assert!(!r.checks[0].agrees, "{}", table(&r));
}

/// A statistical check with too few replications to be precise fails rather than passing
/// vacuously.
#[test]
fn an_imprecise_check_fails() {
    let mut c = case(NAMES[1]);
    c.replications = 2;
    c.sets.push("simulation.horizon_days=20");
    let r = run_case(&c, verify::DEFAULT_SEED, None).expect("case runs");
    assert!(r.checks.iter().any(|c| !c.precise), "{}", table(&r));
    assert!(!r.pass());
}

/// The pass rule's two halves on a hand-made check list.
#[test]
fn a_wrong_theory_fails() {
    let mut c = case(NAMES[14]);
    c.kind = Kind::Statistical(vec![Check {
        label: "referrals, off by 5%",
        measure: Measure::Named("referrals"),
        theory: 365.0 * 1.05,
    }]);
    let r = run_case(&c, verify::DEFAULT_SEED, None).expect("case runs");
    assert!(!r.pass(), "{}", table(&r));
}

/// The command users run: every quick case passes and the table says what was compared.
#[test]
fn the_verify_command_prints_the_table_and_passes() {
    let dir = super::support::TempDir::new("verify");
    let r = super::support::ifss_in(&dir.0, &["verify", "--quick"]);
    assert_eq!(r.code, Some(0), "{}\n{}", r.stdout, r.stderr);
    for case in cases().iter().filter(|c| c.quick) {
        assert!(
            r.stdout.contains(case.name),
            "no {:?} in:\n{}",
            case.name,
            r.stdout
        );
        assert!(r.stdout.contains(case.file), "no {:?}", case.file);
    }
    assert!(
        !r.stdout.contains("rho 0.95"),
        "--quick runs the heavy cases"
    );
    for column in ["theory", "simulated", "95% CI", "99.9% ±", "result"] {
        assert!(r.stdout.contains(column), "no column {column:?}");
    }
    let checks: usize = cases()
        .iter()
        .filter(|c| c.quick)
        .map(|c| match &c.kind {
            Kind::Statistical(checks) => checks.len(),
            Kind::LittlesLaw(policies) => 2 * policies.len(),
        })
        .sum();
    assert!(
        r.stdout
            .contains(&format!("{checks} of {checks} checks passed")),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("FAIL"));
}
