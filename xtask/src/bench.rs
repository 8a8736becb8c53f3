//! `cargo xtask bench-regen [--pages 100,1000,10000] [--threads 1|all]`: times regen on synthetic trees of
//! services (`crate::synth::tree`: product-sized services of 20 to 150 operations) next to its floors, and
//! prints a markdown table.
//!
//! Each figure is the median of a few runs:
//! - parse floor: every `pulldown_cmark` event of every page (the least any markdown reader must do);
//! - read: the loading stage regen runs (`codegen::load`: scan, read, limits, merge, `service.yaml`, the
//!   examples checked) → the service, one thread, pages in memory (`crate::synth::load`);
//! - format floor: `prettyplease::unparse` of every generated Rust file, parsed beforehand;
//! - regen: `xtask regen --no-cache` into an empty folder, in a child process: pages from disk, files to
//!   disk, what a user waits for; its peak RSS is the child's own (VmHWM);
//! - no-op regen: `xtask regen` again with nothing changed (files written: 0);
//! - one page edited: `xtask regen` after a one-word change to one page (files written: what depends on it).

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Threads {
    /// One thread.
    #[value(name = "1")]
    One,
    /// Also regenerate on every core.
    All,
}

const SEED: u64 = 1;

/// Set by bench-regen on its child `xtask regen`: where to write [`RegenStats`].
pub const STATS_ENV: &str = "XTASK_REGEN_STATS";

/// What a child regen reports back.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct RegenStats {
    pub written: usize,
    pub cached_services: usize,
    pub peak_kib: u64,
}

impl RegenStats {
    /// Writes the stats of this process's regen where [`STATS_ENV`] says, if it says.
    pub fn save_if_asked(written: usize, cached_services: usize) {
        let Some(path) = std::env::var_os(STATS_ENV) else {
            return;
        };
        let stats = RegenStats {
            written,
            cached_services,
            peak_kib: peak_kib().unwrap_or(0),
        };
        if let Ok(json) = serde_json::to_string(&stats) {
            let _ = std::fs::write(path, json);
        }
    }
}

struct Row {
    pages: usize,
    services: usize,
    operations: usize,
    files: usize,
    parse: Duration,
    read: Duration,
    format: Duration,
    regen: Duration,
    peak_kib: u64,
    regen_parallel: Option<(usize, Duration, u64)>,
    noop: Duration,
    noop_written: usize,
    edit: Duration,
    edit_written: usize,
}

pub fn run(sizes: &[usize], threads: Threads) -> Result<()> {
    if cfg!(debug_assertions) && std::env::var_os("XTASK_BENCH_DEBUG").is_none() {
        return rerun_release("bench-regen");
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

/// Runs the release build of the workspace package `package` with `args`: the tools that link a generated
/// crate live in packages of their own, so that `xtask` builds from `codegen` alone.
pub fn forward(package: &str, args: &[String]) -> Result<()> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let status = Command::new(cargo)
        .current_dir(root.parent().unwrap_or(&root))
        .args(["run", "--release", "--quiet", "--package", package, "--"])
        .args(args)
        .status()
        .context("running cargo")?;
    if !status.success() {
        bail!("{package} failed: {status}");
    }
    Ok(())
}

/// `cargo xtask` builds in debug mode: timings of a debug build mean little, so run `what` again in release.
pub fn rerun_release(what: &str) -> Result<()> {
    eprintln!(
        "{what}: running the release build (set XTASK_BENCH_DEBUG=1 to time this debug build)"
    );
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let status = Command::new(cargo)
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

/// The median of `k` runs of a fallible `f` that times itself, and the result of the last.
fn median_of<T>(k: usize, mut f: impl FnMut() -> Result<(Duration, T)>) -> Result<(Duration, T)> {
    let mut times = Vec::with_capacity(k);
    let mut last = None;
    for _ in 0..k {
        let (d, t) = f()?;
        times.push(d);
        last = Some(t);
    }
    times.sort();
    let last = last.context("no run")?;
    Ok((times[times.len() / 2], last))
}

/// One `xtask regen` in a child process, timed, with its stats.
fn regen(root: &Path, jobs: usize, cache: bool) -> Result<(Duration, RegenStats)> {
    let stats_file = root.join("regen-stats.json");
    let mut cmd = Command::new(std::env::current_exe()?);
    cmd.arg("regen")
        .arg("--specs")
        .arg(root.join("specs"))
        .arg("--out")
        .arg(root.join("generated"))
        .arg("--jobs")
        .arg(jobs.to_string())
        .env("CARGO_TARGET_DIR", root.join("target"))
        .env(STATS_ENV, &stats_file)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
    if !cache {
        cmd.arg("--no-cache");
    }
    let start = Instant::now();
    let output = cmd.output().context("running xtask regen")?;
    let elapsed = start.elapsed();
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(30).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        bail!(
            "xtask regen failed on the synthetic tree ({}): {}\n{}",
            root.display(),
            output.status,
            tail.join("\n")
        );
    }
    let stats = serde_json::from_slice(&std::fs::read(&stats_file)?)?;
    Ok((elapsed, stats))
}

fn size(base: &Path, n: usize, threads: Threads) -> Result<Row> {
    let root = base.join(format!("pages-{n}"));
    let tree = crate::synth::tree(n, SEED);
    for (service, pages) in &tree {
        let dir = root.join("specs").join(service);
        std::fs::create_dir_all(&dir)?;
        for (file, text) in pages {
            std::fs::write(dir.join(file), text)?;
        }
        std::fs::write(
            dir.join("service.yaml"),
            crate::synth::service_yaml(service),
        )?;
    }
    let k = runs(n);

    let parse = median(k, || {
        tree.iter()
            .map(|(_, p)| crate::synth::parse_floor(p))
            .sum::<usize>()
    });
    let read = median(k, || {
        tree.iter()
            .map(|(name, p)| crate::synth::load(name, p).map_or(0, |l| l.service.operations.len()))
            .sum::<usize>()
    });
    let operations: usize = tree
        .iter()
        .map(|(_, p)| crate::synth::operation_count(p))
        .sum();
    drop(tree);

    let generated = root.join("generated");
    let full = |jobs: usize| {
        median_of(k, || {
            let _ = std::fs::remove_dir_all(&generated);
            regen(&root, jobs, false)
        })
    };
    let (regen_time, stats) = full(1)?;
    let regen_parallel = match threads {
        Threads::One => None,
        Threads::All => {
            let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
            let (d, s) = full(cores)?;
            Some((cores, d, s.peak_kib))
        }
    };

    let (files, format) = format_floor(&generated, k)?;
    if stats.written != files {
        bail!("regen wrote {} files, {files} found", stats.written);
    }

    // Prime the cache (nothing to write), then time regens with nothing changed.
    regen(&root, 1, true)?;
    let (noop, noop_stats) = median_of(k, || regen(&root, 1, true))?;

    let (edit, edit_stats) = edit_one_page(&root)?;
    let _ = std::fs::remove_dir_all(&root);
    Ok(Row {
        pages: n,
        services: noop_stats.cached_services,
        operations,
        files,
        parse,
        read,
        format,
        regen: regen_time,
        peak_kib: stats.peak_kib,
        regen_parallel,
        noop,
        noop_written: noop_stats.written,
        edit,
        edit_written: edit_stats.written,
    })
}

/// The format floor over every generated Rust file under `generated` (parsed outside the timed part), one
/// service at a time so the floor does not need more memory than regen.
fn format_floor(generated: &Path, k: usize) -> Result<(usize, Duration)> {
    let mut total = 0;
    let mut time = Duration::ZERO;
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(generated)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_dir()
                && !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    dirs.sort();
    for dir in dirs {
        let mut paths = Vec::new();
        codegen::write::list_files(&dir, "", &mut paths)?;
        total += paths.len();
        let files: Vec<codegen::emit::GeneratedFile> = paths
            .iter()
            .filter(|p| p.ends_with(".rs"))
            .map(|p| {
                let path = dir.join(p.trim_start_matches('/'));
                Ok(codegen::emit::GeneratedFile {
                    contents: std::fs::read_to_string(&path)
                        .with_context(|| path.display().to_string())?,
                    path: p.clone(),
                })
            })
            .collect::<Result<_>>()?;
        let parsed = crate::synth::parse_generated(&files);
        time += median(k, || crate::synth::format_floor(&parsed));
    }
    Ok((total, time))
}

/// One word more in one page of the first service, then a regen with the cache.
fn edit_one_page(root: &Path) -> Result<(Duration, RegenStats)> {
    let specs = root.join("specs");
    let mut services: Vec<PathBuf> = std::fs::read_dir(&specs)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    services.sort();
    let first = services.first().context("no service")?;
    let mut pages: Vec<PathBuf> = std::fs::read_dir(first)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    pages.sort();
    let page = pages.first().context("no markdown page")?;
    let text = std::fs::read_to_string(page)?;
    std::fs::write(page, text.replacen(" the ", " the very ", 1))?;
    regen(root, 1, true)
}

/// VmHWM of this process, from `/proc/self/status`.
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

fn mib(kib: u64) -> String {
    format!("{:.0} MiB", kib as f64 / 1024.0)
}

fn table(rows: &[Row]) -> String {
    let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64().max(1e-9);
    let parallel = rows
        .iter()
        .find_map(|r| r.regen_parallel.map(|(c, _, _)| c));
    let mut s = String::new();
    s.push_str(
        "| pages (services, operations, files) | parse floor | read | read / parse floor | format floor \
         | regen, 1 thread | regen / (parse + format floors) | regen per page | peak RSS |",
    );
    if let Some(c) = parallel {
        s.push_str(&format!(" regen on {c} threads (peak RSS) |"));
    }
    s.push_str(
        " no-op regen (files written) | no-op / regen | one page edited (files written) |\n",
    );
    let cols = 12 + usize::from(parallel.is_some());
    s.push_str(&"|---".repeat(cols));
    s.push_str("|\n");
    for r in rows {
        s.push_str(&format!(
            "| {} ({}, {}, {}) | {} | {} | {:.1}× | {} | {} | {:.2}× | {:.2} ms | {} |",
            r.pages,
            r.services,
            r.operations,
            r.files,
            ms(r.parse),
            ms(r.read),
            ratio(r.read, r.parse),
            ms(r.format),
            ms(r.regen),
            ratio(r.regen, r.parse + r.format),
            r.regen.as_secs_f64() * 1e3 / r.pages.max(1) as f64,
            mib(r.peak_kib),
        ));
        if let Some((_, d, peak)) = r.regen_parallel {
            s.push_str(&format!(" {} ({}) |", ms(d), mib(peak)));
        }
        s.push_str(&format!(
            " {} ({}) | {:.1}% | {} ({}) |\n",
            ms(r.noop),
            r.noop_written,
            100.0 * ratio(r.noop, r.regen),
            ms(r.edit),
            r.edit_written,
        ));
    }
    s
}
