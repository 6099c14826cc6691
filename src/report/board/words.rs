//! The phrasing the sections share: a figure with its interval, a paired difference with
//! its direction, money, percentages and the policies' names, so each reads the same
//! wherever it is quoted.

use super::BoardInput;
use crate::report::summary::{Kpi, RunSummary};

/// A measure's mean over replications, when it was observed.
pub(super) fn mean(s: &RunSummary, name: &str) -> Option<f64> {
    s.kpis.get(name).and_then(|k| k.mean)
}

/// A measure's summary by name.
pub(super) fn kpi<'a>(s: &'a RunSummary, name: &str) -> Option<&'a Kpi> {
    s.kpis.get(name)
}

/// "4.0 days (95% CI 3.8 to 4.2)".
pub(super) fn with_ci(k: Option<&Kpi>, unit: &str, decimals: usize) -> String {
    match k.and_then(|k| k.mean.map(|m| (m, k.ci95))) {
        Some((m, Some([lo, hi]))) => {
            format!("{m:.decimals$}{unit} (95% CI {lo:.decimals$} to {hi:.decimals$})")
        }
        Some((m, None)) => format!("{m:.decimals$}{unit}"),
        None => "not observed".into(),
    }
}

/// A paired difference in words, its size first: "1.6 days shorter (95% CI 1.5 to 1.7, …)",
/// "6.7 more families start Phase 1 (95% CI 6.2 to 7.2, …)". `words` are (above zero,
/// below zero); the interval is turned round with the sign; `note` closes the bracket.
pub(super) fn change_words(
    mean: f64,
    [lo, hi]: [f64; 2],
    unit: &str,
    words: (&str, &str),
    note: &str,
) -> String {
    let (size, word, lo, hi) = if mean < 0.0 {
        (-mean, words.1, -hi, -lo)
    } else {
        (mean, words.0, lo, hi)
    };
    format!("{size:.1}{unit} {word} (95% CI {lo:.1} to {hi:.1}, {note})")
}

/// "95% CI 3.8 to 4.2 days": the interval alone, for a figure whose value is shown beside it.
pub(super) fn ci_only(k: Option<&Kpi>, unit: &str, decimals: usize) -> String {
    match k.and_then(|k| k.ci95) {
        Some([lo, hi]) => format!("95% CI {lo:.decimals$} to {hi:.decimals$}{unit}"),
        None => "one replication gives no interval".into(),
    }
}

pub(super) fn pct(x: f64) -> String {
    crate::report::percent(x)
}

pub(super) fn pounds(x: f64) -> String {
    crate::money::Pence::from_pounds_f64_exact(x.round())
        .map_or_else(|| format!("£{x:.0}"), |p| p.to_string())
}

/// How the report names a compared batch: a policy in words, or a variant by its label.
pub(super) fn policy_words(name: &str) -> String {
    let words = match name {
        "proportional" => "Proportional (ring-fenced by authority)",
        "demand-led" => "Demand-led (shared when families wait)",
        "pooled" => "Pooled (one regional queue)",
        "rebased" => "Rebased (ring-fenced, posts moved toward demand at each review)",
        other => return other.to_string(),
    };
    words.to_string()
}

/// `words` when the report compares policies, else the one policy's name as "under …".
pub(super) fn per_policy(input: &BoardInput<'_>, words: &str) -> String {
    match input.summaries {
        [one] => format!(" under {}", one.label),
        _ => words.to_string(),
    }
}

/// A signed difference in its unit's precision: whole pounds, else two decimals.
pub(super) fn signed_in(x: f64, unit: &str) -> String {
    match unit {
        "pounds" => {
            let sign = if x.round() < 0.0 {
                "−"
            } else if x.round() > 0.0 {
                "+"
            } else {
                ""
            };
            format!("{sign}{}", pounds(x.abs()))
        }
        _ => crate::report::signed(x, 2),
    }
}

/// The bands a register's words stand for, e.g. "Low 0% to 15%, Major 30 or more".
pub(super) fn band_words(bands: &[crate::risks::Band], value: impl Fn(f64) -> String) -> String {
    bands
        .iter()
        .map(|b| match b.high.is_finite() {
            true => format!("{} {} to {}", b.name, value(b.low), value(b.high)),
            false => format!("{} {} or more", b.name, value(b.low)),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// How long the simulation covers, in words: "three years (1,095 days)" for whole
/// 365-day years, else "400 days (2 contract years, the last part of one)".
pub(super) fn span_words(m: &crate::model::Model) -> String {
    let d = m.horizon_days();
    let years = d / crate::time::DAYS_PER_YEAR;
    let day_words = if d.fract() == 0.0 && d >= 1000.0 {
        format!("{},{:03} days", (d as u64) / 1000, (d as u64) % 1000)
    } else {
        crate::report::days(d)
    };
    const NUMBERS: [&str; 11] = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    ];
    if years.fract() == 0.0 && (1.0..=10.0).contains(&years) {
        let n = years as usize;
        format!(
            "{} {} ({day_words})",
            NUMBERS[n],
            if n == 1 { "year" } else { "years" }
        )
    } else {
        format!(
            "{day_words} ({})",
            crate::report::counted(m.years() as u64, "contract year", "contract years")
        )
    }
}

/// Plain words for the last part of a scenario field's path, and its unit when it has one.
const FIELD_WORDS: &[(&str, &str, &str)] = &[
    // (path suffix, words, unit)
    (
        "referral_scale",
        "referral rate, as a multiple of every authority's",
        "×",
    ),
    (
        "workload_scale",
        "work each family needs, as a multiple of the assumed hours",
        "×",
    ),
    (
        "patience.mean",
        "how long a family waits before giving up, on average",
        "days",
    ),
    ("routes.hours", "travel time one way", "hours"),
    (
        "share_after_days",
        "sharing threshold: how long a family waits before another base may take it",
        "days",
    ),
    (
        "rereferral.probability",
        "chance a closed family is referred again",
        "share",
    ),
    (
        "turnover_per_year",
        "staff turnover: chance a post holder leaves within a year",
        "share",
    ),
    (
        "sickness_spells_per_year",
        "sickness absences a year per post",
        "spells",
    ),
    (
        "annual_leave_days",
        "annual leave per post, bank holidays included",
        "days",
    ),
    ("referrals_per_year", "first referrals a year", "a year"),
    (
        "referral_target_per_year",
        "the board's target of first referrals a year",
        "a year",
    ),
    ("horizon_days", "length of each simulated run", "days"),
    ("replications", "simulated runs", "runs"),
    (
        "seed",
        "random-number seed (fixes the runs, so they can be repeated)",
        "",
    ),
    (
        "wait_target_days",
        "target from acceptance to a first meeting",
        "days",
    ),
    (
        "direct_ratio",
        "share of working time spent with families",
        "share",
    ),
    ("hours_per_week", "hours a week", "hours"),
    ("count", "posts", "posts"),
    ("hours", "hours", "hours"),
    ("budget", "budget a year", "£"),
    ("probability", "probability", "share"),
    (
        "advice_only",
        "share of referrals given advice only",
        "share",
    ),
    ("advice_hours", "hours one advice session takes", "hours"),
    ("not_eligible", "share of referrals not eligible", "share"),
    ("declined", "share of families who decline", "share"),
    (
        "onward_referral",
        "share referred on to a specialist agency after Phase 1",
        "share",
    ),
    ("unplanned_exit", "share leaving Phase 1 unplanned", "share"),
    (
        "to_phase1",
        "share of assessed families starting Phase 1",
        "share",
    ),
    ("population", "population", "people"),
    ("pay_award", "annual pay award", "share"),
];

/// Short names, for a picture's row labels, of the fields a sensitivity analysis varies.
const SHORT_WORDS: &[(&str, &str)] = &[
    ("referral_scale", "referral rate (× every authority's)"),
    ("workload_scale", "work each family needs (×)"),
    ("patience.mean", "patience before giving up (days)"),
    ("share_after_days", "sharing threshold (days)"),
    ("rereferral.probability", "chance of re-referral"),
    ("turnover_per_year", "staff turnover a year"),
    ("sickness_spells_per_year", "sickness spells a year"),
    ("routes.hours", "travel time (hours)"),
    ("referrals_per_year", "first referrals a year"),
    ("direct_ratio", "share of time with families"),
    ("count", "posts"),
];

/// A scenario field's short name in words, for a picture's row label: "sharing threshold
/// (days)"; a list entry keeps its name ("Swansea: first referrals a year").
pub(crate) fn field_short(path: &str) -> String {
    let (long, _) = field_and_unit(path);
    let plain: String = path
        .split('.')
        .map(|p| p.split('[').next().unwrap_or(p))
        .collect::<Vec<_>>()
        .join(".");
    match SHORT_WORDS
        .iter()
        .find(|(suffix, _)| plain == *suffix || plain.ends_with(&format!(".{suffix}")))
    {
        Some((_, short)) => match long.split_once(": ") {
            Some((entry, _)) if path.contains('[') => format!("{entry}: {short}"),
            _ => short.to_string(),
        },
        None => long,
    }
}

/// A scenario field in plain words, e.g. `pathway.patience.mean` → "how long a family waits
/// before giving up, on average (days)" and `travel.routes[0].hours` → "route 1: travel
/// time one way (hours)"; an unknown field reads as its last name with spaces for `_`.
pub(crate) fn field_words(path: &str) -> String {
    let (words, unit) = field_and_unit(path);
    match unit {
        "days" | "hours" => format!("{words} ({unit})"),
        _ => words,
    }
}

/// [`field_words`] without the unit, and the unit.
pub(crate) fn field_and_unit(path: &str) -> (String, &'static str) {
    // the part of the path that names a list entry, in words: "Swansea", "route 1"
    let mut qualifiers = Vec::new();
    let mut plain = Vec::new();
    for part in path.split('.') {
        match part.split_once('[') {
            Some((name, rest)) => {
                let key = rest.trim_end_matches(']');
                let what = match name {
                    "routes" => "route",
                    "authorities" => "",
                    "staff" => "staff line",
                    "salary" => "salary line",
                    "non_salary" => "cost line",
                    "register" => "risk",
                    other => other,
                };
                qualifiers.push(match key.parse::<usize>() {
                    Ok(i) if what.is_empty() => format!("authority {}", i + 1),
                    Ok(i) => format!("{what} {}", i + 1),
                    Err(_) => key.trim_matches('"').to_string(),
                });
                plain.push(name);
            }
            None => plain.push(part),
        }
    }
    let joined = plain.join(".");
    let (words, unit) = FIELD_WORDS
        .iter()
        .find(|(suffix, ..)| joined == *suffix || joined.ends_with(&format!(".{suffix}")))
        .map_or_else(
            || {
                let last = plain.last().copied().unwrap_or(path);
                (last.replace('_', " "), "")
            },
            |(_, w, u)| (w.to_string(), *u),
        );
    if qualifiers.is_empty() {
        (words, unit)
    } else {
        (format!("{}: {words}", qualifiers.join(", ")), unit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences_read_with_their_direction_and_a_turned_interval() {
        assert_eq!(
            change_words(
                -1.57,
                [-1.68, -1.47],
                " days",
                ("longer", "shorter"),
                "real"
            ),
            "1.6 days shorter (95% CI 1.5 to 1.7, real)"
        );
        assert_eq!(
            change_words(6.7, [6.2, 7.2], "", ("more start", "fewer start"), "real"),
            "6.7 more start (95% CI 6.2 to 7.2, real)"
        );
    }

    #[test]
    fn scenario_fields_read_as_words() {
        assert_eq!(
            field_words("pathway.patience.mean"),
            "how long a family waits before giving up, on average (days)"
        );
        assert_eq!(
            field_words("simulation.referral_scale"),
            "referral rate, as a multiple of every authority's"
        );
        assert_eq!(
            field_words("travel.routes[0].hours"),
            "route 1: travel time one way (hours)"
        );
        assert_eq!(
            field_words("authorities[Swansea].referrals_per_year"),
            "Swansea: first referrals a year"
        );
        assert_eq!(field_words("staff[5].count"), "staff line 6: posts");
        assert_eq!(field_words("policy.matching"), "matching");
        assert_eq!(
            field_short("policy.share_after_days"),
            "sharing threshold (days)"
        );
        assert_eq!(
            field_short("travel.routes[0].hours"),
            "route 1: travel time (hours)"
        );
        assert_eq!(field_short("policy.matching"), "matching");
    }
}
