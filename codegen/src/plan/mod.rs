//! Stage 7, the crate plan: every decision about the generated crate that is not a token, computed once from
//! the model, as plain data: the crate's package and library names, each operation's module, cargo feature,
//! request and response type names and field names, the nested types (named crate-wide, see [`types`]) and
//! where each lives, and the `ErrorCode` variants. The emitters are functions from the plan to tokens; regen
//! writes the plan beside `model.yaml` as `plan.yaml`, so a diff shows a renamed type or a moved one.
//!
//! Naming rules ([`naming`]):
//! - A Rust name depends on its wire name alone, never on reading order ([`naming::scope`]): snake_case for
//!   modules, features and fields, PascalCase for types; keywords get `r#` (or a `_` where `r#` is not
//!   allowed); names that fold to one are told apart by the more conventional spelling keeping the plain
//!   name.
//! - The crate is `aliyun-<folder>` and its library `aliyun_<folder>`.
//! - An operation's module and feature are the snake_case of its wire name, avoiding the crate's own modules
//!   and features (`error`, `codec`, `types`, `tests`, `full`, `default`); its request and response are
//!   `<Pascal>Request` and `<Pascal>Response`, avoiding the crate-wide types ([`TOP_TYPES`]).
//! - A request's fields avoid `new` (its constructor); nested types avoid the prelude and serde names the
//!   generated code uses unqualified ([`RESERVED_TYPES`]) and every other type name of the crate.
//! - `ErrorCode` variants are the PascalCase of the codes, avoiding `Unknown`.

pub mod naming;
pub mod types;

use crate::model::{Field, Service, Side};
use naming::{Case, ScopeName};
use proc_macro2::Ident;
use quote::format_ident;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use types::Plan;

/// Names of an operation's public types, as re-exported by `lib.rs`.
#[derive(Debug, Clone)]
pub struct OpNames {
    pub module: Ident,
    pub request: Ident,
    pub response: Ident,
    /// The struct of the required parameters, by name, when the request has two or more
    /// ([`named_required`]).
    pub required: Ident,
}

impl OpNames {
    pub fn new(module: Ident, pascal: &str) -> Self {
        OpNames {
            module,
            request: format_ident!("{pascal}Request"),
            response: format_ident!("{pascal}Response"),
            required: format_ident!("{pascal}Required"),
        }
    }
}

/// From how many required parameters on a request's `new` takes them by name, in a struct of their own: one
/// alone cannot be swapped with another, and its function's documentation names it.
const NAMED_FROM: usize = 2;

/// Whether the request of `op` takes its required parameters by name (`XRequest::new(XRequired { … })`).
pub fn named_required(op: &crate::model::Operation) -> bool {
    op.request.iter().filter(|f| f.required).count() >= NAMED_FROM
}

/// Prelude and serde names a nested type must not shadow, since the generated code uses them unqualified.
pub const RESERVED_TYPES: &[&str] = &[
    "String", "Vec", "Option", "Some", "None", "Result", "Ok", "Err", "Box", "Default", "Self",
    "ERRORS",
];

/// Type names `lib.rs` and `error.rs` define.
pub const TOP_TYPES: &[&str] = &["ErrorCode", "SERVICE", "DocumentedError"];

/// Modules and cargo features of the crate besides the operations' own.
const CRATE_MODULES: &[&str] = &["error", "codec", "types", "tests", "full", "default"];

/// Field (and setter) names of a request struct, in field order.
pub fn request_field_idents(fields: &[Field]) -> Vec<Ident> {
    field_names(fields, Side::Request)
        .iter()
        .map(ScopeName::ident)
        .collect()
}

/// Field names of a response struct, in field order.
pub fn response_field_idents(fields: &[Field]) -> Vec<Ident> {
    field_names(fields, Side::Response)
        .iter()
        .map(ScopeName::ident)
        .collect()
}

/// Field names of a struct, in field order (`new` is the request's constructor).
pub fn field_names(fields: &[Field], side: Side) -> Vec<ScopeName> {
    let wires: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
    let reserved: &[&str] = match side {
        Side::Request => &["new"],
        Side::Response => &[],
    };
    naming::scope(&wires, Case::Snake, reserved)
}

/// `(operation name, module name)` in operation order; module names are unique within the crate.
pub fn module_names(svc: &Service) -> Vec<(String, String)> {
    op_names(svc)
        .into_iter()
        .map(|(op, n)| (op, naming::unraw(&n.module)))
        .collect()
}

pub fn op_names(svc: &Service) -> Vec<(String, OpNames)> {
    let wires: Vec<&str> = svc.operations.iter().map(|op| op.name.as_str()).collect();
    // `full` and `default` are cargo features of the crate besides the modules' own.
    let modules = naming::scope(&wires, Case::Snake, CRATE_MODULES);
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

/// The nested types of every operation, named crate-wide: no name of the crate's other types is given out.
pub fn type_plan<'a>(svc: &'a Service, names: &[(String, OpNames)]) -> Plan<'a> {
    let reserved: BTreeSet<String> = RESERVED_TYPES
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

/// The cargo feature that compiles an operation's module: the module's name.
pub fn feature_name(n: &OpNames) -> String {
    naming::unraw(&n.module)
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

/// The plan of a service's crate: the names and places [`crate::emit`] turns into tokens, computed once.
pub struct CratePlan<'a> {
    /// The package name (`aliyun-config`) and the library name (`aliyun_config`).
    pub package: String,
    pub lib: String,
    /// Per operation, in the service's order: its wire name and its names.
    pub operations: Vec<(String, OpNames)>,
    /// The nested types of every operation, named crate-wide, with where each lives.
    pub types: Plan<'a>,
    /// Error code → `ErrorCode` variant.
    pub errors: BTreeMap<String, Ident>,
}

impl<'a> CratePlan<'a> {
    pub fn of(svc: &'a Service) -> Self {
        let (package, lib) = crate_names(svc);
        let operations = op_names(svc);
        let types = type_plan(svc, &operations);
        CratePlan {
            package,
            lib,
            errors: error_variants(svc),
            types,
            operations,
        }
    }

    /// The plan as a reviewer reads it (`plan.yaml` beside `model.yaml`): a renamed type, a type that moves
    /// to `types.rs`, a new module or error variant each show as a line of its diff.
    pub fn yaml(&self, svc: &Service) -> String {
        let fields = |fields: &[Field], side: Side| -> Vec<FieldPlan> {
            fields
                .iter()
                .zip(field_names(fields, side))
                .map(|(f, n)| FieldPlan {
                    wire: f.name.clone(),
                    rust: n.text,
                })
                .collect()
        };
        let module_of: Vec<String> = self
            .operations
            .iter()
            .map(|(_, n)| naming::unraw(&n.module))
            .collect();
        let shown = Shown {
            package: self.package.clone(),
            lib: self.lib.clone(),
            operations: svc
                .operations
                .iter()
                .zip(&self.operations)
                .map(|(op, (wire, n))| OperationPlan {
                    operation: wire.clone(),
                    module: naming::unraw(&n.module),
                    feature: feature_name(n),
                    request: n.request.to_string(),
                    response: n.response.to_string(),
                    request_fields: fields(&op.request, Side::Request),
                    response_fields: fields(&op.response, Side::Response),
                })
                .collect(),
            types: self
                .types
                .defs
                .iter()
                .map(|d| TypePlan {
                    name: d.name.to_string(),
                    wire: d.wire.to_string(),
                    kind: match d.kind {
                        types::Kind::Struct { .. } => "struct",
                        types::Kind::Enum(_) => "enum",
                    },
                    lives_in: if d.shared() {
                        "types".to_string()
                    } else {
                        d.users
                            .iter()
                            .next()
                            .and_then(|&i| module_of.get(i).cloned())
                            .unwrap_or_default()
                    },
                    users: d
                        .users
                        .iter()
                        .filter_map(|&i| module_of.get(i).cloned())
                        .collect(),
                })
                .collect(),
            errors: self
                .errors
                .iter()
                .map(|(code, v)| (code.clone(), v.to_string()))
                .collect(),
        };
        serde_yaml::to_string(&shown)
            .unwrap_or_else(|e| format!("# the plan does not serialize: {e}\n"))
    }
}

/// What `plan.yaml` shows.
#[derive(Serialize)]
struct Shown {
    package: String,
    lib: String,
    operations: Vec<OperationPlan>,
    types: Vec<TypePlan>,
    errors: BTreeMap<String, String>,
}

#[derive(Serialize)]
struct OperationPlan {
    operation: String,
    module: String,
    feature: String,
    request: String,
    response: String,
    request_fields: Vec<FieldPlan>,
    response_fields: Vec<FieldPlan>,
}

#[derive(Serialize)]
struct FieldPlan {
    wire: String,
    rust: String,
}

#[derive(Serialize)]
struct TypePlan {
    name: String,
    wire: String,
    kind: &'static str,
    /// `types` (shared) or the module of its one operation.
    lives_in: String,
    /// The modules of the operations that use it.
    users: Vec<String>,
}
