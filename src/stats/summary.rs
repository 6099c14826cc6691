//! Summaries of one measure across replications, and the precision they reach.
//!
//! A summary is the mean with its Student-t 95% confidence interval and the 5th, 50th and 95th
//! percentiles across replications. The relative half-width of the interval drives the sequential
//! choice of the number of replications.

use super::{ALPHA_95, percentile_sorted, t_crit};

/// Summary of one measure across replications.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Summary {
    /// Number of replications with a finite value of the measure.
    pub n: usize,
    /// Mean across those replications.
    pub mean: f64,
    /// Sample standard deviation (divisor `n - 1`); `0.0` when `n < 2`.
    pub sd: f64,
    /// Student-t 95% confidence interval of the mean; `None` when `n < 2`
    /// ("undefined: need >= 2 replications"); `[mean, mean]` when `sd == 0`.
    pub ci95: Option<[f64; 2]>,
    /// 5th percentile across replications (type 7).
    pub p5: f64,
    /// Median across replications (type 7).
    pub p50: f64,
    /// 95th percentile across replications (type 7).
    pub p95: f64,
}

impl Summary {
    /// Half-width of the 95% confidence interval, `None` when the interval is undefined.
    #[must_use]
    pub fn half_width(&self) -> Option<f64> {
        self.ci95.map(|[lo, hi]| (hi - lo) / 2.0)
    }
}

/// Summarises one measure across replications.
///
/// `values` holds one value per replication, in replication order. Non-finite values (a
/// replication with no observation of this measure) are skipped and `n` counts the finite ones.
/// Returns `None` when no value is finite.
#[must_use]
pub fn summarize(values: &[f64]) -> Option<Summary> {
    let sorted = finite_sorted(values);
    if sorted.is_empty() {
        return None;
    }
    let n = sorted.len();
    let (mean, sd) = mean_sd(&sorted);
    Some(Summary {
        n,
        mean,
        sd,
        ci95: ci95_of_mean(n, mean, sd),
        p5: percentile_sorted(&sorted, 0.05),
        p50: percentile_sorted(&sorted, 0.5),
        p95: percentile_sorted(&sorted, 0.95),
    })
}

/// Relative half-width of the 95% confidence interval of the mean: half-width / |mean|.
///
/// This is the precision measure of the sequential "add replications until precise enough"
/// procedure. Returns `None` when the interval is undefined (fewer than two finite values) or the
/// mean is zero.
#[must_use]
pub fn relative_half_width(values: &[f64]) -> Option<f64> {
    let summary = summarize(values)?;
    let half_width = summary.half_width()?;
    if summary.mean == 0.0 {
        return None;
    }
    Some(half_width / summary.mean.abs())
}

/// Smallest number of replications expected to reach a relative half-width of at most `target`.
///
/// The confidence-interval method for choosing the number of replications: with the current mean
/// `m` and sample sd `s` held fixed, returns the smallest `n`, no smaller than the number of finite
/// values already present, with `t_{n-1, 0.975} * s / sqrt(n) <= target * |m|`. For values with
/// mean 10 and sd 2 and a target of 0.05 this is 64.
///
/// Returns `None` when `target` is not a positive finite number, when there are fewer than two
/// finite values, when the mean is zero, or when the answer would exceed 10^12.
#[must_use]
pub fn replications_needed(values: &[f64], target: f64) -> Option<usize> {
    const MAX_REPLICATIONS: f64 = 1e12;
    if !target.is_finite() || target <= 0.0 {
        return None;
    }
    let summary = summarize(values)?;
    if summary.n < 2 || summary.mean == 0.0 {
        return None;
    }
    if summary.sd == 0.0 {
        return Some(summary.n);
    }
    let ratio = summary.sd / (target * summary.mean.abs());
    // t_{n-1} >= z for every n, so the normal-theory answer is a lower bound.
    let z = t_crit(f64::INFINITY, ALPHA_95);
    let lower = (z * ratio).powi(2).ceil();
    if !lower.is_finite() || lower > MAX_REPLICATIONS {
        return None;
    }
    // `lower` is a non-negative integer below 10^12, so the conversion is exact.
    let start = summary.n.max(lower as usize).max(2);
    // The t-based answer exceeds the normal bound by a handful of replications; the bound on the
    // loop only guards against a non-terminating search.
    (start..start.saturating_add(100_000)).find(|&n| {
        let n_f = n as f64;
        t_crit(n_f - 1.0, ALPHA_95) * ratio / n_f.sqrt() <= 1.0
    })
}

/// Finite values of `values`, sorted ascending.
fn finite_sorted(values: &[f64]) -> Vec<f64> {
    let mut finite: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    finite.sort_by(f64::total_cmp);
    finite
}

/// Mean and sample sd of finite values (at least one). Identical values give exactly
/// `(value, 0.0)`; otherwise a corrected two-pass computation.
pub(super) fn mean_sd(values: &[f64]) -> (f64, f64) {
    let n = values.len();
    let first = values.first().copied().unwrap_or(f64::NAN);
    if values.iter().all(|&x| x == first) {
        return (first, 0.0);
    }
    let n_f = n as f64;
    let mean = values.iter().sum::<f64>() / n_f;
    let (sum_sq, sum_dev) = values.iter().fold((0.0, 0.0), |(sq, dev), &x| {
        let d = x - mean;
        (sq + d * d, dev + d)
    });
    let variance = ((sum_sq - sum_dev * sum_dev / n_f) / (n_f - 1.0)).max(0.0);
    (mean, variance.sqrt())
}

/// Student-t 95% confidence interval of a mean from `n` values with sample sd `sd`.
fn ci95_of_mean(n: usize, mean: f64, sd: f64) -> Option<[f64; 2]> {
    if n < 2 {
        return None;
    }
    if sd == 0.0 {
        return Some([mean, mean]);
    }
    let n_f = n as f64;
    let half_width = t_crit(n_f - 1.0, ALPHA_95) * sd / n_f.sqrt();
    half_width
        .is_finite()
        .then_some([mean - half_width, mean + half_width])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn summary_of_one_to_five() {
        let s = summarize(&[1.0, 2.0, 3.0, 4.0, 5.0]).expect("five finite values");
        assert_eq!(s.n, 5);
        assert_eq!(s.mean, 3.0);
        // Deviations -2..2: sum of squares 10, divided by n - 1 = 4.
        assert!(close(s.sd, 2.5_f64.sqrt(), 1e-12));
        // t_{4, 0.975} = 2.776445 (table value 2.776).
        let h = 2.776_445 * 2.5_f64.sqrt() / 5.0_f64.sqrt();
        let [lo, hi] = s.ci95.expect("n >= 2");
        assert!(close(lo, 3.0 - h, 1e-5), "lo = {lo}");
        assert!(close(hi, 3.0 + h, 1e-5), "hi = {hi}");
        assert!(close(s.half_width().expect("n >= 2"), h, 1e-5));
        assert_eq!(s.p50, 3.0);
        // Type 7: h = 4 * 0.05 = 0.2 -> 1 + 0.2 * (2 - 1).
        assert!(close(s.p5, 1.2, 1e-12));
        assert!(close(s.p95, 4.8, 1e-12));
    }

    #[test]
    fn one_replication_has_no_interval() {
        let s = summarize(&[7.5]).expect("one finite value");
        assert_eq!(s.n, 1);
        assert_eq!(s.mean, 7.5);
        assert_eq!(s.sd, 0.0);
        assert_eq!(s.ci95, None);
        assert_eq!(s.half_width(), None);
        assert_eq!((s.p5, s.p50, s.p95), (7.5, 7.5, 7.5));
        assert_eq!(relative_half_width(&[7.5]), None);
    }

    #[test]
    fn zero_variance_gives_a_zero_width_interval() {
        // 0.1 is not exactly representable; the interval must still be exactly [m, m].
        let s = summarize(&[0.1; 7]).expect("seven values");
        assert_eq!(s.mean, 0.1);
        assert_eq!(s.sd, 0.0);
        assert_eq!(s.ci95, Some([0.1, 0.1]));
        assert_eq!(relative_half_width(&[0.1; 7]), Some(0.0));
    }

    #[test]
    fn non_finite_values_are_skipped() {
        let with_gaps = [f64::NAN, 1.0, 2.0, f64::INFINITY, 3.0, 4.0, 5.0, f64::NAN];
        let s = summarize(&with_gaps).expect("five finite values");
        assert_eq!(
            s,
            summarize(&[1.0, 2.0, 3.0, 4.0, 5.0]).expect("five values")
        );
        assert_eq!(s.n, 5);
    }

    #[test]
    fn empty_or_all_missing_is_none() {
        assert_eq!(summarize(&[]), None);
        assert_eq!(summarize(&[f64::NAN, f64::NAN]), None);
        assert_eq!(relative_half_width(&[]), None);
    }

    #[test]
    fn order_of_replications_does_not_change_the_summary() {
        let a = summarize(&[4.0, 1.0, 5.0, 2.0, 3.0]).expect("values");
        let b = summarize(&[1.0, 2.0, 3.0, 4.0, 5.0]).expect("values");
        assert_eq!(a, b);
    }

    #[test]
    fn relative_half_width_by_hand() {
        // Mean 10, sd 2 (deviations -2, 0, 2), n = 3: h = t_{2,0.975} * 2 / sqrt(3).
        let rel = relative_half_width(&[8.0, 10.0, 12.0]).expect("defined");
        let h = 4.302_653 * 2.0 / 3.0_f64.sqrt();
        assert!(close(rel, h / 10.0, 1e-6), "rel = {rel}");
        assert_eq!(relative_half_width(&[-1.0, 1.0]), None, "mean zero");
        // Negative means use |mean|.
        let neg = relative_half_width(&[-8.0, -10.0, -12.0]).expect("defined");
        assert!(close(neg, rel, 1e-12));
    }

    #[test]
    fn replications_needed_worked_example() {
        // Mean 10, sd 2, target 5%: need t_{n-1} / sqrt(n) <= 0.25.
        // n = 63: t_62 = 1.9990, / 7.9373 = 0.2518 (too wide);
        // n = 64: t_63 = 1.9983, / 8 = 0.2498 (enough).
        assert_eq!(replications_needed(&[8.0, 10.0, 12.0], 0.05), Some(64));
        // Already precise enough: the current count is returned.
        assert_eq!(replications_needed(&[8.0, 10.0, 12.0], 10.0), Some(3));
        // Zero spread needs nothing more.
        assert_eq!(replications_needed(&[5.0, 5.0], 0.01), Some(2));
        assert_eq!(replications_needed(&[5.0], 0.01), None);
        assert_eq!(replications_needed(&[-1.0, 1.0], 0.01), None);
        assert_eq!(replications_needed(&[8.0, 10.0, 12.0], 0.0), None);
        assert_eq!(replications_needed(&[8.0, 10.0, 12.0], f64::NAN), None);
    }

    #[test]
    fn replications_needed_reaches_the_target() {
        let values = [3.1, 2.7, 3.9, 3.3, 2.2, 4.0, 3.5];
        let s = summarize(&values).expect("values");
        let n = replications_needed(&values, 0.02).expect("defined");
        let rel = |n: usize| t_crit(n as f64 - 1.0, ALPHA_95) * s.sd / (n as f64).sqrt() / s.mean;
        assert!(rel(n) <= 0.02);
        assert!(rel(n - 1) > 0.02);
    }

    #[test]
    fn summary_serializes_missing_interval_as_null() {
        let s = summarize(&[2.0]).expect("value");
        let json = serde_json::to_string(&s).expect("serializable");
        assert_eq!(
            json,
            r#"{"n":1,"mean":2.0,"sd":0.0,"ci95":null,"p5":2.0,"p50":2.0,"p95":2.0}"#
        );
    }
}
