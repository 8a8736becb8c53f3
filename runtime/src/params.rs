//! Flattening a request into RPC-style parameters.
//!
//! A request serializes (serde) to a JSON object keyed by wire names. RPC APIs take flat `name=value` pairs, so
//! nested values are flattened:
//!
//! | JSON                                  | parameters                                   |
//! | ------------------------------------- | -------------------------------------------- |
//! | `{"Ids": ["a", "b"]}`                 | `Ids.1=a`, `Ids.2=b` (1-based)               |
//! | `{"Tag": [{"Key": "k", "Value": 1}]}` | `Tag.1.Key=k`, `Tag.1.Value=1`               |
//! | `{"A": {"B": true}}`                  | `A.B=true`                                   |
//! | `{"A": null}`                         | nothing                                      |
//!
//! Strings go as they are, numbers as serde_json writes them, booleans as `true` / `false`. Empty lists and
//! objects give no parameter; an empty string is kept (`Name=`).
//!
//! Some parameters are not sent flat: their field serializes to one string first, which then goes as it is.
//! [`json_text`] gives the value's JSON text (`ConfigRules=[{"Id":"a"}]`), [`comma_joined`] a list's items
//! joined by commas (`ResourceTypesScope=ACS::ECS::Instance,ACS::RDS::DBInstance`), as Alibaba Cloud's SDKs
//! send them. Generated request types name them in `#[serde(serialize_with = "…")]`.

use serde::{Serialize, Serializer};
use serde_json::Value;

use crate::Error;

/// Serializes `request` and flattens it into `(name, value)` pairs sorted by name (code-point order).
///
/// Fails with [`Error::Config`] when the request does not serialize to a JSON object (or `null`, which gives no
/// parameter).
pub fn to_params<T: Serialize + ?Sized>(request: &T) -> Result<Vec<(String, String)>, Error> {
    let value = serde_json::to_value(request)
        .map_err(|e| Error::Config(format!("the request could not be serialized: {e}")))?;
    flatten_owned(value)
}

/// Flattens a JSON object into `(name, value)` pairs sorted by name (code-point order); see the module docs.
pub fn flatten(value: &Value) -> Result<Vec<(String, String)>, Error> {
    flatten_owned(value.clone())
}

/// [`flatten`], moving names and strings out of the value instead of copying them.
fn flatten_owned(value: Value) -> Result<Vec<(String, String)>, Error> {
    let mut out = Vec::new();
    match value {
        Value::Null => {}
        Value::Object(map) => {
            for (k, v) in map {
                flatten_into(k, v, &mut out);
            }
        }
        other => {
            return Err(Error::Config(format!(
                "a request must serialize to a JSON object, not {}",
                kind(&other)
            )))
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// Serializes a structured parameter as one string holding its JSON text (`ConfigRules=[{"Id":"a"}]`).
pub fn json_text<T: Serialize + ?Sized, S: Serializer>(value: &T, s: S) -> Result<S::Ok, S::Error> {
    let text = serde_json::to_string(value).map_err(<S::Error as serde::ser::Error>::custom)?;
    s.serialize_str(&text)
}

/// Serializes a list as one string holding its items joined by commas (`Scope=a,b`): strings as they are,
/// numbers and booleans as [`flatten`] writes them, anything else as its JSON text. An empty list is an empty
/// string.
pub fn comma_joined<T: Serialize, S: Serializer>(items: &[T], s: S) -> Result<S::Ok, S::Error> {
    let mut text = String::new();
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            text.push(',');
        }
        match serde_json::to_value(item).map_err(<S::Error as serde::ser::Error>::custom)? {
            Value::String(v) => text.push_str(&v),
            Value::Null => {}
            Value::Bool(b) => text.push_str(if b { "true" } else { "false" }),
            Value::Number(n) => text.push_str(&n.to_string()),
            other => text.push_str(&other.to_string()),
        }
    }
    s.serialize_str(&text)
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn flatten_into(prefix: String, value: Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Null => {}
        Value::Bool(b) => out.push((prefix, b.to_string())),
        Value::Number(n) => out.push((prefix, n.to_string())),
        Value::String(s) => out.push((prefix, s)),
        Value::Array(items) => {
            for (i, item) in items.into_iter().enumerate() {
                flatten_into(format!("{prefix}.{}", i + 1), item, out);
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                flatten_into(format!("{prefix}.{k}"), v, out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pairs(v: Value) -> Vec<(String, String)> {
        flatten(&v).unwrap()
    }

    fn p(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn scalars() {
        assert_eq!(
            pairs(
                json!({"S": "a b", "N": 12, "F": 1.5, "T": true, "B": false, "E": "", "Neg": -3})
            ),
            p(&[
                ("B", "false"),
                ("E", ""),
                ("F", "1.5"),
                ("N", "12"),
                ("Neg", "-3"),
                ("S", "a b"),
                ("T", "true")
            ])
        );
    }

    #[test]
    fn nulls_and_empty_containers_are_left_out() {
        assert_eq!(
            pairs(json!({"A": null, "L": [], "O": {}, "X": [null]})),
            p(&[])
        );
        assert_eq!(pairs(Value::Null), p(&[]));
    }

    #[test]
    fn arrays_are_one_based() {
        let names: Vec<String> = (1..=11).map(|i| format!("r{i}")).collect();
        let got = pairs(json!({ "ResourceTypes": names }));
        assert_eq!(got.len(), 11);
        assert!(got.contains(&("ResourceTypes.1".into(), "r1".into())));
        assert!(got.contains(&("ResourceTypes.11".into(), "r11".into())));
        // code-point order: .10 and .11 sort before .2
        assert_eq!(got[1].0, "ResourceTypes.10");
    }

    #[test]
    fn objects_in_arrays_and_nested_objects() {
        assert_eq!(
            pairs(json!({
                "Tag": [{"Key": "env", "Value": "prod"}, {"Key": "team", "Value": null}],
                "A": {"B": {"C": 1}, "D": [true]},
                "M": [[1, 2]]
            })),
            p(&[
                ("A.B.C", "1"),
                ("A.D.1", "true"),
                ("M.1.1", "1"),
                ("M.1.2", "2"),
                ("Tag.1.Key", "env"),
                ("Tag.1.Value", "prod"),
                ("Tag.2.Key", "team"),
            ])
        );
    }

    #[test]
    fn strings_are_not_reencoded() {
        // JSON-text parameters are strings already: they pass through untouched.
        assert_eq!(
            pairs(json!({"Tag": "[{\"Key\":\"env\"}]"})),
            p(&[("Tag", "[{\"Key\":\"env\"}]")])
        );
    }

    #[derive(Serialize)]
    struct Encoded {
        #[serde(rename = "Rules", serialize_with = "json_text")]
        rules: Vec<Rule>,
        #[serde(rename = "Scope", serialize_with = "comma_joined")]
        scope: Vec<String>,
        #[serde(rename = "Offsets", serialize_with = "comma_joined")]
        offsets: Vec<i64>,
        #[serde(rename = "Tag")]
        tag: Vec<Rule>,
    }

    #[derive(Serialize)]
    struct Rule {
        #[serde(rename = "Id")]
        id: String,
        #[serde(rename = "Params")]
        params: Vec<u8>,
    }

    #[test]
    fn each_encoding_goes_on_the_wire_as_the_sdk_sends_it() {
        let got = to_params(&Encoded {
            rules: vec![Rule {
                id: "a,b".into(),
                params: vec![1, 2],
            }],
            scope: vec!["ACS::ECS::Instance".into(), "ACS::RDS::DBInstance".into()],
            offsets: vec![10, -2],
            tag: vec![Rule {
                id: "k".into(),
                params: vec![3],
            }],
        })
        .unwrap();
        assert_eq!(
            got,
            p(&[
                ("Offsets", "10,-2"),
                ("Rules", r#"[{"Id":"a,b","Params":[1,2]}]"#),
                ("Scope", "ACS::ECS::Instance,ACS::RDS::DBInstance"),
                ("Tag.1.Id", "k"),
                ("Tag.1.Params.1", "3"),
            ])
        );
    }

    #[test]
    fn an_empty_joined_list_is_an_empty_parameter() {
        let got = to_params(&Encoded {
            rules: vec![],
            scope: vec![],
            offsets: vec![],
            tag: vec![],
        })
        .unwrap();
        assert_eq!(got, p(&[("Offsets", ""), ("Rules", "[]"), ("Scope", "")]));
    }

    #[test]
    fn non_objects_are_refused() {
        assert!(matches!(flatten(&json!([1])), Err(Error::Config(_))));
        assert!(matches!(flatten(&json!("x")), Err(Error::Config(_))));
    }

    #[test]
    fn serializes_structs() {
        #[derive(Serialize)]
        #[serde(rename_all = "PascalCase")]
        struct Req {
            region_id: String,
            #[serde(skip_serializing_if = "Option::is_none")]
            max_results: Option<i32>,
            ids: Vec<String>,
        }
        let got = to_params(&Req {
            region_id: "cn-shanghai".into(),
            max_results: None,
            ids: vec!["x".into()],
        })
        .unwrap();
        assert_eq!(got, p(&[("Ids.1", "x"), ("RegionId", "cn-shanghai")]));
    }
}
