//! Findings about D and start-up: cycles (declared ones contradict any start order; inferred
//! ones are mutual references) and dependencies on services outside the stack. That docker
//! stack deploy ignores `depends_on` altogether is reported by the loader (SP0106).

use super::codes;
use super::deps::{Cycle, DependencyGraph, Edge, EdgeKind};
use crate::diagnostics::Diagnostic;
use crate::model::Stack;

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
                .at_service(&first.from, first.span, label(first));
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
            .at_service(&m.service, m.span, "no such service in this stack");
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
    fn dependency_outside_the_stack() {
        let st = stack(vec![depends(svc("app"), "auth", 4)]);
        let d = missing_findings(&st, &DependencyGraph::build(&st));
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].code.id, "SP5004");
        assert_eq!(d[0].primary_span(), Some(span(4)));
    }
}
