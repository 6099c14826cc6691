//! Experiments: validated plans, batches on common random numbers, and a watch that can
//! stop them.

use super::support::{model, with_policy};
use ifss_sim::batch::{self, Batch, Flow, Pool};
use ifss_sim::experiment::{self, ExperimentError, Quiet, Watch};
use ifss_sim::model::PolicyKind;

fn compare(policies: &[&str], replications: u64) -> experiment::compare::Plan {
    experiment::compare::Plan::new(&experiment::compare::Request {
        policies: policies.iter().map(|s| s.to_string()).collect(),
        seed: 41,
        replications,
    })
    .unwrap()
}

#[test]
fn a_comparison_gives_each_policy_the_batch_it_would_get_alone() {
    let m = model("western-bay");
    let pool = Pool::new(Some(2)).unwrap();
    let arms = experiment::compare::run(
        &m,
        &compare(&["pooled", "proportional"], 40),
        &pool,
        &mut Quiet,
    )
    .unwrap();
    assert_eq!(arms.len(), 2);
    for (arm, kind) in arms
        .iter()
        .zip([PolicyKind::Pooled, PolicyKind::Proportional])
    {
        assert_eq!(arm.model.policy().kind(), kind);
        let alone = batch::run_with(
            &with_policy(&m, kind),
            &batch::Plan {
                seed: 41,
                first: 0,
                replications: 40,
                chunk: batch::CHUNK,
            },
            &pool,
            &mut |_| {},
        )
        .unwrap();
        for name in ["wait_to_first_meeting_days", "referrals", "phase1_starts"] {
            assert_eq!(
                arm.batch.measure(name),
                alone.measure(name),
                "{kind} {name}"
            );
        }
    }
    assert_ne!(
        arms[0].batch.measure("wait_to_first_meeting_days").unwrap(),
        arms[1].batch.measure("wait_to_first_meeting_days").unwrap()
    );
}

/// Stops the experiment at the first chunk of the batch with this label.
struct StopAt {
    label: &'static str,
    seen: Vec<String>,
}

impl Watch for StopAt {
    fn started(&self, _: &str, replications: u64) {
        assert_eq!(replications, 30);
    }

    fn chunk(&mut self, label: &str, _: &Batch) -> Flow {
        self.seen.push(label.to_string());
        match label == self.label {
            true => Flow::Stop,
            false => Flow::Continue,
        }
    }
}

#[test]
fn a_watch_stops_an_experiment_and_says_where() {
    let m = model("western-bay");
    let pool = Pool::new(Some(2)).unwrap();
    let mut watch = StopAt {
        label: "demand-led",
        seen: Vec::new(),
    };
    let plan = compare(&["proportional", "demand-led", "pooled"], 30);
    let result = experiment::compare::run(&m, &plan, &pool, &mut watch);
    // one chunk covers a whole batch here, so the stop came after all its replications:
    // the experiment still ends there, without running the third policy
    assert_eq!(watch.seen, ["proportional", "demand-led"]);
    match result {
        Err(ExperimentError::Stopped { label, done, total }) => {
            assert_eq!((label.as_str(), done, total), ("demand-led", 30, 30))
        }
        Err(other) => panic!("{other}"),
        Ok(_) => panic!("the experiment ran on after the watch stopped it"),
    }
}

#[test]
fn requests_are_checked_before_any_work() {
    let no_costs = model("ifss-lite");
    let problems = experiment::costs::Plan::new(
        &no_costs,
        &experiment::costs::Request {
            seed: 1,
            replications: 0,
        },
    )
    .unwrap_err();
    let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(paths, ["costs", "replications"]);
}

#[test]
fn the_cost_projection_reads_the_batch_it_was_given() {
    let m = model("western-bay");
    let pool = Pool::new(Some(2)).unwrap();
    let plan = experiment::costs::Plan::new(
        &m,
        &experiment::costs::Request {
            seed: 3,
            replications: 20,
        },
    )
    .unwrap();
    let (b, p) = experiment::costs::run(&m, &plan, &pool, &mut Quiet).unwrap();
    assert_eq!(p.years.len(), 3);
    assert_eq!(p.contract_cost, b.measure("cost.total").unwrap());
    // the contract's cost is the sum of its years', replication by replication
    for (r, total) in p.contract_cost.iter().enumerate() {
        let sum: f64 = p.years.iter().map(|y| y.cost[r]).sum();
        assert!((sum - total).abs() < 1e-6 * total.abs(), "{sum} vs {total}");
    }
}
