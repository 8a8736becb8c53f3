//! A type that is the same wherever it occurs in a service is generated once (`types.rs`) and used by every
//! operation; types that differ keep their own names; names do not move when a page is added.

use codegen::emit::GeneratedFile;
use codegen::model::Service;
use std::collections::BTreeMap;
use std::path::Path;

fn model() -> Service {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/models/shared_shapes.yaml");
    serde_yaml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// Every struct and enum the crate defines (modules included), as (name, file, `cfg` of its module).
fn definitions(files: &[GeneratedFile]) -> Vec<(String, String, String)> {
    fn walk(items: &[syn::Item], file: &str, cfg: &str, out: &mut Vec<(String, String, String)>) {
        for item in items {
            match item {
                syn::Item::Struct(s) => out.push((s.ident.to_string(), file.into(), cfg.into())),
                syn::Item::Enum(e) => out.push((e.ident.to_string(), file.into(), cfg.into())),
                syn::Item::Mod(m) => {
                    let cfg = m
                        .attrs
                        .iter()
                        .filter(|a| a.path().is_ident("cfg"))
                        .map(|a| quote::quote!(#a).to_string())
                        .collect::<String>();
                    if let Some((_, inner)) = &m.content {
                        walk(inner, file, &cfg, out);
                    }
                }
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    for f in files.iter().filter(|f| f.path.ends_with(".rs")) {
        let file = syn::parse_file(&f.contents).unwrap();
        walk(&file.items, &f.path, "", &mut out);
    }
    out
}

fn file<'a>(files: &'a [GeneratedFile], path: &str) -> &'a str {
    &files.iter().find(|f| f.path == path).unwrap().contents
}

#[test]
fn no_type_is_generated_twice() {
    let files = codegen::emit::service(&model()).unwrap();
    let defs = definitions(&files);
    let mut count: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (name, file, _) in &defs {
        count.entry(name).or_default().push(file);
    }
    let twice: Vec<_> = count.iter().filter(|(_, files)| files.len() > 1).collect();
    assert!(twice.is_empty(), "defined more than once: {twice:?}");

    // One `Tag` for the requests of two operations and the response of another, in `types.rs`, compiled
    // when any of the three is.
    let (_, tag_file, tag_cfg) = defs.iter().find(|(n, _, _)| n == "Tag").unwrap();
    assert_eq!(tag_file, "shop/src/types.rs");
    for feature in ["create_stall", "describe_stalls", "list_tag_resources"] {
        assert!(tag_cfg.contains(&format!("\"{feature}\"")), "{tag_cfg}");
    }
    // One `ChargeType`, whatever order the pages list its values in, request and response alike.
    let (_, charge_file, charge_cfg) = defs.iter().find(|(n, _, _)| n == "ChargeType").unwrap();
    assert_eq!(charge_file, "shop/src/types.rs");
    assert!(!charge_cfg.contains("list_tag_resources"), "{charge_cfg}");
    let describe = file(&files, "shop/src/describe_stalls.rs");
    assert!(
        describe.contains("pub charge_type: Option<ChargeType>,"),
        "{describe}"
    );
    assert_eq!(
        describe
            .matches("pub charge_type: Option<ChargeType>,")
            .count(),
        2
    );

    // The `Tag` of other keys is another type, of the one operation that has it, under another name.
    let list = file(&files, "shop/src/list_tag_resources.rs");
    assert!(list.contains("pub struct TagResourceTag {"), "{list}");
    assert!(list.contains("pub tag: Vec<Tag>,"), "{list}");
    assert!(list.contains("pub tag: Option<TagResourceTag>,"), "{list}");

    // Every operation module re-exports the shared types it uses, so `<operation>::Tag` names them.
    for op in ["create_stall", "describe_stalls", "list_tag_resources"] {
        let module = file(&files, &format!("shop/src/{op}.rs"));
        let uses = module
            .lines()
            .find(|l| l.starts_with("pub use crate::types::"))
            .unwrap_or_else(|| panic!("{op} re-exports nothing"));
        assert!(uses.contains("Tag"), "{op}: {uses}");
    }
    assert!(file(&files, "shop/src/lib.rs").contains("pub mod types;"));
}

#[test]
fn a_type_keeps_its_name_when_a_page_makes_it_shared() {
    let before = model();
    let mut after = before.clone();
    // A new operation with the other `Tag` (`TagKey`/`TagValue`) in its response: that type is now shared.
    let mut op = before.operations[2].clone();
    op.name = "ListTagKeys".into();
    op.request.clear();
    after.operations.push(op);
    after.operations.sort_by(|a, b| a.name.cmp(&b.name));

    let names = |svc: &Service| {
        let files = codegen::emit::service(svc).unwrap();
        let mut names: Vec<String> = definitions(&files)
            .into_iter()
            .filter(|(_, file, _)| !file.ends_with("lib.rs") && !file.ends_with("error.rs"))
            .map(|(n, _, _)| n)
            .filter(|n| !n.ends_with("Request") && !n.ends_with("Response"))
            .collect();
        names.sort();
        (names, files)
    };
    let (before_names, _) = names(&before);
    let (after_names, files) = names(&after);
    assert_eq!(before_names, after_names);
    let defs = definitions(&files);
    let (_, home, _) = defs.iter().find(|(n, _, _)| n == "TagResourceTag").unwrap();
    assert_eq!(home, "shop/src/types.rs");
}
