//! The command line: parses arguments (`args.rs`), reads input files, runs one command
//! (`cmd/`, one file each) and writes its result. The only module that touches files, the
//! environment, the clock and the terminal.

mod args;
mod cmd;
mod conventions;
mod explorer;
mod input;
mod lab;
pub mod live;
pub mod output;
mod progress;
mod suppressions;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use crate::report::Report;

pub use args::{Cli, Command};
pub use input::{read_inputs, InputArgs, Inputs};
pub use output::{Format, OutputFlags};

/// Runs the CLI on the process arguments; returns the exit status (0 clean, 1 findings, 2 could not run).
pub fn main() -> ExitCode {
    output::start_clock();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            if !e.use_stderr() {
                return ExitCode::SUCCESS;
            }
            // Bad arguments are a run that cannot run: in SARIF too, say so on stdout.
            return match output::requested_sarif(std::env::args()) {
                Some(flags) => flags.fail_quietly(
                    e.to_string()
                        .lines()
                        .next()
                        .unwrap_or("error: invalid arguments"),
                ),
                None => ExitCode::from(2),
            };
        }
    };
    conventions::init(
        cli.conventions.clone(),
        matches!(cli.command, Command::Check(_)),
    );
    match cli.command {
        Command::Check(args) => cmd::check::run(&args),
        Command::Plan(args) => cmd::plan::run(&args),
        Command::Graph(args) => cmd::graph::run(&args),
        Command::Config(args) => cmd::config::run(&args),
        Command::Simulate(args) => cmd::simulate::run(&args),
        Command::Update(args) => cmd::update::run(&args),
        Command::Diff(args) => cmd::diff::run(&args),
        Command::Quorum(args) => cmd::quorum::run(&args),
        Command::Lab(cmd) => lab::run(&cmd),
        Command::Raft(args) => cmd::raft::run(&args),
        Command::Explore(cmd) => cmd::explore::run(&cmd),
        Command::Explain { code } => cmd::explain::run(code.as_deref()),
        Command::Completions { shell } => conventions::completions(shell),
        Command::Man => conventions::man(),
    }
}

/// The most findings a report prints (`Report::bounded`): a broken generated input can have
/// hundreds of thousands.
const MAX_FINDINGS: usize = 1_000;

/// The most text a command prints. Findings are bounded in number, but each human-readable one
/// quotes its source line, which can be megabytes long.
const MAX_OUTPUT_BYTES: usize = 64 << 20;

fn write_stdout(text: &str) -> ExitCode {
    conventions::write_output(&cut_output(text))
}

/// `text` cut at [`MAX_OUTPUT_BYTES`] (on a character boundary), with a line saying so.
fn cut_output(text: &str) -> std::borrow::Cow<'_, str> {
    if text.len() <= MAX_OUTPUT_BYTES {
        return text.into();
    }
    let mut end = MAX_OUTPUT_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!(
        "{}\n[output cut at {} MiB]\n",
        &text[..end],
        MAX_OUTPUT_BYTES >> 20
    )
    .into()
}

/// Prints `text` and ends with `status`, unless printing failed (exit status 2).
fn print_then(text: &str, status: u8) -> ExitCode {
    let written = write_stdout(text);
    if written != ExitCode::SUCCESS {
        return written;
    }
    ExitCode::from(status)
}

/// The tool cannot run: `line` (which says `error…`) on stderr, exit status 2.
fn fail(line: impl std::fmt::Display) -> ExitCode {
    let _ = writeln!(std::io::stderr(), "{line}");
    ExitCode::from(2)
}

/// 1 when the run fails by [`Report::fails`], else 0.
pub fn exit_status(report: &Report, deny_warnings: bool) -> u8 {
    u8::from(report.fails(deny_warnings))
}

/// Ends the process with exit status 2 when the run is still busy 10 % past `--timeout`: a
/// computation that does not poll the deadline (one SMT call, a scheduler run) cannot keep it
/// waiting longer, and nothing unverified is printed.
fn watchdog(secs: u64) {
    let limit = std::time::Duration::from_secs(secs);
    std::thread::spawn(move || {
        std::thread::sleep(limit + limit / 10);
        let _ = writeln!(
            std::io::stderr(),
            "error: stopped at --timeout {secs} (10 % past it, the checks had not finished): nothing was verified"
        );
        std::process::exit(2);
    });
}
