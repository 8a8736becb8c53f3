//! The fields of an error answer, read leniently: the service's gateways and products do not all write them alike.
//!
//! - JSON or XML (`<Error><Code>…</Code>…</Error>`, as some gateways answer whatever `Format` asked);
//! - both spellings of the keys (`Code`/`code`, `RequestId`/`requestId`, …), also under an `Error` object;
//! - any scalar as text (a numeric `Message` or `RequestId`), any other value as its JSON text (an object
//!   `HostId`), so one odd field never loses the code.

use serde_json::{Map, Value};

/// Longest message kept, in characters: a 50 MB message must not be copied into every error and log line.
pub(crate) const MAX_MESSAGE_CHARS: usize = 1024;

/// What an error body says; every field is optional.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct ErrorFields {
    pub code: Option<String>,
    pub message: Option<String>,
    pub request_id: Option<String>,
    pub host_id: Option<String>,
    pub recommend: Option<String>,
}

const CODE: [&str; 2] = ["Code", "code"];
const MESSAGE: [&str; 2] = ["Message", "message"];
const REQUEST_ID: [&str; 3] = ["RequestId", "requestId", "request_id"];
const HOST_ID: [&str; 2] = ["HostId", "hostId"];
const RECOMMEND: [&str; 2] = ["Recommend", "recommend"];

/// Reads an error body as JSON, else as XML; `None` when it is neither or names no code.
pub(crate) fn parse(body: &[u8]) -> Option<ErrorFields> {
    let fields = match serde_json::from_slice::<Value>(&crate::de::shallow(body)) {
        Ok(Value::Object(map)) => from_json(&map),
        Ok(_) => return None,
        Err(_) => from_xml(std::str::from_utf8(body).ok()?)?,
    };
    fields.code.is_some().then_some(fields)
}

fn from_json(map: &Map<String, Value>) -> ErrorFields {
    let nested = ["Error", "error"]
        .iter()
        .find_map(|k| map.get(*k).and_then(Value::as_object));
    let get = |keys: &[&str]| {
        let find = |m: &Map<String, Value>| keys.iter().find_map(|k| m.get(*k)).and_then(text);
        find(map).or_else(|| nested.and_then(find))
    };
    ErrorFields {
        code: get(&CODE),
        message: get(&MESSAGE).map(|m| cap_message(&m)),
        request_id: get(&REQUEST_ID),
        host_id: get(&HOST_ID),
        recommend: get(&RECOMMEND),
    }
}

/// A value as text: scalars written out, `null` and `""` absent, objects and lists as their JSON.
fn text(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        other => Some(other.to_string()),
    }
    .filter(|s| !s.is_empty())
}

fn from_xml(text: &str) -> Option<ErrorFields> {
    let doc = roxmltree::Document::parse(text).ok()?;
    let root = doc.root_element();
    let get = |keys: &[&str]| {
        root.children()
            .filter(|n| n.is_element() && keys.contains(&n.tag_name().name()))
            .find_map(|n| n.text().map(str::trim).filter(|t| !t.is_empty()))
            .map(str::to_string)
    };
    Some(ErrorFields {
        code: get(&CODE),
        message: get(&MESSAGE).map(|m| cap_message(&m)),
        request_id: get(&REQUEST_ID),
        host_id: get(&HOST_ID),
        recommend: get(&RECOMMEND),
    })
}

/// `message` cut to [`MAX_MESSAGE_CHARS`], saying how long it was.
pub(crate) fn cap_message(message: &str) -> String {
    match message.char_indices().nth(MAX_MESSAGE_CHARS) {
        None => message.to_string(),
        Some((end, _)) => format!("{}… ({} bytes in all)", &message[..end], message.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(body: &str) -> ErrorFields {
        parse(body.as_bytes()).unwrap_or_else(|| panic!("no code in {body}"))
    }

    #[test]
    fn scalars_of_any_type_are_text() {
        let f = fields(
            r#"{"Code":"Throttling.User","Message":404,"RequestId":12345,"HostId":{"a":1}}"#,
        );
        assert_eq!(f.code.as_deref(), Some("Throttling.User"));
        assert_eq!(f.message.as_deref(), Some("404"));
        assert_eq!(f.request_id.as_deref(), Some("12345"));
        assert_eq!(f.host_id.as_deref(), Some(r#"{"a":1}"#));
        assert_eq!(fields(r#"{"Code":400}"#).code.as_deref(), Some("400"));
    }

    #[test]
    fn both_spellings_and_a_nested_error_object() {
        let f = fields(
            r#"{"code":"InvalidParameter","message":"bad","requestId":"R1","recommend":"u"}"#,
        );
        assert_eq!(
            (
                f.code.as_deref(),
                f.message.as_deref(),
                f.request_id.as_deref(),
                f.recommend.as_deref()
            ),
            (Some("InvalidParameter"), Some("bad"), Some("R1"), Some("u"))
        );
        let f = fields(r#"{"RequestId":"R2","Error":{"Code":"Forbidden","Message":"no"}}"#);
        assert_eq!(
            (f.code.as_deref(), f.request_id.as_deref()),
            (Some("Forbidden"), Some("R2"))
        );
    }

    #[test]
    fn xml_error_bodies() {
        let f = fields(
            "<?xml version='1.0' encoding='UTF-8'?><Error><RequestId>R3</RequestId><HostId>config.aliyuncs.com</HostId>\
             <Code>Throttling</Code><Message>Request was denied due to request throttling.</Message></Error>",
        );
        assert_eq!(f.code.as_deref(), Some("Throttling"));
        assert_eq!(f.request_id.as_deref(), Some("R3"));
        assert_eq!(f.host_id.as_deref(), Some("config.aliyuncs.com"));
    }

    #[test]
    fn no_code_no_fields() {
        for body in [
            "",
            "[1]",
            r#"{"Message":"x"}"#,
            "<html>502</html>",
            r#"{"Code":null}"#,
            "\u{0}",
        ] {
            assert_eq!(parse(body.as_bytes()), None, "{body:?}");
        }
    }

    #[test]
    fn long_messages_are_cut() {
        let long = "é".repeat(MAX_MESSAGE_CHARS * 3);
        let m = cap_message(&long);
        assert_eq!(m.chars().filter(|c| *c == 'é').count(), MAX_MESSAGE_CHARS);
        assert!(
            m.ends_with(&format!("({} bytes in all)", long.len())),
            "{m}"
        );
        assert_eq!(cap_message("short"), "short");
    }
}
