//! What the runtime must never do with a user's account: retry a write that may have been executed, hold an
//! unbounded answer, lose an error's code, or hide what went wrong. Every test runs against the fake service on
//! 127.0.0.1 (`support`), which checks every signature.

mod support;

use std::time::Duration;

use aliyun_runtime::{
    ApiStyle, CallOptions, Client, Credentials, EndpointRule, Error, HttpMethod, Operation,
    RetryConfig, ServiceSpec,
};
use serde::{Deserialize, Serialize};
use support::{Fake, Fault};

static SPEC: ServiceSpec = ServiceSpec {
    product: "Config",
    version: "2020-09-07",
    style: ApiStyle::Rpc,
    endpoint: "config.aliyuncs.com",
    endpoint_rule: EndpointRule::Central,
    regional_endpoints: &[],
};

#[derive(Deserialize, Debug)]
#[serde(rename_all = "PascalCase")]
struct Answer {
    request_id: String,
}
aliyun_runtime::decode_with_serde!(Answer);

/// A write without `ClientToken`: repeating it may create twice.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct CreateRule {
    rule_name: String,
}

impl Operation for CreateRule {
    type Response = Answer;
    const SERVICE: &'static ServiceSpec = &SPEC;
    const ACTION: &'static str = "CreateConfigRule";
    const METHOD: HttpMethod = HttpMethod::Post;
    const CLIENT_TOKEN: Option<&'static str> = None;
}

/// A write with `ClientToken`: the service deduplicates it.
#[derive(Serialize, Default)]
#[serde(rename_all = "PascalCase")]
struct GenerateReport {
    #[serde(skip_serializing_if = "Option::is_none")]
    client_token: Option<String>,
}

impl Operation for GenerateReport {
    type Response = Answer;
    const SERVICE: &'static ServiceSpec = &SPEC;
    const ACTION: &'static str = "GenerateCompliancePackReport";
    const METHOD: HttpMethod = HttpMethod::Post;
    const CLIENT_TOKEN: Option<&'static str> = Some("ClientToken");
}

/// A read: safe to repeat.
#[derive(Serialize)]
struct DescribeRule {}

impl Operation for DescribeRule {
    type Response = Answer;
    const SERVICE: &'static ServiceSpec = &SPEC;
    const ACTION: &'static str = "DescribeConfigRule";
    const METHOD: HttpMethod = HttpMethod::Get;
    const CLIENT_TOKEN: Option<&'static str> = None;
    const IDEMPOTENT: bool = true;
}

const SECRET: &str = "safety-secret";

fn create() -> CreateRule {
    CreateRule {
        rule_name: "r".into(),
    }
}

fn retries(max_attempts: u32) -> RetryConfig {
    RetryConfig {
        max_attempts,
        initial_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_secs(2),
    }
}

fn client(fake: &Fake) -> Client {
    Client::builder()
        .endpoint(fake.url())
        .credentials(Credentials::new("LTAIsafety", SECRET))
        .retry(retries(3))
        .read_timeout(Duration::from_millis(300))
        .no_proxy()
        .build()
        .unwrap()
}

fn throttled(headers: Vec<(&'static str, String)>) -> Fault {
    Fault::Reply(
        400,
        headers,
        r#"{"Code":"Throttling.User","Message":"slow down","RequestId":"T1"}"#.into(),
    )
}

// --- Defect 3: retries that could duplicate writes --------------------------------------------------------

#[tokio::test]
async fn a_write_without_client_token_is_sent_once_on_a_read_timeout() {
    let fake = Fake::start(SECRET).await;
    for _ in 0..3 {
        fake.push(Fault::Slow(Duration::from_secs(5)));
    }
    let e = client(&fake).call(create()).await.unwrap_err();
    assert!(
        matches!(
            e,
            Error::Timeout {
                request_sent: true,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e.to_string().contains("may have executed"), "{e}");
    assert_eq!(fake.count(), 1);
}

#[tokio::test]
async fn a_write_without_client_token_is_sent_once_on_a_503() {
    let fake = Fake::start(SECRET).await;
    for _ in 0..3 {
        fake.push(Fault::Code(503, "ServiceUnavailable"));
    }
    let e = client(&fake).call(create()).await.unwrap_err();
    assert_eq!(e.code(), Some("ServiceUnavailable"));
    assert_eq!(fake.count(), 1);
}

#[tokio::test]
async fn a_write_without_client_token_is_sent_once_when_the_answer_is_cut_short() {
    let fake = Fake::start(SECRET).await;
    fake.push(Fault::Truncated);
    fake.push(Fault::Drop);
    let c = client(&fake);
    let e = c.call(create()).await.unwrap_err();
    assert!(matches!(&e, Error::Decode(d) if d.incomplete), "{e:?}");
    let e = c.call(create()).await.unwrap_err();
    assert!(
        matches!(
            e,
            Error::Connect {
                request_sent: true,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(fake.count(), 2);
}

#[tokio::test]
async fn a_write_with_client_token_is_retried_with_the_same_token() {
    let fake = Fake::start(SECRET).await;
    fake.push(Fault::Slow(Duration::from_secs(5)));
    fake.push(Fault::Code(503, "ServiceUnavailable"));
    fake.push(Fault::Truncated);
    let r = client(&fake)
        .call_with(
            GenerateReport::default(),
            CallOptions {
                retry: Some(retries(4)),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(r.request_id, "req-4");
    let tokens: Vec<String> = fake
        .requests()
        .iter()
        .map(|q| q.form_param("ClientToken").unwrap().to_string())
        .collect();
    assert_eq!(tokens.len(), 4);
    assert!(tokens.iter().all(|t| t == &tokens[0]), "{tokens:?}");
}

#[tokio::test]
async fn a_read_is_retried_after_a_timeout_and_a_503() {
    let fake = Fake::start(SECRET).await;
    fake.push(Fault::Slow(Duration::from_secs(5)));
    fake.push(Fault::Code(503, "ServiceUnavailable"));
    let r = client(&fake).call(DescribeRule {}).await.unwrap();
    assert_eq!(r.request_id, "req-3");
}

#[tokio::test]
async fn throttling_is_retried_even_for_a_write_without_client_token() {
    let fake = Fake::start(SECRET).await;
    fake.push(Fault::Code(400, "Throttling.User"));
    let r = client(&fake).call(create()).await.unwrap();
    assert_eq!(r.request_id, "req-2");
}

#[tokio::test]
async fn x_acs_retry_after_is_waited_for() {
    let fake = Fake::start(SECRET).await;
    fake.push(throttled(vec![("x-acs-retry-after", "400".into())]));
    fake.push(throttled(vec![("retry-after", "1".into())]));
    client(&fake).call(create()).await.unwrap();
    let reqs = fake.requests();
    assert_eq!(reqs.len(), 3);
    // Lower bounds only: the backoff alone is at most 2 ms here.
    let first_wait = reqs[1].received - reqs[0].received;
    let second_wait = reqs[2].received - reqs[1].received;
    assert!(first_wait >= Duration::from_millis(400), "{first_wait:?}");
    assert!(second_wait >= Duration::from_secs(1), "{second_wait:?}");
}

#[tokio::test]
async fn a_retry_after_longer_than_max_backoff_or_the_deadline_ends_the_call() {
    let fake = Fake::start(SECRET).await;
    fake.push(throttled(vec![("x-acs-retry-after", "3600000".into())]));
    let e = client(&fake).call(create()).await.unwrap_err();
    assert_eq!(e.retry_after(), Some(Duration::from_secs(3600)));
    assert_eq!(fake.count(), 1);
    fake.push(throttled(vec![("x-acs-retry-after", "1500".into())]));
    let e = client(&fake)
        .call_with(
            create(),
            CallOptions {
                deadline: Some(Duration::from_secs(1)),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert!(e.is_throttling(), "{e:?}");
    assert_eq!(fake.count(), 2);
}

#[tokio::test]
async fn the_deadline_bounds_the_whole_call() {
    let fake = Fake::start(SECRET).await;
    for _ in 0..3 {
        fake.push(Fault::Slow(Duration::from_secs(30)));
    }
    let c = Client::builder()
        .endpoint(fake.url())
        .credentials(Credentials::new("LTAIsafety", SECRET))
        .retry(retries(3))
        .read_timeout(Duration::from_secs(60))
        .deadline(Duration::from_millis(300))
        .no_proxy()
        .build()
        .unwrap();
    let e = c.call(DescribeRule {}).await.unwrap_err();
    assert!(
        matches!(&e, Error::Timeout { message, .. } if message.contains("deadline")),
        "{e:?}"
    );
    assert_eq!(fake.count(), 1);
}

// --- Defect 4: answers without a size limit ---------------------------------------------------------------

#[tokio::test]
async fn a_1_gib_answer_is_refused_without_holding_it() {
    let fake = Fake::start(SECRET).await;
    fake.push(Fault::Endless {
        content_length: true,
    });
    let e = client(&fake).call(DescribeRule {}).await.unwrap_err();
    assert!(
        matches!(e, Error::TooLarge { status: 200, limit, .. } if limit == aliyun_runtime::DEFAULT_MAX_BODY_BYTES),
        "{e:?}"
    );
    assert_eq!(fake.count(), 1, "a refused answer is not retried");
    // Without a Content-Length the body is read up to the limit, and no further.
    fake.push(Fault::Endless {
        content_length: false,
    });
    let c = Client::builder()
        .endpoint(fake.url())
        .credentials(Credentials::new("LTAIsafety", SECRET))
        .max_body_bytes(1 << 20)
        .no_proxy()
        .build()
        .unwrap();
    let before = fake.streamed();
    let e = c.call(DescribeRule {}).await.unwrap_err();
    assert!(
        matches!(e, Error::TooLarge { limit, .. } if limit == 1 << 20),
        "{e:?}"
    );
    assert!(
        e.to_string()
            .contains("larger than the limit of 1048576 bytes"),
        "{e}"
    );
    let streamed = fake.streamed() - before;
    assert!(
        streamed < 64 << 20,
        "{streamed} bytes were produced for a 1 MiB limit"
    );
}

#[tokio::test]
async fn a_50_mb_error_message_is_cut_in_the_error() {
    let fake = Fake::start(SECRET).await;
    let message = "x".repeat(50_000_000);
    fake.push(Fault::Reply(
        400,
        vec![("content-type", "application/json".into())],
        format!(r#"{{"Code":"InvalidParameter","Message":"{message}","RequestId":"R"}}"#),
    ));
    let e = client(&fake).call(create()).await.unwrap_err();
    assert_eq!(e.code(), Some("InvalidParameter"));
    let text = e.to_string();
    assert!(text.len() < 2_000, "{} bytes", text.len());
    assert!(
        text.contains("(50000000 bytes in all)"),
        "{}",
        &text[text.len() - 100..]
    );
}

// --- Defect 5: error answers that are almost right --------------------------------------------------------

#[tokio::test]
async fn malformed_error_bodies_keep_their_code() {
    let cases: [(&str, &str); 5] = [
        (r#"{"Code":"InvalidParameter","Message":404,"RequestId":"R1"}"#, "InvalidParameter"),
        (r#"{"Code":"InvalidParameter","Message":"m","RequestId":123456}"#, "InvalidParameter"),
        (r#"{"Code":"InvalidParameter","HostId":{"zone":"a"},"RequestId":"R3"}"#, "InvalidParameter"),
        (r#"{"code":"InvalidParameter","message":"m","requestId":"R4"}"#, "InvalidParameter"),
        (
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><RequestId>R5</RequestId><Code>InvalidParameter</Code><Message>m</Message></Error>",
            "InvalidParameter",
        ),
    ];
    let fake = Fake::start(SECRET).await;
    let c = client(&fake);
    for (body, code) in cases {
        fake.push(Fault::Reply(400, vec![], body.into()));
        let e = c.call(create()).await.unwrap_err();
        assert_eq!(e.code(), Some(code), "{body}: {e:?}");
    }
    let e = {
        fake.push(Fault::Reply(
            400,
            vec![],
            r#"{"Code":"InvalidParameter","RequestId":123456}"#.into(),
        ));
        c.call(create()).await.unwrap_err()
    };
    assert_eq!(e.request_id(), Some("123456"));
}

#[tokio::test]
async fn throttling_in_an_xml_body_with_a_numeric_message_is_recognised() {
    let fake = Fake::start(SECRET).await;
    fake.push(Fault::Reply(
        503,
        vec![("content-type", "text/xml".into())],
        "<Error><Code>Throttling</Code><Message>1</Message></Error>".into(),
    ));
    fake.push(Fault::Reply(
        400,
        vec![],
        r#"{"Code":"Throttling.User","Message":42}"#.into(),
    ));
    let r = client(&fake).call(create()).await.unwrap();
    assert_eq!(r.request_id, "req-3");
}

// --- Defect 6: messages that say what happened -----------------------------------------------------------

#[tokio::test]
async fn an_answer_with_too_many_headers_says_so_and_is_not_retried() {
    let fake = Fake::start(SECRET).await;
    fake.push(Fault::ManyHeaders(200));
    let e = client(&fake).call(create()).await.unwrap_err();
    assert!(matches!(e, Error::Protocol { .. }), "{e:?}");
    let text = e.to_string();
    assert!(
        text.contains("the answer's head could not be read"),
        "{text}"
    );
    assert!(!text.contains("before an answer arrived"), "{text}");
    assert_eq!(fake.count(), 1);
    // Not even a call safe to repeat: the same server would most likely answer the same way.
    for _ in 0..3 {
        fake.push(Fault::ManyHeaders(200));
    }
    let e = client(&fake)
        .call(GenerateReport::default())
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Protocol { .. }), "{e:?}");
    assert_eq!(fake.count(), 2);
}

#[tokio::test]
async fn https_against_a_plain_http_port_says_to_write_http() {
    let fake = Fake::start(SECRET).await;
    let c = Client::builder()
        .endpoint(fake.authority()) // no scheme: https
        .credentials(Credentials::new("LTAIsafety", SECRET))
        .retry(RetryConfig::disabled())
        .no_proxy()
        .build()
        .unwrap();
    let e = c.call(create()).await.unwrap_err();
    assert!(matches!(e, Error::Connect { .. }), "{e:?}");
    assert!(e.to_string().contains("plain HTTP"), "{e}");
}

#[tokio::test]
async fn a_list_where_the_answer_should_hold_an_object_says_so() {
    let fake = Fake::start(SECRET).await;
    fake.push(Fault::Reply(
        200,
        vec![],
        r#"{"RequestId":"R","CompliancePackReport":[{"ReportStatus":"COMPLETE"}]}"#.into(),
    ));
    let e = client(&fake)
        .call(aliyun_config::GetAggregateCompliancePackReportRequest::new(
            aliyun_config::GetAggregateCompliancePackReportRequired {
                compliance_pack_id: "cp",
                aggregator_id: "ca",
            },
        ))
        .await
        .unwrap_err();
    let text = e.to_string();
    assert!(text.contains("expected an object, found a list"), "{text}");
    assert!(!text.contains("expected a string"), "{text}");
}
