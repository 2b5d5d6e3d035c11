//! The simulation against an exact verdict. A complete simulated placement is re-checked by the
//! independent validator; a simulation with Pending tasks next to a validated exact plan is the
//! finding this module exists for: the stack is feasible, but Swarm's greedy scheduler does not
//! find the placement. Each such finding names the reason and remedies that are themselves
//! re-simulated on the remedied stack before they are offered.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::codes::{FEASIBLE_BUT_PENDING, SIMULATION_INVALID, TASKS_PENDING};
use super::{explore, is_global, ExploreOptions, Simulation};
use crate::audit::validate;
use crate::diagnostics::Diagnostic;
use crate::model::Plan;
use crate::model::{Cluster, Constraint, Spanned, Stack};
use crate::report::Status;

/// The node label remedies use to reserve nodes for a service.
pub const RESERVE_LABEL: &str = "swarmproof.reserved";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ComparisonVerdict {
    /// The simulation places everything and the validator accepts it.
    Agree,
    /// A validated exact plan exists, the simulation leaves tasks Pending.
    FeasibleButPending,
    /// The simulation leaves tasks Pending and no validated plan was given.
    PendingWithoutPlan,
    /// The simulation's own placement fails validation (a defect of swarmproof).
    SimulationInvalid,
    /// Nothing is Pending, but some tasks are not running at all (a service Swarm rejects,
    /// tasks not replaced under `condition: none`): no placement to compare.
    NothingPending,
}

/// One node's tasks in both placements.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NodeRow {
    pub node: String,
    pub swarm: Vec<String>,
    pub exact: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Remedy {
    pub description: String,
    /// `holds`: re-simulated in every order; `unknown`: no failing order among those explored.
    pub verified: Status,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PendingFinding {
    pub service: String,
    pub pending: usize,
    /// Swarm's status message of the first Pending task.
    pub message: String,
    pub reason: String,
    pub remedies: Vec<Remedy>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Comparison {
    pub verdict: ComparisonVerdict,
    pub findings: Vec<PendingFinding>,
    /// Nodes with tasks in either placement (exact column empty without a plan).
    pub side_by_side: Vec<NodeRow>,
    #[serde(skip)]
    pub diagnostics: Vec<Diagnostic>,
}

fn task_label(stack: &Stack, t: crate::model::Task) -> String {
    format!("{}.{}", stack.services[t.service].name, t.replica)
}

fn side_by_side(
    stack: &Stack,
    cluster: &Cluster,
    sim: &Simulation,
    exact: Option<&Plan>,
) -> Vec<NodeRow> {
    let mut rows: BTreeMap<usize, NodeRow> = BTreeMap::new();
    let swarm = sim.assignments.iter().map(|a| (a.task, a.node, true));
    let planned = exact
        .map_or(&[][..], |p| &p.assignments[..])
        .iter()
        .map(|&(t, n)| (t, n, false));
    for (task, node, simulated) in swarm.chain(planned) {
        let row = rows.entry(node).or_insert_with(|| NodeRow {
            node: cluster
                .nodes
                .get(node)
                .map_or_else(String::new, |n| n.hostname.clone()),
            swarm: Vec::new(),
            exact: Vec::new(),
        });
        let label = task_label(stack, task);
        if simulated {
            row.swarm.push(label);
        } else {
            row.exact.push(label);
        }
    }
    rows.into_values().collect()
}

/// Compares one simulation with the exact solver's plan, if there is one. `cluster` is the
/// cluster the simulation ran on (the disrupted one for a disruption).
pub fn compare(
    stack: &Stack,
    cluster: &Cluster,
    sim: &Simulation,
    exact: Option<&Plan>,
) -> Comparison {
    if sim.pending.is_empty() {
        let (verdict, diagnostics) = match validate(stack, cluster, &sim.plan()) {
            _ if !sim.is_complete() => (ComparisonVerdict::NothingPending, Vec::new()),
            Ok(()) => (ComparisonVerdict::Agree, Vec::new()),
            Err(e) => (
                ComparisonVerdict::SimulationInvalid,
                vec![Diagnostic::error(
                    &SIMULATION_INVALID,
                    format!("simulated placement is invalid: {e}"),
                )],
            ),
        };
        return Comparison {
            verdict,
            findings: Vec::new(),
            side_by_side: side_by_side(stack, cluster, sim, exact),
            diagnostics,
        };
    }
    // Never trust a plan the validator has not accepted.
    let exact = exact.filter(|p| validate(stack, cluster, p).is_ok());
    let mut by_service: BTreeMap<usize, Vec<&super::PendingTask>> = BTreeMap::new();
    for p in &sim.pending {
        by_service.entry(p.task.service).or_default().push(p);
    }
    let mut findings = Vec::new();
    let mut diagnostics = Vec::new();
    for (&s, pending) in &by_service {
        let service = &stack.services[s];
        let message = pending[0].message.clone();
        let (finding, diagnostic) = match exact {
            Some(plan) => {
                let reason = reason(stack, cluster, sim, plan, s, &message);
                let remedies = remedies(stack, cluster, sim, plan, s);
                let mut d = Diagnostic::error(
                    &FEASIBLE_BUT_PENDING,
                    format!(
                        "feasible, but Swarm's scheduler leaves {} task{} of service {} Pending",
                        pending.len(),
                        if pending.len() == 1 { "" } else { "s" },
                        service.name
                    ),
                )
                .with_service(&service.name)
                .with_primary(
                    service.span,
                    "Pending in Swarm, placeable in the exact plan",
                )
                .with_note(format!("Swarm's task status: \"{message}\""))
                .with_note(format!("reason: {reason}"));
                if let Some(r) = remedies.first() {
                    d = d.with_help(r.description.clone());
                }
                (
                    PendingFinding {
                        service: service.name.clone(),
                        pending: pending.len(),
                        message: message.clone(),
                        reason,
                        remedies,
                    },
                    d,
                )
            }
            None => (
                PendingFinding {
                    service: service.name.clone(),
                    pending: pending.len(),
                    message: message.clone(),
                    reason: "no validated placement was given".to_string(),
                    remedies: Vec::new(),
                },
                Diagnostic::error(
                    &TASKS_PENDING,
                    format!(
                        "Swarm's scheduler leaves {} of service {} Pending",
                        crate::text::count(pending.len(), "task"),
                        service.name
                    ),
                )
                .at_service(&service.name, service.span, "Pending")
                .with_note(format!("Swarm's task status: \"{message}\"")),
            ),
        };
        findings.push(finding);
        diagnostics.push(diagnostic);
    }
    Comparison {
        verdict: if exact.is_some() {
            ComparisonVerdict::FeasibleButPending
        } else {
            ComparisonVerdict::PendingWithoutPlan
        },
        findings,
        side_by_side: side_by_side(stack, cluster, sim, exact),
        diagnostics,
    }
}

/// Nodes the exact plan uses for service `s`.
fn exact_nodes(plan: &Plan, s: usize) -> BTreeSet<usize> {
    plan.assignments
        .iter()
        .filter(|(t, _)| t.service == s)
        .map(|&(_, n)| n)
        .collect()
}

/// Services with more tasks on `nodes` in the simulation than in the plan, with those nodes.
fn blockers(
    sim: &Simulation,
    plan: &Plan,
    s: usize,
    nodes: &BTreeSet<usize>,
) -> BTreeMap<usize, BTreeSet<usize>> {
    let mut count: BTreeMap<(usize, usize), i64> = BTreeMap::new();
    for a in sim
        .assignments
        .iter()
        .filter(|a| a.task.service != s && nodes.contains(&a.node))
    {
        *count.entry((a.task.service, a.node)).or_default() += 1;
    }
    for &(t, n) in plan
        .assignments
        .iter()
        .filter(|(t, n)| t.service != s && nodes.contains(n))
    {
        *count.entry((t.service, n)).or_default() -= 1;
    }
    let mut out: BTreeMap<usize, BTreeSet<usize>> = BTreeMap::new();
    for ((svc, node), c) in count {
        if c > 0 {
            out.entry(svc).or_default().insert(node);
        }
    }
    out
}

fn reason(
    stack: &Stack,
    cluster: &Cluster,
    sim: &Simulation,
    plan: &Plan,
    s: usize,
    message: &str,
) -> String {
    let name = &stack.services[s].name;
    let nodes = exact_nodes(plan, s);
    let hostnames = |set: &BTreeSet<usize>| {
        set.iter()
            .map(|&n| cluster.nodes[n].hostname.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let kind = if message.contains("insufficient resources") {
        "fragmentation"
    } else if message.contains("host-mode port already in use") {
        "host-port collision"
    } else if message.contains("max replicas per node") {
        "per-node replica limit"
    } else {
        "greedy placement"
    };
    let blocking = blockers(sim, plan, s, &nodes);
    if blocking.is_empty() {
        return format!(
            "{kind}: the exact plan runs {name} on {}; Swarm's scheduler spreads by task count and divides replicas evenly over preference branches without backtracking, and does not reach that placement",
            hostnames(&nodes)
        );
    }
    let who = blocking
        .iter()
        .map(|(&b, on)| format!("{} on {}", stack.services[b].name, hostnames(on)))
        .collect::<Vec<_>>()
        .join("; ");
    format!(
        "{kind}: Swarm ranks nodes by task count, not by resources, so it put {who} — node(s) the exact plan needs for {name}; a placed task is never moved, so {name} finds no node"
    )
}

fn verify(stack: &Stack, cluster: &Cluster, service_order: Option<Vec<usize>>) -> Option<Status> {
    let scaled = ExploreOptions::scaled(stack, cluster);
    let opts = ExploreOptions {
        max_runs: scaled.max_runs.min(300),
        samples: scaled.samples.min(50),
        service_order,
        ..scaled
    };
    match explore(stack, cluster, &opts).ok()?.status {
        Status::Violated => None,
        s => Some(s),
    }
}

fn remedies(
    stack: &Stack,
    cluster: &Cluster,
    sim: &Simulation,
    plan: &Plan,
    s: usize,
) -> Vec<Remedy> {
    let name = stack.services[s].name.clone();
    let nodes = exact_nodes(plan, s);
    let blocking = blockers(sim, plan, s, &nodes);
    let mut out = Vec::new();

    // Reserve nodes: label them, pin a replicated service there, keep off the services that
    // took them and that the exact plan does not put on any labelled node. A replicated service
    // needs all its plan nodes labelled (it is pinned); a global one only the blocked nodes.
    let pin = !is_global(stack, s);
    let labelled: BTreeSet<usize> = if pin {
        nodes.clone()
    } else {
        blocking.values().flatten().copied().collect()
    };
    let excluded: Vec<usize> = blocking
        .keys()
        .copied()
        .filter(|&b| {
            !plan
                .assignments
                .iter()
                .any(|&(t, n)| t.service == b && labelled.contains(&n))
        })
        .collect();
    if !excluded.is_empty() {
        let eq = Constraint::parse(&format!("node.labels.{RESERVE_LABEL}=={name}")).ok();
        let ne = Constraint::parse(&format!("node.labels.{RESERVE_LABEL}!={name}")).ok();
        if let (Some(eq), Some(ne)) = (eq, ne) {
            let mut st = stack.clone();
            let mut cl = cluster.clone();
            for &n in &labelled {
                cl.nodes[n]
                    .labels
                    .insert(RESERVE_LABEL.to_string(), name.clone());
            }
            if pin {
                st.services[s]
                    .placement
                    .constraints
                    .push(Spanned::default_value(eq.clone()));
            }
            for &b in &excluded {
                st.services[b]
                    .placement
                    .constraints
                    .push(Spanned::default_value(ne.clone()));
            }
            if let Some(verified) = verify(&st, &cl, None) {
                let commands: Vec<String> = labelled
                    .iter()
                    .map(|&n| {
                        format!(
                            "`docker node update --label-add {RESERVE_LABEL}={name} {}`",
                            cluster.nodes[n].hostname
                        )
                    })
                    .collect();
                let others: Vec<&str> = excluded
                    .iter()
                    .map(|&b| stack.services[b].name.as_str())
                    .collect();
                let mut d = format!("reserve nodes for {name}: {}, ", commands.join(", "));
                if pin {
                    d.push_str(&format!("add the constraint `{eq}` to {name} and "));
                }
                d.push_str(&format!("add `{ne}` to {}", others.join(", ")));
                out.push(Remedy {
                    description: d,
                    verified,
                });
            }
        }
    }

    // Deploy the Pending services first.
    let pending: BTreeSet<usize> = sim.pending.iter().map(|p| p.task.service).collect();
    let order: Vec<usize> = pending
        .iter()
        .copied()
        .chain((0..stack.services.len()).filter(|i| !pending.contains(i)))
        .collect();
    if let Some(verified) = verify(stack, cluster, Some(order)) {
        out.push(Remedy {
            description: format!(
                "deploy {name} before the other services (a separate `docker stack deploy` with only {name} first); this holds for the initial deploy only, not after a node failure or a scale-up"
            ),
            verified,
        });
    }
    out
}
