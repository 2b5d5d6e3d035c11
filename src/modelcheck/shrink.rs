//! Greedy shrinking of a counterexample found by a search that does not find shortest ones.

use crate::deadline::Deadline;

/// Drops any single action of `trace` whose removal still leads to a discovery (`rerun`
/// executes actions from the initial state and returns the trace to the first discovery, if
/// any), until no action can go or `deadline` passes. The result is locally minimal (or, cut
/// by the deadline, merely shorter), never longer, and as real as every trace `rerun` returns.
pub fn shrink<T, A: Clone>(
    trace: T,
    actions: impl Fn(&T) -> Vec<A>,
    rerun: impl Fn(&[A]) -> Option<T>,
    deadline: Deadline,
) -> T {
    let mut best = trace;
    'outer: loop {
        let actions = actions(&best);
        for skip in 0..actions.len() {
            if deadline.passed() {
                return best;
            }
            let fewer: Vec<A> = actions
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != skip)
                .map(|(_, a)| a.clone())
                .collect();
            if let Some(t) = rerun(&fewer) {
                best = t;
                continue 'outer;
            }
        }
        return best;
    }
}
