//! `x-cloudcost-rules` on a structure: rules the service documents that no member's own
//! constraint states, so that `validate()` refuses what the service would refuse with a
//! `ValidationException` (and the request, which costs money, is never sent).
//!
//! ```yaml
//! x-cloudcost-rules:
//!   - rule: maxItems          # also: exclusive, allowedValues, ordered, expression
//!     member: GroupBy
//!     max: 2
//!     message: at most two groups
//!     source: 'You can group AWS costs using up to two different groups, ...'
//! ```
//!
//! Every rule quotes its `source` (only rules the documentation states go in) and carries
//! the `message` users see. The loader checks each against the structure: the members
//! exist and have the types the rule needs.

use serde_json::Value;

use super::{escape, Loader, R};
use crate::ir::*;

impl<'a> Loader<'a> {
    /// Reads every structure's `x-cloudcost-rules` into `service.rules`.
    pub(super) fn rules(&self, service: &mut Service) -> R<()> {
        let Some(Value::Object(schemas)) =
            self.doc.get("components").and_then(|c| c.get("schemas"))
        else {
            return Ok(());
        };
        for (name, schema) in schemas {
            let Some(list) = schema.get("x-cloudcost-rules") else {
                continue;
            };
            let ptr = format!("/components/schemas/{}/x-cloudcost-rules", escape(name));
            let structure = service.structure(name).ok_or_else(|| {
                self.err(
                    &ptr,
                    "rules belong on a structure (`type: object` with `properties`)",
                )
            })?;
            let items = list
                .as_array()
                .ok_or_else(|| self.err(&ptr, "expected a list of rules"))?;
            let mut rules = Vec::new();
            for (i, item) in items.iter().enumerate() {
                rules.push(self.rule(service, structure, item, &format!("{ptr}/{i}"))?);
            }
            service.rules.insert(name.clone(), rules);
        }
        Ok(())
    }

    fn rule(&self, service: &Service, s: &Structure, v: &Value, ptr: &str) -> R<Rule> {
        self.obj(v, ptr)?;
        let member = |key: &str| -> R<&Member> {
            let name = self.req_str(v, ptr, key)?;
            s.members.iter().find(|m| m.name == name).ok_or_else(|| {
                self.err(
                    &format!("{ptr}/{key}"),
                    format!("no member `{name}` in this structure"),
                )
            })
        };
        let strings = |key: &str| -> R<Vec<String>> {
            v.get(key)
                .and_then(Value::as_array)
                .filter(|a| !a.is_empty())
                .and_then(|a| a.iter().map(|x| x.as_str().map(str::to_owned)).collect())
                .ok_or_else(|| {
                    self.err(
                        &format!("{ptr}/{key}"),
                        "expected a non-empty list of names",
                    )
                })
        };
        let kind = match self.req_str(v, ptr, "rule")? {
            "maxItems" => {
                let m = member("member")?;
                if !matches!(m.ty.kind, TyKind::List(_)) {
                    return Err(self.err(&format!("{ptr}/member"), "maxItems needs a list member"));
                }
                let max = v.get("max").and_then(Value::as_u64).ok_or_else(|| {
                    self.err(&format!("{ptr}/max"), "expected a non-negative integer")
                })?;
                RuleKind::MaxItems { member: m.name.clone(), max }
            }
            "exclusive" => {
                let members = strings("members")?;
                if members.len() < 2 {
                    return Err(self.err(&format!("{ptr}/members"), "name at least two members"));
                }
                for (i, name) in members.iter().enumerate() {
                    let p = format!("{ptr}/members/{i}");
                    let m = s.members.iter().find(|m| &m.name == name).ok_or_else(|| {
                        self.err(&p, format!("no member `{name}` in this structure"))
                    })?;
                    if m.required {
                        return Err(self.err(&p, format!("`{name}` is required, so it is always set")));
                    }
                }
                RuleKind::Exclusive { members }
            }
            "allowedValues" => {
                let m = member("member")?;
                let TyKind::Enum(enum_name) = &m.ty.kind else {
                    return Err(self.err(&format!("{ptr}/member"), "allowedValues needs an enum member"));
                };
                let known = match service.shapes.get(enum_name).map(|s| &s.kind) {
                    Some(ShapeKind::Enum(values)) => values.clone(),
                    _ => Vec::new(),
                };
                let values = strings("values")?;
                for (i, value) in values.iter().enumerate() {
                    if !known.iter().any(|k| k == value) {
                        return Err(self.err(
                            &format!("{ptr}/values/{i}"),
                            format!("`{value}` is not a value of `{enum_name}`"),
                        ));
                    }
                }
                RuleKind::AllowedValues { member: m.name.clone(), values }
            }
            "ordered" => {
                let members = strings("members")?;
                let [first, second] = &members[..] else {
                    return Err(self.err(&format!("{ptr}/members"), "name exactly two members: the earlier, then the later"));
                };
                for (i, name) in [first, second].into_iter().enumerate() {
                    let p = format!("{ptr}/members/{i}");
                    let m = s.members.iter().find(|m| &m.name == name).ok_or_else(|| {
                        self.err(&p, format!("no member `{name}` in this structure"))
                    })?;
                    if !matches!(
                        m.ty.kind,
                        TyKind::Date | TyKind::YearMonthDay | TyKind::EpochSeconds | TyKind::LocalDateTime
                    ) {
                        return Err(self.err(&p, format!("`{name}` is not a date or time")));
                    }
                }
                RuleKind::Ordered { first: first.clone(), second: second.clone() }
            }
            "expression" => {
                let m = member("member")?;
                let TyKind::Struct(shape) = &m.ty.kind else {
                    return Err(self.err(&format!("{ptr}/member"), "expression needs a structure member"));
                };
                let expr = service.structure(shape).ok_or_else(|| {
                    self.err(&format!("{ptr}/member"), format!("`{shape}` is not a structure"))
                })?;
                // Combinators are the members that hold more of the same expression.
                let combinators: Vec<String> = expr
                    .members
                    .iter()
                    .filter(|c| match &c.ty.kind {
                        TyKind::Struct(s) => s == shape,
                        TyKind::List(item) => matches!(&item.kind, TyKind::Struct(s) if s == shape),
                        _ => false,
                    })
                    .map(|c| c.name.clone())
                    .collect();
                if combinators.is_empty() {
                    return Err(self.err(&format!("{ptr}/member"), format!("`{shape}` has no member holding another `{shape}`")));
                }
                let allowed = match v.get("combinators") {
                    None => Vec::new(),
                    Some(_) => strings("combinators")?,
                };
                for (i, name) in allowed.iter().enumerate() {
                    if !combinators.contains(name) {
                        return Err(self.err(
                            &format!("{ptr}/combinators/{i}"),
                            format!("`{name}` is not a combinator of `{shape}` ({})", combinators.join(", ")),
                        ));
                    }
                }
                let max_depth = v
                    .get("maxDepth")
                    .and_then(Value::as_u64)
                    .and_then(|d| u32::try_from(d).ok())
                    .ok_or_else(|| self.err(&format!("{ptr}/maxDepth"), "expected a non-negative integer"))?;
                RuleKind::Expression {
                    member: m.name.clone(),
                    shape: shape.clone(),
                    combinators,
                    allowed,
                    max_depth,
                }
            }
            kind @ ("lookback" | "notFuture") => self.date_window(service, s, v, ptr, kind)?,
            other => {
                return Err(self.err(
                    &format!("{ptr}/rule"),
                    format!("unknown rule `{other}` (expected maxItems, exclusive, allowedValues, ordered, expression, lookback or notFuture)"),
                ))
            }
        };
        Ok(Rule {
            kind,
            message: self.req_str(v, ptr, "message")?.to_owned(),
            source: self.req_str(v, ptr, "source")?.to_owned(),
        })
    }

    /// `lookback` (`days` or `months`) and `notFuture`: a date inside a period member,
    /// checked against today, optionally only for one value of an enum member.
    fn date_window(
        &self,
        service: &Service,
        s: &Structure,
        v: &Value,
        ptr: &str,
        kind: &str,
    ) -> R<RuleKind> {
        let name = self.req_str(v, ptr, "member")?;
        let m = s.members.iter().find(|m| m.name == name).ok_or_else(|| {
            self.err(
                &format!("{ptr}/member"),
                format!("no member `{name}` in this structure"),
            )
        })?;
        let TyKind::Struct(period) = &m.ty.kind else {
            return Err(self.err(
                &format!("{ptr}/member"),
                format!("{kind} needs a structure member (a period)"),
            ));
        };
        let start = self.req_str(v, ptr, "start")?;
        let inner = service
            .structure(period)
            .and_then(|p| p.members.iter().find(|x| x.name == start))
            .ok_or_else(|| {
                self.err(
                    &format!("{ptr}/start"),
                    format!("no member `{start}` in `{period}`"),
                )
            })?;
        if !matches!(inner.ty.kind, TyKind::Date | TyKind::YearMonthDay) || !inner.required {
            return Err(self.err(
                &format!("{ptr}/start"),
                format!("`{start}` is not a required date of `{period}`"),
            ));
        }
        let when = match v.get("when") {
            None => None,
            Some(w) => {
                let wptr = format!("{ptr}/when");
                let member = self.req_str(w, &wptr, "member")?;
                let value = self.req_str(w, &wptr, "value")?;
                let wm = s.members.iter().find(|x| x.name == member).ok_or_else(|| {
                    self.err(
                        &format!("{wptr}/member"),
                        format!("no member `{member}` in this structure"),
                    )
                })?;
                let TyKind::Enum(e) = &wm.ty.kind else {
                    return Err(self.err(&format!("{wptr}/member"), "`when` needs an enum member"));
                };
                let known = matches!(service.shapes.get(e).map(|s| &s.kind), Some(ShapeKind::Enum(vals)) if vals.iter().any(|x| x == value));
                if !known {
                    return Err(self.err(
                        &format!("{wptr}/value"),
                        format!("`{value}` is not a value of `{e}`"),
                    ));
                }
                Some((member.to_owned(), value.to_owned()))
            }
        };
        let count = |key: &str| {
            v.get(key)
                .map(|n| {
                    n.as_u64()
                        .and_then(|n| u32::try_from(n).ok())
                        .ok_or_else(|| {
                            self.err(&format!("{ptr}/{key}"), "expected a non-negative integer")
                        })
                })
                .transpose()
        };
        let reach = match (kind, count("days")?, count("months")?) {
            ("notFuture", None, None) => Reach::NotFuture,
            ("lookback", Some(d), None) => Reach::Days(d),
            ("lookback", None, Some(m)) => Reach::Months(m),
            ("notFuture", ..) => return Err(self.err(ptr, "notFuture takes no `days` or `months`")),
            _ => return Err(self.err(ptr, "lookback takes exactly one of `days` and `months`")),
        };
        Ok(RuleKind::DateWindow {
            member: m.name.clone(),
            start: start.to_owned(),
            when,
            reach,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{error, load};
    use crate::ir::*;

    const SHAPES: &str = "components: {schemas: {
        Color: {type: string, enum: [RED, GREEN, BLUE]},
        Day: {type: string, format: date},
        Expr: {type: object, properties: {And: {type: array, items: {$ref: '#/components/schemas/Expr'}}, Not: {$ref: '#/components/schemas/Expr'}, Leaf: {type: string}}},
        Empty: {type: object, required: [Start], properties: {
            Tags: {type: array, items: {type: string}},
            Color: {$ref: '#/components/schemas/Color'},
            Size: {type: string},
            Start: {$ref: '#/components/schemas/Day'},
            End: {$ref: '#/components/schemas/Day'},
            Filter: {$ref: '#/components/schemas/Expr'},
            Period: {$ref: '#/components/schemas/Period'}},
          x-cloudcost-rules: RULES},
        Period: {type: object, required: [From], properties: {From: {$ref: '#/components/schemas/Day'}, Note: {type: string}}}}}";

    fn with(rules: &str) -> String {
        SHAPES.replace("RULES", rules)
    }

    #[test]
    fn every_kind_of_rule() {
        let s = load(&with(
            "[{rule: maxItems, member: Tags, max: 2, message: m1, source: s1},
              {rule: exclusive, members: [Color, Size], message: m2, source: s2},
              {rule: allowedValues, member: Color, values: [RED], message: m3, source: s3},
              {rule: ordered, members: [Start, End], message: m4, source: s4},
              {rule: expression, member: Filter, combinators: [And], maxDepth: 1, message: m5, source: s5}]",
        ));
        let kinds: Vec<&RuleKind> = s.rules["Empty"].iter().map(|r| &r.kind).collect();
        assert_eq!(
            kinds,
            [
                &RuleKind::MaxItems {
                    member: "Tags".into(),
                    max: 2
                },
                &RuleKind::Exclusive {
                    members: vec!["Color".into(), "Size".into()]
                },
                &RuleKind::AllowedValues {
                    member: "Color".into(),
                    values: vec!["RED".into()]
                },
                &RuleKind::Ordered {
                    first: "Start".into(),
                    second: "End".into()
                },
                &RuleKind::Expression {
                    member: "Filter".into(),
                    shape: "Expr".into(),
                    combinators: vec!["And".into(), "Not".into()],
                    allowed: vec!["And".into()],
                    max_depth: 1
                },
            ]
        );
        assert_eq!(s.rules["Empty"][4].message, "m5");
        assert_eq!(s.rules["Empty"][4].source, "s5");
    }

    #[test]
    fn rules_about_today() {
        let s = load(&with(
            "[{rule: lookback, member: Period, start: From, when: {member: Color, value: RED}, days: 14, message: m1, source: s1},
              {rule: lookback, member: Period, start: From, months: 13, message: m2, source: s2},
              {rule: notFuture, member: Period, start: From, message: m3, source: s3}]",
        ));
        let kinds: Vec<&RuleKind> = s.rules["Empty"].iter().map(|r| &r.kind).collect();
        let window = |when: Option<(&str, &str)>, reach| RuleKind::DateWindow {
            member: "Period".into(),
            start: "From".into(),
            when: when.map(|(m, v)| (m.into(), v.into())),
            reach,
        };
        assert_eq!(
            kinds,
            [
                &window(Some(("Color", "RED")), Reach::Days(14)),
                &window(None, Reach::Months(13)),
                &window(None, Reach::NotFuture),
            ]
        );
        let p = "specs/test.yaml#/components/schemas/Empty/x-cloudcost-rules/0";
        for (rules, expected) in [
            ("[{rule: lookback, member: Start, start: From, days: 1, message: m, source: s}]", format!("{p}/member: lookback needs a structure member (a period)")),
            ("[{rule: lookback, member: Period, start: Note, days: 1, message: m, source: s}]", format!("{p}/start: `Note` is not a required date of `Period`")),
            ("[{rule: lookback, member: Period, start: From, message: m, source: s}]", format!("{p}: lookback takes exactly one of `days` and `months`")),
            ("[{rule: lookback, member: Period, start: From, days: 1, months: 2, message: m, source: s}]", format!("{p}: lookback takes exactly one of `days` and `months`")),
            ("[{rule: notFuture, member: Period, start: From, days: 1, message: m, source: s}]", format!("{p}: notFuture takes no `days` or `months`")),
            ("[{rule: lookback, member: Period, start: From, days: -1, message: m, source: s}]", format!("{p}/days: expected a non-negative integer")),
            ("[{rule: lookback, member: Period, start: From, when: {member: Color, value: PINK}, days: 1, message: m, source: s}]", format!("{p}/when/value: `PINK` is not a value of `Color`")),
            ("[{rule: lookback, member: Period, start: From, when: {member: Size, value: x}, days: 1, message: m, source: s}]", format!("{p}/when/member: `when` needs an enum member")),
        ] {
            assert_eq!(error(&with(rules)), expected, "{rules}");
        }
    }

    #[test]
    fn rules_must_fit_their_structure() {
        let p = "specs/test.yaml#/components/schemas/Empty/x-cloudcost-rules/0";
        for (rules, expected) in [
            ("[{rule: maxItems, member: Nope, max: 2, message: m, source: s}]", format!("{p}/member: no member `Nope` in this structure")),
            ("[{rule: maxItems, member: Size, max: 2, message: m, source: s}]", format!("{p}/member: maxItems needs a list member")),
            ("[{rule: exclusive, members: [Start, End], message: m, source: s}]", format!("{p}/members/0: `Start` is required, so it is always set")),
            ("[{rule: allowedValues, member: Color, values: [PINK], message: m, source: s}]", format!("{p}/values/0: `PINK` is not a value of `Color`")),
            ("[{rule: ordered, members: [Start, Size], message: m, source: s}]", format!("{p}/members/1: `Size` is not a date or time")),
            ("[{rule: expression, member: Filter, combinators: [Or], maxDepth: 1, message: m, source: s}]", format!("{p}/combinators/0: `Or` is not a combinator of `Expr` (And, Not)")),
            ("[{rule: sometimes, message: m, source: s}]", format!("{p}/rule: unknown rule `sometimes` (expected maxItems, exclusive, allowedValues, ordered, expression, lookback or notFuture)")),
            ("[{rule: maxItems, member: Tags, max: 2, message: m}]", format!("{p}: missing required `source`")),
        ] {
            assert_eq!(error(&with(rules)), expected, "{rules}");
        }
    }
}
