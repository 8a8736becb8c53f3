//! Paginators and waiters from the model: `aliyun_runtime::Paginated` for a listing whose request and response
//! show how to page it, `aliyun_runtime::JobStatus` for a read whose answer carries the status of a job.
//!
//! Only what the model shows for sure gets one: optional integer paging parameters, one list of items in the
//! answer, a status enum reached through objects (not lists) with a value that means done.

use crate::model::{Field, Operation, Scalar, Shape};
use crate::plan::{request_field_idents, response_field_idents};
use proc_macro2::{Ident, TokenStream};
use quote::quote;

/// Status values (upper-cased) that mean a job finished well, and ones that mean it failed.
const DONE: &[&str] = &[
    "COMPLETE",
    "COMPLETED",
    "SUCCESS",
    "SUCCEEDED",
    "SUCCESSFUL",
    "FINISHED",
    "DONE",
    "AVAILABLE",
    "READY",
    "ACTIVE",
];
const FAILED: &[&str] = &[
    "FAILED",
    "FAILURE",
    "FAIL",
    "ERROR",
    "CANCELLED",
    "CANCELED",
    "TIMEOUT",
];

/// Field names of a response struct, as `response_struct` names them.
fn response_idents(fields: &[Field]) -> Vec<Ident> {
    response_field_idents(fields)
}

fn is_integer(f: &Field) -> bool {
    matches!(f.shape, Shape::Scalar(Scalar::Integer | Scalar::Long))
}

fn is_string(f: &Field) -> bool {
    matches!(f.shape, Shape::Scalar(Scalar::String))
}

/// `impl Paginated` for `op`, when its model shows token or page-number paging and one list of items.
/// `item_type` gives the Rust type of a list's elements (the list field, the element shape).
pub fn paginator(
    op: &Operation,
    request: &Ident,
    response: &Ident,
    item_type: impl Fn(&Field, &Shape) -> TokenStream,
) -> Option<TokenStream> {
    if !op.only_reads() {
        return None;
    }
    let req_ids = request_field_idents(&op.request);
    let resp_ids = response_idents(&op.response);
    let req_field = |name: &str, kind: fn(&Field) -> bool| {
        op.request
            .iter()
            .position(|f| f.name == name && !f.required && kind(f))
            .map(|i| (&req_ids[i], &op.request[i]))
    };
    let resp_field = |name: &str, kind: fn(&Field) -> bool| {
        op.response
            .iter()
            .position(|f| f.name == name && kind(f))
            .map(|i| (&resp_ids[i], &op.response[i]))
    };
    let req = |name: &str, kind: fn(&Field) -> bool| req_field(name, kind).map(|(id, _)| id);
    let resp = |name: &str, kind: fn(&Field) -> bool| resp_field(name, kind).map(|(id, _)| id);
    // Page numbers are counted in i64: an Integer field is widened, a Long one is already there.
    let is_long = |f: &Field| matches!(f.shape, Shape::Scalar(Scalar::Long));
    let widen = |f: &Field| {
        if is_long(f) {
            quote!()
        } else {
            quote!(.map(i64::from))
        }
    };
    let (item, count, into_items) = items(op, &resp_ids, &item_type)?;
    let next_page = if let (Some(sent), Some(_), Some(received)) = (
        req("NextToken", is_string),
        req("MaxResults", is_integer),
        resp("NextToken", is_string),
    ) {
        quote! {
            aliyun_runtime::paginate::next_token(self.#sent.as_deref(), response.#received.as_deref())
                .map(|token| Self { #sent: Some(token), ..self.clone() })
        }
    } else if let (Some((number, number_f)), Some((size, size_f)), Some((total, total_f))) = (
        req_field("PageNumber", is_integer),
        req_field("PageSize", is_integer),
        resp_field("TotalCount", is_integer),
    ) {
        let (number_w, size_w, total_w) = (widen(number_f), widen(size_f), widen(total_f));
        let narrow = if is_long(number_f) {
            quote!()
        } else {
            quote!(.and_then(|n| n.try_into().ok()))
        };
        quote! {
            aliyun_runtime::paginate::next_page_number(
                self.#number #number_w,
                self.#size #size_w,
                #count,
                response.#total #total_w,
            )
            #narrow
            .map(|n| Self { #number: Some(n), ..self.clone() })
        }
    } else {
        return None;
    };
    Some(quote! {
        impl aliyun_runtime::Paginated for #request {
            type Item = #item;
            fn next_page(&self, response: &#response) -> Option<Self> {
                #next_page
            }
            fn into_items(response: #response) -> Vec<#item> {
                #into_items
            }
        }
    })
}

/// The one list of an answer: a top-level list, or a top-level object holding only a list
/// (`{"Vpcs": {"Vpc": [...]}}`). Gives its element type, its length and the expression that moves it out.
fn items(
    op: &Operation,
    resp_ids: &[Ident],
    item_type: &impl Fn(&Field, &Shape) -> TokenStream,
) -> Option<(TokenStream, TokenStream, TokenStream)> {
    let mut found = Vec::new();
    for (f, id) in op.response.iter().zip(resp_ids) {
        match &f.shape {
            Shape::Array(inner) if !matches!(**inner, Shape::Array(_)) => found.push((
                item_type(f, inner),
                quote!(response.#id.len()),
                quote!(response.#id),
            )),
            Shape::Object(fields) if fields.len() == 1 => {
                let list = &fields[0];
                if let Shape::Array(inner) = &list.shape {
                    if matches!(**inner, Shape::Array(_)) {
                        continue;
                    }
                    let inner_id = &response_idents(fields)[0];
                    found.push((
                        item_type(list, inner),
                        quote!(response.#id.as_ref().map_or(0, |l| l.#inner_id.len())),
                        quote!(response.#id.map(|l| l.#inner_id).unwrap_or_default()),
                    ));
                }
            }
            _ => {}
        }
    }
    (found.len() == 1).then(|| found.remove(0))
}

/// `impl JobStatus` for a read whose answer has a status enum (a field named `…Status`, reached through objects)
/// with a value that means done.
pub fn waiter(op: &Operation, request: &Ident, response: &Ident) -> Option<TokenStream> {
    if !op.only_reads() {
        return None;
    }
    let (path, values) = status_path(&op.response)?;
    let upper = |v: &&String| v.to_ascii_uppercase();
    let done: Vec<&String> = values
        .iter()
        .filter(|v| DONE.contains(&upper(v).as_str()))
        .collect();
    let failed: Vec<&String> = values
        .iter()
        .filter(|v| FAILED.contains(&upper(v).as_str()))
        .collect();
    if done.is_empty() {
        return None;
    }
    let (first, rest) = path.split_first()?;
    let rest = rest.iter().map(|id| quote!(.and_then(|v| v.#id.as_ref())));
    Some(quote! {
        impl aliyun_runtime::JobStatus for #request {
            const DONE: &'static [&'static str] = &[#(#done),*];
            const FAILED: &'static [&'static str] = &[#(#failed),*];
            fn job_status(response: &#response) -> Option<&str> {
                response.#first.as_ref() #(#rest)* .map(|s| s.as_str())
            }
        }
    })
}

/// The field names from the answer to the first string status enum, and its values.
fn status_path(fields: &[Field]) -> Option<(Vec<Ident>, Vec<String>)> {
    let ids = response_idents(fields);
    for (f, id) in fields.iter().zip(&ids) {
        match &f.shape {
            Shape::Enum(e) if f.name.ends_with("Status") && e.base == Scalar::String => {
                return Some((
                    vec![id.clone()],
                    e.values.iter().map(|v| v.value.clone()).collect(),
                ));
            }
            Shape::Object(inner) => {
                if let Some((mut path, values)) = status_path(inner) {
                    path.insert(0, id.clone());
                    return Some((path, values));
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::format_ident;

    fn op(yaml: &str) -> Operation {
        serde_yaml::from_str(yaml).unwrap_or_else(|e| panic!("{e}"))
    }

    fn field(name: &str, shape: &str) -> String {
        format!("- name: {name}\n  shape: {shape}\n")
    }

    fn operation(name: &str, request: &[String], response: &[String]) -> Operation {
        let indent = |fields: &[String]| {
            fields
                .iter()
                .flat_map(|f| f.lines().map(|l| format!("  {l}\n")))
                .collect::<String>()
        };
        op(&format!(
            "name: {name}\nmethod: POST\ndocs: {{}}\nrequest:\n{}response:\n{}errors: []\nexamples: {{}}\nsources: []\n",
            indent(request),
            indent(response)
        ))
    }

    const INT: &str = "{type: scalar, of: integer}";
    const STR: &str = "{type: scalar, of: string}";
    const LIST: &str =
        "{type: array, of: {type: object, of: [{name: Id, shape: {type: scalar, of: string}}]}}";

    fn emitted(op: &Operation) -> Option<String> {
        paginator(op, &format_ident!("Req"), &format_ident!("Resp"), |_, _| {
            quote!(Item)
        })
        .map(|t| t.to_string())
    }

    #[test]
    fn token_paging_with_one_list() {
        let op = operation(
            "ListRules",
            &[field("NextToken", STR), field("MaxResults", INT)],
            &[
                field("NextToken", STR),
                field("Rules", LIST),
                field("RequestId", STR),
            ],
        );
        let code = emitted(&op).expect("a paginator");
        assert!(code.contains("next_token (self . next_token . as_deref () , response . next_token . as_deref ())"), "{code}");
        assert!(code.contains("response . rules"), "{code}");
    }

    #[test]
    fn page_number_paging_through_a_wrapper_object() {
        let wrapper = format!("{{type: object, of: [{{name: Vpc, shape: {LIST}}}]}}");
        let op = operation(
            "DescribeVpcs",
            &[field("PageNumber", INT), field("PageSize", INT)],
            &[field("TotalCount", INT), field("Vpcs", &wrapper)],
        );
        let code = emitted(&op).expect("a paginator");
        assert!(code.contains("next_page_number"), "{code}");
        assert!(
            code.contains("response . vpcs . map (| l | l . vpc)"),
            "{code}"
        );
    }

    #[test]
    fn page_numbers_of_type_long_are_not_converted() {
        // Long fields are already i64: a conversion would be `clippy::useless_conversion` in the crate.
        const LONG: &str = "{type: scalar, of: long}";
        let op = operation(
            "ListStacks",
            &[field("PageNumber", LONG), field("PageSize", INT)],
            &[field("TotalCount", LONG), field("Stacks", LIST)],
        );
        let code = emitted(&op).expect("a paginator");
        assert!(code.contains("self . page_number ,"), "{code}");
        assert!(
            code.contains("self . page_size . map (i64 :: from)"),
            "{code}"
        );
        assert!(code.contains("response . total_count ,"), "{code}");
        assert!(!code.contains("try_into"), "{code}");
    }

    #[test]
    fn no_paginator_without_the_whole_pattern() {
        // No TotalCount; two lists; a write.
        let a = operation(
            "DescribeA",
            &[field("PageNumber", INT), field("PageSize", INT)],
            &[field("Items", LIST)],
        );
        let b = operation(
            "ListB",
            &[field("NextToken", STR), field("MaxResults", INT)],
            &[field("NextToken", STR), field("A", LIST), field("B", LIST)],
        );
        let c = operation(
            "CreateC",
            &[field("NextToken", STR), field("MaxResults", INT)],
            &[field("NextToken", STR), field("A", LIST)],
        );
        for op in [a, b, c] {
            assert_eq!(emitted(&op), None, "{}", op.name);
        }
    }

    #[test]
    fn a_waiter_for_a_status_enum_with_a_done_value() {
        let status = "{type: enum, of: {base: string, values: [{value: CREATING}, {value: COMPLETE}, {value: Failed}]}}";
        let report = format!("{{type: object, of: [{{name: ReportStatus, shape: {status}}}]}}");
        let op = operation("GetReport", &[], &[field("Report", &report)]);
        let code = waiter(&op, &format_ident!("Req"), &format_ident!("Resp"))
            .unwrap()
            .to_string();
        assert!(
            code.contains("DONE : & 'static [& 'static str] = & [\"COMPLETE\"]"),
            "{code}"
        );
        assert!(
            code.contains("FAILED : & 'static [& 'static str] = & [\"Failed\"]"),
            "{code}"
        );
        assert!(
            code.contains(
                "response . report . as_ref () . and_then (| v | v . report_status . as_ref ())"
            ),
            "{code}"
        );
        let pending_only = "{type: enum, of: {base: string, values: [{value: CREATING}]}}";
        let op = operation("GetReport", &[], &[field("ReportStatus", pending_only)]);
        assert!(waiter(&op, &format_ident!("Req"), &format_ident!("Resp")).is_none());
    }
}
