//! `swarmproof simulate` as one call: a deploy simulated with one order, optionally followed by
//! a node or zone loss, or every order explored instead. The CLI reads the inputs and prints
//! what this returns.

use serde::Serialize;

use super::{
    disrupted_cluster, explore, explore_disruption, render_disruption, render_exploration,
    render_simulation, simulate, simulate_disruption, Disruption, DisruptionOutcome, Exploration,
    ExploreOptions, SimError, SimOptions, Simulation,
};
use crate::model::{Cluster, Stack};

/// What was predicted, on the cluster it is shown on: after the loss, if there is one.
pub struct Prediction {
    pub shown: Cluster,
    pub outcome: Predicted,
}

/// One of the three shapes `simulate` prints; serialised as the JSON payload of its kind.
#[derive(Serialize)]
#[serde(untagged)]
pub enum Predicted {
    Simulation(Simulation),
    Disruption(DisruptionOutcome),
    Exploration(Exploration),
}

impl Prediction {
    /// Every task placed (an exploration: no explored order leaves one Pending).
    pub fn is_complete(&self) -> bool {
        match &self.outcome {
            Predicted::Simulation(s) => s.is_complete(),
            Predicted::Disruption(d) => d.after.is_complete(),
            Predicted::Exploration(e) => e.witness.is_none(),
        }
    }

    pub fn render(&self) -> String {
        match &self.outcome {
            Predicted::Simulation(s) => render_simulation(&self.shown, s),
            Predicted::Disruption(d) => render_disruption(&self.shown, d),
            Predicted::Exploration(e) => render_exploration(&self.shown, e),
        }
    }
}

/// Simulates the deploy with `opts`; then, with `disruption`, the loss of nodes after
/// convergence; with `explore`, explores every order (of the deploy, or of the rescheduling
/// after the loss) within that budget instead of following `opts.order`.
pub fn predict(
    stack: &Stack,
    cluster: &Cluster,
    opts: &SimOptions,
    disruption: Option<&Disruption>,
    explore_budget: Option<&ExploreOptions>,
) -> Result<Prediction, SimError> {
    let before = simulate(stack, cluster, opts)?;
    let after = disruption
        .map(|d| disrupted_cluster(cluster, d))
        .transpose()?;
    let shown = after.map_or_else(|| cluster.clone(), |(c, _)| c);
    let outcome = match (explore_budget, disruption) {
        (Some(budget), None) => Predicted::Exploration(explore(stack, cluster, budget)?),
        (Some(budget), Some(d)) => {
            Predicted::Exploration(explore_disruption(stack, cluster, &before, d, budget)?)
        }
        (None, None) => Predicted::Simulation(before),
        (None, Some(d)) => {
            Predicted::Disruption(simulate_disruption(stack, cluster, &before, d, opts)?)
        }
    };
    Ok(Prediction { shown, outcome })
}
