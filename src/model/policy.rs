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
    /// As proportional, but every review period (a quarter by default) the board moves
    /// home posts' bases toward observed demand, within the limits of [`Rebasing`].
    Rebased,
}

impl PolicyKind {
    /// All policies in the order reports list them.
    pub const ALL: [PolicyKind; 4] = [
        PolicyKind::Proportional,
        PolicyKind::DemandLed,
        PolicyKind::Pooled,
        PolicyKind::Rebased,
    ];

    /// The names of all policies, for messages listing what is allowed.
    pub fn allowed() -> String {
        PolicyKind::ALL.map(PolicyKind::name).join(", ")
    }

    /// The name used in scenario files and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            PolicyKind::Proportional => "proportional",
            PolicyKind::DemandLed => "demand-led",
            PolicyKind::Pooled => "pooled",
            PolicyKind::Rebased => "rebased",
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
    /// How the board's review moves posts (used by [`PolicyKind::Rebased`]).
    pub(crate) rebasing: Rebasing,
}

/// What the board's periodic review looks at to judge where demand is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemandSignal {
    /// Accepted referrals per authority over the last `window` review periods.
    Referrals,
    /// Families on each authority's waiting list at the review.
    Waiting,
}

impl DemandSignal {
    /// Name used in scenario files.
    pub fn name(self) -> &'static str {
        match self {
            DemandSignal::Referrals => "referrals",
            DemandSignal::Waiting => "waiting",
        }
    }
}

/// The limits the board sets on moving posts between bases
/// ([`PolicyKind::Rebased`]; MODEL.md section 5, "quarterly re-basing").
///
/// At each review the home posts that do casework (not region-wide ones, not business
/// support) are compared with the demand signal: referrals accepted over the last
/// `window` review periods (a year by default, so that one quarter's noise does not
/// move posts), or the waiting lists at the review. Authority `b`'s fair number of
/// posts is `posts × signal_b / Σ signal`. One post moves from the base furthest above
/// its fair number to the one furthest below it when the first is more than `tolerance`
/// posts above and the second more than `tolerance` below (so noise in the signal does
/// not move posts back and forth) and the move brings the two closer (their gap exceeds
/// one post); judged by referrals, the first move waits for a full window. Up to
/// `max_moves` posts move a review, never leaving a base with
/// fewer than `min_posts` casework posts. A vacant post moves first, then the one with
/// the lightest committed load. A worker who moves keeps their families, visiting them
/// from the new base, if the loads with travel fit their hours; otherwise the families
/// are handed back to their lists, as when a worker leaves.
#[derive(Debug, Clone, PartialEq)]
pub struct Rebasing {
    pub(crate) every_days: f64,
    pub(crate) signal: DemandSignal,
    pub(crate) max_moves: u32,
    pub(crate) min_posts: u32,
    /// Review periods whose referrals the review looks back over.
    pub(crate) window: u32,
    /// Posts a base may be above or below its fair number without a move.
    pub(crate) tolerance: f64,
}

impl Default for Rebasing {
    /// A quarterly review moving at most one post, keeping one post at every base.
    fn default() -> Self {
        Rebasing {
            every_days: crate::time::DAYS_PER_YEAR / 4.0,
            signal: DemandSignal::Referrals,
            max_moves: 1,
            min_posts: 1,
            window: 4,
            tolerance: 1.0,
        }
    }
}

impl Rebasing {
    /// Days between reviews.
    pub fn every_days(&self) -> f64 {
        self.every_days
    }
    /// What the review judges demand by.
    pub fn signal(&self) -> DemandSignal {
        self.signal
    }
    /// Posts moved at most per review.
    pub fn max_moves(&self) -> u32 {
        self.max_moves
    }
    /// Home posts every base keeps.
    pub fn min_posts(&self) -> u32 {
        self.min_posts
    }
    /// Review periods whose referrals the review looks back over.
    pub fn window(&self) -> u32 {
        self.window
    }
    /// Posts a base may be above or below its fair number without a move.
    pub fn tolerance(&self) -> f64 {
        self.tolerance
    }
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
    /// The review's limits (used by the rebased policy).
    pub fn rebasing(&self) -> &Rebasing {
        &self.rebasing
    }
    /// The same parameters under another kind of policy.
    pub fn with_kind(&self, kind: PolicyKind) -> Policy {
        Policy {
            kind,
            ..self.clone()
        }
    }
}
