//! Staff availability timelines, drawn once per post at the start of a replication.
//!
//! Each post's timeline comes from the post's own stream, so it is the same whatever
//! the allocation policy: first recruitment, then employment spells ended by turnover
//! (a constant hazard matching the yearly leaving probability) and followed by a
//! vacancy lasting a recruitment delay. Within each spell, leave and sickness arrive as
//! Poisson processes; leave spells have a fixed length, sickness spells a drawn one.
//! Absences are clipped to the spell they fall in.

use super::queue::StaffChange;
use crate::model::Availability;
use crate::rng::Rng;
use rand_distr::{Distribution, Exp1};

/// Days in a year, for converting yearly rates.
const YEAR: f64 = crate::time::DAYS_PER_YEAR;

/// The constant daily hazard with this yearly leaving probability.
fn hazard(per_year: f64) -> f64 {
    if per_year > 0.0 {
        -(1.0 - per_year).ln() / YEAR
    } else {
        0.0
    }
}

/// The time after `start` at which the cumulative leaving hazard reaches `e` (a unit
/// exponential draw): `usual` per day, and `window` per day in the last
/// `c.window_days` of each contract of `c.days`.
fn leaving_time(start: f64, e: f64, usual: f64, c: &crate::model::ContractEnd, window: f64) -> f64 {
    let mut t = start;
    let mut left = e;
    // at most two segments a contract; a bound keeps a zero-hazard stretch from looping
    for _ in 0..100_000 {
        let k = (t / c.days).floor();
        let window_start = (k + 1.0) * c.days - c.window_days;
        let (h, segment_end) = if t < window_start {
            (usual, window_start)
        } else {
            (window, (k + 1.0) * c.days)
        };
        let segment_end = if segment_end <= t {
            // rounding at a boundary: step into the next contract
            (k + 1.0) * c.days + c.days.max(1.0) * 1e-12
        } else {
            segment_end
        };
        if h > 0.0 && left <= h * (segment_end - t) {
            return t + left / h;
        }
        left -= h * (segment_end - t);
        t = segment_end;
    }
    f64::INFINITY
}

/// Append `(time, change)` pairs for one post over `[0, horizon]` to `out`, in the order
/// they must be processed when times tie (absence ends before a leaving).
pub(crate) fn timeline(
    a: &Availability,
    horizon: f64,
    rng: &mut Rng,
    out: &mut Vec<(f64, StaffChange)>,
) {
    let exp = |rng: &mut Rng, rate: f64| -> f64 {
        if rate <= 0.0 {
            f64::INFINITY
        } else {
            let e: f64 = Exp1.sample(rng);
            e / rate
        }
    };
    let leave_rate = if a.annual_leave_days > 0.0 {
        a.annual_leave_days / a.leave_spell_days / YEAR
    } else {
        0.0
    };
    let sick_rate = a.sickness_spells_per_year / YEAR;
    let leaving_hazard = if a.turnover_per_year > 0.0 {
        -(1.0 - a.turnover_per_year).ln() / YEAR
    } else {
        0.0
    };

    let mut start = a
        .initial_recruitment
        .as_ref()
        .map_or(0.0, |d| d.sample(rng));
    if start > 0.0 {
        if start > horizon {
            return; // never filled within the horizon: starts (and stays) vacant
        }
        out.push((start, StaffChange::Join));
    } else {
        out.push((0.0, StaffChange::Join));
        start = 0.0;
    }
    loop {
        let end = match a.contract_end {
            // one draw, as without it, turned into a time through the piecewise hazard
            Some(c) => {
                let window_hazard = hazard(c.turnover_per_year);
                if leaving_hazard <= 0.0 && window_hazard <= 0.0 {
                    f64::INFINITY
                } else {
                    let e: f64 = Exp1.sample(rng);
                    leaving_time(start, e, leaving_hazard, &c, window_hazard)
                }
            }
            None => start + exp(rng, leaving_hazard),
        };
        let spell_end = end.min(horizon);
        // leave: fixed-length spells
        let mut t = start + exp(rng, leave_rate);
        while t < spell_end {
            out.push((t, StaffChange::AbsenceStart));
            out.push((
                (t + a.leave_spell_days).min(spell_end),
                StaffChange::AbsenceEnd,
            ));
            t += exp(rng, leave_rate);
        }
        // sickness: drawn durations
        let mut t = start + exp(rng, sick_rate);
        while t < spell_end {
            let d = a.sickness_duration.as_ref().map_or(0.0, |d| d.sample(rng));
            out.push((t, StaffChange::AbsenceStart));
            out.push(((t + d).min(spell_end), StaffChange::AbsenceEnd));
            t += exp(rng, sick_rate);
        }
        if end >= horizon {
            return;
        }
        out.push((end, StaffChange::Leave));
        let vacancy = a.recruitment_delay.as_ref().map_or(0.0, |d| d.sample(rng));
        start = end + vacancy;
        if start > horizon {
            return;
        }
        out.push((start, StaffChange::Join));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::Dist;
    use crate::rng::{StreamId, Streams};

    fn availability() -> Availability {
        Availability {
            annual_leave_days: 35.0,
            leave_spell_days: 5.0,
            sickness_spells_per_year: 1.5,
            sickness_duration: Some(Dist::lognormal(6.0, 8.0).unwrap()),
            turnover_per_year: 0.12,
            recruitment_delay: Some(Dist::uniform(60.0, 150.0).unwrap()),
            initial_recruitment: Some(Dist::uniform(0.0, 90.0).unwrap()),
            contract_end: None,
        }
    }

    /// Absent days a year, averaged over many posts, match leave + sickness while filled.
    #[test]
    fn absence_and_vacancy_rates_match_their_parameters() {
        let a = Availability {
            turnover_per_year: 0.0,
            recruitment_delay: None,
            initial_recruitment: None,
            ..availability()
        };
        let horizon = 365.0 * 20.0;
        let mut absent = 0.0;
        let posts = 200;
        for post in 0..posts {
            let mut rng = Streams::new(3, 0).stream(StreamId::Staff { key: post as u64 });
            let mut out = Vec::new();
            timeline(&a, horizon, &mut rng, &mut out);
            let mut starts = Vec::new();
            for (t, c) in out {
                match c {
                    StaffChange::AbsenceStart => starts.push(t),
                    StaffChange::AbsenceEnd => absent += t - starts.remove(0),
                    _ => {}
                }
            }
        }
        let per_year = absent / f64::from(posts) / 20.0;
        // 35 days leave + 1.5 × 6 days sickness = 44 days a year (a little less: clipping)
        assert!(
            (per_year - 44.0).abs() < 1.5,
            "absent days a year {per_year}"
        );
    }

    #[test]
    fn turnover_gives_the_yearly_leaving_probability() {
        let a = Availability {
            annual_leave_days: 0.0,
            sickness_spells_per_year: 0.0,
            sickness_duration: None,
            initial_recruitment: None,
            ..availability()
        };
        let posts = 20_000;
        let mut left_in_first_year = 0;
        for post in 0..posts {
            let mut rng = Streams::new(5, 0).stream(StreamId::Staff { key: post as u64 });
            let mut out = Vec::new();
            timeline(&a, 365.0, &mut rng, &mut out);
            if out.iter().any(|(_, c)| *c == StaffChange::Leave) {
                left_in_first_year += 1;
            }
        }
        let p = f64::from(left_in_first_year) / f64::from(posts);
        assert!((p - 0.12).abs() < 0.01, "leaving probability {p}");
    }

    #[test]
    fn events_stay_within_the_horizon_and_pair_up() {
        for post in 0..100 {
            let mut rng = Streams::new(9, 1).stream(StreamId::Staff { key: post as u64 });
            let mut out = Vec::new();
            timeline(&availability(), 1095.0, &mut rng, &mut out);
            let mut depth = 0i32;
            for (t, c) in &out {
                assert!((0.0..=1095.0).contains(t));
                match c {
                    StaffChange::AbsenceStart => depth += 1,
                    StaffChange::AbsenceEnd => depth -= 1,
                    _ => {}
                }
            }
            assert_eq!(depth, 0);
        }
    }

    #[test]
    fn the_leaving_time_follows_the_piecewise_hazard() {
        let c = crate::model::ContractEnd {
            days: 1095.0,
            window_days: 182.0,
            turnover_per_year: 0.5,
        };
        // the same hazard throughout: the plain exponential time
        let h = hazard(0.12);
        let t = leaving_time(10.0, 0.3, h, &c, h);
        assert!((t - (10.0 + 0.3 / h)).abs() < 1e-9, "{t}");
        // no usual leaving: only inside the window, which starts at day 913
        let w = hazard(0.5);
        assert!((leaving_time(0.0, 0.01, 0.0, &c, w) - (913.0 + 0.01 / w)).abs() < 1e-9);
        // a draw too large for the first window carries into the next contract's
        let first = w * 182.0;
        let t = leaving_time(0.0, first + 0.01, 0.0, &c, w);
        assert!((t - (1095.0 + 913.0 + 0.01 / w)).abs() < 1e-6, "{t}");
        // nothing to leave by: never
        assert!(leaving_time(0.0, 1.0, 0.0, &c, 0.0).is_infinite());
    }
}
