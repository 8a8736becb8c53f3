//! `generated/` is what `cargo xtask regen` would write from `specs/`: a forgotten regen fails the tests.

use codegen::regen::{self, Options};
use codegen::write::Mode;
use std::path::Path;

#[test]
fn generated_matches_specs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let report = regen::run(&Options {
        root: root.clone(),
        specs: root.join("specs"),
        target: root.join("generated"),
        mode: Mode::Check,
        jobs: 2,
        cache: None,
        // As `cargo xtask regen` does by default: a page with errors is left out, the rest is written (the
        // imported products have a few such pages, listed by regen).
        keep_going: true,
        ..Options::new(&root)
    })
    .unwrap_or_else(|e| match e {
        regen::RegenError::Failed {
            rendered,
            rendered_errors,
            ..
        } => panic!("{rendered}{rendered_errors}"),
        e => panic!("{e}"),
    });
    assert!(report.services.len() >= 2, "{:?}", report.services);
    assert!(
        report.is_up_to_date(),
        "generated/ is stale; run `cargo xtask regen`\n{}",
        report.diff
    );
}
