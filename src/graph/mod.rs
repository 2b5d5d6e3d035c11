//! Dependencies (D), networks (N) and storage of a stack, and Theorem 1 of the orchestration
//! model as a decision procedure (`specs/orchestration.md`, `docs/graph.md`).
//!
//! [`check`] builds D, decides the start order and reachability, and returns every finding of
//! SP5000–SP5099; [`theorem::prove`] combines it with the placement verdict into the `graph`
//! verdict and the text of `swarmproof plan`; [`render`] draws the stack as DOT or Mermaid.
//! Pure functions of the model: no I/O.

mod addressing;
mod cidr;
pub mod codes;
pub mod deps;
mod external;
mod hosts;
pub mod network;
mod ports;
pub mod render;
mod startup;
mod storage;
pub mod theorem;

#[cfg(test)]
mod corpus_tests;
#[cfg(test)]
mod fixtures;

use serde::Serialize;

pub use deps::{Cycle, DependencyGraph, Edge, EdgeKind, MissingDependency};
pub use external::Precondition;
pub use network::Link;
pub use theorem::{prove, render_plan, Evidence, Orchestration, Placed, Premise};

use crate::diagnostics::Diagnostic;
use crate::model::{Cluster, Stack};

/// Everything the dependency, network and storage checks found.
#[derive(Clone, Debug, Serialize)]
pub struct GraphCheck {
    pub dependencies: DependencyGraph,
    /// Cycles of declared edges first, then mutual references through inferred edges.
    pub cycles: Vec<Cycle>,
    /// Start order in layers; `None` when the declared edges have a cycle.
    pub layers: Option<Vec<Vec<String>>>,
    /// Reachability of each edge of D, in the order of `dependencies.edges`.
    pub links: Vec<Link>,
    /// External objects the deploy needs.
    pub preconditions: Vec<Precondition>,
    #[serde(skip)]
    pub diagnostics: Vec<Diagnostic>,
}

/// Runs every check of this module. `cluster` (the inventory) sharpens storage pinning and
/// global task counts; without it those checks assume what the stack alone implies.
pub fn check(stack: &Stack, cluster: Option<&Cluster>) -> GraphCheck {
    let dependencies = DependencyGraph::build(stack);
    let cycles = dependencies.cycles();
    let layers = dependencies.layers();
    let links = network::links(stack, &dependencies);
    let preconditions = external::preconditions(stack);
    let mut diagnostics = startup::cycle_findings(&cycles);
    diagnostics.extend(startup::missing_findings(stack, &dependencies));
    diagnostics.extend(network::findings(stack, &dependencies, &links));
    diagnostics.extend(addressing::subnet_overlaps(stack));
    diagnostics.extend(ports::ingress_conflicts(stack));
    diagnostics.extend(ports::dnsrr_with_ingress(stack));
    diagnostics.extend(addressing::address_exhaustion(stack, cluster));
    diagnostics.extend(addressing::hard_coded_addresses(stack));
    diagnostics.extend(external::findings(&preconditions));
    diagnostics.extend(storage::findings(stack, cluster));
    GraphCheck {
        dependencies,
        cycles,
        layers,
        links,
        preconditions,
        diagnostics,
    }
}
