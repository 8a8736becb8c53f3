//! A whole service of hand-written pages (`tests/fixtures/services/vpc/`, described in
//! `tests/fixtures/pages/README.md`): the invented VPC pages read as one service, zh and en pages merged, and
//! the generated crate's paging. They are not Alibaba's pages, so they live here and not in `specs/`.

use codegen::load::read_service;
use std::path::Path;

fn fixtures() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

#[test]
fn the_vpc_fixture_reads_as_one_service() {
    let read = read_service(&fixtures().join("services/vpc"), &fixtures())
        .unwrap_or_else(|f| panic!("{}", f.sources.render(&f.diagnostics)));
    let svc = &read.service;
    assert_eq!(
        (svc.product.as_str(), svc.version.as_str()),
        ("Vpc", "2016-04-28")
    );
    let names: Vec<&str> = svc.operations.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "CreateVpc",
            "DeleteVpc",
            "DescribeVSwitchAttributes",
            "DescribeVpcs"
        ]
    );
    // The zh and en pages of DescribeVpcs are one operation; their deliberate disagreement on PageSize is said.
    let rendered = read.sources.render(&read.warnings);
    assert!(
        rendered.contains("PageSize") && rendered.contains("describe-vpcs.en.txt"),
        "{rendered}"
    );
    // Errors shared by the four operations are one code of the service.
    assert!(svc
        .errors
        .iter()
        .any(|e| e.code == "InvalidRegionId.NotFound"));

    let files = codegen::emit::service(svc).unwrap();
    let describe = files
        .iter()
        .find(|f| {
            f.path == "services/vpc/src/describe_vpcs.rs"
                || f.path.ends_with("/src/describe_vpcs.rs")
        })
        .expect("describe_vpcs.rs");
    assert!(
        describe
            .contents
            .contains("impl aliyun_runtime::Paginated for DescribeVpcsRequest"),
        "{}",
        describe.contents
    );
    // No `docs:` block in its service.yaml and no LICENSE: the README says the pages are the repository's own.
    let readme = files
        .iter()
        .find(|f| f.path.ends_with("/README.md"))
        .unwrap();
    assert!(
        readme.contents.contains("4 operations"),
        "{}",
        readme.contents
    );
    assert!(!files.iter().any(|f| f.path.ends_with("/LICENSE-DOCS")));
}
