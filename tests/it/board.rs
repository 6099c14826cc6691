//! The board report's words and pictures, pinned on a fixed seed.
//!
//! The report is built as `compare` builds it: the Western Bay default under proportional
//! and demand-led allocation on the same seeds, with the risk register beside them. Its
//! HTML, with the run time, machine and version held fixed, must match
//! `snapshots/board.html` byte for byte, so a change to how the report is put together
//! cannot quietly change what the board reads. When the wording or the model is meant to
//! change, review the difference, then regenerate with
//! `IFSS_UPDATE_SNAPSHOTS=1 cargo test --test it board::` and say why in the commit.

use super::support::{model, text};
use ifss_sim::batch::{Batch, Pool};
use ifss_sim::experiment::{self, Quiet};
use ifss_sim::model::Model;
use ifss_sim::report::board::{BoardInput, board_report, figure_files};
use ifss_sim::report::compare::Comparison;
use ifss_sim::report::html::render;
use ifss_sim::report::summary::RunSummary;
use std::path::{Path, PathBuf};

/// The run time and machine the pinned report names, in place of the real ones.
const RUN_TIME: &str = "(run time held fixed for the snapshot)";
const MACHINE: &str = "(machine held fixed for the snapshot)";

fn snapshot(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/it/snapshots")
        .join(name)
}

/// Compare `now` with the snapshot `name`, or write it when `IFSS_UPDATE_SNAPSHOTS=1`.
/// A mismatch names the first line that differs.
fn check_snapshot(name: &str, now: &str) {
    let path = snapshot(name);
    if std::env::var("IFSS_UPDATE_SNAPSHOTS").is_ok_and(|v| v == "1") {
        std::fs::write(&path, now).expect("snapshot written");
        return;
    }
    let pinned = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (generate with IFSS_UPDATE_SNAPSHOTS=1)",
            path.display()
        )
    });
    if pinned == now {
        return;
    }
    let (mut was, mut is) = (pinned.lines(), now.lines());
    let mut line = 1;
    loop {
        match (was.next(), is.next()) {
            (Some(a), Some(b)) if a == b => line += 1,
            (None, None) => panic!("{name} differs from its snapshot only in line endings"),
            (a, b) => {
                let (a, b) = (a.unwrap_or("(end of file)"), b.unwrap_or("(end of file)"));
                // lines of a picture run long: show where they part
                let column = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
                let near = |s: &str| -> String {
                    let start = column.saturating_sub(40);
                    let part: String = s.chars().skip(start).take(120).collect();
                    if start > 0 {
                        format!("…{part}")
                    } else {
                        part
                    }
                };
                panic!(
                    "{name} differs from its snapshot at line {line}, column {}:\n  \
                     pinned: {}\n  now:    {}\n\
                     (if the change is meant, regenerate with IFSS_UPDATE_SNAPSHOTS=1)",
                    column + 1,
                    near(a),
                    near(b)
                )
            }
        }
    }
}

#[test]
fn board_report_is_pinned() {
    let base = model("western-bay");
    let pool = Pool::new(Some(2)).expect("pool");
    let plan = experiment::compare::Plan::new(&experiment::compare::Request {
        policies: vec!["proportional".into(), "demand-led".into()],
        variants: Vec::new(),
        seed: 2013,
        replications: 40,
    })
    .expect("plan");
    let arms = experiment::compare::run(&base, &plan, &pool, &mut Quiet).expect("batches");
    let runs: Vec<(&Model, &Batch)> = arms.iter().map(|a| (&a.model, &a.batch)).collect();
    let comparison = Comparison::new(&runs, plan.seed());
    let summaries: Vec<RunSummary> = comparison
        .policies
        .0
        .iter()
        .map(|(_, s)| s.clone())
        .collect();
    let runs_of = experiment::Runs {
        seed: 2013,
        replications: 40,
    };
    let risk_plan = experiment::risks::Plan::new(&base, &runs_of).expect("a risk register");
    let risks = experiment::risks::run(&base, &risk_plan, &pool, &mut Quiet).expect("risks");
    // the calibration the workload rests on, as the command line attaches it
    let pioneer = model("pioneer-2011");
    let pioneer_batch = experiment::batch_of(
        &pioneer,
        &ifss_sim::batch::Plan {
            seed: pioneer.default_seed(),
            first: 0,
            replications: 40,
            chunk: ifss_sim::batch::CHUNK,
            bands: true,
        },
        &pool,
        &mut Quiet,
        "calibration",
    )
    .expect("pioneer batch");
    let (calibration, _) = experiment::calibrate::assess(pioneer.targets(), &pioneer_batch);
    let report = board_report(&BoardInput {
        model: &base,
        scenario_text: text("western-bay"),
        runs: &runs,
        summaries: &summaries,
        comparison: Some(&comparison),
        risks: Some(&risks),
        validation: None,
        calibration: Some(("pioneer-2011", &calibration)),
        depends: None,
        recommendation: None,
        run_time: RUN_TIME,
        machine: MACHINE,
    });
    // the version moves with every release; what the report says does not
    let version = format!("ifss-sim {}", env!("CARGO_PKG_VERSION"));
    let html = render(&report).replace(&version, "ifss-sim (version)");
    assert!(html.contains(RUN_TIME) && html.contains(MACHINE));

    // every picture is inlined in the page, so the page pins the pictures' files too;
    // their names are pinned apart
    let figures = figure_files(&report);
    for (name, svg) in &figures {
        assert!(html.contains(svg.trim()), "{name} is not in the page");
    }
    let names: String = figures
        .iter()
        .map(|(name, _)| format!("{name}\n"))
        .collect();
    check_snapshot("board-figures.txt", &names);
    check_snapshot("board.html", &html);
}
