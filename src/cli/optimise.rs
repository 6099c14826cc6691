//! `optimise`: the best staffing configuration of a scenario's search space within its
//! requirements; the recommended scenario, the leading configurations, the front and a
//! page.

use super::output::{Origin, say_written};
use super::run::{Watching, config, experiment_result, outputs, request_problems};
use super::{BatchArgs, InputError, scenarios};
use anyhow::Result;
use clap::Args;
use ifss_sim::experiment::optimise::{self, Optimisation};
use ifss_sim::model::optimise::{Choice, Requirement, Search, Total};
use ifss_sim::report::board::recommend::{change_compact, is_share, leader_row, value as num};
use ifss_sim::report::html::escape;
use ifss_sim::report::write::SetKind;
use serde::Serialize;
use std::fmt::Write as _;

#[derive(Debug, Args)]
pub struct OptimiseArgs {
    #[command(flatten)]
    batch: BatchArgs,
    /// A field to vary and its values, replacing the scenario's [[optimise.vary]]:
    /// PATH=V1,V2,... or PATH=LO..HI for every whole number between (repeatable), e.g.
    /// --vary 'staff[5].count=1..4'.
    #[arg(long = "vary", value_name = "PATH=VALUES")]
    vary: Vec<String>,
    /// A limit on the sum of varied fields, replacing the scenario's [[optimise.total]]:
    /// 'PATH+PATH<=N', '>=N' or '=N' (repeatable).
    #[arg(long = "total", value_name = "SUM")]
    totals: Vec<String>,
    /// A requirement on a measure's mean, replacing the scenario's [[optimise.require]]:
    /// 'MEASURE<=X' or 'MEASURE>=X' (repeatable), e.g. 'over_budget.any<=0.2'.
    #[arg(long = "require", value_name = "MEASURE<=X")]
    require: Vec<String>,
    /// The measure to optimise [default: the scenario's, else the share of accepted
    /// families seen within the wait target].
    #[arg(long, value_name = "NAME")]
    objective: Option<String>,
    /// Make less of the objective better (for waits and costs).
    #[arg(long)]
    minimise: bool,
    /// The smallest difference in the objective worth acting on [default: the scenario's,
    /// else 0.01].
    #[arg(long, value_name = "DELTA")]
    indifference: Option<f64>,
    /// The probability that the choice is right [default: the scenario's, else 0.95].
    #[arg(long, value_name = "P")]
    confidence: Option<f64>,
    /// The most replications any configuration runs [default: the scenario's, else 400];
    /// --reps sets the first replications every configuration runs.
    #[arg(long, value_name = "N")]
    max_reps: Option<u64>,
}

/// The search: the scenario's `[optimise]` with the command line's changes.
fn search(a: &OptimiseArgs, model: &ifss_sim::model::Model) -> Result<Search> {
    let mut s = match model.optimise() {
        Some(s) => s.clone(),
        None if a.vary.is_empty() => {
            return Err(InputError(format!(
                "{} has no [optimise] section: give the fields to vary with --vary PATH=VALUES \
                 (e.g. --vary 'staff[1].count=1..6')",
                model.name()
            ))
            .into());
        }
        None => Search {
            objective: ifss_sim::model::optimise::DEFAULT_OBJECTIVE.into(),
            maximise: true,
            indifference: 0.01,
            confidence: 0.95,
            first_replications: 20,
            max_replications: 400,
            vary: Vec::new(),
            totals: Vec::new(),
            require: Vec::new(),
        },
    };
    if !a.vary.is_empty() {
        s.vary = a.vary.iter().map(|v| choice(v)).collect::<Result<_>>()?;
        s.totals
            .retain(|t| t.paths.iter().all(|p| s.vary.iter().any(|c| &c.path == p)));
    }
    if !a.totals.is_empty() {
        s.totals = a.totals.iter().map(|t| total(t)).collect::<Result<_>>()?;
    }
    if !a.require.is_empty() {
        s.require = a
            .require
            .iter()
            .map(|r| requirement(r))
            .collect::<Result<_>>()?;
    }
    if let Some(o) = &a.objective {
        s.objective = o.clone();
        s.maximise = !a.minimise;
    } else if a.minimise {
        s.maximise = false;
    }
    if let Some(d) = a.indifference {
        if !(d.is_finite() && d > 0.0) {
            return Err(InputError(format!("--indifference must be positive, got {d}")).into());
        }
        s.indifference = d;
    }
    if let Some(c) = a.confidence {
        if !(0.5..1.0).contains(&c) {
            return Err(InputError(format!(
                "--confidence must be at least 0.5 and below 1, got {c}"
            ))
            .into());
        }
        s.confidence = c;
    }
    if let Some(n) = a.batch.input.reps {
        s.first_replications = n;
    }
    if let Some(n) = a.max_reps {
        s.max_replications = n;
    }
    if s.first_replications < 5 || s.max_replications < s.first_replications {
        return Err(InputError(format!(
            "every configuration needs at least 5 first replications (--reps) and a limit \
             (--max-reps) at least as large; got {} and {}",
            s.first_replications, s.max_replications
        ))
        .into());
    }
    for t in &s.totals {
        for p in &t.paths {
            if !s.vary.iter().any(|c| &c.path == p) {
                return Err(InputError(format!(
                    "--total {}: {p} is not among the varied fields",
                    t.name
                ))
                .into());
            }
        }
    }
    Ok(s)
}

fn choice(v: &str) -> Result<Choice> {
    let bad = || {
        InputError(format!(
            "--vary expects PATH=V1,V2,... or PATH=LO..HI, got {v:?}"
        ))
    };
    let (path, values) = v.split_once('=').ok_or_else(bad)?;
    let values = values.trim();
    let value = if values.contains("..") {
        toml::Value::String(values.to_string())
    } else {
        toml::Value::Array(
            values
                .split(',')
                .map(str::trim)
                .filter(|x| !x.is_empty())
                .map(|x| toml::Value::String(x.to_string()))
                .collect(),
        )
    };
    let values = ifss_sim::scenario::choice_values(&value)
        .map_err(|e| InputError(format!("--vary {v:?}: {e}")))?;
    if path.trim().is_empty() {
        return Err(bad().into());
    }
    Ok(Choice {
        path: path.trim().to_string(),
        values,
    })
}

/// `A+B<=8`, `A+B>=7` or `A+B=8`.
fn total(t: &str) -> Result<Total> {
    let bad = || {
        InputError(format!(
            "--total expects 'PATH+PATH<=N' (or >=, =), got {t:?}"
        ))
    };
    let (paths, op, n) = split_relation(t).ok_or_else(bad)?;
    let paths: Vec<String> = paths.split('+').map(|p| p.trim().to_string()).collect();
    if paths.iter().any(String::is_empty) {
        return Err(bad().into());
    }
    let (at_least, at_most) = match op {
        "<=" => (None, Some(n)),
        ">=" => (Some(n), None),
        _ => (Some(n), Some(n)),
    };
    Ok(Total {
        name: paths.join(" + "),
        paths,
        at_least,
        at_most,
        why: String::new(),
    })
}

/// `MEASURE<=X` or `MEASURE>=X`.
fn requirement(r: &str) -> Result<Requirement> {
    let bad = || {
        InputError(format!(
            "--require expects 'MEASURE<=X' or 'MEASURE>=X', got {r:?}"
        ))
    };
    let (measure, op, x) = split_relation(r).ok_or_else(bad)?;
    let (at_least, at_most) = match op {
        "<=" => (None, Some(x)),
        ">=" => (Some(x), None),
        _ => return Err(bad().into()),
    };
    Ok(Requirement {
        measure: measure.trim().to_string(),
        at_least,
        at_most,
        why: String::new(),
    })
}

fn split_relation(s: &str) -> Option<(&str, &'static str, f64)> {
    for op in ["<=", ">=", "="] {
        if let Some((a, b)) = s.split_once(op) {
            let x: f64 = b.trim().parse().ok().filter(|x: &f64| x.is_finite())?;
            return Some((a, op, x));
        }
    }
    None
}

#[derive(Serialize)]
struct OptimiseJson<'a> {
    schema: u32,
    version: &'static str,
    scenario: &'a str,
    seconds: f64,
    #[serde(flatten)]
    result: &'a Optimisation,
}

pub fn optimise(a: OptimiseArgs) -> Result<()> {
    let started = std::time::Instant::now();
    let loaded = scenarios::load(a.batch.input.scenario.as_deref(), &a.batch.input.sets)?;
    let cfg = config(&a.batch.input, &loaded.model);
    let s = search(&a, &loaded.model)?;
    let plan = optimise::Plan::new(&optimise::Request {
        text: loaded.text.clone(),
        origin: loaded.label.clone(),
        search: s.clone(),
        seed: cfg.seed,
    })
    .map_err(request_problems)?;
    // as many batches at once as there are threads, each up to the limit
    super::run::check_size(
        plan.largest_model(),
        s.max_replications,
        ifss_sim::batch::effective_threads(cfg.threads),
        cfg.threads,
    )?;
    let out = outputs(
        &a.batch,
        super::run::default_folder(&loaded).join("optimise"),
        SetKind::Optimise,
    )?;
    if !a.batch.quiet && !a.batch.json {
        eprintln!(
            "Searching {} configurations: {} replications each first, up to {} for those still \
             in the race",
            plan.configurations(),
            s.first_replications,
            s.max_replications
        );
    }
    let bar = super::run::progress(&a.batch, plan.most_replications(), "optimise");
    let pool = ifss_sim::batch::Pool::new(cfg.threads)?;
    let result = optimise::run(&plan, &pool, &mut Watching { bar: &bar });
    bar.finish_and_clear();
    let o = experiment_result(result)?;
    let seconds = started.elapsed().as_secs_f64();
    let json = serde_json::to_string_pretty(&OptimiseJson {
        schema: ifss_sim::report::SCHEMA,
        version: env!("CARGO_PKG_VERSION"),
        scenario: loaded.model.name(),
        seconds,
        result: &o,
    })?;
    let text = text(loaded.model.title(), &o, seconds);
    let written = match out {
        Some(out) => {
            let origin = Origin {
                loaded: &loaded,
                model: &loaded.model,
                cfg: &cfg,
                replications: s.first_replications,
                policies: &[],
            };
            let svg = ifss_sim::report::board::recommend::front_picture(&o);
            let mut files = vec![
                ("optimise.csv".to_string(), csv(&o)?),
                ("optimise.json".to_string(), json.clone().into_bytes()),
                ("front.svg".to_string(), svg.clone().into_bytes()),
                (
                    "optimise.html".to_string(),
                    page(loaded.model.title(), &o, &text, &svg).into_bytes(),
                ),
            ];
            if o.chosen.is_some() {
                files.push((
                    "recommended.toml".to_string(),
                    recommended(&loaded.text, &o)?.into_bytes(),
                ));
            }
            out.write_set(&origin, files)?
        }
        None => Vec::new(),
    };
    if a.batch.json {
        outln!("{json}")?;
    } else {
        out!("{text}")?;
        say_written(&written);
    }
    Ok(())
}

/// A varied field's short name for a table: "CSW Swansea" for "Consultant Social Worker,
/// Swansea: count"; otherwise the field as written.
fn short(words: &str, path: &str) -> String {
    match words.split_once(", ").zip(words.rsplit_once(": ")) {
        Some(((post, rest), (_, "count"))) => {
            let base = rest.rsplit_once(": ").map_or(rest, |(b, _)| b);
            let initials: String = post
                .split_whitespace()
                .filter_map(|w| w.chars().next())
                .collect();
            let post = if post.split_whitespace().count() > 1 {
                initials
            } else {
                post.to_string()
            };
            format!("{post} {base}")
        }
        _ => path.rsplit('.').next().unwrap_or(path).to_string(),
    }
}

/// The result as text, for the terminal and the page.
fn text(title: &str, o: &Optimisation, seconds: f64) -> String {
    let share = is_share(&o.objective);
    let mut t = String::new();
    let goal = if o.maximise { "more" } else { "less" };
    let _ = writeln!(
        t,
        "Optimisation of {title}\n{} on seed {}: {} replications in {seconds:.1} s ({} look{}).\n\
         Objective: {} ({goal} is better); a difference under {} is not worth acting \
         on; the choice is right with probability at least {:.0}%.",
        match o.visited {
            None => format!("{} configurations", o.configurations.len()),
            Some(v) => format!(
                "{} configurations in the space, too many to race whole: a search visited {v} \
                 at the first replications and raced the best {} (the guarantee covers those)",
                o.space,
                o.configurations.len()
            ),
        },
        o.seed,
        o.replications,
        o.looks,
        if o.looks == 1 { "" } else { "s" },
        o.objective,
        if share {
            format!("{:.1} percentage points", 100.0 * o.indifference)
        } else {
            format!("{}", o.indifference)
        },
        100.0 * o.confidence,
    );
    if !o.requirements.is_empty() {
        let _ = writeln!(t, "Requirements: {}.", o.requirements.join("; "));
    }
    let _ = writeln!(t, "Ended: {}.\n", o.ended);
    let proposal = &o.configurations[0];
    let failed: Vec<String> = o
        .requirements
        .iter()
        .zip(&proposal.requirements)
        .zip(&proposal.requirement_means)
        .filter(|((_, v), _)| **v == "failed")
        .map(|((r, _), m)| format!("{r}, but it is {}", num(*m, true)))
        .collect();
    if !failed.is_empty() {
        let _ = writeln!(
            t,
            "The proposal's own staffing fails a requirement ({}), so the recommendation is the \
             best configuration that meets them all, even where it does worse on the objective.\n",
            failed.join("; ")
        );
    }
    match o.chosen {
        None => {
            let _ = writeln!(
                t,
                "No configuration was shown to meet every requirement: none can be recommended. \
                 The proposal's {} is {}.",
                o.objective,
                num(proposal.objective, share)
            );
        }
        Some(c) => {
            let chosen = &o.configurations[c];
            let changes: Vec<String> = o
                .fields
                .iter()
                .enumerate()
                .filter(|(i, _)| chosen.values[*i] != o.proposal_values[*i])
                .map(|(i, _)| {
                    format!(
                        "{} {} → {}",
                        o.field_words[i], o.proposal_values[i], chosen.values[i]
                    )
                })
                .collect();
            if changes.is_empty() {
                let _ = writeln!(t, "Recommendation: the proposal as it is.");
            } else {
                let _ = writeln!(t, "Recommendation: change the proposal's");
                for c in &changes {
                    let _ = writeln!(t, "  {c}");
                }
            }
            let _ = writeln!(
                t,
                "  {}: {} (95% CI {}), over {} replications",
                o.objective,
                num(chosen.objective, share),
                chosen.objective_ci95.map_or("n/a".into(), |[a, b]| format!(
                    "{} to {}",
                    num(Some(a), share),
                    num(Some(b), share)
                )),
                chosen.replications
            );
            if let Some(d) = chosen.vs_proposal {
                let verdict = match d.ci95 {
                    Some([lo, hi]) if lo > 0.0 || hi < 0.0 => "the interval excludes zero",
                    Some(_) => "the interval includes zero: not told apart from the proposal",
                    None => "no interval",
                };
                let _ = writeln!(
                    t,
                    "  against the proposal's {}: {} (paired 95% CI {}; {verdict})",
                    num(proposal.objective, share),
                    change_compact(d.mean, share),
                    d.ci95.map_or("n/a".into(), |[a, b]| format!(
                        "{} to {}",
                        change_compact(a, share),
                        change_compact(b, share)
                    )),
                );
            }
            for (j, req) in o.requirements.iter().enumerate() {
                let _ = writeln!(
                    t,
                    "  {req}: {} for the chosen ({}), {} for the proposal ({})",
                    num(chosen.requirement_means[j], true),
                    chosen.requirements[j],
                    num(proposal.requirement_means[j], true),
                    proposal.requirements[j],
                );
            }
            let _ = writeln!(
                t,
                "  {} other configurations cannot be told apart from it (their paired 95% \
                 interval against it includes zero).",
                o.alike.len()
            );
        }
    }
    if !o.guarantee_holds {
        let _ = writeln!(
            t,
            "The guarantee does not hold for this run: the search stopped at its replication \
             limit before it could separate the leaders (raise --max-reps)."
        );
    }
    let lead = o.leading(10);
    let _ = writeln!(t, "\nLeading configurations (and the proposal):");
    let mut rows = vec![{
        let mut h: Vec<String> = o
            .field_words
            .iter()
            .zip(&o.fields)
            .map(|(w, p)| short(w, p))
            .collect();
        h.extend(
            [
                "reps",
                &o.objective,
                "vs proposal",
                "budget needed",
                "status",
            ]
            .map(String::from),
        );
        h
    }];
    rows.extend(lead.into_iter().map(|i| leader_row(o, i, true)));
    t.push_str(&super::sweep::align(&rows));
    if o.configurations.iter().any(|c| c.budget_needed.is_some()) {
        let _ = writeln!(
            t,
            "\nBudget needed: the yearly budget that covers every contract year with \
             probability {:.0}%.",
            100.0 * o.front_cover
        );
    }
    t
}

/// `optimise.csv`: one row per configuration.
fn csv(o: &Optimisation) -> Result<Vec<u8>> {
    use ifss_sim::report::csv::text_cell;
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = o.fields.clone();
    header.extend(
        [
            "proposal",
            "status",
            "replications",
            "objective",
            "objective_ci95_low",
            "objective_ci95_high",
            "vs_proposal",
            "vs_proposal_low",
            "vs_proposal_high",
            "budget_needed",
        ]
        .map(String::from),
    );
    for r in &o.requirements {
        header.push(r.clone());
        header.push(format!("{r} (decided)"));
    }
    w.write_record(header.iter().map(|h| text_cell(h)))?;
    let f = |x: Option<f64>| {
        x.filter(|x| x.is_finite())
            .map_or(String::new(), |x| format!("{x}"))
    };
    for c in &o.configurations {
        let mut row: Vec<String> = c.values.iter().map(|v| text_cell(v)).collect();
        row.push(c.proposal.to_string());
        row.push(text_cell(&c.status));
        row.push(c.replications.to_string());
        row.push(f(c.objective));
        row.push(f(c.objective_ci95.map(|x| x[0])));
        row.push(f(c.objective_ci95.map(|x| x[1])));
        row.push(f(c.vs_proposal.map(|d| d.mean)));
        row.push(f(c.vs_proposal.and_then(|d| d.ci95).map(|x| x[0])));
        row.push(f(c.vs_proposal.and_then(|d| d.ci95).map(|x| x[1])));
        row.push(f(c.budget_needed));
        for (m, v) in c.requirement_means.iter().zip(&c.requirements) {
            row.push(f(*m));
            row.push(v.to_string());
        }
        w.write_record(&row)?;
    }
    w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))
}

/// The scenario with the chosen configuration's values, each change annotated.
fn recommended(text: &str, o: &Optimisation) -> Result<String> {
    let changes = o.chosen_changes();
    let notes: Vec<String> = changes
        .iter()
        .map(|c| {
            let i = o.fields.iter().position(|f| f == &c.path).unwrap_or(0);
            format!(
                "recommended by `ifss-sim optimise` (was {})",
                o.proposal_values[i]
            )
        })
        .collect();
    ifss_sim::scenario::overrides::apply_annotated(text, &changes, &notes)
        .map_err(|e| anyhow::anyhow!("cannot write the recommended scenario: {e}"))
}

fn page(title: &str, o: &Optimisation, text: &str, svg: &str) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Optimisation: {t}</title><style>body{{font-family:system-ui,sans-serif;\
         max-width:960px;margin:2em auto;padding:0 1em;color:#1b1b1b;line-height:1.45}}\
         figure{{margin:1.5em 0}}figure svg{{width:100%;height:auto}}figcaption{{color:#555;\
         font-size:.9em}}pre{{font-size:.8em;overflow-x:auto;background:#f6f7f8;padding:1em}}\
         </style></head><body>\n<h1>Recommended deployment: {t}</h1>\n\
         <p>Every configuration below ran on the same families (seed {seed}), so the differences \
         between them are theirs, not chance's. The search sets aside a configuration once it \
         is shown to miss a requirement or to trail another by more than a margin that shrinks \
         as replications accumulate; what is left is, with probability at least {conf:.0}%, \
         within every requirement and within {delta} of the best configuration that meets them \
         all{holds}.</p>\n",
        t = escape(title),
        seed = o.seed,
        conf = 100.0 * o.confidence,
        delta = o.indifference,
        holds = if o.guarantee_holds {
            ""
        } else {
            " (this run stopped at its replication limit, so the guarantee does not hold)"
        },
    );
    let _ = writeln!(
        h,
        "<figure>{svg}<figcaption>Each grey ring is a configuration: the yearly budget that \
         covers every contract year of it with probability {:.0}%, against its mean {}. The line \
         joins the best found at each budget. Only configurations that meet every other \
         requirement (on their estimates) are shown.</figcaption></figure>",
        100.0 * o.front_cover,
        escape(&o.objective)
    );
    let _ = writeln!(h, "<h2>The result</h2><pre>{}</pre>", escape(text));
    let _ = writeln!(h, "</body></html>");
    h
}
