//! Waiting lists and caseloads over time: the weekly fan charts and whether the lists settle.

use super::BoardInput;
use crate::batch::Batch;
use crate::measures::SERIES;
use crate::model::Model;
use crate::report::html::{Figure, Section};
use crate::report::plots::{self, Fan, FanChart};

fn fans(m: &Model, b: &Batch, series: usize) -> Vec<Fan> {
    m.authorities()
        .iter()
        .enumerate()
        .map(|(a, auth)| {
            let get = |f: fn(&crate::stats::BandAccumulator) -> Option<f64>| {
                (0..b.bands.weeks())
                    .map(|w| f(b.bands.get(w, a, series)).unwrap_or(f64::NAN))
                    .collect()
            };
            Fan {
                label: auth.name().to_string(),
                p5: get(|f| f.p5()),
                p50: get(|f| f.p50()),
                p95: get(|f| f.p95()),
                mean: get(|f| f.mean()),
            }
        })
        .collect()
}

pub(super) fn over_time_section(input: &BoardInput<'_>) -> Section {
    let mut figures = Vec::new();
    let x: Vec<f64> = input
        .runs
        .first()
        .map(|(_, b)| (0..b.bands.weeks()).map(|w| w as f64).collect())
        .unwrap_or_default();
    let waiting = SERIES.iter().position(|s| *s == "waiting").unwrap_or(0);
    let open = SERIES.iter().position(|s| *s == "open_cases").unwrap_or(1);
    // one scale for every policy's waiting list, so the charts compare at a glance
    let waiting_fans: Vec<Vec<Fan>> = input
        .runs
        .iter()
        .map(|(pm, b)| fans(pm, b, waiting))
        .collect();
    let ceiling = plots::fan_ceiling(waiting_fans.iter().flatten());
    for (s, policy_fans) in input.summaries.iter().zip(waiting_fans) {
        let policy = s.label.as_str();
        figures.push(Figure {
            caption: format!(
                "Families waiting for a first meeting, week by week, under {policy}: the solid \
                 line is the median over replications, the dashed line the mean, and the band \
                 holds 90% of them (P5 to P95)."
            ),
            svg: plots::fan_chart(&FanChart {
                title: format!("How long is the waiting list over the contract? ({policy})"),
                x_label: "weeks since the contract started".into(),
                y_label: "families waiting".into(),
                x: x.clone(),
                fans: policy_fans,
                y_max: Some(ceiling),
            }),
        });
    }
    // open cases under every policy, on one scale
    let open_fans: Vec<Vec<Fan>> = input.runs.iter().map(|(pm, b)| fans(pm, b, open)).collect();
    let ceiling = plots::fan_ceiling(open_fans.iter().flatten());
    for (s, policy_fans) in input.summaries.iter().zip(open_fans) {
        let policy = s.label.as_str();
        figures.push(Figure {
            caption: format!(
                "Open cases (accepted and not yet closed) under {policy}: median, mean (dashed) \
                 and P5–P95 band."
            ),
            svg: plots::fan_chart(&FanChart {
                title: format!("How many families does each base hold open? ({policy})"),
                x_label: "weeks since the contract started".into(),
                y_label: "open cases".into(),
                x: x.clone(),
                fans: policy_fans,
                y_max: Some(ceiling),
            }),
        });
    }
    let mut paragraphs = vec![
        "Referral flow builds up over the first year, so queues and caseloads grow at first. \
         A waiting list that is still rising at the end means the authority's demand outruns \
         its staff."
            .into(),
    ];
    if let (Some((pm, b)), Some(s)) = (input.runs.first(), input.summaries.first()) {
        paragraphs.push(waiting_trend(pm, &s.label, b, waiting));
    }
    Section {
        heading: "Waiting lists and caseloads over time".into(),
        paragraphs,
        figures,
        tables: Vec::new(),
    }
}

/// The mean over replications of a series over the 13 weeks ending at week `end`, with
/// its standard error: `(mean, se)`. The error takes each replication's 13 weeks as one
/// (they are strongly correlated), so it errs on the wide side.
fn quarter_mean(b: &Batch, a: usize, series: usize, end: usize) -> Option<(f64, f64)> {
    let start = end.checked_sub(12)?;
    let (mut sum, mut var, mut weeks, mut n) = (0.0, 0.0, 0usize, usize::MAX);
    for w in start..=end {
        let acc = b.bands.get(w, a, series);
        if let Some(mean) = acc.mean() {
            sum += mean;
            var += acc.variance().unwrap_or(0.0);
            weeks += 1;
            n = n.min(acc.count());
        }
    }
    (weeks > 0).then(|| {
        let k = weeks as f64;
        (sum / k, (var / k / n.max(1) as f64).sqrt())
    })
}

fn waiting_trend(m: &Model, label: &str, b: &Batch, waiting: usize) -> String {
    let last = b.bands.weeks().saturating_sub(1);
    let Some(year_before) = last.checked_sub(52).filter(|w| *w >= 12) else {
        return "The run is too short to tell whether the waiting lists settle.".into();
    };
    let mut rising = Vec::new();
    let mut falling = Vec::new();
    let mut unclear = Vec::new();
    for (a, auth) in m.authorities().iter().enumerate() {
        let (Some((then, se_then)), Some((now, se_now))) = (
            quarter_mean(b, a, waiting, year_before),
            quarter_mean(b, a, waiting, last),
        ) else {
            continue;
        };
        let words = format!("{} ({then:.1} to {now:.1})", auth.name());
        // a change beyond its 95% margin is not chance
        let margin = 1.96 * se_then.hypot(se_now);
        if now - then > margin {
            rising.push(words);
        } else if then - now > margin {
            falling.push(words);
        } else {
            unclear.push(words);
        }
    }
    let mut parts = Vec::new();
    for (list, label) in [
        (&rising, "still rising in"),
        (&falling, "falling in"),
        (&unclear, "no clear change in"),
    ] {
        if !list.is_empty() {
            let names: Vec<&str> = list.iter().map(String::as_str).collect();
            parts.push(format!("{label} {}", crate::report::and_list(&names)));
        }
    }
    // where most runs have nobody waiting the median sits at zero: say so, with the share
    // of weeks anyone waits, which the median cannot show
    let zero: Vec<String> = m
        .authorities()
        .iter()
        .enumerate()
        .filter_map(|(a, auth)| {
            let weeks = b.bands.weeks();
            let medians: Vec<f64> = (0..weeks)
                .filter_map(|w| b.bands.get(w, a, waiting).p50())
                .collect();
            let at_zero = medians.iter().filter(|&&x| x == 0.0).count();
            (!medians.is_empty() && 2 * at_zero > medians.len()).then(|| {
                format!(
                    "{} ({} of weeks)",
                    auth.name(),
                    crate::report::percent(1.0 - at_zero as f64 / medians.len() as f64)
                )
            })
        })
        .collect();
    let median_words = if zero.is_empty() {
        String::new()
    } else {
        format!(
            " The solid median is zero in most weeks in {} (in brackets, the share of weeks \
             in which it is not): most runs have nobody waiting then, and the dashed mean \
             shows how many wait across all runs.",
            crate::report::and_list(&zero.iter().map(String::as_str).collect::<Vec<_>>())
        )
    };
    format!(
        "Under {}, the mean number of families waiting over the last quarter, against the same \
         quarter a year earlier: {}. A change counts only when it is beyond what chance over \
         this many replications would give. In the pictures the dashed line is this mean.{}",
        label,
        parts.join("; "),
        median_words
    )
}
