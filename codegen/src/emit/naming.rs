//! Rust names from wire names: one place for case conversion, keywords, odd characters and collisions.
//!
//! Wire names stay what they are (they travel as string literals in serde renames); only the Rust side is
//! rewritten here. Every function is total: whatever the pages say, the result is a valid identifier.
//! - `.`, spaces, quotes and other ASCII punctuation separate words;
//! - a non-ASCII character becomes its code point in hex (`名` → `U540d`), so two different names stay
//!   different without any transliteration table;
//! - a leading digit gets a prefix (`1st` → `n1st` / `N1st`);
//! - keywords become raw identifiers (`type` → `r#type`), except `self`, `Self`, `crate`, `super`, which
//!   cannot be raw and get a trailing `_`;
//! - [`Namer`] resolves collisions in order of first use with `_2`, `_3`… (`2`, `3`… for types).

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span};
use std::collections::BTreeSet;

/// Strict and reserved keywords of every edition up to 2024.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["self", "Self", "crate", "super", "_"];

/// Splits a wire name into ASCII words: punctuation separates, non-ASCII characters become `U<hex>` words.
fn ascii_words(wire: &str) -> String {
    let mut out = String::with_capacity(wire.len());
    for c in wire.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if c.is_ascii() {
            out.push(' ');
        } else {
            out.push_str(&format!(" U{:x} ", c as u32));
        }
    }
    out
}

/// `snake_case` text of a wire name, prefixed when it starts with a digit; never empty. Not keyword-checked.
pub fn snake_text(wire: &str) -> String {
    let s = ascii_words(wire).to_snake_case();
    let s = if s.is_empty() { "value".to_string() } else { s };
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        format!("n{s}")
    } else {
        s
    }
}

/// `PascalCase` text of a wire name, prefixed when it starts with a digit; never empty. Not keyword-checked.
pub fn pascal_text(wire: &str) -> String {
    let s = ascii_words(wire).to_upper_camel_case();
    let s = if s.is_empty() { "Value".to_string() } else { s };
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        format!("N{s}")
    } else {
        s
    }
}

/// An identifier for `text`, which must already be ASCII word characters: keywords become raw identifiers
/// or get a trailing `_` where raw is not allowed.
pub fn ident(text: &str) -> Ident {
    if NOT_RAW.contains(&text) {
        Ident::new(&format!("{text}_"), Span::call_site())
    } else if KEYWORDS.contains(&text) {
        Ident::new_raw(text, Span::call_site())
    } else {
        Ident::new(text, Span::call_site())
    }
}

/// A field, function or module identifier for a wire name.
pub fn snake(wire: &str) -> Ident {
    ident(&snake_text(wire))
}

/// A type or variant identifier for a wire name.
pub fn pascal(wire: &str) -> Ident {
    ident(&pascal_text(wire))
}

/// Hands out unique names within one scope, deterministically: the first use of a name keeps it, later ones
/// get a numeric suffix.
#[derive(Debug, Default, Clone)]
pub struct Namer {
    used: BTreeSet<String>,
}

impl Namer {
    pub fn new() -> Self {
        Self::default()
    }

    /// A namer where `reserved` are already taken.
    pub fn with_reserved<'a>(reserved: impl IntoIterator<Item = &'a str>) -> Self {
        Namer {
            used: reserved.into_iter().map(str::to_string).collect(),
        }
    }

    /// Marks `name` as taken; returns false if it already was.
    pub fn reserve(&mut self, name: &str) -> bool {
        self.used.insert(name.to_string())
    }

    /// `base`, or `base` + separator + the first free number from 2.
    fn unique(&mut self, base: String, sep: &str) -> String {
        let key = |s: &str| ident(s).to_string();
        if !self.used.contains(&key(&base)) && !self.used.contains(&base) {
            self.used.insert(key(&base));
            self.used.insert(base.clone());
            return base;
        }
        let mut n = 2;
        loop {
            let candidate = format!("{base}{sep}{n}");
            if !self.used.contains(&candidate) {
                self.used.insert(candidate.clone());
                return candidate;
            }
            n += 1;
        }
    }

    /// A unique snake_case identifier for a wire name.
    pub fn snake(&mut self, wire: &str) -> Ident {
        let text = self.unique(snake_text(wire), "_");
        ident(&text)
    }

    /// A unique PascalCase identifier for a wire name.
    pub fn pascal(&mut self, wire: &str) -> Ident {
        let text = self.unique(pascal_text(wire), "");
        ident(&text)
    }

    /// Unique text (not yet an identifier) from text already in the wanted case, for names that get a suffix
    /// (`Self` → `SelfRequest`).
    pub fn exact_text(&mut self, text: &str) -> String {
        self.unique(text.to_string(), "")
    }

    /// A unique identifier from text already in the wanted case (e.g. `ConfigRuleTag`).
    pub fn exact(&mut self, text: &str) -> Ident {
        let text = self.unique(text.to_string(), "");
        ident(&text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases() {
        assert_eq!(snake("VSwitchId").to_string(), "v_switch_id");
        assert_eq!(snake("type").to_string(), "r#type");
        assert_eq!(snake("self").to_string(), "self_");
        assert_eq!(pascal("Self").to_string(), "Self_");
        assert_eq!(snake("1st").to_string(), "n1st");
        assert_eq!(snake("a.b").to_string(), "a_b");
        assert_eq!(snake("with space").to_string(), "with_space");
        assert_eq!(
            pascal("Invalid.AggregatorId.Value").to_string(),
            "InvalidAggregatorIdValue"
        );
        assert_eq!(snake("名称").to_string(), "u540d_u79f0");
        assert_eq!(snake("\"]; fn x() {}").to_string(), "fn_x");
        assert_eq!(snake("").to_string(), "value");
    }

    #[test]
    fn collisions() {
        let mut n = Namer::with_reserved(["new"]);
        assert_eq!(n.snake("New").to_string(), "new_2");
        assert_eq!(n.snake("a.b").to_string(), "a_b");
        assert_eq!(n.snake("a-b").to_string(), "a_b_2");
        assert_eq!(n.snake("a b").to_string(), "a_b_3");
        let mut t = Namer::new();
        assert_eq!(t.pascal("Tag").to_string(), "Tag");
        assert_eq!(t.pascal("tag").to_string(), "Tag2");
    }
}
