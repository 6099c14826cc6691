//! Simulated time.
//!
//! The one unit of time is the **day**. [`SimTime`] is a point on the simulated clock,
//! measured in days from the start of the run. It wraps an `f64` that is always finite
//! and never negative, so it has a total order and can key the event queue directly.
//! Calendar boundaries (weeks, quarters, years) are computed as `k * period`, never by
//! repeated addition, so they do not drift.

use std::cmp::Ordering;

/// Days in a simulated year (the model's year is 365 days; leap days are ignored).
pub const DAYS_PER_YEAR: f64 = 365.0;
/// Days in a week.
pub const DAYS_PER_WEEK: f64 = 7.0;

/// A point in simulated time, in days from the start of the run.
///
/// Invariant: finite and `>= 0`. Constructed only through [`SimTime::new`] (which checks)
/// or arithmetic that keeps the invariant.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct SimTime(f64);

impl SimTime {
    /// The start of the run.
    pub const ZERO: SimTime = SimTime(0.0);

    /// A time `days` after the start; `None` if `days` is negative, NaN or infinite.
    pub fn new(days: f64) -> Option<SimTime> {
        // `+ 0.0` turns -0.0 into 0.0, so the bit pattern orders like the number
        (days.is_finite() && days >= 0.0).then_some(SimTime(days + 0.0))
    }

    /// Days since the start of the run.
    pub fn days(self) -> f64 {
        self.0
    }

    /// This time plus a duration: never earlier, since a [`Days`] is never negative.
    pub fn after(self, d: Days) -> SimTime {
        SimTime(self.0 + d.0)
    }

    /// The duration from this time until `later` days since the start; zero if that
    /// moment has passed (a review already due is due now).
    pub fn until(self, later: f64) -> Days {
        Days::new(later - self.0).unwrap_or(Days::ZERO)
    }

    /// Days elapsed from `earlier` to `self` (never negative for a monotone clock).
    pub fn since(self, earlier: SimTime) -> f64 {
        self.0 - earlier.0
    }

    /// A 64-bit key that orders exactly like the time (non-negative floats order like
    /// their bit patterns).
    pub fn key(self) -> u64 {
        self.0.to_bits()
    }

    /// The time whose [`SimTime::key`] is `key`.
    pub(crate) fn from_key(key: u64) -> SimTime {
        SimTime(f64::from_bits(key))
    }

    /// The zero-based contract year this time falls in.
    pub fn year_index(self) -> usize {
        (self.0 / DAYS_PER_YEAR) as usize
    }
}

/// A span of simulated time in days.
///
/// Invariant: finite and `>= 0`. Built by [`Days::new`] (which checks), by
/// [`SimTime::until`], or from a draw of a validated distribution
/// ([`crate::dist::Dist::sample_days`]), so adding one to a [`SimTime`] never moves time
/// backwards and needs no check at the point of use.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default)]
#[repr(transparent)]
pub struct Days(f64);

impl Days {
    /// No time.
    pub const ZERO: Days = Days(0.0);

    /// `days` days; `None` if negative, NaN or infinite.
    pub fn new(days: f64) -> Option<Days> {
        (days.is_finite() && days >= 0.0).then_some(Days(days + 0.0))
    }

    /// The number of days.
    pub fn days(self) -> f64 {
        self.0
    }

    /// This span scaled by a fraction in `[0, 1]` (e.g. the part of Phase 1 served before
    /// an unplanned exit).
    pub fn times(self, fraction: f64) -> Days {
        debug_assert!((0.0..=1.0).contains(&fraction), "bad fraction {fraction}");
        Days::new(self.0 * fraction).unwrap_or(Days::ZERO)
    }
}

impl Eq for SimTime {}

impl PartialOrd for SimTime {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for SimTime {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// The `k`-th boundary of a calendar with the given period, computed without drift.
pub fn boundary(k: u64, period_days: f64) -> SimTime {
    SimTime(k as f64 * period_days)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_non_finite_and_negative_times() {
        assert!(SimTime::new(f64::NAN).is_none());
        assert!(SimTime::new(f64::INFINITY).is_none());
        assert!(SimTime::new(-1e-9).is_none());
        assert_eq!(SimTime::new(0.0), Some(SimTime::ZERO));
    }

    #[test]
    fn durations_are_finite_and_never_negative() {
        assert!(Days::new(-1e-12).is_none());
        assert!(Days::new(f64::NAN).is_none());
        assert!(Days::new(f64::INFINITY).is_none());
        assert_eq!(
            Days::new(-0.0).map(|d| d.days().to_bits()),
            Some(0.0f64.to_bits())
        );
        assert_eq!(Days::new(4.0).unwrap().times(0.25).days(), 1.0);
    }

    #[test]
    fn order_is_total_and_numeric() {
        let a = SimTime::new(1.0).unwrap();
        let b = SimTime::new(2.5).unwrap();
        assert!(a < b);
        assert_eq!(a.after(Days::new(1.5).unwrap()), b);
        assert_eq!(a.until(2.5), Days::new(1.5).unwrap());
        assert_eq!(b.until(1.0), Days::ZERO);
        assert_eq!(b.since(a), 1.5);
    }

    #[test]
    fn weekly_boundaries_do_not_drift_over_ten_thousand_periods() {
        let mut added = 0.0_f64;
        for _ in 0..10_000 {
            added += 0.1;
        }
        // repeated addition drifts ...
        assert_ne!(added, 1000.0);
        // ... boundaries computed as k * period do not
        assert_eq!(boundary(10_000, 0.1).days(), 10_000.0 * 0.1);
        assert_eq!(boundary(52, DAYS_PER_WEEK).days(), 364.0);
    }

    #[test]
    fn year_index_counts_whole_years() {
        assert_eq!(SimTime::new(0.0).unwrap().year_index(), 0);
        assert_eq!(SimTime::new(364.9).unwrap().year_index(), 0);
        assert_eq!(SimTime::new(365.0).unwrap().year_index(), 1);
    }
}
