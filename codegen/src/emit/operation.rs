//! One operation → `src/<operation>.rs`: request, response, the nested types and enums only it uses (and
//! re-exports of the shared ones in `types.rs`), documented errors; also the items of a shared type.

use super::docs::{code, DocLines};
use crate::model::{Encoding, Enum, Field, HttpMethod, Location, Operation, Scalar, Shape};
use crate::plan::naming::{self, Case, ScopeName};
use crate::plan::types::{enum_kind, innermost, Kind, Plan, Side, TypeDef};
use crate::plan::{field_names, named_required, OpNames};
use proc_macro2::{Ident, TokenStream};
use quote::quote;
use std::collections::BTreeMap;

/// Setter names that clippy expects to be trait methods or to take `&self`.
const TRAIT_LIKE: &[&str] = &[
    "add",
    "sub",
    "mul",
    "div",
    "rem",
    "neg",
    "not",
    "bitand",
    "bitor",
    "bitxor",
    "shl",
    "shr",
    "eq",
    "cmp",
    "hash",
    "next",
    "deref",
    "deref_mut",
    "drop",
    "index",
    "clone",
    "default",
    "borrow",
    "borrow_mut",
    "as_ref",
    "as_mut",
    "from_iter",
    "from_str",
    "into_iter",
    "partial_cmp",
    "index_mut",
];

pub struct Emitted {
    pub tokens: TokenStream,
}

/// The module of operation `index` of the service: its request, response, the nested types only it uses,
/// and re-exports of the shared ones it uses (which live in `types.rs`).
pub fn module(
    op: &Operation,
    index: usize,
    names: &OpNames,
    plan: &Plan,
    error_variants: &BTreeMap<String, Ident>,
) -> Emitted {
    let mut cx = FieldTypes { plan };

    let module_docs = DocLines::new()
        .raw(format!("The `{}` operation.", op.name))
        .page(&op.docs, "No description on the page.");
    let module_docs = module_docs.inner_attrs();

    let named = named_required(op);
    let req_docs = DocLines::new().raw(if named {
        format!(
            "Parameters of `{}`. Build it with `new`, the required parameters named in [`{}`], then the \
             setters.",
            op.name, names.required
        )
    } else {
        format!(
            "Parameters of `{}`. Build it with `new` (the required parameters), then the setters.",
            op.name
        )
    });
    let request = cx.request_struct(
        &names.request,
        &req_docs,
        &op.request,
        named.then_some(&names.required),
    );
    let response_docs = DocLines::new().raw(if op.response_is_list {
        format!("One item of the array a successful `{}` returns.", op.name)
    } else {
        format!("What a successful `{}` returns.", op.name)
    });
    let response = cx.response_struct(&names.response, &response_docs, &op.response);

    let mut nested = Vec::new();
    for def in plan.local(index) {
        nested.push(cx.nested(def));
    }
    let shared: Vec<&Ident> = plan
        .used_by(index)
        .filter(|d| d.shared())
        .map(|d| &d.name)
        .collect();
    let shared = if shared.is_empty() {
        quote!()
    } else {
        quote!(pub use crate::types::{#(#shared),*};)
    };

    let req = &names.request;
    let resp = &names.response;
    let operation = operation_impl(op, names);
    let errors = errors_table(op, error_variants);

    let paginator = super::paging::paginator(op, req, resp, |f, inner| {
        cx.shape_type(f, inner, Side::Response)
    });
    let waiter = super::paging::waiter(op, req, resp);

    let tokens = quote! {
        #module_docs

        #shared

        #request

        #operation

        #paginator

        #waiter

        #response

        #(#nested)*

        #errors
    };
    Emitted { tokens }
}

/// `impl aliyun_runtime::Operation` for the request: action, method, answer type, client token, whether it
/// may be retried, and a ROA operation's route.
fn operation_impl(op: &Operation, names: &OpNames) -> TokenStream {
    let req = &names.request;
    let resp = &names.response;
    let action = &op.name;
    let method = match op.method {
        HttpMethod::Get => quote!(aliyun_runtime::HttpMethod::Get),
        HttpMethod::Post => quote!(aliyun_runtime::HttpMethod::Post),
        HttpMethod::Put => quote!(aliyun_runtime::HttpMethod::Put),
        HttpMethod::Delete => quote!(aliyun_runtime::HttpMethod::Delete),
        HttpMethod::Patch => quote!(aliyun_runtime::HttpMethod::Patch),
        HttpMethod::Head => quote!(aliyun_runtime::HttpMethod::Head),
    };
    let route = roa_route(op);
    let answer = if op.response_is_list {
        quote!(Vec<#resp>)
    } else {
        quote!(#resp)
    };
    let client_token = match op.client_token() {
        Some(f) => {
            let n = &f.name;
            quote!(Some(#n))
        }
        None => quote!(None),
    };
    let idempotent = op.only_reads();
    quote! {
        impl aliyun_runtime::Operation for #req {
            type Response = #answer;
            const SERVICE: &'static aliyun_runtime::ServiceSpec = &crate::SERVICE;
            const ACTION: &'static str = #action;
            const METHOD: aliyun_runtime::HttpMethod = #method;
            const CLIENT_TOKEN: Option<&'static str> = #client_token;
            const IDEMPOTENT: bool = #idempotent;
            #route
        }
    }
}

/// `ERRORS`: the errors the operation's page documents, with their status, message and description.
fn errors_table(op: &Operation, error_variants: &BTreeMap<String, Ident>) -> TokenStream {
    let errors = op.errors.iter().filter_map(|e| {
        let variant = error_variants.get(&e.code)?;
        let (status, message) = (proc_macro2::Literal::u16_unsuffixed(e.status), &e.message);
        let description = e
            .docs
            .en
            .as_deref()
            .or(e.docs.zh.as_deref())
            .unwrap_or_default();
        Some(quote! {
            crate::error::DocumentedError {
                code: crate::ErrorCode::#variant,
                status: #status,
                message: #message,
                description: #description,
            }
        })
    });
    let error_docs = DocLines::new()
        .raw(format!(
            "The errors the page of `{}` documents, with the HTTP status, message and description it gives them \
             (another operation may document the same code differently). The service may return others.",
            op.name
        ))
        .attrs();

    quote! {
        #error_docs
        pub const ERRORS: &[crate::error::DocumentedError] = &[#(#errors),*];
    }
}

/// ROA operations: the path template and where each request parameter travels (RPC operations keep the
/// trait's defaults).
fn roa_route(op: &Operation) -> TokenStream {
    let Some(path) = &op.path else {
        return quote!();
    };
    let locations = op.request.iter().filter_map(|f| {
        let name = &f.name;
        let l = match f.location? {
            Location::Path => quote!(Path),
            Location::Query => quote!(Query),
            Location::Body => quote!(Body),
            Location::Form => quote!(Form),
            Location::Header => quote!(Header),
        };
        Some(quote!((#name, aliyun_runtime::Location::#l)))
    });
    quote! {
        const PATH: &'static str = #path;
        const LOCATIONS: &'static [(&'static str, aliyun_runtime::Location)] = &[#(#locations),*];
    }
}

struct FieldTypes<'p, 'a> {
    plan: &'p Plan<'a>,
}

/// The Rust type of a scalar.
fn scalar_type(s: Scalar) -> TokenStream {
    match s {
        Scalar::String | Scalar::Json => quote!(String),
        Scalar::Integer => quote!(i32),
        Scalar::Long => quote!(i64),
        Scalar::Float | Scalar::Double => quote!(f64),
        Scalar::Boolean => quote!(bool),
    }
}

fn field_docs(f: &Field, name: &ScopeName, plan: &Plan, side: Side) -> DocLines {
    let mut d = DocLines::new().page(
        &f.docs,
        &format!("`{}` (no description on the page).", f.name),
    );
    if !name.twins.is_empty() {
        let others: Vec<String> = name
            .twins
            .iter()
            .map(|(wire, rust)| format!("{} (field `{rust}`)", code(wire)))
            .collect();
        d = d.raw(format!(
            "On the wire: {}, not to be confused with {}, which the page also documents.",
            code(&f.name),
            others.join(", ")
        ));
    }
    if let Shape::Enum(e) = innermost(&f.shape) {
        let values: Vec<String> = e.values.iter().map(|v| code(&v.value)).collect();
        if let Some(t) = plan.name(f, side) {
            d = d.raw(format!("Valid values ([`{t}`]): {}.", values.join(", ")));
        }
    }
    if matches!(f.shape, Shape::Scalar(_) | Shape::Enum(_)) {
        d = d.example(f.example.as_deref());
    }
    match f.encoding {
        Encoding::Json => d = d.raw("Sent as one parameter holding JSON text."),
        Encoding::Simple => d = d.raw("Sent as one parameter holding the items joined by commas."),
        Encoding::Flat => {}
    }
    if let Some(l) = f.location {
        d = d.raw(match l {
            Location::Path => "Sent in the path (percent-encoded).",
            Location::Query => "Sent in the query string.",
            Location::Body => "Sent in the JSON body.",
            Location::Form => "Sent in the form body.",
            Location::Header => "Sent as a request header.",
        });
    }
    d
}

impl FieldTypes<'_, '_> {
    /// The Rust type of a field's shape (without the `Option` of optional fields).
    fn shape_type(&self, f: &Field, shape: &Shape, side: Side) -> TokenStream {
        match shape {
            Shape::Scalar(s) => scalar_type(*s),
            Shape::Enum(_) | Shape::Object(_) => {
                let name = self.plan.name(f, side).expect("planned type");
                quote!(#name)
            }
            Shape::Array(inner) => {
                let t = self.shape_type(f, inner, side);
                quote!(Vec<#t>)
            }
            Shape::Map => {
                quote!(aliyun_runtime::serde_json::Map<String, aliyun_runtime::serde_json::Value>)
            }
        }
    }

    fn nested(&mut self, def: &TypeDef) -> TokenStream {
        match def.kind {
            Kind::Struct {
                fields,
                request,
                response,
            } => {
                let docs = DocLines::new().page(def.docs, &what_it_is(def, def.side()));
                if request {
                    let mut tokens = self.request_struct(&def.name, &docs, fields, None);
                    if response {
                        tokens.extend(decode_impl(&def.name, fields));
                    }
                    tokens
                } else {
                    self.response_struct(&def.name, &docs, fields)
                }
            }
            Kind::Enum(e) => enum_type(&def.name, def.wire, e),
        }
    }

    /// A request struct, its `new` and its setters. With `named`, `new` takes the required fields in a struct of
    /// that name (see [`required_struct`]), else as arguments in page order.
    fn request_struct(
        &mut self,
        name: &Ident,
        docs: &DocLines,
        fields: &[Field],
        named: Option<&Ident>,
    ) -> TokenStream {
        let docs = docs.attrs();
        let mut decls = Vec::new();
        let mut required = Vec::new();
        let mut args = Vec::new();
        let mut inits = Vec::new();
        let mut setters = Vec::new();
        for (f, name) in fields.iter().zip(field_names(fields, Side::Request)) {
            let id = name.ident();
            let wire = &f.name;
            let fdocs = field_docs(f, &name, self.plan, Side::Request).attrs();
            let ty = self.shape_type(f, &f.shape, Side::Request);
            let serialize_with = serialize_with(f);
            let is_string = matches!(f.shape, Shape::Scalar(Scalar::String | Scalar::Json));
            if f.required {
                decls.push(quote! {
                    #fdocs
                    #[serde(rename = #wire #serialize_with)]
                    pub #id: #ty,
                });
                required.push((f, id.clone(), ty.clone()));
                if named.is_some() {
                    continue;
                }
                if is_string {
                    args.push(quote!(#id: impl Into<String>));
                    inits.push(quote!(#id: #id.into()));
                } else if let Shape::Array(inner) = &f.shape {
                    let item = self.shape_type(f, inner, Side::Request);
                    args.push(quote!(#id: impl IntoIterator<Item = impl Into<#item>>));
                    inits.push(quote!(#id: #id.into_iter().map(Into::into).collect()));
                } else {
                    args.push(quote!(#id: #ty));
                    inits.push(quote!(#id));
                }
                continue;
            }
            let (decl, init, setter) = self.optional_field(f, &id, &ty, fdocs, serialize_with);
            decls.push(decl);
            inits.push(init);
            setters.push(setter);
        }
        let (named_struct, args, inits) = match named {
            Some(named) => {
                let (decl, init) = self.required_struct(named, name, &required);
                let lifetime = if required.iter().any(|(f, ..)| borrows(f)) {
                    quote!(<'_>)
                } else {
                    quote!()
                };
                let mut all = init;
                all.extend(inits);
                (decl, vec![quote!(required: #named #lifetime)], all)
            }
            None => (quote!(), args, inits),
        };
        let no_required = required.is_empty();
        let derive_default = if no_required {
            quote!(Default,)
        } else {
            quote!()
        };
        let many = if args.len() > 7 {
            quote!(#[allow(clippy::too_many_arguments)])
        } else {
            quote!()
        };
        let new_docs = if no_required {
            DocLines::new().raw("Nothing set yet: every field is optional.")
        } else if named.is_some() {
            DocLines::new().raw("The required fields, by name; set optional ones with the setters.")
        } else {
            DocLines::new().raw("The required fields; set optional ones with the setters.")
        }
        .attrs();
        quote! {
            #named_struct

            #docs
            #[derive(Debug, Clone, PartialEq, #derive_default serde::Serialize)]
            pub struct #name {
                #(#decls)*
            }

            impl #name {
                #new_docs
                #many
                pub fn new(#(#args),*) -> Self {
                    Self { #(#inits),* }
                }

                #(#setters)*
            }
        }
    }

    /// An optional request field: its declaration, its initializer in `new` and its setter.
    fn optional_field(
        &mut self,
        f: &Field,
        id: &Ident,
        ty: &TokenStream,
        fdocs: TokenStream,
        serialize_with: TokenStream,
    ) -> (TokenStream, TokenStream, TokenStream) {
        let wire = &f.name;
        let set_docs = DocLines::new().raw(format!("Sets `{wire}`.")).attrs();
        let allow = setter_allow(id);
        if let Shape::Array(inner) = &f.shape {
            let item = self.shape_type(f, inner, Side::Request);
            let decl = quote! {
                #fdocs
                #[serde(rename = #wire, skip_serializing_if = "Vec::is_empty" #serialize_with)]
                pub #id: #ty,
            };
            let setter = quote! {
                #set_docs
                #allow
                pub fn #id(mut self, v: impl IntoIterator<Item = impl Into<#item>>) -> Self {
                    self.#id = v.into_iter().map(Into::into).collect();
                    self
                }
            };
            return (decl, quote!(#id: Vec::new()), setter);
        }
        let decl = quote! {
            #fdocs
            #[serde(rename = #wire, skip_serializing_if = "Option::is_none" #serialize_with)]
            pub #id: Option<#ty>,
        };
        let setter = if matches!(f.shape, Shape::Scalar(Scalar::String | Scalar::Json)) {
            quote! {
                #set_docs
                #allow
                pub fn #id(mut self, v: impl Into<String>) -> Self {
                    self.#id = Some(v.into());
                    self
                }
            }
        } else {
            quote! {
                #set_docs
                #allow
                pub fn #id(mut self, v: #ty) -> Self {
                    self.#id = Some(v);
                    self
                }
            }
        };
        (decl, quote!(#id: None), setter)
    }

    /// The struct of a request's required fields, named at the call site so that two cannot be swapped:
    /// `XRequest::new(XRequired { region_id: "cn-hangzhou", accelerator_id: "ga-1" })`. Strings (and lists of
    /// them) are borrowed, so literals need no conversion. Gives the struct and `new`'s initializers.
    fn required_struct(
        &mut self,
        named: &Ident,
        request: &Ident,
        required: &[(&Field, Ident, TokenStream)],
    ) -> (TokenStream, Vec<TokenStream>) {
        let mut decls = Vec::new();
        let mut inits = Vec::new();
        for (f, id, ty) in required {
            let docs = DocLines::new()
                .raw(format!(
                    "`{}`: see the field of [`{request}`] of the same name.",
                    f.name.replace('`', "'")
                ))
                .attrs();
            let (decl, init) = match &f.shape {
                Shape::Scalar(Scalar::String | Scalar::Json) => {
                    (quote!(&'a str), quote!(#id: required.#id.to_string()))
                }
                Shape::Array(inner)
                    if matches!(**inner, Shape::Scalar(Scalar::String | Scalar::Json)) =>
                {
                    (
                        quote!(&'a [&'a str]),
                        quote!(#id: required.#id.iter().map(|s| s.to_string()).collect()),
                    )
                }
                _ => (ty.clone(), quote!(#id: required.#id)),
            };
            decls.push(quote!(#docs pub #id: #decl,));
            inits.push(init);
        }
        let lifetime = if required.iter().any(|(f, ..)| borrows(f)) {
            quote!(<'a>)
        } else {
            quote!()
        };
        let docs = DocLines::new()
            .raw(format!(
                "The required parameters of [`{request}`], by name: `{request}::new({named} {{ … }})`."
            ))
            .attrs();
        let decl = quote! {
            #docs
            #[derive(Debug)]
            pub struct #named #lifetime {
                #(#decls)*
            }
        };
        (decl, inits)
    }

    fn response_struct(&mut self, name: &Ident, docs: &DocLines, fields: &[Field]) -> TokenStream {
        let docs = docs.attrs();
        let mut decls = Vec::new();
        for (f, name) in fields.iter().zip(field_names(fields, Side::Response)) {
            let id = name.ident();
            let fdocs = field_docs(f, &name, self.plan, Side::Response).attrs();
            let ty = self.shape_type(f, &f.shape, Side::Response);
            let ty = match &f.shape {
                Shape::Array(_) => ty,
                _ => quote!(Option<#ty>),
            };
            let wire = &f.name;
            decls.push(quote! {
                #fdocs
                #[cfg_attr(feature = "test-util", serde(rename = #wire))]
                pub #id: #ty,
            });
        }
        let decode = decode_impl(name, fields);
        quote! {
            #docs
            #[derive(Debug, Clone, PartialEq, Default)]
            #[cfg_attr(feature = "test-util", derive(serde::Serialize))]
            pub struct #name {
                #(#decls)*
            }

            #decode
        }
    }
}

/// Whether a required field is borrowed in its request's struct of required fields (strings, lists of strings).
fn borrows(f: &Field) -> bool {
    match &f.shape {
        Shape::Scalar(Scalar::String | Scalar::Json) => true,
        Shape::Array(inner) => matches!(**inner, Shape::Scalar(Scalar::String | Scalar::Json)),
        _ => false,
    }
}

/// `Decode` for a struct: one straight-line call per field (`list` for arrays, `opt` for the rest), the
/// lenient rules and error paths being the runtime's.
fn decode_impl(name: &Ident, fields: &[Field]) -> TokenStream {
    let inits = fields
        .iter()
        .zip(field_names(fields, Side::Response))
        .map(|(f, n)| {
            let (id, wire) = (n.ident(), &f.name);
            match f.shape {
                Shape::Array(_) => quote!(#id: f.list(#wire)?),
                _ => quote!(#id: f.opt(#wire)?),
            }
        });
    let body = if fields.is_empty() {
        quote! {
            aliyun_runtime::de::Fields::new(v, at)?;
            Ok(Self {})
        }
    } else {
        quote! {
            let mut f = aliyun_runtime::de::Fields::new(v, at)?;
            Ok(Self { #(#inits),* })
        }
    };
    quote! {
        impl aliyun_runtime::de::Decode for #name {
            fn decode(
                v: aliyun_runtime::de::Value,
                at: aliyun_runtime::de::At<'_>,
            ) -> Result<Self, aliyun_runtime::de::Error> {
                #body
            }
        }
    }
}

/// A type of `types.rs`: what an operation module would hold.
pub fn shared_type(plan: &Plan, def: &TypeDef) -> TokenStream {
    let mut cx = FieldTypes { plan };
    cx.nested(def)
}

/// The nested types the fields of a struct name.
pub fn references<'p>(plan: &'p Plan, def: &TypeDef) -> Vec<&'p Ident> {
    match def.kind {
        Kind::Struct { fields, .. } => fields
            .iter()
            .filter_map(|f| plan.name(f, def.side()))
            .collect(),
        Kind::Enum(_) => Vec::new(),
    }
}

/// What a struct the page does not describe is: the field it is the type of.
fn what_it_is(def: &TypeDef, side: Side) -> String {
    let holder = match (def.parent, side) {
        (Some(p), _) => format!("`{}`", p.replace('`', "'")),
        (None, Side::Request) => "the request".to_string(),
        (None, Side::Response) => "the response".to_string(),
    };
    let wire = def.wire.replace('`', "'");
    if def.list {
        format!("One item of the list `{wire}` in {holder} (the page describes it no further).")
    } else {
        format!("The value of `{wire}` in {holder} (the page describes it no further).")
    }
}

/// `#[allow]`s a setter needs because of its name.
fn setter_allow(id: &Ident) -> TokenStream {
    let s = naming::unraw(id);
    let s = s.as_str();
    let mut lints = Vec::new();
    if ["as_", "to_", "into_", "is_", "from_"]
        .iter()
        .any(|p| s.starts_with(p))
    {
        lints.push(quote!(clippy::wrong_self_convention));
    }
    if TRAIT_LIKE.contains(&s) {
        lints.push(quote!(clippy::should_implement_trait));
    }
    if lints.is_empty() {
        quote!()
    } else {
        quote!(#[allow(#(#lints),*)])
    }
}

/// A string enum with a catch-all: its documented `VALUES` and `as_str` here, `From<&str>`, `Display` and serde
/// as the wire text from `aliyun_runtime::wire_enum!`. Integer enums are the same with the number's text.
pub fn enum_type(name: &Ident, wire: &str, e: &Enum) -> TokenStream {
    let wires: Vec<&str> = e.values.iter().map(|v| v.value.as_str()).collect();
    let names = naming::scope(&wires, Case::Pascal, &["Unknown"]);
    let mut variants = Vec::new();
    let mut texts = Vec::new();
    let mut decls = Vec::new();
    for (v, name) in e.values.iter().zip(&names) {
        let id = name.ident();
        let docs = DocLines::new()
            .page(&v.docs, &format!("The value {}.", code(&v.value)))
            .raw(format!("Wire value: {}.", code(&v.value)))
            .attrs();
        decls.push(quote! { #docs #id, });
        texts.push(v.value.clone());
        variants.push(id);
    }
    let kind = enum_kind(e.base);
    let docs = DocLines::new()
        .raw(format!("Valid values of `{wire}` ({kind} on the wire). Values this crate does not know yet are kept in `Unknown`."))
        .attrs();
    let count = proc_macro2::Literal::usize_unsuffixed(variants.len());
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        #[allow(clippy::enum_variant_names)]
        pub enum #name {
            #(#decls)*
            /// A value not documented when this crate was generated, as received.
            Unknown(String),
        }

        impl #name {
            /// Every value the documentation lists, in its order.
            pub const VALUES: [Self; #count] = [#(Self::#variants),*];

            /// The value as it travels on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#variants => #texts,)*
                    Self::Unknown(s) => s,
                }
            }
        }

        aliyun_runtime::wire_enum!(#name);
    }
}

/// How a request field's value goes on the wire where it is not sent flat: one JSON text, or a list's items
/// joined by commas.
fn serialize_with(f: &Field) -> TokenStream {
    match (f.encoding, &f.shape) {
        (_, Shape::Scalar(_) | Shape::Enum(_)) | (Encoding::Flat, _) => quote!(),
        (Encoding::Json, _) => quote!(, serialize_with = "aliyun_runtime::params::json_text"),
        (Encoding::Simple, Shape::Array(_)) => {
            quote!(, serialize_with = "aliyun_runtime::params::comma_joined")
        }
        // Only a list joins its items; anything else the service takes as JSON text.
        (Encoding::Simple, _) => quote!(, serialize_with = "aliyun_runtime::params::json_text"),
    }
}
