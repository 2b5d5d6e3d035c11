//! Breadth-first search over any `stateright::Model` with exact byte keys. stateright's BFS
//! overwrites a property's discovery with later, longer paths (rust-stack.md §1e, gotcha 1), so
//! reports would show needlessly long timelines. This search keeps, per property, the *first* state found in
//! BFS order, which is at minimal depth, and rebuilds its path from parent links. It is
//! single-threaded, bounded by a state count, a memory budget and a timeout, and never claims
//! completeness when a bound stopped it.

use std::ops::Range;

use stateright::{Expectation, Model};

use super::{Bounds, Cutoff, Pacer, Progress};

/// The result: per property, the action path (as indices into `Model::actions`) to the first
/// state that falsifies an `always` property or satisfies a `sometimes` one.
#[derive(Clone, Debug)]
pub struct SearchResult {
    pub progress: Progress,
    /// `None` when every reachable state was visited.
    pub cutoff: Option<Cutoff>,
    pub discoveries: Vec<(&'static str, Vec<usize>)>,
    /// Bytes held per visited state: key chunks, hash table and parent links, ÷ states.
    pub bytes_per_state: usize,
}

impl SearchResult {
    pub fn complete(&self) -> bool {
        self.cutoff.is_none()
    }

    pub fn discovery(&self, name: &str) -> Option<&[usize]> {
        self.discoveries
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, p)| p.as_slice())
    }
}

/// The visited set: every key once, in fixed-size chunks (key `i` belongs to state `i`, so a key
/// costs its bytes and nothing else, and growing never copies keys), and an open-addressing table of state indices with
/// 32 bits of each key's hash beside it, so that a probe compares key bytes only when the hashes
/// agree. Exact: a state is "seen" only when its whole key is equal.
struct Visited {
    stride: usize,
    /// `CHUNK` keys per chunk, allocated at full size.
    chunks: Vec<Vec<u8>>,
    /// `(hash tag << 32) | (index + 1)`; 0 is an empty slot. At most half full.
    table: Vec<u64>,
    len: usize,
}

impl Visited {
    fn new() -> Visited {
        Visited {
            stride: usize::MAX,
            chunks: Vec::new(),
            table: vec![0; 1 << 10],
            len: 0,
        }
    }

    /// A 32-bit tag from the key's bytes (a multiply–rotate hash over 8-byte words, the last
    /// one zero-padded).
    fn tag(key: &[u8]) -> u32 {
        let mut h = key.len() as u64;
        let mut words = key.chunks_exact(8);
        let mut step = |w: u64| h = (h.rotate_left(23) ^ w).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        for w in &mut words {
            step(u64::from_le_bytes([
                w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7],
            ]));
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            step(u64::from_le_bytes(w));
        }
        (h ^ (h >> 29))
            .wrapping_mul(0xbf58_476d_1ce4_e5b9)
            .rotate_left(32) as u32
    }

    fn key(&self, idx: usize) -> &[u8] {
        let at = (idx % CHUNK) * self.stride;
        &self.chunks[idx / CHUNK][at..at + self.stride]
    }

    /// The table slot holding `key`, or the empty slot where it belongs.
    fn probe(&self, key: &[u8], tag: u32) -> (usize, bool) {
        let mask = self.table.len() - 1;
        let mut pos = tag as usize & mask;
        loop {
            let e = self.table[pos];
            if e == 0 {
                return (pos, false);
            }
            if (e >> 32) as u32 == tag && self.key((e as u32 - 1) as usize) == key {
                return (pos, true);
            }
            pos = (pos + 1) & mask;
        }
    }

    /// Whether `key` is present. Lookups of one state's successors are issued back to back
    /// before any insert, so their cache misses overlap instead of coming one at a time.
    fn lookup(&self, key: &[u8], tag: u32) -> bool {
        self.len > 0 && key.len() == self.stride && self.probe(key, tag).1
    }

    /// Inserts `key` (whose tag is `tag`) as state `idx` (the next index) unless an equal key
    /// is present; true if inserted.
    fn insert(&mut self, key: &[u8], tag: u32, idx: u32) -> bool {
        if self.len == 0 {
            self.stride = key.len();
        }
        // Every key of a model has the state's length (the search's contract with `key`).
        assert_eq!(key.len(), self.stride, "visited-set keys of one length");
        let (pos, present) = self.probe(key, tag);
        if present {
            return false;
        }
        self.table[pos] = (u64::from(tag) << 32) | u64::from(idx + 1);
        if self.len.is_multiple_of(CHUNK) {
            self.chunks.push(Vec::with_capacity(CHUNK * self.stride));
        }
        if let Some(chunk) = self.chunks.last_mut() {
            chunk.extend_from_slice(key);
        }
        self.len += 1;
        if self.len * 2 > self.table.len() {
            self.grow();
        }
        true
    }

    fn grow(&mut self) {
        let doubled = vec![0; self.table.len() * 2];
        let old = std::mem::replace(&mut self.table, doubled);
        let mask = self.table.len() - 1;
        for e in old.into_iter().filter(|&e| e != 0) {
            let mut pos = (e >> 32) as usize & mask;
            while self.table[pos] != 0 {
                pos = (pos + 1) & mask;
            }
            self.table[pos] = e;
        }
    }

    /// Bytes the set holds (chunks at full size, the table), and how many more one more key
    /// of `key_len` bytes makes (a new chunk, a doubled table).
    fn bytes(&self, key_len: usize) -> (usize, usize) {
        let stride = if self.chunks.is_empty() {
            0
        } else {
            self.stride
        };
        let held = self.chunks.len() * CHUNK * stride + self.table.len() * 8;
        let mut more = 0;
        if self.len.is_multiple_of(CHUNK) {
            more += CHUNK * key_len;
        }
        if (self.len + 1) * 2 > self.table.len() {
            more += self.table.len() * 16;
        }
        (held, more)
    }
}

/// One successor of the state being expanded: its action's index, the state, the range of its
/// key in the search's key buffer, the key's tag, and whether the key was seen before any of
/// this expansion's inserts.
struct Successor<S> {
    action: usize,
    state: S,
    key: Range<usize>,
    tag: u32,
    seen: bool,
}

/// A model whose successors can be written into a state the search reuses, so that a
/// successor already visited costs no allocation.
pub trait Successors: Model {
    /// Overwrites `out` with the successor of `last` by `action`; false if there is none
    /// (`next_state` returned `None`).
    fn successor_into(
        &self,
        last: &Self::State,
        action: Self::Action,
        out: &mut Self::State,
    ) -> bool;

    /// The state as bytes, for the search's queue.
    fn state_bytes(state: &Self::State) -> &[u8];

    /// Overwrites `out` with the state whose `state_bytes` are `bytes`.
    fn load_state(bytes: &[u8], out: &mut Self::State);
}

/// The search's FIFO queue as two byte buffers, the level being expanded and the next one:
/// each entry is a state index (4 bytes), the state's length (4 bytes) and its bytes. Popping
/// reads the buffer in order (no pointer to a state allocated long ago, hence no cache miss per
/// state), and the buffers are reused from level to level.
#[derive(Default)]
struct Queue {
    level: Vec<u8>,
    head: usize,
    next: Vec<u8>,
    /// Entries in both buffers.
    len: usize,
}

impl Queue {
    fn push(&mut self, idx: u32, state: &[u8]) {
        self.len += 1;
        self.next.extend_from_slice(&idx.to_le_bytes());
        self.next
            .extend_from_slice(&(state.len() as u32).to_le_bytes());
        self.next.extend_from_slice(state);
    }

    fn pop(&mut self) -> Option<(u32, &[u8])> {
        if self.head == self.level.len() {
            if self.next.is_empty() {
                return None;
            }
            std::mem::swap(&mut self.level, &mut self.next);
            self.next.clear();
            self.head = 0;
        }
        let word = |at: usize| {
            let b = &self.level[at..at + 4];
            u32::from_le_bytes([b[0], b[1], b[2], b[3]])
        };
        let (idx, len) = (word(self.head), word(self.head + 4) as usize);
        let state = &self.level[self.head + 8..self.head + 8 + len];
        self.head += 8 + len;
        self.len -= 1;
        Some((idx, state))
    }

    /// Bytes both buffers hold after pushing a state of `len` bytes (a full buffer doubles).
    fn bytes_after_push(&self, len: usize) -> usize {
        let need = self.next.len() + 8 + len;
        let next = if need > self.next.capacity() {
            need.max(2 * self.next.capacity())
        } else {
            self.next.capacity()
        };
        self.level.capacity() + next
    }
}

/// Keys per chunk of the visited set.
const CHUNK: usize = 1 << 12;

/// Parent index, action index and depth of a visited state.
type Link = (u32, u32, u32);

/// Breadth-first search from the model's initial states. `key` appends a state's visited-set key
/// (its bytes, or a canonical form for symmetry reduction: a state is then skipped when a state
/// with the same key was seen, and the properties must be invariant under the reduction; paths
/// continue with the states actually reached, so they stay real). Every key of a model must have
/// the same length; it is what the memory bound counts per state. Properties named in
/// `stuck_only` hold on every state with an enabled action, so they are evaluated only on states
/// without one (the actions the search enumerates anyway decide them elsewhere). `progress` is
/// called at most every `PROGRESS_MS`.
pub fn bfs<M>(
    model: &M,
    bounds: Bounds,
    key: &dyn Fn(&M::State, &mut Vec<u8>),
    stuck_only: &[&str],
    progress: &mut dyn FnMut(Progress),
) -> SearchResult
where
    M: Successors,
    M::State: Clone,
{
    let mut pacer = Pacer::new(bounds.deadline());
    let properties = model.properties();
    let stuck_only: Vec<bool> = properties
        .iter()
        .map(|p| stuck_only.contains(&p.name))
        .collect();
    let mut found: Vec<Option<Vec<usize>>> = vec![None; properties.len()];
    // Parent index and action index per visited state, in discovery (= BFS) order.
    let mut links: Vec<Link> = Vec::new();
    let mut visited = Visited::new();
    let mut buf = Vec::new();
    // The queue, one BFS level after the other (the order of a FIFO queue): states as bytes,
    // read in order, so that the next state to expand is in cache (`Queue`).
    let mut queue = Queue::default();
    let mut state: Option<M::State> = None;
    let mut cutoff = None;
    for (pos, s) in model.init_states().into_iter().enumerate() {
        buf.clear();
        key(&s, &mut buf);
        let idx = links.len() as u32;
        if !visited.insert(&buf, Visited::tag(&buf), idx) {
            continue;
        }
        links.push((u32::MAX, pos as u32, 0));
        queue.push(idx, M::state_bytes(&s));
        state.get_or_insert(s);
    }
    let mut actions = Vec::new();
    let mut successors: Vec<Successor<M::State>> = Vec::new();
    let mut keys: Vec<u8> = Vec::new();
    // States no longer needed (expanded, or successors already seen), reused for successors.
    let mut spare: Vec<M::State> = Vec::new();
    let mut depth = 0usize;
    let Some(mut state) = state else {
        return SearchResult {
            progress: Progress {
                elapsed_ms: pacer.elapsed_ms(),
                ..Progress::default()
            },
            cutoff: None,
            discoveries: Vec::new(),
            bytes_per_state: 0,
        };
    };
    'search: while let Some((idx, bytes)) = queue.pop() {
        M::load_state(bytes, &mut state);
        let d = links[idx as usize].2 as usize;
        depth = depth.max(d);
        actions.clear();
        model.actions(&state, &mut actions);
        for (p, prop) in properties.iter().enumerate() {
            if found[p].is_some() || (stuck_only[p] && !actions.is_empty()) {
                continue;
            }
            let hit = match prop.expectation {
                Expectation::Always => !(prop.condition)(model, &state),
                Expectation::Sometimes => (prop.condition)(model, &state),
                // Not supported (stateright's own check is unsound on DAG joins); our models
                // state liveness as an `always` property over stuck states instead.
                Expectation::Eventually => false,
            };
            if hit {
                found[p] = Some(path_to(&links, idx));
            }
        }
        let figures = || Progress {
            states: links.len(),
            depth,
            elapsed_ms: 0,
            queue: queue.len,
            bytes: visited.bytes(0).0
                + links.len() * std::mem::size_of::<Link>()
                + queue.level.capacity()
                + queue.next.capacity(),
        };
        if pacer.tick(figures, progress) {
            cutoff = Some(Cutoff::Timeout);
            break;
        }
        // Successors with their keys first, then their lookups back to back, then the
        // inserts in action order.
        keys.clear();
        for (a, action) in actions.drain(..).enumerate() {
            let mut next = spare.pop().unwrap_or_else(|| state.clone());
            if !model.successor_into(&state, action, &mut next) || !model.within_boundary(&next) {
                spare.push(next);
                continue;
            }
            let at = keys.len();
            key(&next, &mut keys);
            let tag = Visited::tag(&keys[at..]);
            successors.push(Successor {
                action: a,
                state: next,
                key: at..keys.len(),
                tag,
                seen: false,
            });
        }
        for succ in &mut successors {
            succ.seen = visited.lookup(&keys[succ.key.clone()], succ.tag);
        }
        for succ in successors.drain(..) {
            let Successor {
                action: a,
                state: next,
                key: range,
                tag,
                seen,
            } = succ;
            // Seen before this state: nothing to do (and no bound to check: only a state not
            // seen yet would exceed one).
            if seen {
                spare.push(next);
                continue;
            }
            let k = &keys[range];
            // Table, keys, links and queue after this state and one more (growth included).
            let (held, more) = visited.bytes(k.len());
            let link = std::mem::size_of::<Link>();
            let queued = queue.bytes_after_push(M::state_bytes(&next).len());
            let after = held + more + (links.len() + 2) * link + k.len() + queued;
            let over_memory = after > bounds.max_bytes;
            if links.len() >= bounds.max_states || over_memory {
                // A sibling inserted before may have been this very state.
                if visited.lookup(k, tag) {
                    spare.push(next);
                    continue;
                }
                cutoff = Some(if links.len() >= bounds.max_states {
                    Cutoff::MaxStates
                } else {
                    Cutoff::Memory
                });
                break 'search;
            }
            let n = links.len() as u32;
            if !visited.insert(k, tag, n) {
                spare.push(next);
                continue;
            }
            links.push((idx, a as u32, d as u32 + 1));
            queue.push(n, M::state_bytes(&next));
            spare.push(next);
        }
    }
    let states = links.len();
    SearchResult {
        progress: Progress {
            states,
            depth,
            elapsed_ms: pacer.elapsed_ms(),
            queue: queue.len,
            bytes: visited.bytes(0).0 + states * std::mem::size_of::<Link>(),
        },
        cutoff,
        discoveries: properties
            .iter()
            .zip(found)
            .filter_map(|(p, f)| f.map(|f| (p.name, f)))
            .collect(),
        bytes_per_state: (visited.bytes(0).0 + states * std::mem::size_of::<Link>())
            / states.max(1),
    }
}

/// Action indices from the initial state to state `idx`. The first element is the index of the
/// initial state among `init_states`, as in stateright's path encoding.
fn path_to(links: &[Link], mut idx: u32) -> Vec<usize> {
    let mut path = Vec::new();
    loop {
        let (parent, action, _) = links[idx as usize];
        path.push(action as usize);
        if parent == u32::MAX {
            break;
        }
        idx = parent;
    }
    path.reverse();
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_queue_counts_both_levels_and_the_growth_of_a_full_buffer() {
        let mut queue = Queue {
            next: Vec::with_capacity(64),
            ..Queue::default()
        };
        let cap = queue.next.capacity();
        // Room left (8 bytes of header and the state): the buffer as it is.
        assert_eq!(queue.bytes_after_push(cap - 8), cap);
        // No room: a buffer twice as large, or as large as needed.
        assert_eq!(queue.bytes_after_push(cap - 7), 2 * cap);
        assert_eq!(queue.bytes_after_push(3 * cap), 3 * cap + 8);
        queue.push(7, &[1, 2, 3, 4]);
        assert_eq!(queue.bytes_after_push(cap - 20), cap);
        // Popping moves the level into `level`, still counted beside the next one.
        assert_eq!(queue.pop(), Some((7, &[1u8, 2, 3, 4][..])));
        assert_eq!(queue.level.capacity(), cap);
        assert_eq!(queue.bytes_after_push(0), cap + 8);
    }
}
