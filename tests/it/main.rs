//! Integration tests: one binary, modules named by behaviour.

mod cli;
mod costs;
mod crn;
mod engine;
mod scenarios;
mod support;
