//! swarmkit's `Pipeline` (`manager/scheduler/pipeline.go`): the filters of
//! `swarm::filters` plus the per-filter failure counters that make up Swarm's
//! `no suitable node (…)` message. The counters are the subtle part (reference §1.6): a node is
//! charged to the first filter it fails, and a node that passes resets every counter.

use crate::model::{Node, Service};
use crate::swarm::filters::{first_failure, Filter, NodeUsage};

#[derive(Clone, Debug, Default)]
pub(crate) struct Pipeline {
    failures: [usize; Filter::ALL.len()],
}

impl Pipeline {
    /// `SetTask`: a new task resets the counters.
    pub(crate) fn set_task(&mut self) {
        self.failures = [0; Filter::ALL.len()];
    }

    /// `Process(node)`: true if every filter passes.
    pub(crate) fn process(
        &mut self,
        service: &Service,
        drivers: &[String],
        node: &Node,
        used: &NodeUsage,
    ) -> bool {
        self.charge(first_failure(service, drivers, node, used))
    }

    /// `Process` with the node's first failing filter already known (`None`: it passes).
    pub(crate) fn charge(&mut self, failure: Option<Filter>) -> bool {
        match failure {
            Some(f) => {
                self.failures[f as usize] = self.failures[f as usize].saturating_add(1);
                false
            }
            None => {
                self.failures = [0; Filter::ALL.len()];
                true
            }
        }
    }

    /// `Explain()`: filters with failures, most failures first, joined with `; `. Swarm's
    /// `sort.Sort` leaves equal counts in arbitrary order; here they keep pipeline order.
    pub(crate) fn explain(&self) -> String {
        let mut failing: Vec<(Filter, usize)> = Filter::ALL
            .into_iter()
            .zip(self.failures)
            .filter(|&(_, n)| n > 0)
            .collect();
        failing.sort_by_key(|&(_, n)| std::cmp::Reverse(n));
        failing
            .iter()
            .map(|&(f, n)| f.explain(n))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// The message `noSuitableNode` writes for a replicated task left unassigned.
pub(crate) fn no_suitable_node(explanation: &str) -> String {
    if explanation.is_empty() {
        "no suitable node".to_string()
    } else {
        format!("no suitable node ({explanation})")
    }
}
