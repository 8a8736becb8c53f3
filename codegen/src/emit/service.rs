//! The crate-wide files: `Cargo.toml`, `src/lib.rs`, `src/error.rs`, `model.yaml`, and the assembly of all.

use super::docs::{code, DocLines};
use super::operation::{self, Needs, OpNames};
use super::types::{Plan, TypeDef};
use super::{examples, render, EmitError, GeneratedFile};
use crate::emit::naming::{self, Case};
use crate::model::{ApiStyle, EndpointRule, Service};
use proc_macro2::{Ident, TokenStream};
use quote::quote;
use std::collections::{BTreeMap, BTreeSet};

/// `(operation name, module name)` in operation order; module names are unique within the crate.
pub fn module_names(svc: &Service) -> Vec<(String, String)> {
    op_names(svc)
        .into_iter()
        .map(|(op, n)| {
            (
                op,
                n.module.to_string().trim_start_matches("r#").to_string(),
            )
        })
        .collect()
}

fn op_names(svc: &Service) -> Vec<(String, OpNames)> {
    let wires: Vec<&str> = svc.operations.iter().map(|op| op.name.as_str()).collect();
    // `full` and `default` are cargo features of the crate besides the modules' own.
    let modules = naming::scope(
        &wires,
        Case::Snake,
        &["error", "codec", "types", "tests", "full", "default"],
    );
    let types = naming::scope(&wires, Case::Pascal, TOP_TYPES);
    svc.operations
        .iter()
        .zip(modules.iter().zip(&types))
        .map(|(op, (module, pascal))| (op.name.clone(), OpNames::new(module.ident(), &pascal.text)))
        .collect()
}

/// `ErrorCode` variant of every documented code.
pub fn error_variants(svc: &Service) -> BTreeMap<String, Ident> {
    let codes: Vec<&str> = svc.errors.iter().map(|e| e.code.as_str()).collect();
    codes
        .iter()
        .zip(naming::scope(&codes, Case::Pascal, &["Unknown"]))
        .map(|(code, name)| (code.to_string(), name.ident()))
        .collect()
}

/// What the crate-wide files come from: the service's folder, not a list of its pages, so that adding a page
/// does not rewrite files it does not change.
fn service_sources(svc: &Service) -> Vec<String> {
    vec![format!("specs/{}/", svc.name)]
}

/// Hands every file of the crate to `sink` as soon as it is rendered, so a caller can write it and let it go.
pub fn files<E: From<EmitError>>(
    svc: &Service,
    mut sink: impl FnMut(GeneratedFile) -> Result<(), E>,
) -> Result<(), E> {
    let dir = &svc.name;
    let sources = service_sources(svc);
    let names = op_names(svc);
    let variants = error_variants(svc);
    let plan = type_plan(svc, &names);
    let mut needs = Needs::default();
    for (i, (op, (_, n))) in svc.operations.iter().zip(&names).enumerate() {
        let emitted = operation::module(op, i, n, &plan, &variants);
        needs.json_text |= emitted.needs.json_text;
        sink(render(
            &format!(
                "{dir}/src/{}.rs",
                n.module.to_string().trim_start_matches("r#")
            ),
            &op.sources,
            emitted.tokens,
        )?)?;
    }
    let shared = plan.shared().next().is_some();
    if shared {
        let (tokens, types_needs) = types_module(&plan, &names);
        needs.json_text |= types_needs.json_text;
        sink(render(&format!("{dir}/src/types.rs"), &sources, tokens)?)?;
    }
    sink(render(
        &format!("{dir}/src/lib.rs"),
        &sources,
        lib(svc, &names, &plan, needs, shared),
    )?)?;
    sink(render(
        &format!("{dir}/src/error.rs"),
        &sources,
        error(svc, &variants),
    )?)?;
    if let Some(tests) = examples::tests(svc, &names, &plan) {
        sink(render(
            &format!("{dir}/tests/examples.rs"),
            &sources,
            tests,
        )?)?;
    }
    sink(GeneratedFile {
        path: format!("{dir}/Cargo.toml"),
        contents: cargo_toml(svc, &names, &sources),
    })?;
    sink(GeneratedFile {
        path: format!("{dir}/model.yaml"),
        contents: model_yaml(svc, &sources),
    })
}

/// The nested types of every operation, named crate-wide: no name of the crate's other types is given out.
pub fn type_plan<'a>(svc: &'a Service, names: &[(String, OpNames)]) -> Plan<'a> {
    let reserved: BTreeSet<String> = operation::RESERVED_TYPES
        .iter()
        .chain(TOP_TYPES)
        .map(|s| s.to_string())
        .chain(
            names
                .iter()
                .flat_map(|(_, n)| [&n.request, &n.response, &n.required].map(Ident::to_string)),
        )
        .collect();
    Plan::new(&svc.operations, &reserved)
}

/// Type names `lib.rs` and `error.rs` define.
const TOP_TYPES: &[&str] = &["ErrorCode", "SERVICE", "DocumentedError"];

/// `src/types.rs`: the types several operations use, each compiled when any of them is. Types with the same
/// users share one private module under one `cfg` (re-exported whole), so the feature lists are not repeated
/// on every item.
fn types_module(plan: &Plan, names: &[(String, OpNames)]) -> (TokenStream, Needs) {
    let mut needs = Needs::default();
    // In order of first use: a group where its first type would be.
    let mut groups: Vec<(&BTreeSet<usize>, Vec<&TypeDef>)> = Vec::new();
    let mut group_of: BTreeMap<&BTreeSet<usize>, usize> = BTreeMap::new();
    for def in plan.shared() {
        let at = *group_of.entry(&def.users).or_insert_with(|| {
            groups.push((&def.users, Vec::new()));
            groups.len() - 1
        });
        groups[at].1.push(def);
    }
    let mut modules = BTreeSet::new();
    let mut items = Vec::new();
    for (users, defs) in groups {
        let features: Vec<String> = users.iter().map(|&i| feature_name(&names[i].1)).collect();
        let cfg = if features.len() == 1 {
            let f = &features[0];
            quote!(#[cfg(feature = #f)])
        } else {
            quote!(#[cfg(any(#(feature = #features),*))])
        };
        // Named after its first type, which no other group holds; numbered where two names fold to one.
        let base = naming::snake_text(&defs[0].name.to_string());
        let mut module = base.clone();
        let mut n = 2;
        while !modules.insert(module.clone()) {
            module = format!("{base}_{n}");
            n += 1;
        }
        let module = naming::ident(&module);
        let inside: BTreeSet<String> = defs.iter().map(|d| d.name.to_string()).collect();
        let mut imports: Vec<&Ident> = defs
            .iter()
            .flat_map(|d| operation::references(plan, d))
            .filter(|n| !inside.contains(&n.to_string()))
            .collect();
        imports.sort();
        imports.dedup();
        let imports = if imports.is_empty() {
            quote!()
        } else {
            quote!(use super::{#(#imports),*};)
        };
        let mut types = Vec::new();
        for def in defs {
            let (tokens, n) = operation::shared_type(plan, def);
            needs.json_text |= n.json_text;
            types.push(tokens);
        }
        items.push(quote! {
            #cfg
            mod #module {
                #imports
                #(#types)*
            }
            #cfg
            pub use #module::*;
        });
    }
    let docs = DocLines::new()
        .raw(
            "The types more than one operation uses, each defined once: compiled when any operation that uses \
             it is, and re-exported by each of their modules.",
        )
        .inner_attrs();
    (quote! { #docs #(#items)* }, needs)
}

/// The cargo feature that compiles an operation's module: the module's name.
pub fn feature_name(n: &OpNames) -> String {
    n.module.to_string().trim_start_matches("r#").to_string()
}

/// Crate name and library name.
pub fn crate_names(svc: &Service) -> (String, String) {
    let snake = naming::snake_text(&svc.name);
    (crate_name(&svc.name), format!("aliyun_{snake}"))
}

/// The package name of the crate generated from the service folder `folder` (regen checks it is unique).
pub fn crate_name(folder: &str) -> String {
    format!("aliyun-{}", naming::snake_text(folder).replace('_', "-"))
}

fn toml_string(s: &str) -> String {
    // A JSON string is a valid TOML basic string: the same escapes (`\"`, `\\`, `\n`, `\uXXXX`).
    serde_json::to_string(s).expect("a string serializes")
}

fn cargo_toml(svc: &Service, names: &[(String, OpNames)], sources: &[String]) -> String {
    let (name, _) = crate_names(svc);
    let features: Vec<String> = names.iter().map(|(_, n)| feature_name(n)).collect();
    let full = features
        .iter()
        .map(|f| format!("    {},\n", toml_string(f)))
        .collect::<String>();
    let each = features
        .iter()
        // Module names are Rust identifiers, so they are valid bare TOML keys.
        .map(|f| format!("{f} = []\n"))
        .collect::<String>();
    let description = format!(
        "Alibaba Cloud {} API (version {}), generated from its API reference",
        svc.product, svc.version
    );
    format!(
        "# @generated by cargo xtask regen from {}. Do not edit.\n\
         [package]\n\
         name = {}\n\
         version = \"0.1.0\"\n\
         description = {}\n\
         edition.workspace = true\n\
         license.workspace = true\n\
         publish.workspace = true\n\
         \n\
         [dependencies]\n\
         aliyun-runtime = {{ path = \"../../runtime\" }}\n\
         serde.workspace = true\n\
         \n\
         # One feature per operation: with `default-features = false`, name the operations you call and only\n\
         # those are compiled.\n\
         [features]\n\
         default = [\"full\"]\n\
         full = [\n{full}]\n\
         # Response types implement `serde::Serialize` (with their wire names), so that tests answer calls with\n\
         # them through `aliyun_runtime::test_util::Stub`.\n\
         test-util = [\"aliyun-runtime/test-util\"]\n\
         {each}",
        sources.join(", "),
        toml_string(&name),
        toml_string(&description),
    )
}

fn model_yaml(svc: &Service, sources: &[String]) -> String {
    let yaml = serde_yaml::to_string(svc).expect("the model serializes as YAML");
    format!(
        "# @generated by cargo xtask regen from {}. Do not edit.\n{yaml}",
        sources.join(", ")
    )
}

fn lib(
    svc: &Service,
    names: &[(String, OpNames)],
    plan: &Plan,
    needs: Needs,
    shared: bool,
) -> TokenStream {
    let (_, lib_name) = crate_names(svc);
    let example = usage_example(svc, names, plan, &lib_name);
    let docs = DocLines::new()
        .raw(format!(
            "Alibaba Cloud {} API, version {}: one module per operation, generated from the API reference \
             pages in `specs/{}/`.",
            super::docs::escape_line(&svc.product),
            super::docs::escape_line(&svc.version),
            super::docs::escape_line(&svc.name)
        ))
        .raw(
            "Each operation module has a request type (required parameters in `new`, by name in a struct \
             `<Operation>Required` where there are two or more; optional ones as setters) \
             that implements `aliyun_runtime::Operation`, its response type, its enums and the error codes its \
             page documents (`ERRORS`). Calls go through `aliyun_runtime::Client`:",
        )
        .verbatim(example)
        .inner_attrs();
    let product = &svc.product;
    let version = &svc.version;
    let endpoint = &svc.endpoint;
    let style = match svc.style {
        ApiStyle::Rpc => quote!(aliyun_runtime::ApiStyle::Rpc),
        ApiStyle::Roa => quote!(aliyun_runtime::ApiStyle::Roa),
    };
    let endpoint_rule = match svc.endpoint_rule {
        EndpointRule::Central => quote!(aliyun_runtime::EndpointRule::Central),
        EndpointRule::Regional => quote!(aliyun_runtime::EndpointRule::Regional),
    };
    // A BTreeMap: sorted by region id, as `ServiceSpec::host` searches it.
    let regional_endpoints = svc
        .regional_endpoints
        .iter()
        .map(|(region, host)| quote!((#region, #host)));
    let modules = svc.operations.iter().zip(names).map(|(op, (_, n))| {
        let (m, req, resp) = (&n.module, &n.request, &n.response);
        let required = operation::named_required(op).then_some(&n.required);
        let required = required.iter();
        let feature = feature_name(n);
        quote! {
            #[cfg(feature = #feature)]
            pub mod #m;
            #[cfg(feature = #feature)]
            pub use #m::{#req, #resp #(, #required)*};
        }
    });
    let mut helpers = Vec::new();
    if needs.json_text {
        helpers.push(quote! {
            /// Structured parameters the service takes as one parameter holding JSON text.
            pub(crate) fn json_text<S: serde::Serializer, T: serde::Serialize>(v: &T, s: S) -> Result<S::Ok, S::Error> {
                let text = aliyun_runtime::serde_json::to_string(v).map_err(<S::Error as serde::ser::Error>::custom)?;
                s.serialize_str(&text)
            }
        });
    }
    let codec = if helpers.is_empty() {
        quote!()
    } else {
        quote! {
            /// Field codecs the generated types share (some unused when only some operations are compiled).
            #[cfg_attr(not(feature = "full"), allow(dead_code))]
            mod codec {
                #(#helpers)*
            }
        }
    };
    let types = if shared {
        quote!(
            pub mod types;
        )
    } else {
        quote!()
    };
    let service_docs = DocLines::new()
        .raw(format!(
            "The {} service: product {}, API version {}, endpoint {} ({} rule{}).",
            super::docs::escape_line(&svc.name),
            code(product),
            code(version),
            code(endpoint),
            match svc.endpoint_rule {
                EndpointRule::Central => "central",
                EndpointRule::Regional => "regional",
            },
            if svc.regional_endpoints.is_empty() {
                String::new()
            } else {
                format!(
                    "; own hosts in {}",
                    svc.regional_endpoints
                        .keys()
                        .map(|r| code(r))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
        ))
        .attrs();
    quote! {
        #docs
        #![deny(missing_docs)]

        #service_docs
        pub const SERVICE: aliyun_runtime::ServiceSpec = aliyun_runtime::ServiceSpec {
            product: #product,
            version: #version,
            style: #style,
            endpoint: #endpoint,
            endpoint_rule: #endpoint_rule,
            regional_endpoints: &[#(#regional_endpoints),*],
        };

        pub mod error;
        pub use error::ErrorCode;

        #types

        #(#modules)*

        #codec
    }
}

/// A doc example: build the first operation's request with its page's example values and call it.
fn usage_example(
    svc: &Service,
    names: &[(String, OpNames)],
    plan: &Plan,
    lib_name: &str,
) -> Vec<String> {
    let krate = naming::ident(lib_name);
    let build =
        svc.operations.iter().zip(names).find_map(|(op, (_, n))| {
            examples::construct(op, n, plan, &quote!(#krate)).map(|c| (n, c))
        });
    let body = match build {
        Some((n, c)) => {
            let _ = n;
            let construct = c.expr;
            quote! {
                async fn example() -> Result<(), aliyun_runtime::Error> {
                    let client = aliyun_runtime::Client::builder().region("cn-hangzhou").build()?;
                    let request = #construct;
                    let response = client.call(request).await?;
                    println!("{response:?}");
                    Ok(())
                }
            }
        }
        None => quote! {
            fn main() {
                println!("{}", #krate::SERVICE.host("cn-hangzhou"));
            }
        },
    };
    let file = syn::parse2::<syn::File>(body).expect("the usage example parses");
    let text = prettyplease::unparse(&file);
    let mut lines = vec!["```no_run".to_string()];
    lines.extend(text.lines().map(str::to_string));
    lines.push("```".to_string());
    lines
}

fn error(svc: &Service, variants: &BTreeMap<String, Ident>) -> TokenStream {
    let mut decls = Vec::new();
    let mut ids = Vec::new();
    let mut codes = Vec::new();
    let mut statuses = Vec::new();
    let mut messages = Vec::new();
    for e in &svc.errors {
        let id = &variants[&e.code];
        let docs = DocLines::new()
            .raw(format!(
                "`{}`: HTTP {}, {}",
                e.code.replace('`', "'"),
                e.status,
                code(&e.message)
            ))
            .page(&e.docs, "No description on the page.")
            .attrs();
        decls.push(quote! { #docs #id, });
        ids.push(id);
        codes.push(&e.code);
        statuses.push(e.status);
        messages.push(&e.message);
    }
    let docs = DocLines::new()
        .raw(format!(
            "Error codes of the {} service.",
            super::docs::escape_line(&svc.name)
        ))
        .inner_attrs();
    let enum_docs = DocLines::new()
        .raw(
            "Every error code the pages of this service document, plus `Unknown` for the others. Match on it \
             with `ErrorCode::of(&error)`; each operation module lists its own codes in `ERRORS`.",
        )
        .attrs();
    let count = proc_macro2::Literal::usize_unsuffixed(ids.len());
    quote! {
        #docs

        #enum_docs
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorCode {
            #(#decls)*
            /// A code the pages do not document, as received.
            Unknown(String),
        }

        impl ErrorCode {
            /// Every code the pages document, in code order.
            pub const VALUES: [Self; #count] = [#(Self::#ids),*];

            /// The code of a service error (`None` for errors that are not the service's answer).
            pub fn of(error: &aliyun_runtime::Error) -> Option<Self> {
                error.code().map(Self::from)
            }

            /// The code as the service sends it.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#ids => #codes,)*
                    Self::Unknown(s) => s,
                }
            }

            /// The HTTP status the pages give for this code (the first operation's that documents it; each
            /// operation's `ERRORS` has its own).
            pub fn http_status(&self) -> Option<u16> {
                match self {
                    #(Self::#ids => Some(#statuses),)*
                    Self::Unknown(_) => None,
                }
            }

            /// The message the pages give for this code (the first operation's that documents it; each
            /// operation's `ERRORS` has its own).
            pub fn message(&self) -> Option<&'static str> {
                match self {
                    #(Self::#ids => Some(#messages),)*
                    Self::Unknown(_) => None,
                }
            }
        }

        aliyun_runtime::wire_enum!(ErrorCode);

        /// An error as one operation's page documents it: each operation module lists its own in `ERRORS`.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct DocumentedError {
            /// The code, for matching with `ErrorCode::of(&error)`.
            pub code: ErrorCode,
            /// The HTTP status this operation's page gives.
            pub status: u16,
            /// The message this operation's page gives.
            pub message: &'static str,
            /// What it means, as the page says it (English where the page has it), or empty.
            pub description: &'static str,
        }
    }
}
