//! A directory of files partitioned by billing period
//! (`billing_period=2024-08/part-0.parquet`), written as rows arrive. A file is opened when
//! its period's first row arrives and stays open, so rows of a period that arrive apart
//! (one query per record type) land in one file; at most [`MAX_OPEN`] files are open, and
//! opening one more first closes the one written least recently (that period's later rows
//! go to its next part, `part-1`, ...), so memory does not grow with the periods. Parquet rows wait in one buffer shared by every period: when it
//! holds the row-group size, the period with most rows in it is written as a row group, so
//! memory is one row group however many periods are open. The whole directory is written
//! under a temporary name beside `out` (`<out>.partial`) and renamed to `out` by
//! [`Dataset::finish`]: a half-written export never looks complete.

use std::collections::BTreeMap;
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

/// The most files open at once: a year of monthly periods.
pub const MAX_OPEN: usize = 12;

/// The partitioned output directory being written.
pub struct Dataset {
    out: PathBuf,
    staging: PathBuf,
    format: Format,
    row_group_rows: usize,
    /// The open file of each billing period, with the rows waiting for its next row group.
    parts: BTreeMap<String, Part>,
    /// The next part number of each period, and how many files were written.
    next_part: BTreeMap<String, usize>,
    files: usize,
    /// A counter of writes, for closing the file written least recently.
    clock: u64,
    /// Rows waiting in every part (Parquet only).
    #[cfg_attr(not(feature = "parquet"), allow(dead_code))]
    buffered: usize,
    rows: u64,
}

struct Part {
    path: PathBuf,
    open: Open,
    last_write: u64,
    /// Rows for the part's next row group (Parquet only).
    #[cfg_attr(not(feature = "parquet"), allow(dead_code))]
    waiting: Vec<FocusRow>,
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
            parts: BTreeMap::new(),
            next_part: BTreeMap::new(),
            files: 0,
            clock: 0,
            buffered: 0,
            rows: 0,
        })
    }

    /// Writes one row into its billing period's file (Parquet: into the shared buffer).
    pub fn write(&mut self, row: FocusRow) -> Result<(), DatasetError> {
        if !self.parts.contains_key(row.billing_period.as_str()) {
            if self.parts.len() >= MAX_OPEN {
                self.close_least_recent()?;
            }
            let part = self.open(row.billing_period.as_str())?;
            self.parts.insert(row.billing_period.to_string(), part);
        }
        let Some(part) = self.parts.get_mut(row.billing_period.as_str()) else {
            // invariant: the period's part was inserted just above.
            unreachable!("the part was just opened");
        };
        self.rows += 1;
        self.clock += 1;
        part.last_write = self.clock;
        match &mut part.open {
            Open::Csv(w) => w.write(&row).map_err(|source| DatasetError::Csv {
                path: part.path.clone(),
                source,
            }),
            #[cfg(feature = "parquet")]
            Open::Parquet(_) => {
                part.waiting.push(row);
                self.buffered += 1;
                if self.buffered >= self.row_group_rows {
                    self.flush_largest()?;
                }
                Ok(())
            }
        }
    }

    /// Writes the period with most rows waiting as a row group.
    #[cfg(feature = "parquet")]
    fn flush_largest(&mut self) -> Result<(), DatasetError> {
        let Some(part) = self.parts.values_mut().max_by_key(|p| p.waiting.len()) else {
            return Ok(());
        };
        self.buffered -= part.waiting.len();
        flush_part(part)
    }

    /// Writes and closes the file written least recently.
    fn close_least_recent(&mut self) -> Result<(), DatasetError> {
        let Some(period) = self
            .parts
            .iter()
            .min_by_key(|(_, p)| p.last_write)
            .map(|(k, _)| k.clone())
        else {
            return Ok(());
        };
        let Some(mut part) = self.parts.remove(&period) else {
            return Ok(());
        };
        self.buffered -= part.waiting.len();
        flush_part(&mut part)?;
        close(part)
    }

    fn open(&mut self, period: &str) -> Result<Part, DatasetError> {
        let dir = self.staging.join(format!("billing_period={period}"));
        fs::create_dir_all(&dir).map_err(io_err(&dir))?;
        let number = self.next_part.entry(period.to_string()).or_insert(0);
        let path = dir.join(format!("part-{number}.{}", self.format.extension()));
        *number += 1;
        self.files += 1;
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
        Ok(Part {
            path,
            open,
            last_write: 0,
            waiting: Vec::new(),
        })
    }

    /// Writes what is waiting, closes every file and renames the directory to its final
    /// name. Returns the rows and files written.
    pub fn finish(self) -> Result<(u64, usize), DatasetError> {
        let files = self.files;
        for (_, mut part) in self.parts {
            flush_part(&mut part)?;
            close(part)?;
        }
        if self.out.exists() {
            fs::remove_dir(&self.out).map_err(io_err(&self.out))?;
        }
        fs::rename(&self.staging, &self.out).map_err(io_err(&self.out))?;
        Ok((self.rows, files))
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

/// Writes a part's waiting rows as one row group (Parquet; CSV rows never wait).
fn flush_part(part: &mut Part) -> Result<(), DatasetError> {
    #[cfg(feature = "parquet")]
    if let Open::Parquet(w) = &mut part.open {
        let waiting = std::mem::take(&mut part.waiting);
        return w
            .write_group(&waiting)
            .map_err(|source| DatasetError::Parquet {
                path: part.path.clone(),
                source,
            });
    }
    let _ = part;
    Ok(())
}

/// Writes a file's footer and closes it.
fn close(part: Part) -> Result<(), DatasetError> {
    let Part { path, open, .. } = part;
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
        .map(drop)
        .map_err(io_err(&path))
}
