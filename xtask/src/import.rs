//! `cargo xtask import <docs-dir> [--specs DIR] [--force] [--version V]`: API reference pages → `specs/`
//! (see `codegen::import`), then a report per service of the pages taken and skipped.

use anyhow::Result;
use codegen::import::{self, ConfigOutcome, Options, Skipped};
use std::path::{Path, PathBuf};

pub fn run(
    root: &Path,
    docs: PathBuf,
    specs: Option<PathBuf>,
    force: bool,
    versions: Vec<String>,
) -> Result<()> {
    let specs = specs.unwrap_or_else(|| root.join("specs"));
    let report = import::run(&Options {
        docs,
        specs: specs.clone(),
        force,
        versions,
    })?;
    let shown = specs
        .strip_prefix(root)
        .unwrap_or(&specs)
        .display()
        .to_string();
    let print_skipped = |skipped: &[Skipped]| {
        for s in skipped {
            println!("    skipped {}: {}", s.page, s.reason);
        }
    };
    for s in &report.services {
        let config = match s.config {
            ConfigOutcome::Written => "service.yaml written",
            ConfigOutcome::Unchanged => "service.yaml unchanged",
            ConfigOutcome::KeptEdited => "service.yaml edited by hand, kept (--force replaces it)",
        };
        println!(
            "{shown}/{} ({} {}): pages taken {}, skipped {}; {config}",
            s.folder,
            s.product,
            s.version,
            s.taken.len(),
            s.skipped.len()
        );
        print_skipped(&s.skipped);
    }
    if !report.skipped.is_empty() {
        let n = report.skipped.len();
        println!("in no service: {n} page{}", if n == 1 { "" } else { "s" });
        print_skipped(&report.skipped);
    }
    if !report.services.is_empty() {
        println!("next: `cargo xtask regen`, then review generated/ (see README, \"Reviewing a new service\")");
    }
    Ok(())
}
