//! The renderers: a stack and an inventory (split at NUL) loaded, the load-time and graph
//! checks run, and the report printed in every format; JSON and SARIF must parse as JSON and
//! JUnit as XML. The `docker stack config` view must print as JSON too.
#![no_main]

use libfuzzer_sys::fuzz_target;
use swarmproof::diagnostics::SourceMap;
use swarmproof::report::Report;
use swarmproof_fuzz::{add_stacks, assert_renders, assert_spans, config_view, env, options, split};

fuzz_target!(|data: &[u8]| {
    let mut texts = split(data, 2);
    let nodes_text = (texts.len() == 2).then(|| texts.pop()).flatten();
    let mut sources = SourceMap::new();
    let files = add_stacks(&mut sources, &texts);
    let nodes = nodes_text.map(|t| sources.add("nodes.yml", t));
    let options = options(env());
    let mut report = Report::default();
    let loaded = swarmproof::check::load(&sources, &files, nodes, &options, &mut report);
    let graph = swarmproof::graph::check(&loaded.stack, loaded.cluster.as_ref());
    report.findings.extend(graph.diagnostics);
    assert_spans(&sources, &report.findings);
    assert_renders(&report, &sources);
    let (config, _) = config_view(&sources, &files, &options);
    if let Some(config) = config {
        let json = serde_json::to_string_pretty(&config.to_json()).expect("the view serialises");
        serde_json::from_str::<serde_json::Value>(&json).expect("the view is JSON");
    }
});
