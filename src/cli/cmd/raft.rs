//! `swarmproof raft`: model-checks Raft as Swarm's managers run it, or a teaching variant.

use std::process::ExitCode;

use crate::cli::args::RaftArgs;
use crate::cli::output::Output;
use crate::cli::progress;
use crate::cli::{exit_status, print_then};
use crate::diagnostics::{render, SourceMap};
use crate::report::Report;

pub fn run(args: &RaftArgs) -> ExitCode {
    let model = match args.model.model() {
        Ok(m) => m,
        Err(e) => return args.output.fail(format!("error: {e}")),
    };
    let bounds = args.bounds.start();
    let options = crate::raft::CheckOptions {
        threads: args.threads.max(1),
        deadline: bounds.deadline,
        max_bytes: bounds.max_memory_bytes.unwrap_or(usize::MAX),
        ..Default::default()
    };
    let mut line = progress::Line::new("raft");
    let (result, diags) =
        crate::raft::check_with_progress(&model, &options, &mut |p| line.update(p));
    drop(line);
    let mut report = Report {
        findings: diags,
        ..Report::default()
    };
    report
        .verdicts
        .insert(crate::checks::RAFT.name().to_string(), result.verdict());
    let human = {
        let mut out = crate::raft::render_check(&result);
        out.push_str(&crate::cli::explorer::raft_links(&result));
        if args.mermaid {
            for trace in result
                .properties
                .iter()
                .filter_map(|p| p.counterexample.as_ref())
            {
                out.push_str(&crate::raft::render_mermaid(&result.model, trace));
                out.push('\n');
            }
        }
        // The table above already shows every counterexample.
        out + "\n"
            + &render::render_human(&super::without_timelines(&report), &SourceMap::new(), false)
    };
    let text = args.output.render(&Output {
        command: "raft",
        report: &report,
        sources: &SourceMap::new(),
        human,
        payload: None,
        deny_warnings: false,
    });
    print_then(&text, exit_status(&report, false))
}
