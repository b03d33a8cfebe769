//! Turning response pages into what is printed: merged wire JSON, or rows for `table` and
//! `csv`. Nothing here knows an operation: the pagination members come from the spec and
//! the row structure from the response schema.
//!
//! - [`merge`](mod@merge): pages into one document, or cut to the items to print, as the AWS CLI does;
//! - [`flatten`](mod@flatten): a response into rows, one per item, nested lists exploded;
//! - [`write`](mod@write): rows as aligned text or CSV, page by page.

pub mod flatten;
pub mod merge;
pub mod write;

pub use flatten::{flatten, Table, MAX_DEPTH};
pub use merge::{item_count, merge, MergeOptions, Merger};
pub use write::{render_csv, render_table, RowError, RowWriter};

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
