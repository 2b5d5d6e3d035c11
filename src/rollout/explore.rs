//! How a person reads the update model in stateright's Explorer (`swarmproof explore update`):
//! each state as the nodes of the inventory by hostname with the tasks they hold, the
//! updater's progress and its failure count, and a legend of the words used.

use std::fmt::Write as _;

use super::input::RunConfig;
use super::model::RolloutModel;
use super::state::{Phase, RolloutState, Task, TaskState};
use crate::modelcheck::explorer::Explain;

fn task_state(s: TaskState) -> &'static str {
    match s {
        TaskState::None => "none",
        TaskState::Pending => "pending",
        TaskState::Assigned => "assigned",
        TaskState::Running => "running",
        TaskState::Stopping => "stopping",
        TaskState::Failed => "failed",
        TaskState::Dead => "dead",
    }
}

fn phase(p: Phase) -> &'static str {
    match p {
        Phase::Todo => "to do",
        Phase::InFlight => "in flight",
        Phase::Delay => "delay",
        Phase::Done => "done",
    }
}

fn run_config(c: &RunConfig) -> String {
    // `workers` is `usize::MAX` for parallelism 0 (swarm::update_config::parallelism).
    let parallelism = if c.workers == usize::MAX {
        "all".to_string()
    } else {
        c.workers.to_string()
    };
    let on_failure = format!("{:?}", c.failure_action).to_lowercase();
    format!(
        "parallelism {parallelism}, order {}, delay {}, monitor {}, failure_action {on_failure}, \
         max_failure_ratio {}",
        if c.stop_first {
            "stop-first"
        } else {
            "start-first"
        },
        c.delay,
        c.monitor,
        c.max_failure_ratio
    )
}

impl RolloutModel {
    fn task_label(&self, slot: usize, t: Task) -> String {
        format!(
            "{}.{} {} {}{}",
            self.service,
            slot + 1,
            t.version.as_str(),
            task_state(t.state),
            if t.restarted { " (restarted)" } else { "" }
        )
    }
}

impl Explain for RolloutModel {
    fn describe(&self, s: &RolloutState) -> String {
        let mut out = format!("update of {}: {}\n", self.service, s.status().as_str());
        let _ = writeln!(
            out,
            "failures: {} injected (K = {}), {} counted by Swarm, {} expected to count; {} \
             updated in this run",
            s.injected(),
            self.max_failures,
            s.counted(),
            s.expected(),
            crate::text::count(s.dirty(), "task")
        );
        // Tasks per node, in inventory order; pending ones have no node yet.
        let mut per_node: Vec<Vec<String>> = vec![Vec::new(); self.node_names.len()];
        let mut pending = Vec::new();
        for i in 0..s.slot_count() {
            let sl = s.slot(i);
            for (t, node) in [(sl.cur, sl.cur_node), (sl.rep, sl.rep_node)] {
                match t.state {
                    TaskState::None => {}
                    TaskState::Pending => pending.push(self.task_label(i, t)),
                    _ => match per_node.get_mut(usize::from(node)) {
                        Some(tasks) => tasks.push(self.task_label(i, t)),
                        None => pending.push(self.task_label(i, t)),
                    },
                }
            }
        }
        let width = self.node_names.iter().map(|n| n.len()).max().unwrap_or(0);
        for (n, (name, tasks)) in self.node_names.iter().zip(&per_node).enumerate() {
            let mut line = if tasks.is_empty() {
                "-".to_string()
            } else {
                tasks.join(", ")
            };
            let draining = s.draining(n);
            if draining > 0 {
                let _ = write!(line, "; {draining} stopped task(s) still exiting");
            }
            let _ = writeln!(out, "node {name:<width$}  {line}");
        }
        if !pending.is_empty() {
            let _ = writeln!(out, "pending (no node yet): {}", pending.join(", "));
        }
        let progress: Vec<String> = (0..s.slot_count())
            .map(|i| format!("{}.{} {}", self.service, i + 1, phase(s.slot(i).phase)))
            .collect();
        let running = (0..s.slot_count())
            .filter(|&i| {
                let sl = s.slot(i);
                sl.cur.state == TaskState::Running || sl.rep.state == TaskState::Running
            })
            .count();
        let _ = writeln!(
            out,
            "running: {running} of {} (availability floor {})",
            s.slot_count(),
            self.min_available
        );
        let _ = write!(out, "updater: {}", progress.join(", "));
        out
    }

    fn legend(&self) -> Vec<(String, String)> {
        vec![
            (
                format!("{}.N", self.service),
                format!(
                    "task slot N of service {} ({}{})",
                    self.service,
                    crate::text::count(self.slots(), "slot"),
                    if self.global { ", global" } else { "" }
                ),
            ),
            (
                "nodes".into(),
                format!(
                    "{} (hostnames of the inventory)",
                    self.node_names.join(", ")
                ),
            ),
            (
                "old / new".into(),
                "the task runs the spec before the update / the spec being deployed".into(),
            ),
            (
                "task states".into(),
                "pending: waits for the scheduler; assigned: on its node, ASSIGNED to STARTING \
                 (holds resources, serves nothing); running: RUNNING; stopping: told to shut \
                 down, still holds its node; failed: awaits the restart supervisor; dead: \
                 failed and never replaced"
                    .into(),
            ),
            (
                "updater".into(),
                "per slot: to do; in flight (a worker waits for the replacement to run); \
                 delay (the worker sleeps update delay); done"
                    .into(),
            ),
            (
                "failures".into(),
                format!(
                    "injected: failures the checker lets the environment cause, at most K = {}; \
                     counted: what Swarm compares with max_failure_ratio; expected: what a \
                     person would expect it to count",
                    self.max_failures
                ),
            ),
            ("update_config".into(), run_config(&self.update)),
            ("rollback_config".into(), run_config(&self.rollback)),
            (
                "links".into(),
                "a property's link opens its counterexample; Path of Actions steps back".into(),
            ),
        ]
    }
}
