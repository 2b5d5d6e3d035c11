//! What can be observed of a deploy — how many tasks of each service run on each node, and how
//! many stay Pending with which message — and whether an observed outcome is one Swarm's
//! scheduler may produce. The exploration collects the outcomes of every order it runs
//! (`ExploreOptions::outcomes`); orders it skips differ from an explored one only by swapping
//! interchangeable nodes or untouched identical services, so membership is decided up to those
//! swaps. Used to compare the model with a real engine.

use std::collections::BTreeMap;

use serde::Serialize;

use super::symmetry::{node_classes, service_classes};
use super::Simulation;
use crate::model::{Cluster, Stack};

/// Tasks per (service, node host name), and Pending tasks per (service, message).
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Outcome {
    pub placed: BTreeMap<String, BTreeMap<String, usize>>,
    pub pending: BTreeMap<String, BTreeMap<String, usize>>,
}

impl Outcome {
    pub fn of(sim: &Simulation) -> Outcome {
        let mut out = Outcome::default();
        for a in &sim.assignments {
            *out.placed
                .entry(a.service.clone())
                .or_default()
                .entry(a.hostname.clone())
                .or_default() += 1;
        }
        for p in &sim.pending {
            *out.pending
                .entry(p.service.clone())
                .or_default()
                .entry(p.message.clone())
                .or_default() += 1;
        }
        out
    }

    /// The same outcome with nodes and services renamed.
    fn renamed(&self, node: &BTreeMap<&str, &str>, service: &BTreeMap<&str, &str>) -> Outcome {
        let s = |name: &String| {
            service
                .get(name.as_str())
                .map_or(name.clone(), |v| v.to_string())
        };
        let n = |name: &String| {
            node.get(name.as_str())
                .map_or(name.clone(), |v| v.to_string())
        };
        Outcome {
            placed: self
                .placed
                .iter()
                .map(|(svc, per)| (s(svc), per.iter().map(|(h, c)| (n(h), *c)).collect()))
                .collect(),
            pending: self
                .pending
                .iter()
                .map(|(svc, per)| (s(svc), per.clone()))
                .collect(),
        }
    }
}

/// Renamings that keep every class: at most this many are tried per outcome.
const MAX_RENAMINGS: usize = 100_000;

/// How an observed outcome relates to the explored ones.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Membership {
    /// An explored order produces it, up to swapping interchangeable nodes and services.
    Possible { explored: Outcome },
    /// No explored order produces it; `exhaustive` says whether every order was explored.
    Impossible { exhaustive: bool },
    /// Too many interchangeable nodes or services to try every renaming.
    TooSymmetric,
}

/// Whether `observed` is one of `explored` up to the swaps the exploration does not branch on.
pub fn membership(
    stack: &Stack,
    cluster: &Cluster,
    explored: &[Outcome],
    exhaustive: bool,
    observed: &Outcome,
) -> Membership {
    let hosts: Vec<&str> = cluster.nodes.iter().map(|n| n.hostname.as_str()).collect();
    let names: Vec<&str> = stack.services.iter().map(|s| s.name.as_str()).collect();
    let node_perms = class_permutations(&node_classes(stack, cluster));
    let service_perms = class_permutations(&service_classes(stack));
    let (Some(node_perms), Some(service_perms)) = (node_perms, service_perms) else {
        return Membership::TooSymmetric;
    };
    if node_perms.len().saturating_mul(service_perms.len()) > MAX_RENAMINGS {
        return Membership::TooSymmetric;
    }
    for o in explored {
        for np in &node_perms {
            let node: BTreeMap<&str, &str> = np
                .iter()
                .enumerate()
                .map(|(i, &j)| (hosts[i], hosts[j]))
                .collect();
            for sp in &service_perms {
                let service: BTreeMap<&str, &str> = sp
                    .iter()
                    .enumerate()
                    .map(|(i, &j)| (names[i], names[j]))
                    .collect();
                if &o.renamed(&node, &service) == observed {
                    return Membership::Possible {
                        explored: o.clone(),
                    };
                }
            }
        }
    }
    Membership::Impossible { exhaustive }
}

/// Every permutation of `0..classes.len()` that maps each index into its own class, or `None`
/// when there are more than `MAX_RENAMINGS`.
fn class_permutations(classes: &[usize]) -> Option<Vec<Vec<usize>>> {
    let mut perms = vec![(0..classes.len()).collect::<Vec<_>>()];
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, &c) in classes.iter().enumerate() {
        groups.entry(c).or_default().push(i);
    }
    for members in groups.values().filter(|m| m.len() > 1) {
        let mut next = Vec::new();
        for order in permutations(members.len())? {
            for p in &perms {
                let mut q = p.clone();
                for (k, &slot) in members.iter().enumerate() {
                    q[slot] = members[order[k]];
                }
                next.push(q);
                if next.len() > MAX_RENAMINGS {
                    return None;
                }
            }
        }
        perms = next;
    }
    Some(perms)
}

/// Every permutation of `0..n`, or `None` beyond `MAX_RENAMINGS`.
fn permutations(n: usize) -> Option<Vec<Vec<usize>>> {
    let mut out: Vec<Vec<usize>> = vec![Vec::new()];
    for k in 0..n {
        let mut next = Vec::new();
        for p in &out {
            for at in 0..=k {
                let mut q = p.clone();
                q.insert(at, k);
                next.push(q);
            }
        }
        if next.len() > MAX_RENAMINGS {
            return None;
        }
        out = next;
    }
    Some(out)
}
