//! Diagnostics for `check` from an exploration and from a disruption, pointing at the service
//! in the stack file. The comparison with an exact plan has its own (`compare`).

use super::codes::{DISRUPTION_PENDING, NOT_REPLACED, ORDER_DEPENDENT, TASKS_PENDING};
use super::{DisruptionOutcome, Exploration, Order, Simulation};
use crate::diagnostics::Diagnostic;
use crate::model::Stack;

fn order_note(sim: &Simulation) -> String {
    let replay = match &sim.order {
        Order::Seed(s) => format!("seed {s}"),
        Order::Choices(c) => format!("choices {c:?}"),
    };
    format!(
        "order: services scheduled as {}; replay with {replay}",
        sim.service_order.join(", ")
    )
}

/// One diagnostic per service the exploration's witness leaves Pending: SP2002 when other
/// orders place everything, SP2000 when every explored order leaves tasks Pending.
pub fn exploration_diagnostics(stack: &Stack, e: &Exploration) -> Vec<Diagnostic> {
    let Some(w) = &e.witness else {
        return Vec::new();
    };
    let sim = &w.simulation;
    sim.pending_by_service()
        .into_iter()
        .filter_map(|(name, n)| {
            let service = stack.service(name)?;
            let message = sim
                .pending
                .iter()
                .find(|p| p.service == name)?
                .message
                .clone();
            let d = if e.complete_runs > 0 {
                Diagnostic::warning(
                    &ORDER_DEPENDENT,
                    format!(
                        "in some orders Swarm leaves {} of service {name} Pending",
                        crate::text::count(n, "task")
                    ),
                )
            } else {
                Diagnostic::error(
                    &TASKS_PENDING,
                    format!(
                        "Swarm's scheduler leaves {} of service {name} Pending",
                        crate::text::count(n, "task")
                    ),
                )
            };
            Some(
                d.at_service(name, service.span, "Pending")
                    .with_note(format!("Swarm's task status: \"{message}\""))
                    .with_note(order_note(sim)),
            )
        })
        .collect()
}

/// SP2003 for replacements left Pending, SP2004 for tasks not replaced at all.
pub fn disruption_diagnostics(stack: &Stack, d: &DisruptionOutcome) -> Vec<Diagnostic> {
    let lost = d.affected_nodes.join(", ");
    let mut out = Vec::new();
    for (name, n) in d.after.pending_by_service() {
        let Some(service) = stack.service(name) else {
            continue;
        };
        let message = d
            .after
            .pending
            .iter()
            .find(|p| p.service == name)
            .map_or_else(String::new, |p| p.message.clone());
        out.push(
            Diagnostic::error(
                &DISRUPTION_PENDING,
                format!(
                    "after losing {lost}, {} of service {name} {} Pending",
                    crate::text::count(n, "task"),
                    if n == 1 { "stays" } else { "stay" }
                ),
            )
            .at_service(name, service.span, "Pending after the loss")
            .with_note(format!("Swarm's task status: \"{message}\"")),
        );
    }
    let mut seen: Vec<&str> = Vec::new();
    for a in &d.after.not_replaced {
        if seen.contains(&a.service.as_str()) {
            continue;
        }
        seen.push(&a.service);
        if let Some(service) = stack.service(&a.service) {
            let n = d
                .after
                .not_replaced
                .iter()
                .filter(|b| b.service == a.service)
                .count();
            out.push(
                Diagnostic::warning(
                    &NOT_REPLACED,
                    format!(
                        "after losing {lost}, {} of service {} {} not replaced",
                        crate::text::count(n, "task"),
                        a.service,
                        if n == 1 { "is" } else { "are" }
                    ),
                )
                .with_service(&a.service)
                .with_primary(
                    service.restart_policy.condition.span.or(service.span),
                    "restart_policy condition none",
                ),
            );
        }
    }
    out
}
