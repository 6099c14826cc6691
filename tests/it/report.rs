//! The board report as a person sees it: rendered from synthetic data with every kind of
//! picture, opened in headless Chromium, and checked for its headline and every figure.
//!
//! Chromium is optional on a developer's machine (the test says it skipped) but required
//! under CI (`CI` set), where `.ci/run` installs it.

mod browser;
mod sample;

use browser::{browse, chromium_or_skip, page_errors};
use ifss_sim::report::html::render;
use ifss_sim::report::write::{OutputDir, safe_folder_name};
use sample::{HEADLINE, sample_report};
use std::path::{Path, PathBuf};

/// A fresh folder under the test target directory, kept for a person to look at.
fn folder(tag: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(tag);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("test folder");
    dir
}

#[test]
fn the_sample_report_loads_in_a_browser_with_its_headline_and_every_picture() {
    let report = sample_report("Western Bay");
    let figures: usize = report.sections.iter().map(|s| s.figures.len()).sum();
    assert_eq!(
        figures, 8,
        "one figure per picture kind, fans and bars twice"
    );
    let html = render(&report);
    assert_eq!(html.matches("<svg").count(), figures);
    let out = OutputDir::prepare(&folder("report-sample")).expect("output folder");
    let page = out.write("report.html", html.as_bytes()).expect("written");

    let Some(chromium) = chromium_or_skip("sample report") else {
        return;
    };
    let (dom, log) = browse(&chromium, &page, &["--dump-dom".into()]);
    assert!(dom.contains("</html>"), "no DOM dumped:\n{log}");
    assert_eq!(
        page_errors(&log),
        Vec::<&str>::new(),
        "the page logged errors"
    );
    assert_eq!(
        dom.matches("<svg").count(),
        figures,
        "every picture in the DOM"
    );
    for n in 1..=figures {
        assert!(dom.contains(&format!("id=\"figure-{n}\"")), "figure {n}");
    }
    assert!(dom.contains(HEADLINE));
    assert!(dom.contains("The headline answer"));
    assert!(dom.contains("Will the service stay within its £850,000 allocation each year?"));

    let shot = page.with_file_name("report.png");
    browse(
        &chromium,
        &page,
        &[
            format!("--screenshot={}", shot.display()),
            "--window-size=1280,2400".into(),
            "--hide-scrollbars".into(),
        ],
    );
    let png = std::fs::read(&shot).expect("screenshot written");
    assert!(
        png.len() > 10_000 && png.starts_with(b"\x89PNG"),
        "screenshot is a PNG"
    );
    eprintln!(
        "report and screenshot: {}",
        page.parent().unwrap().display()
    );
}

#[test]
fn a_scenario_name_with_markup_and_path_characters_is_shown_literally_and_stays_inside() {
    let name = r#"../../<script>alert(1)</script> & "x" /etc\passwd"#;
    let root = folder("report-hostile");
    let dir = root.join(safe_folder_name(name));
    let out = OutputDir::prepare(&dir).expect("output folder");
    let html = render(&sample_report(name));
    assert!(!html.contains("<script"));
    let page = out.write("report.html", html.as_bytes()).expect("written");

    // exactly one folder under the root, holding exactly the report
    let entries: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(entries, vec![dir.clone()]);
    assert!(dir.starts_with(&root) && page.parent() == Some(dir.as_path()));
    let files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(files, vec![std::ffi::OsString::from("report.html")]);

    let Some(chromium) = chromium_or_skip("hostile scenario name") else {
        return;
    };
    let (dom, log) = browse(&chromium, &page, &["--dump-dom".into()]);
    assert_eq!(
        page_errors(&log),
        Vec::<&str>::new(),
        "the page logged errors"
    );
    assert!(!dom.contains("<script"), "a script element reached the DOM");
    // the serialised DOM escapes text, so the name appears as escaped text
    assert!(dom.contains(
        r#"../../&lt;script&gt;alert(1)&lt;/script&gt; &amp; "x" /etc\passwd: how should the team be deployed?"#
    ));
}
