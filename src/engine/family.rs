//! A referral episode: what is drawn about it when it arrives, and where it is now.
//!
//! Everything random about a family — route, attributes, patience, durations and
//! outcomes — is drawn the moment it arrives, each field from its own keyed sequence of
//! the family's stream, and only if the family can reach it. The allocation policy only decides *when*
//! things happen, never *what*, so two policies on one seed see the same families.

use super::observer::Route;
use crate::model::Model;
use crate::rng::Keyed;
use crate::time::Days;

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

/// The fields of a family's fate, each drawn from its own keyed sequence
/// ([`crate::rng::Keyed`]). The numbers are part of the stream scheme: never reuse one.
mod field {
    pub(super) const ROUTE: u32 = 0;
    pub(super) const AGENCY: u32 = 1;
    pub(super) const NEED: u32 = 2;
    pub(super) const CHILDREN: u32 = 3;
    pub(super) const PATIENCE: u32 = 4;
    pub(super) const ASSESSMENT_DAYS: u32 = 5;
    pub(super) const TO_PHASE1: u32 = 6;
    pub(super) const PHASE1_DAYS: u32 = 7;
    pub(super) const EXIT: u32 = 8;
    pub(super) const EXIT_FRACTION: u32 = 9;
    pub(super) const REREFERRAL: u32 = 10;
    pub(super) const REREFERRAL_DELAY: u32 = 11;
    pub(super) const ONWARD: u32 = 12;
}

impl Fate {
    /// Draw a family's fate. Each field has its own keyed draws, made only if the family
    /// can reach it (an advice-only referral draws no durations); so whether or how one
    /// field is drawn never changes another's value.
    // Inlined into its one caller so the fate is built in place: returned through
    // memory, its narrow fields stall the wide copy into the family record.
    #[inline(always)]
    pub(crate) fn draw(model: &Model, tables: &MixTables, keys: &Keyed) -> Fate {
        let pw = &model.pathway;
        let u_route = keys.uniform(field::ROUTE);
        let route = if u_route < pw.advice_only {
            Route::AdviceOnly
        } else if u_route < pw.advice_only + pw.not_eligible {
            Route::NotEligible
        } else if u_route < pw.advice_only + pw.not_eligible + pw.declined {
            Route::Declined
        } else {
            Route::Accepted
        };
        let (rereferred, rereferral_delay) = match &pw.rereferral {
            Some(r) if keys.uniform(field::REREFERRAL) < r.probability => (
                true,
                r.delay
                    .sample_days(&mut keys.stream(field::REREFERRAL_DELAY)),
            ),
            _ => (false, Days::ZERO),
        };
        let mut fate = Fate {
            route,
            agency: pick(keys.uniform(field::AGENCY), &tables.agencies) as u8,
            need: pick(keys.uniform(field::NEED), &tables.needs) as u8,
            children: tables.child_counts[pick(keys.uniform(field::CHILDREN), &tables.children)],
            patience: f64::INFINITY,
            assessment_days: Days::ZERO,
            to_phase1: false,
            phase1_days: Days::ZERO,
            unplanned_exit: false,
            exit_fraction: 0.0,
            rereferred,
            rereferral_delay,
            onward: false,
        };
        if route != Route::Accepted {
            return fate;
        }
        if let Some(d) = &pw.patience {
            fate.patience = d.sample(&mut keys.stream(field::PATIENCE));
        }
        if let Some(a) = &pw.assessment {
            fate.assessment_days = a
                .duration
                .sample_days(&mut keys.stream(field::ASSESSMENT_DAYS));
        }
        fate.to_phase1 = keys.uniform(field::TO_PHASE1) < pw.to_phase1();
        if fate.to_phase1
            && let Some(p) = &pw.phase1
        {
            fate.phase1_days = p.duration.sample_days(&mut keys.stream(field::PHASE1_DAYS));
            fate.unplanned_exit = keys.uniform(field::EXIT) < p.unplanned_exit;
            if fate.unplanned_exit {
                fate.exit_fraction = keys.uniform(field::EXIT_FRACTION);
            }
            fate.onward = keys.uniform(field::ONWARD) < pw.onward_referral;
        }
        fate
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
    use crate::rng::{StreamId, Streams};
    use crate::scenario::overrides::{Override, apply};

    /// The Western Bay default with `--set`-style overrides.
    fn western_bay(sets: &[&str]) -> Model {
        let text = crate::scenario::bundled("western-bay")
            .expect("bundled")
            .text;
        let sets: Vec<Override> = sets.iter().map(|s| s.parse().expect("override")).collect();
        let text = apply(text, &sets).expect("override applies");
        crate::scenario::load(&text, "test.toml").unwrap_or_else(|e| panic!("{e}"))
    }

    /// The fates of the first referrals of replication 3 on seed 8.
    fn fates(m: &Model) -> Vec<Fate> {
        let mut tables = MixTables::default();
        tables.rebuild(m);
        let streams = Streams::new(8, 3);
        (0..2000)
            .map(|index| {
                let keys = streams.keyed(StreamId::Family {
                    authority: (index % 3) as u16,
                    episode: 0,
                    index,
                });
                Fate::draw(m, &tables, &keys)
            })
            .collect()
    }

    #[test]
    fn drawing_one_field_differently_leaves_every_other_field_alone() {
        let base = fates(&western_bay(&[]));
        // patience fixed instead of exponential: no draw at all
        let variant = fates(&western_bay(&[
            "pathway.patience={ dist = \"fixed\", value = 30 }",
        ]));
        let mut changed = 0;
        for (a, b) in base.iter().zip(&variant) {
            assert_eq!(
                (
                    a.route,
                    a.agency,
                    a.need,
                    a.children,
                    a.to_phase1,
                    a.unplanned_exit
                ),
                (
                    b.route,
                    b.agency,
                    b.need,
                    b.children,
                    b.to_phase1,
                    b.unplanned_exit
                )
            );
            assert_eq!(
                (a.assessment_days, a.phase1_days, a.rereferral_delay),
                (b.assessment_days, b.phase1_days, b.rereferral_delay)
            );
            assert_eq!(
                (a.exit_fraction.to_bits(), a.rereferred, a.onward),
                (b.exit_fraction.to_bits(), b.rereferred, b.onward)
            );
            changed += usize::from(a.patience != b.patience);
        }
        // the patience itself did change, for every accepted family
        let accepted = base.iter().filter(|f| f.route == Route::Accepted).count();
        assert!(accepted > 1000);
        assert_eq!(changed, accepted);
    }

    #[test]
    fn a_family_draws_only_the_fields_it_reaches() {
        for f in fates(&western_bay(&[])) {
            if f.route != Route::Accepted {
                assert!(f.patience.is_infinite() && !f.to_phase1);
                assert_eq!(f.phase1_days, Days::ZERO);
            }
            if !f.to_phase1 {
                assert!(!f.unplanned_exit && !f.onward);
            }
            if !f.unplanned_exit {
                assert_eq!(f.exit_fraction, 0.0);
            }
            if !f.rereferred {
                assert_eq!(f.rereferral_delay, Days::ZERO);
            }
        }
    }

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
