//! `cargo xtask bench-regen [--pages 100,1000,10000] [--threads 1|all]`: times the stages of regen on
//! synthetic services (`codegen::synth`) and prints a markdown table.
//!
//! Stages, each the median of a few runs, pages already in memory unless said otherwise:
//! - parse floor: every `pulldown_cmark` event of every page (the least any markdown reader must do);
//! - read: scan + read + merge → operations (`codegen::synth::read`), on 1 thread (and on every core);
//! - emit: `codegen::emit::service` (tokens + prettyplease);
//! - format floor: `prettyplease::unparse` of the generated files, parsed beforehand;
//! - regen: `read_service` from disk + emit, what `cargo xtask regen` does before writing;
//! - no-op write: `codegen::write::sync` (Mode::Write) when `generated/` is already up to date.
//!
//! Peak memory is VmHWM from `/proc/self/status`, reset before each size through `/proc/self/clear_refs`.

use anyhow::{bail, Context, Result};
use codegen::write::{self, Mode};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Threads {
    /// One thread.
    #[value(name = "1")]
    One,
    /// Also read the pages on every core.
    All,
}

const SEED: u64 = 1;

struct Row {
    pages: usize,
    operations: usize,
    files: usize,
    parse: Duration,
    read: Duration,
    read_parallel: Option<(usize, Duration)>,
    emit: Duration,
    format: Duration,
    regen: Duration,
    noop_write: Duration,
    noop_regen: Duration,
    peak_kib: Option<u64>,
}

pub fn run(sizes: &[usize], threads: Threads) -> Result<()> {
    if cfg!(debug_assertions) && std::env::var_os("XTASK_BENCH_DEBUG").is_none() {
        return rerun_release();
    }
    let base = std::env::temp_dir().join(format!("xtask-bench-regen-{}", std::process::id()));
    let result = sizes
        .iter()
        .map(|&n| {
            eprintln!("bench-regen: {n} pages …");
            size(&base, n, threads)
        })
        .collect::<Result<Vec<Row>>>();
    let _ = std::fs::remove_dir_all(&base);
    let rows = result?;
    print!("{}", table(&rows));
    Ok(())
}

/// `cargo xtask` builds in debug mode: timings of a debug build mean little, so run again in release.
fn rerun_release() -> Result<()> {
    eprintln!(
        "bench-regen: running the release build (set XTASK_BENCH_DEBUG=1 to time this debug build)"
    );
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let status = std::process::Command::new(cargo)
        .current_dir(root.parent().unwrap_or(&root))
        .args(["run", "--release", "--quiet", "--package", "xtask", "--"])
        .args(std::env::args_os().skip(1))
        .status()
        .context("running cargo")?;
    if !status.success() {
        bail!("release run failed: {status}");
    }
    Ok(())
}

fn runs(n: usize) -> usize {
    if n >= 5000 {
        3
    } else {
        5
    }
}

/// The median time of `k` runs of `f`.
fn median<T>(k: usize, mut f: impl FnMut() -> T) -> Duration {
    let mut times: Vec<Duration> = (0..k)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(f());
            start.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

fn size(base: &Path, n: usize, threads: Threads) -> Result<Row> {
    reset_peak();
    let root = base.join(format!("pages-{n}"));
    let dir = root.join("synth");
    let operations = crate::synth::write(&dir, n, SEED)?;
    let mut pages = Vec::with_capacity(n);
    let mut names: Vec<_> = std::fs::read_dir(&dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "md" || x == "txt"))
        .collect();
    names.sort();
    for p in names {
        let text = std::fs::read_to_string(&p)?;
        pages.push((codegen::service::relative(&p, &root), text));
    }
    let k = runs(n);

    let parse = median(k, || codegen::synth::parse_floor(&pages));
    let read = median(k, || codegen::synth::read(&pages, 1));
    let read_parallel = match threads {
        Threads::One => None,
        Threads::All => {
            let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
            Some((cores, median(k, || codegen::synth::read(&pages, cores))))
        }
    };
    let got = codegen::synth::read(&pages, 1);
    if got.diagnostics.iter().any(|d| d.is_error()) || got.operations.len() != operations {
        bail!(
            "synthetic pages did not read back: {} operations of {operations}, {} diagnostics",
            got.operations.len(),
            got.diagnostics.len()
        );
    }
    let svc = codegen::synth::service("synth", got);
    let emit = median(k, || codegen::emit::service(&svc));
    let files = codegen::emit::service(&svc)?;
    let parsed = codegen::synth::parse_generated(&files);
    let format = median(k, || codegen::synth::format_floor(&parsed));
    drop(parsed);

    let regen_once = || -> Result<Vec<codegen::emit::GeneratedFile>> {
        let read = codegen::service::read_service(&dir, &root)
            .map_err(|f| anyhow::anyhow!("{}", f.sources.render(&f.diagnostics)))?;
        Ok(codegen::emit::service(&read.service)?)
    };
    let regen = median(k, || regen_once().map(|f| f.len()).unwrap_or(0));

    let generated = root.join("generated");
    let first = write::sync(&generated, &files, Mode::Write)?;
    if first.written.len() != files.len() {
        bail!(
            "first write wrote {} of {} files",
            first.written.len(),
            files.len()
        );
    }
    let mut again = Vec::new();
    let noop_write = median(k, || {
        again.push(write::sync(&generated, &files, Mode::Write))
    });
    for outcome in again {
        let outcome = outcome?;
        if !outcome.written.is_empty() || !outcome.removed.is_empty() {
            bail!(
                "no-op regen wrote {} and removed {} files",
                outcome.written.len(),
                outcome.removed.len()
            );
        }
    }
    let noop_regen = median(k, || -> Result<usize> {
        let files = regen_once()?;
        let outcome = write::sync(&generated, &files, Mode::Write)?;
        if !outcome.written.is_empty() {
            bail!("no-op regen wrote {} files", outcome.written.len());
        }
        Ok(outcome.unchanged)
    });
    let peak_kib = peak_kib();
    let _ = std::fs::remove_dir_all(&root);
    Ok(Row {
        pages: n,
        operations,
        files: files.len(),
        parse,
        read,
        read_parallel,
        emit,
        format,
        regen,
        noop_write,
        noop_regen,
        peak_kib,
    })
}

/// Resets VmHWM to the current RSS (Linux ≥ 4.0); without it the peak is the whole process's.
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn peak_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1e3;
    if ms >= 100.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{ms:.1} ms")
    }
}

fn per_page(d: Duration, pages: usize) -> String {
    format!("{:.0} µs", d.as_secs_f64() * 1e6 / pages.max(1) as f64)
}

fn table(rows: &[Row]) -> String {
    let parallel = rows.iter().find_map(|r| r.read_parallel.map(|(c, _)| c));
    let mut s = String::new();
    s.push_str("| pages (ops, files) | parse floor | read | emit | format floor | regen (read+emit) | regen per page |");
    s.push_str(" read / parse floor | regen / (parse + format floors) |");
    if let Some(c) = parallel {
        s.push_str(&format!(" read on {c} threads |"));
    }
    s.push_str(" no-op write (0 written) | no-op write / regen | no-op regen (read+emit+write) | peak RSS |\n");
    let cols = 13 + usize::from(parallel.is_some());
    s.push_str(&"|---".repeat(cols));
    s.push_str("|\n");
    for r in rows {
        let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64().max(1e-9);
        s.push_str(&format!(
            "| {} ({}, {}) | {} | {} | {} | {} | {} | {} | {:.1}× | {:.2}× |",
            r.pages,
            r.operations,
            r.files,
            ms(r.parse),
            ms(r.read),
            ms(r.emit),
            ms(r.format),
            ms(r.regen),
            per_page(r.regen, r.pages),
            ratio(r.read, r.parse),
            ratio(r.regen, r.parse + r.format),
        ));
        if let Some((_, d)) = r.read_parallel {
            s.push_str(&format!(" {} |", ms(d)));
        }
        s.push_str(&format!(
            " {} | {:.1}% | {} | {} |\n",
            ms(r.noop_write),
            100.0 * ratio(r.noop_write, r.regen),
            ms(r.noop_regen),
            r.peak_kib
                .map_or("n/a".into(), |k| format!("{:.0} MiB", k as f64 / 1024.0)),
        ));
    }
    s
}
