//! The simulator against exact results, as the rows a report's assurance section shows.

use crate::verify::{self, VerifyError};

/// One check: what, the exact value, the simulated mean, and whether they agree.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The case and check, in words.
    pub check: String,
    /// The exact value.
    pub theory: f64,
    /// The simulated mean.
    pub simulated: f64,
    /// Whether the exact value is inside the simulated confidence interval.
    pub pass: bool,
}

/// Run the quick validation cases on `seed` and return one row per check.
pub fn run(seed: u64, threads: Option<usize>) -> Result<Vec<Row>, VerifyError> {
    let results = verify::run_all(true, seed, threads)?;
    Ok(results
        .iter()
        .flat_map(|case| {
            case.checks.iter().map(move |c| Row {
                check: format!("{}: {}", case.name, c.label),
                theory: c.theory,
                simulated: c.mean,
                pass: c.pass,
            })
        })
        .collect())
}
