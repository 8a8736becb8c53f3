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
//! STS is `sts.aliyuncs.com`, or `sts.<ALIBABA_CLOUD_STS_REGION>.aliyuncs.com` (`sts-vpc.…` when
//! `ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED=true`). Temporary credentials (STS, ECS, URI) are cached and fetched again
//! a few minutes before they expire.
//!
//! The first source that gives credentials is kept for later calls. A static pair is a [`Credentials`] value,
//! which is a provider itself.
//!
//! Secrets never appear in `Debug` output, logs or errors.

use std::fmt;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use serde::Deserialize;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::Error;

mod role;
mod uri;

pub use role::{OidcRoleArnProvider, RamRoleArnProvider, DEFAULT_STS_ENDPOINT};
pub use uri::UriProvider;

/// An access key pair, with a security token for STS credentials.
///
/// `Debug` shows only the first characters of the access key id and hides the secret and the token.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    access_key_id: String,
    access_key_secret: String,
    security_token: Option<String>,
}

impl Credentials {
    /// A long-term access key pair.
    pub fn new(access_key_id: impl Into<String>, access_key_secret: impl Into<String>) -> Self {
        Credentials {
            access_key_id: access_key_id.into(),
            access_key_secret: access_key_secret.into(),
            security_token: None,
        }
    }

    /// STS credentials: a temporary key pair and its security token.
    pub fn with_security_token(mut self, security_token: impl Into<String>) -> Self {
        self.security_token = Some(security_token.into());
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

fn process_env() -> EnvLookup {
    Arc::new(|name: &str| std::env::var(name).ok())
}

fn non_empty(v: Option<String>) -> Option<String> {
    v.filter(|s| !s.trim().is_empty())
}

fn is_true(v: Option<String>) -> bool {
    v.is_some_and(|s| s.trim().eq_ignore_ascii_case("true"))
}

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
/// Environment variable naming the region whose STS endpoint is used.
pub const ENV_STS_REGION: &str = "ALIBABA_CLOUD_STS_REGION";
/// Environment variable that picks the VPC STS endpoint (`true`, with `ALIBABA_CLOUD_STS_REGION`).
pub const ENV_VPC_ENDPOINT_ENABLED: &str = "ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED";

// ---------------------------------------------------------------------------------------------------------------
// Environment

/// Credentials from `ALIBABA_CLOUD_ACCESS_KEY_ID`, `ALIBABA_CLOUD_ACCESS_KEY_SECRET` and, for STS,
/// `ALIBABA_CLOUD_SECURITY_TOKEN`.
#[derive(Clone)]
pub struct EnvironmentProvider {
    env: EnvLookup,
}

impl EnvironmentProvider {
    /// Reads the process environment.
    pub fn new() -> Self {
        EnvironmentProvider { env: process_env() }
    }

    /// Reads variables through `lookup` instead of the process environment.
    pub fn with_lookup(lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> Self {
        EnvironmentProvider {
            env: Arc::new(lookup),
        }
    }

    fn load(&self) -> Result<Credentials, Error> {
        let id = non_empty((self.env)(ENV_ACCESS_KEY_ID));
        let secret = non_empty((self.env)(ENV_ACCESS_KEY_SECRET));
        match (id, secret) {
            (Some(id), Some(secret)) => {
                let c = Credentials::new(id, secret);
                Ok(match non_empty((self.env)(ENV_SECURITY_TOKEN)) {
                    Some(t) => c.with_security_token(t),
                    None => c,
                })
            }
            (Some(_), None) => Err(Error::Credentials(format!(
                "{ENV_ACCESS_KEY_ID} is set but {ENV_ACCESS_KEY_SECRET} is not"
            ))),
            _ => Err(Error::Credentials(format!(
                "{ENV_ACCESS_KEY_ID} is not set"
            ))),
        }
    }
}

impl Default for EnvironmentProvider {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for EnvironmentProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EnvironmentProvider")
    }
}

impl ProvideCredentials for EnvironmentProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(async move { self.load() })
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Profile files

/// Where the sources that fetch temporary credentials send their requests (tests point them at 127.0.0.1).
#[derive(Debug, Clone)]
struct Endpoints {
    metadata_base_url: String,
    sts: String,
}

impl Default for Endpoints {
    fn default() -> Self {
        Endpoints {
            metadata_base_url: DEFAULT_METADATA_BASE_URL.to_string(),
            sts: DEFAULT_STS_ENDPOINT.to_string(),
        }
    }
}

/// The STS endpoint the environment asks for: `ALIBABA_CLOUD_STS_REGION` (and `ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED`),
/// else the central one. A region that is not a region id is ignored, as it could change the host.
fn sts_endpoint_from(env: &(dyn Fn(&str) -> Option<String> + Send + Sync)) -> String {
    match non_empty(env(ENV_STS_REGION)).filter(|r| crate::is_valid_region(r)) {
        Some(region) if is_true(env(ENV_VPC_ENDPOINT_ENABLED)) => {
            format!("sts-vpc.{region}.aliyuncs.com")
        }
        Some(region) => format!("sts.{region}.aliyuncs.com"),
        None => DEFAULT_STS_ENDPOINT.to_string(),
    }
}

/// What to assume a role with, besides its source credentials.
#[derive(Debug, Clone, Default)]
struct RoleSettings {
    role_arn: String,
    session_name: Option<String>,
    duration_seconds: Option<u64>,
    policy: Option<String>,
    external_id: Option<String>,
}

/// What a profile resolves to.
enum ProfileEntry {
    Static(Credentials),
    EcsRamRole(Option<String>),
    RamRoleArn {
        source: Box<ProfileEntry>,
        role: RoleSettings,
    },
    Oidc {
        role: RoleSettings,
        provider_arn: String,
        token_file: PathBuf,
    },
}

impl ProfileEntry {
    /// The provider that serves this entry (built once per profile source, so its cache lives on).
    fn into_provider(self, endpoints: &Endpoints) -> Arc<dyn ProvideCredentials> {
        match self {
            ProfileEntry::Static(c) => Arc::new(c),
            ProfileEntry::EcsRamRole(role) => Arc::new(
                EcsRamRoleProvider::new(role)
                    .metadata_base_url(endpoints.metadata_base_url.clone()),
            ),
            ProfileEntry::RamRoleArn { source, role } => Arc::new(
                RamRoleArnProvider::new(source.into_provider(endpoints), role.role_arn.clone())
                    .settings(role)
                    .sts_endpoint(endpoints.sts.clone()),
            ),
            ProfileEntry::Oidc {
                role,
                provider_arn,
                token_file,
            } => Arc::new(
                OidcRoleArnProvider::new(role.role_arn.clone(), provider_arn, token_file)
                    .settings(role)
                    .sts_endpoint(endpoints.sts.clone()),
            ),
        }
    }
}

/// A profile source's provider: what its profile resolves to, resolved once (a failed load is tried again).
#[derive(Default)]
struct Resolved {
    endpoints: Endpoints,
    provider: tokio::sync::OnceCell<Arc<dyn ProvideCredentials>>,
}

impl fmt::Debug for Resolved {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Resolved")
            .field("endpoints", &self.endpoints)
            .field("provider", &self.provider.get())
            .finish()
    }
}

impl Resolved {
    async fn provide(
        &self,
        load: impl FnOnce() -> Result<ProfileEntry, Error>,
    ) -> Result<Credentials, Error> {
        let provider = self
            .provider
            .get_or_try_init(|| async { load().map(|e| e.into_provider(&self.endpoints)) })
            .await?;
        provider.provide_credentials().await
    }
}

#[derive(Deserialize)]
struct CliConfig {
    #[serde(default)]
    current: Option<String>,
    #[serde(default)]
    profiles: Vec<CliProfile>,
}

#[derive(Deserialize)]
struct CliProfile {
    name: String,
    #[serde(default)]
    mode: Option<String>,
    #[serde(default)]
    access_key_id: Option<String>,
    #[serde(default)]
    access_key_secret: Option<String>,
    #[serde(default)]
    sts_token: Option<String>,
    #[serde(default)]
    ram_role_name: Option<String>,
    #[serde(default)]
    ram_role_arn: Option<String>,
    #[serde(default)]
    ram_session_name: Option<String>,
    #[serde(default)]
    expired_seconds: Option<u64>,
    #[serde(default)]
    source_profile: Option<String>,
    #[serde(default)]
    oidc_provider_arn: Option<String>,
    #[serde(default)]
    oidc_token_file: Option<String>,
    #[serde(default)]
    policy: Option<String>,
    #[serde(default)]
    external_id: Option<String>,
}

/// Longest `source_profile` chain followed; a longer one is a cycle or a mistake.
const MAX_PROFILE_CHAIN: usize = 8;

/// Credentials from an aliyun CLI configuration file (`~/.aliyun/config.json`).
///
/// Supported modes: `AK`, `StsToken`, `RamRoleArn` (STS `AssumeRole` with the profile's key pair),
/// `ChainableRamRoleArn` (`AssumeRole` with the credentials of `source_profile`, which may chain further),
/// `EcsRamRole` (handed to [`EcsRamRoleProvider`]) and `OIDC`. The profile is read once; temporary credentials
/// are cached and refreshed by the provider it resolves to.
#[derive(Debug)]
pub struct CliProfileProvider {
    path: PathBuf,
    profile: Option<String>,
    resolved: Resolved,
}

impl CliProfileProvider {
    /// Reads `path`, profile `profile` (the file's `current` profile when `None`).
    pub fn new(path: impl Into<PathBuf>, profile: Option<String>) -> Self {
        CliProfileProvider {
            path: path.into(),
            profile,
            resolved: Resolved::default(),
        }
    }

    /// Base URL of the metadata service for profiles of mode `EcsRamRole` (tests point it at a local server).
    pub fn metadata_base_url(mut self, url: impl Into<String>) -> Self {
        self.resolved.endpoints.metadata_base_url = url.into();
        self
    }

    /// STS endpoint for profiles that assume a role (default [`DEFAULT_STS_ENDPOINT`]).
    pub fn sts_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.resolved.endpoints.sts = endpoint.into();
        self
    }

    fn load(&self) -> Result<ProfileEntry, Error> {
        let path = self.path.display();
        let text = read_file(&self.path)?;
        let config: CliConfig = serde_json::from_str(&text).map_err(|e| {
            Error::Credentials(format!(
                "{path} is not a valid aliyun CLI config (line {})",
                e.line()
            ))
        })?;
        let name = self
            .profile
            .clone()
            .or(config.current.clone())
            .unwrap_or_else(|| "default".to_string());
        cli_entry(&config, &name, &path.to_string(), &mut Vec::new())
    }
}

/// Profile `name` of `config`; `chain` holds the profiles that led here through `source_profile`.
fn cli_entry(
    config: &CliConfig,
    name: &str,
    path: &str,
    chain: &mut Vec<String>,
) -> Result<ProfileEntry, Error> {
    let fail = |why: String| Error::Credentials(format!("profile {name:?} of {path} {why}"));
    if chain.iter().any(|n| n == name) || chain.len() >= MAX_PROFILE_CHAIN {
        chain.push(name.to_string());
        return Err(Error::Credentials(format!(
            "the source_profile chain of {path} does not end: {}",
            chain.join(" -> ")
        )));
    }
    chain.push(name.to_string());
    let p = config
        .profiles
        .iter()
        .find(|p| p.name == name)
        .ok_or_else(|| Error::Credentials(format!("{path} has no profile named {name:?}")))?;
    let mode = p.mode.as_deref().unwrap_or("AK");
    let pair = || match (
        non_empty(p.access_key_id.clone()),
        non_empty(p.access_key_secret.clone()),
    ) {
        (Some(id), Some(secret)) => Ok(Credentials::new(id, secret)),
        _ => Err(fail("lacks access_key_id or access_key_secret".into())),
    };
    let role = || -> Result<RoleSettings, Error> {
        Ok(RoleSettings {
            role_arn: non_empty(p.ram_role_arn.clone())
                .ok_or_else(|| fail(format!("has mode {mode} but no ram_role_arn")))?,
            session_name: non_empty(p.ram_session_name.clone()),
            duration_seconds: p.expired_seconds.filter(|s| *s > 0),
            policy: non_empty(p.policy.clone()),
            external_id: non_empty(p.external_id.clone()),
        })
    };
    match mode {
        "AK" => Ok(ProfileEntry::Static(pair()?)),
        "StsToken" => {
            let token = non_empty(p.sts_token.clone())
                .ok_or_else(|| fail("has mode StsToken but no sts_token".into()))?;
            Ok(ProfileEntry::Static(pair()?.with_security_token(token)))
        }
        "RamRoleArn" => Ok(ProfileEntry::RamRoleArn {
            source: Box::new(ProfileEntry::Static(pair()?)),
            role: role()?,
        }),
        "ChainableRamRoleArn" => {
            let source = non_empty(p.source_profile.clone())
                .ok_or_else(|| fail("has mode ChainableRamRoleArn but no source_profile".into()))?;
            let role = role()?;
            Ok(ProfileEntry::RamRoleArn {
                source: Box::new(cli_entry(config, &source, path, chain)?),
                role,
            })
        }
        "EcsRamRole" => Ok(ProfileEntry::EcsRamRole(non_empty(p.ram_role_name.clone()))),
        "OIDC" => Ok(ProfileEntry::Oidc {
            role: role()?,
            provider_arn: non_empty(p.oidc_provider_arn.clone())
                .ok_or_else(|| fail("has mode OIDC but no oidc_provider_arn".into()))?,
            token_file: non_empty(p.oidc_token_file.clone())
                .map(PathBuf::from)
                .ok_or_else(|| fail("has mode OIDC but no oidc_token_file".into()))?,
        }),
        other => Err(fail(format!(
            "has mode {other:?}, which this SDK does not support (AK, StsToken, RamRoleArn, ChainableRamRoleArn, EcsRamRole, OIDC)"
        ))),
    }
}

impl ProvideCredentials for CliProfileProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(self.resolved.provide(|| self.load()))
    }
}

/// Credentials from an INI credentials file (`~/.alibabacloud/credentials.ini`):
///
/// ```ini
/// [default]
/// type = access_key
/// access_key_id = ...
/// access_key_secret = ...
/// ```
///
/// Supported types: `access_key`, `sts` (with `security_token`), `ram_role_arn` (the key pair with `role_arn`,
/// optional `role_session_name`, `policy`), `oidc_role_arn` (`role_arn`, `oidc_provider_arn`,
/// `oidc_token_file_path`) and `ecs_ram_role` (with `role_name`).
#[derive(Debug)]
pub struct IniProfileProvider {
    path: PathBuf,
    profile: String,
    resolved: Resolved,
}

impl IniProfileProvider {
    /// Reads section `profile` of `path`.
    pub fn new(path: impl Into<PathBuf>, profile: impl Into<String>) -> Self {
        IniProfileProvider {
            path: path.into(),
            profile: profile.into(),
            resolved: Resolved::default(),
        }
    }

    /// Base URL of the metadata service for `ecs_ram_role` profiles (tests point it at a local server).
    pub fn metadata_base_url(mut self, url: impl Into<String>) -> Self {
        self.resolved.endpoints.metadata_base_url = url.into();
        self
    }

    /// STS endpoint for profiles that assume a role (default [`DEFAULT_STS_ENDPOINT`]).
    pub fn sts_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.resolved.endpoints.sts = endpoint.into();
        self
    }

    fn load(&self) -> Result<ProfileEntry, Error> {
        let path = self.path.display();
        let text = read_file(&self.path)?;
        // Case-sensitive names, and no inline comments: a secret may hold `#` or `;` (as Python's configparser).
        let mut defaults = configparser::ini::Ini::new_cs().defaults();
        defaults.enable_inline_comments = false;
        let mut ini = configparser::ini::Ini::new_from_defaults(defaults);
        // The parser's message may quote a line of the file, which may hold a secret: keep it out.
        ini.read(text)
            .map_err(|_| Error::Credentials(format!("{path} is not a valid INI file")))?;
        let name = &self.profile;
        if !ini.sections().iter().any(|s| s == name) {
            return Err(Error::Credentials(format!(
                "{path} has no section [{name}]"
            )));
        }
        let get = |key: &str| non_empty(ini.get(name, key));
        let pair = || match (get("access_key_id"), get("access_key_secret")) {
            (Some(id), Some(secret)) => Ok(Credentials::new(id, secret)),
            _ => Err(Error::Credentials(format!(
                "[{name}] of {path} lacks access_key_id or access_key_secret"
            ))),
        };
        let kind = get("type").unwrap_or_else(|| "access_key".to_string());
        let required = |key: &str| {
            get(key).ok_or_else(|| {
                Error::Credentials(format!("[{name}] of {path} has type {kind} but no {key}"))
            })
        };
        let role = || -> Result<RoleSettings, Error> {
            Ok(RoleSettings {
                role_arn: required("role_arn")?,
                session_name: get("role_session_name"),
                duration_seconds: get("duration_seconds").and_then(|s| s.parse().ok()),
                policy: get("policy"),
                external_id: get("external_id"),
            })
        };
        match kind.as_str() {
            "access_key" => Ok(ProfileEntry::Static(pair()?)),
            "sts" => {
                let token = required("security_token")?;
                Ok(ProfileEntry::Static(pair()?.with_security_token(token)))
            }
            "ram_role_arn" => Ok(ProfileEntry::RamRoleArn {
                source: Box::new(ProfileEntry::Static(pair()?)),
                role: role()?,
            }),
            "oidc_role_arn" => Ok(ProfileEntry::Oidc {
                role: role()?,
                provider_arn: required("oidc_provider_arn")?,
                token_file: PathBuf::from(required("oidc_token_file_path")?),
            }),
            "ecs_ram_role" => Ok(ProfileEntry::EcsRamRole(get("role_name"))),
            other => Err(Error::Credentials(format!(
                "[{name}] of {path} has type {other:?}, which this SDK does not support (access_key, sts, ram_role_arn, oidc_role_arn, ecs_ram_role)"
            ))),
        }
    }
}

impl ProvideCredentials for IniProfileProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(self.resolved.provide(|| self.load()))
    }
}

fn read_file(path: &Path) -> Result<String, Error> {
    std::fs::read_to_string(path)
        .map_err(|e| Error::Credentials(format!("cannot read {}: {e}", path.display())))
}

// ---------------------------------------------------------------------------------------------------------------
// ECS instance RAM role

/// Where the ECS metadata service answers.
pub const DEFAULT_METADATA_BASE_URL: &str = "http://100.100.100.200";

const CREDENTIALS_PATH: &str = "/latest/meta-data/ram/security-credentials/";

/// Temporary credentials of the RAM role attached to the ECS instance, from the instance metadata service.
///
/// Uses a session token (IMDSv2: `PUT /latest/api/token`) and falls back to plain requests (IMDSv1) when the
/// token cannot be had, unless `ALIBABA_CLOUD_IMDSV1_DISABLED=true` or
/// [`imdsv1_fallback(false)`](EcsRamRoleProvider::imdsv1_fallback). When the metadata service does not answer at
/// all (not on ECS), it fails at once. Credentials are cached and fetched again a few minutes before their
/// `Expiration` (and the cached ones are kept while still valid if fetching fails).
pub struct EcsRamRoleProvider {
    role_name: Option<String>,
    base_url: String,
    imdsv1_fallback: bool,
    http: OnceLock<reqwest::Client>,
    cache: CachedCredentials,
}

impl fmt::Debug for EcsRamRoleProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EcsRamRoleProvider")
            .field("role_name", &self.role_name)
            .field("base_url", &self.base_url)
            .field("imdsv1_fallback", &self.imdsv1_fallback)
            .finish_non_exhaustive()
    }
}

/// Temporary credentials as the ECS metadata service and a credentials URI give them.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct TemporaryCredentials {
    #[serde(default)]
    code: Option<String>,
    access_key_id: Option<String>,
    access_key_secret: Option<String>,
    security_token: Option<String>,
    expiration: Option<String>,
}

impl TemporaryCredentials {
    /// Reads `body`, which came from `source` (named in errors; the body is never quoted: it holds the secret).
    fn read(body: &str, source: &str) -> Result<(Credentials, Option<OffsetDateTime>), Error> {
        let m: TemporaryCredentials = serde_json::from_str(body)
            .map_err(|_| Error::Credentials(format!("{source} gave unreadable credentials")))?;
        if let Some(code) = m.code.as_deref().filter(|c| *c != "Success") {
            return Err(Error::Credentials(format!(
                "{source} answered Code {code:?}"
            )));
        }
        let (Some(id), Some(secret), Some(token)) = (
            non_empty(m.access_key_id),
            non_empty(m.access_key_secret),
            non_empty(m.security_token),
        ) else {
            return Err(Error::Credentials(format!(
                "{source} gave incomplete credentials"
            )));
        };
        let expiration = m
            .expiration
            .as_deref()
            .map(|e| parse_expiration(e, source))
            .transpose()?;
        Ok((
            Credentials::new(id, secret).with_security_token(token),
            expiration,
        ))
    }
}

fn parse_expiration(text: &str, source: &str) -> Result<OffsetDateTime, Error> {
    OffsetDateTime::parse(text, &Rfc3339)
        .map_err(|_| Error::Credentials(format!("unreadable Expiration {text:?} from {source}")))
}

/// Temporary credentials kept until shortly before they expire, then fetched again; while fetching fails, the
/// old ones are used as long as they are still valid.
pub(crate) struct CachedCredentials {
    refresh_before: Duration,
    cache: tokio::sync::Mutex<Option<(Credentials, Option<OffsetDateTime>)>>,
}

impl CachedCredentials {
    /// Refreshes `refresh_before` ahead of expiry (the official SDKs use a few minutes).
    pub(crate) fn new(refresh_before: Duration) -> Self {
        CachedCredentials {
            refresh_before,
            cache: tokio::sync::Mutex::new(None),
        }
    }

    fn set_refresh_before(&mut self, d: Duration) {
        self.refresh_before = d;
    }

    /// The cached credentials while fresh, else what `fetch` gives (one fetch at a time).
    pub(crate) async fn get<F>(&self, what: &str, fetch: F) -> Result<Credentials, Error>
    where
        F: Future<Output = Result<(Credentials, Option<OffsetDateTime>), Error>>,
    {
        let mut cache = self.cache.lock().await;
        let now = OffsetDateTime::now_utc();
        if let Some((c, exp)) = cache.as_ref() {
            if exp.is_none_or(|exp| now + self.refresh_before < exp) {
                return Ok(c.clone());
            }
        }
        match fetch.await {
            Ok((c, exp)) => {
                *cache = Some((c.clone(), exp));
                Ok(c)
            }
            Err(e) => match cache.as_ref() {
                // Refreshing early failed but the old credentials still hold: keep using them.
                Some((c, Some(exp))) if now < *exp => {
                    tracing::warn!(error = %e, source = what, "refreshing credentials failed, using cached ones");
                    Ok(c.clone())
                }
                _ => Err(e),
            },
        }
    }
}

impl EcsRamRoleProvider {
    /// Role `role_name`, or the role attached to the instance when `None`.
    pub fn new(role_name: Option<String>) -> Self {
        EcsRamRoleProvider {
            role_name,
            base_url: DEFAULT_METADATA_BASE_URL.to_string(),
            imdsv1_fallback: true,
            http: OnceLock::new(),
            cache: CachedCredentials::new(Duration::from_secs(180)),
        }
    }

    /// Base URL of the metadata service (default `http://100.100.100.200`); tests point it at `127.0.0.1`.
    pub fn metadata_base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into().trim_end_matches('/').to_string();
        self
    }

    /// Whether to go on without a session token when none can be had (default `true`).
    pub fn imdsv1_fallback(mut self, allow: bool) -> Self {
        self.imdsv1_fallback = allow;
        self
    }

    /// How long before `Expiration` cached credentials are fetched again (default 3 minutes).
    pub fn refresh_before(mut self, d: Duration) -> Self {
        self.cache.set_refresh_before(d);
        self
    }

    fn http(&self) -> &reqwest::Client {
        self.http.get_or_init(|| {
            reqwest::Client::builder()
                .connect_timeout(Duration::from_secs(1))
                .timeout(Duration::from_secs(5))
                .no_proxy()
                .build()
                .unwrap_or_default()
        })
    }

    async fn session_token(&self) -> Result<Option<String>, Error> {
        let url = format!("{}/latest/api/token", self.base_url);
        let result = self
            .http()
            .put(&url)
            .header("X-aliyun-ecs-metadata-token-ttl-seconds", "21600")
            .send()
            .await;
        let failure = match result {
            Ok(r) if r.status().is_success() => match r.text().await {
                Ok(t) if !t.trim().is_empty() => return Ok(Some(t.trim().to_string())),
                Ok(_) => "empty token".to_string(),
                Err(e) => e.without_url().to_string(),
            },
            Ok(r) => format!("HTTP {}", r.status().as_u16()),
            // Nothing answers: not on ECS (or no metadata service); IMDSv1 would not answer either.
            Err(e) if e.is_connect() || e.is_timeout() => {
                return Err(Error::Credentials(format!(
                    "the ECS metadata service at {} does not answer ({})",
                    self.base_url,
                    e.without_url()
                )))
            }
            Err(e) => e.without_url().to_string(),
        };
        if self.imdsv1_fallback {
            tracing::debug!(reason = %failure, "no ECS metadata session token, falling back to IMDSv1");
            Ok(None)
        } else {
            Err(Error::Credentials(format!(
                "could not get an ECS metadata session token: {failure}"
            )))
        }
    }

    async fn get(&self, path: &str, token: Option<&str>) -> Result<String, Error> {
        let mut req = self.http().get(format!("{}{path}", self.base_url));
        if let Some(t) = token {
            req = req.header("X-aliyun-ecs-metadata-token", t);
        }
        let what = "the ECS metadata service";
        let resp = req
            .send()
            .await
            .map_err(|e| Error::Credentials(format!("{what}: {}", e.without_url())))?;
        let status = resp.status().as_u16();
        if !(200..300).contains(&status) {
            return Err(Error::Credentials(format!(
                "{what} answered HTTP {status} for {path}"
            )));
        }
        resp.text()
            .await
            .map_err(|e| Error::Credentials(format!("{what}: {}", e.without_url())))
    }

    async fn fetch(&self) -> Result<(Credentials, Option<OffsetDateTime>), Error> {
        let token = self.session_token().await?;
        let role = match &self.role_name {
            Some(r) => r.clone(),
            None => {
                let listing = self.get(CREDENTIALS_PATH, token.as_deref()).await?;
                listing
                    .lines()
                    .map(str::trim)
                    .find(|l| !l.is_empty())
                    .map(str::to_string)
                    .ok_or_else(|| {
                        Error::Credentials("the ECS instance has no RAM role attached".into())
                    })?
            }
        };
        let body = self
            .get(&format!("{CREDENTIALS_PATH}{role}"), token.as_deref())
            .await?;
        TemporaryCredentials::read(&body, &format!("the ECS metadata service (role {role:?})"))
    }
}

impl ProvideCredentials for EcsRamRoleProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(self.cache.get("ECS RAM role", self.fetch()))
    }
}

// ---------------------------------------------------------------------------------------------------------------
// The default chain

/// The credential sources of the official SDKs, in their order (see the [module docs](self)).
///
/// The first source that succeeds is remembered and asked alone afterwards. When none succeeds, the error lists
/// why each one failed.
pub struct DefaultCredentialsChain {
    providers: Vec<(&'static str, Box<dyn ProvideCredentials>)>,
    chosen: Mutex<Option<usize>>,
}

impl fmt::Debug for DefaultCredentialsChain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DefaultCredentialsChain")
            .field(
                "sources",
                &self.providers.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
            )
            .field(
                "chosen",
                &*self.chosen.lock().unwrap_or_else(|e| e.into_inner()),
            )
            .finish()
    }
}

impl DefaultCredentialsChain {
    /// The chain over the process environment and the user's home directory.
    pub fn new() -> Self {
        let env = process_env();
        let home = home_dir(&*env);
        let sts = sts_endpoint_from(&*env);
        Self::build(env, home, DEFAULT_METADATA_BASE_URL, sts)
    }

    /// The chain over an environment given as a lookup function and an explicit home directory (`None`: no
    /// profile files under a home), with the default metadata service.
    pub fn with_env(
        lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
        home: Option<PathBuf>,
    ) -> Self {
        let env: EnvLookup = Arc::new(lookup);
        let sts = sts_endpoint_from(&*env);
        Self::build(env, home, DEFAULT_METADATA_BASE_URL, sts)
    }

    /// Like [`with_env`](Self::with_env), with the ECS metadata service at `metadata_base_url`.
    pub fn with_env_and_metadata(
        lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
        home: Option<PathBuf>,
        metadata_base_url: impl Into<String>,
    ) -> Self {
        let env: EnvLookup = Arc::new(lookup);
        let sts = sts_endpoint_from(&*env);
        Self::build(env, home, &metadata_base_url.into(), sts)
    }

    /// Like [`with_env_and_metadata`](Self::with_env_and_metadata), with STS at `sts_endpoint` (a host, or a URL
    /// such as `http://127.0.0.1:8080`) for every source that assumes a role.
    pub fn with_env_and_endpoints(
        lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
        home: Option<PathBuf>,
        metadata_base_url: impl Into<String>,
        sts_endpoint: impl Into<String>,
    ) -> Self {
        Self::build(
            Arc::new(lookup),
            home,
            &metadata_base_url.into(),
            sts_endpoint.into(),
        )
    }

    fn build(env: EnvLookup, home: Option<PathBuf>, metadata: &str, sts: String) -> Self {
        let mut providers: Vec<(&'static str, Box<dyn ProvideCredentials>)> = Vec::new();
        providers.push((
            "environment",
            Box::new(EnvironmentProvider { env: env.clone() }),
        ));
        if let (Some(role_arn), Some(provider_arn), Some(token_file)) = (
            non_empty(env(ENV_ROLE_ARN)),
            non_empty(env(ENV_OIDC_PROVIDER_ARN)),
            non_empty(env(ENV_OIDC_TOKEN_FILE)),
        ) {
            let mut p = OidcRoleArnProvider::new(role_arn, provider_arn, token_file)
                .sts_endpoint(sts.clone());
            if let Some(name) = non_empty(env(ENV_ROLE_SESSION_NAME)) {
                p = p.session_name(name);
            }
            providers.push(("OIDC role", Box::new(p)));
        }
        let profile = non_empty(env(ENV_PROFILE));
        if !is_true(env(ENV_CLI_PROFILE_DISABLED)) {
            if let Some(home) = &home {
                providers.push((
                    "aliyun CLI config",
                    Box::new(
                        CliProfileProvider::new(
                            home.join(".aliyun").join("config.json"),
                            profile.clone(),
                        )
                        .metadata_base_url(metadata)
                        .sts_endpoint(sts.clone()),
                    ),
                ));
            }
        }
        let ini_path = non_empty(env(ENV_CREDENTIALS_FILE))
            .map(PathBuf::from)
            .or_else(|| {
                home.as_ref()
                    .map(|h| h.join(".alibabacloud").join("credentials.ini"))
            });
        if let Some(path) = ini_path {
            providers.push((
                "credentials file",
                Box::new(
                    IniProfileProvider::new(path, profile.unwrap_or_else(|| "default".into()))
                        .metadata_base_url(metadata)
                        .sts_endpoint(sts),
                ),
            ));
        }
        if !is_true(env(ENV_ECS_METADATA_DISABLED)) {
            providers.push((
                "ECS RAM role",
                Box::new(
                    EcsRamRoleProvider::new(non_empty(env(ENV_ECS_METADATA)))
                        .metadata_base_url(metadata)
                        .imdsv1_fallback(!is_true(env(ENV_IMDSV1_DISABLED))),
                ),
            ));
        }
        if let Some(uri) = non_empty(env(ENV_CREDENTIALS_URI)) {
            providers.push(("credentials URI", Box::new(UriProvider::new(uri))));
        }
        DefaultCredentialsChain {
            providers,
            chosen: Mutex::new(None),
        }
    }
}

impl Default for DefaultCredentialsChain {
    fn default() -> Self {
        Self::new()
    }
}

fn home_dir(env: &(dyn Fn(&str) -> Option<String> + Send + Sync)) -> Option<PathBuf> {
    non_empty(env("HOME"))
        .or_else(|| non_empty(env("USERPROFILE")))
        .map(PathBuf::from)
}

impl ProvideCredentials for DefaultCredentialsChain {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(async move {
            let chosen = *self.chosen.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(i) = chosen {
                return self.providers[i].1.provide_credentials().await;
            }
            let mut reasons = Vec::new();
            for (i, (name, p)) in self.providers.iter().enumerate() {
                match p.provide_credentials().await {
                    Ok(c) => {
                        tracing::debug!(source = name, "credentials found");
                        *self.chosen.lock().unwrap_or_else(|e| e.into_inner()) = Some(i);
                        return Ok(c);
                    }
                    Err(e) => reasons.push(format!("{name}: {}", strip_prefix(&e))),
                }
            }
            Err(Error::Credentials(format!(
                "no credentials found ({})",
                reasons.join("; ")
            )))
        })
    }
}

fn strip_prefix(e: &Error) -> String {
    match e {
        Error::Credentials(m) => m.clone(),
        other => other.to_string(),
    }
}

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

    #[test]
    fn environment() {
        let p = EnvironmentProvider::with_lookup(|k| match k {
            ENV_ACCESS_KEY_ID => Some("id".into()),
            ENV_ACCESS_KEY_SECRET => Some("secret".into()),
            ENV_SECURITY_TOKEN => Some(String::new()),
            _ => None,
        });
        let c = p.load().unwrap();
        assert_eq!(
            (c.access_key_id(), c.access_key_secret(), c.security_token()),
            ("id", "secret", None)
        );
        let p = EnvironmentProvider::with_lookup(|k| (k == ENV_ACCESS_KEY_ID).then(|| "id".into()));
        assert!(matches!(p.load(), Err(Error::Credentials(_))));
    }
}
