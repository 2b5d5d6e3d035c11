//! `swarmproof update`: each service's rolling update and rollback, model-checked from the
//! placement plan (the `rollout` check), with a progress line on a terminal.

use std::process::ExitCode;

use crate::check::{Rollout, UpdateEvent, UpdateRequest};
use crate::checks::Check;
use crate::cli::args::UpdateArgs;
use crate::cli::output::{self, Output};
use crate::cli::progress;
use crate::cli::{exit_status, print_then};
use crate::report::Report;

pub fn run(args: &UpdateArgs) -> ExitCode {
    let bounds = args.stack.bounds.start();
    let (checked, inputs) = match super::checked(&args.stack, None, bounds) {
        Ok(c) => c,
        Err(e) => return args.output.fail(e),
    };
    let rollout_inputs = match checked.rollout_inputs() {
        Ok(i) => i,
        Err(e) => return args.output.fail(format!("error: {e}")),
    };
    let selected: Vec<_> = rollout_inputs
        .iter()
        .filter(|i| args.service.as_deref().is_none_or(|s| s == i.service.name))
        .collect();
    if selected.is_empty() {
        return args.output.fail(format!(
            "error: no service named {:?}",
            args.service.as_deref().unwrap_or("")
        ));
    }
    let mut line: Option<progress::Line> = None;
    let request = UpdateRequest {
        stack: &checked.loaded.stack,
        start: Ok(selected),
        options: &args.rollout.options(),
        progress: &mut |event| match event {
            UpdateEvent::Searching(name, p) => line
                .get_or_insert_with(|| progress::Line::new(name))
                .update(p),
            // Dropping the line clears it.
            UpdateEvent::Done(_) => line = None,
        },
    };
    let mut report = Report::default();
    let results = Rollout::run(request, &bounds).record(Rollout::SPEC, &mut report);
    report.sort_findings(&inputs.sources);
    let human = {
        let mut out = String::new();
        for r in &results {
            out.push_str(&crate::rollout::render_result(r));
            out.push_str(&crate::cli::explorer::update_links(
                &args.stack.input,
                &args.stack.placement,
                args.rollout.failures,
                r,
            ));
            out.push('\n');
            if args.mermaid {
                for c in r
                    .properties
                    .iter()
                    .filter_map(|p| p.counterexample.as_ref())
                {
                    out.push_str(&crate::rollout::render_mermaid(c));
                    out.push('\n');
                }
            }
        }
        out.push('\n');
        // The table above already shows every timeline.
        out.push_str(&output::human(
            &super::without_timelines(&report),
            &inputs.sources,
        ));
        out
    };
    let text = args.output.render(&Output {
        command: "update",
        report: &report,
        sources: &inputs.sources,
        human,
        payload: serde_json::to_value(&results).ok(),
        deny_warnings: false,
    });
    print_then(&text, exit_status(&report, false))
}
