//! The Parquet writer (feature `parquet`): the `parquet` crate's column writers, no arrow,
//! snappy pages. Decimals are `DECIMAL(38, 10)` in a 16-byte fixed-length array: an amount
//! with more than 10 fraction digits that are not zeros, or more than 28 integer digits, is
//! an error ([`DecimalError`]), never rounded. Instants are `TIMESTAMP(MICROS, UTC)`.
//! Rows are buffered up to the row-group size and written as one row group, so memory is
//! one row group whatever the file's length.

use std::io::Write;
use std::sync::Arc;

use cloudcost_types::rust_decimal::Decimal;
use parquet::basic::Compression;
use parquet::data_type::{
    ByteArray, ByteArrayType, FixedLenByteArray, FixedLenByteArrayType, Int64Type,
};
use parquet::errors::ParquetError;
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;
use parquet::schema::types::ColumnPath;

use crate::row::{Cell, FocusRow, Kind, COLUMNS};

/// The DECIMAL precision of every amount column.
pub const PRECISION: u32 = 38;
/// The DECIMAL scale of every amount column.
pub const SCALE: u32 = 10;

/// A decimal that does not fit `DECIMAL(38, 10)`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{column}: {value} does not fit DECIMAL({PRECISION}, {SCALE}) ({why}); it is not rounded")]
pub struct DecimalError {
    /// The column.
    pub column: &'static str,
    /// The value, as text.
    pub value: String,
    /// Too many fraction digits, or too large.
    pub why: &'static str,
}

/// What writing Parquet can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ParquetWriteError {
    /// A value that does not fit its column.
    #[error(transparent)]
    Decimal(#[from] DecimalError),
    /// The parquet crate's error (I/O included).
    #[error("parquet: {0}")]
    Parquet(#[from] ParquetError),
}

/// The unscaled `DECIMAL(38, 10)` value of `d`, or why it does not fit.
pub fn unscaled(column: &'static str, d: Decimal) -> Result<i128, DecimalError> {
    let err = |why| DecimalError {
        column,
        value: d.to_string(),
        why,
    };
    let d = if d.scale() > SCALE { d.normalize() } else { d };
    if d.scale() > SCALE {
        return Err(err("more than 10 fraction digits"));
    }
    let factor = 10i128.pow(SCALE - d.scale());
    let v = d
        .mantissa()
        .checked_mul(factor)
        .ok_or_else(|| err("too large"))?;
    if v.unsigned_abs() >= 10u128.pow(PRECISION) {
        return Err(err("more than 38 digits"));
    }
    Ok(v)
}

fn schema_text() -> String {
    let mut s = String::from("message focus_row {\n");
    for c in COLUMNS {
        let rep = if c.nullable { "optional" } else { "required" };
        let ty = match c.kind {
            Kind::Text => "binary {} (STRING)".to_string(),
            Kind::Decimal => {
                format!("fixed_len_byte_array(16) {{}} (DECIMAL({PRECISION},{SCALE}))")
            }
            Kind::DateTime => "int64 {} (TIMESTAMP(MICROS,true))".to_string(),
        };
        s.push_str(&format!("  {rep} {};\n", ty.replace("{}", c.name)));
    }
    s.push('}');
    s
}

/// Writes rows to one Parquet file in row groups of `row_group_rows`.
pub struct ParquetWriter<W: Write + Send> {
    inner: SerializedFileWriter<W>,
    buffer: Vec<FocusRow>,
    row_group_rows: usize,
}

impl<W: Write + Send> ParquetWriter<W> {
    /// Starts a file.
    pub fn new(out: W, row_group_rows: usize) -> Result<Self, ParquetWriteError> {
        let schema = Arc::new(parse_message_type(&schema_text())?);
        let props = Arc::new(
            COLUMNS
                .iter()
                .filter(|c| c.kind == Kind::Decimal)
                .fold(
                    WriterProperties::builder()
                        .set_compression(Compression::SNAPPY)
                        .set_statistics_enabled(EnabledStatistics::Chunk)
                        .set_created_by("cloudcost-focus".into()),
                    // Amounts rarely repeat: a dictionary would only cost hashing.
                    |b, c| b.set_column_dictionary_enabled(ColumnPath::from(c.name), false),
                )
                .build(),
        );
        Ok(Self {
            inner: SerializedFileWriter::new(out, schema, props)?,
            buffer: Vec::with_capacity(row_group_rows.min(65_536)),
            row_group_rows: row_group_rows.max(1),
        })
    }

    /// Adds a row; a full buffer is written as a row group.
    pub fn write(&mut self, row: FocusRow) -> Result<(), ParquetWriteError> {
        self.buffer.push(row);
        if self.buffer.len() >= self.row_group_rows {
            self.flush()?;
        }
        Ok(())
    }

    /// Writes the buffered rows as one row group.
    pub fn flush(&mut self) -> Result<(), ParquetWriteError> {
        let buffer = std::mem::take(&mut self.buffer);
        self.write_group(&buffer)?;
        self.buffer = buffer;
        self.buffer.clear();
        Ok(())
    }

    /// Writes `rows` as one row group, past the buffer (which it leaves as it is).
    pub fn write_group(&mut self, rows: &[FocusRow]) -> Result<(), ParquetWriteError> {
        if rows.is_empty() {
            return Ok(());
        }
        // Check every decimal before the row group starts, so a bad value leaves no half group.
        let cells: Vec<[Cell<'_>; 30]> = rows.iter().map(FocusRow::cells).collect();
        let mut unscaled_cols: Vec<Vec<Option<i128>>> = Vec::new();
        for (i, c) in COLUMNS.iter().enumerate() {
            if c.kind == Kind::Decimal {
                let mut col = Vec::with_capacity(cells.len());
                for r in &cells {
                    col.push(match r[i] {
                        Cell::Decimal(Some(d)) => Some(unscaled(c.name, d)?),
                        _ => None,
                    });
                }
                unscaled_cols.push(col);
            }
        }
        let mut group = self.inner.next_row_group()?;
        let mut decimals = unscaled_cols.into_iter();
        for (i, c) in COLUMNS.iter().enumerate() {
            let Some(mut w) = group.next_column()? else {
                break;
            };
            let defs: Vec<i16> = cells.iter().map(|r| i16::from(!is_null(r[i]))).collect();
            let def_levels = c.nullable.then_some(defs.as_slice());
            match c.kind {
                Kind::Text => {
                    // One buffer per column, each value a slice of it: no allocation a cell.
                    let texts = cells.iter().filter_map(|r| match r[i] {
                        Cell::Text(Some(t)) => Some(t.as_bytes()),
                        _ => None,
                    });
                    let v = slices(texts);
                    let v: Vec<ByteArray> = v.into_iter().map(ByteArray::from).collect();
                    w.typed::<ByteArrayType>()
                        .write_batch(&v, def_levels, None)?;
                }
                Kind::Decimal => {
                    let column = decimals.next().unwrap_or_default();
                    let bytes: Vec<[u8; 16]> = column
                        .into_iter()
                        .flatten()
                        .map(i128::to_be_bytes)
                        .collect();
                    let v = slices(bytes.iter().map(|b| &b[..]));
                    let v: Vec<FixedLenByteArray> = v
                        .into_iter()
                        .map(|b| FixedLenByteArray::from(ByteArray::from(b)))
                        .collect();
                    w.typed::<FixedLenByteArrayType>()
                        .write_batch(&v, def_levels, None)?;
                }
                Kind::DateTime => {
                    let v: Vec<i64> = cells
                        .iter()
                        .filter_map(|r| match r[i] {
                            Cell::DateTime(Some(t)) => Some(t.timestamp_micros()),
                            _ => None,
                        })
                        .collect();
                    w.typed::<Int64Type>().write_batch(&v, def_levels, None)?;
                }
            }
            w.close()?;
        }
        group.close()?;
        Ok(())
    }

    /// Writes the last row group and the footer; returns the output.
    pub fn finish(mut self) -> Result<W, ParquetWriteError> {
        self.flush()?;
        Ok(self.inner.into_inner()?)
    }
}

/// The values copied into one shared buffer, each returned as its slice of it.
fn slices<'a>(values: impl Iterator<Item = &'a [u8]> + Clone) -> Vec<bytes::Bytes> {
    let total = values.clone().map(<[u8]>::len).sum();
    let mut buffer = Vec::with_capacity(total);
    let mut ends = Vec::new();
    for v in values {
        buffer.extend_from_slice(v);
        ends.push(buffer.len());
    }
    let buffer = bytes::Bytes::from(buffer);
    let mut start = 0;
    ends.into_iter()
        .map(|end| {
            let s = buffer.slice(start..end);
            start = end;
            s
        })
        .collect()
}

fn is_null(cell: Cell<'_>) -> bool {
    matches!(
        cell,
        Cell::Text(None) | Cell::Decimal(None) | Cell::DateTime(None)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_fit_or_fail_never_round() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(unscaled("c", d("39.1603300457")).unwrap(), 391_603_300_457);
        assert_eq!(unscaled("c", d("-1.5")).unwrap(), -15_000_000_000);
        assert_eq!(
            unscaled("c", d("1.00000000000000")).unwrap(),
            10_000_000_000
        );
        let e = unscaled("BilledCost", d("0.00000000001")).unwrap_err();
        assert_eq!(e.why, "more than 10 fraction digits");
        assert!(e.to_string().contains("BilledCost"), "{e}");
        let e = unscaled("c", d("79228162514264337593543950335")).unwrap_err();
        assert_eq!(e.why, "too large");
        assert!(unscaled("c", d("9999999999999999999999999999")).is_ok());
        assert!(unscaled("c", d("10000000000000000000000000000")).is_err());
        assert!(unscaled("c", d("999999999999999999999999999.9")).is_ok());
    }
}
