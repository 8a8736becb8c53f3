//! Credentials from the INI credentials file (`~/.alibabacloud/credentials.ini`).

use std::path::PathBuf;

use super::profile::{read_file, ProfileEntry, Resolved};
use super::*;
use crate::Error;

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
