//! The default chain of credential sources.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::role::sts_endpoint_from;
use super::*;
use crate::Error;

// ---------------------------------------------------------------------------------------------------------------
// The default chain

/// The credential sources of the official SDKs, in their order (see the [module docs](crate::credentials)).
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

    /// The chain over `env` and `home`, with the default metadata service.
    pub(crate) fn from_env(env: EnvLookup, home: Option<PathBuf>) -> Self {
        let sts = sts_endpoint_from(&*env);
        Self::build(env, home, DEFAULT_METADATA_BASE_URL, sts)
    }

    fn build(env: EnvLookup, home: Option<PathBuf>, metadata: &str, sts: String) -> Self {
        let mut providers: Vec<(&'static str, Box<dyn ProvideCredentials>)> = Vec::new();
        providers.push((
            "environment",
            Box::new(EnvironmentProvider::with_env(env.clone())),
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

pub(crate) fn home_dir(env: &(dyn Fn(&str) -> Option<String> + Send + Sync)) -> Option<PathBuf> {
    non_empty(env("HOME"))
        .or_else(|| non_empty(env("USERPROFILE")))
        .map(PathBuf::from)
}

/// The region the environment names, as the official tools read it: `ALIBABA_CLOUD_REGION_ID`, else the
/// `region_id` of the aliyun CLI profile (`ALIBABA_CLOUD_PROFILE`, else the file's current one) unless
/// `ALIBABA_CLOUD_CLI_PROFILE_DISABLED=true`. Returns the region and where it came from.
pub(crate) fn region_from_env(env: &EnvLookup, home: Option<&Path>) -> Option<(String, String)> {
    if let Some(r) = non_empty(env(ENV_REGION_ID)) {
        return Some((r.trim().to_string(), ENV_REGION_ID.to_string()));
    }
    if is_true(env(ENV_CLI_PROFILE_DISABLED)) {
        return None;
    }
    let path = home?.join(".aliyun").join("config.json");
    let region = super::cli::cli_region(&path, non_empty(env(ENV_PROFILE)).as_deref())?;
    Some((region, format!("region_id in {}", path.display())))
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
