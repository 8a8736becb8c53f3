//! Valid values written in descriptions (`取值：` then `- VALUE：meaning` lines, `Valid values:` then
//! `VALUE: meaning` lines) → enum values with their meanings.
//!
//! Only a list of two or more token-like values counts: "Valid values: 1 to 100" is a range, not an enum.

use crate::model::{Docs, EnumValue};
use crate::read::Lang;

const MARKERS: &[&str] = &[
    "取值：",
    "取值:",
    "取值如下：",
    "取值如下:",
    "可选值：",
    "可选值:",
    "枚举值：",
    "枚举值:",
    "有效值：",
    "取值范围如下：",
    "valid values:",
    "valid value:",
    "enumeration values:",
    "enumerated values:",
    "allowed values:",
    "possible values:",
];

/// The enum values a description lists, in its order; empty when it lists none.
pub fn valid_values(description: &str, lang: Lang) -> Vec<EnumValue> {
    let lower = description.to_lowercase();
    let Some((at, marker)) = MARKERS
        .iter()
        .filter_map(|m| lower.find(m).map(|i| (i, *m)))
        .min()
    else {
        return Vec::new();
    };
    // `lower` keeps byte offsets for the characters the markers use (ASCII and CJK have no case).
    let rest = description.get(at + marker.len()..).unwrap_or("");
    let mut values: Vec<EnumValue> = Vec::new();
    let mut lines = rest.lines();
    // Text on the marker's own line is a sentence or a single value, not a list.
    let first = lines.next().unwrap_or("").trim();
    if let Some(v) = item(first).filter(|_| first.starts_with("- ")) {
        values.push(v);
    }
    for line in lines {
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        match item(t) {
            Some(v) => values.push(v),
            None => break,
        }
    }
    for v in &mut values {
        if let Some(meaning) = v.docs.zh.take() {
            match lang {
                Lang::Zh => v.docs.zh = Some(meaning),
                Lang::En => v.docs.en = Some(meaning),
            }
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    values.retain(|v| seen.insert(v.value.clone()));
    values
}

/// `- VALUE：meaning`, `VALUE: meaning`, `VALUE（meaning）`, `- VALUE`. The meaning goes into `docs.zh` for now.
fn item(line: &str) -> Option<EnumValue> {
    let bulleted = line.starts_with("- ") || line.starts_with("* ");
    let t = line.trim_start_matches(['-', '*', ' ']).trim();
    let cut = t
        .find(['：', ':', '（', '(', ' ', '，', ','])
        .unwrap_or(t.len());
    let (value, tail) = t.split_at(cut);
    let value = value.trim_matches(['"', '\'', '“', '”']);
    if !is_token(value) || is_label(value) {
        return None;
    }
    let sep = tail.chars().next();
    let meaning = match sep {
        None => None,
        Some('：' | ':') => Some(tail[sep.map_or(0, char::len_utf8)..].trim().to_string()),
        Some('（' | '(') => Some(
            tail.trim_start_matches(['（', '('])
                .trim_end_matches(['）', ')', '。', '.'])
                .trim()
                .to_string(),
        ),
        // `VALUE meaning` only in a bulleted list; in prose it is a sentence.
        Some(_) if bulleted => Some(tail.trim_start_matches([' ', '，', ',']).trim().to_string()),
        Some(_) => return None,
    };
    if !bulleted && sep.is_none() {
        return None;
    }
    Some(EnumValue {
        value: value.to_string(),
        docs: Docs {
            zh: meaning.filter(|m| !m.is_empty()),
            en: None,
        },
    })
}

/// Words that open a remark after a list (`Note: …`, `Default: …`), not a value.
fn is_label(v: &str) -> bool {
    matches!(
        v.to_ascii_lowercase().as_str(),
        "note"
            | "notes"
            | "default"
            | "example"
            | "examples"
            | "warning"
            | "important"
            | "tip"
            | "unit"
            | "description"
    )
}

fn is_token(v: &str) -> bool {
    !v.is_empty()
        && v.len() <= 64
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/' | '+'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(d: &str, lang: Lang) -> Vec<String> {
        valid_values(d, lang).into_iter().map(|v| v.value).collect()
    }

    #[test]
    fn chinese_bullet_list_becomes_enum_with_meanings() {
        let d = "合规包评估报告的状态。取值：\n\n- NONE：未创建。\n- CREATING：创建中。\n- COMPLETE：完成。";
        let v = valid_values(d, Lang::Zh);
        assert_eq!(
            v.iter().map(|v| v.value.as_str()).collect::<Vec<_>>(),
            ["NONE", "CREATING", "COMPLETE"]
        );
        assert_eq!(v[1].docs.zh.as_deref(), Some("创建中。"));
    }

    #[test]
    fn english_lines_become_enum() {
        let d = "The risk level. Valid values:\n1: high risk\n2: medium risk\n3: low risk";
        let v = valid_values(d, Lang::En);
        assert_eq!(
            v.iter().map(|v| v.value.as_str()).collect::<Vec<_>>(),
            ["1", "2", "3"]
        );
        assert_eq!(v[0].docs.en.as_deref(), Some("high risk"));
    }

    #[test]
    fn ranges_and_single_values_are_not_enums() {
        assert!(values("Valid values: 1 to 100.", Lang::En).is_empty());
        assert!(values("要执行的操作，取值：GenerateX。", Lang::Zh).is_empty());
        assert!(values("N的取值范围：1~20\n\n默认值：1", Lang::Zh).is_empty());
    }

    #[test]
    fn a_note_after_the_list_is_not_a_value() {
        let d = "The type. Valid values:\n\n- BGP: BGP.\n- ChinaMobile: China Mobile.\n\nNote: takes effect only with IPv6.";
        assert_eq!(values(d, Lang::En), ["BGP", "ChinaMobile"]);
    }

    #[test]
    fn list_ends_at_first_line_that_is_not_a_value() {
        let d = "取值：\n\n- true：开启。\n- false：关闭。\n\n默认值：false。";
        assert_eq!(values(d, Lang::Zh), ["true", "false"]);
    }
}
