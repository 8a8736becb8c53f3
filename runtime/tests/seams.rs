//! The seams a user's code plugs into: a transport of its own instead of the network, and interceptors that see
//! and tag every attempt.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use aliyun_runtime::interceptor::{Attempt, AttemptOutcome, Interceptor};
use aliyun_runtime::transport::{HeaderMap, Limits, TransportFuture};
use aliyun_runtime::{
    ApiStyle, Client, Credentials, EndpointRule, Error, HttpMethod, HttpRequest, HttpResponse,
    Operation, ServiceSpec, Transport,
};
use serde::{Deserialize, Serialize};

static SPEC: ServiceSpec = ServiceSpec {
    product: "Config",
    version: "2020-09-07",
    style: ApiStyle::Rpc,
    endpoint: "config.{region}.aliyuncs.com",
    endpoint_rule: EndpointRule::Regional,
    regional_endpoints: &[],
};

#[derive(Serialize)]
struct Ping {
    #[serde(rename = "Value")]
    value: String,
}

#[derive(Deserialize, Debug)]
struct Pong {
    #[serde(rename = "Echo")]
    echo: String,
}
aliyun_runtime::decode_with_serde!(Pong);

impl Operation for Ping {
    type Response = Pong;
    const SERVICE: &'static ServiceSpec = &SPEC;
    const ACTION: &'static str = "Ping";
    const METHOD: HttpMethod = HttpMethod::Post;
    const CLIENT_TOKEN: Option<&'static str> = None;
    const IDEMPOTENT: bool = true;
}

/// Answers a 503 first, then echoes the `Value` parameter; records every request it is given.
#[derive(Debug, Default)]
struct Scripted {
    seen: Mutex<Vec<HttpRequest>>,
}

impl Transport for Scripted {
    fn send<'a>(&'a self, request: HttpRequest, limits: &'a Limits) -> TransportFuture<'a> {
        Box::pin(async move {
            assert_eq!(
                limits.max_body_bytes,
                aliyun_runtime::DEFAULT_MAX_BODY_BYTES
            );
            let body = String::from_utf8(request.body.clone()).unwrap();
            let mut seen = self.seen.lock().unwrap();
            seen.push(request);
            let (status, text) = if seen.len() == 1 {
                (
                    503,
                    r#"{"Code":"ServiceUnavailable","Message":"m","RequestId":"r1"}"#.to_string(),
                )
            } else {
                let value = body.trim_start_matches("Value=");
                (200, format!(r#"{{"Echo":"{value}","RequestId":"r2"}}"#))
            };
            Ok(HttpResponse {
                status,
                headers: HeaderMap::new(),
                body: text.into_bytes(),
            })
        })
    }
}

/// Attempt number, status, request id, and whether it failed.
type Seen = (u32, Option<u16>, Option<String>, bool);

#[derive(Debug, Default)]
struct Tagger {
    outcomes: Mutex<Vec<Seen>>,
    sending: AtomicU32,
}

impl Interceptor for Tagger {
    fn before_signing(&self, attempt: &Attempt<'_>, headers: &mut Vec<(String, String)>) {
        headers.push((
            "x-acs-caller".into(),
            format!("attempt-{}", attempt.attempt),
        ));
    }
    fn before_sending(&self, attempt: &Attempt<'_>, request: &mut HttpRequest) {
        assert_eq!((attempt.product, attempt.action), ("Config", "Ping"));
        assert!(request.header("authorization").is_some());
        self.sending.fetch_add(1, Ordering::SeqCst);
        request.headers.push(("x-unsigned-tag".into(), "t".into()));
    }
    fn after_attempt(&self, attempt: &Attempt<'_>, outcome: &AttemptOutcome<'_>) {
        self.outcomes.lock().unwrap().push((
            attempt.attempt,
            outcome.status,
            outcome.request_id.map(str::to_string),
            outcome.error.is_some(),
        ));
    }
}

#[tokio::test]
async fn a_transport_of_ones_own_sees_signed_requests_and_interceptors_see_every_attempt() {
    let transport = Arc::new(Scripted::default());
    let tagger = Arc::new(Tagger::default());
    let client = Client::builder()
        .region("cn-shanghai")
        .credentials(Credentials::new("AKID", "secret"))
        .transport(transport.clone())
        .interceptor(tagger.clone())
        .retry(aliyun_runtime::RetryConfig {
            max_attempts: 2,
            initial_backoff: std::time::Duration::from_millis(1),
            max_backoff: std::time::Duration::from_millis(1),
        })
        .build()
        .unwrap();
    let pong = client.call(Ping { value: "hi".into() }).await.unwrap();
    assert_eq!(pong.echo, "hi");
    let seen = transport.seen.lock().unwrap();
    assert_eq!(seen.len(), 2);
    assert_eq!(
        seen[0].url.as_str(),
        "https://config.cn-shanghai.aliyuncs.com/"
    );
    assert_eq!(seen[0].header("x-acs-action"), Some("Ping"));
    assert_eq!(seen[1].header("x-acs-caller"), Some("attempt-2"));
    assert_eq!(seen[1].header("x-unsigned-tag"), Some("t"));
    // Headers added before signing are signed; those added after are not.
    let auth = seen[1].header("authorization").unwrap();
    assert!(auth.contains("x-acs-caller"), "{auth}");
    assert!(!auth.contains("x-unsigned-tag"), "{auth}");
    assert_eq!(tagger.sending.load(Ordering::SeqCst), 2);
    assert_eq!(
        *tagger.outcomes.lock().unwrap(),
        vec![
            (1, Some(503), Some("r1".to_string()), true),
            (2, Some(200), Some("r2".to_string()), false),
        ]
    );
}

#[tokio::test]
async fn a_transport_error_ends_the_call_as_the_network_would() {
    #[derive(Debug)]
    struct Refusing;
    impl Transport for Refusing {
        fn send<'a>(&'a self, _: HttpRequest, _: &'a Limits) -> TransportFuture<'a> {
            Box::pin(async {
                Err(Error::Connect {
                    message: "refused".into(),
                    request_sent: false,
                })
            })
        }
    }
    let client = Client::builder()
        .region("cn-shanghai")
        .credentials(Credentials::new("AKID", "secret"))
        .transport(Refusing)
        .retry(aliyun_runtime::RetryConfig::disabled())
        .build()
        .unwrap();
    let e = client.call(Ping { value: "x".into() }).await.unwrap_err();
    assert!(
        matches!(
            e,
            Error::Connect {
                request_sent: false,
                ..
            }
        ),
        "{e:?}"
    );
}
