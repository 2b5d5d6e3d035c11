//! `swarmproof explore`: serves stateright's Explorer on the Raft model or one service's
//! rolling update, until interrupted.

use std::io::Write;
use std::process::ExitCode;

use crate::cli::args::ExploreCommand;
use crate::cli::fail;

pub fn run(cmd: &ExploreCommand) -> ExitCode {
    match cmd {
        ExploreCommand::Raft { model, listen } => {
            let model = match model.model() {
                Ok(m) => m,
                Err(e) => return fail(format!("error: {e}")),
            };
            let _ = writeln!(
                std::io::stderr(),
                "Explorer for the Raft model: http://{listen}/ (Ctrl-C to stop)"
            );
            match crate::raft::serve_explorer(model, *listen) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(format!("error: {e}")),
            }
        }
        ExploreCommand::Update {
            service,
            input,
            placement,
            failures,
            listen,
        } => {
            let (checked, _) = match super::checked(input, placement, None, Default::default()) {
                Ok(c) => c,
                Err(e) => return fail(e),
            };
            let found = match checked.rollout_inputs() {
                Ok(inputs) => inputs
                    .into_iter()
                    .find(|i| &i.service.name == service)
                    .ok_or(format!("no service named {service:?}")),
                Err(e) => Err(e.to_string()),
            };
            let input = match found {
                Ok(i) => i,
                Err(e) => return fail(format!("error: {e}")),
            };
            let served = crate::rollout::serve_explorer(&input, *failures, listen, |addr| {
                let _ = writeln!(
                    std::io::stderr(),
                    "Explorer for the update of {service}: http://{addr}/ (Ctrl-C to stop)"
                );
            });
            match served {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(format!("error: {e}")),
            }
        }
    }
}
