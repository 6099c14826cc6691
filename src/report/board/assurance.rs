//! Assurance: how the figures were made, for a reader who must decide whether to trust them.

use super::BoardInput;
use super::words::{kpi, per_policy};
use crate::measures::names;

pub(super) fn assurance(input: &BoardInput<'_>, years: usize) -> Vec<(String, String)> {
    let m = input.model;
    let base = &input.summaries[0];
    let reps = base.replications;
    let precision = kpi(base, names::WAIT)
        .and_then(|k| Some((k.mean?, k.ci95?)))
        .filter(|(mn, _)| *mn != 0.0)
        .map_or("not defined".into(), |(mn, [lo, hi])| {
            format!(
                "±{:.1}% of the mean wait (95% CI half-width)",
                (hi - lo) / 2.0 / mn.abs() * 100.0
            )
        });
    let mut items = vec![
        (
            "Model".to_string(),
            "Discrete-event simulation of referrals, the assessment / Phase 1 / Phase 2 pathway, \
             staff direct hours, leave, sickness, turnover and recruitment, under the chosen \
             allocation policy."
                .to_string(),
        ),
        (
            "Inputs".into(),
            "Every input is listed in “Inputs and their sources”, each with the source it cites or \
             marked as an assumption."
                .into(),
        ),
        (
            "Run length".into(),
            if m.warm_up_days() > 0.0 {
                format!(
                    "{} ({}) per replication, from an empty service; the first {} are a \
                     warm-up, not measured (costs aside, which cover the contract from its \
                     first day).",
                    crate::report::days(m.horizon_days()),
                    crate::report::counted(years as u64, "contract year", "contract years"),
                    crate::report::days(m.warm_up_days())
                )
            } else {
                format!(
                    "{} ({}) per replication, from an empty service (no warm-up is deleted: the \
                     start-up is part of the contract).",
                    crate::report::days(m.horizon_days()),
                    crate::report::counted(years as u64, "contract year", "contract years")
                )
            },
        ),
        (
            "Replications and precision".into(),
            format!(
                "{}{}; precision achieved: {precision}.",
                crate::report::counted(reps, "replication", "replications"),
                per_policy(input, " per policy")
            ),
        ),
        (
            "Random numbers".into(),
            format!(
                "Master seed {}. Streams: {}. Each family episode, each staff post and each authority's \
                 arrivals has its own stream, so policies see identical families and absences, and \
                 results do not depend on the number of threads.",
                base.seed,
                crate::rng::STREAM_SCHEME
            ),
        ),
    ];
    items.push((
        "Validation".into(),
        match input.validation {
            Some(v) if !v.rows.is_empty() => {
                let rows = &v.rows;
                let pass = rows.iter().filter(|r| r[3] == "pass").count();
                let list: Vec<String> = rows
                    .iter()
                    .map(|r| format!("{}: theory {}, simulated {} ({})", r[0], r[1], r[2], r[3]))
                    .collect();
                let verdict = if pass == rows.len() {
                    "reproduces them within their sampling error"
                } else {
                    "misses some of them: treat this report's figures with caution until \
                     the failures are understood"
                };
                let left_out = match v.left_out.as_slice() {
                    [] => String::new(),
                    cases => format!(
                        " These are the quick list's checks; left out to save time: {} \
                         (`ifss-sim verify` runs every case).",
                        crate::experiment::validation::named(cases)
                    ),
                };
                format!(
                    "{pass} of {} checks passed.{left_out} In plain words: cut down to queues whose \
                     answers are known exactly (one or several workers, fixed or variable \
                     visit lengths, unlimited workers, the pathway's branching, and Little's \
                     law linking queue length, arrivals and waits), the simulator {verdict}. \
                     Each check runs its own small scenario, so its figures are not this \
                     report's. The checks in detail: {}",
                    rows.len(),
                    list.join("; ")
                )
            }
            _ => "Not run with this report: add --verify (or run `ifss-sim verify`) for the \
                  analytic checks against M/M/c, Pollaczek–Khinchine, M/G/∞, the pathway funnel \
                  and Little's law."
                .into(),
        },
    ));
    items.push((
        "Calibration to the evidence".into(),
        match input.calibration {
            Some((scenario, rows)) => {
                let within = rows.iter().filter(|r| r.within).count();
                let outside: Vec<&str> = rows
                    .iter()
                    .filter(|r| !r.within)
                    .map(|r| r.name.as_str())
                    .collect();
                let misses = match outside.as_slice() {
                    [] => String::new(),
                    names => format!(" Outside it: {}.", names.join("; ")),
                };
                format!(
                    "The per-family workload was fitted by `ifss-sim calibrate` to the figures the \
                     evaluation observed at the pioneer sites (scenario “{scenario}”). Simulated \
                     with the same workload, {within} of its {} observed figures lie inside the \
                     range one simulated year gives (the table below).{misses} The fit pins the \
                     hours a family takes; how many hours a worker could give (direct-work \
                     capacity) is an assumption, and the referral rate is not in the sources.",
                    rows.len()
                )
            }
            None => "No calibration is attached to this scenario's workload.".into(),
        },
    ));
    // the software, run time and machine are in the page's footer
    items
}

/// The calibration table: each observed figure beside what the calibrated scenario gives.
pub(super) fn calibration_table(input: &BoardInput<'_>) -> Option<crate::report::html::Table> {
    let (scenario, rows) = input.calibration?;
    let number = |x: f64, share: bool| {
        if !x.is_finite() {
            "n/a".to_string()
        } else if share {
            crate::report::percent(x)
        } else {
            format!("{x:.0}")
        }
    };
    Some(crate::report::html::Table {
        caption: format!(
            "Calibration: each figure the evaluation observed at the pioneer sites, beside the \
             range one simulated year of scenario “{scenario}” gives (2.5th to 97.5th \
             percentile over replications) and the simulated mean."
        ),
        header: vec![
            "Observed figure".into(),
            "Observed".into(),
            "One simulated year".into(),
            "Simulated mean".into(),
            "Within the range".into(),
        ],
        rows: rows
            .iter()
            .map(|r| {
                let share = r.observed.abs() <= 1.0 && r.mean.abs() <= 1.0;
                let observed = match r.kind {
                    "at-least" => format!("at least {}", number(r.observed, share)),
                    "at-most" => format!("at most {}", number(r.observed, share)),
                    _ => number(r.observed, share),
                };
                vec![
                    r.name.clone(),
                    observed,
                    format!(
                        "{} to {}",
                        number(r.range95[0], share),
                        number(r.range95[1], share)
                    ),
                    number(r.mean, share),
                    if r.within { "yes" } else { "no" }.into(),
                ]
            })
            .collect(),
    })
}
