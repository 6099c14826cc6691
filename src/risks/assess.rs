//! Setting the simulation beside the register: probability, impact, bands and verdict.
//!
//! For each simulable risk, every replication says whether the risk happened and, if
//! so, how big its impact was. The simulated probability is the share of replications
//! in which it happened, with a Wilson 95% interval (sound at 0 and 1, unlike a t
//! interval on 0/1 data). The simulated impact is the mean impact over the replications
//! in which it happened, with a t-based 95% interval.
//!
//! **Verdict** (on likelihood): *understated* when the whole probability interval lies
//! above the stated likelihood's band, *overstated* when it lies wholly below, otherwise
//! *consistent*. The effect is judged separately (`effect_verdict`): the band the mean
//! impact falls in, against the stated effect's band. Risks a capacity model cannot
//! measure are *not simulable* and get no number.

use super::{Band, ImpactKind, Indicator, Register, Risk, band_of, impact_kind};
use crate::batch::Batch;
use crate::measures::names;
use crate::model::Model;
use crate::stats::{summarize, wilson95};
use serde::Serialize;

/// The batches an assessment reads, all on the same seeds and replications.
#[derive(Debug, Clone, Copy)]
pub struct Batches<'a> {
    /// The scenario under proportional allocation.
    pub base: &'a Batch,
    /// The same under demand-led allocation.
    pub demand_led: Option<&'a Batch>,
    /// The same with every post filled throughout.
    pub fully_staffed: Option<&'a Batch>,
    /// The same with referral flow reduced.
    pub reduced_flow: Option<&'a Batch>,
}

/// How the simulation compares with the register.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// The simulation agrees with the stated band.
    Consistent,
    /// The simulation puts the risk above the stated band.
    Understated,
    /// The simulation puts the risk below the stated band.
    Overstated,
    /// A capacity model cannot measure this risk.
    NotSimulable,
}

impl Verdict {
    /// Words for tables.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Consistent => "consistent",
            Verdict::Understated => "understated",
            Verdict::Overstated => "overstated",
            Verdict::NotSimulable => "not simulable",
        }
    }
}

/// Simulated impact of a risk.
#[derive(Debug, Clone, Serialize)]
pub struct Impact {
    /// Unit: families, weeks or pounds.
    pub unit: &'static str,
    /// Mean impact (over replications in which the risk happened, unless stated).
    pub mean: f64,
    /// t-based 95% interval of the mean.
    pub ci95: Option<[f64; 2]>,
    /// Replications the mean is over.
    pub replications: usize,
}

/// One row of the comparison.
#[derive(Debug, Clone, Serialize)]
pub struct Assessment {
    /// Register number.
    pub id: u32,
    /// The risk in words.
    pub title: String,
    /// How the simulation measures it (the scenario's `kind`).
    pub indicator: &'static str,
    /// What that measures, in a few words.
    pub measured_as: &'static str,
    /// Stated likelihood word.
    pub stated_likelihood: String,
    /// Stated effect word.
    pub stated_effect: String,
    /// Share of replications in which the risk happened.
    pub simulated_probability: Option<f64>,
    /// Wilson 95% interval of that share.
    pub ci95: Option<[f64; 2]>,
    /// Likelihood band the simulated probability falls in.
    pub likelihood_band: Option<String>,
    /// Simulated impact.
    pub impact: Option<Impact>,
    /// Effect band the mean impact falls in.
    pub effect_band: Option<String>,
    /// Verdict on likelihood.
    pub verdict: Verdict,
    /// Verdict on effect, when an impact was observed.
    pub effect_verdict: Option<Verdict>,
    /// What was measured, in words.
    pub explanation: String,
}

fn column(b: &Batch, name: &str) -> Vec<f64> {
    b.measure(name).unwrap_or_else(|| vec![f64::NAN; b.len()])
}

fn diff(a: &Batch, b: &Batch, name: &str) -> Vec<f64> {
    column(a, name)
        .iter()
        .zip(column(b, name))
        .map(|(x, y)| x - y)
        .collect()
}

/// Per replication: whether the risk happened, and its impact.
struct Outcome {
    happened: Vec<bool>,
    impact: Vec<f64>,
    /// Impact averaged over every replication rather than those where it happened.
    impact_unconditional: bool,
    explanation: String,
}

fn outcome(model: &Model, risk: &Risk, b: &Batches<'_>) -> Result<Outcome, String> {
    let n = b.base.len();
    let years = model.years();
    match &risk.indicator {
        Indicator::OverBudget => {
            let budget_pence = model
                .costs()
                .map(|c| c.budget())
                .ok_or("the scenario has no [costs] section")?;
            let budget = budget_pence.pence() as f64 / 100.0;
            if b.base.catalogue.index("over_budget.y1").is_none() {
                return Err("the cost projection did not run".into());
            }
            let mut happened = vec![false; n];
            let mut impact = vec![0.0; n];
            let mut per_year = Vec::with_capacity(years);
            for y in 1..=years {
                let fraction =
                    ((model.horizon_days() - 365.0 * (y - 1) as f64) / 365.0).clamp(0.0, 1.0);
                let cost = column(b.base, &names::cost_in_year(y));
                let over = column(b.base, &names::over_budget_in_year(y));
                for r in 0..n {
                    if over[r] >= 0.5 {
                        happened[r] = true;
                        impact[r] = f64::max(impact[r], cost[r] - budget * fraction);
                    }
                }
                per_year.push(cost);
            }
            // the grant is held for the whole contract too: its cost against the sum of the
            // years' budgets, read as the headline reads it
            let projector = crate::costs::Projector::new(model).ok_or("no [costs] section")?;
            let reading = |extra: f64| {
                projector
                    .reading(&per_year, extra)
                    .ok_or("the cost projection gave no finite cost")
            };
            let contract = |r: &crate::costs::BudgetReading| match wilson95(
                r.over_contract_count,
                r.replications,
            ) {
                Some([lo, hi]) => format!(
                    "{:.0}% of runs (95% CI {:.0}% to {:.0}%)",
                    100.0 * r.over_contract,
                    100.0 * lo,
                    100.0 * hi
                ),
                None => "no run".into(),
            };
            let as_stated = reading(0.0)?;
            let envelope = as_stated.envelope;
            let contract_years = model.horizon_days() / 365.0;
            let mut explanation = format!(
                "annual cost above the {budget_pence} budget in any contract year; impact: \
                 pounds over in the worst year. Against the whole contract's envelope \
                 ({envelope} for {contract_years:.1} years), the total cost is over in {}",
                contract(&as_stated)
            );
            // the other reading of the cost table, when its audit disagrees
            let costs = model.costs().ok_or("no [costs] section")?;
            let extra = crate::costs::Audit::of(costs)
                .non_salary_understatement(costs)
                .pence() as f64
                / 100.0;
            if extra != 0.0 {
                explanation.push_str(&format!(
                    "; with the non-salary lines recomputed from their unit rates ({} a year \
                     {}), in {}",
                    crate::money::Pence::from_pounds_f64_exact(extra.abs().round())
                        .map_or_else(|| format!("£{:.0}", extra.abs()), |p| p.to_string()),
                    if extra > 0.0 { "more" } else { "less" },
                    contract(&reading(extra)?)
                ));
            }
            Ok(Outcome {
                happened,
                impact,
                impact_unconditional: false,
                explanation,
            })
        }
        Indicator::UnfilledPosts { threshold } => {
            let full = b
                .fully_staffed
                .ok_or("the fully staffed comparison did not run")?;
            let lost = diff(full, b.base, names::PHASE1_STARTS);
            Ok(Outcome {
                happened: lost.iter().map(|&x| x >= *threshold).collect(),
                impact: lost,
                impact_unconditional: false,
                explanation: format!(
                    "recruitment delays and vacancies cost at least {threshold} Phase 1 starts against every post filled throughout (same seeds); the verdict rests on that threshold, an assumption of the scenario"
                ),
            })
        }
        Indicator::SharingVetoed { threshold } => {
            let shared = b
                .demand_led
                .ok_or("the demand-led comparison did not run")?;
            let lost = diff(shared, b.base, names::PHASE1_STARTS);
            Ok(Outcome {
                happened: lost.iter().map(|&x| x >= *threshold).collect(),
                impact: lost,
                impact_unconditional: false,
                explanation: format!(
                    "measured as what a veto on sharing costs: proportional instead of demand-led allocation (same seeds) loses at least {threshold} Phase 1 starts; a capacity model cannot see disagreement itself, and the verdict rests on that threshold, an assumption of the scenario"
                ),
            })
        }
        Indicator::NeedNotPopulation {
            load_ratio,
            significance,
        } => {
            let auths = model.authorities();
            // each authority's share of the hours of family work its own staff give a week
            let hours: Vec<f64> = (0..auths.len())
                .map(|a| {
                    model
                        .posts()
                        .iter()
                        .filter(|p| p.base() == a && !p.region_wide())
                        .map(|p| p.direct_hours_per_week())
                        .sum()
                })
                .collect();
            if auths.len() < 2 {
                return Err("one authority cannot have need out of step with another's".into());
            }
            if hours.iter().any(|&h| h <= 0.0) {
                return Err(
                    "an authority has no staff of its own working with families, so need per \
                     post is not defined"
                        .into(),
                );
            }
            let total_hours: f64 = hours.iter().sum();
            let first_referrals: Vec<Vec<f64>> = auths
                .iter()
                .map(|a| {
                    let all = column(b.base, &names::of_area(names::REFERRALS, a.slug()));
                    let again = column(b.base, &names::of_area(names::REREFERRALS, a.slug()));
                    all.iter().zip(again).map(|(x, y)| x - y).collect()
                })
                .collect();
            let waits: Vec<Vec<f64>> = auths
                .iter()
                .map(|a| column(b.base, &names::of_area(names::WAIT, a.slug())))
                .collect();
            let chi = statrs::distribution::ChiSquared::new((auths.len() - 1) as f64)
                .map_err(|e| e.to_string())?;
            let critical =
                statrs::distribution::ContinuousCDF::inverse_cdf(&chi, 1.0 - significance);
            let mut happened = vec![false; n];
            let mut impact = vec![0.0; n];
            for r in 0..n {
                let counts: Vec<f64> = first_referrals.iter().map(|c| c[r]).collect();
                let total: f64 = counts.iter().sum();
                if total.is_nan() || total <= 0.0 {
                    continue;
                }
                let per_hour: Vec<f64> = counts.iter().zip(&hours).map(|(c, h)| c / h).collect();
                let (most, least) = (argmax(&per_hour), argmin(&per_hour));
                let ratio = per_hour[most] / per_hour[least];
                let statistic: f64 = counts
                    .iter()
                    .zip(&hours)
                    .map(|(c, h)| {
                        let expected = total * h / total_hours;
                        (c - expected).powi(2) / expected
                    })
                    .sum();
                // a ratio with no referrals at all in one authority is infinite: it counts
                happened[r] = ratio >= *load_ratio && statistic > critical;
                let (wm, wl) = (waits[most][r], waits[least][r]);
                impact[r] = if wm.is_finite() && wl.is_finite() {
                    (wm - wl) / 7.0
                } else {
                    0.0
                };
            }
            Ok(Outcome {
                happened,
                impact,
                impact_unconditional: false,
                explanation: format!(
                    "over the contract, one authority's first referrals per hour of family \
                     work its own staff give are at least {load_ratio}× another's, by more than \
                     chance explains (chi-square test at {}%); impact: extra weeks the most \
                     loaded authority's families wait under proportional allocation against \
                     the least loaded's. Need here is the scenario's referral rates by authority: \
                     the verdict rests on them, and where they are assumed rather than \
                     observed, on that assumption",
                    significance * 100.0
                ),
            })
        }
        Indicator::ReferralShortfall {
            from_year,
            flow_factor,
        } => {
            let reduced = b
                .reduced_flow
                .ok_or("the reduced-flow comparison did not run")?;
            let target: f64 = model
                .authorities()
                .iter()
                .filter_map(|a| a.referral_target_per_year())
                .sum();
            let whole_year = |y: usize| model.horizon_days() - 365.0 * (y - 1) as f64 >= 365.0;
            if !(*from_year..=years).any(whole_year) {
                return Err(format!(
                    "no whole contract year from year {from_year} on lies within the {:.0}-day \
                     horizon, so a shortfall against an annual target cannot be measured",
                    model.horizon_days()
                ));
            }
            let mut happened = vec![false; n];
            for y in *from_year..=years {
                let fraction =
                    ((model.horizon_days() - 365.0 * (y - 1) as f64) / 365.0).clamp(0.0, 1.0);
                if fraction < 1.0 {
                    continue; // targets are annual: judge whole years only
                }
                // the targets, like the rates, count first referrals
                let referrals = column(b.base, &names::in_year(names::REFERRALS, y));
                let rereferrals = column(b.base, &names::in_year(names::REREFERRALS, y));
                for r in 0..n {
                    if referrals[r] - rereferrals[r] < target {
                        happened[r] = true;
                    }
                }
            }
            Ok(Outcome {
                happened,
                impact: diff(b.base, reduced, names::PHASE1_STARTS),
                impact_unconditional: true,
                explanation: format!(
                    "first referrals below the board's target of {target:.0} a year in any whole year from year {from_year} on (the verdict rests on that target, which the scenario sets); \
                     impact (every replication): Phase 1 starts lost if liaison fails and referral flow falls to {:.0}% of plan",
                    flow_factor * 100.0
                ),
            })
        }
        Indicator::NotSimulable { reason } => Err(reason.clone()),
    }
}

/// The index of the largest value (the first of equals).
fn argmax(x: &[f64]) -> usize {
    (0..x.len()).fold(0, |best, i| if x[i] > x[best] { i } else { best })
}

/// The index of the smallest value (the first of equals).
fn argmin(x: &[f64]) -> usize {
    (0..x.len()).fold(0, |best, i| if x[i] < x[best] { i } else { best })
}

fn compare_bands(stated: Option<&Band>, ci: [f64; 2]) -> Verdict {
    match stated {
        Some(b) if ci[0] >= b.high && b.high < 1.0 => Verdict::Understated,
        Some(b) if ci[1] < b.low => Verdict::Overstated,
        _ => Verdict::Consistent,
    }
}

/// Assess every risk of the register against the batches.
pub fn assess(model: &Model, register: &Register, batches: &Batches<'_>) -> Vec<Assessment> {
    register
        .risks
        .iter()
        .map(|risk| {
            let base = Assessment {
                id: risk.id,
                title: risk.title.clone(),
                indicator: risk.indicator.kind(),
                measured_as: risk.indicator.measures(),
                stated_likelihood: risk.likelihood.clone(),
                stated_effect: risk.effect.clone(),
                simulated_probability: None,
                ci95: None,
                likelihood_band: None,
                impact: None,
                effect_band: None,
                verdict: Verdict::NotSimulable,
                effect_verdict: None,
                explanation: String::new(),
            };
            let o = match outcome(model, risk, batches) {
                Ok(o) => o,
                Err(reason) => {
                    return Assessment {
                        explanation: format!("not simulable: {reason}"),
                        ..base
                    };
                }
            };
            let n = o.happened.len();
            let k = o.happened.iter().filter(|&&h| h).count();
            let p = if n > 0 { k as f64 / n as f64 } else { f64::NAN };
            let ci = wilson95(k, n);
            let lbands = &register.likelihood;
            let stated_l = lbands.iter().find(|b| b.name == risk.likelihood);
            let verdict = ci.map_or(Verdict::Consistent, |ci| compare_bands(stated_l, ci));

            let kind = impact_kind(&risk.indicator).unwrap_or(ImpactKind::Families);
            let ebands = register.effect_bands(kind);
            let sample: Vec<f64> = if o.impact_unconditional {
                o.impact.clone()
            } else {
                o.impact
                    .iter()
                    .zip(&o.happened)
                    .filter(|(_, h)| **h)
                    .map(|(x, _)| *x)
                    .collect()
            };
            let impact = summarize(&sample).map(|s| Impact {
                unit: kind.unit(),
                mean: s.mean,
                ci95: s.ci95,
                replications: s.n,
            });
            let effect_band = impact
                .as_ref()
                .and_then(|i| band_of(ebands, i.mean.max(0.0)));
            let stated_e = ebands.iter().position(|b| b.name == risk.effect);
            let effect_verdict = match (effect_band, stated_e) {
                (Some(e), Some(s)) if e > s => Some(Verdict::Understated),
                (Some(e), Some(s)) if e < s => Some(Verdict::Overstated),
                (Some(_), Some(_)) => Some(Verdict::Consistent),
                _ => None,
            };
            Assessment {
                simulated_probability: Some(p),
                ci95: ci,
                likelihood_band: band_of(lbands, p).map(|i| lbands[i].name.clone()),
                effect_band: effect_band.map(|i| ebands[i].name.clone()),
                impact,
                verdict,
                effect_verdict,
                explanation: o.explanation,
                ..base
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_compare_the_interval_with_the_stated_band() {
        let band = Band {
            name: "Low".into(),
            low: 0.0,
            high: 0.15,
        };
        assert_eq!(compare_bands(Some(&band), [0.0, 0.04]), Verdict::Consistent);
        assert_eq!(compare_bands(Some(&band), [0.1, 0.3]), Verdict::Consistent);
        assert_eq!(compare_bands(Some(&band), [0.5, 0.7]), Verdict::Understated);
        let medium = Band {
            name: "Medium".into(),
            low: 0.35,
            high: 0.65,
        };
        assert_eq!(
            compare_bands(Some(&medium), [0.0, 0.02]),
            Verdict::Overstated
        );
    }

    #[test]
    fn band_of_includes_the_top_of_the_last_band() {
        let b = vec![
            Band {
                name: "a".into(),
                low: 0.0,
                high: 0.5,
            },
            Band {
                name: "b".into(),
                low: 0.5,
                high: 1.0,
            },
        ];
        assert_eq!(band_of(&b, 0.0), Some(0));
        assert_eq!(band_of(&b, 0.5), Some(1));
        assert_eq!(band_of(&b, 1.0), Some(1));
        assert_eq!(band_of(&b, 1.5), None);
    }
}
