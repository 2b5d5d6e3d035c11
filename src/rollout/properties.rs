//! The properties of an update, each with a stable name and finding code. They are plain
//! `fn(&RolloutModel, &RolloutState) -> bool` so that stateright's checkers, our own shortest-path
//! search and the replay of a counterexample all evaluate exactly the same predicate.

use stateright::{Model, Property};

use super::codes;
use super::model::RolloutModel;
use super::state::{RolloutState, TaskState, UpdateState, Version};
use crate::diagnostics::Code;
use crate::model::FailureAction;
use crate::swarm::filters::Filter;

/// The properties, in report order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PropertyId {
    Availability,
    NoFullOutage,
    SurgeCapacity,
    NoPlacementDeadlock,
    Progress,
    FailureHandling,
    /// A reachability example, not a safety property: the update can pause and wait.
    PauseReachable,
}

impl PropertyId {
    pub const SAFETY: [PropertyId; 6] = [
        PropertyId::Availability,
        PropertyId::NoFullOutage,
        PropertyId::SurgeCapacity,
        PropertyId::NoPlacementDeadlock,
        PropertyId::Progress,
        PropertyId::FailureHandling,
    ];

    /// The stable name (stateright property name, JSON key).
    pub fn name(self) -> &'static str {
        match self {
            PropertyId::Availability => "availability",
            PropertyId::NoFullOutage => "no-full-outage",
            PropertyId::SurgeCapacity => "surge-capacity",
            PropertyId::NoPlacementDeadlock => "no-placement-deadlock",
            PropertyId::Progress => "progress",
            PropertyId::FailureHandling => "failure-handling",
            PropertyId::PauseReachable => "pause-reachable",
        }
    }

    pub fn code(self) -> &'static Code {
        match self {
            PropertyId::Availability => &codes::AVAILABILITY,
            PropertyId::NoFullOutage => &codes::FULL_OUTAGE,
            PropertyId::SurgeCapacity => &codes::SURGE_DOES_NOT_FIT,
            PropertyId::NoPlacementDeadlock => &codes::PLACEMENT_DEADLOCK,
            PropertyId::Progress => &codes::HANG,
            PropertyId::FailureHandling => &codes::FAILURE_UNHANDLED,
            PropertyId::PauseReachable => &codes::PAUSE_NEEDS_PERSON,
        }
    }

    pub fn from_name(name: &str) -> Option<PropertyId> {
        PropertyId::SAFETY
            .into_iter()
            .chain([PropertyId::PauseReachable])
            .find(|p| p.name() == name)
    }

    /// Holds in state `s` (for the example: the state is *not* an example).
    pub fn holds(self, m: &RolloutModel, s: &RolloutState) -> bool {
        match self {
            PropertyId::Availability => availability(m, s),
            PropertyId::NoFullOutage => no_full_outage(m, s),
            PropertyId::SurgeCapacity => surge_capacity(m, s),
            PropertyId::NoPlacementDeadlock => no_placement_deadlock(m, s),
            PropertyId::Progress => progress(m, s),
            PropertyId::FailureHandling => failure_handling(m, s),
            PropertyId::PauseReachable => !paused(m, s),
        }
    }
}

/// The model's property list (order fixed: action paths refer to it only by name).
pub fn all() -> Vec<Property<RolloutModel>> {
    vec![
        Property::always(PropertyId::Availability.name(), availability),
        Property::always(PropertyId::NoFullOutage.name(), no_full_outage),
        Property::always(PropertyId::SurgeCapacity.name(), surge_capacity),
        Property::always(
            PropertyId::NoPlacementDeadlock.name(),
            no_placement_deadlock,
        ),
        Property::always(PropertyId::Progress.name(), progress),
        Property::always(PropertyId::FailureHandling.name(), failure_handling),
        Property::sometimes(PropertyId::PauseReachable.name(), paused),
    ]
}

/// The availability floor in state `s`: `min_available`, lowered by one per injected failure
/// (a failure is the environment's doing, not the update's).
pub(crate) fn availability_floor(m: &RolloutModel, s: &RolloutState) -> u64 {
    m.min_available.saturating_sub(u64::from(s.injected()))
}

/// At least `min_available` tasks are running and not being stopped.
fn availability(m: &RolloutModel, s: &RolloutState) -> bool {
    m.running(s) >= availability_floor(m, s)
}

/// A one-replica service never has zero running tasks (unless a failure was injected).
fn no_full_outage(m: &RolloutModel, s: &RolloutState) -> bool {
    m.slots() != 1 || s.injected() > 0 || m.running(s) >= 1
}

/// Slots whose pending task no node accepts even once every task already told to stop has
/// exited, with the filters that reject it.
pub(crate) fn blocked(m: &RolloutModel, s: &RolloutState) -> Vec<(usize, Vec<(Filter, usize)>)> {
    let pending: Vec<usize> = (0..m.slots())
        .filter(|&i| s.slot(i).rep.state == TaskState::Pending)
        .collect();
    if pending.is_empty() {
        return Vec::new();
    }
    let usage = m.usage(s, true);
    pending
        .into_iter()
        .filter_map(|i| m.no_node_reasons(&usage, i).map(|r| (i, r)))
        .collect()
}

/// Some slot is `blocked` with one of `filters` among the reasons.
fn blocked_by(m: &RolloutModel, s: &RolloutState, filters: &[Filter]) -> bool {
    let pending = |i: &usize| s.slot(*i).rep.state == TaskState::Pending;
    if !(0..m.slots()).any(|i| pending(&i)) {
        return false;
    }
    let usage = m.usage(s, true);
    (0..m.slots())
        .filter(pending)
        .any(|i| m.rejected_by(&usage, i, filters))
}

/// No replacement waits for resources that only a task not yet being stopped could free.
fn surge_capacity(m: &RolloutModel, s: &RolloutState) -> bool {
    !blocked_by(m, s, &[Filter::Resources])
}

/// No replacement is kept off every node by a host port or max_replicas_per_node.
fn no_placement_deadlock(m: &RolloutModel, s: &RolloutState) -> bool {
    !blocked_by(m, s, &[Filter::HostPort, Filter::MaxReplicas])
}

/// The update is not stuck: an active update always has a next event.
fn progress(m: &RolloutModel, s: &RolloutState) -> bool {
    if s.status().is_terminal() {
        return true;
    }
    thread_local! {
        // Reused: replays and stateright's checkers run this on every state.
        static ACTIONS: std::cell::RefCell<Vec<super::Action>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    ACTIONS.with(|a| {
        let mut a = a.borrow_mut();
        a.clear();
        m.actions(s, &mut a);
        !a.is_empty()
    })
}

/// The failures the user expects to trigger `failure_action` (failures ÷ replicas reaching the
/// ratio, counting failures the monitor window missed).
pub(crate) fn user_expects_trigger(m: &RolloutModel, s: &RolloutState) -> bool {
    let e = s.expected();
    e > 0 && f32::from(e) / (m.slots() as f32) >= m.update.max_failure_ratio
}

/// A failing update does not end COMPLETED, and a completed rollback leaves only old tasks.
fn failure_handling(m: &RolloutModel, s: &RolloutState) -> bool {
    match s.status() {
        UpdateState::Completed => {
            let watched = m.update.failure_action != FailureAction::Continue || m.rollback_written;
            !(watched && user_expects_trigger(m, s))
        }
        UpdateState::RollbackCompleted => {
            (0..m.slots()).all(|i| s.slot(i).serving_version() != Some(Version::New))
        }
        _ => true,
    }
}

/// The update waits for a person (PAUSED or ROLLBACK_PAUSED).
fn paused(_: &RolloutModel, s: &RolloutState) -> bool {
    matches!(
        s.status(),
        UpdateState::Paused | UpdateState::RollbackPaused
    )
}
