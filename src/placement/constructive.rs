//! The fast path: a constructive placement in counts, with no solver. Demands are taken in a
//! decreasing order (largest or most constrained first) and each is packed over its eligibility
//! class, either first-fit or spread in proportion to each node's room. A few orders and
//! strategies are tried; each attempt is O(demands × nodes), independent of replica counts.
//! The result is only a candidate: the caller validates it before reporting it.

use std::collections::BTreeSet;

use super::problem::{NodeSet, Port, Problem};

/// Tasks per demand: (node, count) with count > 0.
pub type Counts = Vec<Vec<(usize, u64)>>;

#[derive(Clone, Copy)]
enum Strategy {
    FirstFit,
    Spread,
}

#[derive(Clone, Copy)]
enum Order {
    Largest,
    MostConstrained,
}

/// A placement of every replicated task, or `None` if the heuristics find none (which proves
/// nothing).
pub fn place(p: &Problem, down: &NodeSet) -> Option<Counts> {
    [
        (Order::Largest, Strategy::Spread),
        (Order::MostConstrained, Strategy::Spread),
        (Order::Largest, Strategy::FirstFit),
        (Order::MostConstrained, Strategy::FirstFit),
    ]
    .into_iter()
    .find_map(|(order, strategy)| attempt(p, down, order, strategy))
}

fn attempt(p: &Problem, down: &NodeSet, order: Order, strategy: Strategy) -> Option<Counts> {
    let mut free = p.free.clone();
    let mut bound = p.bound.clone();
    let mut counts: Counts = vec![Vec::new(); p.demands.len()];
    for d in demand_order(p, down, order) {
        let nodes: Vec<usize> = p.eligible(d, down).iter().collect();
        let rooms: Vec<u64> = nodes
            .iter()
            .map(|&n| p.room(d, &free[n], &bound[n], 0))
            .collect();
        let alloc = match strategy {
            Strategy::FirstFit => first_fit(p.demands[d].replicas, &rooms),
            Strategy::Spread => spread(p.demands[d].replicas, &rooms),
        }?;
        for (&n, k) in nodes.iter().zip(alloc) {
            if k > 0 {
                charge(p, d, k, &mut free[n], &mut bound[n]);
                counts[d].push((n, k));
            }
        }
    }
    Some(counts)
}

fn charge(p: &Problem, d: usize, k: u64, free: &mut [u64], bound: &mut BTreeSet<Port>) {
    let dm = &p.demands[d];
    for (f, need) in free.iter_mut().zip(&dm.need) {
        *f = f.saturating_sub(need.saturating_mul(k));
    }
    bound.extend(dm.ports.iter().copied());
}

fn demand_order(p: &Problem, down: &NodeSet, order: Order) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..p.demands.len())
        .filter(|&d| p.demands[d].replicas > 0)
        .collect();
    match order {
        Order::Largest => {
            // Dominant share of a task against the mean node room, per dimension: floats only
            // order the attempt, they decide nothing.
            let n = p.node_count().max(1) as f64;
            let mean: Vec<f64> = (0..p.dims.len())
                .map(|k| p.free.iter().map(|f| f[k] as f64).sum::<f64>() / n)
                .collect();
            let share = |d: usize| {
                p.demands[d]
                    .need
                    .iter()
                    .zip(&mean)
                    .map(|(&x, &m)| if m > 0.0 { x as f64 / m } else { 0.0 })
                    .fold(0.0, f64::max)
            };
            idx.sort_by(|&a, &b| share(b).total_cmp(&share(a)));
        }
        Order::MostConstrained => {
            let slack = |d: usize| {
                let total: u128 = p
                    .eligible(d, down)
                    .iter()
                    .map(|n| u128::from(p.room(d, &p.free[n], &p.bound[n], 0)))
                    .sum();
                total as f64 / p.demands[d].replicas.max(1) as f64
            };
            idx.sort_by(|&a, &b| slack(a).total_cmp(&slack(b)));
        }
    }
    idx
}

fn first_fit(mut want: u64, rooms: &[u64]) -> Option<Vec<u64>> {
    let alloc = rooms
        .iter()
        .map(|&r| {
            let k = r.min(want);
            want -= k;
            k
        })
        .collect();
    (want == 0).then_some(alloc)
}

/// Shares `want` in proportion to each node's room, then hands out the rounding remainder.
fn spread(want: u64, rooms: &[u64]) -> Option<Vec<u64>> {
    let total: u128 = rooms.iter().map(|&r| u128::from(r)).sum();
    if total < u128::from(want) {
        return None;
    }
    let mut alloc: Vec<u64> = rooms
        .iter()
        .map(|&r| {
            let share = u128::from(want) * u128::from(r) / total.max(1);
            u64::try_from(share).unwrap_or(u64::MAX).min(r)
        })
        .collect();
    let mut left = want.saturating_sub(alloc.iter().fold(0u64, |a, &k| a.saturating_add(k)));
    // Rounding lost less than one task per node: one more each evens it out; the bulk pass
    // after it is a safety net.
    for step in [1, u64::MAX] {
        for (k, &r) in alloc.iter_mut().zip(rooms) {
            let extra = (r - *k).min(left).min(step);
            *k += extra;
            left -= extra;
        }
    }
    (left == 0).then_some(alloc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spread_is_proportional_and_exact() {
        assert_eq!(spread(6, &[4, 2, 0]), Some(vec![4, 2, 0]));
        assert_eq!(spread(3, &[4, 2, 2]), Some(vec![2, 1, 0]));
        assert_eq!(spread(9, &[4, 4]), None);
        assert_eq!(
            spread(1_000_000_000, &[u64::MAX, 1]),
            Some(vec![1_000_000_000, 0])
        );
    }

    #[test]
    fn first_fit_fills_in_order() {
        assert_eq!(first_fit(5, &[3, 3, 3]), Some(vec![3, 2, 0]));
        assert_eq!(first_fit(10, &[3, 3, 3]), None);
    }
}
