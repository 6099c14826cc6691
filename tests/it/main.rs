//! Integration tests: one binary, modules named by behaviour.

mod architecture;
mod bad_input;
mod batch;
mod benchmark_models;
mod board;
mod calibration;
mod cli;
mod costs;
mod crn;
mod engine;
mod experiment;
mod extremes;
mod fit_arrivals;
mod golden;
mod limits;
mod outputs;
mod properties;
mod rebasing;
mod region_wide;
mod report;
mod risks;
mod scenarios;
mod sensitivity;
mod support;
mod sweep;
mod validation;
