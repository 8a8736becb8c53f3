//! Stray fields of a misread page: where one language's page puts a field at a place the other page does not,
//! while the other page documents that name elsewhere, and a JSON response example shows the name at the other
//! page's place and this place without it, the field is a misreading (a wrong depth mark, a row read into the
//! object above) and is left out, with a warning.
//!
//! A field only one page documents is otherwise kept (a newer page may add fields, and examples are often
//! partial): the example must decide between the two places, and a place any example shows holding the name
//! is kept.

use crate::diag::{Code, Diagnostic};
use crate::model::{Field, Shape};
use serde_json::Value;
use std::collections::BTreeMap;

/// Names of the two pages and the operation, for the warnings.
pub struct Pages<'a> {
    pub a: &'a str,
    pub b: &'a str,
    pub op: &'a str,
}

/// Removes from `a` and `b` the response fields one of them puts where the other documents nothing of that
/// name, where the other documents the name elsewhere, and where an example of `examples` shows the name at
/// that other place and this place without it; a warning names each.
pub fn drop_strays(
    a: &mut Vec<Field>,
    b: &mut Vec<Field>,
    examples: &[Option<&str>],
    pages: &Pages,
    diags: &mut Vec<Diagnostic>,
) {
    let examples: Vec<Value> = examples
        .iter()
        .flatten()
        .filter_map(|e| serde_json::from_str(e).ok())
        .collect();
    let (pa, pb) = (paths(a), paths(b));
    let strays_a = strays(&pa, &pb, &examples);
    let strays_b = strays(&pb, &pa, &examples);
    for (fields, strays, mine, theirs, here, there) in [
        (a, strays_a, &pa, &pb, pages.a, pages.b),
        (b, strays_b, &pb, &pa, pages.b, pages.a),
    ] {
        for path in strays {
            let Some(span) = mine.get(&path).cloned() else {
                continue;
            };
            remove(fields, &segments(&path));
            let name = last(&path);
            let shown_at = theirs
                .keys()
                .filter(|p| last(p) == name)
                .cloned()
                .collect::<Vec<_>>()
                .join("`, `");
            diags.push(
                Diagnostic::new(
                    Code::MisplacedFieldLeftOut,
                    span,
                    format!(
                        "`{}` response field `{path}` is documented only in `{here}`; `{there}` documents `{name}` at `{shown_at}`, where the JSON example shows it, and the example shows `{}` without it: left out",
                        pages.op,
                        parent(&path),
                    ),
                    "only here",
                )
                .hint(format!("the row is probably misplaced in `{here}` (a depth mark or a missing row); correct the page")),
            );
        }
    }
}

/// Paths of `mine` that `theirs` lacks, whose name `theirs` documents elsewhere, where an example shows the
/// name at that other place and this place without it.
fn strays(
    mine: &BTreeMap<String, crate::model::Span>,
    theirs: &BTreeMap<String, crate::model::Span>,
    examples: &[Value],
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for path in mine.keys() {
        if theirs.contains_key(path) {
            continue;
        }
        // Below a stray object, its fields go with it.
        if out.iter().any(|p| path.starts_with(&format!("{p}."))) {
            continue;
        }
        let name = last(path);
        let shows = |ex: &Value, at: &str, yes: bool| {
            keys_at(ex, &segments(parent(at)))
                .is_some_and(|keys| keys.iter().any(|k| k.eq_ignore_ascii_case(name)) == yes)
        };
        // A place an example shows holding the name is no misreading, whatever another example shows.
        if examples.iter().any(|ex| shows(ex, path, true)) {
            continue;
        }
        // An example shows the other page's place holding the name, and this place without it.
        let decided = theirs
            .keys()
            .filter(|p| last(p) == name && !mine.contains_key(*p))
            .any(|other| {
                examples
                    .iter()
                    .any(|ex| shows(ex, other, true) && shows(ex, path, false))
            });
        if decided {
            out.push(path.clone());
        }
    }
    out
}

/// Every field's path (`Listeners[].BackendPorts[].Port`) with its row.
fn paths(fields: &[Field]) -> BTreeMap<String, crate::model::Span> {
    let mut out = BTreeMap::new();
    walk(fields, "", &mut out);
    out
}

fn walk(fields: &[Field], prefix: &str, out: &mut BTreeMap<String, crate::model::Span>) {
    for f in fields {
        let mut path = format!("{prefix}{}", f.name);
        let mut shape = &f.shape;
        while let Shape::Array(item) = shape {
            path.push_str("[]");
            shape = item;
        }
        out.insert(path.clone(), f.span.clone());
        if let Shape::Object(children) = shape {
            walk(children, &format!("{path}."), out);
        }
    }
}

/// `A[].B.C` → `["A[]", "B", "C"]`; the root is `[]`.
fn segments(path: &str) -> Vec<&str> {
    path.split('.').filter(|s| !s.is_empty()).collect()
}

fn last(path: &str) -> &str {
    path.rsplit('.')
        .next()
        .unwrap_or(path)
        .trim_end_matches("[]")
}

fn parent(path: &str) -> &str {
    path.rsplit_once('.').map_or("", |(p, _)| p)
}

/// The keys an example shows at a place: the object's keys, or those of every object item of a list at that
/// place. `None` where the example does not show the place as objects.
fn keys_at(value: &Value, path: &[&str]) -> Option<Vec<String>> {
    let Some((first, rest)) = path.split_first() else {
        return match value {
            Value::Object(m) if !m.is_empty() => Some(m.keys().cloned().collect()),
            _ => None,
        };
    };
    let name = first.trim_end_matches("[]");
    let mut lists = first.len() - name.len();
    let Value::Object(m) = value else {
        return None;
    };
    let at = m
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v)?;
    let mut items = vec![at];
    while lists > 0 {
        items = items
            .into_iter()
            .filter_map(|v| v.as_array())
            .flatten()
            .collect();
        lists -= 2;
    }
    let mut keys: Option<Vec<String>> = None;
    for item in items {
        if let Some(k) = keys_at(item, rest) {
            keys.get_or_insert_with(Vec::new).extend(k);
        }
    }
    keys
}

/// Removes the field at `path` (segments as [`segments`] gives them).
fn remove(fields: &mut Vec<Field>, path: &[&str]) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    let name = first.trim_end_matches("[]");
    if rest.is_empty() {
        fields.retain(|f| f.name != name);
        return;
    }
    if let Some(f) = fields.iter_mut().find(|f| f.name == name) {
        let mut shape = &mut f.shape;
        while let Shape::Array(item) = shape {
            shape = item.as_mut();
        }
        if let Shape::Object(children) = shape {
            remove(children, rest);
        }
    }
}
