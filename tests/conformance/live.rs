//! `--docker` against the real swarm: the inventory read from a manager loads to the same
//! cluster as `docker node inspect $(docker node ls -q)`, and the JSON it reads is the engine's
//! own; a worker's engine is refused; a deployed stack's services and tasks are returned as
//! `GET /services` and `GET /tasks` return them.

use std::process::{Command, Output};
use std::time::Duration;

use serde_json::Value;
use swarmproof::cli::live::{self, Endpoint};
use swarmproof::diagnostics::SourceMap;
use swarmproof::loading::inventory::load_inventory;
use swarmproof::model::Cluster as ClusterModel;

use crate::cluster::{wait_until, Cluster, IMAGE, NODES};
use crate::engine;
use crate::harness::{self, Case, Ctx, Group, Verdict};

pub fn group() -> Group {
    Group {
        name: "live",
        needs_cluster: true,
        cases: vec![
            Case::new("inventory-equals-node-inspect", inventory),
            Case::new("nodes-json-as-the-engine-sends-it", nodes_json),
            Case::new("worker-refused", worker_refused),
            Case::new("deployed-stack-services-and-tasks", deployed_stack),
        ],
    }
}

/// The endpoint of `node`'s engine, resolved from its DOCKER_HOST as swarmproof resolves it.
fn endpoint(c: &Cluster, node: &str) -> Result<Endpoint, String> {
    let env = live::EnvVars {
        docker_host: Some(c.host(node)),
        ..Default::default()
    };
    live::resolve(&env, &|_| None)
}

/// `swarmproof ARGS` with DOCKER_HOST at `node`'s engine.
pub fn swarmproof_at(c: &Cluster, node: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_swarmproof"))
        .args(args)
        .env("DOCKER_HOST", c.host(node))
        .env_remove("DOCKER_CONTEXT")
        .output()
        .expect("the swarmproof binary runs")
}

/// An inventory text loaded, with its spans dropped (the two texts differ in layout only).
fn loaded(name: &str, text: String) -> Result<ClusterModel, String> {
    let mut sources = SourceMap::new();
    let id = sources.add(name, text);
    let (mut cluster, diags) = load_inventory(&sources, id);
    if !diags.is_empty() {
        return Err(format!(
            "{name}: {} findings: {:?}",
            diags.len(),
            diags[0].message
        ));
    }
    for n in &mut cluster.nodes {
        n.span = None;
    }
    Ok(cluster)
}

/// `docker node inspect $(docker node ls -q)` on m1.
fn node_inspect(c: &Cluster) -> Result<String, String> {
    let ids = c.docker("m1", &["node", "ls", "-q"])?;
    let mut args = vec!["node", "inspect"];
    args.extend(ids.split_whitespace());
    c.docker("m1", &args)
}

fn inventory(ctx: &Ctx) -> Verdict {
    let c = ctx.cluster();
    let nodes = live::read_nodes(&endpoint(c, "m1")?).map_err(|e| e.to_string())?;
    let from_api = loaded("--docker", serde_json::to_string_pretty(&nodes).unwrap())?;
    let inspect = node_inspect(c)?;
    let from_inspect = loaded("node inspect", inspect.clone())?;
    if from_api != from_inspect {
        return Err(format!(
            "the clusters differ:\n--docker: {from_api:?}\nnode inspect: {from_inspect:?}"
        ));
    }
    // The commands agree end to end: quorum and plan on --docker and on the file.
    let file = ctx.file("live/nodes.json", &inspect).display().to_string();
    let stack = ctx
        .file(
            "live/stack.yml",
            &format!("services:\n  web:\n    image: {IMAGE}\n    deploy: {{replicas: 3}}\n"),
        )
        .display()
        .to_string();
    for (what, docker, file_args) in [
        (
            "quorum",
            vec!["quorum", "--docker", "--format", "json"],
            vec!["quorum", &file, "--format", "json"],
        ),
        (
            "plan",
            vec!["plan", &stack, "--docker", "--format", "json"],
            vec!["plan", &stack, "--nodes", &file, "--format", "json"],
        ),
    ] {
        let a = swarmproof_at(c, "m1", &docker);
        let b = swarmproof_at(c, "m1", &file_args);
        let json = |o: &Output| serde_json::from_slice::<Value>(&o.stdout).ok();
        let (Some(a_json), Some(b_json)) = (json(&a), json(&b)) else {
            return Err(format!(
                "{what} printed no JSON: {}{}",
                String::from_utf8_lossy(&a.stderr),
                String::from_utf8_lossy(&b.stderr)
            ));
        };
        let (a_json, b_json) = (results(&a_json), results(&b_json));
        if a.status.code() != b.status.code() || a_json != b_json {
            return Err(format!(
                "{what} --docker (exit {:?}) differs from {what} on node inspect's JSON (exit {:?}):\n{a_json}\n{b_json}",
                a.status.code(),
                b.status.code()
            ));
        }
    }
    Ok(format!(
        "{} nodes: --docker loads the same cluster as node inspect's JSON; quorum and plan give the same results",
        from_api.nodes.len()
    ))
}

/// What a run found, without where: the verdicts, the payload, each finding's code and
/// message (the inventory is a file in one run and the engine in the other, so locations and
/// file names differ), and no timings.
fn results(envelope: &Value) -> Value {
    let findings: Vec<Value> = envelope["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| serde_json::json!([f["code"], f["message"]]))
        .collect();
    let mut out = serde_json::json!({
        "verdicts": envelope["verdicts"],
        "payload": envelope["payload"],
        "findings": findings,
    });
    drop_timings(&mut out);
    out
}

fn drop_timings(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.retain(|k, _| !k.ends_with("_ms") && !k.ends_with("seconds"));
            m.values_mut().for_each(drop_timings);
        }
        Value::Array(a) => a.iter_mut().for_each(drop_timings),
        _ => {}
    }
}

/// Object members whose value is null are left out: Go's encoder writes `null` for a nil
/// slice or map without `omitempty`, bollard's models leave the member out; both mean "none".
fn without_nulls(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(_, x)| !x.is_null())
                .map(|(k, x)| (k.clone(), without_nulls(x)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}

/// The JSON paths where `a` and `b` differ (at most 10).
fn differences(a: &Value, b: &Value, path: &str, out: &mut Vec<String>) {
    if out.len() >= 10 || a == b {
        return;
    }
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for k in x.keys().chain(y.keys().filter(|k| !x.contains_key(*k))) {
                let p = format!("{path}.{k}");
                match (x.get(k), y.get(k)) {
                    (Some(l), Some(r)) => differences(l, r, &p, out),
                    (l, r) => out.push(format!("{p}: {l:?} / {r:?}")),
                }
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (l, r)) in x.iter().zip(y).enumerate() {
                differences(l, r, &format!("{path}[{i}]"), out);
            }
        }
        _ => out.push(format!("{path}: {a} / {b}")),
    }
}

/// `read` (what swarmproof returns) against `raw` (the engine's answer), both sorted by `ID`.
fn same_json(what: &str, read: &Value, raw: &Value) -> Result<usize, String> {
    let sorted = |v: &Value| {
        let mut items = v.as_array().cloned().unwrap_or_default();
        items.sort_by_key(|i| i["ID"].as_str().unwrap_or("").to_string());
        without_nulls(&Value::Array(items))
    };
    let (read, raw) = (sorted(read), sorted(raw));
    let mut diffs = Vec::new();
    differences(&read, &raw, what, &mut diffs);
    if diffs.is_empty() {
        Ok(read.as_array().map_or(0, Vec::len))
    } else {
        Err(format!(
            "{what} differs from the engine's JSON (swarmproof / engine): {}",
            diffs.join("; ")
        ))
    }
}

fn nodes_json(ctx: &Ctx) -> Verdict {
    let c = ctx.cluster();
    let read = live::read_nodes(&endpoint(c, "m1")?).map_err(|e| e.to_string())?;
    let raw = engine::api(c, "/nodes")?;
    let n = same_json("GET /nodes", &read, &raw)?;
    let inspect: Value = serde_json::from_str(&node_inspect(c)?).map_err(|e| e.to_string())?;
    same_json("node inspect", &read, &inspect)?;
    let hostnames: Vec<&str> = read
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|n| n["Description"]["Hostname"].as_str())
        .collect();
    if hostnames != NODES {
        return Err(format!("nodes not in docker node ls order: {hostnames:?}"));
    }
    Ok(format!(
        "{n} nodes, every member equal to GET /nodes and to node inspect (nulls aside), in node ls order"
    ))
}

fn worker_refused(ctx: &Ctx) -> Verdict {
    let c = ctx.cluster();
    let stack = ctx
        .file(
            "live/worker.yml",
            &format!("services:\n  web:\n    image: {IMAGE}\n"),
        )
        .display()
        .to_string();
    let out = swarmproof_at(c, "w1", &["check", &stack, "--docker"]);
    let err = String::from_utf8_lossy(&out.stderr);
    let want = format!(
        "the Docker Engine at {} (from DOCKER_HOST) is a swarm worker, not a manager",
        c.host("w1")
    );
    if out.status.code() != Some(2)
        || !err.contains(&want)
        || !err.contains("point DOCKER_HOST at a manager")
    {
        return Err(format!("exit {:?}: {err}", out.status.code()));
    }
    Ok(format!("exit 2: {}", err.trim()))
}

const STACK_NAME: &str = "splive";

fn deployed_stack(ctx: &Ctx) -> Verdict {
    let c = ctx.cluster();
    let file = ctx.file(
        "live/deployed.yml",
        &format!(
            "version: \"3.8\"\nservices:\n  web:\n    image: {IMAGE}\n    deploy: {{replicas: 2}}\n  agent:\n    image: {IMAGE}\n    deploy: {{mode: global}}\n"
        ),
    );
    c.deploy(STACK_NAME, &[&file])?;
    let result = compare_deployed(c);
    harness::after_cleanup(result, c.remove_stack(STACK_NAME))
}

/// The tasks without `NetworksAttachments` (their overlay addresses), a member the engine sends
/// that bollard's Task model does not have, so `read_deployed_stack` cannot return it.
fn without_attachments(tasks: &Value) -> Value {
    let mut tasks = tasks.clone();
    for t in tasks.as_array_mut().into_iter().flatten() {
        if let Some(m) = t.as_object_mut() {
            m.remove("NetworksAttachments");
        }
    }
    tasks
}

fn compare_deployed(c: &Cluster) -> Verdict {
    let running = |tasks: &Value| {
        tasks.as_array().map_or(0, |t| {
            t.iter()
                .filter(|t| t["Status"]["State"] == "running")
                .count()
        })
    };
    let ep = endpoint(c, "m1")?;
    let mut last = None;
    // Two replicas and one task per node for the global service.
    wait_until(Duration::from_secs(90), || {
        last = live::read_deployed_stack(&ep, STACK_NAME).ok();
        last.as_ref()
            .is_some_and(|d| running(&d.tasks) == 2 + NODES.len())
    })
    .map_err(|_| format!("the stack's tasks did not all run within 90 s: {last:?}"))?;
    let d = last.expect("read");
    let filter = |json: &str| {
        json.bytes()
            .map(|b| format!("%{b:02X}"))
            .collect::<String>()
    };
    let services = engine::api(
        c,
        &format!(
            "/services?filters={}",
            filter(&format!(
                r#"{{"label":["com.docker.stack.namespace={STACK_NAME}"]}}"#
            ))
        ),
    )?;
    let ids: Vec<String> = services
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["ID"].as_str().map(|i| format!("\"{i}\"")))
        .collect();
    let tasks = engine::api(
        c,
        &format!(
            "/tasks?filters={}",
            filter(&format!(
                r#"{{"service":[{}],"desired-state":["running"]}}"#,
                ids.join(",")
            ))
        ),
    )?;
    let s = same_json("services", &d.services, &services)?;
    let t = same_json("tasks", &d.tasks, &without_attachments(&tasks))?;
    let n = same_json("nodes", &d.nodes, &engine::api(c, "/nodes")?)?;
    let mut names: Vec<&str> = d
        .services
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["Spec"]["Name"].as_str())
        .collect();
    names.sort();
    if s != 2 || t != 2 + NODES.len() || names != ["splive_agent", "splive_web"] {
        return Err(format!(
            "expected 2 services and 7 tasks, read {names:?} and {t} tasks"
        ));
    }
    Ok(format!(
        "{s} services ({}), {t} running tasks, {n} nodes, each equal to the engine's GET (nulls and tasks' NetworksAttachments aside)",
        names.join(", ")
    ))
}
