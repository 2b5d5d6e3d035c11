//! Merging explored orders that reach the same scheduler state. Between two service groups the
//! rest of a run depends only on the state the scheduler is in: which services are still to
//! schedule, the per-node accounting, which tasks are Pending and in which order their services
//! come up for retry. Two orders reaching the same state (up to renaming interchangeable nodes
//! and identical services) have the same continuations, so the exploration follows only the
//! first; this is what makes it exhaustive on stacks where the number of orders is factorial but
//! the number of states is small. `specs/scheduler.md` §6 states why the key is sound.

use std::collections::HashSet;

use super::engine::Engine;
use crate::model::Protocol;

/// The state at a group boundary, with services and nodes renamed canonically (see
/// `Engine::boundary_key`): services by their canonical number, nodes listed sorted.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct BoundaryKey {
    /// Services not yet scheduled.
    pub(crate) remaining: Vec<usize>,
    /// Scheduled services with Pending tasks, in scheduling order (the retry order), with how
    /// many of their Pending tasks are replicated.
    pub(crate) retry: Vec<(usize, usize)>,
    pub(crate) nodes: Vec<NodeKey>,
}

/// One node: its static class, its accounting (tasks per canonical service), its task count,
/// and the canonical services of the global tasks preassigned to it and not yet placed.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct NodeKey {
    pub(crate) class: usize,
    pub(crate) nano_cpus: u64,
    pub(crate) memory_bytes: u64,
    pub(crate) generic: Vec<(String, u64)>,
    pub(crate) host_ports: Vec<(Protocol, u32)>,
    pub(crate) tasks: Vec<(usize, u64)>,
    pub(crate) total: u64,
    pub(crate) waiting: Vec<usize>,
}

/// The states the exploration has entered; the exploration stops (incomplete) when their
/// estimated size reaches its `max_memo_bytes`.
#[derive(Default)]
pub(crate) struct Memo {
    seen: HashSet<BoundaryKey>,
    bytes: usize,
}

impl Memo {
    /// Records `key`; false when it was already explored.
    pub(crate) fn enter(&mut self, key: BoundaryKey) -> bool {
        let size = key.bytes();
        let new = self.seen.insert(key);
        if new {
            self.bytes = self.bytes.saturating_add(size);
        }
        new
    }

    /// About how many bytes the explored states take (keys, their vectors, the table's slot).
    pub(crate) fn bytes(&self) -> usize {
        self.bytes
    }
}

impl BoundaryKey {
    fn bytes(&self) -> usize {
        use std::mem::size_of;
        let node = |n: &NodeKey| {
            size_of::<NodeKey>()
                + n.generic.iter().map(|(k, _)| 32 + k.len()).sum::<usize>()
                + n.host_ports.len() * size_of::<(Protocol, u32)>()
                + n.tasks.len() * size_of::<(usize, u64)>()
                + n.waiting.len() * size_of::<usize>()
        };
        size_of::<BoundaryKey>()
            + size_of::<u64>()
            + self.remaining.len() * size_of::<usize>()
            + self.retry.len() * size_of::<(usize, usize)>()
            + self.nodes.iter().map(node).sum::<usize>()
    }
}

impl Engine<'_> {
    /// The state between two service groups (see `memo`): `remaining` services still to
    /// schedule, `scheduled` those done, in order, `queued` what each service has queued (as
    /// for `service_candidates`). Services are renamed canonically within their class and nodes
    /// are sorted, so states that differ by renaming identical services or identical nodes get
    /// one key.
    pub(crate) fn boundary_key(
        &self,
        remaining: &[usize],
        scheduled: &[usize],
        queued: &[(usize, Vec<usize>)],
    ) -> BoundaryKey {
        let services = self.stack.services.len();
        let nodes = self.cluster.nodes.len();
        // Per service: Pending replicated tasks, and the nodes of preassigned global tasks not
        // yet placed (Pending, or of a service still to schedule).
        let mut pending = vec![0usize; services];
        let mut waiting: Vec<Vec<usize>> = vec![Vec::new(); services];
        for task in self.pending.keys() {
            match self.preassigned.get(task) {
                Some(&node) => waiting[task.service].push(node),
                None => pending[task.service] += 1,
            }
        }
        for (task, &node) in &self.preassigned {
            if remaining.contains(&task.service) {
                waiting[task.service].push(node);
            }
        }
        let name = self.canonical_names(remaining, queued, &pending, &waiting);
        let mut node_keys: Vec<NodeKey> = (0..nodes)
            .map(|n| {
                let mut key = self.node_key(n, &|s| name[s]);
                for (s, on) in waiting.iter().enumerate() {
                    key.waiting
                        .extend(on.iter().filter(|&&w| w == n).map(|_| name[s]));
                }
                key.waiting.sort_unstable();
                key
            })
            .collect();
        node_keys.sort_unstable();
        let mut remaining: Vec<usize> = remaining.iter().map(|&s| name[s]).collect();
        remaining.sort_unstable();
        BoundaryKey {
            remaining,
            retry: scheduled
                .iter()
                .filter(|&&s| pending[s] > 0 || !waiting[s].is_empty())
                .map(|&s| (name[s], pending[s]))
                .collect(),
            nodes: node_keys,
        }
    }

    /// A canonical number per service: services ordered by class, then by what they hold seen
    /// through node classes, then by index. Any deterministic renaming within classes is sound
    /// (equal keys still mean states related by renaming identical services); this one merges
    /// most of them.
    fn canonical_names(
        &self,
        remaining: &[usize],
        queued: &[(usize, Vec<usize>)],
        pending: &[usize],
        waiting: &[Vec<usize>],
    ) -> Vec<usize> {
        let mut held: Vec<Vec<(usize, u64)>> = vec![Vec::new(); self.stack.services.len()];
        for n in 0..self.cluster.nodes.len() {
            for (s, c) in self.live_tasks(n) {
                held[s].push((self.static_class[n], c));
            }
        }
        let signature = |s: usize| {
            let mut held = held[s].clone();
            held.sort_unstable();
            let mut waits: Vec<usize> = waiting[s].iter().map(|&n| self.static_class[n]).collect();
            waits.sort_unstable();
            let to_schedule = remaining.contains(&s);
            let queue = if to_schedule { queued[s].0 } else { 0 };
            (
                self.service_class[s],
                to_schedule,
                pending[s] + queue,
                held,
                waits,
            )
        };
        let mut order: Vec<usize> = (0..self.stack.services.len()).collect();
        order.sort_by_cached_key(|&s| (signature(s), s));
        let mut name = vec![0; order.len()];
        for (canonical, &s) in order.iter().enumerate() {
            name[s] = canonical;
        }
        name
    }
}
