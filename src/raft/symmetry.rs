//! Symmetry reduction: managers are interchangeable, so a state and any renaming of its ids are
//! the same situation. The representative is the smallest renaming (in the derived order of
//! `RaftState`) among those that list servers by their id-free local state; only servers tied
//! on that state are permuted, so the candidates are few except in near-initial states. Every
//! candidate is a renaming of the state (so the reduction is sound), and a renamed state has
//! the same set of candidates (so the representative is canonical).

use super::message::Packed;
use super::model::{elected_bit, RaftState, MAX_MANAGERS, MAX_TERM};

pub fn representative(s: &RaftState) -> RaftState {
    let n = usize::from(s.managers).min(MAX_MANAGERS);
    let key = |i: usize| {
        let v = &s.servers[i];
        (v.term, v.role, v.log, v.commit)
    };
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| key(i));
    let mut best: Option<RaftState> = None;
    let mut consider = |order: &[usize]| {
        let r = rename(s, order);
        if best.as_ref().is_none_or(|b| r < *b) {
            best = Some(r);
        }
    };
    permute_ties(&mut order, 0, &|a, b| key(a) == key(b), &mut consider);
    best.unwrap_or_else(|| s.clone())
}

/// Calls `visit` with every reordering of `order[from..]` that only swaps tied neighbours'
/// groups internally (all permutations within each run of equal keys).
fn permute_ties(
    order: &mut Vec<usize>,
    from: usize,
    tied: &dyn Fn(usize, usize) -> bool,
    visit: &mut dyn FnMut(&[usize]),
) {
    if from >= order.len() {
        visit(order);
        return;
    }
    let end = (from..order.len())
        .find(|&j| !tied(order[from], order[j]))
        .unwrap_or(order.len());
    permute_group(order, from, end, tied, visit);
}

fn permute_group(
    order: &mut Vec<usize>,
    k: usize,
    end: usize,
    tied: &dyn Fn(usize, usize) -> bool,
    visit: &mut dyn FnMut(&[usize]),
) {
    if k + 1 >= end {
        permute_ties(order, end, tied, visit);
        return;
    }
    for j in k..end {
        order.swap(k, j);
        permute_group(order, k + 1, end, tied, visit);
        order.swap(k, j);
    }
}

/// The state with server `order[new]` renamed to `new`.
fn rename(s: &RaftState, order: &[usize]) -> RaftState {
    let n = order.len();
    let mut new_id = [0u8; MAX_MANAGERS];
    for (new, &old) in order.iter().enumerate() {
        new_id[old] = new as u8;
    }
    let rename_mask = |mask: u8| {
        (0..n)
            .filter(|&i| mask & (1 << i) != 0)
            .fold(0u8, |acc, i| acc | 1 << new_id[i])
    };
    let mut r = s.clone();
    for (new, &old) in order.iter().enumerate() {
        let mut v = s.servers[old];
        v.set_vote(v.voted_for().map(|i| new_id[usize::from(i)]));
        v.votes = rename_mask(v.votes);
        for (p, &renamed) in new_id.iter().enumerate().take(n) {
            v.next[usize::from(renamed)] = s.servers[old].next[p];
            v.matched[usize::from(renamed)] = s.servers[old].matched[p];
        }
        r.servers[new] = v;
    }
    r.network = s
        .network
        .iter()
        .map(|p| {
            let mut m = p.unpack();
            m.src = new_id[usize::from(m.src)];
            m.dst = new_id[usize::from(m.dst)];
            Packed::pack(&m)
        })
        .collect();
    r.network.sort_unstable();
    r.elected = 0;
    for t in 0..=MAX_TERM {
        for i in s.elected_in(t) {
            r.elected |= elected_bit(t, new_id[usize::from(i)]);
        }
    }
    r
}
