//! D, the dependency graph: declared `depends_on` edges, plus edges inferred from service names
//! used as hosts in environment values and commands. Swarm ignores both (reference §6.4), so
//! the graph is what the author assumed about start order, and what must be reachable (N).
//!
//! The start order uses the declared edges and the inferred edges that join different strongly
//! connected components: services that name each other (cluster peers, call-backs) imply no
//! order among themselves. So the order exists iff the declared edges are acyclic.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use petgraph::algo::{tarjan_scc, toposort};
use petgraph::graph::{DiGraph, NodeIndex};
use serde::Serialize;

use super::hosts;
use crate::diagnostics::Span;
use crate::model::{Service, Stack};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EdgeKind {
    /// `depends_on`.
    Declared,
    /// A service name used as a host in `environment` or `command`.
    Inferred,
}

/// `from` depends on `to`: `to` should start first, and `from` must reach it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Edge {
    pub from: String,
    pub to: String,
    pub kind: EdgeKind,
    /// What the edge comes from: `depends_on: db`, `environment DB_URL=postgres://db:5432`.
    pub evidence: String,
    /// Evidence that `from` connects to `to` (a URL or host name naming `to` in the
    /// environment or command). `depends_on` alone says nothing about traffic, so a declared
    /// edge has it only when a host name backs it too; an inferred edge always has it.
    pub traffic: Option<String>,
    #[serde(skip)]
    pub span: Option<Span>,
    /// Indices of `from` and `to` in the stack's services.
    #[serde(skip)]
    ends: (usize, usize),
}

/// A `depends_on` entry naming a service the stack does not define.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MissingDependency {
    pub service: String,
    pub name: String,
    #[serde(skip)]
    pub span: Option<Span>,
}

/// A cycle of edges, each edge's `to` being the next edge's `from`, the last returning to the
/// first's `from`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Cycle {
    pub edges: Vec<Edge>,
}

impl Cycle {
    /// `a → b → c → a`.
    pub fn path(&self) -> String {
        let mut names: Vec<&str> = self.edges.iter().map(|e| e.from.as_str()).collect();
        names.extend(self.edges.first().map(|e| e.from.as_str()));
        names.join(" → ")
    }

    /// Whether every edge is declared (a contradiction in the author's start order).
    pub fn is_declared(&self) -> bool {
        self.edges.iter().all(|e| e.kind == EdgeKind::Declared)
    }
}

/// D over the stack's services (nodes are indices into `stack.services`).
#[derive(Clone, Debug, Serialize)]
pub struct DependencyGraph {
    pub services: Vec<String>,
    /// At most one edge per (from, to), ordered by (from, to) in stack order; a declared edge
    /// hides an inferred one for the same pair.
    pub edges: Vec<Edge>,
    pub missing: Vec<MissingDependency>,
}

/// A petgraph graph on `n` nodes (node weight = service index) with the given edges.
fn digraph(n: usize, ends: impl Iterator<Item = (usize, usize)>) -> DiGraph<usize, ()> {
    let mut g = DiGraph::with_capacity(n, 0);
    let nodes: Vec<NodeIndex> = (0..n).map(|i| g.add_node(i)).collect();
    for (i, j) in ends {
        g.add_edge(nodes[i], nodes[j], ());
    }
    g
}

/// Strongly connected component id of each of `n` nodes.
fn components(n: usize, ends: impl Iterator<Item = (usize, usize)>) -> Vec<usize> {
    let g = digraph(n, ends);
    let mut comp = vec![0; n];
    for (c, scc) in tarjan_scc(&g).into_iter().enumerate() {
        for node in scc {
            comp[g[node]] = c;
        }
    }
    comp
}

impl DependencyGraph {
    pub fn build(stack: &Stack) -> Self {
        let names = NameResolver::new(stack);
        let mut edges: BTreeMap<(usize, usize), Edge> = BTreeMap::new();
        let mut missing = Vec::new();
        for (i, s) in stack.services.iter().enumerate() {
            for d in &s.depends_on {
                match names.service(&d.service) {
                    Some(j) => {
                        edges.insert(
                            (i, j),
                            edge(stack, (i, j), EdgeKind::Declared, d.span)
                                .with_evidence(format!("depends_on: {}", d.service)),
                        );
                    }
                    None => missing.push(MissingDependency {
                        service: s.name.clone(),
                        name: d.service.clone(),
                        span: d.span,
                    }),
                }
            }
            for (j, evidence, span) in inferred_targets(s, &names) {
                if j == i {
                    continue;
                }
                let e = edges.entry((i, j)).or_insert_with(|| {
                    edge(stack, (i, j), EdgeKind::Inferred, span).with_evidence(evidence.clone())
                });
                e.traffic.get_or_insert(evidence);
            }
        }
        DependencyGraph {
            services: stack.services.iter().map(|s| s.name.clone()).collect(),
            edges: edges.into_values().collect(),
            missing,
        }
    }

    /// The edges the start order respects: declared ones, and inferred ones between strongly
    /// connected components of all edges.
    pub fn ordering_edges(&self) -> Vec<&Edge> {
        let comp = components(self.services.len(), self.edges.iter().map(|e| e.ends));
        self.edges
            .iter()
            .filter(|e| e.kind == EdgeKind::Declared || comp[e.ends.0] != comp[e.ends.1])
            .collect()
    }

    /// One elementary cycle per cyclic component of the declared edges (these make the start
    /// order impossible), then one through an inferred edge per component of all edges that
    /// has one (mutual references).
    pub fn cycles(&self) -> Vec<Cycle> {
        let declared: Vec<&Edge> = self
            .edges
            .iter()
            .filter(|e| e.kind == EdgeKind::Declared)
            .collect();
        let mut cycles = self.cycles_in(&declared, EdgeKind::Declared);
        let all: Vec<&Edge> = self.edges.iter().collect();
        cycles.extend(self.cycles_in(&all, EdgeKind::Inferred));
        cycles
    }

    /// Per strongly connected component of `edges` that contains an edge of kind `through`,
    /// the shortest cycle through the first such edge.
    fn cycles_in(&self, edges: &[&Edge], through: EdgeKind) -> Vec<Cycle> {
        let comp = components(self.services.len(), edges.iter().map(|e| e.ends));
        let mut inside: BTreeMap<usize, Vec<&Edge>> = BTreeMap::new();
        for e in edges.iter().filter(|e| comp[e.ends.0] == comp[e.ends.1]) {
            inside.entry(comp[e.ends.0]).or_default().push(e);
        }
        inside
            .values()
            .filter_map(|group| {
                let first = group.iter().find(|e| e.kind == through)?;
                close_cycle(first, group)
            })
            .collect()
    }

    /// Start order in layers: layer 0 has no dependencies, layer k services depend only on
    /// earlier layers. `None` when the ordering edges have a cycle (the declared edges do).
    pub fn layers(&self) -> Option<Vec<Vec<String>>> {
        let g = digraph(
            self.services.len(),
            self.ordering_edges().into_iter().map(|e| e.ends),
        );
        let topo = toposort(&g, None).ok()?;
        let mut layer = vec![0usize; self.services.len()];
        // Dependencies come after their dependents in `topo`; walk it backwards.
        for &n in topo.iter().rev() {
            layer[g[n]] = g
                .neighbors(n)
                .map(|m| layer[g[m]].saturating_add(1))
                .max()
                .unwrap_or(0);
        }
        let depth = layer.iter().max().map_or(0, |m| m + 1);
        let mut layers = vec![Vec::new(); depth];
        for (i, &l) in layer.iter().enumerate() {
            layers[l].push(self.services[i].clone());
        }
        Some(layers)
    }
}

/// `first` followed by a shortest path (BFS over `group`) from its target back to its source.
fn close_cycle(first: &Edge, group: &[&Edge]) -> Option<Cycle> {
    let (src, dst) = first.ends;
    let mut out: BTreeMap<usize, Vec<&Edge>> = BTreeMap::new();
    for e in group {
        out.entry(e.ends.0).or_default().push(e);
    }
    let mut prev: BTreeMap<usize, &Edge> = BTreeMap::new();
    let mut queue = VecDeque::from([dst]);
    let mut seen = BTreeSet::from([dst]);
    while let Some(n) = queue.pop_front() {
        if n == src {
            let mut path = Vec::new();
            let mut at = src;
            while at != dst {
                let e = prev.get(&at)?;
                path.push((*e).clone());
                at = e.ends.0;
            }
            path.reverse();
            let mut edges = vec![first.clone()];
            edges.extend(path);
            return Some(Cycle { edges });
        }
        for e in out.get(&n).into_iter().flatten() {
            if seen.insert(e.ends.1) {
                prev.insert(e.ends.1, e);
                queue.push_back(e.ends.1);
            }
        }
    }
    None
}

fn edge(stack: &Stack, ends: (usize, usize), kind: EdgeKind, span: Option<Span>) -> Edge {
    Edge {
        from: stack.services[ends.0].name.clone(),
        to: stack.services[ends.1].name.clone(),
        kind,
        evidence: String::new(),
        traffic: None,
        span,
        ends,
    }
}

impl Edge {
    /// Indices of `from` and `to` in the stack's services.
    pub fn ends(&self) -> (usize, usize) {
        self.ends
    }

    fn with_evidence(mut self, evidence: String) -> Self {
        self.evidence = evidence;
        self
    }
}

/// Resolves a host name to a service of the stack, as Swarm's embedded DNS would: the service
/// name, `<stack>_<service>`, `tasks.<service>` and the service's network aliases
/// (case-insensitively, as DNS compares names).
struct NameResolver {
    stack: String,
    services: BTreeMap<String, usize>,
    names: BTreeMap<String, usize>,
}

impl NameResolver {
    fn new(stack: &Stack) -> Self {
        let mut names = BTreeMap::new();
        for (i, s) in stack.services.iter().enumerate() {
            for a in s.networks.iter().flat_map(|n| &n.aliases) {
                names.insert(a.to_ascii_lowercase(), i);
            }
        }
        // Service names win over another service's alias.
        for (i, s) in stack.services.iter().enumerate() {
            names.insert(s.name.to_ascii_lowercase(), i);
        }
        NameResolver {
            stack: stack.name.to_ascii_lowercase(),
            services: stack
                .services
                .iter()
                .enumerate()
                .map(|(i, s)| (s.name.clone(), i))
                .collect(),
            names,
        }
    }

    /// A `depends_on` entry: the exact service name.
    fn service(&self, name: &str) -> Option<usize> {
        self.services.get(name).copied()
    }

    fn resolve(&self, host: &str) -> Option<usize> {
        let host = host.strip_prefix("tasks.").unwrap_or(host);
        let host = (!self.stack.is_empty())
            .then(|| host.strip_prefix(&format!("{}_", self.stack)))
            .flatten()
            .unwrap_or(host);
        self.names.get(host).copied()
    }
}

/// Services `s` names as hosts, with the text and span that name them.
fn inferred_targets(s: &Service, names: &NameResolver) -> Vec<(usize, String, Option<Span>)> {
    let env = s.environment.iter().filter_map(|(k, v, span)| {
        v.as_ref()
            .map(|v| (hosts::in_env(k, v), format!("environment {k}={v}"), *span))
    });
    let cmd = s
        .command
        .iter()
        .map(|w| (hosts::in_command(w), format!("command {}", w.value), w.span));
    env.chain(cmd)
        .flat_map(|(hosts, evidence, span)| {
            hosts
                .into_iter()
                .filter_map(|h| names.resolve(&h))
                .map(move |j| (j, evidence.clone(), span))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::fixtures::*;

    // Acceptance: a cycle through three services, each edge with its span.
    #[test]
    fn three_service_cycle_is_reported_whole() {
        let stack = stack(vec![
            depends(svc("a"), "b", 10),
            depends(svc("b"), "c", 20),
            depends(svc("c"), "a", 30),
            svc("d"),
        ]);
        let g = DependencyGraph::build(&stack);
        let cycles = g.cycles();
        assert_eq!(cycles.len(), 1);
        let c = &cycles[0];
        assert!(c.is_declared());
        assert_eq!(c.path(), "a → b → c → a");
        let spans: Vec<usize> = c
            .edges
            .iter()
            .filter_map(|e| e.span)
            .map(|s| s.start)
            .collect();
        assert_eq!(spans, [10, 20, 30]);
        assert_eq!(g.layers(), None);
    }

    #[test]
    fn layers_follow_dependencies() {
        let stack = stack(vec![
            depends(depends(svc("web"), "api", 1), "cache", 2),
            depends(svc("api"), "db", 3),
            svc("db"),
            svc("cache"),
            svc("lonely"),
        ]);
        let g = DependencyGraph::build(&stack);
        assert!(g.cycles().is_empty());
        assert_eq!(
            g.layers().unwrap(),
            vec![vec!["db", "cache", "lonely"], vec!["api"], vec!["web"]]
        );
    }

    #[test]
    fn inferred_edges_from_env_and_command() {
        let mut app = svc("app");
        app.environment = vec![
            (
                "DATABASE_URL".into(),
                Some("postgres://u:p@db:5432/x".into()),
                Some(span(5)),
            ),
            ("REDIS_HOST".into(), Some("Cache".into()), Some(span(6))),
            ("POSTGRES_USER".into(), Some("db".into()), None),
        ];
        let mut worker = svc("worker");
        worker.command = vec![spanned("wait-for mystack_app:80", 7)];
        let mut cache = svc("cache");
        cache.networks[0].aliases = vec!["kv".into()];
        let mut job = svc("job");
        job.command = vec![spanned("ping kv:6379", 8)];
        let mut stack = stack(vec![app, svc("db"), worker, cache, job]);
        stack.name = "mystack".into();
        let g = DependencyGraph::build(&stack);
        let got: Vec<(&str, &str, EdgeKind, usize)> = g
            .edges
            .iter()
            .map(|e| {
                (
                    e.from.as_str(),
                    e.to.as_str(),
                    e.kind,
                    e.span.unwrap().start,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("app", "db", EdgeKind::Inferred, 5),
                ("app", "cache", EdgeKind::Inferred, 6),
                ("worker", "app", EdgeKind::Inferred, 7),
                ("job", "cache", EdgeKind::Inferred, 8),
            ]
        );
        assert_eq!(
            g.edges[0].evidence,
            "environment DATABASE_URL=postgres://u:p@db:5432/x"
        );
    }

    #[test]
    fn declared_edge_hides_inferred_twin_and_missing_targets_are_kept_apart() {
        let mut gitlab = depends(depends(svc("gitlab"), "postgresql", 1), "ldap", 2);
        gitlab.environment = vec![("DB_HOST".into(), Some("postgresql".into()), None)];
        let g = DependencyGraph::build(&stack(vec![gitlab, svc("postgresql")]));
        assert_eq!(g.edges.len(), 1);
        assert_eq!(g.edges[0].kind, EdgeKind::Declared);
        assert_eq!(g.missing.len(), 1);
        assert_eq!(g.missing[0].name, "ldap");
    }

    // Peers that name each other imply no start order; a declared edge into the group still does.
    #[test]
    fn mutual_references_do_not_block_the_order() {
        let mut seed = svc("seed");
        seed.command = vec![spanned("tasks.node", 1)];
        let mut node = svc("node");
        node.command = vec![spanned("node tasks.seed,tasks.node", 2)];
        let app = depends(svc("app"), "seed", 3);
        let g = DependencyGraph::build(&stack(vec![seed, node, app]));
        let cycles = g.cycles();
        assert_eq!(cycles.len(), 1);
        assert!(!cycles[0].is_declared());
        assert_eq!(g.layers().unwrap(), vec![vec!["seed", "node"], vec!["app"]]);
    }

    #[test]
    fn self_dependency_is_a_cycle() {
        let g = DependencyGraph::build(&stack(vec![depends(svc("a"), "a", 4)]));
        assert_eq!(g.cycles().len(), 1);
        assert_eq!(g.cycles()[0].path(), "a → a");
        assert_eq!(g.layers(), None);
    }

    #[test]
    fn an_inferred_chord_of_a_declared_cycle_is_a_mutual_reference() {
        let mut a = depends(svc("a"), "b", 1);
        a.environment = vec![("URL".into(), Some("http://c:80".into()), None)];
        let stack = stack(vec![
            a,
            depends(svc("b"), "c", 2),
            depends(svc("c"), "a", 3),
        ]);
        let cycles = DependencyGraph::build(&stack).cycles();
        assert_eq!(cycles.len(), 2, "{cycles:?}");
        assert!(cycles[0].is_declared());
        assert_eq!(cycles[1].path(), "a → c → a");
    }

    proptest::proptest! {
        // Every reported cycle is a closed walk over edges of D (replayed on the model), and
        // the order exists exactly when no cycle of declared edges does.
        #[test]
        fn cycles_are_real_and_decide_the_order(
            n in 1usize..7,
            edges in proptest::collection::vec((0usize..7, 0usize..7, proptest::bool::ANY), 0..14),
        ) {
            let mut services: Vec<Service> = (0..n).map(|i| svc(&format!("s{i}"))).collect();
            for &(a, b, declared) in &edges {
                let (a, b) = (a % n, b % n);
                if declared {
                    services[a] = depends(services[a].clone(), &format!("s{b}"), a);
                } else {
                    services[a].environment.push((format!("S{b}_URL"), Some(format!("http://s{b}:80")), None));
                }
            }
            let g = DependencyGraph::build(&stack(services));
            let cycles = g.cycles();
            for c in &cycles {
                proptest::prop_assert!(!c.edges.is_empty());
                for (k, e) in c.edges.iter().enumerate() {
                    proptest::prop_assert!(g.edges.contains(e));
                    let next = &c.edges[(k + 1) % c.edges.len()];
                    proptest::prop_assert_eq!(&e.to, &next.from);
                }
            }
            proptest::prop_assert_eq!(g.layers().is_some(), !cycles.iter().any(Cycle::is_declared));
        }
    }
}
