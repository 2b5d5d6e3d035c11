//! The stack loader end to end: up to two files (split at NUL) merged as `-f a -f b`, lowered
//! into the model, and printed as `docker stack config` would.
#![no_main]

use libfuzzer_sys::fuzz_target;
use swarmproof::diagnostics::SourceMap;
use swarmproof_fuzz::{add_stacks, assert_spans, config_view, env, options, split};

fuzz_target!(|data: &[u8]| {
    let texts = split(data, 2);
    let mut sources = SourceMap::new();
    let files = add_stacks(&mut sources, &texts);
    let options = options(env());
    let (stack, diags) = swarmproof::loading::stack::load_stack(&sources, &files, &options);
    assert_spans(&sources, &diags);
    let graph = swarmproof::graph::check(&stack, None);
    assert_spans(&sources, &graph.diagnostics);
    let (config, view_diags) = config_view(&sources, &files, &options);
    assert_spans(&sources, &view_diags);
    if let Some(config) = config {
        let json = serde_json::to_string(&config.to_json()).expect("the view serialises");
        serde_json::from_str::<serde_json::Value>(&json).expect("the view is JSON");
        let _ = config.to_yaml();
    }
});
