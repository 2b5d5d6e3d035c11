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
    Checked {
        loaded,
        report,
        graph,
        orchestration,
    }
}
