//! Every bad input under `tests/fixtures/bad/` (a page, or a folder holding a service) against the code and
//! place of each diagnostic it gives: the snapshots assert codes, not the wording of messages.

use codegen::diag::{Code, Diagnostic};
use std::path::Path;

/// One line per diagnostic: its code, its place and the places it also points at.
fn codes_and_places(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        out.push_str(&format!("{} {}", d.code, d.span));
        for (span, _) in &d.also {
            out.push_str(&format!(" (also {span})"));
        }
        out.push('\n');
    }
    out
}

/// What loading the entry gives: a folder as a service, a file as one page.
fn diagnostics_of(path: &Path, root: &Path) -> Vec<Diagnostic> {
    if path.is_dir() {
        match codegen::load::read_service(path, root) {
            Ok(read) => read.warnings,
            Err(failure) => failure.diagnostics,
        }
    } else {
        codegen::load::read_files(&[path.to_path_buf()], root).diagnostics
    }
}

#[test]
fn diagnostics() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    insta::glob!("fixtures/bad/*", |path| {
        if path.extension().is_some_and(|x| x == "md") && path.ends_with("README.md") {
            return;
        }
        let found = diagnostics_of(path, &root);
        assert!(!found.is_empty(), "{} gives no diagnostic", path.display());
        insta::assert_snapshot!(codes_and_places(&found));
    });
}

#[test]
fn every_code_has_a_meaning_and_the_summary_counts_by_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let found = diagnostics_of(&root.join("bad/unknown_type.md"), &root);
    let summary = codegen::diag::Summary::of(&found);
    assert_eq!(summary.warnings.get(&Code::UnknownType), Some(&1));
    for code in Code::ALL {
        assert!(!code.meaning().is_empty(), "{code}");
    }
}
