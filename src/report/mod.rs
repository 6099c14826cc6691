//! Reports: the JSON and CSV contract, text tables, plots and the HTML report.
//!
//! Renderers return strings or bytes; [`write`](mod@write) is the only place that touches files.

pub mod board;
pub mod compare;
pub mod csv;
pub mod html;
pub mod manifest;
pub mod plots;
pub mod summary;
pub mod text;
pub mod write;
