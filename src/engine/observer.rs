//! Facts the engine pushes as a replication runs. Observers keep what they need.
//!
//! The engine never aggregates measures itself: the recorder in `measures` implements
//! [`Observer`] to build per-replication results; tests implement it to check
//! invariants and traces. Every method has an empty default.

use crate::time::SimTime;

/// How a referral was routed on arrival.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// Advice or consultation only; closed at once.
    AdviceOnly,
    /// Not eligible; closed at once.
    NotEligible,
    /// The family declined; closed at once.
    Declined,
    /// Accepted onto the waiting list.
    Accepted,
}

/// Why an accepted family's case closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Closure {
    /// Withdrew while waiting (disengaged).
    Withdrew,
    /// Assessed but not taken on to Phase 1.
    NotTakenOn,
    /// Left Phase 1 early.
    UnplannedExit,
    /// Completed Phase 1 (and there is no Phase 2).
    CompletedPhase1,
    /// Completed the final review.
    Completed,
}

/// A referral arriving.
#[derive(Debug, Clone, Copy)]
pub struct ReferralFact {
    /// Engine id of the family episode.
    pub family: u32,
    /// Authority index.
    pub authority: usize,
    /// Referring agency index.
    pub agency: usize,
    /// Primary need index.
    pub need: usize,
    /// Number of children.
    pub children: u32,
    /// Whether this is a re-referral of a family closed earlier.
    pub rereferral: bool,
    /// How it was routed.
    pub route: Route,
}

/// A family allocated to a worker.
#[derive(Debug, Clone, Copy)]
pub struct AllocationFact {
    /// Engine id of the family episode.
    pub family: u32,
    /// Authority index.
    pub authority: usize,
    /// Worker (post) index.
    pub worker: usize,
    /// Days from acceptance to this allocation (the first meeting, unless `handover`).
    pub wait_days: f64,
    /// Whether the worker is based in another authority.
    pub cross_region: bool,
    /// Whether this is a reallocation after the previous worker left.
    pub handover: bool,
    /// Whether the family's episode is a re-referral.
    pub rereferral: bool,
}

/// A worker's state from this instant on (piecewise constant between reports).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WorkerState {
    /// The post is filled.
    pub filled: bool,
    /// Filled and not absent.
    pub present: bool,
    /// Hours a week committed to held families, including travel.
    pub committed: f64,
    /// Direct hours a week being delivered to families (0 when absent).
    pub direct_rate: f64,
    /// Of which to families outside the worker's base.
    pub cross_rate: f64,
    /// Travel hours a week for cross-region visits (0 when absent).
    pub travel_rate: f64,
    /// Families held.
    pub caseload: u32,
}

/// Counts the engine reports at each weekly sample, per authority.
#[derive(Debug, Clone, Copy)]
pub struct SampleView<'a> {
    /// Families waiting for a first allocation.
    pub waiting: &'a [u32],
    /// Open cases (accepted, not closed).
    pub open: &'a [u32],
    /// Committed hours of present workers based in each authority.
    pub committed: &'a [f64],
    /// Direct-hours capacity of present workers based in each authority.
    pub capacity: &'a [f64],
}

/// Receives facts from a running replication.
#[allow(unused_variables)]
pub trait Observer {
    /// A referral arrived and was routed.
    fn referral(&mut self, t: SimTime, r: &ReferralFact) {}
    /// A family was allocated to a worker.
    fn allocated(&mut self, t: SimTime, a: &AllocationFact) {}
    /// A family started Phase 1.
    fn phase1_started(&mut self, t: SimTime, family: u32, authority: usize) {}
    /// A family completed Phase 1.
    fn phase1_completed(&mut self, t: SimTime, family: u32, authority: usize) {}
    /// An accepted family's case closed.
    fn closed(&mut self, t: SimTime, family: u32, authority: usize, why: Closure) {}
    /// A closed family was referred on to a specialist agency.
    fn onward_referral(&mut self, t: SimTime, authority: usize) {}
    /// Hours delivered at an instant by a worker (reviews: lumps outside weekly rates).
    fn hours_delivered(
        &mut self,
        t: SimTime,
        worker: usize,
        direct: f64,
        travel: f64,
        cross: bool,
    ) {
    }
    /// The waiting list of an authority changed length.
    fn waiting_changed(&mut self, t: SimTime, authority: usize, waiting: u32) {}
    /// The number of open cases of an authority changed.
    fn open_changed(&mut self, t: SimTime, authority: usize, open: u32) {}
    /// A worker's state changed.
    fn worker_changed(&mut self, t: SimTime, worker: usize, s: &WorkerState) {}
    /// The board's review moved post `worker` from base `from` to base `to`.
    fn rebased(&mut self, t: SimTime, worker: usize, from: usize, to: usize) {}
    /// Weekly sample (week `k` is at day `7k`).
    fn sample(&mut self, t: SimTime, week: u32, v: &SampleView<'_>) {}
    /// The replication ended at the horizon.
    fn finish(&mut self, horizon: SimTime) {}
}

/// An observer that keeps nothing.
#[derive(Debug, Default, Clone, Copy)]
pub struct Discard;
impl Observer for Discard {}
