//! Pictures of a stack for `swarmproof graph --format dot|mermaid`: services with their
//! published ports, dependency edges (declared solid, inferred dashed), `depends_on` targets
//! missing from the stack, and the networks each service joins. Output is deterministic.

use std::collections::BTreeMap;

use super::deps::{DependencyGraph, EdgeKind};
use crate::model::{Port, PublishMode, Service, Stack};

/// Networks to draw: the declared ones any service joins, then attachments to undeclared keys.
fn networks(stack: &Stack) -> Vec<String> {
    let used = |name: &str| {
        stack
            .services
            .iter()
            .any(|s| s.networks.iter().any(|a| a.name == name))
    };
    let mut names: Vec<String> = stack
        .networks
        .iter()
        .filter(|n| used(&n.name))
        .map(|n| n.name.clone())
        .collect();
    for a in stack.services.iter().flat_map(|s| &s.networks) {
        if !names.contains(&a.name) {
            names.push(a.name.clone());
        }
    }
    names
}

fn port_text(p: &Port) -> String {
    let mode = match p.mode {
        PublishMode::Ingress => "ingress",
        PublishMode::Host => "host",
    };
    match p.published.filter(|&n| n != 0) {
        Some(n) => format!("{n}→{}/{} {mode}", p.target, p.protocol.as_str()),
        None => format!("{}/{} {mode}", p.target, p.protocol.as_str()),
    }
}

fn service_lines(s: &Service) -> Vec<String> {
    let mut lines = vec![s.name.clone()];
    lines.extend(s.ports.iter().map(port_text));
    lines
}

/// What a picture shows, independent of the output language.
enum Shape {
    Service,
    Missing,
    Network,
}

enum Line {
    Declared,
    Inferred,
    MissingDependency,
    Membership,
}

struct Picture {
    /// (id, text lines, shape)
    nodes: Vec<(String, Vec<String>, Shape)>,
    /// (from id, to id, kind)
    lines: Vec<(String, String, Line)>,
}

fn picture(stack: &Stack, graph: &DependencyGraph) -> Picture {
    let mut nodes: Vec<(String, Vec<String>, Shape)> = stack
        .services
        .iter()
        .enumerate()
        .map(|(i, s)| (format!("s{i}"), service_lines(s), Shape::Service))
        .collect();
    let mut missing: Vec<&str> = graph.missing.iter().map(|m| m.name.as_str()).collect();
    missing.sort_unstable();
    missing.dedup();
    let missing: BTreeMap<&str, usize> = missing.into_iter().zip(0..).collect();
    nodes.extend(missing.iter().map(|(m, i)| {
        (
            format!("m{i}"),
            vec![format!("{m} (not in stack)")],
            Shape::Missing,
        )
    }));
    let nets: BTreeMap<String, usize> = networks(stack).into_iter().zip(0..).collect();
    let mut by_index: Vec<(&String, &usize)> = nets.iter().collect();
    by_index.sort_by_key(|(_, i)| **i);
    nodes.extend(
        by_index
            .into_iter()
            .map(|(n, i)| (format!("n{i}"), vec![n.clone()], Shape::Network)),
    );

    let mut lines: Vec<(String, String, Line)> = graph
        .edges
        .iter()
        .map(|e| {
            let (a, b) = e.ends();
            let kind = match e.kind {
                EdgeKind::Declared => Line::Declared,
                EdgeKind::Inferred => Line::Inferred,
            };
            (format!("s{a}"), format!("s{b}"), kind)
        })
        .collect();
    let service: BTreeMap<&str, usize> =
        graph.services.iter().map(String::as_str).zip(0..).collect();
    lines.extend(graph.missing.iter().filter_map(|m| {
        let a = service.get(m.service.as_str())?;
        let b = missing.get(m.name.as_str())?;
        Some((format!("s{a}"), format!("m{b}"), Line::MissingDependency))
    }));
    for (i, s) in stack.services.iter().enumerate() {
        lines.extend(
            s.networks
                .iter()
                .filter_map(|a| nets.get(&a.name))
                .map(|n| (format!("s{i}"), format!("n{n}"), Line::Membership)),
        );
    }
    Picture { nodes, lines }
}

fn dot_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

/// Graphviz DOT (`dot -Tsvg`).
pub fn dot(stack: &Stack, graph: &DependencyGraph) -> String {
    let p = picture(stack, graph);
    let mut out = format!(
        "digraph \"{}\" {{\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n",
        dot_escape(&stack.name)
    );
    for (id, text, shape) in &p.nodes {
        let label: Vec<String> = text.iter().map(|l| dot_escape(l)).collect();
        let attrs = match shape {
            Shape::Service => "",
            Shape::Missing => ", style=dotted",
            Shape::Network => ", shape=ellipse, style=filled, fillcolor=\"#eeeeee\"",
        };
        out.push_str(&format!(
            "  {id} [label=\"{}\"{attrs}];\n",
            label.join("\\n")
        ));
    }
    for (a, b, line) in &p.lines {
        let attrs = match line {
            Line::Declared => "label=\"depends_on\"",
            Line::Inferred => "label=\"inferred\", style=dashed",
            Line::MissingDependency => "label=\"depends_on\", color=red",
            Line::Membership => "dir=none, color=gray",
        };
        out.push_str(&format!("  {a} -> {b} [{attrs}];\n"));
    }
    out.push_str("}\n");
    out
}

/// Mermaid `flowchart LR` (renders in GitHub markdown).
pub fn mermaid(stack: &Stack, graph: &DependencyGraph) -> String {
    let p = picture(stack, graph);
    let mut out = String::from("flowchart LR\n");
    for (id, text, shape) in &p.nodes {
        let label: Vec<String> = text.iter().map(|l| l.replace('"', "#quot;")).collect();
        let label = label.join("<br/>");
        match shape {
            Shape::Network => out.push_str(&format!("  {id}((\"{label}\"))\n")),
            Shape::Service | Shape::Missing => out.push_str(&format!("  {id}[\"{label}\"]\n")),
        }
    }
    for (a, b, line) in &p.lines {
        let arrow = match line {
            Line::Declared | Line::MissingDependency => "-->|depends_on|",
            Line::Inferred => "-.->|inferred|",
            Line::Membership => "---",
        };
        out.push_str(&format!("  {a} {arrow} {b}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::fixtures::*;

    fn example() -> Stack {
        let mut web = on_networks(depends(svc("web"), "api", 1), &["front"]);
        web.ports = vec![port(80, 8080, PublishMode::Ingress, 2)];
        let mut api = on_networks(depends(svc("api"), "auth", 3), &["front", "back"]);
        api.environment = vec![("DB_URL".into(), Some("postgres://db:5432/x".into()), None)];
        stack(vec![web, api, on_networks(svc("db"), &["back"])])
    }

    #[test]
    fn dot_output() {
        let st = example();
        insta::assert_snapshot!(dot(&st, &DependencyGraph::build(&st)), @r##"
        digraph "st" {
          rankdir=LR;
          node [shape=box, fontname="Helvetica"];
          s0 [label="web\n80→8080/tcp ingress"];
          s1 [label="api"];
          s2 [label="db"];
          m0 [label="auth (not in stack)", style=dotted];
          n0 [label="back", shape=ellipse, style=filled, fillcolor="#eeeeee"];
          n1 [label="front", shape=ellipse, style=filled, fillcolor="#eeeeee"];
          s0 -> s1 [label="depends_on"];
          s1 -> s2 [label="inferred", style=dashed];
          s1 -> m0 [label="depends_on", color=red];
          s0 -> n1 [dir=none, color=gray];
          s1 -> n1 [dir=none, color=gray];
          s1 -> n0 [dir=none, color=gray];
          s2 -> n0 [dir=none, color=gray];
        }
        "##);
    }

    #[test]
    fn mermaid_output_escapes_quotes() {
        let mut st = example();
        st.services[2].name = "d\"b".into();
        st.services[1].environment.clear();
        insta::assert_snapshot!(mermaid(&st, &DependencyGraph::build(&st)), @r#"
        flowchart LR
          s0["web<br/>80→8080/tcp ingress"]
          s1["api"]
          s2["d#quot;b"]
          m0["auth (not in stack)"]
          n0(("back"))
          n1(("front"))
          s0 -->|depends_on| s1
          s1 -->|depends_on| m0
          s0 --- n1
          s1 --- n1
          s1 --- n0
          s2 --- n0
        "#);
    }
}
