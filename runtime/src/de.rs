//! Lenient decoding for generated response types: the wire does not always match the docs.
//!
//! Used as `#[serde(default, deserialize_with = "aliyun_runtime::de::…")]` on `Option` fields.
//! - numbers may arrive as strings (`"12"`), booleans as strings (`"true"`), strings as numbers;
//! - an empty string or `null` stands for an absent value.
//!
//! A string that is not a number in a numeric field is an error: decoding never invents a value.

use serde::{de::Error as _, Deserialize, Deserializer};
use serde_json::Value;

fn absent(v: &Value) -> bool {
    matches!(v, Value::Null) || matches!(v, Value::String(s) if s.is_empty())
}

/// `Long`/`Integer` fields: a number or a numeric string.
pub fn int<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<i64> + std::str::FromStr,
{
    let v = Value::deserialize(d)?;
    if absent(&v) {
        return Ok(None);
    }
    let n = match &v {
        Value::Number(n) => n.as_i64().and_then(|n| T::try_from(n).ok()),
        Value::String(s) => s.trim().parse::<T>().ok(),
        _ => None,
    };
    n.map(Some)
        .ok_or_else(|| D::Error::custom(format!("expected an integer, found {v}")))
}

/// `Float`/`Double` fields: a number or a numeric string.
pub fn float<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    let v = Value::deserialize(d)?;
    if absent(&v) {
        return Ok(None);
    }
    let n = match &v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    };
    n.map(Some)
        .ok_or_else(|| D::Error::custom(format!("expected a number, found {v}")))
}

/// `Boolean` fields: `true`/`false`, or the same as a string.
pub fn boolean<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    let v = Value::deserialize(d)?;
    if absent(&v) {
        return Ok(None);
    }
    match &v {
        Value::Bool(b) => Ok(Some(*b)),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(Some(true)),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(Some(false)),
        _ => Err(D::Error::custom(format!("expected a boolean, found {v}"))),
    }
}

/// `String` fields: a string, or a number or boolean written out (`12` → `"12"`).
pub fn string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let v = Value::deserialize(d)?;
    match v {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s)),
        Value::Number(n) => Ok(Some(n.to_string())),
        Value::Bool(b) => Ok(Some(b.to_string())),
        other => Err(D::Error::custom(format!(
            "expected a string, found {other}"
        ))),
    }
}

/// Objects, lists and enums: `null` or `""` is absent, anything else decodes as `T`.
pub fn object<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    let v = Value::deserialize(d)?;
    if absent(&v) {
        return Ok(None);
    }
    // A list that does not decode as `T`: for a struct serde fills the fields from the items in order and reports
    // the first item's type ("expected a string"), which hides what happened. (Generated code sends lists through
    // its own codec, so here a list that fails is one where an object, enum or map belongs.)
    let list_len = v.as_array().map(Vec::len);
    T::deserialize(v).map(Some).map_err(|e| match list_len {
        Some(n) => D::Error::custom(format!("expected an object, found a list of {n} items")),
        None => D::Error::custom(e),
    })
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
        assert!(de(r#"{"s": [1]}"#).is_err());
    }

    #[test]
    fn objects() {
        assert_eq!(de(r#"{"o": [1, 2]}"#).unwrap().o, Some(vec![1, 2]));
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
