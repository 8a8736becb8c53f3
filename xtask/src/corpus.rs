//! `cargo xtask corpus [DIR]`: the reader against Alibaba Cloud's own SDK shapes on every set of a corpus
//! (default `../shared/corpus`): shapes of each `pages/` are written to a temporary folder and scored by the
//! corpus's `score.py` against `expected/`.

use anyhow::{bail, Context, Result};
use std::path::Path;
use std::process::Command;

pub fn run(corpus: &Path) -> Result<()> {
    let score = corpus.join("score.py");
    if !score.is_file() {
        bail!(
            "{} not found: is the corpus at {}?",
            score.display(),
            corpus.display()
        );
    }
    let mut sets: Vec<_> = std::fs::read_dir(corpus)
        .with_context(|| format!("reading {}", corpus.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("pages").is_dir() && p.join("expected").is_dir())
        .collect();
    sets.sort();
    let out_root = std::env::temp_dir().join(format!("xtask-corpus-{}", std::process::id()));
    for set in &sets {
        let name = set
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let out = out_root.join(&name);
        let root = std::env::current_dir()?;
        let read = codegen::load::read_pages(&set.join("pages"), &root);
        std::fs::create_dir_all(&out)?;
        for op in &read.operations {
            let json = serde_json::to_string_pretty(&codegen::model::corpus::operation(op))?;
            std::fs::write(out.join(format!("{}.json", op.name)), json)?;
        }
        let result = Command::new("python3")
            .arg(&score)
            .arg(set.join("expected"))
            .arg(&out)
            .arg("--pages")
            .arg(set.join("pages"))
            .output()
            .context("running python3 score.py")?;
        let stdout = String::from_utf8_lossy(&result.stdout);
        println!("{name}: {}", stdout.lines().last().unwrap_or("(no output)"));
    }
    std::fs::remove_dir_all(&out_root).ok();
    Ok(())
}
