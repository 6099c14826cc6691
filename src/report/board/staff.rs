//! Staff time: utilisation and the achieved direct-contact ratio by base.

use super::BoardInput;
use super::words::{kpi, per_policy};
use crate::measures::names;
use crate::report::html::{Figure, Section};
use crate::report::plots::{self, Bar, BarChart, BarGroup, Reference};

pub(super) fn staff_section(input: &BoardInput<'_>) -> Section {
    let m = input.model;
    let groups = |measure: &str| -> Vec<BarGroup> {
        m.authorities()
            .iter()
            .map(|a| BarGroup {
                label: a.name().to_string(),
                bars: input
                    .summaries
                    .iter()
                    .filter_map(|s| {
                        let k = kpi(s, &format!("{measure}.base.{}", a.slug()))?;
                        Some(Bar {
                            label: s.label.clone(),
                            value: k.mean?,
                            ci: k.ci95,
                        })
                    })
                    .collect(),
            })
            .collect()
    };
    let util = plots::ratio_bars(&BarChart {
        title: "How busy are the staff at each base?".into(),
        y_label: "committed hours ÷ direct hours available".into(),
        groups: groups(names::UTILISATION),
        reference: None,
    });
    let dcr = plots::ratio_bars(&BarChart {
        title: "How much of contracted time goes to direct work with families?".into(),
        y_label: "% of contracted hours in direct contact".into(),
        groups: groups(names::DIRECT_CONTACT_RATIO),
        reference: Some(Reference {
            value: 0.40,
            label: "40%: what the pioneer teams gave, with room for more".into(),
        }),
    });
    // utilisation beside the share of Phase 1 places in use: a worker can be full for new
    // families with hours to spare, when the next family's heaviest week would not fit
    let places: Vec<String> = input
        .summaries
        .iter()
        .filter_map(|s| {
            let u = kpi(s, names::UTILISATION)?;
            let p = kpi(s, names::PHASE1_PLACES_IN_USE)?;
            Some(format!(
                "under {}, {} of hours committed but {} of Phase 1 places in use",
                s.label,
                crate::report::percent(u.mean?),
                crate::report::percent(p.mean?)
            ))
        })
        .collect();
    let mut paragraphs = Vec::new();
    if !places.is_empty() {
        paragraphs.push(format!(
            "Read utilisation beside the share of Phase 1 places in use: {}. A place is room \
             for one more family at its heaviest week, so a worker whose hours left would not \
             cover another family's Phase 1 counts as full though some hours stay free; that is \
             why utilisation stays below 100% while families wait.",
            places.join("; ")
        ));
    }
    Section {
        heading: "Staff time".into(),
        paragraphs: [paragraphs, vec![
            "Utilisation counts the hours a week committed to families, travel to families in \
             another authority included, against the direct hours staff have while present: \
             sharing staff across the region raises it partly with time on the road. The achieved direct-contact ratio divides direct hours \
             delivered by contracted hours while in post. Its limit is each post's direct-work \
             capacity (an input: the share of contracted hours a worker can give to families); \
             it falls with leave, sickness and idle time. The 40% line is what the pioneer teams \
             achieved at their load, with capacity for more cases, not a ceiling. Whiskers are \
             95% confidence intervals."
                .into(),
        ]]
        .concat(),
        figures: vec![
            Figure {
                caption: format!("Staff utilisation by base{}.", per_policy(input, " and policy")),
                svg: util,
            },
            Figure {
                caption: format!(
                    "Achieved direct-contact ratio by base{}, beside the 40% the pioneer teams achieved.",
                    per_policy(input, " and policy")
                ),
                svg: dcr,
            },
        ],
        tables: Vec::new(),
    }
}
