//! Credentials of an assumed RAM role: STS `AssumeRole` (signed with source credentials) and
//! `AssumeRoleWithOIDC` (anonymous, with an OIDC token: RRSA in pods).

use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Deserialize;
use time::OffsetDateTime;

use super::{
    is_true, non_empty, parse_expiration, CachedCredentials, Credentials, CredentialsFuture,
    ProvideCredentials, RoleSettings, ENV_STS_ENDPOINT, ENV_STS_REGION, ENV_VPC_ENDPOINT_ENABLED,
};
use crate::call::{Call, Engine, Payload, Settings};
use crate::endpoint::parse_endpoint;
use crate::transport::{HttpTransport, Limits, Wire, DEFAULT_READ_TIMEOUT};
use crate::{Error, HttpMethod, RetryConfig, SigningAlgorithm};

/// The central STS endpoint.
pub const DEFAULT_STS_ENDPOINT: &str = "sts.aliyuncs.com";

/// Validity asked of STS by default, as the official SDKs ask.
const DEFAULT_DURATION_SECONDS: u64 = 3600;

/// Refreshed this long before expiry.
const REFRESH_BEFORE: Duration = Duration::from_secs(180);

const STS_VERSION: &str = "2015-04-01";

/// Largest STS answer read: credentials are a few kilobytes.
const MAX_STS_BODY_BYTES: u64 = 1 << 20;

#[derive(Deserialize)]
struct StsAnswer {
    #[serde(rename = "Credentials")]
    credentials: Option<StsCredentials>,
}
crate::decode_with_serde!(StsAnswer);

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct StsCredentials {
    access_key_id: String,
    access_key_secret: String,
    security_token: String,
    expiration: String,
}

impl StsAnswer {
    fn into_credentials(
        self,
        role_arn: &str,
    ) -> Result<(Credentials, Option<OffsetDateTime>), Error> {
        let source = format!("STS for role {role_arn:?}");
        let c = self
            .credentials
            .ok_or_else(|| Error::Credentials(format!("{source} answered without Credentials")))?;
        let expiration = parse_expiration(&c.expiration, &source)?;
        Ok((
            Credentials::new(c.access_key_id, c.access_key_secret)
                .with_security_token(c.security_token),
            Some(expiration),
        ))
    }
}

/// The call path STS calls go through: the client's own ([`crate::call`]), signed with `credentials` (`None`:
/// anonymous, for `AssumeRoleWithOIDC`).
fn sts_engine(credentials: Option<Arc<dyn ProvideCredentials>>) -> Engine {
    Engine {
        transport: Wire::Http(HttpTransport::new()),
        credentials,
        interceptors: Vec::new(),
        signing: SigningAlgorithm::RpcHmacSha1,
        user_agent: crate::call::user_agent(None),
        rng: Mutex::new(fastrand::Rng::new()),
    }
}

/// Calls STS `action` at `endpoint` with `params`: retried, bounded and decoded as every call of a client.
async fn call_sts(
    engine: &Engine,
    endpoint: &str,
    action: &str,
    mut params: Vec<(String, String)>,
) -> Result<StsAnswer, Error> {
    let url = parse_endpoint(endpoint)?;
    params.sort();
    let call = Call {
        product: "Sts",
        version: STS_VERSION,
        action,
        method: HttpMethod::Post,
        payload: Payload::Rpc(&params),
        url: &url,
        // Assuming a role again only gives other temporary credentials.
        repeatable: true,
    };
    let settings = Settings {
        retry: RetryConfig::STANDARD,
        limits: Limits {
            max_body_bytes: MAX_STS_BODY_BYTES,
            ..Limits::default()
        },
        attempt_timeout: DEFAULT_READ_TIMEOUT,
        deadline: None,
    };
    let span = tracing::debug_span!(
        "aliyun.sts",
        operation = action,
        attempt = tracing::field::Empty,
        status = tracing::field::Empty,
        request_id = tracing::field::Empty,
        latency_ms = tracing::field::Empty,
    );
    engine.run(&call, &settings, &span).await
}

/// The parameters of an assumed role common to `AssumeRole` and `AssumeRoleWithOIDC`.
fn role_params(role: &RoleSettings) -> Vec<(String, String)> {
    let mut params = vec![
        ("RoleArn".to_string(), role.role_arn.clone()),
        (
            "RoleSessionName".to_string(),
            role.session_name
                .clone()
                .unwrap_or_else(default_session_name),
        ),
        (
            "DurationSeconds".to_string(),
            role.duration_seconds
                .unwrap_or(DEFAULT_DURATION_SECONDS)
                .to_string(),
        ),
    ];
    if let Some(policy) = &role.policy {
        params.push(("Policy".into(), policy.clone()));
    }
    params
}

/// The STS endpoint the environment asks for: `ALIBABA_CLOUD_STS_ENDPOINT` (a host, as the pod-identity
/// webhook sets it), else `ALIBABA_CLOUD_STS_REGION` (and `ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED`), else the central
/// one. A region that is not a region id is ignored, as it could change the host.
pub(super) fn sts_endpoint_from(env: &(dyn Fn(&str) -> Option<String> + Send + Sync)) -> String {
    if let Some(endpoint) = non_empty(env(ENV_STS_ENDPOINT)) {
        return endpoint.trim().to_string();
    }
    match non_empty(env(ENV_STS_REGION)).filter(|r| crate::is_valid_region(r)) {
        Some(region) if is_true(env(ENV_VPC_ENDPOINT_ENABLED)) => {
            format!("sts-vpc.{region}.aliyuncs.com")
        }
        Some(region) => format!("sts.{region}.aliyuncs.com"),
        None => DEFAULT_STS_ENDPOINT.to_string(),
    }
}

/// The settings both role providers take, written once.
macro_rules! role_setters {
    () => {
        pub(super) fn settings(mut self, role: RoleSettings) -> Self {
            self.role = role;
            self
        }

        /// `RoleSessionName` (default `aliyun-rust-sdk-<unix time>`).
        pub fn session_name(mut self, name: impl Into<String>) -> Self {
            self.role.session_name = Some(name.into());
            self
        }

        /// `DurationSeconds`: how long the credentials are valid (default 3600).
        pub fn duration_seconds(mut self, seconds: u64) -> Self {
            self.role.duration_seconds = Some(seconds);
            self
        }

        /// `Policy`: a policy that narrows what the assumed role may do.
        pub fn policy(mut self, policy: impl Into<String>) -> Self {
            self.role.policy = Some(policy.into());
            self
        }

        /// STS endpoint: a host (default [`DEFAULT_STS_ENDPOINT`]) or a URL such as `http://127.0.0.1:8080`.
        pub fn sts_endpoint(mut self, endpoint: impl Into<String>) -> Self {
            self.sts_endpoint = endpoint.into();
            self
        }
    };
}

fn default_session_name() -> String {
    format!(
        "aliyun-rust-sdk-{}",
        OffsetDateTime::now_utc().unix_timestamp()
    )
}

/// An STS failure as a credentials error that keeps the service's code and request id in its text.
fn sts_failure(role_arn: &str, e: Error) -> Error {
    match e {
        Error::Credentials(_) => e,
        other => Error::Credentials(format!("assuming role {role_arn:?} failed: {other}")),
    }
}

/// Credentials of a RAM role assumed with STS `AssumeRole`, signed with the source credentials (a key pair,
/// or another provider: a role assumed with an assumed role's credentials chains). Cached and assumed again
/// three minutes before expiry.
///
/// ```no_run
/// use aliyun_runtime::credentials::RamRoleArnProvider;
/// use aliyun_runtime::Credentials;
///
/// let provider = RamRoleArnProvider::new(
///     Credentials::new("LTAI…", "…"),
///     "acs:ram::123456789012****:role/config-reader",
/// )
/// .session_name("nightly-report");
/// let client = aliyun_runtime::Client::builder().region("cn-shanghai").credentials(provider).build();
/// ```
pub struct RamRoleArnProvider {
    source: Arc<dyn ProvideCredentials>,
    role: RoleSettings,
    sts_endpoint: String,
    engine: Engine,
    cache: CachedCredentials,
}

impl fmt::Debug for RamRoleArnProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RamRoleArnProvider")
            .field("source", &self.source)
            .field("role_arn", &self.role.role_arn)
            .field("session_name", &self.role.session_name)
            .field("sts_endpoint", &self.sts_endpoint)
            .finish_non_exhaustive()
    }
}

impl RamRoleArnProvider {
    /// Assumes `role_arn` with the credentials `source` gives.
    pub fn new(source: impl ProvideCredentials + 'static, role_arn: impl Into<String>) -> Self {
        let source: Arc<dyn ProvideCredentials> = Arc::new(source);
        RamRoleArnProvider {
            engine: sts_engine(Some(source.clone())),
            source,
            role: RoleSettings {
                role_arn: role_arn.into(),
                ..RoleSettings::default()
            },
            sts_endpoint: DEFAULT_STS_ENDPOINT.to_string(),
            cache: CachedCredentials::new(REFRESH_BEFORE),
        }
    }

    role_setters!();

    /// `ExternalId`, when the role's trust policy asks for one.
    pub fn external_id(mut self, id: impl Into<String>) -> Self {
        self.role.external_id = Some(id.into());
        self
    }

    async fn assume(&self) -> Result<(Credentials, Option<OffsetDateTime>), Error> {
        let role = &self.role;
        let mut params = role_params(role);
        if let Some(id) = &role.external_id {
            params.push(("ExternalId".into(), id.clone()));
        }
        let answer = call_sts(&self.engine, &self.sts_endpoint, "AssumeRole", params)
            .await
            .map_err(|e| sts_failure(&role.role_arn, e))?;
        answer.into_credentials(&role.role_arn)
    }
}

impl ProvideCredentials for RamRoleArnProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(self.cache.get("RAM role ARN", self.assume()))
    }
}

/// Credentials of a RAM role assumed with STS `AssumeRoleWithOIDC`: the OIDC token (read from its file at every
/// refresh, since it rotates) stands in for a signature. What ACK pods get through RRSA, and what the default
/// chain builds from `ALIBABA_CLOUD_ROLE_ARN`, `ALIBABA_CLOUD_OIDC_PROVIDER_ARN` and
/// `ALIBABA_CLOUD_OIDC_TOKEN_FILE`.
pub struct OidcRoleArnProvider {
    role: RoleSettings,
    provider_arn: String,
    token_file: PathBuf,
    sts_endpoint: String,
    engine: Engine,
    cache: CachedCredentials,
}

impl fmt::Debug for OidcRoleArnProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OidcRoleArnProvider")
            .field("role_arn", &self.role.role_arn)
            .field("provider_arn", &self.provider_arn)
            .field("token_file", &self.token_file)
            .field("sts_endpoint", &self.sts_endpoint)
            .finish_non_exhaustive()
    }
}

impl OidcRoleArnProvider {
    /// Assumes `role_arn` through the OIDC provider `provider_arn` with the token in `token_file`.
    pub fn new(
        role_arn: impl Into<String>,
        provider_arn: impl Into<String>,
        token_file: impl Into<PathBuf>,
    ) -> Self {
        OidcRoleArnProvider {
            role: RoleSettings {
                role_arn: role_arn.into(),
                ..RoleSettings::default()
            },
            provider_arn: provider_arn.into(),
            token_file: token_file.into(),
            sts_endpoint: DEFAULT_STS_ENDPOINT.to_string(),
            engine: sts_engine(None),
            cache: CachedCredentials::new(REFRESH_BEFORE),
        }
    }

    role_setters!();

    async fn assume(&self) -> Result<(Credentials, Option<OffsetDateTime>), Error> {
        let role_arn = &self.role.role_arn;
        let token = read_token(&self.token_file)
            .and_then(|t| non_empty(Some(t.trim().to_string())))
            .ok_or_else(|| {
                Error::Credentials(format!(
                    "cannot read an OIDC token (at most 64 KiB) from {}",
                    self.token_file.display()
                ))
            })?;
        let mut params = role_params(&self.role);
        params.push(("OIDCProviderArn".into(), self.provider_arn.clone()));
        params.push(("OIDCToken".into(), token));
        let answer = call_sts(
            &self.engine,
            &self.sts_endpoint,
            "AssumeRoleWithOIDC",
            params,
        )
        .await
        .map_err(|e| sts_failure(role_arn, e))?;
        answer.into_credentials(role_arn)
    }
}

/// Largest OIDC token file read (a token is a JWT of a few kilobytes).
const MAX_TOKEN_BYTES: u64 = 64 << 10;

/// The token file's text, `None` when it cannot be read or is larger than [`MAX_TOKEN_BYTES`].
fn read_token(path: &std::path::Path) -> Option<String> {
    use std::io::Read as _;
    let mut text = String::new();
    std::fs::File::open(path)
        .ok()?
        .take(MAX_TOKEN_BYTES + 1)
        .read_to_string(&mut text)
        .ok()?;
    (text.len() as u64 <= MAX_TOKEN_BYTES).then_some(text)
}

impl ProvideCredentials for OidcRoleArnProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(self.cache.get("OIDC role ARN", self.assume()))
    }
}
