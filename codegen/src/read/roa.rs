//! The ROA dialect of a page: a REST path per operation.
//!
//! A ROA page gives its method and path template in a request line (`PUT /pop/v1/sam/app/{AppId} HTTP/1.1`,
//! under 请求语法 / Request syntax), says where each parameter travels in a 位置 / Position column, and may put
//! body parameters in a section of their own (`RequestBody`, "Request body") and operation-specific headers in
//! a 请求头 / Request headers section. RPC pages have none of these; the rest of the page reads the same, so
//! this file only adds the route and the locations to what `read` finds.

use crate::diag::{Code, Diagnostic};
use crate::model::{Encoding, Field, HttpMethod, Location, Shape, Span};
use crate::pages::{Page, SectionKind, Table};

/// The request line of a ROA operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// The method calls are sent with.
    pub method: HttpMethod,
    /// Every method the request line lists (`PATCH|POST` lists two; most lines one).
    pub methods: Vec<HttpMethod>,
    /// The path template with `{Name}` placeholders, without host, query string or trailing `/`.
    pub path: String,
    pub span: Span,
}

/// What a table's place on the page says about the locations of its rows.
#[derive(Debug, Clone, Copy, Default)]
pub struct TableLocations {
    /// The 位置 / Position column.
    column: Option<usize>,
    /// The location of rows that give none: `Body` under a request body heading, `Header` under a request
    /// headers heading.
    section: Option<Location>,
}

impl TableLocations {
    pub fn of(page: &Page, table: &Table) -> TableLocations {
        let column = table.header.iter().position(|c| {
            matches!(
                super::text::bare(&c.raw).0.to_lowercase().as_str(),
                "位置" | "参数位置" | "position" | "location" | "in"
            )
        });
        TableLocations {
            column,
            section: section_location(page, table),
        }
    }

    /// Whether the table documents request parameters whatever its columns say (a request body or headers
    /// section).
    pub fn is_request(&self) -> bool {
        self.section.is_some()
    }

    /// The location a row gives (its position cell) or its section gives; unknown words are a warning.
    pub fn row(&self, row: &crate::pages::Row, diags: &mut Vec<Diagnostic>) -> Option<Location> {
        let Some(cell) = self.column.and_then(|i| row.cells.get(i)) else {
            return self.section;
        };
        let word = super::text::bare(&cell.raw).0;
        if word.is_empty() {
            return self.section;
        }
        let location = location_word(&word);
        if location.is_none() {
            diags.push(
                Diagnostic::new(Code::UnknownPosition, cell.span.clone(), format!("unknown parameter position `{word}`"), "this position")
                    .hint("known positions: Path, Query, Body, FormData, Header; the parameter is sent in the query"),
            );
        }
        location.or(self.section)
    }
}

fn location_word(word: &str) -> Option<Location> {
    Some(match word.to_lowercase().as_str() {
        "path" => Location::Path,
        "query" => Location::Query,
        "body" => Location::Body,
        "formdata" | "form" | "form data" => Location::Form,
        "header" | "headers" => Location::Header,
        _ => return None,
    })
}

/// The words of a heading line, without `#` marks, `{#id .class}` attributes and a closing colon.
fn heading_words(line: &str) -> String {
    let mut t = line.trim().trim_start_matches('#').trim();
    if t.ends_with('}') {
        if let Some(open) = t.rfind('{') {
            t = t[..open].trim_end();
        }
    }
    t.trim_end_matches([':', '：']).trim().to_lowercase()
}

fn body_heading(words: &str) -> bool {
    matches!(
        words,
        "requestbody"
            | "request body"
            | "请求体"
            | "请求body"
            | "请求 body"
            | "body参数"
            | "body 参数"
    )
}

/// A sentence that introduces the body's parameters: "请在RequestBody里另外提供下列参数", "You also need to
/// specify the following parameters in RequestBody".
fn body_sentence(words: &str) -> bool {
    let squeezed: String = words.split_whitespace().collect();
    let names_the_body = ["requestbody", "请求体", "请求body"]
        .iter()
        .any(|w| squeezed.contains(w));
    let introduces_parameters = ["下列参数", "以下参数", "followingparameter"]
        .iter()
        .any(|w| squeezed.contains(w));
    names_the_body && introduces_parameters
}

fn header_heading(words: &str) -> bool {
    matches!(
        words,
        "请求头" | "request headers" | "request header" | "请求头参数" | "请求头部"
    )
}

/// The section a table stands in, when it is a request body or request headers section. Copied text keeps
/// such headings as bare lines, so the lines above the table are read, back to the previous table or heading.
fn section_location(page: &Page, table: &Table) -> Option<Location> {
    let start = table.span.line as usize;
    for line in page.lines[..start.saturating_sub(1).min(page.lines.len())]
        .iter()
        .rev()
    {
        let words = heading_words(line);
        if body_heading(&words) || body_sentence(&words) {
            return Some(Location::Body);
        }
        if header_heading(&words) {
            return Some(Location::Header);
        }
        let t = line.trim();
        if t.starts_with('#')
            || t.contains('|')
            || crate::pages::section_kind(t) != SectionKind::Other
        {
            return None;
        }
    }
    None
}

/// Whether a split table (each cell on a line of its own) documents parameters: where its place says so, under
/// a request body heading or sentence ("请在RequestBody里另外提供下列参数") or right under a request or response
/// heading. Elsewhere such tables document the contents of a parameter sent as JSON text (`**ScRules参数说明**`,
/// "Resources各参数含义如下所示"), which is one String to the SDKs.
pub fn split_table_read(page: &Page, table: &Table) -> bool {
    if section_location(page, table) == Some(Location::Body) {
        return true;
    }
    let start = table.span.line as usize;
    let above = page.lines[..start.saturating_sub(1).min(page.lines.len())]
        .iter()
        .rposition(|l| !l.trim().is_empty())
        .map(|i| i as u32 + 1);
    page.headings.iter().any(|h| {
        Some(h.line) == above && matches!(h.kind, SectionKind::Request | SectionKind::Response)
    })
}

/// A request line as a page writes it, template or sample: `PATCH|POST /v2/gadgets/[GadgetId]/label HTTP/1.1`,
/// `GET /v2/gadgets? colors="[\"blue\", \"red\"]" HTTP/1.1 {"a": 1}`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct RequestLine {
    /// The methods it lists, in its order (`PATCH|POST` lists two).
    methods: Vec<HttpMethod>,
    /// The path, without query string or trailing `/`.
    path: String,
    /// The query string, without `?`.
    query: String,
    /// Whether an HTTP version (`HTTP/1.1`, or `HTTPS|HTTP`) follows the target.
    versioned: bool,
}

impl RequestLine {
    /// The method the call is sent with: POST where the line lists it among others (Alibaba's SDKs send
    /// POST for `PATCH|POST`, `POST|PUT`, `PATCH|POST|PUT`), else the first.
    fn method(&self) -> HttpMethod {
        if self.methods.contains(&HttpMethod::Post) {
            HttpMethod::Post
        } else {
            self.methods[0]
        }
    }
}

/// Reads `METHOD[|METHOD…] /target [HTTP/1.1] [anything]`. The target ends at a space outside double
/// quotes (`?colors="[\"blue\", \"red\"]"`), except a space right after `?` or `&`, or before `&`
/// (`/shrink? kind=SENSOR`). What follows the version (a body, "common request header") is left out.
fn parse_request_line(line: &str) -> Option<RequestLine> {
    let line = line.trim();
    let (first, rest) = line.split_once(char::is_whitespace)?;
    let methods: Vec<HttpMethod> = first
        .split('|')
        .map(HttpMethod::parse)
        .collect::<Option<_>>()?;
    let rest = rest.trim_start();
    if methods.is_empty() || !rest.starts_with('/') {
        return None;
    }
    let (target, after) = split_target(rest);
    let versioned = after
        .split_whitespace()
        .next()
        .is_some_and(|w| w.to_ascii_uppercase().starts_with("HTTP"));
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let path = path
        .strip_suffix('/')
        .filter(|p| !p.is_empty())
        .unwrap_or(path);
    Some(RequestLine {
        methods,
        path: path.to_string(),
        query: query.trim().to_string(),
        versioned,
    })
}

/// The target of a request line (its spaces outside quotes dropped) and the text after it.
fn split_target(rest: &str) -> (String, &str) {
    let mut target = String::new();
    let mut quoted = false;
    let mut escaped = false;
    let mut chars = rest.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c.is_whitespace() && !quoted {
            let next_word = rest[i..].trim_start();
            let joins = target.ends_with(['?', '&']) || next_word.starts_with('&');
            if !joins || next_word.is_empty() {
                return (target, &rest[i..]);
            }
            while chars.peek().is_some_and(|(_, c)| c.is_whitespace()) {
                chars.next();
            }
            continue;
        }
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => quoted = !quoted,
            _ => {}
        }
        target.push(c);
    }
    (target, "")
}

/// The query pairs of a sample request's query string, split at `&` outside double quotes; a value in
/// quotes (`"[\"blue\", \"red\"]"`) is read without them.
fn query_pairs(query: &str) -> Vec<(String, String)> {
    let mut parts = Vec::new();
    let mut part = String::new();
    let mut quoted = false;
    let mut escaped = false;
    for c in query.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => quoted = !quoted,
            '&' if !quoted => {
                parts.push(std::mem::take(&mut part));
                continue;
            }
            _ => {}
        }
        part.push(c);
    }
    parts.push(part);
    parts
        .iter()
        .filter_map(|p| p.trim().split_once('='))
        .map(|(k, v)| {
            let v = v.trim();
            let v = match v.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
                Some(inner) => inner.replace("\\\"", "\""),
                None => decode(v),
            };
            (decode(k.trim()), v)
        })
        .collect()
}

/// A sample URL's text, percent-decoded, `+` a space.
fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(&s.replace('+', " "))
        .decode_utf8()
        .map(|d| d.into_owned())
        .unwrap_or_else(|_| s.to_string())
}

/// The page's request line: the first one after a 请求语法 / Request syntax heading, or else the first one
/// outside the examples (whose sample requests carry a query string and made-up values).
pub fn route(page: &Page) -> Option<Route> {
    let syntax = page.lines.iter().position(|l| {
        matches!(
            heading_words(l).as_str(),
            "请求语法" | "request syntax" | "请求结构" | "syntax"
        )
    });
    let examples: Vec<u32> = page
        .section_lines(SectionKind::Examples)
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    let found = |from: usize, skip_examples: bool| {
        page.lines.iter().enumerate().skip(from).find_map(|(i, l)| {
            let number = i as u32 + 1;
            if skip_examples && examples.contains(&number) {
                return None;
            }
            let line = parse_request_line(l).filter(|r| r.versioned)?;
            let column = l.chars().take_while(|c| c.is_whitespace()).count() + 1;
            Some(Route {
                method: line.method(),
                methods: line.methods,
                path: line.path,
                span: page.span(number, column as u32),
            })
        })
    };
    syntax
        .and_then(|i| found(i + 1, false))
        .or_else(|| found(0, true))
}

/// The example lines without the sample request of a ROA page: from its request line to the answer's status
/// line (`HTTP/1.1 200 OK`) or the next caption, since a JSON request body shown there is no response.
pub fn without_sample_request(lines: Vec<(u32, &str)>) -> Vec<(u32, &str)> {
    let mut out = Vec::with_capacity(lines.len());
    let mut in_request = false;
    for (n, l) in lines {
        let t = l.trim();
        if parse_request_line(t).is_some() {
            in_request = true;
            continue;
        }
        let lower = t.to_lowercase();
        let answer_starts = t.starts_with("HTTP/") && !lower.contains("host")
            || lower.contains("返回示例")
            || lower.contains("response");
        if in_request && answer_starts {
            in_request = false;
        }
        if !in_request {
            out.push((n, l));
        }
    }
    out
}

/// The sample request of a ROA page (`GET /widgets/w-1?Fields=name HTTP/1.1` among the examples) as
/// `name=value` pairs: the path parameters its path gives where it fits the template, then its query.
pub fn sample_request(example_lines: &[(u32, &str)], route: &Route) -> Vec<(String, String)> {
    let Some(sample) = example_lines.iter().find_map(|(n, l)| {
        // The request line itself is the template, not a sample (pages without an examples section).
        if *n == route.span.line {
            return None;
        }
        parse_request_line(l).filter(|s| s.methods.iter().any(|m| route.methods.contains(m)))
    }) else {
        return Vec::new();
    };
    let mut pairs = Vec::new();
    let want: Vec<&str> = route.path.split('/').collect();
    let got: Vec<&str> = sample.path.split('/').collect();
    if want.len() == got.len() {
        let mut params = Vec::new();
        let fits = want.iter().zip(&got).all(|(w, g)| {
            let placeholder = w
                .strip_prefix('{')
                .and_then(|w| w.strip_suffix('}'))
                .or_else(|| w.strip_prefix('[').and_then(|w| w.strip_suffix(']')));
            match placeholder {
                Some(name) => {
                    params.push((name.to_string(), decode(g)));
                    !g.is_empty()
                }
                None => w == g,
            }
        });
        if fits {
            pairs.extend(params);
        }
    }
    pairs.extend(query_pairs(&sample.query));
    pairs
}

/// A ROA answer whose top level is an array (`[{"Id": …}, …]`): the first JSON value of the examples (the
/// sample request left out), when it is an array of objects, as its text and the shape of its items.
pub fn array_example(example_lines: &[(u32, &str)]) -> Option<(String, super::examples::Node)> {
    let text: String = example_lines
        .iter()
        .map(|(_, l)| *l)
        .filter(|l| !l.trim_start().starts_with("```"))
        .map(|l| format!("{l}\n"))
        .collect();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        if t.starts_with('{') {
            return None;
        }
        if t.starts_with('[') {
            let start = offset + (line.len() - t.len());
            let mut values =
                serde_json::Deserializer::from_str(&text[start..]).into_iter::<serde_json::Value>();
            let value = values.next()?.ok()?;
            let end = start + values.byte_offset();
            let items = value.as_array()?;
            if items.is_empty() || !items.iter().all(serde_json::Value::is_object) {
                return None;
            }
            return match super::examples::Node::from_json(&value) {
                super::examples::Node::Array(item) => {
                    Some((text[start..end].trim().to_string(), *item))
                }
                _ => None,
            };
        }
        offset += line.len();
    }
    None
}

/// Where the page says it is ROA without giving a request line: its OpenAPI Explorer link says `type=ROA`.
pub fn explorer_says_roa(page: &Page) -> Option<Span> {
    page.lines.iter().enumerate().find_map(|(i, l)| {
        let p = l.find("type=ROA")?;
        let column = l[..p].chars().count() as u32 + 1;
        l.contains("api=").then(|| page.span(i as u32 + 1, column))
    })
}

/// Headers every call carries, which the signer writes: a page listing them documents no parameter.
const COMMON_HEADERS: &[&str] = &[
    "accept",
    "authorization",
    "content-type",
    "content-md5",
    "content-length",
    "date",
    "host",
    "user-agent",
    "x-acs-action",
    "x-acs-version",
    "x-acs-date",
    "x-acs-signature-nonce",
    "x-acs-signature-method",
    "x-acs-signature-version",
    "x-acs-content-sha256",
    "x-acs-security-token",
    "x-acs-accesskey-id",
    "x-acs-region-id",
];

/// Settles the locations of a ROA page's request fields once they are a tree: the path template's names are
/// path fields, fields that say nothing go to the query, fields nested in a body object carry no location of
/// their own, and body fields travel as JSON as they are (not as JSON text). Every `{Name}` of the path must
/// be a request field: an error at the request line otherwise.
pub fn settle(route: &mut Route, request: &mut Vec<Field>, diags: &mut Vec<Diagnostic>) {
    brace_placeholders(route, request);
    request.retain(|f| {
        f.location != Some(Location::Header)
            || !COMMON_HEADERS.contains(&f.name.to_ascii_lowercase().as_str())
    });
    // Newer pages document the JSON body as one `body | Object` row holding the parameters; the SDKs make
    // those parameters the request's own, each sent in the body.
    if let Some(i) = request.iter().position(|f| {
        f.name.eq_ignore_ascii_case("body")
            && matches!(f.location, None | Some(Location::Body))
            && matches!(&f.shape, Shape::Object(children) if !children.is_empty())
    }) {
        if let Shape::Object(children) = request.remove(i).shape {
            let taken: Vec<Field> = children
                .into_iter()
                .filter(|c| !request.iter().any(|f| f.name == c.name))
                .map(|mut c| {
                    c.location = Some(Location::Body);
                    c
                })
                .collect();
            request.splice(i..i, taken);
        }
    }
    // A placeholder spelled differently from its parameter (`{cluster_id}` for `ClusterId`) takes the
    // parameter's name, so the runtime finds the value by its wire name.
    let loose = |s: &str| s.replace(['_', '-'], "").to_ascii_lowercase();
    for name in placeholders(&route.path) {
        if request.iter().any(|f| f.name == name) {
            continue;
        }
        let mut same = request.iter().filter(|f| loose(&f.name) == loose(&name));
        if let (Some(f), None) = (same.next(), same.next()) {
            route.path = route
                .path
                .replace(&format!("{{{name}}}"), &format!("{{{}}}", f.name));
        }
    }
    let placeholders = placeholders(&route.path);
    for name in &placeholders {
        match request.iter_mut().find(|f| f.name == *name) {
            Some(f) => {
                f.location = Some(Location::Path);
                f.required = true;
            }
            None => diags.push(
                Diagnostic::new(Code::PathNamesNoParameter,
                    route.span.clone(),
                    format!("the path names `{{{name}}}`, which is no request parameter of this page"),
                    "this request line",
                )
                .hint(format!("document `{name}` in the request table with position `Path`, or correct the path")),
            ),
        }
    }
    for f in request.iter_mut() {
        if f.location == Some(Location::Path) && !placeholders.contains(&f.name) {
            diags.push(
                Diagnostic::new(
                    Code::PathParameterNotInPath,
                    f.span.clone(),
                    format!(
                        "`{}` is a path parameter, but the path `{}` has no `{{{}}}`",
                        f.name, route.path, f.name
                    ),
                    "this parameter",
                )
                .also(route.span.clone(), "the request line")
                .hint("the parameter is sent in the query"),
            );
            f.location = Some(Location::Query);
        }
        let location = *f.location.get_or_insert(Location::Query);
        let in_json_body = location == Location::Body;
        for_each_nested(f, &mut |nested| {
            nested.location = None;
            if in_json_body {
                nested.encoding = Encoding::Flat;
            }
        });
        if in_json_body {
            f.encoding = Encoding::Flat;
        }
    }
}

/// Whether a response table documents the answer's headers (`Headers | Struct`, `└X-Total-Count`, …): its
/// first row is a `Headers` object. Such a table, beside the response table, adds nothing to the body.
pub fn documents_headers(rows: &[super::nest::FlatRow]) -> bool {
    rows.first().is_some_and(|r| {
        r.field.name.eq_ignore_ascii_case("headers") && r.kind == super::nest::RowKind::Object
    })
}

/// A ROA response example that shows one object's contents without the object (`{"displayName": …}` under a
/// table of `RequestId`, `Result | Struct`, `displayName`): the table's wrapper stands, and the example is
/// read as the object's. That is so where the example's top level shows no name the table lists before
/// the table's only top-level object, and some name listed after it. Returns the object's name.
pub fn wrap_bare_contents(
    shape: &mut Option<super::examples::Node>,
    rows: &[super::nest::FlatRow],
) -> Option<String> {
    use super::examples::Node;
    use super::nest::RowKind;
    let Some(Node::Object(root)) = shape.as_ref() else {
        return None;
    };
    let mut objects = rows
        .iter()
        .enumerate()
        .filter(|(_, r)| r.depth == 0 && r.kind == RowKind::Object);
    let (at, object) = objects.next()?;
    if objects.next().is_some() || root.contains_key(&object.field.name) {
        return None;
    }
    let shown_before = rows[..at].iter().any(|r| root.contains_key(&r.field.name));
    let shown_after = rows[at + 1..]
        .iter()
        .any(|r| root.contains_key(&r.field.name));
    if shown_before || !shown_after {
        return None;
    }
    let name = object.field.name.clone();
    let inner = Node::Object(root.clone());
    *shape = Some(Node::Object([(name.clone(), inner)].into_iter().collect()));
    Some(name)
}

/// Settles a ROA page's response: a top-level `Headers` object that the example does not show documents
/// the answer's headers, which are no body fields.
pub fn settle_response(response: &mut Vec<Field>, shown: Option<&super::examples::Node>) {
    let shows = |name: &str| {
        shown
            .and_then(|n| n.children())
            .is_some_and(|c| c.contains_key(name))
    };
    response.retain(|f| {
        !(f.name.eq_ignore_ascii_case("headers")
            && matches!(f.shape, Shape::Object(_))
            && !shows(&f.name))
    });
}

/// Drops locations where they mean nothing: RPC parameters, and fields nested in an object.
pub fn clear(fields: &mut [Field]) {
    for f in fields {
        f.location = None;
        for_each_nested(f, &mut |nested| nested.location = None);
    }
}

/// Calls `each` on every field nested in `f`'s objects, at any depth.
fn for_each_nested(f: &mut Field, each: &mut dyn FnMut(&mut Field)) {
    let mut shape = &mut f.shape;
    while let Shape::Array(item) = shape {
        shape = item.as_mut();
    }
    if let Shape::Object(children) = shape {
        for c in children {
            each(c);
            for_each_nested(c, each);
        }
    }
}

/// The names of `{Name}` placeholders, in path order. Older pages write `[Name]`; `settle` turns those into
/// `{Name}` first.
pub fn placeholders(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        out.push(rest[open + 1..open + close].to_string());
        rest = &rest[open + close + 1..];
    }
    out
}

/// `/clusters/[ClusterId]` → `/clusters/{ClusterId}` where `ClusterId` is a request parameter.
fn brace_placeholders(route: &mut Route, request: &[Field]) {
    for f in request {
        let bracketed = format!("[{}]", f.name);
        if route.path.contains(&bracketed) {
            route.path = route.path.replace(&bracketed, &format!("{{{}}}", f.name));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A template request line (`PUT /pop/v1/sam/app/{AppId} HTTP/1.1`): a request line with an HTTP
    /// version after its target, whatever follows; what `route` takes.
    fn request_line(line: &str) -> Option<(HttpMethod, String)> {
        let r = parse_request_line(line)?;
        r.versioned.then(|| (r.method(), r.path))
    }

    #[test]
    fn request_lines() {
        assert_eq!(
            request_line("PUT /pop/v1/sam/app/restartInstances HTTP/1.1"),
            Some((HttpMethod::Put, "/pop/v1/sam/app/restartInstances".into()))
        );
        assert_eq!(
            request_line("GET /clusters/{ClusterId}/nodes?pageSize=1 HTTP/1.1"),
            Some((HttpMethod::Get, "/clusters/{ClusterId}/nodes".into()))
        );
        assert_eq!(
            request_line("POST / HTTP/1.1"),
            Some((HttpMethod::Post, "/".into()))
        );
        assert_eq!(
            request_line("POST /x/ HTTP/1.1"),
            Some((HttpMethod::Post, "/x".into()))
        );
        assert_eq!(request_line("POST x HTTP/1.1"), None);
        assert_eq!(request_line("Fetch /x HTTP/1.1"), None);
        assert_eq!(request_line("POST /x"), None);
        assert_eq!(
            request_line("GET /a HTTPS|HTTP"),
            Some((HttpMethod::Get, "/a".into()))
        );
    }

    #[test]
    fn request_lines_in_the_forms_pages_write_them() {
        // Alternative methods: the SDKs send POST where it is among them.
        assert_eq!(
            request_line("PATCH|POST /v2/gadgets/[GadgetId]/label HTTP/1.1"),
            Some((HttpMethod::Post, "/v2/gadgets/[GadgetId]/label".into()))
        );
        assert_eq!(
            request_line("PUT|PATCH /v2/a HTTP/1.1"),
            Some((HttpMethod::Put, "/v2/a".into()))
        );
        assert_eq!(request_line("PATCH|FETCH /v2/a HTTP/1.1"), None);
        // Words after the version: the common request headers, a body.
        assert_eq!(
            request_line("POST /v2/gadgets HTTP/1.1 common request header"),
            Some((HttpMethod::Post, "/v2/gadgets".into()))
        );
        assert_eq!(
            request_line(r#"POST /v2/gadgets HTTP/1.1 {"model": "gx"}"#),
            Some((HttpMethod::Post, "/v2/gadgets".into()))
        );
        // A quoted query value with spaces; a stray space after `?`.
        let quoted =
            parse_request_line(r#"GET /v2/gadgets?colors="[\"blue\", \"red\"]"&size=2 HTTP/1.1"#)
                .expect("a request line");
        assert_eq!(quoted.path, "/v2/gadgets");
        assert!(quoted.versioned);
        assert_eq!(
            query_pairs(&quoted.query),
            [
                ("colors".to_string(), r#"["blue", "red"]"#.to_string()),
                ("size".to_string(), "2".to_string())
            ]
        );
        let stray =
            parse_request_line("POST /v2/pools/pl-9q****/actions/shrink? kind=SENSOR HTTP/1.1")
                .expect("a request line");
        assert_eq!(stray.path, "/v2/pools/pl-9q****/actions/shrink");
        assert_eq!(stray.query, "kind=SENSOR");
        assert!(stray.versioned);
        // A sample without a version is a sample, not a template.
        assert!(parse_request_line("PUT /a/b?X=1").is_some_and(|r| !r.versioned));
    }

    #[test]
    fn a_sample_request_body_is_no_response_example() {
        let lines = [
            "请求示例",
            "POST /things HTTP/1.1",
            "{\"Name\": \"x\"}",
            "正常返回示例",
            "{\"Id\": 1}",
        ];
        let numbered: Vec<(u32, &str)> = (1..).zip(lines).collect();
        let kept: Vec<u32> = without_sample_request(numbered)
            .iter()
            .map(|(n, _)| *n)
            .collect();
        assert_eq!(kept, [1, 4, 5]);
    }

    fn param(name: &str, location: Option<Location>) -> Field {
        Field {
            name: name.into(),
            shape: Shape::Scalar(crate::model::Scalar::String),
            required: false,
            docs: Default::default(),
            example: None,
            encoding: Encoding::Flat,
            location,
            origin: Default::default(),
            span: Span::default(),
        }
    }

    #[test]
    fn path_names_become_required_path_fields_and_the_rest_query() {
        let mut route = Route {
            method: HttpMethod::Get,
            methods: vec![HttpMethod::Get],
            path: "/clusters/{cluster_id}/nodes/[NodeName]".into(),
            span: Span::default(),
        };
        let mut request = vec![
            param("ClusterId", None),
            param("NodeName", Some(Location::Path)),
            param("PageSize", None),
            param("Authorization", Some(Location::Header)),
        ];
        let mut diags = Vec::new();
        settle(&mut route, &mut request, &mut diags);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(route.path, "/clusters/{ClusterId}/nodes/{NodeName}");
        let got: Vec<(&str, Option<Location>, bool)> = request
            .iter()
            .map(|f| (f.name.as_str(), f.location, f.required))
            .collect();
        assert_eq!(
            got,
            [
                ("ClusterId", Some(Location::Path), true),
                ("NodeName", Some(Location::Path), true),
                ("PageSize", Some(Location::Query), false),
            ]
        );
    }

    #[test]
    fn the_sample_request_gives_path_and_query_values() {
        let route = Route {
            method: HttpMethod::Get,
            methods: vec![HttpMethod::Get],
            path: "/widgets/{WidgetId}".into(),
            span: Span::default(),
        };
        let lines = [
            (1, "请求示例"),
            (2, "GET /widgets/w%2F1?Fields=name,spec&Deep=a+b HTTP/1.1"),
        ];
        let pairs = sample_request(&lines, &route);
        let pairs: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("WidgetId", "w/1"),
                ("Fields", "name,spec"),
                ("Deep", "a b")
            ]
        );
        // A sample path that does not fit the template gives only its query.
        let lines = [(1, "GET /other/path?Fields=x HTTP/1.1")];
        assert_eq!(sample_request(&lines, &route).len(), 1);
    }

    #[test]
    fn an_array_answer_is_found_and_an_object_answer_is_not() {
        let lines = [
            (1, "正常返回示例"),
            (2, "["),
            (3, "  {\"Id\": 1},"),
            (4, "  {\"Id\": 2}"),
            (5, "]"),
        ];
        let (json, item) = array_example(&lines).expect("an array answer");
        assert!(json.starts_with('[') && json.ends_with(']'), "{json}");
        assert!(item.children().is_some_and(|c| c.contains_key("Id")));
        assert!(array_example(&[(1, "{\"Ids\": [1]}")]).is_none());
        assert!(array_example(&[(1, "[1, 2]")]).is_none());
    }

    #[test]
    fn a_body_object_row_gives_its_fields_to_the_request() {
        let mut route = Route {
            method: HttpMethod::Post,
            methods: vec![HttpMethod::Post],
            path: "/clusters/{ClusterId}/nodepools".into(),
            span: Span::default(),
        };
        let mut body = param("body", None);
        body.shape = Shape::Object(vec![param("name", None), param("count", None)]);
        let mut request = vec![param("ClusterId", None), body];
        let mut diags = Vec::new();
        settle(&mut route, &mut request, &mut diags);
        let got: Vec<(&str, Option<Location>)> = request
            .iter()
            .map(|f| (f.name.as_str(), f.location))
            .collect();
        assert_eq!(
            got,
            [
                ("ClusterId", Some(Location::Path)),
                ("name", Some(Location::Body)),
                ("count", Some(Location::Body)),
            ]
        );
    }

    #[test]
    fn placeholder_names() {
        assert_eq!(placeholders("/a/{A}/b/{B_c}"), vec!["A", "B_c"]);
        assert!(placeholders("/a/b").is_empty());
        assert_eq!(placeholders("/a/{A"), Vec::<String>::new());
    }

    #[test]
    fn position_words() {
        assert_eq!(location_word("FormData"), Some(Location::Form));
        assert_eq!(location_word("Body"), Some(Location::Body));
        assert_eq!(location_word("path"), Some(Location::Path));
        assert_eq!(location_word("Cookie"), None);
    }
}
