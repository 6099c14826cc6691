//! ifss-sim: a discrete-event capacity simulator for an Integrated Family Support Service.

pub mod stats;
pub mod theory;
