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
    /// Asserts that no file's code (its tests aside) names a module of `layers`.
    fn names_none_of(files: &[(&str, &str)], layers: &[&str]) {
        for (file, text) in files {
            let code = text.split("#[cfg(test)]").next().unwrap_or(text);
            for layer in layers {
                let path = format!("crate::{layer}");
                assert!(!code.contains(&path), "{file} uses {path}");
            }
        }
    }

    /// The shared rules sit below the checks: none of them imports a check.
    #[test]
    fn the_rules_import_no_check() {
        let files = [
            ("swarm/filters.rs", include_str!("filters.rs")),
            ("swarm/global.rs", include_str!("global.rs")),
            ("swarm/update_config.rs", include_str!("update_config.rs")),
        ];
        let checks = [
            "audit",
            "placement",
            "scheduler",
            "rollout",
            "graph",
            "raft",
            "lab",
        ];
        names_none_of(&files, &checks);
    }

    /// The re-checks read the model alone: a rule they shared with the solvers could hide the
    /// same bug from both.
    #[test]
    fn the_re_checks_import_no_solver_code() {
        let files = [
            ("audit/rules.rs", include_str!("../audit/rules.rs")),
            ("audit/plan.rs", include_str!("../audit/plan.rs")),
            (
                "audit/certificate.rs",
                include_str!("../audit/certificate.rs"),
            ),
        ];
        let solvers = ["swarm", "placement", "scheduler", "rollout", "graph", "lab"];
        names_none_of(&files, &solvers);
    }
}
