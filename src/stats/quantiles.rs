//! Exact percentiles (Hyndman and Fan type 7) and within-replication sample statistics.
//!
//! A replication produces samples such as the waits of every family it allocated; these functions
//! reduce such a sample to the few numbers kept per replication. Percentiles interpolate linearly
//! between order statistics exactly as numpy's default `linear` method does.

/// Percentile of already-sorted finite data, Hyndman and Fan type 7.
///
/// With `n` values `x[0] <= … <= x[n-1]` and `h = (n - 1) p`, returns
/// `x[⌊h⌋] + (h - ⌊h⌋) (x[⌊h⌋ + 1] - x[⌊h⌋])`, using numpy's two-sided interpolation so the result
/// is exact at the order statistics and monotone in `p`. `p` is clamped to `[0, 1]`.
///
/// Returns NaN when `sorted` is empty or `p` is NaN. The data must be sorted ascending and finite;
/// this is not checked.
#[must_use]
pub fn percentile_sorted(sorted: &[f64], p: f64) -> f64 {
    percentile_of_order(sorted.len(), p, |i| sorted[i])
}

/// The type 7 percentile `p` of `n` values, the `i`-th smallest (from 0) being `at(i)`:
/// [`percentile_sorted`] for values held in another form (e.g. counts of each value).
pub(crate) fn percentile_of_order(n: usize, p: f64, at: impl Fn(usize) -> f64) -> f64 {
    if n == 0 || p.is_nan() {
        return f64::NAN;
    }
    let h = (n - 1) as f64 * p.clamp(0.0, 1.0);
    let lower = h.floor();
    // `h` lies in [0, n - 1], so `lower` is a valid index.
    let i = lower as usize;
    if i + 1 < n {
        lerp(at(i), at(i + 1), h - lower)
    } else {
        at(i)
    }
}

/// Linear interpolation from `a` (at `t = 0`) to `b` (at `t = 1`), computed from the nearer end
/// as numpy does, so that `t = 1` gives exactly `b`.
fn lerp(a: f64, b: f64, t: f64) -> f64 {
    let diff = b - a;
    if t >= 0.5 {
        b - diff * (1.0 - t)
    } else {
        a + diff * t
    }
}

/// Statistics of one sample within a replication, e.g. the waits of all families it allocated.
///
/// Every field other than `n` is NaN when the sample has no finite value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SampleStats {
    /// Number of finite values in the sample.
    pub n: usize,
    /// Mean of the finite values.
    pub mean: f64,
    /// Median (type 7).
    pub median: f64,
    /// 90th percentile (type 7).
    pub p90: f64,
}

/// Computes [`SampleStats`] of a sample, skipping non-finite values.
///
/// Sorts `values` in place (by `f64::total_cmp`) to find the order statistics.
#[must_use]
pub fn sample_stats(values: &mut [f64]) -> SampleStats {
    values.sort_by(f64::total_cmp);
    sorted_sample_stats(values)
}

/// [`sample_stats`] of values already sorted by [`f64::total_cmp`] (any finite values sorted
/// ascending are), without sorting them again.
#[must_use]
pub fn sorted_sample_stats(values: &[f64]) -> SampleStats {
    debug_assert!(values.is_sorted_by(|a, b| a.total_cmp(b).is_le()));
    // total_cmp puts negative NaN and -inf first and +inf and positive NaN last, so the finite
    // values form one contiguous run.
    let finite = match (
        values.iter().position(|x| x.is_finite()),
        values.iter().rposition(|x| x.is_finite()),
    ) {
        (Some(first), Some(last)) => &values[first..=last],
        _ => &[],
    };
    let n = finite.len();
    if n == 0 {
        return SampleStats {
            n: 0,
            mean: f64::NAN,
            median: f64::NAN,
            p90: f64::NAN,
        };
    }
    SampleStats {
        n,
        mean: finite.iter().sum::<f64>() / n as f64,
        median: percentile_sorted(finite, 0.5),
        p90: percentile_sorted(finite, 0.9),
    }
}

/// Share of the finite values that are at most `target`, e.g. the share of families allocated
/// within a target wait. NaN when there is no finite value.
#[must_use]
pub fn share_at_most(values: &[f64], target: f64) -> f64 {
    let (finite, within) = values
        .iter()
        .filter(|x| x.is_finite())
        .fold((0_usize, 0_usize), |(n, k), &x| {
            (n + 1, k + usize::from(x <= target))
        });
    if finite == 0 {
        return f64::NAN;
    }
    within as f64 / finite as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12
    }

    #[test]
    fn percentiles_match_numpy_linear() {
        // numpy.percentile([1, 2, 3, 4, 5], [5, 50, 95]) == [1.2, 3.0, 4.8]
        let a = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert!(close(percentile_sorted(&a, 0.05), 1.2));
        assert_eq!(percentile_sorted(&a, 0.5), 3.0);
        assert!(close(percentile_sorted(&a, 0.95), 4.8));
        // numpy.percentile([15, 20, 35, 40, 50], 40) == 29.0: h = 1.6, 20 + 0.6 * 15.
        assert!(close(
            percentile_sorted(&[15.0, 20.0, 35.0, 40.0, 50.0], 0.4),
            29.0
        ));
        // numpy.percentile([3, 6, 7, 8, 8, 10, 13, 15, 16, 20], [25, 50, 75])
        //   == [7.25, 9.0, 14.5]
        let b = [3.0, 6.0, 7.0, 8.0, 8.0, 10.0, 13.0, 15.0, 16.0, 20.0];
        assert!(close(percentile_sorted(&b, 0.25), 7.25));
        assert!(close(percentile_sorted(&b, 0.5), 9.0));
        assert!(close(percentile_sorted(&b, 0.75), 14.5));
        // numpy.percentile([1, 2, 3, 4], 90) == 3.7: h = 2.7.
        assert!(close(percentile_sorted(&[1.0, 2.0, 3.0, 4.0], 0.9), 3.7));
    }

    #[test]
    fn percentile_edges() {
        let a = [2.0, 4.0, 8.0];
        assert_eq!(percentile_sorted(&a, 0.0), 2.0);
        assert_eq!(percentile_sorted(&a, 1.0), 8.0);
        assert_eq!(percentile_sorted(&a, -0.5), 2.0, "clamped");
        assert_eq!(percentile_sorted(&a, 1.5), 8.0, "clamped");
        assert_eq!(percentile_sorted(&[6.0], 0.3), 6.0);
        assert!(percentile_sorted(&[], 0.5).is_nan());
        assert!(percentile_sorted(&a, f64::NAN).is_nan());
    }

    #[test]
    fn sample_stats_by_hand() {
        let mut waits = [9.0, 1.0, f64::NAN, 4.0, 2.0, 7.0, f64::INFINITY];
        let s = sample_stats(&mut waits);
        assert_eq!(s.n, 5);
        assert!(close(s.mean, 23.0 / 5.0));
        assert_eq!(s.median, 4.0);
        // Sorted 1, 2, 4, 7, 9; h = 4 * 0.9 = 3.6 -> 7 + 0.6 * 2.
        assert!(close(s.p90, 8.2));
    }

    #[test]
    fn sample_stats_of_nothing_is_nan() {
        let s = sample_stats(&mut []);
        assert_eq!(s.n, 0);
        assert!(s.mean.is_nan() && s.median.is_nan() && s.p90.is_nan());
        let s = sample_stats(&mut [f64::NAN, -f64::NAN]);
        assert_eq!(s.n, 0);
        assert!(s.mean.is_nan());
    }

    #[test]
    fn share_at_most_by_hand() {
        let waits = [1.0, 5.0, 10.0, 20.0, f64::NAN];
        assert_eq!(share_at_most(&waits, 10.0), 0.75);
        assert_eq!(share_at_most(&waits, 0.0), 0.0);
        assert!(share_at_most(&[f64::NAN], 1.0).is_nan());
    }

    proptest! {
        #[test]
        fn percentile_is_monotone_and_bounded(
            mut data in prop::collection::vec(-1e6_f64..1e6, 1..40),
            p in 0.0_f64..=1.0,
            q in 0.0_f64..=1.0,
        ) {
            data.sort_by(f64::total_cmp);
            let (lo, hi) = if p <= q { (p, q) } else { (q, p) };
            let (x_lo, x_hi) = (percentile_sorted(&data, lo), percentile_sorted(&data, hi));
            prop_assert!(x_lo <= x_hi);
            prop_assert!(data[0] <= x_lo && x_hi <= data[data.len() - 1]);
        }
    }
}
