//! Costs: the proposal's cost table, its audit, and the assumptions for cost projections.
//!
//! ```text
//! [costs] in TOML ──serde──► RawCosts ──validate──► Costs ──┬──► CostTable (stated, recomputed)
//!        │                      │                          └──► Audit::of
//!        └── toml::de::Error ───┴──► Vec<FieldProblem>
//! CostTable + Audit ──► report::costs (the text table and the `costs --json` rows)
//! Model (posts, Costs) ──► Projector ──year(YearInputs from a replication)──► YearCost
//! ```
//!
//! This module owns the `[costs]` section of a scenario file ([`RawCosts`], in `raw`), its
//! validation (`validate`) and the path of a serde error (`toml_path`), the validated cost
//! model ([`Costs`] and its lines, here), the cost table at the minimum, mid and maximum
//! salary points ([`CostTable`], in `table`), the arithmetic check of that table ([`Audit`],
//! in `audit`), its text and JSON renderings (in `render`), and the yearly cost over the
//! contract from what a simulation measured ([`Projector`], in `projection`, whose module
//! doc states every rule). All amounts are exact [`Pence`]; all figures are pounds a year.
//!
//! It must not know about the simulation engine or files: post names are not checked
//! against the staff list (the scenario validator does that), the projection reads only the
//! validated model's post titles and horizon and is handed the simulated staffed days and
//! travel as plain numbers, and nothing here reads, writes or prints.

mod audit;
mod projection;
mod raw;
mod table;
mod toml_path;
mod validate;

use std::fmt;

use crate::money::Pence;

pub use audit::{Audit, LineFinding, SalaryOrderFinding, TotalFinding, TotalKind};
pub use projection::{Projector, YearCost, YearInputs};
pub use raw::{
    DEFAULT_AGENCY_COVER, DEFAULT_AGENCY_PREMIUM, DEFAULT_GRADE_INCREMENTS, DEFAULT_MILEAGE_RATE,
    DEFAULT_PAY_AWARD, DEFAULT_SALARY_POINT, DEFAULT_TRAVEL_SPEED_MPH, MAX_AMOUNT_POUNDS,
    MAX_HEADCOUNT, MAX_LINES, RawByPoint, RawCosts, RawNonSalaryLine, RawSalaryLine,
    RawStatedTotals, SECTION,
};
pub use table::{Column, CostTable, NonSalaryFigures, Row};

/// One problem found while validating a scenario section: where, and what is wrong.
///
/// `path` is a dotted TOML path from the top of the scenario file, e.g.
/// `costs.salary[2].count`; `message` names the bad value and what is allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    /// Dotted path of the offending field, e.g. `costs.non_salary[0].basis`.
    pub path: String,
    /// What is wrong and what is allowed, e.g. `must be a whole number from 0 to 10000, got -1`.
    pub message: String,
}

impl FieldProblem {
    /// A problem at `path`.
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> FieldProblem {
        FieldProblem {
            path: path.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for FieldProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// One of the three salary points the proposal costs each post at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SalaryPoint {
    /// The bottom of each grade.
    Min,
    /// The middle of each grade.
    Mid,
    /// The top of each grade.
    Max,
}

impl SalaryPoint {
    /// The three points in table order.
    pub const ALL: [SalaryPoint; 3] = [SalaryPoint::Min, SalaryPoint::Mid, SalaryPoint::Max];

    /// The name used in scenario files and JSON: `min`, `mid` or `max`.
    pub const fn name(self) -> &'static str {
        match self {
            SalaryPoint::Min => "min",
            SalaryPoint::Mid => "mid",
            SalaryPoint::Max => "max",
        }
    }

    /// The point in words: `minimum`, `mid` or `maximum`.
    pub const fn words(self) -> &'static str {
        match self {
            SalaryPoint::Min => "minimum",
            SalaryPoint::Mid => "mid",
            SalaryPoint::Max => "maximum",
        }
    }

    /// The point with this scenario-file name.
    pub fn from_name(name: &str) -> Option<SalaryPoint> {
        SalaryPoint::ALL.into_iter().find(|p| p.name() == name)
    }
}

/// One value at each salary point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ByPoint<T> {
    /// At the minimum salary points.
    pub min: T,
    /// At the mid salary points.
    pub mid: T,
    /// At the maximum salary points.
    pub max: T,
}

impl<T: Copy> ByPoint<T> {
    /// The same value at every point.
    pub const fn uniform(value: T) -> ByPoint<T> {
        ByPoint {
            min: value,
            mid: value,
            max: value,
        }
    }

    /// The value at `point`.
    pub const fn at(&self, point: SalaryPoint) -> T {
        match point {
            SalaryPoint::Min => self.min,
            SalaryPoint::Mid => self.mid,
            SalaryPoint::Max => self.max,
        }
    }

    /// Apply `f` at each point.
    pub fn map<U>(&self, mut f: impl FnMut(SalaryPoint, T) -> U) -> ByPoint<U> {
        ByPoint {
            min: f(SalaryPoint::Min, self.min),
            mid: f(SalaryPoint::Mid, self.mid),
            max: f(SalaryPoint::Max, self.max),
        }
    }
}

/// A validated `[costs]` section: the budget, the cost lines and the projection assumptions.
#[derive(Debug, Clone, PartialEq)]
pub struct Costs {
    budget: Pence,
    salary: Vec<SalaryLine>,
    non_salary: Vec<NonSalaryLine>,
    stated_totals: StatedTotals,
    projection: Projection,
}

impl Costs {
    /// The yearly allocation the cost of service is compared against.
    pub fn budget(&self) -> Pence {
        self.budget
    }

    /// Salary lines in file order; at least one.
    pub fn salary_lines(&self) -> &[SalaryLine] {
        &self.salary
    }

    /// Non-salary lines in file order; possibly none.
    pub fn non_salary_lines(&self) -> &[NonSalaryLine] {
        &self.non_salary
    }

    /// Totals as printed in the source table, where the scenario gives them.
    pub fn stated_totals(&self) -> &StatedTotals {
        &self.stated_totals
    }

    /// Assumptions for projecting cost over the contract.
    pub fn projection(&self) -> &Projection {
        &self.projection
    }
}

/// The yearly cost of one group of posts, as a line total at each salary point.
///
/// Line totals include employer's NI and superannuation. Invariant: `min <= max`
/// (`mid` is not forced between them; the [`Audit`] reports it if it is not).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SalaryLine {
    post: String,
    grade: String,
    count: u32,
    amounts: ByPoint<Pence>,
}

impl SalaryLine {
    /// The post's name, matching a staff post elsewhere in the scenario.
    pub fn post(&self) -> &str {
        &self.post
    }

    /// The pay grade, as printed (e.g. `PO 9-12`); informational.
    pub fn grade(&self) -> &str {
        &self.grade
    }

    /// How many posts the line costs.
    pub fn count(&self) -> u32 {
        self.count
    }

    /// The line total at each salary point.
    pub fn amounts(&self) -> ByPoint<Pence> {
        self.amounts
    }

    /// The line total at `point`.
    pub fn at(&self, point: SalaryPoint) -> Pence {
        self.amounts.at(point)
    }
}

/// How a non-salary line's unit rate turns into a yearly cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// `unit_rate` per person per year, for `people` people.
    PerPersonYear {
        /// People costed.
        people: u32,
    },
    /// `unit_rate` per person per month (twelve a year), for `people` people.
    PerPersonMonth {
        /// People costed.
        people: u32,
    },
    /// `unit_rate` is the yearly cost of the whole line.
    LumpSum,
}

impl Basis {
    /// The scenario-file keyword: `per-person-year`, `per-person-month` or `lump-sum`.
    pub const fn keyword(self) -> &'static str {
        match self {
            Basis::PerPersonYear { .. } => "per-person-year",
            Basis::PerPersonMonth { .. } => "per-person-month",
            Basis::LumpSum => "lump-sum",
        }
    }

    /// People costed, for the per-person bases.
    pub const fn people(self) -> Option<u32> {
        match self {
            Basis::PerPersonYear { people } | Basis::PerPersonMonth { people } => Some(people),
            Basis::LumpSum => None,
        }
    }

    /// Charging periods in a year: 12 for monthly, otherwise 1.
    pub const fn periods_per_year(self) -> u32 {
        match self {
            Basis::PerPersonMonth { .. } => 12,
            Basis::PerPersonYear { .. } | Basis::LumpSum => 1,
        }
    }

    /// How many unit rates make the yearly cost: people × periods (1 for a lump sum).
    pub const fn units_per_year(self) -> i64 {
        let people = match self.people() {
            Some(people) => people as i64,
            None => 1,
        };
        people * self.periods_per_year() as i64
    }
}

/// A non-salary cost: a unit rate on a basis, and the figure the source table states.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NonSalaryLine {
    line: String,
    unit_rate: Pence,
    basis: Basis,
    stated: Option<Pence>,
    note: Option<String>,
}

impl NonSalaryLine {
    /// The line's name, e.g. `Occupancy`.
    pub fn line(&self) -> &str {
        &self.line
    }

    /// The rate per person-year, per person-month or for the whole line.
    pub fn unit_rate(&self) -> Pence {
        self.unit_rate
    }

    /// How the unit rate applies.
    pub fn basis(&self) -> Basis {
        self.basis
    }

    /// The yearly figure as the source table states it, if the scenario gives one.
    pub fn stated(&self) -> Option<Pence> {
        self.stated
    }

    /// A remark on the stated figure (e.g. what it includes beyond the rate).
    pub fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }

    /// The yearly cost from the rate: unit rate × people × periods a year.
    pub fn recomputed(&self) -> Pence {
        // Validation bounds rate, people and periods so this cannot overflow.
        self.unit_rate * self.basis.units_per_year()
    }

    /// The figure the stated table uses: the stated figure, or the recomputed one if none.
    pub fn in_table(&self) -> Pence {
        self.stated.unwrap_or_else(|| self.recomputed())
    }
}

/// Totals as printed in the source table, each optional; the [`Audit`] checks them against
/// the sums of the lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StatedTotals {
    salary: Option<ByPoint<Pence>>,
    non_salary: Option<ByPoint<Pence>>,
    total: Option<ByPoint<Pence>>,
}

impl StatedTotals {
    /// Stated total salary cost.
    pub fn salary(&self) -> Option<ByPoint<Pence>> {
        self.salary
    }

    /// Stated total non-salary cost.
    pub fn non_salary(&self) -> Option<ByPoint<Pence>> {
        self.non_salary
    }

    /// Stated total cost of service.
    pub fn total(&self) -> Option<ByPoint<Pence>> {
        self.total
    }
}

/// Assumptions for projecting cost over the contract from a simulation.
///
/// Defaults (see the `DEFAULT_*` constants): 1% pay award a year, three yearly increments from
/// the bottom to the top of a grade, starting at the minimum point, 45p a mile at 30 mph, no
/// agency cover, agency premium 30%.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Projection {
    pay_award: f64,
    grade_increments: u32,
    salary_point: SalaryPoint,
    mileage_rate: Pence,
    travel_speed_mph: f64,
    agency_cover: bool,
    agency_premium: f64,
}

impl Projection {
    /// Yearly pay award as a fraction (0.01 is 1%), applied to every salary line each
    /// contract year after the first; in `[0, 1]`.
    pub fn pay_award(&self) -> f64 {
        self.pay_award
    }

    /// Number of yearly increments from the bottom (`min`) to the top (`max`) of a grade:
    /// each contract year a line moves up `(max - min) / grade_increments`, stopping at `max`.
    /// Zero means no progression.
    pub fn grade_increments(&self) -> u32 {
        self.grade_increments
    }

    /// The salary point posts start the contract at.
    pub fn salary_point(&self) -> SalaryPoint {
        self.salary_point
    }

    /// Mileage allowance per mile of cross-region travel.
    pub fn mileage_rate(&self) -> Pence {
        self.mileage_rate
    }

    /// Average travel speed, turning simulated travel hours into miles; positive.
    pub fn travel_speed_mph(&self) -> f64 {
        self.travel_speed_mph
    }

    /// Whether vacancies are covered by agency staff (paid) rather than left unpaid.
    pub fn agency_cover(&self) -> bool {
        self.agency_cover
    }

    /// Agency cost above the salary it replaces, as a fraction (0.3 is 30%); in `[0, 2]`.
    pub fn agency_premium(&self) -> f64 {
        self.agency_premium
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    //! The default Western Bay section, loaded the way a scenario file would be.

    use super::{Costs, FieldProblem, RawCosts};
    use serde::Deserialize;

    /// The default scenario, whose `[costs]` section the tests read.
    pub const WESTERN_BAY: &str = include_str!("../../scenarios/western-bay.toml");

    /// A scenario file holding only a `[costs]` section.
    #[derive(Deserialize)]
    pub struct Wrapper {
        pub costs: RawCosts,
    }

    /// Parse a file holding a `[costs]` section; panics on a TOML or serde error.
    pub fn raw(source: &str) -> RawCosts {
        toml::from_str::<Wrapper>(source)
            .unwrap_or_else(|e| panic!("{e}"))
            .costs
    }

    /// Parse and validate.
    pub fn validated(source: &str) -> Result<Costs, Vec<FieldProblem>> {
        raw(source).validate()
    }

    /// The default section, validated.
    pub fn western_bay() -> Costs {
        validated(WESTERN_BAY).unwrap_or_else(|problems| panic!("{problems:?}"))
    }
}
