//! What a sweep or a sensitivity analysis keeps of its batches: a few measures' values,
//! replication by replication, for every batch over one range of replications.
//!
//! Their answers are functions of these columns alone, so an experiment split by
//! replications (part K of N runs replications `⌊R(K−1)/N⌋ .. ⌊RK/N⌋` of every batch)
//! gives, once its parts are joined in order with [`Columns::append`], exactly the
//! columns one run gives, and so exactly its answer. Values are kept as IEEE 754 bits in
//! any serde format, so NaN (a replication without a value) survives a trip through text.

use super::{ExperimentError, Watch, batch_of};
use crate::batch::{self, Batch, Pool};
use crate::model::Model;
use serde::{Deserialize, Serialize};

/// Kept measures of a list of batches over replications `first .. first + replications`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Columns {
    /// The first replication held.
    pub first: u64,
    /// Replications held, in every batch.
    pub replications: u64,
    /// The measures kept, by name.
    pub measures: Vec<String>,
    /// Per batch, per measure: the values in replication order.
    #[serde(with = "bits")]
    pub batches: Vec<Vec<Vec<f64>>>,
}

/// Why two parts do not join, or a part does not fit its experiment.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ColumnsError {
    /// The parts keep different measures or batches.
    #[error("the parts keep different {0}")]
    Shape(&'static str),
    /// The next part does not start where this one ends.
    #[error("a part starts at replication {found}, where {expected} was next")]
    Gap {
        /// The replication the part after this one must start at.
        expected: u64,
        /// Where it starts.
        found: u64,
    },
}

impl Columns {
    /// Whether every batch keeps every measure for every replication held.
    pub fn is_whole(&self) -> bool {
        self.batches.iter().all(|b| {
            b.len() == self.measures.len() && b.iter().all(|c| c.len() as u64 == self.replications)
        })
    }

    /// Whether these are all of an experiment's columns: `batches` batches keeping
    /// `measures`, over its `replications` from the first.
    pub fn fit(
        &self,
        batches: usize,
        measures: &[String],
        replications: u64,
    ) -> Result<(), String> {
        let fits = self.first == 0
            && self.replications == replications
            && self.measures == measures
            && self.batches.len() == batches
            && self.is_whole();
        match fits {
            true => Ok(()),
            false => Err(format!(
                "the columns hold {} batches of {} measures over replications {} to {}; the \
                 experiment needs {batches} batches of {} measures over its {replications} \
                 replications from 0",
                self.batches.len(),
                self.measures.len(),
                self.first,
                self.first + self.replications,
                measures.len(),
            )),
        }
    }

    /// Join the part that follows this one (its replications start where these end).
    pub fn append(&mut self, next: &Columns) -> Result<(), ColumnsError> {
        if next.measures != self.measures {
            return Err(ColumnsError::Shape("measures"));
        }
        if next.batches.len() != self.batches.len() {
            return Err(ColumnsError::Shape("batches"));
        }
        if !self.is_whole() || !next.is_whole() {
            return Err(ColumnsError::Shape("numbers of replications"));
        }
        let expected = self.first + self.replications;
        if next.first != expected {
            return Err(ColumnsError::Gap {
                expected,
                found: next.first,
            });
        }
        for (mine, theirs) in self.batches.iter_mut().zip(&next.batches) {
            for (m, t) in mine.iter_mut().zip(theirs) {
                m.extend_from_slice(t);
            }
        }
        self.replications += next.replications;
        Ok(())
    }
}

/// Run each of `batches` (a model and its label for the watch) over replications
/// `first .. first + replications` of `seed`, one after the other, keeping `measures`.
pub fn run<W: Watch + ?Sized>(
    batches: &[(Model, String)],
    measures: &[String],
    (seed, first, replications): (u64, u64, u64),
    pool: &Pool,
    watch: &mut W,
) -> Result<Columns, ExperimentError> {
    let plan = batch::Plan {
        seed,
        first,
        replications,
        chunk: batch::CHUNK,
        bands: false,
    };
    let mut kept = Vec::with_capacity(batches.len());
    for (model, label) in batches {
        kept.push(if replications == 0 {
            // an empty part still belongs to the experiment
            vec![Vec::new(); measures.len()]
        } else {
            // one after the other: a stop during one starts no other
            of(&batch_of(model, &plan, pool, watch, label)?, measures)
        });
    }
    Ok(Columns {
        first,
        replications,
        measures: measures.to_vec(),
        batches: kept,
    })
}

/// What an experiment keeps of `batch`: each of `measures`, replication by replication
/// (NaN throughout for a measure the batch does not have).
pub(crate) fn of(batch: &Batch, measures: &[String]) -> Vec<Vec<f64>> {
    measures
        .iter()
        .map(|m| {
            batch
                .measure(m)
                .unwrap_or_else(|| vec![f64::NAN; batch.len()])
        })
        .collect()
}

/// Reals as their bits: exact in every format, NaN included.
mod bits {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(v: &[Vec<Vec<f64>>], s: S) -> Result<S::Ok, S::Error> {
        let as_bits: Vec<Vec<Vec<u64>>> = v
            .iter()
            .map(|b| {
                b.iter()
                    .map(|c| c.iter().map(|x| x.to_bits()).collect())
                    .collect()
            })
            .collect();
        as_bits.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Vec<Vec<f64>>>, D::Error> {
        let as_bits = Vec::<Vec<Vec<u64>>>::deserialize(d)?;
        Ok(as_bits
            .into_iter()
            .map(|b| {
                b.into_iter()
                    .map(|c| c.into_iter().map(f64::from_bits).collect())
                    .collect()
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(first: u64, values: &[f64]) -> Columns {
        Columns {
            first,
            replications: values.len() as u64,
            measures: vec!["m".into()],
            batches: vec![
                vec![values.to_vec()],
                vec![values.iter().map(|v| -v).collect()],
            ],
        }
    }

    #[test]
    fn parts_join_in_order_and_refuse_gaps_and_other_shapes() {
        let mut a = part(0, &[1.0, f64::NAN]);
        a.append(&part(2, &[3.0])).unwrap();
        assert_eq!(a.replications, 3);
        assert_eq!(a.batches[1][0][2], -3.0);
        assert!(a.batches[0][0][1].is_nan());
        assert_eq!(
            a.append(&part(4, &[5.0])),
            Err(ColumnsError::Gap {
                expected: 3,
                found: 4
            })
        );
        let mut other = part(3, &[5.0]);
        other.measures = vec!["n".into()];
        assert_eq!(a.append(&other), Err(ColumnsError::Shape("measures")));
        let mut short = part(3, &[5.0]);
        short.batches.pop();
        assert_eq!(a.append(&short), Err(ColumnsError::Shape("batches")));
        let mut ragged = part(3, &[5.0, 6.0]);
        ragged.batches[1][0].pop();
        assert_eq!(
            a.append(&ragged),
            Err(ColumnsError::Shape("numbers of replications"))
        );
        // what failed changed nothing
        assert_eq!(a.replications, 3);
    }

    #[test]
    fn values_survive_text_to_the_bit() {
        let weird = [
            0.1 + 0.2,
            f64::NAN,
            f64::INFINITY,
            -0.0,
            f64::MIN_POSITIVE / 3.0,
        ];
        let c = part(7, &weird);
        let back: Columns = serde_json::from_str(&serde_json::to_string(&c).unwrap()).unwrap();
        for (x, y) in c.batches[0][0].iter().zip(&back.batches[0][0]) {
            assert_eq!(x.to_bits(), y.to_bits());
        }
        assert_eq!(back.first, 7);
    }
}
