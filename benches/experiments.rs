//! The experiments that multiply batches, timed as a planner runs them on the Western Bay
//! default with its own replications (200): a 20-point sweep of the referral scale under
//! one policy, and the default one-at-a-time sensitivity analysis (eight inputs at both
//! ends, under two policies: 34 batches). The aim is each under 30 seconds on two cores.
//!
//! Run with `cargo bench --bench experiments`.

use criterion::{Criterion, criterion_group, criterion_main};
use ifss_sim::batch::Pool;
use ifss_sim::experiment::{Quiet, Runs, sensitivity, sweep};
use ifss_sim::scenario;
use std::time::Duration;

fn experiments(c: &mut Criterion) {
    let text = scenario::bundled("western-bay").expect("bundled").text;
    let runs = Runs {
        seed: 20130601,
        replications: 200,
    };
    let pool = Pool::new(None).expect("pool");
    let mut group = c.benchmark_group("experiments, Western Bay, 200 replications a batch");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(60));
    let sweep_plan = sweep::Plan::new(&sweep::Request {
        text: text.to_string(),
        origin: "western-bay".into(),
        axes: vec![
            "simulation.referral_scale=0.5..1.5/20"
                .parse()
                .expect("axis"),
        ],
        policies: Vec::new(),
        measures: Vec::new(),
        runs,
        precision: None,
    })
    .expect("a valid sweep");
    group.bench_function("sweep, 20 points", |b| {
        b.iter(|| sweep::run(&sweep_plan, &pool, &mut Quiet).expect("sweep runs"))
    });
    let plan = sensitivity::Plan::new(&sensitivity::Request {
        text: text.to_string(),
        origin: "western-bay".into(),
        policies: vec!["proportional".into(), "demand-led".into()],
        runs,
    })
    .expect("a valid analysis");
    group.bench_function("sensitivity, one at a time (34 batches)", |b| {
        b.iter(|| sensitivity::run(&plan, &pool, &mut Quiet).expect("analysis runs"))
    });
    group.finish();
}

criterion_group!(benches, experiments);
criterion_main!(benches);
