//! The annual cost of the service across replications, per contract year, against the
//! budget: every replication as a dot, the middle half as a box, and the share of
//! replications over budget written above each year.

use super::canvas::{
    ALERT, AXIS, Drawn, GRID, INK, Key, MUTED, Pixels, Swatch, colour, dashed_line, desc_font,
    no_data, padded, percent, picture, pounds, quantile, text, tick_font,
};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// The simulated cost of one contract year, one sample per replication.
#[derive(Debug, Clone)]
pub struct YearCosts {
    /// Contract year, from 1.
    pub year: u32,
    /// What the samples are of when a picture shows several, e.g. the policy; written
    /// under the year and given its own colour.
    pub label: Option<String>,
    /// Cost in pounds, one per replication.
    pub samples: Vec<f64>,
}

/// The cost-distribution picture.
#[derive(Debug, Clone)]
pub struct CostChart {
    /// The question it answers.
    pub title: String,
    /// One entry per contract year (and label), drawn in order.
    pub years: Vec<YearCosts>,
    /// The annual budget in pounds (the £850,000 allocation).
    pub budget: f64,
}

const BODY_H: u32 = 360;
/// Dots drawn per year at most; more samples are thinned evenly.
const MAX_DOTS: usize = 400;

/// Annual cost per contract year against the budget line, with the share of
/// replications over budget for each year.
pub fn cost_distribution(chart: &CostChart) -> String {
    super::canvas::described(draw(chart), super::numbers::cost(chart))
}

/// The finite samples of one year, sorted.
pub(super) fn sorted_finite(samples: &[f64]) -> Vec<f64> {
    let mut s: Vec<f64> = samples.iter().copied().filter(|v| v.is_finite()).collect();
    s.sort_by(f64::total_cmp);
    s
}

fn draw(chart: &CostChart) -> String {
    let labels = super::canvas::distinct(chart.years.iter().filter_map(|y| y.label.as_deref()));
    let years: Vec<(u32, Option<&str>, Vec<f64>)> = chart
        .years
        .iter()
        .map(|y| (y.year, y.label.as_deref(), sorted_finite(&y.samples)))
        .filter(|(_, _, s)| !s.is_empty())
        .collect();
    if years.is_empty() {
        return no_data(&chart.title, "no annual costs were recorded");
    }
    let budget_label = format!("{} budget", pounds(chart.budget));
    let hue = |label: Option<&str>| {
        colour(
            label
                .and_then(|l| labels.iter().position(|x| *x == l))
                .unwrap_or(0),
        )
    };
    let mut keys = if labels.len() > 1 {
        labels
            .iter()
            .enumerate()
            .map(|(i, l)| Key::new(*l, Swatch::Block(colour(i))))
            .collect()
    } else {
        vec![Key::new("one replication", Swatch::Dot(colour(0)))]
    };
    keys.extend([
        Key::new(
            "middle half (25th–75th percentile), line at median",
            Swatch::Block(if labels.len() > 1 { &MUTED } else { colour(0) }),
        ),
        Key::new("5th–95th percentile", Swatch::Interval(&INK)),
        Key::new(budget_label.as_str(), Swatch::Dashed(&ALERT)),
    ]);
    let several = labels.len() > 1;
    let lo = years
        .iter()
        .map(|(_, _, s)| s[0])
        .fold(chart.budget, f64::min);
    let hi = years
        .iter()
        .map(|(_, _, s)| s[s.len() - 1])
        .fold(chart.budget, f64::max);
    let (y0, y1) = padded(lo, hi, 0.12);
    let n = years.len() as f64;
    picture(&chart.title, &keys, BODY_H, |area| -> Drawn {
        let mut c = ChartBuilder::on(area)
            .margin_top(30)
            .margin_right(120)
            .margin_left(8)
            .x_label_area_size(if several { 50 } else { 34 })
            .y_label_area_size(74)
            .build_cartesian_2d(0.0..n, y0..y1)?;
        c.configure_mesh()
            .disable_x_mesh()
            .bold_line_style(GRID)
            .light_line_style(TRANSPARENT)
            .axis_style(AXIS)
            .label_style(tick_font())
            .axis_desc_style(desc_font())
            .x_labels(0)
            .y_labels(7)
            .y_label_formatter(&|v| format!("£{:.0}k", v / 1000.0))
            .y_desc("annual cost (£ thousands)")
            .draw()?;
        let px = Pixels::new(&c, area);
        for (i, (year, label, s)) in years.iter().enumerate() {
            let c0 = hue(*label);
            let mid = i as f64 + 0.5;
            let (gx, gy) = px.at(mid, y0);
            area.draw(&Text::new(
                format!("Year {year}"),
                (gx, gy + 10),
                text(13.0, &INK, HPos::Center, VPos::Top),
            ))?;
            if let (true, Some(l)) = (several, label) {
                area.draw(&Text::new(
                    l.to_string(),
                    (gx, gy + 27),
                    text(12.0, &INK, HPos::Center, VPos::Top),
                ))?;
            }
            let over = s.iter().filter(|v| **v > chart.budget).count() as f64 / s.len() as f64;
            let (_, top) = px.at(mid, y1);
            area.draw(&Text::new(
                if several {
                    format!("{} over", percent(over))
                } else {
                    format!("over budget in {} of runs", percent(over))
                },
                (gx, top - 8),
                text(12.0, &INK, HPos::Center, VPos::Bottom),
            ))?;
            // the dots: a deterministic spread on the left half of the year's slot
            let step = s.len().div_ceil(MAX_DOTS).max(1);
            let dots = s.iter().enumerate().step_by(step).map(|(k, v)| {
                let spread = ((k as f64 * 0.618_033_988_7).fract() - 0.5) * 0.24;
                Circle::new((mid - 0.17 + spread, *v), 2, c0.mix(0.35).filled())
            });
            c.draw_series(dots)?;
            // the box and whiskers on the right half
            let q = |p| quantile(s, p);
            let (bx0, bx1, bm) = (mid + 0.04, mid + 0.30, mid + 0.17);
            let ink = ShapeStyle::from(&INK).stroke_width(2);
            c.draw_series([
                PathElement::new(vec![(bm, q(0.05)), (bm, q(0.95))], ink),
                PathElement::new(vec![(bm - 0.04, q(0.05)), (bm + 0.04, q(0.05))], ink),
                PathElement::new(vec![(bm - 0.04, q(0.95)), (bm + 0.04, q(0.95))], ink),
            ])?;
            c.draw_series([
                Rectangle::new([(bx0, q(0.25)), (bx1, q(0.75))], c0.filled()),
                Rectangle::new([(bx0, q(0.25)), (bx1, q(0.75))], ink),
            ])?;
            c.draw_series(std::iter::once(PathElement::new(
                vec![(bx0, q(0.5)), (bx1, q(0.5))],
                ShapeStyle::from(&WHITE).stroke_width(3),
            )))?;
        }
        let (x0, y) = px.at(0.0, chart.budget);
        let (x1, _) = px.at(n, chart.budget);
        dashed_line(area, x0, x1, y, ShapeStyle::from(&ALERT).stroke_width(2))?;
        area.draw(&Text::new(
            budget_label.as_str(),
            (x1 + 6, y),
            text(12.0, &ALERT, HPos::Left, VPos::Center),
        ))?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::plots::tests::{HOSTILE, assert_hostile_label_escaped, texts};

    fn years() -> Vec<YearCosts> {
        (1..=3)
            .map(|year| YearCosts {
                year,
                label: None,
                samples: (0..100)
                    .map(|k| 830_000.0 + 10_000.0 * year as f64 + 400.0 * k as f64)
                    .collect(),
            })
            .collect()
    }

    #[test]
    fn years_budget_and_over_budget_shares_are_shown() {
        let svg = cost_distribution(&CostChart {
            title: "Will the service stay within its £850,000 allocation?".into(),
            years: years(),
            budget: 850_000.0,
        });
        let t = texts(&svg);
        for want in [
            "Will the service stay within its £850,000 allocation?",
            "Year 1",
            "Year 3",
            "£850,000 budget",
            "one replication",
            "annual cost (£ thousands)",
            // year 1: 840,000 + 400k over 850,000 for k > 25, 74 of 100
            "over budget in 74% of runs",
        ] {
            assert!(t.iter().any(|x| x == want), "{want:?} missing in {t:?}");
        }
    }

    #[test]
    fn several_policies_sit_side_by_side_named_and_their_numbers_are_described() {
        let two: Vec<YearCosts> = years()
            .into_iter()
            .flat_map(|y| {
                let dearer = YearCosts {
                    label: Some("demand-led".into()),
                    samples: y.samples.iter().map(|c| c + 20_000.0).collect(),
                    ..y.clone()
                };
                [
                    YearCosts {
                        label: Some("proportional".into()),
                        ..y
                    },
                    dearer,
                ]
            })
            .collect();
        let svg = cost_distribution(&CostChart {
            title: "Cost".into(),
            years: two,
            budget: 850_000.0,
        });
        let t = texts(&svg);
        // each policy in the legend and under each of the three years
        assert_eq!(
            t.iter().filter(|x| *x == "proportional").count(),
            4,
            "{t:?}"
        );
        assert_eq!(t.iter().filter(|x| *x == "demand-led").count(), 4, "{t:?}");
        // year 1: 74 of 100 over under the first, all 100 under the second (+£20,000)
        assert!(t.iter().any(|x| x == "74% over"), "{t:?}");
        assert!(t.iter().any(|x| x == "100% over"), "{t:?}");
        // the text alternative gives each year's numbers
        let desc = svg
            .split("<desc>")
            .nth(1)
            .unwrap()
            .split("</desc>")
            .next()
            .unwrap();
        assert!(desc.contains("Budget line: £850,000"), "{desc}");
        assert!(
            desc.contains("Year 1, proportional: mean £859,800;"),
            "{desc}"
        );
        assert!(
            desc.contains("74 of 100 replications over the budget line"),
            "{desc}"
        );
        assert!(desc.contains("Year 3, demand-led:"), "{desc}");
    }

    #[test]
    fn titles_are_escaped_and_no_samples_say_so() {
        let svg = cost_distribution(&CostChart {
            title: HOSTILE.into(),
            years: years(),
            budget: 850_000.0,
        });
        assert_hostile_label_escaped(&svg);
        let svg = cost_distribution(&CostChart {
            title: "Cost".into(),
            years: vec![YearCosts {
                year: 1,
                label: None,
                samples: vec![f64::NAN],
            }],
            budget: 850_000.0,
        });
        assert!(texts(&svg).iter().any(|t| t.starts_with("No data to show")));
    }
}
