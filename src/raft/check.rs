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
use super::trace::{replay, shortest, Search, Trace};
use crate::diagnostics::Diagnostic;
use crate::report::{Status, Verdict};

/// How hard to look.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckOptions {
    pub threads: usize,
    /// Generated states after which the search stops (and becomes inconclusive).
    pub max_states: usize,
    pub timeout: Option<Duration>,
    /// Symmetry reduction over managers (sound; off only to measure it).
    pub symmetry: bool,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            threads: 1,
            max_states: 100_000_000,
            timeout: None,
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
        Verdict {
            status,
            summary,
            details: serde_json::to_value(self).unwrap_or(serde_json::Value::Null),
        }
    }
}

/// Checks every property of `model` within `options`.
pub fn check(model: &RaftModel, options: &CheckOptions) -> (RaftCheck, Vec<Diagnostic>) {
    let start = Instant::now();
    let mut builder = model
        .clone()
        .checker()
        .threads(options.threads.max(1))
        .target_state_count(options.max_states);
    if options.symmetry {
        builder = builder.symmetry_fn(representative);
    }
    if let Some(t) = options.timeout {
        builder = builder.timeout(t);
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
        let mut verdict = PropertyVerdict {
            name: prop.name,
            kind: if safety { "safety" } else { "reachability" },
            status: Status::Unknown,
            explanation: None,
            counterexample: None,
        };
        match (safety, found) {
            (true, Some(path)) => {
                let trace = shortest_counterexample(model, prop.name, options.max_states)
                    .or_else(|| Trace::from_path(prop.name, path))
                    .filter(|t| replay(model, t).is_ok());
                if let Some(trace) = trace {
                    let why = properties::explain(model, trace.last_state(), prop.name);
                    diags.push(violation(model, prop.name, &why, trace.steps.len()));
                    verdict.status = Status::Violated;
                    verdict.explanation = Some(why);
                    verdict.counterexample = Some(trace);
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

/// The shortest replayable counterexample to `property`, if the bounded BFS finds one.
pub fn shortest_counterexample(
    model: &RaftModel,
    property: &'static str,
    max_states: usize,
) -> Option<Trace> {
    match shortest(model, property, max_states)? {
        Search::Found(trace) => replay(model, &trace).is_ok().then_some(trace),
        Search::Exhausted { .. } | Search::Cut { .. } => None,
    }
}

fn violation(model: &RaftModel, property: &str, why: &str, steps: usize) -> Diagnostic {
    let mut d = Diagnostic::error(
        &codes::RAFT_PROPERTY_VIOLATED,
        format!("{property} violated: {why}"),
    )
    .with_note(format!(
        "shortest counterexample: {steps} steps, replayed on the model"
    ));
    if let Some(v) = model.variant {
        d = d.with_note(format!("variant `{v}` breaks the rule: {}", v.rule()));
    }
    d
}
