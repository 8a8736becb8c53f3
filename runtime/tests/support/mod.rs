//! A fake Alibaba Cloud service on 127.0.0.1 (hyper 1 server), RPC or ROA.
//!
//! It checks every request's signature with the rules recomputed here from what it received (not with the
//! runtime's signer), records the request, and answers as told by a queue of [`Fault`]s (then plain success).
//! Started with ROA routes ([`Fake::start_roa`]), it also checks each request's method and path against them,
//! answers with the matched route's example, and a request no route matches with a 404.

#![allow(dead_code)]

use std::collections::VecDeque;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use bytes::Bytes;
use hmac::{Hmac, Mac};
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::body::Frame;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use sha2::{Digest, Sha256};

/// Retries with backoffs short enough for tests.
pub fn fast_retries(max_attempts: u32) -> aliyun_runtime::RetryConfig {
    aliyun_runtime::RetryConfig {
        max_attempts,
        initial_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(5),
    }
}

/// A client of the fake with static credentials, a fixed jitter seed and no proxy.
pub fn client(
    fake: &Fake,
    id: &str,
    secret: &str,
    retry: aliyun_runtime::RetryConfig,
) -> aliyun_runtime::Client {
    aliyun_runtime::Client::builder()
        .region("cn-shanghai")
        .endpoint(fake.url())
        .credentials(aliyun_runtime::Credentials::new(id, secret))
        .retry(retry)
        .jitter_seed(7)
        .no_proxy()
        .build()
        .unwrap()
}

/// A credentials provider that always fails.
#[derive(Debug)]
pub struct NoCredentials;

impl aliyun_runtime::ProvideCredentials for NoCredentials {
    fn provide_credentials(&self) -> aliyun_runtime::credentials::CredentialsFuture<'_> {
        Box::pin(async { Err(aliyun_runtime::Error::Credentials("none here".into())) })
    }
}

/// A `DescribeNatGateways` answer: page `number` holding the NAT gateways `ids` (status `Available`), of `total`
/// in all, two to a page.
pub fn nat_page(number: u32, ids: &[&str], total: usize) -> Fault {
    let gateways: Vec<_> = ids
        .iter()
        .map(|id| serde_json::json!({"NatGatewayId": id, "Status": "Available"}))
        .collect();
    let body = serde_json::json!({
        "RequestId": format!("page-{number}"),
        "PageNumber": number,
        "PageSize": 2,
        "TotalCount": total,
        "NatGateways": {"NatGateway": gateways},
    });
    Fault::Reply(200, vec![], body.to_string())
}

/// How the fake answers one request.
#[derive(Debug, Clone)]
pub enum Fault {
    /// A JSON error body with this status and code.
    Code(u16, &'static str),
    /// This status with an empty body.
    EmptyStatus(u16),
    /// This status with this body.
    Body(u16, &'static str),
    /// An HTML 502 page, as a gateway gives.
    Html502,
    /// Success after this delay.
    Slow(Duration),
    /// The connection is closed without an answer.
    Drop,
    /// A 200 whose body stops short of its Content-Length.
    Truncated,
    /// Any answer: status, extra headers, body.
    Reply(u16, Vec<(&'static str, String)>, String),
    /// A 200 success whose head has this many extra headers.
    ManyHeaders(usize),
    /// Any answer, given whether or not the request is signed (an anonymous call such as
    /// `AssumeRoleWithOIDC`, or a credentials URI).
    Anonymous(u16, String),
    /// A 200 streaming 1 GiB of zeros, with or without a Content-Length; bytes handed to the connection are
    /// counted in [`Fake::streamed`].
    Endless { content_length: bool },
    /// A JSON error body spelled as some ROA services spell it: `code`, `message`, `requestId`.
    LowerCaseCode(u16, &'static str),
    /// This status, extra headers and body, the body gzip-compressed (`content-encoding: gzip`); given whether
    /// or not the request is signed.
    Gzip(u16, Vec<(&'static str, String)>, String),
    /// A 200 whose body (`bytes` long, announced) comes one byte every `every`; given whether or not the
    /// request is signed.
    Drip { bytes: usize, every: Duration },
}

/// A ROA operation the fake serves: method, path template (`/things/{Id}`) and the example it answers with.
#[derive(Debug, Clone)]
pub struct Route {
    pub method: &'static str,
    pub path: &'static str,
    pub answer: &'static str,
}

/// One request as the fake received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub form: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub signed_headers: Vec<String>,
    pub signature_ok: bool,
    pub signature_problem: Option<String>,
    /// When the fake had read the request.
    pub received: std::time::Instant,
    /// ROA: the template of the route that method and path matched, and the path parameters, decoded.
    pub route: Option<&'static str>,
    pub path_params: Vec<(String, String)>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
    pub fn form_param(&self, name: &str) -> Option<&str> {
        self.form
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

struct State {
    secret: String,
    routes: Vec<Route>,
    /// Secrets of other access key ids (STS credentials, say); any other id is checked against `secret`.
    keys: Mutex<std::collections::HashMap<String, String>>,
    faults: Mutex<VecDeque<Fault>>,
    requests: Mutex<Vec<Recorded>>,
    streamed: std::sync::atomic::AtomicU64,
}

pub struct Fake {
    addr: SocketAddr,
    state: Arc<State>,
}

impl Fake {
    /// Starts the fake on an ephemeral port; it lives as long as the test's runtime.
    pub async fn start(secret: &str) -> Fake {
        Fake::start_roa(secret, Vec::new()).await
    }

    /// Starts a fake ROA service serving these routes.
    pub async fn start_roa(secret: &str, routes: Vec<Route>) -> Fake {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(State {
            secret: secret.to_string(),
            routes,
            keys: Mutex::new(std::collections::HashMap::new()),
            faults: Mutex::new(VecDeque::new()),
            requests: Mutex::new(Vec::new()),
            streamed: std::sync::atomic::AtomicU64::new(0),
        });
        let st = state.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let st = st.clone();
                tokio::spawn(async move {
                    let svc = service_fn(move |req| handle(st.clone(), req));
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), svc)
                        .await;
                });
            }
        });
        Fake { addr, state }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn authority(&self) -> String {
        self.addr.to_string()
    }

    /// Checks requests signed by `access_key_id` against `secret`.
    pub fn add_key(&self, access_key_id: &str, secret: &str) {
        self.state
            .keys
            .lock()
            .unwrap()
            .insert(access_key_id.to_string(), secret.to_string());
    }

    /// Queues how the next request not yet answered is answered.
    pub fn push(&self, fault: Fault) {
        self.state.faults.lock().unwrap().push_back(fault);
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.state.requests.lock().unwrap().clone()
    }

    /// Bytes of [`Fault::Endless`] bodies handed to connections so far.
    pub fn streamed(&self) -> u64 {
        self.state
            .streamed
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Requests received so far.
    pub fn count(&self) -> usize {
        self.state.requests.lock().unwrap().len()
    }
}

type Body = BoxBody<Bytes, std::io::Error>;

fn full(bytes: Bytes) -> Body {
    Full::new(bytes)
        .map_err(|never: Infallible| match never {})
        .boxed()
}

fn json(status: u16, request_id: &str, body: serde_json::Value) -> Response<Body> {
    Response::builder()
        .status(status)
        .header("content-type", "application/json;charset=utf-8")
        .header("x-acs-request-id", request_id)
        .body(full(Bytes::from(body.to_string())))
        .unwrap()
}

fn raw(status: u16, request_id: &str, content_type: &str, body: &'static str) -> Response<Body> {
    Response::builder()
        .status(status)
        .header("content-type", content_type)
        .header("x-acs-request-id", request_id)
        .body(full(Bytes::from_static(body.as_bytes())))
        .unwrap()
}

/// Matches a received (encoded) path against a template; gives the decoded path parameters.
fn match_path(template: &str, path: &str) -> Option<Vec<(String, String)>> {
    let want: Vec<&str> = template.split('/').collect();
    let got: Vec<&str> = path.split('/').collect();
    if want.len() != got.len() {
        return None;
    }
    let mut params = Vec::new();
    for (w, g) in want.iter().zip(&got) {
        match w.strip_prefix('{').and_then(|w| w.strip_suffix('}')) {
            Some(name) if !g.is_empty() => params.push((
                name.to_string(),
                percent_encoding::percent_decode_str(g)
                    .decode_utf8_lossy()
                    .into_owned(),
            )),
            Some(_) => return None,
            None if w == g => {}
            None => return None,
        }
    }
    Some(params)
}

fn lower_case_error_body(status: u16, request_id: &str, code: &str) -> Response<Body> {
    json(
        status,
        request_id,
        serde_json::json!({
            "requestId": request_id,
            "code": code,
            "message": format!("fault {code}"),
        }),
    )
}

fn raw_owned(status: u16, request_id: &str, body: String) -> Response<Body> {
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .header("x-acs-request-id", request_id)
        .body(full(Bytes::from(body)))
        .unwrap()
}

/// The access key id a request is signed with: ACS3 `Credential=`, or the RPC `AccessKeyId` parameter.
fn access_key_id(r: &Recorded) -> Option<String> {
    if let Some(auth) = r.header("authorization") {
        return auth
            .split([' ', ','])
            .find_map(|p| p.strip_prefix("Credential="))
            .map(str::to_string);
    }
    r.query_param("AccessKeyId").map(str::to_string)
}

fn error_body(status: u16, request_id: &str, code: &str) -> Response<Body> {
    json(
        status,
        request_id,
        serde_json::json!({
            "RequestId": request_id,
            "HostId": "config.cn-shanghai.aliyuncs.com",
            "Code": code,
            "Message": format!("fault {code}"),
            "Recommend": "https://api.aliyun.com/troubleshoot?q=diagnosis",
        }),
    )
}

async fn handle(st: Arc<State>, req: Request<Incoming>) -> Result<Response<Body>, std::io::Error> {
    let (parts, body) = req.into_parts();
    let body = body
        .collect()
        .await
        .map(|b| b.to_bytes().to_vec())
        .unwrap_or_default();
    let query = parse_form(parts.uri.query().unwrap_or(""));
    let headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let is_form = headers
        .iter()
        .any(|(k, v)| k == "content-type" && v.starts_with("application/x-www-form-urlencoded"));
    let form = if is_form {
        parse_form(&String::from_utf8_lossy(&body))
    } else {
        Vec::new()
    };
    let method = parts.method.as_str().to_string();
    let path = parts.uri.path().to_string();
    let mut rec = Recorded {
        method,
        path,
        query,
        form,
        headers,
        body,
        signed_headers: Vec::new(),
        signature_ok: false,
        signature_problem: None,
        received: std::time::Instant::now(),
        route: None,
        path_params: Vec::new(),
    };
    let route = st.routes.iter().find_map(|r| {
        (r.method == rec.method)
            .then(|| match_path(r.path, &rec.path))
            .flatten()
            .map(|params| (r, params))
    });
    if let Some((r, params)) = &route {
        rec.route = Some(r.path);
        rec.path_params = params.clone();
    }
    let answer = route.map(|(r, _)| r.answer);

    let secret = access_key_id(&rec)
        .and_then(|id| st.keys.lock().unwrap().get(&id).cloned())
        .unwrap_or_else(|| st.secret.clone());
    match verify(&rec, &secret) {
        Ok(signed) => {
            rec.signature_ok = true;
            rec.signed_headers = signed;
        }
        Err(p) => rec.signature_problem = Some(p),
    }
    let action = rec
        .header("x-acs-action")
        .map(str::to_string)
        .or_else(|| rec.query_param("Action").map(str::to_string))
        .unwrap_or_default();
    let ok = rec.signature_ok;
    let n = {
        let mut reqs = st.requests.lock().unwrap();
        reqs.push(rec);
        reqs.len()
    };
    let id = format!("req-{n}");
    let fault = st.faults.lock().unwrap().pop_front();
    match fault {
        Some(Fault::Anonymous(status, body)) => return Ok(raw_owned(status, &id, body)),
        Some(Fault::Gzip(status, headers, body)) => {
            return Ok(gzipped(status, &id, headers, &body))
        }
        Some(Fault::Drip { bytes, every }) => return Ok(dripped(bytes, every)),
        Some(Fault::Endless { content_length }) if !ok => return Ok(endless(&st, content_length)),
        _ => {}
    }
    if !ok {
        return Ok(error_body(400, &id, "SignatureDoesNotMatch"));
    }
    if !st.routes.is_empty() && answer.is_none() {
        return Ok(lower_case_error_body(404, &id, "InvalidApi.NotFound"));
    }
    let success = |id: &str| match answer {
        Some(example) => raw(200, id, "application/json", example),
        None => json(
            200,
            id,
            serde_json::json!({"RequestId": id, "Action": action}),
        ),
    };
    Ok(match fault {
        None | Some(Fault::Anonymous(..)) => success(&id),
        Some(Fault::Code(status, code)) => error_body(status, &id, code),
        Some(Fault::LowerCaseCode(status, code)) => lower_case_error_body(status, &id, code),
        Some(Fault::EmptyStatus(status)) => raw(status, &id, "text/plain", ""),
        Some(Fault::Body(status, body)) => raw(status, &id, "application/json", body),
        Some(Fault::Html502) => raw(
            502,
            &id,
            "text/html",
            "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n",
        ),
        Some(Fault::Slow(d)) => {
            tokio::time::sleep(d).await;
            success(&id)
        }
        Some(Fault::Drop) => return Err(std::io::Error::other("dropping the connection")),
        Some(Fault::Reply(status, headers, body)) => {
            let mut b = Response::builder()
                .status(status)
                .header("x-acs-request-id", id.as_str());
            for (k, v) in headers {
                b = b.header(k, v);
            }
            b.body(full(Bytes::from(body))).unwrap()
        }
        Some(Fault::ManyHeaders(n)) => {
            let mut r = success(&id);
            for i in 0..n {
                r.headers_mut().append(
                    hyper::header::HeaderName::from_bytes(format!("x-extra-{i}").as_bytes()).unwrap(),
                    hyper::header::HeaderValue::from_static("v"),
                );
            }
            r
        }
        Some(Fault::Endless { content_length }) => endless(&st, content_length),
        Some(Fault::Gzip(..) | Fault::Drip { .. }) => unreachable!("answered above"),
        Some(Fault::Truncated) => {
            // 400 bytes announced, 26 sent; a pause lets them go out, then the connection is closed.
            let frames = futures_util::stream::unfold(0u8, |step| async move {
                match step {
                    0 => Some((Ok(Frame::data(Bytes::from_static(br#"{"RequestId":"req-1","Act"#))), 1)),
                    1 => {
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        Some((Err(std::io::Error::other("cut")), 2))
                    }
                    _ => None,
                }
            });
            Response::builder()
                .status(200)
                .header("content-type", "application/json")
                .header("content-length", "400")
                .body(BodyExt::boxed(StreamBody::new(frames)))
                .unwrap()
        }
    })
}

/// A 200 streaming 1 GiB of zeros; bytes handed to the connection are counted in `st.streamed`.
fn endless(st: &Arc<State>, content_length: bool) -> Response<Body> {
    const TOTAL: u64 = 1 << 30;
    const CHUNK: usize = 64 << 10;
    let st = st.clone();
    let frames = futures_util::stream::unfold(0u64, move |sent| {
        let st = st.clone();
        async move {
            if sent >= TOTAL {
                return None;
            }
            st.streamed
                .fetch_add(CHUNK as u64, std::sync::atomic::Ordering::Relaxed);
            let chunk = Bytes::from(vec![b'0'; CHUNK]);
            Some((
                Ok::<_, std::io::Error>(Frame::data(chunk)),
                sent + CHUNK as u64,
            ))
        }
    });
    let mut b = Response::builder()
        .status(200)
        .header("content-type", "application/json");
    if content_length {
        b = b.header("content-length", TOTAL.to_string());
    }
    b.body(BodyExt::boxed(StreamBody::new(frames))).unwrap()
}

fn gzipped(
    status: u16,
    id: &str,
    headers: Vec<(&'static str, String)>,
    body: &str,
) -> Response<Body> {
    use std::io::Write as _;
    let mut z = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(body.as_bytes()).unwrap();
    let mut b = Response::builder()
        .status(status)
        .header("x-acs-request-id", id)
        .header("content-type", "application/json")
        .header("content-encoding", "gzip");
    for (k, v) in headers {
        b = b.header(k, v);
    }
    b.body(full(Bytes::from(z.finish().unwrap()))).unwrap()
}

fn dripped(bytes: usize, every: Duration) -> Response<Body> {
    let frames = futures_util::stream::unfold(0usize, move |sent| async move {
        if sent >= bytes {
            return None;
        }
        tokio::time::sleep(every).await;
        Some((
            Ok::<_, std::io::Error>(Frame::data(Bytes::from_static(b" "))),
            sent + 1,
        ))
    });
    Response::builder()
        .status(200)
        .header("content-type", "application/json")
        .header("content-length", bytes.to_string())
        .body(BodyExt::boxed(StreamBody::new(frames)))
        .unwrap()
}

fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(&s.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned()
}

fn parse_form(s: &str) -> Vec<(String, String)> {
    s.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (decode(k), decode(v)),
            None => (decode(p), String::new()),
        })
        .collect()
}

/// RFC 3986 encoding written out here, so the check does not reuse the runtime's encoder.
fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn canonical(params: &[(String, String)], encode_names: bool) -> String {
    let mut p: Vec<&(String, String)> = params.iter().collect();
    p.sort();
    p.iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                if encode_names { enc(k) } else { k.clone() },
                enc(v)
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// Checks the signature; gives the signed header names.
fn verify(r: &Recorded, secret: &str) -> Result<Vec<String>, String> {
    match r.header("authorization") {
        Some(auth) => verify_acs3(r, auth, secret),
        None => verify_rpc(r, secret).map(|_| Vec::new()),
    }
}

fn verify_acs3(r: &Recorded, auth: &str, secret: &str) -> Result<Vec<String>, String> {
    let rest = auth
        .strip_prefix("ACS3-HMAC-SHA256 ")
        .ok_or("not ACS3-HMAC-SHA256")?;
    let mut signed = None;
    let mut signature = None;
    let mut credential = None;
    for part in rest.split(',') {
        match part.split_once('=') {
            Some(("Credential", v)) => credential = Some(v),
            Some(("SignedHeaders", v)) => signed = Some(v),
            Some(("Signature", v)) => signature = Some(v),
            _ => return Err(format!("unexpected Authorization part {part:?}")),
        }
    }
    let (Some(_), Some(signed), Some(signature)) = (credential, signed, signature) else {
        return Err("incomplete Authorization".into());
    };
    let names: Vec<String> = signed.split(';').map(str::to_string).collect();
    for must in [
        "host",
        "x-acs-action",
        "x-acs-version",
        "x-acs-date",
        "x-acs-signature-nonce",
        "x-acs-content-sha256",
    ] {
        if !names.iter().any(|n| n == must) {
            return Err(format!("{must} is not signed"));
        }
    }
    let mut sorted_names = names.clone();
    sorted_names.sort();
    if sorted_names != names {
        return Err("SignedHeaders not sorted".into());
    }
    let payload = hex::encode(Sha256::digest(&r.body));
    if r.header("x-acs-content-sha256") != Some(payload.as_str()) {
        return Err("x-acs-content-sha256 does not match the body".into());
    }
    let mut canonical_headers = String::new();
    for n in &names {
        let v = r
            .header(n)
            .ok_or_else(|| format!("signed header {n} not sent"))?;
        canonical_headers.push_str(&format!("{n}:{}\n", v.trim()));
    }
    let cr = format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        r.method,
        r.path,
        canonical(&r.query, false),
        canonical_headers,
        signed,
        payload
    );
    let sts = format!(
        "ACS3-HMAC-SHA256\n{}",
        hex::encode(Sha256::digest(cr.as_bytes()))
    );
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(sts.as_bytes());
    let expected = hex::encode(mac.finalize().into_bytes());
    if expected != signature {
        return Err(format!("signature mismatch; canonical request was {cr:?}"));
    }
    Ok(names)
}

fn verify_rpc(r: &Recorded, secret: &str) -> Result<(), String> {
    let sig = r
        .query_param("Signature")
        .ok_or("no Authorization header and no Signature parameter")?;
    if r.query_param("SignatureMethod") != Some("HMAC-SHA1")
        || r.query_param("SignatureVersion") != Some("1.0")
    {
        return Err("not HMAC-SHA1 1.0".into());
    }
    let params: Vec<(String, String)> = r
        .query
        .iter()
        .filter(|(k, _)| k != "Signature")
        .chain(r.form.iter())
        .cloned()
        .collect();
    let sts = format!("{}&%2F&{}", r.method, enc(&canonical(&params, true)));
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(format!("{secret}&").as_bytes()).unwrap();
    mac.update(sts.as_bytes());
    let expected = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    if expected != sig {
        return Err(format!(
            "RPC signature mismatch; string to sign was {sts:?}"
        ));
    }
    Ok(())
}
