//! `cargo xtask bench-compile [--operations 200] [--profile debug|release|both] [--runs 3] [--keep DIR]`:
//! the compile cost of generated code, next to `aws-sdk-config` built the same way in the same run.
//!
//! - A synthetic service of `--operations` operations (`codegen::synth`: the fewest pages that document that
//!   many, about 1.7 per operation) is read and emitted (`codegen::emit`) into a scratch cargo workspace (a temp
//!   dir, or `--keep DIR`), as the crate the generator writes, depending on this repository's `runtime/` by
//!   path. It measures whatever the emitter produces today.
//! - A second member depends on the latest `aws-sdk-config` (default features); the scratch `Cargo.lock`
//!   starts from this repository's, so the runtime's dependencies are the versions the project uses.
//! - Builds go to `target/bench-compile/` of this repository: a persistent target dir, so the dependency trees
//!   (several minutes cold for the AWS SDK's) stay warm between runs, apart from the project's own `target/`
//!   so the benchmark never waits on (or invalidates) other builds. (Cargo names the artifacts of a path
//!   package by its path inside the workspace, so scratch workspaces in different folders share them; every
//!   measured build is preceded by `cargo clean -p`, so this never makes a build look fresh.)
//! - Dependencies are warmed with the same commands as the measured builds. Then, for each profile, each run
//!   does, for each of the two crates in turn (interleaved, so drift hits both alike):
//!   `cargo clean -p <crate> --profile P` then `cargo build -p <crate> --profile P` (wall time of the build, the
//!   median of `--runs`). `cargo clean -p` is used for both because touching a source file cannot rebuild a
//!   registry crate. `CARGO_INCREMENTAL=0` for every build: cargo compiles registry crates without incremental
//!   data and workspace members (in dev) with it, which would put the cost of writing it on our side only.
//! - Each run also times `cargo check -p` (dev profile) the same way: the frontend (parsing, macro expansion,
//!   type and borrow checking, metadata); a build's time beyond it is code generation (MIR → LLVM → objects).
//! - Lines of code: non-blank lines of the crate's `src/**/*.rs` over its operations (ours: the operations of
//!   the model; `aws-sdk-config`: the modules of `src/operation/`). "code" lines also leave out `//` lines.
//!
//! The table shows raw ratios and ratios per operation (the two crates need not have as many operations).

use anyhow::{bail, Context, Result};
use codegen::write::{self, Mode};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Profiles {
    Debug,
    Release,
    Both,
}

impl Profiles {
    fn list(self) -> Vec<Profile> {
        match self {
            Profiles::Debug => vec![Profile::Debug],
            Profiles::Release => vec![Profile::Release],
            Profiles::Both => vec![Profile::Debug, Profile::Release],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Profile {
    Debug,
    Release,
}

impl Profile {
    /// The cargo profile name.
    fn cargo(self) -> &'static str {
        match self {
            Profile::Debug => "dev",
            Profile::Release => "release",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Profile::Debug => "debug",
            Profile::Release => "release",
        }
    }
}

const SEED: u64 = 1;
const AWS: &str = "aws-sdk-config";

pub struct Options {
    pub operations: usize,
    pub profile: Profiles,
    pub runs: usize,
    pub keep: Option<PathBuf>,
}

/// What was measured of one crate.
#[derive(Debug, Default)]
struct Measured {
    name: String,
    version: String,
    operations: usize,
    lines: Lines,
    /// `cargo check -p`, then `cargo build -p` per profile.
    check: Option<Build>,
    builds: Vec<(Profile, Build)>,
}

/// Wall times of one command over the runs.
#[derive(Debug, Default, Clone, Copy)]
struct Build {
    median: Duration,
    min: Duration,
    max: Duration,
}

impl Build {
    fn of(mut times: Vec<Duration>) -> Option<Build> {
        times.sort();
        Some(Build {
            median: *times.get(times.len() / 2)?,
            min: *times.first()?,
            max: *times.last()?,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Check,
    Build(Profile),
}

impl Step {
    fn label(self) -> &'static str {
        match self {
            Step::Check => "check",
            Step::Build(p) => p.label(),
        }
    }
}

#[derive(Debug, Default, Clone, Copy)]
struct Lines {
    files: usize,
    non_blank: usize,
    code: usize,
}

pub fn run(root: &Path, opts: Options) -> Result<()> {
    if opts.operations == 0 || opts.runs == 0 {
        bail!("--operations and --runs must be at least 1");
    }
    let (scratch, temporary) = match &opts.keep {
        Some(dir) => (absolute(dir)?, false),
        None => (
            std::env::temp_dir().join(format!("xtask-bench-compile-{}", std::process::id())),
            true,
        ),
    };
    let target = root.join("target").join("bench-compile");
    let result = bench(root, &scratch, &target, &opts);
    if temporary {
        let _ = std::fs::remove_dir_all(&scratch);
    } else {
        eprintln!(
            "bench-compile: scratch workspace kept in {}",
            scratch.display()
        );
    }
    let (ours, aws) = result?;
    print!("{}", table(&ours, &aws, &opts.profile.list()));
    Ok(())
}

fn absolute(dir: &Path) -> Result<PathBuf> {
    Ok(if dir.is_absolute() {
        dir.to_path_buf()
    } else {
        std::env::current_dir()?.join(dir)
    })
}

fn bench(
    root: &Path,
    scratch: &Path,
    target: &Path,
    opts: &Options,
) -> Result<(Measured, Measured)> {
    let (name, operations) = generate(root, scratch, opts.operations)?;
    let cargo = Cargo {
        scratch: scratch.to_path_buf(),
        target: target.to_path_buf(),
    };
    let (aws_version, aws_manifest) = cargo.locate(AWS)?;
    let aws_src = aws_manifest
        .parent()
        .context("aws-sdk-config manifest has no folder")?
        .join("src");
    let mut ours = Measured {
        name: name.clone(),
        version: "0.1.0".into(),
        operations,
        lines: lines(&scratch.join("generated/synth/src"))?,
        check: None,
        builds: Vec::new(),
    };
    let mut aws = Measured {
        name: AWS.into(),
        version: aws_version,
        operations: aws_operations(&aws_src)?,
        lines: lines(&aws_src)?,
        check: None,
        builds: Vec::new(),
    };
    eprintln!(
        "bench-compile: {} ({} operations) and {AWS} {} ({} operations), target dir {}",
        ours.name,
        ours.operations,
        aws.version,
        aws.operations,
        target.display()
    );
    let mut steps = vec![Step::Check];
    steps.extend(opts.profile.list().into_iter().map(Step::Build));
    for step in steps {
        eprintln!(
            "bench-compile: warming the dependencies ({}) …",
            step.label()
        );
        for m in [&ours, &aws] {
            cargo.run(&m.name, step, true)?;
        }
        let mut walls: [Vec<Duration>; 2] = [Vec::new(), Vec::new()];
        for run in 0..opts.runs {
            for (i, m) in [&ours, &aws].into_iter().enumerate() {
                cargo.clean(&m.name, step)?;
                let wall = cargo.run(&m.name, step, false)?;
                eprintln!(
                    "bench-compile: {} {} run {}: {}",
                    m.name,
                    step.label(),
                    run + 1,
                    secs(wall)
                );
                walls[i].push(wall);
            }
        }
        for (m, w) in [&mut ours, &mut aws].into_iter().zip(walls) {
            let b = Build::of(w);
            match step {
                Step::Check => m.check = b,
                Step::Build(p) => m.builds.extend(b.map(|b| (p, b))),
            }
        }
    }
    Ok((ours, aws))
}

/// Writes the scratch workspace: the synthetic crate in `generated/synth/`, the `aws` member, the manifest.
/// Returns the synthetic crate's package name and operation count.
fn generate(root: &Path, scratch: &Path, operations: usize) -> Result<(String, usize)> {
    let n = pages_for(operations);
    let pages = crate::synth::pages(n, SEED);
    let read = crate::synth::read(&pages, 1);
    let errors = read.diagnostics.iter().filter(|d| d.is_error()).count();
    if errors > 0 {
        bail!("the synthetic pages did not read: {errors} errors");
    }
    let svc = crate::synth::service("synth", read);
    let operations = svc.operations.len();
    eprintln!("bench-compile: {n} synthetic pages, {operations} operations");
    let runtime = root.join("runtime");
    let mut files = codegen::emit::service(&svc)?;
    let mut patched = false;
    for f in &mut files {
        if f.path.ends_with("/Cargo.toml") {
            let old = "path = \"../../runtime\"";
            if f.contents.contains(old) {
                f.contents = f
                    .contents
                    .replace(old, &format!("path = {}", toml_str(&runtime)));
                patched = true;
            }
        }
    }
    if !patched {
        bail!(
            "the generated Cargo.toml no longer depends on `../../runtime`: update bench-compile"
        );
    }
    std::fs::create_dir_all(scratch)?;
    write::sync(&scratch.join("generated"), &files, Mode::Write)?;

    let aws = scratch.join("aws");
    std::fs::create_dir_all(aws.join("src"))?;
    write_if_changed(
        &aws.join("Cargo.toml"),
        &format!(
            "[package]\nname = \"aws-bench\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n\
             [dependencies]\n{AWS} = \"1\"\n"
        ),
    )?;
    write_if_changed(&aws.join("src/lib.rs"), "pub use aws_sdk_config;\n")?;
    write_if_changed(
        &scratch.join("Cargo.toml"),
        &manifest(root, "bench-compile", &["generated/synth", "aws"])?,
    )?;
    let lock = scratch.join("Cargo.lock");
    if !lock.exists() {
        std::fs::copy(root.join("Cargo.lock"), &lock).context("copying Cargo.lock")?;
    }
    let toml = std::fs::read_to_string(scratch.join("generated/synth/Cargo.toml"))?;
    let name = toml
        .lines()
        .find_map(|l| l.strip_prefix("name = "))
        .map(|s| s.trim().trim_matches('"').to_string())
        .context("no package name in the generated Cargo.toml")?;
    Ok((name, operations))
}

/// The smallest page count whose pages document at least `operations` operations.
fn pages_for(operations: usize) -> usize {
    let count = |n: usize| crate::synth::operation_count(&crate::synth::pages(n, SEED));
    let (mut lo, mut hi) = (operations, 2 * operations);
    while count(hi) < operations {
        hi *= 2;
    }
    while lo < hi {
        let mid = (lo + hi) / 2;
        if count(mid) >= operations {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    lo
}

/// A scratch workspace manifest written by `cargo xtask <by>`: this repository's, with its own members
/// (profiles, lints and workspace dependencies kept, so generated crates build as they do here).
pub fn manifest(root: &Path, by: &str, members: &[&str]) -> Result<String> {
    let text = std::fs::read_to_string(root.join("Cargo.toml"))?;
    let mut out = format!(
        "# Written by cargo xtask {by}.\n[workspace]\nresolver = \"2\"\nmembers = {}\n",
        serde_json::to_string(members)?
    );
    let mut keep = false;
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with('[') && !t.starts_with("[[") {
            keep = t != "[workspace]";
            if keep {
                out.push('\n');
            }
        }
        if keep {
            out.push_str(line);
            out.push('\n');
        }
    }
    Ok(out)
}

fn toml_str(p: &Path) -> String {
    serde_json::to_string(&p.to_string_lossy()).unwrap_or_default()
}

pub fn write_if_changed(path: &Path, contents: &str) -> Result<()> {
    if std::fs::read_to_string(path).ok().as_deref() != Some(contents) {
        std::fs::write(path, contents).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

/// Cargo run in a scratch workspace with its own target folder (also used by `try-product`).
pub struct Cargo {
    pub scratch: PathBuf,
    pub target: PathBuf,
}

impl Cargo {
    pub fn command(&self) -> Command {
        let mut c = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
        c.current_dir(&self.scratch)
            .env("CARGO_TARGET_DIR", &self.target)
            .env("CARGO_INCREMENTAL", "0")
            .env_remove("CARGO_BUILD_TARGET_DIR");
        c
    }

    /// `cargo build|check -p <package> --profile P`; its wall time.
    fn run(&self, package: &str, step: Step, loud: bool) -> Result<Duration> {
        let (command, profile) = match step {
            Step::Check => ("check", Profile::Debug),
            Step::Build(p) => ("build", p),
        };
        let mut c = self.command();
        c.args([command, "--package", package, "--profile", profile.cargo()]);
        if !loud {
            c.arg("--quiet");
        }
        let start = Instant::now();
        let status = c
            .status()
            .with_context(|| format!("running cargo {command}"))?;
        let wall = start.elapsed();
        if !status.success() {
            bail!(
                "cargo {command} -p {package} --profile {} failed: {status}",
                profile.cargo()
            );
        }
        Ok(wall)
    }

    fn clean(&self, package: &str, step: Step) -> Result<()> {
        let profile = match step {
            Step::Check => Profile::Debug,
            Step::Build(p) => p,
        };
        let status = self
            .command()
            .args(["clean", "--quiet", "--package", package])
            .args(["--profile", profile.cargo()])
            .status()
            .context("running cargo clean")?;
        if !status.success() {
            bail!("cargo clean -p {package} failed: {status}");
        }
        Ok(())
    }

    /// The version and manifest of a package of the scratch workspace's resolve (`cargo metadata`).
    fn locate(&self, package: &str) -> Result<(String, PathBuf)> {
        let out = self
            .command()
            .args(["metadata", "--format-version", "1"])
            .stderr(Stdio::inherit())
            .output()
            .context("running cargo metadata")?;
        if !out.status.success() {
            bail!("cargo metadata failed: {}", out.status);
        }
        let meta: serde_json::Value = serde_json::from_slice(&out.stdout)?;
        let found = meta["packages"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|p| p["name"] == package)
            .with_context(|| format!("{package} is not in the scratch workspace's resolve"))?;
        let version = found["version"].as_str().unwrap_or("?").to_string();
        let manifest = found["manifest_path"]
            .as_str()
            .map(PathBuf::from)
            .context("no manifest_path")?;
        Ok((version, manifest))
    }
}

fn lines(src: &Path) -> Result<Lines> {
    let mut out = Lines::default();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))? {
            let path = e?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|x| x == "rs") {
                let text = std::fs::read_to_string(&path)?;
                out.files += 1;
                for l in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
                    out.non_blank += 1;
                    if !l.starts_with("//") {
                        out.code += 1;
                    }
                }
            }
        }
    }
    Ok(out)
}

/// The operations of an AWS SDK crate: the modules of `src/operation/` (`x.rs` and/or `x/`).
fn aws_operations(src: &Path) -> Result<usize> {
    let mut names = std::collections::BTreeSet::new();
    for e in std::fs::read_dir(src.join("operation"))? {
        let path = e?.path();
        let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned());
        if path.is_dir() || path.extension().is_some_and(|x| x == "rs") {
            names.extend(stem);
        }
    }
    Ok(names.len())
}

fn secs(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}

fn table(ours: &Measured, aws: &Measured, profiles: &[Profile]) -> String {
    let per_op = |n: usize, m: &Measured| n as f64 / m.operations.max(1) as f64;
    let mut steps = vec![Step::Check];
    steps.extend(profiles.iter().copied().map(Step::Build));
    let time = |m: &Measured, step: Step| match step {
        Step::Check => m.check,
        Step::Build(p) => m.builds.iter().find(|(q, _)| *q == p).map(|(_, b)| *b),
    };
    let mut s = String::new();
    s.push_str("| crate | operations | lines/op (without `//` lines) |");
    for step in &steps {
        match step {
            Step::Check => s.push_str(" check (frontend) |"),
            Step::Build(p) => s.push_str(&format!(" {} build |", p.label())),
        }
    }
    s.push('\n');
    s.push_str(&"|---".repeat(3 + steps.len()));
    s.push_str("|\n");
    for m in [ours, aws] {
        s.push_str(&format!(
            "| {} {} | {} | {:.0} ({:.0}) |",
            m.name,
            m.version,
            m.operations,
            per_op(m.lines.non_blank, m),
            per_op(m.lines.code, m)
        ));
        for &step in &steps {
            match time(m, step) {
                Some(b) if b.min != b.max => s.push_str(&format!(
                    " {} ({:.1}–{:.1}) |",
                    secs(b.median),
                    b.min.as_secs_f64(),
                    b.max.as_secs_f64()
                )),
                Some(b) => s.push_str(&format!(" {} |", secs(b.median))),
                None => s.push_str(" n/a |"),
            }
        }
        s.push('\n');
    }
    let ratio = |a: f64, b: f64| {
        if b > 0.0 {
            format!("{:.2}", a / b)
        } else {
            "n/a".into()
        }
    };
    let ops = ours.operations as f64 / aws.operations.max(1) as f64;
    s.push_str(&format!(
        "| ours / aws | {} | {} ({}) |",
        ratio(ours.operations as f64, aws.operations as f64),
        ratio(
            per_op(ours.lines.non_blank, ours),
            per_op(aws.lines.non_blank, aws)
        ),
        ratio(per_op(ours.lines.code, ours), per_op(aws.lines.code, aws)),
    ));
    let ratios = |scale: f64| {
        steps
            .iter()
            .map(|&step| match (time(ours, step), time(aws, step)) {
                (Some(a), Some(b)) => format!(
                    " {} |",
                    ratio(a.median.as_secs_f64(), b.median.as_secs_f64() * scale)
                ),
                _ => " n/a |".into(),
            })
            .collect::<String>()
    };
    s.push_str(&ratios(1.0));
    s.push_str("\n| ours / aws, per operation | | |");
    s.push_str(&ratios(ops));
    s.push_str("\n| target | | ≤ 0.20 |");
    for step in &steps {
        s.push_str(match step {
            Step::Check => " |",
            Step::Build(_) => " ≤ 0.20 |",
        });
    }
    s.push('\n');
    s
}
