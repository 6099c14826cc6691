//! `sensitivity`: each assumed input at both ends of its range; the swings ranked.

use super::BatchArgs;
use super::output::{Origin, say_written};
use super::run::{Watching, config, experiment_result, outputs, request_problems};
use super::scenarios::{self, Loaded};
use anyhow::Result;
use clap::Args;
use ifss_sim::batch::BatchConfig;
use ifss_sim::experiment::{self, sensitivity};
use ifss_sim::report::html::escape;
use ifss_sim::report::write::SetKind;
use serde::Serialize;
use std::fmt::Write as _;

#[derive(Debug, Args)]
pub struct SensitivityArgs {
    #[command(flatten)]
    batch: BatchArgs,
    /// The two policies whose difference is the answer, the first the reference.
    #[arg(long, value_delimiter = ',', default_value = "proportional,demand-led")]
    policies: Vec<String>,
    /// Also vary every input at once over a Latin hypercube of N samples (each under both
    /// policies) and rank the inputs by standardised rank regression coefficients, which
    /// account for interactions; N at least the inputs plus two (e.g. 40: 80 batches).
    #[arg(long, value_name = "N")]
    global: Option<usize>,
    /// Run only the K-th of N parts of every setting's replications (e.g. 3/8) and write
    /// that part (shard.json) to merge with the others: `ifss-sim merge` then writes
    /// exactly what the whole analysis would have [default folder:
    /// output/<scenario>/sensitivity/shard-K-of-N].
    #[arg(long, value_name = "K/N", value_parser = super::shard::parse)]
    shard: Option<(u32, u32)>,
}

/// What `merge` needs, beside the scenario, seed and replications, to rebuild an analysis
/// and write it as `sensitivity` does.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Job {
    pub(super) policies: Vec<String>,
    pub(super) global: Option<usize>,
}

impl Job {
    /// The plan this job's analysis follows, for `loaded` on `cfg`'s seed and replications.
    pub(super) fn plan(&self, loaded: &Loaded, cfg: &BatchConfig) -> Result<sensitivity::Plan> {
        sensitivity::Plan::new(&sensitivity::Request {
            text: loaded.text.clone(),
            origin: loaded.label.clone(),
            policies: self.policies.clone(),
            runs: experiment::Runs {
                seed: cfg.seed,
                replications: cfg.replications,
            },
        })
        .map_err(request_problems)
    }
}

#[derive(Serialize)]
struct SensitivityJson<'a> {
    schema: u32,
    version: &'static str,
    scenario: &'a str,
    method: &'static str,
    decisions: Vec<&'static str>,
    #[serde(flatten)]
    result: &'a sensitivity::Sensitivity,
    /// Settings where the policy with the shorter mean wait changes.
    flips: Vec<(String, &'static str)>,
    /// Every input varied at once, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    global: Option<&'a sensitivity::Global>,
}

const METHOD: &str = "one at a time: each [[sensitivity]] input at the low and high end of its \
                      range, all else as the scenario has it, on common random numbers";

pub fn sensitivity(a: SensitivityArgs) -> Result<()> {
    let loaded = scenarios::load(a.batch.input.scenario.as_deref(), &a.batch.input.sets)?;
    let cfg = config(&a.batch.input, &loaded.model);
    let job = Job {
        policies: a.policies.clone(),
        global: a.global,
    };
    let plan = job.plan(&loaded, &cfg)?;
    if let Some(n) = a.global {
        plan.check_samples(n)
            .map_err(|e| super::InputError(e.to_string()))?;
    }
    super::run::check_size(&loaded.model, cfg.replications, plan.batches(), cfg.threads)?;
    if let Some(part) = a.shard {
        return super::shard::sensitivity_shard(&a.batch, &loaded, &plan, job, &cfg, part);
    }
    let out = outputs(&a.batch, folder(&loaded), SetKind::Sensitivity)?;
    let bar = super::run::progress(&a.batch, cfg.replications, "");
    let pool = ifss_sim::batch::Pool::new(cfg.threads)?;
    let started = std::time::Instant::now();
    let result = sensitivity::run(&plan, &pool, &mut Watching { bar: &bar });
    let s = experiment_result(result)?;
    let global = match a.global {
        Some(n) => Some(experiment_result(sensitivity::global(
            &plan,
            n,
            &pool,
            &mut Watching { bar: &bar },
        ))?),
        None => None,
    };
    bar.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    finish(&a.batch, &loaded, &cfg, out, &s, global.as_ref(), seconds)
}

/// Where an analysis of `loaded` writes unless told.
pub(super) fn folder(loaded: &Loaded) -> std::path::PathBuf {
    super::run::default_folder(loaded).join("sensitivity")
}

/// Write and print a finished analysis: the words, the tornadoes, the page and the JSON.
pub(super) fn finish(
    args: &BatchArgs,
    loaded: &Loaded,
    cfg: &BatchConfig,
    out: Option<super::output::Outputs>,
    s: &sensitivity::Sensitivity,
    global: Option<&sensitivity::Global>,
    seconds: f64,
) -> Result<()> {
    let json = serde_json::to_string_pretty(&SensitivityJson {
        schema: ifss_sim::report::SCHEMA,
        version: env!("CARGO_PKG_VERSION"),
        scenario: loaded.model.name(),
        method: METHOD,
        decisions: sensitivity::DECISIONS.iter().map(|d| d.1).collect(),
        result: s,
        flips: s.flips(),
        global,
    })?;
    let mut words = text(loaded.model.title(), s, seconds);
    if let Some(g) = global {
        words.push_str(&global_text(s, g));
    }
    let written = match out {
        Some(out) => {
            let origin = Origin {
                loaded,
                model: &loaded.model,
                cfg,
                replications: cfg.replications,
                policies: &s.policies,
            };
            let pictures: Vec<(String, String)> = (0..sensitivity::DECISIONS.len())
                .map(|k| {
                    (
                        format!(
                            "tornado-{}.svg",
                            sensitivity::DECISIONS[k].0.replace('_', "-")
                        ),
                        ifss_sim::report::board::tornado(s, k),
                    )
                })
                .collect();
            let mut files = vec![
                ("sensitivity.json".to_string(), json.clone().into_bytes()),
                ("sensitivity.csv".to_string(), csv(s)?),
                (
                    "sensitivity.html".to_string(),
                    page(loaded.model.title(), &words, &pictures).into_bytes(),
                ),
            ];
            files.extend(pictures.into_iter().map(|(n, svg)| (n, svg.into_bytes())));
            out.write_set(&origin, files)?
        }
        None => Vec::new(),
    };
    if args.json {
        outln!("{json}")?;
    } else {
        out!("{words}")?;
        say_written(&written);
    }
    Ok(())
}

/// Decision measure `k`'s value as a person reads it; `swing`: a size, unsigned.
fn fmt(x: Option<f64>, k: usize, swing: bool) -> String {
    let Some(x) = x.filter(|x| x.is_finite()) else {
        return "n/a".into();
    };
    match (k, swing) {
        (0, false) => format!("{x:+.2} d"),
        (0, true) => format!("{x:.2} d"),
        (1, false) => format!("{:+.1} pts", 100.0 * x),
        (1 | 2, true) => format!("{:.1} pts", 100.0 * x),
        (2, false) => format!("{:.1}%", 100.0 * x),
        _ => format!("{x:.1}"),
    }
}

/// The analysis in words and tables: the answer as it is, then per decision measure the
/// inputs ranked by swing, then whether the direction flips.
fn text(title: &str, s: &sensitivity::Sensitivity, seconds: f64) -> String {
    let mut out = String::new();
    let [p, q] = &s.policies;
    let _ = writeln!(
        out,
        "What the answer depends on: {title}\n{} inputs, each at both ends of its range, under \
         {p} and {q}: {} batches of {} replications on seed {} ({seconds:.1} s)\n",
        s.swings.len(),
        (1 + 2 * s.swings.len()) * 2,
        s.replications,
        s.seed
    );
    for (k, (_, what)) in sensitivity::DECISIONS.iter().enumerate() {
        let what = what.replace("second policy − first", &format!("{q} − {p}"));
        let _ = writeln!(
            out,
            "{what}: {} as the scenario is",
            fmt(s.base.get(k), k, false)
        );
        for sw in s.ranked(k) {
            let _ = writeln!(
                out,
                "  {:<44} {:>12} … {:<12}  at {} … {}   swing {}",
                sw.path,
                fmt(sw.low.get(k), k, false),
                fmt(sw.high.get(k), k, false),
                sw.range[0],
                sw.range[1],
                fmt(sw.size(k), k, true),
            );
        }
        out.push('\n');
    }
    let flips = s.flips();
    if flips.is_empty() {
        let _ = writeln!(
            out,
            "Which policy gives the shorter mean wait does not change at either end of any \
             range (one input at a time; differences whose interval includes zero count as \
             no answer)."
        );
    } else {
        let list: Vec<String> = flips
            .iter()
            .map(|(p, e)| format!("{p} ({e} end)"))
            .collect();
        let _ = writeln!(
            out,
            "The policy with the shorter mean wait changes at: {}.",
            list.join(", ")
        );
    }
    out
}

/// The global analysis in words: per decision measure, the inputs by |SRRC|.
fn global_text(s: &sensitivity::Sensitivity, g: &sensitivity::Global) -> String {
    let [p, q] = &s.policies;
    let mut out = format!(
        "\nEvery input at once: a Latin hypercube of {} samples, each under {p} and {q}; \
         standardised rank regression coefficients (SRRC: how far the answer's rank moves, in \
         standard deviations, per standard deviation of the input's rank, the others held; \
         R²: how much of the answer's variation the inputs' ranks explain)\n",
        g.samples
    );
    for (k, (_, what)) in sensitivity::DECISIONS.iter().enumerate() {
        let what = what.replace("second policy − first", &format!("{q} − {p}"));
        let r2 = g.r_squared[k].map_or("n/a".into(), |r| format!("{r:.2}"));
        let _ = writeln!(out, "{what} (R² {r2})");
        let mut order: Vec<usize> = (0..g.inputs.len()).collect();
        order.sort_by(|&x, &y| {
            let v = |i: usize| g.srrc[k][i].map_or(-1.0, f64::abs);
            v(y).total_cmp(&v(x))
        });
        for i in order {
            let c = g.srrc[k][i].map_or("n/a".into(), |c| format!("{c:+.2}"));
            let _ = writeln!(out, "  {:<44} {c:>6}", g.inputs[i]);
        }
    }
    let _ = writeln!(
        out,
        "{}",
        match g.against_majority {
            0 => "In no sample does the policy with the shorter mean wait differ from the one \
                  most samples find."
                .to_string(),
            n => format!(
                "In {n} of {} samples the policy with the shorter mean wait is the other one: \
                 the direction of the answer depends on the inputs.",
                g.samples
            ),
        }
    );
    out
}

/// `sensitivity.csv`: one row per input and decision measure.
fn csv(s: &sensitivity::Sensitivity) -> Result<Vec<u8>> {
    use ifss_sim::report::csv::text_cell;
    let mut w = ::csv::Writer::from_writer(Vec::new());
    w.write_record([
        "input", "low", "high", "measure", "as_is", "at_low", "at_high", "swing", "why",
    ])?;
    let f = |x: Option<f64>| x.map_or(String::new(), |x| format!("{x}"));
    for sw in &s.swings {
        for (k, (name, _)) in sensitivity::DECISIONS.iter().enumerate() {
            w.write_record([
                text_cell(&sw.path),
                format!("{}", sw.range[0]),
                format!("{}", sw.range[1]),
                name.to_string(),
                f(s.base.get(k)),
                f(sw.low.get(k)),
                f(sw.high.get(k)),
                f(sw.size(k)),
                text_cell(&sw.why),
            ])?;
        }
    }
    w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))
}

/// `sensitivity.html`: the words and the tornadoes.
fn page(title: &str, words: &str, pictures: &[(String, String)]) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Sensitivity: {t}</title><style>body{{font-family:system-ui,sans-serif;\
         max-width:860px;margin:2em auto;padding:0 1em;color:#1b1b1b}}figure{{margin:1.5em 0}}\
         figure svg{{width:100%;height:auto}}pre{{font-size:.8em;overflow-x:auto}}</style>\
         </head><body>\n<h1>What the answer depends on: {t}</h1>\n<p>How to read a tornado: \
         each bar runs from the answer with one input at the low end of its plausible range to \
         the answer at the high end, every other input as the scenario has it; the longest bar \
         is the input the answer depends on most. A bar that crosses zero on a difference \
         between policies means the better policy depends on that input.</p>\n",
        t = escape(title)
    );
    for (_, svg) in pictures {
        let _ = writeln!(h, "<figure>{svg}</figure>");
    }
    let _ = writeln!(
        h,
        "<h2>The numbers</h2><pre>{}</pre></body></html>",
        escape(words)
    );
    h
}
