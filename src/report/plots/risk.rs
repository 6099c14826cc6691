//! The risk register beside the simulation: each risk's stated likelihood as a band of
//! probability, the simulated probability with its 95% interval, and which way the
//! register errs. Risks the model cannot measure are shown as such.

use super::canvas::{
    ALERT, AXIS, Drawn, GRID, INK, Key, MUTED, Pixels, Swatch, clip, colour, desc_font, no_data,
    percent, picture, text, tick_font,
};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// One risk of the register.
#[derive(Debug, Clone)]
pub struct RiskPoint {
    /// Its number in the register, e.g. "1".
    pub id: String,
    /// Its wording, e.g. "Insufficient funds".
    pub title: String,
    /// The stated likelihood in the register's words, e.g. "Low".
    pub stated: String,
    /// The probabilities that word stands for, as fractions (from the scenario's bands).
    pub stated_band: (f64, f64),
    /// The simulated probability and its 95% interval, or `None` when the model cannot
    /// measure this risk.
    pub simulated: Option<(f64, [f64; 2])>,
}

/// How the register's stated likelihood compares with the simulation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The whole simulated interval lies above the stated band.
    Understated,
    /// The whole simulated interval lies below the stated band.
    Overstated,
    /// The simulated interval overlaps the stated band.
    Consistent,
    /// The model cannot measure this risk.
    NotSimulable,
}

impl Verdict {
    /// The verdict in a few words for a reader.
    pub fn words(self) -> &'static str {
        match self {
            Verdict::Understated => "register understates",
            Verdict::Overstated => "register overstates",
            Verdict::Consistent => "consistent with register",
            Verdict::NotSimulable => "not simulable",
        }
    }
}

impl RiskPoint {
    /// How the stated likelihood compares with the simulated interval.
    pub fn verdict(&self) -> Verdict {
        match self.simulated {
            None => Verdict::NotSimulable,
            Some((_, [lo, hi])) => {
                let (band_lo, band_hi) = self.stated_band;
                if lo > band_hi {
                    Verdict::Understated
                } else if hi < band_lo {
                    Verdict::Overstated
                } else {
                    Verdict::Consistent
                }
            }
        }
    }
}

/// The register-versus-simulation picture.
#[derive(Debug, Clone)]
pub struct RiskChart {
    /// The question it answers.
    pub title: String,
    /// The risks, drawn top to bottom.
    pub risks: Vec<RiskPoint>,
}

const ROW_H: u32 = 66;
/// Characters of a risk's title on one line, and lines at most: a longer title wraps,
/// and only a title longer than that is cut.
const TITLE_CHARS: usize = 36;
const TITLE_LINES: usize = 3;
const LABEL_W: u32 = 260;
const VERDICT_W: u32 = 175;

/// Stated likelihood bands against simulated probabilities with their intervals.
pub fn risk_chart(chart: &RiskChart) -> String {
    super::canvas::described(draw_risk_chart(chart), super::numbers::risk(chart))
}

fn draw_risk_chart(chart: &RiskChart) -> String {
    if chart.risks.is_empty() {
        return no_data(&chart.title, "the register is empty");
    }
    let band = colour(4);
    let keys = [
        Key::new("likelihood stated in the register", Swatch::Band(band)),
        Key::new(
            "simulated probability with 95% interval",
            Swatch::Interval(&INK),
        ),
    ];
    let n = chart.risks.len() as f64;
    let body = 10 + ROW_H * chart.risks.len() as u32 + 46;
    picture(&chart.title, &keys, body, |area| -> Drawn {
        let mut c = ChartBuilder::on(area)
            .margin_top(10)
            .margin_left(LABEL_W)
            .margin_right(VERDICT_W)
            .x_label_area_size(46)
            .build_cartesian_2d(0.0..1.0, 0.0..n)?;
        c.configure_mesh()
            .disable_y_mesh()
            .bold_line_style(GRID)
            .light_line_style(TRANSPARENT)
            .axis_style(AXIS)
            .label_style(tick_font())
            .axis_desc_style(desc_font())
            .y_labels(0)
            .x_labels(6)
            .x_label_formatter(&|v| percent(*v))
            .x_desc("probability")
            .draw()?;
        let px = Pixels::new(&c, area);
        for (i, r) in chart.risks.iter().enumerate() {
            let y = n - i as f64 - 0.5;
            let (_, py) = px.at(0.0, y);
            let mut lines = super::canvas::wrap(&format!("{}. {}", r.id, r.title), TITLE_CHARS);
            if lines.len() > TITLE_LINES {
                let rest = lines[TITLE_LINES - 1..].join(" ");
                lines.truncate(TITLE_LINES - 1);
                lines.push(clip(&rest, TITLE_CHARS));
            }
            // the title's lines and the stated likelihood, centred on the row
            let top = py - (15 * lines.len() as i32 + 13) / 2;
            for (k, line) in lines.iter().enumerate() {
                area.draw(&Text::new(
                    line.clone(),
                    (16, top + 15 * k as i32),
                    text(13.0, &INK, HPos::Left, VPos::Top),
                ))?;
            }
            area.draw(&Text::new(
                clip(&format!("stated likelihood: {}", r.stated), 44),
                (16, top + 15 * lines.len() as i32 + 1),
                text(11.0, &MUTED, HPos::Left, VPos::Top),
            ))?;
            let (lo, hi) = r.stated_band;
            let (lo, hi) = (lo.clamp(0.0, 1.0), hi.clamp(0.0, 1.0));
            if lo.is_finite() && hi.is_finite() && hi >= lo {
                let (a, _) = px.at(lo, y);
                let (b, _) = px.at(hi, y);
                area.draw(&Rectangle::new(
                    [(a, py - 13), (b.max(a + 2), py + 13)],
                    band.mix(0.28).filled(),
                ))?;
            }
            let verdict = r.verdict();
            match r.simulated {
                Some((p, [clo, chi])) if [p, clo, chi].iter().all(|v| v.is_finite()) => {
                    let style = ShapeStyle::from(&INK).stroke_width(2);
                    let (a, _) = px.at(clo.clamp(0.0, 1.0), y);
                    let (b, _) = px.at(chi.clamp(0.0, 1.0), y);
                    area.draw(&PathElement::new(vec![(a, py), (b, py)], style))?;
                    for e in [a, b] {
                        area.draw(&PathElement::new(vec![(e, py - 5), (e, py + 5)], style))?;
                    }
                    let (m, _) = px.at(p.clamp(0.0, 1.0), y);
                    area.draw(&Circle::new((m, py), 5, INK.filled()))?;
                }
                _ => {
                    let (m, _) = px.at(0.5, y);
                    area.draw(&Text::new(
                        "not simulable",
                        (m, py),
                        text(12.0, &MUTED, HPos::Center, VPos::Center),
                    ))?;
                }
            }
            let (right, _) = px.at(1.0, y);
            let tone = if verdict == Verdict::Understated {
                &ALERT
            } else {
                &MUTED
            };
            let words = match r.simulated {
                Some((p, _)) if verdict != Verdict::NotSimulable => {
                    format!("{} ({})", verdict.words(), percent(p))
                }
                _ => verdict.words().to_string(),
            };
            area.draw(&Text::new(
                words,
                (right + 12, py),
                text(12.0, tone, HPos::Left, VPos::Center),
            ))?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::plots::tests::{HOSTILE, assert_hostile_label_escaped, texts};

    fn risk(id: &str, band: (f64, f64), sim: Option<(f64, [f64; 2])>) -> RiskPoint {
        RiskPoint {
            id: id.into(),
            title: format!("risk {id}"),
            stated: "Low".into(),
            stated_band: band,
            simulated: sim,
        }
    }

    #[test]
    fn long_titles_wrap_instead_of_being_cut() {
        let mut long = risk("2", (0.35, 0.65), Some((0.97, [0.94, 0.99])));
        long.title =
            "Not finding sufficiently skilled staff to fulfil all the roles within this team"
                .into();
        let svg = risk_chart(&RiskChart {
            title: "Risks".into(),
            risks: vec![long],
        });
        let t = texts(&svg);
        assert!(!t.iter().any(|x| x.contains('…')), "cut: {t:?}");
        // the lines from the title's first to the stated likelihood under it
        let first = t.iter().position(|x| x.starts_with("2. ")).expect("title");
        let title_lines: Vec<&String> = t[first..]
            .iter()
            .take_while(|x| !x.starts_with("stated likelihood"))
            .collect();
        assert!(title_lines.len() >= 2, "{t:?}");
        assert_eq!(
            title_lines
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(" "),
            "2. Not finding sufficiently skilled staff to fulfil all the roles within this team"
        );
    }

    #[test]
    fn verdicts_compare_the_interval_with_the_band() {
        let low = (0.0, 0.2);
        assert_eq!(
            risk("1", low, Some((0.6, [0.5, 0.7]))).verdict(),
            Verdict::Understated
        );
        assert_eq!(
            risk("1", (0.5, 0.8), Some((0.1, [0.05, 0.2]))).verdict(),
            Verdict::Overstated
        );
        assert_eq!(
            risk("1", low, Some((0.25, [0.15, 0.35]))).verdict(),
            Verdict::Consistent
        );
        assert_eq!(risk("6", low, None).verdict(), Verdict::NotSimulable);
    }

    #[test]
    fn every_risk_its_band_and_verdict_are_shown() {
        let svg = risk_chart(&RiskChart {
            title: "Does the register rate its risks as the simulation finds them?".into(),
            risks: vec![
                risk("1", (0.0, 0.2), Some((0.62, [0.55, 0.69]))),
                risk("6", (0.0, 0.2), None),
            ],
        });
        let t = texts(&svg);
        for want in [
            "Does the register rate its risks as the simulation finds them?",
            "1. risk 1",
            "6. risk 6",
            "stated likelihood: Low",
            "not simulable",
            "register understates (62%)",
            "likelihood stated in the register",
            "simulated probability with 95% interval",
            "probability",
        ] {
            assert!(t.iter().any(|x| x == want), "{want:?} missing in {t:?}");
        }
    }

    #[test]
    fn register_text_is_escaped_and_an_empty_register_says_so() {
        let mut r = risk(HOSTILE, (0.0, 0.2), Some((0.1, [0.0, 0.2])));
        r.title = HOSTILE.into();
        r.stated = "<b>".into();
        let svg = risk_chart(&RiskChart {
            title: HOSTILE.into(),
            risks: vec![r],
        });
        assert_hostile_label_escaped(&svg);
        assert!(!svg.contains("<b>"));
        let svg = risk_chart(&RiskChart {
            title: "Risks".into(),
            risks: vec![],
        });
        assert!(texts(&svg).iter().any(|t| t.starts_with("No data to show")));
    }
}
