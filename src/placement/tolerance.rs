//! Failure tolerance: does every task still have a placement after losing any N nodes, or any
//! one failure domain? A lost node is down: its replicated tasks must move, its global tasks
//! disappear. Interchangeable nodes make many scenarios equal, so `--tolerate N` enumerates
//! multisets of node classes, not node sets. Scenarios the fast paths do not decide go to one
//! z3 solver, incrementally (the lost nodes are assumptions).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::audit::certificate::Certificate;
use crate::diagnostics::Diagnostic;
use crate::model::{Cluster, Stack};
use crate::report::Status;

use super::certify::explain_and_certify;
use super::check::{from_smt, PlacementOptions};
use super::codes;
use super::decide::{decide_fast, Decision};
use super::explain::{node_names, Explainer};
use super::problem::{NodeSet, Problem};
use super::smt;

/// Scenarios examined at most; beyond, the answer is `unknown`.
pub const MAX_SCENARIOS: usize = 20_000;

/// What to survive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tolerance {
    /// Any this many nodes lost at once.
    Nodes(u32),
    /// Any one failure domain lost: the nodes sharing a value of this node label.
    Domain(String),
}

/// The outcome of the tolerance check, in the JSON report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ToleranceOutcome {
    pub status: Status,
    pub summary: String,
    /// Distinct failure scenarios examined (up to node symmetry).
    pub scenarios: usize,
    /// The nodes of the first scenario that breaks the stack.
    pub broken_by: Option<Vec<String>>,
    /// Scenarios left undecided by a bound.
    pub undecided: usize,
    /// The breaking scenario's proofs of infeasibility, each re-checked independently.
    pub certificates: Vec<Certificate>,
}

/// One scenario: the nodes lost, and a name for people.
struct Scenario {
    down: NodeSet,
    name: String,
}

fn node_scenarios(p: &Problem, cluster: &Cluster, k: u32) -> Option<Vec<Scenario>> {
    let sizes: Vec<usize> = p.classes.iter().map(Vec::len).collect();
    let total: usize = sizes.iter().sum();
    let k = (k as usize).min(total);
    let mut out = Vec::new();
    // Multisets of classes of size k, each class taken at most its size; lost nodes are the
    // last members of their class (what the SMT symmetry breaking requires).
    let mut take = vec![0usize; sizes.len()];
    fn rec(
        c: usize,
        left: usize,
        sizes: &[usize],
        take: &mut Vec<usize>,
        out: &mut Vec<Vec<usize>>,
    ) -> bool {
        if left == 0 {
            out.push(take.clone());
            return out.len() <= MAX_SCENARIOS;
        }
        if c == sizes.len() {
            return true;
        }
        for t in (0..=left.min(sizes[c])).rev() {
            take[c] = t;
            if !rec(c + 1, left - t, sizes, take, out) {
                return false;
            }
        }
        take[c] = 0;
        true
    }
    let mut takes = Vec::new();
    if !rec(0, k, &sizes, &mut take, &mut takes) {
        return None;
    }
    for t in takes {
        let down: NodeSet = p
            .classes
            .iter()
            .zip(&t)
            .flat_map(|(members, &n)| members[members.len() - n..].iter().copied())
            .collect();
        let name = format!("losing {}", node_names(cluster, down.iter()));
        out.push(Scenario { down, name });
    }
    Some(out)
}

fn domain_scenarios(cluster: &Cluster, label: &str) -> (Vec<Scenario>, Vec<usize>) {
    let mut domains: BTreeMap<&str, NodeSet> = BTreeMap::new();
    let mut unlabelled = Vec::new();
    for (n, node) in cluster.nodes.iter().enumerate() {
        match node.domain(label) {
            Some(v) => domains.entry(v).or_default().insert(n),
            None => unlabelled.push(n),
        }
    }
    let scenarios = domains
        .into_iter()
        .map(|(v, down)| Scenario {
            name: format!("losing {label}={v} ({})", node_names(cluster, down.iter())),
            down,
        })
        .collect();
    (scenarios, unlabelled)
}

/// The same number of lost nodes per class, taken from the end of each class: an equivalent
/// scenario (class members are interchangeable) in the form the SMT encoding needs.
fn canonical(p: &Problem, down: &NodeSet) -> NodeSet {
    p.classes
        .iter()
        .flat_map(|members| {
            let k = members.iter().filter(|&&n| down.contains(n)).count();
            members[members.len() - k..].iter().copied()
        })
        .collect()
}

/// Checks every scenario of `t`; the base placement is known to be feasible.
pub fn check_tolerance(
    p: &Problem,
    stack: &Stack,
    cluster: &Cluster,
    t: &Tolerance,
    opts: &PlacementOptions,
) -> (ToleranceOutcome, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let scenarios = match t {
        Tolerance::Nodes(k) => node_scenarios(p, cluster, *k),
        Tolerance::Domain(label) => {
            let (s, unlabelled) = domain_scenarios(cluster, label);
            if !unlabelled.is_empty() {
                diags.push(
                    Diagnostic::warning(
                        &codes::NO_FAILURE_DOMAIN,
                        format!(
                            "{} node{} without the `{label}` label belong to no failure domain and are never lost in this check: {}",
                            unlabelled.len(),
                            if unlabelled.len() == 1 { "" } else { "s" },
                            node_names(cluster, unlabelled.iter().copied())
                        ),
                    )
                    .with_help(format!("docker node update --label-add {label}=NAME NODE")),
                );
            }
            Some(s)
        }
    };
    let Some(scenarios) = scenarios else {
        let summary =
            format!("failure tolerance unknown: more than {MAX_SCENARIOS} failure scenarios");
        return (
            ToleranceOutcome {
                status: Status::Unknown,
                summary,
                scenarios: 0,
                broken_by: None,
                undecided: 0,
                certificates: Vec::new(),
            },
            diags,
        );
    };

    let mut decisions: Vec<Option<Decision>> = scenarios
        .iter()
        .map(|s| decide_fast(p, stack, cluster, &s.down, opts.max_plan_tasks))
        .collect();
    let residue: Vec<usize> = (0..scenarios.len())
        .filter(|&i| decisions[i].is_none())
        .collect();
    if !residue.is_empty() {
        let canon: Vec<NodeSet> = residue
            .iter()
            .map(|&i| canonical(p, &scenarios[i].down))
            .collect();
        let results = smt::solve(p, &canon, opts.deadline);
        for ((&i, down), r) in residue.iter().zip(&canon).zip(results) {
            decisions[i] = Some(from_smt(p, stack, cluster, down, r, opts));
        }
    }

    let mut undecided = 0;
    for (s, d) in scenarios.iter().zip(decisions) {
        match d {
            Some(Decision::Infeasible(conflicts, _)) => {
                let ex = Explainer {
                    stack,
                    cluster,
                    problem: p,
                    down: &s.down,
                };
                let certified = explain_and_certify(&conflicts, &ex);
                if !certified.proven {
                    undecided += 1;
                    diags.extend(certified.diagnostics);
                    continue;
                }
                diags.push(
                    Diagnostic::error(
                        &codes::FAILURE_NOT_TOLERATED,
                        format!("{} leaves tasks without a node", s.name),
                    )
                    .with_note("the explanations that follow are for this scenario"),
                );
                diags.extend(certified.diagnostics);
                let broken: Vec<String> = s
                    .down
                    .iter()
                    .map(|n| cluster.nodes[n].hostname.clone())
                    .collect();
                return (
                    ToleranceOutcome {
                        status: Status::Violated,
                        summary: format!("not tolerated: {}", s.name),
                        scenarios: scenarios.len(),
                        broken_by: Some(broken),
                        undecided,
                        certificates: certified.certificates,
                    },
                    diags,
                );
            }
            Some(Decision::Feasible(..)) => {}
            Some(Decision::Unknown(diag)) => {
                undecided += 1;
                if undecided == 1 {
                    diags.push(diag.with_note(format!("in the scenario {}", s.name)));
                }
            }
            None => undecided += 1,
        }
    }
    let status = if undecided == 0 {
        Status::Holds
    } else {
        Status::Unknown
    };
    let summary = match status {
        Status::Holds => format!(
            "tolerated: a placement exists in all {} failure scenarios",
            scenarios.len()
        ),
        _ => format!(
            "tolerance unknown: {undecided} of {} scenarios undecided",
            scenarios.len()
        ),
    };
    (
        ToleranceOutcome {
            status,
            summary,
            scenarios: scenarios.len(),
            broken_by: None,
            undecided,
            certificates: Vec::new(),
        },
        diags,
    )
}
