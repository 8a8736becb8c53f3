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
//! - pages that document no operation of their own are told apart by what they hold ([`classify`]): the
//!   common parameters (whatever operation their sample request names), the signature, the calling method,
//!   the overview; an endpoints table (服务接入点 / 请求结构 / Endpoints) gives the service's
//!   `regional_endpoints` and endpoint rule ([`endpoints`]); a page of the product's error codes is copied
//!   in as `ErrorCodes.<lang>.md`, which regen reads as the service's error table;
//! - a page whose style (RPC, ROA) is not its service's is left out: a service is called one way;
//! - a service already under `specs/` (a `service.yaml` there before the run) is not changed unless
//!   `update` is set: the report lists what the run would add and change there.
//!
//! The library does the work (it needs the reader, and its tests run without a child process); `cargo xtask
//! import` only parses arguments and prints the report.

pub mod classify;
pub mod endpoints;

use classify::PageKind;

use crate::diag::Diagnostic;
use crate::load::{self, input};
use crate::model::ApiStyle;
use crate::{pages, read};
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
    /// Write into service folders that were under `specs/` before the run (without it, such a service is
    /// left as it is and the report lists what would be added and changed).
    pub update: bool,
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
    /// The endpoint written to `service.yaml`, and what it was taken from.
    pub endpoint: String,
    pub endpoint_from: String,
    /// Regions of `regional_endpoints`.
    pub regions: usize,
    /// Operations whose pages document no error but send the reader to the error centre.
    pub error_centre_only: Vec<String>,
    /// Operations taken although no parameter table was read on their pages (an `Action` row only).
    pub without_fields: Vec<String>,
    /// The service was already under `specs/` and the run would change it: nothing was written there.
    pub pending: Option<Pending>,
}

/// What a run would write into a service that is already under `specs/`.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Pending {
    /// Files it would add.
    pub added: Vec<String>,
    /// Files it would change.
    pub changed: Vec<String>,
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
    /// A page of the API reference that documents no operation (common parameters, signature, endpoints…).
    NotOperation { kind: PageKind },
    /// An RPC page in a ROA service, or the reverse.
    OtherStyle { style: String, service: String },
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
            SkipReason::NotOperation { kind } => write!(f, "{}, not an operation", kind.describe()),
            SkipReason::OtherStyle { style, service } => write!(
                f,
                "a {style} page; the other pages of the service are {service}, and a service is called one way"
            ),
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
    /// Error codes the page documents.
    errors: usize,
    links_error_centre: bool,
}

/// A page of the product's error codes.
#[derive(Debug, Clone)]
struct ErrorPage {
    page: String,
    path: PathBuf,
    lang: read::Lang,
    /// The text, lowercased, to find which product it documents.
    text: String,
    rows: usize,
}

/// What a page is.
enum Examined {
    Api(Found),
    Other(PageKind),
    Errors(ErrorPage),
    NotApi,
}

/// Imports every API page under `opts.docs` into `opts.specs`.
pub fn run(opts: &Options) -> Result<Imported, ImportError> {
    let mut files = Vec::new();
    walk(&opts.docs, &mut files).map_err(io_err(&opts.docs))?;
    files.sort();
    let mut report = Imported::default();
    let mut found = Vec::new();
    let mut error_pages = Vec::new();
    let mut listed: BTreeMap<String, endpoints::Listed> = BTreeMap::new();
    // Host label → the versions its common-parameters pages give, with how many pages give each.
    let mut common: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for path in files {
        let page = load::relative(&path, &opts.docs);
        match examine(&path, &page, &mut listed, &mut common) {
            Ok(Examined::Api(f)) => found.push(f),
            Ok(Examined::Errors(e)) => {
                report.skipped.push(Skipped {
                    page: page.clone(),
                    reason: SkipReason::NotOperation {
                        kind: PageKind::ErrorCodes,
                    },
                });
                error_pages.push(e);
            }
            Ok(Examined::Other(kind)) => report.skipped.push(Skipped {
                page,
                reason: SkipReason::NotOperation { kind },
            }),
            Ok(Examined::NotApi) => report.skipped.push(Skipped {
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
    // A page of a product no other page names a version of: the version its common-parameters pages give
    // (the one most of them give: a page copied from another product's keeps that product's sample).
    let by_common = |f: &Found| {
        let label = f.host.as_ref()?.split('.').next()?.to_string();
        let versions = common.get(&label)?;
        let most = versions.values().max()?;
        let mut top = versions.iter().filter(|(_, n)| *n == most);
        let (Some((version, _)), None) = (top.next(), top.next()) else {
            return None;
        };
        let product = f.product.clone().unwrap_or(label).to_ascii_lowercase();
        Some((product, version.clone()))
    };
    // Twice: a page placed by its product's common parameters may give the pages of its folder a home.
    let mut left = loose;
    for pass in 0..2 {
        let mut unplaced = Vec::new();
        for mut f in left {
            match home_of(&f, &groups).or_else(|| by_common(&f)) {
                Some(key) => {
                    f.version.get_or_insert_with(|| key.1.clone());
                    groups.entry(key).or_default().push(f)
                }
                None if pass == 0 => unplaced.push(f),
                None => report.skipped.push(Skipped {
                    page: f.page.clone(),
                    reason: SkipReason::NoVersion {
                        operation: f.operation.clone(),
                    },
                }),
            }
        }
        left = unplaced;
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
    // Each error-code page goes to the newest version of the product it names most.
    let mut errors_of: BTreeMap<(String, String), Vec<ErrorPage>> = BTreeMap::new();
    for e in error_pages {
        if let Some(key) = product_of_error_page(&e, &groups) {
            errors_of.entry(key).or_default().push(e);
        }
    }
    for (key, pages) in groups {
        let folder = folders[&key].clone();
        let errors = errors_of.remove(&key).unwrap_or_default();
        let existed = existing.contains_key(&folder);
        let service = write_service(opts, &folder, &key, pages, errors, &listed, existed)?;
        report.services.push(service);
    }
    report.services.sort_by(|a, b| a.folder.cmp(&b.folder));
    Ok(report)
}

/// The service an error-code page belongs to: the one whose product code it names most often (in its
/// error-centre links, its heading ids, its text), the newest version first; else the repository's main
/// product, the one with the most pages.
fn product_of_error_page(
    e: &ErrorPage,
    groups: &BTreeMap<(String, String), Vec<Found>>,
) -> Option<(String, String)> {
    let mention = |p: &str| e.text.matches(p).count();
    let newest = |a: &(usize, &(String, String)), b: &(usize, &(String, String))| {
        a.0.cmp(&b.0).then(a.1 .1.cmp(&b.1 .1))
    };
    let best = groups
        .keys()
        .map(|k| (mention(&k.0), k))
        .filter(|(n, _)| *n > 0)
        .max_by(newest);
    if let Some((_, key)) = best {
        return Some(key.clone());
    }
    let mut pages: BTreeMap<&str, usize> = BTreeMap::new();
    for (k, v) in groups {
        *pages.entry(k.0.as_str()).or_default() += v.len();
    }
    let most = pages.values().max()?;
    let mut main = pages.iter().filter(|(_, n)| *n == most);
    let (Some((product, _)), None) = (main.next(), main.next()) else {
        return None;
    };
    groups
        .keys()
        .filter(|k| k.0 == *product)
        .max_by(|a, b| a.1.cmp(&b.1))
        .cloned()
}

/// The service a page that names no version belongs to: the newest one documenting the same operation; else
/// the one all the other pages of its folder belong to; else the only version of its product (from the
/// Explorer link or the sample request's host). A page of a known product never joins another product's
/// service.
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
    let label = |h: &String| h.split('.').next().unwrap_or_default().to_ascii_lowercase();
    let same_product = |key: &(String, String), pages: &[Found]| {
        product.as_ref().is_none_or(|p| {
            *p == key.0
                || pages
                    .iter()
                    .any(|g| g.host.as_ref().is_some_and(|h| label(h) == *p))
        })
    };
    let by_operation = groups
        .iter()
        .filter(|(key, pages)| {
            same_product(key, pages) && pages.iter().any(|g| g.operation == f.operation)
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
        .filter(|(key, pages)| {
            same_product(key, pages) && pages.iter().any(|g| folder(&g.page) == here)
        })
        .map(|(key, _)| key);
    if let (Some(key), None) = (by_folder.next(), by_folder.next()) {
        return Some(key.clone());
    }
    let named = product.as_ref()?;
    let mut by_product = groups
        .iter()
        .filter(|(key, pages)| key.0 == *named || (f.product.is_none() && same_product(key, pages)))
        .map(|(key, _)| key);
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

/// Reads one page: an operation's page, a page of the API reference that documents none (its endpoint
/// tables go to `listed`), or neither.
fn examine(
    path: &Path,
    page: &str,
    listed: &mut BTreeMap<String, endpoints::Listed>,
    common: &mut BTreeMap<String, BTreeMap<String, usize>>,
) -> Result<Examined, String> {
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    let text = input::decode_page(page, &bytes, &mut diagnostics).ok_or_else(|| {
        diagnostics
            .iter()
            .map(|d| d.message.clone())
            .collect::<Vec<_>>()
            .join("; ")
    })?;
    let (scanned, _) = pages::scan(page, &text);
    // The operation as regen will read it (limits included); the scanned page tells what else it holds.
    let op = load::page(page, &text, &mut diagnostics);
    let kind = classify::kind(&scanned, &text, op.as_ref());
    if kind == Some(PageKind::CommonParameters) {
        // The product's version, for its pages that name none.
        let label = sample_request(&text)
            .and_then(|s| s.host)
            .and_then(|h| h.split('.').next().map(str::to_string));
        if let (Some(label), Some(version)) = (label, classify::version_row(&scanned)) {
            *common.entry(label).or_default().entry(version).or_default() += 1;
        }
    }
    let fields = op
        .as_ref()
        .map_or(0, |op| op.request.len() + op.response.len());
    // An operation's page: parameter tables, or at least an `Action` row, and nothing that makes it one of
    // the pages every API reference carries.
    let is_operation = kind.is_none() && (fields > 0 || classify::has_action_row(&scanned));
    let Some(op) = op.filter(|_| is_operation) else {
        for (label, regions) in endpoints::tables(&scanned) {
            let entry = listed.entry(label).or_insert_with(|| endpoints::Listed {
                regions: BTreeMap::new(),
                page: page.to_string(),
            });
            for (r, h) in regions {
                entry.regions.entry(r).or_insert(h);
            }
        }
        return Ok(match kind {
            Some(PageKind::ErrorCodes) => {
                let rows = classify::error_table_rows(&scanned)
                    .iter()
                    .map(|&i| scanned.tables[i].rows.len())
                    .sum();
                if rows == 0 {
                    Examined::Other(PageKind::ErrorCodes)
                } else {
                    Examined::Errors(ErrorPage {
                        page: page.to_string(),
                        path: path.to_path_buf(),
                        lang: language_of(&text),
                        text: text.to_ascii_lowercase(),
                        rows,
                    })
                }
            }
            Some(kind) => Examined::Other(kind),
            None => Examined::NotApi,
        });
    };
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
    Ok(Examined::Api(Found {
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
        errors: op.errors.len(),
        links_error_centre: classify::links_error_centre(&text),
    }))
}

/// Chinese when more than one character in fifty is a CJK ideograph.
fn language_of(text: &str) -> read::Lang {
    let cjk = text
        .chars()
        .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
        .count();
    if cjk * 50 > text.chars().count() {
        read::Lang::Zh
    } else {
        read::Lang::En
    }
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
    mut error_pages: Vec<ErrorPage>,
    listed: &BTreeMap<String, endpoints::Listed>,
    existed: bool,
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
    // A service is called one way: pages of the other style are left out.
    let style = most_common(
        pages
            .iter()
            .filter_map(|f| f.style.map(|s| format!("{s:?}"))),
    )
    .map_or("RPC", |s| if s == "Roa" { "ROA" } else { "RPC" });
    let style_name = |s: ApiStyle| match s {
        ApiStyle::Roa => "ROA",
        ApiStyle::Rpc => "RPC",
    };
    let mut seen: BTreeMap<(String, &'static str), String> = BTreeMap::new();
    let mut chosen = Vec::new();
    for f in pages {
        if let Some(other) = f.style.map(style_name).filter(|s| *s != style) {
            service.skipped.push(Skipped {
                page: f.page.clone(),
                reason: SkipReason::OtherStyle {
                    style: other.to_string(),
                    service: style.to_string(),
                },
            });
            continue;
        }
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
    // The files to write: name → (page it comes from, UTF-8 text).
    let mut files: BTreeMap<String, (String, Vec<u8>)> = BTreeMap::new();
    let mut languages: Vec<&str> = Vec::new();
    for f in &chosen {
        let ext = if f.page.ends_with(".txt") {
            "txt"
        } else {
            "md"
        };
        let name = format!("{}.{}.{ext}", f.operation, lang_code(f.lang));
        // Written as UTF-8: a GBK or UTF-16 page is decoded once, here, instead of warned about at each regen.
        let raw = std::fs::read(&f.path).map_err(io_err(&f.path))?;
        let text = input::decode_page(&f.page, &raw, &mut Vec::new()).unwrap_or_default();
        files.insert(name.clone(), (f.page.clone(), text.into_bytes()));
        service.taken.push((f.page.clone(), name));
        if !languages.contains(&lang_code(f.lang)) {
            languages.push(lang_code(f.lang));
        }
    }
    // The product's error codes: one page per language, the one with the most rows.
    error_pages.sort_by(|a, b| b.rows.cmp(&a.rows).then(a.page.cmp(&b.page)));
    let mut error_langs = Vec::new();
    for e in error_pages {
        let lang = lang_code(e.lang);
        if error_langs.contains(&lang) {
            continue;
        }
        error_langs.push(lang);
        let raw = std::fs::read(&e.path).map_err(io_err(&e.path))?;
        let text = input::decode_page(&e.page, &raw, &mut Vec::new()).unwrap_or_default();
        let name = format!("ErrorCodes.{lang}.md");
        files.insert(name.clone(), (e.page.clone(), text.into_bytes()));
        service.taken.push((e.page.clone(), name));
    }
    languages.sort_by_key(|l| if *l == "zh" { 0 } else { 1 });
    service.taken.sort();
    service.skipped.sort_by(|a, b| a.page.cmp(&b.page));

    // Operations whose pages document no error code but link to the error centre.
    let mut by_op: BTreeMap<&str, (usize, bool)> = BTreeMap::new();
    for f in &chosen {
        let e = by_op.entry(f.operation.as_str()).or_default();
        e.0 += f.errors;
        e.1 |= f.links_error_centre;
    }
    service.error_centre_only = by_op
        .iter()
        .filter(|(_, (errors, link))| *errors == 0 && *link)
        .map(|(op, _)| op.to_string())
        .collect();
    let mut empty: Vec<String> = chosen
        .iter()
        .filter(|f| f.fields == 0)
        .map(|f| f.operation.clone())
        .collect();
    empty.dedup();
    service.without_fields = empty;

    // What the pages say, the most common answer first.
    // Without an Explorer link, the host's label with a capital (`sts` → `Sts`), as product codes are written.
    let product =
        most_common(chosen.iter().filter_map(|f| f.product.clone())).unwrap_or_else(|| {
            let mut c = key.0.chars();
            c.next()
                .map(|first| first.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        });
    let mut hosts: Vec<(String, usize)> = Vec::new();
    for h in chosen.iter().filter_map(|f| f.host.clone()) {
        match hosts.iter_mut().find(|(x, _)| *x == h) {
            Some((_, n)) => *n += 1,
            None => hosts.push((h, 1)),
        }
    }
    hosts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let hosts: Vec<String> = hosts.into_iter().map(|(h, _)| h).collect();
    let endpoint = endpoints::rule(&product, &hosts, listed);
    service.product = product.clone();
    service.endpoint = endpoint.pattern.clone();
    service.endpoint_from = endpoint.from.clone();
    service.regions = endpoint.regions.len();
    let mut body = format!(
        "product: {product}\nversion: \"{}\"\nstyle: {style}\n# From {}; check it against the product's endpoint list.\nendpoint: \"{}\"\nendpoint_rule: {}\n",
        key.1,
        endpoint.from,
        endpoint.pattern,
        if endpoint.central { "central" } else { "regional" },
    );
    if !endpoint.regions.is_empty() {
        body.push_str("regional_endpoints:\n");
        for (region, host) in &endpoint.regions {
            body.push_str(&format!("  {region}: {host}\n"));
        }
    }
    body.push_str(&format!("languages: [{}]\n", languages.join(", ")));
    let text = format!("{}{body}", config_header(&body));
    let path = dir.join("service.yaml");
    let old_config = std::fs::read_to_string(&path).ok();
    let config = match &old_config {
        Some(old) if *old == text => ConfigOutcome::Unchanged,
        Some(old) if !opts.force && !written_by_import(old) => ConfigOutcome::KeptEdited,
        _ => ConfigOutcome::Written,
    };

    // A service that was there before: say what would change, and change it only when asked to.
    if existed && !opts.update {
        let mut pending = Pending::default();
        for (name, (_, bytes)) in &files {
            match std::fs::read(dir.join(name)) {
                Err(_) => pending.added.push(name.clone()),
                Ok(old) if old != *bytes => pending.changed.push(name.clone()),
                Ok(_) => {}
            }
        }
        if config == ConfigOutcome::Written {
            pending.changed.push("service.yaml".to_string());
        }
        if !pending.added.is_empty() || !pending.changed.is_empty() {
            service.config = if config == ConfigOutcome::Written {
                ConfigOutcome::Unchanged
            } else {
                config
            };
            service.pending = Some(pending);
            return Ok(service);
        }
    }
    std::fs::create_dir_all(&dir).map_err(io_err(&dir))?;
    for (name, (_, bytes)) in &files {
        let to = dir.join(name);
        if std::fs::read(&to).ok().as_deref() != Some(&bytes[..]) {
            crate::write::write_atomic(&to, bytes).map_err(|e| ImportError::Io {
                path: to.display().to_string(),
                source: std::io::Error::other(e.to_string()),
            })?;
        }
    }
    if config == ConfigOutcome::Written {
        crate::write::write_atomic(&path, text.as_bytes()).map_err(|e| ImportError::Io {
            path: path.display().to_string(),
            source: std::io::Error::other(e.to_string()),
        })?;
    }
    service.config = config;
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
