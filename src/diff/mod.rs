//! `swarmproof diff OLD NEW`: what `docker stack deploy` of NEW does to a stack deployed from
//! OLD, service by service, and whether each rolling update it starts is safe from the state the
//! stack is in. docker/cli sends every service of the file to Swarm (ServiceUpdate for the
//! existing ones, so every spec version moves); what changes for the tasks is swarmkit's
//! `IsTaskDirty` (`fields`). Pure: the CLI reads the files and the engine's JSON
//! (`deployed`); `specs/diff.md` states the classification and the update model's start.

pub mod codes;
pub mod deployed;
pub mod fields;
mod order;
mod render;
mod start;

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

pub use deployed::{from_engine, Deployed, DeployedService, DeployedTask};
pub use fields::{Effect, FieldChange};
pub use render::render_changes;

use crate::checks::Check;
use crate::diagnostics::Diagnostic;
use crate::model::{Cluster, Service, Stack};

use crate::report::{Report, Status, Verdict};
use crate::swarm::filters;

/// One side of the comparison: the model, the stack as `docker stack config` prints it (JSON),
/// and a digest of each file-backed secret's and config's content, keyed `secret:KEY` or
/// `config:KEY` (the CLI reads the files).
pub struct Side<'a> {
    pub stack: &'a Stack,
    pub view: &'a Value,
    pub contents: &'a BTreeMap<String, u64>,
}

/// What else the prediction uses.
#[derive(Clone, Copy, Default)]
pub struct Context<'a> {
    pub cluster: Option<&'a Cluster>,
    /// The stack as it runs now: where tasks are, which spec they run, updates under way.
    pub deployed: Option<&'a Deployed>,
    /// `docker stack deploy --prune`.
    pub prune: bool,
}

/// What the deploy does to a service.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    Created,
    /// Removed by `--prune`.
    Removed,
    /// No longer in the file, left running (no `--prune`).
    LeftRunning,
    /// Tasks replaced by a rolling update.
    Updated,
    /// The spec changes, no task is replaced (replicas may be added or removed).
    UpdatedWithoutRestart,
    Unchanged,
    /// Swarm refuses the change: the deploy fails at this service.
    Rejected,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Created => "created",
            Action::Removed => "removed",
            Action::LeftRunning => "left running (no --prune)",
            Action::Updated => "updated (rolling update)",
            Action::UpdatedWithoutRestart => "updated without restart",
            Action::Unchanged => "unchanged",
            Action::Rejected => "rejected",
        }
    }
}

/// Which tasks an update replaces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Dirty {
    /// Every task: the TaskSpec or the EndpointSpec changes.
    All,
    /// Tasks on nodes that no longer satisfy the new placement constraints.
    ConstraintsFail,
    /// Tasks left at an older spec by an update paused or under way, which this deploy resumes.
    Stale,
}

/// One service's part of the deploy.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ServiceChange {
    pub service: String,
    pub action: Action,
    /// Why, in one line.
    pub why: String,
    /// `Updated` only: which tasks are replaced.
    pub dirty: Option<Dirty>,
    pub changes: Vec<FieldChange>,
}

/// The whole prediction.
#[derive(Clone, Debug, Serialize)]
pub struct DiffResult {
    pub services: Vec<ServiceChange>,
    /// The rolling update of each updated service, model-checked from the current state.
    pub updates: Vec<crate::rollout::RolloutResult>,
    /// Where the updates start: `deployed` (the engine's tasks) or `placement` (a placement of
    /// OLD on the inventory, when no deployed state is given).
    pub start: Option<&'static str>,
    #[serde(skip)]
    pub report: Report,
}

/// The service changes and the findings about the change itself (refused changes, order
/// problems), without model checking.
pub fn compare(old: &Side, new: &Side, ctx: &Context) -> (Vec<ServiceChange>, Vec<Diagnostic>) {
    let mut out = Vec::new();
    let mut diags = Vec::new();
    let view = |side: &Side, name: &str| {
        side.view
            .get("services")
            .and_then(|s| s.get(name))
            .cloned()
            .unwrap_or(Value::Null)
    };
    for n in &new.stack.services {
        let change = match old.stack.service(&n.name) {
            None => ServiceChange {
                service: n.name.clone(),
                action: Action::Created,
                why: "not deployed yet".to_string(),
                dirty: None,
                changes: Vec::new(),
            },
            Some(o) => {
                let changes = fields::changes(&view(old, &n.name), &view(new, &n.name));
                existing(o, n, changes, ctx, &mut diags)
            }
        };
        out.push(change);
    }
    for o in &old.stack.services {
        if new.stack.service(&o.name).is_some() {
            continue;
        }
        let (action, what) = if ctx.prune {
            (Action::Removed, "--prune removes it")
        } else {
            (Action::LeftRunning, "without --prune it keeps running")
        };
        diags.push(
            Diagnostic::info(
                &codes::REMOVED,
                format!(
                    "service `{}` is no longer in the stack file: {what}",
                    o.name
                ),
            )
            .at_service(&o.name, o.span, "in the old file only"),
        );
        out.push(ServiceChange {
            service: o.name.clone(),
            action,
            why: format!("no longer in the file; {what}"),
            dirty: None,
            changes: Vec::new(),
        });
    }
    if let Some(d) = ctx.deployed {
        diags.extend(order::deployed_mismatch(old, d));
    }
    diags.extend(order::objects(old, new));
    diags.extend(order::dependencies(old.stack, new.stack, &out));
    (out, diags)
}

/// An existing service's action from its changed fields, the cluster and the deployed state.
fn existing(
    o: &Service,
    n: &Service,
    mut changes: Vec<FieldChange>,
    ctx: &Context,
    diags: &mut Vec<Diagnostic>,
) -> ServiceChange {
    // The view prints what the file wrote; the model says what Swarm gets (`mode: replicated`
    // written or not is the same spec).
    if o.mode.as_str() == n.mode.as_str() {
        changes.retain(|c| c.effect != Effect::Mode);
    }
    if o.mode.value == n.mode.value {
        changes.retain(|c| c.effect != Effect::Replicas);
    }
    let ignored = changes.iter().filter(|c| c.effect == Effect::Ignored);
    let ignored: Vec<&str> = ignored.map(|c| c.path.as_str()).collect();
    if !ignored.is_empty() {
        diags.push(
            Diagnostic::info(
                &codes::IGNORED_OPTION,
                format!(
                    "`{}`: {} changes, which docker stack deploy does not send to Swarm",
                    n.name,
                    ignored.join(", ")
                ),
            )
            .at_service(&n.name, n.span, "changed here"),
        );
    }
    let make = |action, why: String, dirty| ServiceChange {
        service: n.name.clone(),
        action,
        why,
        dirty,
        changes: changes.clone(),
    };
    if o.mode.as_str() != n.mode.as_str() {
        diags.push(
            Diagnostic::error(
                &codes::MODE_CHANGE,
                format!(
                    "`{}` changes from {} to {} mode: Swarm refuses it (\"service mode change is not allowed\")",
                    n.name,
                    o.mode.as_str(),
                    n.mode.as_str()
                ),
            )
            .at_service(&n.name, n.mode.span.or(n.span), "the new mode")
            .with_note(format!(
                "docker stack deploy stops with \"failed to update service <stack>_{}\"",
                n.name
            )),
        );
        return make(
            Action::Rejected,
            "service mode change is not allowed".to_string(),
            None,
        );
    }
    let deployed = ctx.deployed.and_then(|d| d.service(&n.name));
    let stale = deployed.map_or(0, |d| d.tasks.iter().filter(|t| !t.at_current_spec).count());
    let under_way = deployed.and_then(|d| {
        d.update_state
            .as_deref()
            .filter(|s| *s != "completed" && *s != "rollback_completed")
    });
    if let Some(state) = under_way {
        diags.push(
            Diagnostic::info(
                &codes::UPDATE_RESUMED,
                format!(
                    "`{}`'s update is {state}: this deploy resets it and the updater starts again from the tasks running now",
                    n.name
                ),
            )
            .at_service(&n.name, n.span, "this service"),
        );
    }
    if let Some(c) = changes.iter().find(|c| c.effect.replaces_tasks()) {
        let what = if c.effect == Effect::Endpoint {
            "the EndpointSpec"
        } else {
            "the TaskSpec"
        };
        return make(
            Action::Updated,
            format!("{what} changes ({}): every task is replaced", c.path),
            Some(Dirty::All),
        );
    }
    if changes.iter().any(|c| c.effect == Effect::Constraints) {
        return constraints_only(o, n, ctx, make);
    }
    if stale > 0 {
        return make(
            Action::Updated,
            format!(
                "{stale} tasks still run an older spec (update {}): the deploy resumes the update",
                under_way.unwrap_or("interrupted")
            ),
            Some(Dirty::Stale),
        );
    }
    if changes.iter().any(|c| c.effect != Effect::Ignored) {
        let why = if changes.iter().any(|c| c.effect == Effect::Replicas) {
            "the replica count changes: tasks are added or removed, the others keep running"
        } else {
            "only service-level settings change: no task is replaced"
        };
        return make(Action::UpdatedWithoutRestart, why.to_string(), None);
    }
    make(
        Action::Unchanged,
        "the spec Swarm gets is the same (its version still moves)".to_string(),
        None,
    )
}

/// A change of placement constraints alone replaces only the tasks whose node no longer
/// satisfies them (`IsTaskDirtyPlacementConstraintsOnly` and `nodeMatches`).
fn constraints_only(
    o: &Service,
    n: &Service,
    ctx: &Context,
    make: impl Fn(Action, String, Option<Dirty>) -> ServiceChange,
) -> ServiceChange {
    let Some(cluster) = ctx.cluster else {
        return make(
            Action::Updated,
            "the placement constraints change: tasks on nodes that no longer satisfy them are replaced (no inventory to tell which)".to_string(),
            Some(Dirty::ConstraintsFail),
        );
    };
    let leaving: Vec<&str> = match ctx.deployed.and_then(|d| d.service(&n.name)) {
        Some(d) => d
            .tasks
            .iter()
            .filter_map(|t| cluster.nodes.iter().find(|node| node.id == t.node_id))
            .filter(|node| !filters::constraints_hold(n, node))
            .map(|node| node.hostname.as_str())
            .collect(),
        None => cluster
            .nodes
            .iter()
            .filter(|node| {
                filters::constraints_hold(o, node) && !filters::constraints_hold(n, node)
            })
            .map(|node| node.hostname.as_str())
            .collect(),
    };
    if leaving.is_empty() {
        return make(
            Action::UpdatedWithoutRestart,
            "the placement constraints change, and every node a task runs on still satisfies them"
                .to_string(),
            None,
        );
    }
    make(
        Action::Updated,
        format!(
            "the placement constraints change: tasks on {} no longer satisfying them are replaced",
            leaving.join(", ")
        ),
        Some(Dirty::ConstraintsFail),
    )
}

/// Compares, then model-checks the rolling update of every updated service from the deployed
/// tasks (or, without them, from a placement of OLD on the inventory).
pub fn run(
    old: &Side,
    new: &Side,
    ctx: &Context,
    options: &crate::rollout::Options,
    bounds: &crate::check::RunBounds,
) -> DiffResult {
    let (services, diags) = compare(old, new, ctx);
    let mut report = Report::default();
    report.findings.extend(diags);
    let errors = report
        .findings
        .iter()
        .filter(|d| d.severity == crate::diagnostics::Severity::Error)
        .count();
    report
        .verdicts
        .insert("diff".to_string(), verdict(&services, errors));
    let mut updates = Vec::new();
    let mut start_kind = None;
    let wanted = services.iter().any(|s| s.action == Action::Updated);
    match (ctx.cluster, wanted) {
        (_, false) => {}
        (None, true) => {
            report.verdicts.insert(
                "rollout".to_string(),
                skipped(
                    "the update check needs an inventory (--nodes FILE, or nodes.yml beside NEW)",
                ),
            );
        }
        (Some(cluster), true) => {
            let plan = match ctx.deployed {
                Some(_) => None,
                None => {
                    let popts = crate::placement::PlacementOptions {
                        deadline: bounds.deadline,
                        ..Default::default()
                    };
                    crate::placement::check_placement(old.stack, cluster, &popts).plan
                }
            };
            let begin = match (ctx.deployed, plan.as_ref()) {
                (Some(d), _) => Some(start::Start::Observed(d)),
                (None, Some(p)) => Some(start::Start::Plan(p)),
                (None, None) => None,
            };
            match begin {
                None => {
                    report.verdicts.insert(
                        "rollout".to_string(),
                        skipped("the old stack has no placement on this cluster, so no update can start from it"),
                    );
                }
                Some(begin) => {
                    start_kind = Some(begin.name());
                    let inputs = start::inputs(&services, old.stack, new.stack, cluster, &begin);
                    let inputs: Vec<_> = inputs.iter().collect();
                    let request = crate::check::UpdateRequest {
                        stack: new.stack,
                        start: Ok(inputs),
                        options,
                        progress: &mut |_| {},
                    };
                    updates = crate::check::Rollout::run(request, bounds)
                        .record(crate::check::Rollout::SPEC, &mut report);
                }
            }
        }
    }
    DiffResult {
        services,
        updates,
        start: start_kind,
        report,
    }
}

fn skipped(why: &str) -> Verdict {
    Verdict::bare(Status::Skipped, why.to_string())
}

/// The `diff` verdict's details: the action `docker stack deploy` takes on each service.
#[derive(Debug, Serialize)]
struct DiffDetails {
    actions: BTreeMap<String, Action>,
}

/// The `diff` verdict: violated when Swarm refuses part of the change.
fn verdict(services: &[ServiceChange], errors: usize) -> Verdict {
    let count = |a: Action| services.iter().filter(|s| s.action == a).count();
    let parts: Vec<String> = [
        Action::Created,
        Action::Updated,
        Action::UpdatedWithoutRestart,
        Action::Unchanged,
        Action::Removed,
        Action::LeftRunning,
        Action::Rejected,
    ]
    .into_iter()
    .filter(|a| count(*a) > 0)
    .map(|a| format!("{} {}", count(a), a.as_str()))
    .collect();
    let summary = if errors == 0 {
        parts.join(", ")
    } else {
        format!(
            "docker stack deploy fails: {}",
            crate::text::count_as(errors, "refused change", "refused changes")
        )
    };
    let status = if errors == 0 {
        Status::Holds
    } else {
        Status::Violated
    };
    let actions = services
        .iter()
        .map(|s| (s.service.clone(), s.action))
        .collect();
    Verdict::new(status, summary, DiffDetails { actions })
}

#[cfg(test)]
mod tests;
