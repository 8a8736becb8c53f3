//! The crate-wide files: `Cargo.toml`, `README.md`, `LICENSE-DOCS`, `src/lib.rs`, `src/error.rs`, `model.yaml`, and
//! the assembly of all.

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
        lib(svc, &names, needs, shared),
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
        path: format!("{dir}/README.md"),
        contents: readme(svc, &names, &plan, &sources),
    })?;
    if let Some(license) = &svc.docs_license {
        sink(GeneratedFile {
            path: format!("{dir}/LICENSE-DOCS"),
            contents: docs_license(svc, license),
        })?;
    }
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
                .flat_map(|(_, n)| [n.request.to_string(), n.response.to_string()]),
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

/// The crate's version. Semver for the crate; the API version is in the description, the docs and
/// `[package.metadata.aliyun]` (see the top README, "Versioning").
pub const CRATE_VERSION: &str = "0.1.0";

/// The runtime version the generated crates depend on (`aliyun-runtime`'s own version).
pub const RUNTIME_VERSION: &str = "0.1.0";

/// At most five crates.io keywords: the product code (when it is a valid keyword), then the common ones.
fn keywords(svc: &Service) -> Vec<String> {
    let product = svc.product.to_ascii_lowercase();
    let mut out = vec!["alibaba-cloud".to_string(), "aliyun".to_string(), "sdk".to_string()];
    let valid = !product.is_empty()
        && product.len() <= 20
        && product.starts_with(|c: char| c.is_ascii_alphabetic())
        && product.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if valid && !out.contains(&product) {
        out.insert(0, product);
    }
    out.push("api".to_string());
    out.truncate(5);
    out
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
        "Alibaba Cloud {} API (version {}): {} operations, generated from its API reference",
        one_line(&svc.product),
        one_line(&svc.version),
        svc.operations.len()
    );
    let keywords = keywords(svc)
        .iter()
        .map(|k| toml_string(k))
        .collect::<Vec<_>>()
        .join(", ");
    let publish = if svc.publish {
        ""
    } else {
        "# An invented service (`publish: false` in its service.yaml): a test fixture, never published.\npublish = false\n"
    };
    let mut include = vec!["src/**/*.rs", "tests/**/*.rs", "README.md", "model.yaml"];
    if svc.docs_license.is_some() {
        include.push("LICENSE-DOCS");
    }
    let include = include
        .iter()
        .map(|f| toml_string(f))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "# @generated by cargo xtask regen from {}. Do not edit.\n\
         [package]\n\
         name = {}\n\
         version = {}\n\
         description = {}\n\
         readme = \"README.md\"\n\
         keywords = [{keywords}]\n\
         categories = [\"api-bindings\", \"web-programming::http-client\"]\n\
         include = [{include}]\n\
         edition.workspace = true\n\
         rust-version.workspace = true\n\
         license.workspace = true\n\
         repository.workspace = true\n\
         {publish}\
         \n\
         # The API this crate calls (the crate's own version is semver, independent of it).\n\
         [package.metadata.aliyun]\n\
         product = {}\n\
         api-version = {}\n\
         \n\
         [package.metadata.docs.rs]\n\
         all-features = true\n\
         \n\
         [dependencies]\n\
         aliyun-runtime = {{ path = \"../../runtime\", version = {} }}\n\
         serde.workspace = true\n\
         \n\
         # One feature per operation: with `default-features = false`, name the operations you call and only\n\
         # those are compiled.\n\
         [features]\n\
         default = [\"full\"]\n\
         full = [\n{full}]\n\
         {each}",
        sources.join(", "),
        toml_string(&name),
        toml_string(CRATE_VERSION),
        toml_string(&description),
        toml_string(&svc.product),
        toml_string(&svc.version),
        toml_string(RUNTIME_VERSION),
    )
}

/// A value of `service.yaml` as one line of text (README and metadata): whitespace runs become one space.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A value of `service.yaml` inside the README's markdown: one line, markdown and HTML escaped.
fn md(s: &str) -> String {
    super::docs::escape_line(&one_line(s))
}

/// The crate's README, also its crate-level docs (`#![doc = include_str!("../README.md")]`), so the first
/// call is a doctest: what the crate covers and from which documentation, a first call, and how to compile
/// only some operations.
fn readme(svc: &Service, names: &[(String, OpNames)], plan: &Plan, sources: &[String]) -> String {
    let (crate_name, lib_name) = crate_names(svc);
    let folder = md(&svc.name);
    let product = md(&svc.product);
    let version = md(&svc.version);
    let count = svc.operations.len();
    let mut out = format!(
        "<!-- @generated by cargo xtask regen from {}. Do not edit. -->\n\n\
         # {crate_name}\n\n\
         Rust client for the Alibaba Cloud **{product}** API, version `{version}`: {count} operation{}, one \
         module and one cargo feature each, generated from the API reference pages in `specs/{folder}/` of \
         the repository. Calls go through [`aliyun-runtime`](https://crates.io/crates/aliyun-runtime) \
         (signing, retries, timeouts, credentials).\n\n",
        sources.join(", "),
        if count == 1 { "" } else { "s" },
    );
    out.push_str("## What it covers\n\n");
    match &svc.docs {
        Some(d) => {
            out.push_str(&format!(
                "Generated from the documentation snapshot {}, last updated {}. Operations Alibaba Cloud \
                 added after that date are missing.",
                md(&d.source),
                md(&d.updated)
            ));
            if let Some(note) = &d.note {
                out.push_str(&format!(" {}", md(note)));
            }
            out.push_str("\n\n");
        }
        None => out.push_str(
            "Generated from the pages saved in the repository; operations they do not document are missing.\n\n",
        ),
    }
    let operations = svc
        .operations
        .iter()
        .map(|op| code(&op.name))
        .collect::<Vec<_>>()
        .join(", ");
    out.push_str(&format!("The operations: {operations}.\n\n"));
    out.push_str(&format!(
        "To add an operation: save its API reference page (Chinese or English, markdown or the text copied \
         off the website) into `specs/{folder}/` of the repository, run `cargo xtask regen`, and review the \
         diff of `generated/{folder}/` (its `model.yaml` first).\n\n\
         Every operation module holds its request (required parameters in `new`, optional ones as setters), \
         its response, its enums and the error codes its page documents (`ERRORS`); `ErrorCode` is the \
         service-wide enum to match on, and `SERVICE` holds the product, API version and endpoint rule.\n\n"
    ));
    out.push_str("## A first call\n\n```toml\n[dependencies]\n");
    out.push_str(&format!(
        "{crate_name} = \"{}\"\naliyun-runtime = \"{}\"\n\
         tokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}\n```\n\n",
        minor(CRATE_VERSION),
        minor(RUNTIME_VERSION)
    ));
    let example = usage_example(svc, names, plan, &lib_name);
    for line in example {
        let line = if line == "```no_run" { "```rust,no_run".to_string() } else { line };
        out.push_str(&line);
        out.push('\n');
    }
    out.push_str(
        "\nCredentials come from the default chain (environment, `~/.aliyun/config.json`, the ECS RAM role, …); \
         see `aliyun-runtime`.\n\n",
    );
    let first_feature = names
        .first()
        .map(|(_, n)| feature_name(n))
        .unwrap_or_default();
    out.push_str(&format!(
        "## Compiling only some operations\n\n\
         Every operation is a cargo feature named after its module, all on by default (`full`). To compile \
         only what you call, turn the default features off and name them:\n\n\
         ```toml\n{crate_name} = {{ version = \"{}\", default-features = false, features = [\"{first_feature}\"] }}\n```\n\n\
         A type several operations share lives in `types` and is compiled when any of them is.\n\n",
        minor(CRATE_VERSION)
    ));
    out.push_str(&format!(
        "## Versioning\n\n\
         The crate's version is semver and says nothing about the API: the API version (`{version}`) is in the \
         description, in `[package.metadata.aliyun]` and in `SERVICE.version`. A regenerated crate that \
         removes or changes an item is a new major version (a new minor one before 1.0).\n\n\
         ## License\n\n\
         The code is MIT OR Apache-2.0."
    ));
    if svc.docs_license.is_some() {
        out.push_str(
            " The documentation text in its doc comments comes from Alibaba Cloud's documentation, under the \
             licence in `LICENSE-DOCS` (MIT).",
        );
    }
    out.push('\n');
    out
}

/// `0.1.0` → `0.1`: what a user writes in `[dependencies]`.
fn minor(version: &str) -> &str {
    match version.match_indices('.').nth(1) {
        Some((i, _)) => &version[..i],
        None => version,
    }
}

/// The pages' licence as shipped with the crate: which pages it covers, then its text unchanged.
fn docs_license(svc: &Service, license: &str) -> String {
    format!(
        "@generated by cargo xtask regen from specs/{}/LICENSE. Do not edit.\n\
         The documentation text in this crate (its doc comments, README and model.yaml) is taken from Alibaba \
         Cloud's API reference pages, published under this licence:\n\n{}",
        svc.name,
        license.trim_start_matches('\u{feff}')
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
    needs: Needs,
    shared: bool,
) -> TokenStream {
    // The README is the crate's docs: one text on crates.io and docs.rs, and its first call is a doctest.
    let docs = quote!(#![doc = include_str!("../README.md")]);
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
    let modules = names.iter().map(|(_, n)| {
        let (m, req, resp) = (&n.module, &n.request, &n.response);
        let feature = feature_name(n);
        quote! {
            #[cfg(feature = #feature)]
            pub mod #m;
            #[cfg(feature = #feature)]
            pub use #m::{#req, #resp};
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
