//! The credential chain, over a fake environment, a temporary home, a fake ECS metadata service and a local STS
//! (the fake service of `support`, which checks every signature).

mod support;

use std::collections::HashMap;
use std::convert::Infallible;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use aliyun_runtime::credentials::{
    CliProfileProvider, EcsRamRoleProvider, EnvironmentProvider, IniProfileProvider,
    OidcRoleArnProvider, RamRoleArnProvider, UriProvider, ENV_ACCESS_KEY_ID, ENV_ACCESS_KEY_SECRET,
    ENV_CREDENTIALS_FILE, ENV_CREDENTIALS_URI, ENV_ECS_METADATA, ENV_ECS_METADATA_DISABLED,
    ENV_OIDC_PROVIDER_ARN, ENV_OIDC_TOKEN_FILE, ENV_PROFILE, ENV_ROLE_ARN, ENV_ROLE_SESSION_NAME,
    ENV_SECURITY_TOKEN,
};
use aliyun_runtime::{Credentials, DefaultCredentialsChain, Error, ProvideCredentials};
use bytes::Bytes;
use http_body_util::Full;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response};
use hyper_util::rt::TokioIo;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + Send + Sync + 'static {
    let map: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |k: &str| map.get(k).cloned()
}

/// A fresh directory under the system temp dir (removed on drop).
struct TempHome(PathBuf);

impl TempHome {
    fn new() -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "aliyun-runtime-test-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        TempHome(dir)
    }
    fn write(&self, rel: &str, text: &str) -> PathBuf {
        let p = self.0.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        p
    }
    fn path(&self) -> Option<PathBuf> {
        Some(self.0.clone())
    }
}

impl Drop for TempHome {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const CLI_CONFIG: &str = r#"{
  "current": "main",
  "profiles": [
    {"name": "main", "mode": "AK", "access_key_id": "cli-id", "access_key_secret": "cli-secret", "region_id": "cn-shanghai"},
    {"name": "sts", "mode": "StsToken", "access_key_id": "sts-id", "access_key_secret": "sts-secret", "sts_token": "sts-token"},
    {"name": "broken", "mode": "AK", "access_key_id": "x", "access_key_secret": ""},
    {"name": "role", "mode": "RamRoleArn", "access_key_id": "x", "access_key_secret": "hidden-secret"}
  ],
  "meta_path": ""
}"#;

const INI: &str = "; comment\n[default]\ntype = access_key\naccess_key_id = ini-id\naccess_key_secret = ini#se;cret\n\n[other]\ntype = sts\naccess_key_id = other-id\naccess_key_secret = other-secret\nsecurity_token = other-token\n";

const NO_ECS: (&str, &str) = (ENV_ECS_METADATA_DISABLED, "true");

async fn resolve(chain: &DefaultCredentialsChain) -> Credentials {
    chain.provide_credentials().await.unwrap()
}

#[tokio::test]
async fn environment_comes_first() {
    let home = TempHome::new();
    home.write(".aliyun/config.json", CLI_CONFIG);
    home.write(".alibabacloud/credentials.ini", INI);
    let chain = DefaultCredentialsChain::with_env(
        env(&[
            (ENV_ACCESS_KEY_ID, "env-id"),
            (ENV_ACCESS_KEY_SECRET, "env-secret"),
            (ENV_SECURITY_TOKEN, "env-token"),
            NO_ECS,
        ]),
        home.path(),
    );
    let c = resolve(&chain).await;
    assert_eq!(
        (c.access_key_id(), c.access_key_secret(), c.security_token()),
        ("env-id", "env-secret", Some("env-token"))
    );
}

#[tokio::test]
async fn cli_config_comes_before_the_ini_file() {
    let home = TempHome::new();
    home.write(".aliyun/config.json", CLI_CONFIG);
    home.write(".alibabacloud/credentials.ini", INI);
    let c = resolve(&DefaultCredentialsChain::with_env(
        env(&[NO_ECS]),
        home.path(),
    ))
    .await;
    assert_eq!(
        (c.access_key_id(), c.access_key_secret(), c.security_token()),
        ("cli-id", "cli-secret", None)
    );
    // ALIBABA_CLOUD_PROFILE picks another profile
    let c = resolve(&DefaultCredentialsChain::with_env(
        env(&[NO_ECS, (ENV_PROFILE, "sts")]),
        home.path(),
    ))
    .await;
    assert_eq!(
        (c.access_key_id(), c.security_token()),
        ("sts-id", Some("sts-token"))
    );
}

#[tokio::test]
async fn ini_file_in_home_or_named_by_the_environment() {
    let home = TempHome::new();
    home.write(".alibabacloud/credentials.ini", INI);
    let c = resolve(&DefaultCredentialsChain::with_env(
        env(&[NO_ECS]),
        home.path(),
    ))
    .await;
    // `#` and `;` inside a value are not comments
    assert_eq!(
        (c.access_key_id(), c.access_key_secret()),
        ("ini-id", "ini#se;cret")
    );

    let elsewhere = TempHome::new();
    let file = elsewhere.write("creds.ini", INI);
    let c = resolve(&DefaultCredentialsChain::with_env(
        env(&[
            NO_ECS,
            (ENV_CREDENTIALS_FILE, file.to_str().unwrap()),
            (ENV_PROFILE, "other"),
        ]),
        None,
    ))
    .await;
    assert_eq!(
        (c.access_key_id(), c.access_key_secret(), c.security_token()),
        ("other-id", "other-secret", Some("other-token"))
    );
}

#[tokio::test]
async fn nothing_found_lists_every_source_and_leaks_nothing() {
    let home = TempHome::new();
    home.write(".aliyun/config.json", CLI_CONFIG);
    let chain =
        DefaultCredentialsChain::with_env(env(&[NO_ECS, (ENV_PROFILE, "role")]), home.path());
    let e = chain.provide_credentials().await.unwrap_err();
    let Error::Credentials(m) = &e else {
        panic!("{e:?}")
    };
    assert!(
        m.contains("environment")
            && m.contains("aliyun CLI config")
            && m.contains("credentials file"),
        "{m}"
    );
    assert!(m.contains("RamRoleArn"), "{m}");
    assert!(!m.contains("hidden-secret"), "{m}");
    assert!(!format!("{chain:?}").contains("secret"));
}

#[tokio::test]
async fn profile_errors_do_not_quote_secrets() {
    let home = TempHome::new();
    let p = home.write(
        "config.json",
        "{\"profiles\": [{\"name\": \"x\", \"access_key_secret\": \"s3cr3t\" ",
    );
    let e = CliProfileProvider::new(&p, None)
        .provide_credentials()
        .await
        .unwrap_err();
    assert!(!e.to_string().contains("s3cr3t"), "{e}");
    let p = home.write("c.ini", "[default]\naccess_key_secret = s3cr3t\n");
    let e = IniProfileProvider::new(&p, "default")
        .provide_credentials()
        .await
        .unwrap_err();
    assert!(
        matches!(e, Error::Credentials(_)) && !e.to_string().contains("s3cr3t"),
        "{e}"
    );
    let e = CliProfileProvider::new(home.0.join("missing.json"), None)
        .provide_credentials()
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Credentials(_)));
    let c = CliProfileProvider::new(home.write("ok.json", CLI_CONFIG), Some("broken".into()))
        .provide_credentials()
        .await;
    assert!(c.is_err());
}

#[tokio::test]
async fn env_provider_and_static_pair() {
    let c = EnvironmentProvider::with_lookup(env(&[
        (ENV_ACCESS_KEY_ID, "a"),
        (ENV_ACCESS_KEY_SECRET, "b"),
    ]))
    .provide_credentials()
    .await
    .unwrap();
    assert_eq!(c, Credentials::new("a", "b"));
    let s = Credentials::new("id", "secret").with_security_token("token");
    assert_eq!(s.provide_credentials().await.unwrap(), s);
}

#[test]
fn debug_output_is_redacted() {
    let c =
        Credentials::new("LTAI5tAbcdef", "the-secret-value").with_security_token("the-token-value");
    for text in [
        format!("{c:?}"),
        format!("{c:#?}"),
        format!("{:?}", Some(&c)),
    ] {
        assert!(
            !text.contains("the-secret-value") && !text.contains("the-token-value"),
            "{text}"
        );
        assert!(!text.contains("LTAI5tAbcdef"), "{text}");
    }
    let client = aliyun_runtime::Client::builder()
        .region("cn-shanghai")
        .credentials(c)
        .build()
        .unwrap();
    let text = format!("{client:?}");
    assert!(
        !text.contains("the-secret-value") && !text.contains("the-token-value"),
        "{text}"
    );
}

// ------------------------------------------------------------------------------------------------------------
// A fake ECS metadata service

#[derive(Default)]
struct Meta {
    token_puts: AtomicUsize,
    listings: AtomicUsize,
    fetches: AtomicUsize,
    /// Whether `PUT /latest/api/token` works (IMDSv2).
    token_ok: bool,
    /// Expiration handed out.
    expiration: Mutex<String>,
    /// Token headers seen on credential fetches.
    seen_tokens: Mutex<Vec<Option<String>>>,
}

async fn start_metadata(meta: Arc<Meta>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let meta = meta.clone();
            tokio::spawn(async move {
                let svc = service_fn(move |req: Request<hyper::body::Incoming>| {
                    let meta = meta.clone();
                    async move { Ok::<_, Infallible>(metadata_answer(&meta, req)) }
                });
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), svc)
                    .await;
            });
        }
    });
    format!("http://{addr}")
}

fn metadata_answer(meta: &Meta, req: Request<hyper::body::Incoming>) -> Response<Full<Bytes>> {
    let text = |status: u16, body: String| {
        Response::builder()
            .status(status)
            .body(Full::new(Bytes::from(body)))
            .unwrap()
    };
    let token = req
        .headers()
        .get("x-aliyun-ecs-metadata-token")
        .map(|v| v.to_str().unwrap().to_string());
    match (req.method(), req.uri().path()) {
        (&Method::PUT, "/latest/api/token") => {
            meta.token_puts.fetch_add(1, Ordering::SeqCst);
            let ttl = req
                .headers()
                .get("x-aliyun-ecs-metadata-token-ttl-seconds")
                .is_some();
            if meta.token_ok && ttl {
                text(200, "session-token-1".into())
            } else {
                text(403, "forbidden".into())
            }
        }
        (&Method::GET, "/latest/meta-data/ram/security-credentials/") => {
            meta.listings.fetch_add(1, Ordering::SeqCst);
            text(200, "EcsRole\n".into())
        }
        (&Method::GET, "/latest/meta-data/ram/security-credentials/EcsRole") => {
            let n = meta.fetches.fetch_add(1, Ordering::SeqCst) + 1;
            if meta.token_ok && token.as_deref() != Some("session-token-1") {
                return text(401, "no token".into());
            }
            meta.seen_tokens.lock().unwrap().push(token);
            let body = serde_json::json!({
                "AccessKeyId": format!("STS.id{n}"),
                "AccessKeySecret": format!("role-secret-{n}"),
                "SecurityToken": format!("role-token-{n}"),
                "Expiration": *meta.expiration.lock().unwrap(),
                "LastUpdated": "2024-01-01T00:00:00Z",
                "Code": "Success"
            });
            text(200, body.to_string())
        }
        _ => text(404, "not found".into()),
    }
}

fn in_hours(h: i64) -> String {
    in_minutes(h * 60)
}

#[tokio::test]
async fn ecs_role_with_session_token_is_cached_until_near_expiration() {
    let meta = Arc::new(Meta {
        token_ok: true,
        ..Default::default()
    });
    *meta.expiration.lock().unwrap() = in_hours(6);
    let base = start_metadata(meta.clone()).await;
    let p = EcsRamRoleProvider::new(None).metadata_base_url(&base);
    let c1 = p.provide_credentials().await.unwrap();
    let c2 = p.provide_credentials().await.unwrap();
    assert_eq!(c1, c2);
    assert_eq!(
        (
            c1.access_key_id(),
            c1.access_key_secret(),
            c1.security_token()
        ),
        ("STS.id1", "role-secret-1", Some("role-token-1"))
    );
    assert_eq!(meta.fetches.load(Ordering::SeqCst), 1);
    assert_eq!(
        meta.listings.load(Ordering::SeqCst),
        1,
        "the role name is looked up"
    );
    assert_eq!(
        meta.seen_tokens.lock().unwrap().as_slice(),
        &[Some("session-token-1".to_string())]
    );
    assert!(!format!("{p:?}").contains("role-secret"));

    // Credentials already expired (or about to) are fetched again.
    let meta = Arc::new(Meta {
        token_ok: true,
        ..Default::default()
    });
    *meta.expiration.lock().unwrap() = in_hours(-1);
    let base = start_metadata(meta.clone()).await;
    let p = EcsRamRoleProvider::new(Some("EcsRole".into())).metadata_base_url(&base);
    let c1 = p.provide_credentials().await.unwrap();
    let c2 = p.provide_credentials().await.unwrap();
    assert_ne!(c1, c2);
    assert_eq!(meta.fetches.load(Ordering::SeqCst), 2);
    assert_eq!(
        meta.listings.load(Ordering::SeqCst),
        0,
        "a given role name is not looked up"
    );
}

#[tokio::test]
async fn ecs_role_falls_back_to_imdsv1_unless_forbidden() {
    let meta = Arc::new(Meta {
        token_ok: false,
        ..Default::default()
    });
    *meta.expiration.lock().unwrap() = in_hours(6);
    let base = start_metadata(meta.clone()).await;
    let c = EcsRamRoleProvider::new(Some("EcsRole".into()))
        .metadata_base_url(&base)
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(c.access_key_id(), "STS.id1");
    assert_eq!(meta.seen_tokens.lock().unwrap().as_slice(), &[None]);

    let e = EcsRamRoleProvider::new(Some("EcsRole".into()))
        .metadata_base_url(&base)
        .imdsv1_fallback(false)
        .provide_credentials()
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Credentials(_)), "{e:?}");
    assert_eq!(meta.fetches.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn the_chain_ends_with_the_ecs_role_and_keeps_it() {
    let meta = Arc::new(Meta {
        token_ok: true,
        ..Default::default()
    });
    *meta.expiration.lock().unwrap() = in_hours(6);
    let base = start_metadata(meta.clone()).await;
    let home = TempHome::new();
    let chain = DefaultCredentialsChain::with_env_and_metadata(
        env(&[(ENV_ECS_METADATA, "EcsRole")]),
        home.path(),
        base,
    );
    let c = resolve(&chain).await;
    assert_eq!(c.access_key_id(), "STS.id1");
    // Files written afterwards are not looked at: the chain keeps the source that worked.
    home.write(".alibabacloud/credentials.ini", INI);
    let c = resolve(&chain).await;
    assert_eq!(c.access_key_id(), "STS.id1");
    assert_eq!(meta.fetches.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn an_ecs_ram_role_profile_uses_the_metadata_service() {
    let meta = Arc::new(Meta {
        token_ok: true,
        ..Default::default()
    });
    *meta.expiration.lock().unwrap() = in_hours(6);
    let base = start_metadata(meta.clone()).await;
    let home = TempHome::new();
    let p = home.write(
        "c.ini",
        "[default]\ntype = ecs_ram_role\nrole_name = EcsRole\n",
    );
    let c = IniProfileProvider::new(&p, "default")
        .metadata_base_url(&base)
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(c.security_token(), Some("role-token-1"));
    let p = home.write("c.json", r#"{"current":"e","profiles":[{"name":"e","mode":"EcsRamRole","ram_role_name":"EcsRole"}]}"#);
    let c = CliProfileProvider::new(&p, None)
        .metadata_base_url(&base)
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(c.access_key_id(), "STS.id2");
}

#[tokio::test]
async fn no_metadata_service_fails_at_once() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let e = EcsRamRoleProvider::new(None)
        .metadata_base_url(&base)
        .provide_credentials()
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::Credentials(m) if m.contains("does not answer")),
        "{e:?}"
    );
    let chain = DefaultCredentialsChain::with_env_and_metadata(env(&[]), None, base);
    let e = chain.provide_credentials().await.unwrap_err();
    assert!(e.to_string().contains("ECS RAM role"), "{e}");
}

// --- Assumed roles, OIDC and the credentials URI, against a local STS ------------------------------------

fn in_minutes(m: i64) -> String {
    (OffsetDateTime::now_utc() + time::Duration::minutes(m))
        .replace_nanosecond(0)
        .unwrap()
        .format(&Rfc3339)
        .unwrap()
}

/// An STS answer handing out `id` / `secret` / `token`, valid for `minutes`.
fn sts_answer(id: &str, secret: &str, token: &str, minutes: i64) -> String {
    serde_json::json!({
        "RequestId": "sts-req",
        "AssumedRoleUser": {"Arn": "acs:ram::1:role/r/s", "AssumedRoleId": "1:s"},
        "Credentials": {
            "AccessKeyId": id,
            "AccessKeySecret": secret,
            "SecurityToken": token,
            "Expiration": in_minutes(minutes),
        }
    })
    .to_string()
}

fn sts_reply(id: &str, secret: &str, token: &str, minutes: i64) -> support::Fault {
    support::Fault::Reply(200, vec![], sts_answer(id, secret, token, minutes))
}

/// The chain over `env` and `home`, with STS at the fake and no metadata service.
fn chain_with_sts(
    env: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
    home: &TempHome,
    sts: &support::Fake,
) -> DefaultCredentialsChain {
    DefaultCredentialsChain::with_env_and_endpoints(
        env,
        home.path(),
        "http://127.0.0.1:9",
        sts.url(),
    )
}

#[derive(serde::Serialize)]
struct Ping {}

impl aliyun_runtime::Operation for Ping {
    type Response = serde_json::Value;
    const SERVICE: &'static aliyun_runtime::ServiceSpec = &aliyun_config::SERVICE;
    const ACTION: &'static str = "Ping";
    const METHOD: aliyun_runtime::HttpMethod = aliyun_runtime::HttpMethod::Post;
    const CLIENT_TOKEN: Option<&'static str> = None;
}

#[tokio::test]
async fn ram_role_arn_assumes_the_role_with_signed_sts_calls_and_the_client_signs_with_the_result()
{
    let sts = support::Fake::start("source-secret").await;
    sts.push(sts_reply(
        "STS.assumed",
        "assumed-secret",
        "assumed-token",
        60,
    ));
    sts.add_key("STS.assumed", "assumed-secret");
    let provider = RamRoleArnProvider::new(
        Credentials::new("LTAIsource", "source-secret"),
        "acs:ram::123:role/reader",
    )
    .session_name("nightly")
    .duration_seconds(900)
    .sts_endpoint(sts.url());
    let client = aliyun_runtime::Client::builder()
        .endpoint(sts.url())
        .credentials(provider)
        .no_proxy()
        .build()
        .unwrap();
    client.call(Ping {}).await.unwrap();
    client.call(Ping {}).await.unwrap();
    let reqs = sts.requests();
    assert_eq!(reqs.len(), 3, "one AssumeRole, cached for both calls");
    let assume = &reqs[0];
    assert!(assume.signature_ok, "{:?}", assume.signature_problem);
    assert_eq!(assume.query_param("Action"), Some("AssumeRole"));
    assert_eq!(assume.query_param("Version"), Some("2015-04-01"));
    assert_eq!(assume.query_param("AccessKeyId"), Some("LTAIsource"));
    assert_eq!(
        assume.form_param("RoleArn"),
        Some("acs:ram::123:role/reader")
    );
    assert_eq!(assume.form_param("RoleSessionName"), Some("nightly"));
    assert_eq!(assume.form_param("DurationSeconds"), Some("900"));
    for call in &reqs[1..] {
        assert!(call.signature_ok, "{:?}", call.signature_problem);
        assert_eq!(call.header("x-acs-security-token"), Some("assumed-token"));
        assert_eq!(call.header("x-acs-accesskey-id"), Some("STS.assumed"));
    }
}

#[tokio::test]
async fn assumed_credentials_are_refreshed_before_they_expire_and_sts_errors_say_why() {
    let sts = support::Fake::start("source-secret").await;
    sts.push(sts_reply("STS.1", "s1", "t1", 2));
    sts.push(sts_reply("STS.2", "s2", "t2", 60));
    let provider = RamRoleArnProvider::new(
        Credentials::new("LTAIsource", "source-secret"),
        "acs:ram::1:role/r",
    )
    .sts_endpoint(sts.url());
    let first = provider.provide_credentials().await.unwrap();
    assert_eq!(first.access_key_id(), "STS.1");
    // Two minutes left is inside the three-minute refresh window.
    let second = provider.provide_credentials().await.unwrap();
    assert_eq!(second.access_key_id(), "STS.2");
    assert_eq!(
        provider
            .provide_credentials()
            .await
            .unwrap()
            .access_key_id(),
        "STS.2"
    );
    assert_eq!(sts.count(), 2);
    assert!(sts.requests()[0]
        .form_param("RoleSessionName")
        .is_some_and(|n| n.starts_with("aliyun-rust-sdk-")));

    let sts = support::Fake::start("source-secret").await;
    sts.push(support::Fault::Code(403, "NoPermission"));
    let e = RamRoleArnProvider::new(
        Credentials::new("LTAIsource", "source-secret"),
        "acs:ram::1:role/r",
    )
    .sts_endpoint(sts.url())
    .provide_credentials()
    .await
    .unwrap_err();
    let text = e.to_string();
    assert!(matches!(e, Error::Credentials(_)), "{e:?}");
    assert!(
        text.contains("NoPermission")
            && text.contains("req-1")
            && text.contains("acs:ram::1:role/r"),
        "{text}"
    );
    assert!(!text.contains("source-secret"), "{text}");
}

const CHAINED: &str = r#"{
  "current": "deploy",
  "profiles": [
    {"name": "base", "mode": "AK", "access_key_id": "LTAIbase", "access_key_secret": "base-secret"},
    {"name": "ops", "mode": "ChainableRamRoleArn", "source_profile": "base", "ram_role_arn": "acs:ram::1:role/ops", "ram_session_name": "ops-session"},
    {"name": "deploy", "mode": "ChainableRamRoleArn", "source_profile": "ops", "ram_role_arn": "acs:ram::2:role/deploy", "expired_seconds": 1200},
    {"name": "direct", "mode": "RamRoleArn", "access_key_id": "LTAIbase", "access_key_secret": "base-secret", "ram_role_arn": "acs:ram::1:role/direct"},
    {"name": "loop-a", "mode": "ChainableRamRoleArn", "source_profile": "loop-b", "ram_role_arn": "acs:ram::1:role/a"},
    {"name": "loop-b", "mode": "ChainableRamRoleArn", "source_profile": "loop-a", "ram_role_arn": "acs:ram::1:role/b"}
  ]
}"#;

#[tokio::test]
async fn cli_profiles_chain_assumed_roles_through_source_profile() {
    let home = TempHome::new();
    home.write(".aliyun/config.json", CHAINED);
    let sts = support::Fake::start("base-secret").await;
    sts.push(sts_reply("STS.ops", "ops-secret", "ops-token", 60));
    sts.add_key("STS.ops", "ops-secret");
    sts.push(sts_reply("STS.deploy", "deploy-secret", "deploy-token", 60));
    let chain = chain_with_sts(env(&[NO_ECS]), &home, &sts);
    let c = resolve(&chain).await;
    assert_eq!(
        (c.access_key_id(), c.security_token()),
        ("STS.deploy", Some("deploy-token"))
    );
    let reqs = sts.requests();
    assert_eq!(reqs.len(), 2);
    assert!(
        reqs.iter().all(|q| q.signature_ok),
        "{:?}",
        reqs.iter()
            .map(|q| &q.signature_problem)
            .collect::<Vec<_>>()
    );
    assert_eq!(reqs[0].form_param("RoleArn"), Some("acs:ram::1:role/ops"));
    assert_eq!(reqs[0].form_param("RoleSessionName"), Some("ops-session"));
    assert_eq!(reqs[0].query_param("AccessKeyId"), Some("LTAIbase"));
    assert_eq!(
        reqs[1].form_param("RoleArn"),
        Some("acs:ram::2:role/deploy")
    );
    assert_eq!(reqs[1].form_param("DurationSeconds"), Some("1200"));
    assert_eq!(reqs[1].query_param("AccessKeyId"), Some("STS.ops"));
    assert_eq!(reqs[1].query_param("SecurityToken"), Some("ops-token"));

    sts.push(sts_reply("STS.direct", "d", "t", 60));
    let c = CliProfileProvider::new(home.0.join(".aliyun/config.json"), Some("direct".into()))
        .sts_endpoint(sts.url())
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(c.access_key_id(), "STS.direct");

    let e = CliProfileProvider::new(home.0.join(".aliyun/config.json"), Some("loop-a".into()))
        .sts_endpoint(sts.url())
        .provide_credentials()
        .await
        .unwrap_err();
    assert!(e.to_string().contains("loop-a -> loop-b -> loop-a"), "{e}");
    assert_eq!(sts.count(), 3, "a cycle sends nothing");
}

#[tokio::test]
async fn an_ini_ram_role_arn_section_assumes_the_role() {
    let home = TempHome::new();
    let path = home.write(
        "credentials.ini",
        "[default]\ntype = ram_role_arn\naccess_key_id = LTAIini\naccess_key_secret = ini-secret\nrole_arn = acs:ram::1:role/ini\nrole_session_name = ini-session\n",
    );
    let sts = support::Fake::start("ini-secret").await;
    sts.push(sts_reply("STS.ini", "s", "t", 60));
    let c = IniProfileProvider::new(path, "default")
        .sts_endpoint(sts.url())
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(c.access_key_id(), "STS.ini");
    let q = &sts.requests()[0];
    assert!(q.signature_ok);
    assert_eq!(
        (q.form_param("RoleArn"), q.form_param("RoleSessionName")),
        (Some("acs:ram::1:role/ini"), Some("ini-session"))
    );
}

#[tokio::test]
async fn oidc_role_from_the_environment_comes_after_env_keys_and_before_profiles() {
    let home = TempHome::new();
    home.write(".aliyun/config.json", CLI_CONFIG);
    let token_file = home.write("token", "eyJhbGciOiJSUzI1NiJ9.oidc-token\n");
    let token_path = token_file.to_string_lossy().into_owned();
    let sts = support::Fake::start("unused").await;
    sts.push(support::Fault::Anonymous(
        200,
        sts_answer("STS.oidc", "oidc-secret", "oidc-token", 60),
    ));
    let vars = [
        NO_ECS,
        (ENV_ROLE_ARN, "acs:ram::1:role/pod"),
        (ENV_OIDC_PROVIDER_ARN, "acs:ram::1:oidc-provider/ack-rrsa"),
        (ENV_OIDC_TOKEN_FILE, token_path.as_str()),
        (ENV_ROLE_SESSION_NAME, "pod-session"),
    ];
    let chain = chain_with_sts(env(&vars), &home, &sts);
    let c = resolve(&chain).await;
    assert_eq!(
        (c.access_key_id(), c.security_token()),
        ("STS.oidc", Some("oidc-token"))
    );
    let q = &sts.requests()[0];
    assert_eq!(q.query_param("Action"), Some("AssumeRoleWithOIDC"));
    assert_eq!(
        q.form_param("OIDCToken"),
        Some("eyJhbGciOiJSUzI1NiJ9.oidc-token")
    );
    assert_eq!(
        q.form_param("OIDCProviderArn"),
        Some("acs:ram::1:oidc-provider/ack-rrsa")
    );
    assert_eq!(q.form_param("RoleArn"), Some("acs:ram::1:role/pod"));
    assert_eq!(q.form_param("RoleSessionName"), Some("pod-session"));
    assert!(
        q.header("authorization").is_none() && q.query_param("Signature").is_none(),
        "the token is the proof"
    );
    // Keys in the environment still come first.
    let mut with_keys = vars.to_vec();
    with_keys.extend([
        (ENV_ACCESS_KEY_ID, "env-id"),
        (ENV_ACCESS_KEY_SECRET, "env-secret"),
    ]);
    let chain = chain_with_sts(env(&with_keys), &home, &sts);
    assert_eq!(resolve(&chain).await.access_key_id(), "env-id");
    assert_eq!(sts.count(), 1);
    // An STS refusal is a credentials error with the code.
    sts.push(support::Fault::Anonymous(
        400,
        r#"{"Code":"AuthenticationFail.OIDCToken.Expired","Message":"m"}"#.into(),
    ));
    let e = OidcRoleArnProvider::new("acs:ram::1:role/pod", "p", &token_file)
        .sts_endpoint(sts.url())
        .provide_credentials()
        .await
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("AuthenticationFail.OIDCToken.Expired"),
        "{e}"
    );
}

#[tokio::test]
async fn the_credentials_uri_comes_last() {
    let server = support::Fake::start("unused").await;
    let body = serde_json::json!({
        "Code": "Success",
        "AccessKeyId": "STS.uri",
        "AccessKeySecret": "uri-secret",
        "SecurityToken": "uri-token",
        "Expiration": in_hours(1),
    })
    .to_string();
    server.push(support::Fault::Anonymous(200, body));
    let uri = format!("{}/credentials?token=xyz", server.url());
    let chain = DefaultCredentialsChain::with_env(
        env(&[NO_ECS, (ENV_CREDENTIALS_URI, uri.as_str())]),
        None,
    );
    let c = resolve(&chain).await;
    assert_eq!(
        (c.access_key_id(), c.security_token()),
        ("STS.uri", Some("uri-token"))
    );
    assert_eq!(resolve(&chain).await.access_key_id(), "STS.uri");
    assert_eq!(server.count(), 1, "cached until near expiry");
    assert_eq!(server.requests()[0].path, "/credentials");
    assert!(!format!("{chain:?} {:?}", UriProvider::new(&uri)).contains("xyz"));
    server.push(support::Fault::Anonymous(
        200,
        r#"{"Code":"Failed"}"#.into(),
    ));
    let e = UriProvider::new(&uri)
        .provide_credentials()
        .await
        .unwrap_err();
    assert!(e.to_string().contains("\"Failed\""), "{e}");
}

// --- Configuration as the official tools read it ----------------------------------------------------------

mod config {
    use super::*;
    use aliyun_runtime::credentials::{ENV_REGION_ID, ENV_STS_ENDPOINT};
    use aliyun_runtime::transport::{HeaderMap, Limits, TransportFuture};
    use aliyun_runtime::{
        ApiStyle, Client, EndpointRule, HttpMethod, HttpRequest, HttpResponse, Network, Operation,
        ServiceSpec, Transport,
    };

    static SPEC: ServiceSpec = ServiceSpec {
        product: "Config",
        version: "2020-09-07",
        style: ApiStyle::Rpc,
        endpoint: "config.{region}.aliyuncs.com",
        endpoint_rule: EndpointRule::Regional,
        regional_endpoints: &[],
    };

    #[derive(serde::Serialize)]
    struct Ping {}

    #[derive(serde::Deserialize, Debug)]
    struct Pong {}
    aliyun_runtime::decode_with_serde!(Pong);

    impl Operation for Ping {
        type Response = Pong;
        const SERVICE: &'static ServiceSpec = &SPEC;
        const ACTION: &'static str = "Ping";
        const METHOD: HttpMethod = HttpMethod::Get;
        const CLIENT_TOKEN: Option<&'static str> = None;
    }

    /// Answers `{}` to everything and keeps what it was sent: where a call goes, without a network.
    #[derive(Debug, Default)]
    struct Recording(Mutex<Vec<HttpRequest>>);

    impl Transport for Recording {
        fn send<'a>(&'a self, request: HttpRequest, _: &'a Limits) -> TransportFuture<'a> {
            self.0.lock().unwrap().push(request);
            Box::pin(async {
                Ok(HttpResponse {
                    status: 200,
                    headers: HeaderMap::new(),
                    body: b"{}".to_vec(),
                })
            })
        }
    }

    async fn first_request(builder: aliyun_runtime::ClientBuilder) -> HttpRequest {
        let t = Arc::new(Recording::default());
        let client = builder.transport(t.clone()).build().unwrap();
        client.call(Ping {}).await.unwrap();
        let seen = t.0.lock().unwrap();
        seen[0].clone()
    }

    #[tokio::test]
    async fn the_region_comes_from_the_environment_then_the_cli_profile() {
        let home = TempHome::new();
        home.write(".aliyun/config.json", CLI_CONFIG);
        // ALIBABA_CLOUD_REGION_ID first.
        let r = first_request(
            Client::builder()
                .environment(env(&[NO_ECS, (ENV_REGION_ID, "cn-beijing")]), home.path()),
        )
        .await;
        assert_eq!(r.url.host_str(), Some("config.cn-beijing.aliyuncs.com"));
        // Else the current CLI profile's region_id; its keys sign the request.
        let r = first_request(Client::builder().environment(env(&[NO_ECS]), home.path())).await;
        assert_eq!(r.url.host_str(), Some("config.cn-shanghai.aliyuncs.com"));
        assert!(r
            .header("authorization")
            .unwrap()
            .contains("Credential=cli-id,"));
        // The builder's own region wins.
        let r = first_request(
            Client::builder()
                .region("ap-southeast-1")
                .environment(env(&[NO_ECS, (ENV_REGION_ID, "cn-beijing")]), home.path()),
        )
        .await;
        assert_eq!(r.url.host_str(), Some("config.ap-southeast-1.aliyuncs.com"));
        // A hostile region from the environment is refused, naming where it came from.
        let e = Client::builder()
            .environment(env(&[(ENV_REGION_ID, "evil.example#")]), None)
            .build()
            .unwrap_err();
        assert!(e.to_string().contains(ENV_REGION_ID), "{e}");
        // Nothing anywhere: a region is asked for.
        let e = Client::builder()
            .environment(env(&[]), None)
            .build()
            .unwrap_err();
        assert!(e.to_string().contains("ALIBABA_CLOUD_REGION_ID"), "{e}");
    }

    #[tokio::test]
    async fn vpc_endpoints_are_chosen_with_the_network() {
        let builder = || {
            Client::builder()
                .region("cn-hangzhou")
                .credentials(Credentials::new("id", "secret"))
        };
        let r = first_request(builder().network(Network::Vpc)).await;
        assert_eq!(
            r.url.host_str(),
            Some("config-vpc.cn-hangzhou.aliyuncs.com")
        );
        assert_eq!(
            r.header("host"),
            Some("config-vpc.cn-hangzhou.aliyuncs.com")
        );
        let r = first_request(builder()).await;
        assert_eq!(r.url.host_str(), Some("config.cn-hangzhou.aliyuncs.com"));
    }

    #[tokio::test]
    async fn the_sts_endpoint_comes_from_alibaba_cloud_sts_endpoint() {
        let home = TempHome::new();
        let token_file = home.write("token", "oidc-token\n");
        let token_path = token_file.to_string_lossy().into_owned();
        let sts = support::Fake::start("unused").await;
        sts.push(support::Fault::Anonymous(
            200,
            sts_answer("STS.hooked", "s", "t", 60),
        ));
        let sts_url = sts.url();
        let chain = DefaultCredentialsChain::with_env(
            env(&[
                NO_ECS,
                (ENV_ROLE_ARN, "acs:ram::1:role/pod"),
                (ENV_OIDC_PROVIDER_ARN, "acs:ram::1:oidc-provider/p"),
                (ENV_OIDC_TOKEN_FILE, token_path.as_str()),
                (ENV_STS_ENDPOINT, sts_url.as_str()),
            ]),
            None,
        );
        assert_eq!(resolve(&chain).await.access_key_id(), "STS.hooked");
        assert_eq!(
            sts.requests()[0].query_param("Action"),
            Some("AssumeRoleWithOIDC")
        );
    }
}
