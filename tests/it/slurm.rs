//! Sharding on a real scheduler: the job array and its merge submitted to the Slurm that
//! `.ci/run` starts on this machine (`scripts/slurm-local.sh`), and the merged run
//! compared with one run byte for byte.
//!
//! Optional on a developer's machine without Slurm (the test says it skipped), required
//! under CI (`CI` set).

use super::support::{TempDir, ifss};
use std::process::Command;
use std::time::{Duration, Instant};

/// Whether a Slurm answers here (`sinfo` shows a node that takes jobs).
fn slurm_or_skip() -> bool {
    // sinfo retries for a minute when no controller answers: give it ten seconds
    let up = Command::new("sinfo")
        .args(["-h", "-o", "%t"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .is_ok_and(|mut child| {
            let deadline = Instant::now() + Duration::from_secs(10);
            loop {
                match child.try_wait() {
                    Ok(Some(status)) => {
                        let mut out = String::new();
                        if let Some(mut o) = child.stdout.take() {
                            let _ = std::io::Read::read_to_string(&mut o, &mut out);
                        }
                        break status.success() && !out.trim().is_empty();
                    }
                    Ok(None) if Instant::now() < deadline => {
                        std::thread::sleep(Duration::from_millis(100))
                    }
                    _ => {
                        let _ = child.kill();
                        let _ = child.wait();
                        break false;
                    }
                }
            }
        });
    if !up {
        assert!(
            std::env::var_os("CI").is_none(),
            "no Slurm answers (sinfo) but CI is set: .ci/run should have started one with scripts/slurm-local.sh"
        );
        eprintln!(
            "note: slurm: no scheduler here (scripts/slurm-local.sh starts one), test skipped"
        );
    }
    up
}

#[test]
fn a_sharded_run_on_slurm_merges_into_the_run_one_machine_gives() {
    if !slurm_or_skip() {
        return;
    }
    let dir = TempDir::new("slurm");
    let job = ["--reps", "21", "--seed", "5", "--no-report"];
    let script =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/slurm/run-sharded.sh");
    let out = dir.0.join("sharded");
    let submitted = Command::new("bash")
        .arg(&script)
        .args(["3", out.to_str().unwrap()])
        .args(job)
        .env("IFSS_SIM", env!("CARGO_BIN_EXE_ifss-sim"))
        .output()
        .expect("the submit script runs");
    assert!(
        submitted.status.success(),
        "sbatch failed: {}",
        String::from_utf8_lossy(&submitted.stderr)
    );
    let ids = String::from_utf8_lossy(&submitted.stdout)
        .trim()
        .to_string();
    let merged = out.join("merged");
    let deadline = Instant::now() + Duration::from_secs(240);
    while !merged.join("manifest.json").is_file() {
        assert!(
            Instant::now() < deadline,
            "jobs {ids} did not finish within 240 s; merge log: {}",
            std::fs::read_to_string(out.join("logs/merge.txt")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(500));
    }
    let whole = dir.0.join("whole");
    let mut args = vec!["run"];
    args.extend_from_slice(&job);
    args.extend_from_slice(&["-q", "--out", whole.to_str().unwrap()]);
    let o = ifss(&args);
    assert!(o.success(), "{}", o.stderr);
    for file in ["replications.csv", "timeseries.csv"] {
        assert!(
            std::fs::read(merged.join(file)).unwrap() == std::fs::read(whole.join(file)).unwrap(),
            "{file} differs between the Slurm job {ids} and one run"
        );
    }
    let kpis = |d: &std::path::Path| {
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(d.join("summary.json")).unwrap())
                .unwrap();
        v["kpis"].clone()
    };
    assert_eq!(kpis(&merged), kpis(&whole));
}
