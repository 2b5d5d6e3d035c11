//! A placement plan and its independent validator. Every plan any path produces (constructive,
//! SMT, the scheduler simulation) is re-checked here before it is reported. The validator
//! deliberately shares no code with the solvers beyond the model's constraint matching: it
//! recomputes every rule from the model in the plainest way.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::model::{Availability, Cluster, Mode, NodeState, Stack};

/// One task: replica `replica` (1-based) of service `service` (an index into `stack.services`).
/// Global services have one task per target node, numbered in node order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Task {
    pub service: usize,
    pub replica: u64,
}

/// Each task with the index of its node in `cluster.nodes`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Plan {
    pub assignments: Vec<(Task, usize)>,
}

/// Why a plan is not valid.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("task {service}.{replica} is placed on node index {node}, which does not exist")]
    NoSuchNode {
        service: String,
        replica: u64,
        node: usize,
    },
    #[error("task {service}.{replica} is placed more than once")]
    Duplicate { service: String, replica: u64 },
    #[error("service {service} has {placed} tasks placed, expected {expected}")]
    WrongCount {
        service: String,
        placed: u64,
        expected: u64,
    },
    #[error("global service {service} is not placed on exactly its target nodes")]
    GlobalTargets { service: String },
    #[error("task {service}.{replica} is on {node}, which {reason}")]
    Rule {
        service: String,
        replica: u64,
        node: String,
        reason: String,
    },
    #[error("node {node} is over capacity: {reason}")]
    Capacity { node: String, reason: String },
}

/// Nodes a global service runs a task on (the global orchestrator's node set, reference §1.8 and
/// §5): not down, not drained, not paused (a paused node gets no new task), matching the
/// constraints; a global job additionally needs the node READY and ACTIVE.
pub fn global_targets(stack: &Stack, cluster: &Cluster, service: usize) -> Vec<usize> {
    let s = &stack.services[service];
    cluster
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| {
            let orchestrated = match s.mode.value {
                Mode::GlobalJob => n.accepts_tasks(),
                _ => n.state != NodeState::Down && n.availability == Availability::Active,
            };
            orchestrated && s.constraints().all(|c| c.matches(n))
        })
        .map(|(i, _)| i)
        .collect()
}

/// Checks every rule the scheduler enforces, over the whole plan.
pub fn validate(stack: &Stack, cluster: &Cluster, plan: &Plan) -> Result<(), PlanError> {
    let mut seen = BTreeSet::new();
    let mut per_service: BTreeMap<usize, Vec<(u64, usize)>> = BTreeMap::new();
    for &(task, node) in &plan.assignments {
        let s = &stack.services[task.service];
        let err = |reason: &str| PlanError::Rule {
            service: s.name.clone(),
            replica: task.replica,
            node: cluster
                .nodes
                .get(node)
                .map_or(String::new(), |n| n.hostname.clone()),
            reason: reason.to_string(),
        };
        let Some(n) = cluster.nodes.get(node) else {
            return Err(PlanError::NoSuchNode {
                service: s.name.clone(),
                replica: task.replica,
                node,
            });
        };
        if !seen.insert(task) {
            return Err(PlanError::Duplicate {
                service: s.name.clone(),
                replica: task.replica,
            });
        }
        if !(n.state == NodeState::Ready && n.availability == Availability::Active) {
            return Err(err("is not ready and active"));
        }
        if !s.constraints().all(|c| c.matches(n)) || s.placement.constraint_errors {
            return Err(err("does not satisfy the placement constraints"));
        }
        if !crate::placement::filters::platform_supported(s, n) {
            return Err(err("has an unsupported platform"));
        }
        if !crate::placement::filters::plugins_present(s, &stack.volume_drivers(s), n) {
            return Err(err("lacks a required plugin"));
        }
        per_service
            .entry(task.service)
            .or_default()
            .push((task.replica, node));
    }

    for (i, s) in stack.services.iter().enumerate() {
        let placed = per_service.get(&i).map(Vec::as_slice).unwrap_or(&[]);
        match s.mode.value.replicated_tasks() {
            Some(expected) => {
                let ids: BTreeSet<u64> = placed.iter().map(|&(r, _)| r).collect();
                if placed.len() as u64 != expected || ids != (1..=expected).collect() {
                    return Err(PlanError::WrongCount {
                        service: s.name.clone(),
                        placed: placed.len() as u64,
                        expected,
                    });
                }
            }
            None => {
                let mut nodes: Vec<usize> = placed.iter().map(|&(_, n)| n).collect();
                nodes.sort_unstable();
                if nodes != global_targets(stack, cluster, i) {
                    return Err(PlanError::GlobalTargets {
                        service: s.name.clone(),
                    });
                }
            }
        }
    }

    // Capacity, host ports and per-node replica limits, summed per node.
    for (ni, n) in cluster.nodes.iter().enumerate() {
        let on_node: Vec<Task> = plan
            .assignments
            .iter()
            .filter(|&&(_, node)| node == ni)
            .map(|&(t, _)| t)
            .collect();
        let cap = |reason: String| PlanError::Capacity {
            node: n.hostname.clone(),
            reason,
        };
        let (mut cpu, mut mem) = (0u128, 0u128);
        let mut generic: BTreeMap<&str, u128> = BTreeMap::new();
        let mut ports = BTreeSet::new();
        let mut count: BTreeMap<usize, u64> = BTreeMap::new();
        for t in &on_node {
            let s = &stack.services[t.service];
            let r = &s.resources.reservations;
            cpu += u128::from(*r.nano_cpus);
            mem += u128::from(*r.memory_bytes);
            for g in &r.generic {
                *generic.entry(g.kind.as_str()).or_default() += u128::from(g.value);
            }
            for p in s.host_ports() {
                if !ports.insert(p) {
                    return Err(cap(format!(
                        "host port {}/{} bound twice",
                        p.1,
                        p.0.as_str()
                    )));
                }
            }
            *count.entry(t.service).or_default() += 1;
        }
        if cpu > u128::from(n.nano_cpus) {
            return Err(cap(format!("{cpu} nano-CPUs reserved of {}", n.nano_cpus)));
        }
        if mem > u128::from(n.memory_bytes) {
            return Err(cap(format!("{mem} bytes reserved of {}", n.memory_bytes)));
        }
        for (kind, want) in generic {
            let have = n.generic.get(kind).map_or(0, |g| g.amount());
            if want > u128::from(have) {
                return Err(cap(format!("{want} {kind} reserved of {have}")));
            }
        }
        for (si, c) in count {
            let max = *stack.services[si].placement.max_replicas_per_node;
            if max != 0 && c > max {
                return Err(cap(format!(
                    "{c} tasks of {} exceed max_replicas_per_node {max}",
                    stack.services[si].name
                )));
            }
        }
    }
    Ok(())
}
