//! Exploration of the orders Swarm does not fix: the order of service groups, ties between nodes
//! of equal rank (up to swapping identical nodes), and the branch order of the preference
//! division. A depth-first enumeration of choice sequences is exhaustive when it finishes within
//! the run budget; otherwise seeded samples follow and the result says it is incomplete. An order
//! that leaves tasks Pending is replayed before it is returned as evidence.

use std::collections::BTreeSet;

use serde::Serialize;

use super::choice::Chooser;
use super::memo::Memo;
use super::outcome::Outcome;
use super::run::{Runner, Snapshots};
use super::{
    run, simulate_disruption_start, Disruption, Order, RunEnd, SimError, SimOptions, Simulation,
    Start,
};
use crate::model::{Cluster, Stack};
use crate::report::Status;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExploreOptions {
    /// Depth-first runs before giving up on exhaustiveness.
    pub max_runs: usize,
    /// Units of work (see `Runner::work`) before giving up on exhaustiveness.
    pub max_work: u64,
    /// Bytes the explored states may take before giving up on exhaustiveness; the clones runs
    /// resume from get as many.
    pub max_memo_bytes: usize,
    /// Seeded sample runs when the enumeration is cut.
    pub samples: usize,
    pub seed: u64,
    /// Fix the order of service groups (e.g. to check a deployment order).
    pub service_order: Option<Vec<usize>>,
    /// Follow only the first order reaching each state between service groups (`memo`), skip
    /// choices that cannot change the outcome (`NodeOrdering::RankedTies`, identical services,
    /// the division loop's commuting branches) and resume runs from clones. Off only to
    /// cross-check against the plain enumeration of every Go map order.
    pub reduce: bool,
    /// Collect the outcome of every order (`Exploration::outcomes`). Runs then never stop at an
    /// explored state: a merged run's continuation is known, but not what it placed before.
    pub outcomes: bool,
    /// The run's `--timeout`: no further order is explored or sampled after it.
    pub deadline: crate::deadline::Deadline,
}

impl Default for ExploreOptions {
    fn default() -> Self {
        ExploreOptions {
            max_runs: 2000,
            max_work: u64::MAX,
            max_memo_bytes: 256 << 20,
            samples: 200,
            seed: 0,
            service_order: None,
            reduce: true,
            outcomes: false,
            deadline: crate::deadline::Deadline::NEVER,
        }
    }
}

impl ExploreOptions {
    /// The budget of `check`: twenty million units of work (`Runner::work`: nodes + tasks per
    /// group scheduled, nodes × services per state key, nodes + placed tasks per snapshot; a
    /// unit takes about 0.1 µs, so a few seconds at most), which decides twenty services on ten
    /// nodes (`models/twenty-services`). Seeded samples, if the enumeration is cut, cost about
    /// nodes × services + tasks each and get a hundredth of the budget (1 to 200 of them).
    pub fn scaled(stack: &Stack, cluster: &Cluster) -> ExploreOptions {
        let tasks: u64 = stack
            .services
            .iter()
            .map(|s| {
                s.mode
                    .value
                    .replicated_tasks()
                    .unwrap_or(cluster.nodes.len() as u64)
            })
            .fold(0, u64::saturating_add);
        let per_run = (cluster.nodes.len() as u64)
            .saturating_mul(stack.services.len() as u64)
            .saturating_add(tasks)
            .max(1);
        let max_work = 20_000_000;
        ExploreOptions {
            max_runs: 1_000_000,
            max_work,
            samples: (max_work / 100 / per_run).clamp(1, 200) as usize,
            ..ExploreOptions::default()
        }
    }
}

/// An order that leaves tasks Pending, with the run it produces (replayed).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Witness {
    pub choices: Vec<u32>,
    pub simulation: Simulation,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Exploration {
    /// `Holds`: no explored order leaves a task Pending and the enumeration was exhaustive;
    /// `Violated`: `witness` leaves tasks Pending; `Unknown`: none found, search incomplete.
    pub status: Status,
    pub exhaustive: bool,
    pub runs: usize,
    /// Runs stopped at a state an earlier run had reached (its continuations were explored).
    pub merged_runs: usize,
    /// Runs that placed every task.
    pub complete_runs: usize,
    /// The explored order leaving the most tasks Pending.
    pub witness: Option<Witness>,
    /// Every distinct outcome of the explored orders, when `ExploreOptions::outcomes` asks.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub outcomes: Vec<Outcome>,
}

/// Explores the orders of a fresh deploy.
pub fn explore(
    stack: &Stack,
    cluster: &Cluster,
    opts: &ExploreOptions,
) -> Result<Exploration, SimError> {
    explore_from(stack, cluster, opts, &|| Start::deploy(stack, cluster))
}

/// Explores the rescheduling orders after `disruption` of the converged `before`. The
/// exploration runs on the disrupted cluster (see `disrupted_cluster`).
pub fn explore_disruption(
    stack: &Stack,
    cluster: &Cluster,
    before: &Simulation,
    disruption: &Disruption,
    opts: &ExploreOptions,
) -> Result<Exploration, SimError> {
    let (after, _) = super::disrupted_cluster(cluster, disruption)?;
    explore_from(stack, &after, opts, &|| {
        simulate_disruption_start(stack, cluster, before, disruption).map(|(start, _)| start)
    })
}

fn pending_count(sim: &Simulation) -> usize {
    sim.pending.len()
}

fn explore_from(
    stack: &Stack,
    cluster: &Cluster,
    opts: &ExploreOptions,
    start: &dyn Fn() -> Result<Start, SimError>,
) -> Result<Exploration, SimError> {
    let sim_opts = |choices: Vec<u32>| SimOptions {
        order: Order::Choices(choices),
        service_order: opts.service_order.clone(),
        ..SimOptions::default()
    };
    let chooser = |prefix: Vec<u32>| {
        if opts.reduce {
            Chooser::replay(prefix)
        } else {
            Chooser::replay_unreduced(prefix)
        }
    };
    let mut runs = 0;
    let mut merged_runs = 0;
    let mut complete_runs = 0;
    let mut best: Option<(usize, Vec<u32>)> = None;
    let mut outcomes = BTreeSet::new();
    let mut record = |end: RunEnd, choices: Vec<u32>| match end {
        RunEnd::Merged => merged_runs += 1,
        RunEnd::Finished(sim) => {
            if opts.outcomes {
                outcomes.insert(Outcome::of(&sim));
            }
            let pending = pending_count(&sim);
            if pending == 0 {
                complete_runs += 1;
            } else if best.as_ref().is_none_or(|(b, _)| pending > *b) {
                best = Some((pending, choices));
            }
        }
    };

    // Depth-first over choice sequences: replay a prefix, default the rest to 0, then advance
    // the deepest choice that has an untried alternative. A run that reaches an explored state
    // stops there, so its trace ends there and the search backtracks from it. Each run resumes
    // from the deepest group boundary of the previous runs that lies within its prefix.
    let run_opts = sim_opts(Vec::new());
    let first = start()?;
    let mut memo = Memo::default();
    let mut snapshots = Snapshots::new(opts.max_memo_bytes);
    let mut work: u64 = 0;
    let mut prefix: Vec<u32> = Vec::new();
    let mut exhaustive = false;
    let in_time = || !opts.deadline.passed();
    while runs < opts.max_runs
        && work < opts.max_work
        && memo.bytes() < opts.max_memo_bytes
        && in_time()
    {
        let runner = match snapshots.resume_before(prefix.len()) {
            Some(snapshot) => snapshot.resume(prefix.clone()),
            None => Runner::new(stack, cluster, &run_opts, chooser(prefix.clone()), &first)?,
        };
        // The unreduced enumeration replays every run from the start: it is the reference.
        let (end, trace, w) = runner.finish(
            (opts.reduce && !opts.outcomes).then_some(&mut memo),
            opts.reduce.then_some(&mut snapshots),
        );
        runs += 1;
        work = work.saturating_add(w);
        record(end, trace.iter().map(|&(c, _)| c).collect());
        let mut trace = trace;
        let next = loop {
            match trace.pop() {
                Some((c, arity)) if c + 1 < arity => {
                    let mut p: Vec<u32> = trace.iter().map(|&(c, _)| c).collect();
                    p.push(c + 1);
                    break Some(p);
                }
                Some(_) => continue,
                None => break None,
            }
        };
        match next {
            Some(p) => prefix = p,
            None => {
                exhaustive = true;
                break;
            }
        }
    }
    if !exhaustive {
        for i in (0..opts.samples).take_while(|_| in_time()) {
            let seed = opts.seed.wrapping_add(i as u64);
            let (sim, trace) = run(
                stack,
                cluster,
                &sim_opts(Vec::new()),
                Chooser::sampled(seed),
                &first,
            )?;
            runs += 1;
            record(
                RunEnd::Finished(sim),
                trace.iter().map(|&(c, _)| c).collect(),
            );
        }
    }

    // Replay the worst order before reporting it.
    let witness = match best {
        Some((pending, choices)) => {
            let (sim, _) = run(
                stack,
                cluster,
                &sim_opts(choices.clone()),
                chooser(choices.clone()),
                &first,
            )?;
            (pending_count(&sim) == pending).then_some(Witness {
                choices,
                simulation: sim,
            })
        }
        None => None,
    };
    let status = match (&witness, exhaustive) {
        (Some(_), _) => Status::Violated,
        (None, true) => Status::Holds,
        (None, false) => Status::Unknown,
    };
    Ok(Exploration {
        status,
        exhaustive,
        runs,
        merged_runs,
        complete_runs,
        witness,
        outcomes: outcomes.into_iter().collect(),
    })
}
