//! The machine-readable summary of a batch (`--json`, `summary.json`).
//!
//! Key order is stable: top-level fields as declared, measures in catalogue order.
//! `schema` is bumped whenever a field changes meaning or disappears.

use crate::batch::Batch;
use crate::measures::Unit;
use crate::model::Model;
use crate::stats::{Summary, summarize};
use serde::Serialize;
use serde::ser::SerializeMap;

pub use super::SCHEMA;

/// Statistics of one measure across replications.
#[derive(Debug, Clone, Serialize)]
pub struct Kpi {
    /// What the number counts.
    pub unit: &'static str,
    /// Replications with a value.
    pub n: usize,
    /// Mean across replications.
    pub mean: Option<f64>,
    /// Standard deviation across replications.
    pub sd: Option<f64>,
    /// t-based 95% confidence interval of the mean; null with fewer than 2 replications.
    pub ci95: Option<[f64; 2]>,
    /// 5th percentile across replications.
    pub p5: Option<f64>,
    /// Median across replications.
    pub p50: Option<f64>,
    /// 95th percentile across replications.
    pub p95: Option<f64>,
}

impl Kpi {
    /// Statistics of `values` (NaN = no observation in that replication).
    pub fn of(unit: Unit, values: &[f64]) -> Kpi {
        let s: Option<Summary> = summarize(values);
        Kpi {
            unit: unit.label(),
            n: s.as_ref().map_or(0, |s| s.n),
            mean: s.as_ref().map(|s| s.mean),
            sd: s.as_ref().map(|s| s.sd),
            ci95: s.as_ref().and_then(|s| s.ci95),
            p5: s.as_ref().map(|s| s.p5),
            p50: s.as_ref().map(|s| s.p50),
            p95: s.as_ref().map(|s| s.p95),
        }
    }
}

/// Measures in catalogue order, serialised as a JSON object.
#[derive(Debug, Clone, Default)]
pub struct Kpis(pub Vec<(String, Kpi)>);

impl Kpis {
    /// The named measure.
    pub fn get(&self, name: &str) -> Option<&Kpi> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, k)| k)
    }
}

impl Serialize for Kpis {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// What the engine did.
#[derive(Debug, Clone, Serialize)]
pub struct EngineInfo {
    /// Events processed over all replications.
    pub events: u64,
    /// Wall-clock seconds of simulation.
    pub elapsed_seconds: f64,
    /// Events per second.
    pub events_per_second: f64,
    /// Replications per second.
    pub replications_per_second: f64,
}

/// The summary of one policy's batch.
#[derive(Debug, Clone, Serialize)]
pub struct RunSummary {
    /// Layout version.
    pub schema: u32,
    /// Tool version.
    pub version: &'static str,
    /// Scenario name.
    pub scenario: String,
    /// Scenario title.
    pub title: String,
    /// Allocation policy.
    pub policy: String,
    /// What a comparison calls this batch: the policy's name, or a variant's label.
    pub label: String,
    /// Replications run.
    pub replications: u64,
    /// Master seed.
    pub seed: u64,
    /// Days simulated per replication.
    pub horizon_days: f64,
    /// Days at the start of each replication before measures count (costs aside).
    pub warm_up_days: f64,
    /// Every measure.
    pub kpis: Kpis,
    /// Engine figures.
    pub engine: EngineInfo,
    /// The precision target, when replications were added until it was met.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub precision: Option<PrecisionInfo>,
}

/// How precise a chosen measure became (`run --target-precision`).
#[derive(Debug, Clone, Serialize)]
pub struct PrecisionInfo {
    /// The measure.
    pub measure: String,
    /// Relative half-width asked for.
    pub target: f64,
    /// Relative half-width reached.
    pub achieved: Option<f64>,
    /// Whether the target was met within `--max-reps`.
    pub met: bool,
    /// Why replications stopped being added: `met`, `limit` (`--max-reps`), `zero-mean`
    /// or `no-values` (no number of replications could meet the target).
    pub stopped: &'static str,
    /// The same, in words.
    pub reason: &'static str,
    /// Replications used.
    pub replications: u64,
}

impl RunSummary {
    /// Summarise a batch of `model` (whose policy is the one that ran).
    pub fn new(model: &Model, batch: &Batch, seed: u64) -> RunSummary {
        let kpis = batch
            .catalogue
            .measures()
            .iter()
            .enumerate()
            .map(|(i, m)| (m.name.clone(), Kpi::of(m.unit, &batch.column(i))))
            .collect();
        let secs = batch.elapsed.as_secs_f64();
        let per_sec = |x: f64| if secs > 0.0 { x / secs } else { 0.0 };
        RunSummary {
            schema: SCHEMA,
            version: env!("CARGO_PKG_VERSION"),
            scenario: model.name().to_string(),
            title: model.title().to_string(),
            policy: model.policy().kind().name().to_string(),
            label: model.policy().kind().name().to_string(),
            replications: batch.len() as u64,
            seed,
            horizon_days: model.horizon_days(),
            warm_up_days: model.warm_up_days(),
            kpis: Kpis(kpis),
            engine: EngineInfo {
                events: batch.events,
                elapsed_seconds: secs,
                events_per_second: per_sec(batch.events as f64),
                replications_per_second: per_sec(batch.len() as f64),
            },
            precision: None,
        }
    }

    /// Mean of a measure, if it had any observation.
    pub fn mean(&self, name: &str) -> Option<f64> {
        self.kpis.get(name).and_then(|k| k.mean)
    }
}
