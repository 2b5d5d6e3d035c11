//! Independent re-checks of what the placement solvers claim. This module shares no code with
//! them: it reads the model (services, nodes) and states the scheduler's rules again in its
//! own plainest form (`rules`), so that a bug in the rules the solvers use (`swarm/`) cannot
//! hide in the check as well. `plan` validates every placement plan before it is reported;
//! `certificate` states and checks the proofs of infeasibility the placement check prints.

pub mod certificate;
pub mod plan;
pub mod rules;

pub use plan::{validate, PlanError};

#[cfg(test)]
mod tests {
    /// The re-checks read the model alone: a rule they shared with the solvers could hide the
    /// same bug from both.
    #[test]
    fn the_re_checks_import_no_solver_code() {
        let files = [
            ("rules.rs", include_str!("rules.rs")),
            ("plan.rs", include_str!("plan.rs")),
            ("certificate.rs", include_str!("certificate.rs")),
        ];
        for (file, text) in files {
            let code = text.split("#[cfg(test)]").next().unwrap_or(text);
            for layer in ["swarm", "placement", "scheduler", "rollout", "graph", "lab"] {
                let path = format!("crate::{layer}");
                assert!(!code.contains(&path), "audit/{file} uses {path}");
            }
        }
    }
}
