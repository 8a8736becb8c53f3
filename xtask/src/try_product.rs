//! `cargo xtask try-product <pages-dir>... [--keep]`: what a new user gets from a whole product's pages.
//!
//! Each folder of pages becomes a service of a scratch workspace under `target/try-product/` (outside the
//! repository's own tree, so nothing of `specs/` or `generated/` is touched): its pages are copied to
//! `specs/<name>/` with a `service.yaml` whose product and version come from the pages (their OpenAPI
//! Explorer links, else their sample requests and the folder's name), a copy of `runtime/` sits beside them,
//! and regen writes `generated/<name>/`. Then the generated crates go through what a user (and `.ci/run`)
//! would run: `cargo build`, `cargo clippy -- -D warnings`, `RUSTDOCFLAGS=-D warnings cargo doc` and
//! `cargo test`, each on the library and its integration tests (`tests/examples.rs`) only: generated crates
//! have no unit tests, and checking or building a library a second time with `cfg(test)` would double the
//! time. Builds share `target/try-product/target/`, so dependencies are built once.
//!
//! It prints, per service and in total: operations, regen warnings by code, rustc warnings, clippy and
//! rustdoc findings, and example tests passed and failed (with the names of the failing ones). It exits
//! non-zero when regen fails or anything is not clean.

use crate::bench_compile::{manifest, write_if_changed, Cargo};
use anyhow::{bail, Context, Result};
use codegen::regen::{self, Options, RegenError};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;

pub struct Args {
    pub pages: Vec<PathBuf>,
    /// Keep the scratch workspace (the build folder is always kept; a kept workspace makes the next run
    /// rebuild only the crates whose files changed).
    pub keep: bool,
}

/// One folder of pages as a service of the scratch workspace.
struct Product {
    pages: PathBuf,
    name: String,
    product: String,
    version: String,
    /// `RPC` or `ROA`, as most Explorer links say (RPC when none does).
    style: String,
    endpoint: String,
}

/// Which figure a step's findings go to.
type Slot = fn(&mut Figures) -> &mut usize;

/// What the run found for one service.
#[derive(Default)]
struct Figures {
    operations: usize,
    regen_warnings: BTreeMap<codegen::diag::Code, usize>,
    rustc_warnings: usize,
    clippy: usize,
    rustdoc: usize,
    examples_passed: usize,
    examples_failed: Vec<String>,
    other_tests_failed: Vec<String>,
}

pub fn run(root: &Path, args: Args) -> Result<()> {
    if args.pages.is_empty() {
        bail!("name at least one folder of pages");
    }
    let base = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
        .join("try-product");
    let scratch = base.join("workspace");
    let target = base.join("target");
    let mut products = Vec::new();
    for dir in &args.pages {
        products.push(Product::infer(dir)?);
    }
    let mut seen = BTreeMap::new();
    for p in &products {
        if let Some(other) = seen.insert(p.name.clone(), &p.pages) {
            bail!(
                "{} and {} would both be service `{}`: rename one folder",
                other.display(),
                p.pages.display(),
                p.name
            );
        }
    }

    // Fresh pages every run (pages removed from a folder must not linger); everything else is rewritten only
    // where it changed, so cargo rebuilds only what did.
    let _ = std::fs::remove_dir_all(scratch.join("specs"));
    for p in &products {
        p.write_spec(&scratch.join("specs").join(&p.name))?;
        eprintln!(
            "try-product: {} → service `{}` (product {}, version {})",
            p.pages.display(),
            p.name,
            p.product,
            p.version
        );
    }
    copy_runtime(root, &scratch.join("runtime"))?;
    let mut members: Vec<String> = vec!["runtime".into()];
    members.extend(products.iter().map(|p| format!("generated/{}", p.name)));
    let members: Vec<&str> = members.iter().map(String::as_str).collect();
    write_if_changed(
        &scratch.join("Cargo.toml"),
        &manifest(root, "try-product", &members)?,
    )?;
    if !scratch.join("Cargo.lock").exists() {
        std::fs::copy(root.join("Cargo.lock"), scratch.join("Cargo.lock"))
            .context("copying Cargo.lock")?;
    }

    let mut figures: BTreeMap<String, Figures> = BTreeMap::new();
    let jobs = std::thread::available_parallelism().map_or(1, |n| n.get());
    let opts = Options {
        jobs,
        ..Options::new(&scratch)
    };
    match regen::run(&opts) {
        Ok(report) => {
            for s in &report.services {
                eprint!("{}", s.rendered_warnings);
                let f = figures.entry(s.name.clone()).or_default();
                f.operations = s.operations;
                f.regen_warnings = s.summary.warnings.clone();
            }
        }
        Err(RegenError::Failed {
            failed,
            rendered,
            rendered_errors,
            summary,
        }) => {
            eprint!("{rendered}{}{rendered_errors}", summary.render());
            bail!("regen failed for {}", failed.join(", "));
        }
        Err(e) => return Err(e.into()),
    }

    let packages: Vec<String> = products
        .iter()
        .map(|p| package_name(&scratch.join("generated").join(&p.name)))
        .collect::<Result<_>>()?;
    let cargo = Cargo {
        scratch: scratch.clone(),
        target,
    };
    // Each step once for every crate (cargo spreads them over the cores); findings are counted per crate.
    // `cargo test --no-run` builds each library exactly as `cargo build` does, plus its example tests.
    let steps: [(&[&str], Slot); 3] = [
        (&["clippy", "--lib", "--test", "*"], |f| &mut f.clippy),
        (&["test", "--no-run", "--test", "*"], |f| {
            &mut f.rustc_warnings
        }),
        (&["doc", "--no-deps"], |f| &mut f.rustdoc),
    ];
    for (args, slot) in steps {
        let counts = cargo.diagnostics(args, &packages)?;
        for (p, n) in products.iter().zip(counts) {
            *slot(figures.entry(p.name.clone()).or_default()) = n;
        }
    }
    for (p, package) in products.iter().zip(&packages) {
        cargo.test(package, figures.entry(p.name.clone()).or_default())?;
    }
    print_figures(&figures);
    if args.keep {
        eprintln!("try-product: workspace kept in {}", scratch.display());
    } else {
        let _ = std::fs::remove_dir_all(&scratch);
    }
    let unclean = figures.values().any(|f| {
        f.rustc_warnings + f.clippy + f.rustdoc > 0
            || !f.examples_failed.is_empty()
            || !f.other_tests_failed.is_empty()
    });
    if unclean {
        bail!("the generated crates are not clean (see the figures above)");
    }
    Ok(())
}

impl Product {
    fn infer(dir: &Path) -> Result<Product> {
        let pages = pages_in(dir)?;
        if pages.is_empty() {
            bail!("{}: no pages (`*.md`, `*.txt`)", dir.display());
        }
        // `<set>/pages/` is named after its set.
        let named = match dir.file_name().and_then(|n| n.to_str()) {
            Some("pages") | None => dir.parent().unwrap_or(dir),
            Some(_) => dir,
        };
        let folder = named
            .canonicalize()
            .unwrap_or_else(|_| named.to_path_buf())
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let name = service_name(&folder);
        let mut products: BTreeMap<String, usize> = BTreeMap::new();
        let mut versions: BTreeMap<String, usize> = BTreeMap::new();
        let mut hosts: BTreeMap<String, usize> = BTreeMap::new();
        // `type=ROA` or `type=RPC` in the Explorer links: the service's style.
        let mut styles: BTreeMap<String, usize> = BTreeMap::new();
        for page in &pages {
            let text = std::fs::read(page)
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .with_context(|| format!("reading {}", page.display()))?;
            for link in text.split("api.aliyun.com/#").skip(1) {
                let query = link.trim_start_matches('/').trim_start_matches('?');
                let query: String = query
                    .chars()
                    .take_while(|c| {
                        !c.is_whitespace() && !matches!(c, ')' | '"' | '\'' | '>' | ']')
                    })
                    .collect();
                for pair in query.split('&') {
                    match pair.split_once('=') {
                        Some(("product", p)) if !p.is_empty() => {
                            *products.entry(p.into()).or_default() += 1
                        }
                        Some(("version", v)) if is_version(v) => {
                            *versions.entry(v.into()).or_default() += 1
                        }
                        Some(("type", t))
                            if t.eq_ignore_ascii_case("roa") || t.eq_ignore_ascii_case("rpc") =>
                        {
                            *styles.entry(t.to_ascii_uppercase()).or_default() += 1
                        }
                        _ => {}
                    }
                }
            }
            // `https://vod.aliyuncs.com/?Action=…`, also written `http(s)://ros.aliyuncs.com/? Action=…`.
            for sample in text.split("://").skip(1) {
                let host: String = sample
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
                    .collect();
                let rest = sample[host.len()..].replace(' ', "");
                if host.ends_with(".aliyuncs.com") && rest.starts_with("/?Action=") {
                    *hosts.entry(host).or_default() += 1;
                }
            }
            for v in text.split("Version=").skip(1) {
                if let Some(v) = v.get(..10).filter(|v| is_version(v)) {
                    *versions.entry(v.into()).or_default() += 1;
                }
            }
        }
        let host = most(&hosts);
        let product = most(&products)
            .or_else(|| {
                host.as_ref()
                    .and_then(|h| h.split('.').next())
                    .map(str::to_string)
            })
            .or_else(|| product_in(&folder))
            .with_context(|| {
                format!(
                    "{}: no OpenAPI Explorer link, sample request or folder name (`<product>-YYYY-MM-DD`) names the product",
                    dir.display()
                )
            })?;
        let version = most(&versions)
            .or_else(|| version_in(&folder))
            .with_context(|| {
                format!(
                    "{}: no page or folder name gives the API version (YYYY-MM-DD)",
                    dir.display()
                )
            })?;
        let endpoint = format!("{}.{{region}}.aliyuncs.com", product.to_ascii_lowercase());
        let style = most(&styles).unwrap_or_else(|| "RPC".into());
        Ok(Product {
            pages: dir.to_path_buf(),
            name,
            product,
            version,
            style,
            endpoint,
        })
    }

    fn write_spec(&self, to: &Path) -> Result<()> {
        std::fs::create_dir_all(to)?;
        for page in pages_in(&self.pages)? {
            if let Some(file) = page.file_name() {
                std::fs::copy(&page, to.join(file))
                    .with_context(|| format!("copying {}", page.display()))?;
            }
        }
        let yaml = format!(
            "# Written by cargo xtask try-product from {}.\nproduct: {}\nversion: {}\nstyle: {}\nendpoint: {}\n",
            self.pages.display(),
            json(&self.product),
            json(&self.version),
            self.style,
            json(&self.endpoint),
        );
        std::fs::write(to.join("service.yaml"), yaml)?;
        Ok(())
    }
}

/// A JSON string is a valid YAML double-quoted scalar.
fn json(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

fn pages_in(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut pages: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "md" || x == "txt"))
        .collect();
    pages.sort();
    Ok(pages)
}

fn is_version(v: &str) -> bool {
    let b = v.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        })
}

/// `gpdb-2016-05-03-zh` → `2016-05-03`.
fn version_in(folder: &str) -> Option<String> {
    (0..folder.len().saturating_sub(9))
        .filter_map(|i| folder.get(i..i + 10))
        .find(|v| is_version(v))
        .map(str::to_string)
}

/// `ros-2019-09-10-en` → `ros`.
fn product_in(folder: &str) -> Option<String> {
    let version = version_in(folder)?;
    let before = &folder[..folder.find(&version)?];
    let product = before.trim_end_matches(['-', '_', ' ']);
    (!product.is_empty()).then(|| product.to_string())
}

/// The value seen most often (the first in order on a tie).
fn most(counts: &BTreeMap<String, usize>) -> Option<String> {
    let top = counts.values().max()?;
    counts
        .iter()
        .find(|(_, n)| *n == top)
        .map(|(k, _)| k.clone())
}

/// A folder name as a service name: lowercase ASCII letters and digits, other runs as one `-`.
fn service_name(folder: &str) -> String {
    let mut out = String::new();
    for c in folder.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        "product".to_string()
    } else {
        out
    }
}

/// The runtime as a member of the scratch workspace: its manifest (without the dev-dependencies, which name
/// this repository's generated crates) and its sources.
fn copy_runtime(root: &Path, to: &Path) -> Result<()> {
    let from = root.join("runtime");
    let text = std::fs::read_to_string(from.join("Cargo.toml"))?;
    let mut manifest = String::new();
    let mut keep = true;
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with('[') {
            keep = t != "[dev-dependencies]";
        }
        if keep {
            manifest.push_str(line);
            manifest.push('\n');
        }
    }
    std::fs::create_dir_all(to)?;
    write_if_changed(&to.join("Cargo.toml"), &manifest)?;
    copy_dir(&from.join("src"), &to.join("src"))
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let path = entry?.path();
        let dest = to.join(path.file_name().unwrap_or_default());
        if path.is_dir() {
            copy_dir(&path, &dest)?;
        } else {
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("reading {}", path.display()))?;
            write_if_changed(&dest, &text)?;
        }
    }
    Ok(())
}

fn package_name(crate_dir: &Path) -> Result<String> {
    let toml = std::fs::read_to_string(crate_dir.join("Cargo.toml"))
        .with_context(|| format!("reading {}/Cargo.toml", crate_dir.display()))?;
    toml.lines()
        .find_map(|l| l.strip_prefix("name = "))
        .map(|s| s.trim().trim_matches('"').to_string())
        .with_context(|| format!("no package name in {}/Cargo.toml", crate_dir.display()))
}

impl Cargo {
    /// Cargo in the scratch workspace, without debug info: the crates are only built to be checked, and
    /// debug info would triple the size of the build folder.
    fn scratch_command(&self) -> std::process::Command {
        let mut c = self.command();
        c.env("CARGO_PROFILE_DEV_DEBUG", "0");
        c
    }

    /// Runs `cargo <args> -p <package>… --message-format=json` (rustdoc with `-D warnings`) and counts, per
    /// package, the warnings and errors that point into it; their rendered text goes to stderr.
    fn diagnostics(&self, args: &[&str], packages: &[String]) -> Result<Vec<usize>> {
        let mut c = self.scratch_command();
        c.args(args);
        for p in packages {
            c.args(["--package", p]);
        }
        c.arg("--message-format=json")
            .env("RUSTDOCFLAGS", "-D warnings")
            .stderr(Stdio::inherit());
        let out = c
            .output()
            .with_context(|| format!("running cargo {}", args.join(" ")))?;
        // `path+file:///…/generated/x#aliyun-x@0.1.0`, or the older `aliyun-x 0.1.0 (path+file://…)`.
        let owner = |id: &str| {
            packages.iter().position(|p| {
                id.contains(&format!("#{p}@"))
                    || id.contains(&format!("/{p}#"))
                    || id.starts_with(&format!("{p} "))
            })
        };
        let mut counts = vec![0; packages.len()];
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
                continue;
            };
            if v["reason"] != "compiler-message" {
                continue;
            }
            let msg = &v["message"];
            let level = msg["level"].as_str().unwrap_or_default();
            // Summaries ("2 warnings emitted", "aborting due to …") point nowhere.
            let placed = msg["spans"].as_array().is_some_and(|s| !s.is_empty());
            if !placed || !matches!(level, "warning" | "error") {
                continue;
            }
            if let Some(i) = owner(v["package_id"].as_str().unwrap_or_default()) {
                counts[i] += 1;
                eprint!("{}", msg["rendered"].as_str().unwrap_or_default());
            }
        }
        if !out.status.success() {
            // A crate that does not compile fails its tests too; the run goes on to the other crates.
            eprintln!(
                "try-product: cargo {} failed: {}",
                args.join(" "),
                out.status
            );
        }
        Ok(counts)
    }

    /// `cargo test -p <package> --no-fail-fast --test '*'` (built by then): tallies the example tests and lists
    /// every failing test.
    fn test(&self, package: &str, f: &mut Figures) -> Result<()> {
        let out = self
            .scratch_command()
            .args([
                "test",
                "--package",
                package,
                "--no-fail-fast",
                "--test",
                "*",
            ])
            .stderr(Stdio::inherit())
            .output()
            .context("running cargo test")?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        let mut tallied = 0;
        for line in stdout.lines() {
            let Some(rest) = line.strip_prefix("test ") else {
                continue;
            };
            let Some((name, outcome)) = rest.rsplit_once(" ... ") else {
                continue;
            };
            let example = name.ends_with("_response_example_decodes")
                || name.ends_with("_request_example_flattens");
            tallied += 1;
            match (outcome.trim(), example) {
                ("ok", true) => f.examples_passed += 1,
                ("ok", false) => {}
                (_, true) => f.examples_failed.push(name.to_string()),
                (_, false) => f.other_tests_failed.push(name.to_string()),
            }
        }
        if !out.status.success() && tallied == 0 {
            // It did not build (the findings of the steps before say why); the other crates still run.
            f.other_tests_failed
                .push(format!("{package}: cargo test failed before running tests"));
        }
        if !f.examples_failed.is_empty() || !f.other_tests_failed.is_empty() {
            // The failures' messages, for reading.
            for block in stdout.split("\n---- ").skip(1) {
                eprintln!(
                    "---- {}",
                    block.lines().take(6).collect::<Vec<_>>().join("\n")
                );
            }
        }
        Ok(())
    }
}

fn print_figures(figures: &BTreeMap<String, Figures>) {
    println!(
        "| service | operations | regen warnings | rustc warnings | clippy | rustdoc | example tests passed | failed |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- |");
    let mut total = Figures::default();
    for (name, f) in figures {
        let warnings: usize = f.regen_warnings.values().sum();
        println!(
            "| {name} | {} | {warnings} | {} | {} | {} | {} | {} |",
            f.operations,
            f.rustc_warnings,
            f.clippy,
            f.rustdoc,
            f.examples_passed,
            f.examples_failed.len()
        );
        total.operations += f.operations;
        for (k, n) in &f.regen_warnings {
            *total.regen_warnings.entry(*k).or_default() += n;
        }
        total.rustc_warnings += f.rustc_warnings;
        total.clippy += f.clippy;
        total.rustdoc += f.rustdoc;
        total.examples_passed += f.examples_passed;
        total
            .examples_failed
            .extend(f.examples_failed.iter().cloned());
        total
            .other_tests_failed
            .extend(f.other_tests_failed.iter().cloned());
    }
    let warnings: usize = total.regen_warnings.values().sum();
    println!(
        "| total | {} | {warnings} | {} | {} | {} | {} | {} |",
        total.operations,
        total.rustc_warnings,
        total.clippy,
        total.rustdoc,
        total.examples_passed,
        total.examples_failed.len()
    );
    println!();
    println!("regen warnings by code:");
    let mut codes: Vec<_> = total.regen_warnings.iter().collect();
    codes.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    for (code, n) in codes {
        println!("  {n:>5}  {code}  {}", code.meaning());
    }
    for name in total
        .examples_failed
        .iter()
        .chain(&total.other_tests_failed)
    {
        println!("failed: {name}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_come_from_folder_names() {
        assert_eq!(
            version_in("gpdb-2016-05-03-zh").as_deref(),
            Some("2016-05-03")
        );
        assert_eq!(version_in("2016-05-03").as_deref(), Some("2016-05-03"));
        assert_eq!(version_in("vod-en"), None);
        assert_eq!(product_in("ros-2019-09-10-en").as_deref(), Some("ros"));
        assert_eq!(product_in("2019-09-10-en"), None);
    }

    #[test]
    fn folder_names_become_service_names() {
        assert_eq!(service_name("ROS 2019_09_10 (en)"), "ros-2019-09-10-en");
        assert_eq!(service_name("视频"), "product");
    }
}
