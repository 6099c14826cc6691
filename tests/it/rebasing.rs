//! The rebased policy: ring-fenced allocation, with a periodic board review that moves
//! home posts toward the bases where demand is, within the scenario's limits; and
//! advice sessions, which take staff time.

use super::support::{load_with, refused, with_policy};
use ifss_sim::engine::{Observer, run_once};
use ifss_sim::measures::{Catalogue, Recorder};
use ifss_sim::model::{Model, PolicyKind};
use ifss_sim::time::SimTime;

/// Every measure of replications `0..reps` on seed 11.
fn all_values(m: &Model, reps: u64) -> Vec<Vec<f64>> {
    (0..reps)
        .map(|rep| {
            let mut rec = Recorder::new(m);
            let s = run_once(m, 11, rep, &mut rec);
            rec.replication(s.events).values
        })
        .collect()
}

/// Named measures summed over replications `0..reps` on seed 11.
fn totals(m: &Model, reps: u64, names: &[&str]) -> Vec<f64> {
    let cat = Catalogue::new(m);
    let runs = all_values(m, reps);
    names
        .iter()
        .map(|n| {
            let i = cat.index(n).unwrap_or_else(|| panic!("no measure {n}"));
            runs.iter().map(|v| v[i]).sum()
        })
        .collect()
}

/// The default, rebased, with Bridgend's referrals at `bridgend` a year and the given
/// overrides.
fn rebased(bridgend: &str, more: &[&str]) -> Model {
    let rate = format!("authorities[2].referrals_per_year={bridgend}");
    let mut sets = vec!["policy.kind=\"rebased\"", rate.as_str()];
    sets.extend(more);
    load_with("western-bay", &sets).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn with_no_review_before_the_horizon_it_is_proportional_exactly() {
    let never = rebased("65", &["policy.rebasing.every_days=5000"]);
    let proportional = with_policy(&never, PolicyKind::Proportional);
    // same families, same staff, same allocation: every measure equal, bit for bit
    let (a, b) = (all_values(&never, 4), all_values(&proportional, 4));
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.len(), y.len());
        for (i, (u, v)) in x.iter().zip(y).enumerate() {
            assert!(
                u.to_bits() == v.to_bits() || (u.is_nan() && v.is_nan()),
                "measure {i}: {u} rebased, {v} proportional"
            );
        }
    }
}

/// Follows the posts' bases through the board's moves.
struct Bases {
    base: Vec<usize>,
    fewest_at: Vec<usize>,
    moves: u32,
    times: Vec<f64>,
}

impl Bases {
    fn new(m: &Model) -> Bases {
        let base: Vec<usize> = m.posts().iter().map(|p| p.base()).collect();
        let mut b = Bases {
            base,
            fewest_at: vec![usize::MAX; m.authorities().len()],
            moves: 0,
            times: Vec::new(),
        };
        b.note(m);
        b
    }

    fn note(&mut self, m: &Model) {
        for a in 0..self.fewest_at.len() {
            let here = m
                .posts()
                .iter()
                .zip(&self.base)
                .filter(|(p, b)| casework(p) && **b == a)
                .count();
            self.fewest_at[a] = self.fewest_at[a].min(here);
        }
    }
}

/// A home post that does casework: the posts the review counts and moves.
fn casework(p: &ifss_sim::model::Post) -> bool {
    !p.region_wide() && p.direct_hours_per_week() > 0.0
}

struct Watch<'a> {
    m: &'a Model,
    bases: Bases,
}

impl Observer for Watch<'_> {
    fn rebased(&mut self, t: SimTime, worker: usize, from: usize, to: usize) {
        assert_eq!(
            self.bases.base[worker], from,
            "post {worker} moved from elsewhere"
        );
        assert!(
            casework(&self.m.posts()[worker]),
            "post {worker} does no casework"
        );
        self.bases.base[worker] = to;
        self.bases.moves += 1;
        self.bases.times.push(t.days());
        self.bases.note(self.m);
    }
}

#[test]
fn posts_leave_a_base_with_little_demand_down_to_the_floor_and_no_further() {
    // Bridgend has one referral a year: the reviews move its posts to Swansea and Neath
    // Port Talbot, one a quarter, until it keeps its floor of two.
    let m = rebased("1", &["policy.rebasing.min_posts=2"]);
    let home_at_bridgend = m
        .posts()
        .iter()
        .filter(|p| casework(p) && p.base() == 2)
        .count();
    assert!(home_at_bridgend > 2, "the default has {home_at_bridgend}");
    for rep in 0..3 {
        let mut w = Watch {
            m: &m,
            bases: Bases::new(&m),
        };
        run_once(&m, 11, rep, &mut w);
        let b = &w.bases;
        assert_eq!(b.fewest_at[2], 2, "Bridgend's floor of two posts");
        let left = b
            .base
            .iter()
            .zip(m.posts())
            .filter(|(x, p)| casework(p) && **x == 2)
            .count();
        assert_eq!(left, 2, "every post Bridgend could give, it gave");
        // one move per review, at the reviews' times
        let quarter = 365.0 / 4.0;
        for (k, t) in b.times.iter().enumerate() {
            let n = t / quarter;
            assert!(
                (n - n.round()).abs() < 1e-9 && n >= 1.0,
                "a move at day {t}"
            );
            if k > 0 {
                assert!(*t > b.times[k - 1], "two moves at one review (max_moves 1)");
            }
        }
    }
    let [to_bridgend, total] = totals(&m, 3, &["posts_rebased.bridgend", "posts_rebased"])[..]
    else {
        unreachable!()
    };
    assert_eq!(to_bridgend, 0.0);
    assert!(
        total >= 3.0 * (home_at_bridgend - 2) as f64,
        "{total} moves"
    );
}

#[test]
fn moving_posts_to_demand_shortens_waits_where_the_staff_were_too_few() {
    // All referrals come from Swansea and Neath Port Talbot, at twice the default rate,
    // while a third of the home posts sit in Bridgend.
    let more = [
        "authorities[0].referrals_per_year=150",
        "authorities[1].referrals_per_year=90",
        "policy.rebasing.min_posts=0",
        // judged on each quarter's referrals, so the first move comes after three months
        "policy.rebasing.window=1",
    ];
    let m = rebased("0", &more);
    let names = ["wait_to_first_meeting_days", "allocated", "posts_rebased"];
    let [wait_r, allocated_r, moved] = totals(&m, 8, &names)[..] else {
        unreachable!()
    };
    let p = with_policy(&m, PolicyKind::Proportional);
    let [wait_p, allocated_p, not_moved] = totals(&p, 8, &names)[..] else {
        unreachable!()
    };
    assert!(moved > 0.0 && not_moved == 0.0);
    assert!(
        wait_r < 0.8 * wait_p,
        "mean wait {} days rebased against {} proportional",
        wait_r / 8.0,
        wait_p / 8.0
    );
    assert!(
        allocated_r > allocated_p,
        "{allocated_r} against {allocated_p}"
    );
}

/// Checks that every move happens while someone waits.
struct WaitingAtMoves {
    waiting: Vec<u32>,
    moves: u32,
}

impl Observer for WaitingAtMoves {
    fn waiting_changed(&mut self, _: SimTime, authority: usize, waiting: u32) {
        self.waiting[authority] = waiting;
    }
    fn rebased(&mut self, t: SimTime, _: usize, _: usize, to: usize) {
        assert!(
            self.waiting.iter().sum::<u32>() > 0,
            "a post moved at day {} with no one waiting",
            t.days()
        );
        assert!(
            self.waiting[to] > 0,
            "a post moved to a base with no one waiting"
        );
        self.moves += 1;
    }
}

#[test]
fn judged_by_waiting_lists_posts_move_only_while_families_wait_where_they_go() {
    let m = rebased(
        "40",
        &[
            "policy.rebasing.signal=\"waiting\"",
            "authorities[1].referrals_per_year=120",
        ],
    );
    let mut moves = 0;
    for rep in 0..4 {
        let mut w = WaitingAtMoves {
            waiting: vec![0; 3],
            moves: 0,
        };
        run_once(&m, 11, rep, &mut w);
        moves += w.moves;
    }
    assert!(moves > 0, "no post moved: the test checks nothing");
}

#[test]
fn bad_review_limits_are_refused_naming_the_field() {
    refused(
        &["policy.rebasing.every_days=0.5"],
        "policy.rebasing.every_days",
        "between 1 and",
    );
    refused(
        &["policy.rebasing.signal=\"complaints\""],
        "policy.rebasing.signal",
        "allowed: referrals, waiting",
    );
    refused(
        &["policy.rebasing.window=0"],
        "policy.rebasing.window",
        "at least 1",
    );
    refused(
        &["policy.rebasing.tolerance=-1"],
        "policy.rebasing.tolerance",
        "between 0 and",
    );
    refused(&["policy.kind=\"fair\""], "policy.kind", "rebased");
}

#[test]
fn advice_sessions_add_their_hours_to_direct_contact_and_change_nothing_else() {
    let names = [
        "advice_sessions",
        "direct_hours",
        "wait_to_first_meeting_days",
        "allocated",
        "phase1_starts",
    ];
    let none = load_with("western-bay", &["pathway.advice_hours=0"]).unwrap();
    let three = load_with("western-bay", &["pathway.advice_hours=3"]).unwrap();
    let a = totals(&none, 4, &names);
    let b = totals(&three, 4, &names);
    assert!(a[0] > 20.0, "{} advice sessions", a[0]);
    assert_eq!(a[0], b[0]);
    let added = b[1] - a[1];
    assert!(
        (added - 3.0 * a[0]).abs() < 1e-6 * b[1],
        "{added} hours added for {} sessions of 3 hours",
        a[0]
    );
    // they are not booked against weekly capacity: the families' path is unchanged
    assert_eq!(a[2..], b[2..]);
    refused(
        &["pathway.advice_hours=-1"],
        "pathway.advice_hours",
        "between 0 and 40",
    );
}
