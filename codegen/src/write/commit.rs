//! The all-or-nothing step of regen, and the lock that keeps two regens apart.
//!
//! Everything regen stages lives in a work folder beside the target, never inside it (`generated/` is the
//! workspace's `generated/*` glob, so any folder in it would be taken for a crate): for `generated/` that is
//! `.generated.regen/`, on the same file system, so a rename is atomic. It holds:
//! - `lock`: locked for the whole run (`File::lock`, released by the kernel when the process dies);
//! - `txn/new/<path>`: the changed files, staged while services are computed;
//! - `txn/old/<path>`: while committing, the files being replaced or removed;
//! - `txn/journal`: written (and synced) before the first file moves, removed once the last one did.
//!
//! A journal found at the start of a run means a commit was cut short (a kill, a power cut): its moves are
//! undone, so `generated/` is again what it was before that run. A `txn/` without a journal is only leftovers
//! (staged files never committed, or a commit finished but not cleaned up) and is removed.

use super::{io_err, WriteError};
use std::fs::{File, OpenOptions, TryLockError};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Test hook: make the commit fail, or stop as if the process were killed, after this many file moves.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommitFault {
    /// An I/O error at the next move: the commit must undo the moves done so far.
    FailAfter(usize),
    /// Return at once, journal and moved files left as they are: what a `kill -9` leaves.
    DieAfter(usize),
}

/// The locked work folder of one target folder.
#[derive(Debug)]
pub struct WorkDir {
    dir: PathBuf,
    target: PathBuf,
    _lock: File,
}

/// Whether to wait for another regen holding the lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    Yes,
    No,
}

/// The work folder of `target`: `.<name>.regen` beside it.
pub fn work_dir_of(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "generated".to_string());
    target
        .parent()
        .unwrap_or(Path::new("."))
        .join(format!(".{name}.regen"))
}

impl WorkDir {
    /// Creates and locks the work folder of `target`. With [`Wait::Yes`], waits for the regen holding it,
    /// checking `stop` between tries so Ctrl-C still works while waiting.
    pub fn lock(target: &Path, wait: Wait, stop: &dyn Fn() -> bool) -> Result<WorkDir, WriteError> {
        let dir = work_dir_of(target);
        std::fs::create_dir_all(&dir).map_err(io_err(&dir))?;
        let path = dir.join("lock");
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(io_err(&path))?;
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(TryLockError::WouldBlock) if wait == Wait::Yes => {
                    if stop() {
                        return Err(WriteError::Interrupted);
                    }
                    std::thread::sleep(Duration::from_millis(50));
                }
                Err(TryLockError::WouldBlock) => {
                    return Err(WriteError::Busy {
                        lock: path.display().to_string(),
                    })
                }
                Err(TryLockError::Error(e)) => return Err(io_err(&path)(e)),
            }
        }
        Ok(WorkDir {
            dir,
            target: target.to_path_buf(),
            _lock: file,
        })
    }

    fn txn(&self) -> PathBuf {
        self.dir.join("txn")
    }

    /// Whether a commit was cut short and its moves are still to be undone.
    pub fn interrupted_commit(&self) -> bool {
        self.txn().join(JOURNAL).exists()
    }

    /// Undoes a commit that was cut short (if any) and removes every leftover. Returns how many files were
    /// put back.
    pub fn recover(&self) -> Result<usize, WriteError> {
        let txn = self.txn();
        let journal = txn.join(JOURNAL);
        let mut restored = 0;
        match std::fs::read_to_string(&journal) {
            Ok(text) => {
                let moves = parse_journal(&text);
                restored = undo(&self.target, &txn, &moves)?;
                std::fs::remove_file(&journal).map_err(io_err(&journal))?;
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_err(&journal)(e)),
        }
        remove_tree(&txn)?;
        Ok(restored)
    }

    /// An empty staging area (after [`recover`](Self::recover)).
    pub fn stage(&self) -> Result<Staging, WriteError> {
        let txn = self.txn();
        remove_tree(&txn)?;
        std::fs::create_dir_all(txn.join("new")).map_err(io_err(&txn))?;
        Ok(Staging {
            txn,
            target: self.target.clone(),
        })
    }
}

const JOURNAL: &str = "journal";

/// Files staged for one commit.
#[derive(Debug)]
pub struct Staging {
    txn: PathBuf,
    target: PathBuf,
}

/// One step of a commit, as the journal records it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Move {
    /// `new/<path>` replaces or creates `<path>` (the old file, if any, goes to `old/<path>` first).
    Write(String),
    /// `<path>` goes to `old/<path>`.
    Remove(String),
}

impl Staging {
    /// Where the changed file `path` (relative to the target) is staged.
    pub fn path(&self, path: &str) -> PathBuf {
        self.txn.join("new").join(path)
    }

    /// Drops everything staged.
    pub fn discard(self) {
        let _ = std::fs::remove_dir_all(&self.txn);
    }

    /// Puts every staged file of `written` in place and removes `removed`, or none of it: on an error or when
    /// `stop()` turns true, the moves done so far are undone before returning.
    pub fn commit(
        self,
        written: &[String],
        removed: &[String],
        stop: &dyn Fn() -> bool,
        fault: Option<CommitFault>,
    ) -> Result<(), WriteError> {
        let moves: Vec<Move> = written
            .iter()
            .cloned()
            .map(Move::Write)
            .chain(removed.iter().cloned().map(Move::Remove))
            .collect();
        let journal = self.txn.join(JOURNAL);
        write_journal(&journal, &moves)?;
        let mut outcome = Ok(());
        for (done, m) in moves.iter().enumerate() {
            match fault {
                Some(CommitFault::DieAfter(n)) if done == n => return Err(WriteError::Died),
                Some(CommitFault::FailAfter(n)) if done == n => {
                    outcome = Err(WriteError::Io {
                        path: self.target.join(m.path()).display().to_string(),
                        source: std::io::Error::other("injected failure"),
                    });
                    break;
                }
                _ => {}
            }
            if stop() {
                outcome = Err(WriteError::Interrupted);
                break;
            }
            if let Err(e) = apply(&self.target, &self.txn, m) {
                outcome = Err(e);
                break;
            }
        }
        match outcome {
            Ok(()) => {
                std::fs::remove_file(&journal).map_err(io_err(&journal))?;
                for path in removed {
                    super::remove_empty_parents(&self.target, &self.target.join(path));
                }
                let _ = std::fs::remove_dir_all(&self.txn);
                Ok(())
            }
            Err(cause) => match undo(&self.target, &self.txn, &moves) {
                Ok(_) => {
                    let _ = std::fs::remove_dir_all(&self.txn);
                    Err(cause)
                }
                Err(undo) => Err(WriteError::UndoFailed {
                    cause: Box::new(cause),
                    undo: Box::new(undo),
                }),
            },
        }
    }
}

impl Move {
    fn path(&self) -> &str {
        match self {
            Move::Write(p) | Move::Remove(p) => p,
        }
    }
}

fn write_journal(journal: &Path, moves: &[Move]) -> Result<(), WriteError> {
    let mut text = String::new();
    for m in moves {
        // Paths are checked by `check_path`: relative, `/`-separated, never a newline in them.
        match m {
            Move::Write(p) => text.push_str(&format!("write {p}\n")),
            Move::Remove(p) => text.push_str(&format!("remove {p}\n")),
        }
    }
    let mut file = File::create(journal).map_err(io_err(journal))?;
    file.write_all(text.as_bytes()).map_err(io_err(journal))?;
    file.sync_all().map_err(io_err(journal))
}

fn parse_journal(text: &str) -> Vec<Move> {
    text.lines()
        .filter_map(|line| match line.split_once(' ') {
            Some(("write", p)) => Some(Move::Write(p.to_string())),
            Some(("remove", p)) => Some(Move::Remove(p.to_string())),
            _ => None,
        })
        .collect()
}

fn rename(from: &Path, to: &Path) -> Result<(), WriteError> {
    if let Some(parent) = to.parent() {
        std::fs::create_dir_all(parent).map_err(io_err(parent))?;
    }
    std::fs::rename(from, to).map_err(io_err(to))
}

fn apply(target: &Path, txn: &Path, m: &Move) -> Result<(), WriteError> {
    let path = m.path();
    let live = target.join(path);
    let old = txn.join("old").join(path);
    if live.exists() {
        rename(&live, &old)?;
    }
    if let Move::Write(_) = m {
        rename(&txn.join("new").join(path), &live)?;
    }
    Ok(())
}

/// Puts back what the moves did, last first; works from any point of [`apply`] on, so it also serves a
/// commit that was killed. Returns how many files it put back or took away.
fn undo(target: &Path, txn: &Path, moves: &[Move]) -> Result<usize, WriteError> {
    let mut undone = 0;
    for m in moves.iter().rev() {
        let path = m.path();
        let live = target.join(path);
        let old = txn.join("old").join(path);
        let moved_in = matches!(m, Move::Write(_)) && !txn.join("new").join(path).exists();
        if old.exists() {
            rename(&old, &live)?;
            undone += 1;
        } else if moved_in && live.exists() {
            // A file this commit created.
            std::fs::remove_file(&live).map_err(io_err(&live))?;
            super::remove_empty_parents(target, &live);
            undone += 1;
        }
    }
    Ok(undone)
}

fn remove_tree(dir: &Path) -> Result<(), WriteError> {
    match std::fs::remove_dir_all(dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io_err(dir)(e)),
    }
}
