//! Acceptance tests: one hand-made service per failure mode of issue 5, each with its finding
//! and minimal timeline, and its corrected version verifying safe; plus the cross-checks of the
//! search (shortest paths, replay, agreement with stateright's BFS and DFS) and the bounds.

use std::collections::BTreeSet;

use stateright::{Checker, HasDiscoveries, Model};

use super::*;
use crate::diagnostics::{FileId, Span};
use crate::model::units::NANO_CPUS_PER_CPU;
use crate::model::{
    Cluster, Duration, FailureAction, Healthcheck, Mode, Port, Protocol, PublishMode, Service,
    Spanned, UpdateOrder,
};
use crate::report::Status;
use crate::swarm::filters::{self, NodeUsage};

fn span() -> Span {
    Span::new(FileId(0), 0, 1)
}

pub(super) fn written<T>(v: T) -> Spanned<T> {
    Spanned::new(v, span())
}

fn cluster(nodes: usize, cpus: u64) -> Cluster {
    Cluster::workers(nodes, cpus, 8 << 30)
}

pub(super) fn service(replicas: u64) -> Service {
    let mut s = Service::new("web");
    s.mode = written(Mode::Replicated { replicas });
    s
}

fn start_first(s: &mut Service) {
    s.update_config.order = written(UpdateOrder::StartFirst);
    s.update_config.span = Some(span());
}

fn host_port(s: &mut Service) {
    s.ports.push(Port {
        target: 80,
        published: Some(80),
        protocol: Protocol::Tcp,
        mode: PublishMode::Host,
        span: Some(span()),
    });
}

/// One task per node, slot i on node i (mod nodes).
pub(super) fn input<'a>(s: &'a Service, c: &'a Cluster) -> RolloutInput<'a> {
    let replicas = s.mode.replicated_tasks().unwrap_or(0) as usize;
    RolloutInput {
        service: s,
        cluster: c,
        old_nodes: (0..replicas).map(|i| i % c.nodes.len()).collect(),
        already_new: Vec::new(),
        other_usage: Vec::new(),
        volume_drivers: Vec::new(),
        previous_rollback: None,
        default_max_update_duration: None,
    }
}

fn check(i: &RolloutInput<'_>, k: u8) -> (RolloutResult, Vec<crate::diagnostics::Diagnostic>) {
    check_update(
        i,
        &Options {
            max_failures: k,
            ..Options::default()
        },
    )
}

fn property(r: &RolloutResult, p: PropertyId) -> &PropertyResult {
    r.properties
        .iter()
        .find(|x| x.name == p.name())
        .expect("property reported")
}

fn timeline(r: &RolloutResult, p: PropertyId) -> String {
    render_text(
        property(r, p)
            .counterexample
            .as_ref()
            .expect("counterexample"),
    )
}

fn codes(d: &[crate::diagnostics::Diagnostic]) -> Vec<&'static str> {
    d.iter().map(|d| d.code.id).collect()
}

fn assert_safe(i: &RolloutInput<'_>, k: u8) {
    let (r, d) = check(i, k);
    assert_eq!(r.verdict, RolloutVerdict::Safe, "{}", render_result(&r));
    assert!(
        d.iter()
            .all(|d| d.severity != crate::diagnostics::Severity::Error),
        "{:?}",
        codes(&d)
    );
}

// Reference §3.3 (stop-first stops the old task before the new one starts).
#[test]
fn one_replica_stop_first_is_an_outage_at_the_first_step() {
    let c = cluster(2, 2);
    let s = service(1);
    // Swarm's default: the analysis keeps the outage, the policy does not call it a defect.
    // The service's own findings leave it out; the stack reports it once, as information.
    let (r, d) = check(&input(&s, &c), 1);
    assert_eq!(r.verdict, RolloutVerdict::Caveats);
    assert_eq!(r.status, Status::Holds);
    assert!(r.default_outage);
    assert_eq!(
        property(&r, PropertyId::NoFullOutage).status,
        Status::Violated
    );
    assert_eq!(property(&r, PropertyId::Availability).status, Status::Holds);
    assert!(!codes(&d).contains(&"SP3002"));
    let defaults = stack_defaults(std::slice::from_ref(&r));
    assert_eq!(codes(&defaults), ["SP3002", "SP3007"]);
    assert_eq!(defaults[0].severity, crate::diagnostics::Severity::Info);
    assert!(defaults[0]
        .message
        .ends_with("(Swarm's default order, stop-first): web"));
    // Required availability (min_available: 1) or --strict makes it an error, per service,
    // with its timeline.
    let mut required = s.clone();
    required.requirements.min_available = Some(written(1));
    let (r, d) = check(&input(&required, &c), 1);
    assert_eq!(r.verdict, RolloutVerdict::Unsafe);
    assert!(!r.default_outage);
    let outage = d.iter().find(|d| d.code.id == "SP3002").expect("SP3002");
    assert_eq!(outage.severity, crate::diagnostics::Severity::Error);
    let (r, d) = check_update(
        &input(&s, &c),
        &Options {
            strict: true,
            ..Options::default()
        },
    );
    assert_eq!(r.verdict, RolloutVerdict::Unsafe);
    assert!(codes(&d).contains(&"SP3002"));
    insta::assert_snapshot!(timeline(&r, PropertyId::NoFullOutage), @r"
      t1: creates web.1 (new) and stops web.1 (old) on w1 (stop-first)
      t2: no task of web is running: outage
    ");

    let mut fixed = s.clone();
    start_first(&mut fixed);
    assert_safe(&input(&fixed, &c), 1);
}

// Reference §1.2 HostPortFilter, §3.3 (no timeout), painpoint #10.
#[test]
fn start_first_with_host_port_and_no_spare_node_hangs() {
    let c = cluster(3, 2);
    let mut s = service(3);
    start_first(&mut s);
    host_port(&mut s);
    let (r, d) = check(&input(&s, &c), 1);
    assert_eq!(
        property(&r, PropertyId::NoPlacementDeadlock).status,
        Status::Violated
    );
    assert_eq!(property(&r, PropertyId::Progress).status, Status::Violated);
    assert!(codes(&d).contains(&"SP3004"));
    // The hang is explained by the deadlock finding; no second error for it.
    assert!(!codes(&d).contains(&"SP3005"));
    insta::assert_snapshot!(timeline(&r, PropertyId::NoPlacementDeadlock), @r"
      t1: creates web.1 (new)
      t2: web.1 (new) Pending: no suitable node (host-mode port already in use on 3 nodes); the update waits forever
    ");

    let mut fixed = s.clone();
    fixed.update_config.order = written(UpdateOrder::StopFirst);
    assert_safe(&input(&fixed, &c), 1);
}

// Reference §5: MaxReplicasFilter counts the old task during start-first (moby/moby#40797).
#[test]
fn start_first_with_max_replicas_per_node_and_no_spare_node_hangs() {
    let c = cluster(3, 2);
    let mut s = service(3);
    start_first(&mut s);
    s.placement.max_replicas_per_node = written(1);
    let (r, d) = check(&input(&s, &c), 1);
    assert!(codes(&d).contains(&"SP3004"));
    insta::assert_snapshot!(timeline(&r, PropertyId::NoPlacementDeadlock), @r"
      t1: creates web.1 (new)
      t2: web.1 (new) Pending: no suitable node (max replicas per node limit exceed); the update waits forever
    ");

    // Stop-first: a task told to shut down no longer counts for max_replicas_per_node.
    let mut fixed = s.clone();
    fixed.update_config.order = written(UpdateOrder::StopFirst);
    assert_safe(&input(&fixed, &c), 1);
}

// Reference §1.1: a task keeps its reservation until it has stopped.
#[test]
fn start_first_on_a_full_cluster_does_not_fit() {
    let c = cluster(3, 1);
    let mut s = service(3);
    start_first(&mut s);
    s.resources.reservations.nano_cpus = written(NANO_CPUS_PER_CPU);
    s.resources.span = Some(span());
    let (r, d) = check(&input(&s, &c), 1);
    assert_eq!(
        property(&r, PropertyId::SurgeCapacity).status,
        Status::Violated
    );
    assert!(codes(&d).contains(&"SP3003"));
    insta::assert_snapshot!(timeline(&r, PropertyId::SurgeCapacity), @r"
      t1: creates web.1 (new)
      t2: web.1 (new) Pending: no suitable node (insufficient resources on 3 nodes); the update waits forever
    ");

    let mut fixed = s.clone();
    fixed.update_config.order = written(UpdateOrder::StopFirst);
    assert_safe(&input(&fixed, &c), 1);
}

fn rollback_on_failure(s: &mut Service) {
    s.update_config.failure_action = written(FailureAction::Rollback);
}

// Reference §3.4: failures count only within `monitor` of RUNNING; painpoint #12. The shortest
// escape: the worker records the failure's time as the task's "RUNNING" time (updater.go:
// `updateTask` stamps any state ≥ RUNNING), then sleeps the 30 s delay, and the updater reads
// the failure only after that sleep (`wg.Wait()`), 30 s > 5 s later: not counted.
#[test]
fn delay_longer_than_monitor_lets_a_failure_escape() {
    let c = cluster(2, 2);
    let mut s = service(1);
    start_first(&mut s);
    rollback_on_failure(&mut s);
    s.update_config.delay = written(Duration::from_secs(30));
    let (r, d) = check(&input(&s, &c), 1);
    assert_eq!(
        property(&r, PropertyId::FailureHandling).status,
        Status::Violated
    );
    // Said once: SP3010 gives the numbers, SP3006 does not repeat it.
    assert!(!codes(&d).contains(&"SP3006"), "{:?}", codes(&d));
    assert_eq!(r.verdict, RolloutVerdict::Caveats);
    let delay = d
        .iter()
        .find(|d| d.code.id == "SP3010")
        .expect("delay finding");
    assert!(
        delay.message.contains("delay 30s > monitor 5s"),
        "{}",
        delay.message
    );
    insta::assert_snapshot!(timeline(&r, PropertyId::FailureHandling), @r"
      t1: creates web.1 (new)
      t2: assigns web.1 (new)
      t3: web.1 (new) fails before reaching RUNNING
      t4: delay after web.1 elapsed; the worker is free
      t5: every slot is done and monitored; update COMPLETED
      t6: update COMPLETED although 1 new task failed where the user expects them to count; Swarm counted 0
    ");

    let mut fixed = s.clone();
    fixed.update_config.monitor = written(Duration::from_secs(31));
    assert_safe(&input(&fixed, &c), 1);
}

// Reference §0 (health), §3.4; painpoint #12: 30s × 3 retries vs. a 5s monitor.
#[test]
fn monitor_shorter_than_healthcheck_lets_an_unhealthy_task_complete() {
    let c = cluster(2, 2);
    let mut s = service(1);
    start_first(&mut s);
    rollback_on_failure(&mut s);
    s.healthcheck = Some(Healthcheck {
        disabled: false,
        test: vec!["CMD".into(), "true".into()],
        interval: Spanned::default_value(Duration::ZERO),
        timeout: Spanned::default_value(Duration::ZERO),
        retries: Spanned::default_value(0),
        start_period: Spanned::default_value(Duration::ZERO),
        span: Some(span()),
    });
    let (r, d) = check(&input(&s, &c), 1);
    assert_eq!(
        property(&r, PropertyId::FailureHandling).status,
        Status::Violated
    );
    let hc = d
        .iter()
        .find(|d| d.code.id == "SP3011")
        .expect("healthcheck finding");
    assert!(
        hc.message
            .contains("monitor 5s < healthcheck interval × retries = 1m30s"),
        "{}",
        hc.message
    );
    assert!(timeline(&r, PropertyId::FailureHandling)
        .contains("declared unhealthy after its 5s monitor window"));

    let mut fixed = s.clone();
    fixed.update_config.monitor = written(Duration::from_secs(90));
    assert_safe(&input(&fixed, &c), 1);
}

// Reference §3.4: failures ÷ dirty slots, strictly greater than the ratio.
#[test]
fn max_failure_ratio_is_strict() {
    let c = cluster(4, 2);
    let mut s = service(4);
    s.update_config.failure_action = written(FailureAction::Pause);
    s.update_config.max_failure_ratio = written(0.25);
    let (r, d) = check(&input(&s, &c), 1);
    assert_eq!(
        property(&r, PropertyId::FailureHandling).status,
        Status::Violated
    );
    let f = d
        .iter()
        .find(|d| d.code.id == "SP3006")
        .expect("ratio finding");
    assert!(
        f.message
            .contains("1/4 is not > max_failure_ratio 0.25; Swarm needs 2 failures"),
        "{}",
        f.message
    );

    let mut fixed = s.clone();
    fixed.update_config.max_failure_ratio = written(0.2);
    assert_safe(&input(&fixed, &c), 1);
}

// Reference §3.4: with continue the failure watch is not even installed.
#[test]
fn rollback_config_with_failure_action_continue_never_rolls_back() {
    let c = cluster(2, 2);
    let mut s = service(2);
    s.update_config.failure_action = written(FailureAction::Continue);
    s.rollback_config.span = Some(span());
    s.rollback_config.parallelism = written(1);
    let (r, d) = check(&input(&s, &c), 1);
    let f = d
        .iter()
        .find(|d| d.code.id == "SP3006")
        .expect("continue finding");
    assert_eq!(f.severity, crate::diagnostics::Severity::Error);
    assert!(f.message.contains("not watched (failure_action: continue)"));
    let cx = property(&r, PropertyId::FailureHandling)
        .counterexample
        .as_ref()
        .unwrap();
    assert_eq!(cx.failures_counted, 0);
    assert_eq!(
        cx.steps.last().unwrap().update_state,
        UpdateState::Completed
    );

    let mut fixed = s.clone();
    rollback_on_failure(&mut fixed);
    assert_safe(&input(&fixed, &c), 1);
    // And the rollback is really taken: ROLLBACK_COMPLETED is reached.
    let model = RolloutModel::new(&input(&fixed, &c), 1).unwrap();
    let reached = model
        .checker()
        .spawn_bfs()
        .join()
        .discovery("pause-reachable")
        .is_none();
    assert!(
        reached,
        "rollback with pause-free rollback config never pauses with K=1"
    );
}

// Reference §3.3: pause needs a person.
#[test]
fn pause_is_reported_with_its_timeline() {
    let c = cluster(3, 2);
    let s = service(3);
    let (r, d) = check(&input(&s, &c), 1);
    let pause = r.pause.as_ref().expect("pause reachable");
    assert_eq!(
        pause.steps.last().unwrap().update_state,
        UpdateState::Paused
    );
    // Swarm's default failure_action: reported once per stack, not per service.
    assert!(!codes(&d).contains(&"SP3007"));
    assert_eq!(codes(&stack_defaults(std::slice::from_ref(&r))), ["SP3007"]);
    assert_eq!(r.verdict, RolloutVerdict::Safe);
    // Shortest: dispatch, schedule, fail.
    assert_eq!(pause.steps.len(), 3, "{}", render_text(pause));
}

/// Every test model of this file, for the cross-checks.
fn test_models() -> Vec<(String, RolloutModel)> {
    let c3 = cluster(3, 1);
    let mut out = Vec::new();
    let mut add = |name: &str, s: Service, c: &Cluster, k: u8| {
        out.push((
            name.to_string(),
            RolloutModel::new(&input(&s, c), k).unwrap(),
        ));
    };
    add("one replica", service(1), &c3, 1);
    let mut hp = service(3);
    start_first(&mut hp);
    host_port(&mut hp);
    add("host port", hp, &c3, 1);
    let mut full = service(3);
    start_first(&mut full);
    full.resources.reservations.nano_cpus = written(NANO_CPUS_PER_CPU);
    add("full cluster", full, &c3, 1);
    let mut rb = service(3);
    rollback_on_failure(&mut rb);
    rb.update_config.parallelism = written(2);
    rb.update_config.delay = written(Duration::from_secs(10));
    add("rollback, delay", rb.clone(), &c3, 2);
    let sym = RolloutModel::new(&input(&rb, &c3), 2).unwrap();
    assert!(
        check_model(&sym, Symmetry::SlotsAndNodes).progress.states * 2
            < check_model(&sym, Symmetry::None).progress.states
    );
    let mut all = service(2);
    all.update_config.parallelism = written(0);
    all.restart_policy.condition = written(crate::model::RestartCondition::None);
    add("parallelism 0", all, &c3, 2);
    // Start-first old tasks drain; with a host port the next replacement needs a node they
    // left, so their exits are scheduling decisions (kept by the partial-order reduction).
    let mut spare = service(3);
    start_first(&mut spare);
    host_port(&mut spare);
    spare.update_config.parallelism = written(2);
    add("host port, spare node", spare, &cluster(4, 1), 1);
    let mut tight = service(4);
    start_first(&mut tight);
    tight.resources.reservations.nano_cpus = written(NANO_CPUS_PER_CPU);
    tight.update_config.parallelism = written(2);
    add("start-first, one spare CPU", tight, &cluster(3, 2), 1);
    let mut back = service(2);
    start_first(&mut back);
    host_port(&mut back);
    rollback_on_failure(&mut back);
    back.update_config.parallelism = written(0);
    add("start-first, host port, rollback", back, &c3, 2);
    out
}

#[test]
fn shortest_paths_are_no_longer_than_stateright_bfs_and_replay() {
    for (name, m) in test_models() {
        let r = check_model(&m, Symmetry::SlotsAndNodes);
        let sr = m.clone().checker().spawn_bfs().join();
        for (prop, path) in sr.discoveries() {
            let ours = r
                .discovery(prop)
                .unwrap_or_else(|| panic!("{name}: {prop} missed"));
            assert!(
                ours.len() <= path.into_actions().len() + 1,
                "{name}: {prop}"
            );
            // Independent replay: follow the indices, re-evaluate stateright's property.
            let (states, _) = search::replay(&m, ours).expect("replayable");
            let p = m.property(prop);
            let last = states.last().unwrap();
            let hit = match p.expectation {
                stateright::Expectation::Sometimes => (p.condition)(&m, last),
                _ => !(p.condition)(&m, last),
            };
            assert!(hit, "{name}: {prop} not re-established by replay");
        }
    }
}

#[derive(Clone, Copy)]
enum Symmetry {
    None,
    Slots,
    SlotsAndNodes,
}

fn check_model(m: &RolloutModel, symmetric: Symmetry) -> search::SearchResult {
    let bounds = search::Bounds {
        max_states: 10_000_000,
        max_bytes: 1 << 30,
        timeout: std::time::Duration::from_secs(120),
    };
    let plain = |s: &RolloutState, b: &mut Vec<u8>| s.write_bytes(b);
    let slots_only = |s: &RolloutState, b: &mut Vec<u8>| s.write_canonical(b);
    let full = |s: &RolloutState, b: &mut Vec<u8>| m.search_key(s, b);
    let key: &dyn Fn(&RolloutState, &mut Vec<u8>) = match symmetric {
        Symmetry::None => &plain,
        Symmetry::Slots => &slots_only,
        Symmetry::SlotsAndNodes => &full,
    };
    search::bfs(m, bounds, key, &[PropertyId::Progress.name()], &mut |_| {})
}

#[test]
fn bfs_and_dfs_agree_with_our_search_on_verdicts_and_state_counts() {
    let never: BTreeSet<&'static str> = ["(explore everything)"].into_iter().collect();
    let everything = || HasDiscoveries::AllOf(never.clone());
    let models = test_models().into_iter().flat_map(|(name, m)| {
        let reduced = (format!("{name}, reduced"), m.clone().with_reduction(true));
        [(name, m), reduced]
    });
    for (name, m) in models {
        let plain = check_model(&m, Symmetry::None);
        let slots = check_model(&m, Symmetry::Slots);
        let reduced = check_model(&m, Symmetry::SlotsAndNodes);
        assert!(plain.complete() && slots.complete() && reduced.complete());
        assert!(reduced.progress.states <= slots.progress.states, "{name}");
        assert!(slots.progress.states <= plain.progress.states, "{name}");
        let names = |r: &search::SearchResult| -> BTreeSet<&str> {
            r.discoveries.iter().map(|(n, _)| *n).collect()
        };
        assert_eq!(
            names(&plain),
            names(&slots),
            "{name}: symmetry keeps verdicts"
        );
        assert_eq!(
            names(&plain),
            names(&reduced),
            "{name}: symmetry keeps verdicts"
        );
        let bfs = m
            .clone()
            .checker()
            .finish_when(everything())
            .spawn_bfs()
            .join();
        let dfs = m
            .clone()
            .checker()
            .finish_when(everything())
            .spawn_dfs()
            .join();
        let sym = m
            .clone()
            .checker()
            .finish_when(everything())
            .symmetry_fn(RolloutState::canonical)
            .spawn_dfs()
            .join();
        for (kind, ours, count, disc) in [
            ("bfs", &plain, bfs.unique_state_count(), bfs.discoveries()),
            ("dfs", &plain, dfs.unique_state_count(), dfs.discoveries()),
            (
                "dfs+symmetry",
                &slots,
                sym.unique_state_count(),
                sym.discoveries(),
            ),
        ] {
            assert_eq!(count, ours.progress.states, "{name}: {kind} state count");
            let theirs: BTreeSet<&str> = disc.keys().copied().collect();
            assert_eq!(theirs, names(ours), "{name}: {kind} verdicts");
        }
    }
}

// Nodes 0 and 1 hold the same tasks, and so do nodes 2 and 3, but the in-flight slots pair them
// differently in the two states: only trying every order of tied nodes gives both one key.
#[test]
fn states_renamed_by_tied_nodes_share_one_key() {
    use state::{Phase, Slot, Task, TaskState, Version};
    let m = RolloutModel::new(&input(&service(4), &cluster(4, 2)), 1).unwrap();
    let task = |state| Task {
        state,
        version: Version::New,
        restarted: false,
    };
    let old = Task {
        version: Version::Old,
        ..task(TaskState::Running)
    };
    let in_flight = |cur_node, rep_node| Slot {
        cur: old,
        rep: task(TaskState::Assigned),
        phase: Phase::InFlight,
        cur_node,
        rep_node,
    };
    let todo = |cur_node| Slot {
        cur: old,
        rep: Task::NONE,
        phase: Phase::Todo,
        cur_node,
        rep_node: 0,
    };
    let build = |slots: [Slot; 4]| {
        let mut st = RolloutState::initial(&[0, 1, 2, 3], 4);
        for (i, sl) in slots.into_iter().enumerate() {
            st.set_slot(i, sl);
        }
        st
    };
    let a = build([in_flight(0, 2), in_flight(1, 3), todo(2), todo(3)]);
    // `a` with nodes 2 and 3 swapped.
    let b = build([in_flight(0, 3), in_flight(1, 2), todo(3), todo(2)]);
    let key = |st: &RolloutState| {
        let mut k = Vec::new();
        m.search_key(st, &mut k);
        k
    };
    assert_ne!(a.canonical(), b.canonical(), "not a mere slot renaming");
    assert_eq!(key(&a), key(&b));
    // A state that is no renaming of `a` (both replacements on node 2) keeps its own key.
    let c = build([in_flight(0, 2), in_flight(1, 2), todo(2), todo(3)]);
    assert_ne!(key(&a), key(&c));
}

/// Discoveries of a search: property name and path length.
fn lengths(r: &search::SearchResult) -> BTreeSet<(&'static str, usize)> {
    r.discoveries.iter().map(|(n, p)| (*n, p.len())).collect()
}

/// The partial-order reduction keeps every verdict and every shortest counterexample length,
/// and its paths, re-indexed onto the full model, replay there to a state with the same
/// verdict (specs/rollout.md, "Partial-order reduction").
fn assert_reduction_exact(name: &str, m: &RolloutModel, symmetric: Symmetry) -> (usize, usize) {
    let reduced_model = m.clone().with_reduction(true);
    let full = check_model(m, symmetric);
    let reduced = check_model(&reduced_model, symmetric);
    assert!(full.complete() && reduced.complete(), "{name}");
    assert_eq!(lengths(&full), lengths(&reduced), "{name}");
    for (prop, path) in &reduced.discoveries {
        let on_full = search::reindex(&reduced_model, m, path).expect("a path of the full model");
        let (states, _) = search::replay(m, &on_full).expect("replayable");
        let p = m.property(prop);
        let last = states.last().unwrap();
        let hit = match p.expectation {
            stateright::Expectation::Sometimes => (p.condition)(m, last),
            _ => !(p.condition)(m, last),
        };
        assert!(hit, "{name}: {prop} not re-established on the full model");
    }
    (full.progress.states, reduced.progress.states)
}

#[test]
fn partial_order_reduction_keeps_verdicts_and_shortest_lengths() {
    let mut reduced_somewhere = false;
    for (name, m) in test_models() {
        for symmetric in [Symmetry::None, Symmetry::SlotsAndNodes] {
            let (full, reduced) = assert_reduction_exact(&name, &m, symmetric);
            assert!(reduced <= full, "{name}");
            reduced_somewhere |= reduced < full;
        }
    }
    // Not vacuous: the start-first models have exits to leave out.
    assert!(reduced_somewhere);
}

// Reference §1.1: a task holds its node's resources and host ports until it has stopped. The
// reduction keeps an exit exactly when a pending task's choice of node can depend on it.
#[test]
fn drain_exits_are_kept_only_when_a_schedule_can_depend_on_them() {
    use state::{Phase, Slot, Task, TaskState, Version};
    let mut s = service(3);
    start_first(&mut s);
    host_port(&mut s);
    let m = RolloutModel::new(&input(&s, &cluster(4, 1)), 1)
        .unwrap()
        .with_reduction(true);
    let new = |state| Task {
        state,
        version: Version::New,
        restarted: false,
    };
    let done = |node| Slot {
        cur: Task::NONE,
        rep: new(TaskState::Running),
        phase: Phase::Done,
        cur_node: 0,
        rep_node: node,
    };
    let old = |node| Slot {
        cur: Task {
            version: Version::Old,
            ..new(TaskState::Running)
        },
        rep: Task::NONE,
        phase: Phase::Todo,
        cur_node: node,
        rep_node: 0,
    };
    // web.1 moved from w1 to w4; its old task still drains on w1.
    let mut st = RolloutState::initial(&[0, 1, 2], 4);
    st.set_slot(0, done(3));
    st.set_slot(2, old(2));
    st.set_draining(0, 1);
    let drain = Action::DrainExit(0);
    // Nothing pending: the exit may wait.
    assert!(!m.next_states(&st).is_empty());
    let mut acts = Vec::new();
    m.actions(&st, &mut acts);
    assert!(!acts.contains(&drain), "{acts:?}");
    // web.2's replacement is pending and only w1 can take it once the old task has gone.
    let mut sl = old(1);
    sl.phase = Phase::InFlight;
    sl.rep = new(TaskState::Pending);
    st.set_slot(1, sl);
    acts.clear();
    m.actions(&st, &mut acts);
    assert!(acts.contains(&drain), "{acts:?}");
    // With two free CPUs per node and no port, w1 takes it with or without the exit.
    let mut free = service(3);
    start_first(&mut free);
    let m = RolloutModel::new(&input(&free, &cluster(4, 2)), 1)
        .unwrap()
        .with_reduction(true);
    acts.clear();
    m.actions(&st, &mut acts);
    assert!(!acts.contains(&drain), "{acts:?}");
    assert!(acts.iter().any(|a| matches!(a, Action::Schedule(1, _))));
}

// The reduction's case analysis rests on this: a node that passes the filters with h tasks of
// the service holding it passes with fewer.
#[test]
fn filters_are_monotone_in_held_tasks() {
    let mut models = test_models();
    let mut capped = service(3);
    capped.placement.max_replicas_per_node = written(2);
    host_port(&mut capped);
    models.push((
        "capped".into(),
        RolloutModel::new(&input(&capped, &cluster(3, 2)), 1).unwrap(),
    ));
    for (name, m) in models {
        for n in 0..m.node_names.len() {
            for counted in 0..6 {
                for held in 1..12 {
                    if m.first_failure(n, held, counted).is_none() {
                        assert!(m.first_failure(n, held - 1, counted).is_none(), "{name}");
                    }
                }
            }
        }
    }
}

/// A measure every transition increases: the model's state graph is acyclic, so a stuck state
/// is exactly a state from which the update can never end (the `progress` property).
fn rank(m: &RolloutModel, s: &RolloutState) -> (u8, u8, u32) {
    let run = u8::from(s.status().is_rollback()) * 2 + u8::from(s.status().is_terminal());
    let task = |t: state::TaskState| match t {
        state::TaskState::Failed => 0,
        state::TaskState::Pending => 1,
        state::TaskState::Assigned => 2,
        state::TaskState::Running => 3,
        state::TaskState::Dead => 4,
        state::TaskState::Stopping | state::TaskState::None => 0,
    };
    let mut progress = 0u32;
    for i in 0..m.slots() {
        let sl = s.slot(i);
        progress += sl.phase as u32 * 8;
        progress += task(sl.rep.state) + u32::from(sl.cur.state != state::TaskState::Stopping) * 4;
    }
    progress += (0..m.node_names.len())
        .map(|n| 255 - u32::from(s.draining(n)))
        .sum::<u32>();
    // Reading the deferred failures empties them.
    progress += 510 - u32::from(s.deferred()) - u32::from(s.deferred_sure());
    (run, s.injected(), progress)
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]
    #[test]
    fn random_small_updates_are_acyclic_and_agree_with_dfs(
        replicas in 1u64..=3, nodes in 1usize..=3, parallelism in 0u64..=2,
        start in proptest::bool::ANY, port in proptest::bool::ANY, rollback in proptest::bool::ANY,
        k in 0u8..=1, delay in 0i64..=2, monitor in 1i64..=2,
    ) {
        let c = cluster(nodes, 2);
        let mut s = service(replicas);
        s.update_config.parallelism = written(parallelism);
        if start { start_first(&mut s); }
        if port { host_port(&mut s); }
        if rollback { rollback_on_failure(&mut s); }
        s.update_config.delay = written(Duration::from_secs(delay));
        s.update_config.monitor = written(Duration::from_secs(monitor));
        let m = RolloutModel::new(&input(&s, &c), k).unwrap();
        let ours = check_model(&m, Symmetry::None);
        proptest::prop_assert!(ours.complete());
        // Walk every state once more: each transition increases the rank.
        let mut seen = std::collections::HashSet::new();
        let mut stack = m.init_states();
        while let Some(st) = stack.pop() {
            if !seen.insert(st.clone()) { continue; }
            for next in m.next_states(&st) {
                proptest::prop_assert!(rank(&m, &next) > rank(&m, &st), "{:?}\n->\n{:?}", st, next);
                stack.push(next);
            }
        }
        proptest::prop_assert_eq!(seen.len(), ours.progress.states);
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
    // The reduction's soundness argument, checked on random small services whose drain exits
    // matter: tight CPU reservations, host ports, max_replicas_per_node, rollbacks.
    #[test]
    fn random_small_updates_keep_verdicts_under_partial_order_reduction(
        replicas in 1u64..=4, cpus in proptest::collection::vec(1u64..=3, 1..=4),
        parallelism in 0u64..=3, start in proptest::bool::ANY, port in proptest::bool::ANY,
        rollback in proptest::bool::ANY, k in 0u8..=2, half_cpus in 0u64..=3,
        max_per_node in 0u64..=2, delay in 0i64..=2, global in proptest::bool::ANY,
    ) {
        let mut c = cluster(cpus.len(), 1);
        for (node, n) in c.nodes.iter_mut().zip(&cpus) {
            node.nano_cpus = n * NANO_CPUS_PER_CPU;
        }
        let mut s = service(replicas);
        s.update_config.parallelism = written(parallelism);
        if start { start_first(&mut s); }
        if port { host_port(&mut s); }
        if rollback { rollback_on_failure(&mut s); }
        s.resources.reservations.nano_cpus = written(half_cpus * NANO_CPUS_PER_CPU / 2);
        s.placement.max_replicas_per_node = written(max_per_node);
        s.update_config.delay = written(Duration::from_secs(delay));
        if global {
            s.mode = written(Mode::Global);
        }
        let mut i = input(&s, &c);
        if global {
            // One slot per node, each bound to its node (reference §1.7).
            i.old_nodes = (0..cpus.len()).collect();
        }
        let m = RolloutModel::new(&i, k).unwrap();
        let name = format!("{m:?}");
        for symmetric in [Symmetry::None, Symmetry::SlotsAndNodes] {
            let (full, reduced) = assert_reduction_exact(&name, &m, symmetric);
            proptest::prop_assert!(reduced <= full);
        }
        // The lemma behind it: every reachable state is reached by the reduced model up to
        // draining tasks that have not exited yet.
        let reduced = reachable(&m.clone().with_reduction(true));
        let nodes = m.node_names.len();
        let mut by_rest: std::collections::HashMap<RolloutState, Vec<Vec<u8>>> = Default::default();
        for st in &reduced {
            by_rest.entry(without_draining(st, nodes)).or_default().push(draining(st, nodes));
        }
        for st in reachable(&m) {
            let d = draining(&st, nodes);
            let covered = by_rest.get(&without_draining(&st, nodes)).is_some_and(|ds| {
                ds.iter().any(|e| e.iter().zip(&d).all(|(x, y)| x >= y))
            });
            proptest::prop_assert!(covered, "{name}\n{st:?}");
        }
    }
}

fn reachable(m: &RolloutModel) -> std::collections::HashSet<RolloutState> {
    let mut seen = std::collections::HashSet::new();
    let mut stack = m.init_states();
    while let Some(st) = stack.pop() {
        if seen.insert(st.clone()) {
            stack.extend(m.next_states(&st));
        }
    }
    seen
}

fn draining(s: &RolloutState, nodes: usize) -> Vec<u8> {
    (0..nodes).map(|n| s.draining(n)).collect()
}

fn without_draining(s: &RolloutState, nodes: usize) -> RolloutState {
    let mut s = s.clone();
    for n in 0..nodes {
        s.set_draining(n, 0);
    }
    s
}

#[test]
fn decomposed_filters_match_the_pipeline() {
    let mut c = cluster(3, 2);
    c.nodes[2].availability = crate::model::Availability::Drain;
    let mut s = service(3);
    host_port(&mut s);
    s.placement.max_replicas_per_node = written(2);
    s.resources.reservations.nano_cpus = written(NANO_CPUS_PER_CPU / 2);
    let mut other = Service::new("db");
    other.resources.reservations.nano_cpus = written(NANO_CPUS_PER_CPU);
    let mut busy = NodeUsage::default();
    busy.add(&other);
    let mut i = input(&s, &c);
    i.other_usage = vec![NodeUsage::default(), busy];
    let m = RolloutModel::new(&i, 0).unwrap();
    for (n, node) in c.nodes.iter().enumerate() {
        for held in 0..5u32 {
            for counted in 0..=held {
                let mut u = i.other_usage.get(n).cloned().unwrap_or_default();
                for _ in 0..held {
                    u.add(&s);
                }
                u.tasks.insert(s.name.clone(), u64::from(counted));
                assert_eq!(
                    m.first_failure(n, held, counted),
                    filters::first_failure(&s, &[], node, &u),
                    "node {n} held {held} counted {counted}"
                );
            }
        }
    }
}

#[test]
fn large_services_and_many_failures_stop_incomplete_never_safe() {
    let c = cluster(10, 64);
    let mut s = service(200);
    s.update_config.parallelism = written(3);
    s.update_config.failure_action = written(FailureAction::Continue);
    let opts = Options {
        max_failures: 1,
        max_states: 2_000,
        ..Options::default()
    };
    let (r, d) = check_update(&input(&s, &c), &opts);
    assert_eq!(r.verdict, RolloutVerdict::Incomplete);
    assert!(codes(&d).contains(&"SP3020"));
    assert!(r.search.as_ref().unwrap().states <= 2_000);

    let mut s = service(10);
    s.update_config.parallelism = written(2);
    s.update_config.failure_action = written(FailureAction::Continue);
    let opts = Options {
        max_failures: 10,
        max_states: usize::MAX,
        max_memory_bytes: 4 << 20,
        ..Options::default()
    };
    let (r, _) = check_update(&input(&s, &c), &opts);
    assert_eq!(r.verdict, RolloutVerdict::Incomplete);
    assert_eq!(
        r.search.as_ref().unwrap().cutoff,
        Some(search::Cutoff::Memory)
    );
}

#[test]
fn timing_bounds_follow_parallelism_delay_health_and_grace() {
    let mut s = service(6);
    s.update_config.parallelism = written(2);
    s.update_config.delay = written(Duration::from_secs(10));
    s.healthcheck = Some(Healthcheck {
        disabled: false,
        test: vec!["CMD".into(), "true".into()],
        interval: written(Duration::from_secs(10)),
        timeout: written(Duration::from_secs(1)),
        retries: written(3),
        start_period: written(Duration::from_secs(5)),
        span: None,
    });
    s.requirements.max_update_duration = Some(written(Duration::from_secs(120)));
    let t = timing::bounds(&s, &s.update_config, 6, Some(Duration::from_secs(120)));
    // 3 rounds; best 10s healthy + 10s delay; worst 10s grace + 35s health + 10s delay;
    // delay ≥ monitor (5s) → final watch delay + 1s.
    assert_eq!(
        (
            t.rounds,
            t.per_slot_best.as_str(),
            t.per_slot_worst.as_str()
        ),
        (3, "20s", "55s")
    );
    assert_eq!(
        (t.best.as_str(), t.worst.as_str(), t.final_monitor.as_str()),
        ("1m11s", "2m56s", "11s")
    );
    assert!(t.exceeds_limit);
    let c = cluster(3, 2);
    let (r, d) = check(&input(&s, &c), 0);
    assert_eq!(property(&r, PropertyId::Availability).status, Status::Holds);
    assert!(codes(&d).contains(&"SP3012"));
    assert_eq!(r.verdict, RolloutVerdict::Unsafe);
}

#[test]
fn outputs_serialize_and_render() {
    let c = cluster(2, 2);
    let s = service(1);
    let (r, _) = check(&input(&s, &c), 1);
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["verdict"], "caveats");
    assert_eq!(json["default_outage"], true);
    assert_eq!(json["properties"][1]["name"], "no-full-outage");
    assert_eq!(
        json["properties"][1]["counterexample"]["steps"][0]["update_state"],
        "UPDATING"
    );
    let v = verdict(std::slice::from_ref(&r));
    assert_eq!(v.status, Status::Holds);
    assert_eq!(
        v.summary,
        "1 service: 0 safe, 1 with caveats, 0 unsafe, 0 incomplete, 0 not modelled"
    );
    assert_eq!(v.details_json()[0]["service"], "web");
    let cx = property(&r, PropertyId::NoFullOutage)
        .counterexample
        .as_ref()
        .unwrap();
    insta::assert_snapshot!(render_mermaid(cx), @r"
    sequenceDiagram
        participant updater as updater
        participant scheduler as scheduler
        updater->>scheduler: t1 creates web.1 (new) and stops web.1 (old) on w1 (stop-first)
        Note over updater: no task of web is running: outage
    ");
}

#[test]
fn jobs_are_not_modelled() {
    let c = cluster(1, 1);
    let mut s = service(1);
    s.mode = written(Mode::ReplicatedJob {
        max_concurrent: 1,
        total_completions: 1,
    });
    let (r, d) = check(&input(&s, &c), 1);
    assert_eq!(r.verdict, RolloutVerdict::NotModelled);
    assert_eq!(r.status, Status::Unknown);
    assert_eq!(codes(&d), vec!["SP3021"]);
}

#[test]
fn the_update_command_text_lists_properties_timelines_and_duration() {
    let c = cluster(3, 2);
    let mut s = service(3);
    start_first(&mut s);
    host_port(&mut s);
    let (r, _) = check(&input(&s, &c), 1);
    insta::with_settings!({filters => vec![(r"\d+ ms", "[ms]")]}, {
        insta::assert_snapshot!(render_result(&r), @r"
        web: unsafe (2 states, depth 1, [ms], K=1)
          availability           holds
          no-full-outage         holds
          surge-capacity         holds
          no-placement-deadlock  violated  [SP3004]
            t1: creates web.1 (new)
            t2: web.1 (new) Pending: no suitable node (host-mode port already in use on 3 nodes); the update waits forever
          progress               violated  [SP3005]
            t1: creates web.1 (new)
            t2: web.1 (new) Pending: no suitable node (host-mode port already in use on 3 nodes); the update stays UPDATING forever
          failure-handling       holds
          duration: best 5s, worst 5s (3 rounds of 0s–0s, then 5s monitor)
        ");
    });
}

#[test]
fn inputs_from_a_plan_list_slots_and_other_services_usage() {
    let c = cluster(2, 4);
    let mut web = service(2);
    host_port(&mut web);
    let mut db = Service::new("db");
    db.resources.reservations.nano_cpus = written(NANO_CPUS_PER_CPU);
    let mut job = Service::new("migrate");
    job.mode = written(Mode::ReplicatedJob {
        max_concurrent: 1,
        total_completions: 1,
    });
    let mut stack = crate::model::Stack {
        services: vec![web, db, job],
        ..Default::default()
    };
    stack.requirements.max_update_duration = Some(written(Duration::from_secs(60)));
    let task = |service, replica| crate::model::Task { service, replica };
    let plan = crate::model::Plan {
        assignments: vec![
            (task(0, 2), 0),
            (task(0, 1), 1),
            (task(1, 1), 1),
            (task(2, 1), 0),
        ],
    };
    let inputs = inputs_from_plan(&stack, &c, &plan);
    // The job is left out; slots are in replica order.
    assert_eq!(inputs.len(), 2);
    assert_eq!(inputs[0].old_nodes, vec![1, 0]);
    assert_eq!(
        inputs[0].default_max_update_duration,
        Some(Duration::from_secs(60))
    );
    // web's usage excludes web itself but counts db (and the job's task on w1).
    assert_eq!(inputs[0].other_usage[1].nano_cpus, NANO_CPUS_PER_CPU);
    assert!(inputs[0].other_usage[0].host_ports.is_empty());
    assert_eq!(inputs[0].other_usage[0].total_tasks(), 1);
    // db sees web's host port on both nodes.
    assert_eq!(inputs[1].old_nodes, vec![1]);
    assert!(inputs[1]
        .other_usage
        .iter()
        .all(|u| u.host_ports.contains(&(Protocol::Tcp, 80))));
}

// The Explorer shows states by hostname, and its wrapper finds the checker's states and
// verdicts.
#[test]
fn the_explorer_names_nodes_and_keeps_the_state_space() {
    use crate::modelcheck::explorer::{Explain, Readable};
    let c = cluster(2, 2);
    let s = service(2);
    let model = RolloutModel::new(&input(&s, &c), 1).unwrap();
    let shown = model.describe(&model.initial_state());
    assert!(shown.contains("update of web: UPDATING"), "{shown}");
    assert!(
        shown.contains("node w1") && shown.contains("web.1 old running"),
        "{shown}"
    );
    assert!(!shown.contains("node 0"), "{shown}");
    let legend = model.legend();
    assert!(legend.iter().any(|(k, _)| k == "web.N"), "{legend:?}");
    let plain = model.clone().checker().spawn_bfs().join();
    let readable = Readable::new(model).unwrap().checker().spawn_bfs().join();
    assert_eq!(plain.unique_state_count(), readable.unique_state_count());
    assert_eq!(plain.state_count(), readable.state_count());
    for p in PropertyId::SAFETY {
        assert_eq!(
            plain.discovery(p.name()).is_some(),
            readable.discovery(p.name()).is_some(),
            "{}",
            p.name()
        );
    }
}

// A long shortest timeline shows its first steps and the steps that lead to the outcome, with
// one line for the rest; the JSON keeps every step.
#[test]
fn long_timelines_are_summarised() {
    let step = |t: usize| Step {
        t,
        from: "updater".into(),
        to: "w1".into(),
        text: format!("event {t}"),
        update_state: UpdateState::Updating,
        running: 2 + (t % 2) as u64,
    };
    let c = Counterexample {
        property: "availability",
        code: "SP3001",
        steps: (1..=28).map(step).collect(),
        outcome: "too few tasks running".into(),
        pending: None,
        failures_injected: 1,
        failures_counted: 0,
        failures_expected: 1,
        path: String::new(),
    };
    let text = render_text(&c);
    assert_eq!(text.lines().count(), 2 + 1 + 5 + 1, "{text}");
    assert!(text.contains(
        "  t3–t23: 21 steps not shown (UPDATING; 2–3 tasks running; the JSON output has every step)"
    ));
    assert!(text.contains("t28: event 28") && text.ends_with("t29: too few tasks running\n"));
    assert_eq!(
        serde_json::to_value(&c).unwrap()["steps"]
            .as_array()
            .unwrap()
            .len(),
        28
    );
    let short = Counterexample {
        steps: (1..=8).map(step).collect(),
        ..c
    };
    assert_eq!(render_text(&short).lines().count(), 9);
}
