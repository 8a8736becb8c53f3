//! Credentials of an assumed RAM role: STS `AssumeRole` (signed with source credentials) and
//! `AssumeRoleWithOIDC` (anonymous, with an OIDC token: RRSA in pods).

use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::{
    non_empty, parse_expiration, CachedCredentials, Credentials, CredentialsFuture,
    ProvideCredentials, RoleSettings,
};
use crate::{
    ApiStyle, Client, EndpointRule, Error, HttpMethod, Operation, ServiceSpec, SigningAlgorithm,
};

/// The central STS endpoint.
pub const DEFAULT_STS_ENDPOINT: &str = "sts.aliyuncs.com";

/// Validity asked of STS by default, as the official SDKs ask.
const DEFAULT_DURATION_SECONDS: u64 = 3600;

/// Refreshed this long before expiry.
const REFRESH_BEFORE: Duration = Duration::from_secs(180);

static STS: ServiceSpec = ServiceSpec {
    product: "Sts",
    version: "2015-04-01",
    style: ApiStyle::Rpc,
    endpoint: DEFAULT_STS_ENDPOINT,
    endpoint_rule: EndpointRule::Central,
    regional_endpoints: &[],
};

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct AssumeRole {
    role_arn: String,
    role_session_name: String,
    duration_seconds: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    policy: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    external_id: Option<String>,
}

impl Operation for AssumeRole {
    type Response = StsAnswer;
    const SERVICE: &'static ServiceSpec = &STS;
    const ACTION: &'static str = "AssumeRole";
    const METHOD: HttpMethod = HttpMethod::Post;
    const CLIENT_TOKEN: Option<&'static str> = None;
    // Assuming a role again only gives other temporary credentials.
    const IDEMPOTENT: bool = true;
}

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
    client: OnceLock<Result<Client, String>>,
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
        RamRoleArnProvider {
            source: Arc::new(source),
            role: RoleSettings {
                role_arn: role_arn.into(),
                ..RoleSettings::default()
            },
            sts_endpoint: DEFAULT_STS_ENDPOINT.to_string(),
            client: OnceLock::new(),
            cache: CachedCredentials::new(REFRESH_BEFORE),
        }
    }

    role_setters!();

    /// `ExternalId`, when the role's trust policy asks for one.
    pub fn external_id(mut self, id: impl Into<String>) -> Self {
        self.role.external_id = Some(id.into());
        self
    }

    fn client(&self) -> Result<&Client, Error> {
        self.client
            .get_or_init(|| {
                Client::builder()
                    .endpoint(self.sts_endpoint.clone())
                    .credentials(self.source.clone())
                    .signing(SigningAlgorithm::RpcHmacSha1)
                    .build()
                    .map_err(|e| e.to_string())
            })
            .as_ref()
            .map_err(|e| Error::Credentials(format!("cannot call STS: {e}")))
    }

    async fn assume(&self) -> Result<(Credentials, Option<OffsetDateTime>), Error> {
        let role = &self.role;
        let request = AssumeRole {
            role_arn: role.role_arn.clone(),
            role_session_name: role
                .session_name
                .clone()
                .unwrap_or_else(default_session_name),
            duration_seconds: role.duration_seconds.unwrap_or(DEFAULT_DURATION_SECONDS),
            policy: role.policy.clone(),
            external_id: role.external_id.clone(),
        };
        let answer = self
            .client()?
            .call(request)
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
    http: OnceLock<reqwest::Client>,
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
            http: OnceLock::new(),
            cache: CachedCredentials::new(REFRESH_BEFORE),
        }
    }

    role_setters!();

    async fn assume(&self) -> Result<(Credentials, Option<OffsetDateTime>), Error> {
        let role_arn = &self.role.role_arn;
        let token = std::fs::read_to_string(&self.token_file)
            .ok()
            .and_then(|t| non_empty(Some(t.trim().to_string())))
            .ok_or_else(|| {
                Error::Credentials(format!(
                    "cannot read an OIDC token from {}",
                    self.token_file.display()
                ))
            })?;
        let url = crate::client::parse_endpoint(&self.sts_endpoint)?;
        let timestamp = crate::client::timestamp_now()?;
        let query = [
            ("Action", "AssumeRoleWithOIDC".to_string()),
            ("Format", "JSON".to_string()),
            ("Version", STS.version.to_string()),
            ("Timestamp", timestamp),
        ];
        let mut form = vec![
            ("RoleArn", role_arn.clone()),
            ("OIDCProviderArn", self.provider_arn.clone()),
            ("OIDCToken", token),
            (
                "RoleSessionName",
                self.role
                    .session_name
                    .clone()
                    .unwrap_or_else(default_session_name),
            ),
            (
                "DurationSeconds",
                self.role
                    .duration_seconds
                    .unwrap_or(DEFAULT_DURATION_SECONDS)
                    .to_string(),
            ),
        ];
        if let Some(policy) = &self.role.policy {
            form.push(("Policy", policy.clone()));
        }
        let own = |v: &[(&str, String)]| -> Vec<(String, String)> {
            v.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
        };
        let mut url = url;
        url.set_query(Some(&crate::sign::form_urlencode(&own(&query))));
        let http = self.http.get_or_init(|| {
            reqwest::Client::builder()
                .connect_timeout(crate::DEFAULT_CONNECT_TIMEOUT)
                .timeout(Duration::from_secs(10))
                .build()
                .unwrap_or_default()
        });
        let response = http
            .post(url)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "application/json")
            .body(crate::sign::form_urlencode(&own(&form)))
            .send()
            .await
            .map_err(|e| {
                Error::Credentials(format!(
                    "assuming role {role_arn:?} with OIDC: STS did not answer ({})",
                    e.without_url()
                ))
            })?;
        let status = response.status().as_u16();
        let request_id = response
            .headers()
            .get("x-acs-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let body = response.bytes().await.map_err(|e| {
            Error::Credentials(format!(
                "assuming role {role_arn:?} with OIDC: {}",
                e.without_url()
            ))
        })?;
        let answer: StsAnswer =
            crate::client::decode_answer(status, request_id.as_deref(), None, &body)
                .map_err(|e| sts_failure(role_arn, e))?;
        answer.into_credentials(role_arn)
    }
}

impl ProvideCredentials for OidcRoleArnProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(self.cache.get("OIDC role ARN", self.assume()))
    }
}
