//! Bare event loops of the two benchmark models (`mmc` and `ifss-lite`): the floor
//! against which the engine's speed is judged.
//!
//! Each is the model exactly as the benchmark's reference describes it and nothing more:
//! a plain binary heap of `(time, event)`, one Xoshiro256++ generator, counters instead
//! of measures. Timing one beside the engine in the same run (`ifss-sim bench --floor`,
//! `cargo bench --bench engine`) gives a ratio that a busy machine does not distort, as
//! absolute figures on a shared machine swing by a third. Their results agree with the
//! engine's on the same models within sampling error, which a test checks.

use crate::rng::Rng as Xoshiro256PlusPlus;
use rand::Rng as _;
use rand_distr::{Distribution, Exp};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

/// What one bare replication did.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct FloorRun {
    /// Arrivals + service starts + departures (the peers' count of events).
    pub events: u64,
    /// Arrivals.
    pub arrivals: u64,
    /// Services started.
    pub starts: u64,
    /// Services completed in full (model B) or at all (model A) by the horizon.
    pub completions: u64,
    /// Services ended early by the horizon (model B).
    pub early_exits: u64,
    /// Referrals that took advice only and left (model B).
    pub advice: u64,
    /// Mean wait from arrival to service start over services started, days.
    pub mean_wait: f64,
}

/// A generator for replication `replication` of seed `seed`.
fn generator(seed: u64, replication: u64) -> Xoshiro256PlusPlus {
    crate::rng::plain(seed ^ replication.wrapping_mul(0x9e37_79b9_7f4a_7c15))
}

/// An event time as a heap key: non-negative floats order as their bits.
fn key(t: f64) -> u64 {
    t.to_bits()
}

/// Model A: an M/M/5 queue (arrivals 4 a day, service a day on average), empty at the
/// start, run for `days`.
pub fn mmc(seed: u64, replication: u64, days: f64) -> FloorRun {
    const SERVERS: u32 = 5;
    let mut rng = generator(seed, replication);
    let arrival = Exp::new(4.0).expect("positive rate");
    let service = Exp::new(1.0).expect("positive rate");
    // (time, 0 = arrival | 1 = departure)
    let mut heap: BinaryHeap<Reverse<(u64, u8)>> = BinaryHeap::new();
    let mut queue: VecDeque<f64> = VecDeque::new();
    let mut busy = 0;
    let mut run = FloorRun::default();
    let mut waited = 0.0;
    heap.push(Reverse((key(arrival.sample(&mut rng)), 0)));
    while let Some(Reverse((k, kind))) = heap.pop() {
        let t = f64::from_bits(k);
        if t > days {
            break;
        }
        if kind == 0 {
            run.arrivals += 1;
            heap.push(Reverse((key(t + arrival.sample(&mut rng)), 0)));
            if busy < SERVERS {
                busy += 1;
                run.starts += 1;
                heap.push(Reverse((key(t + service.sample(&mut rng)), 1)));
            } else {
                queue.push_back(t);
            }
        } else {
            run.completions += 1;
            match queue.pop_front() {
                Some(at) => {
                    waited += t - at;
                    run.starts += 1;
                    heap.push(Reverse((key(t + service.sample(&mut rng)), 1)));
                }
                None => busy -= 1,
            }
        }
    }
    run.events = run.arrivals + run.starts + run.completions;
    run.mean_wait = waited / run.starts.max(1) as f64;
    run
}

/// Model B: three sites (3, 1.5 and 1.5 referrals a week; 8, 4 and 4 slots), a quarter of
/// referrals advice only, the rest waiting first come first served for a slot at their
/// own site and holding it for Uniform(28, 42) days, or for a uniform part of that when
/// they exit early (three in ten); three years from empty.
pub fn ifss_lite(seed: u64, replication: u64) -> FloorRun {
    const HORIZON: f64 = 1095.0;
    const PER_WEEK: [f64; 3] = [3.0, 1.5, 1.5];
    const SLOTS: [u32; 3] = [8, 4, 4];
    let mut rng = generator(seed, replication);
    let arrivals = PER_WEEK.map(|r| Exp::new(r / 7.0).expect("positive rate"));
    // (time, site, 0 = arrival | 1 = completion | 2 = early exit)
    let mut heap: BinaryHeap<Reverse<(u64, u8, u8)>> = BinaryHeap::new();
    let mut queues: [VecDeque<f64>; 3] = Default::default();
    let mut free = SLOTS;
    let mut run = FloorRun::default();
    let mut waited = 0.0;
    for (s, a) in arrivals.iter().enumerate() {
        heap.push(Reverse((key(a.sample(&mut rng)), s as u8, 0)));
    }
    // how long the slot is held, and how the service ends
    let hold = |rng: &mut Xoshiro256PlusPlus| {
        let d = rng.random_range(28.0..42.0);
        if rng.random::<f64>() < 0.3 {
            (rng.random_range(0.0..d), 2)
        } else {
            (d, 1)
        }
    };
    while let Some(Reverse((k, site, kind))) = heap.pop() {
        let t = f64::from_bits(k);
        if t > HORIZON {
            break;
        }
        let s = usize::from(site);
        if kind == 0 {
            run.arrivals += 1;
            heap.push(Reverse((key(t + arrivals[s].sample(&mut rng)), site, 0)));
            if rng.random::<f64>() < 0.25 {
                run.advice += 1;
            } else if free[s] > 0 {
                free[s] -= 1;
                run.starts += 1;
                let (h, end) = hold(&mut rng);
                heap.push(Reverse((key(t + h), site, end)));
            } else {
                queues[s].push_back(t);
            }
        } else {
            if kind == 1 {
                run.completions += 1;
            } else {
                run.early_exits += 1;
            }
            match queues[s].pop_front() {
                Some(at) => {
                    waited += t - at;
                    run.starts += 1;
                    let (h, end) = hold(&mut rng);
                    heap.push(Reverse((key(t + h), site, end)));
                }
                None => free[s] += 1,
            }
        }
    }
    run.events = run.arrivals + run.starts + run.completions + run.early_exits;
    run.mean_wait = waited / run.starts.max(1) as f64;
    run
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Model A's mean wait in queue is Erlang C's 0.5541 days.
    #[test]
    fn the_bare_mmc_loop_gives_erlang_c() {
        let runs: Vec<FloorRun> = (0..20).map(|r| mmc(1, r, 20_000.0)).collect();
        let wait = runs.iter().map(|r| r.mean_wait).sum::<f64>() / 20.0;
        assert!((wait - 0.5541).abs() < 0.03, "mean wait {wait}");
        let per_customer = runs.iter().map(|r| r.events as f64 / r.arrivals as f64);
        assert!(per_customer.clone().all(|x| (x - 3.0).abs() < 0.01));
    }

    /// Model B's reference figures: mean wait about 93–95 days, about 397 completions,
    /// 171 early exits and 235 advice-only referrals a replication.
    #[test]
    fn the_bare_ifss_lite_loop_matches_the_reference_figures() {
        let n = 200;
        let runs: Vec<FloorRun> = (0..n).map(|r| ifss_lite(2, r)).collect();
        let mean = |f: fn(&FloorRun) -> f64| runs.iter().map(f).sum::<f64>() / n as f64;
        let wait = mean(|r| r.mean_wait);
        assert!((wait - 95.4).abs() < 4.0, "mean wait {wait}");
        let advice = mean(|r| r.advice as f64);
        assert!((advice - 235.0).abs() < 8.0, "advice {advice}");
        let completions = mean(|r| r.completions as f64);
        assert!(
            (completions - 397.0).abs() < 8.0,
            "completions {completions}"
        );
        let early = mean(|r| r.early_exits as f64);
        assert!((early - 171.0).abs() < 6.0, "early exits {early}");
    }
}
