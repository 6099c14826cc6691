//! `risks`: the register beside the simulation.

use super::output::{Origin, say_written};
use super::run::{config, progress};
use super::scenarios;
use super::{BatchArgs, InputError};
use anyhow::Result;
use ifss_sim::experiment;
use ifss_sim::model::PolicyKind;
use ifss_sim::report::counted;
use ifss_sim::report::write::SetKind;
use ifss_sim::report::{csv, text};
use ifss_sim::risks;
use serde::Serialize;

#[derive(Serialize)]
struct RisksJson<'a> {
    schema: u32,
    /// The ifss-sim version that wrote it.
    version: &'static str,
    scenario: &'a str,
    replications: u64,
    seed: u64,
    risks: &'a [risks::Assessment],
}

/// The register's assessment on `cfg`'s seed and replications, with progress on `bar`.
pub(super) fn assess(
    model: &ifss_sim::model::Model,
    cfg: &ifss_sim::batch::BatchConfig,
    pool: &ifss_sim::batch::Pool,
    bar: &indicatif::ProgressBar,
) -> Result<Vec<risks::Assessment>> {
    let request = experiment::Runs {
        seed: cfg.seed,
        replications: cfg.replications,
    };
    let plan =
        experiment::risks::Plan::new(model, &request).map_err(super::run::request_problems)?;
    let rows = experiment::risks::run(model, &plan, pool, &mut super::run::Watching { bar });
    bar.finish_and_clear();
    super::run::experiment_result(rows)
}

pub fn risks(a: BatchArgs) -> Result<()> {
    let loaded = scenarios::load(a.input.scenario.as_deref(), &a.input.sets)?;
    let register = loaded.model.risks().cloned().ok_or_else(|| {
        InputError(format!(
            "{}: the scenario has no [risks] section (see `ifss-sim scenario show western-bay`)",
            loaded.label
        ))
    })?;
    let cfg = config(&a.input, &loaded.model);
    let batches = experiment::risks::Plan::batches(&register);
    super::run::check_size(&loaded.model, cfg.replications, batches, cfg.threads)?;
    // its own folder by default, so it never mixes its file into a run's set
    let out = super::run::outputs(
        &a,
        super::run::default_folder(&loaded).join("risks"),
        SetKind::Risks,
    )?;
    let bar = progress(&a, cfg.replications, "");
    let pool = ifss_sim::batch::Pool::new(cfg.threads)?;
    let rows = assess(&loaded.model, &cfg, &pool, &bar)?;
    // the file first, so that a reader closing standard output early loses nothing
    let written = match out {
        Some(out) => {
            let needs = register.needs();
            let policies: Vec<String> = std::iter::once(PolicyKind::Proportional)
                .chain(needs.demand_led.then_some(PolicyKind::DemandLed))
                .map(|p| p.name().to_string())
                .collect();
            let origin = Origin {
                loaded: &loaded,
                model: &loaded.model,
                cfg: &cfg,
                replications: cfg.replications,
                policies: &policies,
            };
            let files = vec![("risks.csv".to_string(), csv::risks(&rows)?)];
            out.write_set(&origin, files)?
        }
        None => Vec::new(),
    };
    if a.json {
        let j = RisksJson {
            schema: ifss_sim::report::SCHEMA,
            version: env!("CARGO_PKG_VERSION"),
            scenario: loaded.model.name(),
            replications: cfg.replications,
            seed: cfg.seed,
            risks: &rows,
        };
        outln!("{}", serde_json::to_string_pretty(&j)?)?;
    } else {
        outln!(
            "{} — the risk register beside {} (seed {}); probabilities are per {} run\n",
            loaded.model.title(),
            counted(cfg.replications, "replication", "replications"),
            cfg.seed,
            run_length(loaded.model.horizon_days())
        )?;
        out!("{}", text::risk_table(&rows))?;
    }
    if !a.json {
        say_written(&written);
    }
    Ok(())
}

/// "3-year" for a horizon of whole years, else "300-day".
fn run_length(days: f64) -> String {
    let years = days / 365.0;
    if years >= 1.0 && years.fract() == 0.0 {
        format!("{years:.0}-year")
    } else {
        format!("{days}-day")
    }
}
