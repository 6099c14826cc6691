//! The summary page: the decision in a sentence, the budget in board terms, what the
//! answer depends on most and how sure it is, each in a few lines, so the page prints on
//! one sheet and a board member can stop reading there.

use super::BoardInput;
use super::costs::audit_extra;
use super::words::{field_and_unit, kpi, mean, pct, pounds};
use crate::costs::{BudgetReading, Projector};
use crate::measures::names;
use crate::report::compare::{Comparison, Diff};
use crate::report::html::{Summary, SummaryPart};
use crate::report::summary::RunSummary;

/// The summary page for `input`; `chosen` is the batch the key figures describe.
pub(super) fn summary(input: &BoardInput<'_>, chosen: &RunSummary) -> Summary {
    let decision = match (input.recommendation, input.comparison) {
        (Some(o), _) => vec![super::recommend::sentence(o)],
        (None, Some(c)) => decision(input, c),
        (None, None) => single(input, chosen),
    };
    let mut parts = Vec::new();
    if let Some(items) = budget(input, chosen) {
        parts.push(SummaryPart {
            heading: "The budget".into(),
            items,
        });
    }
    parts.push(SummaryPart {
        heading: "What the answer depends on most".into(),
        items: depends(input),
    });
    parts.push(SummaryPart {
        heading: "How sure we are".into(),
        items: sureness(input),
    });
    Summary { decision, parts }
}

/// A paired difference: its mean, its 95% interval and whether that excludes zero.
type Known = (f64, [f64; 2], bool);

/// A paired difference's mean and interval, when both are known.
fn known(d: Option<&Diff>) -> Option<Known> {
    let d = d?;
    Some((d.mean?, d.ci95?, d.distinguishable))
}

/// "3.1 days shorter (95% CI 2.0 to 4.2)" from the alternative's difference `m`
/// (alternative − reference) turned to the reference's side when `flip`.
fn days(m: f64, [lo, hi]: [f64; 2]) -> String {
    let (size, word, lo, hi) = if m < 0.0 {
        (-m, "less", -hi, -lo)
    } else {
        (m, "more", lo, hi)
    };
    format!("{size:.1} days {word} (95% CI {lo:.1} to {hi:.1})")
}

/// Which policy does better and by how much, and for whom it does worse.
fn decision(input: &BoardInput<'_>, c: &Comparison) -> Vec<String> {
    let base = &input.summaries[0];
    let wait = names::WAIT;
    let base_wait = mean(base, wait).unwrap_or(f64::NAN);
    let target = input.model.wait_target_days();
    let diffs: Vec<(&str, Known)> = c
        .diff
        .0
        .iter()
        .filter_map(|(p, d)| Some((p.as_str(), known(d.get(wait))?)))
        .collect();
    if diffs.is_empty() {
        return vec![format!(
            "The policies could not be compared on waiting times: {} gave no waits.",
            base.label
        )];
    }
    let better = diffs
        .iter()
        .filter(|(_, (m, _, sure))| *sure && *m < 0.0)
        .min_by(|a, b| a.1.0.total_cmp(&b.1.0));
    let within = |p: &str| {
        known(c.diff.get(p).and_then(|d| d.get(names::WAIT_WITHIN_TARGET))).map(|(m, ..)| m)
    };
    let share_words = |m: f64| {
        format!(
            "{:.1} percentage points {} seen within the {target:.0}-day target",
            100.0 * m.abs(),
            if m >= 0.0 { "more" } else { "fewer" }
        )
    };
    let mut out = Vec::new();
    match better {
        Some(&(p, (m, ci, _))) => {
            out.push(format!(
                "Choose {} over {}: families wait {} on average for a first meeting, {} of \
                 the {base_wait:.0}-day mean{}.",
                named(p),
                named(&base.label),
                days(m, ci),
                pct((-m / base_wait).abs()),
                within(p).map_or(String::new(), |w| format!(", and {}", share_words(w)))
            ));
            out.push(worse_for(input, c, p, p, base.label.as_str(), 1.0));
        }
        None if diffs.iter().all(|(_, (m, _, sure))| *sure && *m > 0.0) => {
            let (p, (m, ci, _)) = diffs
                .iter()
                .min_by(|a, b| a.1.0.total_cmp(&b.1.0))
                .copied()
                .expect("not empty");
            out.push(format!(
                "Keep {}: under {}, the closest alternative, families would wait {} for a \
                 first meeting, {} of the {base_wait:.0}-day mean{}.",
                named(&base.label),
                named(p),
                days(m, ci),
                pct((m / base_wait).abs()),
                within(p).map_or(String::new(), |w| format!(", and {}", share_words(w)))
            ));
            out.push(worse_for(input, c, p, base.label.as_str(), p, -1.0));
        }
        None => {
            let list: Vec<String> = diffs
                .iter()
                .map(|(p, (m, ci, _))| format!("{p} {}", days(*m, *ci)))
                .collect();
            out.push(format!(
                "No policy is shown to shorten waits against {}: the differences ({}) are \
                 within what chance gives, so the choice can rest on cost, travel and the \
                 partners' preferences.",
                base.label,
                list.join("; ")
            ));
        }
    }
    out
}

/// A policy as a sentence names it: "proportional allocation (ring-fenced by authority)";
/// a variant by its label.
fn named(label: &str) -> String {
    let words = super::words::policy_words(label);
    match words.split_once(" (") {
        Some((name, how)) => format!("{} allocation ({how}", name.to_lowercase()),
        None => words,
    }
}

/// For whom `chosen` does worse than `other`, authority by authority: `p` names the
/// compared batch in `c.diff` (alternative − baseline), `sign` is +1 when `chosen` is that
/// alternative and −1 when it is the baseline.
fn worse_for(
    input: &BoardInput<'_>,
    c: &Comparison,
    p: &str,
    chosen: &str,
    other: &str,
    sign: f64,
) -> String {
    let mut worse = Vec::new();
    for a in input.model.authorities() {
        let name = names::of_area(names::WAIT, a.slug());
        if let Some((m, [lo, hi], true)) = known(c.diff.get(p).and_then(|d| d.get(&name)))
            && sign * m > 0.0
        {
            let (m, lo, hi) = if sign > 0.0 {
                (m, lo, hi)
            } else {
                (-m, -hi, -lo)
            };
            worse.push(format!(
                "{} ({m:.1} days longer, 95% CI {lo:.1} to {hi:.1})",
                a.name()
            ));
        }
    }
    if worse.is_empty() {
        format!(
            "No authority's families wait distinguishably longer under {chosen} than under \
             {other}."
        )
    } else {
        format!(
            "It does worse for {}: families there wait longer under {chosen} than under \
             {other}.",
            crate::report::and_list(&worse.iter().map(String::as_str).collect::<Vec<_>>())
        )
    }
}

/// One policy: how the team does, in a sentence.
fn single(input: &BoardInput<'_>, s: &RunSummary) -> Vec<String> {
    let target = input.model.wait_target_days();
    vec![format!(
        "Under {} allocation families wait on average {} for a first meeting, and {} are \
         seen within the {target:.0}-day target.",
        s.label,
        mean(s, names::WAIT).map_or("n/a".into(), |w| format!("{w:.1} days")),
        mean(s, names::WAIT_WITHIN_TARGET).map_or("n/a".into(), pct)
    )]
}

/// The budget in board terms under `s`'s batch: the chance each year and the whole
/// contract cost more than the budget, and what would be enough with 90% confidence,
/// under each reading of the cost table.
fn budget(input: &BoardInput<'_>, s: &RunSummary) -> Option<Vec<String>> {
    let m = input.model;
    let costs = m.costs()?;
    let projector = Projector::new(m)?;
    let i = input.summaries.iter().position(|x| x.label == s.label)?;
    let (_, batch) = input.runs.get(i)?;
    let per_year: Vec<Vec<f64>> = (1..=m.years())
        .map(|y| batch.measure(&names::cost_in_year(y)))
        .collect::<Option<_>>()?;
    let stated = projector.reading(&per_year, 0.0)?;
    let budget = pounds(costs.budget().pence() as f64 / 100.0);
    let years: Vec<String> = stated
        .over_each_year
        .iter()
        .enumerate()
        .map(|(y, p)| format!("year {} {}", y + 1, pct(*p)))
        .collect();
    let mut items = vec![
        format!(
            "Chance a year costs more than {budget}, under {}: {}; some year, {}.",
            s.label,
            years.join(", "),
            pct(stated.over_some_year)
        ),
        format!(
            "Chance the whole contract costs more than its {}: {}.",
            stated.envelope,
            pct(stated.over_contract)
        ),
        format!(
            "A budget that would be enough in 9 runs out of 10: {}.",
            enough(&stated)
        ),
    ];
    let extra = audit_extra(costs);
    if extra != 0.0
        && let Some(audited) = projector.reading(&per_year, extra)
    {
        let lines: Vec<String> = crate::costs::Audit::of(costs)
            .lines()
            .iter()
            .map(|l| {
                format!(
                    "{} {} from its rate, not the stated {}{}",
                    l.line().to_lowercase(),
                    l.recomputed(),
                    l.stated(),
                    l.other_reading()
                        .map_or(String::new(), |o| format!(", which is also {o}"))
                )
            })
            .collect();
        items.push(format!(
            "The cost table reads two ways. As stated, non-salary costs are {} a year, as \
             above; recomputed from their unit rates they are {} {} ({}). Read that way, some \
             year is over in {}, the whole contract in {}, and 9 runs out of 10 would need {}.",
            pounds(
                crate::costs::CostTable::stated(costs)
                    .column(crate::costs::SalaryPoint::Min)
                    .non_salary()
                    .pence() as f64
                    / 100.0
            ),
            pounds(extra.abs()),
            if extra > 0.0 { "more" } else { "less" },
            lines.join("; "),
            pct(audited.over_some_year),
            pct(audited.over_contract),
            enough(&audited)
        ));
    }
    Some(items)
}

/// "£… a year, or £… for the whole contract": the budget that would have been enough in
/// 90% of runs, rounded up to the thousand.
fn enough(r: &BudgetReading) -> String {
    let up = |x: f64| pounds((x / 1000.0).ceil() * 1000.0);
    format!(
        "{} a year, or {} for the whole contract",
        up(r.enough_annual_90),
        up(r.enough_contract_90)
    )
}

/// The three inputs the answer moves with most, from the sensitivity analysis.
fn depends(input: &BoardInput<'_>) -> Vec<String> {
    let Some(s) = input.depends.and_then(|d| d.sensitivity) else {
        return vec![
            "Not assessed for this report: each assumed input across its plausible range is \
             in the report `compare --sensitivity` writes."
                .into(),
        ];
    };
    let [p, q] = &s.policies;
    let flips = s.flips();
    s.ranked(0)
        .into_iter()
        .take(3)
        .filter_map(|sw| {
            let (lo, hi) = (sw.low.wait_gain?, sw.high.wait_gain?);
            let flip = flips
                .iter()
                .filter(|(path, _)| *path == sw.path)
                .map(|(_, end)| format!(" At its {end} end the other policy waits less."))
                .collect::<String>();
            let (words, unit) = field_and_unit(&sw.path);
            let unit = match unit {
                "days" | "hours" => format!(" {unit}"),
                _ => String::new(),
            };
            Some(format!(
                "{}{}, from {} to {}{unit}: the difference in mean wait ({q} − {p}) goes from \
                 {lo:+.1} to {hi:+.1} days.{flip}",
                words[..1].to_uppercase(),
                &words[1..],
                number(sw.range[0]),
                number(sw.range[1])
            ))
        })
        .collect()
}

fn number(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x}")
    }
}

/// How sure the answer is, in words: the runs behind it, the calibration and the checks.
fn sureness(input: &BoardInput<'_>) -> Vec<String> {
    let reps = input.runs.first().map_or(0, |(_, b)| b.len());
    let base = &input.summaries[0];
    let half = kpi(base, names::WAIT)
        .and_then(|k| k.ci95)
        .map(|[lo, hi]| (hi - lo) / 2.0);
    let mut out = vec![format!(
        "Each figure averages {reps} simulated runs of the contract, {} each{}, with its 95% \
         interval; the mean wait is known to within ±{} days.",
        super::words::span_words(input.model),
        if input.comparison.is_some() {
            ", every policy meeting the same families and the same staff absences, so a \
             difference is the policy's own"
        } else {
            ""
        },
        half.map_or("n/a".into(), |h| format!("{h:.1}"))
    )];
    if let Some((scenario, fits)) = input.calibration {
        let within = fits.iter().filter(|f| f.within).count();
        out.push(format!(
            "The work each family needs is fitted to the pioneer teams' evidence: {within} of \
             {} observed figures fall within what the model gives for “{scenario}”.",
            fits.len()
        ));
    }
    let observed = input.model.targets().iter().any(|t| {
        t.measure() == &crate::model::targets::TargetMeasure::Measure(names::REFERRALS.into())
    });
    out.push(if observed {
        "The referral rates are the ones observed.".into()
    } else {
        "The referral rates are an assumption (the sources do not give them), and the answer \
         moves with them."
            .into()
    });
    if let Some(v) = input.validation {
        let passed = v.rows.iter().filter(|r| r[3] == "pass").count();
        out.push(format!(
            "The engine passed {passed} of {} checks against queueing theory.",
            v.rows.len()
        ));
    }
    out
}
