//! A batch's whole state as plain data, to keep and merge later: the per-replication
//! values, the weekly bands' accumulators, the wait histogram and the provenance.
//!
//! A part of a batch run on its own (replications `first..first + n` of a seed) and kept
//! this way is, once read back, the same batch to the bit, so parts run apart (shards on
//! several machines) merge with [`Batch::merge`] into exactly the batch one run would have
//! given. Real values are kept as their IEEE 754 bits, so every value, NaN included,
//! survives a trip through text. Reading checks the state against the model it claims to
//! be of (fingerprint, seed, stream scheme) and against its own shape, so a state of
//! another model or a damaged one is refused rather than merged.

use super::{Bands, Batch, Provenance, Values};
use crate::measures::{Catalogue, SERIES};
use crate::model::Model;
use crate::stats::BandAccumulator;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// What this format is called in its own data.
pub const FORMAT: &str = "ifss-sim batch state";
/// The version of the format written.
pub const VERSION: u32 = 1;

/// A batch's state, ready for any serde format.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchState {
    /// Always [`FORMAT`].
    pub format: String,
    /// [`VERSION`].
    pub version: u32,
    /// The model's fingerprint.
    pub fingerprint: String,
    /// Master seed.
    pub seed: u64,
    /// The random-stream scheme the replications drew from.
    pub stream_scheme: String,
    /// The first replication.
    pub first: u64,
    /// Replications held.
    pub replications: u64,
    /// Whole-number measures, replication by replication.
    pub counts: Vec<u32>,
    /// Real-valued measures' bits, replication by replication.
    pub reals: Vec<u64>,
    /// Weeks of bands kept (0 when the batch kept none).
    pub weeks: usize,
    /// The weekly bands' accumulators, in the batch's order.
    pub bands: Vec<BandAccumulator>,
    /// The wait histogram.
    pub wait_histogram: Vec<u64>,
    /// Events processed.
    pub events: u64,
    /// Simulation time, nanoseconds.
    pub elapsed_nanos: u64,
}

/// Why a state cannot be read back as a batch of a model.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum StateError {
    /// Not this format, or another version of it.
    #[error("not an {FORMAT} of version {VERSION} (found {found:?})")]
    Format {
        /// What the data says it is.
        found: String,
    },
    /// Of another model, seed or stream scheme than the one it is read for.
    #[error("the batch is of another {0}")]
    Provenance(&'static str),
    /// Its parts do not fit together.
    #[error("the batch's {0} does not match its size")]
    Shape(&'static str),
}

impl Batch {
    /// This batch's state.
    pub fn state(&self) -> BatchState {
        BatchState {
            format: FORMAT.into(),
            version: VERSION,
            fingerprint: self.provenance.fingerprint.clone(),
            seed: self.provenance.seed,
            stream_scheme: self.provenance.stream_scheme.into(),
            first: self.first,
            replications: self.values.len as u64,
            counts: self.values.counts.clone(),
            reals: self.values.reals.iter().map(|x| x.to_bits()).collect(),
            weeks: self.bands.weeks,
            bands: self.bands.fans.clone(),
            wait_histogram: self.wait_histogram.clone(),
            events: self.events,
            elapsed_nanos: u64::try_from(self.elapsed.as_nanos()).unwrap_or(u64::MAX),
        }
    }

    /// The batch of `model` a state holds, checked against the model and its own shape.
    pub fn from_state(model: &Model, state: BatchState) -> Result<Batch, StateError> {
        if state.format != FORMAT || state.version != VERSION {
            return Err(StateError::Format {
                found: format!("{} version {}", state.format, state.version),
            });
        }
        if state.fingerprint != model.fingerprint() {
            return Err(StateError::Provenance("model (scenario, policy or change)"));
        }
        if state.stream_scheme != crate::rng::STREAM_SCHEME {
            return Err(StateError::Provenance("random-stream scheme"));
        }
        let catalogue = Catalogue::new(model);
        let mut values = Values::new(&catalogue);
        let n =
            usize::try_from(state.replications).map_err(|_| StateError::Shape("replications"))?;
        if Some(state.counts.len()) != n.checked_mul(values.per_count) {
            return Err(StateError::Shape("whole-number values"));
        }
        if Some(state.reals.len()) != n.checked_mul(values.per_real) {
            return Err(StateError::Shape("real values"));
        }
        values.counts = state.counts;
        values.reals = state.reals.into_iter().map(f64::from_bits).collect();
        values.len = n;
        let authorities = catalogue.authorities().len();
        if state.weeks != 0 && state.weeks != catalogue.weeks() {
            return Err(StateError::Shape("weeks of bands"));
        }
        if state.bands.len() != state.weeks * authorities * SERIES.len() {
            return Err(StateError::Shape("weekly bands"));
        }
        // each band of the kind its series needs, holding at most one value per
        // replication (a week without a value, e.g. no staff present, adds none)
        let kinds_fit = state.bands.iter().enumerate().all(|(i, b)| {
            let want = crate::measures::series_band(i % SERIES.len());
            std::mem::discriminant(b) == std::mem::discriminant(&want)
                && match (b, &want) {
                    (
                        BandAccumulator::Grid { per_unit, .. },
                        BandAccumulator::Grid { per_unit: u, .. },
                    ) => per_unit == u,
                    _ => true,
                }
                && b.count() <= n
                && b.consistent()
        });
        if !kinds_fit {
            return Err(StateError::Shape("weekly bands"));
        }
        if state.wait_histogram.len() != authorities * crate::measures::WAIT_BINS {
            return Err(StateError::Shape("wait histogram"));
        }
        Ok(Batch {
            provenance: Provenance {
                fingerprint: state.fingerprint,
                seed: state.seed,
                stream_scheme: crate::rng::STREAM_SCHEME,
            },
            catalogue,
            first: state.first,
            values,
            bands: Bands {
                weeks: state.weeks,
                authorities,
                fans: state.bands,
            },
            wait_histogram: state.wait_histogram,
            events: state.events,
            elapsed: Duration::from_nanos(state.elapsed_nanos),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::{CHUNK, Plan, Pool, run_with};

    fn model() -> Model {
        let text = crate::scenario::bundled("western-bay").unwrap().text;
        crate::scenario::load(text, "western-bay.toml").unwrap()
    }

    fn part(m: &Model, pool: &Pool, first: u64, replications: u64) -> Batch {
        let plan = Plan {
            seed: 11,
            first,
            replications,
            chunk: CHUNK,
            bands: true,
        };
        run_with(m, &plan, pool, &mut |_: u64| {}).unwrap()
    }

    /// Everything but the wall-clock time, which no two runs share.
    fn same(a: &Batch, b: &Batch) {
        let (mut sa, mut sb) = (a.state(), b.state());
        sa.elapsed_nanos = 0;
        sb.elapsed_nanos = 0;
        assert!(sa == sb, "the batches differ");
    }

    #[test]
    fn parts_kept_as_text_merge_into_the_batch_one_run_gives_for_one_two_and_seven_parts() {
        let m = model();
        let pool = Pool::new(Some(2)).unwrap();
        let whole = part(&m, &pool, 0, 21);
        for parts in [1u64, 2, 7] {
            let mut merged: Option<Batch> = None;
            for k in 0..parts {
                let (from, to) = (21 * k / parts, 21 * (k + 1) / parts);
                let text =
                    serde_json::to_string(&part(&m, &pool, from, to - from).state()).unwrap();
                let back = Batch::from_state(&m, serde_json::from_str(&text).unwrap()).unwrap();
                match merged.as_mut() {
                    None => merged = Some(back),
                    Some(b) => b.merge(&back).unwrap(),
                }
            }
            same(merged.as_ref().unwrap(), &whole);
        }
    }

    #[test]
    fn parts_larger_than_any_exact_buffer_merge_exactly_too() {
        // utilisation is counted on a grid, so its bands merge exactly at any size
        let m = model();
        let pool = Pool::new(Some(2)).unwrap();
        let n = 2 * crate::stats::FAN_EXACT_LIMIT as u64 + 50;
        let whole = part(&m, &pool, 0, n);
        let mut merged = part(&m, &pool, 0, n / 2);
        merged.merge(&part(&m, &pool, n / 2, n - n / 2)).unwrap();
        same(&merged, &whole);
    }

    #[test]
    fn a_state_of_another_model_or_a_damaged_one_is_refused() {
        let m = model();
        let pool = Pool::new(Some(1)).unwrap();
        let state = part(&m, &pool, 0, 3).state();
        let other = m.with_policy(m.policy().with_kind(crate::model::PolicyKind::DemandLed));
        assert_eq!(
            Batch::from_state(&other, state.clone()).unwrap_err(),
            StateError::Provenance("model (scenario, policy or change)")
        );
        let mut short = state.clone();
        short.reals.pop();
        assert_eq!(
            Batch::from_state(&m, short).unwrap_err(),
            StateError::Shape("real values")
        );
        let mut more = state.clone();
        more.replications += 1;
        assert!(Batch::from_state(&m, more).is_err());
        // a counted band whose tally disagrees with its counts
        let mut text = serde_json::to_value(&state).unwrap();
        text["bands"][0]["counts"]["n"] = serde_json::json!(99);
        let damaged: BatchState = serde_json::from_value(text).unwrap();
        assert_eq!(
            Batch::from_state(&m, damaged).unwrap_err(),
            StateError::Shape("weekly bands")
        );
        let mut bands = state.clone();
        bands.bands.swap(0, 2);
        assert_eq!(
            Batch::from_state(&m, bands).unwrap_err(),
            StateError::Shape("weekly bands")
        );
        let mut old = state;
        old.version = 0;
        assert!(matches!(
            Batch::from_state(&m, old),
            Err(StateError::Format { .. })
        ));
    }
}
