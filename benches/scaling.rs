//! How the time per event grows with the size of the service: Western Bay with its staff
//! groups and referral rates scaled together from 20 posts to 5,000 (×1 to ×250), under
//! each policy. Each figure is the time of 250 / K replications (about the same work at
//! every size), with throughput in events taken off the engine's queue, so criterion
//! prints events a second at each size; the target is a time per event within twice the
//! 20-post figure at every size.
//!
//! Run with `cargo bench --bench scaling` (about ten minutes); the same figures one at a
//! time: `ifss-sim bench western-bay --scale K --set policy.kind=P --threads 1`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ifss_sim::engine::Engine;
use ifss_sim::measures::Recorder;
use ifss_sim::scenario::{self, overrides};
use std::time::Duration;

fn scaled(k: u32, policy: &str) -> ifss_sim::model::Model {
    let text = scenario::bundled("western-bay").expect("bundled").text;
    let mut sets = overrides::scaled_by(text, "western-bay.toml", k).expect("plain rates");
    sets.push(format!("policy.kind={policy}").parse().expect("override"));
    let text = overrides::apply(text, &sets).expect("applies");
    scenario::load(&text, "western-bay.toml").expect("valid")
}

fn scaling(c: &mut Criterion) {
    let mut group = c.benchmark_group("scaling");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(8));
    for policy in ["proportional", "demand-led", "pooled", "rebased"] {
        for k in [1u32, 4, 16, 64, 250] {
            let m = scaled(k, policy);
            let mut e = Engine::default();
            let mut rec = Recorder::new(&m);
            // 250 / k replications: about as much work at every size
            let reps = u64::from(250 / k).max(1);
            let events: u64 = (0..reps)
                .map(|r| {
                    rec.reset();
                    e.run(&m, 1, r, &mut rec).events
                })
                .sum();
            group.throughput(Throughput::Elements(events));
            group.bench_function(format!("{policy}, {} posts", 20 * k), |b| {
                b.iter(|| {
                    for r in 0..reps {
                        rec.reset();
                        let s = e.run(&m, 1, r, &mut rec);
                        std::hint::black_box(rec.replication(s.events));
                    }
                })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, scaling);
criterion_main!(benches);
