//! `cargo xtask regen [--check]`: every `specs/<service>/` → `generated/<service>/`.
//!
//! Everything is computed in memory first; any error in any service writes nothing. `--check` writes nothing
//! either and fails with a diff when `generated/` is not what regen would write.

use anyhow::{bail, Result};
use codegen::emit::GeneratedFile;
use codegen::write::{self, Mode};
use std::path::{Path, PathBuf};

/// One service read and emitted, or why not (already rendered for the terminal).
struct ServiceOutput {
    name: String,
    operations: usize,
    warnings: usize,
    files: Result<Vec<GeneratedFile>, String>,
}

fn service(spec_dir: &Path, root: &Path) -> ServiceOutput {
    let name = spec_dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    match codegen::service::read_service(spec_dir, root) {
        Err(failure) => {
            let warnings = failure.diagnostics.iter().filter(|d| !d.is_error()).count();
            ServiceOutput {
                name,
                operations: 0,
                warnings,
                files: Err(failure.sources.render(&failure.diagnostics)),
            }
        }
        Ok(read) => {
            if !read.warnings.is_empty() {
                eprint!("{}", read.sources.render(&read.warnings));
            }
            let files = codegen::emit::service(&read.service).map_err(|e| format!("error: {e}\n"));
            ServiceOutput {
                name,
                operations: read.service.operations.len(),
                warnings: read.warnings.len(),
                files,
            }
        }
    }
}

pub fn run(root: &Path, out: Option<PathBuf>, check: bool) -> Result<()> {
    let specs = root.join("specs");
    let mut dirs: Vec<_> = std::fs::read_dir(&specs)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    let outputs: Vec<ServiceOutput> = dirs.iter().map(|d| service(d, root)).collect();

    let warnings: usize = outputs.iter().map(|o| o.warnings).sum();
    let operations: usize = outputs.iter().map(|o| o.operations).sum();
    let mut failed = Vec::new();
    for o in &outputs {
        if let Err(rendered) = &o.files {
            eprint!("{rendered}");
            failed.push(o.name.as_str());
        }
    }
    if !failed.is_empty() {
        bail!(
            "regen failed for {}; nothing was written ({warnings} warnings)",
            failed.join(", ")
        );
    }
    let services = outputs.len();
    let files: Vec<Result<Vec<GeneratedFile>, String>> =
        outputs.into_iter().map(|o| o.files).collect();
    let mode = if check { Mode::Check } else { Mode::Write };
    let outcome = write::apply(&out.unwrap_or_else(|| root.join("generated")), files, mode)?;
    if check {
        if !outcome.is_up_to_date() {
            print!("{}", outcome.diff);
            bail!(
                "generated/ is out of date ({} files differ, {} stale): run `{}`",
                outcome.written.len(),
                outcome.removed.len(),
                write::REGEN_COMMAND
            );
        }
        eprintln!(
            "regen --check: {services} services, {operations} operations, {} files up to date, {warnings} warnings",
            outcome.unchanged
        );
    } else {
        for p in &outcome.written {
            eprintln!("  wrote generated/{p}");
        }
        for p in &outcome.removed {
            eprintln!("  removed generated/{p}");
        }
        eprintln!(
            "regen: {services} services, {operations} operations, {} files written, {} unchanged, {} removed, \
             {warnings} warnings",
            outcome.written.len(),
            outcome.unchanged,
            outcome.removed.len()
        );
    }
    Ok(())
}
