//! One run of swarmkit's scheduler over explicit state: the per-node accounting of `NodeInfo`
//! (`nodeinfo.go`), the decision tree and its bounded heaps (`nodeset.go: tree`,
//! `decision_tree.go: orderedNodes`), the division loop (`scheduler.go: scheduleNTasksOnSubtree`),
//! the fill-then-round-robin leaf loop (`scheduleNTasksOnNodes`) and preassigned global tasks
//! (`taskFitNode`). Every map-order dependence goes through the `Chooser`.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap, VecDeque};
use std::rc::Rc;

use super::choice::{Chooser, NodeOrdering};
use super::memo::NodeKey;
use super::pipeline::{no_suitable_node, Pipeline};
use super::symmetry::{node_classes, service_classes};
use super::Strategy;
use crate::model::Task;
use crate::model::{Cluster, Node, Stack};
use crate::swarm::filters::{first_failure, Filter, NodeUsage};

/// `nodeLess` without the failure penalty (a fresh deploy has no recent failures): fewer tasks of
/// this service, then fewer tasks in total. Smaller is preferred.
type Rank = (u64, u64);

/// Why a task is Pending: Swarm's status message, and the node of a preassigned task.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PendingInfo {
    pub(crate) message: String,
    /// The message of the first attempt; later ticks overwrite it (reference §1.6).
    pub(crate) first_message: String,
    pub(crate) node: Option<usize>,
}

#[derive(Default)]
struct Leaf {
    /// Max-heap of the best nodes: (rank, visit order, node). The top is the worst kept node.
    heap: BinaryHeap<(Rank, usize, usize)>,
    /// The slice `orderedNodes` returned last time; a re-entered leaf re-filters it.
    ordered: Option<Vec<usize>>,
}

#[derive(Default)]
struct Tree {
    /// This service's tasks on every node of the branch, eligible or not (static).
    tasks: i64,
    branches: Vec<(String, Tree)>,
    leaf: Leaf,
}

/// A spread descriptor swarmkit understands: `node.labels.X` or `engine.labels.X`, prefix
/// case-insensitive. Anything else is skipped without a tree level (reference §1.5).
fn spread_label(descriptor: &str) -> Option<(bool, &str)> {
    for (engine, prefix) in [(false, "node.labels."), (true, "engine.labels.")] {
        if descriptor.len() > prefix.len()
            && descriptor
                .get(..prefix.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
        {
            return descriptor.get(prefix.len()..).map(|k| (engine, k));
        }
    }
    None
}

fn label_value(node: &Node, engine: bool, key: &str) -> String {
    let labels = if engine {
        &node.engine_labels
    } else {
        &node.labels
    };
    labels.get(key).cloned().unwrap_or_default()
}

#[derive(Clone)]
pub(crate) struct Engine<'a> {
    pub(crate) stack: &'a Stack,
    pub(crate) cluster: &'a Cluster,
    pub(crate) usage: Vec<NodeUsage>,
    /// `ActiveTasksCount` per node.
    pub(crate) total: Vec<u64>,
    drivers: Vec<Vec<String>>,
    /// Nodes with equal class are interchangeable for every service of the stack.
    pub(crate) static_class: Vec<usize>,
    /// Services with equal class are identical to the scheduler.
    pub(crate) service_class: Vec<usize>,
    /// Services with a task placed or Pending.
    pub(crate) touched: Vec<bool>,
    /// Service index by name (node accounting counts tasks by name).
    service_index: Rc<HashMap<&'a str, usize>>,
    /// Services still to schedule or with tasks Pending: the only ones whose per-node counts
    /// the rest of a run reads (a finished service counts only through totals, reservations
    /// and ports). Kept by `run`; a finished service marked live only costs merging.
    pub(crate) live: Vec<bool>,
    pub(crate) placed: BTreeMap<Task, usize>,
    pub(crate) pending: BTreeMap<Task, PendingInfo>,
    /// The node each global task is preassigned to.
    pub(crate) preassigned: BTreeMap<Task, usize>,
    pipeline: Pipeline,
    pub(crate) chooser: Chooser,
}

impl<'a> Engine<'a> {
    pub(crate) fn new(stack: &'a Stack, cluster: &'a Cluster, chooser: Chooser) -> Self {
        let drivers = stack
            .services
            .iter()
            .map(|s| stack.volume_drivers(s))
            .collect();
        Engine {
            stack,
            cluster,
            usage: vec![NodeUsage::default(); cluster.nodes.len()],
            total: vec![0; cluster.nodes.len()],
            drivers,
            static_class: node_classes(stack, cluster),
            service_class: service_classes(stack),
            touched: vec![false; stack.services.len()],
            service_index: Rc::new(
                stack
                    .services
                    .iter()
                    .enumerate()
                    .map(|(i, s)| (s.name.as_str(), i))
                    .collect(),
            ),
            live: vec![false; stack.services.len()],
            placed: BTreeMap::new(),
            pending: BTreeMap::new(),
            preassigned: BTreeMap::new(),
            pipeline: Pipeline::default(),
            chooser,
        }
    }

    fn svc_count(&self, s: usize, node: usize) -> u64 {
        self.usage[node]
            .tasks
            .get(&self.stack.services[s].name)
            .copied()
            .unwrap_or(0)
    }

    fn rank(&self, s: usize, node: usize) -> Rank {
        (self.svc_count(s, node), self.total[node])
    }

    /// `addTask`: reserve the task's resources and ports, count it.
    pub(crate) fn assign(&mut self, task: Task, node: usize) {
        self.touched[task.service] = true;
        self.usage[node].add(&self.stack.services[task.service]);
        self.total[node] = self.total[node].saturating_add(1);
        self.placed.insert(task, node);
        self.pending.remove(&task);
    }

    /// Writes the task's status message, keeping the first one written.
    fn mark_pending(&mut self, task: Task, message: String, node: Option<usize>) {
        self.touched[task.service] = true;
        let first_message = self
            .pending
            .get(&task)
            .map_or_else(|| message.clone(), |p| p.first_message.clone());
        self.pending.insert(
            task,
            PendingInfo {
                message,
                first_message,
                node,
            },
        );
    }

    fn process(&mut self, s: usize, node: usize) -> bool {
        self.pipeline.process(
            &self.stack.services[s],
            &self.drivers[s],
            &self.cluster.nodes[node],
            &self.usage[node],
        )
    }

    /// The order in which `range ns.nodes` visits the nodes. Under `RankedTies` only what can
    /// change the outcome is a choice: the relative order of passing nodes of equal rank in the
    /// same leaf of the preference tree (it decides the heap's ties and the leaf's node order).
    /// The order across leaves is irrelevant (the division loop picks branch orders itself), and
    /// a failing node's position only moves the failure counters of the Pending message.
    fn node_order(
        &mut self,
        s: usize,
        prefs: &[(bool, String)],
        failures: &[Option<Filter>],
    ) -> Vec<usize> {
        let mut nodes: Vec<usize> = (0..self.cluster.nodes.len()).collect();
        match self.chooser.ordering {
            NodeOrdering::Shuffle => self.chooser.shuffle(&mut nodes),
            NodeOrdering::RankedTies => {
                // (rank, leaf, passes, class, node): identical nodes adjacent within a leaf,
                // failing nodes first.
                type Keyed = (Rank, Vec<String>, bool, NodeKey, usize);
                let mut keyed: Vec<Keyed> = nodes
                    .iter()
                    .map(|&n| {
                        let node = &self.cluster.nodes[n];
                        let leaf = prefs
                            .iter()
                            .map(|(engine, key)| label_value(node, *engine, key))
                            .collect();
                        let passes = failures[n].is_none();
                        let class = self.node_key(n, &|s| s);
                        (self.rank(s, n), leaf, passes, class, n)
                    })
                    .collect();
                keyed.sort();
                nodes.clear();
                let mut i = 0;
                while i < keyed.len() {
                    let same =
                        |k: &Keyed| (&k.0, &k.1, k.2) == (&keyed[i].0, &keyed[i].1, keyed[i].2);
                    let j = i + keyed[i..].iter().take_while(|k| same(k)).count();
                    if !keyed[i].2 {
                        nodes.extend(keyed[i..j].iter().map(|k| k.4));
                    } else {
                        // Distinguishable classes, each a run of identical nodes.
                        let mut groups: Vec<Vec<usize>> = Vec::new();
                        for x in i..j {
                            match groups.last_mut() {
                                Some(g) if keyed[x - 1].3 == keyed[x].3 => g.push(keyed[x].4),
                                _ => groups.push(vec![keyed[x].4]),
                            }
                        }
                        for g in self.chooser.permutation(groups.len()) {
                            nodes.extend_from_slice(&groups[g]);
                        }
                    }
                    i = j;
                }
            }
        }
        nodes
    }

    /// `nodeSet.tree`: one level per supported spread preference, a bounded heap of the
    /// `max_assignments` best passing nodes in each leaf.
    fn build_tree(&mut self, s: usize, max_assignments: usize) -> Tree {
        let mut root = Tree::default();
        let prefs: Vec<(bool, String)> = self.stack.services[s]
            .placement
            .preferences
            .iter()
            .filter_map(|p| spread_label(p).map(|(e, k)| (e, k.to_string())))
            .collect();
        // Usage does not change while the tree is built: each node's filter result is computed
        // once, for the visit order and for `Process`.
        let service = &self.stack.services[s];
        let failures: Vec<Option<Filter>> = (0..self.cluster.nodes.len())
            .map(|n| {
                first_failure(
                    service,
                    &self.drivers[s],
                    &self.cluster.nodes[n],
                    &self.usage[n],
                )
            })
            .collect();
        let order = self.node_order(s, &prefs, &failures);
        for (visit, &node) in order.iter().enumerate() {
            let count = i64::try_from(self.svc_count(s, node)).unwrap_or(i64::MAX);
            let mut t = &mut root;
            for (engine, key) in &prefs {
                t.tasks = t.tasks.saturating_add(count);
                let value = label_value(&self.cluster.nodes[node], *engine, key);
                let i = match t.branches.iter().position(|(v, _)| *v == value) {
                    Some(i) => i,
                    None => {
                        t.branches.push((value, Tree::default()));
                        t.branches.len() - 1
                    }
                };
                t = &mut t.branches[i].1;
            }
            t.tasks = t.tasks.saturating_add(count);
            let rank = self.rank(s, node);
            let heap = &mut t.leaf.heap;
            if heap.len() < max_assignments {
                if self.pipeline.charge(failures[node]) {
                    heap.push((rank, visit, node));
                }
            } else if heap.peek().is_some_and(|worst| rank < worst.0)
                && self.pipeline.charge(failures[node])
            {
                heap.pop();
                heap.push((rank, visit, node));
            }
        }
        root
    }

    /// `scheduleNTasksOnSubtree`: divide `n` tasks between branches so that branch totals
    /// (existing tasks included) even out; leaves go to `schedule_on_nodes`.
    fn schedule_subtree(
        &mut self,
        s: usize,
        n: i64,
        tree: &mut Tree,
        group: &mut VecDeque<Task>,
    ) -> i64 {
        if tree.branches.is_empty() {
            return self.schedule_on_nodes(s, n, &mut tree.leaf, group);
        }
        let k = tree.branches.len();
        let mut scheduled: i64 = 0;
        let mut usable = tree.tasks;
        let mut no_room = vec![false; k];
        let mut converging = true;
        while scheduled != n && no_room.iter().any(|&f| !f) && converging {
            let live = no_room.iter().filter(|&&f| !f).count() as i64;
            let total = usable.saturating_add(n).saturating_sub(scheduled);
            let desired = total / live;
            let mut remainder = total % live;
            converging = false;
            let mut unvisited: Vec<usize> = (0..k).filter(|&b| !no_room[b]).collect();
            while let Some(b) =
                self.next_branch(&mut unvisited, tree, desired, remainder, group.len())
            {
                let subtree_tasks = tree.branches[b].1.tasks;
                converging = true;
                let mut want = desired - subtree_tasks;
                if remainder > 0 {
                    want += 1;
                }
                let got = self.schedule_subtree(s, want, &mut tree.branches[b].1, group);
                if got < want {
                    no_room[b] = true;
                    usable -= subtree_tasks;
                } else if remainder > 0 {
                    remainder -= 1;
                }
                scheduled += got;
            }
        }
        scheduled
    }

    /// The next branch `range tree.next` visits in this round of the division loop, or `None`
    /// when no branch left takes tasks. Branches that take none in any order (more tasks than
    /// desired, or exactly that many once the remainder is used up; the remainder only falls)
    /// are dropped without a choice. When every order of the rest gives each branch the same
    /// number of tasks (no remainder to share, or enough for all) and the group cannot run out,
    /// the branches, whose nodes are disjoint, commute: the lowest index goes without a choice.
    fn next_branch(
        &mut self,
        unvisited: &mut Vec<usize>,
        tree: &Tree,
        desired: i64,
        remainder: i64,
        available: usize,
    ) -> Option<usize> {
        let tasks = |b: usize| tree.branches[b].1.tasks;
        unvisited.retain(|&b| tasks(b) < desired || (tasks(b) == desired && remainder > 0));
        if unvisited.is_empty() {
            return None;
        }
        let extra = i64::from(remainder > 0);
        let wanted = unvisited
            .iter()
            .map(|&b| desired.saturating_sub(tasks(b)).saturating_add(extra))
            .fold(0i64, i64::saturating_add);
        let shared_alike = remainder == 0 || remainder >= unvisited.len() as i64;
        // A shuffled run (a sampled Go map order) takes no shortcut: it is the reference the
        // reduced enumeration is tested against.
        let ranked = self.chooser.ordering == NodeOrdering::RankedTies;
        let i = if ranked && shared_alike && wanted <= i64::try_from(available).unwrap_or(i64::MAX)
        {
            0
        } else {
            self.chooser.choose(unvisited.len())
        };
        Some(unvisited.remove(i))
    }

    /// `orderedNodes` + `scheduleNTasksOnNodes`: fill the best node until the next one is
    /// strictly better, then round-robin over the fixed slice, skipping nodes that now fail.
    fn schedule_on_nodes(
        &mut self,
        s: usize,
        n: i64,
        leaf: &mut Leaf,
        group: &mut VecDeque<Task>,
    ) -> i64 {
        let nodes: Vec<usize> = match leaf.ordered.take() {
            None => std::mem::take(&mut leaf.heap)
                .into_sorted_vec()
                .into_iter()
                .map(|(_, _, node)| node)
                .collect(),
            Some(previous) => {
                let mut kept: Vec<usize> = previous
                    .into_iter()
                    .filter(|&node| self.process(s, node))
                    .collect();
                kept.sort_by_key(|&node| self.rank(s, node));
                kept
            }
        };
        leaf.ordered = Some(nodes.clone());
        let count = nodes.len();
        if count == 0 {
            return 0;
        }
        let mut scheduled = 0;
        let mut failed = vec![false; count];
        let mut iter = 0usize;
        while let Some(task) = group.pop_front() {
            let node = nodes[iter % count];
            self.assign(task, node);
            scheduled += 1;
            if scheduled == n {
                return scheduled;
            }
            if iter + 1 < count {
                if self.rank(s, nodes[iter + 1]) < self.rank(s, node) {
                    iter += 1;
                }
            } else {
                iter += 1;
            }
            let orig = iter;
            while failed[iter % count] || !self.process(s, nodes[iter % count]) {
                failed[iter % count] = true;
                iter += 1;
                if iter - orig == count {
                    return scheduled;
                }
            }
        }
        scheduled
    }

    /// `scheduleTaskGroup` for one service's unassigned tasks, or a what-if strategy.
    pub(crate) fn schedule_group(&mut self, s: usize, tasks: Vec<Task>, strategy: Strategy) {
        if tasks.is_empty() {
            return;
        }
        self.pipeline.set_task();
        let mut group: VecDeque<Task> = tasks.into();
        match strategy {
            Strategy::Spread => {
                let mut tree = self.build_tree(s, group.len());
                let n = i64::try_from(group.len()).unwrap_or(i64::MAX);
                self.schedule_subtree(s, n, &mut tree, &mut group);
                let message = no_suitable_node(&self.pipeline.explain());
                for task in group {
                    self.mark_pending(task, message.clone(), None);
                }
            }
            Strategy::BinPack | Strategy::Random => {
                for task in group {
                    self.place_greedy(s, task, strategy);
                }
            }
        }
    }

    /// What-if strategies: every passing node is a candidate; bin-packing takes the one left
    /// with the least free memory then CPU, random a seeded pick.
    fn place_greedy(&mut self, s: usize, task: Task, strategy: Strategy) {
        self.pipeline.set_task();
        let passing: Vec<usize> = (0..self.cluster.nodes.len())
            .filter(|&node| self.process(s, node))
            .collect();
        if passing.is_empty() {
            let message = no_suitable_node(&self.pipeline.explain());
            self.mark_pending(task, message, None);
            return;
        }
        let node = if strategy == Strategy::Random {
            passing[self.chooser.choose(passing.len())]
        } else {
            let r = &self.stack.services[s].resources.reservations;
            let left = |node: usize| {
                let (n, u) = (&self.cluster.nodes[node], &self.usage[node]);
                (
                    n.memory_bytes
                        .saturating_sub(u.memory_bytes)
                        .saturating_sub(*r.memory_bytes),
                    n.nano_cpus
                        .saturating_sub(u.nano_cpus)
                        .saturating_sub(*r.nano_cpus),
                    Reverse(self.total[node]),
                )
            };
            passing
                .iter()
                .copied()
                .min_by_key(|&node| (left(node), node))
                .unwrap_or(passing[0])
        };
        self.assign(task, node);
    }

    /// `taskFitNode`: the full pipeline against the one preassigned node. A failure leaves the
    /// task Pending with the bare explanation, without the `no suitable node (` prefix (§1.7).
    pub(crate) fn confirm_preassigned(&mut self, task: Task, node: usize) {
        self.pipeline.set_task();
        if self.process(task.service, node) {
            self.assign(task, node);
        } else {
            let message = self.pipeline.explain();
            self.mark_pending(task, message, Some(node));
        }
    }

    /// The live services with tasks on `n`, with their counts (one pass over the node's map).
    /// A finished service's tasks count only through totals, reservations and ports.
    pub(crate) fn live_tasks(&self, n: usize) -> impl Iterator<Item = (usize, u64)> + '_ {
        self.usage[n].tasks.iter().filter_map(|(name, &c)| {
            let s = *self.service_index.get(name.as_str())?;
            (self.live[s] && c > 0).then_some((s, c))
        })
    }

    /// Node `n` as the rest of a run sees it: static class, accounting, and the task counts of
    /// live services under the names `rename` gives them (preassigned tasks left empty).
    pub(crate) fn node_key(&self, n: usize, rename: &dyn Fn(usize) -> usize) -> NodeKey {
        let u = &self.usage[n];
        let mut tasks: Vec<(usize, u64)> =
            self.live_tasks(n).map(|(s, c)| (rename(s), c)).collect();
        tasks.sort_unstable();
        NodeKey {
            class: self.static_class[n],
            nano_cpus: u.nano_cpus,
            memory_bytes: u.memory_bytes,
            generic: u.generic.iter().map(|(k, v)| (k.clone(), *v)).collect(),
            host_ports: u.host_ports.iter().copied().collect(),
            tasks,
            total: self.total[n],
            waiting: Vec::new(),
        }
    }

    /// One scheduling attempt for every Pending task of `s`.
    pub(crate) fn retry_service(&mut self, s: usize, strategy: Strategy) {
        let tasks: Vec<Task> = self
            .pending
            .keys()
            .filter(|t| t.service == s)
            .copied()
            .collect();
        let (global, replicated): (Vec<Task>, Vec<Task>) = tasks
            .into_iter()
            .partition(|t| self.preassigned.contains_key(t));
        for task in global {
            if let Some(&node) = self.preassigned.get(&task) {
                self.confirm_preassigned(task, node);
            }
        }
        self.schedule_group(s, replicated, strategy);
    }

    /// Later ticks: every tick that writes a decision or a new message produces store events
    /// that set `tickRequired`, and each tick retries every unassigned task. So Pending tasks are
    /// retried until a whole round places nothing. Usage only grows, so this terminates after at
    /// most one round per placed task.
    pub(crate) fn retry_until_stable(&mut self, order: &[usize], strategy: Strategy) {
        loop {
            let before = self.placed.len();
            for &s in order {
                if self.pending.keys().any(|t| t.service == s) {
                    self.retry_service(s, strategy);
                }
            }
            if self.placed.len() == before || self.pending.is_empty() {
                break;
            }
        }
    }
}
