//! The contract between generated code and the runtime.

use serde::Serialize;

/// A service as its `specs/<service>/service.yaml` describes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServiceSpec {
    /// Product code, e.g. `Config`.
    pub product: &'static str,
    /// API version, e.g. `2020-09-07`.
    pub version: &'static str,
    /// RPC or ROA.
    pub style: ApiStyle,
    /// The host the endpoint rule gives: for [`EndpointRule::Regional`] a pattern where `{region}` stands for
    /// the region id (`ecs.{region}.aliyuncs.com`), for [`EndpointRule::Central`] one host
    /// (`config.aliyuncs.com`).
    pub endpoint: &'static str,
    /// How a region without an entry in `regional_endpoints` finds its host.
    pub endpoint_rule: EndpointRule,
    /// Region id → host, sorted by region id: the regions the official SDK's endpoint map names.
    pub regional_endpoints: &'static [(&'static str, &'static str)],
}

/// How the official SDKs find a product's host for a region that their endpoint map does not name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndpointRule {
    /// Every such region goes to one host (`ServiceSpec::endpoint` as it is).
    Central,
    /// Each region has its own host: `{region}` in `ServiceSpec::endpoint` is replaced by the region id.
    Regional,
}

impl ServiceSpec {
    /// The host name for a region, resolved as the official SDKs do: the region's entry in
    /// `regional_endpoints`, else the endpoint rule. `config.aliyuncs.com` for Config in `cn-hangzhou`,
    /// `config.cn-shanghai.aliyuncs.com` in `cn-shanghai`.
    ///
    /// The region is not checked here; [`Client`](crate::Client) accepts only [`is_valid_region`] ids.
    pub fn host(&self, region: &str) -> String {
        if let Ok(i) = self
            .regional_endpoints
            .binary_search_by(|(r, _)| (*r).cmp(region))
        {
            return self.regional_endpoints[i].1.to_string();
        }
        match self.endpoint_rule {
            EndpointRule::Regional => self.endpoint.replace("{region}", region),
            EndpointRule::Central => self.endpoint.to_string(),
        }
    }

    /// Whether a call needs a region to find its host (the regional rule); the central rule's host serves a
    /// call without one, as in the official SDKs.
    pub fn needs_region(&self) -> bool {
        self.endpoint_rule == EndpointRule::Regional
    }
}

/// Whether `region` looks like a region id: one or more of `a-z`, `0-9` and `-` (`cn-shanghai`,
/// `ap-southeast-1`). Anything else could change the host a signed request goes to.
pub fn is_valid_region(region: &str) -> bool {
    !region.is_empty()
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
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
    /// What a successful call returns (the JSON body), decoded by the lenient rules of [`crate::de`].
    type Response: crate::de::Decode;
    /// The service this operation belongs to.
    const SERVICE: &'static ServiceSpec;
    /// Action name, e.g. `GetAggregateCompliancePackReport`.
    const ACTION: &'static str;
    /// HTTP method the operation is called with.
    const METHOD: HttpMethod;
    /// Wire name of the idempotency parameter (`ClientToken`) when the operation takes one: the runtime fills it
    /// in when the caller left it empty and keeps the same value across retries of one call.
    const CLIENT_TOKEN: Option<&'static str>;
    /// Whether a call may be repeated when it is not known whether the service executed it (a read timeout, a
    /// 5xx, a connection that broke after the request went out): the generated code says `true` for operations
    /// that only read (their name starts with `Describe`, `List`, `Get`, `Query`, `Check`, `Search` or
    /// `Preview`). An operation with a [`CLIENT_TOKEN`](Operation::CLIENT_TOKEN) is repeatable too, whatever
    /// this says. `false` (the default) retries only what certainly was not executed.
    const IDEMPOTENT: bool = false;
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
    const IDEMPOTENT: bool = T::IDEMPOTENT;
    const PATH: &'static str = T::PATH;
    const LOCATIONS: &'static [(&'static str, Location)] = T::LOCATIONS;
}

/// Whether the runtime may repeat a call of `O` that may already have been executed.
pub(crate) fn repeatable<O: Operation>() -> bool {
    O::IDEMPOTENT || O::CLIENT_TOKEN.is_some()
}
