//! The model-checking engine every model of swarmproof runs on (`rollout/`, `raft/` supply a
//! `stateright::Model` and its properties). Strategies: breadth-first over exact byte keys,
//! for shortest counterexamples with a tight visited set (`bfs`); best-first over hashed
//! canonical states, breadth-first under a constant priority, stopping at the first discovery
//! (`best_first`); stateright's depth-first checker with symmetry, made to honour a deadline
//! (`dfs`). Every strategy stops at its `Bounds` and names the one that stopped it (`Cutoff`),
//! reports `Progress` through a callback at most every `PROGRESS_MS`, and reads time only
//! through `crate::deadline`. Counterexamples are replayed on the model (`replay`) and shrunk
//! within a deadline (`shrink`).

mod best_first;
mod bfs;
mod dfs;
pub mod explorer;
mod replay;
mod shrink;

use std::time::Duration;

use crate::deadline::{Deadline, Stopwatch};

pub use best_first::{best_first, Directed, Search};
pub use bfs::{bfs, SearchResult, Successors};
pub use dfs::{dfs, DfsOptions, DfsResult, Interruptible, Stop};
pub use replay::{reindex, replay, Trace};
pub use shrink::shrink;

/// Bounds of one search.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bounds {
    pub max_states: usize,
    pub max_bytes: usize,
    /// Time from the search's start (a run's deadline enters as what is left of it).
    pub timeout: Duration,
}

impl Bounds {
    /// No bound but `max_states` states.
    pub fn states(max_states: usize) -> Bounds {
        Bounds {
            max_states,
            max_bytes: usize::MAX,
            timeout: Duration::MAX,
        }
    }

    /// These bounds, also stopping at `deadline`.
    pub fn until(self, deadline: Deadline) -> Bounds {
        Bounds {
            timeout: self
                .timeout
                .min(Duration::from_millis(deadline.remaining_ms())),
            ..self
        }
    }

    fn deadline(&self) -> Deadline {
        Deadline::after_ms(u64::try_from(self.timeout.as_millis()).unwrap_or(u64::MAX))
    }
}

/// Which bound stopped a search; `None` wherever one appears means every reachable state was
/// visited.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Cutoff {
    MaxStates,
    Memory,
    Timeout,
}

/// Figures reported while a search runs and at its end.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Progress {
    /// States visited (up to the search's reduction).
    pub states: usize,
    pub depth: usize,
    pub elapsed_ms: u64,
    /// States waiting to be expanded (0 where the strategy does not know: `dfs`).
    pub queue: usize,
    /// The search's own estimate of the bytes it holds.
    pub bytes: usize,
}

impl Progress {
    /// States per second so far.
    pub fn rate(&self) -> f64 {
        self.states as f64 * 1000.0 / self.elapsed_ms.max(1) as f64
    }
}

/// Progress is reported at most this often.
pub const PROGRESS_MS: u64 = 100;

/// States expanded between two clock readings: a few hundred microseconds of work for the
/// slowest model (five Raft managers, each state canonicalised over 120 renamings).
const CLOCK_EVERY: usize = 256;

/// A search's clock: the deadline, read every `CLOCK_EVERY` expansions (first at the first, so
/// a search that starts with no time left stops at once), and the pace of progress reports.
struct Pacer {
    deadline: Deadline,
    watch: Stopwatch,
    ticks: usize,
    reported_ms: u64,
}

impl Pacer {
    fn new(deadline: Deadline) -> Pacer {
        Pacer {
            deadline,
            watch: Stopwatch::start(),
            ticks: 0,
            reported_ms: 0,
        }
    }

    /// One expansion; true when the deadline has passed. `figures` is called only when a
    /// report is due.
    fn tick(
        &mut self,
        figures: impl FnOnce() -> Progress,
        progress: &mut dyn FnMut(Progress),
    ) -> bool {
        self.ticks += 1;
        if self.ticks % CLOCK_EVERY != 1 {
            return false;
        }
        if self.deadline.passed() {
            return true;
        }
        self.report_due(figures, progress);
        false
    }

    /// Reports `figures` if the last report is `PROGRESS_MS` old.
    fn report_due(
        &mut self,
        figures: impl FnOnce() -> Progress,
        progress: &mut dyn FnMut(Progress),
    ) {
        let now = self.watch.elapsed_ms();
        if now >= self.reported_ms + PROGRESS_MS {
            self.reported_ms = now;
            progress(Progress {
                elapsed_ms: now,
                ..figures()
            });
        }
    }

    fn elapsed_ms(&self) -> u64 {
        self.watch.elapsed_ms()
    }
}
