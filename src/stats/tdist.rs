//! Student-t critical values for confidence intervals.
//!
//! `statrs` supplies the quantile for moderate degrees of freedom; an asymptotic expansion takes
//! over for large ones, where `statrs`' inverse loses accuracy or does not terminate.

use statrs::distribution::{ContinuousCDF, Normal, StudentsT};

/// Degrees of freedom from which [`t_crit`] uses the asymptotic expansion instead of `statrs`.
const ASYMPTOTIC_DF: f64 = 1000.0;

/// Two-sided Student-t critical value `t_{df, 1 - alpha/2}`.
///
/// For `1 <= df < 1000` this is `statrs`' `StudentsT::inverse_cdf`; `df` may be fractional
/// (Welch). From 1000 degrees of freedom it is the Cornish–Fisher expansion of the t quantile in
/// the normal quantile `z` to order `df⁻⁴` (Abramowitz and Stegun 26.7.5), which agrees with
/// `statrs` to 1e-12 at 1000 and stays exact where `statrs` loses accuracy (above about 1e5
/// degrees of freedom) or fails to terminate (about 1e9). An infinite `df` gives `z`. For example
/// `t_crit(9.0, 0.05)` is 2.262.
///
/// Returns NaN when `df` is NaN or below 1 (no interval here has fewer degrees of freedom, and
/// `statrs`' inverse is unreliable there), or when `alpha` is not strictly between 0 and 1.
#[must_use]
pub fn t_crit(df: f64, alpha: f64) -> f64 {
    if df.is_nan() || df < 1.0 || alpha.is_nan() || alpha <= 0.0 || alpha >= 1.0 {
        return f64::NAN;
    }
    let p = 1.0 - alpha / 2.0;
    if df >= ASYMPTOTIC_DF {
        return t_quantile_asymptotic(df, p);
    }
    match StudentsT::new(0.0, 1.0, df) {
        Ok(t) => t.inverse_cdf(p),
        Err(_) => f64::NAN,
    }
}

/// Cornish–Fisher expansion of the Student-t `p` quantile with `df` degrees of freedom
/// (Abramowitz and Stegun 26.7.5); the omitted `df⁻⁵` term is below 1e-13 for `df >= 1000` and
/// `p <= 1 - 1e-6`.
fn t_quantile_asymptotic(df: f64, p: f64) -> f64 {
    let z = Normal::standard().inverse_cdf(p);
    if df.is_infinite() {
        return z;
    }
    let z2 = z * z;
    let g1 = z * (z2 + 1.0) / 4.0;
    let g2 = z * ((5.0 * z2 + 16.0) * z2 + 3.0) / 96.0;
    let g3 = z * (((3.0 * z2 + 19.0) * z2 + 17.0) * z2 - 15.0) / 384.0;
    let g4 = z * ((((79.0 * z2 + 776.0) * z2 + 1482.0) * z2 - 1920.0) * z2 - 945.0) / 92160.0;
    let v = 1.0 / df;
    z + v * (g1 + v * (g2 + v * (g3 + v * g4)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn t_crit_matches_printed_tables() {
        // Printed two-sided 95% table values.
        assert_eq!(format!("{:.3}", t_crit(9.0, 0.05)), "2.262");
        assert_eq!(format!("{:.3}", t_crit(4.0, 0.05)), "2.776");
        assert_eq!(format!("{:.3}", t_crit(1.0, 0.05)), "12.706");
        assert_eq!(format!("{:.3}", t_crit(19.0, 0.05)), "2.093");
        assert_eq!(format!("{:.3}", t_crit(29.0, 0.01)), "2.756");
        assert_eq!(format!("{:.3}", t_crit(29.0, 0.001)), "3.659");
        assert_eq!(format!("{:.3}", t_crit(f64::INFINITY, 0.05)), "1.960");
    }

    #[test]
    fn t_crit_is_accurate_and_terminates_for_large_df() {
        // t_{df, 0.975} = z + (z³ + z) / (4 df) + O(df⁻²), z = 1.959964.
        let z = 1.959_963_984_540_054;
        for df in [1e5, 1e7, 1e9, 1e15, 1e300] {
            let first_order = z + (z * z * z + z) / (4.0 * df);
            assert!(close(t_crit(df, 0.05), first_order, 1e-9), "df {df}");
        }
        // Published value: t_{1000, 0.975} = 1.962339.
        assert!(close(t_crit(1000.0, 0.05), 1.962_339, 1e-6));
        // No jump where the expansion takes over (over this step of 1e-6 df the quantile
        // itself moves by about 1e-11).
        for alpha in [0.05, 0.001] {
            let (below, at) = (t_crit(999.999_999, alpha), t_crit(1000.0, alpha));
            assert!(close(below, at, 1e-10), "alpha {alpha}: {below} vs {at}");
        }
        // Decreasing in df.
        let ladder = [
            1.0,
            1.5,
            2.0,
            9.0,
            30.0,
            999.0,
            1000.0,
            1e4,
            1e6,
            f64::INFINITY,
        ];
        assert!(
            ladder
                .windows(2)
                .all(|w| t_crit(w[0], 0.05) > t_crit(w[1], 0.05))
        );
    }

    #[test]
    fn t_crit_rejects_invalid_arguments() {
        assert!(t_crit(0.0, 0.05).is_nan());
        assert!(t_crit(0.5, 0.05).is_nan());
        assert!(t_crit(-1.0, 0.05).is_nan());
        assert!(t_crit(f64::NAN, 0.05).is_nan());
        assert!(t_crit(5.0, 0.0).is_nan());
        assert!(t_crit(5.0, 1.0).is_nan());
        assert!(t_crit(5.0, f64::NAN).is_nan());
    }
}
