//! `specs/` → `generated/`, one service at a time: what `cargo xtask regen` runs.
//!
//! Each service is read, emitted and compared with the disk on its own, on up to `jobs` threads, and dropped
//! before the next is taken, so memory follows the largest service, not the whole tree. Changed files go to
//! a staging folder inside the target (`.regen-staging/`, hidden from the generated crates) and are renamed
//! into place only when every service succeeded: an error anywhere leaves `generated/` as it was.
//!
//! A regen that finds a service's inputs (its files under `specs/`, and the generator binary) and its outputs
//! exactly as the last run left them skips that service: see [`Cache`]. `--check` never trusts the cache.

use crate::diag::{Failure, Summary};
use crate::emit::{self, EmitError, GeneratedFile};
use crate::merge::service::RefusedPage;
use crate::write::{self, Mode, WriteError};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::UNIX_EPOCH;

/// Where and how to regenerate.
#[derive(Debug, Clone)]
pub struct Options {
    /// The repository root: spans and headers name files relative to it.
    pub root: PathBuf,
    /// The folder of service folders (`specs/`).
    pub specs: PathBuf,
    /// The folder of generated crates (`generated/`).
    pub target: PathBuf,
    pub mode: Mode,
    /// Threads; services are the unit of work.
    pub jobs: usize,
    /// The skip-unchanged cache file, if any (ignored in check mode).
    pub cache: Option<PathBuf>,
    /// Write what could be read: a service's pages with errors are left out (with their operations) and
    /// listed in the report, instead of failing the whole regen.
    pub keep_going: bool,
}

/// What a regen found and did, services in folder order.
#[derive(Debug, Default)]
pub struct Report {
    pub services: Vec<ServiceReport>,
    /// Files created or changed (check mode: that would be), relative to the target.
    pub written: Vec<String>,
    /// Owned files no service produces any more.
    pub removed: Vec<String>,
    /// Check mode: a unified diff of every difference.
    pub diff: String,
}

impl Report {
    pub fn is_up_to_date(&self) -> bool {
        self.written.is_empty() && self.removed.is_empty()
    }
    pub fn operations(&self) -> usize {
        self.services.iter().map(|s| s.operations).sum()
    }
    pub fn warnings(&self) -> usize {
        self.services.iter().map(|s| s.warnings).sum()
    }
    pub fn unchanged(&self) -> usize {
        self.services.iter().map(|s| s.unchanged).sum()
    }
    pub fn cached(&self) -> usize {
        self.services.iter().filter(|s| s.cached).count()
    }
    /// Warnings and errors of every service, by kind.
    pub fn summary(&self) -> Summary {
        let mut all = Summary::default();
        for s in &self.services {
            all.add(&s.summary);
        }
        all
    }
    /// Keeping going: the services that could not be read at all.
    pub fn failed(&self) -> impl Iterator<Item = &str> {
        self.services
            .iter()
            .flat_map(|s| s.failed.iter().map(String::as_str))
    }
    /// Keeping going: the pages left out, by service.
    pub fn refused(&self) -> impl Iterator<Item = (&str, &RefusedPage)> {
        self.services
            .iter()
            .flat_map(|s| s.refused.iter().map(move |r| (s.name.as_str(), r)))
    }
}

/// One service's part of a [`Report`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceReport {
    pub name: String,
    pub operations: usize,
    pub warnings: usize,
    /// The warnings as rendered for a terminal (kept by the cache, so a skipped service still shows them).
    pub rendered_warnings: String,
    /// Warnings (and, keeping going, errors) by kind.
    #[serde(default)]
    pub summary: Summary,
    /// Keeping going: pages left out because of their errors, and those errors rendered. Such a service is
    /// never cached, so the next regen says so again.
    #[serde(default)]
    pub refused: Vec<RefusedPage>,
    #[serde(default)]
    pub rendered_errors: String,
    /// Keeping going: services that could not be read at all (their generated files are left as they were).
    #[serde(default)]
    pub failed: Vec<String>,
    pub unchanged: usize,
    /// Skipped: inputs and outputs as the last regen left them.
    #[serde(skip)]
    pub cached: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum RegenError {
    /// Some services could not be read or emitted; nothing was written.
    #[error("regen failed for {}; nothing was written", failed.join(", "))]
    Failed {
        failed: Vec<String>,
        /// The warnings of every service, rendered for a terminal.
        rendered: String,
        /// The errors, rendered apart so they can be printed last.
        rendered_errors: String,
        /// Warnings and errors of every service, by kind.
        summary: Summary,
    },
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// Regenerates every service folder under `opts.specs`.
pub fn run(opts: &Options) -> Result<Report, RegenError> {
    let dirs = service_dirs(&opts.specs).map_err(write::io_err(&opts.specs))?;
    let fingerprint = fingerprint();
    let cache = match (&opts.cache, opts.mode) {
        (Some(path), Mode::Write) => Cache::load(path, &fingerprint),
        _ => Cache::default(),
    };
    let staging = opts.target.join(STAGING);
    if opts.mode == Mode::Write {
        let _ = std::fs::remove_dir_all(&staging);
    }

    let results = parallel(&dirs, opts.jobs, |dir| {
        service(dir, opts, &staging, &cache, &fingerprint)
    });
    let mut failed = Vec::new();
    let mut rendered = String::new();
    let mut rendered_errors = String::new();
    let mut summary = Summary::default();
    let mut done = Vec::new();
    for (dir, result) in dirs.iter().zip(results) {
        match result {
            Ok(s) => done.push(s),
            Err(ServiceFailure::Read(f)) => {
                let (warnings, errors) = f.sources.render_split(&f.diagnostics);
                rendered.push_str(&warnings);
                rendered_errors.push_str(&errors);
                summary.add(&Summary::of(&f.diagnostics));
                failed.push(name_of(dir));
            }
            Err(ServiceFailure::Emit(e)) => {
                rendered_errors.push_str(&format!("error: {e}\n"));
                *summary
                    .errors
                    .entry("generated code does not parse (a bug of the generator)".into())
                    .or_default() += 1;
                failed.push(name_of(dir));
            }
            Err(ServiceFailure::Write(e)) => {
                let _ = std::fs::remove_dir_all(&staging);
                return Err(e.into());
            }
        }
    }
    if !failed.is_empty() && !opts.keep_going {
        let _ = std::fs::remove_dir_all(&staging);
        let mut all = String::new();
        for s in &done {
            all.push_str(&s.report.rendered_warnings);
            rendered_errors.push_str(&s.report.rendered_errors);
            summary.add(&s.report.summary);
        }
        all.push_str(&rendered);
        let rendered = all;
        return Err(RegenError::Failed {
            failed,
            rendered,
            rendered_errors,
            summary,
        });
    }

    // Folders the generator owns whose service is gone: all their files are stale.
    let names: BTreeSet<String> = dirs.iter().map(|d| name_of(d)).collect();
    let mut removed: Vec<String> = Vec::new();
    for dir in write::owned_dirs(&opts.target) {
        if !names.contains(&dir) {
            write::list_files(&opts.target.join(&dir), &dir, &mut removed)
                .map_err(write::io_err(&opts.target.join(&dir)))?;
        }
    }

    let mut report = Report::default();
    for s in &done {
        removed.extend(s.stale.iter().cloned());
        report.written.extend(s.changed.iter().cloned());
        report.diff.push_str(&s.diff);
    }
    removed.sort();
    report.written.sort();
    match opts.mode {
        Mode::Check => {
            for path in &removed {
                let full = opts.target.join(path);
                let old = std::fs::read(&full)
                    .map(|b| String::from_utf8_lossy(&b).into_owned())
                    .unwrap_or_default();
                report.diff.push_str(&write::diff(path, &old, ""));
            }
        }
        Mode::Write => {
            for path in &report.written {
                let to = opts.target.join(path);
                if let Some(parent) = to.parent() {
                    std::fs::create_dir_all(parent).map_err(write::io_err(parent))?;
                }
                std::fs::rename(staging.join(path), &to).map_err(write::io_err(&to))?;
            }
            let _ = std::fs::remove_dir_all(&staging);
            for path in &removed {
                write::remove(&opts.target, path)?;
            }
            if let Some(path) = &opts.cache {
                let mut next = Cache {
                    fingerprint: fingerprint.clone(),
                    services: BTreeMap::new(),
                };
                for s in &done {
                    if let Some(entry) = s.entry(&opts.target) {
                        next.services.insert(s.report.name.clone(), entry);
                    }
                }
                // The cache only saves time: failing to write it is no reason to fail the regen.
                let _ = next.save(path);
            }
        }
    }
    report.removed = removed;
    report.services = done.into_iter().map(|s| s.report).collect();
    if !failed.is_empty() {
        // Keeping going: the services that could not be read at all are left as they were on disk.
        report.services.push(ServiceReport {
            name: failed.join(", "),
            rendered_warnings: rendered,
            rendered_errors,
            summary,
            failed,
            ..ServiceReport::default()
        });
    }
    Ok(report)
}

/// Hidden, so neither [`write::list_files`] nor a generated crate ever sees it.
const STAGING: &str = ".regen-staging";

enum ServiceFailure {
    Read(Failure),
    Emit(EmitError),
    Write(WriteError),
}

impl From<EmitError> for ServiceFailure {
    fn from(e: EmitError) -> Self {
        ServiceFailure::Emit(e)
    }
}

impl From<WriteError> for ServiceFailure {
    fn from(e: WriteError) -> Self {
        ServiceFailure::Write(e)
    }
}

/// One service done, its files compared (and in write mode staged).
struct ServiceDone {
    report: ServiceReport,
    inputs: String,
    /// Every file the service produces now.
    produced: Vec<String>,
    changed: Vec<String>,
    stale: Vec<String>,
    diff: String,
}

impl ServiceDone {
    /// The cache entry for this service once its files are in place.
    fn entry(&self, target: &Path) -> Option<CacheEntry> {
        if !self.report.refused.is_empty() {
            return None;
        }
        let outputs = self
            .produced
            .iter()
            .map(|p| Some((p.clone(), Stamp::of(&target.join(p))?)))
            .collect::<Option<BTreeMap<_, _>>>()?;
        Some(CacheEntry {
            inputs: self.inputs.clone(),
            outputs,
            report: self.report.clone(),
        })
    }
}

fn service(
    dir: &Path,
    opts: &Options,
    staging: &Path,
    cache: &Cache,
    fingerprint: &str,
) -> Result<ServiceDone, ServiceFailure> {
    let name = name_of(dir);
    let inputs = inputs_hash(dir, fingerprint).map_err(write::io_err(dir))?;
    if let Some(done) = cache.hit(&name, &inputs, &opts.target) {
        return Ok(done);
    }
    let read = crate::merge::service::read_service_with(dir, &opts.root, opts.keep_going)
        .map_err(ServiceFailure::Read)?;
    let mut summary = Summary::of(&read.warnings);
    summary.add(&Summary::of(&read.errors));
    let mut report = ServiceReport {
        name: name.clone(),
        operations: read.service.operations.len(),
        warnings: read.warnings.len(),
        rendered_warnings: if read.warnings.is_empty() {
            String::new()
        } else {
            read.sources.render(&read.warnings)
        },
        summary,
        refused: read.refused.clone(),
        rendered_errors: read.sources.render(&read.errors),
        ..ServiceReport::default()
    };
    drop(read.sources);
    let mut produced = Vec::new();
    let mut changed = Vec::new();
    let mut diff = String::new();
    emit::service_each(&read.service, |file: GeneratedFile| {
        write::check_path(&file.path)?;
        if !file.path.starts_with(&format!("{name}/")) {
            return Err(WriteError::BadPath(file.path).into());
        }
        match write::differs(&opts.target.join(&file.path), &file.contents)? {
            None => report.unchanged += 1,
            Some(old) => {
                match opts.mode {
                    Mode::Check => diff.push_str(&write::diff(&file.path, &old, &file.contents)),
                    Mode::Write => {
                        write::write_atomic(&staging.join(&file.path), file.contents.as_bytes())?
                    }
                }
                changed.push(file.path.clone());
            }
        }
        produced.push(file.path);
        Ok::<_, ServiceFailure>(())
    })?;
    let wanted: BTreeSet<&str> = produced.iter().map(String::as_str).collect();
    let mut existing = Vec::new();
    let folder = opts.target.join(&name);
    write::list_files(&folder, &name, &mut existing).map_err(write::io_err(&folder))?;
    let stale = existing
        .into_iter()
        .filter(|p| !wanted.contains(p.as_str()))
        .collect();
    produced.sort();
    Ok(ServiceDone {
        report,
        inputs,
        produced,
        changed,
        stale,
        diff,
    })
}

/// Runs `f` on every item on up to `jobs` threads; results in item order.
fn parallel<T: Sync, R: Send>(items: &[T], jobs: usize, f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let jobs = jobs.clamp(1, items.len().max(1));
    if jobs == 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<R>>> = Mutex::new(items.iter().map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(item) = items.get(i) else { break };
                let r = f(item);
                if let Ok(mut all) = results.lock() {
                    all[i] = Some(r);
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_default()
        .into_iter()
        .flatten()
        .collect()
}

/// The service folders under `specs`, sorted.
fn service_dirs(specs: &Path) -> io::Result<Vec<PathBuf>> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(specs)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    Ok(dirs)
}

fn name_of(dir: &Path) -> String {
    dir.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

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
fn inputs_hash(dir: &Path, fingerprint: &str) -> io::Result<String> {
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

/// Size and modification time of a file: enough to notice that anything but regen touched it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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

/// The skip-unchanged cache: per service, the hash of its inputs and the stamps of the files regen left.
/// It lives outside `generated/` (under `target/`), since it describes one machine's files, not the code.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Cache {
    fingerprint: String,
    services: BTreeMap<String, CacheEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct CacheEntry {
    inputs: String,
    outputs: BTreeMap<String, Stamp>,
    report: ServiceReport,
}

impl Cache {
    fn load(path: &Path, fingerprint: &str) -> Cache {
        std::fs::read(path)
            .ok()
            .and_then(|b| serde_json::from_slice::<Cache>(&b).ok())
            .filter(|c| c.fingerprint == fingerprint)
            .unwrap_or_default()
    }

    fn save(&self, path: &Path) -> io::Result<()> {
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
    fn hit(&self, name: &str, inputs: &str, target: &Path) -> Option<ServiceDone> {
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
            if entry.outputs.get(path) != Stamp::of(&target.join(path)).as_ref() {
                return None;
            }
        }
        let mut report = entry.report.clone();
        report.cached = true;
        report.unchanged = existing.len();
        Some(ServiceDone {
            report,
            inputs: inputs.to_string(),
            produced: existing,
            changed: Vec::new(),
            stale: Vec::new(),
            diff: String::new(),
        })
    }
}
