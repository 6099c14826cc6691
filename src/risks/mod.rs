//! The risk register beside the simulation.
//!
//! The register (Appendix 3 of the proposal) states each risk's likelihood and effect in
//! words. Here each word maps to a band — a probability range for likelihoods, an
//! impact range for effects (families not served, extra weeks of waiting, pounds over
//! budget) — and each risk that a capacity model can measure gets an [`Indicator`]: what
//! counts as the risk happening in one replication, and how big its impact is.
//! [`assess`] then sets the stated bands beside the simulated probability and impact and
//! gives a verdict. Risks the simulation cannot measure say so; they never get a number.
//!
//! The `[risks]` section and its validation are in `scenario`; the validated register
//! ([`Register`], its bands and indicators) in `model`, re-exported here.

mod assess;

pub use crate::model::risks::*;
pub use assess::{Assessment, Batches, Verdict, assess};
