//! The command line end to end: exit statuses, inputs that must never panic or hang, explain.

mod common;

use std::io::Write;

use assert_cmd::Command;

fn swarmproof() -> Command {
    Command::cargo_bin("swarmproof").unwrap()
}

fn temp_file(name: &str, bytes: &[u8]) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::File::create(&path)
        .unwrap()
        .write_all(bytes)
        .unwrap();
    (dir, path)
}

/// Runs `check` on one stack text; returns (exit status, stdout, stderr).
fn check_text(text: &[u8], extra: &[&str]) -> (i32, String, String) {
    let (_dir, path) = temp_file("stack.yml", text);
    common::outcome(swarmproof().arg("check").arg(&path).args(extra))
}

#[test]
fn exit_status_follows_the_worst_finding() {
    assert_eq!(check_text(b"services:\n  a:\n    image: x\n", &[]).0, 0);
    let (code, out, _) = check_text(
        b"services:\n  a:\n    image: x\n    depends_on: [b]\n  b:\n    image: y\n",
        &[],
    );
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        check_text(
            b"services:\n  a:\n    image: x\n    depends_on: [b]\n  b:\n    image: y\n",
            &["--deny", "warnings"]
        )
        .0,
        1
    );
    assert_eq!(
        check_text(
            b"services:\n  a:\n    image: x\n    deploy: {replicas: -1}\n",
            &[]
        )
        .0,
        1
    );
}

#[test]
fn bad_input_gives_findings_with_locations_never_a_crash() {
    let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let p = i - 1;
        bomb.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("malformed", b"services:\n  web: [\n".to_vec()),
        ("alias bomb", bomb.into_bytes()),
        (
            "deep nesting",
            format!("services: {}{}", "[".repeat(5000), "]".repeat(5000)).into_bytes(),
        ),
        (
            "huge replicas",
            b"services:\n  a:\n    image: x\n    deploy: {replicas: 99999999999999999999999999}\n"
                .to_vec(),
        ),
        (
            "wrong types",
            b"services:\n  a:\n    image: [x]\n    deploy: 3\n    ports: {a: 1}\n".to_vec(),
        ),
        ("unknown keys", b"servics:\n  a: {}\n".to_vec()),
        ("empty", b"".to_vec()),
        ("scalar", b"hello\n".to_vec()),
        ("list", b"- a\n- b\n".to_vec()),
        (
            "invalid utf-8 in a string",
            b"services:\n  a:\n    image: \"\xff\"\n".to_vec(),
        ),
    ];
    for (name, text) in cases {
        let (code, out, err) = check_text(&text, &[]);
        assert!(code == 1 || code == 2, "{name}: exit {code}\n{out}\n{err}");
        assert!(!err.contains("panicked"), "{name}: {err}");
        assert!(
            out.contains("error[") || err.contains("error["),
            "{name}: {out}{err}"
        );
    }
}

#[test]
fn unreadable_and_binary_inputs_exit_2() {
    let out = swarmproof()
        .args(["check", "/nonexistent/stack.yml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("SP0008"));
    let (code, _, err) = check_text(b"\x7fELF\x02\x01\x01\x00\x00\x00", &[]);
    assert_eq!(code, 2, "{err}");
    let out = swarmproof()
        .args(["check", "--format", "xml", "x.yml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn folder_with_stack_and_nodes() {
    let out = swarmproof()
        .args(["check", "models/missing-ssd-label"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("SP0203"));
}

#[test]
fn explain_known_and_unknown_codes() {
    let out = swarmproof().args(["explain", "SP0106"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("depends-on-ignored") && text.contains("healthcheck"),
        "{text}"
    );
    let by_name = swarmproof()
        .args(["explain", "depends-on-ignored"])
        .output()
        .unwrap();
    assert_eq!(by_name.stdout, out.stdout);
    let list = swarmproof().arg("explain").output().unwrap();
    assert!(String::from_utf8_lossy(&list.stdout).lines().count() >= 30);
    assert_eq!(
        swarmproof()
            .args(["explain", "SP9999"])
            .output()
            .unwrap()
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn env_file_feeds_interpolation() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("stack.yml"),
        "services:\n  a:\n    image: nginx:${TAG:?set TAG}\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("vars.env"), "# comment\nTAG=1.25\n").unwrap();
    std::fs::write(dir.path().join(".env"), "TAG=1.25\n").unwrap();
    let without = swarmproof().arg("check").arg(dir.path()).output().unwrap();
    assert_eq!(without.status.code(), Some(1));
    let with = swarmproof()
        .arg("check")
        .arg(dir.path())
        .arg("--env-file")
        .arg(dir.path().join("vars.env"))
        .output()
        .unwrap();
    assert_eq!(
        with.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&with.stdout)
    );
}

// Issue 3: `--tolerate zone` on ha-web: db is pinned to the one ssd worker, in zone a.
#[test]
fn tolerate_zone_and_dump_smt2() {
    let dir = tempfile::tempdir().unwrap();
    let smt = dir.path().join("p.smt2");
    let out = swarmproof()
        .args([
            "check",
            "models/ha-web",
            "--tolerate",
            "zone",
            "--format",
            "json",
            "--dump-smt2",
        ])
        .arg(&smt)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["verdicts"]["placement"]["status"], "violated");
    assert_eq!(json["verdicts"]["graph"]["status"], "holds");
    let codes: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"SP1009"), "{codes:?}");
    let text = std::fs::read_to_string(&smt).unwrap();
    assert!(
        text.contains("(check-sat)") && text.contains("service db"),
        "{text}"
    );
    // The workers survive any one loss, but models/web has one manager: losing it loses
    // quorum, and the requested tolerance covers the managers too.
    let one = swarmproof()
        .args(["check", "models/web", "--tolerate", "1", "--format", "json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&one.stdout).unwrap();
    assert_eq!(json["verdicts"]["placement"]["status"], "holds");
    assert_eq!(json["verdicts"]["quorum"]["status"], "violated");
    assert_eq!(one.status.code(), Some(1));
}

#[test]
fn simulate_and_graph_commands() {
    let out = swarmproof()
        .args(["simulate", "models/web"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("web-1") && text.contains("all 3 tasks placed"),
        "{text}"
    );
    let drained = swarmproof()
        .args(["simulate", "models/web", "--drain", "web-1"])
        .output()
        .unwrap();
    assert_eq!(
        drained.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&drained.stdout)
    );
    let missing = swarmproof()
        .args(["simulate", "models/missing-ssd-label"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stdout)
        .contains("no suitable node (scheduling constraints not satisfied on 6 nodes)"));
    let dot = swarmproof()
        .args(["graph", "models/ha-web", "--format", "dot"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&dot.stdout).starts_with("digraph"));
    let mermaid = swarmproof()
        .args(["graph", "models/ha-web", "--format", "mermaid"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&mermaid.stdout).starts_with("flowchart"));
}

// One sampled order can place everything while another order leaves a task Pending:
// `--explore` searches every order and shows the worst, replayable.
#[test]
fn simulate_explore_shows_the_order_that_leaves_tasks_pending() {
    let one = swarmproof()
        .args(["simulate", "models/feasible-but-pending"])
        .output()
        .unwrap();
    assert_eq!(one.status.code(), Some(0));
    let every = swarmproof()
        .args(["simulate", "models/feasible-but-pending", "--explore"])
        .output()
        .unwrap();
    assert_eq!(every.status.code(), Some(1));
    let text = String::from_utf8_lossy(&every.stdout);
    assert!(text.starts_with("explored 3 orders (1 merged into an order reaching the same state), exhaustive; 1 placed every task\nan order that leaves tasks Pending (replayable):\nstrategy spread (choices [0,0]), services scheduled in order: web, db\n"), "{text}");
    assert!(text.contains("Pending db.1: no suitable node"), "{text}");
    // After losing the ssd worker, db has no node in any order.
    let lost = swarmproof()
        .args([
            "simulate",
            "models/ha-web",
            "--fail",
            "worker-a",
            "--explore",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(lost.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&lost.stdout).unwrap();
    assert_eq!(json["status"], "violated");
    assert_eq!(json["exhaustive"], true);
    assert_eq!(json["complete_runs"], 0);
    let with_strategy = swarmproof()
        .args([
            "simulate",
            "models/web",
            "--explore",
            "--strategy",
            "binpack",
        ])
        .output()
        .unwrap();
    assert_eq!(with_strategy.status.code(), Some(2));
}

// Issue 6: the quorum of the inventory's managers, with what-ifs, and a Raft teaching variant.
#[test]
fn quorum_and_raft_commands() {
    let out = swarmproof()
        .args(["quorum", "models/ha-web", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["verdicts"]["quorum"]["status"], "holds");
    let demote = swarmproof()
        .args(["quorum", "models/ha-web", "--demote", "manager-a"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&demote.stdout);
    assert!(text.contains("demote manager-a"), "{text}");
    let raft = swarmproof()
        .args([
            "raft",
            "--managers",
            "3",
            "--variant",
            "no-persistence",
            "--mermaid",
        ])
        .output()
        .unwrap();
    assert_eq!(raft.status.code(), Some(1));
    let text = String::from_utf8_lossy(&raft.stdout);
    assert!(
        text.contains("Election Safety violated") && text.contains("sequenceDiagram"),
        "{text}"
    );
    let bad = swarmproof()
        .args(["raft", "--managers", "40"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    let not_loopback = swarmproof()
        .args(["explore", "raft", "--listen", "0.0.0.0:0"])
        .output()
        .unwrap();
    assert_eq!(not_loopback.status.code(), Some(2));
}

// Issue 5: `update` prints per-service verdicts and timelines.
#[test]
fn update_command() {
    let out = swarmproof()
        .args(["update", "models/ha-web", "--service", "db"])
        .output()
        .unwrap();
    // db's single replica with Swarm's default stop-first: the outage is analysed and shown,
    // but without a requirement it is a caveat, not a failure.
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("db: caveats"), "{text}");
    assert!(
        text.contains("no-full-outage") && text.contains("t1:"),
        "{text}"
    );
    let strict = swarmproof()
        .args(["update", "models/ha-web", "--service", "db", "--strict"])
        .output()
        .unwrap();
    assert_eq!(strict.status.code(), Some(1));
    let text = String::from_utf8_lossy(&strict.stdout);
    assert!(text.starts_with("db: unsafe"), "{text}");
    assert!(text.contains("error[SP3002]"), "{text}");
    // The table shows the timeline; the finding below it does not print it again.
    assert_eq!(
        text.matches("no task of db is running: outage").count(),
        1,
        "{text}"
    );
    let missing = swarmproof()
        .args(["update", "models/ha-web", "--service", "nope"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
}

// A requested tolerance applies to the quorum too: two of three managers in zone a, so losing
// zone a loses quorum, and `--tolerate zone` makes the quorum verdict violated with an error.
#[test]
fn tolerate_zone_applies_to_the_quorum() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("stack.yml"),
        "services:\n  web:\n    image: nginx\n    deploy:\n      mode: global\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("nodes.yml"),
        "nodes:\n  - {hostname: m1, role: manager, zone: a}\n  - {hostname: m2, role: manager, zone: a}\n  - {hostname: m3, role: manager, zone: b}\n",
    )
    .unwrap();
    let run = |extra: &[&str]| {
        let out = swarmproof()
            .arg("check")
            .arg(dir.path())
            .args(["--format", "json"])
            .args(extra)
            .output()
            .unwrap();
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        (out.status.code(), json)
    };
    let (code, json) = run(&[]);
    assert_eq!(json["verdicts"]["quorum"]["status"], "holds");
    assert_eq!(code, Some(0));
    let (code, json) = run(&["--tolerate", "zone"]);
    assert_eq!(json["verdicts"]["quorum"]["status"], "violated", "{json}");
    assert_eq!(
        json["verdicts"]["quorum"]["summary"],
        "--tolerate zone: losing `zone=a` alone loses quorum"
    );
    assert!(json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["code"] == "SP4011" && f["severity"] == "error"));
    assert_eq!(code, Some(1));
}

// Without an inventory the checks that need one are listed as skipped with the reason, the
// update configs are still checked (SP3011 needs no cluster), and the summary counts them.
#[test]
fn checks_without_an_inventory_are_listed_as_skipped() {
    let (_dir, stack) = temp_file(
        "stack.yml",
        b"services:\n  web:\n    image: nginx\n    healthcheck:\n      test: [CMD, \"true\"]\n",
    );
    let out = swarmproof()
        .args(["check", "--format", "json"])
        .arg(&stack)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for check in ["placement", "scheduler", "rollout", "quorum"] {
        assert_eq!(json["verdicts"][check]["status"], "skipped", "{check}");
        assert!(json["verdicts"][check]["summary"]
            .as_str()
            .unwrap()
            .contains("pass --nodes FILE"));
    }
    assert!(json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["code"] == "SP3011"));
    assert_eq!(out.status.code(), Some(0));
    let human = swarmproof().arg("check").arg(&stack).output().unwrap();
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(text.contains("; 4 checks skipped;"), "{text}");
}

// One rule for every subcommand and format: a violated verdict fails the run, and so does
// an error finding; `check`, `update` and JUnit agree.
#[test]
fn verdicts_exit_status_and_junit_agree() {
    for (args, code) in [
        (vec!["check", "models/ha-web"], 0),
        (vec!["update", "models/ha-web"], 0),
        (vec!["check", "models/ha-web", "--strict"], 1),
        (vec!["update", "models/ha-web", "--strict"], 1),
    ] {
        let out = swarmproof().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(code), "{args:?}");
    }
    let junit = swarmproof()
        .args(["check", "models/ha-web", "--format", "junit"])
        .output()
        .unwrap();
    let xml = String::from_utf8_lossy(&junit.stdout);
    assert!(xml.contains("failures=\"0\""), "{xml}");
    assert_eq!(junit.status.code(), Some(0));
    let strict = swarmproof()
        .args(["check", "models/ha-web", "--format", "junit", "--strict"])
        .output()
        .unwrap();
    let xml = String::from_utf8_lossy(&strict.stdout);
    let top = xml.lines().find(|l| l.starts_with("<testsuites")).unwrap();
    assert!(!top.contains("failures=\"0\""), "{top}");
    assert_eq!(strict.status.code(), Some(1));
}

// Every finding has a correct primary span or none: SP4002 is a fact of the inventory and
// points at the manager's name there; a setting left at its default points at the key of its
// block, the whole word; a finding with no location is the whole file in SARIF, not `1:1`.
#[test]
fn primary_spans_point_at_the_right_file_and_words() {
    let out = swarmproof()
        .args(["check", "models/web", "--format", "json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let finding = |code: &str| {
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["code"] == code)
            .cloned()
            .unwrap_or_else(|| panic!("{code} in {json}"))
    };
    let single = finding("SP4002");
    assert!(single["file"]
        .as_str()
        .unwrap()
        .ends_with("models/web/nodes.yml"));
    assert_eq!(
        single["end_column"].as_u64().unwrap() - single["column"].as_u64().unwrap(),
        9
    );
    // Three replicas updated one at a time stop-first keep 2 running: SP3001 once 3 are required.
    let required = std::fs::read_to_string("models/web/stack.yml")
        .unwrap()
        .replace(
            "    image: nginx:1.20\n",
            "    image: nginx:1.20\n    x-swarmproof: {min_available: 3}\n",
        );
    let (dir, _) = temp_file("stack.yml", required.as_bytes());
    std::fs::copy("models/web/nodes.yml", dir.path().join("nodes.yml")).unwrap();
    let out = swarmproof()
        .args(["check", "--format", "json"])
        .arg(dir.path())
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let availability = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "SP3001")
        .cloned()
        .unwrap_or_else(|| panic!("SP3001 in {json}"));
    assert_eq!(
        availability["end_column"].as_u64().unwrap() - availability["column"].as_u64().unwrap(),
        "update_config".len() as u64
    );
    assert_eq!(
        availability["labels"][0]["message"],
        "update order: stop-first by default"
    );
    let sarif = swarmproof()
        .args(["check", "models/ha-web", "--format", "sarif"])
        .output()
        .unwrap();
    let log: serde_json::Value = serde_json::from_slice(&sarif.stdout).unwrap();
    let defaults = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "SP3002")
        .expect("the stack-wide SP3002 note");
    let place = &defaults["locations"][0]["physicalLocation"];
    assert!(place["artifactLocation"]["uri"].is_string());
    assert!(place["region"].is_null(), "{place}");
}

// What the update config decides alone needs no inventory: one stop-first replica is an
// outage on any cluster, a note by default and an error where availability is required.
#[test]
fn update_defaults_are_checked_without_an_inventory() {
    let (_dir, stack) = temp_file(
        "stack.yml",
        b"services:\n  db:\n    image: postgres\n    x-swarmproof: {min_available: 1}\n  web:\n    image: nginx\n",
    );
    let out = swarmproof()
        .args(["check", "--format", "json"])
        .arg(&stack)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let found: Vec<(String, String, String)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        found.contains(&(
            "SP3002".into(),
            "error".into(),
            "every update of db stops its only task before the new one runs".into()
        )),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|(c, s, m)| c == "SP3002" && s == "info" && m.ends_with("stop-first): web")),
        "{found:?}"
    );
    assert_eq!(json["verdicts"]["rollout"]["status"], "skipped");
    assert_eq!(out.status.code(), Some(1));
}

// `config` prints what `docker stack config -c models/web/stack.yml` prints, byte for byte:
// the text below is docker's output (CLI 28.2.2).
#[test]
fn config_prints_docker_stack_configs_text() {
    let expected = include_str!("fixtures/web-docker-stack-config.yml");
    let out = swarmproof()
        .args(["config", "models/web"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stdout), expected);
    // `-c` as docker spells it, and JSON.
    let json = swarmproof()
        .args(["config", "-c", "models/web/stack.yml", "--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(
        v["services"]["web"]["deploy"]["update_config"]["monitor"],
        "1m0s"
    );
    assert_eq!(v["services"]["web"]["ports"][0]["mode"], "ingress");
}

#[test]
fn config_interpolates_or_not_and_fails_where_docker_does() {
    let (_dir, path) = temp_file(
        "stack.yml",
        b"version: '3.8'\nservices:\n  web:\n    image: nginx:${TAG:-1.25}\n    deploy:\n      replicas: ${R}\n",
    );
    let run = |args: &[&str], r: &str| {
        swarmproof()
            .arg("config")
            .args(args)
            .arg(&path)
            .env("R", r)
            .output()
            .unwrap()
    };
    let out = run(&[], "2");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("image: nginx:1.25\n") && text.contains("replicas: 2\n"),
        "{text}"
    );
    // Observed with docker stack config (CLI 28.2.2): `${R}` set to a word stops it ("failed
    // to cast to expected type: strconv.Atoi: parsing \"two\": invalid syntax"), and so does
    // `--skip-interpolation` here, since the schema then sees the string "${R}" as replicas
    // ("services.web.deploy.replicas must be a integer"). Nothing is printed.
    for (args, r, code) in [
        (&[][..], "two", "SP0006"),
        (&["--skip-interpolation"][..], "2", "SP0102"),
    ] {
        let bad = run(args, r);
        assert_eq!(bad.status.code(), Some(1));
        assert!(bad.stdout.is_empty());
        assert!(String::from_utf8_lossy(&bad.stderr).contains(code));
    }
}

// Observed with docker stack config (CLI 28.2.2): "open …/missing.env: no such file or
// directory". docker/cli's loader reads a service's env files, so `check` refuses the stack too.
#[test]
fn check_reports_what_only_docker_clis_loader_refuses() {
    let (code, out, _) = check_text(
        b"version: '3.8'\nservices:\n  web:\n    image: nginx\n    env_file: missing.env\n",
        &[],
    );
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("missing.env: no such file or directory"),
        "{out}"
    );
}
