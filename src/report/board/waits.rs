//! Waiting for a first meeting: the distribution of waits and the table by authority.

use super::BoardInput;
use super::words::{kpi, mean, pct, per_policy, with_ci};
use crate::batch::Batch;
use crate::measures::names;
use crate::measures::{WAIT_BIN_DAYS, WAIT_BINS};
use crate::report::html::{Figure, Section, Table};
use crate::report::plots::{self, Histogram, WaitChart, WaitSeries};

fn histogram(batch: &Batch, a: usize) -> Option<Histogram> {
    let counts: Vec<f64> = batch.wait_histogram[a * WAIT_BINS..(a + 1) * WAIT_BINS]
        .iter()
        .map(|&c| c as f64)
        .collect();
    if counts.iter().sum::<f64>() == 0.0 {
        return None;
    }
    let edges = (0..=WAIT_BINS).map(|i| i as f64 * WAIT_BIN_DAYS).collect();
    Histogram::new(edges, counts).ok()
}

/// What the waits leave out: families who gave up waiting, per policy.
fn withdrawn_words(input: &BoardInput<'_>) -> String {
    let counts: Vec<String> = input
        .summaries
        .iter()
        .filter_map(|s| {
            let n = mean(s, names::WITHDRAWN_WHILE_WAITING)?;
            Some(format!("{n:.1} under {}", s.label))
        })
        .collect();
    let caveat = if counts.len() > 1 {
        "; a policy that loses fewer of them keeps some longer waits that another would not count"
    } else {
        ""
    };
    format!(
        "Only families who were allocated a worker have a wait. Families who gave up while \
         waiting are counted apart (withdrawn while waiting, mean per run: {}){caveat}.",
        counts.join(", ")
    )
}

pub(super) fn waits_section(input: &BoardInput<'_>) -> Section {
    let m = input.model;
    let mut series = Vec::new();
    for (a, auth) in m.authorities().iter().enumerate() {
        for ((_, b), s) in input.runs.iter().zip(input.summaries) {
            if let Some(h) = histogram(b, a) {
                series.push(WaitSeries {
                    panel: auth.name().to_string(),
                    label: s.label.clone(),
                    histogram: h,
                });
            }
        }
    }
    let svg = plots::wait_distribution(&WaitChart {
        title: "How long do families wait for a first meeting?".into(),
        series,
        target_days: Some(m.wait_target_days()),
    });
    let mut header = vec!["Authority".to_string()];
    header.extend(input.summaries.iter().map(|s| s.label.clone()));
    let mut rows = Vec::new();
    let mut scopes: Vec<(String, String)> = vec![("Region".into(), String::new())];
    scopes.extend(
        m.authorities()
            .iter()
            .map(|a| (a.name().to_string(), format!(".{}", a.slug()))),
    );
    for (label, suffix) in scopes {
        let mut row = vec![label];
        row.extend(input.summaries.iter().map(|s| {
            format!(
                "{}; {} within {:.0} days",
                with_ci(
                    kpi(s, &format!("wait_to_first_meeting_days{suffix}")),
                    " d",
                    1
                ),
                mean(s, &format!("wait_within_target{suffix}")).map_or("n/a".into(), pct),
                m.wait_target_days()
            )
        }));
        rows.push(row);
    }
    Section {
        heading: "Waiting for a first meeting".into(),
        paragraphs: vec![
            format!(
                "The time from acceptance of a referral to the first meeting with the family is \
                 the proposal's headline measure. The picture pools every family over all \
                 replications; the dashed line is the {:.0}-day target. The table gives the mean \
                 over replications with its 95% confidence interval.",
                m.wait_target_days()
            ),
            withdrawn_words(input),
        ],
        figures: vec![Figure {
            caption: format!(
                "Share of families seen within each number of days from acceptance to first \
                 meeting, per authority{}. The higher the line, the sooner families are seen; \
                 where it crosses the dashed line is the share seen within the target.",
                per_policy(input, " and policy")
            ),
            svg,
        }],
        tables: vec![Table {
            caption: "Mean wait to first meeting (95% CI) and share seen within the target.".into(),
            header,
            rows,
        }],
    }
}
