//! Cheap necessary conditions for a placement to exist. Each failed condition is an exact
//! refutation with its own figures, which makes a better explanation than any solver output:
//! - every demand has an eligible node, and one task fits on some eligible node;
//! - per demand: replicas ≤ Σ over eligible nodes of how many of its tasks fit there alone
//!   (host ports: one per node; `max_replicas_per_node`; resources);
//! - per set M of nodes that is a union of eligibility classes (Hall's condition): the demands
//!   confined to M need no more of any resource than M offers, and no more nodes with a given
//!   host port free than M has;
//! - per such M and resource: tasks confined to M that each need more than half of the
//!   resource on every node they may use cannot share a node, so they need one node each
//!   (a pigeonhole count across services, which catches packings the sums above miss).

use std::collections::BTreeSet;

use super::explain::{Conflict, Overload, PortShortage};
use super::problem::{NodeSet, Port, Problem};

/// Unions of eligibility classes examined at most (closure under union can be exponential).
const MAX_CANDIDATE_SETS: usize = 1024;

/// The violated conditions, smallest node sets first; empty if all hold.
pub fn refute(p: &Problem, down: &NodeSet) -> Vec<Conflict> {
    let mut found = per_demand(p, down);
    if found.is_empty() {
        found = per_node_set(p, down);
    }
    found
}

fn per_demand(p: &Problem, down: &NodeSet) -> Vec<Conflict> {
    let mut found = Vec::new();
    for (d, dm) in p.demands.iter().enumerate() {
        if dm.replicas == 0 {
            continue;
        }
        let eligible = p.eligible(d, down);
        if eligible.is_empty() {
            found.push(Conflict::NoEligibleNode { demand: d });
            continue;
        }
        let one_fits = eligible.iter().any(|n| {
            dm.need
                .iter()
                .zip(&p.free[n])
                .all(|(need, have)| need <= have)
        });
        if !one_fits {
            found.push(Conflict::TaskTooLarge { demand: d });
            continue;
        }
        let slots = eligible.iter().fold(0u64, |a, n| {
            a.saturating_add(p.room(d, &p.free[n], &p.bound[n], 0))
        });
        if slots < dm.replicas {
            found.push(Conflict::TooFewSlots { demand: d, slots });
        }
    }
    found
}

fn per_node_set(p: &Problem, down: &NodeSet) -> Vec<Conflict> {
    let classes = p.eligibility_classes(down);
    let mut candidates: Vec<NodeSet> = classes.iter().map(|(s, _)| s.clone()).collect();
    let mut seen: BTreeSet<NodeSet> = candidates.iter().cloned().collect();
    let mut i = 0;
    while i < candidates.len() && candidates.len() < MAX_CANDIDATE_SETS {
        for (class, _) in &classes {
            let u = candidates[i].union(class);
            if candidates.len() < MAX_CANDIDATE_SETS && seen.insert(u.clone()) {
                candidates.push(u);
            }
        }
        i += 1;
    }
    candidates.sort_by_key(NodeSet::len);

    let mut found: Vec<Conflict> = Vec::new();
    let mut violated: Vec<(NodeSet, Option<usize>, Option<Port>)> = Vec::new();
    for m in candidates {
        let confined: Vec<usize> = classes
            .iter()
            .filter(|(s, _)| s.is_subset(&m))
            .flat_map(|(_, ds)| ds.iter().copied())
            .collect();
        for dim in 0..p.dims.len() {
            let need: u128 = confined
                .iter()
                .map(|&d| u128::from(p.demands[d].replicas) * u128::from(p.demands[d].need[dim]))
                .sum();
            let offer: u128 = m.iter().map(|n| u128::from(p.free[n][dim])).sum();
            if need > offer && !known(&violated, &m, Some(dim), None) {
                violated.push((m.clone(), Some(dim), None));
                found.push(Conflict::Overload(Overload {
                    nodes: m.clone(),
                    demands: confined.clone(),
                    dim,
                    need,
                    offer,
                }));
            }
        }
        // The pigeonhole rule is keyed apart from the sum rule of the same dimension.
        for dim in 0..p.dims.len() {
            if let Some(c) = big_tasks(p, down, &m, &confined, dim) {
                if !known(&violated, &m, Some(dim + p.dims.len()), None) {
                    violated.push((m.clone(), Some(dim + p.dims.len()), None));
                    found.push(c);
                }
            }
        }
        let ports: BTreeSet<Port> = confined
            .iter()
            .flat_map(|&d| p.demands[d].ports.iter().copied())
            .collect();
        for port in ports {
            let users: Vec<usize> = confined
                .iter()
                .copied()
                .filter(|&d| p.demands[d].ports.contains(&port))
                .collect();
            let need: u128 = users
                .iter()
                .map(|&d| u128::from(p.demands[d].replicas))
                .sum();
            let offer = m.iter().filter(|&n| !p.bound[n].contains(&port)).count() as u64;
            if need > u128::from(offer) && !known(&violated, &m, None, Some(port)) {
                violated.push((m.clone(), None, Some(port)));
                found.push(Conflict::PortShortage(PortShortage {
                    nodes: m.clone(),
                    demands: users,
                    port,
                    need,
                    offer,
                }));
            }
        }
    }
    found
}

/// The pigeonhole count on `m`: every task of a demand that takes more than half of `dim` on
/// each of its eligible nodes excludes every other such task from its node (two halves
/// overflow), so there must be at least as many nodes able to take one as there are tasks.
fn big_tasks(
    p: &Problem,
    down: &NodeSet,
    m: &NodeSet,
    confined: &[usize],
    dim: usize,
) -> Option<Conflict> {
    let mut demands = Vec::new();
    let mut hosts = NodeSet::default();
    let mut tasks: u64 = 0;
    for &d in confined {
        let need = u128::from(p.demands[d].need[dim]);
        let eligible = p.eligible(d, down);
        if need == 0
            || !eligible
                .iter()
                .all(|n| 2 * need > u128::from(p.free[n][dim]))
        {
            continue;
        }
        let fits: NodeSet = eligible
            .iter()
            .filter(|&n| p.room(d, &p.free[n], &p.bound[n], 0) > 0)
            .collect();
        hosts = hosts.union(&fits);
        tasks = tasks.saturating_add(p.demands[d].replicas);
        demands.push(d);
    }
    // One demand alone is the per-demand slot count's business.
    (demands.len() > 1 && tasks > hosts.len() as u64).then(|| Conflict::BigTasks {
        nodes: m.clone(),
        demands,
        dim,
        tasks,
        hosts: hosts.len() as u64,
    })
}

/// A superset of an already violated set says nothing new about the same rule.
fn known(
    violated: &[(NodeSet, Option<usize>, Option<Port>)],
    m: &NodeSet,
    dim: Option<usize>,
    port: Option<Port>,
) -> bool {
    violated
        .iter()
        .any(|(s, d, q)| *d == dim && *q == port && s.is_subset(m))
}
