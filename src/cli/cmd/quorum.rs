//! `swarmproof quorum`: the managers' quorum of an inventory, with what-ifs.

use std::process::ExitCode;

use crate::cli::args::QuorumArgs;
use crate::cli::input;
use crate::cli::output::{self, Output};
use crate::cli::{exit_status, print_then};
use crate::raft::WhatIf;
use crate::report::Report;

pub fn run(args: &QuorumArgs) -> ExitCode {
    let read = match &args.nodes {
        Some(path) => input::read_inventory(path).map_err(|e| format!("error: {}", e.0.message)),
        None => {
            let mut sources = crate::diagnostics::SourceMap::new();
            crate::cli::live::add_inventory(&mut sources)
                .map(|id| (sources, id))
                .map_err(|e| e.0)
        }
    };
    let (sources, id) = match read {
        Ok(i) => i,
        Err(e) => return args.output.fail(e),
    };
    let (cluster, mut diags) = crate::loading::inventory::load_inventory(&sources, id);
    let changes: Vec<WhatIf> = (args.promote.iter().cloned().map(WhatIf::Promote))
        .chain(args.demote.iter().cloned().map(WhatIf::Demote))
        .chain(args.remove.iter().cloned().map(WhatIf::Remove))
        .collect();
    let (analysis, quorum_diags) = crate::raft::analyze(&cluster, &changes);
    diags.extend(quorum_diags);
    let mut report = Report {
        findings: diags,
        ..Report::default()
    };
    report.verdicts.insert(
        crate::checks::QUORUM.name().to_string(),
        crate::raft::quorum_verdict(&analysis),
    );
    report.sort_findings(&sources);
    let text = args.output.render(&Output {
        command: "quorum",
        report: &report,
        sources: &sources,
        human: crate::raft::render_quorum(&analysis) + "\n" + &output::human(&report, &sources),
        payload: None,
        deny_warnings: false,
    });
    // An unsafe analysis is a violated verdict, so the common rule covers it.
    print_then(&text, exit_status(&report, false))
}
