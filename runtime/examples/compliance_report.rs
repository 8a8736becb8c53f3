//! Generates the compliance-pack report of an account group (aggregator), waits until it is ready and prints
//! its download URL.
//!
//! ```text
//! export ALIBABA_CLOUD_ACCESS_KEY_ID=… ALIBABA_CLOUD_ACCESS_KEY_SECRET=…
//! cargo run -p aliyun-runtime --example compliance_report -- \
//!     --region cn-shanghai --aggregator-id ca-f632626622af0079**** --compliance-pack-id cp-fdc8626622af00f9****
//! ```
//!
//! Credentials come from the default chain (environment, aliyun CLI profile, `~/.alibabacloud/credentials.ini`,
//! ECS RAM role). `--endpoint http://127.0.0.1:8080` sends the calls to another (e.g. local) service instead of
//! `config.REGION.aliyuncs.com`. The URL goes to stdout, progress to stderr. When a call fails, the error, its
//! code and its RequestId go to stderr and the exit status is 1. A report that is already being created
//! (`CompliancePackReportCreating`) is simply waited for.

use std::process::ExitCode;
use std::time::Duration;

use aliyun_config::get_aggregate_compliance_pack_report::ReportStatus;
use aliyun_config::{
    ErrorCode, GenerateAggregateCompliancePackReportRequest,
    GenerateAggregateCompliancePackReportRequired, GetAggregateCompliancePackReportRequest,
    GetAggregateCompliancePackReportRequired,
};
use aliyun_runtime::{wait_until, Client, DecodeError, Error};
use clap::Parser;

/// Generate an aggregator's compliance-pack report and print its download URL.
#[derive(Parser)]
struct Args {
    /// Region of the Config service, e.g. cn-shanghai.
    #[arg(long)]
    region: String,
    /// Account group (aggregator) ID, e.g. ca-f632626622af0079****.
    #[arg(long)]
    aggregator_id: String,
    /// Compliance pack ID, e.g. cp-fdc8626622af00f9****.
    #[arg(long)]
    compliance_pack_id: String,
    /// Endpoint to call instead of config.REGION.aliyuncs.com, e.g. http://127.0.0.1:8080.
    #[arg(long)]
    endpoint: Option<String>,
    /// Give up waiting for the report after this many seconds.
    #[arg(long, default_value_t = 300)]
    timeout_secs: u64,
    /// Seconds between two status checks.
    #[arg(long, default_value_t = 5)]
    interval_secs: u64,
}

#[tokio::main]
async fn main() -> ExitCode {
    match run(Args::parse()).await {
        Ok(url) => {
            println!("{url}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            eprintln!("code: {}", e.code().unwrap_or("-"));
            eprintln!("RequestId: {}", e.request_id().unwrap_or("-"));
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<String, Error> {
    let mut builder = Client::builder().region(&args.region);
    if let Some(endpoint) = &args.endpoint {
        builder = builder.endpoint(endpoint);
    }
    let client = builder.build()?;

    let generate = GenerateAggregateCompliancePackReportRequest::new(
        GenerateAggregateCompliancePackReportRequired {
            compliance_pack_id: &args.compliance_pack_id,
            aggregator_id: &args.aggregator_id,
        },
    );
    match client.call(generate).await {
        Ok(_) => eprintln!("report requested"),
        Err(e) if ErrorCode::of(&e) == Some(ErrorCode::CompliancePackReportCreating) => {
            eprintln!("report already being created")
        }
        Err(e) => return Err(e),
    }

    let (client, get) = (
        &client,
        &GetAggregateCompliancePackReportRequest::new(GetAggregateCompliancePackReportRequired {
            compliance_pack_id: &args.compliance_pack_id,
            aggregator_id: &args.aggregator_id,
        }),
    );
    let answer = wait_until(
        move || async move {
            let answer = client.call(get).await?;
            let status = answer
                .compliance_pack_report
                .as_ref()
                .and_then(|r| r.report_status.as_ref());
            eprintln!("report status: {}", status.map_or("-", |s| s.as_str()));
            Ok(answer)
        },
        |answer| {
            answer
                .compliance_pack_report
                .as_ref()
                .and_then(|r| r.report_status.as_ref())
                == Some(&ReportStatus::Complete)
        },
        Duration::from_secs(args.timeout_secs),
        Duration::from_secs(args.interval_secs),
    )
    .await?;

    let request_id = answer.request_id;
    answer
        .compliance_pack_report
        .and_then(|r| r.report_url)
        .ok_or_else(|| {
            Error::Decode(Box::new(DecodeError {
                status: 200,
                message: "the report is COMPLETE but has no ReportUrl".into(),
                body_excerpt: String::new(),
                request_id,
                incomplete: false,
            }))
        })
}
