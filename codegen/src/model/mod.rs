//! The intermediate model: plain data between the pages and the generated code.
//!
//! Nothing here knows about markdown or Rust tokens. The reader fills it, `merge` joins the pages of one
//! operation, and `emit` turns it into code. Everything is serde data so regen can dump it as YAML beside the
//! generated crate: a change in the documentation shows up as a readable model diff.
//!
//! Invariant: every `Field` and `ErrorCode` carries the `Span` of the row it came from, so a later stage can
//! point back at the page. Spans are not serialized: line numbers move with every edit above them and would
//! drown the model diff.

pub mod corpus;

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// One service (`specs/<service>/`): its settings from `service.yaml` and its operations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Service {
    /// Directory name under `specs/`, e.g. `config`.
    pub name: String,
    /// Product code as Alibaba Cloud writes it, e.g. `Config`.
    pub product: String,
    /// API version, e.g. `2020-09-07`.
    pub version: String,
    pub style: ApiStyle,
    /// The host the endpoint rule gives: with `{region}` for the regional rule (`ecs.{region}.aliyuncs.com`), one
    /// host for the central rule (`config.aliyuncs.com`).
    pub endpoint: String,
    /// How a region that `regional_endpoints` does not name finds its host.
    #[serde(default)]
    pub endpoint_rule: EndpointRule,
    /// Region id → host, as the official SDK's endpoint map has them.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub regional_endpoints: std::collections::BTreeMap<String, String>,
    /// Where the pages come from (`docs:` in `service.yaml`): said in the crate's README and docs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docs: Option<DocsSnapshot>,
    /// The licence of the pages (`specs/<service>/LICENSE`), shipped in the crate as `LICENSE-DOCS`. Not in
    /// `model.yaml`: it is not the API.
    #[serde(skip)]
    pub docs_license: Option<String>,
    /// `publish: false` in `service.yaml`: an invented service (a test fixture) whose crate is never published.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub publish: bool,
    /// Operations in name order.
    pub operations: Vec<Operation>,
    /// Every error code documented by any operation, once, in code order, as the first operation (in name
    /// order) documents it: what `ErrorCode` matches on.
    pub errors: Vec<ErrorCode>,
}

/// How deep fields may nest, counted in levels of objects and lists: the reader stops nesting rows deeper (a
/// warning; the rows after read as siblings), and loading refuses anything deeper that the examples bring (an
/// error): each level is a type, and rustc's recursion limit is 128.
pub const MAX_DEPTH: usize = 32;

/// The request or the response of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Side {
    Request,
    Response,
}

impl Side {
    /// `request` or `response`, as messages say it.
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Request => "request",
            Side::Response => "response",
        }
    }
}

impl std::fmt::Display for Side {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

fn yes() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}

/// The documentation snapshot a service's pages were taken from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocsSnapshot {
    /// Where the pages come from, e.g. `AlibabaCloudDocs/ecs (GitHub)`.
    pub source: String,
    /// When that source was last updated, e.g. `2021-07-19`: operations added since are missing.
    pub updated: String,
    /// Anything else a user should know about what the pages cover (what no page documents).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The official SDKs' endpoint rule: one host for every region, or one host per region (the default, which
/// models written before the rule existed meant).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EndpointRule {
    Central,
    #[default]
    Regional,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ApiStyle {
    #[serde(rename = "RPC")]
    Rpc,
    #[serde(rename = "ROA")]
    Roa,
}

/// One API operation, e.g. `GetAggregateCompliancePackReport`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Operation {
    /// The action name (wire name), e.g. `GetAggregateCompliancePackReport`.
    pub name: String,
    /// HTTP method the service expects. RPC operations accept both; POST is the default. ROA operations take
    /// the method of their request line.
    pub method: HttpMethod,
    /// ROA operations only: the path template of the request line, each path parameter written `{Name}` with
    /// `Name` the wire name of its request field, e.g. `/clusters/{ClusterId}/nodes`. `None` for RPC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    pub docs: Docs,
    /// Request parameters without `Action` and the common parameters, in page order.
    pub request: Vec<Field>,
    /// Fields of the JSON response body, as a tree, in page order.
    pub response: Vec<Field>,
    /// ROA operations only: the answer is an array whose items have the fields of `response`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub response_is_list: bool,
    /// The errors this operation documents, as its page has them (the same code may have another status or
    /// message on another operation's page), in page order.
    pub errors: Vec<ErrorCode>,
    pub examples: Examples,
    /// Pages this operation was read from, relative to the repository root, sorted.
    pub sources: Vec<String>,
}

impl Operation {
    /// Whether the operation only reads, so repeating it is harmless: its name starts with one of the verbs
    /// Alibaba Cloud gives reading operations (`Describe`, `List`, `Get`, `Query`, `Check`, `Search`,
    /// `Preview`) followed by a capital letter (`GetReport`, not `Getaway`).
    pub fn only_reads(&self) -> bool {
        const READ_VERBS: [&str; 7] = [
            "Describe", "List", "Get", "Query", "Check", "Search", "Preview",
        ];
        READ_VERBS.iter().any(|verb| {
            self.name
                .strip_prefix(verb)
                .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase()))
        })
    }

    /// ROA when the page gives a request line (`POST /path HTTP/1.1`), RPC otherwise.
    pub fn style(&self) -> ApiStyle {
        if self.path.is_some() {
            ApiStyle::Roa
        } else {
            ApiStyle::Rpc
        }
    }

    /// Whether the operation takes an idempotency token the runtime may fill in.
    pub fn client_token(&self) -> Option<&Field> {
        self.request.iter().find(|f| f.name == "ClientToken")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum HttpMethod {
    #[serde(rename = "GET")]
    Get,
    #[serde(rename = "POST")]
    Post,
    #[serde(rename = "PUT")]
    Put,
    #[serde(rename = "DELETE")]
    Delete,
    #[serde(rename = "PATCH")]
    Patch,
    #[serde(rename = "HEAD")]
    Head,
}

impl HttpMethod {
    /// The method as a request line writes it (`GET`), or `None` for a word that is no method.
    pub fn parse(word: &str) -> Option<HttpMethod> {
        Some(match word {
            "GET" => HttpMethod::Get,
            "POST" => HttpMethod::Post,
            "PUT" => HttpMethod::Put,
            "DELETE" => HttpMethod::Delete,
            "PATCH" => HttpMethod::Patch,
            "HEAD" => HttpMethod::Head,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
            HttpMethod::Put => "PUT",
            HttpMethod::Delete => "DELETE",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Head => "HEAD",
        }
    }
}

/// Text in the languages the pages were written in. Markdown is already reduced to plain text with lists
/// kept as `- ` lines; links keep their text only.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Docs {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zh: Option<String>,
}

impl Docs {
    pub fn is_empty(&self) -> bool {
        self.en.is_none() && self.zh.is_none()
    }
}

/// A request parameter or a response field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Field {
    /// Wire name, e.g. `CompliancePackId`, `Tag` (for `Tag.N.Key`).
    pub name: String,
    pub shape: Shape,
    /// Request parameters only: whether the page marks it required. Always false in responses.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub required: bool,
    #[serde(default, skip_serializing_if = "Docs::is_empty")]
    pub docs: Docs,
    /// Example value as written on the page (masked values such as `100931896542****` included).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<String>,
    /// Request parameters only: how a structured value travels (see `Encoding`).
    #[serde(default, skip_serializing_if = "Encoding::is_flat")]
    pub encoding: Encoding,
    /// Top-level request parameters of ROA operations only: where the parameter travels (the page's
    /// 位置 / Position column, or the section it is documented in). `None` for RPC parameters, response fields
    /// and fields nested in a body object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// Where the field comes from: the page's table (the documented contract), or only its response example.
    #[serde(default, skip_serializing_if = "Origin::is_table")]
    pub origin: Origin,
    #[serde(skip)]
    pub span: Span,
}

/// Where a field comes from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// A row of the page's table (or a name its sample request sets).
    #[default]
    Table,
    /// Only the JSON response example shows it: the generated code keeps it, so that nothing the wire sends
    /// is lost, but it is not part of the documented contract (`cargo xtask shapes` leaves it out) and regen
    /// lists it in the review report.
    Example,
}

impl Origin {
    pub fn is_table(&self) -> bool {
        *self == Origin::Table
    }
}

/// Where a ROA request parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Location {
    /// A `{Name}` segment of the path template, percent-encoded.
    Path,
    /// The query string.
    Query,
    /// A member of the JSON request body.
    Body,
    /// A field of an `application/x-www-form-urlencoded` body (the page's `FormData`).
    Form,
    /// A request header named after the parameter.
    Header,
}

/// How a request parameter holding a list or an object is put on the wire.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Encoding {
    /// `Name.1`, `Name.2`, `Tag.1.Key` (the RPC convention), or the plain value for scalars.
    #[default]
    #[serde(rename = "flat")]
    Flat,
    /// One parameter whose value is the JSON text of the list or object.
    #[serde(rename = "json")]
    Json,
    /// One parameter whose value is a list's items joined by commas (`a,b`).
    #[serde(rename = "simple")]
    Simple,
}

impl Encoding {
    pub fn is_flat(&self) -> bool {
        *self == Encoding::Flat
    }
}

/// The type of a field, recovered from the type column, the nesting and the examples.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "of", rename_all = "snake_case")]
pub enum Shape {
    Scalar(Scalar),
    /// A string or integer with a documented set of valid values.
    Enum(Enum),
    Object(Vec<Field>),
    Array(Box<Shape>),
    /// An object whose keys are not documented.
    Map,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scalar {
    String,
    /// `Integer`: 32 bits.
    Integer,
    /// `Long`: 64 bits.
    Long,
    Float,
    Double,
    Boolean,
    /// A string holding JSON text (`Json`, `JSONString` in the docs).
    Json,
}

/// Valid values of a field, from the description (`取值：`, `Valid values:`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Enum {
    /// `String` or `Integer`/`Long`: what the values are on the wire.
    pub base: Scalar,
    pub values: Vec<EnumValue>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnumValue {
    /// The value on the wire, e.g. `COMPLETE` or `1`.
    pub value: String,
    /// What it means, per language.
    #[serde(default, skip_serializing_if = "Docs::is_empty")]
    pub docs: Docs,
}

/// One documented error of the service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorCode {
    /// e.g. `Invalid.AggregatorId.Value`.
    pub code: String,
    /// HTTP status, e.g. 400.
    pub status: u16,
    /// The message the service returns (English on every page).
    pub message: String,
    #[serde(default, skip_serializing_if = "Docs::is_empty")]
    pub docs: Docs,
    #[serde(skip)]
    pub span: Span,
}

/// Examples from the page, kept verbatim for generated tests.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Examples {
    /// Parameters of the sample request, as decoded `name=value` pairs (without `Action`), in page order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub request: Vec<(String, String)>,
    /// Body of the JSON success response, without the HTTP preamble.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_json: Option<String>,
    /// Body of the XML success response, without the HTTP preamble.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_xml: Option<String>,
}

/// Where something came from: a file relative to the repository (or the given root), 1-based line and column.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub file: String,
    pub line: u32,
    pub column: u32,
}

impl std::fmt::Display for Span {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_reading_verbs_followed_by_a_word_are_reads() {
        let reads = |name: &str| {
            let yaml = format!(
                "name: {name}\nmethod: POST\ndocs: {{}}\nrequest: []\nresponse: []\nerrors: []\nexamples: {{}}\nsources: []\n"
            );
            serde_yaml::from_str::<super::Operation>(&yaml)
                .unwrap_or_else(|e| panic!("{e}"))
                .only_reads()
        };
        for name in [
            "DescribeVpcs",
            "ListConfigRules",
            "GetAggregateCompliancePackReport",
            "QueryX",
            "CheckX",
            "SearchX",
            "PreviewX",
        ] {
            assert!(reads(name), "{name}");
        }
        for name in [
            "CreateVpc",
            "DeleteVpc",
            "Getaway",
            "Listen",
            "GenerateCompliancePackReport",
            "Get",
        ] {
            assert!(!reads(name), "{name}");
        }
    }
}

/// The lower-cased names of every field a table row documents, at any depth.
pub fn documented_names(fields: &[Field]) -> BTreeSet<String> {
    fn walk(fields: &[Field], names: &mut BTreeSet<String>) {
        for f in fields.iter().filter(|f| f.origin == Origin::Table) {
            names.insert(f.name.to_lowercase());
            if let Some(inner) = object_fields(&f.shape) {
                walk(inner, names);
            }
        }
    }
    let mut names = BTreeSet::new();
    walk(fields, &mut names);
    names
}

/// Fields the reader took from the example (origin `Example`) whose name a row documents at another place:
/// the table misplaced a documented field and the example shows where the wire has it, so it is the
/// documented field (origin `Table`), not one the example adds. A field named as one of its enclosing fields
/// is not: the example repeats a wrapper there (`EipAddress[]` holding an `EipAddress`), and what it holds stays
/// the example's.
pub fn documented_elsewhere(fields: &mut [Field], documented: &BTreeSet<String>) {
    fn walk(fields: &mut [Field], documented: &BTreeSet<String>, enclosing: &mut Vec<String>) {
        for f in fields {
            let name = f.name.to_lowercase();
            if f.origin == Origin::Example {
                if enclosing.contains(&name) || !documented.contains(&name) {
                    continue;
                }
                f.origin = Origin::Table;
            }
            if let Some(inner) = object_fields_mut(&mut f.shape) {
                enclosing.push(name);
                walk(inner, documented, enclosing);
                enclosing.pop();
            }
        }
    }
    walk(fields, documented, &mut Vec::new());
}

/// The fields of an object shape, through any lists.
pub fn object_fields(mut shape: &Shape) -> Option<&[Field]> {
    while let Shape::Array(inner) = shape {
        shape = inner;
    }
    match shape {
        Shape::Object(fields) => Some(fields),
        _ => None,
    }
}

/// [`object_fields`], to change them.
pub fn object_fields_mut(mut shape: &mut Shape) -> Option<&mut Vec<Field>> {
    while let Shape::Array(inner) = shape {
        shape = inner;
    }
    match shape {
        Shape::Object(fields) => Some(fields),
        _ => None,
    }
}

#[cfg(test)]
mod documented_elsewhere_tests {
    use super::*;

    fn field(name: &str, origin: Origin, shape: Shape) -> Field {
        Field {
            name: name.into(),
            shape,
            required: false,
            docs: Docs::default(),
            example: None,
            encoding: Encoding::default(),
            location: None,
            origin,
            span: Span::default(),
        }
    }

    #[test]
    fn a_documented_name_is_promoted_but_not_a_repeated_wrapper() {
        let text = || Shape::Scalar(Scalar::String);
        // Items[] { Item(example) { Id(example) }, Id(example) }, and a root `Id` row.
        let mut fields = vec![
            field(
                "Items",
                Origin::Table,
                Shape::Array(Box::new(Shape::Object(vec![
                    field("Id", Origin::Example, text()),
                    field(
                        "Items",
                        Origin::Example,
                        Shape::Object(vec![field("Id", Origin::Example, text())]),
                    ),
                ]))),
            ),
            field("Id", Origin::Table, text()),
        ];
        let documented = documented_names(&fields);
        documented_elsewhere(&mut fields, &documented);
        let Shape::Array(item) = &fields[0].shape else {
            panic!()
        };
        let Shape::Object(inner) = &**item else {
            panic!()
        };
        assert_eq!(inner[0].origin, Origin::Table, "a name a row documents");
        assert_eq!(
            inner[1].origin,
            Origin::Example,
            "the wrapper repeated inside itself"
        );
        let Shape::Object(repeated) = &inner[1].shape else {
            panic!()
        };
        assert_eq!(
            repeated[0].origin,
            Origin::Example,
            "inside the repeated wrapper"
        );
    }
}
