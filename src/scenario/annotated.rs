//! The table of inputs a scenario file sets, each with the source its comment cites.

/// Rows `(field, value, source)` from the scenario text: every `key = value` line, with
/// the source its comment cites (`[P §x]`, `[E]`, `[ext]`, `[assume]`).
///
/// A source cited on a comment line, or on a table's header line, applies to the values
/// below it until a blank line. The `[optimise]` section is left out: it says what a
/// search may change, not what the service is. A value written over several lines (an array, a
/// multi-line string) is one row, shown on one line.
pub fn annotated_inputs(text: &str) -> Vec<[String; 3]> {
    let mut out = Vec::new();
    let mut table = String::new();
    let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
    let mut carried = String::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let t = line.trim();
        if t.is_empty() {
            carried.clear();
            continue;
        }
        if let Some(comment) = t.strip_prefix('#') {
            let cited = source_of(comment);
            if !cited.starts_with("set in") {
                carried = cited;
            }
            continue;
        }
        if t.starts_with('[') {
            // a header: `[table]` or `[[array]]`, perhaps with a comment citing a source
            let (header, comment) = split_comment(t);
            let cited = source_of(comment);
            if !cited.starts_with("set in") {
                carried = cited;
            }
            let name = header
                .trim_matches(|c| c == '[' || c == ']')
                .trim()
                .to_string();
            table = if header.starts_with("[[") {
                let n = counts.entry(name.clone()).or_insert(0);
                *n += 1;
                format!("{name}[{}]", *n - 1)
            } else {
                name
            };
            continue;
        }
        let Some((key, rest)) = t.split_once('=') else {
            continue;
        };
        if table == "optimise" || table.starts_with("optimise.") {
            continue;
        }
        let (value, mut comment) = split_comment(rest.trim());
        let mut value_text = value.to_string();
        if let Some(body) = value.strip_prefix("\"\"\"") {
            // a multi-line string: its lines joined
            let mut parts = vec![
                body.trim_end_matches("\"\"\"")
                    .trim_end_matches('\\')
                    .trim(),
            ];
            let mut open = !body.contains("\"\"\"");
            while open {
                let Some(next) = lines.next() else { break };
                let next = next.trim();
                open = !next.contains("\"\"\"");
                parts.push(
                    next.trim_end_matches("\"\"\"")
                        .trim_end_matches('\\')
                        .trim(),
                );
            }
            value_text = parts
                .iter()
                .filter(|p| !p.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(" ");
        } else if value.starts_with('[') && bracket_depth(value) > 0 {
            // an array over several lines: its items joined
            let mut depth = bracket_depth(value);
            let mut joined = value.to_string();
            while depth > 0 {
                let Some(next) = lines.next() else { break };
                let (item, item_comment) = split_comment(next.trim());
                depth += bracket_depth(item);
                joined.push(' ');
                joined.push_str(item);
                if comment.is_empty() {
                    comment = item_comment;
                }
            }
            value_text = joined.replace("[ ", "[").replace(", ]", "]");
        }
        let mut source = source_of(comment);
        if source.starts_with("set in") && !carried.is_empty() {
            source = carried.clone();
        }
        let field = if table.is_empty() {
            key.trim().to_string()
        } else {
            format!("{table}.{}", key.trim())
        };
        if ["schema", "name", "title", "description"].contains(&field.as_str()) {
            continue; // what the scenario is called, not an input to the model
        }
        if value_text.chars().count() > 70 {
            value_text = format!("{}…", value_text.chars().take(69).collect::<String>());
        }
        out.push([field, value_text, source]);
    }
    out
}

/// A line's text and its trailing comment (`x = 1  # why [E]`); a `#` inside a quoted
/// string is not a comment.
fn split_comment(line: &str) -> (&str, &str) {
    let mut quoted = false;
    for (i, c) in line.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '#' if !quoted => return (line[..i].trim(), line[i + 1..].trim()),
            _ => {}
        }
    }
    (line.trim(), "")
}

/// Opening minus closing brackets outside quoted strings.
fn bracket_depth(text: &str) -> i32 {
    let mut quoted = false;
    let mut depth = 0;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            '[' if !quoted => depth += 1,
            ']' if !quoted => depth -= 1,
            _ => {}
        }
    }
    depth
}

fn source_of(comment: &str) -> String {
    let mut tags = Vec::new();
    let mut rest = comment;
    while let Some(i) = rest.find('[') {
        let Some(j) = rest[i..].find(']') else { break };
        let tag = &rest[i + 1..i + j];
        let words = if let Some(section) = tag.strip_prefix('P') {
            Some(format!("proposal {}", section.trim()))
        } else if let Some(rest) = tag.strip_prefix('E') {
            Some(format!("evaluation {}", rest.trim()).trim().to_string())
        } else if tag == "ext" {
            Some("public data".into())
        } else if tag == "assume" {
            Some("assumption".into())
        } else {
            None
        };
        if let Some(w) = words.filter(|w| !tags.contains(w)) {
            tags.push(w);
        }
        rest = &rest[i + j + 1..];
    }
    if tags.is_empty() {
        "set in the scenario (no source cited)".into()
    } else {
        tags.join("; ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_carry_their_cited_sources() {
        let text = "name = \"x\"\ndescription = \"\"\"\nnot = a field\n\"\"\"\n[simulation]\nhorizon_days = 1095          # three-year contracts [P §3.1]\n[[authorities]]\nname = \"A\"\npopulation = 1  # 2011 Census [ext]\n[[authorities]]\nname = \"B\"\nreferrals_per_year = 5 # [assume]\n\n# shares [E]\nx = 1\ny = 2\n\nz = 3\n";
        let rows = annotated_inputs(text);
        let find = |f: &str| {
            rows.iter()
                .find(|r| r[0] == f)
                .unwrap_or_else(|| panic!("{f}: {rows:?}"))
        };
        assert_eq!(find("simulation.horizon_days")[2], "proposal §3.1");
        assert_eq!(find("authorities[0].population")[2], "public data");
        assert_eq!(find("authorities[1].referrals_per_year")[2], "assumption");
        assert_eq!(find("authorities[1].name")[1], "\"B\"");
        assert!(
            rows.iter().all(|r| r[0] != "not"),
            "text inside a multi-line string is not a field"
        );
        assert_eq!(find("authorities[1].x")[2], "evaluation");
        assert_eq!(find("authorities[1].y")[2], "evaluation");
        assert!(
            find("authorities[1].z")[2].starts_with("set in"),
            "a blank line ends a comment's reach"
        );
        assert!(rows.iter().all(|r| r[0] != "name" && r[0] != "description"));
    }

    #[test]
    fn values_over_several_lines_are_one_row_and_headings_cite_for_their_table() {
        let text = "[travel]   # one-way hours [assume]\nroutes = [\n  { to = \"B\", hours = 0.5 },\n  { to = \"C\", hours = 1 },\n]\nvisits = 2\n\n# about the next table [E]\n[[staff]]\npost = \"X # not a comment\"\nnote = \"\"\"\nfirst line \\\nsecond\"\"\"\ncount = 1 # [P §2]\n";
        let rows = annotated_inputs(text);
        let fields: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
        assert_eq!(
            fields,
            [
                "travel.routes",
                "travel.visits",
                "staff[0].post",
                "staff[0].note",
                "staff[0].count"
            ]
        );
        assert_eq!(
            rows[0][1],
            "[{ to = \"B\", hours = 0.5 }, { to = \"C\", hours = 1 }]"
        );
        assert_eq!(rows[0][2], "assumption");
        assert_eq!(rows[1][2], "assumption");
        assert_eq!(rows[2][1], "\"X # not a comment\"");
        assert_eq!(rows[2][2], "evaluation");
        assert_eq!(rows[3][1], "first line second");
        assert_eq!(rows[4][2], "proposal §2");
    }
}
