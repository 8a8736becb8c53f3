//! `cargo xtask bench-compile [--service DIR]... [--operations 200] [--profile debug|release|both] [--runs 3]
//! [--keep DIR]`: the compile cost of generated code, next to `aws-sdk-config` built the same way in the same run.
//!
//! - Real products: each `--service DIR` (a folder of pages with its `service.yaml`, as under `specs/`; default
//!   `specs/config`, the complete Config API) is read and emitted (`codegen::emit`) into a scratch cargo
//!   workspace (a temp dir, or `--keep DIR`), as the crate the generator writes, depending on this
//!   repository's `runtime/` by path. It measures whatever the reader and emitter produce today.
//! - Beside them, a synthetic service of `--operations` operations (`crate::synth`: the fewest pages that
//!   document that many, about 1.7 per operation; `--operations 0` leaves it out).
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
//! - Peak memory: the largest resident set of the measured `cargo build` and what it runs (`wait4`'s
//!   `ru_maxrss`, which covers reaped descendants), dependencies warm, so in practice the crate's own rustc.
//! - One operation alone: each of our crates is also built (debug, after `cargo clean -p`) with
//!   `--no-default-features --features <op>` for its largest operation module: what a user who calls one
//!   operation pays.
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
    /// Folders of pages with a `service.yaml` (real products).
    pub services: Vec<PathBuf>,
    /// Operations of the synthetic service (0: none).
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
    /// Peak resident set (bytes) of the measured builds, per profile: the largest over the runs.
    peak: Vec<(Profile, u64)>,
    /// The largest operation's feature and its debug build alone (ours only).
    one_operation: Option<(String, Build)>,
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
    if opts.runs == 0 {
        bail!("--runs must be at least 1");
    }
    if opts.operations == 0 && opts.services.is_empty() {
        bail!("nothing to measure: give --service DIR or --operations N");
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

/// One generated crate of the scratch workspace.
struct Generated {
    /// Its folder under the scratch `generated/`.
    folder: String,
    package: String,
    operations: usize,
    /// The feature of its largest operation module.
    largest_operation: Option<String>,
}

fn bench(
    root: &Path,
    scratch: &Path,
    target: &Path,
    opts: &Options,
) -> Result<(Vec<Measured>, Measured)> {
    let crates = generate(root, scratch, opts)?;
    let cargo = Cargo {
        scratch: scratch.to_path_buf(),
        target: target.to_path_buf(),
    };
    let (aws_version, aws_manifest) = cargo.locate(AWS)?;
    let aws_src = aws_manifest
        .parent()
        .context("aws-sdk-config manifest has no folder")?
        .join("src");
    let mut ours = Vec::new();
    for c in &crates {
        ours.push(Measured {
            name: c.package.clone(),
            version: "0.1.0".into(),
            operations: c.operations,
            lines: lines(&scratch.join("generated").join(&c.folder).join("src"))?,
            ..Measured::default()
        });
    }
    let mut aws = Measured {
        name: AWS.into(),
        version: aws_version,
        operations: aws_operations(&aws_src)?,
        lines: lines(&aws_src)?,
        ..Measured::default()
    };
    for m in ours.iter().chain([&aws]) {
        eprintln!(
            "bench-compile: {} {} ({} operations)",
            m.name, m.version, m.operations
        );
    }
    eprintln!("bench-compile: target dir {}", target.display());
    let mut steps = vec![Step::Check];
    steps.extend(opts.profile.list().into_iter().map(Step::Build));
    for step in steps {
        eprintln!(
            "bench-compile: warming the dependencies ({}) …",
            step.label()
        );
        let names: Vec<String> = ours.iter().chain([&aws]).map(|m| m.name.clone()).collect();
        for name in &names {
            cargo.run(name, step, &[], true)?;
        }
        let mut walls: Vec<Vec<Duration>> = vec![Vec::new(); names.len()];
        let mut peaks: Vec<u64> = vec![0; names.len()];
        for run in 0..opts.runs {
            for (i, name) in names.iter().enumerate() {
                cargo.clean(name, step)?;
                let (wall, peak) = cargo.run(name, step, &[], false)?;
                eprintln!(
                    "bench-compile: {name} {} run {}: {} ({})",
                    step.label(),
                    run + 1,
                    secs(wall),
                    mib(peak)
                );
                walls[i].push(wall);
                peaks[i] = peaks[i].max(peak);
            }
        }
        for ((m, w), peak) in ours.iter_mut().chain([&mut aws]).zip(walls).zip(peaks) {
            let b = Build::of(w);
            match step {
                Step::Check => m.check = b,
                Step::Build(p) => {
                    m.builds.extend(b.map(|b| (p, b)));
                    m.peak.push((p, peak));
                }
            }
        }
    }
    // One operation alone, debug: what a user who calls one operation compiles of the crate.
    for (m, c) in ours.iter_mut().zip(&crates) {
        let Some(feature) = &c.largest_operation else {
            continue;
        };
        let features = ["--no-default-features", "--features", feature.as_str()];
        let step = Step::Build(Profile::Debug);
        cargo.run(&m.name, step, &features, true)?;
        let mut walls = Vec::new();
        for _ in 0..opts.runs {
            cargo.clean(&m.name, step)?;
            walls.push(cargo.run(&m.name, step, &features, false)?.0);
        }
        eprintln!(
            "bench-compile: {} with only `{feature}`: {}",
            m.name,
            secs(
                Build::of(walls.clone())
                    .map(|b| b.median)
                    .unwrap_or_default()
            )
        );
        m.one_operation = Build::of(walls).map(|b| (feature.clone(), b));
    }
    Ok((ours, aws))
}

/// Writes the scratch workspace: each real service and the synthetic crate under `generated/`, the `aws`
/// member, the manifest.
fn generate(root: &Path, scratch: &Path, opts: &Options) -> Result<Vec<Generated>> {
    let mut services = Vec::new();
    for dir in &opts.services {
        let dir = absolute(dir)?;
        let parent = dir.parent().unwrap_or(&dir).to_path_buf();
        let read = codegen::load::read_service(&dir, &parent).map_err(|f| {
            let text = f.sources.render(&f.diagnostics);
            anyhow::anyhow!("{} does not read:\n{text}", dir.display())
        })?;
        eprintln!(
            "bench-compile: {}: {} operations",
            dir.display(),
            read.service.operations.len()
        );
        services.push(read.service);
    }
    if opts.operations > 0 {
        let n = pages_for(opts.operations);
        let pages = crate::synth::pages(n, SEED);
        let loaded = crate::synth::load("synth", &pages)
            .map_err(|f| anyhow::anyhow!("the synthetic pages did not load: {f}"))?;
        eprintln!(
            "bench-compile: {n} synthetic pages, {} operations",
            loaded.service.operations.len()
        );
        services.push(loaded.service);
    }
    let runtime = root.join("runtime");
    let mut crates = Vec::new();
    let mut all = Vec::new();
    for svc in &services {
        let mut files = codegen::emit::service(svc)?;
        let mut patched = false;
        let mut largest: Option<(usize, String)> = None;
        let folder = files
            .first()
            .and_then(|f| f.path.split('/').next())
            .unwrap_or(&svc.name)
            .to_string();
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
        let toml = files
            .iter()
            .find(|f| f.path == format!("{folder}/Cargo.toml"))
            .map(|f| f.contents.clone())
            .context("no generated Cargo.toml")?;
        let package = toml
            .lines()
            .find_map(|l| l.strip_prefix("name = "))
            .map(|s| s.trim().trim_matches('"').to_string())
            .context("no package name in the generated Cargo.toml")?;
        // The operation features are the `name = []` lines of `[features]`; their modules are `src/<name>.rs`.
        let features: Vec<&str> = toml
            .lines()
            .filter_map(|l| l.strip_suffix(" = []"))
            .collect();
        for f in &files {
            let module = f
                .path
                .strip_prefix(&format!("{folder}/src/"))
                .and_then(|m| m.strip_suffix(".rs"));
            if let Some(m) = module.filter(|m| features.contains(m)) {
                if largest.as_ref().is_none_or(|(n, _)| f.contents.len() > *n) {
                    largest = Some((f.contents.len(), m.to_string()));
                }
            }
        }
        crates.push(Generated {
            folder,
            package,
            operations: svc.operations.len(),
            largest_operation: largest.map(|(_, m)| m),
        });
        all.extend(files);
    }
    std::fs::create_dir_all(scratch)?;
    write::sync(&scratch.join("generated"), &all, Mode::Write)?;

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
    let mut members: Vec<String> = crates
        .iter()
        .map(|c| format!("generated/{}", c.folder))
        .collect();
    members.push("aws".into());
    let members: Vec<&str> = members.iter().map(String::as_str).collect();
    write_if_changed(
        &scratch.join("Cargo.toml"),
        &manifest(root, "bench-compile", &members)?,
    )?;
    let lock = scratch.join("Cargo.lock");
    if !lock.exists() {
        std::fs::copy(root.join("Cargo.lock"), &lock).context("copying Cargo.lock")?;
    }
    Ok(crates)
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

    /// `cargo build|check -p <package> --profile P [extra…]`; its wall time and the peak resident set (bytes) of
    /// cargo and everything it ran.
    fn run(
        &self,
        package: &str,
        step: Step,
        extra: &[&str],
        loud: bool,
    ) -> Result<(Duration, u64)> {
        let (command, profile) = match step {
            Step::Check => ("check", Profile::Debug),
            Step::Build(p) => ("build", p),
        };
        let mut c = self.command();
        c.args([command, "--package", package, "--profile", profile.cargo()]);
        c.args(extra);
        if !loud {
            c.arg("--quiet");
        }
        let start = Instant::now();
        let child = c
            .spawn()
            .with_context(|| format!("running cargo {command}"))?;
        let (ok, peak) = wait_with_peak(child)?;
        let wall = start.elapsed();
        if !ok {
            bail!(
                "cargo {command} -p {package} --profile {} {} failed",
                profile.cargo(),
                extra.join(" ")
            );
        }
        Ok((wall, peak))
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

/// Waits for `child` with `wait4`, whose `ru_maxrss` is the largest resident set of the child and of the
/// descendants it reaped (cargo's rustc processes). Returns whether it exited with 0, and the peak in bytes.
fn wait_with_peak(child: std::process::Child) -> Result<(bool, u64)> {
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: `rusage` is plain data that wait4 fills; `pid` is our own unreaped child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    if r != pid {
        bail!("waiting for cargo: {}", std::io::Error::last_os_error());
    }
    let ok = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    // Linux reports ru_maxrss in KiB.
    Ok((ok, usage.ru_maxrss.max(0) as u64 * 1024))
}

fn mib(bytes: u64) -> String {
    format!("{:.0} MiB", bytes as f64 / (1024.0 * 1024.0))
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

fn table(ours: &[Measured], aws: &Measured, profiles: &[Profile]) -> String {
    let per_op = |n: f64, m: &Measured| n / m.operations.max(1) as f64;
    let mut steps = vec![Step::Check];
    steps.extend(profiles.iter().copied().map(Step::Build));
    let time = |m: &Measured, step: Step| match step {
        Step::Check => m.check,
        Step::Build(p) => m.builds.iter().find(|(q, _)| *q == p).map(|(_, b)| *b),
    };
    let peak = |m: &Measured, p: Profile| m.peak.iter().find(|(q, _)| *q == p).map(|(_, b)| *b);
    let ratio = |a: f64, b: f64| {
        if b > 0.0 {
            format!("{:.2}", a / b)
        } else {
            "n/a".into()
        }
    };
    let mut s = String::new();
    s.push_str("| crate | operations | lines/op (without `//` lines) |");
    for step in &steps {
        match step {
            Step::Check => s.push_str(" check (frontend) |"),
            Step::Build(p) => s.push_str(&format!(" {0} build | {0} peak memory |", p.label())),
        }
    }
    s.push_str(" one operation alone (debug) |\n");
    s.push_str(&"|---".repeat(4 + steps.len() + profiles.len()));
    s.push_str("|\n");
    for m in ours.iter().chain([aws]) {
        s.push_str(&format!(
            "| {} {} | {} | {:.0} ({:.0}) |",
            m.name,
            m.version,
            m.operations,
            per_op(m.lines.non_blank as f64, m),
            per_op(m.lines.code as f64, m)
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
            if let Step::Build(p) = step {
                match peak(m, p) {
                    Some(b) => s.push_str(&format!(" {} |", mib(b))),
                    None => s.push_str(" n/a |"),
                }
            }
        }
        match &m.one_operation {
            Some((feature, b)) => s.push_str(&format!(" {} (`{feature}`) |\n", secs(b.median))),
            None => s.push_str(" |\n"),
        }
    }
    for m in ours {
        s.push_str(&format!(
            "| {} / aws, per operation | | {} ({}) |",
            m.name,
            ratio(
                per_op(m.lines.non_blank as f64, m),
                per_op(aws.lines.non_blank as f64, aws)
            ),
            ratio(
                per_op(m.lines.code as f64, m),
                per_op(aws.lines.code as f64, aws)
            ),
        ));
        for &step in &steps {
            match (time(m, step), time(aws, step)) {
                (Some(a), Some(b)) => s.push_str(&format!(
                    " {} |",
                    ratio(
                        per_op(a.median.as_secs_f64(), m),
                        per_op(b.median.as_secs_f64(), aws)
                    )
                )),
                _ => s.push_str(" n/a |"),
            }
            if let Step::Build(p) = step {
                // Memory is not per operation: the whole crate's rustc against the whole of aws-sdk-config's.
                match (peak(m, p), peak(aws, p)) {
                    (Some(a), Some(b)) => {
                        s.push_str(&format!(" {} (whole crate) |", ratio(a as f64, b as f64)))
                    }
                    _ => s.push_str(" n/a |"),
                }
            }
        }
        s.push_str(" |\n");
    }
    s.push_str("| target | | ≤ 0.20 |");
    for step in &steps {
        s.push_str(match step {
            Step::Check => " |",
            Step::Build(_) => " ≤ 0.20 | < 1 |",
        });
    }
    s.push_str(" |\n");
    s
}
