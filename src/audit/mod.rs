//! Independent re-checks of what the placement solvers claim. This module shares no code with
//! them: it reads the model (services, nodes) and states the scheduler's rules again in its
//! own plainest form (`rules`), so that a bug in the rules the solvers use (`swarm/`) cannot
//! hide in the check as well. `plan` validates every placement plan before it is reported;
//! `certificate` states and checks the proofs of infeasibility the placement check prints.

pub mod certificate;
pub mod plan;
pub mod rules;

pub use plan::{validate, PlanError};
