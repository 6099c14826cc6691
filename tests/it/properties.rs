//! Property tests over randomly generated valid scenarios: the Western Bay scenario with
//! random rates, staffing, pathway probabilities, hours, availability, policy and horizon.
//!
//! - every fact the engine reports is consistent with every other (an independent ledger
//!   of referrals, waits, closures and worker states), and every measure is in range,
//!   also with random posts serving the whole region;
//! - an extra worker never lowers throughput beyond noise, on common random numbers;
//! - with free travel, the pooled policy never gives a longer mean wait than
//!   proportional, beyond noise, on the same seeds, where the model is a queue with
//!   interchangeable slots (see below).
//!
//! The mean wait compared is the time-average waiting list: on common random numbers both
//! policies see the same accepted families, so by Little's law this is the mean time on
//! the list per accepted family, including the time of those who withdraw or are still
//! waiting at the horizon. The mean wait *to first meeting* is not comparable: it counts
//! only families who were allocated, so a policy that leaves an unstaffed authority's
//! families to withdraw shows short waits for the families it did serve.
//!
//! Pooling is only guaranteed to help when the work to be done does not depend on the
//! policy, so the pooling property runs without staff turnover, which breaks that (found
//! by this test; kept as model behaviour): a family whose worker leaves keeps its stage
//! clock running while it waits for a new worker, so under proportional allocation, at a
//! base with no one else, its Phase 1 can run out without taking anyone's hours, while
//! pooling reallocates it at once and spends capacity on it.
//! Few cases and short horizons keep this quick; the engine also checks its own
//! invariants after every event in these (debug-assertion) builds. Generation is seeded
//! (set `PROPTEST_RNG_SEED` to explore other scenarios), so a run is reproducible.

use super::support::text;
use ifss_sim::engine::{
    AllocationFact, Closure, Engine, Observer, ReferralFact, Route, SampleView, WorkerState,
};
use ifss_sim::measures::{Catalogue, Recorder, Unit};
use ifss_sim::model::{Model, PolicyKind};
use ifss_sim::scenario::{self, overrides::Override};
use ifss_sim::stats::{paired_difference, summarize, t_crit};
use ifss_sim::time::SimTime;
use proptest::prelude::*;
use proptest::test_runner::RngSeed;

/// `cases` cases from a fixed seed, or from `PROPTEST_RNG_SEED` when set.
fn config(cases: u32) -> ProptestConfig {
    let seed = std::env::var("PROPTEST_RNG_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_130_601);
    ProptestConfig {
        cases,
        failure_persistence: None,
        rng_seed: RngSeed::Fixed(seed),
        ..ProptestConfig::default()
    }
}

/// A random valid variation of the Western Bay scenario, as `--set` overrides.
#[derive(Debug, Clone)]
struct Variation {
    sets: Vec<String>,
}

fn variation() -> impl Strategy<Value = Variation> {
    let rates = prop::collection::vec(0.0..400.0f64, 3);
    let counts = prop::collection::vec(0..5i64, 6);
    let routing = (0.0..0.3f64, 0.0..0.3f64, 0.0..0.3f64);
    let pathway = (
        0.0..1.0f64,
        0.0..1.0f64,
        0.0..1.0f64,
        0.0..1.0f64,
        0.0..9.0f64,
    );
    let staff = (0.0..0.6f64, 0.0..12.0f64, 0.0..0.9f64, 1.0..300.0f64);
    let policy = (
        prop::sample::select(vec!["proportional", "demand-led", "pooled"]),
        0.0..60.0f64,
        prop::sample::select(vec!["capacity", "expertise"]),
    );
    let horizon = 30.0..400.0f64;
    // the level of every per-family hours field: up to 9 × 2 h a week of Phase 1, which
    // the region-wide manager (22.2 direct hours) can take with travel
    let scale = 0.25..2.0f64;
    (
        rates, counts, routing, pathway, staff, policy, horizon, scale,
    )
        .prop_map(
            |(
                rates,
                counts,
                (adv, inel, dec),
                (to_p1, exit, onward, reref, hours),
                avail,
                pol,
                h,
                scale,
            )| {
                let mut sets = Vec::new();
                for (a, r) in rates.iter().enumerate() {
                    sets.push(format!("authorities[{a}].referrals_per_year={r}"));
                }
                // staff[1..=6]: social workers and intervention specialists at each base; the
                // manager (staff[0]) stays, so someone can always take a family
                for (i, c) in counts.iter().enumerate() {
                    sets.push(format!("staff[{}].count={c}", i + 1));
                }
                let (advice, not_eligible, declined) = (adv, inel, dec);
                sets.extend([
                    format!("pathway.advice_only={advice}"),
                    format!("pathway.not_eligible={not_eligible}"),
                    format!("pathway.declined={declined}"),
                    format!("pathway.assessment.to_phase1={to_p1}"),
                    format!("pathway.phase1.unplanned_exit={exit}"),
                    format!("pathway.onward_referral={onward}"),
                    format!("pathway.rereferral.probability={reref}"),
                    format!("pathway.phase1.hours_per_week={hours}"),
                    format!("pathway.workload_scale={scale}"),
                ]);
                let (sick, leave_spells, turnover, patience) = avail;
                sets.extend([
                    format!("availability.sickness_spells_per_year={}", sick * 10.0),
                    format!("availability.annual_leave_days={}", leave_spells * 5.0),
                    format!("availability.turnover_per_year={turnover}"),
                    format!("pathway.patience={{ dist = \"exponential\", mean = {patience} }}"),
                ]);
                let (kind, share, matching) = pol;
                sets.extend([
                    format!("policy.kind=\"{kind}\""),
                    format!("policy.share_after_days={share}"),
                    format!("policy.matching=\"{matching}\""),
                    format!("simulation.horizon_days={h}"),
                ]);
                Variation { sets }
            },
        )
}

/// The scenario text of a variation, with `extra` appended (e.g. another `[[staff]]`).
fn scenario_text(v: &Variation, extra: &str) -> String {
    let overrides: Vec<Override> = v
        .sets
        .iter()
        .map(|s| s.parse().expect("override"))
        .collect();
    let mut t = scenario::overrides::apply(text("western-bay"), &overrides).expect("applies");
    t.push_str(extra);
    t
}

fn load(v: &Variation, extra: &str) -> Model {
    scenario::load(&scenario_text(v, extra), "variation.toml")
        .unwrap_or_else(|e| panic!("a generated scenario must be valid:\n{e}\n{v:?}"))
}

/// An independent ledger of what the engine reports, checking each fact against the
/// others as it arrives.
struct Auditor {
    capacity: Vec<f64>,
    limit: Vec<u32>,
    now: f64,
    /// acceptance time per family (NaN: not accepted)
    accepted: Vec<f64>,
    waiting_for_first: Vec<bool>,
    closed: Vec<bool>,
    arrived: Vec<u64>,
    closed_by: Vec<u64>,
    waiting: Vec<u32>,
    open: Vec<u32>,
    /// what the engine last said about waiting and open per authority
    said_waiting: Vec<u32>,
    said_open: Vec<u32>,
}

impl Auditor {
    fn new(m: &Model) -> Auditor {
        let n = m.authorities().len();
        Auditor {
            capacity: m
                .posts()
                .iter()
                .map(|p| p.direct_hours_per_week())
                .collect(),
            limit: m
                .posts()
                .iter()
                .map(|p| p.caseload_limit().unwrap_or(u32::MAX))
                .collect(),
            now: 0.0,
            accepted: Vec::new(),
            waiting_for_first: Vec::new(),
            closed: Vec::new(),
            arrived: vec![0; n],
            closed_by: vec![0; n],
            waiting: vec![0; n],
            open: vec![0; n],
            said_waiting: vec![0; n],
            said_open: vec![0; n],
        }
    }

    fn tick(&mut self, t: SimTime) {
        let t = t.days();
        assert!(
            t.is_finite() && t >= self.now,
            "time went from {} to {t}",
            self.now
        );
        self.now = t;
    }

    fn family(&mut self, id: u32) -> usize {
        let i = id as usize;
        if self.accepted.len() <= i {
            self.accepted.resize(i + 1, f64::NAN);
            self.waiting_for_first.resize(i + 1, false);
            self.closed.resize(i + 1, false);
        }
        i
    }
}

impl Observer for Auditor {
    fn referral(&mut self, t: SimTime, r: &ReferralFact) {
        self.tick(t);
        let i = self.family(r.family);
        assert!(
            self.accepted[i].is_nan() && !self.closed[i],
            "family {i} referred twice"
        );
        self.arrived[r.authority] += 1;
        if r.route == Route::Accepted {
            self.accepted[i] = t.days();
            self.waiting_for_first[i] = true;
            self.waiting[r.authority] += 1;
            self.open[r.authority] += 1;
        } else {
            self.closed[i] = true;
            self.closed_by[r.authority] += 1;
        }
    }
    fn allocated(&mut self, t: SimTime, a: &AllocationFact) {
        self.tick(t);
        let i = self.family(a.family);
        assert!(
            !self.accepted[i].is_nan() && !self.closed[i],
            "family {i} allocated but not open"
        );
        assert!(
            a.wait_days.is_finite() && a.wait_days >= 0.0,
            "wait {}",
            a.wait_days
        );
        if a.handover {
            assert!(
                !self.waiting_for_first[i],
                "a first allocation reported as a handover"
            );
            assert_eq!(a.wait_days, 0.0);
        } else {
            assert!(
                self.waiting_for_first[i],
                "family {i} allocated a first time twice"
            );
            assert_eq!(
                a.wait_days,
                t.days() - self.accepted[i],
                "wait of family {i}"
            );
            self.waiting_for_first[i] = false;
            self.waiting[a.authority] -= 1;
        }
    }
    fn closed(&mut self, t: SimTime, family: u32, authority: usize, why: Closure) {
        self.tick(t);
        let i = self.family(family);
        assert!(
            !self.accepted[i].is_nan() && !self.closed[i],
            "family {i} closed twice"
        );
        assert!(t.days() >= self.accepted[i]);
        if why == Closure::Withdrew {
            assert!(
                self.waiting_for_first[i],
                "family {i} withdrew after allocation"
            );
            self.waiting_for_first[i] = false;
            self.waiting[authority] -= 1;
        } else {
            assert!(
                !self.waiting_for_first[i],
                "family {i} closed by {why:?} before allocation"
            );
        }
        self.closed[i] = true;
        self.closed_by[authority] += 1;
        self.open[authority] -= 1;
    }
    fn hours_delivered(&mut self, t: SimTime, _: usize, direct: f64, travel: f64, _: bool) {
        self.tick(t);
        assert!(direct >= 0.0 && travel >= 0.0);
    }
    fn waiting_changed(&mut self, t: SimTime, a: usize, n: u32) {
        self.tick(t);
        self.said_waiting[a] = n;
    }
    fn open_changed(&mut self, t: SimTime, a: usize, n: u32) {
        self.tick(t);
        self.said_open[a] = n;
    }
    fn worker_changed(&mut self, t: SimTime, w: usize, s: &WorkerState) {
        self.tick(t);
        assert!(
            s.committed >= 0.0 && s.committed <= self.capacity[w] + 1e-6,
            "worker {w}: {s:?}"
        );
        assert!(
            s.direct_rate >= 0.0 && s.direct_rate <= self.capacity[w] + 1e-6,
            "{s:?}"
        );
        assert!(
            s.cross_rate >= 0.0 && s.cross_rate <= s.direct_rate + 1e-9,
            "{s:?}"
        );
        assert!(s.travel_rate >= 0.0, "{s:?}");
        assert!(s.caseload <= self.limit[w], "worker {w}: {s:?}");
        assert!(s.filled || !s.present);
        if !s.present {
            assert_eq!((s.direct_rate, s.travel_rate), (0.0, 0.0));
        }
    }
    fn sample(&mut self, t: SimTime, _: u32, v: &SampleView<'_>) {
        self.tick(t);
        assert_eq!(
            v.waiting,
            self.waiting.as_slice(),
            "waiting list at day {}",
            t.days()
        );
        assert_eq!(
            v.open,
            self.open.as_slice(),
            "open cases at day {}",
            t.days()
        );
        for (c, cap) in v.committed.iter().zip(v.capacity) {
            assert!(*c >= 0.0 && *c <= cap + 1e-6, "committed {c} of {cap}");
        }
    }
    fn finish(&mut self, horizon: SimTime) {
        assert!(self.now <= horizon.days());
        assert_eq!(self.said_waiting, self.waiting, "reported waiting lists");
        assert_eq!(self.said_open, self.open, "reported open cases");
        for a in 0..self.arrived.len() {
            assert_eq!(
                self.arrived[a],
                self.closed_by[a] + u64::from(self.open[a]),
                "authority {a}: conservation of referrals"
            );
        }
    }
}

/// Both observers see every fact.
struct Both<'a>(&'a mut Recorder, &'a mut Auditor);

macro_rules! forward {
    ($($name:ident($($arg:ident: $ty:ty),*);)*) => {
        impl Observer for Both<'_> {
            $(fn $name(&mut self, $($arg: $ty),*) {
                self.0.$name($($arg),*);
                self.1.$name($($arg),*);
            })*
        }
    };
}

forward! {
    referral(t: SimTime, r: &ReferralFact);
    allocated(t: SimTime, a: &AllocationFact);
    phase1_started(t: SimTime, f: u32, a: usize);
    phase1_completed(t: SimTime, f: u32, a: usize);
    closed(t: SimTime, f: u32, a: usize, why: Closure);
    onward_referral(t: SimTime, a: usize);
    hours_delivered(t: SimTime, w: usize, d: f64, tr: f64, c: bool);
    waiting_changed(t: SimTime, a: usize, n: u32);
    open_changed(t: SimTime, a: usize, n: u32);
    worker_changed(t: SimTime, w: usize, s: &WorkerState);
    sample(t: SimTime, k: u32, v: &SampleView<'_>);
    finish(h: SimTime);
}

/// Measures are in range, and per-authority and per-year counts add up to the totals.
fn check_measures(m: &Model, values: &[f64]) {
    let cat = Catalogue::new(m);
    let get = |n: &str| values[cat.index(n).unwrap_or_else(|| panic!("{n}"))];
    for (x, measure) in values.iter().zip(cat.measures()) {
        let name = &measure.name;
        if x.is_nan() {
            continue;
        }
        assert!(x.is_finite() && *x >= 0.0, "{name} = {x}");
        match measure.unit {
            Unit::Count => assert_eq!(x.fract(), 0.0, "{name} = {x}"),
            Unit::Share => assert!(*x <= 1.0 + 1e-9, "{name} = {x}"),
            _ => {}
        }
    }
    for measure in cat.measures().iter().filter(|x| x.unit == Unit::Count) {
        let name = &measure.name;
        if name.contains('.') {
            continue;
        }
        let by_authority: f64 = m
            .authorities()
            .iter()
            .map(|a| get(&format!("{name}.{}", a.slug())))
            .sum();
        assert_eq!(by_authority, get(name), "{name} by authority");
        if name != "open_at_end" {
            let by_year: f64 = (1..=m.years()).map(|y| get(&format!("{name}.y{y}"))).sum();
            assert_eq!(by_year, get(name), "{name} by year");
        }
    }
    let by_need: f64 = m
        .referrals()
        .needs()
        .iter()
        .map(|c| get(&format!("referrals.need.{}", c.slug())))
        .sum();
    assert_eq!(by_need, get("referrals"));
    // delivered direct hours never exceed what the posts can give
    let capacity = super::support::max_direct_capacity(m);
    let achieved = get("direct_contact_ratio");
    assert!(
        achieved.is_nan() || achieved <= capacity + 1e-9,
        "{achieved} > {capacity}"
    );
    assert!(get("accepted") >= get("allocated"));
    assert!(get("allocated") >= get("phase1_starts"));
    assert!(get("accepted") >= get("withdrawn_while_waiting"));
}

/// `measure` over `reps` replications of `m`.
fn column(m: &Model, seed: u64, reps: u64, measure: &str) -> Vec<f64> {
    let cat = Catalogue::new(m);
    let i = cat.index(measure).expect("measure");
    let mut engine = Engine::default();
    let mut rec = Recorder::new(m);
    (0..reps)
        .map(|r| {
            rec.reset();
            let s = engine.run(m, seed, r, &mut rec);
            rec.replication(s.events).values[i]
        })
        .collect()
}

/// The paired difference `b − a` is not below zero beyond a 99.9% interval.
fn not_lower_beyond_noise(a: &[f64], b: &[f64]) -> Result<(), String> {
    let d: Vec<f64> = b.iter().zip(a).map(|(b, a)| b - a).collect();
    let Some(s) = summarize(&d) else {
        return Ok(()); // no replication observed the measure under both
    };
    let noise = if s.n < 2 {
        0.0
    } else {
        t_crit(s.n as f64 - 1.0, 0.001) * s.sd / (s.n as f64).sqrt()
    };
    if s.mean < -noise - 1e-9 {
        return Err(format!(
            "mean difference {} below -{noise} ({:?})",
            s.mean,
            paired_difference(a, b)
        ));
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(24))]

    #[test]
    fn invariants_hold_in_random_scenarios(v in variation(), seed in any::<u64>()) {
        let m = load(&v, "");
        let mut engine = Engine::default();
        for rep in 0..2 {
            let mut rec = Recorder::new(&m);
            let mut audit = Auditor::new(&m);
            let s = engine.run(&m, seed, rep, &mut Both(&mut rec, &mut audit));
            prop_assert_eq!(s.referrals, s.closed + s.open_at_end);
            let values = rec.replication(s.events).values;
            check_measures(&m, &values);
        }
    }
}

proptest! {
    #![proptest_config(config(16))]

    /// As above, with any of the manager, social workers and specialists serving the
    /// whole region (business support takes no families, so it cannot).
    #[test]
    fn invariants_hold_with_region_wide_posts(
        v in variation(),
        marks in prop::collection::vec(any::<bool>(), 7),
        seed in any::<u64>(),
    ) {
        let mut v = v;
        for (i, mark) in marks.iter().enumerate() {
            v.sets.push(format!("staff[{i}].region_wide={mark}"));
        }
        let m = load(&v, "");
        let mut engine = Engine::default();
        for rep in 0..2 {
            let mut rec = Recorder::new(&m);
            let mut audit = Auditor::new(&m);
            let s = engine.run(&m, seed, rep, &mut Both(&mut rec, &mut audit));
            prop_assert_eq!(s.referrals, s.closed + s.open_at_end);
            let values = rec.replication(s.events).values;
            check_measures(&m, &values);
        }
    }

    #[test]
    fn another_worker_never_lowers_throughput(
        v in variation(),
        base in prop::sample::select(vec!["Swansea", "Neath Port Talbot", "Bridgend"]),
        seed in any::<u64>(),
    ) {
        let before = load(&v, "");
        // appended, so every existing post keeps its index and its random stream
        let extra = format!(
            "\n[[staff]]\npost = \"Extra worker\"\nrole = \"csw\"\ncount = 1\nbase = \"{base}\"\n"
        );
        let after = load(&v, &extra);
        for measure in ["allocated", "phase1_starts"] {
            let a = column(&before, seed, 16, measure);
            let b = column(&after, seed, 16, measure);
            if let Err(e) = not_lower_beyond_noise(&a, &b) {
                return Err(TestCaseError::fail(format!("{measure}: {e}")));
            }
        }
    }

    #[test]
    fn pooling_never_lengthens_the_wait_when_travel_is_free(v in variation(), seed in any::<u64>()) {
        let mut v = v;
        v.sets.extend([
            "travel.routes=[]".into(),
            "availability.turnover_per_year=0".into(),
        ]);
        let m = load(&v, "");
        let of = |kind: PolicyKind| {
            let m = m.with_policy(m.policy().with_kind(kind));
            column(&m, seed, 16, "waiting.mean")
        };
        let (proportional, pooled) = (of(PolicyKind::Proportional), of(PolicyKind::Pooled));
        // pooled − proportional must not be above zero beyond noise
        if let Err(e) = not_lower_beyond_noise(&pooled, &proportional) {
            return Err(TestCaseError::fail(format!("pooled waits longer: {e}")));
        }
    }
}
