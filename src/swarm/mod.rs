//! Swarm's own rules, the ones several checks share, stated once below them: the scheduler's
//! node filters (`filters`), the nodes a global service runs on (`global`) and how the updater
//! reads an update or rollback config (`update_config`). Each rule cites
//! `swarm-semantics.md` and the swarmkit source it follows. This layer imports only `model/`;
//! the checks (`placement/`, `scheduler/`, `rollout/`, `graph/`) import it, never the other way.
//!
//! Constraint expressions stay in `model/constraint.rs`: the loader parses them into the model
//! (their errors are load-time diagnostics) and matching is a method of the parsed value, whose
//! key classification decides how it matches. `filters::constraints_hold` is the entry point
//! the checks call. The independent validator (`audit/`) restates these rules on its own.

pub mod filters;
pub mod global;
pub mod update_config;

#[cfg(test)]
mod tests {
    /// The shared rules sit below the checks: none of them imports a check.
    #[test]
    fn the_rules_import_no_check() {
        let files = [
            ("filters.rs", include_str!("filters.rs")),
            ("global.rs", include_str!("global.rs")),
            ("update_config.rs", include_str!("update_config.rs")),
        ];
        for (file, text) in files {
            for layer in [
                "audit",
                "placement",
                "scheduler",
                "rollout",
                "graph",
                "raft",
                "lab",
                "check",
            ] {
                let path = format!("crate::{layer}");
                assert!(!text.contains(&path), "swarm/{file} uses {path}");
            }
        }
    }
}
