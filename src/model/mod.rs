//! The validated domain model.
//!
//! A [`Model`] is what a scenario file becomes once every rule has been checked
//! (`scenario::validate`). It has no serde and no file knowledge, and its invariants
//! hold by construction: probabilities lie in `[0, 1]`, mixes sum to 1, rates and hours
//! are finite and non-negative, every post is based in a known authority, and at least
//! one post can take families. The engine relies on these and cannot fail on a `Model`.
//!
//! Authorities, needs and agencies are referred to by index (`usize`) in the order the
//! scenario lists them; names live here for reports.

use crate::dist::Dist;

pub mod costs;
pub mod optimise;
mod policy;
mod problem;
pub mod risks;
pub mod targets;
pub use policy::{DemandSignal, Matching, Policy, PolicyKind, Rebasing};
pub use problem::FieldProblem;

/// Largest horizon a scenario may ask for, in days (50 years).
pub const MAX_HORIZON_DAYS: f64 = 50.0 * 365.0;
/// Largest number of posts in a scenario, counting each entry's `count` (the default
/// team has 20; allocation scans posts, so a replication slows with the square of their
/// number).
pub const MAX_POSTS: usize = 5_000;
/// Largest number of areas (authorities) in a scenario: memory for the weekly series
/// grows with areas times weeks.
pub const MAX_AREAS: usize = 200;
/// Largest number of replications in one batch.
pub const MAX_REPLICATIONS: u64 = 1_000_000;
/// Largest number of family episodes (first referrals and re-referrals, at the highest
/// rates the scenario allows) in one replication: bounds a replication's memory.
pub const MAX_EPISODES_PER_REPLICATION: f64 = 2_000_000.0;
/// Longest name (of an area, a post, an agency, a band…), in characters: names are
/// repeated in every table and picture.
pub const MAX_NAME_CHARS: usize = 100;
/// Longest other text (a title, a description, a mitigation), in characters.
pub const MAX_TEXT_CHARS: usize = 4_000;
/// Largest scenario file, in bytes (the Western Bay default is about 15 kB).
pub const MAX_SCENARIO_BYTES: usize = 4 << 20;

/// Lower-case, hyphen-separated form of a name, safe in measure names and file names.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        out.push_str("unnamed");
    }
    out
}

/// FNV-1a 64-bit hash of `text`, as 16 hex digits: a stable fingerprint of scenario
/// text (not a cryptographic one).
pub fn fingerprint(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// First referrals one replication can expect over `horizon_days`, at the highest rates
/// the authorities allow (ramp-up, seasonality and uncertain rates at their top).
pub(crate) fn max_first_referrals(authorities: &[Authority], horizon_days: f64) -> f64 {
    authorities
        .iter()
        .map(|a| {
            a.referrals_per_year.max() * a.flow_factor * a.rate_factor_max() * horizon_days / 365.0
        })
        .sum()
}

/// Episodes per first referral at most, on average: 1 + p + p² + … + p^max_episodes.
pub(crate) fn episode_factor(rereferral: Option<&Rereferral>) -> f64 {
    rereferral.map_or(1.0, |r| {
        (0..=i32::from(r.max_episodes))
            .map(|k| r.probability.powi(k))
            .sum()
    })
}

/// A validated scenario, ready to simulate.
#[derive(Debug, Clone)]
pub struct Model {
    /// What was simulated, as a fingerprint: of the scenario text (after `--set`), then
    /// of each change made to the model since ([`Model::with_policy`] and the like).
    pub(crate) fingerprint: String,
    pub(crate) name: String,
    pub(crate) title: String,
    pub(crate) description: String,
    pub(crate) horizon_days: f64,
    pub(crate) warm_up_days: f64,
    pub(crate) replications: u64,
    pub(crate) seed: u64,
    pub(crate) wait_target_days: f64,
    pub(crate) authorities: Vec<Authority>,
    pub(crate) referrals: ReferralMix,
    pub(crate) pathway: Pathway,
    pub(crate) posts: Vec<Post>,
    pub(crate) policy: Policy,
    pub(crate) travel: Travel,
    pub(crate) costs: Option<costs::Costs>,
    pub(crate) risks: Option<risks::Register>,
    pub(crate) targets: Vec<targets::Target>,
    pub(crate) sensitivity: Vec<SensitivityInput>,
    pub(crate) optimise: Option<optimise::Search>,
}

/// An input whose value is an assumption, with the range it may plausibly take
/// (`[[sensitivity]]`): what `sensitivity` varies.
#[derive(Debug, Clone, PartialEq)]
pub struct SensitivityInput {
    /// The field, as `--set` names it.
    pub path: String,
    /// Lowest and highest plausible values.
    pub range: [f64; 2],
    /// Why that range.
    pub why: String,
}

impl Model {
    /// Short machine name of the scenario (as given in the file; not yet path-safe).
    pub fn name(&self) -> &str {
        &self.name
    }
    /// Human title.
    pub fn title(&self) -> &str {
        &self.title
    }
    /// Plain-words description.
    pub fn description(&self) -> &str {
        &self.description
    }
    /// Length of one replication, in days.
    pub fn horizon_days(&self) -> f64 {
        self.horizon_days
    }
    /// Days at the start of each replication before measures count: the service runs
    /// from empty through them, and only what happens after is measured (costs aside,
    /// which cover the contract from its first day). Always below the horizon.
    pub fn warm_up_days(&self) -> f64 {
        self.warm_up_days
    }
    /// Days measured in each replication: the horizon after the warm-up.
    pub fn measured_days(&self) -> f64 {
        self.horizon_days - self.warm_up_days
    }
    /// Replications a batch runs unless told otherwise.
    pub fn default_replications(&self) -> u64 {
        self.replications
    }
    /// Master seed used unless told otherwise.
    pub fn default_seed(&self) -> u64 {
        self.seed
    }
    /// Target wait from acceptance to first meeting, in days.
    pub fn wait_target_days(&self) -> f64 {
        self.wait_target_days
    }
    /// The authorities, in scenario order.
    pub fn authorities(&self) -> &[Authority] {
        &self.authorities
    }
    /// Every post, one entry per person (a `count = 4` line becomes four posts).
    pub fn posts(&self) -> &[Post] {
        &self.posts
    }
    /// The referral mixes.
    pub fn referrals(&self) -> &ReferralMix {
        &self.referrals
    }
    /// The pathway.
    pub fn pathway(&self) -> &Pathway {
        &self.pathway
    }
    /// The allocation policy the scenario names.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }
    /// The fingerprint of what this model simulates: two models with one fingerprint
    /// give the same results on the same seeds, so their batches may be merged.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }
    /// This model's fingerprint followed by a change made to it.
    fn changed(&self, change: &str) -> String {
        fingerprint(&format!("{}\n{change}", self.fingerprint))
    }
    /// The same model under another allocation policy.
    pub fn with_policy(&self, policy: Policy) -> Model {
        Model {
            fingerprint: self.changed(&format!("policy {policy:?}")),
            policy,
            ..self.clone()
        }
    }
    /// The same model over a horizon of at most `days` (never longer than its own, never
    /// shorter than one day), e.g. to run a short replication of any valid scenario.
    pub fn truncated(&self, days: f64) -> Model {
        let days = if days.is_nan() {
            self.horizon_days
        } else {
            days
        };
        let horizon_days = self.horizon_days.min(days.max(1.0));
        Model {
            fingerprint: self.changed(&format!("horizon {}", horizon_days.to_bits())),
            horizon_days,
            // a warm-up the shorter run does not outlast measures nothing: measure all of it
            warm_up_days: if self.warm_up_days < horizon_days {
                self.warm_up_days
            } else {
                0.0
            },
            ..self.clone()
        }
    }
    /// The bundled scenario whose observed figures this scenario's per-family workload
    /// was fitted to (`pathway.calibrated_to`), for the report's calibration evidence.
    pub fn calibrated_to(&self) -> Option<&str> {
        self.pathway.calibrated_to.as_deref()
    }
    /// Figures observed in the field that the simulation should reproduce (calibration
    /// targets), in scenario order; empty for most scenarios.
    pub fn targets(&self) -> &[targets::Target] {
        &self.targets
    }
    /// First referrals a year expected on average, all authorities together.
    pub fn first_referrals_per_year(&self) -> f64 {
        self.authorities
            .iter()
            .map(Authority::mean_referrals_per_year)
            .sum()
    }
    /// The same at a `simulation.referral_scale` of 1: what each unit of the scale adds.
    pub fn first_referrals_per_unit_scale(&self) -> f64 {
        self.authorities
            .iter()
            .map(|a| a.referrals_per_year.mean())
            .sum()
    }
    /// The inputs whose values are assumptions, with their plausible ranges.
    pub fn sensitivity(&self) -> &[SensitivityInput] {
        &self.sensitivity
    }

    /// The search space of staffing optimisation (`[optimise]`), if the scenario has one.
    pub fn optimise(&self) -> Option<&optimise::Search> {
        self.optimise.as_ref()
    }
    /// The travel matrix.
    pub fn travel(&self) -> &Travel {
        &self.travel
    }
    /// The cost table and projection assumptions, if the scenario has a `[costs]` section.
    pub fn costs(&self) -> Option<&costs::Costs> {
        self.costs.as_ref()
    }
    /// The risk register, if the scenario has a `[risks]` section.
    pub fn risks(&self) -> Option<&risks::Register> {
        self.risks.as_ref()
    }
    /// The same scenario with every post filled from the start and never vacated
    /// (leave and sickness unchanged): the comparison for recruitment risk.
    pub fn fully_staffed(&self) -> Model {
        let mut m = self.clone();
        m.fingerprint = self.changed("fully staffed");
        for p in &mut m.posts {
            p.availability.turnover_per_year = 0.0;
            p.availability.contract_end = None;
            p.availability.recruitment_delay = None;
            p.availability.initial_recruitment = None;
        }
        m
    }
    /// The same scenario with every authority's referral flow multiplied by `factor`
    /// (in `[0, 1]`): the comparison for ineffective liaison.
    pub fn with_referral_flow(&self, factor: f64) -> Model {
        let mut m = self.clone();
        m.fingerprint = self.changed(&format!("referral flow {}", factor.to_bits()));
        for a in &mut m.authorities {
            a.flow_factor *= factor.clamp(0.0, 1.0);
        }
        m
    }
    /// Distinct post titles, in scenario order (cost lines are matched to these).
    pub fn post_titles(&self) -> Vec<&str> {
        let mut seen = std::collections::HashSet::new();
        self.posts
            .iter()
            .map(|p| p.title.as_str())
            .filter(|t| seen.insert(*t))
            .collect()
    }

    /// For each post, the position of its title in [`Model::post_titles`].
    pub fn post_title_indices(&self) -> Vec<usize> {
        let mut index = std::collections::HashMap::new();
        self.posts
            .iter()
            .map(|p| {
                let next = index.len();
                *index.entry(p.title.as_str()).or_insert(next)
            })
            .collect()
    }
    /// The most family episodes (first referrals and re-referrals) one replication can
    /// expect, at the highest rates the scenario allows: what bounds its memory and time.
    pub fn max_episodes_per_replication(&self) -> f64 {
        max_first_referrals(&self.authorities, self.horizon_days)
            * episode_factor(self.pathway.rereferral.as_ref())
    }

    /// Number of contract years the horizon touches (a partial year counts).
    pub fn years(&self) -> usize {
        ((self.horizon_days / crate::time::DAYS_PER_YEAR).ceil() as usize).max(1)
    }
}

/// A yearly rate: known, or uncertain and drawn once per replication.
#[derive(Debug, Clone)]
pub enum Rate {
    /// A known rate per year.
    Known(f64),
    /// A rate per year drawn once per replication from this distribution.
    Uncertain(Dist),
}

impl Rate {
    /// Expected rate per year.
    pub fn mean(&self) -> f64 {
        match self {
            Rate::Known(r) => *r,
            Rate::Uncertain(d) => d.mean(),
        }
    }
    /// Largest rate per year the distribution can give.
    pub fn max(&self) -> f64 {
        match self {
            Rate::Known(r) => *r,
            Rate::Uncertain(d) => d.max(),
        }
    }
}

/// One local authority: a base, a population and its referral flow.
#[derive(Debug, Clone)]
pub struct Authority {
    pub(crate) name: String,
    pub(crate) slug: String,
    pub(crate) population: u64,
    pub(crate) referrals_per_year: Rate,
    pub(crate) ramp: Option<Ramp>,
    pub(crate) seasonality: Option<Seasonality>,
    pub(crate) referral_target_per_year: Option<f64>,
    /// Multiplier on the referral rate (1 unless a comparison scales flow).
    pub(crate) flow_factor: f64,
}

impl Authority {
    /// Display name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// Lower-case, hyphenated name used in measure names and file names.
    pub fn slug(&self) -> &str {
        &self.slug
    }
    /// Population (2011 Census by default).
    pub fn population(&self) -> u64 {
        self.population
    }
    /// Referral rate per year once referral flow is established.
    pub fn referrals_per_year(&self) -> &Rate {
        &self.referrals_per_year
    }
    /// First referrals a year expected on average: the rate's mean times
    /// `simulation.referral_scale` (and any reduced flow a comparison applies).
    pub fn mean_referrals_per_year(&self) -> f64 {
        self.referrals_per_year.mean() * self.flow_factor
    }
    /// The annual referral target the board expects, if set.
    pub fn referral_target_per_year(&self) -> Option<f64> {
        self.referral_target_per_year
    }
    /// Multiplier on the base rate at day `t` (ramp-up times seasonality), always > 0
    /// unless the ramp starts at zero.
    pub fn rate_factor(&self, t: f64) -> f64 {
        let ramp = match &self.ramp {
            Some(r) if t < r.days => r.start_fraction + (1.0 - r.start_fraction) * (t / r.days),
            _ => 1.0,
        };
        let season = match &self.seasonality {
            Some(s) => {
                1.0 + s.amplitude
                    * (2.0 * std::f64::consts::PI * (t - s.peak_day) / crate::time::DAYS_PER_YEAR)
                        .cos()
            }
            None => 1.0,
        };
        ramp * season
    }
    /// Upper bound of [`Authority::rate_factor`] over all times.
    pub fn rate_factor_max(&self) -> f64 {
        let ramp_max = 1.0_f64.max(self.ramp.as_ref().map_or(1.0, |r| r.start_fraction));
        ramp_max * (1.0 + self.seasonality.as_ref().map_or(0.0, |s| s.amplitude))
    }
}

/// Referral flow building up over the first months: the rate rises linearly from
/// `start_fraction` of the base rate to the full rate over `days`.
#[derive(Debug, Clone)]
pub struct Ramp {
    pub(crate) start_fraction: f64,
    pub(crate) days: f64,
}

/// A yearly cycle: the rate is multiplied by `1 + amplitude·cos(2π(t − peak_day)/365)`.
#[derive(Debug, Clone)]
pub struct Seasonality {
    pub(crate) amplitude: f64,
    pub(crate) peak_day: f64,
}

/// A named category with its share (agencies, needs).
#[derive(Debug, Clone)]
pub struct Category {
    pub(crate) name: String,
    pub(crate) slug: String,
    pub(crate) share: f64,
}

impl Category {
    /// Display name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// Name used in measure names.
    pub fn slug(&self) -> &str {
        &self.slug
    }
    /// Share of referrals.
    pub fn share(&self) -> f64 {
        self.share
    }
}

/// Who refers, what the primary need is, how many children.
#[derive(Debug, Clone)]
pub struct ReferralMix {
    pub(crate) agencies: Vec<Category>,
    pub(crate) needs: Vec<Category>,
    /// `(number of children, share)`.
    pub(crate) children: Vec<(u32, f64)>,
}

impl ReferralMix {
    /// Referring agencies.
    pub fn agencies(&self) -> &[Category] {
        &self.agencies
    }
    /// Primary needs.
    pub fn needs(&self) -> &[Category] {
        &self.needs
    }
    /// Mean number of children per referral.
    pub fn mean_children(&self) -> f64 {
        self.children.iter().map(|(n, p)| f64::from(*n) * p).sum()
    }
}

/// The intervention pathway of MODEL.md section 4.
#[derive(Debug, Clone)]
pub struct Pathway {
    /// Probability a referral gets advice or consultation only.
    pub(crate) advice_only: f64,
    /// Staff hours one advice or consultation session takes, delivered by a worker at the
    /// referral's base when it arrives (like a review: counted in hours delivered and
    /// direct contact, not booked against weekly capacity).
    pub(crate) advice_hours: f64,
    /// Probability a referral is not eligible.
    pub(crate) not_eligible: f64,
    /// Probability the family declines.
    pub(crate) declined: f64,
    pub(crate) patience: Option<Dist>,
    pub(crate) assessment: Option<Assessment>,
    pub(crate) phase1: Option<Phase1>,
    pub(crate) phase2: Option<Phase2>,
    pub(crate) rereferral: Option<Rereferral>,
    /// Probability a family closed after Phase 1 is referred on to a specialist agency.
    pub(crate) onward_referral: f64,
    /// The bundled scenario whose observed figures the workload was fitted to, if any.
    pub(crate) calibrated_to: Option<String>,
}

impl Pathway {
    /// Probability a referral is accepted onto the waiting list.
    pub fn acceptance(&self) -> f64 {
        (1.0 - self.advice_only - self.not_eligible - self.declined).max(0.0)
    }
    /// Probability an accepted, allocated family starts Phase 1.
    pub fn to_phase1(&self) -> f64 {
        match (&self.assessment, &self.phase1) {
            (_, None) => 0.0,
            (Some(a), Some(_)) => a.to_phase1,
            (None, Some(_)) => 1.0,
        }
    }
    /// Probability a family that starts Phase 1 completes it.
    pub fn phase1_completion(&self) -> f64 {
        self.phase1.as_ref().map_or(0.0, |p| 1.0 - p.unplanned_exit)
    }
    /// Weekly hours a worker must have free to take a new family: the heaviest load the
    /// family brings before Phase 2.
    pub fn intake_hours(&self) -> f64 {
        let a = self.assessment.as_ref().map_or(0.0, |a| a.hours);
        let p = self.phase1.as_ref().map_or(0.0, |p| p.hours_per_week);
        a.max(p)
    }
}

/// The 72-hour assessment.
#[derive(Debug, Clone)]
pub struct Assessment {
    pub(crate) duration: Dist,
    pub(crate) hours: f64,
    pub(crate) to_phase1: f64,
}

/// Phase 1: intensive work.
#[derive(Debug, Clone)]
pub struct Phase1 {
    pub(crate) duration: Dist,
    pub(crate) hours_per_week: f64,
    pub(crate) unplanned_exit: f64,
}

/// Phase 2: lighter support until the review, then monitoring until the final review.
#[derive(Debug, Clone)]
pub struct Phase2 {
    pub(crate) hours_per_week: f64,
    pub(crate) review_at_days: f64,
    pub(crate) final_review_at_days: f64,
    pub(crate) review_hours: f64,
}

/// Closed families may be referred again.
#[derive(Debug, Clone)]
pub struct Rereferral {
    pub(crate) probability: f64,
    pub(crate) delay: Dist,
    pub(crate) max_episodes: u8,
}

/// A job role; used for reporting utilisation by role and for costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// Operational (team performance and development) manager.
    Manager,
    /// Consultant social worker.
    ConsultantSocialWorker,
    /// Intervention specialist.
    InterventionSpecialist,
    /// Business support (no direct work).
    BusinessSupport,
    /// Any other post.
    Other,
}

impl Role {
    /// Name used in measure names.
    pub fn slug(self) -> &'static str {
        match self {
            Role::Manager => "manager",
            Role::ConsultantSocialWorker => "csw",
            Role::InterventionSpecialist => "is",
            Role::BusinessSupport => "business-support",
            Role::Other => "other",
        }
    }
    /// All roles in reporting order.
    pub const ALL: [Role; 5] = [
        Role::Manager,
        Role::ConsultantSocialWorker,
        Role::InterventionSpecialist,
        Role::BusinessSupport,
        Role::Other,
    ];
}

/// Staff availability, per post: leave, sickness, turnover, initial recruitment.
#[derive(Debug, Clone)]
pub struct Availability {
    /// Leave days a year, taken in spells of `leave_spell_days`.
    pub(crate) annual_leave_days: f64,
    pub(crate) leave_spell_days: f64,
    pub(crate) sickness_spells_per_year: f64,
    pub(crate) sickness_duration: Option<Dist>,
    /// Probability a post holder leaves within a year.
    pub(crate) turnover_per_year: f64,
    pub(crate) recruitment_delay: Option<Dist>,
    /// Days from the start until the post is first filled.
    pub(crate) initial_recruitment: Option<Dist>,
    /// Leaving that rises toward the end of each contract, if any.
    pub(crate) contract_end: Option<ContractEnd>,
}

/// Leaving toward a contract's end: secondees return to their authorities and fixed-term
/// staff move on. Contracts run `days` each, back to back from the start (a horizon past
/// the first is a renewal); in the last `window_days` of each, a post holder leaves with
/// yearly probability `turnover_per_year` instead of the usual one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ContractEnd {
    pub(crate) days: f64,
    pub(crate) window_days: f64,
    pub(crate) turnover_per_year: f64,
}

/// One person's post.
#[derive(Debug, Clone)]
pub struct Post {
    /// Names this holder's availability stream ([`crate::rng::staff_key`]).
    pub(crate) stream: u64,
    pub(crate) title: String,
    pub(crate) role: Role,
    pub(crate) base: usize,
    pub(crate) hours_per_week: f64,
    pub(crate) direct_ratio: f64,
    pub(crate) caseload_limit: Option<u32>,
    pub(crate) specialism: Option<usize>,
    /// Takes families from every authority, not only its base's (see
    /// [`Post::region_wide`]).
    pub(crate) region_wide: bool,
    pub(crate) availability: Availability,
}

impl Post {
    /// Post title as written in the scenario.
    pub fn title(&self) -> &str {
        &self.title
    }
    /// Role.
    pub fn role(&self) -> Role {
        self.role
    }
    /// Index of the authority the post is based in.
    pub fn base(&self) -> usize {
        self.base
    }
    /// Contracted hours a week.
    pub fn hours_per_week(&self) -> f64 {
        self.hours_per_week
    }
    /// Share of contracted hours available for direct work with families.
    pub fn direct_ratio(&self) -> f64 {
        self.direct_ratio
    }
    /// Most families the post holds at once (`None`: limited by hours only).
    pub fn caseload_limit(&self) -> Option<u32> {
        self.caseload_limit
    }
    /// Whether the post serves the whole region: under every policy it takes families
    /// from any authority from the start, after the authority's own staff, paying travel
    /// from its base to families of other authorities.
    pub fn region_wide(&self) -> bool {
        self.region_wide
    }
    /// Hours a week available for direct work (contracted hours × direct ratio).
    pub fn direct_hours_per_week(&self) -> f64 {
        self.hours_per_week * self.direct_ratio
    }
    /// Whether this post can take families at all.
    pub fn takes_families(&self, intake_hours: f64) -> bool {
        self.caseload_limit != Some(0)
            && self.direct_hours_per_week() > 0.0
            && self.direct_hours_per_week() + 1e-9 >= intake_hours
    }
}

/// Travel between bases for cross-region work.
#[derive(Debug, Clone)]
pub struct Travel {
    /// One-way hours between bases, indexed `[from][to]`; zero on the diagonal.
    pub(crate) hours: Vec<Vec<f64>>,
    pub(crate) assessment_visits: f64,
    pub(crate) phase1_visits_per_week: f64,
    pub(crate) phase2_visits_per_week: f64,
    pub(crate) review_visits: f64,
}

impl Travel {
    /// One-way hours from base `from` to authority `to`.
    pub fn one_way(&self, from: usize, to: usize) -> f64 {
        self.hours[from][to]
    }
}
