//! The audit of the cost table: does the arithmetic of the stated table hold?
//!
//! Three checks, each producing findings only where something disagrees:
//!
//! - every non-salary line's stated figure against unit rate × people × periods
//!   ([`LineFinding`]);
//! - every salary line's mid point lies between its min and max ([`SalaryOrderFinding`];
//!   min ≤ max is already enforced by validation);
//! - the stated totals, where the scenario gives them, are the sums of the lines
//!   ([`TotalFinding`]).
//!
//! The audit also carries the table as it would be with the recomputed non-salary figures.
//! Explanations are plain sentences for a board member; they are built here, with no I/O.

use super::table::{Column, CostTable};
use super::{Basis, ByPoint, Costs, NonSalaryLine, SalaryPoint};
use crate::money::Pence;

/// A non-salary line whose stated figure is not its unit rate × people × periods.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineFinding {
    line: String,
    stated: Pence,
    recomputed: Pence,
    other_reading: Option<String>,
    explanation: String,
}

impl LineFinding {
    /// Another way the stated figure adds up, when it is a whole number of the unit rate
    /// for a different number of people, e.g. "exactly £2,300 × 2, as for 2 people".
    pub fn other_reading(&self) -> Option<&str> {
        self.other_reading.as_deref()
    }

    /// The line's name.
    pub fn line(&self) -> &str {
        &self.line
    }

    /// The figure the source table states.
    pub fn stated(&self) -> Pence {
        self.stated
    }

    /// Unit rate × people × periods.
    pub fn recomputed(&self) -> Pence {
        self.recomputed
    }

    /// Recomputed − stated: positive when the stated figure is too low.
    pub fn difference(&self) -> Pence {
        self.recomputed - self.stated
    }

    /// The finding in words, with the line's note if it has one.
    pub fn explanation(&self) -> &str {
        &self.explanation
    }
}

/// A salary line whose mid point is not between its min and max.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SalaryOrderFinding {
    post: String,
    amounts: ByPoint<Pence>,
    explanation: String,
}

impl SalaryOrderFinding {
    /// The post.
    pub fn post(&self) -> &str {
        &self.post
    }

    /// The line's min, mid and max.
    pub fn amounts(&self) -> ByPoint<Pence> {
        self.amounts
    }

    /// The finding in words.
    pub fn explanation(&self) -> &str {
        &self.explanation
    }
}

/// Which printed total a [`TotalFinding`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TotalKind {
    /// Total salary costs.
    Salary,
    /// Total non-salary costs.
    NonSalary,
    /// Total cost of service.
    Total,
}

impl TotalKind {
    /// The key used in JSON and scenario files: `salary`, `non_salary`, `total`.
    pub const fn key(self) -> &'static str {
        match self {
            TotalKind::Salary => "salary",
            TotalKind::NonSalary => "non_salary",
            TotalKind::Total => "total",
        }
    }

    const fn words(self) -> &'static str {
        match self {
            TotalKind::Salary => "total salary cost",
            TotalKind::NonSalary => "total non-salary cost",
            TotalKind::Total => "total cost of service",
        }
    }

    fn of(self, column: Column) -> Pence {
        match self {
            TotalKind::Salary => column.salary(),
            TotalKind::NonSalary => column.non_salary(),
            TotalKind::Total => column.total(),
        }
    }
}

/// A stated total that is not the sum of the lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TotalFinding {
    kind: TotalKind,
    point: SalaryPoint,
    stated: Pence,
    sum_of_lines: Pence,
    explanation: String,
}

impl TotalFinding {
    /// Which total.
    pub fn kind(&self) -> TotalKind {
        self.kind
    }

    /// At which salary point.
    pub fn point(&self) -> SalaryPoint {
        self.point
    }

    /// The total as stated.
    pub fn stated(&self) -> Pence {
        self.stated
    }

    /// The sum of the lines (stated non-salary figures).
    pub fn sum_of_lines(&self) -> Pence {
        self.sum_of_lines
    }

    /// Sum of lines − stated.
    pub fn difference(&self) -> Pence {
        self.sum_of_lines - self.stated
    }

    /// The finding in words.
    pub fn explanation(&self) -> &str {
        &self.explanation
    }
}

/// Everything the audit found, and the table with recomputed non-salary figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Audit {
    lines: Vec<LineFinding>,
    agreeing_lines: Vec<String>,
    salary_order: Vec<SalaryOrderFinding>,
    totals: Vec<TotalFinding>,
    totals_checked: bool,
    recomputed: CostTable,
}

impl Audit {
    /// Audit the cost table of `costs`.
    pub fn of(costs: &Costs) -> Audit {
        let mut lines = Vec::new();
        let mut agreeing_lines = Vec::new();
        for line in costs.non_salary_lines() {
            match line.stated() {
                Some(stated) if stated != line.recomputed() => {
                    lines.push(line_finding(line, stated));
                }
                Some(_) => agreeing_lines.push(line.line().to_owned()),
                None => {}
            }
        }

        let salary_order = costs
            .salary_lines()
            .iter()
            .filter(|line| {
                let a = line.amounts();
                !(a.min <= a.mid && a.mid <= a.max)
            })
            .map(|line| {
                let a = line.amounts();
                SalaryOrderFinding {
                    post: line.post().to_owned(),
                    amounts: a,
                    explanation: format!(
                        "{}: the mid point ({}) is not between the min ({}) and the max ({}).",
                        line.post(),
                        a.mid,
                        a.min,
                        a.max
                    ),
                }
            })
            .collect();

        let stated_table = CostTable::stated(costs);
        let given = costs.stated_totals();
        let mut totals = Vec::new();
        for (kind, stated) in [
            (TotalKind::Salary, given.salary()),
            (TotalKind::NonSalary, given.non_salary()),
            (TotalKind::Total, given.total()),
        ] {
            let Some(stated) = stated else { continue };
            for point in SalaryPoint::ALL {
                let sum_of_lines = kind.of(stated_table.column(point));
                let stated = stated.at(point);
                if stated != sum_of_lines {
                    totals.push(TotalFinding {
                        kind,
                        point,
                        stated,
                        sum_of_lines,
                        explanation: format!(
                            "The stated {} at the {} salary points is {}, but the lines add up \
                             to {} ({} {}).",
                            kind.words(),
                            point.name(),
                            stated,
                            sum_of_lines,
                            magnitude(sum_of_lines - stated),
                            if sum_of_lines > stated {
                                "more"
                            } else {
                                "less"
                            },
                        ),
                    });
                }
            }
        }
        let totals_checked =
            given.salary().is_some() || given.non_salary().is_some() || given.total().is_some();

        Audit {
            lines,
            agreeing_lines,
            salary_order,
            totals,
            totals_checked,
            recomputed: CostTable::recomputed(costs),
        }
    }

    /// Non-salary lines whose stated figure disagrees with the rate, in scenario order.
    pub fn lines(&self) -> &[LineFinding] {
        &self.lines
    }

    /// Names of the non-salary lines whose stated figure agrees with the rate.
    pub fn agreeing_lines(&self) -> &[String] {
        &self.agreeing_lines
    }

    /// Salary lines whose mid point is out of order.
    pub fn salary_order(&self) -> &[SalaryOrderFinding] {
        &self.salary_order
    }

    /// Stated totals that are not the sums of the lines.
    pub fn totals(&self) -> &[TotalFinding] {
        &self.totals
    }

    /// Whether the scenario gave any stated totals to check.
    pub fn totals_checked(&self) -> bool {
        self.totals_checked
    }

    /// The cost table with every non-salary line recomputed from its rate.
    pub fn recomputed(&self) -> &CostTable {
        &self.recomputed
    }

    /// How much more the non-salary lines of `costs` (the section this audit is of) cost a
    /// year recomputed from their rates than the table states; negative if less.
    /// Non-salary lines do not vary by salary point.
    pub fn non_salary_understatement(&self, costs: &Costs) -> Pence {
        self.recomputed.column(SalaryPoint::Min).non_salary()
            - CostTable::stated(costs)
                .column(SalaryPoint::Min)
                .non_salary()
    }

    /// Whether the audit found nothing.
    pub fn is_clean(&self) -> bool {
        self.lines.is_empty() && self.salary_order.is_empty() && self.totals.is_empty()
    }
}

/// The absolute amount (an amount of exactly `i64::MIN` pence cannot arise from valid costs).
fn magnitude(amount: Pence) -> Pence {
    amount.checked_abs().unwrap_or(amount)
}

/// "£2,300 per person a year × 20 people" and the like.
fn rate_in_words(unit_rate: Pence, basis: Basis) -> String {
    let people = |n: u32| {
        if n == 1 {
            "1 person".to_owned()
        } else {
            format!("{n} people")
        }
    };
    match basis {
        Basis::PerPersonYear { people: n } => {
            format!("{unit_rate} per person a year × {}", people(n))
        }
        Basis::PerPersonMonth { people: n } => {
            format!("{unit_rate} per person a month × 12 months × {}", people(n))
        }
        Basis::LumpSum => format!("The lump sum of {unit_rate} a year"),
    }
}

fn line_finding(line: &NonSalaryLine, stated: Pence) -> LineFinding {
    let recomputed = line.recomputed();
    let (how_much, direction) = if stated < recomputed {
        (recomputed - stated, "less")
    } else {
        (stated - recomputed, "more")
    };
    let ratio = if stated.checked_mul(10) == Some(recomputed) {
        "a tenth of it"
    } else if recomputed.checked_mul(10) == Some(stated) {
        "ten times it"
    } else {
        ""
    };
    // a stated figure that is a whole number of the rate reads as that many people too
    let rate = line.unit_rate().pence();
    let other_reading = match line.basis() {
        Basis::PerPersonYear { people } if rate > 0 && stated.pence() % rate == 0 => {
            let k = stated.pence() / rate;
            (k != i64::from(people) && k > 0).then(|| {
                format!(
                    "exactly {} × {k}, as for {}",
                    line.unit_rate(),
                    if k == 1 {
                        "1 person".to_string()
                    } else {
                        format!("{k} people")
                    }
                )
            })
        }
        _ => None,
    };
    let readings = match (ratio, &other_reading) {
        ("", None) => String::new(),
        (r, None) => format!(" ({r})"),
        ("", Some(o)) => format!(" ({o})"),
        (r, Some(o)) => format!(" ({r}, and {o}: the source does not say which it means)"),
    };
    let mut explanation = format!(
        "{} = {recomputed}, but the table states {stated}, {how_much} {direction} than the \
         rate gives{readings}.",
        rate_in_words(line.unit_rate(), line.basis()),
    );
    if let Some(note) = line.note() {
        explanation.push(' ');
        explanation.push_str(note);
    }
    LineFinding {
        line: line.line().to_owned(),
        stated,
        recomputed,
        other_reading,
        explanation,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::costs_test_support::{WESTERN_BAY, validated, western_bay};

    #[test]
    fn finds_occupancy_and_phones_but_not_it() {
        let audit = Audit::of(&western_bay());
        let found: Vec<(&str, i64, i64, i64)> = audit
            .lines()
            .iter()
            .map(|f| {
                (
                    f.line(),
                    f.stated().pounds_rounded(),
                    f.recomputed().pounds_rounded(),
                    f.difference().pounds_rounded(),
                )
            })
            .collect();
        assert_eq!(
            found,
            [
                ("Occupancy", 4_600, 46_000, 41_400),
                ("Mobile phones", 952, 612, -340),
            ]
        );
        assert_eq!(audit.agreeing_lines(), ["IT"]);
        assert!(audit.salary_order().is_empty());
        assert!(audit.totals_checked());
        assert!(audit.totals().is_empty(), "{:?}", audit.totals());
        assert!(!audit.is_clean());
    }

    #[test]
    fn explains_each_finding_in_words() {
        let audit = Audit::of(&western_bay());
        let occupancy = audit.lines()[0].explanation();
        assert!(
            occupancy.starts_with(
                "£2,300 per person a year × 20 people = £46,000, but the table states £4,600, \
                 £41,400 less than the rate gives (a tenth of it, and exactly £2,300 × 2, as \
                 for 2 people: the source does not say which it means)."
            ),
            "{occupancy}"
        );
        let phones = audit.lines()[1].explanation();
        assert!(
            phones.starts_with(
                "£3 per person a month × 12 months × 17 people = £612, but the table states \
                 £952, £340 more than the rate gives."
            ),
            "{phones}"
        );
        assert!(phones.contains("initial capital"), "{phones}");
    }

    #[test]
    fn flags_a_mid_point_out_of_order_and_totals_that_do_not_add_up() {
        let source = WESTERN_BAY
            .replace("mid = 82166", "mid = 92166")
            .replace("non_salary = { min = 31552", "non_salary = { min = 31553");
        let audit = Audit::of(&validated(&source).unwrap());
        assert_eq!(audit.salary_order().len(), 1);
        assert_eq!(audit.salary_order()[0].post(), "Business Support");
        assert_eq!(
            audit.salary_order()[0].explanation(),
            "Business Support: the mid point (£92,166) is not between the min (£74,712) and \
             the max (£90,762)."
        );
        let totals: Vec<(TotalKind, SalaryPoint, i64)> = audit
            .totals()
            .iter()
            .map(|f| (f.kind(), f.point(), f.difference().pounds_rounded()))
            .collect();
        assert_eq!(
            totals,
            [
                (TotalKind::Salary, SalaryPoint::Mid, 10_000),
                (TotalKind::NonSalary, SalaryPoint::Min, -1),
                (TotalKind::Total, SalaryPoint::Mid, 10_000),
            ]
        );
        assert_eq!(
            audit.totals()[1].explanation(),
            "The stated total non-salary cost at the min salary points is £31,553, but the \
             lines add up to £31,552 (£1 less)."
        );
    }

    #[test]
    fn a_line_without_a_stated_figure_is_not_audited() {
        let source = WESTERN_BAY.replace("stated = 4600", "");
        let audit = Audit::of(&validated(&source).unwrap());
        assert_eq!(audit.lines().len(), 1);
        assert_eq!(audit.lines()[0].line(), "Mobile phones");
        let stated = CostTable::stated(&validated(&source).unwrap());
        assert_eq!(
            stated.column(SalaryPoint::Min).non_salary(),
            Pence::from_pounds(72_612 - 612 + 952)
        );
    }
}
