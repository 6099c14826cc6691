//! Policy comparison on common random numbers (`compare`, `--json`).
//!
//! Every policy runs the same replication indices with the same master seed, so
//! replication k of each policy sees the same families and absences. For each measure,
//! the paired difference `policy − baseline` over replications has a t-based 95%
//! confidence interval; it is *distinguishable from zero* when that interval excludes 0.

use super::summary::{Kpis, RunSummary};
use crate::batch::Batch;
use crate::model::Model;
use crate::stats::paired_difference;
use serde::Serialize;
use serde::ser::SerializeMap;

/// One measure's paired difference against the baseline.
#[derive(Debug, Clone, Serialize)]
pub struct Diff {
    /// Replications with a value under both policies.
    pub n: usize,
    /// Mean of `policy − baseline`.
    pub mean: Option<f64>,
    /// Standard deviation of the differences.
    pub sd: Option<f64>,
    /// t-based 95% confidence interval of the mean difference.
    pub ci95: Option<[f64; 2]>,
    /// Whether the interval excludes zero.
    pub distinguishable: bool,
}

/// Differences for every measure, in catalogue order.
#[derive(Debug, Clone, Default)]
pub struct Diffs(pub Vec<(String, Diff)>);

impl Diffs {
    /// The named measure's difference.
    pub fn get(&self, name: &str) -> Option<&Diff> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, d)| d)
    }
}

impl Serialize for Diffs {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// A named list serialised as a JSON object in order.
#[derive(Debug, Clone, Default)]
pub struct Named<T>(pub Vec<(String, T)>);

impl<T: Serialize> Serialize for Named<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

impl<T> Named<T> {
    /// The entry with this name.
    pub fn get(&self, name: &str) -> Option<&T> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }
}

/// One batch of a comparison: what it is called, its model and its batch.
pub type Labelled<'a> = (&'a str, &'a Model, &'a Batch);

/// Several policies or scenario variants on the same seeds.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    /// Layout version.
    pub schema: u32,
    /// Tool version.
    pub version: &'static str,
    /// Scenario name.
    pub scenario: String,
    /// Scenario title.
    pub title: String,
    /// Replications per policy.
    pub replications: u64,
    /// Master seed shared by every policy.
    pub seed: u64,
    /// The label (a policy's name, or a variant's) differences are measured against.
    pub baseline: String,
    /// Each compared batch's summary, by label.
    pub policies: Named<RunSummary>,
    /// For each other batch, each measure's paired difference against the baseline; a
    /// measure the baseline has and the other does not (a variant with other areas) has
    /// none.
    pub diff: Named<Diffs>,
}

impl Comparison {
    /// Compare batches run on the same seed and replications; the first is the baseline.
    /// Each is named by its policy.
    pub fn new(runs: &[(&Model, &Batch)], seed: u64) -> Comparison {
        let labelled: Vec<Labelled<'_>> = runs
            .iter()
            .map(|(m, b)| (m.policy().kind().name(), *m, *b))
            .collect();
        Comparison::labelled(&labelled, seed)
    }

    /// Compare labelled batches run on the same seed and replications; the first is the
    /// baseline. Measures are matched by name, so variants of one scenario with different
    /// staff compare measure for measure.
    pub fn labelled(runs: &[Labelled<'_>], seed: u64) -> Comparison {
        let (base_label, base_model, base) = runs[0];
        let policies = runs
            .iter()
            .map(|(label, m, b)| {
                let mut s = RunSummary::new(m, b, seed);
                s.label = label.to_string();
                (label.to_string(), s)
            })
            .collect();
        let diff = runs[1..]
            .iter()
            .map(|(label, _, b)| {
                let diffs = base
                    .catalogue
                    .measures()
                    .iter()
                    .enumerate()
                    .filter_map(|(i, meas)| {
                        let j = b.catalogue.index(&meas.name)?;
                        let d = paired_difference(&base.column(i), &b.column(j));
                        let diff = match d {
                            Some(d) => Diff {
                                n: d.n,
                                mean: Some(d.mean),
                                sd: Some(d.sd),
                                ci95: d.ci95,
                                distinguishable: d.distinguishable,
                            },
                            None => Diff {
                                n: 0,
                                mean: None,
                                sd: None,
                                ci95: None,
                                distinguishable: false,
                            },
                        };
                        Some((meas.name.clone(), diff))
                    })
                    .collect();
                (label.to_string(), Diffs(diffs))
            })
            .collect();
        Comparison {
            schema: super::SCHEMA,
            version: env!("CARGO_PKG_VERSION"),
            scenario: base_model.name().to_string(),
            title: base_model.title().to_string(),
            replications: base.len() as u64,
            seed,
            baseline: base_label.to_string(),
            policies: Named(policies),
            diff: Named(diff),
        }
    }

    /// The baseline's measures.
    pub fn baseline_kpis(&self) -> &Kpis {
        &self.policies.0[0].1.kpis
    }
}
