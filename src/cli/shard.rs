//! `run --shard K/N`, `compare --shard K/N` and `merge`: a run's or a comparison's
//! replications in N disjoint parts, each kept as its batches' states beside a description
//! of the whole job, and merged back into exactly the output set the unsharded command
//! writes (timings and the command line aside).
//!
//! Part K of N holds replications `⌊R(K−1)/N⌋ .. ⌊RK/N⌋` of the job's R. Replication r
//! always draws from (seed, r), and [`ifss_sim::batch::Batch::merge`] folds parts in
//! replication order to the bit, so where a part ran does not matter.

use super::output::{self, Run};
use super::scenarios::Loaded;
use super::{BatchArgs, CompareArgs, InputError, ReportArgs, RunArgs, ScenarioArgs};
use anyhow::{Context, Result};
use clap::Args;
use ifss_sim::batch::{self, Batch, BatchConfig, BatchState};
use ifss_sim::model::Model;
use ifss_sim::report::summary::RunSummary;
use ifss_sim::report::write::SetKind;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// What this file format is called in its own data.
const FORMAT: &str = "ifss-sim shard";
/// Largest shard file read, bytes.
const MAX_SHARD_BYTES: u64 = 4 << 30;

/// `K/N` with 1 ≤ K ≤ N ≤ 10,000.
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
    if n == 0 || n > 10_000 || k == 0 || k > n {
        return Err(format!("need 1 ≤ K ≤ N ≤ 10000, got {k}/{n}"));
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

/// The whole job a shard is part of: everything `merge` needs to write the outputs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Job {
    /// "run" or "compare".
    command: String,
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
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Shard {
    format: String,
    job: Job,
    /// Which part, from 1.
    shard: u32,
    /// Each arm's batch, in the job's order.
    batches: Vec<BatchState>,
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
    let shard = Shard {
        format: FORMAT.into(),
        job: Job {
            command: command.into(),
            scenario_text: loaded.text.clone(),
            scenario_label: loaded.label.clone(),
            folder: loaded.folder.clone(),
            overrides: loaded.overrides.clone(),
            arms: arms.iter().map(|(a, _)| a.clone()).collect(),
            seed: cfg.seed,
            replications: cfg.replications,
            shards: n,
            report: !report.no_report,
        },
        shard: k,
        batches,
    };
    let bytes = serde_json::to_vec(&shard)?;
    let origin = output::Origin {
        loaded,
        model: &arms[0].1,
        cfg: &part,
        replications: part.replications,
        policies: &policies,
    };
    let written = out.write_set(&origin, vec![("shard.json".into(), bytes)])?;
    note!(
        "shard {k} of {n}: replications {from} to {} of {} (seed {})",
        to.saturating_sub(1),
        cfg.replications,
        cfg.seed
    );
    output::say_written(&written);
    Ok(())
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
    /// Output folder [default: output/<scenario>, as the unsharded run].
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
    Ok(shard)
}

pub fn merge(a: MergeArgs) -> Result<()> {
    let started = std::time::Instant::now();
    let mut shards: Vec<(PathBuf, Shard)> = Vec::new();
    for dir in &a.shards {
        shards.push((dir.clone(), read_shard(dir)?));
    }
    let (first_dir, first) = &shards[0];
    let job = first.job.clone();
    for (dir, s) in &shards[1..] {
        if s.job != job {
            return Err(InputError(format!(
                "{} and {} are shards of different jobs (scenario, policy, seed, replications or number of shards differ)",
                first_dir.display(),
                dir.display()
            ))
            .into());
        }
    }
    let mut by_part: Vec<Option<&(PathBuf, Shard)>> = vec![None; job.shards as usize];
    for entry in &shards {
        let k = entry.1.shard;
        let slot = by_part
            .get_mut((k as usize).wrapping_sub(1))
            .ok_or_else(|| {
                InputError(format!(
                    "{}: shard {k} of a job of {} shards",
                    entry.0.display(),
                    job.shards
                ))
            })?;
        if let Some(other) = slot {
            return Err(InputError(format!(
                "shard {k} of {} is given twice: {} and {}",
                job.shards,
                other.0.display(),
                entry.0.display()
            ))
            .into());
        }
        *slot = Some(entry);
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
    // the job's scenarios, as the shards ran them
    let base = ifss_sim::scenario::load(&job.scenario_text, &job.scenario_label)
        .map_err(|e| InputError(format!("the shards' scenario does not load: {e}")))?;
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
    let loaded = Loaded {
        text: job.scenario_text.clone(),
        label: job.scenario_label.clone(),
        model: base,
        overrides: job.overrides.clone(),
        folder: job.folder.clone(),
    };
    let mut merged: Vec<Option<Batch>> = vec![None; job.arms.len()];
    for (k, entry) in by_part.into_iter().enumerate() {
        let (dir, s) = entry.expect("every part is present");
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
        for ((state, model), slot) in s.batches.iter().zip(&models).zip(merged.iter_mut()) {
            let part = Batch::from_state(model, state.clone())
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
    let args = BatchArgs {
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
    };
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
