//! Load-time checks that need the inventory: constraints that match no node, spread
//! preferences over a label no node has, generic resources on engines that reject them.

use crate::diagnostics::Diagnostic;
use crate::loading::codes;
use crate::model::{constraint::node_matches, Cluster, Stack};
use crate::swarm::filters;

pub fn check_against_inventory(stack: &Stack, cluster: &Cluster) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    if cluster.nodes.is_empty() {
        return diags;
    }
    for s in &stack.services {
        let constraints: Vec<_> = s.placement.constraints.iter().collect();
        if !constraints.is_empty()
            && !s.placement.constraint_errors
            && !cluster
                .nodes
                .iter()
                .any(|n| node_matches(constraints.iter().map(|c| &c.value), n))
        {
            // Name the constraint that alone cuts out the most nodes, as the likely culprit.
            let culprit = constraints
                .iter()
                .min_by_key(|c| cluster.nodes.iter().filter(|n| c.value.matches(n)).count())
                .copied();
            let mut d = Diagnostic::error(
                &codes::CONSTRAINT_NO_NODE,
                format!(
                    "no node of the inventory satisfies the placement constraints of {} ({} nodes checked)",
                    s.name,
                    cluster.nodes.len()
                ),
            )
            .with_service(&s.name);
            if let Some(c) = culprit {
                let matching = cluster.nodes.iter().filter(|n| c.value.matches(n)).count();
                d = d.with_primary(
                    c.span,
                    format!(
                        "`{}` holds on {matching} of {} nodes",
                        c.value,
                        cluster.nodes.len()
                    ),
                );
            }
            for c in constraints.iter().filter(|c| Some(**c) != culprit) {
                d = d.with_secondary(c.span, format!("`{}`", c.value));
            }
            let label_hint = culprit.and_then(|c| match (&c.value.key, c.value.op) {
                (crate::model::ConstraintKey::NodeLabel(l), crate::model::Operator::Eq) => Some(format!(
                    "add the label to a node that should run {}: `docker node update --label-add {l}={} NODE`",
                    s.name, c.value.value
                )),
                _ => None,
            });
            d = d
                .with_note(format!(
                    "docker stack deploy accepts the stack, but every task of {} stays Pending: no suitable node (scheduling constraints not satisfied on {} nodes)",
                    s.name,
                    cluster.nodes.len()
                ))
                .with_help(label_hint.unwrap_or_else(|| "add the label to a node (`docker node update --label-add key=value NODE`) or correct the constraint".to_string()));
            diags.push(d);
        }
        diags.extend(replicas_on_one_node(s, cluster));
        diags.extend(generic_on_old_engines(s, cluster));
        for p in &s.placement.preferences {
            let Some(label) = spread_label(&p.value) else {
                continue;
            };
            let has = |n: &crate::model::Node| match label {
                SpreadLabel::Node(l) => n.labels.contains_key(l),
                SpreadLabel::Engine(l) => n.engine_labels.contains_key(l),
            };
            if !cluster.nodes.iter().any(has) {
                diags.push(
                    Diagnostic::info(
                        &codes::PREFERENCE_LABEL_MISSING,
                        format!(
                            "no node has the label spread preference {:?} uses: it has no effect",
                            p.value
                        ),
                    )
                    .at_service(&s.name, p.span, "no node carries this label"),
                );
            }
        }
    }
    diags
}

/// SP0304: the service reserves a generic resource that nodes running an engine older than
/// 23.0 offer; their constraint enforcer rejects such tasks (moby/moby#44378).
fn generic_on_old_engines(s: &crate::model::Service, cluster: &Cluster) -> Option<Diagnostic> {
    let wanted: Vec<_> = s
        .resources
        .reservations
        .generic
        .iter()
        .filter(|g| g.value > 0)
        .collect();
    let affected: Vec<&str> = cluster
        .nodes
        .iter()
        .filter(|n| {
            n.engine_version
                .as_deref()
                .and_then(engine_major)
                .is_some_and(|m| m < 23)
        })
        .filter(|n| wanted.iter().any(|g| n.generic.contains_key(&g.kind)))
        .map(|n| n.hostname.as_str())
        .collect();
    if affected.is_empty() {
        return None;
    }
    let g = wanted[0];
    Some(
        Diagnostic::warning(
            &codes::GENERIC_RESOURCE_REJECTED,
            format!(
                "{} reserves generic resource {}, but {} run(s) an engine older than 23.0, which rejects such tasks",
                s.name,
                g.kind,
                affected.join(", ")
            ),
        )
        .at_service(&s.name, g.span, "reserved here")
        .with_note("the constraint enforcer marks them Rejected (\"assigned node no longer meets constraints\") whenever the node is updated, and they are rescheduled in a loop (moby/moby#44378)")
        .with_help("upgrade the engines to 23.0 or later, or drop the generic resource reservation"),
    )
}

/// The major version of an engine version string such as `20.10.24+dfsg1` or `28.2.2`.
fn engine_major(version: &str) -> Option<u32> {
    version
        .trim_start_matches('v')
        .split('.')
        .next()?
        .parse()
        .ok()
}

enum SpreadLabel<'a> {
    Node(&'a str),
    Engine(&'a str),
}

/// The label a spread descriptor names, when Swarm honours it (prefix case-insensitive).
fn spread_label(descriptor: &str) -> Option<SpreadLabel<'_>> {
    let split = |prefix: &str| {
        (descriptor.len() > prefix.len()
            && descriptor.is_char_boundary(prefix.len())
            && descriptor[..prefix.len()].eq_ignore_ascii_case(prefix))
        .then(|| &descriptor[prefix.len()..])
    };
    split("node.labels.")
        .map(SpreadLabel::Node)
        .or_else(|| split("engine.labels.").map(SpreadLabel::Engine))
}

/// SP0207: several replicas whose constraints leave one node of the inventory (typically
/// `node.role == manager` with one manager): all of them run there, with no redundancy. Only
/// for written constraints: an unconstrained service on a one-node inventory is that cluster's
/// nature, not the file's.
fn replicas_on_one_node(s: &crate::model::Service, cluster: &Cluster) -> Option<Diagnostic> {
    let replicas = s.mode.replicated_tasks().filter(|&n| n >= 2)?;
    if s.placement.constraints.is_empty() || s.placement.constraint_errors {
        return None;
    }
    let mut eligible = cluster
        .nodes
        .iter()
        .filter(|n| filters::ready(n) && filters::constraints_hold(s, n));
    let node = eligible.next()?;
    if eligible.next().is_some() {
        return None;
    }
    let constraints: Vec<String> = s.constraints().map(ToString::to_string).collect();
    Some(
        Diagnostic::warning(
            &codes::REPLICAS_ON_ONE_NODE,
            format!(
                "all {replicas} replicas of {} run on {}, the only node matching its constraints",
                s.name, node.hostname
            ),
        )
        .with_service(&s.name)
        .with_primary(
            s.placement.constraints.first().and_then(|c| c.span),
            format!("matches only {}", node.hostname),
        )
        .with_secondary(s.mode.span, format!("{replicas} replicas"))
        .with_note(format!(
            "constraints: {}; losing {} stops every replica",
            constraints.join(", "),
            node.hostname
        ))
        .with_help("widen the constraint (more managers, a label on several nodes), or run one replica if redundancy was not the point"),
    )
}
