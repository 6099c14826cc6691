//! Golden summaries: a pinned seed gives pinned numbers, bit for bit.
//!
//! Speed work must not change results. These snapshots hold every measure's mean over a
//! small fixed-seed batch of each bundled scenario; any change to a value fails the test.
//! Measures added later are not in the snapshot and are ignored. When the model itself is
//! meant to change (or a dependency changes its random values), review the difference,
//! then regenerate with `IFSS_UPDATE_GOLDEN=1 cargo test --test it golden` and record
//! why in the commit.

use super::support::load_with;
use ifss_sim::batch::{self, BatchConfig};
use std::collections::BTreeMap;

fn means(name: &str, sets: &[&str]) -> BTreeMap<String, String> {
    let m = load_with(name, sets).unwrap_or_else(|e| panic!("{e}"));
    let cfg = BatchConfig {
        seed: 2013,
        first: 0,
        replications: 12,
        threads: Some(2),
    };
    let b = batch::run(&m, &cfg, &|_| {}).unwrap();
    b.catalogue
        .measures()
        .iter()
        .enumerate()
        .map(|(i, meas)| {
            let col = b.column(i);
            let sum: f64 = col.iter().filter(|x| !x.is_nan()).sum();
            // exact, platform-independent text of the f64 (shortest round-trip form)
            (meas.name.clone(), format!("{sum:?}"))
        })
        .collect()
}

/// Compare `scenario` with `sets` applied against the snapshot `golden/{name}.json`.
fn check_with(name: &str, scenario: &str, sets: &[&str]) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/it/golden")
        .join(format!("{name}.json"));
    let now = means(scenario, sets);
    if std::env::var_os("IFSS_UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, serde_json::to_string_pretty(&now).unwrap() + "\n").unwrap();
        return;
    }
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (generate with IFSS_UPDATE_GOLDEN=1)",
            path.display()
        )
    });
    let pinned: BTreeMap<String, String> = serde_json::from_str(&text).unwrap();
    let mut changed = Vec::new();
    for (k, v) in &pinned {
        match now.get(k) {
            Some(x) if x == v => {}
            Some(x) => changed.push(format!("{k}: pinned {v}, now {x}")),
            None => changed.push(format!("{k}: no longer produced")),
        }
    }
    assert!(
        changed.is_empty(),
        "{name}: {} measures changed:\n{}",
        changed.len(),
        changed.join("\n")
    );
}

fn check(name: &str) {
    check_with(name, name, &[]);
}

#[test]
fn western_bay_summary_is_pinned() {
    check("western-bay");
}

#[test]
fn ifss_lite_summary_is_pinned() {
    check("ifss-lite");
}

#[test]
fn mmc_summary_is_pinned() {
    check("mmc");
}

// The other policies and expertise matching take other allocation paths.

#[test]
fn western_bay_demand_led_summary_is_pinned() {
    check_with(
        "western-bay-demand-led",
        "western-bay",
        &["policy.kind=\"demand-led\""],
    );
}

#[test]
fn western_bay_pooled_summary_is_pinned() {
    check_with(
        "western-bay-pooled",
        "western-bay",
        &["policy.kind=\"pooled\""],
    );
}

#[test]
fn npt_high_need_demand_led_expertise_summary_is_pinned() {
    check_with(
        "npt-high-need-demand-led-expertise",
        "npt-high-need",
        &[
            "policy.kind=\"demand-led\"",
            "policy.matching=\"expertise\"",
        ],
    );
}
