//! Stage 2: one scanned page → one operation as that page documents it (`PageOperation`).
//!
//! Tables are told apart by their header columns (a `Required` column makes a request table, an error-code
//! column an error table), not by their headings alone, since headings differ from page to page.

pub mod enums;
pub(crate) mod errors;
pub mod examples;
mod name;
pub mod nest;
mod params;
pub mod roa;
pub mod text;

use self::examples::Node;
use self::nest::{FlatRow, RowKind};
use crate::diag::{Code, Diagnostic};
use crate::model::{ErrorCode, Examples, Field, Shape, Span};
use crate::pages::{Layout, Page, SectionKind};
use std::collections::{BTreeMap, BTreeSet};

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
    /// The name the page's `Action` row or sample request gives, which is what goes on the wire.
    pub wire_name: Option<String>,
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
pub(crate) enum Column {
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

pub(crate) fn column(header: &str) -> Column {
    let h = text::bare(header).0.to_lowercase();
    match h.as_str() {
        "名称" | "参数" | "参数名" | "参数名称" | "字段" | "name" | "parameter" | "field"
        | "parameter name" | "attribute" => Column::Name,
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
    // ROA: the request line, and where each parameter travels (settled below, once the rows are a tree).
    let mut route = roa::route(page);
    let found = page_examples(page, route.as_ref(), diags);
    let ex = found.examples;
    let mut tables = classify_tables(page, lang, route.is_some(), diags);
    let mut response_shape = ex.shape.clone();
    let documented = |n: &str| tables.response_rows.iter().any(|r| r.field.name == n);
    if let Some(envelope) = examples::unwrap_envelope(&mut response_shape, &documented) {
        diags.push(
            Diagnostic::new(Code::ExampleEnvelope,
                page.span(ex.json_line.or(ex.xml_line).unwrap_or(1), 1),
                format!("the response example is wrapped in `{envelope}`, which the table does not document; the fields inside it are the response's"),
                "this example",
            )
            .hint("show the response body itself in the example"),
        );
    }
    if route.is_some() {
        if let Some(object) = roa::wrap_bare_contents(&mut response_shape, &tables.response_rows) {
            diags.push(
                Diagnostic::new(
                    Code::ExampleWithoutWrapper,
                    page.span(ex.json_line.or(ex.xml_line).unwrap_or(1), 1),
                    format!("the response example shows the fields of `{object}` without `{object}` itself; they are read as its fields, as the table says"),
                    "this example",
                )
                .hint(format!("show `{object}` in the example as the table documents it")),
            );
        }
    }
    let wire_name = tables
        .action_example
        .as_ref()
        .map(|(n, _)| n.clone())
        .or_else(|| ex.action.as_ref().map(|(n, _)| n.clone()))
        .filter(|n| is_identifier(n));
    let (name, name_span) = name::operation_name(page, tables.action_example.clone(), &ex, diags)?;
    let errors = std::mem::take(&mut tables.errors);
    let request_shape = request_example_shape(&ex.request);
    let (mut request, mut response) = trees(
        tables,
        request_shape.as_ref(),
        response_shape.as_ref(),
        &ex.request,
        diags,
    );
    match &mut route {
        Some(r) => {
            roa::settle(r, &mut request, diags);
            roa::settle_response(&mut response, response_shape.as_ref());
        }
        None => {
            roa::clear(&mut request);
            params::sample_only(page, &mut request, &ex.request, diags);
            params::settle_encodings(&mut request, &ex.request);
            if let Some(span) = roa::explorer_says_roa(page) {
                diags.push(
                    Diagnostic::new(Code::RoaWithoutRequestLine, span, "the page documents a ROA operation but gives no request line", "`type=ROA` here")
                        .hint("add a 请求语法 / Request syntax section with a line such as `GET /path/{Id} HTTP/1.1`"),
                );
            }
        }
    }
    Some(PageOperation {
        name,
        wire_name,
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
                found.sample_request
            } else {
                ex.request
            },
            response_json: ex.json,
            response_xml: ex.xml,
        },
        route,
        response_is_list: found.response_is_list,
    })
}

/// What a page's examples section holds.
struct FoundExamples {
    examples: examples::PageExamples,
    /// A ROA page's sample request line as `name=value` pairs.
    sample_request: Vec<(String, String)>,
    /// A ROA answer that is an array of what the response table describes.
    response_is_list: bool,
}

/// The examples of the page: under its examples heading, or anywhere on a page without one. A ROA page's
/// sample request (and the body shown under it) is no response example; its answer may be an array.
fn page_examples(
    page: &Page,
    route: Option<&roa::Route>,
    diags: &mut Vec<Diagnostic>,
) -> FoundExamples {
    let mut example_lines = page.section_lines(SectionKind::Examples);
    if example_lines.is_empty() {
        example_lines = page
            .lines
            .iter()
            .enumerate()
            .map(|(i, l)| (i as u32 + 1, l.as_str()))
            .collect();
    }
    let sample_request = route
        .map(|r| roa::sample_request(&example_lines, r))
        .unwrap_or_default();
    if route.is_some() {
        example_lines = roa::without_sample_request(example_lines);
    }
    let mut ex = examples::find(&example_lines);
    for path in &ex.xml_wrapped {
        diags.push(
            Diagnostic::new(
                Code::XmlListWrapped,
                page.span(ex.xml_line.unwrap_or(1), 1),
                format!("the JSON example shows `{path}` as a plain list, the XML example wraps its items in an element of their own; the XML form is taken"),
                "this XML example",
            )
            .hint("the XML form is the wire form of Alibaba Cloud's SDKs; make the JSON example agree"),
        );
    }
    // ROA answers may be arrays: the response table then documents the items.
    let array_answer = route.and_then(|_| roa::array_example(&example_lines));
    let response_is_list = array_answer.is_some();
    if let Some((json, item)) = array_answer {
        ex.json = Some(json);
        ex.shape = Some(item);
    }
    FoundExamples {
        examples: ex,
        sample_request,
        response_is_list,
    }
}

/// The page's parameter tables, read into flat rows by what their columns and places say they are.
struct Tables {
    request_rows: Vec<FlatRow>,
    response_rows: Vec<FlatRow>,
    errors: Vec<ErrorCode>,
    /// `Action`'s example in the request table, where the page has one.
    action_example: Option<(String, Span)>,
    /// Tables that document a named type (`Spec`): the type → its rows, and whether it is a request's.
    type_fields: BTreeMap<String, (Vec<FlatRow>, bool)>,
}

/// Whether a table's columns make it a parameter table (names, and types or a request/response place).
fn is_parameter_table(table: &crate::pages::Table, cols: &[Column]) -> bool {
    let has = |c: Column| cols.contains(&c);
    has(Column::Name)
        && (has(Column::Type)
            || (matches!(table.section, SectionKind::Request | SectionKind::Response)
                && (has(Column::Required) || has(Column::Description))))
}

/// On a ROA page, rows that repeat the list row above them with every other cell blank (`presets | Array of
/// presets`, then `presets | ␣ | ␣ | ␣`, often non-breaking spaces): such a row names the list's items, it is
/// no level of its own, since a JSON answer has no element wrapping the items. (On RPC pages the same rows,
/// `EventPattern | Array of EventPattern` then `EventPattern`, are the list inside a wrapper object, as the
/// XML answer has it.) Returns their lines.
fn item_name_rows(table: &crate::pages::Table, cols: &[Column]) -> BTreeSet<u32> {
    let Some(name_i) = cols.iter().position(|c| *c == Column::Name) else {
        return BTreeSet::new();
    };
    let type_i = cols.iter().position(|c| *c == Column::Type);
    let name = |row: &crate::pages::Row| row.cells.get(name_i).map(|c| text::bare(&c.raw).0);
    table
        .rows
        .windows(2)
        .filter(|pair| {
            let [list, row] = pair else { return false };
            // Cells are trimmed, non-breaking spaces too.
            let blank_others = row
                .cells
                .iter()
                .enumerate()
                .all(|(i, c)| i == name_i || c.raw.is_empty());
            let is_list = type_i.and_then(|i| list.cells.get(i)).is_some_and(|c| {
                text::bare(&c.raw)
                    .0
                    .to_ascii_lowercase()
                    .starts_with("array")
            });
            is_list && name(list) == name(row) && row.cells.len() > 1 && blank_others
        })
        .map(|pair| pair[1].span.line)
        .collect()
}

/// Whether a table's columns make it an error-code table.
fn is_error_table(cols: &[Column]) -> bool {
    cols.contains(&Column::Code)
        && (cols.contains(&Column::Status) || cols.contains(&Column::Message))
}

/// Tells the page's tables apart (request, response, documented types) and reads their rows.
fn classify_tables(page: &Page, lang: Lang, roa: bool, diags: &mut Vec<Diagnostic>) -> Tables {
    let mut out = Tables {
        request_rows: Vec::new(),
        response_rows: Vec::new(),
        errors: Vec::new(),
        action_example: None,
        type_fields: BTreeMap::new(),
    };
    let types = type_tables(page);
    let custom: BTreeSet<String> = types.keys().cloned().collect();
    for (index, table) in page.tables.iter().enumerate() {
        let cols: Vec<Column> = table.header.iter().map(|c| column(&c.raw)).collect();
        let has = |c: Column| cols.contains(&c);
        if let Some((name, _)) = types.iter().find(|(_, &t)| t == index) {
            let is_request = has(Column::Required) || table.section == SectionKind::Request;
            // A type table's rows are fields of an object: they travel with it, wherever it goes.
            let locations = is_request.then(|| roa::TableLocations::of(page, table));
            let rows = params::field_rows(page, table, &cols, lang, locations, &custom, diags);
            out.type_fields.insert(name.clone(), (rows, is_request));
            continue;
        }
        if is_error_table(&cols) {
            out.errors
                .extend(errors::error_rows(page, table, &cols, lang, diags));
            continue;
        }
        if !is_parameter_table(table, &cols) || (table.split && !roa::split_table_read(page, table))
        {
            continue;
        }
        if !has(Column::Type) {
            diags.push(
                Diagnostic::new(
                    Code::NoTypeColumn,
                    table.span.clone(),
                    "this parameter table has no type column; its fields are read as String",
                    "header of the table",
                )
                .hint("add a `Type` / `类型` column"),
            );
        }
        let locations = roa::TableLocations::of(page, table);
        let is_request = has(Column::Required)
            || table.section == SectionKind::Request
            || locations.is_request();
        let mut rows = params::field_rows(
            page,
            table,
            &cols,
            lang,
            is_request.then_some(locations),
            &custom,
            diags,
        );
        if roa {
            let item_names = item_name_rows(table, &cols);
            rows.retain(|r| !item_names.contains(&r.field.span.line));
        }
        if is_request {
            for r in rows {
                if r.field.name == "Action" {
                    if let Some(e) = r.field.example.clone().filter(|e| is_identifier(e)) {
                        out.action_example = Some((e, r.field.span.clone()));
                    }
                    continue;
                }
                out.request_rows.push(r);
            }
        } else if !(roa && !out.response_rows.is_empty() && roa::documents_headers(&rows)) {
            out.response_rows.extend(rows);
        }
    }
    params::type_open_lists(&mut out.request_rows, &out.response_rows);
    out
}

/// The request and response trees of the flat rows, with the fields of documented types filled in.
fn trees(
    tables: Tables,
    request_shape: Option<&Node>,
    response_shape: Option<&Node>,
    sample_request: &[(String, String)],
    diags: &mut Vec<Diagnostic>,
) -> (Vec<Field>, Vec<Field>) {
    // Rows whose type a table of its own documents, by place: filled in once the trees are built.
    let mut typed_rows: BTreeMap<Span, String> = BTreeMap::new();
    for r in tables.request_rows.iter().chain(&tables.response_rows) {
        if let RowKind::Custom(t) | RowKind::ArrayOf(t) = &r.kind {
            if tables.type_fields.contains_key(t) {
                typed_rows.insert(r.field.span.clone(), t.clone());
            }
        }
    }
    let documented_types: BTreeMap<String, Vec<Field>> = tables
        .type_fields
        .into_iter()
        .map(|(t, (rows, is_request))| {
            let side = if is_request {
                nest::Side::Request
            } else {
                nest::Side::Response
            };
            (t, nest::tree(rows, None, side, diags))
        })
        .collect();
    let mut request = nest::tree(
        tables.request_rows,
        request_shape,
        nest::Side::Request,
        diags,
    );
    let mut response = nest::tree(
        tables.response_rows,
        response_shape,
        nest::Side::Response,
        diags,
    );
    for fields in [&mut request, &mut response] {
        fill_documented_types(fields, &typed_rows, &documented_types, 0);
        documented_lists(fields, &typed_rows, sample_request);
    }
    (request, response)
}

/// Tables that document a type another table's rows name (`Spec.N | Spec`, then a table under a line
/// `Spec`): the type's name → the table's index.
fn type_tables(page: &Page) -> BTreeMap<String, usize> {
    let mut named: BTreeMap<String, usize> = BTreeMap::new();
    for (index, table) in page.tables.iter().enumerate() {
        let Some(type_i) = table
            .header
            .iter()
            .position(|c| column(&c.raw) == Column::Type)
        else {
            continue;
        };
        for row in &table.rows {
            if let Some(t) = row
                .cells
                .get(type_i)
                .and_then(|c| params::named_type(&c.raw))
            {
                named.entry(t).or_insert(index);
            }
        }
    }
    let mut out = linked_type_tables(page);
    for (index, table) in page.tables.iter().enumerate() {
        let Some(caption) = &table.caption else {
            continue;
        };
        let word = text::bare(caption).0;
        let word = word
            .split(|c: char| c.is_whitespace() || matches!(c, ':' | '：' | '（' | '('))
            .next()
            .unwrap_or("");
        if named.get(word).is_some_and(|&user| user != index) {
            out.entry(word.to_string()).or_insert(index);
        }
    }
    out
}

/// Types named by a link in a type cell (`Batch | [BatchEntryType](#table_q1)`) with no caption naming their
/// table: each is documented by the next table after the link's own that has a name and a type column and
/// links to no type itself, in the order the links come.
fn linked_type_tables(page: &Page) -> BTreeMap<String, usize> {
    let type_column = |index: usize| {
        page.tables[index]
            .header
            .iter()
            .position(|c| column(&c.raw) == Column::Type)
    };
    let links = |index: usize| -> Vec<String> {
        let Some(type_i) = type_column(index) else {
            return Vec::new();
        };
        page.tables[index]
            .rows
            .iter()
            .filter_map(|r| r.cells.get(type_i))
            .filter_map(|c| params::linked_type(&text::bare(&c.raw).0))
            .collect()
    };
    let mut out = BTreeMap::new();
    let mut next = 0;
    for user in 0..page.tables.len() {
        for name in links(user) {
            next = next.max(user + 1);
            let holder = (next..page.tables.len()).find(|&t| {
                let has_name = page.tables[t]
                    .header
                    .iter()
                    .any(|c| column(&c.raw) == Column::Name);
                has_name && type_column(t).is_some() && links(t).is_empty()
            });
            if let Some(t) = holder {
                out.entry(name).or_insert(t);
                next = t + 1;
            }
        }
    }
    out
}

/// Gives each row whose type a table of its own documents the fields of that table (nested types too,
/// a few levels deep).
fn fill_documented_types(
    fields: &mut [Field],
    typed_rows: &BTreeMap<Span, String>,
    types: &BTreeMap<String, Vec<Field>>,
    depth: usize,
) {
    if depth > 8 {
        return;
    }
    for f in fields.iter_mut() {
        if let Some(children) = typed_rows.get(&f.span).and_then(|t| types.get(t)) {
            let mut children = children.clone();
            fill_documented_types(&mut children, typed_rows, types, depth + 1);
            match &mut f.shape {
                Shape::Array(item) if matches!(item.as_ref(), Shape::Object(c) if c.is_empty()) => {
                    **item = Shape::Object(children);
                }
                Shape::Object(c) if c.is_empty() => *c = children,
                _ => {}
            }
        }
        match &mut f.shape {
            Shape::Object(c) => fill_documented_types(c, typed_rows, types, depth),
            Shape::Array(item) => {
                if let Shape::Object(c) = item.as_mut() {
                    fill_documented_types(c, typed_rows, types, depth);
                }
            }
            _ => {}
        }
    }
}

/// A field whose type a table of its own documents is a list where that table holds one row named in lower
/// case (`Names | [NameListType](#t2)`, then `name | String`: a list of strings), or where the sample request
/// numbers it (`Batch.1.HostName=…`: a list of objects).
fn documented_lists(
    fields: &mut [Field],
    typed_rows: &BTreeMap<Span, String>,
    sample: &[(String, String)],
) {
    for f in fields
        .iter_mut()
        .filter(|f| typed_rows.contains_key(&f.span))
    {
        let Shape::Object(children) = &f.shape else {
            continue;
        };
        let numbered = sample.iter().any(|(k, _)| {
            k.strip_prefix(f.name.as_str())
                .and_then(|r| r.strip_prefix('.'))
                .is_some_and(|r| {
                    r.split('.')
                        .next()
                        .is_some_and(|i| !i.is_empty() && i.chars().all(|c| c.is_ascii_digit()))
                })
        });
        let item = match children.as_slice() {
            [one] if one.name.starts_with(|c: char| c.is_ascii_lowercase()) => one.shape.clone(),
            _ if numbered => f.shape.clone(),
            _ => continue,
        };
        f.shape = Shape::Array(Box::new(item));
    }
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

pub(crate) fn cell_text(page: &Page, raw: &str) -> String {
    match page.layout {
        Layout::Markdown => text::markdown_to_text(raw),
        Layout::Text => text::plain_text(raw),
    }
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
