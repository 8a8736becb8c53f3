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
//! - [`Client`] signs ([`sign`]), sends, retries ([`RetryConfig`]) and decodes; errors are one [`Error`] type.
//! - [`credentials`] holds the credential sources, [`DefaultCredentialsChain`] among them.
//! - [`params`] flattens requests into RPC parameters; [`de`] decodes responses by lenient rules (the
//!   [`de::Decode`] trait the generated response types implement).
//! - [`wait_until`] polls until a job is done; [`paginate_by_token`] and [`paginate_by_page_number`] stream
//!   pages.
//!
//! Every call runs in a `tracing` span `aliyun.call` with the fields `operation`, `product`, `region`,
//! `attempt`, `status`, `request_id` and `latency_ms`; nothing secret is ever logged.

#![deny(missing_docs)]

#[cfg(feature = "blocking")]
pub mod blocking;
mod client;
pub mod credentials;
pub mod de;
mod error;
mod error_body;
#[doc(hidden)]
pub mod examples;
mod operation;
pub mod paginate;
pub mod params;
mod retry;
mod roa;
pub mod sign;
mod wait;
#[doc(hidden)]
pub mod wire_enum;

pub use client::{
    CallOptions, Client, ClientBuilder, SigningAlgorithm, DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_MAX_BODY_BYTES, DEFAULT_READ_TIMEOUT,
};
pub use credentials::{Credentials, DefaultCredentialsChain, ProvideCredentials};
pub use error::{DecodeError, Error, ServiceError};
pub use operation::{
    is_valid_region, ApiStyle, EndpointRule, HttpMethod, Location, Operation, ServiceSpec,
};
pub use paginate::{
    paginate, paginate_by_page_number, paginate_by_token, Items, JobStatus, Pages, Paginated,
};
pub use retry::RetryConfig;
/// Re-exported so generated crates need no dependency of their own for `Map` and JSON-string fields.
pub use serde_json;
pub use wait::wait_until;

/// The README's examples compile: they are run as doctests of this crate (with the generated Config and Widget
/// Store crates as dev-dependencies), so the README cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
