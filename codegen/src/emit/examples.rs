//! `tests/examples.rs` of a generated crate: the pages' own examples checked against the generated types.
//!
//! - every JSON response example decodes into the response type and fills at least one field;
//! - every sample request is rebuilt with `new` and the setters from its `name=value` pairs and must flatten
//!   (`aliyun_runtime::params::to_params`) to exactly those pairs. A list of values sent as one parameter is
//!   rebuilt from a JSON list or from items joined by commas, and must go as the SDK sends it (`a,b`, or the
//!   JSON text). Pairs the generator cannot turn into a typed value (objects, maps) are left out of both sides.

use crate::model::{Encoding, Field, Operation, Scalar, Service, Shape};
use crate::plan::naming;
use crate::plan::types::{Plan, Side};
use crate::plan::{crate_names, feature_name, request_field_idents, OpNames};
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use std::collections::BTreeMap;

/// A request expression and the parameters it must flatten to.
pub struct Construct {
    pub expr: TokenStream,
    pub expected: Vec<(String, String)>,
}

/// A typed literal for an example value, and the text the runtime will send for it.
fn scalar_value(s: Scalar, value: &str) -> Option<(TokenStream, String)> {
    let unmasked = value.replace('*', "0");
    let unmasked = unmasked.trim();
    match s {
        Scalar::String | Scalar::Json => Some((quote!(#value), value.to_string())),
        Scalar::Integer => {
            let n: i32 = unmasked.parse().ok()?;
            let lit = Literal::i64_unsuffixed(n.into());
            Some((quote!(#lit), n.to_string()))
        }
        Scalar::Long => {
            let n: i64 = unmasked.parse().ok()?;
            let lit = Literal::i64_unsuffixed(n);
            Some((quote!(#lit), n.to_string()))
        }
        Scalar::Float | Scalar::Double => {
            let n: f64 = unmasked.parse().ok().filter(|n: &f64| n.is_finite())?;
            let lit = Literal::f64_unsuffixed(n);
            Some((quote!(#lit), serde_json::to_string(&n).ok()?))
        }
        Scalar::Boolean => match unmasked.to_ascii_lowercase().as_str() {
            "true" => Some((quote!(true), "true".to_string())),
            "false" => Some((quote!(false), "false".to_string())),
            _ => None,
        },
    }
}

/// A value of a scalar or enum field.
fn leaf_value(
    f: &Field,
    shape: &Shape,
    value: &str,
    plan: &Plan,
    module: &TokenStream,
) -> Option<(TokenStream, String)> {
    match shape {
        Shape::Scalar(s) => scalar_value(*s, value),
        Shape::Enum(_) => {
            let t = plan.name(f, Side::Request)?;
            Some((quote!(#module::#t::from(#value)), value.to_string()))
        }
        _ => None,
    }
}

/// Builds `Type::new(required…).setter(v)…` (or `Type::new(Named { required… })…`, with a struct of required
/// fields) from pairs keyed by the fields' wire names (already stripped of any prefix); `prefix` is prepended to
/// the expected names.
fn build(
    (ty, named): (TokenStream, Option<TokenStream>),
    fields: &[Field],
    pairs: &BTreeMap<String, String>,
    prefix: &str,
    plan: &Plan,
    module: &TokenStream,
    expected: &mut Vec<(String, String)>,
) -> Option<TokenStream> {
    let ids = request_field_idents(fields);
    let mut args = Vec::new();
    let mut setters = Vec::new();
    for (f, id) in fields.iter().zip(ids) {
        let value: Option<TokenStream> = match &f.shape {
            Shape::Scalar(_) | Shape::Enum(_) => {
                let given = pairs.get(&f.name);
                let from_page = if f.required { f.example.as_ref() } else { None };
                match given
                    .or(from_page)
                    .and_then(|v| leaf_value(f, &f.shape, v, plan, module))
                {
                    Some((lit, text)) => {
                        expected.push((format!("{prefix}{}", f.name), text));
                        Some(lit)
                    }
                    None => None,
                }
            }
            Shape::Array(inner) if f.encoding == Encoding::Flat => {
                flat_list(f, inner, pairs, prefix, plan, module, expected)
            }
            Shape::Array(inner) if matches!(**inner, Shape::Scalar(_) | Shape::Enum(_)) => {
                // One parameter: `Name=a,b` (simple) or `Name=["a","b"]` (JSON text).
                pairs.get(&f.name).and_then(|v| {
                    let (values, wire) = one_parameter_list(f, inner, v, plan, module)?;
                    expected.push((format!("{prefix}{}", f.name), wire));
                    Some(values)
                })
            }
            _ => None,
        };
        match (f.required, value) {
            (true, Some(v)) if named.is_some() => {
                // The struct of required fields borrows strings and lists of strings, and owns other lists.
                let v = match &f.shape {
                    Shape::Array(inner)
                        if matches!(**inner, Shape::Scalar(Scalar::String | Scalar::Json)) =>
                    {
                        quote!(&#v)
                    }
                    Shape::Array(_) => quote!(#v.into()),
                    _ => v,
                };
                args.push(quote!(#id: #v));
            }
            (true, Some(v)) => args.push(v),
            (true, None) => return None,
            (false, Some(v)) => setters.push(quote!(.#id(#v))),
            (false, None) => {}
        }
    }
    Some(match named {
        Some(named) => quote!(#ty::new(#named { #(#args),* }) #(#setters)*),
        None => quote!(#ty::new(#(#args),*) #(#setters)*),
    })
}

/// A list sent flat, `Name.N` (scalars) or `Name.N.Child` (objects), rebuilt from the sample's pairs: all its
/// items, numbered 1, 2, 3…, or `None`.
fn flat_list(
    f: &Field,
    inner: &Shape,
    pairs: &BTreeMap<String, String>,
    prefix: &str,
    plan: &Plan,
    module: &TokenStream,
    expected: &mut Vec<(String, String)>,
) -> Option<TokenStream> {
    // `Name.N` (scalars) or `Name.N.Child` (objects), by N.
    let mut items: BTreeMap<u32, BTreeMap<String, String>> = BTreeMap::new();
    let start = format!("{}.", f.name);
    for (k, v) in pairs {
        if let Some(rest) = k.strip_prefix(&start) {
            let (n, child) = rest.split_once('.').unwrap_or((rest, ""));
            if let Ok(n) = n.parse::<u32>() {
                items
                    .entry(n)
                    .or_default()
                    .insert(child.to_string(), v.clone());
            }
        }
    }
    // Only a list numbered 1, 2, 3… flattens back to the same names.
    if items.is_empty() || items.keys().copied().ne(1..=items.len() as u32) {
        None
    } else {
        // All items or none: one that cannot be rebuilt leaves the whole list out.
        let list = || {
            let mut values = Vec::new();
            let mut exp = Vec::new();
            for (n, item) in &items {
                let item_prefix = format!("{prefix}{}.{n}", f.name);
                match inner {
                    Shape::Object(children) => {
                        let t = plan.name(f, Side::Request)?;
                        let mut sub = Vec::new();
                        let ty = quote!(#module::#t);
                        let e = build(
                            (ty, None),
                            children,
                            item,
                            &format!("{item_prefix}."),
                            plan,
                            module,
                            &mut sub,
                        )?;
                        // Every pair of the item must be used, or the item is not what the page shows.
                        if sub.len() != item.len() {
                            return None;
                        }
                        exp.extend(sub);
                        values.push(e);
                    }
                    leaf => {
                        let (lit, text) = leaf_value(f, leaf, item.get("")?, plan, module)?;
                        exp.push((item_prefix, text));
                        values.push(lit);
                    }
                }
            }
            Some((quote!([#(#values),*]), exp))
        };
        list().map(|(v, exp)| {
            expected.extend(exp);
            v
        })
    }
}

/// A list of values sent as one parameter, from the sample's value (a JSON list or items joined by commas):
/// the list literal and the text the runtime sends for it (joined by commas, or the items' JSON text).
fn one_parameter_list(
    f: &Field,
    item: &Shape,
    value: &str,
    plan: &Plan,
    module: &TokenStream,
) -> Option<(TokenStream, String)> {
    let given: Vec<String> = match serde_json::from_str::<serde_json::Value>(value.trim()) {
        Ok(serde_json::Value::Array(items)) => items
            .into_iter()
            .map(|v| match v {
                serde_json::Value::String(s) => Some(s),
                serde_json::Value::Number(n) => Some(n.to_string()),
                serde_json::Value::Bool(b) => Some(b.to_string()),
                _ => None,
            })
            .collect::<Option<_>>()?,
        _ => value.split(',').map(|s| s.trim().to_string()).collect(),
    };
    let mut values = Vec::new();
    let mut texts = Vec::new();
    let mut json = Vec::new();
    for g in given.iter().filter(|g| !g.is_empty()) {
        let (lit, text) = leaf_value(f, item, g, plan, module)?;
        let quoted = matches!(
            item,
            Shape::Enum(_) | Shape::Scalar(Scalar::String | Scalar::Json)
        );
        json.push(if quoted {
            serde_json::Value::String(text.clone())
        } else {
            serde_json::from_str(&text).ok()?
        });
        values.push(lit);
        texts.push(text);
    }
    if values.is_empty() {
        return None;
    }
    let wire = match f.encoding {
        Encoding::Simple => texts.join(","),
        Encoding::Json => serde_json::Value::Array(json).to_string(),
        Encoding::Flat => return None,
    };
    Some((quote!([#(#values),*]), wire))
}

/// The request of `op` built from its sample request, if every required parameter has a value.
pub fn construct(
    op: &Operation,
    names: &OpNames,
    plan: &Plan,
    krate: &TokenStream,
) -> Option<Construct> {
    let module_id = &names.module;
    let module = quote!(#krate::#module_id);
    let req = &names.request;
    let pairs: BTreeMap<String, String> = op.examples.request.iter().cloned().collect();
    let mut expected = Vec::new();
    let required = &names.required;
    let named = crate::plan::named_required(op).then(|| quote!(#krate::#required));
    let expr = build(
        (quote!(#krate::#req), named),
        &op.request,
        &pairs,
        "",
        plan,
        &module,
        &mut expected,
    )?;
    expected.sort();
    Some(Construct { expr, expected })
}

pub fn tests(svc: &Service, names: &[(String, OpNames)], plan: &Plan) -> Option<TokenStream> {
    let (_, lib_name) = crate_names(svc);
    let krate = naming::ident(&lib_name);
    let krate = quote!(#krate);
    let mut tests = Vec::new();
    for (op, (_, n)) in svc.operations.iter().zip(names) {
        let base = naming::unraw(&n.module);
        let base = base.trim_end_matches('_');
        let resp = &n.response;
        let feature = feature_name(n);
        if let Some(json) = &op.examples.response_json {
            let answer = if op.response_is_list {
                quote!(Vec<#krate::#resp>)
            } else {
                quote!(#krate::#resp)
            };
            let name = format_ident!("{base}_response_example_decodes");
            tests.push(quote! {
                #[cfg(feature = #feature)]
                #[test]
                fn #name() {
                    let _: #answer = aliyun_runtime::examples::assert_response_decodes(#json);
                }
            });
        }
        if op.examples.request.is_empty() {
            continue;
        }
        if let Some(c) = construct(op, n, plan, &krate) {
            let name = format_ident!("{base}_request_example_flattens");
            let expr = c.expr;
            let (keys, values): (Vec<_>, Vec<_>) = c.expected.into_iter().unzip();
            tests.push(quote! {
                #[cfg(feature = #feature)]
                #[test]
                fn #name() {
                    let request = #expr;
                    aliyun_runtime::examples::assert_request_flattens(&request, &[#((#keys, #values)),*]);
                }
            });
        }
    }
    if tests.is_empty() {
        return None;
    }
    Some(quote! {
        //! The examples of the pages, checked against the generated types (masked values such as
        //! `100931896542****` are read with `*` as `0`: see `aliyun_runtime::examples`).

        #(#tests)*
    })
}
