//! Lenient decoding of responses: the wire does not always match the docs.
//!
//! Generated response types implement [`Decode`] by hand-shaped code, one straight-line call per field (no
//! serde derives, which cost most of a generated crate's build time):
//!
//! ```
//! use aliyun_runtime::de::{At, Decode, Error, Fields, Value};
//!
//! #[derive(Debug, Default, PartialEq)]
//! struct Answer { request_id: Option<String>, ids: Vec<i64> }
//!
//! impl Decode for Answer {
//!     fn decode(v: Value, at: At<'_>) -> Result<Self, Error> {
//!         let mut f = Fields::new(v, at)?;
//!         Ok(Self { request_id: f.opt("RequestId")?, ids: f.list("Ids")? })
//!     }
//! }
//!
//! let a: Answer = aliyun_runtime::de::from_slice(br#"{"RequestId": "R", "Ids": ["7", 8.0e0]}"#).unwrap();
//! assert_eq!(a, Answer { request_id: Some("R".into()), ids: vec![7, 8] });
//! let e = aliyun_runtime::de::from_slice::<Answer>(br#"{"Ids": [1, "x"]}"#).unwrap_err();
//! assert_eq!(e.to_string(), r#"at `Ids[1]`: expected an integer, found "x""#);
//! ```
//!
//! The rules, each seen on the wire or in the pages' own examples:
//! - numbers may arrive as strings (`"12"`), booleans as strings (`"true"`), strings as numbers;
//! - an integral number in float notation (`1.0e15`, `3.0`) is that integer in an integer field;
//! - a JSON object or array where the docs say String is kept as its JSON text;
//! - an empty string or `null` stands for an absent value, object or list (an empty string is kept in a
//!   String field, and as an item of a list of strings);
//! - `null` items of a list are left out (and `""` items, but in lists of strings);
//! - a single item where the docs say list is a list of one (services that convert XML to JSON drop the
//!   array of a one-item list);
//! - a list where an object, enum or map belongs is an error that says so.
//!
//! A string that is not a number in a numeric field is an error: decoding never invents a value. Every error
//! names the path of the value that failed (`Items.Item[2].Count`).
//!
//! Hand-written types that already implement `serde::Deserialize` get [`Decode`] from
//! [`decode_with_serde!`](crate::decode_with_serde) (without the lenient rules inside them).

use serde_json::Map;
pub use serde_json::Value;
use std::fmt;

/// Where a value is in the answer, for error messages: built on the stack, only formatted on error.
#[derive(Clone, Copy)]
pub struct At<'a> {
    parent: Option<&'a At<'a>>,
    segment: Segment<'a>,
}

#[derive(Clone, Copy)]
enum Segment<'a> {
    Root,
    Field(&'a str),
    Index(usize),
}

impl<'a> At<'a> {
    /// The answer itself.
    pub fn root() -> At<'static> {
        At {
            parent: None,
            segment: Segment::Root,
        }
    }

    /// The field `name` of the object here.
    pub fn field(&'a self, name: &'a str) -> At<'a> {
        At {
            parent: Some(self),
            segment: Segment::Field(name),
        }
    }

    /// The item `i` (counted from 0) of the list here.
    pub fn index(&'a self, i: usize) -> At<'a> {
        At {
            parent: Some(self),
            segment: Segment::Index(i),
        }
    }

    /// An error about the value here.
    pub fn error(&self, message: impl Into<String>) -> Error {
        Error {
            path: self.to_string(),
            message: message.into(),
        }
    }
}

impl fmt::Display for At<'_> {
    /// `Items.Item[2].Count`; empty at the root.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(parent) = self.parent {
            parent.fmt(f)?;
        }
        match self.segment {
            Segment::Root => Ok(()),
            Segment::Field(name) if matches!(self.parent, Some(p) if !p.is_root()) => {
                write!(f, ".{name}")
            }
            Segment::Field(name) => f.write_str(name),
            Segment::Index(i) => write!(f, "[{i}]"),
        }
    }
}

impl fmt::Debug for At<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "At({:?})", self.to_string())
    }
}

impl At<'_> {
    fn is_root(&self) -> bool {
        self.parent.is_none() && matches!(self.segment, Segment::Root)
    }
}

/// A decode error: the path (`Items.Item[2].Count`, empty at the root) and what was wrong (`expected an
/// integer, found "x"`).
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    /// Where the value that failed is: `Items.Item[2].Count`; empty for the answer itself.
    pub path: String,
    /// What was wrong with it.
    pub message: String,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "at `{}`: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for Error {}

/// A type a response value decodes into, by the lenient rules of this module.
pub trait Decode: Sized {
    /// Whether `""` is a value of this type (only `String`): elsewhere an empty string stands for an absent value.
    const EMPTY_STRING_IS_VALUE: bool = false;
    /// Decodes a present value (never `null`; `""` only when EMPTY_STRING_IS_VALUE).
    fn decode(v: Value, at: At<'_>) -> Result<Self, Error>;
}

/// Whether `v` stands for an absent value of `T`.
fn absent<T: Decode>(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.is_empty() && !T::EMPTY_STRING_IS_VALUE,
        _ => false,
    }
}

/// `expected {what}, found {v}` at `at`.
fn expected(what: &str, v: &Value, at: At<'_>) -> Error {
    at.error(format!("expected {what}, found {v}"))
}

/// The fields of one JSON object being decoded into a struct.
pub struct Fields<'a> {
    map: Map<String, Value>,
    at: At<'a>,
}

impl<'a> Fields<'a> {
    /// `v` must be an object: a list is "expected an object, found a list of N items", anything else "expected
    /// an object, found `<json>`".
    pub fn new(v: Value, at: At<'a>) -> Result<Self, Error> {
        Ok(Fields {
            map: Map::decode(v, at)?,
            at,
        })
    }

    /// An optional field: missing or null is None, "" is None unless T::EMPTY_STRING_IS_VALUE.
    pub fn opt<T: Decode>(&mut self, name: &str) -> Result<Option<T>, Error> {
        match self.map.remove(name) {
            Some(v) if !absent::<T>(&v) => T::decode(v, self.at.field(name)).map(Some),
            _ => Ok(None),
        }
    }

    /// A list field: missing, null or "" is empty; an array decodes item by item (null items left out, ""
    /// items left out unless T::EMPTY_STRING_IS_VALUE); a single value is a list of one.
    pub fn list<T: Decode>(&mut self, name: &str) -> Result<Vec<T>, Error> {
        match self.map.remove(name) {
            Some(v) => list(v, self.at.field(name)),
            None => Ok(Vec::new()),
        }
    }
}

/// Keys no field took: the example check ([`crate::examples`]) hears of them; decoding itself ignores them.
impl Drop for Fields<'_> {
    fn drop(&mut self) {
        if !self.map.is_empty() {
            crate::examples::unknown_keys(&self.at, self.map.keys());
        }
    }
}

/// The list rules: null or "" is empty, an array decodes item by item (absent items left out), a single value
/// is a list of one.
///
/// A plain loop over `Value`s: only the `decode` call and the push depend on `T`, so each item type a crate
/// has costs little code (iterator adaptors would be instantiated per type).
fn list<T: Decode>(v: Value, at: At<'_>) -> Result<Vec<T>, Error> {
    let items = match v {
        Value::Null => return Ok(Vec::new()),
        Value::String(s) if s.is_empty() => return Ok(Vec::new()),
        Value::Array(items) => items,
        one => return T::decode(one, at).map(|one| vec![one]),
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, v) in items.into_iter().enumerate() {
        if !absent::<T>(&v) {
            out.push(T::decode(v, at.index(i))?);
        }
    }
    Ok(out)
}

/// The whole body: JSON syntax errors and decode errors both become Error.
///
/// The answer itself is decoded as it is, `null` included (a struct says "expected an object, found null").
pub fn from_slice<T: Decode>(body: &[u8]) -> Result<T, Error> {
    let body = shallow(body);
    let v: Value = serde_json::from_slice(&body).map_err(|e| At::root().error(e.to_string()))?;
    T::decode(v, At::root())
}

/// Deepest nesting of arrays and objects kept when decoding: far deeper than any documented answer (the
/// generator refuses models past 32), far below what parsing into a [`Value`] can take (128).
pub const MAX_DEPTH: usize = 64;

/// The body with every value nested deeper than [`MAX_DEPTH`] replaced by `null`, found by one loop over the
/// bytes (no recursion, whatever the depth). Such values can only sit in fields no response type has, which
/// decoding skips anyway; without this, one of them would fail the whole answer. The body itself when nothing
/// is that deep (no copy).
pub fn shallow(body: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    let Some(first) = first_too_deep(body) else {
        return std::borrow::Cow::Borrowed(body);
    };
    let mut out = Vec::with_capacity(body.len());
    out.extend_from_slice(&body[..first]);
    let mut scan = Scan {
        depth: MAX_DEPTH,
        ..Scan::default()
    };
    let mut skipping_to = Some(MAX_DEPTH);
    out.extend_from_slice(b"null");
    for &b in &body[first..] {
        let before = scan.depth;
        scan.step(b);
        match skipping_to {
            Some(level) => {
                if scan.depth == level && before > level {
                    skipping_to = None;
                }
            }
            None if scan.depth > MAX_DEPTH => {
                skipping_to = Some(MAX_DEPTH);
                out.extend_from_slice(b"null");
            }
            None => out.push(b),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Where the first value nested deeper than [`MAX_DEPTH`] starts, if any.
fn first_too_deep(body: &[u8]) -> Option<usize> {
    // Most answers open fewer brackets in all than the limit: one count (which vectorizes) says so.
    let opened = body.iter().filter(|&&b| b == b'{' || b == b'[').count();
    if opened <= MAX_DEPTH {
        return None;
    }
    let mut scan = Scan::default();
    for (i, &b) in body.iter().enumerate() {
        scan.step(b);
        if scan.depth > MAX_DEPTH {
            return Some(i);
        }
    }
    None
}

/// The nesting depth of JSON text read one byte at a time (brackets inside strings do not count).
#[derive(Default)]
struct Scan {
    depth: usize,
    in_string: bool,
    escaped: bool,
}

impl Scan {
    fn step(&mut self, b: u8) {
        if self.in_string {
            match (self.escaped, b) {
                (true, _) => self.escaped = false,
                (false, b'\\') => self.escaped = true,
                (false, b'"') => self.in_string = false,
                _ => {}
            }
            return;
        }
        match b {
            b'"' => self.in_string = true,
            b'{' | b'[' => self.depth += 1,
            b'}' | b']' => self.depth = self.depth.saturating_sub(1),
            _ => {}
        }
    }
}

/// `String` fields: a string (`""` kept), a number or boolean written out (`12` → `"12"`), or an object or
/// array as its JSON text (`{"a":1}` → `"{\"a\":1}"`): the docs call many structured values String.
impl Decode for String {
    const EMPTY_STRING_IS_VALUE: bool = true;
    fn decode(v: Value, at: At<'_>) -> Result<Self, Error> {
        Ok(match v {
            Value::String(s) => s,
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Null => return Err(expected("a string", &v, at)),
            structured @ (Value::Object(_) | Value::Array(_)) => structured.to_string(),
        })
    }
}

/// An integer: a number (integral float notation included) or a numeric string.
fn int<T: TryFrom<i64> + std::str::FromStr>(v: Value, at: At<'_>) -> Result<T, Error> {
    let n = match &v {
        Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().and_then(integral))
            .and_then(|n| T::try_from(n).ok()),
        Value::String(s) => {
            let s = s.trim();
            s.parse::<T>().ok().or_else(|| {
                let n = s.parse::<f64>().ok().and_then(integral)?;
                T::try_from(n).ok()
            })
        }
        _ => None,
    };
    n.ok_or_else(|| expected("an integer", &v, at))
}

/// `1.0e15` → `1000000000000000`; `1.5`, infinities and values beyond `i64` are not integers.
fn integral(f: f64) -> Option<i64> {
    // 2^63 is exact as an f64; anything at or above it does not fit.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    (f.is_finite() && f.fract() == 0.0 && (-LIMIT..LIMIT).contains(&f)).then_some(f as i64)
}

/// `Integer` fields: see [`i64`]'s rule; a value beyond 32 bits is an error.
impl Decode for i32 {
    fn decode(v: Value, at: At<'_>) -> Result<Self, Error> {
        int(v, at)
    }
}

/// `Long` fields: a number (integral float notation included) or a numeric string.
impl Decode for i64 {
    fn decode(v: Value, at: At<'_>) -> Result<Self, Error> {
        int(v, at)
    }
}

/// `Float`/`Double` fields: a number or a numeric string.
impl Decode for f64 {
    fn decode(v: Value, at: At<'_>) -> Result<Self, Error> {
        let f = match &v {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        };
        f.ok_or_else(|| expected("a number", &v, at))
    }
}

/// `Boolean` fields: `true`/`false`, or the same as a string (any case).
impl Decode for bool {
    fn decode(v: Value, at: At<'_>) -> Result<Self, Error> {
        match &v {
            Value::Bool(b) => Ok(*b),
            Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(true),
            Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(false),
            _ => Err(expected("a boolean", &v, at)),
        }
    }
}

/// Maps (`String to string map`, `Json` objects): an object, as it is.
impl Decode for Map<String, Value> {
    fn decode(v: Value, at: At<'_>) -> Result<Self, Error> {
        match v {
            Value::Object(map) => Ok(map),
            // Said apart from other values: a list where an object belongs is a known shape of wrong docs
            // (or of a wrapper the docs leave out), and its items' type would hide that.
            Value::Array(items) => Err(at.error(format!(
                "expected an object, found a list of {} items",
                items.len()
            ))),
            other => Err(expected("an object", &other, at)),
        }
    }
}

/// Anything, as it is (hand-written operations).
impl Decode for Value {
    fn decode(v: Value, _at: At<'_>) -> Result<Self, Error> {
        Ok(v)
    }
}

/// Lists by the list rules: an array decodes item by item (absent items left out), a single value is a list
/// of one. Used for lists of lists and for operations whose answer is a list.
impl<T: Decode> Decode for Vec<T> {
    fn decode(v: Value, at: At<'_>) -> Result<Self, Error> {
        list(v, at)
    }
}

/// Implements [`Decode`] through `serde_json::from_value` for a hand-written type that implements
/// `serde::Deserialize` (the lenient rules of this module do not apply inside it).
///
/// ```
/// #[derive(serde::Deserialize, Debug, PartialEq)]
/// struct Pong { #[serde(rename = "Value")] value: String }
/// aliyun_runtime::decode_with_serde!(Pong);
///
/// let p: Pong = aliyun_runtime::de::from_slice(br#"{"Value": "x"}"#).unwrap();
/// assert_eq!(p, Pong { value: "x".into() });
/// ```
#[macro_export]
macro_rules! decode_with_serde {
    ($t:ty) => {
        impl $crate::de::Decode for $t {
            fn decode(
                v: $crate::de::Value,
                at: $crate::de::At<'_>,
            ) -> ::core::result::Result<Self, $crate::de::Error> {
                $crate::de::with_serde(v, at)
            }
        }
    };
}

/// What [`decode_with_serde!`](crate::decode_with_serde) expands to.
#[doc(hidden)]
pub fn with_serde<T: serde::de::DeserializeOwned>(v: Value, at: At<'_>) -> Result<T, Error> {
    serde_json::from_value(v).map_err(|e| at.error(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::{from_slice, shallow, At, Decode, Error, Fields, Map, Value, MAX_DEPTH};

    #[test]
    fn values_nested_too_deep_are_skipped_without_recursion() {
        #[derive(Debug, PartialEq)]
        struct R {
            id: Option<String>,
            after: Option<i64>,
        }
        impl Decode for R {
            fn decode(v: Value, at: At<'_>) -> Result<Self, Error> {
                let mut f = Fields::new(v, at)?;
                Ok(R {
                    id: f.opt("RequestId")?,
                    after: f.opt("After")?,
                })
            }
        }
        let depth = 200_000;
        let body = format!(
            r#"{{"RequestId":"R","Unknown":{}"x]"{},"After":7}}"#,
            "[{\"k\":".repeat(depth),
            "}]".repeat(depth)
        );
        let r: R = from_slice(body.as_bytes()).unwrap();
        assert_eq!(
            r,
            R {
                id: Some("R".into()),
                after: Some(7)
            }
        );
        // Brackets inside strings do not count; a shallow body is not copied.
        let plain = br#"{"A":"[[[[{{{{","B":[1,[2]]}"#;
        assert!(matches!(shallow(plain), std::borrow::Cow::Borrowed(_)));
        let edge = format!("{}1{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert_eq!(shallow(edge.as_bytes()).as_ref(), edge.as_bytes());
        let over = format!(
            "{}1{}",
            "[".repeat(MAX_DEPTH + 1),
            "]".repeat(MAX_DEPTH + 1)
        );
        let want = format!("{}null{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert_eq!(shallow(over.as_bytes()).as_ref(), want.as_bytes());
    }

    // Written the way generated code is: `opt` for every field but lists, `list` for lists.
    #[derive(Debug, Default, PartialEq)]
    struct R {
        i: Option<i64>,
        small: Option<i32>,
        f: Option<f64>,
        b: Option<bool>,
        s: Option<String>,
        o: Option<Map<String, Value>>,
        obj: Option<Inner>,
        l: Vec<Inner>,
    }

    impl Decode for R {
        fn decode(v: Value, at: At<'_>) -> Result<Self, Error> {
            let mut f = Fields::new(v, at)?;
            Ok(Self {
                i: f.opt("i")?,
                small: f.opt("small")?,
                f: f.opt("f")?,
                b: f.opt("b")?,
                s: f.opt("s")?,
                o: f.opt("o")?,
                obj: f.opt("obj")?,
                l: f.list("l")?,
            })
        }
    }

    #[derive(Debug, Default, PartialEq)]
    struct Lists {
        s: Vec<String>,
        i: Vec<i32>,
        f: Vec<f64>,
        b: Vec<bool>,
    }

    impl Decode for Lists {
        fn decode(v: Value, at: At<'_>) -> Result<Self, Error> {
            let mut f = Fields::new(v, at)?;
            Ok(Self {
                s: f.list("s")?,
                i: f.list("i")?,
                f: f.list("f")?,
                b: f.list("b")?,
            })
        }
    }

    #[derive(Debug, Default, PartialEq)]
    struct Inner {
        id: Option<i64>,
    }

    impl Decode for Inner {
        fn decode(v: Value, at: At<'_>) -> Result<Self, Error> {
            let mut f = Fields::new(v, at)?;
            Ok(Self { id: f.opt("Id")? })
        }
    }

    /// A struct with no fields, as generated.
    #[derive(Debug, Default, PartialEq)]
    struct Empty {}

    impl Decode for Empty {
        fn decode(v: Value, at: At<'_>) -> Result<Self, Error> {
            Fields::new(v, at)?;
            Ok(Self {})
        }
    }

    fn de(json: &str) -> Result<R, Error> {
        from_slice(json.as_bytes())
    }

    #[test]
    fn numbers_from_numbers_and_strings() {
        let r = de(r#"{"i": 12, "small": " 7 ", "f": "1.5"}"#).unwrap();
        assert_eq!((r.i, r.small, r.f), (Some(12), Some(7), Some(1.5)));
        let r = de(r#"{"i": "-3", "f": 2}"#).unwrap();
        assert_eq!((r.i, r.f), (Some(-3), Some(2.0)));
    }

    #[test]
    fn null_empty_and_missing_are_absent() {
        assert_eq!(
            de(r#"{"i": null, "small": "", "f": "", "b": "", "o": ""}"#).unwrap(),
            R::default()
        );
        assert_eq!(de("{}").unwrap(), R::default());
        assert_eq!(de(r#"{"s": null}"#).unwrap().s, None);
    }

    #[test]
    fn bad_numbers_are_errors() {
        assert!(de(r#"{"i": "twelve"}"#).is_err());
        assert!(de(r#"{"i": 1.5}"#).is_err());
        assert!(
            de(r#"{"small": 3000000000}"#).is_err(),
            "out of range for i32"
        );
        assert!(de(r#"{"f": "x"}"#).is_err());
        assert!(de(r#"{"f": true}"#).is_err());
    }

    #[test]
    fn booleans() {
        assert_eq!(de(r#"{"b": true}"#).unwrap().b, Some(true));
        assert_eq!(de(r#"{"b": "TRUE"}"#).unwrap().b, Some(true));
        assert_eq!(de(r#"{"b": "false"}"#).unwrap().b, Some(false));
        assert!(de(r#"{"b": "yes"}"#).is_err());
        assert!(de(r#"{"b": 1}"#).is_err());
    }

    #[test]
    fn strings_from_scalars() {
        assert_eq!(de(r#"{"s": "x"}"#).unwrap().s.as_deref(), Some("x"));
        assert_eq!(de(r#"{"s": ""}"#).unwrap().s.as_deref(), Some(""));
        assert_eq!(de(r#"{"s": 12}"#).unwrap().s.as_deref(), Some("12"));
        assert_eq!(de(r#"{"s": false}"#).unwrap().s.as_deref(), Some("false"));
    }

    #[test]
    fn objects_and_arrays_in_string_fields_keep_their_json_text() {
        assert_eq!(
            de(r#"{"s": [1, "a"]}"#).unwrap().s.as_deref(),
            Some(r#"[1,"a"]"#)
        );
        assert_eq!(
            de(r#"{"s": {"k": {"n": null}}}"#).unwrap().s.as_deref(),
            Some(r#"{"k":{"n":null}}"#)
        );
    }

    #[test]
    fn integral_floats_are_integers() {
        assert_eq!(
            de(r#"{"i": 1.0e15}"#).unwrap().i,
            Some(1_000_000_000_000_000)
        );
        assert_eq!(de(r#"{"i": -3.0, "small": 7E2}"#).unwrap().i, Some(-3));
        assert_eq!(de(r#"{"small": 7E2}"#).unwrap().small, Some(700));
        assert_eq!(de(r#"{"i": "2.5e3"}"#).unwrap().i, Some(2500));
        assert!(de(r#"{"i": 1.5e0}"#).is_err(), "not integral");
        assert!(de(r#"{"i": 1e19}"#).is_err(), "beyond i64");
        assert!(de(r#"{"small": 1e10}"#).is_err(), "beyond i32");
    }

    #[test]
    fn empty_strings_are_absent_objects_and_lists() {
        let r = de(r#"{"obj": "", "l": ""}"#).unwrap();
        assert_eq!((r.obj, r.l), (None, vec![]));
        assert_eq!(de(r#"{"l": null}"#).unwrap().l, vec![]);
    }

    #[test]
    fn list_items_of_scalars_decode_as_the_scalars_do() {
        let l: Lists = from_slice(
            br#"{"s": [1, "a", {"k": true}, ""], "i": ["7", 8, 9.0e1, null, ""], "f": ["1.5", 2], "b": ["TRUE", false]}"#,
        )
        .unwrap();
        assert_eq!(l.s, ["1", "a", r#"{"k":true}"#, ""]);
        assert_eq!(l.i, [7, 8, 90]);
        assert_eq!(l.f, [1.5, 2.0]);
        assert_eq!(l.b, [true, false]);
        let one: Lists = from_slice(br#"{"s": "x", "i": "", "b": true}"#).unwrap();
        assert_eq!(
            (one.s, one.i, one.b),
            (vec!["x".to_string()], vec![], vec![true])
        );
        assert!(from_slice::<Lists>(br#"{"i": ["x"]}"#).is_err());
    }

    #[test]
    fn a_single_item_is_a_list_of_one() {
        assert_eq!(
            de(r#"{"l": {"Id": 4}}"#).unwrap().l,
            vec![Inner { id: Some(4) }]
        );
        assert_eq!(
            de(r#"{"l": [{"Id": "4"}, {}]}"#).unwrap().l,
            vec![Inner { id: Some(4) }, Inner::default()]
        );
        assert!(de(r#"{"l": 3}"#).is_err(), "a number is no item of objects");
    }

    #[test]
    fn objects() {
        // Objects, enums and maps go through `opt`: a list there is an error that says so.
        let e = de(r#"{"o": [1, 2]}"#).unwrap_err();
        assert!(e.to_string().contains("found a list of 2 items"), "{e}");
        assert!(de(r#"{"o": "abc"}"#).is_err());
    }

    #[test]
    fn a_list_where_an_object_belongs_says_so() {
        #[derive(Debug)]
        #[allow(dead_code)]
        struct Inner {
            name: Option<String>,
        }
        impl Decode for Inner {
            fn decode(v: Value, at: At<'_>) -> Result<Self, Error> {
                let mut f = Fields::new(v, at)?;
                Ok(Self {
                    name: f.opt("name")?,
                })
            }
        }
        #[derive(Debug)]
        #[allow(dead_code)]
        struct Outer {
            inner: Option<Inner>,
        }
        impl Decode for Outer {
            fn decode(v: Value, at: At<'_>) -> Result<Self, Error> {
                let mut f = Fields::new(v, at)?;
                Ok(Self {
                    inner: f.opt("inner")?,
                })
            }
        }
        let e = from_slice::<Outer>(br#"{"inner": [{"name": "x"}]}"#).unwrap_err();
        assert_eq!(
            e,
            Error {
                path: "inner".into(),
                message: "expected an object, found a list of 1 items".into()
            }
        );
        assert_eq!(
            e.to_string(),
            "at `inner`: expected an object, found a list of 1 items"
        );
    }

    #[test]
    fn errors_name_their_path() {
        let e = de(r#"{"l": [{"Id": 1}, {"Id": "x"}]}"#).unwrap_err();
        assert_eq!(e.path, "l[1].Id");
        assert_eq!(e.message, r#"expected an integer, found "x""#);
        assert_eq!(
            e.to_string(),
            r#"at `l[1].Id`: expected an integer, found "x""#
        );
        // A single item stands where the list does: no index.
        assert_eq!(de(r#"{"l": {"Id": true}}"#).unwrap_err().path, "l.Id");
        assert_eq!(de(r#"{"obj": {"Id": []}}"#).unwrap_err().path, "obj.Id");
        assert_eq!(de(r#"{"l": [{}, 3]}"#).unwrap_err().path, "l[1]");
        assert_eq!(
            from_slice::<Lists>(br#"{"f": [1, null, "x"]}"#)
                .unwrap_err()
                .to_string(),
            r#"at `f[2]`: expected a number, found "x""#,
            "the index is the item's place on the wire, left-out items counted"
        );
        // Lists of lists and answers that are lists.
        let e = from_slice::<Vec<Vec<i64>>>(b"[[1], [2, {}]]").unwrap_err();
        assert_eq!(e.to_string(), "at `[1][1]`: expected an integer, found {}");
        let e = from_slice::<Vec<Inner>>(br#"[{"Id": 1}, {"Id": false}]"#).unwrap_err();
        assert_eq!(e.path, "[1].Id");
    }

    #[test]
    fn errors_at_the_root_have_no_path() {
        let e = de("[1]").unwrap_err();
        assert_eq!(
            (e.path.as_str(), e.to_string().as_str()),
            ("", "expected an object, found a list of 1 items")
        );
        assert_eq!(
            de("null").unwrap_err().to_string(),
            "expected an object, found null"
        );
        let e = de(r#"{"i": "#).unwrap_err();
        assert!(e.path.is_empty() && e.message.contains("EOF"), "{e}");
        assert_eq!(
            from_slice::<Empty>(b"3").unwrap_err().to_string(),
            "expected an object, found 3"
        );
        assert_eq!(from_slice::<Empty>(br#"{"x": 1}"#).unwrap(), Empty {});
    }

    #[test]
    fn null_items_are_left_out() {
        assert_eq!(
            de(r#"{"l": [null, {"Id": 2}, null]}"#).unwrap().l,
            vec![Inner { id: Some(2) }]
        );
        assert_eq!(
            de(r#"{"l": ["", {"Id": 2}]}"#).unwrap().l,
            vec![Inner { id: Some(2) }],
            "\"\" items too, but in lists of strings"
        );
        let l: Lists = from_slice(br#"{"s": [null, "", "a"], "b": [null]}"#).unwrap();
        assert_eq!((l.s, l.b), (vec![String::new(), "a".into()], vec![]));
        let nested: Vec<Vec<i64>> = from_slice(br#"[[1, null, "2"], null, "", 3]"#).unwrap();
        assert_eq!(nested, [vec![1, 2], vec![3]]);
        let maps: Vec<Map<String, Value>> = from_slice(br#"[null, {"a": 1}]"#).unwrap();
        assert_eq!(maps.len(), 1);
    }

    #[test]
    fn values_and_maps_are_kept_as_they_are() {
        let v: Value = from_slice(br#"{"a": [1, null]}"#).unwrap();
        assert_eq!(v, serde_json::json!({"a": [1, null]}));
        let m: Map<String, Value> = from_slice(br#"{"a": ""}"#).unwrap();
        assert_eq!(m["a"], "");
    }

    #[test]
    fn serde_types_decode_through_serde() {
        #[derive(serde::Deserialize, Debug, PartialEq)]
        struct Pong {
            #[serde(rename = "Value")]
            value: String,
        }
        crate::decode_with_serde!(Pong);
        assert_eq!(
            from_slice::<Pong>(br#"{"Value": "x"}"#).unwrap(),
            Pong { value: "x".into() }
        );
        let e = from_slice::<Vec<Pong>>(br#"[{"Value": "x"}, {"Value": 1}]"#).unwrap_err();
        assert_eq!(e.path, "[1]");
        assert!(e.message.contains("invalid type: integer `1`"), "{e}");
    }
}
