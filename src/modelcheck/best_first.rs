//! Best-first search for the first discovery: states are expanded in order of a priority
//! (highest first), then depth, then age, so that under a constant priority it is breadth-first
//! and its first discovery is at minimal depth. States are identified by a 64-bit fingerprint
//! of their canonical form; every state reached is expanded at most once, so with every action
//! allowed an empty queue means there is no discovery, whatever the priority.

use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, HashMap};

use stateright::Model;

use super::{Bounds, Cutoff, Pacer, Progress};

/// What a directed search looks for and how it orders its work.
pub struct Directed<'a, M: Model> {
    /// The property `state` is a discovery of, if any.
    pub discovery: &'a dyn Fn(&M::State) -> Option<&'static str>,
    /// The visited-set identity of a state (a hash of its canonical form under symmetry).
    pub fingerprint: &'a dyn Fn(&M::State) -> u64,
    /// Higher is expanded first.
    pub priority: &'a dyn Fn(&M::State) -> u32,
    /// Actions not allowed are never taken.
    pub allowed: &'a dyn Fn(&M::Action) -> bool,
    /// The bytes a state holds on the heap (its inline size is counted apart), for the
    /// memory bound.
    pub heap_bytes: &'a dyn Fn(&M::State) -> usize,
}

/// How a search for a first discovery ended; it comes with the number of states visited.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Search {
    /// The property and the path to its discovery, as action indices after the initial
    /// state's index (the encoding `replay` takes).
    Found(&'static str, Vec<usize>),
    /// Every reachable state was visited: no discovery exists.
    Exhausted,
    Cut(Cutoff),
}

/// A state waiting to be expanded, ordered by priority, then depth, then age (all reversed
/// but the priority, so that the heap pops the oldest shallowest state of highest priority).
struct Queued<S> {
    key: (u32, Reverse<u32>, Reverse<u64>),
    state: S,
    fp: u64,
    /// The state's heap bytes, counted while it waits.
    heap: usize,
}

impl<S> PartialEq for Queued<S> {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

impl<S> Eq for Queued<S> {}

impl<S> PartialOrd for Queued<S> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<S> Ord for Queued<S> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key.cmp(&other.key)
    }
}

/// Parent fingerprint and the index of the action taken, per visited fingerprint.
type Parents = HashMap<u64, (u64, u32)>;

/// The visited set's table for `capacity` entries: per bucket, an entry of 20 bytes padded to
/// 24 and its control byte; buckets are 8/7 of the capacity.
fn table_bytes(capacity: usize) -> usize {
    capacity * 25 * 8 / 7
}

/// The queue's slots: a queued state inline each.
fn queue_bytes<S>(capacity: usize) -> usize {
    capacity * std::mem::size_of::<Queued<S>>()
}

/// Bytes held: the visited set's table, the queue and the queued states' heap bytes.
fn bytes_held<S>(parents: &Parents, queue: &BinaryHeap<Queued<S>>, queued_heap: usize) -> usize {
    table_bytes(parents.capacity()) + queue_bytes::<S>(queue.capacity()) + queued_heap
}

/// Bytes held at the peak of visiting and queueing one more state of `heap` heap bytes: a
/// full table or queue is copied into one twice its size, both held during the copy.
fn bytes_with_one_more<S>(
    parents: &Parents,
    queue: &BinaryHeap<Queued<S>>,
    queued_heap: usize,
    heap: usize,
) -> usize {
    let growing = |full: bool, bytes: usize| if full { 3 * bytes } else { bytes };
    growing(
        parents.len() >= parents.capacity(),
        table_bytes(parents.capacity().max(1)),
    ) + growing(
        queue.len() >= queue.capacity(),
        queue_bytes::<S>(queue.capacity().max(1)),
    ) + queued_heap
        + heap
}

/// Searches from the model's first initial state for a discovery, within `bounds` (the state
/// count is checked as each state is first reached, memory and time as each is expanded).
pub fn best_first<M: Model>(
    model: &M,
    directed: &Directed<'_, M>,
    bounds: Bounds,
    progress: &mut dyn FnMut(Progress),
) -> (Search, usize) {
    let mut pacer = Pacer::new(bounds.deadline());
    let Some(init) = model.init_states().into_iter().next() else {
        return (Search::Exhausted, 0);
    };
    let init_fp = (directed.fingerprint)(&init);
    let mut parents: Parents = HashMap::new();
    parents.insert(init_fp, (init_fp, u32::MAX));
    if let Some(name) = (directed.discovery)(&init) {
        return (Search::Found(name, vec![0]), parents.len());
    }
    let mut queue = BinaryHeap::new();
    let init_heap = (directed.heap_bytes)(&init);
    let mut queued_heap = init_heap;
    let mut age = 0u64;
    let mut depth_reached = 0;
    queue.push(Queued {
        key: ((directed.priority)(&init), Reverse(0), Reverse(age)),
        state: init,
        fp: init_fp,
        heap: init_heap,
    });
    let mut actions = Vec::new();
    while let Some(Queued {
        key,
        state,
        fp,
        heap,
    }) = queue.pop()
    {
        queued_heap -= heap;
        let depth = key.1 .0.saturating_add(1);
        depth_reached = depth_reached.max(key.1 .0 as usize);
        let figures = || Progress {
            states: parents.len(),
            depth: depth_reached,
            elapsed_ms: 0,
            queue: queue.len(),
            bytes: bytes_held(&parents, &queue, queued_heap),
        };
        if pacer.tick(figures, progress) {
            return (Search::Cut(Cutoff::Timeout), parents.len());
        }
        actions.clear();
        model.actions(&state, &mut actions);
        for (index, action) in actions.drain(..).enumerate() {
            if !(directed.allowed)(&action) {
                continue;
            }
            let Some(succ) = model.next_state(&state, action) else {
                continue;
            };
            let succ_fp = (directed.fingerprint)(&succ);
            if parents.contains_key(&succ_fp) {
                continue;
            }
            let heap = (directed.heap_bytes)(&succ);
            if bytes_with_one_more(&parents, &queue, queued_heap, heap) > bounds.max_bytes {
                return (Search::Cut(Cutoff::Memory), parents.len());
            }
            parents.insert(succ_fp, (fp, index as u32));
            if let Some(name) = (directed.discovery)(&succ) {
                return (
                    Search::Found(name, path_to(&parents, succ_fp)),
                    parents.len(),
                );
            }
            if parents.len() >= bounds.max_states {
                return (Search::Cut(Cutoff::MaxStates), parents.len());
            }
            age += 1;
            queued_heap += heap;
            queue.push(Queued {
                key: ((directed.priority)(&succ), Reverse(depth), Reverse(age)),
                state: succ,
                fp: succ_fp,
                heap,
            });
        }
    }
    (Search::Exhausted, parents.len())
}

/// The action indices from the initial state to `target`, following parent links; each index
/// applies to the state the search expanded (the one reached along that fingerprint's own
/// parent chain), so replaying them re-executes the search's path.
fn path_to(parents: &Parents, target: u64) -> Vec<usize> {
    let mut indices = Vec::new();
    let mut fp = target;
    while let Some(&(parent, index)) = parents.get(&fp) {
        if index == u32::MAX {
            break;
        }
        indices.push(index as usize);
        fp = parent;
    }
    indices.push(0);
    indices.reverse();
    indices
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_table_or_queue_counts_the_copy_it_grows_into() {
        let mut parents = Parents::with_capacity(64);
        let mut queue: BinaryHeap<Queued<u64>> = BinaryHeap::with_capacity(8);
        let table = parents.capacity() * 25 * 8 / 7;
        let slots = queue.capacity() * std::mem::size_of::<Queued<u64>>();
        assert_eq!(
            bytes_with_one_more(&parents, &queue, 5, 7),
            table + slots + 12
        );
        assert_eq!(bytes_held(&parents, &queue, 5), table + slots + 5);
        for age in 0..queue.capacity() as u64 {
            queue.push(Queued {
                key: (0, Reverse(0), Reverse(age)),
                state: age,
                fp: age,
                heap: 0,
            });
        }
        assert_eq!(
            bytes_with_one_more(&parents, &queue, 0, 0),
            table + 3 * slots
        );
        for fp in 0..parents.capacity() as u64 {
            parents.insert(fp, (0, 0));
        }
        let table = parents.capacity() * 25 * 8 / 7;
        assert_eq!(
            bytes_with_one_more(&parents, &queue, 0, 0),
            3 * table + 3 * slots
        );
    }
}
