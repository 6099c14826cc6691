//! Scenario files: TOML text → [`RawScenario`] → validated [`Model`].
//!
//! Loading never panics. A syntax or type error, an unknown field or a rule broken by a
//! value becomes a [`ScenarioError`] listing *every* problem as
//! `file:line:col: field.path: what is wrong (what is allowed)`.
//!
//! The bundled scenarios are compiled into the binary, so the tool runs with no file.

mod annotated;
mod costs_raw;
mod costs_validate;
mod locate;
pub mod overrides;
mod raw;
mod risks_raw;
mod risks_validate;
mod toml_path;
mod validate;

pub use crate::model::FieldProblem;
pub use crate::model::slug;
pub use annotated::annotated_inputs;
pub use costs_raw::{
    MAX_AMOUNT_POUNDS, MAX_HEADCOUNT, MAX_LINES, RawByPoint, RawCosts, RawNonSalaryLine,
    RawSalaryLine, RawStatedTotals,
};
pub use raw::RawScenario;
pub use risks_raw::RawRisks;
pub use validate::choice_values;

use crate::model::Model;
use std::fmt;

/// A scenario shipped with the tool.
#[derive(Debug, Clone, Copy)]
pub struct Bundled {
    /// Name used on the command line.
    pub name: &'static str,
    /// One-line summary.
    pub summary: &'static str,
    /// The file's text.
    pub text: &'static str,
}

/// The scenarios shipped with the tool; the first is the default.
pub const BUNDLED: &[Bundled] = &[
    Bundled {
        name: "western-bay",
        summary: "Western Bay IFSS as proposed: 17 staff, three bases, 240 referrals a year split by population",
        text: include_str!("../../scenarios/western-bay.toml"),
    },
    Bundled {
        name: "npt-high-need",
        summary: "Need does not follow population: Neath Port Talbot refers well above its staffing share",
        text: include_str!("../../scenarios/npt-high-need.toml"),
    },
    Bundled {
        name: "pioneer-2011",
        summary: "Calibration: the three IFSS pioneer sites in 2011/12, with the evaluation's observed figures as targets",
        text: include_str!("../../scenarios/pioneer-2011.toml"),
    },
    Bundled {
        name: "mmc",
        summary: "Validation: an M/M/5 queue (lambda 4/day, mean service 1 day); Erlang C mean wait 0.554 days",
        text: include_str!("../../scenarios/validation/mmc.toml"),
    },
    Bundled {
        name: "ifss-lite",
        summary: "Benchmark model B: three sites, Phase 1 only, fixed slots",
        text: include_str!("../../scenarios/bench/ifss-lite.toml"),
    },
];

/// The bundled scenario with this name.
pub fn bundled(name: &str) -> Option<&'static Bundled> {
    BUNDLED.iter().find(|b| b.name == name)
}

/// One problem, placed in its file.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// Field path such as `staff[3].base`, or empty when the parser could not tell.
    pub path: String,
    /// 1-based line and column, when known.
    pub line_col: Option<(usize, usize)>,
    /// What is wrong and what is allowed.
    pub message: String,
}

/// Everything wrong with one scenario file.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioError {
    /// The file as the user named it.
    pub file: String,
    /// Every problem found, in file order where known.
    pub problems: Vec<Problem>,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        writeln!(
            f,
            "{}: {n} problem{} in this scenario:",
            self.file,
            if n == 1 { "" } else { "s" }
        )?;
        for p in &self.problems {
            write!(f, "  {}", self.file)?;
            if let Some((l, c)) = p.line_col {
                write!(f, ":{l}:{c}")?;
            }
            if p.path.is_empty() {
                writeln!(f, ": {}", p.message)?;
            } else {
                writeln!(f, ": {}: {}", p.path, p.message)?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for ScenarioError {}

/// Parse and validate scenario text. `file` names the source in messages.
pub fn load(text: &str, file: &str) -> Result<Model, ScenarioError> {
    let raw = parse(text, file)?;
    let mut control = Vec::new();
    if let Ok(value) = text.parse::<toml::Table>() {
        text_problems(&toml::Value::Table(value), "", "", &mut control);
    }
    // reported alone, as other messages would echo the text
    let validated = if control.is_empty() {
        validate::validate(&raw).map(|mut model| {
            model.fingerprint = crate::model::fingerprint(text);
            model
        })
    } else {
        Err(control)
    };
    validated.map_err(|problems| {
        let mut problems: Vec<Problem> = problems
            .into_iter()
            .map(|fp| Problem {
                line_col: locate::locate(text, &fp.path),
                path: fp.path,
                message: fp.message,
            })
            .collect();
        problems.sort_by_key(|p| p.line_col.unwrap_or((usize::MAX, 0)));
        ScenarioError {
            file: file.to_string(),
            problems,
        }
    })
}

/// Whether `c` changes the direction text is shown in (Unicode's bidirectional format
/// characters: marks, embeddings, overrides and isolates). Not `char::is_control`, yet
/// just as able to make a name display as something it is not.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Fields whose text is a name, repeated in tables and pictures: at most
/// [`MAX_NAME_CHARS`](crate::model::MAX_NAME_CHARS) characters, like every key.
const NAME_FIELDS: [&str; 16] = [
    "name",
    "post",
    "base",
    "from",
    "to",
    "role",
    "specialism",
    "likelihood",
    "effect",
    "owner",
    "grade",
    "line",
    "salary_point",
    "kind",
    "matching",
    "dist",
];

/// Every string (and key) in `value` that no report should carry: a control character
/// other than a line break or a tab, or a bidirectional control (text from a scenario
/// reaches terminals, reports and spreadsheets, where such characters could rewrite what
/// is shown), or text longer than names and other text may be. `key` is the field's own
/// name, to tell a name from other text.
fn text_problems(value: &toml::Value, path: &str, key: &str, out: &mut Vec<FieldProblem>) {
    use crate::model::{MAX_NAME_CHARS, MAX_TEXT_CHARS};
    let join = |key: &str| {
        if path.is_empty() {
            key.to_string()
        } else {
            format!("{path}.{key}")
        }
    };
    let problem = |text: &str, limit: usize| {
        let bad = text
            .chars()
            .find(|c| (c.is_control() && !matches!(c, '\n' | '\t')) || is_bidi_control(*c));
        if let Some(c) = bad {
            let (kind, why) = if is_bidi_control(c) {
                (
                    "bidirectional control character",
                    " (it would show the text in another order in reports and spreadsheets)",
                )
            } else {
                ("control character", "")
            };
            return Some(format!(
                "contains the {kind} U+{:04X}; text may use printable characters, line breaks \
                 and tabs only{why}",
                u32::from(c)
            ));
        }
        let chars = text.chars().count();
        (chars > limit).then(|| {
            let what = if limit == MAX_NAME_CHARS {
                "a name"
            } else {
                "text"
            };
            format!("is {chars} characters long; {what} may have at most {limit}")
        })
    };
    match value {
        toml::Value::String(s) => {
            let limit = if NAME_FIELDS.contains(&key) {
                MAX_NAME_CHARS
            } else {
                MAX_TEXT_CHARS
            };
            if let Some(message) = problem(s, limit) {
                out.push(FieldProblem {
                    path: path.to_string(),
                    message,
                });
            }
        }
        toml::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                text_problems(item, &format!("{path}[{i}]"), key, out);
            }
        }
        toml::Value::Table(table) => {
            for (k, item) in table {
                // a key can be a name too (an agency's, a need's, a band's); the problem
                // is placed on its table, so the key itself is not echoed
                match problem(k, MAX_NAME_CHARS) {
                    Some(message) => out.push(FieldProblem {
                        path: path.to_string(),
                        message: format!("a key {message}"),
                    }),
                    None => text_problems(item, &join(k), k, out),
                }
            }
        }
        _ => {}
    }
}

/// Parse scenario text into its raw form (syntax and types only).
pub fn parse(text: &str, file: &str) -> Result<RawScenario, ScenarioError> {
    if text.len() > crate::model::MAX_SCENARIO_BYTES {
        return Err(ScenarioError {
            file: file.to_string(),
            problems: vec![Problem {
                path: String::new(),
                line_col: None,
                message: format!(
                    "the scenario is {} bytes; the limit is {} bytes",
                    text.len(),
                    crate::model::MAX_SCENARIO_BYTES
                ),
            }],
        });
    }
    if text.trim().is_empty() {
        return Err(ScenarioError {
            file: file.to_string(),
            problems: vec![Problem {
                path: String::new(),
                line_col: None,
                message: "the file is empty; a scenario needs at least `name`, `authorities`, `pathway` and `staff` \
                          (see `ifss-sim scenario show western-bay` for a complete example)"
                    .into(),
            }],
        });
    }
    toml::from_str::<RawScenario>(text).map_err(|e| {
        let line_col = e.span().map(|s| locate::line_col(text, s.start));
        // the full dotted path (`staff[1].count`) when the text is valid TOML, else the
        // key written on the line of a syntax error
        let path = FieldProblem::from_toml_error(text, &e).path;
        let syntax = path.is_empty();
        let path = if syntax {
            key_at(text, line_col).unwrap_or_default()
        } else {
            path
        };
        let mut message = plain_type_names(e.message().trim());
        if message.is_empty() {
            // the parser gives no words for a character it does not expect, such as a
            // control byte in a comment: name the character instead
            let found = e.span().and_then(|s| text.get(s.start..)?.chars().next());
            message = match found {
                Some(c) if c.is_control() => format!(
                    "the control character U+{:04X} is not allowed here; a scenario file may \
                     use printable characters, line breaks and tabs only",
                    u32::from(c)
                ),
                Some(c) => format!("unexpected {c:?}: this is not valid TOML here"),
                None => "the file is not valid TOML here".to_string(),
            };
        }
        if syntax && message == "number too large" {
            // the parser's own limit, before any field's narrower one
            message.push_str(": whole numbers in a scenario file are at most 9223372036854775807");
        }
        ScenarioError {
            file: file.to_string(),
            problems: vec![Problem {
                path,
                line_col,
                message,
            }],
        }
    })
}

/// A parser message with Rust type names put as a scenario's author knows them:
/// "expected f64" becomes "expected a number", "expected struct RawDist" a distribution.
fn plain_type_names(message: &str) -> String {
    const NAMES: [(&str, &str); 8] = [
        ("expected f64", "expected a number"),
        ("expected i64", "expected a whole number"),
        ("expected u64", "expected a whole number of 0 or more"),
        ("expected u32", "expected a whole number of 0 or more"),
        (
            "expected struct RawDist",
            "expected a distribution table, e.g. { dist = \"uniform\", min = 28, max = 42 }",
        ),
        ("expected a sequence", "expected a list in [brackets]"),
        ("expected struct ", "expected a table, of the kind named "),
        ("number too large to fit in target type", "number too large"),
    ];
    let mut out = message.to_string();
    for (from, to) in NAMES {
        out = out.replace(from, to);
    }
    out
}

/// The key written on the given line (`key = value`), to name the field of a syntax
/// error; `None` unless it looks like a key (no control characters, brackets or quotes
/// left open).
fn key_at(text: &str, line_col: Option<(usize, usize)>) -> Option<String> {
    let (line, _) = line_col?;
    let l = text.lines().nth(line.checked_sub(1)?)?;
    let (key, _) = l.split_once('=')?;
    let key = key.trim();
    let plain = key
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ' ' | '"'));
    (plain && !key.is_empty()).then(|| format!("{}{key}", table_at(text, line)))
}

/// The dotted path of the table a line (from 1) sits in, with a trailing dot, from the
/// last `[table]` or `[[array]]` header above it: `simulation.`, `staff[2].`, or nothing
/// at the top level.
fn table_at(text: &str, line: usize) -> String {
    let mut current = String::new();
    let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
    for l in text.lines().take(line.saturating_sub(1)) {
        let l = l.split('#').next().unwrap_or("").trim();
        if let Some(name) = l.strip_prefix("[[").and_then(|r| r.strip_suffix("]]")) {
            let name = name.trim().to_string();
            let n = counts.entry(name.clone()).or_insert(0);
            current = format!("{name}[{n}].");
            *n += 1;
        } else if let Some(name) = l.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
            current = format!("{}.", name.trim());
        }
    }
    current
}

/// Load a bundled scenario by name. Bundled scenarios are valid by test.
pub fn load_bundled(name: &str) -> Option<Result<Model, ScenarioError>> {
    bundled(name).map(|b| load(b.text, &format!("{}.toml (bundled)", b.name)))
}

#[cfg(test)]
pub(crate) mod costs_test_support {
    //! The default Western Bay `[costs]` section, loaded the way a scenario file would be.

    use super::RawCosts;
    use crate::model::FieldProblem;
    use crate::model::costs::Costs;
    use serde::Deserialize;

    /// The default scenario, whose `[costs]` section the tests read.
    pub const WESTERN_BAY: &str = include_str!("../../scenarios/western-bay.toml");

    /// A scenario file holding only a `[costs]` section.
    #[derive(Deserialize)]
    pub struct Wrapper {
        pub costs: RawCosts,
    }

    /// Parse a file holding a `[costs]` section; panics on a TOML or serde error.
    pub fn raw(source: &str) -> RawCosts {
        toml::from_str::<Wrapper>(source)
            .unwrap_or_else(|e| panic!("{e}"))
            .costs
    }

    /// Parse and validate.
    pub fn validated(source: &str) -> Result<Costs, Vec<FieldProblem>> {
        raw(source).validate()
    }

    /// The default section, validated.
    pub fn western_bay() -> Costs {
        validated(WESTERN_BAY).unwrap_or_else(|problems| panic!("{problems:?}"))
    }
}
