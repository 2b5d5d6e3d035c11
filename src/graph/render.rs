//! Pictures of a stack for `swarmproof graph --format dot|mermaid`: services with their
//! published ports, dependency edges (declared solid, inferred dashed), `depends_on` targets
//! missing from the stack, and the networks each service joins. Output is deterministic.

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

fn missing_targets(graph: &DependencyGraph) -> Vec<String> {
    let mut names: Vec<String> = graph.missing.iter().map(|m| m.name.clone()).collect();
    names.sort();
    names.dedup();
    names
}

fn dot_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

/// Graphviz DOT (`dot -Tsvg`).
pub fn dot(stack: &Stack, graph: &DependencyGraph) -> String {
    let nets = networks(stack);
    let missing = missing_targets(graph);
    let mut out = format!(
        "digraph \"{}\" {{\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n",
        dot_escape(&stack.name)
    );
    for (i, s) in stack.services.iter().enumerate() {
        let label: Vec<String> = service_lines(s).iter().map(|l| dot_escape(l)).collect();
        out.push_str(&format!("  s{i} [label=\"{}\"];\n", label.join("\\n")));
    }
    for (i, m) in missing.iter().enumerate() {
        out.push_str(&format!(
            "  m{i} [label=\"{} (not in stack)\", style=dotted];\n",
            dot_escape(m)
        ));
    }
    for (i, n) in nets.iter().enumerate() {
        out.push_str(&format!(
            "  n{i} [label=\"{}\", shape=ellipse, style=filled, fillcolor=\"#eeeeee\"];\n",
            dot_escape(n)
        ));
    }
    let index = |name: &str| stack.services.iter().position(|s| s.name == name);
    for e in &graph.edges {
        let (Some(a), Some(b)) = (index(&e.from), index(&e.to)) else {
            continue;
        };
        let style = match e.kind {
            EdgeKind::Declared => "label=\"depends_on\"",
            EdgeKind::Inferred => "label=\"inferred\", style=dashed",
        };
        out.push_str(&format!("  s{a} -> s{b} [{style}];\n"));
    }
    for m in &graph.missing {
        let (Some(a), Some(b)) = (index(&m.service), missing.iter().position(|x| *x == m.name))
        else {
            continue;
        };
        out.push_str(&format!(
            "  s{a} -> m{b} [label=\"depends_on\", color=red];\n"
        ));
    }
    for (i, s) in stack.services.iter().enumerate() {
        for a in &s.networks {
            if let Some(n) = nets.iter().position(|x| *x == a.name) {
                out.push_str(&format!("  s{i} -> n{n} [dir=none, color=gray];\n"));
            }
        }
    }
    out.push_str("}\n");
    out
}

fn mermaid_escape(s: &str) -> String {
    s.replace('"', "#quot;")
}

/// Mermaid `flowchart LR` (renders in GitHub markdown).
pub fn mermaid(stack: &Stack, graph: &DependencyGraph) -> String {
    let nets = networks(stack);
    let missing = missing_targets(graph);
    let mut out = String::from("flowchart LR\n");
    for (i, s) in stack.services.iter().enumerate() {
        let label: Vec<String> = service_lines(s).iter().map(|l| mermaid_escape(l)).collect();
        out.push_str(&format!("  s{i}[\"{}\"]\n", label.join("<br/>")));
    }
    for (i, m) in missing.iter().enumerate() {
        out.push_str(&format!(
            "  m{i}[\"{} (not in stack)\"]\n",
            mermaid_escape(m)
        ));
    }
    for (i, n) in nets.iter().enumerate() {
        out.push_str(&format!("  n{i}((\"{}\"))\n", mermaid_escape(n)));
    }
    let index = |name: &str| stack.services.iter().position(|s| s.name == name);
    for e in &graph.edges {
        let (Some(a), Some(b)) = (index(&e.from), index(&e.to)) else {
            continue;
        };
        let arrow = match e.kind {
            EdgeKind::Declared => "-->|depends_on|",
            EdgeKind::Inferred => "-.->|inferred|",
        };
        out.push_str(&format!("  s{a} {arrow} s{b}\n"));
    }
    for m in &graph.missing {
        let (Some(a), Some(b)) = (index(&m.service), missing.iter().position(|x| *x == m.name))
        else {
            continue;
        };
        out.push_str(&format!("  s{a} -->|depends_on| m{b}\n"));
    }
    for (i, s) in stack.services.iter().enumerate() {
        for a in &s.networks {
            if let Some(n) = nets.iter().position(|x| *x == a.name) {
                out.push_str(&format!("  s{i} --- n{n}\n"));
            }
        }
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
