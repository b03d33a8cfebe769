//! [`YearMonthDay`]: a date or a UTC date-time, kept as received so it re-encodes
//! exactly; parsed from and written to its wire text.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Cost Explorer's `YearMonthDay`: a date (`2017-09-01`) or, for hourly granularity, a UTC
/// date-time (`2017-09-01T13:00:00Z`). It keeps which of the two it was, so it re-encodes
/// exactly as received.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum YearMonthDay {
    /// `YYYY-MM-DD`
    Date(NaiveDate),
    /// `YYYY-MM-DDThh:mm:ssZ`
    DateTime(DateTime<Utc>),
}

impl YearMonthDay {
    /// The instant this value starts at, in UTC (midnight for a date).
    pub fn start(&self) -> DateTime<Utc> {
        match self {
            Self::Date(d) => NaiveDateTime::new(*d, NaiveTime::MIN).and_utc(),
            Self::DateTime(t) => *t,
        }
    }

    /// The calendar date.
    pub fn date(&self) -> NaiveDate {
        match self {
            Self::Date(d) => *d,
            Self::DateTime(t) => t.date_naive(),
        }
    }
}

impl From<NaiveDate> for YearMonthDay {
    fn from(d: NaiveDate) -> Self {
        Self::Date(d)
    }
}

impl From<DateTime<Utc>> for YearMonthDay {
    fn from(t: DateTime<Utc>) -> Self {
        Self::DateTime(t)
    }
}

/// Why a string is not a `YearMonthDay`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseYearMonthDayError(String);

impl fmt::Display for ParseYearMonthDayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "expected YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ, found {}",
            self.0
        )
    }
}

impl std::error::Error for ParseYearMonthDayError {}

impl FromStr for YearMonthDay {
    type Err = ParseYearMonthDayError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        // The usual form, read without chrono's format machinery; chrono decides the rest.
        if let Some(date) = crate::wire::plain_date(s.as_bytes()) {
            return Ok(Self::Date(date));
        }
        let err = || ParseYearMonthDayError(crate::wire::preview(s));
        if s.len() == 10 {
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(Self::Date)
                .map_err(|_| err())
        } else {
            NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%SZ")
                .map(|t| Self::DateTime(t.and_utc()))
                .map_err(|_| err())
        }
    }
}

impl fmt::Display for YearMonthDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Date(d) => write!(f, "{}", d.format("%Y-%m-%d")),
            Self::DateTime(t) => write!(f, "{}", t.format("%Y-%m-%dT%H:%M:%SZ")),
        }
    }
}

impl Serialize for YearMonthDay {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for YearMonthDay {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::wire::decode_str(deserializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_forms_round_trip() {
        for s in ["2017-09-01", "2017-09-01T13:00:00Z"] {
            let v: YearMonthDay = s.parse().unwrap();
            assert_eq!(v.to_string(), s);
        }
        let error = |s: &str| s.parse::<YearMonthDay>().unwrap_err().to_string();
        for bad in ["2017-13-01", "2017-09-01T13:00:00", ""] {
            assert_eq!(
                error(bad),
                format!("expected YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ, found {bad:?}")
            );
        }
    }
}
