//! Which folders under `specs/` are services, and whether their names make valid, distinct crates.
//!
//! Each problem is a [`Diagnostic`] at the folder, so regen reports them all at once and writes nothing
//! when any is an error.

use crate::diag::{Code, Diagnostic};
use crate::load::relative;
use crate::model::Span;
use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

/// Package names of the workspace's other crates: a generated crate may not take one of them.
pub const RESERVED_CRATES: [&str; 4] = ["aliyun-runtime", "codegen", "xtask", "xtask-bench-call"];

/// The service folders under `specs` (sorted), and what is wrong with the others.
///
/// Dot folders (`.git`, `.hidden`) and plain files are not services. A folder with no file at all (a
/// leftover of a removed service) is skipped with a warning. A symlink, a name that is not lowercase
/// letters, digits, `-` and `_`, and two folders that would make the same crate (or a crate of the
/// workspace) are errors.
pub fn service_folders(specs: &Path, root: &Path) -> io::Result<(Vec<PathBuf>, Vec<Diagnostic>)> {
    let mut dirs = Vec::new();
    let mut diagnostics = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(specs)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let path = e.path();
        let shown = relative(&path, root);
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let kind = e.file_type()?;
        if kind.is_symlink() {
            if path.is_dir() {
                diagnostics.push(
                    Diagnostic::new(Code::SymlinkFolder, at(&shown), "service folder is a symlink", "this folder")
                        .hint("regen reads only what is in the repository: copy the pages into the folder"),
                );
            }
            continue;
        }
        if !kind.is_dir() {
            continue;
        }
        if std::fs::read_dir(&path)?.next().is_none() {
            diagnostics.push(
                Diagnostic::new(
                    Code::EmptyFolder,
                    at(&shown),
                    "empty folder is not a service",
                    "this folder",
                )
                .hint("a service folder holds its pages and a service.yaml; remove the folder"),
            );
            continue;
        }
        if !valid_folder_name(&name) {
            diagnostics.push(
                Diagnostic::new(Code::BadFolderName, at(&shown), format!("`{name}` is not a valid service folder name"), "this folder")
                    .hint("use lowercase ASCII letters, digits, `-` and `_`, starting with a letter or digit (the crate is `aliyun-<folder>`)"),
            );
        }
        dirs.push(path);
    }

    let mut by_crate: BTreeMap<String, Vec<&PathBuf>> = BTreeMap::new();
    for dir in &dirs {
        by_crate
            .entry(crate::plan::crate_name(&name_of(dir)))
            .or_default()
            .push(dir);
    }
    for (krate, folders) in &by_crate {
        let first = relative(folders[0], root);
        if RESERVED_CRATES.contains(&krate.as_str()) {
            diagnostics.push(
                Diagnostic::new(Code::CrateNameTaken, at(&first), format!("service folder would make crate `{krate}`, which the workspace already has"), "this folder")
                    .hint("rename the folder"),
            );
        }
        if let [_, others @ ..] = folders.as_slice() {
            if others.is_empty() {
                continue;
            }
            let mut d = Diagnostic::new(
                Code::CrateNameClash,
                at(&first),
                format!(
                    "service folders `{}` would all make crate `{krate}`",
                    folders
                        .iter()
                        .map(|f| name_of(f))
                        .collect::<Vec<_>>()
                        .join("`, `")
                ),
                "this folder",
            )
            .hint("keep one folder per service: merge their pages or rename one");
            for other in others {
                d = d.also(at(&relative(other, root)), "and this one");
            }
            diagnostics.push(d);
        }
    }
    Ok((dirs, diagnostics))
}

fn valid_folder_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

pub fn name_of(dir: &Path) -> String {
    dir.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn at(file: &str) -> Span {
    Span {
        file: file.to_string(),
        line: 1,
        column: 1,
    }
}
