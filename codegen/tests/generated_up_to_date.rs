//! `generated/` is what `cargo xtask regen` would write from `specs/`: a forgotten regen fails the tests.

use codegen::write::{self, Mode};
use std::path::Path;

#[test]
fn generated_matches_specs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut dirs: Vec<_> = std::fs::read_dir(root.join("specs"))
        .expect("specs/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(!dirs.is_empty());
    let mut files = Vec::new();
    for dir in &dirs {
        let read = codegen::service::read_service(dir, &root)
            .unwrap_or_else(|f| panic!("{}", f.sources.render(&f.diagnostics)));
        files.push(codegen::emit::service(&read.service).map_err(|e| e.to_string()));
    }
    let outcome = write::apply(&root.join("generated"), files, Mode::Check).expect("check");
    assert!(
        outcome.is_up_to_date(),
        "generated/ is stale; run `cargo xtask regen`\n{}",
        outcome.diff
    );
}
