//! `cargo xtask shapes <pages-dir> <out-dir>`: one JSON per operation in the format of
//! `shared/corpus/README.md`, to measure the reader against Alibaba Cloud's own SDK shapes.

use anyhow::{Context, Result};
use std::path::Path;

pub fn run(pages: &Path, out: &Path) -> Result<()> {
    let root = std::env::current_dir()?;
    let read = codegen::load::read_pages(pages, &root);
    if !read.diagnostics.is_empty() {
        eprint!("{}", read.sources.render(&read.diagnostics));
    }
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    for op in &read.operations {
        let json = serde_json::to_string_pretty(&codegen::model::corpus::operation(op))?;
        let path = out.join(format!("{}.json", op.name));
        std::fs::write(&path, json + "\n")
            .with_context(|| format!("writing {}", path.display()))?;
    }
    let errors = read.diagnostics.iter().filter(|d| d.is_error()).count();
    eprintln!(
        "shapes: {} operations written to {}, {} warnings, {errors} errors",
        read.operations.len(),
        out.display(),
        read.diagnostics.len() - errors
    );
    Ok(())
}
