//! Per-replication measures: a [`Recorder`] observes one run and yields a
//! [`Replication`] — one number per named measure, plus a weekly time series.
//!
//! The measures are the outcome measures of the proposal (§5.2) that a capacity model
//! can produce, and what the board needs for the deployment decision. Names are flat
//! and stable (they are the JSON and CSV contract):
//!
//! - `<measure>` is the regional total, `<measure>.<authority>` one authority
//!   (e.g. `referrals.swansea`), `<measure>.y<k>` contract year k (e.g. `phase1_starts.y1`);
//! - `utilisation.base.<authority>` / `utilisation.role.<role>` and the same for
//!   `direct_contact_ratio`;
//! - with a `[costs]` section, per contract year `cost.y<k>` and its parts
//!   `cost.salary.y<k>`, `cost.agency.y<k>`, `cost.mileage.y<k>` (pounds), and
//!   `over_budget.y<k>` (1 if the year cost more than the budget, else 0), then `cost.total`,
//!   `over_budget.any` and `cost_per_phase1_completion` (see `costs::Projector`).
//!
//! The list of names comes from the model ([`Catalogue::new`]), and values come out in
//! exactly that order, so a replication is just a `Vec<f64>`. A measure with no
//! observation in a replication (e.g. the median wait when nobody was allocated) is NaN
//! and is skipped by the statistics.

pub mod names;
mod recorder;

pub use recorder::Recorder;

use crate::model::Model;

/// What a number means, for reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// A count of referrals, families or events.
    Count,
    /// Days.
    Days,
    /// Hours.
    Hours,
    /// A share between 0 and 1.
    Share,
    /// A time-averaged number of families.
    Families,
    /// An amount of money in pounds sterling (exact pence summed, then converted).
    Pounds,
}

impl Unit {
    /// Short label.
    pub fn label(self) -> &'static str {
        match self {
            Unit::Count => "count",
            Unit::Days => "days",
            Unit::Hours => "hours",
            Unit::Share => "share",
            Unit::Families => "families",
            Unit::Pounds => "pounds",
        }
    }
}

/// One named measure.
#[derive(Debug, Clone, PartialEq)]
pub struct Measure {
    /// Stable machine name.
    pub name: String,
    /// Unit.
    pub unit: Unit,
}

/// The ordered list of measures a model produces.
#[derive(Debug, Clone, PartialEq)]
pub struct Catalogue {
    measures: Vec<Measure>,
    weeks: usize,
    authorities: Vec<String>,
}

impl Catalogue {
    /// The catalogue for a model.
    pub fn new(model: &Model) -> Catalogue {
        let mut names = Names::default();
        Recorder::new(model).visit(&mut names);
        Catalogue {
            measures: names.0,
            weeks: weeks(model),
            authorities: model
                .authorities()
                .iter()
                .map(|a| a.slug().to_string())
                .collect(),
        }
    }
    /// Measures in order.
    pub fn measures(&self) -> &[Measure] {
        &self.measures
    }
    /// The first name that two measures share, if any.
    pub fn first_duplicate(&self) -> Option<&str> {
        let mut seen = std::collections::HashSet::new();
        self.measures
            .iter()
            .map(|m| m.name.as_str())
            .find(|name| !seen.insert(*name))
    }
    /// Position of a measure by name.
    pub fn index(&self, name: &str) -> Option<usize> {
        self.measures.iter().position(|m| m.name == name)
    }
    /// Number of weekly samples per replication.
    pub fn weeks(&self) -> usize {
        self.weeks
    }
    /// Authority slugs, in model order (the time series' second axis).
    pub fn authorities(&self) -> &[String] {
        &self.authorities
    }
}

/// Number of weekly samples in a run (weeks 0..=floor(horizon/7)).
pub(crate) fn weeks(model: &Model) -> usize {
    (model.horizon_days() / crate::time::DAYS_PER_WEEK).floor() as usize + 1
}

/// The series sampled weekly per authority.
pub const SERIES: [&str; 3] = ["waiting", "open_cases", "utilisation"];

/// Whether each of [`SERIES`] is a whole number (a count of families) rather than a
/// continuous level.
pub const SERIES_COUNTS: [bool; 3] = [true, true, false];

/// The grid each continuous series of [`SERIES`] is counted on, points per unit: staff
/// utilisation (a ratio near 1) to 0.001, a tenth of a percentage point, so its weekly
/// bands are exact and merge exactly at any size.
pub const SERIES_PER_UNIT: [u32; 3] = [1, 1, 1000];

/// An empty weekly band for series `i` of [`SERIES`].
pub fn series_band(i: usize) -> crate::stats::BandAccumulator {
    match SERIES_COUNTS[i] {
        true => crate::stats::BandAccumulator::new(true),
        false => crate::stats::BandAccumulator::on_grid(SERIES_PER_UNIT[i]),
    }
}

/// Width of the wait histogram's bins, in days, and their number (the last bin also
/// holds every longer wait).
pub const WAIT_BIN_DAYS: f64 = 1.0;
/// Bins in the wait histogram.
pub const WAIT_BINS: usize = 366;

/// What one replication produced.
#[derive(Debug, Clone, PartialEq)]
pub struct Replication {
    /// Values in [`Catalogue`] order.
    pub values: Vec<f64>,
    /// Weekly samples, indexed `[week][authority][series]` flattened row-major, series
    /// as in [`SERIES`].
    pub series: Vec<f64>,
    /// Waits to first meeting per authority: counts in [`WAIT_BINS`] bins of
    /// [`WAIT_BIN_DAYS`], indexed `[authority][bin]` flattened.
    pub wait_histogram: Vec<u32>,
    /// Events the engine processed.
    pub events: u64,
}

/// Receives measures in catalogue order.
pub(crate) trait Visit {
    /// One measure; `name` is only called when names are wanted.
    fn measure(&mut self, name: &dyn Fn() -> String, unit: Unit, value: f64);
}

#[derive(Default)]
struct Names(Vec<Measure>);
impl Visit for Names {
    fn measure(&mut self, name: &dyn Fn() -> String, unit: Unit, _: f64) {
        self.0.push(Measure { name: name(), unit });
    }
}

pub(crate) struct Values<'a>(pub(crate) &'a mut Vec<f64>);
impl Visit for Values<'_> {
    fn measure(&mut self, _: &dyn Fn() -> String, _: Unit, value: f64) {
        self.0.push(value);
    }
}
