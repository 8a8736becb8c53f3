//! `cargo xtask clippy-features [--list]`: every generated crate linted for each distinct set of shared types
//! an operation compiles, warnings denied, instead of once per operation.
//!
//! A crate built with one operation's feature compiles that operation's module, `lib.rs`, `error.rs` and the
//! items of `types.rs` whose `#[cfg(any(feature = …))]` names the operation. Operations whose features switch
//! on the same items of `types.rs` (the same *feature set* of shared code) differ only in their own module,
//! which the all-features clippy of the workspace already lints, token for token as it is compiled alone. So
//! one clippy run per distinct set, with any operation of it, lints what every operation of that set would
//! compile alone, provided each module uses only shared types whose cfg names it: [`uses_outside_cfg`] checks
//! that rule on every module (a test runs it on `generated/`). The runs grow with the distinct sets (220 for
//! 779 operations of 10 crates), not with the operations.

use anyhow::{bail, Context, Result};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

/// One distinct set of shared items and the operations (features) that compile exactly it.
#[derive(Debug, PartialEq, Eq)]
pub struct FeatureSet {
    /// The `types.rs` modules compiled (their names).
    pub items: BTreeSet<String>,
    /// The operations' features, in Cargo.toml order; the first is the one built.
    pub features: Vec<String>,
}

/// A generated crate: its package name, its operation features and, per `types.rs` module, the features
/// that compile it and the names it exports.
pub struct Crate {
    pub package: String,
    pub dir: PathBuf,
    pub features: Vec<String>,
    pub shared: BTreeMap<String, Shared>,
    /// Not `publish = false`.
    pub publish: bool,
}

#[derive(Default)]
pub struct Shared {
    pub users: BTreeSet<String>,
    pub exports: BTreeSet<String>,
}

pub fn generated_crates(root: &Path) -> Result<Vec<Crate>> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root.join("generated"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("Cargo.toml").is_file())
        .collect();
    dirs.sort();
    dirs.into_iter().map(|d| read_crate(&d)).collect()
}

fn read_crate(dir: &Path) -> Result<Crate> {
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml"))?;
    let package = manifest
        .lines()
        .find_map(|l| l.strip_prefix("name = "))
        .map(|n| n.trim_matches('"').to_string())
        .with_context(|| format!("{}: no package name", dir.display()))?;
    // Each operation's feature is a line `<feature> = []` of the `[features]` table.
    let features = manifest
        .split("[features]")
        .nth(1)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.strip_suffix(" = []"))
        .map(str::to_string)
        .collect();
    let types = dir.join("src/types.rs");
    let shared = if types.is_file() {
        shared_items(&std::fs::read_to_string(&types)?)
            .with_context(|| format!("parsing {}", types.display()))?
    } else {
        BTreeMap::new()
    };
    let publish = !manifest.lines().any(|l| l == "publish = false");
    Ok(Crate {
        publish,
        package,
        dir: dir.to_path_buf(),
        features,
        shared,
    })
}

/// The features named in an item's `#[cfg(...)]` attributes.
fn cfg_features(attrs: &[syn::Attribute]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("cfg")) {
        let syn::Meta::List(list) = &attr.meta else {
            continue;
        };
        let text = list.tokens.to_string();
        let mut rest = text.as_str();
        while let Some(i) = rest.find("feature = \"") {
            rest = &rest[i + "feature = \"".len()..];
            if let Some(end) = rest.find('"') {
                out.insert(rest[..end].to_string());
                rest = &rest[end..];
            }
        }
    }
    out
}

/// `types.rs`: `#[cfg(..)] mod x { pub struct X … }` and `#[cfg(..)] pub use x::*;` per shared type.
fn shared_items(source: &str) -> Result<BTreeMap<String, Shared>> {
    let file = syn::parse_file(source)?;
    let mut out: BTreeMap<String, Shared> = BTreeMap::new();
    for item in &file.items {
        if let syn::Item::Mod(m) = item {
            let entry = out.entry(m.ident.to_string()).or_default();
            entry.users = cfg_features(&m.attrs);
            for inner in m.content.iter().flat_map(|(_, items)| items) {
                let name = match inner {
                    syn::Item::Struct(s) => Some(&s.ident),
                    syn::Item::Enum(e) => Some(&e.ident),
                    syn::Item::Type(t) => Some(&t.ident),
                    _ => None,
                };
                if let Some(name) = name {
                    entry.exports.insert(name.to_string());
                }
            }
        }
    }
    Ok(out)
}

/// The crate's operations grouped by the shared items their feature compiles.
pub fn feature_sets(c: &Crate) -> Vec<FeatureSet> {
    let mut sets: Vec<FeatureSet> = Vec::new();
    for f in &c.features {
        let items: BTreeSet<String> = c
            .shared
            .iter()
            .filter(|(_, s)| s.users.contains(f))
            .map(|(name, _)| name.clone())
            .collect();
        match sets.iter_mut().find(|s| s.items == items) {
            Some(s) => s.features.push(f.clone()),
            None => sets.push(FeatureSet {
                items,
                features: vec![f.clone()],
            }),
        }
    }
    sets
}

/// `(module, name)` for every shared type an operation's module re-exports (`pub use crate::types::{..}`)
/// whose cfg does not name that operation's feature: it would not compile alone.
pub fn uses_outside_cfg(c: &Crate) -> Result<Vec<(String, String)>> {
    let mut by_name: BTreeMap<&str, &Shared> = BTreeMap::new();
    for s in c.shared.values() {
        for e in &s.exports {
            by_name.insert(e, s);
        }
    }
    let mut bad = Vec::new();
    for f in &c.features {
        let path = c.dir.join("src").join(format!("{f}.rs"));
        let source = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        let file =
            syn::parse_file(&source).with_context(|| format!("parsing {}", path.display()))?;
        let mut used = Vec::new();
        for item in &file.items {
            if let syn::Item::Use(u) = item {
                types_names(&u.tree, &mut Vec::new(), &mut used);
            }
        }
        for name in used {
            match by_name.get(name.as_str()) {
                Some(s) if s.users.contains(f) => {}
                _ => bad.push((f.clone(), name)),
            }
        }
    }
    Ok(bad)
}

/// The names a `use` tree takes from `crate::types`.
fn types_names(tree: &syn::UseTree, prefix: &mut Vec<String>, out: &mut Vec<String>) {
    match tree {
        syn::UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            types_names(&p.tree, prefix, out);
            prefix.pop();
        }
        syn::UseTree::Group(g) => {
            for t in &g.items {
                types_names(t, prefix, out);
            }
        }
        syn::UseTree::Name(n) if prefix.as_slice() == ["crate", "types"] => {
            out.push(n.ident.to_string())
        }
        syn::UseTree::Rename(r) if prefix.as_slice() == ["crate", "types"] => {
            out.push(r.ident.to_string())
        }
        _ => {}
    }
}

pub fn run(root: &Path, list: bool) -> Result<()> {
    let crates = generated_crates(root)?;
    let mut runs = Vec::new();
    let mut operations = 0;
    for c in &crates {
        let bad = uses_outside_cfg(c)?;
        if !bad.is_empty() {
            bail!(
                "{}: modules use shared types whose cfg does not name them (they would not compile alone): {bad:?}",
                c.package
            );
        }
        operations += c.features.len();
        for s in feature_sets(c) {
            runs.push((c.package.clone(), s));
        }
    }
    println!(
        "clippy-features: {} runs for {} operations of {} crates",
        runs.len(),
        operations,
        crates.len()
    );
    for (package, set) in &runs {
        if list {
            println!(
                "{package} --features {} ({} operation(s), {} shared item(s))",
                set.features[0],
                set.features.len(),
                set.items.len()
            );
            continue;
        }
        let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .current_dir(root)
            .args([
                "clippy",
                "--quiet",
                "-p",
                package,
                "--no-default-features",
                "--features",
            ])
            .arg(&set.features[0])
            .args(["--all-targets", "--", "-D", "warnings"])
            .status()
            .context("running cargo clippy")?;
        if !status.success() {
            bail!(
                "cargo clippy -p {package} --no-default-features --features {} failed (the set of {})",
                set.features[0],
                set.features.join(", ")
            );
        }
    }
    Ok(())
}

/// `cargo xtask package [ARGS]`: `cargo package` (a dry run: nothing is uploaded) for the runtime and every
/// generated crate in one cargo call, so each generated crate is verified against the packaged runtime, as
/// crates.io would resolve it. ARGS go to cargo (`--no-verify`, `--allow-dirty`, `--offline`).
pub fn package(root: &Path, args: &[String]) -> Result<()> {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.current_dir(root)
        .args(["package", "-p", "aliyun-runtime"]);
    let crates = generated_crates(root)?;
    let mut n = 0;
    for c in crates.iter().filter(|c| c.publish) {
        cmd.args(["-p", &c.package]);
        n += 1;
    }
    cmd.args(args);
    println!("package: aliyun-runtime and {n} generated crates (not the ones that say `publish = false`)");
    let status = cmd.status().context("running cargo package")?;
    if !status.success() {
        bail!("cargo package failed");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
    }

    /// The rule that makes one clippy run per feature set enough: every module of every crate in `generated/`
    /// uses only shared types compiled with its own feature.
    #[test]
    fn every_module_uses_only_shared_types_its_feature_compiles() {
        let crates = generated_crates(&root()).unwrap();
        assert!(crates.len() >= 2);
        for c in &crates {
            assert_eq!(
                uses_outside_cfg(c).unwrap(),
                Vec::<(String, String)>::new(),
                "{}",
                c.package
            );
        }
    }

    /// The check fails when a module uses a shared type whose cfg leaves it out, and groups operations by the
    /// shared items they compile.
    #[test]
    fn a_type_missing_from_its_users_cfg_is_found_and_sets_group_operations() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("src")).unwrap();
        std::fs::write(
            dir.path().join("Cargo.toml"),
            "[package]\nname = \"aliyun-x\"\n[features]\nfull = [\"a\", \"b\", \"c\"]\na = []\nb = []\nc = []\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("src/types.rs"),
            "#[cfg(any(feature = \"a\", feature = \"b\"))]\nmod tag { pub struct Tag; }\n\
             #[cfg(any(feature = \"a\", feature = \"b\"))]\npub use tag::*;\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("src/a.rs"),
            "pub use crate::types::{Tag};\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("src/b.rs"), "pub use crate::types::Tag;\n").unwrap();
        std::fs::write(
            dir.path().join("src/c.rs"),
            "pub use crate::types::{Tag};\n",
        )
        .unwrap();
        let c = read_crate(dir.path()).unwrap();
        assert_eq!(
            uses_outside_cfg(&c).unwrap(),
            [("c".to_string(), "Tag".to_string())]
        );
        let sets = feature_sets(&c);
        assert_eq!(sets.len(), 2);
        assert_eq!(sets[0].features, ["a", "b"]);
        assert_eq!(sets[1].features, ["c"]);
    }
}
