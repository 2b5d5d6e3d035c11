//! Findings about the change as a whole: what docker stack deploy refuses or silently skips
//! among the top-level objects, and the order problems of a deploy that creates and updates
//! services one after the other in Go map order.

use std::collections::BTreeSet;

use serde_json::Value;

use super::{codes, fields, Action, Deployed, ServiceChange, Side};
use crate::diagnostics::Diagnostic;
use crate::graph::DependencyGraph;
use crate::model::{Service, Stack};

/// Where the deployed services differ from OLD in what the engine shows plainly (the image as
/// the file wrote it, the replica count).
pub fn deployed_mismatch(old: &Side, deployed: &Deployed) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for d in &deployed.services {
        let Some(o) = old.stack.service(&d.name) else {
            continue;
        };
        let image = o.image.as_ref().map(|i| i.value.clone());
        let mut differs = Vec::new();
        if d.image_label.is_some() && d.image_label != image {
            differs.push(format!(
                "image {} deployed, {} in the old file",
                d.image_label.as_deref().unwrap_or("?"),
                image.as_deref().unwrap_or("(none)")
            ));
        }
        if let (Some(r), Some(want)) = (d.replicas, o.mode.replicated_tasks()) {
            if r != want && !o.mode.is_job() {
                differs.push(format!("{r} replicas deployed, {want} in the old file"));
            }
        }
        if !differs.is_empty() {
            out.push(
                Diagnostic::warning(
                    &codes::DEPLOYED_DIFFERS,
                    format!(
                        "`{}` as deployed differs from the old file: {}",
                        d.name,
                        differs.join("; ")
                    ),
                )
                .at_service(&d.name, o.span, "the old file's service"),
            );
        }
    }
    out
}

/// Networks whose options change (skipped by docker stack deploy) and secrets or configs whose
/// content changes under the same name (refused).
pub fn objects(old: &Side, new: &Side) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let section = |side: &Side, s: &str| side.view.get(s).and_then(Value::as_object).cloned();
    if let (Some(a), Some(b)) = (section(old, "networks"), section(new, "networks")) {
        for (key, nv) in &b {
            let Some(ov) = a.get(key) else { continue };
            if is_external(ov) || is_external(nv) || ov == nv {
                continue;
            }
            let changed: Vec<String> = fields::changes(ov, nv)
                .into_iter()
                .map(|c| c.path)
                .collect();
            let span = new.stack.network(key).and_then(|n| n.span);
            out.push(
                Diagnostic::warning(
                    &codes::NETWORK_CHANGE_IGNORED,
                    format!(
                        "network `{key}` changes ({}), but it exists: docker stack deploy leaves it as it is",
                        changed.join(", ")
                    ),
                )
                .with_primary(span, "not applied to the existing network")
                .with_help("remove the network (docker stack rm, or docker network rm once no service uses it) or give it a new name"),
            );
        }
    }
    for (kind, refs_old, refs_new) in [
        ("secret", &old.stack.secrets, &new.stack.secrets),
        ("config", &old.stack.configs, &new.stack.configs),
    ] {
        for n in refs_new.iter().filter(|r| !r.external) {
            let Some(o) = refs_old.iter().find(|o| o.name == n.name && !o.external) else {
                continue;
            };
            let section = format!("{kind}s");
            let full = |side: &Side| {
                let v = side.view.get(&section).and_then(|s| s.get(&n.name));
                v.and_then(|v| v.get("name"))
                    .and_then(Value::as_str)
                    .map(str::to_string)
            };
            if full(old) != full(new) {
                continue;
            }
            let key = format!("{kind}:{}", n.name);
            let (a, b) = (old.contents.get(&key), new.contents.get(&key));
            if a.is_none() || b.is_none() || a == b || o.file.is_none() {
                continue;
            }
            out.push(
                Diagnostic::error(
                    &codes::CHANGED_IN_PLACE,
                    format!(
                        "{kind} `{}` changes content under the same name: Swarm refuses it (\"only updates to Labels are allowed\")",
                        n.name
                    ),
                )
                .with_primary(n.span, "new content, same name")
                .with_note(format!(
                    "docker stack deploy stops with \"failed to update {kind} <stack>_{}\" before updating any service",
                    n.name
                ))
                .with_help(format!("give the new content a new name (`name: …_v2`) so that a new {kind} is created")),
            );
        }
    }
    out
}

fn is_external(v: &Value) -> bool {
    v.get("external")
        .is_some_and(|e| e == &Value::Bool(true) || e.is_object())
}

/// A service that needs one this deploy creates, and a client and its server that move to
/// another network together (their tasks share no network while the two updates overlap).
pub fn dependencies(old: &Stack, new: &Stack, changes: &[ServiceChange]) -> Vec<Diagnostic> {
    let action = |name: &str| changes.iter().find(|c| c.service == name).map(|c| c.action);
    let mut out = Vec::new();
    for e in DependencyGraph::build(new).edges {
        let Some(client) = new.service(&e.from) else {
            continue;
        };
        if action(&e.to) == Some(Action::Created)
            && matches!(action(&e.from), Some(Action::Created | Action::Updated))
        {
            out.push(
                Diagnostic::warning(
                    &codes::NEW_DEPENDENCY,
                    format!(
                        "`{}` needs `{}` ({}), which this deploy creates: services are created and updated in no fixed order, so `{}`'s new tasks can start first",
                        e.from, e.to, e.evidence, e.from
                    ),
                )
                .at_service(&e.from, e.span.or(client.span), "needs the new service"),
            );
        }
        let (Some(oc), Some(os), Some(ns)) =
            (old.service(&e.from), old.service(&e.to), new.service(&e.to))
        else {
            continue;
        };
        let shared = |a: &Service, b: &Service| !nets(a).is_disjoint(&nets(b));
        let split =
            shared(oc, os) && shared(client, ns) && (!shared(oc, ns) || !shared(client, os));
        if split {
            out.push(
                Diagnostic::warning(
                    &codes::NETWORK_SPLIT,
                    format!(
                        "`{}` and `{}`, which it uses, move to another network together: while their updates overlap, an updated task of one and an old task of the other share no network",
                        e.from, e.to
                    ),
                )
                .at_service(&e.from, client.span, "the client")
                .with_secondary(ns.span, "the service it uses")
                .with_help("first attach both services to the new network too, deploy, then remove the old one"),
            );
        }
    }
    out
}

fn nets(s: &Service) -> BTreeSet<&str> {
    s.networks.iter().map(|n| n.name.as_str()).collect()
}
