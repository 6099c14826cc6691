//! A scenario's search space for staffing optimisation (`[optimise]`): the fields that may
//! change and their values, limits on sums of them (head counts), requirements on the
//! simulated measures (the budget), and the objective.
//!
//! Measure names and field paths are checked when the search is planned, against the
//! model's catalogue and by building every configuration.

/// The measure optimised unless a scenario says otherwise: the share of accepted families
/// seen within the wait target (the recorder's `WAIT_KM_WITHIN_TARGET`; a test holds them
/// equal, since the model sits below the measures).
pub const DEFAULT_OBJECTIVE: &str = "wait_within_target.all_accepted";

/// A validated `[optimise]` section (or the same built from the command line).
#[derive(Debug, Clone, PartialEq)]
pub struct Search {
    /// The measure to optimise (its mean over replications).
    pub objective: String,
    /// Whether more is better (`goal = "maximise"`) or less (`"minimise"`).
    pub maximise: bool,
    /// The smallest difference in the objective worth acting on (δ): a configuration
    /// within δ of the best counts as best.
    pub indifference: f64,
    /// The probability that the choice is right: within every requirement, and within δ of
    /// the best configuration that meets them all.
    pub confidence: f64,
    /// Replications every configuration runs before any is set aside (n₀, at least 5).
    pub first_replications: u64,
    /// The most replications any configuration runs.
    pub max_replications: u64,
    /// The fields that change and the values each may take.
    pub vary: Vec<Choice>,
    /// Limits on sums of varied fields.
    pub totals: Vec<Total>,
    /// Requirements on the means of simulated measures.
    pub require: Vec<Requirement>,
}

/// A field that changes, as `--set` names it, and the values it may take (as `--set`
/// writes them).
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    /// The field.
    pub path: String,
    /// Its values.
    pub values: Vec<String>,
}

/// A limit on the sum of some varied numeric fields, such as the consultant social workers
/// at all three bases.
#[derive(Debug, Clone, PartialEq)]
pub struct Total {
    /// What the limit is called in messages and tables.
    pub name: String,
    /// The fields summed (each among the varied ones).
    pub paths: Vec<String>,
    /// The least the sum may be.
    pub at_least: Option<f64>,
    /// The most the sum may be.
    pub at_most: Option<f64>,
    /// Why.
    pub why: String,
}

impl Total {
    /// Whether `sum` is within the limit.
    pub fn allows(&self, sum: f64) -> bool {
        self.at_least.is_none_or(|lo| sum >= lo - 1e-9)
            && self.at_most.is_none_or(|hi| sum <= hi + 1e-9)
    }
}

/// A requirement on the mean of a simulated measure: for a measure that is 1 when
/// something happens in a replication and 0 when not (`over_budget.any`), a limit on its
/// probability.
#[derive(Debug, Clone, PartialEq)]
pub struct Requirement {
    /// The measure.
    pub measure: String,
    /// The most its mean may be.
    pub at_most: Option<f64>,
    /// The least its mean may be.
    pub at_least: Option<f64>,
    /// Why.
    pub why: String,
}

impl Requirement {
    /// The requirement in a person's words: `over_budget.any at most 0.2`.
    pub fn words(&self) -> String {
        match (self.at_least, self.at_most) {
            (Some(lo), Some(hi)) => format!("{} between {lo} and {hi}", self.measure),
            (Some(lo), None) => format!("{} at least {lo}", self.measure),
            (None, Some(hi)) => format!("{} at most {hi}", self.measure),
            (None, None) => self.measure.clone(),
        }
    }
}
