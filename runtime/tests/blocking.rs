//! The blocking client (cargo feature `blocking`, on for the tests) against the fake service: same signing,
//! retries and errors as the async one.

mod support;

use std::time::Duration;

use aliyun_config::get_aggregate_compliance_pack_report::ReportStatus;
use aliyun_config::{
    GetAggregateCompliancePackReportRequest, GetAggregateCompliancePackReportRequired,
};
use aliyun_runtime::{Client, Credentials, Error, RetryConfig};
use support::{Fake, Fault};

const SECRET: &str = "blocking-secret";

/// The fake runs on a runtime of its own; the test thread stays outside any runtime, as a script's would.
fn fake() -> (tokio::runtime::Runtime, Fake) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let fake = rt.block_on(Fake::start(SECRET));
    (rt, fake)
}

fn client(fake: &Fake) -> aliyun_runtime::blocking::Client {
    Client::builder()
        .region("cn-shanghai")
        .endpoint(fake.url())
        .credentials(Credentials::new("LTAIblocking", SECRET))
        .retry(RetryConfig {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(5),
        })
        .no_proxy()
        .build_blocking()
        .unwrap()
}

fn request() -> GetAggregateCompliancePackReportRequest {
    GetAggregateCompliancePackReportRequest::new(GetAggregateCompliancePackReportRequired {
        compliance_pack_id: "cp-1",
        aggregator_id: "ca-1",
    })
}

#[test]
fn a_blocking_call_is_signed_retried_and_typed_like_an_async_one() {
    let (_rt, fake) = fake();
    let c = client(&fake);
    fake.push(Fault::Code(503, "ServiceUnavailable"));
    c.call(request()).unwrap();
    let reqs = fake.requests();
    assert_eq!(reqs.len(), 2, "a read is retried after a 503");
    assert!(reqs.iter().all(|q| q.signature_ok));
    assert_eq!(
        reqs[0].header("x-acs-action"),
        Some("GetAggregateCompliancePackReport")
    );
    fake.push(Fault::Code(400, "Invalid.AggregatorId.Value"));
    let e = c.call(request()).unwrap_err();
    assert_eq!(
        (e.code(), e.request_id()),
        (Some("Invalid.AggregatorId.Value"), Some("req-3"))
    );
}

#[test]
fn the_blocking_waiter_polls_until_done() {
    let (_rt, fake) = fake();
    let c = client(&fake);
    let running = r#"{"RequestId":"r","CompliancePackReport":{"ReportStatus":"CREATING"}}"#;
    let complete = r#"{"RequestId":"r","CompliancePackReport":{"ReportStatus":"COMPLETE","ReportUrl":"https://x/r.xlsx"}}"#;
    fake.push(Fault::Reply(200, vec![], running.into()));
    fake.push(Fault::Reply(200, vec![], complete.into()));
    let done = c
        .wait_until(
            || c.call(request()),
            |r| {
                r.compliance_pack_report
                    .as_ref()
                    .and_then(|p| p.report_status.as_ref())
                    == Some(&ReportStatus::Complete)
            },
            Duration::from_secs(60),
            Duration::from_millis(1),
        )
        .unwrap();
    assert_eq!(
        done.compliance_pack_report.unwrap().report_url.as_deref(),
        Some("https://x/r.xlsx")
    );
    assert_eq!(fake.count(), 2);
}

#[test]
fn inside_an_async_runtime_the_blocking_client_refuses_instead_of_blocking_it() {
    let (rt, fake) = fake();
    let c = client(&fake);
    let e = rt.block_on(async { c.call(request()) }).unwrap_err();
    assert!(
        matches!(&e, Error::Config(m) if m.contains("inside an async runtime")),
        "{e:?}"
    );
    assert_eq!(fake.count(), 0);
}
