//! The yearly cost of the service over the contract, from what a simulation measured.
//!
//! A [`Projector`] holds the model's cost lines and projection assumptions ([`Projection`])
//! and turns one contract year of one replication — staffed post-days per post title and
//! cross-region travel hours ([`YearInputs`]) — into that year's cost ([`YearCost`]). It is
//! pure arithmetic in exact [`Pence`]: it runs nothing, reads nothing and prints nothing.
//! The measures recorder feeds it each replication, so a Monte Carlo batch gives each year's
//! cost distribution and the probability that it exceeds the budget.
//!
//! # Rules
//!
//! Years are contract years of 365 days from the start of the simulation; `year` arguments
//! count from 0 (the first contract year).
//!
//! 1. **Salary rate.** Each salary line starts at the scenario's `salary_point` (default
//!    `min`). In contract year `k` (counting from 0) its yearly line total is
//!    `start + k × (max − min) ÷ grade_increments` (default 3 increments), capped at the
//!    line's `max` (a line starting at or above its `max` stays where it starts;
//!    `grade_increments = 0` means no progression), multiplied by `(1 + pay_award)^k`
//!    (default 1%). The first year is paid at the starting point with no award, so a fully
//!    staffed first year costs exactly the table's column for the starting point. The
//!    per-post rate is the line total ÷ the line's `count`. Rounding: the increment and the
//!    pay award are each rounded to the nearest penny, ties to even, in that order.
//! 2. **Salary paid.** For each post title with a salary line, the salary paid in a year is
//!    the line total × the staffed post-days of the posts with that title ÷ (`count` × 365),
//!    that is the per-post rate for each staffed day, rounded once to the penny. A vacancy
//!    (a post not yet filled, or empty between a leaver and the replacement) therefore
//!    lowers cost; leave and sickness do not, since the post is still filled. The line's
//!    `count` only sets the per-post rate; how many posts are paid comes from the staff
//!    list. Staff posts whose title has no salary line cost nothing extra (their cost is
//!    taken to be elsewhere), and neither does their vacancy.
//! 3. **Agency cover** (only if `agency_cover = true`, default false). Vacant post-days are
//!    `posts × days in the year − staffed post-days`, never negative. Cover costs the
//!    per-post rate for each vacant day (rounded to the penny) × `(1 + agency_premium)`
//!    (default 30%; rounded again to the penny).
//! 4. **Non-salary.** The non-salary total the stated cost table uses (each line's stated
//!    figure, or its rate where none is stated), the same every year: it is not uprated.
//! 5. **Mileage.** Simulated cross-region travel hours × `travel_speed_mph` (default 30)
//!    gives miles (a float), × `mileage_rate` (default 45p), rounded once to the penny.
//! 6. **Partial final year.** When the horizon is not a whole number of years, the last
//!    year is shorter than 365 days. Salary, agency and mileage follow from what was
//!    simulated in it, so they need no adjustment; the non-salary cost and the budget it is
//!    compared with are pro-rated by days in the year ÷ 365, rounded to the penny.
//! 7. **Total and budget.** The total is salary + agency + non-salary + mileage; the year is
//!    over budget when its total is strictly greater than the (pro-rated) budget.
//!
//! Pro-rating by days uses the exact ratio when the number of days is whole and the `f64`
//! ratio, rounded once, otherwise. An amount too large for 64-bit pence (about
//! £92 quadrillion, far beyond any valid scenario) saturates rather than wrapping.

use super::{CostTable, Projection, SalaryLine, SalaryPoint};
use crate::model::Model;
use crate::money::Pence;
use crate::time::DAYS_PER_YEAR;

/// The largest amount a projection reports; larger results saturate here.
const SATURATED: Pence = Pence::from_pence(i64::MAX);

/// What one replication measured in one contract year: the inputs to its cost.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct YearInputs {
    /// Staffed post-days in the year, per post title, in [`Model::post_titles`] order
    /// (a missing title counts as none staffed). Negative or non-finite values count as 0.
    pub filled_post_days: Vec<f64>,
    /// Cross-region travel hours in the year. Negative or non-finite values count as 0.
    pub travel_hours: f64,
}

/// The cost of one contract year, split by what it is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct YearCost {
    /// Salary paid for staffed post-days (rules 1 and 2 of the module doc).
    pub salary: Pence,
    /// Agency cover for vacant post-days; zero without agency cover.
    pub agency: Pence,
    /// Non-salary costs, pro-rated in a partial year.
    pub non_salary: Pence,
    /// Mileage for cross-region travel.
    pub mileage: Pence,
    /// Salary + agency + non-salary + mileage.
    pub total: Pence,
    /// Whether `total` is strictly greater than the year's budget.
    pub over_budget: bool,
}

/// How one post title is paid.
#[derive(Debug, Clone, PartialEq)]
struct TitleCost {
    /// Number of posts with this title in the model.
    posts: u32,
    /// The salary line for this title: its `count`, and its yearly line total in each
    /// contract year; `None` when no salary line names the title.
    line: Option<(u32, Vec<Pence>)>,
}

/// The largest yearly total of one salary line the projection accepts: £1 billion.
pub const LARGEST_YEARLY_LINE: Pence = Pence::from_pounds(1_000_000_000);

/// Projects the yearly cost of the service from simulated staffing and travel.
/// The budget in board terms, from one batch's simulated costs: see [`Projector::reading`].
#[derive(Debug, Clone, PartialEq)]
pub struct BudgetReading {
    /// Replications counted (those whose every year's cost is finite).
    pub replications: usize,
    /// Share of replications over budget, per contract year (a part year against its
    /// share of the budget).
    pub over_each_year: Vec<f64>,
    /// Share of replications over budget in at least one year.
    pub over_some_year: f64,
    /// How many replications that is.
    pub over_some_year_count: usize,
    /// Share of replications whose whole-contract cost exceeds the envelope.
    pub over_contract: f64,
    /// How many replications that is.
    pub over_contract_count: usize,
    /// The whole contract's budget: the sum of the years' budgets.
    pub envelope: Pence,
    /// The annual budget that covers every year in 90% of replications (pounds: the 90th
    /// percentile of each replication's dearest year, a part year scaled to a full one).
    pub enough_annual_90: f64,
    /// The envelope that covers the whole contract in 90% of replications (pounds).
    pub enough_contract_90: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Projector {
    budget: Pence,
    non_salary: Pence,
    horizon_days: f64,
    years: usize,
    assumptions: Projection,
    titles: Vec<TitleCost>,
}

impl Projector {
    /// The projector for `model`, or `None` when the scenario has no `[costs]` section.
    pub fn new(model: &Model) -> Option<Projector> {
        let costs = model.costs()?;
        let assumptions = *costs.projection();
        let years = model.years();
        let titles = model
            .post_titles()
            .into_iter()
            .map(|title| {
                let posts = model.posts().iter().filter(|p| p.title() == title).count();
                TitleCost {
                    posts: u32::try_from(posts).unwrap_or(u32::MAX),
                    line: costs
                        .salary_lines()
                        .iter()
                        .find(|line| line.post() == title)
                        .map(|line| {
                            let totals = (0..years)
                                .map(|year| line_total(line, &assumptions, year))
                                .collect();
                            (line.count(), totals)
                        }),
                }
            })
            .collect();
        Some(Projector {
            budget: costs.budget(),
            non_salary: CostTable::stated(costs)
                .column(SalaryPoint::Min)
                .non_salary(),
            horizon_days: model.horizon_days(),
            years,
            assumptions,
            titles,
        })
    }

    /// The first contract year (1-based) in which a salary line's yearly total passes
    /// [`LARGEST_YEARLY_LINE`], if any: beyond that the projection is no longer a
    /// costing (and beyond about £92 quadrillion exact money cannot hold it).
    pub fn first_runaway_year(&self) -> Option<usize> {
        (0..self.years)
            .find(|&y| {
                self.titles.iter().any(|t| {
                    t.line
                        .as_ref()
                        .is_some_and(|(_, totals)| totals[y] > LARGEST_YEARLY_LINE)
                })
            })
            .map(|y| y + 1)
    }

    /// Salary lines whose `count` differs from the scenario's posts of that title, as
    /// `(title index, count, posts)`: each post is paid the line total ÷ `count`, so the
    /// projection pays for the posts the scenario has, not for the table's count.
    pub fn staffing_differences(&self) -> Vec<(usize, u32, u32)> {
        self.titles
            .iter()
            .enumerate()
            .filter_map(|(i, t)| match &t.line {
                Some((count, _)) if *count != t.posts => Some((i, *count, t.posts)),
                _ => None,
            })
            .collect()
    }

    /// [`Projector::staffing_differences`] in words, or `None` when the table's counts
    /// match the scenario's posts.
    pub fn staffing_note(&self, model: &Model) -> Option<String> {
        let titles = model.post_titles();
        let parts: Vec<String> = self
            .staffing_differences()
            .into_iter()
            .map(|(i, count, posts)| {
                format!(
                    "{count} × {} where the scenario has {posts}",
                    titles.get(i).copied().unwrap_or("?")
                )
            })
            .collect();
        (!parts.is_empty()).then(|| {
            format!(
                "The cost table's counts differ from the scenario's posts: it costs {}. Each \
                 post is paid its line's total ÷ the table's count, so the projection pays for \
                 the posts the scenario has.",
                parts.join("; ")
            )
        })
    }

    /// Number of contract years the horizon touches (a partial last year counts).
    pub fn years(&self) -> usize {
        self.years
    }

    /// The assumptions the projection uses.
    pub fn assumptions(&self) -> &Projection {
        &self.assumptions
    }

    /// Days in contract year `year` (from 0): 365, or fewer for a partial last year; 0 past
    /// the horizon.
    pub fn year_days(&self, year: usize) -> f64 {
        let start = year as f64 * DAYS_PER_YEAR;
        (self.horizon_days - start).clamp(0.0, DAYS_PER_YEAR)
    }

    /// The share of simulated costs of contract year `year` (from 0; one per replication,
    /// pounds) that are over its budget once `extra` pounds a full year (pro-rated like the
    /// non-salary cost) are added: e.g. the non-salary lines as the audit recomputes them.
    /// Values that are not finite are left out; `None` if none is left.
    pub fn share_over_budget(&self, year: usize, costs: &[f64], extra: f64) -> Option<f64> {
        let fraction = self.year_days(year) / DAYS_PER_YEAR;
        let budget = self.budget(year).pence() as f64 / 100.0;
        let finite: Vec<f64> = costs.iter().copied().filter(|x| x.is_finite()).collect();
        let over = finite
            .iter()
            .filter(|&&c| c + extra * fraction > budget)
            .count();
        (!finite.is_empty()).then(|| over as f64 / finite.len() as f64)
    }

    /// The budget in board terms from a batch's simulated cost of each contract year
    /// (`per_year[y]`: one value per replication, pounds), with `extra` pounds a full year
    /// added (pro-rated like the non-salary cost; 0 for the costs as simulated): the share
    /// of replications over budget in each year, in some year, and over the whole
    /// contract's envelope (the sum of the years' budgets), and the annual budget and the
    /// envelope that would have been enough in 90% of replications. A replication with a
    /// cost that is not finite is left out; `None` when none is left or `per_year` does
    /// not hold one column per contract year of the same length.
    pub fn reading(&self, per_year: &[Vec<f64>], extra: f64) -> Option<BudgetReading> {
        let n = per_year.first()?.len();
        if per_year.len() != self.years || per_year.iter().any(|c| c.len() != n) {
            return None;
        }
        let fractions: Vec<f64> = (0..self.years)
            .map(|y| self.year_days(y) / DAYS_PER_YEAR)
            .collect();
        let budgets: Vec<f64> = (0..self.years)
            .map(|y| self.budget(y).pence() as f64 / 100.0)
            .collect();
        let envelope: Pence = (0..self.years)
            .map(|y| self.budget(y))
            .try_fold(Pence::ZERO, |a, b| a.checked_add(b))?;
        let envelope_pounds = envelope.pence() as f64 / 100.0;
        let mut over_year = vec![0usize; self.years];
        let (mut over_some, mut over_contract) = (0usize, 0usize);
        let (mut annual_need, mut totals) = (Vec::with_capacity(n), Vec::with_capacity(n));
        for r in 0..n {
            let costs: Vec<f64> = per_year
                .iter()
                .zip(&fractions)
                .map(|(column, f)| column[r] + extra * f)
                .collect();
            if costs.iter().any(|c| !c.is_finite()) {
                continue;
            }
            let mut any = false;
            let mut need = 0.0f64;
            for y in 0..self.years {
                if costs[y] > budgets[y] {
                    over_year[y] += 1;
                    any = true;
                }
                if fractions[y] > 0.0 {
                    need = need.max(costs[y] / fractions[y]);
                }
            }
            over_some += usize::from(any);
            let total: f64 = costs.iter().sum();
            over_contract += usize::from(total > envelope_pounds);
            annual_need.push(need);
            totals.push(total);
        }
        let kept = totals.len();
        if kept == 0 {
            return None;
        }
        let share = |k: usize| k as f64 / kept as f64;
        let p90 = |v: &mut Vec<f64>| {
            v.sort_by(f64::total_cmp);
            crate::stats::percentile_sorted(v, 0.9)
        };
        Some(BudgetReading {
            replications: kept,
            over_each_year: over_year.into_iter().map(share).collect(),
            over_some_year: share(over_some),
            over_some_year_count: over_some,
            over_contract: share(over_contract),
            over_contract_count: over_contract,
            envelope,
            enough_annual_90: p90(&mut annual_need),
            enough_contract_90: p90(&mut totals),
        })
    }

    /// The budget for contract year `year`, pro-rated when the year is partial (rule 6).
    pub fn budget(&self, year: usize) -> Pence {
        prorate(self.budget, self.year_days(year))
    }

    /// The non-salary cost of contract year `year`, pro-rated when the year is partial
    /// (rules 4 and 6).
    pub fn non_salary(&self, year: usize) -> Pence {
        prorate(self.non_salary, self.year_days(year))
    }

    /// The yearly line total (all `count` posts, fully staffed) of the salary line for post
    /// title `title` (an index into [`Model::post_titles`]) in contract year `year` (rule
    /// 1), with the line's `count`; `None` when no salary line names the title or `year` is
    /// past the horizon.
    pub fn line_total(&self, title: usize, year: usize) -> Option<(Pence, u32)> {
        let (count, totals) = self.titles.get(title)?.line.as_ref()?;
        Some((*totals.get(year)?, *count))
    }

    /// The cost of contract year `year` (from 0), given what one replication measured in it.
    pub fn year(&self, year: usize, inputs: &YearInputs) -> YearCost {
        let days_in_year = self.year_days(year);
        let mut salary = Pence::ZERO;
        let mut agency = Pence::ZERO;
        for (t, title) in self.titles.iter().enumerate() {
            let Some((line_total, count)) = self.line_total(t, year) else {
                continue;
            };
            let staffed = non_negative(inputs.filled_post_days.get(t).copied().unwrap_or(0.0));
            salary = add(salary, post_days(line_total, count, staffed));
            if self.assumptions.agency_cover() {
                let vacant = (f64::from(title.posts) * days_in_year - staffed).max(0.0);
                let cover = post_days(line_total, count, vacant)
                    .mul_f64_rounded(1.0 + self.assumptions.agency_premium())
                    .unwrap_or(SATURATED);
                agency = add(agency, cover);
            }
        }
        let miles = non_negative(inputs.travel_hours) * self.assumptions.travel_speed_mph();
        let mileage = self
            .assumptions
            .mileage_rate()
            .mul_f64_rounded(miles)
            .unwrap_or(SATURATED);
        let non_salary = self.non_salary(year);
        let total = add(add(salary, agency), add(non_salary, mileage));
        YearCost {
            salary,
            agency,
            non_salary,
            mileage,
            total,
            over_budget: total > self.budget(year),
        }
    }
}

/// The yearly total of `line` in contract year `year` (rule 1).
fn line_total(line: &SalaryLine, assumptions: &Projection, year: usize) -> Pence {
    let start = line.at(assumptions.salary_point());
    let max = line.at(SalaryPoint::Max);
    let increments = i64::from(assumptions.grade_increments());
    let on_grade = if increments == 0 || start >= max {
        start
    } else {
        let steps = i64::try_from(year).unwrap_or(i64::MAX).min(increments);
        let span = max - line.at(SalaryPoint::Min);
        let raised = span
            .mul_ratio_rounded(steps, increments)
            .and_then(|step| start.checked_add(step))
            .unwrap_or(max);
        raised.min(max)
    };
    let award = (1.0 + assumptions.pay_award()).powi(i32::try_from(year).unwrap_or(i32::MAX));
    on_grade.mul_f64_rounded(award).unwrap_or(SATURATED)
}

/// A yearly line total for `count` posts, paid for `days` post-days:
/// `line_total × days ÷ (count × 365)`, rounded once to the penny; zero when `count` is 0.
fn post_days(line_total: Pence, count: u32, days: f64) -> Pence {
    if count == 0 {
        return Pence::ZERO;
    }
    share_of_year(line_total, days, f64::from(count))
}

/// `amount × days ÷ 365`, rounded to the penny, ties to even (rule 6).
fn prorate(amount: Pence, days: f64) -> Pence {
    share_of_year(amount, days, 1.0)
}

/// `amount × days ÷ (per × 365)`, rounded to the penny, ties to even: exactly when `days`
/// and `per` are whole numbers, otherwise through the `f64` ratio.
fn share_of_year(amount: Pence, days: f64, per: f64) -> Pence {
    const WHOLE_LIMIT: f64 = 1.0e12; // whole numbers below this are exact i64s, and so is per × 365
    let whole = |x: f64| x.fract() == 0.0 && x.abs() < WHOLE_LIMIT;
    let result = if whole(days) && whole(per) {
        // Whole and in range, so the casts are exact.
        amount.mul_ratio_rounded(days as i64, per as i64 * DAYS_PER_YEAR as i64)
    } else {
        amount.mul_f64_rounded(days / (per * DAYS_PER_YEAR))
    };
    result.unwrap_or(SATURATED)
}

/// `a + b`, saturating at the largest amount instead of overflowing.
fn add(a: Pence, b: Pence) -> Pence {
    a.checked_add(b).unwrap_or(SATURATED)
}

/// `x`, or 0 when it is negative or not finite.
fn non_negative(x: f64) -> f64 {
    if x.is_finite() && x > 0.0 { x } else { 0.0 }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{self, overrides::Override};

    /// The Western Bay default with `--set`-style overrides applied.
    fn western_bay_with(sets: &[&str]) -> Model {
        let text = scenario::bundled("western-bay").expect("bundled").text;
        let overrides: Vec<Override> = sets.iter().map(|s| s.parse().unwrap()).collect();
        let text = scenario::overrides::apply(text, &overrides).unwrap();
        scenario::load(&text, "test.toml").unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn counts_that_differ_from_the_posts_are_named() {
        let m = western_bay_with(&[]);
        let p = Projector::new(&m).unwrap();
        assert!(p.staffing_differences().is_empty());
        assert_eq!(p.staffing_note(&m), None);
        let m = western_bay_with(&["costs.salary[1].count=16"]);
        let p = Projector::new(&m).unwrap();
        let title = m
            .post_titles()
            .iter()
            .position(|t| *t == "Consultant Social Worker")
            .unwrap();
        assert_eq!(p.staffing_differences(), [(title, 16, 8)]);
        let note = p.staffing_note(&m).unwrap();
        assert!(
            note.contains("16 × Consultant Social Worker where the scenario has 8"),
            "{note}"
        );
    }

    fn projector(sets: &[&str]) -> Projector {
        Projector::new(&western_bay_with(sets)).expect("the default has [costs]")
    }

    fn title(model: &Model, name: &str) -> usize {
        model.post_titles().iter().position(|t| *t == name).unwrap()
    }

    /// Every post of `model` staffed for `days` days.
    fn staffed_for(model: &Model, days: f64) -> Vec<f64> {
        model
            .post_titles()
            .iter()
            .map(|t| model.posts().iter().filter(|p| p.title() == *t).count() as f64 * days)
            .collect()
    }

    fn pence(p: i64) -> Pence {
        Pence::from_pence(p)
    }

    #[test]
    fn the_budget_reading_counts_each_year_the_contract_and_the_ninetieth_percentile() {
        // three whole years, £850,000 a year: an envelope of £2,550,000
        let p = projector(&[]);
        assert_eq!(p.years(), 3);
        // ten replications: replication r costs 840k + r × 5k in year 2 and 800k otherwise
        let y2: Vec<f64> = (0..10).map(|r| 840_000.0 + 5_000.0 * r as f64).collect();
        let flat = vec![800_000.0; 10];
        let reading = p
            .reading(&[flat.clone(), y2.clone(), flat.clone()], 0.0)
            .unwrap();
        assert_eq!(reading.replications, 10);
        assert_eq!(reading.envelope, Pence::from_pounds(2_550_000));
        // over in year 2 when 840k + 5k r > 850k: r ≥ 3, seven of ten
        assert_eq!(reading.over_each_year, [0.0, 0.7, 0.0]);
        assert_eq!(
            (reading.over_some_year_count, reading.over_some_year),
            (7, 0.7)
        );
        // the whole contract, 1.6m + 840k + 5k r, is never above 2.55m
        assert_eq!(reading.over_contract_count, 0);
        // the dearest year is year 2: its type 7 90th percentile over r = 0..9 is at r = 8.1
        assert!((reading.enough_annual_90 - 880_500.0).abs() < 1e-6);
        assert!((reading.enough_contract_90 - 2_480_500.0).abs() < 1e-6);
        // £41,400 more a year: year 2 always over (881.4k and up), years 1 and 3 never
        // (841.4k), and the contract always (2.4402m + 5k r + 124.2k > 2.55m)
        let more = p
            .reading(&[flat.clone(), y2.clone(), flat.clone()], 41_400.0)
            .unwrap();
        assert_eq!(more.over_each_year, [0.0, 1.0, 0.0]);
        assert_eq!(more.over_contract_count, 10);
        let dear = vec![830_000.0; 10];
        let most = p
            .reading(&[dear.clone(), dear.clone(), dear], 41_400.0)
            .unwrap();
        assert_eq!(most.over_each_year, [1.0, 1.0, 1.0]);
        assert_eq!(most.over_contract, 1.0);
        // a cost that is not finite leaves its replication out; a column missing is refused
        let mut gap = flat.clone();
        gap[0] = f64::NAN;
        assert_eq!(
            p.reading(&[gap, y2.clone(), flat.clone()], 0.0)
                .unwrap()
                .replications,
            9
        );
        assert!(p.reading(&[flat.clone(), y2], 0.0).is_none());
    }

    #[test]
    fn a_scenario_without_costs_has_no_projector() {
        let model = scenario::load_bundled("mmc").unwrap().unwrap();
        assert!(model.costs().is_none());
        assert!(Projector::new(&model).is_none());
    }

    #[test]
    fn a_fully_staffed_first_year_costs_the_table_at_the_starting_point() {
        for (point, total) in [("min", 843_513), ("mid", 880_764), ("max", 909_181)] {
            let model = western_bay_with(&[&format!("costs.salary_point={point}")]);
            let p = Projector::new(&model).unwrap();
            let inputs = YearInputs {
                filled_post_days: staffed_for(&model, 365.0),
                travel_hours: 0.0,
            };
            let year = p.year(0, &inputs);
            assert_eq!(year.total, Pence::from_pounds(total), "{point}");
            assert_eq!(year.non_salary, Pence::from_pounds(31_552));
            assert_eq!(year.over_budget, total > 850_000, "{point}");
        }
    }

    /// Consultant social workers in the second contract year, by hand:
    /// span £383,384 − £355,560 = £27,824; one increment of three is £9,274.666… → £9,274.67;
    /// line total £355,560 + £9,274.67 = £364,834.67; pay award × 1.01 = £368,483.0167 →
    /// £368,483.02 for 8 posts. 8 posts less 100 vacant days = 2,820 staffed post-days:
    /// £368,483.02 × 2,820 ÷ (8 × 365) = £355,863.7385… → £355,863.74.
    #[test]
    fn one_line_one_year_with_an_increment_and_a_pay_award_to_the_penny() {
        let model = western_bay_with(&[]);
        let p = Projector::new(&model).unwrap();
        let csw = title(&model, "Consultant Social Worker");
        assert_eq!(p.line_total(csw, 0), Some((Pence::from_pounds(355_560), 8)));
        assert_eq!(p.line_total(csw, 1), Some((pence(36_848_302), 8)));
        let mut days = vec![0.0; model.post_titles().len()];
        days[csw] = 8.0 * 365.0 - 100.0;
        let year = p.year(
            1,
            &YearInputs {
                filled_post_days: days,
                travel_hours: 0.0,
            },
        );
        assert_eq!(year.salary, pence(35_586_374));
        assert_eq!(year.agency, Pence::ZERO);
        assert_eq!(year.mileage, Pence::ZERO);
        assert_eq!(year.total, pence(35_586_374) + Pence::from_pounds(31_552));
    }

    /// Year 3: two increments (£18,549.333… → £18,549.33), line £374,109.33, × 1.01² =
    /// £381,628.9275… → £381,628.93. Year 4 reaches the top of the grade, £383,384, and
    /// year 5 stays there: beyond the third increment only the pay award moves the line.
    #[test]
    fn progression_stops_at_the_top_of_the_grade() {
        let model = western_bay_with(&["simulation.horizon_days=1825"]);
        let p = Projector::new(&model).unwrap();
        let csw = title(&model, "Consultant Social Worker");
        let total = |year| p.line_total(csw, year).map(|(total, _)| total);
        assert_eq!(total(2), Some(pence(38_162_893)));
        let top = Pence::from_pounds(383_384);
        assert_eq!(total(3), top.mul_f64_rounded(1.01_f64.powi(3)));
        assert_eq!(total(4), top.mul_f64_rounded(1.01_f64.powi(4)));
        assert_eq!(total(5), None, "past the horizon");
        let flat = projector(&[
            "costs.grade_increments=0",
            "costs.pay_award=0",
            "simulation.horizon_days=1825",
        ]);
        assert_eq!(
            flat.line_total(csw, 4),
            Some((Pence::from_pounds(355_560), 8))
        );
        let from_mid = projector(&["costs.salary_point=mid", "costs.pay_award=0"]);
        // £374,032 + £9,274.67 = £383,306.67, then capped at £383,384 in the third year.
        assert_eq!(from_mid.line_total(csw, 1), Some((pence(38_330_667), 8)));
        assert_eq!(from_mid.line_total(csw, 2), Some((top, 8)));
    }

    #[test]
    fn vacancies_lower_cost() {
        let model = western_bay_with(&[]);
        let p = Projector::new(&model).unwrap();
        let full = staffed_for(&model, 365.0);
        let mut vacant = full.clone();
        vacant[title(&model, "Intervention Specialist")] -= 90.0;
        let cost = |days: &Vec<f64>| {
            p.year(
                1,
                &YearInputs {
                    filled_post_days: days.clone(),
                    travel_hours: 0.0,
                },
            )
        };
        assert!(cost(&vacant).total < cost(&full).total);
        assert!(cost(&vacant).salary < cost(&full).salary);
        assert_eq!(cost(&vacant).agency, Pence::ZERO);
    }

    /// With cover, 90 vacant days of an intervention specialist cost the salary they save
    /// plus 30%.
    #[test]
    fn agency_cover_with_a_premium_costs_more_than_full_staffing() {
        let model = western_bay_with(&["costs.agency_cover=true"]);
        let p = Projector::new(&model).unwrap();
        let is = title(&model, "Intervention Specialist");
        let full = staffed_for(&model, 365.0);
        let mut vacant = full.clone();
        vacant[is] -= 90.0;
        let year = |days: Vec<f64>| {
            p.year(
                1,
                &YearInputs {
                    filled_post_days: days,
                    travel_hours: 0.0,
                },
            )
        };
        let staffed = year(full);
        let covered = year(vacant);
        assert_eq!(staffed.agency, Pence::ZERO);
        assert!(covered.total > staffed.total);
        let (line, count) = p.line_total(is, 1).unwrap();
        let cover = line.mul_ratio_rounded(90, i64::from(count) * 365).unwrap();
        assert_eq!(covered.agency, cover.mul_f64_rounded(1.3).unwrap());
        // The salary no longer paid, plus the agency bill, is 30% above the salary alone.
        let saved = staffed.salary - covered.salary;
        assert!((saved - cover).pence().abs() <= 1, "{saved} vs {cover}");
        assert!(covered.total - staffed.total > cover.mul_ratio_rounded(29, 100).unwrap());
    }

    /// 100 hours at 30 mph is 3,000 miles; at 45p a mile, £1,350.00 exactly; 12.3 hours is
    /// 369 miles, £166.05.
    #[test]
    fn mileage_is_exact() {
        let p = projector(&[]);
        let year = |hours: f64| {
            p.year(
                0,
                &YearInputs {
                    filled_post_days: Vec::new(),
                    travel_hours: hours,
                },
            )
        };
        assert_eq!(year(100.0).mileage, Pence::from_pounds(1_350));
        assert_eq!(year(12.3).mileage, pence(16_605));
        assert_eq!(year(0.0).mileage, Pence::ZERO);
        assert_eq!(year(-5.0).mileage, Pence::ZERO);
        assert_eq!(year(f64::NAN).mileage, Pence::ZERO);
        let dearer = projector(&["costs.mileage_rate=0.5", "costs.travel_speed_mph=20"]);
        let cost = dearer.year(
            0,
            &YearInputs {
                filled_post_days: Vec::new(),
                travel_hours: 100.0,
            },
        );
        assert_eq!(cost.mileage, Pence::from_pounds(1_000));
    }

    /// A 500-day horizon has a second year of 135 days: the non-salary cost and the budget
    /// are pro-rated (£31,552 × 135 ÷ 365 = £11,669.9178… → £11,669.92; £850,000 × 135 ÷
    /// 365 = £314,383.5616… → £314,383.56), and salary follows the days staffed.
    #[test]
    fn a_partial_final_year_is_pro_rated() {
        let model = western_bay_with(&["simulation.horizon_days=500"]);
        let p = Projector::new(&model).unwrap();
        assert_eq!(p.years(), 2);
        assert_eq!(p.year_days(0), 365.0);
        assert_eq!(p.year_days(1), 135.0);
        assert_eq!(p.non_salary(0), Pence::from_pounds(31_552));
        assert_eq!(p.non_salary(1), pence(1_166_992));
        assert_eq!(p.budget(1), pence(31_438_356));
        let part = p.year(
            1,
            &YearInputs {
                filled_post_days: staffed_for(&model, 135.0),
                travel_hours: 0.0,
            },
        );
        let whole = p.year(
            1,
            &YearInputs {
                filled_post_days: staffed_for(&model, 365.0),
                travel_hours: 0.0,
            },
        );
        assert_eq!(part.non_salary, pence(1_166_992));
        let expected = whole.salary.mul_ratio_rounded(135, 365).unwrap();
        assert!((part.salary - expected).pence().abs() <= 4, "{part:?}");
        assert_eq!(part.over_budget, part.total > pence(31_438_356));
    }

    #[test]
    fn budget_decides_over_budget() {
        let inputs = |model: &Model| YearInputs {
            filled_post_days: staffed_for(model, 365.0),
            travel_hours: 0.0,
        };
        for (budget, over) in [("1000", true), ("100000000", false)] {
            let model = western_bay_with(&[&format!("costs.budget={budget}")]);
            let p = Projector::new(&model).unwrap();
            for year in 0..p.years() {
                assert_eq!(p.year(year, &inputs(&model)).over_budget, over);
            }
        }
    }

    /// Renaming one business support post leaves a title with no salary line: its post is
    /// not paid (the table's minimum less one £24,904 business support post), and its
    /// vacancy costs no cover.
    #[test]
    fn posts_without_a_salary_line_cost_nothing() {
        let model = western_bay_with(&[
            "staff[9].post=\"Volunteer Coordinator\"",
            "costs.agency_cover=true",
        ]);
        let p = Projector::new(&model).unwrap();
        let volunteer = title(&model, "Volunteer Coordinator");
        assert_eq!(p.line_total(volunteer, 0), None);
        let mut days = staffed_for(&model, 365.0);
        let full = p.year(
            0,
            &YearInputs {
                filled_post_days: days.clone(),
                travel_hours: 0.0,
            },
        );
        assert_eq!(full.total, Pence::from_pounds(843_513 - 24_904));
        days[volunteer] = 0.0;
        let empty = p.year(
            0,
            &YearInputs {
                filled_post_days: days,
                travel_hours: 0.0,
            },
        );
        assert_eq!(empty, full);
    }

    #[test]
    fn the_share_over_budget_with_extra_cost_agrees_with_the_projection_and_grows() {
        let m = crate::scenario::load_bundled("western-bay")
            .expect("bundled")
            .expect("valid");
        let cfg = crate::batch::BatchConfig {
            seed: 3,
            first: 0,
            replications: 40,
            threads: Some(1),
        };
        let b = crate::batch::run(&m, &cfg, &|_| {}).expect("batch");
        let projector = Projector::new(&m).expect("costs");
        let names = crate::measures::names::cost_in_year;
        for y in 0..m.years() {
            let costs = b.measure(&names(y + 1)).expect("measured");
            let flags = b
                .measure(&crate::measures::names::over_budget_in_year(y + 1))
                .expect("measured");
            let stated = flags.iter().sum::<f64>() / flags.len() as f64;
            // no extra cost: exactly the projection's own verdicts
            let share = |extra| projector.share_over_budget(y, &costs, extra);
            assert_eq!(share(0.0), Some(stated), "year {}", y + 1);
            let more = share(41_060.0).expect("measured");
            assert!(more >= stated, "year {}: {more} < {stated}", y + 1);
            assert_eq!(share(1e9), Some(1.0));
            assert_eq!(share(-1e9), Some(0.0));
        }
        assert_eq!(projector.share_over_budget(0, &[f64::NAN], 0.0), None);
        // the default's audit recomputes occupancy at ten times the stated figure and the
        // phones without their capital: £41,400 more, £340 less
        let costs = m.costs().expect("costs");
        assert_eq!(
            crate::costs::Audit::of(costs).non_salary_understatement(costs),
            Pence::from_pounds(41_060)
        );
    }
}
