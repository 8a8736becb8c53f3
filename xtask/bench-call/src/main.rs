//! `cargo xtask bench-call [--calls N] [--concurrency 1,32] [--rounds R]` (which runs this package's release
//! build): the runtime's per-call overhead on 127.0.0.1, printed as a markdown table.
//!
//! A package of its own because it links a generated crate (`aliyun-config`): `xtask` itself builds from
//! `codegen` alone, so a generator bug that breaks a generated crate cannot make `cargo xtask regen`
//! unbuildable, and a regen that changes `generated/config` does not relink the generator.
//!
//! One operation (`aliyun_config::GetAggregateCompliancePackReportRequest`, an RPC POST) is called two ways
//! against a tiny hyper server started here, which answers every signed request with the same small JSON body:
//! - **runtime**: `aliyun_runtime::Client::call` with static credentials and `.endpoint("http://127.0.0.1:PORT")`;
//! - **bare**: a `reqwest::Client` request written by hand that signs inline with the runtime's public signing
//!   functions (`aliyun_runtime::sign`, `ACS3-HMAC-SHA256` as the client does by default) and decodes the body
//!   with `aliyun_runtime::de::from_slice` into the same response type: the least any client must do for the
//!   same call.
//!
//! Both use the same timeouts and no proxy. Each mode (sequential, or N calls in flight) warms up, then runs
//! several rounds alternating which side goes first; the table gives the median wall time per call of each side,
//! and the median of the rounds' ratios (each round times both sides back to back, so drift of a shared machine
//! weighs on both alike).
//! The server runs on its own thread (a current-thread Tokio runtime), the clients on the main thread (another
//! one, which also drives their connections), so the wall time is a client's CPU cost plus the loopback round
//! trip, and the CPU time of the main thread is the client's own cost: also reported, as it is the steadier
//! figure on a machine shared with other work. Every round is bounded in time.
//!
//! `aliyun-openapi-core-rust-sdk` is not a column: it can be pointed at `http://127.0.0.1` (its endpoint is any
//! URL), but it brings a second HTTP stack (reqwest 0.11, hyper 0.14, native-tls and OpenSSL; 42 more packages)
//! and builds a new HTTP client, trust store included, in every `send`: about 54 ms of CPU per call here, three
//! orders of magnitude off the figures below, so it would only measure that.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use aliyun_config::{
    get_aggregate_compliance_pack_report::GetAggregateCompliancePackReportRequired,
    GetAggregateCompliancePackReportRequest as Request,
    GetAggregateCompliancePackReportResponse as Response,
};
use aliyun_runtime::sign::{form_urlencode, hex_sha256, sign_acs3, Acs3Input};
use aliyun_runtime::{Client, Credentials, Operation};
use anyhow::{ensure, Context, Result};
use bytes::Bytes;
use futures_util::{StreamExt as _, TryStreamExt as _};
use http_body_util::{BodyExt as _, Full};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

const ACCESS_KEY_ID: &str = "LTAI5tBenchCallKeyId";
const ACCESS_KEY_SECRET: &str = "bench-call-secret-value";
/// Timeouts of both clients (the runtime's defaults).
const CONNECT_TIMEOUT: Duration = aliyun_runtime::DEFAULT_CONNECT_TIMEOUT;
const READ_TIMEOUT: Duration = aliyun_runtime::DEFAULT_READ_TIMEOUT;
/// No round of one side may take longer than this.
const ROUND_LIMIT: Duration = Duration::from_secs(60);
/// Rounds stop once a mode has run this long (at least one round is always run).
const MODE_BUDGET: Duration = Duration::from_secs(90);

/// The answer: an RPC-style body as the Config service gives for this operation.
const ANSWER: &str = r#"{"RequestId":"6EC7AED1-172F-42AE-9C12-295BC2ADB9BA","CompliancePackReport":{"ReportStatus":"COMPLETE","ReportUrl":"https://cloud-config-compliance-report.oss-cn-shanghai.aliyuncs.com/CompliancePackReports/1009318965421234/cp-fdc8626622af00f9****/report-202106221050.zip?Expires=1624331234&Signature=RqvJZtaxQ2HfqRcl0Ic2HG8oo****","CompliancePackId":"cp-fdc8626622af00f9****","AccountId":1009318965421234,"ReportCreateTimestamp":1624330250000}}"#;

/// Time one signed call through the runtime against a bare reqwest call on 127.0.0.1; print a markdown table.
#[derive(clap::Parser)]
struct Cli {
    /// Calls per round.
    #[arg(long, default_value_t = 1000)]
    calls: usize,
    /// Comma-separated numbers of calls in flight (1 is sequential).
    #[arg(long, value_delimiter = ',', default_value = "1,32")]
    concurrency: Vec<usize>,
    /// Rounds per mode (the median is reported).
    #[arg(long, default_value_t = 15)]
    rounds: usize,
}

fn main() -> Result<()> {
    let cli = <Cli as clap::Parser>::parse();
    run(cli.calls, &cli.concurrency, cli.rounds)
}

fn run(calls: usize, concurrency: &[usize], rounds: usize) -> Result<()> {
    ensure!(
        calls > 0 && rounds > 0,
        "--calls and --rounds must be at least 1"
    );
    ensure!(
        concurrency.iter().all(|&c| c > 0),
        "--concurrency values must be at least 1"
    );
    let server = Server::start(false)?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let rows = rt.block_on(async {
        let sides = Sides::new(server.addr)?;
        let mut rows = Vec::new();
        for &c in concurrency {
            eprintln!("bench-call: {calls} calls, {c} in flight …");
            rows.push(mode(&sides, calls, c, rounds).await?);
        }
        anyhow::Ok(rows)
    })?;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    print!("{}", table(&rows));
    println!(
        "\nMedians of {rounds} rounds (fewer if a mode ran out of time) of {calls} signed calls per side; ratios are \
         the median of the rounds' ratios. Server and client on 127.0.0.1, one thread each; {cores} cores. \
         Requests answered: {}.",
        server.answered()
    );
    Ok(())
}

struct Row {
    concurrency: usize,
    calls: usize,
    rounds: usize,
    bare: Duration,
    runtime: Duration,
    /// Median of the rounds' runtime / bare ratios.
    ratio: f64,
    /// CPU time of the client thread per call, when the platform tells it, and the median ratio.
    bare_cpu: Option<Duration>,
    runtime_cpu: Option<Duration>,
    cpu_ratio: Option<f64>,
}

/// What one round measured, per call.
#[derive(Clone, Copy)]
struct Sample {
    wall: Duration,
    cpu: Option<Duration>,
}

/// Both sides, ready to call the server.
struct Sides {
    runtime: Client,
    bare: Bare,
    request: Request,
}

impl Sides {
    fn new(addr: SocketAddr) -> Result<Sides> {
        let endpoint = format!("http://{addr}");
        let runtime = Client::builder()
            .endpoint(endpoint.as_str())
            .credentials(Credentials::new(ACCESS_KEY_ID, ACCESS_KEY_SECRET))
            .connect_timeout(CONNECT_TIMEOUT)
            .read_timeout(READ_TIMEOUT)
            .no_proxy()
            .build()?;
        Ok(Sides {
            runtime,
            bare: Bare::new(addr)?,
            request: Request::new(GetAggregateCompliancePackReportRequired {
                compliance_pack_id: "cp-fdc8626622af00f9****",
                aggregator_id: "ca-f632626622af0079****",
            }),
        })
    }

    async fn call(&self, side: Side) -> Result<Response> {
        match side {
            Side::Bare => self.bare.call(&self.request).await,
            Side::Runtime => Ok(self.runtime.call(&self.request).await?),
        }
    }

    /// `calls` calls with `concurrency` in flight; the time per call.
    async fn round(&self, side: Side, calls: usize, concurrency: usize) -> Result<Sample> {
        let started = Instant::now();
        let cpu_started = thread_cpu_time();
        let all = futures_util::stream::iter(0..calls)
            .map(|_| self.call(side))
            .buffer_unordered(concurrency)
            .try_for_each(|response| {
                std::hint::black_box(response);
                std::future::ready(Ok(()))
            });
        tokio::time::timeout(ROUND_LIMIT, all)
            .await
            .with_context(|| format!("a round of {calls} calls took longer than {ROUND_LIMIT:?}"))?
            .with_context(|| format!("{side:?} call failed"))?;
        let wall = started.elapsed();
        let cpu = thread_cpu_time()
            .zip(cpu_started)
            .map(|(end, start)| end.saturating_sub(start));
        Ok(Sample {
            wall: wall / calls as u32,
            cpu: cpu.map(|c| c / calls as u32),
        })
    }
}

#[derive(Debug, Clone, Copy)]
enum Side {
    Bare,
    Runtime,
}

async fn mode(sides: &Sides, calls: usize, concurrency: usize, rounds: usize) -> Result<Row> {
    let warm_up = calls.clamp(1, 500);
    for side in [Side::Bare, Side::Runtime] {
        sides.round(side, warm_up, concurrency).await?;
    }
    let started = Instant::now();
    let (mut bare, mut runtime) = (Vec::new(), Vec::new());
    for r in 0..rounds {
        if r > 0 && started.elapsed() > MODE_BUDGET {
            eprintln!("bench-call: stopping after {r} rounds ({MODE_BUDGET:?} budget)");
            break;
        }
        // Alternate which side goes first, so drift of the machine weighs on both alike.
        let order = if r % 2 == 0 {
            [Side::Bare, Side::Runtime]
        } else {
            [Side::Runtime, Side::Bare]
        };
        for side in order {
            let t = sides.round(side, calls, concurrency).await?;
            match side {
                Side::Bare => bare.push(t),
                Side::Runtime => runtime.push(t),
            }
        }
    }
    let cpu = |samples: &[Sample]| -> Option<Duration> {
        let mut v: Vec<Duration> = samples.iter().map(|s| s.cpu).collect::<Option<_>>()?;
        Some(median(&mut v))
    };
    let wall = |samples: &[Sample]| median(&mut samples.iter().map(|s| s.wall).collect::<Vec<_>>());
    let ratio = |f: &dyn Fn(&Sample) -> Option<Duration>| -> Option<f64> {
        let mut r = bare
            .iter()
            .zip(&runtime)
            .map(|(b, t)| Some(f(t)?.as_secs_f64() / f(b)?.as_secs_f64()))
            .collect::<Option<Vec<f64>>>()?;
        r.sort_by(f64::total_cmp);
        Some(r[r.len() / 2])
    };
    Ok(Row {
        concurrency,
        calls,
        rounds: bare.len(),
        bare: wall(&bare),
        runtime: wall(&runtime),
        ratio: ratio(&|s| Some(s.wall)).unwrap_or(f64::NAN),
        bare_cpu: cpu(&bare),
        runtime_cpu: cpu(&runtime),
        cpu_ratio: ratio(&|s| s.cpu),
    })
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times[times.len() / 2]
}

/// CPU time of the calling thread so far (Linux and other Unix systems with `CLOCK_THREAD_CPUTIME_ID`).
#[cfg(unix)]
fn thread_cpu_time() -> Option<Duration> {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; the call only writes into it.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    (rc == 0).then(|| Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32))
}

#[cfg(not(unix))]
fn thread_cpu_time() -> Option<Duration> {
    None
}

fn table(rows: &[Row]) -> String {
    let mut s = String::from(
        "| mode | calls | bare per call | runtime per call | runtime / bare | target | bare CPU per call | \
         runtime CPU per call | CPU runtime / bare |\n\
         | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n",
    );
    for r in rows {
        let mode = if r.concurrency == 1 {
            "sequential".to_string()
        } else {
            format!("{} in flight", r.concurrency)
        };
        let ratio = r.ratio;
        let (bare_cpu, runtime_cpu, cpu_ratio) = match (r.bare_cpu, r.runtime_cpu, r.cpu_ratio) {
            (Some(b), Some(t), Some(ratio)) => (micros(b), micros(t), format!("{ratio:.2}×")),
            _ => ("–".into(), "–".into(), "–".into()),
        };
        s.push_str(&format!(
            "| {mode} | {} × {} | {} | {} | {ratio:.2}× | ≤ 1.10× {} | {bare_cpu} | {runtime_cpu} | {cpu_ratio} |\n",
            r.rounds,
            r.calls,
            micros(r.bare),
            micros(r.runtime),
            if ratio <= 1.10 { "(met)" } else { "(not met)" }
        ));
    }
    s
}

fn micros(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}

/// The same call written by hand on `reqwest`, signed inline with the runtime's signing functions.
struct Bare {
    http: reqwest::Client,
    url: String,
    host: String,
    user_agent: String,
}

impl Bare {
    fn new(addr: SocketAddr) -> Result<Bare> {
        let http = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .read_timeout(READ_TIMEOUT)
            .no_proxy()
            .build()?;
        Ok(Bare {
            http,
            url: format!("http://{addr}/"),
            host: addr.to_string(),
            user_agent: "bench-call-bare".into(),
        })
    }

    async fn call(&self, request: &Request) -> Result<Response> {
        // The parameters of this operation, flattened by hand (an RPC POST: a form body).
        let params = [
            ("AggregatorId".to_string(), request.aggregator_id.clone()),
            (
                "CompliancePackId".to_string(),
                request.compliance_pack_id.clone(),
            ),
        ];
        let body = form_urlencode(&params).into_bytes();
        let timestamp = time::OffsetDateTime::now_utc()
            .replace_nanosecond(0)?
            .format(&time::format_description::well_known::Rfc3339)?;
        let nonce = uuid::Uuid::new_v4().simple().to_string();
        let mut headers: Vec<(String, String)> = vec![
            ("host".into(), self.host.clone()),
            ("accept".into(), "application/json".into()),
            ("user-agent".into(), self.user_agent.clone()),
            (
                "content-type".into(),
                "application/x-www-form-urlencoded".into(),
            ),
            ("x-acs-action".into(), Request::ACTION.into()),
            ("x-acs-version".into(), Request::SERVICE.version.into()),
            ("x-acs-date".into(), timestamp),
            ("x-acs-signature-nonce".into(), nonce),
            ("x-acs-content-sha256".into(), hex_sha256(&body)),
        ];
        let signature = sign_acs3(
            &Acs3Input {
                method: "POST",
                pathname: "/",
                query: &[],
                headers: &headers,
                body: &body,
            },
            ACCESS_KEY_ID,
            ACCESS_KEY_SECRET,
        );
        headers.push(("authorization".into(), signature.authorization));
        let mut map = HeaderMap::with_capacity(headers.len());
        for (k, v) in headers {
            map.insert(
                HeaderName::from_bytes(k.as_bytes())?,
                HeaderValue::try_from(v)?,
            );
        }
        let answer = self
            .http
            .post(&self.url)
            .headers(map)
            .body(body)
            .send()
            .await?;
        let status = answer.status();
        let body = answer.bytes().await?;
        ensure!(
            status.is_success(),
            "{status}: {}",
            String::from_utf8_lossy(&body)
        );
        Ok(aliyun_runtime::de::from_slice(&body)?)
    }
}

/// The local service: answers [`ANSWER`] to every request that carries a signature (checked in full when
/// `strict`), `400 SignatureDoesNotMatch` otherwise. Runs on its own thread until dropped.
struct Server {
    addr: SocketAddr,
    answered: Arc<AtomicU64>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    fn start(strict: bool) -> Result<Server> {
        let std_listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        std_listener.set_nonblocking(true)?;
        let addr = std_listener.local_addr()?;
        let answered = Arc::new(AtomicU64::new(0));
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let count = answered.clone();
        let thread = std::thread::Builder::new()
            .name("bench-call-server".into())
            .spawn(move || rt.block_on(serve(std_listener, strict, count, stopped)))?;
        Ok(Server {
            addr,
            answered,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    fn answered(&self) -> u64 {
        self.answered.load(Ordering::Relaxed)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

async fn serve(
    listener: std::net::TcpListener,
    strict: bool,
    answered: Arc<AtomicU64>,
    mut stopped: tokio::sync::oneshot::Receiver<()>,
) {
    let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
        return;
    };
    loop {
        let stream = tokio::select! {
            _ = &mut stopped => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(_) => continue,
            },
        };
        let _ = stream.set_nodelay(true);
        let answered = answered.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req| {
                let answered = answered.clone();
                async move { Ok::<_, Infallible>(answer(req, strict, &answered).await) }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                .await;
        });
    }
}

async fn answer(
    req: hyper::Request<hyper::body::Incoming>,
    strict: bool,
    answered: &AtomicU64,
) -> hyper::Response<Full<Bytes>> {
    let (parts, body) = req.into_parts();
    let body = body
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let problem = if strict {
        verify_strictly(&parts, &body).err()
    } else {
        signature_present(&parts).err()
    };
    let (status, body) = match problem {
        None => (200, Bytes::from_static(ANSWER.as_bytes())),
        Some(problem) => (
            400,
            Bytes::from(
                serde_json::json!({
                    "RequestId": "bench-call-rejected",
                    "Code": "SignatureDoesNotMatch",
                    "Message": problem,
                })
                .to_string(),
            ),
        ),
    };
    answered.fetch_add(1, Ordering::Relaxed);
    hyper::Response::builder()
        .status(status)
        .header("content-type", "application/json;charset=utf-8")
        .header("x-acs-request-id", "6EC7AED1-172F-42AE-9C12-295BC2ADB9BA")
        .body(Full::new(body))
        .expect("a valid response")
}

fn header<'a>(parts: &'a hyper::http::request::Parts, name: &str) -> Option<&'a str> {
    parts.headers.get(name).and_then(|v| v.to_str().ok())
}

/// The cheap check of the timed runs: an `ACS3-HMAC-SHA256` `Authorization` header naming this access key and
/// carrying a signature, or an RPC `Signature` parameter.
fn signature_present(parts: &hyper::http::request::Parts) -> Result<(), String> {
    if let Some(auth) = header(parts, "authorization") {
        let ok = auth
            .strip_prefix("ACS3-HMAC-SHA256 Credential=")
            .and_then(|rest| rest.strip_prefix(ACCESS_KEY_ID))
            .is_some_and(|rest| rest.contains(",Signature=") && rest.contains(",SignedHeaders="));
        return if ok {
            Ok(())
        } else {
            Err(format!("malformed Authorization {auth:?}"))
        };
    }
    let query = parts.uri.query().unwrap_or_default();
    if query
        .split('&')
        .any(|p| p.starts_with("Signature=") && p.len() > 10)
    {
        Ok(())
    } else {
        Err("no Authorization header and no Signature parameter".into())
    }
}

/// The full check (used by the tests): recomputes the `ACS3-HMAC-SHA256` signature from what arrived.
fn verify_strictly(parts: &hyper::http::request::Parts, body: &[u8]) -> Result<(), String> {
    signature_present(parts)?;
    let auth = header(parts, "authorization").ok_or("no Authorization header")?;
    let signed = auth
        .split(',')
        .find_map(|p| p.strip_prefix("SignedHeaders="))
        .ok_or("no SignedHeaders")?;
    let signature = auth
        .split(',')
        .find_map(|p| p.strip_prefix("Signature="))
        .ok_or("no Signature")?;
    let mut headers = Vec::new();
    for name in signed.split(';') {
        let value = header(parts, name).ok_or_else(|| format!("signed header {name} not sent"))?;
        headers.push((name.to_string(), value.to_string()));
    }
    for must in [
        "host",
        "x-acs-action",
        "x-acs-date",
        "x-acs-signature-nonce",
    ] {
        if !headers.iter().any(|(n, _)| n == must) {
            return Err(format!("{must} is not signed"));
        }
    }
    if header(parts, "x-acs-content-sha256") != Some(hex_sha256(body).as_str()) {
        return Err("x-acs-content-sha256 does not match the body".into());
    }
    if header(parts, "x-acs-action") != Some(Request::ACTION) {
        return Err("wrong x-acs-action".into());
    }
    let expected = sign_acs3(
        &Acs3Input {
            method: parts.method.as_str(),
            pathname: parts.uri.path(),
            query: &[],
            headers: &headers,
            body,
        },
        ACCESS_KEY_ID,
        ACCESS_KEY_SECRET,
    );
    if expected.signature != signature {
        return Err("signature mismatch".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Not timed: both sides' requests pass the server's full signature check and decode the same answer.
    #[test]
    fn both_sides_are_accepted() {
        let server = Server::start(true).unwrap();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let (bare, runtime) = rt.block_on(async {
            let sides = Sides::new(server.addr).unwrap();
            (
                sides.call(Side::Bare).await.unwrap(),
                sides.call(Side::Runtime).await.unwrap(),
            )
        });
        assert_eq!(bare, runtime);
        assert_eq!(
            bare.request_id.as_deref(),
            Some("6EC7AED1-172F-42AE-9C12-295BC2ADB9BA")
        );
        assert!(bare.compliance_pack_report.is_some());
        assert_eq!(server.answered(), 2);
    }

    #[test]
    fn unsigned_requests_are_refused() {
        let server = Server::start(false).unwrap();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let status = rt.block_on(async {
            reqwest::Client::builder()
                .no_proxy()
                .build()
                .unwrap()
                .post(format!("http://{}/", server.addr))
                .send()
                .await
                .unwrap()
                .status()
        });
        assert_eq!(status.as_u16(), 400);
    }
}
