//! Where in the file a field is: line and column for a field path such as
//! `staff[3].base`, found by walking a span-keeping parse of the same text.

use toml_edit::{ImDocument, Item, Table, Value};

/// 1-based line and column of byte offset `offset` in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.rfind('\n').map_or(offset, |nl| offset - nl - 1) + 1;
    (line, col)
}

/// Splits `a.b[2].c` into `["a", "b", "[2]", "c"]`-style steps.
fn steps(path: &str) -> Vec<Step<'_>> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let (key, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !key.is_empty() {
            out.push(Step::Key(key));
        }
        while let Some(end) = rest.find(']') {
            if let Ok(i) = rest[1..end].parse() {
                out.push(Step::Index(i));
            }
            rest = &rest[end + 1..];
        }
    }
    out
}

enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// A position in the parsed document.
#[derive(Clone, Copy)]
enum Node<'a> {
    Item(&'a Item),
    Table(&'a Table),
    Value(&'a Value),
}

impl<'a> Node<'a> {
    fn child(self, step: &Step<'_>) -> Option<Node<'a>> {
        match (self, step) {
            (Node::Item(Item::Table(t)), _) => Node::Table(t).child(step),
            (Node::Item(Item::Value(v)), _) => Node::Value(v).child(step),
            (Node::Item(Item::ArrayOfTables(a)), Step::Index(i)) => a.get(*i).map(Node::Table),
            (Node::Table(t), Step::Key(k)) => t.get(k).map(Node::Item),
            (Node::Value(Value::InlineTable(t)), Step::Key(k)) => t.get(k).map(Node::Value),
            (Node::Value(Value::Array(a)), Step::Index(i)) => a.get(*i).map(Node::Value),
            _ => None,
        }
    }

    fn start(self) -> Option<usize> {
        match self {
            Node::Item(i) => i.span(),
            Node::Table(t) => t.span(),
            Node::Value(v) => v.span(),
        }
        .map(|s| s.start)
    }
}

/// Line and column of the value at `path`, or of the deepest enclosing item that exists.
pub fn locate(text: &str, path: &str) -> Option<(usize, usize)> {
    let doc = ImDocument::parse(text).ok()?;
    let mut node = Node::Table(doc.as_table());
    let mut best = None;
    for step in steps(path) {
        let Some(next) = node.child(&step) else { break };
        node = next;
        best = node.start().or(best);
    }
    best.map(|o| line_col(text, o))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "name = \"x\"\n\n[[staff]]\npost = \"a\"\nbase = \"Swansea\"\n\n[[staff]]\npost = \"b\"\nbase = \"Neath\"\n\n[pathway]\nadvice_only = 1.5\nphase1 = { hours_per_week = -2 }\n";

    #[test]
    fn finds_fields_in_arrays_of_tables_and_tables() {
        assert_eq!(locate(TEXT, "staff[1].base"), Some((9, 8)));
        assert_eq!(locate(TEXT, "staff[0].post"), Some((4, 8)));
        assert_eq!(locate(TEXT, "pathway.advice_only"), Some((12, 15)));
        assert_eq!(
            locate(TEXT, "pathway.phase1.hours_per_week"),
            Some((13, 29))
        );
        assert_eq!(locate(TEXT, "name"), Some((1, 8)));
    }

    #[test]
    fn unknown_paths_fall_back_to_the_nearest_known_item() {
        assert_eq!(locate(TEXT, "pathway.nothing"), locate(TEXT, "pathway"));
        assert_eq!(locate("", "a.b"), None);
    }

    #[test]
    fn line_col_is_one_based() {
        assert_eq!(line_col("ab\ncd", 0), (1, 1));
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
    }
}
