//! Calls by name: any operation, generated or not, with parameters as JSON.

use serde::Serialize;
use serde_json::{Map, Value};
use tracing::Instrument as _;

use super::{CallOptions, Client};
use crate::call::{Call, Payload};
use crate::endpoint::parse_endpoint;
use crate::roa::RoaRequest;
use crate::{Error, HttpMethod, Location};

/// An operation called by name: product, version and action (RPC), or method and path (ROA), and its
/// parameters. Signed, retried, bounded and decoded like every call; see [`Client::call_generic`].
///
/// ```no_run
/// # async fn demo(client: aliyun_runtime::Client) -> Result<(), aliyun_runtime::Error> {
/// use aliyun_runtime::GenericRequest;
///
/// let regions: serde_json::Value = client
///     .call_generic(&GenericRequest::rpc("Ecs", "2014-05-26", "DescribeRegions").param("AcceptLanguage", "en-US"))
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct GenericRequest {
    product: String,
    version: String,
    action: String,
    method: HttpMethod,
    /// ROA: the path template; `None` for RPC.
    path: Option<String>,
    params: Map<String, Value>,
    locations: Vec<(String, Location)>,
    host: Option<String>,
    idempotent: bool,
    client_token: Option<String>,
}

impl GenericRequest {
    /// An RPC operation, sent with `POST` (parameters in a form body); see [`method`](Self::method).
    pub fn rpc(
        product: impl Into<String>,
        version: impl Into<String>,
        action: impl Into<String>,
    ) -> Self {
        GenericRequest {
            product: product.into(),
            version: version.into(),
            action: action.into(),
            method: HttpMethod::Post,
            path: None,
            params: Map::new(),
            locations: Vec::new(),
            host: None,
            idempotent: false,
            client_token: None,
        }
    }

    /// A ROA operation: `method` on `path`, each path parameter written `{Name}` (`/clusters/{ClusterId}`).
    /// `action` names it in the `x-acs-action` header the signature covers.
    pub fn roa(
        product: impl Into<String>,
        version: impl Into<String>,
        action: impl Into<String>,
        method: HttpMethod,
        path: impl Into<String>,
    ) -> Self {
        GenericRequest {
            method,
            path: Some(path.into()),
            ..Self::rpc(product, version, action)
        }
    }

    /// The HTTP method (RPC: `GET` puts the parameters in the query).
    pub fn method(mut self, method: HttpMethod) -> Self {
        self.method = method;
        self
    }

    /// A parameter: a string, number, list or object (RPC flattens lists and objects as `Name.1`,
    /// `Name.Key`). A ROA parameter goes to the query unless [`at`](Self::at) says otherwise.
    pub fn param(mut self, name: impl Into<String>, value: impl Serialize) -> Self {
        // A value that does not serialize (a map with non-string keys) is left out as null would be.
        let value = serde_json::to_value(value).unwrap_or(Value::Null);
        self.params.insert(name.into(), value);
        self
    }

    /// ROA: where parameter `name` travels (path, query, header, JSON body or form).
    pub fn at(mut self, name: impl Into<String>, location: Location) -> Self {
        self.locations.push((name.into(), location));
        self
    }

    /// The host to call (else the client's endpoint, else `<product>.<region>.aliyuncs.com` in lower case, the
    /// official SDKs' regional rule).
    pub fn host(mut self, host: impl Into<String>) -> Self {
        self.host = Some(host.into());
        self
    }

    /// Marks the operation as safe to repeat when it may have been executed (it only reads): retried after a
    /// timeout or a 5xx like a generated read.
    pub fn idempotent(mut self) -> Self {
        self.idempotent = true;
        self
    }

    /// The operation's idempotency parameter (`ClientToken`): filled in when left empty, the same on every
    /// retry, and the call is then safe to repeat.
    pub fn client_token(mut self, name: impl Into<String>) -> Self {
        self.client_token = Some(name.into());
        self
    }
}

impl Client {
    /// Calls an operation by name with the client's settings, decoding the answer as `T`: a
    /// [`serde_json::Value`] for the JSON as it came, or any [`Decode`](crate::de::Decode) type.
    pub async fn call_generic<T: crate::de::Decode>(
        &self,
        request: &GenericRequest,
    ) -> Result<T, Error> {
        self.call_generic_with(request, CallOptions::default())
            .await
    }

    /// [`call_generic`](Self::call_generic) with per-call settings.
    pub async fn call_generic_with<T: crate::de::Decode>(
        &self,
        request: &GenericRequest,
        options: CallOptions,
    ) -> Result<T, Error> {
        let region = options
            .region
            .as_deref()
            .or(self.inner.region.as_deref())
            .unwrap_or_default()
            .to_string();
        let span = tracing::info_span!(
            "aliyun.call",
            operation = %request.action,
            product = %request.product,
            region = %region,
            attempt = tracing::field::Empty,
            status = tracing::field::Empty,
            request_id = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        );
        self.generic_inner(request, &options, &region, &span)
            .instrument(span.clone())
            .await
    }

    async fn generic_inner<T: crate::de::Decode>(
        &self,
        r: &GenericRequest,
        options: &CallOptions,
        region: &str,
        span: &tracing::Span,
    ) -> Result<T, Error> {
        let url = self.generic_url(r, options, region)?;
        let roa = match &r.path {
            Some(template) => Some(RoaRequest::from_members(
                &r.action,
                template,
                r.client_token.as_deref(),
                r.params.clone(),
                |name| {
                    r.locations
                        .iter()
                        .find(|(n, _)| n == name)
                        .map_or(Location::Query, |(_, l)| *l)
                },
            )?),
            None => None,
        };
        let mut params = match roa {
            Some(_) => Vec::new(),
            None => crate::params::flatten(&Value::Object(r.params.clone()))?,
        };
        if let Some(name) = r.client_token.as_deref().filter(|_| roa.is_none()) {
            super::fill_client_token(&mut params, name);
        }
        let call = Call {
            product: &r.product,
            version: &r.version,
            action: &r.action,
            method: r.method,
            payload: match &roa {
                Some(roa) => Payload::Roa(roa),
                None => Payload::Rpc(&params),
            },
            url: &url,
            repeatable: r.idempotent || r.client_token.is_some(),
        };
        let settings = self.settings(options);
        self.inner.engine.run::<T>(&call, &settings, span).await
    }

    /// Where a call by name goes: the call's endpoint, the request's host, the client's endpoint, else the
    /// product's regional host on the client's network.
    fn generic_url(
        &self,
        r: &GenericRequest,
        options: &CallOptions,
        region: &str,
    ) -> Result<reqwest::Url, Error> {
        if let Some(e) = options.endpoint.as_deref().or(r.host.as_deref()) {
            return parse_endpoint(e);
        }
        self.inner.endpoints.url_for_product(&r.product, region)
    }
}
