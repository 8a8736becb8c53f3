//! The official SDKs' signature vectors, byte for byte.
//!
//! `tests/vectors/` holds them as test data: facts computed by Alibaba Cloud's official Python SDK packages
//! (`alibabacloud-tea-openapi` 0.4.6 and the others its README names), copied from the project's shared vectors.
//! The files are read at test time; a missing file fails the tests.

use aliyun_runtime::params::flatten;
use aliyun_runtime::sign::{form_urlencode, sign_acs3, sign_rpc, Acs3Input};
use serde_json::Value;

fn load(file: &str) -> Value {
    let path = format!("{}/tests/vectors/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path} is not JSON: {e}"))
}

fn vector(file: &str, name: &str) -> Value {
    let all = load(file);
    all["vectors"]
        .as_array()
        .expect("vectors")
        .iter()
        .find(|v| v["name"] == name)
        .unwrap_or_else(|| panic!("no vector {name} in {file}"))
        .clone()
}

fn names(file: &str) -> Vec<String> {
    load(file)["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["name"].as_str().unwrap().to_string())
        .collect()
}

fn pairs(v: &Value) -> Vec<(String, String)> {
    v.as_array()
        .map(|a| {
            a.iter()
                .map(|p| {
                    (
                        p[0].as_str().unwrap().to_string(),
                        p[1].as_str().unwrap().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn s(v: &Value) -> &str {
    v.as_str()
        .unwrap_or_else(|| panic!("expected a string, got {v}"))
}

const ACS3: &str = "acs3_hmac_sha256.json";
const RPC: &str = "rpc_hmac_sha1.json";

fn check_acs3(name: &str) {
    let v = vector(ACS3, name);
    let i = &v["inputs"];
    let o = &v["outputs"];
    let query = pairs(&i["query"]);
    let headers: Vec<(String, String)> = i["headers"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), s(v).to_string()))
        .collect();
    let body = s(&i["body"]);
    let sig = sign_acs3(
        &Acs3Input {
            method: s(&i["method"]),
            pathname: s(&i["pathname"]),
            query: &query,
            headers: &headers,
            body: body.as_bytes(),
        },
        s(&i["access_key_id"]),
        s(&i["access_key_secret"]),
    );
    assert_eq!(
        sig.hashed_payload,
        s(&o["hashed_payload"]),
        "{name}: hashed_payload"
    );
    let content_sha = headers
        .iter()
        .find(|(k, _)| k == "x-acs-content-sha256")
        .map(|(_, v)| v.as_str());
    assert_eq!(
        content_sha,
        Some(sig.hashed_payload.as_str()),
        "{name}: x-acs-content-sha256"
    );
    assert_eq!(
        sig.canonical_query_string,
        s(&o["canonical_query_string"]),
        "{name}: canonical_query_string"
    );
    assert_eq!(
        sig.canonical_headers,
        s(&o["canonical_headers"]),
        "{name}: canonical_headers"
    );
    assert_eq!(
        sig.signed_headers,
        s(&o["signed_headers"]),
        "{name}: signed_headers"
    );
    assert_eq!(
        sig.canonical_request,
        s(&o["canonical_request"]),
        "{name}: canonical_request"
    );
    assert_eq!(
        sig.string_to_sign,
        s(&o["string_to_sign"]),
        "{name}: string_to_sign"
    );
    assert_eq!(sig.signature, s(&o["signature"]), "{name}: signature");
    assert_eq!(
        sig.authorization,
        s(&o["authorization"]),
        "{name}: authorization"
    );

    // The URL: host + path + the query form-encoded in the order given.
    let host = headers
        .iter()
        .find(|(k, _)| k == "host")
        .map(|(_, v)| v.clone())
        .unwrap();
    let mut url = format!("https://{host}{}", s(&i["pathname"]));
    if !query.is_empty() {
        url.push('?');
        url.push_str(&form_urlencode(&query));
    }
    assert_eq!(url, s(&o["url"]), "{name}: url");

    // A form body is the flattened body parameters, sorted and form-encoded, as this runtime sends it.
    let form = headers
        .iter()
        .any(|(k, v)| k == "content-type" && v == "application/x-www-form-urlencoded");
    if form {
        let flat = flatten(&i["body_params"]).unwrap();
        assert_eq!(form_urlencode(&flat), body, "{name}: form body");
    }
}

fn check_rpc(name: &str) {
    let v = vector(RPC, name);
    let i = &v["inputs"];
    let o = &v["outputs"];
    let query = pairs(&i["query"]);
    let body = pairs(&i["body"]);
    let all: Vec<(String, String)> = query.iter().chain(body.iter()).cloned().collect();
    let sig = sign_rpc(s(&i["method"]), &all, s(&i["access_key_secret"]));
    assert_eq!(
        sig.canonicalized_query_string,
        s(&o["canonicalized_query_string"]),
        "{name}: canonicalized"
    );
    assert_eq!(
        sig.string_to_sign,
        s(&o["string_to_sign"]),
        "{name}: string_to_sign"
    );
    assert_eq!(sig.signature, s(&o["signature"]), "{name}: signature");

    let mut url_query = query.clone();
    url_query.push(("Signature".into(), sig.signature.clone()));
    assert_eq!(
        form_urlencode(&url_query),
        s(&o["url_query_string"]),
        "{name}: url_query_string"
    );

    if let Some(token) = i["security_token"].as_str() {
        assert!(
            query.contains(&("SecurityToken".to_string(), token.to_string())),
            "{name}: SecurityToken"
        );
    }

    match o["form_body"].as_str() {
        None => assert!(body.is_empty(), "{name}: body without form_body"),
        Some(expected) => {
            // The current SDK (and this runtime) sorts the body; the old aliyunsdkcore keeps insertion order.
            let old_sdk = s(&v["produced_by"]).starts_with("aliyunsdkcore");
            let mut sent = body.clone();
            if !old_sdk {
                sent.sort_by(|a, b| a.0.cmp(&b.0));
            }
            assert_eq!(form_urlencode(&sent), expected, "{name}: form_body");
        }
    }
}

macro_rules! vectors {
    ($file:ident, $check:ident, $all:ident: $($test:ident = $name:literal),+ $(,)?) => {
        $(
            #[test]
            fn $test() {
                $check($name);
            }
        )+

        /// Every vector in the file has a test above, and the file has no fewer vectors than tested.
        #[test]
        fn $all() {
            let mut tested = vec![$($name.to_string()),+];
            let mut in_file = names($file);
            tested.sort();
            in_file.sort();
            assert_eq!(in_file, tested);
        }
    };
}

vectors!(ACS3, check_acs3, acs3_every_vector_has_a_test:
    acs3_rpc_get_basic = "acs3-rpc-get-basic",
    acs3_rpc_post_form = "acs3-rpc-post-form",
    acs3_no_parameters = "acs3-no-parameters",
    acs3_query_reserved_characters = "acs3-query-reserved-characters",
    acs3_query_unicode = "acs3-query-unicode",
    acs3_query_empty_value = "acs3-query-empty-value",
    acs3_query_list_style = "acs3-query-list-style",
    acs3_form_body_tricky = "acs3-form-body-tricky",
    acs3_form_body_list_and_object = "acs3-form-body-list-and-object",
    acs3_json_body_roa = "acs3-json-body-roa",
    acs3_sts_token = "acs3-sts-token",
    acs3_extra_headers = "acs3-extra-headers",
    acs3_query_key_sort_order = "acs3-query-key-sort-order",
);

vectors!(RPC, check_rpc, rpc_every_vector_has_a_test:
    rpc_get_basic = "rpc-get-basic",
    rpc_post_form_body = "rpc-post-form-body",
    rpc_space_and_plus = "rpc-space-and-plus",
    rpc_reserved_characters = "rpc-reserved-characters",
    rpc_unicode_chinese = "rpc-unicode-chinese",
    rpc_unicode_4byte = "rpc-unicode-4byte",
    rpc_empty_values = "rpc-empty-values",
    rpc_list_style = "rpc-list-style",
    rpc_list_order_past_9 = "rpc-list-order-past-9",
    rpc_json_string_params = "rpc-json-string-params",
    rpc_sts_token = "rpc-sts-token",
    rpc_control_characters = "rpc-control-characters",
    rpc_key_sort_order = "rpc-key-sort-order",
    rpc_old_sdk_get = "rpc-old-sdk-get",
    rpc_old_sdk_post = "rpc-old-sdk-post",
);
