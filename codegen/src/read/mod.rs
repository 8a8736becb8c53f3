//! Stage 2: one scanned page → one operation as that page documents it (`PageOperation`).
//!
//! Tables are told apart by their header columns (a `Required` column makes a request table, an error-code
//! column an error table), not by their headings alone, since headings differ from page to page.

pub mod enums;
pub mod examples;
pub mod nest;
pub mod roa;
pub mod text;

use crate::diag::Diagnostic;
use self::examples::Node;
use crate::model::{Docs, Encoding, Enum, ErrorCode, Examples, Field, Scalar, Shape, Span};
use self::nest::{FlatRow, RowKind};
use crate::pages::{Layout, Page, SectionKind, Table};

pub use crate::merge::service::{read_service, ServiceRead};

/// The language a page is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Lang {
    Zh,
    En,
}

/// What one page says about one operation.
#[derive(Debug, Clone, PartialEq)]
pub struct PageOperation {
    pub name: String,
    pub lang: Lang,
    pub file: String,
    pub name_span: Span,
    pub docs: Option<String>,
    pub request: Vec<Field>,
    pub response: Vec<Field>,
    pub errors: Vec<ErrorCode>,
    pub examples: Examples,
    /// ROA pages only: the request line.
    pub route: Option<roa::Route>,
    /// ROA pages only: the answer is an array of what `response` describes.
    pub response_is_list: bool,
}

/// What a header column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Name,
    Type,
    Required,
    Example,
    Description,
    Status,
    Code,
    Message,
    Other,
}

fn column(header: &str) -> Column {
    let h = text::bare(header).0.to_lowercase();
    match h.as_str() {
        "名称" | "参数" | "参数名" | "参数名称" | "字段" | "name" | "parameter" | "field"
        | "parameter name" => Column::Name,
        "类型" | "参数类型" | "type" | "data type" => Column::Type,
        "是否必选" | "是否必须" | "必选" | "必填" | "是否必填" | "required" => {
            Column::Required
        }
        "示例值" | "示例" | "example" | "examples" | "example value" | "sample value" => {
            Column::Example
        }
        "描述" | "说明" | "description" | "错误描述" => Column::Description,
        "httpcode" | "http code" | "http status code" | "http状态码" | "状态码" | "http 状态码" => {
            Column::Status
        }
        "错误码" | "error code" | "errorcode" | "code" => Column::Code,
        "错误信息" | "error message" | "message" | "errormessage" => Column::Message,
        _ => Column::Other,
    }
}

/// Reads one page into what it says about its operation. Problems go into `diags`; `None` means the page
/// gives no operation at all (an error is then among the diagnostics).
pub fn page(page: &Page, diags: &mut Vec<Diagnostic>) -> Option<PageOperation> {
    let lang = language(page);
    let example_lines = {
        let l = page.section_lines(SectionKind::Examples);
        if l.is_empty() {
            page.lines
                .iter()
                .enumerate()
                .map(|(i, l)| (i as u32 + 1, l.as_str()))
                .collect()
        } else {
            l
        }
    };
    // ROA: the request line, and where each parameter travels (settled below, once the rows are a tree).
    let mut route = roa::route(page);
    let sample_request = match &route {
        Some(r) => roa::sample_request(&example_lines, r),
        None => Vec::new(),
    };
    let example_lines = match route {
        Some(_) => roa::without_sample_request(example_lines),
        None => example_lines,
    };
    let mut ex = examples::find(&example_lines);
    // ROA answers may be arrays: the response table then documents the items.
    let array_answer = route
        .is_some()
        .then(|| roa::array_example(&example_lines))
        .flatten();
    let response_is_list = array_answer.is_some();
    if let Some((json, item)) = array_answer {
        ex.json = Some(json);
        ex.shape = Some(item);
    }
    let mut request_rows = Vec::new();
    let mut response_rows = Vec::new();
    let mut errors = Vec::new();
    let mut action_example: Option<(String, Span)> = None;
    for table in &page.tables {
        let cols: Vec<Column> = table.header.iter().map(|c| column(&c.raw)).collect();
        let has = |c: Column| cols.contains(&c);
        if has(Column::Code) && (has(Column::Status) || has(Column::Message)) {
            errors.extend(error_rows(page, table, &cols, lang, diags));
        } else if has(Column::Name) && has(Column::Type) {
            let locations = roa::TableLocations::of(page, table);
            let is_request = has(Column::Required)
                || table.section == SectionKind::Request
                || locations.is_request();
            let rows = field_rows(
                page,
                table,
                &cols,
                lang,
                is_request.then_some(locations),
                diags,
            );
            if is_request {
                for r in rows {
                    if r.field.name == "Action" {
                        if let Some(e) = r.field.example.clone().filter(|e| is_identifier(e)) {
                            action_example = Some((e, r.field.span.clone()));
                        }
                        continue;
                    }
                    request_rows.push(r);
                }
            } else {
                response_rows.extend(rows);
            }
        }
    }
    type_open_lists(&mut request_rows, &response_rows);
    let (name, name_span) = operation_name(page, action_example, &ex, diags)?;
    let request_shape = request_example_shape(&ex.request);
    let mut request = nest::tree(
        request_rows,
        request_shape.as_ref(),
        nest::Side::Request,
        diags,
    );
    match &mut route {
        Some(r) => roa::settle(r, &mut request, diags),
        None => roa::clear(&mut request),
    }
    if route.is_none() {
        if let Some(span) = roa::explorer_says_roa(page) {
            diags.push(
                Diagnostic::error(span, "the page documents a ROA operation but gives no request line", "`type=ROA` here")
                    .hint("add a 请求语法 / Request syntax section with a line such as `GET /path/{Id} HTTP/1.1`"),
            );
        }
    }
    let response = nest::tree(
        response_rows,
        ex.shape.as_ref(),
        nest::Side::Response,
        diags,
    );
    Some(PageOperation {
        name,
        lang,
        file: page.file.clone(),
        name_span,
        docs: summary(page),
        request,
        response,
        errors,
        examples: Examples {
            // A ROA sample request's values are kept as examples only: unlike RPC ones, its JSON values
            // need not show the parameters' nesting (`Internet=[{...}]` for a String parameter).
            request: if ex.request.is_empty() {
                sample_request
            } else {
                ex.request
            },
            response_json: ex.json,
            response_xml: ex.xml,
        },
        route,
        response_is_list,
    })
}

/// Chinese when the headings or descriptions are written in Chinese.
fn language(page: &Page) -> Lang {
    let cjk = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    let headed = page
        .headings
        .iter()
        .filter(|h| h.kind != SectionKind::Other)
        .any(|h| cjk(&h.text));
    let headers = page
        .tables
        .iter()
        .flat_map(|t| &t.header)
        .any(|c| cjk(&c.raw));
    if headed || headers {
        Lang::Zh
    } else {
        Lang::En
    }
}

pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The operation comes from the page: the `Action` row, the sample request, the OpenAPI Explorer link or a
/// title that is an operation name, in that order. Users name their files as they like.
fn operation_name(
    page: &Page,
    action_row: Option<(String, Span)>,
    ex: &examples::PageExamples,
    diags: &mut Vec<Diagnostic>,
) -> Option<(String, Span)> {
    let mut found: Vec<(String, Span, &str)> = Vec::new();
    if let Some((n, s)) = action_row {
        found.push((n, s, "the Action row"));
    }
    if let Some((n, line)) = &ex.action {
        if is_identifier(n) {
            found.push((n.clone(), page.span(*line, 1), "the sample request"));
        }
    }
    for (i, l) in page.lines.iter().enumerate() {
        if let Some(p) = l.find("&api=").or_else(|| l.find("?api=")) {
            let n: String = l[p + 5..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if is_identifier(&n) {
                found.push((
                    n,
                    page.span(i as u32 + 1, p as u32 + 1),
                    "the OpenAPI Explorer link",
                ));
                break;
            }
        }
    }
    if let Some(t) = page.title() {
        let word = t.text.split_whitespace().next().unwrap_or("");
        if is_identifier(word) && word.chars().next().is_some_and(|c| c.is_ascii_uppercase()) {
            found.push((word.to_string(), page.span(t.line, 1), "the title"));
        }
    }
    let Some((name, span, from)) = found.first().cloned() else {
        diags.push(
            Diagnostic::error(page.span(1, 1), "cannot tell which operation this page documents", "this page")
                .hint("give the page an `Action` row in its request table, a sample request with `Action=`, or the operation name as its title"),
        );
        return None;
    };
    for (other, s, where_) in &found[1..] {
        if *other != name && !(from == "the title" || *where_ == "the title") {
            diags.push(
                Diagnostic::warning(
                    s.clone(),
                    format!("{where_} names operation `{other}`, {from} names `{name}`"),
                    format!("`{other}` here"),
                )
                .also(span.clone(), format!("`{name}` taken from here")),
            );
        }
    }
    Some((name, span))
}

/// The first paragraph after the title (or, on copied text, the first lines before any heading).
fn summary(page: &Page) -> Option<String> {
    let start = page.title().map(|t| t.line as usize).unwrap_or(0);
    let mut para = Vec::new();
    for l in page.lines.iter().skip(start) {
        let t = l.trim();
        if t.is_empty() {
            if para.is_empty() {
                continue;
            }
            break;
        }
        if t.starts_with('#')
            || t.starts_with('|')
            || crate::pages::section_kind(t) != SectionKind::Other
        {
            break;
        }
        if matches!(t.to_lowercase().as_str(), "debugging" | "调试") {
            break;
        }
        para.push(t);
    }
    let joined = para.join("\n");
    let text = match page.layout {
        Layout::Markdown => text::markdown_to_text(&joined),
        Layout::Text => text::plain_text(&joined),
    };
    (!text.is_empty()).then_some(text)
}

fn cell_text(page: &Page, raw: &str) -> String {
    match page.layout {
        Layout::Markdown => text::markdown_to_text(raw),
        Layout::Text => text::plain_text(raw),
    }
}

fn field_rows(
    page: &Page,
    table: &Table,
    cols: &[Column],
    lang: Lang,
    request_locations: Option<roa::TableLocations>,
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
            continue;
        }
        let type_raw = cell(type_i)
            .map(|c| text::bare(&c.raw).0)
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
        let kind = match row_kind(&type_raw) {
            Some(k) => k,
            None => {
                let span = cell(type_i)
                    .map(|c| c.span.clone())
                    .unwrap_or_else(|| row.span.clone());
                diags.push(
                    Diagnostic::warning(span, format!("unknown type `{type_raw}` of `{name}`"), "this type")
                        .hint("known types: String, Integer, Long, Float, Double, Boolean, Object, Array, Array of X, Map, Json; the field is read as String"),
                );
                RowKind::Leaf(Scalar::String)
            }
        };
        let shape = match kind {
            RowKind::Leaf(s) => leaf_shape(s, &description, lang),
            _ => Shape::Scalar(Scalar::String),
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
        let encoding = if is_request
            && !name.contains('.')
            && matches!(
                kind,
                RowKind::Object | RowKind::Array | RowKind::ArrayOf(_) | RowKind::Map
            ) {
            Encoding::Json
        } else {
            Encoding::Flat
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
                span: name_cell.span.clone(),
            },
        });
    }
    out
}

/// `Id.N | RepeatList` says that a parameter is a list, not what its items are; where the page's response
/// table gives a field of the same name one scalar type (`Id | Long`), the items have that type.
fn type_open_lists(request: &mut [FlatRow], response: &[FlatRow]) {
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

/// The type column, as the docs write it.
fn row_kind(raw: &str) -> Option<RowKind> {
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
        "map" | "hash" | "dict" => RowKind::Map,
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
        "integer" | "int" | "int32" | "short" => Scalar::Integer,
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

fn error_rows(
    page: &Page,
    table: &Table,
    cols: &[Column],
    lang: Lang,
    diags: &mut Vec<Diagnostic>,
) -> Vec<ErrorCode> {
    let at = |c: Column| cols.iter().position(|&x| x == c);
    let mut out = Vec::new();
    for row in &table.rows {
        let cell = |c: Column| at(c).and_then(|i| row.cells.get(i));
        let Some(code_cell) = cell(Column::Code) else {
            continue;
        };
        let code = text::bare(&code_cell.raw).0;
        if code.is_empty() {
            continue;
        }
        let status_text = cell(Column::Status)
            .map(|c| text::bare(&c.raw).0)
            .unwrap_or_default();
        let status = match status_text.parse::<u16>() {
            Ok(s) if (100..600).contains(&s) => s,
            _ => {
                let span = cell(Column::Status)
                    .map(|c| c.span.clone())
                    .unwrap_or_else(|| row.span.clone());
                diags.push(
                    Diagnostic::warning(span, format!("error `{code}` has no HTTP status (`{status_text}`)"), "this cell")
                        .hint("write the status as a number such as 400; the error is kept with status 400"),
                );
                400
            }
        };
        let message = cell(Column::Message)
            .map(|c| cell_text(page, &c.raw))
            .unwrap_or_default();
        let description = cell(Column::Description)
            .map(|c| cell_text(page, &c.raw))
            .filter(|d| !d.is_empty());
        let docs = match lang {
            Lang::Zh => Docs {
                zh: description,
                en: None,
            },
            Lang::En => Docs {
                en: description,
                zh: None,
            },
        };
        out.push(ErrorCode {
            code,
            status,
            message,
            docs,
            span: code_cell.span.clone(),
        });
    }
    out
}

/// Request sample values that are JSON (`ConfigRules=[{...}]`) show the nesting of request parameters.
fn request_example_shape(pairs: &[(String, String)]) -> Option<Node> {
    let mut root = std::collections::BTreeMap::new();
    for (k, v) in pairs {
        let v = v.trim();
        if !(v.starts_with('[') || v.starts_with('{')) {
            continue;
        }
        if let Ok(value) = serde_json::from_str::<serde_json::Value>(v) {
            let json = serde_json::json!({ k.clone(): value });
            if let Node::Object(m) = Node::from_json(&json) {
                root.extend(m);
            }
        }
    }
    (!root.is_empty()).then_some(Node::Object(root))
}

#[cfg(test)]
mod tests {
    use super::*;

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
