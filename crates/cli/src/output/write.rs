//! Rows written as they arrive: aligned text for `table`, RFC 4180 for `csv`. The first page
//! with rows fixes the columns.

use unicode_width::UnicodeWidthStr;

use super::flatten::Table;
use super::Format;

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
