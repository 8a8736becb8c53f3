//! The request of a ROA operation: a REST path, query, headers and a JSON (or form) body.
//!
//! The request serializes (serde) to a JSON object keyed by wire names, as for RPC. Each top-level member goes
//! where [`Operation::LOCATIONS`] says:
//!
//! | location | on the wire                                                                              |
//! | -------- | ---------------------------------------------------------------------------------------- |
//! | path     | replaces `{Name}` in [`Operation::PATH`], percent-encoded (`/` is `%2F`, space `%20`)     |
//! | query    | `Name=value`, lists and objects flattened as for RPC (`Name.1`, `Name.Key`)               |
//! | header   | a header `Name: value` (lists and objects as JSON text)                                   |
//! | body     | a member of one JSON object, `content-type: application/json; charset=utf-8`             |
//! | form     | `Name=value` in an `application/x-www-form-urlencoded` body (flattened as the query)      |
//!
//! Members that are not listed go to the query; `null` goes nowhere. The request is signed with
//! `ACS3-HMAC-SHA256` over the encoded path, as the official SDKs sign it (the RPC `HMAC-SHA1` signature has
//! no ROA form).

use serde_json::{Map, Value};

use crate::endpoint::host_header;
use crate::request::{acs3_signed, SignContext};
use crate::sign::{form_urlencode, percent_encode};
use crate::transport::HttpRequest;
use crate::{Error, Location, Operation};

/// A ROA request taken apart, ready to be signed on each attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RoaRequest {
    /// The path with every parameter put in, percent-encoded.
    path: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    content_type: Option<&'static str>,
}

impl RoaRequest {
    /// Serializes `request` and sends each member where the operation says. Fails with [`Error::Config`] when
    /// a path parameter is missing or empty, or the request is not a JSON object. Fills in the operation's
    /// `ClientToken` when it is left empty, once: every attempt of the call sends the same one.
    pub(crate) fn new<O: Operation>(request: &O) -> Result<RoaRequest, Error> {
        let members = match serde_json::to_value(request)
            .map_err(|e| Error::Config(format!("the request could not be serialized: {e}")))?
        {
            Value::Object(m) => m,
            Value::Null => Map::new(),
            _ => {
                return Err(Error::Config(format!(
                    "the request of {} must serialize to a JSON object",
                    O::ACTION
                )))
            }
        };
        let location = |name: &str| {
            O::LOCATIONS
                .iter()
                .find(|(n, _)| *n == name)
                .map_or(Location::Query, |(_, l)| *l)
        };
        Self::from_members(O::ACTION, O::PATH, O::CLIENT_TOKEN, members, location)
    }

    /// The request of `action` on the path `template` from its top-level members, each sent where `location`
    /// says; fills in the `client_token` member when it is left empty.
    pub(crate) fn from_members(
        action: &str,
        template: &str,
        client_token: Option<&str>,
        mut members: Map<String, Value>,
        location: impl Fn(&str) -> Location,
    ) -> Result<RoaRequest, Error> {
        if let Some(name) = client_token {
            let empty = match members.get(name) {
                None | Some(Value::Null) => true,
                Some(Value::String(s)) => s.is_empty(),
                Some(_) => false,
            };
            if empty {
                members.insert(name.into(), Value::String(uuid::Uuid::new_v4().to_string()));
            }
        }
        let mut path_values: Vec<(String, String)> = Vec::new();
        let mut query = Map::new();
        let mut form = Map::new();
        let mut json = Map::new();
        let mut headers = Vec::new();
        for (name, value) in members {
            if value.is_null() {
                continue;
            }
            match location(&name) {
                Location::Path => path_values.push((name, text(value))),
                Location::Query => {
                    query.insert(name, value);
                }
                Location::Form => {
                    form.insert(name, value);
                }
                Location::Body => {
                    json.insert(name, value);
                }
                Location::Header => headers.push((name.to_ascii_lowercase(), text(value))),
            }
        }
        let path = fill_path(action, template, &path_values)?;
        let query = crate::params::flatten(&Value::Object(query))?;
        let (body, content_type) = if !json.is_empty() {
            // Form fields of an operation that also has JSON ones travel in the JSON body.
            json.extend(form);
            let body = serde_json::to_vec(&Value::Object(json)).map_err(|e| {
                Error::Config(format!("the request body could not be serialized: {e}"))
            })?;
            (body, Some("application/json; charset=utf-8"))
        } else if !form.is_empty() {
            let pairs = crate::params::flatten(&Value::Object(form))?;
            (
                form_urlencode(&pairs).into_bytes(),
                Some("application/x-www-form-urlencoded"),
            )
        } else {
            (Vec::new(), None)
        };
        Ok(RoaRequest {
            path,
            query,
            headers,
            body,
            content_type,
        })
    }

    /// The signed request of one attempt.
    pub(crate) fn prepare(&self, cx: &SignContext<'_>) -> HttpRequest {
        let mut url = cx.url.clone();
        // The endpoint may carry a path of its own (a gateway in front of the service): the operation's
        // path goes under it.
        let base = url.path().trim_end_matches('/').to_string();
        url.set_path(&format!("{base}{}", self.path));
        let mut headers: Vec<(String, String)> = vec![
            ("host".into(), host_header(cx.url)),
            ("accept".into(), "application/json".into()),
            ("user-agent".into(), cx.user_agent.into()),
        ];
        if let Some(t) = self.content_type {
            headers.push(("content-type".into(), t.into()));
        }
        headers.extend(self.headers.iter().cloned());
        headers.extend(cx.extra_headers.iter().cloned());
        acs3_signed(cx, url, &self.query, headers, self.body.clone())
    }
}

/// A path, query or header value: strings as they are, anything else as its JSON text.
fn text(value: Value) -> String {
    match value {
        Value::String(s) => s,
        other => other.to_string(),
    }
}

/// Puts each path parameter into the template, percent-encoded.
fn fill_path(action: &str, template: &str, values: &[(String, String)]) -> Result<String, Error> {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            break;
        };
        out.push_str(&rest[..open]);
        let name = &rest[open + 1..close];
        match values.iter().find(|(n, _)| n == name) {
            Some((_, v)) if !v.is_empty() => out.push_str(&percent_encode(v)),
            _ => {
                return Err(Error::Config(format!(
                    "{action}: the path parameter `{name}` is not set (its value goes into `{template}`)"
                )))
            }
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn path_parameters_are_percent_encoded_as_the_official_sdk_does() {
        let got = fill_path(
            "Op",
            "/things/{Id}/parts/{Part}",
            &values(&[("Id", "a b/c*~ü"), ("Part", "x+y")]),
        )
        .unwrap();
        assert_eq!(got, "/things/a%20b%2Fc%2A~%C3%BC/parts/x%2By");
    }

    #[test]
    fn a_missing_or_empty_path_parameter_is_a_configuration_error() {
        for v in [values(&[]), values(&[("Id", "")])] {
            let e = fill_path("GetThing", "/things/{Id}", &v).unwrap_err();
            assert!(
                matches!(&e, Error::Config(m) if m.contains("`Id`") && m.contains("GetThing")),
                "{e}"
            );
        }
    }

    /// The ROA vector of `tests/vectors/acs3_hmac_sha256.json` (computed by the official Python SDK): the same
    /// path, query, body and headers give the same URL, headers and `Authorization`, byte for byte.
    #[test]
    fn the_official_sdks_roa_vector() {
        let file = format!(
            "{}/tests/vectors/acs3_hmac_sha256.json",
            env!("CARGO_MANIFEST_DIR")
        );
        let all: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        let v = all["vectors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["name"] == "acs3-json-body-roa")
            .unwrap();
        let (inputs, outputs) = (&v["inputs"], &v["outputs"]);
        let s = |v: &Value| v.as_str().unwrap().to_string();
        let headers = &inputs["headers"];
        let request = RoaRequest {
            path: s(&inputs["pathname"]),
            query: vec![("dryRun".into(), "true".into())],
            // Sent by the Python SDK's credentials layer; an operation header here.
            headers: vec![(
                "x-acs-credentials-provider".into(),
                s(&headers["x-acs-credentials-provider"]),
            )],
            body: s(&inputs["body"]).into_bytes(),
            content_type: Some("application/json; charset=utf-8"),
        };
        let url = reqwest::Url::parse("https://config.cn-shanghai.aliyuncs.com/").unwrap();
        let credentials =
            crate::Credentials::new(s(&inputs["access_key_id"]), s(&inputs["access_key_secret"]));
        let prepared = request.prepare(&SignContext {
            version: "2020-09-07",
            action: &s(&headers["x-acs-action"]),
            method: crate::HttpMethod::Post,
            url: &url,
            credentials: Some(&credentials),
            nonce: &s(&inputs["signature_nonce"]),
            timestamp: &s(&inputs["timestamp"]),
            user_agent: &s(&headers["user-agent"]),
            extra_headers: &[],
        });
        assert_eq!(prepared.url.as_str(), outputs["url"].as_str().unwrap());
        let header = |name: &str| {
            prepared
                .headers
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(header("authorization"), outputs["authorization"].as_str());
        for (name, value) in headers.as_object().unwrap() {
            assert_eq!(header(name), value.as_str(), "{name}");
        }
        assert_eq!(
            prepared.headers.len(),
            headers.as_object().unwrap().len() + 1
        );
    }

    #[test]
    fn a_template_without_parameters_is_kept() {
        assert_eq!(fill_path("Op", "/pop/v1/x", &[]).unwrap(), "/pop/v1/x");
    }
}
