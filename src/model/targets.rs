//! Calibration targets: figures observed in the field, stored in the scenario beside the
//! inputs, that a simulation of the same service should reproduce.

/// How an observed figure constrains the simulated one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetKind {
    /// The observed value itself.
    Equal,
    /// At least the observed value (e.g. a count known to be under-recorded).
    AtLeast,
    /// At most the observed value.
    AtMost,
}

impl TargetKind {
    /// The scenario-file keyword: `equal`, `at-least` or `at-most`.
    pub fn keyword(self) -> &'static str {
        match self {
            TargetKind::Equal => "equal",
            TargetKind::AtLeast => "at-least",
            TargetKind::AtMost => "at-most",
        }
    }

    /// The kind with this keyword.
    pub fn parse(s: &str) -> Option<TargetKind> {
        [TargetKind::Equal, TargetKind::AtLeast, TargetKind::AtMost]
            .into_iter()
            .find(|k| k.keyword() == s)
    }
}

/// What is compared with the observed figure, in each replication.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetMeasure {
    /// One measure.
    Measure(String),
    /// One measure over another (e.g. Phase 1 completions over starts); undefined where
    /// the denominator is zero.
    Ratio(String, String),
}

impl TargetMeasure {
    /// The measures it reads.
    pub fn names(&self) -> Vec<&str> {
        match self {
            TargetMeasure::Measure(m) => vec![m],
            TargetMeasure::Ratio(n, d) => vec![n, d],
        }
    }

    /// In words: `referrals`, or `phase1_completions / phase1_starts`.
    pub fn describe(&self) -> String {
        match self {
            TargetMeasure::Measure(m) => m.clone(),
            TargetMeasure::Ratio(n, d) => format!("{n} / {d}"),
        }
    }
}

/// One observed figure.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub(crate) name: String,
    pub(crate) measure: TargetMeasure,
    pub(crate) observed: f64,
    pub(crate) kind: TargetKind,
    pub(crate) source: String,
    pub(crate) note: Option<String>,
}

impl Target {
    /// What the figure is, in words.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The simulated counterpart.
    pub fn measure(&self) -> &TargetMeasure {
        &self.measure
    }
    /// The observed value.
    pub fn observed(&self) -> f64 {
        self.observed
    }
    /// How it constrains the simulation.
    pub fn kind(&self) -> TargetKind {
        self.kind
    }
    /// Where it was observed.
    pub fn source(&self) -> &str {
        &self.source
    }
    /// A caveat on the figure, if any.
    pub fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }
}
