//! Signing: from parameters (or a ROA request) and credentials to the [`HttpRequest`] of one attempt.

use reqwest::Url;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::credentials::Credentials;
use crate::endpoint::host_header;
use crate::sign::{form_urlencode, sign_acs3, sign_rpc, Acs3Input};
use crate::transport::HttpRequest;
use crate::{Error, HttpMethod};

/// How requests are signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SigningAlgorithm {
    /// `ACS3-HMAC-SHA256` in the `Authorization` header, action and version in `x-acs-*` headers (default).
    #[default]
    Acs3HmacSha256,
    /// The RPC query signature: `SignatureMethod=HMAC-SHA1`, `SignatureVersion=1.0`, `Signature` parameter.
    /// It has no ROA form: ROA operations are signed with `ACS3-HMAC-SHA256` whatever this says.
    RpcHmacSha1,
}

/// Everything that goes into one signed request besides the parameters.
pub(crate) struct SignContext<'a> {
    pub version: &'a str,
    pub action: &'a str,
    pub method: HttpMethod,
    pub url: &'a Url,
    /// `None`: an anonymous call (STS `AssumeRoleWithOIDC`), RPC parameters without a signature.
    pub credentials: Option<&'a Credentials>,
    pub nonce: &'a str,
    pub timestamp: &'a str,
    pub user_agent: &'a str,
    /// Headers the interceptors added before signing: sent, and signed where the scheme signs headers.
    pub extra_headers: &'a [(String, String)],
}

/// The request of one attempt of an RPC call.
pub(crate) fn prepare(
    algorithm: SigningAlgorithm,
    cx: &SignContext<'_>,
    params: &[(String, String)],
) -> HttpRequest {
    let none: &[(String, String)] = &[];
    let (query, body_params) = match cx.method {
        HttpMethod::Get => (params, none),
        _ => (none, params),
    };
    let body = form_urlencode(body_params).into_bytes();
    let mut headers: Vec<(String, String)> = vec![
        ("host".into(), host_header(cx.url)),
        ("accept".into(), "application/json".into()),
        ("user-agent".into(), cx.user_agent.into()),
    ];
    if !body.is_empty() {
        headers.push((
            "content-type".into(),
            "application/x-www-form-urlencoded".into(),
        ));
    }
    headers.extend(cx.extra_headers.iter().cloned());
    match (algorithm, cx.credentials) {
        (SigningAlgorithm::Acs3HmacSha256, Some(_)) => {
            acs3_signed(cx, cx.url.clone(), query, headers, body)
        }
        (_, creds) => {
            let mut query = rpc_common(cx, creds);
            if cx.method == HttpMethod::Get {
                query.extend(params.iter().cloned());
            }
            if let Some(creds) = creds {
                let all: Vec<(String, String)> =
                    query.iter().chain(body_params.iter()).cloned().collect();
                let sig = sign_rpc(cx.method.as_str(), &all, creds.access_key_secret());
                query.push(("Signature".into(), sig.signature));
            }
            HttpRequest {
                method: cx.method,
                url: with_query(cx.url.clone(), &query),
                headers,
                body,
            }
        }
    }
}

/// The parameters every RPC-signed request carries; an anonymous one carries only the first four.
fn rpc_common(cx: &SignContext<'_>, creds: Option<&Credentials>) -> Vec<(String, String)> {
    let mut query: Vec<(String, String)> = vec![
        ("Action".into(), cx.action.into()),
        ("Format".into(), "JSON".into()),
        ("Version".into(), cx.version.into()),
        ("Timestamp".into(), cx.timestamp.into()),
    ];
    if let Some(creds) = creds {
        query.extend([
            ("SignatureNonce".into(), cx.nonce.into()),
            ("SignatureMethod".into(), "HMAC-SHA1".into()),
            ("SignatureVersion".into(), "1.0".into()),
            ("AccessKeyId".into(), creds.access_key_id().into()),
        ]);
        if let Some(token) = creds.security_token() {
            query.push(("SecurityToken".into(), token.into()));
        }
    }
    query
}

fn with_query(mut url: Url, query: &[(String, String)]) -> Url {
    if query.is_empty() {
        url.set_query(None);
    } else {
        // Already form-encoded: `set_query` leaves it as it is.
        url.set_query(Some(&form_urlencode(query)));
    }
    url
}

/// Adds the `x-acs-*` headers to a request and signs it with `ACS3-HMAC-SHA256`: the request of an RPC call,
/// or of a ROA call with its own path (`url`'s path, already percent-encoded), query, headers and body.
pub(crate) fn acs3_signed(
    cx: &SignContext<'_>,
    url: Url,
    query: &[(String, String)],
    mut headers: Vec<(String, String)>,
    body: Vec<u8>,
) -> HttpRequest {
    headers.extend([
        ("x-acs-action".to_string(), cx.action.to_string()),
        ("x-acs-version".into(), cx.version.into()),
        ("x-acs-date".into(), cx.timestamp.into()),
        ("x-acs-signature-nonce".into(), cx.nonce.into()),
        (
            "x-acs-content-sha256".into(),
            crate::sign::hex_sha256(&body),
        ),
    ]);
    if let Some(creds) = cx.credentials {
        if let Some(token) = creds.security_token() {
            headers.push(("x-acs-accesskey-id".into(), creds.access_key_id().into()));
            headers.push(("x-acs-security-token".into(), token.into()));
        }
        let sig = sign_acs3(
            &Acs3Input {
                method: cx.method.as_str(),
                pathname: url.path(),
                query,
                headers: &headers,
                body: &body,
            },
            creds.access_key_id(),
            creds.access_key_secret(),
        );
        headers.push(("authorization".into(), sig.authorization));
    }
    HttpRequest {
        method: cx.method,
        url: with_query(url, query),
        headers,
        body,
    }
}

/// The current time as requests carry it: RFC 3339 in UTC, whole seconds.
pub(crate) fn timestamp_now() -> Result<String, Error> {
    OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .ok_or_else(|| Error::Config("cannot format the current time".into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn url() -> Url {
        Url::parse("https://config.cn-shanghai.aliyuncs.com/").unwrap()
    }

    fn cx<'a>(url: &'a Url, creds: Option<&'a Credentials>, method: HttpMethod) -> SignContext<'a> {
        SignContext {
            version: "2020-09-07",
            action: "GetCompliancePackReport",
            method,
            url,
            credentials: creds,
            nonce: "3f4a1c2e9b8d7f6a5e4d3c2b1a098765",
            timestamp: "2020-09-07T08:00:00Z",
            user_agent: "ua",
            extra_headers: &[],
        }
    }

    #[test]
    fn acs3_get_puts_parameters_in_the_query() {
        let url = url();
        let creds = Credentials::new("testid", "testsecret");
        let params = vec![("CompliancePackId".to_string(), "cp-1 *".to_string())];
        let p = prepare(
            SigningAlgorithm::Acs3HmacSha256,
            &cx(&url, Some(&creds), HttpMethod::Get),
            &params,
        );
        assert_eq!(
            p.url.as_str(),
            "https://config.cn-shanghai.aliyuncs.com/?CompliancePackId=cp-1+%2A"
        );
        assert!(p.body.is_empty());
        let h: HashMap<_, _> = p.headers.iter().cloned().collect();
        assert_eq!(h["x-acs-action"], "GetCompliancePackReport");
        assert_eq!(h["x-acs-version"], "2020-09-07");
        assert_eq!(h["host"], "config.cn-shanghai.aliyuncs.com");
        assert!(!h.contains_key("content-type"));
        assert!(h["authorization"]
            .starts_with("ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=accept;host;"));
    }

    #[test]
    fn acs3_post_with_sts() {
        let url = url();
        let creds = Credentials::new("testid", "testsecret").with_security_token("tok");
        let params = vec![
            ("A".to_string(), "1".to_string()),
            ("B".to_string(), "x y".to_string()),
        ];
        let p = prepare(
            SigningAlgorithm::Acs3HmacSha256,
            &cx(&url, Some(&creds), HttpMethod::Post),
            &params,
        );
        assert_eq!(p.url.as_str(), "https://config.cn-shanghai.aliyuncs.com/");
        assert_eq!(p.body, b"A=1&B=x+y");
        let h: HashMap<_, _> = p.headers.iter().cloned().collect();
        assert_eq!(h["content-type"], "application/x-www-form-urlencoded");
        assert_eq!(h["x-acs-security-token"], "tok");
        assert_eq!(h["x-acs-accesskey-id"], "testid");
        assert_eq!(
            h["x-acs-content-sha256"],
            crate::sign::hex_sha256(b"A=1&B=x+y")
        );
    }

    #[test]
    fn rpc_signature_in_query() {
        let url = url();
        let creds = Credentials::new("testid", "testsecret").with_security_token("tok");
        let params = vec![("CompliancePackId".to_string(), "cp".to_string())];
        let p = prepare(
            SigningAlgorithm::RpcHmacSha1,
            &cx(&url, Some(&creds), HttpMethod::Post),
            &params,
        );
        assert!(p.url.as_str().contains("Action=GetCompliancePackReport"));
        assert!(p.url.as_str().contains("SecurityToken=tok"));
        assert!(p.url.as_str().contains("&Signature="));
        assert_eq!(p.body, b"CompliancePackId=cp");
    }

    #[test]
    fn anonymous_rpc_has_no_signature_whatever_the_algorithm() {
        let url = url();
        let params = vec![("OIDCToken".to_string(), "t".to_string())];
        for algorithm in [
            SigningAlgorithm::Acs3HmacSha256,
            SigningAlgorithm::RpcHmacSha1,
        ] {
            let p = prepare(algorithm, &cx(&url, None, HttpMethod::Post), &params);
            assert_eq!(
                p.url.as_str(),
                "https://config.cn-shanghai.aliyuncs.com/?Action=GetCompliancePackReport&Format=JSON&Version=2020-09-07&Timestamp=2020-09-07T08%3A00%3A00Z"
            );
            assert_eq!(p.body, b"OIDCToken=t");
            assert!(p.header("authorization").is_none());
        }
    }

    #[test]
    fn headers_added_before_signing_are_signed() {
        let url = url();
        let creds = Credentials::new("testid", "testsecret");
        let extra = vec![("x-acs-trace".to_string(), "t1".to_string())];
        let mut c = cx(&url, Some(&creds), HttpMethod::Get);
        c.extra_headers = &extra;
        let p = prepare(SigningAlgorithm::Acs3HmacSha256, &c, &[]);
        assert_eq!(p.header("x-acs-trace"), Some("t1"));
        assert!(p.header("authorization").unwrap().contains("x-acs-trace"));
    }
}
