//! Experiments: validated plans, batches on common random numbers, and a watch that can
//! stop them.

use super::support::{model, with_policy};
use ifss_sim::batch::{self, Batch, Flow, Pool};
use ifss_sim::experiment::{self, ExperimentError, Quiet, Watch};
use ifss_sim::model::PolicyKind;

fn compare(policies: &[&str], replications: u64) -> experiment::compare::Plan {
    experiment::compare::Plan::new(&experiment::compare::Request {
        policies: policies.iter().map(|s| s.to_string()).collect(),
        variants: Vec::new(),
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
                bands: true,
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

/// A comparison of the default with `variants` (label, `--set`-style overrides), each
/// under the scenario's own policy, on seed 41.
fn variants(specs: &[(&str, &[&str])], replications: u64) -> Vec<experiment::compare::Arm> {
    let base = model("western-bay");
    let plan = experiment::compare::Plan::new(&experiment::compare::Request {
        policies: Vec::new(),
        variants: specs.iter().map(|(l, _)| l.to_string()).collect(),
        seed: 41,
        replications,
    })
    .unwrap();
    let models: Vec<_> = specs
        .iter()
        .map(|(_, sets)| super::support::load_with("western-bay", sets).unwrap())
        .collect();
    let pool = Pool::new(Some(2)).unwrap();
    experiment::compare::run_variants(&base, &models, &plan, &pool, &mut Quiet).unwrap()
}

#[test]
fn a_scenario_compared_with_itself_differs_by_exactly_zero() {
    let arms = variants(&[("same", &[])], 30);
    assert_eq!(arms[0].label, "base");
    assert_eq!(arms[1].label, "same");
    let labelled: Vec<_> = arms
        .iter()
        .map(|a| (a.label.as_str(), &a.model, &a.batch))
        .collect();
    let c = ifss_sim::report::compare::Comparison::labelled(&labelled, 41);
    let diffs = c.diff.get("same").unwrap();
    assert!(diffs.0.len() > 100);
    let mut checked = 0;
    for (name, d) in &diffs.0 {
        if let Some(mean) = d.mean {
            assert_eq!(mean, 0.0, "{name}");
            assert_eq!(d.ci95, Some([0.0, 0.0]), "{name}");
            assert!(!d.distinguishable, "{name}");
            checked += 1;
        }
    }
    assert!(checked > 100, "{checked} measures compared");
}

#[test]
fn one_more_post_is_measured_far_more_precisely_paired_than_unpaired() {
    // one more intervention specialist in Neath Port Talbot (staff[5])
    let arms = variants(&[("npt+1", &["staff[5].count=3"])], 60);
    let wait = |a: &experiment::compare::Arm| {
        let i = a
            .batch
            .catalogue
            .index("wait_to_first_meeting_days")
            .unwrap();
        a.batch.column(i)
    };
    let (base, more) = (wait(&arms[0]), wait(&arms[1]));
    let paired = ifss_sim::stats::paired_difference(&base, &more).unwrap();
    let [lo, hi] = paired.ci95.unwrap();
    let [ulo, uhi] = ifss_sim::stats::welch_ci95(&more, &base).unwrap();
    // the same families and the same absences for every other post: the paired interval
    // is a fraction of the unpaired one's width
    assert!(
        (hi - lo) < 0.5 * (uhi - ulo),
        "paired [{lo:.2}, {hi:.2}] against unpaired [{ulo:.2}, {uhi:.2}]"
    );
    assert!(
        hi < 0.0,
        "one more post shortens the wait: [{lo:.2}, {hi:.2}]"
    );
}

#[test]
fn variant_labels_are_checked_with_the_policies() {
    let problems = experiment::compare::Plan::new(&experiment::compare::Request {
        policies: Vec::new(),
        variants: vec![
            "a".into(),
            "a".into(),
            "base".into(),
            "pooled".into(),
            " ".into(),
        ],
        seed: 1,
        replications: 10,
    })
    .unwrap_err();
    let text: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(text.len(), 4, "{text:?}");
    assert!(text[0].contains("\"a\" is used twice"), "{text:?}");
    assert!(text[1].contains("\"base\" is used twice"), "{text:?}");
    assert!(text[2].contains("a policy's name"), "{text:?}");
    assert!(text[3].contains("needs a label"), "{text:?}");
    // with two policies, every variant runs under each, labelled by both
    let plan = experiment::compare::Plan::new(&experiment::compare::Request {
        policies: vec!["proportional".into(), "pooled".into()],
        variants: vec!["npt+1".into()],
        seed: 1,
        replications: 10,
    })
    .unwrap();
    assert_eq!(plan.arms(), 4);
    assert_eq!(plan.label(1, Some(PolicyKind::Pooled)), "npt+1 · pooled");
}
