//! A faithful, deterministic simulation of Docker Swarm's own scheduler (swarmkit
//! `manager/scheduler`, reference §1.1–1.9). An exact solver says whether a placement exists;
//! Swarm does not use one. It filters nodes, spreads tasks by task count (not resources), splits
//! replicas over preference label values and never revisits a decision, so a feasible stack can
//! still end with tasks Pending. This module predicts what Swarm does (`simulate`), searches the
//! orders Swarm leaves to Go map iteration for one that leaves tasks Pending (`explore`), replays
//! node failures and drains (`simulate_disruption`) and compares with an exact plan (`compare`).
//! `specs/scheduler.md` maps every step to the swarmkit function it mirrors.

mod check;
mod choice;
pub mod codes;
mod compare;
mod diagnose;
mod disrupt;
mod engine;
mod explore;
mod memo;
mod outcome;
mod pipeline;
mod predict;
mod render;
mod run;
mod symmetry;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::{Cluster, Mode, Stack};
use crate::placement::plan::global_targets;
use crate::placement::{Plan, Task};

pub use check::{check, SchedulerCheck};
pub use choice::Order;
pub use compare::{compare, Comparison, ComparisonVerdict, NodeRow, PendingFinding, Remedy};
pub use diagnose::{disruption_diagnostics, exploration_diagnostics};
pub use disrupt::{disrupted_cluster, simulate_disruption, Disruption, DisruptionOutcome, Move};
pub use explore::{explore, explore_disruption, Exploration, ExploreOptions, Witness};
pub use outcome::{membership, Membership, Outcome};
pub use predict::{predict, Predicted, Prediction};
pub use render::{render_comparison, render_disruption, render_exploration, render_simulation};

use choice::Chooser;
pub(crate) use disrupt::simulate_disruption_start;
pub(crate) use run::{run, RunEnd};

/// More tasks than this in one stack are refused rather than simulated.
pub const MAX_TASKS: u64 = 1_000_000;

/// Which scheduler to simulate. Only `Spread` is Swarm's; the others are what-ifs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Strategy {
    /// swarmkit's scheduler, simulated faithfully.
    #[default]
    Spread,
    /// What-if, not Swarm: best fit (least memory, then CPU, left), services largest first.
    BinPack,
    /// What-if, not Swarm: a seeded uniform pick among the nodes that pass the filters.
    Random,
}

impl Strategy {
    pub fn as_str(self) -> &'static str {
        match self {
            Strategy::Spread => "spread",
            Strategy::BinPack => "binpack",
            Strategy::Random => "random",
        }
    }

    pub fn parse(s: &str) -> Option<Strategy> {
        match s {
            "spread" => Some(Strategy::Spread),
            "binpack" => Some(Strategy::BinPack),
            "random" => Some(Strategy::Random),
            _ => None,
        }
    }

    /// Whether the strategy is what Swarm actually does.
    pub fn is_swarm(self) -> bool {
        self == Strategy::Spread
    }
}

/// A placed task.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Assignment {
    pub task: Task,
    pub service: String,
    pub node: usize,
    pub hostname: String,
}

/// A task left Pending, with the status message Swarm writes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PendingTask {
    pub task: Task,
    pub service: String,
    /// `no suitable node (…)` for replicated tasks; the bare explanation for a preassigned
    /// global task (reference §1.7).
    pub message: String,
    /// The message of the first scheduling attempt, which `docker service ps` shows until the
    /// next tick rewrites it. It differs from `message` when a node passed during that attempt:
    /// a passing node resets the failure counters (reference §1.6).
    pub first_message: String,
    /// The node a global task is preassigned to.
    pub node: Option<String>,
}

/// A service whose tasks are never created.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NotCreated {
    pub service: String,
    pub reason: String,
}

/// The outcome of one run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Simulation {
    pub strategy: Strategy,
    /// How to reproduce this run.
    pub order: Order,
    /// The order in which service groups were scheduled.
    pub service_order: Vec<String>,
    pub assignments: Vec<Assignment>,
    pub pending: Vec<PendingTask>,
    pub not_created: Vec<NotCreated>,
    /// Tasks of a lost node that Swarm does not replace (`restart_policy.condition: none`).
    pub not_replaced: Vec<Assignment>,
}

impl Simulation {
    /// The placement as a plan for the validator.
    pub fn plan(&self) -> Plan {
        Plan {
            assignments: self.assignments.iter().map(|a| (a.task, a.node)).collect(),
        }
    }

    /// Every task that should run is placed.
    pub fn is_complete(&self) -> bool {
        self.pending.is_empty() && self.not_created.is_empty() && self.not_replaced.is_empty()
    }

    /// Pending tasks per service, in service name order.
    pub fn pending_by_service(&self) -> BTreeMap<&str, usize> {
        let mut m = BTreeMap::new();
        for p in &self.pending {
            *m.entry(p.service.as_str()).or_default() += 1;
        }
        m
    }

    /// Nodes that run at least one task.
    pub fn nodes_used(&self) -> usize {
        let mut nodes: Vec<usize> = self.assignments.iter().map(|a| a.node).collect();
        nodes.sort_unstable();
        nodes.dedup();
        nodes.len()
    }
}

/// Options of one run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimOptions {
    pub strategy: Strategy,
    pub order: Order,
    /// Schedule service groups in this order (indices into `stack.services`) instead of an
    /// order drawn from `order`; e.g. to check a deployment-order remedy.
    pub service_order: Option<Vec<usize>>,
}

impl Default for SimOptions {
    fn default() -> Self {
        SimOptions {
            strategy: Strategy::Spread,
            order: Order::Seed(0),
            service_order: None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SimError {
    #[error("the stack has {tasks} tasks, more than the {MAX_TASKS} the simulation accepts")]
    TooManyTasks { tasks: u64 },
    #[error("service order must list every service index exactly once")]
    BadServiceOrder,
    #[error("no node named {0}")]
    UnknownNode(String),
    #[error("no node has {label}={value}")]
    EmptyZone { label: String, value: String },
    #[error("the converged simulation does not belong to this stack and cluster")]
    ForeignSimulation,
}

/// Simulates `docker stack deploy` of `stack` on `cluster` with an empty cluster state.
pub fn simulate(
    stack: &Stack,
    cluster: &Cluster,
    opts: &SimOptions,
) -> Result<Simulation, SimError> {
    let start = Start::deploy(stack, cluster)?;
    run(
        stack,
        cluster,
        opts,
        Chooser::for_order(&opts.order),
        &start,
    )
    .map(|(sim, _)| sim)
}

/// The state a run starts from: tasks already running and tasks to schedule.
pub(crate) struct Start {
    pub(crate) existing: Vec<(Task, usize)>,
    pub(crate) queued: Vec<Task>,
    pub(crate) preassigned: BTreeMap<Task, usize>,
    pub(crate) not_created: Vec<NotCreated>,
    pub(crate) not_replaced: Vec<(Task, usize)>,
}

impl Start {
    /// A fresh deploy: every replicated task unassigned, one preassigned task per global target.
    pub(crate) fn deploy(stack: &Stack, cluster: &Cluster) -> Result<Start, SimError> {
        let mut start = Start {
            existing: Vec::new(),
            queued: Vec::new(),
            preassigned: BTreeMap::new(),
            not_created: Vec::new(),
            not_replaced: Vec::new(),
        };
        let mut count: u64 = 0;
        for (si, s) in stack.services.iter().enumerate() {
            if s.placement.constraint_errors {
                start.not_created.push(NotCreated {
                    service: s.name.clone(),
                    reason: "a placement constraint does not parse; Swarm rejects the service"
                        .to_string(),
                });
                continue;
            }
            match s.mode.value.replicated_tasks() {
                Some(n) => {
                    count = count.saturating_add(n);
                    if count > MAX_TASKS {
                        return Err(SimError::TooManyTasks { tasks: count });
                    }
                    start.queued.extend((1..=n).map(|replica| Task {
                        service: si,
                        replica,
                    }));
                }
                None => {
                    for (i, node) in global_targets(stack, cluster, si).into_iter().enumerate() {
                        let task = Task {
                            service: si,
                            replica: i as u64 + 1,
                        };
                        start.preassigned.insert(task, node);
                        start.queued.push(task);
                    }
                    count = count.saturating_add(cluster.nodes.len() as u64);
                    if count > MAX_TASKS {
                        return Err(SimError::TooManyTasks { tasks: count });
                    }
                }
            }
        }
        Ok(start)
    }
}

/// Whether a service runs one task per node.
pub(crate) fn is_global(stack: &Stack, s: usize) -> bool {
    matches!(stack.services[s].mode.value, Mode::Global | Mode::GlobalJob)
}
