//! The orders swarmkit leaves to Go map iteration, made explicit. Every point where the real
//! scheduler's behaviour depends on map order asks a `Chooser` for a number in `0..arity`; a run is
//! then fully determined by its seed (one sampled order) or by its list of choices (an order the
//! explorer enumerated, replayable as evidence).

use serde::Serialize;

/// Which order a run follows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Order {
    /// A pseudo-random map order from this seed: nodes are visited in a shuffled order, as Go
    /// iterates its node map.
    Seed(u64),
    /// An explicit list of choices (see `explore`): nodes are visited best-first with ties
    /// between distinguishable nodes resolved by the choices. Missing choices default to 0.
    Choices(Vec<u32>),
}

/// How node maps are iterated in a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NodeOrdering {
    /// A full shuffle: what a Go map does (seeded, or every permutation when replaying).
    Shuffle,
    /// Sorted by rank, ties between nodes that differ in any way resolved by a choice. Reaches
    /// every heap content and leaf order a shuffle reaches, up to swapping identical nodes.
    RankedTies,
}

/// SplitMix64: tiny, seedable, good enough to sample map orders.
#[derive(Clone, Debug)]
pub(crate) struct SplitMix64(u64);

impl SplitMix64 {
    pub(crate) fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

#[derive(Clone)]
enum Source {
    Random(SplitMix64),
    Replay(Vec<u32>),
}

/// Answers the scheduler's nondeterministic choices and records them.
#[derive(Clone)]
pub(crate) struct Chooser {
    source: Source,
    pub(crate) ordering: NodeOrdering,
    /// Every choice with arity > 1 made so far, as (choice, arity).
    pub(crate) trace: Vec<(u32, u32)>,
}

impl Chooser {
    pub(crate) fn for_order(order: &Order) -> Self {
        match order {
            Order::Seed(seed) => Chooser {
                source: Source::Random(SplitMix64::new(*seed)),
                ordering: NodeOrdering::Shuffle,
                trace: Vec::new(),
            },
            Order::Choices(c) => Chooser::replay(c.clone()),
        }
    }

    pub(crate) fn replay(prefix: Vec<u32>) -> Self {
        Chooser {
            source: Source::Replay(prefix),
            ordering: NodeOrdering::RankedTies,
            trace: Vec::new(),
        }
    }

    /// Replays choices over every node order (no reduction): the reference enumeration.
    pub(crate) fn replay_unreduced(prefix: Vec<u32>) -> Self {
        Chooser {
            ordering: NodeOrdering::Shuffle,
            ..Chooser::replay(prefix)
        }
    }

    /// Random choices with ranked-ties node ordering, so that the run is replayable from its trace.
    pub(crate) fn sampled(seed: u64) -> Self {
        Chooser {
            source: Source::Random(SplitMix64::new(seed)),
            ordering: NodeOrdering::RankedTies,
            trace: Vec::new(),
        }
    }

    /// Replays `prefix` from here on; the choices made so far must be a prefix of it.
    pub(crate) fn replace_prefix(&mut self, prefix: Vec<u32>) {
        self.source = Source::Replay(prefix);
    }

    /// Whether choices given to replay remain: the run is still retracing a prefix an earlier
    /// run explored.
    pub(crate) fn replaying(&self) -> bool {
        matches!(&self.source, Source::Replay(prefix) if self.trace.len() < prefix.len())
    }

    /// A number in `0..arity`; arity 0 or 1 is not a choice and is not recorded.
    pub(crate) fn choose(&mut self, arity: usize) -> usize {
        if arity <= 1 {
            return 0;
        }
        let c = match &mut self.source {
            Source::Random(rng) => rng.below(arity),
            Source::Replay(prefix) => prefix
                .get(self.trace.len())
                .map_or(0, |&c| (c as usize).min(arity - 1)),
        };
        self.trace.push((c as u32, arity as u32));
        c
    }

    /// A permutation of `0..n` built from choices (the order of a Go `range` over a map).
    pub(crate) fn permutation(&mut self, n: usize) -> Vec<usize> {
        let mut left: Vec<usize> = (0..n).collect();
        let mut out = Vec::with_capacity(n);
        while !left.is_empty() {
            let i = self.choose(left.len());
            out.push(left.remove(i));
        }
        out
    }

    /// Shuffles in place: Fisher–Yates for a seeded run (no choices recorded, it is replayed
    /// from its seed), a permutation from choices when replaying (the unreduced enumeration).
    pub(crate) fn shuffle<T: Clone>(&mut self, items: &mut [T]) {
        match &mut self.source {
            Source::Random(rng) => {
                for i in (1..items.len()).rev() {
                    let j = rng.below(i + 1);
                    items.swap(i, j);
                }
            }
            Source::Replay(_) => {
                let original = items.to_vec();
                for (slot, i) in self.permutation(original.len()).into_iter().enumerate() {
                    items[slot] = original[i].clone();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replay_reproduces_the_recorded_choices() {
        let mut a = Chooser::sampled(7);
        let pa: Vec<Vec<usize>> = (0..5).map(|_| a.permutation(4)).collect();
        let mut b = Chooser::replay(a.trace.iter().map(|&(c, _)| c).collect());
        let pb: Vec<Vec<usize>> = (0..5).map(|_| b.permutation(4)).collect();
        assert_eq!(pa, pb);
        assert_eq!(a.trace, b.trace);
    }

    #[test]
    fn forced_choices_are_clamped_and_arity_one_is_free() {
        let mut c = Chooser::replay(vec![9]);
        assert_eq!(c.choose(1), 0);
        assert_eq!(c.choose(3), 2);
        assert_eq!(c.trace, vec![(2, 3)]);
    }
}
