//! The levers a board argues about, read from the scenario, and a what-if's settings
//! checked against them before anything runs.

use ifss_sim::model::Model;
use serde::Serialize;
use std::collections::BTreeMap;

/// Most replications one answer may run.
pub const MAX_REPS: u64 = 2000;
/// Fewest replications one answer may run.
pub const MIN_REPS: u64 = 20;
/// Most posts a what-if may staff in all.
pub const MAX_POSTS: f64 = 300.0;
/// Most settings one request may carry.
pub const MAX_SETTINGS: usize = 64;

/// One lever: a scenario field, its baseline value and what it may be set to.
#[derive(Debug, Clone, Serialize)]
pub struct Lever {
    /// The scenario field (`--set` path), e.g. `staff[5].count`.
    pub path: String,
    /// Its name in words, e.g. "Intervention Specialist, Neath Port Talbot".
    pub label: String,
    /// The group it is shown in.
    pub group: &'static str,
    /// "int", "number", "choice" or "bool".
    pub kind: &'static str,
    /// Lowest and highest value allowed (numbers).
    pub min: f64,
    /// See `min`.
    pub max: f64,
    /// Step of the input (numbers).
    pub step: f64,
    /// The choices (for "choice").
    pub choices: Vec<String>,
    /// The scenario's own value, as JSON.
    pub value: serde_json::Value,
    /// Unit or hint, e.g. "posts", "days".
    pub unit: &'static str,
}

fn number(
    label: String,
    path: &str,
    group: &'static str,
    (min, max, step): (f64, f64, f64),
    value: f64,
    unit: &'static str,
) -> Lever {
    Lever {
        path: path.into(),
        label,
        group,
        kind: if step == 1.0 && min.fract() == 0.0 {
            "int"
        } else {
            "number"
        },
        min,
        max,
        step,
        choices: Vec::new(),
        value: serde_json::json!(value),
        unit,
    }
}

fn get<'a>(v: &'a toml::Value, path: &[&str]) -> Option<&'a toml::Value> {
    path.iter().try_fold(v, |v, k| v.get(*k))
}

fn float(v: Option<&toml::Value>) -> Option<f64> {
    match v? {
        toml::Value::Integer(i) => Some(*i as f64),
        toml::Value::Float(f) => Some(*f),
        _ => None,
    }
}

/// The levers of a scenario: its staff lines that work with families, the policy and
/// sharing threshold, referral rates, Phase 1 hours, and (with costs) the salary point,
/// agency cover and budget.
pub fn levers(model: &Model, text: &str) -> Vec<Lever> {
    let doc: toml::Value = toml::from_str(text).unwrap_or(toml::Value::Table(Default::default()));
    let mut out = Vec::new();
    if let Some(lines) = doc.get("staff").and_then(|s| s.as_array()) {
        // each line that works with families: its posts, and (when the scenario sets it)
        // the share of contracted hours it can give them, shown in a group of their own
        let mut capacity = Vec::new();
        for (i, line) in lines.iter().enumerate() {
            let given = float(line.get("direct_ratio"));
            if given.unwrap_or(1.0) <= 0.0 {
                continue;
            }
            let post = line.get("post").and_then(|p| p.as_str()).unwrap_or("post");
            let base = line.get("base").and_then(|p| p.as_str()).unwrap_or("");
            let wide = line
                .get("region_wide")
                .and_then(|p| p.as_bool())
                .unwrap_or(false);
            out.push(number(
                format!(
                    "{post}, {base}{}",
                    if wide { " (whole region)" } else { "" }
                ),
                &format!("staff[{i}].count"),
                "Posts",
                (0.0, 30.0, 1.0),
                float(line.get("count")).unwrap_or(1.0),
                "posts",
            ));
            if let Some(direct) = given {
                capacity.push(number(
                    format!("{post}, {base}: share of hours for direct work"),
                    &format!("staff[{i}].direct_ratio"),
                    "Direct-work capacity",
                    (0.05, 1.0, 0.05),
                    direct,
                    "share",
                ));
            }
        }
        out.extend(capacity);
    }
    out.push(Lever {
        path: "policy.kind".into(),
        label: "Allocation policy".into(),
        group: "Policy",
        kind: "choice",
        min: 0.0,
        max: 0.0,
        step: 0.0,
        choices: ["proportional", "demand-led", "pooled", "rebased"]
            .map(String::from)
            .to_vec(),
        value: serde_json::json!(model.policy().kind().name()),
        unit: "",
    });
    out.push(number(
        "Sharing threshold: days a family waits before another base may take it".into(),
        "policy.share_after_days",
        "Policy",
        (0.0, 365.0, 1.0),
        float(get(&doc, &["policy", "share_after_days"])).unwrap_or(14.0),
        "days",
    ));
    out.push(number(
        "Referrals, as a multiple of every authority's rate".into(),
        "simulation.referral_scale",
        "Referrals",
        (0.1, 5.0, 0.05),
        float(get(&doc, &["simulation", "referral_scale"])).unwrap_or(1.0),
        "×",
    ));
    if let Some(auths) = doc.get("authorities").and_then(|a| a.as_array()) {
        for (i, a) in auths.iter().enumerate() {
            let name = a
                .get("name")
                .and_then(|n| n.as_str())
                .unwrap_or("authority");
            if let Some(rate) = float(a.get("referrals_per_year")) {
                out.push(number(
                    format!("{name}: first referrals a year"),
                    &format!("authorities[{i}].referrals_per_year"),
                    "Referrals",
                    (0.0, 5000.0, 1.0),
                    rate,
                    "a year",
                ));
            }
        }
    }
    if let Some(h) = float(get(&doc, &["pathway", "phase1", "hours_per_week"])) {
        out.push(number(
            "Phase 1: direct hours a week per family (before the workload scale)".into(),
            "pathway.phase1.hours_per_week",
            "Work",
            (0.5, 40.0, 0.5),
            h,
            "hours",
        ));
    }
    if model.costs().is_some() {
        let point = get(&doc, &["costs", "salary_point"])
            .and_then(|v| v.as_str())
            .unwrap_or("min");
        out.push(Lever {
            path: "costs.salary_point".into(),
            label: "Salary point new staff start at".into(),
            group: "Money",
            kind: "choice",
            min: 0.0,
            max: 0.0,
            step: 0.0,
            choices: ["min", "mid", "max"].map(String::from).to_vec(),
            value: serde_json::json!(point),
            unit: "",
        });
        out.push(Lever {
            path: "costs.agency_cover".into(),
            label: "Agency cover for vacant posts".into(),
            group: "Money",
            kind: "bool",
            min: 0.0,
            max: 0.0,
            step: 0.0,
            choices: Vec::new(),
            value: serde_json::json!(
                get(&doc, &["costs", "agency_cover"])
                    .and_then(|v| v.as_bool())
                    .unwrap_or(false)
            ),
            unit: "",
        });
        out.push(number(
            "Budget a year".into(),
            "costs.budget",
            "Money",
            (0.0, 100_000_000.0, 1000.0),
            float(get(&doc, &["costs", "budget"])).unwrap_or(0.0),
            "£",
        ));
    }
    out
}

/// A field's problem, for the page to show beside it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Problem {
    /// The lever's path, or "" for the request as a whole.
    pub field: String,
    /// What is wrong and what is allowed.
    pub message: String,
}

fn problem(field: &str, message: String) -> Problem {
    Problem {
        field: field.into(),
        message,
    }
}

/// The `--set` overrides of a what-if's settings, each checked against its lever: the
/// value's type and range. Settings equal to the baseline are left out.
pub fn overrides(
    levers: &[Lever],
    settings: &BTreeMap<String, serde_json::Value>,
) -> Result<Vec<String>, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut sets = Vec::new();
    if settings.len() > MAX_SETTINGS {
        return Err(vec![problem(
            "",
            format!("at most {MAX_SETTINGS} settings, got {}", settings.len()),
        )]);
    }
    let mut posts = 0.0;
    for lever in levers.iter().filter(|l| l.path.starts_with("staff[")) {
        posts += settings
            .get(&lever.path)
            .and_then(|v| v.as_f64())
            .or(lever.value.as_f64())
            .unwrap_or(0.0);
    }
    for (path, value) in settings {
        let Some(lever) = levers.iter().find(|l| &l.path == path) else {
            problems.push(problem(path, "not a lever of this scenario".into()));
            continue;
        };
        if *value == lever.value {
            continue;
        }
        match lever.kind {
            "int" | "number" => match value.as_f64() {
                Some(x)
                    if x.is_finite()
                        && x >= lever.min
                        && x <= lever.max
                        && (lever.kind != "int" || x.fract() == 0.0) =>
                {
                    sets.push(format!("{path}={x}"));
                }
                _ => problems.push(problem(
                    path,
                    format!(
                        "must be {} from {} to {}{}",
                        if lever.kind == "int" {
                            "a whole number"
                        } else {
                            "a number"
                        },
                        lever.min,
                        lever.max,
                        match lever.unit {
                            "" => String::new(),
                            u => format!(" ({u})"),
                        }
                    ),
                )),
            },
            "choice" => match value.as_str() {
                Some(s) if lever.choices.iter().any(|c| c == s) => {
                    sets.push(format!("{path}=\"{s}\""))
                }
                _ => problems.push(problem(
                    path,
                    format!("must be one of {}", lever.choices.join(", ")),
                )),
            },
            _ => match value.as_bool() {
                Some(b) => sets.push(format!("{path}={b}")),
                None => problems.push(problem(path, "must be true or false".into())),
            },
        }
    }
    if posts > MAX_POSTS {
        problems.push(problem(
            "",
            format!("at most {MAX_POSTS} posts in all, got {posts}"),
        ));
    }
    match problems.is_empty() {
        true => Ok(sets),
        false => Err(problems),
    }
}
