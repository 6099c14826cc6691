//! The board explorer (`ifss-sim serve`) as its users meet it: over HTTP, in a real
//! headless Chromium, and under many clients at once.

mod client;

use super::report::browser::{axe_or_skip, chromium_or_skip};
use client::{Browser, Server, last_answer, raw};
use std::io::{Read, Write};
use std::time::{Duration, Instant};

/// `ifss-sim compare` of the default against the what-if `sets`, as JSON.
fn compare(sets: &str, reps: u64) -> serde_json::Value {
    let o = super::support::ifss(&[
        "compare",
        "--variant",
        &format!("what-if: {sets}"),
        "--reps",
        &reps.to_string(),
        "--json",
        "--no-output",
        "-q",
    ]);
    assert!(o.success(), "{}", o.stderr);
    serde_json::from_str(&o.stdout).expect("compare --json")
}

#[test]
fn foreign_hosts_and_origins_big_bodies_bad_json_and_bad_values_get_clear_refusals() {
    let s = Server::start(&["-n", "20"]);
    let evil = format!("evil.example:{}", s.port);
    let (status, body) = raw(s.port, "GET", "/", &[("Host", &evil)], b"");
    assert_eq!(status, 421, "{body}");
    assert!(body.contains("this server answers to 127.0.0.1:"), "{body}");
    let (status, body) = s.request(
        "POST",
        "/api/answer",
        &[
            ("Origin", "http://evil.example"),
            ("Content-Type", "application/json"),
        ],
        b"{}",
    );
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("only this server's own page"), "{body}");
    let big = format!("{{\"settings\": {{\"x\": \"{}\"}}}}", "a".repeat(20_000));
    assert_eq!(s.post("/api/answer", &big).0, 413);
    let (status, body) = s.post("/api/answer", "{not json");
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("the request is not a what-if"), "{body}");
    for (json, field, says) in [
        (
            r#"{"settings": {"staff[5].count": -1}}"#,
            "staff[5].count",
            "a whole number from 0 to 30",
        ),
        (
            r#"{"settings": {"staff[5].count": 2.5}}"#,
            "staff[5].count",
            "a whole number",
        ),
        (
            r#"{"settings": {"simulation.horizon_days": 9}}"#,
            "simulation.horizon_days",
            "not a lever",
        ),
        (
            r#"{"settings": {"policy.kind": "magic"}}"#,
            "policy.kind",
            "one of proportional",
        ),
        (
            r#"{"replications": 1000000}"#,
            "replications",
            "from 20 to 2000",
        ),
    ] {
        let (status, body) = s.post("/api/answer", json);
        assert_eq!(status, 422, "{json}: {body}");
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        let p = &v["problems"][0];
        assert_eq!(p["field"], field, "{body}");
        assert!(p["message"].as_str().unwrap().contains(says), "{body}");
    }
    // a long query is refused before anything reads it
    let long = format!("/api/levers?{}", "a".repeat(3000));
    assert_eq!(s.get(&long).0, 414);
    // and after all that the server still answers, with its page and its levers
    let (status, page) = s.get("/");
    assert_eq!(status, 200);
    assert!(
        page.contains("<h1>What if? Western Bay IFSS"),
        "{page:.300}"
    );
    let (status, levers) = s.get("/api/levers");
    assert_eq!(status, 200);
    assert!(levers.contains("\"staff[5].count\""));
    assert_eq!(s.stats()["started"], 0, "no refused request started work");
}

#[test]
fn an_answer_streams_in_rounds_and_ends_equal_to_compare_on_the_same_seed() {
    let s = Server::start(&["-n", "40"]);
    let (status, stream) = s.post("/api/answer", r#"{"settings": {"staff[5].count": 3}}"#);
    assert_eq!(status, 200);
    assert!(stream.starts_with("event: queued"), "{stream:.100}");
    let rounds: Vec<u64> = stream
        .split("\n\n")
        .filter(|b| b.lines().any(|l| l == "event: answer"))
        .filter_map(|b| b.lines().find_map(|l| l.strip_prefix("data: ")))
        .map(|d| {
            serde_json::from_str::<serde_json::Value>(d).unwrap()["replications"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(rounds, [20, 40], "a first answer, then the settled one");
    let a = last_answer(&stream);
    assert_eq!(a["done"], true);
    let c = compare("staff[5].count=3", 40);
    let diff = &c["diff"]["what-if"];
    for card in a["cards"]
        .as_array()
        .unwrap()
        .iter()
        .chain(a["areas"].as_array().unwrap())
    {
        let name = match card["key"].as_str().unwrap() {
            "wait" => "wait_to_first_meeting_days".to_string(),
            "within" => "wait_within_target".into(),
            "starts" => "phase1_starts".into(),
            "over" => "over_budget.any".into(),
            "cost" => "cost.total".into(),
            _ => {
                let area = card["label"]
                    .as_str()
                    .unwrap()
                    .trim_start_matches("Mean wait, ");
                format!(
                    "wait_to_first_meeting_days.{}",
                    area.to_lowercase().replace(' ', "-")
                )
            }
        };
        // to the last bit: the same families, the same replications, the same statistics
        assert_eq!(card["diff"], diff[&name]["mean"], "{name}");
        assert_eq!(card["ci95"], diff[&name]["ci95"], "{name}");
        assert_eq!(
            card["base"], c["policies"]["base"]["kpis"][&name]["mean"],
            "{name}"
        );
    }
    assert!(
        a["cards"][0]["words"].as_str().unwrap().contains("shorter"),
        "{}",
        a["cards"][0]
    );
    assert_eq!(
        a["pictures"].as_array().unwrap().len(),
        2,
        "the waits and cost pictures"
    );
    assert!(
        a["pictures"][0]["svg"]
            .as_str()
            .unwrap()
            .starts_with("<svg")
    );
}

#[test]
fn downloads_give_the_scenario_and_the_report_of_the_settings() {
    let s = Server::start(&["-n", "20"]);
    let (status, toml) = s.post(
        "/api/scenario",
        r#"{"settings": {"staff[5].count": 3, "policy.kind": "demand-led"}}"#,
    );
    assert_eq!(status, 200);
    let m =
        ifss_sim::scenario::load(&toml, "what-if.toml").expect("the download is a valid scenario");
    assert_eq!(m.policy().kind().name(), "demand-led");
    let doc: toml::Value = toml::from_str(&toml).unwrap();
    assert_eq!(doc["staff"][5]["count"].as_integer(), Some(3));
    // direct-work capacity is a lever too
    let (status, toml2) = s.post(
        "/api/scenario",
        r#"{"settings": {"staff[1].direct_ratio": 0.9}}"#,
    );
    assert_eq!(status, 200);
    let doc2: toml::Value = toml::from_str(&toml2).unwrap();
    assert_eq!(doc2["staff"][1]["direct_ratio"].as_float(), Some(0.9));
    assert!(
        toml.contains("# [P §2.3]"),
        "the scenario's comments and sources are kept"
    );
    let (status, page) = s.post("/api/report", r#"{"settings": {"staff[5].count": 3}}"#);
    assert_eq!(status, 200);
    assert!(page.contains("Summary for the board"));
    assert!(page.contains("The risk register beside the simulation"));
    assert!(page.contains("what-if"));
}

#[test]
fn a_page_that_stops_listening_cancels_its_answer() {
    let s = Server::start(&["-n", "2000", "--threads", "1"]);
    let mut c = std::net::TcpStream::connect(("127.0.0.1", s.port)).unwrap();
    let body = r#"{"settings": {"staff[5].count": 3}}"#;
    write!(
        c,
        "POST /api/answer HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        s.port,
        body.len()
    )
    .unwrap();
    let mut seen = String::new();
    let mut buf = [0u8; 4096];
    while !seen.contains("event: answer") {
        let n = c.read(&mut buf).unwrap();
        assert!(n > 0, "closed before an answer");
        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    drop(c);
    let deadline = Instant::now() + Duration::from_secs(20);
    while s.stats()["cancelled"] != 1 {
        assert!(Instant::now() < deadline, "not cancelled: {}", s.stats());
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(s.stats()["finished"], 0);
}

#[test]
fn twenty_clients_changing_levers_fail_nothing_and_cancel_what_they_replace() {
    let seconds: u64 = std::env::var("IFSS_LOAD_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(8);
    let s = Server::start(&["-n", "400"]);
    let port = s.port;
    let until = Instant::now() + Duration::from_secs(seconds);
    let clients: Vec<_> = (0..20)
        .map(|k| {
            std::thread::spawn(move || {
                let (mut asked, mut failed) = (0u32, Vec::new());
                let mut i = k;
                while Instant::now() < until {
                    i += 7;
                    let body = format!(r#"{{"settings": {{"staff[{}].count": {}}}}}"#, 1 + i % 6, 1 + i % 5);
                    let mut c = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
                    c.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
                    write!(
                        c,
                        "POST /api/answer HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                        body.len()
                    )
                    .unwrap();
                    let mut head = [0u8; 12];
                    if c.read_exact(&mut head).is_err() || !head.starts_with(b"HTTP/1.1 200") {
                        failed.push(String::from_utf8_lossy(&head).into_owned());
                    }
                    asked += 1;
                    // now and then the person stops and reads the settled answer
                    if i % 10 == 0 {
                        let mut rest = Vec::new();
                        let _ = c.read_to_end(&mut rest);
                        if !String::from_utf8_lossy(&rest).contains("\"done\":true") {
                            failed.push("an answer read to its end did not settle".into());
                        }
                        continue;
                    }
                    // a person moving a lever: the next change comes before this answer settles
                    std::thread::sleep(Duration::from_millis(30 + (i % 5) as u64 * 20));
                }
                (asked, failed)
            })
        })
        .collect();
    let mut asked = 0u32;
    for c in clients {
        let (n, failed) = c.join().unwrap();
        assert!(failed.is_empty(), "failed requests: {failed:?}");
        asked += n;
    }
    // every answer started either finished or was cancelled, and nothing is left running
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let st = s.stats();
        let (started, finished, cancelled) = (
            st["started"].as_u64().unwrap(),
            st["finished"].as_u64().unwrap(),
            st["cancelled"].as_u64().unwrap(),
        );
        if started == finished + cancelled {
            assert!(cancelled > 0 && finished > 0, "{st}");
            let peak = peak_memory_mib(s.pid());
            eprintln!(
                "load: {asked} requests from 20 clients in {seconds} s; {started} answers started, {finished} finished, {cancelled} cancelled, {} given up before starting; peak memory {peak:.0} MiB",
                st["dropped"]
            );
            assert_eq!(
                u64::from(asked),
                started + st["dropped"].as_u64().unwrap(),
                "every request started or was given up: {st}"
            );
            assert!(peak < 1024.0, "peak memory {peak} MiB");
            break;
        }
        assert!(Instant::now() < deadline, "answers still running: {st}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The process's peak resident memory, MiB (Linux).
fn peak_memory_mib(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|k| k.parse::<f64>().ok())
        })
        .map_or(0.0, |kib| kib / 1024.0)
}

#[test]
fn the_explorer_page_answers_a_lever_as_compare_does_and_restores_from_its_address() {
    let Some(chromium) = chromium_or_skip("explorer page") else {
        return;
    };
    let s = Server::start(&["-n", "40"]);
    let profile = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("explorer-{}", std::process::id()));
    let mut b = Browser::start(&chromium, profile);
    b.open(&s.url("/"));
    b.wait_for(
        "document.body.dataset.answer === 'settled'",
        Duration::from_secs(60),
    );
    // one more intervention specialist in Neath Port Talbot
    let field = "document.getElementById('lever-staff-5--count')";
    assert_eq!(b.eval(&format!("{field}.value")), "2");
    b.set_lever("staff[5].count", "3");
    b.wait_for(
        "location.search.includes('count=3') && document.body.dataset.answer === 'settled'",
        Duration::from_secs(60),
    );
    let shown = |b: &mut Browser| {
        b.eval(
            "JSON.stringify([...document.querySelectorAll('.card')].map(c => [c.dataset.key, c.querySelector('.base').textContent, c.querySelector('.what-if').textContent]))",
        )
        .as_str()
        .unwrap()
        .to_string()
    };
    let cards: Vec<(String, String, String)> = serde_json::from_str(&shown(&mut b)).unwrap();
    let c = compare("staff[5].count=3", 40);
    let mean = |arm: &str, m: &str| c["policies"][arm]["kpis"][m]["mean"].as_f64().unwrap();
    let wait = cards.iter().find(|k| k.0 == "wait").expect("a wait card");
    assert_eq!(
        wait.1,
        format!("{:.1} days", mean("base", "wait_to_first_meeting_days"))
    );
    assert_eq!(
        wait.2,
        format!("{:.1} days", mean("what-if", "wait_to_first_meeting_days"))
    );
    let within = cards.iter().find(|k| k.0 == "within").unwrap();
    assert_eq!(
        within.2,
        format!("{:.1}%", 100.0 * mean("what-if", "wait_within_target"))
    );
    let starts = cards.iter().find(|k| k.0 == "starts").unwrap();
    assert_eq!(starts.2, format!("{:.1}", mean("what-if", "phase1_starts")));
    let timing = b.eval(
        "[document.body.dataset.firstSeconds, document.body.dataset.settledSeconds].join(' ')",
    );
    eprintln!("explorer: first answer and settled answer, seconds: {timing}");

    // the address restores the same settings and the same answer
    let address = b.eval("location.href").as_str().unwrap().to_string();
    assert!(address.contains("count=3"), "{address}");
    b.open(&address);
    b.wait_for(
        "document.body.dataset.answer === 'settled'",
        Duration::from_secs(60),
    );
    assert_eq!(b.eval(&format!("{field}.value")), "3");
    let again: Vec<(String, String, String)> = serde_json::from_str(&shown(&mut b)).unwrap();
    assert_eq!(again, cards);

    // a bad value gets a message beside its field, and the page keeps its last answer
    b.set_lever("staff[5].count", "-1");
    b.wait_for(
        "!document.getElementById('lever-staff-5--count-problem').hidden",
        Duration::from_secs(10),
    );
    let says = b.eval("document.getElementById('lever-staff-5--count-problem').textContent");
    assert_eq!(says, "Must be from 0 to 30.");
    assert_eq!(
        b.eval(&format!("{field}.getAttribute('aria-invalid')")),
        "true"
    );
    assert!(
        b.eval("document.querySelectorAll('.card').length")
            .as_u64()
            .unwrap()
            >= 3
    );

    assert_eq!(b.eval("document.body.dataset.answer"), "invalid");
    // the page passes the accessibility checker, pictures included
    b.set_lever("staff[5].count", "3");
    b.wait_for(
        "document.body.dataset.answer === 'settled' && document.querySelectorAll('figure').length === 2 && document.getElementById('lever-staff-5--count-problem').hidden",
        Duration::from_secs(60),
    );
    // the pictures name the two arms, not their policy twice
    let legend = b.eval("document.querySelector('figure svg').textContent");
    assert!(legend.as_str().unwrap().contains("what-if"), "{legend}");
    // a picture of the page, for a person to look at
    let shot = b.call(
        "Page.captureScreenshot",
        serde_json::json!({ "format": "png", "captureBeyondViewport": true, "clip": { "x": 0, "y": 0, "width": 1300, "height": 1500, "scale": 1 } }),
    );
    let png = client::base64(shot["data"].as_str().unwrap());
    assert!(png.starts_with(b"\x89PNG"), "a PNG");
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("explorer.png");
    std::fs::write(&path, png).unwrap();
    eprintln!("explorer screenshot: {}", path.display());
    if let Some(axe) = axe_or_skip("explorer accessibility") {
        b.eval(&format!("{axe}\n; true"));
        let violations = b.eval(
            "axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } }).then(r => r.violations.map(v => ({ id: v.id, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ')) })))",
        );
        assert_eq!(violations, serde_json::json!([]), "{violations:#}");
    }
}
