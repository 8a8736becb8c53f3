//! `cargo xtask synth --pages N --out DIR [--seed S]`: a synthetic service folder (pages + `service.yaml`).

use anyhow::{Context, Result};
use std::path::Path;

/// Writes `n` synthetic pages and a `service.yaml` into `out` (created if missing). Returns the number of
/// operations the pages document.
pub fn write(out: &Path, n: usize, seed: u64) -> Result<usize> {
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let pages = crate::synth::pages(n, seed);
    for (name, text) in &pages {
        let path = out.join(name);
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
    }
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "synth".into());
    std::fs::write(out.join("service.yaml"), crate::synth::service_yaml(&name))?;
    Ok(crate::synth::operation_count(&pages))
}

pub fn run(out: &Path, n: usize, seed: u64) -> Result<()> {
    let ops = write(out, n, seed)?;
    eprintln!(
        "synth: {n} pages for {ops} operations (seed {seed}) and service.yaml in {}",
        out.display()
    );
    Ok(())
}
