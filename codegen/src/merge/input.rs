//! Checks on what is under `specs/` before anything is read into the model: which folders are services and
//! whether their names make valid, distinct crates; how a page's bytes become text; symlinks.
//!
//! Each problem is a [`Diagnostic`] at the folder or file, so regen reports them all at once and writes
//! nothing when any is an error.

use crate::diag::Diagnostic;
use crate::model::Span;
use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

/// Package names of the workspace's other crates: a generated crate may not take one of them.
pub const RESERVED_CRATES: [&str; 3] = ["aliyun-runtime", "codegen", "xtask"];

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
        let shown = super::service::relative(&path, root);
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let kind = e.file_type()?;
        if kind.is_symlink() {
            if path.is_dir() {
                diagnostics.push(
                    Diagnostic::error(at(&shown), "service folder is a symlink", "this folder")
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
                Diagnostic::warning(at(&shown), "empty folder is not a service", "this folder")
                    .hint("a service folder holds its pages and a service.yaml; remove the folder"),
            );
            continue;
        }
        if !valid_folder_name(&name) {
            diagnostics.push(
                Diagnostic::error(at(&shown), format!("`{name}` is not a valid service folder name"), "this folder")
                    .hint("use lowercase ASCII letters, digits, `-` and `_`, starting with a letter or digit (the crate is `aliyun-<folder>`)"),
            );
        }
        dirs.push(path);
    }

    let mut by_crate: BTreeMap<String, Vec<&PathBuf>> = BTreeMap::new();
    for dir in &dirs {
        by_crate
            .entry(crate::emit::crate_name(&name_of(dir)))
            .or_default()
            .push(dir);
    }
    for (krate, folders) in &by_crate {
        let first = super::service::relative(folders[0], root);
        if RESERVED_CRATES.contains(&krate.as_str()) {
            diagnostics.push(
                Diagnostic::error(at(&first), format!("service folder would make crate `{krate}`, which the workspace already has"), "this folder")
                    .hint("rename the folder"),
            );
        }
        if let [_, others @ ..] = folders.as_slice() {
            if others.is_empty() {
                continue;
            }
            let mut d = Diagnostic::error(
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
                d = d.also(at(&super::service::relative(other, root)), "and this one");
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

pub(crate) fn name_of(dir: &Path) -> String {
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

/// A page's bytes as text. UTF-8 (with or without a BOM) is taken as it is; UTF-16 with a BOM and GB18030
/// (which covers GBK and GB2312, as Chinese pages saved on Windows often are) are decoded with a warning
/// saying so; anything else is refused with an error saying what the file looks like, rather than read as
/// replacement characters into an empty operation.
pub fn decode_page(file: &str, bytes: &[u8], diagnostics: &mut Vec<Diagnostic>) -> Option<String> {
    match decode(file, bytes) {
        Ok((text, note)) => {
            diagnostics.extend(note);
            Some(text)
        }
        Err(refused) => {
            diagnostics.push(*refused);
            None
        }
    }
}

fn decode(file: &str, bytes: &[u8]) -> Result<(String, Option<Diagnostic>), Box<Diagnostic>> {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom..]);
        if had_errors {
            return Err(Box::new(
                Diagnostic::error(
                    at(file),
                    format!(
                        "page starts with a {} byte order mark but is not valid {0}",
                        encoding.name()
                    ),
                    "this file",
                )
                .hint("save the page as UTF-8"),
            ));
        }
        let note = (encoding != encoding_rs::UTF_8).then(|| {
            Diagnostic::warning(
                at(file),
                format!("page is {}, not UTF-8; decoded as {0}", encoding.name()),
                "this file",
            )
            .hint("save the page as UTF-8 to silence this")
        });
        return Ok((text.into_owned(), note));
    }
    if bytes.contains(&0) {
        return Err(Box::new(Diagnostic::error(
            at(file),
            "page is not text: it has NUL bytes (UTF-16 without a byte order mark, or a binary file)",
            "this file",
        )
        .hint("save the page as UTF-8")));
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok((text.to_string(), None));
    }
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    if had_errors {
        return Err(Box::new(
            Diagnostic::error(
                at(file),
                "page is neither UTF-8 nor GB18030/GBK text",
                "this file",
            )
            .hint("save the page as UTF-8"),
        ));
    }
    let note = Diagnostic::warning(
        at(file),
        "page is not UTF-8; decoded as GB18030 (GBK)",
        "this file",
    )
    .hint("save the page as UTF-8 to silence this");
    Ok((text.into_owned(), Some(note)))
}
