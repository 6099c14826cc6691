//! Writing a run's files into its output folder (atomically, manifest last).

use super::scenarios::Loaded;
use anyhow::Result;
use ifss_sim::batch::{Batch, BatchConfig};
use ifss_sim::model::Model;
use ifss_sim::report::compare::Comparison;
use ifss_sim::report::csv;
use ifss_sim::report::manifest::{Manifest, fnv1a64};
use ifss_sim::report::write::{OutputDir, WriteError};
use std::path::{Path, PathBuf};

/// What one `run` or `compare` produced, for the writers.
#[derive(Clone, Copy)]
pub struct Run<'a> {
    pub loaded: &'a Loaded,
    pub cfg: &'a BatchConfig,
    /// Each policy's model and batch, the baseline first.
    pub runs: &'a [(&'a Model, &'a Batch)],
    /// Each policy's summary, in the same order.
    pub summaries: &'a [ifss_sim::report::summary::RunSummary],
    pub comparison: Option<&'a Comparison>,
}

/// The file that lists a complete set of outputs.
const MANIFEST: &str = "manifest.json";

pub struct Outputs {
    dir: OutputDir,
}

impl Outputs {
    /// Create and check the folder before the batch runs.
    pub fn prepare(path: &Path) -> Result<Outputs> {
        Ok(Outputs {
            dir: OutputDir::prepare(path)?,
        })
    }

    /// Write one file into the folder, atomically.
    pub fn write_file(&self, name: &str, bytes: &[u8]) -> Result<PathBuf> {
        Ok(self.dir.write(name, bytes)?)
    }

    /// Start replacing the folder's set of files: withdraw the old manifest first, so
    /// that until the new one is written no manifest vouches for a mixture of old and
    /// new files. Returns the files the old manifest listed, for [`Outputs::write_run`]
    /// to remove those the new set does not replace.
    pub fn start_set(&self) -> Result<Vec<String>> {
        self.dir.remove_temporaries();
        let old = std::fs::read(self.dir.path().join(MANIFEST))
            .ok()
            .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
            .and_then(|m| {
                m.get("files")?.as_array().map(|files| {
                    files
                        .iter()
                        .filter_map(|f| f.as_str().map(str::to_string))
                        .collect()
                })
            })
            .unwrap_or_default();
        self.dir.remove(MANIFEST)?;
        Ok(old)
    }

    /// Write every file of a run; see [`Outputs::write_set`].
    pub fn write_run(
        &self,
        run: &Run<'_>,
        summary_json: &[u8],
        earlier: &[PathBuf],
        previous: &[String],
    ) -> Result<Vec<PathBuf>> {
        let Run {
            loaded,
            cfg,
            runs,
            comparison,
            ..
        } = *run;
        let model = runs.first().map_or(&loaded.model, |(m, _)| *m);
        let mut files: Vec<(&str, Vec<u8>)> = vec![
            ("summary.json", summary_json.to_vec()),
            ("replications.csv", csv::replications(runs)?),
            ("timeseries.csv", csv::timeseries(runs)?),
        ];
        if let Some(c) = comparison {
            files.push(("comparison.csv", csv::comparison(c)?));
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
        self.write_set(&origin, &files, earlier, previous)
    }

    /// Write the files of a set, then its manifest: the manifest goes last, so a manifest
    /// means a complete set. `earlier` lists files already written for this set (the
    /// report), for the manifest; `previous` the files of the set being replaced
    /// ([`Outputs::start_set`]), of which those this set did not write are removed, so
    /// no stale picture or table is left beside the new ones.
    pub fn write_set(
        &self,
        origin: &Origin<'_>,
        files: &[(&str, Vec<u8>)],
        earlier: &[PathBuf],
        previous: &[String],
    ) -> Result<Vec<PathBuf>> {
        let Origin {
            loaded, model, cfg, ..
        } = *origin;
        let mut written = Vec::new();
        for (name, bytes) in files {
            written.push(self.dir.write(name, bytes)?);
        }
        let manifest = Manifest {
            schema: 1,
            tool: format!("ifss-sim {}", env!("CARGO_PKG_VERSION")),
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
            files: earlier
                .iter()
                .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
                .chain(files.iter().map(|(n, _)| n.to_string()))
                .collect(),
        };
        for name in previous {
            if name != MANIFEST && !manifest.files.contains(name) {
                match self.dir.remove(name) {
                    // a name no run of ours writes: not ours to remove
                    Err(WriteError::Name { .. }) | Ok(()) => {}
                    Err(e) => return Err(e.into()),
                }
            }
        }
        written.push(self.dir.write(
            MANIFEST,
            serde_json::to_string_pretty(&manifest)?.as_bytes(),
        )?);
        Ok(written)
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
