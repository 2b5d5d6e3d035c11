//! Merging explored orders that reach the same scheduler state. Between two service groups the
//! rest of a run depends only on the state the scheduler is in: which services are still to
//! schedule, the per-node accounting, which tasks are Pending and in which order their services
//! come up for retry. Two orders reaching the same state (up to renaming interchangeable nodes)
//! have the same continuations, so the exploration follows only the first; this is what makes
//! it exhaustive on stacks where the number of orders is factorial but the number of states is
//! small. `specs/scheduler.md` states why the key is sound.

use std::collections::HashSet;

use crate::model::Protocol;
use crate::placement::filters::NodeUsage;

/// The state at a group boundary. Nodes are listed sorted, which forgets their names: nodes
/// with equal static class are interchangeable for every service of the stack (`Relevance`),
/// so states that differ by renaming them have renamed continuations with the same outcome.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct BoundaryKey {
    /// Services not yet scheduled, by index.
    pub(crate) remaining: Vec<usize>,
    /// Scheduled services with Pending tasks, in scheduling order (the retry order), with how
    /// many of their Pending tasks are replicated.
    pub(crate) retry: Vec<(usize, usize)>,
    pub(crate) nodes: Vec<NodeKey>,
}

/// One node: its static class, its accounting, its task count, and the services of the global
/// tasks preassigned to it and not yet placed.
pub(crate) type NodeKey = (usize, UsageFingerprint, u64, Vec<usize>);

/// A node's accounting in comparable form: reservations, generic resources, host ports, tasks
/// per service.
pub(crate) type UsageFingerprint = (
    u64,
    u64,
    Vec<(String, u64)>,
    Vec<(Protocol, u32)>,
    Vec<(String, u64)>,
);

pub(crate) fn fingerprint(u: &NodeUsage) -> UsageFingerprint {
    (
        u.nano_cpus,
        u.memory_bytes,
        u.generic.iter().map(|(k, v)| (k.clone(), *v)).collect(),
        u.host_ports.iter().copied().collect(),
        u.tasks.iter().map(|(k, v)| (k.clone(), *v)).collect(),
    )
}

/// The states the exploration has entered. Bounded by the run budget: each run inserts at most
/// one key per service group.
#[derive(Default)]
pub(crate) struct Memo {
    seen: HashSet<BoundaryKey>,
}

impl Memo {
    /// Records `key`; false when it was already explored.
    pub(crate) fn enter(&mut self, key: BoundaryKey) -> bool {
        self.seen.insert(key)
    }
}
