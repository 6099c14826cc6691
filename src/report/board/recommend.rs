//! The recommended deployment, when the report is given an optimisation result: a
//! sentence for the headline and a section with the front.

use crate::experiment::optimise::Optimisation;
use crate::report::html::{Figure, Section, Table};
use crate::report::plots::{FrontChart, front_chart};

/// Whether a measure is a share (shown as a percentage).
pub fn is_share(measure: &str) -> bool {
    measure.starts_with("wait_within_target")
        || measure.starts_with("over_budget")
        || measure.starts_with("utilisation")
}

/// A measure's value as a table shows it: shares as percentages.
pub fn value(x: Option<f64>, share: bool) -> String {
    match x {
        Some(x) if x.is_finite() && share => format!("{:.1}%", 100.0 * x),
        Some(x) if x.is_finite() && x.abs() >= 1000.0 => format!("{x:.0}"),
        Some(x) if x.is_finite() => format!("{x:.3}"),
        _ => "n/a".into(),
    }
}

/// A signed difference: percentage points for a share.
pub fn change(x: f64, share: bool) -> String {
    let s = if share {
        format!("{:.1} percentage points", 100.0 * x.abs())
    } else {
        format!("{:.3}", x.abs())
    };
    if x < 0.0 {
        format!("−{s}")
    } else {
        format!("+{s}")
    }
}

/// [`change`] for a terminal's narrow columns: points as "pts".
pub fn change_compact(x: f64, share: bool) -> String {
    change(x, share).replace(" percentage points", " pts")
}

/// The chosen configuration's changes against the proposal, in words: "Consultant Social
/// Worker, Swansea: count 4 → 2".
pub fn changes(o: &Optimisation) -> Vec<String> {
    let Some(c) = o.chosen else {
        return Vec::new();
    };
    let chosen = &o.configurations[c];
    (0..o.fields.len())
        .filter(|&i| chosen.values[i] != o.proposal_values[i])
        .map(|i| {
            format!(
                "{} {} → {}",
                o.field_words[i], o.proposal_values[i], chosen.values[i]
            )
        })
        .collect()
}

/// The recommendation in one sentence, for the headline.
pub fn sentence(o: &Optimisation) -> String {
    let share = is_share(&o.objective);
    let proposal = &o.configurations[0];
    let Some(c) = o.chosen else {
        return format!(
            "Of {} staffing configurations searched, none was shown to meet every requirement \
             ({}): no deployment can be recommended on these terms.",
            o.configurations.len(),
            o.requirements.join("; ")
        );
    };
    let chosen = &o.configurations[c];
    let what = match changes(o) {
        ch if ch.is_empty() => "keep the proposal's staffing".to_string(),
        ch => format!("change {}", ch.join("; ")),
    };
    let failed = proposal.requirements.iter().any(|r| r == "failed");
    let against = chosen.vs_proposal.map_or(String::new(), |d| {
        format!(
            " ({} against the proposal's {}, paired 95% interval {})",
            change(d.mean, share),
            value(proposal.objective, share),
            d.ci95.map_or("n/a".into(), |[a, b]| format!(
                "{} to {}",
                change(a, share),
                change(b, share)
            ))
        )
    });
    let guarantee = if o.guarantee_holds {
        format!(
            " With probability at least {:.0}% it meets them and is within {} of the best \
             configuration that does.",
            100.0 * o.confidence,
            if share {
                format!("{:.1} percentage points", 100.0 * o.indifference)
            } else {
                format!("{}", o.indifference)
            }
        )
    } else {
        " The search stopped at its replication limit: this is the best found, without the \
         guarantee."
            .to_string()
    };
    format!(
        "Recommended deployment: {what}. It meets every requirement ({}){}, and gives {} \
         {}{against}.{guarantee}",
        o.requirements.join("; "),
        if failed {
            ", which the proposal's own staffing does not"
        } else {
            ""
        },
        o.objective,
        value(chosen.objective, share),
    )
}

/// The front: every configuration that meets the requirements other than the budget's,
/// its budget needed against its objective, the best at each budget joined.
pub fn front_picture(o: &Optimisation) -> String {
    let point = |i: usize| {
        let c = &o.configurations[i];
        Some((c.budget_needed?, c.objective?))
    };
    front_chart(&FrontChart {
        title: format!(
            "What each budget buys: the best {} found at each yearly budget",
            o.objective
        ),
        y_label: o.objective.clone(),
        percent: is_share(&o.objective),
        all: (0..o.configurations.len())
            .filter(|&i| o.configurations[i].holds_others)
            .filter_map(point)
            .collect(),
        front: o.front.iter().map(|p| (p.budget, p.best)).collect(),
        proposal: point(0),
        chosen: o.chosen.and_then(point),
        budget: o.budget,
    })
}

/// Configuration `i` as a row of a table of leaders: its values, replications, objective,
/// paired difference against the proposal, budget needed and status (`compact`: points
/// as "pts", for a terminal).
pub fn leader_row(o: &Optimisation, i: usize, compact: bool) -> Vec<String> {
    let share = is_share(&o.objective);
    let c = &o.configurations[i];
    let mut row = c.values.clone();
    row.push(c.replications.to_string());
    row.push(value(c.objective, share));
    let difference = if compact { change_compact } else { change };
    row.push(
        c.vs_proposal
            .map_or("—".into(), |d| difference(d.mean, share)),
    );
    row.push(
        c.budget_needed
            .map_or("n/a".into(), |b| format!("£{:.0}k", b / 1000.0)),
    );
    row.push(if c.proposal {
        format!("{} (the proposal)", c.status)
    } else {
        c.status.clone()
    });
    row
}

/// The section: the recommendation, how it was chosen, the front and the leaders.
pub fn section(o: &Optimisation) -> Section {
    let mut paragraphs = vec![sentence(o)];
    paragraphs.push(format!(
        "How it was chosen: {} configurations (what may change: {}) ran on the same families \
         (seed {}), {} replications in all. A configuration was set aside once it was shown to \
         miss a requirement, or once one known to meet them all led it by more than a margin \
         that shrinks as replications are added. {}. {} other configurations cannot be told \
         apart from the recommendation: their paired 95% interval against it includes zero.",
        o.configurations.len(),
        o.field_words.join("; "),
        o.seed,
        o.replications,
        o.ended,
        o.alike.len()
    ));
    let figures = vec![Figure {
        caption: format!(
            "Each ring is a configuration that meets every requirement but the budget's: the \
             yearly budget that covers every contract year of it with probability {:.0}%, \
             against its {}. The line joins the best found at each budget; the proposal and \
             the recommendation are marked, and the dashed line is the budget.",
            100.0 * o.front_cover,
            o.objective
        ),
        svg: front_picture(o),
    }];
    let order = o.leading(8);
    let mut columns = o.field_words.clone();
    columns.extend(
        [
            "replications",
            o.objective.as_str(),
            "against the proposal",
            "budget needed",
            "status",
        ]
        .map(String::from),
    );
    let rows = order.iter().map(|&i| leader_row(o, i, false)).collect();
    Section {
        heading: "Recommended deployment".into(),
        paragraphs,
        figures,
        tables: vec![Table {
            caption: "The leading configurations and the proposal: each one's mean over its \
                      own replications, and the paired difference against the proposal over \
                      the replications both ran."
                .into(),
            header: columns,
            rows,
        }],
    }
}
