//! What changes between policies: paired differences against the baseline, and who loses.

use super::words::signed_in;
use crate::measures::names;
use crate::model::Model;
use crate::report::compare::Comparison;
use crate::report::html::{Figure, Section, Table};
use crate::report::plots::{self, DiffRow, ForestChart};

/// Measures in the comparison picture and table: name, label, unit, scale.
const DIFFS: &[(&str, &str, &str, f64)] = &[
    (names::WAIT, "Mean wait to first meeting", "days", 1.0),
    (names::WAIT_P90, "90th percentile wait", "days", 1.0),
    (names::PHASE1_STARTS, "Phase 1 starts", "families", 1.0),
    (
        names::PHASE1_COMPLETIONS,
        "Phase 1 completions",
        "families",
        1.0,
    ),
    (
        names::WITHDRAWN_WHILE_WAITING,
        "Withdrew while waiting",
        "families",
        1.0,
    ),
    (
        names::UTILISATION,
        "Staff utilisation",
        "percentage points",
        100.0,
    ),
    (names::TRAVEL_HOURS, "Cross-region travel", "hours", 1.0),
    (names::COST_TOTAL, "Cost over the contract", "pounds", 1.0),
    (
        names::OVER_BUDGET_ANY,
        "Over budget in some year",
        "percentage points",
        100.0,
    ),
];

/// A row of the differences table: comparison, measure, mean difference, its interval
/// and whether it is distinguishable from zero; `None` without an interval.
fn diff_row(
    comparison: &str,
    label: &str,
    x: &crate::report::compare::Diff,
    unit: &str,
    scale: f64,
) -> Option<Vec<String>> {
    let (mn, [lo, hi]) = (x.mean?, x.ci95?);
    Some(vec![
        comparison.to_string(),
        label.to_string(),
        match unit {
            "pounds" => signed_in(mn * scale, unit),
            _ => format!("{} {unit}", signed_in(mn * scale, unit)),
        },
        format!(
            "{} to {}",
            signed_in(lo * scale, unit),
            signed_in(hi * scale, unit)
        ),
        if x.distinguishable { "yes" } else { "no" }.into(),
    ])
}

pub(super) fn comparison_section(m: &Model, c: &Comparison) -> Section {
    let mut figures = Vec::new();
    let mut rows = Vec::new();
    let mut losers: Vec<String> = Vec::new();
    for (p, d) in &c.diff.0 {
        let forest: Vec<DiffRow> = DIFFS
            .iter()
            .filter_map(|(name, label, unit, scale)| {
                let x = d.get(name)?;
                let [lo, hi] = x.ci95?;
                Some(DiffRow {
                    label: label.to_string(),
                    mean: x.mean? * scale,
                    ci: [lo * scale, hi * scale],
                    unit: unit.to_string(),
                })
            })
            .collect();
        figures.push(Figure {
            caption: format!(
                "Paired differences, {p} minus {}, over the same replications. A filled dot's \
                 interval excludes zero: that difference is real at 95% confidence.",
                c.baseline
            ),
            svg: plots::diff_forest(&ForestChart {
                title: format!("What changes if we move from {} to {p}?", c.baseline),
                note: format!("below zero: lower under {p}"),
                rows: forest,
                tornado: false,
            }),
        });
        let comparison = format!("{p} − {}", c.baseline);
        for (name, label, unit, scale) in DIFFS {
            if let Some(row) = d
                .get(name)
                .and_then(|x| diff_row(&comparison, label, x, unit, *scale))
            {
                rows.push(row);
            }
        }
        // who gains and who loses: each authority's wait and share seen within the target
        for a in m.authorities() {
            let slug = a.slug();
            for (name, label, unit, scale) in [
                (names::WAIT, "Mean wait", "days", 1.0),
                (
                    names::WAIT_WITHIN_TARGET,
                    "Seen within the target",
                    "percentage points",
                    100.0,
                ),
            ] {
                let Some(x) = d.get(&format!("{name}.{slug}")) else {
                    continue;
                };
                let label = format!("{label}, {}", a.name());
                let Some(row) = diff_row(&comparison, &label, x, unit, scale) else {
                    continue;
                };
                let (Some(mn), Some([lo, hi])) = (x.mean, x.ci95) else {
                    continue;
                };
                // worse: a longer wait, or fewer seen within the target
                let worse = if name == names::WAIT_WITHIN_TARGET {
                    hi < 0.0
                } else {
                    lo > 0.0
                };
                if x.distinguishable && worse {
                    losers.push(format!(
                        "{} under {p} ({}: {} {unit}, 95% CI {} to {})",
                        a.name(),
                        label.split(',').next().unwrap_or_default().to_lowercase(),
                        crate::report::signed(mn * scale, 1),
                        crate::report::signed(lo * scale, 1),
                        crate::report::signed(hi * scale, 1)
                    ));
                }
                rows.push(row);
            }
        }
    }
    let mut paragraphs = vec![format!(
        "Every policy ran the same {} replications with the same families, arrival times and \
         staff absences (common random numbers), so each difference below is the effect of \
         the policy alone. The interval is the 95% confidence interval of the mean paired \
         difference. The table adds each authority's mean wait and share seen within the \
         target, so gains in one authority are not read as gains everywhere.",
        c.replications
    )];
    if !losers.is_empty() {
        paragraphs.push(format!(
            "Not every authority gains: waits get measurably worse for {}.",
            crate::report::and_list(&losers.iter().map(String::as_str).collect::<Vec<_>>())
        ));
    }
    Section {
        heading: "What changes between policies".into(),
        paragraphs,
        figures,
        tables: vec![Table {
            caption: "Paired differences against the baseline with 95% confidence intervals."
                .into(),
            header: vec![
                "Comparison".into(),
                "Measure".into(),
                "Mean difference".into(),
                "95% CI".into(),
                "Distinguishable from zero".into(),
            ],
            rows,
        }],
    }
}
