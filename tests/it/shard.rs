//! `run --shard K/N` and `merge`: the parts of a run, run apart and merged, write what the
//! whole run writes, and a missing, repeated or foreign part is refused.

use super::support::{TempDir, ifss};
use std::path::Path;

const JOB: [&str; 6] = ["--reps", "21", "--seed", "5", "--no-report", "-q"];

fn run(out: &Path, extra: &[&str]) -> super::support::Ran {
    let mut args = vec!["run"];
    args.extend_from_slice(&JOB);
    args.extend_from_slice(extra);
    args.extend_from_slice(&["--out", out.to_str().unwrap()]);
    ifss(&args)
}

/// summary.json without the wall-clock figures, which no two runs share.
fn summary(dir: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(dir.join("summary.json")).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let engine = v["engine"].as_object_mut().unwrap();
    for timing in [
        "elapsed_seconds",
        "events_per_second",
        "replications_per_second",
    ] {
        engine.remove(timing).expect(timing);
    }
    v
}

fn merge(dirs: &[std::path::PathBuf], out: &Path) -> super::support::Ran {
    let mut args = vec!["merge".to_string()];
    args.extend(dirs.iter().map(|d| d.display().to_string()));
    args.extend(["--out".into(), out.display().to_string(), "-q".into()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    ifss(&args)
}

#[test]
fn shards_merged_write_what_the_whole_run_writes_for_one_two_and_seven_parts() {
    let dir = TempDir::new("shards");
    let whole = dir.0.join("whole");
    let o = run(&whole, &[]);
    assert!(o.success(), "{}", o.stderr);
    for n in [1u32, 2, 7] {
        let parts: Vec<_> = (1..=n)
            .map(|k| {
                let part = dir.0.join(format!("{n}-{k}"));
                let o = run(&part, &["--shard", &format!("{k}/{n}")]);
                assert!(o.success(), "{k}/{n}: {}", o.stderr);
                assert!(part.join("shard.json").is_file());
                part
            })
            .collect();
        // in any order
        let mut given = parts.clone();
        given.reverse();
        let merged = dir.0.join(format!("merged-{n}"));
        let o = merge(&given, &merged);
        assert!(o.success(), "{n}: {}", o.stderr);
        for file in ["replications.csv", "timeseries.csv"] {
            assert!(
                std::fs::read(merged.join(file)).unwrap()
                    == std::fs::read(whole.join(file)).unwrap(),
                "{file} differs for {n} shards"
            );
        }
        assert_eq!(summary(&merged), summary(&whole), "{n} shards");
        let manifest = std::fs::read_to_string(merged.join("manifest.json")).unwrap();
        assert!(manifest.contains("\"set\": \"run\""), "{manifest}");
    }
}

#[test]
fn a_missing_repeated_or_foreign_shard_is_refused_by_name() {
    let dir = TempDir::new("shards-bad");
    let part = |k: u32, n: u32, extra: &[&str]| {
        let p = dir.0.join(format!("{k}-of-{n}{}", extra.join("")));
        let mut args = vec!["--shard".to_string(), format!("{k}/{n}")];
        args.extend(extra.iter().map(|s| s.to_string()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = run(&p, &args);
        assert!(o.success(), "{}", o.stderr);
        p
    };
    let (a, b, c) = (part(1, 3, &[]), part(2, 3, &[]), part(3, 3, &[]));
    let out = dir.0.join("merged");
    let o = merge(&[a.clone(), c.clone()], &out);
    assert_eq!(o.code, Some(2), "{}", o.stderr);
    assert!(o.stderr.contains("missing: 2"), "{}", o.stderr);
    let o = merge(&[a.clone(), b.clone(), b.clone(), c.clone()], &out);
    assert_eq!(o.code, Some(2));
    assert!(
        o.stderr.contains("shard 2 of 3 is given twice"),
        "{}",
        o.stderr
    );
    let other = part(2, 3, &["--policy", "demand-led"]);
    let o = merge(&[a, other, c], &out);
    assert_eq!(o.code, Some(2));
    assert!(
        o.stderr.contains("shards of different jobs"),
        "{}",
        o.stderr
    );
    assert!(!out.exists(), "nothing is written on a refusal");
    // K/N itself is checked
    let o = run(&dir.0.join("x"), &["--shard", "4/3"]);
    assert_eq!(o.code, Some(2));
    assert!(o.stderr.contains("1 ≤ K ≤ N"), "{}", o.stderr);
    // a shard file edited to claim billions of parts or replications is refused before
    // anything is sized by it
    let good = part(1, 2, &[]);
    let text = std::fs::read_to_string(good.join("shard.json")).unwrap();
    for (field, from, to, says) in [
        (
            "parts",
            "\"shards\":2",
            "\"shards\":4000000000",
            "job.shards is 4000000000",
        ),
        ("shard", "\"shard\":1", "\"shard\":3", "shard is 3"),
        (
            "replications",
            "\"replications\":21",
            "\"replications\":99999999999",
            "job.replications is 99999999999",
        ),
    ] {
        assert!(text.contains(from), "{field}: {from} not in the shard");
        let edited = dir.0.join(format!("edited-{field}"));
        std::fs::create_dir_all(&edited).unwrap();
        std::fs::write(edited.join("shard.json"), text.replacen(from, to, 1)).unwrap();
        let o = merge(std::slice::from_ref(&edited), &dir.0.join("m"));
        assert_eq!(o.code, Some(2), "{field}: {}", o.stderr);
        assert!(o.stderr.contains(says), "{field}: {}", o.stderr);
        assert!(
            o.stderr.contains("edited-"),
            "the file is named: {}",
            o.stderr
        );
    }
    // more than a merge may read in all is refused before any is read (a sparse file)
    let huge = dir.0.join("huge");
    std::fs::create_dir_all(&huge).unwrap();
    std::fs::File::create(huge.join("shard.json"))
        .unwrap()
        .set_len(9 << 30)
        .unwrap();
    let o = merge(&[good, huge], &dir.0.join("m"));
    assert_eq!(o.code, Some(2), "{}", o.stderr);
    assert!(
        o.stderr.contains("more than one merge reads"),
        "{}",
        o.stderr
    );
}

#[test]
fn a_merged_run_writes_the_same_board_report_and_risk_register() {
    let dir = TempDir::new("shards-report");
    let job = ["run", "--reps", "12", "--seed", "8", "-q"];
    let with_out = |out: &Path, extra: &[&str]| {
        let mut args = job.to_vec();
        args.extend_from_slice(extra);
        args.extend_from_slice(&["--out", out.to_str().unwrap()]);
        let o = ifss(&args);
        assert!(o.success(), "{}", o.stderr);
    };
    let whole = dir.0.join("whole");
    with_out(&whole, &[]);
    let parts: Vec<_> = (1..=2)
        .map(|k| {
            let p = dir.0.join(format!("part-{k}"));
            with_out(&p, &["--shard", &format!("{k}/2")]);
            p
        })
        .collect();
    let merged = dir.0.join("merged");
    let o = merge(&parts, &merged);
    assert!(o.success(), "{}", o.stderr);
    assert!(
        std::fs::read(merged.join("risks.csv")).unwrap()
            == std::fs::read(whole.join("risks.csv")).unwrap()
    );
    // the report, but for when it ran and how long it took
    let page = |d: &Path| {
        std::fs::read_to_string(d.join("report.html"))
            .unwrap()
            .lines()
            .filter(|l| !l.starts_with("<dt>Run</dt>"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(page(&merged) == page(&whole), "the reports differ");
}

#[test]
fn a_sharded_comparison_merges_into_the_comparison_one_run_gives() {
    let dir = TempDir::new("shards-compare");
    for (tag, extra) in [
        ("policies", vec![]),
        ("variant", vec!["--variant", "npt+1: staff[5].count=3"]),
    ] {
        let go = |out: &Path, more: &[&str]| {
            let mut args = vec![
                "compare",
                "--reps",
                "14",
                "--seed",
                "3",
                "--no-report",
                "-q",
            ];
            args.extend_from_slice(&extra);
            args.extend_from_slice(more);
            args.extend_from_slice(&["--out", out.to_str().unwrap()]);
            let o = ifss(&args);
            assert!(o.success(), "{tag}: {}", o.stderr);
        };
        let whole = dir.0.join(format!("{tag}-whole"));
        go(&whole, &[]);
        let parts: Vec<_> = (1..=3)
            .map(|k| {
                let p = dir.0.join(format!("{tag}-{k}"));
                go(&p, &["--shard", &format!("{k}/3")]);
                p
            })
            .collect();
        let merged = dir.0.join(format!("{tag}-merged"));
        let o = merge(&parts, &merged);
        assert!(o.success(), "{tag}: {}", o.stderr);
        for file in ["replications.csv", "timeseries.csv", "comparison.csv"] {
            assert!(
                std::fs::read(merged.join(file)).unwrap()
                    == std::fs::read(whole.join(file)).unwrap(),
                "{tag}: {file} differs"
            );
        }
        let comparison = |d: &Path| {
            let mut v: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(d.join("summary.json")).unwrap())
                    .unwrap();
            for (_, s) in v["policies"].as_object_mut().unwrap() {
                s.as_object_mut().unwrap().remove("engine");
            }
            v
        };
        assert_eq!(comparison(&merged), comparison(&whole), "{tag}");
    }
}

/// Every file two output folders hold, byte for byte, but the manifest (which names the
/// command line) and, where a page states how long the work took, that line.
fn same_files(whole: &Path, merged: &Path, what: &str) {
    let names = |d: &Path| {
        let mut v: Vec<String> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| !n.starts_with('.'))
            .collect();
        v.sort();
        v
    };
    assert_eq!(names(merged), names(whole), "{what}: the files differ");
    for name in names(whole) {
        if name == "manifest.json" {
            continue;
        }
        let timed = |d: &Path| -> Vec<String> {
            std::fs::read_to_string(d.join(&name))
                .unwrap()
                .lines()
                .filter(|l| !l.contains(" batches of ") || !l.ends_with(" s)"))
                .map(String::from)
                .collect()
        };
        assert!(timed(merged) == timed(whole), "{what}: {name} differs");
    }
}

/// `command` with `args` whole, then in 1, 2 and 7 parts merged: the same files.
fn sharded_like_whole(tag: &str, args: &[&str]) {
    let dir = TempDir::new(tag);
    let go = |out: &Path, more: &[&str]| {
        let mut all = args.to_vec();
        all.extend_from_slice(more);
        all.extend_from_slice(&["-q", "--out", out.to_str().unwrap()]);
        let o = ifss(&all);
        assert!(o.success(), "{tag} {more:?}: {}", o.stderr);
    };
    let whole = dir.0.join("whole");
    go(&whole, &[]);
    for n in [1u32, 2, 7] {
        let parts: Vec<_> = (1..=n)
            .rev()
            .map(|k| {
                let p = dir.0.join(format!("{n}-{k}"));
                go(&p, &["--shard", &format!("{k}/{n}")]);
                p
            })
            .collect();
        let merged = dir.0.join(format!("merged-{n}"));
        let o = merge(&parts, &merged);
        assert!(o.success(), "{tag}, {n} shards: {}", o.stderr);
        same_files(&whole, &merged, &format!("{tag}, {n} shards"));
    }
}

#[test]
fn a_sharded_sweep_merges_into_the_sweep_one_run_gives() {
    sharded_like_whole(
        "shards-sweep",
        &[
            "sweep", "--preset", "capacity", "--reps", "9", "--seed", "2",
        ],
    );
}

#[test]
fn a_sharded_sensitivity_analysis_merges_into_the_one_one_run_gives() {
    sharded_like_whole(
        "shards-sensitivity",
        &[
            "sensitivity",
            "--reps",
            "8",
            "--seed",
            "6",
            "--global",
            "10",
        ],
    );
}

#[test]
fn a_sweep_part_is_refused_in_another_job_or_where_it_cannot_be_split() {
    let dir = TempDir::new("shards-sweep-bad");
    let part = |name: &str, args: &[&str]| {
        let p = dir.0.join(name);
        let mut all = vec![
            "sweep",
            "--over",
            "policy.share_after_days=0,30",
            "--reps",
            "6",
        ];
        all.extend_from_slice(args);
        all.extend_from_slice(&["-q", "--out", p.to_str().unwrap()]);
        (ifss(&all), p)
    };
    let (o, a) = part("a", &["--shard", "1/2"]);
    assert!(o.success(), "{}", o.stderr);
    let (o, b) = part("b", &["--shard", "2/2", "--policies", "pooled"]);
    assert!(o.success(), "{}", o.stderr);
    let o = merge(&[a.clone(), b], &dir.0.join("m"));
    assert_eq!(o.code, Some(2), "{}", o.stderr);
    assert!(
        o.stderr.contains("shards of different jobs"),
        "{}",
        o.stderr
    );
    assert!(o.stderr.contains("experiment settings"), "{}", o.stderr);
    let o = merge(&[a], &dir.0.join("m"));
    assert_eq!(o.code, Some(2));
    assert!(o.stderr.contains("missing: 2"), "{}", o.stderr);
    // a precision target decides each point's replications from all of them
    let (o, _) = part("p", &["--shard", "1/2", "--target-precision", "0.1"]);
    assert!(!o.success());
    assert!(o.stderr.contains("--target-precision"), "{}", o.stderr);
    // a global design too small for its inputs is refused
    let out = dir.0.join("g");
    let o = ifss(&[
        "sensitivity",
        "--reps",
        "400",
        "--global",
        "3",
        "--shard",
        "1/2",
        "-q",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.code, Some(2), "{}", o.stderr);
    assert!(o.stderr.contains("--global needs between"), "{}", o.stderr);
    assert!(!out.join("shard.json").exists());
}
