//! Credentials (and the region) from the aliyun CLI's `~/.aliyun/config.json`.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::profile::{read_file, ProfileEntry, Resolved};
use super::*;
use crate::Error;

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
    region_id: Option<String>,
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

/// The `region_id` of a profile of the aliyun CLI's config file at `path`: profile `profile`, else the file's
/// `current` one. `None` when the file, the profile or its region is missing (regions are optional there).
pub(crate) fn cli_region(path: &Path, profile: Option<&str>) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    let config: CliConfig = serde_json::from_str(&text).ok()?;
    let name = profile
        .map(str::to_string)
        .or(config.current.clone())
        .unwrap_or_else(|| "default".to_string());
    let p = config.profiles.into_iter().find(|p| p.name == name)?;
    non_empty(p.region_id)
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
