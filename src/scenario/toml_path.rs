//! Paths for serde errors: where in a scenario file a TOML or serde error points.
//!
//! serde stops at the first unknown field, missing field or wrong type, and its error carries
//! only a byte span. This module finds the dotted path of the key or value at that span
//! (`costs.salary[1].colour`) with `toml_edit`, so such errors read like every other
//! [`FieldProblem`]. It knows nothing about the meaning of any section.

use crate::model::FieldProblem;

impl FieldProblem {
    /// Turn a serde error from parsing a scenario file into a problem whose path is the
    /// dotted TOML path of the key or value the error points at
    /// (`costs.salary[1].colour` for an unknown field), found from the error's position in
    /// `source`. The message is the error's own, such as "unknown field \`colour\`, expected
    /// one of …". A missing field names the table it is missing from (`costs`,
    /// `costs.non_salary[2]`). The path is empty when the error has no position or `source`
    /// is not valid TOML.
    pub fn from_toml_error(source: &str, error: &toml::de::Error) -> FieldProblem {
        let path = error
            .span()
            .and_then(|span| {
                let document = toml_edit::ImDocument::parse(source).ok()?;
                let mut path = String::new();
                locate_in_table(document.as_table(), span.start, &mut path).then_some(path)
            })
            .unwrap_or_default();
        FieldProblem::new(path, error.message())
    }
}

fn push_key(path: &mut String, key: &str) {
    if !path.is_empty() {
        path.push('.');
    }
    let bare = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare {
        path.push_str(key);
    } else {
        path.push_str(&format!("{key:?}"));
    }
}

fn contains(span: Option<std::ops::Range<usize>>, position: usize) -> bool {
    span.is_some_and(|span| span.contains(&position))
}

fn locate_in_table(table: &dyn toml_edit::TableLike, position: usize, path: &mut String) -> bool {
    for (name, _) in table.iter() {
        let Some((key, item)) = table.get_key_value(name) else {
            continue;
        };
        let before = path.len();
        push_key(path, name);
        if contains(key.span(), position) || locate_in_item(item, position, path) {
            return true;
        }
        path.truncate(before);
    }
    false
}

fn locate_in_item(item: &toml_edit::Item, position: usize, path: &mut String) -> bool {
    match item {
        toml_edit::Item::None => false,
        toml_edit::Item::Table(table) => {
            locate_in_table(table, position, path) || contains(table.span(), position)
        }
        toml_edit::Item::ArrayOfTables(tables) => {
            for (i, table) in tables.iter().enumerate() {
                let before = path.len();
                path.push_str(&format!("[{i}]"));
                if locate_in_table(table, position, path) || contains(table.span(), position) {
                    return true;
                }
                path.truncate(before);
            }
            false
        }
        toml_edit::Item::Value(value) => locate_in_value(value, position, path),
    }
}

fn locate_in_value(value: &toml_edit::Value, position: usize, path: &mut String) -> bool {
    match value {
        toml_edit::Value::InlineTable(table) => {
            locate_in_table(table, position, path) || contains(value.span(), position)
        }
        toml_edit::Value::Array(array) => {
            for (i, element) in array.iter().enumerate() {
                let before = path.len();
                path.push_str(&format!("[{i}]"));
                if locate_in_value(element, position, path) {
                    return true;
                }
                path.truncate(before);
            }
            contains(value.span(), position)
        }
        _ => contains(value.span(), position),
    }
}

#[cfg(test)]
mod tests {
    use super::super::costs_test_support::{WESTERN_BAY, Wrapper};
    use super::*;

    #[test]
    fn an_unknown_field_names_its_path() {
        let source = WESTERN_BAY.replace("grade = \"SC 5-6\"", "grade = \"SC 5-6\"\ncolour = 3");
        let error = toml::from_str::<Wrapper>(&source).err().unwrap();
        let problem = FieldProblem::from_toml_error(&source, &error);
        assert_eq!(problem.path, "costs.salary[3].colour");
        assert!(
            problem
                .message
                .starts_with("unknown field `colour`, expected one of `post`"),
            "{problem}"
        );

        let source = WESTERN_BAY.replace("budget = 850000", "budget = 850000\nbudjet = 1");
        let error = toml::from_str::<Wrapper>(&source).err().unwrap();
        assert_eq!(
            FieldProblem::from_toml_error(&source, &error).path,
            "costs.budjet"
        );

        let source = WESTERN_BAY.replace("mid = 849212", "middle = 849212");
        let error = toml::from_str::<Wrapper>(&source).err().unwrap();
        let problem = FieldProblem::from_toml_error(&source, &error);
        assert_eq!(problem.path, "costs.stated_totals.salary.middle");
    }

    #[test]
    fn a_wrong_type_names_its_path() {
        let source = WESTERN_BAY.replace("people = 17", "people = \"seventeen\"");
        let error = toml::from_str::<Wrapper>(&source).err().unwrap();
        let problem = FieldProblem::from_toml_error(&source, &error);
        assert_eq!(problem.path, "costs.non_salary[2].people");
        assert!(problem.message.contains("seventeen"), "{problem}");
        assert_eq!(
            FieldProblem::from_toml_error("not [ toml", &error).path,
            "",
            "an unparsable source gives no path"
        );
    }

    #[test]
    fn a_missing_field_names_the_table_it_is_missing_from() {
        let source = WESTERN_BAY.replace("budget = 850000", "");
        let error = toml::from_str::<Wrapper>(&source).err().unwrap();
        let problem = FieldProblem::from_toml_error(&source, &error);
        assert_eq!(
            problem,
            FieldProblem::new("costs", "missing field `budget`"),
            "{:?}",
            error.span()
        );
    }

    #[test]
    fn a_missing_field_in_an_array_of_tables_names_the_element() {
        let source = WESTERN_BAY.replace("unit_rate = 3 ", "");
        let error = toml::from_str::<Wrapper>(&source).err().unwrap();
        assert_eq!(
            FieldProblem::from_toml_error(&source, &error),
            FieldProblem::new("costs.non_salary[2]", "missing field `unit_rate`")
        );
    }
}
