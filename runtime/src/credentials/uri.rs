//! Credentials served over HTTP by a URI (`ALIBABA_CLOUD_CREDENTIALS_URI`), e.g. a sidecar.

use std::fmt;
use std::sync::OnceLock;
use std::time::Duration;

use super::{CachedCredentials, CredentialsFuture, ProvideCredentials, TemporaryCredentials};
use crate::Error;

/// Credentials from `GET <uri>`, answered as the ECS metadata service does:
/// `{"Code": "Success", "AccessKeyId": …, "AccessKeySecret": …, "SecurityToken": …, "Expiration": …}`.
/// Cached and fetched again three minutes before `Expiration`.
pub struct UriProvider {
    uri: String,
    http: OnceLock<reqwest::Client>,
    cache: CachedCredentials,
}

impl fmt::Debug for UriProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The URI may carry a token in its query: show only where it points.
        let shown = self.uri.split(['?', '#']).next().unwrap_or_default();
        f.debug_struct("UriProvider")
            .field("uri", &shown)
            .finish_non_exhaustive()
    }
}

impl UriProvider {
    /// Fetches from `uri` (`http://` or `https://`).
    pub fn new(uri: impl Into<String>) -> Self {
        UriProvider {
            uri: uri.into(),
            http: OnceLock::new(),
            cache: CachedCredentials::new(Duration::from_secs(180)),
        }
    }

    async fn fetch(&self) -> Result<(super::Credentials, Option<time::OffsetDateTime>), Error> {
        let what = "the credentials URI";
        let http = self.http.get_or_init(|| {
            reqwest::Client::builder()
                .connect_timeout(Duration::from_secs(5))
                .timeout(Duration::from_secs(10))
                .build()
                .unwrap_or_default()
        });
        let response = http.get(&self.uri).send().await.map_err(|e| {
            Error::Credentials(format!("{what} did not answer: {}", e.without_url()))
        })?;
        let status = response.status().as_u16();
        if !(200..300).contains(&status) {
            return Err(Error::Credentials(format!("{what} answered HTTP {status}")));
        }
        let body = response
            .text()
            .await
            .map_err(|e| Error::Credentials(format!("{what}: {}", e.without_url())))?;
        TemporaryCredentials::read(&body, what)
    }
}

impl ProvideCredentials for UriProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(self.cache.get("credentials URI", self.fetch()))
    }
}
