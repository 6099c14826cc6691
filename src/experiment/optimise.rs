//! Staffing optimisation: the best configuration in a scenario's search space
//! (`[optimise]`), within its requirements, with a stated probability of being right.
//!
//! Every configuration the space allows (every combination of the varied fields' values
//! within the limits on their sums) is built and checked before any runs. Then all run
//! the same first replications on common random numbers, and a race
//! ([`super::select`]) sets aside those shown to fail a requirement or to trail another
//! by more than a shrinking margin, adding replications to the rest at each look, until
//! one is left or the replication limit is reached. The configuration left is, with the
//! probability asked, within every requirement and within δ of the best that meets them.
//!
//! Every replication `k` of every configuration sees the same families and, for the posts
//! configurations share, the same absences (the streams are keyed by post), so the
//! differences between configurations are theirs, not chance's.

use super::select::{self, Verdict};
use super::{ExperimentError, Watch};
use crate::batch::{self, Pool};
use crate::measures::names;
use crate::model::optimise::Search;
use crate::model::{FieldProblem, Model};
use crate::scenario::overrides::Override;
use crate::stats::{paired_difference, summarize};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// The most configurations the race takes on whole; a larger space is searched first.
pub const MAX_CONFIGURATIONS: usize = 5000;

/// Configurations a search of a larger space visits (each at the first replications).
pub const SEARCH_EVALUATIONS: usize = 1200;

/// The best configurations a search passes to the race.
pub const RACE_SIZE: usize = 200;

/// The design stream of the search's random moves.
const ANNEALING: u32 = 2;

/// A configuration: the values of the varied fields and the scenario they make.
#[derive(Debug, Clone)]
pub struct Configuration {
    /// The overrides that make it, one per varied field.
    pub sets: Vec<Override>,
    /// Its model.
    pub model: Model,
    /// Whether the search space holds it (the proposal may lie outside).
    pub in_space: bool,
}

/// What a person asks to optimise.
#[derive(Debug, Clone)]
pub struct Request {
    /// The scenario's text (after any `--set`), and what to call it in messages.
    pub text: String,
    /// Where the text came from.
    pub origin: String,
    /// The search.
    pub search: Search,
    /// Master seed.
    pub seed: u64,
}

/// A validated search: every configuration built.
#[derive(Debug, Clone)]
pub struct Plan {
    search: Search,
    seed: u64,
    /// Configurations; the proposal (the scenario as it is) first.
    configurations: Vec<Configuration>,
    /// Each varied field in words (`Consultant Social Worker, Swansea: count`).
    labels: Vec<String>,
    /// The proposal's value of each varied field.
    proposal_values: Vec<String>,
    years: usize,
    budget: Option<f64>,
    year_budgets: Vec<f64>,
    /// Every combination the limits allow, as value indices, when there are too many to
    /// race them all: the search then looks among them first (empty otherwise).
    allowed: Vec<Vec<usize>>,
    /// The text and origin the configurations are built from.
    text: String,
    origin: String,
}

impl Plan {
    /// Check a request: known measures, at least one varied field, every configuration a
    /// valid scenario, and not too many of them (each problem named by its field).
    pub fn new(request: &Request) -> Result<Plan, Vec<FieldProblem>> {
        let s = &request.search;
        let mut problems = Vec::new();
        let base = match crate::scenario::load(&request.text, &request.origin) {
            Ok(m) => m,
            Err(e) => {
                return Err(e
                    .problems
                    .into_iter()
                    .map(|p| FieldProblem::new(p.path, p.message))
                    .collect());
            }
        };
        if s.vary.is_empty() {
            problems.push(FieldProblem::new(
                "optimise.vary",
                "name at least one field to vary (in [[optimise.vary]] or with --vary)",
            ));
        }
        let catalogue = crate::measures::Catalogue::new(&base);
        let measures = std::iter::once(("optimise.objective", &s.objective))
            .chain(s.require.iter().map(|r| ("optimise.require", &r.measure)));
        for (field, name) in measures {
            if catalogue.index(name).is_none() {
                problems.push(FieldProblem::new(
                    field,
                    format!("no measure is called {name:?} (`ifss-sim run --json` lists them)"),
                ));
            }
        }
        let combinations: f64 = s.vary.iter().map(|c| c.values.len() as f64).product();
        if combinations > 50.0 * MAX_CONFIGURATIONS as f64 {
            problems.push(FieldProblem::new(
                "optimise.vary",
                format!(
                    "{combinations} combinations of values; a search may consider at most {} \
                     (fewer values, or limits that leave at most {MAX_CONFIGURATIONS})",
                    50 * MAX_CONFIGURATIONS
                ),
            ));
        }
        if s.first_replications < 5 || s.max_replications < s.first_replications {
            problems.push(FieldProblem::new(
                "optimise.first_replications",
                format!(
                    "need at least 5 first replications and a limit at least as large, got {} \
                     and {}",
                    s.first_replications, s.max_replications
                ),
            ));
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        // every combination, first field fastest, kept where the limits allow it
        let mut picks: Vec<Vec<usize>> = vec![Vec::new()];
        for c in &s.vary {
            picks = (0..c.values.len())
                .flat_map(|v| {
                    picks.iter().map(move |p| {
                        let mut p = p.clone();
                        p.push(v);
                        p
                    })
                })
                .collect();
        }
        let allowed = |p: &[usize]| {
            s.totals.iter().all(|t| {
                let sum: Option<f64> = t
                    .paths
                    .iter()
                    .map(|path| {
                        let i = s.vary.iter().position(|c| &c.path == path)?;
                        s.vary[i].values[p[i]].parse::<f64>().ok()
                    })
                    .sum();
                sum.is_some_and(|x| t.allows(x))
            })
        };
        picks.retain(|p| allowed(p));
        if picks.is_empty() {
            return Err(vec![FieldProblem::new(
                "optimise.total",
                "no combination of the varied values meets every limit (optimise.total)",
            )]);
        }
        // too many to race: the search looks among them first, building only what it visits
        let allowed = if picks.len() > MAX_CONFIGURATIONS {
            std::mem::take(&mut picks)
        } else {
            Vec::new()
        };
        if !allowed.is_empty() {
            // a sample of the space is built now, so that a field that cannot take its
            // values is refused before anything runs
            let step = (allowed.len() / 50).max(1);
            picks = allowed.iter().step_by(step).cloned().collect();
        }
        let built: Vec<Result<Configuration, String>> = picks
            .par_iter()
            .map(|p| {
                let sets: Vec<Override> = s
                    .vary
                    .iter()
                    .zip(p)
                    .map(|(c, &v)| Override {
                        path: c.path.clone(),
                        value: c.values[v].clone(),
                    })
                    .collect();
                super::scenario_with(&request.text, &request.origin, &sets)
                    .map(|model| Configuration {
                        sets: sets.clone(),
                        model,
                        in_space: true,
                    })
                    .map_err(|e| format!("at {}: {e}", super::settings(&sets)))
            })
            .collect();
        let mut configurations = vec![Configuration {
            sets: Vec::new(),
            model: base.clone(),
            in_space: false,
        }];
        for b in built {
            match b {
                Ok(c) if c.model.fingerprint() == base.fingerprint() => {
                    // the proposal itself: keep its values, and it competes
                    configurations[0].sets = c.sets;
                    configurations[0].in_space = true;
                }
                Ok(c) => configurations.push(c),
                Err(e) => {
                    if problems.len() < 20 {
                        problems.push(FieldProblem::new("optimise.vary", e));
                    }
                }
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let labels = s
            .vary
            .iter()
            .map(|c| field_words(&request.text, &c.path))
            .collect();
        let proposal_values: Vec<String> = s
            .vary
            .iter()
            .map(|c| current_value(&request.text, &c.path).unwrap_or_else(|| "?".into()))
            .collect();
        let projector = crate::costs::Projector::new(&base);
        let (years, budget, year_budgets) = match &projector {
            Some(p) => (
                p.years(),
                Some(
                    base.costs()
                        .map_or(0.0, |c| c.budget().pence() as f64 / 100.0),
                ),
                (0..p.years())
                    .map(|y| p.budget(y).pence() as f64 / 100.0)
                    .collect(),
            ),
            None => (0, None, Vec::new()),
        };
        if !allowed.is_empty() {
            // only the proposal is kept; the search builds the rest as it visits them
            configurations.truncate(1);
            configurations[0].in_space = allowed.iter().any(|p| {
                p.iter()
                    .enumerate()
                    .all(|(i, &v)| s.vary[i].values[v] == proposal_values[i])
            });
        }
        Ok(Plan {
            search: s.clone(),
            seed: request.seed,
            configurations,
            allowed,
            text: request.text.clone(),
            origin: request.origin.clone(),
            labels,
            proposal_values,
            years,
            budget,
            year_budgets,
        })
    }

    /// Configurations the space holds (the proposal included, in the space or not).
    pub fn configurations(&self) -> usize {
        match self.allowed.len() {
            0 => self.configurations.len(),
            n => n + usize::from(!self.configurations[0].in_space),
        }
    }

    /// Whether the space is too large to race whole, so that a search looks first.
    pub fn searched(&self) -> bool {
        !self.allowed.is_empty()
    }

    /// The most replications the search may run in all.
    pub fn most_replications(&self) -> u64 {
        if self.searched() {
            SEARCH_EVALUATIONS as u64 * self.search.first_replications
                + RACE_SIZE as u64 * self.search.max_replications
        } else {
            self.configurations.len() as u64 * self.search.max_replications
        }
    }

    /// The search.
    pub fn search(&self) -> &Search {
        &self.search
    }

    /// The largest configuration's model, to size the work before it starts.
    pub fn largest_model(&self) -> &Model {
        self.configurations
            .iter()
            .map(|c| &c.model)
            .max_by_key(|m| m.posts().len() + m.authorities().len())
            .expect("a plan has configurations")
    }
}

/// A varied field in words, from the scenario text: `staff[1].count` is "Consultant Social
/// Worker, Swansea: count"; other paths stay as written.
fn field_words(text: &str, path: &str) -> String {
    let entry = || -> Option<String> {
        let (list, rest) = path.split_once('[')?;
        let (sel, field) = rest.split_once("].")?;
        let doc: toml::Table = text.parse().ok()?;
        let items = doc.get(list)?.as_array()?;
        let item = match sel.parse::<usize>() {
            Ok(i) => items.get(i)?,
            Err(_) => items.iter().find(|t| {
                t.as_table().is_some_and(|t| {
                    t.values()
                        .any(|v| v.as_str() == Some(sel.trim_matches('"')))
                })
            })?,
        };
        let t = item.as_table()?;
        let name = t
            .get("post")
            .or_else(|| t.get("name"))
            .and_then(|v| v.as_str())?;
        let base = t.get("base").and_then(|v| v.as_str());
        Some(match base {
            Some(b) => format!("{name}, {b}: {field}"),
            None => format!("{name}: {field}"),
        })
    };
    entry().unwrap_or_else(|| path.to_string())
}

/// A field's value in the scenario text, as `--set` would write it.
fn current_value(text: &str, path: &str) -> Option<String> {
    let doc: toml::Table = text.parse().ok()?;
    let mut at = toml::Value::Table(doc);
    for part in path.split('.') {
        let (key, sel) = match part.split_once('[') {
            Some((k, s)) => (k, Some(s.trim_end_matches(']'))),
            None => (part, None),
        };
        at = at.get(key)?.clone();
        if let Some(sel) = sel {
            let items = at.as_array()?.clone();
            at = match sel.parse::<usize>() {
                Ok(i) => items.get(i)?.clone(),
                Err(_) => items.into_iter().find(|t| {
                    t.as_table().is_some_and(|t| {
                        t.values()
                            .any(|v| v.as_str() == Some(sel.trim_matches('"')))
                    })
                })?,
            };
        }
    }
    Some(match at {
        toml::Value::String(s) => s,
        other => other.to_string(),
    })
}

/// What the search knows of one configuration.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Evaluated {
    /// The varied fields' values, in the search's order.
    pub values: Vec<String>,
    /// Whether it is the proposal (the scenario as it is).
    pub proposal: bool,
    /// Whether the search space holds it.
    pub in_space: bool,
    /// Replications it ran.
    pub replications: u64,
    /// The objective's mean and 95% interval.
    pub objective: Option<f64>,
    /// See `objective`.
    pub objective_ci95: Option<[f64; 2]>,
    /// Each requirement's measure: its mean.
    pub requirement_means: Vec<Option<f64>>,
    /// Each requirement: "met", "failed" or "open" when the search stopped sampling it.
    pub requirements: Vec<String>,
    /// Where it ended: "chosen", "set aside" (trailed another), "fails a requirement",
    /// "undecided" (still in the race at the limit), or "outside the space".
    pub status: String,
    /// The replications at which it was set aside, if it was.
    pub set_aside_at: Option<u64>,
    /// The yearly budget that covers every contract year of it with the probability the
    /// budget requirement asks (0.8 without one): its `1 − limit` quantile of the dearest
    /// year, pounds.
    pub budget_needed: Option<f64>,
    /// Paired difference in the objective against the proposal, over the replications
    /// both ran.
    pub vs_proposal: Option<super::sweep::Paired>,
    /// Whether its estimates meet every requirement but the budget's: whether the front
    /// counts it.
    pub holds_others: bool,
}

/// A point of the cost–benefit front.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct FrontPoint {
    /// A yearly budget, pounds.
    pub budget: f64,
    /// The best mean objective among configurations that budget covers.
    pub best: f64,
    /// Which configuration (an index into `configurations`).
    pub configuration: usize,
}

/// A finished search (as `optimise.json` holds it).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Optimisation {
    /// The objective measure and whether more is better.
    pub objective: String,
    /// See `objective`.
    pub maximise: bool,
    /// δ.
    pub indifference: f64,
    /// The probability asked that the choice is right.
    pub confidence: f64,
    /// Master seed.
    pub seed: u64,
    /// The varied fields, as `--set` names them.
    pub fields: Vec<String>,
    /// The same in words.
    pub field_words: Vec<String>,
    /// The proposal's values.
    pub proposal_values: Vec<String>,
    /// The requirements in words.
    pub requirements: Vec<String>,
    /// The yearly budget of the scenario, pounds.
    pub budget: Option<f64>,
    /// Every configuration; the proposal first.
    pub configurations: Vec<Evaluated>,
    /// The chosen configuration, if any met the requirements.
    pub chosen: Option<usize>,
    /// Configurations whose paired 95% interval against the chosen one includes zero: the
    /// simulation cannot tell them from it.
    pub alike: Vec<usize>,
    /// Whether the procedure ended by its own rule (the guarantee holds) rather than at
    /// the replication limit.
    pub guarantee_holds: bool,
    /// Why it ended, in words.
    pub ended: String,
    /// Replications run in all, and looks taken.
    pub replications: u64,
    /// See `replications`.
    pub looks: usize,
    /// Configurations the space holds.
    pub space: usize,
    /// When the space was too large to race whole: the configurations a search visited
    /// (at the first replications) before the best of them were raced. The guarantee then
    /// covers the raced ones only.
    pub visited: Option<usize>,
    /// The cost–benefit front: for each budget, the best objective it covers.
    pub front: Vec<FrontPoint>,
    /// The probability of covering every year the front uses.
    pub front_cover: f64,
}

impl Optimisation {
    /// The `n` best configurations by mean objective among those not shown to fail a
    /// requirement, then the proposal if it is not among them: what a table of leaders
    /// shows.
    pub fn leading(&self, n: usize) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.configurations.len())
            .filter(|&i| self.configurations[i].objective.is_some())
            .filter(|&i| self.configurations[i].status != "fails a requirement")
            .collect();
        let key = |i: &usize| self.configurations[*i].objective.unwrap_or(f64::NAN);
        order.sort_by(|a, b| {
            let (x, y) = (key(a), key(b));
            if self.maximise {
                y.total_cmp(&x)
            } else {
                x.total_cmp(&y)
            }
        });
        order.truncate(n);
        if !order.contains(&0) {
            order.push(0);
        }
        order
    }

    /// The chosen configuration's changes against the proposal, as overrides.
    pub fn chosen_changes(&self) -> Vec<Override> {
        let Some(c) = self.chosen else {
            return Vec::new();
        };
        self.fields
            .iter()
            .zip(&self.configurations[c].values)
            .zip(&self.proposal_values)
            .filter(|((_, v), p)| v != p)
            .map(|((f, v), _)| Override {
                path: f.clone(),
                value: v.clone(),
            })
            .collect()
    }
}

/// Columns kept per configuration: the objective (as "more is better"), each
/// requirement's measure, and each year's cost.
struct Columns {
    objective: Vec<f64>,
    require: Vec<Vec<f64>>,
    years: Vec<Vec<f64>>,
}

/// Where a configuration stands in the race.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Standing {
    Racing,
    SetAside(u64),
    Fails,
}

/// Run the search: the first replications of every configuration, then the race.
pub fn run<W: Watch + ?Sized>(
    plan: &Plan,
    pool: &Pool,
    watch: &mut W,
) -> Result<Optimisation, ExperimentError> {
    let s = &plan.search;
    let mut ran = 0u64;
    let mut visited = None;
    let searched;
    let configs: &[Configuration] = if plan.searched() {
        let (found, seen) = anneal(plan, pool, watch, &mut ran)?;
        searched = found;
        visited = Some(seen);
        &searched
    } else {
        &plan.configurations
    };
    let k = configs.len();
    let candidates = configs.iter().filter(|c| c.in_space).count();
    let alpha = (1.0 - s.confidence) / 2.0;
    let beta = alpha;
    let schedule = select::looks(s.first_replications, s.max_replications);
    let h2 = select::kn_h2(candidates.max(2), s.first_replications, alpha);
    let m = s.require.len().max(1);
    let gamma = beta / (k * m * schedule.len()) as f64;
    let sign = if s.maximise { 1.0 } else { -1.0 };
    let mut cols: Vec<Columns> = (0..k)
        .map(|_| Columns {
            objective: Vec::new(),
            require: vec![Vec::new(); s.require.len()],
            years: vec![Vec::new(); plan.years],
        })
        .collect();
    let mut standing = vec![Standing::Racing; k];
    let mut verdicts = vec![vec![Verdict::Open; s.require.len()]; k];
    let mut done_at = 0u64;
    let mut ended = String::new();
    let mut guarantee_holds = false;
    let mut looks = 0;
    let label = "optimise";
    for &r in &schedule {
        looks += 1;
        // the proposal always runs, for the comparison; the racing others too
        let active: Vec<usize> = (0..k)
            .filter(|&i| i == 0 || standing[i] == Standing::Racing)
            .collect();
        let from = done_at;
        // each look reports its own work, counted on from what ran before it
        watch.started(
            &format!(
                "look {looks} of {}: {} configurations",
                schedule.len(),
                active.len()
            ),
            ran + active.len() as u64 * (r - from),
        );
        let fresh = stage(
            plan, configs, &active, from, r, pool, &*watch, label, &mut ran,
        )?;
        for (i, c) in active.iter().zip(fresh) {
            let col = &mut cols[*i];
            col.objective.extend(c.objective.iter().map(|x| sign * x));
            for (a, b) in col.require.iter_mut().zip(c.require) {
                a.extend(b);
            }
            for (a, b) in col.years.iter_mut().zip(c.years) {
                a.extend(b);
            }
        }
        done_at = r;
        if watch.between(label) == batch::Flow::Stop {
            return Err(ExperimentError::Stopped {
                label: label.into(),
                done: ran,
                total: plan.most_replications(),
            });
        }
        // requirements: decided once, at the union bound's level
        for i in 0..k {
            if standing[i] != Standing::Racing && i != 0 {
                continue;
            }
            for (j, req) in s.require.iter().enumerate() {
                if verdicts[i][j] != Verdict::Open {
                    continue;
                }
                if let Some(b) = select::mean_bounds(&cols[i].require[j], gamma) {
                    verdicts[i][j] = select::verdict(b, req.at_least, req.at_most);
                }
            }
            if verdicts[i].contains(&Verdict::Failed) && standing[i] == Standing::Racing {
                standing[i] = Standing::Fails;
            }
        }
        let feasible = |i: usize| verdicts[i].iter().all(|v| *v == Verdict::Met);
        // the race among candidates in the space
        let racing: Vec<usize> = (0..k)
            .filter(|&i| standing[i] == Standing::Racing && configs[i].in_space)
            .collect();
        let n0 = s.first_replications as usize;
        let mean = |i: usize| {
            let o = &cols[i].objective[..r as usize];
            o.iter().sum::<f64>() / o.len() as f64
        };
        let means: Vec<f64> = (0..k)
            .map(|i| {
                if cols[i].objective.len() >= r as usize {
                    mean(i)
                } else {
                    f64::NAN
                }
            })
            .collect();
        let leaders: Vec<usize> = racing.iter().copied().filter(|&l| feasible(l)).collect();
        let mut all_closed = true;
        let aside: Vec<usize> = racing
            .par_iter()
            .copied()
            .filter(|&i| {
                leaders.iter().any(|&l| {
                    l != i && {
                        let s2 =
                            select::difference_variance(&cols[l].objective, &cols[i].objective, n0);
                        means[l] - means[i] > select::kn_margin(h2, s2, s.indifference, r)
                    }
                })
            })
            .collect();
        for &i in &aside {
            standing[i] = Standing::SetAside(r);
        }
        let left: Vec<usize> = (0..k)
            .filter(|&i| standing[i] == Standing::Racing && configs[i].in_space)
            .collect();
        for (a, &i) in left.iter().enumerate() {
            for &l in &left[a + 1..] {
                let s2 = select::difference_variance(&cols[l].objective, &cols[i].objective, n0);
                if select::kn_margin(h2, s2, s.indifference, r) > 0.0 {
                    all_closed = false;
                }
            }
        }
        let undecided = left.iter().any(|&i| !feasible(i));
        if left.is_empty() {
            ended = "every configuration in the space fails a requirement".into();
            guarantee_holds = true;
            break;
        }
        if left.len() == 1 && !undecided {
            ended = format!("one configuration was left after {r} replications");
            guarantee_holds = true;
            break;
        }
        if all_closed && !undecided {
            ended = format!(
                "the margins closed after {r} replications; the best mean among the {} left \
                 is chosen",
                left.len()
            );
            guarantee_holds = true;
            break;
        }
        if r == s.max_replications {
            ended = format!(
                "the replication limit ({r}) was reached with {} configurations still racing{}; \
                 the best mean among those known to meet the requirements is chosen, without \
                 the guarantee (raise max_replications)",
                left.len(),
                if undecided {
                    ", some not yet known to meet the requirements"
                } else {
                    ""
                }
            );
            break;
        }
    }
    // the choice: the best mean among those still racing and known feasible
    let mean_of = |i: usize| {
        let o = &cols[i].objective;
        o.iter().sum::<f64>() / o.len().max(1) as f64
    };
    let feasible = |i: usize| verdicts[i].iter().all(|v| *v == Verdict::Met);
    let chosen = (0..k)
        .filter(|&i| standing[i] == Standing::Racing && configs[i].in_space && feasible(i))
        .max_by(|&a, &b| mean_of(a).total_cmp(&mean_of(b)));
    // the proposal runs as many replications as the chosen one, for a paired comparison
    if let Some(c) = chosen
        && cols[0].objective.len() < cols[c].objective.len()
    {
        let fresh = stage(
            plan,
            configs,
            &[0],
            cols[0].objective.len() as u64,
            cols[c].objective.len() as u64,
            pool,
            &*watch,
            label,
            &mut ran,
        )?;
        let c0 = &mut cols[0];
        for f in fresh {
            c0.objective.extend(f.objective.iter().map(|x| sign * x));
            for (a, b) in c0.require.iter_mut().zip(f.require) {
                a.extend(b);
            }
            for (a, b) in c0.years.iter_mut().zip(f.years) {
                a.extend(b);
            }
        }
    }
    let cover = s
        .require
        .iter()
        .find(|r| r.measure == names::OVER_BUDGET_ANY)
        .and_then(|r| r.at_most)
        .map_or(0.8, |q| 1.0 - q);
    let budget_needed = |i: usize| -> Option<f64> {
        let c = &cols[i];
        let n = c.years.first()?.len();
        let mut dearest: Vec<f64> = (0..n)
            .map(|j| {
                c.years
                    .iter()
                    .zip(&plan.year_budgets)
                    .map(|(y, b)| y[j] * plan.budget.unwrap_or(*b) / b)
                    .fold(f64::NEG_INFINITY, f64::max)
            })
            .collect();
        dearest.sort_by(f64::total_cmp);
        let at = ((cover * n as f64).ceil() as usize).clamp(1, n) - 1;
        dearest.get(at).copied()
    };
    let paired = |a: &[f64], b: &[f64]| {
        let n = a.len().min(b.len());
        let (a, b): (Vec<f64>, Vec<f64>) = (
            a[..n].iter().map(|x| sign * x).collect(),
            b[..n].iter().map(|x| sign * x).collect(),
        );
        paired_difference(&a, &b).map(|d| super::sweep::Paired {
            mean: d.mean,
            ci95: d.ci95,
        })
    };
    let configurations: Vec<Evaluated> = (0..k)
        .map(|i| {
            let c = &configs[i];
            let natural: Vec<f64> = cols[i].objective.iter().map(|x| sign * x).collect();
            let sum = summarize(&natural);
            let values = if c.sets.is_empty() {
                plan.proposal_values.clone()
            } else {
                c.sets.iter().map(|o| o.value.clone()).collect()
            };
            let status = match standing[i] {
                _ if Some(i) == chosen => "chosen",
                _ if !c.in_space => "outside the space",
                Standing::Fails => "fails a requirement",
                Standing::SetAside(_) => "set aside",
                Standing::Racing if feasible(i) => "not chosen",
                Standing::Racing => "undecided",
            };
            Evaluated {
                values,
                proposal: i == 0,
                in_space: c.in_space,
                replications: cols[i].objective.len() as u64,
                objective: sum.as_ref().map(|s| s.mean),
                objective_ci95: sum.as_ref().and_then(|s| s.ci95),
                requirement_means: cols[i]
                    .require
                    .iter()
                    .map(|v| summarize(v).map(|s| s.mean))
                    .collect(),
                requirements: verdicts[i]
                    .iter()
                    .map(|v| {
                        match v {
                            Verdict::Met => "met",
                            Verdict::Failed => "failed",
                            Verdict::Open => "open",
                        }
                        .to_string()
                    })
                    .collect(),
                status: status.to_string(),
                set_aside_at: match standing[i] {
                    Standing::SetAside(r) => Some(r),
                    _ => None,
                },
                budget_needed: budget_needed(i),
                vs_proposal: (i != 0)
                    .then(|| paired(&cols[0].objective, &cols[i].objective))
                    .flatten(),
                holds_others: false,
            }
        })
        .collect();
    let alike = match chosen {
        Some(c) => (0..k)
            .filter(|&i| i != c && configs[i].in_space)
            .filter(|&i| standing[i] != Standing::Fails)
            .filter(|&i| {
                paired(&cols[c].objective, &cols[i].objective)
                    .and_then(|p| p.ci95)
                    .is_some_and(|[lo, hi]| lo <= 0.0 && hi >= 0.0)
            })
            .collect(),
        None => Vec::new(),
    };
    // the front prices the budget: every other requirement is held, on its estimate
    let holds_others: Vec<bool> = configurations
        .iter()
        .map(|c| {
            s.require.iter().zip(&c.requirement_means).all(|(r, m)| {
                r.measure == names::OVER_BUDGET_ANY
                    || m.is_some_and(|m| {
                        r.at_least.is_none_or(|q| m >= q) && r.at_most.is_none_or(|q| m <= q)
                    })
            })
        })
        .collect();
    let front = front(&configurations, &holds_others, s.maximise);
    let mut configurations = configurations;
    for (c, h) in configurations.iter_mut().zip(&holds_others) {
        c.holds_others = *h;
    }
    Ok(Optimisation {
        objective: s.objective.clone(),
        maximise: s.maximise,
        indifference: s.indifference,
        confidence: s.confidence,
        seed: plan.seed,
        fields: s.vary.iter().map(|c| c.path.clone()).collect(),
        field_words: plan.labels.clone(),
        proposal_values: plan.proposal_values.clone(),
        requirements: s.require.iter().map(|r| r.words()).collect(),
        budget: plan.budget,
        configurations,
        chosen,
        alike,
        guarantee_holds,
        ended,
        replications: ran,
        looks,
        space: plan.configurations(),
        visited,
        front,
        front_cover: cover,
    })
}

/// The cost–benefit front: every configuration's budget needed against its objective,
/// among those that `holds` (every requirement but the budget's, on its estimate), the
/// non-dominated ones in order of budget (each costs more and does better than the one
/// before).
fn front(configurations: &[Evaluated], holds: &[bool], maximise: bool) -> Vec<FrontPoint> {
    let mut points: Vec<(f64, f64, usize)> = configurations
        .iter()
        .enumerate()
        .filter(|(i, c)| c.in_space && holds[*i])
        .filter_map(|(i, c)| Some((c.budget_needed?, c.objective?, i)))
        .collect();
    points.sort_by(|a, b| a.0.total_cmp(&b.0));
    let better = |a: f64, b: f64| if maximise { a > b } else { a < b };
    let mut out: Vec<FrontPoint> = Vec::new();
    for (budget, best, configuration) in points {
        if out.last().is_none_or(|p| better(best, p.best)) {
            out.push(FrontPoint {
                budget,
                best,
                configuration,
            });
        }
    }
    out
}

/// A configuration of the space from its value indices.
fn build(plan: &Plan, pick: &[usize]) -> Result<Configuration, ExperimentError> {
    let sets: Vec<Override> = plan
        .search
        .vary
        .iter()
        .zip(pick)
        .map(|(c, &v)| Override {
            path: c.path.clone(),
            value: c.values[v].clone(),
        })
        .collect();
    let model = super::scenario_with(&plan.text, &plan.origin, &sets)
        .map_err(|e| ExperimentError::Search(format!("at {}: {e}", super::settings(&sets))))?;
    Ok(Configuration {
        sets,
        model,
        in_space: true,
    })
}

/// A search of a space too large to race whole: simulated annealing over the allowed
/// combinations, moving one field a step (or two fields a step in opposite directions,
/// which keeps a limited sum), each configuration visited run at the first replications
/// and remembered. A configuration's score is its objective where its estimates meet
/// every requirement, and below every such one by how far they miss otherwise. Returns
/// the proposal and the best [`RACE_SIZE`] visited, and how many were visited. The moves
/// draw from the search's own stream, so the search is the same at any thread count.
fn anneal<W: Watch + ?Sized>(
    plan: &Plan,
    pool: &Pool,
    watch: &mut W,
    ran: &mut u64,
) -> Result<(Vec<Configuration>, usize), ExperimentError> {
    use rand::Rng;
    use std::collections::HashMap;
    let s = &plan.search;
    let n0 = s.first_replications;
    let sign = if s.maximise { 1.0 } else { -1.0 };
    let index: HashMap<&[usize], usize> = plan
        .allowed
        .iter()
        .enumerate()
        .map(|(i, p)| (p.as_slice(), i))
        .collect();
    let mut rng = crate::rng::Streams::new(plan.seed, 0).stream(crate::rng::StreamId::Design {
        experiment: ANNEALING,
    });
    let score = |f: &Fresh| -> f64 {
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
        let miss: f64 = s
            .require
            .iter()
            .zip(&f.require)
            .map(|(r, v)| {
                let m = mean(v);
                let over = r.at_most.map_or(0.0, |q| (m - q) / q.abs().max(1e-9));
                let under = r.at_least.map_or(0.0, |q| (q - m) / q.abs().max(1e-9));
                over.max(under).max(0.0)
            })
            .sum();
        if miss > 0.0 {
            -1e12 * (1.0 + miss)
        } else {
            sign * mean(&f.objective)
        }
    };
    let mut seen: HashMap<usize, (f64, Configuration)> = HashMap::new();
    let evaluate = |picks: Vec<usize>,
                    seen: &mut HashMap<usize, (f64, Configuration)>,
                    watch: &mut W,
                    ran: &mut u64|
     -> Result<(), ExperimentError> {
        let fresh: Vec<usize> = picks
            .into_iter()
            .filter(|p| !seen.contains_key(p))
            .collect();
        if fresh.is_empty() {
            return Ok(());
        }
        let built: Vec<Configuration> = fresh
            .par_iter()
            .map(|&p| build(plan, &plan.allowed[p]))
            .collect::<Result<_, _>>()?;
        let which: Vec<usize> = (0..built.len()).collect();
        watch.started(
            &format!("searching: {} of {SEARCH_EVALUATIONS} visited", seen.len()),
            *ran + which.len() as u64 * n0,
        );
        let columns = stage(plan, &built, &which, 0, n0, pool, &*watch, "optimise", ran)?;
        for ((p, c), f) in fresh.into_iter().zip(built).zip(columns) {
            seen.insert(p, (score(&f), c));
        }
        if watch.between("optimise") == batch::Flow::Stop {
            return Err(ExperimentError::Stopped {
                label: "optimise".into(),
                done: *ran,
                total: plan.most_replications(),
            });
        }
        Ok(())
    };
    // start at the proposal where the space holds it
    let proposal_pick = plan.allowed.iter().position(|p| {
        p.iter()
            .enumerate()
            .all(|(i, &v)| s.vary[i].values[v] == plan.proposal_values[i])
    });
    let mut current = proposal_pick.unwrap_or(0);
    evaluate(vec![current], &mut seen, watch, ran)?;
    let mut temperature = s.indifference * 5.0;
    let mut stalls = 0;
    while seen.len() < SEARCH_EVALUATIONS.min(plan.allowed.len()) && stalls < 50 {
        // a handful of neighbours at once, run side by side
        let mut moves = Vec::new();
        for _ in 0..64 {
            if moves.len() == 8 {
                break;
            }
            let mut p = plan.allowed[current].clone();
            let f = rng.random_range(0..p.len());
            let up = rng.random::<bool>();
            let step = |v: usize, up: bool, len: usize| match up {
                true if v + 1 < len => Some(v + 1),
                false if v > 0 => Some(v - 1),
                _ => None,
            };
            let Some(v) = step(p[f], up, s.vary[f].values.len()) else {
                continue;
            };
            p[f] = v;
            let mut found = index.get(p.as_slice()).copied();
            if found.is_none() {
                let g = rng.random_range(0..p.len());
                if g != f
                    && let Some(w) = step(p[g], !up, s.vary[g].values.len())
                {
                    p[g] = w;
                    found = index.get(p.as_slice()).copied();
                }
            }
            if let Some(i) = found
                && !moves.contains(&i)
            {
                moves.push(i);
            }
        }
        // never past the search's budget
        let limit = SEARCH_EVALUATIONS.min(plan.allowed.len());
        let mut room = limit - seen.len();
        moves.retain(|m| {
            seen.contains_key(m) || {
                let keep = room > 0;
                room = room.saturating_sub(1);
                keep
            }
        });
        let before = seen.len();
        evaluate(moves.clone(), &mut seen, watch, ran)?;
        stalls = if seen.len() == before { stalls + 1 } else { 0 };
        // Metropolis on the best of the neighbours
        let here = seen[&current].0;
        if let Some(&best) = moves
            .iter()
            .max_by(|a, b| seen[*a].0.total_cmp(&seen[*b].0))
        {
            let there = seen[&best].0;
            let accept = there >= here
                || rng.random::<f64>() < ((there - here) / temperature.max(1e-12)).exp();
            if accept {
                current = best;
            }
        }
        temperature *= 0.97;
        if stalls > 0 && stalls % 5 == 0 && seen.len() < limit {
            // stuck where every neighbour is known: restart from a random unvisited one
            current = rng.random_range(0..plan.allowed.len());
            evaluate(vec![current], &mut seen, watch, ran)?;
        }
    }
    let visited = seen.len();
    let mut ranked: Vec<(usize, f64)> = seen.iter().map(|(&p, (sc, _))| (p, *sc)).collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut out = vec![plan.configurations[0].clone()];
    for (p, _) in ranked.into_iter().take(RACE_SIZE) {
        if Some(p) == proposal_pick {
            continue;
        }
        out.push(seen.remove(&p).expect("visited").1);
    }
    Ok((out, visited))
}

/// One configuration's new columns.
struct Fresh {
    objective: Vec<f64>,
    require: Vec<Vec<f64>>,
    years: Vec<Vec<f64>>,
}

/// Replications `from..to` of each configuration in `which`, configurations in parallel.
#[allow(clippy::too_many_arguments)]
fn stage<W: Watch + ?Sized>(
    plan: &Plan,
    configs: &[Configuration],
    which: &[usize],
    from: u64,
    to: u64,
    pool: &Pool,
    watch: &W,
    label: &str,
    ran: &mut u64,
) -> Result<Vec<Fresh>, ExperimentError> {
    if to <= from {
        return Ok(which
            .iter()
            .map(|_| Fresh {
                objective: Vec::new(),
                require: vec![Vec::new(); plan.search.require.len()],
                years: vec![Vec::new(); plan.years],
            })
            .collect());
    }
    let done = std::sync::atomic::AtomicU64::new(*ran);
    let bp = batch::Plan {
        seed: plan.seed,
        first: from,
        replications: to - from,
        chunk: batch::CHUNK,
        bands: false,
    };
    // each configuration's batch runs inside this pool, beside the others
    let inner = Pool::new(None)?;
    let out: Vec<Result<Fresh, batch::BatchError>> = pool.install(|| {
        which
            .par_iter()
            .map(|&i| {
                let model = &configs[i].model;
                let mut sink = |_: u64| {};
                let b = batch::run_with(model, &bp, &inner, &mut sink)?;
                let n = done.fetch_add(to - from, std::sync::atomic::Ordering::Relaxed);
                watch.replication_done(label, n + to - from);
                let col = |name: &str| b.measure(name).unwrap_or_default();
                Ok(Fresh {
                    objective: col(&plan.search.objective),
                    require: plan
                        .search
                        .require
                        .iter()
                        .map(|r| col(&r.measure))
                        .collect(),
                    years: (1..=plan.years)
                        .map(|y| col(&names::cost_in_year(y)))
                        .collect(),
                })
            })
            .collect()
    });
    *ran = done.into_inner();
    out.into_iter()
        .map(|r| r.map_err(ExperimentError::from))
        .collect()
}
