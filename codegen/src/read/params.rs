//! Parameter tables: each row → a `FlatRow` (name, `└` depth, what the type column says, the field as read),
//! which `nest` then puts into a tree.

use super::nest::{FlatRow, RowKind};
use super::{cell_text, text, Column, Lang};
use crate::diag::{Code, Diagnostic};
use crate::model::{Docs, Encoding, Enum, Field, Scalar, Shape};
use crate::pages::{Layout, Page, Table};
use std::collections::BTreeMap;

pub(super) fn field_rows(
    page: &Page,
    table: &Table,
    cols: &[Column],
    lang: Lang,
    request_locations: Option<super::roa::TableLocations>,
    custom: &std::collections::BTreeSet<String>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<FlatRow> {
    let is_request = request_locations.is_some();
    let at = |c: Column| cols.iter().position(|&x| x == c);
    let (name_i, type_i) = (at(Column::Name), at(Column::Type));
    let mut out = Vec::new();
    for row in &table.rows {
        let cell = |i: Option<usize>| i.and_then(|i| row.cells.get(i));
        let Some(name_cell) = cell(name_i) else {
            continue;
        };
        let (name, depth) = text::bare(&name_cell.raw);
        if name.is_empty() {
            // A row that says something but names nothing cannot be placed: say so rather than lose it.
            if row.cells.iter().any(|c| !text::bare(&c.raw).0.is_empty()) {
                diags.push(
                    Diagnostic::new(
                        Code::RowWithoutName,
                        row.span.clone(),
                        "this row has no name; it is left out",
                        "this row",
                    )
                    .hint("write the parameter's name in the first column"),
                );
            }
            continue;
        }
        // `<Common request parameters>` points at the common parameters; it is not a field.
        if name.starts_with('<') && name.ends_with('>') {
            continue;
        }
        let type_raw = cell(type_i)
            .map(|c| {
                let t = text::bare(&c.raw).0;
                linked_type(&t).unwrap_or(t)
            })
            .unwrap_or_default();
        let description = cell(at(Column::Description))
            .map(|c| cell_text(page, &c.raw))
            .unwrap_or_default();
        let example = cell(at(Column::Example))
            .map(|c| text::bare_example(&c.raw, page.layout == Layout::Markdown))
            .filter(|e| !e.is_empty());
        let required = cell(at(Column::Required)).is_some_and(|c| {
            matches!(
                text::bare(&c.raw).0.to_lowercase().as_str(),
                "是" | "yes" | "true" | "必选" | "required"
            )
        });
        let kind = match type_i.map_or(Some(RowKind::Leaf(Scalar::String)), |_| row_kind(&type_raw))
        {
            None if custom.contains(&type_raw) => RowKind::Custom(type_raw.clone()),
            Some(k) => k,
            None => {
                let span = cell(type_i)
                    .map(|c| c.span.clone())
                    .unwrap_or_else(|| row.span.clone());
                diags.push(
                    Diagnostic::new(Code::UnknownType, span, format!("unknown type `{type_raw}` of `{name}`"), "this type")
                        .hint("known types: String, Integer, Long, Float, Double, Boolean, Object, Array, Array of X, Map, Json; the field is read as String"),
                );
                RowKind::Leaf(Scalar::String)
            }
        };
        // A request `Json` parameter is JSON text of the form its example shows: a list or a map.
        let kind = match (&kind, is_request) {
            (RowKind::Leaf(Scalar::Json), true) => {
                json_parameter_kind(example.as_deref()).unwrap_or(kind)
            }
            _ => kind,
        };
        let shape = match kind {
            RowKind::Leaf(s) => leaf_shape(s, &description, lang),
            _ => Shape::Scalar(Scalar::String),
        };
        let encoding = if is_request && !name.contains('.') {
            row_encoding(&kind, &type_raw, &description, example.as_deref())
        } else {
            Encoding::Flat
        };
        let docs = match lang {
            Lang::Zh => Docs {
                zh: Some(description).filter(|d| !d.is_empty()),
                en: None,
            },
            Lang::En => Docs {
                en: Some(description).filter(|d| !d.is_empty()),
                zh: None,
            },
        };
        out.push(FlatRow {
            depth,
            kind,
            field: Field {
                name,
                shape,
                required,
                docs,
                example,
                encoding,
                location: request_locations.and_then(|l| l.row(row, diags)),
                origin: Default::default(),
                span: name_cell.span.clone(),
            },
        });
    }
    out
}

/// `Id.N | RepeatList` says that a parameter is a list, not what its items are; where the page's response
/// table gives a field of the same name one scalar type (`Id | Long`), the items have that type.
pub(super) fn type_open_lists(request: &mut [FlatRow], response: &[FlatRow]) {
    for row in request.iter_mut() {
        if !matches!(row.kind, RowKind::Array | RowKind::Untyped) {
            continue;
        }
        let Some(base) = row
            .field
            .name
            .strip_suffix(".N")
            .or_else(|| row.field.name.strip_suffix(".n"))
        else {
            continue;
        };
        let name = base.rsplit('.').next().unwrap_or(base);
        let mut types = response
            .iter()
            .filter(|r| r.field.name == name)
            .map(|r| match r.kind {
                RowKind::Leaf(s) => Some(s),
                _ => None,
            });
        let Some(Some(s)) = types.next() else {
            continue;
        };
        if types.all(|t| t == Some(s)) {
            row.kind = RowKind::Leaf(s);
            row.field.shape = Shape::Scalar(s);
        }
    }
}

/// How a top-level request parameter holding a list, an object or a map goes on the wire, by what its row
/// says (the sample request, where it shows the parameter, has the last word: `settle_encodings`):
/// - a list of values whose description says the items are separated by commas (`多个…用半角逗号（,）分隔`,
///   `separated by commas`) is `simple`;
/// - one whose description says JSON (`JSON 格式`, `in the JSON format`), whose example cell holds JSON text,
///   or whose type is `Json`, is `json`;
/// - otherwise a list of objects, an object or a map is `json` (the flat form is documented by dotted rows,
///   `Name.N.Key`), a list of values flat.
fn row_encoding(
    kind: &RowKind,
    type_raw: &str,
    description: &str,
    example: Option<&str>,
) -> Encoding {
    let value_list = matches!(kind, RowKind::ArrayOfScalar(_));
    if !value_list && !kind_is_container(kind) {
        return Encoding::Flat;
    }
    let json_example = example.is_some_and(|e| {
        let e = e.trim();
        (e.starts_with('[') || e.starts_with('{'))
            && serde_json::from_str::<serde_json::Value>(e).is_ok()
    });
    if value_list && says_comma_separated(description) {
        Encoding::Simple
    } else if says_json(description) || json_example || type_raw.eq_ignore_ascii_case("json") {
        Encoding::Json
    } else if value_list {
        Encoding::Flat
    } else {
        Encoding::Json
    }
}

/// `多个资源类型之间用半角逗号（,）分隔`, `Separate multiple values with commas (,)`, `comma-separated`.
pub(super) fn says_comma_separated(description: &str) -> bool {
    let d = description.to_lowercase();
    (d.contains("逗号") && (d.contains("分隔") || d.contains("隔开") || d.contains("间隔")))
        || (d.contains("comma") && (d.contains("separat") || d.contains("delimit")))
}

/// `JSON 格式`, `JSON字符串`, `in the JSON format`, `a JSON array`: the parameter is JSON text.
fn says_json(description: &str) -> bool {
    description
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|w| w.eq_ignore_ascii_case("json"))
}

/// The sample request has the last word on how a top-level parameter of an RPC operation holding a list, an
/// object or a map travels: `Name.1=…` or `Name.Key=…` is flat; `Name=[…]` or `Name={…}` is JSON text, unless
/// its description names the comma form (pages show such lists as JSON where the service takes `a,b`);
/// `Name=a,b` for a list of values is the comma form.
pub(super) fn settle_encodings(request: &mut [Field], sample: &[(String, String)]) {
    for f in request.iter_mut() {
        let value_list = match &f.shape {
            Shape::Array(item) => matches!(**item, Shape::Scalar(_) | Shape::Enum(_)),
            Shape::Object(_) | Shape::Map => false,
            _ => continue,
        };
        let dotted = format!("{}.", f.name);
        if sample.iter().any(|(k, _)| k.starts_with(&dotted)) {
            f.encoding = Encoding::Flat;
            continue;
        }
        let Some((_, value)) = sample.iter().find(|(k, _)| *k == f.name) else {
            continue;
        };
        let value = value.trim();
        let json = (value.starts_with('[') || value.starts_with('{'))
            && serde_json::from_str::<serde_json::Value>(value).is_ok();
        if json && f.encoding != Encoding::Simple {
            f.encoding = Encoding::Json;
        } else if !json && value_list && !value.is_empty() {
            f.encoding = Encoding::Simple;
        }
    }
}

/// The parameters every RPC call carries, which a full sample URL may show: not the operation's own.
const COMMON_PARAMETERS: &[&str] = &[
    "Action",
    "Version",
    "Format",
    "AccessKeyId",
    "Signature",
    "SignatureMethod",
    "SignatureVersion",
    "SignatureNonce",
    "SignatureType",
    "Timestamp",
    "SecurityToken",
    "ResourceOwnerAccount",
    "OwnerAccount",
];

/// Parameters the sample request sets that no row of the request table documents (`Ip.1=…`, `Owner.Name=…`)
/// are parameters too: each is added with the form its names show (`Ip.1`, `Ip.2` → a list of strings `Ip`;
/// `Owner.Name` → an object `Owner` holding `Name`; `Tag.1.Key` → a list of objects), its values as strings,
/// sent flat, with a warning at the sample request. The common parameters (`Version`, `Timestamp`, …) are
/// not the operation's.
pub(super) fn sample_only(
    page: &Page,
    request: &mut Vec<Field>,
    sample: &[(String, String)],
    diags: &mut Vec<Diagnostic>,
) {
    let mut added: BTreeMap<&str, (Vec<Vec<&str>>, Option<&str>)> = BTreeMap::new();
    let mut order: Vec<&str> = Vec::new();
    for (key, value) in sample {
        let mut segments: Vec<&str> = key.split('.').collect();
        let head = segments.remove(0);
        if !super::is_identifier(head)
            || COMMON_PARAMETERS.contains(&head)
            || request.iter().any(|f| f.name == head)
            || segments.iter().any(|s| s.is_empty())
            || segments.len() > 8
        {
            continue;
        }
        // `AcccountAlias` or `Newcomments` beside a documented `AccountAlias`, `NewComments`: a misspelling.
        if let Some(f) = request.iter().find(|f| misspelt(head, &f.name)) {
            if !added.contains_key(head) {
                diags.push(
                    Diagnostic::new(
                        Code::SampleMisspelling,
                        sample_span(page, head),
                        format!("the sample request sets `{head}`, which looks like a misspelling of the parameter `{}`; it is not read as a parameter", f.name),
                        "in this sample request",
                    )
                    .also(f.span.clone(), format!("`{}` here", f.name))
                    .hint(format!("spell it `{}`", f.name)),
                );
                added.insert(head, (Vec::new(), None));
            }
            continue;
        }
        let entry = added.entry(head).or_insert_with(|| {
            order.push(head);
            (Vec::new(), None)
        });
        entry.0.push(segments);
        entry.1.get_or_insert(value.as_str());
    }
    for head in order {
        let Some((rests, example)) = added.remove(head) else {
            continue;
        };
        let span = sample_span(page, head);
        let shape = sample_shape(&rests, &span);
        let scalar = matches!(shape, Shape::Scalar(_));
        diags.push(
            Diagnostic::new(
                Code::SampleOnlyParameter,
                span.clone(),
                format!("the sample request sets `{head}`, which the request table does not document; it is read as a parameter of the form the sample shows"),
                "in this sample request",
            )
            .hint(format!("add a row for `{head}` to the request table")),
        );
        request.push(Field {
            name: head.to_string(),
            shape,
            required: false,
            docs: Docs::default(),
            example: example.filter(|_| scalar).map(str::to_string),
            encoding: Encoding::Flat,
            location: None,
            origin: Default::default(),
            span,
        });
    }
}

/// The line of the sample request that sets `name`.
fn sample_span(page: &Page, name: &str) -> crate::model::Span {
    let line = page
        .lines
        .iter()
        .position(|l| l.contains(&format!("&{name}")) || l.contains(&format!("?{name}")))
        .map_or(1, |i| i as u32 + 1);
    page.span(line, 1)
}

/// Another spelling of a documented name: the same but for case, or (names of 6 letters or more) one or two
/// letters added, dropped or changed.
fn misspelt(name: &str, documented: &str) -> bool {
    let (a, b) = (name.to_ascii_lowercase(), documented.to_ascii_lowercase());
    a == b || (a.len().min(b.len()) >= 6 && strsim::levenshtein(&a, &b) <= 2)
}

/// The shape the names after a parameter's own show: numbers are list items, names fields.
fn sample_shape(rests: &[Vec<&str>], span: &crate::model::Span) -> Shape {
    let rests: Vec<&Vec<&str>> = rests.iter().filter(|r| !r.is_empty()).collect();
    let Some(first) = rests.first() else {
        return Shape::Scalar(Scalar::String);
    };
    let index = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if index(first[0]) {
        let items: Vec<Vec<&str>> = rests
            .iter()
            .filter(|r| index(r[0]))
            .map(|r| r[1..].to_vec())
            .collect();
        return Shape::Array(Box::new(sample_shape(&items, span)));
    }
    let mut fields: Vec<(&str, Vec<Vec<&str>>)> = Vec::new();
    for r in rests.iter().filter(|r| super::is_identifier(r[0])) {
        match fields.iter_mut().find(|(n, _)| *n == r[0]) {
            Some((_, sub)) => sub.push(r[1..].to_vec()),
            None => fields.push((r[0], vec![r[1..].to_vec()])),
        }
    }
    Shape::Object(
        fields
            .into_iter()
            .map(|(name, sub)| Field {
                name: name.to_string(),
                shape: sample_shape(&sub, span),
                required: false,
                docs: Docs::default(),
                example: None,
                encoding: Encoding::Flat,
                location: None,
                origin: Default::default(),
                span: span.clone(),
            })
            .collect(),
    )
}

fn kind_is_container(kind: &RowKind) -> bool {
    matches!(
        kind,
        RowKind::Object | RowKind::Array | RowKind::ArrayOf(_) | RowKind::Map
    )
}

/// `["a", "b"]` → a list of strings, `[{"k": 1}]` → a list of objects, `{"k": 1}` → a map.
fn json_parameter_kind(example: Option<&str>) -> Option<RowKind> {
    let value = serde_json::from_str::<serde_json::Value>(example?.trim()).ok()?;
    Some(match value {
        serde_json::Value::Object(_) => RowKind::Map,
        serde_json::Value::Array(items) => match items.first() {
            Some(serde_json::Value::Object(_)) => RowKind::Array,
            Some(serde_json::Value::Number(n)) if n.is_i64() || n.is_u64() => {
                RowKind::ArrayOfScalar(Scalar::Long)
            }
            Some(serde_json::Value::Number(_)) => RowKind::ArrayOfScalar(Scalar::Double),
            Some(serde_json::Value::Bool(_)) => RowKind::ArrayOfScalar(Scalar::Boolean),
            _ => RowKind::ArrayOfScalar(Scalar::String),
        },
        _ => return None,
    })
}

/// The type a row names that is no type word of the docs (`Spec`, `Array of DBInstanceAccount`): a type
/// another table may document.
pub(super) fn named_type(raw: &str) -> Option<String> {
    let t = text::bare(raw).0;
    let t = linked_type(&t).unwrap_or(t);
    match row_kind(&t) {
        None if super::is_identifier(&t) => Some(t),
        Some(RowKind::ArrayOf(x)) if super::is_identifier(&x) => Some(x),
        _ => None,
    }
}

/// A type cell that links to the table documenting the type on the same page (`[BatchEntryType](#table_q1)`):
/// the type's name.
pub(super) fn linked_type(cell: &str) -> Option<String> {
    let rest = cell.trim().strip_prefix('[')?;
    let (name, target) = rest.split_once("](#")?;
    (super::is_identifier(name)
        && target.ends_with(')')
        && !target[..target.len() - 1].contains(')'))
    .then(|| name.to_string())
}

/// The type column, as the docs write it.
fn row_kind(raw: &str) -> Option<RowKind> {
    if text::is_none_given(raw) {
        return Some(RowKind::Untyped);
    }
    // `String[]` is a list of strings; other brackets (`[String]`) are decoration.
    if let Some(item) = raw
        .trim()
        .strip_suffix("[]")
        .filter(|i| !i.trim().is_empty())
    {
        return Some(match scalar(&item.trim().to_lowercase()) {
            Some(s) => RowKind::ArrayOfScalar(s),
            None => RowKind::Array,
        });
    }
    let t = raw.trim().trim_matches(|c: char| c == '[' || c == ']');
    let lower = t.to_lowercase();
    // Newer pages write `array<object>`, `array<string>`, `list<Tag>`.
    let generic = ["array<", "list<"]
        .iter()
        .find_map(|p| lower.strip_prefix(p).and_then(|r| r.strip_suffix('>')));
    if let Some(item) = generic {
        return Some(match scalar(item) {
            Some(s) => RowKind::ArrayOfScalar(s),
            None if item == "object" => RowKind::Array,
            None => RowKind::ArrayOf(t[t.len() - item.len() - 1..t.len() - 1].trim().to_string()),
        });
    }
    if let Some(item) = lower
        .strip_prefix("array of ")
        .or_else(|| lower.strip_prefix("list of "))
    {
        let item_raw = t[t.len() - item.len()..].trim().to_string();
        return Some(match scalar(item) {
            Some(s) => RowKind::ArrayOfScalar(s),
            None => RowKind::ArrayOf(item_raw),
        });
    }
    if let Some(s) = scalar(&lower) {
        return Some(RowKind::Leaf(s));
    }
    Some(match lower.as_str() {
        "" => RowKind::Untyped,
        "object" | "struct" | "structure" => RowKind::Object,
        "array" | "list" | "repeatlist" | "[]" => RowKind::Array,
        "map" | "hash" | "dict" | "hashmap" => RowKind::Map,
        // `String to string map`, `Map<String, String>`, `map of string`.
        _ if lower.ends_with(" map")
            || lower.starts_with("map<")
            || lower.starts_with("map of ") =>
        {
            RowKind::Map
        }
        _ if lower.ends_with("[]") => match scalar(lower.trim_end_matches("[]")) {
            Some(s) => RowKind::ArrayOfScalar(s),
            None => RowKind::Array,
        },
        _ => return None,
    })
}

fn scalar(t: &str) -> Option<Scalar> {
    Some(match t.trim() {
        "string" | "str" | "text" | "date" | "datetime" | "timestamp" => Scalar::String,
        "integer" | "int" | "int32" | "short" | "interger" | "intger" => Scalar::Integer,
        "long" | "int64" | "bigint" => Scalar::Long,
        "float" => Scalar::Float,
        "double" | "number" | "bigdecimal" => Scalar::Double,
        "boolean" | "bool" => Scalar::Boolean,
        "json" | "jsonstring" | "json string" => Scalar::Json,
        _ => return None,
    })
}

/// A scalar, or an enum when the description lists valid values.
fn leaf_shape(s: Scalar, description: &str, lang: Lang) -> Shape {
    if !matches!(s, Scalar::String | Scalar::Integer | Scalar::Long) {
        return Shape::Scalar(s);
    }
    let values = crate::read::enums::valid_values(description, lang);
    let numeric = values.iter().all(|v| v.value.parse::<i64>().is_ok());
    if values.len() < 2 || (s != Scalar::String && !numeric) {
        return Shape::Scalar(s);
    }
    Shape::Enum(Enum { base: s, values })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Span;

    fn flat(name: &str, kind: RowKind) -> FlatRow {
        FlatRow {
            depth: 0,
            kind,
            field: Field {
                name: name.into(),
                shape: Shape::Scalar(Scalar::String),
                required: false,
                docs: Docs::default(),
                example: None,
                encoding: Encoding::Flat,
                location: None,
                origin: Default::default(),
                span: Span::default(),
            },
        }
    }

    #[test]
    fn repeat_list_items_take_the_type_the_response_gives_the_name() {
        let mut request = vec![
            flat("Id.N", RowKind::Array),
            flat("Zone.N", RowKind::Array),
            flat("Name.N", RowKind::Leaf(Scalar::String)),
        ];
        let response = vec![
            flat("Id", RowKind::Leaf(Scalar::Long)),
            flat("Name", RowKind::Leaf(Scalar::Long)),
        ];
        type_open_lists(&mut request, &response);
        assert_eq!(request[0].kind, RowKind::Leaf(Scalar::Long));
        assert_eq!(request[0].field.shape, Shape::Scalar(Scalar::Long));
        // No response field of that name: the items stay open (strings).
        assert_eq!(request[1].kind, RowKind::Array);
        // A type the request table gives is kept.
        assert_eq!(request[2].kind, RowKind::Leaf(Scalar::String));
    }

    #[test]
    fn type_column_spellings() {
        assert_eq!(row_kind("Long"), Some(RowKind::Leaf(Scalar::Long)));
        assert_eq!(row_kind("int64"), Some(RowKind::Leaf(Scalar::Long)));
        assert_eq!(
            row_kind("Array of KeyPair"),
            Some(RowKind::ArrayOf("KeyPair".into()))
        );
        assert_eq!(
            row_kind("Array of String"),
            Some(RowKind::ArrayOfScalar(Scalar::String))
        );
        assert_eq!(row_kind("array<object>"), Some(RowKind::Array));
        assert_eq!(
            row_kind("array<string>"),
            Some(RowKind::ArrayOfScalar(Scalar::String))
        );
        assert_eq!(row_kind("List<Tag>"), Some(RowKind::ArrayOf("Tag".into())));
        assert_eq!(row_kind("RepeatList"), Some(RowKind::Array));
        assert_eq!(row_kind(""), Some(RowKind::Untyped));
        assert_eq!(row_kind("Strnig"), None);
    }
}
