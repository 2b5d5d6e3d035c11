//! `swarmproof check`: load the stack and inventory, run every check that applies, and gather
//! the findings and verdicts into one `Report`. Pure: the CLI reads the files beforehand.

use serde_json::json;

use crate::diagnostics::{FileId, Severity, SourceMap};
use crate::loading::against_inventory::check_against_inventory;
use crate::loading::inventory::load_inventory;
use crate::loading::stack::{load_stack, StackOptions};
use crate::model::{Cluster, Stack};
use crate::report::{Report, Status, Verdict};

/// The loaded model: the stack and, when an inventory was given, the cluster.
#[derive(Clone, Debug)]
pub struct Loaded {
    pub stack: Stack,
    pub cluster: Option<Cluster>,
}

/// Loads the stack files and the inventory; the `load` verdict says whether they are usable.
pub fn load(
    sources: &SourceMap,
    stack_files: &[FileId],
    nodes: Option<FileId>,
    options: &StackOptions,
    report: &mut Report,
) -> Loaded {
    let (stack, mut diags) = load_stack(sources, stack_files, options);
    let cluster = nodes.map(|id| {
        let (cluster, inv_diags) = load_inventory(sources, id);
        diags.extend(inv_diags);
        cluster
    });
    if let Some(c) = &cluster {
        diags.extend(check_against_inventory(&stack, c));
    }
    let errors = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let status = if errors == 0 {
        Status::Holds
    } else {
        Status::Violated
    };
    let summary = if errors == 0 {
        format!(
            "{} services loaded as docker stack deploy would",
            stack.services.len()
        )
    } else {
        format!("{errors} errors: docker stack deploy would refuse or mis-deploy this stack")
    };
    report.verdicts.insert(
        "load".to_string(),
        Verdict {
            status,
            summary,
            details: json!({
                "stack": stack.name,
                "files": stack_files.iter().map(|f| sources.name(*f)).collect::<Vec<_>>(),
                "services": stack.services.iter().map(|s| s.name.clone()).collect::<Vec<_>>(),
                "nodes": cluster.as_ref().map(|c| c.nodes.len()),
            }),
        },
    );
    report.findings.extend(diags);
    Loaded { stack, cluster }
}

/// Everything `check` computed, for the commands that print one part of it.
pub struct Checked {
    pub loaded: Loaded,
    pub report: Report,
    pub graph: crate::graph::GraphCheck,
    pub orchestration: crate::graph::Orchestration,
    /// Swarm's scheduler explored over its nondeterministic orders (with an inventory only).
    pub scheduler: Option<crate::scheduler::SchedulerCheck>,
}

/// Loads the inputs and runs every check that applies to them.
pub fn run(
    sources: &SourceMap,
    stack_files: &[FileId],
    nodes: Option<FileId>,
    options: &StackOptions,
) -> Checked {
    let mut report = Report::default();
    let loaded = load(sources, stack_files, nodes, options, &mut report);
    let graph = crate::graph::check(&loaded.stack, loaded.cluster.as_ref());
    report.findings.extend(graph.diagnostics.iter().cloned());
    let orchestration = crate::graph::prove(
        &loaded.stack,
        loaded.cluster.as_ref(),
        &graph,
        Status::Unknown,
        None,
    );
    report
        .verdicts
        .insert("graph".to_string(), orchestration.verdict());
    let scheduler = loaded.cluster.as_ref().and_then(|cluster| {
        match crate::scheduler::check(&loaded.stack, cluster, None) {
            Ok(c) => {
                report.findings.extend(c.diagnostics.iter().cloned());
                report.verdicts.insert("scheduler".to_string(), c.verdict());
                Some(c)
            }
            Err(e) => {
                report
                    .verdicts
                    .insert("scheduler".to_string(), not_run(&e.to_string()));
                None
            }
        }
    });
    Checked {
        loaded,
        report,
        graph,
        orchestration,
        scheduler,
    }
}

/// The verdict of a check that could not run on this input (e.g. beyond its size bound).
fn not_run(why: &str) -> Verdict {
    Verdict {
        status: Status::Unknown,
        summary: format!("not run: {why}"),
        details: serde_json::Value::Null,
    }
}
