//! `x-cloudcost-pagination` of an operation: which request member takes the token, which
//! response member (or which member of the last item, for SCP's markers) gives the next
//! one, the page-size member and the list of items.
//!
//! Every name must be a member of the operation's input or output of the right kind,
//! because the client's page and item streams are generated from them: a wrong name
//! would surface as a compile error in a generated crate instead of at the spec.

use serde_json::Value;

use super::{Loader, R};
use crate::ir::*;

impl<'a> Loader<'a> {
    pub(super) fn pagination(
        &self,
        service: &Service,
        pg: &'a Value,
        ptr: &str,
        input: &str,
        output: &str,
    ) -> R<Pagination> {
        self.obj(pg, ptr)?;
        let input_s = service
            .structure(input)
            .ok_or_else(|| self.err(ptr, format!("`{input}` is not a structure")))?;
        let output_s = service
            .structure(output)
            .ok_or_else(|| self.err(ptr, format!("`{output}` is not a structure")))?;
        let has =
            |s: &Structure, m: &str| s.members.iter().find(|x| x.name == m).map(|x| x.ty.clone());
        let input_token = self.req_str(pg, ptr, "inputToken")?.to_string();
        if has(input_s, &input_token).is_none() {
            return Err(self.err(
                &format!("{ptr}/inputToken"),
                format!("`{input}` has no member `{input_token}`"),
            ));
        }
        let page_size = self.opt_str(pg, ptr, "pageSize")?.map(str::to_string);
        if let Some(ps) = &page_size {
            if !matches!(
                has(input_s, ps).map(|t| t.kind),
                Some(TyKind::Integer { .. })
            ) {
                return Err(self.err(
                    &format!("{ptr}/pageSize"),
                    format!("`{input}` has no integer member `{ps}`"),
                ));
            }
        }
        let items = self.req_str(pg, ptr, "items")?.to_string();
        let item_ty = match has(output_s, &items).map(|t| t.kind) {
            Some(TyKind::List(item)) => *item,
            _ => {
                return Err(self.err(
                    &format!("{ptr}/items"),
                    format!("`{output}` has no list member `{items}`"),
                ))
            }
        };
        let output_token = match pg.get("outputToken") {
            Some(Value::String(s)) => {
                if has(output_s, s).is_none() {
                    return Err(self.err(
                        &format!("{ptr}/outputToken"),
                        format!("`{output}` has no member `{s}`"),
                    ));
                }
                OutputToken::Member(s.clone())
            }
            Some(v @ Value::Object(_)) => {
                let p = format!("{ptr}/outputToken");
                let field = self.req_str(v, &p, "fromLastItem")?;
                let ok = match &item_ty.kind {
                    TyKind::Struct(n) => service
                        .structure(n)
                        .is_some_and(|s| has(s, field).is_some()),
                    _ => false,
                };
                if !ok {
                    return Err(self.err(
                        &p,
                        format!("the items of `{items}` have no member `{field}`"),
                    ));
                }
                OutputToken::FromLastItem(field.to_string())
            }
            _ => {
                return Err(self.err(
                    ptr,
                    "expected `outputToken`: a member name or {fromLastItem: member}",
                ))
            }
        };
        Ok(Pagination {
            input_token,
            output_token,
            page_size,
            items,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{error, load};
    use crate::ir::*;

    /// A paged operation; `{pagination}` is its `x-cloudcost-pagination`.
    fn paged(pagination: &str) -> String {
        format!(
            r#"
components:
  schemas:
    In:
      type: object
      properties:
        nextToken: {{type: string}}
        maxResults: {{type: integer}}
        marker: {{type: string}}
        filter: {{type: string}}
    Out:
      type: object
      properties:
        nextToken: {{type: string}}
        items: {{type: array, items: {{$ref: '#/components/schemas/Item'}}}}
        count: {{type: integer}}
    Item:
      type: object
      properties:
        id: {{type: string}}
paths:
  /ping:
    post:
      requestBody: {{content: {{application/json: {{schema: {{$ref: '#/components/schemas/In'}}}}}}}}
      responses:
        '200': {{content: {{application/json: {{schema: {{$ref: '#/components/schemas/Out'}}}}}}}}
      x-cloudcost-pagination: {pagination}
"#
        )
    }

    #[test]
    fn token_pagination() {
        let s = load(&paged(
            "{inputToken: nextToken, outputToken: nextToken, pageSize: maxResults, items: items}",
        ));
        let p = s.operations[0].pagination.as_ref().unwrap();
        assert_eq!(p.input_token, "nextToken");
        assert_eq!(p.output_token, OutputToken::Member("nextToken".into()));
        assert_eq!(p.page_size.as_deref(), Some("maxResults"));
        assert_eq!(p.items, "items");
    }

    #[test]
    fn marker_from_the_last_item() {
        let s = load(&paged(
            "{inputToken: marker, outputToken: {fromLastItem: id}, items: items}",
        ));
        let p = s.operations[0].pagination.as_ref().unwrap();
        assert_eq!(p.input_token, "marker");
        assert_eq!(p.output_token, OutputToken::FromLastItem("id".into()));
        assert_eq!(p.page_size, None);
        assert_eq!(p.items, "items");
    }

    #[test]
    fn input_token_not_in_the_input() {
        assert_eq!(
            error(&paged("{inputToken: token, outputToken: nextToken, items: items}")),
            "specs/test.yaml#/paths/~1ping/post/x-cloudcost-pagination/inputToken: `In` has no member `token`"
        );
    }

    #[test]
    fn page_size_that_is_not_an_integer() {
        assert_eq!(
            error(&paged("{inputToken: nextToken, outputToken: nextToken, pageSize: filter, items: items}")),
            "specs/test.yaml#/paths/~1ping/post/x-cloudcost-pagination/pageSize: `In` has no integer member `filter`"
        );
    }

    #[test]
    fn output_token_not_in_the_output() {
        assert_eq!(
            error(&paged("{inputToken: nextToken, outputToken: next, items: items}")),
            "specs/test.yaml#/paths/~1ping/post/x-cloudcost-pagination/outputToken: `Out` has no member `next`"
        );
    }

    #[test]
    fn output_token_missing() {
        assert_eq!(
            error(&paged("{inputToken: nextToken, items: items}")),
            "specs/test.yaml#/paths/~1ping/post/x-cloudcost-pagination: expected `outputToken`: a member name or {fromLastItem: member}"
        );
    }

    #[test]
    fn marker_member_not_in_the_items() {
        assert_eq!(
            error(&paged("{inputToken: marker, outputToken: {fromLastItem: uuid}, items: items}")),
            "specs/test.yaml#/paths/~1ping/post/x-cloudcost-pagination/outputToken: the items of `items` have no member `uuid`"
        );
    }

    #[test]
    fn items_that_are_not_a_list() {
        assert_eq!(
            error(&paged("{inputToken: nextToken, outputToken: nextToken, items: count}")),
            "specs/test.yaml#/paths/~1ping/post/x-cloudcost-pagination/items: `Out` has no list member `count`"
        );
    }

    #[test]
    fn output_that_is_not_a_structure() {
        let spec = paged("{inputToken: nextToken, outputToken: nextToken, items: items}")
            .replace(
                "'200': {content: {application/json: {schema: {$ref: '#/components/schemas/Out'",
                "'200': {content: {application/json: {schema: {$ref: '#/components/schemas/Name'",
            )
            .replace("    Item:\n", "    Name: {type: string}\n    Item:\n");
        assert_eq!(
            error(&spec),
            "specs/test.yaml#/paths/~1ping/post/x-cloudcost-pagination: `Name` is not a structure"
        );
    }
}
