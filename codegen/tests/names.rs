//! Names a user can trust (`tests/names/*.md`, invented pages): one wire name is one field, spellings that
//! differ only in case get names that say which is which, a name keeps its wire name when pages are added, and
//! each operation keeps the error status its page gives.

use codegen::emit::{self, GeneratedFile};
use codegen::load::{read_files, PagesRead};
use codegen::model::{ApiStyle, Field, Service, Shape};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/names")
}

fn read(pages: &[&str]) -> PagesRead {
    let files: Vec<PathBuf> = pages.iter().map(|p| root().join(p)).collect();
    read_files(&files, &root())
}

fn service(pages: &[&str]) -> Service {
    let read = read(pages);
    Service {
        name: "shelves".into(),
        product: "Shelves".into(),
        version: "2024-01-01".into(),
        style: ApiStyle::Rpc,
        endpoint: "shelves.{region}.aliyuncs.com".into(),
        endpoint_rule: codegen::model::EndpointRule::Regional,
        regional_endpoints: Default::default(),
        docs: None,
        docs_license: None,
        publish: true,
        operations: read.operations,
        errors: read.errors,
    }
}

fn files(svc: &Service) -> Vec<GeneratedFile> {
    emit::service(svc).expect("emits")
}

fn items(f: &Field) -> &[Field] {
    match &f.shape {
        Shape::Array(item) => match item.as_ref() {
            Shape::Object(c) => c,
            other => panic!("{} items are not objects: {other:?}", f.name),
        },
        other => panic!("{} is not a list: {other:?}", f.name),
    }
}

#[test]
fn repeated_rows_are_one_field_and_indexed_rows_one_list() {
    let r = read(&["repeated_rows.md"]);
    let op = &r.operations[0];
    let names: Vec<&str> = op.request.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["WarehouseId", "Filter"]);
    // `Filter.1.Key` … `Filter.4.Key`: one list of filters, each with one `Key` and one `Value`.
    let filter = &op.request[1];
    let inner: Vec<(&str, bool)> = items(filter)
        .iter()
        .map(|f| (f.name.as_str(), f.required))
        .collect();
    assert_eq!(inner, [("Key", false), ("Value", false)]);
    assert_eq!(
        items(filter)[0].docs.en.as_deref(),
        Some("The key of the first filter.")
    );
    let response: Vec<&str> = op.response.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(response, ["RequestId", "ShelfCount"]);
    let warnings: Vec<String> = r.diagnostics.iter().map(|d| d.to_string()).collect();
    assert_eq!(
        warnings,
        ["warning[W0305]: `DescribeShelves` response field `ShelfCount` is documented twice, as `Integer` and here as \
          `Object` (repeated_rows.md:27:2: `Object` here)"],
    );
    let module = emit::operation_module(&service(&["repeated_rows.md"]), "DescribeShelves")
        .unwrap()
        .unwrap();
    assert_eq!(
        response_fields(&module)
            .iter()
            .filter(|(wire, _)| *wire == "ShelfCount")
            .count(),
        1,
        "{module}"
    );
    assert_eq!(module.matches("rename = \"Key\"").count(), 1, "{module}");
}

#[test]
fn key_and_key_are_two_fields_that_say_which_is_which() {
    let svc = service(&["key_case.md"]);
    let module = emit::operation_module(&svc, "TagShelves").unwrap().unwrap();
    for (wire, rust) in [
        ("Key", "key"),
        ("key", "key_lower"),
        ("ShelfId", "shelf_id"),
        ("shelfId", "shelf_id_camel"),
    ] {
        // The request's field (serde's `rename`), or else the response's (its `Decode` impl).
        let decl = format!("rename = \"{wire}\"");
        let field = match module.find(&decl) {
            Some(at) => {
                let after = &module[at..];
                after[after.find("pub ").unwrap() + 4..]
                    .split(':')
                    .next()
                    .unwrap()
            }
            None => {
                response_fields(&module)
                    .into_iter()
                    .find(|(w, _)| *w == wire)
                    .unwrap_or_else(|| panic!("no field {wire} in {module}"))
                    .1
            }
        };
        assert_eq!(field, rust, "{wire}");
    }
    assert!(
        module.contains("On the wire: `key`, not to be confused with `Key` (field `key`)"),
        "{module}"
    );
    assert!(
        module.contains("On the wire: `Key`, not to be confused with `key` (field `key_lower`)"),
        "{module}"
    );
}

/// `(wire name, field)` of every response field, from the `Decode` impls (`shelf_id: f.opt("ShelfId")?`).
fn response_fields(text: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    for call in [": f.opt(\"", ": f.list(\""] {
        for (at, _) in text.match_indices(call) {
            let wire = text[at + call.len()..].split('"').next().unwrap();
            let field = text[..at]
                .rsplit(|c: char| c.is_whitespace() || c == '{' || c == ',')
                .next()
                .unwrap();
            out.push((at, wire, field));
        }
    }
    out.sort();
    out.into_iter()
        .map(|(_, wire, field)| (wire, field))
        .collect()
}

/// Every Rust name of the crate with the wire name it stands for: error variants, modules, request types,
/// fields (by module and wire name).
fn names(files: &[GeneratedFile]) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for f in files.iter().filter(|f| f.path.ends_with(".rs")) {
        let text = &f.contents;
        if f.path.ends_with("src/error.rs") {
            for line in text.lines().map(str::trim) {
                if let Some(rest) = line.strip_prefix("Self::") {
                    if let Some((variant, code)) = rest.split_once(" => \"") {
                        out.insert(
                            format!("ErrorCode::{variant}"),
                            code.trim_end_matches("\",").to_string(),
                        );
                    }
                }
            }
            continue;
        }
        const ACTION: &str = "const ACTION: &'static str = \"";
        let Some(at) = text.find(ACTION) else {
            continue;
        };
        let action = text[at + ACTION.len()..]
            .split('"')
            .next()
            .unwrap()
            .to_string();
        let module = f
            .path
            .rsplit('/')
            .next()
            .unwrap()
            .trim_end_matches(".rs")
            .to_string();
        out.insert(format!("mod {module}"), action.clone());
        let request = text
            .split("impl aliyun_runtime::Operation for ")
            .nth(1)
            .unwrap();
        out.insert(
            format!("type {}", request.split(' ').next().unwrap()),
            action.clone(),
        );
        for part in text.split("rename = \"").skip(1) {
            let wire = part.split('"').next().unwrap();
            let field = part[part.find("pub ").unwrap() + 4..]
                .split(':')
                .next()
                .unwrap();
            out.insert(format!("{module}::{wire}"), field.to_string());
        }
        for (wire, field) in response_fields(text) {
            out.insert(format!("{module}::{wire}"), field.to_string());
        }
    }
    out
}

#[test]
fn a_colliding_page_leaves_every_existing_name_its_wire_name() {
    let before = names(&files(&service(&["key_case.md", "repeated_rows.md"])));
    let after = names(&files(&service(&[
        "key_case.md",
        "repeated_rows.md",
        "colliding.md",
    ])));
    assert!(
        before.contains_key("ErrorCode::InvalidThingNotFound"),
        "{before:#?}"
    );
    for (name, wire) in &before {
        assert_eq!(after.get(name), Some(wire), "{name}: {after:#?}");
    }
    // The new spellings get names of their own.
    assert_eq!(
        after["ErrorCode::InvalidThingNotFoundDashDot"],
        "Invalid-Thing.NotFound"
    );
    assert_eq!(after["mod tag_shelves_v1"], "TagShelvesV1");
    assert_eq!(after["type TagShelvesV1Request"], "TagShelvesV1");
    // Read in another order, the pages give the same names.
    let reversed = names(&files(&service(&[
        "colliding.md",
        "repeated_rows.md",
        "key_case.md",
    ])));
    assert_eq!(reversed, after);
}

#[test]
fn each_operation_keeps_the_error_status_its_page_gives() {
    let r = read(&["key_case.md", "colliding.md"]);
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    let svc = service(&["key_case.md", "colliding.md"]);
    let status_of = |op: &str| {
        let module = emit::operation_module(&svc, op).unwrap().unwrap();
        let at = module
            .find("code: crate::ErrorCode::InvalidThingNotFound,")
            .expect("documented");
        let rest = &module[at..];
        let status = rest
            .split("status: ")
            .nth(1)
            .unwrap()
            .split(',')
            .next()
            .unwrap()
            .to_string();
        let message = rest
            .split("message: ")
            .nth(1)
            .unwrap()
            .split(",\n")
            .next()
            .unwrap()
            .to_string();
        (status, message)
    };
    assert_eq!(
        status_of("TagShelves"),
        (
            "400".to_string(),
            "\"The thing does not exist.\"".to_string()
        )
    );
    assert_eq!(
        status_of("TagShelvesV1"),
        (
            "404".to_string(),
            "\"The specified thing is not found.\"".to_string()
        )
    );
}
