//! The placement problem distilled from the model, shared by every solver: the replicated
//! demands with their eligibility classes, the nodes' room after global tasks (whose placement
//! is forced), and the classes of interchangeable nodes. Tasks of one service are identical, so
//! solvers reason about counts per (service, node), never about single tasks.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{Cluster, Protocol, Stack};

use crate::swarm::filters::{self, Filter};
use crate::swarm::global::global_targets;

/// A host-mode binding: (protocol, published port).
pub type Port = (Protocol, u32);

/// A resource dimension: nano-CPUs, bytes, or a generic resource kind (a count).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Dim {
    Cpu,
    Memory,
    Generic(String),
}

/// A set of node indices, as a bitset (eligibility sets are compared and united often).
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeSet {
    words: Vec<u64>,
}

impl NodeSet {
    pub fn insert(&mut self, n: usize) {
        let w = n / 64;
        if self.words.len() <= w {
            self.words.resize(w + 1, 0);
        }
        self.words[w] |= 1 << (n % 64);
    }

    pub fn contains(&self, n: usize) -> bool {
        self.words
            .get(n / 64)
            .is_some_and(|w| w & (1 << (n % 64)) != 0)
    }

    pub fn is_subset(&self, other: &NodeSet) -> bool {
        self.words
            .iter()
            .enumerate()
            .all(|(i, w)| w & !other.words.get(i).copied().unwrap_or(0) == 0)
    }

    pub fn union(&self, other: &NodeSet) -> NodeSet {
        let len = self.words.len().max(other.words.len());
        let get = |v: &[u64], i: usize| v.get(i).copied().unwrap_or(0);
        let mut words: Vec<u64> = (0..len)
            .map(|i| get(&self.words, i) | get(&other.words, i))
            .collect();
        while words.last() == Some(&0) {
            words.pop();
        }
        NodeSet { words }
    }

    pub fn len(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.words.iter().all(|&w| w == 0)
    }

    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(i, &w)| {
            (0..64)
                .filter(move |b| w & (1 << b) != 0)
                .map(move |b| i * 64 + b)
        })
    }
}

impl FromIterator<usize> for NodeSet {
    fn from_iter<I: IntoIterator<Item = usize>>(iter: I) -> Self {
        let mut s = NodeSet::default();
        for n in iter {
            s.insert(n);
        }
        s
    }
}

/// The replicated tasks of one service (replicated service or replicated job).
#[derive(Clone, Debug)]
pub struct Demand {
    /// Index into `stack.services`.
    pub service: usize,
    pub replicas: u64,
    /// Reservation per task, per dimension of `Problem::dims`.
    pub need: Vec<u64>,
    /// Host-mode bindings, deduplicated.
    pub ports: Vec<Port>,
    /// 0 = unlimited.
    pub max_per_node: u64,
    /// Nodes passing the static filters (ready, constraints, platform, plugins).
    pub eligible: NodeSet,
}

/// Why a global task cannot run on its preassigned node (reference §1.7).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Misfit {
    /// The first static filter the node fails (`Ready` for unknown/disconnected nodes).
    Filter(Filter),
    /// The global tasks on the node together reserve more of `dim` than it has.
    Resource { dim: usize, need: u128, have: u64 },
    /// Two global services bind the same host port on the node.
    Port(Port),
}

/// A refutation read directly off the model, before any search.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StaticConflict {
    GlobalMisfit {
        node: usize,
        services: Vec<usize>,
        misfit: Misfit,
    },
    DuplicatePort {
        service: usize,
        port: Port,
    },
}

/// The placement problem of a stack on a cluster.
#[derive(Clone, Debug)]
pub struct Problem {
    pub dims: Vec<Dim>,
    pub demands: Vec<Demand>,
    /// Capacity per node and dimension, less the global tasks' reservations (saturating at 0).
    pub free: Vec<Vec<u64>>,
    /// Host ports bound on each node by global tasks.
    pub bound: Vec<BTreeSet<Port>>,
    /// Global services with their target nodes (index into `stack.services`, node indices).
    pub globals: Vec<(usize, Vec<usize>)>,
    pub conflicts: Vec<StaticConflict>,
    /// Class of interchangeable nodes of each node, and the members of each class in order.
    pub node_class: Vec<usize>,
    pub classes: Vec<Vec<usize>>,
}

/// The static filters of the scheduler pipeline for one (service, node), in pipeline order:
/// the first that fails, or `None`. Resource, host-port and max-replica filters depend on what
/// else is on the node and are the solvers' business.
pub fn static_failure(
    stack: &Stack,
    service: usize,
    cluster: &Cluster,
    node: usize,
) -> Option<Filter> {
    let s = &stack.services[service];
    let n = &cluster.nodes[node];
    if !filters::ready(n) {
        return Some(Filter::Ready);
    }
    // A constraint that does not parse fails the deploy: it counts as the constraint filter.
    let unparsed = s.placement.constraint_errors.then_some(Filter::Constraint);
    filters::static_failure(s, &stack.volume_drivers(s), n)
        .into_iter()
        .chain(unparsed)
        .min()
}

fn dim_capacity(cluster: &Cluster, node: usize, dim: &Dim) -> u64 {
    let n = &cluster.nodes[node];
    match dim {
        Dim::Cpu => n.nano_cpus,
        Dim::Memory => n.memory_bytes,
        Dim::Generic(kind) => n.generic.get(kind).map_or(0, |g| g.amount()),
    }
}

fn need_of(stack: &Stack, service: usize, dims: &[Dim]) -> Vec<u64> {
    let r = &stack.services[service].resources.reservations;
    dims.iter()
        .map(|d| match d {
            Dim::Cpu => *r.nano_cpus,
            Dim::Memory => *r.memory_bytes,
            Dim::Generic(kind) => r
                .generic
                .iter()
                .filter(|g| &g.kind == kind)
                .fold(0u64, |a, g| a.saturating_add(g.value)),
        })
        .collect()
}

impl Problem {
    pub fn build(stack: &Stack, cluster: &Cluster) -> Problem {
        let mut dims = vec![Dim::Cpu, Dim::Memory];
        let kinds: BTreeSet<&str> = stack
            .services
            .iter()
            .flat_map(|s| s.resources.reservations.generic.iter())
            .filter(|g| g.value > 0)
            .map(|g| g.kind.as_str())
            .collect();
        dims.extend(kinds.into_iter().map(|k| Dim::Generic(k.to_string())));

        let node_count = cluster.nodes.len();
        let mut conflicts = Vec::new();
        let mut demands = Vec::new();
        let mut globals = Vec::new();
        for (si, s) in stack.services.iter().enumerate() {
            let mut ports: Vec<Port> = Vec::new();
            for p in s.host_ports() {
                if ports.contains(&p) {
                    conflicts.push(StaticConflict::DuplicatePort {
                        service: si,
                        port: p,
                    });
                } else {
                    ports.push(p);
                }
            }
            match s.mode.value.replicated_tasks() {
                Some(replicas) => demands.push(Demand {
                    service: si,
                    replicas,
                    need: need_of(stack, si, &dims),
                    ports,
                    max_per_node: *s.placement.max_replicas_per_node,
                    eligible: (0..node_count)
                        .filter(|&n| static_failure(stack, si, cluster, n).is_none())
                        .collect(),
                }),
                None => globals.push((si, global_targets(stack, cluster, si))),
            }
        }

        // Global tasks are preassigned: charge them to their nodes, and refute any that cannot
        // run there (reference §1.7–1.8).
        let mut free: Vec<Vec<u64>> = (0..node_count)
            .map(|n| dims.iter().map(|d| dim_capacity(cluster, n, d)).collect())
            .collect();
        let mut bound: Vec<BTreeSet<Port>> = vec![BTreeSet::new(); node_count];
        let mut on_node: Vec<Vec<usize>> = vec![Vec::new(); node_count];
        for (si, targets) in &globals {
            for &n in targets {
                on_node[n].push(*si);
            }
        }
        for (n, services) in on_node.iter().enumerate() {
            if services.is_empty() {
                continue;
            }
            for &si in services {
                if let Some(f) = static_failure(stack, si, cluster, n) {
                    conflicts.push(StaticConflict::GlobalMisfit {
                        node: n,
                        services: vec![si],
                        misfit: Misfit::Filter(f),
                    });
                }
            }
            for (d, cap) in free[n].iter_mut().enumerate() {
                let need: u128 = services
                    .iter()
                    .map(|&si| u128::from(need_of(stack, si, &dims)[d]))
                    .sum();
                if need > u128::from(*cap) {
                    conflicts.push(StaticConflict::GlobalMisfit {
                        node: n,
                        services: services.clone(),
                        misfit: Misfit::Resource {
                            dim: d,
                            need,
                            have: *cap,
                        },
                    });
                }
                *cap = cap.saturating_sub(u64::try_from(need).unwrap_or(u64::MAX));
            }
            let mut owners: BTreeMap<Port, Vec<usize>> = BTreeMap::new();
            for &si in services {
                let mut own: Vec<Port> = stack.services[si].host_ports().collect();
                own.dedup();
                for p in own {
                    owners.entry(p).or_default().push(si);
                }
            }
            for (p, users) in owners {
                if users.len() > 1 {
                    conflicts.push(StaticConflict::GlobalMisfit {
                        node: n,
                        services: users,
                        misfit: Misfit::Port(p),
                    });
                }
                bound[n].insert(p);
            }
        }

        let (node_class, classes) = interchangeable(&demands, &globals, &free, &bound, cluster);
        Problem {
            dims,
            demands,
            free,
            bound,
            globals,
            conflicts,
            node_class,
            classes,
        }
    }

    pub fn node_count(&self) -> usize {
        self.free.len()
    }

    /// How many more tasks of demand `d` fit on a node with room `free` and bound ports `bound`
    /// when it already runs `placed` of them (capped at the demand's replicas).
    pub fn room(&self, d: usize, free: &[u64], bound: &BTreeSet<Port>, placed: u64) -> u64 {
        let dm = &self.demands[d];
        if dm.ports.iter().any(|p| bound.contains(p)) {
            return 0;
        }
        let mut k = dm.replicas.saturating_sub(placed);
        if !dm.ports.is_empty() {
            k = k.min(1u64.saturating_sub(placed));
        }
        if dm.max_per_node > 0 {
            k = k.min(dm.max_per_node.saturating_sub(placed));
        }
        for (need, have) in dm.need.iter().zip(free) {
            if *need > 0 {
                k = k.min(have / need);
            }
        }
        k
    }

    /// The eligibility classes: each distinct eligible node set (without `down` nodes) with the
    /// demands (that have tasks) sharing it.
    pub fn eligibility_classes(&self, down: &NodeSet) -> Vec<(NodeSet, Vec<usize>)> {
        let mut classes: BTreeMap<NodeSet, Vec<usize>> = BTreeMap::new();
        for (i, d) in self.demands.iter().enumerate() {
            if d.replicas > 0 {
                classes.entry(self.eligible(i, down)).or_default().push(i);
            }
        }
        classes.into_iter().collect()
    }

    /// Demand `d`'s eligible nodes that are not down.
    pub fn eligible(&self, d: usize, down: &NodeSet) -> NodeSet {
        self.demands[d]
            .eligible
            .iter()
            .filter(|&n| !down.contains(n))
            .collect()
    }

    /// The static conflicts that still apply when `down` nodes are lost (a global task on a
    /// lost node disappears with it).
    pub fn live_conflicts(&self, down: &NodeSet) -> Vec<StaticConflict> {
        self.conflicts
            .iter()
            .filter(|c| match c {
                StaticConflict::GlobalMisfit { node, .. } => !down.contains(*node),
                StaticConflict::DuplicatePort { .. } => true,
            })
            .cloned()
            .collect()
    }

    pub fn total_tasks(&self) -> u64 {
        self.demands
            .iter()
            .fold(0u64, |a, d| a.saturating_add(d.replicas))
            .saturating_add(self.globals.iter().map(|(_, t)| t.len() as u64).sum())
    }
}

/// Nodes no rule can tell apart: same eligibility for every demand and global service, same
/// room, same bound ports, same readiness. Permuting them maps plans to plans, which the SMT
/// encoding exploits (symmetry breaking) and the failure analysis too (one lost node per class).
fn interchangeable(
    demands: &[Demand],
    globals: &[(usize, Vec<usize>)],
    free: &[Vec<u64>],
    bound: &[BTreeSet<Port>],
    cluster: &Cluster,
) -> (Vec<usize>, Vec<Vec<usize>>) {
    type Signature<'a> = (Vec<bool>, Vec<bool>, &'a [u64], &'a BTreeSet<Port>, bool);
    let mut ids: BTreeMap<Signature, usize> = BTreeMap::new();
    let mut node_class = Vec::with_capacity(free.len());
    let mut classes: Vec<Vec<usize>> = Vec::new();
    for n in 0..free.len() {
        let sig: Signature = (
            demands.iter().map(|d| d.eligible.contains(n)).collect(),
            globals
                .iter()
                .map(|(_, t)| t.binary_search(&n).is_ok())
                .collect(),
            &free[n],
            &bound[n],
            cluster.nodes[n].accepts_tasks(),
        );
        let next = classes.len();
        let c = *ids.entry(sig).or_insert(next);
        if c == next {
            classes.push(Vec::new());
        }
        classes[c].push(n);
        node_class.push(c);
    }
    (node_class, classes)
}
