//! Checks of a page's examples against the generated types, shared by the generated crates' `tests/`.
//!
//! Each generated crate has one test per documented example; the checks themselves live here, once.

use crate::de::{At, Decode};
use serde::Serialize;
use std::cell::RefCell;
use std::sync::atomic::{AtomicUsize, Ordering};

/// How many example checks are running (on any thread): decoding outside them does not look at unknown keys.
static WATCHING: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    /// The paths of the keys no field took, while this thread runs an example check.
    static UNKNOWN: RefCell<Option<Vec<String>>> = const { RefCell::new(None) };
}

/// Called by [`crate::de::Fields`] with the keys of an object that no field took.
pub(crate) fn unknown_keys<'k>(at: &At<'_>, keys: impl Iterator<Item = &'k String>) {
    if WATCHING.load(Ordering::Relaxed) == 0 {
        return;
    }
    UNKNOWN.with(|unknown| {
        if let Some(found) = unknown.borrow_mut().as_mut() {
            let prefix = at.to_string();
            for k in keys {
                found.push(if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                });
            }
        }
    });
}

/// Decodes `json` into `T`, with the paths of the keys that no field of `T` took (in the order met).
pub fn decode_watching<T: Decode>(json: &str) -> (Result<T, crate::de::Error>, Vec<String>) {
    WATCHING.fetch_add(1, Ordering::Relaxed);
    let previous = UNKNOWN.with(|u| u.borrow_mut().replace(Vec::new()));
    let result = crate::de::from_slice(json.as_bytes());
    let found = UNKNOWN.with(|u| std::mem::replace(&mut *u.borrow_mut(), previous));
    WATCHING.fetch_sub(1, Ordering::Relaxed);
    (result, found.unwrap_or_default())
}

/// The pages mask values (`"AccountId": "100931896542****"`), numbers included. Masking is a documentation
/// artifact, so the example is read with every `*` as `0`; the client itself stays strict and rejects such a
/// value in a numeric field.
pub fn unmask(json: &str) -> String {
    json.replace('*', "0")
}

/// Decodes a documented JSON response example (unmasked) into `T`, and panics unless it decodes, every key of
/// it lands in a field of `T` (a key with no field is data a user would lose without a word), and it fills
/// at least one field.
#[track_caller]
pub fn assert_response_decodes<T: Decode + Default + PartialEq + std::fmt::Debug>(json: &str) -> T {
    let (result, unknown) = decode_watching::<T>(&unmask(json));
    let response: T = match result {
        Ok(response) => response,
        Err(e) => panic!("the example decodes: {e}"),
    };
    assert!(
        unknown.is_empty(),
        "keys of the example that no field takes: {}",
        unknown
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    assert_ne!(
        response,
        T::default(),
        "the example fills no field: are the wire names right?"
    );
    response
}

/// Panics unless `request` flattens to exactly the `expected` parameters, in name order.
#[track_caller]
pub fn assert_request_flattens<R: Serialize>(request: &R, expected: &[(&str, &str)]) {
    let params = crate::params::to_params(request).expect("the request flattens");
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    assert_eq!(params, expected);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, PartialEq, serde::Deserialize, serde::Serialize)]
    struct Thing {
        #[serde(rename = "Count", default, skip_serializing_if = "Option::is_none")]
        count: Option<i64>,
    }
    crate::decode_with_serde!(Thing);

    #[test]
    fn masked_numbers_decode_as_zeros() {
        let t: Thing = assert_response_decodes(r#"{"Count": 12**}"#);
        assert_eq!(t.count, Some(1200));
    }

    #[test]
    #[should_panic(expected = "the example fills no field")]
    fn an_example_that_fills_nothing_fails() {
        assert_response_decodes::<Thing>(r#"{"Other": 1}"#);
    }

    #[derive(Debug, Default, PartialEq)]
    struct Outer {
        inner: Vec<Inner>,
    }

    #[derive(Debug, Default, PartialEq)]
    struct Inner {
        count: Option<i64>,
    }

    impl Decode for Inner {
        fn decode(v: crate::de::Value, at: At<'_>) -> Result<Self, crate::de::Error> {
            let mut f = crate::de::Fields::new(v, at)?;
            Ok(Inner {
                count: f.opt("Count")?,
            })
        }
    }

    impl Decode for Outer {
        fn decode(v: crate::de::Value, at: At<'_>) -> Result<Self, crate::de::Error> {
            let mut f = crate::de::Fields::new(v, at)?;
            Ok(Outer {
                inner: f.list("Inner")?,
            })
        }
    }

    #[test]
    #[should_panic(expected = "keys of the example that no field takes: `Inner[1].Lost`, `Extra`")]
    fn a_key_with_no_field_fails() {
        assert_response_decodes::<Outer>(
            r#"{"Inner": [{"Count": 1}, {"Count": 2, "Lost": "x"}], "Extra": true}"#,
        );
    }

    #[test]
    fn keys_are_watched_only_inside_a_check() {
        let _ = crate::de::from_slice::<Outer>(br#"{"Inner": [], "Extra": 1}"#);
        let (decoded, unknown) = decode_watching::<Outer>(r#"{"Inner": {"Count": 3}}"#);
        assert_eq!(decoded.map(|o| o.inner.len()), Ok(1));
        assert!(unknown.is_empty(), "{unknown:?}");
    }

    #[test]
    fn flattening_is_compared_exactly() {
        assert_request_flattens(&Thing { count: Some(3) }, &[("Count", "3")]);
        let wrong = std::panic::catch_unwind(|| {
            assert_request_flattens(&Thing { count: Some(3) }, &[("Count", "4")])
        });
        assert!(wrong.is_err());
    }
}
