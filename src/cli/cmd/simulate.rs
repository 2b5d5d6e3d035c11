//! `swarmproof simulate`: what Swarm's own scheduler does with the stack (`scheduler::predict`).

use std::process::ExitCode;

use crate::cli::args::SimulateArgs;
use crate::cli::output::Output;
use crate::cli::print_then;

/// 0 when every task is placed, 1 when some are left Pending.
pub fn run(args: &SimulateArgs) -> ExitCode {
    let bounds = args.stack.bounds.start();
    let (checked, inputs) = match super::checked(&args.stack, None, bounds) {
        Ok(c) => c,
        Err(e) => return args.output.fail(e),
    };
    let Some(cluster) = checked.loaded.cluster.as_ref() else {
        return args.output.fail(
            "error: simulate needs an inventory (--nodes FILE, or nodes.yml beside the stack)",
        );
    };
    let stack = &checked.loaded.stack;
    let budget = args.explore.then(|| bounds.explore_options(stack, cluster));
    let prediction = match crate::scheduler::predict(
        stack,
        cluster,
        &args.sim_options(),
        args.disruption().as_ref(),
        budget.as_ref(),
    ) {
        Ok(p) => p,
        Err(e) => return args.output.fail(format!("error: {e}")),
    };
    let text = args.output.render(&Output {
        command: "simulate",
        report: &checked.report,
        sources: &inputs.sources,
        human: prediction.render(),
        payload: serde_json::to_value(&prediction.outcome).ok(),
        deny_warnings: false,
    });
    print_then(&text, u8::from(!prediction.is_complete()))
}
