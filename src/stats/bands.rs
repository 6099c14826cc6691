//! Bands across replications of one weekly quantity: exact counts for whole-number series,
//! P² estimates for continuous ones.
//!
//! A waiting list or a caseload is a whole number, and across replications it takes few
//! distinct values in any one week. [`CountBand`] counts how often each value occurs: its
//! percentiles are the exact type 7 percentiles of every value pushed, its mean and
//! variance come from exact integer sums, and two of them merge exactly whatever their
//! sizes (the counts add), so a batch split in any number of parts gives the same band
//! bit for bit. A continuous series (the share of hours committed) keeps the bounded
//! [`FanAccumulator`].

use super::FanAccumulator;
use super::quantiles::percentile_of_order;

/// Counts of each whole number pushed (at most `u32::MAX`), with exact sums.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CountBand {
    /// The smallest value that `counts` covers.
    low: u32,
    /// `counts[k]`: how often `low + k` was pushed.
    counts: Vec<u64>,
    n: u64,
    sum: u128,
    sum_sq: u128,
}

impl CountBand {
    /// An empty band.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one value. Non-finite values are ignored, as everywhere in this module; a
    /// value must otherwise be a whole number from 0 to `u32::MAX` (a count).
    pub fn push(&mut self, x: f64) {
        if !x.is_finite() {
            return;
        }
        debug_assert!(
            x >= 0.0 && x.fract() == 0.0 && x <= f64::from(u32::MAX),
            "{x} is not a count"
        );
        self.add(x as u32, 1);
    }

    fn add(&mut self, v: u32, times: u64) {
        if self.counts.is_empty() {
            self.low = v;
        } else if v < self.low {
            let grow = (self.low - v) as usize;
            self.counts.splice(0..0, std::iter::repeat_n(0, grow));
            self.low = v;
        }
        let k = (v - self.low) as usize;
        if k >= self.counts.len() {
            self.counts.resize(k + 1, 0);
        }
        self.counts[k] += times;
        self.n += times;
        let (v, t) = (u128::from(v), u128::from(times));
        self.sum += v * t;
        self.sum_sq += v * v * t;
    }

    /// Adds every value `other` has counted: the same band as pushing them here.
    pub fn absorb(&mut self, other: &CountBand) {
        for (k, &c) in other.counts.iter().enumerate() {
            if c > 0 {
                self.add(other.low + k as u32, c);
            }
        }
    }

    /// Values counted.
    #[must_use]
    pub fn count(&self) -> usize {
        self.n as usize
    }

    /// The mean, `None` when empty.
    #[must_use]
    pub fn mean(&self) -> Option<f64> {
        (self.n > 0).then(|| self.sum as f64 / self.n as f64)
    }

    /// The sample variance (divisor `n - 1`), `None` with fewer than two values.
    #[must_use]
    pub fn variance(&self) -> Option<f64> {
        if self.n < 2 {
            return None;
        }
        // n Σx² − (Σx)², exact in integers: n (n − 1) times the sample variance
        let n = u128::from(self.n);
        let spread = n * self.sum_sq - self.sum * self.sum;
        Some(spread as f64 / (n * (n - 1)) as f64)
    }

    /// The `i`-th smallest value pushed (from 0).
    fn at(&self, i: usize) -> f64 {
        let mut seen = 0u64;
        for (k, &c) in self.counts.iter().enumerate() {
            seen += c;
            if seen > i as u64 {
                return f64::from(self.low + k as u32);
            }
        }
        f64::NAN
    }

    /// Type 7 percentile `p`, `None` when empty.
    #[must_use]
    pub fn percentile(&self, p: f64) -> Option<f64> {
        (self.n > 0).then(|| percentile_of_order(self.n as usize, p, |i| self.at(i)))
    }
}

/// The band of one weekly series across replications: the 5th, 50th and 95th percentiles,
/// the mean and the spread.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BandAccumulator {
    /// A whole-number series, counted exactly.
    Counts(CountBand),
    /// A continuous series counted exactly on a grid of `1 / per_unit` (each value
    /// rounded to it): exact percentiles, mean and spread of the rounded values, and an
    /// exact merge at any size.
    Grid {
        /// The values times `per_unit`, rounded to whole numbers.
        band: CountBand,
        /// Grid points per unit, e.g. 1000 for steps of 0.001.
        per_unit: u32,
    },
    /// A continuous series: exact up to [`super::FAN_EXACT_LIMIT`] values, P² beyond.
    Levels(Box<FanAccumulator>),
}

impl BandAccumulator {
    /// An empty band for a whole-number series (`counts`) or a continuous one.
    #[must_use]
    pub fn new(counts: bool) -> Self {
        if counts {
            Self::Counts(CountBand::new())
        } else {
            Self::Levels(Box::default())
        }
    }

    /// An empty band counting a continuous series on a grid of `1 / per_unit` (at least 1).
    #[must_use]
    pub fn on_grid(per_unit: u32) -> Self {
        Self::Grid {
            band: CountBand::new(),
            per_unit: per_unit.max(1),
        }
    }

    /// Adds one value; non-finite values are ignored.
    pub fn push(&mut self, x: f64) {
        match self {
            Self::Counts(c) => c.push(x),
            Self::Grid { band, per_unit } => {
                if x.is_finite() {
                    band.push(
                        (x * f64::from(*per_unit))
                            .round()
                            .clamp(0.0, f64::from(u32::MAX)),
                    );
                }
            }
            Self::Levels(f) => f.push(x),
        }
    }

    /// Whether [`BandAccumulator::absorb`] can take this band's values exactly.
    #[must_use]
    pub fn is_exact(&self) -> bool {
        match self {
            Self::Counts(_) | Self::Grid { .. } => true,
            Self::Levels(f) => f.is_exact(),
        }
    }

    /// Adds every value of `later` (pushed after this band's own), exactly as pushing them
    /// one by one would; `false`, changing nothing, if that is not possible (the kinds
    /// differ, or `later` has passed to P² estimates).
    pub fn absorb(&mut self, later: &BandAccumulator) -> bool {
        match (self, later) {
            (Self::Counts(c), Self::Counts(l)) => {
                c.absorb(l);
                true
            }
            (
                Self::Grid { band, per_unit },
                Self::Grid {
                    band: l,
                    per_unit: u,
                },
            ) if per_unit == u => {
                band.absorb(l);
                true
            }
            (Self::Levels(f), Self::Levels(l)) => f.absorb(l),
            _ => false,
        }
    }

    /// The 5th, 50th and 95th percentiles, `None` when empty.
    #[must_use]
    pub fn band(&self) -> Option<[f64; 3]> {
        match self {
            Self::Counts(c) => (c.count() > 0)
                .then(|| [0.05, 0.5, 0.95].map(|p| c.percentile(p).unwrap_or(f64::NAN))),
            Self::Grid { band, per_unit } => (band.count() > 0).then(|| {
                [0.05, 0.5, 0.95]
                    .map(|p| band.percentile(p).unwrap_or(f64::NAN) / f64::from(*per_unit))
            }),
            Self::Levels(f) => f.band(),
        }
    }

    /// 5th percentile, `None` when empty.
    #[must_use]
    pub fn p5(&self) -> Option<f64> {
        self.band().map(|b| b[0])
    }

    /// Median, `None` when empty.
    #[must_use]
    pub fn p50(&self) -> Option<f64> {
        self.band().map(|b| b[1])
    }

    /// 95th percentile, `None` when empty.
    #[must_use]
    pub fn p95(&self) -> Option<f64> {
        self.band().map(|b| b[2])
    }

    /// Whether its parts agree (what a band read back from text must show before use): a
    /// counted band's counts add up to its count and its values fit a `u32`; a continuous
    /// one holds its values only while they are few enough to keep.
    #[must_use]
    pub fn consistent(&self) -> bool {
        let counted = |c: &CountBand| {
            c.counts.iter().try_fold(0u64, |a, &k| a.checked_add(k)) == Some(c.n)
                && u32::try_from(c.counts.len()).is_ok_and(|len| c.low.checked_add(len).is_some())
        };
        match self {
            Self::Counts(c) => counted(c),
            Self::Grid { band, per_unit } => *per_unit > 0 && counted(band),
            Self::Levels(f) => f.held() <= super::FAN_EXACT_LIMIT,
        }
    }

    /// Values pushed.
    #[must_use]
    pub fn count(&self) -> usize {
        match self {
            Self::Counts(c) | Self::Grid { band: c, .. } => c.count(),
            Self::Levels(f) => f.welford().count(),
        }
    }

    /// The mean, `None` when empty.
    #[must_use]
    pub fn mean(&self) -> Option<f64> {
        match self {
            Self::Counts(c) => c.mean(),
            Self::Grid { band, per_unit } => band.mean().map(|m| m / f64::from(*per_unit)),
            Self::Levels(f) => f.welford().mean(),
        }
    }

    /// The sample variance, `None` with fewer than two values.
    #[must_use]
    pub fn variance(&self) -> Option<f64> {
        match self {
            Self::Counts(c) => c.variance(),
            Self::Grid { band, per_unit } => band
                .variance()
                .map(|v| v / (f64::from(*per_unit) * f64::from(*per_unit))),
            Self::Levels(f) => f.welford().variance(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_grid_band_counts_rounded_values_exactly_and_merges_at_any_size() {
        let xs: Vec<f64> = (0..1000)
            .map(|k| 0.5 + ((k * 7919) % 997) as f64 / 1994.0)
            .collect();
        let mut whole = BandAccumulator::on_grid(1000);
        let (mut first, mut second) = (
            BandAccumulator::on_grid(1000),
            BandAccumulator::on_grid(1000),
        );
        for (k, &x) in xs.iter().enumerate() {
            whole.push(x);
            if k < 600 {
                first.push(x)
            } else {
                second.push(x)
            }
        }
        whole.push(f64::NAN); // ignored
        assert!(first.absorb(&second));
        assert_eq!(first, whole, "merged equals one run, at 600 + 400 values");
        // the band is the exact type 7 percentile of the values rounded to 0.001
        let mut rounded: Vec<f64> = xs.iter().map(|x| (x * 1000.0).round() / 1000.0).collect();
        rounded.sort_by(f64::total_cmp);
        let [p5, p50, p95] = whole.band().unwrap();
        for (got, p) in [(p5, 0.05), (p50, 0.5), (p95, 0.95)] {
            let want = crate::stats::percentile_sorted(&rounded, p);
            assert!((got - want).abs() < 1e-12, "{p}: {got} vs {want}");
        }
        let mean = rounded.iter().sum::<f64>() / rounded.len() as f64;
        assert!((whole.mean().unwrap() - mean).abs() < 1e-12);
        assert_eq!(whole.count(), 1000);
        // another grid does not merge
        assert!(!first.absorb(&BandAccumulator::on_grid(100)));
    }

    use crate::stats::percentile_sorted;
    use proptest::prelude::*;

    proptest! {
        /// Percentiles, mean and variance agree with the values held and sorted.
        #[test]
        fn a_count_band_gives_the_exact_statistics(
            values in proptest::collection::vec(0u32..60, 1..400),
            p in 0.0f64..=1.0,
        ) {
            let mut band = CountBand::new();
            values.iter().for_each(|&v| band.push(f64::from(v)));
            let mut sorted: Vec<f64> = values.iter().map(|&v| f64::from(v)).collect();
            sorted.sort_by(f64::total_cmp);
            prop_assert_eq!(band.percentile(p), Some(percentile_sorted(&sorted, p)));
            let n = sorted.len() as f64;
            let mean = sorted.iter().sum::<f64>() / n;
            prop_assert!((band.mean().unwrap() - mean).abs() <= 1e-12 * mean.max(1.0));
            if sorted.len() > 1 {
                let var = sorted.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
                prop_assert!((band.variance().unwrap() - var).abs() <= 1e-9 * var.max(1.0));
            }
        }

        /// Split anywhere, the parts absorbed into one another give the whole band exactly.
        #[test]
        fn count_bands_merge_exactly(
            values in proptest::collection::vec(0u32..1000, 0..300),
            cut in 0usize..300,
        ) {
            let cut = cut.min(values.len());
            let mut whole = CountBand::new();
            let (mut head, mut tail) = (CountBand::new(), CountBand::new());
            for (i, &v) in values.iter().enumerate() {
                whole.push(f64::from(v));
                if i < cut { head.push(f64::from(v)) } else { tail.push(f64::from(v)) }
            }
            head.absorb(&tail);
            prop_assert_eq!(head, whole);
        }
    }

    #[test]
    fn an_empty_band_has_no_statistics_and_extremes_are_counted() {
        let mut b = BandAccumulator::new(true);
        assert_eq!(b.band(), None);
        assert_eq!(b.mean(), None);
        b.push(f64::NAN);
        assert_eq!(b.count(), 0);
        for x in [7.0, 0.0, 7.0, 3.0] {
            b.push(x);
        }
        // sorted 0 3 7 7: P5 0.15 of the way from 0 to 3, P50 between 3 and 7, P95 at 7
        let [p5, p50, p95] = b.band().expect("values");
        assert!((p5 - 0.45).abs() < 1e-15, "{p5}");
        assert_eq!((p50, p95), (5.0, 7.0));
        assert_eq!(b.mean(), Some(4.25));
        assert!(!b.absorb(&BandAccumulator::new(false)), "kinds differ");
    }
}
