//! Hooks around each attempt of a call: add headers, observe requests and answers (metrics, logs, tests).
//!
//! ```
//! use aliyun_runtime::interceptor::{Attempt, AttemptOutcome, Interceptor};
//!
//! /// Tags every request and counts the answers by status.
//! #[derive(Debug, Default)]
//! struct Tagger {
//!     answers: std::sync::atomic::AtomicU64,
//! }
//!
//! impl Interceptor for Tagger {
//!     fn before_signing(&self, _attempt: &Attempt<'_>, headers: &mut Vec<(String, String)>) {
//!         headers.push(("x-acs-caller".into(), "nightly-report".into()));
//!     }
//!     fn after_attempt(&self, _attempt: &Attempt<'_>, outcome: &AttemptOutcome<'_>) {
//!         if outcome.status.is_some() {
//!             self.answers.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
//!         }
//!     }
//! }
//!
//! let client = aliyun_runtime::Client::builder()
//!     .region("cn-shanghai")
//!     .interceptor(Tagger::default())
//!     .build();
//! ```

use std::fmt;
use std::time::Duration;

use crate::transport::HttpRequest;
use crate::Error;

/// Which attempt of which call a hook is called for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Attempt<'a> {
    /// Product code, e.g. `Config`.
    pub product: &'a str,
    /// API version, e.g. `2020-09-07`.
    pub version: &'a str,
    /// Action, e.g. `ListAggregators`.
    pub action: &'a str,
    /// 1 for the first attempt of a call, 2 for the first retry, …
    pub attempt: u32,
}

/// How an attempt ended.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct AttemptOutcome<'a> {
    /// HTTP status, when an answer came.
    pub status: Option<u16>,
    /// The request id, when the answer carried one.
    pub request_id: Option<&'a str>,
    /// The error the attempt ended with (an error answer included), `None` on success.
    pub error: Option<&'a Error>,
    /// Time from signing to the end of the attempt.
    pub elapsed: Duration,
}

/// Hooks called on every attempt of every call of a client, in the order the interceptors were added.
///
/// Hooks are synchronous and should be quick: they run on the call's task. Every method has an empty default.
pub trait Interceptor: Send + Sync + fmt::Debug {
    /// Before the request is signed: headers pushed here are sent, and signed by `ACS3-HMAC-SHA256` (which
    /// signs every header). Use `x-acs-` names for headers the service should see signed.
    fn before_signing(&self, attempt: &Attempt<'_>, headers: &mut Vec<(String, String)>) {
        let _ = (attempt, headers);
    }

    /// After signing, before the request goes to the transport: the request may be read, and headers that
    /// need no signature added (a change to a signed part makes the signature fail).
    fn before_sending(&self, attempt: &Attempt<'_>, request: &mut HttpRequest) {
        let _ = (attempt, request);
    }

    /// After the attempt, whatever its outcome (a retry may follow).
    fn after_attempt(&self, attempt: &Attempt<'_>, outcome: &AttemptOutcome<'_>) {
        let _ = (attempt, outcome);
    }
}

/// A shared interceptor is an interceptor (keep an `Arc` to read what it saw).
impl<T: Interceptor + ?Sized> Interceptor for std::sync::Arc<T> {
    fn before_signing(&self, attempt: &Attempt<'_>, headers: &mut Vec<(String, String)>) {
        (**self).before_signing(attempt, headers)
    }

    fn before_sending(&self, attempt: &Attempt<'_>, request: &mut HttpRequest) {
        (**self).before_sending(attempt, request)
    }

    fn after_attempt(&self, attempt: &Attempt<'_>, outcome: &AttemptOutcome<'_>) {
        (**self).after_attempt(attempt, outcome)
    }
}
