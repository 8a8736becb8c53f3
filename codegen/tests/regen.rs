//! The regen pipeline on a scratch tree: what it writes, what it skips, and that a failure writes nothing.

mod support;
use support::Scratch;

use codegen::regen::{self, Options, RegenError, Regenerated};
use codegen::write::commit::{CommitFault, Wait, WorkDir};
use codegen::write::{Mode, WriteError};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

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
fn tree(name: &str) -> Scratch {
    let root = Scratch::new(&format!("regen-{name}"));
    for (service, seed) in [("alpha", 1), ("beta", 2)] {
        let dir = root.join("specs").join(service);
        std::fs::create_dir_all(&dir).unwrap();
        for i in 0..6u64 {
            let operation = format!("DescribeWidgets{}", (b'A' + i as u8) as char);
            std::fs::write(
                dir.join(format!("{operation}.md")),
                page(&operation, seed * 10 + i),
            )
            .unwrap();
        }
        std::fs::write(
            dir.join("service.yaml"),
            format!("product: Widgets\nversion: \"2024-01-01\"\nstyle: RPC\nendpoint: \"{service}.{{region}}.aliyuncs.com\"\n"),
        )
        .unwrap();
    }
    root
}

fn run(root: &Path, mode: Mode) -> Result<Regenerated, RegenError> {
    regen::run(&Options {
        root: root.to_path_buf(),
        specs: root.join("specs"),
        target: root.join("generated"),
        mode,
        jobs: 2,
        cache: Some(root.join("target/regen-cache.json")),
        ..Options::new(root)
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
                out.push((
                    p.clone(),
                    std::fs::read(&p).unwrap(),
                    meta.modified().unwrap(),
                ));
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
    assert_no_leftovers(&root);
}

#[test]
fn changing_one_page_rewrites_only_what_depends_on_it() {
    let root = tree("one-page");
    run(&root, Mode::Write).unwrap();
    edit_a_page(&root, "alpha");

    let report = run(&root, Mode::Write).unwrap();
    assert_eq!(
        report.cached(),
        1,
        "beta is untouched: {:?}",
        report.services
    );
    assert!(!report.written.is_empty());
    assert!(
        report.written.iter().all(|p| p.starts_with("alpha/")),
        "{:?}",
        report.written
    );
    let modules: Vec<_> = report
        .written
        .iter()
        .filter(|p| p.starts_with("alpha/src/"))
        .collect();
    assert!(
        modules.len() <= 1,
        "one operation module at most: {modules:?}"
    );
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
        RegenError::Failed {
            failed,
            rendered_errors,
            ..
        } => {
            assert_eq!(failed, ["beta"]);
            assert!(
                rendered_errors.contains("specs/beta/service.yaml"),
                "{rendered_errors}"
            );
        }
        e => panic!("{e}"),
    }
    assert_eq!(snapshot(&root.join("generated")), before);
    assert_no_leftovers(&root);
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
            root: root.to_path_buf(),
            specs: root.join("specs"),
            target: root.join("generated"),
            mode: Mode::Write,
            jobs,
            cache: None,
            ..Options::new(root)
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

/// Nothing of a regen is left behind: no staging, no journal, and nothing in `generated/` but crates.
fn assert_no_leftovers(root: &Path) {
    let work = codegen::write::commit::work_dir_of(&root.join("generated"));
    assert!(
        !work.join("txn").exists(),
        "staging left in {}",
        work.display()
    );
    for e in std::fs::read_dir(root.join("generated")).unwrap().flatten() {
        assert!(
            e.path().join("Cargo.toml").exists(),
            "not a crate: {}",
            e.path().display()
        );
    }
}

/// Bytes only (files put back by a rename keep their time, but a rewritten one does not).
fn contents(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    snapshot(dir).into_iter().map(|(p, b, _)| (p, b)).collect()
}

/// A tree regenerated once, then changed so that the next regen rewrites files in both services.
fn tree_with_changes(name: &str) -> Scratch {
    let root = tree(name);
    run(&root, Mode::Write).unwrap();
    edit_a_page(&root, "alpha");
    edit_a_page(&root, "beta");
    std::fs::remove_file(root.join("specs/beta/DescribeWidgetsF.md")).unwrap();
    root
}

#[test]
fn staging_never_appears_inside_generated() {
    let root = tree_with_changes("staging-outside");
    let report = regen::run(&Options {
        commit_fault: Some(CommitFault::DieAfter(0)),
        ..Options::new(&root)
    });
    assert!(matches!(report, Err(RegenError::Write(WriteError::Died))));
    // Killed with everything staged: the staged files are beside generated/, never in it.
    let work = codegen::write::commit::work_dir_of(&root.join("generated"));
    assert!(work.join("txn/new/alpha").is_dir());
    for e in std::fs::read_dir(root.join("generated")).unwrap().flatten() {
        assert!(
            e.path().join("Cargo.toml").exists(),
            "not a crate: {}",
            e.path().display()
        );
    }
}

#[test]
fn a_failed_write_in_the_middle_of_the_commit_puts_every_file_back() {
    let root = tree_with_changes("write-failure");
    let before = snapshot(&root.join("generated"));
    for after in [0, 1, 3] {
        let err = regen::run(&Options {
            commit_fault: Some(CommitFault::FailAfter(after)),
            ..Options::new(&root)
        })
        .unwrap_err();
        assert!(err.to_string().contains("injected failure"), "{err}");
        assert_eq!(
            snapshot(&root.join("generated")),
            before,
            "failing after {after} moves"
        );
        assert_no_leftovers(&root);
    }
    // And the same regen without the failure goes through.
    let report = run(&root, Mode::Write).unwrap();
    assert!(report.written.iter().any(|p| p.starts_with("alpha/")));
    assert!(
        report
            .removed
            .iter()
            .any(|p| p.contains("describe_widgets_f")),
        "{:?}",
        report.removed
    );
}

#[test]
fn a_regen_killed_while_committing_is_undone_by_the_next_one() {
    let root = tree_with_changes("killed");
    let before = snapshot(&root.join("generated"));
    let err = regen::run(&Options {
        commit_fault: Some(CommitFault::DieAfter(2)),
        ..Options::new(&root)
    })
    .unwrap_err();
    assert!(matches!(err, RegenError::Write(WriteError::Died)), "{err}");
    let half = contents(&root.join("generated"));
    let old: Vec<_> = before
        .iter()
        .map(|(p, b, _)| (p.clone(), b.clone()))
        .collect();
    assert_ne!(half, old, "two files moved in before the kill");

    // `--check` refuses to judge a half-committed tree and says what to do.
    let check = run(&root, Mode::Check).unwrap_err();
    assert!(
        check.to_string().contains("run `cargo xtask regen`"),
        "{check}"
    );

    // Undoing alone gives back exactly the files of before (same bytes, same times).
    let work = WorkDir::lock(&root.join("generated"), Wait::No, &|| false).unwrap();
    assert!(work.interrupted_commit());
    assert!(work.recover().unwrap() >= 2);
    drop(work);
    assert_eq!(snapshot(&root.join("generated")), before);
    assert_no_leftovers(&root);
}

#[test]
fn the_next_regen_after_a_kill_recovers_and_completes() {
    let root = tree_with_changes("killed-then-regen");
    let _ = regen::run(&Options {
        commit_fault: Some(CommitFault::DieAfter(1)),
        ..Options::new(&root)
    });
    let report = run(&root, Mode::Write).unwrap();
    assert!(report.recovered >= 1);
    assert_no_leftovers(&root);
    assert!(run(&root, Mode::Check).unwrap().is_up_to_date());
}

#[test]
fn a_stop_request_writes_nothing() {
    let root = tree_with_changes("stopped");
    let before = snapshot(&root.join("generated"));
    let err = regen::run(&Options {
        stop: Some(Arc::new(AtomicBool::new(true))),
        jobs: 2,
        ..Options::new(&root)
    })
    .unwrap_err();
    assert!(
        matches!(err, RegenError::Write(WriteError::Interrupted)),
        "{err}"
    );
    assert_eq!(snapshot(&root.join("generated")), before);
    assert_no_leftovers(&root);
}

#[test]
fn a_second_regen_waits_for_the_first_or_says_one_is_running() {
    let root = tree_with_changes("concurrent");
    let held = WorkDir::lock(&root.join("generated"), Wait::No, &|| false).unwrap();
    let busy = regen::run(&Options {
        wait: Wait::No,
        ..Options::new(&root)
    })
    .unwrap_err();
    assert!(
        busy.to_string().contains("another regen is running"),
        "{busy}"
    );
    drop(held);

    // Two at once, as two terminals would: both succeed, one after the other, and the result is whole.
    let results: Vec<_> = std::thread::scope(|s| {
        let a = s.spawn(|| regen::run(&Options::new(&root)));
        let b = s.spawn(|| regen::run(&Options::new(&root)));
        [a.join().unwrap(), b.join().unwrap()]
    })
    .into_iter()
    .collect();
    for r in &results {
        assert!(r.is_ok(), "{:?}", r.as_ref().err().map(ToString::to_string));
    }
    let written: usize = results
        .iter()
        .map(|r| r.as_ref().unwrap().written.len())
        .sum();
    let first = results
        .iter()
        .map(|r| r.as_ref().unwrap().written.len())
        .max()
        .unwrap();
    assert_eq!(
        written, first,
        "the second run found everything already done"
    );
    assert_no_leftovers(&root);
    assert!(run(&root, Mode::Check).unwrap().is_up_to_date());
}

/// A service folder `specs/<name>` with one page and a valid `service.yaml`.
fn add_service(root: &Path, name: &str) {
    let dir = root.join("specs").join(name);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("DescribeShelves.md"), page("DescribeShelves", 7)).unwrap();
    std::fs::write(
        dir.join("service.yaml"),
        "product: Shelves\nversion: \"2024-01-01\"\nstyle: RPC\nendpoint: \"shelves.{region}.aliyuncs.com\"\n",
    )
    .unwrap();
}

/// The failed services and everything rendered (warnings, then errors).
fn failure(result: Result<Regenerated, RegenError>) -> (Vec<String>, String) {
    match result {
        Err(RegenError::Failed {
            failed,
            rendered,
            rendered_errors,
            ..
        }) => (failed, rendered + &rendered_errors),
        Err(e) => panic!("not a diagnostic: {e}"),
        Ok(r) => panic!("regen succeeded: {:?}", r.services),
    }
}

#[test]
fn folder_names_that_would_break_the_workspace_are_errors_before_anything_is_written() {
    let cases: [(&[&str], &str); 5] = [
        (
            &["runtime"],
            "would make crate `aliyun-runtime`, which the workspace already has",
        ),
        (
            &["Config", "config"],
            "service folders `Config`, `config` would all make crate `aliyun-config`",
        ),
        (
            &["my-svc", "my_svc"],
            "service folders `my-svc`, `my_svc` would all make crate `aliyun-my-svc`",
        ),
        (&["a.b"], "`a.b` is not a valid service folder name"),
        (&["a\"b"], "`a\"b` is not a valid service folder name"),
    ];
    for (i, (folders, message)) in cases.iter().enumerate() {
        let root = tree(&format!("names-{i}"));
        run(&root, Mode::Write).unwrap();
        let before = snapshot(&root.join("generated"));
        for f in *folders {
            add_service(&root, f);
        }
        let (failed, rendered) = failure(run(&root, Mode::Write));
        assert!(rendered.contains(message), "{folders:?}:\n{rendered}");
        for f in *folders {
            assert!(
                rendered.contains(&format!("specs/{f}")),
                "{f} not named:\n{rendered}"
            );
            assert!(failed.contains(&f.to_string()), "{failed:?}");
        }
        assert_eq!(snapshot(&root.join("generated")), before, "{folders:?}");
        assert_no_leftovers(&root);
    }
}

#[test]
fn dot_folders_and_empty_folders_are_not_services() {
    let root = tree("dot-empty");
    std::fs::create_dir_all(root.join("specs/.hidden")).unwrap();
    std::fs::write(root.join("specs/.hidden/notes.md"), "not a page").unwrap();
    std::fs::create_dir_all(root.join("specs/leftover")).unwrap();
    std::fs::write(root.join("specs/README.md"), "about the specs").unwrap();
    let report = run(&root, Mode::Write).unwrap();
    let names: Vec<&str> = report.services.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["alpha", "beta"]);
    assert!(
        report
            .rendered_warnings
            .contains("empty folder is not a service"),
        "{}",
        report.rendered_warnings
    );
    assert!(
        report.rendered_warnings.contains("specs/leftover"),
        "{}",
        report.rendered_warnings
    );
    assert_no_leftovers(&root);
}

#[test]
fn symlinks_under_specs_are_refused() {
    let root = tree("symlinks");
    let outside = root.join("elsewhere");
    add_service(&root, "elsewhere-src");
    std::fs::rename(root.join("specs/elsewhere-src"), &outside).unwrap();
    std::os::unix::fs::symlink(&outside, root.join("specs/linked")).unwrap();
    let (failed, rendered) = failure(run(&root, Mode::Write));
    assert_eq!(failed, ["linked"]);
    assert!(
        rendered.contains("service folder is a symlink"),
        "{rendered}"
    );
    std::fs::remove_file(root.join("specs/linked")).unwrap();

    std::os::unix::fs::symlink(
        outside.join("DescribeShelves.md"),
        root.join("specs/alpha/Shelves.md"),
    )
    .unwrap();
    let (failed, rendered) = failure(run(&root, Mode::Write));
    assert_eq!(failed, ["alpha"]);
    assert!(rendered.contains("page is a symlink"), "{rendered}");
    assert!(rendered.contains("specs/alpha/Shelves.md"), "{rendered}");
}

/// Reads `specs/<service>` of `root` as regen does.
fn read(root: &Path, service: &str) -> Result<codegen::load::ServiceRead, codegen::diag::Failure> {
    codegen::load::read_service(&root.join("specs").join(service), root)
}

fn messages(diagnostics: &[codegen::diag::Diagnostic]) -> Vec<String> {
    diagnostics.iter().map(ToString::to_string).collect()
}

#[test]
fn utf16_and_gbk_pages_are_decoded_with_a_warning_saying_so() {
    let root = tree("encodings");
    let dir = root.join("specs/alpha");
    let text = page("DescribeShelves", 5).replace("The ID of the shelf.", "货架的 ID。");
    let utf8 = read(&root, "alpha").unwrap().service.operations.len();

    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    std::fs::write(dir.join("DescribeShelves.md"), utf16).unwrap();
    let list = text.replace("DescribeShelves", "ListShelves");
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&list);
    assert!(!unmappable);
    std::fs::write(dir.join("ListShelves.md"), &gbk[..]).unwrap();

    let read = read(&root, "alpha").unwrap();
    let warnings = messages(&read.warnings);
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("page is UTF-16LE, not UTF-8") && w.contains("DescribeShelves.md")),
        "{warnings:?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("decoded as GB18030") && w.contains("ListShelves.md")),
        "{warnings:?}"
    );
    assert_eq!(read.service.operations.len(), utf8 + 2);
    for name in ["DescribeShelves", "ListShelves"] {
        let op = read
            .service
            .operations
            .iter()
            .find(|o| o.name == name)
            .unwrap();
        let shelf = op.request.iter().find(|f| f.name == "ShelfId").unwrap();
        assert!(
            format!("{shelf:?}").contains("货架的 ID"),
            "{name}: {shelf:?}"
        );
    }
}

#[test]
fn a_page_that_is_not_text_is_an_error_not_an_empty_operation() {
    let root = tree("not-text");
    let utf16_without_bom: Vec<u8> = page("DescribeShelves", 5)
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    std::fs::write(
        root.join("specs/alpha/DescribeShelves.md"),
        utf16_without_bom,
    )
    .unwrap();
    let failure = read(&root, "alpha").unwrap_err();
    let errors = messages(&failure.diagnostics);
    assert!(
        failure
            .diagnostics
            .iter()
            .any(|d| d.code == codegen::diag::Code::NotText
                && d.span.file.ends_with("DescribeShelves.md")),
        "{errors:?}"
    );
}

#[test]
fn service_yaml_keys_are_checked_and_a_bom_is_fine() {
    let root = tree("yaml");
    let yaml = root.join("specs/alpha/service.yaml");
    std::fs::write(
        &yaml,
        "\u{feff}product: Widgets\nversion: \"2024-01-01\"\nstyle: RPC\nendpoint: \"alpha.{region}.aliyuncs.com\"\n",
    )
    .unwrap();
    assert!(read(&root, "alpha").is_ok());

    let cases = [
        (
            "product: \"\"\nversion: \"1\"\nstyle: RPC\nendpoint: a.{region}.com\n",
            "`product` is empty",
            1,
        ),
        (
            "product: P\nversion: \" \"\nstyle: RPC\nendpoint: a.{region}.com\n",
            "`version` is empty",
            2,
        ),
        (
            "product: P\nversion: \"1\"\nstyle: RPC\nendpoint: \"\"\n",
            "`endpoint` is empty",
            4,
        ),
        (
            "product: P\nversion: \"1\"\nstyle: RPC\nendpoint: https://a.{region}.com\n",
            "`endpoint` is not a host pattern: `https://a.{region}.com`",
            4,
        ),
        (
            "product: P\nversion: \"1\"\nstyle: RPC\nendpoint: a.{region}.com/x\n",
            "is not a host pattern",
            4,
        ),
    ];
    for (text, message, line) in cases {
        std::fs::write(&yaml, text).unwrap();
        let failure = read(&root, "alpha").unwrap_err();
        let d = failure
            .diagnostics
            .iter()
            .find(|d| d.message.contains(message));
        let d = d.unwrap_or_else(|| panic!("{message}: {:?}", messages(&failure.diagnostics)));
        assert_eq!(
            (d.span.file.as_str(), d.span.line),
            ("specs/alpha/service.yaml", line),
            "{message}"
        );
    }
}

#[test]
fn operation_names_that_differ_only_in_case_are_one_operation() {
    // Each page's Action row gives its own spelling: one vote each, so the first spelling in order wins, and
    // the other page is read as it, with a warning; nothing is refused.
    let root = tree("case");
    let text = page("DescribeWidgetsA", 3).replace("DescribeWidgetsA", "DescribewidgetsA");
    std::fs::write(root.join("specs/alpha/other.md"), text).unwrap();
    let read = read(&root, "alpha").unwrap();
    let names: Vec<&str> = read
        .service
        .operations
        .iter()
        .map(|o| o.name.as_str())
        .filter(|n| n.eq_ignore_ascii_case("DescribeWidgetsA"))
        .collect();
    assert_eq!(names, ["DescribeWidgetsA"]);
    let warnings = messages(&read.warnings);
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("names the operation `DescribewidgetsA`")
                && w.contains("read as `DescribeWidgetsA`")),
        "{warnings:?}"
    );
}

#[test]
fn a_same_length_hand_edit_with_its_time_restored_is_still_undone() {
    let root = tree("same-length-edit");
    run(&root, Mode::Write).unwrap();
    let lib = root.join("generated/alpha/src/lib.rs");
    let original = std::fs::read(&lib).unwrap();
    let modified = std::fs::metadata(&lib).unwrap().modified().unwrap();
    let mut edited = original.clone();
    let at = edited.iter().position(|b| b.is_ascii_lowercase()).unwrap();
    edited[at] = edited[at].to_ascii_uppercase();
    std::fs::write(&lib, &edited).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&lib)
        .unwrap()
        .set_modified(modified)
        .unwrap();

    let report = run(&root, Mode::Write).unwrap();
    assert_eq!(
        report.cached(),
        1,
        "beta is untouched: {:?}",
        report.services
    );
    assert_eq!(report.written, ["alpha/src/lib.rs"]);
    assert_eq!(std::fs::read(&lib).unwrap(), original);
}

/// The names regen keeps generated crates off are the workspace's other crates: a new member shows up here.
#[test]
fn reserved_crate_names_are_the_workspace_members_that_are_not_generated() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let members = manifest.lines().find(|l| l.starts_with("members")).unwrap();
    let mut names: Vec<String> = members
        .split('"')
        .skip(1)
        .step_by(2)
        .filter(|m| !m.contains('*'))
        .map(|m| {
            let own = std::fs::read_to_string(root.join(m).join("Cargo.toml")).unwrap();
            let line = own.lines().find(|l| l.starts_with("name = ")).unwrap();
            line.trim_start_matches("name = ")
                .trim_matches('"')
                .to_string()
        })
        .collect();
    names.sort();
    let mut reserved = codegen::regen::folders::RESERVED_CRATES.to_vec();
    reserved.sort();
    assert_eq!(names, reserved);
}
