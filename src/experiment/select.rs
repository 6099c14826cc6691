//! Ranking and selection: which of many simulated configurations is best, with a stated
//! probability of being right, and which meet requirements on their means.
//!
//! The selection is the fully sequential procedure of Kim and Nelson (2001), "A fully
//! sequential procedure for indifference-zone selection in simulation", ACM TOMACS 11(3):
//! every survivor runs the same replications (on common random numbers, which the
//! procedure allows: it works on the variances of paired differences), and a configuration
//! is set aside once another's mean is ahead of it by more than a margin that shrinks as
//! replications accumulate. With probability at least 1 − α the one left is within δ of
//! the best.
//!
//! Requirements (`mean ≤ q`, `mean ≥ q`) are decided per configuration from one-sided
//! confidence bounds: exact binomial (Clopper–Pearson) bounds for a measure that is 0 or 1
//! in every replication, Student t bounds otherwise. Each bound is taken at level
//! β/(k·m·L) for k configurations, m requirements and L looks, so that, by the union
//! bound, every decision of the whole search is right with probability at least 1 − β.
//! Only a configuration known to meet the requirements may set another aside (the rule of
//! Andradóttir and Kim, 2010, for constrained selection), so the best feasible one is
//! never lost to one that later proves infeasible.

use statrs::distribution::{Beta, ContinuousCDF, StudentsT};

/// KN's constant h² for `k` configurations, first-stage size `n0` and error `alpha`
/// (c = 1): h² = 2η(n₀ − 1) with η = ½[(2α/(k − 1))^(−2/(n₀ − 1)) − 1].
pub fn kn_h2(k: usize, n0: u64, alpha: f64) -> f64 {
    if k < 2 || n0 < 2 {
        return 0.0;
    }
    let eta = 0.5 * ((2.0 * alpha / (k as f64 - 1.0)).powf(-2.0 / (n0 as f64 - 1.0)) - 1.0);
    2.0 * eta * (n0 as f64 - 1.0)
}

/// The sample variance of the paired differences `a[j] − b[j]` over the first `n0`
/// replications.
pub fn difference_variance(a: &[f64], b: &[f64], n0: usize) -> f64 {
    let n = n0.min(a.len()).min(b.len());
    if n < 2 {
        return f64::INFINITY;
    }
    let d = |j: usize| a[j] - b[j];
    let mean = (0..n).map(d).sum::<f64>() / n as f64;
    (0..n).map(|j| (d(j) - mean).powi(2)).sum::<f64>() / (n - 1) as f64
}

/// KN's margin after `r` replications: a configuration whose mean trails another's by
/// more than this is set aside. It is zero from r ≥ h²S²/δ² on.
pub fn kn_margin(h2: f64, s2: f64, delta: f64, r: u64) -> f64 {
    let r = r as f64;
    (delta / (2.0 * r) * (h2 * s2 / (delta * delta) - r)).max(0.0)
}

/// What the bounds say about a requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Met, at the bound's confidence.
    Met,
    /// Not met, at the bound's confidence.
    Failed,
    /// Not yet known.
    Open,
}

/// One-sided lower and upper confidence bounds on the mean of `values`, each holding with
/// probability at least 1 − `gamma`: exact binomial bounds when every value is 0 or 1,
/// Student t bounds otherwise. `None` with fewer than two values.
pub fn mean_bounds(values: &[f64], gamma: f64) -> Option<[f64; 2]> {
    let n = values.len();
    if n < 2 || !(gamma > 0.0 && gamma < 0.5) {
        return None;
    }
    let binary = values.iter().all(|&v| v == 0.0 || v == 1.0);
    if binary {
        let x = values.iter().filter(|&&v| v == 1.0).count() as f64;
        let n = n as f64;
        let lower = if x == 0.0 {
            0.0
        } else {
            Beta::new(x, n - x + 1.0).ok()?.inverse_cdf(gamma)
        };
        let upper = if x == n {
            1.0
        } else {
            Beta::new(x + 1.0, n - x).ok()?.inverse_cdf(1.0 - gamma)
        };
        return Some([lower, upper]);
    }
    let nf = n as f64;
    let mean = values.iter().sum::<f64>() / nf;
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (nf - 1.0);
    let t = StudentsT::new(0.0, 1.0, nf - 1.0)
        .ok()?
        .inverse_cdf(1.0 - gamma);
    let half = t * (var / nf).sqrt();
    Some([mean - half, mean + half])
}

/// Whether a mean whose bounds are `bounds` meets `at_least` and `at_most`.
pub fn verdict(bounds: [f64; 2], at_least: Option<f64>, at_most: Option<f64>) -> Verdict {
    let [lo, hi] = bounds;
    let fails = at_most.is_some_and(|q| lo > q) || at_least.is_some_and(|q| hi < q);
    let meets = at_most.is_none_or(|q| hi <= q) && at_least.is_none_or(|q| lo >= q);
    match (fails, meets) {
        (true, _) => Verdict::Failed,
        (false, true) => Verdict::Met,
        (false, false) => Verdict::Open,
    }
}

/// The replication counts at which the procedure looks: `n0`, then half as many again
/// each time (rounded up), ending at `most`.
pub fn looks(n0: u64, most: u64) -> Vec<u64> {
    let mut out = vec![n0];
    let mut r = n0;
    while r < most {
        r = ((r as f64 * 1.5).ceil() as u64).max(r + 1).min(most);
        out.push(r);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn h2_matches_kim_and_nelson_s_constant() {
        // η for k = 2, n0 = 10, α = 0.05: ½[(0.1)^(−2/9) − 1] = 0.33405
        let h2 = kn_h2(2, 10, 0.05);
        assert!((h2 - 2.0 * 0.334_05 * 9.0).abs() < 1e-3, "{h2}");
        // more configurations need a wider margin; a bigger first stage a narrower one
        assert!(kn_h2(100, 10, 0.05) > h2);
        assert!(kn_h2(2, 40, 0.05) < h2);
    }

    #[test]
    fn the_margin_closes_at_h2_s2_over_delta2() {
        let (h2, s2, delta) = (10.0, 0.04, 0.1);
        assert!(kn_margin(h2, s2, delta, 10) > 0.0);
        assert_eq!(kn_margin(h2, s2, delta, 40), 0.0);
        assert_eq!(kn_margin(h2, s2, delta, 41), 0.0);
    }

    #[test]
    fn binomial_bounds_are_the_exact_clopper_pearson_ones() {
        // no event in 20: the upper bound solves (1 − p)^20 = γ
        let v = vec![0.0; 20];
        let [lo, hi] = mean_bounds(&v, 0.05).unwrap();
        assert_eq!(lo, 0.0);
        assert!((hi - (1.0 - 0.05f64.powf(1.0 / 20.0))).abs() < 1e-9, "{hi}");
        // every replication: the lower bound solves p^20 = γ
        let [lo, hi] = mean_bounds(&[1.0; 20], 0.05).unwrap();
        assert_eq!(hi, 1.0);
        assert!((lo - 0.05f64.powf(1.0 / 20.0)).abs() < 1e-9, "{lo}");
        // a continuous measure gets t bounds around its mean
        let [lo, hi] = mean_bounds(&[1.0, 2.0, 3.0, 4.0], 0.025).unwrap();
        assert!((lo + hi - 5.0).abs() < 1e-12 && lo < 2.5);
    }

    #[test]
    fn verdicts_follow_the_bounds() {
        assert_eq!(verdict([0.0, 0.1], None, Some(0.2)), Verdict::Met);
        assert_eq!(verdict([0.3, 0.5], None, Some(0.2)), Verdict::Failed);
        assert_eq!(verdict([0.1, 0.3], None, Some(0.2)), Verdict::Open);
        assert_eq!(verdict([0.6, 0.9], Some(0.5), None), Verdict::Met);
        assert_eq!(verdict([0.1, 0.4], Some(0.5), None), Verdict::Failed);
    }

    #[test]
    fn the_default_objective_is_a_measure_the_recorder_writes() {
        assert_eq!(
            crate::model::optimise::DEFAULT_OBJECTIVE,
            crate::measures::names::WAIT_KM_WITHIN_TARGET
        );
    }

    #[test]
    fn looks_grow_by_half_and_end_at_the_limit() {
        assert_eq!(looks(20, 100), [20, 30, 45, 68, 100]);
        assert_eq!(looks(20, 20), [20]);
    }
}
