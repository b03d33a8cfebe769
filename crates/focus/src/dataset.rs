//! A directory of files partitioned by billing period
//! (`billing_period=2024-08/part-0.parquet`), written as rows arrive with one file open at
//! a time. The whole directory is written under a temporary name beside `out`
//! (`<out>.partial`) and renamed to `out` by [`Dataset::finish`]: a half-written export
//! never looks complete.

use std::collections::HashMap;
use std::fs::{self, File};
use std::io::{self, BufWriter};
use std::path::{Path, PathBuf};

use crate::csv_out::CsvWriter;
use crate::row::FocusRow;

/// The file format.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    /// CSV, `.csv` files.
    #[default]
    Csv,
    /// Parquet, `.parquet` files (feature `parquet`).
    #[cfg(feature = "parquet")]
    Parquet,
}

impl Format {
    fn extension(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            #[cfg(feature = "parquet")]
            Self::Parquet => "parquet",
        }
    }
}

/// What writing the dataset can fail with.
#[derive(Debug, thiserror::Error)]
pub enum DatasetError {
    /// A file or directory operation, with its path.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// The output exists and is not an empty directory.
    #[error("{0}: exists and is not empty; refusing to overwrite an export")]
    Exists(PathBuf),
    /// The CSV writer.
    #[error("{path}: {source}")]
    Csv {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: csv::Error,
    },
    /// The Parquet writer (a value that does not fit included).
    #[cfg(feature = "parquet")]
    #[error("{path}: {source}")]
    Parquet {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: crate::parquet_out::ParquetWriteError,
    },
}

enum Open {
    Csv(CsvWriter<BufWriter<File>>),
    #[cfg(feature = "parquet")]
    Parquet(crate::parquet_out::ParquetWriter<BufWriter<File>>),
}

/// The partitioned output directory being written.
pub struct Dataset {
    out: PathBuf,
    staging: PathBuf,
    format: Format,
    row_group_rows: usize,
    current: Option<(String, PathBuf, Open)>,
    parts: HashMap<String, usize>,
    rows: u64,
    files: usize,
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> DatasetError + '_ {
    move |source| DatasetError::Io {
        path: path.to_path_buf(),
        source,
    }
}

impl Dataset {
    /// Starts writing to `<out>.partial`; `out` must not exist or be an empty directory.
    pub fn create(out: &Path, format: Format, row_group_rows: usize) -> Result<Self, DatasetError> {
        if let Ok(mut entries) = fs::read_dir(out) {
            if entries.next().is_some() {
                return Err(DatasetError::Exists(out.to_path_buf()));
            }
        } else if out.exists() {
            return Err(DatasetError::Exists(out.to_path_buf()));
        }
        let mut staging = out.as_os_str().to_owned();
        staging.push(".partial");
        let staging = PathBuf::from(staging);
        if staging.exists() {
            fs::remove_dir_all(&staging).map_err(io_err(&staging))?;
        }
        fs::create_dir_all(&staging).map_err(io_err(&staging))?;
        Ok(Self {
            out: out.to_path_buf(),
            staging,
            format,
            row_group_rows,
            current: None,
            parts: HashMap::new(),
            rows: 0,
            files: 0,
        })
    }

    /// Writes one row into its billing period's file, opening the next part of that period
    /// when the row belongs to another period than the open file.
    pub fn write(&mut self, row: FocusRow) -> Result<(), DatasetError> {
        if self.current.as_ref().map(|c| c.0.as_str()) != Some(row.billing_period.as_str()) {
            self.close_current()?;
            self.open(row.billing_period.to_string())?;
        }
        let Some((_, path, open)) = self.current.as_mut() else {
            // invariant: open() has just set `current`.
            unreachable!("open() sets current");
        };
        self.rows += 1;
        match open {
            Open::Csv(w) => w.write(&row).map_err(|source| DatasetError::Csv {
                path: path.clone(),
                source,
            }),
            #[cfg(feature = "parquet")]
            Open::Parquet(w) => w.write(row).map_err(|source| DatasetError::Parquet {
                path: path.clone(),
                source,
            }),
        }
    }

    fn open(&mut self, period: String) -> Result<(), DatasetError> {
        let dir = self.staging.join(format!("billing_period={period}"));
        fs::create_dir_all(&dir).map_err(io_err(&dir))?;
        let part = self.parts.entry(period.clone()).or_insert(0);
        let path = dir.join(format!("part-{part}.{}", self.format.extension()));
        *part += 1;
        let file = BufWriter::new(File::create(&path).map_err(io_err(&path))?);
        let open = match self.format {
            Format::Csv => Open::Csv(CsvWriter::new(file).map_err(|source| DatasetError::Csv {
                path: path.clone(),
                source,
            })?),
            #[cfg(feature = "parquet")]
            Format::Parquet => Open::Parquet(
                crate::parquet_out::ParquetWriter::new(file, self.row_group_rows).map_err(
                    |source| DatasetError::Parquet {
                        path: path.clone(),
                        source,
                    },
                )?,
            ),
        };
        self.files += 1;
        self.current = Some((period, path, open));
        Ok(())
    }

    fn close_current(&mut self) -> Result<(), DatasetError> {
        let Some((_, path, open)) = self.current.take() else {
            return Ok(());
        };
        let file = match open {
            Open::Csv(w) => w.finish().map_err(|source| DatasetError::Csv {
                path: path.clone(),
                source,
            })?,
            #[cfg(feature = "parquet")]
            Open::Parquet(w) => w.finish().map_err(|source| DatasetError::Parquet {
                path: path.clone(),
                source,
            })?,
        };
        file.into_inner()
            .map_err(|e| e.into_error())
            .and_then(|f| f.sync_all())
            .map_err(io_err(&path))
    }

    /// Closes the open file and renames the directory to its final name. Returns the
    /// rows and files written.
    pub fn finish(mut self) -> Result<(u64, usize), DatasetError> {
        self.close_current()?;
        if self.out.exists() {
            fs::remove_dir(&self.out).map_err(io_err(&self.out))?;
        }
        fs::rename(&self.staging, &self.out).map_err(io_err(&self.out))?;
        Ok((self.rows, self.files))
    }

    /// The temporary directory being written.
    pub fn staging(&self) -> &Path {
        &self.staging
    }

    /// The row-group size (Parquet).
    pub fn row_group_rows(&self) -> usize {
        self.row_group_rows
    }
}
