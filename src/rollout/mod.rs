//! Rolling-update safety by model checking (issue 5). For each service, the update and the
//! automatic rollback are modelled as a `stateright::Model` (`model`) over a compact state
//! (`state`), explored exhaustively by the engine's shortest-path BFS (`crate::modelcheck`)
//! against the properties in `properties`, on a reduced model (`model::with_reduction`) whose
//! paths are re-indexed on the full one; every counterexample is replayed on the model before
//! it is reported and rendered as a timeline (`timeline`). `timing` bounds the update's duration from
//! its parameters. `specs/rollout.md` says what is abstracted and why that is sound.

pub mod codes;
mod explore;
mod findings;
mod input;
mod model;
mod properties;
mod report;
pub mod restart;
// The engine, under the name the tests of this module use.
#[cfg(test)]
use crate::modelcheck as search;
mod state;
mod timeline;
mod timing;
pub mod trace;

pub use findings::{config_diagnostics, defaults_without_cluster, stack_defaults};
pub use input::{inputs_from_plan, NotModelled, RolloutInput};
pub use model::{Action, RolloutModel};
pub use properties::PropertyId;
pub use report::{
    check_update, check_update_with_progress, render_result, verdict, Options, PropertyResult,
    RolloutResult, RolloutVerdict, SearchFigures,
};
pub use state::{RolloutState, UpdateState, Version};
pub use timeline::{render_mermaid, render_text, Counterexample, Step};
pub use timing::TimingBounds;

#[cfg(test)]
mod tests;
