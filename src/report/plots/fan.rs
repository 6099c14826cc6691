//! A quantity over time across replications: the median line inside the band from the
//! 5th to the 95th percentile, with the mean dashed, one panel per authority on a shared
//! scale.

use super::canvas::{
    AXIS, Area, Drawn, GRID, INK, Key, MUTED, Swatch, bold, desc_font, no_data, picture, tick_font,
};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// One authority's band over time; each vector has one value per time point.
#[derive(Debug, Clone)]
pub struct Fan {
    /// The panel's heading, e.g. "Swansea".
    pub label: String,
    /// 5th percentile across replications.
    pub p5: Vec<f64>,
    /// Median across replications.
    pub p50: Vec<f64>,
    /// 95th percentile across replications.
    pub p95: Vec<f64>,
    /// Mean across replications (dashed); empty to leave it out.
    pub mean: Vec<f64>,
}

/// The fan-chart picture.
#[derive(Debug, Clone)]
pub struct FanChart {
    /// The question it answers.
    pub title: String,
    /// The time axis with its unit, e.g. "weeks since the contract started".
    pub x_label: String,
    /// The quantity with its unit, e.g. "families waiting".
    pub y_label: String,
    /// The time points, increasing.
    pub x: Vec<f64>,
    /// One panel each, drawn in order.
    pub fans: Vec<Fan>,
    /// The top of the y axis, to share one scale with other charts; `None` fits this
    /// chart's own bands.
    pub y_max: Option<f64>,
}

/// The top of a y axis that holds every band of `fans` with a little room above.
pub fn fan_ceiling<'a>(fans: impl IntoIterator<Item = &'a Fan>) -> f64 {
    fans.into_iter()
        .flat_map(|f| f.p95.iter().chain(&f.p50))
        .filter(|v| v.is_finite())
        .copied()
        .fold(1.0_f64, f64::max)
        * 1.1
}

const PANEL_H: u32 = 230;
const COLS: usize = 3;

/// Median with a P5–P95 band over time, one panel per fan, all on the same y scale so
/// the panels compare at a glance.
pub fn fan_chart(chart: &FanChart) -> String {
    super::canvas::described(draw_fan_chart(chart), super::numbers::fan(chart))
}

fn draw_fan_chart(chart: &FanChart) -> String {
    let usable = |f: &Fan| {
        f.p5.len()
            .min(f.p50.len())
            .min(f.p95.len())
            .min(chart.x.len())
            >= 2
    };
    if chart.fans.is_empty() || !chart.fans.iter().any(usable) {
        return no_data(&chart.title, "no time series were recorded");
    }
    let finite = |v: &&f64| v.is_finite();
    let x_min = chart
        .x
        .iter()
        .filter(finite)
        .copied()
        .fold(f64::INFINITY, f64::min);
    let x_max = chart
        .x
        .iter()
        .filter(finite)
        .copied()
        .fold(f64::NEG_INFINITY, f64::max);
    let y_max = chart
        .y_max
        .filter(|y| y.is_finite() && *y > 0.0)
        .unwrap_or_else(|| fan_ceiling(&chart.fans));
    let mut keys = vec![
        Key::new("line: median over replications", Swatch::Line(&INK)),
        Key::new("dashed: mean", Swatch::Dashed(&INK)),
        Key::new("shaded: 5th–95th percentile band", Swatch::Band(&INK)),
    ];
    if chart.fans.iter().all(|f| f.mean.is_empty()) {
        keys.remove(1);
    }
    let cols = chart.fans.len().min(COLS);
    let rows = chart.fans.len().div_ceil(cols);
    let height = PANEL_H * rows as u32 + 40;
    let x_range = if x_max > x_min {
        (x_min, x_max)
    } else {
        (0.0, 1.0)
    };
    picture(&chart.title, &keys, height, |area| {
        let (grid, foot) = area.split_vertically(PANEL_H * rows as u32);
        foot.draw(&Text::new(
            chart.x_label.as_str(),
            (super::WIDTH as i32 / 2, 14),
            super::canvas::text(13.0, &INK, HPos::Center, VPos::Center),
        ))?;
        let panels = grid.split_evenly((rows, cols));
        for (i, (fan, panel)) in chart.fans.iter().zip(&panels).enumerate() {
            draw_fan(panel, fan, i, chart, x_range, y_max)?;
        }
        Ok(())
    })
}

fn draw_fan(
    area: &Area,
    fan: &Fan,
    i: usize,
    chart: &FanChart,
    (x_min, x_max): (f64, f64),
    y_max: f64,
) -> Drawn {
    area.draw(&Text::new(
        fan.label.as_str(),
        (62, 4),
        bold(14.0, &INK, HPos::Left, VPos::Top),
    ))?;
    let mut c = ChartBuilder::on(area)
        .margin_top(26)
        .margin_right(14)
        .x_label_area_size(28)
        .y_label_area_size(56)
        .build_cartesian_2d(x_min..x_max, 0.0..y_max)?;
    c.configure_mesh()
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .axis_style(AXIS)
        .label_style(tick_font())
        .axis_desc_style(desc_font())
        .x_labels(5)
        .y_labels(5)
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_label_formatter(&|v| format!("{v:.0}"))
        .y_desc(if i.is_multiple_of(COLS) {
            chart.y_label.as_str()
        } else {
            ""
        })
        .draw()?;
    let n = fan
        .p5
        .len()
        .min(fan.p50.len())
        .min(fan.p95.len())
        .min(chart.x.len());
    let ok = |j: &usize| {
        chart.x[*j].is_finite()
            && fan.p5[*j].is_finite()
            && fan.p50[*j].is_finite()
            && fan.p95[*j].is_finite()
    };
    let idx: Vec<usize> = (0..n).filter(ok).collect();
    if idx.len() < 2 {
        area.draw(&Text::new(
            "no data",
            (70, 60),
            super::canvas::text(13.0, &MUTED, HPos::Left, VPos::Top),
        ))?;
        return Ok(());
    }
    // one neutral colour in every panel, as the key shows: the panels are told apart by
    // their headings, and colours elsewhere in the report stand for policies
    let c0 = INK;
    let band: Vec<(f64, f64)> = idx
        .iter()
        .map(|&j| (chart.x[j], fan.p95[j]))
        .chain(idx.iter().rev().map(|&j| (chart.x[j], fan.p5[j])))
        .collect();
    c.draw_series(std::iter::once(Polygon::new(band, c0.mix(0.22).filled())))?;
    c.draw_series(LineSeries::new(
        idx.iter().map(|&j| (chart.x[j], fan.p50[j])),
        c0.stroke_width(2),
    ))?;
    let mean: Vec<(f64, f64)> = idx
        .iter()
        .filter_map(|&j| Some((chart.x[j], *fan.mean.get(j)?)))
        .filter(|(_, v)| v.is_finite())
        .collect();
    if mean.len() >= 2 {
        c.draw_series(DashedLineSeries::new(mean, 6, 4, c0.stroke_width(2)))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::plots::tests::{HOSTILE, assert_hostile_label_escaped, texts};

    fn fan(label: &str, level: f64) -> Fan {
        let p50: Vec<f64> = (0..157).map(|w| level + (w as f64 / 20.0).sin()).collect();
        Fan {
            label: label.into(),
            p5: p50.iter().map(|v| v * 0.5).collect(),
            p95: p50.iter().map(|v| v * 1.6).collect(),
            mean: p50.iter().map(|v| v * 1.1).collect(),
            p50,
        }
    }

    fn chart(fans: Vec<Fan>) -> FanChart {
        FanChart {
            title: "Does the waiting list settle or keep growing?".into(),
            x_label: "weeks since the contract started".into(),
            y_label: "families waiting".into(),
            x: (0..157).map(f64::from).collect(),
            fans,
            y_max: None,
        }
    }

    #[test]
    fn every_authority_gets_a_panel_and_the_legend_explains_the_band() {
        let svg = fan_chart(&chart(vec![
            fan("Swansea", 6.0),
            fan("Neath Port Talbot", 4.0),
            fan("Bridgend", 3.0),
        ]));
        let t = texts(&svg);
        for want in [
            "Does the waiting list settle or keep growing?",
            "Swansea",
            "Neath Port Talbot",
            "Bridgend",
            "line: median over replications",
            "shaded: 5th–95th percentile band",
            "families waiting",
            "weeks since the contract started",
        ] {
            assert!(t.iter().any(|x| x == want), "{want:?} missing in {t:?}");
        }
        assert_eq!(svg.matches("<polygon").count(), 3, "one band per authority");
    }

    #[test]
    fn a_shared_ceiling_sets_the_y_axis() {
        let own = texts(&fan_chart(&chart(vec![fan("Swansea", 3.0)])));
        assert!(!own.iter().any(|t| t == "30"), "{own:?}");
        let mut c = chart(vec![fan("Swansea", 3.0)]);
        c.y_max = Some(40.0);
        let shared = texts(&fan_chart(&c));
        assert!(shared.iter().any(|t| t == "30"), "{shared:?}");
    }

    #[test]
    fn scenario_labels_are_escaped_and_empty_series_say_so() {
        let mut c = chart(vec![fan(HOSTILE, 2.0)]);
        c.title = HOSTILE.into();
        assert_hostile_label_escaped(&fan_chart(&c));
        let svg = fan_chart(&chart(vec![]));
        assert!(texts(&svg).iter().any(|t| t.starts_with("No data to show")));
    }
}
