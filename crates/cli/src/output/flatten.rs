//! A response as rows: one per item of the schema's record lists, nested lists exploded,
//! columns named by dotted wire paths.

use crate::call::Pagination;
use crate::json::Json;
use crate::schema::{Kind, Node};

/// Rows with named columns.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Table {
    /// Column names: dotted wire paths, in order of first appearance.
    pub columns: Vec<String>,
    /// One entry per column in each row; empty where a row has no value.
    pub rows: Vec<Vec<String>>,
}

type Row = Vec<(String, String)>;

/// Flattens a response into rows. The root is the pagination item list (or the whole
/// response when the operation does not page). Lists of structures and maps whose values
/// are structures become rows (a map entry's key fills the column named by the map's
/// path); scalars become dotted-path columns; lists of scalars are joined with `, `.
/// Where a record has several such lists, each contributes its own rows (they are
/// alternatives, such as Cost Explorer's `Total` and `Groups`, not a product).
/// Numbers are printed as they were written: amounts stay exact. A response nested
/// deeper than [`MAX_DEPTH`] levels is an error.
pub fn flatten(
    response: &Json,
    schema: Node<'_>,
    pagination: Option<&Pagination>,
) -> Result<Table, String> {
    let mut rows: Vec<Row> = Vec::new();
    match pagination {
        Some(p) => {
            let item_node = match schema.kind() {
                Kind::Struct { members, .. } => members
                    .iter()
                    .find(|(n, _)| *n == p.items)
                    .and_then(|(_, node)| match node.kind() {
                        Kind::List(item) => Some(item),
                        _ => None,
                    }),
                _ => None,
            };
            if let Some(Json::Array(items)) = response.get(p.items) {
                for item in items {
                    // Each item is two levels below the root (the response, its list).
                    rows.extend(record_rows(item, item_node, "", 2)?);
                }
            }
        }
        None => rows.extend(record_rows(response, Some(schema), "", 0)?),
    }
    let mut columns: Vec<String> = Vec::new();
    for row in &rows {
        for (c, _) in row {
            if !columns.contains(c) {
                columns.push(c.clone());
            }
        }
    }
    let rows = rows
        .into_iter()
        .map(|row| {
            columns
                .iter()
                .map(|c| {
                    row.iter()
                        .find(|(name, _)| name == c)
                        .map(|(_, v)| v.clone())
                        .unwrap_or_default()
                })
                .collect()
        })
        .collect();
    Ok(Table { columns, rows })
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn scalar_text(value: &Json) -> String {
    match value {
        Json::Null => String::new(),
        Json::Bool(b) => b.to_string(),
        Json::Number(n) => n.clone(),
        Json::String(s) => s.clone(),
        other => other.to_compact(),
    }
}

fn is_record(node: Option<Node<'_>>) -> Option<bool> {
    node.map(|n| matches!(n.kind(), Kind::Struct { .. } | Kind::Map(_)))
}

/// The rows of one record: its scalar columns, times the rows of each nested list.
/// `depth` is the record's level below the response's root.
fn record_rows(
    value: &Json,
    node: Option<Node<'_>>,
    path: &str,
    depth: usize,
) -> Result<Vec<Row>, String> {
    let mut scalars = Row::new();
    let mut branches: Vec<Vec<Row>> = Vec::new();
    collect(value, node, path, &mut scalars, &mut branches, depth)?;
    let branch_rows: Vec<Row> = branches.into_iter().flatten().collect();
    if branch_rows.is_empty() {
        return Ok(vec![scalars]);
    }
    Ok(branch_rows
        .into_iter()
        .map(|row| {
            let mut full = scalars.clone();
            full.extend(row);
            full
        })
        .collect())
}

/// How many levels below the response's root flattening follows. Far deeper than any
/// response the specs describe (Cost Explorer's amounts are 5 levels down); each level is
/// a recursive call, so the limit keeps a hostile response from exhausting the stack.
/// It is counted from the root through every record and list, so a deep value cannot
/// restart the count at each record.
pub const MAX_DEPTH: usize = 64;

fn collect(
    value: &Json,
    node: Option<Node<'_>>,
    path: &str,
    scalars: &mut Row,
    branches: &mut Vec<Vec<Row>>,
    depth: usize,
) -> Result<(), String> {
    if depth > MAX_DEPTH {
        // An error rather than the rest as JSON text in one cell: a cell that silently
        // holds a subtree is a truncated table.
        return Err(format!(
            "the response is nested more than {MAX_DEPTH} levels deep (at `{path}`); \
             table and CSV rows cannot hold it, --output json prints it"
        ));
    }
    let kind = node.map(|n| n.kind());
    match value {
        Json::Object(members) => match kind {
            Some(Kind::Map(values)) => {
                let records = is_record(Some(values)).unwrap_or(false)
                    || (!members.is_empty()
                        && members.iter().all(|(_, v)| matches!(v, Json::Object(_))));
                if records {
                    let mut rows = Vec::new();
                    for (k, v) in members {
                        for row in record_rows(v, Some(values), path, depth + 1)? {
                            let mut full = vec![(path.to_string(), k.clone())];
                            full.extend(row);
                            rows.push(full);
                        }
                    }
                    branches.push(rows);
                } else {
                    for (k, v) in members {
                        collect(
                            v,
                            Some(values),
                            &join(path, k),
                            scalars,
                            branches,
                            depth + 1,
                        )?;
                    }
                }
            }
            Some(Kind::Struct {
                members: schema_members,
                ..
            }) => {
                // Columns follow the spec's member order (the typed response serializes
                // in its own field order); members the schema does not know come last.
                for (name, member) in &schema_members {
                    for (k, v) in members.iter().filter(|(k, _)| k == name) {
                        collect(
                            v,
                            Some(*member),
                            &join(path, k),
                            scalars,
                            branches,
                            depth + 1,
                        )?;
                    }
                }
                for (k, v) in members {
                    if !schema_members.iter().any(|(name, _)| name == k) {
                        collect(v, None, &join(path, k), scalars, branches, depth + 1)?;
                    }
                }
            }
            _ => {
                for (k, v) in members {
                    collect(v, None, &join(path, k), scalars, branches, depth + 1)?;
                }
            }
        },
        Json::Array(items) => {
            let item_node = match kind {
                Some(Kind::List(item)) => Some(item),
                _ => None,
            };
            let records = is_record(item_node)
                .unwrap_or_else(|| items.iter().any(|i| matches!(i, Json::Object(_))));
            if records {
                let mut rows = Vec::new();
                for item in items {
                    match item {
                        Json::Object(_) => {
                            rows.extend(record_rows(item, item_node, path, depth + 1)?)
                        }
                        other => rows.push(vec![(path.to_string(), scalar_text(other))]),
                    }
                }
                branches.push(rows);
            } else {
                let texts: Vec<String> = items.iter().map(scalar_text).collect();
                scalars.push((path.to_string(), texts.join(", ")));
            }
        }
        scalar => scalars.push((path.to_string(), scalar_text(scalar))),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::call::OutputToken;
    use crate::output::render_csv;
    use crate::schema::Schema;

    #[test]
    fn ce_style_rows_one_per_period_group_metric() {
        let schema = Schema::parse(include_str!(
            "../../../../schemas/aws-ce/GetCostAndUsageResponse.json"
        ))
        .unwrap();
        let page = Json::parse(
            r#"{"ResultsByTime":[
                {"TimePeriod":{"Start":"2017-09-01","End":"2017-10-01"},"Total":{},
                 "Groups":[{"Keys":["S3","Env$Dev"],"Metrics":{"BlendedCost":{"Amount":"0.0000000001","Unit":"USD"},"UsageQuantity":{"Amount":"12","Unit":"N/A"}}},
                           {"Keys":["EC2"],"Metrics":{"BlendedCost":{"Amount":"69.11368320913270968764864436340574","Unit":"USD"}}}],
                 "Estimated":false},
                {"TimePeriod":{"Start":"2017-10-01","End":"2017-11-01"},"Total":{"BlendedCost":{"Amount":"5","Unit":"USD"}},"Groups":[],"Estimated":true}
            ],"NextPageToken":"x"}"#,
        )
        .unwrap();
        let p = Pagination {
            input_token: "NextPageToken",
            output_token: OutputToken::Member("NextPageToken"),
            page_size: None,
            items: "ResultsByTime",
        };
        let t = flatten(&page, schema.root(), Some(&p)).unwrap();
        assert_eq!(
            render_csv(&t).unwrap(),
            "TimePeriod.Start,TimePeriod.End,Estimated,Groups.Keys,Groups.Metrics,Groups.Metrics.Amount,Groups.Metrics.Unit,Total,Total.Amount,Total.Unit\n\
             2017-09-01,2017-10-01,false,\"S3, Env$Dev\",BlendedCost,0.0000000001,USD,,,\n\
             2017-09-01,2017-10-01,false,\"S3, Env$Dev\",UsageQuantity,12,N/A,,,\n\
             2017-09-01,2017-10-01,false,EC2,BlendedCost,69.11368320913270968764864436340574,USD,,,\n\
             2017-10-01,2017-11-01,true,,,,,BlendedCost,5,USD\n"
        );
    }

    #[test]
    fn too_deep_a_response_is_an_error_counted_from_the_root() {
        // Lists of records inside records, 500 times: each record used to restart the
        // count, so the limit never applied.
        let mut value = Json::Object(vec![("leaf".into(), Json::Number("1".into()))]);
        for _ in 0..500 {
            value = Json::Object(vec![("a".into(), Json::Array(vec![value]))]);
        }
        let page = Json::Object(vec![("items".into(), Json::Array(vec![value]))]);
        let p = Pagination {
            input_token: "next",
            output_token: OutputToken::Member("next"),
            page_size: None,
            items: "items",
        };
        let schema = Schema::parse(r#"{"type": "object"}"#).unwrap();
        // The item is at level 2; each `a` member and each record adds one level, so the
        // 65th level is the member after 32 records.
        let path = vec!["a"; 32].join(".");
        assert_eq!(
            flatten(&page, schema.root(), Some(&p)),
            Err(format!(
                "the response is nested more than 64 levels deep (at `{path}`); \
                 table and CSV rows cannot hold it, --output json prints it"
            ))
        );
        // Within the limit, the same shape flattens.
        let mut value = Json::Object(vec![("leaf".into(), Json::Number("1".into()))]);
        for _ in 0..3 {
            value = Json::Object(vec![("a".into(), Json::Array(vec![value]))]);
        }
        let page = Json::Object(vec![("items".into(), Json::Array(vec![value]))]);
        assert_eq!(
            flatten(&page, schema.root(), Some(&p)),
            Ok(Table {
                columns: vec!["a.a.a.leaf".into()],
                rows: vec![vec!["1".into()]],
            })
        );
    }
}
