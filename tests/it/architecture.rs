//! The library's layers, kept: data flows one way, and a module may use only the
//! modules below it. A new import against the flow fails here, naming the file.
//!
//! The table is the direction the code is moving to. A few imports still run against
//! it; each is listed in [`KNOWN_BACKWARD`] with where it goes, and may only leave the list.

use std::collections::BTreeSet;
use std::path::Path;

/// The library's modules, lowest layer first; a module may use its own layer and those
/// before it. Modules in one layer do not use each other.
const LAYERS: &[&[&str]] = &[
    &["time", "money", "rng", "stats", "theory"],
    &["dist", "floor"],
    &["model"],
    &["costs"],
    &["scenario"],
    &["engine"],
    &["measures"],
    &["batch"],
    &["risks"],
    &["verify"],
    &["experiment"],
    &["report"],
];

/// Imports against the layers that remain, as (module, module it uses): each is to be
/// removed by moving the code to its layer, never added to.
const KNOWN_BACKWARD: &[(&str, &str)] = &[
    // the duplicate measure-name check belongs with the catalogue, above scenario
    ("scenario", "measures"),
];

fn layer(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

/// Every `crate::<module>` a file's code (not its tests or comments) names.
fn imports(source: &str) -> BTreeSet<String> {
    let code = source.split("#[cfg(test)]").next().unwrap_or("");
    let mut out = BTreeSet::new();
    for line in code.lines() {
        let line = line.split("//").next().unwrap_or("");
        let mut rest = line;
        while let Some(i) = rest.find("crate::") {
            rest = &rest[i + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
    out
}

/// The imports against the layers in `files` (path under src/, source), as
/// `file: module -> used`, leaving out the known ones.
fn backward(files: &[(String, String)]) -> Vec<String> {
    let mut found = Vec::new();
    for (path, source) in files {
        let module = path
            .split('/')
            .next()
            .unwrap_or("")
            .trim_end_matches(".rs")
            .to_string();
        let Some(own) = layer(&module) else { continue };
        for used in imports(source) {
            if used == module || KNOWN_BACKWARD.contains(&(module.as_str(), used.as_str())) {
                continue;
            }
            match layer(&used) {
                Some(l) if l < own => {}
                Some(_) => found.push(format!("{path}: {module} -> {used}")),
                None => found.push(format!(
                    "{path}: {module} -> {used} (a module not in LAYERS)"
                )),
            }
        }
    }
    found
}

/// The library's source files (tests apart), as (path under src/, source).
fn library() -> Vec<(String, String)> {
    fn walk(dir: &Path, root: &Path, out: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).expect("src/ is readable") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(&path, root, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path.strip_prefix(root).expect("under src/");
                let name = rel.to_string_lossy().replace('\\', "/");
                let file = path.file_name().and_then(|f| f.to_str()).unwrap_or("");
                let top = name.split('/').next().unwrap_or("");
                // tests may use anything; the command line is its own crate
                if file == "tests.rs" || file.ends_with("_tests.rs") || top == "cli" {
                    continue;
                }
                out.push((name, std::fs::read_to_string(&path).expect("source")));
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = Vec::new();
    walk(&root, &root, &mut out);
    out
}

#[test]
fn every_module_uses_only_the_layers_below_it() {
    let files = library();
    assert!(files.len() > 50, "the walk found the library");
    // every top-level module is placed in a layer
    for (path, _) in &files {
        let module = path.split('/').next().unwrap_or("").trim_end_matches(".rs");
        assert!(
            matches!(module, "lib" | "main") || layer(module).is_some(),
            "{path}: module `{module}` is in no layer of LAYERS"
        );
    }
    assert_eq!(backward(&files), Vec::<String>::new());
    // a known backward import that is gone must leave the list
    for (module, used) in KNOWN_BACKWARD {
        let still = files.iter().any(|(path, source)| {
            path.split('/').next().unwrap_or("").trim_end_matches(".rs") == *module
                && imports(source).contains(*used)
        });
        assert!(
            still,
            "{module} -> {used} is gone: remove it from KNOWN_BACKWARD"
        );
    }
}

#[test]
fn a_new_backward_import_fails() {
    let engine_using_report = [(
        "engine/queue.rs".to_string(),
        "use crate::time::SimTime;\nfn f() { crate::report::text::wrap_paragraph(); }\n"
            .to_string(),
    )];
    assert_eq!(
        backward(&engine_using_report),
        ["engine/queue.rs: engine -> report"]
    );
    // peers in one layer do not use each other
    let peers = [(
        "money.rs".to_string(),
        "use crate::stats::Summary;".to_string(),
    )];
    assert_eq!(backward(&peers), ["money.rs: money -> stats"]);
    // imports in tests and comments do not count; forward imports are fine
    let fine = [(
        "report/csv.rs".to_string(),
        "use crate::batch::Batch; // crate::cli\n#[cfg(test)]\nmod tests { use crate::cli; }"
            .to_string(),
    )];
    assert_eq!(backward(&fine), Vec::<String>::new());
}
