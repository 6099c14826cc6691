//! Little's law as a sample-path identity: the recorder's time averages against the
//! families' own times in each state, from an independent ledger of engine facts.

use super::{CheckResult, EXACT_TOLERANCE, VerifyError};
use crate::engine::{AllocationFact, Closure, Engine, Observer, ReferralFact, Route};
use crate::measures::{Catalogue, Recorder};
use crate::model::{Model, PolicyKind};
use crate::stats::summarize;
use crate::time::SimTime;

/// Both sides of Little's law for one level, over replications.
#[derive(Debug, Default)]
pub(super) struct Identity {
    /// The recorder's time average, per replication.
    level: Vec<f64>,
    /// Summed clipped sojourns over the horizon, per replication.
    sojourns: Vec<f64>,
}

impl Identity {
    pub(super) fn into_result(self, kind: PolicyKind, what: &str) -> CheckResult {
        let worst = self
            .level
            .iter()
            .zip(&self.sojourns)
            .map(|(l, s)| (l - s).abs() / l.abs().max(s.abs()).max(f64::MIN_POSITIVE))
            .fold(0.0, f64::max);
        let s = summarize(&self.level);
        let theory = summarize(&self.sojourns).map_or(f64::NAN, |s| s.mean);
        let mean = s.as_ref().map_or(f64::NAN, |s| s.mean);
        let agrees = worst <= EXACT_TOLERANCE && !self.level.is_empty();
        CheckResult {
            label: format!("{kind}: {what} = sum of stays / T"),
            theory,
            mean,
            n: self.level.len(),
            ci95: s.as_ref().and_then(|s| s.ci95),
            half_width: s.as_ref().and_then(|s| s.half_width()).unwrap_or(f64::NAN),
            pass_half_width: EXACT_TOLERANCE * theory.abs(),
            agrees,
            precise: true,
            pass: agrees,
            exact: true,
        }
    }
}

/// Replications of `model` checking Little's law for open cases and the waiting list.
pub(super) fn run(
    model: &Model,
    seed: u64,
    replications: u64,
) -> Result<(Identity, Identity, u64), VerifyError> {
    let cat = Catalogue::new(model);
    let index = |name: &str| {
        cat.index(name).ok_or_else(|| VerifyError::Measure {
            case: "Little's law".into(),
            measure: name.into(),
        })
    };
    let (open_i, waiting_i) = (index("open_cases.mean")?, index("waiting.mean")?);
    let mut open = Identity::default();
    let mut waiting = Identity::default();
    let mut engine = Engine::default();
    let mut events = 0;
    for rep in 0..replications {
        let mut obs = Both(Recorder::new(model), Stays::default());
        let stats = engine.run(model, seed, rep, &mut obs);
        events += stats.events;
        let values = obs.0.replication(stats.events).values;
        let horizon = model.horizon_days();
        let (in_system, in_queue) = obs.1.totals(horizon);
        open.level.push(values[open_i]);
        open.sojourns.push(in_system / horizon);
        waiting.level.push(values[waiting_i]);
        waiting.sojourns.push(in_queue / horizon);
    }
    Ok((open, waiting, events))
}

/// Two observers fed the same facts.
struct Both<A, B>(A, B);

impl<A: Observer, B: Observer> Observer for Both<A, B> {
    fn referral(&mut self, t: SimTime, r: &ReferralFact) {
        self.0.referral(t, r);
        self.1.referral(t, r);
    }
    fn allocated(&mut self, t: SimTime, a: &AllocationFact) {
        self.0.allocated(t, a);
        self.1.allocated(t, a);
    }
    fn phase1_started(&mut self, t: SimTime, family: u32, authority: usize) {
        self.0.phase1_started(t, family, authority);
        self.1.phase1_started(t, family, authority);
    }
    fn phase1_completed(&mut self, t: SimTime, family: u32, authority: usize) {
        self.0.phase1_completed(t, family, authority);
        self.1.phase1_completed(t, family, authority);
    }
    fn closed(&mut self, t: SimTime, family: u32, authority: usize, why: Closure) {
        self.0.closed(t, family, authority, why);
        self.1.closed(t, family, authority, why);
    }
    fn onward_referral(&mut self, t: SimTime, authority: usize) {
        self.0.onward_referral(t, authority);
        self.1.onward_referral(t, authority);
    }
    fn hours_delivered(&mut self, t: SimTime, w: usize, direct: f64, travel: f64, cross: bool) {
        self.0.hours_delivered(t, w, direct, travel, cross);
        self.1.hours_delivered(t, w, direct, travel, cross);
    }
    fn waiting_changed(&mut self, t: SimTime, authority: usize, waiting: u32) {
        self.0.waiting_changed(t, authority, waiting);
        self.1.waiting_changed(t, authority, waiting);
    }
    fn open_changed(&mut self, t: SimTime, authority: usize, open: u32) {
        self.0.open_changed(t, authority, open);
        self.1.open_changed(t, authority, open);
    }
    fn worker_changed(&mut self, t: SimTime, w: usize, s: &crate::engine::WorkerState) {
        self.0.worker_changed(t, w, s);
        self.1.worker_changed(t, w, s);
    }
    fn sample(&mut self, t: SimTime, week: u32, v: &crate::engine::SampleView<'_>) {
        self.0.sample(t, week, v);
        self.1.sample(t, week, v);
    }
    fn finish(&mut self, horizon: SimTime) {
        self.0.finish(horizon);
        self.1.finish(horizon);
    }
}

/// Each accepted family's times: accepted, left the waiting list, closed (NaN = not yet).
#[derive(Debug, Default)]
struct Stays {
    families: Vec<[f64; 3]>,
}

impl Stays {
    fn entry(&mut self, family: u32) -> &mut [f64; 3] {
        let i = family as usize;
        if self.families.len() <= i {
            self.families.resize(i + 1, [f64::NAN; 3]);
        }
        &mut self.families[i]
    }

    /// Total days spent open and waiting, each clipped to `[0, horizon]`.
    fn totals(&self, horizon: f64) -> (f64, f64) {
        let end = |t: f64| if t.is_nan() { horizon } else { t.min(horizon) };
        self.families
            .iter()
            .filter(|f| !f[0].is_nan())
            .fold((0.0, 0.0), |(open, waiting), f| {
                (open + end(f[2]) - f[0], waiting + end(f[1]) - f[0])
            })
    }
}

impl Observer for Stays {
    fn referral(&mut self, t: SimTime, r: &ReferralFact) {
        if r.route == Route::Accepted {
            self.entry(r.family)[0] = t.days();
        }
    }
    fn allocated(&mut self, t: SimTime, a: &AllocationFact) {
        if !a.handover {
            self.entry(a.family)[1] = t.days();
        }
    }
    fn closed(&mut self, t: SimTime, family: u32, _: usize, why: Closure) {
        let e = self.entry(family);
        e[2] = t.days();
        if why == Closure::Withdrew {
            e[1] = t.days();
        }
    }
}
