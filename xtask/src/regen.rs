//! `cargo xtask regen [--check]`: every `specs/<service>/` → `generated/<service>/` (see `codegen::regen`).
//!
//! Any error in any service writes nothing. `--check` writes nothing either and fails with a diff when
//! `generated/` is not what regen would write. Ctrl-C stops regen between steps with `generated/` as it was
//! (a second Ctrl-C kills it; the next regen then undoes what the killed one left); a second regen waits.

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
            warnings,
        }) => {
            eprint!("{rendered}");
            bail!(
                "regen failed for {}; nothing was written ({warnings} warnings)",
                failed.join(", ")
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
    eprint!("{}", report.rendered_warnings);
    for s in &report.services {
        eprint!("{}", s.rendered_warnings);
    }
    let services = report.services.len();
    let operations = report.operations();
    let warnings = report.warnings();
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
            "regen --check: {services} services, {operations} operations, {} files up to date, {warnings} warnings",
            report.unchanged()
        );
    } else {
        for p in &report.written {
            eprintln!("  wrote {shown}/{p}");
        }
        for p in &report.removed {
            eprintln!("  removed {shown}/{p}");
        }
        crate::bench::RegenStats::save_if_asked(report.written.len(), report.cached());
        eprintln!(
            "regen: {services} services ({} unchanged since the last regen), {operations} operations, {} files \
             written, {} unchanged, {} removed, {warnings} warnings",
            report.cached(),
            report.written.len(),
            report.unchanged(),
            report.removed.len()
        );
    }
    Ok(())
}
