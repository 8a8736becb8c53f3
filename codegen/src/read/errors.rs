//! Error-code tables: each row → an `ErrorCode` with its HTTP status, message and description.

use super::{cell_text, text, Column, Lang};
use crate::diag::{Code, Diagnostic};
use crate::model::{Docs, ErrorCode};
use crate::pages::{Page, Table};

pub(crate) fn error_rows(
    page: &Page,
    table: &Table,
    cols: &[Column],
    lang: Lang,
    diags: &mut Vec<Diagnostic>,
) -> Vec<ErrorCode> {
    let at = |c: Column| cols.iter().position(|&x| x == c);
    let mut out = Vec::new();
    for row in &table.rows {
        let cell = |c: Column| at(c).and_then(|i| row.cells.get(i));
        let Some(code_cell) = cell(Column::Code) else {
            continue;
        };
        let code = text::bare(&code_cell.raw).0;
        if code.is_empty() {
            continue;
        }
        let status_text = cell(Column::Status)
            .map(|c| text::bare(&c.raw).0)
            .unwrap_or_default();
        let status = match status_text.parse::<u16>() {
            Ok(s) if (100..600).contains(&s) => s,
            _ => {
                let span = cell(Column::Status)
                    .map(|c| c.span.clone())
                    .unwrap_or_else(|| row.span.clone());
                diags.push(
                    Diagnostic::new(Code::ErrorWithoutStatus, span, format!("error `{code}` has no HTTP status (`{status_text}`)"), "this cell")
                        .hint("write the status as a number such as 400; the error is kept with status 400"),
                );
                400
            }
        };
        let message = cell(Column::Message)
            .map(|c| cell_text(page, &c.raw))
            .unwrap_or_default();
        let description = cell(Column::Description)
            .map(|c| cell_text(page, &c.raw))
            .filter(|d| !d.is_empty());
        let docs = match lang {
            Lang::Zh => Docs {
                zh: description,
                en: None,
            },
            Lang::En => Docs {
                en: description,
                zh: None,
            },
        };
        out.push(ErrorCode {
            code,
            status,
            message,
            docs,
            span: code_cell.span.clone(),
        });
    }
    out
}
