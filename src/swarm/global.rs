//! The nodes a global service runs a task on: the global orchestrator's node set (reference
//! §1.8 and §5, swarmkit `manager/orchestrator/global/global.go`: `updateNode`,
//! `reconcileServices`).

use crate::model::{Availability, Cluster, Mode, NodeState, Stack};

use super::filters::constraints_hold;

/// Indices of the nodes global service `service` runs a task on: not down, not drained, not
/// paused (a paused node gets no new task), matching the constraints; a global job's node must
/// also be READY and ACTIVE.
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
            orchestrated && constraints_hold(s, n)
        })
        .map(|(i, _)| i)
        .collect()
}
