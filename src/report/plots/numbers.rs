//! The numbers behind each picture, in words, one line per thing drawn: the picture's text
//! alternative. Each picture carries them in its `<desc>` (read by screen readers with the
//! `<title>`), and the report shows them under the picture for anyone who would rather read.

use super::bars::BarChart;
use super::cost::CostChart;
use super::fan::FanChart;
use super::forest::ForestChart;
use super::front::FrontChart;
use super::risk::RiskChart;
use super::sweep::{SweepHeat, SweepLines};
use super::wait::WaitChart;
use crate::stats::percentile_sorted;

use crate::report::figures as num;

fn pct(x: f64) -> String {
    if x.is_finite() {
        format!("{:.1}%", 100.0 * x)
    } else {
        "n/a".into()
    }
}

fn pounds(x: f64) -> String {
    super::canvas::pounds(x)
}

fn ci(c: Option<[f64; 2]>, f: impl Fn(f64) -> String) -> String {
    c.map_or(String::new(), |[lo, hi]| {
        format!(" (95% CI {} to {})", f(lo), f(hi))
    })
}

pub(super) fn bars(chart: &BarChart) -> Vec<String> {
    let mut out: Vec<String> = chart
        .groups
        .iter()
        .flat_map(|g| {
            g.bars.iter().map(move |b| {
                format!(
                    "{}, {}: {}{}",
                    g.label,
                    b.label,
                    pct(b.value),
                    ci(b.ci, pct)
                )
            })
        })
        .collect();
    if let Some(r) = &chart.reference {
        out.push(format!("Reference line at {}: {}", pct(r.value), r.label));
    }
    out
}

pub(super) fn cost(chart: &CostChart) -> Vec<String> {
    let mut out = vec![format!("Budget line: {}", pounds(chart.budget))];
    for y in &chart.years {
        let s = super::cost::sorted_finite(&y.samples);
        if s.is_empty() {
            continue;
        }
        let mean = s.iter().sum::<f64>() / s.len() as f64;
        let over = s.iter().filter(|&&c| c > chart.budget).count();
        out.push(format!(
            "Year {}{}: mean {}; middle half {} to {}; 5th to 95th percentile {} to {}; {} of {} \
             replications over the budget line",
            y.year,
            y.label
                .as_deref()
                .map_or(String::new(), |l| format!(", {l}")),
            pounds(mean),
            pounds(percentile_sorted(&s, 0.25)),
            pounds(percentile_sorted(&s, 0.75)),
            pounds(percentile_sorted(&s, 0.05)),
            pounds(percentile_sorted(&s, 0.95)),
            over,
            s.len()
        ));
    }
    out
}

/// Every quarter (13 weeks) and the last week: mean, median and the 5th–95th band.
pub(super) fn fan(chart: &FanChart) -> Vec<String> {
    chart
        .fans
        .iter()
        .map(|f| {
            let last = chart.x.len().saturating_sub(1);
            let weeks: Vec<usize> = (0..chart.x.len())
                .step_by(13)
                .skip(1)
                .chain((last > 0 && !last.is_multiple_of(13)).then_some(last))
                .collect();
            let at = |v: &[f64], w: usize| v.get(w).copied().unwrap_or(f64::NAN);
            let points: Vec<String> = weeks
                .iter()
                .map(|&w| {
                    format!(
                        "week {}: mean {}, median {} (5th–95th {} to {})",
                        num(at(&chart.x, w)),
                        num(at(&f.mean, w)),
                        num(at(&f.p50, w)),
                        num(at(&f.p5, w)),
                        num(at(&f.p95, w))
                    )
                })
                .collect();
            format!("{}, {}: {}", f.label, chart.y_label, points.join("; "))
        })
        .collect()
}

pub(super) fn forest(chart: &ForestChart) -> Vec<String> {
    chart
        .rows
        .iter()
        .map(|r| {
            format!(
                "{}: {} {} (from {} to {})",
                r.label,
                num(r.mean),
                r.unit,
                num(r.ci[0]),
                num(r.ci[1])
            )
        })
        .collect()
}

pub(super) fn front(chart: &FrontChart) -> Vec<String> {
    let y = |v: f64| if chart.percent { pct(v) } else { num(v) };
    let mut out = vec![format!(
        "{} configurations drawn, {} on the front of best {} for their cost",
        chart.all.len(),
        chart.front.len(),
        chart.y_label
    )];
    for (name, p) in [("The proposal", chart.proposal), ("Chosen", chart.chosen)] {
        if let Some((cost, v)) = p {
            out.push(format!("{name}: {} a year, {}", pounds(cost), y(v)));
        }
    }
    out.extend(
        chart
            .front
            .iter()
            .map(|&(cost, v)| format!("On the front: {} a year, {}", pounds(cost), y(v))),
    );
    if let Some(b) = chart.budget {
        out.push(format!("Budget line: {}", pounds(b)));
    }
    out
}

pub(super) fn risk(chart: &RiskChart) -> Vec<String> {
    chart
        .risks
        .iter()
        .map(|r| {
            format!(
                "Risk {} ({}): stated {} ({} to {}); simulated {}",
                r.id,
                r.title,
                r.stated,
                pct(r.stated_band.0),
                pct(r.stated_band.1),
                r.simulated.map_or("not simulable".into(), |(p, [lo, hi])| {
                    format!("{} (95% CI {} to {})", pct(p), pct(lo), pct(hi))
                })
            )
        })
        .collect()
}

pub(super) fn sweep_lines(chart: &SweepLines) -> Vec<String> {
    let y = |v: f64| if chart.percent { pct(v) } else { num(v) };
    let mut out: Vec<String> = chart
        .lines
        .iter()
        .map(|l| {
            let points: Vec<String> = l
                .points
                .iter()
                .map(|&(x, m, lo, hi)| format!("at {}: {} ({} to {})", num(x), y(m), y(lo), y(hi)))
                .collect();
            format!(
                "{} ({} by {}): {}",
                l.label,
                chart.y_label,
                chart.x_label,
                points.join("; ")
            )
        })
        .collect();
    if let Some((v, label)) = &chart.target {
        out.push(format!("Target line at {}: {label}", y(*v)));
    }
    out
}

pub(super) fn sweep_heat(chart: &SweepHeat) -> Vec<String> {
    chart
        .cells
        .iter()
        .zip(&chart.y_values)
        .map(|(row, yv)| {
            let cells: Vec<String> = row
                .iter()
                .zip(&chart.x_values)
                .map(|(v, xv)| format!("{} {xv}: {}", chart.x_label, num(*v)))
                .collect();
            format!("{} {yv}: {}", chart.y_label, cells.join("; "))
        })
        .collect()
}

/// The share seen within a week, two, four, eight and thirteen weeks, per series.
pub(super) fn wait(chart: &WaitChart) -> Vec<String> {
    let mut out: Vec<String> = chart
        .series
        .iter()
        .map(|s| {
            let shares: Vec<String> = [7.0, 14.0, 28.0, 56.0, 91.0]
                .iter()
                .map(|&d| format!("{} within {d:.0} days", pct(s.histogram.share_within(d))))
                .collect();
            format!("{}, {}: {}", s.panel, s.label, shares.join(", "))
        })
        .collect();
    if let Some(t) = chart.target_days {
        out.push(format!("Target line at {t:.0} days"));
    }
    out
}
