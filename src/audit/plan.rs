//! The independent validator of placement plans. Every plan any path produces (constructive,
//! local search, SMT, the scheduler simulation) is re-checked here before it is reported. It
//! shares no code with the solvers: it reads the model and applies the rules of
//! `super::rules`, swarmkit's rules stated again in their plainest form.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{Cluster, Plan, Stack, Task};

use super::rules::{capacity, excluded, global_runs_on, replicas, reserved, Excluded, Resource};

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
        if let Some(why) = excluded(stack, s, n) {
            return Err(err(match why {
                Excluded::NotReadyAndActive => "is not ready and active",
                Excluded::Constraints => "does not satisfy the placement constraints",
                Excluded::Platform => "has an unsupported platform",
                Excluded::Plugin => "lacks a required plugin",
            }));
        }
        per_service
            .entry(task.service)
            .or_default()
            .push((task.replica, node));
    }

    for (i, s) in stack.services.iter().enumerate() {
        let placed = per_service.get(&i).map(Vec::as_slice).unwrap_or(&[]);
        match replicas(s) {
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
                let targets: Vec<usize> = (0..cluster.nodes.len())
                    .filter(|&n| global_runs_on(s, &cluster.nodes[n]))
                    .collect();
                if nodes != targets {
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
        let mut want: BTreeMap<Resource, u128> = [Resource::Cpu, Resource::Memory]
            .into_iter()
            .map(|r| (r, 0))
            .collect();
        let mut ports = BTreeSet::new();
        let mut count: BTreeMap<usize, u64> = BTreeMap::new();
        for t in &on_node {
            let s = &stack.services[t.service];
            let kinds = s.resources.reservations.generic.iter();
            for r in kinds.map(|g| Resource::Generic(g.kind.clone())) {
                want.entry(r).or_default();
            }
            for (r, sum) in &mut want {
                *sum += u128::from(reserved(s, r));
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
        for (r, want) in want {
            let have = capacity(n, &r);
            if want > u128::from(have) {
                let unit = match &r {
                    Resource::Cpu => "nano-CPUs".to_string(),
                    Resource::Memory => "bytes".to_string(),
                    Resource::Generic(kind) => kind.clone(),
                };
                return Err(cap(format!("{want} {unit} reserved of {have}")));
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
