//! Group `diff`: `swarmproof diff OLD NEW --docker` (the deployed state read from m1) against
//! the real `docker stack deploy`. Each scenario deploys OLD, sets the cluster up (a paused
//! update, a drained node), captures the deployed state through the Engine API (kept as an
//! offline fixture), asks swarmproof for each service's
//! action, deploys NEW and observes the action: whether the service exists, its spec version,
//! its UpdateStatus, whether its spec differs from PreviousSpec, and which running tasks were
//! replaced. A refused deploy must fail with Docker's error text and swarmproof must report the
//! refusal.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use serde_json::{json, Value};

use crate::cluster::{wait_until, Cluster, IMAGE};
use crate::engine;
use crate::harness::{after_cleanup, cluster_group, Ctx, Group, Verdict};

/// What is done to the cluster between deploying OLD and capturing the state.
#[derive(Clone, Copy, PartialEq)]
enum Setup {
    None,
    /// OLD (a failing spec) deployed over its stable form (the same service with a command
    /// that keeps running), and left paused by its failure action: some slots on OLD's spec,
    /// the others still on the stable one.
    PausedUpdate,
    /// Node w2 drained before the change.
    Drain,
}

struct Scenario {
    name: &'static str,
    old: &'static str,
    new: &'static str,
    prune: bool,
    setup: Setup,
    /// The deploy of NEW fails with this text (and swarmproof reports the refusal).
    refused: Option<&'static str>,
}

/// A service of the cluster's image whose command keeps running (`{image}` is replaced).
const WEB: &str = "  web:\n    image: \"{image}\"\n    command: [\"sleep\", \"3600\"]\n    stop_grace_period: 1s\n";
const DEPLOY: &str =
    "    deploy:\n      replicas: 3\n      update_config: {parallelism: 1, monitor: 2s}\n";

const SCENARIOS: &[Scenario] = &[
    Scenario {
        name: "env-change",
        old: "services:\n{web}    environment: {A: \"1\"}\n{deploy}",
        new: "services:\n{web}    environment: {A: \"2\"}\n{deploy}",
        prune: false,
        setup: Setup::None,
        refused: None,
    },
    Scenario {
        name: "image-change",
        old: "services:\n{web}{deploy}",
        new: "services:\n{web2}{deploy}",
        prune: false,
        setup: Setup::None,
        refused: None,
    },
    Scenario {
        name: "replicas-only",
        old: "services:\n{web}{deploy}",
        new: "services:\n{web}{deploy5}",
        prune: false,
        setup: Setup::None,
        refused: None,
    },
    Scenario {
        name: "service-labels-only",
        old: "services:\n{web}{deploy}",
        new: "services:\n{web}{deploy}      labels: {team: a}\n",
        prune: false,
        setup: Setup::None,
        refused: None,
    },
    Scenario {
        name: "update-config-only",
        old: "services:\n{web}{deploy}",
        new: "services:\n{web}{deploy_p2}",
        prune: false,
        setup: Setup::None,
        refused: None,
    },
    Scenario {
        name: "unchanged",
        old: "services:\n{web}{deploy}",
        new: "services:\n{web}{deploy}",
        prune: false,
        setup: Setup::None,
        refused: None,
    },
    Scenario {
        name: "new-service",
        old: "services:\n{web}{deploy}",
        new: "services:\n{web}{deploy}  api:\n    image: \"{image}\"\n    command: [\"sleep\", \"3600\"]\n",
        prune: false,
        setup: Setup::None,
        refused: None,
    },
    Scenario {
        name: "removed-with-prune",
        old: "services:\n{web}{deploy}  worker:\n    image: \"{image}\"\n    command: [\"sleep\", \"3600\"]\n",
        new: "services:\n{web}{deploy}",
        prune: true,
        setup: Setup::None,
        refused: None,
    },
    Scenario {
        name: "removed-without-prune",
        old: "services:\n{web}{deploy}  worker:\n    image: \"{image}\"\n    command: [\"sleep\", \"3600\"]\n",
        new: "services:\n{web}{deploy}",
        prune: false,
        setup: Setup::None,
        refused: None,
    },
    Scenario {
        name: "network-options-change-not-applied",
        old: "services:\n{web}    networks: [back]\n{deploy}networks:\n  back:\n    driver_opts: {com.docker.network.driver.mtu: \"1450\"}\n",
        new: "services:\n{web}    networks: [back]\n{deploy}networks:\n  back:\n    driver_opts: {com.docker.network.driver.mtu: \"1400\"}\n",
        prune: false,
        setup: Setup::None,
        refused: None,
    },
    Scenario {
        name: "mode-change-rejected",
        old: "services:\n{web}{deploy}",
        new: "services:\n{web}    deploy: {mode: global}\n",
        prune: false,
        setup: Setup::None,
        refused: Some("service mode change is not allowed"),
    },
    Scenario {
        name: "secret-changed-in-place-rejected",
        old: "services:\n{web}    secrets: [cert]\n{deploy}secrets:\n  cert: {file: ./cert-1.pem}\n",
        new: "services:\n{web}    secrets: [cert]\n{deploy}secrets:\n  cert: {file: ./cert-2.pem}\n",
        prune: false,
        setup: Setup::None,
        refused: Some("only updates to Labels are allowed"),
    },
    Scenario {
        name: "paused-update-resumed",
        old: "services:\n{web_failing}{deploy_pause}",
        new: "services:\n{web2}{deploy_pause}",
        prune: false,
        setup: Setup::PausedUpdate,
        refused: None,
    },
    Scenario {
        name: "drained-node-then-env-change",
        old: "services:\n{web}    environment: {A: \"1\"}\n{deploy}",
        new: "services:\n{web}    environment: {A: \"2\"}\n{deploy}",
        prune: false,
        setup: Setup::Drain,
        refused: None,
    },
];

pub fn group() -> Group {
    cluster_group("diff", SCENARIOS, |s| s.name, scenario)
}

fn text(template: &str) -> String {
    let web = WEB.replace("{image}", IMAGE);
    template
        .replace(
            "{web2}",
            &web.replace("\"sleep\", \"3600\"", "\"sleep\", \"3601\"")
                .replace(
                    "stop_grace_period: 1s",
                    "stop_grace_period: 1s\n    labels: {v: \"2\"}",
                ),
        )
        .replace(
            "{web_failing}",
            &web.replace(
                "[\"sleep\", \"3600\"]",
                "[\"sh\", \"-c\", \"test -f /etc/hostname.ok || exit 1\"]",
            ),
        )
        .replace("{web}", &web)
        .replace("{deploy5}", &DEPLOY.replace("replicas: 3", "replicas: 5"))
        .replace(
            "{deploy_p2}",
            &DEPLOY.replace("parallelism: 1", "parallelism: 2"),
        )
        .replace(
            "{deploy_pause}",
            &DEPLOY.replace(
                "monitor: 2s}",
                "monitor: 5s, failure_action: pause}\n      restart_policy: {condition: none}",
            ),
        )
        .replace("{deploy}", DEPLOY)
        .replace("{image}", IMAGE)
}

fn scenario(ctx: &Ctx, s: &Scenario, index: usize) -> Verdict {
    let stack = format!("d{index}");
    let cluster = ctx.cluster();
    let result = run(ctx, s, &stack);
    if s.setup == Setup::Drain {
        let _ = cluster.docker("m1", &["node", "update", "--availability", "active", "w2"]);
    }
    let cleanup = cluster.remove_stack(&stack);
    after_cleanup(result, cleanup)
}

/// A service as observed: spec version, UpdateStatus state and start, whether its spec differs
/// from PreviousSpec, and the IDs of its tasks meant to run.
#[derive(Clone, Debug, PartialEq)]
struct Seen {
    version: u64,
    update: Option<(String, String)>,
    changed_spec: bool,
    running: BTreeSet<String>,
}

fn observe(cluster: &Cluster, stack: &str) -> Result<BTreeMap<String, Seen>, String> {
    let services = engine::api(cluster, "/services")?;
    let tasks = engine::api(cluster, "/tasks")?;
    let mut out = BTreeMap::new();
    for s in services.as_array().ok_or("GET /services: not a list")? {
        let Some(name) = s["Spec"]["Name"]
            .as_str()
            .and_then(|n| n.strip_prefix(&format!("{stack}_")))
        else {
            continue;
        };
        let id = s["ID"].as_str().unwrap_or_default();
        let running = tasks
            .as_array()
            .into_iter()
            .flatten()
            .filter(|t| t["ServiceID"] == id && t["DesiredState"] == "running")
            .filter_map(|t| t["ID"].as_str().map(str::to_string))
            .collect();
        let update = s["UpdateStatus"]["State"].as_str().map(|st| {
            (
                st.to_string(),
                s["UpdateStatus"]["StartedAt"]
                    .as_str()
                    .unwrap_or("")
                    .to_string(),
            )
        });
        out.insert(
            name.to_string(),
            Seen {
                version: s["Version"]["Index"].as_u64().unwrap_or(0),
                update,
                changed_spec: s.get("PreviousSpec").is_some_and(|p| p != &s["Spec"]),
                running,
            },
        );
    }
    Ok(out)
}

/// The action docker stack deploy took on a service, from before and after.
fn action(before: Option<&Seen>, after: Option<&Seen>) -> &'static str {
    match (before, after) {
        (None, Some(_)) => "created",
        (Some(_), None) => "removed",
        (None, None) => "absent",
        (Some(b), Some(a)) if a.version == b.version => "left-running",
        (Some(b), Some(a)) => {
            let replaced = !b.running.is_subset(&a.running) && !a.running.is_subset(&b.running);
            match (&a.update, replaced) {
                (Some(u), true) if Some(u) != b.update.as_ref() => "updated",
                (None, false) if a.changed_spec => "updated-without-restart",
                (None, false) => "unchanged",
                _ => "unexpected",
            }
        }
    }
}

/// Waits until every service of the stack has its tasks running, and each service in
/// `updating` an UpdateStatus of this deploy (a ServiceUpdate resets it) that is completed, or
/// paused where `paused_ok`.
fn settle(
    cluster: &Cluster,
    stack: &str,
    paused_ok: bool,
    updating: &[&str],
) -> Result<(), String> {
    let prefix = format!("{stack}_");
    wait_until(Duration::from_secs(90), || {
        let Ok(services) = engine::api(cluster, "/services") else {
            return false;
        };
        let Ok(tasks) = engine::api(cluster, "/tasks") else {
            return false;
        };
        let ours = services.as_array().into_iter().flatten().filter_map(|s| {
            let name = s["Spec"]["Name"].as_str()?.strip_prefix(&prefix)?;
            Some((name.to_string(), s))
        });
        ours.into_iter().all(|(name, s)| {
            let state = s["UpdateStatus"]["State"].as_str();
            let ended = |st: &str| st == "completed" || (paused_ok && st == "paused");
            let done = if updating.contains(&name.as_str()) {
                state.is_some_and(ended)
            } else {
                state.is_none_or(ended)
            };
            let want = s["Spec"]["Mode"]["Replicated"]["Replicas"]
                .as_u64()
                .unwrap_or(1) as usize;
            let up = tasks
                .as_array()
                .into_iter()
                .flatten()
                .filter(|t| {
                    t["ServiceID"] == s["ID"]
                        && t["DesiredState"] == "running"
                        && t["Status"]["State"] == "running"
                })
                .count();
            done && (paused_ok || up == want)
        })
    })
    .map_err(|_| {
        // Say what was waited on: each service's UpdateStatus when the wait gave up.
        let services = engine::api(cluster, "/services").unwrap_or_default();
        let states: Vec<String> = services
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| {
                let name = s["Spec"]["Name"].as_str()?.strip_prefix(&prefix)?;
                Some(format!("{name}: UpdateStatus {}", s["UpdateStatus"]))
            })
            .collect();
        format!(
            "stack {stack} did not settle within 90 s ({})",
            states.join("; ")
        )
    })
}

fn run(ctx: &Ctx, s: &Scenario, stack: &str) -> Verdict {
    let cluster = ctx.cluster();
    let dir = format!("diff/{stack}");
    let old = ctx.file(&format!("{dir}/old/stack.yml"), &text(s.old));
    let new = ctx.file(&format!("{dir}/new/stack.yml"), &text(s.new));
    ctx.file(&format!("{dir}/old/cert-1.pem"), "first\n");
    ctx.file(&format!("{dir}/new/cert-2.pem"), "second\n");
    match s.setup {
        Setup::PausedUpdate => {
            // OLD's stable form first: the same service with a command that keeps running.
            let stable = ctx.file(
                &format!("{dir}/stable.yml"),
                &text(s.old).replace(
                    "[\"sh\", \"-c\", \"test -f /etc/hostname.ok || exit 1\"]",
                    "[\"sleep\", \"3600\"]",
                ),
            );
            cluster.deploy(stack, &[&stable])?;
            settle(cluster, stack, false, &[])?;
            cluster.deploy(stack, &[&old])?;
            let service = format!("{stack}_web");
            wait_until(Duration::from_secs(90), || {
                engine::update_state(cluster, &service)
                    .ok()
                    .flatten()
                    .as_deref()
                    == Some("paused")
            })
            .map_err(|_| "the failing update did not pause within 90 s".to_string())?;
        }
        Setup::Drain => {
            cluster.deploy(stack, &[&old])?;
            settle(cluster, stack, false, &[])?;
            cluster.docker("m1", &["node", "update", "--availability", "drain", "w2"])?;
            settle(cluster, stack, false, &[])?;
        }
        Setup::None => {
            cluster.deploy(stack, &[&old])?;
            settle(cluster, stack, false, &[])?;
        }
    }
    let state = json!({
        "services": engine::api(cluster, "/services")?,
        "tasks": engine::api(cluster, "/tasks")?,
        "nodes": engine::api(cluster, "/nodes")?,
    });
    let state_text = serde_json::to_string_pretty(&state).unwrap_or_default();
    // Kept for inspection and as offline fixtures of the Engine API's JSON.
    let kept = crate::harness::repo().join(format!("target/conformance/diff/{}.json", s.name));
    let _ = std::fs::create_dir_all(kept.parent().unwrap_or(&kept))
        .and_then(|()| std::fs::write(&kept, &state_text));
    let old_s = old.display().to_string();
    let new_s = new.display().to_string();
    let mut args = vec![
        "diff",
        &old_s,
        &new_s,
        "--stack-name",
        stack,
        "--docker",
        "--format",
        "json",
        "-k",
        "0",
    ];
    if s.prune {
        args.push("--prune");
    }
    let out = crate::live::swarmproof_at(cluster, "m1", &args);
    let report: Value = serde_json::from_slice(&out.stdout).map_err(|e| {
        format!(
            "swarmproof diff printed no JSON ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    })?;
    let predicted: BTreeMap<String, String> = report["payload"]["services"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            let a = c["action"].as_str().unwrap_or("").to_string();
            (c["service"].as_str().unwrap_or("").to_string(), a)
        })
        .collect();
    let before = observe(cluster, stack)?;
    let mut deploy_args = vec!["stack", "deploy", "--resolve-image", "never"];
    if s.prune {
        deploy_args.push("--prune");
    }
    deploy_args.extend(["-c", &new_s, stack]);
    let deployed_new = cluster.docker("m1", &deploy_args);
    if let Some(want) = s.refused {
        let err = match deployed_new {
            Ok(o) => {
                return Err(format!(
                    "docker stack deploy succeeded, expected \"{want}\": {o}"
                ))
            }
            Err(e) => e,
        };
        if !err.contains(want) {
            return Err(format!("docker stack deploy failed otherwise: {err}"));
        }
        let refused_by_swarmproof = report["verdicts"]["diff"]["status"] == "violated";
        if !refused_by_swarmproof {
            return Err(format!(
                "the engine refused (\"{want}\"), swarmproof predicted {predicted:?}"
            ));
        }
        return Ok(format!("refused as predicted: \"{want}\""));
    }
    deployed_new?;
    let updating: Vec<&str> = predicted
        .iter()
        .filter(|(_, a)| a.as_str() == "updated")
        .map(|(n, _)| n.as_str())
        .collect();
    settle(cluster, stack, false, &updating)?;
    let after = observe(cluster, stack)?;
    let mut lines = Vec::new();
    let mut agree = true;
    for (name, want) in &predicted {
        let seen = action(before.get(name), after.get(name));
        agree &= seen == want;
        lines.push(format!("{name}: predicted {want}, observed {seen}"));
    }
    if s.name.starts_with("network") {
        let net = engine::api(cluster, &format!("/networks/{stack}_back"))?;
        let mtu = net["Options"]["com.docker.network.driver.mtu"]
            .as_str()
            .unwrap_or("");
        let warned = report["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|f| f["code"] == "SP6003");
        agree &= mtu == "1450" && warned;
        lines.push(format!(
            "network mtu after the deploy {mtu} (old 1450), SP6003 reported: {warned}"
        ));
    }
    let summary = lines.join("; ");
    if agree {
        Ok(summary)
    } else {
        Err(summary)
    }
}
