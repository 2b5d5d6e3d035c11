//! One file per subcommand. A command reads its inputs, calls the library and hands the
//! result to the renderer; what they share is here.

pub mod check;
pub mod config;
pub mod diff;
pub mod explain;
pub mod explore;
pub mod graph;
pub mod plan;
pub mod quorum;
pub mod raft;
pub mod simulate;
pub mod update;

use crate::check::{Checked, RunBounds};
use crate::cli::args::StackFlags;
use crate::cli::input::{read_inputs, Inputs};
use crate::diagnostics::Severity;
use crate::report::Report;

/// Reads the inputs and runs the checks: load, placement and graph always, the scheduler
/// exploration and the update model checking only with `rollout` options (`check`); `Err` is
/// the line to print when the tool cannot run.
fn checked(
    flags: &StackFlags,
    rollout: Option<crate::rollout::Options>,
    bounds: RunBounds,
) -> Result<(Checked, Inputs), String> {
    let mut inputs = read_inputs(&flags.input.to_args())
        .map_err(|e| format!("error[{}]: {}", e.0.code.id, e.0.message))?;
    if flags.input.docker {
        inputs.nodes = Some(crate::cli::live::add_inventory(&mut inputs.sources).map_err(|e| e.0)?);
    }
    let mut options = flags.placement.options();
    options.scheduler = rollout.is_some();
    options.rollout = rollout;
    options.bounds = bounds;
    let mut checked = crate::check::run(
        &inputs.sources,
        &inputs.stack_files,
        inputs.nodes,
        &inputs.options,
        &options,
    );
    checked
        .report
        .findings
        .splice(0..0, inputs.diagnostics.iter().cloned());
    // What docker/cli's loader refuses beyond the model's checks (a missing `env_file`, an
    // external volume with a driver, …), unless the same finding already stands at the same place.
    let (config, view_diags) = config::stack_config(&inputs);
    if config.is_none() {
        for d in view_diags {
            let known = checked.report.findings.iter().any(|f| {
                f.severity == Severity::Error
                    && f.code.id == d.code.id
                    && f.primary_span() == d.primary_span()
            });
            if d.severity == Severity::Error && !known {
                checked.report.findings.push(d);
            }
        }
    }
    if let Some(path) = &flags.placement.dump_smt2 {
        let Some(cluster) = &checked.loaded.cluster else {
            return Err("error: --dump-smt2 needs an inventory (--nodes FILE)".to_string());
        };
        let text = crate::placement::dump_smt2(&checked.loaded.stack, cluster);
        std::fs::write(path, text)
            .map_err(|e| format!("error: cannot write {}: {e}", path.display()))?;
    }
    Ok((checked, inputs))
}

/// The report without its findings' timelines, for a text that already shows them.
fn without_timelines(report: &Report) -> Report {
    let mut report = report.clone();
    for d in &mut report.findings {
        d.timeline = None;
    }
    report
}
