//! Common random numbers: policies on one seed see the same families and absences.

use super::support::{model, with_policy};
use ifss_sim::engine::{Observer, ReferralFact, WorkerState, run_once};
use ifss_sim::model::PolicyKind;
use ifss_sim::time::SimTime;

/// Records what the policy must not change.
#[derive(Default, PartialEq, Debug)]
struct World {
    /// (time, authority, agency, need, children, route) of first referrals
    referrals: Vec<(u64, usize, usize, usize, u32, String)>,
    /// (time, worker, filled, present) whenever availability changes
    availability: Vec<(u64, usize, bool, bool)>,
    last: Vec<(bool, bool)>,
}

impl Observer for World {
    fn referral(&mut self, t: SimTime, r: &ReferralFact) {
        if !r.rereferral {
            self.referrals.push((
                t.days().to_bits(),
                r.authority,
                r.agency,
                r.need,
                r.children,
                format!("{:?}", r.route),
            ));
        }
    }
    fn worker_changed(&mut self, t: SimTime, w: usize, s: &WorkerState) {
        if self.last.len() <= w {
            self.last.resize(w + 1, (false, false));
            self.availability
                .push((t.days().to_bits(), w, s.filled, s.present));
        } else if self.last[w] != (s.filled, s.present) {
            self.availability
                .push((t.days().to_bits(), w, s.filled, s.present));
        }
        self.last[w] = (s.filled, s.present);
    }
}

#[test]
fn every_policy_sees_the_same_families_and_absences_on_one_seed() {
    for name in ["western-bay", "npt-high-need"] {
        let base = model(name);
        for rep in 0..3 {
            let worlds: Vec<World> = PolicyKind::ALL
                .into_iter()
                .map(|k| {
                    let mut w = World::default();
                    run_once(&with_policy(&base, k), 99, rep, &mut w);
                    w.last.clear();
                    w
                })
                .collect();
            assert!(worlds[0].referrals.len() > 100);
            assert!(worlds[0].availability.len() > 20);
            assert_eq!(
                worlds[0], worlds[1],
                "{name} rep {rep}: proportional vs demand-led"
            );
            assert_eq!(
                worlds[0], worlds[2],
                "{name} rep {rep}: proportional vs pooled"
            );
            assert_eq!(
                worlds[0], worlds[3],
                "{name} rep {rep}: proportional vs rebased"
            );
        }
    }
}

#[test]
fn adding_a_post_does_not_change_the_families() {
    let base = model("western-bay");
    let more = super::support::load_with("western-bay", &["staff[9].count=2"]).unwrap();
    let mut a = World::default();
    let mut b = World::default();
    run_once(&base, 7, 0, &mut a);
    run_once(&more, 7, 0, &mut b);
    assert_eq!(a.referrals, b.referrals);
}

#[test]
fn adding_a_post_leaves_every_other_posts_absences_alone() {
    // a third consultant social worker in Neath Port Talbot (group 2): the posts after
    // that group move up one place, but each keeps its own absences and vacancies
    let base = model("western-bay");
    let more = super::support::load_with("western-bay", &["staff[2].count=3"]).unwrap();
    // the new member is the last of its group in `more`
    let added = more
        .posts()
        .iter()
        .rposition(|p| p.title() == "Consultant Social Worker" && p.base() == 1)
        .expect("Neath Port Talbot's social workers");
    assert_eq!(
        added, 7,
        "manager, four in Swansea, then Neath Port Talbot's"
    );
    for rep in 0..3 {
        let mut a = World::default();
        let mut b = World::default();
        run_once(&base, 7, rep, &mut a);
        run_once(&more, 7, rep, &mut b);
        let moved: Vec<(u64, usize, bool, bool)> = b
            .availability
            .iter()
            .filter(|x| x.1 != added)
            .map(|&(t, w, f, p)| (t, if w > added { w - 1 } else { w }, f, p))
            .collect();
        assert!(a.availability.len() > 20);
        assert_eq!(a.availability, moved, "rep {rep}");
    }
}

#[test]
fn marking_posts_region_wide_changes_no_draw() {
    // the manager and Swansea's intervention specialists, under every policy
    let shared = super::support::load_with(
        "western-bay",
        &["staff[0].region_wide=true", "staff[4].region_wide=true"],
    )
    .unwrap();
    let not = super::support::load_with(
        "western-bay",
        &["staff[0].region_wide=false", "staff[4].region_wide=false"],
    )
    .unwrap();
    for kind in PolicyKind::ALL {
        let mut a = World::default();
        let mut b = World::default();
        run_once(&with_policy(&shared, kind), 7, 0, &mut a);
        run_once(&with_policy(&not, kind), 7, 0, &mut b);
        a.last.clear();
        b.last.clear();
        assert!(a.referrals.len() > 100);
        assert_eq!(a, b, "{kind}");
    }
}
