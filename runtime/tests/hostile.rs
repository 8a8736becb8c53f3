//! What a hostile or broken server must not get out of the runtime: credentials sent to another host, an answer
//! held without bound, a log forged or flooded by an error's code, retries that ignore time, an answer lost to
//! gzip or to deep JSON. Every server is a fake on 127.0.0.1 (`support`).

mod support;

use std::time::Duration;

use aliyun_runtime::credentials::{EcsRamRoleProvider, UriProvider};
use aliyun_runtime::{
    ApiStyle, CallOptions, Client, Credentials, EndpointRule, Error, HttpMethod, Operation,
    ProvideCredentials, RetryConfig, ServiceSpec,
};
use serde::{Deserialize, Serialize};
use support::{fast_retries, Fake, Fault};

const SECRET: &str = "hostile-secret";

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

/// A read, so every retryable failure is retried.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ListRules {
    next_token: String,
}

impl Operation for ListRules {
    type Response = Answer;
    const SERVICE: &'static ServiceSpec = &SPEC;
    const ACTION: &'static str = "ListConfigRules";
    const METHOD: HttpMethod = HttpMethod::Post;
    const CLIENT_TOKEN: Option<&'static str> = None;
    const IDEMPOTENT: bool = true;
}

/// A write with a `ClientToken`, so the service may not see it twice.
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
    const CLIENT_TOKEN: Option<&'static str> = Some("ClientToken");
}

fn list() -> ListRules {
    ListRules {
        next_token: "t".into(),
    }
}

fn sts_client(fake: &Fake, retry: RetryConfig) -> aliyun_runtime::ClientBuilder {
    Client::builder()
        .endpoint(fake.url())
        .credentials(Credentials::new("STS.ID", SECRET).with_security_token("the-sts-token"))
        .retry(retry)
        .jitter_seed(3)
        .no_proxy()
}

#[tokio::test]
async fn a_redirect_to_another_host_is_an_error_naming_it_and_nothing_goes_there() {
    let fake = Fake::start(SECRET).await;
    let elsewhere = Fake::start(SECRET).await;
    for status in [301, 302, 307, 308] {
        fake.push(Fault::Reply(
            status,
            vec![("location", format!("{}/steal", elsewhere.url()))],
            String::new(),
        ));
    }
    let client = sts_client(&fake, fast_retries(3)).build().unwrap();
    for status in [301, 302, 307, 308] {
        let e = client
            .call(CreateRule {
                rule_name: "r".into(),
            })
            .await
            .unwrap_err();
        match &e {
            Error::Redirect {
                status: s,
                location: Some(to),
                ..
            } => {
                assert_eq!(*s, status);
                assert_eq!(to, &format!("{}/steal", elsewhere.url()));
            }
            other => panic!("{other:?}"),
        }
        assert!(e.to_string().contains("/steal"), "{e}");
    }
    // One request per call (never retried), none to the other host.
    assert_eq!(fake.count(), 4);
    assert_eq!(elsewhere.count(), 0);
}

#[tokio::test]
async fn a_redirect_loop_is_one_request_and_not_retried() {
    let fake = Fake::start(SECRET).await;
    for _ in 0..5 {
        fake.push(Fault::Reply(
            302,
            vec![("location", fake.url())],
            String::new(),
        ));
    }
    let client = sts_client(&fake, fast_retries(5)).build().unwrap();
    let e = client.call(list()).await.unwrap_err();
    assert!(matches!(e, Error::Redirect { status: 302, .. }), "{e:?}");
    assert_eq!(fake.count(), 1);
}

#[tokio::test]
async fn a_dripped_body_ends_the_attempt_and_is_not_retried_past_the_budget() {
    let fake = Fake::start(SECRET).await;
    fake.push(Fault::Drip {
        bytes: 100_000,
        every: Duration::from_millis(20),
    });
    // The read timeout never fires (a byte every 20 ms); the attempt's own limit does.
    let client = sts_client(&fake, fast_retries(3))
        .read_timeout(Duration::from_secs(1))
        .attempt_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let e = client.call(list()).await.unwrap_err();
    assert!(
        matches!(&e, Error::Timeout { request_sent: true, message } if message.contains("attempt 1")),
        "{e:?}"
    );
    assert_eq!(fake.count(), 1);
}

#[tokio::test]
async fn a_huge_code_is_capped_and_control_characters_are_escaped() {
    let fake = Fake::start(SECRET).await;
    let huge = "C".repeat(5 << 20);
    fake.push(Fault::Reply(
        400,
        vec![("content-type", "application/json".into())],
        format!(r#"{{"Code":"{huge}","Message":"m","RequestId":"r","HostId":"{huge}"}}"#),
    ));
    fake.push(Fault::Reply(
        400,
        vec![("content-type", "application/json".into())],
        r#"{"Code":"Bad\n2026-01-01 INFO forged\u001b[31m","Message":"line\r\nbreak","RequestId":"id\u0007"}"#
            .into(),
    ));
    let client = sts_client(&fake, RetryConfig::disabled()).build().unwrap();
    let e = client.call(list()).await.unwrap_err();
    let Error::Service(s) = &e else {
        panic!("{e:?}")
    };
    assert!(s.code.chars().count() <= 129, "{}", s.code.len());
    assert!(s.host_id.as_ref().unwrap().chars().count() <= 129);
    assert!(e.to_string().len() < 1024, "{}", e.to_string().len());
    let e = client.call(list()).await.unwrap_err();
    assert_eq!(e.code(), Some("Bad\\n2026-01-01 INFO forged\\u{1b}[31m"));
    assert_eq!(e.message(), Some("line\\r\\nbreak"));
    assert_eq!(e.request_id(), Some("id\\u{7}"));
    assert!(
        !e.to_string().contains(['\n', '\r', '\u{1b}', '\u{7}']),
        "{e}"
    );
}

#[tokio::test]
async fn a_zero_retry_after_still_backs_off() {
    let fake = Fake::start(SECRET).await;
    fake.push(Fault::Reply(
        503,
        vec![
            ("content-type", "application/json".into()),
            ("x-acs-retry-after", "0".into()),
        ],
        r#"{"Code":"ServiceUnavailable","Message":"m","RequestId":"r"}"#.into(),
    ));
    let retry = RetryConfig {
        max_attempts: 2,
        initial_backoff: Duration::from_millis(200),
        max_backoff: Duration::from_secs(1),
    };
    let client = sts_client(&fake, retry).build().unwrap();
    client.call(list()).await.unwrap();
    let r = fake.requests();
    assert_eq!(r.len(), 2);
    // The backoff before retry 1 is drawn from [100 ms, 200 ms].
    let gap = r[1].received - r[0].received;
    assert!(gap >= Duration::from_millis(100), "{gap:?}");
}

#[tokio::test]
async fn gzip_answers_are_asked_for_decoded_and_bounded_after_decompression() {
    let fake = Fake::start(SECRET).await;
    fake.push(Fault::Gzip(200, vec![], r#"{"RequestId":"zipped"}"#.into()));
    fake.push(Fault::Gzip(
        503,
        vec![],
        r#"{"Code":"ServiceUnavailable","Message":"m","RequestId":"z503"}"#.into(),
    ));
    // 2 MiB of spaces compress to a few KiB: the cap counts what they decompress to.
    fake.push(Fault::Gzip(200, vec![], " ".repeat(2 << 20)));
    let client = sts_client(&fake, RetryConfig::disabled())
        .max_body_bytes(1 << 20)
        .build()
        .unwrap();
    let a = client.call(list()).await.unwrap();
    assert_eq!(a.request_id, "zipped");
    assert_eq!(fake.requests()[0].header("accept-encoding"), Some("gzip"));
    let e = client.call(list()).await.unwrap_err();
    assert_eq!(e.code(), Some("ServiceUnavailable"));
    assert_eq!(e.request_id(), Some("z503"));
    assert!(e.is_retryable());
    let e = client.call(list()).await.unwrap_err();
    assert!(
        matches!(e, Error::TooLarge { limit, .. } if limit == 1 << 20),
        "{e:?}"
    );
}

#[tokio::test]
async fn json_nested_deeper_than_any_parser_limit_inside_an_unknown_field_does_not_fail_the_answer()
{
    let fake = Fake::start(SECRET).await;
    let deep = format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000));
    fake.push(Fault::Reply(
        200,
        vec![("content-type", "application/json".into())],
        format!(r#"{{"Extra":{{"Deep":{deep}}},"RequestId":"deep-ok"}}"#),
    ));
    let client = sts_client(&fake, RetryConfig::disabled()).build().unwrap();
    assert_eq!(client.call(list()).await.unwrap().request_id, "deep-ok");
}

#[tokio::test]
async fn credential_sources_read_a_bounded_answer() {
    let fake = Fake::start(SECRET).await;
    fake.push(Fault::Endless {
        content_length: false,
    });
    let e = UriProvider::new(format!("{}/credentials", fake.url()))
        .provide_credentials()
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::Credentials(m) if m.contains("larger than")),
        "{e:?}"
    );
    let after_uri = fake.streamed();
    // Two endless answers: the session token, then the role's credentials.
    fake.push(Fault::Endless {
        content_length: false,
    });
    fake.push(Fault::Endless {
        content_length: true,
    });
    let e = EcsRamRoleProvider::new(Some("role".into()))
        .metadata_base_url(fake.url())
        .provide_credentials()
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::Credentials(m) if m.contains("larger than")),
        "{e:?}"
    );
    // What the server managed to hand over before the client stopped reading: far from 1 GiB.
    assert!(fake.streamed() < 64 << 20, "{}", fake.streamed());
    assert!(after_uri < 32 << 20, "{after_uri}");
}

#[tokio::test]
async fn a_per_call_deadline_bounds_retries_of_timeouts() {
    let fake = Fake::start(SECRET).await;
    for _ in 0..3 {
        fake.push(Fault::Slow(Duration::from_secs(30)));
    }
    let client = sts_client(&fake, fast_retries(3)).build().unwrap();
    let options = CallOptions {
        read_timeout: Some(Duration::from_millis(100)),
        deadline: Some(Duration::from_secs(10)),
        ..Default::default()
    };
    let e = client.call_with(list(), options).await.unwrap_err();
    assert!(matches!(e, Error::Timeout { .. }), "{e:?}");
    // Within the deadline, the timed-out attempts are retried up to max_attempts.
    assert_eq!(fake.count(), 3);
}

#[tokio::test]
async fn an_oversized_oidc_token_file_is_refused_before_sts_is_called() {
    let sts = Fake::start(SECRET).await;
    let path = std::env::temp_dir().join(format!("aliyun-hostile-token-{}", std::process::id()));
    std::fs::write(&path, "x".repeat(1 << 20)).unwrap();
    let e = aliyun_runtime::credentials::OidcRoleArnProvider::new("acs:ram::1:role/r", "p", &path)
        .sts_endpoint(sts.url())
        .provide_credentials()
        .await
        .unwrap_err();
    let _ = std::fs::remove_file(&path);
    assert!(
        matches!(&e, Error::Credentials(m) if m.contains("OIDC token")),
        "{e:?}"
    );
    assert_eq!(sts.count(), 0);
}
