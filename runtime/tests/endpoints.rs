//! Where signed requests go. The process's HTTPS proxy is a listener on 127.0.0.1 that records the host of every
//! `CONNECT` and closes the connection: so a test sees every connection the client tries to open, anywhere, and
//! nothing leaves the machine. One test in this binary, because it sets the process environment.

use std::sync::{Arc, Mutex};

use aliyun_config::{
    GetAggregateCompliancePackReportRequest, GetAggregateCompliancePackReportRequired,
};
use aliyun_runtime::{
    ApiStyle, CallOptions, Client, Credentials, EndpointRule, Error, HttpMethod, Operation,
    RetryConfig, ServiceSpec,
};
use serde::Serialize;
use tokio::io::{AsyncBufReadExt, BufReader};

/// A regional service, for the rule the Config service does not use.
static REGIONAL: ServiceSpec = ServiceSpec {
    product: "Ecs",
    version: "2014-05-26",
    style: ApiStyle::Rpc,
    endpoint: "ecs.{region}.aliyuncs.com",
    endpoint_rule: EndpointRule::Regional,
    regional_endpoints: &[("cn-hangzhou", "ecs-cn-hangzhou.aliyuncs.com")],
};

#[derive(Serialize)]
struct DescribeRegions {}

impl Operation for DescribeRegions {
    type Response = serde_json::Value;
    const SERVICE: &'static ServiceSpec = &REGIONAL;
    const ACTION: &'static str = "DescribeRegions";
    const METHOD: HttpMethod = HttpMethod::Get;
    const CLIENT_TOKEN: Option<&'static str> = None;
}

/// Starts the recording proxy; gives the hosts it was asked for.
async fn recording_proxy() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let mut line = String::new();
            let _ = BufReader::new(stream).read_line(&mut line).await;
            record.lock().unwrap().push(line.trim().to_string());
        }
    });
    (url, seen)
}

fn builder() -> aliyun_runtime::ClientBuilder {
    Client::builder()
        .credentials(
            Credentials::new("LTAIendpoints", "endpoints-secret").with_security_token("sts-token"),
        )
        .retry(RetryConfig::disabled())
}

fn config_request() -> GetAggregateCompliancePackReportRequest {
    GetAggregateCompliancePackReportRequest::new(GetAggregateCompliancePackReportRequired {
        compliance_pack_id: "cp-1",
        aggregator_id: "ca-1",
    })
}

fn is_config_error_naming(e: &Error, what: &str) -> bool {
    matches!(e, Error::Config(m) if m.contains(what))
}

#[tokio::test]
async fn hostile_regions_and_endpoints_open_no_connection_and_regions_resolve_as_the_official_sdk()
{
    let (proxy, seen) = recording_proxy().await;
    for var in [
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        std::env::set_var(var, &proxy);
    }
    for var in ["NO_PROXY", "no_proxy"] {
        std::env::remove_var(var);
    }

    // Defect 1: a region is a region id; the rest would change the host a signed request goes to.
    for region in [
        "x@evil.example#",
        "evil.example:8443/x",
        "cn-shanghai.evil.example",
        "CN-SHANGHAI",
        "cn shanghai",
        "cn-shanghai/",
        "",
    ] {
        let e = builder().region(region).build().unwrap_err();
        assert!(
            is_config_error_naming(&e, &format!("{region:?}")),
            "{region:?}: {e:?}"
        );
        let client = builder().region("cn-hangzhou").build().unwrap();
        let options = CallOptions {
            region: Some(region.to_string()),
            ..Default::default()
        };
        let e = client
            .call_with(config_request(), options)
            .await
            .unwrap_err();
        assert!(matches!(e, Error::Config(_)), "{region:?} per call: {e:?}");
    }
    // An endpoint is a scheme, a host and a port: no userinfo (it would become a Basic auth header), no path.
    for endpoint in [
        "http://user:pw@127.0.0.1:9",
        "https://user@config.aliyuncs.com",
        "config.aliyuncs.com/x",
        "http://127.0.0.1:9/?a=b",
        "http://127.0.0.1:9/#x",
    ] {
        let e = builder().endpoint(endpoint).build().unwrap_err();
        assert!(is_config_error_naming(&e, endpoint), "{endpoint}: {e:?}");
        let client = builder().region("cn-hangzhou").build().unwrap();
        let options = CallOptions {
            endpoint: Some(endpoint.to_string()),
            ..Default::default()
        };
        let e = client
            .call_with(config_request(), options)
            .await
            .unwrap_err();
        assert!(matches!(e, Error::Config(_)), "{endpoint} per call: {e:?}");
    }
    assert_eq!(
        *seen.lock().unwrap(),
        Vec::<String>::new(),
        "no connection may be opened"
    );

    // Defect 2: the explicit endpoint, then the endpoint map, then the rule.
    let cases: [(&str, Option<&str>, bool, &str); 6] = [
        ("cn-hangzhou", None, true, "config.aliyuncs.com:443"),
        ("eu-central-1", None, true, "config.aliyuncs.com:443"),
        (
            "cn-shanghai",
            None,
            true,
            "config.cn-shanghai.aliyuncs.com:443",
        ),
        (
            "ap-southeast-1",
            None,
            true,
            "config.ap-southeast-1.aliyuncs.com:443",
        ),
        (
            "cn-shanghai",
            Some("config.example.com:8443"),
            true,
            "config.example.com:8443",
        ),
        ("cn-beijing", None, false, "ecs.cn-beijing.aliyuncs.com:443"),
    ];
    for (region, endpoint, config, host) in cases {
        let mut b = builder().region(region);
        if let Some(e) = endpoint {
            b = b.endpoint(e);
        }
        let client = b.build().unwrap();
        let e = if config {
            client.call(config_request()).await.unwrap_err()
        } else {
            client.call(DescribeRegions {}).await.unwrap_err()
        };
        assert!(matches!(e, Error::Connect { .. }), "{region}: {e:?}");
        let last = seen.lock().unwrap().last().cloned().unwrap_or_default();
        assert_eq!(
            last,
            format!("CONNECT {host} HTTP/1.1"),
            "{region} {endpoint:?}"
        );
    }
    let client = builder().region("cn-hangzhou").build().unwrap();
    client.call(DescribeRegions {}).await.unwrap_err();
    assert_eq!(
        seen.lock().unwrap().last().map(String::as_str),
        Some("CONNECT ecs-cn-hangzhou.aliyuncs.com:443 HTTP/1.1"),
        "the endpoint map before the regional rule"
    );
}
