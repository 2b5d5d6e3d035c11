//! One run of the scheduler from a start state: service groups in an order chosen one group at
//! a time, then the retry rounds. A run is a value (`Runner`) that can be cloned between two
//! groups, so that the exploration resumes the next order from the deepest group boundary it
//! shares with an explored one instead of replaying everything before it.

use super::choice::Chooser;
use super::engine::Engine;
use super::memo::Memo;
use super::{Assignment, PendingTask, SimError, SimOptions, Simulation, Start, Strategy};
use crate::model::Task;
use crate::model::{Cluster, Stack};

/// How a run ended.
pub(crate) enum RunEnd {
    Finished(Simulation),
    /// It reached a state `memo` had already explored (see `memo`).
    Merged,
}

/// A run in progress.
#[derive(Clone)]
pub(crate) struct Runner<'a> {
    stack: &'a Stack,
    cluster: &'a Cluster,
    start: &'a Start,
    opts: &'a SimOptions,
    engine: Engine<'a>,
    fixed: Option<Vec<usize>>,
    /// Per service: how many tasks are queued and the nodes of the preassigned ones.
    queued: Vec<(usize, Vec<usize>)>,
    remaining: Vec<usize>,
    order: Vec<usize>,
    /// Units of work done since the run started or resumed: nodes + tasks per group scheduled,
    /// nodes × services per state key, nodes + placed tasks per snapshot.
    work: u64,
}

/// Clones of runs between two groups, by the number of choices made before them (deepest
/// last). A later order that repeats those choices can resume from the clone. The clones'
/// estimated size is bounded: past the bound a boundary is not kept, and a later run replays
/// from an earlier clone instead (slower, same result).
pub(crate) struct Snapshots<'a> {
    kept: Vec<(usize, usize, Runner<'a>)>,
    bytes: usize,
    limit: usize,
}

impl<'a> Snapshots<'a> {
    pub(crate) fn new(limit: usize) -> Self {
        Snapshots {
            kept: Vec::new(),
            bytes: 0,
            limit,
        }
    }

    /// The deepest clone made before `choices` choices, dropping every deeper one (a run
    /// that goes on from a different choice there cannot use them).
    pub(crate) fn resume_before(&mut self, choices: usize) -> Option<&Runner<'a>> {
        while self.kept.last().is_some_and(|(p, _, _)| *p >= choices) {
            self.pop();
        }
        self.kept.last().map(|(_, _, r)| r)
    }

    fn pop(&mut self) {
        if let Some((_, size, _)) = self.kept.pop() {
            self.bytes -= size;
        }
    }

    /// Keeps a clone of `runner`, made after `position` choices; replaces a clone at the same
    /// position (no choice lies between them).
    fn keep(&mut self, position: usize, runner: &Runner<'a>) {
        if self.kept.last().is_some_and(|(p, _, _)| *p == position) {
            self.pop();
        }
        let size = runner.bytes();
        if self.bytes.saturating_add(size) <= self.limit {
            self.bytes += size;
            self.kept.push((position, size, runner.clone()));
        }
    }
}

impl<'a> Runner<'a> {
    pub(crate) fn new(
        stack: &'a Stack,
        cluster: &'a Cluster,
        opts: &'a SimOptions,
        chooser: Chooser,
        start: &'a Start,
    ) -> Result<Self, SimError> {
        let mut engine = Engine::new(stack, cluster, chooser);
        for &(task, node) in &start.existing {
            engine.assign(task, node);
        }
        engine.preassigned = start.preassigned.clone();
        let mut remaining: Vec<usize> = start.queued.iter().map(|t| t.service).collect();
        remaining.sort_unstable();
        remaining.dedup();
        let fixed = fixed_service_order(stack, opts, &remaining)?;
        let mut queued: Vec<(usize, Vec<usize>)> = vec![(0, Vec::new()); stack.services.len()];
        for t in &start.queued {
            queued[t.service].0 += 1;
            if let Some(&node) = engine.preassigned.get(t) {
                queued[t.service].1.push(node);
            }
        }
        for (_, nodes) in &mut queued {
            nodes.sort_unstable();
        }
        for &s in &remaining {
            engine.live[s] = true;
        }
        Ok(Runner {
            stack,
            cluster,
            start,
            opts,
            engine,
            fixed,
            queued,
            remaining,
            order: Vec::new(),
            work: 0,
        })
    }

    /// A clone that goes on with `prefix` as the choices to replay, counting its work afresh;
    /// the choices made so far must be a prefix of it (a clone from `Snapshots` whose position
    /// is within it).
    pub(crate) fn resume(&self, prefix: Vec<u32>) -> Runner<'a> {
        let mut r = self.clone();
        r.engine.chooser.replace_prefix(prefix);
        r.work = 0;
        r
    }

    /// Runs to the end; returns how it ended, the (choice, arity) trace and the work done. With
    /// a `memo`, stops at the first state between service groups that an
    /// earlier run entered, once the choices to replay are used up (before that, the run
    /// retraces an explored prefix). With `snapshots`, leaves a clone at every group boundary
    /// it goes on from.
    pub(crate) fn finish(
        mut self,
        mut memo: Option<&mut Memo>,
        mut snapshots: Option<&mut Snapshots<'a>>,
    ) -> (RunEnd, Vec<(u32, u32)>, u64) {
        let nodes = self.cluster.nodes.len() as u64;
        let services = self.stack.services.len() as u64;
        loop {
            if let Some(memo) = memo.as_deref_mut() {
                if !self.engine.chooser.replaying() {
                    self.work = self.work.saturating_add(nodes.saturating_mul(services));
                    let key = self
                        .engine
                        .boundary_key(&self.remaining, &self.order, &self.queued);
                    if !memo.enter(key) {
                        return (RunEnd::Merged, self.engine.chooser.trace, self.work);
                    }
                }
            }
            if let Some(snapshots) = snapshots.as_deref_mut() {
                // A clone copies the node accounting and the placed tasks.
                self.work = self
                    .work
                    .saturating_add(nodes)
                    .saturating_add(self.engine.placed.len() as u64);
                snapshots.keep(self.engine.chooser.trace.len(), &self);
            }
            if self.remaining.is_empty() {
                break;
            }
            self.next_group();
        }
        self.engine
            .retry_until_stable(&self.order, self.opts.strategy);
        let sim = self.simulation();
        (RunEnd::Finished(sim), self.engine.chooser.trace, self.work)
    }

    /// About how many bytes a clone takes: node accounting, placed and Pending tasks.
    fn bytes(&self) -> usize {
        let services = self.stack.services.len();
        self.cluster.nodes.len() * (160 + 48 * services)
            + self.engine.placed.len() * 64
            + self.engine.pending.len() * 160
            + self.engine.chooser.trace.len() * 8
    }

    /// Chooses the next service group and schedules it.
    fn next_group(&mut self) {
        let e = &mut self.engine;
        let s = match &self.fixed {
            Some(f) => f[self.order.len()],
            None => {
                let candidates = e.service_candidates(&self.remaining, &self.queued);
                candidates[e.chooser.choose(candidates.len())]
            }
        };
        self.remaining.retain(|&r| r != s);
        self.order.push(s);
        let (global, replicated): (Vec<Task>, Vec<Task>) = self
            .start
            .queued
            .iter()
            .filter(|t| t.service == s)
            .partition(|t| e.preassigned.contains_key(t));
        self.work = self
            .work
            .saturating_add((self.cluster.nodes.len() + global.len() + replicated.len()) as u64);
        for task in global {
            if let Some(&node) = e.preassigned.get(&task) {
                e.confirm_preassigned(task, node);
            }
        }
        e.schedule_group(s, replicated, self.opts.strategy);
        e.live[s] = e.pending.keys().any(|t| t.service == s);
    }

    fn simulation(&self) -> Simulation {
        let (stack, cluster) = (self.stack, self.cluster);
        let assignment = |(task, node): (Task, usize)| Assignment {
            task,
            service: stack.services[task.service].name.clone(),
            node,
            hostname: cluster.nodes[node].hostname.clone(),
        };
        Simulation {
            strategy: self.opts.strategy,
            order: self.opts.order.clone(),
            service_order: self
                .order
                .iter()
                .map(|&s| stack.services[s].name.clone())
                .collect(),
            assignments: self
                .engine
                .placed
                .iter()
                .map(|(&t, &n)| assignment((t, n)))
                .collect(),
            pending: self
                .engine
                .pending
                .iter()
                .map(|(&task, info)| PendingTask {
                    task,
                    service: stack.services[task.service].name.clone(),
                    message: info.message.clone(),
                    first_message: info.first_message.clone(),
                    node: info.node.map(|n| cluster.nodes[n].hostname.clone()),
                })
                .collect(),
            not_created: self.start.not_created.clone(),
            not_replaced: self
                .start
                .not_replaced
                .iter()
                .copied()
                .map(assignment)
                .collect(),
        }
    }
}

/// Runs the scheduler from `start` to the end, without merging (see `Runner::finish`);
/// returns the simulation and the (choice, arity) trace.
pub(crate) fn run(
    stack: &Stack,
    cluster: &Cluster,
    opts: &SimOptions,
    chooser: Chooser,
    start: &Start,
) -> Result<(Simulation, Vec<(u32, u32)>), SimError> {
    match Runner::new(stack, cluster, opts, chooser, start)?.finish(None, None) {
        (RunEnd::Finished(sim), trace, _) => Ok((sim, trace)),
        (RunEnd::Merged, ..) => unreachable!("a run without a memo is never merged"),
    }
}

/// The order of service groups when it is fixed in advance: by the caller, or by bin-packing's
/// largest-first rule. `None`: Swarm's map order, chosen one group at a time.
fn fixed_service_order(
    stack: &Stack,
    opts: &SimOptions,
    services: &[usize],
) -> Result<Option<Vec<usize>>, SimError> {
    if let Some(order) = &opts.service_order {
        let mut sorted = order.clone();
        sorted.sort_unstable();
        if sorted != (0..stack.services.len()).collect::<Vec<_>>() {
            return Err(SimError::BadServiceOrder);
        }
        return Ok(Some(
            order
                .iter()
                .copied()
                .filter(|s| services.contains(s))
                .collect(),
        ));
    }
    Ok(match opts.strategy {
        // Largest reservation first, global services before (first-fit decreasing).
        Strategy::BinPack => {
            let mut order = services.to_vec();
            order.sort_by_key(|&i| {
                let s = &stack.services[i];
                let r = &s.resources.reservations;
                (
                    !s.mode.value.is_global(),
                    std::cmp::Reverse((*r.memory_bytes, *r.nano_cpus)),
                    i,
                )
            });
            Some(order)
        }
        Strategy::Spread | Strategy::Random => None,
    })
}
