//! Fuzz target: arbitrary bytes as a scenario file.
//!
//! Loading (parse + validate) must never panic, hang or run out of memory, whatever the
//! bytes; a scenario that loads must simulate one replication, over at most 60 days,
//! without panicking (this build has debug assertions, so the engine's invariant checks
//! run after every event).

#![no_main]

use ifss_sim::engine::run_once;
use ifss_sim::measures::Recorder;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(model) = ifss_sim::scenario::load(text, "fuzz.toml") else {
        return;
    };
    let model = model.truncated(60.0);
    let mut recorder = Recorder::new(&model);
    let stats = run_once(&model, 1, 0, &mut recorder);
    let replication = recorder.replication(stats.events);
    assert_eq!(stats.referrals, stats.closed + stats.open_at_end);
    assert_eq!(
        replication.values.len(),
        ifss_sim::measures::Catalogue::new(&model).measures().len()
    );
});
