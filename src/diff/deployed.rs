//! The deployed state of a stack, from the Engine API's JSON arrays as `GET /services`,
//! `GET /tasks` and `GET /nodes` return them (the same objects as `docker service inspect`,
//! `docker inspect TASK` and `docker node inspect`). Only what the diff needs is kept: per
//! service its spec version, image, replicas and update status, and its tasks that are meant
//! to run, with their node and whether they run the service's current spec.

use serde::Serialize;
use serde_json::Value;

/// One service of the stack as the engine reports it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DeployedService {
    pub id: String,
    /// The service's key in the stack file (`Spec.Name` without `<stack>_`).
    pub name: String,
    pub spec_version: Option<u64>,
    /// `Spec.TaskTemplate.ContainerSpec.Image` (a digest appended when it was resolved).
    pub image: Option<String>,
    /// The `com.docker.stack.image` label: the image as the stack file wrote it.
    pub image_label: Option<String>,
    /// `None` for a global service.
    pub replicas: Option<u64>,
    /// `UpdateStatus.State` (`updating`, `paused`, `completed`, `rollback_started`, …).
    pub update_state: Option<String>,
    pub update_message: Option<String>,
    /// Tasks whose desired state is running and that have not ended, by slot (replicated) or
    /// node (global).
    pub tasks: Vec<DeployedTask>,
}

/// A task meant to run, not ended.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DeployedTask {
    pub id: String,
    /// `Slot`, 0 for a global service's task.
    pub slot: u64,
    pub node_id: String,
    /// `Status.State` (`running`, `starting`, `pending`, …).
    pub state: String,
    /// The task's spec is the service's current TaskTemplate: it was created by the last
    /// update, not left at an older spec by an update paused or under way.
    pub at_current_spec: bool,
}

/// The deployed stack.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Deployed {
    pub services: Vec<DeployedService>,
}

impl Deployed {
    pub fn service(&self, name: &str) -> Option<&DeployedService> {
        self.services.iter().find(|s| s.name == name)
    }
}

/// Task states after which a task holds nothing (a failed task the restart policy does not
/// replace keeps its desired state).
const ENDED: &[&str] = &[
    "complete", "failed", "shutdown", "rejected", "orphaned", "remove",
];

fn text(v: &Value, path: &[&str]) -> Option<String> {
    let mut cur = v;
    for p in path {
        cur = cur.get(p)?;
    }
    cur.as_str().map(str::to_string)
}

/// Whether a task's spec is the service's TaskTemplate. The Engine API shows `Runtime` on the
/// service's template only (moby's `ServiceFromGRPC` sets it, `TaskFromGRPC` does not), so it
/// is left out of the comparison.
fn same_spec(task: Option<&Value>, template: Option<&Value>) -> bool {
    let strip = |v: Option<&Value>| {
        v.cloned().map(|mut v| {
            if let Some(m) = v.as_object_mut() {
                m.remove("Runtime");
            }
            v
        })
    };
    let (a, b) = (strip(task), strip(template));
    a.is_some() && a == b
}

/// The services of stack `stack` (by the `com.docker.stack.namespace` label, or their name's
/// `<stack>_` prefix) and their tasks whose desired state is running. `Err` names what is
/// not an Engine API array.
pub fn from_engine(stack: &str, services: &Value, tasks: &Value) -> Result<Deployed, String> {
    let services = services
        .as_array()
        .ok_or("`services` is not a JSON array (GET /services, docker service inspect)")?;
    let tasks = tasks
        .as_array()
        .ok_or("`tasks` is not a JSON array (GET /tasks, docker inspect TASK…)")?;
    let prefix = format!("{stack}_");
    let mut out = Vec::new();
    for s in services {
        let spec = s.get("Spec").ok_or("a service has no `Spec`")?;
        let full = text(spec, &["Name"]).ok_or("a service has no `Spec.Name`")?;
        let namespace = text(spec, &["Labels", "com.docker.stack.namespace"]);
        let Some(name) = full.strip_prefix(&prefix) else {
            continue;
        };
        if namespace.as_deref().is_some_and(|n| n != stack) {
            continue;
        }
        let id = text(s, &["ID"]).unwrap_or_default();
        let template = spec.get("TaskTemplate");
        let mut own: Vec<DeployedTask> = tasks
            .iter()
            .filter(|t| text(t, &["ServiceID"]).as_deref() == Some(id.as_str()))
            .filter(|t| text(t, &["DesiredState"]).as_deref() == Some("running"))
            .filter(|t| {
                !ENDED.contains(&text(t, &["Status", "State"]).unwrap_or_default().as_str())
            })
            .map(|t| DeployedTask {
                id: text(t, &["ID"]).unwrap_or_default(),
                slot: t.get("Slot").and_then(Value::as_u64).unwrap_or(0),
                node_id: text(t, &["NodeID"]).unwrap_or_default(),
                state: text(t, &["Status", "State"]).unwrap_or_default(),
                at_current_spec: same_spec(t.get("Spec"), template),
            })
            .collect();
        own.sort_by(|a, b| (a.slot, &a.node_id, &a.id).cmp(&(b.slot, &b.node_id, &b.id)));
        out.push(DeployedService {
            id,
            name: name.to_string(),
            spec_version: s
                .get("Version")
                .and_then(|v| v.get("Index"))
                .and_then(Value::as_u64),
            image: text(spec, &["TaskTemplate", "ContainerSpec", "Image"]),
            image_label: text(spec, &["Labels", "com.docker.stack.image"]),
            replicas: spec
                .get("Mode")
                .and_then(|m| m.get("Replicated"))
                .map(|r| r.get("Replicas").and_then(Value::as_u64).unwrap_or(1)),
            update_state: text(s, &["UpdateStatus", "State"]),
            update_message: text(s, &["UpdateStatus", "Message"]),
            tasks: own,
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Deployed { services: out })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keeps_the_stacks_services_and_their_running_tasks() {
        let spec = json!({"ContainerSpec": {"Image": "nginx:2"}});
        // As the Engine API shows them: `Runtime` on the service's template only.
        let template = json!({"ContainerSpec": {"Image": "nginx:2"}, "Runtime": "container"});
        let services = json!([
            {"ID": "s1", "Version": {"Index": 42},
             "Spec": {"Name": "app_web", "Labels": {"com.docker.stack.namespace": "app",
                      "com.docker.stack.image": "nginx:2"},
                      "TaskTemplate": template, "Mode": {"Replicated": {"Replicas": 2}}},
             "UpdateStatus": {"State": "paused", "Message": "update paused due to failure"}},
            {"ID": "s2", "Spec": {"Name": "other_web", "TaskTemplate": {}}}
        ]);
        let tasks = json!([
            {"ID": "t1", "ServiceID": "s1", "Slot": 2, "NodeID": "n1", "DesiredState": "running",
             "Status": {"State": "running"}, "Spec": spec},
            {"ID": "t2", "ServiceID": "s1", "Slot": 1, "NodeID": "n2", "DesiredState": "running",
             "Status": {"State": "running"}, "Spec": {"ContainerSpec": {"Image": "nginx:1"}}},
            {"ID": "t3", "ServiceID": "s1", "Slot": 1, "NodeID": "n2", "DesiredState": "shutdown",
             "Status": {"State": "shutdown"}, "Spec": spec},
            {"ID": "t4", "ServiceID": "s1", "Slot": 3, "NodeID": "n1", "DesiredState": "running",
             "Status": {"State": "failed"}, "Spec": spec}
        ]);
        let d = from_engine("app", &services, &tasks).unwrap();
        assert_eq!(d.services.len(), 1);
        let s = &d.services[0];
        assert_eq!(
            (s.name.as_str(), s.replicas, s.spec_version),
            ("web", Some(2), Some(42))
        );
        assert_eq!(s.update_state.as_deref(), Some("paused"));
        let ids: Vec<_> = s
            .tasks
            .iter()
            .map(|t| (t.id.as_str(), t.at_current_spec))
            .collect();
        assert_eq!(ids, [("t2", false), ("t1", true)]);
    }

    #[test]
    fn refuses_what_is_not_an_array() {
        assert!(from_engine("app", &json!({}), &json!([])).is_err());
    }
}

#[cfg(test)]
mod captured {
    use super::*;

    fn read(name: &str) -> Deployed {
        let text = match name {
            "paused" => include_str!("../../tests/fixtures/diff/captured/paused-update.json"),
            _ => include_str!("../../tests/fixtures/diff/captured/replicas-only.json"),
        };
        let v: Value = serde_json::from_str(text).unwrap();
        let stack = if name == "paused" { "d12" } else { "d2" };
        from_engine(stack, &v["services"], &v["tasks"]).unwrap()
    }

    // Engine 20.10.24, captured by the conformance group `diff`.
    #[test]
    fn a_settled_service_runs_its_current_spec_everywhere() {
        let d = read("replicas");
        let web = d.service("web").unwrap();
        assert_eq!((web.replicas, web.tasks.len()), (Some(3), 3));
        assert!(web
            .tasks
            .iter()
            .all(|t| t.at_current_spec && t.state == "running"));
        assert_eq!(web.update_state, None);
    }

    #[test]
    fn a_paused_update_leaves_tasks_at_the_older_spec() {
        let d = read("paused");
        let web = d.service("web").unwrap();
        assert_eq!(web.update_state.as_deref(), Some("paused"));
        // Only slot 2's old task is meant to run; slot 1's new task failed, slot 3's is still
        // desired `ready`, and the old tasks of slots 1 and 3 are being shut down.
        let tasks: Vec<_> = web
            .tasks
            .iter()
            .map(|t| (t.slot, t.at_current_spec))
            .collect();
        assert_eq!(tasks, [(2, false)]);
    }
}
