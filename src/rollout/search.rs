//! Our own breadth-first search over any `stateright::Model`. stateright's BFS overwrites a
//! property's discovery with later, longer paths (rust-stack.md §1e, gotcha 1), so reports would
//! show needlessly long timelines. This search keeps, per property, the *first* state found in
//! BFS order, which is at minimal depth, and rebuilds its path from parent links. It is
//! single-threaded, bounded by a state count, a memory budget and a timeout, and never claims
//! completeness when a bound stopped it.

use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasherDefault, Hasher};
use std::time::{Duration, Instant};

use stateright::{Expectation, Model};

/// Bounds of one search.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bounds {
    pub max_states: usize,
    pub max_bytes: usize,
    pub timeout: Duration,
}

/// Figures reported while a search runs and at its end.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Progress {
    pub states: usize,
    pub depth: usize,
    pub elapsed_ms: u64,
}

/// Why a search stopped early.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Cutoff {
    MaxStates,
    Memory,
    Timeout,
}

/// The result: per property, the action path (as indices into `Model::actions`) to the first
/// state that falsifies an `always` property or satisfies a `sometimes` one.
#[derive(Clone, Debug)]
pub struct SearchResult {
    pub progress: Progress,
    /// `None` when every reachable state was visited.
    pub cutoff: Option<Cutoff>,
    pub discoveries: Vec<(&'static str, Vec<usize>)>,
    /// Bytes held per visited state (key bytes + table entry and parent link), estimated.
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

/// FxHash: the states are our own byte strings, so a fast non-keyed hash is enough.
#[derive(Default)]
pub struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut b = [0u8; 8];
            b[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(b))
                .wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.write(&[i]);
    }
    fn write_usize(&mut self, i: usize) {
        self.0 = (self.0.rotate_left(5) ^ i as u64).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

type Visited = HashMap<Box<[u8]>, u32, BuildHasherDefault<FxHasher>>;

/// Breadth-first search from the model's initial states. `key` writes a state's visited-set key
/// (its bytes, or a canonical form for symmetry reduction: a state is then skipped when a state
/// with the same key was seen, and the properties must be invariant under the reduction; paths
/// continue with the states actually reached, so they stay real). The key's length is what the
/// memory bound counts per state. `progress` is called about every 64k states.
pub fn bfs<M>(
    model: &M,
    bounds: Bounds,
    key: &dyn Fn(&M::State, &mut Vec<u8>),
    progress: &mut dyn FnMut(Progress),
) -> SearchResult
where
    M: Model,
    M::State: Clone,
{
    let start = Instant::now();
    let properties = model.properties();
    let mut found: Vec<Option<Vec<usize>>> = vec![None; properties.len()];
    // Parent index and action index per visited state, in discovery (= BFS) order.
    let mut links: Vec<(u32, u32, u32)> = Vec::new();
    let mut visited: Visited = HashMap::default();
    let mut buf = Vec::new();
    let mut queue: VecDeque<(M::State, u32)> = VecDeque::new();
    // Per entry: the key's inline size, its heap bytes, the index, a parent link and the
    // table's control byte and load slack (hashbrown keeps it ≤ 7/8 full).
    let fixed = std::mem::size_of::<Box<[u8]>>() + std::mem::size_of::<u32>() * 4 + 2;
    let mut bytes = 0usize;
    let mut cutoff = None;
    for (pos, s) in model.init_states().into_iter().enumerate() {
        key(&s, &mut buf);
        if visited.contains_key(buf.as_slice()) {
            continue;
        }
        let idx = links.len() as u32;
        bytes += fixed + buf.len();
        links.push((u32::MAX, pos as u32, 0));
        visited.insert(buf.as_slice().into(), idx);
        queue.push_back((s, idx));
    }
    let mut actions = Vec::new();
    let mut depth = 0usize;
    let mut expanded = 0usize;
    'search: while let Some((state, idx)) = queue.pop_front() {
        let d = links[idx as usize].2 as usize;
        depth = depth.max(d);
        for (p, prop) in properties.iter().enumerate() {
            if found[p].is_some() {
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
        expanded += 1;
        if expanded.is_multiple_of(4096) {
            if start.elapsed() >= bounds.timeout {
                cutoff = Some(Cutoff::Timeout);
                queue.push_front((state, idx));
                break;
            }
            if expanded.is_multiple_of(65536) {
                progress(Progress {
                    states: links.len(),
                    depth,
                    elapsed_ms: start.elapsed().as_millis() as u64,
                });
            }
        }
        model.actions(&state, &mut actions);
        for (a, action) in actions.drain(..).enumerate() {
            let Some(next) = model.next_state(&state, action) else {
                continue;
            };
            if !model.within_boundary(&next) {
                continue;
            }
            key(&next, &mut buf);
            if visited.contains_key(buf.as_slice()) {
                continue;
            }
            if links.len() >= bounds.max_states {
                cutoff = Some(Cutoff::MaxStates);
                break 'search;
            }
            let cost = fixed + buf.len();
            if bytes.saturating_add(cost.saturating_mul(2)) > bounds.max_bytes {
                cutoff = Some(Cutoff::Memory);
                break 'search;
            }
            bytes += cost;
            let n = links.len() as u32;
            links.push((idx, a as u32, d as u32 + 1));
            visited.insert(buf.as_slice().into(), n);
            queue.push_back((next, n));
        }
    }
    let states = links.len();
    SearchResult {
        progress: Progress {
            states,
            depth,
            elapsed_ms: start.elapsed().as_millis() as u64,
        },
        cutoff,
        discoveries: properties
            .iter()
            .zip(found)
            .filter_map(|(p, f)| f.map(|f| (p.name, f)))
            .collect(),
        bytes_per_state: bytes / states.max(1),
    }
}

/// Action indices from the initial state to state `idx`. The first element is the index of the
/// initial state among `init_states`, as in stateright's path encoding.
fn path_to(links: &[(u32, u32, u32)], mut idx: u32) -> Vec<usize> {
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

/// The states of a replayed path and the actions between them.
pub type Trace<M> = (Vec<<M as Model>::State>, Vec<<M as Model>::Action>);

/// Replays a path of action indices (first: initial state index) on the model, checking that
/// every step is an enabled action with a successor. Returns the states and actions taken.
pub fn replay<M>(model: &M, path: &[usize]) -> Option<Trace<M>>
where
    M: Model,
    M::State: Clone,
    M::Action: Clone,
{
    let (&init, steps) = path.split_first()?;
    let mut states = vec![model.init_states().into_iter().nth(init)?];
    let mut taken = Vec::new();
    for &i in steps {
        let mut actions = Vec::new();
        let last = states.last()?;
        model.actions(last, &mut actions);
        let action = actions.into_iter().nth(i)?;
        let next = model.next_state(last, action.clone())?;
        taken.push(action);
        states.push(next);
    }
    Some((states, taken))
}
