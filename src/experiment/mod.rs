//! Experiments: the methods that run several batches on common random numbers and
//! return plain results.
//!
//! Each method takes a request (what a person asked for), turns it into a validated plan
//! (`Plan::new(model, request) -> Result<Plan, Vec<FieldProblem>>`, the raw → validated
//! pattern scenarios use: every problem at once, each naming the request's field), runs its
//! batches through [`batch::run_with`](crate::batch::run_with) on one pool, and reports to
//! one [`Watch`], which labels each batch and may stop the experiment. A stopped
//! experiment returns [`ExperimentError::Stopped`]; the command line maps it to exit 130,
//! problems to exit 2, and a server maps problems to HTTP 422.
//!
//! - [`compare`]: the same families under several policies or scenario variants, paired
//!   replication by replication.
//! - [`risks`]: the risk register beside the batches it needs (base, sharing, fully staffed,
//!   reduced flow).
//! - [`costs`]: the yearly cost of a batch over the contract, against the budget.
//! - [`validation`]: the simulator against exact results, as rows for the report.
//! - [`calibrate`]: chosen inputs fitted to the figures a scenario stores as targets.
//! - [`sensitivity`]: each assumed input at both ends of its plausible range, the
//!   decision measures' swings ranked (a tornado), and whether the answer's direction
//!   flips.
//! - [`sweep`]: one or two inputs varied over a grid, each point under each policy, with
//!   paired differences along the grid and between policies; and where a measure crosses
//!   a level (the team's capacity).
//! - [`optimise`]: the best configuration of a search space within its requirements, by
//!   a race ([`select`]) with a stated probability of being right, and the cost–benefit
//!   front.
//! - [`arrivals`]: each authority's referral rate, ramp and season estimated from dated
//!   referral records (no simulation), with the tests of each and of the Poisson assumption.

pub mod arrivals;
pub mod calibrate;
pub mod columns;
pub mod compare;
pub mod costs;
pub mod optimise;
pub mod risks;
pub mod select;
pub mod sensitivity;
pub mod sweep;
pub mod validation;

use crate::batch::{self, Batch, BatchError, Flow, Plan, Pool, Sink};
use crate::model::Model;

/// What an experiment reports as it runs: each of its batches by label.
pub trait Watch: Sync {
    /// A batch labelled `label` starts, with `replications` planned.
    fn started(&self, label: &str, replications: u64) {
        let _ = (label, replications);
    }

    /// A replication of batch `label` finished: `done` so far (from any thread).
    fn replication_done(&self, label: &str, done: u64) {
        let _ = (label, done);
    }

    /// A chunk of batch `label` was folded in; return [`Flow::Stop`] to end the
    /// experiment after it.
    fn chunk(&mut self, label: &str, batch: &Batch) -> Flow {
        let _ = (label, batch);
        Flow::Continue
    }

    /// An experiment that runs many batches at once (such as [`optimise`]) finished a
    /// step of them; return [`Flow::Stop`] to end it there.
    fn between(&mut self, label: &str) -> Flow {
        let _ = label;
        Flow::Continue
    }
}

/// A watch that sees nothing and never stops.
pub struct Quiet;

impl Watch for Quiet {}

/// Why an experiment did not finish.
#[derive(Debug, thiserror::Error)]
pub enum ExperimentError {
    /// A batch could not run.
    #[error(transparent)]
    Batch(#[from] BatchError),
    /// A search could not go on (e.g. a candidate point made an invalid scenario).
    #[error("{0}")]
    Search(String),
    /// The watch stopped the experiment.
    #[error("stopped during the {label} batch after {done} of {total} replications")]
    Stopped {
        /// The batch that was running.
        label: String,
        /// Its replications run.
        done: u64,
        /// Its replications planned.
        total: u64,
    },
}

/// The policies a request names, each known and none twice; problems go to `problems`
/// under the request's `policies` field.
fn policies(
    names: &[String],
    problems: &mut Vec<crate::model::FieldProblem>,
) -> Vec<crate::model::PolicyKind> {
    use crate::model::{FieldProblem, PolicyKind};
    let mut policies = Vec::new();
    for name in names {
        match PolicyKind::parse(name.trim()) {
            Some(k) if policies.contains(&k) => {
                problems.push(FieldProblem::new("policies", format!("lists {k} twice")))
            }
            Some(k) => policies.push(k),
            None => problems.push(FieldProblem::new(
                "policies",
                format!(
                    "unknown policy {:?} (allowed: {})",
                    name.trim(),
                    PolicyKind::allowed()
                ),
            )),
        }
    }
    policies
}

/// The scenario `text` with `sets` applied, validated; every problem in one line.
pub(crate) fn scenario_with(
    text: &str,
    origin: &str,
    sets: &[crate::scenario::overrides::Override],
) -> Result<Model, String> {
    let text = crate::scenario::overrides::apply(text, sets)?;
    crate::scenario::load(&text, origin).map_err(|e| {
        e.problems
            .iter()
            .map(|p| format!("{}: {}", p.path, p.message))
            .collect::<Vec<_>>()
            .join("; ")
    })
}

/// Overrides as a person writes them: `a=1, b=2`.
pub(crate) fn settings(sets: &[crate::scenario::overrides::Override]) -> String {
    sets.iter()
        .map(|o| format!("{}={}", o.path, o.value))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A number as an override writes it: the shortest form, with the rounding of a computed
/// value (e.g. 0.30000000000000004) removed.
pub(crate) fn number_text(x: f64) -> String {
    let r = (x * 1e9).round() / 1e9;
    if r == 0.0 { "0".into() } else { format!("{r}") }
}

/// One batch labelled for the watch: the [`Sink`] an experiment's batch reports to.
struct Labelled<'a, W: Watch + ?Sized> {
    label: &'a str,
    watch: &'a mut W,
    stopped: bool,
}

impl<W: Watch + ?Sized> Sink for Labelled<'_, W> {
    fn replication_done(&self, done: u64) {
        self.watch.replication_done(self.label, done);
    }

    fn chunk(&mut self, batch: &Batch) -> Flow {
        let flow = self.watch.chunk(self.label, batch);
        self.stopped |= flow == Flow::Stop;
        flow
    }
}

/// The sink of one batch labelled `label`, reporting to `watch`: for a batch run outside an
/// experiment's methods (e.g. extended for precision) that reports like one.
pub fn sink<'a, W: Watch + ?Sized>(label: &'a str, watch: &'a mut W) -> impl Sink + 'a {
    Labelled {
        label,
        watch,
        stopped: false,
    }
}

/// Run one labelled batch, reporting to `watch`. A stop from the watch is an error, even
/// after the batch's last chunk: it ends the experiment, whose next batch never starts.
pub fn batch_of<W: Watch + ?Sized>(
    model: &Model,
    plan: &Plan,
    pool: &Pool,
    watch: &mut W,
    label: &str,
) -> Result<Batch, ExperimentError> {
    watch.started(label, plan.replications);
    let mut sink = Labelled {
        label,
        watch,
        stopped: false,
    };
    let b = batch::run_with(model, plan, pool, &mut sink)?;
    if sink.stopped {
        return Err(ExperimentError::Stopped {
            label: label.to_string(),
            done: b.len() as u64,
            total: plan.replications,
        });
    }
    Ok(b)
}

/// The seed and replications of a request whose batches all share them: the batches of
/// one experiment run on the same random numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Runs {
    /// Master seed.
    pub seed: u64,
    /// Replications per batch.
    pub replications: u64,
}

impl Runs {
    /// These runs, once the replications are checked, unless `problems` (found by the
    /// caller) or the check say otherwise.
    pub(crate) fn checked(
        self,
        mut problems: Vec<crate::model::FieldProblem>,
    ) -> Result<Runs, Vec<crate::model::FieldProblem>> {
        check_replications(&mut problems, self.replications);
        match problems.is_empty() {
            true => Ok(self),
            false => Err(problems),
        }
    }

    /// These runs, adding any problem with the replications to `problems` (for a request
    /// whose other checks go on).
    pub(crate) fn check_into(self, problems: &mut Vec<crate::model::FieldProblem>) -> Runs {
        check_replications(problems, self.replications);
        self
    }

    /// The plan of each of the experiment's batches, keeping the weekly bands if the
    /// experiment reports them (a comparison's fan charts) or not (every other reads
    /// per-replication measures only).
    pub(crate) fn batch_plan(&self, bands: bool) -> Plan {
        Plan {
            seed: self.seed,
            first: 0,
            replications: self.replications,
            chunk: crate::batch::CHUNK,
            bands,
        }
    }
}

/// Replications a request may ask for: from 1 to [`crate::model::MAX_REPLICATIONS`].
pub(crate) fn check_replications(
    problems: &mut Vec<crate::model::FieldProblem>,
    replications: u64,
) {
    let most = crate::model::MAX_REPLICATIONS;
    if replications == 0 || replications > most {
        problems.push(crate::model::FieldProblem::new(
            "replications",
            format!("must be between 1 and {most}, got {replications}"),
        ));
    }
}
