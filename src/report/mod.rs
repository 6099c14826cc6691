//! Reports: the JSON and CSV contract, text tables, plots and the HTML report.
//!
//! Renderers return strings or bytes; [`write`](mod@write) is the only place that touches files.

/// Version of the layout of every JSON document printed with `--json` (`run`, `compare`,
/// `risks`, `costs`, `bench`) and of `summary.json`: bumped whenever a field changes
/// meaning or disappears (fields may be added within a version). `manifest.json` has its
/// own, [`manifest::SCHEMA`].
pub const SCHEMA: u32 = 1;

pub mod board;
pub mod compare;
pub mod costs;
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

/// A number of days as people write it: "1 day", "1.5 days", "1095 days".
pub fn days(d: f64) -> String {
    let text = format!("{d:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "1" {
        "1 day".into()
    } else {
        format!("{text} days")
    }
}

/// A number in a precision that suits its size: whole from 100, one decimal from 10, two
/// below; "n/a" when it is not finite.
pub fn figures(x: f64) -> String {
    if !x.is_finite() {
        "n/a".into()
    } else if x.abs() >= 100.0 {
        format!("{x:.0}")
    } else if x.abs() >= 10.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
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

/// A number with its sign, `+` or a true minus sign (U+2212) as the pictures print it:
/// "+6.72", "−1.57". Zero, and what rounds to zero, has no sign.
pub(crate) fn signed(x: f64, decimals: usize) -> String {
    let text = format!("{:.decimals$}", x.abs());
    if text.bytes().all(|b| b == b'0' || b == b'.') {
        text
    } else if x < 0.0 {
        format!("−{text}")
    } else {
        format!("+{text}")
    }
}

/// A list in words: "a", "a and b", "a, b and c".
pub(crate) fn and_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn signs_are_typographic_and_zero_has_none() {
        assert_eq!(super::signed(6.716, 2), "+6.72");
        assert_eq!(super::signed(-1.566, 2), "−1.57");
        assert_eq!(super::signed(-0.001, 2), "0.00");
        assert_eq!(super::signed(0.0, 1), "0.0");
    }

    #[test]
    fn days_read_as_words() {
        assert_eq!(super::days(1.0), "1 day");
        assert_eq!(super::days(1.5), "1.5 days");
        assert_eq!(super::days(1095.0), "1095 days");
        assert_eq!(super::days(7.25), "7.25 days");
    }

    #[test]
    fn lists_read_as_words() {
        assert_eq!(super::and_list(&[]), "");
        assert_eq!(super::and_list(&["Swansea"]), "Swansea");
        assert_eq!(super::and_list(&["a", "b"]), "a and b");
        assert_eq!(super::and_list(&["a", "b", "c"]), "a, b and c");
    }

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
