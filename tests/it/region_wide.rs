//! Region-wide posts: a post marked `region_wide` keeps its base but takes families of
//! every authority, from the start and under every policy, after their own authority's
//! staff, paying travel from its base.

use super::support::{load_with, model, refused, with_policy};
use ifss_sim::engine::{AllocationFact, Observer, WorkerState};
use ifss_sim::measures::{Catalogue, Recorder};
use ifss_sim::model::{Model, PolicyKind, Role};
use ifss_sim::time::SimTime;

/// The Western Bay default with no staff based in Neath Port Talbot (staff[2] and
/// staff[5] are its social workers and specialists), the manager not region-wide, and
/// the two Bridgend social workers (staff[3]) region-wide or not.
fn npt_unstaffed(region_wide: bool, more: &[&str]) -> Model {
    let flag = format!("staff[3].region_wide={region_wide}");
    let mut sets = vec![
        "staff[2].count=0",
        "staff[5].count=0",
        "staff[0].region_wide=false",
        flag.as_str(),
    ];
    sets.extend(more);
    load_with("western-bay", &sets).unwrap_or_else(|e| panic!("{e}"))
}

/// Named measures summed over replications `0..reps` on seed 5.
fn totals(m: &Model, reps: u64, names: &[&str]) -> Vec<f64> {
    let cat = Catalogue::new(m);
    let index: Vec<usize> = names
        .iter()
        .map(|n| cat.index(n).unwrap_or_else(|| panic!("no measure {n}")))
        .collect();
    let mut sums = vec![0.0; names.len()];
    for rep in 0..reps {
        let mut rec = Recorder::new(m);
        let s = ifss_sim::engine::run_once(m, 5, rep, &mut rec);
        let values = rec.replication(s.events).values;
        for (sum, &i) in sums.iter_mut().zip(&index) {
            *sum += values[i];
        }
    }
    sums
}

const NPT: [&str; 5] = [
    "allocated.neath-port-talbot",
    "cross_region_allocations.neath-port-talbot",
    "travel_hours",
    "travel_hours.base.bridgend",
    "cross_region_allocations",
];

#[test]
fn under_proportional_a_region_wide_post_serves_an_authority_with_no_staff() {
    let [allocated, cross, travel, from_bridgend, all_cross] =
        totals(&npt_unstaffed(true, &[]), 3, &NPT)[..]
    else {
        unreachable!()
    };
    assert!(
        allocated > 10.0,
        "{allocated} Neath Port Talbot families allocated"
    );
    // every one of them went to a worker based elsewhere, who paid the travel
    assert_eq!(cross, allocated);
    assert!(travel > 0.0, "no travel");
    assert_eq!(from_bridgend, travel, "the travel is the Bridgend workers'");
    // they may take Swansea's overflow too
    assert!(all_cross >= cross);

    // without the mark, proportional allocation leaves them all waiting
    let [allocated, cross, travel, ..] = totals(&npt_unstaffed(false, &[]), 3, &NPT)[..] else {
        unreachable!()
    };
    assert_eq!((allocated, cross, travel), (0.0, 0.0, 0.0));
}

#[test]
fn under_demand_led_a_region_wide_post_does_not_wait_for_the_sharing_threshold() {
    // sharing only after 100,000 days: in three years no one else crosses a boundary
    let late = [
        "policy.kind=\"demand-led\"",
        "policy.share_after_days=100000",
    ];
    let shared = totals(&npt_unstaffed(true, &late), 3, &NPT);
    assert!(shared[0] > 10.0, "{} families allocated", shared[0]);
    let not = totals(&npt_unstaffed(false, &late), 3, &NPT);
    assert_eq!(not[0], 0.0);
}

/// Every measure of replications `0..3` on seed 5, bit for bit.
fn every_measure(m: &Model) -> Vec<u64> {
    let mut out = Vec::new();
    for rep in 0..3 {
        let mut rec = Recorder::new(m);
        let s = ifss_sim::engine::run_once(m, 5, rep, &mut rec);
        let r = rec.replication(s.events);
        out.extend(r.values.iter().chain(&r.series).map(|x| x.to_bits()));
    }
    out
}

#[test]
fn under_pooled_the_mark_changes_nothing() {
    // pooling already lets every worker take any family
    let pooled = ["policy.kind=\"pooled\""];
    assert_eq!(
        every_measure(&npt_unstaffed(true, &pooled)),
        every_measure(&npt_unstaffed(false, &pooled))
    );
}

/// Checks, at each first allocation to a region-wide worker, that no home worker of the
/// family's authority had room for it: region-wide posts come after the home staff.
struct AfterHomeStaff {
    region_wide: Vec<bool>,
    base: Vec<usize>,
    capacity: Vec<f64>,
    intake: f64,
    /// Each worker's last reported (present, committed hours).
    state: Vec<(bool, f64)>,
    /// First allocations to region-wide workers, by whether they were cross-region.
    taken: [u32; 2],
}

impl AfterHomeStaff {
    fn new(m: &Model) -> AfterHomeStaff {
        let posts = m.posts();
        AfterHomeStaff {
            region_wide: posts.iter().map(|p| p.region_wide()).collect(),
            base: posts.iter().map(|p| p.base()).collect(),
            capacity: posts.iter().map(|p| p.direct_hours_per_week()).collect(),
            intake: m.pathway().intake_hours(),
            state: vec![(false, 0.0); posts.len()],
            taken: [0, 0],
        }
    }
}

impl Observer for AfterHomeStaff {
    fn worker_changed(&mut self, _: SimTime, w: usize, s: &WorkerState) {
        self.state[w] = (s.present, s.committed);
    }
    fn allocated(&mut self, t: SimTime, a: &AllocationFact) {
        if a.handover || !self.region_wide[a.worker] {
            return;
        }
        assert_eq!(a.cross_region, self.base[a.worker] != a.authority);
        self.taken[usize::from(a.cross_region)] += 1;
        for w in 0..self.base.len() {
            let (present, committed) = self.state[w];
            let home = !self.region_wide[w] && self.base[w] == a.authority;
            assert!(
                !(home && present && committed + self.intake <= self.capacity[w] - 1e-6),
                "day {}: family {} of authority {} went to region-wide worker {} while home \
                 worker {w} had {} of {} hours committed",
                t.days(),
                a.family,
                a.authority,
                a.worker,
                committed,
                self.capacity[w]
            );
        }
    }
}

#[test]
fn region_wide_posts_take_only_families_their_own_staff_have_no_room_for() {
    // the manager as the default has it: region-wide, with room for a Phase 1 family from
    // any base
    let base =
        load_with("western-bay", &["staff[0].region_wide=true"]).unwrap_or_else(|e| panic!("{e}"));
    for kind in [PolicyKind::Proportional, PolicyKind::DemandLed] {
        let m = with_policy(&base, kind);
        let mut check = AfterHomeStaff::new(&m);
        for rep in 0..4 {
            ifss_sim::engine::run_once(&m, 3, rep, &mut check);
        }
        // it took families of its own base and of others
        assert!(
            check.taken[0] > 0 && check.taken[1] > 0,
            "{kind}: {:?}",
            check.taken
        );
    }
}

/// Counts, per authority, the families first allocated to the chosen posts.
struct FamiliesOf {
    chosen: Vec<bool>,
    by_authority: Vec<u32>,
}

impl Observer for FamiliesOf {
    fn allocated(&mut self, _: SimTime, a: &AllocationFact) {
        if !a.handover && self.chosen[a.worker] {
            self.by_authority[a.authority] += 1;
        }
    }
}

#[test]
fn the_default_manager_takes_families_of_all_three_authorities() {
    for name in ["western-bay", "npt-high-need"] {
        let m = model(name);
        let posts = m.posts();
        let manager: Vec<bool> = posts.iter().map(|p| p.role() == Role::Manager).collect();
        assert_eq!(
            manager.iter().filter(|&&x| x).count(),
            1,
            "{name}: one manager"
        );
        assert!(
            posts
                .iter()
                .all(|p| p.region_wide() == (p.role() == Role::Manager)),
            "{name}: the manager, and only the manager, serves the whole region"
        );
        let mut seen = FamiliesOf {
            chosen: manager,
            by_authority: vec![0; m.authorities().len()],
        };
        for rep in 0..10 {
            ifss_sim::engine::run_once(&m, 11, rep, &mut seen);
        }
        assert!(
            seen.by_authority.iter().all(|&n| n > 0),
            "{name}: the manager's first allocations by authority: {:?}",
            seen.by_authority
        );
    }
}

#[test]
fn a_region_wide_post_that_takes_no_families_is_refused() {
    // staff[7] is Swansea's business support, with no direct work
    refused(
        &["staff[7].region_wide=true"],
        "staff[7].region_wide",
        "a post that takes no families cannot serve the region: it has 0 direct hours",
    );
    // nor may a post with a caseload limit of 0
    refused(
        &["staff[1].caseload_limit=0", "staff[1].region_wide=true"],
        "staff[1].region_wide",
        "its caseload limit is 0",
    );
    // saying it is not region-wide is always fine
    assert!(load_with("western-bay", &["staff[7].region_wide=false"]).is_ok());
}

#[test]
fn region_wide_must_be_true_or_false() {
    let err = load_with("western-bay", &["staff[0].region_wide=1"]).expect_err("refused");
    assert!(err.to_string().contains("region_wide"), "{err}");
}
