//! The operation a page documents: its name, from the places of the page that give one.

use super::examples::PageExamples;
use super::is_identifier;
use crate::diag::{Code, Diagnostic};
use crate::model::Span;
use crate::pages::{Page, SectionKind};

/// The operation comes from the page: the `Action` row, the sample request, the OpenAPI Explorer link, a
/// title that is an operation name and the XML example's root element (`<CreateWidgetResponse>`); where
/// none of these names it, the page's first sentence ("Call CreateWidget to …"), with a warning.
/// Users name their files as they like. Where these disagree (`Action=CreatWidget` under
/// `# CreateWidget`), the name most of them give wins, ties going to the earlier in that order, with a
/// warning at each that disagrees.
pub(super) fn operation_name(
    page: &Page,
    action_row: Option<(String, Span)>,
    ex: &PageExamples,
    diags: &mut Vec<Diagnostic>,
) -> Option<(String, Span)> {
    let found = named_by(page, action_row, ex);
    let votes = |name: &str| found.iter().filter(|(n, _, _)| n == name).count();
    // `max_by_key` keeps the last of equals: walk in reverse so that ties go to the earlier source.
    let Some((name, span, from)) = found.iter().rev().max_by_key(|(n, _, _)| votes(n)).cloned()
    else {
        return from_first_sentence(page, diags);
    };
    for (other, s, where_) in &found {
        if *other != name {
            diags.push(
                Diagnostic::new(
                    Code::OperationNameDisagrees,
                    s.clone(),
                    format!("{where_} names operation `{other}`, {from} names `{name}`"),
                    format!("`{other}` here"),
                )
                .also(span.clone(), format!("`{name}` taken from here")),
            );
        }
    }
    Some((name, span))
}

/// Every place of the page that names the operation, in the order of trust, with what the place is.
fn named_by(
    page: &Page,
    action_row: Option<(String, Span)>,
    ex: &PageExamples,
) -> Vec<(String, Span, &'static str)> {
    let mut found: Vec<(String, Span, &'static str)> = Vec::new();
    if let Some((n, s)) = action_row {
        found.push((n, s, "the Action row"));
    }
    if let Some((n, line)) = &ex.action {
        if is_identifier(n) {
            found.push((n.clone(), page.span(*line, 1), "the sample request"));
        }
    }
    for (i, l) in page.lines.iter().enumerate() {
        if let Some(p) = l.find("&api=").or_else(|| l.find("?api=")) {
            let n: String = l[p + 5..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if is_identifier(&n) {
                found.push((
                    n,
                    page.span(i as u32 + 1, p as u32 + 1),
                    "the OpenAPI Explorer link",
                ));
                break;
            }
        }
    }
    if let Some(t) = page.title() {
        let word = t.text.split_whitespace().next().unwrap_or("");
        // `# CreateWidget`, not `# Common parameters`: one word, or a word with a camel hump.
        let api_like = t.text.split_whitespace().count() == 1 || has_hump(word);
        if is_identifier(word)
            && api_like
            && word.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        {
            found.push((word.to_string(), page.span(t.line, 1), "the title"));
        }
    }
    if let Some(n) = ex
        .xml_root
        .as_deref()
        .and_then(|r| r.strip_suffix("Response"))
    {
        if is_identifier(n) {
            found.push((
                n.to_string(),
                page.span(ex.xml_line.unwrap_or(1), 1),
                "the XML example's root element",
            ));
        }
    }
    found
}

/// A lower-case letter followed by an upper-case one (`CreateWidget`, `listGadgets`).
fn has_hump(word: &str) -> bool {
    word.chars()
        .zip(word.chars().skip(1))
        .any(|(a, b)| a.is_ascii_lowercase() && b.is_ascii_uppercase())
}

/// The last resort: the name the page's first sentence gives, with a warning; an error where it gives none.
fn from_first_sentence(page: &Page, diags: &mut Vec<Diagnostic>) -> Option<(String, Span)> {
    let Some((name, line, column)) = first_sentence_name(page) else {
        diags.push(
            Diagnostic::new(Code::OperationUnknown, page.span(1, 1), "cannot tell which operation this page documents", "this page")
                .hint("give the page an `Action` row in its request table, a sample request with `Action=`, or the operation name as its title"),
        );
        return None;
    };
    let span = page.span(line, column);
    diags.push(
        Diagnostic::new(
            Code::OperationFromFirstSentence,
            span.clone(),
            format!("the operation's name `{name}` is taken from the page's first sentence: nothing else on the page names it"),
            format!("`{name}` here"),
        )
        .hint("give the page an `Action` row, a sample request with `Action=`, or the operation name as its title"),
    );
    Some((name, span))
}

/// The operation the first sentence of the page's text says to call: "Call CreateWidget to …", "Call the
/// CreateGadget to …", "You can call the ListGadgets operation …", "调用CreateWidget创建…". Returns the name
/// with its line and column. "Call this operation to …" names nothing.
fn first_sentence_name(page: &Page) -> Option<(String, u32, u32)> {
    let start = page.title().map(|t| t.line as usize).unwrap_or(0);
    let heading_lines: Vec<u32> = page.headings.iter().map(|h| h.line).collect();
    let (index, line) = page.lines.iter().enumerate().skip(start).find(|(i, l)| {
        let t = l.trim();
        !t.is_empty() && !heading_lines.contains(&(*i as u32 + 1)) && !t.starts_with('#')
    })?;
    let t = line.trim();
    if t.starts_with('|') || crate::pages::section_kind(t) != SectionKind::Other {
        return None;
    }
    let end = sentence_end(line);
    let (at, name) = called_name(&line[..end])?;
    let column = line[..at].chars().count() as u32 + 1;
    Some((name, index as u32 + 1, column))
}

/// The byte where the first sentence of a line ends (`. `, `。`, or the line's end).
fn sentence_end(line: &str) -> usize {
    let full_stop = line.find('。').unwrap_or(line.len());
    let period = line
        .match_indices(". ")
        .map(|(i, _)| i)
        .next()
        .unwrap_or(line.len());
    full_stop.min(period)
}

/// Words that follow "call" without being an operation.
const NOT_OPERATIONS: &[&str] = &["API", "APIs", "OpenAPI", "SDK", "SDKs"];

/// The identifier after `call` / `calls` / `invoke` (and an optional `the`), or after `调用`, with its byte
/// offset. Markup around it (`` ` ``, `**`, `[…](…)`) is skipped. The word must look like an operation: a
/// camel hump (`CreateWidget`), or in English a capital followed by `to` / `operation` / `API` (`Call
/// Decrypt to …`); after `调用` any ASCII identifier with a lower-case letter does.
fn called_name(sentence: &str) -> Option<(usize, String)> {
    let lower = sentence.to_ascii_lowercase();
    let mut cues: Vec<(usize, bool)> = Vec::new();
    for cue in ["call ", "calls ", "invoke "] {
        for (i, _) in lower.match_indices(cue) {
            let boundary = lower[..i]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_alphanumeric());
            if boundary {
                cues.push((i + cue.len(), false));
            }
        }
    }
    cues.extend(
        sentence
            .match_indices("调用")
            .map(|(i, m)| (i + m.len(), true)),
    );
    cues.sort();
    cues.into_iter().find_map(|(after, chinese)| {
        let mut at = skip_markup(sentence, after);
        if !chinese {
            for article in ["the ", "The "] {
                if sentence[at..].starts_with(article) {
                    at = skip_markup(sentence, at + article.len());
                }
            }
        }
        let word: String = sentence[at..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !is_identifier(&word) || NOT_OPERATIONS.contains(&word.as_str()) {
            return None;
        }
        let rest = skip_markup(sentence, at + word.len());
        let next: String = sentence[rest..]
            .chars()
            .take_while(|c| c.is_ascii_alphabetic())
            .collect::<String>()
            .to_lowercase();
        let looks_like_operation = if chinese {
            word.chars().any(|c| c.is_ascii_lowercase())
        } else {
            has_hump(&word)
                || (word.chars().next().is_some_and(|c| c.is_ascii_uppercase())
                    && word.chars().skip(1).any(|c| c.is_ascii_lowercase())
                    && matches!(next.as_str(), "to" | "operation" | "api" | "interface"))
        };
        looks_like_operation.then_some((at, word))
    })
}

/// The byte after spaces and inline markup (`` ` ``, `*`, `[`, `]`) from `at`.
fn skip_markup(s: &str, at: usize) -> usize {
    let rest = &s[at..];
    let trimmed =
        rest.trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '`' | '*' | '[' | ']'));
    at + (rest.len() - trimmed.len())
}

#[cfg(test)]
mod tests {
    use super::called_name;

    #[test]
    fn first_sentences_that_name_an_operation() {
        let name = |s: &str| called_name(s).map(|(_, n)| n);
        assert_eq!(
            name("Call CreateWidget to create a widget").as_deref(),
            Some("CreateWidget")
        );
        assert_eq!(
            name("Call the CreateGadget to create a gadget").as_deref(),
            Some("CreateGadget")
        );
        assert_eq!(
            name("You can call the ListGadgets operation to list").as_deref(),
            Some("ListGadgets")
        );
        assert_eq!(
            name("You can call `RenameGadget` to rename").as_deref(),
            Some("RenameGadget")
        );
        assert_eq!(
            name("Call Decrypt to decrypt a blob").as_deref(),
            Some("Decrypt")
        );
        assert_eq!(
            name("调用CreateWidget创建一个部件").as_deref(),
            Some("CreateWidget")
        );
        assert_eq!(
            name("您可以调用 **ListGadgets** 查询").as_deref(),
            Some("ListGadgets")
        );
        assert_eq!(name("Call this operation to create a widget"), None);
        assert_eq!(name("You can call the API to list gadgets"), None);
        assert_eq!(name("Call Alibaba Cloud support"), None);
        assert_eq!(name("调用该接口创建部件"), None);
        assert_eq!(name("Recall CreateWidget"), None);
    }
}
