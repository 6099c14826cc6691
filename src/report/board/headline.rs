//! The key figures and the headline sentences: the answer first, with its uncertainty.

use super::BoardInput;
use super::words::{change_words, ci_only, kpi, mean, pct, pounds, with_ci};
use crate::costs::Projector;
use crate::measures::names;
use crate::report::html::KeyFigure;

/// Key figures and headline sentences.
/// Key figures, headline sentences, and the index in `input.summaries` of the batch the
/// key figures describe (the policy with the shortest wait when several ran).
pub(super) fn headline(input: &BoardInput<'_>) -> (Vec<KeyFigure>, Vec<String>, usize) {
    let mut key = Vec::new();
    let mut words = Vec::new();
    let base = &input.summaries[0];
    let wait = names::WAIT;
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
    }
    // with several policies, the figures below are the chosen policy's: say so
    let under = if input.comparison.is_some() {
        format!(", {}", best.label)
    } else {
        String::new()
    };
    key.push(KeyFigure {
        label: format!("Mean wait for a first meeting{under}"),
        value: mean(best, wait).map_or("n/a".into(), |w| format!("{w:.1} days")),
        detail: match (input.comparison, best.label != base.label) {
            (Some(c), true) => c
                .diff
                .get(&best.label)
                .and_then(|d| d.get(wait))
                .and_then(|d| Some((d.mean?, d.ci95?)))
                .map_or(String::new(), |(m, [lo, hi])| {
                    format!("{:.1} days shorter (95% CI {:.1} to {:.1})", -m, -hi, -lo)
                }),
            _ => ci_only(kpi(best, wait), " days", 1),
        },
    });
    let target = input.model.wait_target_days();
    key.push(KeyFigure {
        label: format!("Seen within the {target:.0}-day target{under}"),
        value: mean(best, names::WAIT_WITHIN_TARGET).map_or("n/a".into(), pct),
        detail: match (input.comparison, best.label != base.label) {
            (Some(c), true) => c
                .diff
                .get(&best.label)
                .and_then(|d| d.get(names::WAIT_WITHIN_TARGET))
                .and_then(|d| Some((d.mean?, d.ci95?)))
                .map_or(String::new(), |(m, [lo, hi])| {
                    format!(
                        "{:+.1} points against {} (95% CI {:+.1} to {:+.1})",
                        100.0 * m,
                        base.label,
                        100.0 * lo,
                        100.0 * hi
                    )
                }),
            _ => kpi(best, names::WAIT_WITHIN_TARGET)
                .and_then(|k| k.ci95)
                .map_or(String::new(), |[lo, hi]| {
                    format!("95% CI {} to {}", pct(lo), pct(hi))
                }),
        },
    });
    let starts = names::PHASE1_STARTS;
    key.push(KeyFigure {
        label: format!(
            "Families starting Phase 1 in {} years{under}",
            input.model.years()
        ),
        value: mean(best, starts).map_or("n/a".into(), |x| format!("{x:.0}")),
        detail: match (input.comparison, best.label != base.label) {
            (Some(c), true) => c
                .diff
                .get(&best.label)
                .and_then(|d| d.get(starts))
                .and_then(|d| Some((d.mean?, d.ci95?)))
                .map_or(String::new(), |(m, [lo, hi])| {
                    format!(
                        "{m:+.1} against {} (95% CI {lo:+.1} to {hi:+.1})",
                        base.label
                    )
                }),
            _ => ci_only(kpi(best, starts), "", 0),
        },
    });
    let years = input.model.years();
    if let Some(costs) = input.model.costs() {
        let budget = costs.budget().pence() as f64 / 100.0;
        let worst = (1..=years)
            .filter_map(|y| Some((y, mean(best, &names::cost_in_year(y))?)))
            .max_by(|a, b| a.1.total_cmp(&b.1));
        let batch = input
            .summaries
            .iter()
            .position(|s| s.label == best.label)
            .and_then(|i| input.runs.get(i));
        let per_year: Option<Vec<Vec<f64>>> = batch.and_then(|(_, b)| {
            (1..=years)
                .map(|y| b.measure(&names::cost_in_year(y)))
                .collect()
        });
        // the same reading of the cost table as the risk register's: the costs as the
        // projection runs them, against each year's budget and the whole contract's
        let reading = Projector::new(input.model)
            .zip(per_year.as_ref())
            .and_then(|(p, c)| p.reading(c, 0.0));
        if let (Some(r), Some((y, c))) = (reading, worst) {
            key.push(KeyFigure {
                label: format!("Chance a year costs more than {}{under}", pounds(budget)),
                value: pct(r.over_some_year),
                detail: format!(
                    "the whole contract over {} in {}; dearest year (year {y}) {} on average",
                    r.envelope,
                    pct(r.over_contract),
                    pounds(c)
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
        "Under {} families wait on average {} from acceptance to a first meeting \
         ({}), and {} start Phase 1 over the {} years.",
        if base.label == base.policy {
            format!("{} allocation", base.label)
        } else {
            format!("\"{}\"", base.label)
        },
        with_ci(kpi(base, wait), " days", 1),
        per_auth.join(", "),
        with_ci(kpi(base, starts), "", 0),
        years
    ));
    if let Some(load) = load_words(input, base) {
        words.push(load);
    }
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
                .and_then(|s| mean(s, names::TRAVEL_HOURS))
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
                let c = mean(best, &names::cost_in_year(y))?;
                let p = mean(best, &names::over_budget_in_year(y))?;
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
                best.label,
                pounds(budget),
                parts.join("; ")
            ));
        }
    }
    let chosen = input
        .summaries
        .iter()
        .position(|s| s.label == best.label)
        .unwrap_or(0);
    (key, words, chosen)
}

/// Whether the team keeps up with the referrals it is given, in plain words, with the
/// referral rate named as the assumption it is.
fn load_words(input: &BoardInput<'_>, base: &crate::report::summary::RunSummary) -> Option<String> {
    let years = input.model.horizon_days() / crate::time::DAYS_PER_YEAR;
    let measured = input.model.measured_days() / crate::time::DAYS_PER_YEAR;
    let referrals = mean(base, names::REFERRALS)? / measured.max(f64::MIN_POSITIVE);
    let within = mean(base, names::WAIT_WITHIN_TARGET)?;
    let withdrawn = mean(base, names::WITHDRAWN_WHILE_WAITING)?;
    let accepted = mean(base, names::ACCEPTED)?;
    let gave_up = if accepted > 0.0 {
        withdrawn / accepted
    } else {
        0.0
    };
    let target = input.model.wait_target_days();
    // a scenario that stores the observed referrals as a target runs at the observed rate
    let observed = input.model.targets().iter().any(|t| {
        t.measure() == &crate::model::targets::TargetMeasure::Measure(names::REFERRALS.into())
    });
    let rate = if observed {
        format!(
            "At about {referrals:.0} referrals a year, re-referrals included (the rate \
             observed)"
        )
    } else {
        format!(
            "At about {referrals:.0} referrals a year, re-referrals included (the scenario's \
             referral rate is an assumption: the sources do not give it)"
        )
    };
    Some(if within < 0.5 || gave_up >= 0.1 {
        format!(
            "{rate}, the team is overloaded under {}: only {} of families are seen within \
             {target:.0} days, and {withdrawn:.0} ({}) of those accepted give up waiting over \
             {years:.0} years. The team's capacity, the flow it can take within the wait \
             target, is below this rate.",
            base.label,
            pct(within),
            pct(gave_up)
        )
    } else {
        format!(
            "{rate}, the team keeps up under {}: {} of families are seen within {target:.0} \
             days, and {} of those accepted give up waiting.",
            base.label,
            pct(within),
            pct(gave_up)
        )
    })
}
