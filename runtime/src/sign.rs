//! Request signatures: `ACS3-HMAC-SHA256` (the default) and the RPC `HMAC-SHA1` query signature.
//!
//! These functions are pure: they take everything (nonce and date included) as input, so they can be checked
//! byte for byte against the official SDKs' vectors. The [`Client`](crate::Client) builds their inputs.
//!
//! Encoding rules (shared by both schemes): UTF-8 percent-encoding leaving only `A-Z a-z 0-9 - _ . ~` as they
//! are (space is `%20`, `*` is `%2A`); parameters sort by name in code-point order; empty values are kept.

use base64::Engine as _;
use hmac::{Hmac, Mac};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use sha2::{Digest, Sha256};

/// Every byte but the unreserved ones of RFC 3986 (`A-Z a-z 0-9 - _ . ~`).
const ENCODE_SET: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Name of the ACS3 scheme, first word of the `Authorization` header.
pub const ACS3_HMAC_SHA256: &str = "ACS3-HMAC-SHA256";

/// Percent-encodes `s` the way both signatures need it (`%20` for space, `%2A` for `*`, `~` kept).
pub fn percent_encode(s: &str) -> String {
    utf8_percent_encode(s, ENCODE_SET).to_string()
}

/// Form-encodes one name or value as the official SDKs put it on the wire: like [`percent_encode`] but with `+`
/// for a space.
pub fn form_encode(s: &str) -> String {
    // `+` itself is always `%2B`, so turning `%20` into `+` is unambiguous.
    percent_encode(s).replace("%20", "+")
}

/// Joins pairs into an `application/x-www-form-urlencoded` string (also used for URL query strings), keeping
/// their order.
pub fn form_urlencode(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", form_encode(k), form_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Lower-case hex SHA-256 of `bytes`.
pub fn hex_sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn sorted(pairs: &[(String, String)]) -> Vec<&(String, String)> {
    let mut v: Vec<&(String, String)> = pairs.iter().collect();
    // Rust compares `str` byte-wise, which for UTF-8 is code-point order.
    v.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    v
}

/// What an `ACS3-HMAC-SHA256` signature covers.
#[derive(Debug, Clone, Copy)]
pub struct Acs3Input<'a> {
    /// HTTP method, upper case (`GET`, `POST`).
    pub method: &'a str,
    /// Path of the URL, e.g. `/`.
    pub pathname: &'a str,
    /// Query parameters, decoded.
    pub query: &'a [(String, String)],
    /// Every header to sign, names as written (they are lower-cased for signing), values untrimmed.
    pub headers: &'a [(String, String)],
    /// The exact request body (empty when there is none).
    pub body: &'a [u8],
}

/// Every intermediate value of an `ACS3-HMAC-SHA256` signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acs3Signature {
    /// Lower-case hex SHA-256 of the body: the `x-acs-content-sha256` header.
    pub hashed_payload: String,
    /// Sorted `name=enc(value)` pairs joined with `&`.
    pub canonical_query_string: String,
    /// One `name:trimmed-value\n` line per header, sorted by lower-cased name.
    pub canonical_headers: String,
    /// Lower-cased header names, sorted, joined with `;`.
    pub signed_headers: String,
    /// The canonical request.
    pub canonical_request: String,
    /// `ACS3-HMAC-SHA256\n` + hex SHA-256 of the canonical request.
    pub string_to_sign: String,
    /// Lower-case hex HMAC-SHA256 of the string to sign, keyed with the access key secret.
    pub signature: String,
    /// The `Authorization` header value.
    pub authorization: String,
}

/// Computes the `ACS3-HMAC-SHA256` signature of a request.
pub fn sign_acs3(
    input: &Acs3Input<'_>,
    access_key_id: &str,
    access_key_secret: &str,
) -> Acs3Signature {
    let hashed_payload = hex_sha256(input.body);
    let canonical_query_string = sorted(input.query)
        .iter()
        .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    let mut headers: Vec<(String, &str)> = input
        .headers
        .iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), v.trim()))
        .collect();
    headers.sort_by(|a, b| a.0.cmp(&b.0));
    let canonical_headers: String = headers.iter().map(|(k, v)| format!("{k}:{v}\n")).collect();
    let signed_headers = headers
        .iter()
        .map(|(k, _)| k.as_str())
        .collect::<Vec<_>>()
        .join(";");
    let canonical_request = format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        input.method,
        input.pathname,
        canonical_query_string,
        canonical_headers,
        signed_headers,
        hashed_payload
    );
    let string_to_sign = format!(
        "{ACS3_HMAC_SHA256}\n{}",
        hex_sha256(canonical_request.as_bytes())
    );
    let mut mac = Hmac::<Sha256>::new_from_slice(access_key_secret.as_bytes())
        .expect("HMAC takes any key length");
    mac.update(string_to_sign.as_bytes());
    let signature = hex::encode(mac.finalize().into_bytes());
    let authorization =
        format!("{ACS3_HMAC_SHA256} Credential={access_key_id},SignedHeaders={signed_headers},Signature={signature}");
    Acs3Signature {
        hashed_payload,
        canonical_query_string,
        canonical_headers,
        signed_headers,
        canonical_request,
        string_to_sign,
        signature,
        authorization,
    }
}

/// Every intermediate value of an RPC `HMAC-SHA1` signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RpcSignature {
    /// All parameters (query and form body together), sorted, `enc(name)=enc(value)` joined with `&`.
    pub canonicalized_query_string: String,
    /// `METHOD&%2F&` + `enc(canonicalized_query_string)`.
    pub string_to_sign: String,
    /// Base64 HMAC-SHA1 of the string to sign, keyed with `secret + "&"`: the `Signature` parameter.
    pub signature: String,
}

/// Computes the RPC `HMAC-SHA1` signature (`SignatureVersion=1.0`) over every parameter of a request, query and
/// form body together, `Signature` itself excluded.
pub fn sign_rpc(
    method: &str,
    params: &[(String, String)],
    access_key_secret: &str,
) -> RpcSignature {
    let canonicalized_query_string = sorted(params)
        .iter()
        .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    let string_to_sign = format!(
        "{method}&%2F&{}",
        percent_encode(&canonicalized_query_string)
    );
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(format!("{access_key_secret}&").as_bytes())
        .expect("HMAC takes any key length");
    mac.update(string_to_sign.as_bytes());
    let signature = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    RpcSignature {
        canonicalized_query_string,
        string_to_sign,
        signature,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding() {
        assert_eq!(percent_encode("a b+c*~/=&%"), "a%20b%2Bc%2A~%2F%3D%26%25");
        assert_eq!(form_encode("a b+c*~"), "a+b%2Bc%2A~");
        assert_eq!(percent_encode("中"), "%E4%B8%AD");
        assert_eq!(percent_encode("-_.~AZaz09"), "-_.~AZaz09");
    }

    #[test]
    fn empty_sha256() {
        assert_eq!(
            hex_sha256(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
