//! A mergeable online accumulator of count, mean and variance (Welford; Chan et al. to merge).
//!
//! Used where values arrive one at a time and keeping them all is wasteful, e.g. a quantity
//! observed at every reporting period of every replication. Accumulators built over parts of the
//! data can be merged; merging in a fixed order (replication index) keeps results reproducible.

use super::{ALPHA_95, t_crit};

/// Running count, mean and sum of squared deviations (`M2`) of a stream of values.
///
/// Non-finite values are ignored, as everywhere in [`crate::stats`].
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Welford {
    count: usize,
    mean: f64,
    m2: f64,
}

impl Welford {
    /// An empty accumulator.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one value; non-finite values are ignored.
    pub fn push(&mut self, x: f64) {
        if !x.is_finite() {
            return;
        }
        self.count += 1;
        let delta = x - self.mean;
        self.mean += delta / self.count as f64;
        self.m2 += delta * (x - self.mean);
    }

    /// Folds `other` into `self`, as if its values had been pushed here.
    ///
    /// Equal to a single pass up to rounding (Chan, Golub and LeVeque's pairwise update).
    pub fn merge(&mut self, other: &Welford) {
        if other.count == 0 {
            return;
        }
        if self.count == 0 {
            *self = *other;
            return;
        }
        let (n_a, n_b) = (self.count as f64, other.count as f64);
        let n = n_a + n_b;
        let delta = other.mean - self.mean;
        self.mean += delta * n_b / n;
        self.m2 += other.m2 + delta * delta * n_a * n_b / n;
        self.count += other.count;
    }

    /// Number of finite values pushed.
    #[must_use]
    pub fn count(&self) -> usize {
        self.count
    }

    /// Mean of the values, `None` when empty.
    #[must_use]
    pub fn mean(&self) -> Option<f64> {
        (self.count > 0).then_some(self.mean)
    }

    /// Sample variance (divisor `n - 1`), `None` with fewer than two values.
    #[must_use]
    pub fn variance(&self) -> Option<f64> {
        (self.count > 1).then(|| (self.m2 / (self.count - 1) as f64).max(0.0))
    }

    /// Sample standard deviation, `None` with fewer than two values.
    #[must_use]
    pub fn sd(&self) -> Option<f64> {
        self.variance().map(f64::sqrt)
    }

    /// Student-t 95% confidence interval of the mean, `None` with fewer than two values.
    #[must_use]
    pub fn ci95(&self) -> Option<[f64; 2]> {
        let sd = self.sd()?;
        let n = self.count as f64;
        let half_width = t_crit(n - 1.0, ALPHA_95) * sd / n.sqrt();
        half_width
            .is_finite()
            .then_some([self.mean - half_width, self.mean + half_width])
    }
}

impl Extend<f64> for Welford {
    fn extend<I: IntoIterator<Item = f64>>(&mut self, iter: I) {
        for x in iter {
            self.push(x);
        }
    }
}

impl FromIterator<f64> for Welford {
    fn from_iter<I: IntoIterator<Item = f64>>(iter: I) -> Self {
        let mut acc = Self::new();
        acc.extend(iter);
        acc
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::summarize;
    use proptest::prelude::*;

    fn rel_close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol * a.abs().max(b.abs()).max(1.0)
    }

    #[test]
    fn welford_by_hand() {
        let acc: Welford = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]
            .into_iter()
            .collect();
        assert_eq!(acc.count(), 8);
        assert_eq!(acc.mean(), Some(5.0));
        // Sum of squared deviations 32, divided by 7.
        assert!(rel_close(
            acc.variance().expect("n >= 2"),
            32.0 / 7.0,
            1e-14
        ));
    }

    #[test]
    fn empty_and_single() {
        let mut acc = Welford::new();
        assert_eq!((acc.mean(), acc.variance(), acc.ci95()), (None, None, None));
        acc.push(f64::NAN);
        assert_eq!(acc.count(), 0);
        acc.push(3.0);
        assert_eq!(
            (acc.mean(), acc.variance(), acc.ci95()),
            (Some(3.0), None, None)
        );
    }

    #[test]
    fn merge_equals_single_pass() {
        let data: Vec<f64> = (0..1000)
            .map(|i| ((i * 37) % 101) as f64 * 0.25 + 1e6)
            .collect();
        let whole: Welford = data.iter().copied().collect();
        let mut merged = Welford::new();
        for chunk in data.chunks(77) {
            merged.merge(&chunk.iter().copied().collect());
        }
        assert_eq!(merged.count(), whole.count());
        let (m, w) = (merged.mean().expect("n"), whole.mean().expect("n"));
        assert!(rel_close(m, w, 1e-14));
        let (vm, vw) = (merged.variance().expect("n"), whole.variance().expect("n"));
        assert!(rel_close(vm, vw, 1e-10), "{vm} vs {vw}");
    }

    #[test]
    fn agrees_with_summarize() {
        let data = [3.2, 1.1, 4.8, 2.6, 5.0, 3.3];
        let acc: Welford = data.into_iter().collect();
        let s = summarize(&data).expect("values");
        assert!(rel_close(acc.mean().expect("n"), s.mean, 1e-14));
        assert!(rel_close(acc.sd().expect("n"), s.sd, 1e-12));
        let ([a_lo, a_hi], [s_lo, s_hi]) = (acc.ci95().expect("n"), s.ci95.expect("n"));
        assert!(rel_close(a_lo, s_lo, 1e-12) && rel_close(a_hi, s_hi, 1e-12));
    }

    #[test]
    fn merging_empty_is_identity() {
        let mut acc: Welford = [1.0, 2.0].into_iter().collect();
        let before = acc;
        acc.merge(&Welford::new());
        assert_eq!(acc, before);
        let mut empty = Welford::new();
        empty.merge(&before);
        assert_eq!(empty, before);
    }

    proptest! {
        #[test]
        fn any_split_merges_to_the_single_pass(
            data in prop::collection::vec(-1e3_f64..1e3, 2..60),
            cut in 0_usize..60,
        ) {
            let cut = cut.min(data.len());
            let whole: Welford = data.iter().copied().collect();
            let mut left: Welford = data[..cut].iter().copied().collect();
            left.merge(&data[cut..].iter().copied().collect());
            prop_assert_eq!(left.count(), whole.count());
            prop_assert!(rel_close(left.mean().unwrap_or(f64::NAN), whole.mean().unwrap_or(0.0), 1e-12));
            prop_assert!((left.variance().unwrap_or(f64::NAN) - whole.variance().unwrap_or(0.0)).abs() <= 1e-9 * whole.variance().unwrap_or(0.0).max(1.0));
        }
    }
}
