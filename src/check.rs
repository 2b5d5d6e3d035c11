//! `swarmproof check`: load the stack and inventory, run every check that applies, and gather
//! the findings and verdicts into one `Report`. Pure: the CLI reads the files beforehand.

use std::time::Duration;

use serde::Serialize;

use crate::checks::{self, Check, Outcome};
use crate::deadline::Deadline;
use crate::diagnostics::{Diagnostic, FileId, Severity, SourceMap};
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

/// The `load` check: the stack files and the inventory, as `docker stack deploy` reads them.
pub struct Load;

/// What `load` reads: files already in memory (the CLI reads them).
pub struct LoadInput<'a> {
    pub sources: &'a SourceMap,
    pub stack_files: &'a [FileId],
    pub nodes: Option<FileId>,
    pub options: &'a StackOptions,
}

/// The details of the `load` verdict.
#[derive(Debug, Serialize)]
pub struct LoadDetails {
    pub stack: String,
    pub files: Vec<String>,
    pub services: Vec<String>,
    pub nodes: Option<usize>,
}

impl Check for Load {
    const SPEC: &'static checks::CheckSpec = &checks::LOAD;
    type Input<'a> = LoadInput<'a>;
    type Evidence = Loaded;

    fn run(input: LoadInput<'_>, _: &RunBounds) -> Outcome<Loaded> {
        let (stack, mut diags) = load_stack(input.sources, input.stack_files, input.options);
        let cluster = input.nodes.map(|id| {
            let (cluster, inv_diags) = load_inventory(input.sources, id);
            diags.extend(inv_diags);
            cluster
        });
        // Only what docker stack deploy itself would refuse or mis-deploy decides `load`:
        // findings against the inventory (a constraint no node matches) are about tasks Swarm
        // accepts and keeps Pending, which placement and the scheduler judge.
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
        let details = LoadDetails {
            stack: stack.name.clone(),
            files: (input.stack_files.iter())
                .map(|f| input.sources.name(*f).to_string())
                .collect(),
            services: stack.services.iter().map(|s| s.name.clone()).collect(),
            nodes: cluster.as_ref().map(|c| c.nodes.len()),
        };
        Outcome {
            verdict: Verdict::new(status, summary, details),
            evidence: Loaded { stack, cluster },
            findings: diags,
        }
    }
}

/// Loads the stack files and the inventory; the `load` verdict says whether they are usable.
pub fn load(
    sources: &SourceMap,
    stack_files: &[FileId],
    nodes: Option<FileId>,
    options: &StackOptions,
    report: &mut Report,
) -> Loaded {
    let input = LoadInput {
        sources,
        stack_files,
        nodes,
        options,
    };
    Load::run(input, &RunBounds::default()).record(Load::SPEC, report)
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
    let bounds = &check.bounds;
    let mut report = Report::default();
    let loaded = load(sources, stack_files, nodes, options, &mut report);
    let placement = loaded.cluster.as_ref().map(|cluster| {
        Placement::run((&loaded.stack, cluster, &check.placement), bounds)
            .record(Placement::SPEC, &mut report)
    });
    let exact_plan = placement.as_ref().and_then(|p| p.plan.as_ref());
    let (graph, orchestration) = Graph::run(
        GraphInput {
            loaded: &loaded,
            placement: placement.as_ref(),
        },
        bounds,
    )
    .record(Graph::SPEC, &mut report);
    let scheduler = match &loaded.cluster {
        Some(cluster) if check.scheduler => {
            Scheduler::run((&loaded.stack, cluster, exact_plan), bounds)
                .record(Scheduler::SPEC, &mut report)
        }
        _ => None,
    };
    let rollout = match &check.rollout {
        Some(options) => {
            let inputs = start_of_updates(&loaded, exact_plan);
            let request = UpdateRequest {
                stack: &loaded.stack,
                start: match &inputs {
                    Ok(inputs) => Ok(inputs.iter().collect()),
                    Err(why) => Err(*why),
                },
                options,
                progress: &mut |_| {},
            };
            Rollout::run(request, bounds).record(Rollout::SPEC, &mut report)
        }
        None => Vec::new(),
    };
    if let Some(cluster) = &loaded.cluster {
        Quorum::run((cluster, check.placement.tolerate.as_ref()), bounds)
            .record(Quorum::SPEC, &mut report);
    } else {
        // Listed, not silently absent: what needs the cluster, and how to give it.
        let mut needs_inventory = vec![&checks::PLACEMENT, &checks::QUORUM];
        if check.scheduler {
            needs_inventory.push(&checks::SCHEDULER);
        }
        for spec in needs_inventory {
            report
                .verdicts
                .insert(spec.name().to_string(), skipped(NO_INVENTORY));
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

/// The `placement` check: an exact placement of the stack on the cluster, or its refutation.
pub struct Placement;

impl Check for Placement {
    const SPEC: &'static checks::CheckSpec = &checks::PLACEMENT;
    type Input<'a> = (
        &'a Stack,
        &'a Cluster,
        &'a crate::placement::PlacementOptions,
    );
    type Evidence = crate::placement::Placement;

    fn run(
        (stack, cluster, options): Self::Input<'_>,
        bounds: &RunBounds,
    ) -> Outcome<Self::Evidence> {
        let mut options = options.clone();
        options.deadline = bounds.deadline;
        if let Some(crate::placement::Tolerance::Domain(label)) = &mut options.tolerate {
            if label.is_empty() {
                label.clone_from(&cluster.domain_label);
            }
        }
        let p = crate::placement::check_placement(stack, cluster, &options);
        Outcome {
            verdict: p.verdict(stack, cluster),
            findings: p.diagnostics.clone(),
            evidence: p,
        }
    }
}

/// The `graph` check: dependencies, networks, ports and storage, then the orchestration
/// theorem over them and the placement.
pub struct Graph;

pub struct GraphInput<'a> {
    pub loaded: &'a Loaded,
    pub placement: Option<&'a crate::placement::Placement>,
}

impl Check for Graph {
    const SPEC: &'static checks::CheckSpec = &checks::GRAPH;
    type Input<'a> = GraphInput<'a>;
    type Evidence = (crate::graph::GraphCheck, crate::graph::Orchestration);

    fn run(input: GraphInput<'_>, _: &RunBounds) -> Outcome<Self::Evidence> {
        let Loaded { stack, cluster } = input.loaded;
        let graph = crate::graph::check(stack, cluster.as_ref());
        // The theorem's R premise is the stack's placement on the cluster as it is; failure
        // tolerance (`--tolerate`) is a further requirement reported by the placement verdict.
        let resources = match input.placement {
            Some(p) if p.plan.is_some() => Status::Holds,
            Some(p) => p.status,
            None => Status::Skipped,
        };
        let exact_plan = input.placement.and_then(|p| p.plan.as_ref());
        let orchestration =
            crate::graph::prove(stack, cluster.as_ref(), &graph, resources, exact_plan);
        Outcome {
            verdict: orchestration.verdict(),
            findings: graph.diagnostics.clone(),
            evidence: (graph, orchestration),
        }
    }
}

/// The `scheduler` check: Swarm's own scheduler explored over the orders it may use, and
/// compared with the exact plan.
pub struct Scheduler;

impl Check for Scheduler {
    const SPEC: &'static checks::CheckSpec = &checks::SCHEDULER;
    type Input<'a> = (&'a Stack, &'a Cluster, Option<&'a crate::model::Plan>);
    type Evidence = Option<crate::scheduler::SchedulerCheck>;

    fn run(
        (stack, cluster, exact_plan): Self::Input<'_>,
        bounds: &RunBounds,
    ) -> Outcome<Self::Evidence> {
        let too_large = exploration_too_large(stack, cluster).or_else(|| {
            (bounds.deadline.passed())
                .then(|| "stopped at --timeout before the exploration began".to_string())
        });
        if let Some(why) = too_large {
            return Outcome {
                verdict: not_run(&why),
                evidence: None,
                findings: Vec::new(),
            };
        }
        match crate::scheduler::check(
            stack,
            cluster,
            exact_plan,
            &bounds.explore_options(stack, cluster),
        ) {
            Ok(c) => {
                let mut verdict = c.verdict();
                if verdict.status == Status::Unknown && bounds.deadline.passed() {
                    verdict.summary.push_str(", stopped at --timeout");
                }
                Outcome {
                    verdict,
                    findings: c.diagnostics.clone(),
                    evidence: Some(c),
                }
            }
            Err(e) => Outcome {
                verdict: not_run(&e.to_string()),
                evidence: None,
                findings: Vec::new(),
            },
        }
    }
}

/// The `quorum` check: the managers' quorum; a requested `--tolerate` applies to it as to
/// placement: losing the nodes or the domain it names must leave a majority of managers.
pub struct Quorum;

impl Check for Quorum {
    const SPEC: &'static checks::CheckSpec = &checks::QUORUM;
    type Input<'a> = (&'a Cluster, Option<&'a crate::placement::Tolerance>);
    type Evidence = ();

    fn run((cluster, tolerate): Self::Input<'_>, _: &RunBounds) -> Outcome<()> {
        use crate::placement::Tolerance;
        use crate::raft::Survive;
        let outcome = |(verdict, findings)| Outcome {
            verdict,
            evidence: (),
            findings,
        };
        if cluster.managers().next().is_none() {
            return outcome((skipped("the inventory lists no manager"), Vec::new()));
        }
        let (cluster, survive) = match tolerate {
            None => {
                let (analysis, diags) = crate::raft::analyze(cluster, &[]);
                return outcome((crate::raft::quorum_verdict(&analysis), diags));
            }
            Some(Tolerance::Nodes(n)) => (
                cluster.clone(),
                Survive::Nodes(usize::try_from(*n).unwrap_or(usize::MAX)),
            ),
            // The domains are those of the label `--tolerate zone` uses, which
            // `--domain-label` may set apart from the inventory's.
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
        outcome((verdict, diags))
    }
}

/// The `rollout` check: the rolling update of each service, model-checked from the validated
/// placement plan.
pub struct Rollout;

/// What the `rollout` check runs on.
pub struct UpdateRequest<'a> {
    pub stack: &'a Stack,
    /// The services whose updates to check, started from the plan; without a plan, only what
    /// the update configs decide alone is checked.
    pub start: Result<Vec<&'a crate::rollout::RolloutInput<'a>>, NoUpdateStart>,
    pub options: &'a crate::rollout::Options,
    pub progress: &'a mut dyn FnMut(UpdateEvent<'_>),
}

impl Check for Rollout {
    const SPEC: &'static checks::CheckSpec = &checks::ROLLOUT;
    type Input<'a> = UpdateRequest<'a>;
    type Evidence = Vec<crate::rollout::RolloutResult>;

    fn run(request: UpdateRequest<'_>, bounds: &RunBounds) -> Outcome<Self::Evidence> {
        let options = &update_options(request.options, request.stack);
        let inputs = match request.start {
            Ok(inputs) => inputs,
            Err(why) => return config_only(request.stack, options, why),
        };
        let mut findings = Vec::new();
        let results: Vec<_> = inputs
            .iter()
            .map(|input| {
                let name = input.service.name.as_str();
                // Each service gets its own limits, cut to what is left of the run's.
                let options = bounded_rollout(options, bounds);
                let (result, diags) =
                    crate::rollout::check_update_with_progress(input, &options, &mut |p| {
                        (request.progress)(UpdateEvent::Searching(name, p));
                    });
                (request.progress)(UpdateEvent::Done(name));
                findings.extend(diags);
                result
            })
            .collect();
        findings.extend(crate::rollout::stack_defaults(&results));
        Outcome {
            verdict: crate::rollout::verdict(&results),
            evidence: results,
            findings,
        }
    }
}

/// The update model starts from a placement, so it needs an inventory and a plan; what the
/// update configs decide alone (the defaults, delay against monitor, monitor against the
/// healthcheck) does not, and is checked either way.
fn config_only(
    stack: &Stack,
    options: &crate::rollout::Options,
    why: NoUpdateStart,
) -> Outcome<Vec<crate::rollout::RolloutResult>> {
    let mut findings: Vec<Diagnostic> = (stack.services.iter())
        .flat_map(|s| crate::rollout::config_diagnostics(s, options.strict))
        .collect();
    findings.extend(crate::rollout::defaults_without_cluster(
        stack,
        options.strict,
    ));
    const CONFIG_ONLY: &str =
        "what the update configs decide alone was checked (SP3002, SP3007, SP3010, SP3011)";
    let verdict = match why {
        NoUpdateStart::NoInventory => skipped(&format!("{NO_INVENTORY}; {CONFIG_ONLY}")),
        NoUpdateStart::NoPlan => not_run(&format!(
            "no placement plan to start the update from; {CONFIG_ONLY}"
        )),
    };
    Outcome {
        verdict,
        evidence: Vec::new(),
        findings,
    }
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

/// The rollout inputs of the stack: every service's update starts from the validated plan.
fn start_of_updates<'a>(
    loaded: &'a Loaded,
    plan: Option<&crate::model::Plan>,
) -> Result<Vec<crate::rollout::RolloutInput<'a>>, NoUpdateStart> {
    let cluster = loaded.cluster.as_ref().ok_or(NoUpdateStart::NoInventory)?;
    let plan = plan.ok_or(NoUpdateStart::NoPlan)?;
    Ok(crate::rollout::inputs_from_plan(
        &loaded.stack,
        cluster,
        plan,
    ))
}

impl Checked {
    /// The rollout inputs of the stack: every service's update starts from the validated plan.
    pub fn rollout_inputs(&self) -> Result<Vec<crate::rollout::RolloutInput<'_>>, NoUpdateStart> {
        start_of_updates(
            &self.loaded,
            self.placement.as_ref().and_then(|p| p.plan.as_ref()),
        )
    }
}

/// What the `rollout` check reports while it runs (for a terminal progress line).
pub enum UpdateEvent<'a> {
    Searching(&'a str, crate::modelcheck::Progress),
    /// The service's search is over.
    Done(&'a str),
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
fn drop_repeated_causes(findings: &mut Vec<Diagnostic>) {
    use crate::diagnostics::Code;
    let services_with = |findings: &[Diagnostic], pred: &dyn Fn(&Code) -> bool| {
        findings
            .iter()
            .filter(|d| d.severity == Severity::Error && pred(d.code))
            .filter_map(|d| d.service.clone())
            .collect::<std::collections::BTreeSet<String>>()
    };
    let no_node = |c: &Code| c == &crate::loading::codes::CONSTRAINT_NO_NODE;
    let without_node = services_with(findings, &no_node);
    findings.retain(|d| {
        !(d.code == &crate::placement::codes::NO_ELIGIBLE_NODE
            && d.service.as_ref().is_some_and(|s| without_node.contains(s)))
    });
    let unplaceable = services_with(findings, &|c| no_node(c) || checks::PLACEMENT.owns(c));
    findings.retain(|d| {
        !(d.code == &crate::scheduler::codes::TASKS_PENDING
            && d.service.as_ref().is_some_and(|s| unplaceable.contains(s)))
    });
}

/// Why a check that needs the cluster did not run, and what to pass.
const NO_INVENTORY: &str = "needs the cluster: pass --nodes FILE (or a folder with nodes.yml)";

/// The verdict of a check whose input is missing.
fn skipped(why: &str) -> Verdict {
    Verdict::bare(Status::Skipped, why.to_string())
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
    Verdict::bare(Status::Unknown, format!("not run: {why}"))
}
