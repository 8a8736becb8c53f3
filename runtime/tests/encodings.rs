//! What a request puts on the wire for each encoding of its parameters, as a generated request type declares
//! them (`serialize_with = "aliyun_runtime::params::…"`), received by a fake service on 127.0.0.1.

mod support;

use aliyun_runtime::{
    ApiStyle, Client, Credentials, EndpointRule, HttpMethod, Operation, RetryConfig, ServiceSpec,
};
use serde::{Deserialize, Serialize};
use support::Fake;

static SORTER: ServiceSpec = ServiceSpec {
    product: "Sorter",
    version: "2024-01-01",
    style: ApiStyle::Rpc,
    endpoint: "sorter.{region}.aliyuncs.com",
    endpoint_rule: EndpointRule::Regional,
    regional_endpoints: &[],
};

#[derive(Serialize, Clone)]
struct Rule {
    #[serde(rename = "RuleId")]
    rule_id: String,
    #[serde(rename = "Weight")]
    weight: i32,
}

/// One parameter of each encoding: JSON text, joined by commas, flat.
#[derive(Serialize, Clone)]
struct CreateSorterRule {
    #[serde(
        rename = "Rules",
        skip_serializing_if = "Vec::is_empty",
        serialize_with = "aliyun_runtime::params::json_text"
    )]
    rules: Vec<Rule>,
    #[serde(
        rename = "BinTypesScope",
        skip_serializing_if = "Vec::is_empty",
        serialize_with = "aliyun_runtime::params::comma_joined"
    )]
    bin_types_scope: Vec<String>,
    #[serde(rename = "Tag", skip_serializing_if = "Vec::is_empty")]
    tag: Vec<Rule>,
}

impl Operation for CreateSorterRule {
    type Response = Answer;
    const SERVICE: &'static ServiceSpec = &SORTER;
    const ACTION: &'static str = "CreateSorterRule";
    const METHOD: HttpMethod = HttpMethod::Get;
    const CLIENT_TOKEN: Option<&'static str> = None;
}

#[derive(Deserialize, Debug)]
#[serde(rename_all = "PascalCase")]
struct Answer {
    request_id: String,
}
aliyun_runtime::decode_with_serde!(Answer);

#[tokio::test]
async fn each_encoding_reaches_the_service_as_the_sdk_sends_it() {
    let fake = Fake::start("secret").await;
    let client = Client::builder()
        .region("cn-shanghai")
        .endpoint(fake.url())
        .credentials(Credentials::new("LTAIid", "secret"))
        .retry(RetryConfig::disabled())
        .no_proxy()
        .build()
        .unwrap();
    let rule = |id: &str, weight| Rule {
        rule_id: id.into(),
        weight,
    };
    let answer = client
        .call(CreateSorterRule {
            rules: vec![rule("r-1", 3), rule("r,2", 1)],
            bin_types_scope: vec!["BIN::Small".into(), "BIN::Large".into()],
            tag: vec![rule("t-1", 2)],
        })
        .await
        .unwrap();
    assert_eq!(answer.request_id, "req-1");
    let requests = fake.requests();
    let q = &requests[0];
    assert!(q.signature_ok, "{:?}", q.signature_problem);
    assert_eq!(
        q.query_param("Rules"),
        Some(r#"[{"RuleId":"r-1","Weight":3},{"RuleId":"r,2","Weight":1}]"#)
    );
    assert_eq!(
        q.query_param("BinTypesScope"),
        Some("BIN::Small,BIN::Large")
    );
    assert_eq!(q.query_param("Tag.1.RuleId"), Some("t-1"));
    assert_eq!(q.query_param("Tag.1.Weight"), Some("2"));
    let names: Vec<&str> = q.query.iter().map(|(k, _)| k.as_str()).collect();
    assert!(
        !names
            .iter()
            .any(|n| n.starts_with("Rules.") || n.starts_with("BinTypesScope.")),
        "{names:?}"
    );
}
