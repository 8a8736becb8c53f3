//! One call, the way every call goes: sign, hand to the interceptors, send through the transport within the
//! attempt's bounds, decode, and decide ([`retry::decide`](crate::retry)) whether to try again.
//!
//! The [`Client`](crate::Client) and the credential sources that call STS share this path; it depends on no
//! part of the client.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::Url;
use tracing::Instrument as _;

use crate::credentials::{Credentials, ProvideCredentials};
use crate::interceptor::{Attempt, AttemptOutcome, Interceptor};
use crate::request::{prepare, timestamp_now, SignContext, SigningAlgorithm};
use crate::retry::{decide, Budget, Decision, Failure, RetryConfig};
use crate::roa::RoaRequest;
use crate::transport::{HttpRequest, Limits, Wire};
use crate::{Error, HttpMethod};

/// What a call sends, built once per call and signed anew on each attempt.
#[derive(Clone, Copy)]
pub(crate) enum Payload<'a> {
    /// RPC parameters, sorted.
    Rpc(&'a [(String, String)]),
    /// A ROA request: path, query, headers and body.
    Roa(&'a RoaRequest),
}

/// One call: what to send, and where.
pub(crate) struct Call<'a> {
    pub product: &'a str,
    pub version: &'a str,
    pub action: &'a str,
    pub method: HttpMethod,
    pub payload: Payload<'a>,
    pub url: &'a Url,
    /// Safe to repeat when it may have been executed (a `ClientToken`, or only reads).
    pub repeatable: bool,
}

/// The bounds and retry policy of a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Settings {
    pub retry: RetryConfig,
    pub limits: Limits,
    /// Time allowed for one attempt, the whole answer read included.
    pub attempt_timeout: Duration,
    /// Time allowed for the whole call.
    pub deadline: Option<Duration>,
}

/// A decoded answer, its status and its request id.
type Answered<T> = (T, u16, Option<String>);

/// Everything shared by the calls of one client (or one credential source): how to sign and send.
pub(crate) struct Engine {
    pub transport: Wire,
    /// `None`: calls are anonymous (STS `AssumeRoleWithOIDC`).
    pub credentials: Option<Arc<dyn ProvideCredentials>>,
    pub interceptors: Vec<Arc<dyn Interceptor>>,
    pub signing: SigningAlgorithm,
    pub user_agent: String,
    pub rng: Mutex<fastrand::Rng>,
}

/// The user agent of the runtime, with the user's suffix.
pub(crate) fn user_agent(suffix: Option<&str>) -> String {
    let mut ua = format!(
        "aliyun-rust-sdk/{} ({})",
        env!("CARGO_PKG_VERSION"),
        std::env::consts::OS
    );
    if let Some(s) = suffix {
        ua.push(' ');
        ua.push_str(s);
    }
    ua
}

impl Engine {
    /// Runs `call` attempt after attempt until it succeeds or the retry decision says stop.
    ///
    /// The attempt number, status, request id and latency are recorded on `span` (the caller's `aliyun.call`);
    /// each attempt also runs in its own `aliyun.attempt` span.
    pub(crate) async fn run<T: crate::de::Decode>(
        &self,
        call: &Call<'_>,
        settings: &Settings,
        span: &tracing::Span,
    ) -> Result<T, Error> {
        let started = tokio::time::Instant::now();
        let deadline_at = settings.deadline.map(|d| started + d);
        let budget = Budget {
            deadline: settings.deadline,
            timeouts: settings
                .deadline
                .unwrap_or(settings.limits.read_timeout + settings.retry.max_backoff),
            attempt_time: settings.limits.read_timeout,
        };
        let mut attempt = 1u32;
        loop {
            span.record("attempt", attempt);
            let result = self
                .attempt_within::<T>(call, settings, attempt, deadline_at)
                .await;
            span.record("latency_ms", started.elapsed().as_millis() as u64);
            let e = match result {
                Ok((r, status, request_id)) => {
                    record(span, Some(status), request_id.as_deref());
                    return Ok(r);
                }
                Err(e) => e,
            };
            record(span, e.status(), e.request_id());
            let failure = Failure {
                attempt,
                not_executed: e.certainly_not_executed(),
                retryable: e.is_retryable(),
                timed_out: matches!(
                    e,
                    Error::Timeout {
                        request_sent: true,
                        ..
                    }
                ),
                retry_after: e.retry_after(),
                repeatable: call.repeatable,
                elapsed: started.elapsed(),
            };
            let jitter = self.rng.lock().unwrap_or_else(|p| p.into_inner()).f64();
            match decide(&settings.retry, &failure, &budget, jitter) {
                Decision::Stop(why) => {
                    tracing::debug!(error = %e, attempt, why, "call failed");
                    return Err(e);
                }
                Decision::Retry(delay) => {
                    tracing::debug!(error = %e, attempt, delay_ms = delay.as_millis() as u64, "retrying");
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
            }
        }
    }

    /// One attempt, ended when its own time or the call's deadline runs out.
    async fn attempt_within<T: crate::de::Decode>(
        &self,
        call: &Call<'_>,
        settings: &Settings,
        attempt: u32,
        deadline_at: Option<tokio::time::Instant>,
    ) -> Result<Answered<T>, Error> {
        let own_end = tokio::time::Instant::now() + settings.attempt_timeout;
        let (end, by_deadline) = match deadline_at {
            Some(d) if d <= own_end => (d, true),
            _ => (own_end, false),
        };
        let span = tracing::debug_span!(
            "aliyun.attempt",
            operation = call.action,
            attempt,
            status = tracing::field::Empty,
            request_id = tracing::field::Empty,
        );
        let sending = self.attempt::<T>(call, settings, attempt, &span);
        match tokio::time::timeout_at(end, sending.instrument(span.clone())).await {
            Ok(r) => r,
            Err(_) if by_deadline => Err(Error::Timeout {
                message: format!(
                    "the call's deadline of {:?} passed during attempt {attempt}",
                    settings.deadline.unwrap_or_default()
                ),
                request_sent: true,
            }),
            Err(_) => Err(Error::Timeout {
                message: format!(
                    "attempt {attempt} took longer than its limit of {:?} (the answer came too slowly)",
                    settings.attempt_timeout
                ),
                request_sent: true,
            }),
        }
    }

    async fn credentials(&self) -> Result<Option<Credentials>, Error> {
        match &self.credentials {
            Some(p) => p.provide_credentials().await.map(Some),
            None => Ok(None),
        }
    }

    /// Signs, sends and decodes one attempt, calling the interceptors around it.
    async fn attempt<T: crate::de::Decode>(
        &self,
        call: &Call<'_>,
        settings: &Settings,
        attempt: u32,
        span: &tracing::Span,
    ) -> Result<Answered<T>, Error> {
        let at = Attempt {
            product: call.product,
            version: call.version,
            action: call.action,
            attempt,
        };
        let started = std::time::Instant::now();
        let result = self.exchange::<T>(call, settings, &at, span).await;
        if !self.interceptors.is_empty() {
            let outcome = AttemptOutcome {
                status: match &result {
                    Ok((_, status, _)) => Some(*status),
                    Err(e) => e.status(),
                },
                request_id: match &result {
                    Ok((_, _, id)) => id.as_deref(),
                    Err(e) => e.request_id(),
                },
                error: result.as_ref().err(),
                elapsed: started.elapsed(),
            };
            for i in &self.interceptors {
                i.after_attempt(&at, &outcome);
            }
        }
        result
    }

    async fn exchange<T: crate::de::Decode>(
        &self,
        call: &Call<'_>,
        settings: &Settings,
        at: &Attempt<'_>,
        span: &tracing::Span,
    ) -> Result<Answered<T>, Error> {
        let request = self.signed(call, at).await?;
        let answer = self.transport.send(request, &settings.limits).await;
        let answer = answer.inspect_err(|e| record(span, e.status(), e.request_id()))?;
        let result = crate::response::decode::<T>(&answer);
        // A success's request id is looked for only when someone will see it.
        let wanted = !span.is_disabled()
            || !tracing::Span::current().is_disabled()
            || !self.interceptors.is_empty()
            || tracing::enabled!(tracing::Level::DEBUG);
        let request_id = match &result {
            Err(e) => e.request_id().map(str::to_string),
            Ok(_) if !wanted => None,
            Ok(_) => crate::response::request_id_header(&answer.headers)
                .or_else(|| crate::response::scan_request_id(&answer.body)),
        };
        record(span, Some(answer.status), request_id.as_deref());
        tracing::debug!(
            status = answer.status,
            request_id = request_id.as_deref().unwrap_or(""),
            "answer received"
        );
        result.map(|r| (r, answer.status, request_id))
    }

    /// The signed request of one attempt, through the interceptors' hooks.
    async fn signed(&self, call: &Call<'_>, at: &Attempt<'_>) -> Result<HttpRequest, Error> {
        let credentials = self.credentials().await?;
        let timestamp = timestamp_now()?;
        let nonce = uuid::Uuid::new_v4().simple().to_string();
        let mut extra_headers = Vec::new();
        for i in &self.interceptors {
            i.before_signing(at, &mut extra_headers);
        }
        let cx = SignContext {
            version: call.version,
            action: call.action,
            method: call.method,
            url: call.url,
            credentials: credentials.as_ref(),
            nonce: &nonce,
            timestamp: &timestamp,
            user_agent: &self.user_agent,
            extra_headers: &extra_headers,
        };
        let mut request = match call.payload {
            Payload::Roa(roa) => roa.prepare(&cx),
            Payload::Rpc(params) => prepare(self.signing, &cx, params),
        };
        for i in &self.interceptors {
            i.before_sending(at, &mut request);
        }
        Ok(request)
    }
}

fn record(span: &tracing::Span, status: Option<u16>, request_id: Option<&str>) {
    if let Some(s) = status {
        span.record("status", s);
    }
    if let Some(id) = request_id {
        span.record("request_id", id);
    }
}
