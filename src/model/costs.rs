//! The validated cost model of a scenario: the budget, the cost lines at three salary
//! points, and the assumptions for projecting cost over the contract. The `[costs]`
//! section becomes this in `scenario`; `costs` audits and projects it.

use crate::money::Pence;

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
    pub(crate) budget: Pence,
    pub(crate) salary: Vec<SalaryLine>,
    pub(crate) non_salary: Vec<NonSalaryLine>,
    pub(crate) stated_totals: StatedTotals,
    pub(crate) projection: Projection,
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
/// (`mid` is not forced between them; the audit (`costs::Audit`) reports it if it is not).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SalaryLine {
    pub(crate) post: String,
    pub(crate) grade: String,
    pub(crate) count: u32,
    pub(crate) amounts: ByPoint<Pence>,
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
    pub(crate) line: String,
    pub(crate) unit_rate: Pence,
    pub(crate) basis: Basis,
    pub(crate) stated: Option<Pence>,
    pub(crate) note: Option<String>,
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

/// Totals as printed in the source table, each optional; the audit (`costs::Audit`) checks them against
/// the sums of the lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StatedTotals {
    pub(crate) salary: Option<ByPoint<Pence>>,
    pub(crate) non_salary: Option<ByPoint<Pence>>,
    pub(crate) total: Option<ByPoint<Pence>>,
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
    pub(crate) pay_award: f64,
    pub(crate) grade_increments: u32,
    pub(crate) salary_point: SalaryPoint,
    pub(crate) mileage_rate: Pence,
    pub(crate) travel_speed_mph: f64,
    pub(crate) agency_cover: bool,
    pub(crate) agency_premium: f64,
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
