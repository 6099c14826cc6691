//! Raw scenario → validated [`Model`], collecting every problem at once.
//!
//! Each rule names the field path, the bad value and what is allowed. Defaults for
//! optional fields are documented here (and in the README's scenario guide):
//!
//! | field | default |
//! |---|---|
//! | `simulation.horizon_days` | 1095 (the three-year contract) |
//! | `simulation.replications` | 100 |
//! | `simulation.seed` | 20130601 |
//! | `simulation.wait_target_days` | 7 |
//! | `simulation.warm_up_days` | 0: measures count from the start |
//! | `simulation.referral_scale` | 1: every authority's referrals as given (up to 20 times) |
//! | `pathway.workload_scale` | 1: the hours fields as given |
//! | `referrals.agencies` | children's services 0.50, health 0.15, education 0.15, police 0.10, other 0.10 |
//! | `referrals.needs` | substance misuse 0.35, domestic violence 0.30, parenting 0.20, mental health 0.15 |
//! | `referrals.children` | 1: 0.35, 2: 0.30, 3: 0.20, 4: 0.15 |
//! | `staff.hours_per_week` | 37 |
//! | `staff.direct_ratio` | 0.40 |
//! | `staff.role` | `other` |
//! | `staff.region_wide` | `false`: the post serves only its base's authority, unless the policy shares |
//! | `availability.*` | no leave, sickness, turnover or recruitment delay unless given |
//! | `policy.kind` | `proportional`; `share_after_days` 0; `matching` `capacity` |
//! | `policy.rebasing` | a review every 91.25 days by referrals accepted over the last 4 periods, moving at most 1 post when a base is more than 1 post from its fair number, after a full window, keeping 1 at every base |
//! | `pathway.advice_hours` | 0: advice sessions take no recorded staff time |
//! | `travel.*` | no travel time unless routes are given; visits: assessment 2, Phase 1 2 a week, Phase 2 1 a week, review 1 |

use super::raw::*;
use crate::dist::Dist;
use crate::model::optimise::Search;
use crate::model::targets::{Target, TargetKind, TargetMeasure};
use crate::model::*;
use std::collections::BTreeMap;

/// `[policy.rebasing]`, with its defaults.
fn rebasing(raw: Option<&RawRebasing>, p: &mut Problems) -> Rebasing {
    let d = Rebasing::default();
    let Some(raw) = raw else { return d };
    let every_days = raw.every_days.map_or(d.every_days, |x| {
        p.within("policy.rebasing.every_days", x, 1.0, 36_500.0, " days")
    });
    let signal = match raw.signal.as_deref() {
        None | Some("referrals") => DemandSignal::Referrals,
        Some("waiting") => DemandSignal::Waiting,
        Some(s) => {
            p.add(
                "policy.rebasing.signal",
                format!("unknown signal \"{s}\" (allowed: referrals, waiting)"),
            );
            d.signal
        }
    };
    Rebasing {
        every_days,
        signal,
        max_moves: raw.max_moves.unwrap_or(d.max_moves),
        min_posts: raw.min_posts.unwrap_or(d.min_posts),
        window: match raw.window {
            Some(0) => {
                p.add(
                    "policy.rebasing.window",
                    "must be at least 1 review period, got 0",
                );
                d.window
            }
            Some(w) => w,
            None => d.window,
        },
        tolerance: raw.tolerance.map_or(d.tolerance, |x| {
            p.within("policy.rebasing.tolerance", x, 0.0, 1000.0, " posts")
        }),
    }
}

/// The largest `simulation.referral_scale`.
const MAX_REFERRAL_SCALE: f64 = 20.0;

/// Collects problems while validating.
#[derive(Default)]
pub(crate) struct Problems(pub(crate) Vec<FieldProblem>);

impl Problems {
    pub(crate) fn add(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldProblem {
            path: path.into(),
            message: message.into(),
        });
    }

    /// A probability in [0, 1].
    fn probability(&mut self, path: &str, p: f64) -> f64 {
        if !(p.is_finite() && (0.0..=1.0).contains(&p)) {
            self.add(
                path,
                format!("must be a probability between 0 and 1, got {p}"),
            );
            return 0.0;
        }
        p
    }

    /// A finite number `>= 0`.
    fn non_negative(&mut self, path: &str, x: f64) -> f64 {
        if !(x.is_finite() && x >= 0.0) {
            self.add(
                path,
                format!("must be a finite number of 0 or more, got {x}"),
            );
            return 0.0;
        }
        x
    }

    /// A finite number `> 0`.
    fn positive(&mut self, path: &str, x: f64) -> f64 {
        if !(x.is_finite() && x > 0.0) {
            self.add(
                path,
                format!("must be a finite number greater than 0, got {x}"),
            );
            return 1.0;
        }
        x
    }

    /// A number in `[lo, hi]`.
    fn within(&mut self, path: &str, x: f64, lo: f64, hi: f64, unit: &str) -> f64 {
        if !(x.is_finite() && x >= lo && x <= hi) {
            self.add(
                path,
                format!("must be between {lo} and {hi}{unit}, got {x}"),
            );
            return lo;
        }
        x
    }

    /// A distribution table.
    fn dist(&mut self, path: &str, d: &RawDist) -> Option<Dist> {
        let need = |v: Option<f64>, name: &str, probs: &mut Problems| {
            if v.is_none() {
                probs.add(
                    format!("{path}.{name}"),
                    format!("a {} distribution needs `{name}`", d.dist),
                );
            }
            v.unwrap_or(f64::NAN)
        };
        let allowed: &[&str] = match d.dist.as_str() {
            "fixed" => &["value"],
            "uniform" => &["min", "max"],
            "triangular" => &["min", "mode", "max"],
            "exponential" => &["mean"],
            "lognormal" => &["mean", "sd"],
            "gamma" => &["shape", "scale"],
            other => {
                self.add(
                    format!("{path}.dist"),
                    format!(
                        "unknown distribution \"{other}\" (allowed: fixed, uniform, triangular, exponential, lognormal, gamma)"
                    ),
                );
                return None;
            }
        };
        let given = [
            ("value", d.value),
            ("min", d.min),
            ("mode", d.mode),
            ("max", d.max),
            ("mean", d.mean),
            ("sd", d.sd),
            ("shape", d.shape),
            ("scale", d.scale),
        ];
        let before = self.0.len();
        for (name, v) in given {
            if v.is_some() && !allowed.contains(&name) {
                self.add(
                    format!("{path}.{name}"),
                    format!(
                        "a {} distribution does not take `{name}` (it takes: {})",
                        d.dist,
                        allowed.join(", ")
                    ),
                );
            }
        }
        let built = match d.dist.as_str() {
            "fixed" => Dist::fixed(need(d.value, "value", self)),
            "uniform" => Dist::uniform(need(d.min, "min", self), need(d.max, "max", self)),
            "triangular" => Dist::triangular(
                need(d.min, "min", self),
                need(d.mode, "mode", self),
                need(d.max, "max", self),
            ),
            "exponential" => Dist::exponential(need(d.mean, "mean", self)),
            "lognormal" => Dist::lognormal(need(d.mean, "mean", self), need(d.sd, "sd", self)),
            _ => Dist::gamma(need(d.shape, "shape", self), need(d.scale, "scale", self)),
        };
        match built {
            Ok(dist) if self.0.len() == before => Some(dist),
            Ok(_) => None,
            Err(e) => {
                if self.0.len() == before {
                    self.add(path, e.0);
                }
                None
            }
        }
    }
}

/// Whether an authority's slug would clash with the suffixes measure names use for
/// contract years (`.y1`) and wait percentiles (`.median`, `.p90`).
fn reserved_suffix(slug: &str) -> bool {
    let year = slug
        .strip_prefix('y')
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    year || slug == "median" || slug == "p90"
}

/// The known name closest to `given`, for "did you mean" hints.
fn suggest<'a>(given: &str, known: &'a [String]) -> Option<&'a str> {
    let g = given.to_lowercase();
    known
        .iter()
        .find(|k| {
            let k = k.to_lowercase();
            k.starts_with(&g) || g.starts_with(&k) || k.contains(&g) || slug(&k) == slug(&g)
        })
        .map(String::as_str)
}

fn default_mix(pairs: &[(&str, f64)]) -> BTreeMap<String, f64> {
    pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

fn mix(probs: &mut Problems, path: &str, map: &BTreeMap<String, f64>) -> Vec<Category> {
    if map.is_empty() {
        probs.add(path, "must list at least one category with its share");
        return Vec::new();
    }
    let mut total = 0.0;
    let mut out: Vec<Category> = Vec::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (name, share) in map {
        let s = probs.probability(&format!("{path}.{name}"), *share);
        let slug = slug(name);
        if let Some(&j) = seen.get(&slug) {
            probs.add(
                format!("{path}.{name}"),
                format!(
                    "\"{name}\" and \"{}\" are the same category in measure names ({slug}); \
                     merge them or name them apart",
                    out[j].name
                ),
            );
        } else if reserved_suffix(&slug) {
            probs.add(
                format!("{path}.{name}"),
                format!(
                    "\"{name}\" would read as a year or a percentile in measure names \
                     (they end in .y1, .y2, …, .median and .p90); choose another name"
                ),
            );
        }
        seen.entry(slug.clone()).or_insert(out.len());
        total += s;
        out.push(Category {
            name: name.clone(),
            slug,
            share: s,
        });
    }
    if (total - 1.0).abs() > 1e-9 {
        probs.add(path, format!("shares must sum to 1, they sum to {total}"));
    }
    out
}

/// Validate a parsed scenario. Returns the model, or every problem found.
pub fn validate(raw: &RawScenario) -> Result<Model, Vec<FieldProblem>> {
    let mut p = Problems::default();

    if let Some(s) = raw.schema
        && s != 1
    {
        p.add(
            "schema",
            format!("unsupported schema version {s} (this version reads 1)"),
        );
    }
    if raw.name.trim().is_empty() {
        p.add("name", "must not be empty");
    }

    // simulation
    let sim = &raw.simulation;
    let horizon_days = sim.horizon_days.unwrap_or(1095.0);
    let horizon_days = p.within(
        "simulation.horizon_days",
        horizon_days,
        1.0,
        MAX_HORIZON_DAYS,
        " days",
    );
    let replications = sim.replications.unwrap_or(100);
    if replications < 1 || replications as u64 > MAX_REPLICATIONS {
        p.add(
            "simulation.replications",
            format!("must be between 1 and {MAX_REPLICATIONS}, got {replications}"),
        );
    }
    let wait_target_days = p.non_negative(
        "simulation.wait_target_days",
        sim.wait_target_days.unwrap_or(7.0),
    );
    let warm_up_days = sim.warm_up_days.unwrap_or(0.0);
    let warm_up_days = if warm_up_days.is_finite() && (0.0..horizon_days).contains(&warm_up_days) {
        warm_up_days
    } else {
        p.add(
            "simulation.warm_up_days",
            format!(
                "must be at least 0 days and less than the horizon ({horizon_days} days), got {warm_up_days}"
            ),
        );
        0.0
    };

    // every authority's referral rate multiplied: the level of demand as one number
    let referral_scale = p.within(
        "simulation.referral_scale",
        sim.referral_scale.unwrap_or(1.0),
        0.0,
        MAX_REFERRAL_SCALE,
        "",
    );

    // authorities
    if raw.authorities.is_empty() {
        p.add("authorities", "must list at least one authority");
    }
    let names: Vec<String> = raw.authorities.iter().map(|a| a.name.clone()).collect();
    let mut authorities = Vec::new();
    let mut seen = BTreeMap::new();
    for (i, a) in raw.authorities.iter().enumerate() {
        let path = format!("authorities[{i}]");
        if a.name.trim().is_empty() {
            p.add(format!("{path}.name"), "must not be empty");
        }
        if let Some(j) = seen.insert(slug(&a.name), i) {
            let other = &raw.authorities[j].name;
            let message = if *other == a.name {
                format!("duplicate authority \"{}\" (also authorities[{j}])", a.name)
            } else {
                // measure names keep ASCII letters and digits only
                format!(
                    "\"{}\" and \"{other}\" (authorities[{j}]) are the same authority in \
                     measure names ({}): they keep only ASCII letters and digits, so give the \
                     names letters that tell them apart",
                    a.name,
                    slug(&a.name)
                )
            };
            p.add(format!("{path}.name"), message);
        } else if reserved_suffix(&slug(&a.name)) {
            p.add(
                format!("{path}.name"),
                format!(
                    "\"{}\" would read as a year or a percentile in measure names \
                     (they end in .y1, .y2, …, .median and .p90); choose another name",
                    a.name
                ),
            );
        }
        let population = match a.population {
            Some(n) if n < 0 => {
                p.add(
                    format!("{path}.population"),
                    format!("must be 0 or more, got {n}"),
                );
                0
            }
            Some(n) => n as u64,
            None => 0,
        };
        let rate_path = format!("{path}.referrals_per_year");
        let referrals_per_year = match &a.referrals_per_year {
            RawRate::Number(r) => Rate::Known(p.non_negative(&rate_path, *r)),
            RawRate::Dist(d) => match p.dist(&rate_path, d) {
                Some(d) => Rate::Uncertain(d),
                None => Rate::Known(0.0),
            },
        };
        let ramp = a.ramp_up.as_ref().map(|r| Ramp {
            start_fraction: p
                .probability(&format!("{path}.ramp_up.start_fraction"), r.start_fraction),
            days: p.positive(&format!("{path}.ramp_up.days"), r.days),
        });
        let seasonality = a.seasonality.as_ref().map(|s| Seasonality {
            amplitude: p.within(
                &format!("{path}.seasonality.amplitude"),
                s.amplitude,
                0.0,
                0.99,
                "",
            ),
            peak_day: p.within(
                &format!("{path}.seasonality.peak_day"),
                s.peak_day,
                0.0,
                365.0,
                "",
            ),
        });
        let referral_target_per_year = a
            .referral_target_per_year
            .map(|t| p.non_negative(&format!("{path}.referral_target_per_year"), t));
        authorities.push(Authority {
            name: a.name.clone(),
            slug: slug(&a.name),
            population,
            referrals_per_year,
            ramp,
            seasonality,
            referral_target_per_year,
            flow_factor: referral_scale,
        });
    }
    let expected = max_first_referrals(&authorities, horizon_days);
    if expected.is_finite() && expected > MAX_EPISODES_PER_REPLICATION {
        p.add(
            "simulation.horizon_days",
            format!(
                "horizon and referral rates give up to {expected:.0} referrals in one replication; \
                 the limit is {MAX_EPISODES_PER_REPLICATION:.0} (shorten the horizon or lower the rates)"
            ),
        );
    } else if !expected.is_finite() {
        p.add(
            "authorities",
            "a referral rate distribution is unbounded above in a way that cannot be simulated",
        );
    }
    if authorities.len() > MAX_AREAS {
        p.add(
            "authorities",
            format!(
                "lists {} areas; the limit is {MAX_AREAS} (memory for the weekly series grows \
                 with areas times weeks)",
                authorities.len()
            ),
        );
    }

    // referral mixes
    let r = &raw.referrals;
    let agencies = mix(
        &mut p,
        "referrals.agencies",
        &r.agencies.clone().unwrap_or_else(|| {
            default_mix(&[
                ("children's services", 0.50),
                ("education", 0.15),
                ("health", 0.15),
                ("other", 0.10),
                ("police", 0.10),
            ])
        }),
    );
    let needs = mix(
        &mut p,
        "referrals.needs",
        &r.needs.clone().unwrap_or_else(|| {
            default_mix(&[
                ("domestic violence", 0.30),
                ("mental health", 0.15),
                ("parenting", 0.20),
                ("substance misuse", 0.35),
            ])
        }),
    );
    let children_raw = r
        .children
        .clone()
        .unwrap_or_else(|| default_mix(&[("1", 0.35), ("2", 0.30), ("3", 0.20), ("4", 0.15)]));
    let mut children = Vec::new();
    for c in mix(&mut p, "referrals.children", &children_raw) {
        match c.name.parse::<u32>() {
            Ok(n) if n <= 20 => children.push((n, c.share)),
            _ => p.add(
                format!("referrals.children.{}", c.name),
                format!(
                    "keys must be whole numbers of children from 0 to 20, got \"{}\"",
                    c.name
                ),
            ),
        }
    }

    // pathway
    let pw = &raw.pathway;
    let advice_only = p.probability("pathway.advice_only", pw.advice_only);
    let not_eligible = p.probability("pathway.not_eligible", pw.not_eligible);
    let declined = p.probability("pathway.declined", pw.declined);
    if advice_only + not_eligible + declined > 1.0 + 1e-9 {
        p.add(
            "pathway",
            format!(
                "advice_only + not_eligible + declined must not exceed 1, got {}",
                advice_only + not_eligible + declined
            ),
        );
    }
    // a session, not a family's intervention: workload_scale does not apply to it
    let advice_hours = p.within("pathway.advice_hours", pw.advice_hours, 0.0, 40.0, " hours");
    let patience = pw
        .patience
        .as_ref()
        .and_then(|d| p.dist("pathway.patience", d));
    // the level of every per-family hours figure, whose shape the fields give
    let scale = p.within(
        "pathway.workload_scale",
        pw.workload_scale.unwrap_or(1.0),
        0.0,
        MAX_WORKLOAD_SCALE,
        "",
    );
    let assessment = pw.assessment.as_ref().map(|a| Assessment {
        duration: p
            .dist("pathway.assessment.duration", &a.duration)
            .unwrap_or(Dist::Fixed(0.0)),
        hours: scale * p.non_negative("pathway.assessment.hours", a.hours),
        to_phase1: p.probability("pathway.assessment.to_phase1", a.to_phase1),
    });
    let phase1 = pw.phase1.as_ref().map(|a| Phase1 {
        duration: p
            .dist("pathway.phase1.duration", &a.duration)
            .unwrap_or(Dist::Fixed(0.0)),
        hours_per_week: scale * p.non_negative("pathway.phase1.hours_per_week", a.hours_per_week),
        unplanned_exit: p.probability("pathway.phase1.unplanned_exit", a.unplanned_exit),
    });
    if assessment.is_none() && phase1.is_none() {
        p.add(
            "pathway",
            "needs an `assessment` or a `phase1` table: allocated families must have something to do",
        );
    }
    let phase2 = pw.phase2.as_ref().map(|a| {
        let review = p.positive("pathway.phase2.review_at_days", a.review_at_days);
        let fin = p.positive(
            "pathway.phase2.final_review_at_days",
            a.final_review_at_days,
        );
        if fin < review {
            p.add(
                "pathway.phase2.final_review_at_days",
                format!("must not come before review_at_days ({review}), got {fin}"),
            );
        }
        Phase2 {
            hours_per_week: scale
                * p.non_negative("pathway.phase2.hours_per_week", a.hours_per_week),
            review_at_days: review,
            final_review_at_days: fin,
            review_hours: scale * p.non_negative("pathway.phase2.review_hours", a.review_hours),
        }
    });
    if phase2.is_some() && phase1.is_none() {
        p.add(
            "pathway.phase2",
            "Phase 2 follows Phase 1: add a `phase1` table or remove `phase2`",
        );
    }
    let rereferral = pw.rereferral.as_ref().and_then(|r| {
        let probability = p.probability("pathway.rereferral.probability", r.probability);
        let delay = p.dist("pathway.rereferral.delay", &r.delay)?;
        let max_episodes = match r.max_episodes.unwrap_or(3) {
            n @ 1..=200 => n as u8,
            n => {
                p.add(
                    "pathway.rereferral.max_episodes",
                    format!("must be between 1 and 200, got {n}"),
                );
                1
            }
        };
        Some(Rereferral {
            probability,
            delay,
            max_episodes,
        })
    });
    // every re-referral is a family episode too: bound what is simulated, not what is declared
    if let Some(r) = &rereferral {
        let episodes = expected * episode_factor(Some(r));
        if expected.is_finite()
            && expected <= MAX_EPISODES_PER_REPLICATION
            && episodes > MAX_EPISODES_PER_REPLICATION
        {
            p.add(
                "pathway.rereferral.probability",
                format!(
                    "with up to {} re-referrals a family, the referral rates give up to \
                     {episodes:.0} family episodes in one replication; the limit is \
                     {MAX_EPISODES_PER_REPLICATION:.0} (lower the probability or max_episodes, \
                     or shorten the horizon)",
                    r.max_episodes
                ),
            );
        }
    }
    let onward_referral = p.probability("pathway.onward_referral", pw.onward_referral);
    let pathway = Pathway {
        advice_only,
        advice_hours,
        not_eligible,
        declined,
        patience,
        assessment,
        phase1,
        phase2,
        rereferral,
        onward_referral,
        calibrated_to: pw.calibrated_to.clone(),
    };
    if let Some(name) = &pw.calibrated_to
        && super::bundled(name).is_none()
    {
        let names: Vec<&str> = super::BUNDLED.iter().map(|b| b.name).collect();
        p.add(
            "pathway.calibrated_to",
            format!(
                "no bundled scenario is called \"{name}\" (bundled: {})",
                names.join(", ")
            ),
        );
    }

    // availability and staff
    let global = availability(&mut p, "availability", &raw.availability, None);
    let need_names: Vec<String> = needs.iter().map(|c| c.name.clone()).collect();
    let mut posts = Vec::new();
    let mut groups_seen: BTreeMap<String, u32> = BTreeMap::new();
    if raw.staff.is_empty() {
        p.add("staff", "must list at least one post");
    }
    // each title's slug, with the first entry that spelt it (linear in entries)
    let mut title_slugs: BTreeMap<String, usize> = BTreeMap::new();
    for (i, s) in raw.staff.iter().enumerate() {
        let path = format!("staff[{i}]");
        // entries with one title are one post in measures and costs; titles spelt apart
        // must stay apart in measure names too
        let first = *title_slugs.entry(slug(&s.post)).or_insert(i);
        let clash = Some(first)
            .filter(|&j| raw.staff[j].post != s.post)
            .map(|j| (j, &raw.staff[j]));
        if let Some((j, other)) = clash {
            p.add(
                format!("{path}.post"),
                format!(
                    "\"{}\" and staff[{j}]'s \"{}\" are different titles with the same name \
                     in measure names ({}); spell one post the same way each time, or name \
                     the posts apart",
                    s.post,
                    other.post,
                    slug(&s.post)
                ),
            );
        }
        let base = match names.iter().position(|n| n == &s.base) {
            Some(b) => b,
            None => {
                let hint = suggest(&s.base, &names)
                    .map(|n| format!("; did you mean \"{n}\"?"))
                    .unwrap_or_default();
                p.add(
                    format!("{path}.base"),
                    format!(
                        "unknown authority \"{}\" (known: {}){hint}",
                        s.base,
                        names.join(", ")
                    ),
                );
                0
            }
        };
        let role = match s.role.as_deref().unwrap_or("other") {
            "manager" => Role::Manager,
            "csw" => Role::ConsultantSocialWorker,
            "is" => Role::InterventionSpecialist,
            "business-support" => Role::BusinessSupport,
            "other" => Role::Other,
            r => {
                p.add(
                    format!("{path}.role"),
                    format!(
                        "unknown role \"{r}\" (allowed: manager, csw, is, business-support, other)"
                    ),
                );
                Role::Other
            }
        };
        let count = match s.count {
            n @ 0..=1000 => n as usize,
            n => {
                p.add(
                    format!("{path}.count"),
                    format!("must be between 0 and 1000, got {n}"),
                );
                0
            }
        };
        let hours = p.within(
            &format!("{path}.hours_per_week"),
            s.hours_per_week.unwrap_or(37.0),
            0.0,
            168.0,
            " hours",
        );
        let ratio = p.probability(
            &format!("{path}.direct_ratio"),
            s.direct_ratio.unwrap_or(0.4),
        );
        let caseload_limit = match s.caseload_limit {
            None => None,
            Some(n @ 0..=10_000) => Some(n as u32),
            Some(n) => {
                p.add(
                    format!("{path}.caseload_limit"),
                    format!("must be between 0 and 10000 families, got {n}"),
                );
                None
            }
        };
        let specialism = s.specialism.as_ref().and_then(|sp| {
            let found = need_names.iter().position(|n| n == sp);
            if found.is_none() {
                p.add(
                    format!("{path}.specialism"),
                    format!("unknown need \"{sp}\" (known: {})", need_names.join(", ")),
                );
            }
            found
        });
        let avail = match &s.availability {
            Some(a) => availability(
                &mut p,
                &format!("{path}.availability"),
                a,
                Some(&raw.availability),
            ),
            None => global.clone(),
        };
        let post = Post {
            stream: 0,
            title: s.post.clone(),
            role,
            base,
            hours_per_week: hours,
            direct_ratio: ratio,
            caseload_limit,
            specialism,
            region_wide: s.region_wide.unwrap_or(false),
            availability: avail,
        };
        let intake = pathway.intake_hours();
        if post.region_wide && !post.takes_families(intake) {
            // a post that takes no family at its own base takes none elsewhere either:
            // the setting is most likely on the wrong line, so say so rather than ignore it
            let limit = if caseload_limit == Some(0) {
                "; its caseload limit is 0"
            } else {
                ""
            };
            p.add(
                format!("{path}.region_wide"),
                format!(
                    "a post that takes no families cannot serve the region: it has {} direct \
                     hours a week (hours_per_week × direct_ratio) where a new family needs \
                     {intake}{limit}; remove region_wide or give the post direct work",
                    post.direct_hours_per_week()
                ),
            );
        }
        // each holder's availability stream is keyed by the group's title, base and
        // occurrence, and the member's place in it, so adding a member or a group leaves
        // every other post's absences as they were
        let group = {
            let name = format!("{}\u{0}{}", s.post, s.base);
            let seen = groups_seen.entry(name.clone()).or_insert(0u32);
            *seen += 1;
            crate::rng::text_key(&format!("{name}\u{0}{seen}"))
        };
        posts.extend((0..count).map(|k| Post {
            stream: crate::rng::staff_key(group, k as u32),
            ..post.clone()
        }));
    }
    if posts.len() > crate::model::MAX_POSTS {
        p.add(
            "staff",
            format!(
                "{} posts in all; a scenario may have at most {}",
                posts.len(),
                crate::model::MAX_POSTS
            ),
        );
    }
    let intake = pathway.intake_hours();
    if !raw.staff.is_empty() && !posts.iter().any(|post| post.takes_families(intake)) {
        p.add(
            "staff",
            format!(
                "no post can take a family: a worker needs direct hours a week (hours_per_week × direct_ratio) \
                 of at least {intake} (the heaviest weekly load before Phase 2) and a caseload limit above 0"
            ),
        );
    }

    // policy
    let kind_name = raw.policy.kind.as_deref().unwrap_or("proportional");
    let kind = PolicyKind::parse(kind_name).unwrap_or_else(|| {
        p.add(
            "policy.kind",
            format!(
                "unknown policy \"{kind_name}\" (allowed: {})",
                PolicyKind::allowed()
            ),
        );
        PolicyKind::Proportional
    });
    let matching = match raw.policy.matching.as_deref().unwrap_or("capacity") {
        "capacity" => Matching::Capacity,
        "expertise" => Matching::Expertise,
        m => {
            p.add(
                "policy.matching",
                format!("unknown matching \"{m}\" (allowed: capacity, expertise)"),
            );
            Matching::Capacity
        }
    };
    let policy = Policy {
        kind,
        share_after_days: p.non_negative(
            "policy.share_after_days",
            raw.policy.share_after_days.unwrap_or(0.0),
        ),
        matching,
        rebasing: rebasing(raw.policy.rebasing.as_ref(), &mut p),
    };

    // travel
    let n = authorities.len();
    let mut hours = vec![vec![0.0; n]; n];
    let mut set = vec![vec![false; n]; n];
    for (i, r) in raw.travel.routes.iter().enumerate() {
        let path = format!("travel.routes[{i}]");
        let idx = |name: &str, field: &str, p: &mut Problems| {
            let found = names.iter().position(|n| n == name);
            if found.is_none() {
                p.add(
                    format!("{path}.{field}"),
                    format!("unknown authority \"{name}\" (known: {})", names.join(", ")),
                );
            }
            found
        };
        let from = idx(&r.from, "from", &mut p);
        let to = idx(&r.to, "to", &mut p);
        let h = p.within(&format!("{path}.hours"), r.hours, 0.0, 24.0, " hours");
        if let (Some(a), Some(b)) = (from, to) {
            if a == b {
                p.add(path.clone(), "a route must join two different authorities");
            } else if set[a][b] {
                p.add(
                    path.clone(),
                    format!("duplicate route between {} and {}", r.from, r.to),
                );
            } else {
                hours[a][b] = h;
                hours[b][a] = h;
                set[a][b] = true;
                set[b][a] = true;
            }
        }
    }
    let t = &raw.travel;
    let travel = Travel {
        hours,
        assessment_visits: p.non_negative(
            "travel.assessment_visits",
            t.assessment_visits.unwrap_or(2.0),
        ),
        phase1_visits_per_week: p.non_negative(
            "travel.phase1_visits_per_week",
            t.phase1_visits_per_week.unwrap_or(2.0),
        ),
        phase2_visits_per_week: p.non_negative(
            "travel.phase2_visits_per_week",
            t.phase2_visits_per_week.unwrap_or(1.0),
        ),
        review_visits: p.non_negative("travel.review_visits", t.review_visits.unwrap_or(1.0)),
    };

    // costs
    let costs = raw.costs.as_ref().and_then(|c| match c.validate() {
        Ok(costs) => Some(costs),
        Err(problems) => {
            for fp in problems {
                p.add(fp.path, fp.message);
            }
            None
        }
    });
    if let Some(c) = &costs {
        let mut seen = std::collections::HashSet::new();
        let titles: Vec<&str> = raw
            .staff
            .iter()
            .map(|s| s.post.as_str())
            .filter(|t| seen.insert(*t))
            .collect();
        // a long list of posts is cut, so one message stays readable
        const LISTED: usize = 12;
        let mut listed = titles
            .iter()
            .take(LISTED)
            .copied()
            .collect::<Vec<_>>()
            .join(", ");
        if titles.len() > LISTED {
            listed.push_str(&format!(" and {} more", titles.len() - LISTED));
        }
        for (i, line) in c.salary_lines().iter().enumerate() {
            if !seen.contains(line.post()) {
                p.add(
                    format!("costs.salary[{i}].post"),
                    format!(
                        "no staff post is called \"{}\" (posts: {listed})",
                        line.post()
                    ),
                );
            }
        }
    }

    // risks
    let has_targets = authorities
        .iter()
        .any(|a| a.referral_target_per_year.is_some());
    let risks = raw.risks.as_ref().and_then(|r| {
        match super::risks_validate::validate(
            r,
            costs.is_some() || raw.costs.is_some(),
            has_targets,
        ) {
            Ok(reg) => Some(reg),
            Err(problems) => {
                for fp in problems {
                    p.add(fp.path, fp.message);
                }
                None
            }
        }
    });

    // calibration targets (their measures are checked once the model exists)
    let targets = targets(&mut p, &raw.targets);
    let sensitivity = sensitivity(&mut p, &raw.sensitivity);
    let optimise = raw.optimise.as_ref().map(|o| optimise(&mut p, o));

    if !p.0.is_empty() {
        return Err(p.0);
    }
    let model = Model {
        // set from the text by `scenario::load`
        fingerprint: String::new(),
        name: raw.name.clone(),
        title: raw.title.clone().unwrap_or_else(|| raw.name.clone()),
        description: raw.description.clone().unwrap_or_default(),
        horizon_days,
        warm_up_days,
        replications: replications as u64,
        seed: sim.seed.unwrap_or(20130601),
        wait_target_days,
        authorities,
        referrals: ReferralMix {
            agencies,
            needs,
            children,
        },
        pathway,
        posts,
        policy,
        travel,
        costs,
        risks,
        targets,
        sensitivity,
        optimise,
    };
    if let Some(year) = crate::costs::Projector::new(&model)
        .as_ref()
        .and_then(crate::costs::Projector::first_runaway_year)
    {
        return Err(vec![FieldProblem {
            path: "costs.pay_award".into(),
            message: format!(
                "with these salary lines, pay awards and horizon, a salary line costs more than \
                 £1,000,000,000 in contract year {year}; lower the pay award, the salary \
                 figures or the horizon"
            ),
        }]);
    }
    let catalogue = crate::measures::Catalogue::new(&model);
    let unknown: Vec<FieldProblem> = model
        .targets
        .iter()
        .enumerate()
        .flat_map(|(i, t)| {
            let field = match t.measure {
                TargetMeasure::Measure(_) => "measure",
                TargetMeasure::Ratio(..) => "ratio",
            };
            t.measure
                .names()
                .into_iter()
                .filter(|m| catalogue.index(m).is_none())
                .map(move |m| FieldProblem {
                    path: format!("targets[{i}].{field}"),
                    message: format!(
                        "no measure is called \"{m}\" in this scenario (see the keys of `run --json`)"
                    ),
                })
                .collect::<Vec<_>>()
        })
        .collect();
    if !unknown.is_empty() {
        return Err(unknown);
    }
    // the rules above keep names apart; this is the last word, so that no two measures
    // ever share a name in the outputs (a JSON reader would keep only one of them)
    if let Some(name) = crate::measures::Catalogue::new(&model).first_duplicate() {
        return Err(vec![FieldProblem {
            path: "name".into(),
            message: format!(
                "two measures would both be named \"{name}\": rename the authority, \
                 category or post whose name makes it"
            ),
        }]);
    }
    Ok(model)
}

/// The largest `pathway.workload_scale`: ten times the hours the fields give.
const MAX_WORKLOAD_SCALE: f64 = 10.0;

/// The most `[[sensitivity]]` inputs.
const MAX_SENSITIVITY_INPUTS: usize = 30;

/// Validate the `[[sensitivity]]` entries (whether each path names a field that takes
/// its values is checked when the inputs are varied).
fn sensitivity(p: &mut Problems, raw: &[RawSensitivity]) -> Vec<SensitivityInput> {
    if raw.len() > MAX_SENSITIVITY_INPUTS {
        p.add(
            "sensitivity",
            format!(
                "{} inputs; a scenario may list at most {MAX_SENSITIVITY_INPUTS}",
                raw.len()
            ),
        );
    }
    let mut out: Vec<SensitivityInput> = Vec::new();
    for (i, r) in raw.iter().enumerate() {
        let path = r.path.trim();
        if path.is_empty() || path.contains('=') {
            p.add(
                format!("sensitivity[{i}].path"),
                "must name a field as --set does, e.g. pathway.patience.mean",
            );
            continue;
        }
        if out.iter().any(|o| o.path == path) {
            p.add(
                format!("sensitivity[{i}].path"),
                format!("{path} is listed twice"),
            );
        }
        let [lo, hi] = r.range;
        if !(lo.is_finite() && hi.is_finite() && lo < hi) {
            p.add(
                format!("sensitivity[{i}].range"),
                format!("must be [LO, HI] with LO below HI, got [{lo}, {hi}]"),
            );
        }
        out.push(SensitivityInput {
            path: path.to_string(),
            range: [lo, hi],
            why: r.why.clone().unwrap_or_default(),
        });
    }
    out
}

/// The most configurations a search space may hold, and so the most values one field may
/// take.
pub const MAX_CHOICES: usize = 1000;

/// Validate `[optimise]` (whether each path names a field that takes its values, and each
/// measure exists, is checked when the search is planned).
fn optimise(p: &mut Problems, raw: &RawOptimise) -> Search {
    use crate::model::optimise::{Choice, DEFAULT_OBJECTIVE, Requirement, Total};
    let maximise = match raw.goal.as_deref().map(str::trim) {
        None | Some("maximise") | Some("maximize") => true,
        Some("minimise") | Some("minimize") => false,
        Some(other) => {
            p.add(
                "optimise.goal",
                format!("must be \"maximise\" or \"minimise\", got {other:?}"),
            );
            true
        }
    };
    let indifference = raw.indifference.unwrap_or(0.01);
    if !(indifference.is_finite() && indifference > 0.0) {
        p.add(
            "optimise.indifference",
            format!("must be a positive number, got {indifference}"),
        );
    }
    let confidence = raw.confidence.unwrap_or(0.95);
    if !(confidence.is_finite() && (0.5..1.0).contains(&confidence)) {
        p.add(
            "optimise.confidence",
            format!("must be at least 0.5 and below 1, got {confidence}"),
        );
    }
    let first = raw.first_replications.unwrap_or(20);
    let most = raw.max_replications.unwrap_or(400);
    if !(5..=10_000).contains(&first) {
        p.add(
            "optimise.first_replications",
            format!("must be between 5 and 10000, got {first}"),
        );
    }
    if most < first || most > 100_000 {
        p.add(
            "optimise.max_replications",
            format!("must be between first_replications ({first}) and 100000, got {most}"),
        );
    }
    let mut vary: Vec<Choice> = Vec::new();
    for (i, c) in raw.vary.iter().enumerate() {
        let at = format!("optimise.vary[{i}]");
        let path = c.path.trim();
        if path.is_empty() || path.contains('=') {
            p.add(
                format!("{at}.path"),
                "must name a field as --set does, e.g. staff[1].count",
            );
            continue;
        }
        if vary.iter().any(|v| v.path == path) {
            p.add(format!("{at}.path"), format!("{path} is listed twice"));
        }
        match choice_values(&c.values) {
            Ok(values) => vary.push(Choice {
                path: path.to_string(),
                values,
            }),
            Err(e) => p.add(format!("{at}.values"), e),
        }
    }
    let mut totals = Vec::new();
    for (i, t) in raw.total.iter().enumerate() {
        let at = format!("optimise.total[{i}]");
        for (j, path) in t.paths.iter().enumerate() {
            if !vary.iter().any(|v| v.path == path.trim()) {
                p.add(
                    format!("{at}.paths[{j}]"),
                    format!("{path} is not among the varied fields (optimise.vary)"),
                );
            }
        }
        if t.paths.is_empty() || (t.at_least.is_none() && t.at_most.is_none()) {
            p.add(at.clone(), "give paths and at_least, at_most or both");
        }
        if let (Some(lo), Some(hi)) = (t.at_least, t.at_most)
            && lo > hi
        {
            p.add(
                at.clone(),
                format!("at_least ({lo}) is above at_most ({hi})"),
            );
        }
        totals.push(Total {
            name: t.name.clone().unwrap_or_else(|| t.paths.join(" + ")),
            paths: t.paths.iter().map(|s| s.trim().to_string()).collect(),
            at_least: t.at_least,
            at_most: t.at_most,
            why: t.why.clone().unwrap_or_default(),
        });
    }
    let mut require = Vec::new();
    for (i, r) in raw.require.iter().enumerate() {
        let at = format!("optimise.require[{i}]");
        let finite = |x: Option<f64>| x.is_none_or(f64::is_finite);
        if (r.at_least.is_none() && r.at_most.is_none())
            || !finite(r.at_least)
            || !finite(r.at_most)
        {
            p.add(at.clone(), "give at_least, at_most or both, as numbers");
        }
        require.push(Requirement {
            measure: r.measure.trim().to_string(),
            at_least: r.at_least,
            at_most: r.at_most,
            why: r.why.clone().unwrap_or_default(),
        });
    }
    Search {
        objective: raw
            .objective
            .as_deref()
            .map(str::trim)
            .unwrap_or(DEFAULT_OBJECTIVE)
            .to_string(),
        maximise,
        indifference,
        confidence,
        first_replications: first.max(0) as u64,
        max_replications: most.max(0) as u64,
        vary,
        totals,
        require,
    }
}

/// A varied field's values as `--set` writes them: a list of numbers, words or booleans,
/// or `"LO..HI"` for every whole number from LO to HI.
pub fn choice_values(v: &toml::Value) -> Result<Vec<String>, String> {
    let values: Vec<String> = match v {
        toml::Value::String(s) if s.contains("..") => {
            let (lo, hi) = s.split_once("..").unwrap_or_default();
            let whole = |t: &str| t.trim().parse::<i64>().ok();
            match (whole(lo), whole(hi)) {
                (Some(lo), Some(hi)) if lo <= hi && hi - lo < MAX_CHOICES as i64 => {
                    (lo..=hi).map(|x| x.to_string()).collect()
                }
                _ => {
                    return Err(format!(
                        "{s:?}: a range is \"LO..HI\" with whole numbers, LO at most HI, and \
                         at most {MAX_CHOICES} values"
                    ));
                }
            }
        }
        toml::Value::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                out.push(match item {
                    toml::Value::Integer(x) => x.to_string(),
                    toml::Value::Float(x) if x.is_finite() => x.to_string(),
                    toml::Value::Boolean(b) => b.to_string(),
                    toml::Value::String(s) => s.clone(),
                    other => return Err(format!("{other} cannot be a field's value here")),
                });
            }
            out
        }
        other => {
            return Err(format!(
                "must be a list of values or \"LO..HI\", got {other}"
            ));
        }
    };
    if values.is_empty() {
        return Err("give at least one value".into());
    }
    if values.len() > MAX_CHOICES {
        return Err(format!("{} values; at most {MAX_CHOICES}", values.len()));
    }
    Ok(values)
}

/// Validate the `[[targets]]` entries.
fn targets(p: &mut Problems, raw: &[RawTarget]) -> Vec<Target> {
    let mut out = Vec::new();
    for (i, t) in raw.iter().enumerate() {
        let path = format!("targets[{i}]");
        if t.name.trim().is_empty() {
            p.add(format!("{path}.name"), "must not be empty");
        }
        if t.source.trim().is_empty() {
            p.add(
                format!("{path}.source"),
                "must say where the figure was observed",
            );
        }
        let measure = match (&t.measure, &t.ratio) {
            (Some(m), None) => Some(TargetMeasure::Measure(m.clone())),
            (None, Some(r)) if r.len() == 2 => {
                Some(TargetMeasure::Ratio(r[0].clone(), r[1].clone()))
            }
            (None, Some(r)) => {
                p.add(
                    format!("{path}.ratio"),
                    format!(
                        "must name two measures, numerator then denominator, got {}",
                        r.len()
                    ),
                );
                None
            }
            _ => {
                p.add(
                    path.clone(),
                    "give exactly one of `measure` (a measure's name) or `ratio` (two names)",
                );
                None
            }
        };
        if !t.observed.is_finite() {
            p.add(
                format!("{path}.observed"),
                format!("must be a finite number, got {}", t.observed),
            );
        }
        let kind = match t.kind.as_deref() {
            None => Some(TargetKind::Equal),
            Some(k) => TargetKind::parse(k).or_else(|| {
                p.add(
                    format!("{path}.kind"),
                    format!("unknown kind \"{k}\" (allowed: equal, at-least, at-most)"),
                );
                None
            }),
        };
        if let (Some(measure), Some(kind)) = (measure, kind) {
            out.push(Target {
                name: t.name.clone(),
                measure,
                observed: t.observed,
                kind,
                source: t.source.clone(),
                note: t.note.clone(),
            });
        }
    }
    out
}

/// Validate an availability table; fields missing from a per-post table fall back to
/// the scenario-wide one.
fn availability(
    p: &mut Problems,
    path: &str,
    a: &RawAvailability,
    fallback: Option<&RawAvailability>,
) -> Availability {
    let pick =
        |own: Option<f64>, f: fn(&RawAvailability) -> Option<f64>| own.or(fallback.and_then(f));
    let pick_dist = |own: &Option<RawDist>, f: fn(&RawAvailability) -> &Option<RawDist>| {
        own.clone()
            .or_else(|| fallback.and_then(|fb| f(fb).clone()))
    };
    let annual_leave_days = p.within(
        &format!("{path}.annual_leave_days"),
        pick(a.annual_leave_days, |x| x.annual_leave_days).unwrap_or(0.0),
        0.0,
        200.0,
        " days",
    );
    let leave_spell_days = p.within(
        &format!("{path}.leave_spell_days"),
        pick(a.leave_spell_days, |x| x.leave_spell_days).unwrap_or(5.0),
        0.5,
        60.0,
        " days",
    );
    let sickness_spells_per_year = p.within(
        &format!("{path}.sickness_spells_per_year"),
        pick(a.sickness_spells_per_year, |x| x.sickness_spells_per_year).unwrap_or(0.0),
        0.0,
        52.0,
        " spells",
    );
    let given = pick_dist(&a.sickness_duration, |x| &x.sickness_duration);
    let stated = given.is_some();
    let sickness_duration = given.and_then(|d| p.dist(&format!("{path}.sickness_duration"), &d));
    // a distribution given but invalid has its own message already
    if sickness_spells_per_year > 0.0 && !stated {
        p.add(
            format!("{path}.sickness_duration"),
            "sickness spells need a duration distribution (e.g. { dist = \"lognormal\", mean = 8, sd = 10 })",
        );
    }
    let turnover_per_year = p.within(
        &format!("{path}.turnover_per_year"),
        pick(a.turnover_per_year, |x| x.turnover_per_year).unwrap_or(0.0),
        0.0,
        0.99,
        "",
    );
    let recruitment_delay = pick_dist(&a.recruitment_delay, |x| &x.recruitment_delay)
        .and_then(|d| p.dist(&format!("{path}.recruitment_delay"), &d));
    if turnover_per_year > 0.0 && recruitment_delay.is_none() {
        p.add(
            format!("{path}.recruitment_delay"),
            "turnover needs a recruitment delay distribution (days a post stays vacant)",
        );
    }
    let initial_recruitment = pick_dist(&a.initial_recruitment, |x| &x.initial_recruitment)
        .and_then(|d| p.dist(&format!("{path}.initial_recruitment"), &d));
    let contract_end = a
        .contract_end
        .clone()
        .or_else(|| fallback.and_then(|fb| fb.contract_end.clone()))
        .map(|c| {
            let at = format!("{path}.contract_end");
            let days = p.within(
                &format!("{at}.days"),
                c.days,
                1.0,
                MAX_HORIZON_DAYS,
                " days",
            );
            let window_days = p.within(
                &format!("{at}.window_days"),
                c.window_days,
                0.0,
                days,
                " days",
            );
            let turnover_per_year = p.within(
                &format!("{at}.turnover_per_year"),
                c.turnover_per_year,
                0.0,
                0.99,
                "",
            );
            if turnover_per_year > 0.0 && recruitment_delay.is_none() {
                p.add(
                    format!("{path}.recruitment_delay"),
                    "leaving at the contract's end needs a recruitment delay distribution",
                );
            }
            ContractEnd {
                days,
                window_days,
                turnover_per_year,
            }
        });
    Availability {
        annual_leave_days,
        leave_spell_days,
        sickness_spells_per_year,
        sickness_duration,
        turnover_per_year,
        recruitment_delay,
        initial_recruitment,
        contract_end,
    }
}
