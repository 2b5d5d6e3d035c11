//! Counterexamples as people read them: a numbered timeline ("t3: web.2 (new) Pending: …"), the
//! same steps as JSON, and a Mermaid sequence diagram. Every counterexample is built from a
//! replayed path, so the text describes states the model really reaches.

use serde::Serialize;

use super::model::{Action, RolloutModel};
use super::properties::{self, PropertyId};
use super::state::{RolloutState, TaskState, UpdateState};
use crate::swarm::filters::Filter;

/// One event of a timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Step {
    /// 1-based event number (`t1`, `t2`, …).
    pub t: usize,
    /// Who acts: `updater`, `scheduler`, `restarter`, `environment` or a node's hostname.
    pub from: String,
    /// Who it is addressed to (same vocabulary).
    pub to: String,
    pub text: String,
    /// The update state after the event.
    pub update_state: UpdateState,
    /// Tasks running and not being stopped after the event.
    pub running: u64,
}

/// A shortest path to a state that breaks a property (or, for `pause-reachable`, reaches it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Counterexample {
    pub property: &'static str,
    pub code: &'static str,
    pub steps: Vec<Step>,
    /// What is wrong in the last state.
    pub outcome: String,
    /// A task Pending in the last state, with swarmkit's "no suitable node (…)" reason.
    pub pending: Option<String>,
    /// Failures injected, counted by Swarm in the current run, and expected by the user to
    /// count, in the last state.
    pub failures_injected: u8,
    pub failures_counted: u8,
    pub failures_expected: u8,
    /// The path as action indices, `stateright` Explorer style (`0/2/1`).
    pub path: String,
}

fn task(m: &RolloutModel, slot: usize, version: super::state::Version) -> String {
    format!("{}.{} ({})", m.service, slot + 1, version.as_str())
}

fn node(m: &RolloutModel, n: u8) -> String {
    m.node_names
        .get(usize::from(n))
        .cloned()
        .unwrap_or_else(|| format!("node#{n}"))
}

/// `no suitable node (…)` as swarmkit words it, filters in pipeline order.
pub(crate) fn explain(reasons: &[(Filter, usize)]) -> String {
    let parts: Vec<String> = reasons.iter().map(|&(f, n)| f.explain(n)).collect();
    format!("no suitable node ({})", parts.join("; "))
}

/// A label for an action without its state (the Explorer's action list).
pub fn describe_action(m: &RolloutModel, action: &Action) -> String {
    let t = |i: &u16| format!("{}.{}", m.service, i + 1);
    match action {
        Action::Dispatch(i) => format!("updater takes {}", t(i)),
        Action::Schedule(i, n) => format!("scheduler assigns {} to {}", t(i), node(m, *n)),
        Action::Start(i) => format!("{} replacement running", t(i)),
        Action::StopOld(i) => format!("updater stops the old {}", t(i)),
        Action::Exit(i) => format!("{} previous task exited", t(i)),
        Action::DrainExit(n) => format!("a stopped task exits on {}", node(m, *n)),
        Action::DelayElapsed(i) => format!("delay after {} elapsed", t(i)),
        Action::FailStart(i) => format!("environment fails {} before RUNNING", t(i)),
        Action::Crash(i) => format!("environment crashes {} in its monitor window", t(i)),
        Action::CrashLate(i) => format!("environment crashes {} during the delay", t(i)),
        Action::Unhealthy(i) => format!("healthcheck declares {} unhealthy", t(i)),
        Action::Restart(i) => format!("restart supervisor replaces {}", t(i)),
        Action::CountDeferred(n) => {
            format!("updater reads the failures of the wait: {n} inside their window")
        }
        Action::Complete => "updater completes".to_string(),
    }
}

/// (from, to, text) for `action` taken in state `s`.
fn sentence(m: &RolloutModel, s: &RolloutState, action: Action) -> (String, String, String) {
    let slot = |i: u16| s.slot(usize::from(i));
    let up = "updater".to_string();
    match action {
        Action::Dispatch(i) => {
            let sl = slot(i);
            let version = if s.status().is_rollback() {
                super::state::Version::Old
            } else {
                super::state::Version::New
            };
            let mut text = format!("creates {}", task(m, usize::from(i), version));
            if m.run(s).stop_first && sl.cur.state == TaskState::Running {
                text.push_str(&format!(
                    " and stops {} on {} (stop-first)",
                    task(m, usize::from(i), sl.cur.version),
                    node(m, sl.cur_node)
                ));
            }
            (up, "scheduler".into(), text)
        }
        Action::Schedule(i, n) => (
            "scheduler".into(),
            node(m, n),
            format!("assigns {}", task(m, usize::from(i), slot(i).rep.version)),
        ),
        Action::Start(i) => {
            let sl = slot(i);
            let text = format!("{} is running", task(m, usize::from(i), sl.rep.version));
            (node(m, sl.rep_node), up, text)
        }
        Action::StopOld(i) => {
            let sl = slot(i);
            let text = format!(
                "stops {} (start-first: its replacement runs)",
                task(m, usize::from(i), sl.cur.version)
            );
            (up, node(m, sl.cur_node), text)
        }
        Action::Exit(i) => {
            let sl = slot(i);
            (
                node(m, sl.cur_node),
                up,
                format!("{} has exited", task(m, usize::from(i), sl.cur.version)),
            )
        }
        Action::DrainExit(n) => (
            node(m, n),
            up,
            format!("a stopped task of {} has exited", m.service),
        ),
        Action::DelayElapsed(i) => (
            up.clone(),
            up,
            format!(
                "delay after {}.{} elapsed; the worker is free",
                m.service,
                i + 1
            ),
        ),
        Action::FailStart(i) | Action::Crash(i) | Action::CrashLate(i) | Action::Unhealthy(i) => {
            let sl = slot(i);
            let name = task(m, usize::from(i), sl.rep.version);
            let text = match action {
                Action::FailStart(_) => format!("{name} fails before reaching RUNNING"),
                Action::Crash(_) => format!("{name} fails inside its monitor window"),
                Action::CrashLate(_) => format!(
                    "{name} fails after its {} monitor window, during the {} delay: not counted",
                    m.run(s).monitor,
                    m.run(s).delay
                ),
                _ => format!(
                    "{name} is declared unhealthy after its {} monitor window: not counted",
                    m.run(s).monitor
                ),
            };
            ("environment".into(), node(m, sl.rep_node), text)
        }
        Action::Restart(i) => (
            "restarter".into(),
            "scheduler".into(),
            format!(
                "replaces failed {}",
                task(m, usize::from(i), slot(i).rep.version)
            ),
        ),
        Action::CountDeferred(n) => (
            up.clone(),
            up,
            format!("every worker is done; {n} failure(s) of the wait are read inside their monitor window"),
        ),
        Action::Complete => (up.clone(), up, "every slot is done and monitored".into()),
    }
}

/// The note for an update-state change caused by a step.
fn state_change(before: UpdateState, after: UpdateState) -> Option<String> {
    (before != after).then(|| match after {
        UpdateState::Paused => "update PAUSED: \"update paused due to failure or early termination of task\"".to_string(),
        UpdateState::RollbackStarted => "update ROLLBACK_STARTED: \"update rolled back due to failure or early termination of task\"".to_string(),
        UpdateState::RollbackPaused => "ROLLBACK_PAUSED: \"rollback paused due to failure or early termination of task\"".to_string(),
        other => format!("update {}", other.as_str()),
    })
}

/// Builds the counterexample of `property` from replayed states and actions.
pub(crate) fn build(
    m: &RolloutModel,
    property: PropertyId,
    states: &[RolloutState],
    actions: &[Action],
    path: &[usize],
) -> Counterexample {
    let steps = actions
        .iter()
        .zip(states.windows(2))
        .enumerate()
        .map(|(t, (&a, w))| {
            let (from, to, mut text) = sentence(m, &w[0], a);
            if let Some(change) = state_change(w[0].status(), w[1].status()) {
                text.push_str("; ");
                text.push_str(&change);
            }
            Step {
                t: t + 1,
                from,
                to,
                text,
                update_state: w[1].status(),
                running: m.running(&w[1]),
            }
        })
        .collect();
    let last = states.last().unwrap_or(&states[0]);
    Counterexample {
        property: property.name(),
        code: property.code().id,
        steps,
        outcome: outcome(m, property, last),
        pending: pending_reason(m, last),
        failures_injected: last.injected(),
        failures_counted: last.counted(),
        failures_expected: last.expected(),
        path: path
            .iter()
            .map(usize::to_string)
            .collect::<Vec<_>>()
            .join("/"),
    }
}

fn pending_reason(m: &RolloutModel, s: &RolloutState) -> Option<String> {
    let (slot, _) = properties::blocked(m, s).into_iter().next()?;
    let reasons = m.no_node_reasons(&m.usage(s, false), slot)?;
    Some(format!(
        "{} Pending: {}",
        task(m, slot, s.slot(slot).rep.version),
        explain(&reasons)
    ))
}

/// What the last state of a counterexample shows.
fn outcome(m: &RolloutModel, property: PropertyId, s: &RolloutState) -> String {
    let stuck = !PropertyId::Progress.holds(m, s);
    let forever = if stuck {
        "; the update waits forever"
    } else {
        ""
    };
    match property {
        PropertyId::Availability => format!(
            "only {} of {} tasks running, below the required {}",
            m.running(s),
            m.slots(),
            properties::availability_floor(m, s)
        ),
        PropertyId::NoFullOutage => format!("no task of {} is running: outage", m.service),
        PropertyId::SurgeCapacity | PropertyId::NoPlacementDeadlock => format!(
            "{}{forever}",
            pending_reason(m, s).unwrap_or_else(|| "a task is Pending".into())
        ),
        PropertyId::Progress => match pending_reason(m, s) {
            Some(p) => format!("{p}; the update stays {} forever", s.status().as_str()),
            None => format!(
                "nothing can happen any more; the update stays {} forever",
                s.status().as_str()
            ),
        },
        PropertyId::FailureHandling if s.status() == UpdateState::Completed => format!(
            "update COMPLETED although {} failed where the user expects them to count; Swarm counted {}",
            crate::text::count(s.expected(), "new task"),
            s.counted()
        ),
        PropertyId::FailureHandling => {
            "rollback COMPLETED but a task of the new version is still the one running".into()
        }
        PropertyId::PauseReachable => format!(
            "update {}: nothing proceeds until someone runs docker service update or rollback",
            s.status().as_str()
        ),
    }
}

/// The numbered timeline, one event per line, then the outcome.
/// Steps shown at the start and at the end of a long timeline; the ones between are summarised.
const HEAD_STEPS: usize = 2;
const TAIL_STEPS: usize = 5;

/// The timeline as text. A long one (a failure on the last of many slots) shows its first
/// steps and the steps that lead to the outcome; the steps between are one line giving the
/// update states and running-task counts they pass through. The JSON keeps every step.
pub fn render_text(c: &Counterexample) -> String {
    let mut out = String::new();
    let line = |s: &Step| format!("  t{}: {}\n", s.t, s.text);
    if c.steps.len() <= HEAD_STEPS + TAIL_STEPS + 1 {
        c.steps.iter().for_each(|s| out.push_str(&line(s)));
    } else {
        let (head, rest) = c.steps.split_at(HEAD_STEPS);
        let (middle, tail) = rest.split_at(rest.len() - TAIL_STEPS);
        head.iter().for_each(|s| out.push_str(&line(s)));
        let low = middle.iter().map(|s| s.running).min().unwrap_or(0);
        let high = middle.iter().map(|s| s.running).max().unwrap_or(0);
        let mut states: Vec<&str> = middle.iter().map(|s| s.update_state.as_str()).collect();
        states.dedup();
        out.push_str(&format!(
            "  t{}–t{}: {} steps not shown ({}; {low}–{high} tasks running; the JSON output has every step)\n",
            middle[0].t,
            middle[middle.len() - 1].t,
            middle.len(),
            states.join(" → ")
        ));
        tail.iter().for_each(|s| out.push_str(&line(s)));
    }
    out.push_str(&format!("  t{}: {}\n", c.steps.len() + 1, c.outcome));
    out
}

fn mermaid_id(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

fn mermaid_text(text: &str) -> String {
    text.replace('"', "#quot;").replace(';', "#59;")
}

/// A Mermaid `sequenceDiagram` of the counterexample.
pub fn render_mermaid(c: &Counterexample) -> String {
    let mut participants: Vec<&str> = Vec::new();
    for s in &c.steps {
        for p in [s.from.as_str(), s.to.as_str()] {
            if !participants.contains(&p) {
                participants.push(p);
            }
        }
    }
    let mut out = String::from("sequenceDiagram\n");
    for p in &participants {
        out.push_str(&format!(
            "    participant {} as {}\n",
            mermaid_id(p),
            mermaid_text(p)
        ));
    }
    for s in &c.steps {
        out.push_str(&format!(
            "    {}->>{}: t{} {}\n",
            mermaid_id(&s.from),
            mermaid_id(&s.to),
            s.t,
            mermaid_text(&s.text)
        ));
    }
    let anchor = participants
        .first()
        .map_or("updater".to_string(), |p| mermaid_id(p));
    out.push_str(&format!(
        "    Note over {anchor}: {}\n",
        mermaid_text(&c.outcome)
    ));
    out
}
