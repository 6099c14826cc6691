//! Engine behaviour: conservation, determinism, and the M/M/c anchor.

use super::support::{load_with, model, with_policy};
use ifss_sim::engine::{AllocationFact, Closure, Engine, Observer, ReferralFact, Route, run_once};
use ifss_sim::measures::Recorder;
use ifss_sim::model::PolicyKind;
use ifss_sim::stats::summarize;
use ifss_sim::theory;
use ifss_sim::time::SimTime;

/// Counts every referral by its final state.
#[derive(Default)]
struct Ledger {
    arrived: u64,
    closed_at_once: u64,
    accepted: u64,
    closed: u64,
    allocated_first: u64,
    negative_waits: u64,
    last_t: f64,
    backwards: u64,
}

impl Observer for Ledger {
    fn referral(&mut self, t: SimTime, r: &ReferralFact) {
        self.tick(t);
        self.arrived += 1;
        if r.route == Route::Accepted {
            self.accepted += 1;
        } else {
            self.closed_at_once += 1;
        }
    }
    fn allocated(&mut self, t: SimTime, a: &AllocationFact) {
        self.tick(t);
        if !a.handover {
            self.allocated_first += 1;
        }
        if a.wait_days < 0.0 {
            self.negative_waits += 1;
        }
    }
    fn closed(&mut self, t: SimTime, _: u32, _: usize, _: Closure) {
        self.tick(t);
        self.closed += 1;
    }
}

impl Ledger {
    fn tick(&mut self, t: SimTime) {
        if t.days() < self.last_t {
            self.backwards += 1;
        }
        self.last_t = t.days();
    }
}

#[test]
fn every_referral_is_in_exactly_one_state_at_the_horizon() {
    for name in ["western-bay", "npt-high-need", "mmc", "ifss-lite"] {
        let base = model(name);
        for kind in PolicyKind::ALL {
            let m = with_policy(&base, kind);
            for rep in 0..3 {
                let mut ledger = Ledger::default();
                let stats = run_once(&m, 11, rep, &mut ledger);
                assert_eq!(stats.referrals, ledger.arrived, "{name}/{kind}");
                // closed at once + (accepted = closed after acceptance + open at the end)
                assert_eq!(
                    ledger.arrived,
                    ledger.closed_at_once + ledger.closed + stats.open_at_end,
                    "{name}/{kind} rep {rep}: conservation"
                );
                assert_eq!(ledger.accepted, ledger.closed + stats.open_at_end);
                assert_eq!(stats.closed, ledger.closed_at_once + ledger.closed);
                assert_eq!(ledger.negative_waits, 0);
                assert_eq!(ledger.backwards, 0, "time went backwards");
            }
        }
    }
}

#[test]
fn per_authority_measures_add_up_to_the_totals() {
    let m = model("western-bay");
    let cat = ifss_sim::measures::Catalogue::new(&m);
    let mut rec = Recorder::new(&m);
    let stats = Engine::default().run(&m, 5, 0, &mut rec);
    let rep = rec.replication(stats.events);
    let get = |n: &str| rep.values[cat.index(n).unwrap_or_else(|| panic!("{n}"))];
    for base in [
        "referrals",
        "accepted",
        "allocated",
        "phase1_starts",
        "cases_closed",
        "open_at_end",
    ] {
        let parts: f64 = m
            .authorities()
            .iter()
            .map(|a| get(&format!("{base}.{}", a.slug())))
            .sum();
        assert_eq!(parts, get(base), "{base}");
        if base != "open_at_end" {
            let years: f64 = (1..=m.years()).map(|y| get(&format!("{base}.y{y}"))).sum();
            assert_eq!(years, get(base), "{base} by year");
        }
    }
    assert_eq!(get("referrals"), stats.referrals as f64);
    assert_eq!(get("open_at_end"), stats.open_at_end as f64);
    // staffed days by post title and year add up to the days not vacant
    let staffed: f64 = cat
        .measures()
        .iter()
        .filter(|x| x.name.starts_with("filled_post_days."))
        .map(|x| get(&x.name))
        .sum();
    let expected = m.posts().len() as f64 * m.horizon_days() - get("vacancy_days");
    assert!(
        (staffed - expected).abs() < 1e-6 * expected,
        "{staffed} vs {expected}"
    );
    let travel_by_year: f64 = (1..=m.years())
        .map(|y| get(&format!("travel_hours.y{y}")))
        .sum();
    assert!((travel_by_year - get("travel_hours")).abs() < 1e-6);
    // the achieved direct-contact ratio never exceeds the largest direct-work capacity
    let capacity = super::support::max_direct_capacity(&m);
    let achieved = get("direct_contact_ratio");
    assert!(
        achieved > 0.0 && achieved <= capacity + 1e-12,
        "{achieved} vs {capacity}"
    );
    let u = get("utilisation");
    assert!((0.0..=1.0).contains(&u), "utilisation {u}");
}

/// Every number of a replication, bit for bit (NaN included).
fn bits(r: &ifss_sim::measures::Replication) -> Vec<u64> {
    r.values
        .iter()
        .chain(&r.series)
        .map(|x| x.to_bits())
        .chain([r.events])
        .collect()
}

#[test]
fn a_fixed_seed_gives_identical_results() {
    let m = model("western-bay");
    let run = |seed| {
        let mut rec = Recorder::new(&m);
        let s = Engine::default().run(&m, seed, 3, &mut rec);
        rec.replication(s.events)
    };
    assert_eq!(bits(&run(42)), bits(&run(42)));
    assert_ne!(bits(&run(42)), bits(&run(43)));
}

#[test]
fn reused_engine_buffers_do_not_leak_between_replications() {
    let m = model("western-bay");
    let mut engine = Engine::default();
    let mut rec = Recorder::new(&m);
    let _ = engine.run(&m, 1, 0, &mut rec);
    rec.reset();
    let s = engine.run(&m, 1, 1, &mut rec);
    let reused = rec.replication(s.events);
    let mut fresh = Recorder::new(&m);
    let s = run_once(&m, 1, 1, &mut fresh);
    assert_eq!(bits(&reused), bits(&fresh.replication(s.events)));
}

/// The M/M/5 validation scenario reproduces the Erlang C mean wait.
#[test]
fn mmc_matches_erlang_c_mean_wait() {
    let m = model("mmc");
    let theory = theory::mmc_wq(4.0, 1.0, 5).unwrap();
    assert!((theory - 0.5541).abs() < 1e-4);
    let cat = ifss_sim::measures::Catalogue::new(&m);
    let idx = cat.index("wait_to_first_meeting_days").unwrap();
    let waits: Vec<f64> = (0..200)
        .map(|rep| {
            let mut rec = Recorder::new(&m);
            let s = Engine::default().run(&m, 1, rep, &mut rec);
            rec.replication(s.events).values[idx]
        })
        .collect();
    let s = summarize(&waits).unwrap();
    let [lo, hi] = s.ci95.unwrap();
    assert!(
        lo <= theory && theory <= hi,
        "Erlang C {theory} outside CI [{lo}, {hi}]"
    );
    // power: the interval is tight enough that a 5% error in the model would show
    assert!(
        (hi - lo) / 2.0 < 0.03 * theory,
        "CI half-width {} too wide",
        (hi - lo) / 2.0
    );
}

/// With every probability at 0 or 1 the pathway is deterministic in its routing.
#[test]
fn probabilities_at_zero_and_one_route_deterministically() {
    let m = load_with(
        "western-bay",
        &[
            "pathway.advice_only=1",
            "pathway.not_eligible=0",
            "pathway.declined=0",
        ],
    )
    .unwrap();
    let mut ledger = Ledger::default();
    let s = run_once(&m, 1, 0, &mut ledger);
    assert!(s.referrals > 0);
    assert_eq!(ledger.accepted, 0);
    assert_eq!(ledger.closed_at_once, s.referrals);

    let m = load_with(
        "western-bay",
        &[
            "pathway.advice_only=0",
            "pathway.not_eligible=0",
            "pathway.declined=0",
            "pathway.assessment.to_phase1=1",
            "pathway.phase1.unplanned_exit=0",
        ],
    )
    .unwrap();
    let mut rec = Recorder::new(&m);
    let s = run_once(&m, 1, 0, &mut rec);
    let cat = ifss_sim::measures::Catalogue::new(&m);
    let rep = rec.replication(s.events);
    let get = |n: &str| rep.values[cat.index(n).unwrap()];
    assert_eq!(get("accepted"), get("referrals"));
    assert_eq!(get("assessed_not_taken_on"), 0.0);
    assert_eq!(get("unplanned_exits"), 0.0);
}

/// Counts first allocations.
#[derive(Default)]
struct Allocations(u64);

impl Observer for Allocations {
    fn allocated(&mut self, _: SimTime, x: &AllocationFact) {
        self.0 += u64::from(!x.handover);
    }
}

/// Western Bay eight times over (160 posts, up to 32 alike workers at a base): pools large
/// enough to keep their trees. Under every policy each choice they make is checked, in
/// builds with debug assertions (these tests), against a scan of every worker; and eight
/// times the team with eight times the referrals allocates several times as many families.
#[test]
fn pools_with_trees_choose_as_a_scan_of_every_worker_under_every_policy() {
    use ifss_sim::scenario::{self, overrides};
    let text = scenario::bundled("western-bay").expect("bundled").text;
    for policy in ["proportional", "demand-led", "pooled", "rebased"] {
        let kind: overrides::Override = format!("policy.kind={policy}").parse().unwrap();
        let mut sets = overrides::scaled_by(text, "western-bay.toml", 8).unwrap();
        sets.push(kind.clone());
        let big = scenario::load(&overrides::apply(text, &sets).unwrap(), "w").unwrap();
        let small = scenario::load(&overrides::apply(text, &[kind]).unwrap(), "w").unwrap();
        assert_eq!(big.posts().len(), 160);
        let (mut b, mut s) = (Allocations::default(), Allocations::default());
        for r in 0..2 {
            run_once(&big, 3, r, &mut b);
            run_once(&small, 3, r, &mut s);
        }
        assert!(
            b.0 > 5 * s.0,
            "{policy}: {} allocations against {}",
            b.0,
            s.0
        );
    }
}
