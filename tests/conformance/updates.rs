//! Update conformance: real `docker stack deploy` updates and rollbacks, recorded by polling the
//! service's tasks and update status every 250 ms, each recording validated as a path of
//! swarmproof's rollout model (`rollout::trace`). A case agrees when the model explains every
//! observation and reaches the update state the engine ended in.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use swarmproof::rollout::trace::{validate, EngineTask, Observation, TraceStep, TraceVerdict};
use swarmproof::rollout::{RolloutInput, RolloutModel};

use crate::cluster::{wait_until, Cluster};
use crate::engine::{self, stack_text};
use crate::harness::{self, Ctx, Group, Verdict};

/// Model states the validator may visit between two observations.
const MAX_STATES: usize = 2_000_000;

struct Scenario {
    name: &'static str,
    /// The `deploy:` mapping of both versions.
    deploy: &'static str,
    /// Service keys of the new version besides `SP_V` (command, healthcheck).
    new: &'static [&'static str],
    /// After the update ends, `docker service rollback`.
    manual_rollback: bool,
    /// The update states this case exists to reach (the last observation's).
    ends: &'static [&'static str],
}

const FAILS_AFTER_1S: &str = "command: [sh, -c, \"sleep 1; exit 1\"]";
const HEALTHY: &str =
    "healthcheck: {test: [CMD, test, -f, /tmp/ok], interval: 1s, timeout: 1s, retries: 2}";

const SCENARIOS: &[Scenario] = &[
    Scenario {
        name: "parallelism-1-stop-first",
        deploy: "{replicas: 3, update_config: {parallelism: 1, monitor: 1s}}",
        new: &[],
        manual_rollback: false,
        ends: &["completed"],
    },
    Scenario {
        name: "parallelism-2",
        deploy: "{replicas: 4, update_config: {parallelism: 2, monitor: 1s}}",
        new: &[],
        manual_rollback: false,
        ends: &["completed"],
    },
    Scenario {
        name: "parallelism-0-all-at-once",
        deploy: "{replicas: 3, update_config: {parallelism: 0, monitor: 1s}}",
        new: &[],
        manual_rollback: false,
        ends: &["completed"],
    },
    Scenario {
        name: "delay-2s",
        deploy: "{replicas: 2, update_config: {parallelism: 1, delay: 2s, monitor: 1s}}",
        new: &[],
        manual_rollback: false,
        ends: &["completed"],
    },
    Scenario {
        name: "start-first",
        deploy: "{replicas: 2, update_config: {parallelism: 1, order: start-first, monitor: 1s}}",
        new: &[],
        manual_rollback: false,
        ends: &["completed"],
    },
    Scenario {
        name: "global-parallelism-2",
        deploy: "{mode: global, update_config: {parallelism: 2, monitor: 1s}}",
        new: &[],
        manual_rollback: false,
        ends: &["completed"],
    },
    Scenario {
        name: "pause-on-failure-in-monitor",
        deploy: "{replicas: 3, restart_policy: {delay: 1s}, update_config: {parallelism: 1, monitor: 5s, failure_action: pause}}",
        new: &[FAILS_AFTER_1S],
        manual_rollback: false,
        ends: &["paused"],
    },
    // The first task fails inside its 2 s window while the updater waits for the second
    // slot's worker; read after that wait, it is outside the window and does not count, so one
    // counted failure of two slots (0.5, not > 0.5) lets the update complete.
    Scenario {
        name: "failure-during-worker-wait-uncounted",
        deploy: "{replicas: 2, restart_policy: {delay: 1s}, update_config: {parallelism: 1, monitor: 2s, failure_action: pause, max_failure_ratio: 0.5}}",
        new: &[FAILS_AFTER_1S],
        manual_rollback: false,
        ends: &["completed", "paused"],
    },
    Scenario {
        name: "failure-after-monitor-completes",
        deploy: "{replicas: 2, restart_policy: {delay: 1s}, update_config: {parallelism: 1, monitor: 1s, failure_action: pause}}",
        new: &["command: [sh, -c, \"sleep 8; exit 1\"]"],
        manual_rollback: false,
        ends: &["completed"],
    },
    Scenario {
        name: "continue-despite-failures",
        deploy: "{replicas: 2, restart_policy: {delay: 1s}, update_config: {parallelism: 1, monitor: 2s, failure_action: continue}}",
        new: &[FAILS_AFTER_1S],
        manual_rollback: false,
        ends: &["completed"],
    },
    Scenario {
        name: "restart-none-pause",
        deploy: "{replicas: 2, restart_policy: {condition: none}, update_config: {parallelism: 1, monitor: 5s, failure_action: pause}}",
        new: &[FAILS_AFTER_1S],
        manual_rollback: false,
        ends: &["paused"],
    },
    Scenario {
        name: "automatic-rollback",
        deploy: "{replicas: 2, restart_policy: {delay: 1s}, update_config: {parallelism: 1, monitor: 5s, failure_action: rollback}, rollback_config: {parallelism: 0, monitor: 1s}}",
        new: &[FAILS_AFTER_1S],
        manual_rollback: false,
        ends: &["rollback_completed"],
    },
    Scenario {
        name: "max-failure-ratio",
        deploy: "{replicas: 4, restart_policy: {delay: 1s}, update_config: {parallelism: 0, monitor: 5s, failure_action: pause, max_failure_ratio: 0.3}}",
        new: &[FAILS_AFTER_1S],
        manual_rollback: false,
        ends: &["paused"],
    },
    Scenario {
        name: "healthcheck-healthy",
        deploy: "{replicas: 2, update_config: {parallelism: 1, monitor: 1s}}",
        new: &[
            "command: [sh, -c, \"touch /tmp/ok; exec sleep 3600\"]",
            HEALTHY,
        ],
        manual_rollback: false,
        ends: &["completed"],
    },
    Scenario {
        name: "healthcheck-never-healthy",
        deploy: "{replicas: 2, restart_policy: {delay: 1s}, update_config: {parallelism: 1, monitor: 5s, failure_action: pause}}",
        new: &[HEALTHY],
        manual_rollback: false,
        ends: &["paused"],
    },
    Scenario {
        name: "manual-rollback",
        deploy: "{replicas: 2, update_config: {parallelism: 1, monitor: 1s}, rollback_config: {parallelism: 2, monitor: 1s}}",
        new: &[],
        manual_rollback: true,
        ends: &["rollback_completed"],
    },
    Scenario {
        name: "max-replicas-per-node-start-first-hangs",
        deploy: "{replicas: 5, placement: {max_replicas_per_node: 1}, update_config: {parallelism: 1, order: start-first, monitor: 1s}}",
        new: &[],
        manual_rollback: false,
        ends: &["updating"],
    },
];

pub fn group() -> Group {
    harness::cluster_group("updates", SCENARIOS, |s| s.name, scenario)
}

fn scenario(ctx: &Ctx, s: &Scenario, index: usize) -> Verdict {
    let stack = format!("up{index:02}");
    let result = run(ctx, s, &stack);
    let cleanup = ctx.cluster().remove_stack(&stack);
    harness::after_cleanup(result, cleanup)
}

fn run(ctx: &Ctx, s: &Scenario, stack: &str) -> Verdict {
    let cluster = ctx.cluster();
    let service = format!("{stack}_web");
    let old = ctx.file(
        &format!("updates/{stack}/old.yml"),
        &stack_text(1, &[], s.deploy),
    );
    let new = ctx.file(
        &format!("updates/{stack}/new.yml"),
        &stack_text(2, s.new, s.deploy),
    );
    let nodes = ctx.file(
        &format!("updates/{stack}/nodes.json"),
        &cluster.inventory()?,
    );
    let (loaded, cluster_model, _) = engine::load_stack(&new, &nodes, stack)?;
    let svc = loaded
        .services
        .iter()
        .find(|x| x.name == "web")
        .ok_or("the stack has no service web")?;
    let replicas = svc.mode.replicated_tasks().map(|r| r as usize);

    cluster.deploy(stack, &[&old])?;
    let old_nodes = settled_old_tasks(cluster, &service, replicas, &cluster_model)?;

    let started = Instant::now();
    cluster.deploy(stack, &[&new])?;
    let mut rec = Recording::default();
    // Only the case that exists to hang stops on a quiet spell: elsewhere a quiet spell is a
    // slow healthcheck or stop, and the update goes on.
    let hang = s
        .ends
        .contains(&"updating")
        .then_some(Duration::from_secs(HANG_SECS));
    rec.record(cluster, &service, Duration::from_secs(60), hang)?;
    if s.manual_rollback {
        cluster.docker("m1", &["service", "rollback", "--detach", &service])?;
        rec.steps.push(TraceStep::ManualRollback);
        rec.lines.push("# docker service rollback".into());
        rec.record(cluster, &service, Duration::from_secs(60), hang)?;
    }
    let seconds = started.elapsed().as_secs_f64();
    let trace_file =
        crate::harness::repo().join(format!("target/conformance/traces/updates-{}.txt", s.name));
    let _ = std::fs::create_dir_all(trace_file.parent().expect("a folder"));
    let _ = std::fs::write(&trace_file, rec.lines.join("\n") + "\n");

    let k = u8::try_from(rec.failed.len()).map_err(|_| "too many failures to model")?;
    let input = RolloutInput {
        service: svc,
        cluster: &cluster_model,
        old_nodes,
        already_new: Vec::new(),
        other_usage: Vec::new(),
        volume_drivers: Vec::new(),
        previous_rollback: None,
        default_max_update_duration: None,
    };
    let model = RolloutModel::new(&input, k).map_err(|e| e.to_string())?;
    let last = rec.last_status.clone().unwrap_or_else(|| "none".into());
    if !s.ends.contains(&last.as_str()) {
        return Err(format!(
            "the update ended {last}, not {} as the case intends (trace: {})",
            s.ends.join(" or "),
            trace_file.display()
        ));
    }
    let observations = rec.steps.len();
    match validate(&model, &rec.steps, MAX_STATES) {
        TraceVerdict::Matched { states, .. } => Ok(format!(
            "{observations} observations over {seconds:.0} s ending {last}, K={k}: a model path ({states} states searched)"
        )),
        TraceVerdict::Unfinished { stuck: true, .. } if last == "updating" => Ok(format!(
            "{observations} observations, the update made no progress for {HANG_SECS} s; the model is stuck there too (progress, SP3005)"
        )),
        v => Err(format!("{} (trace: {})", explain(&v), trace_file.display())),
    }
}

fn explain(v: &TraceVerdict) -> String {
    match v {
        TraceVerdict::Unmatched {
            step,
            observed,
            reachable,
        } => {
            let alt: Vec<String> = reachable.iter().map(ToString::to_string).collect();
            format!(
                "no model path explains observation {step}: {observed}; the model reaches e.g. {}",
                alt.join(" | ")
            )
        }
        TraceVerdict::Unfinished { status, stuck } => format!(
            "the trace ends while {} (the model {} stuck there)",
            status.as_str(),
            if *stuck { "is" } else { "is not" }
        ),
        TraceVerdict::OutOfBudget { step, states } => {
            format!("no verdict: over {states} model states before observation {step}")
        }
        TraceVerdict::Matched { .. } => "matched".into(),
    }
}

/// Waits until the old version's tasks all run (one per slot) and returns the node index (into
/// the inventory's order) of each slot's task, slots in order.
fn settled_old_tasks(
    cluster: &Cluster,
    service: &str,
    replicas: Option<usize>,
    model: &swarmproof::model::Cluster,
) -> Result<Vec<usize>, String> {
    let hosts = engine::hostnames(cluster)?;
    let expected = replicas.unwrap_or(model.nodes.len());
    let mut running = Vec::new();
    wait_until(Duration::from_secs(60), || {
        running = engine::tasks(cluster, service)
            .unwrap_or_default()
            .into_iter()
            .filter(|t| t.desired == "running" && t.state == "running")
            .collect();
        running.len() == expected
    })
    .map_err(|_| format!("{expected} tasks of {service} were not running within 60 s"))?;
    running.sort_by(|a, b| {
        let key = |t: &engine::Task| (t.slot.parse::<u64>().unwrap_or(0), t.slot.clone());
        key(a).cmp(&key(b))
    });
    running
        .iter()
        .map(|t| {
            let host = hosts
                .iter()
                .find(|(id, _)| *id == t.node)
                .map(|(_, h)| h.as_str())
                .ok_or_else(|| format!("task on unknown node {}", t.node))?;
            model
                .nodes
                .iter()
                .position(|n| n.hostname == host)
                .ok_or_else(|| format!("{host} is not in the inventory"))
        })
        .collect()
}

/// An update with no change for this long is taken to hang.
const HANG_SECS: u64 = 6;

/// The observations of one service, each kept when it differs from the one before.
#[derive(Default)]
struct Recording {
    steps: Vec<TraceStep>,
    /// The raw polls as written to the trace file (`status slot:version:desired:state ...`).
    lines: Vec<String>,
    /// Tasks seen ended by themselves (the failures the model must inject).
    failed: HashSet<String>,
    last_status: Option<String>,
}

impl Recording {
    /// Polls every 250 ms until the update state is terminal, nothing changes for `hang`, or
    /// `limit` passes.
    fn record(
        &mut self,
        cluster: &Cluster,
        service: &str,
        limit: Duration,
        hang: Option<Duration>,
    ) -> Result<(), String> {
        let start = Instant::now();
        let mut since = Instant::now();
        let mut last_line = String::new();
        while start.elapsed() < limit {
            // Two requests: the pair is kept only if the status did not change while the tasks
            // were read, else it could join tasks from before a pause with the pause.
            let status = engine::update_state(cluster, service)?;
            let tasks = engine::tasks(cluster, service)?;
            if engine::update_state(cluster, service)? != status {
                continue;
            }
            let engine_tasks: Vec<EngineTask> = tasks
                .iter()
                .map(|t| EngineTask {
                    slot: t.slot.clone(),
                    version: t.version,
                    desired: t.desired.clone(),
                    state: t.state.clone(),
                })
                .collect();
            for t in &tasks {
                let ended = matches!(t.state.as_str(), "complete" | "failed" | "rejected");
                if ended && self.failed.insert(t.id.clone()) {
                    let v = t.version.as_str();
                    self.lines
                        .push(format!("# slot {} {v} task {}: {}", t.slot, t.state, t.err));
                }
            }
            let shown: Vec<String> = engine_tasks.iter().map(ToString::to_string).collect();
            let status_word = status.clone().unwrap_or_else(|| "-".into());
            let line = format!("{status_word} {}", shown.join(" "));
            if line != last_line {
                let o = Observation::of_engine(status.as_deref(), &engine_tasks)?;
                self.steps.push(TraceStep::Observed(o));
                self.lines.push(line.clone());
                last_line = line;
                since = Instant::now();
            }
            self.last_status = Some(status.clone().unwrap_or_else(|| "updating".into()));
            let terminal = matches!(
                status.as_deref(),
                Some("paused" | "completed" | "rollback_paused" | "rollback_completed")
            );
            if terminal || hang.is_some_and(|h| since.elapsed() >= h) {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(250));
        }
        Ok(())
    }
}
