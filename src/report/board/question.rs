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
            crate::report::days(m.horizon_days()),
            crate::report::counted(m.years() as u64, "contract year", "contract years")
        ));
    }
    out
}
