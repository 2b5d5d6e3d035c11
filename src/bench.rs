//! What the benchmark binaries (`src/bin/`) measure beyond the library's checks: generated
//! instances, z3 alone on a whole placement problem, and loading a stack and inventory from
//! text. One façade, so the solver's internals stay private to `placement/`.

use crate::check::Loaded;
use crate::deadline::Deadline;
use crate::diagnostics::SourceMap;
use crate::loading::stack::StackOptions;
use crate::model::{Cluster, Stack};
use crate::placement::problem::{NodeSet, Problem};
use crate::placement::smt::{self, SmtResult};
use crate::report::Report;

pub use crate::placement::generate::{generate, InstanceSpec};

/// z3 on the whole placement problem, without the fast paths in front of it: `sat`, `unsat`
/// or `unknown` (stopped at `deadline`).
pub fn z3_alone(stack: &Stack, cluster: &Cluster, deadline: Deadline) -> &'static str {
    let p = Problem::build(stack, cluster);
    match smt::solve(&p, &[NodeSet::default()], deadline).pop() {
        Some(SmtResult::Sat(_)) => "sat",
        Some(SmtResult::Unsat(_)) => "unsat",
        _ => "unknown",
    }
}

/// A stack file and an inventory, given as (name, text), loaded as `check` loads them; the
/// stack is named `name`.
pub fn load_texts(stack: (&str, String), nodes: (&str, String), name: &str) -> Loaded {
    let mut sources = SourceMap::new();
    let stack_file = sources.add(stack.0, stack.1);
    let nodes_file = sources.add(nodes.0, nodes.1);
    let options = StackOptions {
        name: name.to_string(),
        ..StackOptions::default()
    };
    crate::check::load(
        &sources,
        &[stack_file],
        Some(nodes_file),
        &options,
        &mut Report::default(),
    )
}
