//! A measure against swept inputs: one line per policy with its 95% band over one input,
//! or a grid of coloured cells over two inputs.

use super::WIDTH;
use super::canvas::{
    ALERT, AXIS, Area, Drawn, GRID, INK, Key, MUTED, Pixels, Swatch, clip, colour, dashed_line,
    desc_font, no_data, padded, percent, picture, text, text_width, tick_font,
};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// One policy's curve over the swept input.
#[derive(Debug, Clone)]
pub struct SweepLine {
    /// Legend label, e.g. "proportional".
    pub label: String,
    /// (x, mean, ci_low, ci_high) per point, in increasing x; any non-finite value means
    /// "no value at this point" and that point is skipped (the line breaks there).
    pub points: Vec<(f64, f64, f64, f64)>,
}

/// A measure against one swept input: a line per policy with its 95% band.
#[derive(Debug, Clone)]
pub struct SweepLines {
    /// The question it answers.
    pub title: String,
    /// e.g. "Referrals a year (authorities[Swansea].referrals_per_year)".
    pub x_label: String,
    /// e.g. "Mean wait to first meeting (days)".
    pub y_label: String,
    /// When the measure is a share in [0, 1]: ticks as percentages.
    pub percent: bool,
    /// An optional horizontal reference line and its label (e.g. a target of 0.8, "target 80%").
    pub target: Option<(f64, String)>,
    /// One line per policy, coloured in order.
    pub lines: Vec<SweepLine>,
}

/// A measure over two swept inputs: one coloured cell per point.
#[derive(Debug, Clone)]
pub struct SweepHeat {
    /// The question it answers.
    pub title: String,
    /// Values of the first input (columns, left to right) and its label.
    pub x_values: Vec<String>,
    /// What the first input is, with its unit.
    pub x_label: String,
    /// Values of the second input (rows, bottom to top) and its label.
    pub y_values: Vec<String>,
    /// What the second input is, with its unit.
    pub y_label: String,
    /// cells[row][col] = the value at (x_values[col], y_values[row]); NaN = no value (draw grey, write "n/a").
    pub cells: Vec<Vec<f64>>,
    /// How to print a cell's value, e.g. for a share: percent; for days: one decimal.
    pub percent: bool,
    /// Legend text for the colour scale, e.g. "mean wait (days): pale = low, dark = high".
    pub scale_label: String,
    /// When true, the scale is diverging around zero (for paired differences): blue below zero,
    /// red above, white at zero; otherwise sequential pale-to-dark.
    pub diverging: bool,
}

/// A point with every value finite: (x, mean, low, high).
type Point = (f64, f64, f64, f64);

fn finite(p: &Point) -> bool {
    p.0.is_finite() && p.1.is_finite() && p.2.is_finite() && p.3.is_finite()
}

/// Runs of consecutive points with values; a point without one breaks the line.
fn runs(points: &[Point]) -> Vec<&[Point]> {
    points
        .split(|p| !finite(p))
        .filter(|r| !r.is_empty())
        .collect()
}

/// `x` with `decimals` places and a true minus sign; what rounds to zero has no sign.
fn number(x: f64, decimals: usize) -> String {
    let s = format!("{:.*}", decimals, x.abs());
    if x < 0.0 && !s.bytes().all(|b| b == b'0' || b == b'.') {
        format!("−{s}")
    } else {
        s
    }
}

/// `x` with at most two decimal places and no trailing zeros: `17.50` → `17.5`.
fn plain(x: f64) -> String {
    let s = number(x, 2);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Decimal places that tell apart ticks about `step` apart.
fn tick_decimals(step: f64) -> usize {
    if !(step.is_finite() && step > 0.0) || step >= 1.0 {
        0
    } else {
        ((-step.log10()).ceil() as usize).min(4)
    }
}

const LINES_H: u32 = 380;
/// Ticks plotters aims for on each axis.
const TICKS: usize = 6;

/// A measure against one swept input: for each policy the mean as a line with a dot at
/// each point, over its shaded 95% confidence band, with an optional dashed target.
pub fn sweep_lines(chart: &SweepLines) -> String {
    super::canvas::described(draw_sweep_lines(chart), super::numbers::sweep_lines(chart))
}

fn draw_sweep_lines(chart: &SweepLines) -> String {
    let all = || {
        chart
            .lines
            .iter()
            .flat_map(|l| &l.points)
            .filter(|p| finite(p))
    };
    if all().next().is_none() {
        return no_data(&chart.title, "no point of the sweep has a value");
    }
    let min = |a: f64, b: f64| a.min(b);
    let max = |a: f64, b: f64| a.max(b);
    let x_lo = all().map(|p| p.0).fold(f64::INFINITY, min);
    let x_hi = all().map(|p| p.0).fold(f64::NEG_INFINITY, max);
    let target = chart.target.as_ref().filter(|(v, _)| v.is_finite());
    let ys = || {
        all()
            .flat_map(|p| [p.1, p.2, p.3])
            .chain(target.map(|(v, _)| *v))
    };
    let y_lo = ys().fold(f64::INFINITY, min);
    let y_hi = ys().fold(f64::NEG_INFINITY, max);
    let (x0, x1) = padded(x_lo, x_hi, 0.04);
    let (mut y0, mut y1) = padded(y_lo, y_hi, 0.08);
    if chart.percent {
        // a share stays on its own scale unless the data leave it
        if y_lo >= 0.0 {
            y0 = y0.max(0.0);
        }
        if y_hi <= 1.0 {
            y1 = y1.min(1.0);
        }
    }
    let mut keys: Vec<Key> = chart
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| Key::new(clip(&l.label, 60), Swatch::Line(colour(i))))
        .collect();
    keys.push(Key::new("95% confidence interval", Swatch::Band(&INK)));
    if let Some((_, label)) = target {
        keys.push(Key::new(clip(label, 60), Swatch::Dashed(&ALERT)));
    }
    let x_dec = tick_decimals((x1 - x0) / TICKS as f64);
    let y_step = (y1 - y0) / TICKS as f64;
    let y_dec = if chart.percent {
        tick_decimals(y_step * 100.0)
    } else {
        tick_decimals(y_step)
    };
    let y_tick = move |v: &f64| {
        if chart.percent {
            format!("{}%", number(v * 100.0, y_dec))
        } else {
            number(*v, y_dec)
        }
    };
    picture(&chart.title, &keys, LINES_H, |area| -> Drawn {
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
            .x_labels(TICKS)
            .y_labels(TICKS)
            .x_label_formatter(&|v| number(*v, x_dec))
            .y_label_formatter(&y_tick)
            .x_desc(clip(&chart.x_label, 90))
            .y_desc(clip(&chart.y_label, 44))
            .draw()?;
        let px = Pixels::new(&c, area);
        // bands first, so that every line and dot lies on top of every band
        for (i, line) in chart.lines.iter().enumerate() {
            let c0 = colour(i);
            for run in runs(&line.points) {
                if run.len() == 1 {
                    // a lone point has no band to shade: show its interval as a whisker
                    let (x, _, lo, hi) = run[0];
                    let (sx, a) = px.at(x, lo);
                    let (_, b) = px.at(x, hi);
                    let style = c0.mix(0.5).stroke_width(2);
                    area.draw(&PathElement::new(vec![(sx, a), (sx, b)], style))?;
                    for e in [a, b] {
                        area.draw(&PathElement::new(vec![(sx - 5, e), (sx + 5, e)], style))?;
                    }
                    continue;
                }
                let band: Vec<(f64, f64)> = run
                    .iter()
                    .map(|p| (p.0, p.3))
                    .chain(run.iter().rev().map(|p| (p.0, p.2)))
                    .collect();
                c.draw_series(std::iter::once(Polygon::new(band, c0.mix(0.18).filled())))?;
            }
        }
        if let Some((v, _)) = target {
            let (a, y) = px.at(x0, *v);
            let (b, _) = px.at(x1, *v);
            dashed_line(area, a, b, y, ShapeStyle::from(&ALERT).stroke_width(2))?;
            let value = if chart.percent {
                percent(*v)
            } else {
                plain(*v)
            };
            area.draw(&Text::new(
                value,
                (b - 4, y - 4),
                text(12.0, &ALERT, HPos::Right, VPos::Bottom),
            ))?;
        }
        for (i, line) in chart.lines.iter().enumerate() {
            let c0 = colour(i);
            for run in runs(&line.points) {
                if run.len() > 1 {
                    c.draw_series(LineSeries::new(
                        run.iter().map(|p| (p.0, p.1)),
                        c0.stroke_width(2),
                    ))?;
                }
                c.draw_series(run.iter().map(|p| Circle::new((p.0, p.1), 4, c0.filled())))?;
            }
        }
        Ok(())
    })
}

/// Cells with no value.
static NO_VALUE: RGBColor = RGBColor(0xd5, 0xd8, 0xdc);
/// The sequential scale: pale, middle and dark (blues).
const SEQUENTIAL: [(f64, f64, f64); 3] = [
    (247.0, 251.0, 255.0),
    (107.0, 174.0, 214.0),
    (8.0, 48.0, 107.0),
];
/// The diverging scale: below zero, zero, above zero.
const DIVERGING: [(f64, f64, f64); 3] = [
    (33.0, 102.0, 172.0),
    (247.0, 247.0, 247.0),
    (178.0, 24.0, 43.0),
];

/// The colour at `t` in 0..=1 along the three stops of `ramp`.
fn ramp(stops: &[(f64, f64, f64); 3], t: f64) -> RGBColor {
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.5
    };
    let (a, b, u) = if t <= 0.5 {
        (stops[0], stops[1], t * 2.0)
    } else {
        (stops[1], stops[2], t * 2.0 - 1.0)
    };
    let mix = |p: f64, q: f64| (p + (q - p) * u).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Text colour that reads on `fill`: white on dark, ink on pale.
fn ink_on(fill: &RGBColor) -> &'static RGBColor {
    let luminance = 0.299 * fill.0 as f64 + 0.587 * fill.1 as f64 + 0.114 * fill.2 as f64;
    if luminance < 140.0 { &WHITE } else { &INK }
}

/// How the heat map colours and prints its values.
struct Scale {
    lo: f64,
    hi: f64,
    diverging: bool,
    percent: bool,
    decimals: usize,
}

impl Scale {
    fn new(chart: &SweepHeat, values: &[f64]) -> Scale {
        let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let (lo, hi) = if chart.diverging {
            let m = lo.abs().max(hi.abs());
            (-m, m)
        } else {
            (lo, hi)
        };
        let size = lo.abs().max(hi.abs());
        let decimals = if size >= 1000.0 {
            0
        } else if size >= 1.0 || size == 0.0 {
            1
        } else {
            2
        };
        Scale {
            lo,
            hi,
            diverging: chart.diverging,
            percent: chart.percent,
            decimals,
        }
    }

    /// Where `v` sits along the scale, 0..=1.
    fn position(&self, v: f64) -> f64 {
        if self.hi > self.lo {
            (v - self.lo) / (self.hi - self.lo)
        } else {
            0.5
        }
    }

    fn fill(&self, v: f64) -> RGBColor {
        if !v.is_finite() {
            return NO_VALUE;
        }
        let stops = if self.diverging {
            &DIVERGING
        } else {
            &SEQUENTIAL
        };
        ramp(stops, self.position(v))
    }

    fn print(&self, v: f64) -> String {
        if !v.is_finite() {
            return "n/a".into();
        }
        let s = if self.percent {
            let p = percent(v.abs());
            if v < 0.0 && p != "0%" {
                format!("−{p}")
            } else {
                p
            }
        } else {
            number(v, self.decimals)
        };
        if self.diverging && v > 0.0 && s.bytes().any(|b| b.is_ascii_digit() && b != b'0') {
            format!("+{s}")
        } else {
            s
        }
    }
}

const HEAT_LEFT: i32 = 16;
const HEAT_RIGHT: i32 = 24;
const SCALE_ROW: i32 = 34;
const STRIP_W: i32 = 160;
const MAX_CELL_W: f64 = 120.0;
const MIN_TEXT_CELL_W: f64 = 36.0;

/// A measure over two swept inputs: a grid of cells coloured by value, each with its
/// value written in it when there is room, and a colour-scale strip above.
pub fn sweep_heat(chart: &SweepHeat) -> String {
    super::canvas::described(draw_sweep_heat(chart), super::numbers::sweep_heat(chart))
}

fn draw_sweep_heat(chart: &SweepHeat) -> String {
    let (cols, rows) = (chart.x_values.len(), chart.y_values.len());
    let cell = |r: usize, c: usize| {
        chart
            .cells
            .get(r)
            .and_then(|row| row.get(c))
            .copied()
            .filter(|v| v.is_finite())
    };
    let values: Vec<f64> = (0..rows)
        .flat_map(|r| (0..cols).filter_map(move |c| cell(r, c)))
        .collect();
    if values.is_empty() {
        return no_data(&chart.title, "no point of the sweep has a value");
    }
    let scale = Scale::new(chart, &values);
    let row_names: Vec<String> = chart.y_values.iter().map(|s| clip(s, 18)).collect();
    let row_w = row_names
        .iter()
        .map(|s| text_width(s, 12.0))
        .max()
        .unwrap_or(0)
        .clamp(16, 160);
    let grid_left = HEAT_LEFT + row_w + 8;
    let cell_w = ((WIDTH as i32 - HEAT_RIGHT - grid_left) as f64 / cols as f64).min(MAX_CELL_W);
    let cell_h = (600 / rows as i32).clamp(18, 32);
    let grid_top = SCALE_ROW + 28;
    let grid_bottom = grid_top + cell_h * rows as i32;
    let body = (grid_bottom + 64) as u32;
    let written = cell_w >= MIN_TEXT_CELL_W && cell_h >= 16;
    let cell_px = if cell_w >= 48.0 { 12.0 } else { 11.0 };
    let col_names: Vec<String> = chart.x_values.iter().map(|s| clip(s, 14)).collect();
    let col_w = col_names
        .iter()
        .map(|s| text_width(s, 12.0))
        .max()
        .unwrap_or(0);
    // label every column when the labels fit, otherwise every few
    let every = ((col_w + 6) as f64 / cell_w).ceil().max(1.0) as usize;
    let x_at = |c: usize| grid_left + (c as f64 * cell_w).round() as i32;
    let y_at = |r: usize| grid_top + cell_h * (rows - 1 - r) as i32;
    picture(&chart.title, &[], body, |area| -> Drawn {
        draw_scale(area, &scale, chart, values.len() < rows * cols)?;
        area.draw(&Text::new(
            format!("↑ {}", clip(&chart.y_label, 100)),
            (HEAT_LEFT, grid_top - 8),
            text(13.0, &INK, HPos::Left, VPos::Bottom),
        ))?;
        for (r, name) in row_names.iter().enumerate() {
            let y = y_at(r);
            area.draw(&Text::new(
                name.as_str(),
                (grid_left - 8, y + cell_h / 2),
                text(12.0, &MUTED, HPos::Right, VPos::Center),
            ))?;
            for c in 0..cols {
                let v = cell(r, c).unwrap_or(f64::NAN);
                let fill = scale.fill(v);
                let (a, b) = (x_at(c), x_at(c + 1));
                let gap = if b - a > 3 { 1 } else { 0 };
                area.draw(&Rectangle::new(
                    [(a, y), (b - gap, y + cell_h - 1)],
                    fill.filled(),
                ))?;
                if written {
                    let ink = if v.is_finite() { ink_on(&fill) } else { &MUTED };
                    area.draw(&Text::new(
                        scale.print(v),
                        ((a + b) / 2, y + cell_h / 2),
                        text(cell_px, ink, HPos::Center, VPos::Center),
                    ))?;
                }
            }
        }
        let right = x_at(cols);
        area.draw(&Rectangle::new(
            [(grid_left - 1, grid_top - 1), (right, grid_bottom)],
            ShapeStyle::from(&AXIS).stroke_width(1),
        ))?;
        for c in (0..cols).step_by(every) {
            area.draw(&Text::new(
                col_names[c].as_str(),
                ((x_at(c) + x_at(c + 1)) / 2, grid_bottom + 6),
                text(12.0, &MUTED, HPos::Center, VPos::Top),
            ))?;
        }
        // under the middle of the grid, but never past either edge of the picture
        let x_title = format!("{} →", clip(&chart.x_label, 100));
        let half = text_width(&x_title, 13.0) / 2;
        let centre = ((grid_left + right) / 2)
            .min(WIDTH as i32 - HEAT_RIGHT - half)
            .max(HEAT_LEFT + half);
        area.draw(&Text::new(
            x_title,
            (centre, grid_bottom + 30),
            text(13.0, &INK, HPos::Center, VPos::Top),
        ))?;
        Ok(())
    })
}

/// The colour-scale strip: low value, the ramp, high value, what it means, and a grey
/// patch for points without a value when there are any.
fn draw_scale(area: &Area, scale: &Scale, chart: &SweepHeat, gaps: bool) -> Drawn {
    let mid = SCALE_ROW / 2;
    let low = scale.print(scale.lo);
    let high = scale.print(scale.hi);
    area.draw(&Text::new(
        low.as_str(),
        (HEAT_LEFT, mid),
        text(12.0, &INK, HPos::Left, VPos::Center),
    ))?;
    let x0 = HEAT_LEFT + text_width(&low, 12.0) + 8;
    let steps = 32;
    for k in 0..steps {
        let a = x0 + STRIP_W * k / steps;
        let b = x0 + STRIP_W * (k + 1) / steps;
        let t = (k as f64 + 0.5) / steps as f64;
        let stops = if scale.diverging {
            &DIVERGING
        } else {
            &SEQUENTIAL
        };
        area.draw(&Rectangle::new(
            [(a, mid - 7), (b, mid + 7)],
            ramp(stops, t).filled(),
        ))?;
    }
    area.draw(&Rectangle::new(
        [(x0, mid - 7), (x0 + STRIP_W, mid + 7)],
        ShapeStyle::from(&AXIS).stroke_width(1),
    ))?;
    let x1 = x0 + STRIP_W + 8;
    area.draw(&Text::new(
        high.as_str(),
        (x1, mid),
        text(12.0, &INK, HPos::Left, VPos::Center),
    ))?;
    let mut x = x1 + text_width(&high, 12.0) + 18;
    if gaps {
        area.draw(&Rectangle::new(
            [(x, mid - 7), (x + 14, mid + 7)],
            NO_VALUE.filled(),
        ))?;
        area.draw(&Text::new(
            "n/a: no value",
            (x + 20, mid),
            text(12.0, &INK, HPos::Left, VPos::Center),
        ))?;
        x += 20 + text_width("n/a: no value", 12.0) + 18;
    }
    let room = ((WIDTH as i32 - HEAT_RIGHT - x) as f64 / (13.0 * 0.56)).max(8.0) as usize;
    area.draw(&Text::new(
        clip(&chart.scale_label, room),
        (x, mid),
        text(13.0, &INK, HPos::Left, VPos::Center),
    ))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::plots::tests::{
        HOSTILE, assert_hostile_label_escaped, assert_well_formed, texts,
    };

    fn line(label: &str, level: f64) -> SweepLine {
        SweepLine {
            label: label.into(),
            points: (0..6)
                .map(|k| {
                    let x = 100.0 + 40.0 * k as f64;
                    let m = level + 0.05 * x;
                    (x, m, m - 2.0, m + 2.5)
                })
                .collect(),
        }
    }

    fn lines(lines: Vec<SweepLine>) -> SweepLines {
        SweepLines {
            title: "How does the wait grow as referrals rise?".into(),
            x_label: "Referrals a year (authorities[Swansea].referrals_per_year)".into(),
            y_label: "Mean wait to first meeting (days)".into(),
            percent: false,
            target: Some((20.0, "target 20 days".into())),
            lines,
        }
    }

    fn heat(cells: Vec<Vec<f64>>) -> SweepHeat {
        let cols = cells.first().map_or(0, Vec::len);
        SweepHeat {
            title: "Where does the wait exceed a month?".into(),
            x_values: (0..cols).map(|c| format!("{}", 100 + 50 * c)).collect(),
            x_label: "Referrals a year (authorities[Swansea].referrals_per_year)".into(),
            y_values: (0..cells.len()).map(|r| format!("{}", 2 + r)).collect(),
            y_label: "Practitioners (bases[Swansea].staff)".into(),
            cells,
            percent: false,
            scale_label: "mean wait (days): pale = low, dark = high".into(),
            diverging: false,
        }
    }

    fn has(t: &[String], want: &str) -> bool {
        t.iter().any(|x| x == want)
    }

    #[test]
    fn lines_label_every_policy_the_band_the_target_and_both_axes() {
        let svg = sweep_lines(&lines(vec![
            line("proportional", 5.0),
            line("demand-led", 2.0),
        ]));
        assert_well_formed(&svg);
        let t = texts(&svg);
        for want in [
            "How does the wait grow as referrals rise?",
            "proportional",
            "demand-led",
            "95% confidence interval",
            "target 20 days",
            "Referrals a year (authorities[Swansea].referrals_per_year)",
            "Mean wait to first meeting (days)",
        ] {
            assert!(has(&t, want), "{want:?} missing in {t:?}");
        }
        assert_eq!(svg.matches("<polygon").count(), 2, "one band per line");
        assert_eq!(svg.matches("<circle").count(), 12, "a dot per point");
    }

    #[test]
    fn shares_tick_as_percentages() {
        let mut c = lines(vec![SweepLine {
            label: "proportional".into(),
            points: vec![
                (1.0, 0.9, 0.85, 0.95),
                (2.0, 0.7, 0.62, 0.78),
                (3.0, 0.4, 0.3, 0.5),
            ],
        }]);
        c.percent = true;
        c.target = Some((0.8, "target 80%".into()));
        let t = texts(&sweep_lines(&c));
        assert!(has(&t, "target 80%"), "{t:?}");
        assert!(has(&t, "80%"), "{t:?}");
        assert!(has(&t, "60%"), "{t:?}");
        assert!(!t.iter().any(|x| x == "0.5"), "{t:?}");
    }

    #[test]
    fn lines_break_at_missing_values_and_a_lone_point_is_drawn() {
        let mut l = line("proportional", 5.0);
        l.points[2].2 = f64::NAN;
        l.points[4].1 = f64::INFINITY;
        let single = SweepLine {
            label: "demand-led".into(),
            points: vec![(150.0, 9.0, 8.0, 10.0)],
        };
        let svg = sweep_lines(&lines(vec![l, single]));
        assert_well_formed(&svg);
        // runs [0, 1], [3] and [5]: one band, two whiskers; the lone point a whisker too
        assert_eq!(svg.matches("<polygon").count(), 1);
        assert_eq!(svg.matches("<circle").count(), 4 + 1);
        let t = texts(&svg);
        assert!(has(&t, "demand-led") && has(&t, "proportional"), "{t:?}");

        let one = lines(vec![SweepLine {
            label: "only".into(),
            points: vec![(3.0, 1.0, 0.5, 1.5)],
        }]);
        let svg = sweep_lines(&SweepLines {
            target: None,
            ..one
        });
        assert_well_formed(&svg);
        assert!(has(&texts(&svg), "only"));
    }

    #[test]
    fn lines_without_values_say_so() {
        for ls in [
            vec![],
            vec![SweepLine {
                label: "p".into(),
                points: vec![],
            }],
            vec![SweepLine {
                label: "p".into(),
                points: vec![(1.0, f64::NAN, 0.0, 1.0), (f64::NAN, 1.0, 0.0, 2.0)],
            }],
        ] {
            let svg = sweep_lines(&lines(ls));
            assert_well_formed(&svg);
            assert!(texts(&svg).iter().any(|t| t.starts_with("No data to show")));
        }
    }

    #[test]
    fn lines_escape_scenario_labels() {
        let mut c = lines(vec![line(HOSTILE, 1.0)]);
        c.title = HOSTILE.into();
        assert_hostile_label_escaped(&sweep_lines(&c));
        let mut c = lines(vec![line("p", 1.0)]);
        c.x_label = HOSTILE.into();
        c.target = Some((3.0, HOSTILE.into()));
        assert_hostile_label_escaped(&sweep_lines(&c));
    }

    #[test]
    fn heat_writes_each_value_and_marks_missing_ones() {
        let svg = sweep_heat(&heat(vec![
            vec![12.04, 23.5, 45.2],
            vec![8.0, f64::NAN, 30.16],
        ]));
        assert_well_formed(&svg);
        let t = texts(&svg);
        for want in [
            "Where does the wait exceed a month?",
            "12.0",
            "23.5",
            "45.2",
            "8.0",
            "30.2",
            "n/a",
            "n/a: no value",
            "100",
            "200",
            "2",
            "3",
            "↑ Practitioners (bases[Swansea].staff)",
            "Referrals a year (authorities[Swansea].referrals_per_year) →",
            "mean wait (days): pale = low, dark = high",
        ] {
            assert!(has(&t, want), "{want:?} missing in {t:?}");
        }
        assert_eq!(t.iter().filter(|x| *x == "n/a").count(), 1, "{t:?}");
    }

    #[test]
    fn heat_prints_shares_as_percentages_and_differences_with_signs() {
        let mut c = heat(vec![vec![0.23, 0.5], vec![0.876, 1.0]]);
        c.percent = true;
        let t = texts(&sweep_heat(&c));
        for want in ["23%", "50%", "88%", "100%"] {
            assert!(has(&t, want), "{want:?} missing in {t:?}");
        }
        let mut c = heat(vec![vec![-1.5, 0.0], vec![2.26, -0.3]]);
        c.diverging = true;
        let t = texts(&sweep_heat(&c));
        for want in ["−1.5", "0.0", "+2.3", "−0.3", "−2.3"] {
            assert!(has(&t, want), "{want:?} missing in {t:?}");
        }
    }

    #[test]
    fn heat_scale_runs_pale_to_dark_and_blue_through_white_to_red() {
        let s = Scale {
            lo: 0.0,
            hi: 10.0,
            diverging: false,
            percent: false,
            decimals: 1,
        };
        let (pale, dark) = (s.fill(0.0), s.fill(10.0));
        assert!(pale.0 > 200 && dark.0 < 40, "{pale:?} {dark:?}");
        assert!(std::ptr::eq(ink_on(&pale), &INK));
        assert_eq!(*ink_on(&dark), WHITE);
        let d = Scale {
            lo: -2.0,
            hi: 2.0,
            diverging: true,
            ..s
        };
        let (below, zero, above) = (d.fill(-2.0), d.fill(0.0), d.fill(2.0));
        assert!(
            below.2 > below.0 && above.0 > above.2,
            "{below:?} {above:?}"
        );
        assert!(zero.0 > 240 && zero.1 > 240 && zero.2 > 240, "{zero:?}");
        assert_eq!(d.fill(f64::NAN), NO_VALUE);
    }

    #[test]
    fn big_heat_maps_fit_the_width() {
        let cells: Vec<Vec<f64>> = (0..30)
            .map(|r| (0..30).map(|c| (r * c) as f64).collect())
            .collect();
        let svg = sweep_heat(&heat(cells));
        assert_well_formed(&svg);
        let doc = roxmltree::Document::parse(&svg).unwrap();
        for n in doc.descendants().filter(|n| n.has_tag_name("rect")) {
            let x: f64 = n.attribute("x").unwrap().parse().unwrap();
            let w: f64 = n.attribute("width").unwrap().parse().unwrap();
            assert!(x >= 0.0 && x + w <= WIDTH as f64, "rect at {x} + {w}");
        }
        for n in doc.descendants().filter(|n| n.has_tag_name("text")) {
            let x: f64 = n.attribute("x").unwrap().parse().unwrap();
            assert!((0.0..=WIDTH as f64).contains(&x), "text at {x}");
        }
        // a narrow grid keeps its long axis title inside the picture
        let svg = sweep_heat(&heat(vec![vec![1.0, 2.0]]));
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let title = doc
            .descendants()
            .find(|n| n.has_tag_name("text") && n.text().is_some_and(|t| t.trim().ends_with('→')))
            .unwrap();
        let x: f64 = title.attribute("x").unwrap().parse().unwrap();
        let half = text_width(title.text().unwrap().trim(), 13.0) as f64 / 2.0;
        assert!(
            x - half >= 0.0 && x + half <= WIDTH as f64,
            "title at {x} ± {half}"
        );
    }

    #[test]
    fn heat_without_values_says_so_and_labels_are_escaped() {
        for cells in [vec![], vec![vec![f64::NAN, f64::NAN]]] {
            let svg = sweep_heat(&heat(cells));
            assert_well_formed(&svg);
            assert!(texts(&svg).iter().any(|t| t.starts_with("No data to show")));
        }
        // ragged cells: what is missing has no value
        let mut c = heat(vec![vec![1.0, 2.0], vec![3.0]]);
        c.title = HOSTILE.into();
        c.x_values[0] = HOSTILE.into();
        let svg = sweep_heat(&c);
        assert_hostile_label_escaped(&svg);
        assert!(has(&texts(&svg), "n/a"));
        let mut c = heat(vec![vec![1.0]]);
        c.y_label = HOSTILE.into();
        c.y_values[0] = HOSTILE.into();
        c.scale_label = HOSTILE.into();
        let svg = sweep_heat(&c);
        assert_well_formed(&svg);
        assert!(!svg.contains("<script"));
        assert!(has(&texts(&svg), "1.0"));
    }
}
