//! The product's error table, where the operations' pages only link to the error centre
//! (`error-center.alibabacloud.com/status/product/<Product>`): from `service.yaml` (`errors:`) or from a page of
//! the product's error codes in the service folder (a page of error tables and nothing else, such as the one
//! `cargo xtask import` copies in as `ErrorCodes.<lang>.md`). The codes join the service's `ErrorCode`; the
//! operations' own `ERRORS` stay what their pages document.

use crate::diag::{Code, Diagnostic, Sources};
use crate::model::{Docs, ErrorCode, Operation, Span};
use crate::pages::{self, SectionKind};
use crate::read;

/// One row of `errors:` in `service.yaml`.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigError {
    pub code: String,
    #[serde(default = "default_status")]
    pub status: u16,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub description: String,
}

fn default_status() -> u16 {
    400
}

/// A page of the product's error codes: error tables, no parameter table, no `Action` row. `None` for any
/// other page (an operation's page is read as one).
pub fn page(file: &str, text: &str, diagnostics: &mut Vec<Diagnostic>) -> Option<Vec<ErrorCode>> {
    let (page, found) = pages::scan(file, text);
    let mut errors = Vec::new();
    for table in &page.tables {
        let cols: Vec<read::Column> = table.header.iter().map(|c| read::column(&c.raw)).collect();
        let has = |c: read::Column| cols.contains(&c);
        if has(read::Column::Name)
            && (has(read::Column::Type) || table.section == SectionKind::Request)
        {
            return None;
        }
        if has(read::Column::Code) && (has(read::Column::Status) || has(read::Column::Message)) {
            let lang = if text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)) {
                read::Lang::Zh
            } else {
                read::Lang::En
            };
            let mut d = Vec::new();
            errors.extend(read::errors::error_rows(&page, table, &cols, lang, &mut d));
        }
    }
    if errors.is_empty() || text.contains("Action=") {
        return None;
    }
    diagnostics.extend(found);
    Some(errors)
}

/// The `errors:` of `service.yaml`, each at its line.
pub fn from_config(rows: &[ConfigError], file: &str, text: &str) -> Vec<ErrorCode> {
    rows.iter()
        .map(|r| {
            let line = text
                .lines()
                .position(|l| l.contains(&r.code))
                .map_or(1, |i| i as u32 + 1);
            ErrorCode {
                code: r.code.clone(),
                status: r.status,
                message: r.message.clone(),
                docs: Docs {
                    en: (!r.description.is_empty()).then(|| r.description.clone()),
                    ..Docs::default()
                },
                span: Span {
                    file: file.to_string(),
                    line,
                    column: 1,
                },
            }
        })
        .collect()
}

/// Adds the product's codes the operations do not document to the service's, in code order; says once
/// for the service how many operations only link to the error centre, and where the codes came from.
pub fn apply(
    service_errors: &mut Vec<ErrorCode>,
    product: Vec<ErrorCode>,
    operations: &[Operation],
    sources: &Sources,
    folder: &str,
) -> Option<Diagnostic> {
    let linking: Vec<&str> = operations
        .iter()
        .filter(|op| op.errors.is_empty())
        .filter(|op| {
            op.sources
                .iter()
                .any(|f| sources.text(f).is_some_and(|t| t.contains("error-center.")))
        })
        .map(|op| op.name.as_str())
        .collect();
    let from = product.first().map(|e| e.span.file.clone());
    let added = product.len();
    for e in product {
        if !service_errors.iter().any(|s| s.code == e.code) {
            service_errors.push(e);
        }
    }
    service_errors.sort_by(|a, b| a.code.cmp(&b.code));
    if linking.is_empty() {
        return None;
    }
    let at = Span {
        file: folder.to_string(),
        line: 1,
        column: 1,
    };
    let n = linking.len();
    Some(match from {
        None => Diagnostic::new(
            Code::ErrorCentreOnly,
            at,
            format!("{n} operation(s) document no error code and only link to the error centre: their `ERRORS` are empty"),
            "this service",
        )
        .hint("add the product's error codes to service.yaml (`errors:` with `code`, `status`, `message`, `description`), or save the error centre's page of the product into this folder"),
        Some(file) => Diagnostic::new(
            Code::ErrorCentreTable,
            Span { file, line: 1, column: 1 },
            format!("{n} operation(s) only link to the error centre; `ErrorCode` holds the product's {added} codes from here"),
            "the product's error codes",
        ),
    })
}
