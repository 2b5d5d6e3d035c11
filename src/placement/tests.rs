//! Hand-written stacks, one or more per rule of the placement check.

use crate::audit::certificate::{self, Certificate};
use crate::diagnostics::Diagnostic;
use crate::model::{
    units::NANO_CPUS_PER_CPU, Availability, Cluster, Constraint, GenericCapacity, GenericResource,
    Mode, Node, NodeState, Port, Protocol, PublishMode, Role, Service, Spanned, Stack,
};
use crate::report::Status;

use super::check::{check_placement, dump_smt2, PlacementOptions};
use super::decide::Method;
use super::problem::{NodeSet, Problem};
use super::render::render_plan;
use super::smt::{self, SmtResult};
use super::tolerance::Tolerance;
use crate::audit::validate;

const MIB: u64 = 1 << 20;

pub(crate) fn node(name: &str, milli_cpus: u64, mem_mib: u64) -> Node {
    let mut n = Node::new(name);
    n.nano_cpus = milli_cpus * 1_000_000;
    n.memory_bytes = mem_mib * MIB;
    n
}

pub(crate) fn svc(name: &str, replicas: u64, milli_cpus: u64, mem_mib: u64) -> Service {
    let mut s = Service::new(name);
    s.mode = Spanned::default_value(Mode::Replicated { replicas });
    s.resources.reservations.nano_cpus = Spanned::default_value(milli_cpus * 1_000_000);
    s.resources.reservations.memory_bytes = Spanned::default_value(mem_mib * MIB);
    s
}

pub(crate) fn constrain(mut s: Service, expr: &str) -> Service {
    let c = Constraint::parse(expr).expect("test constraint parses");
    s.placement.constraints.push(Spanned::default_value(c));
    s
}

pub(crate) fn host_port(mut s: Service, port: u32) -> Service {
    s.ports.push(Port {
        target: port,
        published: Some(port),
        protocol: Protocol::Tcp,
        mode: PublishMode::Host,
        span: None,
    });
    s
}

pub(crate) fn global(mut s: Service) -> Service {
    s.mode = Spanned::default_value(Mode::Global);
    s
}

pub(crate) fn stack(services: Vec<Service>) -> Stack {
    Stack {
        name: "t".into(),
        services,
        ..Stack::default()
    }
}

fn run(st: &Stack, cl: &Cluster) -> super::Placement {
    check_placement(st, cl, &PlacementOptions::default())
}

/// Codes of the errors and warnings (suggestions are infos, checked on their own).
fn codes(d: &[Diagnostic]) -> Vec<&'static str> {
    d.iter()
        .filter(|d| d.severity != crate::diagnostics::Severity::Info)
        .map(|d| d.code.id)
        .collect()
}

/// A `holds` verdict always comes with a plan that the validator accepts.
fn assert_holds(st: &Stack, cl: &Cluster, p: &super::Placement) {
    assert_eq!(p.status, Status::Holds, "{:?}", p.diagnostics);
    let plan = p.plan.as_ref().expect("holds comes with a plan");
    assert_eq!(validate(st, cl, plan), Ok(()));
}

#[test]
fn a_simple_stack_gets_a_validated_plan_from_the_constructive_path() {
    let st = stack(vec![svc("web", 3, 500, 256), svc("db", 1, 1000, 1024)]);
    let cl = Cluster::new(vec![node("w1", 2000, 1024), node("w2", 1000, 1024)]);
    let p = run(&st, &cl);
    assert_holds(&st, &cl, &p);
    assert_eq!(p.method, Some(Method::Constructive));
    assert_eq!(p.plan.as_ref().map(|p| p.assignments.len()), Some(4));
}

#[test]
fn tasks_above_half_a_node_need_a_node_each_across_services() {
    // 2 × 0.6 + 2 × 0.55 CPU = 2.3 of 3.0 CPU fits in total and per service, but no two of
    // these tasks share a 1-CPU node.
    let st = stack(vec![svc("a", 2, 600, 0), svc("b", 2, 550, 0)]);
    let cl = Cluster::new(vec![
        node("n1", 1000, 1024),
        node("n2", 1000, 1024),
        node("n3", 1000, 1024),
    ]);
    let p = run(&st, &cl);
    assert_eq!(p.status, Status::Violated);
    assert_eq!(p.method, Some(Method::NecessaryCondition));
    let d = &p.diagnostics[0];
    assert_eq!(d.code.id, "SP1015");
    insta::assert_snapshot!(d.message, @"a (2 × 0.6 CPU) and b (2 × 0.55 CPU) need 4 nodes of their own on the nodes available to them (n1, n2, n3), which have 3: each task reserves more than half of a node's CPU");
}

#[test]
fn competing_services_are_explained_with_their_figures() {
    let st = stack(vec![
        constrain(svc("web", 3, 500, 0), "node.role == worker"),
        constrain(svc("app", 10, 250, 0), "node.role == worker"),
    ]);
    let mut manager = node("manager1", 8000, 8192);
    manager.role = Role::Manager;
    let cl = Cluster::new(vec![
        manager,
        node("worker1", 1500, 1024),
        node("worker2", 1500, 1024),
    ]);
    let p = run(&st, &cl);
    assert_eq!(p.status, Status::Violated);
    assert_eq!(p.method, Some(Method::NecessaryCondition));
    let d = &p.diagnostics[0];
    assert_eq!(d.code.id, "SP1003");
    insta::assert_snapshot!(d.message, @"services web (3 × 0.5 CPU) and app (10 × 0.25 CPU) need 4.0 CPU on nodes matching `node.role == worker` (worker1, worker2), which offer 3.0 CPU");
}

#[test]
fn suggestions_are_checked_smallest_changes() {
    let st = stack(vec![
        constrain(svc("web", 3, 500, 0), "node.role == worker"),
        constrain(svc("app", 10, 250, 0), "node.role == worker"),
    ]);
    let mut manager = node("manager1", 8000, 8192);
    manager.role = Role::Manager;
    let cl = Cluster::new(vec![
        manager,
        node("worker1", 1500, 1024),
        node("worker2", 1500, 1024),
    ]);
    let p = run(&st, &cl);
    // 1 CPU short: one more worker of 1.5 CPU, or four fewer app tasks (1 CPU), or two fewer
    // web tasks (1 CPU): the fewest removed tasks is two.
    assert_eq!(
        p.suggestions,
        vec![
            "add 1 node like worker1 (same labels, role and resources)".to_string(),
            "lower the replicas of web from 3 to 1".to_string(),
        ]
    );
    assert!(p.diagnostics.iter().any(|d| d.code.id == "SP1010"));
}

#[test]
fn a_label_no_node_has_leaves_no_eligible_node_and_the_fix_is_suggested() {
    // Reference §2: an unmatched label constraint makes every node fail, silently.
    let st = stack(vec![constrain(
        svc("db", 1, 0, 0),
        "node.labels.ssd == true",
    )]);
    let cl = Cluster::new(vec![node("w1", 1000, 1024), node("w2", 1000, 1024)]);
    let p = run(&st, &cl);
    assert_eq!(p.status, Status::Violated);
    let d = &p.diagnostics[0];
    assert_eq!(d.code.id, "SP1000");
    assert_eq!(
        d.message,
        "no node can run service db: no suitable node (scheduling constraints not satisfied on 2 nodes)"
    );
    assert!(d
        .notes
        .contains(&"`node.labels.ssd == true` holds on no node".to_string()));
    assert_eq!(
        d.help.as_deref(),
        Some("label a node, e.g. `docker node update --label-add ssd=true w1`")
    );
}

#[test]
fn drained_paused_and_down_nodes_take_no_replicated_task() {
    // Reference §1.2 ReadyFilter: READY and ACTIVE only.
    let mut drained = node("w1", 4000, 4096);
    drained.availability = Availability::Drain;
    let mut paused = node("w2", 4000, 4096);
    paused.availability = Availability::Pause;
    let mut down = node("w3", 4000, 4096);
    down.state = NodeState::Down;
    let st = stack(vec![svc("web", 1, 100, 0)]);
    let cl = Cluster::new(vec![drained, paused, down.clone()]);
    let p = run(&st, &cl);
    assert_eq!(codes(&p.diagnostics), vec!["SP1000"]);
    assert!(p.diagnostics[0]
        .message
        .contains("3 nodes not available for new tasks"));

    let cl = Cluster::new(vec![down, node("w4", 200, 0)]);
    let p = run(&st, &cl);
    assert_holds(&st, &cl, &p);
    assert_eq!(p.plan.unwrap().assignments[0].1, 1);
}

#[test]
fn nodes_that_match_but_cannot_take_tasks_are_named() {
    let mut drained = node("w2", 4000, 0);
    drained.availability = Availability::Drain;
    let st = stack(vec![constrain(
        svc("web", 2, 1000, 0),
        "node.role == worker",
    )]);
    let cl = Cluster::new(vec![node("w1", 1000, 0), drained]);
    let p = run(&st, &cl);
    assert_eq!(codes(&p.diagnostics), vec!["SP1002"]);
    assert!(p.diagnostics[0]
        .notes
        .contains(&"matching but not counted: w2 (not ready or not active)".to_string()));
}

#[test]
fn host_mode_ports_allow_one_task_per_node() {
    let st = stack(vec![host_port(svc("lb", 3, 0, 0), 80)]);
    let cl = Cluster::new(vec![node("w1", 1000, 1024), node("w2", 1000, 1024)]);
    let p = run(&st, &cl);
    assert_eq!(codes(&p.diagnostics), vec!["SP1002"]);
    assert!(p.diagnostics[0].message.ends_with(
        "can hold only 2 of its tasks, because it publishes host port 80/tcp (one task per node)"
    ));

    // Across services: a and b both bind 80/tcp (reference §5: host/host conflicts are left to
    // the scheduler's HostPortFilter).
    let st = stack(vec![
        host_port(svc("a", 1, 0, 0), 80),
        host_port(svc("b", 2, 0, 0), 80),
    ]);
    let p = run(&st, &cl);
    assert_eq!(codes(&p.diagnostics)[0], "SP1004");
    let st = stack(vec![
        host_port(svc("a", 1, 0, 0), 80),
        host_port(svc("b", 1, 0, 0), 80),
    ]);
    assert_holds(&st, &cl, &run(&st, &cl));
}

#[test]
fn max_replicas_per_node_bounds_tasks_per_node() {
    let mut s = svc("web", 5, 0, 0);
    s.placement.max_replicas_per_node = Spanned::default_value(2);
    let st = stack(vec![s.clone()]);
    let cl = Cluster::new(vec![node("w1", 1000, 1024), node("w2", 1000, 1024)]);
    let p = run(&st, &cl);
    assert_eq!(codes(&p.diagnostics), vec!["SP1002"]);
    assert!(p.diagnostics[0]
        .message
        .contains("because max_replicas_per_node is 2"));
    s.mode = Spanned::default_value(Mode::Replicated { replicas: 4 });
    let st = stack(vec![s]);
    assert_holds(&st, &cl, &run(&st, &cl));
}

#[test]
fn global_tasks_are_charged_to_their_nodes_first() {
    // Reference §1.7–1.8: one global task per eligible node, placed before replicated ones.
    let st = stack(vec![global(svc("agent", 0, 500, 0)), svc("web", 2, 500, 0)]);
    let cl = Cluster::new(vec![node("w1", 1000, 1024), node("w2", 1000, 1024)]);
    let p = run(&st, &cl);
    assert_holds(&st, &cl, &p);
    assert_eq!(p.plan.unwrap().assignments.len(), 4);
    let st = stack(vec![global(svc("agent", 0, 500, 0)), svc("web", 3, 500, 0)]);
    let p = run(&st, &cl);
    assert_eq!(codes(&p.diagnostics)[0], "SP1002");
}

// A task that fits a node only without the global tasks there: Swarm gives the global tasks no
// priority, so the finding says they cannot all run, not that this task is too large for any
// node, and its note gives per-node figures, not a cluster-wide sum.
#[test]
fn a_task_that_fits_only_without_global_tasks_is_contention() {
    let st = stack(vec![global(svc("agent", 0, 0, 64)), svc("db", 1, 0, 1000)]);
    let cl = Cluster::new(vec![node("w1", 1000, 1024), node("w2", 1000, 1024)]);
    let p = run(&st, &cl);
    assert_eq!(p.status, Status::Violated);
    let d = &p.diagnostics[0];
    assert_eq!(d.code.id, "SP1014");
    assert!(
        d.message
            .ends_with("only without the global tasks there (agent): they cannot all run"),
        "{}",
        d.message
    );
    assert_eq!(
        d.notes[0],
        "global services already reserve 128MiB in total on those nodes, at most 64MiB on one node"
    );
    assert!(d.notes[1].starts_with("Swarm gives global tasks no priority"));
    assert!(!d.notes.iter().any(|n| n.contains("every task Pending")));
}

#[test]
fn a_global_task_that_does_not_fit_its_node_is_a_finding() {
    // Reference §1.7: the preassigned task stays Pending with `insufficient resources on 1 node`.
    let st = stack(vec![global(svc("agent", 0, 2000, 0))]);
    let cl = Cluster::new(vec![node("big", 4000, 1024), node("small", 1000, 1024)]);
    let p = run(&st, &cl);
    assert_eq!(p.status, Status::Violated);
    assert_eq!(codes(&p.diagnostics), vec!["SP1005"]);
    assert_eq!(
        p.diagnostics[0].message,
        "global service agent (2.0 CPU) needs 2.0 CPU on node small, which has 1.0 CPU"
    );
    assert!(p.diagnostics[0].notes[0].contains("`insufficient resources on 1 node`"));
}

#[test]
fn global_services_target_unknown_nodes_but_not_paused_ones() {
    // Reference §1.8: the global orchestrator skips DRAIN/DOWN and does nothing on PAUSE, but
    // includes UNKNOWN and DISCONNECTED nodes, where the task cannot pass the ReadyFilter.
    let st = stack(vec![global(svc("agent", 0, 0, 0))]);
    let mut paused = node("p", 1000, 0);
    paused.availability = Availability::Pause;
    let cl = Cluster::new(vec![node("w", 1000, 0), paused]);
    let p = run(&st, &cl);
    assert_holds(&st, &cl, &p);
    assert_eq!(p.plan.unwrap().assignments.len(), 1);

    let mut disconnected = node("d", 1000, 0);
    disconnected.state = NodeState::Disconnected;
    let cl = Cluster::new(vec![node("w", 1000, 0), disconnected]);
    let p = run(&st, &cl);
    assert_eq!(codes(&p.diagnostics), vec!["SP1005"]);
    assert!(p.diagnostics[0]
        .message
        .contains("on node d cannot run there: not ready"));
}

#[test]
fn a_global_service_with_no_node_is_a_warning_not_a_failure() {
    let st = stack(vec![constrain(
        global(svc("agent", 0, 0, 0)),
        "node.role == manager",
    )]);
    let cl = Cluster::new(vec![node("w", 1000, 0)]);
    let p = run(&st, &cl);
    assert_eq!(p.status, Status::Holds);
    assert_eq!(codes(&p.diagnostics), vec!["SP1013"]);
}

#[test]
fn generic_resources_are_counted_per_kind() {
    let mut s = svc("train", 3, 0, 0);
    s.resources.reservations.generic.push(GenericResource {
        kind: "gpu".into(),
        value: 1,
        span: None,
    });
    let mut n1 = node("g1", 1000, 0);
    n1.generic
        .insert("gpu".into(), GenericCapacity::Discrete(2));
    let mut n2 = node("g2", 1000, 0);
    n2.generic
        .insert("gpu".into(), GenericCapacity::Named(vec!["GPU-0".into()]));
    let st = stack(vec![s.clone()]);
    let cl = Cluster::new(vec![n1.clone(), n2, node("cpu-only", 8000, 0)]);
    assert_holds(&st, &cl, &run(&st, &cl));
    s.mode = Spanned::default_value(Mode::Replicated { replicas: 4 });
    let st = stack(vec![s]);
    let p = run(&st, &cl);
    assert_eq!(p.status, Status::Violated);
    assert!(p.diagnostics[0].message.ends_with(
        "(g1, g2, cpu-only) can hold only 3 of its tasks, because of their free resources"
    ));
}

#[test]
fn replicated_jobs_place_their_concurrent_tasks() {
    let mut s = svc("migrate", 0, 600, 0);
    s.mode = Spanned::default_value(Mode::ReplicatedJob {
        max_concurrent: 2,
        total_completions: 10,
    });
    let st = stack(vec![s]);
    let cl = Cluster::new(vec![node("w1", 1000, 0), node("w2", 1000, 0)]);
    let p = run(&st, &cl);
    assert_holds(&st, &cl, &p);
    assert_eq!(p.plan.unwrap().assignments.len(), 2);
}

/// Nodes of 1 CPU; a: 2 × 0.6 CPU, b: 1 × 0.5 CPU. Every counting argument passes (1.7 of 2.0
/// CPU, each service fits), but after a's two tasks no node has 0.5 CPU left.
fn packing_trap(nodes: usize) -> (Stack, Cluster) {
    let st = stack(vec![svc("a", 2, 600, 0), svc("b", 1, 500, 0)]);
    let cl = Cluster::new(
        (0..nodes)
            .map(|i| node(&format!("n{i}"), 1000, 0))
            .collect(),
    );
    (st, cl)
}

#[test]
fn the_solver_refutes_what_counting_cannot_and_names_the_core() {
    let (st, cl) = packing_trap(2);
    let p = run(&st, &cl);
    assert_eq!(p.status, Status::Violated);
    assert_eq!(p.method, Some(Method::Smt));
    let d = &p.diagnostics[0];
    assert_eq!(d.code.id, "SP1007");
    assert_eq!(
        d.message,
        "no placement exists: a (2 × 0.6 CPU) and b (1 × 0.5 CPU) cannot be packed onto the nodes available to them (n0, n1)"
    );
    assert!(d
        .notes
        .iter()
        .any(|n| n.contains("1.7 CPU needed against 2.0 CPU free")));
}

#[test]
fn the_time_limit_bounds_the_whole_decision_and_is_named() {
    // The residue of the packing trap needs the solver; with no time at all the decision
    // stops before it and says which bound stopped it.
    let (st, cl) = packing_trap(2);
    let opts = PlacementOptions {
        timeout_ms: 0,
        ..PlacementOptions::default()
    };
    let p = check_placement(&st, &cl, &opts);
    assert_eq!(p.status, Status::Unknown);
    let d = &p.diagnostics[0];
    assert_eq!(d.code.id, "SP1008");
    assert_eq!(
        d.message,
        "placement is undecided: the time limit was reached while the SMT encoding was built"
    );
    assert!(d
        .notes
        .iter()
        .any(|n| n.contains("limited to 0 ms (--timeout-ms)")));
    // A caller's own deadline holds too, whatever `timeout_ms` says.
    let opts = PlacementOptions {
        deadline: crate::deadline::Deadline::after_ms(0),
        ..PlacementOptions::default()
    };
    assert_eq!(check_placement(&st, &cl, &opts).status, Status::Unknown);
    // With time, the same stack is refuted.
    assert_eq!(run(&st, &cl).status, Status::Violated);
}

#[test]
fn the_solver_finds_plans_and_proofs_on_its_own() {
    let (st, cl) = packing_trap(3);
    let p = Problem::build(&st, &cl);
    let res = smt::solve(
        &p,
        &[NodeSet::default(), [2].into_iter().collect()],
        crate::deadline::Deadline::after_ms(5_000),
    );
    assert!(matches!(&res[0], SmtResult::Sat(c) if c[0].iter().map(|x| x.1).sum::<u64>() == 2));
    assert!(matches!(&res[1], SmtResult::Unsat(core) if !core.is_empty()));
}

#[test]
fn losing_any_node_is_checked_per_class_of_nodes() {
    let st = stack(vec![svc("web", 2, 1000, 0)]);
    let cl = Cluster::new((0..3).map(|i| node(&format!("n{i}"), 1000, 0)).collect());
    let opts = PlacementOptions {
        tolerate: Some(Tolerance::Nodes(1)),
        ..PlacementOptions::default()
    };
    let p = check_placement(&st, &cl, &opts);
    assert_eq!(p.status, Status::Holds);
    let t = p.tolerance.unwrap();
    // Three identical nodes: one scenario up to symmetry.
    assert_eq!((t.scenarios, t.status), (1, Status::Holds));

    let opts = PlacementOptions {
        tolerate: Some(Tolerance::Nodes(2)),
        ..opts
    };
    let p = check_placement(&st, &cl, &opts);
    assert_eq!(p.status, Status::Violated);
    assert!(p.plan.is_some(), "the base plan is still reported");
    assert_eq!(codes(&p.diagnostics), vec!["SP1009", "SP1002"]);
    assert_eq!(
        p.tolerance.unwrap().broken_by,
        Some(vec!["n1".to_string(), "n2".to_string()])
    );
}

#[test]
fn losing_a_node_can_need_the_solver_which_is_reused_across_scenarios() {
    let (st, cl) = packing_trap(3);
    let opts = PlacementOptions {
        tolerate: Some(Tolerance::Nodes(1)),
        ..PlacementOptions::default()
    };
    let p = check_placement(&st, &cl, &opts);
    assert_eq!(p.status, Status::Violated);
    assert_eq!(codes(&p.diagnostics), vec!["SP1009", "SP1007"]);
}

#[test]
fn losing_a_zone_loses_all_its_nodes_and_unlabelled_nodes_are_reported() {
    let mut nodes: Vec<Node> = (0..4).map(|i| node(&format!("n{i}"), 1000, 0)).collect();
    for (i, n) in nodes.iter_mut().enumerate() {
        n.labels
            .insert("zone".into(), if i < 2 { "a" } else { "b" }.into());
    }
    nodes.push(node("loose", 1000, 0));
    let cl = Cluster::new(nodes);
    let zone = PlacementOptions {
        tolerate: Some(Tolerance::Domain("zone".into())),
        ..PlacementOptions::default()
    };
    let st = stack(vec![svc("web", 3, 1000, 0)]);
    let p = check_placement(&st, &cl, &zone);
    assert_eq!(p.status, Status::Holds, "{:?}", p.diagnostics);
    assert_eq!(codes(&p.diagnostics), vec!["SP1011"]);
    let st = stack(vec![svc("web", 4, 1000, 0)]);
    let p = check_placement(&st, &cl, &zone);
    assert_eq!(p.status, Status::Violated);
    assert!(p
        .diagnostics
        .iter()
        .any(|d| d.message == "losing zone=a (n0, n1) leaves tasks without a node"));
}

#[test]
fn bad_input_gives_clear_findings() {
    // Zero nodes.
    let st = stack(vec![svc("web", 2, 0, 0)]);
    let p = run(&st, &Cluster::new(vec![]));
    assert_eq!(
        p.diagnostics[0].message,
        "service web has 2 tasks to place, but the inventory has no nodes"
    );
    // Zero replicas: nothing to place, which holds.
    let st = stack(vec![svc("web", 0, 500, 0)]);
    let cl = Cluster::new(vec![node("w1", 1000, 1024)]);
    assert_holds(&st, &cl, &run(&st, &cl));
    // A reservation larger than every node.
    let st = stack(vec![svc("big", 1, 64_000, 0)]);
    let p = run(&st, &cl);
    assert_eq!(codes(&p.diagnostics), vec!["SP1001"]);
    assert_eq!(
        p.diagnostics[0].message,
        "one task of big reserves 64.0 CPU, more than any of the nodes available to them (w1) offers (at most 1.0 CPU)"
    );
    // 10^9 replicas: refuted by counting, no plan is built.
    let st = stack(vec![svc("many", 1_000_000_000, 1, 0)]);
    let p = run(&st, &cl);
    assert_eq!(codes(&p.diagnostics)[0], "SP1002");
    // 10^9 replicas that would fit: too many to materialise, so unknown rather than a guess.
    let st = stack(vec![svc("many", 1_000_000_000, 0, 0)]);
    let p = run(&st, &cl);
    assert_eq!(p.status, Status::Unknown);
    assert_eq!(codes(&p.diagnostics), vec!["SP1012"]);
}

#[test]
fn the_verdict_carries_the_plan_as_json() {
    let st = stack(vec![svc("web", 2, 500, 256)]);
    let cl = Cluster::new(vec![node("w1", 1000, 1024)]);
    let p = run(&st, &cl);
    let v = p.verdict(&st, &cl);
    assert_eq!(v.status, Status::Holds);
    insta::assert_json_snapshot!(v.details_json(), @r#"
    {
      "certificates": [],
      "method": "constructive",
      "plan": [
        {
          "generic": {},
          "memory_bytes_free": 536870912,
          "memory_bytes_reserved": 536870912,
          "nano_cpus_free": 0,
          "nano_cpus_reserved": 1000000000,
          "node": "w1",
          "tasks": [
            "web.1",
            "web.2"
          ]
        }
      ],
      "suggestions": [],
      "tolerance": null
    }
    "#);
}

#[test]
fn refutations_carry_certificates_the_independent_checker_confirmed() {
    // web: 3 × 0.6 CPU on two 1-CPU nodes: 1.8 CPU against 2.0, but one task per node.
    let st = stack(vec![svc("web", 3, 600, 0)]);
    let cl = Cluster::new(vec![node("w1", 1000, 0), node("w2", 1000, 0)]);
    let p = run(&st, &cl);
    assert_eq!(p.status, Status::Violated);
    assert!(p.diagnostics[0]
        .notes
        .iter()
        .any(|n| n.starts_with("re-checked by an independent checker")));
    let v = p.verdict(&st, &cl);
    insta::assert_json_snapshot!(v.details_json()["certificates"], @r#"
    [
      {
        "kind": "too-few-slots",
        "replicas": 3,
        "service": "web",
        "slots": 2
      }
    ]
    "#);
    // A certificate with a figure changed is refused, with the figures the checker found.
    let mut forged = p.certificates[0].clone();
    if let Certificate::TooFewSlots { slots, .. } = &mut forged {
        *slots = 1;
    }
    assert_eq!(
        certificate::check(&st, &cl, &forged),
        Err("web: 3 tasks, 2 slots (claimed 3 and 1)".into())
    );
}

#[test]
fn the_plan_table_shows_each_node_with_used_and_free() {
    let st = stack(vec![svc("web", 3, 500, 256), svc("db", 1, 1000, 1024)]);
    let cl = Cluster::new(vec![node("w1", 2000, 2048), node("w2", 1000, 1024)]);
    let p = run(&st, &cl);
    insta::assert_snapshot!(render_plan(&st, &cl, p.plan.as_ref().unwrap()), @r"
    NODE  CPU USED  CPU FREE  MEM USED  MEM FREE  TASKS
    w1    2         0         1.50GiB   512MiB    web×2 db×1
    w2    0.5       0.5       256MiB    768MiB    web×1
    4 tasks on 2 nodes
    ");
}

#[test]
fn the_smt2_dump_declares_counts_and_names_them() {
    let (st, cl) = packing_trap(2);
    let text = dump_smt2(&st, &cl);
    assert!(text.contains("; demand 0 = service a (2 replicas)"));
    assert!(text.contains("(declare-fun x_0_1 () Int)"));
    assert!(text.contains("(check-sat)"));
    // Conflicts found before encoding make the text unsatisfiable too.
    let st = stack(vec![global(svc("agent", 0, 5000, 0))]);
    assert!(dump_smt2(&st, &cl).contains("(assert false)"));
}

#[test]
fn cpu_figures_keep_one_decimal() {
    assert_eq!(
        super::explain::amount(&super::problem::Dim::Cpu, u128::from(NANO_CPUS_PER_CPU)),
        "1.0 CPU"
    );
    assert_eq!(
        super::explain::amount(&super::problem::Dim::Cpu, 250_000_000),
        "0.25 CPU"
    );
}

#[test]
fn generated_instances_are_feasible_or_overloaded_as_asked() {
    use super::generate::{generate, InstanceSpec};
    let opts = PlacementOptions {
        suggest: false,
        ..PlacementOptions::default()
    };
    for (load, want) in [
        (70, Status::Holds),
        (90, Status::Holds),
        (105, Status::Violated),
    ] {
        let spec = InstanceSpec {
            nodes: 10,
            tasks: 100,
            load_percent: load,
            services: 20,
            seed: 3,
        };
        let (st, cl) = generate(spec);
        let p = check_placement(&st, &cl, &opts);
        assert_eq!(p.status, want, "load {load}: {:?}", p.diagnostics);
    }
}
