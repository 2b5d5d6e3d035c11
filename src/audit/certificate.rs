//! Certificates of infeasibility: each refutation the placement check prints, stated in the
//! user's terms (service and node names), and a checker that re-derives it from the stack and
//! the cluster with the rules of `super::rules` alone. A certificate that passes proves that no
//! plan the validator would accept exists; the checker answers why one does not pass.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::model::{Cluster, Service, Stack};

use super::rules::{
    confined_to, never_runs_on, replicas, reserved, room_on, tasks_fitting_alone, Resource,
};

/// One proof that the stack's tasks cannot all be placed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Certificate {
    /// No node may run a task of the service.
    NoEligibleNode { service: String },
    /// No node the service may use has room for one of its tasks.
    TaskTooLarge { service: String },
    /// The nodes hold `slots` of the service's tasks in all, each node on its own.
    TooFewSlots {
        service: String,
        replicas: u64,
        slots: u64,
    },
    /// The services may only run on `nodes`, and reserve more of `resource` than the nodes
    /// have left after their global tasks.
    Overload {
        services: Vec<String>,
        nodes: Vec<String>,
        resource: Resource,
        need: u128,
        offer: u128,
    },
    /// The services publish the same host port and may only run on `nodes`, of which only
    /// `free` have the port free of global tasks.
    PortShortage {
        services: Vec<String>,
        nodes: Vec<String>,
        /// `tcp`, `udp` or `sctp`.
        protocol: String,
        port: u32,
        tasks: u128,
        free: u64,
    },
    /// Each task of the services reserves more than half of `resource` on every node it may
    /// use, so no two share a node: `tasks` of them for `hosts` nodes.
    BigTasks {
        services: Vec<String>,
        nodes: Vec<String>,
        resource: Resource,
        tasks: u64,
        hosts: u64,
    },
}

fn service<'a>(stack: &'a Stack, name: &str) -> Result<&'a Service, String> {
    stack
        .services
        .iter()
        .find(|s| s.name == name)
        .ok_or_else(|| format!("no service {name}"))
}

fn replicated<'a>(stack: &'a Stack, name: &str) -> Result<(&'a Service, u64), String> {
    let s = service(stack, name)?;
    let r = replicas(s).ok_or_else(|| format!("{name} is not a replicated service"))?;
    Ok((s, r))
}

fn node_set(cluster: &Cluster, names: &[String]) -> Result<BTreeSet<usize>, String> {
    names
        .iter()
        .map(|name| {
            cluster
                .nodes
                .iter()
                .position(|n| &n.hostname == name)
                .ok_or_else(|| format!("no node {name}"))
        })
        .collect()
}

/// The replicated services named, each confined to `nodes`, with their task counts.
fn confined<'a>(
    stack: &'a Stack,
    cluster: &Cluster,
    names: &[String],
    nodes: &BTreeSet<usize>,
) -> Result<Vec<(&'a Service, u64)>, String> {
    names
        .iter()
        .map(|name| {
            let (s, r) = replicated(stack, name)?;
            if !confined_to(stack, cluster, s, nodes) {
                return Err(format!("{name} may run outside the nodes named"));
            }
            Ok((s, r))
        })
        .collect()
}

fn free_of(stack: &Stack, cluster: &Cluster, n: usize, r: &Resource) -> u64 {
    room_on(stack, &cluster.nodes[n], std::slice::from_ref(r)).free[0].1
}

fn require(holds: bool, why: impl FnOnce() -> String) -> Result<(), String> {
    if holds {
        Ok(())
    } else {
        Err(why())
    }
}

/// Checks `c` against the stack and the cluster (with the scenario's lost nodes down): `Ok`
/// when it proves that no placement exists.
pub fn check(stack: &Stack, cluster: &Cluster, c: &Certificate) -> Result<(), String> {
    match c {
        Certificate::NoEligibleNode { service } => {
            let (s, r) = replicated(stack, service)?;
            require(r > 0, || format!("{service} asks for no task"))?;
            let open = cluster.nodes.iter().find(|n| !never_runs_on(stack, s, n));
            require(open.is_none(), || {
                format!("{service} may run on {}", open.map_or("", |n| &n.hostname))
            })
        }
        Certificate::TaskTooLarge { service } => {
            let (s, r) = replicated(stack, service)?;
            require(r > 0, || format!("{service} asks for no task"))?;
            let open = cluster
                .nodes
                .iter()
                .find(|n| tasks_fitting_alone(stack, s, n) > 0);
            require(open.is_none(), || {
                format!(
                    "a task of {service} fits {}",
                    open.map_or("", |n| &n.hostname)
                )
            })
        }
        Certificate::TooFewSlots {
            service,
            replicas: claimed,
            slots,
        } => {
            let (s, r) = replicated(stack, service)?;
            let total = cluster
                .nodes
                .iter()
                .map(|n| tasks_fitting_alone(stack, s, n))
                .fold(0u64, u64::saturating_add);
            require(r == *claimed && total == *slots && total < r, || {
                format!("{service}: {r} tasks, {total} slots (claimed {claimed} and {slots})")
            })
        }
        Certificate::Overload {
            services,
            nodes,
            resource,
            need,
            offer,
        } => {
            let m = node_set(cluster, nodes)?;
            let tasks = confined(stack, cluster, services, &m)?;
            let want: u128 = tasks
                .iter()
                .map(|(s, r)| u128::from(*r) * u128::from(reserved(s, resource)))
                .sum();
            let have: u128 = m
                .iter()
                .map(|&n| u128::from(free_of(stack, cluster, n, resource)))
                .sum();
            require(want == *need && have == *offer && want > have, || {
                format!("{want} needed against {have} free (claimed {need} and {offer})")
            })
        }
        Certificate::PortShortage {
            services,
            nodes,
            protocol,
            port,
            tasks,
            free,
        } => {
            let m = node_set(cluster, nodes)?;
            let users = confined(stack, cluster, services, &m)?;
            let binds = |(proto, p): &(crate::model::Protocol, u32)| {
                p == port && proto.as_str() == protocol
            };
            let publishes = users.iter().all(|(s, _)| s.host_ports().any(|b| binds(&b)));
            require(publishes, || {
                format!("not every service binds host port {port}")
            })?;
            let want: u128 = users.iter().map(|&(_, r)| u128::from(r)).sum();
            let open = m
                .iter()
                .filter(|&&n| {
                    !room_on(stack, &cluster.nodes[n], &[])
                        .bound
                        .iter()
                        .any(binds)
                })
                .count() as u64;
            require(
                want == *tasks && open == *free && want > u128::from(open),
                || format!("{want} tasks for {open} nodes (claimed {tasks} and {free})"),
            )
        }
        Certificate::BigTasks {
            services,
            nodes,
            resource,
            tasks,
            hosts,
        } => {
            let m = node_set(cluster, nodes)?;
            let big = confined(stack, cluster, services, &m)?;
            let mut able = BTreeSet::new();
            for (s, _) in &big {
                let need = u128::from(reserved(s, resource));
                for &n in &m {
                    let node = &cluster.nodes[n];
                    if never_runs_on(stack, s, node) {
                        continue;
                    }
                    let free = u128::from(free_of(stack, cluster, n, resource));
                    require(2 * need > free, || {
                        format!(
                            "{} fits twice on {} ({need} of {free})",
                            s.name, node.hostname
                        )
                    })?;
                    if tasks_fitting_alone(stack, s, node) > 0 {
                        able.insert(n);
                    }
                }
            }
            let want: u64 = big.iter().map(|&(_, r)| r).fold(0, u64::saturating_add);
            let room = able.len() as u64;
            require(want == *tasks && room == *hosts && want > room, || {
                format!("{want} tasks for {room} nodes (claimed {tasks} and {hosts})")
            })
        }
    }
}
