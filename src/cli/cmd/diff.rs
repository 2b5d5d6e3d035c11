//! `swarmproof diff OLD NEW`: reads both stacks (one source map, so findings of either point
//! at their file), the inventory, the deployed state (`--deployed FILE`: the engine's
//! `{services, tasks, nodes}` JSON, or `--docker`: the same read from the running swarm), the
//! contents of file-backed secrets and configs, and
//! prints what `docker stack deploy` of NEW does (`crate::diff`).

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::process::ExitCode;

use serde_json::Value;

use crate::cli::args::DiffArgs;
use crate::cli::input;
use crate::cli::output::{self, Output};
use crate::cli::{exit_status, print_then, MAX_FINDINGS};
use crate::diagnostics::{FileId, Severity, SourceMap};
use crate::report::Report;

/// One side, read: its files' ids in the shared source map, its view and its objects' digests.
struct Read {
    files: Vec<FileId>,
    nodes: Option<FileId>,
    options: crate::loading::stack::StackOptions,
    view: Option<Value>,
    contents: BTreeMap<String, u64>,
    diagnostics: Vec<crate::diagnostics::Diagnostic>,
}

fn read_side(
    path: &std::path::Path,
    args: &DiffArgs,
    name: &str,
    sources: &mut SourceMap,
) -> Result<Read, String> {
    let inputs = input::read_inputs(&input::InputArgs {
        path: Some(path.to_path_buf()),
        files: Vec::new(),
        nodes: None,
        env_file: args.env_file.clone(),
        stack_name: Some(name.to_string()),
        skip_interpolation: false,
    })
    .map_err(|e| format!("error[{}]: {}", e.0.code.id, e.0.message))?;
    let (view, mut diagnostics) = super::config::stack_config(&inputs);
    diagnostics.splice(0..0, inputs.diagnostics.iter().cloned());
    let view = view.map(|v| v.to_json());
    let contents = view.as_ref().map(digests).unwrap_or_default();
    // Move the side's files into the shared map and its spans with them.
    let ids: Vec<(FileId, FileId)> = inputs
        .sources
        .files()
        .map(|(id, f)| (id, sources.add(f.name.clone(), f.text.clone())))
        .collect();
    let map = |id: FileId| ids.iter().find(|(a, _)| *a == id).map_or(id, |(_, b)| *b);
    for d in &mut diagnostics {
        for l in &mut d.labels {
            l.span.file = map(l.span.file);
        }
    }
    Ok(Read {
        files: inputs.stack_files.iter().map(|&f| map(f)).collect(),
        nodes: inputs.nodes.map(map),
        options: inputs.options,
        view,
        contents,
        diagnostics,
    })
}

/// A digest of each file-backed secret's and config's content (`secret:KEY`), read from the
/// absolute paths the view holds; unreadable files are left out (the load reports them).
fn digests(view: &Value) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for kind in ["secret", "config"] {
        let section = view.get(format!("{kind}s")).and_then(Value::as_object);
        for (key, v) in section.into_iter().flatten() {
            let Some(file) = v.get("file").and_then(Value::as_str) else {
                continue;
            };
            if let Ok(bytes) = input::read_bounded(std::path::Path::new(file)) {
                let mut h = std::collections::hash_map::DefaultHasher::new();
                bytes.hash(&mut h);
                out.insert(format!("{kind}:{key}"), h.finish());
            }
        }
    }
    out
}

fn default_name(path: &std::path::Path) -> String {
    let p = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    let name = if p.is_dir() {
        p.file_name()
    } else {
        p.file_stem()
    };
    name.map_or_else(|| "stack".to_string(), |n| n.to_string_lossy().into_owned())
}

pub fn run(args: &DiffArgs) -> ExitCode {
    let bounds = args.bounds.start();
    let name = args
        .stack_name
        .clone()
        .unwrap_or_else(|| default_name(&args.new));
    let mut sources = SourceMap::new();
    let (old, new) = match (
        read_side(&args.old, args, &name, &mut sources),
        read_side(&args.new, args, &name, &mut sources),
    ) {
        (Ok(o), Ok(n)) => (o, n),
        (Err(e), _) | (_, Err(e)) => return args.output.fail(e),
    };
    let deployed_json = match deployed_state(args, &name) {
        Ok(d) => d,
        Err(e) => return args.output.fail(e),
    };
    let nodes = match (&args.nodes, new.nodes, &deployed_json) {
        (Some(p), _, _) => match input::read_bounded(p) {
            Ok(b) => Some(sources.add(
                p.display().to_string(),
                String::from_utf8_lossy(&b).into_owned(),
            )),
            Err(e) => {
                return args
                    .output
                    .fail(format!("error: cannot read {}: {e}", p.display()))
            }
        },
        (None, Some(id), _) => Some(id),
        (None, None, Some((d, Some(endpoint)))) => {
            let nodes = d.get("nodes").cloned().unwrap_or(Value::Null);
            match crate::cli::live::add_nodes(endpoint, &nodes, &mut sources) {
                Ok(id) => Some(id),
                Err(e) => return args.output.fail(e),
            }
        }
        (None, None, Some((d, None))) => d.get("nodes").map(|n| {
            let text = serde_json::to_string_pretty(n).unwrap_or_default();
            sources.add("deployed nodes", text)
        }),
        (None, None, None) => None,
    };
    let deployed = match &deployed_json {
        None => None,
        Some((d, _)) => {
            let get = |k: &str| d.get(k).cloned().unwrap_or(Value::Null);
            match crate::diff::from_engine(&name, &get("services"), &get("tasks")) {
                Ok(d) => Some(d),
                Err(e) => return args.output.fail(format!("error: the deployed state: {e}")),
            }
        }
    };
    let mut report = Report::default();
    let mut old_load = Report::default();
    let old_stack = crate::check::load(&sources, &old.files, None, &old.options, &mut old_load);
    let new_loaded = crate::check::load(&sources, &new.files, nodes, &new.options, &mut report);
    report.findings.extend(new.diagnostics.iter().cloned());
    let old_errors = old_load
        .findings
        .into_iter()
        .chain(old.diagnostics.iter().cloned())
        .filter(|d| d.severity == Severity::Error);
    report.findings.extend(old_errors);
    let (Some(old_view), Some(new_view)) = (&old.view, &new.view) else {
        // docker stack config stops at an error of either file: nothing to compare.
        return finish(args, report, &sources, String::new(), None);
    };
    let ctx = crate::diff::Context {
        cluster: new_loaded.cluster.as_ref(),
        deployed: deployed.as_ref(),
        prune: args.prune,
    };
    let mut options = args.rollout.options();
    options.strict |= new_loaded.stack.requirements.strict;
    let result = crate::diff::run(
        &crate::diff::Side {
            stack: &old_stack.stack,
            view: old_view,
            contents: &old.contents,
        },
        &crate::diff::Side {
            stack: &new_loaded.stack,
            view: new_view,
            contents: &new.contents,
        },
        &ctx,
        &options,
        &bounds,
    );
    report
        .findings
        .extend(result.report.findings.iter().cloned());
    report.verdicts.extend(result.report.verdicts.clone());
    let mut human = crate::diff::render_changes(&result);
    for r in &result.updates {
        human.push('\n');
        human.push_str(&crate::rollout::render_result(r));
    }
    finish(
        args,
        report,
        &sources,
        human,
        serde_json::to_value(&result).ok(),
    )
}

/// The deployed state: `--deployed FILE`, or with `--docker` the stack's namespace read from
/// the engine of the environment (and then its endpoint, which the inventory is read from).
fn deployed_state(args: &DiffArgs, name: &str) -> Result<Option<Deployed>, String> {
    if args.docker {
        let endpoint = crate::cli::live::endpoint_from_env().map_err(|e| e.0)?;
        let d = crate::cli::live::read_deployed_stack(&endpoint, name).map_err(|e| e.0)?;
        let json = serde_json::json!({"services": d.services, "tasks": d.tasks, "nodes": d.nodes});
        return Ok(Some((json, Some(endpoint))));
    }
    let Some(p) = &args.deployed else {
        return Ok(None);
    };
    input::read_bounded(p)
        .map_err(|e| e.to_string())
        .and_then(|b| serde_json::from_slice(&b).map_err(|e| e.to_string()))
        .map(|v| Some((v, None)))
        .map_err(|e| format!("error: cannot read {}: {e}", p.display()))
}

/// The deployed state's JSON, and the engine it was read from (none for a file).
type Deployed = (Value, Option<crate::cli::live::Endpoint>);

fn finish(
    args: &DiffArgs,
    mut report: Report,
    sources: &SourceMap,
    mut human: String,
    payload: Option<Value>,
) -> ExitCode {
    report.sort_findings(sources);
    let status = exit_status(&report, false);
    let report = report.bounded(MAX_FINDINGS);
    human.push('\n');
    human.push_str(&output::human(&super::without_timelines(&report), sources));
    let text = args.output.render(&Output {
        command: "diff",
        report: &report,
        sources,
        human,
        payload: Some(
            payload.unwrap_or_else(|| serde_json::json!({"services": [], "updates": []})),
        ),
        deny_warnings: false,
    });
    print_then(&text, status)
}
