//! Costs: the proposal's cost table, its audit, and the assumptions for cost projections.
//!
//! ```text
//! [costs] in TOML ──serde──► RawCosts ──validate──► Costs ──┬──► CostTable (stated, recomputed)
//!        │                      │                          └──► Audit::of
//!        └── toml::de::Error ───┴──► Vec<FieldProblem>
//! CostTable + Audit ──► report::costs (the text table and the `costs --json` rows)
//! Model (posts, Costs) ──► Projector ──year(YearInputs from a replication)──► YearCost
//! ```
//!
//! The `[costs]` section of a scenario file ([`RawCosts`](crate::scenario::RawCosts)) and its
//! validation live in `scenario`; the validated cost model ([`Costs`] and its lines) in
//! `model`, re-exported here. This module holds what is computed from it: the cost table at
//! the minimum, mid and maximum salary points ([`CostTable`], in `table`), the arithmetic
//! check of that table ([`Audit`], in `audit`), and the yearly cost over the contract from
//! what a simulation measured ([`Projector`], in `projection`, whose module doc states every
//! rule). Its text and JSON renderings are in `report::costs`. All amounts are exact
//! [`Pence`](crate::money::Pence); all figures are pounds a year.
//!
//! It must not know about the simulation engine or files: post names are not checked
//! against the staff list (the scenario validator does that), the projection reads only the
//! validated model's post titles and horizon and is handed the simulated staffed days and
//! travel as plain numbers, and nothing here reads, writes or prints.

mod audit;
mod projection;
mod table;

pub use crate::model::costs::*;
pub use audit::{Audit, LineFinding, SalaryOrderFinding, TotalFinding, TotalKind};
pub use projection::{BudgetReading, Projector, YearCost, YearInputs};
pub use table::{Column, CostTable, NonSalaryFigures, Row};
