//! Diagnostics that point at the page: file, line, column, the table and cell, a label and a hint.
//!
//! Rendered the way rustc does it, through codespan-reporting. Warnings never stop regen; errors do.

use crate::model::Span;
use codespan_reporting::diagnostic::{Diagnostic as Report, Label, Severity as ReportSeverity};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, termcolor::NoColor};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

/// One finding about the pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    pub span: Span,
    /// Short text shown under the place, e.g. `this cell`.
    pub label: String,
    /// Other places involved (e.g. the English page that disagrees), with their labels.
    pub also: Vec<(Span, String)>,
    /// What to do about it.
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(span: Span, message: impl Into<String>, label: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            span,
            label: label.into(),
            also: Vec::new(),
            hint: None,
        }
    }

    pub fn warning(span: Span, message: impl Into<String>, label: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(span, message, label)
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn also(mut self, span: Span, label: impl Into<String>) -> Self {
        self.also.push((span, label.into()));
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(
            f,
            "{kind}: {} ({}: {})",
            self.message, self.span, self.label
        )
    }
}

/// Regen could not go on: at least one error, plus every warning found on the way.
#[derive(Debug, Clone, Default)]
pub struct Failure {
    pub diagnostics: Vec<Diagnostic>,
    /// The texts the diagnostics point into.
    pub sources: Sources,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let errors = self.diagnostics.iter().filter(|d| d.is_error()).count();
        write!(f, "{errors} error(s) in the pages")?;
        for d in &self.diagnostics {
            write!(f, "\n{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Failure {}

/// The text of the pages, by the name spans use, so diagnostics can quote the line.
#[derive(Debug, Default, Clone)]
pub struct Sources {
    texts: BTreeMap<String, String>,
}

impl Sources {
    pub fn add(&mut self, file: impl Into<String>, text: impl Into<String>) {
        self.texts.insert(file.into(), text.into());
    }

    /// The text of a file, by the name spans use.
    pub fn text(&self, file: &str) -> Option<&str> {
        self.texts.get(file).map(String::as_str)
    }

    /// Renders diagnostics like rustc does, without colour.
    pub fn render(&self, diagnostics: &[Diagnostic]) -> String {
        let mut files = SimpleFiles::new();
        let mut ids = BTreeMap::new();
        for (name, text) in &self.texts {
            ids.insert(name.clone(), files.add(name.clone(), text.clone()));
        }
        let mut out = NoColor::new(Vec::new());
        let config = term::Config::default();
        for d in diagnostics {
            let mut labels = Vec::new();
            let primary = self.range(&d.span);
            if let (Some(&id), Some(range)) = (ids.get(&d.span.file), primary) {
                labels.push(Label::primary(id, range).with_message(&d.label));
            }
            for (span, label) in &d.also {
                if let (Some(&id), Some(range)) = (ids.get(&span.file), self.range(span)) {
                    labels.push(Label::secondary(id, range).with_message(label));
                }
            }
            let severity = match d.severity {
                Severity::Warning => ReportSeverity::Warning,
                Severity::Error => ReportSeverity::Error,
            };
            let mut notes = Vec::new();
            if labels.is_empty() {
                notes.push(format!("at {}", d.span));
            }
            for (span, label) in &d.also {
                if !ids.contains_key(&span.file) {
                    notes.push(format!("{label} at {span}"));
                }
            }
            if let Some(h) = &d.hint {
                notes.push(format!("hint: {h}"));
            }
            let report = Report::new(severity)
                .with_message(&d.message)
                .with_labels(labels)
                .with_notes(notes);
            if term::emit(&mut out, &config, &files, &report).is_err() {
                // The spans are ours, so this only happens on a bug; fall back to the plain form.
                out.get_mut().extend_from_slice(format!("{d}\n").as_bytes());
            }
        }
        String::from_utf8_lossy(&out.into_inner()).into_owned()
    }

    /// Byte range of the span's position up to the end of that line (at least one character).
    fn range(&self, span: &Span) -> Option<std::ops::Range<usize>> {
        let text = self.texts.get(&span.file)?;
        let mut start = 0;
        for (i, line) in text.split_inclusive('\n').enumerate() {
            if i + 1 == span.line as usize {
                let line_text = line.trim_end_matches(['\n', '\r']);
                let col = line_text
                    .char_indices()
                    .nth(span.column.saturating_sub(1) as usize)
                    .map(|(b, _)| b)
                    .unwrap_or(line_text.len());
                let end = line_text.len().max(col);
                let begin = start + col;
                let finish = (start + end).max(begin);
                return Some(begin..finish.min(text.len()));
            }
            start += line.len();
        }
        Some(text.len()..text.len())
    }
}
