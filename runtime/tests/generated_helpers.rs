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
        .all_items(DescribeNatGatewaysRequest::new("cn-shanghai").page_size(2))
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
        .all_items(DescribeNatGatewaysRequest::new("cn-shanghai").page_size(2))
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
        .all_items(DescribeNatGatewaysRequest::new("cn-shanghai").page_size(2))
        .unwrap();
    assert_eq!(gateways.len(), 3);

    // The iterator fetches a page only when its items are taken.
    fake.push(nat_page(1, &["ngw-1", "ngw-2"], 3));
    fake.push(nat_page(2, &["ngw-3"], 3));
    let mut items = c.items(DescribeNatGatewaysRequest::new("cn-shanghai").page_size(2));
    let first: Vec<_> = items
        .by_ref()
        .take(2)
        .map(|v| v.unwrap().nat_gateway_id.unwrap())
        .collect();
    assert_eq!(first, ["ngw-1", "ngw-2"]);
    assert_eq!(fake.count(), 3, "the second page is not fetched yet");
    assert_eq!(
        items.next().unwrap().unwrap().nat_gateway_id.as_deref(),
        Some("ngw-3")
    );
    assert!(items.next().is_none());
    assert_eq!(fake.count(), 4);
}

#[tokio::test]
async fn items_stream_lazily_and_a_failed_page_is_the_last_item() {
    use futures_util::StreamExt;
    let fake = Fake::start(SECRET).await;
    fake.push(nat_page(1, &["ngw-1", "ngw-2"], 9));
    fake.push(Fault::Code(400, "InvalidParameter"));
    let c = client(&fake);
    let mut items = c.items(DescribeNatGatewaysRequest::new("cn-shanghai").page_size(2));
    assert_eq!(
        items.next().await.unwrap().unwrap().nat_gateway_id.as_deref(),
        Some("ngw-1")
    );
    assert_eq!(fake.count(), 1, "one page fetched for the first item");
    assert_eq!(
        items.next().await.unwrap().unwrap().nat_gateway_id.as_deref(),
        Some("ngw-2")
    );
    assert_eq!(fake.count(), 1);
    let e = items.next().await.unwrap().unwrap_err();
    assert_eq!(e.code(), Some("InvalidParameter"));
    assert!(items.next().await.is_none());
    assert_eq!(fake.count(), 2);

    // It is a `futures::Stream` too.
    fake.push(nat_page(1, &["ngw-1", "ngw-2"], 3));
    fake.push(nat_page(2, &["ngw-3"], 3));
    let ids: Vec<String> = c
        .items(DescribeNatGatewaysRequest::new("cn-shanghai").page_size(2))
        .map(|v| v.unwrap().nat_gateway_id.unwrap())
        .collect()
        .await;
    assert_eq!(ids, ["ngw-1", "ngw-2", "ngw-3"]);
}

/// A `ListAggregators` answer: its token and items inside `AggregatorsResult`.
fn aggregators(ids: &[&str], next: Option<&str>) -> Fault {
    let list: Vec<_> = ids
        .iter()
        .map(|id| serde_json::json!({"AggregatorId": id}))
        .collect();
    let body = serde_json::json!({
        "RequestId": "r",
        "AggregatorsResult": {"NextToken": next, "Aggregators": list},
    });
    Fault::Reply(200, vec![], body.to_string())
}

#[tokio::test]
async fn a_token_inside_a_result_object_pages_with_a_required_max_results() {
    use aliyun_config::ListAggregatorsRequest;
    let fake = Fake::start(SECRET).await;
    fake.push(aggregators(&["ca-1", "ca-2"], Some("t-2")));
    fake.push(aggregators(&["ca-3"], Some("t-3")));
    fake.push(aggregators(&[], None));
    let all = client(&fake)
        .all_items(ListAggregatorsRequest::new(2))
        .await
        .unwrap();
    let ids: Vec<_> = all
        .iter()
        .map(|a| a.aggregator_id.as_deref().unwrap())
        .collect();
    assert_eq!(ids, ["ca-1", "ca-2", "ca-3"]);
    let sent: Vec<_> = fake
        .requests()
        .iter()
        .map(|q| {
            (
                q.form_param("NextToken").map(str::to_string),
                q.form_param("MaxResults").map(str::to_string),
            )
        })
        .collect();
    let two = Some("2".to_string());
    assert_eq!(
        sent,
        [
            (None, two.clone()),
            (Some("t-2".into()), two.clone()),
            (Some("t-3".into()), two)
        ]
    );
}

#[tokio::test]
async fn page_numbers_inside_a_result_object_stop_at_its_total() {
    use aliyun_config::ListCompliancePacksRequest;
    let page = |number: u32, ids: &[&str]| {
        let list: Vec<_> = ids
            .iter()
            .map(|id| serde_json::json!({"CompliancePackId": id}))
            .collect();
        let body = serde_json::json!({
            "RequestId": "r",
            "CompliancePacksResult": {
                "PageNumber": number, "PageSize": 2, "TotalCount": 4, "CompliancePacks": list,
            },
        });
        Fault::Reply(200, vec![], body.to_string())
    };
    let fake = Fake::start(SECRET).await;
    fake.push(page(1, &["cp-1", "cp-2"]));
    fake.push(page(2, &["cp-3", "cp-4"]));
    let all = client(&fake)
        .all_items(ListCompliancePacksRequest::new().page_size(2))
        .await
        .unwrap();
    assert_eq!(all.len(), 4);
    assert_eq!(
        fake.count(),
        2,
        "the total ends the listing without a third call"
    );
    assert_eq!(fake.requests()[1].form_param("PageNumber"), Some("2"));
}
