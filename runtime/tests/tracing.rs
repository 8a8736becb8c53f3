//! Every call runs in an `aliyun.call` span and each attempt in an `aliyun.attempt` span with the documented
//! fields, and nothing secret (nor the query or body) is traced.

mod support;

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aliyun_runtime::{
    ApiStyle, Client, Credentials, EndpointRule, HttpMethod, Operation, RetryConfig, ServiceSpec,
};
use serde::{Deserialize, Serialize};
use support::{Fake, Fault};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// Writes every span field and event field it sees into one text.
#[derive(Clone, Default)]
struct Recorder {
    text: Arc<Mutex<String>>,
    next: Arc<AtomicU64>,
}

struct Line<'a>(&'a mut String);

impl Visit for Line<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, " {}={:?}", field.name(), value);
    }
}

impl Subscriber for Recorder {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut t = self.text.lock().unwrap();
        let _ = write!(t, "\nspan {}", span.metadata().name());
        span.record(&mut Line(&mut t));
        Id::from_u64(self.next.fetch_add(1, Ordering::SeqCst) + 1)
    }
    fn record(&self, _: &Id, values: &Record<'_>) {
        let mut t = self.text.lock().unwrap();
        t.push_str("\nrecord");
        values.record(&mut Line(&mut t));
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut t = self.text.lock().unwrap();
        t.push_str("\nevent");
        event.record(&mut Line(&mut t));
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

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
struct Pong {}
aliyun_runtime::decode_with_serde!(Pong);

impl Operation for Ping {
    type Response = Pong;
    const SERVICE: &'static ServiceSpec = &SPEC;
    const ACTION: &'static str = "Ping";
    const METHOD: HttpMethod = HttpMethod::Post;
    const CLIENT_TOKEN: Option<&'static str> = None;
    // So that the 503 below is retried.
    const IDEMPOTENT: bool = true;
}

#[tokio::test(flavor = "current_thread")]
async fn a_call_is_traced_without_secrets() {
    let recorder = Recorder::default();
    let _guard = tracing::subscriber::set_default(recorder.clone());
    let fake = Fake::start("the-secret").await;
    fake.push(Fault::Code(503, "ServiceUnavailable"));
    let client = Client::builder()
        .region("cn-hangzhou")
        .endpoint(fake.url())
        .credentials(Credentials::new("AKID", "the-secret").with_security_token("the-sts-token"))
        .retry(RetryConfig {
            max_attempts: 2,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(1),
        })
        .no_proxy()
        .build()
        .unwrap();
    client.call(Ping { value: "v".into() }).await.unwrap();
    let text = recorder.text.lock().unwrap().clone();
    for want in [
        "span aliyun.call",
        "span aliyun.attempt operation=\"Ping\" attempt=1",
        "span aliyun.attempt operation=\"Ping\" attempt=2",
        "operation=\"Ping\"",
        "product=\"Config\"",
        "region=cn-hangzhou",
        "attempt=1",
        "attempt=2",
        "status=503",
        "status=200",
        "request_id=\"req-1\"",
        "request_id=\"req-2\"",
        "latency_ms=",
    ] {
        assert!(text.contains(want), "{want} missing from the trace:{text}");
    }
    for secret in [
        "the-secret",
        "the-sts-token",
        "Signature=",
        "Value=v",
        "AKID",
    ] {
        assert!(
            !text.contains(secret),
            "{secret} leaked into the trace:{text}"
        );
    }
}
