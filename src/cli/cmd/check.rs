//! `swarmproof check`: every check, suppressions applied, the report in the format asked for.

use std::process::ExitCode;

use crate::cli::args::{CheckArgs, StackFlags};
use crate::cli::output::{self, Output};
use crate::cli::{exit_status, print_then, suppressions, MAX_FINDINGS};

pub fn run(args: &CheckArgs) -> ExitCode {
    let setup = match suppressions::Setup::new(&args.suppress, &args.stack.input) {
        Ok(s) => s,
        Err(e) => return args.output.fail(e),
    };
    let flags = StackFlags {
        input: setup.input.clone(),
        ..args.stack.clone()
    };
    let (checked, mut inputs) = match super::checked(
        &flags,
        Some(crate::rollout::Options {
            strict: args.strict || setup.defaults.strict,
            ..Default::default()
        }),
        args.stack.bounds.start(),
    ) {
        Ok(c) => c,
        Err(e) => return args.output.fail(e),
    };
    let report = match setup.apply(
        &args.suppress,
        checked.report,
        &checked.loaded.stack,
        &mut inputs,
    ) {
        Ok(r) => r,
        Err(e) => return args.output.fail(e),
    };
    let deny = args.deny.is_some() || setup.defaults.deny_warnings;
    let show_suppressed = args.suppress.show_suppressed || setup.defaults.show_suppressed;
    // The status counts every finding; at most MAX_FINDINGS are printed.
    let status = exit_status(&report, deny);
    let report = report.bounded(MAX_FINDINGS);
    let text = args.output.render(&Output {
        command: "check",
        report: &report,
        sources: &inputs.sources,
        human: output::check_human(&report, &inputs.sources, show_suppressed),
        payload: None,
        deny_warnings: deny,
    });
    // A run that writes a baseline accepts what it found.
    let status = if args.suppress.write_baseline.is_some() {
        0
    } else {
        status
    };
    print_then(&text, status)
}
