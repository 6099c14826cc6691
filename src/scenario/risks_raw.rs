//! The `[risks]` section as written.

use serde::Deserialize;
use std::collections::BTreeMap;

/// `[risks]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRisks {
    /// Probability band for each likelihood word, e.g. `Low = [0.0, 0.15]`.
    pub likelihood: Option<BTreeMap<String, [f64; 2]>>,
    /// Impact bands for each effect word, per kind of impact.
    pub effect: Option<RawEffects>,
    /// The register.
    #[serde(default)]
    pub register: Vec<RawRisk>,
}

/// `[risks.effect]`: one table of bands per kind of impact.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEffects {
    /// Families not served over the contract.
    pub families: Option<BTreeMap<String, [f64; 2]>>,
    /// Extra weeks of waiting.
    pub wait_weeks: Option<BTreeMap<String, [f64; 2]>>,
    /// Pounds over budget in the worst contract year.
    pub pounds: Option<BTreeMap<String, [f64; 2]>>,
}

/// One `[[risks.register]]` entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRisk {
    pub id: i64,
    pub title: String,
    pub likelihood: String,
    pub effect: String,
    #[serde(default)]
    pub mitigation: String,
    #[serde(default)]
    pub owner: String,
    pub indicator: RawIndicator,
}

/// How the risk shows in a replication.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawIndicator {
    pub kind: String,
    pub threshold: Option<f64>,
    pub load_ratio: Option<f64>,
    pub significance: Option<f64>,
    pub flow_factor: Option<f64>,
    pub from_year: Option<i64>,
    pub reason: Option<String>,
}
