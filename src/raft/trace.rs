//! Counterexamples: the shortest path to a state that breaks a property, found by our own
//! breadth-first search (stateright's BFS does not keep the shortest discovery, see
//! rust-stack.md §1e), and an independent replay that every trace passes before it is shown.

use std::cmp::{Ordering, Reverse};
use std::collections::hash_map::DefaultHasher;
use std::collections::{BinaryHeap, HashMap};
use std::hash::{Hash, Hasher};

use serde::{Serialize, Serializer};
use stateright::{Expectation, Path};

use super::model::{Action, RaftModel, RaftState};
use super::properties;
use super::symmetry::representative;

/// One step: the action taken and the state it leads to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub action: Action,
    pub state: RaftState,
}

/// A path from the initial state to a state where `property` fails (or, for a reachability
/// property, holds).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trace {
    pub property: &'static str,
    pub init: RaftState,
    pub steps: Vec<Step>,
}

impl Trace {
    pub fn actions(&self) -> Vec<Action> {
        self.steps.iter().map(|s| s.action).collect()
    }

    pub fn last_state(&self) -> &RaftState {
        self.steps.last().map_or(&self.init, |s| &s.state)
    }

    /// A path reported by a stateright checker.
    pub fn from_path(property: &'static str, path: Path<RaftState, Action>) -> Option<Trace> {
        let mut pairs = path.into_vec().into_iter();
        let (init, mut action) = pairs.next()?;
        let mut steps = Vec::new();
        for (state, next_action) in pairs {
            steps.push(Step {
                action: action?,
                state,
            });
            action = next_action;
        }
        Some(Trace {
            property,
            init,
            steps,
        })
    }
}

impl Serialize for Trace {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct StepView<'a> {
            action: &'a Action,
            description: String,
            servers: Vec<String>,
        }
        #[derive(Serialize)]
        struct TraceView<'a> {
            property: &'a str,
            steps: Vec<StepView<'a>>,
        }
        TraceView {
            property: self.property,
            steps: self
                .steps
                .iter()
                .map(|st| StepView {
                    action: &st.action,
                    description: super::render::describe_action(&st.action),
                    servers: st
                        .state
                        .servers
                        .iter()
                        .take(usize::from(st.state.managers))
                        .map(|v| format!("{v:?}"))
                        .collect(),
                })
                .collect(),
        }
        .serialize(s)
    }
}

/// How a bounded search ended; it comes with the number of states visited.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Search {
    Found(Box<Trace>),
    /// Every reachable state was visited: no such state exists.
    Exhausted,
    /// The state budget ran out first.
    Cut,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReplayError {
    #[error("unknown property `{0}`")]
    UnknownProperty(String),
    #[error("the trace does not start in the initial state")]
    BadInit,
    #[error("step {0}: the action is not enabled")]
    NotEnabled(usize),
    #[error("step {0}: the action does not lead to the recorded state")]
    WrongState(usize),
    #[error("step {0}: the property already fails before the last step")]
    EarlyViolation(usize),
    #[error("the last state does not exhibit the property's discovery")]
    NoDiscovery,
}

fn fingerprint(s: &RaftState) -> u64 {
    let mut h = DefaultHasher::new();
    representative(s).hash(&mut h);
    h.finish()
}

/// Whether `s` is a discovery for `property`: a violation of a safety property, or an
/// example of a reachability property.
fn is_discovery(
    model: &RaftModel,
    property: &stateright::Property<RaftModel>,
    s: &RaftState,
) -> bool {
    let holds = (property.condition)(model, s);
    match property.expectation {
        Expectation::Sometimes => holds,
        Expectation::Always | Expectation::Eventually => !holds,
    }
}

/// The shortest path to a discovery of `property`, visiting at most `max_states` states up to
/// symmetry. `None` if the property does not exist.
pub fn shortest(
    model: &RaftModel,
    property: &'static str,
    max_states: usize,
) -> Option<(Search, usize)> {
    let prop = properties::by_name(property)?;
    Some(breadth_first(model, &[prop], max_states))
}

/// The shortest path to a violation of any safety property of the model.
pub fn first_violation(model: &RaftModel, max_states: usize) -> (Search, usize) {
    let safety: Vec<_> = properties::all()
        .into_iter()
        .filter(properties::is_safety)
        .collect();
    breadth_first(model, &safety, max_states)
}

/// Breadth-first search for a discovery of any of `props`, so the first one found is at
/// minimal depth; the trace names the property it is a discovery for.
fn breadth_first(
    model: &RaftModel,
    props: &[stateright::Property<RaftModel>],
    max_states: usize,
) -> (Search, usize) {
    best_first(model, props, max_states, |_| 0, |_| true)
}

/// A directed search for a violation of any safety property, for when breadth-first search
/// runs out of budget: states whose logs hold more distinct terms are expanded first (ties
/// breadth-first), since a lost committed entry needs logs that diverged across terms, and
/// leaders never step down by CheckQuorum (a step-down is never needed: a higher term deposes
/// a leader just as well). Both choices only decide which reachable states are visited, so a
/// trace found is a real run of the full model (and is replayed on it), but it is not known
/// to be shortest, and finding nothing proves nothing.
pub fn directed_violation(model: &RaftModel, max_states: usize) -> (Search, usize) {
    let safety: Vec<_> = properties::all()
        .into_iter()
        .filter(properties::is_safety)
        .collect();
    let (search, states) = best_first(model, &safety, max_states, distinct_log_terms, |a| {
        !matches!(a, Action::StepDown { .. })
    });
    match search {
        // The step-downs left out may lead elsewhere.
        Search::Exhausted => (Search::Cut, states),
        other => (other, states),
    }
}

/// How many distinct terms the managers' log entries carry.
fn distinct_log_terms(s: &RaftState) -> u32 {
    let seen = s
        .servers
        .iter()
        .take(usize::from(s.managers))
        .flat_map(|v| v.log.terms())
        .fold(0u32, |seen, t| seen | 1 << t);
    seen.count_ones()
}

/// A state waiting to be expanded, ordered by priority, then depth, then age (all reversed
/// but the priority, so that the heap pops the oldest shallowest state of highest priority).
struct Queued {
    key: (u32, Reverse<u32>, Reverse<u64>),
    state: RaftState,
    fp: u64,
}

impl PartialEq for Queued {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

impl Eq for Queued {}

impl PartialOrd for Queued {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Queued {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key.cmp(&other.key)
    }
}

/// Search for a discovery of any of `props` that takes only `allowed` actions and expands
/// states in order of `priority` (highest first), then depth: with a constant priority it is
/// breadth-first, so the first discovery is at minimal depth. Every state reached (up to
/// symmetry) is expanded at most once, so with every action allowed an empty queue means there
/// is no discovery, whatever the priority.
fn best_first(
    model: &RaftModel,
    props: &[stateright::Property<RaftModel>],
    max_states: usize,
    priority: fn(&RaftState) -> u32,
    allowed: fn(&Action) -> bool,
) -> (Search, usize) {
    let found = |s: &RaftState| {
        props
            .iter()
            .find(|p| is_discovery(model, p, s))
            .map(|p| p.name)
    };
    let init = model.init_state();
    let init_fp = fingerprint(&init);
    // Fingerprint of a visited state -> (parent fingerprint, index of the action taken).
    let mut parents: HashMap<u64, (u64, u32)> = HashMap::new();
    parents.insert(init_fp, (init_fp, u32::MAX));
    let rebuilt = |parents: &HashMap<u64, (u64, u32)>, name, fp| {
        let search = match rebuild(model, name, parents, fp) {
            Some(t) => Search::Found(Box::new(t)),
            None => Search::Cut,
        };
        (search, parents.len())
    };
    if let Some(name) = found(&init) {
        return rebuilt(&parents, name, init_fp);
    }
    let mut queue = BinaryHeap::new();
    let mut age = 0u64;
    queue.push(Queued {
        key: (priority(&init), Reverse(0), Reverse(age)),
        state: init,
        fp: init_fp,
    });
    let mut actions = Vec::new();
    while let Some(Queued { key, state, fp }) = queue.pop() {
        let depth = key.1 .0.saturating_add(1);
        actions.clear();
        model.enabled(&state, &mut actions);
        for (index, &action) in actions.iter().enumerate() {
            if !allowed(&action) {
                continue;
            }
            let Some(succ) = model.step(&state, action) else {
                continue;
            };
            let succ_fp = fingerprint(&succ);
            if parents.contains_key(&succ_fp) {
                continue;
            }
            parents.insert(succ_fp, (fp, index as u32));
            if let Some(name) = found(&succ) {
                return rebuilt(&parents, name, succ_fp);
            }
            if parents.len() >= max_states {
                return (Search::Cut, parents.len());
            }
            age += 1;
            queue.push(Queued {
                key: (priority(&succ), Reverse(depth), Reverse(age)),
                state: succ,
                fp: succ_fp,
            });
        }
    }
    (Search::Exhausted, parents.len())
}

/// Follows parent links back to the root and re-executes the action indices forward. The
/// stored state of each fingerprint is the one reached along its own parent chain, so the
/// indices apply to exactly the states the search expanded.
fn rebuild(
    model: &RaftModel,
    property: &'static str,
    parents: &HashMap<u64, (u64, u32)>,
    target: u64,
) -> Option<Trace> {
    let mut indices = Vec::new();
    let mut fp = target;
    while let Some(&(parent, index)) = parents.get(&fp) {
        if index == u32::MAX {
            break;
        }
        indices.push(index as usize);
        fp = parent;
    }
    indices.reverse();
    let init = model.init_state();
    let mut state = init.clone();
    let mut steps = Vec::new();
    let mut actions = Vec::new();
    for index in indices {
        actions.clear();
        model.enabled(&state, &mut actions);
        let action = *actions.get(index)?;
        state = model.step(&state, action)?;
        steps.push(Step {
            action,
            state: state.clone(),
        });
    }
    Some(Trace {
        property,
        init,
        steps,
    })
}

/// Executes `actions` from the initial state, stopping at the first discovery of `property`;
/// `None` if an action is not enabled, changes nothing, or no discovery happens.
pub fn from_actions(
    model: &RaftModel,
    property: &'static str,
    actions: &[Action],
) -> Option<Trace> {
    let prop = properties::by_name(property)?;
    let init = model.init_state();
    let mut state = init.clone();
    let mut steps = Vec::new();
    let mut enabled = Vec::new();
    if is_discovery(model, &prop, &state) {
        return Some(Trace {
            property,
            init,
            steps,
        });
    }
    for &action in actions {
        enabled.clear();
        model.enabled(&state, &mut enabled);
        if !enabled.contains(&action) {
            return None;
        }
        state = model.step(&state, action)?;
        steps.push(Step {
            action,
            state: state.clone(),
        });
        if is_discovery(model, &prop, &state) {
            return Some(Trace {
                property,
                init,
                steps,
            });
        }
    }
    None
}

/// Shortens a trace greedily: drops any single step whose removal still leads to a discovery,
/// until no step can go. The result is locally minimal, not necessarily shortest; it is used
/// when the breadth-first search runs out of budget.
pub fn shrink(model: &RaftModel, trace: Trace) -> Trace {
    let mut best = trace;
    'outer: loop {
        let actions: Vec<Action> = best.steps.iter().map(|s| s.action).collect();
        for skip in 0..actions.len() {
            let fewer: Vec<Action> = actions
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != skip)
                .map(|(_, a)| *a)
                .collect();
            if let Some(t) = from_actions(model, best.property, &fewer) {
                best = t;
                continue 'outer;
            }
        }
        return best;
    }
}

/// Checks `trace` against the model step by step: it starts in the initial state, every
/// action is enabled and leads to the recorded state, the property's discovery happens at the
/// last state and (for a safety property) not before.
pub fn replay(model: &RaftModel, trace: &Trace) -> Result<(), ReplayError> {
    let prop = properties::by_name(trace.property)
        .ok_or_else(|| ReplayError::UnknownProperty(trace.property.to_string()))?;
    if trace.init != model.init_state() {
        return Err(ReplayError::BadInit);
    }
    let mut state = &trace.init;
    let mut actions = Vec::new();
    for (i, step) in trace.steps.iter().enumerate() {
        if prop.expectation == Expectation::Always && is_discovery(model, &prop, state) {
            return Err(ReplayError::EarlyViolation(i));
        }
        actions.clear();
        model.enabled(state, &mut actions);
        if !actions.contains(&step.action) {
            return Err(ReplayError::NotEnabled(i + 1));
        }
        if model.step(state, step.action).as_ref() != Some(&step.state) {
            return Err(ReplayError::WrongState(i + 1));
        }
        state = &step.state;
    }
    if !is_discovery(model, &prop, state) {
        return Err(ReplayError::NoDiscovery);
    }
    Ok(())
}
