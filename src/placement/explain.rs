//! Refutations as data (`Conflict`), and their translation into diagnostics a person can act on:
//! which services compete for which nodes, how much they need against what those nodes offer,
//! and which constraint cut the node set down to what.

use crate::diagnostics::{Diagnostic, Span};
use crate::model::units::{format_bytes, format_cpus};
use crate::model::{Cluster, Stack};

use super::codes;
use super::problem::{static_failure, Dim, Misfit, NodeSet, Port, Problem, StaticConflict};
use crate::swarm::filters::{constraints_hold, Filter};

/// One rule group of the SMT encoding, as named in an unsat core.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum CoreItem {
    /// All replicas of a demand are placed.
    Demand(usize),
    /// Reservations of one dimension fit on the nodes of one class of interchangeable nodes.
    Capacity { class: usize, dim: usize },
    /// A host port is bound at most once per node.
    Port(Port),
    /// `max_replicas_per_node` of a demand.
    MaxPerNode(usize),
}

/// Why no placement exists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Conflict {
    Static(StaticConflict),
    NoEligibleNode {
        demand: usize,
    },
    TaskTooLarge {
        demand: usize,
    },
    TooFewSlots {
        demand: usize,
        slots: u64,
    },
    Overload(Overload),
    PortShortage(PortShortage),
    /// Tasks that each take more than half of `dim` on every node they may use, so at most one
    /// per node: `tasks` of them, confined to `nodes`, of which only `hosts` can take one.
    BigTasks {
        nodes: NodeSet,
        demands: Vec<usize>,
        dim: usize,
        tasks: u64,
        hosts: u64,
    },
    /// An unsat core of the SMT encoding.
    Core(Vec<CoreItem>),
}

/// Services confined to `nodes` need more of `dim` there than the nodes offer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Overload {
    pub nodes: NodeSet,
    pub demands: Vec<usize>,
    pub dim: usize,
    pub need: u128,
    pub offer: u128,
}

/// Services confined to `nodes` publish `port` in host mode on more tasks than the nodes
/// with the port free.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortShortage {
    pub nodes: NodeSet,
    pub demands: Vec<usize>,
    pub port: Port,
    pub need: u128,
    pub offer: u64,
}

/// A dimension's name in a sentence: `CPU`, `memory`, or the generic resource's kind.
fn dim_name(dim: &Dim) -> &str {
    match dim {
        Dim::Cpu => "CPU",
        Dim::Memory => "memory",
        Dim::Generic(kind) => kind,
    }
}

/// An amount of a dimension as people read it: `4.0 CPU`, `512MiB`, `2 gpu`.
pub fn amount(dim: &Dim, v: u128) -> String {
    let v64 = u64::try_from(v).unwrap_or(u64::MAX);
    match dim {
        Dim::Cpu => {
            let s = format_cpus(v64);
            if s.contains('.') {
                format!("{s} CPU")
            } else {
                format!("{s}.0 CPU")
            }
        }
        Dim::Memory => format_bytes(v64),
        Dim::Generic(kind) => format!("{v} {kind}"),
    }
}

/// Node names, at most eight, then a count.
pub fn node_names(cluster: &Cluster, nodes: impl IntoIterator<Item = usize>) -> String {
    let all: Vec<&str> = nodes
        .into_iter()
        .map(|n| cluster.nodes[n].hostname.as_str())
        .collect();
    if all.len() <= 8 {
        all.join(", ")
    } else {
        format!("{} and {} more", all[..8].join(", "), all.len() - 8)
    }
}

/// "a, b and c"
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Explains conflicts of one problem; `down` are the nodes lost in a failure scenario.
pub struct Explainer<'a> {
    pub stack: &'a Stack,
    pub cluster: &'a Cluster,
    pub problem: &'a Problem,
    pub down: &'a NodeSet,
}

impl Explainer<'_> {
    fn service_name(&self, d: usize) -> &str {
        &self.stack.services[self.problem.demands[d].service].name
    }

    /// `web (3 × 0.5 CPU)`, or `web (3 tasks)` for a dimension-free figure.
    fn demand_phrase(&self, d: usize, dim: Option<usize>) -> String {
        let dm = &self.problem.demands[d];
        match dim {
            Some(k) => format!(
                "{} ({} × {})",
                self.service_name(d),
                dm.replicas,
                amount(&self.problem.dims[k], u128::from(dm.need[k]))
            ),
            None => format!("{} ({} tasks)", self.service_name(d), dm.replicas),
        }
    }

    fn constraint_text(&self, d: usize) -> Option<String> {
        let s = &self.stack.services[self.problem.demands[d].service];
        let cs: Vec<String> = s.constraints().map(|c| format!("`{c}`")).collect();
        (!cs.is_empty()).then(|| cs.join(" and "))
    }

    /// "nodes matching `node.role == worker` (worker1, worker2)".
    fn node_set_phrase(&self, nodes: &NodeSet, demands: &[usize]) -> String {
        let mut texts: Vec<String> = demands
            .iter()
            .filter_map(|&d| self.constraint_text(d))
            .collect();
        texts.sort();
        texts.dedup();
        let unconstrained = demands.iter().any(|&d| self.constraint_text(d).is_none());
        let names = node_names(self.cluster, nodes.iter());
        if texts.is_empty() || unconstrained {
            format!("the nodes available to them ({names})")
        } else {
            format!("nodes matching {} ({names})", texts.join(" or "))
        }
    }

    fn reservation_span(&self, d: usize, dim: Option<usize>) -> Option<Span> {
        let s = &self.stack.services[self.problem.demands[d].service];
        let r = &s.resources.reservations;
        let specific = match dim.map(|k| &self.problem.dims[k]) {
            Some(Dim::Cpu) => r.nano_cpus.span,
            Some(Dim::Memory) => r.memory_bytes.span,
            Some(Dim::Generic(kind)) => r
                .generic
                .iter()
                .find(|g| &g.kind == kind)
                .and_then(|g| g.span),
            None => None,
        };
        specific.or(s.resources.span).or(s.mode.span).or(s.span)
    }

    fn with_services(
        &self,
        mut diag: Diagnostic,
        demands: &[usize],
        dim: Option<usize>,
    ) -> Diagnostic {
        for (i, &d) in demands.iter().enumerate() {
            let s = &self.stack.services[self.problem.demands[d].service];
            let msg = self.demand_phrase(d, dim);
            diag = if i == 0 {
                diag.at_service(s.name.clone(), self.reservation_span(d, dim), msg)
            } else {
                diag.with_secondary(self.reservation_span(d, dim), msg)
            };
            for c in &s.placement.constraints {
                diag = diag.with_secondary(
                    c.span,
                    format!("`{}` limits {} to these nodes", c.value, s.name),
                );
            }
        }
        self.with_lost(diag)
    }

    fn with_lost(&self, diag: Diagnostic) -> Diagnostic {
        if self.down.is_empty() {
            diag
        } else {
            diag.with_note(format!(
                "in this scenario these nodes are lost: {}",
                node_names(self.cluster, self.down.iter())
            ))
        }
    }

    /// Nodes that match a demand's constraints but are excluded by another static filter,
    /// with the filter, so that a drained node is not a mystery.
    fn excluded_note(&self, d: usize) -> Option<String> {
        let si = self.problem.demands[d].service;
        let s = &self.stack.services[si];
        let out: Vec<String> = (0..self.cluster.nodes.len())
            .filter(|&n| !self.down.contains(n))
            .filter_map(|n| {
                let f = static_failure(self.stack, si, self.cluster, n)?;
                (f != Filter::Constraint && constraints_hold(s, &self.cluster.nodes[n]))
                    .then(|| format!("{} ({})", self.cluster.nodes[n].hostname, filter_word(f)))
            })
            .collect();
        (!out.is_empty()).then(|| format!("matching but not counted: {}", out.join(", ")))
    }

    pub fn diagnostic(&self, c: &Conflict) -> Diagnostic {
        match c {
            Conflict::Static(s) => self.static_conflict(s),
            Conflict::NoEligibleNode { demand } => self.no_eligible(*demand),
            Conflict::TaskTooLarge { demand } => self.too_large(*demand),
            Conflict::TooFewSlots { demand, slots } => self.too_few_slots(*demand, *slots),
            Conflict::Overload(o) => {
                let Overload {
                    nodes,
                    demands,
                    dim,
                    need,
                    offer,
                } = o;
                let dm = &self.problem.dims[*dim];
                let names: Vec<String> = demands
                    .iter()
                    .map(|&d| self.demand_phrase(d, Some(*dim)))
                    .collect();
                let who = if demands.len() == 1 {
                    "service"
                } else {
                    "services"
                };
                let msg = format!(
                    "{who} {} need {} on {}, which offer {}",
                    and_list(&names),
                    amount(dm, *need),
                    self.node_set_phrase(nodes, demands),
                    amount(dm, *offer)
                );
                let mut diag = self.with_services(
                    Diagnostic::error(&codes::OVERLOAD, msg),
                    demands,
                    Some(*dim),
                );
                diag = self.with_global_note(diag, nodes, *dim);
                for &d in demands {
                    if let Some(n) = self.excluded_note(d) {
                        diag = diag.with_note(format!("{}: {n}", self.service_name(d)));
                    }
                }
                diag.with_note(format!(
                    "Swarm would leave the tasks that do not fit Pending with `no suitable node (insufficient resources on {})`",
                    plural_nodes(nodes.len())
                ))
                .with_help(format!(
                    "free {} by lowering replicas or reservations, or add nodes that match",
                    amount(dm, need.saturating_sub(*offer))
                ))
            }
            Conflict::PortShortage(s) => {
                let PortShortage {
                    nodes,
                    demands,
                    port,
                    need,
                    offer,
                } = s;
                let names: Vec<String> = demands
                    .iter()
                    .map(|&d| self.demand_phrase(d, None))
                    .collect();
                let msg = format!(
                    "{} publish{} host port {}/{} and need {need} nodes for it on {}, which have {offer} with the port free",
                    and_list(&names),
                    if demands.len() == 1 { "es" } else { "" },
                    port.1,
                    port.0.as_str(),
                    self.node_set_phrase(nodes, demands),
                );
                self.with_services(Diagnostic::error(&codes::HOST_PORT_SHORTAGE, msg), demands, None)
                    .with_note("a host-mode port is bound by at most one task per node, across all services (HostPortFilter)")
                    .with_help("publish the port in ingress mode, or lower the replicas")
            }
            Conflict::BigTasks {
                nodes,
                demands,
                dim,
                tasks,
                hosts,
            } => {
                let names: Vec<String> = demands
                    .iter()
                    .map(|&d| self.demand_phrase(d, Some(*dim)))
                    .collect();
                let msg = format!(
                    "{} need {tasks} nodes of their own on {}, which have {hosts}: each task reserves more than half of a node's {}",
                    and_list(&names),
                    self.node_set_phrase(nodes, demands),
                    dim_name(&self.problem.dims[*dim]),
                );
                let diag = self.with_services(
                    Diagnostic::error(&codes::BIG_TASKS, msg),
                    demands,
                    Some(*dim),
                );
                self.with_global_note(diag, nodes, *dim)
                    .with_note("no two of these tasks fit together on any node they may use, whichever services they belong to")
                    .with_help(format!(
                        "lower the replicas by {}, lower the reservation below half a node, or add nodes that match",
                        tasks.saturating_sub(*hosts)
                    ))
            }
            Conflict::Core(items) => self.core(items),
        }
    }

    /// A node's whole capacity in one dimension, before any global task.
    fn capacity(&self, n: usize, dim: usize) -> u64 {
        let node = &self.cluster.nodes[n];
        match &self.problem.dims[dim] {
            Dim::Cpu => node.nano_cpus,
            Dim::Memory => node.memory_bytes,
            Dim::Generic(k) => node.generic.get(k).map_or(0, |g| g.amount()),
        }
    }

    /// What global services reserve on `nodes`, in total and on the busiest node: a sum over
    /// several nodes read as one node's figure would overstate what any node lacks.
    fn with_global_note(&self, diag: Diagnostic, nodes: &NodeSet, dim: usize) -> Diagnostic {
        let used: Vec<u128> = nodes
            .iter()
            .map(|n| {
                u128::from(
                    self.capacity(n, dim)
                        .saturating_sub(self.problem.free[n][dim]),
                )
            })
            .collect();
        let total: u128 = used.iter().sum();
        let most = used.iter().copied().max().unwrap_or(0);
        let dimension = &self.problem.dims[dim];
        match used.len() {
            _ if total == 0 => diag,
            1 => diag.with_note(format!(
                "global services already reserve {} on that node",
                amount(dimension, total)
            )),
            _ => diag.with_note(format!(
                "global services already reserve {} in total on those nodes, at most {} on one node",
                amount(dimension, total),
                amount(dimension, most)
            )),
        }
    }

    fn no_eligible(&self, d: usize) -> Diagnostic {
        let si = self.problem.demands[d].service;
        let s = &self.stack.services[si];
        let mut counts: Vec<(Filter, usize)> = Vec::new();
        for n in 0..self.cluster.nodes.len() {
            let f = if self.down.contains(n) {
                Some(Filter::Ready)
            } else {
                static_failure(self.stack, si, self.cluster, n)
            };
            if let Some(f) = f {
                match counts.iter_mut().find(|(g, _)| *g == f) {
                    Some((_, k)) => *k += 1,
                    None => counts.push((f, 1)),
                }
            }
        }
        counts.sort_by_key(|&(_, k)| std::cmp::Reverse(k));
        let explain: Vec<String> = counts.iter().map(|&(f, k)| f.explain(k)).collect();
        let msg = if self.cluster.nodes.is_empty() {
            format!(
                "service {} has {} tasks to place, but the inventory has no nodes",
                s.name, self.problem.demands[d].replicas
            )
        } else {
            format!(
                "no node can run service {}: no suitable node ({})",
                s.name,
                explain.join("; ")
            )
        };
        let mut diag = Diagnostic::error(&codes::NO_ELIGIBLE_NODE, msg)
            .with_service(s.name.clone())
            .with_primary(
                s.span.or(s.mode.span),
                format!("{} tasks stay Pending", self.problem.demands[d].replicas),
            );
        if s.placement.constraint_errors {
            diag = diag.with_note("a placement constraint of this service does not parse (reported when loading); Swarm rejects the service");
        }
        for c in &s.placement.constraints {
            let fail: Vec<usize> = (0..self.cluster.nodes.len())
                .filter(|&n| !c.value.matches(&self.cluster.nodes[n]))
                .collect();
            let text = if fail.len() == self.cluster.nodes.len() {
                format!("`{}` holds on no node", c.value)
            } else if fail.is_empty() {
                format!("`{}` holds on every node", c.value)
            } else {
                format!("`{}` excludes {}", c.value, node_names(self.cluster, fail))
            };
            diag = diag.with_secondary(c.span, text.clone()).with_note(text);
        }
        if let Some(n) = self.excluded_note(d) {
            diag = diag.with_note(n);
        }
        if let Some(help) = self.label_help(si) {
            diag = diag.with_help(help);
        }
        self.with_lost(diag)
    }

    /// When only `node.labels.K == V` constraints stand between a ready node and the service,
    /// the command that adds them.
    fn label_help(&self, si: usize) -> Option<String> {
        use crate::model::{ConstraintKey, Operator};
        let s = &self.stack.services[si];
        self.cluster.nodes.iter().enumerate().find_map(|(n, node)| {
            if self.down.contains(n) || !node.accepts_tasks() {
                return None;
            }
            let failing: Vec<_> = s.constraints().filter(|c| !c.matches(node)).collect();
            let labels: Option<Vec<String>> = failing
                .iter()
                .map(|c| match (&c.key, c.op) {
                    (ConstraintKey::NodeLabel(k), Operator::Eq) => {
                        Some(format!("--label-add {k}={}", c.value))
                    }
                    _ => None,
                })
                .collect();
            let mut relabelled = node.clone();
            for c in &failing {
                if let ConstraintKey::NodeLabel(k) = &c.key {
                    relabelled.labels.insert(k.clone(), c.value.clone());
                }
            }
            let labels = labels.filter(|l| !l.is_empty())?;
            // Only this node changes: check it alone.
            let alone = Cluster::new(vec![relabelled]);
            static_failure(self.stack, si, &alone, 0)
                .is_none()
                .then(|| {
                    format!(
                        "label a node, e.g. `docker node update {} {}`",
                        labels.join(" "),
                        node.hostname
                    )
                })
        })
    }

    /// SP1001 when the task is larger than every eligible node; SP1014 when it would fit some
    /// node but for the global tasks there. Swarm gives global tasks no priority: whichever is
    /// scheduled later stays Pending, so the finding must not say which one.
    fn too_large(&self, d: usize) -> Diagnostic {
        let dm = &self.problem.demands[d];
        let nodes = self.problem.eligible(d, self.down);
        let dim = (0..self.problem.dims.len())
            .find(|&k| nodes.iter().all(|n| dm.need[k] > self.problem.free[n][k]))
            .unwrap_or(0);
        let dimension = &self.problem.dims[dim];
        let fits_alone = nodes
            .iter()
            .any(|n| (0..self.problem.dims.len()).all(|k| dm.need[k] <= self.capacity(n, k)));
        if fits_alone {
            let globals: Vec<&str> = self
                .problem
                .globals
                .iter()
                .filter(|(_, targets)| targets.iter().any(|n| nodes.contains(*n)))
                .map(|(si, _)| self.stack.services[*si].name.as_str())
                .collect();
            let msg = format!(
                "one task of {} reserves {}, which fits {} only without the global tasks there ({}): they cannot all run",
                self.service_name(d),
                amount(dimension, u128::from(dm.need[dim])),
                self.node_set_phrase(&nodes, &[d]),
                globals.join(", ")
            );
            let diag = self.with_services(
                Diagnostic::error(&codes::GLOBAL_CONTENTION, msg),
                &[d],
                Some(dim),
            );
            return self
                .with_global_note(diag, &nodes, dim)
                .with_note(format!(
                    "Swarm gives global tasks no priority: whichever task is scheduled later stays Pending with `no suitable node (insufficient resources on {})`, the global ones or {}'s",
                    plural_nodes(nodes.len()),
                    self.service_name(d)
                ))
                .with_help("lower the reservations, constrain the global services away from these nodes, or add a larger node");
        }
        let largest = nodes
            .iter()
            .map(|n| self.problem.free[n][dim])
            .max()
            .unwrap_or(0);
        let msg = format!(
            "one task of {} reserves {}, more than any of {} offers (at most {})",
            self.service_name(d),
            amount(dimension, u128::from(dm.need[dim])),
            self.node_set_phrase(&nodes, &[d]),
            amount(dimension, u128::from(largest))
        );
        let diag = self.with_services(
            Diagnostic::error(&codes::TASK_TOO_LARGE, msg),
            &[d],
            Some(dim),
        );
        self.with_global_note(diag, &nodes, dim)
            .with_note(format!(
                "Swarm leaves every task Pending with `no suitable node (insufficient resources on {})`",
                plural_nodes(nodes.len())
            ))
            .with_help("lower the reservation (limits do not matter for scheduling), or add a larger node")
    }

    fn too_few_slots(&self, d: usize, slots: u64) -> Diagnostic {
        let dm = &self.problem.demands[d];
        let nodes = self.problem.eligible(d, self.down);
        let why = if !dm.ports.is_empty() {
            let (proto, port) = dm.ports[0];
            format!(
                "it publishes host port {port}/{} (one task per node)",
                proto.as_str()
            )
        } else if dm.max_per_node > 0 {
            format!("max_replicas_per_node is {}", dm.max_per_node)
        } else {
            "of their free resources".to_string()
        };
        let msg = format!(
            "service {} has {} replicas, but {} can hold only {slots} of its tasks, because {why}",
            self.service_name(d),
            dm.replicas,
            self.node_set_phrase(&nodes, &[d]),
        );
        let s = &self.stack.services[dm.service];
        let mut diag = Diagnostic::error(&codes::TOO_FEW_SLOTS, msg)
            .at_service(
                s.name.clone(),
                s.mode.span.or(s.span),
                format!("{} replicas", dm.replicas),
            )
            .with_secondary(
                s.placement.max_replicas_per_node.span,
                "at most this many per node",
            );
        for c in &s.placement.constraints {
            diag = diag.with_secondary(c.span, "limits the nodes");
        }
        if let Some(n) = self.excluded_note(d) {
            diag = diag.with_note(n);
        }
        self.with_lost(diag).with_help(format!(
            "lower replicas to {slots}, or add nodes that match the constraints"
        ))
    }

    fn static_conflict(&self, c: &StaticConflict) -> Diagnostic {
        match c {
            StaticConflict::DuplicatePort { service, port } => {
                let s = &self.stack.services[*service];
                Diagnostic::error(
                    &codes::DUPLICATE_HOST_PORT,
                    format!(
                        "service {} publishes host port {}/{} twice",
                        s.name,
                        port.1,
                        port.0.as_str()
                    ),
                )
                .at_service(s.name.clone(), s.span, "in this service")
            }
            StaticConflict::GlobalMisfit {
                node,
                services,
                misfit,
            } => {
                let host = &self.cluster.nodes[*node].hostname;
                let names: Vec<String> = services
                    .iter()
                    .map(|&s| self.stack.services[s].name.clone())
                    .collect();
                let (msg, swarm) = match misfit {
                    Misfit::Filter(f) => (
                        format!(
                            "the task of global service {} on node {host} cannot run there: {}",
                            and_list(&names),
                            filter_word(*f)
                        ),
                        f.explain(1),
                    ),
                    Misfit::Resource { dim, need, have } => {
                        let dm = &self.problem.dims[*dim];
                        let each: Vec<String> = services
                            .iter()
                            .map(|&s| {
                                let r = &self.stack.services[s].resources.reservations;
                                let v = match dm {
                                    Dim::Cpu => *r.nano_cpus,
                                    Dim::Memory => *r.memory_bytes,
                                    Dim::Generic(k) => r
                                        .generic
                                        .iter()
                                        .filter(|g| &g.kind == k)
                                        .map(|g| g.value)
                                        .sum(),
                                };
                                format!(
                                    "{} ({})",
                                    self.stack.services[s].name,
                                    amount(dm, u128::from(v))
                                )
                            })
                            .collect();
                        (
                            format!(
                                "global {} {} need{} {} on node {host}, which has {}",
                                if services.len() == 1 {
                                    "service"
                                } else {
                                    "services"
                                },
                                and_list(&each),
                                if services.len() == 1 { "s" } else { "" },
                                amount(dm, *need),
                                amount(dm, u128::from(*have))
                            ),
                            Filter::Resources.explain(1),
                        )
                    }
                    Misfit::Port(p) => (
                        format!(
                            "global services {} all bind host port {}/{} on node {host}",
                            and_list(&names),
                            p.1,
                            p.0.as_str()
                        ),
                        Filter::HostPort.explain(1),
                    ),
                };
                let mut diag = Diagnostic::error(&codes::GLOBAL_TASK_MISFIT, msg)
                    .with_note(format!(
                        "the task stays Pending with `{swarm}` (reference §1.7)"
                    ))
                    .with_secondary(self.cluster.nodes[*node].span, format!("node {host}"));
                for (i, &s) in services.iter().enumerate() {
                    let svc = &self.stack.services[s];
                    diag = if i == 0 {
                        diag.at_service(
                            svc.name.clone(),
                            svc.mode.span.or(svc.span),
                            "global service",
                        )
                    } else {
                        diag.with_secondary(svc.mode.span.or(svc.span), "global service")
                    };
                }
                diag.with_help(format!(
                    "constrain the global service away from {host}, or lower its reservation"
                ))
            }
        }
    }

    fn core(&self, items: &[CoreItem]) -> Diagnostic {
        let demands: Vec<usize> = items
            .iter()
            .filter_map(|i| match i {
                CoreItem::Demand(d) => Some(*d),
                _ => None,
            })
            .collect();
        let mut nodes = NodeSet::default();
        let mut dims: Vec<usize> = Vec::new();
        for i in items {
            if let CoreItem::Capacity { class, dim } = i {
                for &n in &self.problem.classes[*class] {
                    if !self.down.contains(n)
                        && demands
                            .iter()
                            .any(|&d| self.problem.demands[d].eligible.contains(n))
                    {
                        nodes.insert(n);
                    }
                }
                if !dims.contains(dim) {
                    dims.push(*dim);
                }
            }
        }
        let mut rules: Vec<String> = Vec::new();
        for &k in &dims {
            let need: u128 = demands
                .iter()
                .map(|&d| {
                    u128::from(self.problem.demands[d].replicas)
                        * u128::from(self.problem.demands[d].need[k])
                })
                .sum();
            let offer: u128 = nodes
                .iter()
                .map(|n| u128::from(self.problem.free[n][k]))
                .sum();
            rules.push(format!(
                "{} needed against {} free, but not divisible into whole tasks per node",
                amount(&self.problem.dims[k], need),
                amount(&self.problem.dims[k], offer)
            ));
        }
        for i in items {
            match i {
                CoreItem::Port(p) => {
                    rules.push(format!("host port {}/{} once per node", p.1, p.0.as_str()))
                }
                CoreItem::MaxPerNode(d) => rules.push(format!(
                    "max_replicas_per_node {} of {}",
                    self.problem.demands[*d].max_per_node,
                    self.service_name(*d)
                )),
                _ => {}
            }
        }
        let names: Vec<String> = demands
            .iter()
            .map(|&d| {
                let k = dims.first().copied();
                self.demand_phrase(d, k)
            })
            .collect();
        let msg = format!(
            "no placement exists: {} cannot be packed onto {}",
            and_list(&names),
            if nodes.is_empty() {
                "their nodes".to_string()
            } else {
                self.node_set_phrase(&nodes, &demands)
            }
        );
        let mut diag = self.with_services(
            Diagnostic::error(&codes::NO_PLACEMENT, msg),
            &demands,
            dims.first().copied(),
        );
        for r in rules {
            diag = diag.with_note(format!("conflicting rule: {r}"));
        }
        diag.with_note("proved by the SMT solver (z3): the rules listed form an unsat core")
    }
}

fn plural_nodes(n: usize) -> String {
    if n == 1 {
        "1 node".to_string()
    } else {
        format!("{n} nodes")
    }
}

fn filter_word(f: Filter) -> &'static str {
    match f {
        Filter::Ready => "not ready or not active",
        Filter::Resources => "insufficient resources",
        Filter::Plugin => "missing plugin",
        Filter::Constraint => "constraints not satisfied",
        Filter::Platform => "unsupported platform",
        Filter::HostPort => "host port in use",
        Filter::MaxReplicas => "max replicas per node",
    }
}
