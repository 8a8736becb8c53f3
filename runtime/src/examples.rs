//! Checks of a page's examples against the generated types, shared by the generated crates' `tests/`.
//!
//! Each generated crate has one test per documented example; the checks themselves live here, once.

use crate::de::Decode;
use serde::Serialize;

/// The pages mask values (`"AccountId": "100931896542****"`), numbers included. Masking is a documentation
/// artifact, so the example is read with every `*` as `0`; the client itself stays strict and rejects such a
/// value in a numeric field.
pub fn unmask(json: &str) -> String {
    json.replace('*', "0")
}

/// Decodes a documented JSON response example (unmasked) into `T`, and panics unless it decodes and fills at
/// least one field.
#[track_caller]
pub fn assert_response_decodes<T: Decode + Default + PartialEq + std::fmt::Debug>(json: &str) -> T {
    let response: T = match crate::de::from_slice(unmask(json).as_bytes()) {
        Ok(response) => response,
        Err(e) => panic!("the example decodes: {e}"),
    };
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

    #[test]
    fn flattening_is_compared_exactly() {
        assert_request_flattens(&Thing { count: Some(3) }, &[("Count", "3")]);
        let wrong = std::panic::catch_unwind(|| {
            assert_request_flattens(&Thing { count: Some(3) }, &[("Count", "4")])
        });
        assert!(wrong.is_err());
    }
}
