//! The command-line conventions: colour (`--color`, `NO_COLOR`), `--quiet`, `-o FILE`,
//! findings in file order, "did you mean", counts that agree in number, completions, the man
//! page and `--version`.

mod common;

use std::path::Path;

use assert_cmd::Command;

fn swarmproof() -> Command {
    Command::cargo_bin("swarmproof").unwrap()
}

fn run(cmd: &mut Command) -> (i32, String, String) {
    common::outcome(cmd)
}

/// A stack folder with `.git` (so no configuration above it is read).
fn stack(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    std::fs::write(dir.path().join("stack.yml"), text).unwrap();
    dir
}

fn check(dir: &Path, args: &[&str]) -> (i32, String, String) {
    run(swarmproof()
        .current_dir(dir)
        .arg("check")
        .arg("stack.yml")
        .args(args))
}

/// An error (line 4) and a warning (line 6).
const MIXED: &str = "services:\n  a:\n    image: x\n    deploy: {replicas: -1}\n  b:\n    depends_on: [a]\n    image: y\n";

#[test]
fn colour_follows_the_flag_and_no_color() {
    let dir = stack(MIXED);
    let (_, always, _) = check(dir.path(), &["--color", "always"]);
    assert!(always.contains("\u{1b}["), "{always}");
    let (_, never, _) = run(swarmproof()
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .args(["check", "stack.yml"]));
    assert!(!never.contains('\u{1b}'), "{never}");
    // The flag wins over the environment, as no-color.org asks.
    let (_, forced, _) = run(swarmproof()
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .args(["--color", "always", "check", "stack.yml"]));
    assert!(forced.contains("\u{1b}["), "{forced}");
    let (_, off, _) = check(dir.path(), &["--color", "never"]);
    assert!(!off.contains('\u{1b}'));
    assert_eq!(check(dir.path(), &["--color", "sometimes"]).0, 2);
}

#[test]
fn quiet_prints_only_errors_then_nothing() {
    let dir = stack(MIXED);
    let (code, out, _) = check(dir.path(), &["-q"]);
    assert_eq!(code, 1);
    assert!(
        out.contains("error[SP0103]") || out.contains("error[SP01"),
        "{out}"
    );
    assert!(
        !out.contains("warning[") && !out.contains("summary:"),
        "{out}"
    );
    let (code, out, _) = check(dir.path(), &["-qq"]);
    assert_eq!((code, out.as_str()), (1, ""));
    let (code, out, _) = run(swarmproof().args(["--quiet", "explain", "SP0106"]));
    assert_eq!((code, out.as_str()), (0, ""));
}

#[test]
fn output_goes_to_the_named_file() {
    let dir = stack(MIXED);
    let (code, out, _) = check(dir.path(), &["--format", "json", "-o", "report.json"]);
    assert_eq!((code, out.as_str()), (1, ""));
    let text = std::fs::read_to_string(dir.path().join("report.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["summary"]["errors"], 1);
    let (code, _, err) = check(dir.path(), &["--output", "/nonexistent/dir/x"]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn findings_are_sorted_by_file_and_line() {
    // The rollout finding (line 7) comes from a later check than the load finding (line 9).
    let dir = stack("services:\n  a:\n    image: x\n    deploy:\n      update_config:\n        delay: 10s\n        monitor: 5s\n  b:\n    depends_on: [a]\n    image: y\n");
    let (_, out, _) = check(dir.path(), &["--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let lines: Vec<i64> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["line"].as_i64())
        .collect();
    assert!(lines.len() >= 2, "{out}");
    assert!(lines.windows(2).all(|w| w[0] <= w[1]), "{lines:?}");
    let codes: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["code"].as_str())
        .collect();
    let (rollout, load) = (
        codes.iter().position(|c| *c == "SP3010"),
        codes.iter().position(|c| *c == "SP0106"),
    );
    assert!(rollout < load && load.is_some(), "{codes:?}");
}

#[test]
fn did_you_mean_for_keys_and_subcommands() {
    let dir = stack("services:\n  a:\n    image: x\n    heathcheck: {disable: true}\n    deploy:\n      replica: 2\n");
    let (code, out, _) = check(dir.path(), &[]);
    assert_eq!(code, 1);
    assert!(
        out.contains("Additional property heathcheck is not allowed"),
        "{out}"
    );
    assert!(out.contains("help: did you mean `healthcheck`?"), "{out}");
    assert!(out.contains("help: did you mean `replicas`?"), "{out}");
    let (code, _, err) = run(swarmproof().arg("chek"));
    assert_eq!(code, 2);
    assert!(err.contains("similar subcommand exists: 'check'"), "{err}");
}

#[test]
fn counts_agree_in_number() {
    let dir = stack("services:\n  a:\n    image: x\n");
    let (_, out, _) = check(dir.path(), &[]);
    assert!(out.contains("1 service with one replica:"), "{out}");
    assert!(
        out.contains("summary: 0 errors, 0 warnings, 2 infos;"),
        "{out}"
    );
    let dir = stack("services:\n  a:\n    image: x\n  b:\n    image: y\n");
    let (_, out, _) = check(dir.path(), &[]);
    assert!(out.contains("2 services with one replica:"), "{out}");
    assert!(!out.contains("(s)"), "{out}");
}

#[test]
fn completions_and_the_man_page_come_from_the_clap_definitions() {
    let (code, bash, _) = run(swarmproof().args(["completions", "bash"]));
    assert_eq!(code, 0);
    assert!(
        bash.contains("_swarmproof()") && bash.contains("--write-baseline"),
        "{bash}"
    );
    let (_, zsh, _) = run(swarmproof().args(["completions", "zsh"]));
    assert!(zsh.starts_with("#compdef swarmproof"), "{zsh}");
    let (_, fish, _) = run(swarmproof().args(["completions", "fish"]));
    assert!(fish.contains("complete -c swarmproof"), "{fish}");
    let (code, man, _) = run(swarmproof().arg("man"));
    assert_eq!(code, 0);
    assert!(man.contains(".TH swarmproof"), "{man}");
    assert!(man.contains("swarmproof\\-check"), "{man}");
    assert_eq!(run(swarmproof().args(["completions", "tcsh"])).0, 2);
}

#[test]
fn version_names_the_commit_when_built_from_git() {
    let (code, out, _) = run(swarmproof().arg("--version"));
    assert_eq!(code, 0);
    assert!(
        out.starts_with(&format!("swarmproof {}", env!("CARGO_PKG_VERSION"))),
        "{out}"
    );
    let commit = std::process::Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    if let Some(commit) = commit {
        assert!(out.contains(&format!("({commit})")), "{out}");
    }
}
