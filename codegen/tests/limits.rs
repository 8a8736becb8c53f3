//! Limits that keep rustc safe, and `--keep-going`: pages made up by the tests, in a scratch folder.

mod support;
use support::Scratch;

use codegen::diag::Diagnostic;
use codegen::load::limits::{MAX_DEPTH, MAX_PAGE_BYTES, MAX_TABLE_ROWS};
use codegen::load::{read_files, PagesRead};
use codegen::regen::{self, Options, RegenError};
use std::path::Path;

/// An invented page: `rows` extra request rows, `response` extra response rows, `example` as the JSON example.
fn page(operation: &str, rows: &str, response: &str, example: &str) -> String {
    format!(
        "# {operation}\n\nCounts the widgets of one shelf.\n\n## Request parameters\n\n\
         |Parameter|Type|Required|Example|Description|\n|---|---|---|---|---|\n\
         |Action|String|Yes|{operation}|The operation that you want to perform.|\n\
         |ShelfId|String|Yes|shelf-1|The ID of the shelf.|\n{rows}\n\
         ## Response parameters\n\n|Parameter|Type|Example|Description|\n|---|---|---|---|\n\
         |RequestId|String|REQ-1|The ID of the request.|\n{response}\n\
         ## Examples\n\nSample success responses\n\n```\n{example}\n```\n"
    )
}

fn scratch(name: &str) -> Scratch {
    Scratch::new(&format!("limits-{name}"))
}

fn read_one(name: &str, text: &str) -> PagesRead {
    let root = scratch(name);
    let file = root.join(format!("{name}.md"));
    std::fs::write(&file, text).unwrap();
    read_files(&[file], &root)
}

fn error_messages(r: &PagesRead) -> Vec<String> {
    r.diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.message.clone())
        .collect()
}

fn messages(diags: &[Diagnostic]) -> Vec<String> {
    diags.iter().map(|d| d.to_string()).collect()
}

#[test]
fn a_page_over_the_size_limit_is_refused() {
    let filler = "Padding. ".repeat(MAX_PAGE_BYTES / 9 + 1);
    let text = page(
        "CountWidgets",
        &format!("|Note|String|No|x|{filler}|\n"),
        "",
        "{}",
    );
    let r = read_one("huge", &text);
    assert!(r.operations.is_empty());
    assert_eq!(
        messages(&r.diagnostics),
        [format!(
            "error[E0601]: page is {} bytes, more than the {MAX_PAGE_BYTES} regen reads (huge.md:1:1: this file)",
            text.len()
        )]
    );
}

#[test]
fn a_table_over_the_row_limit_is_refused_at_the_first_row_over() {
    let rows: String = (0..=MAX_TABLE_ROWS)
        .map(|i| format!("|Param{i}|String|No|x|Parameter {i}.|\n"))
        .collect();
    let r = read_one("rows", &page("CountWidgets", &rows, "", "{}"));
    assert!(r.operations.is_empty());
    let errors: Vec<&Diagnostic> = r.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert_eq!(errors.len(), 1, "{:?}", messages(&r.diagnostics));
    assert_eq!(
        errors[0].message,
        format!(
            "table has {} rows, more than the {MAX_TABLE_ROWS} regen reads",
            MAX_TABLE_ROWS + 3
        )
    );
    // The header, the separator, `Action`, `ShelfId`, then `Param0` … : the first row over is `Param4998`.
    assert_eq!(errors[0].span.line, 9 + MAX_TABLE_ROWS as u32);
}

#[test]
fn fields_nested_deeper_than_the_limit_are_an_error() {
    let depth = MAX_DEPTH + 8;
    let example = format!(
        "{{\"RequestId\": \"REQ-1\", \"Data\": {{\"Name\": \"x\", \"Level\": {}1{}}}}}",
        "{\"Level\": ".repeat(depth),
        "}".repeat(depth)
    );
    let r = read_one(
        "deep",
        &page(
            "CountWidgets",
            "",
            "|Data|Object||The data.|\n|Name|String|x|The name.|\n",
            &example,
        ),
    );
    assert_eq!(
        error_messages(&r),
        [format!(
            "`CountWidgets` response field `Level` nests more than {MAX_DEPTH} levels deep"
        )]
    );
}

#[test]
fn lists_nested_deeper_than_the_limit_are_an_error() {
    let example = format!(
        "{{\"RequestId\": \"REQ-1\", \"Data\": {{\"Name\": \"x\", \"Grid\": {}1{}}}}}",
        "[".repeat(MAX_DEPTH + 1),
        "]".repeat(MAX_DEPTH + 1)
    );
    let response = "|Data|Object||The data.|\n|Name|String|x|The name.|\n";
    let r = read_one("deep-lists", &page("CountWidgets", "", response, &example));
    assert_eq!(
        error_messages(&r),
        [format!(
            "`CountWidgets` response field `Grid` nests more than {MAX_DEPTH} levels deep"
        )]
    );
}

#[test]
fn bidi_controls_leave_descriptions_with_a_warning_and_stop_names() {
    let rows = "|Mode|String|No|fast|Read \u{202E}txet\u{202C} carefully.|\n";
    let r = read_one("bidi-docs", &page("CountWidgets", rows, "", "{}"));
    assert_eq!(
        messages(&r.diagnostics),
        [
            "warning[W0603]: bidirectional control characters removed from the descriptions of this page \
          (bidi-docs.md:11:2: the first one)"
        ]
    );
    let mode = &r.operations[0].request[1];
    assert_eq!(mode.docs.en.as_deref(), Some("Read txet carefully."));

    let rows = "|Mo\u{2066}de|String|No|fast|The mode.|\n";
    let r = read_one("bidi-name", &page("CountWidgets", rows, "", "{}"));
    assert_eq!(
        error_messages(&r),
        ["field name of `CountWidgets` holds the bidirectional control U+2066"]
    );
}

#[test]
fn html_breaks_in_descriptions_become_lines() {
    let rows =
        "|Mode|String|No|fast|The mode.<br>fast: quick.<br/>slow: careful. Use <b> as text.|\n";
    let r = read_one("html", &page("CountWidgets", rows, "", "{}"));
    let mode = &r.operations[0].request[1];
    assert_eq!(
        mode.docs.en.as_deref(),
        Some("The mode.\nfast: quick.\nslow: careful. Use <b> as text.")
    );
}

/// A repository with one service `shelves`: two good pages and one with a field name that holds a
/// bidirectional control (an error: nothing usable can be read from it).
fn tree(name: &str) -> Scratch {
    let root = scratch(name);
    let dir = root.join("specs/shelves");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("service.yaml"),
        "product: Shelves\nversion: \"2024-01-01\"\nstyle: RPC\nendpoint: \"shelves.{region}.aliyuncs.com\"\n",
    )
    .unwrap();
    for op in ["CountWidgets", "ListWidgets"] {
        std::fs::write(
            dir.join(format!("{op}.md")),
            page(op, "", "", "{\"RequestId\": \"REQ-1\"}"),
        )
        .unwrap();
    }
    let broken = page(
        "MoveWidgets",
        "|Co\u{202E}unt|Integer|No|10|The number of widgets.|\n",
        "",
        "{}",
    );
    std::fs::write(dir.join("MoveWidgets.md"), broken).unwrap();
    root
}

fn run(root: &Path, keep_going: bool) -> Result<regen::Regenerated, RegenError> {
    regen::run(&Options {
        cache: Some(root.join("target/regen-cache.json")),
        keep_going,
        ..Options::new(root)
    })
}

#[test]
fn without_keep_going_a_refused_page_writes_nothing() {
    let root = tree("strict");
    match run(&root, false) {
        Err(RegenError::Failed {
            failed,
            rendered_errors,
            summary,
            ..
        }) => {
            assert_eq!(failed, ["shelves"]);
            assert!(
                rendered_errors.contains("specs/shelves/MoveWidgets.md:11:2"),
                "{rendered_errors}"
            );
            assert_eq!(summary.error_count(), 1);
        }
        other => panic!("{other:?}"),
    }
    assert!(!root.join("generated").join("shelves").exists());
}

#[test]
fn keep_going_writes_the_rest_and_lists_what_it_left_out() {
    let root = tree("keep-going");
    for _ in 0..2 {
        // The second run is not skipped by the cache: it says the same again.
        let report = run(&root, true).unwrap();
        let refused: Vec<(&str, &str, Vec<String>)> = report
            .refused()
            .map(|(s, p)| (s, p.file.as_str(), p.operations.clone()))
            .collect();
        assert_eq!(
            refused,
            [(
                "shelves",
                "specs/shelves/MoveWidgets.md",
                vec!["MoveWidgets".to_string()]
            )]
        );
        assert_eq!(report.summary().error_count(), 1);
        assert!(report.services[0]
            .rendered_errors
            .contains("bidirectional control"));
        assert_eq!(report.operations(), 2);
    }
    let src = root.join("generated/shelves/src");
    assert!(src.join("count_widgets.rs").exists() && src.join("list_widgets.rs").exists());
    assert!(!src.join("move_widgets.rs").exists());
}

#[test]
fn keep_going_leaves_a_service_it_cannot_read_as_it_was() {
    let root = tree("keep-going-service");
    let other = root.join("specs/racks");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(other.join("service.yaml"), "product: [unclosed\n").unwrap();
    std::fs::write(
        other.join("CountRacks.md"),
        page("CountRacks", "", "", "{}"),
    )
    .unwrap();
    let kept = root.join("generated/racks/src/lib.rs");
    std::fs::create_dir_all(kept.parent().unwrap()).unwrap();
    std::fs::write(&kept, "// from an earlier regen\n").unwrap();
    let report = run(&root, true).unwrap();
    assert_eq!(report.failed().collect::<Vec<_>>(), ["racks"]);
    assert_eq!(report.refused().count(), 1);
    assert_eq!(
        std::fs::read_to_string(&kept).unwrap(),
        "// from an earlier regen\n"
    );
    assert!(root.join("generated/shelves/src/count_widgets.rs").exists());
}

/// The row forms found in Alibaba's documentation repositories are read, with a warning each, never refused:
/// even a strict regen writes the service.
#[test]
fn real_docs_row_forms_are_read_with_warnings_and_written() {
    let root = scratch("row-forms");
    let dir = root.join("specs/shelves");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("service.yaml"),
        "product: Shelves\nversion: \"2024-01-01\"\nstyle: RPC\nendpoint: \"shelves.{region}.aliyuncs.com\"\n",
    )
    .unwrap();
    let rows = "|Mode|String|No|fast\n\n|The mode, fast or slow. Modes are case-sensitive.|\n\
                |Count|Integer|No|\n|10|The number of widgets.|\n\
                |Label|String|No|\n|Name|String|No|n-1|The name.|\n";
    std::fs::write(
        dir.join("MoveWidgets.md"),
        page("MoveWidgets", rows, "", "{\"RequestId\": \"REQ-1\"}"),
    )
    .unwrap();
    let report = run(&root, false).expect("a strict regen writes the service");
    // The guesses are printed, one line each; the row read by a fixed rule is in the review report.
    let warnings = &report.services[0].rendered_warnings;
    assert_eq!(
        warnings,
        "warning[W0104] specs/shelves/MoveWidgets.md:14:1: table row is one cell short and the next line holds \
         its last cell; read as one row of 5 cells\n\
         warning[W0101] specs/shelves/MoveWidgets.md:16:1: table row has 3 cells where the header has 5; the \
         last 2 read as empty\n"
    );
    let review = std::fs::read_to_string(root.join("generated/shelves/REVIEW.md")).unwrap();
    assert!(
        review.contains("warning[W0103]: table row goes on after a blank line")
            && review.contains("specs/shelves/MoveWidgets.md:11:1"),
        "{review}"
    );
    assert_eq!(
        report.summary().review.get(&codegen::diag::Code::RowsGoOn),
        Some(&1)
    );
    assert_eq!(report.summary().error_count(), 0);
    let model = std::fs::read_to_string(root.join("generated/shelves/model.yaml")).unwrap();
    for name in ["Mode", "Count", "Label", "Name"] {
        assert!(model.contains(&format!("name: {name}")), "{name}:\n{model}");
    }
    assert!(model.contains("Modes are case-sensitive."), "{model}");
    assert!(model.contains("The number of widgets."), "{model}");
}

/// Pages that send the reader to the error centre instead of listing their errors are said once for the
/// service; `service.yaml`'s `errors:` or a page of the product's error codes gives `ErrorCode` the table.
#[test]
fn the_error_centre_is_said_once_and_the_products_table_comes_from_service_yaml_or_a_page() {
    use codegen::diag::Code;
    let root = scratch("error-centre");
    let dir = root.join("specs/shelves");
    std::fs::create_dir_all(&dir).unwrap();
    let yaml = "product: Shelves\nversion: \"2024-01-01\"\nstyle: RPC\nendpoint: \"shelves.{region}.aliyuncs.com\"\n";
    std::fs::write(dir.join("service.yaml"), yaml).unwrap();
    let link = "\n## Error codes\n\nFor a list of error codes, visit the [API Error Center](https://error-center.alibabacloud.com/status/product/Shelves).\n";
    for op in ["CountWidgets", "ListWidgets"] {
        let text = page(op, "", "", "{\"RequestId\": \"REQ-1\"}") + link;
        std::fs::write(dir.join(format!("{op}.md")), text).unwrap();
    }
    let read = codegen::load::read_service(&dir, &root).unwrap();
    let said: Vec<_> = read
        .warnings
        .iter()
        .filter(|d| d.code == Code::ErrorCentreOnly)
        .collect();
    assert_eq!(said.len(), 1, "{:?}", read.warnings);
    assert!(
        said[0].message.starts_with("2 operation(s)"),
        "{}",
        said[0].message
    );
    assert!(read.service.errors.is_empty());

    // The table in service.yaml.
    let with_errors = format!(
        "{yaml}errors:\n  - code: Shelf.NotFound\n    status: 404\n    message: The shelf does not exist.\n    description: Check the shelf ID.\n"
    );
    std::fs::write(dir.join("service.yaml"), &with_errors).unwrap();
    let read = codegen::load::read_service(&dir, &root).unwrap();
    let codes: Vec<(&str, u16)> = read
        .service
        .errors
        .iter()
        .map(|e| (e.code.as_str(), e.status))
        .collect();
    assert_eq!(codes, [("Shelf.NotFound", 404)]);
    assert!(read
        .warnings
        .iter()
        .all(|d| d.code != Code::ErrorCentreOnly));
    assert_eq!(
        read.warnings
            .iter()
            .filter(|d| d.code == Code::ErrorCentreTable)
            .count(),
        1
    );

    // A page of the product's error codes instead: read as the table, not refused as a page with no operation.
    std::fs::write(dir.join("service.yaml"), yaml).unwrap();
    std::fs::write(
        dir.join("ErrorCodes.en.md"),
        "# Error codes\n\n|HTTP status code|Error code|Error message|Description|\n|---|---|---|---|\n\
         |400|Shelf.Full|The shelf is full.|Remove a widget first.|\n|404|Shelf.NotFound|The shelf does not exist.|Check the ID.|\n",
    )
    .unwrap();
    let read = codegen::load::read_service(&dir, &root).unwrap();
    let codes: Vec<(&str, u16)> = read
        .service
        .errors
        .iter()
        .map(|e| (e.code.as_str(), e.status))
        .collect();
    assert_eq!(codes, [("Shelf.Full", 400), ("Shelf.NotFound", 404)]);
    assert_eq!(read.service.operations.len(), 2);
    assert!(
        read.warnings.iter().all(|d| !d.is_error()),
        "{:?}",
        read.warnings
    );
}

/// A page of the other style (a ROA page in an RPC service) refuses itself, not its service.
#[test]
fn a_page_of_the_other_style_is_left_out_and_the_service_written() {
    let root = tree("other-style");
    let dir = root.join("specs/shelves");
    std::fs::remove_file(dir.join("MoveWidgets.md")).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/bad/style_disagrees/DeleteGizmo.md"),
        dir.join("DeleteGizmo.md"),
    )
    .unwrap();
    let report = run(&root, true).unwrap();
    let refused: Vec<(&str, Vec<String>)> = report
        .refused()
        .map(|(_, p)| (p.file.as_str(), p.operations.clone()))
        .collect();
    assert_eq!(
        refused,
        [(
            "specs/shelves/DeleteGizmo.md",
            vec!["DeleteGizmo".to_string()]
        )]
    );
    assert_eq!(report.operations(), 2);
    assert!(report.failed().next().is_none());
}
