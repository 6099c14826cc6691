//! `bench`: how fast a scenario runs on this machine, to size a batch before running it.

use super::run::{check_reps, config};
use super::{BenchArgs, scenarios};
use anyhow::{Context, Result};
use ifss_sim::batch::{self, Batch, BatchConfig};
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
    one_thread: Timing,
    /// The same batch on every requested thread, when more than one.
    all_threads: Option<Timing>,
    speed_up: Option<f64>,
    peak_memory_mib: Option<f64>,
    /// Seconds 10,000 replications would take on every requested thread.
    seconds_per_10000_replications: f64,
}

pub fn bench(a: BenchArgs) -> Result<()> {
    let loaded = scenarios::load(a.input.scenario.as_deref(), &a.input.sets)?;
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
        one_thread: one,
        all_threads: all,
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
    let threads = b.all_threads.as_ref().map_or(1, |t| t.threads);
    s += &format!(
        "  so 10,000 replications take about {:.0} s on {threads} thread{}\n",
        b.seconds_per_10000_replications,
        if threads == 1 { "" } else { "s" }
    );
    s
}
