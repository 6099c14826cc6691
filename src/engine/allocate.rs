//! Allocation: which worker takes which waiting family, under each policy.
//!
//! `dispatch` runs after any event that may let a family be allocated (a referral
//! accepted, a worker freeing room, returning or joining, a family becoming eligible for
//! sharing). It never draws random numbers, so a policy cannot disturb the families or
//! absences another policy sees on the same seed.
//!
//! - `proportional`: each authority's waiting list, oldest first, goes to the home
//!   workers based there (least loaded first, then post order); then the families they
//!   have no room for go to the region-wide workers (below).
//! - `demand-led`: the same first; then families that have waited at least
//!   `share_after_days` may go to a worker at another base with room (nearest base,
//!   then least loaded), paying travel on every visit.
//! - `pooled`: one regional first-come-first-served list; the least-loaded worker with
//!   room takes the oldest family, nearest base on ties.
//!
//! **Region-wide workers** (posts marked `region_wide`) keep their base, for travel and
//! for the per-base measures, but belong to no authority's home workers. Under
//! `proportional` and `demand-led`, once each list has been served from home, they take
//! the families left, from every authority, from the start (no sharing threshold): one
//! regional first-come-first-served order (oldest acceptance first, then the lower
//! family id), each family going to the region-wide worker with room at the nearest
//! base (so one based in the family's own authority first, with no travel), then the
//! least loaded, then post order. A family of another authority costs the worker the
//! base-to-authority travel on every visit and counts as a cross-region allocation,
//! exactly as a demand-led share would; the family's own authority never waits behind
//! the worker's base. Under `pooled` every worker already serves the region, so the mark
//! changes nothing.
//!
//! Under `capacity` matching every new family needs the same room, so when the oldest
//! family of a list fits nowhere, none behind it does and the scan stops. Under
//! `expertise` matching a family may fit only some workers, so the scan goes on
//! (backfilling) past a family that fits no one.

use super::family::{Family, Load, Stage};
use super::{EPS, Engine, Observer};
use crate::model::{Matching, Model, PolicyKind};
use crate::time::SimTime;
use std::cmp::Ordering;

/// Which workers a pass may use for a family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// Workers based in the family's authority.
    Home,
    /// Workers based elsewhere (demand-led sharing).
    Cross,
    /// The region-wide workers, wherever based.
    RegionWide,
    /// Any worker (pooled).
    Any,
}

/// The hours a week the assessment and Phase 1 ask of a worker based at `base` for a
/// family from authority `a`, travel counted separately.
struct EarlyHours {
    round_trip: f64,
    assess: f64,
    assess_travel: f64,
    phase1: f64,
    phase1_travel: f64,
}

fn early_hours(model: &Model, a: usize, base: usize) -> EarlyHours {
    let pw = &model.pathway;
    let tr = &model.travel;
    let round_trip = if base != a {
        2.0 * tr.one_way(base, a)
    } else {
        0.0
    };
    EarlyHours {
        round_trip,
        assess: pw.assessment.as_ref().map_or(0.0, |x| x.hours),
        assess_travel: if pw.assessment.is_some() {
            tr.assessment_visits * round_trip
        } else {
            0.0
        },
        phase1: pw.phase1.as_ref().map_or(0.0, |x| x.hours_per_week),
        phase1_travel: if pw.phase1.is_some() {
            tr.phase1_visits_per_week * round_trip
        } else {
            0.0
        },
    }
}

/// What a family from one authority asks of a worker at one base in each stage, hours a
/// week with travel counted separately; worked out once per replication.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Demand {
    /// Room reserved from allocation through Phase 1: the heavier of the assessment and
    /// Phase 1 loads, travel included, so a worker who takes a family can carry it
    /// through Phase 1.
    pub(super) intake: f64,
    /// Assessment hours in all, and their travel (spread over the assessment's length).
    assess: f64,
    assess_travel: f64,
    phase1: Load,
    phase2: Load,
}

impl Demand {
    pub(super) fn new(model: &Model, a: usize, base: usize) -> Demand {
        let h = early_hours(model, a, base);
        let intake = (h.assess + h.assess_travel).max(h.phase1 + h.phase1_travel);
        let p2 = model
            .pathway
            .phase2
            .as_ref()
            .map_or(0.0, |x| x.hours_per_week);
        let p2_travel = model.travel.phase2_visits_per_week * h.round_trip;
        Demand {
            intake,
            assess: h.assess,
            assess_travel: h.assess_travel,
            phase1: Load {
                committed: intake,
                direct: h.phase1,
                travel: h.phase1_travel,
            },
            phase2: Load {
                committed: p2 + p2_travel,
                direct: p2,
                travel: p2_travel,
            },
        }
    }

    /// The weekly load family `f` places on the worker in its current stage. Waiting
    /// families (about to be allocated) reserve their intake.
    pub(super) fn load(&self, f: &Family) -> Load {
        match f.stage {
            Stage::Waiting => Load {
                committed: self.intake,
                direct: 0.0,
                travel: 0.0,
            },
            Stage::Assessment => {
                let weeks = f.fate.assessment_days.days() / crate::time::DAYS_PER_WEEK;
                let per_week = |h: f64| if weeks > 0.0 { h / weeks } else { 0.0 };
                Load {
                    committed: self.intake,
                    direct: per_week(self.assess),
                    travel: per_week(self.assess_travel),
                }
            }
            Stage::Phase1 => self.phase1,
            Stage::Phase2 => self.phase2,
            Stage::Monitoring | Stage::Closed => Load::default(),
        }
    }
}

impl Engine {
    /// The weekly load family `f` places on a worker based at `base` in its current stage.
    pub(super) fn load(&self, f: &Family, base: usize) -> Load {
        self.demand[usize::from(f.authority) * self.lists.len() + base].load(f)
    }

    /// Whether family `id` is on a waiting list and still needs a worker.
    fn needs_worker(&self, id: u32) -> bool {
        let f = &self.families[id as usize];
        f.worker.is_none() && f.stage != Stage::Closed && (f.stage == Stage::Waiting || f.handover)
    }

    /// The room family `id` needs from a worker based at `base`: its intake while it
    /// waits, else (a family handed back mid-pathway) its current stage's load.
    fn need_at(&self, f: &Family, base: usize) -> f64 {
        if f.stage == Stage::Waiting {
            self.demand[usize::from(f.authority) * self.lists.len() + base].intake
        } else {
            self.load(f, base).committed
        }
    }

    /// The best worker in `scope` with room for family `id`, if any: read from the
    /// pools' trees ([`super::pools`]), one root per pool that could serve.
    fn choose(&self, model: &Model, id: u32, scope: Scope) -> Option<usize> {
        let f = &self.families[id as usize];
        let a = f.authority as usize;
        let expertise = model.policy.matching == Matching::Expertise;
        let serves = |g: usize| {
            let p = self.pools.pool(g);
            !(expertise && p.specialism.is_some_and(|s| s != f.fate.need))
        };
        let chosen = if scope == Scope::Home {
            // one base, where every pool asks the same room: least share, then index
            let need = self.need_at(f, a);
            let mut best: Option<(f64, usize)> = None;
            for &g in self.pools.home(a) {
                if !serves(g) {
                    continue;
                }
                if let Some(c) = self.pools.pool(g).best(need, EPS)
                    && best.is_none_or(|b| (c.0.total_cmp(&b.0).then(c.1.cmp(&b.1))).is_lt())
                {
                    best = Some(c);
                }
            }
            best.map(|(_, i)| i)
        } else {
            let pools: &mut dyn Iterator<Item = usize> = match scope {
                Scope::RegionWide => &mut self.pools.region().iter().copied(),
                _ => &mut self.pools.all(),
            };
            let mut best: Option<(f64, f64, usize)> = None;
            for g in pools {
                let p = self.pools.pool(g);
                if (scope == Scope::Cross && p.base == a) || !serves(g) {
                    continue;
                }
                let Some((share, i)) = p.best(self.need_at(f, p.base), EPS) else {
                    continue;
                };
                keep_better(&mut best, scope, model.travel.one_way(p.base, a), share, i);
            }
            best.map(|(_, _, i)| i)
        };
        #[cfg(debug_assertions)]
        if self.workers.len() <= super::CHECKED_POSTS {
            assert_eq!(
                chosen,
                self.choose_by_scan(model, id, scope),
                "the pools and a scan of every worker choose differently"
            );
        }
        chosen
    }

    /// [`Engine::choose`] by scanning every worker: the rules written out, against which
    /// builds with debug assertions check the pools' answer.
    #[cfg(debug_assertions)]
    fn choose_by_scan(&self, model: &Model, id: u32, scope: Scope) -> Option<usize> {
        let f = &self.families[id as usize];
        let a = f.authority as usize;
        let expertise = model.policy.matching == Matching::Expertise;
        let mut best: Option<(f64, f64, usize)> = None;
        for (i, w) in self.workers.iter().enumerate() {
            let base = w.base as usize;
            let in_scope = match scope {
                Scope::Home => base == a && !w.region_wide,
                Scope::Cross => base != a,
                Scope::RegionWide => w.region_wide,
                Scope::Any => true,
            };
            if !in_scope
                || !w.may_take_more()
                || (expertise && w.specialism.is_some_and(|s| s != f.fate.need))
                || w.committed + self.need_at(f, base) > w.capacity + EPS
            {
                continue;
            }
            let share = w.committed / w.capacity;
            keep_better(&mut best, scope, model.travel.one_way(base, a), share, i);
        }
        best.map(|(_, _, i)| i)
    }

    /// Allocate every family that policy and room allow, now.
    pub(super) fn dispatch<O: Observer>(&mut self, model: &Model, t: SimTime, obs: &mut O) {
        if self.lists.iter().all(|l| l.is_empty()) {
            return;
        }
        match model.policy.kind {
            PolicyKind::Proportional | PolicyKind::Rebased => {
                self.fill_dirty_homes(model, t, obs);
                self.fill_region_wide(model, t, obs);
            }
            PolicyKind::DemandLed => {
                self.fill_dirty_homes(model, t, obs);
                self.fill_region_wide(model, t, obs);
                let threshold = model.policy.share_after_days;
                self.fill_oldest_first(model, t, Scope::Cross, threshold, obs);
            }
            PolicyKind::Pooled => self.fill_oldest_first(model, t, Scope::Any, 0.0, obs),
        }
    }

    /// Serve, in authority order, each list whose contents or home capacity changed.
    fn fill_dirty_homes<O: Observer>(&mut self, model: &Model, t: SimTime, obs: &mut O) {
        for a in 0..self.lists.len() {
            if std::mem::take(&mut self.dirty_home[a]) {
                self.fill_home(model, t, a, obs);
            }
        }
    }

    /// Give the region-wide workers the families left after the home pass, oldest first
    /// across the region. Skipped at once when no region-wide worker may take more.
    fn fill_region_wide<O: Observer>(&mut self, model: &Model, t: SimTime, obs: &mut O) {
        if self.pools.region_open() {
            self.fill_oldest_first(model, t, Scope::RegionWide, 0.0, obs);
        }
    }

    /// The family at position `i` of list `a` or after it that still needs a worker,
    /// dropping from the list the families before it that no longer do (withdrawn or
    /// closed while listed; they are removed lazily).
    fn next_needing(&mut self, a: usize, i: usize) -> Option<u32> {
        while let Some(&id) = self.lists[a].get(i) {
            if self.needs_worker(id) {
                return Some(id);
            }
            take(&mut self.lists[a], i);
        }
        None
    }

    /// Serve authority `a`'s list, oldest first, from its own base.
    fn fill_home<O: Observer>(&mut self, model: &Model, t: SimTime, a: usize, obs: &mut O) {
        let backfill = model.policy.matching == Matching::Expertise;
        let mut i = 0;
        while let Some(id) = self.next_needing(a, i) {
            match self.choose(model, id, Scope::Home) {
                Some(w) => {
                    take(&mut self.lists[a], i);
                    self.allocate(model, t, id, w, obs);
                }
                None if backfill || self.families[id as usize].handover => i += 1,
                None => {
                    self.blocked_home[a] = true;
                    break;
                }
            }
        }
    }

    /// The first family on list `a` that is eligible to be served in `scope` and fits a
    /// worker there: `(position, family, worker)`.
    fn candidate(
        &mut self,
        model: &Model,
        t: SimTime,
        a: usize,
        scope: Scope,
        threshold: f64,
    ) -> Option<(usize, u32, usize)> {
        let backfill = model.policy.matching == Matching::Expertise;
        let mut i = 0;
        while let Some(id) = self.next_needing(a, i) {
            let f = &self.families[id as usize];
            let eligible = f.handover || t.days() - f.accepted_at + EPS >= threshold;
            if !eligible {
                return None; // later families arrived later still
            }
            match self.choose(model, id, scope) {
                Some(w) => return Some((i, id, w)),
                None if backfill || f.handover => i += 1,
                None => return None,
            }
        }
        None
    }

    /// Repeatedly allocate the oldest eligible family across all lists that fits a worker
    /// in `scope`: one regional first-come-first-served order.
    fn fill_oldest_first<O: Observer>(
        &mut self,
        model: &Model,
        t: SimTime,
        scope: Scope,
        threshold: f64,
        obs: &mut O,
    ) {
        loop {
            let mut best: Option<(f64, u32, usize, usize, usize)> = None;
            for a in 0..self.lists.len() {
                if let Some((pos, id, w)) = self.candidate(model, t, a, scope, threshold) {
                    let key = self.families[id as usize].accepted_at;
                    if best.is_none_or(|b| (key, id) < (b.0, b.1)) {
                        best = Some((key, id, a, pos, w));
                    }
                }
            }
            let Some((_, id, a, pos, w)) = best else {
                return;
            };
            self.lists[a].remove(pos);
            self.allocate(model, t, id, w, obs);
        }
    }
}

/// Remove position `i` of a waiting list, most often its front.
fn take(list: &mut std::collections::VecDeque<u32>, i: usize) {
    if i == 0 {
        list.pop_front();
    } else {
        list.remove(i);
    }
}

/// Keep worker `i` as `best` if its key ranks first: the nearest base, then the least
/// share, then the lower index when serving from elsewhere; the least share first
/// otherwise.
fn keep_better(
    best: &mut Option<(f64, f64, usize)>,
    scope: Scope,
    travel: f64,
    share: f64,
    i: usize,
) {
    let key = match scope {
        Scope::Cross | Scope::RegionWide => (travel, share, i),
        _ => (share, travel, i),
    };
    if best.is_none_or(|b| cmp_key(&key, &b) == Ordering::Less) {
        *best = Some(key);
    }
}

/// Lexicographic order of `(f64, f64, index)` keys with a total order on floats.
fn cmp_key(x: &(f64, f64, usize), y: &(f64, f64, usize)) -> Ordering {
    x.0.total_cmp(&y.0)
        .then(x.1.total_cmp(&y.1))
        .then(x.2.cmp(&y.2))
}
