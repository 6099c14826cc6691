//! Integration tests: one binary, modules named by behaviour.

mod bad_input;
mod cli;
mod crn;
mod engine;
mod extremes;
mod outputs;
mod properties;
mod scenarios;
mod support;
mod validation;
