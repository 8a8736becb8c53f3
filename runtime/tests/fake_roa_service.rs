//! ROA calls of the generated `aliyun-widgetstore` crate against a fake ROA service on 127.0.0.1 that checks
//! every signature, the method and the path, and answers with examples invented for the Widget Store pages
//! (`specs/widgetstore/`). The fault matrix is the RPC one of `fake_service.rs`.

mod support;

use std::time::Duration;

use aliyun_runtime::{
    CallOptions, Client, Credentials, Error, HttpMethod, Location, Operation, RetryConfig,
    ServiceSpec,
};
use aliyun_widgetstore::create_widget::{Color, Parts, Spec};
use aliyun_widgetstore::relabel_widget::Style;
use aliyun_widgetstore::{
    CreateWidgetRequest, CreateWidgetRequired, DeleteWidgetRequest, ErrorCode, GetWidgetRequest,
    ListShelvesRequest, ListWidgetsRequest, RelabelWidgetRequest, RelabelWidgetRequired,
};
use serde::{Deserialize, Serialize};
use support::{fast_retries, Fake, Fault, NoCredentials, Route};

const ID: &str = "LTAItestid";
const SECRET: &str = "testsecret-value";

fn routes() -> Vec<Route> {
    vec![
        Route {
            method: "POST",
            path: "/shelves/{ShelfId}/widgets",
            answer: r#"{"RequestId": "5A2C1F0E-0001", "WidgetId": "w-9d8c7", "CreatedAt": 1716192000000}"#,
        },
        Route {
            method: "GET",
            path: "/shelves/{ShelfId}/widgets",
            answer: r#"{"Widgets": [{"WidgetId": "w-1", "Name": "blue gear"}, {"WidgetId": "w-2", "Name": "red cog"}], "NextToken": "t-2", "RequestId": "5A2C1F0E-0002"}"#,
        },
        // No RequestId at the top, lower-case names: the response still decodes.
        Route {
            method: "GET",
            path: "/widgets/{WidgetId}",
            answer: r#"{"widget": {"name": "blue gear", "spec": {"color": "blue", "size": 3}, "labels": ["sale"]}}"#,
        },
        Route {
            method: "DELETE",
            path: "/widgets/{WidgetId}",
            answer: r#"{"RequestId": "5A2C1F0E-0004"}"#,
        },
        // `PATCH|POST /widgets/[WidgetId]/label` on its page: the SDKs send POST.
        Route {
            method: "POST",
            path: "/widgets/{WidgetId}/label",
            answer: r#"{"RequestId": "5A2C1F0E-0007", "Result": {"label": "sale", "revision": 4}}"#,
        },
        // The top level of these answers is an array.
        Route {
            method: "GET",
            path: "/shelves",
            answer: r#"[{"ShelfId": "sh-1", "Aisle": "a-3", "Capacity": 40}, {"ShelfId": "sh-2", "Capacity": "12"}]"#,
        },
        Route {
            method: "GET",
            path: "/colors",
            answer: r#"[{"name": "blue"}, {"name": "red"}]"#,
        },
    ]
}

fn client(fake: &Fake, retry: RetryConfig) -> Client {
    support::client(fake, ID, SECRET, retry)
}

fn create() -> CreateWidgetRequest {
    CreateWidgetRequest::new(CreateWidgetRequired {
        shelf_id: "sh-1",
        name: "gear",
    })
}

#[tokio::test]
async fn create_sends_an_encoded_path_parameter_the_query_a_header_and_a_nested_json_body() {
    let fake = Fake::start_roa(SECRET, routes()).await;
    let c = client(&fake, RetryConfig::disabled());
    let request = CreateWidgetRequest::new(CreateWidgetRequired {
        shelf_id: "sh 1/ü*~+",
        name: "blue gear",
    })
    .dry_run(true)
    .x_widget_source("console")
    .spec(
        Spec::new()
            .color(Color::Blue)
            .size(3)
            .parts([Parts::new().part_id("p-1").count(2)]),
    )
    .labels(["sale", "新"]);
    let r = c.call(&request).await.unwrap();
    assert_eq!(r.widget_id.as_deref(), Some("w-9d8c7"));
    assert_eq!(r.created_at, Some(1716192000000));
    let q = &fake.requests()[0];
    assert!(q.signature_ok, "{:?}", q.signature_problem);
    assert_eq!(q.method, "POST");
    assert_eq!(q.route, Some("/shelves/{ShelfId}/widgets"));
    // Percent-encoded as the official SDK does: `/` is `%2F`, space `%20`, `*` `%2A`, `~` kept.
    assert_eq!(q.path, "/shelves/sh%201%2F%C3%BC%2A~%2B/widgets");
    assert_eq!(
        q.path_params,
        [("ShelfId".to_string(), "sh 1/ü*~+".to_string())]
    );
    assert_eq!(q.query_param("DryRun"), Some("true"));
    let token = q
        .query_param("ClientToken")
        .expect("a ClientToken is filled in");
    assert_eq!(token.len(), 36, "{token}");
    assert_eq!(q.query.len(), 2, "{:?}", q.query);
    assert_eq!(q.header("x-widget-source"), Some("console"));
    assert!(q.signed_headers.contains(&"x-widget-source".to_string()));
    assert_eq!(q.header("x-acs-action"), Some("CreateWidget"));
    assert_eq!(q.header("x-acs-version"), Some("2024-05-20"));
    assert_eq!(
        q.header("content-type"),
        Some("application/json; charset=utf-8")
    );
    let body: serde_json::Value = serde_json::from_slice(&q.body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({
            "Name": "blue gear",
            "Spec": {"Color": "blue", "Size": 3, "Parts": [{"PartId": "p-1", "Count": 2}]},
            "Labels": ["sale", "新"],
        })
    );
}

/// RelabelWidget's page lists two methods (`PATCH|POST`), writes its path parameter `[WidgetId]` and gives its
/// body in a split table under "请在RequestBody里另外提供下列参数" with a nested object.
#[tokio::test]
async fn an_operation_with_alternative_methods_and_a_split_body_table_posts_its_body_to_its_path() {
    let fake = Fake::start_roa(SECRET, routes()).await;
    let c = client(&fake, RetryConfig::disabled());
    let request = RelabelWidgetRequest::new(RelabelWidgetRequired {
        widget_id: "w 9/d",
        label: "sale",
    })
    .style(Style::new().color("red").bold(true));
    let r = c.call(&request).await.unwrap();
    let result = r.result.expect("a Result");
    assert_eq!(result.label.as_deref(), Some("sale"));
    assert_eq!(result.revision, Some(4));
    let q = &fake.requests()[0];
    assert!(q.signature_ok, "{:?}", q.signature_problem);
    assert_eq!(q.method, "POST");
    assert_eq!(q.route, Some("/widgets/{WidgetId}/label"));
    assert_eq!(q.path, "/widgets/w%209%2Fd/label");
    assert_eq!(
        q.path_params,
        [("WidgetId".to_string(), "w 9/d".to_string())]
    );
    assert!(q.query.is_empty(), "{:?}", q.query);
    assert_eq!(q.header("x-acs-action"), Some("RelabelWidget"));
    let body: serde_json::Value = serde_json::from_slice(&q.body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"label": "sale", "style": {"color": "red", "bold": true}})
    );
}

#[tokio::test]
async fn get_list_and_delete_go_to_their_paths_with_their_methods() {
    let fake = Fake::start_roa(SECRET, routes()).await;
    let c = client(&fake, RetryConfig::disabled());
    let widget = c
        .call(GetWidgetRequest::new("w-9d8c7").fields("name,spec"))
        .await
        .unwrap();
    let widget = widget.widget.unwrap();
    assert_eq!(widget.name.as_deref(), Some("blue gear"));
    assert_eq!(widget.spec.unwrap().size, Some(3));
    assert_eq!(widget.labels, ["sale"]);
    let page = c
        .call(ListWidgetsRequest::new("sh-1").max_results(20))
        .await
        .unwrap();
    assert_eq!(page.widgets.len(), 2);
    assert_eq!(page.next_token.as_deref(), Some("t-2"));
    c.call(DeleteWidgetRequest::new("w-9d8c7").force(true))
        .await
        .unwrap();
    let reqs = fake.requests();
    let seen: Vec<(&str, &str, Option<&str>)> = reqs
        .iter()
        .map(|q| (q.method.as_str(), q.path.as_str(), q.route))
        .collect();
    assert_eq!(
        seen,
        [
            ("GET", "/widgets/w-9d8c7", Some("/widgets/{WidgetId}")),
            (
                "GET",
                "/shelves/sh-1/widgets",
                Some("/shelves/{ShelfId}/widgets")
            ),
            ("DELETE", "/widgets/w-9d8c7", Some("/widgets/{WidgetId}")),
        ]
    );
    assert!(reqs.iter().all(|q| q.signature_ok && q.body.is_empty()));
    assert!(reqs.iter().all(|q| q.header("content-type").is_none()));
    assert_eq!(reqs[0].query_param("Fields"), Some("name,spec"));
    assert_eq!(reqs[1].query_param("MaxResults"), Some("20"));
    assert_eq!(reqs[2].query_param("Force"), Some("true"));
}

#[tokio::test]
async fn a_generated_operation_whose_answer_is_an_array_decodes_it() {
    let fake = Fake::start_roa(SECRET, routes()).await;
    let c = client(&fake, RetryConfig::disabled());
    let shelves = c
        .call(ListShelvesRequest::new().aisle("a-3"))
        .await
        .unwrap();
    let ids: Vec<_> = shelves.iter().map(|s| s.shelf_id.as_deref()).collect();
    assert_eq!(ids, [Some("sh-1"), Some("sh-2")]);
    // Leniently, as every response: `"12"` for a number.
    assert_eq!(shelves[1].capacity, Some(12));
    let q = &fake.requests()[0];
    assert!(q.signature_ok, "{:?}", q.signature_problem);
    assert_eq!((q.method.as_str(), q.route), ("GET", Some("/shelves")));
    assert_eq!(q.query_param("Aisle"), Some("a-3"));
}

static WIDGETS: ServiceSpec = aliyun_widgetstore::SERVICE;

/// A hand-written ROA operation whose answer is an array, with a form body.
#[derive(Serialize)]
struct ListColors {
    #[serde(rename = "Shade")]
    shade: String,
}

#[derive(Deserialize, Debug, PartialEq)]
struct ColorItem {
    name: String,
}
aliyun_runtime::decode_with_serde!(ColorItem);

impl Operation for ListColors {
    type Response = Vec<ColorItem>;
    const SERVICE: &'static ServiceSpec = &WIDGETS;
    const ACTION: &'static str = "ListColors";
    const METHOD: HttpMethod = HttpMethod::Get;
    const CLIENT_TOKEN: Option<&'static str> = None;
    const PATH: &'static str = "/colors";
    const LOCATIONS: &'static [(&'static str, Location)] = &[("Shade", Location::Form)];
}

#[tokio::test]
async fn an_array_answer_decodes_and_form_fields_go_to_a_form_body() {
    let fake = Fake::start_roa(SECRET, routes()).await;
    let c = client(&fake, RetryConfig::disabled());
    let colors = c
        .call(ListColors {
            shade: "dark blue".into(),
        })
        .await
        .unwrap();
    assert_eq!(colors.len(), 2);
    assert_eq!(colors[1].name, "red");
    let q = &fake.requests()[0];
    assert!(q.signature_ok, "{:?}", q.signature_problem);
    assert_eq!(q.form_param("Shade"), Some("dark blue"));
    assert_eq!(
        q.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
}

#[tokio::test]
async fn an_empty_path_parameter_is_a_configuration_error_and_sends_nothing() {
    let fake = Fake::start_roa(SECRET, routes()).await;
    let c = client(&fake, RetryConfig::disabled());
    let e = c.call(GetWidgetRequest::new("")).await.unwrap_err();
    assert!(
        matches!(&e, Error::Config(m) if m.contains("`WidgetId`")),
        "{e}"
    );
    assert_eq!(fake.count(), 0);
}

#[tokio::test]
async fn a_path_no_route_serves_is_a_typed_not_found_and_not_retried() {
    // Only the POST route of `/shelves/{ShelfId}/widgets`: a DELETE of a widget matches nothing.
    let fake = Fake::start_roa(SECRET, routes()[..1].to_vec()).await;
    let e = client(&fake, fast_retries(3))
        .call(DeleteWidgetRequest::new("w-1"))
        .await
        .unwrap_err();
    assert_eq!(
        (e.code(), e.status(), e.request_id()),
        (Some("InvalidApi.NotFound"), Some(404), Some("req-1"))
    );
    assert_eq!(fake.requests()[0].route, None);
    assert_eq!(fake.count(), 1);
}

#[tokio::test]
async fn error_bodies_in_both_spellings_are_the_same_typed_error() {
    let fake = Fake::start_roa(SECRET, routes()).await;
    fake.push(Fault::Code(404, "WidgetNotFound"));
    fake.push(Fault::LowerCaseCode(404, "WidgetNotFound"));
    let c = client(&fake, fast_retries(3));
    for expected_id in ["req-1", "req-2"] {
        let e = c.call(GetWidgetRequest::new("w-1")).await.unwrap_err();
        let Error::Service(s) = &e else {
            panic!("{e:?}")
        };
        assert_eq!((s.status, s.code.as_str()), (404, "WidgetNotFound"));
        assert_eq!(s.message, "fault WidgetNotFound");
        assert_eq!(e.request_id(), Some(expected_id));
        assert_eq!(ErrorCode::of(&e), Some(ErrorCode::WidgetNotFound));
    }
    assert_eq!(fake.count(), 2);
}

#[tokio::test]
async fn not_found_without_a_body_is_a_decode_error_and_not_retried() {
    let fake = Fake::start_roa(SECRET, routes()).await;
    fake.push(Fault::EmptyStatus(404));
    let e = client(&fake, fast_retries(3))
        .call(create())
        .await
        .unwrap_err();
    assert!(matches!(&e, Error::Decode(d) if d.status == 404), "{e:?}");
    assert_eq!(e.request_id(), Some("req-1"));
    assert_eq!(fake.count(), 1);
}

#[tokio::test]
async fn server_errors_are_retried_until_attempts_run_out() {
    let fake = Fake::start_roa(SECRET, routes()).await;
    for _ in 0..5 {
        fake.push(Fault::LowerCaseCode(500, "InternalError"));
    }
    let e = client(&fake, fast_retries(3))
        .call(create())
        .await
        .unwrap_err();
    assert_eq!(
        (e.code(), e.status(), e.request_id()),
        (Some("InternalError"), Some(500), Some("req-3"))
    );
    assert_eq!(fake.count(), 3);
}

#[tokio::test]
async fn retries_are_off_when_disabled() {
    let fake = Fake::start_roa(SECRET, routes()).await;
    fake.push(Fault::Code(503, "ServiceUnavailable"));
    let e = client(&fake, RetryConfig::disabled())
        .call(create())
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(503));
    assert_eq!(fake.count(), 1);
}

#[tokio::test]
async fn a_retried_call_keeps_its_client_token_and_body_and_signs_anew() {
    let fake = Fake::start_roa(SECRET, routes()).await;
    fake.push(Fault::Code(503, "ServiceUnavailable"));
    fake.push(Fault::LowerCaseCode(400, "Throttling.User"));
    let r = client(&fake, fast_retries(3))
        .call(create().labels(["a"]))
        .await
        .unwrap();
    assert_eq!(r.widget_id.as_deref(), Some("w-9d8c7"));
    let reqs = fake.requests();
    assert_eq!(reqs.len(), 3);
    let tokens: Vec<_> = reqs
        .iter()
        .map(|q| q.query_param("ClientToken").unwrap().to_string())
        .collect();
    assert_eq!(tokens[0], tokens[1]);
    assert_eq!(tokens[1], tokens[2]);
    assert_eq!(reqs[0].body, reqs[2].body);
    let nonces: Vec<_> = reqs
        .iter()
        .map(|q| q.header("x-acs-signature-nonce").unwrap().to_string())
        .collect();
    assert_ne!(nonces[0], nonces[1]);
    assert!(reqs.iter().all(|q| q.signature_ok));
}

#[tokio::test]
async fn throttling_is_retried() {
    let fake = Fake::start_roa(SECRET, routes()).await;
    fake.push(Fault::LowerCaseCode(400, "Throttling.User"));
    fake.push(Fault::Code(429, "TooManyRequests"));
    let e = client(&fake, fast_retries(2))
        .call(create())
        .await
        .unwrap_err();
    assert!(e.is_throttling());
    assert_eq!(e.status(), Some(429));
    assert_eq!(fake.count(), 2);
}

#[tokio::test]
async fn an_html_bad_gateway_page_is_a_decode_error_and_retried() {
    let fake = Fake::start_roa(SECRET, routes()).await;
    fake.push(Fault::Html502);
    fake.push(Fault::Html502);
    let e = client(&fake, fast_retries(2))
        .call(create())
        .await
        .unwrap_err();
    let Error::Decode(d) = &e else {
        panic!("{e:?}")
    };
    assert_eq!(d.status, 502);
    assert!(
        d.body_excerpt.contains("502 Bad Gateway"),
        "{}",
        d.body_excerpt
    );
    assert_eq!(fake.count(), 2);
}

#[tokio::test]
async fn a_slow_answer_times_out_and_is_retried_within_the_deadline() {
    let fake = Fake::start_roa(SECRET, routes()).await;
    fake.push(Fault::Slow(Duration::from_secs(30)));
    fake.push(Fault::Slow(Duration::from_secs(30)));
    // Without a deadline, the budget of timed-out attempts is one read timeout plus backoff: no retry.
    let options = CallOptions {
        read_timeout: Some(Duration::from_millis(200)),
        deadline: Some(Duration::from_secs(5)),
        ..Default::default()
    };
    let e = client(&fake, fast_retries(2))
        .call_with(create(), options)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Timeout { .. }), "{e:?}");
    assert_eq!(fake.count(), 2);
}

#[tokio::test]
async fn a_dropped_connection_is_a_connect_error_and_retried() {
    let fake = Fake::start_roa(SECRET, routes()).await;
    for _ in 0..3 {
        fake.push(Fault::Drop);
    }
    let c = client(&fake, fast_retries(3));
    let e = c.call(create()).await.unwrap_err();
    assert!(matches!(e, Error::Connect { .. }), "{e:?}");
    assert_eq!(fake.count(), 3);
    c.call(create()).await.unwrap();
}

#[tokio::test]
async fn a_truncated_body_is_a_decode_error() {
    let fake = Fake::start_roa(SECRET, routes()).await;
    fake.push(Fault::Truncated);
    let e = client(&fake, RetryConfig::disabled())
        .call(create())
        .await
        .unwrap_err();
    assert!(matches!(&e, Error::Decode(d) if d.status == 200), "{e:?}");
    assert_eq!(fake.count(), 1);
}

#[tokio::test]
async fn a_truncated_answer_to_a_call_with_a_client_token_is_retried_with_the_same_token() {
    // CreateWidget takes a ClientToken: the service may have done it, and doing it again is safe.
    let fake = Fake::start_roa(SECRET, routes()).await;
    fake.push(Fault::Truncated);
    client(&fake, fast_retries(3)).call(create()).await.unwrap();
    let requests = fake.requests();
    assert_eq!(requests.len(), 2);
    let token = |r: &support::Recorded| r.query_param("ClientToken").map(str::to_string);
    assert!(
        token(&requests[0]).is_some_and(|t| !t.is_empty()),
        "{:?}",
        requests[0].query
    );
    assert_eq!(token(&requests[0]), token(&requests[1]));
}

#[tokio::test]
async fn an_unexpected_success_body_is_a_decode_error() {
    let fake = Fake::start_roa(SECRET, routes()).await;
    fake.push(Fault::Body(200, "{\"RequestId\": "));
    fake.push(Fault::Body(200, ""));
    let c = client(&fake, fast_retries(3));
    for _ in 0..2 {
        let e = c.call(create()).await.unwrap_err();
        assert!(matches!(&e, Error::Decode(d) if d.status == 200), "{e:?}");
    }
    assert_eq!(fake.count(), 2);
}

#[tokio::test]
async fn a_wrong_secret_is_refused_by_the_server() {
    let fake = Fake::start_roa(SECRET, routes()).await;
    let c = Client::builder()
        .endpoint(fake.url())
        .credentials(Credentials::new(ID, "not-the-secret"))
        .no_proxy()
        .build()
        .unwrap();
    let e = c.call(create()).await.unwrap_err();
    assert_eq!(e.code(), Some("SignatureDoesNotMatch"));
    assert!(!fake.requests()[0].signature_ok);
    assert_eq!(fake.count(), 1);
}

#[tokio::test]
async fn sts_credentials_are_sent_and_signed() {
    let fake = Fake::start_roa(SECRET, routes()).await;
    let c = Client::builder()
        .endpoint(fake.url())
        .credentials(Credentials::new(ID, SECRET).with_security_token("CAIS+token/with=chars"))
        .no_proxy()
        .build()
        .unwrap();
    c.call(create()).await.unwrap();
    let q = &fake.requests()[0];
    assert!(q.signature_ok, "{:?}", q.signature_problem);
    assert_eq!(
        q.header("x-acs-security-token"),
        Some("CAIS+token/with=chars")
    );
    assert!(q
        .signed_headers
        .contains(&"x-acs-security-token".to_string()));
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
    let e = c.call(create()).await.unwrap_err();
    assert!(matches!(e, Error::Connect { .. }), "{e:?}");
}

#[tokio::test]
async fn a_credentials_failure_sends_nothing() {
    let fake = Fake::start_roa(SECRET, routes()).await;
    let c = Client::builder()
        .endpoint(fake.url())
        .credentials(NoCredentials)
        .no_proxy()
        .build()
        .unwrap();
    let e = c.call(create()).await.unwrap_err();
    assert!(matches!(e, Error::Credentials(_)), "{e:?}");
    assert_eq!(fake.count(), 0);
}

#[tokio::test]
async fn a_roa_call_is_signed_with_acs3_even_when_the_client_asks_for_the_rpc_signature() {
    let fake = Fake::start_roa(SECRET, routes()).await;
    let c = Client::builder()
        .endpoint(fake.url())
        .credentials(Credentials::new(ID, SECRET))
        .signing(aliyun_runtime::SigningAlgorithm::RpcHmacSha1)
        .no_proxy()
        .build()
        .unwrap();
    c.call(GetWidgetRequest::new("w-1")).await.unwrap();
    let q = &fake.requests()[0];
    assert!(q.signature_ok, "{:?}", q.signature_problem);
    assert!(q
        .header("authorization")
        .is_some_and(|a| a.starts_with("ACS3-HMAC-SHA256 ")));
    assert_eq!(q.query_param("Signature"), None);
}
