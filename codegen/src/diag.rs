//! Diagnostics that point at the page: file, line, column, the table and cell, a label and a hint.
//!
//! Rendered the way rustc does it, through codespan-reporting. Warnings never stop regen; errors do.

use crate::model::Span;
use codespan_reporting::diagnostic::{self as codespan, Label};
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

/// Declares [`Code`]: each kind of finding, its printed code and its one-line meaning. The letter says the
/// severity (`W` warns, `E` refuses, `R` goes to the review report only); the first two digits say the stage that finds it: `00` the files and
/// folders, `01` the tables of a page, `02` reading one page, `03` merging the pages of one operation, `04`
/// the examples against the tables, `05` `service.yaml` and the service as a whole, `06` the limits, `07` the generated code.
macro_rules! codes {
    ($($(#[$doc:meta])* $name:ident = $code:literal, $meaning:literal;)*) => {
        /// What kind of finding a [`Diagnostic`] is. The summary counts by it, `try-product` reports by it, and
        /// tests assert it, so rewording a message changes none of them.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $($(#[$doc])* #[doc = $meaning] $name,)*
        }

        impl Code {
            /// Every code, in the order of their numbers.
            pub const ALL: &'static [Code] = &[$(Code::$name),*];

            /// The printed code, e.g. `W0202`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$name => $code,)*
                }
            }

            /// One line on what the code means.
            pub fn meaning(self) -> &'static str {
                match self {
                    $(Code::$name => $meaning,)*
                }
            }
        }
    };
}

codes! {
    SymlinkFolder = "E0001", "a service folder is a symlink";
    EmptyFolder = "W0002", "an empty folder is not a service";
    BadFolderName = "E0003", "a service folder's name cannot name a crate";
    CrateNameTaken = "E0004", "a service folder would make a crate the workspace already has";
    CrateNameClash = "E0005", "several service folders would make the same crate";
    BadByteOrderMark = "E0006", "a page starts with a byte order mark but is not in that encoding";
    NotUtf8 = "W0007", "a page is not UTF-8 and was decoded from its legacy encoding";
    NotText = "E0008", "a page has NUL bytes: UTF-16 without a byte order mark, or a binary file";
    Undecodable = "E0009", "a page is neither UTF-8 nor GB18030/GBK text";
    CannotReadFolder = "E0010", "a folder cannot be listed";
    SymlinkPage = "E0011", "a page is a symlink";
    CannotReadPage = "E0012", "a page cannot be read";
    RowCellCount = "W0101", "a table row has fewer cells than its header; the missing ones are read as empty";
    UnclosedRow = "W0102", "a table row is not closed before the next row or the table's end; read as it is";
    RowsGoOn = "W0103", "table rows go on after a blank line; each is read as one row";
    LastCellOnNextLine = "W0104", "a row one cell short takes its last cell from the next line";
    RowWithoutName = "W0201", "a parameter row has no name and is left out";
    UnknownType = "W0202", "a type cell names no known type; the field is read as String";
    ErrorWithoutStatus = "W0203", "an error code has no HTTP status; 400 is assumed";
    UnknownPosition = "W0204", "a ROA parameter position is unknown; the parameter is sent in the query";
    PathNamesNoParameter = "E0205", "the request path names a parameter the page does not document";
    PathParameterNotInPath = "W0206", "a path parameter does not appear in the request path";
    ExampleOutsideParent = "W0207", "the example shows a field outside the object the rows around it are in";
    NestingUnknown = "W0208", "nothing on the page shows whether a field is inside the object before it";
    NestTooDeep = "W0209", "fields nest deeper than the reader follows";
    NestEndUnknown = "W0210", "nothing on the page shows where an object's fields end";
    XmlListWrapped = "W0211", "the JSON and XML examples disagree on how a list's items are wrapped";
    NoTypeColumn = "W0212", "a parameter table has no type column; its fields are read as String";
    ExampleEnvelope = "W0213", "the response example is wrapped in an object the table does not document";
    RoaWithoutRequestLine = "E0214", "a ROA page gives no request line";
    OperationUnknown = "E0215", "the page does not say which operation it documents";
    OperationNameDisagrees = "W0216", "two places on a page name different operations";
    OperationFromFirstSentence = "W0217", "only the page's first sentence names the operation";
    ExampleWithoutWrapper = "W0218", "the response example shows an object's fields without the object the table documents";
    SampleOnlyParameter = "W0225", "the sample request sets a parameter no row documents; it is read in the form the sample shows";
    SampleMisspelling = "W0226", "the sample request sets a name that misspells a documented parameter; it is left out";
    RouteDisagrees = "W0301", "the pages of one operation give different request lines";
    FieldInOnePage = "W0302", "a field is documented on one page of an operation but not the other";
    RequiredDisagrees = "W0303", "the pages of one operation disagree whether a field is required";
    TypeDisagrees = "W0304", "the pages of one operation disagree on a field's type";
    FieldTwice = "W0305", "a field is documented twice in one table";
    MisplacedFieldLeftOut = "W0306", "a field one page puts where the other page and the example do not is left out of the merge";
    OperationNameCase = "W0307", "pages spell an operation with a different case; the wire name of the Action row or sample request is taken";
    ExampleNotObject = "W0401", "a JSON response example is not an object";
    ExampleDoesNotParse = "W0402", "a JSON response example does not parse";
    ExampleFillsNothing = "W0403", "a JSON response example fills no documented field";
    ExampleTypeDisagrees = "W0404", "the response example and the table disagree on a value's type";
    SampleRequestDisagrees = "W0405", "the sample request and the table disagree on a parameter";
    ExampleOnlyField = "R0406", "a response example shows a key beyond the object the table documents; the generated type keeps it";
    CannotReadSettings = "E0501", "`service.yaml` is missing or cannot be read";
    InvalidSettings = "E0502", "`service.yaml` does not parse or has unknown keys";
    NoOperation = "E0503", "no page of the service documents an operation";
    EveryPageRefused = "E0504", "every page of the service was refused";
    EmptySetting = "E0505", "a key of `service.yaml` is empty";
    EndpointNotPattern = "E0506", "`endpoint` is not a host pattern";
    CaseOnlyDuplicates = "E0507", "operations differ only in case";
    StyleDisagrees = "E0508", "an operation is not of the service's style (RPC or ROA)";
    RegionalWithoutRegion = "E0509", "the regional endpoint rule needs `{region}` in the endpoint";
    CentralWithRegion = "E0510", "the central endpoint rule takes one host, without `{region}`";
    NotAHost = "E0511", "an endpoint is not a host name";
    NotARegion = "E0512", "a key of `regional_endpoints` is not a region id";
    ErrorCentreOnly = "W0513", "operations only link to the error centre and no error table of the product is given";
    ErrorCentreTable = "W0514", "operations only link to the error centre; the product's error table fills `ErrorCode`";
    PageTooLarge = "E0601", "a page is larger than regen reads";
    TableTooLong = "E0602", "a table has more rows than regen reads";
    BidiRemoved = "W0603", "bidirectional control characters were removed from descriptions";
    TooDeep = "E0604", "fields nest deeper than regen accepts";
    BidiInName = "E0605", "a name or value holds a bidirectional control character";
    GeneratedCodeDoesNotParse = "E0701", "the generated code does not parse (a bug of the generator)";
}

impl Code {
    pub fn severity(self) -> Severity {
        if self.as_str().starts_with('E') {
            Severity::Error
        } else if self.as_str().starts_with('R') {
            Severity::Report
        } else {
            Severity::Warning
        }
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Code {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Code::ALL
            .iter()
            .copied()
            .find(|c| c.as_str() == text)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown diagnostic code `{text}`")))
    }
}

/// One finding about the pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
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
    /// A finding of this kind; its severity is the code's.
    pub fn new(
        code: Code,
        span: Span,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> Self {
        Diagnostic {
            code,
            severity: code.severity(),
            message: message.into(),
            span,
            label: label.into(),
            also: Vec::new(),
            hint: None,
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

    /// A finding for the review report (see [`Severity::Report`]).
    pub fn is_report(&self) -> bool {
        self.severity == Severity::Report
    }
}

/// Counts of findings by severity and code: what regen prints at the end.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Summary {
    /// Warnings by [`Code`].
    pub warnings: BTreeMap<Code, usize>,
    /// Errors by [`Code`].
    pub errors: BTreeMap<Code, usize>,
    /// Warnings written to the services' review reports instead of the terminal, by [`Code`].
    #[serde(default)]
    pub review: BTreeMap<Code, usize>,
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
            *counts.entry(d.code).or_default() += 1;
        }
        s
    }

    /// Counts findings that go to a review report.
    pub fn for_review(diagnostics: &[Diagnostic]) -> Self {
        let mut s = Summary::default();
        for d in diagnostics {
            *s.review.entry(d.code).or_default() += 1;
        }
        s
    }

    pub fn add(&mut self, other: &Summary) {
        for (mine, theirs) in [
            (&mut self.warnings, &other.warnings),
            (&mut self.errors, &other.errors),
            (&mut self.review, &other.review),
        ] {
            for (k, n) in theirs {
                *mine.entry(*k).or_default() += n;
            }
        }
    }

    pub fn warning_count(&self) -> usize {
        self.warnings.values().sum()
    }

    pub fn error_count(&self) -> usize {
        self.errors.values().sum()
    }

    pub fn review_count(&self) -> usize {
        self.review.values().sum()
    }

    /// One line per code with its meaning, most frequent first, warnings then errors; empty when there is nothing.
    pub fn render(&self) -> String {
        let mut out = String::new();
        if !self.review.is_empty() {
            let total: usize = self.review.values().sum();
            out.push_str(&format!(
                "{total} for review in each service's REVIEW.md (beside model.yaml), by code:\n"
            ));
            let mut rows: Vec<(&Code, &usize)> = self.review.iter().collect();
            rows.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
            for (code, n) in rows {
                out.push_str(&format!("{n:>6}  {code}  {}\n", code.meaning()));
            }
        }
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
            out.push_str(&format!("{total} {title}, by code:\n"));
            let mut rows: Vec<(&Code, &usize)> = counts.iter().collect();
            rows.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
            for (code, n) in rows {
                out.push_str(&format!("{n:>6}  {code}  {}\n", code.meaning()));
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
            "{kind}[{}]: {} ({}: {})",
            self.code, self.message, self.span, self.label
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
                Severity::Report => codespan::Severity::Note,
                Severity::Warning => codespan::Severity::Warning,
                Severity::Error => codespan::Severity::Error,
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
            let report = codespan::Diagnostic::new(severity)
                .with_code(d.code.as_str())
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

    #[test]
    fn the_summary_counts_by_code_most_frequent_first() {
        let at = Span::default;
        let diags = vec![
            Diagnostic::new(Code::UnknownType, at(), "unknown type `X` of `a`", "here"),
            Diagnostic::new(Code::UnknownType, at(), "reworded: `Y` of `b`", "here"),
            Diagnostic::new(Code::NoTypeColumn, at(), "anything", "here"),
            Diagnostic::new(Code::OperationUnknown, at(), "no name", "here"),
        ];
        let summary = Summary::of(&diags);
        assert_eq!(summary.warning_count(), 3);
        assert_eq!(summary.error_count(), 1);
        assert_eq!(
            summary.render(),
            "3 warnings, by code:\n     2  W0202  a type cell names no known type; the field is read as String\n     1  W0212  a parameter table has no type column; its fields are read as String\n1 error, by code:\n     1  E0215  the page does not say which operation it documents\n"
        );
    }

    #[test]
    fn codes_are_unique_and_their_letter_is_their_severity() {
        let mut seen = std::collections::BTreeSet::new();
        for code in Code::ALL {
            let text = code.as_str();
            assert!(seen.insert(text), "{text} twice");
            assert_eq!(text.len(), 5, "{text}");
            assert!(text[1..].bytes().all(|b| b.is_ascii_digit()), "{text}");
            let letter = match code.severity() {
                Severity::Error => 'E',
                Severity::Warning => 'W',
                Severity::Report => 'R',
            };
            assert!(text.starts_with(letter), "{text}");
            assert!(!code.meaning().is_empty());
        }
        let yaml = serde_json::to_string(&Code::UnknownType).unwrap();
        assert_eq!(yaml, "\"W0202\"");
        assert_eq!(
            serde_json::from_str::<Code>(&yaml).unwrap(),
            Code::UnknownType
        );
    }

    #[test]
    fn the_code_is_printed_with_each_diagnostic() {
        let d = Diagnostic::new(
            Code::UnknownType,
            Span::default(),
            "unknown type",
            "this type",
        );
        assert!(d.to_string().starts_with("warning[W0202]: unknown type"));
        let mut sources = Sources::default();
        sources.add("a.md", "line\n");
        let d = Diagnostic {
            span: Span {
                file: "a.md".into(),
                line: 1,
                column: 1,
            },
            ..d
        };
        assert!(sources
            .render(&[d])
            .starts_with("warning[W0202]: unknown type"));
    }
}
