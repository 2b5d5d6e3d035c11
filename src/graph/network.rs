//! N as reachability: a service reaches another by name iff they join a common network (an
//! overlay of the stack, the implicit `default`, or an external network), and reaches it without
//! its name through a port it publishes (routing mesh or host port). Every edge of D must be
//! reachable; firewalls, `internal` networks and application ports are outside this model.

use serde::Serialize;

use super::codes;
use super::deps::{DependencyGraph, Edge, EdgeKind};
use crate::diagnostics::Diagnostic;
use crate::model::{Service, Stack};

/// How the two ends of one edge of D can talk.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Link {
    pub from: String,
    pub to: String,
    pub kind: EdgeKind,
    /// The edge's evidence of traffic (see `Edge::traffic`); without it nothing says `from`
    /// ever connects to `to`.
    pub traffic: Option<String>,
    /// Networks both services join (stack keys, sorted).
    pub shared: Vec<String>,
    /// `to` publishes a port, so `from` can reach it through a node's address.
    pub via_published_port: bool,
    pub from_networks: Vec<String>,
    pub to_networks: Vec<String>,
}

impl Link {
    pub fn reachable(&self) -> bool {
        !self.shared.is_empty() || self.via_published_port
    }
}

/// One link per edge of D, in the order of `DependencyGraph::edges`.
pub fn links(stack: &Stack, graph: &DependencyGraph) -> Vec<Link> {
    graph
        .edges
        .iter()
        .filter_map(|e| {
            let (i, j) = e.ends();
            Some(link(
                stack,
                e,
                stack.services.get(i)?,
                stack.services.get(j)?,
            ))
        })
        .collect()
}

fn link(stack: &Stack, e: &Edge, from: &Service, to: &Service) -> Link {
    // Two keys naming the same real network (`name:`) are the same network.
    let identity = |key: &str| {
        stack
            .network(key)
            .map_or_else(|| key.to_string(), |n| n.full_name.clone())
    };
    let mut shared: Vec<String> = from
        .networks
        .iter()
        .filter(|a| {
            to.networks
                .iter()
                .any(|b| identity(&a.name) == identity(&b.name))
        })
        .map(|a| a.name.clone())
        .collect();
    shared.sort();
    shared.dedup();
    Link {
        from: e.from.clone(),
        to: e.to.clone(),
        kind: e.kind,
        traffic: e.traffic.clone(),
        shared,
        via_published_port: to.ports.iter().any(|p| p.published.is_some_and(|n| n != 0)),
        from_networks: network_names(from),
        to_networks: network_names(to),
    }
}

fn network_names(s: &Service) -> Vec<String> {
    s.networks.iter().map(|n| n.name.clone()).collect()
}

/// SP5010 for every edge of D whose services share no network. Never an error: Swarm deploys
/// the stack and runs the tasks either way. A warning when the environment or command names the
/// other service as a host (traffic that cannot resolve by name, unless a published port still
/// reaches the target); only a note for a bare `depends_on`, which Swarm ignores and which says
/// nothing about traffic.
pub fn findings(stack: &Stack, graph: &DependencyGraph, links: &[Link]) -> Vec<Diagnostic> {
    graph
        .edges
        .iter()
        .zip(links)
        .filter(|(_, l)| l.shared.is_empty())
        .map(|(e, l)| {
            let d = match &l.traffic {
                Some(traffic) => {
                    let relation = match e.kind {
                        EdgeKind::Declared => format!("`{}` depends on `{}` and names it as a host ({traffic})", l.from, l.to),
                        EdgeKind::Inferred => format!("`{}` names `{}` as a host", l.from, l.to),
                    };
                    Diagnostic::warning(
                        &codes::NO_SHARED_NETWORK,
                        if l.via_published_port {
                            format!(
                                "{relation}, but they share no network; only `{}`'s published ports are reachable, not its name",
                                l.to
                            )
                        } else {
                            format!(
                                "{relation}, but they share no network, so `{}` cannot reach it by name",
                                l.from
                            )
                        },
                    )
                }
                None => Diagnostic::info(
                    &codes::NO_SHARED_NETWORK,
                    format!(
                        "`{}` depends on `{}`, and they share no network; nothing in `{}`'s environment or command names `{}`, so this may be intended",
                        l.from, l.to, l.from, l.to
                    ),
                )
                .with_note("depends_on is ignored by docker stack deploy and says nothing about traffic between the services"),
            };
            let first_attachment = |i: usize| {
                stack
                    .services
                    .get(i)
                    .and_then(|s| s.networks.iter().find_map(|n| n.span).or(s.span))
            };
            d.at_service(&l.from, e.span, e.evidence.clone())
                .with_secondary(first_attachment(e.ends().0), format!("`{}` joins these networks", l.from))
                .with_secondary(first_attachment(e.ends().1), format!("`{}` joins these networks", l.to))
                .with_note(format!(
                    "`{}` is on [{}]; `{}` is on [{}]",
                    l.from,
                    l.from_networks.join(", "),
                    l.to,
                    l.to_networks.join(", ")
                ))
                .with_help(format!(
                    "attach both to a common network, e.g. add `{}` to the networks of `{}`",
                    l.to_networks.first().map_or("default", String::as_str),
                    l.from
                ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Severity;
    use crate::graph::fixtures::*;
    use crate::model::PublishMode;

    // Acceptance: `app` depends on `db`, which is on a different network.
    #[test]
    fn app_and_db_on_different_networks() {
        let stack = stack(vec![
            on_networks(depends(svc("app"), "db", 11), &["frontend"]),
            on_networks(svc("db"), &["backend"]),
        ]);
        let g = DependencyGraph::build(&stack);
        let links = links(&stack, &g);
        assert!(!links[0].reachable());
        let d = findings(&stack, &g, &links);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].code.id, "SP5010");
        // depends_on alone is no evidence of traffic: a note, never an error.
        assert_eq!(d[0].severity, Severity::Info);
        assert_eq!(d[0].primary_span(), Some(span(11)));
        assert_eq!(
            d[0].notes[1],
            "`app` is on [frontend]; `db` is on [backend]"
        );
    }

    // A depends_on backed by a URL naming the target is traffic: a warning (the tasks run,
    // the name does not resolve), quoting the evidence.
    #[test]
    fn depends_on_with_a_url_is_a_warning() {
        let mut app = on_networks(depends(svc("app"), "db", 11), &["frontend"]);
        app.environment = vec![("DB_URL".into(), Some("postgres://db:5432".into()), None)];
        let stack = stack(vec![app, on_networks(svc("db"), &["backend"])]);
        let g = DependencyGraph::build(&stack);
        let links = links(&stack, &g);
        let d = findings(&stack, &g, &links);
        assert_eq!(d[0].severity, Severity::Warning);
        assert_eq!(
            d[0].message,
            "`app` depends on `db` and names it as a host (environment DB_URL=postgres://db:5432), but they share no network, so `app` cannot reach it by name"
        );
    }

    // Reference painpoint 16: the voting app's result/vote split is bridged by worker; fine.
    #[test]
    fn shared_network_or_default_is_reachable() {
        let stack = stack(vec![
            on_networks(depends(svc("worker"), "db", 1), &["frontend", "backend"]),
            on_networks(svc("db"), &["backend"]),
            depends(svc("web"), "cache", 2),
            svc("cache"),
        ]);
        let g = DependencyGraph::build(&stack);
        let links = links(&stack, &g);
        assert_eq!(links[0].shared, ["backend"]);
        assert_eq!(links[1].shared, ["default"]);
        assert!(findings(&stack, &g, &links).is_empty());
    }

    #[test]
    fn inferred_edge_across_networks_is_a_warning() {
        let mut init = on_networks(svc("init"), &["consul"]);
        init.command = vec![spanned("--docker.endPoint=http://dockersocket:2375", 4)];
        let stack = stack(vec![init, on_networks(svc("dockersocket"), &["docker"])]);
        let g = DependencyGraph::build(&stack);
        let links = links(&stack, &g);
        assert!(!links[0].reachable());
        let d = findings(&stack, &g, &links);
        assert_eq!(d[0].severity, Severity::Warning);
        assert_eq!(
            d[0].message,
            "`init` names `dockersocket` as a host, but they share no network, so `init` cannot reach it by name"
        );
        assert_eq!(d[0].primary_span(), Some(span(4)));
    }

    #[test]
    fn published_port_reaches_but_name_does_not() {
        let mut db = on_networks(svc("db"), &["backend"]);
        db.ports = vec![port(5432, 5432, PublishMode::Ingress, 3)];
        let mut app = on_networks(svc("app"), &["front"]);
        app.command = vec![spanned("--db=db:5432", 1)];
        let stack = stack(vec![app, db]);
        let g = DependencyGraph::build(&stack);
        let links = links(&stack, &g);
        assert!(links[0].reachable() && links[0].shared.is_empty());
        let d = findings(&stack, &g, &links);
        assert_eq!(d[0].severity, Severity::Warning);
    }

    #[test]
    fn keys_naming_one_real_network_are_shared() {
        let mut stack = stack(vec![
            on_networks(depends(svc("a"), "b", 1), &["proxy"]),
            on_networks(svc("b"), &["public"]),
        ]);
        for n in &mut stack.networks {
            n.full_name = "traefik-public".into();
            n.external = true;
        }
        let g = DependencyGraph::build(&stack);
        assert!(links(&stack, &g)[0].reachable());
    }
}
