//! Stage 1: a page file → headings, tables (rows and cells with their places) and lines.
//!
//! Two layouts come in. Markdown (`# Title`, `## 请求参数`, tables `|a|b|`) and text copied off the website
//! (headings as bare lines, rows `a | b |` whose last cell goes on over the next lines). Both are read by
//! the same line scanner: a table row is complete when it has as many cell separators as the header and
//! ends in `|`. That keeps rows whose cells hold blank lines and lists, which a plain markdown table parser
//! would cut at the first blank line, silently dropping the rows after it.
//!
//! Nothing here knows what a parameter is; `read` gives the tables their meaning.

use crate::diag::{Code, Diagnostic};
use crate::model::Span;

/// How the page was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    Markdown,
    /// Copied off the website: no markup at all.
    Text,
}

/// What a heading announces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SectionKind {
    Request,
    Response,
    Examples,
    Errors,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub kind: SectionKind,
    /// 1 for `#`, 2 for `##`…; bare-line headings of copied text count as 2.
    pub level: usize,
    /// The text without `#` marks and `{#id .class}` attributes.
    pub text: String,
    pub line: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// The cell as written, trimmed (markdown and escapes left in).
    pub raw: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub cells: Vec<Cell>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// The section the table stands in (`Other` before any heading).
    pub section: SectionKind,
    pub header: Vec<Cell>,
    pub rows: Vec<Row>,
    pub span: Span,
    /// The text just above the header (a heading or a line of its own), which may name what the table
    /// documents (`Spec`, `**DBInstanceAccount**`).
    pub caption: Option<String>,
    /// Each cell on a line of its own (`|名称` / blank / `|类型` / … / `|描述 |`).
    pub split: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// Path as given, relative to the repository root where there is one.
    pub file: String,
    pub layout: Layout,
    pub headings: Vec<Heading>,
    pub tables: Vec<Table>,
    /// Every line of the file (without line ends), for examples and free text.
    pub lines: Vec<String>,
}

impl Page {
    /// The first `#` heading (markdown pages only).
    pub fn title(&self) -> Option<&Heading> {
        self.headings.iter().find(|h| h.level == 1)
    }

    /// Lines (1-based number, text) under headings of this kind, up to the next heading of the same or a
    /// higher level.
    pub fn section_lines(&self, kind: SectionKind) -> Vec<(u32, &str)> {
        let mut out: Vec<(u32, &str)> = Vec::new();
        for (i, h) in self.headings.iter().enumerate() {
            if h.kind != kind || out.last().is_some_and(|(n, _)| *n >= h.line) {
                continue;
            }
            let end = self.headings[i + 1..]
                .iter()
                .find(|n| n.level <= h.level && n.kind != kind)
                .map(|n| n.line)
                .unwrap_or(self.lines.len() as u32 + 1);
            for n in h.line + 1..end {
                if let Some(l) = self.lines.get(n as usize - 1) {
                    out.push((n, l.as_str()));
                }
            }
        }
        out
    }

    pub fn span(&self, line: u32, column: u32) -> Span {
        Span {
            file: self.file.clone(),
            line,
            column,
        }
    }
}

/// Reads one page. Errors are rows that cannot be read; the page still comes back with what could be read,
/// so one run reports every problem.
pub fn scan(file: &str, text: &str) -> (Page, Vec<Diagnostic>) {
    let lines: Vec<String> = text
        .lines()
        .map(|l| l.trim_end_matches('\r').to_string())
        .collect();
    let layout = if lines
        .iter()
        .any(|l| is_markdown_heading(l).is_some() || l.trim_start().starts_with("|--"))
    {
        Layout::Markdown
    } else {
        Layout::Text
    };
    let mut page = Page {
        file: file.to_string(),
        layout,
        headings: Vec::new(),
        tables: Vec::new(),
        lines,
    };
    let mut diags = Vec::new();
    let mut section = SectionKind::Other;
    let mut fence = false;
    let mut i = 0;
    while i < page.lines.len() {
        let line = page.lines[i].as_str();
        let number = i as u32 + 1;
        if line.trim_start().starts_with("```") {
            fence = !fence;
            i += 1;
            continue;
        }
        if fence {
            i += 1;
            continue;
        }
        if let Some(h) = heading(line, layout, number) {
            if h.kind != SectionKind::Other || h.level <= 2 {
                section = h.kind;
            }
            page.headings.push(h);
            i += 1;
            continue;
        }
        if let Some(start) = table_start(&page.lines, i) {
            let (table, next, mut found) = read_table(&page, i, start, section);
            diags.append(&mut found);
            page.tables.push(table);
            i = next;
            continue;
        }
        i += 1;
    }
    (page, diags)
}

/// `## 请求参数 {#parameters .section}` → (level, text).
fn is_markdown_heading(line: &str) -> Option<(usize, String)> {
    let level = line.chars().take_while(|&c| c == '#').count();
    if level == 0 || level > 6 {
        return None;
    }
    let rest = &line[level..];
    if !rest.starts_with(' ') && !rest.is_empty() {
        return None;
    }
    Some((level, without_attributes(rest.trim()).to_string()))
}

/// A heading's text without the attributes of older pages (`{#doc_api_Cms_X .reference}`, `{ .section}`),
/// which text copied from such pages keeps too.
fn without_attributes(text: &str) -> &str {
    match text.rfind('{') {
        Some(open) if text.ends_with('}') => text[..open].trim_end(),
        _ => text,
    }
}

fn heading(line: &str, layout: Layout, number: u32) -> Option<Heading> {
    match layout {
        Layout::Markdown => {
            let (level, text) = is_markdown_heading(line)?;
            Some(Heading {
                kind: section_kind(&text),
                level,
                text,
                line: number,
            })
        }
        // Copied text has bare-line headings; only the known words count, anything else is prose.
        Layout::Text => {
            let text = without_attributes(line.trim());
            let kind = section_kind(text);
            (kind != SectionKind::Other || is_known_other_heading(text)).then(|| Heading {
                kind,
                level: 2,
                text: text.to_string(),
                line: number,
            })
        }
    }
}

/// Classifies a heading by its words, Chinese or English.
pub fn section_kind(text: &str) -> SectionKind {
    let t = text.trim().trim_end_matches([':', '：']).to_lowercase();
    const REQUEST: &[&str] = &[
        "请求参数",
        "request parameters",
        "request parameter",
        "请求参数说明",
        "输入参数",
    ];
    const RESPONSE: &[&str] = &[
        "返回数据",
        "返回参数",
        "返回结果",
        "返回值",
        "响应参数",
        "response parameters",
        "response parameter",
        "response elements",
        "response",
        "输出参数",
    ];
    const EXAMPLES: &[&str] = &[
        "示例",
        "examples",
        "example",
        "请求示例",
        "返回示例",
        "正常返回示例",
        "sample requests",
        "sample request",
        "request example",
        "request examples",
        "sample responses",
        "sample response",
        "response examples",
        "response example",
    ];
    const ERRORS: &[&str] = &["错误码", "error codes", "errors", "error code"];
    if REQUEST.contains(&t.as_str()) {
        SectionKind::Request
    } else if RESPONSE.contains(&t.as_str()) {
        SectionKind::Response
    } else if EXAMPLES.contains(&t.as_str()) {
        SectionKind::Examples
    } else if ERRORS.contains(&t.as_str()) {
        SectionKind::Errors
    } else {
        SectionKind::Other
    }
}

fn is_known_other_heading(text: &str) -> bool {
    matches!(
        text.to_lowercase().as_str(),
        "debugging" | "description" | "authorization information"
    )
}

/// `|--|--|` or `---|---|---|`: only dashes, colons, pipes and spaces, with at least one dash and pipe.
fn is_separator(line: &str) -> bool {
    let t = line.trim();
    t.contains('-')
        && t.contains('|')
        && t.chars().all(|c| matches!(c, '-' | ':' | '|' | ' ' | '\t'))
}

/// Where a table starts: its column count, and whether a separator line follows the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct TableStart {
    ncols: usize,
    separated: bool,
    /// The lines the header takes: one, or more in a split table.
    header_lines: usize,
    /// A split table: each cell stands on its own line (`|name` / blank / `|String` / … / `|text |`).
    split: bool,
}

/// A table starts at a header line followed by a separator line, or, where the page leaves the separator
/// out, at a line of short header words (`Name | Type | Description |`) after a line that is not a row and
/// before one that starts a row.
fn table_start(lines: &[String], i: usize) -> Option<TableStart> {
    if let Some(split) = split_header(lines, i) {
        return Some(split);
    }
    let header = lines.get(i)?;
    let next = lines.get(i + 1)?;
    if !header.contains('|') || is_separator(header) {
        return None;
    }
    let cells = split_cells(header);
    if cells.is_empty() {
        return None;
    }
    if is_separator(next) {
        return Some(TableStart {
            ncols: cells.len(),
            separated: true,
            header_lines: 1,
            split: false,
        });
    }
    let lead = header.trim_start().starts_with('|');
    let previous_is_row = i > 0 && lines[i - 1].contains('|');
    let next_is_row = if lead {
        next.trim_start().starts_with('|')
    } else {
        next.contains('|')
    };
    let header_words = cells.len() >= 2
        && header.trim_end().ends_with('|')
        && cells.iter().all(|(_, c)| {
            let c = c.trim();
            !c.is_empty()
                && c.chars().count() <= 24
                && !c
                    .chars()
                    .any(|ch| matches!(ch, '.' | '。' | ',' | '，' | ':' | '：' | '`' | '[' | '{'))
        });
    (header_words && next_is_row && !previous_is_row).then_some(TableStart {
        ncols: cells.len(),
        separated: false,
        header_lines: 1,
        split: false,
    })
}

/// A split table's header: each cell on a line of its own that opens with `|`, blank lines between, the
/// last closed with `|` (`|名称` / `` / `|类型` / … / `|描述 |`), then a separator line with as many columns.
fn split_header(lines: &[String], i: usize) -> Option<TableStart> {
    let first = lines.get(i)?.trim();
    if !first.starts_with('|') || pipes(first).len() != 1 {
        return None;
    }
    for (j, line) in lines.iter().enumerate().skip(i + 1).take(60) {
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        if is_separator(t) {
            let header = lines[i..j].join("\n");
            let ncols = split_cells(&header).len();
            let closed = header.trim_end().ends_with('|');
            let fits = split_cells(t).len() == ncols;
            return (closed && fits && ncols >= 2).then_some(TableStart {
                ncols,
                separated: true,
                header_lines: j - i,
                split: true,
            });
        }
        if !t.starts_with('|') || pipes(t).len() > 2 {
            return None;
        }
    }
    None
}

/// Offsets of the `|` that separate cells: not escaped with `\`, not inside a code span. A run of three or
/// more backticks is a code fence (a cell holding a block of code), not a code span: it hides no `|`;
/// two are an empty code span.
fn pipes(text: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut escaped = false;
    let mut code = false;
    let mut run = 0;
    for (i, c) in text.char_indices() {
        if c != '`' && run > 0 {
            // One backtick opens or closes a code span; two are an empty one.
            if run == 1 {
                code = !code;
            }
            run = 0;
        }
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '`' => run += 1,
            '|' if !code => out.push(i),
            '\n' => code = false,
            _ => {}
        }
    }
    out
}

/// Splits a complete row into raw cells with their byte offsets in `text`; a leading `|` opens the row and
/// a trailing one closes it.
fn split_cells(text: &str) -> Vec<(usize, String)> {
    let cuts = pipes(text);
    let mut bounds = Vec::new();
    let lead = text.trim_start().starts_with('|');
    let mut start = if lead {
        cuts.first().map(|&p| p + 1).unwrap_or(0)
    } else {
        0
    };
    for &p in cuts.iter().skip(usize::from(lead)) {
        bounds.push((start, p));
        start = p + 1;
    }
    if !text[start.min(text.len())..].trim().is_empty() {
        bounds.push((start, text.len()));
    }
    bounds
        .into_iter()
        .map(|(s, e)| (s, text[s..e].trim().to_string()))
        .collect()
}

/// Reads a table whose header is at line index `start`; returns it, the index of the first line after it,
/// and the problems found.
fn read_table(
    page: &Page,
    start: usize,
    table_start: TableStart,
    section: SectionKind,
) -> (Table, usize, Vec<Diagnostic>) {
    let ncols = table_start.ncols;
    let lines = &page.lines;
    let header_text = lines[start..start + table_start.header_lines].join("\n");
    let lead = header_text.trim_start().starts_with('|');
    let header = cells_of(page, &header_text, start as u32 + 1);
    let mut table = Table {
        section,
        header,
        rows: Vec::new(),
        span: page.span(start as u32 + 1, 1),
        caption: caption_above(lines, start),
        split: table_start.split,
    };
    let mut diags = Vec::new();
    // Separators a complete row has: one per column, plus the opening one in markdown.
    let need = ncols + usize::from(lead);
    let mut buf = String::new();
    let mut buf_start = 0u32;
    // How the open row was put together, when it took a guess: said once the row is read.
    let mut joined: Option<Joined> = None;
    let mut i = start + table_start.header_lines + usize::from(table_start.separated);
    // Rows that went on after a blank line or at a line opening with `|`: said once for the table.
    let mut went_on: Vec<u32> = Vec::new();
    let mut flush = |buf: &mut String,
                     at: u32,
                     joined: Option<Joined>,
                     table: &mut Table,
                     diags: &mut Vec<Diagnostic>| {
        let went = push_row(page, buf, at, joined, ncols, table, diags);
        went_on.extend(went);
    };
    while i < lines.len() {
        let line = &lines[i];
        let number = i as u32 + 1;
        if buf.is_empty() {
            // A separator under the row just read makes that row the header of the next table (copied text
            // has no blank line between two tables).
            if is_separator(line) {
                if table.rows.last().is_some_and(|r| r.span.line == number - 1) {
                    table.rows.pop();
                    i -= 1;
                }
                break;
            }
            if !row_begins(line, lead) {
                break;
            }
            buf_start = number;
            buf.push_str(line);
        } else {
            // In copied text a cell may hold a line such as `Examples:`; it is a heading only where the
            // open row does not go on to close below it.
            let heading_here = is_markdown_heading(line).is_some()
                || (page.layout == Layout::Text
                    && section_kind(line) != SectionKind::Other
                    && !row_closes_below(lines, i));
            let step = next_step(&buf, line, need, lead, table_start.split, heading_here);
            if step == Step::GoesOn {
                // In a split table every cell opens a line of its own: nothing to say.
                if !table_start.split {
                    joined.get_or_insert(Joined::going_on(&buf));
                }
                buf.push('\n');
            } else if step == Step::LastCells {
                let kept = buf.trim_end().len() - 1;
                buf.truncate(kept);
                buf.push('\n');
                joined = Some(Joined::LastCellsOnNextLine);
            } else if let Step::Ends { unclosed } = step {
                // The open row ends here: read it with the cells it opened.
                let why = unclosed.then_some(Joined::NotClosed);
                flush(
                    &mut buf,
                    buf_start,
                    why.or(joined.take()),
                    &mut table,
                    &mut diags,
                );
                joined = None;
                if heading_here || is_separator(line) {
                    break;
                }
                buf_start = number;
            } else {
                buf.push('\n');
            }
            buf.push_str(line);
        }
        // Copied text puts the last cell on the lines after the row's first: a first line that already
        // looks complete, followed by a cell's tail (`text |`), held a `|` inside a cell.
        let pipe_in_cell = page.layout == Layout::Text
            && !buf.contains('\n')
            && ncols >= 2
            && lines.get(i + 1).is_some_and(|l| is_cell_tail(l));
        if pipes(&buf).len() >= need && buf.trim_end().ends_with('|') && !pipe_in_cell {
            flush(&mut buf, buf_start, joined.take(), &mut table, &mut diags);
        }
        i += 1;
    }
    if !buf.is_empty() {
        // The file ends inside a row: read what it has.
        let why = (!buf.trim_end().ends_with('|')).then_some(Joined::NotClosed);
        flush(&mut buf, buf_start, why.or(joined), &mut table, &mut diags);
    }
    if let Some(&first) = went_on.first() {
        diags.push(rows_went_on(page, first, went_on.len(), &table.span));
    }
    (table, i, diags)
}

/// The one warning for the rows of a table that went on after a blank line.
fn rows_went_on(page: &Page, first: u32, rows: usize, header: &Span) -> Diagnostic {
    Diagnostic::new(
        Code::RowsGoOn,
        page.span(first, 1),
        if rows == 1 {
            "table row goes on after a blank line; read as one row".to_string()
        } else {
            format!("{rows} rows of this table go on after a blank line; each read as one row")
        },
        "this row",
    )
    .also(header.clone(), "header of the table")
    .hint(
        "each row's remaining cells open with `|` on the lines that follow it; nothing is guessed",
    )
}

/// The text just above a table's header (within three lines), where it is no row: a heading or a line of
/// its own that may name what the table documents.
fn caption_above(lines: &[String], start: usize) -> Option<String> {
    lines[..start]
        .iter()
        .rev()
        .take(3)
        .map(|l| l.trim())
        .find(|l| !l.is_empty())
        .filter(|l| !l.contains('|'))
        .map(|l| l.trim_start_matches('#').trim().to_string())
}

/// Ends the row held in `buf` (begun on line `at`): a row of the table, read with the cells it has (the
/// missing ones empty), with a warning where it was put together by a guess or is short; nothing where it
/// is blank. Returns `at` where the row went on after a blank line or a line break (said once per table).
fn push_row(
    page: &Page,
    buf: &mut String,
    at: u32,
    joined: Option<Joined>,
    ncols: usize,
    table: &mut Table,
    diags: &mut Vec<Diagnostic>,
) -> Option<u32> {
    if buf.trim().is_empty() {
        buf.clear();
        return None;
    }
    let mut went_on = None;
    let mut row = row_of(page, buf, at, ncols);
    let have = row.cells.len();
    if matches!(
        joined,
        Some(Joined::AfterBlankLine | Joined::AfterLineBreak)
    ) && have == ncols
    {
        went_on = Some(at);
    } else if let Some(how) = joined {
        diags.push(how.warning(page, at, have.min(ncols), ncols, &table.span));
    } else if have < ncols {
        diags.push(
            Diagnostic::new(
                Code::RowCellCount,
                row.span.clone(),
                format!(
                    "table row has {have} cells where the header has {ncols}; the last {} read as empty",
                    ncols - have
                ),
                "this row",
            )
            .also(table.span.clone(), "header of the table")
            .hint("check that each cell is under its column: a cell left out in the middle shifts the ones after it"),
        );
    }
    // A short row is read with the cells it has, the missing ones empty.
    let end = row.span.clone();
    while row.cells.len() < ncols {
        row.cells.push(Cell {
            raw: String::new(),
            span: end.clone(),
        });
    }
    table.rows.push(row);
    buf.clear();
    went_on
}

/// Between rows: whether a row begins at `line` (else the table is over).
fn row_begins(line: &str, lead: bool) -> bool {
    let begins = if lead {
        line.trim_start().starts_with('|')
    } else {
        line.contains('|')
    };
    begins && is_markdown_heading(line).is_none() && line.trim() != "|"
}

/// What a line does to the row open above it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    /// The row lacks cells and this line holds no more than the missing ones: the row goes on here
    /// (Alibaba's pages break a row at a blank line inside a cell; a split table opens every cell so).
    GoesOn,
    /// A complete-looking row short of cells, and this line holds exactly the missing cells: they are its
    /// last cells.
    LastCells,
    /// The row ends before this line (a new row, a heading, a separator); `unclosed` where it lacks cells
    /// and its closing `|`.
    Ends { unclosed: bool },
    /// The line is more of the open cell's text.
    Continues,
}

/// Decides what `line` does to the row open in `buf` (`need` separators make a complete row).
fn next_step(buf: &str, line: &str, need: usize, lead: bool, split: bool, heading: bool) -> Step {
    let new_row = lead && line.starts_with('|') && line.trim() != "|";
    let opened = pipes(buf).len();
    // A split table's empty cell is a `|` on a line of its own: the row is closed only once every cell
    // is opened.
    let closed = buf.trim_end().ends_with('|') && (!split || opened + 1 >= need);
    let more = pipes(line).len();
    if new_row && !heading && !closed && opened + 1 < need && opened + more <= need {
        Step::GoesOn
    } else if new_row
        && !heading
        && closed
        && opened < need
        && more == need - opened + 1
        && line.trim_end().ends_with('|')
        && !buf.contains('\n')
    {
        Step::LastCells
    } else if new_row || heading || is_separator(line) {
        Step::Ends {
            unclosed: opened + 1 < need && !closed,
        }
    } else {
        Step::Continues
    }
}

/// How a row that did not come as one line with every cell was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Joined {
    /// `|Name|First part.` , a blank line, `|rest|`: one row.
    AfterBlankLine,
    /// `|Name|First part.` then `|rest|`: one row.
    AfterLineBreak,
    /// `|Name|Type|` then `|Description|`: the last cells on the next line.
    LastCellsOnNextLine,
    /// A row that ends (a new row, a heading, the end of the file) before its last `|`.
    NotClosed,
}

impl Joined {
    /// How the row open in `buf` goes on at a line that opens with `|`: after a blank line or not.
    fn going_on(buf: &str) -> Joined {
        if buf.ends_with('\n') || buf.lines().last().is_some_and(|l| l.trim().is_empty()) {
            Joined::AfterBlankLine
        } else {
            Joined::AfterLineBreak
        }
    }

    fn warning(
        self,
        page: &Page,
        line: u32,
        cells: usize,
        ncols: usize,
        header: &Span,
    ) -> Diagnostic {
        let at = page.span(line, 1);
        let d = match self {
            Joined::AfterBlankLine => Diagnostic::new(
                Code::RowsGoOn,
                at,
                "table row goes on after a blank line; read as one row",
                "this row",
            )
            .hint("the line after the blank one holds the row's remaining cells"),
            Joined::AfterLineBreak => Diagnostic::new(
                Code::RowsGoOn,
                at,
                "table row goes on at a line that starts with `|`; read as one row",
                "this row",
            )
            .hint("the next line holds no more than the row's remaining cells"),
            Joined::LastCellsOnNextLine => Diagnostic::new(
                Code::LastCellOnNextLine,
                at,
                format!("table row is one cell short and the next line holds its last cell; read as one row of {ncols} cells"),
                "this row",
            )
            .hint("check the row: if the next line was meant as a row of its own, give each row one cell per column"),
            Joined::NotClosed => Diagnostic::new(
                Code::UnclosedRow,
                at,
                if cells < ncols {
                    format!("table row is not closed: {cells} of {ncols} cells before the next row or the end of the table; read with the rest empty")
                } else {
                    "table row is not closed: no `|` after its last cell before the next row or the end of the table; read as it is".to_string()
                },
                "this row",
            )
            .hint("a row ends with `|` after its last cell; this one ends where a new row, a heading or the table's end begins"),
        };
        d.also(header.clone(), "header of the table")
    }
}

/// `the last words of a cell. |`: one `|`, at the end, on a line that is no heading.
fn is_cell_tail(line: &str) -> bool {
    let t = line.trim_end();
    pipes(t).len() == 1
        && t.ends_with('|')
        && t.trim() != "|"
        && section_kind(t) == SectionKind::Other
}

/// Whether a row open at line index `i` closes further down (a cell's tail comes before any new row,
/// table or heading).
fn row_closes_below(lines: &[String], i: usize) -> bool {
    for l in lines.iter().skip(i + 1).take(40) {
        if is_cell_tail(l) {
            return true;
        }
        if l.contains('|') || section_kind(l) != SectionKind::Other {
            return false;
        }
    }
    false
}

fn cells_of(page: &Page, line: &str, number: u32) -> Vec<Cell> {
    row_of(page, line, number, usize::MAX).cells
}

/// Splits the text of a complete row (possibly several lines) into cells with their places. Extra
/// separators (a `|` in a description) are folded back into the last cell.
fn row_of(page: &Page, text: &str, first_line: u32, ncols: usize) -> Row {
    let split = split_cells(text);
    let offsets: Vec<usize> = split.iter().map(|(offset, _)| *offset).collect();
    let mut cells: Vec<Cell> = split
        .into_iter()
        .map(|(offset, raw)| {
            // Point at the cell's first visible character, which may be on a later line.
            let ws: usize = text[offset..]
                .chars()
                .take_while(|c| c.is_whitespace())
                .map(char::len_utf8)
                .sum();
            let at = if raw.is_empty() { offset } else { offset + ws };
            let before = &text[..at];
            let line = first_line + before.matches('\n').count() as u32;
            let line_start = before.rfind('\n').map(|p| p + 1).unwrap_or(0);
            let column = text[line_start..at].chars().count() as u32 + 1;
            Cell {
                raw,
                span: page.span(line, column),
            }
        })
        .collect();
    // Copied text: the first line holds every cell but the last; a `|` inside one of them made one
    // cell too many there, and it belongs to the cell before the last.
    let first_line_cells = split_cells(text.lines().next().unwrap_or("")).len();
    if page.layout == Layout::Text
        && ncols >= 2
        && text.contains('\n')
        && cells.len() > ncols
        && first_line_cells >= ncols
    {
        let surplus = cells.len() - ncols;
        let at = ncols - 2;
        let merged: Vec<Cell> = cells.drain(at + 1..=at + surplus).collect();
        for m in merged {
            cells[at].raw.push('|');
            cells[at].raw.push_str(&m.raw);
        }
    }
    if cells.len() > ncols && ncols > 0 {
        // The last cell is the text from its start to the row's closing `|`, as written: a `|` inside a
        // description (`&: all. |: any.`, or a line that starts with it) keeps its place and the line breaks.
        let start = offsets[ncols - 1];
        let t = text.trim_end();
        let end = match t.strip_suffix('|') {
            Some(open) if !open.ends_with('\\') => open.len(),
            _ => t.len(),
        };
        cells.truncate(ncols);
        if let (Some(last), Some(raw)) = (cells.last_mut(), text.get(start..end.max(start))) {
            last.raw = raw.trim().to_string();
        }
    }
    Row {
        cells,
        span: page.span(first_line, 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multi_line_cell_keeps_following_rows() {
        let text = "## 请求参数\n\n|名称|类型|是否必选|示例值|描述|\n|--|--|----|---|--|\n|A|String|是|x|第一行。\n\n -   X：一。\n-   Y：二。 |\n|B|String|否|y|描述。 |\n\n后文。\n";
        let (page, diags) = scan("p.md", text);
        assert!(diags.is_empty(), "{diags:?}");
        let t = &page.tables[0];
        assert_eq!(t.section, SectionKind::Request);
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[1].cells[0].raw, "B");
        assert_eq!(
            t.rows[0].cells[4].raw,
            "第一行。\n\n -   X：一。\n-   Y：二。"
        );
        assert_eq!(t.rows[1].cells[1].span.line, 9);
        assert_eq!(t.rows[1].cells[1].span.column, 4);
    }

    #[test]
    fn copied_text_rows_continue_on_next_line() {
        let text = "Request parameters\nParameter | Type | Required | Example | Description |\n---|---|---|---|---|\nAction | String | Yes | Op |\nThe operation. |\nName | String | No | n |\nFirst line.\nSecond line. |\nFor information about common request parameters, see Common parameters.\n";
        let (page, diags) = scan("p.txt", text);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(page.layout, Layout::Text);
        assert_eq!(page.headings[0].kind, SectionKind::Request);
        let t = &page.tables[0];
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[1].cells[4].raw, "First line.\nSecond line.");
        assert_eq!(t.rows[1].cells[4].span.line, 7);
    }

    #[test]
    fn heading_attributes_are_dropped() {
        let (page, _) = scan(
            "p.md",
            "# Op {#doc_api_X .reference}\n\n## 请求参数 {#parameters .section}\n",
        );
        assert_eq!(page.title().map(|h| h.text.as_str()), Some("Op"));
        assert_eq!(page.headings[1].kind, SectionKind::Request);
    }

    #[test]
    fn split_table_cells_each_on_their_own_line() {
        let text = "请在RequestBody里另外提供下列参数。\n\n|名称\n\n|类型\n\n|是否必选\n\n|描述 |\n|--|--|--|--|\n|model\n\n|String\n\n|否\n\n|型号。 |\n|power\n\n|Object\n\n|否\n\n| |\n|└mode\n\n|String\n\n|是\n\n|模式：\n\n- eco\n- max |\n\n后文。\n";
        let (page, diags) = scan("p.md", text);
        assert!(diags.is_empty(), "{diags:?}");
        let t = &page.tables[0];
        let header: Vec<&str> = t.header.iter().map(|c| c.raw.as_str()).collect();
        assert_eq!(header, ["名称", "类型", "是否必选", "描述"]);
        let rows: Vec<Vec<&str>> = t
            .rows
            .iter()
            .map(|r| r.cells.iter().map(|c| c.raw.as_str()).collect())
            .collect();
        assert_eq!(
            rows,
            [
                vec!["model", "String", "否", "型号。"],
                vec!["power", "Object", "否", ""],
                vec!["└mode", "String", "是", "模式：\n\n- eco\n- max"],
            ]
        );
        // Each cell keeps its own line: `String` of the last row.
        assert_eq!(t.rows[2].cells[1].span.line, 27);
    }

    #[test]
    fn cell_closed_on_its_own_line() {
        let text = "|名称|类型|示例值|描述|\n|--|--|---|--|\n|Code|String|200|状态码。\n\n |\n|Id|Long|1|编号。\n\n |\n";
        let (page, diags) = scan("p.md", text);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(page.tables[0].rows.len(), 2);
        assert_eq!(page.tables[0].rows[1].cells[0].raw, "Id");
    }

    #[test]
    fn short_row_is_read_with_empty_cells_and_a_warning_at_its_place() {
        let text = "|名称|类型|示例值|描述|\n|--|--|---|--|\n|Code|String|\n\n|Id|Long|1|编号。|\n";
        let (page, diags) = scan("p.md", text);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(!diags[0].is_error());
        assert_eq!(diags[0].span.line, 3);
        assert!(
            diags[0].message.contains("2 cells where the header has 4"),
            "{}",
            diags[0].message
        );
        let rows = &page.tables[0].rows;
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].cells.len(), 4);
        assert_eq!(rows[0].cells[1].raw, "String");
        assert_eq!(rows[0].cells[3].raw, "");
        assert_eq!(rows[1].cells[0].raw, "Id");
    }

    #[test]
    fn truncated_row_is_read_with_a_warning_that_does_not_blame_the_file() {
        let text = "|名称|类型|示例值|描述|\n|--|--|---|--|\n|Code|String|20";
        let (page, diags) = scan("p.md", text);
        assert_eq!(diags.len(), 1);
        assert!(!diags[0].is_error());
        assert!(
            diags[0].message.contains("not closed"),
            "{}",
            diags[0].message
        );
        assert!(!diags[0].hint.as_deref().unwrap_or("").contains("cut short"));
        assert_eq!(page.tables[0].rows[0].cells[2].raw, "20");
    }

    #[test]
    fn row_split_by_a_blank_line_goes_on_after_it() {
        let text = "|参数|说明|示例|\n|--|--|--|\n|InstanceType|规格族：-   g7t\n-   c7t\n\n|ecs.c7t.large|\n|ImageId|镜像ID。|m-1|\n";
        let (page, diags) = scan("p.md", text);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(!diags[0].is_error());
        assert!(
            diags[0].message.contains("after a blank line"),
            "{}",
            diags[0].message
        );
        assert_eq!(diags[0].span.line, 3);
        let rows = &page.tables[0].rows;
        assert_eq!(rows.len(), 2, "{rows:?}");
        assert_eq!(rows[0].cells[0].raw, "InstanceType");
        assert_eq!(rows[0].cells[1].raw, "规格族：-   g7t\n-   c7t");
        assert_eq!(rows[0].cells[2].raw, "ecs.c7t.large");
        assert_eq!(rows[0].cells[2].span.line, 6);
        assert_eq!(rows[1].cells[2].raw, "m-1");
    }

    #[test]
    fn row_split_by_a_blank_line_before_a_fenced_cell() {
        let text = "|参数|说明|示例|\n|--|--|--|\n|UserData|脚本。\n\n|```\nIyEvYmlu\n``` |\n|Mode|模式。\n\n|vTPM|\n\n后文。\n";
        let (page, diags) = scan("p.md", text);
        assert_eq!(diags.len(), 1, "one warning for the table: {diags:?}");
        assert!(diags.iter().all(|d| !d.is_error()));
        let rows = &page.tables[0].rows;
        assert_eq!(rows.len(), 2, "{rows:?}");
        assert_eq!(rows[0].cells[2].raw, "```\nIyEvYmlu\n```");
        assert_eq!(rows[1].cells[0].raw, "Mode");
        assert_eq!(rows[1].cells[2].raw, "vTPM");
    }

    #[test]
    fn row_one_cell_short_takes_its_last_cell_from_the_next_line() {
        let text = "|名称|类型|描述|\n|--|--|--|\n|Code|String|\n|状态码。|\n|Id|Long|编号。|\n";
        let (page, diags) = scan("p.md", text);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(!diags[0].is_error());
        assert!(
            diags[0].message.contains("one cell short"),
            "{}",
            diags[0].message
        );
        let rows = &page.tables[0].rows;
        assert_eq!(rows.len(), 2, "{rows:?}");
        assert_eq!(rows[0].cells[2].raw, "状态码。");
        assert_eq!(rows[0].cells[2].span.line, 4);
        assert_eq!(rows[1].cells[0].raw, "Id");
    }

    #[test]
    fn escaped_pipe_stays_in_cell() {
        let text = "|名称|类型|示例值|描述|\n|--|--|---|--|\n|A|String|a\\|b|x|\n";
        let (page, diags) = scan("p.md", text);
        assert!(diags.is_empty());
        assert_eq!(page.tables[0].rows[0].cells[2].raw, "a\\|b");
    }
}
