//! The layering rule of ARCHITECTURE.md, held against the code: a tool module (`sample`,
//! `import`, `report`, `backup`, `check`, `alert` and their folders) never imports another tool,
//! and the shared layers below the tools import none; only the database layer opens a
//! connection.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

const TOOLS: &[&str] = &["sample", "import", "report", "backup", "check", "alert"];

/// The tool a source file belongs to (`src/report/usage.rs` -> report), `None` for a shared one.
fn owner(path: &Path) -> Option<&'static str> {
    let rel = path.strip_prefix(src()).unwrap();
    let first = rel.components().next()?.as_os_str().to_str()?;
    let module = first.strip_suffix(".rs").unwrap_or(first);
    TOOLS.iter().copied().find(|t| *t == module)
}

/// The crate's top-level modules a file names: `crate::x`, `crate::{x, y::z}`.
fn imports(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let inner = &group[..group.find('}').unwrap_or(group.len())];
            for item in inner.split(',') {
                let name = item.trim().split("::").next().unwrap_or("").trim();
                found.push(name.to_string());
            }
        } else {
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            found.push(rest[..end].to_string());
        }
    }
    found
}

/// Every breach of the rule in `text`, a file of tool `owner` (`None`: a shared layer).
fn breaches(owner: Option<&str>, text: &str) -> Vec<String> {
    imports(text)
        .into_iter()
        .filter(|m| TOOLS.contains(&m.as_str()) && Some(m.as_str()) != owner)
        .collect()
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn library_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    sources(&src(), &mut files);
    // The binaries sit above every tool and call exactly one.
    files.retain(|p| !p.starts_with(src().join("bin")) && !p.ends_with("lib.rs"));
    files.sort();
    files
}

#[test]
fn tools_never_import_tools_and_shared_layers_import_none() {
    let mut wrong = Vec::new();
    for path in library_files() {
        let text = std::fs::read_to_string(&path).unwrap();
        for m in breaches(owner(&path), &text) {
            let who = owner(&path).map_or("a shared layer".to_string(), |t| format!("tool '{t}'"));
            wrong.push(format!("{}: {who} imports tool '{m}'", path.display()));
        }
    }
    assert!(
        wrong.is_empty(),
        "move what both need below the tools (see ARCHITECTURE.md):\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_rule_catches_what_it_must() {
    assert_eq!(
        breaches(Some("alert"), "use crate::report::period::Zone;"),
        ["report"]
    );
    assert_eq!(
        breaches(Some("check"), "use crate::{cli, backup::store};"),
        ["backup"]
    );
    assert_eq!(
        breaches(None, "let h = crate::sample::hostname(x);"),
        ["sample"]
    );
    assert!(breaches(Some("report"), "use crate::report::x; use crate::db;").is_empty());
    assert_eq!(owner(&src().join("report/usage.rs")), Some("report"));
    assert_eq!(owner(&src().join("db/samples.rs")), None);
}
#[test]
fn only_the_database_layer_opens_connections() {
    let db = src().join("db");
    let mut wrong = Vec::new();
    for path in library_files() {
        if path.starts_with(&db) || path == src().join("db.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        if text.contains("Connection::open") {
            wrong.push(path.display().to_string());
        }
    }
    assert!(wrong.is_empty(), "open connections through db: {wrong:?}");
}

#[test]
fn only_the_database_layer_writes_sql() {
    let db = src().join("db");
    let statements = [
        "\"SELECT ",
        "\"INSERT ",
        "\"UPDATE ",
        "\"DELETE ",
        "\"PRAGMA ",
        "execute_batch(",
    ];
    let mut wrong = Vec::new();
    for path in library_files() {
        if path.starts_with(&db) || path == src().join("db.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        // Unit tests build their fixtures with SQL; the rule is about the code they test.
        let code = text.split("#[cfg(test)]").next().unwrap();
        for s in statements {
            if code.contains(s) {
                wrong.push(format!("{}: {s}", path.display()));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "SQL belongs to the table's owner in src/db/:\n{}",
        wrong.join("\n")
    );
}
