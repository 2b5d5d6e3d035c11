//! The z3 façade: the only module that names z3 (the crate's API churns; upgrades touch this
//! file only). It encodes a `Problem` in counts, x[d][n] = tasks of demand d on node n, in
//! integer linear arithmetic over nano-CPUs and bytes (no reals: their constructors do not all
//! link against libz3 4.8.12). Rule groups are guarded by tracking literals so that an unsat
//! core names the rules in conflict; nodes lost in a failure scenario are assumption literals,
//! so one solver answers every scenario incrementally. See `specs/placement.md`.

use z3::ast::{Bool, Int};
use z3::{with_z3_config, Config, Optimize, Params, SatResult, Solver};

use crate::deadline::Deadline;

use super::constructive::Counts;
use super::explain::CoreItem;
use super::problem::{NodeSet, Port, Problem};

/// Encodings larger than this many count variables are not handed to the solver: building
/// and tearing down z3's terms costs about 10 µs per variable, and at this size z3 decides no
/// tight packing within seconds (it is `unknown` at 100 nodes × 3,000 tasks, 90 % full).
pub const MAX_VARIABLES: usize = 50_000;
/// Checks spent at most on shrinking an unsat core.
const MAX_SHRINK_CHECKS: usize = 40;

/// The solver's answer for one scenario.
#[derive(Clone, Debug)]
pub enum SmtResult {
    Sat(Counts),
    Unsat(Vec<CoreItem>),
    Unknown(String),
}

struct Encoding {
    /// Per demand: (node, count variable) over its eligible nodes.
    x: Vec<Vec<(usize, Int)>>,
    /// Per demand: its replica count (a variable when replicas may be lowered).
    replicas: Vec<Int>,
    /// Per node: the literal "this node is lost".
    down: Vec<Bool>,
    /// Always-true structure: bounds, lost nodes hold nothing, symmetry breaking.
    base: Vec<Bool>,
    /// The rule groups.
    groups: Vec<(CoreItem, Vec<Bool>)>,
}

fn sum(terms: &[Int]) -> Int {
    if terms.is_empty() {
        Int::from_u64(0)
    } else {
        Int::add(terms)
    }
}

fn count_variables(p: &Problem) -> usize {
    p.demands.iter().map(|d| d.eligible.len()).sum()
}

/// Whether the residue is small enough to hand to the solver.
pub fn within_bound(p: &Problem) -> bool {
    count_variables(p) <= MAX_VARIABLES
}

/// Building the terms is itself costly on large clusters (z3 cannot be interrupted while it
/// builds them), so the deadline is checked between rows; `None` once it has passed.
fn encode(
    p: &Problem,
    symmetry: bool,
    flexible_replicas: bool,
    deadline: Deadline,
) -> Option<Encoding> {
    let down: Vec<Bool> = (0..p.node_count())
        .map(|n| Bool::new_const(format!("down_{n}")))
        .collect();
    let mut base = Vec::new();
    let x: Vec<Vec<(usize, Int)>> = p
        .demands
        .iter()
        .enumerate()
        .map(|(d, dm)| {
            (!deadline.passed()).then(|| {
                dm.eligible
                    .iter()
                    .map(|n| {
                        let v = Int::new_const(format!("x_{d}_{n}"));
                        base.push(v.ge(Int::from_u64(0)));
                        base.push(v.le(Int::from_u64(dm.replicas)));
                        base.push(down[n].implies(v.eq(Int::from_u64(0))));
                        (n, v)
                    })
                    .collect()
            })
        })
        .collect::<Option<_>>()?;
    let replicas: Vec<Int> = p
        .demands
        .iter()
        .enumerate()
        .map(|(d, dm)| {
            if flexible_replicas {
                let r = Int::new_const(format!("replicas_{d}"));
                base.push(r.ge(Int::from_u64(0)));
                base.push(r.le(Int::from_u64(dm.replicas)));
                r
            } else {
                Int::from_u64(dm.replicas)
            }
        })
        .collect();
    let mut slot: Vec<Vec<Option<usize>>> = vec![vec![None; p.node_count()]; p.demands.len()];
    for (d, row) in x.iter().enumerate() {
        for (i, (n, _)) in row.iter().enumerate() {
            slot[d][*n] = Some(i);
        }
    }
    let var = |d: usize, n: usize| slot[d][n].map(|i| &x[d][i].1);

    let mut groups: Vec<(CoreItem, Vec<Bool>)> = Vec::new();
    for (d, dm) in p.demands.iter().enumerate() {
        let terms: Vec<Int> = x[d].iter().map(|(_, v)| v.clone()).collect();
        groups.push((CoreItem::Demand(d), vec![sum(&terms).eq(&replicas[d])]));
        if dm.max_per_node > 0 && dm.max_per_node < dm.replicas {
            let bound = Int::from_u64(dm.max_per_node);
            groups.push((
                CoreItem::MaxPerNode(d),
                x[d].iter().map(|(_, v)| v.le(&bound)).collect(),
            ));
        }
    }
    let ports: std::collections::BTreeSet<Port> = p
        .demands
        .iter()
        .flat_map(|d| d.ports.iter().copied())
        .collect();
    // One row per node: the sum of each demand's weighted count there, at most `limit`; no row
    // where no demand has a weight. `None` once the deadline has passed.
    let node_rows = |nodes: &mut dyn Iterator<Item = usize>,
                     weight: &dyn Fn(&super::problem::Demand) -> u64,
                     limit: &dyn Fn(usize) -> u64| {
        let mut rules = Vec::new();
        for n in nodes {
            if deadline.passed() {
                return None;
            }
            let terms: Vec<Int> = p
                .demands
                .iter()
                .enumerate()
                .filter_map(|(d, dm)| match weight(dm) {
                    0 => None,
                    1 => var(d, n).cloned(),
                    w => var(d, n).map(|v| v * Int::from_u64(w)),
                })
                .collect();
            if !terms.is_empty() {
                rules.push(sum(&terms).le(Int::from_u64(limit(n))));
            }
        }
        Some(rules)
    };
    for port in ports {
        let rules = node_rows(
            &mut (0..p.node_count()),
            &|dm| u64::from(dm.ports.contains(&port)),
            &|n| u64::from(!p.bound[n].contains(&port)),
        )?;
        groups.push((CoreItem::Port(port), rules));
    }
    for (class, members) in p.classes.iter().enumerate() {
        for dim in 0..p.dims.len() {
            let rules = node_rows(&mut members.iter().copied(), &|dm| dm.need[dim], &|n| {
                p.free[n][dim]
            })?;
            if !rules.is_empty() {
                groups.push((CoreItem::Capacity { class, dim }, rules));
            }
        }
    }

    // Members of a class are interchangeable and every rule group treats them alike, so any
    // solution of any subset of the groups can be permuted into one whose count vectors are
    // lexicographically non-increasing along the class. Lost nodes are always taken from the
    // end of their class (all-zero vectors are the smallest), which keeps this sound under
    // the scenario assumptions.
    if symmetry {
        for members in &p.classes {
            let ds: Vec<usize> = (0..p.demands.len())
                .filter(|&d| p.demands[d].replicas > 0 && var(d, members[0]).is_some())
                .collect();
            for pair in members.windows(2) {
                let mut ge = Bool::from_bool(true);
                for &d in ds.iter().rev() {
                    let (Some(a), Some(b)) = (var(d, pair[0]), var(d, pair[1])) else {
                        continue;
                    };
                    ge = Bool::or(&[a.gt(b), Bool::and(&[a.eq(b), ge])]);
                }
                base.push(ge);
            }
        }
    }
    Some(Encoding {
        x,
        replicas,
        down,
        base,
        groups,
    })
}

fn counts_of(e: &Encoding, model: &z3::Model) -> Option<Counts> {
    e.x.iter()
        .map(|row| {
            row.iter()
                .map(|(n, v)| Some((*n, model.eval(v, true)?.as_u64()?)))
                .filter(|r| r.is_none_or(|(_, k)| k > 0))
                .collect()
        })
        .collect()
}

fn config(deadline: Deadline) -> Config {
    let mut cfg = Config::new();
    cfg.set_timeout_msec(deadline.remaining_ms().max(1));
    cfg
}

/// Why the solver was not asked, or stopped: the bound by name.
const TIME_UP_ENCODING: &str = "the time limit was reached while the SMT encoding was built";
const TIME_UP_SOLVING: &str = "the SMT solver stopped at the time limit";

/// Decides each scenario (a set of lost nodes, taken from the end of their classes) with one
/// solver, incrementally, until `deadline`.
pub fn solve(p: &Problem, scenarios: &[NodeSet], deadline: Deadline) -> Vec<SmtResult> {
    let all_unknown = |why: String| -> Vec<SmtResult> {
        scenarios
            .iter()
            .map(|_| SmtResult::Unknown(why.clone()))
            .collect()
    };
    if !within_bound(p) {
        return all_unknown(format!(
            "the residue has {} count variables, above the solver bound of {MAX_VARIABLES}",
            count_variables(p)
        ));
    }
    with_z3_config(&config(deadline), || {
        // Tearing the terms down costs about as much as building them (z3 frees them one by
        // one), so building gets at most half of the time left.
        let building = deadline.within_ms(deadline.remaining_ms() / 2);
        let Some(e) = encode(p, true, false, building) else {
            return all_unknown(TIME_UP_ENCODING.into());
        };
        let solver = Solver::new();
        let mut params = Params::new();
        params.set_bool("unsat_core", true);
        solver.set_params(&params);
        for b in &e.base {
            solver.assert(b);
        }
        let lits: Vec<Bool> = (0..e.groups.len())
            .map(|i| Bool::new_const(format!("g_{i}")))
            .collect();
        for (lit, (_, rules)) in lits.iter().zip(&e.groups) {
            solver.assert(lit.implies(Bool::and(rules)));
        }
        scenarios
            .iter()
            .map(|down| {
                if deadline.passed() {
                    return SmtResult::Unknown(TIME_UP_SOLVING.into());
                }
                set_timeout(&solver, deadline.remaining_ms());
                let lost: Vec<Bool> = down.iter().map(|n| e.down[n].clone()).collect();
                let assume: Vec<Bool> = lits.iter().chain(&lost).cloned().collect();
                match solver.check_assumptions(&assume) {
                    SatResult::Sat => match solver.get_model().and_then(|m| counts_of(&e, &m)) {
                        Some(c) => SmtResult::Sat(c),
                        None => SmtResult::Unknown("the solver returned no usable model".into()),
                    },
                    SatResult::Unsat => {
                        let core = shrink(&solver, &lits, &lost, deadline);
                        SmtResult::Unsat(core.into_iter().map(|i| e.groups[i].0.clone()).collect())
                    }
                    SatResult::Unknown if deadline.passed() => {
                        SmtResult::Unknown(TIME_UP_SOLVING.into())
                    }
                    SatResult::Unknown => SmtResult::Unknown(
                        solver
                            .get_reason_unknown()
                            .unwrap_or_else(|| "unknown".into()),
                    ),
                }
            })
            .collect()
    })
}

fn set_timeout(solver: &Solver, ms: u64) {
    let mut params = Params::new();
    params.set_bool("unsat_core", true);
    params.set_u32("timeout", u32::try_from(ms.max(1)).unwrap_or(u32::MAX));
    solver.set_params(&params);
}

/// The group indices of an unsat core, made smaller by deletion within a quarter of the time
/// left (a trial that times out keeps its group).
fn shrink(solver: &Solver, lits: &[Bool], lost: &[Bool], deadline: Deadline) -> Vec<usize> {
    let deadline = deadline.within_ms(deadline.remaining_ms() / 4);
    let names: Vec<String> = solver
        .get_unsat_core()
        .iter()
        .map(|b| b.to_string())
        .collect();
    let mut core: Vec<usize> = (0..lits.len())
        .filter(|&i| names.contains(&lits[i].to_string()))
        .collect();
    if core.len() > MAX_SHRINK_CHECKS {
        return core;
    }
    let mut i = 0;
    while i < core.len() && !deadline.passed() {
        set_timeout(solver, deadline.remaining_ms());
        let trial: Vec<Bool> = core
            .iter()
            .enumerate()
            .filter(|&(j, _)| j != i)
            .map(|(_, &g)| lits[g].clone())
            .chain(lost.iter().cloned())
            .collect();
        if solver.check_assumptions(&trial) == SatResult::Unsat {
            core.remove(i);
        } else {
            i += 1;
        }
    }
    core
}

/// The SMT-LIB text of the whole problem (every rule asserted, no tracking), for teaching and
/// bug reports.
pub fn to_smt2(p: &Problem) -> String {
    with_z3_config(&Config::new(), || {
        // Without a deadline the encoding is always built.
        encode(p, true, false, Deadline::NEVER).map_or_else(String::new, |e| {
            let solver = Solver::new();
            for b in &e.base {
                solver.assert(b);
            }
            for (_, rules) in &e.groups {
                for r in rules {
                    solver.assert(r);
                }
            }
            solver.to_smt2()
        })
    })
}

/// An optimiser's answer: the best solution found, and whether it was proved optimal (false
/// when the optimiser stopped at its timeout with a solution in hand).
pub type Optimum<T> = Option<(T, bool)>;

/// The model of an optimiser run: proved optimal on `sat`, best so far on a timeout.
fn optimum(opt: &Optimize) -> Option<(z3::Model, bool)> {
    match opt.check(&[]) {
        SatResult::Sat => Some((opt.get_model()?, true)),
        SatResult::Unknown => Some((opt.get_model()?, false)),
        SatResult::Unsat => None,
    }
}

/// An optimiser asserting every constraint of `e`, groups included.
fn optimizer(e: &Encoding) -> Optimize {
    let opt = Optimize::new();
    for b in e.base.iter().chain(e.groups.iter().flat_map(|(_, r)| r)) {
        opt.assert(b);
    }
    opt
}

/// With z3's optimiser: the replica counts closest to the requested ones (fewest tasks
/// removed in total) under which a placement exists.
pub fn fewest_removed(p: &Problem, deadline: Deadline) -> Optimum<Vec<u64>> {
    if !within_bound(p) {
        return None;
    }
    with_z3_config(&config(deadline), || {
        let e = encode(p, true, true, deadline)?;
        let opt = optimizer(&e);
        opt.maximize(&sum(&e.replicas));
        let (model, proved) = optimum(&opt)?;
        let replicas: Option<Vec<u64>> = e
            .replicas
            .iter()
            .map(|r| model.eval(r, true)?.as_u64())
            .collect();
        Some((replicas?, proved))
    })
}

/// With z3's optimiser: the fewest of the `optional` nodes to keep (the others are lost) for a
/// placement to exist.
pub fn fewest_added(p: &Problem, optional: &NodeSet, deadline: Deadline) -> Optimum<NodeSet> {
    if !within_bound(p) {
        return None;
    }
    with_z3_config(&config(deadline), || {
        // No symmetry breaking: which optional nodes stay is the objective itself.
        let e = encode(p, false, false, deadline)?;
        let opt = optimizer(&e);
        let used: Vec<Int> = optional
            .iter()
            .map(|n| e.down[n].ite(&Int::from_u64(0), &Int::from_u64(1)))
            .collect();
        opt.minimize(&sum(&used));
        let (model, proved) = optimum(&opt)?;
        let kept = optional
            .iter()
            .filter(|&n| model.eval(&e.down[n], true).and_then(|b| b.as_bool()) == Some(false))
            .collect();
        Some((kept, proved))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Cluster, Stack};
    use crate::placement::tests::{node, svc};

    /// What z3 answers for an SMT-LIB text read back in.
    fn answer(text: &str) -> SatResult {
        with_z3_config(&config(Deadline::after_ms(5_000)), || {
            let solver = Solver::new();
            solver.from_string(text);
            solver.check()
        })
    }

    #[test]
    fn the_dump_is_equisatisfiable_with_the_problem() {
        // a: 2 × 0.6 CPU, b: 1 × 0.5 CPU on 1-CPU nodes: no placement on two, one on three.
        let st = Stack {
            services: vec![svc("a", 2, 600, 0), svc("b", 1, 500, 0)],
            ..Stack::default()
        };
        for (nodes, want) in [(2, SatResult::Unsat), (3, SatResult::Sat)] {
            let cl = Cluster::new(
                (0..nodes)
                    .map(|i| node(&format!("n{i}"), 1000, 0))
                    .collect(),
            );
            let p = Problem::build(&st, &cl);
            assert_eq!(answer(&to_smt2(&p)), want, "{nodes} nodes");
        }
    }
}
