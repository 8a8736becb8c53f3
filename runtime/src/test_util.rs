//! Test doubles for code that calls the SDK (cargo feature `test-util`): no server, no network, no credentials.
//!
//! - [`Stub`] answers each operation with the typed responses (or errors) a test gives it, in order, and
//!   records every request it was sent. [`Stub::client`] is an ordinary [`Client`] on it, so the
//!   code under test signs, pages, decodes and fails exactly as it would against the service. Typed answers
//!   need the generated crate's `test-util` feature (its response types then implement `serde::Serialize`).
//! - [`Recorder`] wraps a transport (the network, by default) and keeps every exchange; [`Recorder::save`]
//!   writes them to a cassette file without signatures, keys or tokens, which [`Replay`] answers from later.
//!   A request matches a recorded one when its method, path, action, version and parameters are the same,
//!   whatever its signature, nonce, timestamp and `ClientToken`.
//!
//! Both are [`Transport`]s: `Client::builder().transport(stub.clone())` gives a client of other settings.

use std::collections::{BTreeMap, VecDeque};
use std::fmt;
use std::path::Path;
use std::sync::{Arc, Mutex};

use reqwest::header::{HeaderName, HeaderValue};
use serde::{Deserialize, Serialize};

use crate::transport::{HeaderMap, HttpRequest, HttpResponse, Limits, Transport, TransportFuture};
use crate::{Client, Credentials, Error, Operation, RetryConfig};

/// Parameters left out of a request's identity: they change on every call (signature, nonce, time, the
/// idempotency token the runtime fills in) or carry credentials.
const IGNORED_PARAMS: &[&str] = &[
    "Signature",
    "SignatureNonce",
    "SignatureMethod",
    "SignatureVersion",
    "SignatureType",
    "Timestamp",
    "ClientToken",
    "AccessKeyId",
    "SecurityToken",
    "BearerToken",
];

/// Response headers a cassette keeps (the rest may carry cookies or other session data).
const KEPT_RESPONSE_HEADERS: &[&str] = &[
    "content-type",
    "x-acs-request-id",
    "x-acs-retry-after",
    "retry-after",
];

/// A request as a test double sees it: its action, version and parameters (query, form or JSON body), and
/// the request itself.
#[derive(Debug, Clone, PartialEq)]
pub struct Sent {
    /// The action (`x-acs-action`, or the `Action` parameter of the RPC signature).
    pub action: String,
    /// The API version (`x-acs-version`, or `Version`).
    pub version: String,
    /// The parameters by wire name, as sent (lists flattened: `Tag.1.Key`), signature parameters included.
    pub params: BTreeMap<String, String>,
    /// The request as it went to the transport.
    pub http: HttpRequest,
}

impl Sent {
    /// Reads what a request carries.
    pub fn of(http: &HttpRequest) -> Sent {
        let mut params: BTreeMap<String, String> = http
            .url
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let content_type = http.header("content-type").unwrap_or_default();
        if content_type.starts_with("application/x-www-form-urlencoded") {
            params.extend(
                form_urlencoded::parse(&http.body).map(|(k, v)| (k.into_owned(), v.into_owned())),
            );
        } else if content_type.starts_with("application/json") {
            if let Ok(serde_json::Value::Object(body)) = serde_json::from_slice(&http.body) {
                for (k, v) in body {
                    let text = match v {
                        serde_json::Value::String(s) => s,
                        other => other.to_string(),
                    };
                    params.insert(k, text);
                }
            }
        }
        let pick = |header: &str, param: &str| {
            http.header(header)
                .map(str::to_string)
                .or_else(|| params.get(param).cloned())
                .unwrap_or_default()
        };
        Sent {
            action: pick("x-acs-action", "Action"),
            version: pick("x-acs-version", "Version"),
            params,
            http: http.clone(),
        }
    }

    /// The value of parameter `name`, if sent.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.get(name).map(String::as_str)
    }

    /// What identifies the request for [`Replay`]: method, path, action, version and the parameters but
    /// signature, nonce, timestamp, `ClientToken` and credentials.
    fn key(&self) -> Key {
        Key {
            method: self.http.method.as_str().to_string(),
            path: self.http.url.path().to_string(),
            action: self.action.clone(),
            version: self.version.clone(),
            params: self
                .params
                .iter()
                .filter(|(k, _)| {
                    !IGNORED_PARAMS.contains(&k.as_str()) && *k != "Action" && *k != "Version"
                })
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        }
    }
}

/// One answer of a [`Stub`].
enum Answer {
    /// A status and a JSON body.
    Reply(u16, String),
    /// A transport failure (no answer).
    Fail(Box<dyn Fn() -> Error + Send + Sync>),
}

#[derive(Default)]
struct StubState {
    /// Answers by `(action, version)`, in the order given.
    answers: BTreeMap<(String, String), VecDeque<Answer>>,
    sent: Vec<Sent>,
}

/// A service that answers each operation with what the test gave it and records the requests it was sent.
///
/// Answers of one operation are used in the order given; the last one is used again for any later call, so
/// one answer serves every call. A call of an operation given no answer fails with [`Error::Config`] naming it.
/// Clones share answers and records.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use aliyun_config::{GetAggregateCompliancePackReportRequest, GetAggregateCompliancePackReportRequired};
/// use aliyun_config::GetAggregateCompliancePackReportResponse;
/// use aliyun_runtime::test_util::Stub;
///
/// let stub = Stub::new();
/// stub.reply::<GetAggregateCompliancePackReportRequest>(GetAggregateCompliancePackReportResponse {
///     request_id: Some("r-1".into()),
///     ..Default::default()
/// });
/// let request = GetAggregateCompliancePackReportRequest::new(GetAggregateCompliancePackReportRequired {
///     compliance_pack_id: "cp-1",
///     aggregator_id: "ca-1",
/// });
/// let answer = stub.client().call(request).await.unwrap();
/// assert_eq!(answer.request_id.as_deref(), Some("r-1"));
/// assert_eq!(stub.requests()[0].param("AggregatorId"), Some("ca-1"));
/// # }
/// ```
#[derive(Clone, Default)]
pub struct Stub {
    state: Arc<Mutex<StubState>>,
}

impl fmt::Debug for Stub {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("Stub")
            .field("operations", &state.answers.keys().collect::<Vec<_>>())
            .field("sent", &state.sent.len())
            .finish()
    }
}

impl Stub {
    /// A stub that answers nothing yet.
    pub fn new() -> Stub {
        Stub::default()
    }

    /// A client on this stub: region `cn-hangzhou`, test credentials, no retries (build one with other settings
    /// with `Client::builder().transport(stub.clone())`).
    pub fn client(&self) -> Client {
        Client::builder()
            .region("cn-hangzhou")
            .credentials(Credentials::new("LTAI-test-util", "test-util-secret"))
            .retry(RetryConfig::disabled())
            .transport(self.clone())
            .build()
            .expect("a client with a region, credentials and a transport builds")
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, StubState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn push<O: Operation>(&self, answer: Answer) -> &Self {
        let key = (O::ACTION.to_string(), O::SERVICE.version.to_string());
        self.lock()
            .answers
            .entry(key)
            .or_default()
            .push_back(answer);
        self
    }

    /// Answers the next call of `O` with `response` (HTTP 200, the response as JSON by its wire names).
    pub fn reply<O: Operation>(&self, response: O::Response) -> &Self
    where
        O::Response: Serialize,
    {
        let body = serde_json::to_string(&response).unwrap_or_else(|e| {
            // Generated responses always serialize; a hand-written one that does not answers 500 saying so.
            serde_json::json!({"Code": "TestUtil.Serialize", "Message": e.to_string()}).to_string()
        });
        self.push::<O>(Answer::Reply(200, body))
    }

    /// Answers the next call of `O` with an error answer: `status` and a body `{"Code", "Message",
    /// "RequestId"}`, which the client reads into [`Error::Service`] as it would the service's.
    pub fn reply_error<O: Operation>(&self, status: u16, code: &str, message: &str) -> &Self {
        let body = serde_json::json!({"Code": code, "Message": message, "RequestId": "test-util"});
        self.push::<O>(Answer::Reply(status, body.to_string()))
    }

    /// Answers the next call of `O` with `status` and a JSON `body` as they are.
    pub fn reply_json<O: Operation>(&self, status: u16, body: serde_json::Value) -> &Self {
        self.push::<O>(Answer::Reply(status, body.to_string()))
    }

    /// Fails the next call of `O` in the transport with the error `error` makes (a timeout, a broken
    /// connection …), as if no answer came.
    pub fn fail<O: Operation>(&self, error: impl Fn() -> Error + Send + Sync + 'static) -> &Self {
        self.push::<O>(Answer::Fail(Box::new(error)))
    }

    /// Every request sent, in order.
    pub fn requests(&self) -> Vec<Sent> {
        self.lock().sent.clone()
    }

    /// The requests of operation `O`, in order.
    pub fn requests_of<O: Operation>(&self) -> Vec<Sent> {
        self.lock()
            .sent
            .iter()
            .filter(|s| s.action == O::ACTION && s.version == O::SERVICE.version)
            .cloned()
            .collect()
    }

    fn answer(&self, request: &HttpRequest) -> Result<HttpResponse, Error> {
        let sent = Sent::of(request);
        let mut state = self.lock();
        let key = (sent.action.clone(), sent.version.clone());
        state.sent.push(sent);
        let Some(queue) = state.answers.get_mut(&key) else {
            return Err(Error::Config(format!(
                "test_util::Stub: no answer given for `{}` (version {})",
                key.0, key.1
            )));
        };
        let answer = if queue.len() > 1 {
            queue.pop_front()
        } else {
            None
        };
        let answer = answer.as_ref().or(queue.front());
        match answer {
            Some(Answer::Reply(status, body)) => {
                Ok(json_response(*status, body.clone().into_bytes()))
            }
            Some(Answer::Fail(make)) => Err(make()),
            None => Err(Error::Config(format!(
                "test_util::Stub: no answer left for `{}`",
                key.0
            ))),
        }
    }
}

fn json_response(status: u16, body: Vec<u8>) -> HttpResponse {
    let mut headers = HeaderMap::new();
    headers.insert(
        reqwest::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json;charset=utf-8"),
    );
    HttpResponse {
        status,
        headers,
        body,
    }
}

impl Transport for Stub {
    fn send<'a>(&'a self, request: HttpRequest, _limits: &'a Limits) -> TransportFuture<'a> {
        let answer = self.answer(&request);
        Box::pin(async move { answer })
    }
}

/// What identifies a request in a cassette.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
struct Key {
    method: String,
    path: String,
    action: String,
    version: String,
    params: BTreeMap<String, String>,
}

/// An answer in a cassette.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Recorded {
    status: u16,
    headers: BTreeMap<String, String>,
    body: String,
}

/// One exchange of a cassette.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Interaction {
    request: Key,
    response: Recorded,
}

/// The file [`Recorder::save`] writes and [`Replay`] reads: JSON, one interaction per exchange, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Cassette {
    interactions: Vec<Interaction>,
}

/// A transport that sends through another one and keeps every exchange, for [`Replay`].
///
/// Only answers are kept (a failed exchange is not); requests are kept without signature, nonce,
/// timestamp, `ClientToken`, keys and tokens, and answers with their status, body and a few headers.
pub struct Recorder {
    inner: Arc<dyn Transport>,
    cassette: Arc<Mutex<Cassette>>,
}

impl fmt::Debug for Recorder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Recorder")
            .field("inner", &self.inner)
            .field("recorded", &self.lock().interactions.len())
            .finish()
    }
}

impl Clone for Recorder {
    fn clone(&self) -> Self {
        Recorder {
            inner: self.inner.clone(),
            cassette: self.cassette.clone(),
        }
    }
}

impl Recorder {
    /// Records what goes through `inner` (e.g. [`HttpTransport`](crate::transport::HttpTransport)). Clones
    /// share one recording.
    pub fn new(inner: impl Transport + 'static) -> Recorder {
        Recorder {
            inner: Arc::new(inner),
            cassette: Arc::default(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Cassette> {
        self.cassette.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The recording as cassette JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&*self.lock()).unwrap_or_default()
    }

    /// Writes the recording to `path` (cassette JSON).
    pub fn save(&self, path: impl AsRef<Path>) -> std::io::Result<()> {
        std::fs::write(path, self.to_json())
    }
}

impl Transport for Recorder {
    fn send<'a>(&'a self, request: HttpRequest, limits: &'a Limits) -> TransportFuture<'a> {
        Box::pin(async move {
            let key = Sent::of(&request).key();
            let response = self.inner.send(request, limits).await?;
            let headers = response
                .headers
                .iter()
                .filter(|(k, _)| KEPT_RESPONSE_HEADERS.contains(&k.as_str()))
                .filter_map(|(k, v)| Some((k.as_str().to_string(), v.to_str().ok()?.to_string())))
                .collect();
            self.lock().interactions.push(Interaction {
                request: key,
                response: Recorded {
                    status: response.status,
                    headers,
                    body: String::from_utf8_lossy(&response.body).into_owned(),
                },
            });
            Ok(response)
        })
    }
}

/// A transport that answers from a cassette [`Recorder`] wrote, and never reaches the network.
///
/// A request takes the first unused recorded answer of a request identical to it (method, path, action,
/// version and parameters, whatever its signature, nonce, timestamp and `ClientToken`); when all of them have
/// been used, the last one again. A request never recorded fails with [`Error::Config`] naming it.
#[derive(Debug, Clone)]
pub struct Replay {
    answers: Arc<Mutex<BTreeMap<Key, Answers>>>,
}

/// The recorded answers of one request: those not used yet, and the last one used.
#[derive(Debug, Default)]
struct Answers {
    unused: VecDeque<Recorded>,
    last: Option<Recorded>,
}

impl Replay {
    /// Reads a cassette from `path`.
    pub fn load(path: impl AsRef<Path>) -> Result<Replay, Error> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::Config(format!("cannot read cassette {}: {e}", path.display())))?;
        Replay::from_json(&text)
            .map_err(|e| Error::Config(format!("cassette {}: {e}", path.display())))
    }

    /// Reads a cassette from its JSON text.
    pub fn from_json(text: &str) -> Result<Replay, Error> {
        let cassette: Cassette = serde_json::from_str(text)
            .map_err(|e| Error::Config(format!("not a cassette: {e}")))?;
        let mut answers: BTreeMap<Key, Answers> = BTreeMap::new();
        for i in cassette.interactions {
            answers
                .entry(i.request)
                .or_default()
                .unused
                .push_back(i.response);
        }
        Ok(Replay {
            answers: Arc::new(Mutex::new(answers)),
        })
    }

    fn answer(&self, request: &HttpRequest) -> Result<HttpResponse, Error> {
        let key = Sent::of(request).key();
        let mut answers = self.answers.lock().unwrap_or_else(|p| p.into_inner());
        let Some(Answers { unused, last }) = answers.get_mut(&key) else {
            let params: Vec<String> = key.params.iter().map(|(k, v)| format!("{k}={v}")).collect();
            return Err(Error::Config(format!(
                "replay: no recorded answer for {} {} `{}` (version {}) with {}",
                key.method,
                key.path,
                key.action,
                key.version,
                if params.is_empty() {
                    "no parameters".to_string()
                } else {
                    params.join("&")
                }
            )));
        };
        if let Some(next) = unused.pop_front() {
            *last = Some(next);
        }
        let recorded = last
            .as_ref()
            .ok_or_else(|| Error::Config("replay: empty entry".into()))?;
        let mut headers = HeaderMap::new();
        for (k, v) in &recorded.headers {
            if let (Ok(k), Ok(v)) = (
                HeaderName::from_bytes(k.as_bytes()),
                HeaderValue::from_str(v),
            ) {
                headers.insert(k, v);
            }
        }
        Ok(HttpResponse {
            status: recorded.status,
            headers,
            body: recorded.body.clone().into_bytes(),
        })
    }
}

impl Transport for Replay {
    fn send<'a>(&'a self, request: HttpRequest, _limits: &'a Limits) -> TransportFuture<'a> {
        let answer = self.answer(&request);
        Box::pin(async move { answer })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::HttpMethod;

    fn request(method: HttpMethod, url: &str, headers: &[(&str, &str)], body: &str) -> HttpRequest {
        HttpRequest {
            method,
            url: crate::transport::Url::parse(url).unwrap(),
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn a_request_is_known_by_what_it_asks_not_by_its_signature_nonce_time_or_client_token() {
        let form = [
            ("content-type", "application/x-www-form-urlencoded"),
            ("x-acs-action", "CreateVpc"),
            ("x-acs-version", "2016-04-28"),
        ];
        let a = request(
            HttpMethod::Post,
            "https://vpc.aliyuncs.com/?RegionId=cn-hangzhou",
            &[
                &form[..],
                &[
                    ("x-acs-signature-nonce", "n1"),
                    ("x-acs-date", "2026-01-01T00:00:00Z"),
                    ("authorization", "sig-1"),
                ],
            ]
            .concat(),
            "CidrBlock=10.0.0.0%2F8&ClientToken=t-1",
        );
        let b = request(
            HttpMethod::Post,
            "https://vpc.aliyuncs.com/?RegionId=cn-hangzhou",
            &[
                &form[..],
                &[
                    ("x-acs-signature-nonce", "n2"),
                    ("x-acs-date", "2026-01-02T00:00:00Z"),
                    ("authorization", "sig-2"),
                ],
            ]
            .concat(),
            "ClientToken=t-2&CidrBlock=10.0.0.0%2F8",
        );
        assert_eq!(Sent::of(&a).key(), Sent::of(&b).key());
        let sent = Sent::of(&a);
        assert_eq!(
            (sent.action.as_str(), sent.version.as_str()),
            ("CreateVpc", "2016-04-28")
        );
        assert_eq!(sent.param("CidrBlock"), Some("10.0.0.0/8"));

        // The RPC signature's parameters, in the query.
        let rpc = |nonce: &str, sig: &str, time: &str| {
            request(
                HttpMethod::Get,
                &format!("https://vpc.aliyuncs.com/?Action=DescribeVpcs&Version=2016-04-28&PageNumber=2&SignatureNonce={nonce}&Signature={sig}&Timestamp={time}&AccessKeyId=LTAI&SecurityToken=tok"),
                &[],
                "",
            )
        };
        let (c, d) = (rpc("n1", "s1", "t1"), rpc("n2", "s2", "t2"));
        assert_eq!(Sent::of(&c).key(), Sent::of(&d).key());
        let key = Sent::of(&c).key();
        assert_eq!(key.action, "DescribeVpcs");
        assert_eq!(
            key.params.keys().collect::<Vec<_>>(),
            ["PageNumber"],
            "no secret or signature kept"
        );

        // Another page is another request.
        let other = request(
            HttpMethod::Get,
            "https://vpc.aliyuncs.com/?Action=DescribeVpcs&Version=2016-04-28&PageNumber=3",
            &[],
            "",
        );
        assert_ne!(Sent::of(&other).key(), key);
    }

    #[test]
    fn a_json_body_is_read_without_its_client_token() {
        let json = [
            ("content-type", "application/json; charset=utf-8"),
            ("x-acs-action", "CreateWidget"),
            ("x-acs-version", "2024-05-20"),
        ];
        let a = request(
            HttpMethod::Post,
            "https://w.aliyuncs.com/shelves/sh-1/widgets",
            &json,
            r#"{"Name":"gear","ClientToken":"a","Size":3}"#,
        );
        let b = request(
            HttpMethod::Post,
            "https://w.aliyuncs.com/shelves/sh-1/widgets",
            &json,
            r#"{"Size":3,"ClientToken":"b","Name":"gear"}"#,
        );
        assert_eq!(Sent::of(&a).key(), Sent::of(&b).key());
        assert_eq!(Sent::of(&a).param("Size"), Some("3"));
        let c = request(
            HttpMethod::Post,
            "https://w.aliyuncs.com/shelves/sh-2/widgets",
            &json,
            r#"{"Name":"gear","Size":3}"#,
        );
        assert_ne!(Sent::of(&a).key(), Sent::of(&c).key(), "the path counts");
    }

    #[test]
    fn replay_answers_in_recorded_order_then_repeats_the_last_and_refuses_the_unknown() {
        let key = |n: &str| Key {
            method: "POST".into(),
            path: "/".into(),
            action: "GetReport".into(),
            version: "2020-09-07".into(),
            params: [("Id".to_string(), n.to_string())].into(),
        };
        let answer = |body: &str| Recorded {
            status: 200,
            headers: BTreeMap::new(),
            body: body.into(),
        };
        let cassette = Cassette {
            interactions: vec![
                Interaction {
                    request: key("1"),
                    response: answer("first"),
                },
                Interaction {
                    request: key("1"),
                    response: answer("second"),
                },
            ],
        };
        let replay = Replay::from_json(&serde_json::to_string(&cassette).unwrap()).unwrap();
        let r = request(
            HttpMethod::Post,
            "https://config.aliyuncs.com/?Id=1",
            &[
                ("x-acs-action", "GetReport"),
                ("x-acs-version", "2020-09-07"),
            ],
            "",
        );
        let bodies: Vec<_> = (0..3)
            .map(|_| String::from_utf8(replay.answer(&r).unwrap().body).unwrap())
            .collect();
        assert_eq!(bodies, ["first", "second", "second"]);
        let unknown = request(
            HttpMethod::Post,
            "https://config.aliyuncs.com/?Id=2",
            &[
                ("x-acs-action", "GetReport"),
                ("x-acs-version", "2020-09-07"),
            ],
            "",
        );
        let e = replay.answer(&unknown).unwrap_err();
        assert!(
            e.to_string().contains(
                "no recorded answer for POST / `GetReport` (version 2020-09-07) with Id=2"
            ),
            "{e}"
        );
        assert!(Replay::from_json("{}").is_err(), "not a cassette");
    }
}
