//! Lenient decoding for generated response types: the wire does not always match the docs.
//!
//! Used as `#[serde(default, deserialize_with = "aliyun_runtime::de::…")]` on `Option` fields (and `Vec`
//! fields for [`list`]). The rules, each seen on the wire or in the pages' own examples:
//! - numbers may arrive as strings (`"12"`), booleans as strings (`"true"`), strings as numbers;
//! - an integral number in float notation (`1.0e15`, `3.0`) is that integer in an integer field;
//! - a JSON object or array where the docs say String is kept as its JSON text;
//! - an empty string or `null` stands for an absent value, object or list;
//! - a single item where the docs say list is a list of one (services that convert XML to JSON drop the
//!   array of a one-item list).
//!
//! A string that is not a number in a numeric field is an error: decoding never invents a value.

use serde::{de::Error as _, Deserialize, Deserializer};
use serde_json::Value;

fn absent(v: &Value) -> bool {
    matches!(v, Value::Null) || matches!(v, Value::String(s) if s.is_empty())
}

/// One field through one rule: absent values are `None`, the rest must pass the rule.
fn field<'de, D: Deserializer<'de>, T>(
    d: D,
    rule: fn(&Value) -> Option<T>,
    expected: &str,
) -> Result<Option<T>, D::Error> {
    let v = Value::deserialize(d)?;
    if absent(&v) {
        return Ok(None);
    }
    rule(&v)
        .map(Some)
        .ok_or_else(|| D::Error::custom(format!("expected {expected}, found {v}")))
}

/// A list of scalars through one rule: absent is empty, `null` items are left out (and `""` items, but in
/// lists of strings), a single value is a list of one.
fn items<'de, D: Deserializer<'de>, T>(
    d: D,
    rule: fn(&Value) -> Option<T>,
    expected: &str,
) -> Result<Vec<T>, D::Error> {
    let strings = expected == STRING;
    let v = Value::deserialize(d)?;
    let values = match v {
        v if absent(&v) => Vec::new(),
        Value::Array(values) => values,
        one => vec![one],
    };
    values
        .iter()
        .filter(|v| !(v.is_null() || (!strings && absent(v))))
        .map(|v| rule(v).ok_or_else(|| D::Error::custom(format!("expected {expected}, found {v}"))))
        .collect()
}

const STRING: &str = "a string";

fn int_rule<T: TryFrom<i64> + std::str::FromStr>(v: &Value) -> Option<T> {
    match v {
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
    }
}

/// `1.0e15` → `1000000000000000`; `1.5`, infinities and values beyond `i64` are not integers.
fn integral(f: f64) -> Option<i64> {
    // 2^63 is exact as an f64; anything at or above it does not fit.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    (f.is_finite() && f.fract() == 0.0 && (-LIMIT..LIMIT).contains(&f)).then_some(f as i64)
}

fn float_rule(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn boolean_rule(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

fn string_rule(v: &Value) -> Option<String> {
    Some(match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => String::new(),
        structured @ (Value::Object(_) | Value::Array(_)) => structured.to_string(),
    })
}

/// `Long`/`Integer` fields: a number (integral float notation included) or a numeric string.
pub fn int<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<i64> + std::str::FromStr,
{
    field(d, int_rule::<T>, "an integer")
}

/// `Float`/`Double` fields: a number or a numeric string.
pub fn float<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    field(d, float_rule, "a number")
}

/// `Boolean` fields: `true`/`false`, or the same as a string.
pub fn boolean<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    field(d, boolean_rule, "a boolean")
}

/// `String` fields: a string, a number or boolean written out (`12` → `"12"`), or an object or array as its
/// JSON text (`{"a":1}` → `"{\"a\":1}"`): the docs call many structured values String. `null` is absent; an
/// empty string is kept.
pub fn string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let v = Value::deserialize(d)?;
    Ok(match v {
        Value::Null => None,
        v => string_rule(&v),
    })
}

/// Lists of `Long`/`Integer`: each item as [`int`] decodes it.
pub fn ints<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<i64> + std::str::FromStr,
{
    items(d, int_rule::<T>, "an integer")
}

/// Lists of `Float`/`Double`: each item as [`float`] decodes it.
pub fn floats<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<f64>, D::Error> {
    items(d, float_rule, "a number")
}

/// Lists of `Boolean`: each item as [`boolean`] decodes it.
pub fn booleans<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<bool>, D::Error> {
    items(d, boolean_rule, "a boolean")
}

/// Lists of `String`: each item as [`string`] decodes it (objects as their JSON text).
pub fn strings<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    items(d, string_rule, STRING)
}

/// Objects, enums and maps: `null` or `""` is absent, a list is an error, anything else decodes as `T`.
pub fn object<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    let v = Value::deserialize(d)?;
    if absent(&v) {
        return Ok(None);
    }
    // A list where an object, enum or map belongs (generated code sends lists through their own codec): serde
    // would fill a struct's fields from the items in order, silently or with the first item's type in the
    // error ("expected a string"), which hides what happened.
    if let Value::Array(items) = &v {
        return Err(D::Error::custom(format!(
            "expected an object, found a list of {} items",
            items.len()
        )));
    }
    T::deserialize(v).map(Some).map_err(D::Error::custom)
}

/// Lists: `null` or `""` is empty, an array decodes item by item, and a single item is a list of one.
pub fn list<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    let v = Value::deserialize(d)?;
    if absent(&v) {
        return Ok(Vec::new());
    }
    match v {
        Value::Array(_) => Vec::<T>::deserialize(v),
        item => T::deserialize(item).map(|one| vec![one]),
    }
    .map_err(D::Error::custom)
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Deserialize, Debug, Default, PartialEq)]
    struct R {
        #[serde(default, deserialize_with = "super::int")]
        i: Option<i64>,
        #[serde(default, deserialize_with = "super::int")]
        small: Option<i32>,
        #[serde(default, deserialize_with = "super::float")]
        f: Option<f64>,
        #[serde(default, deserialize_with = "super::boolean")]
        b: Option<bool>,
        #[serde(default, deserialize_with = "super::string")]
        s: Option<String>,
        #[serde(default, deserialize_with = "super::object")]
        o: Option<Vec<u8>>,
        #[serde(default, deserialize_with = "super::object")]
        obj: Option<Inner>,
        #[serde(default, deserialize_with = "super::list")]
        l: Vec<Inner>,
    }

    #[derive(Deserialize, Debug, Default, PartialEq)]
    struct Lists {
        #[serde(default, deserialize_with = "super::strings")]
        s: Vec<String>,
        #[serde(default, deserialize_with = "super::ints")]
        i: Vec<i32>,
        #[serde(default, deserialize_with = "super::floats")]
        f: Vec<f64>,
        #[serde(default, deserialize_with = "super::booleans")]
        b: Vec<bool>,
    }

    #[derive(Deserialize, Debug, Default, PartialEq)]
    struct Inner {
        #[serde(rename = "Id", default, deserialize_with = "super::int")]
        id: Option<i64>,
    }

    fn de(json: &str) -> Result<R, serde_json::Error> {
        serde_json::from_str(json)
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
        let l: Lists = serde_json::from_str(
            r#"{"s": [1, "a", {"k": true}, ""], "i": ["7", 8, 9.0e1, null, ""], "f": ["1.5", 2], "b": ["TRUE", false]}"#,
        )
        .unwrap();
        assert_eq!(l.s, ["1", "a", r#"{"k":true}"#, ""]);
        assert_eq!(l.i, [7, 8, 90]);
        assert_eq!(l.f, [1.5, 2.0]);
        assert_eq!(l.b, [true, false]);
        let one: Lists = serde_json::from_str(r#"{"s": "x", "i": "", "b": true}"#).unwrap();
        assert_eq!(
            (one.s, one.i, one.b),
            (vec!["x".to_string()], vec![], vec![true])
        );
        assert!(serde_json::from_str::<Lists>(r#"{"i": ["x"]}"#).is_err());
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
        // `object` is for objects, enums and maps: lists have their own codec, so a list here is an error.
        let e = de(r#"{"o": [1, 2]}"#).unwrap_err();
        assert!(e.to_string().contains("found a list of 2 items"), "{e}");
        assert!(de(r#"{"o": "abc"}"#).is_err());
    }

    #[test]
    fn a_list_where_an_object_belongs_says_so() {
        #[derive(Deserialize, Debug)]
        #[allow(dead_code)]
        struct Inner {
            #[serde(default, deserialize_with = "super::string")]
            name: Option<String>,
        }
        #[derive(Deserialize, Debug)]
        #[allow(dead_code)]
        struct Outer {
            #[serde(default, deserialize_with = "super::object")]
            inner: Option<Inner>,
        }
        let e = serde_json::from_str::<Outer>(r#"{"inner": [{"name": "x"}]}"#).unwrap_err();
        assert!(e.to_string().contains("expected an object, found a list of 1 items"), "{e}");
    }
}
