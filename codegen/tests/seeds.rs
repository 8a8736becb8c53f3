//! The reader on the repository's own specs (`specs/config/`: the whole Config API, the seed pages of issue 3
//! among them).

use codegen::model::{Scalar, Service, Shape};
use std::path::Path;

fn config() -> codegen::load::ServiceRead {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    match codegen::load::read_service(&root.join("specs/config"), &root) {
        Ok(read) => read,
        Err(f) => panic!(
            "specs/config does not read:\n{}",
            f.sources.render(&f.diagnostics)
        ),
    }
}

fn op<'a>(s: &'a Service, name: &str) -> &'a codegen::model::Operation {
    s.operations
        .iter()
        .find(|o| o.name == name)
        .unwrap_or_else(|| panic!("no operation {name}"))
}

#[test]
fn fifty_one_operations_from_fifty_two_pages_seeds_included() {
    let read = config();
    let names: Vec<&str> = read
        .service
        .operations
        .iter()
        .map(|o| o.name.as_str())
        .collect();
    assert_eq!(names.len(), 51, "{names:?}");
    for seed in [
        "GenerateAggregateCompliancePackReport",
        "GenerateAggregateConfigRulesReport",
        "GenerateCompliancePackReport",
        "GetAggregateCompliancePackReport",
    ] {
        assert!(names.contains(&seed), "{seed} is missing");
    }
    // The English copied-text seed merges into the Chinese page of the same operation.
    let o = op(&read.service, "GenerateCompliancePackReport");
    assert_eq!(o.sources.len(), 2, "{:?}", o.sources);
}

#[test]
fn multi_line_cell_keeps_the_rows_after_it() {
    let read = config();
    let o = op(&read.service, "GenerateAggregateCompliancePackReport");
    let names: Vec<(&str, bool)> = o
        .request
        .iter()
        .map(|f| (f.name.as_str(), f.required))
        .collect();
    assert_eq!(
        names,
        [
            ("CompliancePackId", true),
            ("ClientToken", false),
            ("AggregatorId", true)
        ]
    );
}

#[test]
fn flat_response_table_recovers_the_report_object_and_its_enum() {
    let read = config();
    let o = op(&read.service, "GetAggregateCompliancePackReport");
    let report = o
        .response
        .iter()
        .find(|f| f.name == "CompliancePackReport")
        .expect("report");
    let Shape::Object(fields) = &report.shape else {
        panic!("not an object: {:?}", report.shape)
    };
    let mut names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "AccountId",
            "CompliancePackId",
            "ReportCreateTimestamp",
            "ReportStatus",
            "ReportUrl"
        ]
    );
    let status = fields
        .iter()
        .find(|f| f.name == "ReportStatus")
        .expect("status");
    let Shape::Enum(e) = &status.shape else {
        panic!("not an enum: {:?}", status.shape)
    };
    let values: Vec<&str> = e.values.iter().map(|v| v.value.as_str()).collect();
    assert_eq!(values, ["NONE", "CREATING", "COMPLETE"]);
    assert_eq!(e.values[1].docs.zh.as_deref(), Some("创建中。"));
    let account = fields
        .iter()
        .find(|f| f.name == "AccountId")
        .expect("account");
    assert_eq!(account.shape, Shape::Scalar(Scalar::Long));
    assert_eq!(
        o.response.iter().filter(|f| f.name == "RequestId").count(),
        1
    );
}

#[test]
fn chinese_and_english_pages_merge_into_one_operation() {
    let read = config();
    let o = op(&read.service, "GenerateCompliancePackReport");
    assert_eq!(o.sources.len(), 2, "{:?}", o.sources);
    let id = o
        .request
        .iter()
        .find(|f| f.name == "CompliancePackId")
        .expect("id");
    assert!(id
        .docs
        .zh
        .as_deref()
        .is_some_and(|d| d.starts_with("合规包ID")));
    assert!(id
        .docs
        .en
        .as_deref()
        .is_some_and(|d| d.starts_with("The ID of the compliance package")));
    assert!(o.docs.zh.is_some() && o.docs.en.is_some());
}

#[test]
fn the_seeds_error_codes_with_their_status() {
    let read = config();
    let codes: Vec<(&str, u16)> = read
        .service
        .errors
        .iter()
        .map(|e| (e.code.as_str(), e.status))
        .collect();
    for seed in [
        ("AccountNotExisted", 404),
        ("CompliancePackReportCreating", 400),
        ("ConfigRuleReportCreating", 400),
        ("Invalid.AggregatorId.Value", 400),
        ("Invalid.CompliancePackId.Value", 400),
        ("ServiceUnavailable", 503),
    ] {
        assert!(codes.contains(&seed), "{seed:?} is missing from {codes:?}");
    }
    let o = op(&read.service, "GenerateAggregateConfigRulesReport");
    assert_eq!(o.errors.len(), 4);
}

#[test]
fn examples_are_kept() {
    let read = config();
    let o = op(&read.service, "GetAggregateCompliancePackReport");
    assert!(o
        .examples
        .response_json
        .as_deref()
        .is_some_and(|j| j.contains("\"ReportStatus\" : \"COMPLETE\"")));
    assert!(o.examples.response_xml.is_some());
    assert_eq!(o.examples.request.len(), 2);
}
