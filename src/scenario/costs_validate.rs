//! Validation of the raw `[costs]` section into [`Costs`], collecting every problem.
//!
//! Each rule names the field by its dotted path (`costs.salary[2].count`) and says what value
//! it got and what is allowed. Problems come out in file order.

use super::costs_raw::{
    MAX_AMOUNT_POUNDS, MAX_HEADCOUNT, MAX_LINES, RawByPoint, RawCosts, RawNonSalaryLine, SECTION,
};
use crate::model::FieldProblem;
use crate::model::costs::{
    Basis, ByPoint, Costs, NonSalaryLine, Projection, SalaryLine, SalaryPoint, StatedTotals,
};
use crate::money::Pence;

const BASES: &str = "\"per-person-year\", \"per-person-month\", \"lump-sum\"";

/// Problems found so far.
#[derive(Default)]
struct Problems(Vec<FieldProblem>);

impl Problems {
    fn push(&mut self, path: &str, message: String) {
        self.0.push(FieldProblem::new(path, message));
    }

    /// A non-negative amount of pounds with at most two decimal places, up to the cap.
    fn amount(&mut self, path: &str, pounds: f64) -> Option<Pence> {
        match Pence::from_pounds_f64_exact(pounds) {
            Some(amount) if !amount.is_negative() && amount <= max_amount() => Some(amount),
            Some(amount) if !amount.is_negative() => {
                self.push(
                    path,
                    format!("must be at most {}, got {pounds}", max_amount()),
                );
                None
            }
            _ if pounds.is_finite() && pounds > max_amount().pence() as f64 / 100.0 => {
                self.push(
                    path,
                    format!("must be at most {}, got {pounds:e}", max_amount()),
                );
                None
            }
            _ => {
                self.push(
                    path,
                    format!(
                        "must be a non-negative amount in pounds with at most 2 decimal places, \
                         got {pounds}"
                    ),
                );
                None
            }
        }
    }

    /// A whole number of people or posts, 0 to [`MAX_HEADCOUNT`].
    fn headcount(&mut self, path: &str, value: i64) -> Option<u32> {
        if (0..=MAX_HEADCOUNT).contains(&value) {
            u32::try_from(value).ok()
        } else {
            self.push(
                path,
                format!("must be a whole number from 0 to {MAX_HEADCOUNT}, got {value}"),
            );
            None
        }
    }

    /// A finite number in `low..=high`; `meaning` explains the unit.
    fn number_in(
        &mut self,
        path: &str,
        value: f64,
        low: f64,
        high: f64,
        meaning: &str,
    ) -> Option<f64> {
        if value.is_finite() && (low..=high).contains(&value) {
            Some(value)
        } else {
            self.push(
                path,
                format!("must be {meaning} from {low} to {high}, got {value}"),
            );
            None
        }
    }

    /// A non-empty name, unique among `seen` (which it extends).
    fn name(&mut self, path: &str, name: &str, what: &str, seen: &mut Vec<(String, String)>) {
        if name.trim().is_empty() {
            self.push(path, format!("must name the {what}, got an empty string"));
        } else if let Some((_, first)) = seen.iter().find(|(n, _)| n == name) {
            self.push(
                path,
                format!("duplicate {what} \"{name}\": it is already at {first}"),
            );
        } else {
            seen.push((name.to_owned(), path.to_owned()));
        }
    }

    fn by_point(&mut self, path: &str, raw: &RawByPoint) -> Option<ByPoint<Pence>> {
        let min = self.amount(&format!("{path}.min"), raw.min);
        let mid = self.amount(&format!("{path}.mid"), raw.mid);
        let max = self.amount(&format!("{path}.max"), raw.max);
        Some(ByPoint {
            min: min?,
            mid: mid?,
            max: max?,
        })
    }
}

fn max_amount() -> Pence {
    Pence::from_pounds(MAX_AMOUNT_POUNDS)
}

impl RawCosts {
    /// Check every field and build the validated [`Costs`], or return every problem found,
    /// in file order, each with its path (`costs.salary[2].count`).
    pub fn validate(&self) -> Result<Costs, Vec<FieldProblem>> {
        let mut problems = Problems::default();
        let at = |field: &str| format!("{SECTION}.{field}");

        let budget = problems.amount(&at("budget"), self.budget);
        let projection = self.projection(&mut problems);
        let salary = self.salary_lines(&mut problems);
        let non_salary = self.non_salary_lines(&mut problems);
        let stated_totals = self.stated_totals(&mut problems);

        match (budget, projection, salary, non_salary, stated_totals) {
            (
                Some(budget),
                Some(projection),
                Some(salary),
                Some(non_salary),
                Some(stated_totals),
            ) if problems.0.is_empty() => Ok(Costs {
                budget,
                salary,
                non_salary,
                stated_totals,
                projection,
            }),
            _ => Err(problems.0),
        }
    }

    fn stated_totals(&self, problems: &mut Problems) -> Option<StatedTotals> {
        let Some(raw) = &self.stated_totals else {
            return Some(StatedTotals::default());
        };
        let mut part = |name: &str, raw: &Option<RawByPoint>| match raw {
            None => Some(None),
            Some(raw) => problems
                .by_point(&format!("{SECTION}.stated_totals.{name}"), raw)
                .map(Some),
        };
        let salary = part("salary", &raw.salary);
        let non_salary = part("non_salary", &raw.non_salary);
        let total = part("total", &raw.total);
        Some(StatedTotals {
            salary: salary?,
            non_salary: non_salary?,
            total: total?,
        })
    }

    fn projection(&self, problems: &mut Problems) -> Option<Projection> {
        let at = |field: &str| format!("{SECTION}.{field}");
        let pay_award = problems.number_in(
            &at("pay_award"),
            self.pay_award,
            0.0,
            1.0,
            "a yearly fraction (0.01 means 1%)",
        );
        let grade_increments = if (0..=20).contains(&self.grade_increments) {
            u32::try_from(self.grade_increments).ok()
        } else {
            problems.push(
                &at("grade_increments"),
                format!(
                    "must be a whole number of yearly increments from 0 to 20, got {}",
                    self.grade_increments
                ),
            );
            None
        };
        let salary_point = SalaryPoint::from_name(&self.salary_point);
        if salary_point.is_none() {
            problems.push(
                &at("salary_point"),
                format!(
                    "must be one of \"min\", \"mid\", \"max\", got \"{}\"",
                    self.salary_point
                ),
            );
        }
        let mileage_rate = problems.amount(&at("mileage_rate"), self.mileage_rate);
        let travel_speed_mph = if self.travel_speed_mph.is_finite()
            && self.travel_speed_mph > 0.0
            && self.travel_speed_mph <= 100.0
        {
            Some(self.travel_speed_mph)
        } else {
            problems.push(
                &at("travel_speed_mph"),
                format!(
                    "must be a speed in miles per hour above 0 and at most 100, got {}",
                    self.travel_speed_mph
                ),
            );
            None
        };
        let agency_premium = problems.number_in(
            &at("agency_premium"),
            self.agency_premium,
            0.0,
            2.0,
            "a fraction above salary (0.3 means 30%)",
        );
        Some(Projection {
            pay_award: pay_award?,
            grade_increments: grade_increments?,
            salary_point: salary_point?,
            mileage_rate: mileage_rate?,
            travel_speed_mph: travel_speed_mph?,
            agency_cover: self.agency_cover,
            agency_premium: agency_premium?,
        })
    }

    fn salary_lines(&self, problems: &mut Problems) -> Option<Vec<SalaryLine>> {
        let list = format!("{SECTION}.salary");
        if self.salary.is_empty() {
            problems.push(
                &list,
                format!("needs at least one [[{list}]] line, got none"),
            );
        } else if self.salary.len() > MAX_LINES {
            problems.push(
                &list,
                format!(
                    "must have at most {MAX_LINES} lines, got {}",
                    self.salary.len()
                ),
            );
        }
        let mut seen = Vec::new();
        let mut lines = Vec::with_capacity(self.salary.len());
        let mut all_valid = true;
        for (i, raw) in self.salary.iter().enumerate() {
            let path = format!("{list}[{i}]");
            problems.name(&format!("{path}.post"), &raw.post, "post", &mut seen);
            let count = problems.headcount(&format!("{path}.count"), raw.count);
            let amounts = problems.by_point(
                &path,
                &RawByPoint {
                    min: raw.min,
                    mid: raw.mid,
                    max: raw.max,
                },
            );
            let (Some(count), Some(amounts)) = (count, amounts) else {
                all_valid = false;
                continue;
            };
            if amounts.min > amounts.max {
                problems.push(
                    &format!("{path}.min"),
                    format!(
                        "must not exceed max: min is {}, max is {}",
                        amounts.min, amounts.max
                    ),
                );
            }
            if count == 0 && amounts != ByPoint::uniform(Pence::ZERO) {
                problems.push(
                    &format!("{path}.count"),
                    format!(
                        "is 0 but the line costs {} at max; set min, mid and max to 0 or \
                         remove the line",
                        amounts.max
                    ),
                );
            }
            lines.push(SalaryLine {
                post: raw.post.clone(),
                grade: raw.grade.clone(),
                count,
                amounts,
            });
        }
        all_valid.then_some(lines)
    }

    fn non_salary_lines(&self, problems: &mut Problems) -> Option<Vec<NonSalaryLine>> {
        let list = format!("{SECTION}.non_salary");
        if self.non_salary.len() > MAX_LINES {
            problems.push(
                &list,
                format!(
                    "must have at most {MAX_LINES} lines, got {}",
                    self.non_salary.len()
                ),
            );
        }
        let mut seen = Vec::new();
        let mut lines = Vec::with_capacity(self.non_salary.len());
        let mut all_valid = true;
        for (i, raw) in self.non_salary.iter().enumerate() {
            let path = format!("{list}[{i}]");
            problems.name(&format!("{path}.line"), &raw.line, "line", &mut seen);
            let unit_rate = problems.amount(&format!("{path}.unit_rate"), raw.unit_rate);
            let basis = Self::basis(problems, &path, raw);
            let stated = match raw.stated {
                None => Some(None),
                Some(pounds) => problems.amount(&format!("{path}.stated"), pounds).map(Some),
            };
            let (Some(unit_rate), Some(basis), Some(stated)) = (unit_rate, basis, stated) else {
                all_valid = false;
                continue;
            };
            lines.push(NonSalaryLine {
                line: raw.line.clone(),
                unit_rate,
                basis,
                stated,
                note: raw.note.clone().filter(|note| !note.trim().is_empty()),
            });
        }
        all_valid.then_some(lines)
    }

    fn basis(problems: &mut Problems, path: &str, raw: &RawNonSalaryLine) -> Option<Basis> {
        let people_path = format!("{path}.people");
        let per_person = |problems: &mut Problems| match raw.people {
            Some(people) => problems.headcount(&people_path, people),
            None => {
                problems.push(
                    &people_path,
                    format!(
                        "is required when basis is \"{}\": give the number of people costed",
                        raw.basis
                    ),
                );
                None
            }
        };
        match raw.basis.as_str() {
            "per-person-year" => per_person(problems).map(|people| Basis::PerPersonYear { people }),
            "per-person-month" => {
                per_person(problems).map(|people| Basis::PerPersonMonth { people })
            }
            "lump-sum" => match raw.people {
                None => Some(Basis::LumpSum),
                Some(people) => {
                    problems.push(
                        &people_path,
                        format!(
                            "is not used when basis is \"lump-sum\" (unit_rate is the whole \
                             line's yearly cost); remove it, got {people}"
                        ),
                    );
                    None
                }
            },
            other => {
                problems.push(
                    &format!("{path}.basis"),
                    format!("must be one of {BASES}, got \"{other}\""),
                );
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::costs_raw::{DEFAULT_GRADE_INCREMENTS, DEFAULT_PAY_AWARD};
    use super::super::costs_test_support::{WESTERN_BAY, raw, validated, western_bay};
    use super::*;

    fn problems(source: &str) -> Vec<FieldProblem> {
        validated(source).expect_err("should not validate")
    }

    fn paths(problems: &[FieldProblem]) -> Vec<&str> {
        problems.iter().map(|p| p.path.as_str()).collect()
    }

    const MINIMAL: &str = "\
[costs]
budget = 100
[[costs.salary]]
post = \"Worker\"
count = 1
min = 10
mid = 20
max = 30
";

    #[test]
    fn the_default_section_validates() {
        let costs = western_bay();
        assert_eq!(costs.budget(), Pence::from_pounds(850_000));
        assert_eq!(costs.salary_lines().len(), 4);
        assert_eq!(costs.salary_lines()[1].grade(), "PO 9-12");
        assert_eq!(costs.salary_lines()[1].count(), 8);
        let phones = &costs.non_salary_lines()[2];
        assert_eq!(phones.basis(), Basis::PerPersonMonth { people: 17 });
        assert_eq!(phones.unit_rate(), Pence::from_pounds(3));
        assert_eq!(phones.stated(), Some(Pence::from_pounds(952)));
        assert!(phones.note().unwrap().contains("initial capital"));
        assert_eq!(
            costs.stated_totals().total().unwrap().mid,
            Pence::from_pounds(880_764)
        );
    }

    #[test]
    fn projection_defaults_apply_when_left_out() {
        let costs = validated(MINIMAL).unwrap();
        let p = costs.projection();
        assert_eq!(p.pay_award(), DEFAULT_PAY_AWARD);
        assert_eq!(p.grade_increments(), DEFAULT_GRADE_INCREMENTS);
        assert_eq!(p.salary_point(), SalaryPoint::Min);
        assert_eq!(p.mileage_rate(), Pence::from_pence(45));
        assert_eq!(p.travel_speed_mph(), 30.0);
        assert!(!p.agency_cover());
        assert_eq!(p.agency_premium(), 0.3);
        assert!(costs.non_salary_lines().is_empty());
        assert_eq!(costs.stated_totals(), &StatedTotals::default());
        // The default file spells out the same values.
        assert_eq!(western_bay().projection(), p);
    }

    #[test]
    fn projection_values_are_read() {
        let source = MINIMAL.replace(
            "budget = 100\n",
            "budget = 100\npay_award = 0.025\ngrade_increments = 0\nsalary_point = \"mid\"\n\
             mileage_rate = 0.5\ntravel_speed_mph = 25.5\nagency_cover = true\n\
             agency_premium = 0.45\n",
        );
        let costs = validated(&source).unwrap();
        let p = costs.projection();
        assert_eq!(p.pay_award(), 0.025);
        assert_eq!(p.grade_increments(), 0);
        assert_eq!(p.salary_point(), SalaryPoint::Mid);
        assert_eq!(p.mileage_rate(), Pence::from_pence(50));
        assert_eq!(p.travel_speed_mph(), 25.5);
        assert!(p.agency_cover());
        assert_eq!(p.agency_premium(), 0.45);
    }

    #[test]
    fn a_negative_count_names_its_path() {
        let source = WESTERN_BAY.replace(
            "count = 8  # [P cost table]\nmin = 337244",
            "count = -1  # [P cost table]\nmin = 337244",
        );
        let found = problems(&source);
        assert_eq!(
            found,
            [FieldProblem::new(
                "costs.salary[2].count",
                "must be a whole number from 0 to 10000, got -1"
            )]
        );
    }

    #[test]
    fn a_fraction_of_a_penny_names_its_path() {
        let source = WESTERN_BAY.replace("unit_rate = 1300", "unit_rate = 1.234");
        assert_eq!(
            problems(&source),
            [FieldProblem::new(
                "costs.non_salary[1].unit_rate",
                "must be a non-negative amount in pounds with at most 2 decimal places, got 1.234"
            )]
        );
    }

    #[test]
    fn a_huge_amount_is_refused_for_its_size_not_its_decimals() {
        let source = WESTERN_BAY.replace("budget = 850000", "budget = 1e300");
        let found = problems(&source);
        assert_eq!(paths(&found), ["costs.budget"]);
        assert!(
            found[0].message.starts_with("must be at most £"),
            "{found:?}"
        );
    }

    #[test]
    fn min_above_max_names_its_path() {
        let source = WESTERN_BAY.replace("min = 44445", "min = 48000");
        assert_eq!(
            problems(&source),
            [FieldProblem::new(
                "costs.salary[0].min",
                "must not exceed max: min is £48,000, max is £47,923"
            )]
        );
    }

    #[test]
    fn an_unknown_basis_names_its_path() {
        let source = WESTERN_BAY.replace("\"per-person-month\"", "\"per-week\"");
        assert_eq!(
            problems(&source),
            [FieldProblem::new(
                "costs.non_salary[2].basis",
                "must be one of \"per-person-year\", \"per-person-month\", \"lump-sum\", \
                 got \"per-week\""
            )]
        );
    }

    #[test]
    fn every_fault_in_a_section_is_reported_in_file_order() {
        let source = WESTERN_BAY
            .replace("budget = 850000", "budget = -5")
            .replace("pay_award = 0.01", "pay_award = 3")
            .replace("salary_point = \"min\"", "salary_point = \"top\"")
            .replace("travel_speed_mph = 30", "travel_speed_mph = 0")
            .replace(
                "count = 8  # [P cost table]\nmin = 337244",
                "count = -1  # [P cost table]\nmin = 337244",
            )
            .replace("min = 44445", "min = 48000")
            .replace(
                "post = \"Business Support\"",
                "post = \"Consultant Social Worker\"",
            )
            .replace("unit_rate = 1300", "unit_rate = 1.234")
            .replace("\"per-person-month\"", "\"per-week\"")
            .replace("people = 20                 # the whole", "# the whole")
            .replace("total = { min = 843513", "total = { min = 843513.001");
        let found = problems(&source);
        assert_eq!(
            paths(&found),
            [
                "costs.budget",
                "costs.pay_award",
                "costs.salary_point",
                "costs.travel_speed_mph",
                "costs.salary[0].min",
                "costs.salary[2].count",
                "costs.salary[3].post",
                "costs.non_salary[0].people",
                "costs.non_salary[1].unit_rate",
                "costs.non_salary[2].basis",
                "costs.stated_totals.total.min",
            ],
            "{found:#?}"
        );
        let message = |path: &str| &found.iter().find(|p| p.path == path).unwrap().message;
        assert_eq!(
            message("costs.budget"),
            "must be a non-negative amount in pounds with at most 2 decimal places, got -5"
        );
        assert_eq!(
            message("costs.pay_award"),
            "must be a yearly fraction (0.01 means 1%) from 0 to 1, got 3"
        );
        assert_eq!(
            message("costs.salary[3].post"),
            "duplicate post \"Consultant Social Worker\": it is already at costs.salary[1].post"
        );
        assert_eq!(
            message("costs.non_salary[0].people"),
            "is required when basis is \"per-person-year\": give the number of people costed"
        );
    }

    #[test]
    fn other_rules() {
        let check = |from: &str, to: &str, path: &str, message: &str| {
            let source = MINIMAL.replace(from, to);
            assert_eq!(
                problems(&source),
                [FieldProblem::new(path, message)],
                "{from} -> {to}"
            );
        };
        check(
            "budget = 100",
            "budget = 100000001",
            "costs.budget",
            "must be at most £100,000,000, got 100000001",
        );
        check(
            "budget = 100",
            "budget = nan",
            "costs.budget",
            "must be a non-negative amount in pounds with at most 2 decimal places, got NaN",
        );
        check(
            "count = 1",
            "count = 0",
            "costs.salary[0].count",
            "is 0 but the line costs £30 at max; set min, mid and max to 0 or remove the line",
        );
        check(
            "post = \"Worker\"",
            "post = \" \"",
            "costs.salary[0].post",
            "must name the post, got an empty string",
        );
        check(
            "budget = 100",
            "budget = 100\ngrade_increments = 21",
            "costs.grade_increments",
            "must be a whole number of yearly increments from 0 to 20, got 21",
        );
        check(
            "budget = 100",
            "budget = 100\nagency_premium = 30",
            "costs.agency_premium",
            "must be a fraction above salary (0.3 means 30%) from 0 to 2, got 30",
        );
        check(
            "budget = 100",
            "budget = 100\nmileage_rate = 0.455",
            "costs.mileage_rate",
            "must be a non-negative amount in pounds with at most 2 decimal places, got 0.455",
        );
        let lump = "\n[[costs.non_salary]]\nline = \"Training\"\nunit_rate = 5000\n\
                    basis = \"lump-sum\"\npeople = 3\n";
        check(
            "max = 30\n",
            &format!("max = 30\n{lump}"),
            "costs.non_salary[0].people",
            "is not used when basis is \"lump-sum\" (unit_rate is the whole line's yearly \
             cost); remove it, got 3",
        );
        assert_eq!(
            problems("[costs]\nbudget = 1\n"),
            [FieldProblem::new(
                "costs.salary",
                "needs at least one [[costs.salary]] line, got none"
            )]
        );
    }

    #[test]
    fn a_lump_sum_costs_its_unit_rate() {
        let source = format!(
            "{MINIMAL}\n[[costs.non_salary]]\nline = \"Training\"\nunit_rate = 5000.5\n\
             basis = \"lump-sum\"\n"
        );
        let costs = validated(&source).unwrap();
        let line = &costs.non_salary_lines()[0];
        assert_eq!(line.basis(), Basis::LumpSum);
        assert_eq!(line.recomputed(), Pence::from_pence(500_050));
        assert_eq!(line.in_table(), line.recomputed());
        assert_eq!(line.stated(), None);
    }

    #[test]
    fn raw_defaults_are_visible_before_validation() {
        let costs = raw(MINIMAL);
        assert_eq!(costs.salary_point, "min");
        assert_eq!(costs.mileage_rate, 0.45);
        assert_eq!(costs.grade_increments, 3);
        assert!(costs.stated_totals.is_none());
    }
}
