//! Ratios per group as grouped bars with confidence intervals against a reference line:
//! utilisation and the achieved direct-contact ratio per base, against the 40% line.

use super::canvas::{
    ALERT, AXIS, Drawn, GRID, INK, Key, MUTED, Pixels, Swatch, clip, colour, dashed_line,
    desc_font, distinct, no_data, percent, picture, text, tick_font,
};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// One bar: a ratio (0.52 = 52%) with its optional 95% confidence interval.
#[derive(Debug, Clone)]
pub struct Bar {
    /// The legend entry: a policy or a measure, e.g. "demand-led".
    pub label: String,
    /// The ratio, as a fraction.
    pub value: f64,
    /// 95% confidence interval of the ratio, as fractions.
    pub ci: Option<[f64; 2]>,
}

/// The bars of one group, e.g. one base.
#[derive(Debug, Clone)]
pub struct BarGroup {
    /// The group's name under the axis, e.g. "Swansea".
    pub label: String,
    /// Its bars, coloured by [`Bar::label`].
    pub bars: Vec<Bar>,
}

/// A horizontal line the reader compares the bars with.
#[derive(Debug, Clone)]
pub struct Reference {
    /// Where, as a fraction (0.40).
    pub value: f64,
    /// What it is, e.g. "40% direct contact found by the evaluation".
    pub label: String,
}

/// The grouped-bar picture.
#[derive(Debug, Clone)]
pub struct BarChart {
    /// The question it answers.
    pub title: String,
    /// What the ratio is, e.g. "% of contracted hours in direct contact".
    pub y_label: String,
    /// Groups along the horizontal axis, in order.
    pub groups: Vec<BarGroup>,
    /// An optional reference line.
    pub reference: Option<Reference>,
}

const BODY_H: u32 = 330;

/// Grouped bars of ratios, shown as percentages, with 95% intervals as whiskers and a
/// dashed reference line.
pub fn ratio_bars(chart: &BarChart) -> String {
    super::canvas::described(draw_ratio_bars(chart), super::numbers::bars(chart))
}

fn draw_ratio_bars(chart: &BarChart) -> String {
    let bars = || chart.groups.iter().flat_map(|g| &g.bars);
    if bars().next().is_none() {
        return no_data(&chart.title, "no ratios were recorded");
    }
    let labels = distinct(bars().map(|b| b.label.as_str()));
    let mut keys: Vec<Key> = labels
        .iter()
        .enumerate()
        .map(|(i, l)| Key::new(*l, Swatch::Block(colour(i))))
        .collect();
    if bars().any(|b| b.ci.is_some()) {
        keys.push(Key::new("95% confidence interval", Swatch::Interval(&INK)));
    }
    if let Some(r) = &chart.reference {
        keys.push(Key::new(r.label.as_str(), Swatch::Dashed(&ALERT)));
    }
    let top = bars()
        .flat_map(|b| [Some(b.value), b.ci.map(|c| c[1])])
        .flatten()
        .chain(chart.reference.as_ref().map(|r| r.value))
        .filter(|v| v.is_finite())
        .fold(0.1_f64, f64::max);
    let y_max = (top * 1.18).min(top + 0.25).max(0.1);
    let n = chart.groups.len() as f64;
    picture(&chart.title, &keys, BODY_H, |area| -> Drawn {
        let mut c = ChartBuilder::on(area)
            .margin_top(8)
            .margin_right(24)
            .margin_left(8)
            .x_label_area_size(34)
            .y_label_area_size(66)
            .build_cartesian_2d(0.0..n, 0.0..y_max)?;
        c.configure_mesh()
            .disable_x_mesh()
            .bold_line_style(GRID)
            .light_line_style(TRANSPARENT)
            .axis_style(AXIS)
            .label_style(tick_font())
            .axis_desc_style(desc_font())
            .x_labels(0)
            .y_labels(6)
            .y_label_formatter(&|v| percent(*v))
            .y_desc(chart.y_label.as_str())
            .draw()?;
        let pixels = Pixels::new(&c, area);
        let px = |x: f64, y: f64| pixels.at(x, y);
        for (g, group) in chart.groups.iter().enumerate() {
            let g0 = g as f64;
            let (gx, gy) = px(g0 + 0.5, 0.0);
            area.draw(&Text::new(
                clip(&group.label, 40),
                (gx, gy + 10),
                text(13.0, &INK, HPos::Center, VPos::Top),
            ))?;
            let k = group.bars.len().max(1) as f64;
            let w = 0.76 / k;
            for (j, bar) in group.bars.iter().enumerate() {
                if !bar.value.is_finite() {
                    continue;
                }
                let i = labels.iter().position(|l| *l == bar.label).unwrap_or(0);
                let x0 = g0 + 0.12 + j as f64 * w + 0.08 * w;
                let x1 = x0 + 0.84 * w;
                let v = bar.value.clamp(0.0, y_max);
                c.draw_series(std::iter::once(Rectangle::new(
                    [(x0, 0.0), (x1, v)],
                    colour(i).filled(),
                )))?;
                let xm = (x0 + x1) / 2.0;
                let mut label_at = v;
                if let Some([lo, hi]) = bar.ci.filter(|c| c.iter().all(|v| v.is_finite())) {
                    let (lo, hi) = (lo.clamp(0.0, y_max), hi.clamp(0.0, y_max));
                    let style = ShapeStyle::from(&INK).stroke_width(2);
                    c.draw_series(std::iter::once(PathElement::new(
                        vec![(xm, lo), (xm, hi)],
                        style,
                    )))?;
                    let (cx, _) = px(xm, 0.0);
                    for y in [lo, hi] {
                        let (_, cy) = px(xm, y);
                        area.draw(&PathElement::new(vec![(cx - 5, cy), (cx + 5, cy)], style))?;
                    }
                    label_at = label_at.max(hi);
                }
                let (tx, ty) = px(xm, label_at);
                area.draw(&Text::new(
                    percent(bar.value),
                    (tx, ty - 4),
                    text(12.0, &MUTED, HPos::Center, VPos::Bottom),
                ))?;
            }
        }
        if let Some(r) = chart.reference.as_ref().filter(|r| r.value.is_finite()) {
            let (x0, y) = px(0.0, r.value);
            let (x1, _) = px(n, r.value);
            dashed_line(area, x0, x1, y, ShapeStyle::from(&ALERT).stroke_width(2))?;
            // above the line's right end, inside the picture
            area.draw(&Text::new(
                percent(r.value),
                (x1, y - 4),
                text(12.0, &ALERT, HPos::Right, VPos::Bottom),
            ))?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::plots::tests::{HOSTILE, assert_hostile_label_escaped, texts};

    fn chart(group: &str, bar: &str) -> BarChart {
        let groups = ["Swansea", group, "Bridgend"]
            .iter()
            .map(|g| BarGroup {
                label: (*g).into(),
                bars: vec![
                    Bar {
                        label: "proportional".into(),
                        value: 0.31,
                        ci: Some([0.30, 0.32]),
                    },
                    Bar {
                        label: bar.into(),
                        value: 0.36,
                        ci: None,
                    },
                ],
            })
            .collect();
        BarChart {
            title: "Do staff reach the 40% direct-contact ratio?".into(),
            y_label: "% of contracted hours".into(),
            groups,
            reference: Some(Reference {
                value: 0.40,
                label: "40% found by the evaluation".into(),
            }),
        }
    }

    #[test]
    fn groups_bars_legend_and_reference_are_labelled() {
        let svg = ratio_bars(&chart("Neath Port Talbot", "demand-led"));
        let t = texts(&svg);
        for want in [
            "Do staff reach the 40% direct-contact ratio?",
            "Swansea",
            "Neath Port Talbot",
            "proportional",
            "demand-led",
            "95% confidence interval",
            "40% found by the evaluation",
            "% of contracted hours",
            "31%",
            "36%",
        ] {
            assert!(t.iter().any(|x| x == want), "{want:?} missing in {t:?}");
        }
    }

    #[test]
    fn scenario_labels_are_escaped_and_empty_groups_say_so() {
        let mut c = chart(HOSTILE, HOSTILE);
        c.title = HOSTILE.into();
        assert_hostile_label_escaped(&ratio_bars(&c));
        let c = BarChart {
            groups: vec![],
            ..chart("a", "b")
        };
        assert!(
            texts(&ratio_bars(&c))
                .iter()
                .any(|t| t.starts_with("No data to show"))
        );
    }
}
