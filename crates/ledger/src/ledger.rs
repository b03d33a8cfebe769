//! The [`Ledger`]: an organisation, its calendar and its line items, made from a seed or
//! from explicit items, with the items of any day or hour computed on demand.

use cloudcost_types::chrono::{NaiveDate, NaiveDateTime, Timelike};

use crate::check;
use crate::dims::Index;
use crate::error::LedgerError;
use crate::filter::{eval, Expr, Subject};
use crate::generate::{organisation, Size};
use crate::items::{LineItem, Metric, Metrics};
use crate::org::{Calendar, Organisation, RuleOn};
use crate::streams::{self, Model, Stream};

/// A billing ledger: an organisation and its line items.
///
/// Items are never stored for a generated ledger: [`Ledger::items_on`] computes a day's
/// items from the seed, the organisation and the day, so any day is computed alone and
/// memory does not grow with the calendar. A ledger of explicit items keeps them (summed
/// per key and day).
#[derive(Debug, Clone)]
pub struct Ledger {
    pub(crate) org: Organisation,
    pub(crate) calendar: Calendar,
    pub(crate) seed: Option<u64>,
    pub(crate) streams: Vec<Stream>,
    pub(crate) model: Model,
    pub(crate) index: Index,
}

impl PartialEq for Ledger {
    /// Two ledgers are equal if they bill the same organisation over the same calendar
    /// with the same items.
    fn eq(&self, other: &Self) -> bool {
        self.org == other.org
            && self.calendar == other.calendar
            && self.seed == other.seed
            && self.streams == other.streams
    }
}

/// A line item seen by the filter: its dimensions through the ledger's index.
pub(crate) struct ItemSubject<'a> {
    pub index: &'a Index,
    pub item: &'a LineItem,
}

impl Subject for ItemSubject<'_> {
    fn dimension(&self, key: &str) -> Option<String> {
        self.index.dimension(self.item, key)
    }
    fn tag(&self, key: &str) -> Option<&str> {
        self.item.tag(key)
    }
    fn cost_category(&self, name: &str) -> Option<&str> {
        self.item.cost_category(name)
    }
}

impl Ledger {
    /// The synthetic organisation of `seed` and `size`, with generated items.
    pub fn generate(seed: u64, size: Size) -> Ledger {
        let org = organisation(seed, &size);
        Self::build(Some(seed), org, size.calendar(), None)
    }

    /// Items generated from `seed` for a given organisation (an edited one, say). The
    /// organisation is checked as a ledger file's would be.
    pub fn from_organisation(
        seed: u64,
        organisation: Organisation,
        calendar: Calendar,
    ) -> Result<Ledger, LedgerError> {
        check::calendar(&calendar)?;
        check::organisation(&organisation)?;
        Ok(Self::build(Some(seed), organisation, calendar, None))
    }

    /// A ledger of explicit daily items. Items of the same key and day add up; their
    /// cost categories are recomputed from the organisation's rules; hourly items are
    /// split from them. Refused with the path of the first bad item (`items[3].account`).
    pub fn with_items(
        organisation: Organisation,
        calendar: Calendar,
        items: &[LineItem],
    ) -> Result<Ledger, LedgerError> {
        check::calendar(&calendar)?;
        check::organisation(&organisation)?;
        check::items(&organisation, &calendar, items)?;
        Ok(Self::build(None, organisation, calendar, Some(items)))
    }

    fn build(
        seed: Option<u64>,
        org: Organisation,
        calendar: Calendar,
        items: Option<&[LineItem]>,
    ) -> Ledger {
        let index = Index::new(&org);
        let model = Model::new(seed.unwrap_or(0), &org, &calendar);
        let mut streams = match items {
            Some(items) => streams::explicit(items),
            None => streams::generated(seed.unwrap_or(0), &org, &calendar),
        };
        for s in &mut streams {
            s.proto.cost_categories = cost_categories(&org, &index, &s.proto);
        }
        Ledger {
            org,
            calendar,
            seed,
            streams,
            model,
            index,
        }
    }

    /// The organisation.
    pub fn organisation(&self) -> &Organisation {
        &self.org
    }

    /// The calendar: which days have items, which are estimated, which are hourly.
    pub fn calendar(&self) -> &Calendar {
        &self.calendar
    }

    /// The seed of a generated ledger; `None` for explicit items.
    pub fn seed(&self) -> Option<u64> {
        self.seed
    }

    fn item(
        stream: &Stream,
        day: NaiveDate,
        hour: Option<u8>,
        amounts: [cloudcost_types::rust_decimal::Decimal; 7],
    ) -> LineItem {
        let p = &stream.proto;
        LineItem {
            day,
            hour,
            metrics: Metrics {
                amounts,
                usage_unit: p.metrics.usage_unit.clone(),
            },
            ..p.clone()
        }
    }

    /// The daily line items of `day` (none outside the calendar), in a fixed order.
    pub fn items_on(&self, day: NaiveDate) -> Vec<LineItem> {
        self.streams
            .iter()
            .filter_map(|s| Some(Self::item(s, day, None, self.model.amounts(s, day)?)))
            .collect()
    }

    /// The hourly line items of the hour starting at `hour` (UTC), for the last
    /// `hourly_days` of the calendar (none otherwise). The hours of a day add up exactly
    /// to that day's items, key by key: usage metered in hours and fees spread evenly,
    /// other usage follows the time of day, tax and refunds fall in hour 0; each hour's
    /// share is rounded toward zero and the last hour takes the remainder.
    pub fn items_in_hour(&self, hour: NaiveDateTime) -> Vec<LineItem> {
        let day = hour.date();
        if day < self.calendar.hourly_start() || day >= self.calendar.end {
            return Vec::new();
        }
        let h = hour.hour() as u8;
        self.streams
            .iter()
            .filter(|s| s.profile.hours().contains(&h))
            .filter_map(|s| {
                let daily = self.model.amounts(s, day)?;
                let amounts = Metric::ALL.map(|m| s.profile.split(daily[m.index()], m, h));
                Some(Self::item(s, day, Some(h), amounts))
            })
            .collect()
    }

    /// Whether `item` matches the filter `e` (see [`crate::filter`] for the meaning of
    /// the match options). The expression is not checked: an unknown dimension matches
    /// nothing, as if its value were absent.
    pub fn matches(&self, item: &LineItem, e: &Expr) -> bool {
        eval(
            &ItemSubject {
                index: &self.index,
                item,
            },
            e,
        )
    }

    /// The value of a dimension (`LINKED_ACCOUNT`, `SERVICE`, ... see
    /// [`crate::DIMENSIONS`]) for `item`; `None` for a dimension the ledger does not know.
    pub fn dimension_value(&self, item: &LineItem, dimension: &str) -> Option<String> {
        self.index.dimension(item, dimension)
    }

    /// The attributes of a LINKED_ACCOUNT value, as Cost Explorer's
    /// `DimensionValueAttributes` carries them: `("description", account name)`; none
    /// for an unknown account.
    pub fn account_attributes(&self, account: &str) -> Vec<(String, String)> {
        self.index
            .account_name(account)
            .map(|n| vec![("description".to_string(), n.to_string())])
            .unwrap_or_default()
    }
}

/// The cost categories of an item: per category, the first rule that matches, else the
/// default, else none.
fn cost_categories(org: &Organisation, index: &Index, item: &LineItem) -> Vec<(String, String)> {
    org.cost_categories
        .iter()
        .filter_map(|c| {
            let hit = c.rules.iter().find(|r| {
                let v = match &r.on {
                    RuleOn::Dimension(d) => index.dimension(item, d),
                    RuleOn::Tag(t) => item.tag(t).map(str::to_string),
                };
                v.is_some_and(|v| r.values.contains(&v))
            });
            hit.map(|r| r.value.clone())
                .or_else(|| c.default.clone())
                .map(|v| (c.name.clone(), v))
        })
        .collect()
}
