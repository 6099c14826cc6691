//! Headless Chromium, as a person's browser: load a page, dump its DOM, take a picture.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The `chromium` on PATH, if any.
fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join("chromium"))
        .find(|p| p.is_file())
}

/// Chromium is required under CI and optional elsewhere.
pub fn chromium_or_skip(test: &str) -> Option<PathBuf> {
    let found = chromium();
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "chromium is not on PATH but CI is set: .ci/run should have installed it"
        );
        eprintln!("note: {test}: chromium not on PATH, browser check skipped");
    }
    found
}

/// Run headless Chromium on `page` with `args`; returns (stdout, stderr).
pub fn browse(chromium: &Path, page: &Path, args: &[String]) -> (String, String) {
    let profile = page.with_file_name(format!(
        "chromium-profile-{}-{}",
        std::process::id(),
        args.len()
    ));
    let _ = std::fs::remove_dir_all(&profile);
    let url = format!("file://{}", page.display());
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(&url)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("chromium starts");
    let (mut out, mut err) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let read_out = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut out, &mut s).ok();
        s
    });
    let read_err = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut err, &mut s).ok();
        s
    });
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(status) = child.try_wait().expect("chromium wait") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within 120 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let (stdout, stderr) = (read_out.join().unwrap(), read_err.join().unwrap());
    let _ = std::fs::remove_dir_all(&profile);
    assert!(status.success(), "chromium failed: {status}\n{stderr}");
    (stdout, stderr)
}

/// Console errors and blocked requests in Chromium's log.
pub fn page_errors(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.contains("CONSOLE") || l.contains("Refused to") || l.contains("Uncaught"))
        .collect()
}

/// axe-core, as `scripts/test-tools.sh` installs it: required under CI, optional elsewhere.
pub fn axe_or_skip(test: &str) -> Option<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/browser/node_modules/axe-core/axe.min.js");
    match std::fs::read_to_string(&path) {
        Ok(js) => Some(js),
        Err(e) => {
            assert!(
                std::env::var_os("CI").is_none(),
                "{}: {e}; CI is set, so .ci/run should have run scripts/test-tools.sh",
                path.display()
            );
            eprintln!(
                "note: {test}: axe-core not installed (scripts/test-tools.sh), accessibility check skipped"
            );
            None
        }
    }
}

/// A copy of `page` beside it, named with `tag`, with `script` run at the end of the body:
/// the page's Content-Security-Policy (which forbids scripts) is taken out of the copy
/// only, so the report a person opens still runs none.
pub fn with_script(page: &Path, tag: &str, script: &str) -> PathBuf {
    let html = std::fs::read_to_string(page).expect("page");
    let start = html
        .find("<meta http-equiv=\"Content-Security-Policy\"")
        .expect("the page has a CSP");
    let end = start + html[start..].find('>').expect("meta closes") + 1;
    let body_end = html.rfind("</body>").expect("a body");
    let copy = format!(
        "{}{}<script>\n{script}\n</script>\n{}",
        &html[..start],
        &html[end..body_end],
        &html[body_end..]
    );
    let path = page.with_file_name(format!("{tag}.html"));
    std::fs::write(&path, copy).expect("copy written");
    path
}

/// The text of `<pre id="{id}">…</pre>` in a dumped DOM, its character references undone.
pub fn pre_text(dom: &str, id: &str) -> Option<String> {
    let open = format!("<pre id=\"{id}\">");
    let start = dom.find(&open)? + open.len();
    let end = start + dom[start..].find("</pre>")?;
    Some(
        dom[start..end]
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&"),
    )
}

/// Pages in a PDF Chromium printed: the page tree's root count (the largest `/Count`).
pub fn pdf_pages(pdf: &[u8]) -> usize {
    let mut most = 0;
    let mut rest = pdf;
    while let Some(i) = rest.windows(7).position(|w| w == b"/Count ") {
        rest = &rest[i + 7..];
        let digits: Vec<u8> = rest
            .iter()
            .copied()
            .take_while(u8::is_ascii_digit)
            .collect();
        if let Ok(n) = String::from_utf8_lossy(&digits).parse::<usize>() {
            most = most.max(n);
        }
    }
    most
}
