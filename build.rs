//! Sets SWARMPROOF_VERSION for `--version`: the package version and, when the sources are a
//! git checkout with git installed, the short commit (`0.1.0 (1a2b3c4)`). A tarball without
//! `.git` builds with the package version alone.

use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    (out.status.success() && !text.trim().is_empty()).then(|| text.trim().to_string())
}

fn main() {
    let version = env!("CARGO_PKG_VERSION");
    // Only the checkout of these sources: a tarball unpacked inside another repository must
    // not take that repository's commit.
    let here = std::env::var("CARGO_MANIFEST_DIR").ok();
    let own = git(&["rev-parse", "--show-toplevel"])
        .zip(here)
        .and_then(|(top, here)| {
            Some(std::fs::canonicalize(top).ok()? == std::fs::canonicalize(here).ok()?)
        })
        .unwrap_or(false);
    let commit = own
        .then(|| git(&["rev-parse", "--short", "HEAD"]))
        .flatten();
    let full = match commit {
        Some(commit) => format!("{version} ({commit})"),
        None => version.to_string(),
    };
    println!("cargo:rustc-env=SWARMPROOF_VERSION={full}");
    // Rebuild when HEAD moves (a commit, a checkout), not on every build.
    let branch = git(&["rev-parse", "--symbolic-full-name", "HEAD"]);
    for path in std::iter::once("HEAD").chain(branch.as_deref()) {
        if let Some(p) = git(&["rev-parse", "--git-path", path]) {
            println!("cargo:rerun-if-changed={p}");
        }
    }
    println!("cargo:rerun-if-changed=build.rs");
}
