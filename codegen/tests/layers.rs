//! The shape of the code, read from its sources with `syn`:
//! - the stages of `codegen/src` import only earlier stages (so no two stages import each other);
//! - no function in `codegen/src` or `runtime/src` is longer than [`MAX_LINES`] lines.

use proc_macro2::Span;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use syn::visit::Visit;

/// The stages in the order data flows through them; a stage may use the stages before it. `model` (the data
/// every stage passes on) and `diag` (findings about the pages) come first because every stage speaks them.
/// `check` comes before `load` because loading ends by checking the model against the examples. `regen` and
/// `import` drive the stages and share a rank: neither may use the other (nor may `write` and `review`).
const STAGES: &[(&str, u32)] = &[
    ("model", 0),
    ("diag", 1),
    ("pages", 2),
    ("read", 3),
    ("merge", 4),
    ("check", 5),
    ("load", 6),
    ("plan", 7),
    ("emit", 8),
    ("write", 9),
    // Which findings regen prints and which it writes to REVIEW.md: after the stages, before the driver.
    ("review", 9),
    ("regen", 10),
    ("import", 10),
];

/// The longest a function may be, from `fn` to its closing brace.
const MAX_LINES: usize = 120;

/// Functions over [`MAX_LINES`] kept for now (file, function), each with whose it is and why.
const LONG_ALLOWED: &[(&str, &str, &str)] = &[];

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace holds codegen/")
        .to_path_buf()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}

fn parse(path: &Path) -> syn::File {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The stage a file of `codegen/src` belongs to: its first folder, or its name (`diag.rs`).
fn stage_of(relative: &Path) -> Option<String> {
    let first = relative.components().next()?.as_os_str().to_string_lossy();
    let stage = first.strip_suffix(".rs").unwrap_or(&first).to_string();
    (stage != "lib").then_some(stage)
}

/// Every `crate::<stage>` a file names, in `use` items and in paths alike, with its line (macro input such
/// as `quote!` is tokens, not paths, so generated code's `crate::` is not counted).
#[derive(Default)]
struct CrateRefs {
    found: Vec<(String, usize)>,
}

impl CrateRefs {
    fn use_tree(&mut self, tree: &syn::UseTree, after_crate: bool) {
        match tree {
            syn::UseTree::Path(p) if p.ident == "crate" => self.use_tree(&p.tree, true),
            syn::UseTree::Path(p) if after_crate => {
                self.found
                    .push((p.ident.to_string(), p.ident.span().start().line));
            }
            syn::UseTree::Name(n) if after_crate => {
                self.found
                    .push((n.ident.to_string(), n.ident.span().start().line));
            }
            syn::UseTree::Rename(r) if after_crate => {
                self.found
                    .push((r.ident.to_string(), r.ident.span().start().line));
            }
            syn::UseTree::Group(g) => {
                for t in &g.items {
                    self.use_tree(t, after_crate);
                }
            }
            _ => {}
        }
    }
}

impl<'ast> Visit<'ast> for CrateRefs {
    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        self.use_tree(&u.tree, false);
    }

    fn visit_path(&mut self, p: &'ast syn::Path) {
        let mut segments = p.segments.iter();
        if let (Some(first), Some(second)) = (segments.next(), segments.next()) {
            if first.ident == "crate" {
                self.found
                    .push((second.ident.to_string(), second.ident.span().start().line));
            }
        }
        syn::visit::visit_path(self, p);
    }
}

/// What in one file of `stage` uses a stage that is not earlier, as `line: message`.
fn later_uses(stage: &str, file: &syn::File) -> Vec<String> {
    let rank: BTreeMap<&str, u32> = STAGES.iter().copied().collect();
    let Some(&mine) = rank.get(stage) else {
        return vec![format!("stage `{stage}` has no place in STAGES")];
    };
    let mut refs = CrateRefs::default();
    refs.visit_file(file);
    refs.found
        .into_iter()
        .filter(|(used, _)| used != stage && rank.get(used.as_str()).is_some_and(|&r| r >= mine))
        .map(|(used, line)| {
            format!("{line}: `{stage}` uses `crate::{used}`, which is not an earlier stage")
        })
        .collect()
}

#[test]
fn stages_use_only_earlier_stages() {
    let src = workspace().join("codegen/src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut wrong = Vec::new();
    for path in &files {
        let relative = path.strip_prefix(&src).unwrap_or(path);
        let Some(stage) = stage_of(relative) else {
            continue;
        };
        for problem in later_uses(&stage, &parse(path)) {
            wrong.push(format!("codegen/src/{}:{problem}", relative.display()));
        }
    }
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
}

#[test]
fn the_stage_check_sees_uses_paths_and_circles() {
    let file = |text: &str| syn::parse_file(text).unwrap();
    let uses = file("use crate::{diag::Code, emit::naming};\nfn f() { crate::load::page(); }\n");
    assert_eq!(
        later_uses("read", &uses),
        [
            "1: `read` uses `crate::emit`, which is not an earlier stage",
            "2: `read` uses `crate::load`, which is not an earlier stage"
        ]
    );
    // Generated code inside a macro is tokens, not a use of the generator's stages.
    assert!(later_uses("emit", &file("fn f() { quote!(crate::write::x()); }")).is_empty());
    // Two drivers of one rank may not use each other, so no two stages form a circle.
    assert_eq!(later_uses("import", &file("use crate::regen;")).len(), 1);
    assert_eq!(later_uses("nowhere", &file("")).len(), 1);
}

/// Every function (free, in an impl or trait, nested) with its length in lines.
#[derive(Default)]
struct Lengths {
    found: Vec<(String, usize, usize)>,
}

impl Lengths {
    fn add(&mut self, name: &syn::Ident, start: Span, block: &syn::Block) {
        let first = start.start().line;
        let last = block.brace_token.span.close().end().line;
        self.found
            .push((name.to_string(), first, last.saturating_sub(first) + 1));
    }
}

impl<'ast> Visit<'ast> for Lengths {
    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        self.add(&f.sig.ident, f.sig.fn_token.span, &f.block);
        syn::visit::visit_item_fn(self, f);
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        self.add(&f.sig.ident, f.sig.fn_token.span, &f.block);
        syn::visit::visit_impl_item_fn(self, f);
    }

    fn visit_trait_item_fn(&mut self, f: &'ast syn::TraitItemFn) {
        if let Some(block) = &f.default {
            self.add(&f.sig.ident, f.sig.fn_token.span, block);
        }
        syn::visit::visit_trait_item_fn(self, f);
    }
}

#[test]
fn no_function_is_longer_than_the_limit() {
    let root = workspace();
    let mut files = Vec::new();
    for dir in ["codegen/src", "runtime/src"] {
        rust_files(&root.join(dir), &mut files);
    }
    let mut long = Vec::new();
    let mut still_long = Vec::new();
    for path in &files {
        let relative = path
            .strip_prefix(&root)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/");
        let mut lengths = Lengths::default();
        lengths.visit_file(&parse(path));
        for (name, line, lines) in lengths.found {
            if lines <= MAX_LINES {
                continue;
            }
            if LONG_ALLOWED
                .iter()
                .any(|(file, f, _)| *file == relative && *f == name)
            {
                still_long.push((relative.clone(), name));
                continue;
            }
            long.push(format!("{relative}:{line}: `{name}` is {lines} lines"));
        }
    }
    assert!(
        long.is_empty(),
        "functions over {MAX_LINES} lines (split them along the rules they document):\n{}",
        long.join("\n")
    );
    // An allowance that is no longer needed goes, so the list only shrinks.
    for (file, name, owner) in LONG_ALLOWED {
        assert!(
            still_long.iter().any(|(f, n)| f == file && n == name),
            "{file}: `{name}` ({owner}) is within {MAX_LINES} lines now: remove it from LONG_ALLOWED"
        );
    }
}

#[test]
fn lengths_count_from_fn_to_the_closing_brace() {
    let body = "    let x = 1;\n".repeat(MAX_LINES - 1);
    let text = format!(
        "/// Doc lines do not count.\nfn free() {{\n{body}}}\nimpl X {{\n    fn method() {{\n{body}    x();\n    }}\n}}\n"
    );
    let mut lengths = Lengths::default();
    lengths.visit_file(&syn::parse_file(&text).unwrap());
    let found: Vec<(String, usize)> = lengths.found.into_iter().map(|(n, _, l)| (n, l)).collect();
    assert_eq!(
        found,
        [
            ("free".to_string(), MAX_LINES + 1),
            ("method".to_string(), MAX_LINES + 2)
        ]
    );
}
