//! Calls against a fake service on 127.0.0.1 that checks every signature independently and fails on demand.

mod support;

use std::time::Duration;

use aliyun_runtime::{
    ApiStyle, CallOptions, Client, Credentials, EndpointRule, Error, HttpMethod, Operation,
    RetryConfig, ServiceSpec, SigningAlgorithm,
};
use serde::{Deserialize, Serialize};
use support::{Fake, Fault};

static CONFIG: ServiceSpec = ServiceSpec {
    product: "Config",
    version: "2020-09-07",
    style: ApiStyle::Rpc,
    endpoint: "config.{region}.aliyuncs.com",
    endpoint_rule: EndpointRule::Regional,
    regional_endpoints: &[],
};

#[derive(Serialize, Default, Clone)]
#[serde(rename_all = "PascalCase")]
struct Tag {
    key: String,
    value: String,
}

/// A POST operation with a ClientToken.
#[derive(Serialize, Default, Clone)]
#[serde(rename_all = "PascalCase")]
struct GenerateReport {
    compliance_pack_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    client_token: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tag: Vec<Tag>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dry_run: Option<bool>,
}

impl Operation for GenerateReport {
    type Response = Answer;
    const SERVICE: &'static ServiceSpec = &CONFIG;
    const ACTION: &'static str = "GenerateCompliancePackReport";
    const METHOD: HttpMethod = HttpMethod::Post;
    const CLIENT_TOKEN: Option<&'static str> = Some("ClientToken");
}

/// A GET operation without ClientToken.
#[derive(Serialize, Default, Clone)]
#[serde(rename_all = "PascalCase")]
struct GetReport {
    compliance_pack_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_results: Option<i32>,
}

impl Operation for GetReport {
    type Response = Answer;
    const SERVICE: &'static ServiceSpec = &CONFIG;
    const ACTION: &'static str = "GetCompliancePackReport";
    const METHOD: HttpMethod = HttpMethod::Get;
    const CLIENT_TOKEN: Option<&'static str> = None;
}

#[derive(Deserialize, Debug)]
#[serde(rename_all = "PascalCase")]
struct Answer {
    request_id: String,
    action: String,
}
aliyun_runtime::decode_with_serde!(Answer);

const ID: &str = "LTAItestid";
const SECRET: &str = "testsecret-value";

fn fast_retries(max_attempts: u32) -> RetryConfig {
    RetryConfig {
        max_attempts,
        initial_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(5),
    }
}

fn client(fake: &Fake, retry: RetryConfig) -> Client {
    Client::builder()
        .region("cn-shanghai")
        .endpoint(fake.url())
        .credentials(Credentials::new(ID, SECRET))
        .retry(retry)
        .jitter_seed(7)
        .no_proxy()
        .build()
        .unwrap()
}

fn report() -> GenerateReport {
    GenerateReport {
        compliance_pack_id: "cp-1****".into(),
        ..Default::default()
    }
}

#[tokio::test]
async fn get_puts_parameters_in_a_signed_query() {
    let fake = Fake::start(SECRET).await;
    let c = client(&fake, RetryConfig::disabled());
    let r = c
        .call(GetReport {
            compliance_pack_id: "cp a+b*~".into(),
            max_results: Some(10),
        })
        .await
        .unwrap();
    assert_eq!(r.action, "GetCompliancePackReport");
    assert_eq!(r.request_id, "req-1");
    let reqs = fake.requests();
    assert_eq!(reqs.len(), 1);
    let q = &reqs[0];
    assert_eq!(q.method, "GET");
    assert!(q.signature_ok, "{:?}", q.signature_problem);
    assert!(q.body.is_empty());
    assert_eq!(q.query_param("CompliancePackId"), Some("cp a+b*~"));
    assert_eq!(q.query_param("MaxResults"), Some("10"));
    assert_eq!(q.header("x-acs-action"), Some("GetCompliancePackReport"));
    assert_eq!(q.header("x-acs-version"), Some("2020-09-07"));
    assert_eq!(q.header("host"), Some(fake.authority().as_str()));
    assert!(q.header("x-acs-security-token").is_none());
    let date = q.header("x-acs-date").unwrap();
    assert!(
        date.len() == 20 && date.ends_with('Z') && date.as_bytes()[10] == b'T',
        "{date}"
    );
}

#[tokio::test]
async fn post_sends_a_signed_form_body_with_sts_and_a_client_token() {
    let fake = Fake::start(SECRET).await;
    let c = Client::builder()
        .region("cn-shanghai")
        .endpoint(fake.url())
        .credentials(Credentials::new(ID, SECRET).with_security_token("CAIS+token/with=chars&more"))
        .no_proxy()
        .build()
        .unwrap();
    let req = GenerateReport {
        tag: vec![Tag {
            key: "env".into(),
            value: "生产 x".into(),
        }],
        dry_run: Some(false),
        ..report()
    };
    c.call(&req).await.unwrap();
    let q = &fake.requests()[0];
    assert_eq!(q.method, "POST");
    assert!(q.signature_ok, "{:?}", q.signature_problem);
    assert!(q.query.is_empty());
    assert_eq!(
        q.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        q.header("x-acs-security-token"),
        Some("CAIS+token/with=chars&more")
    );
    assert_eq!(q.header("x-acs-accesskey-id"), Some(ID));
    assert_eq!(q.form_param("CompliancePackId"), Some("cp-1****"));
    assert_eq!(q.form_param("Tag.1.Key"), Some("env"));
    assert_eq!(q.form_param("Tag.1.Value"), Some("生产 x"));
    assert_eq!(q.form_param("DryRun"), Some("false"));
    let token = q
        .form_param("ClientToken")
        .expect("a ClientToken is filled in");
    assert_eq!(token.len(), 36, "{token}");
    assert!(q
        .signed_headers
        .contains(&"x-acs-security-token".to_string()));
}

#[tokio::test]
async fn a_given_client_token_is_kept_and_each_call_gets_its_own() {
    let fake = Fake::start(SECRET).await;
    let c = client(&fake, RetryConfig::disabled());
    c.call(GenerateReport {
        client_token: Some("mine".into()),
        ..report()
    })
    .await
    .unwrap();
    c.call(GenerateReport {
        client_token: Some(String::new()),
        ..report()
    })
    .await
    .unwrap();
    c.call(report()).await.unwrap();
    let reqs = fake.requests();
    assert_eq!(reqs[0].form_param("ClientToken"), Some("mine"));
    let second = reqs[1].form_param("ClientToken").unwrap();
    let third = reqs[2].form_param("ClientToken").unwrap();
    assert!(!second.is_empty() && second != "mine");
    assert_ne!(second, third);
}

#[tokio::test]
async fn rpc_hmac_sha1_signing() {
    let fake = Fake::start(SECRET).await;
    let c = Client::builder()
        .region("cn-shanghai")
        .endpoint(fake.url())
        .credentials(Credentials::new(ID, SECRET).with_security_token("tok"))
        .signing(SigningAlgorithm::RpcHmacSha1)
        .no_proxy()
        .build()
        .unwrap();
    c.call(GetReport {
        compliance_pack_id: "cp 1".into(),
        max_results: None,
    })
    .await
    .unwrap();
    c.call(report()).await.unwrap();
    for q in fake.requests() {
        assert!(q.signature_ok, "{:?}", q.signature_problem);
        assert_eq!(q.query_param("SignatureMethod"), Some("HMAC-SHA1"));
        assert_eq!(q.query_param("SignatureVersion"), Some("1.0"));
        assert_eq!(q.query_param("AccessKeyId"), Some(ID));
        assert_eq!(q.query_param("SecurityToken"), Some("tok"));
        assert!(q.header("authorization").is_none());
    }
    let reqs = fake.requests();
    assert_eq!(reqs[0].query_param("CompliancePackId"), Some("cp 1"));
    assert_eq!(reqs[1].form_param("CompliancePackId"), Some("cp-1****"));
    assert_eq!(
        reqs[1].query_param("Action"),
        Some("GenerateCompliancePackReport")
    );
}

#[tokio::test]
async fn client_error_is_typed_and_not_retried() {
    let fake = Fake::start(SECRET).await;
    fake.push(Fault::Code(400, "InvalidParameter"));
    let c = client(&fake, fast_retries(3));
    let e = c.call(report()).await.unwrap_err();
    let Error::Service(s) = &e else {
        panic!("{e:?}")
    };
    assert_eq!(s.status, 400);
    assert_eq!(s.code, "InvalidParameter");
    assert_eq!(s.message, "fault InvalidParameter");
    assert_eq!(
        s.host_id.as_deref(),
        Some("config.cn-shanghai.aliyuncs.com")
    );
    assert!(s.recommend.as_deref().unwrap().contains("diagnosis"));
    assert_eq!(e.code(), Some("InvalidParameter"));
    assert_eq!(e.request_id(), Some("req-1"));
    assert_eq!(e.status(), Some(400));
    assert!(e.to_string().contains("req-1"));
    assert_eq!(fake.count(), 1);
}

#[tokio::test]
async fn not_found_is_not_retried() {
    let fake = Fake::start(SECRET).await;
    fake.push(Fault::Code(404, "InvalidApi.NotFound"));
    fake.push(Fault::EmptyStatus(404));
    let c = client(&fake, fast_retries(3));
    let e = c.call(report()).await.unwrap_err();
    assert_eq!(
        (e.code(), e.status()),
        (Some("InvalidApi.NotFound"), Some(404))
    );
    let e = c.call(report()).await.unwrap_err();
    assert!(matches!(&e, Error::Decode(d) if d.status == 404), "{e:?}");
    assert_eq!(e.request_id(), Some("req-2"));
    assert_eq!(fake.count(), 2);
}

#[tokio::test]
async fn server_errors_are_retried_until_attempts_run_out() {
    let fake = Fake::start(SECRET).await;
    for _ in 0..5 {
        fake.push(Fault::Code(500, "InternalError"));
    }
    let c = client(&fake, fast_retries(3));
    let e = c.call(report()).await.unwrap_err();
    assert_eq!(
        (e.code(), e.status(), e.request_id()),
        (Some("InternalError"), Some(500), Some("req-3"))
    );
    assert_eq!(fake.count(), 3);
}

#[tokio::test]
async fn retries_are_off_when_disabled() {
    let fake = Fake::start(SECRET).await;
    fake.push(Fault::Code(503, "ServiceUnavailable"));
    let c = client(&fake, RetryConfig::disabled());
    let e = c.call(report()).await.unwrap_err();
    assert_eq!(e.status(), Some(503));
    assert_eq!(fake.count(), 1);
}

#[tokio::test]
async fn a_retried_call_keeps_its_client_token_and_signs_anew() {
    let fake = Fake::start(SECRET).await;
    fake.push(Fault::Code(503, "ServiceUnavailable"));
    fake.push(Fault::Code(400, "Throttling.User"));
    let c = client(&fake, fast_retries(3));
    let r = c.call(report()).await.unwrap();
    assert_eq!(r.request_id, "req-3");
    let reqs = fake.requests();
    assert_eq!(reqs.len(), 3);
    let tokens: Vec<_> = reqs
        .iter()
        .map(|q| q.form_param("ClientToken").unwrap().to_string())
        .collect();
    assert_eq!(tokens[0], tokens[1]);
    assert_eq!(tokens[1], tokens[2]);
    let nonces: Vec<_> = reqs
        .iter()
        .map(|q| q.header("x-acs-signature-nonce").unwrap().to_string())
        .collect();
    assert_ne!(nonces[0], nonces[1]);
    assert!(reqs.iter().all(|q| q.signature_ok));
}

#[tokio::test]
async fn throttling_is_retried() {
    let fake = Fake::start(SECRET).await;
    fake.push(Fault::Code(400, "Throttling.User"));
    fake.push(Fault::Code(429, "TooManyRequests"));
    let c = client(&fake, fast_retries(2));
    let e = c.call(report()).await.unwrap_err();
    assert!(e.is_throttling());
    assert_eq!(e.status(), Some(429));
    assert_eq!(fake.count(), 2);
    // and the throttling code alone, with retries off, gives the typed error
    fake.push(Fault::Code(400, "Throttling.User"));
    let e = client(&fake, RetryConfig::disabled())
        .call(report())
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("Throttling.User"));
    assert_eq!(fake.count(), 3);
}

#[tokio::test]
async fn an_html_bad_gateway_page_is_a_decode_error_and_retried() {
    let fake = Fake::start(SECRET).await;
    fake.push(Fault::Html502);
    fake.push(Fault::Html502);
    let c = client(&fake, fast_retries(2));
    let e = c.call(report()).await.unwrap_err();
    let Error::Decode(d) = &e else {
        panic!("{e:?}")
    };
    assert_eq!(d.status, 502);
    assert!(
        d.body_excerpt.contains("502 Bad Gateway"),
        "{}",
        d.body_excerpt
    );
    assert_eq!(e.request_id(), Some("req-2"));
    assert_eq!(fake.count(), 2);
}

#[tokio::test]
async fn a_slow_answer_times_out_and_is_retried_within_the_deadline() {
    let fake = Fake::start(SECRET).await;
    fake.push(Fault::Slow(Duration::from_secs(30)));
    fake.push(Fault::Slow(Duration::from_secs(30)));
    let c = client(&fake, fast_retries(2));
    let options = CallOptions {
        read_timeout: Some(Duration::from_millis(200)),
        deadline: Some(Duration::from_secs(5)),
        ..Default::default()
    };
    let e = c.call_with(report(), options).await.unwrap_err();
    assert!(matches!(e, Error::Timeout { .. }), "{e:?}");
    assert!(e.is_retryable());
    assert_eq!(fake.count(), 2);
}

#[tokio::test]
async fn without_a_deadline_a_timed_out_attempt_costs_one_read_timeout_not_three() {
    let fake = Fake::start(SECRET).await;
    for _ in 0..3 {
        fake.push(Fault::Slow(Duration::from_secs(30)));
    }
    // Three attempts allowed, but the budget of timed-out attempts (one read timeout plus max_backoff) leaves
    // no room for a second one.
    let c = client(&fake, fast_retries(3));
    let options = CallOptions {
        read_timeout: Some(Duration::from_millis(200)),
        ..Default::default()
    };
    let e = c.call_with(report(), options).await.unwrap_err();
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
    assert_eq!(fake.count(), 1);
}

#[tokio::test]
async fn a_per_call_read_timeout_overrides_the_clients() {
    let fake = Fake::start(SECRET).await;
    fake.push(Fault::Slow(Duration::from_millis(300)));
    let c = Client::builder()
        .region("cn-shanghai")
        .endpoint(fake.url())
        .credentials(Credentials::new(ID, SECRET))
        .read_timeout(Duration::from_millis(1))
        .retry(RetryConfig::disabled())
        .no_proxy()
        .build()
        .unwrap();
    let options = CallOptions {
        read_timeout: Some(Duration::from_secs(60)),
        ..Default::default()
    };
    c.call_with(report(), options).await.unwrap();
}

#[tokio::test]
async fn a_dropped_connection_is_a_connect_error_and_retried() {
    let fake = Fake::start(SECRET).await;
    for _ in 0..3 {
        fake.push(Fault::Drop);
    }
    let c = client(&fake, fast_retries(3));
    let e = c.call(report()).await.unwrap_err();
    assert!(matches!(e, Error::Connect { .. }), "{e:?}");
    eprintln!("{e}");
    assert_eq!(fake.count(), 3);
    // the next call gets through
    c.call(report()).await.unwrap();
}

#[tokio::test]
async fn a_truncated_body_is_a_decode_error() {
    let fake = Fake::start(SECRET).await;
    fake.push(Fault::Truncated);
    let c = client(&fake, fast_retries(3));
    // GetReport is neither marked idempotent nor has a ClientToken: an answer cut short is not retried.
    let e = c
        .call(GetReport {
            compliance_pack_id: "cp".into(),
            max_results: None,
        })
        .await
        .unwrap_err();
    let Error::Decode(d) = &e else {
        panic!("{e:?}")
    };
    assert_eq!(d.status, 200);
    assert!(
        d.body_excerpt.starts_with(r#"{"RequestId""#),
        "{}",
        d.body_excerpt
    );
    assert_eq!(d.request_id.as_deref(), Some("req-1"));
    eprintln!("{e}");
    assert_eq!(fake.count(), 1);
}

#[tokio::test]
async fn an_unexpected_success_body_is_a_decode_error() {
    let fake = Fake::start(SECRET).await;
    fake.push(Fault::Body(200, "[1,2,3]"));
    fake.push(Fault::Body(200, ""));
    let c = client(&fake, fast_retries(3));
    for _ in 0..2 {
        let e = c.call(report()).await.unwrap_err();
        assert!(matches!(&e, Error::Decode(d) if d.status == 200), "{e:?}");
    }
    assert_eq!(fake.count(), 2);
}

#[tokio::test]
async fn a_wrong_secret_is_refused_by_the_server() {
    let fake = Fake::start(SECRET).await;
    let c = Client::builder()
        .region("cn-shanghai")
        .endpoint(fake.url())
        .credentials(Credentials::new(ID, "not-the-secret"))
        .no_proxy()
        .build()
        .unwrap();
    let e = c.call(report()).await.unwrap_err();
    assert_eq!(e.code(), Some("SignatureDoesNotMatch"));
    assert!(!fake.requests()[0].signature_ok);
    assert_eq!(fake.count(), 1);
}

#[tokio::test]
async fn nothing_listening_is_a_connect_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let c = Client::builder()
        .endpoint(format!("http://127.0.0.1:{port}"))
        .credentials(Credentials::new(ID, SECRET))
        .retry(fast_retries(2))
        .no_proxy()
        .build()
        .unwrap();
    let e = c.call(report()).await.unwrap_err();
    assert!(matches!(e, Error::Connect { .. }), "{e:?}");
    eprintln!("{e}");
    assert!(!e.to_string().contains(SECRET));
}

#[derive(Debug)]
struct NoCredentials;

impl aliyun_runtime::ProvideCredentials for NoCredentials {
    fn provide_credentials(&self) -> aliyun_runtime::credentials::CredentialsFuture<'_> {
        Box::pin(async { Err(Error::Credentials("none here".into())) })
    }
}

#[tokio::test]
async fn a_credentials_failure_sends_nothing() {
    let fake = Fake::start(SECRET).await;
    let c = Client::builder()
        .endpoint(fake.url())
        .credentials(NoCredentials)
        .no_proxy()
        .build()
        .unwrap();
    let e = c.call(report()).await.unwrap_err();
    assert!(matches!(e, Error::Credentials(_)), "{e:?}");
    assert_eq!(fake.count(), 0);
}

#[tokio::test]
async fn one_client_serves_concurrent_calls() {
    let fake = Fake::start(SECRET).await;
    let c = client(&fake, RetryConfig::disabled());
    let mut tasks = Vec::new();
    for i in 0..8 {
        let c = c.clone();
        tasks.push(tokio::spawn(async move {
            c.call(GetReport {
                compliance_pack_id: format!("cp-{i}"),
                max_results: None,
            })
            .await
        }));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    assert_eq!(fake.count(), 8);
    assert!(fake.requests().iter().all(|q| q.signature_ok));
}
