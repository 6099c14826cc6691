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

/// A calendar date (proleptic Gregorian), as days since 1970-01-01: for data recorded
/// by date, such as referrals. The simulated clock itself has no calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(i64);

impl Date {
    /// The date `days` after 1970-01-01 (before it when negative).
    pub fn from_days(days: i64) -> Date {
        Date(days)
    }

    /// Days since 1970-01-01.
    pub fn days(self) -> i64 {
        self.0
    }

    /// The date of a year, month (1–12) and day (1–31), if it exists.
    pub fn from_ymd(year: i64, month: u32, day: u32) -> Option<Date> {
        if !(1..=12).contains(&month) || day == 0 || !(1..=9999).contains(&year) {
            return None;
        }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let length = match month {
            2 if leap => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        if day > length {
            return None;
        }
        // days from civil (H. Hinnant's algorithm)
        let y = if month <= 2 { year - 1 } else { year };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Some(Date(era * 146_097 + doe - 719_468))
    }

    /// Year, month and day.
    pub fn ymd(self) -> (i64, u32, u32) {
        let z = self.0 + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = yoe + era * 400 + i64::from(month <= 2);
        (year, month, day)
    }
}

impl std::str::FromStr for Date {
    type Err = String;

    /// `YYYY-MM-DD`, e.g. `2014-04-01`.
    fn from_str(s: &str) -> Result<Date, String> {
        let bad = || format!("{s:?} is not a date written YYYY-MM-DD (e.g. 2014-04-01)");
        let mut parts = s.trim().split('-');
        let (Some(y), Some(m), Some(d), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad());
        };
        let digits = |t: &str, n: usize| t.len() == n && t.bytes().all(|b| b.is_ascii_digit());
        if !(digits(y, 4) && digits(m, 2) && digits(d, 2)) {
            return Err(bad());
        }
        let (y, m, d) = (
            y.parse().map_err(|_| bad())?,
            m.parse().map_err(|_| bad())?,
            d.parse().map_err(|_| bad())?,
        );
        Date::from_ymd(y, m, d).ok_or_else(|| format!("{s:?} is not a day of the calendar"))
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_print_and_count_days() {
        assert_eq!("1970-01-01".parse::<Date>().unwrap().days(), 0);
        assert_eq!("2000-03-01".parse::<Date>().unwrap().days(), 11_017);
        for days in [-700_000, -1, 0, 59, 60, 11_016, 16_436, 20_000, 2_900_000] {
            let d = Date::from_days(days);
            assert_eq!(d.to_string().parse::<Date>().unwrap(), d, "{d}");
        }
        assert_eq!(Date::from_days(16_436).to_string(), "2015-01-01");
        for bad in [
            "2015-02-29",
            "2015-13-01",
            "2015-1-01",
            "15-01-01",
            "2015/01/01",
            "x",
            "",
        ] {
            assert!(bad.parse::<Date>().is_err(), "{bad}");
        }
        assert!("2016-02-29".parse::<Date>().is_ok());
    }

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
