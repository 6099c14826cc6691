//! The binary as a user runs it.

use super::support::ifss;

#[test]
fn run_json_has_the_documented_shape() {
    let o = ifss(&["run", "--reps", "4", "--seed", "9", "--json", "--no-output"]);
    let v = o.json();
    assert_eq!(v["scenario"], "western-bay");
    assert_eq!(v["policy"], "proportional");
    assert_eq!(v["replications"], 4);
    assert_eq!(v["seed"], 9);
    let w = &v["kpis"]["wait_to_first_meeting_days"];
    for key in ["mean", "sd", "p5", "p50", "p95"] {
        assert!(w[key].is_number(), "{key}: {w}");
    }
    let ci = w["ci95"].as_array().expect("ci95 array");
    assert_eq!(ci.len(), 2);
    assert!(ci[0].as_f64() <= w["mean"].as_f64() && w["mean"].as_f64() <= ci[1].as_f64());
    assert!(v["engine"]["events"].as_u64().unwrap() > 0);
    assert!(v["engine"]["elapsed_seconds"].is_number());
}

#[test]
fn run_prints_a_table_per_authority_under_both_policies() {
    for policy in ["proportional", "demand-led"] {
        let o = ifss(&["run", "--reps", "3", "--policy", policy, "--no-output"]);
        assert!(o.success(), "{}", o.stderr);
        let out = &o.stdout;
        for col in [
            "Region",
            "Swansea",
            "Neath Port Talbot",
            "Bridgend",
            "Wait to first meeting",
            policy,
        ] {
            assert!(out.contains(col), "missing {col:?} in:\n{out}");
        }
    }
}

#[test]
fn scenario_show_round_trips_through_check() {
    let dir = std::env::temp_dir().join(format!("ifss-roundtrip-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let list = ifss(&["scenario", "list"]);
    assert!(list.stdout.contains("western-bay"));
    for name in ["western-bay", "npt-high-need", "mmc", "ifss-lite"] {
        let shown = ifss(&["scenario", "show", name]);
        assert!(shown.success());
        let file = dir.join(format!("{name}.toml"));
        std::fs::write(&file, &shown.stdout).unwrap();
        let checked = ifss(&["check", file.to_str().unwrap()]);
        assert!(checked.success(), "{}", checked.stderr);
        assert!(checked.stdout.contains(": ok"));
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_scenarios_exit_2_with_file_line_and_field() {
    let dir = std::env::temp_dir().join(format!("ifss-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let text = ifss_sim::scenario::bundled("western-bay").unwrap().text;
    let bad = dir.join("bad.toml");
    std::fs::write(
        &bad,
        text.replace("advice_only = 0.19", "advice_only = 1.7"),
    )
    .unwrap();
    for cmd in [vec!["check"], vec!["run", "--no-output"]] {
        let mut args = cmd.clone();
        args.push(bad.to_str().unwrap());
        let o = ifss(&args);
        assert_eq!(o.code, Some(2), "{cmd:?}");
        let err = o.stderr;
        assert!(err.contains("bad.toml:"), "{err}");
        assert!(
            err.contains("pathway.advice_only: must be a probability between 0 and 1, got 1.7"),
            "{err}"
        );
        assert!(!err.contains("panicked"), "{err}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn unknown_scenarios_policies_and_flags_exit_2() {
    for args in [
        vec!["run", "no-such-scenario", "--no-output"],
        vec!["run", "--policy", "shared", "--no-output"],
        vec!["run", "--reps", "0", "--no-output"],
        vec!["run", "--threads", "0", "--no-output"],
        vec!["run", "--set", "nonsense", "--no-output"],
        vec!["compare", "--policies", "pooled", "--no-output"],
        vec!["frobnicate"],
    ] {
        let o = ifss(&args);
        assert_eq!(o.code, Some(2), "{args:?}: {}", o.stderr);
        assert!(!o.stderr.contains("panicked"));
    }
}

/// Options that would be ignored, or found wrong only after the batch, are refused at
/// once with a message that says why.
#[test]
fn options_that_cannot_apply_are_refused_before_the_batch() {
    let folder = std::env::temp_dir();
    let folder = folder.to_str().expect("utf-8 temp folder");
    for (args, says) in [
        (vec!["run", folder, "--no-output"], "a folder"),
        (
            vec!["run", "--max-reps", "10", "--no-output"],
            "--target-precision",
        ),
        (
            vec!["run", "--precision-measure", "waits", "--no-output"],
            "--target-precision",
        ),
        (
            vec!["run", "--out", "x", "--no-output"],
            "cannot be used with",
        ),
        (
            vec!["risks", "--verify", "--no-output"],
            "unexpected argument",
        ),
        (vec!["risks", "--no-report"], "unexpected argument"),
        (
            vec!["run", "--verify", "--no-report", "--reps", "1000000"],
            "cannot be used with",
        ),
        (
            vec!["compare", "--verify", "--no-output", "--reps", "1000000"],
            "cannot be used with",
        ),
        // found before a long batch, not after it
        (
            vec![
                "run",
                "--reps",
                "1000000",
                "--target-precision",
                "0.1",
                "--precision-measure",
                "nope",
                "--no-output",
            ],
            "no measure named \"nope\"",
        ),
        (
            vec![
                "run",
                "--reps",
                "1000000",
                "--target-precision",
                "0.1",
                "--max-reps",
                "10",
                "--no-output",
            ],
            "--max-reps must be between the starting --reps (1000000)",
        ),
    ] {
        let started = std::time::Instant::now();
        let o = ifss(&args);
        assert_eq!(o.code, Some(2), "{args:?}: {}", o.stderr);
        assert!(
            o.stderr.contains(says),
            "{args:?}: no {says:?} in {}",
            o.stderr
        );
        assert!(
            started.elapsed() < std::time::Duration::from_secs(60),
            "{args:?} ran the batch before refusing it"
        );
    }
}

#[test]
fn help_describes_every_command() {
    let o = ifss(&["--help"]);
    assert!(o.success());
    let out = &o.stdout;
    for cmd in ["run", "compare", "check", "scenario", "verify"] {
        assert!(out.contains(cmd), "{out}");
    }
}

#[test]
fn bench_reports_speed_in_both_event_counts() {
    let o = ifss(&["bench", "mmc", "--reps", "4", "--threads", "1", "--json"]);
    let v = o.json();
    assert_eq!(v["scenario"], "mmc");
    assert_eq!(v["replications"], 4);
    assert!(v["all_threads"].is_null(), "one thread asked for: {v}");
    let one = &v["one_thread"];
    let queue = one["events"].as_f64().unwrap();
    let counted = one["model_events"].as_f64().unwrap();
    // on M/M/5 each customer is one arrival and one service end taken off the queue
    // (plus weekly samples), but an arrival, a service start and a departure when
    // counted as the other libraries count
    let ratio = counted / queue;
    assert!((1.45..1.5).contains(&ratio), "ratio {ratio}: {v}");
    for key in [
        "seconds",
        "replications_per_second",
        "events_per_second",
        "model_events_per_second",
    ] {
        assert!(one[key].as_f64().is_some_and(|x| x > 0.0), "{key}: {v}");
    }

    // the text form carries the same figures
    let o = ifss(&["bench", "mmc", "--reps", "4", "--threads", "2"]);
    assert!(o.success(), "{}", o.stderr);
    let out = &o.stdout;
    for part in [
        "1 thread:",
        "arrivals + allocations + closures a second",
        "2 threads:",
        "speed-up",
        "peak memory",
    ] {
        assert!(out.contains(part), "missing {part:?} in:\n{out}");
    }
}

/// `--floor` times the bare loop of the same benchmark model beside the engine and gives
/// the ratio; on any other model it is refused before any work. `--scale` multiplies the
/// posts and the referrals together.
#[test]
fn bench_sets_the_engine_beside_the_bare_loop_and_scales_a_scenario() {
    let o = ifss(&[
        "bench",
        "ifss-lite",
        "--reps",
        "6",
        "--threads",
        "1",
        "--floor",
        "--json",
    ]);
    let v = o.json();
    let f = &v["floor"];
    assert_eq!(f["model"], "ifss-lite");
    assert_eq!(f["unit"], "replications");
    let (engine, bare) = (
        f["engine_per_second"].as_f64().unwrap(),
        f["bare_loop_per_second"].as_f64().unwrap(),
    );
    assert!(engine > 0.0 && bare > 0.0, "{f}");
    let ratio = f["ratio"].as_f64().unwrap();
    assert!((ratio - engine / bare).abs() <= 1e-12 * ratio, "{f}");
    let o = ifss(&["bench", "mmc", "--reps", "2", "--threads", "1", "--floor"]);
    assert!(
        o.stdout.contains("beside the bare loop of mmc"),
        "{}",
        o.stdout
    );

    for args in [
        &["bench", "western-bay", "--floor"][..],
        &[
            "bench",
            "mmc",
            "--floor",
            "--set",
            "simulation.horizon_days=100",
        ][..],
    ] {
        let o = ifss(args);
        assert_eq!(o.code, Some(2), "{args:?}: {}", o.stderr);
        assert!(o.stderr.contains("--floor:"), "{}", o.stderr);
        assert!(o.stdout.is_empty(), "refused before any work: {}", o.stdout);
    }

    let v = ifss(&[
        "bench",
        "--reps",
        "2",
        "--threads",
        "1",
        "--scale",
        "3",
        "--json",
    ])
    .json();
    assert_eq!(v["posts"], 60);
    let o = ifss(&["bench", "--scale", "0"]);
    assert_eq!(o.code, Some(2), "{}", o.stderr);
}

/// A validation case's printed command reruns its scenario from any folder, on the same
/// seed and replications, and gives the same mean wait.
#[test]
fn a_validation_case_reruns_from_its_printed_command() {
    use ifss_sim::verify;
    let case = verify::cases()
        .into_iter()
        .find(|c| c.name.starts_with("M/M/1, rho 0.5"))
        .expect("the first M/M/1 case");
    let result = verify::run_case(&case, 5, Some(2)).expect("runs");
    let seed = verify::case_seed(5, &case).to_string();
    let reps = result.replications.to_string();
    let sets: Vec<String> = case.sets.iter().map(|s| format!("--set={s}")).collect();
    let mut args = vec!["run", case.file];
    args.extend(sets.iter().map(String::as_str));
    args.extend(["--seed", &seed, "--reps", &reps, "--json", "--no-output"]);
    // a folder with no scenarios/ in it: the scenario is built in
    let dir = super::support::TempDir::new("rerun");
    let o = super::support::ifss_in(&dir.0, &args);
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    let wait = o.json()["kpis"]["wait_to_first_meeting_days"]["mean"]
        .as_f64()
        .expect("mean wait");
    let checked = result
        .checks
        .iter()
        .find(|c| c.label.starts_with("mean wait"))
        .expect("a mean wait check");
    assert_eq!(wait, checked.mean);
}

#[test]
fn compare_takes_variants_of_the_scenario_and_other_scenarios() {
    let o = ifss(&[
        "compare",
        "--reps",
        "6",
        "--seed",
        "5",
        "--json",
        "--no-output",
        "--variant",
        "npt+1: staff[5].count=3",
        "--variant",
        "high need: npt-high-need",
    ]);
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    let v = o.json();
    assert_eq!(v["baseline"], "base");
    let mut arms: Vec<&str> = v["policies"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    arms.sort_unstable();
    assert_eq!(arms, ["base", "high need", "npt+1"]);
    assert_eq!(v["policies"]["npt+1"]["policy"], "proportional");
    assert_eq!(v["policies"]["high need"]["scenario"], "npt-high-need");
    let d = &v["diff"]["npt+1"]["wait_to_first_meeting_days"];
    assert!(d["mean"].as_f64().unwrap() < 0.0, "{d}");
    // the same families: first referrals differ by nothing (re-referrals follow closures)
    let diff = |m: &str| v["diff"]["npt+1"][m]["mean"].as_f64().unwrap();
    assert_eq!(diff("referrals"), diff("rereferrals"));
}

#[test]
fn a_bad_variant_is_refused_naming_it() {
    for (spec, says) in [
        ("no label here", "expected 'LABEL: PATH=VALUE"),
        ("x: staff[99].count=3", "--variant x"),
        ("x: pathway.advice_only=7", "pathway.advice_only"),
        ("x: no-such-scenario", "no-such-scenario"),
        ("pooled: staff[5].count=3", "a policy's name"),
    ] {
        let o = ifss(&["compare", "--no-output", "--reps", "2", "--variant", spec]);
        assert_eq!(o.code, Some(2), "{spec}: {}", o.stderr);
        assert!(o.stderr.contains(says), "{spec}: {}", o.stderr);
        assert!(!o.stderr.contains("panicked"));
    }
}

#[test]
fn sweep_writes_its_table_pictures_and_page() {
    let dir = super::support::TempDir::new("sweep");
    let out = dir.0.join("out");
    let out_s = out.to_str().unwrap();
    let o = ifss(&[
        "sweep",
        "--over",
        "pathway.phase1.hours_per_week=4..6/3",
        "--policies",
        "proportional,demand-led",
        "--reps",
        "4",
        "--seed",
        "3",
        "--out",
        out_s,
        "-q",
    ]);
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    assert!(
        o.stdout.contains("pathway.phase1.hours_per_week"),
        "{}",
        o.stdout
    );
    for f in [
        "sweep.csv",
        "sweep.json",
        "sweep.html",
        "manifest.json",
        "wait-to-first-meeting-days.svg",
        "difference-wait-to-first-meeting-days.svg",
    ] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    let csv = std::fs::read_to_string(out.join("sweep.csv")).unwrap();
    let mut lines = csv.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("pathway.phase1.hours_per_week,policy,replications,measure,mean")
    );
    // 3 points × 2 policies × 7 measures
    assert_eq!(lines.count(), 42);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("sweep.json")).unwrap()).unwrap();
    assert_eq!(
        json["axes"][0]["values"],
        serde_json::json!(["4", "5", "6"])
    );
    assert_eq!(json["cells"].as_array().unwrap().len(), 6);
    // more hours a family means longer waits, on the same families
    let wait = |i: usize| json["cells"][i]["stats"][0]["mean"].as_f64().unwrap();
    assert!(wait(0) < wait(4), "{} then {}", wait(0), wait(4));
}

#[test]
fn a_bad_sweep_is_refused_before_any_work() {
    for (args, says) in [
        (vec!["sweep", "--no-output"], "give one or two inputs"),
        (
            vec!["sweep", "--over", "x=1..2", "--no-output"],
            "PATH=LO..HI/STEPS",
        ),
        (
            vec!["sweep", "--over", "staff[1].count=1,2000", "--no-output"],
            "at staff[1].count=2000",
        ),
        (
            vec![
                "sweep",
                "--over",
                "simulation.referral_scale=0.1..2/100",
                "--over",
                "pathway.phase1.hours_per_week=1..9/9",
                "--no-output",
            ],
            "at most 200",
        ),
        (
            vec![
                "sweep",
                "--preset",
                "capacity",
                "--over",
                "x=1,2",
                "--no-output",
            ],
            "cannot be used with",
        ),
    ] {
        let o = ifss(&args);
        assert_eq!(o.code, Some(2), "{args:?}: {}", o.stderr);
        assert!(o.stderr.contains(says), "{args:?}: {}", o.stderr);
        assert!(!o.stderr.contains("panicked"));
    }
}

#[test]
fn compare_with_sensitivity_adds_what_the_answer_depends_on_to_the_report() {
    let dir = super::support::TempDir::new("depends");
    let out = dir.0.join("out");
    let o = ifss(&[
        "compare",
        "--sensitivity",
        "--reps",
        "3",
        "--seed",
        "4",
        "--out",
        out.to_str().unwrap(),
        "-q",
    ]);
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("What the answer depends on"));
    assert!(html.contains("How many referrals can the team take"));
    assert!(html.contains("each input across its plausible range"));
    assert!(html.contains("The sharing threshold."));
    assert!(out.join("what-the-answer-depends-on-1.svg").is_file());
    // without the flag the section is not there
    let o = ifss(&[
        "compare",
        "--reps",
        "3",
        "--seed",
        "4",
        "--out",
        out.to_str().unwrap(),
        "-q",
    ]);
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(!html.contains("What the answer depends on</h2>"));
    assert!(html.contains("Not assessed for this report"));
}

#[test]
fn the_capacity_preset_reads_the_same_whatever_scale_the_scenario_starts_at() {
    // the preset sets the referral scale itself, so a scenario already scaled up must give
    // the same capacity in referrals a year
    let capacity = |sets: &[&str]| {
        let mut args = vec![
            "sweep", "--preset", "capacity", "--reps", "10", "--seed", "2",
        ];
        args.extend_from_slice(sets);
        args.extend(["--json", "--no-output"]);
        let o = ifss(&args);
        assert_eq!(o.code, Some(0), "{}", o.stderr);
        o.json()["capacity"][0]["referrals_per_year"].as_f64()
    };
    let plain = capacity(&[]);
    assert!(plain.is_some(), "no crossing found");
    assert_eq!(plain, capacity(&["--set", "simulation.referral_scale=2"]));
}

#[test]
fn optimise_writes_a_recommended_scenario_that_loads_and_changes_only_varied_fields() {
    let dir = super::support::TempDir::new("optimise");
    let out = dir.0.join("out");
    let o = ifss(&[
        "optimise",
        "--vary",
        "staff[2].count=1..3",
        "--vary",
        "staff[5].count=1..3",
        "--total",
        "staff[2].count+staff[5].count<=5",
        "--require",
        "cost.total<=3000000",
        "--reps",
        "5",
        "--max-reps",
        "15",
        "--out",
        out.to_str().unwrap(),
        "-q",
    ]);
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    assert!(o.stdout.contains("Leading configurations"), "{}", o.stdout);
    for f in [
        "optimise.csv",
        "optimise.json",
        "optimise.html",
        "front.svg",
        "manifest.json",
    ] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("optimise.json")).unwrap()).unwrap();
    // 3 × 3 values, 8 of them within the total (3 + 3 is not), the proposal (2, 2) among them
    let configurations = json["configurations"].as_array().unwrap();
    assert_eq!(configurations.len(), 8);
    assert_eq!(configurations[0]["values"], serde_json::json!(["2", "2"]));
    let csv = std::fs::read_to_string(out.join("optimise.csv")).unwrap();
    assert_eq!(csv.lines().count(), 9, "{csv}");
    {
        let c = json["chosen"].as_u64().expect("a configuration is chosen");
        let chosen = &configurations[c as usize]["values"];
        let text = std::fs::read_to_string(out.join("recommended.toml")).unwrap();
        let model = ifss_sim::scenario::load(&text, "recommended.toml").expect("it loads");
        let base = super::support::model("western-bay");
        let counts = |m: &ifss_sim::model::Model| m.posts().len();
        let want: i64 = chosen
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().parse::<i64>().unwrap() - 2)
            .sum();
        assert_eq!(counts(&model) as i64 - counts(&base) as i64, want);
        // every other line is the scenario's own
        let differing = text
            .lines()
            .zip(super::support::text("western-bay").lines())
            .filter(|(a, b)| a != b)
            .count();
        let changed = chosen
            .as_array()
            .unwrap()
            .iter()
            .filter(|v| v.as_str() != Some("2"))
            .count();
        assert_eq!(differing, changed, "{text}");
    }
}

#[test]
fn a_bad_search_is_refused_before_any_work() {
    for (args, says) in [
        (
            vec!["optimise", "--vary", "staff[1].colour=1..2"],
            "staff[1].colour",
        ),
        (
            vec![
                "optimise",
                "--vary",
                "staff[1].count=1..2",
                "--require",
                "no_such<=1",
            ],
            "no_such",
        ),
        (
            vec![
                "optimise",
                "--vary",
                "staff[1].count=1..2",
                "--total",
                "staff[9].count<=3",
            ],
            "staff[9].count",
        ),
        (vec!["optimise", "pioneer-2011"], "no [optimise] section"),
        (
            vec!["optimise", "--vary", "staff[1].count=1..2", "--reps", "2"],
            "at least 5",
        ),
    ] {
        let o = ifss(&[args.as_slice(), &["--no-output", "-q"]].concat());
        assert_eq!(o.code, Some(2), "{args:?}: {}", o.stderr);
        assert!(o.stderr.contains(says), "{args:?}: {}", o.stderr);
    }
}

#[test]
fn the_report_leads_with_a_recommendation_of_the_same_scenario_and_refuses_others() {
    let dir = super::support::TempDir::new("recommendation");
    let opt = dir.0.join("opt");
    let o = ifss(&[
        "optimise",
        "--vary",
        "staff[2].count=1..3",
        "--require",
        "cost.total<=3000000",
        "--reps",
        "5",
        "--max-reps",
        "10",
        "--out",
        opt.to_str().unwrap(),
        "-q",
    ]);
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    let file = opt.join("optimise.json");
    let report = dir.0.join("report");
    let o = ifss(&[
        "run",
        "--reps",
        "4",
        "--recommendation",
        file.to_str().unwrap(),
        "--out",
        report.to_str().unwrap(),
        "-q",
    ]);
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    let html = std::fs::read_to_string(report.join("report.html")).unwrap();
    let headline = html
        .find("Recommended deployment: ")
        .expect("a recommendation");
    assert!(headline < html.find("Waiting for a first meeting</h2>").unwrap());
    // the summary page's decision is the recommendation
    let decision = html
        .split("<div class=\"decision\">\n<p>")
        .nth(1)
        .expect("a decision");
    assert!(
        decision.starts_with("Recommended deployment: "),
        "{decision:.200}"
    );
    assert!(report.join("recommended-deployment-1.svg").is_file());
    // another scenario's optimisation, or a file that is not one, is refused by name
    let bad = dir.0.join("bad.json");
    std::fs::write(&bad, "{\"scenario\": \"western-bay\",\n \"oops\": 1}").unwrap();
    for (scenario, path, says) in [
        ("pioneer-2011", &file, "not of \"pioneer-2011\""),
        ("western-bay", &bad, "line 2"),
    ] {
        let o = ifss(&[
            "run",
            scenario,
            "--reps",
            "2",
            "--recommendation",
            path.to_str().unwrap(),
            "--out",
            dir.0.join("refused").to_str().unwrap(),
            "-q",
        ]);
        assert_eq!(o.code, Some(2), "{}", o.stderr);
        assert!(o.stderr.contains(says), "{}", o.stderr);
        assert!(!dir.0.join("refused").exists(), "nothing is written");
    }
}
