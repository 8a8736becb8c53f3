//! Runs the built `compliance_report` example against the fake service on 127.0.0.1, which checks every
//! signature independently (see `support`).
//!
//! `cargo test -p aliyun-runtime` builds the examples first; when only this test target is built
//! (`--test example_compliance_report`), run `cargo build -p aliyun-runtime --examples` before.

mod support;

use std::path::PathBuf;
use std::process::{Output, Stdio};
use std::time::Duration;

use support::{Fake, Fault};

const ID: &str = "LTAIexampletestid";
const SECRET: &str = "example-test-secret";
const AGGREGATOR: &str = "ca-f632626622af0079****";
const PACK: &str = "cp-fdc8626622af00f9****";
const URL: &str = "https://cloud-config-compliance-report.oss-cn-shanghai.aliyuncs.com/CompliancePackReports/100931896542****/cp-fdc8626622af00f9****/100931896542****-cp-fdc8626622af00f9****-report-202106221050.zip?Expires=162433****&OSSAccessKeyId=LTAIs86R8H59****&Signature=RqvJZtaxQ2HfqRcl0Ic2HG8oo****";

/// The answer of the GenerateAggregateCompliancePackReport page.
const GENERATED: &str = r#"{
  "CompliancePackId" : "cp-fdc8626622af00f9****",
  "RequestId" : "6EC7AED1-172F-42AE-9C12-295BC2ADB751"
}"#;
const CREATING: &str = r#"{
  "RequestId" : "0D234DAC-1ABD-42E8-9475-BE317857E29A",
  "CompliancePackReport" : {
    "CompliancePackId" : "cp-fdc8626622af00f9****",
    "AccountId" : 1009318965420000,
    "ReportUrl" : "",
    "ReportStatus" : "CREATING",
    "ReportCreateTimestamp" : 1624330246640
  }
}"#;
/// The answer of the GetAggregateCompliancePackReport page, except `AccountId`: the page masks it as
/// `"100931896542****"`, which the generated `Long` field rightly refuses to decode, so a real number stands here.
const COMPLETE: &str = r#"{
  "RequestId" : "0D234DAC-1ABD-42E8-9475-BE317857E29B",
  "CompliancePackReport" : {
    "CompliancePackId" : "cp-fdc8626622af00f9****",
    "AccountId" : 1009318965420000,
    "ReportUrl" : "https://cloud-config-compliance-report.oss-cn-shanghai.aliyuncs.com/CompliancePackReports/100931896542****/cp-fdc8626622af00f9****/100931896542****-cp-fdc8626622af00f9****-report-202106221050.zip?Expires=162433****&OSSAccessKeyId=LTAIs86R8H59****&Signature=RqvJZtaxQ2HfqRcl0Ic2HG8oo****",
    "ReportStatus" : "COMPLETE",
    "ReportCreateTimestamp" : 1624330246640
  }
}"#;

/// target/debug/examples/compliance_report, beside this test's target/debug/deps/.
fn example_binary() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe.parent().and_then(|deps| deps.parent()).unwrap();
    let bin = profile_dir
        .join("examples")
        .join(format!("compliance_report{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.is_file(),
        "{} is not built: run `cargo test -p aliyun-runtime` (which builds the examples) or \
         `cargo build -p aliyun-runtime --examples` first",
        bin.display()
    );
    bin
}

/// Runs the example against the fake, with credentials from the environment only; killed after 60 s.
async fn run_example(fake: &Fake) -> Output {
    let home = std::env::temp_dir().join(format!(
        "aliyun-example-home-{}-{}",
        std::process::id(),
        fake.authority().replace([':', '.'], "-")
    ));
    std::fs::create_dir_all(&home).unwrap();
    let mut cmd = tokio::process::Command::new(example_binary());
    cmd.args([
        "--region",
        "cn-shanghai",
        "--aggregator-id",
        AGGREGATOR,
        "--compliance-pack-id",
        PACK,
        "--endpoint",
        &fake.url(),
        "--interval-secs",
        "0",
        "--timeout-secs",
        "30",
    ])
    .env_clear()
    .env("HOME", &home)
    .env("ALIBABA_CLOUD_ACCESS_KEY_ID", ID)
    .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SECRET)
    .env("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .kill_on_drop(true);
    let child = cmd.spawn().expect("start the example");
    let output = tokio::time::timeout(Duration::from_secs(60), child.wait_with_output())
        .await
        .expect("the example did not finish within 60 s (killed)")
        .unwrap();
    let _ = std::fs::remove_dir_all(&home);
    output
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generates_waits_until_complete_and_prints_the_url() {
    let fake = Fake::start(SECRET).await;
    fake.push(Fault::Body(200, GENERATED));
    fake.push(Fault::Body(200, CREATING));
    fake.push(Fault::Body(200, CREATING));
    fake.push(Fault::Body(200, COMPLETE));
    let out = run_example(&fake).await;
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(
        out.status.success(),
        "{:?}\nstdout: {stdout}\nstderr: {stderr}",
        out.status
    );
    assert_eq!(stdout.trim(), URL, "stderr: {stderr}");

    let reqs = fake.requests();
    let actions: Vec<&str> = reqs
        .iter()
        .map(|r| r.header("x-acs-action").unwrap_or("?"))
        .collect();
    // One request per answer queued: it stopped polling at COMPLETE, not before, not after.
    assert_eq!(
        actions,
        [
            "GenerateAggregateCompliancePackReport",
            "GetAggregateCompliancePackReport",
            "GetAggregateCompliancePackReport",
            "GetAggregateCompliancePackReport",
        ],
        "stderr: {stderr}"
    );
    for r in &reqs {
        assert!(r.signature_ok, "{:?}", r.signature_problem);
        // Signed with the key of the environment, not one found elsewhere.
        let auth = r.header("authorization").unwrap_or_default();
        assert!(
            auth.starts_with(&format!("ACS3-HMAC-SHA256 Credential={ID},")),
            "{auth}"
        );
        assert_eq!(r.header("x-acs-version"), Some("2020-09-07"));
        assert_eq!(r.method, "POST");
        assert_eq!(r.form_param("AggregatorId"), Some(AGGREGATOR));
        assert_eq!(r.form_param("CompliancePackId"), Some(PACK));
    }
    assert!(reqs[0].form_param("ClientToken").is_some());
    assert!(stderr.contains("report status: CREATING"), "{stderr}");
    assert!(stderr.contains("report status: COMPLETE"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_already_being_created_is_waited_for() {
    let fake = Fake::start(SECRET).await;
    fake.push(Fault::Code(400, "CompliancePackReportCreating"));
    fake.push(Fault::Body(200, COMPLETE));
    let out = run_example(&fake).await;
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "{:?}\nstderr: {stderr}", out.status);
    assert_eq!(stdout.trim(), URL);
    let reqs = fake.requests();
    assert_eq!(reqs.len(), 2, "stderr: {stderr}");
    assert!(reqs.iter().all(|r| r.signature_ok));
    assert_eq!(
        reqs[1].header("x-acs-action"),
        Some("GetAggregateCompliancePackReport")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_call_exits_non_zero_with_code_and_request_id() {
    let fake = Fake::start(SECRET).await;
    fake.push(Fault::Code(400, "Invalid.AggregatorId.Value"));
    let out = run_example(&fake).await;
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(!out.status.success(), "stdout: {stdout}\nstderr: {stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(
        stderr.contains("code: Invalid.AggregatorId.Value"),
        "{stderr}"
    );
    // The fake names its answers req-N.
    assert!(stderr.contains("RequestId: req-1"), "{stderr}");
    let reqs = fake.requests();
    assert_eq!(reqs.len(), 1, "a 4xx is final: no retry, no polling");
    assert!(reqs[0].signature_ok, "{:?}", reqs[0].signature_problem);
    assert_eq!(
        reqs[0].header("x-acs-action"),
        Some("GenerateAggregateCompliancePackReport")
    );
}
