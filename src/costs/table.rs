//! The cost table: every line and the salary, non-salary and total cost at the minimum, mid
//! and maximum salary points, with the headroom against the budget.
//!
//! This module owns the arithmetic of the table and nothing else: what the figures mean for
//! the audit, and how they are shown, live in `audit` and `render`.

use super::{ByPoint, Costs, SalaryPoint};
use crate::money::Pence;

/// Which non-salary figures a [`CostTable`] uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NonSalaryFigures {
    /// The figures as the source table states them (the recomputed figure where a line
    /// states none).
    Stated,
    /// Each line's unit rate × people × periods.
    Recomputed,
}

/// One line of the table: a name, the number of posts for a salary line, and the yearly
/// amount at each salary point (the same at every point for a non-salary line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    name: String,
    count: Option<u32>,
    amounts: ByPoint<Pence>,
}

impl Row {
    /// The post or line name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Number of posts, for a salary line.
    pub fn count(&self) -> Option<u32> {
        self.count
    }

    /// The yearly amount at each salary point.
    pub fn amounts(&self) -> ByPoint<Pence> {
        self.amounts
    }
}

/// The totals of one column of the table (one salary point).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    salary: Pence,
    non_salary: Pence,
    total: Pence,
    headroom: Pence,
}

impl Column {
    fn new(salary: Pence, non_salary: Pence, budget: Pence) -> Column {
        let total = salary + non_salary;
        Column {
            salary,
            non_salary,
            total,
            headroom: budget - total,
        }
    }

    /// Total salary cost.
    pub fn salary(&self) -> Pence {
        self.salary
    }

    /// Total non-salary cost.
    pub fn non_salary(&self) -> Pence {
        self.non_salary
    }

    /// Total cost of service: salary + non-salary.
    pub fn total(&self) -> Pence {
        self.total
    }

    /// Budget − total: positive when under budget, negative when over.
    pub fn headroom(&self) -> Pence {
        self.headroom
    }
}

/// The yearly cost of the service at each salary point, line by line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CostTable {
    budget: Pence,
    figures: NonSalaryFigures,
    salary_rows: Vec<Row>,
    non_salary_rows: Vec<Row>,
    columns: ByPoint<Column>,
}

impl CostTable {
    /// The table as the source states it: salary line totals and stated non-salary figures.
    ///
    /// For the default Western Bay section: salary £811,961 / £849,212 / £877,629, non-salary
    /// £31,552, total £843,513 / £880,764 / £909,181, headroom £6,487 / −£30,764 / −£59,181.
    pub fn stated(costs: &Costs) -> CostTable {
        CostTable::build(costs, NonSalaryFigures::Stated)
    }

    /// The table with every non-salary line recomputed from its unit rate.
    pub fn recomputed(costs: &Costs) -> CostTable {
        CostTable::build(costs, NonSalaryFigures::Recomputed)
    }

    fn build(costs: &Costs, figures: NonSalaryFigures) -> CostTable {
        let salary_rows: Vec<Row> = costs
            .salary_lines()
            .iter()
            .map(|line| Row {
                name: line.post().to_owned(),
                count: Some(line.count()),
                amounts: line.amounts(),
            })
            .collect();
        let non_salary_rows: Vec<Row> = costs
            .non_salary_lines()
            .iter()
            .map(|line| Row {
                name: line.line().to_owned(),
                count: None,
                amounts: ByPoint::uniform(match figures {
                    NonSalaryFigures::Stated => line.in_table(),
                    NonSalaryFigures::Recomputed => line.recomputed(),
                }),
            })
            .collect();
        let sum = |rows: &[Row], point: SalaryPoint| -> Pence {
            rows.iter().map(|row| row.amounts.at(point)).sum()
        };
        let column = |point| {
            Column::new(
                sum(&salary_rows, point),
                sum(&non_salary_rows, point),
                costs.budget(),
            )
        };
        let columns = ByPoint {
            min: column(SalaryPoint::Min),
            mid: column(SalaryPoint::Mid),
            max: column(SalaryPoint::Max),
        };
        CostTable {
            budget: costs.budget(),
            figures,
            salary_rows,
            non_salary_rows,
            columns,
        }
    }

    /// The budget the headroom is measured against.
    pub fn budget(&self) -> Pence {
        self.budget
    }

    /// Whether the non-salary figures are as stated or recomputed.
    pub fn figures(&self) -> NonSalaryFigures {
        self.figures
    }

    /// Salary lines in scenario order.
    pub fn salary_rows(&self) -> &[Row] {
        &self.salary_rows
    }

    /// Non-salary lines in scenario order.
    pub fn non_salary_rows(&self) -> &[Row] {
        &self.non_salary_rows
    }

    /// The totals at every salary point.
    pub fn columns(&self) -> ByPoint<Column> {
        self.columns
    }

    /// The totals at `point`.
    pub fn column(&self, point: SalaryPoint) -> Column {
        self.columns.at(point)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::costs_test_support::western_bay;

    fn pounds(column: Column) -> [i64; 4] {
        [
            column.salary(),
            column.non_salary(),
            column.total(),
            column.headroom(),
        ]
        .map(|amount| {
            assert!(amount.is_whole_pounds(), "{amount}");
            amount.pounds_rounded()
        })
    }

    #[test]
    fn stated_table_matches_the_proposal_to_the_pound() {
        let table = CostTable::stated(&western_bay());
        assert_eq!(table.budget(), Pence::from_pounds(850_000));
        assert_eq!(table.figures(), NonSalaryFigures::Stated);
        assert_eq!(
            pounds(table.column(SalaryPoint::Min)),
            [811_961, 31_552, 843_513, 6_487]
        );
        assert_eq!(
            pounds(table.column(SalaryPoint::Mid)),
            [849_212, 31_552, 880_764, -30_764]
        );
        assert_eq!(
            pounds(table.column(SalaryPoint::Max)),
            [877_629, 31_552, 909_181, -59_181]
        );
    }

    #[test]
    fn stated_table_keeps_every_line() {
        let table = CostTable::stated(&western_bay());
        let salary: Vec<(&str, Option<u32>, i64)> = table
            .salary_rows()
            .iter()
            .map(|r| (r.name(), r.count(), r.amounts().mid.pounds_rounded()))
            .collect();
        assert_eq!(
            salary,
            [
                ("Operational Manager", Some(1), 46_754),
                ("Consultant Social Worker", Some(8), 374_032),
                ("Intervention Specialist", Some(8), 346_260),
                ("Business Support", Some(3), 82_166),
            ]
        );
        let non_salary: Vec<(&str, i64)> = table
            .non_salary_rows()
            .iter()
            .map(|r| (r.name(), r.amounts().max.pounds_rounded()))
            .collect();
        assert_eq!(
            non_salary,
            [("Occupancy", 4_600), ("IT", 26_000), ("Mobile phones", 952)]
        );
    }

    #[test]
    fn recomputed_table_uses_the_rates() {
        let table = CostTable::recomputed(&western_bay());
        assert_eq!(table.figures(), NonSalaryFigures::Recomputed);
        assert_eq!(
            pounds(table.column(SalaryPoint::Min)),
            [811_961, 72_612, 884_573, -34_573]
        );
        assert_eq!(
            pounds(table.column(SalaryPoint::Mid)),
            [849_212, 72_612, 921_824, -71_824]
        );
        assert_eq!(
            pounds(table.column(SalaryPoint::Max)),
            [877_629, 72_612, 950_241, -100_241]
        );
    }
}
