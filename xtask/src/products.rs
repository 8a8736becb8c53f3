//! `cargo xtask import-products <docs-root>`: the shipped product line, imported again from the documentation
//! checkouts and regenerated in one command.
//!
//! `<docs-root>` holds one checkout per documentation repository (`ecs/`, `ram/`, `nat/`, …), as
//! `../shared/docs/` does. Each repository is imported with `cargo xtask import`'s own code into a scratch
//! folder (`target/import-products/`), keeping only the API versions of [`PRODUCTS`]; each product's folder
//! then replaces `specs/<folder>/` whole (pages gone upstream go here too), with the repositories' `LICENSE`
//! beside the pages and a `docs:` block (where the pages come from) appended to the `service.yaml` import
//! wrote. Then `cargo xtask regen` runs, and the products table of the top README is rewritten from
//! `generated/`.
//!
//! The docs are not in the repository, so this is a maintainer command, not a test. Services import finds
//! that are not products of the line (another product documented in the same repository) are left out and
//! said; a product import does not find is said, and the command then exits non-zero after doing the rest.

use anyhow::{bail, Context, Result};
use codegen::import::{self, Options};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// One shipped product: which repositories document it, which API version, and what to say about them.
pub struct Product {
    /// The folder under `specs/` (and `generated/`), as import names it: the product code in lower case.
    pub folder: &'static str,
    pub product: &'static str,
    pub version: &'static str,
    /// Documentation repositories (folders of the docs root) whose pages of this version are imported.
    pub repos: &'static [&'static str],
    /// When those repositories were last updated (the snapshot's date).
    pub updated: &'static str,
    /// What the crate's README must say about what none of the pages document.
    pub note: Option<&'static str>,
}

/// The product line. Config (`specs/config/`) is not here: its pages are not in these repositories.
pub const PRODUCTS: &[Product] = &[
    Product {
        folder: "ecs",
        product: "Ecs",
        version: "2014-05-26",
        repos: &["ecs"],
        updated: "2021-07-19",
        note: None,
    },
    Product {
        folder: "vpc",
        product: "Vpc",
        version: "2016-04-28",
        repos: &["nat", "eip", "vpn"],
        updated: "2021-03 to 2021-07",
        note: Some(
            "These repositories document the NAT gateway, Elastic IP and VPN gateway operations of the VPC API; \
             the core VPC, vSwitch and route table operations (CreateVpc, DescribeVpcs, CreateVSwitch, …) \
             are documented in none of them, so they are missing: save their pages to add them.",
        ),
    },
    Product {
        folder: "ram",
        product: "Ram",
        version: "2015-05-01",
        repos: &["ram"],
        updated: "2021-07-16",
        note: None,
    },
    Product {
        folder: "sts",
        product: "Sts",
        version: "2015-04-01",
        repos: &["ram"],
        updated: "2021-07-16",
        note: None,
    },
    Product {
        folder: "ims",
        product: "Ims",
        version: "2019-08-15",
        repos: &["ram"],
        updated: "2021-07-16",
        note: None,
    },
    Product {
        folder: "kms",
        product: "Kms",
        version: "2016-01-20",
        repos: &["kms"],
        updated: "2021-07-12",
        note: None,
    },
    Product {
        folder: "slb",
        product: "Slb",
        version: "2014-05-15",
        repos: &["slb"],
        updated: "2021-03-16",
        note: None,
    },
    Product {
        folder: "cms",
        product: "Cms",
        version: "2019-01-01",
        repos: &["cms"],
        updated: "2021-03-12",
        note: None,
    },
];

pub struct Args {
    pub docs: PathBuf,
    /// Regen's `--strict`: any error anywhere writes nothing.
    pub strict: bool,
    /// Only these products (folders); all when empty.
    pub only: Vec<String>,
}

pub fn run(root: &Path, args: Args) -> Result<()> {
    let scratch = root.join("target/import-products");
    if scratch.exists() {
        std::fs::remove_dir_all(&scratch)
            .with_context(|| format!("clearing {}", scratch.display()))?;
    }
    let scratch_specs = scratch.join("specs");
    std::fs::create_dir_all(&scratch_specs)?;

    if let Some(unknown) = args
        .only
        .iter()
        .find(|o| !PRODUCTS.iter().any(|p| p.folder == o.as_str()))
    {
        bail!("--only {unknown}: not a product of xtask/src/products.rs");
    }
    let products: Vec<&Product> = PRODUCTS
        .iter()
        .filter(|p| args.only.is_empty() || args.only.iter().any(|o| o == p.folder))
        .collect();
    // Repository → the versions of it we ship, in the table's order.
    let mut repos: Vec<(&str, Vec<String>)> = Vec::new();
    for p in &products {
        for repo in p.repos {
            match repos.iter_mut().find(|(r, _)| r == repo) {
                Some((_, versions)) => versions.push(p.version.to_string()),
                None => repos.push((repo, vec![p.version.to_string()])),
            }
        }
    }

    // (product, version) → folder in the scratch specs, and each repository's import log.
    let mut found: BTreeMap<(String, String), String> = BTreeMap::new();
    let mut left_out = Vec::new();
    for (repo, versions) in &repos {
        let docs = args.docs.join(repo);
        if !docs.is_dir() {
            bail!("{}: no such documentation checkout", docs.display());
        }
        let report = import::run(&Options {
            docs: docs.clone(),
            specs: scratch_specs.clone(),
            force: true,
            versions: versions.clone(),
            // The products of one repository set (vpc: nat, eip, vpn) meet in one scratch folder.
            update: true,
        })
        .with_context(|| format!("importing {}", docs.display()))?;
        let mut log = String::new();
        for s in &report.services {
            let shipped = products
                .iter()
                .any(|p| p.product.eq_ignore_ascii_case(&s.product) && p.version == s.version);
            println!(
                "{repo}: {} {} → {}: {} pages taken, {} skipped; endpoint {} ({}){}",
                s.product,
                s.version,
                s.folder,
                s.taken.len(),
                s.skipped.len(),
                s.endpoint,
                s.endpoint_from,
                if shipped {
                    ""
                } else {
                    " (not a product of the line: left out)"
                }
            );
            if shipped {
                found.insert(
                    (s.product.to_ascii_lowercase(), s.version.clone()),
                    s.folder.clone(),
                );
            } else {
                left_out.push(s.folder.clone());
            }
            for k in &s.skipped {
                let _ = writeln!(log, "{}: skipped {}: {}", s.folder, k.page, k.reason);
            }
        }
        let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
        for k in &report.skipped {
            let _ = writeln!(log, "in no service: skipped {}: {}", k.page, k.reason);
            *reasons
                .entry(reason_kind(&k.reason.to_string()))
                .or_default() += 1;
        }
        for (reason, n) in &reasons {
            println!("{repo}:   {n} page(s) in no service: {reason}");
        }
        std::fs::write(scratch.join(format!("{repo}.log")), log)?;
    }

    let specs = root.join("specs");
    let mut missing = Vec::new();
    for p in products {
        let Some(folder) = found.get(&(p.product.to_ascii_lowercase(), p.version.to_string()))
        else {
            missing.push(p);
            continue;
        };
        let dest = specs.join(p.folder);
        if dest.exists() {
            std::fs::remove_dir_all(&dest)
                .with_context(|| format!("clearing {}", dest.display()))?;
        }
        std::fs::create_dir_all(&dest)?;
        let from = scratch_specs.join(folder);
        for entry in std::fs::read_dir(&from)? {
            let entry = entry?;
            std::fs::copy(entry.path(), dest.join(entry.file_name()))?;
        }
        std::fs::write(dest.join("LICENSE"), license(&args.docs, p)?)?;
        let yaml_path = dest.join("service.yaml");
        let yaml = std::fs::read_to_string(&yaml_path)?;
        std::fs::write(&yaml_path, service_yaml(&yaml, p))?;
    }
    for folder in &left_out {
        println!("left out: {folder} (import found it, but it is not in xtask/src/products.rs)");
    }
    for p in &missing {
        println!(
            "error: import found no pages of {} {} in {}: specs/{}/ is left as it was; see target/import-products/*.log",
            p.product,
            p.version,
            p.repos.join(", "),
            p.folder
        );
    }

    println!("regen:");
    let regen = crate::regen::run(
        root,
        crate::regen::Args {
            check: false,
            specs: None,
            out: None,
            jobs: None,
            no_cache: false,
            keep_going: !args.strict,
        },
    );
    write_readme_table(root)?;
    regen?;
    if !missing.is_empty() {
        bail!(
            "{} product(s) not found: {}",
            missing.len(),
            missing
                .iter()
                .map(|p| p.folder)
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    Ok(())
}

/// A skip reason without the page-specific part (the text after the last backquoted name).
fn reason_kind(reason: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in reason.chars() {
        if c == '`' {
            inside = !inside;
            out.push_str(if inside { "`…" } else { "`" });
        } else if !inside {
            out.push(c);
        }
    }
    out
}

/// The licences of the repositories the product's pages come from: each distinct text once, saying which.
fn license(docs: &Path, p: &Product) -> Result<String> {
    let mut texts: Vec<(Vec<&str>, String)> = Vec::new();
    for repo in p.repos {
        let path = docs.join(repo).join("LICENSE");
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        match texts.iter_mut().find(|(_, t)| *t == text) {
            Some((repos, _)) => repos.push(repo),
            None => texts.push((vec![repo], text)),
        }
    }
    if texts.len() == 1 {
        return Ok(texts.remove(0).1);
    }
    Ok(texts
        .iter()
        .map(|(repos, text)| {
            format!(
                "The pages from the `{}` {}:\n\n{text}",
                repos.join("`, `"),
                if repos.len() == 1 {
                    "repository"
                } else {
                    "repositories"
                }
            )
        })
        .collect::<Vec<_>>()
        .join("\n"))
}

/// Import's `service.yaml` with the `docs:` block appended.
fn service_yaml(yaml: &str, p: &Product) -> String {
    let mut out = yaml.to_string();
    if !out.ends_with('\n') {
        out.push('\n');
    }
    let sources = p
        .repos
        .iter()
        .map(|r| format!("AlibabaCloudDocs/{r}"))
        .collect::<Vec<_>>()
        .join(", ");
    let _ = writeln!(
        out,
        "# Added by `cargo xtask import-products` (xtask/src/products.rs): where the pages come from.\n\
         docs:\n  source: \"{sources} on GitHub (MIT licence)\"\n  updated: \"{}\"",
        p.updated
    );
    if let Some(note) = p.note {
        let _ = writeln!(
            out,
            "  note: \"{}\"",
            note.replace('\\', "\\\\").replace('"', "\\\"")
        );
    }
    out
}

const TABLE_START: &str = "<!-- products: written by `cargo xtask import-products` -->";
const TABLE_END: &str = "<!-- /products -->";

/// The top README's table of shipped products, from `generated/*/Cargo.toml` and the specs' `docs:` blocks.
pub fn write_readme_table(root: &Path) -> Result<()> {
    let readme_path = root.join("README.md");
    let readme = std::fs::read_to_string(&readme_path)?;
    let (Some(start), Some(end)) = (readme.find(TABLE_START), readme.find(TABLE_END)) else {
        bail!("README.md has no products table markers ({TABLE_START} … {TABLE_END})");
    };
    let table = products_table(root)?;
    let updated = format!(
        "{}{TABLE_START}\n{table}{}",
        &readme[..start],
        &readme[end..]
    );
    if updated != readme {
        std::fs::write(&readme_path, updated)?;
    }
    Ok(())
}

/// One row per generated crate that is a product (its `service.yaml` has a `docs:` block, or it is Config).
pub fn products_table(root: &Path) -> Result<String> {
    let mut rows = String::from(
        "| crate | product, API version | operations | documentation snapshot |\n| --- | --- | --- | --- |\n",
    );
    let mut entries: Vec<_> = std::fs::read_dir(root.join("generated"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("Cargo.toml").is_file())
        .collect();
    entries.sort();
    for dir in entries {
        let folder = dir
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let manifest = std::fs::read_to_string(dir.join("Cargo.toml"))?;
        let yaml = std::fs::read_to_string(root.join("specs").join(&folder).join("service.yaml"))
            .unwrap_or_default();
        let config: codegen::load::config::ServiceConfig = match serde_yaml::from_str(&yaml) {
            Ok(c) => c,
            Err(_) => continue,
        };
        let snapshot = match &config.docs {
            Some(d) => format!("{}, last updated {}", d.source, d.updated),
            None if folder == "config" => {
                "pages saved from the API reference (`specs/config/`)".to_string()
            }
            None => continue,
        };
        let name = manifest
            .lines()
            .find_map(|l| l.strip_prefix("name = "))
            .unwrap_or_default()
            .trim_matches('"');
        let operations = manifest
            .split("[features]")
            .nth(1)
            .map(|f| f.lines().filter(|l| l.ends_with(" = []")).count())
            .unwrap_or(0);
        let _ = writeln!(
            rows,
            "| `{name}` | {} {} | {operations} | {snapshot} |",
            config.product, config.version
        );
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The README's products table is what `generated/` holds (a regen that changes a count must rewrite it).
    #[test]
    fn readme_table_is_current() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
        let start = readme.find(TABLE_START).expect("table start marker") + TABLE_START.len() + 1;
        let end = readme.find(TABLE_END).expect("table end marker");
        assert_eq!(
            &readme[start..end],
            products_table(&root).unwrap(),
            "README.md's products table is stale: run `cargo xtask products-table`"
        );
    }

    #[test]
    fn the_docs_block_is_appended_and_parses() {
        let yaml =
            "product: Vpc\nversion: \"2016-04-28\"\nstyle: RPC\nendpoint: \"vpc.aliyuncs.com\"\n";
        let out = service_yaml(yaml, PRODUCTS.iter().find(|p| p.folder == "vpc").unwrap());
        assert!(out.starts_with(yaml), "{out}");
        let parsed: codegen::load::config::ServiceConfig = serde_yaml::from_str(&out).unwrap();
        let docs = parsed.docs.unwrap();
        assert_eq!(docs.updated, "2021-03 to 2021-07");
        assert!(
            docs.source.contains("AlibabaCloudDocs/eip"),
            "{}",
            docs.source
        );
        assert!(docs.note.unwrap().contains("CreateVSwitch"));
    }
}
