//! The default Western Bay optimisation (`ifss-sim optimise`), timed as a planner runs it:
//! 2,592 configurations (where the consultant social workers and intervention
//! specialists are based, seven or eight of each, under two policies), 20 replications
//! each first and up to 400 for those still in the race. The aim is under two minutes on
//! two cores. Ten runs of about a minute each: this benchmark takes about ten minutes.
//!
//! Run with `cargo bench --bench optimise`.

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use ifss_sim::batch::Pool;
use ifss_sim::experiment::{Quiet, optimise};
use ifss_sim::scenario;
use std::time::Duration;

fn default_optimisation(c: &mut Criterion) {
    let text = scenario::bundled("western-bay").expect("bundled").text;
    let model = scenario::load(text, "western-bay").expect("valid");
    let plan = optimise::Plan::new(&optimise::Request {
        text: text.to_string(),
        origin: "western-bay".into(),
        search: model.optimise().expect("an [optimise] section").clone(),
        seed: model.default_seed(),
    })
    .expect("a valid search");
    let pool = Pool::new(None).expect("pool");
    let mut group = c.benchmark_group("optimisation, Western Bay default");
    // ten runs of about a minute each, one per sample
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(540));
    group.bench_function("2,592 configurations", |b| {
        b.iter(|| optimise::run(&plan, &pool, &mut Quiet).expect("the search runs"))
    });
    group.finish();
}

criterion_group!(benches, default_optimisation);
criterion_main!(benches);
