//! `swarmproof diff OLD NEW` end to end on tests/fixtures/diff/: the change table, the
//! verdicts of the rolling updates and the exit status, one snapshot per scenario.

mod common;

use std::path::Path;

use assert_cmd::Command;

/// Runs `diff old.yml new.yml` in the scenario's folder; the text is the exit status and stdout.
fn diff(case: &str, extra: &[&str]) -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/diff")
        .join(case);
    let mut cmd = Command::cargo_bin("swarmproof").unwrap();
    cmd.current_dir(&dir)
        .args(["diff", "old.yml", "new.yml", "--stack-name", "app"])
        .args(extra);
    let (code, out, err) = common::outcome(&mut cmd);
    assert!(err.is_empty() || code != 2, "{err}");
    format!("exit {code}\n{out}")
}

fn snapshot(name: &str, text: &str) {
    insta::with_settings!({filters => vec![(r"\d+ ms, K=", "[ms], K=")]}, {
        insta::assert_snapshot!(name, text);
    });
}

const NODES: &[&str] = &["--nodes", "../nodes.yml"];

#[test]
fn image_change_is_a_rolling_update() {
    snapshot("diff-image", &diff("image", NODES));
}

#[test]
fn env_change_is_a_rolling_update() {
    snapshot("diff-env", &diff("env", NODES));
}

#[test]
fn replicas_only_restart_nothing() {
    snapshot("diff-replicas", &diff("replicas", NODES));
}

#[test]
fn service_labels_only_restart_nothing() {
    snapshot("diff-labels", &diff("labels", NODES));
}

#[test]
fn update_config_only_restarts_nothing() {
    snapshot("diff-update-config", &diff("update-config", NODES));
}

#[test]
fn new_service_needed_by_another_is_an_order_problem() {
    snapshot("diff-new-service", &diff("new-service", NODES));
}

#[test]
fn removed_service_is_left_running_without_prune() {
    snapshot("diff-removed", &diff("removed", NODES));
    snapshot(
        "diff-removed-prune",
        &diff("removed", &["--nodes", "../nodes.yml", "--prune"]),
    );
}

#[test]
fn network_option_change_is_not_applied() {
    snapshot("diff-network", &diff("network", NODES));
}

#[test]
fn mode_change_is_rejected() {
    let text = diff("mode", NODES);
    assert!(text.starts_with("exit 1"), "{text}");
    snapshot("diff-mode", &text);
}

#[test]
fn secret_changed_in_place_is_rejected() {
    let text = diff("secret", NODES);
    assert!(text.starts_with("exit 1"), "{text}");
    snapshot("diff-secret", &text);
}

#[test]
fn paused_update_is_resumed_from_the_deployed_tasks() {
    snapshot(
        "diff-paused",
        &diff("paused", &["--deployed", "deployed.json"]),
    );
}

#[test]
fn drained_node_takes_no_replacement() {
    snapshot(
        "diff-drained",
        &diff("drained", &["--deployed", "deployed.json"]),
    );
}

#[test]
fn json_payload_lists_actions_and_updates() {
    let text = diff("image", &["--nodes", "../nodes.yml", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(text.split_once('\n').unwrap().1).unwrap();
    assert_eq!(json["command"], "diff");
    assert_eq!(json["payload"]["services"][0]["action"], "updated");
    assert_eq!(json["payload"]["updates"][0]["service"], "web");
    assert_eq!(json["verdicts"]["diff"]["status"], "holds");
}
