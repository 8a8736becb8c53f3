//! The examples on a page: the sample request's parameters and the JSON/XML success responses, kept verbatim,
//! and the shape the response examples show, which `nest` uses to recover the tree of a flat response table.
//!
//! Copied-text pages have no code fences, so examples are found by their form (a `{` that starts a JSON
//! value, an `<XResponse>` element, a URL with `Action=`), not by markup.

use crate::model::Scalar;
use std::collections::BTreeMap;

/// What an example shows about one value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    Object(BTreeMap<String, Node>),
    Array(Box<Node>),
    /// A string, number or boolean whose type the example does not tell (XML text, `null`, an empty list's items).
    Scalar,
    /// A JSON string, number or boolean.
    Value(Scalar),
}

impl Node {
    /// Children of an object, or of the objects in an array.
    pub fn children(&self) -> Option<&BTreeMap<String, Node>> {
        match self {
            Node::Object(m) => Some(m),
            Node::Array(item) => item.children(),
            Node::Scalar | Node::Value(_) => None,
        }
    }

    /// Both examples together: what either shows.
    pub fn union(self, other: Node) -> Node {
        match (self, other) {
            (Node::Object(mut a), Node::Object(b)) => {
                for (k, v) in b {
                    let merged = match a.remove(&k) {
                        Some(old) => old.union(v),
                        None => v,
                    };
                    a.insert(k, merged);
                }
                Node::Object(a)
            }
            (Node::Array(a), Node::Array(b)) => Node::Array(Box::new(a.union(*b))),
            // JSON says array, XML (one element) says object: the array is right.
            (Node::Array(a), o @ Node::Object(_)) | (o @ Node::Object(_), Node::Array(a)) => {
                Node::Array(Box::new(a.union(o)))
            }
            (Node::Scalar, n) | (n, Node::Scalar) => n,
            (v @ Node::Value(_), Node::Value(_)) => v,
            (Node::Value(_), n) | (n, Node::Value(_)) => n,
        }
    }

    /// What a JSON value shows.
    pub fn from_json(v: &serde_json::Value) -> Node {
        match v {
            serde_json::Value::Object(m) => Node::Object(
                m.iter()
                    .map(|(k, v)| (k.clone(), Node::from_json(v)))
                    .collect(),
            ),
            serde_json::Value::Array(items) => Node::Array(Box::new(
                items
                    .iter()
                    .map(Node::from_json)
                    .fold(Node::Scalar, Node::union),
            )),
            serde_json::Value::String(_) => Node::Value(Scalar::String),
            serde_json::Value::Bool(_) => Node::Value(Scalar::Boolean),
            serde_json::Value::Number(n) if n.is_f64() => Node::Value(Scalar::Double),
            serde_json::Value::Number(_) => Node::Value(Scalar::Long),
            serde_json::Value::Null => Node::Scalar,
        }
    }

    /// The field shape this example value suggests, for fields the table does not list; the fields inside
    /// have `origin`.
    pub fn shape(&self, origin: crate::model::Origin) -> crate::model::Shape {
        use crate::model::{Field, Shape};
        match self {
            Node::Object(m) => Shape::Object(
                m.iter()
                    .map(|(k, v)| Field {
                        name: k.clone(),
                        shape: v.shape(origin),
                        required: false,
                        docs: Default::default(),
                        example: None,
                        encoding: Default::default(),
                        location: None,
                        origin,
                        span: Default::default(),
                    })
                    .collect(),
            ),
            Node::Array(item) => Shape::Array(Box::new(item.shape(origin))),
            Node::Value(s) => Shape::Scalar(*s),
            Node::Scalar => Shape::Scalar(Scalar::String),
        }
    }

    fn from_xml(e: roxmltree::Node) -> Node {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        let elements: Vec<_> = e.children().filter(|c| c.is_element()).collect();
        if elements.is_empty() {
            return Node::Scalar;
        }
        for c in &elements {
            *counts.entry(c.tag_name().name()).or_default() += 1;
        }
        let mut m: BTreeMap<String, Node> = BTreeMap::new();
        for c in elements {
            let name = c.tag_name().name();
            let mut node = Node::from_xml(c);
            if counts[name] > 1 {
                node = Node::Array(Box::new(node));
            }
            let merged = match m.remove(name) {
                Some(old) => old.union(node),
                None => node,
            };
            m.insert(name.to_string(), merged);
        }
        Node::Object(m)
    }
}

/// The examples of one page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageExamples {
    pub request: Vec<(String, String)>,
    /// `Action=` of the sample request, with its line.
    pub action: Option<(String, u32)>,
    pub json: Option<String>,
    pub xml: Option<String>,
    /// The response shape the examples show (JSON and XML together).
    pub shape: Option<Node>,
    /// The XML example's root element (`GetXResponse`).
    pub xml_root: Option<String>,
    /// The lines the JSON and XML examples start on.
    pub json_line: Option<u32>,
    pub xml_line: Option<u32>,
    /// Lists the JSON example shows flat (`"Boxes": [...]`) and the XML example wraps
    /// (`<Boxes><Box>`), as dotted paths: the shape takes the XML form.
    pub xml_wrapped: Vec<String>,
}

/// Finds the examples in the given lines (1-based numbers).
pub fn find(lines: &[(u32, &str)]) -> PageExamples {
    let mut ex = PageExamples::default();
    let body: Vec<(u32, &str)> = lines
        .iter()
        .copied()
        .filter(|(_, l)| !l.trim_start().starts_with("```"))
        .collect();
    find_request(&body, &mut ex);
    let text: String = body.iter().map(|(_, l)| format!("{l}\n")).collect();
    let starts: Vec<usize> = line_starts(&text);
    // Some pages annotate their JSON (`"RequestId": "…", /* Return result data */`): blanked out, offsets
    // kept.
    let json_text = without_line_comments(&text);
    // Every JSON object that starts a line and is not inside an earlier one; the response is the first with
    // `RequestId` at its top (a page may also show JSON parameter values or error bodies), else the first.
    let mut candidates: Vec<(usize, usize, serde_json::Value)> = Vec::new();
    for &s in &starts {
        if candidates.last().is_some_and(|(_, end, _)| s < *end)
            || !text[s..].trim_start_matches([' ', '\t']).starts_with('{')
        {
            continue;
        }
        let mut stream =
            serde_json::Deserializer::from_str(&json_text[s..]).into_iter::<serde_json::Value>();
        if let Some(Ok(v @ serde_json::Value::Object(_))) = stream.next() {
            candidates.push((s, s + stream.byte_offset(), v));
        }
    }
    let chosen = candidates
        .iter()
        .find(|(_, _, v)| v.get("RequestId").is_some())
        .or_else(|| candidates.first());
    let json_node = chosen.map(|(s, e, v)| {
        ex.json = Some(dedent(&json_text[*s..*e]));
        ex.json_line = body.get(text[..*s].matches('\n').count()).map(|(n, _)| *n);
        Node::from_json(v)
    });
    let mut xml_node = None;
    for &s in &starts {
        let line = text[s..].lines().next().unwrap_or("").trim();
        let Some(tag) = opening_tag(line) else {
            continue;
        };
        let close = format!("</{tag}>");
        let Some(end) = text[s..].find(&close).map(|e| s + e + close.len()) else {
            continue;
        };
        let raw = &text[s..end];
        if let Ok(doc) = roxmltree::Document::parse(raw.trim()) {
            ex.xml = Some(dedent(raw));
            ex.xml_line = body.get(text[..s].matches('\n').count()).map(|(n, _)| *n);
            let root = doc.root_element();
            ex.xml_root = Some(root.tag_name().name().to_string());
            xml_node = Some((root.tag_name().name().to_string(), Node::from_xml(root)));
        }
        // Only the first element is the response; an element inside a broken one is not.
        break;
    }
    // The root element is the body (`<XResponse>`), except where the page shows a fragment that starts
    // at a field the JSON example has at its top (`<Items>…</Items><RequestId>…`).
    let xml_node = xml_node.map(|(root, node)| {
        let field = json_node
            .as_ref()
            .and_then(Node::children)
            .is_some_and(|c| c.contains_key(&root));
        if field {
            Node::Object(BTreeMap::from([(root, node)]))
        } else {
            node
        }
    });
    ex.shape = match (json_node, xml_node) {
        (Some(j), Some(x)) => {
            let j = xml_wrappers(j, &x, "", &mut ex.xml_wrapped);
            Some(j.union(x))
        }
        (j, x) => j.or(x),
    };
    ex
}

/// A response example wrapped in an envelope (`{"code": "200", "data": {...}}`, `{"XResponse": {...}}`)
/// still shows the response inside: where the table documents none of the envelope's names but does
/// document names inside its one object, that object is the response. Returns the envelope's name.
pub fn unwrap_envelope(
    shape: &mut Option<Node>,
    documented: &dyn Fn(&str) -> bool,
) -> Option<String> {
    let Some(Node::Object(root)) = shape.as_ref() else {
        return None;
    };
    if root.keys().any(|k| documented(k)) {
        return None;
    }
    let mut objects = root.iter().filter(|(_, v)| matches!(v, Node::Object(_)));
    let (name, inner) = objects.next()?;
    if objects.next().is_some() {
        return None;
    }
    let shows_documented = inner
        .children()
        .is_some_and(|c| c.keys().any(|k| documented(k)));
    if !shows_documented {
        return None;
    }
    let name = name.clone();
    *shape = Some(inner.clone());
    Some(name)
}

/// The XML example is the wire form Alibaba's SDKs follow: where it wraps a list in an element of its own
/// (`<Boxes><Box>…</Box></Boxes>`) and the JSON example shows the list flat (`"Boxes": [...]`), the JSON
/// takes the XML form. The paths changed are recorded.
fn xml_wrappers(json: Node, xml: &Node, path: &str, changed: &mut Vec<String>) -> Node {
    let at = |k: &str| {
        if path.is_empty() {
            k.to_string()
        } else {
            format!("{path}.{k}")
        }
    };
    match (json, xml) {
        (Node::Object(jm), Node::Object(xm)) => Node::Object(
            jm.into_iter()
                .map(|(k, v)| {
                    let v = match xm.get(&k) {
                        Some(x) => xml_wrappers(v, x, &at(&k), changed),
                        None => v,
                    };
                    (k, v)
                })
                .collect(),
        ),
        (Node::Array(item), Node::Array(x)) => {
            Node::Array(Box::new(xml_wrappers(*item, x, path, changed)))
        }
        (Node::Array(item), Node::Object(xm)) => {
            let wrapped = match (xm.len(), xm.iter().next()) {
                (1, Some((k, inner @ (Node::Array(_) | Node::Object(_)))))
                    if item.children().is_none() =>
                {
                    Some((k.clone(), inner))
                }
                _ => None,
            };
            match wrapped {
                Some((k, inner)) => {
                    changed.push(path.to_string());
                    let inner_item = match inner {
                        Node::Array(i) => i.as_ref(),
                        other => other,
                    };
                    let item = xml_wrappers(*item, inner_item, &at(&k), changed);
                    Node::Object(BTreeMap::from([(k, Node::Array(Box::new(item)))]))
                }
                None => Node::Array(item),
            }
        }
        (j, _) => j,
    }
}

/// `/* … */` comments that open and close on one line, replaced by spaces of the same length.
fn without_line_comments(text: &str) -> String {
    text.split_inclusive('\n')
        .map(|line| {
            let mut out = line.to_string();
            while let Some(open) = out.find("/*") {
                let Some(close) = out[open..].find("*/").map(|c| open + c + 2) else {
                    break;
                };
                out.replace_range(open..close, &" ".repeat(close - open));
            }
            out
        })
        .collect()
}

fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .filter(|&i| i < text.len())
        .collect()
}

/// `<GetXResponse>` → `GetXResponse`; declarations, closing tags and self-closing tags are not openings.
fn opening_tag(line: &str) -> Option<&str> {
    let inner = line.strip_prefix('<')?.strip_suffix('>')?;
    let name = inner.split_whitespace().next()?;
    let ok = !name.is_empty()
        && name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | ':' | '.'));
    ok.then_some(name)
}

/// The sample request: a URL with `Action=`, then `&Name=value` lines.
fn find_request(lines: &[(u32, &str)], ex: &mut PageExamples) {
    let Some(at) = lines.iter().position(|(_, l)| l.contains("Action=")) else {
        return;
    };
    let mut parts: Vec<&str> = Vec::new();
    let first = lines[at].1;
    if let Some(q) = first.find('?') {
        parts.extend(first[q + 1..].split('&'));
    } else {
        parts.extend(first.split('&'));
    }
    for (_, l) in &lines[at + 1..] {
        let t = l.trim();
        if !t.starts_with('&') {
            break;
        }
        parts.extend(t.split('&'));
    }
    for p in parts {
        let p = p.trim();
        let Some((k, v)) = p.split_once('=') else {
            continue;
        };
        let k = k.trim();
        if k.is_empty()
            || !k
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        {
            continue;
        }
        if k == "Action" {
            ex.action = Some((v.trim().to_string(), lines[at].0));
            continue;
        }
        // Sample requests are URLs: `%7B%22…` stands for `{"…`.
        let value = percent_encoding::percent_decode_str(v.trim())
            .decode_utf8()
            .map(|d| d.into_owned())
            .unwrap_or_else(|_| v.trim().to_string());
        ex.request.push((k.to_string(), value));
    }
}

/// Removes the common indentation, so examples read the same whatever the page did.
fn dedent(s: &str) -> String {
    let lines: Vec<&str> = s.trim_matches('\n').lines().collect();
    let indent = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    lines
        .iter()
        .map(|l| l.get(indent..).unwrap_or(l.trim_start()).trim_end())
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbered(text: &str) -> Vec<(u32, String)> {
        text.lines()
            .enumerate()
            .map(|(i, l)| (i as u32 + 1, l.to_string()))
            .collect()
    }

    #[test]
    fn json_and_xml_examples_show_nesting() {
        let text = "请求示例\n\n```\nhttp(s)://[Endpoint]/?Action=GetX\n&Id=1\n&<公共请求参数>\n```\n\n```\n<GetXResponse>\n  <A><B>1</B><B>2</B></A>\n</GetXResponse>\n```\n\nHTTP/1.1 200 OK\n{\n  \"A\": {\"B\": [{\"C\": 1}]},\n  \"RequestId\": \"r\"\n}\n";
        let lines = numbered(text);
        let view: Vec<(u32, &str)> = lines.iter().map(|(n, l)| (*n, l.as_str())).collect();
        let ex = find(&view);
        assert_eq!(ex.action, Some(("GetX".to_string(), 4)));
        assert_eq!(ex.request, vec![("Id".to_string(), "1".to_string())]);
        let shape = ex.shape.expect("shape");
        let a = &shape.children().expect("root")["A"];
        assert!(
            matches!(&a.children().expect("A")["B"], Node::Array(item) if item.children().is_some())
        );
        assert!(ex.json.expect("json").starts_with("{\n  \"A\""));
        assert!(ex.xml.is_some());
    }

    #[test]
    fn envelope_names_the_table_does_not_document_are_unwrapped() {
        let json = serde_json::json!({"GetXResponse": {"RequestId": "r", "A": {"B": 1}}});
        let mut shape = Some(Node::from_json(&json));
        let documented = |n: &str| matches!(n, "RequestId" | "A" | "B");
        assert_eq!(
            unwrap_envelope(&mut shape, &documented).as_deref(),
            Some("GetXResponse")
        );
        assert!(shape
            .as_ref()
            .and_then(Node::children)
            .is_some_and(|c| c.contains_key("A")));
        // A documented name at the top: no envelope.
        let json = serde_json::json!({"RequestId": "r", "A": {"B": 1}});
        let mut shape = Some(Node::from_json(&json));
        assert_eq!(unwrap_envelope(&mut shape, &documented), None);
    }

    #[test]
    fn xml_fragment_starting_at_a_field_is_that_field() {
        let text = "```\n<Items>\n  <Box><W>1</W></Box>\n</Items>\n<RequestId>r</RequestId>\n```\n\n{\"Items\": {\"Box\": [{\"W\": 1}]}, \"RequestId\": \"r\"}\n";
        let lines = numbered(text);
        let view: Vec<(u32, &str)> = lines.iter().map(|(n, l)| (*n, l.as_str())).collect();
        let shape = find(&view).shape.expect("shape");
        let root = shape.children().expect("root");
        // `Box` is not a top-level field: the XML root `Items` is the JSON's `Items`.
        assert_eq!(root.keys().collect::<Vec<_>>(), ["Items", "RequestId"]);
    }

    #[test]
    fn comments_on_a_json_line_are_blanked_out() {
        let text = "{\n  \"RequestId\": \"r\", /* the request */\n  \"Url\": \"http://a/*b\"\n}\n";
        assert_eq!(without_line_comments(text).len(), text.len());
        let lines = numbered(text);
        let view: Vec<(u32, &str)> = lines.iter().map(|(n, l)| (*n, l.as_str())).collect();
        let shape = find(&view).shape.expect("shape");
        assert!(shape.children().is_some_and(|c| c.contains_key("Url")));
    }
}
