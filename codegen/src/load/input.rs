//! How a page's bytes become text: UTF-8, UTF-16 with a byte order mark, GB18030; anything else is refused
//! with a [`Diagnostic`] at the file.

use crate::diag::{Code, Diagnostic};
use crate::model::Span;

/// A page's bytes as text. UTF-8 (with or without a BOM) is taken as it is; UTF-16 with a BOM and GB18030
/// (which covers GBK and GB2312, as Chinese pages saved on Windows often are) are decoded with a warning
/// saying so; anything else is refused with an error saying what the file looks like, rather than read as
/// replacement characters into an empty operation.
pub fn decode_page(file: &str, bytes: &[u8], diagnostics: &mut Vec<Diagnostic>) -> Option<String> {
    match decode(file, bytes) {
        Ok((text, note)) => {
            diagnostics.extend(note);
            Some(text)
        }
        Err(refused) => {
            diagnostics.push(*refused);
            None
        }
    }
}

fn decode(file: &str, bytes: &[u8]) -> Result<(String, Option<Diagnostic>), Box<Diagnostic>> {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom..]);
        if had_errors {
            return Err(Box::new(
                Diagnostic::new(
                    Code::BadByteOrderMark,
                    at(file),
                    format!(
                        "page starts with a {} byte order mark but is not valid {0}",
                        encoding.name()
                    ),
                    "this file",
                )
                .hint("save the page as UTF-8"),
            ));
        }
        let note = (encoding != encoding_rs::UTF_8).then(|| {
            Diagnostic::new(
                Code::NotUtf8,
                at(file),
                format!("page is {}, not UTF-8; decoded as {0}", encoding.name()),
                "this file",
            )
            .hint("save the page as UTF-8 to silence this")
        });
        return Ok((text.into_owned(), note));
    }
    if bytes.contains(&0) {
        return Err(Box::new(Diagnostic::new(Code::NotText,
            at(file),
            "page is not text: it has NUL bytes (UTF-16 without a byte order mark, or a binary file)",
            "this file",
        )
        .hint("save the page as UTF-8")));
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok((text.to_string(), None));
    }
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    if had_errors {
        return Err(Box::new(
            Diagnostic::new(
                Code::Undecodable,
                at(file),
                "page is neither UTF-8 nor GB18030/GBK text",
                "this file",
            )
            .hint("save the page as UTF-8"),
        ));
    }
    let note = Diagnostic::new(
        Code::NotUtf8,
        at(file),
        "page is not UTF-8; decoded as GB18030 (GBK)",
        "this file",
    )
    .hint("save the page as UTF-8 to silence this");
    Ok((text.into_owned(), Some(note)))
}

fn at(file: &str) -> Span {
    Span {
        file: file.to_string(),
        line: 1,
        column: 1,
    }
}
