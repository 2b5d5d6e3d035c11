//! Node failure, drain and zone outage after the stack has converged. Swarm replaces the
//! replicated tasks of a lost node through the restart supervisor, except under
//! `restart_policy.condition: none` (reference §3.6); global tasks there are shut down and not
//! placed elsewhere (§1.8). Replacements are scheduled by the same greedy scheduler, with the
//! surviving tasks counted, so the spread evens out including them (§1.5).

use serde::Serialize;

use super::choice::Chooser;
use super::{is_global, run, Assignment, SimError, SimOptions, Simulation, Start};
use crate::model::Task;
use crate::model::{Availability, Cluster, NodeState, RestartCondition, Stack};

/// What happens to the cluster.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "target", rename_all = "kebab-case")]
pub enum Disruption {
    /// The node goes down (hostname or ID).
    Fail(String),
    /// The node is drained.
    Drain(String),
    /// Every node whose failure-domain label (`cluster.domain_label`) has this value goes down.
    FailZone(String),
}

/// Where a task of a lost node went.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Move {
    pub task: Task,
    pub service: String,
    pub from: String,
    /// `None`: the replacement is Pending.
    pub to: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DisruptionOutcome {
    pub disruption: Disruption,
    pub affected_nodes: Vec<String>,
    /// Replicated tasks of the lost nodes and where their replacements went.
    pub moves: Vec<Move>,
    /// Global tasks of the lost nodes: shut down, not placed elsewhere.
    pub removed_global: Vec<Assignment>,
    /// The cluster after rescheduling (on the disrupted cluster).
    pub after: Simulation,
}

/// The cluster after the disruption, and the indices of the nodes it takes out.
pub fn disrupted_cluster(
    cluster: &Cluster,
    disruption: &Disruption,
) -> Result<(Cluster, Vec<usize>), SimError> {
    let mut after = cluster.clone();
    let find = |name: &str| {
        cluster
            .nodes
            .iter()
            .position(|n| n.hostname == name || n.id == name)
            .ok_or_else(|| SimError::UnknownNode(name.to_string()))
    };
    let affected = match disruption {
        Disruption::Fail(name) => {
            let i = find(name)?;
            after.nodes[i].state = NodeState::Down;
            vec![i]
        }
        Disruption::Drain(name) => {
            let i = find(name)?;
            after.nodes[i].availability = Availability::Drain;
            vec![i]
        }
        Disruption::FailZone(zone) => {
            let label = cluster.domain_label.clone();
            let nodes: Vec<usize> = (0..cluster.nodes.len())
                .filter(|&i| cluster.nodes[i].domain(&label) == Some(zone.as_str()))
                .collect();
            if nodes.is_empty() {
                return Err(SimError::EmptyZone {
                    label,
                    value: zone.clone(),
                });
            }
            for &i in &nodes {
                after.nodes[i].state = NodeState::Down;
            }
            nodes
        }
    };
    Ok((after, affected))
}

/// The rescheduling start state and the global tasks removed with the lost nodes.
pub(crate) fn simulate_disruption_start(
    stack: &Stack,
    cluster: &Cluster,
    before: &Simulation,
    disruption: &Disruption,
) -> Result<(Start, Vec<Assignment>), SimError> {
    let (_, affected) = disrupted_cluster(cluster, disruption)?;
    let ours = |a: &Assignment| {
        cluster
            .nodes
            .get(a.node)
            .is_some_and(|n| n.hostname == a.hostname)
            && stack
                .services
                .get(a.task.service)
                .is_some_and(|s| s.name == a.service)
    };
    let pending_ours = before.pending.iter().all(|p| {
        stack
            .services
            .get(p.task.service)
            .is_some_and(|s| s.name == p.service)
    });
    if !(before.assignments.iter().all(ours)
        && before.not_replaced.iter().all(ours)
        && pending_ours)
    {
        return Err(SimError::ForeignSimulation);
    }
    let node_index = |hostname: &str| cluster.nodes.iter().position(|n| n.hostname == hostname);
    let mut start = Start {
        existing: Vec::new(),
        queued: Vec::new(),
        preassigned: Default::default(),
        not_created: before.not_created.clone(),
        not_replaced: Vec::new(),
    };
    let mut removed = Vec::new();
    for a in &before.assignments {
        if !affected.contains(&a.node) {
            start.existing.push((a.task, a.node));
        } else if is_global(stack, a.task.service) {
            removed.push(a.clone());
        } else if stack.services[a.task.service]
            .restart_policy
            .condition
            .value
            == RestartCondition::None
        {
            start.not_replaced.push((a.task, a.node));
        } else {
            start.queued.push(a.task);
        }
    }
    for a in &before.not_replaced {
        start.not_replaced.push((a.task, a.node));
    }
    // Tasks Pending before stay Pending and are retried; a global task preassigned to a lost
    // node is shut down with it.
    for p in &before.pending {
        match p.node.as_deref().and_then(node_index) {
            Some(node) if affected.contains(&node) => {}
            Some(node) => {
                start.preassigned.insert(p.task, node);
                start.queued.push(p.task);
            }
            None => start.queued.push(p.task),
        }
    }
    Ok((start, removed))
}

/// Replays `disruption` on the converged `before` (a simulation of the same stack and cluster).
pub fn simulate_disruption(
    stack: &Stack,
    cluster: &Cluster,
    before: &Simulation,
    disruption: &Disruption,
    opts: &SimOptions,
) -> Result<DisruptionOutcome, SimError> {
    let (after_cluster, affected) = disrupted_cluster(cluster, disruption)?;
    let (start, removed_global) = simulate_disruption_start(stack, cluster, before, disruption)?;
    let lost: Vec<&Assignment> = before
        .assignments
        .iter()
        .filter(|a| affected.contains(&a.node) && !is_global(stack, a.task.service))
        .collect();
    let (after, _) = run(
        stack,
        &after_cluster,
        opts,
        Chooser::for_order(&opts.order),
        &start,
    )?;
    let moves = lost
        .into_iter()
        .filter(|a| !after.not_replaced.iter().any(|n| n.task == a.task))
        .map(|a| Move {
            task: a.task,
            service: a.service.clone(),
            from: a.hostname.clone(),
            to: after
                .assignments
                .iter()
                .find(|b| b.task == a.task)
                .map(|b| b.hostname.clone()),
        })
        .collect();
    Ok(DisruptionOutcome {
        disruption: disruption.clone(),
        affected_nodes: affected
            .iter()
            .map(|&i| cluster.nodes[i].hostname.clone())
            .collect(),
        moves,
        removed_global,
        after,
    })
}
