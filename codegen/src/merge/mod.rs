//! Stage 3: the pages of one operation (Chinese, English, several files) → one `Operation`, and the error
//! codes of all operations → the service's error list.
//!
//! Rule where pages disagree: the Chinese page wins (the English pages are translations of it), then the
//! first file by name; every disagreement is a warning naming both places. Descriptions are kept per language.

pub mod same_name;
pub mod strays;

use crate::diag::{Code, Diagnostic};
use crate::model::{Docs, ErrorCode, HttpMethod, Operation, Shape};
use crate::read::{Lang, PageOperation};
use std::collections::BTreeMap;

/// Joins pages by operation name; returns operations in name order and the service's error codes.
pub fn operations(
    mut pages: Vec<PageOperation>,
    diags: &mut Vec<Diagnostic>,
) -> (Vec<Operation>, Vec<ErrorCode>) {
    for p in &mut pages {
        same_name::join_repeated(&mut p.request, &p.name, "request", diags);
        same_name::join_repeated(&mut p.response, &p.name, "response", diags);
    }
    same_operation_other_case(&mut pages, diags);
    pages.sort_by(|a, b| (&a.name, a.lang, &a.file).cmp(&(&b.name, b.lang, &b.file)));
    let mut groups: BTreeMap<String, Vec<PageOperation>> = BTreeMap::new();
    for p in pages {
        groups.entry(p.name.clone()).or_default().push(p);
    }
    let mut errors: BTreeMap<String, ErrorCode> = BTreeMap::new();
    let mut ops = Vec::new();
    for (name, group) in groups {
        let mut iter = group.into_iter();
        let Some(first) = iter.next() else { continue };
        let mut sources = vec![first.file.clone()];
        let mut docs = lang_docs(first.lang, first.docs.clone());
        let mut request = first.request.clone();
        let mut response = first.response.clone();
        let mut op_errors = first.errors.clone();
        let mut examples = first.examples.clone();
        let mut route = None;
        let mut response_is_list = first.response_is_list;
        for other in iter {
            if let (Some(kept), Some(theirs)) = (&first.route, &other.route) {
                if (kept.method, &kept.path) != (theirs.method, &theirs.path) {
                    diags.push(
                        Diagnostic::new(
                            Code::RouteDisagrees,
                            theirs.span.clone(),
                            format!(
                                "{name} is `{} {}` here but `{} {}` in {}",
                                theirs.method.as_str(),
                                theirs.path,
                                kept.method.as_str(),
                                kept.path,
                                first.file
                            ),
                            "this request line",
                        )
                        .also(kept.span.clone(), "this one is kept"),
                    );
                }
            }
            route = route.or(other.route.clone());
            response_is_list |= other.response_is_list;
            sources.push(other.file.clone());
            fill(&mut docs, lang_docs(other.lang, other.docs.clone()));
            let ctx = Pair {
                base: &first.file,
                other: &other.file,
                op: &name,
            };
            let mut theirs = other.response.clone();
            strays::drop_strays(
                &mut response,
                &mut theirs,
                &[
                    examples.response_json.as_deref(),
                    other.examples.response_json.as_deref(),
                ],
                &strays::Pages {
                    a: &first.file,
                    b: &other.file,
                    op: &name,
                },
                diags,
            );
            fields(&mut request, &other.request, &ctx, "request", diags);
            fields(&mut response, &theirs, &ctx, "response", diags);
            for e in other.errors {
                match op_errors.iter_mut().find(|x| x.code == e.code) {
                    Some(x) => fill(&mut x.docs, e.docs),
                    None => op_errors.push(e),
                }
            }
            if examples.request.is_empty() {
                examples.request = other.examples.request;
            }
            examples.response_json = examples.response_json.or(other.examples.response_json);
            examples.response_xml = examples.response_xml.or(other.examples.response_xml);
        }
        sources.sort();
        sources.dedup();
        // The same code legitimately has another status or message on another operation's page: each
        // operation keeps its own, and the service-wide list keeps the first for matching.
        for e in &op_errors {
            match errors.get_mut(&e.code) {
                Some(known) => fill(&mut known.docs, e.docs.clone()),
                None => {
                    errors.insert(e.code.clone(), e.clone());
                }
            }
        }
        // ROA: the Chinese page's request line, else the first page's that has one.
        let route = first.route.clone().or(route);
        ops.push(Operation {
            name: name.clone(),
            method: route.as_ref().map_or(HttpMethod::Post, |r| r.method),
            path: route.map(|r| r.path),
            docs,
            request,
            response,
            response_is_list,
            errors: op_errors,
            examples,
            sources,
        });
    }
    (ops, errors.into_values().collect())
}

/// Pages whose operation names differ only in case (`CreateRealtimeLogDelivery`, `CreateRealTimeLogDelivery`)
/// document one operation: the spelling goes on the wire that the most `Action` rows and sample requests among
/// them give (then the most pages, then the first in order), and the other pages take it, with a warning. One
/// page that spells it otherwise in its own `Action` row is a typo of the docs, not a second operation.
fn same_operation_other_case(pages: &mut [PageOperation], diags: &mut Vec<Diagnostic>) {
    let mut by_lower: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, p) in pages.iter().enumerate() {
        by_lower
            .entry(p.name.to_ascii_lowercase())
            .or_default()
            .push(i);
    }
    for group in by_lower.values() {
        let spellings: std::collections::BTreeSet<&str> =
            group.iter().map(|&i| pages[i].name.as_str()).collect();
        if spellings.len() < 2 {
            continue;
        }
        // (pages whose Action row or sample request gives it, pages that name it), by spelling.
        let mut votes: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
        for &i in group {
            if let Some(w) = pages[i]
                .wire_name
                .as_deref()
                .filter(|w| spellings.contains(w))
            {
                votes.entry(w).or_default().0 += 1;
            }
            votes.entry(pages[i].name.as_str()).or_default().1 += 1;
        }
        let Some(wire) = votes
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
            .map(|(w, _)| w.to_string())
        else {
            continue;
        };
        let Some(from) = group
            .iter()
            .find(|&&i| pages[i].wire_name.as_deref() == Some(wire.as_str()))
            .or_else(|| group.iter().find(|&&i| pages[i].name == wire))
            .map(|&i| (pages[i].file.clone(), pages[i].name_span.clone()))
        else {
            continue;
        };
        for &i in group {
            let p = &mut pages[i];
            if p.name == wire {
                continue;
            }
            diags.push(
                Diagnostic::new(
                    Code::OperationNameCase,
                    p.name_span.clone(),
                    format!(
                        "this page names the operation `{}`, `{}` spells it `{wire}` (the spelling most Action rows, sample requests and pages give); read as `{wire}`",
                        p.name, from.0
                    ),
                    format!("`{}` here", p.name),
                )
                .also(from.1.clone(), format!("`{wire}` on the wire"))
                .hint("the name on the wire is the one of the Action row or the sample request; spell it so here too"),
            );
            p.name = wire.clone();
        }
    }
}

struct Pair<'a> {
    base: &'a str,
    other: &'a str,
    op: &'a str,
}

fn lang_docs(lang: Lang, text: Option<String>) -> Docs {
    match lang {
        Lang::Zh => Docs { zh: text, en: None },
        Lang::En => Docs { en: text, zh: None },
    }
}

fn fill(docs: &mut Docs, other: Docs) {
    if docs.zh.is_none() {
        docs.zh = other.zh;
    }
    if docs.en.is_none() {
        docs.en = other.en;
    }
}

/// A short name for what a shape is, for comparing pages and for messages.
fn kind(shape: &Shape) -> String {
    match shape {
        Shape::Scalar(s) => format!("{s:?}"),
        Shape::Enum(e) => format!("{:?}", e.base),
        Shape::Object(_) => "Object".into(),
        Shape::Array(item) => format!("Array of {}", kind(item)),
        Shape::Map => "Map".into(),
    }
}

fn fields(
    base: &mut Vec<crate::model::Field>,
    other: &[crate::model::Field],
    ctx: &Pair,
    side: &str,
    diags: &mut Vec<Diagnostic>,
) {
    for o in other {
        let Some(b) = base.iter_mut().find(|b| b.name == o.name) else {
            diags.push(
                Diagnostic::new(
                    Code::FieldInOnePage,
                    o.span.clone(),
                    format!(
                        "`{}` {side} field `{}` is documented in `{}` but not in `{}`",
                        ctx.op, o.name, ctx.other, ctx.base
                    ),
                    "only here",
                )
                .hint("the field is kept; add its row to the other page if it belongs there too"),
            );
            base.push(o.clone());
            continue;
        };
        fill(&mut b.docs, o.docs.clone());
        if b.example.is_none() {
            b.example = o.example.clone();
        }
        if b.required != o.required {
            diags.push(
                Diagnostic::new(Code::RequiredDisagrees,
                    o.span.clone(),
                    format!(
                        "`{}` {side} field `{}` is {} here but {} in `{}`",
                        ctx.op,
                        o.name,
                        req(o.required),
                        req(b.required),
                        ctx.base
                    ),
                    "this row",
                )
                .also(b.span.clone(), format!("{} here (kept)", req(b.required)))
                .hint("the first page's reading is kept (Chinese before English); correct the page that is wrong"),
            );
        }
        let (kb, ko) = (kind(&b.shape), kind(&o.shape));
        if kb != ko {
            diags.push(
                Diagnostic::new(Code::TypeDisagrees,
                    o.span.clone(),
                    format!(
                        "`{}` {side} field `{}` is `{ko}` here but `{kb}` in `{}`",
                        ctx.op, o.name, ctx.base
                    ),
                    "this row",
                )
                .also(b.span.clone(), format!("`{kb}` here (kept)"))
                .hint("the first page's reading is kept (Chinese before English); correct the page that is wrong"),
            );
            continue;
        }
        shapes(&mut b.shape, &o.shape, ctx, side, diags);
    }
    for b in base.iter() {
        if !other.iter().any(|o| o.name == b.name) {
            diags.push(
                Diagnostic::new(
                    Code::FieldInOnePage,
                    b.span.clone(),
                    format!(
                        "`{}` {side} field `{}` is documented in `{}` but not in `{}`",
                        ctx.op, b.name, ctx.base, ctx.other
                    ),
                    "only here",
                )
                .hint("the field is kept; add its row to the other page if it belongs there too"),
            );
        }
    }
}

fn req(r: bool) -> &'static str {
    if r {
        "required"
    } else {
        "optional"
    }
}

fn shapes(b: &mut Shape, o: &Shape, ctx: &Pair, side: &str, diags: &mut Vec<Diagnostic>) {
    match (b, o) {
        (Shape::Object(bf), Shape::Object(of)) => fields(bf, of, ctx, side, diags),
        (Shape::Array(bi), Shape::Array(oi)) => shapes(bi, oi, ctx, side, diags),
        (Shape::Enum(be), Shape::Enum(oe)) => {
            for ov in &oe.values {
                match be.values.iter_mut().find(|v| v.value == ov.value) {
                    Some(v) => fill(&mut v.docs, ov.docs.clone()),
                    None => be.values.push(ov.clone()),
                }
            }
        }
        (b @ Shape::Scalar(_), o @ Shape::Enum(_)) => *b = o.clone(),
        _ => {}
    }
}
