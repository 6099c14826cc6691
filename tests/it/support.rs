//! Helpers shared by the integration tests.

use ifss_sim::model::{Model, PolicyKind};
use ifss_sim::scenario::{self, ScenarioError, overrides::Override};

/// The text of a bundled scenario.
pub fn text(name: &str) -> &'static str {
    scenario::bundled(name).expect("bundled scenario").text
}

/// A bundled scenario with `--set`-style overrides applied, loaded.
pub fn load_with(name: &str, sets: &[&str]) -> Result<Model, ScenarioError> {
    let overrides: Vec<Override> = sets.iter().map(|s| s.parse().expect("override")).collect();
    let t = scenario::overrides::apply(text(name), &overrides).expect("override applies");
    scenario::load(&t, "test.toml")
}

/// A bundled scenario, which must be valid.
pub fn model(name: &str) -> Model {
    load_with(name, &[]).unwrap_or_else(|e| panic!("{e}"))
}

/// The same model under another policy.
pub fn with_policy(m: &Model, kind: PolicyKind) -> Model {
    m.with_policy(m.policy().with_kind(kind))
}
