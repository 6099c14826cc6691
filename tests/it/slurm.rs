//! Sharding on a real scheduler: the job array and its merge submitted to the Slurm that
//! `.ci/run` starts on this machine (`scripts/slurm-local.sh`), and the merged run
//! compared with one run byte for byte.
//!
//! Optional on a developer's machine without Slurm (the test says it skipped), required
//! under CI (`CI` set).

use super::support::{TempDir, ifss};
use std::path::{Path, PathBuf};
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

/// Submit `args` in `parts` shards with the project's Slurm script; the job ids.
fn submit(out: &Path, parts: u32, args: &[&str]) -> String {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/slurm/run-sharded.sh");
    let submitted = Command::new("bash")
        .arg(&script)
        .args([&parts.to_string(), out.to_str().unwrap()])
        .args(args)
        .env("IFSS_SIM", env!("CARGO_BIN_EXE_ifss-sim"))
        .output()
        .expect("the submit script runs");
    assert!(
        submitted.status.success(),
        "sbatch failed: {}",
        String::from_utf8_lossy(&submitted.stderr)
    );
    String::from_utf8_lossy(&submitted.stdout)
        .trim()
        .to_string()
}

/// Wait (at most until `deadline`) for the merge of the job `ids` to write `out/merged`.
fn merged(out: &Path, ids: &str, deadline: Instant) -> PathBuf {
    let merged = out.join("merged");
    while !merged.join("manifest.json").is_file() {
        assert!(
            Instant::now() < deadline,
            "jobs {ids} did not finish in time; merge log: {}",
            std::fs::read_to_string(out.join("logs/merge.txt")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(500));
    }
    merged
}

/// The same command run whole on this machine, into `out`.
fn whole(out: &Path, args: &[&str]) -> PathBuf {
    let mut all = args.to_vec();
    all.extend_from_slice(&["-q", "--out", out.to_str().unwrap()]);
    let o = ifss(&all);
    assert!(o.success(), "{}", o.stderr);
    out.to_path_buf()
}

fn same(a: &Path, b: &Path, file: &str, ids: &str) {
    assert!(
        std::fs::read(a.join(file)).unwrap() == std::fs::read(b.join(file)).unwrap(),
        "{file} differs between the Slurm job {ids} and one run"
    );
}

#[test]
fn sharded_jobs_on_slurm_merge_into_what_one_machine_gives() {
    if !slurm_or_skip() {
        return;
    }
    let dir = TempDir::new("slurm");
    let run = ["run", "--reps", "21", "--seed", "5", "--no-report"];
    let sweep = [
        "sweep",
        "--over",
        "policy.share_after_days=0,30",
        "--reps",
        "6",
        "--seed",
        "5",
    ];
    // both jobs queued at once, as a planner's would be
    let run_ids = submit(&dir.0.join("run"), 3, &run);
    let sweep_ids = submit(&dir.0.join("sweep"), 2, &sweep);
    let deadline = Instant::now() + Duration::from_secs(240);
    let run_merged = merged(&dir.0.join("run"), &run_ids, deadline);
    let sweep_merged = merged(&dir.0.join("sweep"), &sweep_ids, deadline);

    let run_whole = whole(&dir.0.join("run-whole"), &run);
    for file in ["replications.csv", "timeseries.csv"] {
        same(&run_merged, &run_whole, file, &run_ids);
    }
    let kpis = |d: &Path| {
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(d.join("summary.json")).unwrap())
                .unwrap();
        v["kpis"].clone()
    };
    assert_eq!(kpis(&run_merged), kpis(&run_whole));

    let sweep_whole = whole(&dir.0.join("sweep-whole"), &sweep);
    for file in ["sweep.json", "sweep.csv", "sweep.html"] {
        same(&sweep_merged, &sweep_whole, file, &sweep_ids);
    }
}
