//! One problem found while validating input: where, and what is wrong.

use std::fmt;

/// One problem found while validating a scenario, an override or a request: where, and
/// what is wrong.
///
/// `path` is a dotted TOML path from the top of the scenario file (e.g.
/// `costs.salary[2].count`, `staff[3].base`) or the name of a request's field; `message`
/// names the bad value and what is allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    /// Dotted path of the offending field, e.g. `costs.non_salary[0].basis`.
    pub path: String,
    /// What is wrong and what is allowed, e.g. `must be a whole number from 0 to 10000, got -1`.
    pub message: String,
}

impl FieldProblem {
    /// A problem at `path`.
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> FieldProblem {
        FieldProblem {
            path: path.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for FieldProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}
