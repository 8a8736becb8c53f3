//! `import` on a folder laid out like a documentation repository: zh and en pages of two API versions, the
//! same page under two sites, pages that are not API references, and English copied text that names no
//! version. Every page here is invented.

mod support;
use support::Scratch;

use codegen::import::{self, ConfigOutcome, Imported, Options, SkipReason};
use std::path::{Path, PathBuf};

/// A Chinese markdown page of `op`, with its OpenAPI Explorer link and a sample request.
fn zh(op: &str, version: &str) -> String {
    format!(
        "# {op}\n\n调用{op}查询货架上的部件。\n\n## 调试\n\n\
         [您可以在OpenAPI Explorer中直接运行该接口。](https://api.aliyun.com/#product=Widgets&api={op}&type=RPC&version={version})\n\n\
         ## 请求参数\n\n|名称|类型|是否必选|示例值|描述|\n|---|---|---|---|---|\n\
         |Action|String|是|{op}|要执行的操作。取值：{op}。|\n|ShelfId|String|是|shelf-1|货架的ID。|\n\n\
         ## 返回数据\n\n|名称|类型|示例值|描述|\n|---|---|---|---|\n\
         |RequestId|String|REQ-1|请求ID。|\n|WidgetCount|Integer|3|部件数量。|\n\n## 示例\n\n请求示例\n\n\
         ```\nhttp(s)://widgets.cn-hangzhou.aliyuncs.com/?Action={op}\n&ShelfId=shelf-1\n&<公共请求参数>\n```\n\n\
         正常返回示例\n\n```\n{{\n  \"RequestId\": \"REQ-1\",\n  \"WidgetCount\": 3\n}}\n```\n"
    )
}

/// An English markdown page of `op`; with `version`, an Explorer link names it.
fn en(op: &str, version: Option<&str>) -> String {
    let link = version.map_or(String::new(), |v| {
        format!("[Try it in OpenAPI Explorer.](https://api.aliyun.com/#product=Widgets&api={op}&type=RPC&version={v})\n\n")
    });
    format!(
        "# {op}\n\nYou can call this operation to query the widgets of a shelf.\n\n{link}## Request parameters\n\n\
         |Parameter|Type|Required|Example|Description|\n|---|---|---|---|---|\n\
         |Action|String|Yes|{op}|The operation that you want to perform. Set the value to {op}.|\n\
         |ShelfId|String|Yes|shelf-1|The ID of the shelf.|\n\n## Response parameters\n\n\
         |Parameter|Type|Example|Description|\n|---|---|---|---|\n|RequestId|String|REQ-1|The ID of the request.|\n\
         |WidgetCount|Integer|3|The number of widgets.|\n\n## Examples\n\nSample success responses\n\n\
         ```\n{{\n  \"RequestId\": \"REQ-1\",\n  \"WidgetCount\": 3\n}}\n```\n"
    )
}

fn put(root: &Path, path: &str, text: &str) {
    let full = root.join(path);
    std::fs::create_dir_all(full.parent().unwrap()).unwrap();
    std::fs::write(full, text).unwrap();
}

/// The docs folder: version 2024-01-01 (current) and 2019-01-01 (old API reference), cn and intl sites.
fn docs(root: &Path) -> PathBuf {
    let d = root.join("docs");
    let new = "2024-01-01";
    put(
        &d,
        "cn.zh-CN/API参考/部件/DescribeWidgets.md",
        &zh("DescribeWidgets", new),
    );
    put(
        &d,
        "cn.zh-CN/API参考/部件/ListShelves.md",
        &zh("ListShelves", new),
    );
    // The same page on the international site's Chinese docs.
    put(
        &d,
        "intl.zh-CN/API参考/部件/DescribeWidgets.md",
        &zh("DescribeWidgets", new),
    );
    put(
        &d,
        "intl.en-US/API Reference/Widgets/DescribeWidgets.md",
        &en("DescribeWidgets", Some(new)),
    );
    // English copied text names no version: it joins the service that documents ListShelves.
    put(
        &d,
        "intl.en-US/API Reference/Widgets/ListShelves.md",
        &en("ListShelves", None),
    );
    put(
        &d,
        "cn.zh-CN/API参考（旧版）/DescribeWidgets.md",
        &zh("DescribeWidgets", "2019-01-01"),
    );
    put(
        &d,
        "intl.en-US/API Reference (old)/DescribeWidgets.md",
        &en("DescribeWidgets", Some("2019-01-01")),
    );
    // Not API reference pages.
    put(
        &d,
        "cn.zh-CN/产品简介/什么是部件服务.md",
        "# 什么是部件服务\n\n部件服务管理货架上的部件。\n",
    );
    put(
        &d,
        "cn.zh-CN/API参考/API概览.md",
        "# API概览\n\n|API|描述|\n|---|---|\n|DescribeWidgets|查询部件。|\n",
    );
    put(
        &d,
        "intl.en-US/Release notes.txt",
        "Release notes\n\nWidgets 2.0 is out.\n",
    );
    // English pages of an operation no other page documents, naming no version: one joins the service of the
    // other pages of its folder; the other, alone in its folder, belongs to no service.
    put(
        &d,
        "intl.en-US/API Reference/Widgets/DeleteShelf.md",
        &en("DeleteShelf", None),
    );
    put(&d, "saved/RenameShelf.md", &en("RenameShelf", None));
    // Not pages at all, and a dot folder.
    put(&d, "images/shelf.png", "\u{0}PNG");
    put(&d, ".git/HEAD", "ref: refs/heads/master\n");
    d
}

fn import(root: &Path, force: bool) -> Imported {
    import::run(&Options {
        docs: root.join("docs"),
        specs: root.join("specs"),
        force,
        versions: Vec::new(),
    })
    .unwrap()
}

fn scratch(name: &str) -> Scratch {
    let root = Scratch::new(&format!("import-{name}"));
    docs(&root);
    root
}

fn files(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    out.sort();
    out
}

#[test]
fn a_docs_repository_becomes_one_service_per_api_version() {
    let root = scratch("two-versions");
    let report = import(&root, false);
    let folders: Vec<(&str, &str, &str)> = report
        .services
        .iter()
        .map(|s| (s.folder.as_str(), s.product.as_str(), s.version.as_str()))
        .collect();
    assert_eq!(
        folders,
        [
            ("widgets", "Widgets", "2024-01-01"),
            ("widgets-2019-01-01", "Widgets", "2019-01-01")
        ]
    );
    let current = &report.services[0];
    assert_eq!(
        files(&root.join("specs/widgets")),
        [
            "DeleteShelf.en.md",
            "DescribeWidgets.en.md",
            "DescribeWidgets.zh.md",
            "ListShelves.en.md",
            "ListShelves.zh.md",
            "service.yaml"
        ]
    );
    assert_eq!(current.taken.len(), 5);
    assert!(current.taken.contains(&(
        "intl.en-US/API Reference/Widgets/ListShelves.md".to_string(),
        "ListShelves.en.md".to_string()
    )));
    // One of the two Chinese copies of DescribeWidgets is taken; the other is a duplicate of it.
    assert_eq!(current.skipped.len(), 1, "{:?}", current.skipped);
    assert!(
        matches!(&current.skipped[0].reason, SkipReason::Duplicate { of } if of.ends_with("部件/DescribeWidgets.md"))
    );
    assert_eq!(
        files(&root.join("specs/widgets-2019-01-01")),
        [
            "DescribeWidgets.en.md",
            "DescribeWidgets.zh.md",
            "service.yaml"
        ]
    );

    let yaml = std::fs::read_to_string(root.join("specs/widgets/service.yaml")).unwrap();
    let body: Vec<&str> = yaml.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(
        body,
        [
            "product: Widgets",
            "version: \"2024-01-01\"",
            "style: RPC",
            "endpoint: \"widgets.{region}.aliyuncs.com\"",
            "languages: [zh, en]"
        ]
    );

    let mut skipped: Vec<(String, String)> = report
        .skipped
        .iter()
        .map(|s| (s.page.clone(), s.reason.to_string()))
        .collect();
    skipped.sort();
    assert_eq!(
        skipped,
        [
            (
                "cn.zh-CN/API参考/API概览.md".into(),
                "not an API reference page".into()
            ),
            (
                "cn.zh-CN/产品简介/什么是部件服务.md".into(),
                "not an API reference page".into()
            ),
            (
                "intl.en-US/Release notes.txt".into(),
                "not an API reference page".into()
            ),
            (
                "saved/RenameShelf.md".into(),
                "names no product or version, and no other page documents `RenameShelf`".into()
            ),
        ]
    );

    // What import wrote, regen turns into two crates.
    let regen =
        codegen::regen::run(&codegen::regen::Options::new(&root)).unwrap_or_else(|e| match e {
            codegen::regen::RegenError::Failed { rendered, .. } => panic!("{rendered}"),
            e => panic!("{e}"),
        });
    let operations: Vec<(&str, usize)> = regen
        .services
        .iter()
        .map(|s| (s.name.as_str(), s.operations))
        .collect();
    assert_eq!(operations, [("widgets", 3), ("widgets-2019-01-01", 1)]);
    assert!(root
        .join("generated/widgets-2019-01-01/Cargo.toml")
        .exists());
}

#[test]
fn re_running_updates_pages_and_keeps_a_hand_edited_service_yaml() {
    let root = scratch("rerun");
    import(&root, false);
    let again = import(&root, false);
    assert!(
        again
            .services
            .iter()
            .all(|s| s.config == ConfigOutcome::Unchanged),
        "{:?}",
        again.services
    );

    // A page changed in the docs comes in again.
    let page = root.join("docs/cn.zh-CN/API参考/部件/ListShelves.md");
    let changed = std::fs::read_to_string(&page)
        .unwrap()
        .replace("货架的ID。", "货架的唯一ID。");
    std::fs::write(&page, &changed).unwrap();
    // A service.yaml the user edited stays as they left it.
    let yaml = root.join("specs/widgets/service.yaml");
    let edited = std::fs::read_to_string(&yaml)
        .unwrap()
        .replace("widgets.{region}", "widgets-api.{region}");
    std::fs::write(&yaml, &edited).unwrap();

    let report = import(&root, false);
    assert_eq!(
        std::fs::read_to_string(root.join("specs/widgets/ListShelves.zh.md")).unwrap(),
        changed
    );
    assert_eq!(report.services[0].config, ConfigOutcome::KeptEdited);
    assert_eq!(std::fs::read_to_string(&yaml).unwrap(), edited);

    let forced = import(&root, true);
    assert_eq!(forced.services[0].config, ConfigOutcome::Written);
    assert!(std::fs::read_to_string(&yaml)
        .unwrap()
        .contains("widgets.{region}.aliyuncs.com"));
}

#[test]
fn only_the_versions_asked_for_are_imported() {
    let root = scratch("versions");
    let report = import::run(&Options {
        docs: root.join("docs"),
        specs: root.join("specs"),
        force: false,
        versions: vec!["2024-01-01".into()],
    })
    .unwrap();
    assert_eq!(report.services.len(), 1);
    let other: Vec<&str> = report
        .skipped
        .iter()
        .filter(|s| matches!(&s.reason, SkipReason::OtherVersion { version } if version == "2019-01-01"))
        .map(|s| s.page.as_str())
        .collect();
    assert_eq!(other.len(), 2, "{:?}", report.skipped);
    assert!(!root.join("specs/widgets-2019-01-01").exists());
}

#[test]
fn a_gbk_page_is_written_as_utf8() {
    let root = scratch("gbk");
    let page = root.join("docs/cn.zh-CN/API参考/部件/ListShelves.md");
    let text = std::fs::read_to_string(&page).unwrap();
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&text);
    assert!(!unmappable);
    std::fs::write(&page, &gbk[..]).unwrap();
    import(&root, false);
    let written = std::fs::read_to_string(root.join("specs/widgets/ListShelves.zh.md")).unwrap();
    assert_eq!(written, text);
}
