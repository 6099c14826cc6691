//! The discrete-event engine: one replication of a [`Model`] under its policy.
//!
//! ```text
//!  Arrival ──► route ──► advice / not eligible / declined ──► closed
//!                 └────► waiting list ──► (withdraw) ──► closed
//!                              │ dispatch (policy)
//!                              ▼
//!                  Assessment ──► Phase 1 ──► Phase 2 ──► Monitoring ──► closed
//!                        └─► closed     └─► closed (unplanned exit)
//!  closed ──(re-referral delay)──► Rereferral ──► route …
//! ```
//!
//! The engine owns simulated state only. It reads no files, prints nothing, and cannot
//! fail on a valid model. Facts go to an [`Observer`]; all aggregation lives there.
//! Buffers are kept in [`Engine`] and reused across replications, so a batch allocates
//! only while the first replications grow them.

#[cfg(test)]
mod alloc_tests;
mod allocate;
mod family;
pub mod observer;
mod pools;
mod queue;
mod rebase;
mod staff;

use crate::model::Model;
use crate::rng::{Rng, StreamId, Streams};
use crate::time::{DAYS_PER_WEEK, Days, SimTime, boundary};
use family::{Family, Fate, Load, MixTables, Stage};
pub use observer::{
    AllocationFact, Closure, Discard, Observer, ReferralFact, Route, SampleView, WorkerState,
};
use pools::Pools;
use queue::{Event, EventQueue, StaffChange};
use rand::Rng as _;
use rand_distr::{Distribution, Exp1};
use std::collections::VecDeque;

/// Tolerance for comparing hours a week.
const EPS: f64 = 1e-9;

/// Builds with debug assertions check the pools against a scan of every worker, at every
/// allocation and after every event, in models of up to this many posts; beyond it the
/// checks would make a run quadratic in the posts (the pools are exercised at that size
/// by the same code, checked on the smaller models).
#[cfg(debug_assertions)]
const CHECKED_POSTS: usize = 1000;

/// What one replication did, for bookkeeping and benchmarks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunStats {
    /// Events taken off the queue and processed.
    pub events: u64,
    /// Referrals that arrived (first referrals and re-referrals).
    pub referrals: u64,
    /// Referrals closed by the horizon (any route or reason).
    pub closed: u64,
    /// Accepted referrals still open at the horizon (waiting or held).
    pub open_at_end: u64,
}

/// A post's state during a run.
#[derive(Debug, Clone, Default)]
struct Worker {
    base: u16,
    capacity: f64,
    limit: u32,
    specialism: Option<u8>,
    /// Takes families of every authority ([`crate::model::Post::region_wide`]).
    region_wide: bool,
    filled: bool,
    absences: u32,
    committed: f64,
    direct: f64,
    cross: f64,
    travel: f64,
    families: Vec<u32>,
}

impl Worker {
    fn present(&self) -> bool {
        self.filled && self.absences == 0
    }

    /// Present, with hours and a caseload below the limit: could take a family that
    /// fits the hours left.
    fn may_take_more(&self) -> bool {
        self.present() && self.capacity > 0.0 && (self.families.len() as u32) < self.limit
    }
}

/// One authority's referral process in a replication.
#[derive(Debug)]
struct ArrivalProcess {
    rng: Rng,
    /// The base rate, after any sampled uncertainty and the flow factor.
    rate_per_day: f64,
    /// The highest rate the ramp and seasonality reach: the thinning envelope.
    lambda_max: f64,
    /// No ramp or seasonality: every candidate arrival is kept.
    constant: bool,
}

/// Reusable simulation state. Create once, run many replications.
#[derive(Debug, Default)]
pub struct Engine {
    events: EventQueue,
    families: Vec<Family>,
    /// Whether each family is still in its waiting stage, beside `families`: the events
    /// that ask only that (a patience deadline, a sharing threshold) read one byte rather
    /// than a family record, most of them long out of the caches at thousands of posts.
    in_waiting_stage: Vec<bool>,
    lists: Vec<VecDeque<u32>>,
    workers: Vec<Worker>,
    waiting: Vec<u32>,
    open: Vec<u32>,
    next_index: Vec<u32>,
    /// Each authority's referral process for this replication.
    arrival_processes: Vec<ArrivalProcess>,
    by_base: Vec<f64>,
    cap_by_base: Vec<f64>,
    timeline: Vec<(f64, StaffChange)>,
    /// Sequence number reserved for week 0's sample (week k uses `+ k`).
    sample_seq: u64,
    weeks: u32,
    /// Home workers based in each authority (all but the region-wide ones), in index
    /// order.
    at_base: Vec<Vec<usize>>,
    /// The workers indexed for allocation: every search reads these.
    pools: Pools,
    /// What a family from authority `a` asks of a worker based at `b`, at
    /// `a * authorities + b`.
    demand: Vec<allocate::Demand>,
    /// The referral mix as cumulative shares.
    mix: MixTables,
    /// Per authority: referrals arrived and referrals closed (any route), for the
    /// conservation check `arrived = closed + open` after every event.
    flow: Vec<[u64; 2]>,
    horizon: f64,
    /// Per authority: referrals accepted since the board's last review (rebased policy).
    since_review: Vec<u64>,
    /// Referrals accepted in each of the last `window` review periods, period-major.
    past_referrals: Vec<u64>,
    /// Something changed that may let a family be allocated.
    dirty: bool,
    /// Per authority: its waiting list or its base's capacity changed since the list was
    /// last served from home. A list not marked would find no room, so it is skipped.
    dirty_home: Vec<bool>,
    /// Per authority: its list was last served from home up to a first-time family that
    /// fitted no worker, and no home capacity has been freed since. Under capacity
    /// matching every first-time family of an authority needs the same room, so a new
    /// referral joining the back of such a list cannot be allocated at home either.
    blocked_home: Vec<bool>,
    stats: RunStats,
}

/// Run one replication with fresh buffers (convenience for tests and one-off runs).
pub fn run_once<O: Observer>(model: &Model, seed: u64, replication: u64, obs: &mut O) -> RunStats {
    Engine::default().run(model, seed, replication, obs)
}

impl Engine {
    /// Run replication `replication` of the batch with master seed `seed`.
    pub fn run<O: Observer>(
        &mut self,
        model: &Model,
        seed: u64,
        replication: u64,
        obs: &mut O,
    ) -> RunStats {
        let streams = Streams::new(seed, replication);
        self.reset(model, &streams, obs);
        let horizon = SimTime::new(model.horizon_days).unwrap_or(SimTime::ZERO);
        let mut last = SimTime::ZERO;
        while let Some((t, event)) = self.events.pop() {
            if t > horizon {
                break;
            }
            debug_assert!(t >= last, "time went backwards: {t:?} < {last:?}");
            last = t;
            self.stats.events += 1;
            self.handle(model, &streams, t, event, obs);
            if self.dirty {
                self.dirty = false;
                self.dispatch(model, t, obs);
            }
            #[cfg(debug_assertions)]
            self.check_invariants(model);
        }
        self.stats.open_at_end = self.open.iter().map(|&n| u64::from(n)).sum();
        debug_assert_eq!(
            self.stats.referrals,
            self.stats.closed + self.stats.open_at_end,
            "conservation of referrals"
        );
        obs.finish(horizon);
        self.stats
    }

    fn reset<O: Observer>(&mut self, model: &Model, streams: &Streams, obs: &mut O) {
        let n = model.authorities.len();
        self.events.clear();
        self.families.clear();
        self.in_waiting_stage.clear();
        self.lists.resize_with(n, VecDeque::new);
        self.lists.truncate(n);
        self.lists.iter_mut().for_each(VecDeque::clear);
        for v in [&mut self.waiting, &mut self.open, &mut self.next_index] {
            v.clear();
            v.resize(n, 0);
        }
        self.by_base.clear();
        self.by_base.resize(n, 0.0);
        self.cap_by_base.clear();
        self.cap_by_base.resize(n, 0.0);
        self.flow.clear();
        self.flow.resize(n, [0, 0]);
        self.since_review.clear();
        self.since_review.resize(n, 0);
        self.past_referrals.clear();
        self.horizon = model.horizon_days;
        self.dirty = false;
        self.dirty_home.clear();
        self.dirty_home.resize(n, false);
        self.blocked_home.clear();
        self.blocked_home.resize(n, false);
        self.demand.clear();
        for a in 0..n {
            for b in 0..n {
                self.demand.push(allocate::Demand::new(model, a, b));
            }
        }
        self.mix.rebuild(model);
        self.stats = RunStats::default();

        // Arrival streams and this replication's rates (parameter uncertainty).
        self.arrival_processes.clear();
        for (a, auth) in model.authorities.iter().enumerate() {
            let per_year = match &auth.referrals_per_year {
                crate::model::Rate::Known(r) => *r,
                crate::model::Rate::Uncertain(d) => {
                    d.sample(&mut streams.stream(StreamId::Parameters { slot: a as u32 }))
                }
            };
            let rate_per_day = per_year * auth.flow_factor / crate::time::DAYS_PER_YEAR;
            self.arrival_processes.push(ArrivalProcess {
                rng: streams.stream(StreamId::Arrivals {
                    authority: a as u16,
                }),
                rate_per_day,
                lambda_max: rate_per_day * auth.rate_factor_max(),
                constant: auth.ramp.is_none() && auth.seasonality.is_none(),
            });
        }
        for a in 0..n {
            if let Some(t) = self.next_arrival(model, a, 0.0) {
                self.events.push(
                    t,
                    Event::Arrival {
                        authority: a as u16,
                    },
                );
            }
        }

        // Staff.
        self.workers.resize_with(model.posts.len(), Worker::default);
        for (i, post) in model.posts.iter().enumerate() {
            // keep the caseload buffer grown by earlier replications
            let mut families = std::mem::take(&mut self.workers[i].families);
            families.clear();
            self.workers[i] = Worker {
                base: post.base as u16,
                capacity: post.direct_hours_per_week(),
                limit: post.caseload_limit.unwrap_or(u32::MAX),
                specialism: post.specialism.map(|s| s as u8),
                region_wide: post.region_wide,
                families,
                ..Worker::default()
            };
            self.timeline.clear();
            let mut rng = streams.stream(StreamId::Staff { key: post.stream });
            staff::timeline(
                &post.availability,
                model.horizon_days,
                &mut rng,
                &mut self.timeline,
            );
            // Every change is queued now, its sequence number in generation order; each
            // waits in its week's bucket of the queue until that week comes, so the heap
            // holds only the current week's.
            for &(t, change) in &self.timeline {
                if let Some(t) = SimTime::new(t) {
                    let seq = self.events.reserve(1);
                    let post = i as u32;
                    self.events.push_at(t, seq, Event::Staff { post, change });
                }
            }
            obs.worker_changed(SimTime::ZERO, i, &self.worker_state(i));
        }
        self.at_base.resize_with(n, Vec::new);
        self.at_base.truncate(n);
        self.at_base.iter_mut().for_each(Vec::clear);
        for (i, post) in model.posts.iter().enumerate() {
            if !post.region_wide {
                self.at_base[post.base].push(i);
            }
        }
        self.pools.rebuild(&self.workers, n);

        // Weekly samples at 7k for every k with 7k <= horizon, queued one at a time.
        self.weeks = (model.horizon_days / DAYS_PER_WEEK).floor() as u32;
        self.sample_seq = self.events.reserve(u64::from(self.weeks) + 1);
        self.events
            .push_at(SimTime::ZERO, self.sample_seq, Event::Sample { week: 0 });
        if model.policy.kind == crate::model::PolicyKind::Rebased {
            self.push_review(model, 1);
        }
    }

    /// Queue the board's review number `k` (at `k × every_days`), if within the horizon.
    fn push_review(&mut self, model: &Model, k: u32) {
        let at = f64::from(k) * model.policy.rebasing.every_days;
        if at <= model.horizon_days
            && let Some(t) = SimTime::new(at)
        {
            self.events.push(t, Event::Review { number: k });
        }
    }

    /// Next arrival after `from` by thinning a Poisson process with rate
    /// `base × factor(t)`; `None` if past the horizon or the rate is zero.
    fn next_arrival(&mut self, model: &Model, a: usize, from: f64) -> Option<SimTime> {
        let horizon = self.horizon;
        let p = &mut self.arrival_processes[a];
        let lambda_max = p.lambda_max;
        if lambda_max <= 0.0 || !lambda_max.is_finite() {
            return None;
        }
        let mut t = from;
        loop {
            let e: f64 = Exp1.sample(&mut p.rng);
            t += e / lambda_max;
            if t > horizon {
                return None;
            }
            if p.constant
                || p.rng.random::<f64>() * lambda_max
                    <= p.rate_per_day * model.authorities[a].rate_factor(t)
            {
                return SimTime::new(t);
            }
        }
    }

    fn handle<O: Observer>(
        &mut self,
        model: &Model,
        streams: &Streams,
        t: SimTime,
        event: Event,
        obs: &mut O,
    ) {
        match event {
            Event::Arrival { authority } => {
                let a = usize::from(authority);
                let index = self.next_index[a];
                self.next_index[a] += 1;
                // The next arrival time is drawn first, from its own stream, so that its
                // division overlaps the referral's work; it is queued after, as before.
                let next = self.next_arrival(model, a, t.days());
                self.referral(model, streams, t, a, 0, index, obs);
                if let Some(next) = next {
                    self.events.push(next, Event::Arrival { authority });
                }
            }
            Event::Rereferral {
                authority,
                episode,
                index,
            } => self.referral(
                model,
                streams,
                t,
                usize::from(authority),
                episode,
                index,
                obs,
            ),
            Event::StageEnd { family, version } => {
                if self.families[family as usize].version == version {
                    self.stage_end(model, t, family, obs);
                }
            }
            Event::Withdraw { family } => {
                let id = family as usize;
                debug_assert_eq!(
                    self.in_waiting_stage[id],
                    self.families[id].stage == Stage::Waiting
                );
                // a family in its waiting stage has no worker (allocating one begins its
                // assessment at once)
                if self.in_waiting_stage[id] {
                    let f = &self.families[id];
                    debug_assert!(f.worker.is_none());
                    self.leave_waiting(t, f.authority as usize, obs);
                    self.close(model, t, family, Closure::Withdrew, obs);
                }
            }
            Event::ShareEligible { family } => {
                let id = family as usize;
                debug_assert_eq!(
                    self.in_waiting_stage[id],
                    self.families[id].stage == Stage::Waiting
                );
                if self.in_waiting_stage[id] {
                    self.dirty = true;
                }
            }
            Event::Staff { post, change } => self.staff_change(t, post as usize, change, obs),
            Event::Review { number } => {
                self.push_review(model, number + 1);
                self.review_bases(model, t, number, obs);
            }
            Event::Sample { week } => {
                if week < self.weeks {
                    self.events.push_at(
                        boundary(u64::from(week + 1), DAYS_PER_WEEK),
                        self.sample_seq + u64::from(week) + 1,
                        Event::Sample { week: week + 1 },
                    );
                }
                self.by_base.iter_mut().for_each(|x| *x = 0.0);
                self.cap_by_base.iter_mut().for_each(|x| *x = 0.0);
                for w in &self.workers {
                    if w.present() {
                        self.by_base[w.base as usize] += w.committed;
                        self.cap_by_base[w.base as usize] += w.capacity;
                    }
                }
                obs.sample(
                    t,
                    week,
                    &SampleView {
                        waiting: &self.waiting,
                        open: &self.open,
                        committed: &self.by_base,
                        capacity: &self.cap_by_base,
                    },
                );
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn referral<O: Observer>(
        &mut self,
        model: &Model,
        streams: &Streams,
        t: SimTime,
        a: usize,
        episode: u8,
        index: u32,
        obs: &mut O,
    ) {
        let keys = streams.keyed(StreamId::Family {
            authority: a as u16,
            episode,
            index,
        });
        let fate = Fate::draw(model, &self.mix, &keys);
        let id = self.families.len() as u32;
        self.families.push(Family {
            authority: a as u16,
            episode,
            index,
            fate,
            stage: Stage::Waiting,
            worker: None,
            handover: false,
            version: 0,
            accepted_at: t.days(),
            allocated_at: f64::NAN,
            load: Load::default(),
        });
        self.in_waiting_stage.push(true);
        self.stats.referrals += 1;
        self.flow[a][0] += 1;
        obs.referral(
            t,
            &ReferralFact {
                family: id,
                authority: a,
                agency: usize::from(fate.agency),
                need: usize::from(fate.need),
                children: u32::from(fate.children),
                rereferral: episode > 0,
                route: fate.route,
            },
        );
        if fate.route == Route::AdviceOnly && model.pathway.advice_hours > 0.0 {
            self.advice_session(model, t, a, obs);
        }
        if fate.route != Route::Accepted {
            self.families[id as usize].stage = Stage::Closed;
            self.in_waiting_stage[id as usize] = false;
            self.stats.closed += 1;
            self.flow[a][1] += 1;
            self.maybe_rereferral(model, t, id);
            return;
        }
        self.open[a] += 1;
        self.since_review[a] += 1;
        obs.open_changed(t, a, self.open[a]);
        self.waiting[a] += 1;
        obs.waiting_changed(t, a, self.waiting[a]);
        self.lists[a].push_back(id);
        // an infinite patience is no patience limit
        if let Some(patience) = Days::new(fate.patience) {
            self.events
                .push(t.after(patience), Event::Withdraw { family: id });
        }
        let share = model.policy.share_after_days;
        if model.policy.kind == crate::model::PolicyKind::DemandLed
            && let Some(share) = Days::new(share).filter(|d| d.days() > 0.0)
        {
            self.events
                .push(t.after(share), Event::ShareEligible { family: id });
        }
        // another base may take it (demand-led sharing, pooling) even if home cannot
        self.dirty = true;
        if !self.blocked_home[a] {
            self.dirty_home[a] = true;
        }
    }

    /// Mark authority `a`'s list (and so the dispatcher) as worth serving again: its
    /// contents changed or room was freed at its base.
    fn touch(&mut self, a: usize) {
        self.dirty = true;
        self.dirty_home[a] = true;
        self.blocked_home[a] = false;
    }

    /// Worker `w` has more room than before (lighter load, back from absence, joined).
    /// A home worker's room can serve only its base's list; a region-wide worker's is
    /// looked for by the region-wide pass, which runs at every dispatch.
    fn room_freed(&mut self, w: usize) {
        let wk = &self.workers[w];
        if wk.region_wide {
            self.dirty = true;
        } else {
            self.touch(wk.base as usize);
        }
    }

    fn leave_waiting<O: Observer>(&mut self, t: SimTime, a: usize, obs: &mut O) {
        self.waiting[a] -= 1;
        obs.waiting_changed(t, a, self.waiting[a]);
    }

    /// Begin `stage` for family `id` lasting `days`, updating its worker's load.
    fn begin<O: Observer>(&mut self, t: SimTime, id: u32, stage: Stage, days: Days, obs: &mut O) {
        let f = &mut self.families[id as usize];
        f.stage = stage;
        self.in_waiting_stage[id as usize] = stage == Stage::Waiting;
        f.version = f.version.wrapping_add(1);
        let version = f.version;
        self.events.push(
            t.after(days),
            Event::StageEnd {
                family: id,
                version,
            },
        );
        let f = &self.families[id as usize];
        match f.worker {
            Some(w) => self.set_load(t, id, w as usize, obs),
            // a family between workers needs less room once its stage is lighter
            None if f.handover => self.touch(f.authority as usize),
            None => {}
        }
    }

    /// Recompute family `id`'s load on worker `w` for its current stage.
    fn set_load<O: Observer>(&mut self, t: SimTime, id: u32, w: usize, obs: &mut O) {
        if self.apply_load(id, w) {
            obs.worker_changed(t, w, &self.worker_state(w));
        }
    }

    /// Recompute family `id`'s load on worker `w` without telling the observer; whether
    /// it changed.
    fn apply_load(&mut self, id: u32, w: usize) -> bool {
        let f = &self.families[id as usize];
        let new = self.load(f, self.workers[w].base as usize);
        let old = f.load;
        let cross = self.workers[w].base != f.authority;
        let wk = &mut self.workers[w];
        let committed = wk.committed;
        wk.committed += new.committed - old.committed;
        wk.direct += new.direct - old.direct;
        wk.travel += new.travel - old.travel;
        if cross {
            wk.cross += new.direct - old.direct;
        }
        if wk.families.is_empty() {
            // re-anchor sums to exact zero to stop rounding drift
            wk.committed = 0.0;
            wk.direct = 0.0;
            wk.travel = 0.0;
            wk.cross = 0.0;
        }
        let moved = self.workers[w].committed.to_bits() != committed.to_bits();
        self.families[id as usize].load = new;
        if moved {
            // the pools index committed hours; direct and travel hours they do not need
            self.recount(w);
        }
        if new.committed < old.committed {
            self.room_freed(w);
        }
        new != old
    }

    fn stage_end<O: Observer>(&mut self, model: &Model, t: SimTime, id: u32, obs: &mut O) {
        let pw = &model.pathway;
        let f = &self.families[id as usize];
        let (a, fate, allocated_at) = (f.authority as usize, f.fate, f.allocated_at);
        match f.stage {
            Stage::Assessment => {
                if fate.to_phase1 && pw.phase1.is_some() {
                    self.start_phase1(t, id, obs);
                } else {
                    self.close(model, t, id, Closure::NotTakenOn, obs);
                }
            }
            Stage::Phase1 => {
                if fate.unplanned_exit {
                    self.close(model, t, id, Closure::UnplannedExit, obs);
                } else {
                    obs.phase1_completed(t, id, a);
                    match &pw.phase2 {
                        Some(p2) => {
                            let until = t.until(allocated_at + p2.review_at_days);
                            self.begin(t, id, Stage::Phase2, until, obs);
                        }
                        None => self.close(model, t, id, Closure::CompletedPhase1, obs),
                    }
                }
            }
            Stage::Phase2 => {
                let p2 = pw
                    .phase2
                    .as_ref()
                    .expect("Phase 2 stage implies a phase2 table");
                self.review(model, t, id, p2.review_hours, obs);
                let until = t.until(allocated_at + p2.final_review_at_days);
                self.begin(t, id, Stage::Monitoring, until, obs);
            }
            Stage::Monitoring => {
                let hours = pw.phase2.as_ref().map_or(0.0, |p| p.review_hours);
                self.review(model, t, id, hours, obs);
                self.close(model, t, id, Closure::Completed, obs);
            }
            Stage::Waiting | Stage::Closed => {}
        }
    }

    fn start_phase1<O: Observer>(&mut self, t: SimTime, id: u32, obs: &mut O) {
        let f = &self.families[id as usize];
        let a = f.authority as usize;
        let days = if f.fate.unplanned_exit {
            f.fate.phase1_days.times(f.fate.exit_fraction)
        } else {
            f.fate.phase1_days
        };
        obs.phase1_started(t, id, a);
        self.begin(t, id, Stage::Phase1, days, obs);
    }

    /// An advice or consultation session for a referral from authority `a`, given at
    /// once by the present caseworker with the lightest committed load: one based in the
    /// authority if any is present, else any in the region. Like a review, its hours
    /// count as delivered direct contact but are not booked against capacity.
    fn advice_session<O: Observer>(&mut self, model: &Model, t: SimTime, a: usize, obs: &mut O) {
        let lightest = |pools: &mut dyn Iterator<Item = usize>| {
            pools
                .filter_map(|g| self.pools.pool(g).lightest())
                .min_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)))
        };
        let best = lightest(&mut self.pools.based(a).iter().copied())
            .or_else(|| lightest(&mut self.pools.all()))
            .map(|(_, w)| w);
        #[cfg(debug_assertions)]
        if self.workers.len() <= CHECKED_POSTS {
            let mut scan: Option<(bool, f64, usize)> = None;
            for (w, wk) in self.workers.iter().enumerate() {
                if wk.present() && wk.capacity > 0.0 {
                    // elsewhere sorts after here; then the lighter load, then the lower index
                    let key = (wk.base as usize != a, wk.committed, w);
                    if scan.is_none_or(|b| (key.0, key.1) < (b.0, b.1)) {
                        scan = Some(key);
                    }
                }
            }
            assert_eq!(
                best,
                scan.map(|(_, _, w)| w),
                "advice: pools and scan differ"
            );
        }
        if let Some(w) = best {
            obs.hours_delivered(t, w, model.pathway.advice_hours, 0.0, false);
        }
    }

    /// Review hours delivered by the holding worker, if present.
    fn review<O: Observer>(&mut self, model: &Model, t: SimTime, id: u32, hours: f64, obs: &mut O) {
        let f = &self.families[id as usize];
        if let Some(w) = f.worker {
            let wk = &self.workers[w as usize];
            if wk.present() {
                let travel = if wk.base != f.authority {
                    2.0 * model.travel.one_way(wk.base as usize, f.authority as usize)
                        * model.travel.review_visits
                } else {
                    0.0
                };
                obs.hours_delivered(t, w as usize, hours, travel, wk.base != f.authority);
            }
        }
    }

    fn close<O: Observer>(
        &mut self,
        model: &Model,
        t: SimTime,
        id: u32,
        why: Closure,
        obs: &mut O,
    ) {
        let a = self.families[id as usize].authority as usize;
        if let Some(w) = self.families[id as usize].worker {
            let w = w as usize;
            self.families[id as usize].stage = Stage::Closed;
            // one report of the worker's state covers the lighter load and the caseload
            self.apply_load(id, w);
            let wk = &mut self.workers[w];
            if let Some(pos) = wk.families.iter().position(|&x| x == id) {
                wk.families.swap_remove(pos);
            }
            let wk = &mut self.workers[w];
            if wk.families.is_empty() {
                wk.committed = 0.0;
                wk.direct = 0.0;
                wk.travel = 0.0;
                wk.cross = 0.0;
            }
            self.recount(w);
            obs.worker_changed(t, w, &self.worker_state(w));
        }
        let f = &mut self.families[id as usize];
        f.stage = Stage::Closed;
        self.in_waiting_stage[id as usize] = false;
        f.worker = None;
        f.version = f.version.wrapping_add(1);
        self.open[a] -= 1;
        obs.open_changed(t, a, self.open[a]);
        obs.closed(t, id, a, why);
        if matches!(why, Closure::Completed | Closure::CompletedPhase1) && f.fate.onward {
            obs.onward_referral(t, a);
        }
        self.stats.closed += 1;
        self.flow[a][1] += 1;
        self.touch(a);
        self.maybe_rereferral(model, t, id);
    }

    fn maybe_rereferral(&mut self, model: &Model, t: SimTime, id: u32) {
        let f = &self.families[id as usize];
        if let Some(r) = &model.pathway.rereferral
            && f.fate.rereferred
            && f.episode + 1 < r.max_episodes.saturating_add(1)
        {
            self.events.push(
                t.after(f.fate.rereferral_delay),
                Event::Rereferral {
                    authority: f.authority,
                    episode: f.episode + 1,
                    index: f.index,
                },
            );
        }
    }

    fn staff_change<O: Observer>(
        &mut self,
        t: SimTime,
        w: usize,
        change: StaffChange,
        obs: &mut O,
    ) {
        match change {
            StaffChange::Join => {
                self.workers[w].filled = true;
                self.workers[w].absences = 0;
                self.room_freed(w);
            }
            StaffChange::AbsenceStart => self.workers[w].absences += 1,
            StaffChange::AbsenceEnd => {
                self.workers[w].absences = self.workers[w].absences.saturating_sub(1);
                self.room_freed(w);
            }
            StaffChange::Leave => {
                self.hand_back(w);
                let wk = &mut self.workers[w];
                wk.filled = false;
                wk.absences = 0;
            }
        }
        self.recount(w);
        obs.worker_changed(t, w, &self.worker_state(w));
    }

    /// Hand every family worker `w` holds back to its authority's list, oldest at the
    /// very front, to be reallocated; the worker's loads fall to zero.
    fn hand_back(&mut self, w: usize) {
        let mut held = std::mem::take(&mut self.workers[w].families);
        for &id in held.iter().rev() {
            let f = &mut self.families[id as usize];
            f.worker = None;
            f.handover = true;
            f.load = Load::default();
            let a = f.authority as usize;
            self.lists[a].push_front(id);
            self.touch(a);
        }
        held.clear();
        let wk = &mut self.workers[w];
        wk.families = held; // empty, keeping its buffer
        wk.committed = 0.0;
        wk.direct = 0.0;
        wk.cross = 0.0;
        wk.travel = 0.0;
    }

    /// Bring worker `w`'s place in the pools up to date after a change in its presence,
    /// caseload or committed hours.
    fn recount(&mut self, w: usize) {
        self.pools.update(w, &self.workers[w]);
    }

    fn worker_state(&self, w: usize) -> WorkerState {
        let wk = &self.workers[w];
        let present = wk.present();
        let direct = wk.direct.min(wk.capacity).max(0.0);
        let scale = if wk.direct > EPS {
            direct / wk.direct
        } else {
            0.0
        };
        WorkerState {
            filled: wk.filled,
            present,
            committed: wk.committed.max(0.0),
            direct_rate: if present { direct } else { 0.0 },
            cross_rate: if present {
                (wk.cross * scale).max(0.0)
            } else {
                0.0
            },
            travel_rate: if present { wk.travel.max(0.0) } else { 0.0 },
            caseload: wk.families.len() as u32,
        }
    }

    /// Allocate family `id` to worker `w` now.
    fn allocate<O: Observer>(&mut self, model: &Model, t: SimTime, id: u32, w: usize, obs: &mut O) {
        let f = &mut self.families[id as usize];
        let a = f.authority as usize;
        let handover = f.handover;
        f.worker = Some(w as u16);
        f.handover = false;
        let first = !handover;
        let wait = if first {
            f.allocated_at = t.days();
            t.days() - f.accepted_at
        } else {
            0.0
        };
        self.workers[w].families.push(id);
        self.recount(w);
        debug_assert!(wait >= 0.0, "negative wait {wait} for family {id}");
        obs.allocated(
            t,
            &AllocationFact {
                family: id,
                authority: a,
                worker: w,
                wait_days: wait,
                cross_region: self.workers[w].base as usize != a,
                handover,
                rereferral: self.families[id as usize].episode > 0,
            },
        );
        if first {
            self.leave_waiting(t, a, obs);
            if model.pathway.assessment.is_some() {
                let days = self.families[id as usize].fate.assessment_days;
                self.begin(t, id, Stage::Assessment, days, obs);
            } else {
                self.start_phase1(t, id, obs);
            }
        } else {
            self.set_load(t, id, w, obs);
        }
    }

    /// Checked after every event in builds with debug assertions (tests): capacity and
    /// caseload limits, non-negative loads, every held family pointing back at its
    /// worker, and conservation of referrals per authority.
    #[cfg(debug_assertions)]
    fn check_invariants(&self, model: &Model) {
        for (i, w) in self.workers.iter().enumerate() {
            assert!(
                w.committed <= w.capacity + 1e-6,
                "worker {i} holds {} committed hours against {} available",
                w.committed,
                w.capacity
            );
            assert!(
                w.families.len() as u64 <= u64::from(w.limit),
                "caseload limit broken"
            );
            for (what, x) in [
                ("committed", w.committed),
                ("direct", w.direct),
                ("travel", w.travel),
                ("cross-region", w.cross),
            ] {
                assert!(
                    x.is_finite() && x >= -1e-6,
                    "worker {i} has {x} {what} hours a week"
                );
            }
            assert!(
                w.cross <= w.direct + 1e-6,
                "worker {i}: more cross-region than direct hours"
            );
            for &id in &w.families {
                let f = &self.families[id as usize];
                assert!(
                    f.worker == Some(i as u16) && f.stage != Stage::Closed,
                    "worker {i} holds family {id}, which is {:?} with worker {:?}",
                    f.stage,
                    f.worker
                );
            }
        }
        for (b, workers) in self.at_base.iter().enumerate() {
            assert!(
                workers
                    .iter()
                    .all(|&i| !self.workers[i].region_wide && self.workers[i].base as usize == b),
                "base {b}: its home workers include one based elsewhere or region-wide"
            );
        }
        if self.workers.len() <= CHECKED_POSTS {
            self.pools.check(&self.workers);
        }
        for (a, [arrived, closed]) in self.flow.iter().enumerate() {
            let open = u64::from(self.open[a]);
            assert_eq!(
                *arrived,
                closed + open,
                "authority {a}: {arrived} referrals arrived, {closed} closed, {open} open"
            );
            assert!(
                self.waiting[a] <= self.open[a],
                "authority {a}: more waiting than open"
            );
        }
        let _ = model;
    }
}
