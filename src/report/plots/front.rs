//! The cost–benefit front of a staffing search: every configuration's yearly budget
//! needed against its objective, the best for each budget joined as a step line, and the
//! proposal and the chosen configuration marked.

use super::canvas::{
    ALERT, AXIS, Drawn, GRID, INK, Key, MUTED, Pixels, Swatch, clip, colour, dashed_vline,
    desc_font, no_data, padded, picture, pounds, text, tick_font,
};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// What the front shows.
#[derive(Debug, Clone)]
pub struct FrontChart {
    /// The question it answers.
    pub title: String,
    /// What the objective is, with its unit.
    pub y_label: String,
    /// Whether the objective is a share (ticks as percentages).
    pub percent: bool,
    /// Every configuration: (budget needed, objective mean).
    pub all: Vec<(f64, f64)>,
    /// The front, in increasing budget: (budget, best objective).
    pub front: Vec<(f64, f64)>,
    /// The proposal's point, if known.
    pub proposal: Option<(f64, f64)>,
    /// The chosen configuration's point, if any.
    pub chosen: Option<(f64, f64)>,
    /// The scenario's yearly budget, drawn as a dashed line.
    pub budget: Option<f64>,
}

const FRONT_H: u32 = 400;

/// The front as an SVG picture.
pub fn front_chart(chart: &FrontChart) -> String {
    super::canvas::described(draw_front_chart(chart), super::numbers::front(chart))
}

fn draw_front_chart(chart: &FrontChart) -> String {
    let finite = |p: &&(f64, f64)| p.0.is_finite() && p.1.is_finite();
    let points: Vec<(f64, f64)> = chart
        .all
        .iter()
        .chain(&chart.front)
        .chain(&chart.proposal)
        .chain(&chart.chosen)
        .filter(finite)
        .copied()
        .collect();
    if points.is_empty() {
        return no_data(
            &chart.title,
            "no configuration has both a cost and an objective",
        );
    }
    let xs = points.iter().map(|p| p.0).chain(chart.budget);
    let (x_lo, x_hi) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
        (a.min(x), b.max(x))
    });
    let (y_lo, y_hi) = points
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| {
            (a.min(p.1), b.max(p.1))
        });
    let (x0, x1) = padded(x_lo, x_hi, 0.05);
    let (y0, y1) = padded(y_lo, y_hi, 0.08);
    let mut keys = vec![
        Key::new("a configuration", Swatch::Ring(&MUTED)),
        Key::new("the best for each budget", Swatch::Line(colour(0))),
    ];
    if chart.proposal.is_some() {
        keys.push(Key::new("the proposal", Swatch::Dot(&INK)));
    }
    if chart.chosen.is_some() {
        keys.push(Key::new("the chosen configuration", Swatch::Dot(&ALERT)));
    }
    if chart.budget.is_some() {
        keys.push(Key::new("the budget", Swatch::Dashed(&AXIS)));
    }
    let percent = chart.percent;
    let y_tick = move |v: &f64| {
        if percent {
            format!("{:.0}%", v * 100.0)
        } else {
            format!("{v:.2}")
        }
    };
    picture(&chart.title, &keys, FRONT_H, |area| -> Drawn {
        let mut c = ChartBuilder::on(area)
            .margin_top(8)
            .margin_right(28)
            .margin_left(8)
            .x_label_area_size(46)
            .y_label_area_size(70)
            .build_cartesian_2d(x0..x1, y0..y1)?;
        c.configure_mesh()
            .bold_line_style(GRID)
            .light_line_style(TRANSPARENT)
            .axis_style(AXIS)
            .label_style(tick_font())
            .axis_desc_style(desc_font())
            .x_labels(6)
            .y_labels(6)
            .x_label_formatter(&|v| pounds(*v))
            .y_label_formatter(&y_tick)
            .x_desc("Yearly budget that covers every contract year (£)")
            .y_desc(clip(&chart.y_label, 44))
            .draw()?;
        let px = Pixels::new(&c, area);
        if let Some(b) = chart.budget {
            let (x, top) = px.at(b, y1);
            let (_, bottom) = px.at(b, y0);
            dashed_vline(
                area,
                x,
                top,
                bottom,
                ShapeStyle::from(&AXIS).stroke_width(1),
            )?;
        }
        c.draw_series(
            chart
                .all
                .iter()
                .filter(finite)
                .map(|p| Circle::new(*p, 3, MUTED.mix(0.6).stroke_width(1))),
        )?;
        // a step line: each budget buys the best found at or below it
        let mut steps: Vec<(f64, f64)> = Vec::new();
        for (i, p) in chart.front.iter().filter(finite).enumerate() {
            if i > 0
                && let Some(&(_, y)) = steps.last()
            {
                steps.push((p.0, y));
            }
            steps.push(*p);
        }
        if let Some(&(_, y)) = steps.last() {
            steps.push((x1, y));
        }
        c.draw_series(LineSeries::new(steps, colour(0).stroke_width(2)))?;
        for (point, fill, label) in [
            (chart.proposal, &INK, "proposal"),
            (chart.chosen, &ALERT, "chosen"),
        ] {
            if let Some(p) = point.filter(|p| finite(&p)) {
                c.draw_series(std::iter::once(Circle::new(p, 6, fill.filled())))?;
                let (x, y) = px.at(p.0, p.1);
                area.draw(&Text::new(
                    label,
                    (x + 9, y - 4),
                    text(12.0, fill, HPos::Left, VPos::Bottom),
                ))?;
            }
        }
        Ok(())
    })
}
