//! Credentials of the ECS instance's RAM role, from the instance metadata service.

use std::fmt;
use std::time::Duration;

use time::OffsetDateTime;

use super::cache::{fetch, plain_request};
use super::*;
use crate::transport::{HttpResponse, HttpTransport};
use crate::{Error, HttpMethod};

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
    http: HttpTransport,
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

impl EcsRamRoleProvider {
    /// Role `role_name`, or the role attached to the instance when `None`.
    pub fn new(role_name: Option<String>) -> Self {
        EcsRamRoleProvider {
            role_name,
            base_url: DEFAULT_METADATA_BASE_URL.to_string(),
            imdsv1_fallback: true,
            http: HttpTransport::new().no_proxy(),
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

    /// One bounded exchange with the metadata service (1 s to connect, 5 s in all, 64 KiB of answer).
    async fn exchange(
        &self,
        method: HttpMethod,
        path: &str,
        header: Option<(&str, &str)>,
    ) -> Result<HttpResponse, Error> {
        let headers = header
            .map(|(k, v)| vec![(k.to_string(), v.to_string())])
            .unwrap_or_default();
        let url = format!("{}{path}", self.base_url);
        let request = plain_request(method, &url, headers, "the ECS metadata service")?;
        fetch(
            &self.http,
            request,
            Duration::from_secs(1),
            Duration::from_secs(5),
        )
        .await
    }

    async fn session_token(&self) -> Result<Option<String>, Error> {
        let ttl = ("x-aliyun-ecs-metadata-token-ttl-seconds", "21600");
        let failure = match self
            .exchange(HttpMethod::Put, "/latest/api/token", Some(ttl))
            .await
        {
            Ok(r) if (200..300).contains(&r.status) => {
                let token = String::from_utf8_lossy(&r.body).trim().to_string();
                if !token.is_empty() {
                    return Ok(Some(token));
                }
                "empty token".to_string()
            }
            Ok(r) => format!("HTTP {}", r.status),
            // Nothing answers: not on ECS (or no metadata service); IMDSv1 would not answer either.
            Err(
                e @ (Error::Connect {
                    request_sent: false,
                    ..
                }
                | Error::Timeout { .. }),
            ) => {
                return Err(Error::Credentials(format!(
                    "the ECS metadata service at {} does not answer ({e})",
                    self.base_url,
                )))
            }
            Err(e) => e.to_string(),
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
        let what = "the ECS metadata service";
        let header = token.map(|t| ("x-aliyun-ecs-metadata-token", t));
        let resp = self
            .exchange(HttpMethod::Get, path, header)
            .await
            .map_err(|e| Error::Credentials(format!("{what}: {e}")))?;
        if !(200..300).contains(&resp.status) {
            return Err(Error::Credentials(format!(
                "{what} answered HTTP {} for {path}",
                resp.status
            )));
        }
        Ok(String::from_utf8_lossy(&resp.body).into_owned())
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
