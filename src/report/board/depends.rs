//! What the answer depends on: the sensitivity tornado and the team's capacity, when the
//! report was asked for them.

use super::BoardInput;
use crate::experiment::{sensitivity, sweep};
use crate::measures::names;
use crate::report::html::{Figure, Section};
use crate::report::plots::{DiffRow, ForestChart, SweepLine, SweepLines, diff_forest, sweep_lines};

/// The analyses behind the section.
#[derive(Debug, Clone, Copy)]
pub struct Depends<'a> {
    /// Each assumed input at both ends of its range.
    pub sensitivity: Option<&'a sensitivity::Sensitivity>,
    /// The capacity sweep of `simulation.referral_scale`, with the level of the share of
    /// accepted families seen within the target that counts as meeting it.
    pub capacity: Option<(&'a sweep::Sweep, f64)>,
    /// The sharing threshold swept (`policy.share_after_days`) under the two policies.
    pub sharing: Option<&'a sweep::Sweep>,
    /// First referrals a year at a referral scale of 1.
    pub referrals_per_scale: f64,
    /// Seconds the analyses took.
    pub seconds: f64,
}

/// A tornado for decision measure `k` of [`sensitivity::DECISIONS`]: each input's answers
/// at its two ends around the answer as it is, largest swing first.
pub fn tornado(s: &sensitivity::Sensitivity, k: usize) -> String {
    let (_, what) = sensitivity::DECISIONS[k];
    let [p, q] = &s.policies;
    let what = what.replace("second policy − first", &format!("{q} − {p}"));
    let scale = if k == 1 || k == 2 { 100.0 } else { 1.0 };
    let unit = match k {
        0 => "days",
        1 => "percentage points",
        2 => "% of replications",
        _ => "families",
    };
    let rows = s
        .ranked(k)
        .into_iter()
        .filter_map(|sw| {
            let (lo, hi) = (sw.low.get(k)?, sw.high.get(k)?);
            Some(DiffRow {
                label: super::words::field_short(&sw.path),
                mean: s.base.get(k)? * scale,
                ci: [lo * scale, hi * scale],
                unit: unit.to_string(),
            })
        })
        .collect();
    diff_forest(&ForestChart {
        title: format!("What moves {what}: each input across its plausible range"),
        note: "right: the answer at the low end of the range … at the high end".into(),
        rows,
        tornado: true,
    })
}

/// The capacity picture: the share of accepted families seen within the target against
/// first referrals a year, a line per policy, with the level.
pub fn capacity_picture(s: &sweep::Sweep, level: f64, per_scale: f64) -> String {
    let j = s.measure_index(names::WAIT_KM_WITHIN_TARGET);
    let xs = s.axes.first().map(sweep::Axis::numbers).unwrap_or_default();
    let lines = (0..s.policies.len())
        .map(|k| SweepLine {
            label: s.policies[k].clone(),
            points: (0..s.points())
                .map(|p| {
                    let x = xs.get(p).copied().flatten().unwrap_or(f64::NAN) * per_scale;
                    match j.map(|j| &s.cell(p, k).stats[j]) {
                        Some(sweep::Stat {
                            mean: Some(m),
                            ci95: Some([lo, hi]),
                            ..
                        }) => (x, *m, *lo, *hi),
                        _ => (x, f64::NAN, f64::NAN, f64::NAN),
                    }
                })
                .collect(),
        })
        .collect();
    sweep_lines(&SweepLines {
        title: "How many referrals can the team take and still see families in time?".into(),
        x_label: "first referrals a year, all three authorities".into(),
        y_label: "share of accepted families seen within the target".into(),
        percent: true,
        target: Some((level, format!("{:.0}% seen in time", 100.0 * level))),
        lines,
    })
}

/// The sharing threshold priced: the paired difference in mean wait between the second
/// policy and the first at each threshold, with its band.
pub fn sharing_picture(s: &sweep::Sweep) -> String {
    let j = s.measure_index(names::WAIT);
    let xs = s.axes.first().map(sweep::Axis::numbers).unwrap_or_default();
    let lines = (1..s.policies.len())
        .map(|k| SweepLine {
            label: format!("{} − {}", s.policies[k], s.policies[0]),
            points: (0..s.points())
                .map(|p| {
                    let x = xs.get(p).copied().flatten().unwrap_or(f64::NAN);
                    match j.and_then(|j| s.cell(p, k).stats[j].vs_first_policy) {
                        Some(sweep::Paired {
                            mean,
                            ci95: Some([lo, hi]),
                        }) => (x, mean, lo, hi),
                        _ => (x, f64::NAN, f64::NAN, f64::NAN),
                    }
                })
                .collect(),
        })
        .collect();
    sweep_lines(&SweepLines {
        title: "What does sharing gain, by how long a family waits before it is shared?".into(),
        x_label: "days a family waits before another base may take it".into(),
        y_label: "difference in mean wait (days)".into(),
        percent: false,
        target: Some((0.0, "no difference".into())),
        lines,
    })
}

/// Travel hours and the difference in mean wait at threshold point `p` under policy `k`.
fn sharing_at(s: &sweep::Sweep, p: usize, k: usize) -> Option<(f64, f64, [f64; 2], f64)> {
    let x = s.axes.first()?.numbers().get(p).copied().flatten()?;
    let w = s.cell(p, k).stats[s.measure_index(names::WAIT)?].vs_first_policy?;
    let t = s.cell(p, k).stats[s.measure_index(names::TRAVEL_HOURS)?].vs_first_policy?;
    Some((x, w.mean, w.ci95?, t.mean))
}

pub(super) fn depends_section(input: &BoardInput<'_>, d: &Depends<'_>) -> Section {
    let mut paragraphs = vec![format!(
        "The answers above rest on inputs that are assumptions. This section varies them, on \
         the same families as above, so that a change is the input's and not chance ({:.0} \
         seconds of simulation).",
        d.seconds
    )];
    let mut figures = Vec::new();
    if let Some((s, level)) = d.capacity {
        let assumed = input.model.first_referrals_per_year();
        let mut said = Vec::new();
        for k in 0..s.policies.len() {
            match sweep::crossing(s, k, names::WAIT_KM_WITHIN_TARGET, level) {
                Some(c) => said.push(format!(
                    "under {} up to about {:.0} first referrals a year{}",
                    s.policies[k],
                    c.at * d.referrals_per_scale,
                    match c.range {
                        [Some(lo), Some(hi)] => format!(
                            " (between {:.0} and {:.0} allowing for chance)",
                            lo * d.referrals_per_scale,
                            hi * d.referrals_per_scale
                        ),
                        _ => String::new(),
                    }
                )),
                None => said.push(format!(
                    "under {}: not within the rates tried",
                    s.policies[k]
                )),
            }
        }
        paragraphs.push(format!(
            "Capacity. The team sees {:.0}% of accepted families within the wait target {}; \
             the scenario assumes about {:.0} a year, a figure neither source gives.",
            100.0 * level,
            crate::report::and_list(&said.iter().map(String::as_str).collect::<Vec<_>>()),
            assumed
        ));
        figures.push(Figure {
            caption: "Each point is the team with every authority's referrals scaled, on the \
                      same families; the band is the 95% interval. Where a line crosses the \
                      dashed level is the team's capacity under that policy."
                .into(),
            svg: capacity_picture(s, level, d.referrals_per_scale),
        });
    }
    if let Some(s) = d.sharing.filter(|s| s.policies.len() > 1 && s.points() > 1) {
        let last = s.points() - 1;
        if let (Some(first), Some(end)) = (sharing_at(s, 0, 1), sharing_at(s, last, 1)) {
            let say = |(x, w, [lo, hi], t): (f64, f64, [f64; 2], f64)| {
                format!(
                    "after {x:.0} days, {w:+.1} days (95% CI {lo:+.1} to {hi:+.1}) for {t:.0} \
                     more hours of travel over the contract"
                )
            };
            paragraphs.push(format!(
                "The sharing threshold. The board decides how long a family waits before a \
                 worker at another base may take it. Against {}, {} changes the mean wait by: \
                 sharing {}; sharing {}.",
                s.policies[0],
                s.policies[1],
                say(first),
                say(end)
            ));
            figures.push(Figure {
                caption: "Each point is the paired difference in mean wait at that threshold, \
                          on the same families; below zero, sharing shortens the wait. The \
                          band is the 95% interval."
                    .into(),
                svg: sharing_picture(s),
            });
        }
    }
    if let Some(s) = d.sensitivity {
        let top = |k: usize| s.ranked(k).first().map(|w| (w.path.clone(), w.size(k)));
        if let Some((path, Some(size))) = top(0) {
            paragraphs.push(format!(
                "What the gain from sharing depends on. Across the plausible range of each \
                 assumed input, one at a time, the difference in mean wait between {} and {} \
                 moves most with the {} (`{path}`; by {size:.1} days from one end of its \
                 range to the other). {}",
                s.policies[1],
                s.policies[0],
                super::words::field_words(&path),
                match s.flips().as_slice() {
                    [] => "Which policy gives the shorter wait does not change at either end \
                           of any range."
                        .to_string(),
                    f => format!(
                        "Which policy gives the shorter wait changes with {}.",
                        crate::report::and_list(
                            &f.iter()
                                .map(|(p, _)| super::words::field_words(p))
                                .collect::<Vec<_>>()
                                .iter()
                                .map(String::as_str)
                                .collect::<Vec<_>>()
                        )
                    ),
                }
            ));
        }
        for k in [0, 3] {
            figures.push(Figure {
                caption: "Each bar runs from the answer with one input at the low end of its \
                          plausible range to the answer at the high end, all else as the \
                          scenario has it; the longest bar is what the answer depends on most."
                    .into(),
                svg: tornado(s, k),
            });
        }
    }
    Section {
        heading: "What the answer depends on".into(),
        paragraphs,
        figures,
        tables: Vec::new(),
    }
}
