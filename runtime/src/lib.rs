//! The hand-written half of the SDK: generated crates hold types and metadata, this crate holds behaviour.
//!
//! A call in full:
//!
//! ```no_run
//! # async fn demo<Req: aliyun_runtime::Operation>(request: Req) -> Result<(), aliyun_runtime::Error> {
//! use aliyun_runtime::{Client, DefaultCredentialsChain};
//!
//! let client = Client::builder()
//!     .region("cn-shanghai")
//!     .credentials(DefaultCredentialsChain::new()) // also the default
//!     // .endpoint("http://127.0.0.1:8080")        // optional override
//!     .build()?;
//! match client.call(request).await {
//!     Ok(response) => { /* … */ }
//!     Err(e) => eprintln!("{e}: code {:?}, RequestId {:?}", e.code(), e.request_id()),
//! }
//! # Ok(()) }
//! ```
//!
//! - [`Client`] signs ([`sign`]), sends through a [`Transport`] ([`transport`]), retries ([`RetryConfig`]) and
//!   decodes; errors are one [`Error`] type. [`interceptor`]s see every attempt.
//! - [`credentials`] holds the credential sources, [`DefaultCredentialsChain`] among them.
//! - [`params`] flattens requests into RPC parameters; [`de`] decodes responses by lenient rules (the
//!   [`de::Decode`] trait the generated response types implement).
//! - [`wait_until`] polls until a job is done; [`Client::pages`] and [`Client::items`] stream the pages and
//!   items of generated listings ([`Paginated`]), [`paginate_by_token`] and [`paginate_by_page_number`] those
//!   of anything else.
//! - `test_util` (cargo feature `test-util`): a stub service answering typed responses per operation and
//!   recording requests, and a record/replay transport, for testing code that calls the SDK.
//!
//! Every call runs in a `tracing` span `aliyun.call` with the fields `operation`, `product`, `region`,
//! `attempt`, `status`, `request_id` and `latency_ms`, and each of its attempts in a span `aliyun.attempt` with
//! `operation`, `attempt`, `status` and `request_id`; nothing secret (nor the query string) is ever logged.

#![deny(missing_docs)]

#[cfg(feature = "blocking")]
pub mod blocking;
mod call;
mod client;
pub mod credentials;
pub mod de;
mod endpoint;
mod error;
mod error_body;
#[doc(hidden)]
pub mod examples;
pub mod interceptor;
mod operation;
pub mod paginate;
pub mod params;
mod request;
mod response;
mod retry;
mod roa;
pub mod sign;
#[cfg(feature = "test-util")]
pub mod test_util;
pub mod transport;
mod wait;
#[doc(hidden)]
pub mod wire_enum;

pub use client::{CallOptions, Client, ClientBuilder, GenericRequest};
pub use credentials::{Credentials, DefaultCredentialsChain, ProvideCredentials};
pub use endpoint::Network;
pub use error::{DecodeError, Error, ServiceError};
pub use interceptor::Interceptor;
pub use operation::{
    is_valid_region, ApiStyle, EndpointRule, HttpMethod, Location, Operation, ServiceSpec,
};
pub use paginate::{
    paginate, paginate_by_page_number, paginate_by_token, Items, JobStatus, Pages, Paginated,
};
pub use request::SigningAlgorithm;
pub use retry::RetryConfig;
/// Re-exported so generated crates need no dependency of their own for `Map` and JSON-string fields.
pub use serde_json;
pub use transport::{
    HttpRequest, HttpResponse, Transport, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_BODY_BYTES,
    DEFAULT_READ_TIMEOUT,
};
pub use wait::wait_until;

/// The README's examples compile: they are run as doctests of this crate (with the generated Config and Widget
/// Store crates as dev-dependencies), so the README cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
