//! The client: a façade over the call path ([`crate::call`]) with the settings of [`ClientBuilder`].
//!
//! The parts, each in its own module: the builder (`client/builder.rs`), endpoints (`endpoint.rs`), signing
//! a request (`request.rs`), the transport seam (`transport.rs`), reading an answer (`response.rs`), the
//! retry decision (`retry.rs`) and the hooks (`interceptor.rs`).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use tracing::Instrument as _;

use crate::call::{Call, Engine, Payload, Settings};
use crate::endpoint::{check_region, Endpoints};
use crate::transport::Limits;
use crate::{ApiStyle, Error, Operation, RetryConfig};

mod builder;
mod generic;

pub use builder::{CallOptions, ClientBuilder};
pub use generic::GenericRequest;

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
    endpoints: Endpoints,
    retry: RetryConfig,
    connect_timeout: Duration,
    read_timeout: Duration,
    attempt_timeout: Option<Duration>,
    deadline: Option<Duration>,
    max_body_bytes: u64,
    engine: Engine,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        f.debug_struct("Client")
            .field("region", &i.region)
            .field("endpoint", &i.endpoint)
            .field("credentials", &i.engine.credentials)
            .field("retry", &i.retry)
            .field("connect_timeout", &i.connect_timeout)
            .field("read_timeout", &i.read_timeout)
            .field("deadline", &i.deadline)
            .field("max_body_bytes", &i.max_body_bytes)
            .field("signing", &i.engine.signing)
            .field("transport", &i.engine.transport)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts building a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
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
    /// `Retry-After`) replaces the backoff when longer; when it is longer than `max_backoff` or than the time
    /// left before the deadline, the call ends with the service's error instead. An attempt that timed out is
    /// retried only within the budget described at [`ClientBuilder::deadline`].
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
        self.call_inner::<O>(request, &options, region, &span)
            .instrument(span.clone())
            .await
    }

    /// The bounds and retry policy of a call: its options, else the client's settings.
    fn settings(&self, options: &CallOptions) -> Settings {
        let inner = &*self.inner;
        let read_timeout = options.read_timeout.unwrap_or(inner.read_timeout);
        Settings {
            retry: options.retry.unwrap_or(inner.retry),
            limits: Limits {
                connect_timeout: options.connect_timeout.unwrap_or(inner.connect_timeout),
                read_timeout,
                max_body_bytes: inner.max_body_bytes,
            },
            attempt_timeout: inner.attempt_timeout.unwrap_or(read_timeout * 3),
            deadline: options.deadline.or(inner.deadline),
        }
    }

    async fn call_inner<O: Operation>(
        &self,
        request: O,
        options: &CallOptions,
        region: &str,
        span: &tracing::Span,
    ) -> Result<O::Response, Error> {
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
            fill_client_token(&mut params, name);
        }
        let url = self
            .inner
            .endpoints
            .url_for(O::SERVICE, region, options.endpoint.as_deref())?;
        let call = Call {
            product: O::SERVICE.product,
            version: O::SERVICE.version,
            action: O::ACTION,
            method: O::METHOD,
            payload: match &roa {
                Some(roa) => Payload::Roa(roa),
                None => Payload::Rpc(&params),
            },
            url: &url,
            repeatable: crate::operation::repeatable::<O>(),
        };
        self.inner
            .engine
            .run::<O::Response>(&call, &self.settings(options), span)
            .await
    }
}

/// Sets the `ClientToken` parameter to a fresh UUID when the request left it empty (parameters stay sorted).
fn fill_client_token(params: &mut Vec<(String, String)>, name: &str) {
    match params.iter_mut().find(|(k, _)| k == name) {
        Some((_, v)) if !v.is_empty() => {}
        Some((_, v)) => *v = uuid::Uuid::new_v4().to_string(),
        None => {
            params.push((name.to_string(), uuid::Uuid::new_v4().to_string()));
            params.sort_by(|a, b| a.0.cmp(&b.0));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Credentials;

    #[test]
    fn builder_needs_region_or_endpoint() {
        assert!(matches!(
            Client::builder()
                .credentials(Credentials::new("a", "b"))
                .environment(|_| None, None)
                .build(),
            Err(Error::Config(_))
        ));
        assert!(Client::builder()
            .region("cn-shanghai")
            .credentials(Credentials::new("a", "b"))
            .build()
            .is_ok());
    }

    #[test]
    fn an_empty_client_token_is_filled_and_a_given_one_kept() {
        let mut p = vec![("A".to_string(), "1".to_string())];
        fill_client_token(&mut p, "ClientToken");
        assert_eq!(p[1].0, "ClientToken");
        assert_eq!(p[1].1.len(), 36);
        let mut p = vec![("ClientToken".to_string(), "mine".to_string())];
        fill_client_token(&mut p, "ClientToken");
        assert_eq!(p[0].1, "mine");
    }
}
