//! Plain-text tables for the terminal.

use super::summary::{Kpi, RunSummary};
use crate::measures::names;
use crate::model::Model;
use std::fmt::Write;

/// How to show a row's numbers.
#[derive(Clone, Copy)]
enum Fmt {
    Count,
    Days,
    Percent,
    Hours,
}

/// Where a row's per-authority figure comes from.
#[derive(Clone, Copy)]
enum Per {
    /// The measure for the families of the authority ([`names::of_area`]).
    Area,
    /// The measure for the staff based there ([`names::at_base`]).
    Base,
}

/// A summary row: label, the measure for the region, and where each authority's is.
const ROWS: &[(&str, &str, Per, Fmt)] = &[
    ("Referrals", names::REFERRALS, Per::Area, Fmt::Count),
    (
        "  of which re-referrals",
        names::REREFERRALS,
        Per::Area,
        Fmt::Count,
    ),
    (
        "Advice / consultation only",
        names::ADVICE_SESSIONS,
        Per::Area,
        Fmt::Count,
    ),
    (
        "Rejected: not eligible",
        "rejected_not_eligible",
        Per::Area,
        Fmt::Count,
    ),
    (
        "Rejected: family declined",
        "rejected_declined",
        Per::Area,
        Fmt::Count,
    ),
    ("Accepted", names::ACCEPTED, Per::Area, Fmt::Count),
    (
        "Withdrew while waiting",
        names::WITHDRAWN_WHILE_WAITING,
        Per::Area,
        Fmt::Count,
    ),
    (
        "Allocated (first meeting)",
        names::ALLOCATED,
        Per::Area,
        Fmt::Count,
    ),
    (
        "Wait to first meeting, mean",
        names::WAIT,
        Per::Area,
        Fmt::Days,
    ),
    (
        "Wait to first meeting, 90th pct",
        names::WAIT_P90,
        Per::Area,
        Fmt::Days,
    ),
    (
        "Seen within target",
        names::WAIT_WITHIN_TARGET,
        Per::Area,
        Fmt::Percent,
    ),
    (
        "Phase 1 starts (family plans)",
        names::PHASE1_STARTS,
        Per::Area,
        Fmt::Count,
    ),
    (
        "Phase 1 completions",
        names::PHASE1_COMPLETIONS,
        Per::Area,
        Fmt::Count,
    ),
    ("Unplanned exits", "unplanned_exits", Per::Area, Fmt::Count),
    (
        "Completed final review",
        names::PHASE2_COMPLETIONS,
        Per::Area,
        Fmt::Count,
    ),
    ("Cases closed", "cases_closed", Per::Area, Fmt::Count),
    ("Open at the end", names::OPEN_AT_END, Per::Area, Fmt::Count),
    (
        "Waiting list, time-average",
        names::WAITING_MEAN,
        Per::Area,
        Fmt::Count,
    ),
    (
        "Cross-region allocations",
        names::CROSS_REGION_ALLOCATIONS,
        Per::Area,
        Fmt::Count,
    ),
    (
        "Staff utilisation (by base)",
        names::UTILISATION,
        Per::Base,
        Fmt::Percent,
    ),
    (
        "Direct-contact ratio (by base)",
        names::DIRECT_CONTACT_RATIO,
        Per::Base,
        Fmt::Percent,
    ),
    (
        "Travel hours (by base)",
        names::TRAVEL_HOURS,
        Per::Base,
        Fmt::Hours,
    ),
];

fn cell(k: Option<&Kpi>, f: Fmt) -> String {
    let Some(k) = k else { return "-".into() };
    let Some(m) = k.mean else { return "n/a".into() };
    let half = k.ci95.map(|[lo, hi]| (hi - lo) / 2.0);
    match f {
        Fmt::Count | Fmt::Hours => match half {
            Some(h) => format!("{m:.1} ±{h:.1}"),
            None => format!("{m:.1}"),
        },
        Fmt::Days => match half {
            Some(h) => format!("{m:.1}d ±{h:.1}"),
            None => format!("{m:.1}d"),
        },
        Fmt::Percent => match half {
            Some(h) => format!("{:.1}% ±{:.1}", m * 100.0, h * 100.0),
            None => format!("{:.1}%", m * 100.0),
        },
    }
}

/// A table with one column for the region and one per authority: each cell the mean
/// over replications ± the half-width of its 95% confidence interval.
pub fn summary_table(model: &Model, s: &RunSummary) -> String {
    let auths = model.authorities();
    let mut header = vec!["".to_string(), "Region".to_string()];
    header.extend(auths.iter().map(|a| a.name().to_string()));
    let mut rows = vec![header];
    for (label, total, per, f) in ROWS {
        let mut row = vec![label.to_string(), cell(s.kpis.get(total), *f)];
        for a in auths {
            let name = match per {
                Per::Area => names::of_area(total, a.slug()),
                Per::Base => names::at_base(total, a.slug()),
            };
            row.push(cell(s.kpis.get(&name), *f));
        }
        rows.push(row);
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} — policy {}, {} of {}, seed {}",
        s.title,
        s.policy,
        super::counted(s.replications, "replication", "replications"),
        super::days(s.horizon_days),
        s.seed
    );
    let _ = writeln!(
        out,
        "Each cell: mean over replications ± half-width of the 95% confidence interval (counts are over {}){}.\n",
        if s.warm_up_days > 0.0 {
            format!(
                "the {} after a warm-up of {}",
                super::days(s.horizon_days - s.warm_up_days),
                super::days(s.warm_up_days)
            )
        } else {
            "the whole horizon".to_string()
        },
        if s.replications < 2 {
            "; one replication gives no interval"
        } else {
            ""
        }
    );
    out.push_str(&align(&rows));
    if let Some(p) = &s.precision {
        let achieved = p
            .achieved
            .map_or("undefined".to_string(), |a| format!("±{:.2}%", a * 100.0));
        let _ = writeln!(
            out,
            "\nPrecision of {}: {achieved} of the mean with {} replications (target ±{:.2}%{}).",
            p.measure,
            p.replications,
            p.target * 100.0,
            match p.met {
                true => ", met".to_string(),
                false => format!(", NOT met: {}", p.reason),
            }
        );
    }
    out
}

/// Append `text` as a paragraph indented by two spaces, its words wrapped so no line is
/// wider than `width` columns (a longer word stands alone), continuation lines indented by
/// `hanging` spaces, and a final newline.
pub fn wrap_paragraph(out: &mut String, text: &str, width: usize, hanging: usize) {
    let mut column = 0;
    for word in text.split_whitespace() {
        let len = word.chars().count();
        if column == 0 {
            out.push_str("  ");
            column = 2;
        } else if column + 1 + len > width {
            out.push('\n');
            out.extend(std::iter::repeat_n(' ', hanging));
            column = hanging;
        } else {
            out.push(' ');
            column += 1;
        }
        out.push_str(word);
        column += len;
    }
    out.push('\n');
}

/// Left-align the first column, right-align the rest.
pub fn align(rows: &[Vec<String>]) -> String {
    align_with(rows, &[0])
}

/// Left-align the listed columns, right-align the rest.
pub fn align_with(rows: &[Vec<String>], left: &[usize]) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..cols)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for (i, r) in rows.iter().enumerate() {
        for (c, text) in r.iter().enumerate() {
            let pad = widths[c] - text.chars().count();
            if left.contains(&c) {
                if c > 0 {
                    out.push_str("  ");
                }
                out.push_str(text);
                out.push_str(&" ".repeat(pad));
            } else {
                out.push_str("  ");
                out.push_str(&" ".repeat(pad));
                out.push_str(text);
            }
        }
        let trimmed = out.trim_end_matches(' ').len();
        out.truncate(trimmed);
        out.push('\n');
        if i == 0 {
            let total: usize = widths.iter().sum::<usize>() + 2 * (cols.saturating_sub(1));
            out.push_str(&"-".repeat(total));
            out.push('\n');
        }
    }
    out
}

/// Measures shown in the comparison table: label, measure, format.
const COMPARE_ROWS: &[(&str, &str, Fmt)] = &[
    ("Wait to first meeting, mean", names::WAIT, Fmt::Days),
    (
        "Wait to first meeting, 90th pct",
        names::WAIT_P90,
        Fmt::Days,
    ),
    (
        "Seen within target",
        names::WAIT_WITHIN_TARGET,
        Fmt::Percent,
    ),
    ("Allocated (first meeting)", names::ALLOCATED, Fmt::Count),
    (
        "Withdrew while waiting",
        names::WITHDRAWN_WHILE_WAITING,
        Fmt::Count,
    ),
    ("Phase 1 starts", names::PHASE1_STARTS, Fmt::Count),
    ("Phase 1 completions", names::PHASE1_COMPLETIONS, Fmt::Count),
    (
        "Completed final review",
        names::PHASE2_COMPLETIONS,
        Fmt::Count,
    ),
    (
        "Waiting list, time-average",
        names::WAITING_MEAN,
        Fmt::Count,
    ),
    ("Staff utilisation", names::UTILISATION, Fmt::Percent),
    (
        "Direct-contact ratio",
        names::DIRECT_CONTACT_RATIO,
        Fmt::Percent,
    ),
    (
        "Cross-region allocations",
        names::CROSS_REGION_ALLOCATIONS,
        Fmt::Count,
    ),
    ("Travel hours", names::TRAVEL_HOURS, Fmt::Hours),
];

fn diff_cell(d: Option<&super::compare::Diff>, f: Fmt) -> String {
    let Some(d) = d else { return "-".into() };
    let scale = if matches!(f, Fmt::Percent) {
        100.0
    } else {
        1.0
    };
    let unit = match f {
        Fmt::Percent => " pts",
        Fmt::Days => "d",
        _ => "",
    };
    let (Some(m), Some([lo, hi])) = (d.mean, d.ci95) else {
        // one replication: a difference, but no interval
        return d
            .mean
            .map_or("n/a".into(), |m| format!("{:+.2}{unit}", m * scale));
    };
    let star = if d.distinguishable { " *" } else { "" };
    format!(
        "{:+.2}{unit} [{:+.2}, {:+.2}]{star}",
        m * scale,
        lo * scale,
        hi * scale
    )
}

/// A table of each policy's means and the paired differences against the baseline.
pub fn comparison_table(model: &Model, c: &super::compare::Comparison) -> String {
    let mut header = vec![String::new()];
    header.extend(c.policies.0.iter().map(|(p, _)| p.clone()));
    header.extend(
        c.diff
            .0
            .iter()
            .map(|(p, _)| format!("{p} − {}", c.baseline)),
    );
    let mut rows = vec![header];
    for (label, name, f) in COMPARE_ROWS {
        let mut row = vec![label.to_string()];
        row.extend(c.policies.0.iter().map(|(_, s)| cell(s.kpis.get(name), *f)));
        row.extend(c.diff.0.iter().map(|(_, d)| diff_cell(d.get(name), *f)));
        rows.push(row);
    }
    // the same for each authority's mean wait
    for a in model.authorities() {
        let name = format!("wait_to_first_meeting_days.{}", a.slug());
        let mut row = vec![format!("Wait, {}", a.name())];
        row.extend(
            c.policies
                .0
                .iter()
                .map(|(_, s)| cell(s.kpis.get(&name), Fmt::Days)),
        );
        row.extend(
            c.diff
                .0
                .iter()
                .map(|(_, d)| diff_cell(d.get(&name), Fmt::Days)),
        );
        rows.push(row);
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} — {} each on common random numbers (seed {})",
        c.title,
        super::counted(c.replications, "replication", "replications"),
        c.seed
    );
    let _ = writeln!(
        out,
        "Each column: mean ± 95% CI half-width. Difference columns: paired mean difference [95% CI];\n\
         * = distinguishable from zero (the interval excludes 0). Counts are over the whole horizon.\n"
    );
    out.push_str(&align(&rows));
    out
}

/// The register beside the simulation: one row per risk.
pub fn risk_table(rows: &[crate::risks::Assessment]) -> String {
    let mut table = vec![vec![
        "#".to_string(),
        "Risk".to_string(),
        "Stated".to_string(),
        "Simulated probability [95% CI]".to_string(),
        "Band".to_string(),
        "Stated effect".to_string(),
        "Simulated impact".to_string(),
        "Band".to_string(),
        "Verdict".to_string(),
    ]];
    for r in rows {
        let title: String = if r.title.chars().count() > 38 {
            format!("{}…", r.title.chars().take(37).collect::<String>())
        } else {
            r.title.clone()
        };
        let prob = match (r.simulated_probability, r.ci95) {
            (Some(p), Some([lo, hi])) => {
                let pct = super::percent;
                format!("{} [{}, {}]", pct(p), pct(lo), pct(hi))
            }
            _ => "-".into(),
        };
        let impact = match &r.impact {
            Some(i) if i.unit == "pounds" => {
                crate::money::Pence::from_pounds_f64_exact(i.mean.round())
                    .map_or_else(|| format!("£{:.0}", i.mean), |p| p.to_string())
            }
            Some(i) => format!("{:.1} {}", i.mean, i.unit),
            None if r.simulated_probability.is_some() => "none observed".into(),
            None => "-".into(),
        };
        let verdict = match r.effect_verdict {
            Some(e) if e != r.verdict => format!("{} (effect {})", r.verdict.label(), e.label()),
            _ => r.verdict.label().to_string(),
        };
        table.push(vec![
            r.id.to_string(),
            title,
            r.stated_likelihood.clone(),
            prob,
            r.likelihood_band.clone().unwrap_or_else(|| "-".into()),
            r.stated_effect.clone(),
            impact,
            r.effect_band.clone().unwrap_or_else(|| "-".into()),
            verdict,
        ]);
    }
    let mut out = align_with(&table, &[0, 1, 8]);
    out.push('\n');
    for r in rows {
        let _ = writeln!(out, "{}. {}", r.id, r.explanation);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_difference_keeps_its_unit_without_an_interval() {
        let one = super::super::compare::Diff {
            n: 1,
            mean: Some(-0.87),
            sd: None,
            ci95: None,
            distinguishable: false,
        };
        assert_eq!(diff_cell(Some(&one), Fmt::Days), "-0.87d");
        let two = super::super::compare::Diff {
            ci95: Some([-1.0, -0.5]),
            distinguishable: true,
            ..one
        };
        assert_eq!(diff_cell(Some(&two), Fmt::Days), "-0.87d [-1.00, -0.50] *");
    }

    #[test]
    fn paragraphs_wrap_within_the_width_with_a_hanging_indent() {
        let mut out = String::new();
        wrap_paragraph(&mut out, "one two three four five six", 14, 4);
        assert_eq!(out, "  one two\n    three four\n    five six\n");
        // a word longer than the width stands on its own line
        let mut out = String::new();
        wrap_paragraph(&mut out, "a incomprehensibilities b", 10, 2);
        assert_eq!(out, "  a\n  incomprehensibilities\n  b\n");
    }
}
