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
        let input_s = service.structure(input).expect("input is a structure");
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
