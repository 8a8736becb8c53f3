//! `cargo xtask regen [--check]`: every `specs/<service>/` → `generated/<service>/` (see `codegen::regen`).
//!
//! Any error in any service writes nothing. `--check` writes nothing either and fails with a diff when
//! `generated/` is not what regen would write.

use anyhow::{bail, Result};
use codegen::regen::{self, Options, RegenError};
use codegen::write::{self, Mode};
use std::path::{Path, PathBuf};

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
    let opts = Options {
        root: root.to_path_buf(),
        specs: args.specs.unwrap_or_else(|| root.join("specs")),
        target: args.out.unwrap_or_else(|| root.join("generated")),
        mode: if args.check { Mode::Check } else { Mode::Write },
        jobs,
        cache: (!args.no_cache).then(|| cache_path(root)),
    };
    let report = match regen::run(&opts) {
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
        Err(e) => return Err(e.into()),
    };
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
                "generated/ is out of date ({} files differ, {} stale): run `{}`",
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
            eprintln!("  wrote generated/{p}");
        }
        for p in &report.removed {
            eprintln!("  removed generated/{p}");
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
