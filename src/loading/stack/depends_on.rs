//! `depends_on` is accepted by docker stack deploy and silently ignored (reference §6.4,
//! painpoint 5): one finding per service that declares dependencies, saying what happens
//! instead given its restart policy and whether its dependencies have healthchecks.

use crate::diagnostics::Diagnostic;
use crate::loading::codes;
use crate::model::{RestartCondition, Stack};

pub fn depends_on_findings(stack: &Stack) -> Vec<Diagnostic> {
    stack
        .services
        .iter()
        .filter(|s| !s.depends_on.is_empty())
        .map(|s| {
            let names: Vec<&str> = s.depends_on.iter().map(|d| d.service.as_str()).collect();
            let mut d = Diagnostic::warning(
                &codes::DEPENDS_ON_IGNORED,
                format!(
                    "depends_on ({}) is ignored by docker stack deploy: services start in no particular order",
                    names.join(", ")
                ),
            )
            .at_service(&s.name, s.depends_on_span.or(s.depends_on[0].span), "silently ignored in swarm mode");
            let rp = &s.restart_policy;
            if *rp.condition == RestartCondition::None {
                d = d.with_note(format!(
                    "restart_policy.condition is none: if {} fails because a dependency is not up yet, it is never restarted",
                    s.name
                ));
            } else if *rp.max_attempts > 0 {
                d = d.with_note(format!(
                    "restart_policy.max_attempts is {}: {} gives up for good if its dependencies take longer than that many restarts",
                    *rp.max_attempts, s.name
                ));
            }
            let without_healthcheck: Vec<&str> = names
                .iter()
                .filter_map(|n| stack.service(n))
                .filter(|t| t.healthcheck.as_ref().is_none_or(|h| h.disabled))
                .map(|t| t.name.as_str())
                .collect();
            let mut help = format!("make {} retry its connections until its dependencies answer", s.name);
            if !without_healthcheck.is_empty() {
                help.push_str(&format!(
                    ", and give {} a healthcheck so that tasks receive traffic only once ready",
                    without_healthcheck.join(", ")
                ));
            }
            d.with_help(help)
        })
        .collect()
}
