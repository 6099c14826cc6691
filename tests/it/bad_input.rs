//! Bad input, as a user would give it: each is refused with a non-zero exit code, without
//! a panic, and with a message that names the file and the field (or says why there is
//! no field to name).

use super::support::{TempDir, ifss_in, text};

/// The Western Bay scenario with `from` replaced by `to` (which must occur).
fn western_bay_with(from: &str, to: &str) -> String {
    let t = text("western-bay");
    assert!(t.contains(from), "{from:?} is not in the scenario");
    t.replacen(from, to, 1)
}

/// `check` and `run` on a file with these bytes: exit 2, no panic, and every fragment in
/// the message.
fn refused(bytes: &[u8], fragments: &[&str]) {
    let dir = TempDir::new("bad-input");
    std::fs::write(dir.join("bad.toml"), bytes).expect("write the file");
    for args in [
        vec!["check", "bad.toml"],
        vec!["run", "bad.toml", "--reps", "2", "--no-output"],
    ] {
        let r = ifss_in(&dir.0, &args);
        assert_eq!(r.code, Some(2), "{args:?}: {}", r.stderr);
        assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
        assert!(r.stderr.contains("bad.toml"), "{args:?}: {}", r.stderr);
        for f in fragments {
            assert!(r.stderr.contains(f), "{args:?}: no {f:?} in:\n{}", r.stderr);
        }
    }
}

#[test]
fn malformed_toml_is_located() {
    refused(b"name = \"x\"\n[pathway\n", &["bad.toml:2:"]);
    refused(b"name = \"x\n", &["bad.toml:1:"]);
    refused(
        western_bay_with("name = \"Swansea\"", "name = \"Swan\\qsea\"").as_bytes(),
        &["escape"],
    );
}

#[test]
fn duplicate_keys_are_refused() {
    refused(
        western_bay_with(
            "advice_only = 0.19",
            "advice_only = 0.19\nadvice_only = 0.2",
        )
        .as_bytes(),
        &["duplicate key", "advice_only"],
    );
}

#[test]
fn wrong_types_name_the_field() {
    refused(
        western_bay_with("referrals_per_year = 110", "referrals_per_year = \"lots\"").as_bytes(),
        &[
            "bad.toml:27:",
            "authorities[0].referrals_per_year",
            "a number, or a distribution",
        ],
    );
    refused(
        western_bay_with("count = 4", "count = 4.5").as_bytes(),
        &["staff[1].count", "invalid type", "expected a whole number"],
    );
    refused(
        western_bay_with("advice_only = 0.19", "advice_only = true").as_bytes(),
        &["pathway.advice_only", "invalid type", "expected a number"],
    );
    // in the author's terms, not Rust's
    refused(
        western_bay_with(
            "duration = { dist = \"uniform\", min = 28, max = 42 }",
            "duration = 35",
        )
        .as_bytes(),
        &["pathway.phase1.duration", "expected a distribution table"],
    );
}

#[test]
fn unknown_fields_are_named() {
    refused(
        western_bay_with("referrals_per_year = 110", "arival_rate = 110").as_bytes(),
        &["authorities[0].arival_rate", "unknown field `arival_rate`"],
    );
    refused(
        western_bay_with("[policy]", "[policy]\ncolour = \"blue\"").as_bytes(),
        &["policy.colour", "unknown field `colour`"],
    );
}

#[test]
fn negative_nan_and_infinite_numbers_name_the_field() {
    refused(
        western_bay_with("advice_only = 0.19", "advice_only = -0.1").as_bytes(),
        &["pathway.advice_only", "got -0.1"],
    );
    refused(
        western_bay_with("not_eligible = 0.03", "not_eligible = nan").as_bytes(),
        &["pathway.not_eligible", "got NaN"],
    );
    refused(
        western_bay_with("referrals_per_year = 110", "referrals_per_year = inf").as_bytes(),
        &["authorities[0].referrals_per_year", "got inf"],
    );
    refused(
        western_bay_with("hours_per_week = 6 ", "hours_per_week = -inf ").as_bytes(),
        &["pathway.phase1.hours_per_week"],
    );
    refused(
        western_bay_with("count = 4", "count = -4").as_bytes(),
        &["staff[1].count", "got -4"],
    );
    refused(
        western_bay_with("horizon_days = 1095", "horizon_days = -1").as_bytes(),
        &["simulation.horizon_days"],
    );
    refused(
        western_bay_with(
            "duration = { dist = \"uniform\", min = 28, max = 42 }",
            "duration = { dist = \"uniform\", min = -28, max = 42 }",
        )
        .as_bytes(),
        &["pathway.phase1.duration", "min"],
    );
}

#[test]
fn mixes_not_summing_to_one_are_refused() {
    refused(
        western_bay_with("parenting = 0.20", "parenting = 0.30").as_bytes(),
        &["referrals.needs", "sum to 1"],
    );
    refused(
        western_bay_with("\"1\" = 0.35", "\"1\" = 0.3500001").as_bytes(),
        &["referrals.children", "sum to 1"],
    );
    refused(
        western_bay_with("advice_only = 0.19", "advice_only = 0.96").as_bytes(),
        &["pathway", "must not exceed 1"],
    );
}

#[test]
fn syntax_errors_name_the_table_they_sit_in() {
    refused(
        western_bay_with("seed = 20130601", "seed = 18446744073709551615").as_bytes(),
        &["simulation.seed", "at most 9223372036854775807"],
    );
    refused(
        western_bay_with(
            "post = \"Intervention Specialist\"",
            "post = \"Intervention Specialist",
        )
        .as_bytes(),
        &["staff[4].post"],
    );
}

#[test]
fn a_bad_distribution_is_reported_once() {
    let dir = TempDir::new("bad-dist");
    let text = western_bay_with(
        "sickness_duration = { dist = \"lognormal\", mean = 6, sd = 8 }",
        "sickness_duration = { dist = \"lognormal\", mean = 6, sd = -8 }",
    );
    std::fs::write(dir.join("bad.toml"), text).expect("write the file");
    let r = ifss_in(&dir.0, &["check", "bad.toml"]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr.contains("1 problem in this scenario"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("sd must be 0 or more"), "{}", r.stderr);
}

#[test]
fn unknown_and_duplicate_names_are_refused() {
    refused(
        western_bay_with("base = \"Neath Port Talbot\"", "base = \"Neath\"").as_bytes(),
        &["staff[2].base", "unknown authority \"Neath\""],
    );
    refused(
        western_bay_with("name = \"Bridgend\"", "name = \"Swansea\"").as_bytes(),
        &["authorities[2].name", "duplicate authority"],
    );
    // different names that measure names cannot tell apart are not called duplicates
    refused(
        western_bay_with("name = \"Bridgend\"", "name = \"日本\"")
            .replace("name = \"Neath Port Talbot\"", "name = \"中国\"")
            .as_bytes(),
        &["authorities[2].name", "the same authority in measure names"],
    );
    refused(
        western_bay_with(
            "{ from = \"Swansea\", to = \"Bridgend\", hours = 0.75 }",
            "{ from = \"Swansea\", to = \"Bridgend\", hours = 0.75 },\n  { from = \"Bridgend\", to = \"Swansea\", hours = 0.75 },\n  { from = \"Swansea\", to = \"Cardiff\", hours = 1 }",
        )
        .as_bytes(),
        &[
            "travel.routes[4].to",
            "unknown authority \"Cardiff\"",
            "travel.routes[3]",
            "duplicate route",
        ],
    );
    refused(
        western_bay_with("kind = \"proportional\"", "kind = \"shared\"").as_bytes(),
        &["policy.kind", "shared"],
    );
}

#[test]
fn empty_and_blank_files_are_refused() {
    refused(b"", &["empty"]);
    refused(b"  \n\t\n", &["empty"]);
    refused(b"# only a comment\n", &["missing field `name`"]);
}

#[test]
fn binary_garbage_is_refused() {
    let garbage: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    refused(&garbage, &["not a text file"]);
    refused(b"\0\0\0\0name = 1", &[]);
    refused("\u{feff}[[[]]]]\u{1F600}".as_bytes(), &[]);
}

#[test]
fn a_missing_file_is_named() {
    let dir = TempDir::new("missing");
    for args in [
        vec!["check", "no-such-file.toml"],
        vec!["run", "no-such-file.toml", "--no-output"],
    ] {
        let r = ifss_in(&dir.0, &args);
        assert_eq!(r.code, Some(2), "{}", r.stderr);
        assert!(!r.stderr.contains("panicked"));
        assert!(r.stderr.contains("no-such-file.toml"), "{}", r.stderr);
        assert!(r.stderr.contains("no such file"), "{}", r.stderr);
    }
}

#[test]
fn an_unwritable_output_folder_fails_before_the_batch() {
    let dir = TempDir::new("unwritable");
    std::fs::write(dir.join("a-file"), b"not a folder").unwrap();
    // a folder cannot be made under a regular file, even by root
    for out in ["a-file/out", "a-file"] {
        let r = ifss_in(&dir.0, &["run", "--reps", "2", "--out", out, "--quiet"]);
        assert_eq!(r.code, Some(1), "{out}: {}", r.stderr);
        assert!(!r.stderr.contains("panicked"));
        assert!(
            r.stderr.contains("cannot write to output folder") && r.stderr.contains(out),
            "{}",
            r.stderr
        );
        // refused before simulating: nothing was printed as a result
        assert!(r.stdout.is_empty(), "{}", r.stdout);
    }
    assert_eq!(std::fs::read(dir.join("a-file")).unwrap(), b"not a folder");
}

#[test]
fn bad_overrides_name_the_path() {
    let dir = TempDir::new("bad-set");
    for (set, fragment) in [
        ("pathway.advice_only=2", "pathway.advice_only"),
        ("staff[99].count=1", "staff[99]"),
        ("nothing.here=1", "nothing"),
        (
            "authorities[0].referrals_per_year=nan",
            "authorities[0].referrals_per_year",
        ),
        // malformed TOML values are refused, not taken as literal text
        ("name=\"unterminated", "is not a valid value"),
        ("name=\"bad \\q escape\"", "is not a valid value"),
        ("travel.routes[7].hours=1", "no entry `routes[7]`"),
    ] {
        let r = ifss_in(&dir.0, &["run", "--reps", "2", "--no-output", "--set", set]);
        assert_eq!(r.code, Some(2), "{set}: {}", r.stderr);
        assert!(!r.stderr.contains("panicked"));
        assert!(r.stderr.contains(fragment), "{set}: {}", r.stderr);
    }
}

/// A bad value given with `--set` is blamed on the `--set`, and problems elsewhere in
/// the file keep the line numbers the user sees in it.
#[test]
fn problems_from_overrides_name_the_override_and_lines_stay_true() {
    let dir = TempDir::new("set-lines");
    let r = ifss_in(
        &dir.0,
        &[
            "run",
            "--reps",
            "2",
            "--no-output",
            "--set",
            "authorities[Swansea].referrals_per_year=-5",
        ],
    );
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr.contains("authorities[0].referrals_per_year")
            && r.stderr
                .contains("the value comes from --set authorities[Swansea].referrals_per_year=-5"),
        "{}",
        r.stderr
    );

    // an unknown base further down the file, with an override above it
    let bad = western_bay_with("base = \"Bridgend\"", "base = \"Cardiff\"");
    let line = bad
        .lines()
        .position(|l| l.contains("\"Cardiff\""))
        .expect("the line")
        + 1;
    std::fs::write(dir.join("bad.toml"), &bad).expect("write");
    let r = ifss_in(
        &dir.0,
        &[
            "run",
            "bad.toml",
            "--reps",
            "2",
            "--no-output",
            "--set",
            "pathway.advice_only=0.1",
        ],
    );
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!("bad.toml:{line}:")) && !r.stderr.contains("--set"),
        "expected line {line}: {}",
        r.stderr
    );
}

/// Names that would give two measures one name (so a JSON reader would keep only one of
/// them) are refused where they are written.
#[test]
fn names_that_would_clash_in_measure_names_are_refused() {
    for reserved in ["Y1", "y12", "Median", "P90"] {
        let t = text("western-bay").replace("\"Bridgend\"", &format!("\"{reserved}\""));
        refused(
            t.as_bytes(),
            &["authorities[2].name", "year or a percentile", reserved],
        );
    }
    refused(
        western_bay_with("police = 0.10,", "police = 0.10, Police = 0.0,").as_bytes(),
        &["referrals.agencies.police", "same category"],
    );
    refused(
        western_bay_with("post = \"Business Support\"", "post = \"business support\"").as_bytes(),
        &["staff[8].post", "staff[7]", "business-support"],
    );
}

/// Control characters (an ANSI escape, a bell) in scenario text would reach the
/// terminal and the report; they are refused where they are written.
#[test]
fn control_characters_in_text_are_refused() {
    refused(
        western_bay_with("name = \"Swansea\"", "name = \"Swan\\u001b[31msea\"").as_bytes(),
        &["authorities[0].name", "U+001B"],
    );
    refused(
        western_bay_with("name = \"Bridgend\"", "name = \"Bridgend\\u0007\"").as_bytes(),
        &["authorities[2].name", "U+0007"],
    );
}

/// Direction overrides and other bidirectional controls are not `char::is_control`, but
/// they make a name display as another in reports and spreadsheets: refused the same way,
/// in values and in names written as keys.
#[test]
fn bidirectional_controls_in_text_are_refused() {
    refused(
        western_bay_with("name = \"Swansea\"", "name = \"Swan\\u202Esea\"").as_bytes(),
        &[
            "authorities[0].name",
            "bidirectional control character U+202E",
        ],
    );
    refused(
        western_bay_with("police = 0.10", "\"pol\\u2066ice\" = 0.10").as_bytes(),
        &[
            "referrals.agencies",
            "a key contains the bidirectional control character U+2066",
        ],
    );
}

/// A control byte where the parser expects none (in a comment) is named, where the
/// parser's own message is empty.
#[test]
fn a_control_byte_in_a_comment_is_named() {
    refused(
        western_bay_with("# Referring agencies", "# Referring \u{7} agencies").as_bytes(),
        &[
            "bad.toml:46:",
            "the control character U+0007 is not allowed here",
        ],
    );
}

/// Agency and need names end measure names too: a year or percentile name is refused,
/// as it is for an area.
#[test]
fn agency_and_need_names_that_read_as_suffixes_are_refused() {
    refused(
        western_bay_with("police = 0.10", "y1 = 0.10").as_bytes(),
        &["referrals.agencies.y1", "year or a percentile"],
    );
    refused(
        western_bay_with("parenting = 0.20", "p90 = 0.20").as_bytes(),
        &["referrals.needs.p90", "year or a percentile"],
    );
}

/// Posts are bounded in all, not only per entry: six entries of 1,000 are refused.
#[test]
fn too_many_posts_in_all_are_refused() {
    let entry = "\n[[staff]]\npost = \"Extra\"\ncount = 1000\nbase = \"Swansea\"\n";
    let t = text("western-bay").to_owned() + &entry.repeat(6);
    refused(t.as_bytes(), &["staff", "posts in all", "at most 5000"]);
}

/// Pay awards compounding over a long horizon would take the cost projection past any
/// real budget (and past what exact money holds): refused, with the year it happens.
#[test]
fn a_runaway_cost_projection_is_refused() {
    let t = text("western-bay")
        .replacen("pay_award = 0.01", "pay_award = 1", 1)
        .replacen("horizon_days = 1095", "horizon_days = 18250", 1);
    refused(
        t.as_bytes(),
        &[
            "costs.pay_award",
            "more than £1,000,000,000 in contract year 13",
        ],
    );
}
