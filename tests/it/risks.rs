//! The risk register beside the simulation: each indicator measures what it says, shown
//! on scenarios whose answer is known.

use super::support::load_with;
use ifss_sim::batch::Pool;
use ifss_sim::experiment::{self, Quiet};
use ifss_sim::risks::{Assessment, Verdict};

fn assess(sets: &[&str], reps: u64) -> Vec<Assessment> {
    let m = load_with("western-bay", sets).unwrap_or_else(|e| panic!("{e}"));
    let request = experiment::risks::Request {
        seed: 17,
        replications: reps,
    };
    let plan = experiment::risks::Plan::new(&m, &request).unwrap();
    let pool = Pool::new(Some(2)).unwrap();
    experiment::risks::run(&m, &plan, &pool, &mut Quiet).unwrap()
}

fn risk(rows: &[Assessment], id: u32) -> &Assessment {
    rows.iter().find(|r| r.id == id).unwrap()
}

fn p(rows: &[Assessment], id: u32) -> f64 {
    risk(rows, id).simulated_probability.unwrap()
}

#[test]
fn the_default_register_lists_all_six_risks_with_a_verdict() {
    let rows = assess(&[], 20);
    assert_eq!(
        rows.iter().map(|r| r.id).collect::<Vec<_>>(),
        [1, 2, 3, 4, 5, 6]
    );
    assert_eq!(risk(&rows, 6).verdict, Verdict::NotSimulable);
    assert!(
        risk(&rows, 6).simulated_probability.is_none(),
        "no made-up number"
    );
    for id in 2..=5 {
        assert_ne!(risk(&rows, id).verdict, Verdict::NotSimulable, "risk {id}");
        assert!(risk(&rows, id).ci95.is_some());
    }
}

#[test]
fn insufficient_funds_follows_the_budget() {
    // a budget far above any cost: never over
    let rich = assess(&["costs.budget=100000000"], 20);
    assert_eq!(p(&rich, 1), 0.0);
    assert!(risk(&rich, 1).impact.is_none(), "no overspend to measure");
    // and the whole contract, against three years' budgets, is never over either
    let e = &risk(&rich, 1).explanation;
    assert!(e.contains("envelope (£300,000,000 for 3.0 years)"), "{e}");
    assert!(e.contains("over in 0% of runs"), "{e}");
    // a budget below the minimum cost: over every time, by most of the cost
    let poor = assess(&["costs.budget=1000"], 20);
    assert_eq!(p(&poor, 1), 1.0);
    let e = &risk(&poor, 1).explanation;
    assert!(e.contains("over in 100% of runs"), "{e}");
    assert!(risk(&poor, 1).impact.as_ref().unwrap().mean > 600_000.0);
    assert_eq!(risk(&poor, 1).impact.as_ref().unwrap().unit, "pounds");
}

#[test]
fn unfilled_posts_measure_recruitment_losses() {
    // every post filled from day one and never vacated: nothing is lost
    let full = assess(
        &[
            "availability.turnover_per_year=0",
            "availability.contract_end.turnover_per_year=0",
            "availability.initial_recruitment={ dist = \"fixed\", value = 0 }",
        ],
        20,
    );
    assert_eq!(p(&full, 2), 0.0);
    // every post empty for the first 300 days: many Phase 1 starts are lost, every time
    let empty = assess(
        &["availability.initial_recruitment={ dist = \"fixed\", value = 300 }"],
        20,
    );
    assert_eq!(p(&empty, 2), 1.0);
    assert!(risk(&empty, 2).impact.as_ref().unwrap().mean > 30.0);
}

#[test]
fn a_veto_costs_nothing_when_sharing_never_starts() {
    // demand-led only shares after 100,000 days, and with no one leaving there are no
    // handovers (which it shares at once): identical to proportional on the same seeds
    let rows = assess(
        &[
            "policy.share_after_days=100000",
            "availability.turnover_per_year=0",
        ],
        20,
    );
    assert_eq!(p(&rows, 4), 0.0);
}

/// `--set`s giving each authority `total` first referrals a year in proportion to the hours
/// of family work its own staff give (region-wide posts left out): need that follows the
/// staffing exactly.
fn referrals_following_staffing(total: f64, extra: &[&str]) -> Vec<String> {
    let m = load_with("western-bay", &[]).unwrap();
    let hours: Vec<f64> = (0..m.authorities().len())
        .map(|a| {
            m.posts()
                .iter()
                .filter(|p| p.base() == a && !p.region_wide())
                .map(|p| p.direct_hours_per_week())
                .sum()
        })
        .collect();
    let all: f64 = hours.iter().sum();
    let mut sets: Vec<String> = hours
        .iter()
        .enumerate()
        .map(|(a, h)| format!("authorities[{a}].referrals_per_year={}", total * h / all))
        .collect();
    sets.extend(extra.iter().map(|s| s.to_string()));
    sets
}

fn assess_owned(sets: &[String], reps: u64) -> Vec<Assessment> {
    let sets: Vec<&str> = sets.iter().map(String::as_str).collect();
    assess(&sets, reps)
}

#[test]
fn need_that_follows_the_staffing_rarely_reads_as_need_out_of_step() {
    // Swansea's own staff give twice the family hours of each other authority: 120, 60, 60
    let sets = referrals_following_staffing(240.0, &[]);
    assert_eq!(
        &sets[..3],
        [
            "authorities[0].referrals_per_year=120",
            "authorities[1].referrals_per_year=60",
            "authorities[2].referrals_per_year=60"
        ]
    );
    let rows = assess_owned(&sets, 100);
    let r = risk(&rows, 3);
    // only chance can make it fire: at most the test's 5% false alarms, in the Low band,
    // so the register's "Medium" reads as overstated
    assert!(p(&rows, 3) <= 0.08, "{}", p(&rows, 3));
    assert!(r.ci95.unwrap()[1] < 0.15, "{:?}", r.ci95);
    assert_eq!(r.verdict, Verdict::Overstated);
    assert!(r.explanation.contains("rests on"), "{}", r.explanation);
    assert_eq!(
        r.measured_as,
        "need per post out of step between authorities"
    );
    // with four times the referrals, chance can no longer make one authority's need per
    // post a quarter above another's: it never fires
    let sets = referrals_following_staffing(240.0, &["simulation.referral_scale=4"]);
    assert_eq!(p(&assess_owned(&sets, 40), 3), 0.0);
}

#[test]
fn need_that_does_not_follow_the_staffing_reads_as_out_of_step_nearly_always() {
    // Neath Port Talbot's need half as high again as the staffing allows, Bridgend's lower
    let rows = assess(
        &[
            "authorities[0].referrals_per_year=95",
            "authorities[1].referrals_per_year=96",
            "authorities[2].referrals_per_year=49",
        ],
        40,
    );
    assert!(p(&rows, 3) >= 0.95, "{}", p(&rows, 3));
    assert_eq!(risk(&rows, 3).verdict, Verdict::Understated);
    // its families wait weeks longer than the least loaded authority's
    assert!(risk(&rows, 3).impact.as_ref().unwrap().mean > 3.0);
}

#[test]
fn need_out_of_step_fires_by_chance_at_the_tests_level_when_need_follows_staffing() {
    // with no threshold on the ratio, the chi-square test alone decides: when need follows
    // the staffing its false alarms are the level asked for (Wilson 95% intervals of 300
    // replications hold 0.5 and 0.2)
    for (level, lo, hi) in [(0.5, 0.44, 0.56), (0.2, 0.155, 0.25)] {
        let indicator = format!(
            "risks.register[2].indicator={{ kind = \"need-not-population\", load_ratio = 1, significance = {level} }}"
        );
        let rows = assess_owned(&referrals_following_staffing(240.0, &[&indicator]), 300);
        let [l, h] = risk(&rows, 3).ci95.unwrap();
        assert!(l <= level && level <= h, "{level}: [{l}, {h}]");
        assert!((lo..=hi).contains(&p(&rows, 3)), "{level}: {}", p(&rows, 3));
    }
    // a level of 0 never fires, whatever the need
    let never = assess(
        &[
            "authorities[1].referrals_per_year=200",
            "risks.register[2].indicator={ kind = \"need-not-population\", significance = 0 }",
        ],
        20,
    );
    assert_eq!(p(&never, 3), 0.0);
}

#[test]
fn referral_shortfall_follows_the_target() {
    let zero_target: Vec<String> = (0..3)
        .map(|i| format!("authorities[{i}].referral_target_per_year=0"))
        .collect();
    let sets: Vec<&str> = zero_target.iter().map(String::as_str).collect();
    assert_eq!(p(&assess(&sets, 20), 5), 0.0);
    let huge: Vec<String> = (0..3)
        .map(|i| format!("authorities[{i}].referral_target_per_year=10000"))
        .collect();
    let sets: Vec<&str> = huge.iter().map(String::as_str).collect();
    assert_eq!(p(&assess(&sets, 20), 5), 1.0);
    // the targets count first referrals, as the rates do: with every family re-referred
    // soon after closing, first referrals alone still fall short of targets that match
    // the rates in about half the years, though all referrals together never do
    let mut at_rate: Vec<String> = [110, 65, 65]
        .iter()
        .enumerate()
        .map(|(i, r)| format!("authorities[{i}].referral_target_per_year={r}"))
        .collect();
    at_rate.push("pathway.rereferral.probability=1".into());
    at_rate.push("pathway.rereferral.delay={ dist = \"uniform\", min = 1, max = 2 }".into());
    let sets: Vec<&str> = at_rate.iter().map(String::as_str).collect();
    let rows = assess(&sets, 40);
    assert!(p(&rows, 5) > 0.4, "{}", p(&rows, 5));
    // with no loss of referral flow there is no impact
    let same = assess(
        &[
            "risks.register[4].indicator={ kind = \"referral-shortfall\", from_year = 2, flow_factor = 1 }",
        ],
        20,
    );
    assert_eq!(risk(&same, 5).impact.as_ref().unwrap().mean, 0.0);
}

#[test]
fn a_horizon_too_short_for_an_indicator_gives_no_verdict() {
    // no whole year from year 2 on: the shortfall cannot be measured, not "overstated"
    let rows = assess(&["simulation.horizon_days=300"], 5);
    assert_eq!(risk(&rows, 5).verdict, Verdict::NotSimulable);
    assert!(risk(&rows, 5).simulated_probability.is_none());
    assert!(risk(&rows, 5).explanation.contains("300-day horizon"));
}

#[test]
fn overlapping_likelihood_bands_are_refused() {
    let e = load_with(
        "western-bay",
        &["risks.likelihood={ Low = [0.0, 0.5], \"Low/medium\" = [0.15, 0.35], Medium = [0.35, 0.65], High = [0.65, 1.0] }"],
    )
    .unwrap_err();
    assert!(
        e.problems
            .iter()
            .any(|p| p.path == "risks.likelihood.Low/medium" && p.message.contains("overlaps")),
        "{e}"
    );
}

#[test]
fn bad_register_entries_are_refused_with_their_field() {
    let e = load_with(
        "western-bay",
        &["risks.register[0].indicator={ kind = \"astrology\" }"],
    )
    .unwrap_err();
    assert!(
        e.problems
            .iter()
            .any(|p| p.path == "risks.register[0].indicator.kind"),
        "{e}"
    );
    let e = load_with(
        "western-bay",
        &["risks.register[1].likelihood=\"Sometimes\""],
    )
    .unwrap_err();
    assert!(
        e.problems
            .iter()
            .any(|p| p.path == "risks.register[1].likelihood" && p.message.contains("known: Low")),
        "{e}"
    );
    let e = load_with("western-bay", &["risks.register[1].id=1"]).unwrap_err();
    assert!(
        e.problems
            .iter()
            .any(|p| p.message.contains("duplicate risk id 1")),
        "{e}"
    );
}

/// Text from the scenario that would open as a spreadsheet formula (`=`, `+`, `-`, `@`)
/// reaches risks.csv as text, behind an apostrophe; numbers are left as numbers.
#[test]
fn formula_text_in_the_register_is_neutralised_in_csv() {
    let t = super::support::text("western-bay")
        .replacen(
            "title = \"Insufficient funds to provide a comprehensive enough service\"",
            "title = \"=HYPERLINK(\\\"http://example.invalid\\\",\\\"x\\\")\"",
            1,
        )
        .replacen("\"Low\" = [0.0, 0.15]", "\"+Low\" = [0.0, 0.15]", 1)
        .replace("likelihood = \"Low\"", "likelihood = \"+Low\"")
        .replace("\"Major\"", "\"@Major\"");
    let dir = super::support::TempDir::new("csv-formula");
    std::fs::write(dir.join("s.toml"), &t).unwrap();
    let r = super::support::ifss_in(
        &dir.0,
        &["risks", "s.toml", "--reps", "3", "--quiet", "--out", "out"],
    );
    assert!(r.success(), "{}", r.stderr);
    let mut rows = csv::Reader::from_path(dir.join("out").join("risks.csv")).unwrap();
    let header = rows.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let first = rows.records().next().unwrap().unwrap();
    assert_eq!(
        &first[col("risk")],
        "'=HYPERLINK(\"http://example.invalid\",\"x\")"
    );
    assert_eq!(&first[col("stated_likelihood")], "'+Low");
    assert_eq!(&first[col("stated_effect")], "'@Major");
    // no cell of any row opens as a formula; probabilities stay numbers
    for row in csv::Reader::from_path(dir.join("out").join("risks.csv"))
        .unwrap()
        .records()
    {
        let row = row.unwrap();
        for cell in row.iter() {
            assert!(!cell.starts_with(['=', '+', '@']), "{cell}");
        }
        if let Some(p) = row
            .get(col("simulated_probability"))
            .filter(|p| !p.is_empty())
        {
            p.parse::<f64>().unwrap();
        }
    }
}
