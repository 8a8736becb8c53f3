//! The operation shapes format of `shared/corpus/README.md`: how the reader is measured against the shapes
//! Alibaba Cloud's own SDK gives each operation.

use crate::model::{ApiStyle, Encoding, Field, Location, Operation, Origin, Scalar, Shape};
use serde_json::{json, Value};

/// One operation as `{"operation", "request", "response"}`; ROA operations add `style`, `method`, `path` and
/// a `location` on each top-level request field.
pub fn operation(op: &Operation) -> Value {
    let mut v = json!({
        "operation": op.name,
        "request": request(op),
        "response": object(&op.response),
    });
    if let (ApiStyle::Roa, Some(path), Value::Object(m)) = (op.style(), &op.path, &mut v) {
        m.insert("style".into(), json!("ROA"));
        m.insert("method".into(), json!(op.method.as_str()));
        m.insert("path".into(), json!(path));
    }
    v
}

/// The request; on RPC operations each top-level field not sent flat says how it goes (`encoding`).
fn request(op: &Operation) -> Value {
    let mut v = object(&op.request);
    if op.style() == ApiStyle::Rpc {
        if let Some(Value::Array(fields)) = v.get_mut("fields") {
            let documented = op.request.iter().filter(|f| f.origin == Origin::Table);
            for (f, out) in documented.zip(fields.iter_mut()) {
                let encoding = match f.encoding {
                    Encoding::Flat => continue,
                    Encoding::Json => "json",
                    Encoding::Simple => "simple",
                };
                if let Value::Object(m) = out {
                    m.insert("encoding".into(), json!(encoding));
                }
            }
        }
    }
    v
}

/// The fields the table documents: those seen only in a response example are not the documented contract.
fn object(fields: &[Field]) -> Value {
    let fields: Vec<Value> = fields
        .iter()
        .filter(|f| f.origin == Origin::Table)
        .map(|f| {
            let mut v = shape(&f.shape);
            if let Value::Object(m) = &mut v {
                m.insert("name".into(), Value::String(f.name.clone()));
                if let Some(l) = f.location {
                    m.insert("location".into(), json!(location(l)));
                }
            }
            v
        })
        .collect();
    json!({"type": "object", "fields": fields})
}

fn shape(s: &Shape) -> Value {
    match s {
        Shape::Scalar(x) => json!({"type": scalar(*x)}),
        Shape::Enum(e) => json!({"type": scalar(e.base)}),
        Shape::Object(fields) => object(fields),
        Shape::Array(item) => json!({"type": "array", "items": shape(item)}),
        Shape::Map => json!({"type": "map"}),
    }
}

fn scalar(s: Scalar) -> &'static str {
    match s {
        Scalar::String | Scalar::Json => "string",
        Scalar::Integer | Scalar::Long => "integer",
        Scalar::Float | Scalar::Double => "number",
        Scalar::Boolean => "boolean",
    }
}

/// The corpus puts `Body` and `FormData` parameters both in the body.
fn location(l: Location) -> &'static str {
    match l {
        Location::Path => "path",
        Location::Query => "query",
        Location::Body | Location::Form => "body",
        Location::Header => "header",
    }
}
