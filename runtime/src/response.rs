//! From an answer to the response type or the right error: status, error bodies, request ids, waits asked for.

use std::time::Duration;

use crate::error::{sanitized, DecodeError, ServiceError, MAX_ID_CHARS, MAX_TEXT_CHARS};
use crate::transport::{HeaderMap, HttpResponse};
use crate::Error;

const BODY_EXCERPT_CHARS: usize = 300;

/// The response type of a successful answer, or the error the answer is.
pub(crate) fn decode<T: crate::de::Decode>(answer: &HttpResponse) -> Result<T, Error> {
    let header_request_id = request_id_header(&answer.headers);
    if (300..400).contains(&answer.status) {
        return Err(Error::Redirect {
            status: answer.status,
            location: answer
                .headers
                .get("location")
                .map(|v| sanitized(&String::from_utf8_lossy(v.as_bytes()), MAX_TEXT_CHARS)),
            request_id: header_request_id,
        });
    }
    // Only error answers ask for a wait; a success skips the header lookups.
    let retry_after = if (200..300).contains(&answer.status) {
        None
    } else {
        retry_after(&answer.headers)
    };
    decode_answer(
        answer.status,
        header_request_id.as_deref(),
        retry_after,
        &answer.body,
    )
}

/// The `x-acs-request-id` header (capped, control characters escaped).
pub(crate) fn request_id_header(headers: &HeaderMap) -> Option<String> {
    headers
        .get("x-acs-request-id")
        .and_then(|v| v.to_str().ok())
        .map(|id| sanitized(id, MAX_ID_CHARS))
}

pub(crate) fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut s: String = text.chars().take(BODY_EXCERPT_CHARS).collect();
    if text.chars().count() > BODY_EXCERPT_CHARS {
        s.push('…');
    }
    s
}

/// Finds `"RequestId":"…"` in a body that is not valid JSON (a truncated one, say).
pub(crate) fn scan_request_id(body: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(body);
    let at = text.find("\"RequestId\"")?;
    let rest = text[at + "\"RequestId\"".len()..]
        .trim_start()
        .strip_prefix(':')?
        .trim_start();
    let rest = rest.strip_prefix('"')?;
    let end = rest.find('"')?;
    Some(sanitized(&rest[..end], MAX_ID_CHARS)).filter(|s| !s.is_empty())
}

/// Turns an answer into the response type or the right error.
pub(crate) fn decode_answer<T: crate::de::Decode>(
    status: u16,
    header_request_id: Option<&str>,
    retry_after: Option<Duration>,
    body: &[u8],
) -> Result<T, Error> {
    let header_request_id = || header_request_id.map(str::to_string);
    if (200..300).contains(&status) {
        return crate::de::from_slice::<T>(body).map_err(|e| {
            Error::Decode(Box::new(DecodeError {
                status,
                message: format!("the body is not the expected JSON: {e}"),
                body_excerpt: excerpt(body),
                request_id: header_request_id().or_else(|| scan_request_id(body)),
                incomplete: false,
            }))
        });
    }
    match crate::error_body::parse(body) {
        Some(fields) => {
            let id = |s: String| sanitized(&s, MAX_ID_CHARS);
            let text = |s: String| sanitized(&s, MAX_TEXT_CHARS);
            // The message is cut already, saying how long it was (`error_body`).
            let message = |s: String| sanitized(&s, usize::MAX);
            Err(Error::Service(Box::new(ServiceError {
                status,
                code: fields.code.map(id).unwrap_or_default(),
                message: fields.message.map(message).unwrap_or_default(),
                request_id: fields.request_id.map(id).or_else(header_request_id),
                host_id: fields.host_id.map(id),
                recommend: fields.recommend.map(text),
                retry_after,
            })))
        }
        None => Err(Error::Decode(Box::new(DecodeError {
            status,
            message: "the error answer has no error code (neither a JSON nor an XML error body)"
                .into(),
            body_excerpt: excerpt(body),
            request_id: header_request_id().or_else(|| scan_request_id(body)),
            incomplete: false,
        }))),
    }
}

/// How long the answer asks to wait: `x-acs-retry-after` (milliseconds, as the official SDKs read it), else
/// `Retry-After` (seconds, or an HTTP date).
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    if let Some(ms) = header("x-acs-retry-after").and_then(|v| v.parse::<u64>().ok()) {
        return Some(Duration::from_millis(ms));
    }
    let v = header("retry-after")?;
    match v.parse::<u64>() {
        Ok(secs) => Some(Duration::from_secs(secs)),
        Err(_) => httpdate::parse_http_date(v).ok().map(|at| {
            at.duration_since(std::time::SystemTime::now())
                .unwrap_or_default()
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[test]
    fn decoding() {
        #[derive(Deserialize, Debug)]
        struct R {
            #[serde(rename = "RequestId")]
            _id: String,
        }
        crate::decode_with_serde!(R);
        let e = decode_answer::<R>(
            400,
            None,
            None,
            br#"{"RequestId":"R1","HostId":"h","Code":"InvalidParameter","Message":"bad","Recommend":"url"}"#,
        )
        .unwrap_err();
        match &e {
            Error::Service(s) => {
                assert_eq!(
                    (s.status, s.code.as_str(), s.message.as_str()),
                    (400, "InvalidParameter", "bad")
                );
                assert_eq!(s.host_id.as_deref(), Some("h"));
                assert_eq!(s.recommend.as_deref(), Some("url"));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(e.request_id(), Some("R1"));
        let e = decode_answer::<R>(
            502,
            Some("H1"),
            None,
            b"<html><body>Bad Gateway</body></html>",
        )
        .unwrap_err();
        assert!(matches!(&e, Error::Decode(d) if d.body_excerpt.contains("Bad Gateway")));
        assert_eq!((e.status(), e.request_id()), (Some(502), Some("H1")));
        let e = decode_answer::<R>(200, None, None, br#"{"RequestId":"R2","Data":{"#).unwrap_err();
        assert!(matches!(&e, Error::Decode(_)));
        assert_eq!(e.request_id(), Some("R2"));
        let e = decode_answer::<R>(404, None, None, b"").unwrap_err();
        assert!(matches!(&e, Error::Decode(d) if d.status == 404));
        assert!(decode_answer::<R>(200, None, None, br#"{"RequestId":"R3"}"#).is_ok());
        let long = vec![b'x'; 10_000];
        let e = decode_answer::<R>(500, None, None, &long).unwrap_err();
        assert!(
            matches!(&e, Error::Decode(d) if d.body_excerpt.chars().count() <= BODY_EXCERPT_CHARS + 1)
        );
    }
}
