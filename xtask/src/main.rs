//! Project chores: `cargo xtask <command>`.

use clap::{Parser, Subcommand};
use std::path::PathBuf;

mod bench;
mod corpus;
mod regen;
mod shapes;
mod synth;

#[derive(Parser)]
#[command(about = "Project chores for the Alibaba Cloud SDK generator")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Read every `specs/<service>/` and write `generated/<service>/` (nothing is written on any error).
    Regen {
        /// Write nothing; fail with a diff if `generated/` is not up to date.
        #[arg(long)]
        check: bool,
        /// Write into this folder instead of `generated/` (to try the output in a scratch workspace).
        #[arg(long, hide = true)]
        out: Option<PathBuf>,
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
}

fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Regen { check, out } => regen::run(&repo_root(), out, check),
        Command::Shapes { pages, out } => shapes::run(&pages, &out),
        Command::Corpus { dir } => corpus::run(&dir),
        Command::Synth { pages, out, seed } => synth::run(&out, pages, seed),
        Command::BenchRegen { pages, threads } => bench::run(&pages, threads),
    }
}

/// The repository root: the parent of `xtask/`.
fn repo_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}
