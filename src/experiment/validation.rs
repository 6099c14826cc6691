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

/// What the quick validation list showed, and which cases it leaves out.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    /// One row per check run.
    pub rows: Vec<Row>,
    /// The cases `ifss-sim verify` runs that the quick list leaves out (the slow,
    /// heavy-traffic ones), by name.
    pub left_out: Vec<String>,
}

impl Evidence {
    /// The cases left out, each quoted (their names contain commas), joined in words.
    pub fn named_left_out(&self) -> String {
        named(&self.left_out)
    }

    /// Checks that passed.
    pub fn passed(&self) -> usize {
        self.rows.iter().filter(|r| r.pass).count()
    }

    /// The result in one line, for a terminal: how many checks passed, and what the quick
    /// list left out.
    pub fn summary(&self) -> String {
        let mut s = format!(
            "validation: {} of {} checks passed",
            self.passed(),
            self.rows.len()
        );
        if !self.left_out.is_empty() {
            s += &format!(
                " (the quick list; left out to save time: {}; `ifss-sim verify` runs them all)",
                self.named_left_out()
            );
        }
        s
    }
}

/// Case names, each quoted (they contain commas), joined with "and".
pub fn named(cases: &[String]) -> String {
    let quoted: Vec<String> = cases.iter().map(|c| format!("“{c}”")).collect();
    match quoted.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Run the quick validation cases on `seed`: one row per check, and the cases left out.
pub fn run(seed: u64, threads: Option<usize>) -> Result<Evidence, VerifyError> {
    let results = verify::run_all(true, seed, threads)?;
    let rows = results
        .iter()
        .flat_map(|case| {
            case.checks.iter().map(move |c| Row {
                check: format!("{}: {}", case.name, c.label),
                theory: c.theory,
                simulated: c.mean,
                pass: c.pass,
            })
        })
        .collect();
    let left_out = verify::cases()
        .into_iter()
        .filter(|c| !c.quick)
        .map(|c| c.name.to_string())
        .collect();
    Ok(Evidence { rows, left_out })
}
