//! The decision procedure for one scenario (the cluster, possibly with some nodes lost):
//! static refutations, then the constructive placement, then the necessary conditions; what
//! is left is the SMT residue. Every plan is materialised and re-checked by the independent
//! validator before it is returned.

use crate::diagnostics::Diagnostic;
use crate::model::{Cluster, NodeState, Stack};

use super::codes;
use super::constructive::{self, Counts};
use super::explain::Conflict;
use super::necessary;
use super::problem::{NodeSet, Problem};
use crate::audit::validate;
use crate::model::{Plan, Task};

/// How a verdict was reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Method {
    /// Read off the model (global tasks, duplicate ports).
    Static,
    /// The constructive placement found a plan.
    Constructive,
    /// Local search repaired an overloaded assignment into a plan.
    LocalSearch,
    /// A necessary condition failed.
    NecessaryCondition,
    /// The SMT solver decided.
    Smt,
}

/// The outcome of one scenario.
#[derive(Clone, Debug)]
pub enum Decision {
    Feasible(Plan, Method),
    Infeasible(Vec<Conflict>, Method),
    /// Not decided; the diagnostic says which bound was hit.
    Unknown(Box<Diagnostic>),
}

/// The cluster of a scenario: lost nodes are down.
pub fn scenario_cluster(cluster: &Cluster, down: &NodeSet) -> Cluster {
    let mut c = cluster.clone();
    for n in down.iter() {
        c.nodes[n].state = NodeState::Down;
    }
    c
}

/// Decides without the SMT solver; `None` means the residue needs it.
pub fn decide_fast(
    p: &Problem,
    stack: &Stack,
    cluster: &Cluster,
    down: &NodeSet,
    max_plan_tasks: u64,
) -> Option<Decision> {
    let statics = p.live_conflicts(down);
    if !statics.is_empty() {
        return Some(Decision::Infeasible(
            statics.into_iter().map(Conflict::Static).collect(),
            Method::Static,
        ));
    }
    if let Some(counts) = constructive::place(p, down) {
        return Some(finish(
            p,
            stack,
            cluster,
            down,
            &counts,
            Method::Constructive,
            max_plan_tasks,
        ));
    }
    let refuted = necessary::refute(p, down);
    if !refuted.is_empty() {
        return Some(Decision::Infeasible(refuted, Method::NecessaryCondition));
    }
    None
}

/// Materialises counts into a plan and validates it against the scenario's cluster.
pub fn finish(
    p: &Problem,
    stack: &Stack,
    cluster: &Cluster,
    down: &NodeSet,
    counts: &Counts,
    method: Method,
    max_plan_tasks: u64,
) -> Decision {
    let total = p.total_tasks();
    if total > max_plan_tasks {
        return Decision::Unknown(Box::new(
            Diagnostic::warning(
                &codes::PLAN_TOO_LARGE,
                format!(
                    "the stack has {total} tasks; plans are materialised and validated up to {max_plan_tasks} tasks"
                ),
            )
            .with_note("a placement in counts per node was found, but it is not reported unvalidated"),
        ));
    }
    let mut plan = Plan::default();
    for (d, row) in counts.iter().enumerate() {
        let service = p.demands[d].service;
        let mut replica = 0;
        for &(node, k) in row {
            for _ in 0..k {
                replica += 1;
                plan.assignments.push((Task { service, replica }, node));
            }
        }
    }
    for (service, targets) in &p.globals {
        let live = targets.iter().filter(|&&n| !down.contains(n));
        for (i, &node) in live.enumerate() {
            plan.assignments.push((
                Task {
                    service: *service,
                    replica: i as u64 + 1,
                },
                node,
            ));
        }
    }
    plan.assignments.sort_unstable();
    match validate(stack, &scenario_cluster(cluster, down), &plan) {
        Ok(()) => Decision::Feasible(plan, method),
        Err(e) => {
            debug_assert!(false, "a {method:?} plan failed validation: {e}");
            Decision::Unknown(Box::new(Diagnostic::error(
                &codes::INTERNAL_INVALID_PLAN,
                format!(
                    "internal error: a plan found by the {method:?} path failed validation: {e}"
                ),
            )))
        }
    }
}
