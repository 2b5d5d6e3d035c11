//! The "CI" section of docs/user-guide.md, run as documented: every `swarmproof` command line
//! of its examples (GitHub Actions, GitLab CI, pre-commit), the action's own check step with
//! the inputs the example gives it, and the pre-commit hook's entry on stack files, each in a
//! scratch folder that holds the repository's `models/`.

use std::path::{Path, PathBuf};
use std::process::Command;

const GUIDE: &str = include_str!("../docs/user-guide.md");

fn ci_section() -> &'static str {
    let start = GUIDE
        .find("\n## CI\n")
        .expect("the user guide has a CI section");
    let rest = &GUIDE[start + 1..];
    rest[3..].find("\n## ").map_or(rest, |end| &rest[..end + 3])
}

/// The fenced blocks of a section whose info string is `lang`.
fn blocks<'a>(section: &'a str, lang: &str) -> Vec<&'a str> {
    let fence = format!("```{lang}\n");
    section
        .split(fence.as_str())
        .skip(1)
        .filter_map(|b| b.split("```").next())
        .collect()
}

/// A scratch folder with `models/` (a link to the repository's) where the commands run, and
/// `swarmproof` first on the PATH.
struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let models = Path::new(env!("CARGO_MANIFEST_DIR")).join("models");
        std::os::unix::fs::symlink(models, dir.path().join("models")).expect("a link");
        Scratch { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Runs a shell command line; returns its exit status and stderr.
    fn run(&self, line: &str, env: &[(&str, &str)]) -> (i32, String) {
        let bin = PathBuf::from(env!("CARGO_BIN_EXE_swarmproof"));
        let path = format!(
            "{}:{}",
            bin.parent()
                .map(Path::display)
                .map(|d| d.to_string())
                .unwrap_or_default(),
            std::env::var("PATH").unwrap_or_default()
        );
        let out = Command::new("bash")
            .args(["-c", line])
            .current_dir(self.path())
            .env("PATH", path)
            .envs(env.iter().copied())
            .output()
            .expect("bash runs");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.path().join(name)).unwrap_or_default()
    }
}

/// Every documented command line that runs swarmproof, as written after `run:`, `- ` or
/// `entry:`.
fn command_lines() -> Vec<String> {
    let section = ci_section();
    let mut lines = Vec::new();
    for block in blocks(section, "yaml")
        .into_iter()
        .chain(blocks(section, "sh"))
    {
        for line in block.lines() {
            let mut command = line.trim_start();
            for prefix in ["- ", "run: ", "entry: "] {
                command = command.strip_prefix(prefix).unwrap_or(command);
            }
            if command.starts_with("swarmproof check") {
                lines.push(command.to_string());
            }
        }
    }
    lines
}

fn assert_sarif_under_srcroot(text: &str, what: &str) {
    let log: serde_json::Value =
        serde_json::from_str(text).unwrap_or_else(|e| panic!("{what}: {e}"));
    assert_eq!(log["version"], "2.1.0", "{what}");
    let run = &log["runs"][0];
    assert_eq!(run["invocations"][0]["executionSuccessful"], true, "{what}");
    let results = run["results"].as_array().cloned().unwrap_or_default();
    assert!(!results.is_empty(), "{what}");
    for r in results {
        let artifact = &r["locations"][0]["physicalLocation"]["artifactLocation"];
        assert_eq!(artifact["uriBaseId"], "SRCROOT", "{what}: {r}");
        assert!(
            artifact["uri"]
                .as_str()
                .is_some_and(|u| u.starts_with("models/ha-web/")),
            "{what}: {r}"
        );
    }
}

#[test]
fn the_documented_command_lines_run() {
    let lines = command_lines();
    // GitHub (SARIF), GitLab (JUnit), the local pre-commit hook.
    assert!(lines.len() >= 3, "{lines:?}");
    for line in &lines {
        let scratch = Scratch::new();
        let (status, stderr) = scratch.run(line, &[]);
        // 0 or 1 (findings); 2 would mean the documented line cannot run.
        assert!([0, 1].contains(&status), "{line}: exit {status}: {stderr}");
        if line.contains("--format sarif") {
            assert_sarif_under_srcroot(&scratch.read("swarmproof.sarif"), line);
        }
        if line.contains("--format junit") {
            let xml = scratch.read("swarmproof-junit.xml");
            assert!(
                xml.starts_with("<?xml") && xml.contains("<testsuites>"),
                "{line}: {xml}"
            );
            assert!(xml.contains("<testsuite name=\"placement\""), "{line}");
        }
    }
}

#[test]
fn the_action_runs_the_documented_inputs() {
    let action: serde_json::Value =
        serde_saphyr::from_str(include_str!("../action.yml")).expect("action.yml is YAML");
    let example = blocks(ci_section(), "yaml")[0];
    let with: Vec<(&str, &str)> = example
        .lines()
        .skip_while(|l| !l.trim().starts_with("with:"))
        .skip(1)
        .filter_map(|l| l.trim().split_once(": "))
        .collect();
    let input = |name: &str| with.iter().find(|(k, _)| *k == name).map(|(_, v)| *v);
    for (name, _) in &with {
        assert!(
            !action["inputs"][name].is_null(),
            "the example gives an unknown input {name}"
        );
    }
    let steps = action["runs"]["steps"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let check = steps
        .iter()
        .find(|s| s["id"] == "check")
        .and_then(|s| s["run"].as_str())
        .expect("the action has a check step");
    let scratch = Scratch::new();
    let workspace = scratch.path().display().to_string();
    let output = scratch.path().join("github-output").display().to_string();
    let (status, stderr) = scratch.run(
        check,
        &[
            ("STACK_PATH", input("path").unwrap_or("")),
            ("EXTRA_ARGS", input("args").unwrap_or("")),
            ("SARIF_FILE", "swarmproof.sarif"),
            ("GITHUB_WORKSPACE", &workspace),
            ("GITHUB_OUTPUT", &output),
        ],
    );
    assert_eq!(status, 0, "{stderr}");
    assert_sarif_under_srcroot(&scratch.read("swarmproof.sarif"), "the action");
    // models/ha-web has warnings, and the example denies them.
    assert_eq!(scratch.read("github-output"), "exit-code=1\n");
}

#[test]
fn the_pre_commit_hook_checks_each_file() {
    let hooks: serde_json::Value =
        serde_saphyr::from_str(include_str!("../.pre-commit-hooks.yaml"))
            .expect(".pre-commit-hooks.yaml is YAML");
    let hook = &hooks[0];
    let documented = blocks(ci_section(), "yaml");
    assert!(documented
        .iter()
        .any(|b| b.contains(&format!("- id: {}", hook["id"].as_str().unwrap_or("?")))));
    let entry = hook["entry"].as_str().expect("an entry");
    let files = hook_files(hook["files"].as_str().unwrap_or(""));
    let scratch = Scratch::new();
    // pre-commit appends the staged files that match `files` to the entry.
    let staged = ["models/ha-web/stack.yml", "models/web/stack.yml"];
    assert!(staged.iter().all(|f| files(f)));
    assert!(!files("models/ha-web/nodes.yml"));
    let (status, stderr) = scratch.run(&format!("{entry} {}", staged.join(" ")), &[]);
    assert_eq!(status, 0, "{stderr}");
    std::fs::write(
        scratch.path().join("stack.yml"),
        "services:\n  a:\n    image: x\n    deploy: {replicas: -1}\n",
    )
    .expect("a stack file");
    let (status, _) = scratch.run(&format!("{entry} stack.yml {}", staged.join(" ")), &[]);
    assert_eq!(status, 1);
}

/// The hook's `files` pattern, which is `(^|/)(docker-)?(stack|compose|docker-compose)[^/]*\.ya?ml$`:
/// checked here by hand on a file name's last component.
fn hook_files(pattern: &str) -> impl Fn(&str) -> bool {
    assert_eq!(
        pattern,
        r"(^|/)(docker-)?(stack|compose|docker-compose)[^/]*\.ya?ml$"
    );
    |path: &str| {
        let name = path.rsplit('/').next().unwrap_or(path);
        let name = name.strip_prefix("docker-").unwrap_or(name);
        ["stack", "compose", "docker-compose"]
            .iter()
            .any(|p| name.starts_with(p))
            && (name.ends_with(".yml") || name.ends_with(".yaml"))
    }
}
