//! `calibrate`: fit inputs of a scenario to the figures it stores as targets.

use super::output::{Origin, say_written};
use super::run::{Watching, config, experiment_result, outputs, request_problems};
use super::{BatchArgs, scenarios};
use anyhow::Result;
use clap::Args;
use ifss_sim::experiment::{self, calibrate};
use ifss_sim::report::csv;
use ifss_sim::report::write::SetKind;
use serde::Serialize;
use std::fmt::Write as _;

#[derive(Debug, Args)]
pub struct CalibrateArgs {
    #[command(flatten)]
    batch: BatchArgs,
    /// An input to fit and the range to search, e.g. --fit pathway.workload_scale=1..2.5
    /// (repeatable, at most 6; a numeric field named as --set names it).
    #[arg(long = "fit", value_name = "PATH=LO..HI", required = true)]
    fits: Vec<calibrate::Fit>,
    /// The most candidate points to simulate (the search, then two per input for the
    /// intervals).
    #[arg(long, value_name = "N", default_value_t = 60)]
    max_evals: u64,
}

#[derive(Serialize)]
struct CalibrationJson<'a> {
    schema: u32,
    /// The ifss-sim version that wrote it.
    version: &'static str,
    scenario: &'a str,
    method: &'static str,
    #[serde(flatten)]
    calibration: &'a calibrate::Calibration,
}

const METHOD: &str = "simulated method of moments: Nelder-Mead on common random numbers, \
                      each target weighed by the sampling error of one simulated year; \
                      intervals from the Gauss-Newton curvature at the best point";

pub fn calibrate(a: CalibrateArgs) -> Result<()> {
    let loaded = scenarios::load(a.batch.input.scenario.as_deref(), &a.batch.input.sets)?;
    let cfg = config(&a.batch.input, &loaded.model);
    let plan = calibrate::Plan::new(&calibrate::Request {
        text: loaded.text.clone(),
        origin: loaded.label.clone(),
        fits: a.fits.clone(),
        runs: experiment::Runs {
            seed: cfg.seed,
            replications: cfg.replications,
        },
        max_evaluations: a.max_evals,
    })
    .map_err(request_problems)?;
    super::run::check_size(&loaded.model, cfg.replications, 1, cfg.threads)?;
    let out = outputs(
        &a.batch,
        super::run::default_folder(&loaded).join("calibration"),
        SetKind::Calibration,
    )?;
    let bar = super::run::progress(&a.batch, cfg.replications, "");
    let pool = ifss_sim::batch::Pool::new(cfg.threads)?;
    let result = calibrate::run(&plan, &pool, &mut Watching { bar: &bar });
    bar.finish_and_clear();
    let c = experiment_result(result)?;
    let json = serde_json::to_string_pretty(&CalibrationJson {
        schema: ifss_sim::report::SCHEMA,
        version: env!("CARGO_PKG_VERSION"),
        scenario: loaded.model.name(),
        method: METHOD,
        calibration: &c,
    })?;
    let written = match out {
        Some(out) => {
            let origin = Origin {
                loaded: &loaded,
                model: &loaded.model,
                cfg: &cfg,
                replications: cfg.replications,
                policies: &[loaded.model.policy().kind().name().to_string()],
            };
            let files = vec![
                ("fitted.toml".to_string(), c.scenario.clone().into_bytes()),
                ("calibration.json".to_string(), json.clone().into_bytes()),
                ("calibration.csv".to_string(), csv::calibration(&c.targets)?),
            ];
            out.write_set(&origin, files)?
        }
        None => Vec::new(),
    };
    if a.batch.json {
        outln!("{json}")?;
    } else {
        out!("{}", text(loaded.model.title(), &c))?;
        say_written(&written);
    }
    Ok(())
}

/// A number as a person reads it: shares as percentages, counts whole, others to 3
/// significant digits.
fn num(x: f64, share: bool) -> String {
    if !x.is_finite() {
        "n/a".into()
    } else if share {
        format!("{:.1}%", 100.0 * x)
    } else if (x.fract() == 0.0 && x.abs() < 1e15) || x.abs() >= 100.0 {
        format!("{x:.0}")
    } else if x.abs() >= 10.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.3}")
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string()
    }
}

/// The calibration as text: the fitted inputs, then observed against simulated.
fn text(title: &str, c: &calibrate::Calibration) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Calibration of {title}\n{} targets, {} replications a point on seed {}, {} points simulated\n",
        c.targets.len(),
        c.replications,
        c.seed,
        c.evaluations
    );
    let _ = writeln!(s, "Fitted inputs");
    for f in &c.fitted {
        let interval = match f.ci95 {
            Some([lo, hi]) => format!("95% interval {} – {}", num(lo, false), num(hi, false)),
            None => "not identified by the targets".to_string(),
        };
        let bound = if f.at_bound {
            "  (at the end of the range searched: widen it)"
        } else {
            ""
        };
        let _ = writeln!(
            s,
            "  {:<40} {:>10}   {interval}   (searched {} – {}){bound}",
            f.path,
            num(f.value, false),
            num(f.range[0], false),
            num(f.range[1], false)
        );
    }
    let _ = writeln!(
        s,
        "\nObserved against simulated: each target beside the range one simulated year falls in\n\
         (P2.5 – P97.5 over replications) and the mean over replications with its 95% CI\n"
    );
    let _ = writeln!(
        s,
        "  {:<38} {:>10} {:>21} {:>19}  {:<6} {:>6}",
        "Target", "Observed", "One year, P2.5–P97.5", "Mean ± 95% CI", "Within", "z"
    );
    for t in &c.targets {
        let share = t.observed.abs() <= 1.0 && t.mean.abs() <= 1.0;
        let observed = match t.kind {
            "at-least" => format!("≥ {}", num(t.observed, share)),
            "at-most" => format!("≤ {}", num(t.observed, share)),
            _ => num(t.observed, share),
        };
        let half = t.ci95.map(|[lo, hi]| (hi - lo) / 2.0);
        let _ = writeln!(
            s,
            "  {:<38} {:>10} {:>21} {:>19}  {:<6} {:>6.2}",
            t.name.chars().take(38).collect::<String>(),
            observed,
            format!(
                "{} – {}",
                num(t.range95[0], share),
                num(t.range95[1], share)
            ),
            match half {
                Some(h) => format!("{} ± {}", num(t.mean, share), num(h, share)),
                None => num(t.mean, share),
            },
            if t.within { "yes" } else { "NO" },
            t.z
        );
    }
    let outside = c.targets.iter().filter(|t| !t.within).count();
    let _ = writeln!(
        s,
        "\nDistance {:.2} (the sum of squared z). {}",
        c.distance,
        match outside {
            0 => "Every target is inside its simulated one-year range.".to_string(),
            n => format!(
                "{n} of {} targets fall outside the range one simulated year gives: the model \
                 does not reproduce them with these inputs.",
                c.targets.len()
            ),
        }
    );
    s
}
