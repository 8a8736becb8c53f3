//! Project chores: `cargo xtask <command>`.

use clap::{Parser, Subcommand};
use std::path::PathBuf;

mod corpus;
mod shapes;

#[derive(Parser)]
#[command(about = "Project chores for the Alibaba Cloud SDK generator")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
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
}

fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Shapes { pages, out } => shapes::run(&pages, &out),
        Command::Corpus { dir } => corpus::run(&dir),
    }
}
