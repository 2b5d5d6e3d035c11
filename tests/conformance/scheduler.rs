//! Scheduler conformance: stacks deployed on the real cluster, the tasks per node and the
//! Pending tasks with their messages observed with `docker stack ps`, compared with the
//! outcomes swarmproof's scheduler simulation says Swarm may produce in some order.

use std::time::{Duration, Instant};

use swarmproof::scheduler::{explore, membership, ExploreOptions, Membership, Outcome};

use crate::cluster::{wait_until, Cluster, IMAGE};
use crate::harness::{self, Ctx, Group, Verdict};

/// What is done to the cluster before the deploy, and undone after.
#[derive(Clone, Copy)]
enum Prep {
    None,
    /// `docker node update --availability drain|pause NODE`.
    Availability(&'static str, &'static str),
    /// The node's daemon stopped until the manager marks it down.
    Down(&'static str),
}

struct Scenario {
    name: &'static str,
    prep: Prep,
    /// The `services:` block; every service runs the local busybox image.
    services: &'static str,
}

const fn case(name: &'static str, services: &'static str) -> Scenario {
    Scenario {
        name,
        prep: Prep::None,
        services,
    }
}

/// The cluster (`cluster.sh`): m1..m3 managers in zones a, b, c; w1 (zone a, ssd, gpu=2) and
/// w2 (zone b, gpu=1) workers; every node has the machine's 2 CPUs and its memory.
const SCENARIOS: &[Scenario] = &[
    case("spread-5-replicas", "web: {deploy: {replicas: 5}}"),
    case("spread-7-replicas", "web: {deploy: {replicas: 7}}"),
    case(
        "role-worker",
        "web: {deploy: {replicas: 4, placement: {constraints: [node.role == worker]}}}",
    ),
    case(
        "role-manager",
        "web: {deploy: {replicas: 4, placement: {constraints: [node.role == manager]}}}",
    ),
    case(
        "node-label-equal",
        "web: {deploy: {replicas: 4, placement: {constraints: [node.labels.zone == a]}}}",
    ),
    case(
        "node-label-not-equal",
        "web: {deploy: {replicas: 3, placement: {constraints: [node.labels.zone != a]}}}",
    ),
    case(
        "hostname",
        "web: {deploy: {replicas: 3, placement: {constraints: [node.hostname == w2]}}}",
    ),
    case(
        "label-matches-no-node",
        "web: {deploy: {replicas: 2, placement: {constraints: [node.labels.rack == r1]}}}",
    ),
    case(
        "not-equal-absent-label",
        "web: {deploy: {replicas: 5, placement: {constraints: [node.labels.rack != r1]}}}",
    ),
    case(
        "two-constraints",
        "web: {deploy: {replicas: 3, placement: {constraints: [node.role == worker, node.labels.zone == b]}}}",
    ),
    case(
        "engine-label",
        "web: {deploy: {replicas: 2, placement: {constraints: [engine.labels.zone == c]}}}",
    ),
    case(
        "spread-preference",
        "web: {deploy: {replicas: 6, placement: {preferences: [{spread: node.labels.zone}]}}}",
    ),
    case(
        "spread-absent-label",
        "web: {deploy: {replicas: 6, placement: {preferences: [{spread: node.labels.rack}]}}}",
    ),
    case(
        "cpu-reservation",
        "web: {deploy: {replicas: 7, resources: {reservations: {cpus: '1.5'}}}}",
    ),
    case(
        "cpu-two-per-node",
        "web: {deploy: {replicas: 12, resources: {reservations: {cpus: '0.9'}}}}",
    ),
    case(
        "memory-reservation",
        "web: {deploy: {replicas: 12, resources: {reservations: {memory: 10G}}}}",
    ),
    case(
        "generic-resource",
        "web: {deploy: {replicas: 4, resources: {reservations: {generic_resources: [{discrete_resource_spec: {kind: gpu, value: 1}}]}}}}",
    ),
    case(
        "generic-resource-two",
        "web: {deploy: {replicas: 2, resources: {reservations: {generic_resources: [{discrete_resource_spec: {kind: gpu, value: 2}}]}}}}",
    ),
    case(
        "max-replicas-per-node",
        "web: {deploy: {replicas: 7, placement: {max_replicas_per_node: 1}}}",
    ),
    case(
        "max-replicas-workers",
        "web: {deploy: {replicas: 5, placement: {max_replicas_per_node: 2, constraints: [node.role == worker]}}}",
    ),
    case(
        "host-mode-port",
        "web: {deploy: {replicas: 6}, ports: [{target: 80, published: 8080, mode: host}]}",
    ),
    case("global", "agent: {deploy: {mode: global}}"),
    case(
        "global-constrained",
        "agent: {deploy: {mode: global, placement: {constraints: [node.role == worker]}}}",
    ),
    case(
        "global-and-replicated-cpu",
        "agent: {deploy: {mode: global, resources: {reservations: {cpus: '1'}}}}\n  web: {deploy: {replicas: 5, resources: {reservations: {cpus: '1.5'}}}}",
    ),
    case(
        "two-services-spread",
        "web: {deploy: {replicas: 3}}\n  api: {deploy: {replicas: 4, placement: {constraints: [node.role == manager]}}}",
    ),
    case(
        "order-decides-who-waits",
        "small: {deploy: {replicas: 2, resources: {reservations: {generic_resources: [{discrete_resource_spec: {kind: gpu, value: 1}}]}}}}\n  large: {deploy: {replicas: 1, resources: {reservations: {generic_resources: [{discrete_resource_spec: {kind: gpu, value: 2}}]}}}}",
    ),
    Scenario {
        name: "drained-node",
        prep: Prep::Availability("w2", "drain"),
        services: "web: {deploy: {replicas: 4}}",
    },
    Scenario {
        name: "paused-node",
        prep: Prep::Availability("m1", "pause"),
        services: "web: {deploy: {replicas: 4}}\n  agent: {deploy: {mode: global}}",
    },
    Scenario {
        name: "down-node",
        prep: Prep::Down("w1"),
        services: "web: {deploy: {replicas: 5}}\n  agent: {deploy: {mode: global}}",
    },
];

pub fn group() -> Group {
    harness::cluster_group("scheduler", SCENARIOS, |s| s.name, scenario)
}

fn stack_text(s: &Scenario) -> String {
    // Every service gets the image; the inline mappings above name only what the case needs.
    let mut out = String::from("version: \"3.8\"\nservices:\n");
    for line in s.services.lines() {
        let line = line.trim();
        let (name, body) = line.split_once(": {").expect("service line");
        // busybox sleep ignores SIGTERM as PID 1: a short grace period keeps removal quick.
        out += &format!("  {name}: {{image: \"{IMAGE}\", stop_grace_period: 1s, {body}\n");
    }
    out
}

fn scenario(ctx: &Ctx, s: &Scenario, index: usize) -> Verdict {
    let cluster = ctx.cluster();
    let stack = format!("sc{index:02}");
    prepare(cluster, s.prep)?;
    let result = deploy_and_compare(ctx, s, &stack);
    let cleanup = undo(cluster, s.prep).and(cluster.remove_stack(&stack));
    harness::after_cleanup(result, cleanup)
}

fn deploy_and_compare(ctx: &Ctx, s: &Scenario, stack: &str) -> Verdict {
    let cluster = ctx.cluster();
    let stack_file = ctx.file(&format!("scheduler/{stack}/stack.yml"), &stack_text(s));
    let nodes_file = ctx.file(
        &format!("scheduler/{stack}/nodes.json"),
        &cluster.inventory()?,
    );

    let (stack_model, cluster_model, report) =
        crate::engine::load_stack(&stack_file, &nodes_file, stack)?;
    cluster.deploy(stack, &[&stack_file])?;
    if let Some(d) = report.findings.iter().find(|d| d.code.id == "SP0304") {
        // A known engine defect that swarmproof reports instead of modelling.
        return rejected_in_a_loop(cluster, stack)
            .map(|seen| format!("{seen}; swarmproof warns: {} (SP0304)", d.message));
    }
    let observed = observe(cluster, stack)?;
    let opts = ExploreOptions {
        outcomes: true,
        max_runs: 200_000,
        samples: 0,
        ..ExploreOptions::default()
    };
    let e = explore(&stack_model, &cluster_model, &opts).map_err(|e| e.to_string())?;
    let cli = cli_status(ctx, &stack_file, &nodes_file, stack)?;
    let pending_possible = e.outcomes.iter().any(|o| !o.pending.is_empty());
    if cli
        != if pending_possible {
            "violated"
        } else {
            "holds"
        }
    {
        return Err(format!(
            "`simulate --explore` says {cli}, but the outcomes {} Pending",
            if pending_possible {
                "include"
            } else {
                "exclude"
            }
        ));
    }
    match membership(
        &stack_model,
        &cluster_model,
        &e.outcomes,
        e.exhaustive,
        &observed,
    ) {
        Membership::Possible { .. } => Ok(format!(
            "observed {} is one of {} outcome(s) over {} order(s); simulate --explore: {cli}",
            show(&observed),
            e.outcomes.len(),
            e.runs
        )),
        other => Err(format!(
            "observed {} is not predicted ({other:?}); predicted: {}",
            show(&observed),
            e.outcomes.iter().map(show).collect::<Vec<_>>().join(" | ")
        )),
    }
}

/// Engines before 23.0 reject tasks holding generic resources (moby/moby#44378): waits until
/// `docker stack ps` shows such a rejection.
fn rejected_in_a_loop(cluster: &Cluster, stack: &str) -> Verdict {
    const REJECTED: &str = "assigned node no longer meets constraints";
    let mut last = String::new();
    wait_until(Duration::from_secs(60), || {
        last = cluster
            .docker(
                "m1",
                &[
                    "stack",
                    "ps",
                    stack,
                    "--no-trunc",
                    "--format",
                    "{{.CurrentState}} {{.Error}}",
                ],
            )
            .unwrap_or_default();
        last.lines()
            .any(|l| l.starts_with("Rejected") && l.contains(REJECTED))
    })
    .map(|_| format!("the engine rejects the tasks (\"{REJECTED}\") and reschedules them"))
    .map_err(|_| format!("expected the engine to reject generic-resource tasks; saw: {last}"))
}

/// The verdict `swarmproof simulate --explore` prints for the deploy.
fn cli_status(
    ctx: &Ctx,
    stack: &std::path::Path,
    nodes: &std::path::Path,
    name: &str,
) -> Result<String, String> {
    let (stack, nodes) = (stack.display().to_string(), nodes.display().to_string());
    let out = ctx.swarmproof(&[
        "simulate",
        "--explore",
        "--format",
        "json",
        "--nodes",
        &nodes,
        "--stack-name",
        name,
        &stack,
    ]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).map_err(|e| {
        format!(
            "simulate --explore printed no JSON ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    })?;
    // The exploration is the envelope's payload (docs/json-output.md).
    json["payload"]["status"]
        .as_str()
        .map(String::from)
        .ok_or_else(|| format!("simulate --explore printed no payload.status: {json}"))
}

fn show(o: &Outcome) -> String {
    let placed: Vec<String> = o
        .placed
        .iter()
        .map(|(s, per)| {
            let per: Vec<String> = per.iter().map(|(h, c)| format!("{h}:{c}")).collect();
            format!("{s}[{}]", per.join(" "))
        })
        .collect();
    let pending: Vec<String> = o
        .pending
        .iter()
        .flat_map(|(s, per)| {
            per.iter()
                .map(move |(m, c)| format!("{s} {c}× Pending \"{m}\""))
        })
        .collect();
    [placed, pending].concat().join(", ")
}

/// Waits until every task of the stack is Running or Pending and nothing has changed for two
/// seconds (at least five seconds after the deploy: the scheduler batches and retries).
fn observe(cluster: &Cluster, stack: &str) -> Result<Outcome, String> {
    let start = Instant::now();
    let mut last: Option<(Outcome, Instant)> = None;
    while start.elapsed() < Duration::from_secs(90) {
        let (outcome, settled) = snapshot(cluster, stack)?;
        let now = Instant::now();
        match &last {
            Some((o, since)) if *o == outcome && settled => {
                if now.duration_since(*since) >= Duration::from_secs(2)
                    && start.elapsed() >= Duration::from_secs(5)
                {
                    return Ok(outcome);
                }
            }
            _ => last = Some((outcome, now)),
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    Err(format!(
        "the stack did not settle within 90 s: {:?}",
        last.map(|(o, _)| show(&o))
    ))
}

/// One look at the stack's tasks that should run: the outcome, and whether every task is
/// Running or Pending (no task still being assigned, prepared or started).
fn snapshot(cluster: &Cluster, stack: &str) -> Result<(Outcome, bool), String> {
    let text = match cluster.docker(
        "m1",
        &[
            "stack",
            "ps",
            stack,
            "--no-trunc",
            "--filter",
            "desired-state=running",
            "--format",
            "{{.Name}}\t{{.Node}}\t{{.CurrentState}}\t{{.Error}}",
        ],
    ) {
        Ok(text) => text,
        // No task yet (the orchestrator has not created them, or all were just rejected).
        Err(e) if e.contains("nothing found in stack") => return Ok((Outcome::default(), false)),
        Err(e) => return Err(e),
    };
    let mut outcome = Outcome::default();
    let mut settled = true;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        let [name, node, state, error] = cols[..] else {
            return Err(format!("unexpected `docker stack ps` line: {line}"));
        };
        let service = name
            .strip_prefix(&format!("{stack}_"))
            .and_then(|n| n.rsplit_once('.'))
            .map_or(name, |(s, _)| s)
            .to_string();
        let state = state.split_whitespace().next().unwrap_or("");
        match state {
            "Running" => {
                *outcome
                    .placed
                    .entry(service)
                    .or_default()
                    .entry(node.to_string())
                    .or_default() += 1
            }
            "Pending" => {
                *outcome
                    .pending
                    .entry(service)
                    .or_default()
                    .entry(error.trim_matches('"').to_string())
                    .or_default() += 1
            }
            _ => settled = false,
        }
    }
    Ok((outcome, settled))
}

fn node_field(cluster: &Cluster, node: &str, field: &str) -> String {
    cluster
        .docker("m1", &["node", "inspect", "-f", field, node])
        .unwrap_or_default()
        .trim()
        .to_string()
}

fn prepare(cluster: &Cluster, prep: Prep) -> Result<(), String> {
    match prep {
        Prep::None => Ok(()),
        Prep::Availability(node, a) => cluster
            .docker("m1", &["node", "update", "--availability", a, node])
            .map(|_| ()),
        Prep::Down(node) => {
            cluster.stop(node)?;
            wait_until(Duration::from_secs(60), || {
                node_field(cluster, node, "{{.Status.State}}") == "down"
            })
            .map_err(|_| format!("{node} was not marked down within 60 s"))
        }
    }
}

fn undo(cluster: &Cluster, prep: Prep) -> Result<(), String> {
    match prep {
        Prep::None => Ok(()),
        Prep::Availability(node, _) => cluster
            .docker("m1", &["node", "update", "--availability", "active", node])
            .map(|_| ()),
        Prep::Down(node) => {
            cluster.start(node)?;
            wait_until(Duration::from_secs(60), || {
                node_field(cluster, node, "{{.Status.State}}") == "ready"
            })
            .map_err(|_| format!("{node} was not ready again within 60 s"))
        }
    }
}
