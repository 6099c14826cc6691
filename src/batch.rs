//! Monte Carlo batches: many independent replications of one model.
//!
//! Replication `k` always uses the streams derived from `(seed, k)`, runs on one
//! thread, and its results land in slot `k`; weekly series are folded into bands in
//! replication order. So results are bit-identical for any thread count, running
//! replication `k` alone gives what it gives inside a batch, and a batch can be
//! extended (`first` = replications so far) without repeating or skipping a seed.
//!
//! Replications run in chunks: each chunk runs in parallel, then its results are folded
//! in order and the weekly series dropped, so memory grows only with the per-replication
//! measures, not with the time series.

use crate::engine::Engine;
use crate::measures::{Catalogue, Recorder, Replication, SERIES};
use crate::model::Model;
use crate::stats::{BandAccumulator, FanAccumulator};
use rayon::prelude::*;
use std::time::{Duration, Instant};

mod state;
pub use state::{BatchState, StateError};

/// Replications run in parallel before their results are folded: the default chunk of a
/// [`Plan`].
pub const CHUNK: u64 = 1024;

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

/// Weekly bands across replications: for each week, authority and series
/// ([`SERIES`]), the mean and P5/P50/P95; exact for the whole-number series.
///
/// A batch run without them (see [`Plan::bands`]) has none: no weeks.
#[derive(Debug, Clone)]
pub struct Bands {
    weeks: usize,
    authorities: usize,
    fans: Vec<BandAccumulator>,
}

impl Bands {
    fn new(catalogue: &Catalogue, keep: bool) -> Bands {
        let weeks = if keep { catalogue.weeks() } else { 0 };
        let authorities = catalogue.authorities().len();
        let mut fans = Vec::with_capacity(weeks * authorities * SERIES.len());
        for _ in 0..weeks * authorities {
            fans.extend((0..SERIES.len()).map(crate::measures::series_band));
        }
        Bands {
            weeks,
            authorities,
            fans,
        }
    }

    /// Number of weekly samples; 0 when the batch kept no bands.
    pub fn weeks(&self) -> usize {
        self.weeks
    }

    /// The band of `series` (index into [`SERIES`]) for authority `a` in week `w`.
    pub fn get(&self, week: usize, a: usize, series: usize) -> &BandAccumulator {
        &self.fans[(week * self.authorities + a) * SERIES.len() + series]
    }
}

/// Per-replication values, stored compactly: counts (integers by construction, at most
/// a few million) as `u32`, every other measure as `f64`. Reading a value back gives
/// exactly the number that was stored.
#[derive(Debug, Clone)]
pub struct Values {
    /// For each measure: `(is_count, index within its kind)`.
    layout: Vec<(bool, usize)>,
    counts: Vec<u32>,
    reals: Vec<f64>,
    per_count: usize,
    per_real: usize,
    len: usize,
}

impl Values {
    fn new(catalogue: &Catalogue) -> Values {
        let mut per_count = 0;
        let mut per_real = 0;
        let layout = catalogue
            .measures()
            .iter()
            .map(|m| {
                if m.unit == crate::measures::Unit::Count {
                    per_count += 1;
                    (true, per_count - 1)
                } else {
                    per_real += 1;
                    (false, per_real - 1)
                }
            })
            .collect();
        Values {
            layout,
            counts: Vec::new(),
            reals: Vec::new(),
            per_count,
            per_real,
            len: 0,
        }
    }

    fn push(&mut self, row: &[f64]) {
        for (&(count, _), &x) in self.layout.iter().zip(row) {
            if count {
                debug_assert!(
                    x >= 0.0 && x.fract() == 0.0 && x <= f64::from(u32::MAX),
                    "count {x} is not a whole number that fits 32 bits"
                );
                self.counts.push(x as u32);
            } else {
                self.reals.push(x);
            }
        }
        self.len += 1;
    }

    /// Number of replications.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Measure `m` of replication `r` (by position in the batch).
    pub fn get(&self, r: usize, m: usize) -> f64 {
        match self.layout[m] {
            (true, i) => f64::from(self.counts[r * self.per_count + i]),
            (false, i) => self.reals[r * self.per_real + i],
        }
    }

    /// Every measure of replication `r`, in catalogue order.
    pub fn row(&self, r: usize) -> Vec<f64> {
        (0..self.layout.len()).map(|m| self.get(r, m)).collect()
    }
}

/// What a batch is the result of: two batches with the same provenance, one starting at
/// the replication after the other's last, are two parts of one batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provenance {
    /// The model's fingerprint ([`Model::fingerprint`]): its scenario text after `--set`,
    /// its policy and any other change made to it.
    pub fingerprint: String,
    /// Master seed.
    pub seed: u64,
    /// The random-stream scheme ([`crate::rng::STREAM_SCHEME`]).
    pub stream_scheme: &'static str,
}

/// Why two batches cannot be merged.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MergeError {
    /// They come from different models, seeds or stream schemes.
    #[error("the batches differ in {0}: they are not parts of one batch")]
    Provenance(&'static str),
    /// The second does not start at the replication after the first's last.
    #[error("the first batch ends before replication {ends}, the second starts at {starts}")]
    NotContiguous {
        /// The replication after the first batch's last.
        ends: u64,
        /// The second's first replication.
        starts: u64,
    },
    /// The second batch's weekly bands of a continuous series have passed to P²
    /// estimates, which cannot be combined exactly.
    #[error(
        "the second batch has more than {limit} replications, so its weekly bands of staff utilisation are P² estimates that cannot be merged exactly; merge batches of at most {limit} replications onto a larger one"
    )]
    Bands {
        /// [`crate::stats::FAN_EXACT_LIMIT`].
        limit: usize,
    },
}

/// The results of a batch, in replication order.
#[derive(Debug, Clone)]
pub struct Batch {
    /// What it is the result of.
    pub provenance: Provenance,
    /// Names of the measures in each replication's values.
    pub catalogue: Catalogue,
    /// Index of the first replication.
    pub first: u64,
    /// Per replication (replication `first + i` at position `i`), the values in
    /// catalogue order.
    pub values: Values,
    /// Weekly bands across replications.
    pub bands: Bands,
    /// Waits to first meeting over every replication, per authority: counts in
    /// [`crate::measures::WAIT_BINS`] bins, `[authority][bin]` flattened.
    pub wait_histogram: Vec<u64>,
    /// Total events processed.
    pub events: u64,
    /// Wall-clock time of the simulation (not of any output).
    pub elapsed: Duration,
}

/// The most memory the batches of one command may plan to hold: a third of the 24 GiB
/// of the machines this tool is built and tested on.
pub const MAX_BATCH_BYTES: u64 = 8 << 30;
/// The most family episodes the batches of one command may simulate in all: at about a
/// million episodes a second on each of two cores, over an hour of work.
pub const MAX_TOTAL_EPISODES: f64 = 1e10;

/// What a batch will hold and do, estimated from the model before it starts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Footprint {
    /// Bytes: per-replication values, the weekly bands, one chunk of replications'
    /// weekly series in flight, and each worker thread's families and events.
    pub bytes: u64,
    /// Family episodes simulated, at the highest rates the scenario allows.
    pub episodes: f64,
}

impl Footprint {
    /// The footprint of `batches` batches of `replications` replications of `model`,
    /// held at once (a comparison keeps one per policy), on `threads` threads.
    pub fn of(model: &Model, replications: u64, batches: usize, threads: usize) -> Footprint {
        let catalogue = Catalogue::new(model);
        let measures = catalogue.measures().len() as u64;
        // as [`Values`] stores them: counts in 4 bytes, other measures in 8
        let counts = catalogue
            .measures()
            .iter()
            .filter(|m| m.unit == crate::measures::Unit::Count)
            .count() as u64;
        let row = 4 * counts + 8 * (measures - counts);
        let cells = (catalogue.weeks() * catalogue.authorities().len() * SERIES.len()) as u64;
        let per_episode = model.max_episodes_per_replication();
        let exact = replications.min(crate::stats::FAN_EXACT_LIMIT as u64);
        // the larger of the two kinds of band: a continuous one holding its values, or
        // a count of each value a waiting list or caseload takes (generously 512)
        let fan = (std::mem::size_of::<FanAccumulator>() as u64 + 8 * exact).max(8 * 512);
        let in_flight = replications.min(CHUNK) * 8 * (cells + measures);
        // a family record, its events and its place in queues: a generous 512 bytes
        let engine = (per_episode * 512.0) as u64 * threads as u64;
        let per_batch = replications * row + cells * fan + in_flight;
        Footprint {
            bytes: per_batch
                .saturating_mul(batches as u64)
                .saturating_add(engine),
            episodes: per_episode * replications as f64 * batches as f64,
        }
    }
}

/// Refuse, before any work, batches that would exceed [`MAX_BATCH_BYTES`] or
/// [`MAX_TOTAL_EPISODES`]; `batches` is how many are run (and held) in all.
pub fn check_footprint(
    model: &Model,
    replications: u64,
    batches: usize,
    threads: Option<usize>,
) -> Result<Footprint, BatchError> {
    let f = Footprint::of(model, replications, batches, effective_threads(threads));
    if f.bytes > MAX_BATCH_BYTES {
        return Err(BatchError::TooLarge {
            what: format!(
                "about {:.1} GiB of memory",
                f.bytes as f64 / f64::from(1u32 << 30)
            ),
            limit: format!("{} GiB", MAX_BATCH_BYTES >> 30),
        });
    }
    if f.episodes > MAX_TOTAL_EPISODES {
        return Err(BatchError::TooLarge {
            what: format!("up to {:.2e} family episodes", f.episodes),
            limit: format!("{MAX_TOTAL_EPISODES:.0e} episodes, over an hour on two cores"),
        });
    }
    Ok(f)
}

/// The threads a batch uses: as asked, but never more than the machine's cores, since
/// more would add memory and no speed (results do not depend on it).
pub fn effective_threads(asked: Option<usize>) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    asked.unwrap_or(cores).clamp(1, cores)
}

/// Why a batch could not run.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    /// The batch would need more memory or time than a command may take.
    #[error(
        "this would need {what}; the limit is {limit}: use fewer replications, a shorter horizon, fewer areas or lower rates"
    )]
    TooLarge {
        /// What it would need.
        what: String,
        /// The limit, in words.
        limit: String,
    },
    /// A batch was to be extended with another model or seed than its own.
    #[error("a batch can only be extended with its own model and seed")]
    OtherBatch,
    /// A batch was to be extended from a replication other than the one after its last.
    #[error(
        "a batch ending before replication {batch_ends} cannot be extended from replication {plan_starts}"
    )]
    NotContiguous {
        /// The replication after the batch's last.
        batch_ends: u64,
        /// Where the plan starts.
        plan_starts: u64,
    },
    /// The thread pool could not be built.
    #[error("could not start {threads} worker threads: {source}")]
    Threads {
        /// Threads asked for.
        threads: usize,
        /// Cause.
        source: rayon::ThreadPoolBuildError,
    },
}

/// Which replications to run: the seed, the first replication and how many, and how many
/// run in parallel between two reports to the [`Sink`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    /// Master seed.
    pub seed: u64,
    /// The first replication (for a batch being extended: the one after its last).
    pub first: u64,
    /// How many replications.
    pub replications: u64,
    /// Replications per chunk: each chunk runs in parallel, is folded into the batch in
    /// replication order, and is then reported to the sink, which may stop the batch.
    pub chunk: u64,
    /// Keep the weekly bands ([`Batch::bands`]): the fan charts and `bands.csv` need
    /// them; experiments that read only per-replication measures save their cost.
    pub bands: bool,
}

impl Plan {
    /// The plan of a [`BatchConfig`], in chunks of the default size.
    pub fn of(config: &BatchConfig) -> Plan {
        Plan {
            seed: config.seed,
            first: config.first,
            replications: config.replications,
            chunk: CHUNK,
            bands: true,
        }
    }
}

/// The worker threads replications run on, built once and used by every batch given it.
pub struct Pool {
    pool: Option<rayon::ThreadPool>,
    threads: usize,
}

impl Pool {
    /// A pool of `threads` threads (never more than the cores: see
    /// [`effective_threads`]); `None` uses the global pool, one thread per core.
    pub fn new(threads: Option<usize>) -> Result<Pool, BatchError> {
        let n = effective_threads(threads);
        let pool = match threads {
            Some(_) => Some(
                rayon::ThreadPoolBuilder::new()
                    .num_threads(n)
                    .build()
                    .map_err(|source| BatchError::Threads { threads: n, source })?,
            ),
            None => None,
        };
        Ok(Pool { pool, threads: n })
    }

    /// Threads replications run on.
    pub fn threads(&self) -> usize {
        self.threads
    }

    /// Run `work` on this pool (on the current one when it has none of its own).
    pub(crate) fn install<R: Send>(&self, work: impl FnOnce() -> R + Send) -> R {
        match &self.pool {
            Some(pool) => pool.install(work),
            None => work(),
        }
    }
}

/// Whether a batch goes on after a chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Run the next chunk.
    Continue,
    /// End the batch here: it keeps the chunks done so far, and is a valid batch that
    /// can be extended later to the same result as an uninterrupted one.
    Stop,
}

/// What a batch reports as it runs.
pub trait Sink: Sync {
    /// A replication finished: `done` replications of this call so far (from any thread,
    /// as they finish), for a progress bar.
    fn replication_done(&self, done: u64) {
        let _ = done;
    }

    /// A chunk was folded into `batch`, in replication order; its summaries are up to
    /// date. Return [`Flow::Stop`] to end the batch after it.
    fn chunk(&mut self, batch: &Batch) -> Flow {
        let _ = batch;
        Flow::Continue
    }
}

/// A progress callback is a sink that never stops a batch.
impl<F: Fn(u64) + Sync> Sink for F {
    fn replication_done(&self, done: u64) {
        self(done)
    }
}

/// Runs replications, reporting progress (replications finished so far) through
/// `progress`: [`run_with`] on a pool of `config.threads` built for it.
pub fn run(
    model: &Model,
    config: &BatchConfig,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Batch, BatchError> {
    let pool = Pool::new(config.threads)?;
    run_with(model, &Plan::of(config), &pool, &mut |n| progress(n))
}

/// Runs the replications of `plan` on `pool`, reporting to `sink` after each chunk. A
/// sink that stops the batch gets back the chunks done so far.
pub fn run_with(
    model: &Model,
    plan: &Plan,
    pool: &Pool,
    sink: &mut impl Sink,
) -> Result<Batch, BatchError> {
    // before the bands are allocated
    check_footprint(model, plan.replications, 1, Some(pool.threads()))?;
    let catalogue = Catalogue::new(model);
    let mut batch = Batch {
        provenance: Provenance {
            fingerprint: model.fingerprint().to_string(),
            seed: plan.seed,
            stream_scheme: crate::rng::STREAM_SCHEME,
        },
        bands: Bands::new(&catalogue, plan.bands),
        wait_histogram: vec![0; catalogue.authorities().len() * crate::measures::WAIT_BINS],
        values: Values::new(&catalogue),
        catalogue,
        first: plan.first,
        events: 0,
        elapsed: Duration::ZERO,
    };
    extend_with(model, plan, pool, &mut batch, sink)?;
    Ok(batch)
}

/// Runs `config.replications` more replications of `model` into `batch`, on a pool of
/// `config.threads` built for it: see [`extend_with`]. `config.first` must be the
/// replication after the batch's last.
pub fn extend(
    model: &Model,
    config: &BatchConfig,
    batch: &mut Batch,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<(), BatchError> {
    let pool = Pool::new(config.threads)?;
    extend_with(model, &Plan::of(config), &pool, batch, &mut |n| progress(n)).map(|_| ())
}

/// Runs the replications of `plan` into `batch`, which they must continue: `plan.first`
/// is the replication after the batch's last. Returns [`Flow::Stop`] if the sink stopped
/// the batch, even after the plan's last chunk, so a caller with more to do stops too.
pub fn extend_with(
    model: &Model,
    plan: &Plan,
    pool: &Pool,
    batch: &mut Batch,
    sink: &mut impl Sink,
) -> Result<Flow, BatchError> {
    let next = batch.first + batch.values.len() as u64;
    if plan.seed != batch.provenance.seed || model.fingerprint() != batch.provenance.fingerprint {
        return Err(BatchError::OtherBatch);
    }
    if plan.first != next {
        return Err(BatchError::NotContiguous {
            batch_ends: next,
            plan_starts: plan.first,
        });
    }
    check_footprint(
        model,
        batch.values.len() as u64 + plan.replications,
        1,
        Some(pool.threads()),
    )?;
    let start = Instant::now();
    let before = batch.elapsed;
    let to = plan.first + plan.replications;
    let done = std::sync::atomic::AtomicU64::new(0);
    let mut k = plan.first;
    let mut flow = Flow::Continue;
    while k < to && flow == Flow::Continue {
        let end = (k + plan.chunk.max(1)).min(to);
        let shared: &dyn Sink = sink;
        let chunk: Vec<Replication> = pool.install(|| {
            (k..end)
                .into_par_iter()
                .map_init(
                    || (Engine::default(), Recorder::new(model)),
                    |(engine, recorder), r| {
                        recorder.reset();
                        let stats = engine.run(model, plan.seed, r, recorder);
                        let rep = recorder.replication(stats.events);
                        let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                        shared.replication_done(n);
                        rep
                    },
                )
                .collect()
        });
        pool.install(|| fold(batch, chunk));
        k = end;
        batch.elapsed = before + start.elapsed();
        flow = sink.chunk(batch);
    }
    Ok(flow)
}

/// Fold one chunk's replications into the batch, in replication order.
fn fold(batch: &mut Batch, chunk: Vec<Replication>) {
    // each band takes its values in replication order, bands in parallel
    batch
        .bands
        .fans
        .par_iter_mut()
        .enumerate()
        .for_each(|(i, fan)| chunk.iter().for_each(|rep| fan.push(rep.series[i])));
    for rep in chunk {
        for (total, &c) in batch.wait_histogram.iter_mut().zip(&rep.wait_histogram) {
            *total += u64::from(c);
        }
        batch.events += rep.events;
        batch.values.push(&rep.values);
    }
}

impl Batch {
    /// This batch followed by `next`, as one batch: bit for bit what one run over both
    /// ranges gives, weekly bands included (every series is counted exactly, staff
    /// utilisation on a grid of 0.001, so parts of any size merge). `next` must have the
    /// same provenance and start at the replication after this one's last. Nothing
    /// changes on an error.
    pub fn merge(&mut self, next: &Batch) -> Result<(), MergeError> {
        let p = (&self.provenance, &next.provenance);
        if p.0.fingerprint != p.1.fingerprint {
            return Err(MergeError::Provenance("model (scenario, policy or change)"));
        }
        if p.0.seed != p.1.seed {
            return Err(MergeError::Provenance("seed"));
        }
        if p.0.stream_scheme != p.1.stream_scheme {
            return Err(MergeError::Provenance("random-stream scheme"));
        }
        let ends = self.first + self.values.len() as u64;
        if next.first != ends {
            return Err(MergeError::NotContiguous {
                ends,
                starts: next.first,
            });
        }
        if self.bands.weeks != next.bands.weeks {
            return Err(MergeError::Provenance("weekly bands kept"));
        }
        if next.bands.fans.iter().any(|f| !f.is_exact()) {
            return Err(MergeError::Bands {
                limit: crate::stats::FAN_EXACT_LIMIT,
            });
        }
        for (fan, later) in self.bands.fans.iter_mut().zip(&next.bands.fans) {
            fan.absorb(later);
        }
        for (total, &c) in self.wait_histogram.iter_mut().zip(&next.wait_histogram) {
            *total += c;
        }
        for r in 0..next.values.len() {
            self.values.push(&next.values.row(r));
        }
        self.events += next.events;
        self.elapsed += next.elapsed;
        Ok(())
    }

    /// Values of measure `index` across replications, in replication order.
    pub fn column(&self, index: usize) -> Vec<f64> {
        (0..self.values.len())
            .map(|r| self.values.get(r, index))
            .collect()
    }

    /// Values of the named measure across replications.
    pub fn measure(&self, name: &str) -> Option<Vec<f64>> {
        self.catalogue.index(name).map(|i| self.column(i))
    }

    /// Number of replications run.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether no replication has run.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
}

/// Outcome of running until a measure is precise enough.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Precision {
    /// Relative half-width asked for.
    pub target: f64,
    /// Relative half-width reached (`None` if undefined, e.g. a zero mean).
    pub achieved: Option<f64>,
    /// Whether the target was met within the replication limit.
    pub met: bool,
    /// Why adding replications stopped.
    pub stopped: Stopped,
}

/// Why a run for precision stopped adding replications.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stopped {
    /// The target was met.
    Met,
    /// The replication limit was reached first.
    Limit,
    /// The measure's mean is zero (it was zero in every replication, for the measures
    /// here), so a relative precision is undefined however many replications are added.
    ZeroMean,
    /// No replication observed the measure (every value is empty).
    NoValues,
    /// The sink stopped the batch (e.g. the user pressed Ctrl-C).
    Interrupted,
}

impl Stopped {
    /// Its name in JSON: `met`, `limit`, `zero-mean` or `no-values`.
    pub fn name(self) -> &'static str {
        match self {
            Stopped::Met => "met",
            Stopped::Limit => "limit",
            Stopped::ZeroMean => "zero-mean",
            Stopped::NoValues => "no-values",
            Stopped::Interrupted => "interrupted",
        }
    }

    /// Why, in words, for a person deciding what to do next.
    pub fn reason(self) -> &'static str {
        match self {
            Stopped::Met => "the target was met",
            Stopped::Limit => "the replication limit was reached first; raise --max-reps",
            Stopped::ZeroMean => {
                "its mean is zero, so a relative precision is undefined however many \
                 replications are added; choose a measure that varies"
            }
            Stopped::NoValues => {
                "no replication observed it, so it has no mean; choose a measure the scenario produces"
            }
            Stopped::Interrupted => "it was interrupted",
        }
    }
}

/// When to stop adding replications: once the 95% confidence interval of measure
/// `measure` has a half-width at most `target` × |mean|, or at `max_replications`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Precise {
    /// Position of the measure in the batch's catalogue.
    pub measure: usize,
    /// Relative half-width asked for.
    pub target: f64,
    /// The most replications the batch may reach.
    pub max_replications: u64,
}

/// Sequential procedure: after the batch's replications so far, keep adding replications
/// (on the batch's seed, from the one after its last, on `pool`, reporting to `sink`) until
/// `rule` is met or its limit reached. Each step estimates the replications still needed
/// from the current standard deviation (adding at least 10% more), so the stopping point
/// depends only on the values, never on thread count or chunk size. A sink that stops the
/// batch ends the procedure there ([`Stopped::Interrupted`]); the batch keeps what ran.
pub fn until_precise(
    model: &Model,
    batch: &mut Batch,
    rule: &Precise,
    pool: &Pool,
    sink: &mut impl Sink,
) -> Result<Precision, BatchError> {
    let target = rule.target;
    loop {
        let column = batch.column(rule.measure);
        let achieved = crate::stats::relative_half_width(&column);
        let n = batch.len() as u64;
        let done = |met, stopped| Precision {
            target,
            achieved,
            met,
            stopped,
        };
        if achieved.is_some_and(|h| h <= target) {
            return Ok(done(true, Stopped::Met));
        }
        // a target that no number of replications can meet is reported, not pursued
        match crate::stats::summarize(&column) {
            None => return Ok(done(false, Stopped::NoValues)),
            Some(s) if s.mean == 0.0 => return Ok(done(false, Stopped::ZeroMean)),
            Some(_) => {}
        }
        if n >= rule.max_replications {
            return Ok(done(false, Stopped::Limit));
        }
        let needed =
            crate::stats::replications_needed(&column, target).map_or(2 * n.max(2), |r| r as u64);
        let next = needed
            .max(n + n.div_ceil(10))
            .max(n + 2)
            .min(rule.max_replications);
        let more = Plan {
            seed: batch.provenance.seed,
            first: batch.first + n,
            replications: next - n,
            chunk: CHUNK,
            bands: batch.bands.weeks() > 0,
        };
        if extend_with(model, &more, pool, batch, sink)? == Flow::Stop {
            let column = batch.column(rule.measure);
            return Ok(Precision {
                target,
                achieved: crate::stats::relative_half_width(&column),
                met: false,
                stopped: Stopped::Interrupted,
            });
        }
    }
}
