//! Wire names that are not Rust names: the code still parses, keeps the wire names as strings, and nothing
//! from a name ends up as code.

use codegen::model::*;

const HOSTILE: &[&str] = &[
    "type",
    "Self",
    "self",
    "1st",
    "a.b",
    "with space",
    "名称",
    "\"]; fn x() {}",
    "crate",
    "new",
    "A-B",
    "a_b",
    "",
];

fn field(name: &str, shape: Shape, required: bool) -> Field {
    Field {
        name: name.to_string(),
        shape,
        required,
        docs: Docs {
            en: Some(format!(
                "Doc of {name} with [link] and <tag> and ``` fences"
            )),
            zh: None,
        },
        example: Some("x".to_string()),
        encoding: Encoding::Flat,
        location: None,
        origin: Default::default(),
        span: Span::default(),
    }
}

fn hostile_service() -> Service {
    let string = || Shape::Scalar(Scalar::String);
    let enum_shape = Shape::Enum(Enum {
        base: Scalar::String,
        values: HOSTILE
            .iter()
            .map(|v| EnumValue {
                value: v.to_string(),
                docs: Docs::default(),
            })
            .collect(),
    });
    let mut request: Vec<Field> = HOSTILE
        .iter()
        .enumerate()
        .map(|(i, n)| field(n, string(), i % 2 == 0))
        .collect();
    request.push(field(
        "Self",
        Shape::Array(Box::new(Shape::Object(vec![field("type", string(), true)]))),
        false,
    ));
    let mut response: Vec<Field> = HOSTILE.iter().map(|n| field(n, string(), false)).collect();
    response.push(field("\"]; fn y() {}", enum_shape, false));
    response.push(field(
        "String",
        Shape::Object(vec![field("Option", string(), false)]),
        false,
    ));
    let op = |name: &str| Operation {
        name: name.to_string(),
        method: HttpMethod::Post,
        path: None,
        docs: Docs {
            en: Some("\"]; fn z() {} */ /* `".to_string()),
            zh: None,
        },
        request: request.clone(),
        response: response.clone(),
        response_is_list: false,
        errors: hostile_errors(),
        examples: Examples {
            request: HOSTILE
                .iter()
                .map(|n| (n.to_string(), "1".to_string()))
                .collect(),
            response_json: Some("{\"type\": \"x\"}".to_string()),
            response_xml: None,
        },
        sources: vec!["specs/hostile/page.md".to_string()],
    };
    Service {
        name: "hostile".to_string(),
        product: "Hostile\"; fn p() {}".to_string(),
        version: "v1".to_string(),
        style: ApiStyle::Rpc,
        endpoint: "x.{region}.example.com".to_string(),
        endpoint_rule: codegen::model::EndpointRule::Regional,
        regional_endpoints: [("cn-\"x".to_string(), "\"]; fn h() {}".to_string())].into(),
        operations: vec![
            op("type"),
            op("Self"),
            op("\"]; fn op() {}"),
            op("Full"),
            op("Default"),
        ],
        errors: hostile_errors(),
    }
}

#[test]
fn hostile_names_parse_and_inject_nothing() {
    let files = codegen::emit::service(&hostile_service()).expect("emits");
    for f in files.iter().filter(|f| f.path.ends_with(".rs")) {
        let parsed = syn::parse_file(&f.contents)
            .unwrap_or_else(|e| panic!("{} does not parse: {e}", f.path));
        // No function named by the hostile text exists anywhere.
        let mut fns = Vec::new();
        collect_fns(&parsed.items, &mut fns);
        for injected in ["x", "y", "z", "p", "op"] {
            assert!(
                !fns.iter().any(|n| n == injected),
                "{}: injected fn {injected}",
                f.path
            );
        }
        // The wire names survive as string literals.
        if f.path == "hostile/src/type.rs" {
            assert!(
                f.contents.contains(r#"rename = "\"]; fn x() {}""#),
                "{}",
                f.contents
            );
            assert!(f.contents.contains(r#"rename = "名称""#));
        }
    }
    let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    assert!(
        paths.iter().all(|p| p.is_ascii() && !p.contains('#')),
        "{paths:?}"
    );
    assert!(paths.contains(&"hostile/src/type.rs"), "{paths:?}");
    if let Ok(dir) = std::env::var("EMIT_TRY_DIR_HOSTILE") {
        codegen::write::sync(
            std::path::Path::new(&dir),
            &files,
            codegen::write::Mode::Write,
        )
        .unwrap();
    }
}

fn collect_fns(items: &[syn::Item], out: &mut Vec<String>) {
    for item in items {
        match item {
            syn::Item::Fn(f) => out.push(f.sig.ident.to_string()),
            syn::Item::Impl(i) => {
                for it in &i.items {
                    if let syn::ImplItem::Fn(f) = it {
                        out.push(f.sig.ident.to_string());
                    }
                }
            }
            syn::Item::Mod(m) => {
                if let Some((_, items)) = &m.content {
                    collect_fns(items, out);
                }
            }
            _ => {}
        }
    }
}

#[test]
fn operation_features_are_distinct_and_leave_full_and_default_alone() {
    let files = codegen::emit::service(&hostile_service()).expect("emits");
    let cargo = files
        .iter()
        .find(|f| f.path == "hostile/Cargo.toml")
        .expect("Cargo.toml");
    let features: Vec<&str> = cargo
        .contents
        .lines()
        .filter_map(|l| l.strip_suffix(" = []"))
        .collect();
    assert_eq!(features.len(), 5, "{}", cargo.contents);
    let mut distinct = features.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), features.len(), "{features:?}");
    assert!(
        !features.contains(&"full") && !features.contains(&"default"),
        "{features:?}"
    );
    assert!(cargo.contents.contains("default = [\"full\"]"));
    let lib = files
        .iter()
        .find(|f| f.path == "hostile/src/lib.rs")
        .expect("lib.rs");
    for f in &features {
        assert!(
            lib.contents.contains(&format!("#[cfg(feature = \"{f}\")]")),
            "{f}"
        );
    }
}

#[test]
fn hostile_names_are_distinct_identifiers() {
    use codegen::plan::naming::{scope, Case};
    let names: Vec<String> = scope(HOSTILE, Case::Snake, &["new"])
        .iter()
        .map(|n| n.ident().to_string())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), names.len(), "{names:?}");
    for n in &names {
        syn::parse_str::<syn::Ident>(n).unwrap_or_else(|e| panic!("{n}: {e}"));
    }
}

fn hostile_errors() -> Vec<ErrorCode> {
    HOSTILE
        .iter()
        .map(|c| ErrorCode {
            code: c.to_string(),
            status: 400,
            message: c.to_string(),
            docs: Docs::default(),
            span: Span::default(),
        })
        .collect()
}
