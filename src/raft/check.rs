//! Model checking the Raft model: stateright's DFS with symmetry reduction decides every
//! property over the bounded state space; a failing safety property then gets the shortest
//! counterexample from our own BFS, replayed before it is reported. A search cut by the state
//! budget or the timeout proves nothing, and says so.

use std::time::{Duration, Instant};

use serde::Serialize;
use stateright::{Checker, Expectation, HasDiscoveries, Model};

use super::codes;
use super::model::RaftModel;
use super::properties;
use super::symmetry::representative;
use super::trace::{
    directed_violation, first_violation, from_actions, replay, shortest, shrink, Search, Trace,
};
use crate::diagnostics::Diagnostic;
use crate::report::{Status, Verdict};

/// How hard to look.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckOptions {
    pub threads: usize,
    /// Generated states after which the search stops (and becomes inconclusive).
    pub max_states: usize,
    pub timeout: Option<Duration>,
    /// States the breadth-first search for a shortest counterexample may visit before it
    /// gives way to shrinking the depth-first one.
    pub bfs_states: usize,
    /// States the directed search for a variant's counterexample may visit after the
    /// breadth-first budget runs out.
    pub directed_states: usize,
    /// Symmetry reduction over managers (sound; off only to measure it).
    pub symmetry: bool,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            threads: 1,
            max_states: 100_000_000,
            timeout: None,
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

/// Checks every property of `model` within `options`. A teaching variant is first searched
/// breadth-first for its shortest violation (depth-first search wanders far before it meets
/// one), then, if that budget runs out, by the directed search with the same budget; the
/// correct model, or a variant without a violation found so, is checked exhaustively by
/// stateright's DFS.
pub fn check(model: &RaftModel, options: &CheckOptions) -> (RaftCheck, Vec<Diagnostic>) {
    let start = Instant::now();
    if model.variant.is_some() {
        let (search, states) = first_violation(model, options.bfs_states);
        let cut = search == Search::Cut;
        if let Search::Found(trace) = search {
            if replay(model, &trace).is_ok() {
                return first_violation_result(model, *trace, states, true, start);
            }
        }
        if cut {
            let (directed, more) = directed_violation(model, options.directed_states);
            let states = states.saturating_add(more);
            if let Search::Found(trace) = directed {
                let trace = shrink(model, *trace);
                if replay(model, &trace).is_ok() {
                    return first_violation_result(model, trace, states, false, start);
                }
            }
        }
    }
    let mut builder = model
        .clone()
        .checker()
        .threads(options.threads.max(1))
        .target_state_count(options.max_states);
    if options.symmetry {
        builder = builder.symmetry_fn(representative);
    }
    if let Some(t) = options.timeout {
        // The timeout bounds the whole check, the searches for a variant's violation included.
        builder = builder.timeout(
            t.saturating_sub(start.elapsed())
                .max(Duration::from_millis(1)),
        );
    }
    if model.variant.is_some() {
        // A variant exists to show its counterexample; stop at the first one.
        builder = builder.finish_when(HasDiscoveries::AnyFailures);
    }
    let checker = builder.spawn_dfs().join();
    let elapsed = start.elapsed();
    let discoveries = checker.discoveries();
    let cut = checker.state_count() >= options.max_states
        || options.timeout.is_some_and(|t| elapsed >= t);
    let failed_early = model.variant.is_some()
        && model
            .properties()
            .iter()
            .any(|p| p.expectation == Expectation::Always && discoveries.contains_key(p.name));
    let complete = !cut && !failed_early;

    let mut diags = Vec::new();
    let mut verdicts = Vec::new();
    for prop in model.properties() {
        let found = discoveries.get(prop.name).cloned();
        let safety = properties::is_safety(&prop);
        let mut verdict = PropertyVerdict::undecided(&prop);
        match (safety, found) {
            (true, Some(path)) => {
                let trace = shortest_counterexample(model, prop.name, options.bfs_states)
                    .map(|t| (t, true))
                    .or_else(|| {
                        let t = Trace::from_path(prop.name, path)?;
                        let t = from_actions(model, prop.name, &t.actions())?;
                        Some((shrink(model, t), false))
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
    if cut {
        diags.push(
            Diagnostic::warning(
                &codes::RAFT_SEARCH_INCOMPLETE,
                format!(
                    "the search stopped after {} states without exploring them all",
                    checker.state_count()
                ),
            )
            .with_help("lower the bounds or raise the budget"),
        );
    }
    let result = RaftCheck {
        model: model.clone(),
        complete,
        unique_states: checker.unique_state_count(),
        generated_states: checker.state_count(),
        max_depth: checker.max_depth(),
        elapsed_ms: u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX),
        properties: verdicts,
    };
    (result, diags)
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
    start: Instant,
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
        unique_states: states,
        generated_states: states,
        max_depth,
        elapsed_ms: u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX),
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
    match shortest(model, property, max_states)?.0 {
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
