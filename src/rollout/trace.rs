//! Trace validation against the real engine (engine conformance), TLA+ style: a sequence of
//! observations of a running update, taken by polling the engine, is accepted when some path of
//! the update model passes through states that look exactly like each observation, in order.
//!
//! Polling misses steps and many model steps are invisible (a worker's delay ending, the
//! scheduler's choice of node), so between two observations the model may take any number of
//! steps: the set of candidate model states matching observation k is every state reachable
//! from a candidate of observation k − 1 whose observation equals observation k. The search
//! between two observations is bounded by a number of states; a trace that exceeds it is
//! neither accepted nor rejected.
//!
//! What an observation contains is what both sides can tell apart without timing: the update
//! state; per slot (as a multiset: the updater hands out slots in an order the model does not
//! fix) the tasks not told to stop, each with its version, a coarse state and whether the restart
//! supervisor created it; and the number of tasks told to stop that still hold a node. Nodes are
//! left out: the model's scheduler branches over every tied node, so leaving them out only
//! forgets which branch was taken.

use std::collections::{HashSet, VecDeque};
use std::fmt;

use serde::Serialize;

use super::model::{Action, RolloutModel};
use super::state::{RolloutState, TaskState, UpdateState, Version};

/// A task's state as an observer of the engine tells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TaskClass {
    /// No node yet (NEW, PENDING).
    Pending,
    /// On a node, not running yet (ASSIGNED..STARTING, including READY while a delayed start
    /// waits).
    Starting,
    Running,
    /// Ended by itself; the manager counted it (if it counts) but the restart supervisor has
    /// not handled it yet (model only).
    Failed,
    /// Ended by itself, told to stop, and nothing replaced it (restart condition none).
    Dead,
    /// Engine only: ended by itself, still desired running: the agent's report is in the store
    /// but no part of the manager has reacted yet, so the model may be just before the
    /// failure (Starting or Running) or just after it (Failed, Dead): see `readings`.
    Ended,
}

/// One task of a slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct TaskObs {
    pub version: Version,
    pub class: TaskClass,
    /// Created by the restart supervisor. Without it, slots could trade places between two
    /// looks (they are compared as a multiset): a failure of the updater's task in one slot
    /// would pass for a restarted task's failure in the other, which is never counted.
    pub restarted: bool,
}

impl TaskObs {
    pub fn new(version: Version, class: TaskClass, restarted: bool) -> TaskObs {
        TaskObs {
            version,
            class,
            restarted,
        }
    }
}

/// What one look at the service shows.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Observation {
    pub status: UpdateState,
    /// Per slot, its tasks not told to stop (sorted); slots sorted.
    pub slots: Vec<Vec<TaskObs>>,
    /// Tasks told to stop that still hold their node (observed ASSIGNED..RUNNING).
    pub stopping: u32,
}

impl Observation {
    /// The observation, normalized: slots are compared as a multiset.
    pub fn new(status: UpdateState, mut slots: Vec<Vec<TaskObs>>, stopping: u32) -> Observation {
        for s in &mut slots {
            s.sort_unstable();
        }
        slots.sort_unstable();
        Observation {
            status,
            slots,
            stopping,
        }
    }

    /// What the model's state `s` looks like.
    pub fn of_model(m: &RolloutModel, s: &RolloutState) -> Observation {
        let mut stopping: u32 = (0..m.node_names.len())
            .map(|n| u32::from(s.draining(n)))
            .sum();
        let slots = (0..m.slots())
            .map(|i| {
                let sl = s.slot(i);
                let mut tasks = Vec::new();
                for t in [sl.cur, sl.rep] {
                    let class = match t.state {
                        TaskState::None | TaskState::Dead => continue,
                        TaskState::Stopping => {
                            stopping += 1;
                            continue;
                        }
                        TaskState::Pending => TaskClass::Pending,
                        TaskState::Assigned => TaskClass::Starting,
                        TaskState::Running => TaskClass::Running,
                        TaskState::Failed => TaskClass::Failed,
                    };
                    tasks.push(TaskObs::new(t.version, class, t.restarted));
                }
                if tasks.is_empty() && sl.rep.state == TaskState::Dead {
                    tasks.push(TaskObs::new(
                        sl.rep.version,
                        TaskClass::Dead,
                        sl.rep.restarted,
                    ));
                }
                tasks
            })
            .collect();
        Observation::new(s.status(), slots, stopping)
    }

    /// What the engine shows: the service's `UpdateStatus.State` (absent before the updater
    /// starts) and its tasks in creation order (`EngineTask`); slots are grouped by key.
    pub fn of_engine(status: Option<&str>, tasks: &[EngineTask]) -> Result<Observation, String> {
        let status = match status.unwrap_or("") {
            // controlapi resets the status when the spec changes; the updater sets UPDATING.
            "" | "updating" => UpdateState::Updating,
            "paused" => UpdateState::Paused,
            "completed" => UpdateState::Completed,
            "rollback_started" => UpdateState::RollbackStarted,
            "rollback_paused" => UpdateState::RollbackPaused,
            "rollback_completed" => UpdateState::RollbackCompleted,
            other => return Err(format!("unknown update state {other:?}")),
        };
        let mut keys: Vec<&str> = tasks.iter().map(|t| t.slot.as_str()).collect();
        keys.sort_unstable();
        keys.dedup();
        let mut stopping = 0;
        let mut slots = Vec::with_capacity(keys.len());
        for key in keys {
            let history: Vec<&EngineTask> = tasks.iter().filter(|t| t.slot == key).collect();
            let mut live = Vec::new();
            for (k, t) in history.iter().enumerate() {
                let state = engine_state(&t.state)?;
                // A task is the restart supervisor's when an earlier task of its version in the
                // slot ended by itself (the updater replaces tasks of the other version).
                let restarted = history[..k]
                    .iter()
                    .any(|p| p.version == t.version && ended_by_itself(&p.state));
                match (t.desired.as_str(), state) {
                    ("running" | "ready", s) => {
                        let class = if s < ASSIGNED {
                            TaskClass::Pending
                        } else if s < RUNNING {
                            TaskClass::Starting
                        } else if s == RUNNING {
                            TaskClass::Running
                        } else {
                            TaskClass::Ended
                        };
                        live.push(TaskObs::new(t.version, class, restarted));
                    }
                    ("shutdown" | "remove", s) if (ASSIGNED..=RUNNING).contains(&s) => {
                        stopping += 1
                    }
                    ("shutdown" | "remove", _) => {}
                    (d, _) => return Err(format!("unknown desired state {d:?}")),
                }
            }
            if let (true, Some(last)) = (live.is_empty(), history.last()) {
                if ended_by_itself(&last.state) {
                    let restarted = history[..history.len() - 1]
                        .iter()
                        .any(|p| p.version == last.version && ended_by_itself(&p.state));
                    live.push(TaskObs::new(last.version, TaskClass::Dead, restarted));
                }
            }
            slots.push(live);
        }
        Ok(Observation::new(status, slots, stopping))
    }
}

impl Observation {
    /// The model observations this one may be: every `Ended` task read as each of the classes
    /// it may be in the model (a failure the manager has not reacted to is, for the model, about
    /// to happen or just happened; the updater and the restart supervisor react to the same
    /// store event in either order).
    pub fn readings(&self) -> Vec<Observation> {
        const ENDED_AS: [TaskClass; 4] = [
            TaskClass::Starting,
            TaskClass::Running,
            TaskClass::Failed,
            TaskClass::Dead,
        ];
        let mut out = vec![self.clone()];
        for (i, slot) in self.slots.iter().enumerate() {
            for (j, t) in slot.iter().enumerate() {
                if t.class != TaskClass::Ended {
                    continue;
                }
                out = out
                    .into_iter()
                    .flat_map(|o| {
                        ENDED_AS.iter().map(move |&class| {
                            let mut o = o.clone();
                            o.slots[i][j].class = class;
                            o
                        })
                    })
                    .collect();
            }
        }
        let mut out: Vec<Observation> = out
            .into_iter()
            .map(|o| Observation::new(o.status, o.slots, o.stopping))
            .collect();
        out.sort_unstable_by_key(ToString::to_string);
        out.dedup();
        out
    }
}

/// Observed task states in swarmkit's order (`api/types.proto: TaskState`).
const ASSIGNED: u8 = 2;
const RUNNING: u8 = 7;

fn engine_state(s: &str) -> Result<u8, String> {
    const ORDER: [&str; 14] = [
        "new",
        "pending",
        "assigned",
        "accepted",
        "preparing",
        "ready",
        "starting",
        "running",
        "complete",
        "shutdown",
        "failed",
        "rejected",
        "remove",
        "orphaned",
    ];
    ORDER
        .iter()
        .position(|o| *o == s)
        .map(|p| p as u8)
        .ok_or_else(|| format!("unknown task state {s:?}"))
}

/// The task stopped without being told to: COMPLETE, FAILED or REJECTED.
fn ended_by_itself(state: &str) -> bool {
    matches!(state, "complete" | "failed" | "rejected")
}

/// One task as the engine's task list shows it (`GET /tasks`): its slot (the slot number, or
/// the node for a global service), the version of the spec it runs, and its desired and
/// observed state in the API's lower-case words. Written and read as `slot:version:desired:state`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EngineTask {
    pub slot: String,
    pub version: Version,
    pub desired: String,
    pub state: String,
}

impl fmt::Display for EngineTask {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = self.version.as_str();
        write!(f, "{}:{v}:{}:{}", self.slot, self.desired, self.state)
    }
}

impl std::str::FromStr for EngineTask {
    type Err = String;
    fn from_str(s: &str) -> Result<EngineTask, String> {
        let parts: Vec<&str> = s.split(':').collect();
        let [slot, version, desired, state] = parts[..] else {
            return Err(format!("not slot:version:desired:state: {s:?}"));
        };
        let version = match version {
            "old" => Version::Old,
            "new" => Version::New,
            v => return Err(format!("unknown version {v:?}")),
        };
        Ok(EngineTask {
            slot: slot.to_string(),
            version,
            desired: desired.to_string(),
            state: state.to_string(),
        })
    }
}

impl fmt::Display for TaskObs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let restarted = if self.restarted { " (restarted)" } else { "" };
        write!(f, "{} {:?}{restarted}", self.version.as_str(), self.class)
    }
}

impl fmt::Display for Observation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.status.as_str())?;
        for s in &self.slots {
            let tasks: Vec<String> = s.iter().map(ToString::to_string).collect();
            write!(f, " [{}]", tasks.join(", "))?;
        }
        write!(f, " stopping={}", self.stopping)
    }
}

/// One entry of a recorded trace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum TraceStep {
    /// One look at the engine.
    Observed(Observation),
    /// The user ran `docker service rollback` here.
    ManualRollback,
}

/// The outcome of validating a trace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum TraceVerdict {
    /// A model path passes through every observation in order and ends in the last one's
    /// (terminal) update state.
    Matched {
        observations: usize,
        /// Model states visited over all steps.
        states: usize,
    },
    /// No model path explains observation `step` (0-based, counting every trace entry).
    Unmatched {
        step: usize,
        observed: Observation,
        /// A few observations the model can reach there instead (same update state first).
        reachable: Vec<Observation>,
    },
    /// Every observation is matched, but the last one's update state is still active: the
    /// trace does not show the update's end. `stuck`: some matching model state has no next
    /// event (the update hangs there, property `progress`).
    Unfinished { status: UpdateState, stuck: bool },
    /// More than the budget of states between two observations: no verdict.
    OutOfBudget { step: usize, states: usize },
}

/// Validates `trace` against the model `m` from its initial state, visiting at most
/// `max_states` model states between two consecutive observations.
pub fn validate(m: &RolloutModel, trace: &[TraceStep], max_states: usize) -> TraceVerdict {
    let mut candidates = vec![m.initial_state()];
    let mut visited = 0;
    let mut last_status = None;
    for (step, entry) in trace.iter().enumerate() {
        match entry {
            TraceStep::ManualRollback => {
                candidates = candidates.iter().map(|s| m.manual_rollback(s)).collect();
            }
            TraceStep::Observed(o) => {
                let reached = match advance(m, &candidates, o, max_states) {
                    Ok(reached) => reached,
                    Err(states) => return TraceVerdict::OutOfBudget { step, states },
                };
                visited += reached.visited;
                if reached.matched.is_empty() {
                    return TraceVerdict::Unmatched {
                        step,
                        observed: o.clone(),
                        reachable: reached.alternatives,
                    };
                }
                candidates = reached.matched;
                last_status = Some(o.status);
            }
        }
    }
    match last_status {
        Some(status) if status.is_active() => {
            let mut actions = Vec::new();
            let stuck = candidates.iter().any(|s| {
                actions.clear();
                m.settle_actions(s, &mut actions);
                actions.is_empty()
            });
            TraceVerdict::Unfinished { status, stuck }
        }
        _ => TraceVerdict::Matched {
            observations: trace
                .iter()
                .filter(|e| matches!(e, TraceStep::Observed(_)))
                .count(),
            states: visited,
        },
    }
}

/// Alternatives shown when an observation is not matched.
const SHOWN_ALTERNATIVES: usize = 4;

/// What one step of the validation reached.
struct Reached {
    /// The states that look like the observation.
    matched: Vec<RolloutState>,
    visited: usize,
    /// For a report when nothing matches: a few observations that were reachable.
    alternatives: Vec<Observation>,
}

/// Every state reachable from `from` (zero steps included) that looks like `target`, up to the
/// symmetry of the search (states equal up to renaming slots and equivalent nodes look alike
/// and have renamed successors). `Err` (the states visited) past `max_states`.
fn advance(
    m: &RolloutModel,
    from: &[RolloutState],
    target: &Observation,
    max_states: usize,
) -> Result<Reached, usize> {
    let mut seen: HashSet<Vec<u8>> = HashSet::new();
    let mut queue = VecDeque::new();
    let key = |s: &RolloutState| {
        let mut k = Vec::new();
        m.search_key(s, &mut k);
        k
    };
    for s in from {
        if seen.insert(key(s)) {
            queue.push_back(s.clone());
        }
    }
    let targets = target.readings();
    let (mut matched, mut same_status, mut other) = (Vec::new(), Vec::new(), Vec::new());
    let mut actions: Vec<Action> = Vec::new();
    while let Some(s) = queue.pop_front() {
        let o = Observation::of_model(m, &s);
        if targets.contains(&o) {
            matched.push(s.clone());
        } else {
            let shown = if o.status == target.status {
                &mut same_status
            } else {
                &mut other
            };
            if shown.len() < SHOWN_ALTERNATIVES && !shown.contains(&o) {
                shown.push(o);
            }
        }
        actions.clear();
        m.settle_actions(&s, &mut actions);
        for &a in &actions {
            let mut t = s.clone();
            m.apply(&mut t, a);
            if seen.insert(key(&t)) {
                if seen.len() > max_states {
                    return Err(seen.len());
                }
                queue.push_back(t);
            }
        }
    }
    same_status.extend(other);
    same_status.truncate(SHOWN_ALTERNATIVES);
    Ok(Reached {
        matched,
        visited: seen.len(),
        alternatives: same_status,
    })
}

#[cfg(test)]
mod tests;
