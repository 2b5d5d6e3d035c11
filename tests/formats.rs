//! The machine formats end to end: one `--format` vocabulary and one JSON envelope for every
//! reporting command, SARIF that GitHub code scanning maps (paths under `%SRCROOT%`,
//! fingerprints that survive edits above, code flows, a log on exit 2), JUnit with a fixed
//! timestamp. Schema validation of the same outputs is in tests/ci/validate-formats.sh.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

fn swarmproof() -> Command {
    let mut cmd = Command::cargo_bin("swarmproof").unwrap();
    cmd.timeout(std::time::Duration::from_secs(300));
    cmd
}

/// Runs swarmproof in `dir` (the repository by default); returns (exit status, stdout).
fn run_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> (i32, String) {
    let out = swarmproof()
        .current_dir(dir)
        .args(args)
        .envs(env.iter().copied())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

fn run(args: &[&str]) -> (i32, String) {
    run_in(Path::new(env!("CARGO_MANIFEST_DIR")), args, &[])
}

fn json(args: &[&str]) -> Value {
    let (_, out) = run(args);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: {e}: {out}"))
}

#[test]
fn text_and_human_are_one_format_for_every_command() {
    for command in [
        vec!["check", "models/web"],
        vec!["plan", "models/web"],
        vec!["simulate", "models/web"],
        vec!["quorum", "models/web/nodes.yml"],
    ] {
        let with = |format: &str| {
            let mut args = command.clone();
            args.extend(["--format", format]);
            run(&args)
        };
        let human = with("human");
        assert_eq!(with("text"), human, "{command:?}");
        assert!(!human.1.is_empty());
        // Every reporting command takes the machine formats too.
        for format in ["json", "sarif", "junit"] {
            assert_eq!(with(format).0, human.0, "{command:?} {format}");
        }
    }
}

#[test]
fn every_command_prints_the_same_envelope() {
    let cases: [(&[&str], &str, bool); 6] = [
        (&["check", "models/ha-web"], "check", false),
        (&["plan", "models/ha-web"], "plan", true),
        (&["simulate", "models/ha-web"], "simulate", true),
        (
            &["update", "models/ha-web", "--service", "web"],
            "update",
            true,
        ),
        (&["quorum", "models/ha-web/nodes.yml"], "quorum", false),
        (
            &["raft", "--managers", "3", "--max-term", "2"],
            "raft",
            false,
        ),
    ];
    for (args, command, payload) in cases {
        let mut args = args.to_vec();
        args.extend(["--format", "json"]);
        let doc = json(&args);
        assert_eq!(doc["version"], 1, "{args:?}");
        assert_eq!(doc["tool"]["name"], "swarmproof");
        assert_eq!(doc["command"], command);
        for key in ["findings", "verdicts", "summary"] {
            assert!(!doc[key].is_null(), "{args:?} lacks {key}");
        }
        assert_eq!(doc.get("payload").is_some(), payload, "{args:?}");
    }
    let update = json(&[
        "update",
        "models/ha-web",
        "--service",
        "web",
        "--format",
        "json",
    ]);
    assert_eq!(update["payload"][0]["service"], "web");
    assert!(update["verdicts"]["rollout"]["status"].is_string());
}

fn results(log: &Value) -> Vec<Value> {
    log["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[test]
fn sarif_paths_are_relative_to_the_source_root() {
    let root = env!("CARGO_MANIFEST_DIR");
    let log: Value =
        serde_json::from_str(&run(&["check", "models/ha-web", "--format", "sarif"]).1).unwrap();
    assert_eq!(
        log["runs"][0]["originalUriBaseIds"]["SRCROOT"]["uri"],
        format!("file://{root}/")
    );
    assert_eq!(
        log["runs"][0]["invocations"][0]["executionSuccessful"],
        true
    );
    for r in results(&log) {
        let artifact = &r["locations"][0]["physicalLocation"]["artifactLocation"];
        assert_eq!(artifact["uriBaseId"], "SRCROOT");
        assert!(
            artifact["uri"]
                .as_str()
                .is_some_and(|u| u.starts_with("models/ha-web/")),
            "{r}"
        );
    }
    // Relative to another root; a file outside it keeps an absolute URI.
    let log: Value = serde_json::from_str(
        &run(&[
            "check",
            "models/ha-web",
            "--format",
            "sarif",
            "--srcroot",
            "models",
        ])
        .1,
    )
    .unwrap();
    let uri = &results(&log)[0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert!(
        uri["uri"]
            .as_str()
            .is_some_and(|u| u.starts_with("ha-web/")),
        "{uri}"
    );
    let log: Value = serde_json::from_str(
        &run(&[
            "check",
            "models/ha-web",
            "--format",
            "sarif",
            "--srcroot",
            "docs",
        ])
        .1,
    )
    .unwrap();
    let uri = &results(&log)[0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert!(uri["uriBaseId"].is_null());
    assert!(
        uri["uri"]
            .as_str()
            .is_some_and(|u| u.starts_with(&format!("file://{root}/models/"))),
        "{uri}"
    );
}

#[test]
fn sarif_fingerprints_survive_lines_added_above() {
    let dir = tempfile::tempdir().unwrap();
    let stack = "services:\n  web:\n    image: nginx\n    depends_on: [db]\n    deploy:\n      resources:\n        reservations:\n          cpus: '0.0001'\n  db:\n    image: postgres\n";
    let prints = |text: &str| {
        std::fs::write(dir.path().join("stack.yml"), text).unwrap();
        let (_, out) = run_in(
            dir.path(),
            &["check", "stack.yml", "--format", "sarif"],
            &[],
        );
        let log: Value = serde_json::from_str(&out).unwrap();
        results(&log)
            .iter()
            .map(|r| {
                (
                    r["ruleId"].as_str().unwrap_or("").to_string(),
                    r["partialFingerprints"]["swarmproof/v1"]
                        .as_str()
                        .unwrap_or("")
                        .to_string(),
                    r["locations"][0]["physicalLocation"]["region"]["startLine"].as_u64(),
                )
            })
            .collect::<Vec<_>>()
    };
    let before = prints(stack);
    assert!(before.len() >= 2, "{before:?}");
    let after = prints(&format!("# owned by ops\nx-team: &team ops\n\n{stack}"));
    assert_eq!(before.len(), after.len());
    for (b, a) in before.iter().zip(&after) {
        assert_eq!((&b.0, &b.1), (&a.0, &a.1), "same finding, same print");
        if let (Some(bl), Some(al)) = (b.2, a.2) {
            assert_eq!(al, bl + 3, "the finding moved down");
        }
    }
    // A different value at the same place is a different finding.
    let changed = prints(&stack.replace("0.0001", "0.0002"));
    let cpu = |v: &[(String, String, Option<u64>)]| {
        v.iter().find(|r| r.0 == "SP0109").map(|r| r.1.clone())
    };
    assert!(cpu(&before).is_some());
    assert_ne!(cpu(&changed), cpu(&before));
}

#[test]
fn sarif_on_a_run_that_cannot_run_is_a_failed_invocation() {
    for args in [
        vec!["check", "no/such/stack.yml", "--format", "sarif"],
        vec!["update", "models/missing-ssd-label", "--format", "sarif"],
        vec!["raft", "--managers", "0", "--format", "sarif"],
        // Arguments clap refuses.
        vec!["check", "models/web", "--bogus", "--format=sarif"],
    ] {
        let (status, out) = run(&args);
        assert_eq!(status, 2, "{args:?}");
        let log: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: {e}"));
        let invocation = &log["runs"][0]["invocations"][0];
        assert_eq!(invocation["executionSuccessful"], false);
        let note = &invocation["toolExecutionNotifications"][0];
        assert_eq!(note["level"], "error");
        assert!(note["message"]["text"]
            .as_str()
            .is_some_and(|t| t.starts_with("error")));
        assert_eq!(log["runs"][0]["results"], serde_json::json!([]));
    }
    // Other formats print nothing on stdout then, as before.
    assert_eq!(
        run(&["check", "no/such/stack.yml", "--format", "json"]),
        (2, String::new())
    );
}

#[test]
fn timelines_are_code_flows_and_json_steps() {
    let log: Value = serde_json::from_str(
        &run(&[
            "raft",
            "--managers",
            "3",
            "--variant",
            "no-persistence",
            "--format",
            "sarif",
        ])
        .1,
    )
    .unwrap();
    let violated = results(&log)
        .into_iter()
        .find(|r| r["ruleId"] == "SP4050")
        .expect("a Raft property violated");
    let steps = violated["codeFlows"][0]["threadFlows"][0]["locations"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(steps.len() >= 3, "{violated}");
    for (i, s) in steps.iter().enumerate() {
        assert_eq!(s["executionOrder"], i + 1);
        assert!(s["location"]["message"]["text"]
            .as_str()
            .is_some_and(|t| !t.is_empty()));
    }
    assert!(!violated["message"]["text"]
        .as_str()
        .unwrap_or("")
        .contains("times out"));
    // Under --strict a single replica's outage is an error with its replayed timeline.
    let doc = json(&["check", "models/ha-web", "--strict", "--format", "json"]);
    let outage = doc["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|f| f["code"] == "SP3002")
        .expect("SP3002 on models/ha-web");
    assert!(
        outage["timeline"]["steps"]
            .as_array()
            .is_some_and(|s| s.len() >= 2),
        "{outage}"
    );
    assert!(outage["notes"]
        .as_array()
        .into_iter()
        .flatten()
        .all(|n| !n.as_str().unwrap_or("").contains("shortest timeline")));
    // The human format still prints the timeline.
    assert!(run(&["check", "models/ha-web", "--strict"])
        .1
        .contains("shortest timeline (replayed on the model):"));
}

#[test]
fn junit_has_a_fixed_timestamp_under_source_date_epoch() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let report = || {
        run_in(
            root,
            &["check", "models/web", "--format", "junit"],
            &[("SOURCE_DATE_EPOCH", "1796655600")],
        )
        .1
    };
    let xml = report();
    let suites: Vec<&str> = xml.lines().filter(|l| l.contains("<testsuite ")).collect();
    assert!(suites.len() >= 5, "{xml}");
    for suite in &suites {
        assert!(
            suite.contains(" timestamp=\"2026-12-07T15:00:00\" "),
            "{suite}"
        );
        assert!(!suite.contains(" hostname=\"\""), "{suite}");
        let time = suite
            .split(" time=\"")
            .nth(1)
            .and_then(|t| t.split('"').next())
            .unwrap_or("");
        assert!(time.parse::<f64>().is_ok_and(|t| t >= 0.0), "{suite}");
    }
    // With the timestamp fixed, only the measured time differs between two runs.
    let normalise = |xml: &str| {
        xml.lines()
            .map(|l| match l.find(" time=\"") {
                Some(at) if l.contains("<testsuite ") => l[..at].to_string(),
                _ => l.to_string(),
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(normalise(&report()), normalise(&xml));
}
