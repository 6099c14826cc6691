//! The `[costs]` section as written in a scenario file: serde types and their defaults.
//!
//! The raw types mirror the TOML one to one (`deny_unknown_fields`) and are deliberately
//! permissive in type — amounts are `f64` pounds, counts are `i64`, enumerated words are
//! strings — so that [`RawCosts::validate`] (in `validate`) can report every bad value at
//! once, each with its path. Only unknown fields, missing required fields and wrong TOML
//! types stop serde itself; [`FieldProblem::from_toml_error`](crate::model::FieldProblem::from_toml_error) (in
//! `toml_path`) gives such an error a path.

use serde::Deserialize;

use crate::model::costs::SalaryPoint;
use crate::money::Pence;

/// The name of the section in a scenario file; every problem path starts with it.
pub const SECTION: &str = "costs";

/// Default yearly pay award: 1%.
pub const DEFAULT_PAY_AWARD: f64 = 0.01;
/// Default yearly increments from the bottom to the top of a grade: 3 (a four-point grade
/// such as PO 9-12).
pub const DEFAULT_GRADE_INCREMENTS: u32 = 3;
/// Default starting salary point.
pub const DEFAULT_SALARY_POINT: SalaryPoint = SalaryPoint::Min;
/// Default mileage allowance: 45p a mile.
pub const DEFAULT_MILEAGE_RATE: Pence = Pence::from_pence(45);
/// Default average travel speed: 30 miles per hour.
pub const DEFAULT_TRAVEL_SPEED_MPH: f64 = 30.0;
/// Default: vacancies are not covered by agency staff.
pub const DEFAULT_AGENCY_COVER: bool = false;
/// Default agency premium over salary: 30%.
pub const DEFAULT_AGENCY_PREMIUM: f64 = 0.3;

/// Largest amount accepted anywhere in the section, in pounds (one hundred million).
///
/// With [`MAX_HEADCOUNT`] and [`MAX_LINES`] this keeps every total exact in 64-bit pence.
pub const MAX_AMOUNT_POUNDS: i64 = 100_000_000;
/// Largest `count` or `people` accepted.
pub const MAX_HEADCOUNT: i64 = 10_000;
/// Most salary lines, and most non-salary lines, accepted.
pub const MAX_LINES: usize = 1_000;

/// The `[costs]` section of a scenario file. Amounts are pounds a year unless said otherwise.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCosts {
    /// The yearly allocation, in pounds.
    pub budget: f64,
    /// Yearly pay award as a fraction (0.01 is 1%).
    #[serde(default = "default_pay_award")]
    pub pay_award: f64,
    /// Yearly increments from the bottom to the top of a grade.
    #[serde(default = "default_grade_increments")]
    pub grade_increments: i64,
    /// Starting salary point: `"min"`, `"mid"` or `"max"`.
    #[serde(default = "default_salary_point")]
    pub salary_point: String,
    /// Mileage allowance in pounds per mile.
    #[serde(default = "default_mileage_rate")]
    pub mileage_rate: f64,
    /// Average travel speed in miles per hour.
    #[serde(default = "default_travel_speed_mph")]
    pub travel_speed_mph: f64,
    /// Whether vacancies are covered by agency staff.
    #[serde(default = "default_agency_cover")]
    pub agency_cover: bool,
    /// Agency cost above salary as a fraction (0.3 is 30%).
    #[serde(default = "default_agency_premium")]
    pub agency_premium: f64,
    /// `[[costs.salary]]` lines.
    #[serde(default)]
    pub salary: Vec<RawSalaryLine>,
    /// `[[costs.non_salary]]` lines.
    #[serde(default)]
    pub non_salary: Vec<RawNonSalaryLine>,
    /// `[costs.stated_totals]`: totals as printed in the source table.
    #[serde(default)]
    pub stated_totals: Option<RawStatedTotals>,
}

/// One `[[costs.salary]]` line.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSalaryLine {
    /// Post name; must match a staff post.
    pub post: String,
    /// Pay grade as printed; informational.
    #[serde(default)]
    pub grade: String,
    /// Number of posts.
    pub count: i64,
    /// Line total at the bottom of the grade, pounds a year incl. NI and superannuation.
    pub min: f64,
    /// Line total at the middle of the grade.
    pub mid: f64,
    /// Line total at the top of the grade.
    pub max: f64,
}

/// One `[[costs.non_salary]]` line.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawNonSalaryLine {
    /// Line name.
    pub line: String,
    /// Rate in pounds per `basis`.
    pub unit_rate: f64,
    /// `"per-person-year"`, `"per-person-month"` or `"lump-sum"`.
    pub basis: String,
    /// People costed; required for the per-person bases, absent for a lump sum.
    pub people: Option<i64>,
    /// The yearly figure as the source table states it, in pounds.
    pub stated: Option<f64>,
    /// A remark on the stated figure, shown in the audit.
    pub note: Option<String>,
}

/// `[costs.stated_totals]`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStatedTotals {
    /// Stated total salary cost.
    pub salary: Option<RawByPoint>,
    /// Stated total non-salary cost.
    pub non_salary: Option<RawByPoint>,
    /// Stated total cost of service.
    pub total: Option<RawByPoint>,
}

/// `{ min = …, mid = …, max = … }` in pounds.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawByPoint {
    /// At the minimum salary points.
    pub min: f64,
    /// At the mid salary points.
    pub mid: f64,
    /// At the maximum salary points.
    pub max: f64,
}

fn default_pay_award() -> f64 {
    DEFAULT_PAY_AWARD
}
fn default_grade_increments() -> i64 {
    i64::from(DEFAULT_GRADE_INCREMENTS)
}
fn default_salary_point() -> String {
    DEFAULT_SALARY_POINT.name().to_owned()
}
fn default_mileage_rate() -> f64 {
    DEFAULT_MILEAGE_RATE.pence() as f64 / 100.0
}
fn default_travel_speed_mph() -> f64 {
    DEFAULT_TRAVEL_SPEED_MPH
}
fn default_agency_cover() -> bool {
    DEFAULT_AGENCY_COVER
}
fn default_agency_premium() -> f64 {
    DEFAULT_AGENCY_PREMIUM
}
