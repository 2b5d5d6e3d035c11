//! The inventory readers (swarmproof's YAML and `docker node inspect` JSON), the quorum
//! analysis of what they read, and a stack's constraints matched against it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use swarmproof::diagnostics::SourceMap;
use swarmproof_fuzz::{assert_spans, load_checked, split};

const STACK: &str = "services:\n  web:\n    image: nginx\n    deploy:\n      replicas: 2\n      placement:\n        constraints: [node.role == worker, node.labels.zone != a]\n        preferences: [{spread: node.labels.zone}]\n";

fuzz_target!(|data: &[u8]| {
    let text = split(data, 1).remove(0);
    let mut sources = SourceMap::new();
    let id = sources.add("nodes.yml", text);
    let (cluster, diags) = swarmproof::loading::inventory::load_inventory(&sources, id);
    assert_spans(&sources, &diags);
    let (_, quorum_diags) = swarmproof::raft::analyze(&cluster, &[]);
    assert_spans(&sources, &quorum_diags);
    let stack = load_checked(&mut sources, STACK.to_string(), Default::default());
    let against = swarmproof::loading::against_inventory::check_against_inventory(&stack, &cluster);
    assert_spans(&sources, &against);
});
