//! Monte Carlo batches: many independent replications of one model.
//!
//! Replication `k` always uses the streams derived from `(seed, k)`, runs on one
//! thread, and its results are collected into slot `k`; statistics fold them in
//! replication order. So results are bit-identical for any thread count, and running
//! replication `k` alone gives what it gives inside a batch.

use crate::engine::Engine;
use crate::measures::{Catalogue, Recorder, Replication};
use crate::model::Model;
use rayon::prelude::*;
use std::time::{Duration, Instant};

/// How to run a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchConfig {
    /// Master seed.
    pub seed: u64,
    /// Index of the first replication (to extend a batch without repeating seeds).
    pub first: u64,
    /// Number of replications.
    pub replications: u64,
    /// Worker threads; `None` uses every core.
    pub threads: Option<usize>,
}

/// The raw results of a batch, in replication order.
#[derive(Debug, Clone)]
pub struct Batch {
    /// Names of the measures in each replication's `values`.
    pub catalogue: Catalogue,
    /// One entry per replication, replication `first + i` at position `i`.
    pub replications: Vec<Replication>,
    /// Total events processed.
    pub events: u64,
    /// Wall-clock time of the simulation (not of any output).
    pub elapsed: Duration,
}

/// Why a batch could not run.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    /// The thread pool could not be built.
    #[error("could not start {threads} worker threads: {source}")]
    Threads {
        /// Threads asked for.
        threads: usize,
        /// Cause.
        source: rayon::ThreadPoolBuildError,
    },
}

/// Runs replications, reporting progress (replications finished so far) through `progress`.
pub fn run(
    model: &Model,
    config: &BatchConfig,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Batch, BatchError> {
    let start = Instant::now();
    let work = || -> Vec<Replication> {
        let done = std::sync::atomic::AtomicU64::new(0);
        (config.first..config.first + config.replications)
            .into_par_iter()
            .map_init(
                || (Engine::default(), Recorder::new(model)),
                |(engine, recorder), k| {
                    recorder.reset();
                    let stats = engine.run(model, config.seed, k, recorder);
                    let rep = recorder.replication(stats.events);
                    let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                    progress(n);
                    rep
                },
            )
            .collect()
    };
    let replications = match config.threads {
        Some(threads) => rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map_err(|source| BatchError::Threads { threads, source })?
            .install(work),
        None => work(),
    };
    Ok(Batch {
        catalogue: Catalogue::new(model),
        events: replications.iter().map(|r| r.events).sum(),
        replications,
        elapsed: start.elapsed(),
    })
}

impl Batch {
    /// Values of measure `index` across replications, in replication order.
    pub fn column(&self, index: usize) -> Vec<f64> {
        self.replications.iter().map(|r| r.values[index]).collect()
    }

    /// Values of the named measure across replications.
    pub fn measure(&self, name: &str) -> Option<Vec<f64>> {
        self.catalogue.index(name).map(|i| self.column(i))
    }
}
