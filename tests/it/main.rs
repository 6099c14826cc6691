//! Integration tests: one binary, modules named by behaviour.

mod batch;
mod cli;
mod costs;
mod crn;
mod engine;
mod golden;
mod report;
mod risks;
mod scenarios;
mod support;
