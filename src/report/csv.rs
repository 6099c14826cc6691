//! CSV outputs: one row per replication, and the comparison table. Free text from a
//! scenario goes through [`text_cell`], so no cell opens as a spreadsheet formula.

use super::compare::Comparison;
use crate::batch::Batch;
use crate::model::Model;

/// Free text made safe for a spreadsheet: a cell that starts with `=`, `+`, `-`, `@`, a
/// tab or a carriage return is read as a formula by spreadsheet programs, so it gets a
/// leading apostrophe (as OWASP advises for CSV injection), which they show as text.
/// Numbers are written by `fmt` and never pass through here.
pub fn text_cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

fn fmt(x: f64) -> String {
    if x.is_nan() {
        String::new()
    } else {
        format!("{x}")
    }
}

/// `replications.csv`: policy, replication, then every measure (empty = no observation).
pub fn replications(runs: &[(&Model, &Batch)]) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let Some((_, b0)) = runs.first() else {
        return Ok(Vec::new());
    };
    let mut header = vec!["policy".to_string(), "replication".to_string()];
    header.extend(b0.catalogue.measures().iter().map(|m| m.name.clone()));
    w.write_record(&header)?;
    for (m, b) in runs {
        for i in 0..b.values.len() {
            let r = b.values.row(i);
            let mut row = vec![
                m.policy().kind().name().to_string(),
                (b.first + i as u64).to_string(),
            ];
            row.extend(r.iter().map(|&x| fmt(x)));
            w.write_record(&row)?;
        }
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// `timeseries.csv`: for each policy, week, authority and series, the mean and the
/// P5/P50/P95 band across replications.
pub fn timeseries(runs: &[(&Model, &Batch)]) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "policy",
        "week",
        "day",
        "authority",
        "series",
        "mean",
        "p5",
        "p50",
        "p95",
    ])?;
    let opt = |x: Option<f64>| x.map_or(String::new(), fmt);
    for (m, b) in runs {
        let policy = m.policy().kind().name();
        for week in 0..b.bands.weeks() {
            for (a, auth) in m.authorities().iter().enumerate() {
                for (s, series) in crate::measures::SERIES.iter().enumerate() {
                    let fan = b.bands.get(week, a, s);
                    w.write_record([
                        policy.to_string(),
                        week.to_string(),
                        (week * 7).to_string(),
                        auth.slug().to_string(),
                        series.to_string(),
                        opt(fan.mean()),
                        opt(fan.p5()),
                        opt(fan.p50()),
                        opt(fan.p95()),
                    ])?;
                }
            }
        }
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// `comparison.csv`: for each measure and policy, the mean, and the paired difference
/// against the baseline with its confidence interval.
pub fn comparison(c: &Comparison) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "measure",
        "policy",
        "mean",
        "ci95_low",
        "ci95_high",
        "baseline",
        "diff_mean",
        "diff_ci95_low",
        "diff_ci95_high",
        "distinguishable",
    ])?;
    let opt = |x: Option<f64>| x.map_or(String::new(), fmt);
    for (name, _) in &c.baseline_kpis().0 {
        for (policy, s) in &c.policies.0 {
            let k = s.kpis.get(name);
            let d = c.diff.get(policy).and_then(|d| d.get(name));
            w.write_record([
                name.clone(),
                policy.clone(),
                opt(k.and_then(|k| k.mean)),
                opt(k.and_then(|k| k.ci95).map(|c| c[0])),
                opt(k.and_then(|k| k.ci95).map(|c| c[1])),
                c.baseline.clone(),
                opt(d.and_then(|d| d.mean)),
                opt(d.and_then(|d| d.ci95).map(|c| c[0])),
                opt(d.and_then(|d| d.ci95).map(|c| c[1])),
                d.map_or(String::new(), |d| d.distinguishable.to_string()),
            ])?;
        }
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// The targets table of a calibration: one row per target, observed beside simulated.
pub fn calibration(
    rows: &[crate::experiment::calibrate::TargetFit],
) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "target",
        "measure",
        "kind",
        "observed",
        "simulated_mean",
        "ci95_low",
        "ci95_high",
        "year_p2_5",
        "year_p97_5",
        "within",
        "z",
        "source",
        "note",
    ])?;
    for r in rows {
        let [lo, hi] = r.ci95.unwrap_or([f64::NAN, f64::NAN]);
        w.write_record([
            text_cell(&r.name),
            text_cell(&r.measure),
            r.kind.to_string(),
            fmt(r.observed),
            fmt(r.mean),
            fmt(lo),
            fmt(hi),
            fmt(r.range95[0]),
            fmt(r.range95[1]),
            r.within.to_string(),
            fmt(r.z),
            text_cell(&r.source),
            text_cell(r.note.as_deref().unwrap_or("")),
        ])?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// `arrivals.csv`: each authority's fitted referral process, one row per area.
pub fn arrivals(areas: &[crate::experiment::arrivals::AreaFit]) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "area",
        "referrals",
        "rate_per_year",
        "rate_ci95_low",
        "rate_ci95_high",
        "established_rate",
        "established_ci95_low",
        "established_ci95_high",
        "ramp_start_fraction",
        "ramp_start_ci95_low",
        "ramp_start_ci95_high",
        "ramp_days",
        "ramp_days_ci95_low",
        "ramp_days_ci95_high",
        "ramp_p",
        "ramp_supported",
        "season_amplitude",
        "season_amplitude_ci95_low",
        "season_amplitude_ci95_high",
        "season_peak_day",
        "season_peak_ci95_low",
        "season_peak_ci95_high",
        "season_p",
        "season_supported",
        "dispersion_index",
        "dispersion_df",
        "dispersion_p",
        "poisson_fits",
    ])?;
    let opt = |x: Option<f64>| x.map_or(String::new(), fmt);
    let flag = |x: Option<bool>| x.map_or(String::new(), |b| b.to_string());
    for a in areas {
        let r = a.ramp.as_ref();
        let s = a.seasonality.as_ref();
        let d = a.dispersion.as_ref();
        w.write_record([
            text_cell(&a.area),
            a.referrals.to_string(),
            fmt(a.rate),
            fmt(a.rate_ci95[0]),
            fmt(a.rate_ci95[1]),
            fmt(a.base_rate),
            fmt(a.base_rate_ci95[0]),
            fmt(a.base_rate_ci95[1]),
            opt(r.map(|r| r.start_fraction)),
            opt(r.map(|r| r.start_fraction_ci95[0])),
            opt(r.map(|r| r.start_fraction_ci95[1])),
            opt(r.map(|r| r.days)),
            opt(r.and_then(|r| r.days_ci95).map(|c| c[0])),
            opt(r.and_then(|r| r.days_ci95).map(|c| c[1])),
            opt(r.map(|r| r.p_value)),
            flag(r.map(|r| r.supported)),
            opt(s.map(|s| s.amplitude)),
            opt(s.map(|s| s.amplitude_ci95[0])),
            opt(s.map(|s| s.amplitude_ci95[1])),
            opt(s.map(|s| s.peak_day)),
            opt(s.and_then(|s| s.peak_day_ci95).map(|c| c[0])),
            opt(s.and_then(|s| s.peak_day_ci95).map(|c| c[1])),
            opt(s.map(|s| s.p_value)),
            flag(s.map(|s| s.supported)),
            opt(d.map(|d| d.test.index)),
            opt(d.map(|d| d.test.df)),
            opt(d.map(|d| d.p_value)),
            flag(d.map(|d| d.poisson)),
        ])?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// `risks.csv`: the register beside the simulation, one row per risk.
pub fn risks(rows: &[crate::risks::Assessment]) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "id",
        "risk",
        "indicator",
        "measured_as",
        "stated_likelihood",
        "simulated_probability",
        "ci95_low",
        "ci95_high",
        "likelihood_band",
        "stated_effect",
        "impact_mean",
        "impact_unit",
        "effect_band",
        "verdict",
        "effect_verdict",
        "explanation",
    ])?;
    let opt = |x: Option<f64>| x.map_or(String::new(), fmt);
    for r in rows {
        // titles, likelihood and effect words and band names are the scenario's text
        w.write_record([
            r.id.to_string(),
            text_cell(&r.title),
            r.indicator.to_string(),
            r.measured_as.to_string(),
            text_cell(&r.stated_likelihood),
            opt(r.simulated_probability),
            opt(r.ci95.map(|c| c[0])),
            opt(r.ci95.map(|c| c[1])),
            text_cell(r.likelihood_band.as_deref().unwrap_or_default()),
            text_cell(&r.stated_effect),
            opt(r.impact.as_ref().map(|i| i.mean)),
            r.impact
                .as_ref()
                .map_or(String::new(), |i| i.unit.to_string()),
            text_cell(r.effect_band.as_deref().unwrap_or_default()),
            r.verdict.label().to_string(),
            r.effect_verdict
                .map_or(String::new(), |v| v.label().to_string()),
            text_cell(&r.explanation),
        ])?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}
