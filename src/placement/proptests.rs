//! Cross-check against brute force: on small random instances (≤ 5 nodes, ≤ 4 services, ≤ 8
//! tasks, random labels, roles, availability, constraints, reservations, host ports,
//! max-per-node and global services), enumerate every plan up to the order of a service's
//! identical tasks and ask the independent validator. The verdicts of the whole check, of the
//! SMT encoding alone and of the tolerance check must agree with it; every plan must validate;
//! every refutation must be confirmed.

use proptest::prelude::*;

use crate::model::{
    Availability, Cluster, Constraint, GenericCapacity, GenericResource, Mode, NodeState, Port,
    Protocol, PublishMode, Role, Service, Spanned, Stack,
};
use crate::report::Status;

use crate::audit::certificate::{self, Certificate};

use super::certify;
use super::check::{check_placement, PlacementOptions};
use super::constructive;
use super::decide::{finish, scenario_cluster, Decision, Method};
use super::necessary;
use super::problem::{NodeSet, Problem};
use super::repair;
use super::smt::{self, SmtResult};
use super::tests::{node, svc};
use super::tolerance::Tolerance;
use crate::audit::validate;
use crate::model::{Plan, Task};
use crate::swarm::global::global_targets;

#[derive(Clone, Debug)]
struct NodeSpec {
    milli_cpus: u64,
    mem_mib: u64,
    gpus: u64,
    label: u8,
    manager: bool,
    availability: u8,
    state: u8,
}

#[derive(Clone, Debug)]
struct ServiceSpec {
    global: bool,
    replicas: u64,
    milli_cpus: u64,
    mem_mib: u64,
    gpu: bool,
    constraint: u8,
    port: u8,
    max_per_node: u64,
}

fn node_spec() -> impl Strategy<Value = NodeSpec> {
    (
        prop::sample::select(vec![500u64, 1000, 1000, 1500, 2000]),
        prop::sample::select(vec![512u64, 1024, 1024, 2048]),
        prop::sample::select(vec![0u64, 0, 1, 2]),
        0u8..3,
        prop::sample::select(vec![false, false, true]),
        prop::sample::select(vec![0u8, 0, 0, 0, 0, 0, 0, 0, 1, 2]),
        prop::sample::select(vec![0u8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2]),
    )
        .prop_map(
            |(milli_cpus, mem_mib, gpus, label, manager, availability, state)| NodeSpec {
                milli_cpus,
                mem_mib,
                gpus,
                label,
                manager,
                availability,
                state,
            },
        )
}

fn service_spec() -> impl Strategy<Value = ServiceSpec> {
    (
        prop::sample::select(vec![false, false, false, false, false, true]),
        0u64..4,
        prop::sample::select(vec![0u64, 0, 300, 500, 600, 1000]),
        prop::sample::select(vec![0u64, 256, 512, 768]),
        prop::sample::select(vec![false, false, false, false, true]),
        0u8..6,
        prop::sample::select(vec![0u8, 0, 0, 0, 80, 81]),
        prop::sample::select(vec![0u64, 0, 1, 2]),
    )
        .prop_map(
            |(global, replicas, milli_cpus, mem_mib, gpu, constraint, port, max_per_node)| {
                ServiceSpec {
                    global,
                    replicas,
                    milli_cpus,
                    mem_mib,
                    gpu,
                    constraint,
                    port,
                    max_per_node,
                }
            },
        )
}

fn build(nodes: &[NodeSpec], services: &[ServiceSpec]) -> (Stack, Cluster) {
    let cluster = Cluster::new(
        nodes
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let mut n = node(&format!("n{i}"), s.milli_cpus, s.mem_mib);
                if s.gpus > 0 {
                    n.generic
                        .insert("gpu".into(), GenericCapacity::Discrete(s.gpus));
                }
                match s.label {
                    1 => drop(n.labels.insert("k".into(), "a".into())),
                    2 => drop(n.labels.insert("k".into(), "b".into())),
                    _ => {}
                }
                if s.manager {
                    n.role = Role::Manager;
                }
                n.availability = [
                    Availability::Active,
                    Availability::Drain,
                    Availability::Pause,
                ][usize::from(s.availability)];
                n.state =
                    [NodeState::Ready, NodeState::Down, NodeState::Unknown][usize::from(s.state)];
                n
            })
            .collect(),
    );
    let mut stack = Stack::default();
    let mut budget = 8u64;
    for (i, s) in services.iter().enumerate() {
        let mut service: Service = svc(&format!("s{i}"), 0, s.milli_cpus, s.mem_mib);
        let constraint = match s.constraint {
            1 => Some("node.labels.k == a"),
            2 => Some("node.labels.k != b"),
            3 => Some("node.role != manager"),
            _ => None,
        };
        if let Some(c) = constraint.and_then(|c| Constraint::parse(c).ok()) {
            service
                .placement
                .constraints
                .push(Spanned::default_value(c));
        }
        if s.gpu {
            service
                .resources
                .reservations
                .generic
                .push(GenericResource {
                    kind: "gpu".into(),
                    value: 1,
                    span: None,
                });
        }
        if s.port != 0 {
            service.ports.push(Port {
                target: 80,
                published: Some(u32::from(s.port)),
                protocol: Protocol::Tcp,
                mode: PublishMode::Host,
                span: None,
            });
        }
        service.placement.max_replicas_per_node = Spanned::default_value(s.max_per_node);
        stack.services.push(service);
        let targets = if s.global {
            stack.services[i].mode = Spanned::default_value(Mode::Global);
            global_targets(&stack, &cluster, i).len() as u64
        } else {
            0
        };
        // Keep the instance within 8 tasks: a global service that would exceed it becomes
        // an empty replicated one.
        if s.global && targets <= budget {
            budget -= targets;
        } else {
            let replicas = if s.global { 0 } else { s.replicas.min(budget) };
            budget -= replicas;
            stack.services[i].mode = Spanned::default_value(Mode::Replicated { replicas });
        }
    }
    (stack, cluster)
}

/// Every multiset of `r` nodes out of `n`, as non-decreasing sequences.
fn multisets(n: usize, r: u64) -> Vec<Vec<usize>> {
    fn rec(start: usize, n: usize, left: u64, cur: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
        if left == 0 {
            out.push(cur.clone());
            return;
        }
        for i in start..n {
            cur.push(i);
            rec(i, n, left - 1, cur, out);
            cur.pop();
        }
    }
    let mut out = Vec::new();
    rec(0, n, r, &mut Vec::new(), &mut out);
    out
}

/// Is there any plan the validator accepts? Tasks of one service are identical, so plans are
/// enumerated as multisets of nodes per service; global services go on their target nodes.
fn brute_force(stack: &Stack, cluster: &Cluster) -> bool {
    let choices: Vec<(usize, Vec<Vec<usize>>)> = stack
        .services
        .iter()
        .enumerate()
        .map(|(i, s)| match s.mode.value.replicated_tasks() {
            Some(r) => (i, multisets(cluster.nodes.len(), r)),
            None => (i, vec![global_targets(stack, cluster, i)]),
        })
        .collect();
    let mut pick = vec![0usize; choices.len()];
    loop {
        let mut plan = Plan::default();
        for (k, (service, options)) in choices.iter().enumerate() {
            let Some(nodes) = options.get(pick[k]) else {
                return false;
            };
            for (r, &n) in nodes.iter().enumerate() {
                plan.assignments.push((
                    Task {
                        service: *service,
                        replica: r as u64 + 1,
                    },
                    n,
                ));
            }
        }
        if validate(stack, cluster, &plan).is_ok() {
            return true;
        }
        // Next combination, odometer style.
        let mut k = 0;
        loop {
            if k == choices.len() {
                return false;
            }
            pick[k] += 1;
            if pick[k] < choices[k].1.len() {
                break;
            }
            pick[k] = 0;
            k += 1;
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    #[test]
    fn verdicts_match_brute_force(
        nodes in prop::collection::vec(node_spec(), 0..=5),
        services in prop::collection::vec(service_spec(), 1..=4),
    ) {
        let (stack, cluster) = build(&nodes, &services);
        let expected = brute_force(&stack, &cluster);
        let none = NodeSet::default();
        let opts = PlacementOptions { suggest: false, ..PlacementOptions::default() };

        // The whole check.
        let full = check_placement(&stack, &cluster, &opts);
        let want = if expected { Status::Holds } else { Status::Violated };
        prop_assert_eq!(full.status, want, "{:?}", full.diagnostics);
        if let Some(plan) = &full.plan {
            prop_assert_eq!(validate(&stack, &cluster, plan), Ok(()));
        }

        // Each stage on its own.
        let p = Problem::build(&stack, &cluster);
        if !p.conflicts.is_empty() {
            prop_assert!(!expected, "a static conflict on a feasible instance");
        } else {
            if let Some(counts) = constructive::place(&p, &none) {
                let d = finish(&p, &stack, &cluster, &none, &counts, Method::Constructive, u64::MAX);
                prop_assert!(matches!(d, Decision::Feasible(..)));
            }
            if !necessary::refute(&p, &none).is_empty() {
                prop_assert!(!expected, "a necessary condition refuted a feasible instance");
            }
            certificates_pass(&p, &stack, &cluster)?;
            match smt::solve(&p, std::slice::from_ref(&none), crate::deadline::Deadline::after_ms(10_000)).pop() {
                Some(SmtResult::Sat(counts)) => {
                    prop_assert!(expected);
                    let d = finish(&p, &stack, &cluster, &none, &counts, Method::Smt, u64::MAX);
                    prop_assert!(matches!(d, Decision::Feasible(..)));
                }
                Some(SmtResult::Unsat(_)) => prop_assert!(!expected),
                other => prop_assert!(false, "solver answered {:?}", other),
            }
        }

        // Losing any one node: brute force over every node, the check over node classes.
        if expected {
            let opts = PlacementOptions { tolerate: Some(Tolerance::Nodes(1)), ..opts };
            let tolerant = (0..cluster.nodes.len()).all(|n| {
                let down: NodeSet = [n].into_iter().collect();
                brute_force(&stack, &scenario_cluster(&cluster, &down))
            });
            let t = check_placement(&stack, &cluster, &opts);
            let want = if tolerant { Status::Holds } else { Status::Violated };
            prop_assert_eq!(t.status, want, "{:?}", t.diagnostics);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Bin-packing traps (identical nodes, task sizes that leave unusable remainders) are where
    /// counting arguments pass and the SMT residue decides: the check must still agree with
    /// brute force.
    #[test]
    fn packing_residues_match_brute_force(
        nodes in 1usize..=4,
        sizes in prop::collection::vec(
            (1u64..=3, prop::sample::select(vec![300u64, 400, 600, 700]), prop::sample::select(vec![0u64, 300, 600])),
            1..=3,
        ),
    ) {
        let cluster = Cluster::new((0..nodes).map(|i| node(&format!("n{i}"), 1000, 1000)).collect());
        let mut budget = 8u64;
        let services = sizes
            .iter()
            .enumerate()
            .map(|(i, &(r, cpu, mem))| {
                let r = r.min(budget);
                budget -= r;
                svc(&format!("s{i}"), r, cpu, mem)
            })
            .collect();
        let stack = Stack { services, ..Stack::default() };
        let expected = brute_force(&stack, &cluster);
        let opts = PlacementOptions { suggest: false, ..PlacementOptions::default() };
        let full = check_placement(&stack, &cluster, &opts);
        let want = if expected { Status::Holds } else { Status::Violated };
        prop_assert_eq!(full.status, want, "{:?}", full.diagnostics);
        if let Some(plan) = &full.plan {
            prop_assert_eq!(validate(&stack, &cluster, plan), Ok(()));
        }
    }
}

/// A tight instance: a hidden witness puts each task on a node, and each node's capacity is
/// its witness usage at `load_percent` (≥ 95 %), rounded up as `gen.py` does; `shrink` then
/// takes up to 8 % off one node's CPU, which may or may not make the stack infeasible.
fn tight(
    nodes: usize,
    services: &[(u64, u64, Vec<usize>)],
    load_percent: u64,
    shrink: (usize, u64),
) -> (Stack, Cluster) {
    let mut usage = vec![(0u64, 0u64); nodes];
    for (cpu, mem, hosts) in services {
        for &h in hosts {
            usage[h % nodes].0 += cpu;
            usage[h % nodes].1 += mem;
        }
    }
    let cluster = Cluster::new(
        usage
            .iter()
            .enumerate()
            .map(|(i, &(c, m))| {
                let mut cpu = (c * 100).div_ceil(load_percent).max(100);
                if i == shrink.0 % nodes {
                    cpu -= cpu * shrink.1 / 100;
                }
                node(
                    &format!("n{i}"),
                    cpu,
                    (m * 100).div_ceil(load_percent).max(64),
                )
            })
            .collect(),
    );
    let services = services
        .iter()
        .enumerate()
        .map(|(i, (cpu, mem, hosts))| svc(&format!("s{i}"), hosts.len() as u64, *cpu, *mem))
        .collect();
    (
        Stack {
            services,
            ..Stack::default()
        },
        cluster,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Tight packings at 95–100 % load with anti-correlated CPU and memory sizes, where the
    /// constructive pass often fails: local search, the pigeonhole count and the whole check
    /// must agree with brute force, and every plan must validate.
    #[test]
    fn tight_packings_match_brute_force(
        nodes in 1usize..=5,
        services in prop::collection::vec(
            (
                prop::sample::select(vec![150u64, 250, 300, 450, 550, 700]),
                prop::sample::select(vec![100u64, 200, 350, 500, 650]),
                prop::collection::vec(0usize..5, 1..=3),
            ),
            1..=3,
        ),
        load_percent in prop::sample::select(vec![95u64, 97, 99, 100]),
        shrink in (0usize..5, prop::sample::select(vec![0u64, 0, 1, 3, 8])),
    ) {
        let (stack, cluster) = tight(nodes, &services, load_percent, shrink);
        let expected = brute_force(&stack, &cluster);
        let opts = PlacementOptions { suggest: false, ..PlacementOptions::default() };
        let full = check_placement(&stack, &cluster, &opts);
        let want = if expected { Status::Holds } else { Status::Violated };
        prop_assert_eq!(full.status, want, "{:?}", full.diagnostics);
        if let Some(plan) = &full.plan {
            prop_assert_eq!(validate(&stack, &cluster, plan), Ok(()));
        }
        let p = Problem::build(&stack, &cluster);
        let none = NodeSet::default();
        if let Some(counts) = repair::repair(&p, &none, 20_000, crate::deadline::Deadline::NEVER) {
            let d = finish(&p, &stack, &cluster, &none, &counts, Method::LocalSearch, u64::MAX);
            prop_assert!(matches!(d, Decision::Feasible(..)));
        }
        if !necessary::refute(&p, &none).is_empty() {
            prop_assert!(!expected, "a necessary condition refuted a feasible instance");
        }
        certificates_pass(&p, &stack, &cluster)?;
    }
}

/// Every refutation with a certificate form passes the independent checker.
fn certificates_pass(p: &Problem, stack: &Stack, cluster: &Cluster) -> Result<(), TestCaseError> {
    for c in necessary::refute(p, &NodeSet::default()) {
        if let Some(cert) = certify::certificate(&c, p, stack, cluster) {
            prop_assert_eq!(
                certificate::check(stack, cluster, &cert),
                Ok(()),
                "{:?}",
                cert
            );
        }
    }
    Ok(())
}

/// Certificates of every form over every set of the replicated services, with the figures the
/// checker's own rules give, so that the checker accepts exactly those whose inequality holds.
fn candidate_certificates(stack: &Stack, cluster: &Cluster) -> Vec<Certificate> {
    use crate::audit::rules::{
        never_runs_on, replicas, reserved, room_on, tasks_fitting_alone, Resource,
    };
    let reps: Vec<&Service> = stack
        .services
        .iter()
        .filter(|s| replicas(s).is_some())
        .collect();
    let count = |s: &Service| replicas(s).unwrap_or(0);
    let mut out = Vec::new();
    for s in &reps {
        let service = s.name.clone();
        out.push(Certificate::NoEligibleNode {
            service: service.clone(),
        });
        out.push(Certificate::TaskTooLarge {
            service: service.clone(),
        });
        let slots = cluster
            .nodes
            .iter()
            .map(|n| tasks_fitting_alone(stack, s, n))
            .fold(0u64, u64::saturating_add);
        out.push(Certificate::TooFewSlots {
            service,
            replicas: count(s),
            slots,
        });
    }
    for mask in 1usize..(1 << reps.len()) {
        let set: Vec<&Service> = (0..reps.len())
            .filter(|i| mask & (1 << i) != 0)
            .map(|i| reps[i])
            .collect();
        let services: Vec<String> = set.iter().map(|s| s.name.clone()).collect();
        let m: Vec<usize> = (0..cluster.nodes.len())
            .filter(|&n| {
                set.iter()
                    .any(|s| !never_runs_on(stack, s, &cluster.nodes[n]))
            })
            .collect();
        let nodes: Vec<String> = m
            .iter()
            .map(|&n| cluster.nodes[n].hostname.clone())
            .collect();
        let tasks: u64 = set.iter().map(|s| count(s)).sum();
        for resource in [
            Resource::Cpu,
            Resource::Memory,
            Resource::Generic("gpu".into()),
        ] {
            let need = set
                .iter()
                .map(|s| u128::from(count(s)) * u128::from(reserved(s, &resource)))
                .sum();
            let offer = m
                .iter()
                .map(|&n| {
                    u128::from(
                        room_on(stack, &cluster.nodes[n], std::slice::from_ref(&resource)).free[0]
                            .1,
                    )
                })
                .sum();
            out.push(Certificate::Overload {
                services: services.clone(),
                nodes: nodes.clone(),
                resource: resource.clone(),
                need,
                offer,
            });
            let hosts = m
                .iter()
                .filter(|&&n| {
                    set.iter()
                        .any(|s| tasks_fitting_alone(stack, s, &cluster.nodes[n]) > 0)
                })
                .count() as u64;
            out.push(Certificate::BigTasks {
                services: services.clone(),
                nodes: nodes.clone(),
                resource,
                tasks,
                hosts,
            });
        }
        for (protocol, port) in set.iter().flat_map(|s| s.host_ports()) {
            let free = m
                .iter()
                .filter(|&&n| {
                    !room_on(stack, &cluster.nodes[n], &[])
                        .bound
                        .contains(&(protocol, port))
                })
                .count() as u64;
            out.push(Certificate::PortShortage {
                services: services.clone(),
                nodes: nodes.clone(),
                protocol: protocol.as_str().to_string(),
                port,
                tasks: u128::from(tasks),
                free,
            });
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// The independent checker is sound on its own: whatever certificate it accepts, of any
    /// form and over any set of services (not only those the placement check produces), the
    /// instance has no placement by brute force.
    #[test]
    fn accepted_certificates_are_sound(
        nodes in prop::collection::vec(node_spec(), 0..=5),
        services in prop::collection::vec(service_spec(), 1..=4),
    ) {
        let (stack, cluster) = build(&nodes, &services);
        let accepted: Vec<Certificate> = candidate_certificates(&stack, &cluster)
            .into_iter()
            .filter(|c| certificate::check(&stack, &cluster, c).is_ok())
            .collect();
        if !accepted.is_empty() {
            prop_assert!(!brute_force(&stack, &cluster), "accepted on a feasible instance: {:?}", accepted);
        }
    }
}
