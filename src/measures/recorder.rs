//! The observer that turns engine facts into one replication's measures.

use super::{Replication, SERIES, Unit, Values, Visit, WAIT_BIN_DAYS, WAIT_BINS};
use crate::costs::{Projector, YearInputs};
use crate::engine::{
    AllocationFact, Closure, Observer, ReferralFact, Route, SampleView, WorkerState,
};
use crate::measures::names;
use crate::model::{Model, Role};
use crate::money::Pence;
use crate::time::{DAYS_PER_YEAR, SimTime};

/// Counts kept per authority and per year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Count {
    Referrals,
    Rereferrals,
    AdviceSessions,
    NotEligible,
    Declined,
    Accepted,
    Withdrawn,
    Allocated,
    CrossRegionAllocations,
    Handovers,
    NotTakenOn,
    AllocatedRereferrals,
    Phase1Starts,
    Phase1Completions,
    UnplannedExits,
    Phase2Completions,
    CasesClosed,
    OnwardReferrals,
    PostsRebased,
}

const COUNTS: [(Count, &str); 19] = [
    (Count::Referrals, names::REFERRALS),
    (Count::Rereferrals, names::REREFERRALS),
    (Count::AdviceSessions, names::ADVICE_SESSIONS),
    (Count::NotEligible, "rejected_not_eligible"),
    (Count::Declined, "rejected_declined"),
    (Count::Accepted, names::ACCEPTED),
    (Count::Withdrawn, names::WITHDRAWN_WHILE_WAITING),
    (Count::Allocated, names::ALLOCATED),
    (
        Count::CrossRegionAllocations,
        names::CROSS_REGION_ALLOCATIONS,
    ),
    (Count::Handovers, "handovers"),
    (Count::NotTakenOn, "assessed_not_taken_on"),
    (Count::AllocatedRereferrals, names::ALLOCATED_REREFERRALS),
    (Count::Phase1Starts, names::PHASE1_STARTS),
    (Count::Phase1Completions, names::PHASE1_COMPLETIONS),
    (Count::UnplannedExits, "unplanned_exits"),
    (Count::Phase2Completions, names::PHASE2_COMPLETIONS),
    (Count::CasesClosed, "cases_closed"),
    (Count::OnwardReferrals, "onward_referrals"),
    (Count::PostsRebased, names::POSTS_REBASED),
];

/// A piecewise-constant quantity integrated over time.
#[derive(Debug, Clone, Copy, Default)]
struct Level {
    value: f64,
    since: f64,
    integral: f64,
    max: f64,
}

impl Level {
    /// The level becomes `value` at `t`; only time from `from` on (the end of the warm-up)
    /// counts towards its integral and maximum.
    fn set(&mut self, t: f64, value: f64, from: f64) {
        let start = self.since.max(from);
        if t > start {
            self.integral += self.value * (t - start);
            self.max = self.max.max(self.value);
        }
        self.since = t;
        self.value = value;
        if t >= from {
            self.max = self.max.max(value);
        }
    }
}

/// Integrals of one worker's state, with what advancing them reads of the post: two
/// cache lines, since every change in any worker's state advances its own.
#[derive(Debug, Clone, Default)]
#[repr(align(64))]
struct WorkerTally {
    since: f64,
    state: Option<WorkerState>,
    /// the post's direct-work capacity a day, and its Phase 1 places
    cap_per_day: f64,
    places: f64,
    filled_days: f64,
    present_days: f64,
    committed_hours: f64,
    capacity_hours: f64,
    direct_hours: f64,
    cross_hours: f64,
    travel_hours: f64,
}

/// A worker's filled days and travel hours in one contract year.
#[derive(Debug, Clone, Copy, Default)]
struct YearTally {
    filled_days: f64,
    travel_hours: f64,
}

/// Calls `f(year, days)` for the part of `[from, to)` in each contract year.
fn split_years(from: f64, to: f64, years: usize, mut f: impl FnMut(usize, f64)) {
    let mut t = from;
    while t < to {
        let y = ((t / DAYS_PER_YEAR) as usize).min(years - 1);
        let end = if y + 1 == years {
            to
        } else {
            to.min((y + 1) as f64 * DAYS_PER_YEAR)
        };
        f(y, end - t);
        if end <= t {
            break;
        }
        t = end;
    }
}

/// The contract year of the latest time asked about, kept so that most facts find their
/// year without a division.
///
/// [`SimTime::year_index`] is `k` or more exactly when `t >= k * DAYS_PER_YEAR`: the product
/// is exact, and just below it a step in `t` is at least 2^8 times a step in the quotient
/// just below `k`, so `t / DAYS_PER_YEAR` (with `DAYS_PER_YEAR < 2^9`) stays more than half a
/// step under `k` and does not round up to it. The year is therefore constant on
/// `[start, end)`, which is recomputed only when a time falls outside it.
#[derive(Debug, Clone)]
struct YearClock {
    years: usize,
    year: usize,
    start: f64,
    end: f64,
}

impl YearClock {
    fn new(years: usize) -> YearClock {
        // an empty range, so the first time asked about sets it
        YearClock {
            years,
            year: 0,
            start: f64::INFINITY,
            end: f64::NEG_INFINITY,
        }
    }

    /// The contract year `t` falls in: `SimTime::year_index`, the last year at most.
    #[inline]
    fn year(&mut self, t: f64) -> usize {
        if !(self.start <= t && t < self.end) {
            let y = ((t / DAYS_PER_YEAR) as usize).min(self.years - 1);
            self.year = y;
            self.start = y as f64 * DAYS_PER_YEAR;
            self.end = if y + 1 == self.years {
                f64::INFINITY
            } else {
                (y + 1) as f64 * DAYS_PER_YEAR
            };
        }
        self.year
    }

    /// As [`split_years`], without the loop when `[from, to)` lies within one year.
    fn split(&mut self, from: f64, to: f64, mut f: impl FnMut(usize, f64)) {
        let y = self.year(to);
        if self.start <= from && from < to {
            // what `split_years` computes for an interval within year `y`
            f(y, to - from);
        } else {
            split_years(from, to, self.years, f);
        }
    }
}

/// Builds one replication's measures from engine facts.
#[derive(Debug, Clone)]
pub struct Recorder {
    authorities: Vec<String>,
    agencies: Vec<String>,
    needs: Vec<String>,
    years: usize,
    horizon: f64,
    /// the end of the warm-up: facts before it are not measured (costs aside)
    from: f64,
    wait_target: f64,
    /// `counts[count * authorities + authority]`
    counts: Vec<u64>,
    /// `by_year[count * years + year]`
    by_year: Vec<u64>,
    /// the contract year of the latest fact
    clock: YearClock,
    by_agency: Vec<u64>,
    by_need: Vec<u64>,
    /// first-allocation waits per authority
    waits: Vec<Vec<f64>>,
    /// number of measures, once known (to size each replication's values)
    measures: usize,
    /// reused buffer for the region's waits
    scratch: Vec<f64>,
    /// wait histogram per authority
    wait_histogram: Vec<u32>,
    waiting: Vec<Level>,
    open: Vec<Level>,
    open_now: Vec<u32>,
    /// per post: base, role, contracted hours a day, capacity a day
    posts: Vec<(usize, Role, f64, f64)>,
    /// post title slugs, and each post's index into them
    titles: Vec<String>,
    title_of: Vec<usize>,
    workers: Vec<WorkerTally>,
    /// `worker_years[worker * years + year]`
    worker_years: Vec<YearTally>,
    series: Vec<f64>,
    weeks: usize,
    /// the cost projection, when the scenario has a `[costs]` section
    projector: Option<Projector>,
    /// when each measured accepted family joined the waiting list, by engine id (NaN once
    /// its wait has ended or when it is not measured)
    accepted_at: Vec<(f64, usize)>,
    /// each measured accepted family's wait: (days, authority, whether it ended in a first
    /// meeting; otherwise it withdrew or still waited at the horizon: censored)
    km: Vec<(f64, usize, bool)>,
    /// quarters in the horizon, and per quarter: referrals, allocations, Phase 1 starts and
    /// the sum of the waits of those allocated
    quarters: usize,
    by_quarter: Vec<f64>,
    /// Phase 1 place-days available and in use while present (each post's places are in
    /// its tally)
    place_days: f64,
    place_days_used: f64,
    /// weekly hours a new family needs
    intake: f64,
}

/// Days in a quarter of a year.
const QUARTER_DAYS: f64 = DAYS_PER_YEAR / 4.0;

/// Columns of `Recorder::by_quarter`.
const QUARTER_COLUMNS: usize = 4;

impl Recorder {
    /// A recorder for one replication of `model`.
    pub fn new(model: &Model) -> Recorder {
        let n = model.authorities().len();
        let weeks = super::weeks(model);
        Recorder {
            authorities: model
                .authorities()
                .iter()
                .map(|a| a.slug().to_string())
                .collect(),
            agencies: model
                .referrals()
                .agencies()
                .iter()
                .map(|c| c.slug().to_string())
                .collect(),
            needs: model
                .referrals()
                .needs()
                .iter()
                .map(|c| c.slug().to_string())
                .collect(),
            years: model.years(),
            horizon: model.horizon_days(),
            from: model.warm_up_days(),
            wait_target: model.wait_target_days(),
            counts: vec![0; COUNTS.len() * n],
            by_year: vec![0; COUNTS.len() * model.years()],
            clock: YearClock::new(model.years()),
            by_agency: vec![0; model.referrals().agencies().len()],
            by_need: vec![0; model.referrals().needs().len()],
            waits: vec![Vec::new(); n],
            measures: 0,
            scratch: Vec::new(),
            wait_histogram: vec![0; n * WAIT_BINS],
            waiting: vec![Level::default(); n],
            open: vec![Level::default(); n],
            open_now: vec![0; n],
            posts: model
                .posts()
                .iter()
                .map(|p| {
                    (
                        p.base(),
                        p.role(),
                        p.hours_per_week() / 7.0,
                        p.direct_hours_per_week() / 7.0,
                    )
                })
                .collect(),
            titles: model
                .post_titles()
                .iter()
                .map(|t| crate::model::slug(t))
                .collect(),
            title_of: model.post_title_indices(),
            workers: model
                .posts()
                .iter()
                .map(|p| WorkerTally {
                    cap_per_day: p.direct_hours_per_week() / 7.0,
                    places: places(p.direct_hours_per_week(), model.pathway().intake_hours()),
                    ..WorkerTally::default()
                })
                .collect(),
            worker_years: vec![YearTally::default(); model.posts().len() * model.years()],
            series: vec![f64::NAN; weeks * n * SERIES.len()],
            weeks,
            projector: Projector::new(model),
            accepted_at: Vec::new(),
            km: Vec::new(),
            quarters: quarters(model.horizon_days()),
            by_quarter: vec![0.0; quarters(model.horizon_days()) * QUARTER_COLUMNS],
            place_days: 0.0,
            place_days_used: 0.0,
            intake: model.pathway().intake_hours(),
        }
    }

    /// Clear for another replication of the same model, keeping allocations.
    pub fn reset(&mut self) {
        self.counts.iter_mut().for_each(|c| *c = 0);
        self.by_year.iter_mut().for_each(|c| *c = 0);
        self.by_agency.iter_mut().for_each(|c| *c = 0);
        self.by_need.iter_mut().for_each(|c| *c = 0);
        self.waits.iter_mut().for_each(Vec::clear);
        self.wait_histogram.iter_mut().for_each(|c| *c = 0);
        self.waiting.iter_mut().for_each(|l| *l = Level::default());
        self.open.iter_mut().for_each(|l| *l = Level::default());
        self.open_now.iter_mut().for_each(|c| *c = 0);
        for w in &mut self.workers {
            *w = WorkerTally {
                cap_per_day: w.cap_per_day,
                places: w.places,
                ..WorkerTally::default()
            };
        }
        self.worker_years
            .iter_mut()
            .for_each(|y| *y = YearTally::default());
        self.series.iter_mut().for_each(|x| *x = f64::NAN);
        self.accepted_at.clear();
        self.km.clear();
        self.by_quarter.iter_mut().for_each(|x| *x = 0.0);
        self.place_days = 0.0;
        self.place_days_used = 0.0;
    }

    /// The wait of measured family `family` of authority `a` ended after `days`: in a first
    /// meeting (`seen`), or by withdrawing (censored).
    fn end_wait(&mut self, family: u32, a: usize, days: f64, seen: bool) {
        if let Some(slot) = self.accepted_at.get_mut(family as usize)
            && slot.0.is_finite()
        {
            slot.0 = f64::NAN;
            self.km.push((days.max(0.0), a, seen));
        }
    }

    /// Add `x` to column `col` of the quarter `t` falls in (only after the warm-up).
    fn quarter_add(&mut self, t: f64, col: usize, x: f64) {
        if t < self.from {
            return;
        }
        let q = ((t / QUARTER_DAYS) as usize).min(self.quarters - 1);
        self.by_quarter[q * QUARTER_COLUMNS + col] += x;
    }

    #[inline]
    fn count(&mut self, t: SimTime, c: Count, a: usize) {
        if t.days() < self.from {
            return;
        }
        self.counts[c as usize * self.authorities.len() + a] += 1;
        let y = self.clock.year(t.days());
        self.by_year[c as usize * self.years + y] += 1;
    }

    /// A count per authority.
    fn count_row(&self, c: Count) -> &[u64] {
        let n = self.authorities.len();
        &self.counts[c as usize * n..][..n]
    }

    /// A count per contract year.
    fn year_row(&self, c: Count) -> &[u64] {
        &self.by_year[c as usize * self.years..][..self.years]
    }

    /// This replication's measures (after the engine called `finish`).
    pub fn replication(&mut self, events: u64) -> Replication {
        let mut values = Vec::with_capacity(self.measures);
        self.visit(&mut Values(&mut values));
        self.measures = values.len();
        Replication {
            values,
            series: self.series.clone(),
            wait_histogram: self.wait_histogram.clone(),
            events,
        }
    }

    /// Emit every measure, in catalogue order.
    pub(crate) fn visit(&mut self, v: &mut dyn Visit) {
        let auths = &self.authorities;
        let total_of = |xs: &[u64]| xs.iter().sum::<u64>() as f64;

        for (c, name) in COUNTS {
            let row = self.count_row(c);
            v.measure(&|| name.to_string(), Unit::Count, total_of(row));
            for (a, slug) in auths.iter().enumerate() {
                v.measure(&|| names::of_area(name, slug), Unit::Count, row[a] as f64);
            }
            for (y, n) in self.year_row(c).iter().enumerate() {
                v.measure(&|| names::in_year(name, y + 1), Unit::Count, *n as f64);
            }
        }
        for (i, slug) in self.agencies.iter().enumerate() {
            v.measure(
                &|| format!("referrals.agency.{slug}"),
                Unit::Count,
                self.by_agency[i] as f64,
            );
        }
        for (i, slug) in self.needs.iter().enumerate() {
            v.measure(
                &|| format!("referrals.need.{slug}"),
                Unit::Count,
                self.by_need[i] as f64,
            );
        }

        // waits from acceptance to first meeting: the region, then each authority.
        // Each authority's waits are sorted once; the region's are their concatenation,
        // which the run-detecting stable sort only has to merge (and is already sorted
        // when at most one authority has any).
        let target = self.wait_target;
        for w in &mut self.waits {
            sort_waits(w);
        }
        let mut all = std::mem::take(&mut self.scratch);
        all.clear();
        for w in &self.waits {
            all.extend_from_slice(w);
        }
        if self.waits.iter().filter(|w| !w.is_empty()).count() > 1 {
            all.sort_by_key(|x| x.to_bits());
        }
        wait_measures(v, None, wait_stats(&all, target));
        self.scratch = all;
        for (a, slug) in auths.iter().enumerate() {
            wait_measures(v, Some(slug), wait_stats(&self.waits[a], target));
        }
        // the same waits counting every family accepted: those who withdrew or still wait
        // at the horizon are censored (Kaplan–Meier)
        // ascending by time, ended waits before censored ones at equal times: waits are
        // never negative, so their bits order like the numbers and the sign bit is free for
        // the tie rule; waits equal in both are interchangeable for the estimate
        self.km
            .sort_unstable_by_key(|k| (k.0.to_bits() << 1) | u64::from(!k.2));
        let (within, median) = kaplan_meier(self.km.iter().map(|k| (k.0, k.2)), target);
        v.measure(&|| names::WAIT_KM_WITHIN_TARGET.into(), Unit::Share, within);
        v.measure(&|| names::WAIT_KM_MEDIAN.into(), Unit::Days, median);
        for (a, slug) in auths.iter().enumerate() {
            let (within, median) = kaplan_meier(
                self.km.iter().filter(|k| k.1 == a).map(|k| (k.0, k.2)),
                target,
            );
            v.measure(
                &|| names::of_area(names::WAIT_KM_WITHIN_TARGET, slug),
                Unit::Share,
                within,
            );
            v.measure(
                &|| names::of_area(names::WAIT_KM_MEDIAN, slug),
                Unit::Days,
                median,
            );
        }
        // per quarter: the board tracks throughput quarterly
        for q in 0..self.quarters {
            let row = &self.by_quarter[q * QUARTER_COLUMNS..][..QUARTER_COLUMNS];
            let k = q + 1;
            v.measure(
                &|| names::in_quarter(names::REFERRALS, k),
                Unit::Count,
                row[0],
            );
            v.measure(
                &|| names::in_quarter(names::ALLOCATED, k),
                Unit::Count,
                row[1],
            );
            v.measure(
                &|| names::in_quarter(names::PHASE1_STARTS, k),
                Unit::Count,
                row[2],
            );
            v.measure(
                &|| names::in_quarter(names::WAIT, k),
                Unit::Days,
                if row[1] > 0.0 {
                    row[3] / row[1]
                } else {
                    f64::NAN
                },
            );
        }

        // queues and open cases
        let h = (self.horizon - self.from).max(f64::MIN_POSITIVE);
        let level_measures: [(&str, &[Level]); 2] =
            [("waiting", &self.waiting), ("open_cases", &self.open)];
        for (name, levels) in level_measures {
            let total_mean: f64 = levels.iter().map(|l| l.integral / h).sum();
            v.measure(&|| format!("{name}.mean"), Unit::Families, total_mean);
            for (a, slug) in auths.iter().enumerate() {
                v.measure(
                    &|| format!("{name}.mean.{slug}"),
                    Unit::Families,
                    levels[a].integral / h,
                );
                v.measure(
                    &|| format!("{name}.max.{slug}"),
                    Unit::Families,
                    levels[a].max,
                );
            }
        }
        let open_end: u32 = self.open_now.iter().sum();
        v.measure(
            &|| names::OPEN_AT_END.into(),
            Unit::Count,
            f64::from(open_end),
        );
        for (a, slug) in auths.iter().enumerate() {
            v.measure(
                &|| names::of_area(names::OPEN_AT_END, slug),
                Unit::Count,
                f64::from(self.open_now[a]),
            );
        }

        // staff: utilisation and achieved direct-contact ratio
        let ratio = |num: f64, den: f64| if den > 0.0 { num / den } else { f64::NAN };
        let sum =
            |pred: &dyn Fn(usize, Role) -> bool, f: &dyn Fn(&WorkerTally, f64) -> f64| -> f64 {
                self.posts
                    .iter()
                    .zip(&self.workers)
                    .filter(|((b, r, _, _), _)| pred(*b, *r))
                    .map(|((_, _, contracted, _), w)| f(w, *contracted))
                    .sum()
            };
        let util = |pred: &dyn Fn(usize, Role) -> bool| {
            ratio(
                sum(pred, &|w, _| w.committed_hours),
                sum(pred, &|w, _| w.capacity_hours),
            )
        };
        let dcr = |pred: &dyn Fn(usize, Role) -> bool| {
            ratio(
                sum(pred, &|w, _| w.direct_hours),
                sum(pred, &|w, c| w.filled_days * c),
            )
        };
        let direct_workers = |_: usize, r: Role| r != Role::BusinessSupport;
        v.measure(
            &|| names::UTILISATION.into(),
            Unit::Share,
            util(&|_, _| true),
        );
        v.measure(
            &|| names::DIRECT_CONTACT_RATIO.into(),
            Unit::Share,
            dcr(&direct_workers),
        );
        for (a, slug) in auths.iter().enumerate() {
            v.measure(
                &|| names::utilisation_at_base(slug),
                Unit::Share,
                util(&|b, _| b == a),
            );
            v.measure(
                &|| names::at_base(names::DIRECT_CONTACT_RATIO, slug),
                Unit::Share,
                dcr(&|b, r| b == a && direct_workers(b, r)),
            );
        }
        for role in Role::ALL {
            if !self.posts.iter().any(|p| p.1 == role && p.3 > 0.0) {
                continue;
            }
            v.measure(
                &|| format!("utilisation.role.{}", role.slug()),
                Unit::Share,
                util(&|_, r| r == role),
            );
            v.measure(
                &|| format!("direct_contact_ratio.role.{}", role.slug()),
                Unit::Share,
                dcr(&|_, r| r == role),
            );
        }
        v.measure(
            &|| "direct_hours".into(),
            Unit::Hours,
            sum(&|_, _| true, &|w, _| w.direct_hours),
        );
        v.measure(
            &|| "cross_region_hours".into(),
            Unit::Hours,
            sum(&|_, _| true, &|w, _| w.cross_hours),
        );
        v.measure(
            &|| names::TRAVEL_HOURS.into(),
            Unit::Hours,
            sum(&|_, _| true, &|w, _| w.travel_hours),
        );
        for (a, slug) in auths.iter().enumerate() {
            v.measure(
                &|| names::at_base(names::TRAVEL_HOURS, slug),
                Unit::Hours,
                sum(&|b, _| b == a, &|w, _| w.travel_hours),
            );
        }
        let posts = self.posts.len() as f64;
        v.measure(
            &|| names::PHASE1_PLACES_IN_USE.into(),
            Unit::Share,
            ratio(self.place_days_used, self.place_days),
        );
        v.measure(
            &|| "staff_present_share".into(),
            Unit::Share,
            ratio(sum(&|_, _| true, &|w, _| w.present_days), posts * h),
        );
        v.measure(
            &|| "vacancy_days".into(),
            Unit::Days,
            posts * h - sum(&|_, _| true, &|w, _| w.filled_days),
        );
        // inputs to the cost projection: staffed days per post title and travel, by year
        // one pass over the posts (summed in post order, as before)
        let mut by_title = vec![0.0; self.titles.len() * self.years];
        for (w, &t) in self.title_of.iter().enumerate() {
            for (y, year) in self.years_of(w).iter().enumerate() {
                by_title[t * self.years + y] += year.filled_days;
            }
        }
        for (t, title) in self.titles.iter().enumerate() {
            for y in 0..self.years {
                let days = by_title[t * self.years + y];
                v.measure(
                    &|| format!("filled_post_days.{title}.y{}", y + 1),
                    Unit::Days,
                    days,
                );
            }
        }
        for y in 0..self.years {
            let hours: f64 = (0..self.workers.len())
                .map(|w| self.years_of(w)[y].travel_hours)
                .sum();
            v.measure(&|| format!("travel_hours.y{}", y + 1), Unit::Hours, hours);
        }

        // cost of each contract year from staffed days and travel (see costs::Projector):
        // summed in exact pence, reported in pounds; over_budget is 1 or 0, so its mean
        // across replications is the probability the year costs more than the budget
        if let Some(projector) = &self.projector {
            let pounds = |p: Pence| p.pence() as f64 / 100.0;
            let flag = |b: bool| if b { 1.0 } else { 0.0 };
            let mut total = Pence::ZERO;
            let mut any_over = false;
            // one buffer for every year's staffed days per title
            let mut filled = vec![0.0; self.titles.len()];
            for y in 0..self.years {
                filled.iter_mut().for_each(|d| *d = 0.0);
                for (w, &t) in self.title_of.iter().enumerate() {
                    filled[t] += self.years_of(w)[y].filled_days;
                }
                let inputs = YearInputs {
                    filled_post_days: filled,
                    travel_hours: (0..self.workers.len())
                        .map(|w| self.years_of(w)[y].travel_hours)
                        .sum(),
                };
                let cost = projector.year(y, &inputs);
                filled = inputs.filled_post_days;
                total = total
                    .checked_add(cost.total)
                    .unwrap_or(Pence::from_pence(i64::MAX));
                any_over |= cost.over_budget;
                let k = y + 1;
                v.measure(&|| names::cost_in_year(k), Unit::Pounds, pounds(cost.total));
                let parts = [
                    ("salary", cost.salary),
                    ("agency", cost.agency),
                    ("mileage", cost.mileage),
                ];
                for (part, amount) in parts {
                    v.measure(
                        &|| names::cost_part_in_year(part, k),
                        Unit::Pounds,
                        pounds(amount),
                    );
                }
                v.measure(
                    &|| names::over_budget_in_year(k),
                    Unit::Share,
                    flag(cost.over_budget),
                );
            }
            v.measure(&|| names::COST_TOTAL.into(), Unit::Pounds, pounds(total));
            v.measure(
                &|| names::OVER_BUDGET_ANY.into(),
                Unit::Share,
                flag(any_over),
            );
            let completions: u64 = self.year_row(Count::Phase1Completions).iter().sum();
            let per_completion = if completions > 0 {
                pounds(total) / completions as f64
            } else {
                f64::NAN
            };
            v.measure(
                &|| names::COST_PER_PHASE1_COMPLETION.into(),
                Unit::Pounds,
                per_completion,
            );
        }
    }

    /// Worker `w`'s tallies by contract year.
    fn years_of(&self, w: usize) -> &[YearTally] {
        &self.worker_years[w * self.years..][..self.years]
    }

    fn worker_advance(&mut self, w: usize, t: f64) {
        let clock = &mut self.clock;
        let tally = &mut self.workers[w];
        let cap_per_day = tally.cap_per_day;
        if let Some(s) = tally.state {
            // measured time: the part after the warm-up (the yearly cost inputs take all)
            let dt = (t - tally.since.max(self.from)).max(0.0);
            let by_year = &mut self.worker_years[w * self.years..][..self.years];
            if s.filled {
                tally.filled_days += dt;
                clock.split(tally.since, t, |y, d| by_year[y].filled_days += d);
            }
            if s.present && s.travel_rate > 0.0 {
                clock.split(tally.since, t, |y, d| {
                    by_year[y].travel_hours += s.travel_rate / 7.0 * d
                });
            }
            if s.present && tally.places > 0.0 {
                let places = tally.places;
                let free = ((cap_per_day * 7.0 - s.committed) / self.intake)
                    .floor()
                    .clamp(0.0, places);
                self.place_days += places * dt;
                self.place_days_used += (places - free) * dt;
            }
            if s.present {
                tally.present_days += dt;
                tally.committed_hours += s.committed / 7.0 * dt;
                tally.capacity_hours += cap_per_day * dt;
                tally.direct_hours += s.direct_rate / 7.0 * dt;
                tally.cross_hours += s.cross_rate / 7.0 * dt;
                tally.travel_hours += s.travel_rate / 7.0 * dt;
            }
        }
        tally.since = t;
    }
}

/// A post's Phase 1 places: the families its direct hours a week hold at once at the
/// heaviest load (`intake` hours a week each).
fn places(direct_hours_per_week: f64, intake: f64) -> f64 {
    if intake > 0.0 {
        (direct_hours_per_week / intake).floor()
    } else {
        0.0
    }
}

/// The number of whole quarters of a year a horizon spans, the last possibly part.
fn quarters(horizon_days: f64) -> usize {
    ((horizon_days / QUARTER_DAYS).ceil() as usize).max(1)
}

/// Kaplan–Meier estimate from waits sorted ascending (at equal times, ended waits before
/// censored ones, the usual convention): the share seen within `target` days,
/// `1 − S(target)`, and the median wait (the first time `S` falls to one half or below;
/// NaN if it never does, or with no waits).
fn kaplan_meier(sorted: impl Iterator<Item = (f64, bool)> + Clone, target: f64) -> (f64, f64) {
    // two passes over the caller's waits, so nothing is collected
    let mut at_risk = sorted.clone().count() as f64;
    if at_risk == 0.0 {
        return (f64::NAN, f64::NAN);
    }
    let mut survival = 1.0;
    let mut at_target = 1.0;
    let mut median = f64::NAN;
    let mut waits = sorted.peekable();
    while let Some((t, first_seen)) = waits.next() {
        let (mut seen, mut leaving) = (f64::from(u8::from(first_seen)), 1.0);
        while let Some(&(_, s)) = waits.peek().filter(|w| w.0 == t) {
            seen += f64::from(u8::from(s));
            leaving += 1.0;
            waits.next();
        }
        survival *= 1.0 - seen / at_risk;
        at_risk -= leaving;
        if t <= target {
            at_target = survival;
        }
        if median.is_nan() && survival <= 0.5 {
            median = t;
        }
    }
    (1.0 - at_target, median)
}

/// Sorts waits ascending.
///
/// Waits are never negative (nor -0.0), so their bit patterns sort like the numbers, and
/// equal bit patterns are equal values, so any sort gives the same array.
fn sort_waits(w: &mut [f64]) {
    debug_assert!(w.iter().all(|x| x.is_sign_positive()));
    w.sort_unstable_by_key(|x| x.to_bits());
}

/// Emits the wait measures of the region (`slug` `None`) or of one authority.
fn wait_measures(v: &mut dyn Visit, slug: Option<&str>, s: (f64, f64, f64, f64)) {
    let name = |measure: &str| match slug {
        Some(slug) => format!("{measure}.{slug}"),
        None => measure.to_string(),
    };
    v.measure(&|| name(names::WAIT), Unit::Days, s.0);
    v.measure(
        &|| name("wait_to_first_meeting_days.median"),
        Unit::Days,
        s.1,
    );
    v.measure(&|| name(names::WAIT_P90), Unit::Days, s.2);
    v.measure(&|| name(names::WAIT_WITHIN_TARGET), Unit::Share, s.3);
}

/// Mean, median, 90th percentile and share within target of sorted waits (NaN if empty).
fn wait_stats(w: &[f64], target: f64) -> (f64, f64, f64, f64) {
    debug_assert!(w.is_sorted_by_key(|x| x.to_bits()));
    let s = crate::stats::sorted_sample_stats(w);
    (
        s.mean,
        s.median,
        s.p90,
        crate::stats::share_at_most(w, target),
    )
}

impl Observer for Recorder {
    fn referral(&mut self, t: SimTime, r: &ReferralFact) {
        let a = r.authority;
        self.count(t, Count::Referrals, a);
        if r.rereferral {
            self.count(t, Count::Rereferrals, a);
        }
        if t.days() >= self.from {
            self.by_agency[r.agency] += 1;
            self.by_need[r.need] += 1;
        }
        if t.days() >= self.from {
            self.quarter_add(t.days(), 0, 1.0);
            if r.route == Route::Accepted {
                let id = r.family as usize;
                if self.accepted_at.len() <= id {
                    self.accepted_at.resize(id + 1, (f64::NAN, 0));
                }
                self.accepted_at[id] = (t.days(), a);
            }
        }
        let c = match r.route {
            Route::AdviceOnly => Count::AdviceSessions,
            Route::NotEligible => Count::NotEligible,
            Route::Declined => Count::Declined,
            Route::Accepted => Count::Accepted,
        };
        self.count(t, c, a);
    }

    fn allocated(&mut self, t: SimTime, x: &AllocationFact) {
        if x.handover {
            self.count(t, Count::Handovers, x.authority);
            return;
        }
        self.end_wait(x.family, x.authority, x.wait_days, true);
        if t.days() < self.from {
            return;
        }
        self.quarter_add(t.days(), 1, 1.0);
        self.quarter_add(t.days(), 3, x.wait_days);
        self.count(t, Count::Allocated, x.authority);
        if x.cross_region {
            self.count(t, Count::CrossRegionAllocations, x.authority);
        }
        if x.rereferral {
            self.count(t, Count::AllocatedRereferrals, x.authority);
        }
        self.waits[x.authority].push(x.wait_days);
        let bin = ((x.wait_days / WAIT_BIN_DAYS) as usize).min(WAIT_BINS - 1);
        self.wait_histogram[x.authority * WAIT_BINS + bin] += 1;
    }

    fn phase1_started(&mut self, t: SimTime, _: u32, a: usize) {
        self.quarter_add(t.days(), 2, 1.0);
        self.count(t, Count::Phase1Starts, a);
    }

    fn phase1_completed(&mut self, t: SimTime, _: u32, a: usize) {
        self.count(t, Count::Phase1Completions, a);
    }

    fn closed(&mut self, t: SimTime, family: u32, a: usize, why: Closure) {
        if why == Closure::Withdrew
            && let Some(&(at, _)) = self.accepted_at.get(family as usize)
        {
            self.end_wait(family, a, t.days() - at, false);
        }
        self.count(t, Count::CasesClosed, a);
        match why {
            Closure::Withdrew => self.count(t, Count::Withdrawn, a),
            Closure::NotTakenOn => self.count(t, Count::NotTakenOn, a),
            Closure::UnplannedExit => self.count(t, Count::UnplannedExits, a),
            Closure::Completed => self.count(t, Count::Phase2Completions, a),
            Closure::CompletedPhase1 => {}
        }
    }

    fn onward_referral(&mut self, t: SimTime, a: usize) {
        self.count(t, Count::OnwardReferrals, a);
    }

    fn rebased(&mut self, t: SimTime, _: usize, _: usize, to: usize) {
        self.count(t, Count::PostsRebased, to);
    }

    fn hours_delivered(&mut self, t: SimTime, w: usize, direct: f64, travel: f64, cross: bool) {
        let y = self.clock.year(t.days());
        // travel is paid for whenever it happens; what is measured starts after the warm-up
        self.worker_years[w * self.years + y].travel_hours += travel;
        let tally = &mut self.workers[w];
        if t.days() < self.from {
            return;
        }
        tally.direct_hours += direct;
        tally.travel_hours += travel;
        if cross {
            tally.cross_hours += direct;
        }
    }

    fn waiting_changed(&mut self, t: SimTime, a: usize, n: u32) {
        self.waiting[a].set(t.days(), f64::from(n), self.from);
    }

    fn open_changed(&mut self, t: SimTime, a: usize, n: u32) {
        self.open[a].set(t.days(), f64::from(n), self.from);
        self.open_now[a] = n;
    }

    fn worker_changed(&mut self, t: SimTime, w: usize, s: &WorkerState) {
        self.worker_advance(w, t.days());
        self.workers[w].state = Some(*s);
    }

    fn sample(&mut self, _: SimTime, week: u32, v: &SampleView<'_>) {
        let week = week as usize;
        if week >= self.weeks {
            return;
        }
        let n = self.authorities.len();
        for a in 0..n {
            let base = (week * n + a) * SERIES.len();
            self.series[base] = f64::from(v.waiting[a]);
            self.series[base + 1] = f64::from(v.open[a]);
            self.series[base + 2] = if v.capacity[a] > 0.0 {
                v.committed[a] / v.capacity[a]
            } else {
                f64::NAN
            };
        }
    }

    fn finish(&mut self, horizon: SimTime) {
        let h = horizon.days();
        for l in self.waiting.iter_mut().chain(self.open.iter_mut()) {
            let v = l.value;
            l.set(h, v, self.from);
        }
        for w in 0..self.workers.len() {
            self.worker_advance(w, h);
        }
        // families still waiting at the horizon: their wait is at least this long
        // (both buffers keep their capacity for the next replication)
        let (accepted_at, km) = (&mut self.accepted_at, &mut self.km);
        for &(at, a) in accepted_at.iter().filter(|(at, _)| at.is_finite()) {
            km.push((h - at, a, false));
        }
        accepted_at.iter_mut().for_each(|slot| slot.0 = f64::NAN);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The largest time before `t` (`t > 0`).
    fn just_before(t: f64) -> f64 {
        f64::from_bits(t.to_bits() - 1)
    }

    #[test]
    fn year_clock_agrees_with_year_index_at_every_boundary() {
        let years = 60;
        let mut clock = YearClock::new(years);
        let mut times = vec![0.0];
        for k in 1..=years + 2 {
            let b = k as f64 * DAYS_PER_YEAR;
            times.extend([just_before(b), b, b + 0.5]);
        }
        // forwards, as a replication asks, and backwards
        let backwards: Vec<f64> = times.iter().rev().copied().collect();
        for t in times.into_iter().chain(backwards) {
            let expected = SimTime::new(t).unwrap().year_index().min(years - 1);
            assert_eq!(clock.year(t), expected, "at {t}");
        }
    }

    #[test]
    fn year_clock_splits_like_split_years() {
        let years = 3;
        let points = [
            0.0,
            1.5,
            364.0,
            just_before(365.0),
            365.0,
            700.0,
            730.0,
            1500.0,
        ];
        for &from in &points {
            for &to in &points {
                let mut expected = Vec::new();
                split_years(from, to, years, |y, d| expected.push((y, d.to_bits())));
                let mut clock = YearClock::new(years);
                // a clock left at another year must not matter
                clock.year(to + 400.0);
                let mut got = Vec::new();
                clock.split(from, to, |y, d| got.push((y, d.to_bits())));
                assert_eq!(got, expected, "[{from}, {to})");
            }
        }
    }

    #[test]
    fn kaplan_meier_matches_a_hand_computed_example() {
        // seen at 1, censored at 2, seen at 3 and 4: S(1) = 3/4, S(3) = 3/4 × 1/2
        let waits = [(1.0, true), (2.0, false), (3.0, true), (4.0, true)];
        let (within, median) = kaplan_meier(waits.into_iter(), 2.5);
        assert_eq!(within, 0.25);
        assert_eq!(median, 3.0);
        // nobody seen: none within, no median
        let (within, median) = kaplan_meier([(5.0, false)].into_iter(), 7.0);
        assert_eq!(within, 0.0);
        assert!(median.is_nan());
        assert!(kaplan_meier(std::iter::empty(), 7.0).0.is_nan());
    }
}
