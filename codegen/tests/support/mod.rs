//! What the integration tests share: scratch folders that are removed when the test ends.

use std::ops::Deref;
use std::path::Path;

/// A fresh folder under the system's temp dir, deleted (with all in it) when dropped; reads as its `Path`.
pub struct Scratch(tempfile::TempDir);

impl Scratch {
    /// A new empty folder whose name starts with `codegen-<name>-`.
    pub fn new(name: &str) -> Scratch {
        Scratch(
            tempfile::Builder::new()
                .prefix(&format!("codegen-{name}-"))
                .tempdir()
                .expect("a scratch folder"),
        )
    }
}

impl Deref for Scratch {
    type Target = Path;
    fn deref(&self) -> &Path {
        self.0.path()
    }
}

impl AsRef<Path> for Scratch {
    fn as_ref(&self) -> &Path {
        self.0.path()
    }
}
