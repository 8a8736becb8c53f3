//! One wire name, one field: rows repeated with the same name at the same level of one page become one field.
//!
//! Pages repeat rows for two reasons: a parameter documented once per index (`Filter.1.Key` … `Filter.4.Key`,
//! which the reader puts under one list `Filter`, so `Key` arrives four times in its items), and plain copy
//! and paste. Either way the wire carries one value per name, so the rows are one field: the first row's
//! type, docs and example are kept and later rows fill what it leaves blank. Objects are joined field by
//! field, enums value by value. Where the rows say different types, a warning names both rows.
//!
//! Names that differ only in case or punctuation (`key` and `Key`) are different wire names and stay different
//! fields; `emit::naming` gives them Rust names that tell them apart.

use crate::diag::{Code, Diagnostic};
use crate::model::{Field, Scalar, Shape};

/// Joins fields of the same wire name, at every level of `fields`, keeping the first one's place.
pub fn join_repeated(fields: &mut Vec<Field>, op: &str, side: &str, diags: &mut Vec<Diagnostic>) {
    let mut kept: Vec<Field> = Vec::with_capacity(fields.len());
    for f in std::mem::take(fields) {
        match kept.iter_mut().find(|k| k.name == f.name) {
            Some(first) => join(first, f, op, side, diags),
            None => kept.push(f),
        }
    }
    for f in &mut kept {
        join_within(&mut f.shape, op, side, diags);
    }
    *fields = kept;
}

fn join_within(shape: &mut Shape, op: &str, side: &str, diags: &mut Vec<Diagnostic>) {
    match shape {
        Shape::Object(children) => join_repeated(children, op, side, diags),
        Shape::Array(item) => join_within(item, op, side, diags),
        Shape::Enum(e) => {
            let mut seen = std::collections::BTreeSet::new();
            e.values.retain(|v| seen.insert(v.value.clone()));
        }
        _ => {}
    }
}

fn join(first: &mut Field, later: Field, op: &str, side: &str, diags: &mut Vec<Diagnostic>) {
    if first.docs.en.is_none() {
        first.docs.en = later.docs.en;
    }
    if first.docs.zh.is_none() {
        first.docs.zh = later.docs.zh;
    }
    if first.example.is_none() {
        first.example = later.example;
    }
    // `Filter.1.Key` may be required where `Filter.2.Key` is not: the one field is required only if every row is.
    first.required &= later.required;
    if !join_shapes(&mut first.shape, later.shape.clone()) {
        let (kept, other) = (super::kind(&first.shape), super::kind(&later.shape));
        diags.push(
            Diagnostic::new(Code::FieldTwice,
                later.span.clone(),
                format!(
                    "`{op}` {side} field `{}` is documented twice, as `{kept}` and here as `{other}`",
                    later.name
                ),
                format!("`{other}` here"),
            )
            .also(first.span.clone(), format!("`{kept}` here (kept)"))
            .hint("one wire name is one field: give the rows one type, or delete the repeated row"),
        );
    }
}

/// Joins `later` into `first`; false when they are of different kinds (then `first` is kept as it is).
fn join_shapes(first: &mut Shape, later: Shape) -> bool {
    match (first, later) {
        (Shape::Object(a), Shape::Object(b)) => {
            a.extend(b);
            true
        }
        (Shape::Array(a), Shape::Array(b)) => join_shapes(a, *b),
        (Shape::Enum(a), Shape::Enum(b)) => {
            for v in b.values {
                if !a.values.iter().any(|x| x.value == v.value) {
                    a.values.push(v);
                }
            }
            true
        }
        // A 32-bit and a 64-bit row of one number: the number is 64 bits.
        (a @ Shape::Scalar(Scalar::Integer), Shape::Scalar(Scalar::Long)) => {
            *a = Shape::Scalar(Scalar::Long);
            true
        }
        (Shape::Scalar(Scalar::Long), Shape::Scalar(Scalar::Integer)) => true,
        (a @ Shape::Scalar(_), b @ Shape::Enum(_)) => {
            let same = super::kind(a) == super::kind(&b);
            if same {
                *a = b;
            }
            same
        }
        (a, b) => super::kind(a) == super::kind(&b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Docs, Span};

    fn field(name: &str, shape: Shape, line: u32) -> Field {
        Field {
            name: name.into(),
            shape,
            required: true,
            docs: Docs::default(),
            example: None,
            encoding: Default::default(),
            location: None,
            origin: Default::default(),
            span: Span {
                file: "p.md".into(),
                line,
                column: 1,
            },
        }
    }

    #[test]
    fn objects_join_their_fields_and_then_repeats_inside() {
        let key = |line| field("Key", Shape::Scalar(Scalar::String), line);
        let filter = Shape::Array(Box::new(Shape::Object(vec![key(1), key(2), key(3)])));
        let mut fields = vec![field("Filter", filter, 1)];
        let mut diags = Vec::new();
        join_repeated(&mut fields, "Op", "request", &mut diags);
        let Shape::Array(item) = &fields[0].shape else {
            panic!()
        };
        let Shape::Object(children) = item.as_ref() else {
            panic!()
        };
        assert_eq!(children.len(), 1);
        assert!(diags.is_empty());
    }

    #[test]
    fn different_types_keep_the_first_and_warn() {
        let mut fields = vec![
            field("Size", Shape::Scalar(Scalar::Integer), 3),
            field("Size", Shape::Object(vec![]), 9),
        ];
        let mut diags = Vec::new();
        join_repeated(&mut fields, "Op", "response", &mut diags);
        assert_eq!(fields.len(), 1);
        assert_eq!(fields[0].shape, Shape::Scalar(Scalar::Integer));
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].span.line, 9);
    }
}
