//! Regen checks the pages' examples against the model it built, and follows the example where the rule is
//! clear (`codegen::check`), on an invented page whose examples disagree with its tables.

mod support;
use support::Scratch;

use codegen::model::{Field, Origin, Scalar, Shape};
use std::path::Path;

fn read() -> codegen::load::ServiceRead {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/check");
    match codegen::load::read_service(&root.join("widgets"), &root) {
        Ok(read) => read,
        Err(f) => panic!(
            "the fixture does not read:\n{}",
            f.sources.render(&f.diagnostics)
        ),
    }
}

fn field<'a>(fields: &'a [Field], name: &str) -> &'a Field {
    fields
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no field {name}"))
}

fn widget(read: &codegen::load::ServiceRead) -> Vec<Field> {
    let op = &read.service.operations[0];
    match &field(&op.response, "Widgets").shape {
        Shape::Array(item) => match &**item {
            Shape::Object(children) => children.clone(),
            other => panic!("Widgets holds {other:?}"),
        },
        other => panic!("Widgets is {other:?}"),
    }
}

#[test]
fn example_mismatches_are_warnings_at_the_example_and_the_row() {
    let read = read();
    let rendered = read.sources.render(&read.warnings);
    insta::assert_snapshot!(rendered);
}

#[test]
fn the_model_follows_the_example_where_the_rule_is_clear() {
    let read = read();
    let w = widget(&read);
    // A list where a scalar was documented: a list of that scalar.
    assert_eq!(
        field(&w, "Ports").shape,
        Shape::Array(Box::new(Shape::Scalar(Scalar::Integer)))
    );
    // Beyond 32 bits: Long.
    assert_eq!(field(&w, "Weight").shape, Shape::Scalar(Scalar::Long));
    // A string where an object was documented: String holding the text.
    assert_eq!(field(&w, "Owner").shape, Shape::Scalar(Scalar::Json));
    // Text a Boolean cannot hold: String.
    assert_eq!(field(&w, "Ready").shape, Shape::Scalar(Scalar::Json));
    // The example is kept for the generated test, which now decodes it.
    assert!(read.service.operations[0].examples.response_json.is_some());
}

#[test]
fn keys_only_the_example_shows_are_fields_of_origin_example_in_the_review_report() {
    let read = read();
    let op = &read.service.operations[0];
    let color = field(&widget(&read), "Color").clone();
    let size = field(&widget(&read), "Size").clone();
    // At the top, a key the table leaves out is a field of the response (older tables omit `RequestId`).
    let shelf = field(&op.response, "Shelf").clone();
    assert_eq!(
        (color.origin, size.origin, shelf.origin),
        (Origin::Example, Origin::Example, Origin::Table)
    );
    assert_eq!(color.shape, Shape::Scalar(Scalar::String));
    assert!(
        matches!(&size.shape, Shape::Object(c) if c.len() == 2),
        "{size:?}"
    );
    assert!(
        matches!(&shelf.shape, Shape::Object(c) if c.len() == 2),
        "{shelf:?}"
    );
    // One finding per outermost key beyond a documented object, for the review report, not the terminal.
    let reports: Vec<&codegen::diag::Diagnostic> =
        read.warnings.iter().filter(|d| d.is_report()).collect();
    let mut messages: Vec<&str> = reports.iter().map(|d| d.message.as_str()).collect();
    messages.sort();
    assert_eq!(
        messages,
        [
            "`Widgets[].Color` of `DescribeWidgets` is seen only in the response example; the table does not document it",
            "`Widgets[].Size` of `DescribeWidgets` is seen only in the response example; the table does not document it",
        ]
    );
    assert!(reports
        .iter()
        .all(|d| d.code == codegen::diag::Code::ExampleOnlyField && d.span.line > 40));
    let summary = codegen::diag::Summary::of(&read.warnings);
    assert!(
        !summary
            .warnings
            .contains_key(&codegen::diag::Code::ExampleOnlyField),
        "{summary:?}"
    );
    // The documented contract leaves them out.
    let shapes = codegen::model::corpus::operation(op).to_string();
    assert!(shapes.contains("\"WidgetId\"") && shapes.contains("\"Shelf\""));
    assert!(
        !shapes.contains("\"Color\"") && !shapes.contains("\"Size\""),
        "{shapes}"
    );
}

#[test]
fn an_example_that_does_not_parse_is_dropped_with_a_warning() {
    let root = Scratch::new("check");
    let dir = root.join("widgets");
    std::fs::create_dir_all(&dir).unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/check/widgets");
    std::fs::copy(fixture.join("service.yaml"), dir.join("service.yaml")).unwrap();
    let page = std::fs::read_to_string(fixture.join("DescribeWidgets.md")).unwrap();
    let broken = page.replace("\"Ready\": \"yes\"", "\"Ready\": yes");
    assert_ne!(broken, page);
    std::fs::write(dir.join("DescribeWidgets.md"), broken).unwrap();
    let read = codegen::load::read_service(&dir, &root).unwrap();
    let _ = std::fs::remove_dir_all(&root);
    let op = &read.service.operations[0];
    if op.examples.response_json.is_some() {
        // The reader may not take a broken example at all; then there is nothing to check.
        panic!("a broken example was kept: {:?}", op.examples.response_json);
    }
}
