//! A running `ifss-sim serve`, a plain HTTP/1.1 client for it, and a headless Chromium
//! driven over the DevTools protocol, for tests that use the explorer as a person would.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The explorer, started on a free port and stopped when dropped.
pub struct Server {
    child: Child,
    pub port: u16,
}

impl Server {
    /// `ifss-sim serve --port 0` with `args`; waits for the address it prints.
    pub fn start(args: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ifss-sim"))
            .args(["serve", "--port", "0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("serve starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .expect("serve prints its address");
        let port = line
            .split("http://127.0.0.1:")
            .nth(1)
            .and_then(|r| r.split('/').next())
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no address in {line:?}"));
        Server { child, port }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// A request with the server's own Host and `headers`; (status, body).
    pub fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> (u16, String) {
        let host = format!("127.0.0.1:{}", self.port);
        let mut all = vec![("Host", host.as_str())];
        all.extend_from_slice(headers);
        raw(self.port, method, path, &all, body)
    }

    /// POST a JSON body.
    pub fn post(&self, path: &str, json: &str) -> (u16, String) {
        self.request(
            "POST",
            path,
            &[("Content-Type", "application/json")],
            json.as_bytes(),
        )
    }

    pub fn get(&self, path: &str) -> (u16, String) {
        self.request("GET", path, &[], b"")
    }

    /// The server's counts of answers started, finished and cancelled.
    pub fn stats(&self) -> serde_json::Value {
        serde_json::from_str(&self.get("/api/stats").1).expect("stats are JSON")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP/1.1 request with exactly `headers` (Host included by the caller).
pub fn raw(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).unwrap();
    let _ = s.write_all(body);
    // read to the end of the message: its length, the last chunk, or the connection's close
    let mut bytes = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        let text = String::from_utf8_lossy(&bytes);
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let head = head.to_ascii_lowercase();
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|n| n.trim().parse::<usize>().ok());
            if length.is_some_and(|n| body.len() >= n)
                || (head.contains("transfer-encoding: chunked") && body.ends_with("0\r\n\r\n"))
            {
                break;
            }
        }
        match s.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => bytes.extend_from_slice(&buf[..n]),
        }
    }
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("no status in {text:?}"));
    let body = text.split_once("\r\n\r\n").map_or(String::new(), |(h, b)| {
        if h.to_ascii_lowercase()
            .contains("transfer-encoding: chunked")
        {
            unchunk(b)
        } else {
            b.to_string()
        }
    });
    (status, body)
}

fn unchunk(mut b: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = b.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        b = rest[n..].trim_start_matches("\r\n");
    }
    out
}

/// The last `answer` event of a server-sent event stream, parsed.
pub fn last_answer(stream: &str) -> serde_json::Value {
    let data = stream
        .split("\n\n")
        .filter(|block| block.lines().any(|l| l == "event: answer"))
        .filter_map(|block| block.lines().find_map(|l| l.strip_prefix("data: ")))
        .last()
        .unwrap_or_else(|| panic!("no answer in {stream:.500}"));
    serde_json::from_str(data).expect("an answer is JSON")
}

/// Headless Chromium driven over the DevTools protocol: one page.
pub struct Browser {
    child: Child,
    socket: tungstenite::WebSocket<TcpStream>,
    next: u64,
    profile: std::path::PathBuf,
}

impl Browser {
    pub fn start(chromium: &Path, profile: std::path::PathBuf) -> Browser {
        let _ = std::fs::remove_dir_all(&profile);
        let mut child = Command::new(chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--remote-debugging-port=0",
                "--window-size=1300,900",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg("about:blank")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("chromium starts");
        let mut err = BufReader::new(child.stderr.take().unwrap());
        let mut port = None;
        let deadline = Instant::now() + Duration::from_secs(30);
        while port.is_none() && Instant::now() < deadline {
            let mut line = String::new();
            if err.read_line(&mut line).unwrap_or(0) == 0 {
                break;
            }
            port = line
                .split("ws://127.0.0.1:")
                .nth(1)
                .and_then(|r| r.split('/').next())
                .and_then(|p| p.parse::<u16>().ok());
        }
        let port = port.expect("chromium prints its DevTools address");
        // keep reading its log so it never blocks on a full pipe
        std::thread::spawn(move || std::io::copy(&mut err, &mut std::io::sink()));
        let (_, list) = raw(
            port,
            "GET",
            "/json/list",
            &[("Host", &format!("127.0.0.1:{port}"))],
            b"",
        );
        let targets: serde_json::Value = serde_json::from_str(&list).expect("targets");
        let ws = targets
            .as_array()
            .and_then(|t| t.iter().find(|t| t["type"] == "page"))
            .and_then(|t| t["webSocketDebuggerUrl"].as_str())
            .expect("a page target")
            .to_string();
        let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(120)))
            .unwrap();
        let (socket, _) = tungstenite::client(ws.as_str(), stream).expect("DevTools socket");
        Browser {
            child,
            socket,
            next: 1,
            profile,
        }
    }

    /// Send a DevTools command and wait for its result.
    pub fn call(&mut self, method: &str, params: serde_json::Value) -> serde_json::Value {
        let id = self.next;
        self.next += 1;
        let msg = serde_json::json!({ "id": id, "method": method, "params": params });
        self.socket
            .send(tungstenite::Message::text(msg.to_string()))
            .unwrap();
        loop {
            let m = self.socket.read().expect("DevTools reply");
            if let tungstenite::Message::Text(t) = m {
                let v: serde_json::Value = serde_json::from_str(t.as_str()).unwrap();
                if v["id"] == id {
                    assert!(v.get("error").is_none(), "{method}: {v}");
                    return v["result"].clone();
                }
            }
        }
    }

    /// Evaluate `expression` in the page (awaiting a promise), its value as JSON.
    pub fn eval(&mut self, expression: &str) -> serde_json::Value {
        let r = self.call(
            "Runtime.evaluate",
            serde_json::json!({ "expression": expression, "returnByValue": true, "awaitPromise": true }),
        );
        assert!(
            r.get("exceptionDetails").is_none(),
            "{expression:.200}: {r}"
        );
        r["result"]["value"].clone()
    }

    /// Type `value` into the lever for scenario field `path`, as a person would.
    pub fn set_lever(&mut self, path: &str, value: &str) {
        let id: String = path
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        self.eval(&format!(
            "{{ const f = document.getElementById('lever-{id}'); f.value = '{value}'; \
             f.dispatchEvent(new Event('input', {{ bubbles: true }})); }} true"
        ));
    }

    pub fn open(&mut self, url: &str) {
        self.call("Page.enable", serde_json::json!({}));
        self.call("Page.navigate", serde_json::json!({ "url": url }));
        self.wait_for(
            "document.readyState === 'complete'",
            Duration::from_secs(30),
        );
    }

    /// Wait until `condition` (a JavaScript expression) is true, polling.
    pub fn wait_for(&mut self, condition: &str, limit: Duration) {
        let deadline = Instant::now() + limit;
        loop {
            if self.eval(&format!("!!({condition})")) == serde_json::json!(true) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "not true within {limit:?}: {condition}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// Standard base64 decoded (what the DevTools protocol sends pictures in).
pub fn base64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for v in text.bytes().filter_map(value) {
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}
