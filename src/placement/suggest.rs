//! Smallest changes that make an infeasible stack placeable, found with z3's optimiser and then
//! proved by deciding the changed model (a validated plan): the fewest nodes to add, each a copy
//! of an existing node, and the fewest replicas to remove. A missing label is suggested by the
//! explanation of `no-eligible-node` itself.

use crate::diagnostics::Diagnostic;
use crate::model::{Cluster, Mode, Stack};

use super::check::{decide, PlacementOptions};
use super::codes;
use super::decide::Decision;
use super::problem::{NodeSet, Problem};
use super::smt;

/// Copies of each node class offered to the optimiser.
const COPIES: usize = 3;
/// Node classes offered at most.
const MAX_TEMPLATES: usize = 16;
/// Instances larger than this many count variables get no suggestion (the optimiser is much
/// slower than the decision procedure).
const MAX_VARIABLES: usize = 5_000;

fn small_enough(p: &Problem) -> bool {
    p.demands.iter().map(|d| d.eligible.len()).sum::<usize>() <= MAX_VARIABLES
}

fn feasible(stack: &Stack, cluster: &Cluster, opts: &PlacementOptions) -> bool {
    let p = Problem::build(stack, cluster);
    matches!(
        decide(&p, stack, cluster, &NodeSet::default(), opts),
        Decision::Feasible(..)
    )
}

/// Each suggestion as a line and as an SP1010 diagnostic.
pub fn suggest(
    p: &Problem,
    stack: &Stack,
    cluster: &Cluster,
    opts: &PlacementOptions,
) -> Vec<(String, Diagnostic)> {
    if !small_enough(p) {
        return Vec::new();
    }
    let mut out = Vec::new();
    if let Some(line) = add_nodes(p, stack, cluster, opts) {
        out.push(line);
    }
    if let Some(line) = remove_replicas(p, stack, cluster, opts) {
        out.push(line);
    }
    out.into_iter()
        .map(|line| {
            let d = Diagnostic::info(&codes::SUGGESTION, format!("suggested change: {line}"))
                .with_note(
                    "checked: with this change swarmproof finds a placement and validates it",
                );
            (line, d)
        })
        .collect()
}

fn add_nodes(
    p: &Problem,
    stack: &Stack,
    cluster: &Cluster,
    opts: &PlacementOptions,
) -> Option<String> {
    let templates: Vec<usize> = p
        .classes
        .iter()
        .map(|members| members[0])
        .filter(|&n| cluster.nodes[n].accepts_tasks())
        .take(MAX_TEMPLATES)
        .collect();
    let mut bigger = cluster.clone();
    let mut origin = Vec::new();
    for &t in &templates {
        for j in 1..=COPIES {
            let mut copy = cluster.nodes[t].clone();
            copy.hostname = format!("{}-copy{j}", copy.hostname);
            copy.id = format!("{}-copy{j}", copy.id);
            copy.span = None;
            copy.manager = None;
            bigger.nodes.push(copy);
            origin.push(t);
        }
    }
    let base = cluster.nodes.len();
    let optional: NodeSet = (base..bigger.nodes.len()).collect();
    let bp = Problem::build(stack, &bigger);
    if !small_enough(&bp) {
        return None;
    }
    let (keep, proved) = smt::fewest_added(
        &bp,
        &optional,
        opts.deadline.within_ms(opts.suggest_timeout_ms),
    )?;
    if keep.is_empty() {
        return None;
    }
    let mut chosen = cluster.clone();
    chosen
        .nodes
        .extend(keep.iter().map(|n| bigger.nodes[n].clone()));
    if !feasible(stack, &chosen, opts) {
        return None;
    }
    let mut per_template: Vec<(usize, usize)> = Vec::new();
    for n in keep.iter() {
        let t = origin[n - base];
        match per_template.iter_mut().find(|(u, _)| *u == t) {
            Some((_, k)) => *k += 1,
            None => per_template.push((t, 1)),
        }
    }
    let parts: Vec<String> = per_template
        .iter()
        .map(|&(t, k)| {
            format!(
                "{k} node{} like {} (same labels, role and resources)",
                if k == 1 { "" } else { "s" },
                cluster.nodes[t].hostname
            )
        })
        .collect();
    Some(qualified(format!("add {}", parts.join(" and ")), proved))
}

fn remove_replicas(
    p: &Problem,
    stack: &Stack,
    cluster: &Cluster,
    opts: &PlacementOptions,
) -> Option<String> {
    let (best, proved) = smt::fewest_removed(p, opts.deadline.within_ms(opts.suggest_timeout_ms))?;
    let mut changed = stack.clone();
    let mut parts = Vec::new();
    for (dm, &r) in p.demands.iter().zip(&best) {
        if r == dm.replicas {
            continue;
        }
        // Scaling a service to nothing removes it; that is no fix to suggest.
        if r == 0 {
            return None;
        }
        let s = &mut changed.services[dm.service];
        match &mut s.mode.value {
            Mode::Replicated { replicas } => *replicas = r,
            Mode::ReplicatedJob { max_concurrent, .. } => *max_concurrent = r,
            Mode::Global | Mode::GlobalJob => return None,
        }
        parts.push(format!("{} from {} to {r}", s.name, dm.replicas));
    }
    if parts.is_empty() || !feasible(&changed, cluster, opts) {
        return None;
    }
    Some(qualified(
        format!("lower the replicas of {}", parts.join(", ")),
        proved,
    ))
}

/// Says so when the optimiser stopped before proving the change smallest.
fn qualified(line: String, proved: bool) -> String {
    if proved {
        line
    } else {
        format!("{line} (the optimiser stopped at its timeout: this works, but a smaller change may exist)")
    }
}
