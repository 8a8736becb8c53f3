//! The operation shapes format of `shared/corpus/README.md`: how the reader is measured against the shapes
//! Alibaba Cloud's own SDK gives each operation.

use crate::model::{Field, Operation, Scalar, Shape};
use serde_json::{json, Value};

/// One operation as `{"operation", "request", "response"}`.
pub fn operation(op: &Operation) -> Value {
    json!({
        "operation": op.name,
        "request": object(&op.request),
        "response": object(&op.response),
    })
}

fn object(fields: &[Field]) -> Value {
    let fields: Vec<Value> = fields
        .iter()
        .map(|f| {
            let mut v = shape(&f.shape);
            if let Value::Object(m) = &mut v {
                m.insert("name".into(), Value::String(f.name.clone()));
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
