//! Scenario loading: bundled files, every validation rule, and located errors.

use super::support::{load_with, model, refused, text};
use ifss_sim::scenario::{self, BUNDLED};

#[test]
fn every_bundled_scenario_validates() {
    for b in BUNDLED {
        if let Err(e) = scenario::load(b.text, b.name) {
            panic!("{e}");
        }
    }
}

#[test]
fn western_bay_default_has_the_proposal_team() {
    let m = model("western-bay");
    let names: Vec<&str> = m.authorities().iter().map(|a| a.name()).collect();
    assert_eq!(names, ["Swansea", "Neath Port Talbot", "Bridgend"]);
    // 17 who work with families plus 3 business support
    assert_eq!(m.posts().len(), 20);
    let direct = m.posts().iter().filter(|p| p.direct_ratio() > 0.0).count();
    assert_eq!(direct, 17);
    let swansea = m
        .posts()
        .iter()
        .filter(|p| p.base() == 0 && p.direct_ratio() > 0.0)
        .count();
    assert_eq!(swansea, 8);
    assert_eq!(m.horizon_days(), 1095.0);
    let per_year: f64 = m
        .authorities()
        .iter()
        .map(|a| a.referrals_per_year().mean())
        .sum();
    assert_eq!(per_year, 240.0);
}

#[test]
fn probabilities_must_lie_in_zero_one() {
    refused(
        &["pathway.advice_only=1.5"],
        "pathway.advice_only",
        "between 0 and 1",
    );
    refused(
        &["pathway.assessment.to_phase1=-0.1"],
        "pathway.assessment.to_phase1",
        "between 0 and 1",
    );
    refused(
        &["pathway.phase1.unplanned_exit=nan"],
        "pathway.phase1.unplanned_exit",
        "between 0 and 1",
    );
}

#[test]
fn route_probabilities_must_not_exceed_one_together() {
    refused(
        &["pathway.advice_only=0.6", "pathway.not_eligible=0.5"],
        "pathway",
        "must not exceed 1",
    );
}

#[test]
fn mixes_must_sum_to_one() {
    refused(
        &["referrals.needs.parenting=0.3"],
        "referrals.needs",
        "sum to 1",
    );
    refused(
        &["referrals.agencies.police=0.1000001"],
        "referrals.agencies",
        "sum to 1",
    );
}

#[test]
fn rates_and_hours_must_be_finite_and_not_negative() {
    refused(
        &["authorities[0].referrals_per_year=-5"],
        "authorities[0].referrals_per_year",
        "0 or more",
    );
    refused(
        &["authorities[1].referrals_per_year=inf"],
        "authorities[1].referrals_per_year",
        "finite",
    );
    refused(
        &["staff[1].hours_per_week=-37"],
        "staff[1].hours_per_week",
        "between 0 and 168",
    );
    refused(
        &["pathway.phase1.hours_per_week=-1"],
        "pathway.phase1.hours_per_week",
        "0 or more",
    );
}

#[test]
fn staff_must_be_based_in_a_known_authority() {
    refused(
        &["staff[2].base=\"Neath\""],
        "staff[2].base",
        "unknown authority \"Neath\"",
    );
    let err = load_with("western-bay", &["staff[2].base=\"Neath\""]).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("known: Swansea, Neath Port Talbot, Bridgend"),
        "{msg}"
    );
    assert!(msg.contains("did you mean \"Neath Port Talbot\""), "{msg}");
}

#[test]
fn someone_must_be_able_to_take_families() {
    let all_off: Vec<String> = (0..10)
        .map(|i| format!("staff[{i}].direct_ratio=0"))
        .collect();
    let sets: Vec<&str> = all_off.iter().map(String::as_str).collect();
    refused(&sets, "staff", "no post can take a family");
}

#[test]
fn horizon_and_replications_have_limits() {
    refused(
        &["simulation.horizon_days=0"],
        "simulation.horizon_days",
        "between 1 and",
    );
    refused(
        &["simulation.horizon_days=1e9"],
        "simulation.horizon_days",
        "between 1 and",
    );
    refused(
        &["simulation.replications=0"],
        "simulation.replications",
        "between 1 and",
    );
    // a legal horizon with a huge rate would need too much memory: refused up front
    refused(
        &["authorities[0].referrals_per_year=1e9"],
        "simulation.horizon_days",
        "referrals in one replication",
    );
}

#[test]
fn distributions_are_checked() {
    refused(
        &["pathway.phase1.duration={ dist = \"uniform\", min = 42, max = 28 }"],
        "pathway.phase1.duration",
        "min must not exceed max",
    );
    refused(
        &["pathway.patience={ dist = \"weibull\", mean = 3 }"],
        "pathway.patience.dist",
        "unknown distribution",
    );
    refused(
        &["pathway.patience={ dist = \"exponential\", min = 3 }"],
        "pathway.patience.min",
        "does not take `min`",
    );
}

#[test]
fn names_must_be_unique_and_known() {
    refused(
        &["authorities[2].name=\"Swansea\""],
        "authorities[2].name",
        "duplicate authority",
    );
    refused(
        &["policy.kind=\"shared\""],
        "policy.kind",
        "allowed: proportional, demand-led, pooled, rebased",
    );
    refused(&["staff[0].role=\"boss\""], "staff[0].role", "unknown role");
    refused(
        &["staff[3].specialism=\"gambling\""],
        "staff[3].specialism",
        "unknown need",
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    let err = load_with(
        "western-bay",
        &[
            "pathway.advice_only=2",
            "staff[1].base=\"Cardiff\"",
            "authorities[0].referrals_per_year=-1",
        ],
    )
    .unwrap_err();
    assert!(err.problems.len() >= 3, "{err}");
    // sorted by position in the file
    let lines: Vec<usize> = err
        .problems
        .iter()
        .filter_map(|p| p.line_col.map(|l| l.0))
        .collect();
    assert!(lines.windows(2).all(|w| w[0] <= w[1]), "{lines:?}");
}

#[test]
fn syntax_type_and_unknown_field_errors_are_located() {
    let wrong_type =
        text("western-bay").replace("referrals_per_year = 110", "referrals_per_year = \"lots\"");
    let e = scenario::load(&wrong_type, "wb.toml").unwrap_err();
    assert_eq!(e.problems[0].path, "authorities[0].referrals_per_year");
    assert!(e.problems[0].line_col.is_some());
    assert!(e.to_string().starts_with("wb.toml: 1 problem"), "{e}");

    let unknown = text("western-bay").replace("referrals_per_year = 110", "arival_rate = 110");
    let e = scenario::load(&unknown, "wb.toml").unwrap_err();
    assert!(
        e.problems[0]
            .message
            .contains("unknown field `arival_rate`"),
        "{e}"
    );

    let broken = "name = \"x\"\n[pathway\n";
    let e = scenario::load(broken, "broken.toml").unwrap_err();
    assert_eq!(e.problems[0].line_col.map(|l| l.0), Some(2), "{e}");

    let e = scenario::load("   \n", "empty.toml").unwrap_err();
    assert!(e.problems[0].message.contains("empty"));
}
