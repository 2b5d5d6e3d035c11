//! The placement check as the CLI calls it: witness first (constructive placement, validated),
//! proof second (necessary conditions, then z3 on the residue), then failure tolerance and
//! suggestions. Returns findings and a verdict; prints nothing.

use serde::Serialize;

use crate::audit::certificate::Certificate;
use crate::deadline::Deadline;
use crate::diagnostics::Diagnostic;
use crate::model::{Cluster, Stack};
use crate::report::{Status, Verdict};

use super::certify::explain_and_certify;
use super::codes;
use super::decide::{decide_fast, finish, Decision, Method};
use super::explain::{Conflict, Explainer};
use super::problem::{NodeSet, Problem};
use super::render::{plan_rows, NodeRow};
use super::repair;
use super::smt::{self, SmtResult};
use crate::model::Plan;

/// The local search's work bound (move evaluations): the square of the (task, eligible node)
/// pairs (steps grow with the tasks, a step's cost with the pairs). On small problems, where
/// the search would otherwise spend its time on an infeasible residue, the exact solver is
/// quicker to ask.
fn repair_work(p: &Problem) -> u64 {
    let pairs = p.demands.iter().fold(0u64, |a, d| {
        a.saturating_add(d.replicas.saturating_mul(d.eligible.len() as u64))
    });
    pairs
        .saturating_mul(pairs)
        .saturating_mul(4)
        .saturating_add(100_000)
}
use super::suggest::suggest;
use super::tolerance::{check_tolerance, Tolerance, ToleranceOutcome};

/// Knobs of the placement check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlacementOptions {
    /// Time limit of the whole decision (fast paths, local search, SMT, failure scenarios,
    /// suggestions), in milliseconds from the start of `check_placement`.
    pub timeout_ms: u64,
    /// A limit set by the caller (e.g. a whole run's); the earlier of it and `timeout_ms` holds.
    pub deadline: Deadline,
    /// `--tolerate N` / `--tolerate zone`.
    pub tolerate: Option<Tolerance>,
    /// Look for a smallest change when the stack is infeasible.
    pub suggest: bool,
    /// Timeout of each optimiser call behind a suggestion, in milliseconds.
    pub suggest_timeout_ms: u64,
    /// Plans with more tasks are not materialised (the verdict is then `unknown`).
    pub max_plan_tasks: u64,
}

impl Default for PlacementOptions {
    fn default() -> Self {
        PlacementOptions {
            timeout_ms: 10_000,
            deadline: Deadline::NEVER,
            tolerate: None,
            suggest: true,
            suggest_timeout_ms: 2_000,
            max_plan_tasks: 1_000_000,
        }
    }
}

/// The result of the placement check.
#[derive(Clone, Debug)]
pub struct Placement {
    pub status: Status,
    pub summary: String,
    pub method: Option<Method>,
    /// The validated plan, when one exists (also when a failure scenario breaks the stack).
    pub plan: Option<Plan>,
    pub diagnostics: Vec<Diagnostic>,
    pub tolerance: Option<ToleranceOutcome>,
    /// One line per suggested change (also in `diagnostics`, as SP1010).
    pub suggestions: Vec<String>,
    /// The proofs of infeasibility, each confirmed by the independent checker.
    pub certificates: Vec<Certificate>,
}

/// The `details` of the `placement` verdict in the JSON report.
#[derive(Clone, Debug, Serialize)]
pub struct PlacementDetails {
    pub method: Option<Method>,
    /// Node by node, when a validated plan exists.
    pub plan: Option<Vec<NodeRow>>,
    pub tolerance: Option<ToleranceOutcome>,
    pub suggestions: Vec<String>,
    /// Proofs of infeasibility in the user's terms, each re-checked independently.
    pub certificates: Vec<Certificate>,
}

impl Placement {
    /// The `placement` verdict for the report.
    pub fn verdict(&self, stack: &Stack, cluster: &Cluster) -> Verdict {
        let details = PlacementDetails {
            method: self.method,
            plan: self.plan.as_ref().map(|p| plan_rows(stack, cluster, p)),
            tolerance: self.tolerance.clone(),
            suggestions: self.suggestions.clone(),
            certificates: self.certificates.clone(),
        };
        Verdict::new(self.status, self.summary.clone(), details)
    }
}

/// Decides one scenario completely: fast paths, then z3 on the residue.
pub(crate) fn decide(
    p: &Problem,
    stack: &Stack,
    cluster: &Cluster,
    down: &NodeSet,
    opts: &PlacementOptions,
) -> Decision {
    if let Some(d) = decide_fast(p, stack, cluster, down, opts.max_plan_tasks) {
        return d;
    }
    // Half of the time left is the local search's and the exact solver has the rest, unless
    // the residue is too large for the solver.
    let work = repair_work(p);
    let share = if smt::within_bound(p) {
        opts.deadline.within_ms(opts.deadline.remaining_ms() / 2)
    } else {
        opts.deadline
    };
    if let Some(counts) = repair::repair(p, down, work, share) {
        return finish(
            p,
            stack,
            cluster,
            down,
            &counts,
            Method::LocalSearch,
            opts.max_plan_tasks,
        );
    }
    let searched = if share.passed() {
        "the local search stopped at its share of the time limit without a plan".to_string()
    } else {
        format!("the local search stopped at its bound of {work} move evaluations without a plan")
    };
    let result = smt::solve(p, std::slice::from_ref(down), opts.deadline)
        .pop()
        .unwrap_or_else(|| SmtResult::Unknown("no answer".into()));
    match from_smt(p, stack, cluster, down, result, opts) {
        Decision::Unknown(diag) => Decision::Unknown(Box::new((*diag).with_note(searched))),
        d => d,
    }
}

pub(crate) fn from_smt(
    p: &Problem,
    stack: &Stack,
    cluster: &Cluster,
    down: &NodeSet,
    result: SmtResult,
    opts: &PlacementOptions,
) -> Decision {
    match result {
        SmtResult::Sat(counts) => finish(p, stack, cluster, down, &counts, Method::Smt, opts.max_plan_tasks),
        SmtResult::Unsat(core) => Decision::Infeasible(vec![Conflict::Core(core)], Method::Smt),
        SmtResult::Unknown(why) => Decision::Unknown(Box::new(
            Diagnostic::warning(
                &codes::PLACEMENT_UNKNOWN,
                format!("placement is undecided: {why}"),
            )
            .with_note(format!(
                "the fast placement found no plan and every counting argument passed; the whole decision is limited to {} ms (--timeout-ms)",
                opts.timeout_ms
            )),
        )),
    }
}

/// The placement check: a validated plan (`holds`), a proof that none exists with its
/// explanation (`violated`), or `unknown` when a bound was hit.
pub fn check_placement(stack: &Stack, cluster: &Cluster, opts: &PlacementOptions) -> Placement {
    let opts = &PlacementOptions {
        deadline: opts.deadline.within_ms(opts.timeout_ms),
        ..opts.clone()
    };
    let p = Problem::build(stack, cluster);
    let mut diagnostics = input_findings(stack, &p);
    let none = NodeSet::default();
    let mut out = Placement {
        status: Status::Unknown,
        summary: String::new(),
        method: None,
        plan: None,
        diagnostics: Vec::new(),
        tolerance: None,
        suggestions: Vec::new(),
        certificates: Vec::new(),
    };
    match decide(&p, stack, cluster, &none, opts) {
        Decision::Feasible(plan, method) => {
            out.status = Status::Holds;
            out.method = Some(method);
            out.summary = format!(
                "feasible: a validated plan places all {} tasks on {} nodes",
                plan.assignments.len(),
                cluster.nodes.len()
            );
            out.plan = Some(plan);
            if let Some(t) = &opts.tolerate {
                let (outcome, diags) = check_tolerance(&p, stack, cluster, t, opts);
                diagnostics.extend(diags);
                out.status = outcome.status;
                out.summary = format!("{}; {}", out.summary, outcome.summary);
                out.tolerance = Some(outcome);
            }
        }
        Decision::Infeasible(conflicts, method) => {
            out.status = Status::Violated;
            out.method = Some(method);
            let ex = Explainer {
                stack,
                cluster,
                problem: &p,
                down: &none,
            };
            let certified = explain_and_certify(&conflicts, &ex);
            diagnostics.extend(certified.diagnostics);
            out.certificates = certified.certificates;
            if !certified.proven {
                out.status = Status::Unknown;
                out.summary =
                    "unknown: the refutations found failed their independent check (a bug)".into();
                out.diagnostics = diagnostics;
                return out;
            }
            out.summary = format!(
                "infeasible: no placement of every task exists ({} finding{})",
                conflicts.len(),
                if conflicts.len() == 1 { "" } else { "s" }
            );
            let statics = conflicts.iter().any(|c| matches!(c, Conflict::Static(_)));
            if opts.suggest && !statics {
                for (line, diag) in suggest(&p, stack, cluster, opts) {
                    out.suggestions.push(line);
                    diagnostics.push(diag);
                }
            }
        }
        Decision::Unknown(diag) => {
            out.summary = format!("unknown: {}", diag.message);
            diagnostics.push(*diag);
        }
    }
    out.diagnostics = diagnostics;
    out
}

/// Findings about the input itself that do not decide anything: global services with no node.
fn input_findings(stack: &Stack, p: &Problem) -> Vec<Diagnostic> {
    p.globals
        .iter()
        .filter(|(_, targets)| targets.is_empty())
        .map(|&(si, _)| {
            let s = &stack.services[si];
            Diagnostic::warning(
                &codes::GLOBAL_NO_NODE,
                format!(
                    "global service {} matches no node: it will run zero tasks",
                    s.name
                ),
            )
            .at_service(s.name.clone(), s.mode.span.or(s.span), "global service")
        })
        .collect()
}

/// The SMT-LIB text of the placement problem (`--dump-smt2 FILE`), with a header that maps
/// variables to services and nodes.
pub fn dump_smt2(stack: &Stack, cluster: &Cluster) -> String {
    let p = Problem::build(stack, cluster);
    let mut out = String::from(
        "; swarmproof placement problem (see specs/placement.md)\n\
         ; x_D_N = tasks of replicated demand D on node N; down_N = node N is lost\n",
    );
    for (d, dm) in p.demands.iter().enumerate() {
        out.push_str(&format!(
            "; demand {d} = service {} ({} replicas)\n",
            stack.services[dm.service].name, dm.replicas
        ));
    }
    for (n, node) in cluster.nodes.iter().enumerate() {
        out.push_str(&format!("; node {n} = {}\n", node.hostname));
    }
    for c in &p.conflicts {
        out.push_str(&format!(
            "; refuted before encoding: {c:?}\n(assert false)\n"
        ));
    }
    out.push_str(&smt::to_smt2(&p));
    out
}
