//! `manifest.json`: what produced a set of outputs, so a run can be reproduced.

use serde::Serialize;

/// Provenance of one run's outputs.
#[derive(Debug, Clone, Serialize)]
pub struct Manifest {
    /// Layout version ([`SCHEMA`]).
    pub schema: u32,
    /// Tool name and version.
    pub tool: String,
    /// The kind of set: `run` (from `run` or `compare`) or `risks`.
    pub set: &'static str,
    /// Scenario name.
    pub scenario: String,
    /// Where the scenario came from (file path or bundled name).
    pub source: String,
    /// FNV-1a 64-bit hash of the scenario text after `--set` overrides, in hex.
    pub scenario_hash: String,
    /// `--set` overrides in order.
    pub overrides: Vec<String>,
    /// Master seed.
    pub seed: u64,
    /// First replication index and count.
    pub first_replication: u64,
    /// Replications per policy.
    pub replications: u64,
    /// Policies run, baseline first.
    pub policies: Vec<String>,
    /// Worker threads asked for (results do not depend on it).
    pub threads: Option<usize>,
    /// Random-number stream scheme.
    pub stream_scheme: &'static str,
    /// Generator crates.
    pub generators: &'static str,
    /// The command line.
    pub command_line: Vec<String>,
    /// The files of the set, each with its size and SHA-256, so a reader can check it.
    pub files: Vec<super::write::FileRecord>,
}

/// The manifest's layout version (apart from the other JSON outputs' [`super::SCHEMA`]): 2 lists each file with its size and SHA-256 and names
/// the kind of set.
pub const SCHEMA: u32 = 2;

/// FNV-1a 64-bit hash, as 16 hex digits: a stable fingerprint of scenario text.
pub fn fnv1a64(text: &str) -> String {
    crate::model::fingerprint(text)
}

#[cfg(test)]
mod tests {
    #[test]
    fn fnv_matches_published_vectors() {
        assert_eq!(super::fnv1a64(""), "cbf29ce484222325");
        assert_eq!(super::fnv1a64("a"), "af63dc4c8601ec8c");
    }
}
