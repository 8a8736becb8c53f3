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
//! - [`scope`] gives every wire name of one scope (the fields of a struct, the variants of an enum, the error
//!   codes, the modules of a crate) its Rust name, stable whatever else the scope holds (see there);
//! - [`Namer`] resolves collisions of names that are not wire names (nested type names) in order of first use.

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span};
use std::collections::{BTreeMap, BTreeSet};

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

/// The text of an identifier without its `r#`: a file, feature or test name made from it.
pub fn unraw(id: &Ident) -> String {
    let text = id.to_string();
    match text.strip_prefix("r#") {
        Some(bare) => bare.to_string(),
        None => text,
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

/// Which case a scope's names are in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    /// Fields, setters, modules: `key`, `key_lower`.
    Snake,
    /// Types, variants: `Key`, `KeyLower`.
    Pascal,
}

/// The Rust name of one wire name of a scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeName {
    /// The name as text (keywords not yet made raw: see [`ident`]).
    pub text: String,
    /// Other wire names of the scope that would have had the same name (`Key` for `key`), with their names:
    /// the docs of both say which is which.
    pub twins: Vec<(String, String)>,
}

impl ScopeName {
    pub fn ident(&self) -> Ident {
        ident(&self.text)
    }
}

/// Names for the wire names of one scope, in the order given.
///
/// A name depends on its wire name alone wherever it can, never on the order pages are read in: a wire name
/// whose plain name (`snake_text` / `pascal_text`) nothing else in the scope wants gets it. Where several
/// wire names want one plain name (`key`, `Key`, `KEY`), the most conventional spelling keeps it: fewest
/// punctuation marks other than `.`, then PascalCase before camelCase, lower case and upper case, then byte
/// order. The others get a suffix that spells out how they differ (`key_lower`, `KeyUpper`, `a_b_dash`),
/// with a hash of the wire name if that still does not tell them apart. A `reserved` plain name is never given
/// out as it is: its wire names are all suffixed (`new` → `new_value` when there is no other difference).
///
/// So adding a page never gives an existing name to another wire name, except when the page brings a more
/// conventional spelling of a name held by a less conventional one (`Key` added where `key` was alone).
pub fn scope(wires: &[&str], case: Case, reserved: &[&str]) -> Vec<ScopeName> {
    let plain = |w: &str| match case {
        Case::Snake => snake_text(w),
        Case::Pascal => pascal_text(w),
    };
    let bases: Vec<String> = wires.iter().map(|w| plain(w)).collect();
    let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, b) in bases.iter().enumerate() {
        groups.entry(b.as_str()).or_default().push(i);
    }
    // Plain names in use, so that a suffixed name never takes the plain name of another wire name.
    let taken: BTreeSet<String> = bases
        .iter()
        .map(|b| ident(b).to_string())
        .chain(reserved.iter().map(|r| r.to_string()))
        .collect();
    let is_reserved =
        |b: &str| reserved.contains(&b) || reserved.contains(&ident(b).to_string().as_str());
    let mut texts: Vec<String> = bases.clone();
    for (base, members) in &groups {
        let mut distinct: Vec<&str> = members.iter().map(|&i| wires[i]).collect();
        distinct.sort_by_key(|w| spelling_rank(w));
        distinct.dedup();
        if distinct.len() == 1 && !is_reserved(base) {
            continue;
        }
        let plain_holder = (!is_reserved(base)).then(|| distinct[0]);
        let suffixed: Vec<&str> = distinct
            .iter()
            .copied()
            .filter(|w| Some(*w) != plain_holder)
            .collect();
        let described: Vec<String> = suffixed
            .iter()
            .map(|w| join_words(base, &difference_words(w), case))
            .collect();
        for (w, d) in suffixed.iter().zip(&described) {
            let unique = described.iter().filter(|x| *x == d).count() == 1;
            let text = if unique && d != base && !taken.contains(d) {
                d.clone()
            } else {
                join_words(base, &[format!("h{:08x}", fnv1a(w))], case)
            };
            for &i in members.iter().filter(|&&i| wires[i] == *w) {
                texts[i] = text.clone();
            }
        }
    }
    // Suffixed names of two groups can still meet in contrived cases (`a_b` + `lower` and `a_b_lower`): the
    // wire name later in byte order is numbered, so the scope stays valid Rust.
    let mut order: Vec<usize> = (0..wires.len()).collect();
    order.sort_by_key(|&i| (wires[i], i));
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    for i in order {
        let key = ident(&texts[i]).to_string();
        match seen.get(&key) {
            Some(w) if *w != wires[i] => {
                let mut n = 2;
                while seen.contains_key(&format!("{key}{n}"))
                    || taken.contains(&format!("{key}{n}"))
                {
                    n += 1;
                }
                texts[i] = format!("{}{n}", texts[i]);
                seen.insert(ident(&texts[i]).to_string(), wires[i]);
            }
            _ => {
                seen.insert(key, wires[i]);
            }
        }
    }
    (0..wires.len())
        .map(|i| ScopeName {
            text: texts[i].clone(),
            twins: groups[bases[i].as_str()]
                .iter()
                .filter(|&&j| wires[j] != wires[i])
                .map(|&j| (wires[j].to_string(), texts[j].clone()))
                .collect(),
        })
        .collect()
}

/// Orders spellings of one name from the most conventional: fewest marks other than `.`, then PascalCase,
/// camelCase, lower case, upper case, then byte order.
fn spelling_rank(wire: &str) -> (usize, u8, &str) {
    let marks = wire
        .chars()
        .filter(|c| c.is_ascii_punctuation() && *c != '.' || *c == ' ')
        .count();
    (marks, case_style(wire) as u8, wire)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CaseStyle {
    Pascal = 0,
    Camel = 1,
    Lower = 2,
    Upper = 3,
}

fn case_style(wire: &str) -> CaseStyle {
    let letters: Vec<char> = wire.chars().filter(|c| c.is_ascii_alphabetic()).collect();
    let lower = letters.iter().all(|c| c.is_ascii_lowercase());
    let upper = letters.iter().all(|c| c.is_ascii_uppercase());
    match letters.first() {
        None => CaseStyle::Pascal,
        Some(_) if letters.len() > 1 && upper => CaseStyle::Upper,
        Some(_) if lower => CaseStyle::Lower,
        Some(c) if c.is_ascii_lowercase() => CaseStyle::Camel,
        Some(_) => CaseStyle::Pascal,
    }
}

/// Words that say how a spelling stands out: its case, then the marks it uses, in order of first use.
fn difference_words(wire: &str) -> Vec<String> {
    let mut words = Vec::new();
    match case_style(wire) {
        CaseStyle::Pascal => {}
        CaseStyle::Camel => words.push("camel".to_string()),
        CaseStyle::Lower => words.push("lower".to_string()),
        CaseStyle::Upper => words.push("upper".to_string()),
    }
    let mut marks: Vec<char> = Vec::new();
    for c in wire
        .chars()
        .filter(|c| c.is_ascii() && !c.is_ascii_alphanumeric())
    {
        if !marks.contains(&c) {
            marks.push(c);
        }
    }
    for c in marks {
        words.push(
            match c {
                '.' => "dot",
                '-' => "dash",
                '_' => "underscore",
                ' ' => "space",
                ':' => "colon",
                '/' => "slash",
                _ => "",
            }
            .to_string(),
        );
        if words.last().is_some_and(String::is_empty) {
            words.pop();
            words.push(format!("x{:02x}", c as u32));
        }
    }
    if words.is_empty() {
        words.push("value".to_string());
    }
    words
}

fn join_words(base: &str, words: &[String], case: Case) -> String {
    match case {
        Case::Snake => format!("{base}_{}", words.join("_")),
        Case::Pascal => format!("{base}{}", words.join(" ").to_upper_camel_case()),
    }
}

/// 32-bit FNV-1a: a short, stable fingerprint of a wire name (not for security).
pub fn fnv1a(text: &str) -> u32 {
    text.bytes().fold(0x811c_9dc5u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

/// Hands out unique names that are not wire names (nested type names, made of a field name and maybe its
/// parent's), deterministically: the first use of a name keeps it, later ones get a numeric suffix.
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

    fn texts(wires: &[&str], case: Case, reserved: &[&str]) -> Vec<String> {
        scope(wires, case, reserved)
            .into_iter()
            .map(|n| n.text)
            .collect()
    }

    #[test]
    fn case_and_punctuation_twins_get_names_that_say_which() {
        assert_eq!(
            texts(&["key", "Key"], Case::Snake, &[]),
            ["key_lower", "key"]
        );
        assert_eq!(
            texts(&["Key", "key"], Case::Snake, &[]),
            ["key", "key_lower"]
        );
        assert_eq!(
            texts(&["KEY", "key"], Case::Snake, &[]),
            ["key_upper", "key"]
        );
        assert_eq!(
            texts(&["a.b", "a-b", "a b"], Case::Snake, &[]),
            ["a_b", "a_b_lower_dash", "a_b_lower_space"]
        );
        assert_eq!(
            texts(&["New", "Other"], Case::Snake, &["new"]),
            ["new_value", "other"]
        );
        assert_eq!(
            texts(&["Unknown"], Case::Pascal, &["Unknown"]),
            ["UnknownValue"]
        );
        assert_eq!(
            texts(
                &["Invalid.Thing.NotFound", "Invalid-Thing.NotFound"],
                Case::Pascal,
                &[]
            ),
            ["InvalidThingNotFound", "InvalidThingNotFoundDashDot"]
        );
        let twins = &scope(&["key", "Key"], Case::Snake, &[])[0].twins;
        assert_eq!(twins, &[("Key".to_string(), "key".to_string())]);
    }

    #[test]
    fn a_name_does_not_depend_on_the_rest_of_the_scope() {
        let alone = texts(&["Invalid.Thing.NotFound"], Case::Pascal, &[]);
        let with = texts(
            &["Invalid-Thing.NotFound", "Invalid.Thing.NotFound", "Other"],
            Case::Pascal,
            &[],
        );
        assert_eq!(alone[0], with[1]);
        // Two spellings the words cannot tell apart are told apart by their hash, in any order.
        let a = texts(&["x.a", "x..a"], Case::Snake, &[]);
        let b = texts(&["x..a", "x.a"], Case::Snake, &[]);
        assert_eq!((&a[0], &a[1]), (&b[1], &b[0]));
        assert_ne!(a[0], a[1]);
    }

    #[test]
    fn collisions_of_type_names_are_numbered() {
        let mut t = Namer::with_reserved(["Vec"]);
        assert_eq!(t.exact("Tag").to_string(), "Tag");
        assert_eq!(t.exact("Tag").to_string(), "Tag2");
        assert_eq!(t.exact("Vec").to_string(), "Vec2");
    }
}
