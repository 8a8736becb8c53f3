//! The behaviour every generated enum of documented values shares, written once.
//!
//! A generated enum declares its variants (with their docs), a `Unknown(String)` catch-all, the `VALUES` it
//! knows and `as_str`; [`wire_enum!`](crate::wire_enum) adds `From<&str>`, `Display`, [`Decode`](crate::de::Decode)
//! and serde as the wire text. Keeping these impls here rather than in every generated module keeps the generated crates short and
//! quick to compile.

/// Implements `From<&str>`, `Display`, [`Decode`](crate::de::Decode), `Serialize` and `Deserialize` for a
/// generated enum of wire values.
///
/// The type must have an associated `const VALUES: [Self; N]` (every documented value), an
/// `Unknown(String)` variant, and `fn as_str(&self) -> &str`. Decoding (`Decode` and `Deserialize` alike)
/// accepts a JSON string, number (some services send integer enums as numbers) or boolean as written, and keeps
/// undocumented values in `Unknown`.
///
/// ```
/// #[derive(Debug, Clone, PartialEq)]
/// pub enum Status { Ready, Unknown(String) }
/// impl Status {
///     pub const VALUES: [Self; 1] = [Self::Ready];
///     pub fn as_str(&self) -> &str {
///         match self { Self::Ready => "READY", Self::Unknown(s) => s }
///     }
/// }
/// aliyun_runtime::wire_enum!(Status);
///
/// assert_eq!(Status::from("READY"), Status::Ready);
/// assert_eq!(Status::from("NEW"), Status::Unknown("NEW".into()));
/// assert_eq!(Status::Ready.to_string(), "READY");
/// let s: Vec<Status> = aliyun_runtime::de::from_slice(br#"["READY", 3]"#).unwrap();
/// assert_eq!(s, [Status::Ready, Status::Unknown("3".into())]);
/// ```
#[macro_export]
macro_rules! wire_enum {
    ($name:ident) => {
        impl ::core::convert::From<&str> for $name {
            fn from(s: &str) -> Self {
                $crate::wire_enum::known(&Self::VALUES, s, Self::as_str)
                    .unwrap_or_else(|| Self::Unknown(s.to_string()))
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::de::Decode for $name {
            fn decode(
                v: $crate::de::Value,
                at: $crate::de::At<'_>,
            ) -> ::core::result::Result<Self, $crate::de::Error> {
                $crate::wire_enum::decode_text(v, at, ::core::stringify!($name))
                    .map(|s| Self::from(s.as_str()))
            }
        }

        impl $crate::wire_enum::serde::Serialize for $name {
            fn serialize<S: $crate::wire_enum::serde::Serializer>(
                &self,
                s: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::wire_enum::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::wire_enum::serde::Deserializer<'de>>(
                d: D,
            ) -> ::core::result::Result<Self, D::Error> {
                $crate::wire_enum::text(d, ::core::stringify!($name))
                    .map(|s| Self::from(s.as_str()))
            }
        }
    };
}

#[doc(hidden)]
pub use serde;

use crate::de::{At, Error, Value};

/// The value among `values` whose wire text is `s`.
#[doc(hidden)]
pub fn known<T: Clone>(values: &[T], s: &str, as_str: fn(&T) -> &str) -> Option<T> {
    values.iter().find(|v| as_str(v) == s).cloned()
}

/// The wire text of an enum value: a JSON string, or a number or boolean as written (pages document
/// `true`/`false` as valid values of fields the service sends as JSON booleans).
#[doc(hidden)]
pub fn text<'de, D: serde::Deserializer<'de>>(d: D, name: &str) -> Result<String, D::Error> {
    let v = <Value as serde::Deserialize>::deserialize(d)?;
    wire_text(v).map_err(|other| {
        <D::Error as serde::de::Error>::custom(format!("expected a value of {name}, found {other}"))
    })
}

/// [`text`] for [`Decode`](crate::de::Decode): the error names the path.
#[doc(hidden)]
pub fn decode_text(v: Value, at: At<'_>, name: &str) -> Result<String, Error> {
    wire_text(v).map_err(|other| at.error(format!("expected a value of {name}, found {other}")))
}

/// A string as it is, a number or boolean as written; anything else is given back.
fn wire_text(v: Value) -> Result<String, Value> {
    match v {
        Value::String(s) => Ok(s),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        other => Err(other),
    }
}

#[cfg(test)]
mod tests {
    use crate::de::{from_slice, At, Decode, Error, Fields, Value};

    #[derive(Debug, Clone, PartialEq)]
    enum Level {
        One,
        Two,
        Unknown(String),
    }

    impl Level {
        const VALUES: [Self; 2] = [Self::One, Self::Two];
        fn as_str(&self) -> &str {
            match self {
                Self::One => "1",
                Self::Two => "2",
                Self::Unknown(s) => s,
            }
        }
    }

    crate::wire_enum!(Level);

    #[test]
    fn decodes_strings_numbers_and_unknown_values() {
        let got: Vec<Level> = from_slice(br#"["1", 2, "3", 40]"#).unwrap();
        assert_eq!(
            got,
            [
                Level::One,
                Level::Two,
                Level::Unknown("3".into()),
                Level::Unknown("40".into())
            ]
        );
    }

    #[test]
    fn rejects_other_json() {
        let err = from_slice::<Level>(b"[2]").unwrap_err();
        assert_eq!(err.to_string(), "expected a value of Level, found [2]");
    }

    #[test]
    fn decodes_booleans_as_their_text() {
        let got: Vec<Level> = from_slice(b"[true]").unwrap();
        assert_eq!(got, [Level::Unknown("true".into())]);
    }

    #[test]
    fn in_a_field_absent_values_are_none_and_errors_name_the_field() {
        #[derive(Debug, PartialEq)]
        struct R {
            level: Option<Level>,
            levels: Vec<Level>,
        }
        impl Decode for R {
            fn decode(v: Value, at: At<'_>) -> Result<Self, Error> {
                let mut f = Fields::new(v, at)?;
                Ok(Self {
                    level: f.opt("Level")?,
                    levels: f.list("Levels")?,
                })
            }
        }
        let r: R = from_slice(br#"{"Level": "", "Levels": [null, "", 1, "9"]}"#).unwrap();
        assert_eq!(
            r,
            R {
                level: None,
                levels: vec![Level::One, Level::Unknown("9".into())]
            }
        );
        let e = from_slice::<R>(br#"{"Levels": [1, {"a": 1}]}"#).unwrap_err();
        assert_eq!(
            e.to_string(),
            r#"at `Levels[1]`: expected a value of Level, found {"a":1}"#
        );
    }

    #[test]
    fn serde_decoding_is_kept() {
        let got: Vec<Level> = serde_json::from_str(r#"["1", 2, true]"#).unwrap();
        assert_eq!(got, [Level::One, Level::Two, Level::Unknown("true".into())]);
        let err = serde_json::from_str::<Level>("[2]").unwrap_err();
        assert!(
            err.to_string().contains("expected a value of Level"),
            "{err}"
        );
    }

    #[test]
    fn encodes_as_wire_text() {
        assert_eq!(serde_json::to_string(&Level::Two).unwrap(), r#""2""#);
        assert_eq!(
            serde_json::to_string(&Level::Unknown("x".into())).unwrap(),
            r#""x""#
        );
        assert_eq!(Level::One.to_string(), "1");
    }
}
