//! The Parquet writer: read back with the parquet crate's own reader, every decimal is the
//! converter's exact value with the stated precision and scale, row groups are as sized,
//! and a value that does not fit fails the file instead of being rounded.
#![cfg(feature = "parquet")]

use cloudcost_focus::{scp, FocusRow, OnGap, ParquetWriter};
use cloudcost_types::rust_decimal::Decimal;
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;

fn rows() -> Vec<FocusRow> {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/scp-usages.json"
    ))
    .unwrap();
    let page = cloudcost_types::from_str(&text).unwrap();
    scp::convert_page(0, &page, scp::ScpCurrency::Krw, OnGap::Stop)
        .unwrap()
        .rows
}

#[test]
fn decimals_read_back_exactly_in_row_groups() {
    let rows = rows();
    let mut w = ParquetWriter::new(Vec::new(), 2).unwrap();
    for r in rows.iter().cloned() {
        w.write(r).unwrap();
    }
    let bytes = bytes::Bytes::from(w.finish().unwrap());
    let reader = SerializedFileReader::new(bytes).unwrap();
    assert_eq!(reader.metadata().num_row_groups(), 2);
    let billed = reader.metadata().file_metadata().schema_descr().column(0);
    assert_eq!((billed.type_precision(), billed.type_scale()), (38, 10));
    let mut got = Vec::new();
    for row in reader.get_row_iter(None).unwrap() {
        let row = row.unwrap();
        for (name, field) in row.get_column_iter() {
            if name == "BilledCost" {
                let Field::Decimal(d) = field else {
                    panic!("{field:?}")
                };
                let unscaled = i128::from_be_bytes(d.data().try_into().unwrap());
                got.push(Decimal::from_i128_with_scale(unscaled, 10));
            }
        }
    }
    let want: Vec<Decimal> = rows.iter().map(|r| r.billed_cost).collect();
    assert_eq!(got, want);
}

#[test]
fn a_value_that_does_not_fit_is_an_error() {
    let mut row = rows().remove(0);
    row.effective_cost = "0.00000000001".parse().unwrap();
    let mut w = ParquetWriter::new(Vec::new(), 10).unwrap();
    w.write(row).unwrap();
    let err = w.finish().err().unwrap();
    assert_eq!(
        err.to_string(),
        "EffectiveCost: 0.00000000001 does not fit DECIMAL(38, 10) (more than 10 fraction digits); it is not rounded"
    );
}

#[test]
fn periods_arriving_apart_share_one_file_and_the_buffer_is_one_row_group() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("costs");
    let rows = rows();
    let mut ds =
        cloudcost_focus::Dataset::create(&out, cloudcost_focus::Format::Parquet, 2).unwrap();
    // August, September, September, August again, August (rows() is 08, 09, 09).
    for r in rows.iter().chain(&rows[..1]).chain(&rows[..1]).cloned() {
        ds.write(r).unwrap();
    }
    assert_eq!(ds.finish().unwrap(), (5, 2));
    let count = |period: &str| {
        let file = std::fs::File::open(out.join(format!("billing_period={period}/part-0.parquet")))
            .unwrap();
        let reader = SerializedFileReader::new(file).unwrap();
        let m = reader.metadata();
        (m.file_metadata().num_rows(), m.num_row_groups())
    };
    assert_eq!(count("2024-08").0, 3);
    assert_eq!(count("2024-09").0, 2);
    assert!(
        count("2024-08").1 >= 2,
        "flushed in row groups as the buffer filled"
    );
}
