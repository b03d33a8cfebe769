//! Checks that keep the documentation true to the repository:
//!
//! - the figure tables of BENCHMARKS.md (and any other doc with such a table) show the
//!   newest row of each figure in `bench/history.csv`;
//! - every relative link and every backticked repository path in a Markdown file, and every
//!   path named in a `Cargo.toml` comment, leads to a file or directory that exists;
//! - every `cloudcost_<crate>::<Name>` a Markdown file names is declared public (or
//!   re-exported) somewhere in that crate's sources.
//!
//! Each check is a function over text, with the file system behind a closure or a map, so
//! the tests at the end of this file can show each one failing on a small inline example.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The history of measured runs.
const HISTORY: &str = "bench/history.csv";

/// Its header, which fixes the order of the fields.
const HISTORY_HEADER: &str = "date,commit,machine,benchmark,metric,figure,anchor,ratio,note";

/// The first cells of a figure table's header. A table whose header starts with these is
/// checked against the history, whatever columns follow.
const FIGURE_TABLE_HEADER: [&str; 7] = [
    "benchmark",
    "metric",
    "figure",
    "anchor",
    "ratio",
    "commit",
    "machine",
];

/// Directories never walked: build output, installed packages, version control.
const SKIPPED_DIRS: &[&str] = &["target", "node_modules", ".venv", ".git"];

/// The first components of a repository path: a backticked span starting with one of these
/// and a `/` is taken for a path and must exist.
const TOP_LEVEL: &[&str] = &[
    ".ci",
    "bench",
    "codegen",
    "crates",
    "docs",
    "fuzz",
    "openapi",
    "python",
    "reference",
    "schemas",
    "scripts",
    "specs",
    "tests",
    "xtask",
];

/// Paths that a tool creates on first use and a fresh clone does not have (each is in a
/// `.gitignore`), so a doc may name them before they exist.
const CREATED_BY_TOOLS: &[&str] = &[
    "tests/schema-check/node_modules",
    "fuzz/artifacts",
    "fuzz/logs",
    "fuzz/coverage",
    "bench/target",
];

/// The endings that make a word of a `Cargo.toml` comment a file name.
const FILE_ENDINGS: &[&str] = &[
    ".md", ".rs", ".sh", ".toml", ".csv", ".yaml", ".json", ".py", ".mjs",
];

// ---------------------------------------------------------------------------------------
// Walking the repository.

/// Every file under `root` whose name ends with `suffix`, as `/`-separated paths relative
/// to it, sorted.
fn repo_files(root: &Path, suffix: &str) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, suffix: &str, out: &mut Vec<String>) {
        let entries =
            std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
        for entry in entries {
            let entry = entry.unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            let kind = entry
                .file_type()
                .unwrap_or_else(|e| panic!("cannot stat {}: {e}", path.display()));
            if kind.is_dir() {
                if !SKIPPED_DIRS.contains(&name.as_str()) {
                    walk(root, &path, suffix, out);
                }
            } else if kind.is_file() && name.ends_with(suffix) {
                let relative = path
                    .strip_prefix(root)
                    .unwrap_or_else(|e| panic!("{} is outside the root: {e}", path.display()));
                let parts: Vec<String> = relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                out.push(parts.join("/"));
            }
        }
    }
    let mut out = Vec::new();
    walk(root, root, suffix, &mut out);
    out.sort();
    out
}

fn read(root: &Path, path: &str) -> String {
    std::fs::read_to_string(root.join(path)).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

fn root() -> PathBuf {
    cloudcost_tests::root()
}

/// Fails with every offender, one per line, if there are any.
#[track_caller]
fn assert_none(check: &str, offenders: &[String]) {
    if offenders.is_empty() {
        return;
    }
    let mut message = format!("{check}: {} offender(s)\n", offenders.len());
    for o in offenders {
        let _ = writeln!(message, "  {o}");
    }
    panic!("{message}");
}

/// The directory part of a `/`-separated path (`""` for a file at the root).
fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// `relative` read from directory `dir` (both `/`-separated, relative to the root), with
/// `.` and `..` resolved; `None` if it climbs out of the root.
fn join(dir: &str, relative: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in relative.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

/// Whether `path` (relative to the root) exists or lies in a place a tool creates.
fn exists_in(root: &Path) -> impl Fn(&str) -> bool + '_ {
    move |path: &str| {
        CREATED_BY_TOOLS
            .iter()
            .any(|p| path == *p || path.starts_with(&format!("{p}/")))
            || root.join(path).exists()
    }
}

// ---------------------------------------------------------------------------------------
// Check 1: figure tables against the history.

/// One row of `bench/history.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct HistoryRow {
    line: usize,
    commit: String,
    machine: String,
    benchmark: String,
    metric: String,
    figure: String,
    anchor: String,
    ratio: String,
}

/// The rows of the history, or every problem with its form: the header, the number of
/// fields (no field may hold a comma), a key on every row, and numbers where numbers go.
fn parse_history(text: &str) -> Result<Vec<HistoryRow>, Vec<String>> {
    let mut lines = text.lines().enumerate();
    let mut problems = Vec::new();
    match lines.next() {
        Some((_, header)) if header == HISTORY_HEADER => {}
        Some((_, header)) => problems.push(format!(
            "1: the header is `{header}`, not `{HISTORY_HEADER}`"
        )),
        None => problems.push("1: the file is empty".to_string()),
    }
    let mut rows = Vec::new();
    for (n, line) in lines {
        let line_no = n + 1;
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split(',').collect();
        let [_date, commit, machine, benchmark, metric, figure, anchor, ratio, _note] =
            fields.as_slice()
        else {
            problems.push(format!(
                "{line_no}: {} fields, not 9 (a note may not hold a comma): {line}",
                fields.len()
            ));
            continue;
        };
        if benchmark.is_empty() || metric.is_empty() {
            problems.push(format!("{line_no}: no benchmark or metric: {line}"));
        }
        for (name, value) in [("figure", figure), ("anchor", anchor), ("ratio", ratio)] {
            if !value.is_empty() && value.parse::<f64>().is_err() {
                problems.push(format!("{line_no}: {name} `{value}` is not a number"));
            }
        }
        if figure.is_empty() && ratio.is_empty() {
            problems.push(format!("{line_no}: neither a figure nor a ratio: {line}"));
        }
        rows.push(HistoryRow {
            line: line_no,
            commit: commit.to_string(),
            machine: machine.to_string(),
            benchmark: benchmark.to_string(),
            metric: metric.to_string(),
            figure: figure.to_string(),
            anchor: anchor.to_string(),
            ratio: ratio.to_string(),
        });
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(problems)
    }
}

/// The cells of a Markdown table row, trimmed, or `None` for a line that is not one.
fn table_cells(line: &str) -> Option<Vec<String>> {
    let inner = line.trim().strip_prefix('|')?.strip_suffix('|')?;
    Some(inner.split('|').map(|c| c.trim().to_string()).collect())
}

/// A cell as the history writes it: backticks dropped, and `–` or `-` (nothing recorded)
/// as the empty string.
fn cell_value(cell: &str) -> String {
    let value = cell.trim().trim_matches('`');
    if value == "–" || value == "-" {
        String::new()
    } else {
        value.to_string()
    }
}

/// The rows of every figure table in a Markdown text, as history rows (`line` is the
/// doc's line).
fn figure_rows(text: &str) -> Vec<HistoryRow> {
    let mut rows = Vec::new();
    let mut in_table = false;
    for (n, line) in text.lines().enumerate() {
        let Some(cells) = table_cells(line) else {
            in_table = false;
            continue;
        };
        if cells.len() >= FIGURE_TABLE_HEADER.len()
            && cells[..FIGURE_TABLE_HEADER.len()] == FIGURE_TABLE_HEADER
        {
            in_table = true;
            continue;
        }
        let separator = cells.iter().all(|c| c.chars().all(|ch| "-:".contains(ch)));
        if !in_table || separator {
            continue;
        }
        let value = |k: usize| cells.get(k).map(|c| cell_value(c)).unwrap_or_default();
        rows.push(HistoryRow {
            line: n + 1,
            benchmark: value(0),
            metric: value(1),
            figure: value(2),
            anchor: value(3),
            ratio: value(4),
            commit: value(5),
            machine: value(6),
        });
    }
    rows
}

/// Every cell of a figure table that differs from the newest (last) history row of its
/// benchmark and metric, and every table row whose key the history lacks.
fn table_mismatches(doc: &str, table: &[HistoryRow], history: &[HistoryRow]) -> Vec<String> {
    let mut newest: BTreeMap<(&str, &str), &HistoryRow> = BTreeMap::new();
    for row in history {
        newest.insert((row.benchmark.as_str(), row.metric.as_str()), row);
    }
    let mut found = Vec::new();
    for row in table {
        let key = format!("{} {}", row.benchmark, row.metric);
        let Some(last) = newest.get(&(row.benchmark.as_str(), row.metric.as_str())) else {
            found.push(format!(
                "{doc}:{}: `{key}` has no row in {HISTORY}",
                row.line
            ));
            continue;
        };
        let fields = [
            ("figure", &row.figure, &last.figure),
            ("anchor", &row.anchor, &last.anchor),
            ("ratio", &row.ratio, &last.ratio),
            ("commit", &row.commit, &last.commit),
            ("machine", &row.machine, &last.machine),
        ];
        for (name, shown, recorded) in fields {
            if shown != recorded {
                let show = |v: &str| {
                    if v.is_empty() {
                        "nothing".to_string()
                    } else {
                        format!("`{v}`")
                    }
                };
                found.push(format!(
                    "{doc}:{}: `{key}` shows {name} {}, but the newest row of {HISTORY} (line {}) \
                     has {}",
                    row.line,
                    show(shown.as_str()),
                    last.line,
                    show(recorded.as_str())
                ));
            }
        }
    }
    found
}

#[test]
fn figure_tables_show_the_newest_rows_of_the_history() {
    let root = root();
    let history = parse_history(&read(&root, HISTORY))
        .unwrap_or_else(|problems| panic!("{HISTORY} is malformed:\n  {}", problems.join("\n  ")));
    let mut offenders = Vec::new();
    let mut checked = BTreeMap::new();
    for doc in repo_files(&root, ".md") {
        let table = figure_rows(&read(&root, &doc));
        if !table.is_empty() {
            checked.insert(doc.clone(), table.len());
        }
        offenders.extend(table_mismatches(&doc, &table, &history));
    }
    let benchmarks = checked.get("BENCHMARKS.md").copied().unwrap_or(0);
    assert!(
        benchmarks >= 20,
        "only {benchmarks} figure rows found in BENCHMARKS.md (tables: {checked:?})"
    );
    assert_none(
        "figure tables that disagree with the newest rows of the history",
        &offenders,
    );
}

// ---------------------------------------------------------------------------------------
// Check 2: paths and links.

/// The text of every inline code span of a Markdown line (fenced blocks are skipped by
/// the caller).
fn code_spans(line: &str) -> Vec<&str> {
    line.split('`').skip(1).step_by(2).collect()
}

/// The targets of the inline links `[text](target)` of a Markdown line.
fn link_targets(line: &str) -> Vec<&str> {
    let mut targets = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find("](") {
        let after = &rest[at + 2..];
        let end = after.find(')').unwrap_or(after.len());
        let target = after[..end].split_whitespace().next().unwrap_or("");
        targets.push(target.trim_start_matches('<').trim_end_matches('>'));
        rest = &after[end..];
    }
    targets
}

/// Whether a backticked span names a repository path: no spaces or placeholders, and it
/// starts with a top-level directory and a `/`, or it names a Markdown file.
fn looks_like_path(span: &str) -> bool {
    let placeholder = span.contains(|c: char| c.is_whitespace() || "<>*{}$…|\"'".contains(c))
        || span.contains("...")
        || span.contains("://");
    if placeholder || span.is_empty() {
        return false;
    }
    let first = span.split('/').next().unwrap_or("");
    (span.contains('/') && TOP_LEVEL.contains(&first)) || span.ends_with(".md")
}

/// A path as written, without an `#anchor` or a `:line` suffix.
fn strip_suffixes(path: &str) -> &str {
    let path = path.split('#').next().unwrap_or(path);
    match path.rsplit_once(':') {
        Some((file, line)) if !line.is_empty() && line.chars().all(|c| c.is_ascii_digit()) => file,
        _ => path,
    }
}

/// Whether `path`, read from the directory of `doc` or from the root, exists.
fn resolves(doc: &str, path: &str, exists: &dyn Fn(&str) -> bool) -> bool {
    [parent(doc), ""]
        .iter()
        .filter_map(|dir| join(dir, path))
        .any(|p| !p.is_empty() && exists(&p))
}

/// The links and backticked paths of a Markdown file that lead nowhere. Links are read
/// from the file's directory; a backticked path from there or from the root.
fn broken_doc_references(doc: &str, text: &str, exists: &dyn Fn(&str) -> bool) -> Vec<String> {
    let mut found = Vec::new();
    let mut fenced = false;
    for (n, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        for target in link_targets(line) {
            let external = ["http://", "https://", "mailto:"]
                .iter()
                .any(|p| target.starts_with(p));
            if external || target.is_empty() || target.starts_with('#') {
                continue;
            }
            let path = strip_suffixes(target);
            let ok = join(parent(doc), path).is_some_and(|p| p.is_empty() || exists(&p));
            if !ok {
                found.push(format!(
                    "{doc}:{}: link to `{target}`, which does not exist",
                    n + 1
                ));
            }
        }
        for span in code_spans(line) {
            if looks_like_path(span) && !resolves(doc, strip_suffixes(span), exists) {
                found.push(format!("{doc}:{}: `{span}` does not exist", n + 1));
            }
        }
    }
    found
}

/// The comment of a TOML line: what follows the first `#` outside a string.
fn toml_comment(line: &str) -> Option<&str> {
    let mut in_string = false;
    for (i, c) in line.char_indices() {
        match c {
            '"' => in_string = !in_string,
            '#' if !in_string => return Some(&line[i + 1..]),
            _ => {}
        }
    }
    None
}

/// The paths named in the comments of a `Cargo.toml` that lead nowhere: a word that names
/// a file (by its ending) or starts with a top-level directory and a `/`, read from the
/// manifest's directory or from the root.
fn broken_manifest_paths(manifest: &str, text: &str, exists: &dyn Fn(&str) -> bool) -> Vec<String> {
    let mut found = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let Some(comment) = toml_comment(line) else {
            continue;
        };
        for word in comment.split_whitespace() {
            let word = word
                .trim_start_matches(|c: char| "(['\"`".contains(c))
                .trim_end_matches(|c: char| ")],.;:'\"`".contains(c));
            let skip = word.contains("://") || word.contains(|c: char| "<>*{}$".contains(c));
            let first = word.split('/').next().unwrap_or("");
            let named = FILE_ENDINGS.iter().any(|e| word.ends_with(e))
                || (word.contains('/') && TOP_LEVEL.contains(&first));
            if skip || !named {
                continue;
            }
            if !resolves(manifest, strip_suffixes(word), exists) {
                found.push(format!("{manifest}:{}: `{word}` does not exist", n + 1));
            }
        }
    }
    found
}

#[test]
fn every_link_and_path_in_the_docs_and_manifest_comments_exists() {
    let root = root();
    let exists = exists_in(&root);
    let mut offenders = Vec::new();
    let docs = repo_files(&root, ".md");
    for doc in &docs {
        offenders.extend(broken_doc_references(doc, &read(&root, doc), &exists));
    }
    let manifests = repo_files(&root, "Cargo.toml");
    for manifest in &manifests {
        offenders.extend(broken_manifest_paths(
            manifest,
            &read(&root, manifest),
            &exists,
        ));
    }
    assert!(docs.len() >= 5, "only {} Markdown files found", docs.len());
    assert!(
        manifests.len() >= 10,
        "only {} manifests found",
        manifests.len()
    );
    assert_none("links and paths that lead nowhere", &offenders);
}

// ---------------------------------------------------------------------------------------
// Check 3: Rust names under the cloudcost crates.

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The identifiers of a path written as text (`a::b::C`), up to the first character that
/// is neither an identifier's nor `::`.
fn path_segments(text: &str) -> Vec<&str> {
    let mut segments = Vec::new();
    let mut rest = text;
    loop {
        let end = rest.find(|c: char| !is_ident_char(c)).unwrap_or(rest.len());
        if end == 0 {
            break;
        }
        segments.push(&rest[..end]);
        match rest[end..].strip_prefix("::") {
            Some(next) => rest = next,
            None => break,
        }
    }
    segments
}

/// Every `cloudcost_<crate>::...` path of a text, as (line, crate, segments after the
/// crate). A `{..}` group gives one path per item.
fn cloudcost_paths(text: &str) -> Vec<(usize, String, Vec<String>)> {
    let mut paths = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let mut from = 0;
        while let Some(at) = line[from..].find("cloudcost_") {
            let start = from + at;
            from = start + "cloudcost_".len();
            if line[..start].chars().next_back().is_some_and(is_ident_char) {
                continue;
            }
            let crate_end = line[start..]
                .find(|c: char| !is_ident_char(c))
                .map_or(line.len(), |e| start + e);
            let name = &line[start..crate_end];
            let Some(after) = line[crate_end..].strip_prefix("::") else {
                continue;
            };
            let mut items = Vec::new();
            if let Some(group) = after.strip_prefix('{') {
                let mut depth = 0usize;
                let mut item_start = 0;
                for (i, c) in group.char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' if depth == 0 => {
                            items.push(&group[item_start..i]);
                            break;
                        }
                        '}' => depth -= 1,
                        ',' if depth == 0 => {
                            items.push(&group[item_start..i]);
                            item_start = i + 1;
                        }
                        _ => {}
                    }
                }
            } else {
                items.push(after);
            }
            for item in items {
                let segments: Vec<String> = path_segments(item.trim())
                    .into_iter()
                    .map(str::to_string)
                    .collect();
                if !segments.is_empty() {
                    paths.push((n + 1, name.to_string(), segments));
                }
            }
        }
    }
    paths
}

/// The names a Rust source declares public (`pub struct`, `enum`, `trait`, `type`, `fn`,
/// `mod`, `const`, `static`, `macro`) and every identifier of its `pub use` statements (so
/// a re-export, renamed or in a group, counts). A module it defines (`pub mod x`) is also
/// recorded as `mod:x`: only below such a module are a doc's further segments checked.
fn public_names(source: &str) -> BTreeSet<String> {
    const KINDS: &[&str] = &[
        "struct", "enum", "trait", "type", "fn", "mod", "const", "static", "union", "macro",
    ];
    let mut names = BTreeSet::new();
    let mut in_use = false;
    for line in source.lines() {
        let code = line.split("//").next().unwrap_or("").trim();
        if in_use || code.starts_with("pub use ") {
            let statement = code.strip_prefix("pub use ").unwrap_or(code);
            for word in statement.split(|c: char| !is_ident_char(c)) {
                if !word.is_empty() {
                    names.insert(word.to_string());
                }
            }
            in_use = !code.ends_with(';');
            continue;
        }
        let Some(rest) = code.strip_prefix("pub ") else {
            continue;
        };
        // The name is the first word after the declaration keywords: `pub struct X`,
        // `pub async fn x`, `pub const fn x`, `pub const X`.
        let mut after_kind = false;
        for word in rest
            .split(|c: char| !is_ident_char(c))
            .filter(|w| !w.is_empty())
        {
            if after_kind && !KINDS.contains(&word) {
                names.insert(word.to_string());
                if rest.split_whitespace().next() == Some("mod") {
                    names.insert(format!("mod:{word}"));
                }
                break;
            }
            after_kind |= KINDS.contains(&word);
        }
    }
    names
}

/// The crates of the workspace by their Rust name (`cloudcost_types`), with the public
/// names of their `src/` (every `.rs` file below it).
fn crate_names(root: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut crates = BTreeMap::new();
    for manifest in repo_files(root, "Cargo.toml") {
        let text = read(root, &manifest);
        let Some(name) = text.lines().find_map(|l| {
            let value = l.trim().strip_prefix("name")?.trim().strip_prefix('=')?;
            Some(value.trim().trim_matches('"').to_string())
        }) else {
            continue;
        };
        if !name.starts_with("cloudcost-") {
            continue;
        }
        let src = join(parent(&manifest), "src").unwrap_or_default();
        let mut names = BTreeSet::new();
        for file in repo_files(root, ".rs") {
            if file.starts_with(&format!("{src}/")) {
                names.extend(public_names(&read(root, &file)));
            }
        }
        crates.insert(name.replace('-', "_"), names);
    }
    crates
}

/// The `cloudcost_<crate>::<Name>` paths of a doc whose crate is unknown or does not
/// declare the name. Each segment is checked while the one before it is a module the
/// workspace defines (`pub mod`): `cloudcost_types::fast::Reader` checks `fast` and
/// `Reader`; `cloudcost_types::SortedMap::new` only `SortedMap`; and
/// `cloudcost_scp_ce_client::model::chrono::NaiveDate` only `model` (a re-exported crate).
/// The first segment must be the crate's own; a later one may be declared by any crate of
/// the workspace.
fn unknown_rust_names(
    doc: &str,
    text: &str,
    crates: &BTreeMap<String, BTreeSet<String>>,
) -> Vec<String> {
    let mut found = Vec::new();
    for (line, name, segments) in cloudcost_paths(text) {
        let Some(public) = crates.get(&name) else {
            found.push(format!(
                "{doc}:{line}: `{name}` is not a crate of the workspace"
            ));
            continue;
        };
        for (i, segment) in segments.iter().enumerate() {
            if ["self", "super", "crate"].contains(&segment.as_str()) {
                break;
            }
            // Below the first segment the module may be another crate's, re-exported.
            let declared = public.contains(segment)
                || (i > 0 && crates.values().any(|names| names.contains(segment)));
            if !declared {
                let path = segments[..=i].join("::");
                found.push(format!(
                    "{doc}:{line}: `{name}::{path}`: `{segment}` is not declared public in {name}"
                ));
                break;
            }
            let module = format!("mod:{segment}");
            if !crates.values().any(|names| names.contains(&module)) {
                break;
            }
        }
    }
    found
}

#[test]
fn every_cloudcost_name_in_the_docs_exists() {
    let root = root();
    let crates = crate_names(&root);
    assert!(
        crates.contains_key("cloudcost_types") && crates.len() >= 8,
        "crates found: {:?}",
        crates.keys().collect::<Vec<_>>()
    );
    let mut offenders = Vec::new();
    let mut named = 0;
    for doc in repo_files(&root, ".md") {
        let text = read(&root, &doc);
        named += cloudcost_paths(&text).len();
        offenders.extend(unknown_rust_names(&doc, &text, &crates));
    }
    assert!(named >= 5, "only {named} cloudcost paths found in the docs");
    assert_none(
        "Rust names in the docs that the crates do not have",
        &offenders,
    );
}

// ---------------------------------------------------------------------------------------
// Each check can fail.

const SMALL_HISTORY: &str = "\
date,commit,machine,benchmark,metric,figure,anchor,ratio,note
2026-01-01,aaa1111,m1,e2e/Get,median_ms,10.0,30.0,3.00,first run
2026-01-02,bbb2222,m1,e2e/Get,median_ms,9.0,30.0,3.33,second run
2026-01-02,bbb2222,m1,e2e/Get,ratio_median,,,3.20,the set
";

#[test]
fn a_table_that_shows_an_older_or_different_figure_is_flagged() {
    let history = parse_history(SMALL_HISTORY).unwrap_or_else(|p| panic!("{p:?}"));
    let doc = "\
# Figures

| benchmark | metric | figure | anchor | ratio | commit | machine | goal |
|---|---|---|---|---|---|---|---|
| `e2e/Get` | `median_ms` | 10.0 | 30.0 | 3.00 | `aaa1111` | `m1` | an older row |
| `e2e/Get` | `ratio_median` | – | – | 3.20 | `bbb2222` | `m1` | agrees |
| `e2e/Put` | `median_ms` | 1.0 | – | – | `bbb2222` | `m1` | not in the history |

| some | other | table |
|---|---|---|
| `e2e/Get` | `median_ms` | 1 |
";
    let table = figure_rows(doc);
    assert_eq!(table.len(), 3, "{table:?}");
    assert_eq!(
        table_mismatches("DOC.md", &table, &history),
        [
            "DOC.md:5: `e2e/Get median_ms` shows figure `10.0`, but the newest row of \
             bench/history.csv (line 3) has `9.0`",
            "DOC.md:5: `e2e/Get median_ms` shows ratio `3.00`, but the newest row of \
             bench/history.csv (line 3) has `3.33`",
            "DOC.md:5: `e2e/Get median_ms` shows commit `aaa1111`, but the newest row of \
             bench/history.csv (line 3) has `bbb2222`",
            "DOC.md:7: `e2e/Put median_ms` has no row in bench/history.csv",
        ]
    );
    // The same table brought up to date passes.
    let fixed = doc.replace(
        "| 10.0 | 30.0 | 3.00 | `aaa1111` |",
        "| 9.0 | 30.0 | 3.33 | `bbb2222` |",
    );
    let table = figure_rows(&fixed);
    assert_eq!(
        table_mismatches("DOC.md", &table[..2], &history),
        Vec::<String>::new()
    );
    // A cell shown where the history has none is flagged too.
    let extra = fixed.replace("| – | – | 3.20 |", "| 3.1 | – | 3.20 |");
    assert_eq!(
        table_mismatches("DOC.md", &figure_rows(&extra)[..2], &history),
        [
            "DOC.md:6: `e2e/Get ratio_median` shows figure `3.1`, but the newest row of \
          bench/history.csv (line 4) has nothing"
        ]
    );
}

#[test]
fn a_malformed_history_is_refused() {
    let text = "\
date,commit,machine,benchmark,metric,figure,note
2026-01-01,a,m1,e2e/Get,median_ms,ten,30.0,3.00,x
2026-01-01,a,m1,e2e/Get,median_ms,1,30.0,3.00,a note, with a comma
2026-01-01,a,m1,,median_ms,1,30.0,3.00,x
2026-01-01,a,m1,e2e/Get,median_ms,,30.0,,x
";
    assert_eq!(
        parse_history(text),
        Err(vec![
            "1: the header is `date,commit,machine,benchmark,metric,figure,note`, not \
             `date,commit,machine,benchmark,metric,figure,anchor,ratio,note`"
                .to_string(),
            "2: figure `ten` is not a number".to_string(),
            "3: 10 fields, not 9 (a note may not hold a comma): \
             2026-01-01,a,m1,e2e/Get,median_ms,1,30.0,3.00,a note, with a comma"
                .to_string(),
            "4: no benchmark or metric: 2026-01-01,a,m1,,median_ms,1,30.0,3.00,x".to_string(),
            "5: neither a figure nor a ratio: 2026-01-01,a,m1,e2e/Get,median_ms,,30.0,,x"
                .to_string(),
        ])
    );
}

/// A repository of a few files, for the path checks.
fn small_repo(path: &str) -> bool {
    [
        "README.md",
        "docs",
        "docs/cli.md",
        "bench",
        "bench/callgrind.sh",
        "crates/cli/src/lib.rs",
    ]
    .contains(&path)
}

#[test]
fn links_and_paths_that_lead_nowhere_are_flagged() {
    let doc = "\
See [the CLI](cli.md), [up](../README.md#layout), [here](#top), [web](https://x.invalid/a.md),
[gone](missing.md) and [the root's](../RELIABILITY.md).
Run `bench/callgrind.sh`, then `bench/compile-time.sh`; code in `crates/cli/src/lib.rs:12`
and `crates/cli/src/app.rs`, generated as `crates/<family>-model/src/*.rs`, see `README.md`
and `RELIABILITY-fuzz.md`; not paths: `cargo xtask test`, `src/decode.rs`, `a/b`.
```sh
cat bench/nothing.sh [not a link](nowhere.md)
```
";
    assert_eq!(
        broken_doc_references("docs/cli.md", doc, &small_repo),
        [
            "docs/cli.md:2: link to `missing.md`, which does not exist",
            "docs/cli.md:2: link to `../RELIABILITY.md`, which does not exist",
            "docs/cli.md:3: `bench/compile-time.sh` does not exist",
            "docs/cli.md:4: `crates/cli/src/app.rs` does not exist",
            "docs/cli.md:5: `RELIABILITY-fuzz.md` does not exist",
        ]
    );
    let manifest = "\
# Fuzz targets (see RELIABILITY-fuzz.md; the checks live in crates/cli/src/lib.rs and
# crates/cli/src/gone.rs). Uses `cloudcost-runtime/aws`, https://x.invalid/y.md and ../README.md.
[package]
name = \"x\" # not a path: version 1.0
description = \"a # in a string, bench/missing.sh\"
";
    assert_eq!(
        broken_manifest_paths("fuzz/Cargo.toml", manifest, &small_repo),
        [
            "fuzz/Cargo.toml:1: `RELIABILITY-fuzz.md` does not exist",
            "fuzz/Cargo.toml:2: `crates/cli/src/gone.rs` does not exist",
        ]
    );
}

#[test]
fn path_helpers_resolve_and_strip_as_documented() {
    assert_eq!(join("docs", "../README.md").as_deref(), Some("README.md"));
    assert_eq!(join("", "../README.md"), None);
    assert_eq!(join("a/b", "./c/../d.md").as_deref(), Some("a/b/d.md"));
    assert_eq!(strip_suffixes("crates/x.rs:120"), "crates/x.rs");
    assert_eq!(strip_suffixes("docs/a.md#section"), "docs/a.md");
    assert_eq!(strip_suffixes("c:d"), "c:d");
    assert_eq!(
        link_targets("[a](x.md) and [b](<y.md> \"title\") [c]"),
        ["x.md", "y.md"]
    );
    assert_eq!(toml_comment("a = \"#x\" # y"), Some(" y"));
    assert_eq!(toml_comment("a = \"#x\""), None);
}

#[test]
fn a_name_the_crate_does_not_have_is_flagged() {
    let source = "\
//! A crate.
pub struct SortedMap;
pub(crate) struct Hidden;
pub async fn from_slice() {}
#[doc(hidden)]
pub mod fast {
    pub struct Reader;
}
pub use compact_str::CompactString;
pub use chrono;
pub use crate::wire::{
    adapter as codec,
    Decimal,
};
// pub struct Commented;
struct Private;
";
    let names = public_names(source);
    for name in [
        "SortedMap",
        "from_slice",
        "fast",
        "Reader",
        "CompactString",
        "codec",
        "Decimal",
    ] {
        assert!(names.contains(name), "{name} missing from {names:?}");
    }
    assert!(names.contains("mod:fast") && !names.contains("mod:chrono"));
    for name in ["Hidden", "Commented", "Private"] {
        assert!(!names.contains(name), "{name} in {names:?}");
    }
    let crates = BTreeMap::from([("cloudcost_types".to_string(), names)]);
    let doc = "\
`cloudcost_types::SortedMap::new`, `cloudcost_types::fast::Reader` and
`cloudcost_types::CompactString::from` exist, `cloudcost_types::chrono::Anything` is not ours;
`cloudcost_types::Gone`, `cloudcost_types::fast::Missing` and `cloudcost_nothing::X` do not.
use cloudcost_types::{from_slice, fast::Reader, Vanished};
my_cloudcost_types::Gone is another crate's.
";
    assert_eq!(
        unknown_rust_names("README.md", doc, &crates),
        [
            "README.md:3: `cloudcost_types::Gone`: `Gone` is not declared public in cloudcost_types",
            "README.md:3: `cloudcost_types::fast::Missing`: `Missing` is not declared public in \
             cloudcost_types",
            "README.md:3: `cloudcost_nothing` is not a crate of the workspace",
            "README.md:4: `cloudcost_types::Vanished`: `Vanished` is not declared public in \
             cloudcost_types",
        ]
    );
}
