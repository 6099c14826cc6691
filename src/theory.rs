//! Exact queueing results: the anchors the simulator is validated against.
//!
//! When a scenario is configured so that the service reduces to a textbook queue (weights all 1,
//! durations independent of the worker, any free slot taken), the simulated waits and occupancies
//! must match these formulas within a confidence interval. The functions are pure: numbers in,
//! numbers out, in whatever consistent time unit the caller uses (rates per day with durations in
//! days, for example).
//!
//! Conventions:
//! - `lambda` is the arrival rate, `mu` the service rate of one server (slot), `servers` the number
//!   of slots, `offered_load` is `a = lambda / mu` and `rho = a / servers` the utilisation.
//! - Steady-state results return `None` for unstable systems (`rho >= 1`) or invalid parameters
//!   (negative, NaN or infinite rates, no servers).
//! - Functions that are defined for every valid input (the Erlang-B loss probability and the
//!   M/G/∞ transient mean) return `f64` and give NaN for invalid parameters.

#![warn(missing_docs)]

use statrs::distribution::{ContinuousCDF, Normal};

/// Erlang-B blocking probability of an `servers`-server loss system with offered load `a`.
///
/// Computed with the stable recursion `B(0) = 1`, `B(n) = a B(n-1) / (n + a B(n-1))`. With no
/// servers every arrival is blocked (1); with no load none is (0). Also the overflow fraction of
/// an M/G/c/c system, which depends on the duration distribution only through its mean.
///
/// Returns NaN when `offered_load` is negative, NaN or infinite.
#[must_use]
pub fn erlang_b(servers: u32, offered_load: f64) -> f64 {
    if !valid_rate(offered_load) {
        return f64::NAN;
    }
    (1..=servers).fold(1.0, |b, n| {
        let ab = offered_load * b;
        ab / (f64::from(n) + ab)
    })
}

/// Erlang-C probability that an arrival must wait in an M/M/c queue.
///
/// `C = B / (1 - rho (1 - B))` with `B = erlang_b(servers, offered_load)` and
/// `rho = offered_load / servers`. `None` when `servers == 0`, `rho >= 1` or the load is invalid.
#[must_use]
pub fn erlang_c(servers: u32, offered_load: f64) -> Option<f64> {
    if servers == 0 || !valid_rate(offered_load) {
        return None;
    }
    let rho = offered_load / f64::from(servers);
    if rho >= 1.0 {
        return None;
    }
    let b = erlang_b(servers, offered_load);
    Some(b / (1.0 - rho * (1.0 - b)))
}

/// Mean wait in queue of an M/M/c system: `Wq = C / (c mu - lambda)`.
///
/// `None` when `mu` is not positive, `servers == 0`, `lambda >= servers * mu`, or a rate is
/// invalid.
#[must_use]
pub fn mmc_wq(lambda: f64, mu: f64, servers: u32) -> Option<f64> {
    if !valid_rate(lambda) || !valid_rate(mu) || mu == 0.0 {
        return None;
    }
    let p_wait = erlang_c(servers, lambda / mu)?;
    Some(p_wait / (f64::from(servers) * mu - lambda))
}

/// Mean time in system of an M/M/c system: `W = Wq + 1 / mu`.
#[must_use]
pub fn mmc_w(lambda: f64, mu: f64, servers: u32) -> Option<f64> {
    mmc_wq(lambda, mu, servers).map(|wq| wq + 1.0 / mu)
}

/// Mean number waiting in an M/M/c system (Little's law): `Lq = lambda Wq`.
#[must_use]
pub fn mmc_lq(lambda: f64, mu: f64, servers: u32) -> Option<f64> {
    mmc_wq(lambda, mu, servers).map(|wq| lambda * wq)
}

/// Mean number in an M/M/c system: `L = Lq + lambda / mu`.
#[must_use]
pub fn mmc_l(lambda: f64, mu: f64, servers: u32) -> Option<f64> {
    mmc_lq(lambda, mu, servers).map(|lq| lq + lambda / mu)
}

/// Mean wait in queue of an M/M/1 system: `Wq = rho / (mu - lambda)`.
#[must_use]
pub fn mm1_wq(lambda: f64, mu: f64) -> Option<f64> {
    mmc_wq(lambda, mu, 1)
}

/// Mean wait in queue of an M/G/1 system (Pollaczek–Khinchine):
/// `Wq = lambda E[S²] / (2 (1 - rho))`, `rho = lambda E[S]`.
///
/// `mean_s` is `E[S]` and `second_moment_s` is `E[S²] = Var[S] + E[S]²` (not the variance).
/// `None` when `rho >= 1`, `mean_s` is not positive, `E[S²] < E[S]²` (impossible for any
/// distribution, allowing 1e-12 relative rounding), or a parameter is invalid.
#[must_use]
pub fn mg1_wq(lambda: f64, mean_s: f64, second_moment_s: f64) -> Option<f64> {
    let valid = valid_rate(lambda)
        && valid_rate(mean_s)
        && mean_s > 0.0
        && second_moment_s.is_finite()
        && second_moment_s >= mean_s * mean_s * (1.0 - 1e-12);
    if !valid {
        return None;
    }
    let rho = lambda * mean_s;
    if rho >= 1.0 {
        return None;
    }
    Some(lambda * second_moment_s / (2.0 * (1.0 - rho)))
}

/// Mean wait in queue of an M/D/1 system with service time `d`: `Wq = lambda d² / (2 (1 - rho))`,
/// half the M/M/1 value at the same load.
#[must_use]
pub fn md1_wq(lambda: f64, d: f64) -> Option<f64> {
    mg1_wq(lambda, d, d * d)
}

/// Smallest number of Simpson panels tried by [`mginf_mean_in_system`].
const SIMPSON_MIN_PANELS: usize = 1 << 10;
/// Largest number of Simpson panels tried by [`mginf_mean_in_system`].
const SIMPSON_MAX_PANELS: usize = 1 << 20;
/// Relative agreement of successive Simpson estimates that stops the doubling.
const SIMPSON_REL_TOL: f64 = 1e-12;

/// Mean number in service at time `t` of an M/G/∞ system that starts empty at time 0:
/// `m(t) = lambda ∫₀ᵗ P(S > u) du`. The number in service is Poisson with this mean.
///
/// `survival(u)` must be `P(S > u)` for `u` in `[0, t]`. The integral is computed with composite
/// Simpson's rule, doubling the number of panels from 2¹⁰ until two successive estimates agree to
/// a relative 1e-12, or 2²⁰ panels are reached.
///
/// Accuracy: for a survival function with a bounded fourth derivative the error of Simpson's rule
/// is at most `t h⁴ max|f⁗| / 180` (panel width `h`), and once two estimates agree to 1e-12 the
/// finer one is about fifteen times closer still; for the exponential and log-normal the result
/// agrees with the closed forms to better than 1e-9 (tested). A jump in the survival function (a deterministic or discrete duration)
/// reduces Simpson's rule to first order: each jump of size `J` contributes an error of at most
/// `2 J h / 3`, about `6.4e-7 J t` at 2²⁰ panels. Use [`mginf_mean_deterministic`] for
/// deterministic durations.
///
/// Returns `0.0` when `t == 0` and NaN when `lambda` or `t` is negative, NaN or infinite.
#[must_use]
pub fn mginf_mean_in_system(lambda: f64, t: f64, survival: impl Fn(f64) -> f64) -> f64 {
    if !valid_rate(lambda) || !valid_rate(t) {
        return f64::NAN;
    }
    if t == 0.0 {
        return 0.0;
    }
    // Keep the endpoint sum, and the sums at the interior grid points of the current grid split
    // into odd and even indices, so that doubling reuses every evaluation.
    let point = |i: usize, panels: usize| t * (i as f64 / panels as f64);
    let ends = survival(0.0) + survival(t);
    let mut panels = SIMPSON_MIN_PANELS;
    let mut odd: f64 = (1..panels)
        .step_by(2)
        .map(|i| survival(point(i, panels)))
        .sum();
    let mut even: f64 = (2..panels)
        .step_by(2)
        .map(|i| survival(point(i, panels)))
        .sum();
    let simpson = |panels: usize, odd: f64, even: f64| {
        t / panels as f64 / 3.0 * (ends + 4.0 * odd + 2.0 * even)
    };
    let mut estimate = simpson(panels, odd, even);
    while panels < SIMPSON_MAX_PANELS {
        panels *= 2;
        even += odd;
        odd = (1..panels)
            .step_by(2)
            .map(|i| survival(point(i, panels)))
            .sum();
        let refined = simpson(panels, odd, even);
        let converged = (refined - estimate).abs() <= SIMPSON_REL_TOL * refined.abs();
        estimate = refined;
        if converged {
            break;
        }
    }
    lambda * estimate
}

/// M/G/∞ mean number in service at time `t` from empty, exponential durations with mean
/// `mean_s`: `lambda mean_s (1 - exp(-t / mean_s))`.
///
/// NaN when a parameter is negative, NaN or infinite, or `mean_s` is zero.
#[must_use]
pub fn mginf_mean_exponential(lambda: f64, mean_s: f64, t: f64) -> f64 {
    if !valid_rate(lambda) || !valid_rate(mean_s) || mean_s == 0.0 || !valid_rate(t) {
        return f64::NAN;
    }
    lambda * mean_s * -(-t / mean_s).exp_m1()
}

/// M/G/∞ mean number in service at time `t` from empty, fixed durations `d`:
/// `lambda min(t, d)`.
///
/// NaN when a parameter is negative, NaN or infinite.
#[must_use]
pub fn mginf_mean_deterministic(lambda: f64, d: f64, t: f64) -> f64 {
    if !valid_rate(lambda) || !valid_rate(d) || !valid_rate(t) {
        return f64::NAN;
    }
    lambda * t.min(d)
}

/// M/G/∞ mean number in service at time `t` from empty, log-normal durations with mean `mean_s`
/// and standard deviation `sd_s` (of the duration itself, not of its logarithm).
///
/// With `sigma² = ln(1 + sd²/mean²)` and `mu = ln(mean) - sigma²/2`,
/// `∫₀ᵗ P(S > u) du = E[min(S, t)] = mean Φ((ln t - mu - sigma²) / sigma) + t (1 - Φ((ln t - mu) / sigma))`.
/// A zero `sd_s` gives the deterministic result.
///
/// NaN when a parameter is negative, NaN or infinite, or `mean_s` is zero.
#[must_use]
pub fn mginf_mean_lognormal(lambda: f64, mean_s: f64, sd_s: f64, t: f64) -> f64 {
    let valid = valid_rate(lambda)
        && valid_rate(mean_s)
        && mean_s > 0.0
        && valid_rate(sd_s)
        && valid_rate(t);
    if !valid {
        return f64::NAN;
    }
    if sd_s == 0.0 {
        return mginf_mean_deterministic(lambda, mean_s, t);
    }
    if t == 0.0 {
        return 0.0;
    }
    let cv = sd_s / mean_s;
    let sigma2 = cv.mul_add(cv, 1.0).ln();
    let sigma = sigma2.sqrt();
    let mu = mean_s.ln() - sigma2 / 2.0;
    let z = (t.ln() - mu) / sigma;
    let phi = Normal::standard();
    lambda * (mean_s * phi.cdf(z - sigma) + t * phi.sf(z))
}

/// A rate, load, duration or time that is finite and not negative.
fn valid_rate(x: f64) -> bool {
    x.is_finite() && x >= 0.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn benchmark_mm5() {
        // lambda = 4, mu = 1, c = 5: a = 4, rho = 0.8.
        // By hand: B1 = 0.8, B2 = 0.615385, B3 = 0.450704, B4 = 0.310680, B5 = 0.199067;
        // C = 0.199067 / (1 - 0.8 * 0.800933) = 0.554113; Wq = C / (5 - 4).
        assert!(close(erlang_b(5, 4.0), 0.199_067, 1e-6));
        let c = erlang_c(5, 4.0).expect("stable");
        assert_eq!(format!("{c:.4}"), "0.5541");
        let wq = mmc_wq(4.0, 1.0, 5).expect("stable");
        assert_eq!(format!("{wq:.4}"), "0.5541");
        assert!(close(mmc_lq(4.0, 1.0, 5).expect("stable"), 4.0 * wq, 1e-12));
        assert!(close(
            mmc_l(4.0, 1.0, 5).expect("stable"),
            4.0 * wq + 4.0,
            1e-12
        ));
        assert!(close(mmc_w(4.0, 1.0, 5).expect("stable"), wq + 1.0, 1e-12));
    }

    #[test]
    fn mm1_closed_forms() {
        for (lambda, mu) in [(0.8, 1.0), (0.5, 1.0), (2.0, 2.5)] {
            let rho = lambda / mu;
            // M/M/1: P(wait) = rho, Wq = rho / (mu - lambda), L = rho / (1 - rho).
            assert!(close(erlang_c(1, rho).expect("stable"), rho, 1e-12));
            let wq = mm1_wq(lambda, mu).expect("stable");
            assert!(close(wq, rho / (mu - lambda), 1e-12));
            assert!(close(
                mmc_l(lambda, mu, 1).expect("stable"),
                rho / (1.0 - rho),
                1e-12
            ));
        }
        assert!(close(mm1_wq(0.8, 1.0).expect("stable"), 4.0, 1e-12));
    }

    #[test]
    fn erlang_b_small_cases() {
        for a in [0.0, 0.3, 1.0, 4.0, 250.0] {
            assert!(close(erlang_b(1, a), a / (1.0 + a), 1e-15), "a = {a}");
            // Two servers: (a²/2) / (1 + a + a²/2).
            let two = a * a / 2.0 / (1.0 + a + a * a / 2.0);
            assert!(close(erlang_b(2, a), two, 1e-14), "a = {a}");
        }
        assert_eq!(erlang_b(0, 3.0), 1.0);
        assert_eq!(erlang_b(7, 0.0), 0.0);
        assert!(erlang_b(3, -1.0).is_nan());
        assert!(erlang_b(3, f64::NAN).is_nan());
        assert!(erlang_b(3, f64::INFINITY).is_nan());
        // The recursion stays finite and in (0, 1) for large systems.
        let big = erlang_b(10_000, 9_500.0);
        assert!(big > 0.0 && big < 1.0);
    }

    #[test]
    fn erlang_c_of_ten_servers() {
        // A2 configuration: s = 10, rho = 0.85. C lies between B and 1, and Wq is C / (s mu - lambda).
        let b = erlang_b(10, 8.5);
        let c = erlang_c(10, 8.5).expect("stable");
        assert!(b < c && c < 1.0);
        let wq = mmc_wq(8.5, 1.0, 10).expect("stable");
        assert!(close(wq, c / 1.5, 1e-12));
    }

    #[test]
    fn unstable_or_invalid_is_none() {
        assert_eq!(erlang_c(5, 5.0), None);
        assert_eq!(erlang_c(5, 6.0), None);
        assert_eq!(erlang_c(0, 0.5), None);
        assert_eq!(mmc_wq(5.0, 1.0, 5), None);
        assert_eq!(mmc_wq(1.0, 0.0, 5), None);
        assert_eq!(mmc_wq(-1.0, 1.0, 5), None);
        assert_eq!(mm1_wq(1.0, 1.0), None);
        assert_eq!(mg1_wq(1.0, 1.0, 2.0), None, "rho = 1");
        assert_eq!(mg1_wq(0.5, 1.0, 0.5), None, "E[S²] < E[S]²");
        assert_eq!(mg1_wq(0.5, 0.0, 0.0), None);
        assert_eq!(mg1_wq(f64::NAN, 1.0, 1.0), None);
        assert_eq!(md1_wq(2.0, 0.5), None, "rho = 1");
        assert_eq!(mmc_wq(0.0, 1.0, 3), Some(0.0), "no arrivals, no wait");
    }

    #[test]
    fn pollaczek_khinchine() {
        // Exponential service has E[S²] = 2 E[S]², so M/G/1 reduces to M/M/1.
        let (lambda, mean) = (0.8, 1.0);
        let mg1 = mg1_wq(lambda, mean, 2.0 * mean * mean).expect("stable");
        assert!(close(
            mg1,
            mm1_wq(lambda, 1.0 / mean).expect("stable"),
            1e-12
        ));
        // Deterministic service halves the M/M/1 wait at the same load.
        for (lambda, d) in [(0.8, 1.0), (0.5, 1.0), (0.1, 4.0)] {
            let md1 = md1_wq(lambda, d).expect("stable");
            let mm1 = mm1_wq(lambda, 1.0 / d).expect("stable");
            assert!(close(md1, mm1 / 2.0, 1e-12), "lambda {lambda}, d {d}");
        }
        // M/D/1 at rho = 0.8: 0.8 * 1 / (2 * 0.2) = 2.
        assert!(close(md1_wq(0.8, 1.0).expect("stable"), 2.0, 1e-12));
    }

    #[test]
    fn simpson_matches_exponential_closed_form() {
        for (lambda, mean, t) in [(3.0, 2.0, 5.0), (0.7, 10.0, 3.0), (1.0, 1.0, 50.0)] {
            let numeric = mginf_mean_in_system(lambda, t, |u| (-u / mean).exp());
            let exact = mginf_mean_exponential(lambda, mean, t);
            assert!(close(numeric, exact, 1e-9), "{numeric} vs {exact}");
        }
        // By hand: lambda = 1, mean = 1, t = ln 2 -> 1 - 1/2.
        assert!(close(
            mginf_mean_exponential(1.0, 1.0, 2.0_f64.ln()),
            0.5,
            1e-15
        ));
    }

    #[test]
    fn simpson_matches_lognormal_closed_form() {
        let (lambda, mean, sd) = (2.0, 4.0, 3.0);
        let sigma2 = (1.0_f64 + (sd / mean) * (sd / mean)).ln();
        let (sigma, mu) = (sigma2.sqrt(), mean.ln() - sigma2 / 2.0);
        let phi = Normal::standard();
        let survival = |u: f64| {
            if u <= 0.0 {
                1.0
            } else {
                phi.sf((u.ln() - mu) / sigma)
            }
        };
        for t in [0.5, 3.0, 12.0, 60.0] {
            let numeric = mginf_mean_in_system(lambda, t, survival);
            let exact = mginf_mean_lognormal(lambda, mean, sd, t);
            assert!(close(numeric, exact, 1e-9), "t {t}: {numeric} vs {exact}");
        }
        // Long after the start every duration has had time to complete: m -> lambda E[S].
        assert!(close(
            mginf_mean_lognormal(lambda, mean, sd, 1e6),
            lambda * mean,
            1e-9
        ));
        assert_eq!(mginf_mean_lognormal(lambda, mean, 0.0, 3.0), 6.0);
    }

    #[test]
    fn deterministic_durations() {
        assert_eq!(mginf_mean_deterministic(2.0, 3.0, 1.5), 3.0);
        assert_eq!(mginf_mean_deterministic(2.0, 3.0, 10.0), 6.0);
        // A jump in the survival function: first-order accuracy, within the documented bound.
        let (lambda, d, t) = (2.0, 3.3, 10.0);
        let numeric = mginf_mean_in_system(lambda, t, |u| if u < d { 1.0 } else { 0.0 });
        let bound = lambda * 2.0 / 3.0 * t / f64::from(1_u32 << 20);
        assert!(close(numeric, lambda * d, bound), "{numeric}");
    }

    #[test]
    fn mginf_edges() {
        assert_eq!(mginf_mean_in_system(2.0, 0.0, |_| 1.0), 0.0);
        assert!(close(mginf_mean_in_system(2.0, 5.0, |_| 1.0), 10.0, 1e-12));
        assert!(mginf_mean_in_system(-1.0, 5.0, |_| 1.0).is_nan());
        assert!(mginf_mean_in_system(1.0, f64::NAN, |_| 1.0).is_nan());
        assert!(mginf_mean_exponential(1.0, 0.0, 1.0).is_nan());
        assert!(mginf_mean_deterministic(1.0, -2.0, 1.0).is_nan());
        assert!(mginf_mean_lognormal(1.0, 2.0, -1.0, 1.0).is_nan());
        assert_eq!(mginf_mean_exponential(1.0, 2.0, 0.0), 0.0);
    }
}
