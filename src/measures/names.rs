//! The names of the measures that other layers read by name.
//!
//! The recorder names its measures with these, and readers (the cost projection, the risk
//! register, the report) use the same constants and builders, so renaming or removing a
//! measure fails to compile where it is read instead of showing "n/a". A test checks that
//! each one names a measure of the default scenario.

/// Referrals received (first referrals and re-referrals).
pub const REFERRALS: &str = "referrals";
/// Re-referrals among them.
pub const REREFERRALS: &str = "rereferrals";
/// Home posts the board's review moved to a base (credited to the base they moved to).
pub const POSTS_REBASED: &str = "posts_rebased";
/// Referrals that got advice or consultation only.
pub const ADVICE_SESSIONS: &str = "advice_sessions";
/// Referrals accepted onto the waiting list.
pub const ACCEPTED: &str = "accepted";
/// Families who withdrew while waiting.
pub const WITHDRAWN_WHILE_WAITING: &str = "withdrawn_while_waiting";
/// Families allocated a worker.
pub const ALLOCATED: &str = "allocated";
/// Families allocated whose episode is a re-referral (re-referrals that reached the
/// initial assessment).
pub const ALLOCATED_REREFERRALS: &str = "allocated_rereferrals";
/// Allocations to a worker based in another authority.
pub const CROSS_REGION_ALLOCATIONS: &str = "cross_region_allocations";
/// Families who started Phase 1.
pub const PHASE1_STARTS: &str = "phase1_starts";
/// Families who completed Phase 1.
pub const PHASE1_COMPLETIONS: &str = "phase1_completions";
/// Families who completed Phase 2.
pub const PHASE2_COMPLETIONS: &str = "phase2_completions";
/// Mean days from acceptance to the first meeting, over families allocated.
pub const WAIT: &str = "wait_to_first_meeting_days";
/// The 90th percentile of that wait.
pub const WAIT_P90: &str = "wait_to_first_meeting_days.p90";
/// Share of families allocated within the wait target.
pub const WAIT_WITHIN_TARGET: &str = "wait_within_target";
/// Share of all accepted families seen within the wait target, counting those who withdrew
/// or still wait at the horizon as censored (Kaplan–Meier).
pub const WAIT_KM_WITHIN_TARGET: &str = "wait_within_target.all_accepted";
/// Median wait of all accepted families, censored likewise (NaN when fewer than half are
/// ever seen).
pub const WAIT_KM_MEDIAN: &str = "wait_to_first_meeting_days.median_all_accepted";
/// Share of the Phase 1 places of staff in post and present that are in use: a place is
/// room for one more family at its heaviest weekly load.
pub const PHASE1_PLACES_IN_USE: &str = "phase1_places_in_use";
/// Time-average waiting list, whole region.
pub const WAITING_MEAN: &str = "waiting.mean";
/// Time-average open cases, whole region.
pub const OPEN_CASES_MEAN: &str = "open_cases.mean";
/// Cases open at the end of the horizon.
pub const OPEN_AT_END: &str = "open_at_end";
/// Committed hours over capacity hours, staff in post.
pub const UTILISATION: &str = "utilisation";
/// Direct hours delivered over contracted hours in post (direct-work staff).
pub const DIRECT_CONTACT_RATIO: &str = "direct_contact_ratio";
/// Hours of cross-region travel.
pub const TRAVEL_HOURS: &str = "travel_hours";
/// Cost over the whole contract, pounds.
pub const COST_TOTAL: &str = "cost.total";
/// 1 if any contract year cost more than its budget.
pub const OVER_BUDGET_ANY: &str = "over_budget.any";
/// Contract cost per family completing Phase 1, pounds.
pub const COST_PER_PHASE1_COMPLETION: &str = "cost_per_phase1_completion";

/// A measure for one authority: `name.slug`.
pub fn of_area(name: &str, slug: &str) -> String {
    format!("{name}.{slug}")
}

/// A staff measure for the posts based in one authority: `name.base.slug`.
pub fn at_base(name: &str, slug: &str) -> String {
    format!("{name}.base.{slug}")
}

/// Utilisation of the staff based in one authority.
pub fn utilisation_at_base(slug: &str) -> String {
    at_base(UTILISATION, slug)
}

/// A count in contract year `year` (1-based), e.g. referrals in year 2.
pub fn in_year(name: &str, year: usize) -> String {
    format!("{name}.y{year}")
}

/// A measure in quarter `quarter` (1-based) of the horizon, e.g. allocations in quarter 5.
pub fn in_quarter(name: &str, quarter: usize) -> String {
    format!("{name}.q{quarter}")
}

/// Cost of contract year `year` (1-based), pounds.
pub fn cost_in_year(year: usize) -> String {
    format!("cost.y{year}")
}

/// A part of that cost (`salary`, `agency` or `mileage`), pounds.
pub fn cost_part_in_year(part: &str, year: usize) -> String {
    format!("cost.{part}.y{year}")
}

/// 1 if contract year `year` (1-based) cost more than its budget.
pub fn over_budget_in_year(year: usize) -> String {
    format!("over_budget.y{year}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measures::Catalogue;

    #[test]
    fn every_name_read_elsewhere_is_a_measure_of_the_default_scenario() {
        let model = crate::scenario::load_bundled("western-bay")
            .expect("bundled")
            .expect("valid");
        let catalogue = Catalogue::new(&model);
        let mut names: Vec<String> = [
            REFERRALS,
            REREFERRALS,
            ADVICE_SESSIONS,
            ACCEPTED,
            WITHDRAWN_WHILE_WAITING,
            ALLOCATED,
            ALLOCATED_REREFERRALS,
            CROSS_REGION_ALLOCATIONS,
            PHASE1_STARTS,
            PHASE1_COMPLETIONS,
            PHASE2_COMPLETIONS,
            WAIT,
            WAIT_P90,
            WAIT_WITHIN_TARGET,
            WAITING_MEAN,
            OPEN_CASES_MEAN,
            OPEN_AT_END,
            UTILISATION,
            DIRECT_CONTACT_RATIO,
            TRAVEL_HOURS,
            COST_TOTAL,
            OVER_BUDGET_ANY,
            COST_PER_PHASE1_COMPLETION,
            WAIT_KM_WITHIN_TARGET,
            WAIT_KM_MEDIAN,
            PHASE1_PLACES_IN_USE,
        ]
        .map(String::from)
        .to_vec();
        names.extend([
            of_area(WAIT, "swansea"),
            utilisation_at_base("bridgend"),
            at_base(TRAVEL_HOURS, "swansea"),
            at_base(DIRECT_CONTACT_RATIO, "neath-port-talbot"),
            in_year(REFERRALS, 3),
            in_year(REREFERRALS, 1),
            cost_in_year(1),
            cost_part_in_year("salary", 2),
            cost_part_in_year("agency", 2),
            cost_part_in_year("mileage", 3),
            over_budget_in_year(3),
            in_quarter(ALLOCATED, 12),
            in_quarter(WAIT, 1),
            of_area(WAIT_KM_WITHIN_TARGET, "bridgend"),
        ]);
        for name in names {
            assert!(
                catalogue.index(&name).is_some(),
                "no measure named {name:?}"
            );
        }
    }
}
