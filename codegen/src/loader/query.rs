//! `x-cloudcost-query` of an operation: what it asks of a billing ledger (its kind) and
//! which request member plays each role (`period`, `granularity`, `metrics`, ...).
//!
//! With it the mock answers the operation from its ledger instead of from the schema, and
//! a similar operation added to a spec is answered by spec edits alone. Every member must
//! exist in the input and be of the kind its role needs, so that a wrong name is an error
//! here, not a query that silently ignores a member.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{Loader, R};
use crate::ir::*;

impl<'a> Loader<'a> {
    pub(super) fn query(
        &self,
        service: &Service,
        q: &'a Value,
        ptr: &str,
        input: &str,
    ) -> R<Query> {
        self.obj(q, ptr)?;
        let kind_name = self.req_str(q, ptr, "kind")?;
        let kind = QueryKind::ALL
            .iter()
            .find(|(_, n)| *n == kind_name)
            .map(|(k, _)| *k)
            .ok_or_else(|| {
                let names: Vec<&str> = QueryKind::ALL.iter().map(|(_, n)| *n).collect();
                self.err(
                    &format!("{ptr}/kind"),
                    format!("expected one of {}, found {kind_name:?}", names.join(", ")),
                )
            })?;
        let input_s = service
            .structure(input)
            .ok_or_else(|| self.err(ptr, format!("`{input}` is not a structure")))?;
        let mut members = BTreeMap::new();
        let given = match q.get("members") {
            None => serde_json::Map::new(),
            Some(m) => self.obj(m, &format!("{ptr}/members"))?.clone(),
        };
        for (role, value) in &given {
            let p = format!("{ptr}/members/{role}");
            let Some(&(_, _, needs)) = kind.roles().iter().find(|(r, _, _)| r == role) else {
                let roles: Vec<&str> = kind.roles().iter().map(|(r, _, _)| *r).collect();
                return Err(self.err(
                    &p,
                    format!(
                        "`{kind_name}` has no role `{role}`; its roles are {}",
                        roles.join(", ")
                    ),
                ));
            };
            let member = value
                .as_str()
                .ok_or_else(|| self.err(&p, "expected the name of a request member"))?;
            let Some(m) = input_s.members.iter().find(|m| m.name == member) else {
                return Err(self.err(&p, format!("`{input}` has no member `{member}`")));
            };
            if !fits(service, &m.ty, needs) {
                return Err(self.err(&p, format!("`{input}.{member}` is not {}", describe(needs))));
            }
            members.insert(role.clone(), member.to_string());
        }
        for (role, required, _) in kind.roles() {
            if *required && !members.contains_key(*role) {
                return Err(self.err(
                    &format!("{ptr}/members"),
                    format!("`{kind_name}` needs the role `{role}`"),
                ));
            }
        }
        Ok(Query { kind, members })
    }
}

/// Whether a member of type `ty` can play a role that needs `needs`.
fn fits(service: &Service, ty: &Ty, needs: RoleType) -> bool {
    let text = |t: &Ty| matches!(t.kind, TyKind::String | TyKind::Enum(_));
    match needs {
        RoleType::Interval => match &ty.kind {
            TyKind::Struct(n) => service.structure(n).is_some_and(|s| {
                let date = |name: &str| {
                    s.members.iter().any(|m| {
                        m.name == name
                            && matches!(
                                m.ty.kind,
                                TyKind::YearMonthDay | TyKind::Date | TyKind::LocalDateTime
                            )
                    })
                };
                date("Start") && date("End")
            }),
            _ => false,
        },
        RoleType::Text => text(ty),
        RoleType::Date => matches!(ty.kind, TyKind::Date | TyKind::YearMonthDay),
        RoleType::TextList => matches!(&ty.kind, TyKind::List(item) if text(item)),
        RoleType::StructList => {
            matches!(&ty.kind, TyKind::List(item) if matches!(item.kind, TyKind::Struct(_)))
        }
        RoleType::Struct => matches!(ty.kind, TyKind::Struct(_)),
        RoleType::Flag => matches!(ty.kind, TyKind::Boolean),
    }
}

fn describe(needs: RoleType) -> &'static str {
    match needs {
        RoleType::Interval => "a structure with date members `Start` and `End`",
        RoleType::Text => "a string or an enum",
        RoleType::Date => "a date",
        RoleType::TextList => "a list of strings or enums",
        RoleType::StructList => "a list of structures",
        RoleType::Struct => "a structure",
        RoleType::Flag => "a boolean",
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{error, load};
    use crate::ir::*;

    /// An operation with a cost query; `{query}` is its `x-cloudcost-query`.
    fn queried(query: &str) -> String {
        format!(
            r#"
components:
  schemas:
    Interval:
      type: object
      required: [Start, End]
      properties:
        Start: {{type: string, format: aws-year-month-day}}
        End: {{type: string, format: aws-year-month-day}}
    In:
      type: object
      properties:
        TimePeriod: {{$ref: '#/components/schemas/Interval'}}
        Granularity: {{type: string}}
        Metrics: {{type: array, items: {{type: string}}}}
        Count: {{type: integer}}
    Out: {{type: object}}
paths:
  /ping:
    post:
      requestBody: {{content: {{application/json: {{schema: {{$ref: '#/components/schemas/In'}}}}}}}}
      responses:
        '200': {{content: {{application/json: {{schema: {{$ref: '#/components/schemas/Out'}}}}}}}}
      x-cloudcost-query: {query}
"#
        )
    }

    #[test]
    fn roles_name_members_of_the_input() {
        let s = load(&queried(
            "{kind: costAndUsage, members: {period: TimePeriod, granularity: Granularity, metrics: Metrics}}",
        ));
        let q = s.operations[0].query.as_ref().unwrap();
        assert_eq!(q.kind, QueryKind::CostAndUsage);
        assert_eq!(q.members["period"], "TimePeriod");
        assert_eq!(q.members["metrics"], "Metrics");
        assert!(load("{}").operations[0].query.is_none());
    }

    #[test]
    fn a_wrong_kind_role_member_or_type_is_refused_where_it_is_written() {
        let at = "specs/test.yaml#/paths/~1ping/post/x-cloudcost-query";
        assert_eq!(
            error(&queried("{kind: costs}")),
            format!("{at}/kind: expected one of costAndUsage, reservationUtilization, usageTotals, freeTrials, usages, found \"costs\"")
        );
        assert_eq!(
            error(&queried(
                "{kind: usageTotals, members: {period: TimePeriod}}"
            )),
            format!(
                "{at}/members/period: `usageTotals` has no role `period`; its roles are accounts"
            )
        );
        assert_eq!(
            error(&queried("{kind: costAndUsage, members: {period: Period, granularity: Granularity, metrics: Metrics}}")),
            format!("{at}/members/period: `In` has no member `Period`")
        );
        assert_eq!(
            error(&queried("{kind: costAndUsage, members: {period: TimePeriod, granularity: Granularity, metrics: Count}}")),
            format!("{at}/members/metrics: `In.Count` is not a list of strings or enums")
        );
        assert_eq!(
            error(&queried(
                "{kind: costAndUsage, members: {period: TimePeriod, metrics: Metrics}}"
            )),
            format!("{at}/members: `costAndUsage` needs the role `granularity`")
        );
    }
}
