//! The frame every picture shares: size, colours, type, the title block, the legend
//! strip, number formats, and the fallbacks for no data and drawing errors.

use super::WIDTH;
use crate::report::html::escape;
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// The drawing surface of a picture or one of its panels.
pub(super) type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

/// What a drawing step returns.
pub(super) type Drawn = Result<(), Box<dyn std::error::Error>>;

/// Body text.
pub(super) static INK: RGBColor = RGBColor(0x21, 0x25, 0x29);
/// Secondary text: axis labels, notes.
pub(super) static MUTED: RGBColor = RGBColor(0x5c, 0x63, 0x6a);
/// Grid lines.
pub(super) static GRID: RGBColor = RGBColor(0xe4, 0xe7, 0xea);
/// Axis lines.
pub(super) static AXIS: RGBColor = RGBColor(0x8f, 0x96, 0x9d);
/// Lines the reader measures against: the budget, the 40% ratio.
pub(super) static ALERT: RGBColor = RGBColor(0xb0, 0x25, 0x2b);
/// Series colours (Okabe–Ito, distinguishable with common colour-vision deficiencies).
static PALETTE: [RGBColor; 6] = [
    RGBColor(0x00, 0x72, 0xb2),
    RGBColor(0xd5, 0x5e, 0x00),
    RGBColor(0x00, 0x9e, 0x73),
    RGBColor(0xcc, 0x79, 0xa7),
    RGBColor(0x56, 0xb4, 0xe9),
    RGBColor(0xe6, 0x9f, 0x00),
];

/// The `i`th series colour (cycling).
pub(super) fn colour(i: usize) -> &'static RGBColor {
    &PALETTE[i % PALETTE.len()]
}

const FAMILY: &str = "sans-serif";
/// plotters divides a font size by this factor when it writes SVG.
const PLOTTERS_SCALE: f64 = 1.24;

/// A font whose SVG size is `px` pixels.
pub(super) fn font(px: f64) -> FontDesc<'static> {
    (FAMILY, px * PLOTTERS_SCALE).into_font()
}

/// A text style of `px` pixels in `colour`, anchored at (`h`, `v`).
pub(super) fn text(px: f64, colour: &'static RGBColor, h: HPos, v: VPos) -> TextStyle<'static> {
    font(px).color(colour).pos(Pos::new(h, v))
}

/// Bold text of `px` pixels in `colour`, anchored at (`h`, `v`).
pub(super) fn bold(px: f64, colour: &'static RGBColor, h: HPos, v: VPos) -> TextStyle<'static> {
    font(px)
        .style(FontStyle::Bold)
        .color(colour)
        .pos(Pos::new(h, v))
}

/// Axis tick labels.
pub(super) fn tick_font() -> TextStyle<'static> {
    font(12.0).color(&MUTED)
}

/// Axis descriptions.
pub(super) fn desc_font() -> TextStyle<'static> {
    font(13.0).color(&INK)
}

/// Rough rendered width in pixels of `s` at `px` pixels in a proportional sans-serif.
pub(super) fn text_width(s: &str, px: f64) -> i32 {
    (s.chars().count() as f64 * px * 0.56).ceil() as i32
}

/// `s` cut to at most `max` characters, with an ellipsis when cut.
pub(super) fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

/// Split `s` into lines of at most `max` characters at spaces.
pub(super) fn wrap(s: &str, max: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in s.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > max {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// How a legend entry is drawn.
#[derive(Debug, Clone, Copy)]
pub(super) enum Swatch {
    /// A solid line.
    Line(&'static RGBColor),
    /// A dashed line.
    Dashed(&'static RGBColor),
    /// A pale filled band.
    Band(&'static RGBColor),
    /// A solid block.
    Block(&'static RGBColor),
    /// A filled dot.
    Dot(&'static RGBColor),
    /// A hollow dot.
    Ring(&'static RGBColor),
    /// A dot with an interval through it.
    Interval(&'static RGBColor),
}

/// One legend entry.
#[derive(Debug, Clone)]
pub(super) struct Key {
    /// What the swatch means.
    pub label: String,
    /// How it looks.
    pub swatch: Swatch,
}

impl Key {
    /// An entry.
    pub fn new(label: impl Into<String>, swatch: Swatch) -> Key {
        Key {
            label: label.into(),
            swatch,
        }
    }
}

const MARGIN: i32 = 16;
const TITLE_PX: f64 = 18.0;
const TITLE_LINE: i32 = 24;
const KEY_PX: f64 = 13.0;
const KEY_ROW: i32 = 22;
const SWATCH_W: i32 = 24;

/// Place legend entries left to right, wrapping: (row, x) for each.
fn legend_layout(keys: &[Key]) -> Vec<(i32, i32)> {
    let mut out = Vec::with_capacity(keys.len());
    let (mut row, mut x) = (0, MARGIN);
    for k in keys {
        let w = SWATCH_W + 6 + text_width(&k.label, KEY_PX) + 22;
        if x > MARGIN && x + w > WIDTH as i32 - MARGIN {
            row += 1;
            x = MARGIN;
        }
        out.push((row, x));
        x += w;
    }
    out
}

/// Draw a swatch whose left edge is `x` and middle is `y`.
pub(super) fn draw_swatch(area: &Area, swatch: Swatch, x: i32, y: i32) -> Drawn {
    let line = |c: &'static RGBColor, w: u32| ShapeStyle::from(c).stroke_width(w);
    match swatch {
        Swatch::Line(c) => {
            area.draw(&PathElement::new(
                vec![(x, y), (x + SWATCH_W, y)],
                line(c, 3),
            ))?;
        }
        Swatch::Dashed(c) => {
            for i in 0..3 {
                let x0 = x + i * 9;
                area.draw(&PathElement::new(vec![(x0, y), (x0 + 6, y)], line(c, 2)))?;
            }
        }
        Swatch::Band(c) => {
            area.draw(&Rectangle::new(
                [(x, y - 7), (x + SWATCH_W, y + 7)],
                c.mix(0.25).filled(),
            ))?;
        }
        Swatch::Block(c) => {
            area.draw(&Rectangle::new(
                [(x + 4, y - 7), (x + SWATCH_W - 4, y + 7)],
                c.filled(),
            ))?;
        }
        Swatch::Dot(c) => {
            area.draw(&Circle::new((x + SWATCH_W / 2, y), 5, c.filled()))?;
        }
        Swatch::Ring(c) => {
            area.draw(&Circle::new((x + SWATCH_W / 2, y), 5, line(c, 2)))?;
        }
        Swatch::Interval(c) => {
            area.draw(&PathElement::new(
                vec![(x, y), (x + SWATCH_W, y)],
                line(c, 2),
            ))?;
            for xe in [x, x + SWATCH_W] {
                area.draw(&PathElement::new(
                    vec![(xe, y - 4), (xe, y + 4)],
                    line(c, 2),
                ))?;
            }
            area.draw(&Circle::new((x + SWATCH_W / 2, y), 4, c.filled()))?;
        }
    }
    Ok(())
}

/// The coordinates of a chart with numeric axes.
pub(super) type Coords = Cartesian2d<RangedCoordf64, RangedCoordf64>;

/// Maps a chart's data coordinates to pixels of the area it was built on, so labels and
/// marks can be placed outside the plotting area (under the axis, in the margins).
pub(super) struct Pixels {
    coord: Coords,
    base: (i32, i32),
}

impl Pixels {
    /// The mapping of `chart`, built on `area`.
    pub fn new(chart: &ChartContext<'_, SVGBackend<'_>, Coords>, area: &Area) -> Pixels {
        Pixels {
            coord: chart.as_coord_spec().clone(),
            base: area.get_base_pixel(),
        }
    }

    /// The pixel of data point (`x`, `y`), relative to the area.
    pub fn at(&self, x: f64, y: f64) -> (i32, i32) {
        let (a, b) = self.coord.translate(&(x, y));
        (a - self.base.0, b - self.base.1)
    }
}

/// A horizontal dashed line from `x0` to `x1` at `y`, in pixels of `area`.
pub(super) fn dashed_line(area: &Area, x0: i32, x1: i32, y: i32, style: ShapeStyle) -> Drawn {
    let mut x = x0;
    while x < x1 {
        area.draw(&PathElement::new(vec![(x, y), ((x + 8).min(x1), y)], style))?;
        x += 13;
    }
    Ok(())
}

/// A vertical dashed line from `y0` to `y1` at `x`, in pixels of `area`.
pub(super) fn dashed_vline(area: &Area, x: i32, y0: i32, y1: i32, style: ShapeStyle) -> Drawn {
    let mut y = y0;
    while y < y1 {
        area.draw(&PathElement::new(vec![(x, y), (x, (y + 8).min(y1))], style))?;
        y += 13;
    }
    Ok(())
}

/// Draw a picture: the title block, the legend strip, then `body` on an area
/// `body_height` pixels tall. Returns the SVG document.
pub(super) fn picture(
    title: &str,
    keys: &[Key],
    body_height: u32,
    body: impl FnOnce(&Area) -> Drawn,
) -> String {
    let title_lines = wrap(
        title,
        ((WIDTH as f64 - 2.0 * 16.0) / (TITLE_PX * 0.56)) as usize,
    );
    let places = legend_layout(keys);
    let key_rows = places.last().map_or(0, |(r, _)| r + 1);
    let head = 12 + TITLE_LINE * title_lines.len() as i32 + 6 + KEY_ROW * key_rows + 8;
    let height = head as u32 + body_height;
    let mut svg = String::new();
    let outcome = {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        let drawn = (|| -> Drawn {
            root.fill(&WHITE)?;
            for (i, line) in title_lines.iter().enumerate() {
                let y = 12 + TITLE_LINE * i as i32;
                root.draw(&Text::new(
                    line.as_str(),
                    (MARGIN, y),
                    bold(TITLE_PX, &INK, HPos::Left, VPos::Top),
                ))?;
            }
            let top = 12 + TITLE_LINE * title_lines.len() as i32 + 6;
            for (k, (row, x)) in keys.iter().zip(&places) {
                let y = top + KEY_ROW * row + KEY_ROW / 2;
                draw_swatch(&root, k.swatch, *x, y)?;
                root.draw(&Text::new(
                    k.label.as_str(),
                    (x + SWATCH_W + 6, y),
                    text(KEY_PX, &INK, HPos::Left, VPos::Center),
                ))?;
            }
            let (_, rest) = root.split_vertically(head);
            body(&rest)?;
            root.present()?;
            Ok(())
        })();
        drawn.map_err(|e| e.to_string())
    };
    match outcome {
        Ok(()) => with_title(svg, title),
        Err(e) => error_picture(title, &e),
    }
}

/// Insert an escaped `<desc>` after the `<title>` of `svg`: the numbers behind the picture,
/// one line each, its text alternative. A picture without a title is left as it is.
pub(super) fn described(mut svg: String, lines: Vec<String>) -> String {
    if lines.is_empty() {
        return svg;
    }
    if let Some(end) = svg.find("</title>") {
        let body: Vec<String> = lines.iter().map(|l| escape(l)).collect();
        svg.insert_str(
            end + "</title>".len(),
            &format!("\n<desc>\n{}\n</desc>", body.join("\n")),
        );
    }
    svg
}

/// Insert an escaped `<title>` as the first child of the root `<svg>` element.
fn with_title(mut svg: String, title: &str) -> String {
    if let Some(end) = svg.find('>') {
        let tag = format!("\n<title>{}</title>", escape(title));
        svg.insert_str(end + 1, &tag);
    }
    svg
}

/// A picture that names why it could not be drawn.
fn error_picture(title: &str, message: &str) -> String {
    let (t, m) = (escape(title), escape(message));
    format!(
        concat!(
            r#"<svg width="{w}" height="90" viewBox="0 0 {w} 90" xmlns="http://www.w3.org/2000/svg">"#,
            "\n<title>{t}</title>\n",
            r##"<rect x="0" y="0" width="{w}" height="90" fill="#FFFFFF"/>"##,
            "\n",
            r#"<text x="16" y="30" font-family="sans-serif" font-size="18" font-weight="bold">{t}</text>"#,
            "\n",
            r##"<text x="16" y="62" font-family="sans-serif" font-size="14" fill="#B0252B">This picture could not be drawn: {m}</text>"##,
            "\n</svg>\n"
        ),
        w = WIDTH,
        t = t,
        m = m
    )
}

/// A picture with only its title and a sentence saying there is nothing to show.
pub(super) fn no_data(title: &str, why: &str) -> String {
    picture(title, &[], 80, |area| {
        area.draw(&Text::new(
            format!("No data to show: {why}"),
            (MARGIN, 30),
            text(14.0, &MUTED, HPos::Left, VPos::Center),
        ))?;
        Ok(())
    })
}

/// Distinct values of `labels` in order of first appearance.
pub(super) fn distinct<'a>(labels: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    for l in labels {
        if !out.contains(&l) {
            out.push(l);
        }
    }
    out
}

/// `x` with `decimals` places, a true minus sign and an explicit plus.
pub(super) fn signed(x: f64, decimals: usize) -> String {
    let s = format!("{:.*}", decimals, x.abs());
    let zero = s.chars().all(|c| c == '0' || c == '.');
    if zero {
        s
    } else if x < 0.0 {
        format!("−{s}")
    } else {
        format!("+{s}")
    }
}

/// A fraction as a whole percentage: `0.402` → `40%` (`0.005` → `0.5%`, not `0%`).
pub(super) fn percent(x: f64) -> String {
    crate::report::percent(x)
}

/// Whole pounds with thousands separators: `850000` → `£850,000`.
pub(super) fn pounds(x: f64) -> String {
    let whole = x.abs().round() as u64;
    let digits = whole.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if x < 0.0 && whole > 0 {
        format!("−£{out}")
    } else {
        format!("£{out}")
    }
}

/// Linear-interpolated quantile of sorted finite values (`q` in 0..=1).
pub(super) fn quantile(sorted: &[f64], q: f64) -> f64 {
    debug_assert!(!sorted.is_empty());
    let pos = q.clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

/// A range `[lo, hi]` widened by `pad` of its span on each side, never empty.
pub(super) fn padded(lo: f64, hi: f64, pad: f64) -> (f64, f64) {
    let span = hi - lo;
    if span.is_finite() && span > 0.0 {
        (lo - span * pad, hi + span * pad)
    } else if lo.is_finite() {
        let d = lo.abs().max(1.0) * 0.1;
        (lo - d, lo + d)
    } else {
        (0.0, 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::plots::tests::{HOSTILE, assert_hostile_label_escaped, assert_well_formed};

    #[test]
    fn titles_wrap_at_spaces_and_keep_every_word() {
        let t =
            "How long do families wait for a first meeting in each authority under each policy?";
        let lines = wrap(t, 40);
        assert!(lines.iter().all(|l| l.chars().count() <= 40), "{lines:?}");
        assert_eq!(lines.join(" "), t);
        assert_eq!(wrap("", 10), vec![String::new()]);
    }

    #[test]
    fn legends_wrap_onto_new_rows() {
        let keys: Vec<Key> = (0..12)
            .map(|i| Key::new(format!("a fairly long legend label {i}"), Swatch::Dot(&INK)))
            .collect();
        let places = legend_layout(&keys);
        assert!(places.last().unwrap().0 > 0);
        assert!(places.iter().all(|(_, x)| *x < WIDTH as i32));
    }

    #[test]
    fn numbers_read_as_a_board_member_expects() {
        assert_eq!(signed(-1.642, 2), "−1.64");
        assert_eq!(signed(7.0, 1), "+7.0");
        assert_eq!(signed(-0.0001, 2), "0.00");
        assert_eq!(percent(0.402), "40%");
        assert_eq!(pounds(850_000.0), "£850,000");
        assert_eq!(pounds(-6_487.0), "−£6,487");
        assert_eq!(pounds(952.4), "£952");
        assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0], 0.5), 2.5);
        assert_eq!(clip("abcdef", 4), "abc…");
    }

    #[test]
    fn empty_and_failed_pictures_are_still_pictures_with_escaped_titles() {
        let svg = no_data(HOSTILE, "no families were allocated");
        assert_hostile_label_escaped(&svg);
        let svg = error_picture(HOSTILE, "<boom>");
        assert_hostile_label_escaped(&svg);
        assert!(svg.contains("&lt;boom&gt;"));
        assert_well_formed(&svg);
    }

    #[test]
    fn legend_labels_and_titles_are_escaped() {
        let keys = [Key::new(HOSTILE, Swatch::Line(colour(0)))];
        let svg = picture(HOSTILE, &keys, 40, |_| Ok(()));
        assert_hostile_label_escaped(&svg);
    }
}
