//! The ledger file: [`Ledger::from_yaml`] and [`Ledger::to_yaml`] (the format is
//! documented at the crate root).

mod node;
mod read;
mod write;

use crate::error::LedgerError;
use crate::ledger::Ledger;

impl Ledger {
    /// Loads a ledger file (the format is in the crate documentation). Refused with the
    /// path inside the file and the reason: `reservations[1].hours: expected a
    /// non-negative number, found -3`.
    pub fn from_yaml(text: &str) -> Result<Ledger, LedgerError> {
        let f = read::file(text)?;
        match f.seed {
            Some(seed) => Ledger::from_organisation(seed, f.org, f.calendar),
            None => Ledger::with_items(f.org, f.calendar, &f.items),
        }
    }

    /// The ledger as a file in the same format: [`Ledger::from_yaml`] of it gives an
    /// equal ledger (a generated one is written as its organisation and seed, one of
    /// explicit items with every item).
    pub fn to_yaml(&self) -> String {
        write::file(self)
    }
}
