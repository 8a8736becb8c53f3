//! Temporary credentials: how sources answer them, and the cache that refreshes them before they expire.

use std::future::Future;
use std::time::Duration;

use serde::Deserialize;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::*;
use crate::transport::{HttpRequest, HttpResponse, HttpTransport, Limits, Transport};
use crate::{Error, HttpMethod};

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct TemporaryCredentials {
    #[serde(default)]
    code: Option<String>,
    access_key_id: Option<String>,
    access_key_secret: Option<String>,
    security_token: Option<String>,
    expiration: Option<String>,
}

impl TemporaryCredentials {
    /// Reads `body`, which came from `source` (named in errors; the body is never quoted: it holds the secret).
    pub(crate) fn read(
        body: &str,
        source: &str,
    ) -> Result<(Credentials, Option<OffsetDateTime>), Error> {
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

pub(crate) fn parse_expiration(text: &str, source: &str) -> Result<OffsetDateTime, Error> {
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

    pub(crate) fn set_refresh_before(&mut self, d: Duration) {
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

/// Largest answer a credential source reads (the metadata service, a credentials URI): credentials are a few
/// hundred bytes.
pub(crate) const MAX_CREDENTIALS_BODY_BYTES: u64 = 64 << 10;

/// One bounded exchange of a credential source: at most `total` in all, a body of at most
/// [`MAX_CREDENTIALS_BODY_BYTES`], through the runtime's transport (redirects are not followed).
pub(crate) async fn fetch(
    transport: &HttpTransport,
    request: HttpRequest,
    connect_timeout: Duration,
    total: Duration,
) -> Result<HttpResponse, Error> {
    let limits = Limits {
        connect_timeout,
        read_timeout: total,
        max_body_bytes: MAX_CREDENTIALS_BODY_BYTES,
    };
    match tokio::time::timeout(total, transport.send(request, &limits)).await {
        Ok(r) => r,
        Err(_) => Err(Error::Timeout {
            message: format!("no whole answer within {total:?}"),
            request_sent: true,
        }),
    }
}

/// A request without body to a URL given by the user or the environment (named in errors without its query,
/// which may hold a token).
pub(crate) fn plain_request(
    method: HttpMethod,
    url: &str,
    headers: Vec<(String, String)>,
    what: &str,
) -> Result<HttpRequest, Error> {
    let url = reqwest::Url::parse(url).map_err(|_| {
        let shown = url.split(['?', '#']).next().unwrap_or_default();
        Error::Credentials(format!("{what}: {shown:?} is not a URL"))
    })?;
    Ok(HttpRequest {
        method,
        url,
        headers,
        body: Vec::new(),
    })
}
