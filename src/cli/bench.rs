//! `bench`: how fast a scenario runs on this machine, to size a batch before running it.

use super::run::{check_reps, config};
use super::{BatchArgs, scenarios};
use anyhow::{Context, Result};
use ifss_sim::batch::{self, BatchConfig};

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
fn model_events(b: &batch::Batch) -> f64 {
    ["referrals", "allocated", "handovers", "cases_closed"]
        .iter()
        .filter_map(|name| b.measure(name))
        .map(|col| col.iter().sum::<f64>())
        .sum()
}

pub fn bench(a: BatchArgs) -> Result<()> {
    let loaded = scenarios::load(a.scenario.as_deref(), &a.sets)?;
    let m = &loaded.model;
    let mut cfg = config(&a, m);
    check_reps(cfg.replications)?;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads = cfg.threads.unwrap_or(cores);
    println!(
        "{}: {} replications of {:.0} days, policy {}, seed {}",
        m.title(),
        cfg.replications,
        m.horizon_days(),
        m.policy().kind(),
        cfg.seed
    );
    // one thread, then every requested thread, on the same replications
    cfg.threads = Some(1);
    let one = batch::run(m, &cfg, &|_| {}).context("batch failed")?;
    let t1 = one.elapsed.as_secs_f64();
    let reps = one.len() as f64;
    println!(
        "  1 thread:   {:>12.0} events/s  {:>10.1} replications/s  ({} events, {:.3} s)",
        one.events as f64 / t1,
        reps / t1,
        one.events,
        t1
    );
    let counted = model_events(&one);
    println!(
        "  1 thread:   {:>12.0} arrivals + allocations + closures a second \
         ({counted:.0} in all: events as process-based simulation libraries count them)",
        counted / t1
    );
    let mut rate = reps / t1;
    if threads > 1 {
        let many = batch::run(
            m,
            &BatchConfig {
                threads: Some(threads),
                ..cfg
            },
            &|_| {},
        )
        .context("batch failed")?;
        let tn = many.elapsed.as_secs_f64();
        rate = reps / tn;
        println!(
            "  {threads} threads: {:>12.0} events/s  {:>10.1} replications/s  (speed-up {:.2}×)",
            many.events as f64 / tn,
            rate,
            t1 / tn
        );
    }
    if let Some(mib) = peak_mib() {
        println!(
            "  peak memory: {mib:.0} MiB for {} replications (whole process)",
            one.len()
        );
    }
    println!(
        "  so 10,000 replications take about {:.0} s on {threads} thread{}",
        10_000.0 / rate,
        if threads == 1 { "" } else { "s" }
    );
    Ok(())
}
