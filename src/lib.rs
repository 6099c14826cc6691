//! ifss-sim: a discrete-event capacity simulator for an Integrated Family Support Service.
//!
//! Data flows one way, from a scenario file to a report; a module uses only the layers
//! above it in this map (`tests/it/architecture.rs` keeps it so, and lists the few
//! imports that still run against it):
//!
//! ```text
//! time, money, rng, stats, theory   units, exact pence, named random streams, statistics,
//!                                   queueing formulas: no knowledge of the service
//! dist                              distributions that reject bad parameters
//! floor                             bare loops of the benchmark models: the speed floor
//! model                             the validated scenario, its cost model and risk
//!                                   register: private fields, no serde; FieldProblem
//! costs                             cost table, audit and projection over the contract
//! scenario                          TOML (raw, serde) → validate → Model, every problem at once
//! engine                            events, pathway, policies: pushes facts to an observer
//! measures                          the facts a replication keeps, by name
//! batch                             replications in parallel, folded in replication order;
//!                                   a plan, a pool, a sink; provenance and merging
//! risks                             the risk register beside the simulation
//! verify                            the simulator against exact results
//! experiment                        methods that run several batches on common random
//!                                   numbers, and fits of a scenario to data (referral
//!                                   records): request → validated plan → plain results
//! report                            JSON and CSV rows, text, pictures, HTML; the one writer
//! ```
//!
//! What each layer never does, because that is what keeps results trustworthy: the
//! engine never touches files, serde, clap or standard output, and cannot fail on a valid
//! model; only `rng` builds a random generator; only `report::write` writes files (a whole
//! set at a time, under a lock, inside the output folder); nothing in the library prints;
//! results are the same for any thread count. The command line (`src/cli/`) is an edge
//! that parses, calls the library and prints.
pub mod batch;
pub mod costs;
pub mod dist;
pub mod engine;
pub mod experiment;
pub mod floor;
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
