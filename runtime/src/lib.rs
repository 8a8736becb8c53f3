//! The hand-written half of the SDK: generated crates hold types and metadata, this crate holds behaviour.

pub mod de;
mod operation;

pub use operation::{ApiStyle, HttpMethod, Operation, ServiceSpec};
/// Re-exported so generated crates need no dependency of their own for `Map` and JSON-string fields.
pub use serde_json;
