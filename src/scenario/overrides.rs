//! `--set PATH=VALUE` overrides: change one field of the scenario text for one run.
//!
//! The path uses the field names of the file, with `[N]` or `[Name]` to pick a table
//! from an array of tables by position or by its `name`/`post` field:
//! `authorities[Swansea].referrals_per_year=130`, `staff[2].count=3`,
//! `pathway.phase1.hours_per_week=6`, `policy.kind="demand-led"`.
//! The value is read as TOML (a number, `true`, a quoted string, an inline table); a
//! bare word is taken as a string. The result is validated exactly like a file.

use toml_edit::{DocumentMut, Item, Table, Value};

/// One parsed override.
#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    /// The path as written.
    pub path: String,
    /// The value as written.
    pub value: String,
}

impl std::str::FromStr for Override {
    type Err = String;
    fn from_str(s: &str) -> Result<Override, String> {
        let (path, value) = s
            .split_once('=')
            .ok_or_else(|| format!("expected PATH=VALUE (e.g. staff[1].count=3), got {s:?}"))?;
        let path = path.trim();
        if path.is_empty() {
            return Err(format!("missing field path before '=' in {s:?}"));
        }
        Ok(Override {
            path: path.to_string(),
            value: value.trim().to_string(),
        })
    }
}

/// The value of an override: TOML (a number, `true`, a quoted string, an inline table or
/// array), or a bare word or phrase (letters, digits, spaces, `-`, `_`, `.`, `,`, `'`
/// inside) taken as a string. Text that looks meant as TOML but does not parse (an
/// unterminated string, an invalid escape, an unclosed bracket) is refused with the
/// parser's reason rather than kept as literal text.
fn parse_value(text: &str) -> Result<Value, String> {
    let doc = format!("v = {text}");
    let parsed = doc.parse::<DocumentMut>();
    if let Some(v) = parsed
        .as_ref()
        .ok()
        .and_then(|d| d.get("v").and_then(Item::as_value))
    {
        return Ok(v.clone());
    }
    let bare = !text.is_empty()
        && !text.starts_with(['\'', '-', '+', '.'])
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.' | ',' | '\''));
    if bare {
        return Ok(Value::from(text));
    }
    let why = match parsed {
        Err(e) => e.message().trim().to_string(),
        Ok(_) => "expected one value".to_string(),
    };
    Err(format!(
        "{text:?} is not a valid value ({why}); write a number, true or false, a \"quoted \
         string\" (inside single quotes on the command line), or a plain word"
    ))
}

/// Apply overrides to scenario text, returning the new text.
pub fn apply(text: &str, overrides: &[Override]) -> Result<String, String> {
    apply_resolved(text, overrides).map(|(text, _)| text)
}

/// Apply overrides to scenario text, returning the new text and, for each override, the
/// field it set as validation names it (tables picked by position: `authorities[0].x`).
///
/// A value replaced in place keeps its comments, so every line keeps its number and
/// messages about the file point at the lines the user wrote.
pub fn apply_resolved(text: &str, overrides: &[Override]) -> Result<(String, Vec<String>), String> {
    if overrides.is_empty() {
        return Ok((text.to_string(), Vec::new()));
    }
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e| format!("cannot apply --set to a file that does not parse: {e}"))?;
    let mut fields = Vec::new();
    for o in overrides {
        let value = parse_value(&o.value).map_err(|e| format!("--set {}: {e}", o.path))?;
        fields.push(set(&mut doc, &o.path, value).map_err(|e| format!("--set {}: {e}", o.path))?);
    }
    Ok((doc.to_string(), fields))
}

/// Apply overrides as [`apply`] does, replacing the comment after each value set with
/// `# ` and the matching note (e.g. where a fitted value came from).
pub fn apply_annotated(
    text: &str,
    overrides: &[Override],
    notes: &[String],
) -> Result<String, String> {
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e| format!("cannot change a file that does not parse: {e}"))?;
    for (o, note) in overrides.iter().zip(notes) {
        let mut value = parse_value(&o.value).map_err(|e| format!("{}: {e}", o.path))?;
        value.decor_mut().set_suffix(format!("  # {note}"));
        set_with(&mut doc, &o.path, value, true).map_err(|e| format!("{}: {e}", o.path))?;
    }
    Ok(doc.to_string())
}

/// Replace `slot`'s value with `value`, keeping the comments and spacing around it.
fn replace_keeping_decor(slot: &mut Value, mut value: Value) {
    *value.decor_mut() = slot.decor().clone();
    *slot = value;
}

/// Where the walk down a path has reached.
enum Cursor<'a> {
    Item(&'a mut Item),
    Table(&'a mut Table),
    /// An entry of an inline array, such as one of `travel.routes = [{ … }, …]`.
    Value(&'a mut Value),
}

impl<'a> Cursor<'a> {
    fn key(self, key: &str) -> Option<Cursor<'a>> {
        match self {
            Cursor::Table(t) => t.get_mut(key).map(Cursor::Item),
            Cursor::Item(Item::Table(t)) => t.get_mut(key).map(Cursor::Item),
            Cursor::Item(i) => i.get_mut(key).map(Cursor::Item),
            Cursor::Value(Value::InlineTable(t)) => t.get_mut(key).map(Cursor::Value),
            Cursor::Value(_) => None,
        }
    }

    /// The table of array `key` at `sel` (a position, or a name only one entry has) and
    /// its position.
    fn select(self, key: &str, sel: &str) -> Result<(Cursor<'a>, usize), String> {
        let missing = || format!("no entry `{key}[{sel}]` (use a position from 0 or a name)");
        // a list of tables, written as [[key]] sections or inline as key = [{ … }, …]
        let names = |get: &dyn Fn(&str) -> Option<String>| {
            ["name", "post"].iter().any(|k| {
                get(k).is_some_and(|v| {
                    v.eq_ignore_ascii_case(sel) || super::slug(&v) == super::slug(sel)
                })
            })
        };
        let named: Vec<usize> = match &self {
            Cursor::Item(Item::ArrayOfTables(array)) => array
                .iter()
                .enumerate()
                .filter(|(_, t)| names(&|k| t.get(k)?.as_str().map(str::to_string)))
                .map(|(i, _)| i)
                .collect(),
            Cursor::Item(Item::Value(Value::Array(array))) => array
                .iter()
                .enumerate()
                .filter(|(_, v)| {
                    v.as_inline_table()
                        .is_some_and(|t| names(&|k| t.get(k)?.as_str().map(str::to_string)))
                })
                .map(|(i, _)| i)
                .collect(),
            _ => return Err(missing()),
        };
        let index = match sel.parse::<usize>() {
            Ok(i) => i,
            Err(_) => match named[..] {
                [] => return Err(missing()),
                [i] => i,
                [first, ..] => {
                    let list: Vec<String> = named.iter().map(usize::to_string).collect();
                    return Err(format!(
                        "`{key}[{sel}]` names {} entries (positions {}); pick one by \
                         position, e.g. `{key}[{first}]`, and set each one you mean",
                        named.len(),
                        list.join(", ")
                    ));
                }
            },
        };
        match self {
            Cursor::Item(Item::ArrayOfTables(array)) => array
                .get_mut(index)
                .map(|t| (Cursor::Table(t), index))
                .ok_or_else(missing),
            Cursor::Item(Item::Value(Value::Array(array))) => array
                .get_mut(index)
                .map(|v| (Cursor::Value(v), index))
                .ok_or_else(missing),
            _ => Err(missing()),
        }
    }

    fn insert(self, key: &str, value: Value, own_comment: bool) -> Result<(), String> {
        let replace = |slot: &mut Value, value: Value| {
            if own_comment {
                let prefix = slot.decor().prefix().cloned();
                let mut value = value;
                if let Some(p) = prefix {
                    value.decor_mut().set_prefix(p);
                }
                *slot = value;
            } else {
                replace_keeping_decor(slot, value)
            }
        };
        match self {
            Cursor::Table(t) | Cursor::Item(Item::Table(t)) => match t.get_mut(key) {
                Some(Item::Value(slot)) => replace(slot, value),
                _ => {
                    t.insert(key, Item::Value(value));
                }
            },
            Cursor::Item(Item::Value(Value::InlineTable(t)))
            | Cursor::Value(Value::InlineTable(t)) => match t.get_mut(key) {
                Some(slot) => replace(slot, value),
                None => {
                    t.insert(key, value);
                }
            },
            _ => return Err(format!("cannot set `{key}` here: not a table")),
        }
        Ok(())
    }
}

/// Set the field at `path`; returns the field's path with tables picked by position.
fn set(doc: &mut DocumentMut, path: &str, value: Value) -> Result<String, String> {
    set_with(doc, path, value, false)
}

/// [`set`], keeping the value's own suffix (its new comment) when `own_comment`.
fn set_with(
    doc: &mut DocumentMut,
    path: &str,
    value: Value,
    own_comment: bool,
) -> Result<String, String> {
    let mut parts: Vec<(&str, Option<&str>)> = Vec::new();
    for part in path.split('.') {
        match part.split_once('[') {
            Some((key, rest)) => {
                let sel = rest
                    .strip_suffix(']')
                    .ok_or_else(|| format!("unclosed '[' in {part:?}"))?;
                parts.push((key, Some(sel)));
            }
            None => parts.push((part, None)),
        }
    }
    let Some(((last_key, last_sel), init)) = parts.split_last() else {
        return Err("empty path".into());
    };
    if last_sel.is_some() || last_key.is_empty() {
        return Err("the path must end in a field name, e.g. staff[1].count".into());
    }
    let mut cursor = Cursor::Table(doc.as_table_mut());
    let mut resolved = String::new();
    for (key, sel) in init {
        cursor = cursor
            .key(key)
            .ok_or_else(|| format!("no field `{key}` in the scenario"))?;
        resolved.push_str(key);
        if let Some(sel) = sel {
            let (table, index) = cursor.select(key, sel)?;
            cursor = table;
            resolved.push_str(&format!("[{index}]"));
        }
        resolved.push('.');
    }
    cursor.insert(last_key, value, own_comment)?;
    resolved.push_str(last_key);
    Ok(resolved)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "name = \"x\"\n[[authorities]]\nname = \"Swansea\"\nreferrals_per_year = 110\n[[authorities]]\nname = \"Neath Port Talbot\"\nreferrals_per_year = 65\n[pathway.phase1]\nduration = { dist = \"fixed\", value = 3 }\n";

    fn o(s: &str) -> Override {
        s.parse().unwrap()
    }

    #[test]
    fn sets_fields_by_position_name_and_inline_table() {
        let out = apply(
            TEXT,
            &[
                o("authorities[Swansea].referrals_per_year=130"),
                o("authorities[1].referrals_per_year=70.5"),
                o("pathway.phase1.duration.value=4"),
                o("name=other"),
            ],
        )
        .unwrap();
        let v: toml::Value = toml::from_str(&out).unwrap();
        assert_eq!(
            v["authorities"][0]["referrals_per_year"].as_integer(),
            Some(130)
        );
        assert_eq!(
            v["authorities"][1]["referrals_per_year"].as_float(),
            Some(70.5)
        );
        assert_eq!(
            v["pathway"]["phase1"]["duration"]["value"].as_integer(),
            Some(4)
        );
        assert_eq!(v["name"].as_str(), Some("other"));
        let npt = apply(
            TEXT,
            &[o("authorities[neath-port-talbot].referrals_per_year=1")],
        )
        .unwrap();
        assert!(npt.contains("referrals_per_year = 1\n"));
    }

    #[test]
    fn a_replaced_value_keeps_its_comments_and_every_line_its_number() {
        let text = "name = \"x\"\n# why this rate [assume]\nrate = 1 # per year\nafter = 2\n";
        let (out, fields) = apply_resolved(text, &[o("rate=3")]).unwrap();
        assert_eq!(
            out,
            "name = \"x\"\n# why this rate [assume]\nrate = 3 # per year\nafter = 2\n"
        );
        assert_eq!(fields, ["rate"]);
        let (_, fields) = apply_resolved(
            TEXT,
            &[
                o("authorities[Neath Port Talbot].referrals_per_year=1"),
                o("pathway.phase1.duration.value=4"),
            ],
        )
        .unwrap();
        assert_eq!(
            fields,
            [
                "authorities[1].referrals_per_year",
                "pathway.phase1.duration.value"
            ]
        );
    }

    #[test]
    fn entries_of_inline_arrays_are_addressed_by_position_or_name() {
        let text = "teams = [{ name = \"Blue\", size = 3 }]\n[travel]\nroutes = [\n  { from = \"A\", to = \"B\", hours = 1.0 }, # first\n  { from = \"B\", to = \"C\", hours = 2.0 },\n]\n";
        let (out, fields) = apply_resolved(
            text,
            &[o("travel.routes[1].hours=2.5"), o("teams[Blue].size=4")],
        )
        .unwrap();
        let v: toml::Value = toml::from_str(&out).unwrap();
        assert_eq!(v["travel"]["routes"][1]["hours"].as_float(), Some(2.5));
        assert_eq!(v["travel"]["routes"][0]["hours"].as_float(), Some(1.0));
        assert_eq!(v["teams"][0]["size"].as_integer(), Some(4));
        assert_eq!(fields, ["travel.routes[1].hours", "teams[0].size"]);
        assert!(out.contains("# first"), "comments kept: {out}");
        assert!(
            apply(text, &[o("travel.routes[5].hours=1")])
                .unwrap_err()
                .contains("no entry `routes[5]`")
        );
    }

    #[test]
    fn bad_paths_are_explained() {
        assert!(
            apply(TEXT, &[o("authorities[Cardiff].referrals_per_year=1")])
                .unwrap_err()
                .contains("no entry")
        );
        assert!(
            apply(TEXT, &[o("nothing.here=1")])
                .unwrap_err()
                .contains("no field `nothing`")
        );
        // a name several entries share is refused, naming them, rather than setting the first
        let twice =
            "[[staff]]\npost = \"Worker\"\ncount = 2\n[[staff]]\npost = \"Worker\"\ncount = 3\n";
        let e = apply(twice, &[o("staff[Worker].count=0")]).unwrap_err();
        assert!(
            e.contains("positions 0, 1") && e.contains("staff[0]"),
            "{e}"
        );
        assert!(apply(twice, &[o("staff[1].count=0")]).is_ok());
        assert!("novalue".parse::<Override>().is_err());
        // a value meant as TOML that does not parse is refused, not kept as literal text
        for bad in [
            r#""unterminated"#,
            r#""bad \q escape""#,
            "[1, 2",
            "{ a = 1",
            "=x",
        ] {
            let e = apply(TEXT, &[o(&format!("name={bad}"))]).unwrap_err();
            assert!(e.contains("is not a valid value"), "{bad}: {e}");
        }
        // plain words and phrases are strings, as before
        let out = apply(TEXT, &[o("name=Western Bay, 2013")]).unwrap();
        assert!(out.contains(r#"name = "Western Bay, 2013""#), "{out}");
        assert!("=3".parse::<Override>().is_err());
    }
}

/// The overrides that make a scenario `k` times the size: every staff group's `count` and
/// every authority's `referrals_per_year` multiplied by `k`, the rest unchanged (for
/// timing how the work grows with the size of a service). Refused when the text does not
/// parse or an authority's rate is a distribution rather than a number.
pub fn scaled_by(text: &str, file: &str, k: u32) -> Result<Vec<Override>, String> {
    let raw = super::parse(text, file).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for (i, s) in raw.staff.iter().enumerate() {
        out.push(Override {
            path: format!("staff[{i}].count"),
            value: (s.count.saturating_mul(i64::from(k))).to_string(),
        });
    }
    for (i, a) in raw.authorities.iter().enumerate() {
        let super::raw::RawRate::Number(r) = a.referrals_per_year else {
            return Err(format!(
                "{file}: authorities[{i}].referrals_per_year is a distribution; scaling needs \
                 a plain number of referrals a year"
            ));
        };
        out.push(Override {
            path: format!("authorities[{i}].referrals_per_year"),
            value: format!("{:?}", r * f64::from(k)),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod scale_tests {
    use super::*;

    #[test]
    fn scaling_multiplies_posts_and_referrals_and_nothing_else() {
        let b = crate::scenario::bundled("western-bay").expect("bundled");
        let sets = scaled_by(b.text, "western-bay.toml", 4).expect("plain rates");
        let base = crate::scenario::load(b.text, "w").expect("valid");
        let big =
            crate::scenario::load(&apply(b.text, &sets).expect("applies"), "w").expect("valid");
        assert_eq!(big.posts().len(), 4 * base.posts().len());
        let rate = |m: &crate::model::Model| -> f64 {
            m.authorities()
                .iter()
                .map(|a| match a.referrals_per_year() {
                    crate::model::Rate::Known(r) => *r,
                    crate::model::Rate::Uncertain(_) => f64::NAN,
                })
                .sum()
        };
        assert_eq!(rate(&big), 4.0 * rate(&base));
        assert_eq!(big.horizon_days(), base.horizon_days());
    }
}
