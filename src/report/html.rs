//! `report.html`: one self-contained page for the management board.
//!
//! [`render`] turns a [`Report`] of plain data (text, tables, SVG pictures from
//! [`super::plots`]) into a complete HTML document. It does no I/O. The page has inline
//! CSS only, no scripts and no external requests (a Content-Security-Policy forbids them),
//! so it opens offline and prints on A4.
//!
//! Every string is escaped with [`escape`] except [`Figure::svg`], which is inlined as it
//! is because it is drawn by [`super::plots`], which escapes its own text.

use std::fmt::Write;

/// Everything the page shows, in reading order.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// The page title, e.g. "Western Bay IFSS: how should the team be deployed?".
    pub title: String,
    /// One line above the title: what the document is, e.g. the scenario and the date.
    pub subtitle: String,
    /// The page a board member reads first: the decision, the key figures and what they
    /// rest on. Shown before the contents, on one printed page.
    pub summary: Option<Summary>,
    /// The question the board asked, in one or two sentences.
    pub question: String,
    /// The scenario in plain words, one paragraph each.
    pub scenario: Vec<String>,
    /// The answer at a glance: a few numbers, each with its uncertainty.
    pub key_figures: Vec<KeyFigure>,
    /// The headline answer, one paragraph each, with numbers and their uncertainty.
    pub headline: Vec<String>,
    /// The body: tables, pictures, the cost audit, the risk register, the assumptions.
    pub sections: Vec<Section>,
    /// Reference material after the body, lettered (A, B, …); the assurance section is
    /// the last of them.
    pub appendices: Vec<Section>,
    /// How far the result can be trusted, item by item (in the spirit of STRESS-DES):
    /// inputs and sources, run length and precision, random numbers, validation.
    pub assurance: Vec<(String, String)>,
    /// Tables that back the assurance items (e.g. the calibration to the evidence).
    pub assurance_tables: Vec<Table>,
    /// Software version, run time and machine.
    pub footer: Footer,
}

/// The summary page: the decision first, then the key figures, then a few short lists
/// (the budget, what the answer depends on, how sure it is).
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// The decision in a sentence, then at most a sentence or two on whom it serves worse.
    pub decision: Vec<String>,
    /// Each list under its heading.
    pub parts: Vec<SummaryPart>,
}

/// A short list of the summary page.
#[derive(Debug, Clone, Default)]
pub struct SummaryPart {
    /// Its heading, e.g. "The budget".
    pub heading: String,
    /// Its items, one sentence each.
    pub items: Vec<String>,
}

/// One number of the headline answer.
#[derive(Debug, Clone, Default)]
pub struct KeyFigure {
    /// What it measures, e.g. "Mean wait for a first meeting".
    pub label: String,
    /// The number, e.g. "4.0 days".
    pub value: String,
    /// Its uncertainty or comparison, e.g. "1.6 days shorter (95% CI 1.5 to 1.8)".
    pub detail: String,
}

/// A numbered part of the page.
#[derive(Debug, Clone, Default)]
pub struct Section {
    /// Its heading, also its entry in the contents.
    pub heading: String,
    /// Text, one paragraph each, shown first.
    pub paragraphs: Vec<String>,
    /// Pictures, shown after the text.
    pub figures: Vec<Figure>,
    /// Tables, shown last.
    pub tables: Vec<Table>,
}

/// A table with a caption. Cells that read as numbers are right-aligned.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// What the table shows and what to look at.
    pub caption: String,
    /// Column headings.
    pub header: Vec<String>,
    /// Rows of cells; the first cell is the row's label.
    pub rows: Vec<Vec<String>>,
}

/// A picture with a caption.
#[derive(Debug, Clone, Default)]
pub struct Figure {
    /// What the picture shows and what to look at.
    pub caption: String,
    /// An `<svg>` document from [`super::plots`], inlined as it is.
    pub svg: String,
}

/// Where and how the results were made.
#[derive(Debug, Clone, Default)]
pub struct Footer {
    /// Software name and version, e.g. "ifss-sim 0.1.0".
    pub version: String,
    /// When it ran and for how long.
    pub run_time: String,
    /// The machine it ran on.
    pub machine: String,
}

/// `text` with `&`, `<`, `>`, `"` and `'` replaced by character references, safe in HTML
/// and SVG text and in quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Whether a table cell reads as a number (and so is right-aligned): it starts with a
/// digit, sign, currency, bracket or decimal point, and has a digit.
fn numeric(cell: &str) -> bool {
    let t = cell.trim();
    t.chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit() || "+-−±£$€.([".contains(c))
        && t.chars().any(|c| c.is_ascii_digit())
}

const STYLE: &str = include_str!("report.css");

/// The complete HTML document for `report`.
pub fn render(report: &Report) -> String {
    let mut h = String::with_capacity(64 * 1024);
    let e = escape;
    let _ = write!(
        h,
        concat!(
            "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n",
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; ",
            "style-src 'unsafe-inline'\">\n",
            "<meta name=\"generator\" content=\"{}\">\n",
            "<title>{}</title>\n<style>\n{}</style>\n</head>\n<body>\n"
        ),
        e(&report.footer.version),
        e(&report.title),
        STYLE
    );
    let _ = write!(
        h,
        "<header class=\"masthead\">\n<p class=\"kicker\">{}</p>\n<h1>{}</h1>\n</header>\n",
        e(&report.subtitle),
        e(&report.title)
    );

    h.push_str("<main>\n");
    if let Some(summary) = &report.summary {
        summary_page(&mut h, summary, &report.key_figures);
    }

    // contents: fixed parts first, then the body sections, then the appendices, the
    // assurance last; each as (id, number or letter, heading)
    let mut parts: Vec<(String, String, String)> = vec![
        ("question".into(), "1.".into(), "The question".into()),
        ("answer".into(), "2.".into(), "The headline answer".into()),
    ];
    for (i, s) in report.sections.iter().enumerate() {
        parts.push((
            format!("section-{}", i + 1),
            format!("{}.", i + 3),
            s.heading.clone(),
        ));
    }
    let letter = |i: usize| char::from(b'A' + (i % 26) as u8);
    for (i, s) in report.appendices.iter().enumerate() {
        parts.push((
            format!("appendix-{}", letter(i).to_ascii_lowercase()),
            format!("Appendix {}.", letter(i)),
            s.heading.clone(),
        ));
    }
    parts.push((
        "assurance".into(),
        format!("Appendix {}.", letter(report.appendices.len())),
        "Assurance: can the result be trusted?".into(),
    ));
    h.push_str("<nav class=\"toc\" aria-labelledby=\"contents-title\">\n<h2 id=\"contents-title\">Contents</h2>\n<ol>\n");
    for (id, num, heading) in &parts {
        let _ = writeln!(
            h,
            "<li><a href=\"#{id}\"><span class=\"num\">{num}</span> {}</a></li>",
            e(heading)
        );
    }
    h.push_str("</ol>\n</nav>\n");
    let heading = |h: &mut String, n: usize| {
        let (id, num, text) = &parts[n];
        let class = if num.starts_with('A') {
            " class=\"appendix\""
        } else {
            ""
        };
        let _ = write!(
            h,
            "<section id=\"{id}\"{class}>\n<h2><span class=\"num\">{num}</span> {}</h2>\n",
            e(text)
        );
    };

    heading(&mut h, 0);
    let _ = writeln!(h, "<p class=\"question\">{}</p>", e(&report.question));
    if !report.scenario.is_empty() {
        h.push_str("<h3>The scenario in plain words</h3>\n");
        paragraphs(&mut h, &report.scenario);
    }
    h.push_str("</section>\n");

    heading(&mut h, 1);
    if report.summary.is_none() {
        key_figures(&mut h, &report.key_figures);
    }
    h.push_str("<div class=\"headline\">\n");
    paragraphs(&mut h, &report.headline);
    h.push_str("</div>\n</section>\n");

    let (mut figure_no, mut table_no) = (0, 0);
    for (i, s) in report.sections.iter().chain(&report.appendices).enumerate() {
        heading(&mut h, i + 2);
        paragraphs(&mut h, &s.paragraphs);
        for f in &s.figures {
            figure_no += 1;
            figure(&mut h, figure_no, f);
        }
        for t in &s.tables {
            table_no += 1;
            table(&mut h, table_no, t);
        }
        h.push_str("</section>\n");
    }

    heading(&mut h, parts.len() - 1);
    h.push_str("<table class=\"assurance\">\n<tbody>\n");
    for (item, detail) in &report.assurance {
        let _ = writeln!(
            h,
            "<tr><th scope=\"row\">{}</th><td>{}</td></tr>",
            e(item),
            e(detail)
        );
    }
    h.push_str("</tbody>\n</table>\n");
    for t in &report.assurance_tables {
        table_no += 1;
        table(&mut h, table_no, t);
    }
    h.push_str("</section>\n</main>\n");

    let f = &report.footer;
    let _ = write!(
        h,
        concat!(
            "<footer>\n<dl>\n<dt>Software</dt><dd>{}</dd>\n<dt>Run</dt><dd>{}</dd>\n",
            "<dt>Machine</dt><dd>{}</dd>\n</dl>\n</footer>\n</body>\n</html>\n"
        ),
        e(&f.version),
        e(&f.run_time),
        e(&f.machine)
    );
    h
}

/// The summary page: the decision, the key figures and the short lists.
fn summary_page(h: &mut String, s: &Summary, key: &[KeyFigure]) {
    h.push_str(concat!(
        "<section id=\"summary\" class=\"summary\" aria-labelledby=\"summary-title\">\n",
        "<h2 id=\"summary-title\">Summary for the board</h2>\n<div class=\"decision\">\n"
    ));
    paragraphs(h, &s.decision);
    h.push_str("</div>\n");
    key_figures(h, key);
    if !s.parts.is_empty() {
        h.push_str("<div class=\"summary-parts\">\n");
        for part in &s.parts {
            let _ = writeln!(
                h,
                "<div class=\"summary-part\">\n<h3>{}</h3>\n<ul>",
                escape(&part.heading)
            );
            for item in &part.items {
                let _ = writeln!(h, "<li>{}</li>", escape(item));
            }
            h.push_str("</ul>\n</div>\n");
        }
        h.push_str("</div>\n");
    }
    h.push_str("</section>\n");
}

fn key_figures(h: &mut String, key: &[KeyFigure]) {
    if key.is_empty() {
        return;
    }
    h.push_str("<div class=\"key-figures\">\n");
    for k in key {
        let _ = writeln!(
            h,
            concat!(
                "<div class=\"key-figure\"><div class=\"kf-label\">{}</div>",
                "<div class=\"kf-value\">{}</div><div class=\"kf-detail\">{}</div></div>"
            ),
            escape(&k.label),
            escape(&k.value),
            escape(&k.detail)
        );
    }
    h.push_str("</div>\n");
}

fn paragraphs(h: &mut String, ps: &[String]) {
    for p in ps {
        let _ = writeln!(h, "<p>{}</p>", escape(p));
    }
}

fn figure(h: &mut String, n: usize, f: &Figure) {
    let _ = writeln!(h, "<figure id=\"figure-{n}\">\n<div class=\"plot\">");
    if f.svg.trim_start().starts_with("<svg") {
        h.push_str(f.svg.trim());
    } else {
        h.push_str("<p class=\"missing\">This picture is missing.</p>");
    }
    let _ = writeln!(
        h,
        "\n</div>\n<figcaption><strong>Figure {n}.</strong> {}</figcaption>",
        escape(&f.caption)
    );
    // the picture's text alternative, its numbers, for anyone who would rather read them
    // (the lines come from the picture's own `<desc>`, escaped when it was drawn)
    let desc = f
        .svg
        .split_once("<desc>")
        .and_then(|(_, rest)| rest.split_once("</desc>"))
        .map(|(d, _)| d.trim());
    if let Some(d) = desc.filter(|d| !d.is_empty()) {
        let _ = writeln!(
            h,
            "<details class=\"numbers\"><summary>The numbers behind figure {n}</summary>\n<ul>"
        );
        for line in d.lines() {
            let _ = writeln!(h, "<li>{line}</li>");
        }
        h.push_str("</ul>\n</details>\n");
    }
    h.push_str("</figure>\n");
}

/// For each column, whether most of its non-empty body cells read as numbers; the
/// first column holds row labels and is never numeric.
fn numeric_columns(t: &Table) -> Vec<bool> {
    let width = t
        .rows
        .iter()
        .map(Vec::len)
        .chain([t.header.len()])
        .max()
        .unwrap_or(0);
    (0..width)
        .map(|col| {
            let cells = t
                .rows
                .iter()
                .filter_map(|r| r.get(col))
                .filter(|c| !c.trim().is_empty());
            let (n, total) = cells.fold((0, 0), |(n, total), c| {
                (n + usize::from(numeric(c)), total + 1)
            });
            col > 0 && total > 0 && 2 * n > total
        })
        .collect()
}

fn table(h: &mut String, n: usize, t: &Table) {
    let _ = writeln!(
        h,
        concat!(
            "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" ",
            "aria-labelledby=\"table-{n}-caption\">\n<table id=\"table-{n}\">\n",
            "<caption id=\"table-{n}-caption\"><strong>Table {n}.</strong> {c}</caption>"
        ),
        n = n,
        c = escape(&t.caption)
    );
    let right = numeric_columns(t);
    let class = |i: usize| if right[i] { " class=\"n\"" } else { "" };
    if !t.header.is_empty() {
        h.push_str("<thead><tr>");
        for (i, c) in t.header.iter().enumerate() {
            let _ = write!(h, "<th scope=\"col\"{}>{}</th>", class(i), escape(c));
        }
        h.push_str("</tr></thead>\n");
    }
    h.push_str("<tbody>\n");
    for row in &t.rows {
        h.push_str("<tr>");
        for (i, c) in row.iter().enumerate() {
            if i == 0 {
                let _ = write!(h, "<th scope=\"row\">{}</th>", escape(c));
            } else {
                let _ = write!(h, "<td{}>{}</td>", class(i), escape(c));
            }
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody>\n</table>\n</div>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &str = "<script>alert(1)</script> & \"x\" 'y'";
    const ESCAPED: &str = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot; &#39;y&#39;";

    fn hostile_report() -> Report {
        let s = || HOSTILE.to_string();
        Report {
            title: s(),
            subtitle: s(),
            question: s(),
            scenario: vec![s()],
            key_figures: vec![KeyFigure {
                label: s(),
                value: s(),
                detail: s(),
            }],
            headline: vec![s()],
            sections: vec![Section {
                heading: s(),
                paragraphs: vec![s()],
                figures: vec![Figure {
                    caption: s(),
                    svg: "<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>".into(),
                }],
                tables: vec![Table {
                    caption: s(),
                    header: vec![s(), s()],
                    rows: vec![vec![s(), s()]],
                }],
            }],
            appendices: vec![Section {
                heading: s(),
                paragraphs: vec![s()],
                ..Section::default()
            }],
            summary: Some(Summary {
                decision: vec![s()],
                parts: vec![SummaryPart {
                    heading: s(),
                    items: vec![s()],
                }],
            }),
            assurance: vec![(s(), s())],
            assurance_tables: Vec::new(),
            footer: Footer {
                version: s(),
                run_time: s(),
                machine: s(),
            },
        }
    }

    #[test]
    fn escape_replaces_every_special_character() {
        assert_eq!(escape("<>&\"'"), "&lt;&gt;&amp;&quot;&#39;");
        assert_eq!(
            escape("Neath Port Talbot · £850,000"),
            "Neath Port Talbot · £850,000"
        );
        assert_eq!(escape(HOSTILE), ESCAPED);
    }

    #[test]
    fn every_text_field_is_escaped() {
        let html = render(&hostile_report());
        assert!(!html.contains("<script"), "raw markup in the page");
        assert!(!html.contains(HOSTILE));
        // title ×2, generator, subtitle, question, scenario, key figure ×3, headline,
        // heading ×2 (contents and section), paragraph, captions ×2, header ×2, row ×2,
        // appendix heading ×2 and paragraph, summary decision, part heading and item,
        // assurance ×2, footer ×3
        assert_eq!(html.matches(ESCAPED).count(), 30);
    }

    #[test]
    fn the_page_makes_no_requests_and_runs_no_scripts() {
        let html = render(&hostile_report());
        for banned in [
            " src=",
            "href=\"http",
            "url(",
            "@import",
            "<link",
            "<script",
            "<iframe",
        ] {
            assert!(!html.contains(banned), "{banned}");
        }
        assert!(html.contains("default-src 'none'"));
    }

    #[test]
    fn contents_link_to_every_section_in_order() {
        let mut r = hostile_report();
        r.sections[0].heading = "Waiting times".into();
        r.sections.push(Section {
            heading: "Cost against budget".into(),
            ..Section::default()
        });
        let html = render(&r);
        let ids = [
            "question",
            "answer",
            "section-1",
            "section-2",
            "appendix-a",
            "assurance",
        ];
        let mut last = 0;
        for id in ids {
            let link = html.find(&format!("href=\"#{id}\"")).expect(id);
            let target = html.find(&format!("id=\"{id}\"")).expect(id);
            assert!(link < target, "{id}");
            assert!(target > last, "{id} out of order");
            last = target;
        }
        assert!(html.contains("<span class=\"num\">4.</span> Cost against budget"));
        // the appendices are lettered, the assurance last; the summary comes first
        assert!(html.contains("<span class=\"num\">Appendix B.</span> Assurance"));
        let summary = html.find("id=\"summary\"").expect("a summary");
        assert!(summary < html.find("class=\"toc\"").unwrap());
    }

    #[test]
    fn figures_and_tables_are_numbered_and_numbers_right_aligned() {
        let r = Report {
            sections: vec![Section {
                heading: "Results".into(),
                figures: vec![
                    Figure {
                        caption: "one".into(),
                        svg: "<svg><title>t</title>\n<desc>\nSwansea: 4.0 days\nBridgend: 5.1 days\n</desc></svg>"
                            .into(),
                    },
                    Figure {
                        caption: "not a picture".into(),
                        svg: "hello".into(),
                    },
                ],
                tables: vec![Table {
                    caption: "waits".into(),
                    header: vec!["measure".into(), "proportional".into(), "source".into()],
                    rows: vec![
                        vec!["Wait".into(), "5.6d ±0.2".into(), "evaluation".into()],
                        vec!["Exits".into(), "n/a".into(), "0.3".into()],
                        vec!["Starts".into(), "7".into(), "assumption".into()],
                    ],
                }],
                ..Section::default()
            }],
            ..Report::default()
        };
        let html = render(&r);
        assert!(html.contains("<strong>Figure 1.</strong> one"));
        assert!(html.contains("<strong>Figure 2.</strong> not a picture"));
        // a picture's numbers are shown under it, a line each
        assert!(html.contains(concat!(
            "<details class=\"numbers\"><summary>The numbers behind figure 1</summary>\n",
            "<ul>\n<li>Swansea: 4.0 days</li>\n<li>Bridgend: 5.1 days</li>\n</ul>"
        )));
        assert_eq!(
            html.matches("<details").count(),
            1,
            "only where there are numbers"
        );
        assert!(html.contains("This picture is missing."));
        assert!(!html.contains("hello"));
        assert!(html.contains("<strong>Table 1.</strong> waits"));
        // a column is right-aligned, header included, when most of its cells are numbers
        assert!(html.contains("<th scope=\"col\">measure</th><th scope=\"col\" class=\"n\">proportional</th><th scope=\"col\">source</th>"));
        assert!(html.contains(
            "<th scope=\"row\">Wait</th><td class=\"n\">5.6d ±0.2</td><td>evaluation</td>"
        ));
        assert!(html.contains("<th scope=\"row\">Exits</th><td class=\"n\">n/a</td><td>0.3</td>"));
    }

    #[test]
    fn numeric_cells_are_recognised() {
        for yes in [
            "5.6",
            "−1.64",
            "-1",
            "+7.01 [+6.44, +7.58]",
            "£850,000",
            "52%",
            "[1, 2]",
        ] {
            assert!(numeric(yes), "{yes}");
        }
        for no in ["", "n/a", "Swansea", "Year 1", "-", "£"] {
            assert!(!numeric(no), "{no}");
        }
    }
}
