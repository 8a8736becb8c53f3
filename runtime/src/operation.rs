//! The contract between generated code and the runtime.

use serde::{de::DeserializeOwned, Serialize};

/// A service as its `specs/<service>/service.yaml` describes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServiceSpec {
    /// Product code, e.g. `Config`.
    pub product: &'static str,
    /// API version, e.g. `2020-09-07`.
    pub version: &'static str,
    pub style: ApiStyle,
    /// Endpoint pattern; `{region}` stands for the region id, e.g. `config.{region}.aliyuncs.com`.
    pub endpoint: &'static str,
}

impl ServiceSpec {
    /// The host name for a region, e.g. `config.cn-shanghai.aliyuncs.com`.
    pub fn host(&self, region: &str) -> String {
        self.endpoint.replace("{region}", region)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiStyle {
    Rpc,
    Roa,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpMethod {
    Get,
    Post,
}

impl HttpMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
        }
    }
}

/// Implemented by every generated request type.
///
/// The request serializes (serde) to a JSON object whose keys are wire names; the runtime flattens it into
/// parameters the RPC way: lists as `Name.1`, `Name.2`, objects inside lists as `Tag.1.Key`, `null` left out.
/// Fields the docs want as one JSON-text parameter are serialized by the generated code as a string already.
pub trait Operation: Serialize {
    /// What a successful call returns (the JSON body).
    type Response: DeserializeOwned;
    /// The service this operation belongs to.
    const SERVICE: &'static ServiceSpec;
    /// Action name, e.g. `GetAggregateCompliancePackReport`.
    const ACTION: &'static str;
    const METHOD: HttpMethod;
    /// Wire name of the idempotency parameter (`ClientToken`) when the operation takes one: the runtime fills it
    /// in when the caller left it empty and keeps the same value across retries of one call.
    const CLIENT_TOKEN: Option<&'static str>;
}
