//! `cargo xtask import <docs-dir> [--specs DIR] [--force] [--update] [--version V]`: API reference pages →
//! `specs/` (see `codegen::import`), then a report per service of the pages taken and skipped.

use anyhow::{bail, Result};
use codegen::import::{self, ConfigOutcome, Options, SkipReason, Skipped};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub struct Args {
    pub docs: PathBuf,
    pub specs: Option<PathBuf>,
    pub force: bool,
    pub update: bool,
    pub versions: Vec<String>,
}

pub fn run(root: &Path, args: Args) -> Result<()> {
    let specs = args.specs.unwrap_or_else(|| root.join("specs"));
    let report = import::run(&Options {
        docs: args.docs,
        specs: specs.clone(),
        force: args.force,
        versions: args.versions,
        update: args.update,
    })?;
    let shown = specs
        .strip_prefix(root)
        .unwrap_or(&specs)
        .display()
        .to_string();
    let mut refused = Vec::new();
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
        let regions = match s.regions {
            0 => String::new(),
            n => format!(", {n} regions in regional_endpoints"),
        };
        println!(
            "    endpoint `{}` ({}{regions})",
            s.endpoint, s.endpoint_from
        );
        if !s.error_centre_only.is_empty() {
            let errors_page = s.taken.iter().any(|(_, f)| f.starts_with("ErrorCodes."));
            println!(
                "    {} of its operations document no error code and link to the error centre instead{}",
                s.error_centre_only.len(),
                if errors_page {
                    "; the product's error-code page was taken as ErrorCodes.*.md"
                } else {
                    "; add the product's error codes as an `errors:` table in service.yaml, or save the \
                     error centre's page into the folder"
                }
            );
        }
        if !s.without_fields.is_empty() {
            println!(
                "    taken although no parameter table was read (an `Action` row only; check the pages): {}",
                s.without_fields.join(", ")
            );
        }
        print_skipped(&s.skipped);
        if let Some(p) = &s.pending {
            refused.push(s.folder.clone());
            println!(
                "    {shown}/{} was already a service: nothing was written there. This run would add {} file(s) \
                 and change {}:",
                s.folder,
                p.added.len(),
                p.changed.len()
            );
            for f in &p.added {
                println!("      add {f}");
            }
            for f in &p.changed {
                println!("      change {f}");
            }
        }
    }
    if !report.skipped.is_empty() {
        let n = report.skipped.len();
        println!("in no service: {n} page{}", if n == 1 { "" } else { "s" });
        print_skipped(&report.skipped);
    }
    if !report.services.is_empty() {
        println!("next: `cargo xtask regen`, then review generated/ (see README, \"Reviewing a new service\")");
    }
    if !refused.is_empty() {
        bail!(
            "{} service(s) already under {shown}/ would change ({}); run again with --update to write the \
             changes listed above",
            refused.len(),
            refused.join(", ")
        );
    }
    Ok(())
}

/// Pages that matter one by one (left out of an operation's service) are listed; the rest are counted by kind.
fn print_skipped(skipped: &[Skipped]) {
    let mut counted: BTreeMap<String, usize> = BTreeMap::new();
    for s in skipped {
        match &s.reason {
            SkipReason::NotApiPage => {
                *counted.entry("not API reference pages".into()).or_default() += 1
            }
            SkipReason::Duplicate { .. } => {
                *counted
                    .entry("duplicates of a page taken".into())
                    .or_default() += 1
            }
            SkipReason::NotOperation { kind } => {
                *counted
                    .entry(format!("{} (no operation)", kind.describe()))
                    .or_default() += 1
            }
            _ => println!("    skipped {}: {}", s.page, s.reason),
        }
    }
    for (what, n) in counted {
        println!("    skipped {n}: {what}");
    }
}
