//! What a documentation page is, when it is not an operation's reference page: the pages every product's
//! API reference carries beside its operations (common parameters, signatures, endpoints, error codes,
//! overviews, the calling method). Told by what the page holds first, by its title second: a page of the
//! common parameters documents `AccessKeyId`, `Signature`, `SignatureNonce`…, whatever its sample request
//! names; an error-code page is titled so and documents no parameter (an FAQ may hold an error table too).

use crate::pages::{Page, SectionKind};
use crate::read::{self, PageOperation};

/// A page of the API reference that documents no operation of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PageKind {
    /// The parameters every request carries (`AccessKeyId`, `Signature`, `Timestamp`…).
    CommonParameters,
    /// How requests are signed.
    Signature,
    /// How to call the API: request structure, endpoints, protocols, response format.
    CallingMethod,
    /// The product's error codes, in one table.
    ErrorCodes,
    /// A list of the operations.
    Overview,
    /// The fields of a type the operations use (`数据类型` / Data types), documented on its own page.
    DataType,
}

impl PageKind {
    pub fn describe(self) -> &'static str {
        match self {
            PageKind::CommonParameters => "the common parameters page",
            PageKind::Signature => "the signature page",
            PageKind::CallingMethod => "a page of how to call the API",
            PageKind::ErrorCodes => "the product's error codes",
            PageKind::Overview => "an overview of the operations",
            PageKind::DataType => "a data type page",
        }
    }
}

/// The parameters of the RPC signature that only a common-parameters page documents as fields.
const SIGNATURE_FIELDS: [&str; 6] = [
    "AccessKeyId",
    "Signature",
    "SignatureMethod",
    "SignatureVersion",
    "SignatureNonce",
    "Timestamp",
];

/// The kind of a page that is not an operation's, or `None` for an operation's page (and for pages that
/// are not about the API at all).
pub fn kind(page: &Page, text: &str, op: Option<&PageOperation>) -> Option<PageKind> {
    let fields: Vec<&str> = op
        .map(|op| op.request.iter().map(|f| f.name.as_str()).collect())
        .unwrap_or_default();
    let signature_fields = fields
        .iter()
        .filter(|f| SIGNATURE_FIELDS.contains(f))
        .count();
    if signature_fields >= 3 {
        return Some(PageKind::CommonParameters);
    }
    // Fields and no request: no `Action` row, no sample request, no Explorer link, no request line.
    let data_type = op.is_some_and(|op| op.request.is_empty() && !op.response.is_empty())
        && !has_action_row(page)
        && !text.contains("Action=")
        && !text.contains("api.aliyun.com")
        && !text.contains("HTTP/1.1");
    if data_type {
        return Some(PageKind::DataType);
    }
    let title = title(page);
    // An operation's page is titled with its name (`DescribeVpcs`, `CreateVpc - 创建VPC`).
    let first = title.split_whitespace().next().unwrap_or("");
    let named_like_an_operation =
        read::is_identifier(first) && first.chars().skip(1).any(|c| c.is_ascii_uppercase());
    if op.is_some_and(|op| op.request.len() + op.response.len() > 0) && named_like_an_operation {
        return None;
    }
    let t = title.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| t.contains(w));
    let by_title = if has(&["公共参数", "common parameter", "common request parameter"]) {
        Some(PageKind::CommonParameters)
    } else if has(&["签名", "signature"]) {
        Some(PageKind::Signature)
    } else if has(&["错误码", "error code"]) {
        Some(PageKind::ErrorCodes)
    } else if has(&[
        "请求结构",
        "接入点",
        "接入地址",
        "服务地址",
        "调用方式",
        "调用api",
        "返回结果",
        "request structure",
        "request syntax",
        "request method",
        "endpoint",
        "call method",
        "calling method",
        "call api",
        "responses",
        "response result",
    ]) {
        Some(PageKind::CallingMethod)
    } else if has(&[
        "api概览",
        "api 概览",
        "api overview",
        "list of operations",
        "api列表",
    ]) {
        Some(PageKind::Overview)
    } else {
        None
    };
    // An error-code page is titled so: an FAQ or a response-format page may hold an error table too.
    let errors_only = by_title == Some(PageKind::ErrorCodes)
        && op.is_none_or(|op| op.request.is_empty() && op.response.is_empty());
    match by_title {
        Some(PageKind::ErrorCodes) if !errors_only => None,
        kind => kind,
    }
}

/// The page's title: its `#` heading, else its first line (copied text), without heading attributes.
pub fn title(page: &Page) -> String {
    if let Some(t) = page.title() {
        return t.text.clone();
    }
    page.lines
        .iter()
        .map(|l| l.trim())
        .find(|l| !l.is_empty())
        .unwrap_or_default()
        .trim_start_matches('#')
        .trim()
        .to_string()
}

/// The page's error tables (a code column and a status or message column), by index.
pub fn error_table_rows(page: &Page) -> Vec<usize> {
    page.tables
        .iter()
        .enumerate()
        .filter(|(_, t)| {
            let cols: Vec<read::Column> = t.header.iter().map(|c| read::column(&c.raw)).collect();
            cols.contains(&read::Column::Code)
                && (cols.contains(&read::Column::Status) || cols.contains(&read::Column::Message))
                && (t.section == SectionKind::Errors || t.section == SectionKind::Other)
        })
        .map(|(i, _)| i)
        .collect()
}

/// Whether a request table of the page has an `Action` row: the surest sign of an operation's page.
pub fn has_action_row(page: &Page) -> bool {
    page.tables.iter().any(|t| {
        t.rows.iter().any(|r| {
            r.cells
                .first()
                .is_some_and(|c| c.raw.trim().trim_matches('*').trim() == "Action")
        })
    })
}

/// Whether the page sends its reader to the error centre for its error codes.
pub fn links_error_centre(text: &str) -> bool {
    text.contains("error-center.")
}

/// The API version a common-parameters page gives: a `YYYY-MM-DD` in its `Version` row.
pub fn version_row(page: &Page) -> Option<String> {
    page.tables.iter().flat_map(|t| &t.rows).find_map(|r| {
        let name = r.cells.first()?.raw.trim().trim_matches('*').trim();
        if name != "Version" {
            return None;
        }
        r.cells.iter().skip(1).find_map(|c| date_in(&c.raw))
    })
}

/// The first `YYYY-MM-DD` in the text.
fn date_in(text: &str) -> Option<String> {
    let b = text.as_bytes();
    (0..b.len().saturating_sub(9)).find_map(|i| {
        let w = &b[i..i + 10];
        let ok = w.iter().enumerate().all(|(j, c)| match j {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        });
        let alone = (i == 0 || !b[i - 1].is_ascii_digit())
            && b.get(i + 10).is_none_or(|c| !c.is_ascii_digit());
        (ok && alone).then(|| text[i..i + 10].to_string())
    })
}
