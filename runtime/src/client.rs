//! The client: endpoints, signing, transport, retries and decoding.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::Url;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use tracing::Instrument as _;

use crate::credentials::{Credentials, DefaultCredentialsChain, ProvideCredentials};
use crate::error::{DecodeError, ServiceError};
use crate::sign::{form_urlencode, sign_acs3, sign_rpc, Acs3Input};
use crate::{ApiStyle, Error, HttpMethod, Operation, RetryConfig, ServiceSpec};

/// Default time allowed to open a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Default time allowed between reads of an answer (waiting for its head included).
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// Default largest answer accepted, in bytes (64 MiB): far above any documented answer, far below memory.
pub const DEFAULT_MAX_BODY_BYTES: u64 = 64 << 20;

const BODY_EXCERPT_CHARS: usize = 300;

/// How requests are signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SigningAlgorithm {
    /// `ACS3-HMAC-SHA256` in the `Authorization` header, action and version in `x-acs-*` headers (default).
    #[default]
    Acs3HmacSha256,
    /// The RPC query signature: `SignatureMethod=HMAC-SHA1`, `SignatureVersion=1.0`, `Signature` parameter.
    /// It has no ROA form: ROA operations are signed with `ACS3-HMAC-SHA256` whatever this says.
    RpcHmacSha1,
}

/// Per-call settings; every `None` falls back to the client's setting.
///
/// ```
/// # use std::time::Duration;
/// let options = aliyun_runtime::CallOptions { read_timeout: Some(Duration::from_secs(60)), ..Default::default() };
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallOptions {
    /// Time allowed to open a connection.
    pub connect_timeout: Option<Duration>,
    /// Time allowed between reads of the answer (waiting for its head included).
    pub read_timeout: Option<Duration>,
    /// Retry policy for this call.
    pub retry: Option<RetryConfig>,
    /// Region for this call.
    pub region: Option<String>,
    /// Endpoint for this call (host name, or URL such as `http://127.0.0.1:8080`).
    pub endpoint: Option<String>,
    /// Time allowed for the whole call, every attempt and every wait between them included.
    pub deadline: Option<Duration>,
}

/// Builds a [`Client`]; start with [`Client::builder`].
pub struct ClientBuilder {
    region: Option<String>,
    endpoint: Option<String>,
    credentials: Option<Arc<dyn ProvideCredentials>>,
    retry: RetryConfig,
    connect_timeout: Duration,
    read_timeout: Duration,
    signing: SigningAlgorithm,
    user_agent: Option<String>,
    jitter_seed: Option<u64>,
    no_proxy: bool,
    deadline: Option<Duration>,
    max_body_bytes: u64,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .field("credentials", &self.credentials)
            .field("retry", &self.retry)
            .field("connect_timeout", &self.connect_timeout)
            .field("read_timeout", &self.read_timeout)
            .field("deadline", &self.deadline)
            .field("signing", &self.signing)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// Region id, e.g. `cn-shanghai`: picks the endpoint `ServiceSpec::host(region)`. Only `a-z`, `0-9` and
    /// `-` are accepted ([`is_valid_region`](crate::is_valid_region)); anything else fails [`build`](Self::build).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Sends every call to this endpoint instead of the region's: a host name (`https` is used) or a URL such as
    /// `http://127.0.0.1:8080`.
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// Where credentials come from: a [`Credentials`] pair, a provider such as
    /// [`DefaultCredentialsChain`] (the default), or your own [`ProvideCredentials`].
    pub fn credentials(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.credentials = Some(Arc::new(provider));
        self
    }

    /// Retry policy (default [`RetryConfig::STANDARD`]; [`RetryConfig::disabled`] turns retries off).
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.retry = retry;
        self
    }

    /// Time allowed to open a connection (default 5 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Time allowed between reads of an answer, waiting for its head included (default 10 s).
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.read_timeout = timeout;
        self
    }

    /// Time allowed for a whole call, all attempts and the waits between them included (default: none, so a
    /// call takes at most `max_attempts` times the read timeout plus the backoffs). When it passes, the call
    /// ends with [`Error::Timeout`]; no retry starts that could not finish in time.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// Largest answer accepted, in bytes (default [`DEFAULT_MAX_BODY_BYTES`], 64 MiB). A larger answer is not read
    /// further and the call fails with [`Error::TooLarge`].
    pub fn max_body_bytes(mut self, limit: u64) -> Self {
        self.max_body_bytes = limit;
        self
    }

    /// Signing algorithm (default [`SigningAlgorithm::Acs3HmacSha256`]).
    pub fn signing(mut self, algorithm: SigningAlgorithm) -> Self {
        self.signing = algorithm;
        self
    }

    /// Appended to the `user-agent` header.
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent = Some(suffix.into());
        self
    }

    /// Seeds the random draw of retry jitter, for reproducible backoff.
    pub fn jitter_seed(mut self, seed: u64) -> Self {
        self.jitter_seed = Some(seed);
        self
    }

    /// Ignores proxy settings from the environment (`HTTPS_PROXY`, …), which are honoured by default.
    pub fn no_proxy(mut self) -> Self {
        self.no_proxy = true;
        self
    }

    /// Builds a [`blocking::Client`](crate::blocking::Client) with these settings (cargo feature `blocking`).
    #[cfg(feature = "blocking")]
    pub fn build_blocking(self) -> Result<crate::blocking::Client, Error> {
        crate::blocking::Client::new(self.build()?)
    }

    /// Builds the client. Fails with [`Error::Config`] when neither a region nor an endpoint is set, when the
    /// region is not a region id, or when the endpoint is not a valid host or URL.
    pub fn build(self) -> Result<Client, Error> {
        if self.region.is_none() && self.endpoint.is_none() {
            return Err(Error::Config(
                "set a region (or an endpoint) on the client builder".into(),
            ));
        }
        if let Some(region) = &self.region {
            check_region(region)?;
        }
        let endpoint_url = self.endpoint.as_deref().map(parse_endpoint).transpose()?;
        if self.retry.max_attempts == 0 {
            return Err(Error::Config(
                "RetryConfig::max_attempts must be at least 1".into(),
            ));
        }
        let http = build_http(self.connect_timeout, self.read_timeout, self.no_proxy)?;
        let credentials = self
            .credentials
            .unwrap_or_else(|| Arc::new(DefaultCredentialsChain::new()));
        let mut user_agent = format!(
            "aliyun-rust-sdk/{} ({})",
            env!("CARGO_PKG_VERSION"),
            std::env::consts::OS
        );
        if let Some(s) = self.user_agent {
            user_agent.push(' ');
            user_agent.push_str(&s);
        }
        Ok(Client {
            inner: Arc::new(Inner {
                region: self.region,
                endpoint: self.endpoint,
                endpoint_url,
                region_urls: Mutex::new(HashMap::new()),
                credentials,
                retry: self.retry,
                connect_timeout: self.connect_timeout,
                read_timeout: self.read_timeout,
                signing: self.signing,
                user_agent,
                no_proxy: self.no_proxy,
                deadline: self.deadline,
                max_body_bytes: self.max_body_bytes,
                http,
                other_http: Mutex::new(HashMap::new()),
                rng: Mutex::new(match self.jitter_seed {
                    Some(seed) => fastrand::Rng::with_seed(seed),
                    None => fastrand::Rng::new(),
                }),
            }),
        })
    }
}

fn build_http(connect: Duration, read: Duration, no_proxy: bool) -> Result<reqwest::Client, Error> {
    let mut b = reqwest::Client::builder()
        .connect_timeout(connect)
        .read_timeout(read);
    if no_proxy {
        b = b.no_proxy();
    }
    b.build()
        .map_err(|e| Error::Config(format!("cannot set up the HTTP client: {e}")))
}

/// A client for Alibaba Cloud APIs: cheap to clone, one connection pool shared by all clones and all services.
///
/// ```no_run
/// # async fn demo<Req: aliyun_runtime::Operation>(request: Req) {
/// use aliyun_runtime::{Client, DefaultCredentialsChain};
///
/// let client = Client::builder()
///     .region("cn-shanghai")
///     .credentials(DefaultCredentialsChain::new())
///     .build()
///     .expect("client");
/// match client.call(request).await {
///     Ok(_response) => {}
///     Err(e) => eprintln!("{e} (code {:?}, RequestId {:?})", e.code(), e.request_id()),
/// }
/// # }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    region: Option<String>,
    endpoint: Option<String>,
    /// `endpoint`, parsed once.
    endpoint_url: Option<Url>,
    /// URLs of `((product, version), region)` pairs already resolved, so calls do not parse a URL each time.
    region_urls: Mutex<HashMap<ServiceKey, HashMap<String, Url>>>,
    credentials: Arc<dyn ProvideCredentials>,
    retry: RetryConfig,
    connect_timeout: Duration,
    read_timeout: Duration,
    signing: SigningAlgorithm,
    user_agent: String,
    no_proxy: bool,
    deadline: Option<Duration>,
    max_body_bytes: u64,
    /// The pool for the client's own timeouts.
    http: reqwest::Client,
    /// Pools for per-call timeouts that differ from the client's (one per distinct pair, shared by such calls).
    other_http: Mutex<HashMap<(Duration, Duration), reqwest::Client>>,
    rng: Mutex<fastrand::Rng>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        f.debug_struct("Client")
            .field("region", &i.region)
            .field("endpoint", &i.endpoint)
            .field("credentials", &i.credentials)
            .field("retry", &i.retry)
            .field("connect_timeout", &i.connect_timeout)
            .field("read_timeout", &i.read_timeout)
            .field("deadline", &i.deadline)
            .field("max_body_bytes", &i.max_body_bytes)
            .field("signing", &i.signing)
            .finish_non_exhaustive()
    }
}

/// A request ready to send: what the signer produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Prepared {
    pub method: HttpMethod,
    /// The final URL, query included: handed to the HTTP client as it is, never formatted and parsed again.
    pub url: Url,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// What a call sends, built once per call and signed anew on each attempt.
#[derive(Clone, Copy)]
enum Payload<'a> {
    /// RPC parameters, sorted.
    Rpc(&'a [(String, String)]),
    /// A ROA request: path, query, headers and body.
    Roa(&'a crate::roa::RoaRequest),
}

/// Everything that goes into one signed request besides the parameters.
pub(crate) struct SignContext<'a> {
    pub spec: &'a ServiceSpec,
    pub action: &'a str,
    pub method: HttpMethod,
    pub url: &'a Url,
    pub credentials: &'a Credentials,
    pub nonce: &'a str,
    pub timestamp: &'a str,
    pub user_agent: &'a str,
}

pub(crate) fn prepare(
    algorithm: SigningAlgorithm,
    cx: &SignContext<'_>,
    params: &[(String, String)],
) -> Prepared {
    let host = host_header(cx.url);
    let with_query = |q: &[(String, String)]| {
        let mut url = cx.url.clone();
        if q.is_empty() {
            url.set_query(None);
        } else {
            // Already form-encoded: `set_query` leaves it as it is.
            url.set_query(Some(&form_urlencode(q)));
        }
        url
    };
    let creds = cx.credentials;
    let none: &[(String, String)] = &[];
    let (query, body_params) = match cx.method {
        HttpMethod::Get => (params, none),
        _ => (none, params),
    };
    let body = form_urlencode(body_params).into_bytes();
    let mut headers: Vec<(String, String)> = vec![
        ("host".into(), host),
        ("accept".into(), "application/json".into()),
        ("user-agent".into(), cx.user_agent.into()),
    ];
    if !body.is_empty() {
        headers.push((
            "content-type".into(),
            "application/x-www-form-urlencoded".into(),
        ));
    }
    match algorithm {
        SigningAlgorithm::Acs3HmacSha256 => acs3_signed(cx, cx.url.clone(), query, headers, body),
        SigningAlgorithm::RpcHmacSha1 => {
            let mut query: Vec<(String, String)> = vec![
                ("Action".into(), cx.action.into()),
                ("Format".into(), "JSON".into()),
                ("Version".into(), cx.spec.version.into()),
                ("Timestamp".into(), cx.timestamp.into()),
                ("SignatureNonce".into(), cx.nonce.into()),
                ("SignatureMethod".into(), "HMAC-SHA1".into()),
                ("SignatureVersion".into(), "1.0".into()),
                ("AccessKeyId".into(), creds.access_key_id().into()),
            ];
            if let Some(token) = creds.security_token() {
                query.push(("SecurityToken".into(), token.into()));
            }
            if cx.method == HttpMethod::Get {
                query.extend(params.iter().cloned());
            }
            let all: Vec<(String, String)> =
                query.iter().chain(body_params.iter()).cloned().collect();
            let sig = sign_rpc(cx.method.as_str(), &all, creds.access_key_secret());
            query.push(("Signature".into(), sig.signature));
            Prepared {
                method: cx.method,
                url: with_query(&query),
                headers,
                body,
            }
        }
    }
}

/// Adds the `x-acs-*` headers to a request and signs it with `ACS3-HMAC-SHA256`: the request of an RPC call,
/// or of a ROA call with its own path (`url`'s path, already percent-encoded), query, headers and body.
pub(crate) fn acs3_signed(
    cx: &SignContext<'_>,
    mut url: Url,
    query: &[(String, String)],
    mut headers: Vec<(String, String)>,
    body: Vec<u8>,
) -> Prepared {
    let creds = cx.credentials;
    headers.extend([
        ("x-acs-action".to_string(), cx.action.to_string()),
        ("x-acs-version".into(), cx.spec.version.into()),
        ("x-acs-date".into(), cx.timestamp.into()),
        ("x-acs-signature-nonce".into(), cx.nonce.into()),
        (
            "x-acs-content-sha256".into(),
            crate::sign::hex_sha256(&body),
        ),
    ]);
    if let Some(token) = creds.security_token() {
        headers.push(("x-acs-accesskey-id".into(), creds.access_key_id().into()));
        headers.push(("x-acs-security-token".into(), token.into()));
    }
    let sig = sign_acs3(
        &Acs3Input {
            method: cx.method.as_str(),
            pathname: url.path(),
            query,
            headers: &headers,
            body: &body,
        },
        creds.access_key_id(),
        creds.access_key_secret(),
    );
    headers.push(("authorization".into(), sig.authorization));
    if query.is_empty() {
        url.set_query(None);
    } else {
        // Already form-encoded: `set_query` leaves it as it is.
        url.set_query(Some(&form_urlencode(query)));
    }
    Prepared {
        method: cx.method,
        url,
        headers,
        body,
    }
}

pub(crate) fn host_header(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    }
}

/// Which service a cached URL belongs to: `(product, version)`.
type ServiceKey = (&'static str, &'static str);

/// A region id, or a configuration error naming it: the region goes into a host name, so `x@evil.example#`
/// would send signed requests elsewhere.
fn check_region(region: &str) -> Result<(), Error> {
    if crate::is_valid_region(region) {
        Ok(())
    } else {
        Err(Error::Config(format!(
            "invalid region {region:?}: a region id is lowercase letters, digits and `-`, e.g. cn-shanghai"
        )))
    }
}

pub(crate) fn parse_endpoint(endpoint: &str) -> Result<Url, Error> {
    let invalid = |why: &str| Error::Config(format!("invalid endpoint {endpoint:?}: {why}"));
    let text = if endpoint.contains("://") {
        endpoint.to_string()
    } else {
        format!("https://{endpoint}")
    };
    let mut url = Url::parse(&text).map_err(|e| invalid(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return Err(invalid("expected a host or an http(s) URL"));
    }
    // reqwest would turn `user:pw@` into a Basic `Authorization` header next to the signature.
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("an endpoint cannot carry a user name or password"));
    }
    if url.query().is_some() || url.fragment().is_some() || !matches!(url.path(), "" | "/") {
        return Err(invalid(
            "an endpoint is a scheme, a host and a port, without path, query or fragment",
        ));
    }
    url.set_path("/");
    Ok(url)
}

/// The URL calls of `spec` go to, as the official SDKs resolve it: the endpoint override if any, else the
/// region's entry in the service's endpoint map, else its endpoint rule; always `https`.
pub(crate) fn resolve_endpoint(
    spec: &ServiceSpec,
    region: Option<&str>,
    endpoint: Option<&str>,
) -> Result<Url, Error> {
    if let Some(e) = endpoint {
        return parse_endpoint(e);
    }
    match region.filter(|r| !r.is_empty()) {
        Some(region) => {
            check_region(region)?;
            parse_endpoint(&spec.host(region))
        }
        None if spec.needs_region() => Err(Error::Config(format!(
            "{} needs a region to find its endpoint",
            spec.product
        ))),
        None => parse_endpoint(spec.endpoint),
    }
}

fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut s: String = text.chars().take(BODY_EXCERPT_CHARS).collect();
    if text.chars().count() > BODY_EXCERPT_CHARS {
        s.push('…');
    }
    s
}

/// Finds `"RequestId":"…"` in a body that is not valid JSON (a truncated one, say).
fn scan_request_id(body: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(body);
    let at = text.find("\"RequestId\"")?;
    let rest = text[at + "\"RequestId\"".len()..]
        .trim_start()
        .strip_prefix(':')?
        .trim_start();
    let rest = rest.strip_prefix('"')?;
    let end = rest.find('"')?;
    Some(rest[..end].to_string()).filter(|s| !s.is_empty())
}

/// Turns an answer into the response type or the right error.
pub(crate) fn decode_answer<T: crate::de::Decode>(
    status: u16,
    header_request_id: Option<&str>,
    retry_after: Option<Duration>,
    body: &[u8],
) -> Result<T, Error> {
    let header_request_id = || header_request_id.map(str::to_string);
    if (200..300).contains(&status) {
        return crate::de::from_slice::<T>(body).map_err(|e| {
            Error::Decode(Box::new(DecodeError {
                status,
                message: format!("the body is not the expected JSON: {e}"),
                body_excerpt: excerpt(body),
                request_id: header_request_id().or_else(|| scan_request_id(body)),
                incomplete: false,
            }))
        });
    }
    match crate::error_body::parse(body) {
        Some(fields) => Err(Error::Service(Box::new(ServiceError {
            status,
            code: fields.code.unwrap_or_default(),
            message: fields.message.unwrap_or_default(),
            request_id: fields.request_id.or_else(header_request_id),
            host_id: fields.host_id,
            recommend: fields.recommend,
            retry_after,
        }))),
        None => Err(Error::Decode(Box::new(DecodeError {
            status,
            message: "the error answer has no error code (neither a JSON nor an XML error body)"
                .into(),
            body_excerpt: excerpt(body),
            request_id: header_request_id().or_else(|| scan_request_id(body)),
            incomplete: false,
        }))),
    }
}

/// How long the answer asks to wait: `x-acs-retry-after` (milliseconds, as the official SDKs read it), else
/// `Retry-After` (seconds, or an HTTP date).
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    if let Some(ms) = header("x-acs-retry-after").and_then(|v| v.parse::<u64>().ok()) {
        return Some(Duration::from_millis(ms));
    }
    let v = header("retry-after")?;
    match v.parse::<u64>() {
        Ok(secs) => Some(Duration::from_secs(secs)),
        Err(_) => httpdate::parse_http_date(v).ok().map(|at| {
            at.duration_since(std::time::SystemTime::now())
                .unwrap_or_default()
        }),
    }
}

fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
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

/// The current time as requests carry it: RFC 3339 in UTC, whole seconds.
pub(crate) fn timestamp_now() -> Result<String, Error> {
    OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .ok_or_else(|| Error::Config("cannot format the current time".into()))
}

/// A failed send, classified: whether the request had gone out decides whether it may be retried.
fn transport_error(
    e: reqwest::Error,
    url: &Url,
    connect_timeout: Duration,
    read_timeout: Duration,
) -> Error {
    let e = e.without_url();
    let detail = error_chain(&e);
    if e.is_timeout() {
        if e.is_connect() {
            Error::Timeout {
                message: format!("could not connect within {connect_timeout:?} ({detail})"),
                request_sent: false,
            }
        } else {
            Error::Timeout {
                message: format!(
                    "no answer within the read timeout of {read_timeout:?}; the service may have executed the request ({detail})"
                ),
                request_sent: true,
            }
        }
    } else if e.is_connect() {
        let hint = if url.scheme() == "https" && looks_like_tls_failure(&detail) {
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
        Error::Connect {
            message: format!(
                "the answer's head could not be read ({parse}); the service may have executed the request"
            ),
            request_sent: true,
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

impl Client {
    /// Starts building a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder {
            region: None,
            endpoint: None,
            credentials: None,
            retry: RetryConfig::STANDARD,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            read_timeout: DEFAULT_READ_TIMEOUT,
            signing: SigningAlgorithm::default(),
            user_agent: None,
            jitter_seed: None,
            no_proxy: false,
            deadline: None,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        }
    }

    /// The client's region, if set.
    pub fn region(&self) -> Option<&str> {
        self.inner.region.as_deref()
    }

    /// Calls an operation with the client's settings.
    pub async fn call<O: Operation>(&self, request: O) -> Result<O::Response, Error> {
        self.call_with(request, CallOptions::default()).await
    }

    /// Calls an operation with per-call settings.
    ///
    /// Fills in the operation's `ClientToken` when it has one and the request left it empty: one fresh token
    /// per call, the same on every retry of that call.
    ///
    /// Retries (when the [`RetryConfig`] allows more than one attempt): what certainly was not executed (no
    /// connection, throttling) for every operation; what may have been executed (HTTP 5xx, a read timeout, a
    /// connection broken after sending, an answer cut short) only for operations safe to repeat (with a
    /// `ClientToken`, or [`Operation::IDEMPOTENT`]). A wait the service asks for (`x-acs-retry-after`,
    /// `Retry-After`) replaces the backoff; when it is longer than `max_backoff` or than the time left before the
    /// deadline, the call ends with the service's error instead.
    pub async fn call_with<O: Operation>(
        &self,
        request: O,
        options: CallOptions,
    ) -> Result<O::Response, Error> {
        let region = options
            .region
            .as_deref()
            .or(self.inner.region.as_deref())
            .unwrap_or_default();
        let span = tracing::info_span!(
            "aliyun.call",
            operation = O::ACTION,
            product = O::SERVICE.product,
            region = %region,
            attempt = tracing::field::Empty,
            status = tracing::field::Empty,
            request_id = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        );
        self.call_inner::<O>(request, &options, region, span.clone())
            .instrument(span)
            .await
    }

    async fn call_inner<O: Operation>(
        &self,
        request: O,
        options: &CallOptions,
        region: &str,
        span: tracing::Span,
    ) -> Result<O::Response, Error> {
        let inner = &*self.inner;
        if let Some(r) = &options.region {
            check_region(r)?;
        }
        // ROA: path, query, headers and body, built once per call (a filled-in ClientToken included).
        let roa = match O::SERVICE.style {
            ApiStyle::Roa => Some(crate::roa::RoaRequest::new(&request)?),
            ApiStyle::Rpc => None,
        };
        let mut params = match roa {
            Some(_) => Vec::new(),
            None => crate::params::to_params(&request)?,
        };
        if let Some(name) = O::CLIENT_TOKEN.filter(|_| roa.is_none()) {
            match params.iter_mut().find(|(k, _)| k == name) {
                Some((_, v)) if !v.is_empty() => {}
                Some((_, v)) => *v = uuid::Uuid::new_v4().to_string(),
                None => {
                    params.push((name.to_string(), uuid::Uuid::new_v4().to_string()));
                    params.sort_by(|a, b| a.0.cmp(&b.0));
                }
            }
        }
        let payload = match &roa {
            Some(roa) => Payload::Roa(roa),
            None => Payload::Rpc(&params),
        };
        let url = self.url_for(O::SERVICE, region, options.endpoint.as_deref())?;
        let retry = options.retry.unwrap_or(inner.retry);
        let connect_timeout = options.connect_timeout.unwrap_or(inner.connect_timeout);
        let read_timeout = options.read_timeout.unwrap_or(inner.read_timeout);
        let http = self.http_for(connect_timeout, read_timeout)?;
        let repeatable = crate::operation::repeatable::<O>();
        let started = tokio::time::Instant::now();
        let deadline = options.deadline.or(inner.deadline);
        let deadline_at = deadline.map(|d| started + d);
        let mut attempt = 1u32;
        loop {
            span.record("attempt", attempt);
            let sending =
                self.attempt::<O>(&http, &url, payload, connect_timeout, read_timeout, &span);
            let result = match deadline_at {
                None => sending.await,
                Some(at) => tokio::time::timeout_at(at, sending)
                    .await
                    .unwrap_or_else(|_| {
                        Err(Error::Timeout {
                            message: format!(
                                "the call's deadline of {:?} passed during attempt {attempt}",
                                deadline.unwrap_or_default()
                            ),
                            request_sent: true,
                        })
                    }),
            };
            span.record("latency_ms", started.elapsed().as_millis() as u64);
            let e = match result {
                Ok(r) => return Ok(r),
                Err(e) => e,
            };
            if let Some(s) = e.status() {
                span.record("status", s);
            }
            if let Some(id) = e.request_id() {
                span.record("request_id", id);
            }
            let may_retry = e.certainly_not_executed() || (repeatable && e.is_retryable());
            if attempt >= retry.max_attempts.max(1) || !may_retry {
                tracing::debug!(error = %e, attempt, "call failed");
                return Err(e);
            }
            let delay = match e.retry_after() {
                Some(asked) if asked > retry.max_backoff => {
                    tracing::debug!(error = %e, attempt, retry_after_ms = asked.as_millis() as u64, "the service asks for a longer wait than max_backoff");
                    return Err(e);
                }
                Some(asked) => asked,
                None => {
                    let jitter = inner.rng.lock().unwrap_or_else(|p| p.into_inner()).f64();
                    retry.backoff(attempt, jitter)
                }
            };
            if deadline_at.is_some_and(|at| tokio::time::Instant::now() + delay >= at) {
                tracing::debug!(error = %e, attempt, "no time left before the deadline for another attempt");
                return Err(e);
            }
            tracing::debug!(error = %e, attempt, delay_ms = delay.as_millis() as u64, "retrying");
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }

    /// The endpoint URL of a call: parsed once per client (or per service and region), not on every call.
    fn url_for(
        &self,
        spec: &'static ServiceSpec,
        region: &str,
        call_endpoint: Option<&str>,
    ) -> Result<Cow<'_, Url>, Error> {
        const MAX_CACHED: usize = 256;
        let inner = &*self.inner;
        if let Some(e) = call_endpoint {
            return parse_endpoint(e).map(Cow::Owned);
        }
        if let Some(url) = &inner.endpoint_url {
            return Ok(Cow::Borrowed(url));
        }
        let key: ServiceKey = (spec.product, spec.version);
        let cached = |urls: &HashMap<ServiceKey, HashMap<String, Url>>| {
            urls.get(&key).and_then(|m| m.get(region)).cloned()
        };
        if let Some(url) = cached(&inner.region_urls.lock().unwrap_or_else(|p| p.into_inner())) {
            return Ok(Cow::Owned(url));
        }
        let url = resolve_endpoint(spec, Some(region), None)?;
        let mut urls = inner.region_urls.lock().unwrap_or_else(|p| p.into_inner());
        if urls.values().map(HashMap::len).sum::<usize>() < MAX_CACHED {
            urls.entry(key)
                .or_default()
                .insert(region.to_string(), url.clone());
        }
        Ok(Cow::Owned(url))
    }

    fn http_for(&self, connect: Duration, read: Duration) -> Result<reqwest::Client, Error> {
        let inner = &*self.inner;
        if connect == inner.connect_timeout && read == inner.read_timeout {
            return Ok(inner.http.clone());
        }
        let mut pools = inner.other_http.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(c) = pools.get(&(connect, read)) {
            return Ok(c.clone());
        }
        let c = build_http(connect, read, inner.no_proxy)?;
        pools.insert((connect, read), c.clone());
        Ok(c)
    }

    async fn attempt<O: Operation>(
        &self,
        http: &reqwest::Client,
        url: &Url,
        payload: Payload<'_>,
        connect_timeout: Duration,
        read_timeout: Duration,
        span: &tracing::Span,
    ) -> Result<O::Response, Error> {
        let inner = &*self.inner;
        let credentials = inner.credentials.provide_credentials().await?;
        let timestamp = timestamp_now()?;
        let nonce = uuid::Uuid::new_v4().simple().to_string();
        let cx = SignContext {
            spec: O::SERVICE,
            action: O::ACTION,
            method: O::METHOD,
            url,
            credentials: &credentials,
            nonce: &nonce,
            timestamp: &timestamp,
            user_agent: &inner.user_agent,
        };
        let prepared = match payload {
            Payload::Roa(roa) => roa.prepare(&cx),
            Payload::Rpc(params) => prepare(inner.signing, &cx, params),
        };
        let mut headers = HeaderMap::with_capacity(prepared.headers.len());
        for (k, v) in &prepared.headers {
            let name = HeaderName::from_bytes(k.as_bytes())
                .map_err(|_| Error::Config(format!("invalid header name {k:?}")))?;
            // Values may be secret (security token): never quote them.
            let value = HeaderValue::from_str(v)
                .map_err(|_| Error::Config(format!("invalid value for header {k}")))?;
            headers.insert(name, value);
        }
        let method = match prepared.method {
            HttpMethod::Get => reqwest::Method::GET,
            HttpMethod::Post => reqwest::Method::POST,
            HttpMethod::Put => reqwest::Method::PUT,
            HttpMethod::Delete => reqwest::Method::DELETE,
            HttpMethod::Patch => reqwest::Method::PATCH,
            HttpMethod::Head => reqwest::Method::HEAD,
        };
        let mut response = http
            .request(method, prepared.url)
            .headers(headers)
            .body(prepared.body)
            .send()
            .await
            .map_err(|e| transport_error(e, url, connect_timeout, read_timeout))?;
        let status = response.status().as_u16();
        let header_request_id = response
            .headers()
            .get("x-acs-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        span.record("status", status);
        let limit = inner.max_body_bytes;
        let too_large = |request_id: Option<String>| Error::TooLarge {
            status,
            limit,
            request_id,
        };
        if response.content_length().is_some_and(|n| n > limit) {
            return Err(too_large(header_request_id));
        }
        // Only error answers ask for a wait; a success skips the header lookups.
        let retry_after = if (200..300).contains(&status) {
            None
        } else {
            retry_after(response.headers())
        };
        let mut body =
            Vec::with_capacity(response.content_length().unwrap_or(0).min(1 << 20) as usize);
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if (body.len() + chunk.len()) as u64 > limit {
                        return Err(too_large(header_request_id));
                    }
                    body.extend_from_slice(&chunk)
                }
                Ok(None) => break,
                Err(e) => {
                    let e = e.without_url();
                    if e.is_timeout() {
                        return Err(Error::Timeout {
                            message: format!("the answer stalled for longer than the read timeout of {read_timeout:?}"),
                            request_sent: true,
                        });
                    }
                    return Err(Error::Decode(Box::new(DecodeError {
                        status,
                        message: format!("the body was cut short: {}", error_chain(&e)),
                        body_excerpt: excerpt(&body),
                        request_id: header_request_id.or_else(|| scan_request_id(&body)),
                        incomplete: true,
                    })));
                }
            }
        }
        let result =
            decode_answer::<O::Response>(status, header_request_id.as_deref(), retry_after, &body);
        let request_id = match &result {
            Err(e) => e.request_id().map(str::to_string),
            Ok(_) => header_request_id.or_else(|| scan_request_id(&body)),
        };
        if let Some(id) = &request_id {
            span.record("request_id", id.as_str());
        }
        tracing::debug!(
            status,
            request_id = request_id.as_deref().unwrap_or(""),
            "answer received"
        );
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    const SPEC: ServiceSpec = ServiceSpec {
        product: "Config",
        version: "2020-09-07",
        style: ApiStyle::Rpc,
        endpoint: "config.{region}.aliyuncs.com",
        endpoint_rule: crate::EndpointRule::Regional,
        regional_endpoints: &[],
    };

    #[test]
    fn endpoints() {
        let u = resolve_endpoint(&SPEC, Some("cn-shanghai"), None).unwrap();
        assert_eq!(u.as_str(), "https://config.cn-shanghai.aliyuncs.com/");
        let u =
            resolve_endpoint(&SPEC, Some("cn-shanghai"), Some("http://127.0.0.1:8080")).unwrap();
        assert_eq!(u.as_str(), "http://127.0.0.1:8080/");
        assert_eq!(host_header(&u), "127.0.0.1:8080");
        let u = resolve_endpoint(&SPEC, None, Some("config.example.com")).unwrap();
        assert_eq!(u.as_str(), "https://config.example.com/");
        assert_eq!(host_header(&u), "config.example.com");
        assert!(matches!(
            resolve_endpoint(&SPEC, None, None),
            Err(Error::Config(_))
        ));
        assert!(matches!(
            resolve_endpoint(&SPEC, None, Some("ftp://x")),
            Err(Error::Config(_))
        ));
        assert!(matches!(
            resolve_endpoint(&SPEC, None, Some("http://")),
            Err(Error::Config(_))
        ));
    }

    #[test]
    fn endpoint_urls_are_parsed_once_and_overridden_per_call() {
        let client = Client::builder()
            .region("cn-shanghai")
            .credentials(Credentials::new("a", "b"))
            .build()
            .unwrap();
        for _ in 0..2 {
            let u = client.url_for(&SPEC, "cn-shanghai", None).unwrap();
            assert_eq!(u.as_str(), "https://config.cn-shanghai.aliyuncs.com/");
        }
        let u = client.url_for(&SPEC, "cn-beijing", None).unwrap();
        assert_eq!(u.as_str(), "https://config.cn-beijing.aliyuncs.com/");
        let u = client
            .url_for(&SPEC, "cn-shanghai", Some("http://127.0.0.1:9"))
            .unwrap();
        assert_eq!(u.as_str(), "http://127.0.0.1:9/");
        assert!(client.url_for(&SPEC, "", None).is_err());
        let client = Client::builder()
            .endpoint("http://127.0.0.1:8080")
            .credentials(Credentials::new("a", "b"))
            .build()
            .unwrap();
        let u = client.url_for(&SPEC, "cn-shanghai", None).unwrap();
        assert_eq!(u.as_str(), "http://127.0.0.1:8080/");
    }

    #[test]
    fn builder_needs_region_or_endpoint() {
        assert!(matches!(
            Client::builder()
                .credentials(Credentials::new("a", "b"))
                .build(),
            Err(Error::Config(_))
        ));
        assert!(Client::builder()
            .region("cn-shanghai")
            .credentials(Credentials::new("a", "b"))
            .build()
            .is_ok());
    }

    fn cx<'a>(url: &'a Url, creds: &'a Credentials, method: HttpMethod) -> SignContext<'a> {
        SignContext {
            spec: &SPEC,
            action: "GetCompliancePackReport",
            method,
            url,
            credentials: creds,
            nonce: "3f4a1c2e9b8d7f6a5e4d3c2b1a098765",
            timestamp: "2020-09-07T08:00:00Z",
            user_agent: "ua",
        }
    }

    #[test]
    fn acs3_get_puts_parameters_in_the_query() {
        let url = resolve_endpoint(&SPEC, Some("cn-shanghai"), None).unwrap();
        let creds = Credentials::new("testid", "testsecret");
        let params = vec![("CompliancePackId".to_string(), "cp-1 *".to_string())];
        let p = prepare(
            SigningAlgorithm::Acs3HmacSha256,
            &cx(&url, &creds, HttpMethod::Get),
            &params,
        );
        assert_eq!(
            p.url.as_str(),
            "https://config.cn-shanghai.aliyuncs.com/?CompliancePackId=cp-1+%2A"
        );
        assert!(p.body.is_empty());
        let h: HashMap<_, _> = p.headers.iter().cloned().collect();
        assert_eq!(h["x-acs-action"], "GetCompliancePackReport");
        assert_eq!(h["x-acs-version"], "2020-09-07");
        assert_eq!(h["host"], "config.cn-shanghai.aliyuncs.com");
        assert!(!h.contains_key("content-type"));
        assert!(h["authorization"]
            .starts_with("ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=accept;host;"));
    }

    #[test]
    fn acs3_post_with_sts() {
        let url = resolve_endpoint(&SPEC, Some("cn-shanghai"), None).unwrap();
        let creds = Credentials::new("testid", "testsecret").with_security_token("tok");
        let params = vec![
            ("A".to_string(), "1".to_string()),
            ("B".to_string(), "x y".to_string()),
        ];
        let p = prepare(
            SigningAlgorithm::Acs3HmacSha256,
            &cx(&url, &creds, HttpMethod::Post),
            &params,
        );
        assert_eq!(p.url.as_str(), "https://config.cn-shanghai.aliyuncs.com/");
        assert_eq!(p.body, b"A=1&B=x+y");
        let h: HashMap<_, _> = p.headers.iter().cloned().collect();
        assert_eq!(h["content-type"], "application/x-www-form-urlencoded");
        assert_eq!(h["x-acs-security-token"], "tok");
        assert_eq!(h["x-acs-accesskey-id"], "testid");
        assert_eq!(
            h["x-acs-content-sha256"],
            crate::sign::hex_sha256(b"A=1&B=x+y")
        );
    }

    #[test]
    fn rpc_signature_in_query() {
        let url = resolve_endpoint(&SPEC, Some("cn-shanghai"), None).unwrap();
        let creds = Credentials::new("testid", "testsecret").with_security_token("tok");
        let params = vec![("CompliancePackId".to_string(), "cp".to_string())];
        let p = prepare(
            SigningAlgorithm::RpcHmacSha1,
            &cx(&url, &creds, HttpMethod::Post),
            &params,
        );
        assert!(p.url.as_str().contains("Action=GetCompliancePackReport"));
        assert!(p.url.as_str().contains("SecurityToken=tok"));
        assert!(p.url.as_str().contains("&Signature="));
        assert_eq!(p.body, b"CompliancePackId=cp");
    }

    #[test]
    fn decoding() {
        #[derive(Deserialize, Debug)]
        struct R {
            #[serde(rename = "RequestId")]
            _id: String,
        }
        crate::decode_with_serde!(R);
        let e = decode_answer::<R>(
            400,
            None,
            None,
            br#"{"RequestId":"R1","HostId":"h","Code":"InvalidParameter","Message":"bad","Recommend":"url"}"#,
        )
        .unwrap_err();
        match &e {
            Error::Service(s) => {
                assert_eq!(
                    (s.status, s.code.as_str(), s.message.as_str()),
                    (400, "InvalidParameter", "bad")
                );
                assert_eq!(s.host_id.as_deref(), Some("h"));
                assert_eq!(s.recommend.as_deref(), Some("url"));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(e.request_id(), Some("R1"));
        let e = decode_answer::<R>(
            502,
            Some("H1"),
            None,
            b"<html><body>Bad Gateway</body></html>",
        )
        .unwrap_err();
        assert!(matches!(&e, Error::Decode(d) if d.body_excerpt.contains("Bad Gateway")));
        assert_eq!((e.status(), e.request_id()), (Some(502), Some("H1")));
        let e = decode_answer::<R>(200, None, None, br#"{"RequestId":"R2","Data":{"#).unwrap_err();
        assert!(matches!(&e, Error::Decode(_)));
        assert_eq!(e.request_id(), Some("R2"));
        let e = decode_answer::<R>(404, None, None, b"").unwrap_err();
        assert!(matches!(&e, Error::Decode(d) if d.status == 404));
        assert!(decode_answer::<R>(200, None, None, br#"{"RequestId":"R3"}"#).is_ok());
        let long = vec![b'x'; 10_000];
        let e = decode_answer::<R>(500, None, None, &long).unwrap_err();
        assert!(
            matches!(&e, Error::Decode(d) if d.body_excerpt.chars().count() <= BODY_EXCERPT_CHARS + 1)
        );
    }
}
