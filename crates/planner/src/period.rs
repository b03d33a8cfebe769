//! Periods as people ask for them: presets (`last-month`, `month-to-date`, `last-7-days`,
//! `last-N-days`, `this-year`) resolved against a [`Clock`] to a [`Period`] whose end is
//! exclusive, as Cost Explorer's `TimePeriod` is: `2024-01-01` to `2024-02-01` is January,
//! and its last day is the 31st.

use std::fmt;

use cloudcost_types::chrono::{DateTime, Datelike, Duration, NaiveDate};

/// Today's date, for resolving presets: [`SystemClock`] (UTC) in use, [`FixedClock`] in
/// tests.
pub trait Clock {
    /// Today, in UTC (the cost APIs' days are UTC days).
    fn today(&self) -> NaiveDate;
}

/// The system's clock, in UTC.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn today(&self) -> NaiveDate {
        // chrono's clock feature is off in the model crates' build: read the system time.
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
        DateTime::from_timestamp(secs, 0)
            .map(|t| t.date_naive())
            .unwrap_or_default()
    }
}

/// A clock stopped at one day.
#[derive(Clone, Copy, Debug)]
pub struct FixedClock(pub NaiveDate);

impl Clock for FixedClock {
    fn today(&self) -> NaiveDate {
        self.0
    }
}

/// A time period: `start` included, `end` excluded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    /// The first day.
    pub start: NaiveDate,
    /// The day after the last: excluded.
    pub end: NaiveDate,
}

impl Period {
    /// The last day the period includes (`end` minus one day); `None` when it is empty.
    pub fn last_day(&self) -> Option<NaiveDate> {
        (self.end > self.start).then(|| self.end - Duration::days(1))
    }

    /// Its days.
    pub fn days(&self) -> i64 {
        (self.end - self.start).num_days().max(0)
    }
}

impl fmt::Display for Period {
    /// `2024-01-01 to 2024-02-01 (end exclusive: the last day is 2024-01-31)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} to {} (end exclusive", self.start, self.end)?;
        match self.last_day() {
            Some(last) => write!(f, ": the last day is {last})"),
            None => write!(f, ": no day)"),
        }
    }
}

/// A period named the way people ask for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Preset {
    /// The whole of the previous calendar month.
    LastMonth,
    /// From the first of this month to today, today included (end: tomorrow).
    MonthToDate,
    /// The last N whole days, today excluded (it is not over yet).
    LastDays(u32),
    /// From the first of January to today, today included (end: tomorrow).
    ThisYear,
}

/// The presets' spellings, for help and for errors.
pub const PRESETS: &str =
    "last-month, month-to-date, last-7-days, last-N-days (N from 1 to 3650), this-year";

impl Preset {
    /// Reads a `--period` value.
    pub fn parse(text: &str) -> Result<Preset, String> {
        let expected = || format!("expected one of {PRESETS}, found `{text}`");
        match text {
            "last-month" => Ok(Preset::LastMonth),
            "month-to-date" => Ok(Preset::MonthToDate),
            "this-year" => Ok(Preset::ThisYear),
            _ => {
                let n = text
                    .strip_prefix("last-")
                    .and_then(|rest| rest.strip_suffix("-days"))
                    .ok_or_else(expected)?;
                match n.parse::<u32>() {
                    Ok(n) if (1..=3650).contains(&n) => Ok(Preset::LastDays(n)),
                    _ => Err(expected()),
                }
            }
        }
    }

    /// The period it names on the clock's today.
    pub fn resolve(self, clock: &dyn Clock) -> Period {
        let today = clock.today();
        let first_of_month = today.with_day(1).unwrap_or(today);
        let tomorrow = today + Duration::days(1);
        match self {
            Preset::LastMonth => {
                let start = (first_of_month - Duration::days(1))
                    .with_day(1)
                    .unwrap_or(first_of_month);
                Period {
                    start,
                    end: first_of_month,
                }
            }
            Preset::MonthToDate => Period {
                start: first_of_month,
                end: tomorrow,
            },
            Preset::LastDays(n) => Period {
                start: today - Duration::days(i64::from(n)),
                end: today,
            },
            Preset::ThisYear => Period {
                start: NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today),
                end: tomorrow,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn on(today: &str, preset: &str) -> String {
        let p = Preset::parse(preset).unwrap();
        let period = p.resolve(&FixedClock(day(today)));
        format!("{} {}", period.start, period.end)
    }

    #[test]
    fn presets_resolve_to_exclusive_ends() {
        assert_eq!(on("2024-03-15", "last-month"), "2024-02-01 2024-03-01");
        assert_eq!(on("2024-01-01", "last-month"), "2023-12-01 2024-01-01");
        assert_eq!(on("2024-03-15", "month-to-date"), "2024-03-01 2024-03-16");
        assert_eq!(on("2024-03-01", "month-to-date"), "2024-03-01 2024-03-02");
        assert_eq!(on("2024-03-15", "last-7-days"), "2024-03-08 2024-03-15");
        assert_eq!(on("2024-03-01", "last-30-days"), "2024-01-31 2024-03-01");
        assert_eq!(on("2024-12-31", "this-year"), "2024-01-01 2025-01-01");
    }

    #[test]
    fn bad_presets_say_what_was_expected() {
        for bad in [
            "",
            "yesterday",
            "last-0-days",
            "last-x-days",
            "last-99999-days",
        ] {
            let e = Preset::parse(bad).unwrap_err();
            assert!(e.contains("expected one of last-month"), "{e}");
        }
    }

    #[test]
    fn a_period_says_its_end_is_exclusive() {
        let p = Period {
            start: day("2024-01-01"),
            end: day("2024-02-01"),
        };
        assert_eq!(
            p.to_string(),
            "2024-01-01 to 2024-02-01 (end exclusive: the last day is 2024-01-31)"
        );
        assert_eq!(p.days(), 31);
    }
}
