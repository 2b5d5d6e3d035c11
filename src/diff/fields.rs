//! A service's settings as `docker stack config` prints them, flattened to paths, and what
//! changing each one does once `docker stack deploy` sends the spec: docker/cli's
//! `convert.Service` decides which keys reach the ServiceSpec, and swarmkit's `IsTaskDirty`
//! which parts of it replace tasks (the TaskSpec and the EndpointSpec; a change of placement
//! constraints alone only where a task's node no longer satisfies them).

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

/// What a changed field does to the service's tasks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Effect {
    /// Part of the TaskSpec: every task is replaced by a rolling update.
    Task,
    /// Part of the EndpointSpec (ports, endpoint mode): every task is replaced.
    Endpoint,
    /// Placement constraints alone: tasks on nodes that no longer satisfy them are replaced.
    Constraints,
    /// The replica count: tasks are added or removed, the others keep running.
    Replicas,
    /// Service-level only (service labels, update_config, rollback_config): no task changes.
    Service,
    /// Replicated ↔ global: refused by Swarm.
    Mode,
    /// Not sent to Swarm by docker stack deploy.
    Ignored,
}

impl Effect {
    /// Whether the change makes every task dirty.
    pub fn replaces_tasks(self) -> bool {
        matches!(self, Effect::Task | Effect::Endpoint)
    }
}

/// The service keys docker/cli's `convert.Service` reads (cli/compose/convert/service.go);
/// the loader folds `env_file` into `environment`, and the others are ignored by a stack deploy.
const SENT: &[&str] = &[
    "cap_add",
    "cap_drop",
    "command",
    "configs",
    "credential_spec",
    "deploy",
    "dns",
    "dns_search",
    "entrypoint",
    "environment",
    "extra_hosts",
    "healthcheck",
    "hostname",
    "image",
    "init",
    "isolation",
    "labels",
    "logging",
    "networks",
    "oom_score_adj",
    "ports",
    "read_only",
    "restart",
    "secrets",
    "stdin_open",
    "stop_grace_period",
    "stop_signal",
    "sysctls",
    "tty",
    "ulimits",
    "user",
    "volumes",
    "working_dir",
];

/// What changing the field at `path` (dot-separated, as `flatten` writes it) does.
pub fn effect(path: &str) -> Effect {
    let mut parts = path.split('.');
    let top = parts.next().unwrap_or_default();
    if !SENT.contains(&top) {
        return Effect::Ignored;
    }
    match top {
        "ports" => return Effect::Endpoint,
        "deploy" => {}
        _ => return Effect::Task,
    }
    match (parts.next().unwrap_or_default(), parts.next()) {
        ("mode", _) => Effect::Mode,
        ("replicas", _) => Effect::Replicas,
        ("labels" | "update_config" | "rollback_config", _) => Effect::Service,
        ("endpoint_mode", _) => Effect::Endpoint,
        ("placement", Some("constraints")) => Effect::Constraints,
        _ => Effect::Task,
    }
}

/// The leaves of a service's view: maps are walked (`deploy.update_config.parallelism`),
/// lists and scalars are leaves, compared whole.
pub fn flatten(value: &Value) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    walk(value, String::new(), &mut out);
    out
}

fn walk(value: &Value, path: String, out: &mut BTreeMap<String, Value>) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (k, v) in map {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                walk(v, p, out);
            }
        }
        _ => {
            out.insert(path, value.clone());
        }
    }
}

/// One changed leaf: its path, its effect, and its old and new values (`None`: absent).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FieldChange {
    pub path: String,
    pub effect: Effect,
    pub old: Option<Value>,
    pub new: Option<Value>,
}

/// The leaves that differ between two views of a service, in path order.
pub fn changes(old: &Value, new: &Value) -> Vec<FieldChange> {
    let (a, b) = (flatten(old), flatten(new));
    let mut paths: Vec<&String> = a.keys().chain(b.keys()).collect();
    paths.sort();
    paths.dedup();
    paths
        .into_iter()
        .filter(|p| a.get(*p) != b.get(*p))
        .map(|p| FieldChange {
            path: p.clone(),
            effect: effect(p),
            old: a.get(p).cloned(),
            new: b.get(p).cloned(),
        })
        .collect()
}

/// A value as one short line for the change table.
pub fn short(v: Option<&Value>) -> String {
    const MAX: usize = 60;
    let text = match v {
        None => return "(absent)".to_string(),
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
    };
    if text.chars().count() > MAX {
        let cut: String = text.chars().take(MAX - 1).collect();
        format!("{cut}…")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn effects_follow_convert_and_is_task_dirty() {
        assert_eq!(effect("image"), Effect::Task);
        assert_eq!(effect("environment.A"), Effect::Task);
        assert_eq!(effect("labels.a"), Effect::Task);
        assert_eq!(effect("ports"), Effect::Endpoint);
        assert_eq!(effect("deploy.endpoint_mode"), Effect::Endpoint);
        assert_eq!(effect("deploy.replicas"), Effect::Replicas);
        assert_eq!(effect("deploy.labels.a"), Effect::Service);
        assert_eq!(effect("deploy.update_config.parallelism"), Effect::Service);
        assert_eq!(effect("deploy.rollback_config.order"), Effect::Service);
        assert_eq!(effect("deploy.placement.constraints"), Effect::Constraints);
        assert_eq!(effect("deploy.placement.preferences"), Effect::Task);
        assert_eq!(effect("deploy.resources.limits.memory"), Effect::Task);
        assert_eq!(effect("deploy.mode"), Effect::Mode);
        assert_eq!(effect("build.context"), Effect::Ignored);
        assert_eq!(effect("depends_on"), Effect::Ignored);
        assert_eq!(effect("env_file"), Effect::Ignored);
    }

    #[test]
    fn changes_walk_maps_and_compare_lists_whole() {
        let old = json!({"image": "a:1", "environment": {"A": "1"}, "ports": [{"target": 80}]});
        let new =
            json!({"image": "a:1", "environment": {"A": "2", "B": "x"}, "ports": [{"target": 81}]});
        let c = changes(&old, &new);
        let paths: Vec<_> = c.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(paths, ["environment.A", "environment.B", "ports"]);
        assert_eq!(c[1].old, None);
    }
}
