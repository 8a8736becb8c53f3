//! The paginators and waiters generated into the crates (`impl Paginated` for `DescribeNatGateways`, `impl JobStatus`
//! for `GetAggregateCompliancePackReport`), driven through the client against the fake service.

mod support;

use std::time::Duration;

use aliyun_config::{
    GetAggregateCompliancePackReportRequest, GetAggregateCompliancePackReportRequired,
};
use aliyun_runtime::{Client, Credentials, Error, RetryConfig};
use aliyun_vpc::DescribeNatGatewaysRequest;
use support::{nat_page, Fake, Fault};

const SECRET: &str = "helpers-secret";

fn client(fake: &Fake) -> Client {
    Client::builder()
        .region("cn-shanghai")
        .endpoint(fake.url())
        .credentials(Credentials::new("LTAIhelpers", SECRET))
        .retry(RetryConfig::disabled())
        .no_proxy()
        .build()
        .unwrap()
}

#[tokio::test]
async fn describe_nat_gateways_pages_until_the_total_and_lists_its_items() {
    let fake = Fake::start(SECRET).await;
    fake.push(nat_page(1, &["ngw-1", "ngw-2"], 5));
    fake.push(nat_page(2, &["ngw-3", "ngw-4"], 5));
    fake.push(nat_page(3, &["ngw-5"], 5));
    let c = client(&fake);
    let mut pages = c.pages(DescribeNatGatewaysRequest::new("cn-shanghai").page_size(2));
    let mut ids = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.unwrap();
        ids.push(page.request_id.unwrap());
    }
    assert_eq!(ids, ["page-1", "page-2", "page-3"]);
    let numbers: Vec<_> = fake
        .requests()
        .iter()
        .map(|q| q.form_param("PageNumber").map(str::to_string))
        .collect();
    assert_eq!(numbers, [None, Some("2".into()), Some("3".into())]);
    assert!(fake
        .requests()
        .iter()
        .all(|q| q.form_param("PageSize") == Some("2")));

    fake.push(nat_page(1, &["ngw-1", "ngw-2"], 3));
    fake.push(nat_page(2, &["ngw-3"], 3));
    let gateways = c
        .items(DescribeNatGatewaysRequest::new("cn-shanghai").page_size(2))
        .await
        .unwrap();
    let ids: Vec<_> = gateways.iter().map(|v| v.nat_gateway_id.as_deref().unwrap()).collect();
    assert_eq!(ids, ["ngw-1", "ngw-2", "ngw-3"]);
    assert_eq!(fake.count(), 5);
}

#[tokio::test]
async fn a_failed_page_ends_the_listing_with_its_error() {
    let fake = Fake::start(SECRET).await;
    fake.push(nat_page(1, &["ngw-1", "ngw-2"], 9));
    fake.push(Fault::Code(400, "InvalidParameter"));
    let e = client(&fake)
        .items(DescribeNatGatewaysRequest::new("cn-shanghai").page_size(2))
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("InvalidParameter"));
    assert_eq!(fake.count(), 2);
}

fn report(status: &str) -> Fault {
    let body = serde_json::json!({
        "RequestId": "r",
        "CompliancePackReport": {"ReportStatus": status, "ReportUrl": "https://x/report.zip"},
    });
    Fault::Reply(200, vec![], body.to_string())
}

#[tokio::test]
async fn the_report_waiter_polls_until_complete() {
    let fake = Fake::start(SECRET).await;
    fake.push(report("CREATING"));
    fake.push(report("CREATING"));
    fake.push(report("COMPLETE"));
    let poll =
        GetAggregateCompliancePackReportRequest::new(GetAggregateCompliancePackReportRequired {
            compliance_pack_id: "cp-1",
            aggregator_id: "ca-1",
        });
    let done = client(&fake)
        .wait_for(&poll, Duration::from_secs(60), Duration::from_millis(1))
        .await
        .unwrap();
    assert_eq!(
        done.compliance_pack_report.unwrap().report_url.as_deref(),
        Some("https://x/report.zip")
    );
    assert_eq!(fake.count(), 3);
    fake.push(report("CREATING"));
    let e = client(&fake)
        .wait_for(&poll, Duration::ZERO, Duration::from_millis(1))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Timeout { .. }), "{e:?}");
}

#[test]
fn the_blocking_client_pages_too() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let fake = rt.block_on(Fake::start(SECRET));
    fake.push(nat_page(1, &["ngw-1", "ngw-2"], 3));
    fake.push(nat_page(2, &["ngw-3"], 3));
    let c = Client::builder()
        .endpoint(fake.url())
        .credentials(Credentials::new("LTAIhelpers", SECRET))
        .no_proxy()
        .build_blocking()
        .unwrap();
    let gateways = c
        .items(DescribeNatGatewaysRequest::new("cn-shanghai").page_size(2))
        .unwrap();
    assert_eq!(gateways.len(), 3);
}
