//! `ifss-sim serve`: the board explorer. A local web server with one page whose levers
//! change the scenario; each change runs the what-if against the scenario's baseline on
//! common random numbers and streams the answer as rounds of replications finish.
//!
//! Everything the page needs is in the binary. The server answers only requests whose
//! `Host` (and `Origin`, when sent) name it, caps request size and the work one request
//! may start, runs at most as many answers at once as it has worker threads, and stops an
//! answer's batches as soon as its page stops listening (a newer setting replaced it).

mod answer;
mod levers;

use anyhow::{Context, Result};
use axum::extract::rejection::JsonRejection;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use clap::Args;
use ifss_sim::batch::Pool;
use ifss_sim::model::Model;
use ifss_sim::report::html;
use levers::{Lever, MAX_REPS, MIN_REPS, Problem};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::{Semaphore, mpsc};

/// Largest request body, bytes.
const MAX_BODY: usize = 16 * 1024;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Scenario: a TOML file or a bundled name [default: western-bay].
    scenario: Option<String>,
    /// Port to listen on (0 picks a free one and prints it).
    #[arg(long, default_value_t = 8750)]
    port: u16,
    /// Address to listen on. Anything but the loopback address lets other machines on
    /// the network drive the server: it prints a warning.
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
    listen: IpAddr,
    /// Replications of each answer [default: the scenario's, at most 2000].
    #[arg(long, short = 'n', value_name = "N")]
    reps: Option<u64>,
    /// Master seed [default: the scenario's `simulation.seed`].
    #[arg(long, value_name = "S")]
    seed: Option<u64>,
    /// Worker threads, and answers running at once [default: all cores].
    #[arg(long, value_name = "T", value_parser = clap::value_parser!(u16).range(1..=256))]
    threads: Option<u16>,
}

/// What every request shares.
struct Served {
    text: String,
    label: String,
    base: Model,
    levers: Vec<Lever>,
    seed: u64,
    reps: u64,
    pool: Pool,
    /// One permit per answer that may run at once.
    running: Semaphore,
    /// Host names (with port) the server answers to.
    hosts: Vec<String>,
    stats: Stats,
}

#[derive(Default)]
struct Stats {
    /// Answers that ran.
    started: AtomicU64,
    /// Of those, the ones that ran to the end.
    finished: AtomicU64,
    /// Of those, the ones stopped because their page stopped listening.
    cancelled: AtomicU64,
    /// Answers whose page went away before they started.
    dropped: AtomicU64,
}

const PAGE: &str = include_str!("page.html");
const SCRIPT: &str = include_str!("page.js");
const STYLE: &str = include_str!("page.css");

pub fn serve(a: ServeArgs) -> Result<()> {
    let loaded = super::scenarios::load(a.scenario.as_deref(), &[])?;
    let reps = a.reps.unwrap_or(loaded.model.default_replications());
    if !(MIN_REPS..=MAX_REPS).contains(&reps) {
        return Err(super::InputError(format!(
            "--reps {reps}: an answer runs from {MIN_REPS} to {MAX_REPS} replications"
        ))
        .into());
    }
    let threads = ifss_sim::batch::effective_threads(a.threads.map(usize::from));
    let pool = Pool::new(Some(threads))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the server's runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(SocketAddr::new(a.listen, a.port))
            .await
            .with_context(|| format!("listening on {}:{}", a.listen, a.port))?;
        let addr = listener.local_addr()?;
        let mut hosts = vec![
            format!("127.0.0.1:{}", addr.port()),
            format!("localhost:{}", addr.port()),
            format!("[::1]:{}", addr.port()),
        ];
        if !a.listen.is_loopback() {
            hosts.push(match a.listen {
                IpAddr::V4(ip) => format!("{ip}:{}", addr.port()),
                IpAddr::V6(ip) => format!("[{ip}]:{}", addr.port()),
            });
            note!(
                "warning: listening on {} lets other machines on the network use this server \
                 and see the scenario; only 127.0.0.1 keeps it to this computer",
                a.listen
            );
        }
        let state = Arc::new(Served {
            levers: levers::levers(&loaded.model, &loaded.text),
            text: loaded.text,
            label: loaded.label,
            seed: a.seed.unwrap_or(loaded.model.default_seed()),
            base: loaded.model,
            reps,
            pool,
            running: Semaphore::new(threads),
            hosts,
            stats: Stats::default(),
        });
        let app = router(state);
        // the address to open, for a person and for scripts that start the server
        outln!(
            "ifss-sim explorer: open http://127.0.0.1:{}/ (Ctrl-C stops it)",
            addr.port()
        )?;
        axum::serve(listener, app).await.context("serving")?;
        Ok(())
    })
}

fn router(state: Arc<Served>) -> Router {
    Router::new()
        .route("/", get(page))
        .route(
            "/page.js",
            get(|| async { asset(SCRIPT, "text/javascript; charset=utf-8") }),
        )
        .route(
            "/page.css",
            get(|| async { asset(STYLE, "text/css; charset=utf-8") }),
        )
        .route("/api/levers", get(levers_json))
        .route("/api/answer", post(answer))
        .route("/api/scenario", post(scenario_toml))
        .route("/api/report", post(report))
        .route("/api/stats", get(stats))
        .layer(middleware::from_fn_with_state(state.clone(), own_host_only))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(state)
}

/// Refuse a request whose `Host` is not this server, or whose `Origin` is another site:
/// a page elsewhere cannot drive it, even through a DNS name pointed at this machine.
async fn own_host_only(State(s): State<Arc<Served>>, request: Request, next: Next) -> Response {
    let headers = request.headers();
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    if !s.hosts.iter().any(|h| h == host) {
        return refuse(
            StatusCode::MISDIRECTED_REQUEST,
            format!(
                "this server answers to {} only, not Host {host:?}",
                s.hosts[0]
            ),
        );
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let ok = origin
            .to_str()
            .ok()
            .and_then(|o| o.strip_prefix("http://"))
            .is_some_and(|o| s.hosts.iter().any(|h| h == o));
        if !ok {
            return refuse(
                StatusCode::FORBIDDEN,
                format!(
                    "requests from {origin:?} are refused: only this server's own page may use it"
                ),
            );
        }
    }
    if request.uri().query().is_some_and(|q| q.len() > 2048) {
        return refuse(
            StatusCode::URI_TOO_LONG,
            "the query is longer than 2048 bytes".into(),
        );
    }
    next.run(request).await
}

fn refuse(status: StatusCode, message: String) -> Response {
    (status, Json(serde_json::json!({ "error": message }))).into_response()
}

fn secured(mut r: Response) -> Response {
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

fn asset(body: &'static str, kind: &'static str) -> Response {
    secured(([(header::CONTENT_TYPE, kind)], body).into_response())
}

async fn page(State(s): State<Arc<Served>>) -> Response {
    let body = PAGE.replace("{{TITLE}}", &html::escape(s.base.title()));
    secured(([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response())
}

async fn levers_json(State(s): State<Arc<Served>>) -> Response {
    Json(serde_json::json!({
        "title": s.base.title(),
        "scenario": s.base.name(),
        "seed": s.seed,
        "replications": s.reps,
        "max_replications": MAX_REPS,
        "min_replications": MIN_REPS,
        "levers": s.levers,
    }))
    .into_response()
}

async fn stats(State(s): State<Arc<Served>>) -> Response {
    let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
    Json(serde_json::json!({
        "started": get(&s.stats.started),
        "finished": get(&s.stats.finished),
        "cancelled": get(&s.stats.cancelled),
        "dropped": get(&s.stats.dropped),
        "running": s.running.available_permits(),
    }))
    .into_response()
}

/// A what-if: lever settings by path, and optionally how many replications.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WhatIf {
    #[serde(default)]
    settings: BTreeMap<String, serde_json::Value>,
    replications: Option<u64>,
}

/// The what-if's model, its scenario text and its replications, or the problems to show
/// beside the fields.
// the refusal is the response itself, built once for a refused request
#[allow(clippy::result_large_err)]
fn what_if(
    s: &Served,
    body: Result<Json<WhatIf>, JsonRejection>,
) -> Result<(Model, String, u64), Response> {
    let Json(w) = body.map_err(|e| {
        refuse(
            e.status(),
            format!("the request is not a what-if: {}", e.body_text()),
        )
    })?;
    let problems = |p: Vec<Problem>| {
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(serde_json::json!({ "problems": p })),
        )
            .into_response()
    };
    let reps = w.replications.unwrap_or(s.reps);
    if !(MIN_REPS..=MAX_REPS).contains(&reps) {
        return Err(problems(vec![Problem {
            field: "replications".into(),
            message: format!("must be from {MIN_REPS} to {MAX_REPS}"),
        }]));
    }
    let sets = levers::overrides(&s.levers, &w.settings).map_err(problems)?;
    let overrides = sets
        .iter()
        .map(|x| x.parse::<ifss_sim::scenario::overrides::Override>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| {
            problems(vec![Problem {
                field: String::new(),
                message: e,
            }])
        })?;
    let text = ifss_sim::scenario::overrides::apply(&s.text, &overrides).map_err(|e| {
        problems(vec![Problem {
            field: String::new(),
            message: e,
        }])
    })?;
    let model =
        ifss_sim::scenario::load(&text, &format!("{} (what-if)", s.label)).map_err(|e| {
            // name the lever the scenario's check points at, where it can
            let message = e.to_string();
            let field = s
                .levers
                .iter()
                .find(|l| message.contains(&l.path))
                .map_or(String::new(), |l| l.path.clone());
            problems(vec![Problem { field, message }])
        })?;
    // the work one request may start: the model's own footprint at these replications
    ifss_sim::batch::check_footprint(&model, reps, 2, Some(s.pool.threads())).map_err(|e| {
        problems(vec![Problem {
            field: String::new(),
            message: e.to_string(),
        }])
    })?;
    Ok((model, text, reps))
}

async fn answer(
    State(s): State<Arc<Served>>,
    body: Result<Json<WhatIf>, JsonRejection>,
) -> Response {
    let (model, _, reps) = match what_if(&s, body) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let (tx, rx) = mpsc::channel::<Event>(4);
    let state = s.clone();
    tokio::spawn(async move {
        // the page hears at once that its answer is on its way
        if tx
            .send(Event::default().event("queued").data("{}"))
            .await
            .is_err()
        {
            state.stats.dropped.fetch_add(1, Ordering::Relaxed);
            return;
        }
        // wait for a free worker; a page that went away meanwhile starts nothing
        let permit = tokio::select! {
            p = state.running.acquire() => p,
            () = tx.closed() => {
                state.stats.dropped.fetch_add(1, Ordering::Relaxed);
                return;
            }
        };
        let Ok(permit) = permit else { return };
        state.stats.started.fetch_add(1, Ordering::Relaxed);
        let s2 = state.clone();
        let outcome = tokio::task::spawn_blocking(move || run_answer(&s2, &model, reps, &tx)).await;
        drop(permit);
        let counter = match outcome {
            Ok(true) => &state.stats.finished,
            _ => &state.stats.cancelled,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    });
    let stream = tokio_stream::wrappers::ReceiverStream::new(rx);
    let stream = tokio_stream::StreamExt::map(stream, Ok::<Event, Infallible>);
    secured(
        Sse::new(stream)
            .keep_alive(KeepAlive::default())
            .into_response(),
    )
}

/// Run the rounds, sending each answer; whether it ran to the end.
fn run_answer(s: &Served, what_if: &Model, reps: u64, tx: &mpsc::Sender<Event>) -> bool {
    let mut arms = None;
    let stop = || tx.is_closed();
    for to in answer::rounds(reps) {
        if tx.is_closed() {
            return false;
        }
        let grown = answer::grow(&s.base, what_if, s.seed, arms.take(), to, &s.pool, &stop);
        let arms_now = match grown {
            Ok(Some(a)) => a,
            Ok(None) => return false,
            Err(e) => {
                let _ = tx.blocking_send(Event::default().event("failed").data(e.to_string()));
                return false;
            }
        };
        let last = to >= reps;
        let pictures = if last {
            pictures(s, what_if, &arms_now)
        } else {
            Vec::new()
        };
        let a = answer::answer(&s.base, what_if, &arms_now, s.seed, reps, pictures);
        let data = serde_json::to_string(&a).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
        if tx
            .blocking_send(Event::default().event("answer").data(data))
            .is_err()
        {
            return false;
        }
        arms = Some(arms_now);
    }
    true
}

/// The board report of the baseline and the what-if (the report `compare` writes for
/// them, without the risk register's extra batches).
/// The board report of the baseline and the what-if; `extra` adds the what-if scenario's
/// text (for its inputs) and its risk register, as the downloaded report has them.
fn board(
    s: &Served,
    what_if: &Model,
    base: &ifss_sim::batch::Batch,
    other: &ifss_sim::batch::Batch,
    extra: Option<(&str, &[ifss_sim::risks::Assessment])>,
) -> html::Report {
    use ifss_sim::report::board;
    use ifss_sim::report::compare::Comparison;
    use ifss_sim::report::summary::RunSummary;
    let comparison = Comparison::labelled(
        &[("baseline", &s.base, base), ("what-if", what_if, other)],
        s.seed,
    );
    let summaries: Vec<RunSummary> = ["baseline", "what-if"]
        .iter()
        .filter_map(|l| comparison.policies.get(l).cloned())
        .collect();
    let runs = [(&s.base, base), (what_if, other)];
    board::board_report(&board::BoardInput {
        model: what_if,
        scenario_text: extra.map_or(s.text.as_str(), |(t, _)| t),
        runs: &runs,
        summaries: &summaries,
        comparison: Some(&comparison),
        risks: extra.map(|(_, r)| r),
        validation: None,
        calibration: None,
        depends: None,
        recommendation: None,
        run_time: "from the explorer",
        machine: "this computer",
    })
}

fn pictures(s: &Served, what_if: &Model, arms: &answer::Arms) -> Vec<answer::Picture> {
    let report = board(s, what_if, &arms.base, &arms.what_if, None);
    report
        .sections
        .iter()
        .filter(|sec| {
            sec.heading == "Waiting for a first meeting" || sec.heading == "Cost against the budget"
        })
        .filter_map(|sec| sec.figures.first())
        .map(|f| answer::Picture {
            caption: f.caption.clone(),
            svg: f.svg.clone(),
        })
        .collect()
}

async fn scenario_toml(
    State(s): State<Arc<Served>>,
    body: Result<Json<WhatIf>, JsonRejection>,
) -> Response {
    match what_if(&s, body) {
        Ok((_, text, _)) => download(text, "what-if.toml", "application/toml; charset=utf-8"),
        Err(r) => r,
    }
}

async fn report(
    State(s): State<Arc<Served>>,
    body: Result<Json<WhatIf>, JsonRejection>,
) -> Response {
    let (model, text, reps) = match what_if(&s, body) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let Ok(_permit) = s.running.acquire().await else {
        return refuse(
            StatusCode::SERVICE_UNAVAILABLE,
            "the server is stopping".into(),
        );
    };
    let state = s.clone();
    let built = tokio::task::spawn_blocking(move || -> anyhow::Result<String> {
        let plan = ifss_sim::batch::Plan {
            seed: state.seed,
            first: 0,
            replications: reps,
            chunk: ifss_sim::batch::CHUNK,
            bands: true,
        };
        let mut quiet = |_: u64| {};
        let base = ifss_sim::batch::run_with(&state.base, &plan, &state.pool, &mut quiet)?;
        let other = ifss_sim::batch::run_with(&model, &plan, &state.pool, &mut quiet)?;
        // the what-if's risk register, on the same seed and runs, as `compare` reports it
        let risks = match model.risks() {
            Some(_) => {
                let request = ifss_sim::experiment::risks::Request {
                    seed: state.seed,
                    replications: reps,
                };
                let plan =
                    ifss_sim::experiment::risks::Plan::new(&model, &request).map_err(|p| {
                        let said: Vec<String> = p.iter().map(ToString::to_string).collect();
                        anyhow::anyhow!("the risk register cannot be assessed: {}", said.join("; "))
                    })?;
                ifss_sim::experiment::risks::run(
                    &model,
                    &plan,
                    &state.pool,
                    &mut ifss_sim::experiment::Quiet,
                )?
            }
            None => Vec::new(),
        };
        let report = board(&state, &model, &base, &other, Some((&text, &risks)));
        Ok(html::render(&report))
    })
    .await;
    match built {
        Ok(Ok(page)) => download(page, "report.html", "text/html; charset=utf-8"),
        Ok(Err(e)) => refuse(StatusCode::UNPROCESSABLE_ENTITY, e.to_string()),
        Err(e) => refuse(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}

fn download(body: String, name: &'static str, kind: &'static str) -> Response {
    let mut headers = HeaderMap::new();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
            .unwrap_or(HeaderValue::from_static("attachment")),
    );
    secured((headers, body).into_response())
}
