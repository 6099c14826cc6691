//! Reports: the JSON and CSV contract, text tables, plots and the HTML report.
//!
//! Renderers return strings or bytes; [`write`](mod@write) is the only place that touches files.

pub mod board;
pub mod compare;
pub mod csv;
pub mod html;
pub mod manifest;
pub mod plots;
pub mod summary;
pub mod text;
pub mod write;

/// `n` with its noun, singular for one: "1 replication", "200 replications".
pub fn counted(n: impl Into<u64>, singular: &str, plural: &str) -> String {
    match n.into() {
        1 => format!("1 {singular}"),
        n => format!("{n} {plural}"),
    }
}

/// A probability as a whole percentage, with one decimal where rounding would show a
/// share that is not zero as 0% (or one that is not certain as 100%).
pub(crate) fn percent(x: f64) -> String {
    let p = x * 100.0;
    if (p > 0.0 && p < 1.0) || (p > 99.0 && p < 100.0) {
        format!("{p:.1}%")
    } else {
        format!("{p:.0}%")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_of_a_thing_is_singular() {
        assert_eq!(
            super::counted(1u64, "replication", "replications"),
            "1 replication"
        );
        assert_eq!(super::counted(0u64, "post", "posts"), "0 posts");
        assert_eq!(
            super::counted(3u64, "authority", "authorities"),
            "3 authorities"
        );
    }

    #[test]
    fn rare_events_are_not_shown_as_never() {
        assert_eq!(super::percent(0.0), "0%");
        assert_eq!(super::percent(0.005), "0.5%");
        assert_eq!(super::percent(0.0088), "0.9%");
        assert_eq!(super::percent(0.43), "43%");
        assert_eq!(super::percent(0.999), "99.9%");
        assert_eq!(super::percent(1.0), "100%");
    }
}
