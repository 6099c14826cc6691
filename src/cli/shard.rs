//! `--shard K/N` on `run`, `compare`, `sweep` and `sensitivity`, and `merge`: a job's
//! replications in N disjoint parts, each kept beside a description of the whole job, and
//! merged back into exactly the output set the unsharded command writes (timings and the
//! command line aside).
//!
//! Part K of N holds replications `⌊R(K−1)/N⌋ .. ⌊RK/N⌋` of the job's R, of every batch
//! the job runs. Replication r always draws from (seed, r). A run or a comparison keeps
//! its batches' states, which [`ifss_sim::batch::Batch::merge`] folds in replication
//! order to the bit; a sweep or a sensitivity analysis keeps the measures its answer is
//! read from ([`ifss_sim::experiment::columns`]), joined in order. Either way, where a
//! part ran does not matter.

use super::output::{self, Run};
use super::scenarios::Loaded;
use super::{BatchArgs, CompareArgs, InputError, ReportArgs, RunArgs, ScenarioArgs};
use anyhow::{Context, Result};
use clap::Args;
use ifss_sim::batch::{self, Batch, BatchConfig, BatchState};
use ifss_sim::experiment::columns::Columns;
use ifss_sim::experiment::{sensitivity, sweep};
use ifss_sim::model::Model;
use ifss_sim::report::summary::RunSummary;
use ifss_sim::report::write::SetKind;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// What this file format is called in its own data.
const FORMAT: &str = "ifss-sim shard";
/// Largest shard file read, bytes.
const MAX_SHARD_BYTES: u64 = 4 << 30;
/// Largest total of the shard files one merge reads (each is held while the parts are
/// checked and joined), bytes.
const MAX_MERGE_BYTES: u64 = 8 << 30;

/// The most parts a job may be split into.
const MAX_SHARDS: u32 = 10_000;

/// `K/N` with 1 ≤ K ≤ N ≤ [`MAX_SHARDS`].
pub fn parse(s: &str) -> Result<(u32, u32), String> {
    let (k, n) = s
        .split_once('/')
        .ok_or_else(|| format!("expected K/N such as 3/8, got {s:?}"))?;
    let (k, n): (u32, u32) = (
        k.trim()
            .parse()
            .map_err(|_| format!("K in {s:?} is not a whole number"))?,
        n.trim()
            .parse()
            .map_err(|_| format!("N in {s:?} is not a whole number"))?,
    );
    if n == 0 || n > MAX_SHARDS || k == 0 || k > n {
        return Err(format!("need 1 ≤ K ≤ N ≤ {MAX_SHARDS}, got {k}/{n}"));
    }
    Ok((k, n))
}

/// One batch of a job: a policy of a run, or an arm of a comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Arm {
    /// What the outputs call it.
    label: String,
    /// Its scenario's text (after `--set`; a variant's own).
    scenario_text: String,
    /// The policy it was given, when the command chose one rather than the scenario's.
    policy: Option<String>,
}

/// The experiment a sweep's or a sensitivity analysis's job runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
enum Experiment {
    Sweep(super::sweep::Job),
    Sensitivity(super::sensitivity::Job),
}

impl Experiment {
    /// The command that runs it.
    fn command(&self) -> &'static str {
        match self {
            Experiment::Sweep(_) => "sweep",
            Experiment::Sensitivity(_) => "sensitivity",
        }
    }

    /// Where that command writes for `loaded` unless told.
    fn folder(&self, loaded: &Loaded) -> PathBuf {
        match self {
            Experiment::Sweep(_) => super::sweep::folder(loaded),
            Experiment::Sensitivity(_) => super::sensitivity::folder(loaded),
        }
    }

    /// The policies it compares, as asked.
    fn policies(&self) -> &[String] {
        match self {
            Experiment::Sweep(j) => &j.policies,
            Experiment::Sensitivity(j) => &j.policies,
        }
    }
}

/// The whole job a shard is part of: everything `merge` needs to write the outputs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Job {
    /// "run", "compare", "sweep" or "sensitivity".
    command: String,
    /// The random-stream scheme every part drew from: parts of another scheme would not
    /// be parts of the same results.
    stream_scheme: String,
    /// The base scenario's text after `--set`.
    scenario_text: String,
    scenario_label: String,
    folder: String,
    overrides: Vec<String>,
    /// The batches, baseline first.
    arms: Vec<Arm>,
    seed: u64,
    replications: u64,
    shards: u32,
    /// Whether the run writes the board report.
    report: bool,
    /// A sweep's or an analysis's own settings (a run's and a comparison's are its arms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    experiment: Option<Experiment>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Shard {
    format: String,
    job: Job,
    /// Which part, from 1.
    shard: u32,
    /// Each arm's batch, in the job's order (a run and a comparison).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    batches: Vec<BatchState>,
    /// The kept measures of every batch (a sweep; an analysis, then its global method's).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    columns: Vec<Columns>,
    /// How long the part took to run, seconds (what a merged analysis says it took).
    #[serde(default)]
    seconds: f64,
}

/// Replications `[from, to)` of part `k` of `n` of `total`.
fn range(total: u64, k: u32, n: u32) -> (u64, u64) {
    let at = |i: u32| (u128::from(total) * u128::from(i) / u128::from(n)) as u64;
    (at(k - 1), at(k))
}

/// The options `--shard` cannot take yet: its job is the batches and the board report.
fn refuse_options(args: &BatchArgs, r: &ReportArgs) -> Result<()> {
    if r.verify || r.sensitivity || r.recommendation.is_some() || r.optimise {
        return Err(InputError(
            "--shard runs the batches and the board report; --verify, --sensitivity, \
             --recommendation and --optimise are not available with it yet"
                .into(),
        )
        .into());
    }
    if args.no_output {
        return Err(InputError(
            "--shard writes its part to a folder: it cannot be used with --no-output".into(),
        )
        .into());
    }
    Ok(())
}

/// Run part `k` of `n` of every arm's replications and write the shard.
fn write_shard(
    args: &BatchArgs,
    report: &ReportArgs,
    command: &str,
    loaded: &Loaded,
    arms: Vec<(Arm, Model)>,
    cfg: &BatchConfig,
    (k, n): (u32, u32),
) -> Result<()> {
    refuse_options(args, report)?;
    let (from, to) = range(cfg.replications, k, n);
    let part = BatchConfig {
        first: from,
        replications: to - from,
        ..*cfg
    };
    let default = super::run::default_folder(loaded).join(format!("shard-{k}-of-{n}"));
    let out = output::Outputs::prepare(args.out.as_ref().unwrap_or(&default), SetKind::Shard)?;
    let pool = batch::Pool::new(cfg.threads)?;
    let mut batches = Vec::with_capacity(arms.len());
    for (arm, model) in &arms {
        let b = if part.replications == 0 {
            // more parts than replications: an empty part still belongs to the job
            let plan = batch::Plan {
                replications: 0,
                ..batch::Plan::of(&part)
            };
            batch::run_with(model, &plan, &pool, &mut |_: u64| {})?
        } else {
            let bar = super::run::progress(args, part.replications, &arm.label);
            super::run::simulate(model, &part, &pool, &bar)?
        };
        batches.push(b.state());
    }
    let policies: Vec<String> = arms
        .iter()
        .map(|(_, m)| m.policy().kind().name().to_string())
        .collect();
    let mut job = job_of(command, loaded, cfg, n);
    job.arms = arms.iter().map(|(a, _)| a.clone()).collect();
    job.report = !report.no_report;
    let shard = Shard {
        format: FORMAT.into(),
        job,
        shard: k,
        batches,
        columns: Vec::new(),
        seconds: 0.0,
    };
    save(out, shard, loaded, &arms[0].1, &part, &policies, (from, to))
}

/// The description of a job of `n` parts with no arms and no experiment yet.
fn job_of(command: &str, loaded: &Loaded, cfg: &BatchConfig, n: u32) -> Job {
    Job {
        command: command.into(),
        stream_scheme: ifss_sim::rng::STREAM_SCHEME.into(),
        scenario_text: loaded.text.clone(),
        scenario_label: loaded.label.clone(),
        folder: loaded.folder.clone(),
        overrides: loaded.overrides.clone(),
        arms: Vec::new(),
        seed: cfg.seed,
        replications: cfg.replications,
        shards: n,
        report: false,
        experiment: None,
    }
}

/// Write `shard` (holding replications `from..to`) to `out` and say so.
fn save(
    out: output::Outputs,
    shard: Shard,
    loaded: &Loaded,
    model: &Model,
    part: &BatchConfig,
    policies: &[String],
    (from, to): (u64, u64),
) -> Result<()> {
    let (k, n, total, seed) = (
        shard.shard,
        shard.job.shards,
        shard.job.replications,
        shard.job.seed,
    );
    let bytes = serde_json::to_vec(&shard)?;
    let origin = output::Origin {
        loaded,
        model,
        cfg: part,
        replications: part.replications,
        policies,
    };
    let written = out.write_set(&origin, vec![("shard.json".into(), bytes)])?;
    note!(
        "shard {k} of {n}: replications {from} to {} of {total} (seed {seed})",
        to.saturating_sub(1),
    );
    output::say_written(&written);
    Ok(())
}

/// Run part `k` of `n` of an experiment's replications (`part` runs them and returns its
/// columns) and write the shard to the command's folder's `shard-K-of-N` unless told
/// otherwise.
fn experiment_shard(
    args: &BatchArgs,
    loaded: &Loaded,
    experiment: Experiment,
    cfg: &BatchConfig,
    (k, n): (u32, u32),
    part: impl FnOnce(
        (u64, u64),
        &batch::Pool,
        &mut super::run::Watching,
    ) -> Result<Vec<Columns>, ifss_sim::experiment::ExperimentError>,
) -> Result<()> {
    if args.no_output {
        return Err(InputError(
            "--shard writes its part to a folder: it cannot be used with --no-output".into(),
        )
        .into());
    }
    let (from, to) = range(cfg.replications, k, n);
    let default = experiment.folder(loaded).join(format!("shard-{k}-of-{n}"));
    let out = output::Outputs::prepare(args.out.as_ref().unwrap_or(&default), SetKind::Shard)?;
    let pool = batch::Pool::new(cfg.threads)?;
    let bar = super::run::progress(args, to - from, "");
    let started = std::time::Instant::now();
    let columns = part(
        (from, to - from),
        &pool,
        &mut super::run::Watching { bar: &bar },
    );
    let seconds = started.elapsed().as_secs_f64();
    bar.finish_and_clear();
    let columns = super::run::experiment_result(columns)?;
    let policies = experiment.policies().to_vec();
    let mut job = job_of(experiment.command(), loaded, cfg, n);
    job.experiment = Some(experiment);
    let shard = Shard {
        format: FORMAT.into(),
        job,
        shard: k,
        batches: Vec::new(),
        columns,
        seconds,
    };
    let range_cfg = BatchConfig {
        first: from,
        replications: to - from,
        ..*cfg
    };
    save(
        out,
        shard,
        loaded,
        &loaded.model,
        &range_cfg,
        &policies,
        (from, to),
    )
}

/// `sweep --shard K/N`: every point's and policy's replications in part `k` of `n`.
pub fn sweep_shard(
    args: &BatchArgs,
    loaded: &Loaded,
    plan: &sweep::Plan,
    job: super::sweep::Job,
    cfg: &BatchConfig,
    part: (u32, u32),
) -> Result<()> {
    experiment_shard(
        args,
        loaded,
        Experiment::Sweep(job),
        cfg,
        part,
        |range, pool, watch| Ok(vec![sweep::run_part(plan, range, pool, watch)?]),
    )
}

/// `sensitivity --shard K/N`: every setting's replications in part `k` of `n` (and every
/// global sample's, when asked for).
pub fn sensitivity_shard(
    args: &BatchArgs,
    loaded: &Loaded,
    plan: &sensitivity::Plan,
    job: super::sensitivity::Job,
    cfg: &BatchConfig,
    part: (u32, u32),
) -> Result<()> {
    let global = job.global;
    experiment_shard(
        args,
        loaded,
        Experiment::Sensitivity(job),
        cfg,
        part,
        |range, pool, watch| {
            let mut parts = vec![sensitivity::run_part(plan, range, pool, watch)?];
            if let Some(samples) = global {
                parts.push(sensitivity::global_part(plan, samples, range, pool, watch)?);
            }
            Ok(parts)
        },
    )
}

/// `run --shard K/N`.
pub fn run_shard(
    a: &RunArgs,
    loaded: &Loaded,
    model: &Model,
    cfg: &BatchConfig,
    part: (u32, u32),
) -> Result<()> {
    let arm = Arm {
        label: model.policy().kind().name().into(),
        scenario_text: loaded.text.clone(),
        policy: a
            .policy
            .as_ref()
            .map(|_| model.policy().kind().name().to_string()),
    };
    write_shard(
        &a.batch,
        &a.report,
        "run",
        loaded,
        vec![(arm, model.clone())],
        cfg,
        part,
    )
}

/// `compare --shard K/N`: every arm of the comparison, as `compare` builds them.
pub fn compare_shard(
    a: &CompareArgs,
    loaded: &Loaded,
    plan: &ifss_sim::experiment::compare::Plan,
    scenarios: &[(&Model, &str)],
    cfg: &BatchConfig,
    part: (u32, u32),
) -> Result<()> {
    let mut arms = Vec::new();
    for (k, (scenario, text)) in scenarios.iter().enumerate() {
        let kinds: Vec<Option<ifss_sim::model::PolicyKind>> = match plan.policies() {
            [] => vec![None],
            ps => ps.iter().copied().map(Some).collect(),
        };
        for kind in kinds {
            let model = match kind {
                Some(kind) => scenario.with_policy(scenario.policy().with_kind(kind)),
                None => (*scenario).clone(),
            };
            let arm = Arm {
                label: plan.label(k, kind),
                scenario_text: text.to_string(),
                policy: kind.map(|k| k.name().to_string()),
            };
            arms.push((arm, model));
        }
    }
    write_shard(&a.batch, &a.report, "compare", loaded, arms, cfg, part)
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The shards' folders (each holding a shard.json), in any order.
    #[arg(required = true, value_name = "DIR")]
    shards: Vec<PathBuf>,
    /// Output folder [default: the one the unsharded command writes, e.g. output/<scenario>
    /// for a run, output/<scenario>/sweep for a sweep].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Print the machine-readable summary (JSON) on stdout instead of tables.
    #[arg(long)]
    json: bool,
    /// No progress bar.
    #[arg(long, short)]
    quiet: bool,
}

fn read_shard(dir: &Path) -> Result<Shard> {
    let path = dir.join("shard.json");
    let size = std::fs::metadata(&path)
        .with_context(|| format!("{}: no shard here", path.display()))?
        .len();
    if size > MAX_SHARD_BYTES {
        return Err(InputError(format!(
            "{}: {size} bytes, more than a shard may be ({MAX_SHARD_BYTES})",
            path.display()
        ))
        .into());
    }
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let shard: Shard = serde_json::from_str(&text).map_err(|e| {
        InputError(format!(
            "{}: not a shard (line {}, column {}: {e})",
            path.display(),
            e.line(),
            e.column()
        ))
    })?;
    if shard.format != FORMAT {
        return Err(InputError(format!(
            "{}: not a shard (format {:?})",
            path.display(),
            shard.format
        ))
        .into());
    }
    // the numbers a merge sizes its work by, checked before they are used
    let (k, n, reps) = (shard.shard, shard.job.shards, shard.job.replications);
    let most = ifss_sim::model::MAX_REPLICATIONS;
    let problem = if !(1..=MAX_SHARDS).contains(&n) {
        Some(format!("job.shards is {n}; allowed: 1 to {MAX_SHARDS}"))
    } else if !(1..=n).contains(&k) {
        Some(format!("shard is {k}; allowed: 1 to the job's {n} shards"))
    } else if !(1..=most).contains(&reps) {
        Some(format!("job.replications is {reps}; allowed: 1 to {most}"))
    } else {
        None
    };
    if let Some(problem) = problem {
        return Err(InputError(format!("{}: {problem}", path.display())).into());
    }
    Ok(shard)
}

impl Job {
    /// What differs between this job and `other`, in words; `None` if they are one job.
    fn differs(&self, other: &Job) -> Option<&'static str> {
        let checks: [(bool, &'static str); 11] = [
            (self.command != other.command, "commands"),
            (
                self.stream_scheme != other.stream_scheme,
                "random-number schemes",
            ),
            (
                self.scenario_text != other.scenario_text,
                "scenarios (after --set)",
            ),
            (
                self.scenario_label != other.scenario_label,
                "scenario names",
            ),
            (self.overrides != other.overrides, "--set options"),
            (self.arms != other.arms, "policies or variants"),
            (self.seed != other.seed, "seeds"),
            (self.replications != other.replications, "replications"),
            (self.shards != other.shards, "numbers of shards"),
            (self.report != other.report, "report options"),
            (
                self.experiment != other.experiment,
                "experiment settings (inputs and values, policies, measures, preset, level or global samples)",
            ),
        ];
        checks
            .into_iter()
            .find(|(d, _)| *d)
            .map(|(_, w)| w)
            .or_else(|| (self != other).then_some("output folders"))
    }
}

/// The shards of one job, in part order: refused if they are of different jobs, or one
/// is missing, given twice or out of range.
fn ordered(a: &MergeArgs) -> Result<(Job, Vec<(PathBuf, Shard)>)> {
    let total: u64 = a
        .shards
        .iter()
        .filter_map(|d| std::fs::metadata(d.join("shard.json")).ok())
        .map(|m| m.len())
        .sum();
    if total > MAX_MERGE_BYTES {
        return Err(InputError(format!(
            "the shards hold {total} bytes in all, more than one merge reads ({MAX_MERGE_BYTES}): \
             run the job with fewer replications"
        ))
        .into());
    }
    let mut shards: Vec<(PathBuf, Shard)> = Vec::new();
    for dir in &a.shards {
        shards.push((dir.clone(), read_shard(dir)?));
    }
    let (first_dir, first) = &shards[0];
    let job = first.job.clone();
    for (dir, s) in &shards[1..] {
        if let Some(what) = job.differs(&s.job) {
            return Err(InputError(format!(
                "{} and {} are shards of different jobs: their {what} differ",
                first_dir.display(),
                dir.display()
            ))
            .into());
        }
    }
    if job.stream_scheme != ifss_sim::rng::STREAM_SCHEME {
        return Err(InputError(format!(
            "{}: the shards drew their random numbers by another scheme ({:?}) than this \
             ifss-sim does; merge them with the version that ran them",
            first_dir.display(),
            job.stream_scheme
        ))
        .into());
    }
    let mut by_part: Vec<Option<(PathBuf, Shard)>> = (0..job.shards).map(|_| None).collect();
    for (dir, shard) in shards {
        let k = shard.shard;
        let slot = by_part
            .get_mut((k as usize).wrapping_sub(1))
            .ok_or_else(|| {
                InputError(format!(
                    "{}: shard {k} of a job of {} shards",
                    dir.display(),
                    job.shards
                ))
            })?;
        if let Some((other, _)) = slot {
            return Err(InputError(format!(
                "shard {k} of {} is given twice: {} and {}",
                job.shards,
                other.display(),
                dir.display()
            ))
            .into());
        }
        *slot = Some((dir, shard));
    }
    let missing: Vec<String> = (1..=job.shards)
        .filter(|k| by_part[*k as usize - 1].is_none())
        .map(|k| k.to_string())
        .collect();
    if !missing.is_empty() {
        return Err(InputError(format!(
            "the job has {} shards; missing: {} (run them with --shard K/{})",
            job.shards,
            missing.join(", "),
            job.shards
        ))
        .into());
    }
    Ok((job, by_part.into_iter().flatten().collect()))
}

/// The scenario the job ran, as loaded.
fn loaded_of(job: &Job) -> Result<Loaded> {
    let base = ifss_sim::scenario::load(&job.scenario_text, &job.scenario_label)
        .map_err(|e| InputError(format!("the shards' scenario does not load: {e}")))?;
    Ok(Loaded {
        text: job.scenario_text.clone(),
        label: job.scenario_label.clone(),
        model: base,
        overrides: job.overrides.clone(),
        folder: job.folder.clone(),
    })
}

/// The options the unsharded command had, as far as writing goes.
fn batch_args(a: &MergeArgs, job: &Job) -> BatchArgs {
    BatchArgs {
        input: ScenarioArgs {
            scenario: None,
            reps: Some(job.replications),
            seed: Some(job.seed),
            threads: None,
            sets: Vec::new(),
        },
        json: a.json,
        out: a.out.clone(),
        no_output: false,
        quiet: a.quiet,
    }
}

pub fn merge(a: MergeArgs) -> Result<()> {
    let started = std::time::Instant::now();
    let (job, parts) = ordered(&a)?;
    let loaded = loaded_of(&job)?;
    if let Some(experiment) = &job.experiment {
        return merge_experiment(&a, &job, experiment, &loaded, &parts, started);
    }
    let mut models = Vec::with_capacity(job.arms.len());
    for arm in &job.arms {
        let m = ifss_sim::scenario::load(&arm.scenario_text, &job.scenario_label).map_err(|e| {
            InputError(format!(
                "the shards' scenario of {:?} does not load: {e}",
                arm.label
            ))
        })?;
        models.push(match &arm.policy {
            Some(p) => m.with_policy(m.policy().with_kind(super::run::policy(p)?)),
            None => m,
        });
    }
    let mut merged: Vec<Option<Batch>> = vec![None; job.arms.len()];
    // each part's states are read back one part at a time, moved rather than copied
    for (k, (dir, s)) in parts.into_iter().enumerate() {
        if s.batches.len() != job.arms.len() {
            return Err(InputError(format!(
                "{}: {} batches, the job has {}",
                dir.display(),
                s.batches.len(),
                job.arms.len()
            ))
            .into());
        }
        let (from, _) = range(job.replications, k as u32 + 1, job.shards);
        for ((state, model), slot) in s.batches.into_iter().zip(&models).zip(merged.iter_mut()) {
            let part = Batch::from_state(model, state)
                .map_err(|e| InputError(format!("{}: {e}", dir.display())))?;
            if part.first != from {
                return Err(InputError(format!(
                    "{}: starts at replication {}, not {from}",
                    dir.display(),
                    part.first
                ))
                .into());
            }
            match slot.as_mut() {
                None => *slot = Some(part),
                Some(b) => b
                    .merge(&part)
                    .map_err(|e| InputError(format!("{}: {e}", dir.display())))?,
            }
        }
    }
    let batches: Vec<Batch> = merged
        .into_iter()
        .map(|b| b.expect("at least one shard"))
        .collect();
    if batches.iter().any(|b| b.len() as u64 != job.replications) {
        return Err(InputError(format!(
            "the shards do not hold the job's {} replications",
            job.replications
        ))
        .into());
    }
    // the outputs, exactly as the command writes them
    let args = batch_args(&a, &job);
    let options = ReportArgs {
        no_report: !job.report,
        verify: false,
        sensitivity: false,
        recommendation: None,
        optimise: false,
    };
    let cfg = BatchConfig {
        seed: job.seed,
        first: 0,
        replications: job.replications,
        threads: None,
    };
    let out = output::Outputs::prepare(
        a.out
            .as_ref()
            .unwrap_or(&super::run::default_folder(&loaded)),
        SetKind::Run,
    )?;
    let pool = batch::Pool::new(None)?;
    let runs: Vec<(&Model, &Batch)> = models.iter().zip(&batches).collect();
    let (json, table, summaries, comparison) = if job.command == "compare" {
        let labelled: Vec<(&str, &Model, &Batch)> = job
            .arms
            .iter()
            .zip(&runs)
            .map(|(arm, (m, b))| (arm.label.as_str(), *m, *b))
            .collect();
        let c = ifss_sim::report::compare::Comparison::labelled(&labelled, job.seed);
        let summaries: Vec<RunSummary> = c.policies.0.iter().map(|(_, s)| s.clone()).collect();
        let json = serde_json::to_string_pretty(&c)?;
        let table = ifss_sim::report::text::comparison_table(&loaded.model, &c);
        (json, table, summaries, Some(c))
    } else {
        let summary = RunSummary::new(runs[0].0, runs[0].1, job.seed);
        let json = serde_json::to_string_pretty(&summary)?;
        let table = ifss_sim::report::text::summary_table(runs[0].0, &summary);
        (json, table, vec![summary], None)
    };
    let run = Run {
        loaded: &loaded,
        cfg: &cfg,
        pool: &pool,
        runs: &runs,
        summaries: &summaries,
        comparison: comparison.as_ref(),
    };
    let written = super::run::write_all(&args, &options, out, &run, json.as_bytes(), started)?;
    if a.json {
        outln!("{json}")?;
    } else {
        note!(
            "merged {} shards: {} replications (seed {})",
            job.shards,
            job.replications,
            job.seed
        );
        out!("{table}")?;
        output::say_written(&written);
    }
    Ok(())
}

/// Join a sweep's or an analysis's parts and write what the unsharded command writes.
fn merge_experiment(
    a: &MergeArgs,
    job: &Job,
    experiment: &Experiment,
    loaded: &Loaded,
    parts: &[(PathBuf, Shard)],
    started: std::time::Instant,
) -> Result<()> {
    let kinds = match experiment {
        Experiment::Sensitivity(e) if e.global.is_some() => 2,
        _ => 1,
    };
    let mut joined: Vec<Columns> = Vec::with_capacity(kinds);
    for (k, (dir, s)) in parts.iter().enumerate() {
        let (from, _) = range(job.replications, k as u32 + 1, job.shards);
        if s.columns.len() != kinds {
            return Err(InputError(format!(
                "{}: {} sets of columns, the job keeps {kinds}",
                dir.display(),
                s.columns.len()
            ))
            .into());
        }
        for (i, c) in s.columns.iter().enumerate() {
            if c.first != from {
                return Err(InputError(format!(
                    "{}: starts at replication {}, not {from}",
                    dir.display(),
                    c.first
                ))
                .into());
            }
            match joined.get_mut(i) {
                None => joined.push(c.clone()),
                Some(j) => j
                    .append(c)
                    .map_err(|e| InputError(format!("{}: {e}", dir.display())))?,
            }
        }
    }
    let cfg = BatchConfig {
        seed: job.seed,
        first: 0,
        replications: job.replications,
        threads: None,
    };
    let args = batch_args(a, job);
    let damaged = |e: ifss_sim::experiment::ExperimentError| {
        InputError(format!(
            "the shards do not make the job's whole answer: {e}"
        ))
    };
    match experiment {
        Experiment::Sweep(e) => {
            let plan =
                sweep::Plan::new(&e.request(loaded, &cfg)).map_err(super::run::request_problems)?;
            let s = sweep::from_columns(&plan, &joined[0]).map_err(damaged)?;
            let out = super::run::outputs(&args, experiment.folder(loaded), SetKind::Sweep)?;
            note!(
                "merged {} shards: {} replications (seed {})",
                job.shards,
                job.replications,
                job.seed
            );
            super::sweep::finish(&args, loaded, &cfg, out, &s, e.preset, e.level)
        }
        Experiment::Sensitivity(e) => {
            let plan = e.plan(loaded, &cfg)?;
            let s = sensitivity::from_columns(&plan, &joined[0]).map_err(damaged)?;
            let global = match e.global {
                Some(n) => {
                    Some(sensitivity::global_from_columns(&plan, n, &joined[1]).map_err(damaged)?)
                }
                None => None,
            };
            let out = super::run::outputs(&args, experiment.folder(loaded), SetKind::Sensitivity)?;
            note!(
                "merged {} shards: {} replications (seed {})",
                job.shards,
                job.replications,
                job.seed
            );
            // the time the analysis took: its parts' running times added up
            let seconds =
                parts.iter().map(|(_, s)| s.seconds).sum::<f64>() + started.elapsed().as_secs_f64();
            super::sensitivity::finish(&args, loaded, &cfg, out, &s, global.as_ref(), seconds)
        }
    }
}
