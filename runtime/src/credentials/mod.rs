//! Credentials and where they come from.
//!
//! [`DefaultCredentialsChain`] looks where the official SDKs look, in the same order:
//! 1. environment: `ALIBABA_CLOUD_ACCESS_KEY_ID`, `ALIBABA_CLOUD_ACCESS_KEY_SECRET`, optional
//!    `ALIBABA_CLOUD_SECURITY_TOKEN`;
//! 2. the OIDC role (RRSA, as pods get it): when `ALIBABA_CLOUD_ROLE_ARN`, `ALIBABA_CLOUD_OIDC_PROVIDER_ARN` and
//!    `ALIBABA_CLOUD_OIDC_TOKEN_FILE` are all set, STS `AssumeRoleWithOIDC` with the token in that file
//!    (session name `ALIBABA_CLOUD_ROLE_SESSION_NAME`);
//! 3. the aliyun CLI profile file `~/.aliyun/config.json` (profile `ALIBABA_CLOUD_PROFILE`, else the file's
//!    `current`), modes `AK`, `StsToken`, `RamRoleArn`, `ChainableRamRoleArn` (`source_profile`), `EcsRamRole`
//!    and `OIDC`; skipped when `ALIBABA_CLOUD_CLI_PROFILE_DISABLED=true`;
//! 4. the credentials file `ALIBABA_CLOUD_CREDENTIALS_FILE`, else `~/.alibabacloud/credentials.ini` (section
//!    `ALIBABA_CLOUD_PROFILE`, else `default`), types `access_key`, `sts`, `ram_role_arn`, `oidc_role_arn` and
//!    `ecs_ram_role`;
//! 5. the ECS instance RAM role from the metadata service (role `ALIBABA_CLOUD_ECS_METADATA`, else the one the
//!    instance has); skipped when `ALIBABA_CLOUD_ECS_METADATA_DISABLED=true`;
//! 6. a credentials URI, `ALIBABA_CLOUD_CREDENTIALS_URI`, answering the same JSON as the metadata service.
//!
//! STS is `ALIBABA_CLOUD_STS_ENDPOINT` when set, else `sts.aliyuncs.com`, or
//! `sts.<ALIBABA_CLOUD_STS_REGION>.aliyuncs.com` (`sts-vpc.…` when `ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED=true`).
//! Temporary credentials (STS, ECS, URI) are cached and fetched again a few minutes before they expire.
//!
//! The first source that gives credentials is kept for later calls. A static pair is a [`Credentials`] value,
//! which is a provider itself.
//!
//! Secrets never appear in `Debug` output, logs or errors.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::Error;

mod cache;
mod chain;
mod cli;
mod ecs;
mod env;
mod ini;
mod profile;
mod role;
mod uri;

pub(crate) use cache::{parse_expiration, CachedCredentials, TemporaryCredentials};
pub use chain::DefaultCredentialsChain;
pub(crate) use chain::{home_dir, region_from_env};
pub use cli::CliProfileProvider;
pub use ecs::{EcsRamRoleProvider, DEFAULT_METADATA_BASE_URL};
pub use env::EnvironmentProvider;
pub use ini::IniProfileProvider;
pub(crate) use profile::RoleSettings;
pub use role::{OidcRoleArnProvider, RamRoleArnProvider, DEFAULT_STS_ENDPOINT};
pub use uri::UriProvider;

/// An access key pair, with a security token for STS credentials.
///
/// `Debug` shows only the first characters of the access key id and hides the secret and the token.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    // Shared text: the client asks for credentials before every attempt, and a clone is then three counts.
    access_key_id: Arc<str>,
    access_key_secret: Arc<str>,
    security_token: Option<Arc<str>>,
}

impl Credentials {
    /// A long-term access key pair.
    pub fn new(access_key_id: impl Into<String>, access_key_secret: impl Into<String>) -> Self {
        Credentials {
            access_key_id: Arc::from(access_key_id.into()),
            access_key_secret: Arc::from(access_key_secret.into()),
            security_token: None,
        }
    }

    /// STS credentials: a temporary key pair and its security token.
    pub fn with_security_token(mut self, security_token: impl Into<String>) -> Self {
        self.security_token = Some(Arc::from(security_token.into()));
        self
    }

    /// The access key id.
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The access key secret. Keep it out of logs.
    pub fn access_key_secret(&self) -> &str {
        &self.access_key_secret
    }

    /// The STS security token, if any. Keep it out of logs.
    pub fn security_token(&self) -> Option<&str> {
        self.security_token.as_deref()
    }
}

fn masked_id(id: &str) -> String {
    let head: String = id.chars().take(4).collect();
    format!("{head}****")
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &masked_id(&self.access_key_id))
            .field("access_key_secret", &"<redacted>")
            .field(
                "security_token",
                &self.security_token.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

/// The future a [`ProvideCredentials`] returns.
pub type CredentialsFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Credentials, Error>> + Send + 'a>>;

/// A source of credentials, asked before every attempt of every call (providers cache as they see fit).
pub trait ProvideCredentials: Send + Sync + fmt::Debug {
    /// Returns current credentials, or [`Error::Credentials`].
    fn provide_credentials(&self) -> CredentialsFuture<'_>;
}

impl ProvideCredentials for Credentials {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        let c = self.clone();
        Box::pin(async move { Ok(c) })
    }
}

impl<T: ProvideCredentials + ?Sized> ProvideCredentials for Arc<T> {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        (**self).provide_credentials()
    }
}

/// Looks up an environment variable; lets tests run the chain without touching the process environment.
pub type EnvLookup = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

pub(crate) fn process_env() -> EnvLookup {
    Arc::new(|name: &str| std::env::var(name).ok())
}

fn non_empty(v: Option<String>) -> Option<String> {
    v.filter(|s| !s.trim().is_empty())
}

fn is_true(v: Option<String>) -> bool {
    v.is_some_and(|s| s.trim().eq_ignore_ascii_case("true"))
}

/// Environment variable naming the default region (`cn-hangzhou`), as the aliyun CLI reads it.
pub const ENV_REGION_ID: &str = "ALIBABA_CLOUD_REGION_ID";
/// Environment variable holding the access key id.
pub const ENV_ACCESS_KEY_ID: &str = "ALIBABA_CLOUD_ACCESS_KEY_ID";
/// Environment variable holding the access key secret.
pub const ENV_ACCESS_KEY_SECRET: &str = "ALIBABA_CLOUD_ACCESS_KEY_SECRET";
/// Environment variable holding the STS security token.
pub const ENV_SECURITY_TOKEN: &str = "ALIBABA_CLOUD_SECURITY_TOKEN";
/// Environment variable naming the profile to use in the profile files.
pub const ENV_PROFILE: &str = "ALIBABA_CLOUD_PROFILE";
/// Environment variable giving the path of the INI credentials file.
pub const ENV_CREDENTIALS_FILE: &str = "ALIBABA_CLOUD_CREDENTIALS_FILE";
/// Environment variable naming the ECS RAM role.
pub const ENV_ECS_METADATA: &str = "ALIBABA_CLOUD_ECS_METADATA";
/// Environment variable that turns the ECS metadata source off (`true`).
pub const ENV_ECS_METADATA_DISABLED: &str = "ALIBABA_CLOUD_ECS_METADATA_DISABLED";
/// Environment variable that forbids falling back to IMDSv1 (no session token) on ECS (`true`).
pub const ENV_IMDSV1_DISABLED: &str = "ALIBABA_CLOUD_IMDSV1_DISABLED";
/// Environment variable that turns the aliyun CLI profile source off (`true`).
pub const ENV_CLI_PROFILE_DISABLED: &str = "ALIBABA_CLOUD_CLI_PROFILE_DISABLED";
/// Environment variable holding the ARN of the RAM role to assume with OIDC.
pub const ENV_ROLE_ARN: &str = "ALIBABA_CLOUD_ROLE_ARN";
/// Environment variable holding the ARN of the OIDC identity provider.
pub const ENV_OIDC_PROVIDER_ARN: &str = "ALIBABA_CLOUD_OIDC_PROVIDER_ARN";
/// Environment variable giving the path of the file holding the OIDC token.
pub const ENV_OIDC_TOKEN_FILE: &str = "ALIBABA_CLOUD_OIDC_TOKEN_FILE";
/// Environment variable holding the role session name for STS.
pub const ENV_ROLE_SESSION_NAME: &str = "ALIBABA_CLOUD_ROLE_SESSION_NAME";
/// Environment variable giving the URI that serves credentials.
pub const ENV_CREDENTIALS_URI: &str = "ALIBABA_CLOUD_CREDENTIALS_URI";
/// Environment variable giving the STS endpoint (a host, or an `http(s)` URL): set by the pod-identity webhook.
pub const ENV_STS_ENDPOINT: &str = "ALIBABA_CLOUD_STS_ENDPOINT";
/// Environment variable naming the region whose STS endpoint is used.
pub const ENV_STS_REGION: &str = "ALIBABA_CLOUD_STS_REGION";
/// Environment variable that picks the VPC STS endpoint (`true`, with `ALIBABA_CLOUD_STS_REGION`).
pub const ENV_VPC_ENDPOINT_ENABLED: &str = "ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let c = Credentials::new("LTAI5tExampleId", "VerySecretValue")
            .with_security_token("TokenValue123");
        let s = format!("{c:?} {c:#?}");
        assert!(!s.contains("VerySecretValue"), "{s}");
        assert!(!s.contains("TokenValue123"), "{s}");
        assert!(!s.contains("LTAI5tExampleId"), "{s}");
        assert!(s.contains("LTAI****"), "{s}");
    }
}
