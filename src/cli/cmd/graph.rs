//! `swarmproof graph`: services, dependencies, networks and ports as DOT or Mermaid.

use std::process::ExitCode;

use crate::cli::args::{GraphArgs, GraphFormat};
use crate::cli::{fail, write_stdout};

pub fn run(args: &GraphArgs) -> ExitCode {
    let (checked, _) = match super::checked(&args.stack, None, args.stack.bounds.start()) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let stack = &checked.loaded.stack;
    let deps = &checked.graph.dependencies;
    write_stdout(&match args.format {
        GraphFormat::Dot => crate::graph::render::dot(stack, deps),
        GraphFormat::Mermaid => crate::graph::render::mermaid(stack, deps),
    })
}
