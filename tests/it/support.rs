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

/// Loading `sets` applied to the default must fail at `path`, saying `fragment`, with the
/// line and column of the field.
pub fn refused(sets: &[&str], path: &str, fragment: &str) {
    let err = load_with("western-bay", sets).expect_err("should be refused");
    let hit = err
        .problems
        .iter()
        .find(|p| p.path == path)
        .unwrap_or_else(|| panic!("no problem at {path}; got:\n{err}"));
    assert!(
        hit.message.contains(fragment),
        "problem at {path} says {:?}, expected it to mention {fragment:?}",
        hit.message
    );
    assert!(hit.line_col.is_some(), "{path} has no line/column");
}

/// The largest direct-work capacity of any post: the share of contracted hours it can
/// give to families, which the achieved direct-contact share can never exceed.
pub fn max_direct_capacity(m: &Model) -> f64 {
    m.posts()
        .iter()
        .map(|p| p.direct_hours_per_week() / p.hours_per_week())
        .fold(0.0, f64::max)
}

/// The same model under another policy.
pub fn with_policy(m: &Model, kind: PolicyKind) -> Model {
    m.with_policy(m.policy().with_kind(kind))
}

/// A fresh, empty folder under the system temp folder, removed when dropped.
pub struct TempDir(pub std::path::PathBuf);

impl TempDir {
    /// A new folder named after `tag`, unique to this process and call.
    pub fn new(tag: &str) -> TempDir {
        use std::sync::atomic::{AtomicU32, Ordering};
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let p = std::env::temp_dir().join(format!("ifss-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).expect("temp folder");
        TempDir(p)
    }

    /// A path inside the folder.
    pub fn join(&self, name: &str) -> std::path::PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The result of running the binary.
pub struct Ran {
    /// Exit code (`None` if killed by a signal).
    pub code: Option<i32>,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Ran {
    /// Whether the binary exited with status 0.
    pub fn success(&self) -> bool {
        self.code == Some(0)
    }

    /// Standard output parsed as JSON; the run must have succeeded.
    pub fn json(&self) -> serde_json::Value {
        assert!(self.success(), "{}", self.stderr);
        serde_json::from_str(&self.stdout).expect("valid JSON")
    }
}

/// Run `ifss-sim` with `args` in the system temp folder.
pub fn ifss(args: &[&str]) -> Ran {
    ifss_in(&std::env::temp_dir(), args)
}

/// Run `ifss-sim` with `args` in folder `dir`.
pub fn ifss_in(dir: &std::path::Path, args: &[&str]) -> Ran {
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_ifss-sim"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the binary runs");
    Ran {
        code: o.status.code(),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}
