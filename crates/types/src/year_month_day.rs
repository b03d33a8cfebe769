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
        // AWS's pattern is `(\d{4}-\d{2}-\d{2})(T\d{2}:\d{2}:\d{2}Z)?`, and only that shape
        // is read: chrono's `%Y` also takes a signed or short year (`-017-10-01`), which
        // would display as `-0017-10-01` and so not re-encode as received.
        let err = || ParseYearMonthDayError(crate::wire::preview(s));
        let b = s.as_bytes();
        if b.len() == 10 {
            return crate::wire::plain_date(b).map(Self::Date).ok_or_else(err);
        }
        if !has_date_time_shape(b) {
            return Err(err());
        }
        // The shape is fixed; chrono checks the calendar and the clock (a leap second too).
        NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%SZ")
            .map(|t| Self::DateTime(t.and_utc()))
            .map_err(|_| err())
    }
}

/// Whether `b` is `DDDD-DD-DDTDD:DD:DDZ`, each `D` an ASCII digit.
fn has_date_time_shape(b: &[u8]) -> bool {
    const SHAPE: &[u8; 20] = b"DDDD-DD-DDTDD:DD:DDZ";
    b.len() == SHAPE.len()
        && b.iter().zip(SHAPE).all(|(&c, &want)| match want {
            b'D' => c.is_ascii_digit(),
            _ => c == want,
        })
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
        // A leap second is a valid clock reading and re-encodes as received.
        let leap: YearMonthDay = "2016-12-31T23:59:60Z".parse().unwrap();
        assert_eq!(leap.to_string(), "2016-12-31T23:59:60Z");
        let error = |s: &str| s.parse::<YearMonthDay>().unwrap_err().to_string();
        for bad in [
            "2017-13-01",
            "2017-09-01T13:00:00",
            "",
            // Found by tests/tests/fast_decode.rs: chrono's `%Y` took it, and it displayed
            // as "-0017-10-01".
            "-017-10-01",
            "+2017-10-01",
            "2017-1-01x",
            "+017-09-01T13:00:00Z",
            "2017-09-01T13:00:0xZ",
            "2017-09-01t13:00:00Z",
        ] {
            assert_eq!(
                error(bad),
                format!("expected YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ, found {bad:?}")
            );
        }
    }
}
