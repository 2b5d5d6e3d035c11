//! `swarmproof explore`: serves stateright's Explorer on the Raft model or one service's
//! rolling update, until interrupted.

use std::process::ExitCode;

use crate::cli::args::{ExploreCommand, StackFlags};
use crate::cli::{explorer, fail};

pub fn run(cmd: &ExploreCommand) -> ExitCode {
    match cmd {
        ExploreCommand::Raft { model, listen } => {
            let model = match model.model() {
                Ok(m) => m,
                Err(e) => return fail(format!("error: {e}")),
            };
            explorer::serve(model, *listen, "the Raft model")
        }
        ExploreCommand::Update {
            service,
            input,
            placement,
            failures,
            listen,
        } => {
            let flags = StackFlags {
                input: input.clone(),
                placement: placement.clone(),
                bounds: Default::default(),
            };
            let (checked, _) = match super::checked(&flags, None, flags.bounds.start()) {
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
            match crate::rollout::RolloutModel::new(&input, *failures) {
                Ok(model) => explorer::serve(model, *listen, &format!("the update of {service}")),
                Err(e) => fail(format!(
                    "error: the update of this service is not modelled: {e}"
                )),
            }
        }
    }
}
