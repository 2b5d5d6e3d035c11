//! `swarmproof explain`: one diagnostic code's explanation, or the list of all of them.

use std::process::ExitCode;

use crate::cli::{fail, write_stdout};
use crate::diagnostics::{codes, render};

pub fn run(code: Option<&str>) -> ExitCode {
    match code {
        None => write_stdout(&render::render_code_list()),
        Some(q) => match codes::find(q) {
            Some(c) => write_stdout(&render::render_explain(c)),
            None => fail(format!(
                "error: no diagnostic code {q:?}; `swarmproof explain` lists them"
            )),
        },
    }
}
