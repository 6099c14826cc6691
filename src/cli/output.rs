//! Writing a run's files into its output folder: staged, swapped in, manifest last.

use super::InputError;
use super::scenarios::Loaded;
use anyhow::Result;
use ifss_sim::batch::{Batch, BatchConfig};
use ifss_sim::model::Model;
use ifss_sim::report::compare::Comparison;
use ifss_sim::report::csv;
use ifss_sim::report::manifest::{Manifest, SCHEMA, fnv1a64};
use ifss_sim::report::write::{OutputDir, SetKind, WriteError};
use std::path::{Path, PathBuf};

/// What one `run` or `compare` produced, for the writers.
#[derive(Clone, Copy)]
pub struct Run<'a> {
    pub loaded: &'a Loaded,
    pub cfg: &'a BatchConfig,
    /// The command's threads, for the report's own batches (risks, calibration).
    pub pool: &'a ifss_sim::batch::Pool,
    /// Each policy's model and batch, the baseline first.
    pub runs: &'a [(&'a Model, &'a Batch)],
    /// Each policy's summary, in the same order.
    pub summaries: &'a [ifss_sim::report::summary::RunSummary],
    pub comparison: Option<&'a Comparison>,
}

/// A locked output folder, ready to take one set of files.
pub struct Outputs {
    dir: OutputDir,
}

impl Outputs {
    /// Create, lock and check the folder before the batch runs.
    pub fn prepare(path: &Path, kind: SetKind) -> Result<Outputs> {
        Ok(Outputs {
            dir: OutputDir::prepare(path, kind).map_err(refusal)?,
        })
    }

    /// Write every file of a run (`report` first: the report and its pictures, if
    /// built); see [`Outputs::write_set`].
    pub fn write_run(
        self,
        run: &Run<'_>,
        summary_json: &[u8],
        report: Vec<(String, Vec<u8>)>,
    ) -> Result<Vec<PathBuf>> {
        let Run {
            loaded,
            cfg,
            runs,
            comparison,
            ..
        } = *run;
        let model = runs.first().map_or(&loaded.model, |(m, _)| *m);
        let mut files = report;
        files.push(("summary.json".into(), summary_json.to_vec()));
        files.push(("replications.csv".into(), csv::replications(runs)?));
        files.push(("timeseries.csv".into(), csv::timeseries(runs)?));
        if let Some(c) = comparison {
            files.push(("comparison.csv".into(), csv::comparison(c)?));
        }
        let policies: Vec<String> = runs
            .iter()
            .map(|(m, _)| m.policy().kind().name().to_string())
            .collect();
        let origin = Origin {
            loaded,
            model,
            cfg,
            replications: runs.first().map_or(0, |(_, b)| b.len() as u64),
            policies: &policies,
        };
        self.write_set(&origin, files)
    }

    /// Write the files of a set in place of the folder's old set: all are staged first,
    /// then swapped in, then the manifest, so a manifest means a complete set and a
    /// failure part-way leaves the old set whole. Files of the old set that this one does
    /// not have are removed, so no stale picture or table is left beside the new ones.
    pub fn write_set(
        mut self,
        origin: &Origin<'_>,
        files: Vec<(String, Vec<u8>)>,
    ) -> Result<Vec<PathBuf>> {
        let Origin {
            loaded, model, cfg, ..
        } = *origin;
        // a Ctrl-C during the work after the batch (the risk register's batches, the
        // validation checks) leaves the folder as it was, too
        if super::interrupted() {
            return Err(super::Interrupted {
                done: origin.replications,
                total: cfg.replications,
            }
            .into());
        }
        for (name, bytes) in &files {
            self.dir.stage(name, bytes).map_err(refusal)?;
        }
        let kind = self.dir.kind();
        let written = self.dir.commit(|records| {
            let manifest = Manifest {
                schema: SCHEMA,
                tool: format!("ifss-sim {}", env!("CARGO_PKG_VERSION")),
                set: kind.name(),
                scenario: model.name().to_string(),
                source: loaded.label.clone(),
                scenario_hash: fnv1a64(&loaded.text),
                overrides: loaded.overrides.clone(),
                seed: cfg.seed,
                first_replication: cfg.first,
                replications: origin.replications,
                policies: origin.policies.to_vec(),
                threads: cfg.threads,
                stream_scheme: ifss_sim::rng::STREAM_SCHEME,
                generators: "rand 0.9, rand_xoshiro 0.7 (Xoshiro256++), rand_distr 0.5",
                // as given; an argument that is not UTF-8 is recorded with U+FFFD in place
                command_line: std::env::args_os()
                    .map(|a| a.to_string_lossy().into_owned())
                    .collect(),
                files: records.to_vec(),
            };
            Ok(serde_json::to_vec_pretty(&manifest)?)
        });
        written.map_err(refusal)
    }
}

/// A folder this run may not use is the user's to change (exit 2); a failure to write
/// stays a failure (exit 1).
fn refusal(e: WriteError) -> anyhow::Error {
    if e.is_refusal() {
        InputError(format!("{e}")).into()
    } else {
        e.into()
    }
}

/// What produced a set of files, for its manifest.
#[derive(Clone, Copy)]
pub struct Origin<'a> {
    pub loaded: &'a Loaded,
    /// The model run (the baseline policy's, for a comparison).
    pub model: &'a Model,
    pub cfg: &'a BatchConfig,
    /// Replications of each batch.
    pub replications: u64,
    /// The policies run, baseline first.
    pub policies: &'a [String],
}

/// Tell the user where the files went (stderr, so stdout stays the summary).
pub fn say_written(paths: &[PathBuf]) {
    if let Some(dir) = paths.first().and_then(|p| p.parent()) {
        let names: Vec<String> = paths
            .iter()
            .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .collect();
        note!(
            "\nwrote {} files in {}: {}",
            names.len(),
            dir.display(),
            names.join(", ")
        );
        if names.iter().any(|n| n == "report.html") {
            note!(
                "open {} in a browser for the board report",
                dir.join("report.html").display()
            );
        }
    }
}
