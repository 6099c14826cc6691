//! Comparing two scenarios or policies across replications.
//!
//! Runs made with common random numbers (the same seeds for both arms) are compared pair by pair:
//! the differences share the replication's randomness, so their spread, and the interval, is
//! smaller. The Welch two-sample interval ignores the pairing; it is kept to show, and to test,
//! how much the pairing buys.

use super::summary::mean_sd;
use super::{ALPHA_95, summarize, t_crit};

/// Paired difference `b - a` over replications run on common random numbers.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PairedDiff {
    /// Number of pairs in which both values are finite.
    pub n: usize,
    /// Mean of the differences `b - a`.
    pub mean: f64,
    /// Sample standard deviation of the differences; `0.0` when `n < 2`.
    pub sd: f64,
    /// Student-t 95% confidence interval of the mean difference; `None` when `n < 2`.
    pub ci95: Option<[f64; 2]>,
    /// Whether the interval excludes zero. `false` when the interval is undefined.
    pub distinguishable: bool,
}

/// Paired difference `b - a`, replication by replication.
///
/// `a[i]` and `b[i]` must come from replication `i` of each arm. Pairs in which either side is
/// non-finite are dropped. Returns `None` when the lengths differ or no pair is left.
#[must_use]
pub fn paired_difference(a: &[f64], b: &[f64]) -> Option<PairedDiff> {
    if a.len() != b.len() {
        return None;
    }
    let diffs: Vec<f64> = a
        .iter()
        .zip(b)
        .filter(|(x, y)| x.is_finite() && y.is_finite())
        .map(|(x, y)| y - x)
        .collect();
    let s = summarize(&diffs)?;
    let distinguishable = s.ci95.is_some_and(|[lo, hi]| lo > 0.0 || hi < 0.0);
    Some(PairedDiff {
        n: s.n,
        mean: s.mean,
        sd: s.sd,
        ci95: s.ci95,
        distinguishable,
    })
}

/// Welch two-sample (unpaired) 95% confidence interval for `mean(b) - mean(a)`.
///
/// Uses the Welch–Satterthwaite degrees of freedom. Non-finite values are skipped on each side
/// independently. Returns `None` when either side has fewer than two finite values; both sides
/// having zero spread gives `[d, d]`.
#[must_use]
pub fn welch_ci95(a: &[f64], b: &[f64]) -> Option<[f64; 2]> {
    let a: Vec<f64> = a.iter().copied().filter(|x| x.is_finite()).collect();
    let b: Vec<f64> = b.iter().copied().filter(|x| x.is_finite()).collect();
    if a.len() < 2 || b.len() < 2 {
        return None;
    }
    let (n_a, n_b) = (a.len() as f64, b.len() as f64);
    let (mean_a, sd_a) = mean_sd(&a);
    let (mean_b, sd_b) = mean_sd(&b);
    let diff = mean_b - mean_a;
    let (var_a, var_b) = (sd_a * sd_a / n_a, sd_b * sd_b / n_b);
    let se2 = var_a + var_b;
    if se2 == 0.0 {
        return Some([diff, diff]);
    }
    // Welch–Satterthwaite, written with the shares of se² so that it cannot underflow.
    let (w_a, w_b) = (var_a / se2, var_b / se2);
    let df = 1.0 / (w_a * w_a / (n_a - 1.0) + w_b * w_b / (n_b - 1.0));
    let half_width = t_crit(df, ALPHA_95) * se2.sqrt();
    half_width
        .is_finite()
        .then_some([diff - half_width, diff + half_width])
}

/// Wilson score 95% interval for `k` successes in `n` trials.
pub fn wilson95(k: usize, n: usize) -> Option<[f64; 2]> {
    if n == 0 {
        return None;
    }
    let z: f64 = 1.959_963_984_540_054;
    let n = n as f64;
    let p = k as f64 / n;
    let denom = 1.0 + z * z / n;
    let centre = (p + z * z / (2.0 * n)) / denom;
    let half = z / denom * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt();
    // at k = 0 (k = n) the bound is exactly 0 (1); avoid a rounding crumb
    let lo = if k == 0 {
        0.0
    } else {
        (centre - half).max(0.0)
    };
    let hi = if k as f64 == n {
        1.0
    } else {
        (centre + half).min(1.0)
    };
    Some([lo, hi])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn paired_difference_by_hand() {
        let a = [10.0, 12.0, 14.0, 16.0];
        let b = [11.0, 14.0, 15.0, 18.0];
        // Differences 1, 2, 1, 2: mean 1.5, sd sqrt(1/3), t_{3,0.975} = 3.182446.
        let d = paired_difference(&a, &b).expect("four pairs");
        assert_eq!(d.n, 4);
        assert_eq!(d.mean, 1.5);
        assert!(close(d.sd, (1.0_f64 / 3.0).sqrt(), 1e-12));
        let h = 3.182_446 * (1.0_f64 / 3.0).sqrt() / 2.0;
        let [lo, hi] = d.ci95.expect("n >= 2");
        assert!(close(lo, 1.5 - h, 1e-5) && close(hi, 1.5 + h, 1e-5));
        assert!(d.distinguishable);
        // Swapping the arms negates the difference.
        let r = paired_difference(&b, &a).expect("four pairs");
        assert_eq!(r.mean, -1.5);
        assert!(r.distinguishable);
    }

    #[test]
    fn paired_difference_drops_incomplete_pairs() {
        let a = [1.0, f64::NAN, 3.0, 4.0];
        let b = [2.0, 5.0, f64::NAN, 6.0];
        let d = paired_difference(&a, &b).expect("two complete pairs");
        assert_eq!(d.n, 2);
        assert_eq!(d.mean, 1.5);
    }

    #[test]
    fn paired_difference_edge_cases() {
        assert_eq!(
            paired_difference(&[1.0, 2.0], &[1.0]),
            None,
            "length mismatch"
        );
        assert_eq!(paired_difference(&[], &[]), None);
        assert_eq!(paired_difference(&[f64::NAN], &[1.0]), None);
        let one = paired_difference(&[1.0], &[3.0]).expect("one pair");
        assert_eq!(
            (one.n, one.mean, one.ci95, one.distinguishable),
            (1, 2.0, None, false)
        );
        // Identical arms: zero-width interval at zero, not distinguishable.
        let same = paired_difference(&[1.0, 2.0, 3.0], &[1.0, 2.0, 3.0]).expect("pairs");
        assert_eq!(same.ci95, Some([0.0, 0.0]));
        assert!(!same.distinguishable);
        // A constant non-zero shift is a certain difference.
        let shift = paired_difference(&[1.0, 2.0, 3.0], &[1.5, 2.5, 3.5]).expect("pairs");
        assert_eq!(shift.ci95, Some([0.5, 0.5]));
        assert!(shift.distinguishable);
    }

    #[test]
    fn noisy_difference_is_not_distinguishable() {
        let a = [10.0, 12.0, 14.0, 16.0];
        let b = [11.0, 11.0, 15.0, 15.0];
        // Differences 1, -1, 1, -1: mean 0.
        let d = paired_difference(&a, &b).expect("pairs");
        assert!(!d.distinguishable);
    }

    #[test]
    fn welch_by_hand() {
        let a = [1.0, 2.0, 3.0, 4.0, 5.0]; // mean 3, var 2.5
        let b = [2.0, 4.0, 6.0]; // mean 4, var 4
        // se² = 2.5/5 + 4/3 = 11/6; df = se⁴ / ((0.5)²/4 + (4/3)²/2) = 3.36111/0.95139 = 3.53285.
        let se2: f64 = 0.5 + 4.0 / 3.0;
        let df = se2 * se2 / (0.25 / 4.0 + (16.0 / 9.0) / 2.0);
        assert!(close(df, 3.532_85, 1e-5));
        let h = t_crit(df, 0.05) * se2.sqrt();
        let [lo, hi] = welch_ci95(&a, &b).expect("defined");
        assert!(close(lo, 1.0 - h, 1e-12) && close(hi, 1.0 + h, 1e-12));
        // t at 3.53 df lies between the table values for 3 (3.182) and 4 (2.776) df.
        assert!(h > 2.776 * se2.sqrt() && h < 3.183 * se2.sqrt());
    }

    #[test]
    fn welch_edge_cases() {
        assert_eq!(welch_ci95(&[1.0], &[1.0, 2.0]), None);
        assert_eq!(welch_ci95(&[1.0, 2.0], &[f64::NAN, 2.0]), None);
        assert_eq!(welch_ci95(&[1.0, 1.0], &[3.0, 3.0, 3.0]), Some([2.0, 2.0]));
        // One side constant: df reduces to n_b - 1 = 2.
        let [lo, hi] = welch_ci95(&[5.0, 5.0], &[1.0, 2.0, 3.0]).expect("defined");
        let h = 4.302_653 * 1.0 / 3.0_f64.sqrt();
        assert!(close(lo, -3.0 - h, 1e-5) && close(hi, -3.0 + h, 1e-5));
    }

    #[test]
    fn pairing_shrinks_the_interval_under_common_random_numbers() {
        // Each replication has a shared level (the common random numbers) plus a small
        // arm-specific term; arm b is better by about 0.5.
        let level = [3.0, 7.5, 5.2, 9.1, 4.4, 6.8, 2.9, 8.3, 5.9, 7.0];
        let noise = [0.05, -0.1, 0.02, 0.08, -0.04, 0.0, 0.06, -0.07, 0.03, -0.02];
        let a: Vec<f64> = level.to_vec();
        let b: Vec<f64> = level.iter().zip(noise).map(|(x, e)| x + 0.5 + e).collect();
        let paired = paired_difference(&a, &b).expect("pairs");
        let [p_lo, p_hi] = paired.ci95.expect("n >= 2");
        let [w_lo, w_hi] = welch_ci95(&a, &b).expect("defined");
        assert!(paired.distinguishable);
        assert!(w_lo < 0.0 && w_hi > 0.0, "Welch cannot tell the arms apart");
        assert!((p_hi - p_lo) * 10.0 < w_hi - w_lo);
        // Both intervals are centred on the same difference of means.
        assert!(close((p_lo + p_hi) / 2.0, (w_lo + w_hi) / 2.0, 1e-12));
    }
    #[test]
    fn wilson_interval_is_sound_at_the_edges() {
        let [lo, hi] = wilson95(0, 100).unwrap();
        assert_eq!(lo, 0.0);
        assert!(hi > 0.0 && hi < 0.05, "{hi}");
        let [lo, hi] = wilson95(100, 100).unwrap();
        assert!(lo > 0.95 && hi == 1.0);
        // textbook value: 20 of 100 → [0.1333, 0.2888]
        let [lo, hi] = wilson95(20, 100).unwrap();
        assert!(
            (lo - 0.1333).abs() < 1e-3 && (hi - 0.2888).abs() < 1e-3,
            "{lo} {hi}"
        );
        assert!(wilson95(0, 0).is_none());
    }
}
