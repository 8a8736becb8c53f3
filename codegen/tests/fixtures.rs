//! The reader on small hand-written pages, one behaviour each (`tests/fixtures/pages/README.md`): the model
//! of each is snapshotted as YAML together with the diagnostics, and the key facts are asserted.

use codegen::model::{Encoding, Field, Operation, Scalar, Shape};
use codegen::merge::service::{read_files, PagesRead};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn read(names: &[&str]) -> PagesRead {
    let files: Vec<PathBuf> = names.iter().map(|n| root().join("pages").join(n)).collect();
    read_files(&files, &root())
}

/// The operations as YAML, then every diagnostic as rendered for the user.
fn report(read: &PagesRead) -> String {
    let yaml = serde_yaml::to_string(&read.operations).unwrap_or_else(|e| format!("yaml: {e}"));
    format!(
        "{yaml}\n--- diagnostics\n{}",
        read.sources.render(&read.diagnostics)
    )
}

fn only(read: &PagesRead) -> &Operation {
    assert_eq!(read.operations.len(), 1, "{}", report(read));
    &read.operations[0]
}

fn field<'a>(fields: &'a [Field], name: &str) -> &'a Field {
    fields
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no field {name} in {fields:#?}"))
}

fn children(f: &Field) -> &[Field] {
    match &f.shape {
        Shape::Object(c) => c,
        Shape::Array(item) => match item.as_ref() {
            Shape::Object(c) => c,
            other => panic!("{} items are not objects: {other:?}", f.name),
        },
        other => panic!("{} is not an object: {other:?}", f.name),
    }
}

#[test]
fn every_fixture_snapshot() {
    let mut names: Vec<String> = std::fs::read_dir(root().join("pages"))
        .expect("fixtures")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| (n.ends_with(".md") || n.ends_with(".txt")) && n != "README.md")
        .collect();
    names.sort();
    for name in names.iter().filter(|n| !n.starts_with("merge_a")) {
        let stem = name.replace('.', "_");
        insta::assert_snapshot!(format!("fixture_{stem}"), report(&read(&[name])));
    }
    insta::assert_snapshot!(
        "fixture_merge_a",
        report(&read(&["merge_a.zh.md", "merge_a.en.txt"]))
    );
}

#[test]
fn multi_line_cell_keeps_following_rows() {
    let r = read(&["multi_line_cell_keeps_following_rows.md"]);
    let op = only(&r);
    let names: Vec<(&str, bool)> = op
        .request
        .iter()
        .map(|f| (f.name.as_str(), f.required))
        .collect();
    assert_eq!(
        names,
        [
            ("RegionId", true),
            ("RouteEntryName", false),
            ("NextHopId", false),
            ("RouteEntryId", true)
        ]
    );
}

#[test]
fn copied_text_takes_the_operation_from_the_page() {
    let r = read(&["copied_text_layout.txt"]);
    let op = only(&r);
    assert_eq!(op.name, "AllocateEipAddress");
    assert_eq!(
        field(&op.response, "EipAddress").example.as_deref(),
        Some("47.96.**.**")
    );
    assert!(field(&op.request, "Bandwidth")
        .docs
        .en
        .as_deref()
        .is_some_and(|d| d.lines().count() >= 2));
}

#[test]
fn list_wrapper_rows_nest_twice() {
    let r = read(&["list_wrapper_rows.md"]);
    let op = only(&r);
    let gateways = field(&op.response, "NatGateways");
    let list = field(children(gateways), "NatGateway");
    assert!(matches!(list.shape, Shape::Array(_)));
    let ip_lists = field(children(list), "IpLists");
    let ip = field(children(ip_lists), "IpList");
    let mut inner: Vec<&str> = children(ip).iter().map(|f| f.name.as_str()).collect();
    inner.sort();
    assert_eq!(inner, ["AllocationId", "IpAddress"]);
    assert!(op.response.iter().any(|f| f.name == "TotalCount"));
}

#[test]
fn same_name_at_two_depths_follows_the_example() {
    let r = read(&["flat_response_same_name_two_depths.md"]);
    let op = only(&r);
    let top: Vec<&str> = op.response.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(top, ["Name", "Resource", "Status", "RequestId"]);
    let inner: Vec<&str> = children(field(&op.response, "Resource"))
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    assert_eq!(inner, ["ResourceId", "Name", "ResourceType"]);
}

#[test]
fn untyped_value_lists_follow_the_shown_ones() {
    let r = read(&["untyped_value_lists.md"]);
    let op = only(&r);
    let top: Vec<&str> = op.response.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(top, ["Filter", "RequestId"]);
    let filter = children(field(&op.response, "Filter"));
    // RegionList and ZoneList are shown as `{"X": {"X": [...]}}`; TagList, left out, is read the same way.
    for name in ["RegionList", "ZoneList", "TagList"] {
        let inner = children(field(filter, name));
        assert_eq!(inner.len(), 1, "{name}: {inner:?}");
        assert_eq!(inner[0].name, name);
        assert_eq!(
            inner[0].shape,
            Shape::Array(Box::new(Shape::Scalar(Scalar::String)))
        );
    }
    assert_eq!(
        field(filter, "Product").shape,
        Shape::Scalar(Scalar::String)
    );
}

#[test]
fn example_lacking_a_top_level_object_does_not_empty_it() {
    let r = read(&["example_lacks_top_level_object.en.md"]);
    let op = only(&r);
    let top: Vec<&str> = op.response.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(top, ["SummaryResult", "RequestId"]);
    let result = children(field(&op.response, "SummaryResult"));
    let names: Vec<&str> = result.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["TotalSize", "Summaries"]);
    let summaries = field(result, "Summaries");
    assert!(matches!(summaries.shape, Shape::Array(_)), "{summaries:?}");
    let inner: Vec<&str> = children(summaries)
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    assert_eq!(inner, ["BackupType", "Count"]);
}

#[test]
fn depth_marks_give_the_tree() {
    let r = read(&["heading_attributes_and_depth_marks.md"]);
    let op = only(&r);
    assert_eq!(op.name, "DescribeRouteTableAttribute");
    let table = field(&op.response, "RouteTable");
    let owner = field(children(table), "Owner");
    assert_eq!(
        field(children(owner), "AccountId").shape,
        Shape::Scalar(Scalar::Long)
    );
    assert!(op.response.iter().any(|f| f.name == "RequestId"));
}

#[test]
fn tag_n_rows_are_lists_of_objects() {
    let r = read(&["tag_n_request.md"]);
    let op = only(&r);
    assert_eq!(
        field(&op.request, "InstanceId").shape,
        Shape::Array(Box::new(Shape::Scalar(Scalar::String)))
    );
    let tag = field(&op.request, "Tag");
    let keys: Vec<&str> = children(tag).iter().map(|f| f.name.as_str()).collect();
    assert_eq!(keys, ["Key", "Value"]);
    let filter = field(&op.request, "Filter");
    assert_eq!(
        field(children(filter), "Value").shape,
        Shape::Array(Box::new(Shape::Scalar(Scalar::String)))
    );
    assert_eq!(tag.encoding, Encoding::Flat);
}

#[test]
fn valid_values_become_enums_in_both_languages() {
    let r = read(&["valid_values_enum.zh.md", "valid_values_enum.en.md"]);
    let op = only(&r);
    let Shape::Enum(traffic) = &field(&op.request, "TrafficType").shape else {
        panic!("not an enum")
    };
    let values: Vec<&str> = traffic.values.iter().map(|v| v.value.as_str()).collect();
    assert_eq!(values, ["All", "Allow", "Drop"]);
    assert!(traffic.values[0].docs.zh.is_some() && traffic.values[0].docs.en.is_some());
    let Shape::Enum(interval) = &field(&op.request, "AggregationInterval").shape else {
        panic!("not an enum")
    };
    assert_eq!(interval.base, Scalar::Integer);
    assert_eq!(
        field(&op.request, "SampleRate").shape,
        Shape::Scalar(Scalar::Integer)
    );
    assert!(r.diagnostics.is_empty(), "{}", report(&r));
}

#[test]
fn disagreeing_pages_merge_with_warnings_naming_both_places() {
    let r = read(&["merge_a.zh.md", "merge_a.en.txt"]);
    let op = only(&r);
    assert_eq!(op.sources.len(), 2);
    assert!(op.response.iter().any(|f| f.name == "MatchDscp"));
    let priority = r
        .diagnostics
        .iter()
        .find(|d| d.message.contains("`Priority`"))
        .expect("type warning");
    assert!(!priority.is_error());
    assert_eq!(priority.also.len(), 1);
    let files = [
        priority.span.file.as_str(),
        priority.also[0].0.file.as_str(),
    ];
    assert!(
        files.contains(&"pages/merge_a.zh.md") && files.contains(&"pages/merge_a.en.txt"),
        "{files:?}"
    );
    assert!(r
        .diagnostics
        .iter()
        .any(|d| d.message.contains("`MatchDscp`")));
}

#[test]
fn title_that_is_not_the_operation() {
    let r = read(&["title_not_operation.md"]);
    assert_eq!(only(&r).name, "ReleaseEipAddress");
}

#[test]
fn bad_pages_are_errors_at_their_line() {
    for (file, line) in [
        ("bad_row_missing_cells.md", 11),
        ("bad_unclosed_table.md", 12),
        ("bad_no_operation.md", 1),
    ] {
        let r = read(&[file]);
        let errors: Vec<_> = r.diagnostics.iter().filter(|d| d.is_error()).collect();
        assert!(!errors.is_empty(), "{file}: no error\n{}", report(&r));
        assert_eq!(errors[0].span.line, line, "{file}: {}", report(&r));
        assert_eq!(errors[0].span.file, format!("pages/{file}"));
    }
}

#[test]
fn unknown_type_is_reported_at_its_cell() {
    let r = read(&["bad_unknown_type.md"]);
    let d = r
        .diagnostics
        .iter()
        .find(|d| d.message.contains("Strnig"))
        .expect("diagnostic");
    assert_eq!(d.span.line, 11);
}

#[test]
fn roa_pages_give_method_path_template_and_locations() {
    use codegen::model::{ApiStyle, HttpMethod, Location};
    let r = read(&["roa_request_body_section.zh.md"]);
    let op = only(&r);
    assert_eq!(op.style(), ApiStyle::Roa);
    assert_eq!(op.method, HttpMethod::Post);
    // `[ClusterId]` is written `{ClusterId}`; the path parameter is required.
    assert_eq!(op.path.as_deref(), Some("/clusters/{ClusterId}/nodepools"));
    let cluster = field(&op.request, "ClusterId");
    assert_eq!(cluster.location, Some(Location::Path));
    assert!(cluster.required);
    // The RequestBody section's rows are body fields; their children carry no location of their own.
    let info = field(&op.request, "nodepool_info");
    assert_eq!(info.location, Some(Location::Body));
    assert!(children(info).iter().all(|f| f.location.is_none()));
    let scaling = children(field(&op.request, "scaling_group"));
    assert_eq!(field(scaling, "vswitch_ids").encoding, Encoding::Flat);
    // Common headers are the signer's; the operation's own header is a parameter.
    assert_eq!(field(&op.request, "x-gadget-tenant").location, Some(Location::Header));
    assert!(op.request.iter().all(|f| f.name != "Authorization" && f.name != "x-acs-date"));
    // The JSON body of the sample request is not the response example.
    let names: Vec<&str> = op.response.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["nodepool_id", "task_id"]);

    let r = read(&["roa_position_column.en.md"]);
    let op = only(&r);
    assert_eq!(op.method, HttpMethod::Patch);
    let at = |n: &str| field(&op.request, n).location;
    assert_eq!(at("x-gadget-trace"), Some(Location::Header));
    assert_eq!(at("Description"), Some(Location::Form));
    assert_eq!(at("Mode"), Some(Location::Body));
    assert_eq!(at("Volts"), Some(Location::Query));

    let r = read(&["roa_copied_text.en.txt"]);
    let op = only(&r);
    assert_eq!(op.method, HttpMethod::Put);
    assert_eq!(
        op.path.as_deref(),
        Some("/instances/{InstanceId}/actions/restart")
    );
    assert_eq!(field(&op.request, "InstanceId").location, Some(Location::Path));
    assert_eq!(field(&op.request, "Force").location, Some(Location::Query));
}

#[test]
fn rpc_pages_have_no_route_and_no_locations() {
    let r = read(&["english_markdown.md"]);
    let op = only(&r);
    assert_eq!(op.path, None);
    assert!(op.request.iter().all(|f| f.location.is_none()));
}

#[test]
fn zh_and_en_request_lines_that_disagree_keep_the_chinese_one_with_a_warning() {
    use codegen::model::HttpMethod;
    let r = read(&["roa_route_disagrees.zh.md", "roa_copied_text.en.txt"]);
    let op = only(&r);
    assert_eq!(op.method, HttpMethod::Post);
    assert_eq!(op.path.as_deref(), Some("/instances/{InstanceId}/restart"));
    let warnings: Vec<_> = r
        .diagnostics
        .iter()
        .filter(|d| d.message.contains("PUT /instances/{InstanceId}/actions/restart"))
        .collect();
    assert_eq!(warnings.len(), 1, "{}", report(&r));
    assert!(!warnings[0].is_error());
    assert_eq!(warnings[0].span.line, 5);
}
