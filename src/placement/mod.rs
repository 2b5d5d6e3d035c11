//! Placement: which node runs each task, decided exactly, with swarmkit's rules from `swarm/`
//! and every plan checked by the independent validator (`audit::validate`).
//! `problem` distils a stack and cluster into counts per (service, node); `constructive` and
//! `necessary` decide most stacks without a solver; `smt` (the only module that names z3)
//! decides the residue; `explain` turns refutations into diagnostics; `check` is the entry
//! point, with `tolerance` (node and zone failures), `suggest` (smallest changes) and `render`
//! (the `swarmproof plan` table and JSON rows). `generate` builds benchmark instances.

pub mod certify;
pub mod check;
pub mod codes;
pub mod constructive;
pub mod decide;
pub mod explain;
pub(crate) mod generate;
pub mod necessary;
pub(crate) mod problem;
pub mod render;
pub mod repair;
pub(crate) mod smt;
pub mod suggest;
pub mod tolerance;

pub use check::{check_placement, dump_smt2, Placement, PlacementDetails, PlacementOptions};
pub use render::{plan_rows, render_plan, NodeRow};
pub use tolerance::{Tolerance, ToleranceOutcome};

#[cfg(test)]
mod proptests;
#[cfg(test)]
pub(crate) mod tests;
