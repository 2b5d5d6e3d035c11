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
