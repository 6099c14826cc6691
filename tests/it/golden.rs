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
    check_snapshot(name, &means(scenario, sets));
}

fn check(name: &str) {
    check_with(name, name, &[]);
}

/// Sums over weeks and authorities of every weekly band (P5, P50, P95 and mean of each
/// series) of a batch longer than the 200 replications an exact buffer would hold: every
/// band, staff utilisation's on its grid of 0.001 included, must still count exactly.
fn band_sums(name: &str, replications: u64) -> BTreeMap<String, String> {
    let m = load_with(name, &[]).unwrap_or_else(|e| panic!("{e}"));
    let cfg = BatchConfig {
        seed: 2013,
        first: 0,
        replications,
        threads: Some(2),
    };
    let b = batch::run(&m, &cfg, &|_| {}).unwrap();
    let authorities = b.catalogue.authorities().len();
    let mut out = BTreeMap::new();
    let (mut fans, mut exact) = (0, 0);
    for (s, series) in ifss_sim::measures::SERIES.iter().enumerate() {
        let mut sums = [0.0_f64; 4];
        for week in 0..b.bands.weeks() {
            for a in 0..authorities {
                let fan = b.bands.get(week, a, s);
                if !ifss_sim::measures::SERIES_COUNTS[s] {
                    fans += 1;
                    exact += usize::from(fan.is_exact());
                }
                if let Some(band) = fan.band() {
                    for (sum, x) in sums.iter_mut().zip(band) {
                        *sum += x;
                    }
                }
                sums[3] += fan.mean().unwrap_or(0.0);
            }
        }
        for (q, sum) in ["p5", "p50", "p95", "mean"].iter().zip(sums) {
            out.insert(format!("band.{series}.{q}"), format!("{sum:?}"));
        }
    }
    assert_eq!(
        exact, fans,
        "{name}: {exact} of {fans} bands of a continuous series are exact"
    );
    out
}

/// Compare `now` with the snapshot `golden/{name}.json`, or write it when regenerating.
fn check_snapshot(name: &str, now: &BTreeMap<String, String>) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/it/golden")
        .join(format!("{name}.json"));
    if std::env::var_os("IFSS_UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, serde_json::to_string_pretty(now).unwrap() + "\n").unwrap();
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
        "{name}: {} values changed:\n{}",
        changed.len(),
        changed.join("\n")
    );
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

#[test]
fn weekly_bands_are_pinned() {
    check_snapshot("ifss-lite-bands", &band_sums("ifss-lite", 240));
    check_snapshot("western-bay-bands", &band_sums("western-bay", 210));
}
