//! Suppressing findings from the command line: inline comments, `x-swarmproof` ignores at
//! stack and service level, the configuration file (found upwards, or `--config`), the
//! baseline round trip, unused and invalid suppressions, `--show-suppressed`.

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// b depends on a: one SP0106 warning (line 6), nothing else without an inventory.
const DEPENDS: &str = "services:\n  a:\n    image: x\n  b:\n    image: y\n    depends_on: [a]\n";

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    path
}

/// Runs swarmproof in `dir`; returns (exit status, stdout, stderr).
fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    common::outcome(
        Command::cargo_bin("swarmproof")
            .unwrap()
            .current_dir(dir)
            .args(args),
    )
}

/// A repository (a folder with `.git`) holding `stack.yml`.
fn repo(stack: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    write(dir.path(), "stack.yml", stack);
    dir
}

/// `check stack.yml --deny warnings`: exit 0 only if the warning is suppressed.
fn deny(dir: &Path, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec!["check", "stack.yml", "--deny", "warnings"];
    args.extend(extra);
    run(dir, &args)
}

fn summary(out: &str) -> &str {
    out.lines()
        .find(|l| l.starts_with("summary:"))
        .unwrap_or("")
}

#[test]
fn the_unsuppressed_fixture_fails_under_deny_warnings() {
    let dir = repo(DEPENDS);
    let (code, out, _) = deny(dir.path(), &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("warning[SP0106]"), "{out}");
    assert!(!summary(&out).contains("suppressed"), "{out}");
}

#[test]
fn an_inline_comment_on_the_findings_line() {
    let dir = repo(&DEPENDS.replace(
        "depends_on: [a]",
        "depends_on: [a]  # swarmproof-ignore SP0106 -- b retries its connections",
    ));
    let (code, out, _) = deny(dir.path(), &[]);
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains("SP0106"), "{out}");
    assert!(summary(&out).contains("; 1 suppressed;"), "{out}");
}

#[test]
fn a_comment_on_the_line_above_or_on_the_key_of_the_block() {
    for stack in [
        DEPENDS.replace(
            "    depends_on",
            "    # swarmproof-ignore depends-on-ignored\n    depends_on",
        ),
        DEPENDS.replace("  b:\n", "  b:  # swarmproof-ignore SP3002, SP0106\n"),
    ] {
        let dir = repo(&stack);
        let (code, out, _) = deny(dir.path(), &[]);
        assert_eq!(code, 0, "{stack}\n{out}");
        assert!(!out.contains("SP0106"), "{out}");
    }
    // A comment on service a's key does not reach service b.
    let dir = repo(&DEPENDS.replace("  a:\n", "  a:  # swarmproof-ignore SP0106\n"));
    let (code, out, _) = deny(dir.path(), &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("warning[SP0106]"), "{out}");
}

#[test]
fn x_swarmproof_ignore_at_stack_and_service_level() {
    let stack_level = format!("version: \"3.8\"\nx-swarmproof:\n  ignore: [SP0106]\n{DEPENDS}");
    let service_level = format!(
        "version: \"3.8\"\n{}",
        DEPENDS.replace(
            "    depends_on",
            "    x-swarmproof: {ignore: [SP0106]}\n    depends_on"
        )
    );
    for stack in [stack_level, service_level] {
        let dir = repo(&stack);
        let (code, out, _) = deny(dir.path(), &[]);
        assert_eq!(code, 0, "{stack}\n{out}");
        assert!(summary(&out).contains("1 suppressed"), "{out}");
        assert!(!out.contains("not in the Compose 3.x schema"), "{out}");
    }
    // On the other service, the ignore matches nothing: reported where it is written.
    let dir = repo(&format!(
        "version: \"3.8\"\n{}",
        DEPENDS.replace(
            "    image: x\n",
            "    image: x\n    x-swarmproof: {ignore: [SP0106]}\n"
        )
    ));
    let (code, out, _) = deny(dir.path(), &[]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(
            "warning[SP0020]: the suppression of SP0106 matches no finding about service a"
        ),
        "{out}"
    );
    assert!(out.contains("stack.yml:5:"), "{out}");
}

#[test]
fn extension_keys_are_never_called_not_in_the_schema() {
    let dir =
        repo("version: \"3.8\"\nx-swarmproof: {ignroe: [SP0106]}\nservices:\n  a:\n    image: x\n");
    let (_, out, _) = run(dir.path(), &["check", "stack.yml"]);
    assert!(out.contains("not a key of x-swarmproof"), "{out}");
    assert!(out.contains("did you mean `ignore`?"), "{out}");
    assert!(!out.contains("not in the Compose 3.x schema"), "{out}");
    // Before 3.7 docker refuses x- keys in a service: still an error, said as such.
    let dir = repo(
        "version: \"3.4\"\nservices:\n  a:\n    image: x\n    x-swarmproof: {ignore: [SP0106]}\n",
    );
    let (code, out, _) = run(dir.path(), &["check", "stack.yml"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("extension fields are not allowed here in version \"3.4\""),
        "{out}"
    );
    assert!(!out.contains("not in the Compose 3.x schema"), "{out}");
}

#[test]
fn the_configuration_file_is_found_upwards_up_to_the_repository_root() {
    let dir = repo("");
    write(dir.path(), "deploy/prod/stack.yml", DEPENDS);
    write(
        dir.path(),
        ".swarmproof.yml",
        "ignore:\n  - code: SP0106\n    files: [prod/stack.yml]\n    services: [b]\n    reason: legacy\n",
    );
    let (code, out, _) = run(
        dir.path(),
        &[
            "check",
            "deploy/prod/stack.yml",
            "--deny",
            "warnings",
            "--show-suppressed",
        ],
    );
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("suppressed by configuration at .swarmproof.yml:2: legacy"),
        "{out}"
    );
    // A configuration above the repository's root is not read.
    let inner = dir.path().join("deploy");
    std::fs::create_dir(inner.join(".git")).unwrap();
    let (code, out, _) = run(&inner, &["check", "prod/stack.yml", "--deny", "warnings"]);
    assert_eq!(code, 1, "{out}");
    // --config names one anywhere; --no-config reads none.
    let (code, out, _) = run(
        &inner,
        &[
            "check",
            "prod/stack.yml",
            "--deny",
            "warnings",
            "--config",
            "../.swarmproof.yml",
        ],
    );
    assert_eq!(code, 0, "{out}");
    let (code, _, _) = run(
        dir.path(),
        &[
            "check",
            "deploy/prod/stack.yml",
            "--deny",
            "warnings",
            "--no-config",
        ],
    );
    assert_eq!(code, 1);
}

#[test]
fn configuration_severities_and_default_flags() {
    let dir = repo(DEPENDS);
    write(
        dir.path(),
        ".swarmproof.yml",
        "severity:\n  SP0106: error\n",
    );
    let (code, out, _) = run(dir.path(), &["check", "stack.yml"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("error[SP0106]"), "{out}");
    write(
        dir.path(),
        ".swarmproof.yml",
        "defaults:\n  deny: warnings\n",
    );
    assert_eq!(run(dir.path(), &["check", "stack.yml"]).0, 1);
    write(
        dir.path(),
        ".swarmproof.yml",
        "ignore: [SP0106]\ndefaults: {deny: warnings, show_suppressed: true}\n",
    );
    let (code, out, _) = run(dir.path(), &["check", "stack.yml"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("suppressed findings:"), "{out}");
    write(dir.path(), ".swarmproof.yml", "ignore: [\n");
    let (code, _, err) = run(dir.path(), &["check", "stack.yml"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("is not valid YAML"), "{err}");
}

#[test]
fn unused_and_invalid_suppressions_are_reported_with_their_place() {
    let dir = repo(&DEPENDS.replace(
        "    image: x\n",
        "    image: x  # swarmproof-ignore SP0106\n    hostname: a # swarmproof-ignore SP9999\n",
    ));
    let (code, out, _) = run(dir.path(), &["check", "stack.yml"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("warning[SP0020]: the suppression of SP0106 matches no finding in the lines this comment covers"), "{out}");
    assert!(out.contains("stack.yml:3:35"), "{out}");
    assert!(
        out.contains("warning[SP0021]: unknown code SP9999 in a suppression"),
        "{out}"
    );
    assert!(
        out.contains("warning[SP0106]"),
        "the finding of b stays: {out}"
    );
}

#[test]
fn show_suppressed_lists_what_suppressed_each_finding_and_why() {
    let dir = repo(&DEPENDS.replace(
        "depends_on: [a]",
        "depends_on: [a]  # swarmproof-ignore SP0106 -- b retries",
    ));
    let (_, out, _) = run(dir.path(), &["check", "stack.yml"]);
    assert!(!out.contains("suppressed findings:"), "{out}");
    let (_, out, _) = run(dir.path(), &["check", "stack.yml", "--show-suppressed"]);
    let listed = out.split("suppressed findings:").nth(1).unwrap_or_default();
    assert!(listed.contains("warning[SP0106]"), "{out}");
    assert!(
        listed.contains("suppressed by comment at stack.yml:6: b retries"),
        "{out}"
    );
    let (_, json, _) = run(dir.path(), &["check", "stack.yml", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["suppressed"][0]["code"], "SP0106");
    assert_eq!(json["suppressed"][0]["reason"], "b retries");
}

#[test]
fn the_baseline_round_trip() {
    // An error (a negative replica count), a warning and two notes, then a baseline of them.
    let old = DEPENDS.replace(
        "    image: x\n",
        "    image: x\n    deploy: {replicas: -1}\n",
    );
    let dir = repo(&old);
    let (code, _, _) = run(dir.path(), &["check", "stack.yml"]);
    assert_eq!(code, 1);
    let (code, _, err) = run(
        dir.path(),
        &["check", "stack.yml", "--write-baseline", "base.json"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("wrote 4 findings to base.json"), "{err}");
    // A clean run: nothing new, even with lines added above.
    write(
        dir.path(),
        "stack.yml",
        &format!("# prod\nversion: \"3.8\"\n{old}"),
    );
    let (code, out, _) = deny(dir.path(), &["--baseline", "base.json"]);
    assert_eq!(code, 0, "{out}");
    assert!(summary(&out).contains("0 errors, 0 warnings"), "{out}");
    assert!(summary(&out).contains("; 4 suppressed;"), "{out}");
    assert!(summary(&out).contains("load violated (accepted"), "{out}");
    // A new finding fails, and is the only one shown.
    write(
        dir.path(),
        "stack.yml",
        &format!("# prod\nversion: \"3.8\"\n{old}  c:\n    image: z\n    depends_on: [a]\n"),
    );
    let (code, out, _) = deny(dir.path(), &["--baseline", "base.json"]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(out.matches("warning[SP0106]").count(), 1, "{out}");
    assert!(out.contains("service: c"), "{out}");
    // A file that is not a baseline stops the run.
    write(dir.path(), "bad.json", "{}");
    let (code, _, err) = run(
        dir.path(),
        &["check", "stack.yml", "--baseline", "bad.json"],
    );
    assert_eq!(code, 2, "{err}");
}

#[test]
fn x_swarmproof_strict_at_stack_level_requires_availability_as_strict_does() {
    let plain = "version: \"3.8\"\nservices:\n  a:\n    image: x\n";
    let dir = repo(plain);
    let (code, out, _) = run(dir.path(), &["check", "stack.yml"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("note[SP3002]"), "{out}");
    let (code, flag, _) = run(dir.path(), &["check", "stack.yml", "--strict"]);
    assert_eq!(code, 1, "{flag}");
    let dir = repo(&plain.replace("services:", "x-swarmproof: {strict: true}\nservices:"));
    let (code, out, _) = run(dir.path(), &["check", "stack.yml"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("error[SP3002]"), "{out}");
}
