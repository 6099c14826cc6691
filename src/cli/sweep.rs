//! `sweep`: one or two inputs over a grid, every point under each policy on the same
//! random numbers; a table, pictures and a page.

use super::output::{Origin, say_written};
use super::run::{Watching, config, experiment_result, outputs, request_problems};
use super::scenarios::{self, Loaded};
use super::{BatchArgs, InputError};
use anyhow::Result;
use clap::{Args, ValueEnum};
use ifss_sim::batch::BatchConfig;
use ifss_sim::experiment::{self, sweep};
use ifss_sim::measures::names;
use ifss_sim::report::html::escape;
use ifss_sim::report::plots::{SweepHeat, SweepLine, SweepLines, sweep_heat, sweep_lines};
use ifss_sim::report::write::SetKind;
use serde::Serialize;
use std::fmt::Write as _;

/// A built-in question, as a sweep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Preset {
    /// The team's capacity: every authority's referrals scaled from 0.2 to 1.4 times the
    /// scenario's (simulation.referral_scale), proportional against demand-led, and the
    /// rate at which each stops seeing --level of accepted families within the wait target.
    Capacity,
    /// The sharing threshold priced: share_after_days from 0 to 60 days, demand-led
    /// against proportional: waits, the share seen in time, travel and cost.
    Sharing,
}

#[derive(Debug, Args)]
pub struct SweepArgs {
    #[command(flatten)]
    batch: BatchArgs,
    /// An input and its values: PATH=V1,V2,... or PATH=LO..HI/STEPS, e.g.
    /// --over 'authorities[Swansea].referrals_per_year=80..160/9' (once or twice; a field
    /// named as --set names it). Every point runs on the same random numbers.
    #[arg(long = "over", value_name = "PATH=VALUES")]
    over: Vec<sweep::Axis>,
    /// A built-in question instead of --over (capacity, sharing).
    #[arg(long, value_enum, conflicts_with = "over")]
    preset: Option<Preset>,
    /// Policies, comma-separated; differences between policies are against the first
    /// [default: the scenario's own; for the presets proportional,demand-led].
    #[arg(long, value_delimiter = ',')]
    policies: Option<Vec<String>>,
    /// A measure to report (repeatable) [default: mean wait, share seen within the target,
    /// withdrawals, Phase 1 starts, utilisation, travel hours, chance of a year over budget].
    #[arg(long = "measure", value_name = "NAME")]
    measures: Vec<String>,
    /// The share of accepted families to see within the wait target, for --preset capacity.
    #[arg(long, value_name = "SHARE", default_value_t = 0.8, value_parser = super::parse_fraction)]
    level: f64,
    /// Keep adding replications to each point and policy until the 95% CI half-width of
    /// --precision-measure there is below this fraction of its mean (e.g. 0.02 for ±2%);
    /// --reps is each point's first batch. Points that settle early stop early.
    #[arg(long, value_name = "REL", value_parser = super::parse_fraction)]
    target_precision: Option<f64>,
    /// Measure the precision target applies to.
    #[arg(
        long,
        value_name = "NAME",
        default_value = "wait_to_first_meeting_days",
        requires = "target_precision"
    )]
    precision_measure: String,
    /// Most replications a point may reach under the precision target (at least --reps).
    #[arg(
        long,
        value_name = "N",
        default_value_t = 5_000,
        requires = "target_precision"
    )]
    max_reps: u64,
    /// Run only the K-th of N parts of every point's replications (e.g. 3/8) and write
    /// that part (shard.json) to merge with the others: `ifss-sim merge` then writes
    /// exactly what the whole sweep would have [default folder:
    /// output/<scenario>/sweep/shard-K-of-N].
    #[arg(long, value_name = "K/N", value_parser = super::shard::parse, conflicts_with = "target_precision")]
    shard: Option<(u32, u32)>,
}

/// What `merge` needs, beside the scenario, seed and replications, to rebuild a sweep and
/// write it as `sweep` does.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Job {
    /// Each input's field and values.
    axes: Vec<(String, Vec<String>)>,
    pub(super) policies: Vec<String>,
    measures: Vec<String>,
    pub(super) preset: Option<Preset>,
    pub(super) level: f64,
}

impl Job {
    /// The request this job's sweep answers, for `loaded` on `cfg`'s seed and replications.
    pub(super) fn request(&self, loaded: &Loaded, cfg: &BatchConfig) -> sweep::Request {
        sweep::Request {
            text: loaded.text.clone(),
            origin: loaded.label.clone(),
            axes: self
                .axes
                .iter()
                .map(|(path, values)| sweep::Axis {
                    path: path.clone(),
                    values: values.clone(),
                })
                .collect(),
            policies: self.policies.clone(),
            measures: self.measures.clone(),
            runs: experiment::Runs {
                seed: cfg.seed,
                replications: cfg.replications,
            },
            precision: None,
        }
    }
}

#[derive(Serialize)]
struct SweepJson<'a> {
    schema: u32,
    version: &'static str,
    scenario: &'a str,
    #[serde(flatten)]
    sweep: &'a sweep::Sweep,
    /// For --preset capacity: per policy, where the share of accepted families seen within
    /// the target falls below the level.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    capacity: Vec<CapacityJson>,
}

#[derive(Serialize)]
struct CapacityJson {
    policy: String,
    measure: &'static str,
    level: f64,
    /// The referral scale at the crossing, with its range from the 95% bounds.
    crossing: Option<sweep::Crossing>,
    /// The same as first referrals a year.
    referrals_per_year: Option<f64>,
    referrals_per_year_range: [Option<f64>; 2],
}

use sweep::{CAPACITY_AXIS, SHARING_AXIS};

/// The inputs, measures and policies `a` asks for: a preset's, with the person's changes.
fn job(a: &SweepArgs) -> Result<Job> {
    let (axes, mut measures, default_policies): (Vec<sweep::Axis>, _, _) = match a.preset {
        Some(Preset::Capacity) => (
            vec![CAPACITY_AXIS.parse().map_err(InputError)?],
            vec![
                names::WAIT_KM_WITHIN_TARGET.to_string(),
                names::WAIT.to_string(),
                names::WAIT_WITHIN_TARGET.to_string(),
                names::WITHDRAWN_WHILE_WAITING.to_string(),
                names::PHASE1_STARTS.to_string(),
                names::UTILISATION.to_string(),
            ],
            vec!["proportional".to_string(), "demand-led".to_string()],
        ),
        Some(Preset::Sharing) => (
            vec![SHARING_AXIS.parse().map_err(InputError)?],
            vec![
                names::WAIT.to_string(),
                names::WAIT_WITHIN_TARGET.to_string(),
                names::TRAVEL_HOURS.to_string(),
                names::CROSS_REGION_ALLOCATIONS.to_string(),
                names::COST_TOTAL.to_string(),
            ],
            vec!["proportional".to_string(), "demand-led".to_string()],
        ),
        None => (a.over.clone(), Vec::new(), Vec::new()),
    };
    if !a.measures.is_empty() {
        measures = a.measures.clone();
        // the capacity answer is read from the share of accepted families seen in time
        let km = names::WAIT_KM_WITHIN_TARGET.to_string();
        if a.preset == Some(Preset::Capacity) && !measures.contains(&km) {
            measures.insert(0, km);
        }
    }
    Ok(Job {
        axes: axes.into_iter().map(|x| (x.path, x.values)).collect(),
        policies: a.policies.clone().unwrap_or(default_policies),
        measures,
        preset: a.preset,
        level: a.level,
    })
}

pub fn sweep(a: SweepArgs) -> Result<()> {
    let loaded = scenarios::load(a.batch.input.scenario.as_deref(), &a.batch.input.sets)?;
    let cfg = config(&a.batch.input, &loaded.model);
    let job = job(&a)?;
    let mut request = job.request(&loaded, &cfg);
    request.precision = a.target_precision.map(|target| sweep::PointPrecision {
        measure: a.precision_measure.clone(),
        target,
        max_replications: a.max_reps,
    });
    let plan = sweep::Plan::new(&request).map_err(request_problems)?;
    super::run::check_size(
        plan.largest_model(),
        plan.replications(),
        plan.batches(),
        cfg.threads,
    )?;
    if let Some(part) = a.shard {
        return super::shard::sweep_shard(&a.batch, &loaded, &plan, job, &cfg, part);
    }
    let out = outputs(&a.batch, folder(&loaded), SetKind::Sweep)?;
    let bar = super::run::progress(&a.batch, cfg.replications, "");
    let pool = ifss_sim::batch::Pool::new(cfg.threads)?;
    let result = sweep::run(&plan, &pool, &mut Watching { bar: &bar });
    bar.finish_and_clear();
    let s = experiment_result(result)?;
    finish(&a.batch, &loaded, &cfg, out, &s, job.preset, job.level)
}

/// Where a sweep of `loaded` writes unless told.
pub(super) fn folder(loaded: &Loaded) -> std::path::PathBuf {
    super::run::default_folder(loaded).join("sweep")
}

/// Write and print a finished sweep: the table, the pictures, the page and the JSON.
pub(super) fn finish(
    args: &BatchArgs,
    loaded: &Loaded,
    cfg: &BatchConfig,
    out: Option<super::output::Outputs>,
    s: &sweep::Sweep,
    preset: Option<Preset>,
    level: f64,
) -> Result<()> {
    let capacity = match preset {
        Some(Preset::Capacity) => capacity(s, &loaded.model, level),
        _ => Vec::new(),
    };
    let capacity_text = capacity_words(&capacity);
    let json = serde_json::to_string_pretty(&SweepJson {
        schema: ifss_sim::report::SCHEMA,
        version: env!("CARGO_PKG_VERSION"),
        scenario: loaded.model.name(),
        sweep: s,
        capacity,
    })?;
    let written = match out {
        Some(out) => {
            let origin = Origin {
                loaded,
                model: &loaded.model,
                cfg,
                replications: cfg.replications,
                policies: &s.policies,
            };
            let pictures = pictures(s, preset, level);
            let mut files = vec![
                ("sweep.csv".to_string(), csv(s)?),
                ("sweep.json".to_string(), json.clone().into_bytes()),
                (
                    "sweep.html".to_string(),
                    page(loaded.model.title(), s, &pictures, &capacity_text).into_bytes(),
                ),
            ];
            files.extend(
                pictures
                    .into_iter()
                    .map(|(name, _, svg)| (name, svg.into_bytes())),
            );
            out.write_set(&origin, files)?
        }
        None => Vec::new(),
    };
    if args.json {
        outln!("{json}")?;
    } else {
        out!("{}", text(loaded.model.title(), s))?;
        if !capacity_text.is_empty() {
            out!("\n{capacity_text}\n")?;
        }
        say_written(&written);
    }
    Ok(())
}

/// Where each policy stops seeing `level` of accepted families within the target.
fn capacity(s: &sweep::Sweep, model: &ifss_sim::model::Model, level: f64) -> Vec<CapacityJson> {
    let per_scale = model.first_referrals_per_unit_scale();
    (0..s.policies.len())
        .map(|k| {
            let c = sweep::crossing(s, k, names::WAIT_KM_WITHIN_TARGET, level);
            CapacityJson {
                policy: s.policies[k].clone(),
                measure: names::WAIT_KM_WITHIN_TARGET,
                level,
                crossing: c,
                referrals_per_year: c.map(|c| c.at * per_scale),
                referrals_per_year_range: c
                    .map_or([None, None], |c| c.range.map(|r| r.map(|x| x * per_scale))),
            }
        })
        .collect()
}

/// The capacity answer in words (empty without the preset).
fn capacity_words(rows: &[CapacityJson]) -> String {
    let mut out = String::new();
    for r in rows {
        let (policy, level) = (&r.policy, 100.0 * r.level);
        let _ = match r.referrals_per_year {
            Some(x) => {
                let bound =
                    |v: Option<f64>, none: &str| v.map_or(none.to_string(), |x| format!("{x:.0}"));
                writeln!(
                    out,
                    "Capacity under {policy}: {level:.0}% of accepted families are seen within \
                     the target up to about {x:.0} first referrals a year (95% range {} to {}).",
                    bound(r.referrals_per_year_range[0], "below the sweep"),
                    bound(r.referrals_per_year_range[1], "beyond the sweep")
                )
            }
            None => writeln!(
                out,
                "Capacity under {policy}: the share of accepted families seen within the target \
                 is never at or above {level:.0}% and then below it inside the sweep (at 0.2 to \
                 1.4 times the scenario's referrals), so the crossing is outside it."
            ),
        };
    }
    out
}

/// A number for a table: shares as percentages, others to a sensible precision.
fn num(x: Option<f64>, share: bool) -> String {
    match x {
        None => "n/a".into(),
        Some(x) if !x.is_finite() => "n/a".into(),
        Some(x) if share => format!("{:.1}%", 100.0 * x),
        Some(x) if x.abs() >= 100.0 => format!("{x:.0}"),
        Some(x) => format!("{x:.2}"),
    }
}

fn is_share(measure: &str) -> bool {
    measure.starts_with(names::WAIT_WITHIN_TARGET)
        || measure.starts_with(names::UTILISATION)
        || measure.starts_with(names::OVER_BUDGET_ANY)
        || measure.starts_with(names::DIRECT_CONTACT_RATIO)
        || measure.starts_with(names::PHASE1_PLACES_IN_USE)
}

/// The sweep as text: per policy, a row per point with each measure's mean and half-width.
fn text(title: &str, s: &sweep::Sweep) -> String {
    let mut out = String::new();
    let inputs: Vec<&str> = s.axes.iter().map(|a| a.path.as_str()).collect();
    let _ = writeln!(
        out,
        "Sweep of {title}\n{} over {} points, {}{} replications each on seed {} (the same random \
         numbers at every point)\nEach cell: mean ± 95% CI half-width.\n",
        inputs.join(" and "),
        s.points(),
        if s.precision.is_some() {
            "at least "
        } else {
            ""
        },
        s.replications,
        s.seed
    );
    if let Some(p) = &s.precision {
        let short: Vec<String> = s
            .cells
            .iter()
            .filter(|c| c.precise == Some(false))
            .map(|c| format!("{} · {}", c.values.join(", "), c.policy))
            .collect();
        let _ = writeln!(
            out,
            "Each point ran until {} was within ±{}% of its mean (95% CI), from {} up to {} \
             replications; the reps column says how many. {}\n",
            p.measure,
            (100.0 * p.target * 1e6).round() / 1e6,
            s.replications,
            p.max_replications,
            match short.len() {
                0 => "Every point met the target.".to_string(),
                n => format!(
                    "{n} did not within the limit (raise --max-reps): {}.",
                    short.join("; ")
                ),
            }
        );
    }
    for (k, policy) in s.policies.iter().enumerate() {
        let _ = writeln!(out, "{policy}");
        let mut rows = vec![{
            let mut h: Vec<String> = s.axes.iter().map(|a| a.path.clone()).collect();
            if s.precision.is_some() {
                h.push("reps".into());
            }
            h.extend(s.measures.iter().cloned());
            h
        }];
        for p in 0..s.points() {
            let c = s.cell(p, k);
            let mut row = c.values.clone();
            if s.precision.is_some() {
                row.push(c.replications.to_string());
            }
            for st in &c.stats {
                let share = is_share(&st.measure);
                let half = st.ci95.map(|[lo, hi]| (hi - lo) / 2.0);
                row.push(match half {
                    Some(h) => format!("{} ±{}", num(st.mean, share), num(Some(h), share)),
                    None => num(st.mean, share),
                });
            }
            rows.push(row);
        }
        out.push_str(&align(&rows));
        out.push('\n');
    }
    out
}

/// Columns padded to their widest cell, the first left-aligned.
pub(super) fn align(rows: &[Vec<String>]) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let width: Vec<usize> = (0..cols)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|t| t.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for r in rows {
        let cells: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(c, t)| format!("{t:>w$}", w = width[c]))
            .collect();
        out.push_str("  ");
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

/// `sweep.csv`: one row per point, policy and measure (tidy, long).
fn csv(s: &sweep::Sweep) -> Result<Vec<u8>> {
    use ifss_sim::report::csv::text_cell;
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = s.axes.iter().map(|a| a.path.clone()).collect();
    header.extend(
        [
            "policy",
            "replications",
            "measure",
            "mean",
            "ci95_low",
            "ci95_high",
            "p5",
            "p95",
            "diff_vs_reference_point",
            "diff_vs_reference_point_low",
            "diff_vs_reference_point_high",
            "diff_vs_first_policy",
            "diff_vs_first_policy_low",
            "diff_vs_first_policy_high",
        ]
        .map(String::from),
    );
    w.write_record(header.iter().map(|h| text_cell(h)))?;
    let f = |x: Option<f64>| {
        x.filter(|x| x.is_finite())
            .map_or(String::new(), |x| format!("{x}"))
    };
    for c in &s.cells {
        for st in &c.stats {
            let mut row: Vec<String> = c.values.iter().map(|v| text_cell(v)).collect();
            let d = |p: &Option<sweep::Paired>| {
                p.as_ref()
                    .map_or([String::new(), String::new(), String::new()], |p| {
                        [
                            f(Some(p.mean)),
                            f(p.ci95.map(|c| c[0])),
                            f(p.ci95.map(|c| c[1])),
                        ]
                    })
            };
            row.push(text_cell(&c.policy));
            row.push(c.replications.to_string());
            row.push(text_cell(&st.measure));
            row.extend([
                f(st.mean),
                f(st.ci95.map(|c| c[0])),
                f(st.ci95.map(|c| c[1])),
                f(st.p5),
                f(st.p95),
            ]);
            row.extend(d(&st.vs_reference));
            row.extend(d(&st.vs_first_policy));
            w.write_record(&row)?;
        }
    }
    w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))
}

/// A picture: its file name, its caption and the SVG.
type Picture = (String, String, String);

/// What a picture shows of a measure at a point: a mean and its 95% interval.
type Pick<'a> = &'a dyn Fn(&sweep::Stat) -> Option<(f64, [f64; 2])>;

/// A file name for a measure's picture.
fn file_name(prefix: &str, measure: &str) -> String {
    let slug: String = measure
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("{prefix}{slug}.svg")
}

/// The pictures: for one input, a line per policy with its band for each measure (and the
/// difference between policies when there are two or more); for two, a heat map of each
/// measure under each policy. `(file name, caption, svg)`.
fn pictures(s: &sweep::Sweep, preset: Option<Preset>, level: f64) -> Vec<Picture> {
    let mut out = Vec::new();
    match s.axes.as_slice() {
        [x] => {
            let xs = x.numbers();
            if xs.iter().any(Option::is_none) {
                return out;
            }
            for (j, measure) in s.measures.iter().enumerate() {
                let share = is_share(measure);
                let line = |k: usize, pick: Pick<'_>| SweepLine {
                    label: s.policies[k].clone(),
                    points: (0..s.points())
                        .map(|p| {
                            let x = xs[p].unwrap_or(f64::NAN);
                            match pick(&s.cell(p, k).stats[j]) {
                                Some((m, [lo, hi])) => (x, m, lo, hi),
                                None => (x, f64::NAN, f64::NAN, f64::NAN),
                            }
                        })
                        .collect(),
                };
                let target = (preset == Some(Preset::Capacity)
                    && measure == names::WAIT_KM_WITHIN_TARGET)
                    .then(|| {
                        (
                            level,
                            format!("{:.0}% seen within the target", 100.0 * level),
                        )
                    });
                let chart = SweepLines {
                    title: format!("How {measure} changes with {}", x.path),
                    x_label: x.path.clone(),
                    y_label: measure.clone(),
                    percent: share,
                    target,
                    lines: (0..s.policies.len())
                        .map(|k| line(k, &|st| Some((st.mean?, st.ci95?))))
                        .collect(),
                };
                out.push((
                    file_name("", measure),
                    format!("{measure}: mean with its 95% interval at each point"),
                    sweep_lines(&chart),
                ));
                if s.policies.len() > 1 {
                    let chart = SweepLines {
                        title: format!(
                            "What each policy changes against {} in {measure}, by {}",
                            s.policies[0], x.path
                        ),
                        x_label: x.path.clone(),
                        y_label: format!("paired difference in {measure}"),
                        percent: share,
                        target: Some((0.0, "no difference".into())),
                        lines: (1..s.policies.len())
                            .map(|k| {
                                line(k, &|st| {
                                    let d = st.vs_first_policy?;
                                    Some((d.mean, d.ci95?))
                                })
                            })
                            .collect(),
                    };
                    out.push((
                        file_name("difference-", measure),
                        format!(
                            "{measure}: paired difference against {} with its 95% interval",
                            s.policies[0]
                        ),
                        sweep_lines(&chart),
                    ));
                }
            }
        }
        [x, y] => {
            for (j, measure) in s.measures.iter().enumerate() {
                for (k, policy) in s.policies.iter().enumerate() {
                    let cells = (0..y.values.len())
                        .map(|r| {
                            (0..x.values.len())
                                .map(|c| {
                                    s.cell(r * x.values.len() + c, k).stats[j]
                                        .mean
                                        .unwrap_or(f64::NAN)
                                })
                                .collect()
                        })
                        .collect();
                    let chart = SweepHeat {
                        title: format!("{measure} under {policy}, by {} and {}", x.path, y.path),
                        x_values: x.values.clone(),
                        x_label: x.path.clone(),
                        y_values: y.values.clone(),
                        y_label: y.path.clone(),
                        cells,
                        percent: is_share(measure),
                        scale_label: format!("{measure}: pale = low, dark = high"),
                        diverging: false,
                    };
                    out.push((
                        file_name(&format!("{policy}-"), measure),
                        format!("{measure} under {policy}: mean at each point"),
                        sweep_heat(&chart),
                    ));
                }
            }
        }
        _ => {}
    }
    out
}

/// `sweep.html`: the question, the capacity answer if any, the pictures and the table.
fn page(
    title: &str,
    s: &sweep::Sweep,
    pictures: &[(String, String, String)],
    capacity: &str,
) -> String {
    let inputs: Vec<String> = s
        .axes
        .iter()
        .map(|a| {
            format!(
                "<code>{}</code> ({})",
                escape(&a.path),
                escape(&a.values.join(", "))
            )
        })
        .collect();
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Sweep: {t}</title><style>body{{font-family:system-ui,sans-serif;max-width:860px;\
         margin:2em auto;padding:0 1em;color:#1b1b1b;line-height:1.45}}figure{{margin:1.5em 0}}\
         figure svg{{width:100%;height:auto}}figcaption{{color:#555;font-size:.9em}}\
         table{{border-collapse:collapse;font-size:.85em}}td,th{{border-bottom:1px solid #ddd;\
         padding:.2em .5em;text-align:right}}th:first-child,td:first-child{{text-align:left}}\
         </style></head><body>\n<h1>What the answer depends on: {t}</h1>\n\
         <p>Each point below is a batch of {n} replications on seed {seed}; every point and \
         policy sees the same families, so the change from one point to the next is the \
         input's, not chance. Varied: {inputs}. Policies: {policies}.</p>\n",
        t = escape(title),
        n = s.replications,
        seed = s.seed,
        inputs = inputs.join("; "),
        policies = escape(&s.policies.join(", ")),
    );
    if !capacity.is_empty() {
        let _ = writeln!(h, "<h2>Capacity</h2>");
        for line in capacity.lines() {
            let _ = writeln!(h, "<p>{}</p>", escape(line));
        }
    }
    for (_, caption, svg) in pictures {
        let _ = writeln!(
            h,
            "<figure>{svg}<figcaption>{}</figcaption></figure>",
            escape(caption)
        );
    }
    let _ = writeln!(h, "<h2>The numbers</h2><table><tr>");
    for a in &s.axes {
        let _ = write!(h, "<th>{}</th>", escape(&a.path));
    }
    let _ = write!(h, "<th>policy</th>");
    for m in &s.measures {
        let _ = write!(h, "<th>{}</th>", escape(m));
    }
    let _ = writeln!(h, "</tr>");
    for c in &s.cells {
        let _ = write!(h, "<tr>");
        for v in &c.values {
            let _ = write!(h, "<td>{}</td>", escape(v));
        }
        let _ = write!(h, "<td>{}</td>", escape(&c.policy));
        for st in &c.stats {
            let _ = write!(h, "<td>{}</td>", num(st.mean, is_share(&st.measure)));
        }
        let _ = writeln!(h, "</tr>");
    }
    let _ = writeln!(
        h,
        "</table>\n<p>sweep.csv has every figure with its interval, spread and paired \
         differences.</p></body></html>"
    );
    h
}
