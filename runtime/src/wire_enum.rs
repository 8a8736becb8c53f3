//! The behaviour every generated enum of documented values shares, written once.
//!
//! A generated enum declares its variants (with their docs), a `Unknown(String)` catch-all, the `VALUES` it
//! knows and `as_str`; [`wire_enum!`](crate::wire_enum) adds `From<&str>`, `Display` and serde as the wire
//! text. Keeping these impls here rather than in every generated module keeps the generated crates short and
//! quick to compile.

/// Implements `From<&str>`, `Display`, `Serialize` and `Deserialize` for a generated enum of wire values.
///
/// The type must have an associated `const VALUES: [Self; N]` (every documented value), an
/// `Unknown(String)` variant, and `fn as_str(&self) -> &str`. Decoding accepts a JSON string or number (some
/// services send integer enums as numbers) and keeps undocumented values in `Unknown`.
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

/// The value among `values` whose wire text is `s`.
#[doc(hidden)]
pub fn known<T: Clone>(values: &[T], s: &str, as_str: fn(&T) -> &str) -> Option<T> {
    values.iter().find(|v| as_str(v) == s).cloned()
}

/// The wire text of an enum value: a JSON string, or a number or boolean as written (pages document
/// `true`/`false` as valid values of fields the service sends as JSON booleans).
#[doc(hidden)]
pub fn text<'de, D: serde::Deserializer<'de>>(d: D, name: &str) -> Result<String, D::Error> {
    use serde_json::Value;
    match <Value as serde::Deserialize>::deserialize(d)? {
        Value::String(s) => Ok(s),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        other => Err(<D::Error as serde::de::Error>::custom(format!(
            "expected a value of {name}, found {other}"
        ))),
    }
}

#[cfg(test)]
mod tests {
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
        let got: Vec<Level> = serde_json::from_str(r#"["1", 2, "3", 40]"#).unwrap();
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
        let err = serde_json::from_str::<Level>("[2]").unwrap_err();
        assert!(
            err.to_string().contains("expected a value of Level"),
            "{err}"
        );
    }

    #[test]
    fn decodes_booleans_as_their_text() {
        let got: Vec<Level> = serde_json::from_str("[true]").unwrap();
        assert_eq!(got, [Level::Unknown("true".into())]);
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
