//! Turning response pages into what is printed: merged wire JSON, or rows for `table` and
//! `csv`. Nothing here knows an operation: the pagination members come from the spec and
//! the row structure from the response schema.

use unicode_width::UnicodeWidthStr;

use crate::call::{OutputToken, Pagination};
use crate::json::Json;
use crate::resume::{next_page_token, Resume, NEXT_TOKEN};
use crate::schema::{Kind, Node};

/// The `--output` formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// The response's wire JSON (pages merged).
    Json,
    /// Aligned columns for reading.
    Table,
    /// RFC 4180 CSV with a header row.
    Csv,
}

impl Format {
    /// The names `--output` accepts.
    pub const NAMES: [&'static str; 3] = ["json", "table", "csv"];

    /// The `--output` value naming this format.
    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Table => "table",
            Format::Csv => "csv",
        }
    }

    /// Parses a `--output` value.
    pub fn parse(name: &str) -> Option<Format> {
        match name {
            "json" => Some(Format::Json),
            "table" => Some(Format::Table),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }
}

/// The number of items in a page (0 when it has no item list).
pub fn item_count(page: &Json, pagination: Option<&Pagination>) -> usize {
    match pagination.and_then(|p| page.get(p.items)) {
        Some(Json::Array(items)) => items.len(),
        _ => 0,
    }
}

/// How to merge pages: the AWS CLI's rules, and where the listing started.
#[derive(Clone, Debug, Default)]
pub struct MergeOptions {
    /// Stop after this many items (`--max-items`).
    pub max_items: Option<usize>,
    /// Remove the output token member (the result is complete, or was cut on purpose).
    pub drop_token: bool,
    /// Where the first page starts (`--starting-token`): items of it already printed.
    pub start: Resume,
}

/// Merges pages the way the AWS CLI does: the first page's members, with the item lists
/// of all pages concatenated (minus the items `--starting-token` says were printed),
/// cut to `max_items`. When the cut leaves items behind, a `NextToken` member says where
/// to continue. `request` is the request as sent (its page size decides when SCP marker
/// paging has ended). Other top-level lists follow [`Merger::finish`]'s rule.
pub fn merge(
    pages: Vec<Json>,
    pagination: Option<&Pagination>,
    request: &Json,
    options: &MergeOptions,
) -> Json {
    let mut merger = Merger::new(pagination, request, options.clone(), true);
    for page in pages {
        if merger.done() {
            break;
        }
        merger.push(page);
    }
    merger.finish()
}

/// Pages taken one at a time, as they arrive: which items of each belong to the output
/// (`--starting-token`, `--max-items`), where a cut listing resumes, and, when the merged
/// document is wanted (`--output json`), that document. Without the document it keeps
/// only counters and the resume token, so table and CSV output can be written page by page
/// in flat memory.
#[derive(Debug)]
pub struct Merger<'a> {
    pagination: Option<&'a Pagination>,
    request: &'a Json,
    options: MergeOptions,
    /// Whether to build the merged document ([`Merger::finish`]).
    keep: bool,
    /// The first page (its items moved to `items`), when keeping the document.
    first: Option<Json>,
    /// Every page's items that belong to the output, when keeping the document.
    items: Vec<Json>,
    /// Whether any page had the item list member at all.
    had_items: bool,
    /// Top-level lists other than the items: per name, the value of each page that has
    /// it, in page order (when keeping the document).
    lists: Vec<(String, Vec<Vec<Json>>)>,
    pages: usize,
    /// Items taken so far (after `--starting-token`'s skip).
    taken: usize,
    /// The token that fetched the page being read, to resume from inside it.
    fetched_with: Option<String>,
    resume: Option<Resume>,
    done: bool,
}

impl<'a> Merger<'a> {
    /// `keep`: build the merged document; otherwise [`Merger::push`] hands each page back
    /// cut to its items to print, and nothing of it is kept.
    pub fn new(
        pagination: Option<&'a Pagination>,
        request: &'a Json,
        options: MergeOptions,
        keep: bool,
    ) -> Merger<'a> {
        let fetched_with = options.start.token.clone();
        Merger {
            pagination,
            request,
            options,
            keep,
            first: None,
            items: Vec::new(),
            had_items: false,
            lists: Vec::new(),
            pages: 0,
            taken: 0,
            fetched_with,
            resume: None,
            done: false,
        }
    }

    /// Whether `--max-items` is reached: no further page is needed.
    pub fn done(&self) -> bool {
        self.done
    }

    /// The `NextToken` to print when the listing was cut with items left.
    pub fn next_token(&self) -> Option<String> {
        self.resume.as_ref().map(Resume::encode)
    }

    /// Takes the next page. Without the document, returns the page with its item list cut
    /// to the items that belong to the output (the whole page when the operation does not
    /// page); with it, keeps what the document needs and returns `None`.
    pub fn push(&mut self, mut page: Json) -> Option<Json> {
        let k = self.pages;
        self.pages += 1;
        let Some(p) = self.pagination else {
            if !self.keep {
                return Some(page);
            }
            if self.first.is_none() {
                self.first = Some(page);
            }
            return None;
        };
        // Before the items are cut: marker paging (SCP) reads the last item.
        let next = next_page_token(&page, p, self.request);
        self.had_items |= page.get(p.items).is_some();
        let mut list = take_list(&mut page, p.items);
        let skip = if k == 0 { self.options.start.skip } else { 0 };
        let start = skip.min(list.len());
        let mut end = list.len();
        if self.done {
            end = start;
        } else if let Some(max) = self.options.max_items {
            let room = max.saturating_sub(self.taken);
            if end - start > room {
                // Cut inside this page: resume inside it, with the token that fetched it.
                end = start + room;
                self.resume = Some(Resume {
                    token: self.fetched_with.clone(),
                    skip: end,
                });
                self.done = true;
            }
        }
        list.truncate(end);
        list.drain(..start);
        self.taken += list.len();
        if !self.done {
            self.fetched_with = next;
            if self.options.max_items.is_some_and(|max| self.taken >= max) {
                // Cut exactly at a page's end: continue with the next page, if there is one.
                self.resume = self.fetched_with.clone().map(|token| Resume {
                    token: Some(token),
                    skip: 0,
                });
                self.done = true;
            }
        }
        if !self.keep {
            page.set(p.items, Json::Array(list));
            return Some(page);
        }
        self.items.extend(list);
        if let Json::Object(members) = &page {
            for (name, _) in members {
                if name == p.items {
                    continue;
                }
                let Some(Json::Array(value)) = page.get(name) else {
                    continue;
                };
                match self.lists.iter_mut().find(|(n, _)| n == name) {
                    Some((_, values)) if values.len() < self.pages => values.push(value.clone()),
                    // A repeated member name: `get` already gave its last value.
                    Some(_) => {}
                    None => self.lists.push((name.clone(), vec![value.clone()])),
                }
            }
        }
        if self.first.is_none() {
            self.first = Some(page);
        }
        None
    }

    /// The merged document (an empty object when no page came, or when it was not kept).
    ///
    /// Top-level lists other than the item list are merged by this rule: such a list is
    /// concatenated across pages, in page order (Cost Explorer's `DimensionValueAttributes`
    /// describes the dimension values of its own page's results), unless every page that
    /// carries it carries the same list: then it is kept once, because it echoes the
    /// request or does not depend on the page (`GroupDefinitions`, the request's
    /// `GroupBy`). It is a rule about values, not about named members, because nothing
    /// else says which member is which: the spec's pagination table names only the tokens
    /// and the item list, and the response schemas describe the echoed members in prose
    /// only. A page where the member is absent or not a list adds nothing; a list absent
    /// from the first page is appended after the first page's members. Members that are
    /// not lists (scalars, structures) stay the first page's, as the AWS CLI keeps them.
    pub fn finish(self) -> Json {
        let Some(mut merged) = self.first else {
            return Json::Object(Vec::new());
        };
        let Some(p) = self.pagination else {
            return merged;
        };
        if self.had_items {
            merged.set(p.items, Json::Array(self.items));
        }
        if self.pages > 1 {
            for (name, lists) in self.lists {
                let Some(first) = lists.first() else {
                    continue;
                };
                let value = if lists.iter().all(|list| list == first) {
                    first.clone()
                } else {
                    lists.into_iter().flatten().collect()
                };
                merged.set(&name, Json::Array(value));
            }
        }
        if self.options.drop_token {
            if let OutputToken::Member(token) = p.output_token {
                merged.remove(token);
            }
        }
        if let Some(resume) = self.resume {
            merged.set(NEXT_TOKEN, Json::String(resume.encode()));
        }
        merged
    }
}

/// Moves the list out of an object's member (the last one of that name, which is the one
/// [`Json::get`] reads); empty when there is none.
fn take_list(page: &mut Json, name: &str) -> Vec<Json> {
    if let Json::Object(members) = page {
        if let Some((_, Json::Array(list))) = members.iter_mut().rev().find(|(k, _)| k == name) {
            return std::mem::take(list);
        }
    }
    Vec::new()
}

/// Rows with named columns.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Table {
    /// Column names: dotted wire paths, in order of first appearance.
    pub columns: Vec<String>,
    /// One entry per column in each row; empty where a row has no value.
    pub rows: Vec<Vec<String>>,
}

type Row = Vec<(String, String)>;

/// Flattens a response into rows. The root is the pagination item list (or the whole
/// response when the operation does not page). Lists of structures and maps whose values
/// are structures become rows (a map entry's key fills the column named by the map's
/// path); scalars become dotted-path columns; lists of scalars are joined with `, `.
/// Where a record has several such lists, each contributes its own rows (they are
/// alternatives, such as Cost Explorer's `Total` and `Groups`, not a product).
/// Numbers are printed as they were written: amounts stay exact. A response nested
/// deeper than [`MAX_DEPTH`] levels is an error.
pub fn flatten(
    response: &Json,
    schema: Node<'_>,
    pagination: Option<&Pagination>,
) -> Result<Table, String> {
    let mut rows: Vec<Row> = Vec::new();
    match pagination {
        Some(p) => {
            let item_node = match schema.kind() {
                Kind::Struct { members, .. } => members
                    .iter()
                    .find(|(n, _)| *n == p.items)
                    .and_then(|(_, node)| match node.kind() {
                        Kind::List(item) => Some(item),
                        _ => None,
                    }),
                _ => None,
            };
            if let Some(Json::Array(items)) = response.get(p.items) {
                for item in items {
                    // Each item is two levels below the root (the response, its list).
                    rows.extend(record_rows(item, item_node, "", 2)?);
                }
            }
        }
        None => rows.extend(record_rows(response, Some(schema), "", 0)?),
    }
    let mut columns: Vec<String> = Vec::new();
    for row in &rows {
        for (c, _) in row {
            if !columns.contains(c) {
                columns.push(c.clone());
            }
        }
    }
    let rows = rows
        .into_iter()
        .map(|row| {
            columns
                .iter()
                .map(|c| {
                    row.iter()
                        .find(|(name, _)| name == c)
                        .map(|(_, v)| v.clone())
                        .unwrap_or_default()
                })
                .collect()
        })
        .collect();
    Ok(Table { columns, rows })
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn scalar_text(value: &Json) -> String {
    match value {
        Json::Null => String::new(),
        Json::Bool(b) => b.to_string(),
        Json::Number(n) => n.clone(),
        Json::String(s) => s.clone(),
        other => other.to_compact(),
    }
}

fn is_record(node: Option<Node<'_>>) -> Option<bool> {
    node.map(|n| matches!(n.kind(), Kind::Struct { .. } | Kind::Map(_)))
}

/// The rows of one record: its scalar columns, times the rows of each nested list.
/// `depth` is the record's level below the response's root.
fn record_rows(
    value: &Json,
    node: Option<Node<'_>>,
    path: &str,
    depth: usize,
) -> Result<Vec<Row>, String> {
    let mut scalars = Row::new();
    let mut branches: Vec<Vec<Row>> = Vec::new();
    collect(value, node, path, &mut scalars, &mut branches, depth)?;
    let branch_rows: Vec<Row> = branches.into_iter().flatten().collect();
    if branch_rows.is_empty() {
        return Ok(vec![scalars]);
    }
    Ok(branch_rows
        .into_iter()
        .map(|row| {
            let mut full = scalars.clone();
            full.extend(row);
            full
        })
        .collect())
}

/// How many levels below the response's root flattening follows. Far deeper than any
/// response the specs describe (Cost Explorer's amounts are 5 levels down); each level is
/// a recursive call, so the limit keeps a hostile response from exhausting the stack.
/// It is counted from the root through every record and list, so a deep value cannot
/// restart the count at each record.
pub const MAX_DEPTH: usize = 64;

fn collect(
    value: &Json,
    node: Option<Node<'_>>,
    path: &str,
    scalars: &mut Row,
    branches: &mut Vec<Vec<Row>>,
    depth: usize,
) -> Result<(), String> {
    if depth > MAX_DEPTH {
        // An error rather than the rest as JSON text in one cell: a cell that silently
        // holds a subtree is a truncated table.
        return Err(format!(
            "the response is nested more than {MAX_DEPTH} levels deep (at `{path}`); \
             table and CSV rows cannot hold it, --output json prints it"
        ));
    }
    let kind = node.map(|n| n.kind());
    match value {
        Json::Object(members) => match kind {
            Some(Kind::Map(values)) => {
                let records = is_record(Some(values)).unwrap_or(false)
                    || (!members.is_empty()
                        && members.iter().all(|(_, v)| matches!(v, Json::Object(_))));
                if records {
                    let mut rows = Vec::new();
                    for (k, v) in members {
                        for row in record_rows(v, Some(values), path, depth + 1)? {
                            let mut full = vec![(path.to_string(), k.clone())];
                            full.extend(row);
                            rows.push(full);
                        }
                    }
                    branches.push(rows);
                } else {
                    for (k, v) in members {
                        collect(
                            v,
                            Some(values),
                            &join(path, k),
                            scalars,
                            branches,
                            depth + 1,
                        )?;
                    }
                }
            }
            Some(Kind::Struct {
                members: schema_members,
                ..
            }) => {
                // Columns follow the spec's member order (the typed response serializes
                // in its own field order); members the schema does not know come last.
                for (name, member) in &schema_members {
                    for (k, v) in members.iter().filter(|(k, _)| k == name) {
                        collect(
                            v,
                            Some(*member),
                            &join(path, k),
                            scalars,
                            branches,
                            depth + 1,
                        )?;
                    }
                }
                for (k, v) in members {
                    if !schema_members.iter().any(|(name, _)| name == k) {
                        collect(v, None, &join(path, k), scalars, branches, depth + 1)?;
                    }
                }
            }
            _ => {
                for (k, v) in members {
                    collect(v, None, &join(path, k), scalars, branches, depth + 1)?;
                }
            }
        },
        Json::Array(items) => {
            let item_node = match kind {
                Some(Kind::List(item)) => Some(item),
                _ => None,
            };
            let records = is_record(item_node)
                .unwrap_or_else(|| items.iter().any(|i| matches!(i, Json::Object(_))));
            if records {
                let mut rows = Vec::new();
                for item in items {
                    match item {
                        Json::Object(_) => {
                            rows.extend(record_rows(item, item_node, path, depth + 1)?)
                        }
                        other => rows.push(vec![(path.to_string(), scalar_text(other))]),
                    }
                }
                branches.push(rows);
            } else {
                let texts: Vec<String> = items.iter().map(scalar_text).collect();
                scalars.push((path.to_string(), texts.join(", ")));
            }
        }
        scalar => scalars.push((path.to_string(), scalar_text(scalar))),
    }
    Ok(())
}

/// The table as aligned text: a header, a rule, one line per row. Control characters
/// in values are shown as spaces so that each row stays on one line.
pub fn render_table(table: &Table) -> String {
    let mut out = Vec::new();
    let mut writer = RowWriter::new(&mut out, Format::Table);
    // Writing to memory fails only on a column mismatch, which one table cannot have.
    let _ = writer.page(table);
    String::from_utf8_lossy(&out).into_owned()
}

/// The table as CSV with a header row (nothing at all when there are no columns).
pub fn render_csv(table: &Table) -> Result<String, String> {
    let mut out = Vec::new();
    RowWriter::new(&mut out, Format::Csv)
        .page(table)
        .map_err(|e| e.to_string())?;
    String::from_utf8(out).map_err(|e| format!("could not write CSV: {e}"))
}

/// Why rows could not be written.
#[derive(Debug)]
pub enum RowError {
    /// Writing failed (a closed pipe included: the caller decides what that means).
    Io(std::io::Error),
    /// A CSV page has a column its header, already written, lacks.
    NewColumn(String),
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RowError::Io(e) => write!(f, "could not write the output: {e}"),
            RowError::NewColumn(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for RowError {}

/// `--output table` and `csv`, written page by page as pages arrive, so that `--all-pages`
/// runs in flat memory: each call of [`RowWriter::page`] writes and flushes that page's
/// rows and keeps only the columns (and the table's widths).
///
/// The columns and the table's widths cannot wait for the last page, so the first page
/// with rows fixes them:
///
/// - CSV: the header is the first page's columns. Later pages' rows are written in that
///   order, which is exactly what one table of all pages would print while every page's
///   columns are among the first's (the usual case: items of one type). A page with a
///   column the header lacks is an error ([`RowError::NewColumn`]): a second header
///   would corrupt the file and dropping the values would lose data.
/// - Table: the widths are the first page's. A later value wider than its column is
///   printed in full and pushes the rest of its line right (never cut); a page with new
///   columns starts a new block (blank line, header, rule) with the columns so far plus
///   the new ones.
#[derive(Debug)]
pub struct RowWriter<W: std::io::Write> {
    out: W,
    format: Format,
    /// The columns written in the current header; empty before the first rows.
    columns: Vec<String>,
    /// Display widths of the columns (table).
    widths: Vec<usize>,
    pages: usize,
}

/// A cell as the table shows it: control characters as spaces, so each row is one line.
fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

impl<W: std::io::Write> RowWriter<W> {
    /// A writer of `format` (`Table` or `Csv`) to `out`.
    pub fn new(out: W, format: Format) -> RowWriter<W> {
        RowWriter {
            out,
            format,
            columns: Vec::new(),
            widths: Vec::new(),
            pages: 0,
        }
    }

    /// Writes one page's rows (a header first, if this page brings the first columns),
    /// then flushes, so that they are visible before the next page is requested.
    pub fn page(&mut self, table: &Table) -> Result<(), RowError> {
        self.pages += 1;
        if table.columns.is_empty() {
            return Ok(());
        }
        let new: Vec<&String> = table
            .columns
            .iter()
            .filter(|c| !self.columns.contains(c))
            .collect();
        let header = self.columns.is_empty() || !new.is_empty();
        if header && !self.columns.is_empty() && self.format == Format::Csv {
            let names: Vec<String> = new.iter().map(|c| format!("`{c}`")).collect();
            return Err(RowError::NewColumn(format!(
                "page {} has column{} {} that the CSV header, written from the first page \
                 with rows, lacks; CSV rows are written as pages arrive, so the header cannot \
                 grow: use --output json or --output table for this listing",
                self.pages,
                if names.len() == 1 { "" } else { "s" },
                names.join(", ")
            )));
        }
        let first = self.columns.is_empty();
        self.columns.extend(new.into_iter().cloned());
        // Where each of the header's columns is in this page's rows.
        let at: Vec<Option<usize>> = self
            .columns
            .iter()
            .map(|c| table.columns.iter().position(|t| t == c))
            .collect();
        let rows = table.rows.iter().map(|row| {
            at.iter()
                .map(|i| i.and_then(|i| row.get(i)).map_or("", String::as_str))
                .collect::<Vec<&str>>()
        });
        let text = match self.format {
            Format::Csv => {
                let mut writer = csv::Writer::from_writer(Vec::new());
                let fail = |e: csv::Error| {
                    RowError::Io(std::io::Error::other(format!("could not write CSV: {e}")))
                };
                if header {
                    writer.write_record(&self.columns).map_err(fail)?;
                }
                for row in rows {
                    writer.write_record(&row).map_err(fail)?;
                }
                writer
                    .into_inner()
                    .map_err(|e| RowError::Io(e.into_error()))?
            }
            _ => {
                let rows: Vec<Vec<String>> =
                    rows.map(|r| r.into_iter().map(clean).collect()).collect();
                let mut out = String::new();
                if header {
                    let names: Vec<String> = self.columns.iter().map(|c| clean(c)).collect();
                    self.widths.resize(names.len(), 0);
                    for (w, name) in self.widths.iter_mut().zip(&names) {
                        *w = (*w).max(name.width());
                    }
                    for row in &rows {
                        for (w, v) in self.widths.iter_mut().zip(row) {
                            *w = (*w).max(v.width());
                        }
                    }
                    if !first {
                        out.push('\n');
                    }
                    table_line(&mut out, &names, &self.widths);
                    let rule: Vec<String> = self.widths.iter().map(|w| "-".repeat(*w)).collect();
                    table_line(&mut out, &rule, &self.widths);
                }
                for row in &rows {
                    table_line(&mut out, row, &self.widths);
                }
                out.into_bytes()
            }
        };
        self.out.write_all(&text).map_err(RowError::Io)?;
        self.out.flush().map_err(RowError::Io)
    }
}

/// One table line: cells padded to their widths, two spaces apart, no trailing spaces.
fn table_line(out: &mut String, cells: &[String], widths: &[usize]) {
    let mut text = String::new();
    for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
        if i > 0 {
            text.push_str("  ");
        }
        text.push_str(cell);
        text.extend(std::iter::repeat_n(' ', w.saturating_sub(cell.width())));
    }
    out.push_str(text.trim_end());
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Schema;

    #[test]
    fn ce_style_rows_one_per_period_group_metric() {
        let schema = Schema::parse(include_str!(
            "../../../schemas/aws-ce/GetCostAndUsageResponse.json"
        ))
        .unwrap();
        let page = Json::parse(
            r#"{"ResultsByTime":[
                {"TimePeriod":{"Start":"2017-09-01","End":"2017-10-01"},"Total":{},
                 "Groups":[{"Keys":["S3","Env$Dev"],"Metrics":{"BlendedCost":{"Amount":"0.0000000001","Unit":"USD"},"UsageQuantity":{"Amount":"12","Unit":"N/A"}}},
                           {"Keys":["EC2"],"Metrics":{"BlendedCost":{"Amount":"69.11368320913270968764864436340574","Unit":"USD"}}}],
                 "Estimated":false},
                {"TimePeriod":{"Start":"2017-10-01","End":"2017-11-01"},"Total":{"BlendedCost":{"Amount":"5","Unit":"USD"}},"Groups":[],"Estimated":true}
            ],"NextPageToken":"x"}"#,
        )
        .unwrap();
        let p = Pagination {
            input_token: "NextPageToken",
            output_token: OutputToken::Member("NextPageToken"),
            page_size: None,
            items: "ResultsByTime",
        };
        let t = flatten(&page, schema.root(), Some(&p)).unwrap();
        assert_eq!(
            render_csv(&t).unwrap(),
            "TimePeriod.Start,TimePeriod.End,Estimated,Groups.Keys,Groups.Metrics,Groups.Metrics.Amount,Groups.Metrics.Unit,Total,Total.Amount,Total.Unit\n\
             2017-09-01,2017-10-01,false,\"S3, Env$Dev\",BlendedCost,0.0000000001,USD,,,\n\
             2017-09-01,2017-10-01,false,\"S3, Env$Dev\",UsageQuantity,12,N/A,,,\n\
             2017-09-01,2017-10-01,false,EC2,BlendedCost,69.11368320913270968764864436340574,USD,,,\n\
             2017-10-01,2017-11-01,true,,,,,BlendedCost,5,USD\n"
        );
    }

    #[test]
    fn too_deep_a_response_is_an_error_counted_from_the_root() {
        // Lists of records inside records, 500 times: each record used to restart the
        // count, so the limit never applied.
        let mut value = Json::Object(vec![("leaf".into(), Json::Number("1".into()))]);
        for _ in 0..500 {
            value = Json::Object(vec![("a".into(), Json::Array(vec![value]))]);
        }
        let page = Json::Object(vec![("items".into(), Json::Array(vec![value]))]);
        let p = Pagination {
            input_token: "next",
            output_token: OutputToken::Member("next"),
            page_size: None,
            items: "items",
        };
        let schema = Schema::parse(r#"{"type": "object"}"#).unwrap();
        // The item is at level 2; each `a` member and each record adds one level, so the
        // 65th level is the member after 32 records.
        let path = vec!["a"; 32].join(".");
        assert_eq!(
            flatten(&page, schema.root(), Some(&p)),
            Err(format!(
                "the response is nested more than 64 levels deep (at `{path}`); \
                 table and CSV rows cannot hold it, --output json prints it"
            ))
        );
        // Within the limit, the same shape flattens.
        let mut value = Json::Object(vec![("leaf".into(), Json::Number("1".into()))]);
        for _ in 0..3 {
            value = Json::Object(vec![("a".into(), Json::Array(vec![value]))]);
        }
        let page = Json::Object(vec![("items".into(), Json::Array(vec![value]))]);
        assert_eq!(
            flatten(&page, schema.root(), Some(&p)),
            Ok(Table {
                columns: vec!["a.a.a.leaf".into()],
                rows: vec![vec!["1".into()]],
            })
        );
    }

    #[test]
    fn merge_concatenates_items_and_drops_the_token() {
        let p = Pagination {
            input_token: "nextToken",
            output_token: OutputToken::Member("nextToken"),
            page_size: Some("maxResults"),
            items: "totals",
        };
        let pages = vec![
            Json::parse(r#"{"totals":[1,2],"nextToken":"a"}"#).unwrap(),
            Json::parse(r#"{"totals":[3],"nextToken":"b"}"#).unwrap(),
            Json::parse(r#"{"totals":[4]}"#).unwrap(),
        ];
        let request = Json::Object(Vec::new());
        let all = MergeOptions {
            drop_token: true,
            ..MergeOptions::default()
        };
        assert_eq!(
            merge(pages.clone(), Some(&p), &request, &all).to_compact(),
            r#"{"totals":[1,2,3,4]}"#
        );
        // A cut inside the second page resumes inside it, fetched with token "a".
        let cut = MergeOptions {
            max_items: Some(2),
            ..all.clone()
        };
        let first = merge(pages.clone(), Some(&p), &request, &cut);
        assert_eq!(first.get("totals").unwrap().to_compact(), "[1,2]");
        let Some(Json::String(next)) = first.get(NEXT_TOKEN) else {
            panic!("no NextToken in {}", first.to_compact());
        };
        let resume = Resume::decode(next).unwrap();
        assert_eq!(
            resume,
            Resume {
                token: Some("a".into()),
                skip: 0
            }
        );
        let one = MergeOptions {
            max_items: Some(3),
            ..all.clone()
        };
        let cut3 = merge(pages.clone(), Some(&p), &request, &one);
        let Some(Json::String(next)) = cut3.get(NEXT_TOKEN) else {
            panic!("no NextToken");
        };
        assert_eq!(
            Resume::decode(next).unwrap(),
            Resume {
                token: Some("b".into()),
                skip: 0
            }
        );
        // Resuming from the middle of a page skips what was printed.
        let mid = MergeOptions {
            max_items: Some(1),
            ..all.clone()
        };
        let cut1 = merge(pages.clone(), Some(&p), &request, &mid);
        let Some(Json::String(next)) = cut1.get(NEXT_TOKEN) else {
            panic!("no NextToken");
        };
        let start = Resume::decode(next).unwrap();
        assert_eq!(
            start,
            Resume {
                token: None,
                skip: 1
            }
        );
        let rest = MergeOptions {
            start,
            ..all.clone()
        };
        assert_eq!(
            merge(pages.clone(), Some(&p), &request, &rest).to_compact(),
            r#"{"totals":[2,3,4]}"#
        );
        // The last item printed exactly: no token.
        let exact = MergeOptions {
            max_items: Some(4),
            ..all
        };
        assert_eq!(
            merge(pages, Some(&p), &request, &exact).get(NEXT_TOKEN),
            None
        );
    }

    #[test]
    fn merge_concatenates_other_lists_and_keeps_echoed_ones_once() {
        let p = Pagination {
            input_token: "NextPageToken",
            output_token: OutputToken::Member("NextPageToken"),
            page_size: None,
            items: "ResultsByTime",
        };
        let page = |day: &str, value: &str, token: Option<&str>| {
            let token = token.map_or(String::new(), |t| format!(r#","NextPageToken":"{t}""#));
            Json::parse(&format!(
                r#"{{"GroupDefinitions":[{{"Type":"DIMENSION","Key":"LINKED_ACCOUNT"}}],"ResultsByTime":[{{"TimePeriod":{{"Start":"2024-01-{day}","End":"2024-01-{day}"}}}}],"DimensionValueAttributes":[{{"Value":"{value}","Attributes":{{"description":"account {value}"}}}}]{token}}}"#
            ))
            .unwrap()
        };
        let pages = vec![
            page("01", "111111111111", Some("t1")),
            page("02", "222222222222", Some("t2")),
            page("03", "333333333333", None),
        ];
        let all = MergeOptions {
            drop_token: true,
            ..MergeOptions::default()
        };
        let request = Json::Object(Vec::new());
        assert_eq!(
            merge(pages.clone(), Some(&p), &request, &all).to_compact(),
            concat!(
                r#"{"GroupDefinitions":[{"Type":"DIMENSION","Key":"LINKED_ACCOUNT"}],"#,
                r#""ResultsByTime":[{"TimePeriod":{"Start":"2024-01-01","End":"2024-01-01"}},"#,
                r#"{"TimePeriod":{"Start":"2024-01-02","End":"2024-01-02"}},"#,
                r#"{"TimePeriod":{"Start":"2024-01-03","End":"2024-01-03"}}],"#,
                r#""DimensionValueAttributes":[{"Value":"111111111111","Attributes":{"description":"account 111111111111"}},"#,
                r#"{"Value":"222222222222","Attributes":{"description":"account 222222222222"}},"#,
                r#"{"Value":"333333333333","Attributes":{"description":"account 333333333333"}}]}"#
            )
        );
        // The rule is by value: a list equal on every page is kept once, whatever its
        // name; one absent from some pages (and from the first) is concatenated from the
        // pages that have it, after the first page's members.
        let pages = vec![
            Json::parse(r#"{"ResultsByTime":[1],"Same":["x"],"NextPageToken":"t1"}"#).unwrap(),
            Json::parse(r#"{"ResultsByTime":[2],"Same":["x"],"Late":["a"],"NextPageToken":"t2"}"#)
                .unwrap(),
            Json::parse(r#"{"ResultsByTime":[3],"Same":["x"],"Late":["b"]}"#).unwrap(),
        ];
        assert_eq!(
            merge(pages, Some(&p), &request, &all).to_compact(),
            r#"{"ResultsByTime":[1,2,3],"Same":["x"],"Late":["a","b"]}"#
        );
    }

    #[test]
    fn streaming_takes_the_same_items_and_token_as_the_merged_document() {
        let p = Pagination {
            input_token: "nextToken",
            output_token: OutputToken::Member("nextToken"),
            page_size: Some("maxResults"),
            items: "totals",
        };
        let pages = vec![
            Json::parse(r#"{"totals":[1,2],"nextToken":"a"}"#).unwrap(),
            Json::parse(r#"{"totals":[3],"nextToken":"b"}"#).unwrap(),
            Json::parse(r#"{"totals":[4]}"#).unwrap(),
        ];
        let request = Json::Object(Vec::new());
        for (max_items, skip, items, pushed, token) in [
            (None, 0, "[1,2,3,4]", 3, None),
            (
                Some(2),
                0,
                "[1,2]",
                1,
                Some(Resume {
                    token: Some("a".into()),
                    skip: 0,
                }),
            ),
            (
                Some(2),
                1,
                "[2,3]",
                2,
                Some(Resume {
                    token: Some("b".into()),
                    skip: 0,
                }),
            ),
            (
                Some(1),
                0,
                "[1]",
                1,
                Some(Resume {
                    token: None,
                    skip: 1,
                }),
            ),
            (Some(4), 0, "[1,2,3,4]", 3, None),
        ] {
            let options = MergeOptions {
                max_items,
                drop_token: true,
                start: Resume { token: None, skip },
            };
            let mut merger = Merger::new(Some(&p), &request, options.clone(), false);
            let mut streamed = Vec::new();
            let mut count = 0;
            for page in pages.clone() {
                if merger.done() {
                    break;
                }
                count += 1;
                if let Some(Json::Array(list)) = merger.push(page).unwrap().get("totals") {
                    streamed.extend(list.iter().cloned());
                }
            }
            let case = format!("max {max_items:?} skip {skip}");
            assert_eq!(Json::Array(streamed).to_compact(), items, "{case}");
            assert_eq!(count, pushed, "{case}: pages needed");
            assert_eq!(
                merger.next_token(),
                token.as_ref().map(Resume::encode),
                "{case}"
            );
            let merged = merge(pages.clone(), Some(&p), &request, &options);
            assert_eq!(merged.get("totals").unwrap().to_compact(), items, "{case}");
            assert_eq!(
                merged.get(NEXT_TOKEN),
                token.map(|t| Json::String(t.encode())).as_ref(),
                "{case}"
            );
        }
    }

    fn table(columns: &[&str], rows: &[&[&str]]) -> Table {
        Table {
            columns: columns.iter().map(|c| c.to_string()).collect(),
            rows: rows
                .iter()
                .map(|r| r.iter().map(|v| v.to_string()).collect())
                .collect(),
        }
    }

    #[test]
    fn csv_pages_share_the_first_header_and_a_new_column_is_an_error() {
        let mut out = Vec::new();
        let mut w = RowWriter::new(&mut out, Format::Csv);
        w.page(&Table::default()).unwrap();
        w.page(&table(&["a", "b"], &[&["1", "x,y"]])).unwrap();
        // A page with fewer columns, in another order: rows follow the header.
        w.page(&table(&["b"], &[&["2"]])).unwrap();
        w.page(&table(&["b", "a"], &[&["3", "4"]])).unwrap();
        let e = w
            .page(&table(&["a", "c", "d"], &[&["5", "6", "7"]]))
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "page 5 has columns `c`, `d` that the CSV header, written from the first page \
             with rows, lacks; CSV rows are written as pages arrive, so the header cannot \
             grow: use --output json or --output table for this listing"
        );
        assert_eq!(String::from_utf8(out).unwrap(), "a,b\n1,\"x,y\"\n,2\n4,3\n");
    }

    #[test]
    fn table_widths_come_from_the_first_page_and_new_columns_start_a_block() {
        let mut out = Vec::new();
        let mut w = RowWriter::new(&mut out, Format::Table);
        w.page(&table(&["a", "bb"], &[&["1", "x"]])).unwrap();
        w.page(&table(&["a", "bb"], &[&["longer", "y"]])).unwrap();
        // The new block keeps the widths so far (not the wider value of page 2).
        w.page(&table(&["c", "a"], &[&["z", "2"]])).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "a  bb\n-  --\n1  x\nlonger  y\n\na  bb  c\n-  --  -\n2      z\n"
        );
    }

    #[test]
    fn table_aligns_by_display_width() {
        let t = Table {
            columns: vec!["a".into(), "b".into()],
            rows: vec![
                vec!["한국".into(), "x\ny".into()],
                vec!["z".into(), String::new()],
            ],
        };
        assert_eq!(render_table(&t), "a     b\n----  ---\n한국  x y\nz\n");
    }
}
