//! Inputs and their sources: every value the scenario sets, with the source it cites,
//! grouped by topic and named in words, the scenario file's field beside each for planners.

use super::words::field_and_unit;
use crate::report::html::{Section, Table};
use crate::scenario::annotated_inputs;
use std::collections::BTreeMap;

/// The topics, in reading order: (first part of the field's path, heading).
const TOPICS: &[(&str, &str)] = &[
    ("", "The scenario"),
    ("simulation", "The simulated runs"),
    ("referrals", "Referrals"),
    ("authorities", "Authorities and their referrals"),
    ("pathway", "The families' pathway and the work it takes"),
    ("availability", "Staff absences, leavers and vacancies"),
    ("staff", "Staff and posts"),
    ("policy", "Allocation policy"),
    ("travel", "Travel between bases"),
    ("costs", "Costs"),
    ("risks", "The risk register"),
    ("sensitivity", "Ranges for \"what the answer depends on\""),
];

/// A list entry's name in words, from its own fields: an authority's `name`, a post's
/// title and base, a cost line's name, a risk's number, a sensitivity input's field.
fn entry_names(rows: &[[String; 3]]) -> BTreeMap<String, String> {
    let mut fields: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for [field, value, _] in rows {
        if let Some((entry, leaf)) = field.rsplit_once('.')
            && entry.ends_with(']')
        {
            fields
                .entry(entry.to_string())
                .or_default()
                .insert(leaf.to_string(), unquote(value));
        }
    }
    fields
        .into_iter()
        .filter_map(|(entry, f)| {
            let get = |k: &str| f.get(k).cloned();
            let name = if entry.starts_with("staff[") {
                match (get("post"), get("base")) {
                    (Some(p), Some(b)) => Some(format!("{p}, {b}")),
                    (p, b) => p.or(b),
                }
            } else if entry.starts_with("risks.register[") {
                get("id").map(|id| format!("Risk {id}"))
            } else if entry.starts_with("sensitivity[") {
                get("path").map(|p| format!("Range of {}", field_and_unit(&p).0))
            } else {
                get("name").or(get("post")).or(get("line"))
            };
            Some((entry, name?))
        })
        .collect()
}

/// A TOML string value without its quotes; anything else as written.
fn unquote(value: &str) -> String {
    let v = value.trim();
    if v.len() >= 2 && v.starts_with('"') && v.ends_with('"') && !v[1..v.len() - 1].contains('"') {
        v[1..v.len() - 1].to_string()
    } else {
        v.to_string()
    }
}

/// The input's name in words: its list entry's name, then the field in words.
fn label(field: &str, names: &BTreeMap<String, String>) -> String {
    let (entry, leaf) = match field.rsplit_once('.') {
        Some((e, l)) if e.ends_with(']') => (Some(e), l),
        _ => (None, field),
    };
    let words = match entry.and_then(|e| names.get(e)) {
        Some(name) => format!("{name}: {}", field_and_unit(leaf).0),
        None => field_and_unit(field).0,
    };
    let mut c = words.chars();
    c.next()
        .map_or(String::new(), |f| f.to_uppercase().chain(c).collect())
}

/// The value with its unit when the unit is not in the words already.
fn value_with_unit(field: &str, value: &str) -> String {
    let v = unquote(value);
    match field_and_unit(field).1 {
        "days" | "hours" if v.parse::<f64>().is_ok() => {
            format!("{v} {}", field_and_unit(field).1)
        }
        "£" if v.parse::<f64>().is_ok() => format!("£{v}"),
        _ => v,
    }
}

pub(super) fn inputs_section(text: &str) -> Section {
    let rows = annotated_inputs(text);
    let names = entry_names(&rows);
    let cited = rows.iter().filter(|r| !r[2].starts_with("set in")).count();
    let assumed = rows.iter().filter(|r| r[2].contains("assumption")).count();
    let topic_of = |field: &str| {
        let first = field.split(['.', '[']).next().unwrap_or("");
        TOPICS.iter().position(|(t, _)| *t == first).unwrap_or(0)
    };
    let mut groups: Vec<Vec<Vec<String>>> = vec![Vec::new(); TOPICS.len()];
    for [field, value, source] in &rows {
        let field_topic = if field.contains('.') || field.contains('[') {
            topic_of(field)
        } else {
            0
        };
        groups[field_topic].push(vec![
            label(field, &names),
            value_with_unit(field, value),
            source.clone(),
            field.clone(),
        ]);
    }
    let tables = groups
        .into_iter()
        .zip(TOPICS)
        .filter(|(g, _)| !g.is_empty())
        .map(|(rows, (_, heading))| Table {
            caption: format!("{heading}."),
            header: vec![
                "Input".into(),
                "Value".into(),
                "Source".into(),
                "Field in the scenario file".into(),
            ],
            rows,
        })
        .collect();
    Section {
        heading: "Inputs and their sources".into(),
        paragraphs: vec![format!(
            "Every value the scenario sets, grouped by topic, with the source its comment cites \
             (on its own line, on its table's heading, or in the comment just above; a blank \
             line ends a comment's reach): the proposal, the evaluation of the pioneer teams, \
             public data, or an assumption the board can change. {cited} of {} values cite a \
             source; {assumed} are marked as assumptions. Days, hours and pounds are given with \
             their unit; shares are between 0 and 1. The last column is the field's name in the \
             scenario file, for changing it (`--set FIELD=VALUE`).",
            rows.len()
        )],
        figures: Vec::new(),
        tables,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_are_grouped_by_topic_and_named_in_words() {
        let text = crate::scenario::bundled("western-bay").unwrap().text;
        let s = inputs_section(text);
        let captions: Vec<&str> = s.tables.iter().map(|t| t.caption.as_str()).collect();
        assert_eq!(captions[0], "The simulated runs.");
        assert!(captions.contains(&"Staff and posts."), "{captions:?}");
        assert!(captions.contains(&"Costs."), "{captions:?}");
        let all: Vec<&Vec<String>> = s.tables.iter().flat_map(|t| &t.rows).collect();
        assert_eq!(all.len(), annotated_inputs(text).len(), "every input, once");
        let row = |field: &str| {
            all.iter()
                .find(|r| r[3] == field)
                .unwrap_or_else(|| panic!("{field}"))
        };
        assert_eq!(
            row("authorities[0].referrals_per_year")[0],
            "Swansea: first referrals a year"
        );
        assert_eq!(
            row("staff[1].count")[0],
            "Consultant Social Worker, Swansea: posts"
        );
        assert_eq!(row("simulation.horizon_days")[1], "1095 days");
        assert_eq!(row("staff[0].base")[1], "Bridgend");
        assert_eq!(row("risks.register[2].likelihood")[0], "Risk 3: likelihood");
        assert!(
            row("sensitivity[2].range")[0].starts_with("Range of how long a family waits"),
            "{:?}",
            row("sensitivity[2].range")
        );
        // every staff row sits in the staff table
        let staff = s
            .tables
            .iter()
            .find(|t| t.caption == "Staff and posts.")
            .unwrap();
        assert!(staff.rows.iter().all(|r| r[3].starts_with("staff[")));
    }
}
