//! Manager consensus. `quorum` analyses the inventory's managers by counting (fast and exact);
//! the rest is a Raft model of Swarm's managers (etcd raft as swarmkit configures it, Reference
//! §4) checked exhaustively with stateright, with teaching variants that each drop one rule and
//! the tools to extract, replay and render their counterexamples.

pub mod codes;
pub mod quorum;

pub use quorum::{analyze, render_quorum, QuorumAnalysis, WhatIf, WhatIfOutcome};
