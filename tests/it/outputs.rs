//! Outputs are written atomically: a run killed mid-batch leaves the previous outputs
//! whole, and leaves no temporary files behind.

use super::support::{TempDir, ifss_in};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Every file in `dir` with its bytes (folders in it left out).
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .expect("output folder")
        .map(|e| e.expect("entry"))
        .filter(|e| e.path().is_file())
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).expect("readable"),
            )
        })
        .collect()
}

#[test]
fn a_killed_batch_leaves_the_previous_outputs_intact() {
    let dir = TempDir::new("atomic");
    let out = dir.join("out");
    let out_arg = out.to_str().expect("utf-8 path");
    let r = ifss_in(&dir.0, &["run", "--reps", "3", "--out", out_arg, "--quiet"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let before = snapshot(&out);
    for name in ["summary.json", "replications.csv", "manifest.json"] {
        assert!(
            before.contains_key(name),
            "{name} missing: {:?}",
            before.keys()
        );
    }

    let mut child = Command::new(env!("CARGO_BIN_EXE_ifss-sim"))
        .args(["run", "--reps", "1000000", "--out", out_arg, "--quiet"])
        .current_dir(&dir.0)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    // let it get well into the batch, then kill it
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(1) {
        assert!(
            child.try_wait().expect("poll").is_none(),
            "a million replications finished in under a second"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill().expect("kill");
    let status = child.wait().expect("reaped");
    assert!(!status.success());

    let after = snapshot(&out);
    assert_eq!(
        after.keys().collect::<Vec<_>>(),
        before.keys().collect::<Vec<_>>(),
        "files changed (temporary files left behind?)"
    );
    for (name, bytes) in &before {
        assert!(after[name] == *bytes, "{name} changed");
    }
}

#[test]
fn a_reader_closing_standard_output_loses_no_files() {
    let dir = TempDir::new("closed-stdout");
    let out = dir.join("out");
    let out_arg = out.to_str().expect("utf-8 path");
    // a reader that has gone before anything is printed, as `| head -0` leaves it
    let mut child = Command::new(env!("CARGO_BIN_EXE_ifss-sim"))
        .args([
            "compare", "--reps", "4", "--out", out_arg, "--quiet", "--json",
        ])
        .current_dir(&dir.0)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    drop(child.stdout.take());
    let o = child.wait_with_output().expect("reaped");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    let files = snapshot(&out);
    for name in [
        "summary.json",
        "comparison.csv",
        "report.html",
        "manifest.json",
    ] {
        assert!(
            files.contains_key(name),
            "{name} missing: {:?}",
            files.keys()
        );
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_standard_output_is_an_error_not_a_panic() {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    let o = Command::new(env!("CARGO_BIN_EXE_ifss-sim"))
        .args(["scenario", "list"])
        .stdout(full)
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("cannot write to standard output") && !stderr.contains("panicked"),
        "{stderr}"
    );
}

#[test]
fn a_new_set_replaces_the_old_one_whole() {
    let dir = TempDir::new("sets");
    let out = dir.join("out");
    let out_arg = out.to_str().expect("utf-8 path");
    let compare = [
        "compare",
        "--reps",
        "3",
        "--quiet",
        "--out",
        out_arg,
        "--policies",
        "proportional,demand-led,pooled",
    ];
    let r = ifss_in(&dir.0, &compare);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let before = snapshot(&out);
    assert!(before.contains_key("comparison.csv") && before.contains_key("report.html"));
    std::fs::write(out.join("notes.txt"), b"the user's own").expect("write");

    // a run without the report replaces the compare's files: none of them is left
    // to contradict the new summary, and files that are not ours stay
    let r = ifss_in(
        &dir.0,
        &[
            "run",
            "--reps",
            "3",
            "--quiet",
            "--no-report",
            "--out",
            out_arg,
        ],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let after = snapshot(&out);
    let names: Vec<&str> = after.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "manifest.json",
            "notes.txt",
            "replications.csv",
            "summary.json",
            "timeseries.csv"
        ]
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&after["manifest.json"]).expect("manifest");
    assert_eq!(
        manifest["files"],
        serde_json::json!(["summary.json", "replications.csv", "timeseries.csv"])
    );

    // a write that fails part-way leaves no manifest vouching for a mixed set
    std::fs::remove_file(out.join("timeseries.csv")).expect("remove");
    std::fs::create_dir(out.join("timeseries.csv")).expect("a folder in the way");
    let r = ifss_in(
        &dir.0,
        &[
            "run",
            "--reps",
            "3",
            "--quiet",
            "--no-report",
            "--seed",
            "9",
            "--out",
            out_arg,
        ],
    );
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stderr.contains("timeseries.csv"), "{}", r.stderr);
    assert!(!out.join("manifest.json").exists());
}

#[test]
fn the_risks_command_keeps_its_set_apart_from_a_runs() {
    let dir = TempDir::new("risk-set");
    let r = ifss_in(&dir.0, &["compare", "--reps", "3", "--quiet"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let run_folder = dir.join("output").join("western-bay");
    let before = snapshot(&run_folder);
    assert!(before.contains_key("risks.csv") && before.contains_key("manifest.json"));

    // a risks run on other seeds must not put its risks.csv under the compare's manifest
    let r = ifss_in(&dir.0, &["risks", "--reps", "4", "--seed", "7", "--quiet"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(snapshot(&run_folder), before);

    let risk_folder = run_folder.join("risks");
    let files = snapshot(&risk_folder);
    let names: Vec<&str> = files.keys().map(String::as_str).collect();
    assert_eq!(names, ["manifest.json", "risks.csv"]);
    let manifest: serde_json::Value =
        serde_json::from_slice(&files["manifest.json"]).expect("manifest");
    assert_eq!(manifest["files"], serde_json::json!(["risks.csv"]));
    assert_eq!(manifest["seed"], 7);
    assert_eq!(manifest["replications"], 4);
    assert_eq!(
        manifest["policies"],
        serde_json::json!(["proportional", "demand-led"])
    );
    assert!(
        r.stderr.contains("risks.csv, manifest.json"),
        "the files written are named: {}",
        r.stderr
    );
}
