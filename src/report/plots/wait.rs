//! How long families wait from acceptance to first meeting: one panel per authority,
//! one line per policy, as the share of families seen within each number of days.

use super::canvas::{
    ALERT, AXIS, Area, Drawn, GRID, INK, Key, Pixels, Swatch, colour, dashed_vline, desc_font,
    distinct, no_data, picture, text, tick_font,
};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// Why a histogram was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum HistogramError {
    /// There must be one more edge than counts, and at least one bin.
    #[error("a histogram needs one more edge than counts, got {edges} edges and {counts} counts")]
    Shape {
        /// Edges given.
        edges: usize,
        /// Counts given.
        counts: usize,
    },
    /// Edges must be finite and strictly increasing.
    #[error("histogram edges must be finite and strictly increasing")]
    Edges,
    /// Counts must be finite and not negative.
    #[error("histogram counts must be finite and not negative")]
    Counts,
    /// A bin width must be finite and positive.
    #[error("a bin width must be finite and positive, got {0}")]
    Width(f64),
}

/// Counts of values in consecutive bins `[edges[i], edges[i+1])`.
#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    edges: Vec<f64>,
    counts: Vec<f64>,
}

impl Histogram {
    /// A histogram from bin edges and the count in each bin.
    pub fn new(edges: Vec<f64>, counts: Vec<f64>) -> Result<Histogram, HistogramError> {
        if counts.is_empty() || edges.len() != counts.len() + 1 {
            return Err(HistogramError::Shape {
                edges: edges.len(),
                counts: counts.len(),
            });
        }
        if edges.iter().any(|e| !e.is_finite()) || edges.windows(2).any(|w| w[0] >= w[1]) {
            return Err(HistogramError::Edges);
        }
        if counts.iter().any(|c| !c.is_finite() || *c < 0.0) {
            return Err(HistogramError::Counts);
        }
        Ok(Histogram { edges, counts })
    }

    /// Bin `samples` into bins of `width` starting at zero (waits are never negative;
    /// a negative sample falls in the first bin). Non-finite samples are left out.
    pub fn from_samples(samples: &[f64], width: f64) -> Result<Histogram, HistogramError> {
        if !(width.is_finite() && width > 0.0) {
            return Err(HistogramError::Width(width));
        }
        let finite = samples.iter().copied().filter(|s| s.is_finite());
        let max = finite.clone().fold(0.0_f64, f64::max);
        let bins = ((max / width).floor() as usize + 1).min(10_000);
        let mut counts = vec![0.0; bins];
        for s in finite {
            let i = ((s.max(0.0) / width).floor() as usize).min(bins - 1);
            counts[i] += 1.0;
        }
        let edges = (0..=bins).map(|i| i as f64 * width).collect();
        Histogram::new(edges, counts)
    }

    /// Bin edges, one more than the counts.
    pub fn edges(&self) -> &[f64] {
        &self.edges
    }

    /// Count in each bin.
    pub fn counts(&self) -> &[f64] {
        &self.counts
    }

    /// Sum of the counts.
    pub fn total(&self) -> f64 {
        self.counts.iter().sum()
    }

    /// The cumulative share in percent: at each bin edge up to `x_max`, the share of the
    /// total in the bins below it, joined by straight lines within a bin.
    fn cumulative(&self, x_max: f64) -> Vec<(f64, f64)> {
        let total = self.total();
        let scale = if total > 0.0 { 100.0 / total } else { 0.0 };
        let mut pts = vec![(self.edges[0], 0.0)];
        let mut sum = 0.0;
        for (i, c) in self.counts.iter().enumerate() {
            let (lo, hi) = (self.edges[i], self.edges[i + 1]);
            if hi > x_max {
                // the line stops at the cut, part-way through the bin
                let part = (x_max - lo) / (hi - lo);
                pts.push((x_max, (sum + c * part) * scale));
                return pts;
            }
            sum += c;
            pts.push((hi, sum * scale));
        }
        pts
    }

    /// The share of the total at or below `x`, read off the histogram as the picture
    /// draws it (linear within the bin that holds `x`); NaN for an empty histogram.
    pub fn share_within(&self, x: f64) -> f64 {
        let total = self.total();
        if total <= 0.0 {
            return f64::NAN;
        }
        let mut sum = 0.0;
        for (i, c) in self.counts.iter().enumerate() {
            let (lo, hi) = (self.edges[i], self.edges[i + 1]);
            if x >= hi {
                sum += c;
            } else {
                if x > lo {
                    sum += c * (x - lo) / (hi - lo);
                }
                break;
            }
        }
        sum / total
    }

    /// The upper edge of the first bin by which `share` of the total is reached.
    fn reach(&self, share: f64) -> f64 {
        let want = self.total() * share;
        let mut sum = 0.0;
        for (i, c) in self.counts.iter().enumerate() {
            sum += c;
            if sum >= want {
                return self.edges[i + 1];
            }
        }
        self.edges[self.edges.len() - 1]
    }
}

/// The waits of one authority under one policy.
#[derive(Debug, Clone)]
pub struct WaitSeries {
    /// The panel it is drawn in: the authority, e.g. "Swansea".
    pub panel: String,
    /// The outline's legend entry: the policy, e.g. "proportional".
    pub label: String,
    /// Days from acceptance to first meeting.
    pub histogram: Histogram,
}

/// The wait-distribution picture.
#[derive(Debug, Clone)]
pub struct WaitChart {
    /// The question it answers.
    pub title: String,
    /// Series, grouped into panels by [`WaitSeries::panel`] in order of appearance.
    pub series: Vec<WaitSeries>,
    /// The service's wait target in days, drawn as a dashed line when given.
    pub target_days: Option<f64>,
}

const PANEL_H: u32 = 170;
/// The day axis stops where every series has this share of its families.
const TAIL_SHOWN: f64 = 0.99;

/// The distribution of waits from acceptance to first meeting as the share seen within
/// each number of days: one panel per authority sharing the day axis, one line per policy
/// in the same colour on every panel.
pub fn wait_distribution(chart: &WaitChart) -> String {
    super::canvas::described(draw_wait_distribution(chart), super::numbers::wait(chart))
}

fn draw_wait_distribution(chart: &WaitChart) -> String {
    if chart.series.is_empty() {
        return no_data(&chart.title, "no waits were recorded");
    }
    let panels = distinct(chart.series.iter().map(|s| s.panel.as_str()));
    let labels = distinct(chart.series.iter().map(|s| s.label.as_str()));
    let mut keys: Vec<Key> = labels
        .iter()
        .enumerate()
        .map(|(i, l)| Key::new(*l, Swatch::Line(colour(i))))
        .collect();
    if let Some(t) = chart.target_days {
        keys.push(Key::new(
            format!("target: {t:.0} days"),
            Swatch::Dashed(&ALERT),
        ));
    }
    // cut the long tail: the axis ends where every series has 99% of its families
    let last_edge = |h: &Histogram| h.edges[h.edges.len() - 1];
    let full = chart
        .series
        .iter()
        .map(|s| last_edge(&s.histogram))
        .fold(1.0_f64, f64::max);
    let x_max = chart
        .series
        .iter()
        .map(|s| s.histogram.reach(TAIL_SHOWN))
        .chain(chart.target_days.map(|t| t * 1.5))
        .fold(1.0_f64, f64::max)
        .min(full);
    let cut = x_max < full;
    let x_min = chart
        .series
        .iter()
        .map(|s| s.histogram.edges[0])
        .fold(0.0_f64, f64::min);
    let y_max = 100.0;
    let height = PANEL_H * panels.len() as u32 + 46;
    picture(&chart.title, &keys, height, |area| {
        let mut rest = area.clone();
        for (p, panel) in panels.iter().enumerate() {
            let last = p + 1 == panels.len();
            let h = PANEL_H + if last { 46 } else { 0 };
            let (this, below) = rest.split_vertically(h);
            rest = below;
            let series: Vec<&WaitSeries> =
                chart.series.iter().filter(|s| s.panel == *panel).collect();
            let place = Place {
                first: p == 0,
                last,
                cut,
            };
            draw_panel(
                &this,
                panel,
                &series,
                &labels,
                (x_min, x_max, y_max),
                place,
                chart,
            )?;
        }
        Ok(())
    })
}

/// Where a panel sits, and whether the day axis was cut.
struct Place {
    first: bool,
    last: bool,
    cut: bool,
}

fn draw_panel(
    area: &Area,
    panel: &str,
    series: &[&WaitSeries],
    labels: &[&str],
    (x_min, x_max, y_max): (f64, f64, f64),
    place: Place,
    chart: &WaitChart,
) -> Drawn {
    let last = place.last;
    area.draw(&Text::new(
        panel,
        (72, 10),
        super::canvas::bold(14.0, &INK, HPos::Left, VPos::Top),
    ))?;
    let mut c = ChartBuilder::on(area)
        .margin_top(32)
        .margin_right(24)
        .margin_left(8)
        .x_label_area_size(if last { 46 } else { 0 })
        .y_label_area_size(64)
        .build_cartesian_2d(x_min..x_max, 0.0..y_max)?;
    let mut mesh = c.configure_mesh();
    mesh.bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .axis_style(AXIS)
        .label_style(tick_font())
        .axis_desc_style(desc_font())
        .y_desc("% seen within")
        .y_labels(4)
        .y_label_formatter(&|v| format!("{v:.0}%"));
    let no_label = |_: &f64| String::new();
    if last {
        mesh.x_desc("days from acceptance to first meeting")
            .x_label_formatter(&|v| format!("{v:.0}"));
    } else {
        mesh.x_label_formatter(&no_label);
    }
    mesh.draw()?;
    for s in series {
        let i = labels.iter().position(|l| *l == s.label).unwrap_or(0);
        let c0 = colour(i);
        c.draw_series(LineSeries::new(
            s.histogram.cumulative(x_max),
            c0.stroke_width(2),
        ))?;
    }
    if let Some(t) = chart.target_days {
        let px = Pixels::new(&c, area);
        let (x, y0) = px.at(t, y_max);
        let (_, y1) = px.at(t, 0.0);
        dashed_vline(area, x, y0, y1, ShapeStyle::from(&ALERT).stroke_width(2))?;
        if place.first {
            // low down, where the rising lines have long passed
            let (_, y_label) = px.at(t, y_max * 0.08);
            area.draw(&Text::new(
                format!("target {t:.0} days"),
                (x + 5, y_label),
                text(12.0, &ALERT, HPos::Left, VPos::Bottom),
            ))?;
        }
    }
    if last && place.cut {
        let (x, y) = Pixels::new(&c, area).at(x_max, y_max * 0.08);
        area.draw(&Text::new(
            format!("axis ends at {x_max:.0} days; 1% or fewer of families waited longer"),
            (x, y),
            text(12.0, &super::canvas::MUTED, HPos::Right, VPos::Bottom),
        ))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::plots::tests::{HOSTILE, assert_hostile_label_escaped, texts};

    fn hist(shift: f64) -> Histogram {
        let samples: Vec<f64> = (0..200).map(|i| (i % 37) as f64 * 0.7 + shift).collect();
        Histogram::from_samples(&samples, 2.0).unwrap()
    }

    #[test]
    fn histograms_refuse_bad_shapes() {
        assert!(matches!(
            Histogram::new(vec![0.0, 1.0], vec![1.0, 2.0]),
            Err(HistogramError::Shape { .. })
        ));
        assert_eq!(
            Histogram::new(vec![0.0, 0.0], vec![1.0]),
            Err(HistogramError::Edges)
        );
        assert_eq!(
            Histogram::new(vec![0.0, 1.0], vec![-1.0]),
            Err(HistogramError::Counts)
        );
        assert!(Histogram::from_samples(&[1.0], 0.0).is_err());
    }

    #[test]
    fn samples_land_in_their_bins_and_none_are_lost() {
        let h = Histogram::from_samples(&[0.0, 1.9, 2.0, 5.5, f64::NAN, -1.0], 2.0).unwrap();
        assert_eq!(h.edges(), &[0.0, 2.0, 4.0, 6.0]);
        assert_eq!(h.counts(), &[3.0, 1.0, 1.0]);
        assert_eq!(h.total(), 5.0);
    }

    #[test]
    fn one_panel_per_authority_and_one_legend_entry_per_policy() {
        let mut series = Vec::new();
        for a in ["Swansea", "Neath Port Talbot", "Bridgend"] {
            for (k, p) in ["proportional", "demand-led"].iter().enumerate() {
                series.push(WaitSeries {
                    panel: a.into(),
                    label: (*p).into(),
                    histogram: hist(k as f64 * 3.0),
                });
            }
        }
        let chart = WaitChart {
            title: "How long do families wait for a first meeting?".into(),
            series,
            target_days: Some(14.0),
        };
        let svg = wait_distribution(&chart);
        let t = texts(&svg);
        for want in [
            "How long do families wait for a first meeting?",
            "Swansea",
            "Neath Port Talbot",
            "Bridgend",
            "proportional",
            "demand-led",
            "target: 14 days",
            "% seen within",
            "days from acceptance to first meeting",
        ] {
            assert!(t.iter().any(|x| x == want), "{want:?} missing in {t:?}");
        }
    }

    #[test]
    fn a_long_tail_is_cut_and_the_cut_is_stated() {
        let mut samples: Vec<f64> = (0..990).map(|i| (i % 10) as f64).collect();
        samples.extend([500.0; 5]);
        let h = Histogram::from_samples(&samples, 1.0).unwrap();
        let line = h.cumulative(12.0);
        assert!(line.iter().all(|(x, _)| *x <= 12.0));
        // 990 of 995 waits are under 10 days
        let at_10 = line.iter().find(|(x, _)| *x == 10.0).unwrap().1;
        assert!((at_10 - 99_000.0 / 995.0).abs() < 1e-9, "{at_10}");
        assert!(line.windows(2).all(|w| w[1].1 >= w[0].1), "never falls");
        assert_eq!(h.reach(0.99), 10.0);
        let chart = WaitChart {
            title: "Waits".into(),
            series: vec![WaitSeries {
                panel: "Swansea".into(),
                label: "proportional".into(),
                histogram: h,
            }],
            target_days: Some(14.0),
        };
        let t = texts(&wait_distribution(&chart));
        assert!(
            t.iter()
                .any(|x| x == "axis ends at 21 days; 1% or fewer of families waited longer"),
            "{t:?}"
        );
    }

    #[test]
    fn scenario_labels_are_escaped() {
        let chart = WaitChart {
            title: HOSTILE.into(),
            series: vec![WaitSeries {
                panel: HOSTILE.into(),
                label: HOSTILE.into(),
                histogram: hist(0.0),
            }],
            target_days: None,
        };
        assert_hostile_label_escaped(&wait_distribution(&chart));
    }

    #[test]
    fn no_series_says_so() {
        let chart = WaitChart {
            title: "Waits".into(),
            series: vec![],
            target_days: None,
        };
        let svg = wait_distribution(&chart);
        assert!(texts(&svg).iter().any(|t| t.starts_with("No data to show")));
    }
}
