//! A whole `specs/<service>/` folder (or any folder of pages) → the model of the service.

use crate::diag::{Diagnostic, Failure, Sources};
use crate::merge::input;
use crate::model::{ApiStyle, EndpointRule, ErrorCode, Operation, Service, Span};
use crate::{merge, pages, read};
use serde::Deserialize;
use std::collections::BTreeSet;
use std::path::Path;

/// `specs/<service>/service.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceConfig {
    pub product: String,
    pub version: String,
    pub style: ApiStyle,
    pub endpoint: String,
    /// `central` or `regional`; when absent, `regional` if `endpoint` has `{region}`, else `central`.
    #[serde(default)]
    pub endpoint_rule: Option<EndpointRule>,
    /// Region id → host, for the regions the official SDK's endpoint map names.
    #[serde(default)]
    pub regional_endpoints: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    pub languages: Vec<String>,
    /// Where the pages come from: `source`, `updated` (a date) and an optional `note`.
    #[serde(default)]
    pub docs: Option<crate::model::DocsSnapshot>,
    /// `false` for an invented service (a test fixture): its crate says `publish = false`.
    #[serde(default)]
    pub publish: Option<bool>,
}

impl ServiceConfig {
    /// The endpoint rule, checked against the endpoint and the map: a region id or a host that could send
    /// signed requests somewhere unexpected is an error pointing at its line of `service.yaml`.
    pub fn endpoint_rule(&self, file: &str, text: &str) -> Result<EndpointRule, Vec<Diagnostic>> {
        let at = |needle: &str| {
            let line = text
                .lines()
                .position(|l| l.contains(needle))
                .map_or(1, |i| i as u32 + 1);
            Span {
                file: file.to_string(),
                line,
                column: 1,
            }
        };
        let has_region = self.endpoint.contains("{region}");
        let rule = self.endpoint_rule.unwrap_or(if has_region {
            EndpointRule::Regional
        } else {
            EndpointRule::Central
        });
        let mut problems = Vec::new();
        match (rule, has_region) {
            (EndpointRule::Regional, false) => problems.push(
                Diagnostic::error(at("endpoint:"), "the regional endpoint rule needs `{region}` in `endpoint`", "this endpoint")
                    .hint("write the pattern, e.g. `ecs.{region}.aliyuncs.com`, or use `endpoint_rule: central`"),
            ),
            (EndpointRule::Central, true) => problems.push(
                Diagnostic::error(at("endpoint:"), "the central endpoint rule takes one host, without `{region}`", "this endpoint")
                    .hint("write the central host, e.g. `config.aliyuncs.com`, or use `endpoint_rule: regional`"),
            ),
            _ => {}
        }
        if !is_host(&self.endpoint.replace("{region}", "cn-hangzhou")) {
            problems.push(
                Diagnostic::error(
                    at("endpoint:"),
                    format!("`{}` is not a host name", self.endpoint),
                    "this endpoint",
                )
                .hint("lowercase letters, digits, `-` and `.`, e.g. `config.aliyuncs.com`"),
            );
        }
        for (region, host) in &self.regional_endpoints {
            let region_ok = !region.is_empty()
                && region
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
            if !region_ok {
                problems.push(
                    Diagnostic::error(
                        at(region),
                        format!("`{region}` is not a region id"),
                        "this region",
                    )
                    .hint("a region id is lowercase letters, digits and `-`, e.g. `cn-shanghai`"),
                );
            }
            if !is_host(host) {
                problems.push(
                    Diagnostic::error(at(region), format!("`{host}` is not a host name"), "this host")
                        .hint("lowercase letters, digits, `-` and `.`, e.g. `config.cn-shanghai.aliyuncs.com`"),
                );
            }
        }
        if problems.is_empty() {
            Ok(rule)
        } else {
            Err(problems)
        }
    }
}

/// A DNS host name as endpoints are written: dot-separated labels of `a-z`, `0-9` and `-`.
fn is_host(host: &str) -> bool {
    !host.is_empty()
        && host.split('.').all(|label| {
            !label.is_empty()
                && !label.starts_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
}

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
    files.retain(|p| p.extension().is_some_and(|x| x == "md" || x == "txt"));
    files.sort();
    // A symlinked page could bring in anything from outside the repository.
    files.retain(|p| {
        let link = p
            .symlink_metadata()
            .is_ok_and(|m| m.file_type().is_symlink());
        if link {
            out.diagnostics.push(
                Diagnostic::error(span(&relative(p, root)), "page is a symlink", "this file")
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
    let mut out = PagesRead::default();
    let mut found = Vec::new();
    for path in files {
        let file = relative(path, root);
        let text = match std::fs::read(path) {
            Ok(bytes) => match input::decode_page(&file, &bytes, &mut out.diagnostics) {
                Some(text) => text,
                None => continue,
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
        if let Some(too_large) = merge::limits::page_size(&file, text.len()) {
            out.diagnostics.push(too_large);
            continue;
        }
        let (page, mut d) = pages::scan(&file, &text);
        out.diagnostics.append(&mut d);
        let over = merge::limits::table_rows(&page);
        let within_limits = over.is_empty();
        out.diagnostics.extend(over);
        if let Some(mut op) = within_limits
            .then(|| read::page(&page, &mut out.diagnostics))
            .flatten()
        {
            merge::limits::operation(&mut op, &mut out.diagnostics);
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
    read_service_with(dir, root, false)
}

/// The pages' licence, `LICENSE` beside them, if there is one (the documentation repositories are MIT).
fn read_license(dir: &Path) -> Option<String> {
    std::fs::read_to_string(dir.join("LICENSE")).ok()
}

/// [`read_service`], or with `keep_going`, the service without the operations of the pages that have errors
/// (it still fails when the errors are not on pages: `service.yaml`, the folder, or every page refused).
pub fn read_service_with(
    dir: &Path,
    root: &Path,
    keep_going: bool,
) -> Result<ServiceRead, Failure> {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let config_path = dir.join("service.yaml");
    let config_file = relative(&config_path, root);
    let config_text = read_config(&config_path);
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
            let problems = parsed
                .as_ref()
                .map(|c| check_config(c, &text, &config_file))
                .unwrap_or_default();
            let rule = parsed
                .as_ref()
                .ok()
                .map(|c| c.endpoint_rule(&config_file, &text));
            sources.add(config_file.clone(), text);
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
    diagnostics.extend(case_only_duplicates(&read.operations));
    if read.operations.is_empty() && config.is_some() {
        diagnostics.push(Diagnostic::error(
            span(&relative(dir, root)),
            "no operation found in this service's pages",
            "this folder",
        ));
    }
    let mut operations = read.operations;
    let mut errors = read.errors;
    let mut refused = Vec::new();
    let mut refusing = Vec::new();
    if keep_going && config.is_some() {
        let bad: BTreeSet<String> = diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.span.file.clone())
            .collect();
        let on_pages = bad
            .iter()
            .all(|f| f.ends_with(".md") || f.ends_with(".txt"));
        if !bad.is_empty() && on_pages {
            for file in &bad {
                refused.push(RefusedPage {
                    file: file.clone(),
                    operations: operations
                        .iter()
                        .filter(|op| op.sources.contains(file))
                        .map(|op| op.name.clone())
                        .collect(),
                });
            }
            operations.retain(|op| !op.sources.iter().any(|f| bad.contains(f)));
            let documented: BTreeSet<&str> = operations
                .iter()
                .flat_map(|op| op.errors.iter().map(|e| e.code.as_str()))
                .collect();
            errors.retain(|e| documented.contains(e.code.as_str()));
            let (e, w): (Vec<Diagnostic>, Vec<Diagnostic>) =
                diagnostics.into_iter().partition(Diagnostic::is_error);
            refusing = e;
            diagnostics = w;
            if operations.is_empty() {
                diagnostics.append(&mut refusing);
                diagnostics.push(Diagnostic::error(
                    span(&relative(dir, root)),
                    "every page of this service was refused",
                    "this folder",
                ));
                refused.clear();
            }
        }
    }
    if let Some(c) = &config {
        style_agrees(c.0.style, &operations, &config_file, &mut diagnostics);
    }
    match config {
        Some((c, endpoint_rule)) if !diagnostics.iter().any(Diagnostic::is_error) => {
            let mut service = Service {
                name,
                product: c.product,
                version: c.version,
                style: c.style,
                endpoint: c.endpoint,
                endpoint_rule,
                regional_endpoints: c.regional_endpoints,
                docs: c.docs,
                docs_license: read_license(dir),
                publish: c.publish.unwrap_or(true),
                operations,
                errors,
            };
            // The examples against the model just built, before anything is emitted from it.
            diagnostics.extend(crate::check::examples(&mut service, &sources));
            Ok(ServiceRead {
                service,
                warnings: diagnostics,
                refused,
                errors: refusing,
                sources,
            })
        }
        _ => Err(Failure {
            diagnostics,
            sources,
        }),
    }
}

/// `service.yaml` as text: a symlink is refused, a UTF-8 byte order mark dropped.
fn read_config(path: &Path) -> std::io::Result<String> {
    if path.symlink_metadata()?.file_type().is_symlink() {
        return Err(std::io::Error::other(
            "it is a symlink; regen reads only what is in the repository",
        ));
    }
    let text = std::fs::read_to_string(path)?;
    Ok(text
        .strip_prefix('\u{feff}')
        .map(str::to_string)
        .unwrap_or(text))
}

/// What `serde` cannot say about `service.yaml`: empty values, and an endpoint that is not a host pattern.
fn check_config(c: &ServiceConfig, text: &str, file: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let at_key = |key: &str| Span {
        file: file.to_string(),
        line: text
            .lines()
            .position(|l| l.trim_start().starts_with(&format!("{key}:")))
            .map_or(1, |i| i as u32 + 1),
        column: 1,
    };
    for (key, value) in [
        ("product", &c.product),
        ("version", &c.version),
        ("endpoint", &c.endpoint),
    ] {
        if value.trim().is_empty() {
            out.push(
                Diagnostic::error(at_key(key), format!("`{key}` is empty"), "this key")
                    .hint(config_hint(key)),
            );
        }
    }
    let endpoint = c.endpoint.trim();
    if !endpoint.is_empty() && !is_host_pattern(endpoint) {
        out.push(
            Diagnostic::error(
                at_key("endpoint"),
                format!("`endpoint` is not a host pattern: `{endpoint}`"),
                "this key",
            )
            .hint(config_hint("endpoint")),
        );
    }
    out
}

fn config_hint(key: &str) -> &'static str {
    match key {
        "product" => "the product code of the OpenAPI Explorer link, e.g. `product: Config`",
        "version" => "the API version the pages document, e.g. `version: \"2020-09-07\"`",
        _ => "a host name with `{region}` where the region goes, no scheme and no path, e.g. `config.{region}.aliyuncs.com`",
    }
}

/// `config.{region}.aliyuncs.com`: labels of letters, digits and `-`, `{region}` allowed; no scheme, port or path.
fn is_host_pattern(endpoint: &str) -> bool {
    let host = endpoint.replace("{region}", "region");
    !host.starts_with('.')
        && !host.ends_with('.')
        && host.split('.').all(|label| {
            !label.is_empty()
                && label
                    .chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || ch == '-')
                && !label.starts_with('-')
        })
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
        let mut d = Diagnostic::error(
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
    let Ok(rel) = path.strip_prefix(root) else {
        // Outside the repository (`--specs /tmp/…`): the path as it is.
        return path.display().to_string();
    };
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(yaml: &str) -> Result<EndpointRule, Vec<(u32, String)>> {
        let config: ServiceConfig = serde_yaml::from_str(yaml).unwrap();
        config
            .endpoint_rule("specs/x/service.yaml", yaml)
            .map_err(|d| d.into_iter().map(|d| (d.span.line, d.message)).collect())
    }

    const HEAD: &str = "product: X\nversion: \"1\"\nstyle: RPC\n";

    #[test]
    fn the_rule_follows_the_endpoint_unless_given() {
        assert_eq!(
            rule(&format!("{HEAD}endpoint: x.{{region}}.aliyuncs.com\n")),
            Ok(EndpointRule::Regional)
        );
        assert_eq!(
            rule(&format!("{HEAD}endpoint: x.aliyuncs.com\n")),
            Ok(EndpointRule::Central)
        );
        let yaml = format!(
            "{HEAD}endpoint: x.aliyuncs.com\nendpoint_rule: central\nregional_endpoints:\n  cn-shanghai: x.cn-shanghai.aliyuncs.com\n"
        );
        assert_eq!(rule(&yaml), Ok(EndpointRule::Central));
    }

    #[test]
    fn bad_endpoint_settings_point_at_their_line() {
        let e = rule(&format!(
            "{HEAD}endpoint: x.aliyuncs.com\nendpoint_rule: regional\n"
        ))
        .unwrap_err();
        assert_eq!(e[0].0, 4, "{e:?}");
        assert!(e[0].1.contains("needs `{region}`"), "{e:?}");
        let e = rule(&format!(
            "{HEAD}endpoint: x.{{region}}.aliyuncs.com\nendpoint_rule: central\n"
        ))
        .unwrap_err();
        assert!(e[0].1.contains("without `{region}`"), "{e:?}");
        let yaml = format!(
            "{HEAD}endpoint: x.aliyuncs.com\nregional_endpoints:\n  \"x@evil#\": x.aliyuncs.com\n  cn-shanghai: \"evil.example/x\"\n"
        );
        let e = rule(&yaml).unwrap_err();
        assert_eq!(
            e,
            vec![
                (7, "`evil.example/x` is not a host name".to_string()),
                (6, "`x@evil#` is not a region id".to_string()),
            ]
        );
        let e = rule(&format!("{HEAD}endpoint: \"evil.example:8443/x\"\n")).unwrap_err();
        assert!(e[0].1.contains("is not a host name"), "{e:?}");
    }
}
