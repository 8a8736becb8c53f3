//! The contract between generated code and the runtime.

use serde::{de::DeserializeOwned, Serialize};

/// A service as its `specs/<service>/service.yaml` describes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServiceSpec {
    /// Product code, e.g. `Config`.
    pub product: &'static str,
    /// API version, e.g. `2020-09-07`.
    pub version: &'static str,
    /// RPC or ROA.
    pub style: ApiStyle,
    /// Endpoint pattern; `{region}` stands for the region id, e.g. `config.{region}.aliyuncs.com`.
    pub endpoint: &'static str,
}

impl ServiceSpec {
    /// The host name for a region, e.g. `config.cn-shanghai.aliyuncs.com`.
    pub fn host(&self, region: &str) -> String {
        self.endpoint.replace("{region}", region)
    }
}

/// How a service's API is shaped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiStyle {
    /// Action-based: one path `/`, the action named by `Action` (or the `x-acs-action` header).
    Rpc,
    /// Resource-based: a REST path per operation, parameters in the path, query, headers or a JSON (or form)
    /// body as the operation's [`Operation::LOCATIONS`] say.
    Roa,
}

/// HTTP method of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpMethod {
    /// `GET`: parameters in the query string.
    Get,
    /// `POST`: parameters in a form body (RPC), or the body of a ROA operation.
    Post,
    /// `PUT` (ROA).
    Put,
    /// `DELETE` (ROA).
    Delete,
    /// `PATCH` (ROA).
    Patch,
    /// `HEAD` (ROA).
    Head,
}

impl HttpMethod {
    /// The method name, upper case.
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

/// Where a parameter of a ROA operation travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// A `{Name}` segment of [`Operation::PATH`], percent-encoded as the official SDKs do.
    Path,
    /// The query string.
    Query,
    /// A member of the JSON body (`application/json; charset=utf-8`).
    Body,
    /// A field of an `application/x-www-form-urlencoded` body.
    Form,
    /// A request header named after the parameter.
    Header,
}

/// Implemented by every generated request type.
///
/// The request serializes (serde) to a JSON object whose keys are wire names; the runtime flattens it into
/// parameters the RPC way: lists as `Name.1`, `Name.2`, objects inside lists as `Tag.1.Key`, `null` left out.
/// Fields the docs want as one JSON-text parameter are serialized by the generated code as a string already.
pub trait Operation: Serialize {
    /// What a successful call returns (the JSON body).
    type Response: DeserializeOwned;
    /// The service this operation belongs to.
    const SERVICE: &'static ServiceSpec;
    /// Action name, e.g. `GetAggregateCompliancePackReport`.
    const ACTION: &'static str;
    /// HTTP method the operation is called with.
    const METHOD: HttpMethod;
    /// Wire name of the idempotency parameter (`ClientToken`) when the operation takes one: the runtime fills it
    /// in when the caller left it empty and keeps the same value across retries of one call.
    const CLIENT_TOKEN: Option<&'static str>;
    /// ROA operations: the path template, each path parameter written `{Name}` with its wire name, e.g.
    /// `/clusters/{ClusterId}`. RPC operations are all called on `/`.
    const PATH: &'static str = "/";
    /// ROA operations: where each top-level request parameter travels, by wire name; a parameter not listed
    /// goes to the query. Empty for RPC operations.
    const LOCATIONS: &'static [(&'static str, Location)] = &[];
}

/// A reference to a request is a request: `client.call(&request)` leaves `request` usable (for polling, say).
impl<T: Operation + ?Sized> Operation for &T {
    type Response = T::Response;
    const SERVICE: &'static ServiceSpec = T::SERVICE;
    const ACTION: &'static str = T::ACTION;
    const METHOD: HttpMethod = T::METHOD;
    const CLIENT_TOKEN: Option<&'static str> = T::CLIENT_TOKEN;
    const PATH: &'static str = T::PATH;
    const LOCATIONS: &'static [(&'static str, Location)] = T::LOCATIONS;
}
