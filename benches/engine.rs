//! Engine speed on the benchmark models of BENCHMARKS.md, one thread:
//! model A (`mmc`, an M/M/5 queue) in events per second, counted as the peers count
//! them (arrivals + service starts + departures, about 3 per customer), model B
//! (`ifss-lite`) and the Western Bay default in replications per second.
//!
//! Each model's bare event loop ([`ifss_sim::floor`]) is timed in the same run, so the
//! engine's share of the loop's speed can be read off whatever the machine's load.
//!
//! Run with `cargo bench --bench engine`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ifss_sim::engine::Engine;
use ifss_sim::measures::{Catalogue, Recorder};
use ifss_sim::scenario;
use std::time::Duration;

fn model(name: &str) -> ifss_sim::model::Model {
    scenario::load_bundled(name)
        .expect("bundled")
        .expect("valid")
}

fn engine(c: &mut Criterion) {
    let mut group = c.benchmark_group("engine");
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(10));

    // model A: events per second through one replication of 2,000 days
    let mmc = model("mmc");
    let mut e = Engine::default();
    let mut rec = Recorder::new(&mmc);
    let s = e.run(&mmc, 1, 0, &mut rec);
    let values = rec.replication(s.events).values;
    let catalogue = Catalogue::new(&mmc);
    let count = |name: &str| values[catalogue.index(name).expect("measure")];
    let events = count("referrals") + count("allocated") + count("cases_closed");
    group.throughput(Throughput::Elements(events as u64));
    group.bench_function(
        "model A (mmc), one replication, arrivals+starts+departures",
        |b| {
            b.iter(|| {
                rec.reset();
                let s = e.run(&mmc, 1, 0, &mut rec);
                rec.replication(s.events)
            })
        },
    );

    // the bare loop of model A, in the same run: the floor the engine is judged against
    let days = mmc.horizon_days();
    let bare = ifss_sim::floor::mmc(1, 0, days).events;
    group.throughput(Throughput::Elements(bare));
    group.bench_function(
        "model A (mmc), bare loop, one replication, arrivals+starts+departures",
        |b| b.iter(|| ifss_sim::floor::mmc(1, 0, days)),
    );

    // model B and the default: replications per second, one after another
    for name in ["ifss-lite", "western-bay"] {
        let m = model(name);
        let mut e = Engine::default();
        let mut rec = Recorder::new(&m);
        group.throughput(Throughput::Elements(100));
        group.bench_function(format!("{name}, 100 replications"), |b| {
            b.iter(|| {
                for k in 0..100 {
                    rec.reset();
                    let s = e.run(&m, 1, k, &mut rec);
                    std::hint::black_box(rec.replication(s.events));
                }
            })
        });
        if name == "ifss-lite" {
            group.bench_function("ifss-lite, bare loop, 100 replications", |b| {
                b.iter(|| {
                    for k in 0..100 {
                        std::hint::black_box(ifss_sim::floor::ifss_lite(1, k));
                    }
                })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, engine);
criterion_main!(benches);
