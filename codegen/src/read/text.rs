//! Cell text: markdown as written on the page → plain text for docs, names, types and enum values.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

/// Plain text of a markdown cell: emphasis and links reduced to their text, `~~123~~` doc links dropped,
/// paragraphs separated by a blank line, list items as `- item` lines.
pub fn markdown_to_text(raw: &str) -> String {
    // Continuation lines of a cell start with a space; markdown would read four as code.
    let src: String = raw.lines().map(str::trim).collect::<Vec<_>>().join("\n");
    let mut out = String::new();
    let mut in_item = false;
    for event in Parser::new(&src) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak => out.push(if in_item { ' ' } else { '\n' }),
            Event::HardBreak => out.push('\n'),
            Event::Start(Tag::Item) => {
                newline(&mut out);
                out.push_str("- ");
                in_item = true;
            }
            Event::End(TagEnd::Item) => in_item = false,
            Event::Start(Tag::Paragraph) if !in_item => paragraph(&mut out),
            Event::Start(Tag::List(_)) => paragraph(&mut out),
            Event::Html(h) | Event::InlineHtml(h) => {
                if h.trim_start().starts_with("<br") {
                    out.push('\n');
                } else {
                    out.push_str(&h);
                }
            }
            _ => {}
        }
    }
    tidy(&out)
}

/// Plain text of a copied-text cell: lines trimmed and `\|` read as `|`, nothing else touched (`****` is
/// a masked value there).
pub fn plain_text(raw: &str) -> String {
    tidy(&raw.replace("\\|", "|"))
}

fn newline(out: &mut String) {
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
}

fn paragraph(out: &mut String) {
    if !out.is_empty() {
        newline(out);
        if !out.ends_with("\n\n") {
            out.push('\n');
        }
    }
}

fn tidy(s: &str) -> String {
    let lines: Vec<&str> = s.lines().map(str::trim_end).collect();
    let mut out = String::new();
    let mut blank = false;
    for l in lines {
        let l = l.trim_start();
        if l.is_empty() {
            blank = !out.is_empty();
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank { "\n\n" } else { "\n" });
        }
        blank = false;
        out.push_str(l);
    }
    out
}

/// A name or type cell: markup and escapes removed (`\*`, `**X**`, `` `X` ``, `└`), spaces dropped.
/// Returns the text and the depth marked with `└` (older pages).
pub fn bare(raw: &str) -> (String, usize) {
    let depth = raw.chars().filter(|&c| c == '└').count();
    let text: String = raw
        .chars()
        .filter(|c| !matches!(c, '└' | '\\' | '`' | '*' | '─' | '├' | '│'))
        .collect();
    (
        text.trim()
            .trim_start_matches(['-', ' '])
            .trim()
            .to_string(),
        depth,
    )
}

/// `N/A`, `-`, `—`: what English pages write in a type or example cell that gives none.
pub fn is_none_given(cell: &str) -> bool {
    matches!(
        cell.trim().to_lowercase().as_str(),
        "n/a" | "-" | "--" | "—" | "–" | "无"
    )
}

/// An example cell: escapes and code marks removed, masks (`****`) kept as written; `N/A` is no example.
pub fn bare_example(raw: &str, markdown: bool) -> String {
    let t = raw.trim();
    if is_none_given(t) {
        return String::new();
    }
    if !markdown {
        return t.replace("\\|", "|");
    }
    let mut out = String::with_capacity(t.len());
    let mut chars = t.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            }
            '`' => {}
            _ => out.push(c),
        }
    }
    out.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_markdown_becomes_plain_text_with_lists() {
        let raw = "合规包评估报告的状态。取值：\n\n -   NONE：未创建。\n-   CREATING：创建中。\n-   COMPLETE：完成。";
        assert_eq!(markdown_to_text(raw), "合规包评估报告的状态。取值：\n\n- NONE：未创建。\n- CREATING：创建中。\n- COMPLETE：完成。");
    }

    #[test]
    fn links_escapes_and_emphasis_are_reduced() {
        let raw = "请参见[ListAggregators](~~255797~~)，值为**X**，`Code`，cp-1\\*\\*\\*\\*";
        assert_eq!(
            markdown_to_text(raw),
            "请参见ListAggregators，值为X，Code，cp-1****"
        );
    }

    #[test]
    fn depth_marks_are_counted() {
        assert_eq!(bare("└└`Name`"), ("Name".to_string(), 2));
        assert_eq!(bare("Tag.N.Key"), ("Tag.N.Key".to_string(), 0));
    }
}
