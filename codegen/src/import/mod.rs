//! A folder of documentation pages as users have them → `specs/<service>/` folders regen can read.
//!
//! The folder may be a checkout of one of Alibaba Cloud's documentation repositories
//! (`cn.zh-CN/…/API参考/…/Op.md`, `intl.en-US/…/API Reference/…/Op.md`) or any folder of saved pages. Every
//! `*.md` / `*.txt` under it is read with the same reader regen uses:
//! - a page is an API reference page when the reader finds an operation with a parameter table; anything
//!   else (overviews, guides, release notes) is skipped as "not an API page";
//! - its product, version and style come from its OpenAPI Explorer link, else its sample request
//!   (`Version=`) or a `YYYY-MM-DD` folder on its path; its endpoint pattern from the sample request's host;
//! - pages are grouped by (product, version): one service each. A page naming no version (English copied
//!   text often does not) joins the service whose other pages document the same operation, else the one
//!   the other pages of its folder belong to, else the only version of its product;
//! - the same operation in the same language found twice (old and new API reference, cn and intl sites) is
//!   taken once: the most recently changed file, then the one with more documented fields, then path order.
//!
//! The library does the work (it needs the reader, and its tests run without a child process); `cargo xtask
//! import` only parses arguments and prints the report.

use crate::diag::Diagnostic;
use crate::load::{self, input};
use crate::model::ApiStyle;
use crate::read;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

#[derive(Debug, Clone)]
pub struct Options {
    /// The folder of documentation pages.
    pub docs: PathBuf,
    /// Where service folders go (`specs/`).
    pub specs: PathBuf,
    /// Replace a `service.yaml` that was edited by hand.
    pub force: bool,
    /// Import only these API versions (all when empty); pages of others are skipped as another version.
    pub versions: Vec<String>,
}

/// What import did, per service (folder order), and the pages it took for none.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Imported {
    pub services: Vec<ServiceImport>,
    /// Pages that belong to no service, with the reason.
    pub skipped: Vec<Skipped>,
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct ServiceImport {
    /// The folder under `specs/`.
    pub folder: String,
    pub product: String,
    pub version: String,
    /// Pages taken: (page under the docs folder, file written under `specs/<folder>/`).
    pub taken: Vec<(String, String)>,
    /// Pages of this service's operations left out, with the reason.
    pub skipped: Vec<Skipped>,
    pub config: ConfigOutcome,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ConfigOutcome {
    #[default]
    Written,
    Unchanged,
    /// Edited by hand since import wrote it, and kept (no `--force`).
    KeptEdited,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The page, relative to the docs folder.
    pub page: String,
    pub reason: SkipReason,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    /// No operation with a parameter table on it.
    NotApiPage,
    /// The same operation and language came from another page.
    Duplicate { of: String },
    /// A page naming no version whose operation no other page documents.
    NoVersion { operation: String },
    /// A version not asked for (`--version`).
    OtherVersion { version: String },
    /// Could not be read as text.
    Unreadable { why: String },
}

impl std::fmt::Display for SkipReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SkipReason::NotApiPage => write!(f, "not an API reference page"),
            SkipReason::Duplicate { of } => write!(f, "duplicate of {of}"),
            SkipReason::NoVersion { operation } => write!(
                f,
                "names no product or version, and no other page documents `{operation}`"
            ),
            SkipReason::OtherVersion { version } => {
                write!(f, "another version ({version}) than the ones asked for")
            }
            SkipReason::Unreadable { why } => write!(f, "cannot be read: {why}"),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> ImportError + '_ {
    move |source| ImportError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// One API page as found.
#[derive(Debug, Clone)]
struct Found {
    /// Relative to the docs folder, `/`-separated.
    page: String,
    path: PathBuf,
    operation: String,
    lang: read::Lang,
    product: Option<String>,
    version: Option<String>,
    style: Option<ApiStyle>,
    host: Option<String>,
    fields: usize,
    modified: Option<SystemTime>,
}

/// Imports every API page under `opts.docs` into `opts.specs`.
pub fn run(opts: &Options) -> Result<Imported, ImportError> {
    let mut files = Vec::new();
    walk(&opts.docs, &mut files).map_err(io_err(&opts.docs))?;
    files.sort();
    let mut report = Imported::default();
    let mut found = Vec::new();
    for path in files {
        let page = load::relative(&path, &opts.docs);
        match examine(&path, &page) {
            Ok(Some(f)) => found.push(f),
            Ok(None) => report.skipped.push(Skipped {
                page,
                reason: SkipReason::NotApiPage,
            }),
            Err(why) => report.skipped.push(Skipped {
                page,
                reason: SkipReason::Unreadable { why },
            }),
        }
    }

    // Services: (product, version) as the pages name them; a page without both joins by operation.
    let mut groups: BTreeMap<(String, String), Vec<Found>> = BTreeMap::new();
    let mut loose = Vec::new();
    for f in found {
        match (&f.product, &f.version) {
            (Some(p), Some(v)) => groups
                .entry((p.to_ascii_lowercase(), v.clone()))
                .or_default()
                .push(f),
            _ => loose.push(f),
        }
    }
    for f in loose {
        match home_of(&f, &groups) {
            Some(key) => groups.entry(key).or_default().push(f),
            None => report.skipped.push(Skipped {
                page: f.page.clone(),
                reason: SkipReason::NoVersion {
                    operation: f.operation.clone(),
                },
            }),
        }
    }
    if !opts.versions.is_empty() {
        groups.retain(|(_, version), pages| {
            let wanted = opts.versions.contains(version);
            if !wanted {
                report.skipped.extend(pages.iter().map(|f| Skipped {
                    page: f.page.clone(),
                    reason: SkipReason::OtherVersion {
                        version: version.clone(),
                    },
                }));
            }
            wanted
        });
    }
    report.skipped.sort_by(|a, b| a.page.cmp(&b.page));
    let existing = existing_services(&opts.specs);
    let folders = folder_names(groups.keys(), &existing);
    for (key, pages) in groups {
        let folder = folders[&key].clone();
        let service = write_service(opts, &folder, &key, pages)?;
        report.services.push(service);
    }
    report.services.sort_by(|a, b| a.folder.cmp(&b.folder));
    Ok(report)
}

/// The service a page that names no version belongs to: the newest one documenting the same operation; else
/// the one all the other pages of its folder belong to; else the only version of its product (from the
/// Explorer link or the sample request's host).
fn home_of(f: &Found, groups: &BTreeMap<(String, String), Vec<Found>>) -> Option<(String, String)> {
    let product = f
        .product
        .clone()
        .or_else(|| {
            f.host
                .as_ref()
                .and_then(|h| h.split('.').next())
                .map(str::to_string)
        })
        .map(|p| p.to_ascii_lowercase());
    let same_product = |key: &(String, String)| product.as_ref().is_none_or(|p| *p == key.0);
    let by_operation = groups
        .iter()
        .filter(|(key, pages)| {
            same_product(key) && pages.iter().any(|g| g.operation == f.operation)
        })
        .map(|(key, _)| key)
        .max_by(|a, b| a.1.cmp(&b.1));
    if let Some(key) = by_operation {
        return Some(key.clone());
    }
    let folder = |page: &str| page.rsplit_once('/').map_or("", |(d, _)| d).to_string();
    let here = folder(&f.page);
    let mut by_folder = groups
        .iter()
        .filter(|(_, pages)| pages.iter().any(|g| folder(&g.page) == here))
        .map(|(key, _)| key);
    if let (Some(key), None) = (by_folder.next(), by_folder.next()) {
        return Some(key.clone());
    }
    let product = product?;
    let mut by_product = groups.keys().filter(|key| key.0 == product);
    match (by_product.next(), by_product.next()) {
        (Some(key), None) => Some(key.clone()),
        _ => None,
    }
}

/// Every page file under `dir`; dot folders and symlinks are left out.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for e in std::fs::read_dir(dir)? {
        let e = e?;
        let name = e.file_name().to_string_lossy().into_owned();
        let kind = e.file_type()?;
        if name.starts_with('.') || kind.is_symlink() {
            continue;
        }
        if kind.is_dir() {
            walk(&e.path(), out)?;
        } else if name.ends_with(".md") || name.ends_with(".txt") {
            out.push(e.path());
        }
    }
    Ok(())
}

/// Reads one page: `None` when it is not an API reference page.
fn examine(path: &Path, page: &str) -> Result<Option<Found>, String> {
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    let text = input::decode_page(page, &bytes, &mut diagnostics).ok_or_else(|| {
        diagnostics
            .iter()
            .map(|d| d.message.clone())
            .collect::<Vec<_>>()
            .join("; ")
    })?;
    let Some(op) = load::page(page, &text, &mut diagnostics) else {
        return Ok(None);
    };
    let fields = op.request.len() + op.response.len();
    if fields == 0 {
        return Ok(None);
    }
    let link = explorer_link(&text);
    let sample = sample_request(&text);
    let version = link
        .as_ref()
        .and_then(|l| l.version.clone())
        .or_else(|| sample.as_ref().and_then(|s| s.version.clone()))
        .or_else(|| page.split('/').find(|c| is_version(c)).map(str::to_string));
    let roa_syntax = text.lines().any(|l| {
        let l = l.trim();
        ["GET /", "POST /", "PUT /", "DELETE /", "PATCH /"]
            .iter()
            .any(|m| l.starts_with(m))
            && l.ends_with("HTTP/1.1")
    });
    let style = match link.as_ref().and_then(|l| l.style.as_deref()) {
        Some(s) if s.eq_ignore_ascii_case("ROA") => Some(ApiStyle::Roa),
        Some(s) if s.eq_ignore_ascii_case("RPC") => Some(ApiStyle::Rpc),
        _ if roa_syntax => Some(ApiStyle::Roa),
        _ if sample.is_some() => Some(ApiStyle::Rpc),
        _ => None,
    };
    Ok(Some(Found {
        page: page.to_string(),
        path: path.to_path_buf(),
        operation: op.name,
        lang: op.lang,
        product: link.and_then(|l| l.product),
        version,
        style,
        host: sample.and_then(|s| s.host),
        fields,
        modified: std::fs::metadata(path).and_then(|m| m.modified()).ok(),
    }))
}

/// `2020-09-07`.
fn is_version(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        })
}

#[derive(Debug, Default)]
struct Link {
    product: Option<String>,
    version: Option<String>,
    style: Option<String>,
}

/// `api.aliyun.com/#product=Config&api=X&type=RPC&version=2020-09-07`, or `api.aliyun.com/api/Config/2020-09-07/X`.
fn explorer_link(text: &str) -> Option<Link> {
    for line in text.lines() {
        let Some(at) = line.find("api.aliyun.com") else {
            continue;
        };
        let rest = &line[at..];
        let end = rest
            .find(|c: char| c.is_whitespace() || c == ')' || c == '"' || c == '>')
            .unwrap_or(rest.len());
        let url = &rest[..end];
        let mut link = Link::default();
        for pair in url.split(['#', '?', '&']) {
            if let Some((k, v)) = pair.split_once('=') {
                let v = v.trim().to_string();
                match k.trim_start_matches('/') {
                    "product" if !v.is_empty() => link.product = Some(v),
                    "version" if is_version(&v) => link.version = Some(v),
                    "type" if !v.is_empty() => link.style = Some(v),
                    _ => {}
                }
            }
        }
        if let Some(path) = url.split_once("/api/").map(|(_, p)| p) {
            let parts: Vec<&str> = path.split('/').collect();
            if let [product, version, ..] = parts.as_slice() {
                if is_version(version) {
                    link.product.get_or_insert_with(|| product.to_string());
                    link.version.get_or_insert_with(|| version.to_string());
                }
            }
        }
        if link.product.is_some() {
            return Some(link);
        }
    }
    None
}

#[derive(Debug, Default)]
struct Sample {
    host: Option<String>,
    version: Option<String>,
}

/// `https://vpc.cn-hangzhou.aliyuncs.com/?Action=DescribeVpcs` and, within the next lines, `&Version=…`.
fn sample_request(text: &str) -> Option<Sample> {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.iter().position(|l| l.contains("?Action="))?;
    let line = lines[start];
    let before = &line[..line.find("?Action=").unwrap_or(0)];
    let host = before
        .rsplit("://")
        .next()
        .map(|h| h.trim_end_matches('/'))
        .filter(|h| {
            h.ends_with(".aliyuncs.com")
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        })
        .map(str::to_string);
    let version = lines[start..lines.len().min(start + 40)]
        .iter()
        .find_map(|l| {
            let at = l.find("Version=")?;
            let preceded = l[..at].ends_with(['&', '?']) || l[..at].trim().is_empty();
            let v: String = l[at + 8..].chars().take(10).collect();
            (preceded && is_version(&v)).then_some(v)
        });
    Some(Sample { host, version })
}

/// `vpc.cn-hangzhou.aliyuncs.com` → `vpc.{region}.aliyuncs.com`; `vod.aliyuncs.com` → `vod.{region}.aliyuncs.com`.
fn endpoint_pattern(host: Option<&str>, product: &str) -> String {
    let Some(host) = host else {
        return format!("{}.{{region}}.aliyuncs.com", product.to_ascii_lowercase());
    };
    let labels: Vec<&str> = host.split('.').collect();
    let region_at = labels.iter().position(|l| is_region(l));
    match region_at {
        Some(i) => {
            let mut out: Vec<&str> = labels.clone();
            out[i] = "{region}";
            out.join(".")
        }
        None if labels.len() == 3 => format!("{}.{{region}}.aliyuncs.com", labels[0]),
        None => host.to_string(),
    }
}

/// `cn-hangzhou`, `ap-southeast-1`, `us-west-1`.
fn is_region(label: &str) -> bool {
    let parts: Vec<&str> = label.split('-').collect();
    parts.len() >= 2
        && parts[0].len() == 2
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
}

/// `specs/<folder>/service.yaml` product and version of the folders already there.
fn existing_services(specs: &Path) -> BTreeMap<String, (String, String)> {
    let mut out = BTreeMap::new();
    let Ok(entries) = std::fs::read_dir(specs) else {
        return out;
    };
    for e in entries.flatten() {
        let Ok(text) = std::fs::read_to_string(e.path().join("service.yaml")) else {
            continue;
        };
        let value = |key: &str| {
            text.lines().find_map(|l| {
                let v = l.strip_prefix(key)?.strip_prefix(':')?;
                Some(v.trim().trim_matches('"').to_string())
            })
        };
        if let (Some(p), Some(v)) = (value("product"), value("version")) {
            out.insert(
                e.file_name().to_string_lossy().into_owned(),
                (p.to_ascii_lowercase(), v),
            );
        }
    }
    out
}

/// A folder per (product, version): the folder that already holds it, else the product's name for its newest
/// version and `<product>-<version>` for the others.
fn folder_names<'a>(
    keys: impl Iterator<Item = &'a (String, String)>,
    existing: &BTreeMap<String, (String, String)>,
) -> BTreeMap<(String, String), String> {
    let keys: Vec<&(String, String)> = keys.collect();
    let mut out = BTreeMap::new();
    let mut used: Vec<String> = existing.keys().cloned().collect();
    for key in &keys {
        if let Some((folder, _)) = existing.iter().find(|(_, held)| *held == *key) {
            out.insert((*key).clone(), folder.clone());
        }
    }
    // Newest version first, so it gets the bare product name when that is free.
    let mut rest: Vec<&&(String, String)> =
        keys.iter().filter(|k| !out.contains_key(**k)).collect();
    rest.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    for key in rest {
        let product = folder_text(&key.0);
        let folder = if used.contains(&product) {
            format!("{product}-{}", key.1)
        } else {
            product
        };
        used.push(folder.clone());
        out.insert((*key).clone(), folder);
    }
    out
}

fn folder_text(product: &str) -> String {
    let s: String = product
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let s = s.trim_matches('-').to_string();
    if s.is_empty() {
        "service".to_string()
    } else {
        s
    }
}

fn lang_code(lang: read::Lang) -> &'static str {
    match lang {
        read::Lang::Zh => "zh",
        read::Lang::En => "en",
    }
}

fn write_service(
    opts: &Options,
    folder: &str,
    key: &(String, String),
    mut pages: Vec<Found>,
) -> Result<ServiceImport, ImportError> {
    // Most recently changed first, then richer, then path order: the first of each operation and language wins.
    pages.sort_by(|a, b| {
        b.modified
            .cmp(&a.modified)
            .then(b.fields.cmp(&a.fields))
            .then(a.page.cmp(&b.page))
    });
    let mut service = ServiceImport {
        folder: folder.to_string(),
        version: key.1.clone(),
        ..ServiceImport::default()
    };
    let dir = opts.specs.join(folder);
    std::fs::create_dir_all(&dir).map_err(io_err(&dir))?;
    let mut seen: BTreeMap<(String, &'static str), String> = BTreeMap::new();
    let mut chosen = Vec::new();
    for f in pages {
        let lang = lang_code(f.lang);
        if let Some(of) = seen.get(&(f.operation.clone(), lang)) {
            service.skipped.push(Skipped {
                page: f.page.clone(),
                reason: SkipReason::Duplicate { of: of.clone() },
            });
            continue;
        }
        seen.insert((f.operation.clone(), lang), f.page.clone());
        chosen.push(f);
    }
    chosen.sort_by(|a, b| a.page.cmp(&b.page));
    let mut languages: Vec<&str> = Vec::new();
    for f in &chosen {
        let ext = if f.page.ends_with(".txt") {
            "txt"
        } else {
            "md"
        };
        let name = format!("{}.{}.{ext}", f.operation, lang_code(f.lang));
        let to = dir.join(&name);
        // Written as UTF-8: a GBK or UTF-16 page is decoded once, here, instead of warned about at each regen.
        let raw = std::fs::read(&f.path).map_err(io_err(&f.path))?;
        let text = input::decode_page(&f.page, &raw, &mut Vec::new()).unwrap_or_default();
        let bytes = text.into_bytes();
        if std::fs::read(&to).ok().as_deref() != Some(&bytes[..]) {
            crate::write::write_atomic(&to, &bytes).map_err(|e| ImportError::Io {
                path: to.display().to_string(),
                source: std::io::Error::other(e.to_string()),
            })?;
        }
        service.taken.push((f.page.clone(), name));
        if !languages.contains(&lang_code(f.lang)) {
            languages.push(lang_code(f.lang));
        }
    }
    languages.sort_by_key(|l| if *l == "zh" { 0 } else { 1 });
    service.taken.sort();
    service.skipped.sort_by(|a, b| a.page.cmp(&b.page));

    // What the pages say, the most common answer first.
    let product = most_common(chosen.iter().filter_map(|f| f.product.clone()))
        .unwrap_or_else(|| key.0.clone());
    let style = most_common(
        chosen
            .iter()
            .filter_map(|f| f.style.map(|s| format!("{s:?}"))),
    )
    .map_or("RPC", |s| if s == "Roa" { "ROA" } else { "RPC" });
    let host = most_common(chosen.iter().filter_map(|f| f.host.clone()));
    let endpoint = endpoint_pattern(host.as_deref(), &product);
    service.product = product.clone();
    let body = format!(
        "product: {product}\nversion: \"{}\"\nstyle: {style}\n# {{region}} is replaced by the region id at run time; check it against the product's endpoint list.\nendpoint: \"{endpoint}\"\nlanguages: [{}]\n",
        key.1,
        languages.join(", ")
    );
    let text = format!("{}{body}", config_header(&body));
    let path = dir.join("service.yaml");
    service.config = match std::fs::read_to_string(&path) {
        Ok(old) if old == text => ConfigOutcome::Unchanged,
        Ok(old) if !opts.force && !written_by_import(&old) => ConfigOutcome::KeptEdited,
        _ => {
            crate::write::write_atomic(&path, text.as_bytes()).map_err(|e| ImportError::Io {
                path: path.display().to_string(),
                source: std::io::Error::other(e.to_string()),
            })?;
            ConfigOutcome::Written
        }
    };
    Ok(service)
}

const CONFIG_MARK: &str = "# Written by `cargo xtask import`";

/// The first line of an imported `service.yaml`: it carries the hash of the rest, so an edit shows.
fn config_header(body: &str) -> String {
    format!(
        "{CONFIG_MARK} (sha256 {:x}); once edited, import keeps it unless --force.\n",
        Sha256::digest(body.as_bytes())
    )
}

/// Whether `text` is a `service.yaml` as import wrote it, untouched since.
fn written_by_import(text: &str) -> bool {
    let Some((first, body)) = text.split_once('\n') else {
        return false;
    };
    first.starts_with(CONFIG_MARK) && format!("{first}\n") == config_header(body)
}

fn most_common(values: impl Iterator<Item = String>) -> Option<String> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for v in values {
        *counts.entry(v).or_default() += 1;
    }
    counts
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
        .map(|(v, _)| v)
}
