//! Monte Carlo batches: thread-count invariance, random access, common random numbers,
//! parameter uncertainty and the sequential precision procedure.

use super::support::{ifss, ifss_in, load_with, model, with_policy};
use ifss_sim::batch::{self, BatchConfig};
use ifss_sim::model::PolicyKind;
use ifss_sim::stats::{paired_difference, summarize, welch_ci95};

fn config(seed: u64, reps: u64, threads: usize) -> BatchConfig {
    BatchConfig {
        seed,
        first: 0,
        replications: reps,
        threads: Some(threads),
    }
}

fn bits(v: &ifss_sim::batch::Values) -> Vec<u64> {
    (0..v.len())
        .flat_map(|r| v.row(r))
        .map(|x| x.to_bits())
        .collect()
}

fn bits_from(v: &ifss_sim::batch::Values, from: usize) -> Vec<u64> {
    (from..v.len())
        .flat_map(|r| v.row(r))
        .map(|x| x.to_bits())
        .collect()
}

#[test]
fn results_are_bit_identical_for_any_thread_count() {
    let m = model("western-bay");
    let one = batch::run(&m, &config(5, 64, 1), &|_| {}).unwrap();
    for threads in [2, 7, 16] {
        let many = batch::run(&m, &config(5, 64, threads), &|_| {}).unwrap();
        assert_eq!(bits(&one.values), bits(&many.values), "{threads} threads");
        let band = |b: &batch::Batch| {
            (0..b.bands.weeks())
                .flat_map(|w| (0..3).map(move |a| (w, a)))
                .map(|(w, a)| b.bands.get(w, a, 0).band().map(|x| x.map(f64::to_bits)))
                .collect::<Vec<_>>()
        };
        assert_eq!(band(&one), band(&many));
    }
}

/// Replication r alone equals replication r of a bigger batch; extending a batch leaves
/// earlier replications unchanged.
#[test]
fn replications_can_be_run_alone_or_extended() {
    let m = model("western-bay");
    let full = batch::run(&m, &config(3, 20, 2), &|_| {}).unwrap();
    let tail = batch::run(
        &m,
        &BatchConfig {
            first: 10,
            ..config(3, 10, 2)
        },
        &|_| {},
    )
    .unwrap();
    assert_eq!(bits_from(&full.values, 10), bits(&tail.values));
    let mut grown = batch::run(&m, &config(3, 10, 1), &|_| {}).unwrap();
    let rest = BatchConfig {
        first: 10,
        ..config(3, 10, 2)
    };
    batch::extend(&m, &rest, &mut grown, &|_| {}).unwrap();
    assert_eq!(bits(&full.values), bits(&grown.values));
    // extending from anywhere but the replication after the batch's last is refused
    let e = batch::extend(&m, &config(3, 10, 2), &mut grown, &|_| {}).unwrap_err();
    assert!(
        matches!(
            e,
            batch::BatchError::NotContiguous {
                batch_ends: 20,
                plan_starts: 0
            }
        ),
        "{e}"
    );
}

/// A sink that stops a batch after `k` chunks gets exactly the first `k` chunks'
/// replications back, and extending that batch gives the uninterrupted result, weekly
/// bands included.
#[test]
fn a_batch_stopped_by_its_sink_keeps_its_chunks_and_extends_to_the_whole() {
    struct StopAfter {
        chunks: usize,
        seen: Vec<usize>,
    }
    impl batch::Sink for StopAfter {
        fn chunk(&mut self, b: &batch::Batch) -> batch::Flow {
            self.seen.push(b.len());
            if self.seen.len() == self.chunks {
                batch::Flow::Stop
            } else {
                batch::Flow::Continue
            }
        }
    }
    let m = model("western-bay");
    let pool = batch::Pool::new(Some(2)).unwrap();
    let plan = batch::Plan {
        seed: 5,
        first: 0,
        replications: 25,
        chunk: 4,
        bands: true,
    };
    let whole = batch::run_with(&m, &plan, &pool, &mut |_| {}).unwrap();
    assert_eq!(whole.len(), 25);
    let mut sink = StopAfter {
        chunks: 3,
        seen: Vec::new(),
    };
    let mut part = batch::run_with(&m, &plan, &pool, &mut sink).unwrap();
    assert_eq!(
        sink.seen,
        [4, 8, 12],
        "reported after each chunk, then stopped"
    );
    assert_eq!(part.len(), 12);
    assert_eq!(
        bits(&part.values),
        bits_from(&whole.values, 0)[..12 * m_width(&whole)].to_vec()
    );
    // the rest, as a plan of its own from replication 12, in other chunks
    let rest = batch::Plan {
        first: 12,
        replications: 13,
        chunk: 5,
        bands: true,
        ..plan
    };
    let flow = batch::extend_with(&m, &rest, &pool, &mut part, &mut |_| {}).unwrap();
    assert_eq!(flow, batch::Flow::Continue);
    assert_eq!(bits(&part.values), bits(&whole.values));
    assert_eq!(part.wait_histogram, whole.wait_histogram);
    assert_eq!(part.events, whole.events);
    assert_same_bands(&part, &whole);
}

/// Every weekly band of `a` equals `b`'s, bit for bit.
fn assert_same_bands(a: &batch::Batch, b: &batch::Batch) {
    assert_eq!(a.bands.weeks(), b.bands.weeks());
    for week in 0..b.bands.weeks() {
        for area in 0..b.catalogue.authorities().len() {
            for s in 0..ifss_sim::measures::SERIES.len() {
                assert_eq!(a.bands.get(week, area, s), b.bands.get(week, area, s));
            }
        }
    }
}

/// Measures per replication.
fn m_width(b: &batch::Batch) -> usize {
    b.catalogue.measures().len()
}

/// On common random numbers the paired CI of a policy difference is much narrower than
/// the unpaired (Welch) CI of the same two samples.
#[test]
fn pairing_shrinks_the_confidence_interval() {
    let base = model("western-bay");
    let cfg = config(11, 60, 2);
    let a = batch::run(&with_policy(&base, PolicyKind::Proportional), &cfg, &|_| {}).unwrap();
    let b = batch::run(&with_policy(&base, PolicyKind::DemandLed), &cfg, &|_| {}).unwrap();
    for measure in ["wait_to_first_meeting_days", "phase1_starts", "allocated"] {
        let (x, y) = (a.measure(measure).unwrap(), b.measure(measure).unwrap());
        let paired = paired_difference(&x, &y).unwrap().ci95.unwrap();
        let welch = welch_ci95(&x, &y).unwrap();
        let (wp, ww) = (paired[1] - paired[0], welch[1] - welch[0]);
        assert!(
            wp < 0.75 * ww,
            "{measure}: paired width {wp} vs unpaired {ww}"
        );
    }
}

/// A rate given as a distribution is drawn once per replication, so the spread of
/// referral counts exceeds Poisson noise (variance = mean); a known rate does not.
#[test]
fn uncertain_rates_widen_the_spread_between_replications() {
    let known = model("western-bay");
    let uncertain = load_with(
        "western-bay",
        &["authorities[Swansea].referrals_per_year={ dist = \"uniform\", min = 55, max = 165 }"],
    )
    .unwrap();
    let dispersion = |m| {
        let b = batch::run(m, &config(2, 200, 2), &|_| {}).unwrap();
        // first referrals only: re-referrals depend on closures
        let x: Vec<f64> = b
            .measure("referrals.swansea")
            .unwrap()
            .iter()
            .zip(b.measure("rereferrals.swansea").unwrap())
            .map(|(r, re)| r - re)
            .collect();
        let s = summarize(&x).unwrap();
        s.sd * s.sd / s.mean
    };
    let d_known = dispersion(&known);
    let d_uncertain = dispersion(&uncertain);
    assert!(
        (0.7..1.4).contains(&d_known),
        "known rate dispersion {d_known}"
    );
    assert!(d_uncertain > 5.0, "uncertain rate dispersion {d_uncertain}");
}

/// Run until measure `index` is precise to `target`, on `threads` threads.
fn precise(
    m: &ifss_sim::model::Model,
    b: &mut batch::Batch,
    index: usize,
    target: f64,
    max_replications: u64,
    threads: usize,
) -> batch::Precision {
    let rule = batch::Precise {
        measure: index,
        target,
        max_replications,
    };
    let pool = batch::Pool::new(Some(threads)).unwrap();
    batch::until_precise(m, b, &rule, &pool, &mut |_| {}).unwrap()
}

#[test]
fn the_precision_procedure_stops_once_the_target_is_met() {
    let m = model("western-bay");
    let cfg = config(8, 10, 2);
    let mut b = batch::run(&m, &cfg, &|_| {}).unwrap();
    let index = b.catalogue.index("phase1_starts").unwrap();
    let p = precise(&m, &mut b, index, 0.01, 5_000, 2);
    assert!(p.met);
    let h = p.achieved.unwrap();
    assert!(h <= 0.01, "{h}");
    assert!(b.len() > 10, "needed more than the first 10 replications");
    // the same with another thread count stops at the same replication
    let mut b2 = batch::run(&m, &config(8, 10, 1), &|_| {}).unwrap();
    precise(&m, &mut b2, index, 0.01, 5_000, 1);
    assert_eq!(b.len(), b2.len());
}

#[test]
fn a_precision_target_no_replications_can_meet_stops_at_once_with_the_reason() {
    // under the proportional policy, with no post serving the whole region, no family
    // crosses a boundary: the measure is zero in every replication, and doubling
    // replications up to the limit would not help
    let m = load_with("western-bay", &["staff[0].region_wide=false"]).unwrap();
    let cfg = config(8, 10, 2);
    let mut b = batch::run(&m, &cfg, &|_| {}).unwrap();
    let index = b.catalogue.index("cross_region_allocations").unwrap();
    let p = precise(&m, &mut b, index, 0.05, 100_000, 2);
    assert_eq!(
        (p.met, p.stopped, p.achieved),
        (false, batch::Stopped::ZeroMean, None)
    );
    assert_eq!(b.len(), 10, "no replication was added");

    // the same through the command line, which says why
    let r = ifss(&[
        "run",
        "--reps",
        "10",
        "--target-precision",
        "0.05",
        "--precision-measure",
        "cross_region_allocations",
        "--set",
        "staff[0].region_wide=false",
        "--no-output",
        "--json",
    ]);
    let precision = &r.json()["precision"];
    assert_eq!(precision["stopped"], "zero-mean");
    assert_eq!(precision["replications"], 10);
    let r = ifss(&[
        "run",
        "--reps",
        "10",
        "--target-precision",
        "0.05",
        "--precision-measure",
        "cross_region_allocations",
        "--set",
        "staff[0].region_wide=false",
        "--no-output",
    ]);
    assert!(
        r.stdout.contains("NOT met: its mean is zero"),
        "{}",
        r.stdout
    );
}

fn without_timing(mut v: serde_json::Value) -> serde_json::Value {
    if let Some(e) = v.get_mut("engine").and_then(|e| e.as_object_mut()) {
        for k in [
            "elapsed_seconds",
            "events_per_second",
            "replications_per_second",
        ] {
            e.remove(k);
        }
    }
    v
}

/// The acceptance check: 1,000 replications on 1 and 2 threads give identical outputs
/// apart from timing.
#[test]
fn thousand_replications_on_one_and_two_threads_write_identical_outputs() {
    let dir = std::env::temp_dir().join(format!("ifss-threads-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for t in ["1", "2"] {
        let o = ifss_in(
            &dir,
            &[
                "run",
                "--reps",
                "1000",
                "--seed",
                "4",
                "--threads",
                t,
                "--out",
                t,
                "--quiet",
            ],
        );
        assert!(o.success(), "{}", o.stderr);
    }
    let read = |t: &str, f: &str| std::fs::read(dir.join(t).join(f)).unwrap();
    let json = |t: &str| without_timing(serde_json::from_slice(&read(t, "summary.json")).unwrap());
    assert_eq!(json("1"), json("2"));
    assert_eq!(json("1")["replications"], 1000);
    for f in ["replications.csv", "timeseries.csv"] {
        assert_eq!(read("1", f), read("2", f), "{f}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn compare_writes_paired_differences_per_policy() {
    let dir = std::env::temp_dir().join(format!("ifss-compare-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let o = ifss_in(
        &dir,
        &[
            "compare",
            "--policies",
            "proportional,demand-led,pooled",
            "--reps",
            "30",
            "--out",
            "c",
            "--quiet",
        ],
    );
    assert!(o.success(), "{}", o.stderr);
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("c/summary.json")).unwrap()).unwrap();
    assert_eq!(v["baseline"], "proportional");
    for p in ["proportional", "demand-led", "pooled"] {
        assert!(v["policies"][p]["kpis"]["wait_to_first_meeting_days"]["mean"].is_number());
    }
    for p in ["demand-led", "pooled"] {
        let d = &v["diff"][p]["wait_to_first_meeting_days"];
        assert!(d["mean"].is_number(), "{d}");
        assert_eq!(d["ci95"].as_array().map(Vec::len), Some(2));
    }
    let csv = std::fs::read_to_string(dir.join("c/comparison.csv")).unwrap();
    assert!(csv.starts_with("measure,policy,mean,"));
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("c/manifest.json")).unwrap()).unwrap();
    assert_eq!(
        manifest["policies"],
        serde_json::json!(["proportional", "demand-led", "pooled"])
    );
    let ts = std::fs::read_to_string(dir.join("c/timeseries.csv")).unwrap();
    // 3 policies × 157 weeks × 3 authorities × 3 series, plus the header
    assert_eq!(ts.lines().count(), 1 + 3 * 157 * 3 * 3);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn set_overrides_change_the_run_and_are_recorded() {
    let dir = std::env::temp_dir().join(format!("ifss-set-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let o = ifss_in(
        &dir,
        &[
            "run",
            "--reps",
            "5",
            "--set",
            "authorities[Bridgend].referrals_per_year=0",
            // the `--set=` spelling is recorded too
            "--set=simulation.seed=5",
            "--out",
            "s",
            "--quiet",
        ],
    );
    assert!(o.success(), "{}", o.stderr);
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("s/summary.json")).unwrap()).unwrap();
    // Bridgend gets no first referrals, so none at all
    assert_eq!(v["kpis"]["referrals.bridgend"]["mean"], 0.0);
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("s/manifest.json")).unwrap()).unwrap();
    assert_eq!(
        manifest["overrides"],
        serde_json::json!([
            "authorities[Bridgend].referrals_per_year=0",
            "simulation.seed=5"
        ])
    );
    assert_eq!(manifest["seed"], 5);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Replications 0..n merged with n..2n are one 0..2n batch, bit for bit, weekly bands
/// included; parts of other batches, or parts that do not meet, are refused.
#[test]
fn two_halves_merge_into_the_whole_batch() {
    let m = model("western-bay");
    let pool = batch::Pool::new(Some(2)).unwrap();
    let plan = |first, replications| batch::Plan {
        seed: 9,
        first,
        replications,
        chunk: 7,
        bands: true,
    };
    let run = |p: batch::Plan, m: &ifss_sim::model::Model| {
        batch::run_with(m, &p, &pool, &mut |_| {}).unwrap()
    };
    let whole = run(plan(0, 40), &m);
    let mut first = run(plan(0, 20), &m);
    let second = run(plan(20, 20), &m);
    first.merge(&second).unwrap();
    assert_eq!(first.len(), 40);
    assert_eq!(bits(&first.values), bits(&whole.values));
    assert_eq!(first.wait_histogram, whole.wait_histogram);
    assert_eq!(first.events, whole.events);
    assert_eq!(first.provenance, whole.provenance);
    assert_same_bands(&first, &whole);

    // not parts of one batch: refused, and the first is left as it was
    let mut head = run(plan(0, 5), &m);
    let before = bits(&head.values);
    let other_seed = batch::run_with(
        &m,
        &batch::Plan {
            seed: 10,
            ..plan(5, 5)
        },
        &pool,
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(
        head.merge(&other_seed),
        Err(batch::MergeError::Provenance("seed"))
    );
    let demand_led = with_policy(&m, PolicyKind::DemandLed);
    assert!(matches!(
        head.merge(&run(plan(5, 5), &demand_led)),
        Err(batch::MergeError::Provenance(_))
    ));
    assert_eq!(
        head.merge(&run(plan(6, 5), &m)),
        Err(batch::MergeError::NotContiguous { ends: 5, starts: 6 })
    );
    // a second part of any size merges: every weekly band is counted exactly
    let mut joined = run(plan(0, 5), &m);
    joined.merge(&run(plan(5, 201), &m)).unwrap();
    assert_same_bands(&joined, &run(plan(0, 206), &m));
    // a batch run without weekly bands has the same measures, none of the bands, and is
    // no part of a batch that has them
    let plain = run(
        batch::Plan {
            bands: false,
            ..plan(5, 5)
        },
        &m,
    );
    assert_eq!(plain.bands.weeks(), 0);
    assert_eq!(bits(&plain.values), bits(&run(plan(5, 5), &m).values));
    assert_eq!(
        head.merge(&plain),
        Err(batch::MergeError::Provenance("weekly bands kept"))
    );
    assert_eq!(bits(&head.values), before);
    // nor extended with another model
    let e =
        batch::extend_with(&demand_led, &plan(5, 5), &pool, &mut head, &mut |_| {}).unwrap_err();
    assert!(matches!(e, batch::BatchError::OtherBatch), "{e}");
}

/// Stops a batch at its first chunk.
struct StopAtOnce;

impl batch::Sink for StopAtOnce {
    fn chunk(&mut self, _: &batch::Batch) -> batch::Flow {
        batch::Flow::Stop
    }
}

#[test]
fn a_sink_stops_the_precision_procedure_and_the_batch_keeps_what_ran() {
    let m = model("western-bay");
    let cfg = config(8, 10, 2);
    let mut b = batch::run(&m, &cfg, &|_| {}).unwrap();
    let index = b.catalogue.index("phase1_starts").unwrap();
    let rule = batch::Precise {
        measure: index,
        target: 0.001,
        max_replications: 100_000,
    };
    let pool = batch::Pool::new(Some(2)).unwrap();
    let p = batch::until_precise(&m, &mut b, &rule, &pool, &mut StopAtOnce).unwrap();
    assert_eq!((p.met, p.stopped), (false, batch::Stopped::Interrupted));
    // one step ran (whole, as it was a single chunk) and no other
    assert!(
        b.len() > 10 && b.len() <= 10 + batch::CHUNK as usize,
        "{}",
        b.len()
    );
    let whole = batch::run(&m, &config(8, b.len() as u64, 2), &|_| {}).unwrap();
    assert_eq!(b.column(index), whole.column(index));
}
