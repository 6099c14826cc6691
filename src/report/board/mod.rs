//! The board report's content: from batches, comparisons, costs and risks to the plain
//! data [`super::html::render`] lays out.
//!
//! This is where numbers become sentences. Every figure quoted in words carries its 95%
//! confidence interval, and every picture is drawn by [`super::plots`]. Scenario text
//! (names, titles, descriptions) is passed through as data; the renderer escapes it.
//!
//! Each section has its own file, named after it; the phrasing they share (intervals,
//! differences, money, policy names) is in `words`, so a figure reads the same way
//! wherever it is quoted.

mod assurance;
mod comparison;
mod costs;
mod depends;
mod headline;
mod inputs;
mod over_time;
mod question;
pub mod recommend;
mod risks;
mod staff;
mod summary;
mod waits;
mod words;

use assurance::assurance;
use comparison::comparison_section;
use costs::cost_section;
pub use depends::{Depends, capacity_picture, sharing_picture, tornado};
use headline::headline;
use inputs::inputs_section;
use over_time::over_time_section;
use question::{question, scenario_words};
use risks::risk_section;
use staff::staff_section;
use waits::waits_section;

use super::compare::Comparison;
use super::html::{Footer, Report};
use super::summary::RunSummary;
use crate::batch::Batch;
use crate::model::Model;
use crate::risks::Assessment;

pub use crate::scenario::annotated_inputs;

/// The validation checks run with the report (`--verify`): one row per check (what,
/// theory, simulated, "pass" or "FAIL") and the cases of `ifss-sim verify` left out.
#[derive(Debug, Clone, Default)]
pub struct Validation {
    /// The checks run.
    pub rows: Vec<[String; 4]>,
    /// The cases left out (the quick list's omissions), by name.
    pub left_out: Vec<String>,
}

/// Everything a board report is made from.
#[derive(Debug, Clone, Copy)]
pub struct BoardInput<'a> {
    /// The scenario as validated.
    pub model: &'a Model,
    /// The scenario file's text, for the table of inputs and their sources.
    pub scenario_text: &'a str,
    /// Each policy's model and batch, the baseline first.
    pub runs: &'a [(&'a Model, &'a Batch)],
    /// Each policy's summary, in the same order.
    pub summaries: &'a [RunSummary],
    /// The paired comparison, when more than one policy ran.
    pub comparison: Option<&'a Comparison>,
    /// The risk register beside the simulation, when assessed.
    pub risks: Option<&'a [Assessment]>,
    /// Validation cases as `(case, theory, simulated, pass)` rows, when run.
    pub validation: Option<&'a Validation>,
    /// The calibration the workload rests on: the scenario whose observed figures it was
    /// fitted to, and each target against that scenario simulated, when known.
    pub calibration: Option<(&'a str, &'a [crate::experiment::calibrate::TargetFit])>,
    /// What the answer depends on (sensitivity and capacity), when asked for.
    pub depends: Option<Depends<'a>>,
    /// A staffing optimisation of the scenario, when given: the headline leads with its
    /// recommendation.
    pub recommendation: Option<&'a crate::experiment::optimise::Optimisation>,
    /// When it ran and how long it took.
    pub run_time: &'a str,
    /// The machine it ran on.
    pub machine: &'a str,
}

/// Each figure of a report as `(file name, svg)`: the section's heading as a slug, then
/// its number within the section.
pub fn figure_files(report: &Report) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for s in &report.sections {
        let stem = crate::model::slug(&s.heading);
        for (i, f) in s.figures.iter().enumerate() {
            out.push((format!("{stem}-{}.svg", i + 1), f.svg.clone()));
        }
    }
    out
}

/// Build the board report.
pub fn board_report(input: &BoardInput<'_>) -> Report {
    let m = input.model;
    let years = m.years();
    let reps = input.runs.first().map_or(0, |(_, b)| b.len());
    let policies: Vec<&str> = input.summaries.iter().map(|s| s.label.as_str()).collect();

    let several = policies.len() > 1;
    let mut report = Report {
        title: match (several, policies.first()) {
            (false, Some(p)) => {
                format!("{}: how does the team do under {p} allocation?", m.title())
            }
            _ => format!("{}: how should the team be deployed?", m.title()),
        },
        subtitle: format!(
            "Simulation report for the management board · scenario “{}” · {} of {}{}",
            m.name(),
            super::counted(reps as u64, "simulated run", "simulated runs"),
            words::span_words(m),
            if several { " for each policy" } else { "" }
        ),
        question: question(&policies, m),
        scenario: scenario_words(m, input.runs),
        ..Report::default()
    };
    let (key, headline, chosen) = headline(input);
    report.key_figures = key;
    report.headline = headline;
    report.summary = Some(summary::summary(input, &input.summaries[chosen]));
    if let Some(o) = input.recommendation {
        report.headline.insert(0, recommend::sentence(o));
    }

    report.sections.push(waits_section(input));
    report.sections.push(over_time_section(input));
    report.sections.push(staff_section(input));
    if let Some(c) = input.comparison {
        report.sections.push(comparison_section(m, c));
    }
    if let Some(o) = input.recommendation {
        report.sections.push(recommend::section(o));
    }
    if let Some(d) = &input.depends {
        report.sections.push(depends::depends_section(input, d));
    }
    if let Some(s) = cost_section(input) {
        report.sections.push(s);
    }
    if let Some(r) = input.risks {
        report.sections.push(risk_section(m, r));
    }
    report.appendices.push(inputs_section(input.scenario_text));
    report.assurance = assurance(input, years);
    report.assurance_tables = assurance::calibration_table(input).into_iter().collect();
    report.footer = Footer {
        version: format!("ifss-sim {}", env!("CARGO_PKG_VERSION")),
        run_time: input.run_time.to_string(),
        machine: input.machine.to_string(),
    };
    report
}
