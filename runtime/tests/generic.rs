//! Calls by name (`GenericRequest`): signed, retried and decoded like generated calls, against the fake service
//! on 127.0.0.1, which checks every signature.

mod support;

use aliyun_runtime::de::{At, Decode, Fields};
use aliyun_runtime::{
    CallOptions, Client, Credentials, Error, GenericRequest, HttpMethod, Location,
};
use serde_json::Value;
use support::{fast_retries, Fake, Fault, Route};

const SECRET: &str = "generic-secret";

fn client(fake: &Fake, retry: aliyun_runtime::RetryConfig) -> Client {
    support::client(fake, "AKID", SECRET, retry)
}

#[derive(Debug, PartialEq)]
struct Echo {
    action: Option<String>,
}

impl Decode for Echo {
    fn decode(v: Value, at: At<'_>) -> Result<Self, aliyun_runtime::de::Error> {
        let mut f = Fields::new(v, at)?;
        Ok(Echo {
            action: f.opt("Action")?,
        })
    }
}

#[tokio::test]
async fn an_rpc_call_by_name_is_signed_retried_and_decoded_as_json_or_typed() {
    let fake = Fake::start(SECRET).await;
    fake.push(Fault::Code(503, "ServiceUnavailable"));
    let c = client(&fake, fast_retries(2));
    let request = GenericRequest::rpc("Ecs", "2014-05-26", "DescribeInstances")
        .param("RegionId", "cn-hangzhou")
        .param("InstanceIds", ["i-1", "i-2"])
        .param("Tag", serde_json::json!([{"Key": "env", "Value": "prod"}]))
        .idempotent();
    let v: Value = c.call_generic(&request).await.unwrap();
    assert_eq!(v["Action"], "DescribeInstances");
    let r = fake.requests();
    assert_eq!(
        r.len(),
        2,
        "the 503 is retried: the request says it only reads"
    );
    assert!(
        r.iter().all(|r| r.signature_ok),
        "{:?}",
        r[1].signature_problem
    );
    assert_eq!(r[1].header("x-acs-version"), Some("2014-05-26"));
    assert_eq!(r[1].form_param("InstanceIds.2"), Some("i-2"));
    assert_eq!(r[1].form_param("Tag.1.Key"), Some("env"));
    let typed: Echo = c.call_generic(&request).await.unwrap();
    assert_eq!(typed.action.as_deref(), Some("DescribeInstances"));
}

#[tokio::test]
async fn a_write_by_name_is_not_retried_unless_it_has_a_client_token() {
    let fake = Fake::start(SECRET).await;
    fake.push(Fault::Code(503, "ServiceUnavailable"));
    let c = client(&fake, fast_retries(3));
    let write = GenericRequest::rpc("Ecs", "2014-05-26", "RunInstances");
    let e = c.call_generic::<Value>(&write).await.unwrap_err();
    assert_eq!(e.code(), Some("ServiceUnavailable"));
    assert_eq!(fake.count(), 1);
    fake.push(Fault::Code(503, "ServiceUnavailable"));
    let v: Value = c
        .call_generic(&write.clone().client_token("ClientToken"))
        .await
        .unwrap();
    assert_eq!(v["Action"], "RunInstances");
    let r = fake.requests();
    assert_eq!(r.len(), 3);
    let token = r[1].form_param("ClientToken").unwrap();
    assert_eq!(token.len(), 36);
    assert_eq!(r[2].form_param("ClientToken"), Some(token));
}

#[tokio::test]
async fn a_roa_call_by_name_puts_each_parameter_where_it_is_told() {
    let fake = Fake::start_roa(
        SECRET,
        vec![Route {
            method: "POST",
            path: "/shelves/{ShelfId}/widgets",
            answer: r#"{"RequestId": "R-1", "WidgetId": "w-9"}"#,
        }],
    )
    .await;
    let c = client(&fake, fast_retries(1));
    let request = GenericRequest::roa(
        "WidgetStore",
        "2024-05-01",
        "CreateWidget",
        HttpMethod::Post,
        "/shelves/{ShelfId}/widgets",
    )
    .param("ShelfId", "sh 1/a")
    .at("ShelfId", Location::Path)
    .param("Name", "blue gear")
    .at("Name", Location::Body)
    .param("DryRun", true);
    let v: Value = c.call_generic(&request).await.unwrap();
    assert_eq!(v["WidgetId"], "w-9");
    let r = &fake.requests()[0];
    assert!(r.signature_ok, "{:?}", r.signature_problem);
    assert_eq!(
        r.path_params,
        vec![("ShelfId".to_string(), "sh 1/a".to_string())]
    );
    assert_eq!(r.query_param("DryRun"), Some("true"));
    assert_eq!(
        serde_json::from_slice::<Value>(&r.body).unwrap(),
        serde_json::json!({"Name": "blue gear"})
    );
}

#[tokio::test]
async fn a_product_code_that_is_no_host_label_is_refused_before_any_connection() {
    let c = Client::builder()
        .region("cn-hangzhou")
        .credentials(Credentials::new("id", SECRET))
        .no_proxy()
        .build()
        .unwrap();
    let e = c
        .call_generic::<Value>(&GenericRequest::rpc("evil.example#", "1", "X"))
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::Config(m) if m.contains("host")),
        "{e:?}"
    );
    // The host comes from the request or the call when given.
    let fake = Fake::start(SECRET).await;
    let v: Value = c
        .call_generic_with(
            &GenericRequest::rpc("evil.example#", "1", "X"),
            CallOptions {
                endpoint: Some(fake.url()),
                ..Default::default()
            },
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(v["Action"], "X");
}
