//! The README's command-line block, run as it stands with the built `kis` on the `PATH`,
//! in a fresh directory beside the repository's `examples/`: the snippet cannot drift
//! from what the binary does.

use std::path::Path;
use std::process::Command;

fn readme_block() -> String {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md"))
            .expect("README.md");
    let section = readme
        .split("## The command line: `kis`")
        .nth(1)
        .expect("the README's command-line section");
    let block = section.split("```sh\n").nth(1).expect("its sh block");
    block
        .split("\n```")
        .next()
        .expect("the block's end")
        .to_string()
}

#[test]
fn the_readme_block_runs() {
    let dir = tempfile::tempdir().unwrap();
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    std::os::unix::fs::symlink(
        examples.canonicalize().unwrap(),
        dir.path().join("examples"),
    )
    .unwrap();
    let bin = Path::new(env!("CARGO_BIN_EXE_kis")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let output = Command::new("bash")
        .args(["-euo", "pipefail", "-c", &readme_block()])
        .current_dir(dir.path())
        .env("PATH", path)
        .env_remove("KIS_STORE")
        .env_remove("KIS_USER")
        .output()
        .unwrap();
    let (out, err) = (
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
    assert!(output.status.success(), "{out}\n{err}");
    assert!(out.contains("they differ"), "{out}");
    assert!(out.contains("3 cases, 3 passed, 0 failed"), "{out}");
    assert!(out.contains("\"unchanged\": 3"), "{out}");
    assert!(out.contains("audit chain intact"), "{out}");
    assert!(dir.path().join("east-2026-10.html").exists());
    assert!(
        dir.path()
            .join("lake/facts/month=2026-10/part-0.parquet")
            .exists()
    );
}
