//! Model checking the Raft model on the engine (`crate::modelcheck`): its depth-first strategy
//! with symmetry reduction decides every property over the bounded state space; a failing
//! safety property then gets the shortest counterexample from its breadth-first one, replayed
//! before it is reported. One deadline bounds every search of a check; a search cut by the
//! state budget or the deadline proves nothing, and says which bound stopped it.

use std::collections::HashMap;

use serde::Serialize;
use stateright::{Expectation, Model};

use super::codes;
use super::model::RaftModel;
use super::properties;
use super::symmetry::representative;
use super::trace::{
    directed_violation_within, first_violation_within, from_actions, replay, shortest,
    shrink_within, Search, Trace,
};
use crate::deadline::{Deadline, Stopwatch};
use crate::diagnostics::Diagnostic;
use crate::modelcheck::{self, Bounds, Cutoff, DfsOptions, DfsResult, Progress};
use crate::report::{Status, Verdict};

/// How hard to look.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckOptions {
    pub threads: usize,
    /// Generated states after which the search stops (and becomes inconclusive).
    pub max_states: usize,
    /// When every search of the check stops.
    pub deadline: Deadline,
    /// The memory budget of each search (bytes of its own visited set and queue).
    pub max_bytes: usize,
    /// States the breadth-first search for a shortest counterexample may visit before it
    /// gives way to shrinking the depth-first one.
    pub bfs_states: usize,
    /// States the directed search for a variant's counterexample may visit after the
    /// breadth-first budget runs out.
    pub directed_states: usize,
    /// Symmetry reduction over managers (sound; off only to measure it).
    pub symmetry: bool,
}

impl CheckOptions {
    /// A search's bounds: `max_states`, the memory budget and what is left of the deadline.
    fn bounds(&self, max_states: usize) -> Bounds {
        Bounds {
            max_states,
            max_bytes: self.max_bytes,
            ..Bounds::states(max_states)
        }
        .until(self.deadline)
    }
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            threads: 1,
            max_states: 100_000_000,
            deadline: Deadline::NEVER,
            max_bytes: usize::MAX,
            bfs_states: 2_000_000,
            directed_states: 1_000_000,
            symmetry: true,
        }
    }
}

/// One property's verdict.
#[derive(Clone, Debug, Serialize)]
pub struct PropertyVerdict {
    pub name: &'static str,
    /// `safety` (always) or `reachability` (sometimes).
    pub kind: &'static str,
    pub status: Status,
    /// Why a safety property fails, in one sentence.
    pub explanation: Option<String>,
    /// The shortest replayed counterexample of a failing safety property.
    pub counterexample: Option<Trace>,
    /// The counterexample is a shortest one (breadth-first); otherwise it is the depth-first
    /// or directed search's discovery, shrunk until no single step can go.
    pub shortest: bool,
}

impl PropertyVerdict {
    /// A property not decided yet: unknown, with no evidence.
    fn undecided(prop: &stateright::Property<RaftModel>) -> Self {
        PropertyVerdict {
            name: prop.name,
            kind: if properties::is_safety(prop) {
                "safety"
            } else {
                "reachability"
            },
            status: Status::Unknown,
            explanation: None,
            counterexample: None,
            shortest: false,
        }
    }
}

/// The result of `swarmproof raft`.
#[derive(Clone, Debug, Serialize)]
pub struct RaftCheck {
    pub model: RaftModel,
    /// Every reachable state (up to symmetry) was explored.
    pub complete: bool,
    /// The bound that stopped the search, if one did.
    pub cutoff: Option<Cutoff>,
    pub unique_states: usize,
    pub generated_states: usize,
    pub max_depth: usize,
    pub elapsed_ms: u64,
    pub properties: Vec<PropertyVerdict>,
}

impl RaftCheck {
    /// Violated if a safety property fails; holds only if every safety property was proved.
    pub fn verdict(&self) -> Verdict {
        let safety = self.properties.iter().filter(|p| p.kind == "safety");
        let status = if safety.clone().any(|p| p.status == Status::Violated) {
            Status::Violated
        } else if safety.clone().all(|p| p.status == Status::Holds) {
            Status::Holds
        } else {
            Status::Unknown
        };
        let b = self.model.bounds;
        let summary = format!(
            "{} managers{}, term <= {}, log <= {}, crashes <= {}: {} ({} states{})",
            self.model.managers,
            self.model
                .variant
                .map_or(String::new(), |v| format!(", variant {v}")),
            b.max_term,
            b.max_log,
            b.max_crashes,
            status.as_str(),
            self.unique_states,
            if self.complete { "" } else { ", incomplete" }
        );
        Verdict::new(status, summary, self.clone())
    }
}

/// Checks every property of `model` within `options`; see [`check_with_progress`].
pub fn check(model: &RaftModel, options: &CheckOptions) -> (RaftCheck, Vec<Diagnostic>) {
    check_with_progress(model, options, &mut |_| {})
}

/// Checks every property of `model` within `options`, calling `progress` during the searches.
/// A teaching variant is first searched breadth-first for its shortest violation (depth-first
/// search wanders far before it meets one), then, if that budget runs out, by the directed
/// search with the same budget; the correct model, or a variant without a violation found so,
/// is checked exhaustively by the depth-first search.
pub fn check_with_progress(
    model: &RaftModel,
    options: &CheckOptions,
    progress: &mut dyn FnMut(Progress),
) -> (RaftCheck, Vec<Diagnostic>) {
    let watch = Stopwatch::start();
    let deadline = options.deadline;
    // States the searches for a variant's violation visited, when the deadline stopped them.
    let mut timed_out = None;
    if model.variant.is_some() {
        let bfs = options.bounds(options.bfs_states);
        let ((search, states), cut_by) = first_violation_within(model, bfs, progress);
        let cut = search == Search::Cut;
        if let Search::Found(trace) = search {
            if replay(model, &trace).is_ok() {
                return first_violation_result(model, *trace, states, true, watch);
            }
        }
        if cut_by == Some(Cutoff::Timeout) {
            timed_out = Some(states);
        } else if cut {
            let directed = options.bounds(options.directed_states);
            let ((search, more), cut_by) = directed_violation_within(model, directed, progress);
            let states = states.saturating_add(more);
            if cut_by == Some(Cutoff::Timeout) {
                timed_out = Some(states);
            }
            if let Search::Found(trace) = search {
                let trace = shrink_within(model, *trace, deadline);
                if replay(model, &trace).is_ok() {
                    return first_violation_result(model, trace, states, false, watch);
                }
            }
        }
    }
    // Past the deadline the depth-first search would stop at once: the searches that ran are
    // the ones to report.
    let searched = if let Some(states) = timed_out {
        DfsResult {
            cutoff: Some(Cutoff::Timeout),
            unique_states: states,
            generated_states: states,
            max_depth: 0,
            elapsed_ms: watch.elapsed_ms(),
            discoveries: HashMap::new(),
        }
    } else {
        modelcheck::dfs(
            model,
            &DfsOptions {
                threads: options.threads,
                max_states: options.max_states,
                max_bytes: options.max_bytes,
                symmetry: options.symmetry.then_some(representative as fn(&_) -> _),
                // A variant exists to show its counterexample; stop at the first one.
                stop_at_failure: model.variant.is_some(),
            },
            deadline,
            progress,
        )
    };
    let discoveries = searched.discoveries;
    let cutoff = searched.cutoff;
    let failed_early = model.variant.is_some()
        && model
            .properties()
            .iter()
            .any(|p| p.expectation == Expectation::Always && discoveries.contains_key(p.name));
    let complete = cutoff.is_none() && !failed_early;

    let mut diags = Vec::new();
    let mut verdicts = Vec::new();
    for prop in model.properties() {
        let found = discoveries.get(prop.name).cloned();
        let safety = properties::is_safety(&prop);
        let mut verdict = PropertyVerdict::undecided(&prop);
        match (safety, found) {
            (true, Some(path)) => {
                let bfs = options.bounds(options.bfs_states);
                let trace = shortest_counterexample_within(model, prop.name, bfs, progress)
                    .map(|t| (t, true))
                    .or_else(|| {
                        let t = Trace::from_path(prop.name, path)?;
                        let t = from_actions(model, prop.name, &t.actions())?;
                        Some((shrink_within(model, t, deadline), false))
                    })
                    .filter(|(t, _)| replay(model, t).is_ok());
                if let Some((trace, shortest)) = trace {
                    record_violation(model, &mut verdict, &mut diags, trace, shortest);
                }
            }
            (true, None) | (false, None) if complete => {
                verdict.status = if safety {
                    Status::Holds
                } else {
                    Status::Violated
                };
            }
            (false, Some(_)) => verdict.status = Status::Holds,
            _ => {}
        }
        verdicts.push(verdict);
    }
    if let Some(c) = cutoff {
        diags.push(
            Diagnostic::warning(
                &codes::RAFT_SEARCH_INCOMPLETE,
                format!(
                    "the search stopped {} after {} states without exploring them all",
                    stopped_at(c),
                    searched.generated_states
                ),
            )
            .with_help("lower the bounds or raise the budget"),
        );
    }
    let result = RaftCheck {
        model: model.clone(),
        complete,
        cutoff,
        unique_states: searched.unique_states,
        generated_states: searched.generated_states,
        max_depth: searched.max_depth,
        elapsed_ms: watch.elapsed_ms(),
        properties: verdicts,
    };
    (result, diags)
}

/// The bound, as the incomplete-search warning names it.
fn stopped_at(c: Cutoff) -> &'static str {
    match c {
        Cutoff::MaxStates => "at its state budget",
        Cutoff::Memory => "at its memory budget",
        Cutoff::Timeout => "at --timeout",
    }
}

/// Sets `verdict` to violated by the replayed `trace` and reports it.
fn record_violation(
    model: &RaftModel,
    verdict: &mut PropertyVerdict,
    diags: &mut Vec<Diagnostic>,
    trace: Trace,
    shortest: bool,
) {
    let why = properties::explain(model, trace.last_state(), trace.property);
    diags.push(
        violation(model, trace.property, &why, trace.steps.len(), shortest)
            .with_timeline(super::render::timeline(model, &trace)),
    );
    verdict.status = Status::Violated;
    verdict.shortest = shortest;
    verdict.explanation = Some(why);
    verdict.counterexample = Some(trace);
}

/// The result when breadth-first search met a violation first (or, past its budget, the
/// directed search did, its trace shrunk): that property is violated,
/// the other safety properties are unknown (the search stopped), and a reachability property
/// holds if the counterexample passes through a state that shows it.
fn first_violation_result(
    model: &RaftModel,
    trace: Trace,
    states: usize,
    shortest: bool,
    watch: Stopwatch,
) -> (RaftCheck, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut verdicts = Vec::new();
    let max_depth = trace.steps.len();
    let mut trace = Some(trace);
    for prop in model.properties() {
        let safety = properties::is_safety(&prop);
        let mut verdict = PropertyVerdict::undecided(&prop);
        match trace.take_if(|t| t.property == prop.name) {
            Some(t) => record_violation(model, &mut verdict, &mut diags, t, shortest),
            None if !safety => {
                let shown = verdicts
                    .iter()
                    .filter_map(|v: &PropertyVerdict| v.counterexample.as_ref())
                    .chain(trace.as_ref())
                    .any(|t| {
                        std::iter::once(&t.init)
                            .chain(t.steps.iter().map(|s| &s.state))
                            .any(|s| (prop.condition)(model, s))
                    });
                if shown {
                    verdict.status = Status::Holds;
                }
            }
            None => {}
        }
        verdicts.push(verdict);
    }
    let result = RaftCheck {
        model: model.clone(),
        complete: false,
        cutoff: None,
        unique_states: states,
        generated_states: states,
        max_depth,
        elapsed_ms: watch.elapsed_ms(),
        properties: verdicts,
    };
    (result, diags)
}

/// The shortest replayable counterexample to `property`, if the bounded BFS finds one.
pub fn shortest_counterexample(
    model: &RaftModel,
    property: &'static str,
    max_states: usize,
) -> Option<Trace> {
    shortest_counterexample_within(model, property, Bounds::states(max_states), &mut |_| {})
}

/// [`shortest_counterexample`] within `bounds`.
fn shortest_counterexample_within(
    model: &RaftModel,
    property: &'static str,
    bounds: Bounds,
    progress: &mut dyn FnMut(Progress),
) -> Option<Trace> {
    match shortest(model, property, bounds, progress)?.0 {
        Search::Found(trace) => replay(model, &trace).is_ok().then_some(*trace),
        Search::Exhausted | Search::Cut => None,
    }
}

fn violation(
    model: &RaftModel,
    property: &str,
    why: &str,
    steps: usize,
    shortest: bool,
) -> Diagnostic {
    let mut d = Diagnostic::error(
        &codes::RAFT_PROPERTY_VIOLATED,
        format!("{property} violated: {why}"),
    )
    .with_note(format!(
        "{}counterexample: {steps} steps, replayed on the model",
        if shortest { "shortest " } else { "" }
    ));
    if let Some(v) = model.variant {
        d = d.with_note(format!("variant `{v}` breaks the rule: {}", v.rule()));
    }
    d
}
