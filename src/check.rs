//! `swarmproof check`: load the stack and inventory, run every check that applies, and gather
//! the findings and verdicts into one `Report`. Pure: the CLI reads the files beforehand.

use std::time::Duration;

use serde_json::json;

use crate::deadline::Deadline;
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
    // Only what docker stack deploy itself would refuse or mis-deploy decides `load`: findings
    // against the inventory (a constraint no node matches) are about tasks Swarm accepts and
    // keeps Pending, which placement and the scheduler judge.
    let errors = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    if let Some(c) = &cluster {
        // Nodes labelled `role` by hand make `node.labels.role` a deliberate constraint.
        if c.nodes.iter().any(|n| n.labels.contains_key("role")) {
            diags.retain(|d| d.code != &crate::loading::codes::ROLE_AS_LABEL);
        }
        diags.extend(check_against_inventory(&stack, c));
    }
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
    /// The exact placement (with an inventory only).
    pub placement: Option<crate::placement::Placement>,
    pub graph: crate::graph::GraphCheck,
    pub orchestration: crate::graph::Orchestration,
    /// Swarm's scheduler explored over its nondeterministic orders (with an inventory only).
    pub scheduler: Option<crate::scheduler::SchedulerCheck>,
    /// Each service's rolling update, model-checked from the placement plan.
    pub rollout: Vec<crate::rollout::RolloutResult>,
}

/// Settings of the checks that take any.
#[derive(Clone, Debug)]
pub struct CheckOptions {
    pub placement: crate::placement::PlacementOptions,
    /// Explore Swarm's scheduler over its orders (`plan` and `graph` do not need it).
    pub scheduler: bool,
    /// Model-check every service's rolling update; `None` skips it.
    pub rollout: Option<crate::rollout::Options>,
    /// Bounds of the whole run (`--timeout`, `--max-memory`), over each check's own.
    pub bounds: RunBounds,
}

/// Bounds of a whole run. Each search keeps its own limits and also stops at the deadline or
/// at the byte budget, and then reports `unknown` (never `holds`), naming the bound.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RunBounds {
    pub deadline: Deadline,
    pub max_memory_bytes: Option<usize>,
}

impl RunBounds {
    /// A search's own time limit, cut to the time left.
    pub fn cap_time(&self, own: Duration) -> Duration {
        own.min(Duration::from_millis(self.deadline.remaining_ms()))
    }

    /// A search's own byte budget, cut to `--max-memory`.
    pub fn cap_bytes(&self, own: usize) -> usize {
        self.max_memory_bytes.map_or(own, |m| m.min(own))
    }

    /// The budget of an exploration of Swarm's scheduler orders: `check`'s, cut to the run's.
    pub fn explore_options(
        &self,
        stack: &Stack,
        cluster: &Cluster,
    ) -> crate::scheduler::ExploreOptions {
        let scaled = crate::scheduler::ExploreOptions::scaled(stack, cluster);
        crate::scheduler::ExploreOptions {
            max_memo_bytes: self.cap_bytes(scaled.max_memo_bytes),
            deadline: self.deadline,
            ..scaled
        }
    }
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            placement: Default::default(),
            scheduler: true,
            rollout: Some(Default::default()),
            bounds: RunBounds::default(),
        }
    }
}

/// Loads the inputs and runs every check that applies to them: placement and the scheduler
/// need an inventory; the graph checks and the orchestration theorem run on every stack.
pub fn run(
    sources: &SourceMap,
    stack_files: &[FileId],
    nodes: Option<FileId>,
    options: &StackOptions,
    check: &CheckOptions,
) -> Checked {
    let mut report = Report::default();
    let loaded = load(sources, stack_files, nodes, options, &mut report);
    let placement = loaded.cluster.as_ref().map(|cluster| {
        let mut options = check.placement.clone();
        options.deadline = check.bounds.deadline;
        if let Some(crate::placement::Tolerance::Domain(label)) = &mut options.tolerate {
            if label.is_empty() {
                label.clone_from(&cluster.domain_label);
            }
        }
        let p = crate::placement::check_placement(&loaded.stack, cluster, &options);
        report.findings.extend(p.diagnostics.iter().cloned());
        report
            .verdicts
            .insert("placement".to_string(), p.verdict(&loaded.stack, cluster));
        p
    });
    let exact_plan = placement.as_ref().and_then(|p| p.plan.as_ref());
    let graph = crate::graph::check(&loaded.stack, loaded.cluster.as_ref());
    report.findings.extend(graph.diagnostics.iter().cloned());
    // The theorem's R premise is the stack's placement on the cluster as it is; failure
    // tolerance (`--tolerate`) is a further requirement reported by the placement verdict.
    let resources = match &placement {
        Some(p) if p.plan.is_some() => Status::Holds,
        Some(p) => p.status,
        None => Status::Skipped,
    };
    let orchestration = crate::graph::prove(
        &loaded.stack,
        loaded.cluster.as_ref(),
        &graph,
        resources,
        exact_plan,
    );
    report
        .verdicts
        .insert("graph".to_string(), orchestration.verdict());
    let too_large = loaded
        .cluster
        .as_ref()
        .and_then(|cluster| exploration_too_large(&loaded.stack, cluster))
        .or_else(|| {
            check
                .bounds
                .deadline
                .passed()
                .then(|| "stopped at --timeout before the exploration began".to_string())
        })
        .filter(|_| check.scheduler && loaded.cluster.is_some());
    if let Some(why) = &too_large {
        report
            .verdicts
            .insert("scheduler".to_string(), not_run(why));
    }
    let scheduler = loaded
        .cluster
        .as_ref()
        .filter(|_| check.scheduler && too_large.is_none())
        .and_then(|cluster| {
            match crate::scheduler::check(
                &loaded.stack,
                cluster,
                exact_plan,
                &check.bounds.explore_options(&loaded.stack, cluster),
            ) {
                Ok(c) => {
                    report.findings.extend(c.diagnostics.iter().cloned());
                    let mut verdict = c.verdict();
                    if verdict.status == Status::Unknown && check.bounds.deadline.passed() {
                        verdict.summary.push_str(", stopped at --timeout");
                    }
                    report.verdicts.insert("scheduler".to_string(), verdict);
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
    let rollout = check_rollouts(
        &loaded,
        exact_plan,
        check.rollout.as_ref(),
        &check.bounds,
        &mut report,
    );
    match &loaded.cluster {
        Some(cluster) if cluster.managers().next().is_some() => {
            let (verdict, diags) = quorum(cluster, check.placement.tolerate.as_ref());
            report.findings.extend(diags);
            report.verdicts.insert("quorum".to_string(), verdict);
        }
        Some(_) => {
            report.verdicts.insert(
                "quorum".to_string(),
                skipped("the inventory lists no manager"),
            );
        }
        None => {}
    }
    if loaded.cluster.is_none() {
        // Listed, not silently absent: what needs the cluster, and how to give it.
        let mut needs_inventory = vec!["placement", "quorum"];
        if check.scheduler {
            needs_inventory.push("scheduler");
        }
        for name in needs_inventory {
            report
                .verdicts
                .insert(name.to_string(), skipped(NO_INVENTORY));
        }
    }
    drop_repeated_causes(&mut report.findings);
    Checked {
        loaded,
        report,
        placement,
        graph,
        orchestration,
        scheduler,
        rollout,
    }
}

/// The managers' quorum; a requested `--tolerate` applies to it as to placement: losing the
/// nodes or the domain it names must leave a majority of managers.
fn quorum(
    cluster: &Cluster,
    tolerate: Option<&crate::placement::Tolerance>,
) -> (Verdict, Vec<crate::diagnostics::Diagnostic>) {
    use crate::placement::Tolerance;
    use crate::raft::Survive;
    let (cluster, survive) = match tolerate {
        None => {
            let (analysis, diags) = crate::raft::analyze(cluster, &[]);
            return (crate::raft::quorum_verdict(&analysis), diags);
        }
        Some(Tolerance::Nodes(n)) => (
            cluster.clone(),
            Survive::Nodes(usize::try_from(*n).unwrap_or(usize::MAX)),
        ),
        // The domains are those of the label `--tolerate zone` uses, which `--domain-label`
        // may set apart from the inventory's.
        Some(Tolerance::Domain(label)) => {
            let mut c = cluster.clone();
            if !label.is_empty() {
                c.domain_label.clone_from(label);
            }
            (c, Survive::OneDomain)
        }
    };
    let (analysis, mut diags) = crate::raft::analyze(&cluster, &[]);
    let (verdict, more) = crate::raft::quorum_verdict_under(&analysis, survive);
    diags.extend(more);
    (verdict, diags)
}

/// The rolling update of every service, started from the validated placement plan.
fn check_rollouts(
    loaded: &Loaded,
    plan: Option<&crate::placement::Plan>,
    options: Option<&crate::rollout::Options>,
    bounds: &RunBounds,
    report: &mut Report,
) -> Vec<crate::rollout::RolloutResult> {
    let Some(options) = options else {
        return Vec::new();
    };
    let options = &update_options(options, &loaded.stack);
    // The update model starts from a placement, so it needs an inventory and a plan; what the
    // update configs decide alone (the defaults, delay against monitor, monitor against the
    // healthcheck) does not, and is checked either way.
    let (cluster, plan) = match (&loaded.cluster, plan) {
        (Some(cluster), Some(plan)) => (cluster, plan),
        (cluster, _) => {
            for s in &loaded.stack.services {
                report
                    .findings
                    .extend(crate::rollout::config_diagnostics(s, options.strict));
            }
            report
                .findings
                .extend(crate::rollout::defaults_without_cluster(
                    &loaded.stack,
                    options.strict,
                ));
            const CONFIG_ONLY: &str =
                "what the update configs decide alone was checked (SP3002, SP3007, SP3010, SP3011)";
            let verdict = match cluster {
                None => skipped(&format!("{NO_INVENTORY}; {CONFIG_ONLY}")),
                Some(_) => not_run(&format!(
                    "no placement plan to start the update from; {CONFIG_ONLY}"
                )),
            };
            report.verdicts.insert("rollout".to_string(), verdict);
            return Vec::new();
        }
    };
    let inputs = crate::rollout::inputs_from_plan(&loaded.stack, cluster, plan);
    let (results, diags, verdict) = check_updates(
        &inputs.iter().collect::<Vec<_>>(),
        options,
        bounds,
        &mut |_| {},
    );
    report.findings.extend(diags);
    report.verdicts.insert("rollout".to_string(), verdict);
    results
}

/// The update options of a stack: `strict` if asked or if the stack requires it.
pub fn update_options(options: &crate::rollout::Options, stack: &Stack) -> crate::rollout::Options {
    crate::rollout::Options {
        strict: options.strict || stack.requirements.strict,
        ..*options
    }
}

/// Why no rolling update can start from a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NoUpdateStart {
    #[error("the update check needs an inventory (--nodes FILE, or nodes.yml beside the stack)")]
    NoInventory,
    #[error("the stack has no placement on this cluster, so no update can start (see `swarmproof check`)")]
    NoPlan,
}

impl Checked {
    /// The rollout inputs of the stack: every service's update starts from the validated plan.
    pub fn rollout_inputs(&self) -> Result<Vec<crate::rollout::RolloutInput<'_>>, NoUpdateStart> {
        let cluster = self
            .loaded
            .cluster
            .as_ref()
            .ok_or(NoUpdateStart::NoInventory)?;
        let plan = self
            .placement
            .as_ref()
            .and_then(|p| p.plan.as_ref())
            .ok_or(NoUpdateStart::NoPlan)?;
        Ok(crate::rollout::inputs_from_plan(
            &self.loaded.stack,
            cluster,
            plan,
        ))
    }
}

/// What a search of [`check_updates`] reports while it runs (for a terminal progress line).
pub enum UpdateEvent<'a> {
    Searching(&'a str, crate::rollout::Progress),
    /// The service's search is over.
    Done(&'a str),
}

/// Model-checks the update of each of `inputs`, each with its own limits cut to what is left
/// of the run's: the results, their findings (with the notes on the stack's defaults) and the
/// `rollout` verdict.
pub fn check_updates(
    inputs: &[&crate::rollout::RolloutInput<'_>],
    options: &crate::rollout::Options,
    bounds: &RunBounds,
    progress: &mut dyn FnMut(UpdateEvent<'_>),
) -> (
    Vec<crate::rollout::RolloutResult>,
    Vec<crate::diagnostics::Diagnostic>,
    Verdict,
) {
    let mut findings = Vec::new();
    let results: Vec<_> = inputs
        .iter()
        .map(|input| {
            let name = input.service.name.as_str();
            let options = bounded_rollout(options, bounds);
            let (result, diags) =
                crate::rollout::check_update_with_progress(input, &options, &mut |p| {
                    progress(UpdateEvent::Searching(name, p));
                });
            progress(UpdateEvent::Done(name));
            findings.extend(diags);
            result
        })
        .collect();
    findings.extend(crate::rollout::stack_defaults(&results));
    let verdict = crate::rollout::verdict(&results);
    (results, findings, verdict)
}

/// A rollout search's options with its time and byte budgets cut to the run's bounds.
fn bounded_rollout(
    options: &crate::rollout::Options,
    bounds: &RunBounds,
) -> crate::rollout::Options {
    crate::rollout::Options {
        timeout: bounds.cap_time(options.timeout),
        max_memory_bytes: bounds.cap_bytes(options.max_memory_bytes),
        ..*options
    }
}

/// One finding per root cause: a service whose constraints match no node (SP0203) is not
/// reported again as unplaceable (SP1000), and tasks the placement check proved unplaceable
/// are not reported again as left Pending by Swarm's scheduler (SP2000). The verdicts keep
/// every check's own conclusion.
fn drop_repeated_causes(findings: &mut Vec<crate::diagnostics::Diagnostic>) {
    use crate::diagnostics::Severity;
    let services_with = |findings: &[crate::diagnostics::Diagnostic],
                         pred: &dyn Fn(&str) -> bool|
     -> std::collections::BTreeSet<String> {
        findings
            .iter()
            .filter(|d| d.severity == Severity::Error && pred(d.code.id))
            .filter_map(|d| d.service.clone())
            .collect()
    };
    let no_node = services_with(findings, &|c| {
        c == crate::loading::codes::CONSTRAINT_NO_NODE.id
    });
    findings.retain(|d| {
        !(d.code == &crate::placement::codes::NO_ELIGIBLE_NODE
            && d.service.as_ref().is_some_and(|s| no_node.contains(s)))
    });
    let unplaceable = services_with(findings, &|c| {
        c == crate::loading::codes::CONSTRAINT_NO_NODE.id || c.starts_with("SP10")
    });
    findings.retain(|d| {
        !(d.code == &crate::scheduler::codes::TASKS_PENDING
            && d.service.as_ref().is_some_and(|s| unplaceable.contains(s)))
    });
}

/// Why a check that needs the cluster did not run, and what to pass.
const NO_INVENTORY: &str = "needs the cluster: pass --nodes FILE (or a folder with nodes.yml)";

/// The verdict of a check whose input is missing.
fn skipped(why: &str) -> Verdict {
    Verdict {
        status: Status::Skipped,
        summary: why.to_string(),
        details: serde_json::Value::Null,
    }
}

/// The verdict of a check that could not run on this input (e.g. beyond its size bound).
/// Task-node pairs above which `check` does not explore Swarm's scheduler: at 1,000 nodes ×
/// 31,000 tasks one exploration takes tens of seconds, long after placement is decided.
const MAX_EXPLORED_PAIRS: u64 = 5_000_000;

/// Why the scheduler exploration is skipped for this size, if it is.
fn exploration_too_large(stack: &Stack, cluster: &Cluster) -> Option<String> {
    let nodes = cluster.nodes.len() as u64;
    let tasks = stack
        .services
        .iter()
        .map(|s| s.mode.value.replicated_tasks().unwrap_or(nodes))
        .fold(0u64, u64::saturating_add);
    (tasks.saturating_mul(nodes) > MAX_EXPLORED_PAIRS).then(|| {
        format!(
            "{tasks} tasks on {nodes} nodes exceed the exploration bound of {MAX_EXPLORED_PAIRS} task-node pairs (the placement verdict does not depend on it); `swarmproof simulate --explore` explores without this bound"
        )
    })
}

fn not_run(why: &str) -> Verdict {
    Verdict {
        status: Status::Unknown,
        summary: format!("not run: {why}"),
        details: serde_json::Value::Null,
    }
}
