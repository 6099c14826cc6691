//! Probability distributions for durations and rates.
//!
//! A [`Dist`] is validated when it is built: every constructor rejects parameters that
//! make no sense (negative, NaN or infinite values, `min > max`, a zero mean where a
//! positive one is needed) with a [`DistError`] that says what is allowed. Every
//! distribution has non-negative support, knows its mean and variance (so tests can
//! compare samples with theory) and samples from any generator.

use rand::Rng;
use rand_distr::{Distribution, Exp1, Gamma, LogNormal, Triangular};
use std::fmt;

/// Why a distribution could not be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct DistError(pub String);

fn check(name: &str, value: f64, positive: bool) -> Result<f64, DistError> {
    if !value.is_finite() {
        return Err(DistError(format!(
            "{name} must be a finite number, got {value}"
        )));
    }
    if positive && value <= 0.0 {
        return Err(DistError(format!(
            "{name} must be greater than 0, got {value}"
        )));
    }
    if value < 0.0 {
        return Err(DistError(format!("{name} must be 0 or more, got {value}")));
    }
    Ok(value)
}

/// A validated distribution over non-negative reals.
#[derive(Debug, Clone)]
pub enum Dist {
    /// Always the same value.
    Fixed(f64),
    /// Uniform on `[min, max]`.
    Uniform { min: f64, max: f64 },
    /// Triangular on `[min, max]` with the given mode.
    Triangular {
        min: f64,
        mode: f64,
        max: f64,
        inner: Triangular<f64>,
    },
    /// Exponential with the given mean.
    Exponential { mean: f64 },
    /// Log-normal with the given mean and standard deviation *of the value itself*
    /// (not of its logarithm).
    LogNormal {
        mean: f64,
        sd: f64,
        inner: LogNormal<f64>,
    },
    /// Gamma with shape `k` and scale `θ` (mean `kθ`).
    Gamma {
        shape: f64,
        scale: f64,
        inner: Gamma<f64>,
    },
}

impl Dist {
    /// A constant.
    pub fn fixed(value: f64) -> Result<Dist, DistError> {
        Ok(Dist::Fixed(check("value", value, false)?))
    }

    /// Uniform on `[min, max]`.
    pub fn uniform(min: f64, max: f64) -> Result<Dist, DistError> {
        let min = check("min", min, false)?;
        let max = check("max", max, false)?;
        if min > max {
            return Err(DistError(format!(
                "min must not exceed max, got min {min} > max {max}"
            )));
        }
        Ok(Dist::Uniform { min, max })
    }

    /// Triangular on `[min, max]` with `min <= mode <= max`.
    pub fn triangular(min: f64, mode: f64, max: f64) -> Result<Dist, DistError> {
        let min = check("min", min, false)?;
        let mode = check("mode", mode, false)?;
        let max = check("max", max, false)?;
        if !(min <= mode && mode <= max) {
            return Err(DistError(format!(
                "need min <= mode <= max, got {min}, {mode}, {max}"
            )));
        }
        if min == max {
            return Ok(Dist::Fixed(min));
        }
        let inner = Triangular::new(min, max, mode)
            .map_err(|e| DistError(format!("bad triangular parameters: {e}")))?;
        Ok(Dist::Triangular {
            min,
            mode,
            max,
            inner,
        })
    }

    /// Exponential with a positive mean.
    pub fn exponential(mean: f64) -> Result<Dist, DistError> {
        Ok(Dist::Exponential {
            mean: check("mean", mean, true)?,
        })
    }

    /// Log-normal with the given (positive) mean and (non-negative) standard deviation of
    /// the value. Converted to the log-scale parameters by
    /// `σ² = ln(1 + sd²/mean²)`, `μ = ln(mean) − σ²/2`.
    pub fn lognormal(mean: f64, sd: f64) -> Result<Dist, DistError> {
        let mean = check("mean", mean, true)?;
        let sd = check("sd", sd, false)?;
        if sd == 0.0 {
            return Ok(Dist::Fixed(mean));
        }
        let sigma2 = (1.0 + (sd * sd) / (mean * mean)).ln();
        let mu = mean.ln() - sigma2 / 2.0;
        let inner = LogNormal::new(mu, sigma2.sqrt())
            .map_err(|e| DistError(format!("bad lognormal parameters: {e}")))?;
        Ok(Dist::LogNormal { mean, sd, inner })
    }

    /// Gamma with positive shape and scale.
    pub fn gamma(shape: f64, scale: f64) -> Result<Dist, DistError> {
        let shape = check("shape", shape, true)?;
        let scale = check("scale", scale, true)?;
        let inner = Gamma::new(shape, scale)
            .map_err(|e| DistError(format!("bad gamma parameters: {e}")))?;
        Ok(Dist::Gamma {
            shape,
            scale,
            inner,
        })
    }

    /// The expected value.
    pub fn mean(&self) -> f64 {
        match *self {
            Dist::Fixed(v) => v,
            Dist::Uniform { min, max } => (min + max) / 2.0,
            Dist::Triangular { min, mode, max, .. } => (min + mode + max) / 3.0,
            Dist::Exponential { mean } => mean,
            Dist::LogNormal { mean, .. } => mean,
            Dist::Gamma { shape, scale, .. } => shape * scale,
        }
    }

    /// The variance.
    pub fn variance(&self) -> f64 {
        match *self {
            Dist::Fixed(_) => 0.0,
            Dist::Uniform { min, max } => (max - min).powi(2) / 12.0,
            Dist::Triangular { min, mode, max, .. } => {
                (min * min + mode * mode + max * max - min * mode - min * max - mode * max) / 18.0
            }
            Dist::Exponential { mean } => mean * mean,
            Dist::LogNormal { sd, .. } => sd * sd,
            Dist::Gamma { shape, scale, .. } => shape * scale * scale,
        }
    }

    /// The largest value the distribution can take (`f64::INFINITY` if unbounded).
    pub fn max(&self) -> f64 {
        match *self {
            Dist::Fixed(v) => v,
            Dist::Uniform { max, .. } | Dist::Triangular { max, .. } => max,
            _ => f64::INFINITY,
        }
    }

    /// One draw as a duration. Validated distributions have non-negative support, and
    /// [`Dist::sample`] keeps draws finite and non-negative, so this always holds one.
    pub fn sample_days<R: Rng + ?Sized>(&self, rng: &mut R) -> crate::time::Days {
        crate::time::Days::new(self.sample(rng)).unwrap_or(crate::time::Days::ZERO)
    }

    /// One draw. Always finite and non-negative: validated parameters keep the support
    /// there, and a draw rounding outside it (it cannot for these families, but floating
    /// point is floating point) becomes 0.
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let x = match self {
            Dist::Fixed(v) => *v,
            Dist::Uniform { min, max } => min + (max - min) * rng.random::<f64>(),
            Dist::Triangular { inner, .. } => inner.sample(rng),
            Dist::Exponential { mean } => {
                let e: f64 = Exp1.sample(rng);
                mean * e
            }
            Dist::LogNormal { inner, .. } => inner.sample(rng),
            Dist::Gamma { inner, .. } => inner.sample(rng),
        };
        if x.is_finite() && x > 0.0 { x } else { 0.0 }
    }
}

impl fmt::Display for Dist {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Dist::Fixed(v) => write!(f, "{v}"),
            Dist::Uniform { min, max } => write!(f, "uniform({min}, {max})"),
            Dist::Triangular { min, mode, max, .. } => {
                write!(f, "triangular({min}, {mode}, {max})")
            }
            Dist::Exponential { mean } => write!(f, "exponential(mean {mean})"),
            Dist::LogNormal { mean, sd, .. } => write!(f, "lognormal(mean {mean}, sd {sd})"),
            Dist::Gamma { shape, scale, .. } => write!(f, "gamma(shape {shape}, scale {scale})"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{StreamId, Streams};

    /// Sample mean and variance of `n` draws.
    fn moments(d: &Dist, n: usize) -> (f64, f64) {
        let mut rng = Streams::new(7, 0).stream(StreamId::Parameters { slot: 0 });
        let xs: Vec<f64> = (0..n).map(|_| d.sample(&mut rng)).collect();
        let m = xs.iter().sum::<f64>() / n as f64;
        let v = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n as f64 - 1.0);
        (m, v)
    }

    /// Each distribution, built from its scenario parameterisation, matches its
    /// closed-form mean (within 4 standard errors) and variance (within 5%).
    #[test]
    fn sample_moments_match_theory() {
        let n = 200_000;
        let cases = [
            Dist::uniform(28.0, 42.0).unwrap(),
            Dist::triangular(1.0, 2.0, 6.0).unwrap(),
            Dist::exponential(1.0).unwrap(),
            Dist::lognormal(8.0, 10.0).unwrap(),
            Dist::gamma(2.0, 3.0).unwrap(),
        ];
        for d in &cases {
            let (m, v) = moments(d, n);
            let se = (d.variance() / n as f64).sqrt();
            assert!(
                (m - d.mean()).abs() < 4.0 * se,
                "{d}: mean {m} vs {}",
                d.mean()
            );
            assert!(
                (v / d.variance() - 1.0).abs()
                    < 0.05
                        + if matches!(d, Dist::LogNormal { .. }) {
                            0.1
                        } else {
                            0.0
                        },
                "{d}: variance {v} vs {}",
                d.variance()
            );
        }
    }

    #[test]
    fn support_is_respected() {
        let mut rng = Streams::new(1, 0).stream(StreamId::Parameters { slot: 0 });
        let u = Dist::uniform(28.0, 42.0).unwrap();
        let t = Dist::triangular(1.0, 1.0, 3.0).unwrap();
        for _ in 0..10_000 {
            let x = u.sample(&mut rng);
            assert!((28.0..=42.0).contains(&x));
            let y = t.sample(&mut rng);
            assert!((1.0..=3.0).contains(&y));
        }
    }

    #[test]
    fn bad_parameters_are_refused_with_reasons() {
        assert!(
            Dist::uniform(5.0, 1.0)
                .unwrap_err()
                .0
                .contains("min must not exceed max")
        );
        assert!(
            Dist::exponential(0.0)
                .unwrap_err()
                .0
                .contains("greater than 0")
        );
        assert!(
            Dist::exponential(f64::NAN)
                .unwrap_err()
                .0
                .contains("finite")
        );
        assert!(Dist::fixed(-1.0).unwrap_err().0.contains("0 or more"));
        assert!(Dist::triangular(1.0, 5.0, 3.0).is_err());
        assert!(Dist::gamma(1.0, f64::INFINITY).is_err());
        assert!(Dist::lognormal(-2.0, 1.0).is_err());
    }

    #[test]
    fn degenerate_forms_collapse_to_fixed() {
        assert!(matches!(
            Dist::lognormal(3.0, 0.0).unwrap(),
            Dist::Fixed(3.0)
        ));
        assert!(matches!(
            Dist::triangular(2.0, 2.0, 2.0).unwrap(),
            Dist::Fixed(2.0)
        ));
    }
}
