//! One what-if answered against the scenario's baseline on common random numbers, in
//! rounds of replications, each round's paired figures sent as it finishes.

use ifss_sim::batch::{self, Batch, Flow, Plan, Pool, Sink};
use ifss_sim::measures::names;
use ifss_sim::model::Model;
use ifss_sim::report::compare::Comparison;
use serde::Serialize;

/// The replications after each round: a first answer fast, then doubling to the total.
pub fn rounds(total: u64) -> Vec<u64> {
    let mut out = Vec::new();
    let mut n = 20.min(total);
    while n < total {
        out.push(n);
        n *= 2;
    }
    out.push(total);
    out
}

/// Replications between two checks that the answer is still wanted.
const CHUNK: u64 = 32;

/// A sink that stops the batch once the answer is no longer wanted.
struct Cancel<'a>(&'a (dyn Fn() -> bool + Sync), bool);

impl Sink for Cancel<'_> {
    fn chunk(&mut self, _: &Batch) -> Flow {
        self.1 |= (self.0)();
        match self.1 {
            true => Flow::Stop,
            false => Flow::Continue,
        }
    }
}

/// The two arms so far.
pub struct Arms {
    pub base: Batch,
    pub what_if: Batch,
}

/// Run the round that brings both arms to `to` replications; `None` when cancelled.
pub fn grow(
    base: &Model,
    what_if: &Model,
    seed: u64,
    arms: Option<Arms>,
    to: u64,
    pool: &Pool,
    stop: &(dyn Fn() -> bool + Sync),
) -> anyhow::Result<Option<Arms>> {
    let mut cancel = Cancel(stop, false);
    let plan = |first: u64| Plan {
        seed,
        first,
        replications: to - first,
        chunk: CHUNK,
        bands: false,
    };
    let arms = match arms {
        None => Arms {
            base: batch::run_with(base, &plan(0), pool, &mut cancel)?,
            what_if: batch::run_with(what_if, &plan(0), pool, &mut cancel)?,
        },
        Some(mut a) => {
            let from = a.base.len() as u64;
            batch::extend_with(base, &plan(from), pool, &mut a.base, &mut cancel)?;
            batch::extend_with(what_if, &plan(from), pool, &mut a.what_if, &mut cancel)?;
            a
        }
    };
    Ok(match cancel.1 {
        true => None,
        false => Some(arms),
    })
}

/// One figure of the answer: the baseline's, the what-if's and their paired difference.
#[derive(Debug, Serialize)]
pub struct Card {
    pub key: &'static str,
    pub label: String,
    pub base: Option<f64>,
    pub what_if: Option<f64>,
    pub diff: Option<f64>,
    pub ci95: Option<[f64; 2]>,
    pub distinguishable: bool,
    /// "days", "share", "families", "pounds".
    pub unit: &'static str,
    /// The difference in plain words, with its uncertainty.
    pub words: String,
}

/// The answer after a round.
#[derive(Debug, Serialize)]
pub struct Answer {
    pub replications: u64,
    pub total: u64,
    pub done: bool,
    pub seed: u64,
    pub cards: Vec<Card>,
    pub areas: Vec<Card>,
    /// The report's own pictures, on the last round.
    pub pictures: Vec<Picture>,
}

#[derive(Debug, Serialize)]
pub struct Picture {
    pub caption: String,
    pub svg: String,
}

fn group(x: f64) -> String {
    let s = format!("{:.0}", x.abs());
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if x < 0.0 { format!("−{out}") } else { out }
}

/// The difference in words: "2.1 days shorter (95% CI 1.4 to 2.8 days): a real difference".
fn words(
    diff: Option<f64>,
    ci: Option<[f64; 2]>,
    sure: bool,
    unit: &str,
    up: &str,
    down: &str,
) -> String {
    let n = |x: f64| match unit {
        "share" => format!("{:.1}", 100.0 * x),
        "pounds" => format!("£{}", group(x.round())),
        _ => format!("{x:.1}"),
    };
    let u = match unit {
        "days" => " days",
        "share" => " percentage points",
        _ => "",
    };
    let (Some(d), Some([lo, hi])) = (diff, ci) else {
        return match diff {
            None => "not measured".into(),
            Some(0.0) => "no change".into(),
            Some(d) => format!("{}{u} {}", n(d.abs()), if d > 0.0 { up } else { down }),
        };
    };
    if d == 0.0 && lo == 0.0 && hi == 0.0 {
        return "no change: the same as the baseline".into();
    }
    let (size, word, lo, hi) = if d < 0.0 {
        (-d, down, -hi, -lo)
    } else {
        (d, up, lo, hi)
    };
    format!(
        "{}{u} {word} (95% CI {} to {}{u}): {}",
        n(size),
        n(lo),
        n(hi),
        if sure {
            "a real difference"
        } else {
            "could be chance, not distinguishable from no change"
        }
    )
}

fn card(
    c: &Comparison,
    key: &'static str,
    name: &str,
    label: String,
    unit: &'static str,
    up: &str,
    down: &str,
) -> Card {
    let mean = |arm: &str| {
        c.policies
            .get(arm)
            .and_then(|s| s.kpis.get(name))
            .and_then(|k| k.mean)
    };
    let d = c.diff.get("what-if").and_then(|d| d.get(name));
    let (diff, ci95, sure) = d.map_or((None, None, false), |d| (d.mean, d.ci95, d.distinguishable));
    Card {
        key,
        label,
        base: mean("baseline"),
        what_if: mean("what-if"),
        diff,
        ci95,
        distinguishable: sure,
        unit,
        words: words(diff, ci95, sure, unit, up, down),
    }
}

/// The answer for the arms so far.
pub fn answer(
    base: &Model,
    what_if: &Model,
    arms: &Arms,
    seed: u64,
    total: u64,
    pictures: Vec<Picture>,
) -> Answer {
    let c = Comparison::labelled(
        &[
            ("baseline", base, &arms.base),
            ("what-if", what_if, &arms.what_if),
        ],
        seed,
    );
    let target = base.wait_target_days();
    let mut cards = vec![
        card(
            &c,
            "wait",
            names::WAIT,
            "Mean wait for a first meeting".into(),
            "days",
            "longer",
            "shorter",
        ),
        card(
            &c,
            "within",
            names::WAIT_WITHIN_TARGET,
            format!("Seen within the {target:.0}-day target"),
            "share",
            "more",
            "fewer",
        ),
        card(
            &c,
            "starts",
            names::PHASE1_STARTS,
            "Families starting Phase 1 over the contract".into(),
            "families",
            "more",
            "fewer",
        ),
    ];
    if base.costs().is_some() {
        cards.push(card(
            &c,
            "over",
            names::OVER_BUDGET_ANY,
            "Chance some year costs more than the budget".into(),
            "share",
            "more likely",
            "less likely",
        ));
        cards.push(card(
            &c,
            "cost",
            names::COST_TOTAL,
            "Cost over the contract".into(),
            "pounds",
            "more",
            "less",
        ));
    }
    let areas = base
        .authorities()
        .iter()
        .map(|a| {
            card(
                &c,
                "area",
                &names::of_area(names::WAIT, a.slug()),
                format!("Mean wait, {}", a.name()),
                "days",
                "longer",
                "shorter",
            )
        })
        .collect();
    Answer {
        replications: arms.base.len() as u64,
        total,
        done: arms.base.len() as u64 >= total,
        seed,
        cards,
        areas,
        pictures,
    }
}
