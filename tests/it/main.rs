//! Integration tests: one binary, modules named by behaviour.

mod batch;
mod cli;
mod crn;
mod engine;
mod scenarios;
mod support;
