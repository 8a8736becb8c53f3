//! The one error type of the runtime.

use std::fmt;

/// Everything a call can fail with.
///
/// Match on the variant for the kind of failure, or use the accessors: [`code`](Error::code),
/// [`request_id`](Error::request_id), [`status`](Error::status). No variant ever holds a secret (access key
/// secret, security token, signature).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The service answered with an error body (`{"Code": …, "Message": …, "RequestId": …}`).
    #[error("{0}")]
    Service(Box<ServiceError>),
    /// Connecting, or waiting for the answer, took longer than allowed, or the call's deadline passed; also what
    /// a waiter returns when it gives up.
    #[error("timed out: {message}")]
    Timeout {
        /// What timed out.
        message: String,
        /// Whether the request had gone out, so the service may have executed it (a read timeout, a deadline
        /// passed while waiting for the answer); `false` for a connect timeout.
        request_sent: bool,
    },
    /// The connection could not be made, or broke before a whole answer arrived.
    #[error("{message}")]
    Connect {
        /// What went wrong (the URL is left out).
        message: String,
        /// Whether the request had gone out, so the service may have executed it; `false` when no connection
        /// was made.
        request_sent: bool,
    },
    /// The answer is larger than the client accepts ([`ClientBuilder::max_body_bytes`](crate::ClientBuilder::max_body_bytes));
    /// it was not read further.
    #[error("the answer (HTTP {status}) is larger than the limit of {limit} bytes{}", request_id.as_deref().map(|id| format!(" (RequestId: {id})")).unwrap_or_default())]
    TooLarge {
        /// HTTP status of the answer.
        status: u16,
        /// The limit in bytes.
        limit: u64,
        /// Request id, from the `x-acs-request-id` header.
        request_id: Option<String>,
    },
    /// The service answered with a redirect (HTTP 3xx). Redirects are never followed: the request carries the
    /// access key id, a signature or security token, and maybe a body with a `ClientToken`, none of which may
    /// go to another host; and a redirect loop would otherwise look like a broken connection. Never retried.
    #[error("the service answered HTTP {status}, a redirect to {}; redirects are not followed, as the request carries credentials{}", location.as_deref().unwrap_or("nowhere (no Location header)"), request_id.as_deref().map(|id| format!(" (RequestId: {id})")).unwrap_or_default())]
    Redirect {
        /// HTTP status of the answer.
        status: u16,
        /// Where the answer pointed (its `Location` header, capped and with control characters escaped).
        location: Option<String>,
        /// Request id, from the `x-acs-request-id` header.
        request_id: Option<String>,
    },
    /// The answer broke HTTP itself (a head that cannot be read, too many headers): the service may have
    /// executed the request, and asking again would most likely get the same answer, so it is never retried.
    #[error("{message}")]
    Protocol {
        /// What was wrong (the URL is left out).
        message: String,
    },
    /// An answer came but could not be understood: an HTML error page, a truncated or malformed body, a body that
    /// does not match the response type.
    #[error("{0}")]
    Decode(Box<DecodeError>),
    /// A waited-for job ended without success ([`Client::wait_for`](crate::Client::wait_for)).
    #[error("{operation} reports the job as {status}")]
    JobFailed {
        /// The operation that reported it.
        operation: &'static str,
        /// The status it reported, as on the wire.
        status: String,
    },
    /// The client or the request is misconfigured (bad endpoint, no region, unserializable request, …).
    #[error("configuration error: {0}")]
    Config(String),
    /// No credentials could be found or fetched.
    #[error("credentials error: {0}")]
    Credentials(String),
}

/// An error answer of the service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceError {
    /// HTTP status of the answer.
    pub status: u16,
    /// Error code, e.g. `InvalidParameter`, `Throttling.User`.
    pub code: String,
    /// Human-readable message.
    pub message: String,
    /// Request id, from the body or the `x-acs-request-id` header.
    pub request_id: Option<String>,
    /// Host id, when the service gives it.
    pub host_id: Option<String>,
    /// Link to the diagnosis page, when the service gives it.
    pub recommend: Option<String>,
    /// How long the service asked to wait before trying again (`x-acs-retry-after` in milliseconds, or
    /// `Retry-After` in seconds or as an HTTP date).
    pub retry_after: Option<std::time::Duration>,
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "service error (HTTP {}) {}: {}",
            self.status, self.code, self.message
        )?;
        if let Some(id) = &self.request_id {
            write!(f, " (RequestId: {id})")?;
        }
        Ok(())
    }
}

/// An answer that could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// HTTP status of the answer.
    pub status: u16,
    /// Why decoding failed.
    pub message: String,
    /// The first few hundred characters of the body (what was received of it).
    pub body_excerpt: String,
    /// Request id, when the header or the body had one.
    pub request_id: Option<String>,
    /// Whether the answer was incomplete (the body was cut short): the service may have executed the request,
    /// and trying again may give a whole answer. `false` when a whole answer did not decode.
    pub incomplete: bool,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "could not decode the answer (HTTP {}): {}",
            self.status, self.message
        )?;
        if let Some(id) = &self.request_id {
            write!(f, " (RequestId: {id})")?;
        }
        if !self.body_excerpt.is_empty() {
            write!(f, "; body starts with {:?}", self.body_excerpt)?;
        }
        Ok(())
    }
}

impl Error {
    /// The service's error code (`Service` errors only).
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::Service(e) => Some(&e.code),
            _ => None,
        }
    }

    /// The service's message (`Service` errors only).
    pub fn message(&self) -> Option<&str> {
        match self {
            Error::Service(e) => Some(&e.message),
            _ => None,
        }
    }

    /// The request id, when an answer carried one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Service(e) => e.request_id.as_deref(),
            Error::Decode(e) => e.request_id.as_deref(),
            Error::TooLarge { request_id, .. } | Error::Redirect { request_id, .. } => {
                request_id.as_deref()
            }
            _ => None,
        }
    }

    /// The HTTP status, when an answer came.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Service(e) => Some(e.status),
            Error::Decode(e) => Some(e.status),
            Error::TooLarge { status, .. } | Error::Redirect { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Whether the service asked to slow down: a code starting with `Throttling`, or HTTP 429.
    pub fn is_throttling(&self) -> bool {
        self.code().is_some_and(|c| c.starts_with("Throttling")) || self.status() == Some(429)
    }

    /// Whether the request certainly was not executed, so trying again can never do anything twice: no
    /// connection could be made, or the service refused it as throttling.
    pub fn certainly_not_executed(&self) -> bool {
        match self {
            Error::Timeout { request_sent, .. } | Error::Connect { request_sent, .. } => {
                !request_sent
            }
            Error::Service(_) => self.is_throttling(),
            _ => false,
        }
    }

    /// Whether trying again may succeed: what [`certainly_not_executed`](Error::certainly_not_executed), plus
    /// what may have been executed but may go through next time (HTTP 5xx, a read timeout, a connection that
    /// broke after the request went out, an answer cut short).
    ///
    /// The client retries the first kind for every operation and the second only for operations that are safe
    /// to repeat (they take a `ClientToken`, or only read: [`Operation::IDEMPOTENT`](crate::Operation::IDEMPOTENT)).
    /// Other 4xx answers, whole answers that do not decode, configuration and credential errors are final.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Timeout { .. } | Error::Connect { .. } => true,
            Error::Service(_) => self.is_throttling() || self.status().is_some_and(|s| s >= 500),
            Error::Decode(d) => d.incomplete || d.status >= 500,
            Error::TooLarge { .. }
            | Error::Redirect { .. }
            | Error::Protocol { .. }
            | Error::JobFailed { .. }
            | Error::Config(_)
            | Error::Credentials(_) => false,
        }
    }

    /// How long the service asked to wait before trying again, when it said.
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        match self {
            Error::Service(e) => e.retry_after,
            _ => None,
        }
    }
}

/// Longest error code, request id or host id kept from an answer, in characters.
pub(crate) const MAX_ID_CHARS: usize = 128;
/// Longest message (or redirect target) kept from an answer, in characters.
pub(crate) const MAX_TEXT_CHARS: usize = 1024;

/// Text from an answer made safe for errors and logs: at most `max` characters (then `…`), control characters
/// escaped (`\n`, `\u{1b}`), so a hostile answer can neither flood a log nor forge its lines.
pub(crate) fn sanitized(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max.saturating_add(8)));
    for (n, c) in text.chars().enumerate() {
        if n == max {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(status: u16, code: &str) -> Error {
        Error::Service(Box::new(ServiceError {
            status,
            code: code.into(),
            message: "m".into(),
            request_id: Some("R".into()),
            host_id: None,
            recommend: None,
            retry_after: None,
        }))
    }

    #[test]
    fn retry_classes() {
        assert!(service(400, "Throttling.User").is_retryable());
        assert!(service(503, "ServiceUnavailable").is_retryable());
        assert!(service(429, "TooMany").is_retryable());
        assert!(!service(400, "InvalidParameter").is_retryable());
        assert!(!service(404, "NotFound").is_retryable());
        assert!(Error::Timeout {
            message: "x".into(),
            request_sent: true,
        }
        .is_retryable());
        assert!(!Error::Config("x".into()).is_retryable());
    }

    #[test]
    fn only_refusals_are_certainly_not_executed() {
        assert!(service(400, "Throttling.User").certainly_not_executed());
        assert!(service(429, "TooMany").certainly_not_executed());
        assert!(!service(503, "ServiceUnavailable").certainly_not_executed());
        let connect = |request_sent| Error::Connect {
            message: "x".into(),
            request_sent,
        };
        assert!(connect(false).certainly_not_executed());
        assert!(!connect(true).certainly_not_executed());
        assert!(connect(true).is_retryable());
        let read_timeout = Error::Timeout {
            message: "x".into(),
            request_sent: true,
        };
        assert!(!read_timeout.certainly_not_executed());
    }

    #[test]
    fn answer_text_is_capped_and_control_characters_escaped() {
        assert_eq!(
            sanitized("Throttling.User", MAX_ID_CHARS),
            "Throttling.User"
        );
        assert_eq!(sanitized("a\nb\u{1b}[31m\r", 100), "a\\nb\\u{1b}[31m\\r");
        assert_eq!(sanitized(&"x".repeat(5 << 20), 4), "xxxx…");
        assert_eq!(sanitized("编码错误", 2), "编码…");
    }

    #[test]
    fn a_redirect_names_its_target_and_is_never_retried() {
        let e = Error::Redirect {
            status: 302,
            location: Some("https://elsewhere.example/".into()),
            request_id: None,
        };
        assert!(e.to_string().contains("https://elsewhere.example/"), "{e}");
        assert!(!e.is_retryable() && !e.certainly_not_executed());
    }

    #[test]
    fn accessors_and_display() {
        let e = service(400, "InvalidParameter");
        assert_eq!(e.code(), Some("InvalidParameter"));
        assert_eq!(e.request_id(), Some("R"));
        assert_eq!(e.status(), Some(400));
        assert_eq!(
            e.to_string(),
            "service error (HTTP 400) InvalidParameter: m (RequestId: R)"
        );
    }
}
