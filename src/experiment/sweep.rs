//! Sweeps: one or two inputs varied over a grid, every point under each policy on the same
//! random numbers.
//!
//! Every point runs the same seed and replications, so replication `k` of each point sees
//! the same families and (for the posts the points share) the same absences: a change
//! from one point to the next is the input's, not the noise's. For each point and policy
//! the sweep keeps a few decision measures, each with its mean, 95% interval and spread
//! over replications, the paired difference against the reference point (the first), and,
//! when several policies run, the paired difference against the first policy at the same
//! point (what sharing gains there).
//!
//! The capacity question (the referral rate at which a policy stops meeting the wait
//! target) is read off a sweep of the referral rate by [`crossing`].

use super::columns::{self, Columns};
use super::{ExperimentError, Runs, Watch, batch_of};
use crate::batch::Pool;
use crate::model::{FieldProblem, Model, PolicyKind};
use crate::scenario::overrides::Override;
use crate::stats::{paired_difference, summarize};
use serde::Serialize;

/// The most inputs one sweep varies.
pub const MAX_AXES: usize = 2;

/// The most values one input takes.
pub const MAX_VALUES: usize = 100;

/// The most points (combinations of values) one sweep simulates, under each policy.
pub const MAX_POINTS: usize = 200;

/// The measures a sweep reports unless asked for others: the ones a board decides on.
pub const DEFAULT_MEASURES: [&str; 7] = [
    crate::measures::names::WAIT,
    crate::measures::names::WAIT_WITHIN_TARGET,
    crate::measures::names::WITHDRAWN_WHILE_WAITING,
    crate::measures::names::PHASE1_STARTS,
    crate::measures::names::UTILISATION,
    crate::measures::names::TRAVEL_HOURS,
    crate::measures::names::OVER_BUDGET_ANY,
];

/// The capacity question's input: every authority's referrals from 0.2 to 1.4 times the
/// scenario's.
pub const CAPACITY_AXIS: &str = "simulation.referral_scale=0.2..1.4/13";

/// The sharing question's input: the days a family waits before another base may take it.
pub const SHARING_AXIS: &str = "policy.share_after_days=0..60/7";

/// One input and the values it takes, each as `--set` would write it.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    /// The field, as `--set` names it (`authorities[Swansea].referrals_per_year`).
    pub path: String,
    /// The values, as written into the scenario.
    pub values: Vec<String>,
}

impl Axis {
    /// Each value as a number, where it is one.
    pub fn numbers(&self) -> Vec<Option<f64>> {
        self.values.iter().map(|v| v.parse::<f64>().ok()).collect()
    }
}

impl std::str::FromStr for Axis {
    type Err = String;

    /// `PATH=V1,V2,...` or `PATH=LO..HI/STEPS` (STEPS values from LO to HI inclusive).
    fn from_str(s: &str) -> Result<Axis, String> {
        let shape = || {
            format!(
                "expected PATH=V1,V2,... or PATH=LO..HI/STEPS \
                 (e.g. authorities[Swansea].referrals_per_year=80..160/9), got {s:?}"
            )
        };
        let (path, spec) = s.split_once('=').ok_or_else(shape)?;
        let path = path.trim();
        if path.is_empty() {
            return Err(shape());
        }
        let spec = spec.trim();
        let values = match spec.split_once("..") {
            Some((lo, rest)) if !spec.starts_with('"') => {
                let (hi, steps) = rest.split_once('/').ok_or_else(shape)?;
                let number = |t: &str| {
                    t.trim()
                        .parse::<f64>()
                        .ok()
                        .filter(|x| x.is_finite())
                        .ok_or_else(shape)
                };
                let (lo, hi) = (number(lo)?, number(hi)?);
                let steps: usize = steps.trim().parse().map_err(|_| shape())?;
                if !(2..=MAX_VALUES).contains(&steps) {
                    return Err(format!(
                        "{path}: STEPS must be between 2 and {MAX_VALUES}, got {steps}"
                    ));
                }
                if hi <= lo {
                    return Err(format!("{path}: HI must be above LO, got {lo}..{hi}"));
                }
                (0..steps)
                    .map(|i| super::number_text(lo + (hi - lo) * i as f64 / (steps - 1) as f64))
                    .collect()
            }
            _ => spec
                .split(',')
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(String::from)
                .collect::<Vec<_>>(),
        };
        if values.is_empty() {
            return Err(shape());
        }
        Ok(Axis {
            path: path.to_string(),
            values,
        })
    }
}

/// What a person asks to sweep.
#[derive(Debug, Clone)]
pub struct Request {
    /// The scenario's text (after any `--set`), and what to call it in messages.
    pub text: String,
    /// Where the text came from, for messages.
    pub origin: String,
    /// One or two inputs.
    pub axes: Vec<Axis>,
    /// Policy names, the first the reference; empty: the scenario's own.
    pub policies: Vec<String>,
    /// Measures to report; empty: [`DEFAULT_MEASURES`].
    pub measures: Vec<String>,
    /// Seed and replications of every point (the first batch of each, with `precision`).
    pub runs: Runs,
    /// Keep adding replications to each point and policy until this measure is precise
    /// enough there: points that settle early stop early, hard ones get more.
    pub precision: Option<PointPrecision>,
}

/// When a point has run enough replications: once the 95% interval of `measure` has a
/// half-width at most `target` × |mean| there, or at `max_replications`.
#[derive(Debug, Clone, PartialEq)]
pub struct PointPrecision {
    /// The measure the target applies to.
    pub measure: String,
    /// Relative half-width asked for (0.02 for ±2%).
    pub target: f64,
    /// The most replications a point may reach (at least the first batch's).
    pub max_replications: u64,
}

/// A validated sweep: every point a valid scenario.
#[derive(Debug, Clone)]
pub struct Plan {
    axes: Vec<Axis>,
    policies: Vec<PolicyKind>,
    measures: Vec<String>,
    runs: Runs,
    precision: Option<PointPrecision>,
    /// Each point's value index on each axis, first axis fastest, and its model.
    points: Vec<(Vec<usize>, Model)>,
}

impl Plan {
    /// Check a request: one or two distinct inputs, not too many points, known policies
    /// and measures, and every point a valid scenario (each problem named by its values).
    pub fn new(request: &Request) -> Result<Plan, Vec<FieldProblem>> {
        let mut problems = Vec::new();
        let over = |m: String| FieldProblem::new("over", m);
        if request.axes.is_empty() || request.axes.len() > MAX_AXES {
            problems.push(over(format!(
                "give one or two inputs to vary, got {}",
                request.axes.len()
            )));
        }
        for (i, a) in request.axes.iter().enumerate() {
            if request.axes[..i].iter().any(|b| b.path == a.path) {
                problems.push(over(format!("{} is given twice", a.path)));
            }
            if a.values.len() > MAX_VALUES {
                problems.push(over(format!(
                    "{}: {} values; an input may take at most {MAX_VALUES}",
                    a.path,
                    a.values.len()
                )));
            }
        }
        let points: usize = request.axes.iter().map(|a| a.values.len()).product();
        if problems.is_empty() && points < 2 {
            problems.push(over("a sweep needs at least two points".into()));
        }
        if points > MAX_POINTS {
            problems.push(over(format!(
                "{points} points; a sweep may simulate at most {MAX_POINTS} (fewer STEPS)"
            )));
        }
        let policies = super::policies(&request.policies, &mut problems);
        let runs = request.runs.check_into(&mut problems);
        if let Some(p) = &request.precision {
            if !(p.target > 0.0 && p.target < 1.0) {
                problems.push(FieldProblem::new(
                    "target-precision",
                    format!("must be between 0 and 1 (exclusive), got {}", p.target),
                ));
            }
            if p.max_replications < runs.replications
                || p.max_replications > crate::model::MAX_REPLICATIONS
            {
                problems.push(FieldProblem::new(
                    "max-reps",
                    format!(
                        "must be between the first batch's {} replications and {}, got {}",
                        runs.replications,
                        crate::model::MAX_REPLICATIONS,
                        p.max_replications
                    ),
                ));
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        // every point, first axis fastest
        let mut grid: Vec<Vec<usize>> = vec![Vec::new()];
        for a in &request.axes {
            grid = (0..a.values.len())
                .flat_map(|v| {
                    grid.iter().map(move |g| {
                        let mut g = g.clone();
                        g.push(v);
                        g
                    })
                })
                .collect();
        }
        grid.sort_by(|x, y| x.iter().rev().cmp(y.iter().rev()));
        let mut built = Vec::with_capacity(grid.len());
        for g in grid {
            let sets: Vec<Override> = request
                .axes
                .iter()
                .zip(&g)
                .map(|(a, &v)| Override {
                    path: a.path.clone(),
                    value: a.values[v].clone(),
                })
                .collect();
            let at = super::settings(&sets);
            let model = super::scenario_with(&request.text, &request.origin, &sets);
            match model {
                Ok(m) => built.push((g, m)),
                Err(e) => problems.push(over(format!("at {at}: {e}"))),
            }
        }
        let measures: Vec<String> = if request.measures.is_empty() {
            DEFAULT_MEASURES.iter().map(|s| s.to_string()).collect()
        } else {
            request.measures.clone()
        };
        if let Some((_, m)) = built.first() {
            let catalogue = crate::measures::Catalogue::new(m);
            let precision = request
                .precision
                .as_ref()
                .map(|p| ("precision-measure", &p.measure));
            for (field, name) in measures.iter().map(|m| ("measure", m)).chain(precision) {
                if catalogue.index(name).is_none() {
                    problems.push(FieldProblem::new(
                        field,
                        format!("no measure is called {name:?} (`ifss-sim run --json` lists them)"),
                    ));
                }
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Plan {
            axes: request.axes.clone(),
            policies,
            measures,
            runs,
            precision: request.precision.clone(),
            points: built,
        })
    }

    /// Points to simulate (under each policy).
    pub fn points(&self) -> usize {
        self.points.len()
    }

    /// Batches the sweep runs.
    pub fn batches(&self) -> usize {
        self.points.len() * self.policies.len().max(1)
    }

    /// Replications per batch: the first batch's, and with a precision target the most a
    /// batch may reach.
    pub fn replications(&self) -> u64 {
        self.precision
            .as_ref()
            .map_or(self.runs.replications, |p| p.max_replications)
    }

    /// The largest point's model, to size the work before it starts.
    pub fn largest_model(&self) -> &Model {
        self.points
            .iter()
            .map(|(_, m)| m)
            .max_by_key(|m| m.posts().len() + m.authorities().len())
            .expect("a plan has points")
    }
}

/// A measure at one point under one policy.
#[derive(Debug, Clone, Serialize)]
pub struct Stat {
    /// The measure's name.
    pub measure: String,
    /// Mean over replications (`None`: no replication had a value).
    pub mean: Option<f64>,
    /// 95% confidence interval of the mean.
    pub ci95: Option<[f64; 2]>,
    /// 5th and 95th percentiles over replications: the spread of one replication.
    pub p5: Option<f64>,
    /// See `p5`.
    pub p95: Option<f64>,
    /// Paired difference against the reference point (the first) under the same policy:
    /// mean and 95% interval.
    pub vs_reference: Option<Paired>,
    /// Paired difference against the first policy at the same point.
    pub vs_first_policy: Option<Paired>,
}

/// A paired difference's mean and 95% interval.
#[derive(Debug, Clone, Copy, Serialize, serde::Deserialize)]
pub struct Paired {
    /// Mean of the per-replication differences.
    pub mean: f64,
    /// Its 95% confidence interval.
    pub ci95: Option<[f64; 2]>,
}

/// One point under one policy.
#[derive(Debug, Clone, Serialize)]
pub struct Cell {
    /// The value of each input, as written.
    pub values: Vec<String>,
    /// The policy it ran under.
    pub policy: String,
    /// Replications it ran (more than the first batch's where a precision target asked).
    pub replications: u64,
    /// With a precision target: whether this point met it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub precise: Option<bool>,
    /// Each measure, in the plan's order.
    pub stats: Vec<Stat>,
}

/// A finished sweep.
#[derive(Debug, Clone, Serialize)]
pub struct Sweep {
    /// The inputs and their values.
    pub axes: Vec<Axis>,
    /// The policies, the first the reference for `vs_first_policy`.
    pub policies: Vec<String>,
    /// The measures.
    pub measures: Vec<String>,
    /// Master seed of every point.
    pub seed: u64,
    /// Replications per point and policy (the first batch's, with a precision target:
    /// each cell says how many it ran).
    pub replications: u64,
    /// The precision target each point ran to, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub precision: Option<PrecisionJson>,
    /// Every point under every policy: points in order (first input fastest), policies
    /// within a point.
    pub cells: Vec<Cell>,
}

impl Serialize for Axis {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Axis", 2)?;
        st.serialize_field("path", &self.path)?;
        st.serialize_field("values", &self.values)?;
        st.end()
    }
}

impl Sweep {
    /// The cell at point `point` (its index in order) under policy `policy`.
    pub fn cell(&self, point: usize, policy: usize) -> &Cell {
        &self.cells[point * self.policies.len() + policy]
    }

    /// Points swept.
    pub fn points(&self) -> usize {
        self.cells.len() / self.policies.len().max(1)
    }

    /// The index of measure `name`.
    pub fn measure_index(&self, name: &str) -> Option<usize> {
        self.measures.iter().position(|m| m == name)
    }
}

/// A precision target as written to JSON.
#[derive(Debug, Clone, Serialize)]
pub struct PrecisionJson {
    /// The measure it applies to.
    pub measure: String,
    /// The relative half-width asked for.
    pub target: f64,
    /// The most replications a point could reach.
    pub max_replications: u64,
}

/// The paired difference `b − a` over the replications both ran: replication `k` of every
/// point sees the same families, whichever ran more.
fn paired(a: &[f64], b: &[f64]) -> Option<Paired> {
    let n = a.len().min(b.len());
    paired_difference(&a[..n], &b[..n]).map(|d| Paired {
        mean: d.mean,
        ci95: d.ci95,
    })
}

impl Plan {
    /// Each point's values, as written, and as `--set` writes them (`a=1, b=2`).
    fn values(&self, g: &[usize]) -> (Vec<String>, String) {
        let values: Vec<String> = self
            .axes
            .iter()
            .zip(g)
            .map(|(a, &v)| a.values[v].clone())
            .collect();
        let at = self
            .axes
            .iter()
            .zip(&values)
            .map(|(a, v)| format!("{}={v}", a.path))
            .collect::<Vec<_>>()
            .join(", ");
        (values, at)
    }

    /// The policies each point runs under (`None`: the point's own).
    fn kinds(&self) -> Vec<Option<PolicyKind>> {
        match self.policies.as_slice() {
            [] => vec![None],
            ps => ps.iter().copied().map(Some).collect(),
        }
    }

    /// Every batch of the sweep, points in order and policies within a point, each with
    /// the label the watch sees.
    pub fn cells(&self) -> Vec<(Model, String)> {
        let mut out = Vec::with_capacity(self.batches());
        for (g, model) in &self.points {
            let (_, at) = self.values(g);
            for kind in self.kinds() {
                let model = match kind {
                    Some(k) => model.with_policy(model.policy().with_kind(k)),
                    None => model.clone(),
                };
                let label = format!("{at} · {}", model.policy().kind());
                out.push((model, label));
            }
        }
        out
    }
}

/// Run replications `first .. first + replications` of every batch of `plan`, keeping
/// its measures: one part of a sweep split by replications ([`from_columns`] answers
/// once the parts are joined). A sweep with a precision target cannot be split: when a
/// point stops depends on all its replications.
pub fn run_part<W: Watch + ?Sized>(
    plan: &Plan,
    (first, replications): (u64, u64),
    pool: &Pool,
    watch: &mut W,
) -> Result<Columns, ExperimentError> {
    if plan.precision.is_some() {
        return Err(ExperimentError::Search(
            "a sweep with a precision target runs whole: when each point stops depends on \
             all its replications"
                .into(),
        ));
    }
    columns::run(
        &plan.cells(),
        &plan.measures,
        (plan.runs.seed, first, replications),
        pool,
        watch,
    )
}

/// The sweep `plan` asks for, from the columns of all its batches (every replication
/// from the first, as [`run_part`] keeps them and [`Columns::append`] joins them).
pub fn from_columns(plan: &Plan, columns: &Columns) -> Result<Sweep, ExperimentError> {
    columns
        .fit(plan.batches(), &plan.measures, plan.runs.replications)
        .map_err(ExperimentError::Search)?;
    Ok(assemble(
        plan,
        &columns.batches,
        &vec![None; columns.batches.len()],
    ))
}

/// Run every point of `plan` under each policy, reporting each batch to `watch` labelled
/// by its values and policy.
pub fn run<W: Watch + ?Sized>(
    plan: &Plan,
    pool: &Pool,
    watch: &mut W,
) -> Result<Sweep, ExperimentError> {
    let Some(p) = &plan.precision else {
        let columns = run_part(plan, (0, plan.runs.replications), pool, watch)?;
        return from_columns(plan, &columns);
    };
    let batch_plan = plan.runs.batch_plan(false);
    let cells = plan.cells();
    let mut kept = Vec::with_capacity(cells.len());
    let mut precise = Vec::with_capacity(cells.len());
    for (model, label) in &cells {
        let mut batch = batch_of(model, &batch_plan, pool, watch, label)?;
        let rule = crate::batch::Precise {
            measure: batch
                .catalogue
                .index(&p.measure)
                .expect("the plan checked the measure"),
            target: p.target,
            max_replications: p.max_replications,
        };
        let mut sink = super::sink(label, watch);
        let reached = crate::batch::until_precise(model, &mut batch, &rule, pool, &mut sink)?;
        if reached.stopped == crate::batch::Stopped::Interrupted {
            return Err(ExperimentError::Stopped {
                label: label.clone(),
                done: batch.len() as u64,
                total: p.max_replications,
            });
        }
        precise.push(Some(reached.met));
        kept.push(columns::of(&batch, &plan.measures));
    }
    Ok(assemble(plan, &kept, &precise))
}

/// The sweep from each batch's kept columns (`[batch][measure]`, batches as
/// [`Plan::cells`] orders them; each may hold its own number of replications) and, with a
/// precision target, whether each met it.
fn assemble(plan: &Plan, kept: &[Vec<Vec<f64>>], precise: &[Option<bool>]) -> Sweep {
    let kinds = plan.kinds();
    let per_point = kinds.len();
    let policies: Vec<String> = kinds
        .iter()
        .map(|k| match k {
            Some(k) => k.name().to_string(),
            None => plan.points[0].1.policy().kind().name().to_string(),
        })
        .collect();
    let column = |point: usize, k: usize, j: usize| &kept[point * per_point + k][j];
    let mut cells = Vec::with_capacity(kept.len());
    for (p, (g, model)) in plan.points.iter().enumerate() {
        let (values, _) = plan.values(g);
        for (k, policy) in policies.iter().enumerate() {
            let stats = plan
                .measures
                .iter()
                .enumerate()
                .map(|(j, measure)| {
                    let col = column(p, k, j);
                    let s = summarize(col);
                    Stat {
                        measure: measure.clone(),
                        mean: s.as_ref().map(|s| s.mean),
                        ci95: s.as_ref().and_then(|s| s.ci95),
                        p5: s.as_ref().map(|s| s.p5),
                        p95: s.as_ref().map(|s| s.p95),
                        vs_reference: paired(column(0, k, j), col),
                        vs_first_policy: (k > 0).then(|| paired(column(p, 0, j), col)).flatten(),
                    }
                })
                .collect();
            // a point's own policy, when the sweep varies `policy.kind` itself
            let policy = match kinds[k] {
                Some(_) => policy.clone(),
                None => model.policy().kind().name().to_string(),
            };
            let b = p * per_point + k;
            cells.push(Cell {
                values: values.clone(),
                policy,
                replications: kept[b].first().map_or(0, |c| c.len() as u64),
                precise: precise[b],
                stats,
            });
        }
    }
    Sweep {
        axes: plan.axes.clone(),
        policies,
        measures: plan.measures.clone(),
        seed: plan.runs.seed,
        replications: plan.runs.replications,
        precision: plan.precision.as_ref().map(|p| PrecisionJson {
            measure: p.measure.clone(),
            target: p.target,
            max_replications: p.max_replications,
        }),
        cells,
    }
}

/// Where a measure crosses a level along a one-input sweep under one policy.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Crossing {
    /// The input's value at the crossing, by linear interpolation of the means between
    /// the two points around it.
    pub at: f64,
    /// The same for the interval's ends: where the lower and upper 95% bounds cross the
    /// level, so the crossing itself is known to within this range (`None` where a
    /// bound does not cross inside the sweep).
    pub range: [Option<f64>; 2],
}

/// Where measure `measure` under policy `policy` first falls below `level` along the
/// first input (for a measure that falls as the input rises, such as the share seen
/// within the target as referrals rise); `None` if it never does, or if the first input
/// is not numeric. The range comes from the 95% bounds: the upper bound crosses later,
/// the lower earlier.
pub fn crossing(sweep: &Sweep, policy: usize, measure: &str, level: f64) -> Option<Crossing> {
    let j = sweep.measure_index(measure)?;
    let xs: Vec<f64> = sweep
        .axes
        .first()?
        .numbers()
        .into_iter()
        .collect::<Option<_>>()?;
    let series = |pick: &dyn Fn(&Stat) -> Option<f64>| -> Vec<Option<f64>> {
        (0..xs.len())
            .map(|p| pick(&sweep.cell(p, policy).stats[j]))
            .collect()
    };
    let first_below = |ys: &[Option<f64>]| -> Option<f64> {
        for i in 1..xs.len() {
            let (Some(y0), Some(y1)) = (ys[i - 1], ys[i]) else {
                continue;
            };
            if y0 >= level && y1 < level {
                return Some(xs[i - 1] + (xs[i] - xs[i - 1]) * (y0 - level) / (y0 - y1));
            }
        }
        None
    };
    let at = first_below(&series(&|s| s.mean))?;
    let lower = first_below(&series(&|s| s.ci95.map(|c| c[0])));
    let upper = first_below(&series(&|s| s.ci95.map(|c| c[1])));
    Some(Crossing {
        at,
        range: [lower, upper],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_parse_lists_and_ranges() {
        let a: Axis = "pathway.phase1.hours_per_week=4,6, 8".parse().unwrap();
        assert_eq!(a.path, "pathway.phase1.hours_per_week");
        assert_eq!(a.values, ["4", "6", "8"]);
        let r: Axis = "policy.share_after_days=0..0.3/4".parse().unwrap();
        assert_eq!(r.values, ["0", "0.1", "0.2", "0.3"]);
        assert_eq!(r.numbers(), [Some(0.0), Some(0.1), Some(0.2), Some(0.3)]);
        let k: Axis = "policy.kind=proportional,pooled".parse().unwrap();
        assert_eq!(k.numbers(), [None, None]);
        for bad in [
            "nothing",
            "=1,2",
            "x=1..2",
            "x=2..1/3",
            "x=1..2/1",
            "x=1..2/999",
            "x=",
        ] {
            assert!(bad.parse::<Axis>().is_err(), "{bad} parsed");
        }
    }
}
