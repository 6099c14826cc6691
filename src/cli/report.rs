//! Writing the board report (`report.html` and one SVG per picture) after a run.

use super::output::Run;
use super::{BatchArgs, InputError, ReportArgs};
use anyhow::{Context, Result};
use ifss_sim::experiment;
use ifss_sim::report::board::{self, BoardInput};
use ifss_sim::report::html;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// The machine in a line: cores, processor, operating system.
fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown processor".into());
    format!(
        "{cores} cores, {cpu}, {} {}",
        std::env::consts::OS,
        std::env::consts::ARCH
    )
}

/// UTC date and time from seconds since 1970 (civil-from-days, proleptic Gregorian).
fn utc(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
        rem / 3600,
        rem % 3600 / 60
    )
}

/// Build the report: its files as `(name, bytes)`, pictures first, nothing written yet.
/// This runs the risk register's batches (and the validation checks with `--verify`), so
/// it comes before the folder's old set is touched.
pub fn build(
    args: &BatchArgs,
    options: &ReportArgs,
    run: &Run<'_>,
    started: Instant,
) -> Result<Vec<(String, Vec<u8>)>> {
    let Run {
        loaded,
        cfg,
        pool,
        runs,
        summaries,
        comparison,
    } = *run;
    // the register beside the simulation, on the same seeds
    let risks = match loaded.model.risks() {
        Some(_) => {
            let bar = super::run::progress(args, cfg.replications, "risk register");
            Some(
                super::risks::assess(&loaded.model, cfg, pool, &bar)
                    .context("risk register batches failed")?,
            )
        }
        None => None,
    };
    // validation evidence for the assurance section, when asked for
    let validation = if options.verify {
        let evidence = experiment::validation::run(ifss_sim::verify::DEFAULT_SEED, cfg.threads)
            .context("validation checks failed to run")?;
        note!("{}", evidence.summary());
        Some(ifss_sim::report::board::Validation {
            rows: evidence
                .rows
                .into_iter()
                .map(|r| {
                    [
                        r.check,
                        format!("{:.4}", r.theory),
                        format!("{:.4}", r.simulated),
                        if r.pass { "pass" } else { "FAIL" }.to_string(),
                    ]
                })
                .collect(),
            left_out: evidence.left_out,
        })
    } else {
        None
    };
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let run_time = format!(
        "{} · {:.1} s of computation",
        utc(now),
        started.elapsed().as_secs_f64()
    );
    let machine = machine();
    let calibration = calibration_evidence(loaded, runs, cfg, pool)?;
    let depends = match options.sensitivity {
        true => Some(what_it_depends_on(args, loaded, cfg, pool)?),
        false => None,
    };
    let recommendation = recommendation(args, options, loaded, cfg, pool)?;
    let report = board::board_report(&BoardInput {
        model: &loaded.model,
        scenario_text: &loaded.text,
        runs,
        summaries,
        comparison,
        risks: risks.as_deref(),
        validation: validation.as_ref(),
        calibration: calibration
            .as_ref()
            .map(|(name, rows)| (name.as_str(), rows.as_slice())),
        depends: depends.as_ref().map(|d| board::Depends {
            sensitivity: d.sensitivity.as_ref(),
            capacity: Some((&d.capacity, CAPACITY_LEVEL)),
            sharing: Some(&d.sharing),
            referrals_per_scale: d.referrals_per_scale,
            seconds: d.seconds,
        }),
        recommendation: recommendation.as_ref(),
        run_time: &run_time,
        machine: &machine,
    });
    let mut files: Vec<(String, Vec<u8>)> = board::figure_files(&report)
        .into_iter()
        .map(|(name, svg)| (name, svg.into_bytes()))
        .collect();
    if let Some(rows) = &risks {
        files.push(("risks.csv".into(), ifss_sim::report::csv::risks(rows)?));
    }
    files.push(("report.html".into(), html::render(&report).into_bytes()));
    Ok(files)
}

/// The share of accepted families seen within the target that counts as keeping up.
const CAPACITY_LEVEL: f64 = 0.8;

/// The analyses of the report's "What the answer depends on" section.
struct DependsOn {
    sensitivity: Option<experiment::sensitivity::Sensitivity>,
    capacity: experiment::sweep::Sweep,
    sharing: experiment::sweep::Sweep,
    referrals_per_scale: f64,
    seconds: f64,
}

/// Run the capacity sweep and, when the scenario lists assumed inputs, the sensitivity
/// analysis, on the run's seed, replications and pool.
fn what_it_depends_on(
    args: &BatchArgs,
    loaded: &super::scenarios::Loaded,
    cfg: &ifss_sim::batch::BatchConfig,
    pool: &ifss_sim::batch::Pool,
) -> Result<DependsOn> {
    use experiment::{Runs, sensitivity, sweep};
    let begun = Instant::now();
    let runs = Runs {
        seed: cfg.seed,
        replications: cfg.replications,
    };
    let two = vec!["proportional".to_string(), "demand-led".to_string()];
    let bar = super::run::progress(args, cfg.replications, "");
    let mut watch = super::run::Watching { bar: &bar };
    let plan = sweep::Plan::new(&sweep::Request {
        text: loaded.text.clone(),
        origin: loaded.label.clone(),
        axes: vec![
            "simulation.referral_scale=0.2..1.4/13"
                .parse()
                .map_err(super::InputError)?,
        ],
        policies: two.clone(),
        measures: vec![ifss_sim::measures::names::WAIT_KM_WITHIN_TARGET.to_string()],
        runs,
        precision: None,
    })
    .map_err(super::run::request_problems)?;
    let capacity = super::run::experiment_result(sweep::run(&plan, pool, &mut watch))?;
    let plan = sweep::Plan::new(&sweep::Request {
        text: loaded.text.clone(),
        origin: loaded.label.clone(),
        axes: vec![sweep::SHARING_AXIS.parse().map_err(super::InputError)?],
        policies: two.clone(),
        measures: vec![
            ifss_sim::measures::names::WAIT.to_string(),
            ifss_sim::measures::names::TRAVEL_HOURS.to_string(),
        ],
        runs,
        precision: None,
    })
    .map_err(super::run::request_problems)?;
    let sharing = super::run::experiment_result(sweep::run(&plan, pool, &mut watch))?;
    let sensitivity = match loaded.model.sensitivity().is_empty() {
        true => None,
        false => {
            let plan = sensitivity::Plan::new(&sensitivity::Request {
                text: loaded.text.clone(),
                origin: loaded.label.clone(),
                policies: two,
                runs,
            })
            .map_err(super::run::request_problems)?;
            Some(super::run::experiment_result(sensitivity::run(
                &plan, pool, &mut watch,
            ))?)
        }
    };
    bar.finish_and_clear();
    // the sweep sets the scale itself, whatever the scenario's own is
    let referrals_per_scale = loaded.model.first_referrals_per_unit_scale();
    Ok(DependsOn {
        sensitivity,
        capacity,
        sharing,
        referrals_per_scale,
        seconds: begun.elapsed().as_secs_f64(),
    })
}

/// The calibration the workload rests on: the scenario's own targets against its first
/// batch, or those of the bundled scenario it was calibrated to, simulated on its own seed
/// with this run's replications.
fn calibration_evidence(
    loaded: &super::scenarios::Loaded,
    runs: &[(&ifss_sim::model::Model, &ifss_sim::batch::Batch)],
    cfg: &ifss_sim::batch::BatchConfig,
    pool: &ifss_sim::batch::Pool,
) -> Result<Option<(String, Vec<ifss_sim::experiment::calibrate::TargetFit>)>> {
    use ifss_sim::experiment::calibrate::assess;
    let model = &loaded.model;
    if !model.targets().is_empty() {
        let Some((_, batch)) = runs.first() else {
            return Ok(None);
        };
        return Ok(Some((
            model.name().to_string(),
            assess(model.targets(), batch).0,
        )));
    }
    let Some(name) = model.calibrated_to() else {
        return Ok(None);
    };
    let Some(Ok(source)) = ifss_sim::scenario::load_bundled(name) else {
        return Ok(None);
    };
    let plan = ifss_sim::batch::Plan {
        seed: source.default_seed(),
        first: 0,
        replications: cfg.replications,
        chunk: ifss_sim::batch::CHUNK,
        bands: false,
    };
    let bar = indicatif::ProgressBar::hidden();
    let b = super::run::experiment_result(experiment::batch_of(
        &source,
        &plan,
        pool,
        &mut super::run::Watching { bar: &bar },
        "calibration",
    ))?;
    Ok(Some((name.to_string(), assess(source.targets(), &b).0)))
}

/// The optimisation the report leads with: read from `--recommendation FILE` (checked to
/// be of this scenario), or run with `--optimise`.
fn recommendation(
    args: &BatchArgs,
    options: &ReportArgs,
    loaded: &super::scenarios::Loaded,
    cfg: &ifss_sim::batch::BatchConfig,
    pool: &ifss_sim::batch::Pool,
) -> Result<Option<ifss_sim::experiment::optimise::Optimisation>> {
    use ifss_sim::experiment::optimise;
    if let Some(path) = &options.recommendation {
        return read_recommendation(path, loaded).map(Some);
    }
    if !options.optimise {
        return Ok(None);
    }
    let Some(search) = loaded.model.optimise() else {
        return Err(InputError(format!(
            "--optimise: {} has no [optimise] section saying what may change",
            loaded.model.name()
        ))
        .into());
    };
    let plan = optimise::Plan::new(&optimise::Request {
        text: loaded.text.clone(),
        origin: loaded.label.clone(),
        search: search.clone(),
        seed: cfg.seed,
    })
    .map_err(super::run::request_problems)?;
    let bar = super::run::progress(args, plan.most_replications(), "optimise");
    let result = optimise::run(&plan, pool, &mut super::run::Watching { bar: &bar });
    bar.finish_and_clear();
    Ok(Some(super::run::experiment_result(result)?))
}

/// An `optimise.json` of this scenario, read and checked (before any batch runs, so a
/// wrong file costs nothing).
pub(super) fn read_recommendation(
    path: &std::path::Path,
    loaded: &super::scenarios::Loaded,
) -> Result<ifss_sim::experiment::optimise::Optimisation> {
    use ifss_sim::experiment::optimise;
    let shown = path.display();
    let text = std::fs::read_to_string(path)
        .map_err(|e| InputError(format!("{shown}: cannot read it ({e})")))?;
    #[derive(serde::Deserialize)]
    struct File {
        scenario: String,
        #[serde(flatten)]
        result: optimise::Optimisation,
    }
    let file: File = serde_json::from_str(&text).map_err(|e| {
        InputError(format!(
            "{shown}: line {}, column {}: not an optimise.json written by `ifss-sim \
             optimise` ({e})",
            e.line(),
            e.column()
        ))
    })?;
    if file.scenario != loaded.model.name() {
        return Err(InputError(format!(
            "{shown}: it is an optimisation of scenario {:?}, not of {:?}",
            file.scenario,
            loaded.model.name()
        ))
        .into());
    }
    let o = file.result;
    let n = o.fields.len();
    let sound = !o.configurations.is_empty()
        && o.proposal_values.len() == n
        && o.field_words.len() == n
        && o.configurations.iter().all(|c| c.values.len() == n)
        && o.chosen.is_none_or(|c| c < o.configurations.len());
    if !sound {
        return Err(InputError(format!(
            "{shown}: its configurations do not match its fields; write it again with \
             `ifss-sim optimise`"
        ))
        .into());
    }
    Ok(o)
}

/// Check `--recommendation` and `--optimise` before any batch runs.
pub(super) fn check_recommendation(
    options: &ReportArgs,
    loaded: &super::scenarios::Loaded,
) -> Result<()> {
    if let Some(path) = &options.recommendation {
        read_recommendation(path, loaded)?;
    }
    if options.optimise && loaded.model.optimise().is_none() {
        return Err(InputError(format!(
            "--optimise: {} has no [optimise] section saying what may change",
            loaded.model.name()
        ))
        .into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn utc_dates_are_civil() {
        assert_eq!(super::utc(0), "1970-01-01 00:00 UTC");
        assert_eq!(super::utc(951_782_400), "2000-02-29 00:00 UTC");
        assert_eq!(
            super::utc(1_795_392_000 + 3_600 * 13 + 60 * 5),
            "2026-11-23 13:05 UTC"
        );
    }
}
