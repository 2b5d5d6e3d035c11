//! Which nodes and which services the scheduler cannot tell apart. Exploration uses both:
//! choices between identical nodes or identical untouched services are not choices, and states
//! that differ by renaming identical nodes are merged (`memo`).

use std::collections::BTreeMap;

use super::choice::NodeOrdering;
use super::engine::Engine;
use crate::model::{Cluster, Stack};
use crate::swarm::filters::constraints_hold;

/// What of a node can influence where this stack's tasks go: two nodes that agree on all of it
/// are interchangeable. Constraints are captured by which services' constraints match; labels
/// only through spread preferences; resources, platform and plugins only when some service
/// asks for them. Anything no filter, constraint or preference of the stack reads is left out,
/// so exploration need not branch on it.
struct Relevance {
    cpu: bool,
    memory: bool,
    generic: bool,
    platform: bool,
    plugins: bool,
    spread: Vec<String>,
}

impl Relevance {
    fn of(stack: &Stack) -> Self {
        let any = |f: &dyn Fn(&crate::model::Service) -> bool| stack.services.iter().any(f);
        Relevance {
            cpu: any(&|s| *s.resources.reservations.nano_cpus > 0),
            memory: any(&|s| *s.resources.reservations.memory_bytes > 0),
            generic: any(&|s| s.resources.reservations.generic.iter().any(|g| g.value > 0)),
            platform: any(&|s| !s.placement.platforms.is_empty()),
            plugins: any(&|s| {
                s.log_driver.is_some() || stack.volume_drivers(s).iter().any(|d| d != "local")
            }),
            spread: stack
                .services
                .iter()
                .flat_map(|s| s.placement.preferences.iter().map(|p| p.value.clone()))
                .collect(),
        }
    }

    fn key(&self, stack: &Stack, n: &crate::model::Node) -> String {
        let mut key = format!("{:?}|{:?}", n.availability, n.state);
        if self.cpu {
            key.push_str(&format!("|cpu{}", n.nano_cpus));
        }
        if self.memory {
            key.push_str(&format!("|mem{}", n.memory_bytes));
        }
        if self.generic {
            key.push_str(&format!("|{:?}", n.generic));
        }
        if self.platform {
            key.push_str(&format!("|{:?}", n.platform));
        }
        if self.plugins {
            key.push_str(&format!("|{:?}", n.plugins));
        }
        // The descriptor's prefix is case-insensitive, the label name after it is not (§1.5).
        for d in &self.spread {
            let label = |prefix: &str| {
                d.get(..prefix.len())
                    .filter(|head| head.eq_ignore_ascii_case(prefix))
                    .map(|_| &d[prefix.len()..])
            };
            let value = label("node.labels.")
                .map(|l| n.labels.get(l))
                .or_else(|| label("engine.labels.").map(|l| n.engine_labels.get(l)));
            key.push_str(&format!("|{:?}", value.flatten()));
        }
        for s in &stack.services {
            key.push(if constraints_hold(s, n) { '1' } else { '0' });
        }
        key
    }
}

/// A class per node: equal classes are interchangeable for every service of the stack.
pub(crate) fn node_classes(stack: &Stack, cluster: &Cluster) -> Vec<usize> {
    let relevant = Relevance::of(stack);
    classes(cluster.nodes.iter().map(|n| relevant.key(stack, n)))
}

/// A class per service: equal classes read the same from every filter, ranking, preference,
/// accounting and restart rule; only the name differs. Everything the scheduler reads of a
/// service is in the key.
pub(crate) fn service_classes(stack: &Stack) -> Vec<usize> {
    classes(stack.services.iter().map(|s| {
        let r = &s.resources.reservations;
        format!(
            "{:?}|{}|{}|{:?}|{:?}|{:?}|{}|{:?}|{}|{:?}|{:?}|{:?}|{:?}",
            s.mode.value,
            *r.nano_cpus,
            *r.memory_bytes,
            r.generic
                .iter()
                .map(|g| (&g.kind, g.value))
                .collect::<Vec<_>>(),
            s.host_ports().collect::<Vec<_>>(),
            s.constraints().collect::<Vec<_>>(),
            s.placement.constraint_errors,
            s.placement
                .preferences
                .iter()
                .map(|p| &p.value)
                .collect::<Vec<_>>(),
            *s.placement.max_replicas_per_node,
            s.placement.platforms,
            stack.volume_drivers(s),
            s.log_driver,
            *s.restart_policy.condition,
        )
    }))
}

/// Numbers equal keys by first appearance.
fn classes(keys: impl Iterator<Item = String>) -> Vec<usize> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    keys.map(|k| {
        let next = seen.len();
        *seen.entry(k).or_insert(next)
    })
    .collect()
}

impl Engine<'_> {
    /// The services worth choosing as the next group among `remaining`. A service none of
    /// whose tasks is placed or Pending yet is interchangeable with another such service of the
    /// same class and the same `queued` tasks: choosing either gives runs that differ only by
    /// renaming the two, so only the lowest index is offered. Touched services are all offered.
    pub(crate) fn service_candidates(
        &self,
        remaining: &[usize],
        queued: &[(usize, Vec<usize>)],
    ) -> Vec<usize> {
        // A shuffled run is the unreduced reference (see `next_branch`).
        if self.chooser.ordering == NodeOrdering::Shuffle {
            return remaining.to_vec();
        }
        let mut seen: Vec<(usize, &(usize, Vec<usize>))> = Vec::new();
        let mut out = Vec::new();
        for &s in remaining {
            if !self.touched[s] {
                let class = (self.service_class[s], &queued[s]);
                if seen.contains(&class) {
                    continue;
                }
                seen.push(class);
            }
            out.push(s);
        }
        out
    }
}
