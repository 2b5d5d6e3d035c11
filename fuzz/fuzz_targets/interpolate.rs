//! Variable interpolation: an env file (`--env-file`, before the first NUL) read into the
//! variables, then a template substituted with them, alone and as a value inside a stack.
#![no_main]

use libfuzzer_sys::fuzz_target;
use swarmproof::diagnostics::SourceMap;
use swarmproof::loading::stack::interpolate;
use swarmproof_fuzz::{load_checked, quoted, split};

fuzz_target!(|data: &[u8]| {
    let parts = split(data, 2);
    let (env_text, template) = match parts.as_slice() {
        [t] => ("", t.as_str()),
        [e, t, ..] => (e.as_str(), t.as_str()),
        [] => return,
    };
    let (env, bad_lines) = interpolate::parse_env_file(env_text, &swarmproof_fuzz::env());
    let lines = env_text.split('\n').count();
    assert!(
        bad_lines.iter().all(|&l| l >= 1 && l <= lines),
        "{bad_lines:?} of {lines} lines"
    );
    let _ = interpolate::substitute(template, &env);
    let stack = format!(
        "services:\n  web:\n    image: {}\n    environment:\n      X: {}\n",
        quoted(template),
        quoted(template)
    );
    load_checked(&mut SourceMap::new(), stack, env);
});
