//! A placement plan: which node runs each task. Plain data, produced by the placement solvers
//! and the scheduler simulation, read by the update model and the theorem, and checked by the
//! independent validator (`audit::plan`).

use serde::Serialize;

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
