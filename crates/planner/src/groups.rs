//! Queries past two groupings. Cost Explorer groups by at most two keys; a query with more
//! is split: one discovery request grouped by the extra keys (at most two) finds their
//! values, then one request per combination of those values, grouped by the first two keys
//! and filtered to the combination, and the answers are joined into one response whose
//! groups carry every key (the first two, then the extra ones), as a single request would
//! have given them. Pure functions over the wire JSON of an operation whose
//! `x-cloudcost-query` kind is `costAndUsage` (its request's `GroupBy`/`Filter` members
//! are named by the roles; the response's periods, `Groups` and `Keys` are that kind's).
//! Extra keys must be dimensions: a tag or cost category group key (`key$value`) would
//! need its own filter form.

use serde_json::{json, Map, Value};

/// How many groups one request may carry.
pub const MAX_GROUPS: usize = 2;

/// The members a split reads and writes: the roles of the spec's `x-cloudcost-query` and
/// the response member holding the periods (the pagination's items).
#[derive(Clone, Copy, Debug)]
pub struct Roles<'a> {
    /// The request member of the groupings (`GroupBy`).
    pub group_by: &'a str,
    /// The request member of the filter (`Filter`).
    pub filter: &'a str,
    /// The response member holding the periods (`ResultsByTime`).
    pub periods: &'a str,
}

/// A query with more than [`MAX_GROUPS`] groupings, split.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupSplit {
    /// The first two group definitions: every request groups by these.
    pub kept: Vec<Value>,
    /// The others (one or two, dimensions): split by their values.
    pub extra: Vec<Value>,
}

impl GroupSplit {
    /// The split of a request's groupings; `None` when it has at most two.
    pub fn of(request: &Value, roles: Roles<'_>) -> Result<Option<GroupSplit>, String> {
        let Some(Value::Array(groups)) = request.get(roles.group_by) else {
            return Ok(None);
        };
        if groups.len() <= MAX_GROUPS {
            return Ok(None);
        }
        if groups.len() > 2 * MAX_GROUPS {
            return Err(format!(
                "at most {} groups: two in each request and two more split by their values, found {}",
                2 * MAX_GROUPS,
                groups.len()
            ));
        }
        let extra = groups[MAX_GROUPS..].to_vec();
        for g in &extra {
            if g.get("Type").and_then(Value::as_str) != Some("DIMENSION")
                || g.get("Key").and_then(Value::as_str).is_none()
            {
                return Err(format!(
                    "groups past the second are split by their values and must be Type=DIMENSION with a Key, found {g}"
                ));
            }
        }
        Ok(Some(GroupSplit {
            kept: groups[..MAX_GROUPS].to_vec(),
            extra,
        }))
    }

    /// The extra keys' names (`LINKED_ACCOUNT`).
    pub fn extra_keys(&self) -> Vec<String> {
        self.extra
            .iter()
            .filter_map(|g| g.get("Key").and_then(Value::as_str).map(str::to_owned))
            .collect()
    }

    /// The discovery request: the request grouped by the extra keys only.
    pub fn discovery(&self, request: &Value, roles: Roles<'_>) -> Value {
        let mut r = request.clone();
        r[roles.group_by] = Value::Array(self.extra.clone());
        r
    }

    /// Every combination of the extra keys' values in the discovery answer's pages, sorted.
    pub fn combinations(&self, pages: &[Value], roles: Roles<'_>) -> Vec<Vec<String>> {
        let mut found: Vec<Vec<String>> = pages
            .iter()
            .flat_map(|p| periods(p, roles))
            .flat_map(groups)
            .filter_map(|g| keys(g).filter(|k| k.len() == self.extra.len()))
            .collect();
        found.sort();
        found.dedup();
        found
    }

    /// The request for one combination: grouped by the first two keys, and filtered to the
    /// combination (with the request's own filter, if any, under `And`).
    pub fn filtered(&self, request: &Value, combination: &[String], roles: Roles<'_>) -> Value {
        let mut r = request.clone();
        r[roles.group_by] = Value::Array(self.kept.clone());
        let mut terms: Vec<Value> = request.get(roles.filter).cloned().into_iter().collect();
        for (key, value) in self.extra_keys().iter().zip(combination) {
            terms.push(json!({"Dimensions": {"Key": key, "Values": [value]}}));
        }
        r[roles.filter] = if terms.len() == 1 {
            terms.remove(0)
        } else {
            json!({ "And": terms })
        };
        r
    }

    /// One response from the discovery answer (its periods, in order) and each
    /// combination's pages: each period's groups are every combination's, with the
    /// combination's values after the first two keys; `GroupDefinitions` lists every key.
    pub fn join(
        &self,
        discovery: &[Value],
        answers: &[(Vec<String>, Vec<Value>)],
        roles: Roles<'_>,
    ) -> Value {
        let mut out = Vec::new();
        for period in discovery.iter().flat_map(|p| periods(p, roles)) {
            let when = period.get("TimePeriod");
            let mut joined = Vec::new();
            for (combination, pages) in answers {
                for p in pages.iter().flat_map(|p| periods(p, roles)) {
                    if p.get("TimePeriod") != when {
                        continue;
                    }
                    for g in groups(p) {
                        let mut g = g.clone();
                        let mut k = keys(&g).unwrap_or_default();
                        k.extend(combination.iter().cloned());
                        g["Keys"] = json!(k);
                        joined.push(g);
                    }
                }
            }
            let mut period = period.clone();
            if let Value::Object(m) = &mut period {
                m.insert("Groups".into(), Value::Array(joined));
                m.insert("Total".into(), Value::Object(Map::new()));
            }
            out.push(period);
        }
        let mut definitions = self.kept.clone();
        definitions.extend(self.extra.iter().cloned());
        let mut response = Map::new();
        response.insert("GroupDefinitions".into(), Value::Array(definitions));
        response.insert(roles.periods.into(), Value::Array(out));
        Value::Object(response)
    }
}

/// One group of a joined answer, for programs: the period, every key, and each metric's
/// amount and unit as the service wrote them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupRow {
    /// The period's start and end (exclusive), as written.
    pub period: (String, String),
    /// Every key's value, in `GroupBy` order.
    pub keys: Vec<String>,
    /// (metric, amount, unit).
    pub metrics: Vec<(String, String, String)>,
}

/// The rows of a (joined or single) answer.
pub fn rows(response: &Value, roles: Roles<'_>) -> Vec<GroupRow> {
    let text = |v: Option<&Value>| v.and_then(Value::as_str).unwrap_or_default().to_owned();
    periods(response, roles)
        .flat_map(|p| {
            let period = (
                text(p.pointer("/TimePeriod/Start")),
                text(p.pointer("/TimePeriod/End")),
            );
            groups(p).map(move |g| GroupRow {
                period: period.clone(),
                keys: keys(g).unwrap_or_default(),
                metrics: match g.get("Metrics") {
                    Some(Value::Object(m)) => m
                        .iter()
                        .map(|(name, v)| (name.clone(), text(v.get("Amount")), text(v.get("Unit"))))
                        .collect(),
                    _ => Vec::new(),
                },
            })
        })
        .collect()
}

fn periods<'a>(page: &'a Value, roles: Roles<'_>) -> impl Iterator<Item = &'a Value> {
    page.get(roles.periods)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

fn groups(period: &Value) -> impl Iterator<Item = &Value> {
    period
        .get("Groups")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

fn keys(group: &Value) -> Option<Vec<String>> {
    group
        .get("Keys")?
        .as_array()?
        .iter()
        .map(|k| k.as_str().map(str::to_owned))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROLES: Roles<'static> = Roles {
        group_by: "GroupBy",
        filter: "Filter",
        periods: "ResultsByTime",
    };

    fn dim(key: &str) -> Value {
        json!({"Type": "DIMENSION", "Key": key})
    }

    #[test]
    fn three_keys_split_by_the_third_and_join_back() {
        let request = json!({"GroupBy": [dim("SERVICE"), dim("REGION"), dim("LINKED_ACCOUNT")],
            "Filter": {"Dimensions": {"Key": "RECORD_TYPE", "Values": ["Usage"]}}});
        let split = GroupSplit::of(&request, ROLES).unwrap().unwrap();
        assert_eq!(split.extra_keys(), ["LINKED_ACCOUNT"]);
        assert_eq!(
            split.discovery(&request, ROLES)["GroupBy"],
            json!([dim("LINKED_ACCOUNT")])
        );
        let period = |groups: Value| json!({"TimePeriod": {"Start": "2024-01-01", "End": "2024-02-01"}, "Groups": groups, "Estimated": false});
        let discovery =
            vec![json!({"ResultsByTime": [period(json!([{"Keys": ["2"]}, {"Keys": ["1"]}]))]})];
        assert_eq!(
            split.combinations(&discovery, ROLES),
            [vec!["1".to_string()], vec!["2".to_string()]]
        );
        let filtered = split.filtered(&request, &["1".into()], ROLES);
        assert_eq!(filtered["GroupBy"], json!([dim("SERVICE"), dim("REGION")]));
        assert_eq!(
            filtered["Filter"],
            json!({"And": [{"Dimensions": {"Key": "RECORD_TYPE", "Values": ["Usage"]}},
                           {"Dimensions": {"Key": "LINKED_ACCOUNT", "Values": ["1"]}}]})
        );
        let metric = json!({"UnblendedCost": {"Amount": "1.5", "Unit": "USD"}});
        let answer = |svc: &str| {
            vec![
                json!({"ResultsByTime": [period(json!([{"Keys": [svc, "us-east-1"], "Metrics": metric}]))]}),
            ]
        };
        let joined = split.join(
            &discovery,
            &[
                (vec!["1".into()], answer("S3")),
                (vec!["2".into()], answer("EC2")),
            ],
            ROLES,
        );
        let rows = rows(&joined, ROLES);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].keys, ["S3", "us-east-1", "1"]);
        assert_eq!(rows[1].keys, ["EC2", "us-east-1", "2"]);
        assert_eq!(
            rows[1].metrics,
            [("UnblendedCost".into(), "1.5".into(), "USD".into())]
        );
        assert_eq!(joined["GroupDefinitions"].as_array().unwrap().len(), 3);
    }

    #[test]
    fn two_keys_are_not_split_and_bad_extras_are_refused() {
        let two = json!({"GroupBy": [dim("SERVICE"), dim("REGION")]});
        assert_eq!(GroupSplit::of(&two, ROLES), Ok(None));
        let tag =
            json!({"GroupBy": [dim("SERVICE"), dim("REGION"), {"Type": "TAG", "Key": "team"}]});
        assert!(GroupSplit::of(&tag, ROLES)
            .unwrap_err()
            .contains("Type=DIMENSION"));
        let five = json!({"GroupBy": [dim("A"), dim("B"), dim("C"), dim("D"), dim("E")]});
        assert!(GroupSplit::of(&five, ROLES)
            .unwrap_err()
            .contains("at most 4 groups"));
    }
}
