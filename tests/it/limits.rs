//! What one scenario or one command may ask for: every limit is checked before any work
//! starts, names itself, and bounds what is simulated rather than what is declared.

use super::support::{TempDir, ifss_in, load_with, text};
use ifss_sim::batch::{self, BatchConfig, BatchError};
use ifss_sim::model::{
    MAX_AREAS, MAX_EPISODES_PER_REPLICATION, MAX_NAME_CHARS, MAX_SCENARIO_BYTES, MAX_TEXT_CHARS,
};

/// The problems `load_with` reports, as one text.
fn refusal(sets: &[&str]) -> String {
    load_with("western-bay", sets)
        .err()
        .unwrap_or_else(|| panic!("{sets:?} was accepted"))
        .to_string()
}

#[test]
fn re_referrals_count_against_the_episode_limit() {
    // first referrals well under the limit, each re-referred up to 200 times: far over it
    let rate = MAX_EPISODES_PER_REPLICATION / 3.0 / 100.0;
    let sets = [
        format!("authorities[0].referrals_per_year={rate}"),
        "authorities[1].referrals_per_year=0".into(),
        "authorities[2].referrals_per_year=0".into(),
        "pathway.rereferral.probability=1".into(),
        "pathway.rereferral.max_episodes=200".into(),
    ];
    let sets: Vec<&str> = sets.iter().map(String::as_str).collect();
    let msg = refusal(&sets);
    assert!(msg.contains("pathway.rereferral.probability"), "{msg}");
    assert!(msg.contains("family episodes in one replication"), "{msg}");
    assert!(msg.contains("the limit is 2000000"), "{msg}");
    // without re-referrals the same rates are within it
    let ok: Vec<&str> = sets[..3].to_vec();
    assert!(load_with("western-bay", &ok).is_ok());
}

#[test]
fn areas_are_bounded() {
    let mut t = text("western-bay").to_string();
    let extra = MAX_AREAS + 1 - 3;
    let at = t.find("[referrals]").expect("a referrals table");
    let areas: String = (0..extra)
        .map(|i| format!("[[authorities]]\nname = \"Area {i}\"\nreferrals_per_year = 1\n\n"))
        .collect();
    t.insert_str(at, &areas);
    let e = ifss_sim::scenario::load(&t, "many.toml")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains(&format!(
            "lists {} areas; the limit is {MAX_AREAS}",
            MAX_AREAS + 1
        )),
        "{e}"
    );
}

#[test]
fn long_names_and_texts_are_refused_with_the_limit() {
    let long_name = "S".repeat(MAX_NAME_CHARS + 1);
    let msg = refusal(&[&format!("authorities[0].name=\"{long_name}\"")]);
    assert!(
        msg.contains(&format!("a name may have at most {MAX_NAME_CHARS}")),
        "{msg}"
    );
    // the name is not echoed back at length
    assert!(!msg.contains(&long_name), "{}", msg.len());
    let long_text = "word ".repeat(MAX_TEXT_CHARS / 5 + 1);
    let msg = refusal(&[&format!("description=\"{long_text}\"")]);
    assert!(
        msg.contains(&format!("text may have at most {MAX_TEXT_CHARS}")),
        "{msg}"
    );
    // names written as keys are names too
    let key = "a".repeat(MAX_NAME_CHARS + 1);
    let t = text("western-bay").replacen("police = 0.10", &format!("{key} = 0.10"), 1);
    let e = ifss_sim::scenario::load(&t, "k.toml")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("referrals.agencies: a key is 101 characters long"),
        "{e}"
    );
}

#[test]
fn a_scenario_file_over_the_size_limit_is_refused_unread() {
    let dir = TempDir::new("big-file");
    let mut t = text("western-bay").to_string();
    t.push_str(&format!("# {}\n", "x".repeat(MAX_SCENARIO_BYTES)));
    std::fs::write(dir.join("big.toml"), t).expect("write");
    for args in [
        vec!["check", "big.toml"],
        vec!["run", "big.toml", "--no-output"],
    ] {
        let r = ifss_in(&dir.0, &args);
        assert_eq!(r.code, Some(2), "{}", r.stderr);
        assert!(
            r.stderr
                .contains(&format!("larger than {MAX_SCENARIO_BYTES} bytes")),
            "{}",
            r.stderr
        );
    }
}

#[test]
fn a_batch_too_large_for_memory_is_refused_before_it_starts() {
    // 200 areas over 50 years: each replication's weekly series alone is 200 × 2,608 × 3
    // numbers, and a batch keeps a thousand replications' worth in flight
    let mut t = text("western-bay")
        .replacen("horizon_days = 1095", "horizon_days = 18250", 1)
        .to_string();
    let at = t.find("[referrals]").expect("a referrals table");
    let areas: String = (0..MAX_AREAS - 3)
        .map(|i| format!("[[authorities]]\nname = \"Area {i}\"\nreferrals_per_year = 1\n\n"))
        .collect();
    t.insert_str(at, &areas);
    // the cost table would refuse the long horizon on its own; it is not under test
    let t = &t[..t.find("[costs]").expect("costs")];
    let m = ifss_sim::scenario::load(t, "wide.toml").unwrap_or_else(|e| panic!("{e}"));
    let cfg = BatchConfig {
        seed: 1,
        first: 0,
        replications: 5_000,
        threads: Some(2),
    };
    let e = batch::run(&m, &cfg, &|_| panic!("a replication ran")).unwrap_err();
    assert!(matches!(e, BatchError::TooLarge { .. }), "{e}");
    assert!(e.to_string().contains("the limit is 8 GiB"), "{e}");
    // a handful of replications of the same model fits
    let f = batch::check_footprint(&m, 5, 1, Some(2)).expect("fits");
    assert!(f.bytes < batch::MAX_BATCH_BYTES, "{f:?}");

    // the command line refuses it with exit 2 before writing anything
    let dir = TempDir::new("wide");
    std::fs::write(dir.join("wide.toml"), t).expect("write");
    let r = ifss_in(&dir.0, &["run", "wide.toml", "--reps", "5000"]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr.contains("GiB of memory; the limit is 8 GiB"),
        "{}",
        r.stderr
    );
    assert!(!dir.join("output").exists(), "nothing written");
}

#[test]
fn a_batch_too_long_to_run_is_refused_with_the_limit() {
    // the referral limit per replication, a million times over
    let m = load_with(
        "western-bay",
        &[
            "authorities[0].referrals_per_year=300000",
            "simulation.horizon_days=365",
        ],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let e = batch::check_footprint(&m, 1_000_000, 1, Some(1)).unwrap_err();
    assert!(e.to_string().contains("family episodes"), "{e}");
    assert!(e.to_string().contains("1e10 episodes"), "{e}");
}

#[test]
fn threads_beyond_the_cores_are_not_started() {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    assert_eq!(batch::effective_threads(Some(1024)), cores);
    assert_eq!(batch::effective_threads(Some(1)), 1);
    assert_eq!(batch::effective_threads(None), cores);
    // and the answer is the same as on one thread
    let m = super::support::model("western-bay");
    let run = |threads| {
        let cfg = BatchConfig {
            seed: 3,
            first: 0,
            replications: 6,
            threads: Some(threads),
        };
        batch::run(&m, &cfg, &|_| {}).unwrap().column(0)
    };
    assert_eq!(run(1024), run(1));
}

/// Set-up is linear in posts: thousands of posts with distinct titles (each its own
/// measures and cost inputs) check and simulate, with a measure per title.
#[test]
fn thousands_of_distinct_post_titles_are_simulated() {
    let mut t = text("western-bay").to_string();
    t.truncate(t.find("# Costs of the Western Bay").expect("costs"));
    for i in 0..4_980 {
        t.push_str(&format!(
            "\n[[staff]]\npost = \"Post {i}\"\nrole = \"csw\"\ncount = 1\nbase = \"Swansea\"\n"
        ));
    }
    let m = ifss_sim::scenario::load(&t, "posts.toml").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(m.posts().len(), 20 + 4_980);
    assert_eq!(m.post_titles().len(), 4 + 4_980);
    let indices = m.post_title_indices();
    assert_eq!(indices[20 + 4_979], 4 + 4_979);
    let cfg = BatchConfig {
        seed: 1,
        first: 0,
        replications: 1,
        threads: Some(1),
    };
    let b = batch::run(&m, &cfg, &|_| {}).unwrap();
    let days = b
        .measure("filled_post_days.post-4979.y1")
        .expect("a measure per title");
    assert!(days[0] > 0.0 && days[0] <= 365.0, "{days:?}");
}
