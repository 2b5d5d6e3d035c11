//! Where each updated service's rolling update starts: the tasks running now (from the
//! deployed state: their nodes, and which already run the spec being deployed), or, without
//! it, a placement of OLD on the inventory. The model then runs NEW's spec and update_config,
//! and a rollback returns to OLD's rollback_config.

use super::{Action, Deployed, Dirty, ServiceChange};
use crate::model::Plan;
use crate::model::{Cluster, Stack};
use crate::rollout::RolloutInput;
use crate::swarm::filters::{self, NodeUsage};

pub enum Start<'a> {
    Observed(&'a Deployed),
    Plan(&'a Plan),
}

impl Start<'_> {
    pub fn name(&self) -> &'static str {
        match self {
            Start::Observed(_) => "deployed",
            Start::Plan(_) => "placement",
        }
    }
}

/// One rollout input per updated service that is not a job (jobs have no rolling update).
pub fn inputs<'a>(
    changes: &[ServiceChange],
    old: &'a Stack,
    new: &'a Stack,
    cluster: &'a Cluster,
    start: &Start,
) -> Vec<RolloutInput<'a>> {
    let planned = match start {
        Start::Plan(plan) => crate::rollout::inputs_from_plan(old, cluster, plan),
        Start::Observed(_) => Vec::new(),
    };
    let mut out = Vec::new();
    for c in changes.iter().filter(|c| c.action == Action::Updated) {
        let (Some(o), Some(n)) = (old.service(&c.service), new.service(&c.service)) else {
            continue;
        };
        if n.mode.is_job() {
            continue;
        }
        let (old_nodes, other_usage, stale) = match start {
            Start::Plan(_) => {
                let Some(p) = planned.iter().find(|i| i.service.name == c.service) else {
                    continue;
                };
                (p.old_nodes.clone(), p.other_usage.clone(), Vec::new())
            }
            Start::Observed(d) => {
                let Some(ds) = d.service(&c.service) else {
                    continue;
                };
                let mut nodes = Vec::new();
                let mut stale = Vec::new();
                for t in &ds.tasks {
                    if let Some(i) = cluster.nodes.iter().position(|n| n.id == t.node_id) {
                        nodes.push(i);
                        stale.push(!t.at_current_spec);
                    }
                }
                (nodes, observed_usage(d, old, cluster, &c.service), stale)
            }
        };
        let already_new = match c.dirty {
            Some(Dirty::ConstraintsFail) => old_nodes
                .iter()
                .map(|&i| filters::constraints_hold(n, &cluster.nodes[i]))
                .collect(),
            Some(Dirty::Stale) => stale.iter().map(|s| !s).collect(),
            _ => Vec::new(),
        };
        out.push(RolloutInput {
            service: n,
            cluster,
            old_nodes,
            already_new,
            other_usage,
            volume_drivers: new.volume_drivers(n),
            previous_rollback: Some(o.rollback_config.clone()),
            default_max_update_duration: new.requirements.max_update_duration.as_ref().map(|d| **d),
        });
    }
    out
}

/// Per node, what the other services' running tasks reserve, by OLD's spec (what they run).
fn observed_usage(d: &Deployed, old: &Stack, cluster: &Cluster, except: &str) -> Vec<NodeUsage> {
    let mut usage = vec![NodeUsage::default(); cluster.nodes.len()];
    for s in d.services.iter().filter(|s| s.name != except) {
        let Some(model) = old.service(&s.name) else {
            continue;
        };
        for t in &s.tasks {
            if let Some(i) = cluster.nodes.iter().position(|n| n.id == t.node_id) {
                usage[i].add(model);
            }
        }
    }
    usage
}
