//! Allocation policies: which worker may take which waiting family.

/// The three ways of deploying the team that the board compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PolicyKind {
    /// Staff serve only their own authority; each authority has its own queue. Posts
    /// marked region-wide serve every queue, after the authority's own staff.
    Proportional,
    /// Home-base workers first, then region-wide posts; once a family has waited
    /// `share_after_days`, any worker in the region with room may take it, paying travel
    /// on every visit.
    DemandLed,
    /// One regional queue; the least-loaded worker takes the next family, nearest base on ties.
    Pooled,
}

impl PolicyKind {
    /// All policies in the order reports list them.
    pub const ALL: [PolicyKind; 3] = [
        PolicyKind::Proportional,
        PolicyKind::DemandLed,
        PolicyKind::Pooled,
    ];

    /// The name used in scenario files and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            PolicyKind::Proportional => "proportional",
            PolicyKind::DemandLed => "demand-led",
            PolicyKind::Pooled => "pooled",
        }
    }

    /// Parse a name as written in scenario files and on the command line.
    pub fn parse(s: &str) -> Option<PolicyKind> {
        PolicyKind::ALL.into_iter().find(|p| p.name() == s)
    }
}

impl std::fmt::Display for PolicyKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Whether a family may go to any worker with room, or only to one whose specialism fits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Matching {
    /// Cases are distributed by capacity (what the evaluation found in practice).
    Capacity,
    /// A family waits for a worker whose specialism fits its primary need (or a worker
    /// with no specialism).
    Expertise,
}

impl Matching {
    /// Name used in scenario files.
    pub fn name(self) -> &'static str {
        match self {
            Matching::Capacity => "capacity",
            Matching::Expertise => "expertise",
        }
    }
}

/// An allocation policy with its parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub(crate) kind: PolicyKind,
    /// Days a family must wait before a worker from another base may take it
    /// (demand-led only).
    pub(crate) share_after_days: f64,
    pub(crate) matching: Matching,
}

impl Policy {
    /// The policy's kind.
    pub fn kind(&self) -> PolicyKind {
        self.kind
    }
    /// Sharing threshold in days (demand-led).
    pub fn share_after_days(&self) -> f64 {
        self.share_after_days
    }
    /// Matching rule.
    pub fn matching(&self) -> Matching {
        self.matching
    }
    /// The same parameters under another kind of policy.
    pub fn with_kind(&self, kind: PolicyKind) -> Policy {
        Policy {
            kind,
            ..self.clone()
        }
    }
}
