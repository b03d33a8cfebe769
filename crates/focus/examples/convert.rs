//! Converts saved response pages into a FOCUS directory, with no network: the pages of a
//! GetCostAndUsage query of the export's shape (grouped by LINKED_ACCOUNT and SERVICE,
//! each file named with the RECORD_TYPE it was filtered to), or SCP ListUsages pages.
//!
//! ```sh
//! cargo run -p cloudcost-focus --features parquet --example convert -- \
//!     aws OUT_DIR parquet Usage=usage.json Credit=credit.json
//! cargo run -p cloudcost-focus --example convert -- scp OUT_DIR csv page-0.json page-1.json
//! ```
//!
//! `tests/focus/run.sh` uses it to convert the test pages it then reads back with DuckDB.

use std::path::Path;
use std::process::ExitCode;

use cloudcost_focus::{aws, scp, Converted, Dataset, Format, OnGap};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [cloud, out, format, files @ ..] = args.as_slice() else {
        return Err("usage: convert aws|scp OUT_DIR csv|parquet FILE...".into());
    };
    let format = match format.as_str() {
        "csv" => Format::Csv,
        #[cfg(feature = "parquet")]
        "parquet" => Format::Parquet,
        other => return Err(format!("format `{other}`: expected csv or parquet")),
    };
    let mut ds = Dataset::create(Path::new(out), format, 10_000).map_err(|e| e.to_string())?;
    for (page_no, file) in files.iter().enumerate() {
        let converted: Converted = match cloud.as_str() {
            "aws" => {
                let (record_type, path) = file
                    .split_once('=')
                    .ok_or_else(|| format!("{file}: expected RECORD_TYPE=FILE"))?;
                let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
                let page = cloudcost_types::from_str(&text).map_err(|e| format!("{path}: {e}"))?;
                let ctx = aws::AwsContext {
                    record_type: Some(record_type.into()),
                    billing_account_id: None,
                };
                aws::convert_page(page_no, &page, &ctx, OnGap::Stop)
            }
            "scp" => {
                let text = std::fs::read_to_string(file).map_err(|e| format!("{file}: {e}"))?;
                let page = cloudcost_types::from_str(&text).map_err(|e| format!("{file}: {e}"))?;
                scp::convert_page(page_no, &page, scp::ScpCurrency::Krw, OnGap::Stop)
            }
            other => return Err(format!("cloud `{other}`: expected aws or scp")),
        }
        .map_err(|e| e.to_string())?;
        for row in converted.rows {
            ds.write(row).map_err(|e| e.to_string())?;
        }
    }
    let (rows, files) = ds.finish().map_err(|e| e.to_string())?;
    println!("{rows} rows in {files} files");
    Ok(())
}
