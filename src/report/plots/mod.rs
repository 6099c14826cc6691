//! Pictures for the board report, drawn with plotters as SVG text.
//!
//! Every function here is pure: it takes plain data (numbers and labels, already
//! summarised) and returns one self-contained `<svg>` document as a `String`. Nothing
//! here knows about the engine, the batch or files; [`super::write`] writes the result
//! and [`super::html`] inlines it.
//!
//! Each picture has a title that states the question it answers, axis labels with units
//! and a legend. Text is SVG `<text>`, so the viewer's own fonts draw it and no font file
//! is needed. Labels that come from a scenario (authority names, risk titles) are escaped
//! by the SVG backend; the `<title>` element added for screen readers is escaped here.
//!
//! A picture never fails: empty data gives a picture that says there is no data, and a
//! drawing error (which the string backend does not produce in practice) gives a picture
//! that names the error.

mod bars;
mod canvas;
mod cost;
mod fan;
mod forest;
mod front;
mod numbers;
mod risk;
mod sweep;
mod wait;

pub use bars::{Bar, BarChart, BarGroup, Reference, ratio_bars};
pub use cost::{CostChart, YearCosts, cost_distribution};
pub use fan::{Fan, FanChart, fan_ceiling, fan_chart};
pub use forest::{DiffRow, ForestChart, diff_forest};
pub use front::{FrontChart, front_chart};
pub use risk::{RiskChart, RiskPoint, Verdict, risk_chart};
pub use sweep::{SweepHeat, SweepLine, SweepLines, sweep_heat, sweep_lines};
pub use wait::{Histogram, HistogramError, WaitChart, WaitSeries, wait_distribution};

/// Width in pixels of every picture (its `viewBox`); the report scales it to the page.
pub const WIDTH: u32 = 800;

#[cfg(test)]
pub(crate) mod tests {
    /// Parse `svg` as XML and check that its root is an `<svg>` element.
    pub fn assert_well_formed(svg: &str) {
        let doc = roxmltree::Document::parse(svg)
            .unwrap_or_else(|e| panic!("not well-formed XML: {e}\n{svg}"));
        assert_eq!(doc.root_element().tag_name().name(), "svg");
    }

    /// All text content of `svg` (what a reader sees), with entities decoded.
    pub fn texts(svg: &str) -> Vec<String> {
        let doc = roxmltree::Document::parse(svg).expect("well-formed");
        doc.descendants()
            .filter(|n| n.is_element() && matches!(n.tag_name().name(), "text" | "title"))
            .filter_map(|n| n.text().map(|t| t.trim().to_string()))
            .collect()
    }

    /// A label that would break out of its element if it were not escaped.
    pub const HOSTILE: &str = "<script>alert(1)</script> & \"x\"";

    /// The hostile label appears as text and never as markup.
    pub fn assert_hostile_label_escaped(svg: &str) {
        assert_well_formed(svg);
        assert!(!svg.contains("<script"), "raw markup in SVG");
        assert!(
            svg.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;"),
            "escaped label missing"
        );
        assert!(
            texts(svg).iter().any(|t| t.contains(HOSTILE)),
            "label not shown literally"
        );
    }
}
