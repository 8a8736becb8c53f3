//! The skip-unchanged cache of regen: what identifies the generator, the hash of a service's inputs, and the
//! hash of each file the last regen left, so a service whose pages and files are as they were is skipped.

use super::{ServiceDone, ServiceReport};
use crate::write;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

/// What identifies the generator: its version and its executable (size and time), so a rebuilt generator
/// never trusts a cache written by another build.
pub fn fingerprint() -> String {
    let exe = std::env::current_exe()
        .ok()
        .and_then(|p| Stamp::of(&p).map(|s| format!("{} {}", p.display(), s.describe())));
    format!(
        "codegen {} {}",
        env!("CARGO_PKG_VERSION"),
        exe.unwrap_or_default()
    )
}

/// SHA-256 over the generator's fingerprint and every file directly in the service folder (name and bytes).
pub(super) fn inputs_hash(dir: &Path, fingerprint: &str) -> io::Result<String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    let mut hash = Sha256::new();
    hash.update(fingerprint.as_bytes());
    for f in files {
        let bytes = std::fs::read(&f)?;
        let name = f
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        hash.update((name.len() as u64).to_le_bytes());
        hash.update(name.as_bytes());
        hash.update((bytes.len() as u64).to_le_bytes());
        hash.update(&bytes);
    }
    Ok(format!("{:x}", hash.finalize()))
}

/// Size and modification time of a file: identifies the generator's own executable, which cargo rewrites
/// on every build (hashing tens of megabytes on every run would cost more than the cache saves).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified_ns: u128,
}

impl Stamp {
    fn of(path: &Path) -> Option<Stamp> {
        let meta = std::fs::metadata(path).ok()?;
        let modified = meta.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
        Some(Stamp {
            len: meta.len(),
            modified_ns: modified.as_nanos(),
        })
    }
    fn describe(&self) -> String {
        format!("{} {}", self.len, self.modified_ns)
    }
}

/// SHA-256 of a generated file's contents: a hand edit is noticed whatever its size and time.
pub(super) fn content_hash(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

/// The skip-unchanged cache: per service, the hash of its inputs and of each file regen left.
/// It lives outside `generated/` (under `target/`), since it describes one machine's files, not the code.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Cache {
    fingerprint: String,
    services: BTreeMap<String, CacheEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct CacheEntry {
    pub(super) inputs: String,
    /// Path → SHA-256 of the contents.
    pub(super) outputs: BTreeMap<String, String>,
    pub(super) report: ServiceReport,
}

impl Cache {
    /// What the next regen may skip: the services done now that can be cached.
    pub(super) fn of(fingerprint: &str, done: &[ServiceDone]) -> Cache {
        Cache {
            fingerprint: fingerprint.to_string(),
            services: done
                .iter()
                .filter_map(|s| Some((s.report.name.clone(), s.entry()?)))
                .collect(),
        }
    }

    pub(super) fn load(path: &Path, fingerprint: &str) -> Cache {
        std::fs::read(path)
            .ok()
            .and_then(|b| serde_json::from_slice::<Cache>(&b).ok())
            .filter(|c| c.fingerprint == fingerprint)
            .unwrap_or_default()
    }

    pub(super) fn save(&self, path: &Path) -> io::Result<()> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let json = serde_json::to_vec(self).map_err(io::Error::other)?;
        let tmp = path.with_extension("tmp");
        std::fs::write(&tmp, json)?;
        std::fs::rename(tmp, path)
    }

    /// The service as the last regen left it, when its inputs are the same and its files untouched (none
    /// changed, none missing, none added).
    pub(super) fn hit(&self, name: &str, inputs: &str, target: &Path) -> Option<ServiceDone> {
        let entry = self.services.get(name)?;
        if entry.inputs != inputs {
            return None;
        }
        let mut existing = Vec::new();
        write::list_files(&target.join(name), name, &mut existing).ok()?;
        if existing.len() != entry.outputs.len() {
            return None;
        }
        for path in &existing {
            let bytes = std::fs::read(target.join(path)).ok()?;
            if entry.outputs.get(path) != Some(&content_hash(&bytes)) {
                return None;
            }
        }
        let mut report = entry.report.clone();
        report.cached = true;
        report.unchanged = existing.len();
        Some(ServiceDone {
            report,
            inputs: inputs.to_string(),
            produced: entry.outputs.clone(),
            changed: Vec::new(),
            stale: Vec::new(),
            diff: String::new(),
        })
    }
}
