//! The CSV writer: a header of [`COLUMNS`], then one record per row; decimals as their
//! exact text (never through a float), instants as `YYYY-MM-DDTHH:mm:ssZ`, null as empty.

use std::io::Write;

use crate::row::{Cell, FocusRow, COLUMNS};

/// Writes rows as CSV (RFC 4180 quoting) to `W`.
pub struct CsvWriter<W: Write> {
    inner: csv::Writer<W>,
}

impl<W: Write> CsvWriter<W> {
    /// Starts a file: writes the header.
    pub fn new(out: W) -> Result<Self, csv::Error> {
        let mut inner = csv::Writer::from_writer(out);
        inner.write_record(COLUMNS.iter().map(|c| c.name))?;
        Ok(Self { inner })
    }

    /// Writes one row.
    pub fn write(&mut self, row: &FocusRow) -> Result<(), csv::Error> {
        for cell in row.cells() {
            let text = cell_text(cell);
            self.inner.write_field(text.as_bytes())?;
        }
        self.inner.write_record(None::<&[u8]>)
    }

    /// Flushes and returns the output.
    pub fn finish(self) -> Result<W, csv::Error> {
        self.inner
            .into_inner()
            .map_err(|e| csv::Error::from(e.into_error()))
    }
}

/// A cell's text: empty for null.
pub fn cell_text(cell: Cell<'_>) -> String {
    match cell {
        Cell::Text(t) => t.unwrap_or_default().to_string(),
        Cell::Decimal(d) => d.map(|d| d.to_string()).unwrap_or_default(),
        Cell::DateTime(t) => t
            .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
            .unwrap_or_default(),
    }
}
