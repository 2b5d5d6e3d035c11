//! The classification on inline stacks: each kind of change gives the action swarmkit takes.

use std::collections::BTreeMap;

use serde_json::Value;

use super::*;
use crate::diagnostics::SourceMap;
use crate::loading::inventory::load_inventory;
use crate::loading::stack::{load_config_view, load_stack, view::ViewContext, StackOptions};

fn side(text: &str) -> (Stack, Value) {
    let mut sources = SourceMap::new();
    let id = sources.add("stack.yml", text);
    let options = StackOptions {
        name: "app".into(),
        ..Default::default()
    };
    let (stack, _) = load_stack(&sources, &[id], &options);
    let ctx = ViewContext {
        env: &options.env,
        working_dir: "/",
        read_file: &|_| Err("no file".to_string()),
    };
    let (view, diags) = load_config_view(&sources, &[id], &options, &ctx);
    let view = view.unwrap_or_else(|| panic!("{diags:?}"));
    (stack, view.to_json())
}

const NODES: &str = "nodes:\n  - {hostname: a, id: na, zone: x, resources: {cpus: 4, memory: 8G}}\n  - {hostname: b, id: nb, zone: y, resources: {cpus: 4, memory: 8G}}\n";

fn cluster() -> Cluster {
    let mut sources = SourceMap::new();
    let id = sources.add("nodes.yml", NODES);
    load_inventory(&sources, id).0
}

fn actions(old: &str, new: &str, prune: bool) -> Vec<(String, Action, Option<Dirty>)> {
    let (os, ov) = side(old);
    let (ns, nv) = side(new);
    let none = BTreeMap::new();
    let c = cluster();
    let ctx = Context {
        cluster: Some(&c),
        deployed: None,
        prune,
    };
    let o = Side {
        stack: &os,
        view: &ov,
        contents: &none,
    };
    let n = Side {
        stack: &ns,
        view: &nv,
        contents: &none,
    };
    compare(&o, &n, &ctx)
        .0
        .into_iter()
        .map(|s| (s.service, s.action, s.dirty))
        .collect()
}

fn one(old: &str, new: &str) -> (Action, Option<Dirty>) {
    let a = actions(old, new, false);
    (a[0].1, a[0].2)
}

const BASE: &str = "services:\n  web:\n    image: nginx:1\n    deploy:\n      replicas: 2\n";

#[test]
fn task_spec_changes_replace_every_task() {
    let image = BASE.replace("nginx:1", "nginx:2");
    assert_eq!(one(BASE, &image), (Action::Updated, Some(Dirty::All)));
    let env = format!("{BASE}    environment: {{A: '1'}}\n");
    assert_eq!(one(BASE, &env), (Action::Updated, Some(Dirty::All)));
    let ports = format!("{BASE}    ports: ['80:80']\n");
    assert_eq!(one(BASE, &ports), (Action::Updated, Some(Dirty::All)));
}

#[test]
fn service_level_changes_replace_no_task() {
    let replicas = BASE.replace("replicas: 2", "replicas: 3");
    assert_eq!(one(BASE, &replicas), (Action::UpdatedWithoutRestart, None));
    let labels = format!("{BASE}      labels: {{team: a}}\n");
    assert_eq!(one(BASE, &labels), (Action::UpdatedWithoutRestart, None));
    let update = format!("{BASE}      update_config: {{parallelism: 2}}\n");
    assert_eq!(one(BASE, &update), (Action::UpdatedWithoutRestart, None));
    assert_eq!(one(BASE, BASE), (Action::Unchanged, None));
    let written_default = BASE.replace("deploy:\n", "deploy:\n      mode: replicated\n");
    assert_eq!(one(BASE, &written_default), (Action::Unchanged, None));
}

#[test]
fn constraints_alone_replace_tasks_only_where_nodes_stop_matching() {
    let x = format!("{BASE}      placement: {{constraints: [node.labels.zone != z]}}\n");
    assert_eq!(one(BASE, &x), (Action::UpdatedWithoutRestart, None));
    let y = format!("{BASE}      placement: {{constraints: [node.labels.zone == x]}}\n");
    assert_eq!(
        one(BASE, &y),
        (Action::Updated, Some(Dirty::ConstraintsFail))
    );
}

#[test]
fn mode_change_is_rejected_and_removal_depends_on_prune() {
    let global = BASE.replace("replicas: 2", "mode: global");
    assert_eq!(one(BASE, &global).0, Action::Rejected);
    let two = format!("{BASE}  db:\n    image: postgres\n");
    let a = actions(&two, BASE, false);
    assert_eq!(a[1].1, Action::LeftRunning);
    let a = actions(&two, BASE, true);
    assert_eq!(a[1].1, Action::Removed);
    let a = actions(BASE, &two, false);
    assert_eq!(a[1].1, Action::Created);
}

#[test]
fn ignored_keys_change_nothing() {
    let named = format!("{BASE}    container_name: web1\n");
    assert_eq!(one(BASE, &named), (Action::Unchanged, None));
}

fn task(id: &str, slot: u64, node: &str, current: bool) -> DeployedTask {
    DeployedTask {
        id: id.into(),
        slot,
        node_id: node.into(),
        state: "running".into(),
        at_current_spec: current,
    }
}

#[test]
fn a_resumed_update_starts_with_only_the_stale_tasks_dirty() {
    let (stack, view) = side(BASE);
    let none = BTreeMap::new();
    let c = cluster();
    let deployed = Deployed {
        services: vec![DeployedService {
            id: "s".into(),
            name: "web".into(),
            spec_version: Some(9),
            image: Some("nginx:1".into()),
            image_label: Some("nginx:1".into()),
            replicas: Some(2),
            update_state: Some("paused".into()),
            update_message: None,
            tasks: vec![task("t1", 1, "na", true), task("t2", 2, "nb", false)],
        }],
    };
    let ctx = Context {
        cluster: Some(&c),
        deployed: Some(&deployed),
        prune: false,
    };
    let s = Side {
        stack: &stack,
        view: &view,
        contents: &none,
    };
    let (changes, diags) = compare(&s, &s, &ctx);
    assert_eq!(
        (changes[0].action, changes[0].dirty),
        (Action::Updated, Some(Dirty::Stale))
    );
    assert!(diags.iter().any(|d| d.code == &codes::UPDATE_RESUMED));
    let inputs = start::inputs(
        &changes,
        &stack,
        &stack,
        &c,
        &start::Start::Observed(&deployed),
    );
    assert_eq!(inputs[0].old_nodes, [0, 1]);
    assert_eq!(inputs[0].already_new, [true, false]);
    let model = crate::rollout::RolloutModel::new(&inputs[0], 1).unwrap();
    assert_eq!(model.initial_state().dirty(), 1);
}

#[test]
fn a_changed_secret_under_the_same_name_is_refused() {
    let text = format!("{BASE}    secrets: [cert]\nsecrets:\n  cert: {{file: ./cert.pem}}\n");
    let (stack, view) = side(&text);
    let (a, b) = (
        BTreeMap::from([("secret:cert".to_string(), 1)]),
        BTreeMap::from([("secret:cert".to_string(), 2)]),
    );
    let ctx = Context::default();
    let old = Side {
        stack: &stack,
        view: &view,
        contents: &a,
    };
    let new = Side {
        stack: &stack,
        view: &view,
        contents: &b,
    };
    let (_, diags) = compare(&old, &new, &ctx);
    assert!(diags.iter().any(|d| d.code == &codes::CHANGED_IN_PLACE));
    let (_, same) = compare(&old, &old, &ctx);
    assert!(same.iter().all(|d| d.code != &codes::CHANGED_IN_PLACE));
}
