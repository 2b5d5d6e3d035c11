//! The Dockerfile: builds the image from local files (scripts/docker-context.sh stages the
//! binary and its libraries; nothing is pulled), runs `swarmproof check` on a models/ stack
//! inside it, and removes the image, also when an assertion fails. Without a Docker Engine the
//! test says so on stderr and passes without checking anything.

use std::process::{Command, Output};

fn docker(args: &[&str]) -> Output {
    Command::new("docker")
        .args(args)
        .output()
        .expect("docker runs")
}

/// Removes the image when dropped.
struct Image(String);

impl Drop for Image {
    fn drop(&mut self) {
        let _ = docker(&["rmi", "-f", &self.0]);
    }
}

#[test]
fn the_image_checks_a_stack() {
    let engine = Command::new("docker")
        .arg("info")
        .output()
        .is_ok_and(|o| o.status.success());
    if !engine {
        eprintln!(
            "SKIPPED the_image_checks_a_stack: no Docker Engine answers (docker info failed)"
        );
        return;
    }
    let root = env!("CARGO_MANIFEST_DIR");
    let context = tempfile::tempdir().expect("a temporary folder");
    let staged = Command::new("bash")
        .arg(format!("{root}/scripts/docker-context.sh"))
        .arg(env!("CARGO_BIN_EXE_swarmproof"))
        .arg(context.path())
        .output()
        .expect("bash runs");
    assert!(
        staged.status.success(),
        "{}",
        String::from_utf8_lossy(&staged.stderr)
    );
    let image = Image(format!("swarmproof-test:{}", std::process::id()));
    let context_dir = context.path().to_string_lossy().into_owned();
    let built = docker(&["build", "--pull=false", "-q", "-t", &image.0, &context_dir]);
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let mount = format!("{root}/models:/src/models:ro");
    let run = docker(&[
        "run",
        "--rm",
        "--network",
        "none",
        "-v",
        &mount,
        &image.0,
        "check",
        "models/ha-web",
        "--format",
        "json",
    ]);
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&run.stdout).expect("JSON");
    assert_eq!(json["command"], "check");
    assert_eq!(json["verdicts"]["placement"]["status"], "holds");
    // A stack that fails gives exit status 1 inside the image as outside.
    let failing = docker(&[
        "run",
        "--rm",
        "--network",
        "none",
        "-v",
        &mount,
        &image.0,
        "check",
        "models/missing-ssd-label",
    ]);
    assert_eq!(failing.status.code(), Some(1));
}
