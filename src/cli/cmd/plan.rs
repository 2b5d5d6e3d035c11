//! `swarmproof plan`: the orchestration theorem, with the placement table when there is one.

use std::process::ExitCode;

use crate::cli::args::PlanArgs;
use crate::cli::output::Output;
use crate::cli::{exit_status, print_then};

/// 0 when a valid orchestration is proved, 1 otherwise.
pub fn run(args: &PlanArgs) -> ExitCode {
    let (checked, inputs) = match super::checked(&args.stack, None, args.stack.bounds.start()) {
        Ok(c) => c,
        Err(e) => return args.output.fail(e),
    };
    let o = &checked.orchestration;
    let table = match (&checked.placement, &checked.loaded.cluster) {
        (Some(p), Some(cluster)) => p
            .plan
            .as_ref()
            .map(|plan| crate::placement::render_plan(&checked.loaded.stack, cluster, plan)),
        _ => None,
    };
    let text = args.output.render(&Output {
        command: "plan",
        report: &checked.report,
        sources: &inputs.sources,
        human: crate::graph::render_plan(o, table.as_deref()),
        payload: serde_json::to_value(o).ok(),
        deny_warnings: false,
    });
    print_then(&text, exit_status(&checked.report, false))
}
