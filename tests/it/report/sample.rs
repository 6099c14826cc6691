//! A board report with synthetic numbers and every kind of picture.

use ifss_sim::report::html::{Figure, Footer, KeyFigure, Report, Section, Table};
use ifss_sim::report::plots::{
    Bar, BarChart, BarGroup, CostChart, DiffRow, Fan, FanChart, ForestChart, Histogram, Reference,
    RiskChart, RiskPoint, WaitChart, WaitSeries, YearCosts, cost_distribution, diff_forest,
    fan_chart, ratio_bars, risk_chart, wait_distribution,
};

const AUTHORITIES: [&str; 3] = ["Swansea", "Neath Port Talbot", "Bridgend"];
const POLICIES: [&str; 2] = ["proportional", "demand-led"];
/// What the headline says, checked in the browser's DOM.
pub const HEADLINE: &str = "Demand-led sharing shortens the mean wait for a first meeting";

/// A small deterministic generator for synthetic data (xorshift64*).
struct Synthetic(u64);

impl Synthetic {
    fn uniform(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64
    }

    fn exponential(&mut self, mean: f64) -> f64 {
        -mean * (1.0 - self.uniform()).ln()
    }

    fn normal(&mut self, mean: f64, sd: f64) -> f64 {
        let (u, v) = (self.uniform().max(1e-12), self.uniform());
        mean + sd * (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

fn figures(rng: &mut Synthetic) -> Vec<(String, String)> {
    let mut waits = Vec::new();
    for (a, authority) in AUTHORITIES.iter().enumerate() {
        for (p, policy) in POLICIES.iter().enumerate() {
            let mean = [5.0, 9.8, 4.5][a] * if p == 0 { 1.0 } else { 0.7 };
            let samples: Vec<f64> = (0..3000).map(|_| rng.exponential(mean)).collect();
            waits.push(WaitSeries {
                panel: (*authority).into(),
                label: (*policy).into(),
                histogram: Histogram::from_samples(&samples, 2.0).expect("histogram"),
            });
        }
    }
    let weeks: Vec<f64> = (0..=156).map(f64::from).collect();
    let fans = |level: [f64; 3], growth: f64| -> Vec<Fan> {
        AUTHORITIES
            .iter()
            .zip(level)
            .map(|(a, l)| {
                let p50: Vec<f64> = weeks
                    .iter()
                    .map(|w| l * (1.0 - (-w / 12.0).exp()) * (1.0 + growth * w / 156.0))
                    .collect();
                Fan {
                    label: (*a).into(),
                    p5: p50.iter().map(|v| (v * 0.45).floor()).collect(),
                    p95: p50.iter().map(|v| (v * 1.7).ceil()).collect(),
                    mean: p50.iter().map(|v| v * 1.1).collect(),
                    p50,
                }
            })
            .collect()
    };
    let bars = |values: [f64; 3], lift: f64| -> Vec<BarGroup> {
        AUTHORITIES
            .iter()
            .zip(values)
            .map(|(a, v)| BarGroup {
                label: (*a).into(),
                bars: POLICIES
                    .iter()
                    .enumerate()
                    .map(|(p, policy)| {
                        let value = v + p as f64 * lift;
                        Bar {
                            label: (*policy).into(),
                            value,
                            ci: Some([value - 0.012, value + 0.012]),
                        }
                    })
                    .collect(),
            })
            .collect()
    };
    let diff = |label: &str, mean: f64, half: f64, unit: &str| DiffRow {
        label: label.into(),
        mean,
        ci: [mean - half, mean + half],
        unit: unit.into(),
    };
    let years: Vec<YearCosts> = (1..=3)
        .map(|year| YearCosts {
            label: None,
            year,
            samples: (0..400)
                .map(|_| rng.normal(846_000.0 + 9_000.0 * f64::from(year - 1), 7_500.0))
                .collect(),
        })
        .collect();
    let risk = |id: &str, title: &str, stated: &str, band: (f64, f64), sim| RiskPoint {
        id: id.into(),
        title: title.into(),
        stated: stated.into(),
        stated_band: band,
        simulated: sim,
    };
    let (low, medium) = ((0.0, 0.2), (0.2, 0.5));
    vec![
        (
            "Share of families by days waited, per authority. Look at the right-hand tail: \
             under demand-led sharing fewer Neath Port Talbot families wait beyond the target."
                .into(),
            wait_distribution(&WaitChart {
                title: "How long do families wait from acceptance to a first meeting?".into(),
                series: waits,
                target_days: Some(14.0),
            }),
        ),
        (
            "Families waiting over the three-year contract, proportional allocation. The band \
             holds 90% of replications; a band that keeps rising would mean demand outruns staff."
                .into(),
            fan_chart(&FanChart {
                title: "Does the waiting list settle or keep growing?".into(),
                x_label: "weeks since the contract started".into(),
                y_label: "families waiting".into(),
                x: weeks.clone(),
                fans: fans([6.0, 5.0, 3.0], 0.1),
                y_max: None,
            }),
        ),
        (
            "Open cases held by the team over time.".into(),
            fan_chart(&FanChart {
                title: "How many families does each base hold at once?".into(),
                x_label: "weeks since the contract started".into(),
                y_label: "open cases".into(),
                x: weeks.clone(),
                fans: fans([38.0, 20.0, 19.0], 0.0),
                y_max: None,
            }),
        ),
        (
            "Committed hours as a share of the direct hours available, per base.".into(),
            ratio_bars(&BarChart {
                title: "How busy are staff at each base under each policy?".into(),
                y_label: "% of direct hours committed".into(),
                groups: bars([0.54, 0.49, 0.52], 0.03),
                reference: None,
            }),
        ),
        (
            "Direct hours delivered as a share of contracted hours. The dashed line is the \
             40% the evaluation found; no base can exceed the ratio it is given."
                .into(),
            ratio_bars(&BarChart {
                title: "Do staff reach the 40% direct-contact ratio?".into(),
                y_label: "% of contracted hours in direct contact".into(),
                groups: bars([0.21, 0.19, 0.20], 0.011),
                reference: Some(Reference {
                    value: 0.40,
                    label: "40% found by the evaluation".into(),
                }),
            }),
        ),
        (
            "Demand-led minus proportional, replication by replication. Filled dots are \
             differences the 95% interval separates from zero."
                .into(),
            diff_forest(&ForestChart {
                tornado: false,
                title: "What changes if the team shares work across the region?".into(),
                note: "Below zero: less under demand-led than under proportional.".into(),
                rows: vec![
                    diff("Wait to first meeting, mean", -1.64, 0.13, "days"),
                    diff(
                        "Wait to first meeting, 90th percentile",
                        -5.76,
                        0.49,
                        "days",
                    ),
                    diff("Wait, Neath Port Talbot", -4.27, 0.43, "days"),
                    diff("Wait, Swansea", -0.41, 0.22, "days"),
                    diff("Wait, Bridgend", 0.08, 0.21, "days"),
                    diff("Phase 1 starts", 7.01, 0.57, "families over 3 years"),
                    diff(
                        "Withdrew while waiting",
                        -8.38,
                        0.65,
                        "families over 3 years",
                    ),
                    diff("Unplanned exits", 0.3, 0.9, "families over 3 years"),
                    diff("Staff utilisation", 2.66, 0.14, "percentage points"),
                ],
            }),
        ),
        (
            "Each dot is one replication's cost for a contract year; the text above each year \
             is the share of replications over the £850,000 allocation."
                .into(),
            cost_distribution(&CostChart {
                title: "Will the service stay within its £850,000 allocation each year?".into(),
                years,
                budget: 850_000.0,
            }),
        ),
        (
            "The register's stated likelihood as a band, beside the simulated probability.".into(),
            risk_chart(&RiskChart {
                title: "Does the risk register rate its risks as the simulation finds them?".into(),
                risks: vec![
                    risk(
                        "1",
                        "Insufficient funds",
                        "Low",
                        low,
                        Some((0.58, [0.53, 0.63])),
                    ),
                    risk(
                        "2",
                        "Not finding skilled staff",
                        "Medium",
                        medium,
                        Some((0.31, [0.27, 0.35])),
                    ),
                    risk(
                        "3",
                        "Population may not equate to need",
                        "Medium",
                        medium,
                        Some((0.72, [0.66, 0.78])),
                    ),
                    risk(
                        "4",
                        "Disagreement amongst partners",
                        "Low/medium",
                        (0.0, 0.5),
                        Some((0.12, [0.09, 0.15])),
                    ),
                    risk(
                        "5",
                        "Ineffective liaison with other services",
                        "Medium",
                        medium,
                        Some((0.08, [0.05, 0.11])),
                    ),
                    risk("6", "Strategic drift", "Low", low, None),
                ],
            }),
        ),
    ]
}

/// A report with synthetic numbers and every kind of picture, for scenario `name`.
pub fn sample_report(name: &str) -> Report {
    let mut rng = Synthetic(0x1f2e_3d4c_5b6a_7988);
    let mut figs = figures(&mut rng)
        .into_iter()
        .map(|(caption, svg)| Figure { caption, svg });
    let mut take = |n: usize| (&mut figs).take(n).collect::<Vec<_>>();
    let s = |t: &str| t.to_string();
    let row = |cells: &[&str]| cells.iter().map(|c| c.to_string()).collect::<Vec<_>>();
    Report {
        title: format!("{name}: how should the team be deployed?"),
        subtitle: format!("Simulation report for the management board · scenario “{name}”"),
        question: s(
            "Should the Western Bay team stay ring-fenced to each authority (proportional \
                     allocation) or share work across the region when families wait (demand-led)? \
                     Which gives shorter waits and more families helped, within the £850,000 allocation?",
        ),
        scenario: vec![
            s(
                "17 staff work with families from three bases: Swansea (4 consultant social workers \
               and 4 intervention specialists), Neath Port Talbot (2 and 2) and Bridgend (2 and 2), \
               plus one manager. Each has about 40% of a 37-hour week for direct work.",
            ),
            s(
                "240 families a year are referred, split by population. The contract runs three \
               years; each policy was run 200 times on the same families.",
            ),
        ],
        key_figures: vec![
            KeyFigure {
                label: s("Recommended policy"),
                value: s("Demand-led"),
                detail: s("share after 10 days' wait"),
            },
            KeyFigure {
                label: s("Mean wait for a first meeting"),
                value: s("4.0 days"),
                detail: s("1.6 days shorter (95% CI 1.5 to 1.8)"),
            },
            KeyFigure {
                label: s("More families start Phase 1"),
                value: s("+7"),
                detail: s("over 3 years (95% CI +6 to +8)"),
            },
            KeyFigure {
                label: s("Annual cost, year 1"),
                value: s("£846,000"),
                detail: s("under budget in 69% of runs"),
            },
        ],
        headline: vec![
            format!(
                "{HEADLINE} from 5.6 to 4.0 days (a difference of 1.6 days, 95% CI 1.5 to 1.8), \
                     and by 4.3 days in Neath Port Talbot, where need runs ahead of staff."
            ),
            s(
                "Seven more families start Phase 1 over the three years (95% CI 6 to 8), and 8 fewer \
               give up while waiting, for about 580 hours of cross-region travel.",
            ),
            s(
                "Cost does not depend on the policy: the year-1 cost is under the £850,000 \
               allocation in 69% of runs, but pay progression takes years 2 and 3 over it.",
            ),
        ],
        sections: vec![
            Section {
                heading: s("Waiting for a first meeting"),
                paragraphs: vec![s(
                    "The wait runs from acceptance of a referral to the first meeting with the family [P §5.2].",
                )],
                figures: take(2),
                tables: vec![Table {
                    caption: s(
                        "Mean wait in days by authority, ± half-width of the 95% CI. Look at Neath Port Talbot.",
                    ),
                    header: row(&["authority", "proportional", "demand-led", "difference"]),
                    rows: vec![
                        row(&["Swansea", "5.1 ±0.3", "4.7 ±0.2", "−0.41 [−0.63, −0.19]"]),
                        row(&[
                            "Neath Port Talbot",
                            "9.8 ±0.6",
                            "5.5 ±0.2",
                            "−4.27 [−4.70, −3.84]",
                        ]),
                        row(&["Bridgend", "4.4 ±0.2", "4.5 ±0.2", "+0.08 [−0.13, +0.29]"]),
                    ],
                }],
            },
            Section {
                heading: s("Throughput and staff time"),
                paragraphs: vec![s(
                    "Utilisation counts committed hours against the direct hours available while staff are present.",
                )],
                figures: take(3),
                tables: vec![],
            },
            Section {
                heading: s("What changes between the policies"),
                paragraphs: vec![s(
                    "Both policies saw the same families and absences in each replication, so each difference measures the policy alone.",
                )],
                figures: take(1),
                tables: vec![],
            },
            Section {
                heading: s("Cost against the £850,000 budget"),
                paragraphs: vec![s("The proposal's cost table, recomputed line by line.")],
                figures: take(1),
                tables: vec![Table {
                    caption: s(
                        "Audit of the cost table at mid salary points. Two lines do not add up.",
                    ),
                    header: row(&["line", "stated", "recomputed", "difference"]),
                    rows: vec![
                        row(&["Total salary", "£849,212", "£849,212", "£0"]),
                        row(&[
                            "Occupancy (£2,300 × 20 people)",
                            "£4,600",
                            "£46,000",
                            "+£41,400",
                        ]),
                        row(&[
                            "Mobile phones (£3 × 12 × 17)",
                            "£952",
                            "£612",
                            "−£340 unitemised",
                        ]),
                        row(&["Total cost of service", "£880,764", "£880,764", "£0"]),
                    ],
                }],
            },
            Section {
                heading: s("The risk register beside the simulation"),
                paragraphs: vec![s(
                    "Likelihood bands come from the scenario: Low below 20%, Medium 20–50%.",
                )],
                figures: take(1),
                tables: vec![],
            },
            Section {
                heading: s("Assumptions that drive the result"),
                paragraphs: vec![],
                figures: vec![],
                tables: vec![Table {
                    caption: s("The inputs the answer is most sensitive to."),
                    header: row(&["input", "value", "source"]),
                    rows: vec![
                        row(&["Direct-contact ratio", "0.40", "evaluation [E]"]),
                        row(&["Phase 1 hours a week", "8", "assumption"]),
                        row(&["Share after waiting", "10 days", "assumption"]),
                    ],
                }],
            },
        ],
        appendices: Vec::new(),
        summary: None,
        assurance: vec![
            (
                s("Inputs"),
                s(
                    "Every input lists its source, or is marked as an assumption, in the scenario file.",
                ),
            ),
            (
                s("Run length and replications"),
                s(
                    "Three years; 200 replications per policy; mean wait ±0.2 days (95% CI half-width).",
                ),
            ),
            (
                s("Random numbers"),
                s("Streams keyed by master seed 20130601 and replication; one stream per process."),
            ),
            (
                s("Validation"),
                s("ifss-sim verify: M/M/5 mean wait within 3% of Erlang C; all checks passed."),
            ),
        ],
        assurance_tables: Vec::new(),
        footer: Footer {
            version: s("ifss-sim 0.1.0"),
            run_time: s("2026-05-01 10:00 UTC, 0.26 s"),
            machine: s("x86_64 Linux, 2 cores"),
        },
    }
}
