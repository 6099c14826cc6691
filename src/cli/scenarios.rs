//! `check`, `scenario list`, `scenario show`, and turning a name or path into a model.

use super::InputError;
use anyhow::Result;
use ifss_sim::model::Model;
use ifss_sim::report::counted;
use ifss_sim::scenario::{self, BUNDLED, overrides::Override};
use std::path::Path;

/// A scenario as loaded: its text (after overrides), label and model.
pub struct Loaded {
    pub text: String,
    pub label: String,
    pub model: Model,
    /// The `--set` overrides applied, as `PATH=VALUE`.
    pub overrides: Vec<String>,
    /// What to call its output folder: a file's name without `.toml`, or a bundled
    /// scenario's name. Two files never share a folder because they share a `name`.
    pub folder: String,
}

/// A scenario file's bytes, refused unread when it is larger than any scenario may be.
fn read_limited(arg: &str) -> Result<Vec<u8>> {
    use std::io::Read as _;
    let limit = ifss_sim::model::MAX_SCENARIO_BYTES;
    let cannot = |e: std::io::Error| InputError(format!("{arg}: cannot read: {e}"));
    let file = std::fs::File::open(arg).map_err(cannot)?;
    let mut bytes = Vec::new();
    // read one byte past the limit, so a file that grows while read is caught too
    file.take(limit as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() > limit {
        return Err(InputError(format!(
            "{arg}: the file is larger than {limit} bytes, the limit for a scenario"
        ))
        .into());
    }
    Ok(bytes)
}

/// Load a scenario named on the command line: an existing file, else a bundled name.
pub fn load(arg: Option<&str>, sets: &[Override]) -> Result<Loaded> {
    let arg = arg.unwrap_or("western-bay");
    let (text, label, folder) = if Path::new(arg).is_file() {
        let bytes = read_limited(arg)?;
        let text = String::from_utf8(bytes).map_err(|_| {
            InputError(format!(
                "{arg}: not a text file (scenario files are UTF-8 TOML)"
            ))
        })?;
        let stem = Path::new(arg)
            .file_stem()
            .map_or_else(|| arg.to_string(), |s| s.to_string_lossy().into_owned());
        (text, arg.to_string(), stem)
    } else if let Some(b) = scenario::bundled(arg) {
        (
            b.text.to_string(),
            format!("{}.toml (bundled)", b.name),
            b.name.to_string(),
        )
    } else if let Some(text) = ifss_sim::verify::scenario_file(arg) {
        // a validation scenario, as `verify` names it, outside the source tree
        let stem = Path::new(arg)
            .file_stem()
            .map_or_else(|| arg.to_string(), |s| s.to_string_lossy().into_owned());
        (text.to_string(), format!("{arg} (built in)"), stem)
    } else if let Ok(meta) = std::fs::metadata(arg) {
        let what = if meta.is_dir() {
            "a folder"
        } else {
            "not a regular file"
        };
        return Err(InputError(format!(
            "{arg}: {what}; a scenario is a TOML file or a bundled name"
        ))
        .into());
    } else {
        let names: Vec<&str> = BUNDLED.iter().map(|b| b.name).collect();
        return Err(InputError(format!(
            "{arg}: no such file, and no bundled scenario of that name (bundled: {})",
            names.join(", ")
        ))
        .into());
    };
    let (text, fields) = scenario::overrides::apply_resolved(&text, sets)
        .map_err(|e| InputError(format!("{label}: {e}")))?;
    let model = scenario::load(&text, &label).map_err(|mut e| {
        // a problem in a value given with --set is the argument's, not the file's
        for problem in &mut e.problems {
            let from = fields.iter().zip(sets).rev().find(|(field, _)| {
                problem.path == **field || problem.path.starts_with(&format!("{field}."))
            });
            if let Some((_, o)) = from {
                problem.message.push_str(&format!(
                    " (the value comes from --set {}={})",
                    o.path, o.value
                ));
            }
        }
        e
    })?;
    let overrides = sets
        .iter()
        .map(|o| format!("{}={}", o.path, o.value))
        .collect();
    Ok(Loaded {
        text,
        label,
        model,
        overrides,
        folder,
    })
}

pub fn check(files: &[String]) -> Result<()> {
    let mut bad = 0;
    for f in files {
        match load(Some(f), &[]) {
            Ok(l) => outln!(
                "{}: ok — \"{}\": {}, {}, {}, policy {}",
                l.label,
                l.model.title(),
                counted(
                    l.model.authorities().len() as u64,
                    "authority",
                    "authorities"
                ),
                counted(l.model.posts().len() as u64, "post", "posts"),
                ifss_sim::report::days(l.model.horizon_days()),
                l.model.policy().kind()
            )?,
            Err(e) => {
                bad += 1;
                let message = format!("{e:#}");
                note!("{}", message.trim_end_matches('\n'));
            }
        }
    }
    if bad > 0 {
        return Err(InputError(format!(
            "{bad} of {} scenario(s) did not validate",
            files.len()
        ))
        .into());
    }
    Ok(())
}

pub fn list() -> Result<()> {
    let width = BUNDLED.iter().map(|b| b.name.len()).max().unwrap_or(0);
    for b in BUNDLED {
        outln!("{:width$}  {}", b.name, b.summary)?;
    }
    outln!(
        "\nPrint one with `ifss-sim scenario show NAME > my.toml`, edit it, then `ifss-sim check my.toml`."
    )?;
    Ok(())
}

pub fn show(name: &str) -> Result<()> {
    match scenario::bundled(name) {
        Some(b) => {
            out!("{}", b.text)?;
            Ok(())
        }
        None => {
            let names: Vec<&str> = BUNDLED.iter().map(|b| b.name).collect();
            Err(InputError(format!(
                "no bundled scenario {name:?} (bundled: {})",
                names.join(", ")
            ))
            .into())
        }
    }
}
