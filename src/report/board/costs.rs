//! Cost against the budget: the stated table, its audit and the projection per policy.

use super::BoardInput;
use super::words::{kpi, mean, pct, pounds};
use crate::batch::Batch;
use crate::costs::{Audit, CostTable, Projector};
use crate::measures::names;
use crate::report::html::{Figure, Section, Table};
use crate::report::plots::{self, CostChart, YearCosts};

pub(super) fn cost_section(input: &BoardInput<'_>) -> Option<Section> {
    let m = input.model;
    let costs = m.costs()?;
    let (_, b) = input.runs.first()?;
    let summary = input.summaries.first()?;
    let budget = costs.budget().pence() as f64 / 100.0;
    // every compared policy's years, side by side within each year
    let several = input.runs.len() > 1;
    let years: Vec<YearCosts> = (1..=m.years())
        .flat_map(|y| {
            input
                .runs
                .iter()
                .zip(input.summaries)
                .filter_map(move |((_, b), s)| {
                    Some(YearCosts {
                        year: y as u32,
                        label: several.then(|| s.label.clone()),
                        samples: b.measure(&names::cost_in_year(y))?,
                    })
                })
        })
        .collect();
    let table = CostTable::stated(costs);
    let audit = Audit::of(costs);
    let cols = table.columns();
    let money = |p: crate::money::Pence| p.to_string();
    let stated_rows = vec![
        vec![
            "Salary".into(),
            money(cols.min.salary()),
            money(cols.mid.salary()),
            money(cols.max.salary()),
        ],
        vec![
            "Non-salary".into(),
            money(cols.min.non_salary()),
            money(cols.mid.non_salary()),
            money(cols.max.non_salary()),
        ],
        vec![
            "Total".into(),
            money(cols.min.total()),
            money(cols.mid.total()),
            money(cols.max.total()),
        ],
        vec![
            "Headroom against the budget".into(),
            money(cols.min.headroom()),
            money(cols.mid.headroom()),
            money(cols.max.headroom()),
        ],
    ];
    let audit_rows: Vec<Vec<String>> = audit
        .lines()
        .iter()
        .map(|l| {
            vec![
                l.line().to_string(),
                money(l.stated()),
                money(l.recomputed()),
                money(l.difference()),
            ]
        })
        .collect();
    let mut tables = vec![Table {
        caption: format!(
            "The proposal's cost table as stated, at the minimum, mid and maximum salary points, \
             against the {} budget.",
            pounds(budget)
        ),
        header: vec![
            "Yearly cost".into(),
            "Minimum".into(),
            "Mid".into(),
            "Maximum".into(),
        ],
        rows: stated_rows,
    }];
    let assumed = costs.projection();
    let cover = if assumed.agency_cover() {
        format!(
            "agency cover for vacant posts at {} above salary",
            pct(assumed.agency_premium())
        )
    } else {
        "no agency cover (a vacant post costs nothing)".into()
    };
    let mut paragraphs = vec![format!(
        "Each replication prices its own staffing: salaries for the days posts are filled, \
         starting at the {} salary points of the proposal's table and rising each year with \
         grade increments and a {} pay award; {cover}; mileage for cross-region travel; and the \
         non-salary costs as the table states them ({} a year). The picture shows one dot per \
         replication{}.",
        assumed.salary_point().words(),
        pct(assumed.pay_award()),
        money(cols.min.non_salary()),
        super::words::per_policy(
            input,
            ", each policy in its own colour and named under its year"
        )
    )];
    let projector = Projector::new(m);
    if let Some(note) = projector.as_ref().and_then(|p| p.staffing_note(m)) {
        paragraphs.push(note);
    }
    let extra = audit_extra(costs);
    if audit_rows.is_empty() {
        paragraphs.push("Every line of the cost table agrees with its unit rate.".into());
    } else {
        paragraphs.push(format!(
            "The audit recomputes each non-salary line from its unit rate: {} of them do not add \
             up. With the recomputed figures the total at minimum salary points would be {}.",
            audit_rows.len(),
            money(audit.recomputed().columns().min.total())
        ));
        for l in audit.lines() {
            paragraphs.push(format!("{}: {}", l.line(), l.explanation()));
        }
        if let Some(projector) = projector.as_ref().filter(|_| extra != 0.0) {
            let shares: Vec<String> = (0..m.years())
                .filter_map(|y| {
                    let stated = mean(summary, &names::over_budget_in_year(y + 1))?;
                    let audited = share_over(b, projector, y, extra)?;
                    Some(format!(
                        "year {} {} (as stated {})",
                        y + 1,
                        pct(audited),
                        pct(stated)
                    ))
                })
                .collect();
            paragraphs.push(format!(
                "The projection keeps the stated non-salary costs. Priced with the recomputed \
                 ones instead ({} a year {}), the share of runs over budget under {} would be: {}.",
                pounds(extra.abs()),
                if extra > 0.0 { "more" } else { "less" },
                summary.label,
                shares.join("; ")
            ));
        }
        tables.push(Table {
            caption:
                "Audit: lines whose stated figure disagrees with unit rate × people × periods."
                    .into(),
            header: vec![
                "Line".into(),
                "Stated".into(),
                "Recomputed".into(),
                "Difference (recomputed − stated)".into(),
            ],
            rows: audit_rows,
        });
    }
    if let Some(projector) = &projector {
        tables.push(projection_table(input, projector, budget, extra));
    }
    Some(Section {
        heading: "Cost against the budget".into(),
        paragraphs,
        figures: vec![Figure {
            caption: format!(
                "Projected annual cost per contract year{} (box: middle half of \
                 replications, whiskers: P5 to P95) against the {} budget line.",
                super::words::per_policy(input, ", each policy side by side"),
                pounds(budget)
            ),
            svg: plots::cost_distribution(&CostChart {
                title: "Does the service stay within its budget each year?".into(),
                years,
                budget,
            }),
        }],
        tables,
    })
}

/// The audit's recomputed non-salary cost less the stated one, pounds a full year.
pub(super) fn audit_extra(costs: &crate::costs::Costs) -> f64 {
    Audit::of(costs).non_salary_understatement(costs).pence() as f64 / 100.0
}

/// The share of `b`'s replications whose cost in contract year `year` (from 0), with
/// `extra` pounds a full year added, is over that year's budget.
pub(super) fn share_over(b: &Batch, projector: &Projector, year: usize, extra: f64) -> Option<f64> {
    projector.share_over_budget(year, &b.measure(&names::cost_in_year(year + 1))?, extra)
}

/// Each policy's projected cost per contract year, with the share of runs over budget as
/// the table states the non-salary costs and, when the audit disagrees, as it recomputes them.
fn projection_table(
    input: &BoardInput<'_>,
    projector: &Projector,
    budget: f64,
    extra: f64,
) -> Table {
    let mut header = vec![
        "Policy".into(),
        "Year".into(),
        "Mean cost (95% CI)".into(),
        "Over budget".into(),
    ];
    if extra != 0.0 {
        header.push("Over budget, audited".into());
    }
    let mut rows = Vec::new();
    for ((_, b), summary) in input.runs.iter().zip(input.summaries) {
        for y in 0..projector.years() {
            let cost = kpi(summary, &names::cost_in_year(y + 1));
            let mut row = vec![
                summary.label.clone(),
                (y + 1).to_string(),
                match cost.and_then(|k| Some((k.mean?, k.ci95))) {
                    Some((m, Some([lo, hi]))) => {
                        format!("{} ({} to {})", pounds(m), pounds(lo), pounds(hi))
                    }
                    Some((m, None)) => pounds(m),
                    None => "n/a".into(),
                },
                mean(summary, &names::over_budget_in_year(y + 1)).map_or("n/a".into(), pct),
            ];
            if extra != 0.0 {
                row.push(share_over(b, projector, y, extra).map_or("n/a".into(), pct));
            }
            rows.push(row);
        }
    }
    Table {
        caption: format!(
            "Projected cost per contract year under each policy, against the {} budget: the \
             mean over replications with its 95% confidence interval, and the share of \
             replications over budget, as the table states the non-salary costs and (audited) \
             as the audit recomputes them.",
            pounds(budget)
        ),
        header,
        rows,
    }
}
