//! Counts of events: the exact interval of a Poisson mean, chi-square tail probabilities,
//! and the dispersion test of counts against their expected values.

use statrs::distribution::{ChiSquared, ContinuousCDF, Gamma};

/// The exact (Garwood) 95% interval of a Poisson mean from one observed count `n`: the
/// 2.5% quantile of Gamma(n, 1) (0 when `n` is 0) and the 97.5% quantile of Gamma(n + 1, 1),
/// which are half the chi-square quantiles on 2n and 2n + 2 degrees of freedom.
pub fn poisson_ci95(n: u64) -> [f64; 2] {
    let lo = if n == 0 {
        0.0
    } else {
        Gamma::new(n as f64, 1.0).map_or(f64::NAN, |g| g.inverse_cdf(0.025))
    };
    let hi = Gamma::new(n as f64 + 1.0, 1.0).map_or(f64::NAN, |g| g.inverse_cdf(0.975));
    [lo, hi]
}

/// The chance a chi-square variable on `df` degrees of freedom exceeds `x` (NaN when
/// `df` is not positive).
pub fn chi_square_sf(x: f64, df: f64) -> f64 {
    match ChiSquared::new(df) {
        Ok(c) if x.is_finite() => c.sf(x.max(0.0)),
        Ok(_) if x == f64::INFINITY => 0.0,
        _ => f64::NAN,
    }
}

/// The chance a chi-square variable on `df` degrees of freedom is below `x`.
pub fn chi_square_cdf(x: f64, df: f64) -> f64 {
    match ChiSquared::new(df) {
        Ok(c) if x.is_finite() => c.cdf(x.max(0.0)),
        Ok(_) if x == f64::INFINITY => 1.0,
        _ => f64::NAN,
    }
}

/// The 95% quantile of a chi-square variable on `df` degrees of freedom: the cut of a
/// likelihood-ratio test or interval at the 5% level.
pub fn chi_square_95(df: f64) -> f64 {
    ChiSquared::new(df).map_or(f64::NAN, |c| c.inverse_cdf(0.95))
}

/// The dispersion test of counts against the values a fitted Poisson model expects.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Dispersion {
    /// Pearson's statistic, `Σ (observed − expected)² / expected`.
    pub statistic: f64,
    /// Its degrees of freedom: the counts less one less the other parameters fitted.
    pub df: f64,
    /// The index of dispersion, statistic / df: about 1 for a Poisson process, above 1
    /// when counts vary more than chance would make them.
    pub index: f64,
    /// The chance of a statistic this large or larger from a Poisson process (over-dispersion).
    pub p_over: f64,
    /// The chance of a statistic this small or smaller (under-dispersion, counts more
    /// regular than chance).
    pub p_under: f64,
}

/// Pearson's dispersion test of `observed` counts against `expected` ones (each > 0),
/// with `fitted` parameters estimated from the counts besides their total; `None` when
/// there are fewer counts than parameters plus two.
pub fn dispersion(observed: &[f64], expected: &[f64], fitted: usize) -> Option<Dispersion> {
    if observed.len() != expected.len() || observed.len() < fitted + 2 {
        return None;
    }
    let statistic: f64 = observed
        .iter()
        .zip(expected)
        .map(|(o, e)| (o - e).powi(2) / e)
        .sum();
    if !statistic.is_finite() {
        return None;
    }
    let df = (observed.len() - 1 - fitted) as f64;
    Some(Dispersion {
        statistic,
        df,
        index: statistic / df,
        p_over: chi_square_sf(statistic, df),
        p_under: chi_square_cdf(statistic, df),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garwood_intervals_match_published_values() {
        // e.g. Ulm (1990) table: 0 → (0, 3.689), 1 → (0.0253, 5.572), 10 → (4.795, 18.39)
        let close = |a: f64, b: f64, tol: f64| (a - b).abs() < tol;
        let [lo, hi] = poisson_ci95(0);
        assert!(lo == 0.0 && close(hi, 3.6889, 1e-3), "{lo} {hi}");
        let [lo, hi] = poisson_ci95(1);
        assert!(
            close(lo, 0.02532, 1e-4) && close(hi, 5.5716, 1e-3),
            "{lo} {hi}"
        );
        let [lo, hi] = poisson_ci95(10);
        assert!(
            close(lo, 4.7954, 1e-3) && close(hi, 18.390, 1e-2),
            "{lo} {hi}"
        );
    }

    #[test]
    fn chi_square_tails() {
        assert!((chi_square_sf(3.841_458_8, 1.0) - 0.05).abs() < 1e-6);
        assert!((chi_square_95(2.0) - 5.991_464_5).abs() < 1e-5);
        assert!((chi_square_cdf(2.0, 2.0) - (1.0 - (-1.0f64).exp())).abs() < 1e-9);
        assert!(chi_square_sf(1.0, 0.0).is_nan());
    }

    #[test]
    fn dispersion_of_exact_counts_is_zero_and_of_wild_ones_large() {
        let e = [10.0; 6];
        let d = dispersion(&e, &e, 0).unwrap();
        assert_eq!((d.statistic, d.df), (0.0, 5.0));
        let wild = [0.0, 30.0, 0.0, 30.0, 0.0, 0.0];
        let d = dispersion(&wild, &e, 0).unwrap();
        assert!(d.index > 10.0 && d.p_over < 1e-6, "{d:?}");
        assert!(dispersion(&[1.0, 2.0], &[1.5, 1.5], 1).is_none());
    }
}
