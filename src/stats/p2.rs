//! Online quantile estimation in constant memory (the P² algorithm) and fan-chart accumulators.
//!
//! Jain and Chlamtac (1985), "The P² algorithm for dynamic calculation of quantiles and histograms
//! without storing observations", CACM 28(10). Five markers track the minimum, the `p/2`, `p` and
//! `(1+p)/2` quantiles and the maximum; each new value moves the inner markers by at most one
//! position, adjusting their heights with a piecewise-parabolic formula.
//!
//! The estimate depends on the order in which values are pushed, and estimators cannot be merged;
//! push in replication-index order for reproducible fan charts. A [`FanAccumulator`] that still
//! holds its values (at most [`FAN_EXACT_LIMIT`]) can be replayed onto an earlier one exactly
//! ([`FanAccumulator::absorb`]), which is how two parts of a batch merge bit for bit. The estimate needs a few hundred
//! values to settle in the tails, so [`FanAccumulator`] reports exact percentiles until it has
//! seen [`FAN_EXACT_LIMIT`] values.

use super::{Welford, percentile_sorted};

/// Number of markers in the P² algorithm.
const MARKERS: usize = 5;

/// Online estimator of one quantile `p` of a stream of values (P² algorithm).
///
/// With fewer than five values the estimate is the exact type 7 percentile of those values.
/// Non-finite values are ignored.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct P2Quantile {
    p: f64,
    count: usize,
    /// Marker heights; the first `count` hold the raw values until five have arrived.
    heights: [f64; MARKERS],
    /// Actual marker positions, 1-based (whole numbers stored as `f64`).
    positions: [f64; MARKERS],
    /// Desired positions of the three inner markers (the outer two always sit at the
    /// extremes, so theirs are never needed).
    desired: [f64; MARKERS - 2],
    /// Increments of the inner markers' desired positions per value.
    increments: [f64; MARKERS - 2],
}

impl P2Quantile {
    /// An estimator of the `p` quantile; `None` unless `0 < p < 1`.
    #[must_use]
    pub fn new(p: f64) -> Option<Self> {
        (p > 0.0 && p < 1.0).then(|| Self::with_valid_p(p))
    }

    /// Builds the estimator; `p` must lie strictly between 0 and 1.
    fn with_valid_p(p: f64) -> Self {
        Self {
            p,
            count: 0,
            heights: [0.0; MARKERS],
            positions: [1.0, 2.0, 3.0, 4.0, 5.0],
            desired: [1.0 + 2.0 * p, 1.0 + 4.0 * p, 3.0 + 2.0 * p],
            increments: [p / 2.0, p, (1.0 + p) / 2.0],
        }
    }

    /// The quantile being estimated.
    #[must_use]
    pub fn p(&self) -> f64 {
        self.p
    }

    /// Number of finite values pushed.
    #[must_use]
    pub fn count(&self) -> usize {
        self.count
    }

    /// Adds one value; non-finite values are ignored.
    pub fn push(&mut self, x: f64) {
        if !x.is_finite() {
            return;
        }
        if self.count < MARKERS {
            self.heights[self.count] = x;
            self.count += 1;
            if self.count == MARKERS {
                self.heights.sort_by(f64::total_cmp);
            }
            return;
        }
        self.count += 1;

        // Cell k holds x: heights[k] <= x < heights[k + 1], extending the extremes if needed.
        let q = &mut self.heights;
        let k = if x < q[0] {
            q[0] = x;
            0
        } else if x >= q[4] {
            q[4] = x;
            3
        } else {
            (1..MARKERS).find(|&i| x < q[i]).map_or(3, |i| i - 1)
        };
        for position in &mut self.positions[k + 1..] {
            *position += 1.0;
        }
        for (desired, increment) in self.desired.iter_mut().zip(self.increments) {
            *desired += increment;
        }

        for i in 1..MARKERS - 1 {
            let n = &self.positions;
            let offset = self.desired[i - 1] - n[i];
            if (offset >= 1.0 && n[i + 1] - n[i] > 1.0)
                || (offset <= -1.0 && n[i - 1] - n[i] < -1.0)
            {
                let d = offset.signum();
                let candidate = self.parabolic(i, d);
                let q = &self.heights;
                let height = if q[i - 1] < candidate && candidate < q[i + 1] {
                    candidate
                } else {
                    self.linear(i, d)
                };
                self.heights[i] = height;
                self.positions[i] += d;
            }
        }
    }

    /// Piecewise-parabolic (P²) prediction of marker `i` moved by `d` (±1).
    fn parabolic(&self, i: usize, d: f64) -> f64 {
        let (q, n) = (&self.heights, &self.positions);
        q[i] + d / (n[i + 1] - n[i - 1])
            * ((n[i] - n[i - 1] + d) * (q[i + 1] - q[i]) / (n[i + 1] - n[i])
                + (n[i + 1] - n[i] - d) * (q[i] - q[i - 1]) / (n[i] - n[i - 1]))
    }

    /// Linear prediction of marker `i` moved by `d` (±1) towards its neighbour.
    fn linear(&self, i: usize, d: f64) -> f64 {
        let (q, n) = (&self.heights, &self.positions);
        let j = if d > 0.0 { i + 1 } else { i - 1 };
        q[i] + d * (q[j] - q[i]) / (n[j] - n[i])
    }

    /// Current estimate of the `p` quantile; `None` before any finite value.
    ///
    /// Exact (type 7) while fewer than five values have been pushed.
    #[must_use]
    pub fn estimate(&self) -> Option<f64> {
        match self.count {
            0 => None,
            n if n < MARKERS => {
                let mut seen = [0.0; MARKERS];
                seen[..n].copy_from_slice(&self.heights[..n]);
                let seen = &mut seen[..n];
                seen.sort_by(f64::total_cmp);
                Some(percentile_sorted(seen, self.p))
            }
            _ => Some(self.heights[2]),
        }
    }
}

/// Number of values up to which a [`FanAccumulator`] keeps them and reports exact percentiles.
///
/// P² needs a few hundred values to settle in the tails. On Uniform(0, 1) values its 5th and 95th
/// percentile estimates lie on average 0.06 inside the exact sample percentiles after 20 values
/// (0.15 after 10); after 200 values the average offset is below 0.001 and the root-mean-square
/// difference below 0.01. Up to this limit the exact percentiles are used; above it memory stays
/// bounded.
pub const FAN_EXACT_LIMIT: usize = 200;

/// One band of a fan chart: the 5th, 50th and 95th percentiles and the mean of one quantity (e.g.
/// the waiting list at one week) across replications, in bounded memory.
///
/// Up to [`FAN_EXACT_LIMIT`] values the percentiles are exact (type 7); beyond that they are P²
/// estimates, the estimators having seen every value from the first. Push in replication-index
/// order for reproducible results.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FanAccumulator {
    p5: P2Quantile,
    p50: P2Quantile,
    p95: P2Quantile,
    welford: Welford,
    /// The values pushed, while there are at most [`FAN_EXACT_LIMIT`] of them.
    exact: Vec<f64>,
}

impl Default for FanAccumulator {
    fn default() -> Self {
        Self::new()
    }
}

impl FanAccumulator {
    /// An empty accumulator.
    #[must_use]
    pub fn new() -> Self {
        Self {
            p5: P2Quantile::with_valid_p(0.05),
            p50: P2Quantile::with_valid_p(0.5),
            p95: P2Quantile::with_valid_p(0.95),
            welford: Welford::new(),
            exact: Vec::new(),
        }
    }

    /// Values held exactly (none once past [`FAN_EXACT_LIMIT`]).
    #[must_use]
    pub fn held(&self) -> usize {
        self.exact.len()
    }

    /// Adds one value to every estimator; non-finite values are ignored.
    pub fn push(&mut self, x: f64) {
        if !x.is_finite() {
            return;
        }
        self.p5.push(x);
        self.p50.push(x);
        self.p95.push(x);
        self.welford.push(x);
        if self.is_exact() {
            self.exact.push(x);
        } else if !self.exact.is_empty() {
            self.exact = Vec::new();
        }
    }

    /// Push every value `later` has seen, in its order, as if they had been pushed here:
    /// the result is bit for bit what pushing them one by one gives. Possible while
    /// `later` still holds its values, that is while it has seen at most
    /// [`FAN_EXACT_LIMIT`] of them; otherwise nothing changes and `false` is returned
    /// (P² estimators cannot be combined exactly).
    pub fn absorb(&mut self, later: &FanAccumulator) -> bool {
        if !later.is_exact() {
            return false;
        }
        for &x in &later.exact {
            self.push(x);
        }
        true
    }

    /// Whether the percentiles are exact: at most [`FAN_EXACT_LIMIT`] values have been pushed.
    #[must_use]
    pub fn is_exact(&self) -> bool {
        self.welford.count() <= FAN_EXACT_LIMIT
    }

    /// The 5th, 50th and 95th percentiles, `None` when empty.
    #[must_use]
    pub fn band(&self) -> Option<[f64; 3]> {
        if self.welford.count() == 0 {
            return None;
        }
        if self.is_exact() {
            let mut sorted = self.exact.clone();
            sorted.sort_by(f64::total_cmp);
            return Some([0.05, 0.5, 0.95].map(|p| percentile_sorted(&sorted, p)));
        }
        Some([
            self.p5.estimate()?,
            self.p50.estimate()?,
            self.p95.estimate()?,
        ])
    }

    /// 5th percentile, `None` when empty.
    #[must_use]
    pub fn p5(&self) -> Option<f64> {
        self.band().map(|[p5, _, _]| p5)
    }

    /// Median, `None` when empty.
    #[must_use]
    pub fn p50(&self) -> Option<f64> {
        self.band().map(|[_, p50, _]| p50)
    }

    /// 95th percentile, `None` when empty.
    #[must_use]
    pub fn p95(&self) -> Option<f64> {
        self.band().map(|[_, _, p95]| p95)
    }

    /// Count, mean and variance of the values pushed.
    #[must_use]
    pub fn welford(&self) -> &Welford {
        &self.welford
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// SplitMix64 (Steele, Lea and Flood 2014): a tiny, fixed test-data generator.
    struct SplitMix64(u64);

    impl SplitMix64 {
        fn next_u64(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }

        /// Uniform on [0, 1) with 53 random bits.
        fn uniform(&mut self) -> f64 {
            (self.next_u64() >> 11) as f64 / (1_u64 << 53) as f64
        }
    }

    /// `n` independent Uniform(0, 1) draws.
    fn uniforms(seed: u64, n: usize) -> Vec<f64> {
        let mut g = SplitMix64(seed);
        (0..n).map(|_| g.uniform()).collect()
    }

    /// `n` stratified Uniform(0, 1) draws in random order: one draw in each cell `[k/n, (k+1)/n)`
    /// (each value is uniform on (0, 1)), shuffled. Sample quantiles are within `1/n` of the true
    /// quantiles, so the comparison with the truth measures the estimator, not sampling noise.
    fn stratified_uniforms(seed: u64, n: usize) -> Vec<f64> {
        let mut g = SplitMix64(seed);
        let mut cells: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            let j = (g.next_u64() % (i as u64 + 1)) as usize;
            cells.swap(i, j);
        }
        cells
            .into_iter()
            .map(|k| (k as f64 + g.uniform()) / n as f64)
            .collect()
    }

    fn p2_estimate(p: f64, data: &[f64]) -> f64 {
        let mut est = P2Quantile::new(p).expect("valid p");
        data.iter().for_each(|&x| est.push(x));
        est.estimate().expect("values pushed")
    }

    #[test]
    fn p2_tracks_uniform_quantiles() {
        for seed in 1..=5 {
            let data = stratified_uniforms(seed, 10_000);
            for p in [0.05, 0.5, 0.95] {
                // The true p quantile of Uniform(0, 1) is p.
                let q = p2_estimate(p, &data);
                assert!((q - p).abs() < 0.01, "seed {seed}, p {p}: {q}");
            }
        }
    }

    #[test]
    fn p2_tracks_the_sample_quantile_of_independent_draws() {
        // With independent draws the sample quantile itself scatters around p (sd 0.005 for the
        // median of 10,000), so compare with the exact sample quantile instead.
        for seed in 1..=5 {
            let data = uniforms(seed, 10_000);
            let mut sorted = data.clone();
            sorted.sort_by(f64::total_cmp);
            for p in [0.05, 0.5, 0.95] {
                let (q, exact) = (p2_estimate(p, &data), percentile_sorted(&sorted, p));
                assert!(
                    (q - exact).abs() < 0.003,
                    "seed {seed}, p {p}: {q} vs {exact}"
                );
            }
        }
    }

    #[test]
    fn p2_is_exact_below_five_values() {
        let mut est = P2Quantile::new(0.25).expect("valid p");
        assert_eq!(est.estimate(), None);
        for x in [7.0, 1.0, 3.0] {
            est.push(x);
        }
        // Sorted 1, 3, 7; h = 2 * 0.25 = 0.5 -> 2.
        assert_eq!(est.estimate(), Some(2.0));
        est.push(f64::NAN);
        assert_eq!(est.count(), 3);
    }

    #[test]
    fn p2_median_of_five_is_the_middle_value() {
        let mut est = P2Quantile::new(0.5).expect("valid p");
        for x in [5.0, 1.0, 4.0, 2.0, 3.0] {
            est.push(x);
        }
        assert_eq!(est.estimate(), Some(3.0));
    }

    #[test]
    fn p2_rejects_p_outside_the_open_unit_interval() {
        for p in [0.0, 1.0, -0.1, 1.1, f64::NAN] {
            assert!(P2Quantile::new(p).is_none(), "p = {p}");
        }
    }

    #[test]
    fn p2_is_deterministic_given_push_order() {
        let data = uniforms(42, 2_000);
        let run = || {
            let mut fan = FanAccumulator::new();
            data.iter().for_each(|&x| fan.push(x));
            fan
        };
        assert_eq!(run(), run());
    }

    #[test]
    fn fan_accumulator_pushes_to_all() {
        let mut fan = FanAccumulator::default();
        assert_eq!(
            (fan.p5(), fan.p50(), fan.p95(), fan.band()),
            (None, None, None, None)
        );
        for x in [4.0, 2.0, f64::NAN, 3.0, 1.0] {
            fan.push(x);
        }
        // Exact type 7 on 1, 2, 3, 4: h = 0.15, 1.5, 2.85.
        assert!((fan.p5().expect("values") - 1.15).abs() < 1e-12);
        assert_eq!(fan.p50(), Some(2.5));
        assert!((fan.p95().expect("values") - 3.85).abs() < 1e-12);
        assert_eq!(fan.welford().count(), 4);
        assert_eq!(fan.welford().mean(), Some(2.5));
    }

    #[test]
    fn absorbing_a_later_accumulator_equals_pushing_its_values() {
        // 150 values, then 100 more: across the switch from exact values to P²
        let xs: Vec<f64> = (0..250).map(|i| f64::from((i * 37) % 101) / 7.0).collect();
        let mut whole = FanAccumulator::new();
        xs.iter().for_each(|&x| whole.push(x));
        let (mut head, mut tail) = (FanAccumulator::new(), FanAccumulator::new());
        xs[..150].iter().for_each(|&x| head.push(x));
        xs[150..].iter().for_each(|&x| tail.push(x));
        assert!(head.absorb(&tail));
        assert_eq!(head, whole);
        // a later accumulator past the limit holds no values to replay
        let mut big = FanAccumulator::new();
        xs.iter().for_each(|&x| big.push(x));
        let mut other = FanAccumulator::new();
        other.push(1.0);
        let before = other.clone();
        assert!(!other.absorb(&big));
        assert_eq!(other, before);
    }

    #[test]
    fn fan_is_exact_up_to_the_limit_then_p2() {
        let data = uniforms(9, 5_000);
        let mut fan = FanAccumulator::new();
        let mut p2 = [0.05, 0.5, 0.95].map(|p| P2Quantile::new(p).expect("valid p"));
        for (i, &x) in data.iter().enumerate() {
            fan.push(x);
            p2.iter_mut().for_each(|e| e.push(x));
            let n = i + 1;
            if n == 20 || n == FAN_EXACT_LIMIT {
                let mut sorted = data[..n].to_vec();
                sorted.sort_by(f64::total_cmp);
                let exact = [0.05, 0.5, 0.95].map(|p| percentile_sorted(&sorted, p));
                assert!(fan.is_exact());
                assert_eq!(fan.band(), Some(exact), "n = {n}");
            }
        }
        assert!(!fan.is_exact());
        let estimates = p2.map(|e| e.estimate().expect("values pushed"));
        assert_eq!(fan.band(), Some(estimates));
        let [p5, p50, p95] = estimates;
        assert!(p5 < p50 && p50 < p95);
        assert_eq!(fan.welford().count(), 5_000);
    }

    proptest! {
        #[test]
        fn p2_estimate_stays_within_the_data(
            data in prop::collection::vec(-1e3_f64..1e3, 1..300),
            p in 0.01_f64..0.99,
        ) {
            let mut est = P2Quantile::new(p).expect("valid p");
            data.iter().for_each(|&x| est.push(x));
            let q = est.estimate().expect("values pushed");
            let lo = data.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = data.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            prop_assert!(lo <= q && q <= hi);
        }
    }
}
