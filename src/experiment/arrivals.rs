//! Arrivals: each authority's referral process estimated from dated referral records, and
//! written into a scenario.
//!
//! The records are CSV text with a header naming `date` (YYYY-MM-DD) and `area` (an
//! authority of the scenario, by name in any case or by slug); `agency` and `need` may
//! be there and are not used. Every bad row is reported at once, by line and column, and
//! a file with any bad row fits nothing.
//!
//! The model is the scenario's own: over the observed period (day 0 is its first day,
//! which is taken as the simulation's day 0) referrals to an area arrive as a Poisson
//! process of rate `r/365 · ramp(t) · season(t)` a day, where the ramp rises linearly
//! from `start_fraction` to 1 over `days` and the season is
//! `1 + amplitude · cos(2π(t − peak_day)/365)`. For a given shape the maximum-likelihood
//! rate is `r = 365 N / Σ_t ramp(t)·season(t)`, so the shape is fitted by maximising the
//! profile log-likelihood `Σ_t c_t ln g(t) − N ln Σ_t g(t)` over daily counts `c_t`, on a
//! grid: start fraction 0–1 by 0.02 and days 7 to the period's length (at most 1095) by 7
//! for the ramp; amplitude 0–0.98 by 0.02 and peak day 0–360 by 5 for the season. The
//! likelihood depends on the pair only through `Σ c ln ramp`, `Σ c ln season` and
//! `Σ ramp·season`, which is a sum of three per-ramp sums weighted by the season's
//! cosine and sine parts, so every ramp is tried with every season.
//!
//! - Rate: the mean over the period, `N / years`, with the exact (Garwood) Poisson 95%
//!   interval from the gamma quantiles; and the rate once flow is established (the
//!   scenario's `referrals_per_year`) under the shape chosen, with an exact interval
//!   scaled by the shape (no ramp) or a profile-likelihood interval over the ramp and
//!   season grids.
//! - Ramp: a likelihood-ratio test of the ramp against none (both with the season if
//!   fitted), `2Δℓ` against chi-square on 2 degrees of freedom (approximate: `days`
//!   means nothing without a ramp). Its intervals are profile-likelihood intervals on the
//!   grid (`2Δℓ ≤ 3.84`), interpolated between grid points: at each value of the one
//!   profiled, the best over the other ramp parameter and the season (when chosen).
//! - Season (with a year of data or more): the same test of the sinusoid against none,
//!   chi-square on 2 degrees of freedom (the amplitude and phase are a regular
//!   two-parameter cosine and sine term); profile intervals, the best over the other
//!   season parameter and the ramp (when chosen) at each value.
//! - Dispersion: Pearson's statistic of the counts in 4-week blocks against the counts
//!   the fitted model expects, on `blocks − 1 − parameters` degrees of freedom; a Poisson
//!   process fits unless the two-sided p-value is below 0.05.
//!
//! A ramp or season is written into the scenario only when its test rejects none at the
//! 5% level; when the data show none and the scenario has one, it is neutralised
//! (a start fraction of 1, an amplitude of 0), so the written rate means what it says.

use super::ExperimentError;
use crate::model::{FieldProblem, Model};
use crate::scenario::overrides::{self, Override};
use crate::stats;
use crate::time::Date;

/// The largest referral file read, in bytes.
pub const MAX_REFERRAL_BYTES: usize = 50 << 20;
/// The most referral rows one file may hold.
pub const MAX_REFERRAL_ROWS: usize = 1_000_000;
/// Days in one block of the dispersion test.
pub const BLOCK_DAYS: usize = 28;
/// Fewest referrals to an area for its ramp and season to be fitted.
pub const MIN_FOR_SHAPE: u64 = 20;
/// Fewest days of data for a ramp to be fitted.
pub const MIN_DAYS_FOR_RAMP: usize = 56;
/// Fewest days of data for a season to be fitted.
pub const MIN_DAYS_FOR_SEASON: usize = 365;
/// The level of every test and interval.
const LEVEL: f64 = 0.05;

/// What a person asks: fit the referral records in `csv` to the scenario `text`.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    /// The scenario file's text.
    pub text: String,
    /// Where it came from, for messages.
    pub origin: String,
    /// The referral records (CSV).
    pub csv: &'a [u8],
    /// The records' file name, for messages and the written scenario's notes.
    pub file: String,
    /// Today: no referral may be dated after it.
    pub today: Date,
    /// First day of the period fitted (YYYY-MM-DD) [default: the first referral's date].
    pub from: Option<String>,
    /// Last day of the period fitted [default: the last referral's date].
    pub to: Option<String>,
}

/// A validated fit: the scenario, and each authority's referral dates inside the period.
#[derive(Debug, Clone)]
pub struct Plan {
    text: String,
    origin: String,
    model: Model,
    file: String,
    rows: u64,
    from: Date,
    to: Date,
    dates: Vec<Vec<Date>>,
}

/// The names a header column is recognised by.
const DATE: &str = "date";
const AREA: &str = "area";

impl Plan {
    /// Check a request: the scenario loads, the file is within its limits, its header
    /// names `date` and `area`, every row has a real date no later than today and an
    /// authority of the scenario, and the period holds at least one referral.
    pub fn new(request: &Request<'_>) -> Result<Plan, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        let model = match crate::scenario::load(&request.text, &request.origin) {
            Ok(m) => Some(m),
            Err(e) => {
                problems.push(FieldProblem::new("scenario", e.to_string()));
                None
            }
        };
        let bound = |field: &str, text: &Option<String>, problems: &mut Vec<FieldProblem>| {
            let d = text.as_ref()?.parse::<Date>();
            match d {
                Ok(d) if d > request.today => {
                    problems.push(FieldProblem::new(
                        field,
                        format!("{d} is in the future (today is {})", request.today),
                    ));
                    None
                }
                Ok(d) => Some(d),
                Err(e) => {
                    problems.push(FieldProblem::new(field, e));
                    None
                }
            }
        };
        let from = bound("from", &request.from, &mut problems);
        let to = bound("to", &request.to, &mut problems);
        if let (Some(f), Some(t)) = (from, to)
            && f > t
        {
            problems.push(FieldProblem::new(
                "to",
                format!("the period must end on or after its start, {f}; got {t}"),
            ));
        }
        if request.csv.len() > MAX_REFERRAL_BYTES {
            problems.push(FieldProblem::new(
                "referrals",
                format!(
                    "{} is larger than {} MB ({} bytes), the limit for a referral file",
                    request.file,
                    MAX_REFERRAL_BYTES >> 20,
                    MAX_REFERRAL_BYTES
                ),
            ));
            return Err(problems);
        }
        let (rows, all) = read_rows(request, model.as_ref(), &mut problems);
        let (Some(model), true) = (model, problems.is_empty()) else {
            return Err(problems);
        };
        if all.is_empty() {
            return Err(vec![FieldProblem::new(
                "referrals",
                format!("{} has no referrals (only a header)", request.file),
            )]);
        }
        let from = from.unwrap_or_else(|| all.iter().map(|r| r.0).min().unwrap_or(request.today));
        let to = to.unwrap_or_else(|| all.iter().map(|r| r.0).max().unwrap_or(request.today));
        if from > to {
            return Err(vec![FieldProblem::new(
                "from",
                format!("{from} is after the last referral, {to}: the period is empty"),
            )]);
        }
        let mut dates = vec![Vec::new(); model.authorities().len()];
        for (date, area) in all {
            if from <= date && date <= to {
                dates[area].push(date);
            }
        }
        if dates.iter().all(Vec::is_empty) {
            return Err(vec![FieldProblem::new(
                "from",
                format!(
                    "no referral in {} falls between {from} and {to}",
                    request.file
                ),
            )]);
        }
        Ok(Plan {
            text: request.text.clone(),
            origin: request.origin.clone(),
            model,
            file: request.file.clone(),
            rows,
            from,
            to,
            dates,
        })
    }

    /// The first and last days of the period fitted.
    pub fn period(&self) -> (Date, Date) {
        (self.from, self.to)
    }

    /// The scenario.
    pub fn model(&self) -> &Model {
        &self.model
    }
}

/// Every row's date and authority (by position), with a problem for each bad row; the
/// rows read.
fn read_rows(
    request: &Request<'_>,
    model: Option<&Model>,
    problems: &mut Vec<FieldProblem>,
) -> (u64, Vec<(Date, usize)>) {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(request.csv);
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            problems.push(FieldProblem::new(
                "line 1",
                format!("cannot read the header: {e}"),
            ));
            return (0, Vec::new());
        }
    };
    let column = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let (date_col, area_col) = (column(DATE), column(AREA));
    for (name, col) in [(DATE, date_col), (AREA, area_col)] {
        if col.is_none() {
            let found: Vec<&str> = headers.iter().collect();
            problems.push(FieldProblem::new(
                "line 1",
                format!(
                    "missing column `{name}` (the header must name date and area; agency \
                     and need may follow); the header names: {}",
                    if found.is_empty() {
                        "nothing".to_string()
                    } else {
                        found.join(", ")
                    }
                ),
            ));
        }
    }
    let (Some(date_col), Some(area_col)) = (date_col, area_col) else {
        return (0, Vec::new());
    };
    let names: Vec<(String, String)> = model.map_or(Vec::new(), |m| {
        m.authorities()
            .iter()
            .map(|a| (a.name().to_lowercase(), a.slug().to_string()))
            .collect()
    });
    let allowed = model.map_or(String::new(), |m| {
        m.authorities()
            .iter()
            .map(|a| a.name().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    });
    let mut rows = 0u64;
    let mut out = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        let line = reader.position().line();
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(line, |p| p.line());
                problems.push(FieldProblem::new(
                    format!("line {line}"),
                    format!("cannot be read: {e}"),
                ));
                // a row that is not text may be followed by good ones
                if matches!(e.kind(), csv::ErrorKind::Utf8 { .. }) {
                    rows += 1;
                    continue;
                }
                break;
            }
        }
        rows += 1;
        if rows > MAX_REFERRAL_ROWS as u64 {
            problems.push(FieldProblem::new(
                "referrals",
                format!(
                    "{} has more than {MAX_REFERRAL_ROWS} rows, the limit for a referral file",
                    request.file
                ),
            ));
            break;
        }
        let line = record.position().map_or(line, |p| p.line());
        let at = |col: &str| format!("line {line}, column {col}");
        let date = match record.get(date_col).filter(|s| !s.is_empty()) {
            None => {
                problems.push(FieldProblem::new(
                    at(DATE),
                    "missing: every referral needs its date",
                ));
                None
            }
            Some(s) => match s.parse::<Date>() {
                Ok(d) if d > request.today => {
                    problems.push(FieldProblem::new(
                        at(DATE),
                        format!("{d} is in the future (today is {})", request.today),
                    ));
                    None
                }
                Ok(d) => Some(d),
                Err(e) => {
                    problems.push(FieldProblem::new(at(DATE), e));
                    None
                }
            },
        };
        let area = match record.get(area_col).filter(|s| !s.is_empty()) {
            None => {
                problems.push(FieldProblem::new(
                    at(AREA),
                    "missing: every referral needs its area",
                ));
                None
            }
            Some(s) => {
                let (lower, slug) = (s.to_lowercase(), crate::model::slug(s));
                let found = names.iter().position(|(n, sl)| *n == lower || *sl == slug);
                if found.is_none() && model.is_some() {
                    problems.push(FieldProblem::new(
                        at(AREA),
                        format!("unknown area {s:?} (allowed: {allowed})"),
                    ));
                }
                found
            }
        };
        if let (Some(d), Some(a)) = (date, area) {
            out.push((d, a));
        }
    }
    (rows, out)
}

/// A ramp's fit: `start_fraction` of the full rate rising to it over `days`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RampFit {
    /// The fitted start fraction.
    pub start_fraction: f64,
    /// Its 95% profile-likelihood interval.
    pub start_fraction_ci95: [f64; 2],
    /// The fitted days to full flow.
    pub days: f64,
    /// Its 95% profile-likelihood interval; `None` when the data cannot tell (no ramp is
    /// as likely as some).
    pub days_ci95: Option<[f64; 2]>,
    /// The likelihood-ratio statistic against no ramp.
    pub lr: f64,
    /// Its p-value (chi-square, 2 degrees of freedom).
    pub p_value: f64,
    /// Whether the data support a ramp (p below 0.05 and a start fraction below 1).
    pub supported: bool,
}

/// A yearly cycle's fit: `1 + amplitude · cos(2π(t − peak_day)/365)`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SeasonFit {
    /// The fitted amplitude.
    pub amplitude: f64,
    /// Its 95% profile-likelihood interval.
    pub amplitude_ci95: [f64; 2],
    /// The fitted peak day, from the start of the period.
    pub peak_day: f64,
    /// Its 95% profile-likelihood interval, low first; the high end may pass 365 (the
    /// interval runs on into the next year). `None` when any day could be the peak.
    pub peak_day_ci95: Option<[f64; 2]>,
    /// The likelihood-ratio statistic against no cycle.
    pub lr: f64,
    /// Its p-value (chi-square, 2 degrees of freedom).
    pub p_value: f64,
    /// Whether the data support a cycle (p below 0.05).
    pub supported: bool,
}

/// The dispersion test's result and what it means.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DispersionFit {
    /// Blocks of (about) 4 weeks counted.
    pub blocks: usize,
    /// The test.
    #[serde(flatten)]
    pub test: stats::Dispersion,
    /// The two-sided p-value, twice the smaller tail.
    pub p_value: f64,
    /// Whether a Poisson process fits (p at least 0.05).
    pub poisson: bool,
    /// The verdict in words.
    pub verdict: String,
}

/// One authority's referral process as the records show it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AreaFit {
    /// The authority.
    pub area: String,
    /// Referrals in the period.
    pub referrals: u64,
    /// Mean referrals a year over the period.
    pub rate: f64,
    /// Its exact Poisson 95% interval.
    pub rate_ci95: [f64; 2],
    /// Referrals a year once flow is established, under the ramp and season chosen: the
    /// value written as `referrals_per_year`.
    pub base_rate: f64,
    /// Its 95% interval.
    pub base_rate_ci95: [f64; 2],
    /// The ramp, when there were enough referrals and days to fit one.
    pub ramp: Option<RampFit>,
    /// The yearly cycle, when there were enough referrals and a year of days.
    pub seasonality: Option<SeasonFit>,
    /// The dispersion test, when there were enough blocks.
    pub dispersion: Option<DispersionFit>,
    /// What was left unfitted, and why.
    pub notes: Vec<String>,
    /// The scenario fields written.
    pub written: Vec<String>,
}

/// The result of a fit.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Arrivals {
    /// The records' file.
    pub file: String,
    /// Rows read.
    pub rows: u64,
    /// Rows inside the period.
    pub used: u64,
    /// First day of the period.
    pub from: String,
    /// Last day of the period.
    pub to: String,
    /// Days in the period.
    pub days: u64,
    /// Each authority of the scenario.
    pub areas: Vec<AreaFit>,
    /// The scenario with the fitted fields written in, each annotated.
    #[serde(skip)]
    pub scenario: String,
}

/// A shape of the rate over the period: ramp `(start_fraction, days)` and season
/// `(amplitude, peak_day)`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
struct Shape {
    ramp: Option<(f64, f64)>,
    season: Option<(f64, f64)>,
}

fn ramp_factor(ramp: Option<(f64, f64)>, t: f64) -> f64 {
    match ramp {
        Some((s, d)) if t < d => s + (1.0 - s) * (t / d),
        _ => 1.0,
    }
}

fn season_cos(peak: f64, t: f64) -> f64 {
    (2.0 * std::f64::consts::PI * (t - peak) / crate::time::DAYS_PER_YEAR).cos()
}

impl Shape {
    /// The rate's factor on each day of the period (at the day's middle).
    fn factors(&self, days: usize) -> Vec<f64> {
        (0..days)
            .map(|i| {
                let t = i as f64 + 0.5;
                let season = self.season.map_or(1.0, |(a, p)| 1.0 + a * season_cos(p, t));
                ramp_factor(self.ramp, t) * season
            })
            .collect()
    }
}

fn grid(lo: f64, hi: f64, step: f64) -> Vec<f64> {
    let n = ((hi - lo) / step + 1e-9).floor() as usize;
    (0..=n).map(|i| lo + i as f64 * step).collect()
}

/// A ramp on the grid with the sums that make the likelihood of any ramp and season
/// quick: `Σ c ln ramp`, and `Σ ramp`, `Σ ramp·cos θ`, `Σ ramp·sin θ` (θ = 2πt/365).
#[derive(Debug, Clone, Copy)]
struct RampPoint {
    ramp: Option<(f64, f64)>,
    log: f64,
    sum: f64,
    cos: f64,
    sin: f64,
}

/// A season on the grid: `Σ c ln season`, and its amplitude's cosine and sine parts,
/// so that `Σ ramp·season = Σ ramp + u Σ ramp·cos θ + v Σ ramp·sin θ`.
#[derive(Debug, Clone, Copy)]
struct SeasonPoint {
    season: Option<(f64, f64)>,
    log: f64,
    u: f64,
    v: f64,
}

/// The grids of ramps (start fraction 0–1 by 0.02, by row; days 7 to the period's
/// length, at most 1095, by 7) and seasons (amplitude 0–0.98 by 0.02, by row; peak day
/// 0–360 by 5), each point with its sums, and the points of neither.
struct Grids {
    fractions: Vec<f64>,
    ramp_days: Vec<f64>,
    ramps: Vec<RampPoint>,
    no_ramp: [RampPoint; 1],
    amplitudes: Vec<f64>,
    peaks: Vec<f64>,
    seasons: Vec<SeasonPoint>,
    no_season: [SeasonPoint; 1],
}

impl Grids {
    fn new(counts: &[f64]) -> Grids {
        let days = counts.len();
        let angle = |t: f64| 2.0 * std::f64::consts::PI * t / crate::time::DAYS_PER_YEAR;
        let (cos, sin): (Vec<f64>, Vec<f64>) = (0..days)
            .map(|i| angle(i as f64 + 0.5).sin_cos())
            .map(|(s, c)| (c, s))
            .unzip();
        // sums from each day to the end, for the days a ramp has reached full flow
        let mut tail = vec![(0.0, 0.0, 0.0); days + 1];
        for i in (0..days).rev() {
            let (n, c, s) = tail[i + 1];
            tail[i] = (n + 1.0, c + cos[i], s + sin[i]);
        }
        let ramp_point = |ramp: Option<(f64, f64)>| {
            let end = ramp.map_or(0, |(_, d)| {
                (d - 0.5).ceil().clamp(0.0, days as f64) as usize
            });
            let (mut sum, mut cs, mut sn) = tail[end];
            let mut log = 0.0;
            for i in 0..end {
                let r = ramp_factor(ramp, i as f64 + 0.5);
                sum += r;
                cs += r * cos[i];
                sn += r * sin[i];
                if counts[i] > 0.0 {
                    log += counts[i] * r.ln();
                }
            }
            RampPoint {
                ramp,
                log,
                sum,
                cos: cs,
                sin: sn,
            }
        };
        let fractions = grid(0.0, 1.0, 0.02);
        let ramp_days = grid(7.0, days.min(1095) as f64, 7.0);
        let ramps = fractions
            .iter()
            .flat_map(|&s| ramp_days.iter().map(move |&d| (s, d)))
            .map(|r| ramp_point(Some(r)))
            .collect();
        let amplitudes = grid(0.0, 0.98, 0.02);
        let peaks = grid(0.0, 360.0, 5.0);
        let cosines: Vec<(f64, f64, Vec<f64>)> = peaks
            .iter()
            .map(|&p| {
                let (s, c) = angle(p).sin_cos();
                let cs = (0..days).map(|i| season_cos(p, i as f64 + 0.5)).collect();
                (c, s, cs)
            })
            .collect();
        let seasons = amplitudes
            .iter()
            .flat_map(|&a| {
                cosines.iter().zip(&peaks).map(move |((c, s, cs), &p)| {
                    let log = counts
                        .iter()
                        .zip(cs)
                        .filter(|(n, _)| **n > 0.0)
                        .map(|(n, x)| n * (a * x).ln_1p())
                        .sum();
                    SeasonPoint {
                        season: Some((a, p)),
                        log,
                        u: a * c,
                        v: a * s,
                    }
                })
            })
            .collect();
        Grids {
            fractions,
            ramp_days,
            ramps,
            no_ramp: [ramp_point(None)],
            amplitudes,
            peaks,
            seasons,
            no_season: [SeasonPoint {
                season: None,
                log: 0.0,
                u: 0.0,
                v: 0.0,
            }],
        }
    }
}

/// The joint log-likelihood over every pair of the ramps and seasons given, the rate
/// maximised out: for each ramp the best over the seasons (its profile), for each
/// season the best over the ramps, the best pair, and every pair's `(Σ g, Σ c ln g)`
/// within [`cut`] of the best (all that can bear on the rate's profile interval).
struct Sweep {
    by_ramp: Vec<f64>,
    by_season: Vec<f64>,
    best: f64,
    ramp: Option<(f64, f64)>,
    season: Option<(f64, f64)>,
    near: Vec<(f64, f64)>,
}

/// The sweep of every ramp with every season; `floor` is a log-likelihood the best is
/// known to reach (it only saves work), or infinite when the near points are not wanted.
fn sweep(n: f64, ramps: &[RampPoint], seasons: &[SeasonPoint], floor: f64) -> Sweep {
    let c = cut();
    let mut by_season = vec![f64::NEG_INFINITY; seasons.len()];
    let mut by_ramp = Vec::with_capacity(ramps.len());
    let (mut best, mut at) = (f64::NEG_INFINITY, (0, 0));
    let mut near = Vec::new();
    for (k, r) in ramps.iter().enumerate() {
        let mut top = f64::NEG_INFINITY;
        for (m, (s, q)) in seasons.iter().zip(by_season.iter_mut()).enumerate() {
            let total = r.sum + s.u * r.cos + s.v * r.sin;
            let l = r.log + s.log - n * total.ln();
            if l > top {
                top = l;
            }
            if l > *q {
                *q = l;
            }
            if l > best {
                (best, at) = (l, (k, m));
            }
            if floor.is_finite() && l >= best.max(floor) - c {
                near.push((total, l + n * total.ln()));
            }
        }
        by_ramp.push(top);
    }
    near.retain(|&(total, s)| s - n * total.ln() >= best - c);
    Sweep {
        by_ramp,
        by_season,
        best,
        ramp: ramps.get(at.0).and_then(|r| r.ramp),
        season: seasons.get(at.1).and_then(|s| s.season),
        near,
    }
}

/// A profile laid out on a two-parameter grid, `rows` by `cols`: the best over the
/// columns for each row, and over the rows for each column.
fn profiles(values: &[f64], rows: usize, cols: usize) -> (Vec<f64>, Vec<f64>) {
    let mut by_row = vec![f64::NEG_INFINITY; rows];
    let mut by_col = vec![f64::NEG_INFINITY; cols];
    for (i, row) in values.chunks(cols).enumerate() {
        for (j, &l) in row.iter().enumerate() {
            by_row[i] = by_row[i].max(l);
            by_col[j] = by_col[j].max(l);
        }
    }
    (by_row, by_col)
}

/// Half the chi-square 95% cut on 1 degree of freedom: the drop in log-likelihood at a
/// 95% profile interval's ends.
fn cut() -> f64 {
    stats::chi_square_95(1.0) / 2.0
}

/// The interval of a profile on a sorted grid where it is within [`cut`] of `best`,
/// interpolated between the last point in and the first out.
fn interval(xs: &[f64], prof: &[f64], best: f64) -> [f64; 2] {
    let drop: Vec<f64> = prof.iter().map(|l| best - l).collect();
    let c = cut();
    let inside: Vec<usize> = (0..xs.len()).filter(|&i| drop[i] <= c).collect();
    let (Some(&first), Some(&last)) = (inside.first(), inside.last()) else {
        return [f64::NAN, f64::NAN];
    };
    let edge = |i_in: usize, i_out: usize| {
        let (d_in, d_out) = (drop[i_in], drop[i_out]);
        if !d_out.is_finite() || d_out <= d_in {
            return xs[i_out];
        }
        xs[i_in] + (xs[i_out] - xs[i_in]) * (c - d_in) / (d_out - d_in)
    };
    let lo = if first == 0 {
        xs[0]
    } else {
        edge(first, first - 1)
    };
    let hi = if last + 1 == xs.len() {
        xs[last]
    } else {
        edge(last, last + 1)
    };
    [lo, hi]
}

/// The interval of a profile on a circular grid of peak days (step 5 over 365): the
/// shortest arc holding every point within [`cut`] of `best`; `None` when every point is.
fn circular_interval(ps: &[f64], prof: &[f64], best: f64) -> Option<[f64; 2]> {
    let c = cut();
    let n = ps.len();
    let inside: Vec<bool> = prof.iter().map(|l| best - l <= c).collect();
    if inside.iter().all(|&x| x) || !inside.iter().any(|&x| x) {
        return None;
    }
    // the longest run of points outside, going round: the interval is the rest
    let (mut gap_start, mut gap_len) = (0, 0);
    for start in 0..n {
        if inside[start] || !inside[(start + n - 1) % n] {
            continue;
        }
        let len = (0..n).take_while(|k| !inside[(start + k) % n]).count();
        if len > gap_len {
            (gap_start, gap_len) = (start, len);
        }
    }
    let first = (gap_start + gap_len) % n;
    let last = (gap_start + n - 1) % n;
    let step = 365.0 / n as f64;
    let drop = |i: usize| best - prof[i % n];
    let frac = |i_in: usize, i_out: usize| {
        let (d_in, d_out) = (drop(i_in), drop(i_out));
        if d_out.is_finite() && d_out > d_in {
            (c - d_in) / (d_out - d_in)
        } else {
            1.0
        }
    };
    let lo = ps[first] - step * frac(first, first + n - 1);
    let mut hi = ps[last] + step * frac(last, last + 1);
    if hi < lo {
        hi += 365.0;
    }
    let lo_wrapped = lo.rem_euclid(365.0);
    Some([lo_wrapped, hi + (lo_wrapped - lo)])
}

/// Fit one area's daily counts.
fn fit_area(name: &str, counts: &[f64]) -> AreaFit {
    let days = counts.len();
    let n: f64 = counts.iter().sum();
    let years = days as f64 / crate::time::DAYS_PER_YEAR;
    let [lo, hi] = stats::poisson_ci95(n as u64);
    let mut notes = Vec::new();
    let can_ramp = n as u64 >= MIN_FOR_SHAPE && days >= MIN_DAYS_FOR_RAMP;
    let can_season = n as u64 >= MIN_FOR_SHAPE && days >= MIN_DAYS_FOR_SEASON;
    if n as u64 == 0 {
        notes.push("no referrals in the period: nothing fitted".to_string());
    } else if (n as u64) < MIN_FOR_SHAPE {
        notes.push(format!(
            "fewer than {MIN_FOR_SHAPE} referrals: no ramp or seasonality fitted"
        ));
    } else {
        if !can_ramp {
            notes.push(format!(
                "fewer than {MIN_DAYS_FOR_RAMP} days: no ramp fitted"
            ));
        }
        if !can_season {
            notes.push("less than a year of data: no seasonality fitted".to_string());
        }
    }
    let grids = (can_ramp || can_season).then(|| Grids::new(counts));
    let run =
        |ramps: &[RampPoint], seasons: &[SeasonPoint], floor: f64| sweep(n, ramps, seasons, floor);
    // the fits with neither, each alone, and both (every ramp with every season)
    let none = grids.as_ref().map_or(f64::NEG_INFINITY, |g| {
        run(&g.no_ramp, &g.no_season, f64::NEG_INFINITY).best
    });
    let ramp_alone = grids
        .as_ref()
        .filter(|_| can_ramp)
        .map(|g| run(&g.ramps, &g.no_season, none));
    let season_alone = grids
        .as_ref()
        .filter(|_| can_season)
        .map(|g| run(&g.no_ramp, &g.seasons, none));
    // both by coordinate ascent, each part fitted over its grid with the other fixed,
    // for the tests; every ramp with every season below, where a profile needs it
    let ascent = match (&grids, &ramp_alone, &season_alone) {
        (Some(g), Some(r), Some(_)) => {
            let mut ramp = r.ramp;
            let mut best = f64::NEG_INFINITY;
            for _ in 0..8 {
                let fixed = g.ramps.iter().find(|p| p.ramp == ramp);
                let fixed = std::slice::from_ref(fixed.unwrap_or(&g.no_ramp[0]));
                let s = run(fixed, &g.seasons, f64::INFINITY);
                let fixed = g.seasons.iter().find(|p| p.season == s.season);
                let fixed = std::slice::from_ref(fixed.unwrap_or(&g.no_season[0]));
                let r = run(&g.ramps, fixed, f64::INFINITY);
                ramp = r.ramp;
                if r.best - best < 1e-9 {
                    break;
                }
                best = r.best;
            }
            Some(best)
        }
        _ => None,
    };
    let test = |with: f64, without: f64| {
        let lr = (2.0 * (with - without)).max(0.0);
        (lr, stats::chi_square_sf(lr, 2.0))
    };
    // the tests, each component against none with the other as fitted
    let ramp_test = ramp_alone.as_ref().map(|r| match ascent {
        Some(b) => test(b, season_alone.as_ref().map_or(none, |s| s.best)),
        None => test(r.best, none),
    });
    let season_test = season_alone.as_ref().map(|s| match ascent {
        Some(b) => test(b, ramp_alone.as_ref().map_or(none, |r| r.best)),
        None => test(s.best, none),
    });
    let ramp_on = ramp_test.is_some_and(|(_, p)| p < LEVEL)
        && ramp_alone
            .as_ref()
            .is_some_and(|r| r.ramp.is_some_and(|(s, _)| s < 1.0));
    let season_on = season_test.is_some_and(|(_, p)| p < LEVEL)
        && season_alone
            .as_ref()
            .is_some_and(|s| s.season.is_some_and(|(a, _)| a > 0.0));
    let both = match (&grids, &ramp_alone, &season_alone) {
        (Some(g), Some(r), Some(s)) if ramp_on || season_on => {
            Some(run(&g.ramps, &g.seasons, r.best.max(s.best)))
        }
        _ => None,
    };
    // the model chosen, and the one each part is reported in: the part with the other
    // as chosen, every parameter but the one profiled maximised out
    let with_season = if season_on { &both } else { &ramp_alone };
    let with_ramp = if ramp_on { &both } else { &season_alone };
    let chosen_fit = match (ramp_on, season_on) {
        (true, true) => both.as_ref(),
        (true, false) => ramp_alone.as_ref(),
        (false, true) => season_alone.as_ref(),
        (false, false) => None,
    };
    let chosen = Shape {
        ramp: chosen_fit.and_then(|f| f.ramp).filter(|_| ramp_on),
        season: chosen_fit.and_then(|f| f.season).filter(|_| season_on),
    };
    let ramp = ramp_test.zip(grids.as_ref()).map(|((lr, p_value), g)| {
        let fit = with_season.as_ref().expect("a ramp fit");
        let (s, d) = fit.ramp.unwrap_or((1.0, g.ramp_days[0]));
        let (ps, pd) = profiles(&fit.by_ramp, g.fractions.len(), g.ramp_days.len());
        let start_fraction_ci95 = interval(&g.fractions, &ps, fit.best);
        // with no ramp inside the interval, days is pinned down; else any days will do
        let days_ci95 =
            (start_fraction_ci95[1] < 1.0).then(|| interval(&g.ramp_days, &pd, fit.best));
        RampFit {
            start_fraction: s,
            start_fraction_ci95,
            days: d,
            days_ci95,
            lr,
            p_value,
            supported: ramp_on,
        }
    });
    let seasonality = season_test.zip(grids.as_ref()).map(|((lr, p_value), g)| {
        let fit = with_ramp.as_ref().expect("a season fit");
        let (a, p) = fit.season.unwrap_or((0.0, 0.0));
        let (pa, pp) = profiles(&fit.by_season, g.amplitudes.len(), g.peaks.len());
        SeasonFit {
            amplitude: a,
            amplitude_ci95: interval(&g.amplitudes, &pa, fit.best),
            peak_day: p,
            peak_day_ci95: circular_interval(&g.peaks, &pp, fit.best),
            lr,
            p_value,
            supported: season_on,
        }
    });
    let factors = chosen.factors(days);
    let total: f64 = factors.iter().sum();
    let per_year = crate::time::DAYS_PER_YEAR;
    let base_rate = if total > 0.0 {
        per_year * n / total
    } else {
        0.0
    };
    let base_rate_ci95 = match (chosen_fit, ramp_on, n > 0.0) {
        (Some(f), true, true) => profile_rate_interval(&f.near, n, base_rate),
        _ => [lo * per_year / total, hi * per_year / total],
    };
    let dispersion = dispersion(counts, &factors, base_rate / per_year, chosen);
    AreaFit {
        area: name.to_string(),
        referrals: n as u64,
        rate: n / years,
        rate_ci95: [lo / years, hi / years],
        base_rate,
        base_rate_ci95,
        ramp,
        seasonality,
        dispersion,
        notes,
        written: Vec::new(),
    }
}

/// The profile-likelihood 95% interval of the established rate over the shapes of the
/// chosen model: `ℓ(r) = max over the grid of N ln r − r Σg/365 + Σ c ln g`, over the
/// `near` points `(Σ g, Σ c ln g)` (the others cannot reach the cut).
fn profile_rate_interval(near: &[(f64, f64)], n: f64, best_rate: f64) -> [f64; 2] {
    let per_year = crate::time::DAYS_PER_YEAR;
    let ll = |r: f64| {
        near.iter()
            .map(|&(total, s)| n * r.ln() - r * total / per_year + s)
            .fold(f64::NEG_INFINITY, f64::max)
    };
    let top = ll(best_rate);
    let c = cut();
    let solve = |mut inside: f64, mut outside: f64| {
        for _ in 0..100 {
            let mid = 0.5 * (inside + outside);
            if top - ll(mid) <= c {
                inside = mid;
            } else {
                outside = mid;
            }
        }
        0.5 * (inside + outside)
    };
    let mut far = best_rate * 2.0;
    while top - ll(far) <= c {
        far *= 2.0;
    }
    [solve(best_rate, best_rate * 1e-6), solve(best_rate, far)]
}

/// Pearson's dispersion test of the counts in 4-week blocks against the fitted model's.
fn dispersion(
    counts: &[f64],
    factors: &[f64],
    per_day: f64,
    chosen: Shape,
) -> Option<DispersionFit> {
    let mut observed = Vec::new();
    let mut expected = Vec::new();
    for (c, g) in counts.chunks(BLOCK_DAYS).zip(factors.chunks(BLOCK_DAYS)) {
        let (o, e) = (c.iter().sum::<f64>(), per_day * g.iter().sum::<f64>());
        // a short last block joins the one before it
        if c.len() < BLOCK_DAYS / 2
            && let (Some(lo), Some(le)) = (observed.last_mut(), expected.last_mut())
        {
            *lo += o;
            *le += e;
            continue;
        }
        observed.push(o);
        expected.push(e);
    }
    if expected.iter().any(|&e| e <= 0.0) {
        return None;
    }
    let fitted = 2 * usize::from(chosen.ramp.is_some()) + 2 * usize::from(chosen.season.is_some());
    let test = stats::dispersion(&observed, &expected, fitted)?;
    let p_value = (2.0 * test.p_over.min(test.p_under)).min(1.0);
    let poisson = p_value >= LEVEL;
    let verdict = if poisson {
        format!(
            "a Poisson process fits: counts per 4 weeks vary as much as chance would make \
             them (index {:.2}, {})",
            test.index,
            p_text(p_value)
        )
    } else if test.p_over < test.p_under {
        format!(
            "over-dispersed: counts per 4 weeks vary {:.1} times as much as a Poisson process \
             would ({}); referrals come in bursts the simulation's arrivals do not have",
            test.index,
            p_text(p_value)
        )
    } else {
        format!(
            "under-dispersed: counts per 4 weeks are more even than a Poisson process would \
             make them (index {:.2}, {}); the simulation's arrivals vary more than these",
            test.index,
            p_text(p_value)
        )
    };
    Some(DispersionFit {
        blocks: observed.len(),
        test,
        p_value,
        poisson,
        verdict,
    })
}

/// A p-value as text: `p = 0.04`, `p = 0.0012`, or `p < 0.0001`.
pub fn p_text(p: f64) -> String {
    if p < 1e-4 {
        "p < 0.0001".to_string()
    } else if p < 0.01 {
        format!("p = {p:.4}")
    } else {
        format!("p = {p:.2}")
    }
}

/// Fit each authority's referrals and write the fitted fields into the scenario.
pub fn fit(plan: &Plan) -> Result<Arrivals, ExperimentError> {
    let days = (plan.to.days() - plan.from.days() + 1) as usize;
    let mut areas = Vec::new();
    let mut sets = Vec::new();
    let mut notes = Vec::new();
    for (index, (authority, dates)) in plan.model.authorities().iter().zip(&plan.dates).enumerate()
    {
        let mut counts = vec![0.0; days];
        for d in dates {
            counts[(d.days() - plan.from.days()) as usize] += 1.0;
        }
        let mut a = fit_area(authority.name(), &counts);
        if a.referrals > 0 {
            let source = format!(
                "fitted by `ifss-sim fit-arrivals` from {} ({} referrals of its {} rows, {} to {})",
                plan.file, a.referrals, plan.rows, plan.from, plan.to
            );
            let path = |field: &str| format!("authorities[{index}].{field}");
            let mut write = |field: &str, value: String, note: String| {
                a.written.push(field.to_string());
                sets.push(Override {
                    path: path(field),
                    value,
                });
                notes.push(note);
            };
            write(
                "referrals_per_year",
                format!("{:?}", round_sig(a.base_rate, 4)),
                format!(
                    "first referrals a year at full flow, {source}; 95% interval {}–{}",
                    round_sig(a.base_rate_ci95[0], 3),
                    round_sig(a.base_rate_ci95[1], 3)
                ),
            );
            match &a.ramp {
                Some(r) if r.supported => write(
                    "ramp_up",
                    format!(
                        "{{ start_fraction = {:?}, days = {:?} }}",
                        round_dp(r.start_fraction, 2),
                        r.days.round()
                    ),
                    format!("{source}; ramp against none {}", p_text(r.p_value)),
                ),
                Some(r) if authority.ramp.is_some() => write(
                    "ramp_up",
                    format!(
                        "{{ start_fraction = 1.0, days = {:?} }}",
                        authority.ramp.as_ref().map_or(1.0, |x| x.days)
                    ),
                    format!(
                        "no ramp-up in the data ({source}; ramp against none {})",
                        p_text(r.p_value)
                    ),
                ),
                _ => {}
            }
            match &a.seasonality {
                Some(s) if s.supported => write(
                    "seasonality",
                    format!(
                        "{{ amplitude = {:?}, peak_day = {:?} }}",
                        round_dp(s.amplitude, 2),
                        s.peak_day.round().rem_euclid(365.0)
                    ),
                    format!(
                        "{source}; peak_day counts from {}; cycle against none {}",
                        plan.from,
                        p_text(s.p_value)
                    ),
                ),
                Some(s) if authority.seasonality.is_some() => write(
                    "seasonality",
                    "{ amplitude = 0.0, peak_day = 0.0 }".to_string(),
                    format!(
                        "no yearly cycle in the data ({source}; cycle against none {})",
                        p_text(s.p_value)
                    ),
                ),
                _ => {}
            }
        }
        areas.push(a);
    }
    let scenario = overrides::apply_annotated(&plan.text, &sets, &notes)
        .map_err(|e| ExperimentError::Search(format!("cannot write the fitted scenario: {e}")))?;
    // the written scenario must load as the one read did
    crate::scenario::load(&scenario, &plan.origin)
        .map_err(|e| ExperimentError::Search(format!("the fitted scenario does not load: {e}")))?;
    Ok(Arrivals {
        file: plan.file.clone(),
        rows: plan.rows,
        used: plan.dates.iter().map(|d| d.len() as u64).sum(),
        from: plan.from.to_string(),
        to: plan.to.to_string(),
        days: days as u64,
        areas,
        scenario,
    })
}

/// `x` to `digits` significant digits.
fn round_sig(x: f64, digits: i32) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let p = 10f64.powi(digits - 1 - x.abs().log10().floor() as i32);
    (x * p).round() / p
}

/// `x` to `places` decimal places.
fn round_dp(x: f64, places: i32) -> f64 {
    let p = 10f64.powi(places);
    (x * p).round() / p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_profile_interval_interpolates_between_grid_points() {
        let xs = [0.0, 1.0, 2.0, 3.0, 4.0];
        // a parabola with its top at 2: the drop is (x − 2)², within the cut (1.92) for |x − 2| < 1.386
        let prof: Vec<f64> = xs.iter().map(|x: &f64| -(x - 2.0).powi(2)).collect();
        let [lo, hi] = interval(&xs, &prof, 0.0);
        assert!(lo > 0.0 && lo < 1.0 && hi > 3.0 && hi < 4.0, "{lo} {hi}");
    }

    #[test]
    fn a_circular_interval_may_run_past_the_year_end() {
        let ps = grid(0.0, 360.0, 5.0);
        let best = 0.0;
        // within the cut around day 0 (days 355–10), far outside elsewhere
        let prof: Vec<f64> = ps
            .iter()
            .map(|&p| {
                let dist = p.min(365.0 - p);
                if dist <= 10.0 { 0.0 } else { -100.0 }
            })
            .collect();
        let [lo, hi] = circular_interval(&ps, &prof, best).unwrap();
        assert!(
            (350.0..355.0).contains(&lo) && (375.0..380.0).contains(&hi),
            "{lo} {hi}"
        );
        assert!(circular_interval(&ps, &vec![0.0; ps.len()], 0.0).is_none());
    }

    #[test]
    fn a_flat_process_shows_no_ramp_or_season() {
        // exactly 1 a day for two years: nothing but the rate
        let counts = vec![1.0; 730];
        let a = fit_area("x", &counts);
        assert!((a.rate - 365.0).abs() < 1e-9);
        assert!(!a.ramp.as_ref().unwrap().supported);
        assert!(!a.seasonality.as_ref().unwrap().supported);
        assert!((a.base_rate - 365.0).abs() < 1e-9);
        let d = a.dispersion.unwrap();
        assert!(!d.poisson && d.test.index < 0.1, "{d:?}");
    }
}

#[cfg(test)]
mod consistency {
    use super::*;

    #[test]
    fn expected_counts_give_back_the_shape_they_came_from() {
        let truth = Shape {
            ramp: Some((0.4, 365.0)),
            season: Some((0.3, 40.0)),
        };
        let counts: Vec<f64> = truth
            .factors(1095)
            .iter()
            .map(|g| g * 250.0 / 365.0)
            .collect();
        // the expected counts themselves, not a draw: the maximum lies at the truth
        let a = fit_area("x", &counts);
        assert!((a.base_rate - 250.0).abs() < 0.5, "{}", a.base_rate);
        let r = a.ramp.unwrap();
        assert!(r.supported && r.start_fraction == 0.4 && (r.days - 365.0).abs() <= 7.0);
        let s = a.seasonality.unwrap();
        assert!(
            s.supported && s.amplitude == 0.3 && s.peak_day == 40.0,
            "{s:?}"
        );
    }
}
