//! `cargo xtask regen [--check]`: every `specs/<service>/` → `generated/<service>/` (see `codegen::regen`).
//!
//! A page with errors is left out (with its operations) and listed at the end; everything else is written,
//! and the exit is zero unless a whole service could not be read (its `service.yaml`, its folder), which is
//! left as it was. `--strict`: any error anywhere writes nothing and fails.
//! `--check` writes nothing either and fails with a diff when `generated/` is not what regen would write; it
//! judges what can be read and lists the pages it could not.
//!
//! Output order: files written, every warning, the summary by code, then the errors, so they are the last
//! thing on the screen.
//!
//! Ctrl-C stops regen between steps with `generated/` as it was (a second Ctrl-C kills it; the next regen
//! then undoes what the killed one left); a second regen waits.

use anyhow::{bail, Context, Result};
use codegen::regen::{self, Options, RegenError};
use codegen::write::commit::Wait;
use codegen::write::{self, Mode, WriteError};
use signal_hook::consts::signal::{SIGINT, SIGTERM};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

/// Where regen keeps its skip-unchanged cache: the cargo target folder, like any build cache.
fn cache_path(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
        .join("regen-cache.json")
}

pub struct Args {
    pub check: bool,
    pub specs: Option<PathBuf>,
    pub out: Option<PathBuf>,
    pub jobs: Option<usize>,
    pub no_cache: bool,
    pub keep_going: bool,
}

pub fn run(root: &Path, args: Args) -> Result<()> {
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [SIGINT, SIGTERM] {
        // The first signal sets `stop`; a second one, with `stop` already set, ends the process at once.
        signal_hook::flag::register_conditional_shutdown(signal, 130, Arc::clone(&stop))
            .and_then(|_| signal_hook::flag::register(signal, Arc::clone(&stop)))
            .context("installing the Ctrl-C handler")?;
    }
    let target = args.out.unwrap_or_else(|| root.join("generated"));
    let mut opts = Options {
        specs: args.specs.unwrap_or_else(|| root.join("specs")),
        target: target.clone(),
        mode: if args.check { Mode::Check } else { Mode::Write },
        jobs,
        cache: (!args.no_cache).then(|| cache_path(root)),
        keep_going: args.keep_going,
        wait: Wait::No,
        stop: Some(stop),
        ..Options::new(root)
    };
    let mut result = regen::run(&opts);
    if let Err(RegenError::Write(WriteError::Busy { lock })) = &result {
        eprintln!("regen: another regen is running (lock {lock}); waiting for it to finish");
        opts.wait = Wait::Yes;
        result = regen::run(&opts);
    }
    // Paths as the user gave them: `generated/…`, or under `--out`.
    let shown = target
        .strip_prefix(root)
        .unwrap_or(&target)
        .display()
        .to_string();
    let report = match result {
        Ok(r) => r,
        Err(RegenError::Failed {
            failed,
            rendered,
            rendered_errors,
            summary,
            ..
        }) => {
            eprint!("{rendered}");
            eprint!("{}", summary.render());
            eprint!("{rendered_errors}");
            bail!(
                "regen failed for {} with {} error(s); nothing was written ({} warnings; without `--strict` \
                 regen writes what could be read)",
                failed.join(", "),
                summary.error_count(),
                summary.warning_count()
            );
        }
        Err(RegenError::Write(WriteError::Interrupted)) => {
            eprintln!("regen: interrupted; {shown}/ is as it was before this run");
            std::process::exit(130);
        }
        Err(e) => return Err(e.into()),
    };
    if report.recovered > 0 {
        eprintln!(
            "regen: put back {} files that a regen cut short had left in {shown}/",
            report.recovered
        );
    }
    if !args.check {
        for p in &report.written {
            eprintln!("  wrote {shown}/{p}");
        }
        for p in &report.removed {
            eprintln!("  removed {shown}/{p}");
        }
    }
    eprint!("{}", report.rendered_warnings);
    for s in &report.services {
        eprint!("{}", s.rendered_warnings);
    }
    let summary = report.summary();
    eprint!("{}", summary.render());
    for s in &report.services {
        eprint!("{}", s.rendered_errors);
    }
    let services = report.services.len();
    let operations = report.operations();
    let decisions = match summary.warning_count() {
        0 => "no warnings".to_string(),
        n => format!(
            "{n} warnings ({:.1} per 10 operations)",
            n as f64 * 10.0 / operations.max(1) as f64
        ),
    };
    let warnings = match summary.review_count() {
        0 => decisions,
        n => format!("{decisions} and {n} for review (REVIEW.md beside each model.yaml)"),
    };
    if args.check {
        if !report.is_up_to_date() {
            print!("{}", report.diff);
            bail!(
                "{shown}/ is out of date ({} files differ, {} stale): run `{}`",
                report.written.len(),
                report.removed.len(),
                write::REGEN_COMMAND
            );
        }
        eprintln!(
            "regen --check: {services} services, {operations} operations, {} files up to date, {warnings}",
            report.unchanged()
        );
    } else {
        crate::bench::RegenStats::save_if_asked(report.written.len(), report.cached());
        eprintln!(
            "regen: {services} services ({} unchanged since the last regen), {operations} operations, {} files \
             written, {} unchanged, {} removed, {warnings}",
            report.cached(),
            report.written.len(),
            report.unchanged(),
            report.removed.len()
        );
    }
    left_out(&report)
}

/// Lists what was left out: pages regen refused (the rest of their service is written, the exit is zero)
/// and services it could not read at all (left as they were; the exit is non-zero, so a script notices).
fn left_out(report: &regen::Regenerated) -> Result<()> {
    let refused: Vec<_> = report.refused().collect();
    let failed: Vec<&str> = report.failed().collect();
    if refused.is_empty() && failed.is_empty() {
        return Ok(());
    }
    eprintln!("left out:");
    for (service, page) in &refused {
        let ops = if page.operations.is_empty() {
            "no operation read".to_string()
        } else {
            page.operations.join(", ")
        };
        eprintln!("  {service}: {} ({ops})", page.file);
    }
    for service in &failed {
        eprintln!("  {service}: the whole service (its generated files are as they were)");
    }
    let operations: usize = refused.iter().map(|(_, p)| p.operations.len()).sum();
    let line = format!(
        "{} error(s): {} page(s) and {} operation(s) left out, {} service(s) not regenerated",
        report.summary().error_count(),
        refused.len(),
        operations,
        failed.len()
    );
    if failed.is_empty() {
        eprintln!("regen: {line} (the errors above say why; fix the pages or leave them out)");
        return Ok(());
    }
    bail!("{line}")
}
