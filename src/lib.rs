//! ifss-sim: a discrete-event capacity simulator for an Integrated Family Support Service.

pub mod costs;
pub mod money;
