//! `[risks]` → [`Register`], with documented default bands.
//!
//! Default bands `[assume]` (change them in the scenario):
//!
//! | likelihood | probability in a replication |
//! |---|---|
//! | Low | 0 to 0.15 |
//! | Low/medium | 0.15 to 0.35 |
//! | Medium | 0.35 to 0.65 |
//! | High | 0.65 to 1 |
//!
//! | effect | families not served | extra weeks of waiting | pounds over budget |
//! |---|---|---|---|
//! | Minor | 0 to 10 | 0 to 1 | 0 to 10,000 |
//! | Moderate | 10 to 30 | 1 to 4 | 10,000 to 50,000 |
//! | Major | 30 and more | 4 and more | 50,000 and more |

use super::risks_raw::{RawIndicator, RawRisks};
use crate::model::risks::{Band, ImpactKind, Indicator, Register, Risk, impact_kind};
use crate::scenario::FieldProblem;
use std::collections::BTreeMap;

fn default_likelihood() -> Vec<Band> {
    bands(&[
        ("Low", 0.0, 0.15),
        ("Low/medium", 0.15, 0.35),
        ("Medium", 0.35, 0.65),
        ("High", 0.65, 1.0),
    ])
}

fn bands(list: &[(&str, f64, f64)]) -> Vec<Band> {
    list.iter()
        .map(|(n, l, h)| Band {
            name: n.to_string(),
            low: *l,
            high: *h,
        })
        .collect()
}

fn effect_defaults(kind: ImpactKind) -> Vec<Band> {
    let inf = f64::INFINITY;
    match kind {
        ImpactKind::Families => bands(&[
            ("Minor", 0.0, 10.0),
            ("Moderate", 10.0, 30.0),
            ("Major", 30.0, inf),
        ]),
        ImpactKind::WaitWeeks => bands(&[
            ("Minor", 0.0, 1.0),
            ("Moderate", 1.0, 4.0),
            ("Major", 4.0, inf),
        ]),
        ImpactKind::Pounds => bands(&[
            ("Minor", 0.0, 10_000.0),
            ("Moderate", 10_000.0, 50_000.0),
            ("Major", 50_000.0, inf),
        ]),
    }
}

/// Check a band table: finite lower ends, low < high, within `[0, max]`, no two
/// overlapping; sorted by low end.
fn band_table(
    problems: &mut Vec<FieldProblem>,
    path: &str,
    table: &BTreeMap<String, [f64; 2]>,
    max: f64,
) -> Vec<Band> {
    let mut out = Vec::new();
    for (name, [low, high]) in table {
        let ok = low.is_finite() && *low >= 0.0 && !high.is_nan() && low < high && *high <= max;
        if !ok {
            problems.push(FieldProblem {
                path: format!("{path}.{name}"),
                message: format!(
                    "a band is [low, high] with 0 <= low < high <= {max}, got [{low}, {high}]"
                ),
            });
            continue;
        }
        out.push(Band {
            name: name.clone(),
            low: *low,
            high: *high,
        });
    }
    out.sort_by(|a, b| a.low.total_cmp(&b.low));
    // a probability or an impact falls in one band at most: bands may touch, not overlap
    for pair in out.windows(2) {
        if pair[1].low < pair[0].high {
            problems.push(FieldProblem {
                path: format!("{path}.{}", pair[1].name),
                message: format!(
                    "overlaps band {:?} [{}, {}]: bands may touch but not overlap",
                    pair[0].name, pair[0].low, pair[0].high
                ),
            });
        }
    }
    if out.is_empty() && problems.is_empty() {
        problems.push(FieldProblem {
            path: path.into(),
            message: "needs at least one band".into(),
        });
    }
    out
}

/// Validate the `[risks]` section. `has_costs` and `has_targets` say whether the
/// scenario has a `[costs]` section and referral targets, which some indicators need.
pub fn validate(
    raw: &RawRisks,
    has_costs: bool,
    has_targets: bool,
) -> Result<Register, Vec<FieldProblem>> {
    let mut problems = Vec::new();
    let likelihood = match &raw.likelihood {
        Some(t) => band_table(&mut problems, "risks.likelihood", t, 1.0),
        None => default_likelihood(),
    };
    let effects = raw.effect.clone().unwrap_or_default();
    let mut effect =
        |kind: ImpactKind, table: &Option<BTreeMap<String, [f64; 2]>>, name: &str| match table {
            Some(t) => band_table(
                &mut problems,
                &format!("risks.effect.{name}"),
                t,
                f64::INFINITY,
            ),
            None => effect_defaults(kind),
        };
    let families = effect(ImpactKind::Families, &effects.families, "families");
    let wait_weeks = effect(ImpactKind::WaitWeeks, &effects.wait_weeks, "wait_weeks");
    let pounds = effect(ImpactKind::Pounds, &effects.pounds, "pounds");

    let mut risks = Vec::new();
    let mut ids = BTreeMap::new();
    for (i, r) in raw.register.iter().enumerate() {
        let path = format!("risks.register[{i}]");
        let mut bad = |field: &str, message: String| {
            problems.push(FieldProblem {
                path: format!("{path}.{field}"),
                message,
            })
        };
        let id = match u32::try_from(r.id) {
            Ok(id) => id,
            Err(_) => {
                bad(
                    "id",
                    format!("must be a whole number of 0 or more, got {}", r.id),
                );
                0
            }
        };
        if let Some(j) = ids.insert(id, i) {
            bad(
                "id",
                format!("duplicate risk id {id} (also risks.register[{j}])"),
            );
        }
        if !likelihood.iter().any(|b| b.name == r.likelihood) {
            let known: Vec<&str> = likelihood.iter().map(|b| b.name.as_str()).collect();
            bad(
                "likelihood",
                format!(
                    "unknown likelihood \"{}\" (known: {})",
                    r.likelihood,
                    known.join(", ")
                ),
            );
        }
        let indicator = indicator(&r.indicator, &mut bad, has_costs, has_targets);
        let effect_bands: &[Band] = match indicator.as_ref().and_then(impact_kind) {
            Some(ImpactKind::Families) => &families,
            Some(ImpactKind::WaitWeeks) => &wait_weeks,
            Some(ImpactKind::Pounds) => &pounds,
            None => &families,
        };
        if !effect_bands.iter().any(|b| b.name == r.effect) {
            let known: Vec<&str> = effect_bands.iter().map(|b| b.name.as_str()).collect();
            bad(
                "effect",
                format!(
                    "unknown effect \"{}\" (known: {})",
                    r.effect,
                    known.join(", ")
                ),
            );
        }
        if let Some(indicator) = indicator {
            risks.push(Risk {
                id,
                title: r.title.clone(),
                likelihood: r.likelihood.clone(),
                effect: r.effect.clone(),
                mitigation: r.mitigation.clone(),
                owner: r.owner.clone(),
                indicator,
            });
        }
    }
    if problems.is_empty() {
        Ok(Register {
            likelihood,
            families,
            wait_weeks,
            pounds,
            risks,
        })
    } else {
        Err(problems)
    }
}

fn indicator(
    raw: &RawIndicator,
    bad: &mut impl FnMut(&str, String),
    has_costs: bool,
    has_targets: bool,
) -> Option<Indicator> {
    let allowed: &[&str] = match raw.kind.as_str() {
        "over-budget" => &[],
        "unfilled-posts" | "sharing-vetoed" => &["threshold"],
        "need-not-population" => &["load_ratio", "significance"],
        "referral-shortfall" => &["from_year", "flow_factor"],
        "not-simulable" => &["reason"],
        other => {
            bad(
                "indicator.kind",
                format!(
                    "unknown indicator \"{other}\" (allowed: over-budget, unfilled-posts, need-not-population, \
                     sharing-vetoed, referral-shortfall, not-simulable)"
                ),
            );
            return None;
        }
    };
    let given = [
        ("threshold", raw.threshold.is_some()),
        ("load_ratio", raw.load_ratio.is_some()),
        ("significance", raw.significance.is_some()),
        ("flow_factor", raw.flow_factor.is_some()),
        ("from_year", raw.from_year.is_some()),
        ("reason", raw.reason.is_some()),
    ];
    for (name, present) in given {
        if present && !allowed.contains(&name) {
            bad(
                &format!("indicator.{name}"),
                format!("a {} indicator does not take `{name}`", raw.kind),
            );
        }
    }
    let threshold = || raw.threshold.unwrap_or(5.0);
    fn in_range(bad: &mut impl FnMut(&str, String), name: &str, x: f64, lo: f64, hi: f64) -> f64 {
        if !(x.is_finite() && x >= lo && x <= hi) {
            bad(
                &format!("indicator.{name}"),
                format!("must be between {lo} and {hi}, got {x}"),
            );
        }
        x
    }
    Some(match raw.kind.as_str() {
        "over-budget" => {
            if !has_costs {
                bad(
                    "indicator.kind",
                    "an over-budget indicator needs a [costs] section".into(),
                );
            }
            Indicator::OverBudget
        }
        "unfilled-posts" => Indicator::UnfilledPosts {
            threshold: in_range(bad, "threshold", threshold(), 0.0, 1e6),
        },
        "sharing-vetoed" => Indicator::SharingVetoed {
            threshold: in_range(bad, "threshold", threshold(), 0.0, 1e6),
        },
        "need-not-population" => Indicator::NeedNotPopulation {
            load_ratio: in_range(
                bad,
                "load_ratio",
                raw.load_ratio.unwrap_or(1.25),
                1.0,
                100.0,
            ),
            significance: in_range(
                bad,
                "significance",
                raw.significance.unwrap_or(0.05),
                0.0,
                1.0,
            ),
        },
        "referral-shortfall" => {
            if !has_targets {
                bad(
                    "indicator.kind",
                    "a referral-shortfall indicator needs `referral_target_per_year` on the authorities".into(),
                );
            }
            let from_year = raw.from_year.unwrap_or(2);
            if !(1..=50).contains(&from_year) {
                bad(
                    "indicator.from_year",
                    format!("must be between 1 and 50, got {from_year}"),
                );
            }
            Indicator::ReferralShortfall {
                from_year: from_year.clamp(1, 50) as usize,
                flow_factor: in_range(bad, "flow_factor", raw.flow_factor.unwrap_or(0.7), 0.0, 1.0),
            }
        }
        _ => Indicator::NotSimulable {
            reason: raw
                .reason
                .clone()
                .unwrap_or_else(|| "not something a capacity model can measure".into()),
        },
    })
}
