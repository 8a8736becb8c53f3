//! The seam between the runtime and the network: a [`Transport`] sends one signed [`HttpRequest`] and reads its
//! answer into an [`HttpResponse`], within the [`Limits`] of the attempt.
//!
//! Everything above the transport (endpoints, signing, interceptors, retries, decoding) is the same whatever
//! transport a client has, so a test double or a record/replay transport plugged in with
//! [`ClientBuilder::transport`](crate::ClientBuilder::transport) sees exactly the requests the network would.
//! [`HttpTransport`], over reqwest, is the default.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub use reqwest::header::HeaderMap;
use reqwest::header::{HeaderName, HeaderValue};
pub use reqwest::Url;

use crate::error::DecodeError;
use crate::response::{excerpt, request_id_header, scan_request_id};
use crate::{Error, HttpMethod};

/// Default time allowed to open a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Default time allowed between reads of an answer (waiting for its head included).
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Default largest answer accepted, in bytes (64 MiB): far above any documented answer, far below memory.
pub const DEFAULT_MAX_BODY_BYTES: u64 = 64 << 20;

/// One request as it goes on the wire: signed, with its final URL (query included), headers and body.
///
/// `Debug` shows the method, the URL without its query (an RPC signature and security token travel there) and
/// the header names only.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// The method.
    pub method: HttpMethod,
    /// The URL, query included.
    pub url: Url,
    /// Headers, names in lower case, in the order they were added.
    pub headers: Vec<(String, String)>,
    /// The body (empty when there is none).
    pub body: Vec<u8>,
}

impl HttpRequest {
    /// The value of header `name` (compared without case), if present.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut shown = self.url.clone();
        shown.set_query(None);
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &shown.as_str())
            .field(
                "headers",
                &self
                    .headers
                    .iter()
                    .map(|(k, _)| k.as_str())
                    .collect::<Vec<_>>(),
            )
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// An answer as read from the wire: status, headers and the whole body (already decompressed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// HTTP status.
    pub status: u16,
    /// Headers.
    pub headers: HeaderMap,
    /// The whole body.
    pub body: Vec<u8>,
}

/// The bounds of one attempt, which a transport must keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Time allowed to open a connection.
    pub connect_timeout: Duration,
    /// Time allowed between reads of the answer (waiting for its head included).
    pub read_timeout: Duration,
    /// Largest body accepted, in bytes, counted after decompression: a larger one fails with
    /// [`Error::TooLarge`] and is not read further.
    pub max_body_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            read_timeout: DEFAULT_READ_TIMEOUT,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        }
    }
}

/// The future a [`Transport`] returns.
pub type TransportFuture<'a> =
    Pin<Box<dyn Future<Output = Result<HttpResponse, Error>> + Send + 'a>>;

/// Sends one request and reads its whole answer.
///
/// Errors are classified as the retry rules need them: [`Error::Connect`] and [`Error::Timeout`] with
/// `request_sent` telling whether the request may have reached the service, [`Error::TooLarge`] past
/// [`Limits::max_body_bytes`], [`Error::Decode`] with `incomplete: true` for a body cut short,
/// [`Error::Protocol`] for an answer that is not HTTP. A transport
/// answers every status as it came (redirects included: the runtime never follows them).
pub trait Transport: Send + Sync + fmt::Debug {
    /// Sends `request` within `limits`.
    fn send<'a>(&'a self, request: HttpRequest, limits: &'a Limits) -> TransportFuture<'a>;
}

impl<T: Transport + ?Sized> Transport for Arc<T> {
    fn send<'a>(&'a self, request: HttpRequest, limits: &'a Limits) -> TransportFuture<'a> {
        (**self).send(request, limits)
    }
}

/// The default transport: HTTP/1.1 over rustls (reqwest), one connection pool per pair of timeouts, proxies
/// from the environment unless [`no_proxy`](HttpTransport::no_proxy), redirects never followed.
pub struct HttpTransport {
    no_proxy: bool,
    /// The first pool built, found without a lock: most clients use one pair of timeouts.
    first: std::sync::OnceLock<((Duration, Duration), reqwest::Client)>,
    /// Pools by `(connect, read)` timeouts: reqwest sets them per client.
    pools: Mutex<HashMap<(Duration, Duration), reqwest::Client>>,
}

impl fmt::Debug for HttpTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpTransport")
            .field("no_proxy", &self.no_proxy)
            .finish_non_exhaustive()
    }
}

impl Default for HttpTransport {
    fn default() -> Self {
        Self::new()
    }
}

impl HttpTransport {
    /// Honours proxy settings from the environment (`HTTPS_PROXY`, …).
    pub fn new() -> Self {
        HttpTransport {
            no_proxy: false,
            first: std::sync::OnceLock::new(),
            pools: Mutex::new(HashMap::new()),
        }
    }

    /// Ignores proxy settings from the environment.
    pub fn no_proxy(mut self) -> Self {
        self.no_proxy = true;
        self
    }

    /// The pool for these timeouts, built on first use.
    pub(crate) fn pool(&self, connect: Duration, read: Duration) -> Result<reqwest::Client, Error> {
        if let Some((key, c)) = self.first.get() {
            if *key == (connect, read) {
                return Ok(c.clone());
            }
        }
        let mut pools = self.pools.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(c) = pools.get(&(connect, read)) {
            return Ok(c.clone());
        }
        let mut b = reqwest::Client::builder()
            .connect_timeout(connect)
            .read_timeout(read)
            .redirect(reqwest::redirect::Policy::none());
        if self.no_proxy {
            b = b.no_proxy();
        }
        let c = b
            .build()
            .map_err(|e| Error::Config(format!("cannot set up the HTTP client: {e}")))?;
        pools.insert((connect, read), c.clone());
        let _ = self.first.set(((connect, read), c.clone()));
        Ok(c)
    }

    pub(crate) async fn exchange(
        &self,
        request: HttpRequest,
        limits: &Limits,
    ) -> Result<HttpResponse, Error> {
        let http = self.pool(limits.connect_timeout, limits.read_timeout)?;
        let mut headers = HeaderMap::with_capacity(request.headers.len());
        for (k, v) in request.headers {
            let name = HeaderName::from_bytes(k.as_bytes())
                .map_err(|_| Error::Config(format!("invalid header name {k:?}")))?;
            // Values may be secret (security token): never quote them. Taken, not copied.
            let value = HeaderValue::try_from(v)
                .map_err(|_| Error::Config(format!("invalid value for header {k}")))?;
            headers.append(name, value);
        }
        let https = request.url.scheme() == "https";
        let response = http
            .request(method(request.method), request.url)
            .headers(headers)
            .body(request.body)
            .send()
            .await
            .map_err(|e| transport_error(e, https, limits))?;
        read_body(response, limits).await
    }
}

impl Transport for HttpTransport {
    fn send<'a>(&'a self, request: HttpRequest, limits: &'a Limits) -> TransportFuture<'a> {
        Box::pin(self.exchange(request, limits))
    }
}

fn method(m: HttpMethod) -> reqwest::Method {
    match m {
        HttpMethod::Get => reqwest::Method::GET,
        HttpMethod::Post => reqwest::Method::POST,
        HttpMethod::Put => reqwest::Method::PUT,
        HttpMethod::Delete => reqwest::Method::DELETE,
        HttpMethod::Patch => reqwest::Method::PATCH,
        HttpMethod::Head => reqwest::Method::HEAD,
    }
}

/// Reads the whole body, never past `limits.max_body_bytes`.
pub(crate) async fn read_body(
    mut response: reqwest::Response,
    limits: &Limits,
) -> Result<HttpResponse, Error> {
    let status = response.status().as_u16();
    let limit = limits.max_body_bytes;
    let too_large = |headers: &HeaderMap| Error::TooLarge {
        status,
        limit,
        request_id: request_id_header(headers),
    };
    if response.content_length().is_some_and(|n| n > limit) {
        return Err(too_large(response.headers()));
    }
    let mut body = Vec::with_capacity(response.content_length().unwrap_or(0).min(1 << 20) as usize);
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if (body.len() + chunk.len()) as u64 > limit {
                    return Err(too_large(response.headers()));
                }
                body.extend_from_slice(&chunk)
            }
            Ok(None) => break,
            Err(e) => return Err(cut_short(e, status, response.headers(), &body, limits)),
        }
    }
    Ok(HttpResponse {
        status,
        headers: std::mem::take(response.headers_mut()),
        body,
    })
}

/// A body that stopped coming: a stall past the read timeout, or a broken connection.
fn cut_short(
    e: reqwest::Error,
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
    limits: &Limits,
) -> Error {
    let e = e.without_url();
    if e.is_timeout() {
        return Error::Timeout {
            message: format!(
                "the answer stalled for longer than the read timeout of {:?}",
                limits.read_timeout
            ),
            request_sent: true,
        };
    }
    Error::Decode(Box::new(DecodeError {
        status,
        message: format!("the body was cut short: {}", error_chain(&e)),
        body_excerpt: excerpt(body),
        request_id: request_id_header(headers).or_else(|| scan_request_id(body)),
        incomplete: true,
    }))
}

pub(crate) fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(inner) = src {
        let t = inner.to_string();
        if !s.contains(&t) {
            s.push_str(": ");
            s.push_str(&t);
        }
        src = inner.source();
    }
    s
}

/// A failed send, classified: whether the request had gone out decides whether it may be retried.
fn transport_error(e: reqwest::Error, https: bool, limits: &Limits) -> Error {
    let e = e.without_url();
    let detail = error_chain(&e);
    if e.is_timeout() {
        if e.is_connect() {
            Error::Timeout {
                message: format!(
                    "could not connect within {:?} ({detail})",
                    limits.connect_timeout
                ),
                request_sent: false,
            }
        } else {
            Error::Timeout {
                message: format!(
                    "no answer within the read timeout of {:?}; the service may have executed the request ({detail})",
                    limits.read_timeout
                ),
                request_sent: true,
            }
        }
    } else if e.is_connect() {
        let hint = if https && looks_like_tls_failure(&detail) {
            "; the endpoint is https (the default when it has no scheme): if the server speaks plain HTTP, \
             write the endpoint as http://host:port"
        } else {
            ""
        };
        Error::Connect {
            message: format!("could not connect: {detail}{hint}"),
            request_sent: false,
        }
    } else if let Some(parse) = hyper_parse_error(&e) {
        Error::Protocol {
            message: format!(
                "the answer's head could not be read ({parse}); the service may have executed the request"
            ),
        }
    } else {
        Error::Connect {
            message: format!(
                "the connection broke after the request was sent, before an answer arrived; the service may have executed it: {detail}"
            ),
            request_sent: true,
        }
    }
}

fn looks_like_tls_failure(detail: &str) -> bool {
    let d = detail.to_ascii_lowercase();
    [
        "tls",
        "handshake",
        "corrupt message",
        "invalidcontenttype",
        "certificate",
    ]
    .iter()
    .any(|w| d.contains(w))
}

/// The answer came but its head was malformed or too large (too many headers, say): hyper says so.
fn hyper_parse_error(e: &(dyn std::error::Error + 'static)) -> Option<String> {
    let mut src = Some(e);
    while let Some(err) = src {
        if let Some(h) = err.downcast_ref::<hyper::Error>() {
            if h.is_parse() {
                return Some(h.to_string());
            }
        }
        src = err.source();
    }
    None
}

/// The transport of a client: the network, called directly (no boxed future per attempt), or one of the
/// user's.
pub(crate) enum Wire {
    Http(HttpTransport),
    Custom(Arc<dyn Transport>),
}

impl Wire {
    pub(crate) async fn send(
        &self,
        request: HttpRequest,
        limits: &Limits,
    ) -> Result<HttpResponse, Error> {
        match self {
            Wire::Http(h) => h.exchange(request, limits).await,
            Wire::Custom(t) => t.send(request, limits).await,
        }
    }
}

impl fmt::Debug for Wire {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Wire::Http(h) => h.fmt(f),
            Wire::Custom(t) => t.fmt(f),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_no_query_and_no_header_value() {
        let r = HttpRequest {
            method: HttpMethod::Post,
            url: Url::parse("https://sts.aliyuncs.com/?Signature=SECRETSIG&SecurityToken=TOK")
                .unwrap(),
            headers: vec![("x-acs-security-token".into(), "TOK".into())],
            body: b"a=1".to_vec(),
        };
        assert_eq!(
            format!("{r:?}"),
            r#"HttpRequest { method: Post, url: "https://sts.aliyuncs.com/", headers: ["x-acs-security-token"], body_len: 3 }"#
        );
    }
}
