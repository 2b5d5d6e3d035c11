//! Manager consensus. `quorum` analyses the inventory's managers by counting (fast and exact);
//! the rest is a Raft model of Swarm's managers (etcd raft as swarmkit configures it, Reference
//! §4) checked exhaustively with stateright (`model`, `properties`, `check`), with teaching
//! variants that each drop one rule (`variant`), and the tools to extract, replay and render
//! their counterexamples (`trace`, `render`). `explore` says how the Explorer shows its states.

pub mod check;
pub mod codes;
pub mod explore;
pub mod message;
pub mod model;
pub mod properties;
pub mod quorum;
pub mod render;
pub mod symmetry;
pub mod trace;
pub mod variant;

pub use check::{
    check, check_with_progress, shortest_counterexample, CheckOptions, PropertyVerdict, RaftCheck,
};
pub use model::{Action, Bounds, BoundsError, RaftModel, RaftState};
pub use quorum::{
    analyze, render_quorum, verdict as quorum_verdict, verdict_under as quorum_verdict_under,
    QuorumAnalysis, Survive, WhatIf, WhatIfOutcome,
};
pub use render::{render_check, render_mermaid, render_timeline};
pub use trace::{replay, ReplayError, Trace};
pub use variant::Variant;

#[cfg(test)]
mod tests;
