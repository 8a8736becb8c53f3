//! A whole `specs/<service>/` folder (or any folder of pages) → the model of the service.

use crate::diag::{Diagnostic, Failure, Sources};
use crate::model::{ApiStyle, ErrorCode, Operation, Service, Span};
use crate::{merge, pages, read};
use serde::Deserialize;
use std::path::Path;

/// `specs/<service>/service.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceConfig {
    pub product: String,
    pub version: String,
    pub style: ApiStyle,
    pub endpoint: String,
    #[serde(default)]
    pub languages: Vec<String>,
}

/// A service read without errors, with its warnings and the page texts to render them against.
#[derive(Debug)]
pub struct ServiceRead {
    pub service: Service,
    pub warnings: Vec<Diagnostic>,
    pub sources: Sources,
}

/// What a folder of pages gives, errors included: used by `shapes`, which measures whatever can be read.
#[derive(Debug, Default)]
pub struct PagesRead {
    pub operations: Vec<Operation>,
    pub errors: Vec<ErrorCode>,
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
            out.diagnostics.push(Diagnostic::error(
                span(&file),
                format!("cannot read folder: {e}"),
                "here",
            ));
            return out;
        }
    };
    files.retain(|p| p.is_file() && p.extension().is_some_and(|x| x == "md" || x == "txt"));
    files.sort();
    let mut read = read_files(&files, root);
    read.diagnostics.splice(0..0, out.diagnostics);
    read
}

/// Reads the given pages as one set: pages of the same operation are merged.
pub fn read_files(files: &[std::path::PathBuf], root: &Path) -> PagesRead {
    let mut out = PagesRead::default();
    let mut found = Vec::new();
    for path in files {
        let file = relative(path, root);
        let text = match std::fs::read(path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(t) => t,
                Err(e) => {
                    out.diagnostics.push(
                        Diagnostic::warning(span(&file), "page is not valid UTF-8", "this file")
                            .hint("bytes that are not UTF-8 were replaced with U+FFFD"),
                    );
                    String::from_utf8_lossy(e.as_bytes()).into_owned()
                }
            },
            Err(e) => {
                out.diagnostics.push(Diagnostic::error(
                    span(&file),
                    format!("cannot read page: {e}"),
                    "this file",
                ));
                continue;
            }
        };
        let (page, mut d) = pages::scan(&file, &text);
        out.diagnostics.append(&mut d);
        if let Some(op) = read::page(&page, &mut out.diagnostics) {
            found.push(op);
        }
        out.sources.add(file, text);
    }
    let (ops, errors) = merge::operations(found, &mut out.diagnostics);
    out.operations = ops;
    out.errors = errors;
    out
}

/// Reads `specs/<service>/`: `service.yaml` and the pages. Any error fails the whole service.
pub fn read_service(dir: &Path, root: &Path) -> Result<ServiceRead, Failure> {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let config_path = dir.join("service.yaml");
    let config_file = relative(&config_path, root);
    let config_text = std::fs::read_to_string(&config_path);
    let read = read_pages(dir, root);
    let mut diagnostics = read.diagnostics;
    let mut sources = read.sources;
    let config = match config_text {
        Err(e) => {
            diagnostics.push(
                Diagnostic::error(span(&config_file), format!("cannot read service settings: {e}"), "this file")
                    .hint("each folder under specs/ needs a service.yaml with product, version, style and endpoint"),
            );
            None
        }
        Ok(text) => {
            let parsed = serde_yaml::from_str::<ServiceConfig>(&text);
            sources.add(config_file.clone(), text);
            match parsed {
                Ok(c) => Some(c),
                Err(e) => {
                    let line = e.location().map(|l| l.line() as u32).unwrap_or(1);
                    let column = e.location().map(|l| l.column() as u32).unwrap_or(1);
                    diagnostics.push(Diagnostic::error(
                        Span {
                            file: config_file.clone(),
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
    };
    if read.operations.is_empty() && config.is_some() {
        diagnostics.push(Diagnostic::error(
            span(&relative(dir, root)),
            "no operation found in this service's pages",
            "this folder",
        ));
    }
    if let Some(c) = &config {
        style_agrees(c.style, &read.operations, &config_file, &mut diagnostics);
    }
    match config {
        Some(c) if !diagnostics.iter().any(Diagnostic::is_error) => Ok(ServiceRead {
            service: Service {
                name,
                product: c.product,
                version: c.version,
                style: c.style,
                endpoint: c.endpoint,
                operations: read.operations,
                errors: read.errors,
            },
            warnings: diagnostics,
            sources,
        }),
        _ => Err(Failure {
            diagnostics,
            sources,
        }),
    }
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
            Diagnostic::error(
                span(config_file),
                format!("the service is `style: {said}`, but operation `{}` is not: {found}", op.name),
                "this service",
            )
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
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}
