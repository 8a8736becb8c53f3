//! Credentials served over HTTP by a URI (`ALIBABA_CLOUD_CREDENTIALS_URI`), e.g. a sidecar.

use std::fmt;
use std::time::Duration;

use super::cache::{fetch, plain_request};
use super::{CachedCredentials, CredentialsFuture, ProvideCredentials, TemporaryCredentials};
use crate::transport::HttpTransport;
use crate::{Error, HttpMethod};

/// Credentials from `GET <uri>`, answered as the ECS metadata service does:
/// `{"Code": "Success", "AccessKeyId": …, "AccessKeySecret": …, "SecurityToken": …, "Expiration": …}`.
/// Cached and fetched again three minutes before `Expiration`.
pub struct UriProvider {
    uri: String,
    http: HttpTransport,
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
            http: HttpTransport::new(),
            cache: CachedCredentials::new(Duration::from_secs(180)),
        }
    }

    async fn fetch(&self) -> Result<(super::Credentials, Option<time::OffsetDateTime>), Error> {
        let what = "the credentials URI";
        let request = plain_request(HttpMethod::Get, &self.uri, Vec::new(), what)?;
        let response = fetch(
            &self.http,
            request,
            Duration::from_secs(5),
            Duration::from_secs(10),
        )
        .await
        .map_err(|e| Error::Credentials(format!("{what}: {e}")))?;
        if !(200..300).contains(&response.status) {
            return Err(Error::Credentials(format!(
                "{what} answered HTTP {}",
                response.status
            )));
        }
        let body = String::from_utf8_lossy(&response.body);
        TemporaryCredentials::read(&body, what)
    }
}

impl ProvideCredentials for UriProvider {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(self.cache.get("credentials URI", self.fetch()))
    }
}
