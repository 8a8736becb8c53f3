//! The test doubles of the `test-util` feature: the stub answering typed responses per operation, and the
//! record/replay transport, recorded against a local service on 127.0.0.1 and replayed without it.

mod support;

use aliyun_config::list_aggregators::{Aggregators, AggregatorsResult};
use aliyun_config::{
    GetAggregateCompliancePackReportRequest, GetAggregateCompliancePackReportRequired,
    ListAggregatorsRequest, ListAggregatorsResponse,
};
use aliyun_runtime::test_util::{Recorder, Replay, Stub};
use aliyun_runtime::transport::HttpTransport;
use aliyun_runtime::{Client, Credentials, Error, RetryConfig};
use aliyun_vpc::{CreateNatGatewayRequest, CreateNatGatewayRequired, DescribeNatGatewaysRequest};
use support::{nat_page, Fake, Fault};

const ID: &str = "LTAIrecorded";
const SECRET: &str = "recorded-secret";

/// Code under test: the ids of every aggregator, page after page.
async fn aggregator_ids(client: &Client) -> Result<Vec<String>, Error> {
    let all = client.all_items(ListAggregatorsRequest::new(2)).await?;
    Ok(all.into_iter().filter_map(|a| a.aggregator_id).collect())
}

fn page(ids: &[&str], next: Option<&str>) -> ListAggregatorsResponse {
    ListAggregatorsResponse {
        request_id: Some("r".into()),
        aggregators_result: Some(AggregatorsResult {
            next_token: next.map(str::to_string),
            aggregators: ids
                .iter()
                .map(|id| Aggregators {
                    aggregator_id: Some(id.to_string()),
                    ..Default::default()
                })
                .collect(),
        }),
    }
}

#[tokio::test]
async fn the_stub_answers_typed_pages_in_order_and_records_the_requests() {
    let stub = Stub::new();
    stub.reply::<ListAggregatorsRequest>(page(&["ca-1", "ca-2"], Some("t-2")))
        .reply::<ListAggregatorsRequest>(page(&["ca-3"], None));
    let ids = aggregator_ids(&stub.client()).await.unwrap();
    assert_eq!(ids, ["ca-1", "ca-2", "ca-3"]);
    let sent = stub.requests_of::<ListAggregatorsRequest>();
    let tokens: Vec<_> = sent.iter().map(|s| s.param("NextToken")).collect();
    assert_eq!(tokens, [None, Some("t-2")]);
    assert!(sent.iter().all(|s| s.param("MaxResults") == Some("2")));
    assert_eq!(stub.requests().len(), 2);
}

#[tokio::test]
async fn the_stub_answers_errors_and_failures_per_operation() {
    let stub = Stub::new();
    stub.reply_error::<ListAggregatorsRequest>(403, "Forbidden.NoPermission", "no");
    stub.fail::<GetAggregateCompliancePackReportRequest>(|| Error::Timeout {
        message: "stalled".into(),
        request_sent: true,
    });
    let client = stub.client();
    let e = aggregator_ids(&client).await.unwrap_err();
    assert_eq!(e.code(), Some("Forbidden.NoPermission"));
    let e = client
        .call(GetAggregateCompliancePackReportRequest::new(
            GetAggregateCompliancePackReportRequired {
                compliance_pack_id: "cp-1",
                aggregator_id: "ca-1",
            },
        ))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Timeout { .. }), "{e:?}");
    assert_eq!(
        stub.requests_of::<GetAggregateCompliancePackReportRequest>()[0].param("AggregatorId"),
        Some("ca-1")
    );
    // An operation given no answer is a configuration error that names it.
    let e = client
        .call(DescribeNatGatewaysRequest::new("cn-hangzhou"))
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::Config(m) if m.contains("`DescribeNatGateways`")),
        "{e:?}"
    );
}

async fn session(client: &Client) -> (Vec<String>, Option<String>) {
    let gateways = client
        .all_items(DescribeNatGatewaysRequest::new("cn-hangzhou").page_size(2))
        .await
        .unwrap();
    let created = client
        .call(CreateNatGatewayRequest::new(CreateNatGatewayRequired {
            region_id: "cn-hangzhou",
            vpc_id: "vpc-1",
            v_switch_id: "vsw-1",
            nat_type: "Enhanced",
        }))
        .await
        .unwrap();
    (
        gateways.into_iter().filter_map(|g| g.nat_gateway_id).collect(),
        created.nat_gateway_id,
    )
}

#[tokio::test]
async fn a_recorded_session_replays_without_the_service_and_keeps_no_secret() {
    let fake = Fake::start(SECRET).await;
    fake.add_key(ID, SECRET);
    fake.push(nat_page(1, &["ngw-1", "ngw-2"], 3));
    fake.push(nat_page(2, &["ngw-3"], 3));
    fake.push(Fault::Reply(
        200,
        vec![],
        r#"{"RequestId":"c","NatGatewayId":"ngw-new"}"#.into(),
    ));
    let recorder = Recorder::new(HttpTransport::new().no_proxy());
    let recording = Client::builder()
        .region("cn-hangzhou")
        .endpoint(fake.url())
        .credentials(Credentials::new(ID, SECRET).with_security_token("sts-token-secret"))
        .retry(RetryConfig::disabled())
        .transport(recorder.clone())
        .build()
        .unwrap();
    let live = session(&recording).await;
    assert_eq!(fake.count(), 3);
    assert!(fake.requests().iter().all(|r| r.signature_ok));

    let path = std::env::temp_dir().join(format!("aliyun-cassette-{}.json", std::process::id()));
    recorder.save(&path).unwrap();
    let cassette = std::fs::read_to_string(&path).unwrap();
    for secret in [SECRET, ID, "sts-token-secret", "Signature", "ClientToken"] {
        assert!(!cassette.contains(secret), "{secret} in {cassette}");
    }

    // Another client: other nonces, timestamps and ClientToken, other credentials; nothing reaches the fake.
    let replay = Replay::load(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    let replaying = Client::builder()
        .region("cn-hangzhou")
        .endpoint(fake.url())
        .credentials(Credentials::new("LTAIother", "other"))
        .transport(replay)
        .build()
        .unwrap();
    assert_eq!(session(&replaying).await, live);
    assert_eq!(live.0, ["ngw-1", "ngw-2", "ngw-3"]);
    assert_eq!(fake.count(), 3, "the replay reached no server");

    // A request the cassette does not hold fails, naming it.
    let e = replaying
        .call(DescribeNatGatewaysRequest::new("cn-shanghai"))
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::Config(m) if m.contains("`DescribeNatGateways`") && m.contains("RegionId=cn-shanghai")),
        "{e:?}"
    );
}
