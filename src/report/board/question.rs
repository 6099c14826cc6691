//! The question the report answers and the scenario in plain words.

use crate::batch::Batch;
use crate::model::Model;

pub(super) fn question(policies: &[&str], m: &Model) -> String {
    let names: Vec<&str> = m.authorities().iter().map(|a| a.name()).collect();
    if policies.len() > 1 {
        format!(
            "Should the team serving {} be ring-fenced to each authority in proportion to \
             population, or shared across the region where families are waiting? Which \
             deployment gives shorter waits and more families helped, and is it affordable \
             within the budget? Compared here: {}.",
            crate::report::and_list(&names),
            policies.join(", ")
        )
    } else {
        format!(
            "How does the team serving {} perform under {} allocation: how long do families \
             wait, how many are helped, how busy are staff, and is it affordable?",
            crate::report::and_list(&names),
            policies.first().copied().unwrap_or("its")
        )
    }
}

/// The posts that serve the whole region, in words ("the Operational Manager
/// (Bridgend)"), one phrase per title and base in scenario order, and how many posts
/// they are; `None` if there are none.
fn region_wide_posts(m: &Model) -> Option<(String, usize)> {
    let mut groups: Vec<(&str, usize, usize)> = Vec::new();
    for p in m.posts().iter().filter(|p| p.region_wide()) {
        match groups
            .iter_mut()
            .find(|(t, b, _)| *t == p.title() && *b == p.base())
        {
            Some(g) => g.2 += 1,
            None => groups.push((p.title(), p.base(), 1)),
        }
    }
    if groups.is_empty() {
        return None;
    }
    let phrases: Vec<String> = groups
        .iter()
        .map(|&(title, base, n)| {
            let base = m.authorities()[base].name();
            if n == 1 {
                format!("the {title} ({base})")
            } else {
                format!("{n} {title} posts ({base})")
            }
        })
        .collect();
    let phrases: Vec<&str> = phrases.iter().map(String::as_str).collect();
    let n = groups.iter().map(|g| g.2).sum();
    Some((crate::report::and_list(&phrases), n))
}

/// What a policy does, in words, with the scenario's own settings.
fn policy_definition(m: &Model) -> String {
    use crate::model::{Matching, PolicyKind};
    let p = m.policy();
    let shared = m.posts().iter().any(|p| p.region_wide());
    let rule = match p.kind() {
        PolicyKind::Proportional if shared => {
            "each authority's families are seen by staff based in that authority, oldest \
             referral first, and those they have no room for by the posts that serve the whole \
             region, oldest referral first, travelling from their base"
                .to_string()
        }
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
            let region = if shared {
                ", then the posts that serve the whole region, from the start"
            } else {
                ""
            };
            format!(
                "staff see their own authority's families first{region}; {when}, a worker at \
                 another base with room may take the family (the nearest base first), travelling \
                 there for every visit out of their direct-contact time"
            )
        }
        PolicyKind::Rebased => {
            let r = p.rebasing();
            let signal = match r.signal() {
                crate::model::DemandSignal::Referrals => {
                    "the referrals each authority accepted since the last review"
                }
                crate::model::DemandSignal::Waiting => "the families waiting in each authority",
            };
            let moves = match r.max_moves() {
                1 => "one post".to_string(),
                k => format!("up to {k} posts"),
            };
            format!(
                "as ring-fenced, each authority's families are seen only by staff based in that \
                 authority; but every {:.0} days the board moves {moves} from the base with most \
                 staff for its demand to the one with fewest, judging demand by {signal}, and \
                 keeps at least {} at every base",
                r.every_days(),
                match r.min_posts() {
                    1 => "one post".to_string(),
                    k => format!("{k} posts"),
                }
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

pub(super) fn scenario_words(m: &Model, runs: &[(&Model, &Batch)]) -> Vec<String> {
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
            a.mean_referrals_per_year()
        ));
    }
    out.push(format!("Authorities and bases: {}.", bases.join("; ")));
    if let Some((mut posts, n)) = region_wide_posts(m) {
        if let Some(first) = posts.get_mut(0..1) {
            first.make_ascii_uppercase();
        }
        let (serve, base, they) = if n == 1 {
            ("serves", "its base", "it takes")
        } else {
            ("serve", "their bases", "they take")
        };
        out.push(format!(
            "{posts} {serve} the whole region: counted above at {base}, {they} families from \
             every authority, travelling from {base} to the others."
        ));
    }
    // one definition per policy, however many arms (variants of the scenario) use it
    for (pm, _) in runs {
        let d = policy_definition(pm);
        if !out.contains(&d) {
            out.push(d);
        }
    }
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
             simulation covers {}, with leave, sickness, turnover and recruitment delays as \
             the scenario sets them.",
            super::words::span_words(m)
        ));
    }
    let reps = runs.first().map_or(0, |(_, b)| b.len());
    out.push(format!(
        "Reading the figures: the simulation plays the contract out {reps} times, each time \
         with different families arriving and different staff absences; each such run is a \
         replication, and a figure is the average over them. Its 95% confidence interval \
         (95% CI) is a range that, 19 times out of 20, holds the value endlessly many runs \
         would give.{}",
        if runs.len() > 1 {
            " Every policy meets the same families and the same absences in each run (common \
             random numbers), so a difference between policies is the policy's own, not luck."
        } else {
            ""
        }
    ));
    out
}
