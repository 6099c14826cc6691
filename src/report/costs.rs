//! Renderings of the cost table and its audit: plain text for a board member, and the
//! [`CostsReport`] JSON output row. Both return values; nothing here writes anywhere.

use std::fmt::Write as _;

use serde::Serialize;

use crate::costs::{Audit, ByPoint, Column, CostTable, NonSalaryFigures, Row, SalaryPoint};
use crate::money::Pence;

/// Width the prose paragraphs are wrapped to.
const PROSE_WIDTH: usize = 88;
/// Width of each amount column.
const AMOUNT_WIDTH: usize = 12;

/// The cost table as an aligned plain-text table (one row per line, min / mid / max
/// columns), the position against the budget in words, and an "Audit" block describing each
/// disagreement. Ends with a newline.
pub fn render_table_text(table: &CostTable, audit: &Audit) -> String {
    let non_salary_total = match table.figures() {
        NonSalaryFigures::Stated => "Total non-salary (as stated)",
        NonSalaryFigures::Recomputed => "Total non-salary (recomputed)",
    };
    let columns = table.columns();
    let budget = ByPoint::uniform(table.budget());
    let mut rows: Vec<(String, Option<ByPoint<Pence>>)> = Vec::new();
    rows.push(("Salary (incl. NI and superannuation)".to_owned(), None));
    rows.extend(table.salary_rows().iter().map(line_row));
    rows.push((
        "Total salary".to_owned(),
        Some(columns.map(|_, c| c.salary())),
    ));
    rows.push(("Non-salary".to_owned(), None));
    rows.extend(table.non_salary_rows().iter().map(line_row));
    rows.push((
        non_salary_total.to_owned(),
        Some(columns.map(|_, c| c.non_salary())),
    ));
    rows.push((
        "Total cost of service".to_owned(),
        Some(columns.map(|_, c| c.total())),
    ));
    rows.push(("Budget".to_owned(), Some(budget)));
    rows.push((
        "Headroom (budget - total)".to_owned(),
        Some(columns.map(|_, c| c.headroom())),
    ));

    let label_width = rows
        .iter()
        .map(|(label, _)| label.chars().count())
        .max()
        .unwrap_or(0)
        .max(24);
    let mut out = String::new();
    let _ = write!(out, "{:<label_width$}", "Yearly cost, pounds");
    for point in SalaryPoint::ALL {
        let _ = write!(out, "{:>AMOUNT_WIDTH$}", point.name());
    }
    out.push('\n');
    for (label, amounts) in &rows {
        match amounts {
            None => out.push_str(label),
            Some(amounts) => {
                let _ = write!(out, "{label:<label_width$}");
                for point in SalaryPoint::ALL {
                    let _ = write!(out, "{:>AMOUNT_WIDTH$}", amounts.at(point));
                }
            }
        }
        out.push('\n');
    }

    out.push('\n');
    let _ = writeln!(out, "Against the budget of {}:", table.budget());
    for point in SalaryPoint::ALL {
        let _ = writeln!(
            out,
            "  at the {} salary points the service is {}",
            point.words(),
            against_budget(table.column(point))
        );
    }

    out.push('\n');
    out.push_str("Audit\n");
    for finding in audit.lines() {
        wrap_into(
            &mut out,
            &format!("{}: {}", finding.line(), finding.explanation()),
        );
    }
    match audit.agreeing_lines() {
        [] => {}
        [one] => wrap_into(&mut out, &format!("{one} agrees with its rate.")),
        many => wrap_into(
            &mut out,
            &format!("{} agree with their rates.", list_in_words(many)),
        ),
    }
    if audit.salary_order().is_empty() {
        wrap_into(
            &mut out,
            "Every salary line has its mid point between its min and max.",
        );
    }
    for finding in audit.salary_order() {
        wrap_into(&mut out, finding.explanation());
    }
    if audit.totals_checked() && audit.totals().is_empty() {
        wrap_into(&mut out, "The stated totals are the sums of the lines.");
    }
    for finding in audit.totals() {
        wrap_into(&mut out, finding.explanation());
    }
    if !audit.lines().is_empty() {
        wrap_into(&mut out, &recomputed_in_words(table, audit.recomputed()));
    }
    out
}

fn line_row(row: &Row) -> (String, Option<ByPoint<Pence>>) {
    let label = match row.count() {
        Some(count) if count != 1 => format!("  {count} × {}", row.name()),
        _ => format!("  {}", row.name()),
    };
    (label, Some(row.amounts()))
}

/// "under budget by £6,487", "over budget by £30,764" or "exactly on budget".
fn against_budget(column: Column) -> String {
    let headroom = column.headroom();
    if headroom == Pence::ZERO {
        "exactly on budget".to_owned()
    } else if headroom.is_negative() {
        format!("over budget by {}", -headroom)
    } else {
        format!("under budget by {headroom}")
    }
}

fn list_in_words(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

fn recomputed_in_words(stated: &CostTable, recomputed: &CostTable) -> String {
    let mut text = format!(
        "With every non-salary line recomputed from its rate ({} a year instead of {}), the \
         total cost would be",
        recomputed.column(SalaryPoint::Min).non_salary(),
        stated.column(SalaryPoint::Min).non_salary(),
    );
    for (i, point) in SalaryPoint::ALL.into_iter().enumerate() {
        let column = recomputed.column(point);
        let joint = match i {
            0 => " ",
            1 => ", ",
            _ => " and ",
        };
        let _ = write!(
            text,
            "{joint}{} at the {} salary points ({})",
            column.total(),
            point.words(),
            against_budget(column)
        );
    }
    text.push('.');
    text
}

/// Append `text` as an indented paragraph wrapped at [`PROSE_WIDTH`].
fn wrap_into(out: &mut String, text: &str) {
    super::text::wrap_paragraph(out, text, PROSE_WIDTH, 4);
}

/// The cost table and its audit as a JSON output row.
///
/// Every amount is a number of **pounds** (an integer when whole, else with up to two
/// decimal places; see [`Pence`]'s `Serialize`). Keys come out in this order:
/// `table` (`min`/`mid`/`max`, each `salary`, `non_salary`, `total`, `headroom`), `budget`,
/// `audit` (each disagreeing non-salary line: `line`, `stated`, `recomputed`, `difference` =
/// recomputed − stated, `explanation`), `recomputed_totals` (as `table`, with recomputed
/// non-salary figures), `salary_order` (`post`, `min`, `mid`, `max`, `explanation`) and
/// `total_checks` (`total`, `point`, `stated`, `sum_of_lines`, `difference` =
/// sum_of_lines − stated, `explanation`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CostsReport {
    table: Points<Totals>,
    budget: Pence,
    audit: Vec<LineRow>,
    recomputed_totals: Points<Totals>,
    salary_order: Vec<SalaryOrderRow>,
    total_checks: Vec<TotalCheckRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
struct Points<T> {
    min: T,
    mid: T,
    max: T,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
struct Totals {
    salary: Pence,
    non_salary: Pence,
    total: Pence,
    headroom: Pence,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
struct LineRow {
    line: String,
    stated: Pence,
    recomputed: Pence,
    difference: Pence,
    explanation: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
struct SalaryOrderRow {
    post: String,
    min: Pence,
    mid: Pence,
    max: Pence,
    explanation: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
struct TotalCheckRow {
    total: &'static str,
    point: &'static str,
    stated: Pence,
    sum_of_lines: Pence,
    difference: Pence,
    explanation: String,
}

fn totals(table: &CostTable) -> Points<Totals> {
    let at = |point| {
        let c = table.column(point);
        Totals {
            salary: c.salary(),
            non_salary: c.non_salary(),
            total: c.total(),
            headroom: c.headroom(),
        }
    };
    Points {
        min: at(SalaryPoint::Min),
        mid: at(SalaryPoint::Mid),
        max: at(SalaryPoint::Max),
    }
}

impl CostsReport {
    /// The report of `table` (normally [`CostTable::stated`]) and its `audit`.
    pub fn new(table: &CostTable, audit: &Audit) -> CostsReport {
        CostsReport {
            table: totals(table),
            budget: table.budget(),
            audit: audit
                .lines()
                .iter()
                .map(|f| LineRow {
                    line: f.line().to_owned(),
                    stated: f.stated(),
                    recomputed: f.recomputed(),
                    difference: f.difference(),
                    explanation: f.explanation().to_owned(),
                })
                .collect(),
            recomputed_totals: totals(audit.recomputed()),
            salary_order: audit
                .salary_order()
                .iter()
                .map(|f| SalaryOrderRow {
                    post: f.post().to_owned(),
                    min: f.amounts().min,
                    mid: f.amounts().mid,
                    max: f.amounts().max,
                    explanation: f.explanation().to_owned(),
                })
                .collect(),
            total_checks: audit
                .totals()
                .iter()
                .map(|f| TotalCheckRow {
                    total: f.kind().key(),
                    point: f.point().name(),
                    stated: f.stated(),
                    sum_of_lines: f.sum_of_lines(),
                    difference: f.difference(),
                    explanation: f.explanation().to_owned(),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::costs_test_support::western_bay;

    /// What a board member sees for the default section.
    const WESTERN_BAY_TEXT: &str = "\
Yearly cost, pounds                          min         mid         max
Salary (incl. NI and superannuation)
  Operational Manager                    £44,445     £46,754     £47,923
  8 × Consultant Social Worker          £355,560    £374,032    £383,384
  8 × Intervention Specialist           £337,244    £346,260    £355,560
  3 × Business Support                   £74,712     £82,166     £90,762
Total salary                            £811,961    £849,212    £877,629
Non-salary
  Occupancy                               £4,600      £4,600      £4,600
  IT                                     £26,000     £26,000     £26,000
  Mobile phones                             £952        £952        £952
Total non-salary (as stated)             £31,552     £31,552     £31,552
Total cost of service                   £843,513    £880,764    £909,181
Budget                                  £850,000    £850,000    £850,000
Headroom (budget - total)                 £6,487    -£30,764    -£59,181

Against the budget of £850,000:
  at the minimum salary points the service is under budget by £6,487
  at the mid salary points the service is over budget by £30,764
  at the maximum salary points the service is over budget by £59,181

Audit
  Occupancy: £2,300 per person a year × 20 people = £46,000, but the table states
    £4,600, £41,400 less than the rate gives (a tenth of it, and exactly £2,300 × 2, as
    for 2 people: the source does not say which it means).
  Mobile phones: £3 per person a month × 12 months × 17 people = £612, but the table
    states £952, £340 more than the rate gives. The proposal says this figure includes
    the initial capital cost of the phones, which it does not itemise.
  IT agrees with its rate.
  Every salary line has its mid point between its min and max.
  The stated totals are the sums of the lines.
  With every non-salary line recomputed from its rate (£72,612 a year instead of
    £31,552), the total cost would be £884,573 at the minimum salary points (over budget
    by £34,573), £921,824 at the mid salary points (over budget by £71,824) and £950,241
    at the maximum salary points (over budget by £100,241).
";

    fn default_outputs() -> (CostTable, Audit) {
        let costs = western_bay();
        (CostTable::stated(&costs), Audit::of(&costs))
    }

    #[test]
    fn text_table_reads_like_the_proposal() {
        let (table, audit) = default_outputs();
        let text = render_table_text(&table, &audit);
        assert_eq!(text, WESTERN_BAY_TEXT, "{text}");
    }

    #[test]
    fn json_report_has_the_documented_shape_in_pounds() {
        let (table, audit) = default_outputs();
        let json = serde_json::to_string(&CostsReport::new(&table, &audit)).unwrap();
        let expected_prefix = concat!(
            r#"{"table":{"#,
            r#""min":{"salary":811961,"non_salary":31552,"total":843513,"headroom":6487},"#,
            r#""mid":{"salary":849212,"non_salary":31552,"total":880764,"headroom":-30764},"#,
            r#""max":{"salary":877629,"non_salary":31552,"total":909181,"headroom":-59181}},"#,
            r#""budget":850000,"#,
            r#""audit":[{"line":"Occupancy","stated":4600,"recomputed":46000,"#,
            r#""difference":41400,"explanation":"£2,300 per person a year"#,
        );
        assert!(json.starts_with(expected_prefix), "{json}");
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        let phones = &value["audit"][1];
        assert_eq!(phones["line"], "Mobile phones");
        assert_eq!(phones["stated"], 952);
        assert_eq!(phones["recomputed"], 612);
        assert_eq!(phones["difference"], -340);
        assert_eq!(value["audit"].as_array().unwrap().len(), 2);
        assert_eq!(
            value["recomputed_totals"]["max"],
            serde_json::json!({
                "salary": 877629, "non_salary": 72612, "total": 950241, "headroom": -100241
            })
        );
        assert_eq!(value["salary_order"], serde_json::json!([]));
        assert_eq!(value["total_checks"], serde_json::json!([]));
        let position = |key: &str| json.find(&format!(r#""{key}":"#)).unwrap();
        let order = [
            "table",
            "budget",
            "audit",
            "recomputed_totals",
            "salary_order",
            "total_checks",
        ]
        .map(position);
        assert!(order.is_sorted(), "{order:?}");
    }
}
