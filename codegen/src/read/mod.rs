//! Stage 2: one scanned page → one operation as that page documents it (`PageOperation`).
//!
//! Tables are told apart by their header columns (a `Required` column makes a request table, an error-code
//! column an error table), not by their headings alone, since headings differ from page to page.

pub mod enums;
mod errors;
pub mod examples;
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
    for path in &ex.xml_wrapped {
        diags.push(
            Diagnostic::new(Code::XmlListWrapped,
                page.span(ex.xml_line.unwrap_or(1), 1),
                format!("the JSON example shows `{path}` as a plain list, the XML example wraps its items in an element of their own; the XML form is taken"),
                "this XML example",
            )
            .hint("the XML form is the wire form of Alibaba Cloud's SDKs; make the JSON example agree"),
        );
    }
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
    let types = type_tables(page);
    let custom: BTreeSet<String> = types.keys().cloned().collect();
    let mut type_fields: BTreeMap<String, (Vec<FlatRow>, bool)> = BTreeMap::new();
    for (index, table) in page.tables.iter().enumerate() {
        let cols: Vec<Column> = table.header.iter().map(|c| column(&c.raw)).collect();
        let has = |c: Column| cols.contains(&c);
        if let Some((name, _)) = types.iter().find(|(_, &t)| t == index) {
            let is_request = has(Column::Required) || table.section == SectionKind::Request;
            // A type table's rows are fields of an object: they travel with it, wherever it goes.
            let locations = is_request.then(|| roa::TableLocations::of(page, table));
            let rows = params::field_rows(page, table, &cols, lang, locations, &custom, diags);
            type_fields.insert(name.clone(), (rows, is_request));
            continue;
        }
        if has(Column::Code) && (has(Column::Status) || has(Column::Message)) {
            errors.extend(errors::error_rows(page, table, &cols, lang, diags));
        } else if has(Column::Name)
            && (has(Column::Type)
                || (matches!(table.section, SectionKind::Request | SectionKind::Response)
                    && (has(Column::Required) || has(Column::Description))))
        {
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
            let rows = params::field_rows(
                page,
                table,
                &cols,
                lang,
                is_request.then_some(locations),
                &custom,
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
    params::type_open_lists(&mut request_rows, &response_rows);
    let mut response_shape = ex.shape.clone();
    let documented = |n: &str| response_rows.iter().any(|r| r.field.name == n);
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
    let (name, name_span) = operation_name(page, action_example, &ex, diags)?;
    // Rows whose type a table of its own documents, by place: filled in once the trees are built.
    let mut typed_rows: BTreeMap<Span, String> = BTreeMap::new();
    for r in request_rows.iter().chain(&response_rows) {
        if let RowKind::Custom(t) | RowKind::ArrayOf(t) = &r.kind {
            if type_fields.contains_key(t) {
                typed_rows.insert(r.field.span.clone(), t.clone());
            }
        }
    }
    let documented_types: BTreeMap<String, Vec<Field>> = type_fields
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
                Diagnostic::new(Code::RoaWithoutRequestLine, span, "the page documents a ROA operation but gives no request line", "`type=ROA` here")
                    .hint("add a 请求语法 / Request syntax section with a line such as `GET /path/{Id} HTTP/1.1`"),
            );
        }
    }
    let mut response = nest::tree(
        response_rows,
        response_shape.as_ref(),
        nest::Side::Response,
        diags,
    );
    for fields in [&mut request, &mut response] {
        fill_documented_types(fields, &typed_rows, &documented_types, 0);
    }
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
    let mut out = BTreeMap::new();
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

/// The operation comes from the page: the `Action` row, the sample request, the OpenAPI Explorer link, a
/// title that is an operation name and, last, the XML example's root element (`<CreateWidgetResponse>`).
/// Users name their files as they like. Where these disagree (`Action=CreatWidget` under
/// `# CreateWidget`), the name most of them give wins, ties going to the earlier in that order, with a
/// warning at each that disagrees.
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
        // `# CreateWidget`, not `# Common parameters`: one word, or a word with a camel hump.
        let api_like = t.text.split_whitespace().count() == 1
            || word
                .chars()
                .zip(word.chars().skip(1))
                .any(|(a, b)| a.is_ascii_lowercase() && b.is_ascii_uppercase());
        if is_identifier(word)
            && api_like
            && word.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        {
            found.push((word.to_string(), page.span(t.line, 1), "the title"));
        }
    }
    if let Some(n) = ex
        .xml_root
        .as_deref()
        .and_then(|r| r.strip_suffix("Response"))
    {
        if is_identifier(n) {
            found.push((
                n.to_string(),
                page.span(ex.xml_line.unwrap_or(1), 1),
                "the XML example's root element",
            ));
        }
    }
    let votes = |name: &str| found.iter().filter(|(n, _, _)| n == name).count();
    // `max_by_key` keeps the last of equals: walk in reverse so that ties go to the earlier source.
    let Some((name, span, from)) = found.iter().rev().max_by_key(|(n, _, _)| votes(n)).cloned()
    else {
        diags.push(
            Diagnostic::new(Code::OperationUnknown, page.span(1, 1), "cannot tell which operation this page documents", "this page")
                .hint("give the page an `Action` row in its request table, a sample request with `Action=`, or the operation name as its title"),
        );
        return None;
    };
    for (other, s, where_) in &found {
        if *other != name {
            diags.push(
                Diagnostic::new(
                    Code::OperationNameDisagrees,
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
