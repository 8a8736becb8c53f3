//! The nested types of a service: one struct per distinct object, one enum per distinct set of valid values,
//! named crate-wide, and where each lives.
//!
//! A type is identified by its wire name and its structure (field names, shapes, required flags, encodings,
//! enum values), not by its docs: the same object found twice, in one operation or in several, is one type.
//! A response object has no required flags or encodings (decoding ignores them), so it is the same type as a
//! request object with the same fields where none is required: one `Tag` serves both sides. An enum is its
//! wire name and its set of values, in whatever order a page lists them.
//!
//! Where: a type that one operation uses lives in that operation's module; a type that several use lives in
//! `types.rs`, compiled when any of them is (its `cfg` follows their features), and each of them re-exports
//! it, so `<operation>::Tag` names it wherever it lives.
//!
//! Names are crate-wide, so a type keeps its name when a new page makes it shared. Every type wants the
//! PascalCase of its wire name (`Tag`). Where several types want one name, the one that most operations use
//! keeps it (then: the one whose first user comes first, then the one that operation meets first: request
//! before response, outer before inner); the others are prefixed with the nearest enclosing field that is
//! not a list wrapper of it (`VpcTag` for `Vpcs.Vpc[].Tags.Tag[]`), else with their first operation
//! (`DescribeVpcsTag`), else both, else a hash of their structure. So adding a page renames a type only when
//! the page brings another type of the same wire name that more operations use (or, for a type with no
//! enclosing field, a first operation that sorts before its own).

use crate::model::{Docs, Encoding, Enum, Field, Operation, Scalar, Shape};
use crate::plan::naming;
use proc_macro2::Ident;
use std::collections::{BTreeMap, BTreeSet, HashMap};

pub use crate::model::Side;

/// A nested type to emit.
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
    /// The operations that use it, directly or inside another type, as indices in the service's order.
    pub users: BTreeSet<usize>,
}

impl TypeDef<'_> {
    /// Whether it lives in `types.rs` rather than in its one operation's module.
    pub fn shared(&self) -> bool {
        self.users.len() > 1
    }

    /// The side whose rules the struct's fields follow: a struct any request uses is a request struct (that
    /// also decodes when a response uses it too).
    pub fn side(&self) -> Side {
        match self.kind {
            Kind::Struct { request: true, .. } => Side::Request,
            _ => Side::Response,
        }
    }
}

#[derive(Debug)]
pub enum Kind<'a> {
    /// `request`: the fields as a request has them, if a request uses the type (it then serializes, with
    /// setters); `response`: whether a response uses it (it then decodes).
    Struct {
        fields: &'a [Field],
        request: bool,
        response: bool,
    },
    Enum(&'a Enum),
}

#[derive(Debug, Default)]
pub struct Plan<'a> {
    /// Type key → index in `defs`.
    index: BTreeMap<String, usize>,
    /// Every field of a struct or enum type (by address: the model is borrowed for `'a`) → index in `defs`, so
    /// that a lookup does not build the key's signature again.
    by_field: HashMap<*const Field, usize>,
    /// In order of first use: operations in order, each request then response, depth first.
    pub defs: Vec<TypeDef<'a>>,
    /// Per operation, the types it uses, in order of first use.
    uses: Vec<Vec<usize>>,
}

/// Where a type was first met, and its key, for its name.
struct FirstUse<'a> {
    op: usize,
    ancestors: Vec<&'a str>,
    key: String,
}

impl<'a> Plan<'a> {
    /// Plans the nested types of every operation; `reserved` are the crate's other type names (requests,
    /// responses, `ErrorCode`, prelude names the generated code uses unqualified).
    pub fn new(ops: &'a [Operation], reserved: &BTreeSet<String>) -> Self {
        let mut plan = Plan::default();
        let mut first = Vec::new();
        for (i, op) in ops.iter().enumerate() {
            plan.uses.push(Vec::new());
            let mut ancestors = Vec::new();
            plan.walk(i, &op.request, Side::Request, &mut ancestors, &mut first);
            plan.walk(i, &op.response, Side::Response, &mut ancestors, &mut first);
        }
        plan.name_all(ops, &first, reserved);
        plan
    }

    fn walk(
        &mut self,
        op: usize,
        fields: &'a [Field],
        side: Side,
        ancestors: &mut Vec<&'a str>,
        first: &mut Vec<FirstUse<'a>>,
    ) {
        for f in fields {
            let inner = innermost(&f.shape);
            let kind = match inner {
                Shape::Object(children) => Kind::Struct {
                    fields: children,
                    request: side == Side::Request,
                    response: side == Side::Response,
                },
                Shape::Enum(e) => Kind::Enum(e),
                _ => continue,
            };
            let key = key(f, side);
            let at = match self.index.get(&key) {
                Some(&at) => {
                    if let Kind::Struct {
                        fields,
                        request,
                        response,
                    } = &mut self.defs[at].kind
                    {
                        match side {
                            // The request's fields carry the encodings a request needs.
                            Side::Request if !*request => {
                                *fields = children_of(inner);
                                *request = true;
                            }
                            Side::Request => {}
                            Side::Response => *response = true,
                        }
                    }
                    at
                }
                None => {
                    let at = self.defs.len();
                    self.index.insert(key.clone(), at);
                    self.defs.push(TypeDef {
                        // Named once every type is known.
                        name: naming::ident("Unnamed"),
                        wire: &f.name,
                        parent: ancestors.last().copied(),
                        list: matches!(f.shape, Shape::Array(_)),
                        docs: &f.docs,
                        kind,
                        users: BTreeSet::new(),
                    });
                    first.push(FirstUse {
                        op,
                        ancestors: ancestors.clone(),
                        key,
                    });
                    at
                }
            };
            self.by_field.insert(f, at);
            if self.defs[at].users.insert(op) {
                self.uses[op].push(at);
            }
            if let Shape::Object(children) = inner {
                ancestors.push(&f.name);
                self.walk(op, children, side, ancestors, first);
                ancestors.pop();
            }
        }
    }

    fn name_all(&mut self, ops: &[Operation], first: &[FirstUse], reserved: &BTreeSet<String>) {
        let bases: Vec<String> = self
            .defs
            .iter()
            .map(|d| naming::pascal_text(d.wire))
            .collect();
        let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, b) in bases.iter().enumerate() {
            groups.entry(b.as_str()).or_default().push(i);
        }
        let is_reserved =
            |t: &str| reserved.contains(t) || reserved.contains(&naming::ident(t).to_string());
        // Every plain name is kept for its holder, so a prefixed name never takes one.
        let mut taken: BTreeSet<String> = groups
            .keys()
            .map(|b| b.to_string())
            .chain(reserved.iter().cloned())
            .collect();
        let mut texts: Vec<String> = vec![String::new(); self.defs.len()];
        for (base, members) in &groups {
            let mut ranked = members.clone();
            ranked.sort_by(|&a, &b| {
                let (da, db) = (&self.defs[a], &self.defs[b]);
                db.users
                    .len()
                    .cmp(&da.users.len())
                    .then(first[a].op.cmp(&first[b].op))
                    .then(a.cmp(&b))
            });
            for (rank, &i) in ranked.iter().enumerate() {
                if rank == 0 && !is_reserved(base) {
                    texts[i] = base.to_string();
                    continue;
                }
                let op = naming::pascal_text(&ops[first[i].op].name);
                let enclosing = first[i]
                    .ancestors
                    .iter()
                    .rev()
                    .map(|a| naming::pascal_text(a))
                    .find(|a| !wraps(a, base));
                let mut candidates = Vec::new();
                if let Some(e) = &enclosing {
                    candidates.push(format!("{e}{base}"));
                }
                candidates.push(format!("{op}{base}"));
                if let Some(e) = &enclosing {
                    candidates.push(format!("{op}{e}{base}"));
                }
                let text = candidates
                    .into_iter()
                    .find(|c| !taken.contains(c))
                    .unwrap_or_else(|| {
                        // Contrived pages only: numbered after the hash, so the crate stays valid Rust.
                        let hashed = format!("{base}H{:08x}", naming::fnv1a(&first[i].key));
                        let mut text = hashed.clone();
                        let mut n = 2;
                        while taken.contains(&text) {
                            text = format!("{hashed}{n}");
                            n += 1;
                        }
                        text
                    });
                taken.insert(text.clone());
                texts[i] = text;
            }
        }
        for (def, text) in self.defs.iter_mut().zip(texts) {
            def.name = naming::ident(&text);
        }
    }

    /// The planned name of the struct or enum type of `field` (its innermost shape), if it has one.
    ///
    /// `field` must be a field of the planned operations (all of them are planned), on `side`.
    pub fn name(&self, field: &Field, side: Side) -> Option<&Ident> {
        let at = match self.by_field.get(&(field as *const Field)) {
            Some(&at) => Some(at),
            // A field from elsewhere (never the case in emit): by its structure.
            None => self.index.get(&key(field, side)).copied(),
        };
        at.map(|i| &self.defs[i].name)
    }

    /// The types only operation `op` uses, in order of first use.
    pub fn local(&self, op: usize) -> impl Iterator<Item = &TypeDef<'a>> {
        self.used_by(op).filter(|d| !d.shared())
    }

    /// Every type operation `op` uses, in order of first use.
    pub fn used_by(&self, op: usize) -> impl Iterator<Item = &TypeDef<'a>> {
        self.uses
            .get(op)
            .into_iter()
            .flatten()
            .map(|&i| &self.defs[i])
    }

    /// The types several operations use, in order of first use.
    pub fn shared(&self) -> impl Iterator<Item = &TypeDef<'a>> {
        self.defs.iter().filter(|d| d.shared())
    }
}

/// Whether a field named `holder` is only the list wrapper of `base` items (`Tags` of `Tag`, `TagList`).
fn wraps(holder: &str, base: &str) -> bool {
    holder.strip_prefix(base).is_some_and(|rest| {
        [
            "", "s", "es", "List", "Set", "Array", "Items", "Info", "Infos",
        ]
        .contains(&rest)
    })
}

fn children_of(shape: &Shape) -> &[Field] {
    match shape {
        Shape::Object(children) => children,
        _ => &[],
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
        // Enums are shared by both sides.
        Shape::Enum(e) => format!("enum {} {} {:?}", f.name, enum_kind(e.base), values(e)),
        s => format!("struct {} {}", f.name, signature(s, side)),
    }
}

/// An enum's values as a set: the order a page lists them in does not make another type.
fn values(e: &Enum) -> Vec<&str> {
    let mut values: Vec<&str> = e.values.iter().map(|v| v.value.as_str()).collect();
    values.sort_unstable();
    values.dedup();
    values
}

/// What an enum is on the wire, as its docs say: the Rust type is the same for every base.
pub fn enum_kind(base: Scalar) -> &'static str {
    match base {
        Scalar::Integer | Scalar::Long => "integer",
        _ => "string",
    }
}

/// The structure of a shape, docs left out; a response's has no required flags or encodings.
fn signature(shape: &Shape, side: Side) -> String {
    match shape {
        Shape::Scalar(s) => format!("{s:?}"),
        Shape::Enum(e) => format!("enum<{}>{:?}", enum_kind(e.base), values(e)),
        Shape::Object(fields) => {
            let inner: Vec<String> = fields
                .iter()
                .map(|f| {
                    // A response's fields read as a request's with nothing required and flat encodings, so
                    // that one struct serves both where they agree.
                    let (required, encoding) = match side {
                        Side::Request => (f.required, f.encoding),
                        Side::Response => (false, Encoding::Flat),
                    };
                    format!(
                        "{:?}{}{encoding:?}:{}",
                        f.name,
                        if required { "!" } else { "" },
                        signature(&f.shape, side)
                    )
                })
                .collect();
            format!("{{{}}}", inner.join(","))
        }
        Shape::Array(inner) => format!("[{}]", signature(inner, side)),
        Shape::Map => "map".to_string(),
    }
}
