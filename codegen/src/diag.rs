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
    /// Not a problem, but worth a reviewer's look: goes to the service's review report, not to the terminal.
    Report,
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
    /// A stable name for the kind of finding (`example-only-field`), for reports to group by.
    pub code: Option<&'static str>,
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
            code: None,
        }
    }

    /// A finding for the review report (see [`Severity::Report`]), with its code.
    pub fn report(
        code: &'static str,
        span: Span,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Report,
            code: Some(code),
            ..Diagnostic::error(span, message, label)
        }
    }

    pub fn is_report(&self) -> bool {
        self.severity == Severity::Report
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

    /// What kind of finding this is, for the summary: the message with the names it quotes left out
    /// (`unknown type `…` of `…``), so findings about different rows count as one kind.
    pub fn kind(&self) -> String {
        let mut out = String::with_capacity(self.message.len());
        let mut quoted = false;
        for c in self.message.chars() {
            match (c, quoted) {
                ('`', false) => {
                    quoted = true;
                    out.push_str("`…`");
                }
                ('`', true) => quoted = false,
                (_, true) => {}
                (c, false) if c.is_ascii_digit() => {
                    if !out.ends_with('N') {
                        out.push('N');
                    }
                }
                (c, false) => out.push(c),
            }
        }
        // A list of quoted names is one quoted name to the summary.
        while out.contains("`…`, `…`") {
            out = out.replace("`…`, `…`", "`…`");
        }
        // Paths of other pages ("… in specs/x/y.md") vary too.
        match out.find(" in specs/") {
            Some(i) => format!("{} in …", &out[..i]),
            None => out,
        }
    }
}

/// Counts of findings by severity and kind: what regen prints at the end.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Summary {
    /// Warnings by [`Diagnostic::kind`].
    pub warnings: BTreeMap<String, usize>,
    /// Errors by [`Diagnostic::kind`].
    pub errors: BTreeMap<String, usize>,
}

impl Summary {
    pub fn of(diagnostics: &[Diagnostic]) -> Self {
        let mut s = Summary::default();
        // Findings for the review report are not the terminal's business.
        for d in diagnostics.iter().filter(|d| !d.is_report()) {
            let counts = if d.is_error() {
                &mut s.errors
            } else {
                &mut s.warnings
            };
            *counts.entry(d.kind()).or_default() += 1;
        }
        s
    }

    pub fn add(&mut self, other: &Summary) {
        for (mine, theirs) in [
            (&mut self.warnings, &other.warnings),
            (&mut self.errors, &other.errors),
        ] {
            for (k, n) in theirs {
                *mine.entry(k.clone()).or_default() += n;
            }
        }
    }

    pub fn warning_count(&self) -> usize {
        self.warnings.values().sum()
    }

    pub fn error_count(&self) -> usize {
        self.errors.values().sum()
    }

    /// One line per kind, most frequent first, warnings then errors; empty when there is nothing.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for (title, counts) in [("warning", &self.warnings), ("error", &self.errors)] {
            if counts.is_empty() {
                continue;
            }
            let total: usize = counts.values().sum();
            let title = if total == 1 {
                title.to_string()
            } else {
                format!("{title}s")
            };
            out.push_str(&format!("{total} {title}, by kind:\n"));
            let mut rows: Vec<(&String, &usize)> = counts.iter().collect();
            rows.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
            for (kind, n) in rows {
                out.push_str(&format!("{n:>6}  {kind}\n"));
            }
        }
        out
    }
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.severity {
            Severity::Report => "note",
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

    /// Renders the warnings and the errors apart, so that errors can be printed last.
    pub fn render_split(&self, diagnostics: &[Diagnostic]) -> (String, String) {
        let (errors, warnings): (Vec<Diagnostic>, Vec<Diagnostic>) =
            diagnostics.iter().cloned().partition(Diagnostic::is_error);
        (self.render(&warnings), self.render(&errors))
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
                Severity::Report => ReportSeverity::Note,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn warning(message: &str) -> Diagnostic {
        Diagnostic::warning(Span::default(), message, "here")
    }

    #[test]
    fn kinds_leave_out_the_names_and_numbers() {
        let a = warning(
            "nothing on the page shows where `Vpc` ends; `A`, `B`, `C` read as its field(s)",
        );
        let b = warning("nothing on the page shows where `Tag` ends; `D` read as its field(s)");
        assert_eq!(a.kind(), b.kind());
        assert_eq!(
            a.kind(),
            "nothing on the page shows where `…` ends; `…` read as its field(s)"
        );
        assert_eq!(
            warning("page has 20000 rows, at most 5000").kind(),
            "page has N rows, at most N"
        );
    }

    #[test]
    fn the_summary_counts_by_kind_most_frequent_first() {
        let mut diags = vec![
            warning("unknown type `X` of `a`"),
            warning("unknown type `Y` of `b`"),
        ];
        diags.push(warning("a lone `thing`"));
        diags.push(Diagnostic::error(Span::default(), "broken row", "here"));
        let summary = Summary::of(&diags);
        assert_eq!(summary.warning_count(), 3);
        assert_eq!(summary.error_count(), 1);
        assert_eq!(
            summary.render(),
            "3 warnings, by kind:\n     2  unknown type `…` of `…`\n     1  a lone `…`\n1 error, by kind:\n     1  broken row\n"
        );
    }
}
