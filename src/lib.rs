//! ifss-sim: a discrete-event capacity simulator for an Integrated Family Support Service.
pub mod dist;
pub mod rng;
pub mod time;
