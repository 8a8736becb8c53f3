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
    let mut text = rest.trim();
    // Attributes of older pages: `{#doc_api_Cms_X .reference}`, `{ .section}`.
    if text.ends_with('}') {
        if let Some(open) = text.rfind('{') {
            text = text[..open].trim_end();
        }
    }
    Some((level, text.to_string()))
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
            let text = line.trim();
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
}

/// A table starts at a header line followed by a separator line, or, where the page leaves the separator
/// out, at a line of short header words (`Name | Type | Description |`) after a line that is not a row and
/// before one that starts a row.
fn table_start(lines: &[String], i: usize) -> Option<TableStart> {
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
    })
}

/// Offsets of the `|` that separate cells: not escaped with `\`, not inside a code span.
fn pipes(text: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut escaped = false;
    let mut code = false;
    for (i, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '`' => code = !code,
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
    let header_line = &lines[start];
    let lead = header_line.trim_start().starts_with('|');
    let header = cells_of(page, header_line, start as u32 + 1);
    let caption = lines[..start]
        .iter()
        .rev()
        .take(3)
        .map(|l| l.trim())
        .find(|l| !l.is_empty())
        .filter(|l| !l.contains('|'))
        .map(|l| l.trim_start_matches('#').trim().to_string());
    let mut table = Table {
        section,
        header,
        rows: Vec::new(),
        span: page.span(start as u32 + 1, 1),
        caption,
    };
    let mut diags = Vec::new();
    // Separators a complete row has: one per column, plus the opening one in markdown.
    let need = ncols + usize::from(lead);
    let mut buf = String::new();
    let mut buf_start = 0u32;
    let mut i = start + if table_start.separated { 2 } else { 1 };
    let flush = |buf: &mut String, at: u32, table: &mut Table, diags: &mut Vec<Diagnostic>| {
        if buf.trim().is_empty() {
            buf.clear();
            return;
        }
        let row = row_of(page, buf, at, ncols);
        if row.cells.len() < ncols {
            diags.push(
                Diagnostic::new(
                    Code::RowCellCount,
                    row.span.clone(),
                    format!(
                        "table row has {} cells where the header has {ncols}",
                        row.cells.len()
                    ),
                    "this row",
                )
                .also(table.span.clone(), "header of the table")
                .hint("give the row one cell per header column, empty cells as `| |`"),
            );
        }
        table.rows.push(row);
        buf.clear();
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
            // Between rows: a row must begin here, or the table is over.
            let begins = if lead {
                line.trim_start().starts_with('|')
            } else {
                line.contains('|')
            };
            if !begins || is_markdown_heading(line).is_some() || line.trim() == "|" {
                break;
            }
            buf_start = number;
            buf.push_str(line);
        } else {
            let new_row = line.starts_with('|') && line.trim() != "|";
            // In copied text a cell may hold a line such as `Examples:`; it is a heading only where the
            // open row does not go on to close below it.
            let heading_here = is_markdown_heading(line).is_some()
                || (page.layout == Layout::Text
                    && section_kind(line) != SectionKind::Other
                    && !row_closes_below(lines, i));
            if (lead && new_row) || heading_here || is_separator(line) {
                // The open row was never closed: take it if every cell was opened, else it is broken.
                let opened = pipes(&buf).len();
                if opened + 1 >= need || buf.trim_end().ends_with('|') {
                    flush(&mut buf, buf_start, &mut table, &mut diags);
                } else {
                    diags.push(unclosed(page, buf_start, &buf, ncols));
                    buf.clear();
                }
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
            flush(&mut buf, buf_start, &mut table, &mut diags);
        }
        i += 1;
    }
    if !buf.is_empty() {
        // The file ends inside a row: the page was cut short, and what the cell held is lost.
        diags.push(unclosed(page, buf_start, &buf, ncols));
        if pipes(&buf).len() + 1 >= need {
            flush(&mut buf, buf_start, &mut table, &mut diags);
        }
    }
    (table, i, diags)
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

fn unclosed(page: &Page, line: u32, buf: &str, ncols: usize) -> Diagnostic {
    let cells = split_cells(buf).len();
    Diagnostic::new(Code::UnclosedRow,
        page.span(line, 1),
        format!("table row is not closed: {cells} of {ncols} cells, and no `|` after the last, before the table ends"),
        "this row",
    )
    .hint("a row ends with `|` after its last cell; the file may be cut short")
}

fn cells_of(page: &Page, line: &str, number: u32) -> Vec<Cell> {
    row_of(page, line, number, usize::MAX).cells
}

/// Splits the text of a complete row (possibly several lines) into cells with their places. Extra
/// separators (a `|` in a description) are folded back into the last cell.
fn row_of(page: &Page, text: &str, first_line: u32, ncols: usize) -> Row {
    let mut cells: Vec<Cell> = split_cells(text)
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
        let extra: Vec<Cell> = cells.split_off(ncols);
        if let Some(last) = cells.last_mut() {
            for e in extra {
                last.raw.push_str(" | ");
                last.raw.push_str(&e.raw);
            }
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
    fn cell_closed_on_its_own_line() {
        let text = "|名称|类型|示例值|描述|\n|--|--|---|--|\n|Code|String|200|状态码。\n\n |\n|Id|Long|1|编号。\n\n |\n";
        let (page, diags) = scan("p.md", text);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(page.tables[0].rows.len(), 2);
        assert_eq!(page.tables[0].rows[1].cells[0].raw, "Id");
    }

    #[test]
    fn short_row_is_an_error_with_its_place() {
        let text = "|名称|类型|示例值|描述|\n|--|--|---|--|\n|Code|String|\n|Id|Long|1|编号。|\n";
        let (page, diags) = scan("p.md", text);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(diags[0].is_error());
        assert_eq!(diags[0].span.line, 3);
        assert_eq!(page.tables[0].rows.len(), 2);
    }

    #[test]
    fn truncated_row_is_an_error() {
        let text = "|名称|类型|示例值|描述|\n|--|--|---|--|\n|Code|String|20";
        let (_, diags) = scan("p.md", text);
        assert_eq!(diags.len(), 1);
        assert!(
            diags[0].message.contains("not closed"),
            "{}",
            diags[0].message
        );
    }

    #[test]
    fn escaped_pipe_stays_in_cell() {
        let text = "|名称|类型|示例值|描述|\n|--|--|---|--|\n|A|String|a\\|b|x|\n";
        let (page, diags) = scan("p.md", text);
        assert!(diags.is_empty());
        assert_eq!(page.tables[0].rows[0].cells[2].raw, "a\\|b");
    }
}
