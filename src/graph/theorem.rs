//! Theorem 1 of the seed as a decision procedure (`specs/orchestration.md`): for O = (S, D, R,
//! N, T), if D is acyclic, R is satisfiable and N connects every edge of D, a valid orchestration
//! exists — the start order (layers of D) plus a placement. Each premise is decided with
//! evidence; the conclusion holds only when all three are proved, and the placement premise
//! only with a plan the independent validator accepts.

use serde::Serialize;

use super::deps::Cycle;
use super::network::Link;
use super::GraphCheck;
use crate::audit::validate;
use crate::model::Plan;
use crate::model::{Cluster, Stack};
use crate::report::{Status, Verdict};

/// What a premise's status rests on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Evidence {
    /// D is acyclic: its start order in layers.
    Layers { layers: Vec<Vec<String>> },
    /// D has cycles of declared edges.
    Cycles { cycles: Vec<Cycle> },
    /// A plan for every task, accepted by the placement validator.
    ValidatedPlan { tasks: usize },
    /// The placement check's own conclusion, or why it could not be used.
    Placement { reason: String },
    /// Every edge of D joins services that share a network or reach a published port.
    AllReachable { edges: usize },
    /// Edges of D whose services cannot reach each other.
    Unreachable { links: Vec<Link> },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Premise {
    /// `acyclic-dependencies`, `satisfiable-resources`, `connected-network`.
    pub name: &'static str,
    /// `D is acyclic`, …
    pub statement: &'static str,
    pub status: Status,
    pub evidence: Evidence,
}

/// One task of the plan, by name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Placed {
    pub service: String,
    pub replica: u64,
    pub node: String,
}

/// The theorem applied to one stack: the premises, and the plan when all of them hold.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Orchestration {
    pub stack: String,
    pub status: Status,
    pub premises: Vec<Premise>,
    /// Start order in layers; only when every premise holds.
    pub order: Option<Vec<Vec<String>>>,
    /// The validated placement; only when every premise holds.
    pub placement: Option<Vec<Placed>>,
}

/// Decides the three premises. `resources` and `plan` are the placement check's verdict and
/// witness; `cluster` is the inventory the plan refers to.
pub fn prove(
    stack: &Stack,
    cluster: Option<&Cluster>,
    graph: &GraphCheck,
    resources: Status,
    plan: Option<&Plan>,
) -> Orchestration {
    let acyclic = match &graph.layers {
        Some(layers) => Premise {
            name: "acyclic-dependencies",
            statement: "D is acyclic",
            status: Status::Holds,
            evidence: Evidence::Layers {
                layers: layers.clone(),
            },
        },
        None => Premise {
            name: "acyclic-dependencies",
            statement: "D is acyclic",
            status: Status::Violated,
            evidence: Evidence::Cycles {
                cycles: graph
                    .cycles
                    .iter()
                    .filter(|c| c.is_declared())
                    .cloned()
                    .collect(),
            },
        },
    };
    let (status, evidence) = resources_premise(stack, cluster, resources, plan);
    let satisfiable = Premise {
        name: "satisfiable-resources",
        statement: "R is satisfiable",
        status,
        evidence,
    };
    let (status, evidence) = connected_premise(&graph.links);
    let connected = Premise {
        name: "connected-network",
        statement: "N connects every edge of D",
        status,
        evidence,
    };
    let premises = vec![acyclic, satisfiable, connected];
    let status = conclusion(&premises);
    let holds = status == Status::Holds;
    Orchestration {
        stack: stack.name.clone(),
        status,
        order: graph.layers.clone().filter(|_| holds),
        placement: plan
            .zip(cluster)
            .filter(|_| holds)
            .map(|(p, c)| placed(stack, c, p)),
        premises,
    }
}

/// N must connect the edges that carry traffic: a bare `depends_on` is a statement about start
/// order (which Swarm ignores), not a connection, so it does not enter this premise. Holds when
/// every edge with traffic is reachable; unknown when one is not: the stack still deploys and
/// runs (SP5010 is a warning), and a host name in a variable may be configuration handed on
/// rather than a connection this service makes. Never violated, since a violated verdict fails
/// the run and nothing here stops a task from running.
fn connected_premise(links: &[Link]) -> (Status, Evidence) {
    let unreachable: Vec<Link> = links
        .iter()
        .filter(|l| l.traffic.is_some() && !l.reachable())
        .cloned()
        .collect();
    let status = if unreachable.is_empty() {
        Status::Holds
    } else {
        Status::Unknown
    };
    let evidence = if unreachable.is_empty() {
        Evidence::AllReachable { edges: links.len() }
    } else {
        Evidence::Unreachable { links: unreachable }
    };
    (status, evidence)
}

fn resources_premise(
    stack: &Stack,
    cluster: Option<&Cluster>,
    resources: Status,
    plan: Option<&Plan>,
) -> (Status, Evidence) {
    let reason = |s: &str| Evidence::Placement {
        reason: s.to_string(),
    };
    match (resources, plan, cluster) {
        (Status::Holds, Some(plan), Some(cluster)) => match validate(stack, cluster, plan) {
            Ok(()) => (
                Status::Holds,
                Evidence::ValidatedPlan {
                    tasks: plan.assignments.len(),
                },
            ),
            Err(e) => (
                Status::Unknown,
                reason(&format!("the placement plan failed validation: {e}")),
            ),
        },
        (Status::Holds, _, None) => (
            Status::Unknown,
            reason("no inventory to validate the plan against"),
        ),
        (Status::Holds, None, _) => (Status::Unknown, reason("no plan was given to validate")),
        (Status::Violated, ..) => (
            Status::Violated,
            reason("the placement check proved that no placement exists (see its findings)"),
        ),
        (Status::Unknown, ..) => (
            Status::Unknown,
            reason("the placement check did not decide (a bound or a timeout)"),
        ),
        (Status::Skipped, ..) => (
            Status::Unknown,
            reason("no inventory: pass --nodes FILE to decide it"),
        ),
    }
}

/// Each premise is also necessary for a valid orchestration as defined in the spec, so one
/// violated premise refutes it; otherwise any undecided premise leaves it undecided.
fn conclusion(premises: &[Premise]) -> Status {
    if premises.iter().any(|p| p.status == Status::Violated) {
        Status::Violated
    } else if premises.iter().all(|p| p.status == Status::Holds) {
        Status::Holds
    } else {
        Status::Unknown
    }
}

fn placed(stack: &Stack, cluster: &Cluster, plan: &Plan) -> Vec<Placed> {
    let mut out: Vec<Placed> = plan
        .assignments
        .iter()
        .filter_map(|&(t, n)| {
            Some(Placed {
                service: stack.services.get(t.service)?.name.clone(),
                replica: t.replica,
                node: cluster.nodes.get(n)?.hostname.clone(),
            })
        })
        .collect();
    out.sort_by(|a, b| (&a.service, a.replica).cmp(&(&b.service, b.replica)));
    out
}

impl Premise {
    /// One line: what the evidence says.
    pub fn explain(&self) -> String {
        match &self.evidence {
            Evidence::Layers { layers } => format!(
                "start order in {}",
                crate::text::count(layers.len(), "layer")
            ),
            Evidence::Cycles { cycles } => {
                let paths: Vec<String> = cycles.iter().map(Cycle::path).collect();
                format!("cycle {}", paths.join("; "))
            }
            Evidence::ValidatedPlan { tasks } => {
                format!(
                    "placement of {} checked by the plan validator",
                    crate::text::count(*tasks, "task")
                )
            }
            Evidence::Placement { reason } => reason.clone(),
            Evidence::AllReachable { edges } => {
                format!(
                    "each of the {} of D joins services that can reach each other",
                    crate::text::count(*edges, "edge")
                )
            }
            Evidence::Unreachable { links } => {
                let pairs: Vec<String> = links
                    .iter()
                    .map(|l| {
                        format!(
                            "`{}` cannot reach `{}` ({} on [{}], {} on [{}])",
                            l.from,
                            l.to,
                            l.from,
                            l.from_networks.join(", "),
                            l.to,
                            l.to_networks.join(", ")
                        )
                    })
                    .collect();
                pairs.join("; ")
            }
        }
    }
}

impl Orchestration {
    pub fn summary(&self) -> String {
        match self.status {
            Status::Holds => format!(
                "a valid orchestration exists: {}, {} placed",
                crate::text::count(self.order.as_ref().map_or(0, Vec::len), "start layer"),
                crate::text::count(self.placement.as_ref().map_or(0, Vec::len), "task")
            ),
            _ => {
                let failing: Vec<String> = self
                    .premises
                    .iter()
                    .filter(|p| p.status == self.status)
                    .map(|p| format!("{} ({})", p.statement, p.explain()))
                    .collect();
                format!("premise {}: {}", self.status.as_str(), failing.join("; "))
            }
        }
    }

    /// The `graph` verdict of `check`.
    pub fn verdict(&self) -> Verdict {
        Verdict::new(self.status, self.summary(), self.clone())
    }
}

/// The text `swarmproof plan` prints. `table` replaces the task list of the placement with a
/// richer rendering (the placement check's node table) when the caller has one.
pub fn render_plan(o: &Orchestration, table: Option<&str>) -> String {
    let mut out = format!("stack `{}`: {}\n\npremises:\n", o.stack, o.summary());
    for p in &o.premises {
        out.push_str(&format!(
            "  [{:<8}] {}: {}\n",
            p.status.as_str(),
            p.statement,
            p.explain()
        ));
    }
    if let Some(layers) = &o.order {
        out.push_str("\nstart order (Swarm does not enforce it; see SP0106):\n");
        for (i, layer) in layers.iter().enumerate() {
            out.push_str(&format!("  {}. {}\n", i + 1, layer.join(", ")));
        }
    }
    if let (Some(table), Some(_)) = (table, &o.placement) {
        out.push_str("\nplacement:\n");
        out.push_str(table);
    } else if let Some(placement) = &o.placement {
        out.push_str("\nplacement:\n");
        for p in placement {
            out.push_str(&format!("  {}.{} -> {}\n", p.service, p.replica, p.node));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::check;
    use crate::graph::fixtures::*;
    use crate::model::Task;
    use crate::model::{Node, Service};

    fn cluster() -> Cluster {
        let node = |h: &str| {
            let mut n = Node::new(h);
            n.nano_cpus = 4_000_000_000;
            n.memory_bytes = 8 << 30;
            n
        };
        Cluster::new(vec![node("n1"), node("n2")])
    }

    fn one_task_each(stack: &Stack) -> Plan {
        Plan {
            assignments: (0..stack.services.len())
                .map(|i| {
                    (
                        Task {
                            service: i,
                            replica: 1,
                        },
                        i % 2,
                    )
                })
                .collect(),
        }
    }

    fn good_stack() -> Stack {
        stack(vec![
            depends(depends(svc("web"), "api", 1), "cache", 2),
            depends(svc("api"), "db", 3),
            svc("db"),
            svc("cache"),
        ])
    }

    #[test]
    fn all_premises_hold_gives_order_and_plan() {
        let st = good_stack();
        let c = cluster();
        let plan = one_task_each(&st);
        let g = check(&st, Some(&c));
        let o = prove(&st, Some(&c), &g, Status::Holds, Some(&plan));
        assert_eq!(o.status, Status::Holds);
        assert_eq!(
            o.order.as_ref().unwrap(),
            &vec![vec!["db", "cache"], vec!["api"], vec!["web"]]
        );
        assert_eq!(o.placement.as_ref().unwrap().len(), 4);
        insta::assert_snapshot!(render_plan(&o, None), @r"
        stack `st`: a valid orchestration exists: 3 start layers, 4 tasks placed

        premises:
          [holds   ] D is acyclic: start order in 3 layers
          [holds   ] R is satisfiable: placement of 4 tasks checked by the plan validator
          [holds   ] N connects every edge of D: each of the 3 edges of D joins services that can reach each other

        start order (Swarm does not enforce it; see SP0106):
          1. db, cache
          2. api
          3. web

        placement:
          api.1 -> n2
          cache.1 -> n2
          db.1 -> n1
          web.1 -> n1
        ");
    }

    #[test]
    fn a_cycle_violates_d_and_names_it() {
        let st = stack(vec![
            depends(svc("a"), "b", 1),
            depends(svc("b"), "c", 2),
            depends(svc("c"), "a", 3),
        ]);
        let c = cluster();
        let plan = one_task_each(&st);
        let o = prove(
            &st,
            Some(&c),
            &check(&st, Some(&c)),
            Status::Holds,
            Some(&plan),
        );
        assert_eq!(o.status, Status::Violated);
        assert_eq!(o.premises[0].status, Status::Violated);
        assert_eq!(o.premises[0].explain(), "cycle a → b → c → a");
        assert!(o.order.is_none() && o.placement.is_none());
        assert_eq!(
            o.summary(),
            "premise violated: D is acyclic (cycle a → b → c → a)"
        );
    }

    // A bare depends_on across networks is no traffic: N holds (only a note is reported).
    #[test]
    fn bare_depends_on_across_networks_keeps_n() {
        let st = stack(vec![
            on_networks(depends(svc("app"), "db", 1), &["frontend"]),
            on_networks(svc("db"), &["backend"]),
        ]);
        let c = cluster();
        let plan = one_task_each(&st);
        let o = prove(
            &st,
            Some(&c),
            &check(&st, Some(&c)),
            Status::Holds,
            Some(&plan),
        );
        assert_eq!(o.premises[2].status, Status::Holds);
        assert_eq!(o.status, Status::Holds);
    }

    // Even a declared dependency whose URL cannot resolve leaves N undecided rather than
    // violated: the stack deploys and its tasks run (SP5010 is a warning), and a violated
    // verdict fails a run only with an error behind it.
    #[test]
    fn disconnected_dependency_leaves_n_undecided() {
        let mut app = on_networks(depends(svc("app"), "db", 1), &["frontend"]);
        app.environment = vec![("DB_URL".into(), Some("postgres://db:5432".into()), None)];
        let st = stack(vec![app, on_networks(svc("db"), &["backend"])]);
        let c = cluster();
        let plan = one_task_each(&st);
        let o = prove(
            &st,
            Some(&c),
            &check(&st, Some(&c)),
            Status::Holds,
            Some(&plan),
        );
        assert_eq!(o.premises[2].status, Status::Unknown);
        assert_eq!(
            o.premises[2].explain(),
            "`app` cannot reach `db` (app on [frontend], db on [backend])"
        );
    }

    #[test]
    fn unreachable_inferred_edge_leaves_n_undecided() {
        let mut app = on_networks(svc("app"), &["frontend"]);
        app.environment = vec![("DB_URL".into(), Some("postgres://db:5432".into()), None)];
        let st = stack(vec![app, on_networks(svc("db"), &["backend"])]);
        let c = cluster();
        let plan = one_task_each(&st);
        let o = prove(
            &st,
            Some(&c),
            &check(&st, Some(&c)),
            Status::Holds,
            Some(&plan),
        );
        assert_eq!(o.premises[2].status, Status::Unknown);
        assert_eq!(o.status, Status::Unknown);
        assert!(o.order.is_none());
    }

    // Soundness: R holds only with a plan the validator accepts.
    #[test]
    fn resources_hold_only_with_a_validated_plan() {
        let st = good_stack();
        let c = cluster();
        let g = check(&st, Some(&c));
        let status_with = |s, plan: Option<&Plan>, c: Option<&Cluster>| {
            prove(&st, c, &g, s, plan).premises[1].status
        };
        let mut short = one_task_each(&st);
        short.assignments.pop();
        assert_eq!(
            status_with(Status::Holds, Some(&short), Some(&c)),
            Status::Unknown
        );
        assert_eq!(status_with(Status::Holds, None, Some(&c)), Status::Unknown);
        assert_eq!(
            status_with(Status::Holds, Some(&one_task_each(&st)), None),
            Status::Unknown
        );
        assert_eq!(
            status_with(Status::Violated, None, Some(&c)),
            Status::Violated
        );
        assert_eq!(
            status_with(Status::Unknown, None, Some(&c)),
            Status::Unknown
        );
        let o = prove(&st, Some(&c), &g, Status::Unknown, None);
        assert_eq!(o.status, Status::Unknown);
        assert!(o.order.is_none());
    }

    #[test]
    fn verdict_carries_the_json_details() {
        let st = good_stack();
        let c = cluster();
        let plan = one_task_each(&st);
        let v = prove(
            &st,
            Some(&c),
            &check(&st, Some(&c)),
            Status::Holds,
            Some(&plan),
        )
        .verdict();
        assert_eq!(v.status, Status::Holds);
        let details = v.details_json();
        assert_eq!(details["premises"][0]["evidence"]["kind"], "layers");
        assert_eq!(details["order"][0][1], "cache");
        assert_eq!(details["placement"][0]["node"], "n2");
    }

    mod order_property {
        use super::*;
        use proptest::prelude::*;

        fn random_stack(n: usize, edges: &[(usize, usize)]) -> Stack {
            let mut services: Vec<Service> = (0..n).map(|i| svc(&format!("s{i}"))).collect();
            // Only edges from a higher to a lower index: the declared graph is acyclic.
            for &(a, b) in edges {
                let (a, b) = (a % n, b % n);
                let (hi, lo) = (a.max(b), a.min(b));
                if hi != lo {
                    services[hi] = depends(services[hi].clone(), &format!("s{lo}"), hi);
                }
            }
            stack(services)
        }

        proptest! {
            // Acceptance: when all premises hold, the order is a topological order of D.
            #[test]
            fn order_is_topological(n in 1usize..8, edges in proptest::collection::vec((0usize..8, 0usize..8), 0..16)) {
                let st = random_stack(n, &edges);
                let c = cluster();
                let plan = Plan {
                    assignments: (0..n).map(|i| (Task { service: i, replica: 1 }, 0)).collect(),
                };
                let g = check(&st, Some(&c));
                let o = prove(&st, Some(&c), &g, Status::Holds, Some(&plan));
                prop_assert_eq!(o.status, Status::Holds);
                let layers = o.order.unwrap();
                let layer_of = |s: &str| layers.iter().position(|l| l.iter().any(|x| x == s));
                let mut seen: Vec<&String> = layers.iter().flatten().collect();
                seen.sort();
                seen.dedup();
                prop_assert_eq!(seen.len(), n);
                for e in g.dependencies.ordering_edges() {
                    prop_assert!(layer_of(&e.to) < layer_of(&e.from), "{} before {}", e.to, e.from);
                }
            }
        }
    }
}
