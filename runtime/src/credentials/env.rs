//! Credentials from the environment.

use std::fmt;
use std::sync::Arc;

use super::*;
use crate::Error;

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

    pub(super) fn with_env(env: EnvLookup) -> Self {
        EnvironmentProvider { env }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::*;

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
