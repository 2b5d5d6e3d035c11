//! Runs the check for one service and turns the search into results, diagnostics and text:
//! every discovery is replayed on the model and its property re-evaluated before it becomes a
//! counterexample; a property holds only when the search was complete.

use std::time::Duration as StdDuration;

use serde::Serialize;

use super::codes;
use super::input::RolloutInput;
use super::model::RolloutModel;
use super::properties::PropertyId;
use super::timeline::{self, Counterexample};
use super::timing::{self, TimingBounds};
use crate::diagnostics::Diagnostic;
use crate::modelcheck::{self as search, Bounds, Cutoff, Progress};
use crate::report::{Status, Verdict};

/// Bounds and the failure budget of a check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// K: how many tasks the environment may make fail (`-k`, default 1).
    pub max_failures: u8,
    /// `--max-states`.
    pub max_states: usize,
    /// Memory the visited-state table may use.
    pub max_memory_bytes: usize,
    /// `--timeout`.
    pub timeout: StdDuration,
    /// `--strict`: every service's availability is required (a single replica's stop-first
    /// outage is an error) and every rollout warning is an error.
    pub strict: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_failures: 1,
            max_states: 5_000_000,
            max_memory_bytes: 1 << 30,
            timeout: StdDuration::from_secs(60),
            strict: false,
        }
    }
}

/// The verdict of one service's update.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RolloutVerdict {
    /// Every property holds in every reachable state (complete search).
    Safe,
    /// A property is violated (a replayed counterexample exists) whose finding is an error
    /// under the policy: a hang, a replacement that does not fit, a stated limit or a required
    /// availability broken.
    Unsafe,
    /// Properties are violated (replayed counterexamples exist), but only ones the policy
    /// reports as warnings or information: Swarm's defaults when no availability is required,
    /// failures counted late. Not violated; the findings say what can still go wrong.
    Caveats,
    /// A bound stopped the search and no error-level property was violated so far.
    Incomplete,
    /// The service's update is not modelled (a job, …).
    NotModelled,
}

impl RolloutVerdict {
    pub fn as_str(self) -> &'static str {
        match self {
            RolloutVerdict::Safe => "safe",
            RolloutVerdict::Unsafe => "unsafe",
            RolloutVerdict::Caveats => "caveats",
            RolloutVerdict::Incomplete => "incomplete",
            RolloutVerdict::NotModelled => "not modelled",
        }
    }

    pub fn status(self) -> Status {
        match self {
            RolloutVerdict::Safe | RolloutVerdict::Caveats => Status::Holds,
            RolloutVerdict::Unsafe => Status::Violated,
            RolloutVerdict::Incomplete | RolloutVerdict::NotModelled => Status::Unknown,
        }
    }
}

/// One property's result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PropertyResult {
    pub name: &'static str,
    pub code: &'static str,
    pub status: Status,
    pub counterexample: Option<Counterexample>,
}

/// Figures of the search.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SearchFigures {
    pub states: usize,
    pub depth: usize,
    pub elapsed_ms: u64,
    pub complete: bool,
    pub cutoff: Option<Cutoff>,
    pub bytes_per_state: usize,
    /// K.
    pub max_failures: u8,
}

/// The result for one service: the `rollout` verdict's entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RolloutResult {
    pub service: String,
    pub verdict: RolloutVerdict,
    pub status: Status,
    pub min_available: Option<u64>,
    pub properties: Vec<PropertyResult>,
    /// A shortest path to PAUSED / ROLLBACK_PAUSED, when reachable.
    pub pause: Option<Counterexample>,
    /// The only task stops before its replacement runs, and no availability is required of the
    /// service: Swarm's default, reported once per stack (`stack_defaults`).
    pub default_outage: bool,
    pub search: Option<SearchFigures>,
    pub timing: Option<TimingBounds>,
    pub not_modelled: Option<String>,
}

/// Checks one service's update; see [`check_update_with_progress`].
pub fn check_update(input: &RolloutInput<'_>, opts: &Options) -> (RolloutResult, Vec<Diagnostic>) {
    check_update_with_progress(input, opts, &mut |_| {})
}

/// Checks one service's update, calling `progress` during long searches (for a terminal
/// progress line; the check itself prints nothing).
pub fn check_update_with_progress(
    input: &RolloutInput<'_>,
    opts: &Options,
    progress: &mut dyn FnMut(Progress),
) -> (RolloutResult, Vec<Diagnostic>) {
    let service = input.service;
    let model = match RolloutModel::new(input, opts.max_failures) {
        Ok(m) => m,
        Err(e) => {
            let d = Diagnostic::info(
                &codes::NOT_MODELLED,
                format!("update of {} not model-checked: {e}", service.name),
            )
            .at_service(&service.name, service.span, "this service");
            return (
                RolloutResult {
                    service: service.name.clone(),
                    verdict: RolloutVerdict::NotModelled,
                    status: Status::Unknown,
                    min_available: None,
                    properties: Vec::new(),
                    pause: None,
                    default_outage: false,
                    search: None,
                    timing: None,
                    not_modelled: Some(e.to_string()),
                },
                vec![d],
            );
        }
    };
    let bounds = Bounds {
        max_states: opts.max_states,
        max_bytes: opts.max_memory_bytes,
        timeout: opts.timeout,
    };
    // `progress` fails only on a state without actions, which the search sees anyway.
    let stuck_only = [PropertyId::Progress.name()];
    // The search runs on the reduced model; its paths are paths of the full model, re-indexed
    // and replayed there.
    let reduced = model.clone().with_reduction(true);
    let key = |s: &_, b: &mut Vec<u8>| model.search_key(s, b);
    let found = search::bfs(&reduced, bounds, &key, &stuck_only, progress);
    let complete = found.complete();

    let counterexample = |p: PropertyId| -> Option<Counterexample> {
        let path = search::reindex(&reduced, &model, found.discovery(p.name())?)?;
        replayed(&model, p, &path)
    };
    let mut properties: Vec<PropertyResult> = PropertyId::SAFETY
        .into_iter()
        .map(|p| {
            let cx = counterexample(p);
            let status = match (&cx, complete) {
                (Some(_), _) => Status::Violated,
                (None, true) if found.discovery(p.name()).is_none() => Status::Holds,
                _ => Status::Unknown,
            };
            PropertyResult {
                name: p.name(),
                code: p.code().id,
                status,
                counterexample: cx,
            }
        })
        .collect();
    let pause = counterexample(PropertyId::PauseReachable);

    let slots = model.slots() as u64;
    let limit = service
        .requirements
        .max_update_duration
        .as_ref()
        .map(|l| **l)
        .or(input.default_max_update_duration);
    let timing = timing::bounds(service, &service.update_config, slots, limit);
    if limit.is_some() {
        properties.push(PropertyResult {
            name: "update-duration",
            code: codes::DURATION_EXCEEDS_LIMIT.id,
            status: if timing.exceeds_limit {
                Status::Violated
            } else {
                Status::Holds
            },
            counterexample: None,
        });
    }

    let violated = properties.iter().any(|p| p.status == Status::Violated);
    let default_outage = !super::findings::availability_required(service, opts.strict)
        && properties
            .iter()
            .any(|p| p.name == PropertyId::NoFullOutage.name() && p.status == Status::Violated);
    let verdict = if violated {
        // Settled below, from the severity of the findings.
        RolloutVerdict::Unsafe
    } else if complete && properties.iter().all(|p| p.status == Status::Holds) {
        RolloutVerdict::Safe
    } else {
        RolloutVerdict::Incomplete
    };
    let mut result = RolloutResult {
        service: service.name.clone(),
        verdict,
        status: verdict.status(),
        min_available: Some(model.min_available),
        properties,
        pause,
        default_outage,
        search: Some(SearchFigures {
            states: found.progress.states,
            depth: found.progress.depth,
            elapsed_ms: found.progress.elapsed_ms,
            complete,
            cutoff: found.cutoff,
            bytes_per_state: found.bytes_per_state,
            max_failures: opts.max_failures,
        }),
        timing: Some(timing),
        not_modelled: None,
    };
    let mut diagnostics = super::findings::diagnostics(input, &model, &result, opts.strict);
    // One rule decides `unsafe`: an error among the service's findings. A violation reported
    // as a warning or a note leaves the verdict at `caveats`, which holds, so only after a
    // complete search: one a bound cut may hide an error, and stays `incomplete` (SP3020).
    if verdict == RolloutVerdict::Unsafe
        && !diagnostics
            .iter()
            .any(|d| d.severity == crate::diagnostics::Severity::Error)
    {
        let settled = if complete {
            RolloutVerdict::Caveats
        } else {
            RolloutVerdict::Incomplete
        };
        result.verdict = settled;
        result.status = settled.status();
        if !complete {
            diagnostics = super::findings::diagnostics(input, &model, &result, opts.strict);
        }
    }
    (result, diagnostics)
}

/// Replays `path` and re-evaluates the property on it: an `always` property must hold on every
/// state but the last and fail on the last; the pause example must be reached at the last state
/// only. Anything else is discarded (the property is then reported unknown, never violated).
fn replayed(model: &RolloutModel, p: PropertyId, path: &[usize]) -> Option<Counterexample> {
    let (states, actions) = search::replay(model, path)?;
    let (last, before) = states.split_last()?;
    let shape_ok = !p.holds(model, last) && before.iter().all(|s| p.holds(model, s));
    shape_ok.then(|| timeline::build(model, p, &states, &actions, path))
}

/// The `rollout` verdict of `check`: one entry per service.
pub fn verdict(results: &[RolloutResult]) -> Verdict {
    let status = if results.iter().any(|r| r.status == Status::Violated) {
        Status::Violated
    } else if results.iter().all(|r| r.status == Status::Holds) {
        Status::Holds
    } else {
        Status::Unknown
    };
    let count = |v: RolloutVerdict| results.iter().filter(|r| r.verdict == v).count();
    let summary = format!(
        "{}: {} safe, {} with caveats, {} unsafe, {} incomplete, {} not modelled",
        crate::text::count(results.len(), "service"),
        count(RolloutVerdict::Safe),
        count(RolloutVerdict::Caveats),
        count(RolloutVerdict::Unsafe),
        count(RolloutVerdict::Incomplete),
        count(RolloutVerdict::NotModelled)
    ) + &cutoffs(results);
    Verdict::new(status, summary, results.to_vec())
}

/// The text `swarmproof update` prints for one service.
/// Which bounds cut searches short, for the verdict's summary: "" when none did.
fn cutoffs(results: &[RolloutResult]) -> String {
    let mut hit: Vec<&str> = Vec::new();
    for c in results.iter().filter_map(|r| r.search.as_ref()?.cutoff) {
        let bound = cutoff_text(c);
        if !hit.contains(&bound) {
            hit.push(bound);
        }
    }
    match hit.is_empty() {
        true => String::new(),
        false => format!(" ({})", hit.join(", ")),
    }
}

fn cutoff_text(c: Cutoff) -> &'static str {
    match c {
        Cutoff::MaxStates => "stopped at --max-states",
        Cutoff::Memory => "stopped at the memory bound (--max-memory)",
        Cutoff::Timeout => "stopped at --timeout",
    }
}

pub fn render_result(r: &RolloutResult) -> String {
    let mut out = format!("{}: {}", r.service, r.verdict.as_str());
    if let Some(s) = &r.search {
        out.push_str(&format!(
            " ({} states, depth {}, {} ms, K={}{})",
            s.states,
            s.depth,
            s.elapsed_ms,
            s.max_failures,
            s.cutoff
                .map(|c| format!(", {}", cutoff_text(c)))
                .unwrap_or_default()
        ));
    }
    out.push('\n');
    if let Some(why) = &r.not_modelled {
        out.push_str(&format!("  not modelled: {why}\n"));
    }
    for p in &r.properties {
        out.push_str(&format!("  {:<22} {}", p.name, p.status.as_str()));
        if p.status == Status::Violated {
            out.push_str(&format!("  [{}]", p.code));
        }
        out.push('\n');
        if let Some(c) = &p.counterexample {
            out.push_str(&indent(&timeline::render_text(c)));
        }
    }
    if let Some(c) = &r.pause {
        out.push_str("  pause-reachable        yes (needs a person)\n");
        out.push_str(&indent(&timeline::render_text(c)));
    }
    if let Some(t) = &r.timing {
        out.push_str(&format!(
            "  duration: best {}, worst {} ({} of {}–{}, then {} monitor)",
            t.best,
            t.worst,
            crate::text::count(t.rounds, "round"),
            t.per_slot_best,
            t.per_slot_worst,
            t.final_monitor
        ));
        if let Some(l) = &t.limit {
            out.push_str(&format!(", limit {l}"));
        }
        out.push('\n');
    }
    out
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("  {l}\n")).collect()
}
