//! What the profile-file sources share: what a profile resolves to, and its provider built once.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::*;
use crate::Error;

/// Where the sources that fetch temporary credentials send their requests (tests point them at 127.0.0.1).
#[derive(Debug, Clone)]
pub(super) struct Endpoints {
    pub(super) metadata_base_url: String,
    pub(super) sts: String,
}

impl Default for Endpoints {
    fn default() -> Self {
        Endpoints {
            metadata_base_url: DEFAULT_METADATA_BASE_URL.to_string(),
            sts: DEFAULT_STS_ENDPOINT.to_string(),
        }
    }
}

/// What to assume a role with, besides its source credentials.
#[derive(Debug, Clone, Default)]
pub(crate) struct RoleSettings {
    pub(crate) role_arn: String,
    pub(crate) session_name: Option<String>,
    pub(crate) duration_seconds: Option<u64>,
    pub(crate) policy: Option<String>,
    pub(crate) external_id: Option<String>,
}

/// What a profile resolves to.
pub(super) enum ProfileEntry {
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
pub(super) struct Resolved {
    pub(super) endpoints: Endpoints,
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
    pub(super) async fn provide(
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

pub(super) fn read_file(path: &Path) -> Result<String, Error> {
    std::fs::read_to_string(path)
        .map_err(|e| Error::Credentials(format!("cannot read {}: {e}", path.display())))
}
