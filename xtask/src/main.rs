//! Project chores: `cargo xtask <command>`.

use clap::{Parser, Subcommand};
use std::path::PathBuf;

mod bench;
mod bench_compile;
mod corpus;
mod import;
mod regen;
mod shapes;
mod synth;
mod try_product;

#[derive(Parser)]
#[command(about = "Project chores for the Alibaba Cloud SDK generator")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Read every `specs/<service>/` and write `generated/<service>/` (a page with errors is left out and listed).
    Regen {
        /// Write nothing; fail with a diff if `generated/` is not up to date.
        #[arg(long)]
        check: bool,
        /// Read service folders from this folder instead of `specs/`.
        #[arg(long, hide = true)]
        specs: Option<PathBuf>,
        /// Write into this folder instead of `generated/` (to try the output in a scratch workspace).
        #[arg(long, hide = true)]
        out: Option<PathBuf>,
        /// Services regenerated at once (default: every core).
        #[arg(long)]
        jobs: Option<usize>,
        /// Regenerate every service even when its pages and files are as the last regen left them.
        #[arg(long)]
        no_cache: bool,
        /// Any error anywhere writes nothing and fails (by default a page with errors is left out with its
        /// operations and listed at the end, and the rest is written).
        #[arg(long)]
        strict: bool,
        /// What regen does by default now; kept so that scripts that pass it still run.
        #[arg(long, hide = true)]
        keep_going: bool,
    },
    /// Copy the API reference pages of a documentation folder into `specs/<service>/`, with a `service.yaml` each.
    Import {
        /// A documentation repository checkout, or any folder of saved pages (searched recursively).
        docs: PathBuf,
        /// Write service folders here instead of `specs/`.
        #[arg(long)]
        specs: Option<PathBuf>,
        /// Replace a `service.yaml` that was edited by hand.
        #[arg(long)]
        force: bool,
        /// Write into services already under `specs/` (without it, import lists what it would add and change
        /// there and writes nothing in them).
        #[arg(long)]
        update: bool,
        /// Import only this API version (repeatable); pages of other versions are skipped.
        #[arg(long = "version", value_name = "YYYY-MM-DD")]
        versions: Vec<String>,
    },
    /// Write one shape JSON per operation read from a folder of pages.
    Shapes {
        /// Folder of pages (`*.md`, `*.txt`).
        pages: PathBuf,
        /// Folder to write `<Operation>.json` into.
        out: PathBuf,
    },
    /// Score the reader on a corpus of pages with the shapes Alibaba's own SDK gives them.
    Corpus {
        /// The corpus folder: sets with `pages/` and `expected/`, and `score.py`.
        #[arg(default_value = "../shared/corpus")]
        dir: PathBuf,
    },
    /// Write a deterministic synthetic service (pages in three formats + service.yaml) into a folder.
    Synth {
        /// How many pages (about half as many operations).
        #[arg(long, default_value_t = 100)]
        pages: usize,
        /// Folder to write into (created if missing).
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Time the stages of regen on synthetic services and print a markdown table.
    BenchRegen {
        /// Comma-separated page counts.
        #[arg(long, value_delimiter = ',', default_value = "100,1000,10000")]
        pages: Vec<usize>,
        /// `1`, or `all` to also read the pages on every core.
        #[arg(long, default_value = "1")]
        threads: bench::Threads,
    },
    /// Time `cargo build` of a generated ~N-operation crate next to `aws-sdk-config`, and count lines per operation.
    BenchCompile {
        /// A real product: a folder of pages with its service.yaml (repeatable; default specs/config).
        #[arg(long = "service")]
        services: Vec<PathBuf>,
        /// About how many operations the synthetic service has (0: no synthetic crate).
        #[arg(long, default_value_t = 200)]
        operations: usize,
        /// Which builds to time (`cargo check`, the frontend alone, is always timed too).
        #[arg(long, value_enum, default_value = "both")]
        profile: bench_compile::Profiles,
        /// Measured builds per crate and profile (the median is shown).
        #[arg(long, default_value_t = 3)]
        runs: usize,
        /// Write the scratch workspace here and keep it (default: a temp dir, removed afterwards).
        #[arg(long)]
        keep: Option<PathBuf>,
    },
    /// Generate crates from whole folders of pages in a scratch workspace, build, lint, document and test them,
    /// and print the figures (operations, regen warnings by code, rustc warnings, example tests).
    TryProduct {
        /// Folders of pages, each one service (`<set>/pages/` is named after `<set>`).
        #[arg(required = true)]
        pages: Vec<PathBuf>,
        /// Keep the scratch workspace (`target/try-product/workspace/`) for a look afterwards.
        #[arg(long)]
        keep: bool,
    },
    /// Time one signed call through the runtime against a bare reqwest call on 127.0.0.1; print a markdown table
    /// (runs the release build of the `xtask-bench-call` package, which links a generated crate).
    BenchCall {
        /// Calls per round.
        #[arg(long, default_value_t = 1000)]
        calls: usize,
        /// Comma-separated numbers of calls in flight (1 is sequential).
        #[arg(long, value_delimiter = ',', default_value = "1,32")]
        concurrency: Vec<usize>,
        /// Rounds per mode (the median is reported).
        #[arg(long, default_value_t = 15)]
        rounds: usize,
    },
}

fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Regen {
            check,
            specs,
            out,
            jobs,
            no_cache,
            strict,
            keep_going: _,
        } => regen::run(
            &repo_root(),
            regen::Args {
                check,
                specs,
                out,
                jobs,
                no_cache,
                keep_going: !strict,
            },
        ),
        Command::Import {
            docs,
            specs,
            force,
            update,
            versions,
        } => import::run(
            &repo_root(),
            import::Args {
                docs,
                specs,
                force,
                update,
                versions,
            },
        ),
        Command::Shapes { pages, out } => shapes::run(&pages, &out),
        Command::Corpus { dir } => corpus::run(&dir),
        Command::Synth { pages, out, seed } => synth::cli::run(&out, pages, seed),
        Command::BenchRegen { pages, threads } => bench::run(&pages, threads),
        Command::BenchCompile {
            services,
            operations,
            profile,
            runs,
            keep,
        } => bench_compile::run(
            &repo_root(),
            bench_compile::Options {
                services: if services.is_empty() {
                    vec![repo_root().join("specs/config")]
                } else {
                    services
                },
                operations,
                profile,
                runs,
                keep,
            },
        ),
        Command::TryProduct { pages, keep } => {
            try_product::run(&repo_root(), try_product::Args { pages, keep })
        }
        Command::BenchCall {
            calls,
            concurrency,
            rounds,
        } => bench::forward(
            "xtask-bench-call",
            &[
                "--calls".into(),
                calls.to_string(),
                "--concurrency".into(),
                concurrency
                    .iter()
                    .map(usize::to_string)
                    .collect::<Vec<_>>()
                    .join(","),
                "--rounds".into(),
                rounds.to_string(),
            ],
        ),
    }
}

/// The repository root: the parent of `xtask/`.
fn repo_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}
