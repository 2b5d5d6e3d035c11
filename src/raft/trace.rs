//! Counterexamples: the shortest path to a state that breaks a property, found by the engine's
//! best-first search under a constant priority (breadth-first; stateright's BFS does not keep
//! the shortest discovery, see rust-stack.md §1e) or, directed, by a priority on the logs;
//! shrinking; and an independent replay that every trace passes before it is shown.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use serde::{Serialize, Serializer};
use stateright::{Expectation, Path};

use super::model::{Action, RaftModel, RaftState};
use super::properties;
use super::symmetry::representative;
use crate::deadline::Deadline;
use crate::modelcheck::{self, best_first, Bounds, Cutoff, Directed, Progress};

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

/// The shortest path to a discovery of `property` within `bounds` (states counted up to
/// symmetry). `None` if the property does not exist.
pub fn shortest(
    model: &RaftModel,
    property: &'static str,
    bounds: Bounds,
    progress: &mut dyn FnMut(Progress),
) -> Option<(Search, usize)> {
    let prop = properties::by_name(property)?;
    Some(breadth_first(model, &[prop], bounds, progress))
}

/// The shortest path to a violation of any safety property of the model.
pub fn first_violation(model: &RaftModel, max_states: usize) -> (Search, usize) {
    first_violation_within(model, Bounds::states(max_states), &mut |_| {}).0
}

/// [`first_violation`] within `bounds`, with the bound that stopped it.
pub fn first_violation_within(
    model: &RaftModel,
    bounds: Bounds,
    progress: &mut dyn FnMut(Progress),
) -> ((Search, usize), Option<Cutoff>) {
    safety_search(model, bounds, progress, &|_| 0, &|_| true)
}

/// A search for a discovery of any safety property, expanding states of higher `priority`
/// first and taking only `allowed` actions.
fn safety_search(
    model: &RaftModel,
    bounds: Bounds,
    progress: &mut dyn FnMut(Progress),
    priority: &dyn Fn(&RaftState) -> u32,
    allowed: &dyn Fn(&Action) -> bool,
) -> ((Search, usize), Option<Cutoff>) {
    let safety: Vec<_> = properties::all()
        .into_iter()
        .filter(properties::is_safety)
        .collect();
    let directed: Directed<RaftModel> = Directed {
        discovery: &|s| first_discovery(model, &safety, s),
        fingerprint: &fingerprint,
        priority,
        allowed,
        heap_bytes: &heap_bytes,
    };
    run(model, &directed, bounds, progress)
}

/// Breadth-first search for a discovery of any of `props`, so the first one found is at
/// minimal depth; the trace names the property it is a discovery for.
fn breadth_first(
    model: &RaftModel,
    props: &[stateright::Property<RaftModel>],
    bounds: Bounds,
    progress: &mut dyn FnMut(Progress),
) -> (Search, usize) {
    let directed: Directed<RaftModel> = Directed {
        discovery: &|s| first_discovery(model, props, s),
        fingerprint: &fingerprint,
        priority: &|_| 0,
        allowed: &|_| true,
        heap_bytes: &heap_bytes,
    };
    run(model, &directed, bounds, progress).0
}

/// A state's heap bytes: its two vectors, one allocation each (8 bytes of allocator header,
/// rounded up to 16, at least 32).
fn heap_bytes(s: &RaftState) -> usize {
    fn allocation<T>(v: &Vec<T>) -> usize {
        match v.capacity() * std::mem::size_of::<T>() {
            0 => 0,
            b => (b + 8).next_multiple_of(16).max(32),
        }
    }
    allocation(&s.network) + allocation(&s.committed)
}

/// The first of `props` that `s` is a discovery of.
fn first_discovery(
    model: &RaftModel,
    props: &[stateright::Property<RaftModel>],
    s: &RaftState,
) -> Option<&'static str> {
    props
        .iter()
        .find(|p| is_discovery(model, p, s))
        .map(|p| p.name)
}

/// Runs the engine's best-first search and rebuilds its discovery as a trace (a path that does
/// not rebuild counts as cut: it proves nothing).
fn run(
    model: &RaftModel,
    directed: &Directed<'_, RaftModel>,
    bounds: Bounds,
    progress: &mut dyn FnMut(Progress),
) -> ((Search, usize), Option<Cutoff>) {
    let (search, states) = best_first(model, directed, bounds, progress);
    match search {
        modelcheck::Search::Found(property, path) => {
            let search = match rebuild(model, property, &path) {
                Some(t) => Search::Found(Box::new(t)),
                None => Search::Cut,
            };
            ((search, states), None)
        }
        modelcheck::Search::Exhausted => ((Search::Exhausted, states), None),
        modelcheck::Search::Cut(c) => ((Search::Cut, states), Some(c)),
    }
}

/// A directed search for a violation of any safety property, for when breadth-first search
/// runs out of budget: states whose logs hold more distinct terms are expanded first (ties
/// breadth-first), since a lost committed entry needs logs that diverged across terms, and
/// leaders never step down by CheckQuorum (a step-down is never needed: a higher term deposes
/// a leader just as well). Both choices only decide which reachable states are visited, so a
/// trace found is a real run of the full model (and is replayed on it), but it is not known
/// to be shortest, and finding nothing proves nothing.
pub fn directed_violation(model: &RaftModel, max_states: usize) -> (Search, usize) {
    directed_violation_within(model, Bounds::states(max_states), &mut |_| {}).0
}

/// [`directed_violation`] within `bounds`, with the bound that stopped it.
pub fn directed_violation_within(
    model: &RaftModel,
    bounds: Bounds,
    progress: &mut dyn FnMut(Progress),
) -> ((Search, usize), Option<Cutoff>) {
    let no_step_down = |a: &Action| !matches!(a, Action::StepDown { .. });
    match safety_search(model, bounds, progress, &distinct_log_terms, &no_step_down) {
        // The step-downs left out may lead elsewhere.
        ((Search::Exhausted, states), _) => ((Search::Cut, states), None),
        other => other,
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

/// Re-executes a search's path (action indices after the initial state's) as a trace.
fn rebuild(model: &RaftModel, property: &'static str, path: &[usize]) -> Option<Trace> {
    let (states, actions) = modelcheck::replay(model, path)?;
    let mut states = states.into_iter();
    let init = states.next()?;
    Some(Trace {
        property,
        init,
        steps: actions
            .into_iter()
            .zip(states)
            .map(|(action, state)| Step { action, state })
            .collect(),
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
    shrink_within(model, trace, Deadline::NEVER)
}

/// [`shrink`], returning the trace shrunk so far when `deadline` passes.
pub fn shrink_within(model: &RaftModel, trace: Trace, deadline: Deadline) -> Trace {
    let property = trace.property;
    modelcheck::shrink(
        trace,
        Trace::actions,
        |actions| from_actions(model, property, actions),
        deadline,
    )
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
