//! The risk register beside the simulation: stated likelihood against simulated probability.

use super::words::{band_words, pct, pounds};
use crate::model::Model;
use crate::report::html::{Figure, Section, Table};
use crate::report::plots::{self, RiskChart, RiskPoint};
use crate::risks::Assessment;

pub(super) fn risk_section(m: &Model, rows: &[Assessment]) -> Section {
    let bands = m
        .risks()
        .map(|r| r.likelihood_bands().to_vec())
        .unwrap_or_default();
    let points = rows
        .iter()
        .map(|r| {
            let band = bands
                .iter()
                .find(|b| b.name == r.stated_likelihood)
                .map_or((0.0, 1.0), |b| (b.low, b.high));
            RiskPoint {
                id: r.id.to_string(),
                title: r.title.clone(),
                stated: r.stated_likelihood.clone(),
                stated_band: band,
                simulated: match (r.simulated_probability, r.ci95) {
                    (Some(p), Some(ci)) => Some((p, ci)),
                    _ => None,
                },
            }
        })
        .collect();
    let table_rows = rows
        .iter()
        .map(|r| {
            vec![
                r.id.to_string(),
                format!("{} (measured as {})", r.title, r.measured_as),
                r.stated_likelihood.clone(),
                match (r.simulated_probability, r.ci95) {
                    (Some(p), Some([lo, hi])) => format!("{} ({}–{})", pct(p), pct(lo), pct(hi)),
                    _ => "—".into(),
                },
                format!(
                    "{}{} (stated {})",
                    match &r.impact {
                        Some(i) if i.unit == "pounds" => pounds(i.mean),
                        Some(i) => format!("{:.1} {}", i.mean, i.unit),
                        None if r.simulated_probability.is_some() => "none observed".into(),
                        None => "—".into(),
                    },
                    r.effect_band
                        .as_ref()
                        .map_or(String::new(), |b| format!(": {b}")),
                    r.stated_effect
                ),
                match r.effect_verdict {
                    Some(e) if e != r.verdict => {
                        format!("{} (effect {})", r.verdict.label(), e.label())
                    }
                    _ => r.verdict.label().to_string(),
                },
            ]
        })
        .collect();
    let mut paragraphs = vec![
        "Each risk the model can measure has an indicator: what counts as it happening in one \
         simulated contract, and how big its impact is. The simulated probability (with a 95% \
         interval) is set against the band of probabilities the register's word stands for. \
         Understated: the whole interval lies above the band; overstated: wholly below. The \
         effect is judged the same way, from the mean impact when the risk happens."
            .to_string(),
    ];
    if let Some(register) = m.risks() {
        use crate::risks::ImpactKind;
        let mut bands = vec![format!(
            "The bands, editable in the scenario: likelihood {}",
            band_words(register.likelihood_bands(), pct)
        )];
        for kind in [
            ImpactKind::Families,
            ImpactKind::WaitWeeks,
            ImpactKind::Pounds,
        ] {
            let value = |x: f64| match kind {
                ImpactKind::Pounds => pounds(x),
                _ => format!("{x:.0}"),
            };
            bands.push(format!(
                "effect in {} {}",
                kind.unit(),
                band_words(register.effect_bands(kind), value)
            ));
        }
        paragraphs.push(format!("{}.", bands.join("; ")));
    }
    paragraphs.extend(
        rows.iter()
            .map(|r| format!("Risk {}: {}.", r.id, r.explanation)),
    );
    Section {
        heading: "The risk register beside the simulation".into(),
        paragraphs,
        figures: vec![Figure {
            caption: "Stated likelihood (shaded band) against the simulated probability and its \
                      95% interval, per risk."
                .into(),
            svg: plots::risk_chart(&RiskChart {
                title: "Does the risk register match what the simulation shows?".into(),
                risks: points,
            }),
        }],
        tables: vec![Table {
            caption: "The register beside the simulation.".into(),
            header: vec![
                "#".into(),
                "Risk".into(),
                "Stated".into(),
                "Simulated (95% CI)".into(),
                "Impact".into(),
                "Verdict".into(),
            ],
            rows: table_rows,
        }],
    }
}
