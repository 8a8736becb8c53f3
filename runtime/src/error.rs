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
    /// Connecting, or waiting for the answer, took longer than allowed; also what a waiter returns when it gives
    /// up.
    #[error("timed out: {message}")]
    Timeout {
        /// What timed out.
        message: String,
    },
    /// The connection could not be made, or broke before an answer arrived.
    #[error("{message}")]
    Connect {
        /// What went wrong (the URL is left out).
        message: String,
    },
    /// An answer came but could not be understood: an HTML error page, a truncated or malformed body, a body that
    /// does not match the response type.
    #[error("{0}")]
    Decode(Box<DecodeError>),
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
            _ => None,
        }
    }

    /// The HTTP status, when an answer came.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Service(e) => Some(e.status),
            Error::Decode(e) => Some(e.status),
            _ => None,
        }
    }

    /// Whether the service asked to slow down: a code starting with `Throttling`, or HTTP 429.
    pub fn is_throttling(&self) -> bool {
        self.code().is_some_and(|c| c.starts_with("Throttling")) || self.status() == Some(429)
    }

    /// Whether the client retries this error (when retries are on): throttling, HTTP 5xx, connection errors and
    /// timeouts. Other 4xx answers, decoding failures of non-5xx answers, configuration and credential errors are
    /// final.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Timeout { .. } | Error::Connect { .. } => true,
            Error::Service(_) | Error::Decode(_) => {
                self.is_throttling() || self.status().is_some_and(|s| s >= 500)
            }
            Error::Config(_) | Error::Credentials(_) => false,
        }
    }
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
            message: "x".into()
        }
        .is_retryable());
        assert!(!Error::Config("x".into()).is_retryable());
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
