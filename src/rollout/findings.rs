//! Findings of the rolling-update check: one diagnostic per violated property (with its replayed
//! timeline as a note), the timing findings with their numbers, and the incomplete-search
//! warning; and, once per stack, Swarm's documented defaults that every service shares (the
//! outage of a single stop-first replica, the pause that waits for a person).
//!
//! The policy (docs/rollout.md): a finding is an error, and makes the service `unsafe`, when the
//! update hangs, does not fit, exceeds a stated duration, or breaks an availability the user
//! required (`x-swarmproof: {min_available: N}`, or `--strict`). Swarm's defaults are
//! information; `--strict` turns every rollout warning into an error.

use super::codes;
use super::input::RolloutInput;
use super::model::RolloutModel;
use super::properties::PropertyId;
use super::report::{RolloutResult, RolloutVerdict};
use super::timeline::{render_text, Counterexample};
use super::timing;
use crate::diagnostics::{Diagnostic, Severity, Timeline, TimelineStep};
use crate::model::{FailureAction, Service, Stack, UpdateOrder};
use crate::report::Status;
use crate::swarm::update_config;

/// The title of a finding's timeline.
const TIMELINE_TITLE: &str = "shortest timeline (replayed on the model):";

/// Every event of the counterexample as a step, then its outcome (the text may summarise).
fn with_timeline(d: Diagnostic, c: &Counterexample) -> Diagnostic {
    let mut steps: Vec<TimelineStep> = c
        .steps
        .iter()
        .map(|s| TimelineStep {
            actor: Some(s.from.clone()),
            text: format!("t{}: {}", s.t, s.text),
        })
        .collect();
    steps.push(TimelineStep {
        actor: None,
        text: format!("t{}: {}", c.steps.len() + 1, c.outcome),
    });
    d.with_timeline(Timeline {
        title: TIMELINE_TITLE.into(),
        text: render_text(c).trim_end().to_string(),
        steps,
    })
}

/// Smallest failure count that Swarm acts on: f ÷ slots > ratio, in float32 as Swarm computes.
fn failures_needed(slots: u16, ratio: f32) -> u16 {
    (1..=slots)
        .find(|&f| update_config::ratio_exceeded(u8::try_from(f).unwrap_or(u8::MAX), slots, ratio))
        .unwrap_or(slots.saturating_add(1))
}

/// Whether the service's availability during an update is required rather than left at Swarm's
/// defaults: `--strict`, or `x-swarmproof: {min_available: N}` with N ≥ 1.
pub(crate) fn availability_required(s: &Service, strict: bool) -> bool {
    strict
        || s.requirements
            .min_available
            .as_ref()
            .is_some_and(|m| **m >= 1)
}

/// Under `--strict` a rollout warning is an error.
fn escalated(d: Diagnostic, strict: bool) -> Diagnostic {
    if strict && d.severity == Severity::Warning {
        Diagnostic {
            severity: Severity::Error,
            ..d
        }
    } else {
        d
    }
}

fn property_diagnostic(
    input: &RolloutInput<'_>,
    m: &RolloutModel,
    p: PropertyId,
    c: &Counterexample,
    strict: bool,
) -> Diagnostic {
    let s = input.service;
    let u = &s.update_config;
    let name = &s.name;
    let replicas = m.slots();
    let d = match p {
        PropertyId::Availability => Diagnostic::new(
            p.code(),
            if s.requirements.min_available.is_some() || strict {
                Severity::Error
            } else {
                Severity::Warning
            },
            format!(
                "the update of {name} can leave fewer than {} of {replicas} tasks running",
                m.min_available
            ),
        )
        .with_primary(
            u.order.span.or(u.span).or(s.span),
            if u.order.span.is_some() { "update order" } else { "update order: stop-first by default" },
        )
        .with_secondary(
            s.requirements.min_available.as_ref().and_then(|m| m.span),
            "required here",
        )
        .with_help("lower parallelism, or use start-first where nodes have room; check rollback_config too"),
        // Reported per service only when availability is required (otherwise once per stack,
        // by `stack_defaults`), so always an error here.
        PropertyId::NoFullOutage => Diagnostic::error(
            p.code(),
            format!("every update of {name} stops its only task before the new one runs"),
        )
        .with_primary(u.order.span.or(u.span).or(s.mode.span).or(s.span), "stop-first with 1 replica")
        .with_secondary(
            s.requirements.min_available.as_ref().and_then(|m| m.span),
            "required here",
        )
        .with_help("use `order: start-first` (if the node has room for a second task) or 2 replicas"),
        PropertyId::SurgeCapacity => Diagnostic::error(
            p.code(),
            format!(
                "the replacement task of {name} does not fit: {}",
                c.pending.as_deref().unwrap_or("no node has room")
            ),
        )
        .with_primary(s.resources.span.or(u.order.span), "reservation of each task")
        .with_secondary(u.order.span, "start-first needs room for one more task")
        .with_help("keep one task's reservation free on an eligible node, or use stop-first"),
        PropertyId::NoPlacementDeadlock => Diagnostic::error(
            p.code(),
            format!(
                "the update of {name} can wait forever: {}",
                c.pending.as_deref().unwrap_or("a replacement task stays Pending")
            ),
        )
        .with_primary(u.order.span.or(u.span), "start-first keeps the old task on its node")
        .with_secondary(s.ports.iter().find(|p| p.host_binding().is_some()).and_then(|p| p.span), "host-mode port")
        .with_secondary(s.placement.max_replicas_per_node.span, "max_replicas_per_node")
        .with_note("the updater has no timeout, and a Pending task is not a failure, so failure_action never fires")
        .with_help("use stop-first, ingress ports or a higher max_replicas_per_node, or add a spare node"),
        PropertyId::Progress => Diagnostic::error(
            p.code(),
            format!("the update of {name} can hang: {}", c.outcome),
        )
        .with_primary(u.span.or(s.span), "update_config"),
        PropertyId::FailureHandling => failure_handling(input, m, c),
        // `diagnostics` passes the properties of `r.properties` only; the pause is one note per
        // stack (`stack_defaults`).
        PropertyId::PauseReachable => unreachable!("the pause is reported once per stack"),
    };
    with_timeline(escalated(d.with_service(name), strict), c)
}

fn failure_handling(input: &RolloutInput<'_>, m: &RolloutModel, c: &Counterexample) -> Diagnostic {
    let s = input.service;
    let u = &s.update_config;
    let name = &s.name;
    let p = PropertyId::FailureHandling;
    if c.failures_expected == 0 {
        // A completed rollback still running the new version.
        return Diagnostic::warning(
            p.code(),
            format!("the rollback of {name} can complete with new-version tasks still running"),
        )
        .with_primary(
            s.rollback_config
                .failure_action
                .span
                .or(s.rollback_config.span),
            "rollback_config",
        );
    }
    if *u.failure_action == FailureAction::Continue {
        return Diagnostic::new(
            p.code(),
            if s.rollback_config.span.is_some() { Severity::Error } else { Severity::Warning },
            format!("failures of {name}'s new tasks are not watched (failure_action: continue), so the rollback_config never applies"),
        )
        .with_primary(u.failure_action.span.or(u.span), "failures are ignored")
        .with_secondary(s.rollback_config.span, "never used automatically")
        .with_help("use `failure_action: rollback`");
    }
    if c.failures_counted < c.failures_expected {
        let monitor = update_config::monitor(u);
        return Diagnostic::warning(
            p.code(),
            format!("a failing update of {name} can end COMPLETED: a failure after the {monitor} monitor window is not counted"),
        )
        .with_primary(u.monitor.span.or(u.span).or(s.span), if u.monitor.span.is_some() { "monitor window".to_string() } else { format!("monitor not set: {monitor}") })
        .with_help("make monitor longer than delay and than the healthcheck's interval × retries");
    }
    let slots = u16::try_from(m.slots()).unwrap_or(u16::MAX);
    let ratio = *u.max_failure_ratio;
    let e = c.failures_expected;
    Diagnostic::warning(
        p.code(),
        format!(
            "{} of {slots} {} not trigger failure_action on {name}: {e}/{slots} is not > max_failure_ratio {ratio}; Swarm needs {} failures",
            crate::text::count(e, "failed task"),
            if e == 1 { "does" } else { "do" },
            failures_needed(slots, ratio)
        ),
    )
    .with_primary(u.max_failure_ratio.span.or(u.span), "failures ÷ dirty slots must be strictly greater")
    .with_help("lower max_failure_ratio below the fraction that should already act")
}

/// Every finding of one service's check. The pause (SP3007) and an outage left at Swarm's
/// defaults (SP3002) are not among them: `stack_defaults` reports them once per stack.
pub(crate) fn diagnostics(
    input: &RolloutInput<'_>,
    m: &RolloutModel,
    r: &RolloutResult,
    strict: bool,
) -> Vec<Diagnostic> {
    let s = input.service;
    let mut out = Vec::new();
    let violated = |p: PropertyId| {
        r.properties
            .iter()
            .any(|x| x.name == p.name() && x.status == Status::Violated)
    };
    let placement_explains_hang =
        violated(PropertyId::SurgeCapacity) || violated(PropertyId::NoPlacementDeadlock);
    let config = config_diagnostics(s, strict);
    let config_explains_window = config
        .iter()
        .any(|d| d.code.id != codes::DURATION_EXCEEDS_LIMIT.id);
    for pr in &r.properties {
        let (Some(p), Some(c)) = (PropertyId::from_name(pr.name), &pr.counterexample) else {
            continue;
        };
        if p == PropertyId::Progress && placement_explains_hang && c.pending.is_some() {
            continue;
        }
        if p == PropertyId::NoFullOutage && !availability_required(s, strict) {
            continue;
        }
        // A failure after the monitor window is never counted: SP3010/SP3011 already say so
        // with the numbers that cause it, so SP3006 does not say it a second time.
        let after_window = c.failures_counted < c.failures_expected
            && *s.update_config.failure_action != FailureAction::Continue;
        if p == PropertyId::FailureHandling && after_window && config_explains_window {
            continue;
        }
        out.push(property_diagnostic(input, m, p, c, strict));
    }
    out.extend(config);
    out.extend(limit_and_search(s, r));
    out
}

/// The findings of the update and rollback configs that need no search (and no inventory):
/// delay longer than monitor (SP3010), monitor shorter than the healthcheck (SP3011).
pub fn config_diagnostics(s: &Service, strict: bool) -> Vec<Diagnostic> {
    let name = &s.name;
    let mut out = Vec::new();
    for (label, cfg) in [
        ("update_config", &s.update_config),
        ("rollback_config", &s.rollback_config),
    ] {
        if let Some((delay, monitor)) = timing::delay_exceeds_monitor(cfg) {
            out.push(
                Diagnostic::warning(
                    &codes::DELAY_EXCEEDS_MONITOR,
                    format!("{label} of {name}: delay {delay} > monitor {monitor}; a task failing between {monitor} and {delay} after it started is not counted"),
                )
                .at_service(name, cfg.delay.span.or(cfg.span), format!("delay {delay}"))
                .with_secondary(cfg.monitor.span, format!("monitor {monitor}"))
                .with_help(format!("set monitor to at least {delay}")),
            );
        }
        if let Some((monitor, latency)) = timing::monitor_shorter_than_healthcheck(s, cfg) {
            let h = s.healthcheck.as_ref();
            out.push(
                Diagnostic::warning(
                    &codes::MONITOR_SHORTER_THAN_HEALTHCHECK,
                    format!("{label} of {name}: monitor {monitor} < healthcheck interval × retries = {latency}; a task that turns unhealthy after starting fails outside the window"),
                )
                .at_service(name, cfg.monitor.span.or(cfg.span), format!("monitor {monitor}"))
                .with_secondary(h.and_then(|h| h.span), "healthcheck")
                .with_help(format!("set monitor to at least {latency}")),
            );
        }
        // The rollback config only matters when a rollback can happen.
        if *s.update_config.failure_action != FailureAction::Rollback {
            break;
        }
    }
    out.into_iter().map(|d| escalated(d, strict)).collect()
}

/// SP3012 over a stated limit, and SP3020 for a search cut short.
fn limit_and_search(s: &Service, r: &RolloutResult) -> Vec<Diagnostic> {
    let name = &s.name;
    let mut out = Vec::new();
    if let Some(t) = &r.timing {
        if t.exceeds_limit {
            let limit = s.requirements.max_update_duration.as_ref();
            out.push(
                Diagnostic::error(
                    &codes::DURATION_EXCEEDS_LIMIT,
                    format!(
                        "the update of {name} can take {} (best {}), over max_update_duration {}",
                        t.worst,
                        t.best,
                        t.limit.as_deref().unwrap_or("?")
                    ),
                )
                .at_service(name, limit.and_then(|l| l.span), "limit")
                .with_note(format!(
                    "{} of {} to {} per slot, then a {} final monitor",
                    crate::text::count(t.rounds, "round"),
                    t.per_slot_best,
                    t.per_slot_worst,
                    t.final_monitor
                )),
            );
        }
    }
    if r.verdict == RolloutVerdict::Incomplete {
        if let Some(f) = &r.search {
            out.push(
                Diagnostic::warning(
                    &codes::INCOMPLETE,
                    format!(
                        "the update of {name} was explored only in part ({} states, depth {}); it is not proved safe",
                        f.states, f.depth
                    ),
                )
                .at_service(name, s.span, "this service"),
            );
        }
    }
    out
}

/// Swarm's documented defaults that services share, once per stack and without a location (they
/// are what Swarm does with no configuration at all): the outage of single-replica stop-first
/// services whose availability is not required (SP3002), and updates a failure pauses until a
/// person acts (SP3007). Information: neither makes the rollout verdict violated.
pub fn stack_defaults(results: &[RolloutResult]) -> Vec<Diagnostic> {
    let names = |pred: &dyn Fn(&RolloutResult) -> bool| -> Vec<String> {
        results
            .iter()
            .filter(|r| pred(r))
            .map(|r| r.service.clone())
            .collect()
    };
    default_notes(
        &names(&|r| r.default_outage),
        &names(&|r| r.pause.is_some()),
    )
}

/// The same defaults without a cluster, where the update model cannot start (it needs a
/// placement): they depend on the configuration alone. One stop-first replica is an outage on
/// any cluster, so where availability is required it is an error here too, per service; a
/// failure pauses every update whose failure_action is pause.
pub fn defaults_without_cluster(stack: &Stack, strict: bool) -> Vec<Diagnostic> {
    let updated = |s: &&Service| !s.mode.is_job() && s.mode.replicated_tasks() != Some(0);
    let mut out = Vec::new();
    let mut outage = Vec::new();
    for s in stack.services.iter().filter(updated) {
        let u = &s.update_config;
        if s.mode.replicated_tasks() != Some(1) || *u.order != UpdateOrder::StopFirst {
            continue;
        }
        if availability_required(s, strict) {
            out.push(
                Diagnostic::error(
                    &codes::FULL_OUTAGE,
                    format!("every update of {} stops its only task before the new one runs", s.name),
                )
                .at_service(&s.name, u.order.span.or(u.span).or(s.mode.span).or(s.span), "stop-first with 1 replica")
                .with_secondary(s.requirements.min_available.as_ref().and_then(|m| m.span), "required here")
                .with_note("certain on any cluster: found without the inventory")
                .with_help("use `order: start-first` (if the node has room for a second task) or 2 replicas"),
            );
        } else {
            outage.push(s.name.clone());
        }
    }
    let paused: Vec<String> = stack
        .services
        .iter()
        .filter(updated)
        .filter(|s| *s.update_config.failure_action == FailureAction::Pause)
        .map(|s| s.name.clone())
        .collect();
    out.extend(default_notes(&outage, &paused));
    out
}

fn default_notes(outage: &[String], paused: &[String]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if !outage.is_empty() {
        out.push(
            Diagnostic::info(
                &codes::FULL_OUTAGE,
                format!(
                    "{} with one replica: each update stops the only task before its replacement runs, a short outage (Swarm's default order, stop-first): {}",
                    crate::text::count(outage.len(), "service"),
                    outage.join(", ")
                ),
            )
            .with_note("no availability is required of them; `x-swarmproof: {min_available: 1}` on a service, or --strict, makes this an error with its timeline")
            .with_help("use `order: start-first` where the node has room for a second task, or run 2 replicas"),
        );
    }
    if !paused.is_empty() {
        out.push(
            Diagnostic::info(
                &codes::PAUSE_NEEDS_PERSON,
                format!(
                    "a failed update pauses and waits for a person (failure_action: pause, Swarm's default) for {}: {}",
                    crate::text::count(paused.len(), "service"),
                    paused.join(", ")
                ),
            )
            .with_help("treat a paused update as a failed deploy, or use failure_action: rollback; `swarmproof update --service NAME` shows the timeline"),
        );
    }
    out
}
