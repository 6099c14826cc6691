//! ifss-sim: a discrete-event capacity simulator for an Integrated Family Support Service.
pub mod batch;
pub mod costs;
pub mod dist;
pub mod engine;
pub mod measures;
pub mod model;
pub mod money;
pub mod report;
pub mod risks;
pub mod rng;
pub mod scenario;
pub mod stats;
pub mod theory;
pub mod time;
pub mod verify;
