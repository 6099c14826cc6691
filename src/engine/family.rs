//! A referral episode: what is drawn about it when it arrives, and where it is now.
//!
//! Everything random about a family — route, attributes, patience, durations and
//! outcomes — is drawn from the family's own stream the moment it arrives, in a fixed
//! order, whether or not it will be needed. The allocation policy only decides *when*
//! things happen, never *what*, so two policies on one seed see the same families.

use super::observer::Route;
use crate::model::Model;
use crate::rng::Rng;
use crate::time::Days;
use rand::Rng as _;

/// What is drawn about a family on arrival.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fate {
    pub(crate) route: Route,
    pub(crate) agency: u8,
    pub(crate) need: u8,
    pub(crate) children: u8,
    pub(crate) patience: f64,
    pub(crate) assessment_days: Days,
    pub(crate) to_phase1: bool,
    pub(crate) phase1_days: Days,
    pub(crate) unplanned_exit: bool,
    pub(crate) exit_fraction: f64,
    pub(crate) rereferred: bool,
    pub(crate) rereferral_delay: Days,
    pub(crate) onward: bool,
}

/// The referral mix as cumulative shares, so that a category is drawn by counting the
/// bounds at or below a uniform draw rather than by a loop that branches on each.
#[derive(Debug, Default)]
pub(crate) struct MixTables {
    agencies: Vec<f64>,
    needs: Vec<f64>,
    children: Vec<f64>,
    /// Number of children of each `children` category.
    child_counts: Vec<u8>,
}

impl MixTables {
    /// Rebuild the tables for `model`, keeping the buffers.
    pub(crate) fn rebuild(&mut self, model: &Model) {
        let mix = &model.referrals;
        cumulate(&mut self.agencies, mix.agencies.iter().map(|c| c.share));
        cumulate(&mut self.needs, mix.needs.iter().map(|c| c.share));
        cumulate(&mut self.children, mix.children.iter().map(|c| c.1));
        self.child_counts.clear();
        self.child_counts
            .extend(mix.children.iter().map(|c| c.0 as u8));
    }
}

/// Running sums of `shares`, added in order (so each bound is exactly the sum a
/// category-by-category scan would compare against).
fn cumulate(out: &mut Vec<f64>, shares: impl Iterator<Item = f64>) {
    out.clear();
    let mut acc = 0.0;
    out.extend(shares.map(|s| {
        acc += s;
        acc
    }));
}

/// Index of the category a uniform draw `u` falls in: the first whose cumulative share
/// exceeds `u`, or the last if rounding leaves `u` past them all. Shares are
/// non-negative, so the bounds never decrease and that index is the number of bounds
/// before the last that are at or below `u`.
fn pick(u: f64, cumulative: &[f64]) -> usize {
    let inner = &cumulative[..cumulative.len().saturating_sub(1)];
    inner.iter().map(|&c| usize::from(c <= u)).sum()
}

impl Fate {
    /// Draw a family's fate. Always makes the same draws in the same order.
    // Inlined into its one caller so the fate is built in place: returned through
    // memory, its narrow fields stall the wide copy into the family record.
    #[inline(always)]
    pub(crate) fn draw(model: &Model, tables: &MixTables, rng: &mut Rng) -> Fate {
        let pw = &model.pathway;
        let u_route: f64 = rng.random();
        let u_agency: f64 = rng.random();
        let u_need: f64 = rng.random();
        let u_children: f64 = rng.random();
        let patience = pw
            .patience
            .as_ref()
            .map_or(f64::INFINITY, |d| d.sample(rng));
        let assessment_days = pw
            .assessment
            .as_ref()
            .map_or(Days::ZERO, |a| a.duration.sample_days(rng));
        let u_phase1: f64 = rng.random();
        let phase1_days = pw
            .phase1
            .as_ref()
            .map_or(Days::ZERO, |p| p.duration.sample_days(rng));
        let u_exit: f64 = rng.random();
        let exit_fraction: f64 = rng.random();
        let u_rereferral: f64 = rng.random();
        let rereferral_delay = pw
            .rereferral
            .as_ref()
            .map_or(Days::ZERO, |r| r.delay.sample_days(rng));
        let u_onward: f64 = rng.random();

        let route = if u_route < pw.advice_only {
            Route::AdviceOnly
        } else if u_route < pw.advice_only + pw.not_eligible {
            Route::NotEligible
        } else if u_route < pw.advice_only + pw.not_eligible + pw.declined {
            Route::Declined
        } else {
            Route::Accepted
        };
        Fate {
            route,
            agency: pick(u_agency, &tables.agencies) as u8,
            need: pick(u_need, &tables.needs) as u8,
            children: tables.child_counts[pick(u_children, &tables.children)],
            patience,
            assessment_days,
            to_phase1: u_phase1 < pw.to_phase1(),
            phase1_days,
            unplanned_exit: u_exit < pw.phase1.as_ref().map_or(0.0, |p| p.unplanned_exit),
            exit_fraction,
            rereferred: u_rereferral < pw.rereferral.as_ref().map_or(0.0, |r| r.probability),
            rereferral_delay,
            onward: u_onward < pw.onward_referral,
        }
    }
}

/// Where a family is on the pathway.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    /// Accepted, waiting for a first allocation.
    Waiting,
    /// The 72-hour assessment.
    Assessment,
    /// Intensive Phase 1.
    Phase1,
    /// Lighter Phase 2 support until the review.
    Phase2,
    /// Between the review and the final review.
    Monitoring,
    /// Closed.
    Closed,
}

/// Engine state of one referral episode.
#[derive(Debug, Clone)]
pub(crate) struct Family {
    pub(crate) authority: u16,
    pub(crate) episode: u8,
    pub(crate) index: u32,
    pub(crate) fate: Fate,
    pub(crate) stage: Stage,
    /// Worker holding the case; `None` while waiting or between workers.
    pub(crate) worker: Option<u16>,
    /// Waiting for a new worker after the previous one left.
    pub(crate) handover: bool,
    /// Bumped whenever the pending stage-end event is superseded.
    pub(crate) version: u32,
    pub(crate) accepted_at: f64,
    pub(crate) allocated_at: f64,
    /// Load placed on the holding worker (hours a week, including travel).
    pub(crate) load: Load,
}

/// A family's weekly load on its worker.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Load {
    /// Hours a week reserved on the worker's capacity (direct plus travel).
    pub(crate) committed: f64,
    /// Direct hours a week delivered.
    pub(crate) direct: f64,
    /// Travel hours a week.
    pub(crate) travel: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The category a category-by-category scan picks: the first whose running sum
    /// exceeds `u`, else the last.
    fn scan(u: f64, shares: &[f64]) -> usize {
        let mut acc = 0.0;
        for (i, s) in shares.iter().enumerate() {
            acc += s;
            if u < acc {
                return i;
            }
        }
        shares.len() - 1
    }

    fn picked(u: f64, shares: &[f64]) -> usize {
        let mut cum = Vec::new();
        cumulate(&mut cum, shares.iter().copied());
        pick(u, &cum)
    }

    #[test]
    fn pick_follows_cumulative_shares() {
        let shares = [0.2, 0.5, 0.3];
        assert_eq!(picked(0.0, &shares), 0);
        assert_eq!(picked(0.19, &shares), 0);
        assert_eq!(picked(0.2, &shares), 1);
        assert_eq!(picked(0.69, &shares), 1);
        assert_eq!(picked(0.7, &shares), 2);
        // rounding in the shares never picks past the end
        assert_eq!(picked(0.999_999_999_9, &[0.3, 0.3, 0.3999999]), 2);
        // a zero share is never picked, and one category is always picked
        assert_eq!(picked(0.5, &[0.5, 0.0, 0.5]), 2);
        assert_eq!(picked(0.99, &[1.0]), 0);
    }

    proptest::proptest! {
        /// Counting bounds picks exactly what the scan picks, for any non-negative shares.
        #[test]
        fn pick_agrees_with_a_scan(
            shares in proptest::collection::vec(0.0f64..1.0, 1..12),
            u in 0.0f64..1.0,
        ) {
            let total: f64 = shares.iter().sum();
            let shares: Vec<f64> = if total > 0.0 {
                shares.iter().map(|s| s / total).collect()
            } else {
                shares
            };
            proptest::prop_assert_eq!(picked(u, &shares), scan(u, &shares));
        }
    }
}
