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
    import_with(root, force, false)
}

fn import_with(root: &Path, force: bool, update: bool) -> Imported {
    import::run(&Options {
        docs: root.join("docs"),
        specs: root.join("specs"),
        force,
        versions: Vec::new(),
        update,
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
            "endpoint_rule: regional",
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
                "an overview of the operations, not an operation".into()
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

    // The service is already there: without --update, the run says what it would change and writes nothing.
    let report = import(&root, false);
    let pending = report.services[0]
        .pending
        .as_ref()
        .expect("a change is pending");
    assert_eq!(pending.changed, ["ListShelves.zh.md"]);
    assert!(pending.added.is_empty());
    assert_ne!(
        std::fs::read_to_string(root.join("specs/widgets/ListShelves.zh.md")).unwrap(),
        changed
    );
    let report = import_with(&root, false, true);
    assert_eq!(
        std::fs::read_to_string(root.join("specs/widgets/ListShelves.zh.md")).unwrap(),
        changed
    );
    assert_eq!(report.services[0].config, ConfigOutcome::KeptEdited);
    assert_eq!(std::fs::read_to_string(&yaml).unwrap(), edited);

    let forced = import_with(&root, true, true);
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
        update: false,
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

/// An English page of `op` of `product`, its sample request sent to `host`, and an error-centre link
/// instead of an error table.
fn page_of(product: &str, op: &str, version: &str, host: &str) -> String {
    format!(
        "# {op}\n\nCalls {op}.\n\n[Try it.](https://api.aliyun.com/#product={product}&api={op}&type=RPC&version={version})\n\n\
         ## Request parameters\n\n|Parameter|Type|Required|Example|Description|\n|---|---|---|---|---|\n\
         |Action|String|Yes|{op}|The operation.|\n|ItemId|String|Yes|i-1|The ID of the item.|\n\n\
         ## Response parameters\n\n|Parameter|Type|Example|Description|\n|---|---|---|---|\n\
         |RequestId|String|REQ-1|The ID of the request.|\n\n## Examples\n\nSample requests\n\n\
         ```\nhttps://{host}/?Action={op}\n&ItemId=i-1\n&<Common request parameters>\n```\n\n\
         Sample success responses\n\n```\n{{\n  \"RequestId\": \"REQ-1\"\n}}\n```\n\n\
         ## Error codes\n\nFor a list of error codes, visit the [API Error Center](https://error-center.alibabacloud.com/status/product/{product}).\n"
    )
}

/// The docs of the Gadgets product as a documentation repository holds them: two operations, the pages every
/// API reference carries (common parameters whose sample request names an operation, signature, endpoints,
/// error codes), and two pages of other products' APIs.
fn gadgets_docs(root: &Path) {
    let d = root.join("docs");
    let v = "2022-02-02";
    put(
        &d,
        "intl.en-US/API Reference/Gadgets/DescribeGadgets.md",
        &page_of("Gadgets", "DescribeGadgets", v, "gadgets.aliyuncs.com"),
    );
    put(
        &d,
        "intl.en-US/API Reference/Gadgets/DeleteGadget.md",
        &page_of("Gadgets", "DeleteGadget", v, "gadgets.aliyuncs.com"),
    );
    put(
        &d,
        "intl.en-US/API Reference/Call methods/Common parameters.md",
        "# Common parameters\n\n## Common request parameters\n\n|Parameter|Type|Required|Description|\n|---|---|---|---|\n\
         |Format|String|No|The format of the response.|\n|Version|String|Yes|The version of the API, `2022-02-02`.|\n\
         |AccessKeyId|String|Yes|The AccessKey ID.|\n|Signature|String|Yes|The signature.|\n\
         |SignatureMethod|String|Yes|HMAC-SHA1.|\n|Timestamp|String|Yes|The time.|\n\
         |SignatureVersion|String|Yes|1.0.|\n|SignatureNonce|String|Yes|A random number.|\n\n\
         ## Common response parameters\n\n|Parameter|Type|Description|\n|---|---|---|\n|RequestId|String|The ID of the request.|\n\n\
         Sample requests\n\n```\nhttps://gadgets.aliyuncs.com/?Action=DescribeListener\n&Format=xml\n&Version=2022-02-02\n&Signature=Pc5WB8gokVn0xfeu%2FZV%2BiNM1dgI%3D\n```\n",
    );
    put(
        &d,
        "intl.en-US/API Reference/Call methods/Signature.md",
        "# Request signatures\n\nSign each request with HMAC-SHA1 over the canonicalized query string.\n",
    );
    put(
        &d,
        "intl.en-US/API Reference/Call methods/Endpoints.md",
        "# Endpoints\n\n|Region|Region ID|Public endpoint|VPC endpoint|\n|---|---|---|---|\n\
         |China \\(Hangzhou\\)|cn-hangzhou|gadgets.cn-hangzhou.aliyuncs.com|gadgets-vpc.cn-hangzhou.aliyuncs.com|\n\
         |China \\(Shanghai\\)|cn-shanghai|gadgets.cn-shanghai.aliyuncs.com|gadgets-vpc.cn-shanghai.aliyuncs.com|\n\
         |Singapore|ap-southeast-1|gadgets.ap-southeast-1.aliyuncs.com|gadgets-vpc.ap-southeast-1.aliyuncs.com|\n\
         |China \\(Beijing\\)|cn-beijing|gadgets.aliyuncs.com|N/A|\n",
    );
    put(
        &d,
        "intl.en-US/API Reference/Error codes.md",
        "# Error codes\n\n|HTTP status code|Error code|Error message|Description|\n|---|---|---|---|\n\
         |400|Gadget.NotFound|The gadget does not exist.|The gadget ID is wrong.|\n\
         |403|Forbidden.Gadget|You cannot use this gadget.|Ask its owner.|\n",
    );
    // Pages of two other products' APIs, in the same repository.
    put(
        &d,
        "intl.en-US/API Reference/Racks/DescribeRacks.md",
        &page_of("Racks", "DescribeRacks", "2020-01-01", "racks.aliyuncs.com"),
    );
    put(
        &d,
        "intl.en-US/API Reference/Shelves/ListShelves.md",
        &page_of(
            "Shelves",
            "ListShelves",
            "2021-01-01",
            "shelves.aliyuncs.com",
        ),
    );
}

#[test]
fn pages_that_document_no_operation_are_used_for_what_they_are_and_another_products_pages_go_to_its_service(
) {
    let root = Scratch::new("import-gadgets");
    gadgets_docs(&root);
    // Racks is already a service of the repository.
    put(
        &root.join("specs/racks"),
        "service.yaml",
        "product: Racks\nversion: \"2020-01-01\"\nstyle: RPC\nendpoint: \"racks.aliyuncs.com\"\n",
    );
    put(
        &root.join("specs/racks"),
        "GetRack.en.md",
        &page_of("Racks", "GetRack", "2020-01-01", "racks.aliyuncs.com"),
    );

    let report = import(&root, false);
    let folders: Vec<&str> = report.services.iter().map(|s| s.folder.as_str()).collect();
    assert_eq!(folders, ["gadgets", "racks", "shelves"]);

    // The common-parameters page is not `DescribeListener`, whatever its sample request says; the endpoints
    // page gives the endpoint rule and the map; the error-code page comes in as the service's error table.
    let gadgets = &report.services[0];
    assert_eq!(
        files(&root.join("specs/gadgets")),
        [
            "DeleteGadget.en.md",
            "DescribeGadgets.en.md",
            "ErrorCodes.en.md",
            "service.yaml"
        ]
    );
    let kinds: Vec<(String, String)> = report
        .skipped
        .iter()
        .filter(|s| matches!(s.reason, SkipReason::NotOperation { .. }))
        .map(|s| {
            (
                s.page.rsplit('/').next().unwrap().to_string(),
                s.reason.to_string(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            (
                "Common parameters.md".to_string(),
                "the common parameters page, not an operation".to_string()
            ),
            (
                "Endpoints.md".to_string(),
                "a page of how to call the API, not an operation".to_string()
            ),
            (
                "Signature.md".to_string(),
                "the signature page, not an operation".to_string()
            ),
            (
                "Error codes.md".to_string(),
                "the product's error codes, not an operation".to_string()
            ),
        ]
    );
    let yaml = std::fs::read_to_string(root.join("specs/gadgets/service.yaml")).unwrap();
    let body: Vec<&str> = yaml.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(
        body,
        [
            "product: Gadgets",
            "version: \"2022-02-02\"",
            "style: RPC",
            "endpoint: \"gadgets.{region}.aliyuncs.com\"",
            "endpoint_rule: regional",
            "regional_endpoints:",
            "  ap-southeast-1: gadgets.ap-southeast-1.aliyuncs.com",
            "  cn-beijing: gadgets.aliyuncs.com",
            "  cn-hangzhou: gadgets.cn-hangzhou.aliyuncs.com",
            "  cn-shanghai: gadgets.cn-shanghai.aliyuncs.com",
            "languages: [en]",
        ]
    );
    assert_eq!(gadgets.regions, 4);
    assert_eq!(
        gadgets.error_centre_only,
        ["DeleteGadget", "DescribeGadgets"]
    );

    // Another product's page goes to its own service: a central host in every sample request is a central
    // endpoint.
    let shelves = std::fs::read_to_string(root.join("specs/shelves/service.yaml")).unwrap();
    assert!(
        shelves.contains("endpoint: \"shelves.aliyuncs.com\"\nendpoint_rule: central\n"),
        "{shelves}"
    );

    // The existing service is not touched: the report says exactly what the run would add.
    let racks = &report.services[1];
    let pending = racks.pending.as_ref().expect("racks is already a service");
    assert_eq!(pending.added, ["DescribeRacks.en.md"]);
    assert!(pending.changed.is_empty(), "{pending:?}");
    assert_eq!(
        files(&root.join("specs/racks")),
        ["GetRack.en.md", "service.yaml"]
    );
    let report = import_with(&root, false, true);
    assert!(report.services.iter().all(|s| s.pending.is_none()));
    assert_eq!(
        files(&root.join("specs/racks")),
        ["DescribeRacks.en.md", "GetRack.en.md", "service.yaml"]
    );
    // A hand-written service.yaml is kept.
    assert!(
        std::fs::read_to_string(root.join("specs/racks/service.yaml"))
            .unwrap()
            .starts_with("product: Racks")
    );
}
