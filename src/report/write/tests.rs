use super::*;

/// A fresh folder under the system temp folder (removed at the start, not the end, so
/// a failing test leaves it to look at).
fn tempdir(tag: &str) -> PathBuf {
    let p = std::env::temp_dir().join(format!("ifss-write-{tag}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&p);
    p
}

/// Names in `dir`, hidden ones included, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Write a set of `files` into `dir` and commit it with a manifest of ours.
fn write_set(
    dir: &Path,
    kind: SetKind,
    files: &[(&str, &[u8])],
) -> Result<Vec<PathBuf>, WriteError> {
    let mut out = OutputDir::prepare(dir, kind)?;
    for (name, bytes) in files {
        out.stage(name, bytes)?;
    }
    out.commit(|records| ours(kind, records))
}

fn ours(kind: SetKind, records: &[FileRecord]) -> std::io::Result<Vec<u8>> {
    Ok(serde_json::to_vec(&serde_json::json!({
        "schema": 2, "tool": "ifss-sim test", "set": kind.name(), "files": records,
    }))?)
}

#[test]
fn a_set_replaces_the_old_one_and_leaves_no_temporaries() {
    let dir = tempdir("replace");
    write_set(
        &dir,
        SetKind::Run,
        &[("summary.json", b"first"), ("report.html", b"r")],
    )
    .unwrap();
    fs::write(dir.join("notes.txt"), b"the user's").unwrap();
    let written = write_set(&dir, SetKind::Run, &[("summary.json", b"second")]).unwrap();
    assert_eq!(written, vec![dir.join("summary.json"), dir.join(MANIFEST)]);
    assert_eq!(fs::read(dir.join("summary.json")).unwrap(), b"second");
    // the old set's report is gone, the user's file stays, no staging folder is left
    assert_eq!(names(&dir), [LOCK, MANIFEST, "notes.txt", "summary.json"]);
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.join(MANIFEST)).unwrap()).unwrap();
    // an independent ledger: the size and SHA-256 of "second" (sha256sum)
    assert_eq!(
        manifest["files"],
        serde_json::json!([{
            "name": "summary.json", "bytes": 6,
            "sha256": "16367aacb67a4a017c8da8ab95682ccb390863780f7114dda0a0e0c55644c7c4"
        }])
    );
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn names_that_leave_the_folder_or_are_not_the_sets_are_refused() {
    let dir = tempdir("names");
    let mut out = OutputDir::prepare(&dir, SetKind::Run).unwrap();
    for bad in [
        "../x.svg",
        "/etc/passwd",
        "a/b.svg",
        "..",
        ".",
        "",
        "a\\b.svg",
        "notes.txt",
        MANIFEST,
    ] {
        assert!(
            matches!(out.stage(bad, b"x"), Err(WriteError::Name { .. })),
            "{bad:?}"
        );
    }
    out.stage("a.svg", b"x").unwrap();
    assert!(matches!(
        out.stage("a.svg", b"y"),
        Err(WriteError::Name { .. })
    ));
    drop(out);
    let mut risks = OutputDir::prepare(&tempdir("names-risks"), SetKind::Risks).unwrap();
    assert!(matches!(
        risks.stage("report.html", b"x"),
        Err(WriteError::Name { .. })
    ));
    fs::remove_dir_all(&dir).unwrap();
}

#[cfg(unix)]
#[test]
fn a_symlink_in_the_folder_is_refused_and_its_target_untouched() {
    let dir = tempdir("symlink");
    fs::create_dir_all(&dir).unwrap();
    let victim = tempdir("symlink-victim");
    fs::write(&victim, b"precious").unwrap();
    for name in ["summary.json", MANIFEST, LOCK, "cost-1.svg"] {
        let _ = fs::remove_file(dir.join(name));
        std::os::unix::fs::symlink(&victim, dir.join(name)).unwrap();
        let e = write_set(&dir, SetKind::Run, &[("summary.json", b"new")]).unwrap_err();
        assert!(
            matches!(
                e,
                WriteError::NotAFile {
                    what: "a symlink",
                    ..
                }
            ),
            "{name}: {e}"
        );
        assert_eq!(fs::read(&victim).unwrap(), b"precious", "{name}");
        fs::remove_file(dir.join(name)).unwrap();
    }
    // a folder where a file goes is refused the same way
    fs::create_dir(dir.join("timeseries.csv")).unwrap();
    let e = write_set(&dir, SetKind::Run, &[("summary.json", b"new")]).unwrap_err();
    assert!(
        matches!(
            e,
            WriteError::NotAFile {
                what: "a folder",
                ..
            }
        ),
        "{e}"
    );
    fs::remove_dir_all(&dir).unwrap();
    fs::remove_file(&victim).unwrap();
}

#[test]
fn a_manifest_we_did_not_write_deletes_nothing() {
    let dir = tempdir("foreign");
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("report.html"), b"someone else's").unwrap();
    for manifest in [
        r#"{"files": ["report.html"]}"#,
        r#"{"tool": "other 1.0", "schema": 1, "files": ["report.html"]}"#,
        r#"{"tool": "ifss-sim 0.1.0", "schema": 99, "files": ["report.html"]}"#,
        "not json",
    ] {
        fs::write(dir.join(MANIFEST), manifest).unwrap();
        let e = write_set(&dir, SetKind::Run, &[("summary.json", b"new")]).unwrap_err();
        assert!(matches!(e, WriteError::Foreign { .. }), "{manifest}: {e}");
        assert!(e.is_refusal());
        assert_eq!(fs::read_to_string(dir.join(MANIFEST)).unwrap(), manifest);
        assert_eq!(
            fs::read(dir.join("report.html")).unwrap(),
            b"someone else's"
        );
    }
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_manifest_of_ours_deletes_only_plain_files_directly_inside() {
    let dir = tempdir("inside");
    let outside = tempdir("inside-outside");
    fs::create_dir_all(dir.join("sub")).unwrap();
    fs::write(&outside, b"keep").unwrap();
    fs::write(dir.join("sub").join("x.svg"), b"keep").unwrap();
    fs::write(dir.join("old.svg"), b"stale").unwrap();
    let escape = format!("../{}", outside.file_name().unwrap().to_str().unwrap());
    let manifest = serde_json::json!({
        "tool": "ifss-sim 0.1.0", "schema": 1,
        "files": ["old.svg", escape, "sub", "sub/x.svg", "/etc/hostname"],
    });
    fs::write(dir.join(MANIFEST), manifest.to_string()).unwrap();
    write_set(&dir, SetKind::Run, &[("summary.json", b"new")]).unwrap();
    assert!(
        !dir.join("old.svg").exists(),
        "the old set's picture is removed"
    );
    assert_eq!(fs::read(&outside).unwrap(), b"keep");
    assert_eq!(fs::read(dir.join("sub").join("x.svg")).unwrap(), b"keep");
    fs::remove_dir_all(&dir).unwrap();
    fs::remove_file(&outside).unwrap();
}

#[test]
fn files_no_manifest_of_ours_lists_are_not_overwritten() {
    let dir = tempdir("unvouched");
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("summary.json"), b"mine").unwrap();
    fs::write(dir.join("chart.svg"), b"mine").unwrap();
    let e = write_set(&dir, SetKind::Run, &[("summary.json", b"new")]).unwrap_err();
    match &e {
        WriteError::Unvouched { names, .. } => assert_eq!(names, &["chart.svg", "summary.json"]),
        other => panic!("{other}"),
    }
    assert!(e.to_string().contains("chart.svg, summary.json"), "{e}");
    assert_eq!(fs::read(dir.join("summary.json")).unwrap(), b"mine");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_set_of_another_kind_is_not_replaced() {
    let dir = tempdir("kinds");
    write_set(
        &dir,
        SetKind::Run,
        &[("summary.json", b"run"), ("risks.csv", b"r")],
    )
    .unwrap();
    let e = write_set(&dir, SetKind::Risks, &[("risks.csv", b"new")]).unwrap_err();
    assert!(matches!(e, WriteError::OtherSet { .. }), "{e}");
    assert_eq!(fs::read(dir.join("summary.json")).unwrap(), b"run");
    assert_eq!(fs::read(dir.join("risks.csv")).unwrap(), b"r");
    // a schema-1 manifest listing risks.csv alone was a risks set
    let old = tempdir("kinds-old");
    fs::create_dir_all(&old).unwrap();
    fs::write(old.join("risks.csv"), b"r").unwrap();
    fs::write(
        old.join(MANIFEST),
        r#"{"tool":"ifss-sim 0.1.0","schema":1,"files":["risks.csv"]}"#,
    )
    .unwrap();
    assert!(matches!(
        write_set(&old, SetKind::Run, &[("summary.json", b"x")]),
        Err(WriteError::OtherSet { .. })
    ));
    write_set(&old, SetKind::Risks, &[("risks.csv", b"new")]).unwrap();
    assert_eq!(fs::read(old.join("risks.csv")).unwrap(), b"new");
    fs::remove_dir_all(&dir).unwrap();
    fs::remove_dir_all(&old).unwrap();
}

#[test]
fn a_second_writer_is_refused_while_the_first_holds_the_folder() {
    let dir = tempdir("busy");
    let first = OutputDir::prepare(&dir, SetKind::Run).unwrap();
    let e = OutputDir::prepare(&dir, SetKind::Run).unwrap_err();
    assert!(matches!(e, WriteError::Busy { .. }), "{e}");
    drop(first);
    OutputDir::prepare(&dir, SetKind::Run).unwrap();
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_interrupted_set_leaves_the_old_one_whole_and_its_staging_is_cleared() {
    let dir = tempdir("interrupted");
    write_set(&dir, SetKind::Run, &[("summary.json", b"old")]).unwrap();
    let before = names(&dir);
    // staged but never committed, as when a run is killed or the disk fills
    let mut out = OutputDir::prepare(&dir, SetKind::Run).unwrap();
    out.stage("summary.json", b"new").unwrap();
    // as a kill would: the lock goes with the process, the staging folder stays
    let OutputDir { staging, _lock, .. } = out;
    let staging = staging.keep();
    drop(_lock);
    assert!(staging.exists());
    assert_eq!(fs::read(dir.join("summary.json")).unwrap(), b"old");
    // the next run clears what the interrupted one left
    let next = OutputDir::prepare(&dir, SetKind::Run).unwrap();
    assert!(!staging.exists());
    drop(next);
    assert_eq!(names(&dir), before);
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn folder_names_from_free_text_are_safe() {
    assert_eq!(safe_folder_name("../../etc"), "etc");
    assert_eq!(
        safe_folder_name("<script>alert(1)</script>"),
        "script-alert-1-script"
    );
    assert!(safe_folder_name("...").starts_with("unnamed-"));
    assert_eq!(safe_folder_name("Western Bay"), "western-bay");
    assert!(safe_folder_name(&"x".repeat(500)).len() <= 64);
    // names that lose more than case and punctuation keep apart
    let long = "western-bay-sensitivity-sweep-neath-port-talbot-referrals-uplift-of-10pct";
    let other = long.replace("10pct", "20pct");
    let (a, b) = (safe_folder_name(long), safe_folder_name(&other));
    assert_ne!(a, b);
    assert!(
        a.len() <= 64 && a.starts_with("western-bay-sensitivity-sweep"),
        "{a}"
    );
    assert_ne!(safe_folder_name("日本"), safe_folder_name("中国"));
    assert!(safe_folder_name("Ynys Môn").starts_with("ynys-m-n-"));
    for name in [long, "日本", "...", "Ynys Môn"] {
        let folder = safe_folder_name(name);
        assert!(
            folder
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "{folder}"
        );
    }
}
