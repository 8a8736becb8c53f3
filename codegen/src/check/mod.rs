//! Regen checks its own output against the page: every JSON response example and every sample request is
//! decoded against the model just built, with the rules the generated code and `aliyun_runtime::de` decode
//! by, before anything is emitted.
//!
//! Where the example and the table disagree, a warning points at the example's line and at the row, and the
//! model follows the example where the rule is clear, so the generated example tests cannot fail:
//! - an Integer beyond 32 bits becomes Long; a fractional number in an integer field makes it Double;
//! - a list where the table documents a scalar becomes a list of that scalar (of JSON text if its items are
//!   not of that type);
//! - anything else the field's type cannot hold (an object in a Boolean field, a string where the table
//!   documents an object) makes the field a String holding the JSON text, which decodes whatever arrives.
//!
//! A JSON example that does not parse, or fills no documented field, cannot be checked: it is dropped with a
//! warning (there would be no test of it otherwise either). A sample request value the parameter's type cannot
//! hold is a warning; its pair is left out of the request test as before (parameters the table does not
//! document are common parameters, left out without a word).
//!
//! The rules mirror the runtime's (see `runtime/src/de.rs`): scalars are lenient wherever they are (numbers as
//! strings, `""` as absent, objects and lists kept as JSON text in String fields), and every list, lists of
//! lists included, takes a single item as a list of one and leaves out `null` items (and `""` items, but in
//! lists of strings).

use crate::diag::{Code, Diagnostic, Sources};
use crate::model::{
    documented_elsewhere, documented_names, Docs, Field, Operation, Origin, Scalar, Service, Shape,
    Span,
};
use crate::read::examples::Node;
use serde_json::Value;
use std::cell::RefCell;
use std::collections::BTreeSet;

/// Checks every operation's examples, fixing the model where the example shows the wire; returns warnings.
pub fn examples(service: &mut Service, sources: &Sources) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    for op in &mut service.operations {
        response(op, sources, &mut warnings);
        request(op, sources, &mut warnings);
    }
    warnings
}

/// Where a JSON example stands in its page, to point into it.
struct Place<'a> {
    file: &'a str,
    /// The page text from the example's first byte on.
    text: &'a str,
    /// Line of the example's first character.
    line: u32,
    /// Paths of the example's keys that only the example shows (fields of origin `Example`).
    example_only: RefCell<Vec<Vec<String>>>,
    /// Names the response table documents anywhere, lower-cased: a key the example shows at another place
    /// than the table's row is the documented field misplaced by the table, not one the example adds.
    documented: BTreeSet<String>,
}

impl Place<'_> {
    /// The line of the key at the end of `path` (its first occurrence after those of the keys before it),
    /// or of the example's start.
    fn span(&self, path: &[String]) -> Span {
        let mut at = 0;
        for key in path.iter().filter(|k| !k.ends_with("[]")) {
            let quoted = format!("\"{key}\"");
            match self.text[at..].find(&quoted) {
                Some(i) => at += i,
                None => break,
            }
        }
        let line = self.line + self.text[..at].matches('\n').count() as u32;
        let column = self.text[..at]
            .rsplit('\n')
            .next()
            .map_or(1, |l| l.chars().count() as u32 + 1);
        Span {
            file: self.file.to_string(),
            line,
            column,
        }
    }
}

fn locate<'a>(files: &'a [String], sources: &'a Sources, example: &str) -> Option<Place<'a>> {
    files.iter().find_map(|file| {
        let page = sources.text(file)?;
        // The example as kept, or (where the reader joined or unescaped it) its first member's line.
        let start = page.find(example).or_else(|| {
            let first = example
                .lines()
                .map(str::trim)
                .find(|l| l.starts_with('"'))?;
            let at = page.find(first)?;
            Some(page[..at].rfind('\n').map_or(0, |n| n + 1))
        })?;
        Some(Place {
            file,
            text: &page[start..],
            line: page[..start].matches('\n').count() as u32 + 1,
            example_only: RefCell::default(),
            documented: BTreeSet::new(),
        })
    })
}

fn response(op: &mut Operation, sources: &Sources, warnings: &mut Vec<Diagnostic>) {
    let Some(json) = op.examples.response_json.clone() else {
        return;
    };
    let files = op.sources.clone();
    let fallback = Place {
        file: files.first().map_or("", String::as_str),
        text: "",
        line: 1,
        example_only: RefCell::default(),
        documented: BTreeSet::new(),
    };
    let mut place = locate(&files, sources, &json).unwrap_or(fallback);
    place.documented = documented_names(&op.response);
    // The generated test reads masked values (`12****`) with `*` as `0`, and so does this check.
    let value: Value = match serde_json::from_str(&json.replace('*', "0")) {
        Ok(Value::Object(map)) => Value::Object(map),
        Ok(_) => {
            warnings.push(
                Diagnostic::new(Code::ExampleNotObject,
                    place.span(&[]),
                    format!("the JSON example of `{}` is not an object", op.name),
                    "this example",
                )
                .hint("a response body is a JSON object; the example is left out of the generated tests"),
            );
            op.examples.response_json = None;
            return;
        }
        Err(e) => {
            let mut span = place.span(&[]);
            span.line += e.line().saturating_sub(1) as u32;
            warnings.push(
                Diagnostic::new(Code::ExampleDoesNotParse,
                    span,
                    format!("the JSON example of `{}` does not parse: {e}", op.name),
                    "this example",
                )
                .hint("the example is left out of the generated tests; fix the page's JSON to have it checked"),
            );
            op.examples.response_json = None;
            return;
        }
    };
    let mut path = Vec::new();
    // Fixed on a copy: an example that fills nothing documented changes nothing.
    let mut fixed = op.response.clone();
    documented_elsewhere(&mut fixed, &place.documented);
    let mut found = Vec::new();
    let filled = object(&mut fixed, &value, &mut path, &place, &mut found);
    if filled {
        op.response = fixed;
        warnings.extend(found);
        warnings.extend(example_only(op, &place));
    } else {
        warnings.push(
            Diagnostic::new(
                Code::ExampleFillsNothing,
                place.span(&[]),
                format!(
                    "the JSON example of `{}` fills no field the response table documents",
                    op.name
                ),
                "this example",
            )
            .hint("are the wire names right? the example is left out of the generated tests"),
        );
        op.examples.response_json = None;
    }
}

/// Decodes an object's members into `fields` (fixing them where needed); whether any field the table
/// documents is filled.
///
/// A member no field takes is what the wire sends and a user would lose without a word: it becomes a field of
/// origin `Example`, of the type its value shows, and is listed in the review report.
fn object(
    fields: &mut Vec<Field>,
    value: &Value,
    path: &mut Vec<String>,
    place: &Place,
    warnings: &mut Vec<Diagnostic>,
) -> bool {
    let Value::Object(members) = value else {
        return false;
    };
    let mut filled = false;
    for (key, v) in members {
        // Wire names match exactly, as when decoding.
        let (i, added) = match fields.iter().position(|f| &f.name == key) {
            Some(i) => (i, false),
            None => {
                fields.push(example_field(key, v, place, path));
                (fields.len() - 1, true)
            }
        };
        let f = &mut fields[i];
        path.push(key.clone());
        if f.origin == Origin::Example {
            place.example_only.borrow_mut().push(path.clone());
            if f.docs.is_empty() {
                f.docs.en = Some(SEEN_ONLY_IN_EXAMPLE.to_string());
            }
        }
        let documented = f.origin == Origin::Table && !added;
        filled |= field(f, v, path, place, warnings) && documented;
        path.pop();
    }
    filled
}

/// A field for a member of the example that no row documents: the type its value shows. At the top it is a
/// field of the response (older tables leave out `RequestId` and the like); inside a documented object it is
/// one the example adds, unless the table documents its name at another place (the table misplaced it).
fn example_field(key: &str, v: &Value, place: &Place, path: &[String]) -> Field {
    let mut at = path.to_vec();
    at.push(key.to_string());
    let origin = if path.is_empty() || place.documented.contains(&key.to_lowercase()) {
        Origin::Table
    } else {
        Origin::Example
    };
    Field {
        name: key.to_string(),
        shape: Node::from_json(v).shape(origin),
        required: false,
        docs: Docs::default(),
        example: None,
        encoding: Default::default(),
        location: None,
        origin,
        span: place.span(&at),
    }
}

/// The documentation of a field only the response example shows.
pub const SEEN_ONLY_IN_EXAMPLE: &str =
    "Seen only in the response example: the page's table does not document it.";

/// The review-report findings of one example: each outermost key that only the example shows.
fn example_only(op: &Operation, place: &Place) -> Vec<Diagnostic> {
    let mut paths = place.example_only.take();
    paths.sort();
    paths.dedup();
    let outermost: Vec<&Vec<String>> = paths
        .iter()
        .filter(|p| !paths.iter().any(|q| q.len() < p.len() && p.starts_with(q)))
        .collect();
    outermost
        .into_iter()
        .map(|p| {
            Diagnostic::new(
                Code::ExampleOnlyField,
                place.span(p),
                format!(
                    "`{}` of `{}` is seen only in the response example; the table does not document it",
                    dotted(p),
                    op.name
                ),
                "this key",
            )
            .hint("the generated type keeps it (documented as seen only in the example); `cargo xtask shapes` leaves it out")
        })
        .collect()
}

/// Decodes one member into its field (lenient, as `aliyun_runtime::de`); whether it fills the field.
fn field(
    f: &mut Field,
    v: &Value,
    path: &mut Vec<String>,
    place: &Place,
    warnings: &mut Vec<Diagnostic>,
) -> bool {
    let string = matches!(f.shape, Shape::Scalar(Scalar::String | Scalar::Json));
    if v.is_null() || (!string && absent(v)) {
        return false;
    }
    if !decodes(&mut f.shape, v, path, place, warnings) {
        retype(f, v, path, place, warnings);
        // What is inside the new shape may disagree too: then JSON text, which takes anything.
        let mut quiet = Vec::new();
        if !decodes(&mut f.shape, v, path, place, &mut quiet) {
            f.shape = Shape::Scalar(Scalar::Json);
        }
    }
    // An empty list decodes to the empty `Vec`, which is what an absent one gives too.
    !(matches!(f.shape, Shape::Array(_)) && matches!(v, Value::Array(items) if items.is_empty()))
}

/// Whether `v` decodes as `shape` (fixing what lies inside it), as `aliyun_runtime::de` decodes it: scalars
/// leniently wherever they are, and a list (of lists too) item by item, absent items left out, or a single
/// item as a list of one.
fn decodes(
    shape: &mut Shape,
    v: &Value,
    path: &mut Vec<String>,
    place: &Place,
    warnings: &mut Vec<Diagnostic>,
) -> bool {
    match shape {
        Shape::Scalar(s) => lenient_scalar(*s, v),
        Shape::Enum(_) => enum_text(v),
        Shape::Map => matches!(v, Value::Object(_)),
        Shape::Object(children) => match v {
            Value::Object(_) => {
                object(children, v, path, place, warnings);
                true
            }
            _ => false,
        },
        Shape::Array(item) => {
            let items: Vec<&Value> = match v {
                Value::Array(items) => items.iter().collect(),
                one => vec![one],
            };
            // `null` items are left out, and `""` items but in lists of strings (`Decode::EMPTY_STRING_IS_VALUE`).
            let strings = matches!(**item, Shape::Scalar(Scalar::String | Scalar::Json));
            path.push(format!("{}[]", path.last().cloned().unwrap_or_default()));
            let ok = items
                .into_iter()
                .filter(|i| !(i.is_null() || (!strings && absent(i))))
                .all(|i| decodes(item, i, path, place, warnings));
            path.pop();
            ok
        }
    }
}

/// The model follows the example: the narrowest change that makes `v` decode.
fn retype(
    f: &mut Field,
    v: &Value,
    path: &[String],
    place: &Place,
    warnings: &mut Vec<Diagnostic>,
) {
    let documented = describe(&f.shape);
    let (shape, reads) = match (&f.shape, v) {
        (Shape::Scalar(Scalar::Integer), Value::Number(n)) if n.as_i64().is_some() => {
            (Shape::Scalar(Scalar::Long), "a Long (the value needs more than 32 bits)")
        }
        (Shape::Scalar(Scalar::Integer | Scalar::Long), Value::Number(_)) => {
            (Shape::Scalar(Scalar::Double), "a Double")
        }
        (Shape::Scalar(s), Value::Array(items)) if items.iter().all(|i| lenient_scalar(*s, i)) => {
            (Shape::Array(Box::new(Shape::Scalar(*s))), "a list of that type")
        }
        (Shape::Scalar(_), Value::Array(_)) => (
            Shape::Array(Box::new(Shape::Scalar(Scalar::Json))),
            "a list of JSON texts",
        ),
        // `Items: {DBInstance: [...]}` in the table, `Items: [...]` on the wire: the list without its wrapper.
        (Shape::Object(children), Value::Array(_))
            if children.len() == 1 && matches!(children[0].shape, Shape::Array(_)) =>
        {
            (
                children[0].shape.clone(),
                "the list the table wraps in it (the example shows no wrapper object)",
            )
        }
        // Items the table gives fields, shown as plain values (`["10760"]`): a list of those values.
        (Shape::Array(_), Value::Array(items))
            if items.iter().all(|i| !matches!(i, Value::Object(_) | Value::Array(_))) =>
        {
            let integers = !items.is_empty() && items.iter().all(|i| i.as_i64().is_some());
            let item = if integers { Scalar::Long } else { Scalar::String };
            (Shape::Array(Box::new(Shape::Scalar(item))), "a list of the values it shows")
        }
        _ => (
            Shape::Scalar(Scalar::Json),
            "a String (objects and lists as their JSON text), which holds whatever the example shows",
        ),
    };
    let shown = match (&f.shape, v) {
        (Shape::Scalar(Scalar::Integer), Value::Number(n)) if n.as_i64().is_some() => {
            "an integer beyond 32 bits"
        }
        _ => describe_value(v),
    };
    warnings.push(
        Diagnostic::new(
            Code::ExampleTypeDisagrees,
            place.span(path),
            format!(
                "the example has {shown} at `{}`, the table row at line {} says `{documented}`",
                dotted(path),
                f.span.line
            ),
            "in this example",
        )
        .also(f.span.clone(), format!("`{documented}` here"))
        .hint(format!("the field is read as {reads}")),
    );
    f.shape = shape;
}

fn dotted(path: &[String]) -> String {
    let mut out = String::new();
    for p in path {
        if p.ends_with("[]") {
            out.push_str("[]");
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(p);
        }
    }
    out
}

fn describe(shape: &Shape) -> String {
    match shape {
        Shape::Scalar(s) => format!("{s:?}"),
        Shape::Enum(e) => format!("{:?} (valid values)", e.base),
        Shape::Object(_) => "Object".to_string(),
        Shape::Array(item) => format!("Array of {}", describe(item)),
        Shape::Map => "Map".to_string(),
    }
}

fn describe_value(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_f64() => "a fractional number",
        Value::Number(_) => "an integer",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// `null` and `""` are absent values.
fn absent(v: &Value) -> bool {
    matches!(v, Value::Null) || matches!(v, Value::String(s) if s.is_empty())
}

/// What the runtime's `Decode` of `String`, `i32`, `i64`, `f64` and `bool` accepts (absent values aside).
fn lenient_scalar(s: Scalar, v: &Value) -> bool {
    match s {
        Scalar::String | Scalar::Json => true,
        Scalar::Integer => integer(v).is_some_and(|n| i32::try_from(n).is_ok()),
        Scalar::Long => integer(v).is_some(),
        Scalar::Float | Scalar::Double => match v {
            Value::Number(_) => true,
            Value::String(t) => t.trim().parse::<f64>().is_ok(),
            _ => false,
        },
        Scalar::Boolean => match v {
            Value::Bool(_) => true,
            Value::String(t) => t.eq_ignore_ascii_case("true") || t.eq_ignore_ascii_case("false"),
            _ => false,
        },
    }
}

/// An integer as the runtime reads it: a number or numeric string, integral float notation included.
fn integer(v: &Value) -> Option<i64> {
    let integral = |f: f64| {
        const LIMIT: f64 = 9_223_372_036_854_775_808.0;
        (f.is_finite() && f.fract() == 0.0 && (-LIMIT..LIMIT).contains(&f)).then_some(f as i64)
    };
    match v {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().and_then(integral)),
        Value::String(s) => {
            let s = s.trim();
            s.parse().ok().or_else(|| s.parse().ok().and_then(integral))
        }
        _ => None,
    }
}

/// Enums take a string, a number or a boolean as their wire text.
fn enum_text(v: &Value) -> bool {
    matches!(v, Value::String(_) | Value::Number(_) | Value::Bool(_))
}

/// The sample request against the request table: every parameter documented, every value of its type.
fn request(op: &Operation, sources: &Sources, warnings: &mut Vec<Diagnostic>) {
    for (name, value) in &op.examples.request {
        let Some((f, shape)) = parameter(&op.request, name) else {
            continue;
        };
        let unmasked = value.replace('*', "0");
        let fits = match shape {
            Shape::Scalar(s) => request_scalar(*s, unmasked.trim()),
            _ => true,
        };
        if !fits {
            let span = request_span(op, sources, name).unwrap_or_else(|| f.span.clone());
            let documented = describe(shape);
            warnings.push(
                Diagnostic::new(Code::SampleRequestDisagrees,
                    span,
                    format!(
                        "the sample request sets `{name}={value}`, the table row at line {} says `{documented}`",
                        f.span.line
                    ),
                    "in this sample request",
                )
                .also(f.span.clone(), format!("`{documented}` here"))
                .hint("the parameter is left out of the generated request test"),
            );
        }
    }
}

/// The field (and the shape at that place) a flattened parameter name sets: `Name`, `Name.1`, `Name.1.Key`.
fn parameter<'a>(fields: &'a [Field], name: &str) -> Option<(&'a Field, &'a Shape)> {
    let (head, rest) = match name.split_once('.') {
        Some((h, r)) => (h, Some(r)),
        None => (name, None),
    };
    let f = fields.iter().find(|f| f.name == head)?;
    let mut shape = &f.shape;
    let mut rest = rest;
    while let Some(r) = rest {
        let (part, next) = match r.split_once('.') {
            Some((p, n)) => (p, Some(n)),
            None => (r, None),
        };
        shape = match shape {
            Shape::Array(item) if part.parse::<u32>().is_ok() => item,
            Shape::Object(children) => return parameter(children, r).or(Some((f, shape))),
            // JSON-encoded or map parameters: the generator does not look inside.
            _ => return None,
        };
        rest = next;
    }
    Some((f, shape))
}

fn request_scalar(s: Scalar, v: &str) -> bool {
    match s {
        Scalar::String | Scalar::Json => true,
        Scalar::Integer => v.parse::<i32>().is_ok(),
        Scalar::Long => v.parse::<i64>().is_ok(),
        Scalar::Float | Scalar::Double => v.parse::<f64>().is_ok_and(f64::is_finite),
        Scalar::Boolean => v.eq_ignore_ascii_case("true") || v.eq_ignore_ascii_case("false"),
    }
}

/// The line of the sample request that sets `name`.
fn request_span(op: &Operation, sources: &Sources, name: &str) -> Option<Span> {
    op.sources.iter().find_map(|file| {
        let page = sources.text(file)?;
        let (i, line) = page
            .lines()
            .enumerate()
            .find(|(_, l)| l.contains(&format!("{name}=")) || l.contains(&format!("&{name}")))?;
        let column = line
            .find(name)
            .map_or(1, |c| line[..c].chars().count() as u32 + 1);
        Some(Span {
            file: file.clone(),
            line: i as u32 + 1,
            column,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lenient_scalars_are_the_runtimes() {
        for (s, v, ok) in [
            (Scalar::Integer, json!("12"), true),
            (Scalar::Integer, json!(1.0e3), true),
            (Scalar::Integer, json!(3_000_000_000_i64), false),
            (Scalar::Long, json!(3_000_000_000_i64), true),
            (Scalar::Long, json!(1.5), false),
            (Scalar::Double, json!("2.5"), true),
            (Scalar::Boolean, json!("TRUE"), true),
            (Scalar::Boolean, json!(1), false),
            (Scalar::String, json!({"a": 1}), true),
        ] {
            assert_eq!(lenient_scalar(s, &v), ok, "{s:?} {v}");
        }
    }

    fn row(name: &str, shape: Shape) -> Field {
        Field {
            name: name.to_string(),
            shape,
            required: false,
            docs: Default::default(),
            example: None,
            encoding: Default::default(),
            location: None,
            origin: Default::default(),
            span: Span::default(),
        }
    }

    /// The shape `field` leaves after decoding `v`, and how many warnings it gave.
    fn follow(shape: Shape, v: Value) -> (Shape, usize) {
        let mut f = row("X", shape);
        let place = Place {
            file: "p.md",
            text: "",
            line: 1,
            example_only: RefCell::default(),
            documented: BTreeSet::new(),
        };
        let mut warnings = Vec::new();
        field(&mut f, &v, &mut vec!["X".into()], &place, &mut warnings);
        (f.shape, warnings.len())
    }

    #[test]
    fn the_model_follows_the_example() {
        let list = |s: Shape| Shape::Array(Box::new(s));
        let object = |fields: Vec<Field>| Shape::Object(fields);
        let long = Shape::Scalar(Scalar::Long);
        let string = Shape::Scalar(Scalar::String);
        let wrapped = object(vec![row(
            "Item",
            list(object(vec![row("Id", long.clone())])),
        )]);
        for (documented, example, followed) in [
            (
                Shape::Scalar(Scalar::Integer),
                json!(5_000_000_000_i64),
                long.clone(),
            ),
            (long.clone(), json!(1.5), Shape::Scalar(Scalar::Double)),
            (long.clone(), json!([1, "2"]), list(long.clone())),
            (
                wrapped.clone(),
                json!([{"Id": 1}]),
                list(object(vec![row("Id", long.clone())])),
            ),
            (
                list(object(vec![row("Id", long.clone())])),
                json!(["10760"]),
                list(string.clone()),
            ),
            (object(vec![]), json!("text"), Shape::Scalar(Scalar::Json)),
        ] {
            assert_eq!(
                follow(documented.clone(), example.clone()),
                (followed, 1),
                "{documented:?} {example}"
            );
        }
        // What the runtime reads leniently needs no change and no word.
        for (documented, example) in [
            (string.clone(), json!({"a": 1})),
            (list(string.clone()), json!([{"a": 1}, 2])),
            (list(object(vec![])), json!({})),
            (long.clone(), json!("")),
            // Lists of lists take their items as lists do, and absent items are left out.
            (list(list(long.clone())), json!([["1", 2.0], 3, null, ""])),
            (list(list(string.clone())), json!([[1, ""], [true]])),
            (
                list(object(vec![row("Id", long.clone())])),
                json!([null, {"Id": "1"}, ""]),
            ),
        ] {
            assert_eq!(follow(documented.clone(), example), (documented, 0));
        }
    }

    #[test]
    fn paths_print_with_list_marks() {
        let path: Vec<String> = ["Instances", "Instance", "Instance[]", "Ip"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(dotted(&path), "Instances.Instance[].Ip");
    }
}
