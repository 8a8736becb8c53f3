//! Limits that keep rustc safe: what passes regen must compile, so input that would reach rustc or rustdoc as
//! something other than what the page meant is stopped or cleaned here, each time with the place.
//!
//! - A page larger than [`MAX_PAGE_BYTES`] or a table with more than [`MAX_TABLE_ROWS`] rows is refused (an
//!   error): no real page comes near (the largest of five whole products is 23 KB, 150 rows), and generated
//!   code that size would take rustc minutes.
//! - Fields nested deeper than [`MAX_DEPTH`] are an error: each level is a type, and rustc's recursion limit
//!   is 128.
//! - Bidirectional control characters (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C) make text read
//!   differently from what the compiler sees, and rustc rejects them in doc comments and literals: they are
//!   removed from descriptions with a warning, and are an error in names and values, which travel as they are.
//! - HTML line breaks and paragraphs in descriptions (`<br>`, `<p>`) become line breaks; other tags are shown
//!   as text by `emit::docs`, never rendered.

use crate::diag::{Code, Diagnostic};
pub use crate::model::MAX_DEPTH;
use crate::model::{Docs, ErrorCode, Field, Shape, Span};
use crate::pages::Page;
use crate::read::PageOperation;

pub const MAX_PAGE_BYTES: usize = 2 * 1024 * 1024;
pub const MAX_TABLE_ROWS: usize = 5_000;

/// A page too large to read, as an error; `None` when it is fine.
pub fn page_size(file: &str, bytes: usize) -> Option<Diagnostic> {
    (bytes > MAX_PAGE_BYTES).then(|| {
        Diagnostic::new(
            Code::PageTooLarge,
            Span {
                file: file.to_string(),
                line: 1,
                column: 1,
            },
            format!("page is {bytes} bytes, more than the {MAX_PAGE_BYTES} regen reads"),
            "this file",
        )
        .hint("an API reference page is a few dozen KB: split the file into one page per operation")
    })
}

/// Tables with too many rows, as errors at the first row over the limit.
pub fn table_rows(page: &Page) -> Vec<Diagnostic> {
    page.tables
        .iter()
        .filter(|t| t.rows.len() > MAX_TABLE_ROWS)
        .map(|t| {
            Diagnostic::new(Code::TableTooLong,
                t.rows[MAX_TABLE_ROWS].span.clone(),
                format!("table has {} rows, more than the {MAX_TABLE_ROWS} regen reads", t.rows.len()),
                "this row is over the limit",
            )
            .also(t.span.clone(), "the table")
            .hint("one operation's table has at most a few hundred rows: is this several tables run together?")
        })
        .collect()
}

/// Checks and cleans one page's operation: depth, bidirectional controls, HTML breaks.
pub fn operation(op: &mut PageOperation, diags: &mut Vec<Diagnostic>) {
    let mut cx = Within {
        op: &op.name,
        diags,
        stripped: None,
    };
    if let Some(docs) = &mut op.docs {
        cx.text(docs, &op.name_span);
    }
    for (side, fields) in [("request", &mut op.request), ("response", &mut op.response)] {
        cx.fields(fields, side, 1);
    }
    for e in &mut op.errors {
        cx.error(e);
    }
    if let Some(span) = cx.stripped.take() {
        diags.push(
            Diagnostic::new(Code::BidiRemoved,
                span,
                "bidirectional control characters removed from the descriptions of this page",
                "the first one",
            )
            .hint("they make text read differently from what the compiler sees; delete them from the page"),
        );
    }
}

/// Walks one operation, stopping and cleaning what would reach rustc as something else.
struct Within<'a> {
    op: &'a str,
    diags: &'a mut Vec<Diagnostic>,
    /// Where descriptions first lost a bidirectional control (one warning per page).
    stripped: Option<Span>,
}

impl Within<'_> {
    fn fields(&mut self, fields: &mut [Field], side: &str, depth: usize) {
        for f in fields.iter_mut() {
            self.name(&f.name, &f.span, "field name");
            if let Some(e) = &f.example {
                self.name(e, &f.span, "example value");
            }
            self.docs(&mut f.docs, &f.span);
            self.shape(&mut f.shape, &f.span);
            // Lists count as levels too: `Vec<Vec<…>>` is a type per level for rustc as well.
            let levels = depth + array_levels(&f.shape);
            if levels > MAX_DEPTH || (levels == MAX_DEPTH && has_children(&f.shape)) {
                self.diags.push(
                    Diagnostic::new(Code::TooDeep,
                        f.span.clone(),
                        format!(
                            "`{}` {side} field `{}` nests more than {MAX_DEPTH} levels deep",
                            self.op, f.name
                        ),
                        "this field",
                    )
                    .hint(
                        "each level is a Rust type; no API nests this deep: check the example or the depth marks",
                    ),
                );
                // Its children are not looked at, so one error is enough for the whole branch.
                f.shape = Shape::Object(Vec::new());
                continue;
            }
            if let Some(children) = items_mut(&mut f.shape) {
                self.fields(children, side, levels + 1);
            }
        }
    }

    fn shape(&mut self, shape: &mut Shape, span: &Span) {
        match shape {
            Shape::Enum(e) => {
                for v in &mut e.values {
                    self.name(&v.value, span, "valid value");
                    self.docs(&mut v.docs, span);
                }
            }
            Shape::Array(item) => self.shape(item, span),
            _ => {}
        }
    }

    fn error(&mut self, e: &mut ErrorCode) {
        self.name(&e.code, &e.span, "error code");
        self.name(&e.message, &e.span, "error message");
        self.docs(&mut e.docs, &e.span);
    }

    /// Text that travels as it is (names, values): a bidirectional control in it is an error.
    fn name(&mut self, text: &str, span: &Span, what: &str) {
        if let Some(c) = text.chars().find(|c| is_bidi(*c)) {
            self.diags.push(
                Diagnostic::new(Code::BidiInName,
                    span.clone(),
                    format!("{what} of `{}` holds the bidirectional control U+{:04X}", self.op, c as u32),
                    "in this row",
                )
                .hint("it would make the generated code read differently from what the compiler sees; delete it"),
            );
        }
    }

    fn docs(&mut self, docs: &mut Docs, span: &Span) {
        for text in [&mut docs.en, &mut docs.zh].into_iter().flatten() {
            self.text(text, span);
        }
    }

    fn text(&mut self, text: &mut String, span: &Span) {
        if text.chars().any(is_bidi) {
            text.retain(|c| !is_bidi(c));
            self.stripped.get_or_insert_with(|| span.clone());
        }
        if text.contains('<') {
            *text = html_breaks(text);
        }
    }
}

fn array_levels(shape: &Shape) -> usize {
    match shape {
        Shape::Array(item) => 1 + array_levels(item),
        _ => 0,
    }
}

fn has_children(shape: &Shape) -> bool {
    match shape {
        Shape::Object(c) => !c.is_empty(),
        Shape::Array(item) => has_children(item),
        _ => false,
    }
}

fn items_mut(shape: &mut Shape) -> Option<&mut Vec<Field>> {
    match shape {
        Shape::Object(c) => Some(c),
        Shape::Array(item) => items_mut(item),
        _ => None,
    }
}

/// The characters that reorder text when displayed (the ones rustc's `text_direction_codepoint_*` lints name,
/// and the marks).
pub fn is_bidi(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// `<br>`, `<br/>`, `<p>`, `</p>` (any case) → line breaks; everything else as it was.
fn html_breaks(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let tag = tail.find('>').map(|end| &tail[..=end]);
        let bare = tag.map(|t| {
            t[1..t.len() - 1]
                .trim()
                .trim_end_matches('/')
                .trim()
                .to_ascii_lowercase()
        });
        match (tag, bare.as_deref()) {
            (Some(t), Some("br" | "p" | "/p")) => {
                if !out.ends_with('\n') && !out.is_empty() {
                    out.push('\n');
                }
                rest = &tail[t.len()..];
            }
            _ => {
                out.push('<');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_breaks_become_line_breaks_and_other_tags_stay_text() {
        assert_eq!(
            html_breaks("one<br>two<BR/>three<p>four</p>"),
            "one\ntwo\nthree\nfour\n"
        );
        assert_eq!(html_breaks("a <b>bold</b> 1 < 2"), "a <b>bold</b> 1 < 2");
    }

    #[test]
    fn bidi_controls_are_the_reordering_ones() {
        assert!(is_bidi('\u{202E}') && is_bidi('\u{2066}') && is_bidi('\u{200F}'));
        assert!(!is_bidi('名') && !is_bidi('\u{200B}'));
    }
}
