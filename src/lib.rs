//! swarmproof: formal verification of Docker Swarm deployments before they happen.
//!
//! The crate reads stack files and a node inventory (`loading`) into the orchestration model
//! (`model`), checks it, and reports findings as data (`diagnostics`). Only `cli` touches files
//! and the terminal; see `docs/architecture.md` for the map and its invariants.

pub mod audit;
pub mod bench;
pub mod check;
pub mod checks;
pub mod cli;
pub mod deadline;
pub mod diagnostics;
pub mod diff;
pub mod graph;
pub mod lab;
pub mod loading;
pub mod model;
pub mod modelcheck;
pub mod placement;
pub mod raft;
pub mod report;
pub mod rollout;
pub mod scheduler;
pub mod suppress;
pub mod swarm;
pub mod text;
