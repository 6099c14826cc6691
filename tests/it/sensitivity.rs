//! Sensitivity: each assumed input at both ends of its range, ranked by its swing.

use super::support::text;
use ifss_sim::batch::Pool;
use ifss_sim::experiment::{Quiet, Runs, sensitivity};

/// The Western Bay default with its own `[[sensitivity]]` list replaced by `entries`.
fn with_inputs(entries: &str) -> String {
    let t = text("western-bay");
    let from = t.find("# Inputs that are assumptions").expect("the list");
    let to = t.find("\n[costs]").expect("costs");
    format!("{}{}\n{entries}", &t[..from], &t[to..])
}

fn analyse(entries: &str, replications: u64) -> sensitivity::Sensitivity {
    let plan = sensitivity::Plan::new(&sensitivity::Request {
        text: with_inputs(entries),
        origin: "test.toml".into(),
        policies: vec!["proportional".into(), "demand-led".into()],
        runs: Runs {
            seed: 12,
            replications,
        },
    })
    .unwrap_or_else(|p| panic!("{p:?}"));
    sensitivity::run(&plan, &Pool::new(Some(2)).unwrap(), &mut Quiet).unwrap()
}

#[test]
fn inputs_of_known_effect_are_ranked_in_order() {
    // On Phase 1 completions: the level of referrals moves them most; the unplanned-exit
    // chance moves them by at most the starts times its range (about 245 × 0.04 ≈ 10),
    // less as earlier exits free room for more starts; the onward-referral chance only
    // marks families after they close, so it moves nothing at all.
    let s = analyse(
        r#"
[[sensitivity]]
path = "pathway.onward_referral"
range = [0, 0.6]

[[sensitivity]]
path = "pathway.phase1.unplanned_exit"
range = [0.30, 0.34]

[[sensitivity]]
path = "simulation.referral_scale"
range = [0.7, 1.3]
"#,
        40,
    );
    let k = 3; // Phase 1 completions
    let order: Vec<&str> = s.ranked(k).iter().map(|w| w.path.as_str()).collect();
    assert_eq!(
        order,
        [
            "simulation.referral_scale",
            "pathway.phase1.unplanned_exit",
            "pathway.onward_referral"
        ]
    );
    let swing = |path: &str| {
        s.swings
            .iter()
            .find(|w| w.path == path)
            .unwrap()
            .size(k)
            .unwrap()
    };
    assert_eq!(swing("pathway.onward_referral"), 0.0);
    let exit = swing("pathway.phase1.unplanned_exit");
    assert!(exit > 1.0 && exit < 10.5, "{exit} completions");
    // more exits, fewer completions
    let w = s
        .swings
        .iter()
        .find(|w| w.path.ends_with("unplanned_exit"))
        .unwrap();
    assert!(w.high.phase1_completions < w.low.phase1_completions);
}

#[test]
fn a_range_that_makes_an_invalid_scenario_is_refused_naming_the_input() {
    let problems = sensitivity::Plan::new(&sensitivity::Request {
        text: with_inputs("[[sensitivity]]\npath = \"pathway.advice_only\"\nrange = [0.1, 1.5]\n"),
        origin: "test.toml".into(),
        policies: vec!["proportional".into(), "demand-led".into()],
        runs: Runs {
            seed: 1,
            replications: 5,
        },
    })
    .unwrap_err();
    let text = problems[0].to_string();
    assert!(text.starts_with("sensitivity[0]"), "{text}");
    assert!(text.contains("pathway.advice_only"), "{text}");
    // and a list that is not there at all is named
    let none = sensitivity::Plan::new(&sensitivity::Request {
        text: with_inputs(""),
        origin: "test.toml".into(),
        policies: vec!["proportional".into(), "demand-led".into()],
        runs: Runs {
            seed: 1,
            replications: 5,
        },
    })
    .unwrap_err();
    assert!(none[0].to_string().contains("no [[sensitivity]] inputs"));
}

#[test]
fn bad_sensitivity_entries_are_refused_with_their_place() {
    let t = with_inputs("[[sensitivity]]\npath = \"x.y\"\nrange = [3, 1]\n");
    let e = ifss_sim::scenario::load(&t, "test.toml").unwrap_err();
    let hit = e
        .problems
        .iter()
        .find(|p| p.path == "sensitivity[0].range")
        .unwrap_or_else(|| panic!("{e}"));
    assert!(hit.message.contains("LO below HI"), "{}", hit.message);
    assert!(hit.line_col.is_some());
}

#[test]
fn every_input_at_once_ranks_them_the_same_way() {
    let entries = r#"
[[sensitivity]]
path = "pathway.onward_referral"
range = [0, 0.6]

[[sensitivity]]
path = "pathway.phase1.unplanned_exit"
range = [0.25, 0.40]

[[sensitivity]]
path = "simulation.referral_scale"
range = [0.7, 1.3]
"#;
    let plan = sensitivity::Plan::new(&sensitivity::Request {
        text: with_inputs(entries),
        origin: "test.toml".into(),
        policies: vec!["proportional".into(), "demand-led".into()],
        runs: Runs {
            seed: 12,
            replications: 10,
        },
    })
    .unwrap();
    let pool = Pool::new(Some(2)).unwrap();
    let g = sensitivity::global(&plan, 24, &pool, &mut Quiet).unwrap();
    let k = 3; // Phase 1 completions
    let c: Vec<f64> = g.srrc[k].iter().map(|c| c.unwrap()).collect();
    // more referrals, more completions; more exits, fewer; onward referral, nothing
    assert!(c[2] > 0.5, "{c:?}");
    assert!(c[1] < 0.0, "{c:?}");
    assert!(c[2].abs() > c[1].abs() && c[1].abs() > c[0].abs(), "{c:?}");
    assert!(c[0].abs() < 0.15, "{c:?}");
    assert!(g.r_squared[k].unwrap() > 0.8, "{:?}", g.r_squared);
    // the design is the seed's: the same plan gives the same answer
    let again = sensitivity::global(&plan, 24, &pool, &mut Quiet).unwrap();
    assert_eq!(format!("{:?}", g.srrc), format!("{:?}", again.srrc));
    // too few samples to fit is refused
    assert!(sensitivity::global(&plan, 4, &pool, &mut Quiet).is_err());
}
