//! The regen pipeline on a scratch tree: what it writes, what it skips, and that a failure writes nothing.

use codegen::regen::{self, Options, RegenError, Report};
use codegen::write::Mode;
use std::path::{Path, PathBuf};

/// An invented operation page in English markdown: a request table, a response table and an example.
fn page(operation: &str, seed: u64) -> String {
    format!(
        "# {operation}\n\nDescribes the widgets of one shelf (variant {seed}).\n\n## Request parameters\n\n\
         |Parameter|Type|Required|Example|Description|\n|---|---|---|---|---|\n\
         |Action|String|Yes|{operation}|The operation that you want to perform. Set the value to {operation}.|\n\
         |ShelfId|String|Yes|shelf-{seed}|The ID of the shelf.|\n\
         |PageSize|Integer|No|10|The number of entries per page.|\n\n## Response parameters\n\n\
         |Parameter|Type|Example|Description|\n|---|---|---|---|\n\
         |RequestId|String|REQ-{seed}|The ID of the request.|\n\
         |WidgetCount|Integer|{seed}|The number of widgets on the shelf.|\n\n## Examples\n\n\
         Sample success responses\n\n```\n{{\n  \"RequestId\": \"REQ-{seed}\",\n  \"WidgetCount\": {seed}\n}}\n```\n"
    )
}

/// A scratch repository with two invented services, `alpha` and `beta`, of six operations each.
fn tree(name: &str) -> PathBuf {
    let root = std::env::temp_dir().join(format!("codegen-regen-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    for (service, seed) in [("alpha", 1), ("beta", 2)] {
        let dir = root.join("specs").join(service);
        std::fs::create_dir_all(&dir).unwrap();
        for i in 0..6u64 {
            let operation = format!("DescribeWidgets{}", (b'A' + i as u8) as char);
            std::fs::write(dir.join(format!("{operation}.md")), page(&operation, seed * 10 + i)).unwrap();
        }
        std::fs::write(
            dir.join("service.yaml"),
            format!("product: Widgets\nversion: \"2024-01-01\"\nstyle: RPC\nendpoint: \"{service}.{{region}}.aliyuncs.com\"\n"),
        )
        .unwrap();
    }
    root
}

fn run(root: &Path, mode: Mode) -> Result<Report, RegenError> {
    regen::run(&Options {
        root: root.to_path_buf(),
        specs: root.join("specs"),
        target: root.join("generated"),
        mode,
        jobs: 2,
        cache: Some(root.join("target/regen-cache.json")),
        keep_going: false,
    })
}

/// Every file under `dir` with its bytes and modification time.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>, std::time::SystemTime)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let meta = std::fs::metadata(&p).unwrap();
                out.push((p.clone(), std::fs::read(&p).unwrap(), meta.modified().unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// Adds a word to the first description of the first markdown page of `service`: a documentation change.
fn edit_a_page(root: &Path, service: &str) {
    let mut pages: Vec<PathBuf> = std::fs::read_dir(root.join("specs").join(service))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    pages.sort();
    let text = std::fs::read_to_string(&pages[0]).unwrap();
    let changed = text.replacen(" the ", " the very ", 1);
    assert_ne!(changed, text);
    std::fs::write(&pages[0], changed).unwrap();
}

#[test]
fn second_regen_skips_every_service_and_touches_nothing() {
    let root = tree("noop");
    let first = run(&root, Mode::Write).unwrap();
    assert_eq!(first.services.len(), 2);
    assert!(!first.written.is_empty());
    assert_eq!(first.cached(), 0);
    let before = snapshot(&root.join("generated"));
    let second = run(&root, Mode::Write).unwrap();
    assert_eq!(second.cached(), 2, "{:?}", second.services);
    assert!(second.is_up_to_date());
    assert_eq!(second.unchanged(), first.written.len());
    assert_eq!(second.operations(), first.operations());
    assert_eq!(snapshot(&root.join("generated")), before);
    assert!(!root.join("generated/.regen-staging").exists());
}

#[test]
fn changing_one_page_rewrites_only_what_depends_on_it() {
    let root = tree("one-page");
    run(&root, Mode::Write).unwrap();
    edit_a_page(&root, "alpha");

    let report = run(&root, Mode::Write).unwrap();
    assert_eq!(report.cached(), 1, "beta is untouched: {:?}", report.services);
    assert!(!report.written.is_empty());
    assert!(
        report.written.iter().all(|p| p.starts_with("alpha/")),
        "{:?}",
        report.written
    );
    let modules: Vec<_> = report.written.iter().filter(|p| p.starts_with("alpha/src/")).collect();
    assert!(modules.len() <= 1, "one operation module at most: {modules:?}");
}

#[test]
fn a_hand_edited_generated_file_is_noticed_and_restored() {
    let root = tree("edited");
    run(&root, Mode::Write).unwrap();
    let lib = root.join("generated/beta/src/lib.rs");
    let original = std::fs::read_to_string(&lib).unwrap();
    std::fs::write(&lib, format!("{original}\n// a local edit\n")).unwrap();
    let check = run(&root, Mode::Check).unwrap();
    assert_eq!(check.written, ["beta/src/lib.rs"]);
    assert!(check.diff.contains("-// a local edit"), "{}", check.diff);
    let report = run(&root, Mode::Write).unwrap();
    assert_eq!(report.written, ["beta/src/lib.rs"]);
    assert_eq!(std::fs::read_to_string(&lib).unwrap(), original);
}

#[test]
fn an_error_in_one_service_writes_nothing_anywhere() {
    let root = tree("failure");
    run(&root, Mode::Write).unwrap();
    // A change to alpha that would rewrite files, and a broken beta.
    edit_a_page(&root, "alpha");
    std::fs::write(root.join("specs/beta/service.yaml"), "product: [unclosed\n").unwrap();
    let before = snapshot(&root.join("generated"));

    let err = run(&root, Mode::Write).unwrap_err();
    match err {
        RegenError::Failed { failed, rendered_errors, .. } => {
            assert_eq!(failed, ["beta"]);
            assert!(rendered_errors.contains("specs/beta/service.yaml"), "{rendered_errors}");
        }
        e => panic!("{e}"),
    }
    assert_eq!(snapshot(&root.join("generated")), before);
    assert!(!root.join("generated/.regen-staging").exists());
}

#[test]
fn a_removed_service_loses_its_generated_crate() {
    let root = tree("removed");
    run(&root, Mode::Write).unwrap();
    std::fs::remove_dir_all(root.join("specs/beta")).unwrap();
    let check = run(&root, Mode::Check).unwrap();
    assert!(check.removed.iter().any(|p| p == "beta/Cargo.toml"));
    let report = run(&root, Mode::Write).unwrap();
    assert!(report.removed.iter().any(|p| p == "beta/src/lib.rs"));
    assert!(!root.join("generated/beta").exists());
    assert!(root.join("generated/alpha/Cargo.toml").exists());
}

#[test]
fn one_thread_and_many_give_the_same_files() {
    let one = tree("jobs-one");
    let many = tree("jobs-many");
    for (root, jobs) in [(&one, 1), (&many, 4)] {
        regen::run(&Options {
            root: root.clone(),
            specs: root.join("specs"),
            target: root.join("generated"),
            mode: Mode::Write,
            jobs,
            cache: None,
            keep_going: false,
        })
        .unwrap();
    }
    let strip = |root: &Path| -> Vec<(PathBuf, Vec<u8>)> {
        snapshot(&root.join("generated"))
            .into_iter()
            .map(|(p, b, _)| (p.strip_prefix(root).unwrap().to_path_buf(), b))
            .collect()
    };
    assert_eq!(strip(&one), strip(&many));
}
