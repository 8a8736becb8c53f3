//! Paginators and waiters from the model: `aliyun_runtime::Paginated` for a listing whose request and response
//! show how to page it, `aliyun_runtime::JobStatus` for a read whose answer carries the status of a job.
//!
//! [`paging`] is the decision, a pure function from the model to plain data (positions of fields);
//! [`paginator`] turns its answer into tokens. Only what the model shows for sure gets a paginator: a paging
//! parameter of a known name and type, a marker of the same form in the answer (or, for page numbers, one list
//! of items in the whole answer), and one list of items next to it.

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

/// Request parameters that carry the number of the page to fetch.
const PAGE_NUMBERS: &[&str] = &["PageNumber", "PageNum", "CurrentPage", "PageNo"];
/// Request parameters that carry the size of a page.
const PAGE_SIZES: &[&str] = &["PageSize", "PageRecordCount", "MaxResults"];
/// Answer fields that carry the total number of items, in order of preference.
const TOTALS: &[&str] = &["TotalCount", "TotalRecordCount", "Total"];
/// The token of token paging, in the request and in the answer.
const TOKEN: &str = "NextToken";

/// How a listing pages, as positions in the model. A path is the indices of fields from the top level of the
/// request or the answer, through objects, to the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paging {
    pub cursor: Cursor,
    /// The list of items in the answer (every step but the last an object, the last a list).
    pub items: Vec<usize>,
}

/// What moves from one page to the next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cursor {
    /// `NextToken`: the request's optional string parameter `request` gets the answer's string at `response`.
    Token {
        request: usize,
        response: Vec<usize>,
    },
    /// A page number: the request's parameter `number` (an integer, or a number written as a string) counts
    /// up from 1; `size` is the request's page size, `total` the answer's total number of items.
    PageNumber {
        number: usize,
        size: Option<usize>,
        total: Option<Vec<usize>>,
    },
}

/// Whether a field is a scalar a page number or count can travel in (an integer, or a number as text).
fn is_number_like(f: &Field) -> bool {
    matches!(
        f.shape,
        Shape::Scalar(Scalar::Integer | Scalar::Long | Scalar::String)
    )
}

fn is_string(f: &Field) -> bool {
    matches!(f.shape, Shape::Scalar(Scalar::String))
}

/// The field at `path` (from `fields`, through objects).
pub fn field_at<'m>(fields: &'m [Field], path: &[usize]) -> Option<&'m Field> {
    let (last, objects) = path.split_last()?;
    let mut level = fields;
    for &i in objects {
        match &level.get(i)?.shape {
            Shape::Object(inner) => level = inner,
            _ => return None,
        }
    }
    level.get(*last)
}

/// The fields of the object at `scope` (the answer's top level for an empty path).
fn fields_at<'m>(fields: &'m [Field], scope: &[usize]) -> Option<&'m [Field]> {
    if scope.is_empty() {
        return Some(fields);
    }
    match &field_at(fields, scope)?.shape {
        Shape::Object(inner) => Some(inner),
        _ => None,
    }
}

/// Whether a shape is a list of items: a list of anything but lists.
fn is_list(s: &Shape) -> bool {
    matches!(s, Shape::Array(inner) if !matches!(**inner, Shape::Array(_)))
}

/// Whether a shape is an object holding only a list of items (`{"Vpcs": {"Vpc": [...]}}`).
fn is_wrapper(s: &Shape) -> bool {
    matches!(s, Shape::Object(inner) if inner.len() == 1 && is_list(&inner[0].shape))
}

/// Where a page's fields may sit: the answer's top level and each object at the top level but wrappers.
fn scopes(response: &[Field]) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new()];
    for (i, f) in response.iter().enumerate() {
        if matches!(f.shape, Shape::Object(_)) && !is_wrapper(&f.shape) {
            out.push(vec![i]);
        }
    }
    out
}

/// The lists of items in the object at `scope`: a list, or a wrapper around one.
fn lists_in(response: &[Field], scope: &[usize]) -> Vec<Vec<usize>> {
    let mut found = Vec::new();
    for (i, f) in fields_at(response, scope)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        if is_list(&f.shape) {
            found.push([scope, &[i]].concat());
        } else if is_wrapper(&f.shape) {
            found.push([scope, &[i, 0]].concat());
        }
    }
    found
}

/// The first field of `fields` at `scope` whose name is in `names` (in the order of `names`) and that `kind`
/// accepts, as a path.
fn named(
    fields: &[Field],
    scope: &[usize],
    names: &[&str],
    kind: fn(&Field) -> bool,
) -> Option<Vec<usize>> {
    let level = fields_at(fields, scope)?;
    names.iter().find_map(|name| {
        let i = level.iter().position(|f| f.name == *name && kind(f))?;
        Some([scope, &[i]].concat())
    })
}

/// How `op` pages, when its model shows it: a read (not a list-shaped ROA answer) with a `NextToken`
/// parameter whose answer carries `NextToken` at the top or in one object at the top, next to one list; or a
/// page-number parameter (`PageNumber`, `PageNum`, `CurrentPage`, `PageNo`; with `PageSize`,
/// `PageRecordCount` or `MaxResults` when the page has one, required or not) whose answer has one list next to
/// a total (`TotalCount`, `TotalRecordCount`, `Total`) or an echo of the paging parameters, or one list in all.
/// Numbers may be integers or numbers written as strings. Token paging wins where a page offers both.
pub fn paging(op: &Operation) -> Option<Paging> {
    if !op.only_reads() || op.response_is_list {
        return None;
    }
    let request = |names: &[&str], kind: fn(&Field) -> bool, optional: bool| {
        op.request
            .iter()
            .position(|f| names.contains(&f.name.as_str()) && kind(f) && !(optional && f.required))
    };
    let scopes = scopes(&op.response);
    if let Some(sent) = request(&[TOKEN], is_string, true) {
        for scope in &scopes {
            let Some(received) = named(&op.response, scope, &[TOKEN], is_string) else {
                continue;
            };
            if let [items] = &lists_in(&op.response, scope)[..] {
                return Some(Paging {
                    cursor: Cursor::Token {
                        request: sent,
                        response: received,
                    },
                    items: items.clone(),
                });
            }
        }
    }
    let number = request(PAGE_NUMBERS, is_number_like, false)?;
    let size = request(PAGE_SIZES, is_number_like, false);
    let echoes: Vec<&str> = TOTALS
        .iter()
        .chain(PAGE_NUMBERS)
        .chain(PAGE_SIZES)
        .copied()
        .collect();
    let marked = scopes.iter().find_map(|scope| {
        named(&op.response, scope, &echoes, is_number_like)?;
        match &lists_in(&op.response, scope)[..] {
            [items] => Some((scope, items.clone())),
            _ => None,
        }
    });
    let (scope, items) = match marked {
        Some(found) => found,
        None => {
            let mut all = scopes
                .iter()
                .flat_map(|s| lists_in(&op.response, s).into_iter().map(move |l| (s, l)));
            let first = all.next()?;
            if all.next().is_some() {
                return None;
            }
            first
        }
    };
    Some(Paging {
        cursor: Cursor::PageNumber {
            number,
            size,
            total: named(&op.response, scope, TOTALS, is_number_like),
        },
        items,
    })
}

/// How to reach the field at `path` of the answer held in `response`: the place `response.field` at the top
/// level (`false`), else an `Option` of it through the objects (`true`), by reference or by value.
fn reach(path: &[usize], response: &[Field], by_ref: bool) -> Option<(TokenStream, bool)> {
    let (last, objects) = path.split_last()?;
    let mut level = response;
    let mut expr = quote!(response);
    let mut wrapped = false;
    for &i in objects {
        let id = &response_field_idents(level)[i];
        let Shape::Object(inner) = &level.get(i)?.shape else {
            return None;
        };
        expr = match (wrapped, by_ref) {
            (false, true) => quote!(#expr.#id.as_ref()),
            (false, false) => quote!(#expr.#id),
            (true, true) => quote!(#expr.and_then(|v| v.#id.as_ref())),
            (true, false) => quote!(#expr.and_then(|v| v.#id)),
        };
        wrapped = true;
        level = inner;
    }
    let id = &response_field_idents(level)[*last];
    level.get(*last)?;
    Some(match (wrapped, by_ref) {
        (false, _) => (quote!(#expr.#id), false),
        (true, true) => (quote!(#expr.map(|v| &v.#id)), true),
        (true, false) => (quote!(#expr.map(|v| v.#id)), true),
    })
}

/// `impl Paginated` for `op`, when [`paging`] finds how it pages. `item_type` gives the Rust type of a list's
/// elements (the list field, the element shape).
pub fn paginator(
    op: &Operation,
    request: &Ident,
    response: &Ident,
    item_type: impl Fn(&Field, &Shape) -> TokenStream,
) -> Option<TokenStream> {
    let paging = paging(op)?;
    let req_ids = request_field_idents(&op.request);
    let list = field_at(&op.response, &paging.items)?;
    let Shape::Array(inner) = &list.shape else {
        return None;
    };
    let item = item_type(list, inner);
    let rt = quote!(aliyun_runtime::paginate);
    let (list_ref, list_wrapped) = reach(&paging.items, &op.response, true)?;
    let count = if list_wrapped {
        quote!(#list_ref.map_or(0, |l| l.len()))
    } else {
        quote!(#list_ref.len())
    };
    let (list_val, list_wrapped) = reach(&paging.items, &op.response, false)?;
    let into_items = if list_wrapped {
        quote!(#list_val.unwrap_or_default())
    } else {
        list_val
    };
    // A number or token of the answer, as `Option<i64>` / `Option<&str>`.
    let number_at = |path: &[usize]| -> Option<TokenStream> {
        let (r, wrapped) = reach(path, &op.response, true)?;
        Some(if wrapped {
            quote!(#r.and_then(#rt::PageField::number))
        } else {
            quote!(#rt::PageField::number(&#r))
        })
    };
    let next_page = match &paging.cursor {
        Cursor::Token {
            request: sent,
            response: received,
        } => {
            let sent = req_ids.get(*sent)?;
            let (r, wrapped) = reach(received, &op.response, true)?;
            let received = if wrapped {
                quote!(#r.and_then(|t| t.as_deref()))
            } else {
                quote!(#r.as_deref())
            };
            quote! {
                #rt::next_token(self.#sent.as_deref(), #received)
                    .map(|token| Self { #sent: Some(token), ..self.clone() })
            }
        }
        Cursor::PageNumber {
            number,
            size,
            total,
        } => {
            let number = req_ids.get(*number)?;
            let size = match size {
                Some(i) => {
                    let id = req_ids.get(*i)?;
                    quote!(#rt::PageField::number(&self.#id))
                }
                None => quote!(None),
            };
            let total = match total {
                Some(path) => number_at(path)?,
                None => quote!(None),
            };
            quote! {
                let next = #rt::next_page_number(
                    #rt::PageField::number(&self.#number),
                    #size,
                    #count,
                    #total,
                )?;
                Some(Self { #number: #rt::PageField::from_number(next)?, ..self.clone() })
            }
        }
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

/// Field names of a response struct, as `response_struct` names them.
fn response_idents(fields: &[Field]) -> Vec<Ident> {
    response_field_idents(fields)
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
    const LONG: &str = "{type: scalar, of: long}";
    const STR: &str = "{type: scalar, of: string}";
    const LIST: &str =
        "{type: array, of: {type: object, of: [{name: Id, shape: {type: scalar, of: string}}]}}";

    fn emitted(op: &Operation) -> Option<String> {
        paginator(op, &format_ident!("Req"), &format_ident!("Resp"), |_, _| {
            quote!(Item)
        })
        .map(|t| t.to_string())
    }

    fn required(f: String) -> String {
        f + "  required: true\n"
    }

    fn obj(fields: &[String]) -> String {
        let inner: Vec<String> = fields
            .iter()
            .map(|f| {
                let mut lines = f.lines();
                let name = lines
                    .next()
                    .unwrap_or_default()
                    .trim_start_matches("- name: ");
                let shape = lines
                    .next()
                    .unwrap_or_default()
                    .trim_start_matches("  shape: ");
                format!("{{name: {name}, shape: {shape}}}")
            })
            .collect();
        format!("{{type: object, of: [{}]}}", inner.join(", "))
    }

    fn token(request: usize, response: &[usize]) -> Cursor {
        Cursor::Token {
            request,
            response: response.to_vec(),
        }
    }

    #[test]
    fn token_paging_at_the_top() {
        let op = operation(
            "ListRules",
            &[field("NextToken", STR), field("MaxResults", INT)],
            &[
                field("NextToken", STR),
                field("Rules", LIST),
                field("RequestId", STR),
            ],
        );
        let p = paging(&op).expect("pages");
        assert_eq!(p.cursor, token(0, &[0]));
        assert_eq!(p.items, [1]);
        let code = emitted(&op).expect("a paginator");
        assert!(code.contains("next_token (self . next_token . as_deref () , response . next_token . as_deref ())"), "{code}");
        assert!(
            code.contains("fn into_items (response : Resp) -> Vec < Item > { response . rules }"),
            "{code}"
        );
    }

    #[test]
    fn token_inside_one_result_object_with_a_required_max_results() {
        let result = obj(&[field("NextToken", STR), field("Aggregators", LIST)]);
        let op = operation(
            "ListAggregators",
            &[field("NextToken", STR), required(field("MaxResults", INT))],
            &[field("RequestId", STR), field("AggregatorsResult", &result)],
        );
        let p = paging(&op).expect("pages");
        assert_eq!(p.cursor, token(0, &[1, 0]));
        assert_eq!(p.items, [1, 1]);
        let code = emitted(&op).expect("a paginator");
        assert!(code.contains("response . aggregators_result . as_ref () . map (| v | & v . next_token) . and_then (| t | t . as_deref ())"), "{code}");
        assert!(code.contains("response . aggregators_result . map (| v | v . aggregators) . unwrap_or_default ()"), "{code}");
    }

    #[test]
    fn page_number_paging_through_a_wrapper_object() {
        let wrapper = format!("{{type: object, of: [{{name: Vpc, shape: {LIST}}}]}}");
        let op = operation(
            "DescribeVpcs",
            &[field("PageNumber", INT), field("PageSize", INT)],
            &[field("TotalCount", INT), field("Vpcs", &wrapper)],
        );
        let p = paging(&op).expect("pages");
        assert_eq!(
            p.cursor,
            Cursor::PageNumber {
                number: 0,
                size: Some(1),
                total: Some(vec![0])
            }
        );
        assert_eq!(p.items, [1, 0]);
        let code = emitted(&op).expect("a paginator");
        assert!(code.contains("response . vpcs . as_ref () . map (| v | & v . vpc) . map_or (0 , | l | l . len ())"), "{code}");
        assert!(
            code.contains("PageField :: number (& response . total_count)"),
            "{code}"
        );
        assert!(
            code.contains(
                "page_number : aliyun_runtime :: paginate :: PageField :: from_number (next) ?"
            ),
            "{code}"
        );
    }

    #[test]
    fn every_page_number_form_of_the_model() {
        // (request number, request size, answer total): names and types as products use them.
        let forms = [
            ("PageNumber", INT, "PageSize", INT, "TotalCount", LONG),
            ("PageNum", LONG, "PageSize", LONG, "TotalRecordCount", INT),
            ("CurrentPage", STR, "PageSize", STR, "TotalCount", INT),
            ("PageNo", INT, "PageRecordCount", INT, "Total", STR),
            (
                "PageNumber",
                INT,
                "MaxResults",
                INT,
                "TotalRecordCount",
                LONG,
            ),
        ];
        for (number, number_t, size, size_t, total, total_t) in forms {
            let op = operation(
                "DescribeThings",
                &[
                    field("RegionId", STR),
                    field(number, number_t),
                    field(size, size_t),
                ],
                &[field(total, total_t), field("Things", LIST)],
            );
            assert_eq!(
                paging(&op).map(|p| p.cursor),
                Some(Cursor::PageNumber {
                    number: 1,
                    size: Some(2),
                    total: Some(vec![0])
                }),
                "{number} {size} {total}"
            );
        }
    }

    #[test]
    fn page_numbers_inside_a_data_object_with_required_parameters() {
        // SAE's form: `Data { CurrentPage, PageSize, Applications: [...] }`, no total, both parameters required.
        let data = obj(&[
            field("CurrentPage", INT),
            field("PageSize", INT),
            field("Applications", LIST),
        ]);
        let op = operation(
            "ListApplications",
            &[
                required(field("CurrentPage", INT)),
                required(field("PageSize", INT)),
            ],
            &[field("Data", &data), field("RequestId", STR)],
        );
        let p = paging(&op).expect("pages");
        assert_eq!(
            p.cursor,
            Cursor::PageNumber {
                number: 0,
                size: Some(1),
                total: None
            }
        );
        assert_eq!(p.items, [0, 2]);
        // A total inside the object, and the list in a wrapper there (`MediaSnapshot { Snapshots { Snapshot } }`).
        let snapshots = format!("{{type: object, of: [{{name: Snapshot, shape: {LIST}}}]}}");
        let media = obj(&[field("Snapshots", &snapshots), field("Total", LONG)]);
        let op = operation(
            "ListSnapshots",
            &[field("PageSize", STR), field("PageNo", STR)],
            &[field("RequestId", STR), field("MediaSnapshot", &media)],
        );
        let p = paging(&op).expect("pages");
        assert_eq!(
            p.cursor,
            Cursor::PageNumber {
                number: 1,
                size: Some(0),
                total: Some(vec![1, 1])
            }
        );
        assert_eq!(p.items, [1, 0, 0]);
    }

    #[test]
    fn a_wrapper_is_a_list_not_a_place_for_page_fields() {
        // vod `GetCategories`: no total the reader knows, an object beside the wrapped list.
        let wrapper = format!("{{type: object, of: [{{name: Category, shape: {LIST}}}]}}");
        let category = obj(&[field("CateId", LONG), field("CateName", STR)]);
        let op = operation(
            "GetCategories",
            &[field("PageNo", LONG), field("PageSize", LONG)],
            &[
                field("SubTotal", LONG),
                field("Category", &category),
                field("SubCategories", &wrapper),
            ],
        );
        let p = paging(&op).expect("pages");
        assert_eq!(
            p.cursor,
            Cursor::PageNumber {
                number: 0,
                size: Some(1),
                total: None
            }
        );
        assert_eq!(p.items, [2, 0]);
    }

    #[test]
    fn token_paging_wins_where_a_page_offers_both() {
        let wrapper = format!("{{type: object, of: [{{name: Instance, shape: {LIST}}}]}}");
        let op = operation(
            "DescribeInstances",
            &[
                field("PageNumber", INT),
                field("PageSize", INT),
                field("NextToken", STR),
                field("MaxResults", INT),
            ],
            &[
                field("Instances", &wrapper),
                field("NextToken", STR),
                field("TotalCount", INT),
            ],
        );
        assert_eq!(paging(&op).map(|p| p.cursor), Some(token(2, &[1])));
    }

    #[test]
    fn no_paginator_without_the_whole_pattern() {
        // Two lists; a write; a token the answer does not return; no page-number parameter; an answer that is a
        // list; a page number that is not a number.
        let a = operation(
            "DescribeA",
            &[field("PageNumber", INT), field("PageSize", INT)],
            &[
                field("TotalCount", INT),
                field("Items", LIST),
                field("Others", LIST),
            ],
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
        let d = operation(
            "ListD",
            &[field("NextToken", STR), field("MaxResults", INT)],
            &[field("A", LIST)],
        );
        let e = operation(
            "ListE",
            &[field("PageSize", INT)],
            &[field("TotalCount", INT), field("A", LIST)],
        );
        let mut f = operation(
            "ListF",
            &[field("PageNumber", INT)],
            &[field("TotalCount", INT), field("A", LIST)],
        );
        f.response_is_list = true;
        let g = operation(
            "ListG",
            &[field("PageNumber", "{type: scalar, of: boolean}")],
            &[field("TotalCount", INT), field("A", LIST)],
        );
        for op in [a, b, c, d, e, f, g] {
            assert_eq!(paging(&op), None, "{}", op.name);
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
