//! The board report's content: from batches, comparisons, costs and risks to the plain
//! data [`super::html::render`] lays out.
//!
//! This is where numbers become sentences. Every figure quoted in words carries its 95%
//! confidence interval, and every picture is drawn by [`super::plots`]. Scenario text
//! (names, titles, descriptions) is passed through as data; the renderer escapes it.

use super::compare::Comparison;
use super::html::{Figure, Footer, KeyFigure, Report, Section, Table};
use super::plots::{
    self, Bar, BarChart, BarGroup, CostChart, DiffRow, Fan, FanChart, ForestChart, Histogram,
    Reference, RiskChart, RiskPoint, WaitChart, WaitSeries, YearCosts,
};
use super::summary::{Kpi, RunSummary};
use crate::batch::Batch;
use crate::costs::{Audit, CostTable, Projector, SalaryPoint};
use crate::measures::{SERIES, WAIT_BIN_DAYS, WAIT_BINS};
use crate::model::Model;
use crate::risks::Assessment;

pub use crate::scenario::annotated_inputs;

/// Everything a board report is made from.
#[derive(Debug, Clone, Copy)]
pub struct BoardInput<'a> {
    /// The scenario as validated.
    pub model: &'a Model,
    /// The scenario file's text, for the table of inputs and their sources.
    pub scenario_text: &'a str,
    /// Each policy's model and batch, the baseline first.
    pub runs: &'a [(&'a Model, &'a Batch)],
    /// Each policy's summary, in the same order.
    pub summaries: &'a [RunSummary],
    /// The paired comparison, when more than one policy ran.
    pub comparison: Option<&'a Comparison>,
    /// The risk register beside the simulation, when assessed.
    pub risks: Option<&'a [Assessment]>,
    /// Validation cases as `(case, theory, simulated, pass)` rows, when run.
    pub validation: Option<&'a [[String; 4]]>,
    /// When it ran and how long it took.
    pub run_time: &'a str,
    /// The machine it ran on.
    pub machine: &'a str,
}

fn mean(s: &RunSummary, name: &str) -> Option<f64> {
    s.kpis.get(name).and_then(|k| k.mean)
}

fn kpi<'a>(s: &'a RunSummary, name: &str) -> Option<&'a Kpi> {
    s.kpis.get(name)
}

/// "4.0 days (95% CI 3.8 to 4.2)".
fn with_ci(k: Option<&Kpi>, unit: &str, decimals: usize) -> String {
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
fn change_words(
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
fn ci_only(k: Option<&Kpi>, unit: &str, decimals: usize) -> String {
    match k.and_then(|k| k.ci95) {
        Some([lo, hi]) => format!("95% CI {lo:.decimals$} to {hi:.decimals$}{unit}"),
        None => "one replication gives no interval".into(),
    }
}

fn pct(x: f64) -> String {
    super::percent(x)
}

fn pounds(x: f64) -> String {
    crate::money::Pence::from_pounds_f64_exact(x.round())
        .map_or_else(|| format!("£{x:.0}"), |p| p.to_string())
}

fn policy_words(name: &str) -> &'static str {
    match name {
        "proportional" => "Proportional (ring-fenced by authority)",
        "demand-led" => "Demand-led (shared when families wait)",
        "pooled" => "Pooled (one regional queue)",
        _ => "Policy",
    }
}

/// Each figure of a report as `(file name, svg)`: the section's heading as a slug, then
/// its number within the section.
pub fn figure_files(report: &Report) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for s in &report.sections {
        let stem = crate::model::slug(&s.heading);
        for (i, f) in s.figures.iter().enumerate() {
            out.push((format!("{stem}-{}.svg", i + 1), f.svg.clone()));
        }
    }
    out
}

/// Build the board report.
pub fn board_report(input: &BoardInput<'_>) -> Report {
    let m = input.model;
    let years = m.years();
    let reps = input.runs.first().map_or(0, |(_, b)| b.len());
    let policies: Vec<&str> = input.summaries.iter().map(|s| s.policy.as_str()).collect();

    let several = policies.len() > 1;
    let mut report = Report {
        title: match (several, policies.first()) {
            (false, Some(p)) => {
                format!("{}: how does the team do under {p} allocation?", m.title())
            }
            _ => format!("{}: how should the team be deployed?", m.title()),
        },
        subtitle: format!(
            "Simulation report for the management board · scenario “{}” · {} of {}{}",
            m.name(),
            super::counted(reps as u64, "replication", "replications"),
            super::days(m.horizon_days()),
            if several { " per policy" } else { "" }
        ),
        question: question(&policies, m),
        scenario: scenario_words(m, input.runs),
        ..Report::default()
    };
    let (key, headline) = headline(input);
    report.key_figures = key;
    report.headline = headline;

    report.sections.push(waits_section(input));
    report.sections.push(over_time_section(input));
    report.sections.push(staff_section(input));
    if let Some(c) = input.comparison {
        report.sections.push(comparison_section(m, c));
    }
    if let Some(s) = cost_section(input) {
        report.sections.push(s);
    }
    if let Some(r) = input.risks {
        report.sections.push(risk_section(m, r));
    }
    report.sections.push(inputs_section(input.scenario_text));
    report.assurance = assurance(input, years);
    report.footer = Footer {
        version: format!("ifss-sim {}", env!("CARGO_PKG_VERSION")),
        run_time: input.run_time.to_string(),
        machine: input.machine.to_string(),
    };
    report
}

fn question(policies: &[&str], m: &Model) -> String {
    let names: Vec<&str> = m.authorities().iter().map(|a| a.name()).collect();
    if policies.len() > 1 {
        format!(
            "Should the team serving {} be ring-fenced to each authority in proportion to \
             population, or shared across the region where families are waiting? Which \
             deployment gives shorter waits and more families helped, and is it affordable \
             within the budget? Compared here: {}.",
            super::and_list(&names),
            policies.join(", ")
        )
    } else {
        format!(
            "How does the team serving {} perform under {} allocation: how long do families \
             wait, how many are helped, how busy are staff, and is it affordable?",
            super::and_list(&names),
            policies.first().copied().unwrap_or("its")
        )
    }
}

/// What a policy does, in words, with the scenario's own settings.
fn policy_definition(m: &Model) -> String {
    use crate::model::{Matching, PolicyKind};
    let p = m.policy();
    let rule = match p.kind() {
        PolicyKind::Proportional => {
            "each authority's families are seen only by staff based in that authority, oldest \
             referral first"
                .to_string()
        }
        PolicyKind::DemandLed => {
            let after = p.share_after_days();
            let when = if after > 0.0 {
                format!("once a family has waited {after:.0} days")
            } else {
                "as soon as no one at home has room".into()
            };
            format!(
                "staff see their own authority's families first; {when}, a worker at another \
                 base with room may take the family (the nearest base first), travelling there \
                 for every visit out of their direct-contact time"
            )
        }
        PolicyKind::Pooled => {
            "one regional waiting list: the least-loaded worker with room takes the \
                               oldest referral, the nearest base on ties"
                .to_string()
        }
    };
    let matching = match p.matching() {
        Matching::Capacity => "",
        Matching::Expertise => {
            "; a family waits for a worker whose specialism fits its primary need"
        }
    };
    let kind = p.kind().name();
    let mut name = kind.to_string();
    if let Some(first) = name.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    format!("{name}: {rule}{matching}.")
}

fn scenario_words(m: &Model, runs: &[(&Model, &Batch)]) -> Vec<String> {
    let mut out = Vec::new();
    if !m.description().trim().is_empty() {
        out.push(m.description().trim().to_string());
    }
    let mut bases = Vec::new();
    for (i, a) in m.authorities().iter().enumerate() {
        let staff = m
            .posts()
            .iter()
            .filter(|p| p.base() == i && p.direct_ratio() > 0.0)
            .count();
        bases.push(format!(
            "{} ({} staff working with families, about {:.0} first referrals a year)",
            a.name(),
            staff,
            a.referrals_per_year().mean()
        ));
    }
    out.push(format!("Authorities and bases: {}.", bases.join("; ")));
    out.extend(runs.iter().map(|(pm, _)| policy_definition(pm)));
    let direct: Vec<f64> = m
        .posts()
        .iter()
        .filter(|p| p.direct_ratio() > 0.0)
        .map(|p| p.direct_hours_per_week())
        .collect();
    if let (Some(lo), Some(hi)) = (
        direct.iter().copied().reduce(f64::min),
        direct.iter().copied().reduce(f64::max),
    ) {
        out.push(format!(
            "Each worker has {lo:.1} to {hi:.1} hours a week for direct work with families; the \
             simulation runs {} ({}), with leave, sickness, turnover and recruitment delays as \
             the scenario sets them.",
            super::days(m.horizon_days()),
            super::counted(m.years() as u64, "contract year", "contract years")
        ));
    }
    out
}

/// Key figures and headline sentences.
fn headline(input: &BoardInput<'_>) -> (Vec<KeyFigure>, Vec<String>) {
    let mut key = Vec::new();
    let mut words = Vec::new();
    let base = &input.summaries[0];
    let wait = "wait_to_first_meeting_days";
    // the policy with the shortest mean wait, if it is distinguishable from the baseline
    let mut best = base;
    if let Some(c) = input.comparison {
        for (p, d) in &c.diff.0 {
            let better = d
                .get(wait)
                .is_some_and(|x| x.distinguishable && x.mean.unwrap_or(0.0) < 0.0);
            let s = c.policies.get(p);
            if let (true, Some(s)) = (better, s)
                && mean(s, wait) < mean(best, wait)
            {
                best = s;
            }
        }
        key.push(KeyFigure {
            label: "Shortest wait".into(),
            value: policy_words(&best.policy)
                .split(" (")
                .next()
                .unwrap_or("")
                .into(),
            detail: if best.policy == base.policy {
                "no policy waits distinguishably less than the baseline".into()
            } else {
                format!("against {} on the same families", base.policy)
            },
        });
    }
    // with several policies, the figures below are the chosen policy's: say so
    let under = if input.comparison.is_some() {
        format!(", {}", best.policy)
    } else {
        String::new()
    };
    key.push(KeyFigure {
        label: format!("Mean wait for a first meeting{under}"),
        value: mean(best, wait).map_or("n/a".into(), |w| format!("{w:.1} days")),
        detail: match (input.comparison, best.policy != base.policy) {
            (Some(c), true) => c
                .diff
                .get(&best.policy)
                .and_then(|d| d.get(wait))
                .and_then(|d| Some((d.mean?, d.ci95?)))
                .map_or(String::new(), |(m, [lo, hi])| {
                    format!("{:.1} days shorter (95% CI {:.1} to {:.1})", -m, -hi, -lo)
                }),
            _ => ci_only(kpi(best, wait), " days", 1),
        },
    });
    let starts = "phase1_starts";
    key.push(KeyFigure {
        label: format!(
            "Families starting Phase 1 in {} years{under}",
            input.model.years()
        ),
        value: mean(best, starts).map_or("n/a".into(), |x| format!("{x:.0}")),
        detail: match (input.comparison, best.policy != base.policy) {
            (Some(c), true) => c
                .diff
                .get(&best.policy)
                .and_then(|d| d.get(starts))
                .and_then(|d| Some((d.mean?, d.ci95?)))
                .map_or(String::new(), |(m, [lo, hi])| {
                    format!(
                        "{m:+.1} against {} (95% CI {lo:+.1} to {hi:+.1})",
                        base.policy
                    )
                }),
            _ => ci_only(kpi(best, starts), "", 0),
        },
    });
    let years = input.model.years();
    if let Some(costs) = input.model.costs() {
        let budget = costs.budget().pence() as f64 / 100.0;
        let worst = (1..=years)
            .filter_map(|y| Some((y, mean(best, &format!("cost.y{y}"))?)))
            .max_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((y, c)) = worst {
            let p_over = mean(best, &format!("over_budget.y{y}")).unwrap_or(f64::NAN);
            let extra = audit_extra(costs);
            let batch = input
                .summaries
                .iter()
                .position(|s| s.policy == best.policy)
                .and_then(|i| input.runs.get(i));
            let audited = match (Projector::new(input.model), batch) {
                (Some(projector), Some((_, b))) if extra != 0.0 => {
                    share_over(b, &projector, y - 1, extra).map_or(String::new(), |p| {
                        format!(" ({} with the audit's recomputed non-salary costs)", pct(p))
                    })
                }
                _ => String::new(),
            };
            key.push(KeyFigure {
                label: format!("Cost in the dearest year (year {y}){under}"),
                value: pounds(c),
                detail: format!(
                    "against {}: over budget in {} of runs{audited}",
                    pounds(budget),
                    pct(p_over)
                ),
            });
        }
    }

    // sentences
    let auths = input.model.authorities();
    let per_auth: Vec<String> = auths
        .iter()
        .map(|a| {
            format!(
                "{} {}",
                a.name(),
                mean(base, &format!("{wait}.{}", a.slug()))
                    .map_or("n/a".into(), |w| format!("{w:.1} days"))
            )
        })
        .collect();
    words.push(format!(
        "Under {} allocation families wait on average {} from acceptance to a first meeting \
         ({}), and {} start Phase 1 over the {} years.",
        base.policy,
        with_ci(kpi(base, wait), " days", 1),
        per_auth.join(", "),
        with_ci(kpi(base, starts), "", 0),
        years
    ));
    if let Some(c) = input.comparison {
        for (p, d) in &c.diff.0 {
            let (Some(dw), Some(ds)) = (d.get(wait), d.get(starts)) else {
                continue;
            };
            let (Some(mw), Some([wl, wh]), Some(ms), Some([sl, sh])) =
                (dw.mean, dw.ci95, ds.mean, ds.ci95)
            else {
                continue;
            };
            let travel = c
                .policies
                .get(p)
                .and_then(|s| mean(s, "travel_hours"))
                .unwrap_or(0.0);
            let sure = if dw.distinguishable {
                "a real difference at 95% confidence"
            } else {
                "not distinguishable from no difference"
            };
            let starts_sure = if ds.distinguishable {
                "a real difference"
            } else {
                "not distinguishable from none"
            };
            words.push(format!(
                "Under {p}, on the same families and absences, the mean wait is {}, and {}, for \
                 {travel:.0} hours of cross-region travel over the contract.",
                change_words(mw, [wl, wh], " days", ("longer", "shorter"), sure),
                change_words(
                    ms,
                    [sl, sh],
                    "",
                    (
                        "more families start Phase 1",
                        "fewer families start Phase 1"
                    ),
                    starts_sure
                ),
            ));
        }
    }
    if let Some(costs) = input.model.costs() {
        let budget = costs.budget().pence() as f64 / 100.0;
        let parts: Vec<String> = (1..=years)
            .filter_map(|y| {
                let c = mean(best, &format!("cost.y{y}"))?;
                let p = mean(best, &format!("over_budget.y{y}"))?;
                Some(format!(
                    "year {y} {} (over budget in {} of runs)",
                    pounds(c),
                    pct(p)
                ))
            })
            .collect();
        if !parts.is_empty() {
            words.push(format!(
                "Projected cost under {} against the {} allocation: {}. Salary grows with pay \
                 awards and grade increments and falls while posts are vacant.",
                best.policy,
                pounds(budget),
                parts.join("; ")
            ));
        }
    }
    (key, words)
}

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

/// `words` when the report compares policies, else the one policy's name as "under …".
fn per_policy(input: &BoardInput<'_>, words: &str) -> String {
    match input.summaries {
        [one] => format!(" under {}", one.policy),
        _ => words.to_string(),
    }
}

/// What the waits leave out: families who gave up waiting, per policy.
fn withdrawn_words(input: &BoardInput<'_>) -> String {
    let counts: Vec<String> = input
        .summaries
        .iter()
        .filter_map(|s| {
            let n = mean(s, "withdrawn_while_waiting")?;
            Some(format!("{n:.1} under {}", s.policy))
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

fn waits_section(input: &BoardInput<'_>) -> Section {
    let m = input.model;
    let mut series = Vec::new();
    for (a, auth) in m.authorities().iter().enumerate() {
        for (pm, b) in input.runs {
            if let Some(h) = histogram(b, a) {
                series.push(WaitSeries {
                    panel: auth.name().to_string(),
                    label: pm.policy().kind().name().to_string(),
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
    header.extend(input.summaries.iter().map(|s| s.policy.clone()));
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

fn fans(m: &Model, b: &Batch, series: usize) -> Vec<Fan> {
    m.authorities()
        .iter()
        .enumerate()
        .map(|(a, auth)| {
            let get = |f: fn(&crate::stats::FanAccumulator) -> Option<f64>| {
                (0..b.bands.weeks())
                    .map(|w| f(b.bands.get(w, a, series)).unwrap_or(f64::NAN))
                    .collect()
            };
            Fan {
                label: auth.name().to_string(),
                p5: get(|f| f.p5()),
                p50: get(|f| f.p50()),
                p95: get(|f| f.p95()),
                mean: get(|f| f.welford().mean()),
            }
        })
        .collect()
}

fn over_time_section(input: &BoardInput<'_>) -> Section {
    let m = input.model;
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
    for ((pm, _), policy_fans) in input.runs.iter().zip(waiting_fans) {
        let policy = pm.policy().kind().name();
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
    if let Some((pm, b)) = input.runs.first() {
        figures.push(Figure {
            caption: format!(
                "Open cases (accepted and not yet closed) under {}: median, mean (dashed) and \
                 P5–P95 band.",
                pm.policy().kind().name()
            ),
            svg: plots::fan_chart(&FanChart {
                title: "How many families does each base hold open?".into(),
                x_label: "weeks since the contract started".into(),
                y_label: "open cases".into(),
                x,
                fans: fans(m, b, open),
                y_max: None,
            }),
        });
    }
    let mut paragraphs = vec![
        "Referral flow builds up over the first year, so queues and caseloads grow at first. \
         A waiting list that is still rising at the end means the authority's demand outruns \
         its staff."
            .into(),
    ];
    if let Some((pm, b)) = input.runs.first() {
        paragraphs.push(waiting_trend(pm, b, waiting));
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
        let acc = b.bands.get(w, a, series).welford();
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

fn waiting_trend(m: &Model, b: &Batch, waiting: usize) -> String {
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
            parts.push(format!("{label} {}", super::and_list(&names)));
        }
    }
    format!(
        "Under {}, the mean number of families waiting over the last quarter, against the same \
         quarter a year earlier: {}. A change counts only when it is beyond what chance over \
         this many replications would give. In the pictures the dashed line is this mean; the \
         solid median stays at zero where most runs have nobody waiting.",
        m.policy().kind().name(),
        parts.join("; ")
    )
}

fn staff_section(input: &BoardInput<'_>) -> Section {
    let m = input.model;
    let groups = |measure: &str| -> Vec<BarGroup> {
        m.authorities()
            .iter()
            .map(|a| BarGroup {
                label: a.name().to_string(),
                bars: input
                    .summaries
                    .iter()
                    .filter_map(|s| {
                        let k = kpi(s, &format!("{measure}.base.{}", a.slug()))?;
                        Some(Bar {
                            label: s.policy.clone(),
                            value: k.mean?,
                            ci: k.ci95,
                        })
                    })
                    .collect(),
            })
            .collect()
    };
    let util = plots::ratio_bars(&BarChart {
        title: "How busy are the staff at each base?".into(),
        y_label: "committed hours ÷ direct hours available".into(),
        groups: groups("utilisation"),
        reference: None,
    });
    let dcr = plots::ratio_bars(&BarChart {
        title: "How much of contracted time goes to direct work with families?".into(),
        y_label: "% of contracted hours in direct contact".into(),
        groups: groups("direct_contact_ratio"),
        reference: Some(Reference {
            value: 0.40,
            label: "40% direct contact found by the evaluation".into(),
        }),
    });
    Section {
        heading: "Staff time".into(),
        paragraphs: vec![
            "Utilisation counts the hours a week committed to families, travel to families in \
             another authority included, against the direct hours staff have while present: \
             sharing staff across the region raises it partly with time on the road. The achieved direct-contact ratio divides direct hours \
             delivered by contracted hours while in post; it can never exceed the 40% the \
             evaluation found, and falls with leave, sickness and idle time. Whiskers are 95% \
             confidence intervals."
                .into(),
        ],
        figures: vec![
            Figure {
                caption: format!("Staff utilisation by base{}.", per_policy(input, " and policy")),
                svg: util,
            },
            Figure {
                caption: format!(
                    "Achieved direct-contact ratio by base{}, against the 40% line.",
                    per_policy(input, " and policy")
                ),
                svg: dcr,
            },
        ],
        tables: Vec::new(),
    }
}

/// Measures in the comparison picture and table: name, label, unit, scale.
const DIFFS: &[(&str, &str, &str, f64)] = &[
    (
        "wait_to_first_meeting_days",
        "Mean wait to first meeting",
        "days",
        1.0,
    ),
    (
        "wait_to_first_meeting_days.p90",
        "90th percentile wait",
        "days",
        1.0,
    ),
    ("phase1_starts", "Phase 1 starts", "families", 1.0),
    ("phase1_completions", "Phase 1 completions", "families", 1.0),
    (
        "withdrawn_while_waiting",
        "Withdrew while waiting",
        "families",
        1.0,
    ),
    (
        "utilisation",
        "Staff utilisation",
        "percentage points",
        100.0,
    ),
    ("travel_hours", "Cross-region travel", "hours", 1.0),
    ("cost.total", "Cost over the contract", "pounds", 1.0),
    (
        "over_budget.any",
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
    x: &super::compare::Diff,
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

/// A signed difference in its unit's precision: whole pounds, else two decimals.
fn signed_in(x: f64, unit: &str) -> String {
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
        _ => super::signed(x, 2),
    }
}

fn comparison_section(m: &Model, c: &Comparison) -> Section {
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
                ("wait_to_first_meeting_days", "Mean wait", "days", 1.0),
                (
                    "wait_within_target",
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
                let worse = if name == "wait_within_target" {
                    hi < 0.0
                } else {
                    lo > 0.0
                };
                if x.distinguishable && worse {
                    losers.push(format!(
                        "{} under {p} ({}: {} {unit}, 95% CI {} to {})",
                        a.name(),
                        label.split(',').next().unwrap_or_default().to_lowercase(),
                        super::signed(mn * scale, 1),
                        super::signed(lo * scale, 1),
                        super::signed(hi * scale, 1)
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
            super::and_list(&losers.iter().map(String::as_str).collect::<Vec<_>>())
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

fn cost_section(input: &BoardInput<'_>) -> Option<Section> {
    let m = input.model;
    let costs = m.costs()?;
    let (pm, b) = input.runs.first()?;
    let summary = input.summaries.first()?;
    let budget = costs.budget().pence() as f64 / 100.0;
    let years: Vec<YearCosts> = (1..=m.years())
        .filter_map(|y| {
            Some(YearCosts {
                year: y as u32,
                samples: b.measure(&format!("cost.y{y}"))?,
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
        header: vec!["".into(), "Minimum".into(), "Mid".into(), "Maximum".into()],
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
         replication under {}.",
        assumed.salary_point().words(),
        pct(assumed.pay_award()),
        money(cols.min.non_salary()),
        pm.policy().kind().name()
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
                    let stated = mean(summary, &format!("over_budget.y{}", y + 1))?;
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
                pm.policy().kind().name(),
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
                "Projected annual cost per contract year under {} (box: middle half of \
                 replications, whiskers: P5 to P95) against the {} budget line.",
                pm.policy().kind().name(),
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
fn audit_extra(costs: &crate::costs::Costs) -> f64 {
    let stated = CostTable::stated(costs)
        .column(SalaryPoint::Min)
        .non_salary();
    let recomputed = Audit::of(costs)
        .recomputed()
        .column(SalaryPoint::Min)
        .non_salary();
    (recomputed - stated).pence() as f64 / 100.0
}

/// The share of `b`'s replications whose cost in contract year `year` (from 0), with
/// `extra` pounds a full year added (pro-rated like the non-salary cost), is over that
/// year's budget.
fn share_over(b: &Batch, projector: &Projector, year: usize, extra: f64) -> Option<f64> {
    let costs = b.measure(&format!("cost.y{}", year + 1))?;
    let fraction = projector.year_days(year) / crate::time::DAYS_PER_YEAR;
    let budget = projector.budget(year).pence() as f64 / 100.0;
    let finite: Vec<f64> = costs.into_iter().filter(|x| x.is_finite()).collect();
    let over = finite
        .iter()
        .filter(|&&c| c + extra * fraction > budget)
        .count();
    (!finite.is_empty()).then(|| over as f64 / finite.len() as f64)
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
    for ((pm, b), summary) in input.runs.iter().zip(input.summaries) {
        for y in 0..projector.years() {
            let cost = kpi(summary, &format!("cost.y{}", y + 1));
            let mut row = vec![
                pm.policy().kind().name().to_string(),
                (y + 1).to_string(),
                match cost.and_then(|k| Some((k.mean?, k.ci95))) {
                    Some((m, Some([lo, hi]))) => {
                        format!("{} ({} to {})", pounds(m), pounds(lo), pounds(hi))
                    }
                    Some((m, None)) => pounds(m),
                    None => "n/a".into(),
                },
                mean(summary, &format!("over_budget.y{}", y + 1)).map_or("n/a".into(), pct),
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

/// The bands a register's words stand for, e.g. "Low 0% to 15%, Major 30 or more".
fn band_words(bands: &[crate::risks::Band], value: impl Fn(f64) -> String) -> String {
    bands
        .iter()
        .map(|b| match b.high.is_finite() {
            true => format!("{} {} to {}", b.name, value(b.low), value(b.high)),
            false => format!("{} {} or more", b.name, value(b.low)),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn risk_section(m: &Model, rows: &[Assessment]) -> Section {
    let bands = m
        .risks()
        .map(|r| r.likelihood_bands().to_vec())
        .unwrap_or_default();
    let points = rows
        .iter()
        .map(|r| {
            let band = bands
                .iter()
                .find(|b| b.name == r.stated_likelihood)
                .map_or((0.0, 1.0), |b| (b.low, b.high));
            RiskPoint {
                id: r.id.to_string(),
                title: r.title.clone(),
                stated: r.stated_likelihood.clone(),
                stated_band: band,
                simulated: match (r.simulated_probability, r.ci95) {
                    (Some(p), Some(ci)) => Some((p, ci)),
                    _ => None,
                },
            }
        })
        .collect();
    let table_rows = rows
        .iter()
        .map(|r| {
            vec![
                r.id.to_string(),
                r.title.clone(),
                r.stated_likelihood.clone(),
                match (r.simulated_probability, r.ci95) {
                    (Some(p), Some([lo, hi])) => format!("{} ({}–{})", pct(p), pct(lo), pct(hi)),
                    _ => "—".into(),
                },
                format!(
                    "{}{} (stated {})",
                    match &r.impact {
                        Some(i) if i.unit == "pounds" => pounds(i.mean),
                        Some(i) => format!("{:.1} {}", i.mean, i.unit),
                        None if r.simulated_probability.is_some() => "none observed".into(),
                        None => "—".into(),
                    },
                    r.effect_band
                        .as_ref()
                        .map_or(String::new(), |b| format!(": {b}")),
                    r.stated_effect
                ),
                match r.effect_verdict {
                    Some(e) if e != r.verdict => {
                        format!("{} (effect {})", r.verdict.label(), e.label())
                    }
                    _ => r.verdict.label().to_string(),
                },
            ]
        })
        .collect();
    let mut paragraphs = vec![
        "Each risk the model can measure has an indicator: what counts as it happening in one \
         simulated contract, and how big its impact is. The simulated probability (with a 95% \
         interval) is set against the band of probabilities the register's word stands for. \
         Understated: the whole interval lies above the band; overstated: wholly below. The \
         effect is judged the same way, from the mean impact when the risk happens."
            .to_string(),
    ];
    if let Some(register) = m.risks() {
        use crate::risks::ImpactKind;
        let mut bands = vec![format!(
            "The bands, editable in the scenario: likelihood {}",
            band_words(register.likelihood_bands(), pct)
        )];
        for kind in [
            ImpactKind::Families,
            ImpactKind::WaitWeeks,
            ImpactKind::Pounds,
        ] {
            let value = |x: f64| match kind {
                ImpactKind::Pounds => pounds(x),
                _ => format!("{x:.0}"),
            };
            bands.push(format!(
                "effect in {} {}",
                kind.unit(),
                band_words(register.effect_bands(kind), value)
            ));
        }
        paragraphs.push(format!("{}.", bands.join("; ")));
    }
    paragraphs.extend(
        rows.iter()
            .map(|r| format!("Risk {}: {}.", r.id, r.explanation)),
    );
    Section {
        heading: "The risk register beside the simulation".into(),
        paragraphs,
        figures: vec![Figure {
            caption: "Stated likelihood (shaded band) against the simulated probability and its \
                      95% interval, per risk."
                .into(),
            svg: plots::risk_chart(&RiskChart {
                title: "Does the risk register match what the simulation shows?".into(),
                risks: points,
            }),
        }],
        tables: vec![Table {
            caption: "The register beside the simulation.".into(),
            header: vec![
                "#".into(),
                "Risk".into(),
                "Stated".into(),
                "Simulated (95% CI)".into(),
                "Impact".into(),
                "Verdict".into(),
            ],
            rows: table_rows,
        }],
    }
}

fn inputs_section(text: &str) -> Section {
    let rows: Vec<Vec<String>> = annotated_inputs(text)
        .into_iter()
        .map(|r| r.to_vec())
        .collect();
    let cited = rows.iter().filter(|r| !r[2].starts_with("set in")).count();
    let assumed = rows.iter().filter(|r| r[2].contains("assumption")).count();
    Section {
        heading: "Inputs and their sources".into(),
        paragraphs: vec![format!(
            "Every value the scenario sets, with the source its comment cites (on its own line, \
             on its table's heading, or in the comment just above; a blank line ends a comment's \
             reach): the proposal, the evaluation of the pioneer teams, public data, or an \
             assumption the board can change. {cited} of {} values cite a source; {assumed} are \
             marked as assumptions.",
            rows.len()
        )],
        figures: Vec::new(),
        tables: vec![Table {
            caption: "Scenario inputs.".into(),
            header: vec!["Field".into(), "Value".into(), "Source".into()],
            rows,
        }],
    }
}

fn assurance(input: &BoardInput<'_>, years: usize) -> Vec<(String, String)> {
    let m = input.model;
    let base = &input.summaries[0];
    let reps = base.replications;
    let precision = kpi(base, "wait_to_first_meeting_days")
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
            format!(
                "{} ({}) per replication, from an empty service (no warm-up is deleted: the \
                 start-up is part of the contract).",
                super::days(m.horizon_days()),
                super::counted(years as u64, "contract year", "contract years")
            ),
        ),
        (
            "Replications and precision".into(),
            format!(
                "{}{}; precision achieved: {precision}.",
                super::counted(reps, "replication", "replications"),
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
            Some(rows) if !rows.is_empty() => {
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
                format!(
                    "{pass} of {} checks passed. In plain words: cut down to queues whose \
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
        "Software".into(),
        format!("ifss-sim {}", env!("CARGO_PKG_VERSION")),
    ));
    items.push(("Run time".into(), input.run_time.to_string()));
    items.push(("Machine".into(), input.machine.to_string()));
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_share_over_budget_with_extra_cost_agrees_with_the_projection_and_grows() {
        let m = crate::scenario::load_bundled("western-bay")
            .expect("bundled")
            .expect("valid");
        let cfg = crate::batch::BatchConfig {
            seed: 3,
            first: 0,
            replications: 40,
            threads: Some(1),
        };
        let b = crate::batch::run(&m, &cfg, &|_| {}).expect("batch");
        let projector = Projector::new(&m).expect("costs");
        for y in 0..m.years() {
            let flags = b
                .measure(&format!("over_budget.y{}", y + 1))
                .expect("measured");
            let stated = flags.iter().sum::<f64>() / flags.len() as f64;
            // no extra cost: exactly the projection's own verdicts
            assert_eq!(
                share_over(&b, &projector, y, 0.0),
                Some(stated),
                "year {}",
                y + 1
            );
            let more = share_over(&b, &projector, y, 41_060.0).expect("measured");
            assert!(more >= stated, "year {}: {more} < {stated}", y + 1);
            assert_eq!(share_over(&b, &projector, y, 1e9), Some(1.0));
            assert_eq!(share_over(&b, &projector, y, -1e9), Some(0.0));
        }
        // the default's audit recomputes occupancy at ten times the stated figure and the
        // phones without their capital: £41,400 more, £340 less
        assert_eq!(audit_extra(m.costs().expect("costs")), 41_060.0);
    }

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
