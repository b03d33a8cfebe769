//! What a converter reports when a page cannot be mapped, and the two ways of meeting it:
//! stop (the default) or write the row with the gap marked in `x_Gap`.

use crate::row::FocusRow;

/// A page the converter cannot map: which page (0-based, in the order they arrived), which
/// row of it (`ResultsByTime[2].Groups[5]`, `usages[7]`, or the page itself), which field,
/// and what was expected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("page {page}, {row}: {field}: {reason}")]
pub struct ConvertError {
    /// The page's index in the export, from 0.
    pub page: usize,
    /// The row within the page, as a path.
    pub row: String,
    /// The field of the row.
    pub field: String,
    /// What was found and what was expected.
    pub reason: String,
}

/// What a converter does with a row it cannot fully map.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OnGap {
    /// Return the [`ConvertError`] (the default).
    #[default]
    Stop,
    /// Write the row, leave the column it could not fill null, and say why in `x_Gap`.
    Mark,
}

/// The rows of one page and how many of them carry a marked gap.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Converted {
    /// The rows, in the page's order.
    pub rows: Vec<FocusRow>,
    /// How many rows have `x_Gap` set ([`OnGap::Mark`] only).
    pub gaps: usize,
}

/// Collects the problems of one row under an [`OnGap`].
pub(crate) struct RowProblems<'a> {
    pub(crate) on_gap: OnGap,
    pub(crate) page: usize,
    pub(crate) row: &'a str,
    pub(crate) found: Vec<String>,
}

impl<'a> RowProblems<'a> {
    pub(crate) fn new(on_gap: OnGap, page: usize, row: &'a str) -> Self {
        Self {
            on_gap,
            page,
            row,
            found: Vec::new(),
        }
    }

    /// Reports a problem: an error under [`OnGap::Stop`], a note for `x_Gap` otherwise.
    pub(crate) fn report(&mut self, field: &str, reason: String) -> Result<(), ConvertError> {
        match self.on_gap {
            OnGap::Stop => Err(ConvertError {
                page: self.page,
                row: self.row.to_string(),
                field: field.to_string(),
                reason,
            }),
            OnGap::Mark => {
                self.found.push(format!("{field}: {reason}"));
                Ok(())
            }
        }
    }

    /// The `x_Gap` text, if any problem was found.
    pub(crate) fn into_gap(self) -> Option<String> {
        (!self.found.is_empty()).then(|| self.found.join("; "))
    }
}
