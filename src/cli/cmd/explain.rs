//! `swarmproof explain`: one diagnostic code's explanation, or the list of all of them.

use std::process::ExitCode;

use crate::checks::CATALOG;
use crate::cli::{fail, write_stdout};
use crate::diagnostics::render;

pub fn run(code: Option<&str>) -> ExitCode {
    match code {
        None => write_stdout(&render::render_code_list(&CATALOG)),
        Some(q) => match CATALOG.find(q) {
            Some(c) => write_stdout(&render::render_explain(c)),
            None => fail(format!(
                "error: no diagnostic code {q:?}; `swarmproof explain` lists them"
            )),
        },
    }
}
