//! Ctrl-C during `xtask regen`, sent to the real binary at different moments: whenever it lands, the output
//! folder is either what it was (the run stopped) or complete (the run had finished), never half of each, and
//! nothing of the run is left behind.

use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

fn xtask(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_xtask"));
    cmd.args(args).stdout(Stdio::null()).stderr(Stdio::null());
    cmd
}

fn synth(specs: &Path, seed: u64) {
    for (name, offset) in [("one", 0), ("two", 100)] {
        let dir = specs.join(name);
        let _ = std::fs::remove_dir_all(&dir);
        let seed = (seed + offset).to_string();
        let out = dir.to_str().unwrap();
        let status = xtask(&["synth", "--pages", "30", "--seed", &seed, "--out", out])
            .status()
            .unwrap();
        assert!(status.success());
    }
}

/// Every file under `dir` with its bytes, sorted.
fn contents(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            if e.path().is_dir() {
                stack.push(e.path());
            } else {
                out.push((e.path(), std::fs::read(e.path()).unwrap()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn ctrl_c_at_any_moment_leaves_the_output_whole() {
    let root = std::env::temp_dir().join(format!("xtask-interrupt-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let (specs, out) = (root.join("specs"), root.join("out"));
    let regen = |extra: &[&str]| {
        let mut args = vec![
            "regen",
            "--no-cache",
            "--specs",
            specs.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        xtask(&args)
    };
    synth(&specs, 1);
    assert!(regen(&[]).status().unwrap().success());
    let old = contents(&out);
    synth(&specs, 7);

    let mut stopped = 0;
    for delay_ms in [0, 50, 150, 400, 1000, 2500] {
        let mut child = regen(&[]).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        // SAFETY: sending a signal to our own child, whose pid is live until we wait for it.
        unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
        let status = child.wait().unwrap();
        assert!(
            !root.join(".out.regen/txn").exists(),
            "staging left after {delay_ms} ms"
        );
        if status.success() {
            // Finished before the signal: the new output, complete.
            assert!(
                regen(&["--check"]).status().unwrap().success(),
                "after {delay_ms} ms"
            );
            break;
        }
        assert!(
            status.code() == Some(130) || status.signal() == Some(libc::SIGINT),
            "after {delay_ms} ms: {status}"
        );
        assert_eq!(contents(&out), old, "interrupted after {delay_ms} ms");
        stopped += usize::from(status.code() == Some(130));
    }
    eprintln!("{stopped} runs stopped by their Ctrl-C handler before the one that finished");
    let _ = std::fs::remove_dir_all(&root);
}
