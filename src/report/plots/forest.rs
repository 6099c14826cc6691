//! Paired policy differences as a forest plot: each measure's mean difference with its
//! 95% confidence interval against a zero line, one panel per unit.

use super::canvas::{
    AXIS, Area, Drawn, INK, Key, MUTED, Pixels, Swatch, clip, desc_font, distinct, no_data, padded,
    picture, signed, text, tick_font,
};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// One measure's paired difference (policy − baseline) with its 95% interval.
#[derive(Debug, Clone)]
pub struct DiffRow {
    /// The measure, e.g. "Wait to first meeting, mean".
    pub label: String,
    /// Mean of the per-replication differences.
    pub mean: f64,
    /// 95% confidence interval of that mean.
    pub ci: [f64; 2],
    /// The unit of the difference, e.g. "days"; rows sharing a unit share a panel.
    pub unit: String,
}

/// The forest-plot picture.
#[derive(Debug, Clone)]
pub struct ForestChart {
    /// The question it answers, e.g. "What changes if we move from proportional to
    /// demand-led?".
    pub title: String,
    /// How to read the sign, e.g. "below zero: lower under demand-led".
    pub note: String,
    /// Rows, drawn top to bottom, grouped into panels by unit in order of appearance.
    pub rows: Vec<DiffRow>,
    /// Draw a tornado instead: each row's `ci` holds the answers at the low and the high
    /// end of an input's range (in that order), its `mean` the answer as it is, and the
    /// values are not differences.
    pub tornado: bool,
}

const ROW_H: u32 = 30;
const LABEL_W: u32 = 280;
const VALUE_W: u32 = 190;

/// A forest plot of paired differences: a filled dot when the interval excludes zero
/// (the policies are distinguishable on that measure), a hollow one when it does not.
pub fn diff_forest(chart: &ForestChart) -> String {
    super::canvas::described(draw_diff_forest(chart), super::numbers::forest(chart))
}

fn draw_diff_forest(chart: &ForestChart) -> String {
    let rows: Vec<&DiffRow> = chart
        .rows
        .iter()
        .filter(|r| r.mean.is_finite() && r.ci.iter().all(|v| v.is_finite()))
        .collect();
    if rows.is_empty() {
        return no_data(&chart.title, "no paired differences were computed");
    }
    let units = distinct(rows.iter().map(|r| r.unit.as_str()));
    let keys: Vec<Key> = if chart.tornado {
        vec![
            Key::new("the answer as the scenario is", Swatch::Dot(&INK)),
            Key::new(
                "from the answer at one end of the input's range to the other",
                Swatch::Interval(&INK),
            ),
        ]
    } else {
        vec![
            Key::new("mean difference, interval excludes zero", Swatch::Dot(&INK)),
            Key::new("interval includes zero", Swatch::Ring(&MUTED)),
            Key::new("95% confidence interval", Swatch::Interval(&INK)),
        ]
    };
    let heights: Vec<u32> = units
        .iter()
        .map(|u| 14 + ROW_H * rows.iter().filter(|r| r.unit == *u).count() as u32 + 44)
        .collect();
    let body: u32 = heights.iter().sum::<u32>() + 26;
    picture(&chart.title, &keys, body, |area| {
        let (mut rest, note) = area.split_vertically(body - 26);
        note.draw(&Text::new(
            chart.note.as_str(),
            (16, 12),
            text(13.0, &MUTED, HPos::Left, VPos::Center),
        ))?;
        for (u, h) in units.iter().zip(&heights) {
            let (this, below) = rest.split_vertically(*h);
            rest = below;
            let group: Vec<&DiffRow> = rows.iter().copied().filter(|r| r.unit == *u).collect();
            draw_panel(&this, u, &group, chart.tornado)?;
        }
        Ok(())
    })
}

fn decimals(rows: &[&DiffRow]) -> usize {
    let scale = rows
        .iter()
        .flat_map(|r| [r.mean.abs(), r.ci[0].abs(), r.ci[1].abs()])
        .fold(0.0_f64, f64::max);
    if scale >= 100.0 {
        0
    } else if scale >= 10.0 {
        1
    } else {
        2
    }
}

fn draw_panel(area: &Area, unit: &str, rows: &[&DiffRow], tornado: bool) -> Drawn {
    let lo = rows
        .iter()
        .map(|r| r.ci[0].min(r.ci[1]).min(r.mean))
        .fold(0.0_f64, f64::min);
    let hi = rows
        .iter()
        .map(|r| r.ci[1].max(r.ci[0]).max(r.mean))
        .fold(0.0_f64, f64::max);
    let (x0, x1) = padded(lo, hi, 0.08);
    let n = rows.len() as f64;
    let mut c = ChartBuilder::on(area)
        .margin_top(14)
        .margin_left(LABEL_W)
        .margin_right(VALUE_W)
        .x_label_area_size(44)
        .build_cartesian_2d(x0..x1, 0.0..n)?;
    let d = decimals(rows);
    c.configure_mesh()
        .disable_y_mesh()
        .bold_line_style(super::canvas::GRID)
        .light_line_style(TRANSPARENT)
        .axis_style(AXIS)
        .label_style(tick_font())
        .axis_desc_style(desc_font())
        .y_labels(0)
        .x_labels(6)
        .x_label_formatter(&|v| signed(*v, d.min(1)))
        .x_desc(if tornado {
            unit.to_string()
        } else {
            format!("difference, {unit}")
        })
        .draw()?;
    let px = Pixels::new(&c, area);
    // the zero line: no difference between the policies
    let (zx, top) = px.at(0.0, n);
    let (_, bottom) = px.at(0.0, 0.0);
    area.draw(&PathElement::new(
        vec![(zx, top), (zx, bottom)],
        ShapeStyle::from(&INK).stroke_width(1),
    ))?;
    for (i, r) in rows.iter().enumerate() {
        let y = n - i as f64 - 0.5;
        let (_, py) = px.at(0.0, y);
        let clear = tornado || r.ci[0] > 0.0 || r.ci[1] < 0.0;
        let colour = if clear { &INK } else { &MUTED };
        area.draw(&Text::new(
            clip(&r.label, 40),
            (16, py),
            text(13.0, colour, HPos::Left, VPos::Center),
        ))?;
        let style = ShapeStyle::from(colour).stroke_width(2);
        let (a, _) = px.at(r.ci[0], y);
        let (b, _) = px.at(r.ci[1], y);
        area.draw(&PathElement::new(vec![(a, py), (b, py)], style))?;
        for e in [a, b] {
            area.draw(&PathElement::new(vec![(e, py - 5), (e, py + 5)], style))?;
        }
        let (m, _) = px.at(r.mean, y);
        if clear {
            area.draw(&Circle::new((m, py), 5, colour.filled()))?;
        } else {
            area.draw(&Circle::new((m, py), 5, WHITE.filled()))?;
            area.draw(&Circle::new((m, py), 5, style))?;
        }
        let (right, _) = px.at(x1, y);
        area.draw(&Text::new(
            if tornado {
                format!("{} … {}", signed(r.ci[0], d), signed(r.ci[1], d))
            } else {
                format!(
                    "{} [{}, {}]",
                    signed(r.mean, d),
                    signed(r.ci[0], d),
                    signed(r.ci[1], d)
                )
            },
            (right + 12, py),
            text(13.0, colour, HPos::Left, VPos::Center),
        ))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::plots::tests::{HOSTILE, assert_hostile_label_escaped, texts};

    fn row(label: &str, mean: f64, ci: [f64; 2], unit: &str) -> DiffRow {
        DiffRow {
            label: label.into(),
            mean,
            ci,
            unit: unit.into(),
        }
    }

    fn chart(rows: Vec<DiffRow>) -> ForestChart {
        ForestChart {
            tornado: false,
            title: "What changes if the team shares work across the region?".into(),
            note: "Each row: demand-led minus proportional, paired by replication.".into(),
            rows,
        }
    }

    #[test]
    fn rows_values_units_and_legend_are_labelled() {
        let svg = diff_forest(&chart(vec![
            row("Wait to first meeting, mean", -1.64, [-1.76, -1.51], "days"),
            row("Wait, Neath Port Talbot", -4.27, [-4.70, -3.84], "days"),
            row("Phase 1 starts", 7.01, [6.44, 7.58], "families"),
            row("Unplanned exits", 0.2, [-0.5, 0.9], "families"),
        ]));
        let t = texts(&svg);
        for want in [
            "What changes if the team shares work across the region?",
            "Wait to first meeting, mean",
            "Phase 1 starts",
            "−1.64 [−1.76, −1.51]",
            "+7.01 [+6.44, +7.58]",
            "difference, days",
            "difference, families",
            "mean difference, interval excludes zero",
            "interval includes zero",
            "Each row: demand-led minus proportional, paired by replication.",
        ] {
            assert!(t.iter().any(|x| x == want), "{want:?} missing in {t:?}");
        }
    }

    #[test]
    fn scenario_labels_are_escaped_and_no_rows_say_so() {
        let mut c = chart(vec![row(HOSTILE, 1.0, [0.5, 1.5], HOSTILE)]);
        c.title = HOSTILE.into();
        assert_hostile_label_escaped(&diff_forest(&c));
        let c = chart(vec![row("x", f64::NAN, [0.0, 1.0], "days")]);
        assert!(
            texts(&diff_forest(&c))
                .iter()
                .any(|t| t.starts_with("No data to show"))
        );
    }
}
