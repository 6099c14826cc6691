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
}
