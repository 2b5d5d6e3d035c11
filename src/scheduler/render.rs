//! Plain-text renderers for `swarmproof simulate` and the comparison in `check`. Pure: they
//! return the text; the CLI prints it.

use std::fmt::Write;

use super::{Comparison, DisruptionOutcome, Exploration, Order, Simulation, Strategy};
use crate::model::Cluster;
use crate::report::Status;

fn order_text(order: &Order) -> String {
    match order {
        Order::Seed(s) => format!("seed {s}"),
        Order::Choices(c) => format!(
            "choices [{}]",
            c.iter().map(u32::to_string).collect::<Vec<_>>().join(",")
        ),
    }
}

/// The predicted placement per node, then every Pending task with Swarm's message.
pub fn render_simulation(cluster: &Cluster, sim: &Simulation) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "strategy {}{} ({}), services scheduled in order: {}",
        sim.strategy.as_str(),
        if sim.strategy.is_swarm() {
            ""
        } else {
            " — what-if, NOT Swarm's behaviour"
        },
        order_text(&sim.order),
        sim.service_order.join(", ")
    );
    for (i, node) in cluster.nodes.iter().enumerate() {
        let tasks: Vec<String> = sim
            .assignments
            .iter()
            .filter(|a| a.node == i)
            .map(|a| format!("{}.{}", a.service, a.task.replica))
            .collect();
        let _ = writeln!(
            out,
            "  {:<20} {}",
            node.hostname,
            if tasks.is_empty() {
                "-".to_string()
            } else {
                tasks.join(" ")
            }
        );
    }
    if sim.strategy == Strategy::BinPack {
        let _ = writeln!(
            out,
            "nodes used: {} of {}",
            sim.nodes_used(),
            cluster.nodes.len()
        );
    }
    for p in &sim.pending {
        let on = p
            .node
            .as_ref()
            .map_or(String::new(), |n| format!(" (preassigned to {n})"));
        let _ = writeln!(
            out,
            "Pending {}.{}{on}: {}",
            p.service, p.task.replica, p.message
        );
        if p.first_message != p.message {
            let _ = writeln!(out, "  (first attempt: {})", p.first_message);
        }
    }
    for n in &sim.not_created {
        let _ = writeln!(out, "Not created {}: {}", n.service, n.reason);
    }
    for a in &sim.not_replaced {
        let _ = writeln!(
            out,
            "Not replaced {}.{} (was on {}): restart_policy condition none",
            a.service, a.task.replica, a.hostname
        );
    }
    if sim.is_complete() {
        let _ = writeln!(out, "all {} tasks placed", sim.assignments.len());
    }
    out
}

/// What the exploration of orders found.
pub fn render_exploration(cluster: &Cluster, e: &Exploration) -> String {
    let mut out = format!(
        "explored {} ({} merged into an order reaching the same state), {}; {} placed every task\n",
        crate::text::count(e.runs, "order"),
        e.merged_runs,
        if e.exhaustive {
            "exhaustive"
        } else {
            "bounded (incomplete)"
        },
        e.complete_runs
    );
    match (&e.witness, e.status) {
        (Some(w), _) => {
            out.push_str("an order that leaves tasks Pending (replayable):\n");
            out.push_str(&render_simulation(cluster, &w.simulation));
        }
        (None, Status::Holds) => out.push_str("no order leaves a task Pending\n"),
        (None, _) => out.push_str("no explored order leaves a task Pending (not proved)\n"),
    }
    out
}

/// Which tasks moved where after a node or zone loss.
pub fn render_disruption(after_cluster: &Cluster, d: &DisruptionOutcome) -> String {
    let mut out = format!("lost: {}\n", d.affected_nodes.join(", "));
    for m in &d.moves {
        let _ = writeln!(
            out,
            "  {}.{}: {} -> {}",
            m.service,
            m.task.replica,
            m.from,
            m.to.as_deref().unwrap_or("Pending")
        );
    }
    for g in &d.removed_global {
        let _ = writeln!(
            out,
            "  {}.{}: global task on {} shut down, not replaced elsewhere",
            g.service, g.task.replica, g.hostname
        );
    }
    out.push_str(&render_simulation(after_cluster, &d.after));
    out
}

/// The comparison: both placements side by side, then each finding with reason and remedies.
pub fn render_comparison(c: &Comparison) -> String {
    let mut out = String::new();
    let width = c
        .side_by_side
        .iter()
        .map(|r| r.node.len())
        .max()
        .unwrap_or(4)
        .max(4);
    let _ = writeln!(out, "{:<width$}  {:<30}  exact plan", "node", "Swarm");
    for r in &c.side_by_side {
        let _ = writeln!(
            out,
            "{:<width$}  {:<30}  {}",
            r.node,
            r.swarm.join(" "),
            r.exact.join(" ")
        );
    }
    for f in &c.findings {
        let _ = writeln!(
            out,
            "{} of {} Pending: {}\n  reason: {}",
            crate::text::count(f.pending, "task"),
            f.service,
            f.message,
            f.reason
        );
        for r in &f.remedies {
            let _ = writeln!(
                out,
                "  remedy ({}): {}",
                match r.verified {
                    Status::Holds => "verified in every order",
                    _ => "no failing order found, search bounded",
                },
                r.description
            );
        }
    }
    out
}
