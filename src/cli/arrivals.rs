//! `fit-arrivals`: each authority's referral process estimated from a file of referral
//! records, and written into a scenario.

use super::output::{Origin, Outputs, say_written};
use super::{InputError, scenarios};
use anyhow::Result;
use clap::Args;
use ifss_sim::experiment::arrivals::{self, AreaFit, Arrivals};
use ifss_sim::model::FieldProblem;
use ifss_sim::report::csv;
use ifss_sim::report::write::SetKind;
use ifss_sim::time::Date;
use serde::Serialize;
use std::fmt::Write as _;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct FitArrivalsArgs {
    /// The referral records: CSV with a header naming `date` (YYYY-MM-DD) and `area` (an
    /// authority of the scenario, by name in any case or by slug), one row per first
    /// referral; `agency` and `need` columns may be there. At most 50 MB and 1,000,000
    /// rows. A file with any bad row (a missing column, an unknown area, a date that does
    /// not parse or is after today) fits nothing and lists every bad row.
    referrals: PathBuf,
    /// Scenario to write the fitted rates into: a TOML file or a bundled name
    /// [default: western-bay].
    scenario: Option<String>,
    /// First day of the period to fit, YYYY-MM-DD [default: the first referral's date]. It
    /// is the simulation's day 0: the ramp-up and peak day count from it.
    #[arg(long, value_name = "DATE")]
    from: Option<String>,
    /// Last day of the period to fit, YYYY-MM-DD [default: the last referral's date].
    #[arg(long, value_name = "DATE")]
    to: Option<String>,
    /// Print the fits as JSON on stdout instead of text.
    #[arg(long)]
    json: bool,
    /// Output folder [default: output/<scenario>/arrivals]: fitted.toml (the scenario with
    /// the fitted fields, each annotated), arrivals.json and arrivals.csv.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Write no files; only print.
    #[arg(long, conflicts_with = "out")]
    no_output: bool,
}

#[derive(Serialize)]
struct ArrivalsJson<'a> {
    schema: u32,
    /// The ifss-sim version that wrote it.
    version: &'static str,
    scenario: &'a str,
    method: &'static str,
    #[serde(flatten)]
    arrivals: &'a Arrivals,
}

const METHOD: &str = "Poisson process with the scenario's ramp-up and yearly cosine, fitted \
                      by maximum likelihood on a grid; exact (Garwood) 95% interval of the \
                      mean rate; likelihood-ratio tests of ramp and season against none \
                      (chi-square, 2 df); profile-likelihood intervals; Pearson dispersion \
                      test of 4-week counts (chi-square, two-sided)";

/// Today's date by the system clock (UTC).
fn today() -> Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    Date::from_days((secs / 86_400) as i64)
}

/// The referral file's bytes, read to one byte past the limit (which the fit refuses).
fn read(path: &PathBuf) -> Result<Vec<u8>> {
    use std::io::Read as _;
    let cannot = |e: std::io::Error| InputError(format!("{}: cannot read: {e}", path.display()));
    let file = std::fs::File::open(path).map_err(cannot)?;
    let mut bytes = Vec::new();
    file.take(arrivals::MAX_REFERRAL_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    Ok(bytes)
}

/// The request's problems, one a line: rows by line and column, options by name.
fn problems(file: &str, problems: &[FieldProblem]) -> anyhow::Error {
    let rows = problems
        .iter()
        .filter(|p| p.path.starts_with("line "))
        .count();
    let mut s = format!(
        "{file}: nothing was fitted or written; {} to put right{}:",
        match problems.len() {
            1 => "1 problem".to_string(),
            n => format!("{n} problems"),
        },
        match rows {
            0 => String::new(),
            1 => " (1 bad row)".to_string(),
            n => format!(" ({n} bad rows)"),
        }
    );
    for p in problems {
        let _ = match p.path.as_str() {
            path if path.starts_with("line ") => write!(s, "\n  {file}, {path}: {}", p.message),
            "referrals" | "scenario" => write!(s, "\n  {}", p.message),
            path => write!(s, "\n  --{path}: {}", p.message),
        };
    }
    InputError(s).into()
}

pub fn fit_arrivals(a: FitArrivalsArgs) -> Result<()> {
    let loaded = scenarios::load(a.scenario.as_deref(), &[])?;
    let bytes = read(&a.referrals)?;
    let file = a.referrals.file_name().map_or_else(
        || a.referrals.display().to_string(),
        |f| f.to_string_lossy().into_owned(),
    );
    let plan = arrivals::Plan::new(&arrivals::Request {
        text: loaded.text.clone(),
        origin: loaded.label.clone(),
        csv: &bytes,
        file: file.clone(),
        today: today(),
        from: a.from.clone(),
        to: a.to.clone(),
    })
    .map_err(|p| problems(&a.referrals.display().to_string(), &p))?;
    drop(bytes);
    let out = if a.no_output {
        None
    } else {
        let default = super::run::default_folder(&loaded).join("arrivals");
        Some(Outputs::prepare(
            a.out.as_ref().unwrap_or(&default),
            SetKind::Arrivals,
        )?)
    };
    let fitted = arrivals::fit(&plan).map_err(|e| anyhow::Error::new(e).context("fit failed"))?;
    let json = serde_json::to_string_pretty(&ArrivalsJson {
        schema: ifss_sim::report::SCHEMA,
        version: env!("CARGO_PKG_VERSION"),
        scenario: loaded.model.name(),
        method: METHOD,
        arrivals: &fitted,
    })?;
    let written = match out {
        Some(out) => {
            let cfg = ifss_sim::batch::BatchConfig {
                seed: loaded.model.default_seed(),
                first: 0,
                replications: 0,
                threads: None,
            };
            let origin = Origin {
                loaded: &loaded,
                model: &loaded.model,
                cfg: &cfg,
                replications: 0,
                policies: &[],
            };
            let files = vec![
                (
                    "fitted.toml".to_string(),
                    fitted.scenario.clone().into_bytes(),
                ),
                ("arrivals.json".to_string(), json.clone().into_bytes()),
                ("arrivals.csv".to_string(), csv::arrivals(&fitted.areas)?),
            ];
            out.write_set(&origin, files)?
        }
        None => Vec::new(),
    };
    if a.json {
        outln!("{json}")?;
    } else {
        out!("{}", text(loaded.model.title(), &fitted))?;
        say_written(&written);
    }
    Ok(())
}

use ifss_sim::report::figures as num;

/// The fits as text: one block per area.
fn text(title: &str, f: &Arrivals) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Referral arrivals for {title}\nfitted from {}: {} rows, {} in the period {} to {} ({} days)\n",
        f.file, f.rows, f.used, f.from, f.to, f.days
    );
    for a in &f.areas {
        area(&mut s, a);
    }
    let _ = writeln!(
        s,
        "Intervals are 95%. The mean rate's is the exact Poisson (Garwood) interval; the others \
         are\nprofile-likelihood intervals. Ramp and season are tested against none by \
         likelihood ratio\n(chi-square, 2 df) and written only at p < 0.05; day 0 is {}.",
        f.from
    );
    s
}

fn area(s: &mut String, a: &AreaFit) {
    let _ = writeln!(s, "{}: {} referrals", a.area, a.referrals);
    let _ = writeln!(
        s,
        "  mean rate      {} a year (95% CI {} – {})",
        num(a.rate),
        num(a.rate_ci95[0]),
        num(a.rate_ci95[1])
    );
    if a.referrals > 0 {
        let _ = writeln!(
            s,
            "  at full flow   {} a year (95% CI {} – {}), written as referrals_per_year",
            num(a.base_rate),
            num(a.base_rate_ci95[0]),
            num(a.base_rate_ci95[1])
        );
    }
    if let Some(r) = &a.ramp {
        let days = match r.days_ci95 {
            Some([lo, hi]) => format!("{:.0} days ({:.0} – {:.0})", r.days, lo, hi),
            None => format!("{:.0} days (not pinned down)", r.days),
        };
        let _ = writeln!(
            s,
            "  ramp-up        from {:.2} ({:.2} – {:.2}) of full flow over {days};\n                 \
             against none {}: {}",
            r.start_fraction,
            r.start_fraction_ci95[0],
            r.start_fraction_ci95[1],
            arrivals::p_text(r.p_value),
            if r.supported {
                "written"
            } else {
                "not supported, no ramp written"
            }
        );
    }
    if let Some(x) = &a.seasonality {
        let peak = match x.peak_day_ci95 {
            Some([lo, hi]) => format!(
                "peak on day {:.0} ({:.0} – {:.0})",
                x.peak_day,
                lo,
                hi.rem_euclid(365.0)
            ),
            None => format!("peak on day {:.0} (any day)", x.peak_day),
        };
        let _ = writeln!(
            s,
            "  seasonality    amplitude {:.2} ({:.2} – {:.2}), {peak};\n                 \
             against none {}: {}",
            x.amplitude,
            x.amplitude_ci95[0],
            x.amplitude_ci95[1],
            arrivals::p_text(x.p_value),
            if x.supported {
                "written"
            } else {
                "not supported, no cycle written"
            }
        );
    }
    if let Some(d) = &a.dispersion {
        let _ = writeln!(
            s,
            "  dispersion     {} 4-week blocks, Pearson chi-square {:.1} on {:.0} df:\n                 {}",
            d.blocks, d.test.statistic, d.test.df, d.verdict
        );
    }
    for n in &a.notes {
        let _ = writeln!(s, "  note           {n}");
    }
    let _ = writeln!(s);
}
