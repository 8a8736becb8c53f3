//! Stage 4, loading: a service folder → a checked [`Service`]. The one way from files to the model; regen,
//! import, `xtask shapes` and the benchmarks all come through here.
//!
//! For each page: decode its bytes ([`input`]), refuse it if too large, scan it ([`pages`]), refuse tables
//! too long, read it ([`read`]), apply the [`limits`] to what it says; then merge the pages of each operation
//! ([`merge`]), read `service.yaml` ([`config`]), check the service as a whole (names that differ only in
//! case, the style of every operation), and reconcile the model with the response examples ([`check`]).

pub mod config;
pub mod error_centre;
pub mod input;
pub mod limits;

pub use config::ServiceConfig;

use crate::diag::{Code, Diagnostic, Failure, Sources};
use crate::model::{ApiStyle, EndpointRule, ErrorCode, Operation, Service, Span};
use crate::read::PageOperation;
use crate::{check, merge, pages, read};
use std::collections::BTreeSet;
use std::path::Path;

/// A service read without errors (or, when keeping going, without the pages that had errors), with its
/// warnings and the page texts to render them against.
#[derive(Debug)]
pub struct ServiceRead {
    pub service: Service,
    pub warnings: Vec<Diagnostic>,
    /// Keeping going only: the pages left out, and the errors that refused them.
    pub refused: Vec<RefusedPage>,
    pub errors: Vec<Diagnostic>,
    pub sources: Sources,
}

/// A page regen could not read, with the operations left out because of it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RefusedPage {
    /// The page, relative to the repository.
    pub file: String,
    /// Operations it documents (with any other page of the same operation), none when it named none.
    pub operations: Vec<String>,
}

/// What a folder of pages gives, errors included: used by `shapes`, which measures whatever can be read.
#[derive(Debug, Default)]
pub struct PagesRead {
    pub operations: Vec<Operation>,
    pub errors: Vec<ErrorCode>,
    /// The product's error codes, from pages of error tables and nothing else (see [`error_centre`]).
    pub product_errors: Vec<ErrorCode>,
    pub diagnostics: Vec<Diagnostic>,
    pub sources: Sources,
}

/// Reads every page (`*.md`, `*.txt`) directly in `dir`, in file-name order. Spans name files relative to
/// `root`.
pub fn read_pages(dir: &Path, root: &Path) -> PagesRead {
    let mut out = PagesRead::default();
    let mut files: Vec<_> = match std::fs::read_dir(dir) {
        Ok(entries) => entries.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(e) => {
            let file = relative(dir, root);
            out.diagnostics.push(Diagnostic::new(
                Code::CannotReadFolder,
                span(&file),
                format!("cannot read folder: {e}"),
                "here",
            ));
            return out;
        }
    };
    files.retain(|p| p.extension().is_some_and(|x| x == "md" || x == "txt"));
    files.sort();
    // A symlinked page could bring in anything from outside the repository.
    files.retain(|p| {
        let link = p
            .symlink_metadata()
            .is_ok_and(|m| m.file_type().is_symlink());
        if link {
            out.diagnostics.push(
                Diagnostic::new(
                    Code::SymlinkPage,
                    span(&relative(p, root)),
                    "page is a symlink",
                    "this file",
                )
                .hint("regen reads only what is in the repository: copy the page here"),
            );
        }
        !link && p.is_file()
    });
    let mut read = read_files(&files, root);
    read.diagnostics.splice(0..0, out.diagnostics);
    read
}

/// Reads the given pages as one set: pages of the same operation are merged.
pub fn read_files(files: &[std::path::PathBuf], root: &Path) -> PagesRead {
    let mut diagnostics = Vec::new();
    let mut texts = Vec::with_capacity(files.len());
    for path in files {
        let file = relative(path, root);
        match std::fs::read(path) {
            Ok(bytes) => {
                if let Some(text) = input::decode_page(&file, &bytes, &mut diagnostics) {
                    texts.push((file, text));
                }
            }
            Err(e) => diagnostics.push(Diagnostic::new(
                Code::CannotReadPage,
                span(&file),
                format!("cannot read page: {e}"),
                "this file",
            )),
        }
    }
    read_texts(texts, diagnostics)
}

/// Pages already decoded (file name as spans give it, text) → merged operations, after `diagnostics`.
pub fn read_texts(pages: Vec<(String, String)>, diagnostics: Vec<Diagnostic>) -> PagesRead {
    let mut out = PagesRead {
        diagnostics,
        ..PagesRead::default()
    };
    let mut found = Vec::with_capacity(pages.len());
    for (file, text) in pages {
        if let Some(too_large) = limits::page_size(&file, text.len()) {
            out.diagnostics.push(too_large);
            continue;
        }
        if let Some(codes) = error_centre::page(&file, &text, &mut out.diagnostics) {
            out.product_errors.extend(codes);
        } else if let Some(op) = page(&file, &text, &mut out.diagnostics) {
            found.push(op);
        }
        out.sources.add(file, text);
    }
    let (ops, errors) = merge::operations(found, &mut out.diagnostics);
    out.operations = ops;
    out.errors = errors;
    out
}

/// One page's text → what it says about its operation, within the [`limits`]: scanned, its tables no
/// longer than regen reads, read. `None` when the page documents no operation or is refused.
pub fn page(file: &str, text: &str, diagnostics: &mut Vec<Diagnostic>) -> Option<PageOperation> {
    let (page, mut d) = pages::scan(file, text);
    diagnostics.append(&mut d);
    let over = limits::table_rows(&page);
    if !over.is_empty() {
        diagnostics.extend(over);
        return None;
    }
    let mut op = read::page(&page, diagnostics)?;
    limits::operation(&mut op, diagnostics);
    Some(op)
}

/// Reads `specs/<service>/`: `service.yaml` and the pages. Any error fails the whole service.
pub fn read_service(dir: &Path, root: &Path) -> Result<ServiceRead, Failure> {
    read_service_with(dir, root, false)
}

/// [`read_service`], or with `keep_going`, the service without the operations of the pages that have errors
/// (it still fails when the errors are not on pages: `service.yaml`, the folder, or every page refused).
pub fn read_service_with(
    dir: &Path,
    root: &Path,
    keep_going: bool,
) -> Result<ServiceRead, Failure> {
    let config_path = dir.join("service.yaml");
    let folder = Folder {
        name: dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        file: relative(dir, root),
        config_file: relative(&config_path, root),
    };
    let config_text = config::read_config(&config_path);
    let read = read_pages(dir, root);
    service(&folder, config_text, read, keep_going)
}

/// A service held in memory (the synthetic benchmark's): `service.yaml`'s text and the pages, through the
/// same steps as [`read_service`].
pub fn service_in_memory(
    name: &str,
    config_text: &str,
    pages: Vec<(String, String)>,
) -> Result<ServiceRead, Failure> {
    let folder = Folder {
        name: name.to_string(),
        file: name.to_string(),
        config_file: format!("{name}/service.yaml"),
    };
    let read = read_texts(pages, Vec::new());
    service(&folder, Ok(config_text.to_string()), read, false)
}

/// Where a service's diagnostics point: its folder and its `service.yaml`, as spans name them.
struct Folder {
    name: String,
    file: String,
    config_file: String,
}

/// The pages read and `service.yaml`'s text → the checked service, or every diagnostic found on the way.
fn service(
    folder: &Folder,
    config_text: std::io::Result<String>,
    read: PagesRead,
    keep_going: bool,
) -> Result<ServiceRead, Failure> {
    let mut diagnostics = read.diagnostics;
    let mut sources = read.sources;
    let config = settings(
        &folder.config_file,
        config_text,
        &mut sources,
        &mut diagnostics,
    );
    diagnostics.extend(case_only_duplicates(&read.operations));
    if read.operations.is_empty() && config.is_some() {
        diagnostics.push(Diagnostic::new(
            Code::NoOperation,
            span(&folder.file),
            "no operation found in this service's pages",
            "this folder",
        ));
    }
    let mut kept = Kept {
        operations: read.operations,
        errors: read.errors,
        refused: Vec::new(),
        refusing: Vec::new(),
    };
    // Before refusing pages: an operation of the other style refuses its page, not the service.
    if let Some(c) = &config {
        style_agrees(
            c.0.style,
            &kept.operations,
            &folder.config_file,
            &mut diagnostics,
        );
    }
    if keep_going && config.is_some() {
        kept.refuse_bad_pages(&folder.file, &mut diagnostics);
    }
    match config {
        Some((c, endpoint_rule)) if !diagnostics.iter().any(Diagnostic::is_error) => {
            // The product's error table (service.yaml's `errors:`, then pages of error codes) joins
            // `ErrorCode`; operations that only link to the error centre are said once.
            let config_text = sources.text(&folder.config_file).unwrap_or_default();
            let mut product =
                error_centre::from_config(&c.errors, &folder.config_file, config_text);
            product.extend(read.product_errors);
            let mut errors = kept.errors;
            diagnostics.extend(error_centre::apply(
                &mut errors,
                product,
                &kept.operations,
                &sources,
                &folder.file,
            ));
            let mut service = Service {
                name: folder.name.clone(),
                product: c.product,
                version: c.version,
                style: c.style,
                endpoint: c.endpoint,
                endpoint_rule,
                regional_endpoints: c.regional_endpoints,
                operations: kept.operations,
                errors,
            };
            // The examples against the model just built, before anything is emitted from it.
            diagnostics.extend(check::examples(&mut service, &sources));
            Ok(ServiceRead {
                service,
                warnings: diagnostics,
                refused: kept.refused,
                errors: kept.refusing,
                sources,
            })
        }
        _ => Err(Failure {
            diagnostics,
            sources,
        }),
    }
}

/// `service.yaml` parsed and checked, with its endpoint rule; `None` (and the diagnostics saying why) when
/// it cannot be used.
fn settings(
    config_file: &str,
    config_text: std::io::Result<String>,
    sources: &mut Sources,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<(ServiceConfig, EndpointRule)> {
    let text = match config_text {
        Ok(text) => text,
        Err(e) => {
            diagnostics.push(
                Diagnostic::new(Code::CannotReadSettings, span(config_file), format!("cannot read service settings: {e}"), "this file")
                    .hint("each folder under specs/ needs a service.yaml with product, version, style and endpoint"),
            );
            return None;
        }
    };
    let parsed = serde_yaml::from_str::<ServiceConfig>(&text);
    let problems = parsed
        .as_ref()
        .map(|c| config::check_config(c, &text, config_file))
        .unwrap_or_default();
    let rule = parsed
        .as_ref()
        .ok()
        .map(|c| c.endpoint_rule(config_file, &text));
    sources.add(config_file.to_string(), text);
    match parsed {
        Ok(c) => {
            let ok = problems.is_empty();
            diagnostics.extend(problems);
            match rule {
                Some(Err(mut problems)) => {
                    diagnostics.append(&mut problems);
                    None
                }
                Some(Ok(rule)) if ok => Some((c, rule)),
                _ => None,
            }
        }
        Err(e) => {
            let line = e.location().map(|l| l.line() as u32).unwrap_or(1);
            let column = e.location().map(|l| l.column() as u32).unwrap_or(1);
            diagnostics.push(Diagnostic::new(
                Code::InvalidSettings,
                Span {
                    file: config_file.to_string(),
                    line,
                    column,
                },
                format!("invalid service settings: {e}"),
                "here",
            ));
            None
        }
    }
}

/// What a service keeps of its operations, and, keeping going, the pages it refused and why.
struct Kept {
    operations: Vec<Operation>,
    errors: Vec<ErrorCode>,
    refused: Vec<RefusedPage>,
    refusing: Vec<Diagnostic>,
}

impl Kept {
    /// Keeping going: when every error is on a page, leaves out the operations of those pages (and error
    /// codes no kept operation documents) and moves the errors aside; when that leaves nothing, the errors
    /// stay, with one more saying every page was refused.
    fn refuse_bad_pages(&mut self, folder_file: &str, diagnostics: &mut Vec<Diagnostic>) {
        let bad: BTreeSet<String> = diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.span.file.clone())
            .collect();
        let on_pages = bad
            .iter()
            .all(|f| f.ends_with(".md") || f.ends_with(".txt"));
        if bad.is_empty() || !on_pages {
            return;
        }
        for file in &bad {
            self.refused.push(RefusedPage {
                file: file.clone(),
                operations: self
                    .operations
                    .iter()
                    .filter(|op| op.sources.contains(file))
                    .map(|op| op.name.clone())
                    .collect(),
            });
        }
        self.operations
            .retain(|op| !op.sources.iter().any(|f| bad.contains(f)));
        let documented: BTreeSet<&str> = self
            .operations
            .iter()
            .flat_map(|op| op.errors.iter().map(|e| e.code.as_str()))
            .collect();
        self.errors.retain(|e| documented.contains(e.code.as_str()));
        let (e, w): (Vec<Diagnostic>, Vec<Diagnostic>) = std::mem::take(diagnostics)
            .into_iter()
            .partition(Diagnostic::is_error);
        self.refusing = e;
        *diagnostics = w;
        if self.operations.is_empty() {
            diagnostics.append(&mut self.refusing);
            diagnostics.push(Diagnostic::new(
                Code::EveryPageRefused,
                span(folder_file),
                "every page of this service was refused",
                "this folder",
            ));
            self.refused.clear();
        }
    }
}

/// Two operations whose names differ only in case (`DescribeVpcs`, `DescribeVPCs`) are one operation read
/// twice, and would make clashing module names.
fn case_only_duplicates(operations: &[Operation]) -> Vec<Diagnostic> {
    let mut by_lower: std::collections::BTreeMap<String, Vec<&Operation>> = Default::default();
    for op in operations {
        by_lower
            .entry(op.name.to_ascii_lowercase())
            .or_default()
            .push(op);
    }
    let mut out = Vec::new();
    for ops in by_lower.values().filter(|ops| ops.len() > 1) {
        let page = |op: &Operation| span(op.sources.first().map_or("", String::as_str));
        let names: Vec<&str> = ops.iter().map(|op| op.name.as_str()).collect();
        let mut d = Diagnostic::new(
            Code::CaseOnlyDuplicates,
            page(ops[0]),
            format!("operations `{}` differ only in case", names.join("`, `")),
            format!("`{}` is read here", ops[0].name),
        )
        .hint("one operation has one name: fix the name on the page that has it wrong");
        for op in &ops[1..] {
            d = d.also(page(op), format!("`{}` is read here", op.name));
        }
        out.push(d);
    }
    out
}

/// A ROA service's operations all have a request line, and an RPC service's none: the runtime calls every
/// operation of a service the same way.
fn style_agrees(
    style: ApiStyle,
    operations: &[Operation],
    config_file: &str,
    diags: &mut Vec<Diagnostic>,
) {
    for op in operations {
        if op.style() == style {
            continue;
        }
        let page = op.sources.first().cloned().unwrap_or_default();
        let (said, found) = match style {
            ApiStyle::Rpc => (
                "RPC",
                format!("its page `{page}` gives a request line (ROA)"),
            ),
            ApiStyle::Roa => ("ROA", format!("its page `{page}` gives no request line")),
        };
        diags.push(
            Diagnostic::new(Code::StyleDisagrees,
                span(&page),
                format!("the service is `style: {said}`, but operation `{}` is not: {found}", op.name),
                "this page",
            )
            .also(span(config_file), "the service's style")
            .hint("a ROA page has a 请求语法 / Request syntax line `METHOD /path HTTP/1.1`; set `style` to what the pages are"),
        );
    }
}

fn span(file: &str) -> Span {
    Span {
        file: file.to_string(),
        line: 1,
        column: 1,
    }
}

/// `path` relative to `root` with `/` separators, so output does not depend on the machine.
pub fn relative(path: &Path, root: &Path) -> String {
    let Ok(rel) = path.strip_prefix(root) else {
        // Outside the repository (`--specs /tmp/…`): the path as it is.
        return path.display().to_string();
    };
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}
