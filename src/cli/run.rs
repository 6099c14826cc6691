//! `run` and `compare`.

use super::output::{self, Outputs, Run};
use super::scenarios::{self, Loaded};
use super::{BatchArgs, CompareArgs, InputError, ReportArgs, RunArgs, ScenarioArgs};
use anyhow::{Context, Result};
use ifss_sim::batch::{self, Batch, BatchConfig};
use ifss_sim::experiment::{self, ExperimentError, Watch};
use ifss_sim::model::{Model, PolicyKind};
use ifss_sim::report::compare::Comparison;
use ifss_sim::report::summary::RunSummary;
use ifss_sim::report::text;
use ifss_sim::report::write::SetKind;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::path::PathBuf;

pub(super) fn policy(name: &str) -> Result<PolicyKind> {
    PolicyKind::parse(name).ok_or_else(|| {
        InputError(format!(
            "unknown policy {name:?} (allowed: {})",
            PolicyKind::allowed()
        ))
        .into()
    })
}

/// The batch settings after defaults from the scenario.
pub(super) fn config(args: &ScenarioArgs, model: &Model) -> BatchConfig {
    BatchConfig {
        seed: args.seed.unwrap_or(model.default_seed()),
        first: 0,
        replications: args.reps.unwrap_or(model.default_replications()),
        threads: args.threads.map(usize::from),
    }
}

/// Refuse, before any work, batches too large for this machine: `batches` of
/// `replications` each, with the report's risk-register batches when it has them.
pub(super) fn check_size(
    model: &Model,
    replications: u64,
    batches: usize,
    threads: Option<usize>,
) -> Result<()> {
    batch::check_footprint(model, replications, batches, threads)?;
    Ok(())
}

/// Batches the risk register runs beside a run's own (at most: base, sharing, fully
/// staffed, reduced flow), for [`check_size`].
pub(super) fn risk_batches(model: &Model) -> usize {
    if model.risks().is_some() { 4 } else { 0 }
}

pub(super) fn check_reps(n: u64) -> Result<()> {
    if n == 0 || n > ifss_sim::model::MAX_REPLICATIONS {
        return Err(InputError(format!(
            "--reps must be between 1 and {}, got {n}",
            ifss_sim::model::MAX_REPLICATIONS
        ))
        .into());
    }
    Ok(())
}

/// A progress bar on stderr when it is a terminal and the batch is not tiny.
pub(super) fn progress(args: &BatchArgs, total: u64, label: &str) -> ProgressBar {
    progress_bar(args.quiet, total, label)
}

/// A progress bar on stderr unless `quiet`, stderr is not a terminal, or the batch is tiny.
pub(super) fn progress_bar(quiet: bool, total: u64, label: &str) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() || total < 50 {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template(
            "{prefix} [{bar:40}] {pos}/{len} replications ({rate}, eta {eta})",
        )
        .map(|style| {
            style.with_key(
                "rate",
                |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                    let _ = write!(w, "{:.0}/s", state.per_sec());
                },
            )
        })
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar.set_prefix(label.to_string());
    bar
}

/// Run one batch of `model` with progress on `bar`; Ctrl-C stops it.
pub(super) fn simulate(
    model: &Model,
    cfg: &BatchConfig,
    pool: &batch::Pool,
    bar: &ProgressBar,
) -> Result<Batch> {
    let label = model.policy().kind().name();
    let b = experiment::batch_of(
        model,
        &batch::Plan::of(cfg),
        pool,
        &mut Watching { bar },
        label,
    );
    bar.finish_and_clear();
    experiment_result(b)
}

/// An experiment's result on the command line: a stop (Ctrl-C) becomes
/// [`super::Interrupted`], exit 130.
pub(super) fn experiment_result<T>(result: Result<T, ExperimentError>) -> Result<T> {
    match result {
        Ok(t) => Ok(t),
        Err(ExperimentError::Stopped { done, total, .. }) => {
            Err(super::Interrupted { done, total }.into())
        }
        Err(e) => Err(anyhow::Error::new(e).context("batch failed")),
    }
}

/// A request's problems on the command line: one line each, naming the option, exit 2.
pub(super) fn request_problems(problems: Vec<ifss_sim::model::FieldProblem>) -> anyhow::Error {
    let lines: Vec<String> = problems
        .iter()
        .map(|p| format!("--{}: {}", p.path, p.message))
        .collect();
    InputError(lines.join("\n")).into()
}

/// What an experiment shows on the command line: each batch's progress on one bar
/// labelled with the batch, and a stop after the chunk in which the user pressed Ctrl-C.
pub(super) struct Watching<'a> {
    pub(super) bar: &'a ProgressBar,
}

impl Watch for Watching<'_> {
    fn started(&self, label: &str, replications: u64) {
        self.bar.set_prefix(label.to_string());
        self.bar.set_length(replications);
        self.bar.set_position(0);
    }

    fn replication_done(&self, _: &str, done: u64) {
        self.bar.set_position(done);
    }

    fn chunk(&mut self, _: &str, _: &Batch) -> batch::Flow {
        self.between("")
    }

    fn between(&mut self, _: &str) -> batch::Flow {
        if super::interrupted() {
            batch::Flow::Stop
        } else {
            batch::Flow::Continue
        }
    }
}

/// Output folder (checked writable) unless `--no-output`: `--out`, else `default`.
pub(super) fn outputs(
    args: &BatchArgs,
    default: PathBuf,
    kind: SetKind,
) -> Result<Option<Outputs>> {
    if args.no_output {
        return Ok(None);
    }
    Ok(Some(Outputs::prepare(
        args.out.as_ref().unwrap_or(&default),
        kind,
    )?))
}

/// `output/<scenario>`: the folder a scenario's outputs go to unless `--out` says otherwise.
pub(super) fn default_folder(loaded: &Loaded) -> PathBuf {
    std::path::Path::new("output").join(ifss_sim::report::write::safe_folder_name(&loaded.folder))
}

pub fn run(a: RunArgs) -> Result<()> {
    let started = std::time::Instant::now();
    let loaded = scenarios::load(a.batch.input.scenario.as_deref(), &a.batch.input.sets)?;
    let mut model = loaded.model.clone();
    if let Some(p) = &a.policy {
        model = model.with_policy(model.policy().with_kind(policy(p)?));
    }
    let cfg = config(&a.batch.input, &model);
    check_reps(cfg.replications)?;
    if let Some(part) = a.shard {
        check_size(&model, cfg.replications, 1, cfg.threads)?;
        return super::shard::run_shard(&a, &loaded, &model, &cfg, part);
    }
    // everything the precision target needs is checked before the batch starts
    let precision_index = match a.target_precision {
        Some(_) => Some(precision_measure(&model, &a, cfg.replications)?),
        None => None,
    };
    let most = a.target_precision.map_or(cfg.replications, |_| a.max_reps);
    let report = !(a.report.no_report || a.batch.no_output);
    let extra = if report { risk_batches(&model) } else { 0 };
    check_size(&model, most, 1 + extra, cfg.threads)?;
    super::report::check_recommendation(&a.report, &loaded)?;
    let out = outputs(&a.batch, default_folder(&loaded), SetKind::Run)?;
    let bar = progress(&a.batch, cfg.replications, model.policy().kind().name());
    let pool = batch::Pool::new(cfg.threads)?;
    let mut batch = simulate(&model, &cfg, &pool, &bar)?;
    let mut summary_precision = None;
    if let (Some(target), Some(index)) = (a.target_precision, precision_index) {
        let bar = ProgressBar::hidden();
        if !a.batch.quiet && std::io::stderr().is_terminal() {
            bar.set_draw_target(ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} adding replications for precision: {pos} more",
                )
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
        }
        let rule = batch::Precise {
            measure: index,
            target,
            max_replications: a.max_reps,
        };
        let mut watch = Watching { bar: &bar };
        let mut sink = experiment::sink("precision", &mut watch);
        let p = batch::until_precise(&model, &mut batch, &rule, &pool, &mut sink)
            .context("batch failed")?;
        bar.finish_and_clear();
        if p.stopped == batch::Stopped::Interrupted {
            return Err(super::Interrupted {
                done: batch.len() as u64,
                total: a.max_reps,
            }
            .into());
        }
        summary_precision = Some(ifss_sim::report::summary::PrecisionInfo {
            measure: a.precision_measure.clone(),
            target: p.target,
            achieved: p.achieved,
            met: p.met,
            stopped: p.stopped.name(),
            reason: p.stopped.reason(),
            replications: batch.len() as u64,
        });
    }
    let mut summary = RunSummary::new(&model, &batch, cfg.seed);
    summary.precision = summary_precision;
    let json = serde_json::to_string_pretty(&summary)?;
    let table = text::summary_table(&model, &summary);
    // files first, so that a reader closing standard output early loses nothing
    let mut written = Vec::new();
    if let Some(out) = out {
        let runs = [(&model, &batch)];
        let summaries = [summary];
        let run = Run {
            loaded: &loaded,
            cfg: &cfg,
            pool: &pool,
            runs: &runs,
            summaries: &summaries,
            comparison: None,
        };
        written = write_all(&a.batch, &a.report, out, &run, json.as_bytes(), started)?;
    }
    print_result(&a.batch, &json, &table, &written)
}

/// Print the JSON or the table on standard output, then (after a table) where the files
/// went.
fn print_result(args: &BatchArgs, json: &str, table: &str, written: &[PathBuf]) -> Result<()> {
    if args.json {
        outln!("{json}")?;
    } else {
        out!("{table}")?;
        output::say_written(written);
    }
    Ok(())
}

/// The position of `--precision-measure` among the model's measures, after checking
/// `--max-reps` against the starting batch.
fn precision_measure(model: &Model, a: &RunArgs, reps: u64) -> Result<usize> {
    let index = ifss_sim::measures::Catalogue::new(model)
        .index(&a.precision_measure)
        .ok_or_else(|| {
            InputError(format!(
                "--precision-measure: no measure named {:?} (see the keys of `run --json`)",
                a.precision_measure
            ))
        })?;
    let most = ifss_sim::model::MAX_REPLICATIONS;
    if a.max_reps < reps || a.max_reps > most {
        return Err(InputError(format!(
            "--max-reps must be between the starting --reps ({reps}) and {most}, got {}",
            a.max_reps
        ))
        .into());
    }
    Ok(index)
}

/// Build the report (unless `--no-report`), then write it, the data files and the
/// manifest; the files written. The folder's old set stays whole, manifest included,
/// until every new file is on disk beside it.
pub(super) fn write_all(
    args: &BatchArgs,
    options: &ReportArgs,
    out: Outputs,
    run: &Run<'_>,
    summary_json: &[u8],
    started: std::time::Instant,
) -> Result<Vec<PathBuf>> {
    let report = match options.no_report {
        true => Vec::new(),
        false => super::report::build(args, options, run, started)?,
    };
    out.write_run(run, summary_json, report)
}

/// A `--variant` argument split into its label and what it changes.
fn variant_parts(spec: &str) -> Result<(&str, &str)> {
    spec.split_once(':')
        .map(|(label, rest)| (label.trim(), rest.trim()))
        .ok_or_else(|| {
            InputError(format!(
                "--variant {spec:?}: expected 'LABEL: PATH=VALUE; …' or 'LABEL: FILE'"
            ))
            .into()
        })
}

/// The model of a `--variant`: the base scenario's text with more overrides, or another
/// scenario.
fn variant_model(base: &scenarios::Loaded, spec: &str) -> Result<(Model, String)> {
    let (label, rest) = variant_parts(spec)?;
    let problem = |e: String| InputError(format!("--variant {label}: {e}"));
    if rest.contains('=') {
        let sets = rest
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| s.parse::<ifss_sim::scenario::overrides::Override>())
            .collect::<std::result::Result<Vec<_>, String>>()
            .map_err(problem)?;
        let text = ifss_sim::scenario::overrides::apply(&base.text, &sets).map_err(problem)?;
        let model = ifss_sim::scenario::load(&text, &format!("{} (variant {label})", base.label))
            .map_err(|e| problem(e.to_string()))?;
        Ok((model, text))
    } else if rest.is_empty() {
        Err(problem("nothing to change: give PATH=VALUE pairs or a scenario".into()).into())
    } else {
        let other = scenarios::load(Some(rest), &[])?;
        Ok((other.model, other.text))
    }
}

pub fn compare(a: CompareArgs) -> Result<()> {
    let started = std::time::Instant::now();
    let loaded = scenarios::load(a.batch.input.scenario.as_deref(), &a.batch.input.sets)?;
    let cfg = config(&a.batch.input, &loaded.model);
    let labels = a
        .variants
        .iter()
        .map(|v| variant_parts(v).map(|(l, _)| l.to_string()))
        .collect::<Result<Vec<_>>>()?;
    let policies = match (&a.policies, labels.is_empty()) {
        (Some(p), _) => p.clone(),
        (None, true) => vec!["proportional".into(), "demand-led".into()],
        (None, false) => Vec::new(),
    };
    let plan = experiment::compare::Plan::new(&experiment::compare::Request {
        policies,
        variants: labels,
        seed: cfg.seed,
        replications: cfg.replications,
    })
    .map_err(request_problems)?;
    let (variants, variant_texts): (Vec<Model>, Vec<String>) = a
        .variants
        .iter()
        .map(|v| variant_model(&loaded, v))
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .unzip();
    let report = !(a.report.no_report || a.batch.no_output);
    let extra = if report {
        risk_batches(&loaded.model)
    } else {
        0
    };
    // the largest scenario compared sizes the work
    let largest = std::iter::once(&loaded.model)
        .chain(&variants)
        .max_by_key(|m| m.posts().len() + m.authorities().len())
        .unwrap_or(&loaded.model);
    check_size(largest, cfg.replications, plan.arms() + extra, cfg.threads)?;
    if let Some(part) = a.shard {
        let scenarios: Vec<(&Model, &str)> = std::iter::once((&loaded.model, loaded.text.as_str()))
            .chain(
                variants
                    .iter()
                    .zip(variant_texts.iter().map(String::as_str)),
            )
            .collect();
        return super::shard::compare_shard(&a, &loaded, &plan, &scenarios, &cfg, part);
    }
    super::report::check_recommendation(&a.report, &loaded)?;
    let out = outputs(&a.batch, default_folder(&loaded), SetKind::Run)?;
    // one pool for every policy's batch
    let pool = batch::Pool::new(cfg.threads)?;
    let bar = progress(&a.batch, cfg.replications, "");
    let arms = experiment::compare::run_variants(
        &loaded.model,
        &variants,
        &plan,
        &pool,
        &mut Watching { bar: &bar },
    );
    bar.finish_and_clear();
    let arms = experiment_result(arms)?;
    let runs: Vec<(&Model, &Batch)> = arms.iter().map(|a| (&a.model, &a.batch)).collect();
    let labelled: Vec<(&str, &Model, &Batch)> = arms
        .iter()
        .map(|a| (a.label.as_str(), &a.model, &a.batch))
        .collect();
    let comparison = Comparison::labelled(&labelled, cfg.seed);
    let json = serde_json::to_string_pretty(&comparison)?;
    let table = text::comparison_table(&loaded.model, &comparison);
    let mut written = Vec::new();
    if let Some(out) = out {
        let summaries: Vec<RunSummary> = comparison
            .policies
            .0
            .iter()
            .map(|(_, s)| s.clone())
            .collect();
        let run = Run {
            loaded: &loaded,
            cfg: &cfg,
            pool: &pool,
            runs: &runs,
            summaries: &summaries,
            comparison: Some(&comparison),
        };
        written = write_all(&a.batch, &a.report, out, &run, json.as_bytes(), started)?;
    }
    print_result(&a.batch, &json, &table, &written)
}
