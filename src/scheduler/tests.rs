//! Behaviours of swarmkit's scheduler reproduced on small clusters (reference §1.1–1.9, §3.6),
//! hand-made stacks that are feasible yet left Pending, and a property test against a brute-force
//! exact search (the stand-in for the SMT placement).

use proptest::prelude::{
    any, prop, prop_assert, prop_assert_eq, prop_assume, proptest, ProptestConfig,
};
use proptest::strategy::Strategy as Gen;

use super::*;
use crate::audit::validate;
use crate::model::{
    Availability, Constraint, Mode, Node, NodeState, Port, Protocol, PublishMode, RestartCondition,
    Service, Spanned, Stack,
};
use crate::report::Status;
use crate::swarm::global::global_targets;

const GB: u64 = 1 << 30;
const MB: u64 = 1 << 20;

fn node(name: &str, mem: u64) -> Node {
    let mut n = Node::new(name);
    n.nano_cpus = 4_000_000_000;
    n.memory_bytes = mem;
    n
}

fn zoned(name: &str, mem: u64, zone: &str) -> Node {
    let mut n = node(name, mem);
    n.labels.insert("zone".into(), zone.into());
    n
}

fn svc(name: &str, replicas: u64, mem: u64) -> Service {
    let mut s = Service::new(name);
    s.mode = Spanned::default_value(Mode::Replicated { replicas });
    s.resources.reservations.memory_bytes = Spanned::default_value(mem);
    s
}

fn global(name: &str, mem: u64) -> Service {
    let mut s = svc(name, 0, mem);
    s.mode = Spanned::default_value(Mode::Global);
    s
}

fn constrain(s: &mut Service, expr: &str) {
    let c = Constraint::parse(expr).expect("test constraint parses");
    s.placement.constraints.push(Spanned::default_value(c));
}

fn host_port(s: &mut Service, port: u32) {
    s.ports.push(Port {
        target: port,
        published: Some(port),
        protocol: Protocol::Tcp,
        mode: PublishMode::Host,
        span: None,
    });
}

fn stack(services: Vec<Service>) -> Stack {
    Stack {
        name: "t".into(),
        services,
        ..Stack::default()
    }
}

fn ordered(order: Vec<usize>) -> SimOptions {
    SimOptions {
        order: Order::Choices(Vec::new()),
        service_order: Some(order),
        ..SimOptions::default()
    }
}

fn sim(st: &Stack, cl: &Cluster, opts: &SimOptions) -> Simulation {
    simulate(st, cl, opts).expect("simulation runs")
}

/// Tasks per node hostname, as "svc.replica" lists, in node order.
fn layout(cl: &Cluster, s: &Simulation) -> Vec<(String, usize)> {
    cl.nodes
        .iter()
        .enumerate()
        .map(|(i, n)| {
            (
                n.hostname.clone(),
                s.assignments.iter().filter(|a| a.node == i).count(),
            )
        })
        .collect()
}

fn count_on(s: &Simulation, service: &str, host: &str) -> usize {
    s.assignments
        .iter()
        .filter(|a| a.service == service && a.hostname == host)
        .count()
}

/// The stand-in exact solver: every assignment of the replicated tasks (global tasks on their
/// targets), checked by the validator. `None` means no placement exists.
fn brute_force(st: &Stack, cl: &Cluster) -> Option<Plan> {
    let mut fixed = Vec::new();
    let mut free = Vec::new();
    for (si, s) in st.services.iter().enumerate() {
        match s.mode.value.replicated_tasks() {
            Some(n) => free.extend((1..=n).map(|replica| Task {
                service: si,
                replica,
            })),
            None => {
                for (i, node) in global_targets(st, cl, si).into_iter().enumerate() {
                    fixed.push((
                        Task {
                            service: si,
                            replica: i as u64 + 1,
                        },
                        node,
                    ));
                }
            }
        }
    }
    let n = cl.nodes.len();
    let combos = (n as u64).checked_pow(free.len() as u32)?;
    assert!(combos <= 200_000, "brute force too large");
    (0..combos).find_map(|mut code| {
        let mut assignments = fixed.clone();
        for &t in &free {
            assignments.push((t, (code % n as u64) as usize));
            code /= n as u64;
        }
        let plan = Plan { assignments };
        validate(st, cl, &plan).is_ok().then_some(plan)
    })
}

// Reference §1.3: nodes are ranked by this service's task count, then total task count; never by
// free resources. The tiny node gets the task because the big one already runs another.
#[test]
fn ranking_is_by_task_counts_not_resources() {
    let cl = Cluster::new(vec![node("small", GB), node("big", 64 * GB)]);
    let mut pinned = svc("pinned", 1, 0);
    constrain(&mut pinned, "node.hostname==big");
    let st = stack(vec![pinned, svc("web", 3, 256 * MB)]);
    let s = sim(&st, &cl, &ordered(vec![0, 1]));
    assert!(s.is_complete());
    // small (0 web, 0 total) first; then big (0 web) beats small (1 web); then round-robin.
    assert_eq!(count_on(&s, "web", "small"), 2);
    assert_eq!(count_on(&s, "web", "big"), 1);
}

// Reference §1.5: nodes without the label form their own "" branch with an equal share.
#[test]
fn preference_split_gives_the_label_less_branch_an_equal_share() {
    let cl = Cluster::new(vec![
        zoned("a1", 8 * GB, "a"),
        zoned("a2", 8 * GB, "a"),
        zoned("b1", 8 * GB, "b"),
        node("u1", 8 * GB),
    ]);
    let mut web = svc("web", 6, 0);
    web.placement
        .preferences
        .push(Spanned::default_value("node.labels.zone".into()));
    let st = stack(vec![web]);
    for seed in 0..5 {
        let s = sim(
            &st,
            &cl,
            &SimOptions {
                order: Order::Seed(seed),
                ..SimOptions::default()
            },
        );
        assert_eq!(
            layout(&cl, &s),
            vec![
                ("a1".into(), 1),
                ("a2".into(), 1),
                ("b1".into(), 2),
                ("u1".into(), 2)
            ]
        );
    }
}

// Reference §1.5: which branch gets the remainder depends on Go map order: the branch order of
// the division loop is a choice, and both outcomes are reachable.
#[test]
fn the_division_remainder_goes_to_the_branch_visited_first() {
    let cl = Cluster::new(vec![zoned("a1", GB, "a"), zoned("b1", GB, "b")]);
    let mut web = svc("web", 3, 0);
    web.placement
        .preferences
        .push(Spanned::default_value("engine.labels.zone".into()));
    // An engine-label descriptor reads engine labels: none here, so one "" branch.
    let st = stack(vec![web.clone()]);
    let s = sim(&st, &cl, &SimOptions::default());
    assert_eq!(s.assignments.len(), 3);
    web.placement.preferences[0] = Spanned::default_value("NODE.LABELS.zone".into());
    let st = stack(vec![web]);
    // Choices: [the branch the first division round visits first]. The nodes are in different
    // leaves, so their visit order is no choice.
    let layouts: Vec<Vec<(String, usize)>> = [vec![0], vec![1]]
        .into_iter()
        .map(|c| {
            let opts = SimOptions {
                order: Order::Choices(c),
                ..SimOptions::default()
            };
            layout(&cl, &sim(&st, &cl, &opts))
        })
        .collect();
    assert_eq!(layouts[0], vec![("a1".into(), 2), ("b1".into(), 1)]);
    assert_eq!(layouts[1], vec![("a1".into(), 1), ("b1".into(), 2)]);
}

// Reference §1.5: an unsupported descriptor creates no tree level: plain spread.
#[test]
fn unsupported_preference_descriptor_is_ignored() {
    let cl = Cluster::new(vec![
        zoned("a1", GB, "a"),
        zoned("b1", GB, "b"),
        node("u1", GB),
    ]);
    let mut web = svc("web", 3, 0);
    web.placement
        .preferences
        .push(Spanned::default_value("node.hostname".into()));
    let s = sim(&stack(vec![web]), &cl, &SimOptions::default());
    assert!(layout(&cl, &s).iter().all(|(_, n)| *n == 1));
}

// Reference §1.2: MaxReplicasFilter's text ignores the count.
#[test]
fn max_replicas_per_node_leaves_the_rest_pending() {
    let cl = Cluster::new(vec![node("n1", GB), node("n2", GB), node("n3", GB)]);
    let mut web = svc("web", 5, 0);
    web.placement.max_replicas_per_node = Spanned::default_value(1);
    let s = sim(&stack(vec![web]), &cl, &SimOptions::default());
    assert_eq!(s.assignments.len(), 3);
    assert_eq!(s.pending.len(), 2);
    for p in &s.pending {
        assert_eq!(
            p.message,
            "no suitable node (max replicas per node limit exceed)"
        );
    }
}

// Reference §1.2: a host-mode published port binds one task per node.
#[test]
fn host_ports_allow_one_task_per_node() {
    let cl = Cluster::new(vec![node("n1", GB), node("n2", GB)]);
    let mut lb = svc("lb", 3, 0);
    host_port(&mut lb, 80);
    let s = sim(&stack(vec![lb]), &cl, &SimOptions::default());
    assert_eq!(s.assignments.len(), 2);
    assert_eq!(
        s.pending[0].message,
        "no suitable node (host-mode port already in use on 2 nodes)"
    );
}

// Reference §1.6: a node that passes resets every counter, so the counts are exact only when no
// node passed. Here three nodes cannot take the second task, yet the first message says one; the
// next tick, in which no node passes, rewrites it with exact counts.
#[test]
fn counts_are_exact_only_when_no_node_passed() {
    let mut down = node("down", 4 * GB);
    down.state = NodeState::Down;
    let cl = Cluster::new(vec![down, node("small", GB / 2), node("fit", GB)]);
    // Visit order down, small, fit (ranked ties, default choices): fit passes last and resets.
    let s = sim(&stack(vec![svc("web", 2, GB)]), &cl, &ordered(vec![0]));
    assert_eq!(s.assignments.len(), 1);
    assert_eq!(
        s.pending[0].first_message,
        "no suitable node (insufficient resources on 1 node)"
    );
    assert_eq!(
        s.pending[0].message,
        "no suitable node (insufficient resources on 2 nodes; 1 node not available for new tasks)"
    );
    // No node ever passes: every node is counted once, under the first filter it fails.
    let s = sim(&stack(vec![svc("db", 1, 2 * GB)]), &cl, &ordered(vec![0]));
    assert_eq!(
        s.pending[0].message,
        "no suitable node (insufficient resources on 2 nodes; 1 node not available for new tasks)"
    );
}

// Reference §1.7–1.8: global tasks target every non-drained, non-down node matching the
// constraints, are confirmed with the full pipeline, and a failure has no "no suitable node (".
#[test]
fn global_tasks_that_do_not_fit_stay_pending_without_the_prefix() {
    let mut drained = node("drained", 4 * GB);
    drained.availability = Availability::Drain;
    let cl = Cluster::new(vec![node("n1", 4 * GB), node("n2", GB / 2), drained]);
    let s = sim(
        &stack(vec![global("agent", GB)]),
        &cl,
        &SimOptions::default(),
    );
    assert_eq!(s.assignments.len(), 1);
    assert_eq!(s.assignments[0].hostname, "n1");
    assert_eq!(s.pending.len(), 1);
    assert_eq!(s.pending[0].message, "insufficient resources on 1 node");
    assert_eq!(s.pending[0].node.as_deref(), Some("n2"));
}

#[test]
fn a_service_with_an_unparsable_constraint_is_not_created() {
    let mut bad = svc("bad", 2, 0);
    bad.placement.constraint_errors = true;
    let s = sim(
        &stack(vec![bad]),
        &Cluster::new(vec![node("n1", GB)]),
        &SimOptions::default(),
    );
    assert!(s.assignments.is_empty() && s.pending.is_empty());
    assert_eq!(s.not_created.len(), 1);
    assert!(!s.is_complete());
}

/// Fragmentation: spread puts a small web task on the only node large enough for db.
fn fragmentation() -> (Stack, Cluster) {
    let cl = Cluster::new(vec![
        node("big", 8 * GB),
        node("s1", 2 * GB),
        node("s2", 2 * GB),
    ]);
    (stack(vec![svc("web", 3, GB), svc("db", 1, 8 * GB)]), cl)
}

/// A host-mode port taken on the only node a constrained service may use.
fn port_collision() -> (Stack, Cluster) {
    let mut edge = node("edge", 4 * GB);
    edge.labels.insert("edge".into(), "true".into());
    let cl = Cluster::new(vec![edge, node("w1", 4 * GB), node("w2", 4 * GB)]);
    let mut lb = svc("lb", 2, 0);
    host_port(&mut lb, 80);
    let mut proxy = svc("proxy", 1, 0);
    host_port(&mut proxy, 80);
    constrain(&mut proxy, "node.labels.edge==true");
    (stack(vec![lb, proxy]), cl)
}

/// A replicated service fills the small nodes a global agent needs on every node.
fn global_squeezed() -> (Stack, Cluster) {
    let cl = Cluster::new(vec![
        node("n1", 2 * GB),
        node("n2", 2 * GB),
        node("n3", 4 * GB),
    ]);
    (
        stack(vec![svc("app", 2, 3 * GB / 2), global("agent", GB)]),
        cl,
    )
}

#[test]
fn fragmentation_is_feasible_but_pending_with_a_remedy() {
    let (st, cl) = fragmentation();
    let s = sim(&st, &cl, &ordered(vec![0, 1]));
    assert_eq!(count_on(&s, "web", "big"), 1);
    assert_eq!(
        s.pending[0].message,
        "no suitable node (insufficient resources on 3 nodes)"
    );
    let plan = brute_force(&st, &cl).expect("a placement exists");
    let c = compare(&st, &cl, &s, Some(&plan));
    assert_eq!(c.verdict, ComparisonVerdict::FeasibleButPending);
    assert_eq!(c.findings.len(), 1);
    let f = &c.findings[0];
    assert_eq!((f.service.as_str(), f.pending), ("db", 1));
    assert!(f.reason.starts_with("fragmentation"), "{}", f.reason);
    assert!(f.reason.contains("web on big"), "{}", f.reason);
    // Both remedies re-simulate cleanly: reserving big for db, and deploying db first.
    assert_eq!(f.remedies.len(), 2, "{:?}", f.remedies);
    assert!(f.remedies[0]
        .description
        .contains("node.labels.swarmproof.reserved != db"));
    assert!(f.remedies.iter().all(|r| r.verified == Status::Holds));
    assert_eq!(
        c.diagnostics[0].message,
        "feasible, but Swarm's scheduler leaves 1 task of service db Pending"
    );
}

#[test]
fn port_collision_is_feasible_but_pending_with_a_remedy() {
    let (st, cl) = port_collision();
    let s = sim(&st, &cl, &ordered(vec![0, 1]));
    assert_eq!(
        s.pending[0].message,
        "no suitable node (scheduling constraints not satisfied on 2 nodes; host-mode port already in use on 1 node)"
    );
    let plan = brute_force(&st, &cl).expect("a placement exists");
    let c = compare(&st, &cl, &s, Some(&plan));
    assert_eq!(c.verdict, ComparisonVerdict::FeasibleButPending);
    let f = &c.findings[0];
    assert!(f.reason.starts_with("host-port collision"), "{}", f.reason);
    assert!(!f.remedies.is_empty());
}

#[test]
fn squeezed_global_agent_is_feasible_but_pending_with_a_remedy() {
    let (st, cl) = global_squeezed();
    let s = sim(&st, &cl, &ordered(vec![0, 1]));
    assert_eq!(s.pending.len(), 2);
    assert!(s
        .pending
        .iter()
        .all(|p| p.message == "insufficient resources on 1 node"));
    let plan = brute_force(&st, &cl).expect("a placement exists");
    let c = compare(&st, &cl, &s, Some(&plan));
    let f = &c.findings[0];
    assert_eq!((f.service.as_str(), f.pending), ("agent", 2));
    // Keep app off the two small nodes (the exact plan has it on n3), or deploy agent first.
    assert_eq!(f.remedies.len(), 2, "{:?}", f.remedies);
    assert_eq!(
        f.remedies[0].description,
        "reserve nodes for agent: `docker node update --label-add swarmproof.reserved=agent n1`, \
         `docker node update --label-add swarmproof.reserved=agent n2`, \
         add `node.labels.swarmproof.reserved != agent` to app"
    );
    assert!(f.remedies[1].description.starts_with("deploy agent before"));
}

#[test]
fn exploration_finds_the_bad_order_exhaustively_and_replays_it() {
    let (st, cl) = fragmentation();
    let e = explore(&st, &cl, &ExploreOptions::default()).unwrap();
    assert!(e.exhaustive);
    assert_eq!(e.status, Status::Violated);
    assert!(e.complete_runs > 0, "db first places everything");
    let text = render_exploration(&cl, &e);
    // web first: big before or after the two identical small nodes; both orders put one web
    // task on each node, so the second is merged at that state. db first places everything.
    assert!(text.starts_with("explored 3 orders (1 merged into an order reaching the same state), exhaustive; 1 placed every task\nan order that leaves tasks Pending (replayable):\n"), "{text}");
    let d = exploration_diagnostics(&st, &e);
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].code.id, "SP2002");
    assert_eq!(
        d[0].message,
        "in some orders Swarm leaves 1 task of service db Pending"
    );
    let w = e.witness.expect("witness");
    assert_eq!(w.simulation.service_order, vec!["web", "db"]);
    let replay = sim(
        &st,
        &cl,
        &SimOptions {
            order: Order::Choices(w.choices.clone()),
            ..SimOptions::default()
        },
    );
    assert_eq!(replay, w.simulation);
}

#[test]
fn check_reports_the_feasible_but_pending_finding_with_a_violated_verdict() {
    let (st, cl) = fragmentation();
    let plan = brute_force(&st, &cl).unwrap();
    let c = check(&st, &cl, Some(&plan), &ExploreOptions::scaled(&st, &cl)).unwrap();
    assert_eq!(c.comparison.verdict, ComparisonVerdict::FeasibleButPending);
    assert_eq!(c.diagnostics.len(), 1);
    assert_eq!(c.diagnostics[0].code.id, "SP2001");
    let v = c.verdict();
    assert_eq!(v.status, Status::Violated);
    assert_eq!(
        v.summary,
        "feasible, but Swarm's scheduler leaves 1 task Pending in some order"
    );
    // Without a plan the exploration's own finding is reported.
    let c = check(&st, &cl, None, &ExploreOptions::scaled(&st, &cl)).unwrap();
    assert_eq!(c.diagnostics[0].code.id, "SP2002");
}

#[test]
fn exploration_proves_an_order_independent_stack() {
    let cl = Cluster::new(vec![node("n1", 4 * GB), node("n2", 4 * GB)]);
    let st = stack(vec![svc("web", 2, GB), svc("api", 2, GB)]);
    let e = explore(&st, &cl, &ExploreOptions::default()).unwrap();
    assert_eq!((e.status, e.exhaustive), (Status::Holds, true));
    assert_eq!(e.complete_runs + e.merged_runs, e.runs);
}

#[test]
fn exploration_budget_scales_with_the_instance() {
    let (st, cl) = fragmentation();
    let small = ExploreOptions::scaled(&st, &cl);
    assert_eq!((small.max_work, small.samples), (20_000_000, 200));
    let big = Cluster::new((0..1000).map(|i| node(&format!("n{i}"), GB)).collect());
    let st = stack((0..30).map(|i| svc(&format!("s{i}"), 1000, 0)).collect());
    let opts = ExploreOptions::scaled(&st, &big);
    assert_eq!((opts.max_work, opts.samples), (20_000_000, 3));
}

#[test]
fn absurd_replica_counts_are_refused_not_simulated() {
    let st = stack(vec![svc("web", u64::MAX, 0)]);
    let r = simulate(
        &st,
        &Cluster::new(vec![node("n1", GB)]),
        &SimOptions::default(),
    );
    assert!(matches!(r, Err(SimError::TooManyTasks { .. })));
}

// Identical services not yet scheduled are interchangeable, and so are nodes that differ only
// in tasks of services that are done: five copies of one service on three equal nodes are one
// order, where the plain enumeration has 5! service orders times the node orders.
#[test]
fn identical_services_and_finished_tasks_are_not_choices() {
    let cl = Cluster::new((0..3).map(|i| node(&format!("n{i}"), 4 * GB)).collect());
    let st = stack((0..5).map(|i| svc(&format!("s{i}"), 2, GB / 4)).collect());
    let e = explore(&st, &cl, &ExploreOptions::default()).unwrap();
    assert_eq!((e.status, e.exhaustive, e.runs), (Status::Holds, true, 1));
    let every = ExploreOptions {
        reduce: false,
        max_runs: 1000,
        samples: 0,
        ..ExploreOptions::default()
    };
    let e = explore(&st, &cl, &every).unwrap();
    assert_eq!((e.status, e.exhaustive), (Status::Unknown, false));
}

// Identical services are interchangeable only while neither has a task: after a node loss
// x and y, identical specs, hold different nodes, and the order of their replacements matters.
// y first takes c (fewer tasks than a), and x, already on a and limited to one task per node,
// finds no node; x first takes c and y fits on a.
#[test]
fn identical_services_with_tasks_placed_are_still_choices() {
    let cl = Cluster::new(vec![
        node("a", 2 * GB),
        node("b", GB),
        node("c", GB),
        node("l", 8 * GB),
    ]);
    let limited = |name: &str| {
        let mut s = svc(name, 2, GB);
        s.placement.max_replicas_per_node = Spanned::default_value(1);
        s
    };
    let st = stack(vec![limited("x"), limited("y")]);
    let at = |service: usize, replica: u64, node: usize| Assignment {
        task: Task { service, replica },
        service: st.services[service].name.clone(),
        node,
        hostname: cl.nodes[node].hostname.clone(),
    };
    let before = Simulation {
        strategy: Strategy::Spread,
        order: Order::Seed(0),
        service_order: vec!["x".into(), "y".into()],
        assignments: vec![at(0, 1, 0), at(0, 2, 3), at(1, 1, 1), at(1, 2, 3)],
        pending: Vec::new(),
        not_created: Vec::new(),
        not_replaced: Vec::new(),
    };
    let lost = Disruption::Fail("l".into());
    let e = explore_disruption(&st, &cl, &before, &lost, &ExploreOptions::default()).unwrap();
    assert_eq!((e.status, e.exhaustive), (Status::Violated, true));
    let w = e.witness.expect("an order leaving x Pending");
    assert_eq!(w.simulation.service_order, vec!["y", "x"]);
    assert_eq!(w.simulation.pending_by_service().get("x"), Some(&1));
}

#[test]
fn exploration_reports_a_cut_search_as_unknown() {
    let cl = Cluster::new((1..=6).map(|i| node(&format!("n{i}"), i * GB)).collect());
    let st = stack(vec![
        svc("a", 3, GB),
        svc("b", 2, GB / 2),
        svc("c", 1, GB / 4),
    ]);
    let opts = ExploreOptions {
        max_runs: 3,
        samples: 2,
        ..ExploreOptions::default()
    };
    let e = explore(&st, &cl, &opts).unwrap();
    assert_eq!(
        (e.status, e.exhaustive, e.runs),
        (Status::Unknown, false, 5)
    );
    // The other bounds cut it the same way: one run, then the samples.
    for opts in [
        ExploreOptions {
            max_work: 1,
            samples: 2,
            ..ExploreOptions::default()
        },
        ExploreOptions {
            max_memo_bytes: 1,
            samples: 2,
            ..ExploreOptions::default()
        },
    ] {
        let e = explore(&st, &cl, &opts).unwrap();
        assert_eq!(
            (e.status, e.exhaustive, e.runs),
            (Status::Unknown, false, 3)
        );
    }
}

// Reference §3.6 and §1.8: condition none is not replaced, global tasks vanish with the node,
// the other replicas move to the remaining nodes.
#[test]
fn node_failure_moves_replicas_drops_globals_and_honours_condition_none() {
    let cl = Cluster::new(vec![
        node("n1", 4 * GB),
        node("n2", 4 * GB),
        node("n3", 4 * GB),
    ]);
    let mut once = svc("once", 3, 0);
    once.restart_policy.condition = Spanned::default_value(RestartCondition::None);
    let st = stack(vec![svc("web", 3, 0), once, global("agent", 0)]);
    let before = sim(&st, &cl, &SimOptions::default());
    assert!(before.is_complete());
    let out = simulate_disruption(
        &st,
        &cl,
        &before,
        &Disruption::Fail("n2".into()),
        &SimOptions::default(),
    )
    .unwrap();
    assert_eq!(out.affected_nodes, vec!["n2"]);
    assert_eq!(out.moves.len(), 1);
    assert_eq!(out.moves[0].service, "web");
    assert!(matches!(out.moves[0].to.as_deref(), Some("n1" | "n3")));
    assert_eq!(out.removed_global.len(), 1);
    assert_eq!(out.after.not_replaced.len(), 1);
    assert_eq!(out.after.not_replaced[0].service, "once");
    assert!(out.after.pending.is_empty());
    assert_eq!(out.after.assignments.len(), 3 + 2 + 2);
    let d = disruption_diagnostics(&st, &out);
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].code.id, "SP2004");
}

// Reference §1.8, §3.6: a drained node's global task is shut down, its replicated tasks move.
#[test]
fn drain_moves_tasks_to_the_remaining_nodes() {
    let cl = Cluster::new(vec![node("n1", 4 * GB), node("n2", 4 * GB)]);
    let st = stack(vec![svc("web", 2, GB), global("agent", 0)]);
    let before = sim(&st, &cl, &SimOptions::default());
    let drain = Disruption::Drain("n1".into());
    let out = simulate_disruption(&st, &cl, &before, &drain, &SimOptions::default()).unwrap();
    assert_eq!(out.removed_global.len(), 1);
    assert!(out.moves.iter().all(|m| m.to.as_deref() == Some("n2")));
    assert_eq!(count_on(&out.after, "web", "n2"), 2);
    let (drained, _) = disrupted_cluster(&cl, &drain).unwrap();
    assert_eq!(validate(&st, &drained, &out.after.plan()), Ok(()));
    assert!(matches!(
        disrupted_cluster(&cl, &Disruption::Fail("nope".into())),
        Err(SimError::UnknownNode(_))
    ));
    // A simulation of another cluster is refused, not indexed out of bounds.
    let small = Cluster::new(vec![node("n1", 4 * GB)]);
    assert_eq!(
        simulate_disruption(
            &st,
            &small,
            &before,
            &Disruption::Fail("n1".into()),
            &SimOptions::default()
        ),
        Err(SimError::ForeignSimulation)
    );
}

// After a zone outage the surviving web tasks are never moved, so db's replacement finds no
// node, although a placement of the whole stack on the remaining zone exists.
#[test]
fn zone_outage_leaves_a_replacement_pending_although_a_placement_exists() {
    let cl = Cluster::new(vec![
        zoned("a1", 4 * GB, "a"),
        zoned("b1", 7 * GB / 2, "b"),
        zoned("b2", 2 * GB, "b"),
    ]);
    let st = stack(vec![svc("db", 1, 3 * GB), svc("web", 2, GB)]);
    let before = sim(&st, &cl, &ordered(vec![0, 1]));
    assert_eq!(
        layout(&cl, &before),
        vec![("a1".into(), 1), ("b1".into(), 1), ("b2".into(), 1)]
    );
    let outage = Disruption::FailZone("a".into());
    let out = simulate_disruption(&st, &cl, &before, &outage, &ordered(vec![0, 1])).unwrap();
    assert_eq!(out.affected_nodes, vec!["a1"]);
    assert_eq!(out.moves.len(), 1);
    assert_eq!(
        (out.moves[0].service.as_str(), out.moves[0].to.as_deref()),
        ("db", None)
    );
    assert_eq!(
        out.after.pending[0].message,
        "no suitable node (insufficient resources on 2 nodes; 1 node not available for new tasks)"
    );
    let (down, _) = disrupted_cluster(&cl, &outage).unwrap();
    let text = render_disruption(&down, &out);
    assert!(
        text.starts_with("lost: a1\n  db.1: a1 -> Pending\n"),
        "{text}"
    );
    let d = disruption_diagnostics(&st, &out);
    assert_eq!(d[0].code.id, "SP2003");
    assert_eq!(
        d[0].message,
        "after losing a1, 1 task of service db stays Pending"
    );
    let plan = brute_force(&st, &down).expect("db on b1, web on b2 fits");
    let c = compare(&st, &down, &out.after, Some(&plan));
    assert_eq!(c.verdict, ComparisonVerdict::FeasibleButPending);
    assert!(c.findings[0].remedies[0]
        .description
        .contains("`node.labels.swarmproof.reserved != db` to web"));
    assert!(matches!(
        simulate_disruption(
            &st,
            &cl,
            &before,
            &Disruption::FailZone("c".into()),
            &SimOptions::default()
        ),
        Err(SimError::EmptyZone { .. })
    ));
}

#[test]
fn binpack_what_if_needs_fewer_nodes_and_says_it_is_not_swarm() {
    let cl = Cluster::new((1..=4).map(|i| node(&format!("n{i}"), 4 * GB)).collect());
    let st = stack(vec![svc("web", 4, GB)]);
    let spread = sim(&st, &cl, &SimOptions::default());
    let packed = sim(
        &st,
        &cl,
        &SimOptions {
            strategy: Strategy::BinPack,
            ..SimOptions::default()
        },
    );
    assert_eq!((spread.nodes_used(), packed.nodes_used()), (4, 1));
    assert!(validate(&st, &cl, &packed.plan()).is_ok());
    let text = render_simulation(&cl, &packed);
    assert!(text.contains("what-if, NOT Swarm's behaviour"));
    assert!(text.contains("nodes used: 1 of 4"));
    let random = sim(
        &st,
        &cl,
        &SimOptions {
            strategy: Strategy::Random,
            order: Order::Seed(3),
            ..SimOptions::default()
        },
    );
    assert_eq!(
        random,
        sim(
            &st,
            &cl,
            &SimOptions {
                strategy: Strategy::Random,
                order: Order::Seed(3),
                ..SimOptions::default()
            }
        )
    );
}

#[test]
fn render_lists_nodes_and_pending_tasks_with_swarms_message() {
    let (st, cl) = fragmentation();
    let s = sim(&st, &cl, &ordered(vec![0, 1]));
    assert_eq!(
        render_simulation(&cl, &s),
        "strategy spread (choices []), services scheduled in order: web, db\n  big                  web.1\n  s1                   web.2\n  s2                   web.3\nPending db.1: no suitable node (insufficient resources on 3 nodes)\n"
    );
}

#[test]
fn results_serialize_to_json() {
    let (st, cl) = fragmentation();
    let s = sim(&st, &cl, &ordered(vec![0, 1]));
    let v = serde_json::to_value(&s).unwrap();
    assert_eq!(v["strategy"], "spread");
    assert_eq!(v["order"], serde_json::json!({ "choices": [] }));
    assert_eq!(v["pending"][0]["service"], "db");
    assert_eq!(v["assignments"][0]["hostname"], "big");
    let plan = brute_force(&st, &cl).unwrap();
    let c = serde_json::to_value(compare(&st, &cl, &s, Some(&plan))).unwrap();
    assert_eq!(c["verdict"], "feasible-but-pending");
}

#[test]
fn exploring_a_disruption_finds_pending_replacements() {
    // db needs 3G; after big goes down only 2G nodes are left: every order leaves it Pending.
    let cl = Cluster::new(vec![
        node("big", 4 * GB),
        node("s1", 2 * GB),
        node("s2", 2 * GB),
    ]);
    let st = stack(vec![svc("db", 1, 3 * GB), svc("web", 2, GB)]);
    let before = sim(&st, &cl, &ordered(vec![0, 1]));
    let lost = Disruption::Fail("big".into());
    let e = explore_disruption(&st, &cl, &before, &lost, &ExploreOptions::default()).unwrap();
    assert_eq!(
        (e.status, e.exhaustive, e.complete_runs),
        (Status::Violated, true, 0)
    );
    let after = &e.witness.unwrap().simulation;
    assert_eq!(
        after.pending[0].message,
        "no suitable node (insufficient resources on 2 nodes; 1 node not available for new tasks)"
    );
    let (down, _) = disrupted_cluster(&cl, &lost).unwrap();
    assert!(brute_force(&st, &down).is_none());
    assert_eq!(
        compare(&st, &down, after, None).verdict,
        ComparisonVerdict::PendingWithoutPlan
    );
}

fn arb_case() -> impl Gen<Value = (Stack, Cluster, u64)> {
    let nodes = prop::collection::vec((0u64..4, 0u8..3, any::<bool>()), 1..=3);
    let services = prop::collection::vec(
        (
            0u64..=3,
            0u64..4,
            0u64..3,
            any::<bool>(),
            any::<bool>(),
            0u8..4,
        ),
        1..=3,
    );
    (nodes, services, any::<u64>()).prop_map(|(nodes, services, seed)| {
        let cl = Cluster::new(
            nodes
                .iter()
                .enumerate()
                .map(|(i, &(mem, zone, ready))| {
                    let mut n = node(&format!("n{i}"), mem * GB / 2);
                    if zone > 0 {
                        n.labels.insert("zone".into(), zone.to_string());
                    }
                    if !ready {
                        n.state = NodeState::Down;
                    }
                    n
                })
                .collect(),
        );
        let mut total = 0;
        let services = services
            .iter()
            .enumerate()
            .map(|(i, &(replicas, mem, max, port, pref, kind))| {
                let replicas = replicas.min(6 - total);
                total += replicas;
                let mut s = if kind == 0 {
                    global(&format!("s{i}"), mem * GB / 4)
                } else {
                    svc(&format!("s{i}"), replicas, mem * GB / 4)
                };
                s.placement.max_replicas_per_node = Spanned::default_value(max);
                if port {
                    host_port(&mut s, 8000 + i as u32 % 2);
                }
                if pref {
                    s.placement
                        .preferences
                        .push(Spanned::default_value("node.labels.zone".into()));
                }
                if kind == 3 {
                    constrain(&mut s, "node.labels.zone!=1");
                }
                s
            })
            .collect();
        (stack(services), cl, seed)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    // Whenever Swarm's scheduler places everything, the validator accepts the placement and the
    // exact search agrees that a placement exists.
    #[test]
    fn complete_simulations_are_valid_and_feasible((st, cl, seed) in arb_case()) {
        for strategy in [Strategy::Spread, Strategy::BinPack, Strategy::Random] {
            let s = sim(&st, &cl, &SimOptions { strategy, order: Order::Seed(seed), service_order: None });
            if s.is_complete() {
                prop_assert_eq!(validate(&st, &cl, &s.plan()), Ok(()));
                prop_assert!(brute_force(&st, &cl).is_some());
                // The exact placement check (SMT path included) agrees.
                let exact = crate::placement::check_placement(&st, &cl, &crate::placement::PlacementOptions { suggest: false, ..Default::default() });
                prop_assert_eq!(exact.status, Status::Holds);
                prop_assert_eq!(compare(&st, &cl, &s, None).verdict, ComparisonVerdict::Agree);
            } else if brute_force(&st, &cl).is_none() {
                prop_assert!(!s.pending.is_empty());
            }
        }
    }
}

/// Small instances where the order often matters: nodes of different sizes, a few services
/// whose reservations nearly fill them.
fn arb_order_case() -> impl Gen<Value = (Stack, Cluster, u64)> {
    let nodes = prop::collection::vec((1u64..=4, 0u8..3), 2..=3);
    let services = prop::collection::vec((1u64..=3, 0u64..=4, 0u64..3, 0u8..8), 2..=3);
    (nodes, services, any::<bool>(), any::<u64>()).prop_map(|(nodes, services, copy, seed)| {
        let cl = Cluster::new(
            nodes
                .iter()
                .enumerate()
                .map(|(i, &(mem, zone))| match zone {
                    0 => node(&format!("n{i}"), mem * GB),
                    z => zoned(&format!("n{i}"), mem * GB, &z.to_string()),
                })
                .collect(),
        );
        let mut services = services
            .iter()
            .enumerate()
            .map(|(i, &(replicas, mem, max, extra))| {
                let mut s = if extra == 7 {
                    global(&format!("s{i}"), mem * GB / 2)
                } else {
                    svc(&format!("s{i}"), replicas, mem * GB / 2)
                };
                s.placement.max_replicas_per_node = Spanned::default_value(max);
                match extra {
                    1 | 2 => s
                        .placement
                        .preferences
                        .push(Spanned::default_value("node.labels.zone".into())),
                    3 => host_port(&mut s, 8000),
                    4 => constrain(&mut s, "node.labels.zone!=1"),
                    _ => {}
                }
                s
            })
            .collect::<Vec<_>>();
        // Identical services, to exercise the reduction between them.
        if copy {
            let mut twin = services[0].clone();
            twin.name = "twin".into();
            *services.last_mut().expect("two services or more") = twin;
        }
        (stack(services), cl, seed)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    // The exploration's reductions lose no outcome: on small instances, the reduced exploration
    // (merged states, skipped choices) and the enumeration of every Go map order (every node
    // order, every branch order, no merging) agree on the verdict and on the worst number of
    // Pending tasks, and no seeded shuffle leaves more Pending.
    #[test]
    fn reduced_exploration_matches_every_map_order((st, cl, seed) in arb_order_case()) {
        let opts = ExploreOptions { max_runs: 4_000, samples: 0, ..ExploreOptions::default() };
        let reduced = explore(&st, &cl, &opts).unwrap();
        let every = explore(&st, &cl, &ExploreOptions { reduce: false, ..opts.clone() }).unwrap();
        prop_assume!(every.exhaustive);
        prop_assert!(reduced.exhaustive);
        let worst = |e: &Exploration| e.witness.as_ref().map_or(0, |w| w.simulation.pending.len());
        prop_assert_eq!(reduced.status, every.status);
        prop_assert_eq!(worst(&reduced), worst(&every));
        prop_assert!(reduced.runs <= every.runs);
        for i in 0..20 {
            let order = Order::Seed(seed.wrapping_add(i));
            let s = sim(&st, &cl, &SimOptions { order, ..SimOptions::default() });
            prop_assert!(s.pending.len() <= worst(&reduced), "{:?}", s);
        }
        // The same after losing the first node: services start with tasks placed.
        let before = sim(&st, &cl, &SimOptions { order: Order::Seed(seed), ..SimOptions::default() });
        let lost = Disruption::Fail("n0".into());
        let reduced = explore_disruption(&st, &cl, &before, &lost, &opts).unwrap();
        let every = explore_disruption(&st, &cl, &before, &lost, &ExploreOptions { reduce: false, ..opts }).unwrap();
        if every.exhaustive {
            prop_assert!(reduced.exhaustive);
            prop_assert_eq!(reduced.status, every.status);
            prop_assert_eq!(worst(&reduced), worst(&every));
        }
    }
}

// Issue 4 acceptance with the real exact solver: for each hand-made stack the placement check
// finds a validated plan, and `check` reports the feasible-but-Pending finding with a remedy.
#[test]
fn feasible_but_pending_against_the_placement_check() {
    for (name, (st, cl)) in [
        ("fragmentation", fragmentation()),
        ("port collision", port_collision()),
        ("global squeezed", global_squeezed()),
    ] {
        let exact = crate::placement::check_placement(
            &st,
            &cl,
            &crate::placement::PlacementOptions {
                suggest: false,
                ..Default::default()
            },
        );
        assert_eq!(exact.status, Status::Holds, "{name}: {}", exact.summary);
        let plan = exact.plan.as_ref().expect("a validated plan");
        let c = crate::scheduler::check(&st, &cl, Some(plan), &ExploreOptions::scaled(&st, &cl))
            .unwrap();
        assert_eq!(c.verdict().status, Status::Violated, "{name}");
        assert_eq!(
            c.comparison.verdict,
            ComparisonVerdict::FeasibleButPending,
            "{name}"
        );
        let f = &c.comparison.findings[0];
        assert!(
            !f.remedies.is_empty() && f.remedies.iter().all(|r| r.verified == Status::Holds),
            "{name}: {:?}",
            f.remedies
        );
        assert!(
            c.diagnostics.iter().any(|d| d.code.id == "SP2001"
                && d.message
                    .starts_with("feasible, but Swarm's scheduler leaves")),
            "{name}"
        );
    }
}

#[test]
fn render_comparison_shows_both_placements_reason_and_remedies() {
    let (st, cl) = fragmentation();
    let s = sim(&st, &cl, &ordered(vec![0, 1]));
    let plan = brute_force(&st, &cl).unwrap();
    assert_eq!(
        render_comparison(&compare(&st, &cl, &s, Some(&plan))),
        "node  Swarm                           exact plan\n\
         big   web.1                           db.1\n\
         s1    web.2                           web.2 web.3\n\
         s2    web.3                           web.1\n\
         1 task of db Pending: no suitable node (insufficient resources on 3 nodes)\n  \
         reason: fragmentation: Swarm ranks nodes by task count, not by resources, so it put web on big — node(s) the exact plan needs for db; a placed task is never moved, so db finds no node\n  \
         remedy (verified in every order): reserve nodes for db: `docker node update --label-add swarmproof.reserved=db big`, add the constraint `node.labels.swarmproof.reserved == db` to db and add `node.labels.swarmproof.reserved != db` to web\n  \
         remedy (verified in every order): deploy db before the other services (a separate `docker stack deploy` with only db first); this holds for the initial deploy only, not after a node failure or a scale-up\n"
    );
}

/// The outcomes of every order, and membership up to interchangeable nodes: web spread over one
/// large and two small nodes leaves db Pending in the orders that schedule web first.
#[test]
fn outcomes_list_every_order_and_decide_membership_up_to_identical_nodes() {
    let cl = Cluster::new(vec![
        node("big", 8 * GB),
        node("small-1", 2 * GB),
        node("small-2", 2 * GB),
    ]);
    let st = stack(vec![svc("web", 3, GB), svc("db", 1, 8 * GB)]);
    let opts = ExploreOptions {
        outcomes: true,
        ..ExploreOptions::default()
    };
    let e = explore(&st, &cl, &opts).unwrap();
    assert!(e.exhaustive);
    let placed = |pairs: &[(&str, &[(&str, usize)])]| -> BTreeMap<String, BTreeMap<String, usize>> {
        pairs
            .iter()
            .map(|(s, per)| {
                let per = per.iter().map(|(h, c)| (h.to_string(), *c)).collect();
                (s.to_string(), per)
            })
            .collect()
    };
    let db_first = Outcome {
        placed: placed(&[
            ("db", &[("big", 1)]),
            ("web", &[("small-1", 2), ("small-2", 1)]),
        ]),
        pending: BTreeMap::new(),
    };
    let web_first = Outcome {
        placed: placed(&[("web", &[("big", 1), ("small-1", 1), ("small-2", 1)])]),
        pending: [(
            "db".to_string(),
            [(
                "no suitable node (insufficient resources on 3 nodes)".to_string(),
                1,
            )]
            .into_iter()
            .collect(),
        )]
        .into_iter()
        .collect(),
    };
    assert!(e.outcomes.contains(&web_first), "{:#?}", e.outcomes);
    // The explored db-first order may have chosen either small node for web's extra task.
    let swapped = Outcome {
        placed: placed(&[
            ("db", &[("big", 1)]),
            ("web", &[("small-1", 1), ("small-2", 2)]),
        ]),
        pending: BTreeMap::new(),
    };
    assert_eq!(e.outcomes.len(), 2, "{:#?}", e.outcomes);
    for observed in [&db_first, &swapped, &web_first] {
        assert!(
            matches!(
                membership(&st, &cl, &e.outcomes, true, observed),
                Membership::Possible { .. }
            ),
            "{observed:?}"
        );
    }
    // Three web tasks on big is what no order does: spread ranks by task count.
    let packed = Outcome {
        placed: placed(&[("web", &[("big", 3)])]),
        pending: BTreeMap::new(),
    };
    assert_eq!(
        membership(&st, &cl, &e.outcomes, true, &packed),
        Membership::Impossible { exhaustive: true }
    );
    // The same counts with the message changed is another outcome.
    let mut wrong_message = web_first.clone();
    wrong_message.pending.get_mut("db").unwrap().clear();
    wrong_message.pending.get_mut("db").unwrap().insert(
        "no suitable node (1 node not available for new tasks)".into(),
        1,
    );
    assert!(matches!(
        membership(&st, &cl, &e.outcomes, true, &wrong_message),
        Membership::Impossible { .. }
    ));
}
