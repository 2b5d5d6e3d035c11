//! Placement constraints and preferences: the expression parser alone and matched against
//! every node of a small cluster, then both inside a stack, loaded against that cluster.
#![no_main]

use libfuzzer_sys::fuzz_target;
use swarmproof::diagnostics::SourceMap;
use swarmproof::model::constraint::Constraint;
use swarmproof_fuzz::{assert_spans, load_checked, quoted, split};

const NODES: &str = "nodes:\n  - {hostname: m1, role: manager, zone: a, labels: {ssd: 'true', 'x.y': z}, resources: {cpus: 2, memory: 4G}, platform: {os: linux, arch: x86_64}}\n  - {hostname: w1, role: worker, zone: b, engine_labels: {disk: hdd}, resources: {cpus: 4, memory: 8G}}\n";

fuzz_target!(|data: &[u8]| {
    let parts = split(data, 2);
    let constraint = &parts[0];
    let preference = parts.get(1).map_or("node.labels.zone", String::as_str);
    let mut sources = SourceMap::new();
    let nodes = sources.add("nodes.yml", NODES);
    let (cluster, _) = swarmproof::loading::inventory::load_inventory(&sources, nodes);
    if let Ok(c) = Constraint::parse(constraint) {
        for node in &cluster.nodes {
            let _ = c.matches(node);
        }
    }
    let stack = format!(
        "services:\n  web:\n    image: nginx\n    deploy:\n      placement:\n        constraints: [{}]\n        preferences: [{{spread: {}}}]\n",
        quoted(constraint),
        quoted(preference)
    );
    let stack = load_checked(&mut sources, stack, Default::default());
    let against = swarmproof::loading::against_inventory::check_against_inventory(&stack, &cluster);
    assert_spans(&sources, &against);
});
