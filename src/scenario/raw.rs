//! The scenario file as written: serde types that mirror the TOML, nothing more.
//!
//! Every table rejects unknown fields, so a misspelt key is an error rather than a
//! silently ignored setting. Optional fields default to `None` here; the defaults a
//! board member sees documented live in `validate.rs`, which turns these into a
//! [`crate::model::Model`].

use serde::Deserialize;
use std::collections::BTreeMap;

/// The whole file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    pub schema: Option<u32>,
    pub name: String,
    pub title: Option<String>,
    pub description: Option<String>,
    #[serde(default)]
    pub simulation: RawSimulation,
    pub authorities: Vec<RawAuthority>,
    #[serde(default)]
    pub referrals: RawReferrals,
    pub pathway: RawPathway,
    #[serde(default)]
    pub availability: RawAvailability,
    pub staff: Vec<RawStaff>,
    #[serde(default)]
    pub policy: RawPolicy,
    #[serde(default)]
    pub travel: RawTravel,
    pub costs: Option<super::costs_raw::RawCosts>,
    pub risks: Option<super::risks_raw::RawRisks>,
    #[serde(default)]
    pub targets: Vec<RawTarget>,
    #[serde(default)]
    pub sensitivity: Vec<RawSensitivity>,
    pub optimise: Option<RawOptimise>,
}

/// `[optimise]`: the search space of staffing optimisation.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOptimise {
    pub objective: Option<String>,
    pub goal: Option<String>,
    pub indifference: Option<f64>,
    pub confidence: Option<f64>,
    pub first_replications: Option<i64>,
    pub max_replications: Option<i64>,
    #[serde(default)]
    pub vary: Vec<RawChoice>,
    #[serde(default)]
    pub total: Vec<RawTotal>,
    #[serde(default)]
    pub require: Vec<RawRequirement>,
}

/// One `[[optimise.vary]]`: a field and its values (a list, or `"LO..HI"` for every whole
/// number between).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawChoice {
    pub path: String,
    pub values: toml::Value,
    pub why: Option<String>,
}

/// One `[[optimise.total]]`: a limit on the sum of varied fields.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTotal {
    pub name: Option<String>,
    pub paths: Vec<String>,
    pub at_least: Option<f64>,
    pub at_most: Option<f64>,
    pub why: Option<String>,
}

/// One `[[optimise.require]]`: a limit on a simulated measure's mean.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRequirement {
    pub measure: String,
    pub at_least: Option<f64>,
    pub at_most: Option<f64>,
    pub why: Option<String>,
}

/// One `[[sensitivity]]` entry: an input whose value is an assumption, and the range it
/// may plausibly take.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSensitivity {
    pub path: String,
    pub range: [f64; 2],
    pub why: Option<String>,
}

/// One `[[targets]]` entry: an observed figure to calibrate against.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTarget {
    pub name: String,
    pub measure: Option<String>,
    pub ratio: Option<Vec<String>>,
    pub observed: f64,
    pub kind: Option<String>,
    pub source: String,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSimulation {
    pub horizon_days: Option<f64>,
    pub replications: Option<i64>,
    pub seed: Option<u64>,
    pub wait_target_days: Option<f64>,
    pub warm_up_days: Option<f64>,
    pub referral_scale: Option<f64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAuthority {
    pub name: String,
    pub population: Option<i64>,
    pub referrals_per_year: RawRate,
    pub referral_target_per_year: Option<f64>,
    pub ramp_up: Option<RawRamp>,
    pub seasonality: Option<RawSeasonality>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRamp {
    pub start_fraction: f64,
    pub days: f64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSeasonality {
    pub amplitude: f64,
    #[serde(default)]
    pub peak_day: f64,
}

/// A rate: a plain number, or a distribution table (parameter uncertainty).
#[derive(Debug, Clone)]
pub enum RawRate {
    Number(f64),
    Dist(RawDist),
}

impl<'de> Deserialize<'de> for RawRate {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = RawRate;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a number, or a distribution table such as { dist = \"uniform\", min = 90, max = 130 }")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<RawRate, E> {
                Ok(RawRate::Number(v as f64))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<RawRate, E> {
                Ok(RawRate::Number(v as f64))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<RawRate, E> {
                Ok(RawRate::Number(v))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<RawRate, A::Error> {
                RawDist::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(RawRate::Dist)
            }
        }
        d.deserialize_any(V)
    }
}

/// A distribution as written: `{ dist = "uniform", min = 28, max = 42 }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDist {
    pub dist: String,
    pub value: Option<f64>,
    pub min: Option<f64>,
    pub mode: Option<f64>,
    pub max: Option<f64>,
    pub mean: Option<f64>,
    pub sd: Option<f64>,
    pub shape: Option<f64>,
    pub scale: Option<f64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawReferrals {
    pub agencies: Option<BTreeMap<String, f64>>,
    pub needs: Option<BTreeMap<String, f64>>,
    pub children: Option<BTreeMap<String, f64>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPathway {
    #[serde(default)]
    pub advice_only: f64,
    /// Staff hours one advice or consultation session takes.
    #[serde(default)]
    pub advice_hours: f64,
    #[serde(default)]
    pub not_eligible: f64,
    #[serde(default)]
    pub declined: f64,
    pub patience: Option<RawDist>,
    pub assessment: Option<RawAssessment>,
    pub phase1: Option<RawPhase1>,
    pub phase2: Option<RawPhase2>,
    pub rereferral: Option<RawRereferral>,
    #[serde(default)]
    pub onward_referral: f64,
    pub workload_scale: Option<f64>,
    pub calibrated_to: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAssessment {
    pub duration: RawDist,
    pub hours: f64,
    pub to_phase1: f64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPhase1 {
    pub duration: RawDist,
    pub hours_per_week: f64,
    #[serde(default)]
    pub unplanned_exit: f64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPhase2 {
    pub hours_per_week: f64,
    pub review_at_days: f64,
    pub final_review_at_days: f64,
    #[serde(default)]
    pub review_hours: f64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRereferral {
    pub probability: f64,
    pub delay: RawDist,
    pub max_episodes: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAvailability {
    pub annual_leave_days: Option<f64>,
    pub leave_spell_days: Option<f64>,
    pub sickness_spells_per_year: Option<f64>,
    pub sickness_duration: Option<RawDist>,
    pub turnover_per_year: Option<f64>,
    pub recruitment_delay: Option<RawDist>,
    pub initial_recruitment: Option<RawDist>,
    pub contract_end: Option<RawContractEnd>,
}

/// `contract_end = { days, window_days, turnover_per_year }`: leaving rises toward the end
/// of each contract.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawContractEnd {
    pub days: f64,
    pub window_days: f64,
    pub turnover_per_year: f64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStaff {
    pub post: String,
    pub role: Option<String>,
    pub count: i64,
    pub base: String,
    pub hours_per_week: Option<f64>,
    pub direct_ratio: Option<f64>,
    pub caseload_limit: Option<i64>,
    pub specialism: Option<String>,
    pub region_wide: Option<bool>,
    pub availability: Option<RawAvailability>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPolicy {
    pub kind: Option<String>,
    pub share_after_days: Option<f64>,
    pub matching: Option<String>,
    pub rebasing: Option<RawRebasing>,
}

/// `[policy.rebasing]`: the limits of the board's periodic review.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRebasing {
    pub every_days: Option<f64>,
    pub signal: Option<String>,
    pub max_moves: Option<u32>,
    pub min_posts: Option<u32>,
    pub window: Option<u32>,
    pub tolerance: Option<f64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTravel {
    #[serde(default)]
    pub routes: Vec<RawRoute>,
    pub assessment_visits: Option<f64>,
    pub phase1_visits_per_week: Option<f64>,
    pub phase2_visits_per_week: Option<f64>,
    pub review_visits: Option<f64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRoute {
    pub from: String,
    pub to: String,
    pub hours: f64,
}
