//! What the update model starts from: the service, the cluster, where each slot's task runs now
//! and what the other services use on each node (from the placement plan). Building the model
//! evaluates swarmkit's filters (`swarm::filters`) once per node, so the search itself only
//! compares counts.

use serde::Serialize;

use super::model::RolloutModel;
use crate::model::Plan;
use crate::model::{
    Cluster, Duration, FailureAction, RestartCondition, Service, Stack, UpdateConfig, UpdateOrder,
};
use crate::swarm::filters::{self, Filter, NodeUsage};
use crate::swarm::update_config;

/// The starting point of one service's update.
#[derive(Clone, Debug)]
pub struct RolloutInput<'a> {
    /// The spec being deployed. Old and new spec are assumed to differ only in what makes the
    /// tasks dirty (e.g. the image): same resources, ports and placement.
    pub service: &'a Service,
    pub cluster: &'a Cluster,
    /// Node index (into `cluster.nodes`) of each slot's current task, slot 1 first. For a
    /// global service, one entry per node it runs on.
    pub old_nodes: Vec<usize>,
    /// Per slot (same order), whether its task already runs the spec being deployed: an update
    /// resumed after a pause or interrupted by this one. Empty: none does.
    pub already_new: Vec<bool>,
    /// Per node (same order as `cluster.nodes`): what the other services use. Missing entries
    /// mean nothing.
    pub other_usage: Vec<NodeUsage>,
    /// Volume drivers of the service's mounts (`Stack::volume_drivers`), for the plugin filter.
    pub volume_drivers: Vec<String>,
    /// `rollback_config` of the spec a rollback returns to; `None`: the same as the service's.
    pub previous_rollback: Option<UpdateConfig>,
    /// The stack's default `max_update_duration` (top-level `x-swarmproof`), used when the
    /// service sets none.
    pub default_max_update_duration: Option<Duration>,
}

/// Why a service's update is not model-checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
pub enum NotModelled {
    #[error("jobs have no rolling update (\"Jobs may not have an update config\")")]
    Job,
    #[error("the service has placement constraints that do not parse")]
    ConstraintErrors,
    #[error("the update model supports at most 255 nodes, the cluster has {0}")]
    TooManyNodes(usize),
    #[error("the update model supports at most 65535 slots, the service has {0}")]
    TooManySlots(usize),
    #[error("slot {slot} is placed on node index {node}, which does not exist")]
    NoSuchNode { slot: usize, node: usize },
}

/// What the filters say about a node, decomposed by what the update changes: the number of this
/// service's tasks holding the node (resources, host ports) and the number counted for
/// max_replicas_per_node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct NodeFit {
    /// ReadyFilter passes.
    pub ready: bool,
    /// One more task fits the resources while fewer than this many of the service's tasks hold
    /// the node.
    pub resource_cap: u32,
    /// First failing filter among the usage-independent ones after ResourceFilter (plugin,
    /// constraint, platform).
    pub static_failure: Option<Filter>,
    /// The other services leave the service's host ports free.
    pub ports_free: bool,
    /// Tasks of other services (node ranking's tie-breaker).
    pub other_tasks: u64,
}

/// The update or rollback config as the updater uses it (reference §3.1, §3.3).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct RunConfig {
    /// The updater's workers (`usize::MAX` for parallelism 0: every dirty slot at once).
    pub workers: usize,
    pub stop_first: bool,
    pub delay: Duration,
    /// Effective monitor: 0 becomes 5 s.
    pub monitor: Duration,
    pub failure_action: FailureAction,
    pub max_failure_ratio: f32,
}

impl RunConfig {
    pub(crate) fn from_config(c: &UpdateConfig) -> RunConfig {
        RunConfig {
            workers: update_config::parallelism(c)
                .map_or(usize::MAX, |p| usize::try_from(p).unwrap_or(usize::MAX)),
            stop_first: *c.order == UpdateOrder::StopFirst,
            delay: *c.delay,
            monitor: update_config::monitor(c),
            failure_action: *c.failure_action,
            max_failure_ratio: *c.max_failure_ratio,
        }
    }

    /// The worker's next phase once its replacement is ≥ RUNNING.
    pub(crate) fn after_worker_unblocks(&self) -> super::state::Phase {
        if self.delay.nanos > 0 {
            super::state::Phase::Delay
        } else {
            super::state::Phase::Done
        }
    }
}

/// `TaskTimeout`: stop-first starts the new task after this even if the old one still runs.
const OLD_TASK_TIMEOUT: Duration = Duration::from_secs(60);

/// The healthcheck's time to declare a running task unhealthy: interval × retries, with
/// Docker's defaults for zero values. `None` without an active healthcheck.
pub(crate) fn health_latency(service: &Service) -> Option<Duration> {
    let h = service.healthcheck.as_ref()?;
    let disabled = h.disabled || h.test.first().is_some_and(|t| t == "NONE");
    if disabled {
        return None;
    }
    let interval = if h.interval.nanos > 0 {
        *h.interval
    } else {
        crate::model::service::DEFAULT_HEALTH_INTERVAL
    };
    let retries = if *h.retries > 0 {
        *h.retries
    } else {
        crate::model::service::DEFAULT_HEALTH_RETRIES
    };
    Some(interval.saturating_mul(i64::try_from(retries).unwrap_or(i64::MAX)))
}

/// The availability the user would assume without saying: stop-first takes at most
/// `parallelism` tasks down at once, start-first none (reference §3.3).
pub(crate) fn default_min_available(replicas: u64, update: &UpdateConfig) -> u64 {
    if *update.order == UpdateOrder::StartFirst {
        return replicas;
    }
    replicas - update_config::at_once(update, replicas)
}

impl RolloutInput<'_> {
    pub(crate) fn model(&self, max_failures: u8) -> Result<RolloutModel, NotModelled> {
        let s = self.service;
        if s.mode.is_job() {
            return Err(NotModelled::Job);
        }
        if s.placement.constraint_errors {
            return Err(NotModelled::ConstraintErrors);
        }
        let nodes = &self.cluster.nodes;
        if nodes.len() > usize::from(u8::MAX) {
            return Err(NotModelled::TooManyNodes(nodes.len()));
        }
        if self.old_nodes.len() > usize::from(u16::MAX) {
            return Err(NotModelled::TooManySlots(self.old_nodes.len()));
        }
        let mut home = Vec::with_capacity(self.old_nodes.len());
        for (slot, &node) in self.old_nodes.iter().enumerate() {
            match u8::try_from(node) {
                Ok(n) if node < nodes.len() => home.push(n),
                _ => {
                    return Err(NotModelled::NoSuchNode {
                        slot: slot + 1,
                        node,
                    })
                }
            }
        }
        let empty = NodeUsage::default();
        // More tasks of the service than this never hold one node at once.
        let cap_limit =
            u32::try_from(home.len().saturating_mul(3).saturating_add(2)).unwrap_or(u32::MAX);
        let fit: Vec<NodeFit> = nodes
            .iter()
            .enumerate()
            .map(|(i, node)| {
                let other = self.other_usage.get(i).unwrap_or(&empty);
                let mut usage = other.clone();
                let mut resource_cap = 0;
                while resource_cap < cap_limit && filters::resources_fit(s, node, &usage) {
                    usage.add(s);
                    resource_cap += 1;
                }
                NodeFit {
                    ready: filters::ready(node),
                    resource_cap,
                    static_failure: filters::static_failure(s, &self.volume_drivers, node),
                    ports_free: filters::host_ports_free(s, other),
                    other_tasks: other.total_tasks(),
                }
            })
            .collect();
        let node_class = fit
            .iter()
            .map(|f| fit.iter().position(|g| g == f).map_or(0, |c| c as u8))
            .collect();
        let replicas = home.len() as u64;
        let rollback_cfg = self
            .previous_rollback
            .as_ref()
            .unwrap_or(&s.rollback_config);
        let update = RunConfig::from_config(&s.update_config);
        let rollback = RunConfig::from_config(rollback_cfg);
        let latency = health_latency(s);
        let escapes = |c: &RunConfig| latency.is_some_and(|l| l > c.monitor);
        Ok(RolloutModel {
            service: s.name.clone(),
            node_names: nodes.iter().map(|n| n.hostname.clone()).collect(),
            home,
            home_new: self.already_new.clone(),
            global: s.mode.is_global(),
            fit,
            node_class,
            has_host_ports: s.host_ports().next().is_some(),
            max_per_node: *s.placement.max_replicas_per_node,
            health_escapes: [escapes(&update), escapes(&rollback)],
            update,
            rollback,
            restarts: *s.restart_policy.condition != RestartCondition::None,
            stop_timeout_fires: *s.stop_grace_period > OLD_TASK_TIMEOUT,
            max_failures,
            min_available: s.requirements.min_available.as_ref().map_or_else(
                || default_min_available(replicas, &s.update_config),
                |m| **m,
            ),
            rollback_written: rollback_cfg.span.is_some(),
            reduce: false,
        })
    }
}

/// One input per service of a valid placement plan: slots in replica order, and per node the
/// other services' tasks summed with `NodeUsage::add`. Jobs are left out.
pub fn inputs_from_plan<'a>(
    stack: &'a Stack,
    cluster: &'a Cluster,
    plan: &Plan,
) -> Vec<RolloutInput<'a>> {
    stack
        .services
        .iter()
        .enumerate()
        .filter(|(_, s)| !s.mode.is_job())
        .map(|(i, s)| {
            let mut other_usage = vec![NodeUsage::default(); cluster.nodes.len()];
            let mut slots = Vec::new();
            for &(task, node) in &plan.assignments {
                if task.service == i {
                    slots.push((task.replica, node));
                } else if let (Some(o), Some(u)) =
                    (stack.services.get(task.service), other_usage.get_mut(node))
                {
                    u.add(o);
                }
            }
            slots.sort_unstable();
            RolloutInput {
                service: s,
                cluster,
                old_nodes: slots.iter().map(|&(_, n)| n).collect(),
                already_new: Vec::new(),
                other_usage,
                volume_drivers: stack.volume_drivers(s),
                previous_rollback: None,
                default_max_update_duration: stack
                    .requirements
                    .max_update_duration
                    .as_ref()
                    .map(|d| **d),
            }
        })
        .collect()
}
