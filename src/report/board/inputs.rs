//! Inputs and their sources: every value the scenario sets, with the source it cites.

use crate::report::html::{Section, Table};
use crate::scenario::annotated_inputs;

pub(super) fn inputs_section(text: &str) -> Section {
    let rows: Vec<Vec<String>> = annotated_inputs(text)
        .into_iter()
        .map(|r| r.to_vec())
        .collect();
    let cited = rows.iter().filter(|r| !r[2].starts_with("set in")).count();
    let assumed = rows.iter().filter(|r| r[2].contains("assumption")).count();
    Section {
        heading: "Inputs and their sources".into(),
        paragraphs: vec![format!(
            "Every value the scenario sets, with the source its comment cites (on its own line, \
             on its table's heading, or in the comment just above; a blank line ends a comment's \
             reach): the proposal, the evaluation of the pioneer teams, public data, or an \
             assumption the board can change. {cited} of {} values cite a source; {assumed} are \
             marked as assumptions.",
            rows.len()
        )],
        figures: Vec::new(),
        tables: vec![Table {
            caption: "Scenario inputs.".into(),
            header: vec!["Field".into(), "Value".into(), "Source".into()],
            rows,
        }],
    }
}
