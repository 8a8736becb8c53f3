//! Credentials and where they come from.
//!
//! [`DefaultCredentialsChain`] looks where the official SDKs look, in the same order:
//! 1. environment: `ALIBABA_CLOUD_ACCESS_KEY_ID`, `ALIBABA_CLOUD_ACCESS_KEY_SECRET`, optional
//!    `ALIBABA_CLOUD_SECURITY_TOKEN`;
//! 2. the aliyun CLI profile file `~/.aliyun/config.json` (profile `ALIBABA_CLOUD_PROFILE`, else the file's
//!    `current`), modes `AK`, `StsToken` and `EcsRamRole`; skipped when `ALIBABA_CLOUD_CLI_PROFILE_DISABLED=true`;
//! 3. the credentials file `ALIBABA_CLOUD_CREDENTIALS_FILE`, else `~/.alibabacloud/credentials.ini` (section
//!    `ALIBABA_CLOUD_PROFILE`, else `default`), types `access_key`, `sts` and `ecs_ram_role`;
//! 4. the ECS instance RAM role from the metadata service (role `ALIBABA_CLOUD_ECS_METADATA`, else the one the
//!    instance has); skipped when `ALIBABA_CLOUD_ECS_METADATA_DISABLED=true`.
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

/// What a profile resolves to.
enum ProfileEntry {
    Static(Credentials),
    EcsRamRole(Option<String>),
}

/// A profile source that may hand over to the ECS metadata source (profiles of mode `EcsRamRole`).
#[derive(Debug)]
struct EcsDelegate {
    metadata_base_url: String,
    provider: OnceLock<EcsRamRoleProvider>,
}

impl EcsDelegate {
    fn new() -> Self {
        EcsDelegate {
            metadata_base_url: DEFAULT_METADATA_BASE_URL.to_string(),
            provider: OnceLock::new(),
        }
    }

    async fn resolve(&self, entry: ProfileEntry) -> Result<Credentials, Error> {
        match entry {
            ProfileEntry::Static(c) => Ok(c),
            ProfileEntry::EcsRamRole(role) => {
                let p = self.provider.get_or_init(|| {
                    EcsRamRoleProvider::new(role).metadata_base_url(self.metadata_base_url.clone())
                });
                p.provide_credentials().await
            }
        }
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
}

/// Credentials from an aliyun CLI configuration file (`~/.aliyun/config.json`).
///
/// Supported modes: `AK`, `StsToken`, `EcsRamRole` (handed to [`EcsRamRoleProvider`]).
#[derive(Debug)]
pub struct CliProfileProvider {
    path: PathBuf,
    profile: Option<String>,
    ecs: EcsDelegate,
}

impl CliProfileProvider {
    /// Reads `path`, profile `profile` (the file's `current` profile when `None`).
    pub fn new(path: impl Into<PathBuf>, profile: Option<String>) -> Self {
        CliProfileProvider {
            path: path.into(),
            profile,
            ecs: EcsDelegate::new(),
        }
    }

    /// Base URL of the metadata service for profiles of mode `EcsRamRole` (tests point it at a local server).
    pub fn metadata_base_url(mut self, url: impl Into<String>) -> Self {
        self.ecs.metadata_base_url = url.into();
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
            .or(config.current)
            .unwrap_or_else(|| "default".to_string());
        let p = config
            .profiles
            .into_iter()
            .find(|p| p.name == name)
            .ok_or_else(|| Error::Credentials(format!("{path} has no profile named {name:?}")))?;
        let mode = p.mode.as_deref().unwrap_or("AK");
        let pair = |p: &CliProfile| match (
            non_empty(p.access_key_id.clone()),
            non_empty(p.access_key_secret.clone()),
        ) {
            (Some(id), Some(secret)) => Ok(Credentials::new(id, secret)),
            _ => Err(Error::Credentials(format!(
                "profile {name:?} of {path} lacks access_key_id or access_key_secret"
            ))),
        };
        match mode {
            "AK" => Ok(ProfileEntry::Static(pair(&p)?)),
            "StsToken" => {
                let token = non_empty(p.sts_token.clone()).ok_or_else(|| {
                    Error::Credentials(format!("profile {name:?} of {path} has mode StsToken but no sts_token"))
                })?;
                Ok(ProfileEntry::Static(pair(&p)?.with_security_token(token)))
            }
            "EcsRamRole" => Ok(ProfileEntry::EcsRamRole(non_empty(p.ram_role_name))),
            other => Err(Error::Credentials(format!(
                "profile {name:?} of {path} has mode {other:?}, which this SDK does not support (AK, StsToken, EcsRamRole)"
            ))),
        }
    }
}

impl ProvideCredentials for CliProfileProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(async move {
            let entry = self.load()?;
            self.ecs.resolve(entry).await
        })
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
/// Supported types: `access_key`, `sts` (with `security_token`), `ecs_ram_role` (with `role_name`).
#[derive(Debug)]
pub struct IniProfileProvider {
    path: PathBuf,
    profile: String,
    ecs: EcsDelegate,
}

impl IniProfileProvider {
    /// Reads section `profile` of `path`.
    pub fn new(path: impl Into<PathBuf>, profile: impl Into<String>) -> Self {
        IniProfileProvider {
            path: path.into(),
            profile: profile.into(),
            ecs: EcsDelegate::new(),
        }
    }

    /// Base URL of the metadata service for `ecs_ram_role` profiles (tests point it at a local server).
    pub fn metadata_base_url(mut self, url: impl Into<String>) -> Self {
        self.ecs.metadata_base_url = url.into();
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
        match kind.as_str() {
            "access_key" => Ok(ProfileEntry::Static(pair()?)),
            "sts" => {
                let token = get("security_token").ok_or_else(|| {
                    Error::Credentials(format!("[{name}] of {path} has type sts but no security_token"))
                })?;
                Ok(ProfileEntry::Static(pair()?.with_security_token(token)))
            }
            "ecs_ram_role" => Ok(ProfileEntry::EcsRamRole(get("role_name"))),
            other => Err(Error::Credentials(format!(
                "[{name}] of {path} has type {other:?}, which this SDK does not support (access_key, sts, ecs_ram_role)"
            ))),
        }
    }
}

impl ProvideCredentials for IniProfileProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(async move {
            let entry = self.load()?;
            self.ecs.resolve(entry).await
        })
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
    refresh_before: Duration,
    http: OnceLock<reqwest::Client>,
    cache: tokio::sync::Mutex<Option<(Credentials, Option<OffsetDateTime>)>>,
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

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct MetadataCredentials {
    #[serde(default)]
    code: Option<String>,
    access_key_id: Option<String>,
    access_key_secret: Option<String>,
    security_token: Option<String>,
    expiration: Option<String>,
}

impl EcsRamRoleProvider {
    /// Role `role_name`, or the role attached to the instance when `None`.
    pub fn new(role_name: Option<String>) -> Self {
        EcsRamRoleProvider {
            role_name,
            base_url: DEFAULT_METADATA_BASE_URL.to_string(),
            imdsv1_fallback: true,
            refresh_before: Duration::from_secs(180),
            http: OnceLock::new(),
            cache: tokio::sync::Mutex::new(None),
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
        self.refresh_before = d;
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

    fn fresh(&self, expiration: Option<OffsetDateTime>) -> bool {
        match expiration {
            None => true,
            Some(exp) => OffsetDateTime::now_utc() + self.refresh_before < exp,
        }
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
        // Never quote the body: it holds the secret.
        let m: MetadataCredentials = serde_json::from_str(&body).map_err(|_| {
            Error::Credentials(format!(
                "the ECS metadata service gave unreadable credentials for role {role:?}"
            ))
        })?;
        if let Some(code) = m.code.as_deref().filter(|c| *c != "Success") {
            return Err(Error::Credentials(format!(
                "the ECS metadata service answered Code {code:?} for role {role:?}"
            )));
        }
        let (Some(id), Some(secret), Some(token)) = (
            non_empty(m.access_key_id),
            non_empty(m.access_key_secret),
            non_empty(m.security_token),
        ) else {
            return Err(Error::Credentials(format!(
                "incomplete ECS RAM role credentials for role {role:?}"
            )));
        };
        let expiration = match m.expiration.as_deref() {
            Some(e) => Some(OffsetDateTime::parse(e, &Rfc3339).map_err(|_| {
                Error::Credentials(format!(
                    "unreadable Expiration {e:?} in ECS RAM role credentials"
                ))
            })?),
            None => None,
        };
        Ok((
            Credentials::new(id, secret).with_security_token(token),
            expiration,
        ))
    }
}

impl ProvideCredentials for EcsRamRoleProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(async move {
            let mut cache = self.cache.lock().await;
            if let Some((c, exp)) = cache.as_ref() {
                if self.fresh(*exp) {
                    return Ok(c.clone());
                }
            }
            match self.fetch().await {
                Ok((c, exp)) => {
                    *cache = Some((c.clone(), exp));
                    Ok(c)
                }
                Err(e) => match cache.as_ref() {
                    // Refreshing early failed but the old credentials still hold: keep using them.
                    Some((c, Some(exp))) if OffsetDateTime::now_utc() < *exp => {
                        tracing::warn!(error = %e, "refreshing ECS RAM role credentials failed, using cached ones");
                        Ok(c.clone())
                    }
                    _ => Err(e),
                },
            }
        })
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
        Self::build(env, home, DEFAULT_METADATA_BASE_URL)
    }

    /// The chain over an environment given as a lookup function and an explicit home directory (`None`: no
    /// profile files under a home), with the default metadata service.
    pub fn with_env(
        lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
        home: Option<PathBuf>,
    ) -> Self {
        Self::build(Arc::new(lookup), home, DEFAULT_METADATA_BASE_URL)
    }

    /// Like [`with_env`](Self::with_env), with the ECS metadata service at `metadata_base_url`.
    pub fn with_env_and_metadata(
        lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
        home: Option<PathBuf>,
        metadata_base_url: impl Into<String>,
    ) -> Self {
        Self::build(Arc::new(lookup), home, &metadata_base_url.into())
    }

    fn build(env: EnvLookup, home: Option<PathBuf>, metadata: &str) -> Self {
        let mut providers: Vec<(&'static str, Box<dyn ProvideCredentials>)> = Vec::new();
        providers.push((
            "environment",
            Box::new(EnvironmentProvider { env: env.clone() }),
        ));
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
                        .metadata_base_url(metadata),
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
                        .metadata_base_url(metadata),
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
