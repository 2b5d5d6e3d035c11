//! `swarmproof plan` output: a plan node by node, with the reservations each node carries and
//! what is left, as serialisable rows (JSON) and as a text table. Pure: returns strings.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::units::{format_bytes, format_cpus};
use crate::model::{Cluster, Stack};

use crate::model::Plan;

/// A generic resource on one node: reserved by the plan, and left.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GenericUse {
    pub reserved: u64,
    pub free: u64,
}

/// One node of a plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NodeRow {
    pub node: String,
    /// `service.replica`, in plan order.
    pub tasks: Vec<String>,
    pub nano_cpus_reserved: u64,
    pub nano_cpus_free: u64,
    pub memory_bytes_reserved: u64,
    pub memory_bytes_free: u64,
    pub generic: BTreeMap<String, GenericUse>,
}

/// Every node of the inventory, in inventory order, with its tasks in `plan`.
pub fn plan_rows(stack: &Stack, cluster: &Cluster, plan: &Plan) -> Vec<NodeRow> {
    let mut rows: Vec<NodeRow> = cluster
        .nodes
        .iter()
        .map(|n| NodeRow {
            node: n.hostname.clone(),
            tasks: Vec::new(),
            nano_cpus_reserved: 0,
            nano_cpus_free: n.nano_cpus,
            memory_bytes_reserved: 0,
            memory_bytes_free: n.memory_bytes,
            generic: n
                .generic
                .iter()
                .map(|(k, g)| {
                    (
                        k.clone(),
                        GenericUse {
                            reserved: 0,
                            free: g.amount(),
                        },
                    )
                })
                .collect(),
        })
        .collect();
    for &(task, node) in &plan.assignments {
        let (Some(row), Some(s)) = (rows.get_mut(node), stack.services.get(task.service)) else {
            continue;
        };
        let r = &s.resources.reservations;
        row.tasks.push(format!("{}.{}", s.name, task.replica));
        row.nano_cpus_reserved = row.nano_cpus_reserved.saturating_add(*r.nano_cpus);
        row.nano_cpus_free = row.nano_cpus_free.saturating_sub(*r.nano_cpus);
        row.memory_bytes_reserved = row.memory_bytes_reserved.saturating_add(*r.memory_bytes);
        row.memory_bytes_free = row.memory_bytes_free.saturating_sub(*r.memory_bytes);
        for g in r.generic.iter().filter(|g| g.value > 0) {
            let e = row.generic.entry(g.kind.clone()).or_insert(GenericUse {
                reserved: 0,
                free: 0,
            });
            e.reserved = e.reserved.saturating_add(g.value);
            e.free = e.free.saturating_sub(g.value);
        }
    }
    rows
}

/// Tasks grouped by service: `web×3 app×1`.
fn task_summary(tasks: &[String]) -> String {
    let mut groups: Vec<(&str, usize)> = Vec::new();
    for t in tasks {
        let name = t.rsplit_once('.').map_or(t.as_str(), |(s, _)| s);
        match groups.iter_mut().find(|(g, _)| *g == name) {
            Some((_, k)) => *k += 1,
            None => groups.push((name, 1)),
        }
    }
    if groups.is_empty() {
        return "-".to_string();
    }
    groups
        .iter()
        .map(|(g, k)| format!("{g}×{k}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The `swarmproof plan` table.
pub fn render_plan(stack: &Stack, cluster: &Cluster, plan: &Plan) -> String {
    let rows = plan_rows(stack, cluster, plan);
    let with_generic = rows.iter().any(|r| !r.generic.is_empty());
    let mut table: Vec<Vec<String>> = vec![[
        "NODE", "CPU USED", "CPU FREE", "MEM USED", "MEM FREE", "GENERIC", "TASKS",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()];
    for r in &rows {
        let generic: Vec<String> = r
            .generic
            .iter()
            .map(|(k, g)| format!("{k} {}/{}", g.reserved, g.reserved + g.free))
            .collect();
        table.push(vec![
            r.node.clone(),
            format_cpus(r.nano_cpus_reserved),
            format_cpus(r.nano_cpus_free),
            format_bytes(r.memory_bytes_reserved),
            format_bytes(r.memory_bytes_free),
            if generic.is_empty() {
                "-".to_string()
            } else {
                generic.join(", ")
            },
            task_summary(&r.tasks),
        ]);
    }
    if !with_generic {
        for row in &mut table {
            row.remove(5);
        }
    }
    let cols = table[0].len();
    let widths: Vec<usize> = (0..cols)
        .map(|c| {
            table
                .iter()
                .map(|r| r[c].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in &table {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(c, (cell, &w))| {
                if c + 1 == cols {
                    cell.clone()
                } else {
                    format!("{cell:<w$}")
                }
            })
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    let tasks: usize = rows.iter().map(|r| r.tasks.len()).sum();
    out.push_str(&format!("{tasks} tasks on {} nodes\n", rows.len()));
    out
}
