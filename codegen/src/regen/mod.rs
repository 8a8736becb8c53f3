//! `specs/` → `generated/`, one service at a time: what `cargo xtask regen` runs.
//!
//! Each service is read, emitted and compared with the disk on its own, on up to `jobs` threads, and dropped
//! before the next is taken, so memory follows the largest service, not the whole tree. Changed files are
//! staged outside the target and put in place all together or not at all, under a lock that keeps a second
//! regen waiting (see [`write::commit`]): an error anywhere, a failed write or Ctrl-C leaves `generated/` as
//! it was, and a run that was killed is undone by the next.
//!
//! A regen that finds a service's inputs (its files under `specs/`, and the generator binary) and its outputs
//! exactly as the last run left them skips that service: see `regen::cache`. `--check` never trusts the cache.

mod cache;
pub mod folders;

pub use cache::fingerprint;
use cache::{content_hash, inputs_hash, Cache, CacheEntry};

use crate::diag::{Code, Diagnostic, Failure, Sources, Summary};
use crate::emit::{self, EmitError, GeneratedFile};
use crate::load::RefusedPage;
use crate::write::commit::{CommitFault, Staging, Wait, WorkDir};
use crate::write::{self, Mode, WriteError};
use folders::name_of;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

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
    /// Whether to wait for another regen of the same target, or fail with [`WriteError::Busy`].
    pub wait: Wait,
    /// Set (by a Ctrl-C handler) to stop: regen stops between services and between file moves, and leaves
    /// the target as it was.
    pub stop: Option<Arc<AtomicBool>>,
    #[doc(hidden)]
    pub commit_fault: Option<CommitFault>,
}

impl Options {
    /// Write mode, `specs/` → `generated/` under `root`, one thread, no cache, waiting for the lock.
    pub fn new(root: &Path) -> Options {
        Options {
            root: root.to_path_buf(),
            specs: root.join("specs"),
            target: root.join("generated"),
            mode: Mode::Write,
            jobs: 1,
            cache: None,
            wait: Wait::Yes,
            stop: None,
            commit_fault: None,
            keep_going: false,
        }
    }

    fn stopped(&self) -> bool {
        self.stop
            .as_ref()
            .is_some_and(|s| s.load(Ordering::Relaxed))
    }
}

/// What a regen found and did, services in folder order.
#[derive(Debug, Default)]
pub struct Regenerated {
    pub services: Vec<ServiceReport>,
    /// Files created or changed (check mode: that would be), relative to the target.
    pub written: Vec<String>,
    /// Owned files no service produces any more.
    pub removed: Vec<String>,
    /// Check mode: a unified diff of every difference.
    pub diff: String,
    /// Warnings about the folders under `specs/` (not about one service), rendered for a terminal.
    pub rendered_warnings: String,
    /// Files put back from a regen that was cut short while committing (found at the start of this run).
    pub recovered: usize,
}

impl Regenerated {
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
    /// Warnings and errors of every service, by code.
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

/// One service's part of a [`Regenerated`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceReport {
    pub name: String,
    pub operations: usize,
    pub warnings: usize,
    /// The warnings as rendered for a terminal (kept by the cache, so a skipped service still shows them).
    pub rendered_warnings: String,
    /// Warnings (and, keeping going, errors) by code.
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
        /// Warnings and errors of every service, by code.
        summary: Box<Summary>,
    },
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// Regenerates every service folder under `opts.specs`.
pub fn run(opts: &Options) -> Result<Regenerated, RegenError> {
    let stop = || opts.stopped();
    let work = WorkDir::lock(&opts.target, opts.wait, &stop)?;
    let recovered = match opts.mode {
        Mode::Check if work.interrupted_commit() => {
            return Err(WriteError::InterruptedCommit.into())
        }
        Mode::Check => 0,
        Mode::Write => work.recover()?,
    };
    let (dirs, found) =
        folders::service_folders(&opts.specs, &opts.root).map_err(write::io_err(&opts.specs))?;
    refuse_bad_folders(&found)?;
    let fingerprint = fingerprint();
    let cache = match (&opts.cache, opts.mode) {
        (Some(path), Mode::Write) => Cache::load(path, &fingerprint),
        _ => Cache::default(),
    };
    let staging = match opts.mode {
        Mode::Write => Some(work.stage()?),
        Mode::Check => None,
    };

    let results = parallel(&dirs, opts.jobs, |dir| {
        if opts.stopped() {
            return Err(ServiceFailure::Write(WriteError::Interrupted));
        }
        service(dir, opts, staging.as_ref(), &cache, &fingerprint)
    });
    let outcome = match Outcome::collect(&dirs, results) {
        Ok(outcome) => outcome,
        Err(e) => {
            if let Some(staging) = staging {
                staging.discard();
            }
            return Err(e.into());
        }
    };
    if !outcome.failed.is_empty() && !opts.keep_going {
        if let Some(staging) = staging {
            staging.discard();
        }
        return Err(outcome.into_failure());
    }

    let mut report = Regenerated {
        recovered,
        rendered_warnings: Sources::default().render(&found),
        ..Regenerated::default()
    };
    let mut removed = gone_services(opts, &dirs)?;
    for s in &outcome.done {
        removed.extend(s.stale.iter().cloned());
        report.written.extend(s.changed.iter().cloned());
        report.diff.push_str(&s.diff);
    }
    removed.sort();
    report.written.sort();
    match staging {
        None => report.diff.push_str(&removal_diff(opts, &removed)),
        Some(staging) if opts.stopped() => {
            staging.discard();
            return Err(WriteError::Interrupted.into());
        }
        Some(staging) => {
            staging.commit(&report.written, &removed, &stop, opts.commit_fault)?;
            if let Some(path) = &opts.cache {
                // The cache only saves time: failing to write it is no reason to fail the regen.
                let _ = Cache::of(&fingerprint, &outcome.done).save(path);
            }
        }
    }
    report.removed = removed;
    outcome.into_services(&mut report.services);
    drop(work);
    Ok(report)
}

/// Errors about the folders under `specs/` (not about one service) stop regen before anything is read.
fn refuse_bad_folders(found: &[Diagnostic]) -> Result<(), RegenError> {
    if !found.iter().any(Diagnostic::is_error) {
        return Ok(());
    }
    let mut failed: Vec<String> = found
        .iter()
        .filter(|d| d.is_error())
        .flat_map(|d| std::iter::once(&d.span).chain(d.also.iter().map(|(s, _)| s)))
        .map(|span| span.file.rsplit('/').next().unwrap_or_default().to_string())
        .collect();
    failed.sort();
    failed.dedup();
    let (rendered, rendered_errors) = Sources::default().render_split(found);
    Err(RegenError::Failed {
        failed,
        rendered,
        rendered_errors,
        summary: Box::new(Summary::of(found)),
    })
}

/// Files of folders the generator owns whose service is gone: all of them are stale.
fn gone_services(opts: &Options, dirs: &[PathBuf]) -> Result<Vec<String>, WriteError> {
    let names: BTreeSet<String> = dirs.iter().map(|d| name_of(d)).collect();
    let mut removed: Vec<String> = Vec::new();
    for dir in write::owned_dirs(&opts.target) {
        if !names.contains(&dir) {
            write::list_files(&opts.target.join(&dir), &dir, &mut removed)
                .map_err(write::io_err(&opts.target.join(&dir)))?;
        }
    }
    Ok(removed)
}

/// Check mode: the diff of removing each of `removed`.
fn removal_diff(opts: &Options, removed: &[String]) -> String {
    let mut diff = String::new();
    for path in removed {
        let old = std::fs::read(opts.target.join(path))
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default();
        diff.push_str(&write::diff(path, &old, ""));
    }
    diff
}

/// What the services gave: those done, and those that failed with their diagnostics rendered and counted.
#[derive(Default)]
struct Outcome {
    done: Vec<ServiceDone>,
    failed: Vec<String>,
    rendered: String,
    rendered_errors: String,
    summary: Summary,
}

impl Outcome {
    /// Sorts each service's result; a failed write stops everything.
    fn collect(
        dirs: &[PathBuf],
        results: Vec<Result<ServiceDone, ServiceFailure>>,
    ) -> Result<Outcome, WriteError> {
        let mut out = Outcome::default();
        for (dir, result) in dirs.iter().zip(results) {
            match result {
                Ok(s) => out.done.push(s),
                Err(ServiceFailure::Read(f)) => {
                    let (warnings, errors) = f.sources.render_split(&f.diagnostics);
                    out.rendered.push_str(&warnings);
                    out.rendered_errors.push_str(&errors);
                    out.summary.add(&Summary::of(&f.diagnostics));
                    out.failed.push(name_of(dir));
                }
                Err(ServiceFailure::Emit(e)) => {
                    out.rendered_errors.push_str(&format!("error: {e}\n"));
                    *out.summary
                        .errors
                        .entry(Code::GeneratedCodeDoesNotParse)
                        .or_default() += 1;
                    out.failed.push(name_of(dir));
                }
                Err(ServiceFailure::Write(e)) => return Err(e),
            }
        }
        Ok(out)
    }

    /// Not keeping going: every service's warnings (those done first), and the errors, as the failure.
    fn into_failure(mut self) -> RegenError {
        let mut rendered = String::new();
        for s in &self.done {
            rendered.push_str(&s.report.rendered_warnings);
            self.rendered_errors.push_str(&s.report.rendered_errors);
            self.summary.add(&s.report.summary);
        }
        rendered.push_str(&self.rendered);
        RegenError::Failed {
            failed: self.failed,
            rendered,
            rendered_errors: self.rendered_errors,
            summary: Box::new(self.summary),
        }
    }

    /// The services' reports; keeping going, the services that could not be read at all (left as they
    /// were on disk) as one more.
    fn into_services(self, services: &mut Vec<ServiceReport>) {
        services.extend(self.done.into_iter().map(|s| s.report));
        if !self.failed.is_empty() {
            services.push(ServiceReport {
                name: self.failed.join(", "),
                rendered_warnings: self.rendered,
                rendered_errors: self.rendered_errors,
                summary: self.summary,
                failed: self.failed,
                ..ServiceReport::default()
            });
        }
    }
}

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
    /// Every file the service produces now, with the SHA-256 of its contents.
    produced: BTreeMap<String, String>,
    changed: Vec<String>,
    stale: Vec<String>,
    diff: String,
}

impl ServiceDone {
    /// The cache entry for this service once its files are in place.
    /// What the cache keeps of this service; nothing when keeping going left pages out (the next run must
    /// read them again).
    fn entry(&self) -> Option<CacheEntry> {
        if !self.report.refused.is_empty() {
            return None;
        }
        Some(CacheEntry {
            inputs: self.inputs.clone(),
            outputs: self.produced.clone(),
            report: self.report.clone(),
        })
    }
}

fn service(
    dir: &Path,
    opts: &Options,
    staging: Option<&Staging>,
    cache: &Cache,
    fingerprint: &str,
) -> Result<ServiceDone, ServiceFailure> {
    let name = name_of(dir);
    let inputs = inputs_hash(dir, fingerprint).map_err(write::io_err(dir))?;
    if let Some(done) = cache.hit(&name, &inputs, &opts.target) {
        return Ok(done);
    }
    let mut read = crate::load::read_service_with(dir, &opts.root, opts.keep_going)
        .map_err(ServiceFailure::Read)?;
    // Warnings that need a decision are printed; the rest go to the service's review report.
    let (decisions, for_review) = crate::review::split(std::mem::take(&mut read.warnings));
    let (warnings, lines) = crate::review::decisions(&decisions);
    let mut summary = Summary::of(&warnings);
    summary.add(&Summary::of(&read.errors));
    summary.add(&Summary::for_review(&for_review));
    let review = GeneratedFile {
        path: format!("{name}/REVIEW.md"),
        contents: crate::review::report(&name, &decisions, &for_review, &read.sources),
    };
    let mut report = ServiceReport {
        name: name.clone(),
        operations: read.service.operations.len(),
        warnings: warnings.len(),
        rendered_warnings: lines,
        summary,
        refused: read.refused.clone(),
        rendered_errors: read.sources.render(&read.errors),
        ..ServiceReport::default()
    };
    drop(read.sources);
    let mut produced = BTreeMap::new();
    let mut changed = Vec::new();
    let mut diff = String::new();
    let mut take = |file: GeneratedFile| {
        write::check_path(&file.path)?;
        if !file.path.starts_with(&format!("{name}/")) {
            return Err(WriteError::BadPath(file.path).into());
        }
        match write::differs(&opts.target.join(&file.path), &file.contents)? {
            None => report.unchanged += 1,
            Some(old) => {
                match staging {
                    None => diff.push_str(&write::diff(&file.path, &old, &file.contents)),
                    Some(staging) => {
                        write::write_atomic(&staging.path(&file.path), file.contents.as_bytes())?
                    }
                }
                changed.push(file.path.clone());
            }
        }
        produced.insert(file.path, content_hash(file.contents.as_bytes()));
        Ok::<_, ServiceFailure>(())
    };
    emit::service_each(&read.service, &mut take)?;
    take(review)?;
    let wanted: BTreeSet<&str> = produced.keys().map(String::as_str).collect();
    let mut existing = Vec::new();
    let folder = opts.target.join(&name);
    write::list_files(&folder, &name, &mut existing).map_err(write::io_err(&folder))?;
    let stale = existing
        .into_iter()
        .filter(|p| !wanted.contains(p.as_str()))
        .collect();
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
