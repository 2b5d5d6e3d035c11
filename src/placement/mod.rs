//! Placement: which node runs each task. `plan` holds the plan type and its independent
//! validator; `filters` the per-node rules swarmkit's scheduler applies.

pub mod filters;
pub mod plan;

pub use plan::{validate, Plan, PlanError, Task};
