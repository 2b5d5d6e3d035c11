//! Findings about D and start-up: cycles (declared ones contradict any start order; inferred
//! ones are mutual references), the start order docker stack deploy does not enforce
//! (reference §6.4, painpoint 5), and dependencies on services outside the stack.

use std::collections::BTreeMap;

use super::codes;
use super::deps::{Cycle, DependencyGraph, Edge, EdgeKind};
use crate::diagnostics::Diagnostic;
use crate::model::{RestartCondition, Stack};

pub fn cycle_findings(cycles: &[Cycle]) -> Vec<Diagnostic> {
    cycles
        .iter()
        .filter_map(|c| {
            let first = c.edges.first()?;
            let d = if c.is_declared() {
                Diagnostic::error(
                    &codes::DEPENDENCY_CYCLE,
                    format!("dependency cycle: {}", c.path()),
                )
                .with_help("remove the depends_on edge that is not a real startup need, and let the services retry their connections")
            } else {
                Diagnostic::info(
                    &codes::MUTUAL_REFERENCE,
                    format!("services refer to each other: {}", c.path()),
                )
                .with_note("inferred edges inside such a group imply no start order among its services")
            };
            let mut d = d
                .with_service(&first.from)
                .with_primary(first.span, label(first));
            for e in &c.edges[1..] {
                d = d.with_secondary(e.span, label(e));
            }
            Some(d)
        })
        .collect()
}

fn label(e: &Edge) -> String {
    match e.kind {
        EdgeKind::Declared => format!("`{}` depends on `{}`", e.from, e.to),
        EdgeKind::Inferred => format!("`{}` names `{}` ({})", e.from, e.to, e.evidence),
    }
}

/// SP5003, one per service with declared dependencies in the stack.
pub fn start_order_findings(stack: &Stack, graph: &DependencyGraph) -> Vec<Diagnostic> {
    let mut declared: BTreeMap<usize, Vec<&Edge>> = BTreeMap::new();
    for e in graph.edges.iter().filter(|e| e.kind == EdgeKind::Declared) {
        declared.entry(e.ends().0).or_default().push(e);
    }
    declared
        .into_iter()
        .filter_map(|(i, deps)| {
            let s = stack.services.get(i)?;
            let first = deps.first()?;
            let names: Vec<String> = deps.iter().map(|e| format!("`{}`", e.to)).collect();
            let mut d = Diagnostic::warning(
                &codes::START_ORDER_NOT_ENFORCED,
                format!(
                    "docker stack deploy ignores depends_on: `{}` may start before {}",
                    s.name,
                    names.join(", ")
                ),
            )
            .with_service(&s.name)
            .with_primary(first.span, "ignored by docker stack deploy");
            for e in &deps[1..] {
                d = d.with_secondary(e.span, "ignored by docker stack deploy");
            }
            let rp = &s.restart_policy;
            if *rp.condition == RestartCondition::None {
                d = d.with_note(format!(
                    "restart_policy.condition is none: if `{}` fails because a dependency is not up yet, it is never restarted",
                    s.name
                ));
            } else if *rp.max_attempts > 0 {
                d = d.with_note(format!(
                    "restart_policy.max_attempts is {}: `{}` gives up for good if its dependencies take longer than that many restarts",
                    *rp.max_attempts, s.name
                ));
            }
            let unhealthy: Vec<&str> = deps
                .iter()
                .filter_map(|e| stack.services.get(e.ends().1))
                .filter(|t| t.healthcheck.as_ref().is_none_or(|h| h.disabled))
                .map(|t| t.name.as_str())
                .collect();
            let mut help = format!(
                "make `{}` retry until its dependencies answer (restart_policy condition any or on-failure without a small max_attempts, or a wait loop in the entrypoint)",
                s.name
            );
            if !unhealthy.is_empty() {
                help.push_str(&format!(
                    ", and give {} a healthcheck so that tasks receive traffic only once ready",
                    unhealthy.join(", ")
                ));
            }
            Some(d.with_help(help))
        })
        .collect()
}

/// SP5004 for every `depends_on` naming a service the stack lacks.
pub fn missing_findings(stack: &Stack, graph: &DependencyGraph) -> Vec<Diagnostic> {
    graph
        .missing
        .iter()
        .map(|m| {
            let external: Vec<&str> = stack
                .service(&m.service)
                .into_iter()
                .flat_map(|s| &s.networks)
                .filter(|a| stack.network(&a.name).is_some_and(|n| n.external))
                .map(|a| a.name.as_str())
                .collect();
            let d = Diagnostic::warning(
                &codes::DEPENDENCY_NOT_IN_STACK,
                format!(
                    "`{}` depends on `{}`, which is not a service of this stack",
                    m.service, m.name
                ),
            )
            .with_service(&m.service)
            .with_primary(m.span, "no such service in this stack");
            if external.is_empty() {
                d.with_help(format!(
                    "if `{}` is in another stack, attach both to a shared external network; `{}` joins none",
                    m.name, m.service
                ))
            } else {
                d.with_note(format!(
                    "`{}` joins the external network(s) {}; `{}` is reachable only if its stack joins one of them",
                    m.service,
                    external.join(", "),
                    m.name
                ))
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Severity;
    use crate::graph::fixtures::*;
    use crate::model::{RestartCondition, Spanned};

    #[test]
    fn declared_cycle_is_an_error_with_every_edge_located() {
        let st = stack(vec![
            depends(svc("a"), "b", 10),
            depends(svc("b"), "c", 20),
            depends(svc("c"), "a", 30),
        ]);
        let g = DependencyGraph::build(&st);
        let d = cycle_findings(&g.cycles());
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].severity, Severity::Error);
        assert_eq!(d[0].message, "dependency cycle: a → b → c → a");
        let spans: Vec<usize> = d[0].labels.iter().map(|l| l.span.start).collect();
        assert_eq!(spans, [10, 20, 30]);
        assert!(d[0].labels[0].primary && !d[0].labels[1].primary);
    }

    #[test]
    fn start_order_warning_mentions_fragile_restart_policies() {
        let mut app = depends(depends(svc("app"), "db", 1), "cache", 2);
        app.restart_policy.condition = Spanned::default_value(RestartCondition::None);
        let mut worker = depends(svc("worker"), "db", 3);
        worker.restart_policy.max_attempts = Spanned::default_value(3);
        let st = stack(vec![app, worker, svc("db"), svc("cache"), svc("free")]);
        let d = start_order_findings(&st, &DependencyGraph::build(&st));
        assert_eq!(d.len(), 2);
        assert_eq!(
            d[0].message,
            "docker stack deploy ignores depends_on: `app` may start before `db`, `cache`"
        );
        assert!(d[0].notes[0].contains("never restarted"));
        assert!(d[1].notes[0].contains("max_attempts is 3"));
        assert!(d[0]
            .help
            .as_deref()
            .unwrap()
            .contains("give db, cache a healthcheck"));
    }

    #[test]
    fn dependency_outside_the_stack() {
        let st = stack(vec![depends(svc("app"), "auth", 4)]);
        let d = missing_findings(&st, &DependencyGraph::build(&st));
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].code.id, "SP5004");
        assert_eq!(d[0].primary_span(), Some(span(4)));
    }
}
