//! Rolling-update safety by model checking (issue 5). For each service, the update and the
//! automatic rollback are modelled as a `stateright::Model` (`model`) over a compact state
//! (`state`), explored exhaustively by our own shortest-path BFS (`search`) against the
//! properties in `properties`; every counterexample is replayed on the model before it is
//! reported and rendered as a timeline (`timeline`). `timing` bounds the update's duration from
//! its parameters. `specs/rollout.md` says what is abstracted and why that is sound.

pub mod codes;
mod explore;
mod findings;
mod input;
mod model;
mod properties;
mod report;
pub mod restart;
pub mod search;
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
pub use search::Progress;
pub use state::{RolloutState, UpdateState, Version};
pub use timeline::{render_mermaid, render_text, Counterexample, Step};
pub use timing::TimingBounds;

#[cfg(test)]
mod tests;
