//! The board report as a person sees it: rendered from synthetic data with every kind of
//! picture, opened in headless Chromium, and checked for its headline and every figure.
//!
//! Chromium is optional on a developer's machine (the test says it skipped) but required
//! under CI (`CI` set), where `.ci/run` installs it.

pub mod browser;
mod sample;

use super::support::ifss_in;
use browser::{
    axe_or_skip, browse, chromium_or_skip, page_errors, pdf_pages, pre_text, with_script,
};
use ifss_sim::report::html::render;
use ifss_sim::report::write::{OutputDir, SetKind, safe_folder_name};
use sample::{HEADLINE, sample_report};
use std::path::{Path, PathBuf};

/// A fresh folder under the test target directory, kept for a person to look at.
fn folder(tag: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(tag);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("test folder");
    dir
}

/// Write `html` as the report of a set in `dir`, as a run does; the page's path.
fn write_report(dir: &Path, html: &str) -> PathBuf {
    let mut out = OutputDir::prepare(dir, SetKind::Run).expect("output folder");
    out.stage("report.html", html.as_bytes()).expect("staged");
    let written = out
        .commit(|_| Ok(br#"{"schema": 2, "tool": "ifss-sim test", "files": []}"#.to_vec()))
        .expect("written");
    written[0].clone()
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
    let page = write_report(&folder("report-sample"), &html);

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
    let html = render(&sample_report(name));
    assert!(!html.contains("<script"));
    let page = write_report(&dir, &html);

    // exactly one folder under the root, holding exactly the report
    let entries: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(entries, vec![dir.clone()]);
    assert!(dir.starts_with(&root) && page.parent() == Some(dir.as_path()));
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    files.sort();
    assert_eq!(files, [".ifss-sim.lock", "manifest.json", "report.html"]);

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

/// The README's run command (`compare` on the bundled default) writes a report that opens
/// offline with its headline answer and every picture, and each picture as its own SVG.
/// With `--verify`, the terminal says how many checks passed and which cases the quick
/// list left out, the assurance section says the same, and the software, run and machine
/// appear once, in the page's footer.
#[test]
fn compare_verify_reports_the_checks_and_what_was_left_out() {
    use ifss_sim::verify::cases;
    let dir = folder("board-verify");
    let o = ifss_in(&dir, &["compare", "--reps", "10", "--verify", "--quiet"]);
    assert!(o.success(), "{}", o.stderr);
    let ran: Vec<_> = cases().into_iter().filter(|c| c.quick).collect();
    let left: Vec<_> = cases().into_iter().filter(|c| !c.quick).collect();
    assert!(
        !left.is_empty(),
        "the quick list leaves the heavy cases out"
    );
    let line = o
        .stderr
        .lines()
        .find(|l| l.starts_with("validation: "))
        .unwrap_or_else(|| panic!("no validation line in:\n{}", o.stderr));
    let html = std::fs::read_to_string(dir.join("output/western-bay/report.html")).unwrap();
    let checks = html
        .split("Validation")
        .find_map(|part| {
            part.split(" checks passed")
                .next()?
                .rsplit('>')
                .next()?
                .split(" of ")
                .nth(1)
        })
        .and_then(|n| n.trim().parse::<usize>().ok())
        .expect("the assurance section counts the checks");
    assert!(
        checks > ran.len(),
        "{checks} checks from {} cases",
        ran.len()
    );
    assert!(
        line.contains(&format!("{checks} of {checks} checks passed")),
        "{line}"
    );
    for case in &left {
        assert!(line.contains(case.name), "{line}");
        assert!(
            html.contains(case.name),
            "the report does not name {}",
            case.name
        );
    }
    assert_eq!(html.matches(">Software<").count(), 1, "one footer");
}

#[test]
fn compare_writes_a_board_report_with_every_picture() {
    let dir = folder("board-compare");
    let o = ifss_in(&dir, &["compare", "--reps", "30", "--quiet"]);
    assert!(o.success(), "{}", o.stderr);
    let out = dir.join("output/western-bay");
    let html = std::fs::read_to_string(out.join("report.html")).expect("report.html");
    // the key figures name the policy they are for
    let policy = ["proportional", "demand-led"]
        .into_iter()
        .find(|p| html.contains(&format!("Mean wait for a first meeting, {p}")))
        .expect("the mean wait card names its policy");
    let cost_card = html
        .split("Chance a year costs more than £850,000")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .expect("a cost card");
    assert_eq!(
        cost_card,
        format!(", {policy}"),
        "the cost card is for another policy than the wait card"
    );
    // the card reads the cost table as the risk register does: each year and the contract
    assert!(html.contains("the whole contract over £2,550,000 in "));
    assert!(html.contains("the mean number of families waiting over the last quarter"));
    // each policy compared is defined, with the scenario's own sharing threshold
    assert!(html.contains("Proportional: each authority&#39;s families are seen by staff based in that authority, oldest referral first, and those they have no room for by the posts that serve the whole region"));
    assert!(html.contains("Demand-led: staff see their own authority&#39;s families first, then the posts that serve the whole region, from the start; once a family has waited 14 days"));
    // the region-wide manager is named with its base
    assert!(html.contains("The Operational Manager (Bridgend) serves the whole region"));
    // cost: what the projection assumes, every policy's years, and the audit's effect
    assert!(html.contains("starting at the minimum salary points"));
    assert!(html.contains("Over budget, audited"));
    assert!(html.contains("The cost table reads two ways."));
    // every compared policy in the cost picture and the open-cases pictures, and each
    // picture's numbers under it
    assert!(html.contains("contract year, each policy side by side (box: middle half"));
    assert!(html.contains("How many families does each base hold open? (demand-led)"));
    assert!(html.contains("<summary>The numbers behind figure 1</summary>"));
    assert_eq!(
        html.matches("<details class=\"numbers\">").count(),
        html.matches("<figure").count(),
        "a picture without its numbers"
    );
    // the bands behind the verdicts, and the band each simulated impact falls in
    assert!(html.contains("likelihood Low 0% to 15%"));
    assert!(html.contains("Major 30 or more"));
    assert!(html.contains(": Minor (stated Major)") || html.contains(": Moderate (stated Major)"));
    // each authority's own difference, so a gain in one is not read as a gain in all
    assert!(html.contains("Mean wait, Neath Port Talbot"));
    assert!(html.contains("Seen within the target, Swansea"));
    // the comparison weighs cost and travel beside waits
    for row in [
        "Cost over the contract",
        "Cross-region travel",
        "Over budget in some year",
    ] {
        assert!(html.contains(row), "the comparison lacks {row:?}");
    }
    // every input row that spans lines is one row: no fragments of the travel routes
    assert!(
        !html.contains("travel.{"),
        "a multi-line value split into rows"
    );
    for text in [
        "how should the team be deployed?",
        "The headline answer",
        "Mean wait for a first meeting",
        "Cost against the budget",
        "The risk register beside the simulation",
        "Inputs and their sources",
        "Occupancy",
    ] {
        assert!(html.contains(text), "report lacks {text:?}");
    }
    // waits, 2 waiting-list fans + 2 open-case fans, utilisation and direct contact, the
    // comparison, cost, risks
    let svgs: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "svg"))
        .collect();
    assert_eq!(svgs.len(), 10, "{svgs:?}");
    assert_eq!(html.matches("<svg").count(), 10);
    let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(
        manifest.contains("report.html"),
        "the manifest lists the report"
    );

    let Some(chromium) = chromium_or_skip("board report") else {
        return;
    };
    let (dom, log) = browse(&chromium, &out.join("report.html"), &["--dump-dom".into()]);
    assert_eq!(
        dom.matches("<svg").count(),
        10,
        "every picture reaches the page"
    );
    assert!(dom.contains("Summary for the board"));
    assert!(page_errors(&log).is_empty(), "{:?}", page_errors(&log));
}

#[test]
fn a_single_policy_report_asks_its_own_question() {
    let dir = folder("board-run");
    let o = ifss_in(&dir, &["run", "--reps", "5", "--quiet"]);
    assert!(o.success(), "{}", o.stderr);
    let html =
        std::fs::read_to_string(dir.join("output/western-bay/report.html")).expect("report.html");
    assert!(html.contains("how does the team do under proportional allocation?"));
    for text in [
        "how should the team be deployed?",
        "per policy",
        "and policy",
        "a policy that loses fewer",
    ] {
        assert!(!html.contains(text), "a one-policy report says {text:?}");
    }
    // a key figure's detail is its interval, not the value again
    assert!(html.contains("<div class=\"kf-detail\">95% CI "));
    let values: Vec<&str> = html
        .split("<div class=\"kf-value\">")
        .skip(1)
        .filter_map(|v| v.split("</div><div class=\"kf-detail\">").next())
        .collect();
    let details: Vec<&str> = html.split("<div class=\"kf-detail\">").skip(1).collect();
    assert!(
        values.len() >= 2 && values.len() == details.len(),
        "key figures present"
    );
    for (v, d) in values.iter().zip(&details) {
        assert!(!d.starts_with(v), "value {v} repeated: {d:.60}");
    }
}

#[test]
fn no_report_skips_the_report_but_keeps_the_data() {
    let dir = folder("board-no-report");
    let o = ifss_in(&dir, &["run", "--reps", "5", "--quiet", "--no-report"]);
    assert!(o.success(), "{}", o.stderr);
    let out = dir.join("output/western-bay");
    assert!(out.join("summary.json").exists());
    assert!(!out.join("report.html").exists());
}

/// A copy of a bundled scenario writes to a folder named after its own file, so it never
/// replaces the outputs of the scenario it was copied from.
#[test]
fn a_scenario_file_writes_to_a_folder_named_after_the_file() {
    let dir = folder("board-own-folder");
    let text = ifss_sim::scenario::bundled("western-bay").unwrap().text;
    std::fs::write(dir.join("mine.toml"), text).unwrap();
    let o = ifss_in(
        &dir,
        &["run", "mine.toml", "--reps", "3", "--quiet", "--no-report"],
    );
    assert!(o.success(), "{}", o.stderr);
    assert!(dir.join("output/mine/summary.json").exists());
    assert!(!dir.join("output/western-bay").exists());
}

/// A scenario named with HTML and path characters, in a file named with them: the name
/// shows literally in the report, and every file lands inside one folder under output/.
#[test]
fn a_hostile_scenario_name_is_escaped_and_stays_inside_the_output_folder() {
    let dir = folder("board-hostile");
    let text = ifss_sim::scenario::bundled("western-bay")
        .unwrap()
        .text
        .replacen(
            "name = \"western-bay\"",
            "name = \"../../<script>alert(1)</script> & \\\"x\\\" /etc/passwd\"",
            1,
        );
    let file = "..<b> & x.toml";
    std::fs::write(dir.join(file), text).unwrap();
    let o = ifss_in(&dir, &["run", file, "--reps", "5", "--quiet"]);
    assert!(o.success(), "{}", o.stderr);
    // only output/ and the scenario file in the working folder; one folder inside output/
    let mut top: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    top.sort();
    assert_eq!(top, [file, "output"]);
    let inside: Vec<_> = std::fs::read_dir(dir.join("output"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(inside.len(), 1, "{inside:?}");
    assert!(inside[0].is_dir());
    let html = std::fs::read_to_string(inside[0].join("report.html")).unwrap();
    assert!(
        !html.contains("<script"),
        "scenario text reached the page unescaped"
    );
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;"));
}

/// The board report `compare` writes on the default, `reps` replications, in a fresh
/// folder named `tag`; the page's path.
fn board_page(tag: &str, extra: &[&str]) -> PathBuf {
    let dir = folder(tag);
    let mut args = vec!["compare", "--reps", "30", "--quiet"];
    args.extend_from_slice(extra);
    let o = ifss_in(&dir, &args);
    assert!(o.success(), "{}", o.stderr);
    dir.join("output/western-bay/report.html")
}

#[test]
fn the_summary_leads_the_screen_and_prints_on_page_one() {
    let page = board_page("board-summary", &[]);
    let html = std::fs::read_to_string(&page).unwrap();
    // the summary comes before the contents and the body, the decision first in it
    let summary = html.find("id=\"summary\"").expect("a summary");
    assert!(summary < html.find("class=\"toc\"").unwrap());
    assert!(html[summary..].contains("<div class=\"decision\">"));
    for part in [
        "The budget",
        "What the answer depends on most",
        "How sure we are",
    ] {
        assert!(html.contains(&format!("<h3>{part}</h3>")), "{part}");
    }
    // the inputs and the assurance are appendices
    assert!(html.contains("<span class=\"num\">Appendix A.</span> Inputs and their sources"));
    assert!(html.contains("<span class=\"num\">Appendix B.</span> Assurance"));

    let Some(chromium) = chromium_or_skip("board summary") else {
        return;
    };
    // on screen, at 1300 × 900: the decision and the key figures start within the window
    let measure = with_script(
        &page,
        "measure",
        r#"{
  const box = s => document.querySelector(s).getBoundingClientRect();
  const pre = document.createElement('pre');
  pre.id = 'measure';
  pre.textContent = JSON.stringify({ decision: Math.round(box('.decision p').bottom),
    cards: Math.round(box('.key-figures').top), width: window.innerWidth });
  document.body.appendChild(pre);
}"#,
    );
    let (dom, log) = browse(
        &chromium,
        &measure,
        &["--dump-dom".into(), "--window-size=1300,900".into()],
    );
    assert_eq!(page_errors(&log), Vec::<&str>::new(), "the script failed");
    let m: serde_json::Value =
        serde_json::from_str(&pre_text(&dom, "measure").unwrap_or_else(|| panic!("{log}")))
            .unwrap();
    assert_eq!(m["width"], 1300, "{m}");
    assert!(
        m["decision"].as_i64().unwrap() <= 900,
        "decision below the fold: {m}"
    );
    assert!(
        m["cards"].as_i64().unwrap() < 900,
        "key figures below the fold: {m}"
    );

    // printed on A4: the summary alone is one page, and the whole report starts its
    // body on page 2
    let pdf = page.with_file_name("report.pdf");
    let print = |from: &Path| {
        let _ = std::fs::remove_file(&pdf);
        browse(
            &chromium,
            from,
            &[
                format!("--print-to-pdf={}", pdf.display()),
                "--no-pdf-header-footer".into(),
            ],
        );
        pdf_pages(&std::fs::read(&pdf).expect("pdf printed"))
    };
    let alone = with_script(
        &page,
        "summary-alone",
        "for (const e of document.querySelectorAll('main > :not(#summary), footer')) e.remove();",
    );
    assert_eq!(print(&alone), 1, "the summary does not fit on one A4 page");
    let whole = print(&page);
    assert!(whole > 2, "{whole} pages");
    eprintln!("printed: {whole} A4 pages, {}", pdf.display());
}

#[test]
fn the_board_report_passes_the_accessibility_checker() {
    let page = board_page("board-axe", &["--verify"]);
    let Some(chromium) = chromium_or_skip("board accessibility") else {
        return;
    };
    let Some(axe) = axe_or_skip("board accessibility") else {
        return;
    };
    let checked = with_script(
        &page,
        "axe",
        &format!(
            r#"{axe}
axe.run(document, {{ runOnly: {{ type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] }} }})
  .then(r => {{
    const pre = document.createElement('pre');
    pre.id = 'axe';
    pre.textContent = JSON.stringify({{
      passes: r.passes.length,
      violations: r.violations.map(v => ({{ id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ': ' + n.failureSummary) }}))
    }});
    document.body.appendChild(pre);
  }});"#
        ),
    );
    let (dom, log) = browse(
        &chromium,
        &checked,
        &[
            "--dump-dom".into(),
            "--virtual-time-budget=60000".into(),
            "--window-size=1300,900".into(),
        ],
    );
    let text = pre_text(&dom, "axe").unwrap_or_else(|| panic!("axe did not report:\n{log}"));
    let r: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert!(
        r["passes"].as_u64().unwrap() > 10,
        "axe checked little: {r}"
    );
    assert_eq!(
        r["violations"],
        serde_json::json!([]),
        "WCAG 2.2 AA and best-practice violations:\n{}",
        serde_json::to_string_pretty(&r["violations"]).unwrap()
    );
}
