//! `costs`: the proposal's cost table with its audit, and the cost projected over the
//! contract from a Monte Carlo batch (per contract year: the cost distribution and the
//! probability of exceeding the budget). Prints only; writes no files.

use super::run;
use super::scenarios;
use super::{CostsArgs, InputError};
use anyhow::Result;
use ifss_sim::batch::BatchConfig;
use ifss_sim::costs::{Audit, CostTable, Projection, Projector, SalaryPoint};
use ifss_sim::experiment;
use ifss_sim::measures::Unit;
use ifss_sim::model::Model;
use ifss_sim::money::Pence;
use ifss_sim::report::costs::{CostsReport, render_table_text};
use ifss_sim::report::summary::Kpi;
use ifss_sim::report::text::wrap_paragraph;
use serde::Serialize;
use std::fmt::Write as _;

pub fn costs(a: CostsArgs) -> Result<()> {
    let loaded = scenarios::load(a.input.scenario.as_deref(), &a.input.sets)?;
    let mut model = loaded.model.clone();
    if let Some(p) = &a.policy {
        model = model.with_policy(model.policy().with_kind(run::policy(p)?));
    }
    let (Some(costs), Some(projector)) = (model.costs(), Projector::new(&model)) else {
        return Err(InputError(format!(
            "{}: this scenario has no [costs] section, so it has no cost table to show or \
             project (see the end of `ifss-sim scenario show western-bay` for one)",
            loaded.label
        ))
        .into());
    };
    let table = CostTable::stated(costs);
    let audit = Audit::of(costs);
    let cfg = run::config(&a.input, &model);
    let plan = experiment::costs::Plan::new(
        &model,
        &experiment::Runs {
            seed: cfg.seed,
            replications: cfg.replications,
        },
    )
    .map_err(run::request_problems)?;
    run::check_size(&model, cfg.replications, 1, cfg.threads)?;
    let bar = run::progress_bar(a.quiet, cfg.replications, model.policy().kind().name());
    let pool = ifss_sim::batch::Pool::new(cfg.threads)?;
    let result = experiment::costs::run(&model, &plan, &pool, &mut run::Watching { bar: &bar });
    bar.finish_and_clear();
    let (batch, projected) = run::experiment_result(result)?;
    let projection = ProjectionJson::new(&model, &projector, &projected, batch.len(), &cfg);
    if a.json {
        let out = CostsJson {
            schema: ifss_sim::report::SCHEMA,
            version: env!("CARGO_PKG_VERSION"),
            scenario: model.name(),
            report: CostsReport::new(&table, &audit),
            projection,
        };
        outln!("{}", serde_json::to_string_pretty(&out)?)?;
    } else {
        out!("{}\nScenario: {}\n\n", model.title(), loaded.label)?;
        out!("{}", render_table_text(&table, &audit))?;
        out!("\n{}", projection_text(&projector, &table, &projection))?;
    }
    Ok(())
}

/// `costs --json`: the table and audit (as [`CostsReport`]), then the projection.
#[derive(Debug, Serialize)]
struct CostsJson<'a> {
    schema: u32,
    /// The ifss-sim version that wrote it.
    version: &'static str,
    scenario: &'a str,
    #[serde(flatten)]
    report: CostsReport,
    projection: ProjectionJson,
}

/// The projection over the contract: per contract year, and for the whole contract.
#[derive(Debug, Serialize)]
struct ProjectionJson {
    policy: String,
    replications: u64,
    seed: u64,
    assumptions: AssumptionsJson,
    years: Vec<YearJson>,
    contract: ContractJson,
    cost_per_phase1_completion: Kpi,
    /// Where the cost table's counts differ from the scenario's posts, in words.
    staffing_note: Option<String>,
}

#[derive(Debug, Serialize)]
struct AssumptionsJson {
    salary_point: &'static str,
    grade_increments: u32,
    pay_award: f64,
    mileage_rate: Pence,
    travel_speed_mph: f64,
    agency_cover: bool,
    agency_premium: f64,
}

#[derive(Debug, Serialize)]
struct YearJson {
    year: usize,
    days: f64,
    budget: Pence,
    cost: Kpi,
    p_over_budget: Probability,
    salary: Kpi,
    agency: Kpi,
    mileage: Kpi,
    /// Fixed, not simulated: the same in every replication.
    non_salary: Pence,
}

#[derive(Debug, Serialize)]
struct ContractJson {
    cost: Kpi,
    p_over_budget_any_year: Probability,
}

/// The share of replications in which something happened, with its 95% confidence interval
/// (t-based on the 0/1 values).
#[derive(Debug, Serialize)]
struct Probability {
    n: usize,
    mean: Option<f64>,
    ci95: Option<[f64; 2]>,
}

impl Probability {
    /// Share of replications in which the 0/1 indicator is 1, with a Wilson 95% interval
    /// (sound at 0 and 1, where a t interval collapses to a point).
    fn of(values: &[f64]) -> Probability {
        let finite: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
        let k = finite.iter().filter(|&&x| x >= 0.5).count();
        let n = finite.len();
        Probability {
            n,
            mean: (n > 0).then(|| k as f64 / n as f64),
            ci95: ifss_sim::stats::wilson95(k, n),
        }
    }
}

impl AssumptionsJson {
    fn of(p: &Projection) -> AssumptionsJson {
        AssumptionsJson {
            salary_point: p.salary_point().name(),
            grade_increments: p.grade_increments(),
            pay_award: p.pay_award(),
            mileage_rate: p.mileage_rate(),
            travel_speed_mph: p.travel_speed_mph(),
            agency_cover: p.agency_cover(),
            agency_premium: p.agency_premium(),
        }
    }
}

impl ProjectionJson {
    fn new(
        model: &Model,
        projector: &Projector,
        p: &experiment::costs::Projection,
        replications: usize,
        cfg: &BatchConfig,
    ) -> ProjectionJson {
        let pounds = |v: &[f64]| Kpi::of(Unit::Pounds, v);
        let years = p
            .years
            .iter()
            .map(|y| YearJson {
                year: y.year,
                days: y.days,
                budget: y.budget,
                cost: pounds(&y.cost),
                p_over_budget: Probability::of(&y.over_budget),
                salary: pounds(&y.salary),
                agency: pounds(&y.agency),
                mileage: pounds(&y.mileage),
                non_salary: y.non_salary,
            })
            .collect();
        ProjectionJson {
            policy: model.policy().kind().name().to_string(),
            replications: replications as u64,
            seed: cfg.seed,
            assumptions: AssumptionsJson::of(projector.assumptions()),
            years,
            contract: ContractJson {
                cost: pounds(&p.contract_cost),
                p_over_budget_any_year: Probability::of(&p.over_budget_any_year),
            },
            cost_per_phase1_completion: pounds(&p.cost_per_phase1_completion),
            staffing_note: p.staffing_note.clone(),
        }
    }
}

/// Whole pounds with separators (`£843,513`), or `n/a`.
fn money(x: Option<f64>) -> String {
    match x {
        // Below £10^15 the rounded value is an exact i64 and its pence fit.
        Some(x) if x.is_finite() && x.abs() < 1e15 => {
            Pence::from_pounds(x.round() as i64).to_string()
        }
        _ => "n/a".into(),
    }
}

/// `£843,513 ± £1,234`: a mean with the half-width of its 95% confidence interval.
fn mean_ci(k: &Kpi) -> String {
    match k.ci95 {
        Some([lo, hi]) => format!("{} ± {}", money(k.mean), money(Some((hi - lo) / 2.0))),
        None => money(k.mean),
    }
}

/// `12.0% [3.1%, 20.9%]`; the interval is clipped to [0%, 100%] for display.
fn percent(p: &Probability) -> String {
    let pct = |x: f64| format!("{:.1}%", 100.0 * x.clamp(0.0, 1.0));
    match (p.mean, p.ci95) {
        (Some(m), Some([lo, hi])) => format!("{} [{}, {}]", pct(m), pct(lo), pct(hi)),
        (Some(m), None) => pct(m),
        _ => "n/a".into(),
    }
}

/// The assumptions in words.
fn assumptions_text(p: &Projection, non_salary: Pence) -> String {
    let point = match p.salary_point() {
        SalaryPoint::Min => "minimum",
        SalaryPoint::Mid => "mid",
        SalaryPoint::Max => "maximum",
    };
    let progression = match p.grade_increments() {
        0 => "stay there (no incremental progression)".to_string(),
        1 => "move to the top of the grade after the first year".to_string(),
        n => format!("move 1/{n} of the way from the bottom to the top of the grade each year"),
    };
    let cover = if p.agency_cover() {
        format!(
            "vacant posts are covered by agency staff at {:.0}% above salary",
            100.0 * p.agency_premium()
        )
    } else {
        "vacant posts are not paid (no agency cover)".to_string()
    };
    format!(
        "Posts start at the {point} salary points and {progression}; a {:.1}% pay award \
         compounds from the second year; {cover}; cross-region travel costs {} a mile at {} \
         mph; non-salary costs are the table's {} a year, not uprated.",
        100.0 * p.pay_award(),
        p.mileage_rate(),
        p.travel_speed_mph(),
        non_salary,
    )
}

/// The projection as text: assumptions, a row per contract year, then the whole contract.
fn projection_text(projector: &Projector, table: &CostTable, p: &ProjectionJson) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Projected cost over the contract: {} policy, {}, seed {}",
        p.policy,
        ifss_sim::report::counted(p.replications, "replication", "replications"),
        p.seed
    );
    let non_salary = table.column(SalaryPoint::Min).non_salary();
    wrap_paragraph(
        &mut out,
        &assumptions_text(projector.assumptions(), non_salary),
        92,
        2,
    );
    if let Some(note) = &p.staffing_note {
        out.push('\n');
        wrap_paragraph(&mut out, note, 92, 2);
    }
    out.push('\n');
    let _ = writeln!(
        out,
        "{:>4}  {:<22} {:<23} {:<23} {:>11} {:>11} {:>11} {:>11}",
        "Year",
        "Cost, mean ± 95% CI",
        "P5 – P95",
        "P(cost > budget)",
        "Salary",
        "Agency",
        "Mileage",
        "Non-salary"
    );
    for y in &p.years {
        let _ = writeln!(
            out,
            "{:>4}  {:<22} {:<23} {:<23} {:>11} {:>11} {:>11} {:>11}",
            y.year,
            mean_ci(&y.cost),
            format!("{} – {}", money(y.cost.p5), money(y.cost.p95)),
            percent(&y.p_over_budget),
            money(y.salary.mean),
            money(y.agency.mean),
            money(y.mileage.mean),
            y.non_salary.to_string(),
        );
    }
    for y in p.years.iter().filter(|y| y.days < 365.0) {
        let _ = writeln!(
            out,
            "  Year {} has {} days: its budget ({}) and non-salary cost are pro-rated.",
            y.year, y.days, y.budget
        );
    }
    let _ = writeln!(
        out,
        "  The budget is {} a year. Salary, agency and mileage are means over replications.",
        table.budget()
    );
    out.push('\n');
    let c = &p.contract;
    let _ = writeln!(
        out,
        "Whole contract: {} (P5 – P95 {} – {})",
        mean_ci(&c.cost),
        money(c.cost.p5),
        money(c.cost.p95),
    );
    let _ = writeln!(
        out,
        "Over budget in at least one year: {}",
        percent(&c.p_over_budget_any_year)
    );
    let per = &p.cost_per_phase1_completion;
    let _ = writeln!(
        out,
        "Cost per family completing Phase 1: {} (P5 – P95 {} – {})",
        mean_ci(per),
        money(per.p5),
        money(per.p95)
    );
    out
}
