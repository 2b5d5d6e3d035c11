//! Plan finding where the constructive pass fails: a complete but possibly overloaded
//! assignment, repaired by local search. Tasks of one demand are identical, so the state is a
//! count per (demand, node). Every hard rule other than capacity (eligibility, host ports,
//! `max_replicas_per_node`, one task fitting alone) holds in every state; capacity overflow is
//! the only violation and the search minimises it with single-task moves and two-task swaps,
//! a tabu list, and breakout weights (a constraint that stays violated at a local minimum
//! weighs more). Floats only steer the search; the result is a candidate that the caller
//! validates exactly, and failing to find one proves nothing.

use std::collections::BTreeMap;

use crate::deadline::Deadline;

use super::constructive::Counts;
use super::problem::{NodeSet, Port, Problem};

/// Partner nodes examined per swap step when the cluster is large: swaps cost
/// demands × nodes × demands, and a sample keeps a step near linear in the cluster size.
const SWAP_SAMPLE: usize = 48;

/// A deterministic xorshift generator: the search must give the same answer on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

struct State<'a> {
    p: &'a Problem,
    nodes: usize,
    /// Tasks of demand d on node n at `n * demands + d`: node-major, because the swap scan
    /// reads every demand on a node.
    x: Vec<u64>,
    /// Most tasks of demand d node n can ever hold (rules other than shared capacity).
    cap: Vec<u64>,
    /// Live nodes where one task of d fits alone, per demand.
    elig: Vec<Vec<usize>>,
    load: Vec<Vec<u128>>,
    /// The same loads, and the rooms and needs, as floats: they only steer the search (whether
    /// a node overflows is always read off the exact `load`), and converting on every
    /// evaluation dominated the run time.
    loadf: Vec<Vec<f64>>,
    freef: Vec<Vec<f64>>,
    needf: Vec<Vec<f64>>,
    /// Tasks binding each host port on each node (replicated demands only).
    ports: Vec<BTreeMap<Port, u64>>,
    /// Breakout weight per (node, dim).
    weight: Vec<Vec<f64>>,
    /// One task's worth of each dim, so overflow is measured in tasks.
    scale: Vec<f64>,
    /// Move of demand d onto node n is tabu until this step.
    tabu: Vec<u64>,
}

impl State<'_> {
    fn idx(&self, d: usize, n: usize) -> usize {
        n * self.p.demands.len() + d
    }

    /// Weighted overflow of node `n` if its load changed by `add` minus `sub` tasks' needs.
    fn cost_with(&self, n: usize, add: Option<usize>, sub: Option<usize>) -> f64 {
        let mut c = 0.0;
        for k in 0..self.scale.len() {
            let mut l = self.loadf[n][k];
            if let Some(d) = add {
                l += self.needf[d][k];
            }
            if let Some(d) = sub {
                l -= self.needf[d][k];
            }
            let over = l - self.freef[n][k];
            if over > 0.0 {
                c += self.weight[n][k] * over / self.scale[k];
            }
        }
        c
    }

    fn overloaded(&self, n: usize) -> bool {
        (0..self.p.dims.len()).any(|k| self.load[n][k] > u128::from(self.p.free[n][k]))
    }

    /// Whether one more task of `d` may go on `n` when `leaving` (another demand) has one task
    /// leave it in the same step.
    fn may_add(&self, d: usize, n: usize, leaving: Option<usize>) -> bool {
        let i = self.idx(d, n);
        if self.x[i] >= self.cap[i] {
            return false;
        }
        self.p.demands[d].ports.iter().all(|port| {
            let used = self.ports[n].get(port).copied().unwrap_or(0);
            let freed = leaving
                .filter(|&e| self.p.demands[e].ports.contains(port))
                .map_or(0, |_| 1);
            used <= freed
        })
    }

    fn shift(&mut self, d: usize, n: usize, add: bool) {
        let i = self.idx(d, n);
        let dm = &self.p.demands[d];
        for k in 0..self.p.dims.len() {
            let v = u128::from(dm.need[k]);
            if add {
                self.load[n][k] += v;
            } else {
                self.load[n][k] -= v;
            }
            // Recomputed, not accumulated, so rounding never drifts.
            self.loadf[n][k] = self.load[n][k] as f64;
        }
        for port in &dm.ports {
            let c = self.ports[n].entry(*port).or_insert(0);
            if add {
                *c += 1;
            } else {
                *c -= 1;
            }
        }
        if add {
            self.x[i] += 1;
        } else {
            self.x[i] -= 1;
        }
    }
}

/// A candidate placement of every replicated task, or `None` when `work` delta evaluations, or
/// the time until `deadline`, found none (which proves nothing).
pub fn repair(p: &Problem, down: &NodeSet, work: u64, deadline: Deadline) -> Option<Counts> {
    let nodes = p.node_count();
    let dims = p.dims.len();
    let demands = p.demands.len();
    let mut cap = vec![0u64; demands * nodes];
    let mut elig = vec![Vec::new(); demands];
    for d in 0..demands {
        for n in p.eligible(d, down).iter() {
            let c = p.room(d, &p.free[n], &p.bound[n], 0);
            if c > 0 {
                cap[n * demands + d] = c;
                elig[d].push(n);
            }
        }
    }
    let tasks: u64 = p.demands.iter().map(|d| d.replicas).sum();
    let scale: Vec<f64> = (0..dims)
        .map(|k| {
            let total: f64 = p
                .demands
                .iter()
                .map(|d| d.replicas as f64 * d.need[k] as f64)
                .sum();
            (total / tasks.max(1) as f64).max(1.0)
        })
        .collect();
    let mut s = State {
        p,
        nodes,
        x: vec![0; demands * nodes],
        cap,
        elig,
        load: vec![vec![0; dims]; nodes],
        loadf: vec![vec![0.0; dims]; nodes],
        freef: p
            .free
            .iter()
            .map(|f| f.iter().map(|&v| v as f64).collect())
            .collect(),
        needf: p
            .demands
            .iter()
            .map(|d| d.need.iter().map(|&v| v as f64).collect())
            .collect(),
        ports: vec![BTreeMap::new(); nodes],
        weight: vec![vec![1.0; dims]; nodes],
        scale,
        tabu: vec![0; demands * nodes],
    };
    let mut budget = work;
    if !initial(&mut s, &mut budget) {
        return None;
    }
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut step: u64 = 0;
    loop {
        let bad: Vec<usize> = (0..nodes).filter(|&n| s.overloaded(n)).collect();
        if bad.is_empty() {
            return Some(counts(&s));
        }
        if budget == 0 || deadline.passed() {
            return None;
        }
        step += 1;
        let a = bad[rng.below(bad.len())];
        let (best, spent) = best_step(&s, a, &mut rng, step);
        budget = budget.saturating_sub(spent.max(1));
        match best {
            Some((delta, mv)) if delta < -1e-9 => apply(&mut s, mv, a, step, &mut rng),
            other => {
                // A local minimum: the constraints still violated weigh more from now on, so
                // the landscape changes instead of the search cycling. An occasional
                // sideways move keeps plateaus from trapping it.
                for &n in &bad {
                    for k in 0..dims {
                        if s.load[n][k] > u128::from(p.free[n][k]) {
                            s.weight[n][k] += 1.0;
                        }
                    }
                }
                if let Some((_, mv)) = other.filter(|_| rng.below(4) == 0) {
                    apply(&mut s, mv, a, step, &mut rng);
                }
            }
        }
    }
}

#[derive(Clone, Copy)]
enum Move {
    /// One task of demand d to node b.
    Shift { d: usize, b: usize },
    /// One task of d to b, one task of e from b back.
    Swap { d: usize, b: usize, e: usize },
}

/// Best-fit decreasing over single tasks, overflowing where nothing fits (the least weighted
/// overflow); false if some task has no node its non-capacity rules allow.
fn initial(s: &mut State, budget: &mut u64) -> bool {
    let p = s.p;
    let mut order: Vec<usize> = (0..p.demands.len())
        .filter(|&d| p.demands[d].replicas > 0)
        .collect();
    let share = |d: usize| {
        (0..p.dims.len())
            .map(|k| p.demands[d].need[k] as f64 / s.scale[k])
            .fold(0.0, f64::max)
    };
    order.sort_by(|&a, &b| share(b).total_cmp(&share(a)).then(a.cmp(&b)));
    for d in order {
        let mut left = p.demands[d].replicas;
        while left > 0 {
            let mut best: Option<(f64, usize)> = None;
            for &n in &s.elig[d] {
                if !s.may_add(d, n, None) {
                    continue;
                }
                let over = s.cost_with(n, Some(d), None) - s.cost_with(n, None, None);
                // Where it fits, the tightest node (least normalised room left) first.
                let slack: f64 = (0..p.dims.len())
                    .map(|k| {
                        let have = s.freef[n][k];
                        (have - s.loadf[n][k] - s.needf[d][k]) / have.max(1.0)
                    })
                    .sum();
                let score = over * 1e6 + slack;
                if best.is_none_or(|(b, _)| score < b) {
                    best = Some((score, n));
                }
            }
            *budget = budget.saturating_sub(s.elig[d].len() as u64);
            let Some((_, n)) = best else {
                return false;
            };
            // The node stays the tightest while the next task still fits on it (only its
            // room shrinks), so every task that fits goes there at once: the same result as
            // one task at a time, without rescanning the nodes.
            let i = s.idx(d, n);
            let fit = (0..p.dims.len())
                .filter(|&k| p.demands[d].need[k] > 0)
                .map(|k| {
                    let room = u128::from(p.free[n][k]).saturating_sub(s.load[n][k]);
                    u64::try_from(room / u128::from(p.demands[d].need[k])).unwrap_or(u64::MAX)
                })
                .fold(left.min(s.cap[i] - s.x[i]), u64::min)
                .max(1);
            for _ in 0..fit {
                s.shift(d, n, true);
            }
            left -= fit;
        }
    }
    true
}

/// The best move out of overloaded node `a` and the delta evaluations it cost.
fn best_step(s: &State, a: usize, rng: &mut Rng, step: u64) -> (Option<(f64, Move)>, u64) {
    let p = s.p;
    let mut best: Option<(f64, Move)> = None;
    let mut spent = 0u64;
    let mut consider = |delta: f64, mv: Move, rng: &mut Rng| {
        // Random tie-breaking: equal moves are common with identical tasks.
        let noisy = delta + (rng.next() % 1024) as f64 * 1e-12;
        if best.is_none_or(|(b, _)| noisy < b) {
            best = Some((noisy, mv));
        }
    };
    let here = s.cost_with(a, None, None);
    let on_a: Vec<usize> = (0..p.demands.len())
        .filter(|&d| s.x[s.idx(d, a)] > 0)
        .collect();
    for &d in &on_a {
        let out = s.cost_with(a, None, Some(d)) - here;
        for &b in &s.elig[d] {
            if b == a || s.tabu[s.idx(d, b)] > step || !s.may_add(d, b, None) {
                continue;
            }
            spent += 1;
            let into = s.cost_with(b, Some(d), None) - s.cost_with(b, None, None);
            consider(out + into, Move::Shift { d, b }, rng);
        }
        let partners: Vec<usize> = if s.elig[d].len() <= SWAP_SAMPLE {
            s.elig[d].clone()
        } else {
            (0..SWAP_SAMPLE)
                .map(|_| s.elig[d][rng.below(s.elig[d].len())])
                .collect()
        };
        for b in partners {
            if b == a || s.tabu[s.idx(d, b)] > step {
                continue;
            }
            let there = s.cost_with(b, None, None);
            for e in 0..p.demands.len() {
                if e == d
                    || s.x[s.idx(e, b)] == 0
                    || s.cap[s.idx(e, a)] == 0
                    || s.tabu[s.idx(e, a)] > step
                {
                    continue;
                }
                if !s.may_add(d, b, Some(e)) || !s.may_add(e, a, Some(d)) {
                    continue;
                }
                spent += 1;
                let da = cost_swap(s, a, e, d) - here;
                let db = cost_swap(s, b, d, e) - there;
                consider(da + db, Move::Swap { d, b, e }, rng);
            }
        }
    }
    (best, spent)
}

/// Weighted overflow of `n` with one task of `add` in and one of `sub` out.
fn cost_swap(s: &State, n: usize, add: usize, sub: usize) -> f64 {
    s.cost_with(n, Some(add), Some(sub))
}

fn apply(s: &mut State, mv: Move, a: usize, step: u64, rng: &mut Rng) {
    // A task that just left a node may not come straight back for a few steps.
    let tenure = 7 + rng.below(10) as u64;
    match mv {
        Move::Shift { d, b } => {
            s.shift(d, a, false);
            s.shift(d, b, true);
            let i = s.idx(d, a);
            s.tabu[i] = step + tenure;
        }
        Move::Swap { d, b, e } => {
            s.shift(d, a, false);
            s.shift(e, b, false);
            s.shift(d, b, true);
            s.shift(e, a, true);
            let (i, j) = (s.idx(d, a), s.idx(e, b));
            s.tabu[i] = step + tenure;
            s.tabu[j] = step + tenure;
        }
    }
}

fn counts(s: &State) -> Counts {
    (0..s.p.demands.len())
        .map(|d| {
            (0..s.nodes)
                .filter_map(|n| {
                    let k = s.x[s.idx(d, n)];
                    (k > 0).then_some((n, k))
                })
                .collect()
        })
        .collect()
}
