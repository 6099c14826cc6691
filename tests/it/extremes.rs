//! Extreme and degenerate scenarios, each with its expected behaviour.

use super::support::{TempDir, ifss_in, load_with, model};
use ifss_sim::engine::{AllocationFact, Observer, WorkerState, run_once};
use ifss_sim::measures::{Catalogue, Recorder, Replication};
use ifss_sim::model::{Model, PolicyKind};
use ifss_sim::time::SimTime;

/// One replication's measures by name.
struct Measures {
    cat: Catalogue,
    rep: Replication,
}

impl Measures {
    fn of(m: &Model, seed: u64) -> Measures {
        let mut rec = Recorder::new(m);
        let s = run_once(m, seed, 0, &mut rec);
        Measures {
            cat: Catalogue::new(m),
            rep: rec.replication(s.events),
        }
    }
    fn get(&self, name: &str) -> f64 {
        self.rep.values[self
            .cat
            .index(name)
            .unwrap_or_else(|| panic!("no measure {name}"))]
    }
}

fn western_bay(sets: &[&str]) -> Model {
    load_with("western-bay", sets).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn zero_referrals_give_empty_statistics_not_nan_or_a_panic() {
    let m = western_bay(&[
        "authorities[0].referrals_per_year=0",
        "authorities[1].referrals_per_year=0",
        "authorities[2].referrals_per_year=0",
    ]);
    let x = Measures::of(&m, 1);
    for name in [
        "referrals",
        "accepted",
        "allocated",
        "phase1_starts",
        "open_at_end",
    ] {
        assert_eq!(x.get(name), 0.0, "{name}");
    }
    assert_eq!(x.get("waiting.mean"), 0.0);
    // no family was allocated: the wait has no observation (NaN), which statistics skip
    assert!(x.get("wait_to_first_meeting_days").is_nan());
    assert_eq!(x.get("utilisation"), 0.0);

    let dir = TempDir::new("zero-referrals");
    let r = ifss_in(
        &dir.0,
        &[
            "run",
            "--reps",
            "3",
            "--json",
            "--no-output",
            "--set",
            "authorities[0].referrals_per_year=0",
            "--set",
            "authorities[1].referrals_per_year=0",
            "--set",
            "authorities[2].referrals_per_year=0",
        ],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    let w = &v["kpis"]["wait_to_first_meeting_days"];
    assert_eq!(w["n"], 0, "{w}");
    assert!(w["mean"].is_null() && w["ci95"].is_null(), "{w}");
    assert_eq!(v["kpis"]["referrals"]["mean"], 0.0);
    assert!(!r.stdout.contains("NaN"));
}

#[test]
fn no_staff_who_work_with_families_is_a_clear_error() {
    let dir = TempDir::new("no-direct-staff");
    let mut args = vec!["run", "--reps", "2", "--no-output"];
    let sets: Vec<String> = (0..10)
        .map(|i| format!("staff[{i}].direct_ratio=0"))
        .collect();
    for s in &sets {
        args.extend(["--set", s.as_str()]);
    }
    let r = ifss_in(&dir.0, &args);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr.contains("staff: no post can take a family"),
        "{}",
        r.stderr
    );
    // and a caseload limit of zero everywhere, likewise
    let sets: Vec<String> = (0..10)
        .map(|i| format!("staff[{i}].caseload_limit=0"))
        .collect();
    let sets: Vec<&str> = sets.iter().map(String::as_str).collect();
    let err = load_with("western-bay", &sets).unwrap_err();
    assert!(
        err.to_string().contains("no post can take a family"),
        "{err}"
    );
}

#[test]
fn every_route_probability_at_one_sends_everyone_one_way() {
    for (field, measure) in [
        ("advice_only", "advice_sessions"),
        ("not_eligible", "rejected_not_eligible"),
        ("declined", "rejected_declined"),
    ] {
        let mut sets = vec![
            "pathway.advice_only=0".to_string(),
            "pathway.not_eligible=0".to_string(),
            "pathway.declined=0".to_string(),
        ];
        sets.push(format!("pathway.{field}=1"));
        let sets: Vec<&str> = sets.iter().map(String::as_str).collect();
        let x = Measures::of(&western_bay(&sets), 3);
        assert!(x.get("referrals") > 0.0);
        assert_eq!(x.get(measure), x.get("referrals"), "{field}");
        assert_eq!(x.get("accepted"), 0.0, "{field}");
        assert_eq!(x.get("open_cases.mean"), 0.0, "{field}");
    }
}

#[test]
fn pathway_probabilities_at_zero_and_one_are_deterministic() {
    // everyone accepted, assessed into Phase 1, nobody leaves it early, everyone referred on
    let x = Measures::of(
        &western_bay(&[
            "pathway.advice_only=0",
            "pathway.not_eligible=0",
            "pathway.declined=0",
            "pathway.assessment.to_phase1=1",
            "pathway.phase1.unplanned_exit=0",
            "pathway.onward_referral=1",
            "pathway.rereferral.probability=0",
        ]),
        4,
    );
    assert_eq!(x.get("accepted"), x.get("referrals"));
    assert_eq!(x.get("assessed_not_taken_on"), 0.0);
    assert_eq!(x.get("unplanned_exits"), 0.0);
    assert_eq!(x.get("rereferrals"), 0.0);
    assert!(x.get("phase2_completions") > 0.0);
    assert_eq!(x.get("onward_referrals"), x.get("phase2_completions"));

    // nobody goes on to Phase 1
    let x = Measures::of(&western_bay(&["pathway.assessment.to_phase1=0"]), 4);
    assert!(x.get("allocated") > 0.0);
    assert_eq!(x.get("phase1_starts"), 0.0);
    assert_eq!(x.get("phase2_completions"), 0.0);

    // everyone who starts Phase 1 leaves it early; nobody is referred on
    let x = Measures::of(
        &western_bay(&[
            "pathway.phase1.unplanned_exit=1",
            "pathway.onward_referral=0",
        ]),
        4,
    );
    assert!(x.get("unplanned_exits") > 0.0);
    assert_eq!(x.get("phase1_completions"), 0.0);
    assert_eq!(x.get("onward_referrals"), 0.0);

    // every closed family comes back, up to the episode limit
    let x = Measures::of(&western_bay(&["pathway.rereferral.probability=1"]), 4);
    assert!(x.get("rereferrals") > 0.0);
    assert!(x.get("rereferrals") <= 3.0 * (x.get("referrals") - x.get("rereferrals")));
}

#[test]
fn a_horizon_of_one_day_runs() {
    let m = western_bay(&["simulation.horizon_days=1"]);
    let cat = Catalogue::new(&m);
    assert_eq!(cat.weeks(), 1, "only the sample at day 0");
    assert_eq!(m.years(), 1);
    let x = Measures::of(&m, 5);
    assert!(x.get("referrals") >= 0.0);
    assert_eq!(x.get("referrals.y1"), x.get("referrals"));
    let dir = TempDir::new("one-day");
    let r = ifss_in(
        &dir.0,
        &[
            "run",
            "--reps",
            "2",
            "--no-output",
            "--json",
            "--set",
            "simulation.horizon_days=1",
        ],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
}

#[test]
fn one_replication_has_no_interval_but_runs() {
    let dir = TempDir::new("one-rep");
    let r = ifss_in(&dir.0, &["run", "--reps", "1", "--json", "--no-output"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    assert_eq!(v["replications"], 1);
    let w = &v["kpis"]["wait_to_first_meeting_days"];
    assert_eq!(w["n"], 1);
    assert!(w["mean"].is_number() && w["ci95"].is_null(), "{w}");
    // the table says why there is no interval rather than printing NaN
    let r = ifss_in(&dir.0, &["run", "--reps", "1", "--no-output"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(!r.stdout.contains("NaN"), "{}", r.stdout);
}

/// Remembers which workers were ever present and which took families.
#[derive(Default)]
struct Presence {
    present: Vec<bool>,
    allocated_to: Vec<usize>,
}

impl Observer for Presence {
    fn worker_changed(&mut self, _: SimTime, w: usize, s: &WorkerState) {
        if self.present.len() <= w {
            self.present.resize(w + 1, false);
        }
        self.present[w] |= s.present;
    }
    fn allocated(&mut self, _: SimTime, a: &AllocationFact) {
        self.allocated_to.push(a.worker);
    }
}

#[test]
fn a_worker_absent_for_the_whole_horizon_takes_no_family() {
    // staff[1] (four Swansea social workers) are never recruited within the horizon
    let m = western_bay(&[
        "staff[1].availability={ initial_recruitment = { dist = \"fixed\", value = 5000 } }",
    ]);
    let absent: Vec<usize> = (1..5).collect();
    assert!(
        absent
            .iter()
            .all(|&w| m.posts()[w].title() == "Consultant Social Worker")
    );
    for kind in PolicyKind::ALL {
        let m = m.with_policy(m.policy().with_kind(kind));
        let mut p = Presence::default();
        run_once(&m, 6, 0, &mut p);
        assert!(!p.allocated_to.is_empty(), "{kind}");
        for &w in &absent {
            assert!(!p.present[w], "{kind}: worker {w} was present");
            assert!(
                !p.allocated_to.contains(&w),
                "{kind}: worker {w} took a family"
            );
        }
    }
}

#[test]
fn with_every_worker_absent_everyone_waits() {
    let m = western_bay(&[
        "availability.initial_recruitment={ dist = \"fixed\", value = 5000 }",
        "pathway.patience={ dist = \"fixed\", value = 5000 }",
    ]);
    let x = Measures::of(&m, 7);
    assert!(x.get("accepted") > 0.0);
    assert_eq!(x.get("allocated"), 0.0);
    assert_eq!(x.get("open_at_end"), x.get("accepted"));
    assert!(
        x.get("utilisation").is_nan(),
        "no staffed hours: no utilisation"
    );
    assert_eq!(
        x.get("vacancy_days"),
        m.posts().len() as f64 * m.horizon_days()
    );
}

#[test]
fn huge_rates_are_refused_above_the_documented_limit() {
    use ifss_sim::model::MAX_EPISODES_PER_REPLICATION;
    // just under the limit validates (and would be simulated in memory) ...
    let per_year = 0.99 * MAX_EPISODES_PER_REPLICATION;
    let ok = load_with(
        "mmc",
        &[
            &format!("authorities[0].referrals_per_year={per_year}"),
            "simulation.horizon_days=365",
        ],
    );
    assert!(ok.is_ok(), "{:?}", ok.err());
    // ... just over it is refused, naming the field and the limit
    let err = load_with(
        "mmc",
        &[
            &format!(
                "authorities[0].referrals_per_year={}",
                1.01 * MAX_EPISODES_PER_REPLICATION
            ),
            "simulation.horizon_days=365",
        ],
    )
    .unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("simulation.horizon_days"), "{msg}");
    assert!(msg.contains("the limit is 2000000"), "{msg}");
    let dir = TempDir::new("huge");
    let r = ifss_in(
        &dir.0,
        &[
            "run",
            "--no-output",
            "--set",
            "authorities[0].referrals_per_year=1e12",
        ],
    );
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr.contains("referrals in one replication"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_large_batch_of_replications_is_refused_on_the_command_line() {
    let dir = TempDir::new("reps");
    let r = ifss_in(&dir.0, &["run", "--reps", "1000001", "--no-output"]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("--reps"), "{}", r.stderr);
}

#[test]
fn seeds_zero_and_max_work() {
    let m = model("western-bay");
    for seed in [0, u64::MAX] {
        let x = Measures::of(&m, seed);
        assert!(x.get("referrals") > 0.0, "seed {seed}");
    }
    assert_ne!(
        Measures::of(&m, 0).rep.values,
        Measures::of(&m, u64::MAX).rep.values
    );
    let dir = TempDir::new("seeds");
    let r = ifss_in(
        &dir.0,
        &[
            "run",
            "--reps",
            "2",
            "--no-output",
            "--seed",
            "18446744073709551615",
        ],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
}

#[test]
fn costs_are_never_negative() {
    use ifss_sim::costs::CostTable;
    let mut checked = 0;
    for b in ifss_sim::scenario::BUNDLED {
        let m = ifss_sim::scenario::load(b.text, b.name).unwrap_or_else(|e| panic!("{e}"));
        let Some(costs) = m.costs() else { continue };
        for table in [CostTable::stated(costs), CostTable::recomputed(costs)] {
            for row in table.salary_rows().iter().chain(table.non_salary_rows()) {
                row.amounts().map(|point, p| {
                    assert!(
                        !p.is_negative(),
                        "{}: {} at {point:?} is {p:?}",
                        b.name,
                        row.name()
                    )
                });
            }
            table.columns().map(|point, c| {
                for (what, p) in [
                    ("salary", c.salary()),
                    ("non-salary", c.non_salary()),
                    ("total", c.total()),
                ] {
                    assert!(!p.is_negative(), "{}: {what} at {point:?} is {p:?}", b.name);
                }
            });
            checked += 1;
        }
    }
    assert!(checked > 0, "no bundled scenario has a cost table");
}

/// What the fuzz target does with any scenario that loads: a short replication.
#[test]
fn every_bundled_scenario_runs_truncated_to_sixty_days() {
    for b in ifss_sim::scenario::BUNDLED {
        let m = ifss_sim::scenario::load(b.text, b.name).unwrap_or_else(|e| panic!("{e}"));
        let short = m.truncated(60.0);
        assert_eq!(
            short.horizon_days(),
            m.horizon_days().min(60.0),
            "{}",
            b.name
        );
        assert_eq!(m.truncated(f64::NAN).horizon_days(), m.horizon_days());
        assert_eq!(m.truncated(0.0).horizon_days(), 1.0);
        let mut rec = Recorder::new(&short);
        let s = run_once(&short, 1, 0, &mut rec);
        assert_eq!(s.referrals, s.closed + s.open_at_end, "{}", b.name);
        assert_eq!(
            rec.replication(s.events).values.len(),
            Catalogue::new(&short).measures().len()
        );
    }
}
