//! `bench`: how fast a scenario runs on this machine, to size a batch before running it.

use super::run::{check_reps, config};
use super::{BenchArgs, scenarios};
use anyhow::{Context, Result};
use ifss_sim::batch::{self, Batch, BatchConfig};
use ifss_sim::scenario;
use serde::Serialize;

/// Peak resident memory of this process so far, in MiB (Linux `VmHWM`).
fn peak_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// Arrivals, allocations (service starts) and case closures (departures) over a batch:
/// events as BENCHMARKS.md counts them for its peers (about 3 per customer on model A).
/// The engine's own count is of events taken off its queue, where an allocation is not
/// a separate event, so it is lower for the same work.
fn model_events(b: &Batch) -> u64 {
    ["referrals", "allocated", "handovers", "cases_closed"]
        .iter()
        .filter_map(|name| b.measure(name))
        .map(|col| col.iter().sum::<f64>())
        .sum::<f64>() as u64
}

/// One timed batch.
#[derive(Debug, Serialize)]
struct Timing {
    threads: usize,
    seconds: f64,
    replications_per_second: f64,
    /// Events taken off the engine's queue.
    events: u64,
    events_per_second: f64,
    /// Arrivals + allocations + closures, the peers' event count.
    model_events: u64,
    model_events_per_second: f64,
}

impl Timing {
    fn of(b: &Batch, threads: usize) -> Timing {
        let seconds = b.elapsed.as_secs_f64().max(f64::MIN_POSITIVE);
        let model_events = model_events(b);
        Timing {
            threads,
            seconds,
            replications_per_second: b.len() as f64 / seconds,
            events: b.events,
            events_per_second: b.events as f64 / seconds,
            model_events,
            model_events_per_second: model_events as f64 / seconds,
        }
    }
}

/// What `bench --json` prints.
#[derive(Debug, Serialize)]
struct BenchJson {
    schema: u32,
    /// The ifss-sim version that wrote it.
    version: &'static str,
    scenario: String,
    policy: String,
    replications: u64,
    horizon_days: f64,
    seed: u64,
    /// Staff posts simulated.
    posts: usize,
    one_thread: Timing,
    /// The same batch on every requested thread, when more than one.
    all_threads: Option<Timing>,
    speed_up: Option<f64>,
    peak_memory_mib: Option<f64>,
    /// Seconds 10,000 replications would take on every requested thread.
    seconds_per_10000_replications: f64,
    /// The engine beside the bare loop of the same model (`--floor`).
    floor: Option<FloorJson>,
}

/// The bare loops of the benchmark models.
#[derive(Debug, Clone, Copy)]
enum Floor {
    /// Model A, `mmc`: compared in arrivals + starts + departures a second.
    Mmc { days: f64 },
    /// Model B, `ifss-lite`: compared in replications a second.
    IfssLite,
}

/// The engine's speed beside the bare loop's, each the best of alternating rounds.
#[derive(Debug, Serialize)]
struct FloorJson {
    model: &'static str,
    /// What is counted a second: "events" (arrivals + starts + departures) or
    /// "replications".
    unit: &'static str,
    rounds: usize,
    engine_per_second: f64,
    bare_loop_per_second: f64,
    /// Engine ÷ bare loop.
    ratio: f64,
}

/// Alternating rounds of the engine and the bare loop.
const FLOOR_ROUNDS: usize = 3;

impl Floor {
    fn of(loaded: &scenarios::Loaded, changed: bool) -> Result<Floor> {
        let refuse = |why: &str| {
            super::InputError(format!(
                "--floor: {why}; the bare loops are of the benchmark models as written: \
                 `ifss-sim bench mmc --floor` or `ifss-sim bench ifss-lite --floor`"
            ))
        };
        if changed {
            return Err(refuse("the scenario was changed with --set or --scale").into());
        }
        let name = loaded.model.name();
        let as_bundled = scenario::bundled(name).is_some_and(|b| b.text == loaded.text);
        match name {
            "mmc" if as_bundled => Ok(Floor::Mmc {
                days: loaded.model.horizon_days(),
            }),
            "ifss-lite" if as_bundled => Ok(Floor::IfssLite),
            _ => Err(refuse(&format!("{name} is not a benchmark model as bundled")).into()),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Floor::Mmc { .. } => "mmc",
            Floor::IfssLite => "ifss-lite",
        }
    }

    /// What is counted a second.
    fn unit(self) -> &'static str {
        match self {
            Floor::Mmc { .. } => "events",
            Floor::IfssLite => "replications",
        }
    }

    /// The count of [`Floor::unit`] in work of `events` peer-counted events over
    /// `replications` replications.
    fn count(self, events: u64, replications: u64) -> f64 {
        match self {
            Floor::Mmc { .. } => events as f64,
            Floor::IfssLite => replications as f64,
        }
    }

    /// One replication of the bare loop: the events it counted.
    fn bare_run(self, seed: u64, replication: u64) -> u64 {
        let run = match self {
            Floor::Mmc { days } => ifss_sim::floor::mmc(seed, replication, days),
            Floor::IfssLite => ifss_sim::floor::ifss_lite(seed, replication),
        };
        std::hint::black_box(run).events
    }

    /// Time the bare loop over the batch's replications, alternately with the engine,
    /// keeping the best round of each.
    fn race(
        self,
        m: &ifss_sim::model::Model,
        cfg: &BatchConfig,
        first: &Timing,
    ) -> Result<FloorJson> {
        let reps = cfg.replications;
        let per_second = |t: &Timing| self.count(t.model_events, reps) / t.seconds;
        let mut engine = per_second(first);
        let mut bare = 0.0f64;
        for round in 0..FLOOR_ROUNDS {
            let start = std::time::Instant::now();
            let events: u64 = (cfg.first..cfg.first + reps)
                .map(|r| self.bare_run(cfg.seed, r))
                .sum();
            let seconds = start.elapsed().as_secs_f64().max(f64::MIN_POSITIVE);
            bare = bare.max(self.count(events, reps) / seconds);
            if round + 1 < FLOOR_ROUNDS {
                let b = batch::run(m, cfg, &|_| {}).context("batch failed")?;
                engine = engine.max(per_second(&Timing::of(&b, 1)));
            }
        }
        Ok(FloorJson {
            model: self.name(),
            unit: self.unit(),
            rounds: FLOOR_ROUNDS,
            engine_per_second: engine,
            bare_loop_per_second: bare,
            ratio: engine / bare,
        })
    }
}

pub fn bench(a: BenchArgs) -> Result<()> {
    let mut loaded = scenarios::load(a.input.scenario.as_deref(), &a.input.sets)?;
    if let Some(k) = a.scale {
        let mut sets = a.input.sets.clone();
        sets.extend(
            ifss_sim::scenario::overrides::scaled_by(&loaded.text, &loaded.label, k)
                .map_err(|e| super::InputError(format!("--scale {k}: {e}")))?,
        );
        loaded = scenarios::load(a.input.scenario.as_deref(), &sets)?;
    }
    let floor = if a.floor {
        Some(Floor::of(
            &loaded,
            a.scale.is_some() || !a.input.sets.is_empty(),
        )?)
    } else {
        None
    };
    let m = &loaded.model;
    let mut cfg = config(&a.input, m);
    check_reps(cfg.replications)?;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads = cfg.threads.unwrap_or(cores);
    if !a.json {
        outln!(
            "{}: {} of {:.0} days, policy {}, seed {}",
            m.title(),
            ifss_sim::report::counted(cfg.replications, "replication", "replications"),
            m.horizon_days(),
            m.policy().kind(),
            cfg.seed
        )?;
    }
    // one thread, then every requested thread, on the same replications
    cfg.threads = Some(1);
    let one = Timing::of(&batch::run(m, &cfg, &|_| {}).context("batch failed")?, 1);
    let all = if threads > 1 {
        let cfg = BatchConfig {
            threads: Some(threads),
            ..cfg
        };
        let b = batch::run(m, &cfg, &|_| {}).context("batch failed")?;
        Some(Timing::of(&b, threads))
    } else {
        None
    };
    let floor = match floor {
        Some(f) => Some(f.race(m, &cfg, &one)?),
        None => None,
    };
    let fastest = all.as_ref().unwrap_or(&one);
    let out = BenchJson {
        schema: ifss_sim::report::SCHEMA,
        version: env!("CARGO_PKG_VERSION"),
        scenario: m.name().to_string(),
        policy: m.policy().kind().name().to_string(),
        replications: cfg.replications,
        horizon_days: m.horizon_days(),
        seed: cfg.seed,
        speed_up: all.as_ref().map(|t| one.seconds / t.seconds),
        peak_memory_mib: peak_mib(),
        seconds_per_10000_replications: 10_000.0 / fastest.replications_per_second,
        posts: m.posts().len(),
        one_thread: one,
        all_threads: all,
        floor,
    };
    if a.json {
        outln!("{}", serde_json::to_string_pretty(&out)?)?;
    } else {
        out!("{}", text(&out))?;
    }
    Ok(())
}

fn text(b: &BenchJson) -> String {
    let one = &b.one_thread;
    let mut s = format!(
        "  1 thread:   {:>12.0} events/s  {:>10.1} replications/s  ({} events, {:.3} s)\n\
         \x20 1 thread:   {:>12.0} arrivals + allocations + closures a second \
         ({} in all: events as process-based simulation libraries count them)\n",
        one.events_per_second,
        one.replications_per_second,
        one.events,
        one.seconds,
        one.model_events_per_second,
        one.model_events,
    );
    if let (Some(t), Some(up)) = (&b.all_threads, b.speed_up) {
        s += &format!(
            "  {} threads: {:>12.0} events/s  {:>10.1} replications/s  (speed-up {up:.2}×)\n",
            t.threads, t.events_per_second, t.replications_per_second,
        );
    }
    if let Some(mib) = b.peak_memory_mib {
        s += &format!(
            "  peak memory: {mib:.0} MiB for {} replications (whole process)\n",
            b.replications
        );
    }
    if let Some(f) = &b.floor {
        s += &format!(
            "  beside the bare loop of {} (one thread, best of {} alternating rounds): \
             engine {:.0} {unit}/s, bare loop {:.0} {unit}/s: {:.2} of the loop\n",
            f.model,
            f.rounds,
            f.engine_per_second,
            f.bare_loop_per_second,
            f.ratio,
            unit = f.unit,
        );
    }
    let threads = b.all_threads.as_ref().map_or(1, |t| t.threads);
    s += &format!(
        "  so 10,000 replications take about {:.0} s on {threads} thread{}\n",
        b.seconds_per_10000_replications,
        if threads == 1 { "" } else { "s" }
    );
    s
}
