//! Names of the types of one operation module: request, response, one struct per nested object, one enum
//! per field with valid values.
//!
//! A type is identified by its wire name and its structure (field names, shapes, required flags, enum
//! values), not by its docs: the same object found twice is one type. Objects are per side (requests
//! serialize, responses deserialize); enums are shared by both. Names: the first type to want a name gets it
//! (`Tag`); a different type wanting the same name later is prefixed with the nearest enclosing field that is
//! not a wrapper of it (`VpcTag` for `Vpcs.Vpc[].Tags.Tag[]`), then numbered if still taken.

use crate::model::{Docs, Enum, Field, Shape};
use crate::emit::naming::{self, Namer};
use proc_macro2::Ident;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Side {
    Request,
    Response,
}

/// A nested type to emit, in order of first use.
#[derive(Debug)]
pub struct TypeDef<'a> {
    pub name: Ident,
    pub wire: &'a str,
    /// The wire name of the object holding the field (`None`: the request or response itself), and whether
    /// the field is a list of this type: what the type is, for docs when the page gives none.
    pub parent: Option<&'a str>,
    pub list: bool,
    pub docs: &'a Docs,
    pub kind: Kind<'a>,
}

#[derive(Debug)]
pub enum Kind<'a> {
    Struct(Side, &'a [Field]),
    Enum(&'a Enum),
}

#[derive(Debug, Default)]
pub struct Plan<'a> {
    names: BTreeMap<String, Ident>,
    pub defs: Vec<TypeDef<'a>>,
}

impl<'a> Plan<'a> {
    /// Plans the nested types of `request` and `response`; `namer` already holds the module's fixed names.
    pub fn new(request: &'a [Field], response: &'a [Field], namer: &mut Namer) -> Self {
        let mut plan = Plan::default();
        let mut wanted: BTreeMap<String, String> = BTreeMap::new();
        let mut ancestors = Vec::new();
        plan.walk(request, Side::Request, &mut ancestors, namer, &mut wanted);
        plan.walk(response, Side::Response, &mut ancestors, namer, &mut wanted);
        plan
    }

    fn walk(
        &mut self,
        fields: &'a [Field],
        side: Side,
        ancestors: &mut Vec<&'a str>,
        namer: &mut Namer,
        wanted: &mut BTreeMap<String, String>,
    ) {
        for f in fields {
            let inner = innermost(&f.shape);
            let kind = match inner {
                Shape::Object(children) => Kind::Struct(side, children),
                Shape::Enum(e) => Kind::Enum(e),
                _ => continue,
            };
            let key = key(f, side);
            if !self.names.contains_key(&key) {
                let base = naming::pascal_text(&f.name);
                let text = match wanted.get(&base) {
                    Some(owner) if *owner != key => {
                        let prefix = ancestors
                            .iter()
                            .rev()
                            .map(|a| naming::pascal_text(a))
                            .find(|a| !a.starts_with(&base))
                            .unwrap_or_else(|| match side {
                                Side::Request => "Request".to_string(),
                                Side::Response => "Response".to_string(),
                            });
                        format!("{prefix}{base}")
                    }
                    _ => {
                        wanted.insert(base.clone(), key.clone());
                        base
                    }
                };
                let name = namer.exact(&text);
                self.names.insert(key.clone(), name.clone());
                self.defs.push(TypeDef {
                    name,
                    wire: &f.name,
                    parent: ancestors.last().copied(),
                    list: matches!(f.shape, Shape::Array(_)),
                    docs: &f.docs,
                    kind,
                });
            }
            if let Shape::Object(children) = inner {
                ancestors.push(&f.name);
                self.walk(children, side, ancestors, namer, wanted);
                ancestors.pop();
            }
        }
    }

    /// The planned name of the struct or enum type of `field` (its innermost shape), if it has one.
    pub fn name(&self, field: &Field, side: Side) -> Option<&Ident> {
        self.names.get(&key(field, side))
    }
}

/// The shape under any number of arrays.
pub fn innermost(shape: &Shape) -> &Shape {
    match shape {
        Shape::Array(inner) => innermost(inner),
        s => s,
    }
}

fn key(f: &Field, side: Side) -> String {
    match innermost(&f.shape) {
        Shape::Enum(_) => format!("enum {} {}", f.name, signature(&f.shape)),
        s => format!("{side:?} {} {}", f.name, signature(s)),
    }
}

/// The structure of a shape, docs left out.
fn signature(shape: &Shape) -> String {
    match shape {
        Shape::Scalar(s) => format!("{s:?}"),
        Shape::Enum(e) => {
            let values: Vec<&str> = e.values.iter().map(|v| v.value.as_str()).collect();
            format!("enum<{:?}>{values:?}", e.base)
        }
        Shape::Object(fields) => {
            let inner: Vec<String> = fields
                .iter()
                .map(|f| {
                    format!(
                        "{:?}{}{:?}:{}",
                        f.name,
                        if f.required { "!" } else { "" },
                        f.encoding,
                        signature(&f.shape)
                    )
                })
                .collect();
            format!("{{{}}}", inner.join(","))
        }
        Shape::Array(inner) => format!("[{}]", signature(inner)),
        Shape::Map => "map".to_string(),
    }
}
