//! Output statistics across Monte Carlo replications.
//!
//! This module owns the arithmetic that turns per-replication results into the numbers a report
//! states: means with t-based 95% confidence intervals, percentiles across replications, paired
//! comparisons of two policies run on common random numbers, the relative precision that decides
//! whether more replications are needed, and online accumulators for fan charts (which take a later
//! accumulator's values exactly while it holds them, up to [`FAN_EXACT_LIMIT`]; P² estimates past
//! that cannot be merged). For counts of events (referral data) it has the exact interval of a
//! Poisson mean, chi-square tails and Pearson's dispersion test.
//!
//! It knows nothing about the engine, the model, scenarios or files. Inputs are plain `f64` slices,
//! one value per replication in replication order; outputs are plain values. Nothing here prints,
//! reads or writes.
//!
//! Conventions shared by every function in this module:
//!
//! - A non-finite value (NaN or ±∞) means "this replication has no observation of this measure"
//!   (for example, no family waited) and is skipped. Every `n` counts the finite values used.
//! - Quantities that are undefined are `None`, never NaN: a confidence interval needs at least two
//!   finite values ("undefined: need >= 2 replications"), a summary needs at least one. The one
//!   exception is [`SampleStats`], whose fields are NaN when the sample is empty.
//! - Zero spread gives a zero-width interval `[mean, mean]`, not `None`.
//! - Percentiles use linear interpolation between order statistics (Hyndman and Fan type 7, the
//!   default of numpy, R and Excel's `PERCENTILE.INC`).
//! - Results depend only on the values and their order, never on timing or thread count: fold
//!   per-replication results in replication-index order and the answers are reproducible.

#![warn(missing_docs)]

mod bands;
mod compare;
mod p2;
mod poisson;
mod quantiles;
mod summary;
mod tdist;
mod welford;

pub use bands::{BandAccumulator, CountBand};
pub use compare::{PairedDiff, paired_difference, welch_ci95, wilson95};
pub use p2::{FAN_EXACT_LIMIT, FanAccumulator, P2Quantile};
pub use poisson::{
    Dispersion, chi_square_95, chi_square_cdf, chi_square_sf, dispersion, poisson_ci95,
};
pub use quantiles::{
    SampleStats, percentile_sorted, sample_stats, share_at_most, sorted_sample_stats,
};
pub use summary::{Summary, relative_half_width, replications_needed, summarize};
pub use tdist::t_crit;
pub use welford::Welford;

/// Significance level of every confidence interval in this module (95% two-sided).
pub const ALPHA_95: f64 = 0.05;
