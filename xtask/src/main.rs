//! Project chores: `cargo xtask <command>`.

use clap::{Parser, Subcommand};
use std::path::PathBuf;

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
}

fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Shapes { pages, out } => shapes::run(&pages, &out),
    }
}
