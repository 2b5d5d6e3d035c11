//! stateright's depth-first checker with symmetry reduction (it keeps 8-byte fingerprints of
//! visited states only, hence the largest state spaces), made to honour a deadline. stateright
//! reads its own timeout only when a thread runs out of work, which a depth-first thread with
//! states pending never does; so the model itself is given the deadline (`Interruptible`) and
//! leaves every successor outside its boundary once it has passed: the pending states drain
//! (each still checked against the properties, all of them reachable) and the threads end.
//! The memory bound stops it the same way: the thread watching the search raises the model's
//! `Stop` when the visited set and the pending states reach the budget.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use stateright::{Checker, HasDiscoveries, Model, Path};

use super::{Cutoff, Pacer, Progress};
use crate::deadline::Deadline;

/// When a depth-first search must stop: at its deadline, or once the thread watching it raises
/// the signal (for a bound stateright does not know, memory). It also counts the states the
/// model expands, which tells the watching thread how many are pending.
#[derive(Clone, Debug, Default)]
pub struct Stop {
    deadline: Deadline,
    raised: Arc<AtomicBool>,
    expanded: Arc<AtomicUsize>,
}

impl Stop {
    fn at(deadline: Deadline) -> Stop {
        Stop {
            deadline,
            ..Stop::default()
        }
    }

    /// The model is expanding a state (called from `Model::actions`).
    pub fn expanding(&self) {
        self.expanded.fetch_add(1, Ordering::Relaxed);
    }

    /// Whether the search must stop now.
    pub fn is_due(&self) -> bool {
        self.raised.load(Ordering::Relaxed) || self.deadline.passed()
    }

    fn raise(&self) {
        self.raised.store(true, Ordering::Relaxed);
    }
}

/// A stop is how a search ends, not what it checks: a model that holds one compares equal to
/// the same model with any other.
impl PartialEq for Stop {
    fn eq(&self, _: &Stop) -> bool {
        true
    }
}

impl Eq for Stop {}

/// A model that can be told when to stop: the copy returned must keep every state outside its
/// boundary (`Model::within_boundary` false) once `stop` is due, and call `stop.expanding()`
/// in `Model::actions`.
pub trait Interruptible: Model {
    /// The most heap bytes a state holds (its inline size is counted apart).
    const STATE_HEAP_BYTES: usize;

    fn interrupted_by(&self, stop: Stop) -> Self;
}

/// Bytes the visited set holds per state, at most: stateright keeps an 8-byte fingerprint and
/// a control byte per slot of a hash table at most seven-eighths full, whose size doubles
/// (9 × 8/7 × 2 ≈ 20.6).
const BYTES_PER_STATE: usize = 21;

/// Bytes of a pending state besides the state itself: its path of action indices (a vector
/// of `depth` words, with the allocator's header) and its bookkeeping.
fn pending_overhead(depth: usize) -> usize {
    std::mem::size_of::<(Vec<usize>, usize, usize)>() + 16 + depth * 8
}

/// The representative of a state's symmetry class.
pub type Representative<M> = fn(&<M as Model>::State) -> <M as Model>::State;

/// How the depth-first checker runs.
pub struct DfsOptions<M: Model> {
    pub threads: usize,
    /// Generated states after which the search stops.
    pub max_states: usize,
    /// Bytes of visited states after which the search stops.
    pub max_bytes: usize,
    /// Set if symmetry is reduced.
    pub symmetry: Option<Representative<M>>,
    /// Stop at the first violated `always` property.
    pub stop_at_failure: bool,
}

/// What the checker found and how far it went.
pub struct DfsResult<M: Model> {
    /// `None` when every reachable state (up to symmetry) was visited, or the search stopped
    /// at a failure as asked.
    pub cutoff: Option<Cutoff>,
    pub unique_states: usize,
    pub generated_states: usize,
    pub max_depth: usize,
    pub elapsed_ms: u64,
    /// Per property, stateright's discovery (not a shortest one).
    pub discoveries: HashMap<&'static str, Path<M::State, M::Action>>,
}

/// Runs stateright's depth-first checker on `model` until it is done, a bound stops it or
/// `deadline` passes, reporting progress from the calling thread meanwhile.
pub fn dfs<M>(
    model: &M,
    options: &DfsOptions<M>,
    deadline: Deadline,
    progress: &mut dyn FnMut(Progress),
) -> DfsResult<M>
where
    M: Interruptible + Send + Sync + 'static,
    M::State: Clone + std::fmt::Debug + std::hash::Hash + PartialEq + Send + Sync + 'static,
    M::Action: Clone + std::fmt::Debug + PartialEq + Send + Sync + 'static,
{
    let mut pacer = Pacer::new(deadline);
    let stop = Stop::at(deadline);
    let mut builder = model
        .interrupted_by(stop.clone())
        .checker()
        .threads(options.threads.max(1))
        .target_state_count(options.max_states);
    if let Some(representative) = options.symmetry {
        builder = builder.symmetry_fn(representative);
    }
    if options.stop_at_failure {
        builder = builder.finish_when(HasDiscoveries::AnyFailures);
    }
    let mut checker = builder.spawn_dfs();
    let handles = checker.handles();
    // The checker's threads do the work; this one reports on them and watches the memory
    // bound. A short poll keeps small checks fast.
    let mut over_memory = false;
    while !handles.iter().all(std::thread::JoinHandle::is_finished) {
        std::thread::sleep(std::time::Duration::from_millis(2));
        let bytes = bytes_held::<M, _>(&checker, &stop);
        report(&mut pacer, &checker, bytes, progress);
        if !over_memory && bytes >= options.max_bytes {
            over_memory = true;
            stop.raise();
        }
    }
    for h in handles {
        if let Err(panic) = h.join() {
            std::panic::resume_unwind(panic);
        }
    }
    let generated_states = checker.state_count();
    let cutoff = if generated_states >= options.max_states {
        Some(Cutoff::MaxStates)
    } else if over_memory {
        Some(Cutoff::Memory)
    } else if deadline.passed() {
        Some(Cutoff::Timeout)
    } else {
        None
    };
    DfsResult {
        cutoff,
        unique_states: checker.unique_state_count(),
        generated_states,
        max_depth: checker.max_depth(),
        elapsed_ms: pacer.elapsed_ms(),
        discoveries: checker.discoveries(),
    }
}

/// Reports the checker's figures when a report is due.
fn report<M, C: Checker<M>>(
    pacer: &mut Pacer,
    checker: &C,
    bytes: usize,
    progress: &mut dyn FnMut(Progress),
) where
    M: Model,
{
    pacer.report_due(
        || Progress {
            states: checker.unique_state_count(),
            depth: checker.max_depth(),
            elapsed_ms: 0,
            queue: 0,
            bytes,
        },
        progress,
    );
}

/// The visited set's size, at most, and the pending states': every state inserted and not yet
/// expanded, each at most as deep as the deepest seen.
fn bytes_held<M: Interruptible, C: Checker<M>>(checker: &C, stop: &Stop) -> usize {
    let unique = checker.unique_state_count();
    let pending = unique.saturating_sub(stop.expanded.load(Ordering::Relaxed));
    let per_pending = std::mem::size_of::<M::State>()
        + M::STATE_HEAP_BYTES
        + pending_overhead(checker.max_depth());
    unique
        .saturating_mul(BYTES_PER_STATE)
        .saturating_add(pending.saturating_mul(per_pending))
}
