//! The update/rollback model of one replicated or global service as a `stateright::Model`
//! (reference §3.3–§3.6, §5). Time is abstracted into ordered events: the only orderings kept
//! are the ones the configured durations fix (delay vs. monitor, healthcheck verdict vs. monitor,
//! the 1-minute stop timeout); everything else interleaves freely. `specs/rollout.md` argues why
//! this is sound for each property.

use stateright::{Model, Property};

use super::input::{NodeFit, RolloutInput, RunConfig};
use super::properties;
use super::state::{
    holds_node_bits, Phase, RolloutState, Scratch, Slot, Task, TaskState, UpdateState, Version,
};
use crate::model::FailureAction;
use crate::modelcheck::Successors;
use crate::swarm::filters::Filter;
use crate::swarm::update_config;

/// Per node: tasks of the service holding it (resources, host ports) and tasks counted for
/// max_replicas_per_node and the scheduler's ranking (one more entry, past the nodes, counts
/// nothing meaningful: `usage` adds the tasks that hold no node there).
pub(crate) struct Usage {
    pub held: Scratch<u32, 32>,
    pub counted: Scratch<u32, 32>,
}

/// One event of the update. Slots and nodes are indices (slot `i` is task `<service>.<i+1>`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// A free worker takes the slot: creates the replacement (stop-first: and stops the old task).
    Dispatch(u16),
    /// The scheduler assigns the pending replacement to a node.
    Schedule(u16, u8),
    /// The replacement reaches RUNNING (healthy, with a healthcheck).
    Start(u16),
    /// Start-first: the worker, having seen the replacement RUNNING, tells the old task to
    /// stop (a transaction of its own after the agent's report).
    StopOld(u16),
    /// The slot's previous task, told to shut down, has exited and freed its node.
    Exit(u16),
    /// A task left behind by a rollback on this node has exited.
    DrainExit(u8),
    /// The worker's `delay` after this slot elapsed.
    DelayElapsed(u16),
    /// Environment: the replacement fails before RUNNING.
    FailStart(u16),
    /// Environment: the replacement crashes inside its monitor window.
    Crash(u16),
    /// Environment: the replacement crashes after its monitor window, while its worker is still
    /// sleeping `delay` (possible only when delay > monitor).
    CrashLate(u16),
    /// Environment: the replacement turned unhealthy right after starting; the healthcheck
    /// declares it after interval × retries, later than the monitor window.
    Unhealthy(u16),
    /// The restart supervisor replaces a failed replacement.
    Restart(u16),
    /// The updater, back from waiting for its last workers, reads the failures that happened
    /// meanwhile: this many of them were still inside their monitor window and count (the
    /// others do not).
    CountDeferred(u8),
    /// All slots are done and the final monitor period has elapsed.
    Complete,
}

/// The model: the service's parameters, the cluster's per-node fit, the bound K.
#[derive(Clone, Debug)]
pub struct RolloutModel {
    pub(crate) service: String,
    pub(crate) node_names: Vec<String>,
    /// The node of each slot's task when the update starts.
    pub(crate) home: Vec<u8>,
    /// Slots whose task already runs the new version when the update starts (resumed).
    pub(crate) home_new: Vec<bool>,
    /// Global services: a slot's replacement goes on the slot's node (preassigned).
    pub(crate) global: bool,
    pub(crate) fit: Vec<NodeFit>,
    /// Per node: the index of the first node with the same fit (an equivalence class).
    pub(crate) node_class: Vec<u8>,
    pub(crate) has_host_ports: bool,
    pub(crate) max_per_node: u64,
    pub(crate) update: RunConfig,
    pub(crate) rollback: RunConfig,
    /// The restart policy replaces failed tasks (condition ≠ none).
    pub(crate) restarts: bool,
    /// stop_grace_period > 1 min: stop-first starts the new task after `TaskTimeout` anyway.
    pub(crate) stop_timeout_fires: bool,
    /// Healthcheck verdict latency (interval × retries) exceeds the monitor, per run config.
    pub(crate) health_escapes: [bool; 2],
    pub(crate) max_failures: u8,
    pub(crate) min_available: u64,
    /// The user wrote a rollback_config: they expect failures to roll back even with continue.
    pub(crate) rollback_written: bool,
    /// Partial-order reduction: `actions` leaves out the exits of draining tasks that no
    /// scheduling decision can depend on (`drain_exit_matters`; specs/rollout.md argues why
    /// every verdict and every shortest counterexample length is kept).
    pub(crate) reduce: bool,
}

impl RolloutModel {
    pub fn new(
        input: &RolloutInput<'_>,
        max_failures: u8,
    ) -> Result<RolloutModel, super::NotModelled> {
        input.model(max_failures)
    }

    pub fn slots(&self) -> usize {
        self.home.len()
    }

    /// The same model with the partial-order reduction of draining exits on or off (off as
    /// built by `new`: the Explorer and the replay of counterexamples see every event).
    pub fn with_reduction(mut self, on: bool) -> RolloutModel {
        self.reduce = on;
        self
    }

    pub fn initial_state(&self) -> RolloutState {
        RolloutState::resumed(&self.home, &self.home_new, self.node_names.len())
    }

    /// Appends the visited-set key of the search: the state up to renaming slots and equivalent
    /// nodes (symmetry reduction), or the plain bytes for a global service (a global slot
    /// belongs to its node).
    pub fn search_key(&self, s: &RolloutState, buf: &mut Vec<u8>) {
        if self.global {
            s.write_bytes(buf)
        } else {
            s.write_symmetric(&self.node_class, buf)
        }
    }

    pub(crate) fn run(&self, s: &RolloutState) -> &RunConfig {
        if s.status().is_rollback() {
            &self.rollback
        } else {
            &self.update
        }
    }

    fn target(s: &RolloutState) -> Version {
        if s.status().is_rollback() {
            Version::Old
        } else {
            Version::New
        }
    }

    /// Per node: tasks of this service holding resources/ports, and tasks counted by
    /// MaxReplicasFilter and the ranking. `optimistic` drops every task already told to stop,
    /// as if it had exited.
    pub(crate) fn usage(&self, s: &RolloutState, optimistic: bool) -> Usage {
        let n = self.node_names.len();
        // One entry past the nodes takes the tasks that hold none (no branch per task).
        let mut held = Scratch::new(n + 1);
        let mut counted = Scratch::new(n + 1);
        if !optimistic {
            for (node, h) in held.iter_mut().take(n).enumerate() {
                *h = u32::from(s.draining(node));
            }
        }
        let stopping = TaskState::Stopping as u8;
        // Slices taken once: their pointers and lengths stay in registers across the stores.
        let (h, c): (&mut [u32], &mut [u32]) = (&mut held, &mut counted);
        for (task, node) in s.tasks() {
            let state = task & 7;
            let at = if holds_node_bits(task) {
                usize::from(node)
            } else {
                n
            };
            h[at] += u32::from(!(optimistic && state == stopping));
            c[at] += u32::from(state != stopping);
        }
        Usage { held, counted }
    }

    /// The first filter node `n` fails for one more task, in swarmkit's pipeline order.
    pub(crate) fn first_failure(&self, n: usize, held: u32, counted: u32) -> Option<Filter> {
        let f = &self.fit[n];
        if !f.ready {
            Some(Filter::Ready)
        } else if held >= f.resource_cap {
            Some(Filter::Resources)
        } else if let Some(mid) = f.static_failure {
            Some(mid)
        } else if !f.ports_free || (self.has_host_ports && held > 0) {
            Some(Filter::HostPort)
        } else if self.max_per_node > 0 && u64::from(counted) >= self.max_per_node {
            Some(Filter::MaxReplicas)
        } else {
            None
        }
    }

    fn candidates(&self, slot: usize) -> std::ops::Range<usize> {
        if self.global {
            let home = usize::from(self.home[slot]);
            home..home + 1
        } else {
            0..self.node_names.len()
        }
    }

    /// Nodes the scheduler may pick for slot's pending task, passed to `pick`: those passing
    /// every filter and best by swarmkit's `nodeLess` (fewest tasks of the service, then fewest
    /// tasks); ties are arbitrary in Swarm, so every tied node is a branch.
    fn best_nodes(&self, u: &Usage, slot: usize, pick: impl FnMut(usize)) {
        let passes = |n: &usize| self.first_failure(*n, u.held[*n], u.counted[*n]).is_none();
        let ranks = self
            .candidates(slot)
            .filter(passes)
            .map(|n| self.rank(u, n));
        let Some(best) = ranks.min() else {
            return;
        };
        self.candidates(slot)
            .filter(passes)
            .filter(|&n| self.rank(u, n) == best)
            .for_each(pick);
    }

    /// swarmkit's `nodeLess` key: tasks of the service, then tasks in total (smaller is better).
    fn rank(&self, u: &Usage, n: usize) -> (u64, u64) {
        let c = u64::from(u.counted[n]);
        (c, c.saturating_add(self.fit[n].other_tasks))
    }

    /// Whether the exit of a draining task on `n` may change a scheduling decision, now or after
    /// other such exits: false only when, for every pending task, node `n` passes the filters
    /// now (exits keep it passing), fails them even with all its draining tasks gone, or ranks
    /// strictly worse than a node that passes now (exits only add passing nodes, never remove
    /// one). Filter results are monotone in the tasks holding a node
    /// (`filters_are_monotone_in_held_tasks`), which is what makes these three cases stable.
    /// `u` is the usage of a state with a pending task; a node holding 255 tasks or more
    /// matters, so that no increment of a draining count saturates while an exit waits.
    fn drain_exit_matters(&self, s: &RolloutState, u: &Usage, n: usize) -> bool {
        let (held, counted) = (u.held[n], u.counted[n]);
        if held >= u32::from(u8::MAX) {
            return true;
        }
        let passes = |m: usize, held: u32| self.first_failure(m, held, u.counted[m]).is_none();
        let without_draining = held - u32::from(s.draining(n));
        if passes(n, held) || self.first_failure(n, without_draining, counted).is_some() {
            return false;
        }
        if self.global {
            // A global slot's only candidate is its own node.
            return (0..self.slots()).any(|i| {
                s.slot(i).rep.state == TaskState::Pending && usize::from(self.home[i]) == n
            });
        }
        let rank = self.rank(u, n);
        !(0..self.node_names.len())
            .any(|m| m != n && passes(m, u.held[m]) && self.rank(u, m) < rank)
    }

    /// Whether no node takes slot's pending task and one of `filters` rejects some node: what
    /// `no_node_reasons` would list, without building the list (properties run on every state).
    pub(crate) fn rejected_by(&self, u: &Usage, slot: usize, filters: &[Filter]) -> bool {
        let mut listed = false;
        for n in self.candidates(slot) {
            match self.first_failure(n, u.held[n], u.counted[n]) {
                None => return false,
                Some(f) => listed |= filters.contains(&f),
            }
        }
        listed
    }

    /// Why slot's pending task has no node, per filter (swarmkit's `Explain` counts), or `None`
    /// if some node would take it.
    pub(crate) fn no_node_reasons(&self, u: &Usage, slot: usize) -> Option<Vec<(Filter, usize)>> {
        let (held, counted) = (&u.held, &u.counted);
        let mut reasons: Vec<(Filter, usize)> = Vec::new();
        for n in self.candidates(slot) {
            let f = self.first_failure(n, held[n], counted[n])?;
            match reasons.iter_mut().find(|(g, _)| *g == f) {
                Some((_, c)) => *c += 1,
                None => reasons.push((f, 1)),
            }
        }
        reasons.sort();
        Some(reasons)
    }

    /// Tasks running and not being stopped.
    pub(crate) fn running(&self, s: &RolloutState) -> u64 {
        (0..self.slots())
            .map(|i| {
                let sl = s.slot(i);
                u64::from(sl.cur.state == TaskState::Running)
                    + u64::from(sl.rep.state == TaskState::Running)
            })
            .sum()
    }

    fn busy_workers(&self, s: &RolloutState) -> usize {
        (0..self.slots())
            .filter(|&i| Phase::from_bits(s.slot_bytes(i)[2]).holds_worker())
            .count()
    }

    /// The slot may be handed out: it is the lowest-numbered of the todo slots with identical
    /// contents (slots that differ only in their number are interchangeable, so handing out the
    /// others would only rename states).
    fn dispatchable(&self, s: &RolloutState, i: usize) -> bool {
        // A slot with the same bytes is in the same phase: no need to test that it is todo.
        let record = s.slot_bytes(i);
        Phase::from_bits(record[2]) == Phase::Todo && (0..i).all(|j| s.slot_bytes(j) != record)
    }

    fn can_fail(&self, s: &RolloutState) -> bool {
        s.injected() < self.max_failures
    }

    /// Applies an injected failure of slot `i`'s replacement, the updater's failure count and
    /// its failure action (reference §3.4).
    fn fail(&self, s: &mut RolloutState, i: usize, counted: bool, expected: bool) {
        let cfg = self.run(s).clone();
        let mut sl = s.slot(i);
        sl.rep.state = if self.restarts {
            TaskState::Failed
        } else {
            TaskState::Dead
        };
        if sl.phase == Phase::InFlight {
            sl.phase = cfg.after_worker_unblocks();
        }
        s.set_slot(i, sl);
        s.set_injected(s.injected().saturating_add(1));
        let status = s.status();
        if expected && !sl.rep.restarted && status == UpdateState::Updating {
            s.set_expected(s.expected().saturating_add(1));
        }
        // Once paused or ended, the updater no longer watches failures.
        let watched = status.is_active() && cfg.failure_action != FailureAction::Continue;
        if !(counted && !sl.rep.restarted && watched) {
            return;
        }
        if !self.waits_for_workers(s) {
            self.count_failures(s, 1);
        } else if (0..self.slots()).any(|j| j != i && s.slot(j).phase.holds_worker()) {
            // Another worker waits for a task that may take any time: read in or out of the
            // window.
            s.set_deferred(s.deferred().saturating_add(1));
        } else if cfg.delay <= cfg.monitor {
            // Only this slot's own delay is left: read `delay` after RUNNING, in the window.
            s.set_deferred_sure(s.deferred_sure().saturating_add(1));
        }
        // Else the delay outlasts the window: read after it, never counted (the user's
        // expectation keeps it: `failure-handling` reports the configuration).
    }

    /// Every slot has been handed out and a worker is still busy (waiting for its task or
    /// sleeping its delay): the updater sits in `wg.Wait()` and reads no failure event until
    /// the last worker is done (updater.go: `Run`). A failure then is judged only when read,
    /// by `time.Since(reachedRunning) <= monitoringPeriod` at that moment, so it may count or
    /// not depending on how long the workers still take. Observed on Engine 20.10.24
    /// (conformance updates/failure-during-worker-wait-uncounted): a task failing 1.3 s into
    /// its 2 s window while the last slot's worker waited was never counted.
    fn waits_for_workers(&self, s: &RolloutState) -> bool {
        let phases = (0..self.slots()).map(|i| s.slot(i).phase);
        phases.clone().all(|p| p != Phase::Todo) && phases.clone().any(Phase::holds_worker)
    }

    /// Adds `n` counted failures and applies the failure action if the ratio is exceeded
    /// (reference §3.4).
    fn count_failures(&self, s: &mut RolloutState, n: u8) {
        let cfg = self.run(s);
        let status = s.status();
        let total = s.counted().saturating_add(n);
        s.set_counted(total);
        if !update_config::ratio_exceeded(total, s.dirty(), cfg.max_failure_ratio) {
            return;
        }
        match (status, cfg.failure_action) {
            (UpdateState::Updating, FailureAction::Rollback) => self.start_rollback(s),
            (UpdateState::Updating, _) => s.set_status(UpdateState::Paused),
            // "Never roll back a rollback": both pause (reference §3.4).
            _ => s.set_status(UpdateState::RollbackPaused),
        }
    }

    /// `docker service rollback` in state `s`: controlapi swaps Spec and PreviousSpec and sets
    /// ROLLBACK_STARTED (reference §3.5), and the next updater run is the same rollback run an
    /// automatic rollback starts.
    pub(crate) fn manual_rollback(&self, s: &RolloutState) -> RolloutState {
        let mut t = s.clone();
        self.start_rollback(&mut t);
        t
    }

    /// `rollbackUpdate` + the next updater run with the old spec (reference §3.4, §3.5): slots
    /// whose old task still runs reuse it; the others get a new task of the old version.
    fn start_rollback(&self, s: &mut RolloutState) {
        let mut dirty = 0u16;
        for i in 0..self.slots() {
            let mut sl = s.slot(i);
            if sl.phase == Phase::Todo {
                sl.phase = Phase::Done;
                s.set_slot(i, sl);
                continue;
            }
            let drain = |s: &mut RolloutState, t: Task, node: u8| {
                if t.state.holds_node() {
                    let n = usize::from(node);
                    s.set_draining(n, s.draining(n).saturating_add(1));
                }
            };
            if sl.cur.version == Version::Old && sl.cur.state == TaskState::Running {
                drain(s, sl.rep, sl.rep_node);
                sl.rep = Task::NONE;
                sl.phase = Phase::Done;
            } else {
                drain(s, sl.cur, sl.cur_node);
                if sl.rep.state == TaskState::Running {
                    // Kept whole: the flag tells the restart supervisor's task apart on the
                    // engine too (trace validation).
                    sl.cur = sl.rep;
                    sl.cur_node = sl.rep_node;
                } else {
                    drain(s, sl.rep, sl.rep_node);
                    sl.cur = Task::NONE;
                }
                sl.rep = Task::NONE;
                sl.phase = Phase::Todo;
                dirty += 1;
            }
            s.set_slot(i, sl);
        }
        s.set_counted(0);
        s.set_deferred(0);
        s.set_deferred_sure(0);
        s.set_dirty(dirty);
        s.set_status(if dirty == 0 {
            UpdateState::RollbackCompleted
        } else {
            UpdateState::RollbackStarted
        });
    }
}

impl Model for RolloutModel {
    type State = RolloutState;
    type Action = Action;

    fn init_states(&self) -> Vec<RolloutState> {
        vec![self.initial_state()]
    }

    fn actions(&self, s: &RolloutState, out: &mut Vec<Action>) {
        if s.status().is_active() {
            self.events(s, out, true);
        }
    }

    fn next_state(&self, last: &RolloutState, action: Action) -> Option<RolloutState> {
        let mut s = last.clone();
        self.apply(&mut s, action);
        Some(s)
    }

    fn properties(&self) -> Vec<Property<Self>> {
        properties::all()
    }

    fn format_action(&self, action: &Action) -> String {
        super::timeline::describe_action(self, action)
    }
}

impl RolloutModel {
    /// The events Swarm still processes once the update state is terminal: the updater has
    /// stopped (no dispatch, delay, failure count or completion), but the scheduler, the agents
    /// and the restart supervisor go on with the tasks it left (reference §3.3: a paused
    /// update's workers still wait for their tasks; §3.6). The properties never need them (a
    /// terminal state is where an update ends); trace validation does, because the engine's
    /// tasks keep moving between the status change and the next observation. In an active
    /// state, the model's actions.
    pub(crate) fn settle_actions(&self, s: &RolloutState, out: &mut Vec<Action>) {
        self.events(s, out, s.status().is_active());
    }

    /// The enabled events; without `updater`, only those of the scheduler, the agents and the
    /// restart supervisor.
    fn events(&self, s: &RolloutState, out: &mut Vec<Action>, updater: bool) {
        let status = s.status();
        let cfg = self.run(s);
        let free_worker = self.busy_workers(s) < cfg.workers;
        let escapes = self.health_escapes[usize::from(status.is_rollback())];
        let mut all_done = true;
        let mut usage = None;
        for i in 0..self.slots() {
            let sl = s.slot(i);
            let a = u16::try_from(i).unwrap_or(u16::MAX);
            all_done &= sl.phase == Phase::Done;
            if updater && free_worker && self.dispatchable(s, i) {
                out.push(Action::Dispatch(a));
            }
            match sl.rep.state {
                TaskState::Pending => {
                    let u = usage.get_or_insert_with(|| self.usage(s, false));
                    self.best_nodes(u, i, |n| {
                        out.push(Action::Schedule(a, u8::try_from(n).unwrap_or(u8::MAX)))
                    });
                }
                TaskState::Assigned => {
                    let waits_for_old = cfg.stop_first
                        && sl.phase == Phase::InFlight
                        && sl.cur.state.holds_node()
                        && !self.stop_timeout_fires;
                    if !waits_for_old {
                        out.push(Action::Start(a));
                    }
                    if self.can_fail(s) {
                        out.push(Action::FailStart(a));
                    }
                }
                // Failures of a running replacement this run created. Its monitor window starts
                // with RUNNING, as its worker's delay does: with delay ≤ monitor the window
                // outlasts the delay and may end at any later event; with delay > monitor it
                // ends during the delay, so a counted crash must come before the worker is free,
                // and a crash later in the delay is not counted.
                // Tasks of the restart supervisor crash too, and every task may crash once the
                // updater has stopped; such failures are never counted.
                TaskState::Running if self.can_fail(s) && (sl.rep.restarted || !updater) => {
                    out.push(Action::Crash(a));
                }
                TaskState::Running if self.can_fail(s) => {
                    let late_delay = cfg.delay > cfg.monitor;
                    if !late_delay || sl.phase == Phase::Delay {
                        out.push(Action::Crash(a));
                    }
                    if late_delay && sl.phase == Phase::Delay {
                        out.push(Action::CrashLate(a));
                    }
                    if escapes {
                        out.push(Action::Unhealthy(a));
                    }
                }
                TaskState::Failed => out.push(Action::Restart(a)),
                _ => {}
            }
            if sl.cur.state == TaskState::Stopping {
                out.push(Action::Exit(a));
            }
            if Self::old_awaits_stop(cfg, &sl) {
                out.push(Action::StopOld(a));
            }
            if updater && sl.phase == Phase::Delay {
                out.push(Action::DelayElapsed(a));
            }
        }
        // Reduced: without a pending task no exit matters (`drain_exit_matters`). The reduced
        // set is empty only if every exit may wait and nothing else is enabled: then it is all.
        let drain_exit = |n: usize| Action::DrainExit(u8::try_from(n).unwrap_or(u8::MAX));
        for n in 0..self.node_names.len() {
            let kept = !self.reduce
                || usage
                    .as_ref()
                    .is_some_and(|u| self.drain_exit_matters(s, u, n));
            if s.draining(n) > 0 && kept {
                out.push(drain_exit(n));
            }
        }
        let (sure, maybe) = (s.deferred_sure(), s.deferred());
        if updater && all_done && sure.saturating_add(maybe) > 0 {
            out.extend((sure..=sure.saturating_add(maybe)).map(Action::CountDeferred));
        } else if updater && all_done {
            out.push(Action::Complete);
        }
        if self.reduce && out.is_empty() {
            let draining = (0..self.node_names.len()).filter(|&n| s.draining(n) > 0);
            out.extend(draining.map(drain_exit));
        }
    }
}

impl Successors for RolloutModel {
    fn successor_into(&self, last: &RolloutState, action: Action, out: &mut RolloutState) -> bool {
        out.copy_from(last);
        self.apply(out, action);
        true
    }

    fn state_bytes(state: &RolloutState) -> &[u8] {
        state.bytes()
    }

    fn load_state(bytes: &[u8], out: &mut RolloutState) {
        out.load(bytes);
    }
}

impl RolloutModel {
    /// `next_state` in place: every action has a successor.
    pub(crate) fn apply(&self, s: &mut RolloutState, action: Action) {
        let cfg = self.run(s);
        match action {
            Action::Dispatch(i) => {
                let i = usize::from(i);
                let mut sl = s.slot(i);
                sl.phase = Phase::InFlight;
                sl.rep = Task {
                    state: TaskState::Pending,
                    version: Self::target(s),
                    restarted: false,
                };
                if cfg.stop_first && sl.cur.state == TaskState::Running {
                    sl.cur.state = TaskState::Stopping;
                }
                s.set_slot(i, sl);
            }
            Action::Schedule(i, n) => {
                let i = usize::from(i);
                let mut sl = s.slot(i);
                sl.rep.state = TaskState::Assigned;
                sl.rep_node = n;
                s.set_slot(i, sl);
            }
            Action::Start(i) => {
                let i = usize::from(i);
                let mut sl = s.slot(i);
                sl.rep.state = TaskState::Running;
                // Start-first: the worker stops the old task next (`StopOld`).
                if sl.phase == Phase::InFlight && !Self::old_awaits_stop(cfg, &sl) {
                    sl.phase = cfg.after_worker_unblocks();
                    // Stop-first's old task may still be stopping after the 1-minute timeout:
                    // nothing waits for it any more, only its node's resources do, so it joins
                    // the node's draining count.
                    if sl.cur.state == TaskState::Stopping {
                        Self::drain_cur(s, &mut sl);
                    }
                }
                s.set_slot(i, sl);
            }
            Action::StopOld(i) => {
                let i = usize::from(i);
                let mut sl = s.slot(i);
                sl.phase = cfg.after_worker_unblocks();
                Self::drain_cur(s, &mut sl);
                s.set_slot(i, sl);
            }
            Action::Exit(i) => {
                let i = usize::from(i);
                let mut sl = s.slot(i);
                sl.cur = Task::NONE;
                s.set_slot(i, sl);
            }
            Action::DrainExit(n) => {
                let n = usize::from(n);
                s.set_draining(n, s.draining(n).saturating_sub(1));
            }
            Action::DelayElapsed(i) => {
                let i = usize::from(i);
                let mut sl = s.slot(i);
                sl.phase = Phase::Done;
                s.set_slot(i, sl);
            }
            Action::FailStart(i) | Action::Crash(i) => self.fail(s, usize::from(i), true, true),
            Action::CrashLate(i) | Action::Unhealthy(i) => {
                self.fail(s, usize::from(i), false, true)
            }
            Action::Restart(i) => {
                let i = usize::from(i);
                let mut sl = s.slot(i);
                sl.rep.state = TaskState::Pending;
                sl.rep.restarted = true;
                s.set_slot(i, sl);
            }
            Action::CountDeferred(n) => {
                let read = s.deferred_sure().saturating_add(s.deferred());
                s.set_deferred(0);
                s.set_deferred_sure(0);
                // A failure read too late only because other workers were slow is not the
                // configuration's doing (no setting prevents it): it leaves the user's
                // expectation, so `failure-handling` keeps reporting configurations only.
                if s.status() == UpdateState::Updating {
                    s.set_expected(s.expected().saturating_sub(read.saturating_sub(n)));
                }
                self.count_failures(s, n);
            }
            Action::Complete => s.set_status(if s.status().is_rollback() {
                UpdateState::RollbackCompleted
            } else {
                UpdateState::Completed
            }),
        }
    }
}

impl RolloutModel {
    /// Start-first with the replacement running and the old task not told to stop yet: the
    /// worker has that step left (updater.go: `updateTask` stops the old tasks in a batch after
    /// the RUNNING event). Observed on Engine 20.10.24 (conformance updates/start-first): both
    /// tasks RUNNING and desired RUNNING at once.
    fn old_awaits_stop(cfg: &RunConfig, sl: &Slot) -> bool {
        !cfg.stop_first
            && sl.phase == Phase::InFlight
            && sl.rep.state == TaskState::Running
            && sl.cur.state == TaskState::Running
    }

    /// The slot's old task joins its node's draining count: told to stop, awaited by nothing.
    fn drain_cur(s: &mut RolloutState, sl: &mut Slot) {
        let n = usize::from(sl.cur_node);
        s.set_draining(n, s.draining(n).saturating_add(1));
        sl.cur = Task::NONE;
    }
}

impl Slot {
    /// The task serving in this slot once the run is over, if any.
    pub fn serving_version(&self) -> Option<Version> {
        [self.rep, self.cur]
            .into_iter()
            .find(|t| t.state == TaskState::Running)
            .map(|t| t.version)
    }
}
