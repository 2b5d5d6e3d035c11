//! The scheduler part of `swarmproof check` in one call: explore the orders, compare the worst
//! one with the exact plan, and turn both into diagnostics and a verdict.

use serde::Serialize;

use super::{
    compare, exploration_diagnostics, explore, simulate, Comparison, ComparisonVerdict,
    Exploration, ExploreOptions, SimError, SimOptions, Simulation,
};
use crate::diagnostics::Diagnostic;
use crate::model::Plan;
use crate::model::{Cluster, Stack};
use crate::report::{Status, Verdict};

#[derive(Clone, Debug, Serialize)]
pub struct SchedulerCheck {
    pub exploration: Exploration,
    /// The run compared with the exact plan: the witness, or seed 0 when there is none.
    pub simulation: Simulation,
    pub comparison: Comparison,
    #[serde(skip)]
    pub diagnostics: Vec<Diagnostic>,
}

impl SchedulerCheck {
    /// `holds`: no order leaves a task Pending (exhaustive); `violated`: an order does
    /// (replayed witness); `unknown`: none found, search bounded.
    pub fn verdict(&self) -> Verdict {
        let e = &self.exploration;
        let summary = match e.status {
            Status::Holds => format!(
                "Swarm's scheduler places every task in every order it may use (exhaustive: {} runs, {} merged at states already explored)",
                e.runs, e.merged_runs
            ),
            Status::Violated => {
                let n = self.simulation.pending.len();
                match self.comparison.verdict {
                    ComparisonVerdict::FeasibleButPending => format!(
                        "feasible, but Swarm's scheduler leaves {} Pending in some order", crate::text::count(n, "task")
                    ),
                    _ => format!("Swarm's scheduler leaves {} Pending in some order", crate::text::count(n, "task")),
                }
            }
            Status::Unknown => format!(
                "no Pending task in {} explored orders (bounded search, not a proof)",
                e.runs
            ),
            // An exploration always runs on an inventory; `check` reports the skip itself.
            Status::Skipped => "not run".to_string(),
        };
        Verdict::new(e.status, summary, self.clone())
    }
}

/// Explores within `budget` (`check` uses `ExploreOptions::scaled`), compares the worst order
/// with `exact` (the SMT plan, if any), and collects the diagnostics: SP2001 per service when
/// the plan exists, otherwise the exploration's SP2000/SP2002.
pub fn check(
    stack: &Stack,
    cluster: &Cluster,
    exact: Option<&Plan>,
    budget: &ExploreOptions,
) -> Result<SchedulerCheck, SimError> {
    let exploration = explore(stack, cluster, budget)?;
    let simulation = match &exploration.witness {
        Some(w) => w.simulation.clone(),
        None => simulate(stack, cluster, &SimOptions::default())?,
    };
    let comparison = compare(stack, cluster, &simulation, exact);
    let diagnostics = match comparison.verdict {
        ComparisonVerdict::FeasibleButPending | ComparisonVerdict::SimulationInvalid => {
            comparison.diagnostics.clone()
        }
        _ => exploration_diagnostics(stack, &exploration),
    };
    Ok(SchedulerCheck {
        exploration,
        simulation,
        comparison,
        diagnostics,
    })
}
