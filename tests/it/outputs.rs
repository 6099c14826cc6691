//! Outputs are written atomically: a run killed mid-batch leaves the previous outputs
//! whole, and leaves no temporary files behind.

use super::support::{TempDir, ifss_in};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The names a manifest lists.
fn listed(manifest: &[u8]) -> Vec<String> {
    let m: serde_json::Value = serde_json::from_slice(manifest).expect("manifest");
    m["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| f["name"].as_str().expect("name").to_string())
        .collect()
}

/// Check a folder's set against its manifest, as a reader would: every file listed is
/// there with the size and SHA-256 recorded (checked with the system's `sha256sum`, an
/// independent ledger), and no staging folder is left.
fn check_set(dir: &Path) {
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).expect("manifest"))
            .expect("JSON");
    assert_eq!(m["schema"], 2);
    assert_eq!(
        m["set"].as_str().map(|s| s == "run" || s == "risks"),
        Some(true)
    );
    for f in m["files"].as_array().expect("files") {
        let name = f["name"].as_str().expect("name");
        let bytes = std::fs::read(dir.join(name)).expect("listed file present");
        assert_eq!(f["bytes"], bytes.len() as u64, "{name}");
        let sum = Command::new("sha256sum")
            .arg(dir.join(name))
            .output()
            .expect("sha256sum runs");
        let sum = String::from_utf8_lossy(&sum.stdout);
        assert_eq!(
            Some(f["sha256"].as_str().expect("sha256")),
            sum.split_whitespace().next(),
            "{name}"
        );
    }
    for e in std::fs::read_dir(dir).expect("folder") {
        let name = e.expect("entry").file_name();
        assert!(
            !name.to_string_lossy().starts_with(".ifss-sim-staging"),
            "staging left: {name:?}"
        );
    }
}

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
    let (dir, out) = a_first_set("atomic");
    let out_arg = out.to_str().expect("utf-8 path");
    let before = snapshot(&out);
    for name in ["summary.json", "replications.csv", "manifest.json"] {
        assert!(
            before.contains_key(name),
            "{name} missing: {:?}",
            before.keys()
        );
    }

    let mut child = long_run(&dir.0, out_arg);
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
            ".ifss-sim.lock",
            "manifest.json",
            "notes.txt",
            "replications.csv",
            "summary.json",
            "timeseries.csv"
        ]
    );
    assert_eq!(
        listed(&after["manifest.json"]),
        ["summary.json", "replications.csv", "timeseries.csv"]
    );
    check_set(&out);

    // a folder where a file of the set goes is refused before the batch, and the old
    // set, manifest included, is left as it was
    std::fs::remove_file(out.join("timeseries.csv")).expect("remove");
    std::fs::create_dir(out.join("timeseries.csv")).expect("a folder in the way");
    let before = snapshot(&out);
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
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr.contains("timeseries.csv") && r.stderr.contains("a folder"),
        "{}",
        r.stderr
    );
    assert_eq!(snapshot(&out), before);
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
    assert_eq!(names, [".ifss-sim.lock", "manifest.json", "risks.csv"]);
    let manifest: serde_json::Value =
        serde_json::from_slice(&files["manifest.json"]).expect("manifest");
    assert_eq!(listed(&files["manifest.json"]), ["risks.csv"]);
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

/// Start a run of a million replications (minutes) into `out`, in the background.
fn long_run(dir: &Path, out: &str) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_ifss-sim"))
        .args(["run", "--reps", "1000000", "--out", out, "--quiet"])
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts")
}

/// Wait until a run holds `out`: its staging folder is there once the folder is locked.
fn wait_until_held(out: &Path) {
    let start = Instant::now();
    while !has_staging(out) {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the run never started"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Whether `out` holds a staging folder.
fn has_staging(out: &Path) -> bool {
    std::fs::read_dir(out).is_ok_and(|entries| {
        entries.flatten().any(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(".ifss-sim-staging")
        })
    })
}

/// A folder `out` inside a fresh temporary folder, holding a first set from a short run.
fn a_first_set(tag: &str) -> (TempDir, std::path::PathBuf) {
    let dir = TempDir::new(tag);
    let out = dir.join("out");
    let out_arg = out.to_str().expect("utf-8 path");
    let r = ifss_in(&dir.0, &["run", "--reps", "3", "--out", out_arg, "--quiet"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    (dir, out)
}

/// Run the binary in `dir`, killing it if it has not finished within `limit`.
fn ifss_within(dir: &Path, args: &[&str], limit: Duration) -> super::support::Ran {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ifss-sim"))
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let start = Instant::now();
    while child.try_wait().expect("poll").is_none() {
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("{args:?} still running after {limit:?}: a check ran after the batch");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let o = child.wait_with_output().expect("output");
    super::support::Ran {
        code: o.status.code(),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

#[test]
fn a_second_run_into_a_folder_in_use_is_refused_at_once() {
    let dir = TempDir::new("busy");
    let out = dir.join("out");
    let out_arg = out.to_str().expect("utf-8 path");
    let mut first = long_run(&dir.0, out_arg);
    wait_until_held(&out);
    let second = ifss_within(
        &dir.0,
        &["run", "--reps", "3", "--out", out_arg, "--quiet"],
        Duration::from_secs(30),
    );
    first.kill().expect("kill");
    first.wait().expect("reaped");
    assert_eq!(second.code, Some(2), "{}", second.stderr);
    assert!(
        second
            .stderr
            .contains("being written by another ifss-sim run"),
        "{}",
        second.stderr
    );
    // the lock went with the killed run: the folder can be used again
    let third = ifss_in(&dir.0, &["run", "--reps", "3", "--out", out_arg, "--quiet"]);
    assert_eq!(third.code, Some(0), "{}", third.stderr);
    check_set(&out);
}

#[cfg(unix)]
#[test]
fn a_full_disk_while_writing_leaves_the_old_set_whole() {
    let (dir, out) = a_first_set("full");
    let out_arg = out.to_str().expect("utf-8 path");
    let before = snapshot(&out);
    // a file-size limit of 8 KiB fails the first large write as a full disk would
    // (SIGXFSZ ignored, so the write returns an error instead of killing the process)
    let o = Command::new("bash")
        .args([
            "-c",
            r#"trap '' XFSZ; ulimit -f 8; exec "$0" "$@""#,
            env!("CARGO_BIN_EXE_ifss-sim"),
            "run",
            "--reps",
            "3",
            "--seed",
            "9",
            "--out",
            out_arg,
            "--quiet",
        ])
        .current_dir(&dir.0)
        .output()
        .expect("bash runs");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("cannot write"), "{stderr}");
    assert_eq!(snapshot(&out), before, "the old set changed");
    check_set(&out);
}

#[test]
fn risks_over_a_runs_folder_is_refused_before_the_batch() {
    let dir = TempDir::new("risks-over-run");
    let out = dir.join("out");
    let out_arg = out.to_str().expect("utf-8 path");
    let r = ifss_in(
        &dir.0,
        &["compare", "--reps", "3", "--out", out_arg, "--quiet"],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let before = snapshot(&out);
    // a million replications would take minutes: the refusal must come before them
    let r = ifss_within(
        &dir.0,
        &["risks", "--reps", "1000000", "--out", out_arg, "--quiet"],
        Duration::from_secs(30),
    );
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("holds the outputs of a run or comparison"),
        "{}",
        r.stderr
    );
    assert_eq!(snapshot(&out), before);
}

#[test]
fn a_folder_another_program_wrote_loses_nothing() {
    let dir = TempDir::new("foreign");
    let out = dir.join("out");
    std::fs::create_dir_all(&out).expect("folder");
    let manifest = r#"{"files": ["precious.txt", "summary.json"]}"#;
    std::fs::write(out.join("manifest.json"), manifest).expect("write");
    std::fs::write(out.join("precious.txt"), b"keep").expect("write");
    let out_arg = out.to_str().expect("utf-8 path");
    let r = ifss_within(
        &dir.0,
        &["run", "--reps", "1000000", "--out", out_arg, "--quiet"],
        Duration::from_secs(30),
    );
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr.contains("was not written by ifss-sim"),
        "{}",
        r.stderr
    );
    assert_eq!(
        std::fs::read(out.join("precious.txt")).expect("kept"),
        b"keep"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("manifest.json")).expect("kept"),
        manifest
    );

    // an older manifest of ours listing a sub-folder: the folder is left alone
    std::fs::create_dir(out.join("sub")).expect("folder");
    std::fs::write(out.join("sub").join("x.csv"), b"keep").expect("write");
    std::fs::write(
        out.join("manifest.json"),
        r#"{"tool": "ifss-sim 0.1.0", "schema": 1, "files": ["sub", "../precious.txt"]}"#,
    )
    .expect("write");
    let r = ifss_in(&dir.0, &["run", "--reps", "3", "--out", out_arg, "--quiet"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(
        std::fs::read(out.join("sub").join("x.csv")).expect("kept"),
        b"keep"
    );
    assert_eq!(
        std::fs::read(out.join("precious.txt")).expect("kept"),
        b"keep"
    );
    check_set(&out);
}

#[cfg(unix)]
#[test]
fn a_symlink_planted_in_the_folder_is_refused_and_not_followed() {
    let dir = TempDir::new("planted");
    let out = dir.join("out");
    std::fs::create_dir_all(&out).expect("folder");
    let victim = dir.join("victim.txt");
    std::fs::write(&victim, b"precious").expect("write");
    std::os::unix::fs::symlink(&victim, out.join("summary.json")).expect("symlink");
    let out_arg = out.to_str().expect("utf-8 path");
    let r = ifss_in(&dir.0, &["run", "--reps", "3", "--out", out_arg, "--quiet"]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("a symlink"), "{}", r.stderr);
    assert_eq!(std::fs::read(&victim).expect("kept"), b"precious");
}

/// Ctrl-C stops the batch after its current replications: the command says so, exits
/// 130, leaves the previous set as it was and, unlike a kill, no staging folder.
#[cfg(unix)]
#[test]
fn ctrl_c_stops_cleanly_and_leaves_the_old_set() {
    let (dir, out) = a_first_set("ctrl-c");
    let out_arg = out.to_str().expect("utf-8 path");
    let before = snapshot(&out);
    let child = long_run(&dir.0, out_arg);
    wait_until_held(&out);
    std::thread::sleep(Duration::from_millis(300));
    let pid = i32::try_from(child.id()).expect("pid");
    // SAFETY: sends SIGINT to the child this test started
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
    let o = child.wait_with_output().expect("reaped");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("interrupted after"), "{stderr}");
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert_eq!(snapshot(&out), before);
    assert!(!has_staging(&out), "the staging folder was removed");
    check_set(&out);
}
