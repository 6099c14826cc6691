//! Monte Carlo batch throughput: a 1,000-replication batch of the Western Bay default,
//! on one and two threads (the parallel speed-up), measured in replications per second.
//!
//! Run with `cargo bench --bench batch`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ifss_sim::batch::{self, BatchConfig};
use ifss_sim::scenario;
use std::time::Duration;

fn batch_of_1000(c: &mut Criterion) {
    let model = scenario::load_bundled("western-bay")
        .expect("bundled")
        .expect("valid");
    let mut group = c.benchmark_group("western-bay batch");
    group.throughput(Throughput::Elements(1000));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(15));
    for threads in [1, 2] {
        group.bench_function(format!("1000 replications, {threads} thread(s)"), |b| {
            b.iter(|| {
                let cfg = BatchConfig {
                    seed: 1,
                    first: 0,
                    replications: 1000,
                    threads: Some(threads),
                };
                batch::run(&model, &cfg, &|_| {}).expect("batch runs")
            })
        });
    }
    group.finish();
}

criterion_group!(benches, batch_of_1000);
criterion_main!(benches);
