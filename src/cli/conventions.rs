//! The conventions every subcommand shares: `--color` (and `NO_COLOR`), `--quiet`,
//! `-o/--output FILE`; shell completions and the man page, generated from the clap
//! definitions.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Mutex, OnceLock};

use clap::{Args, CommandFactory, ValueEnum};

#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when writing to a terminal and `NO_COLOR` is unset or empty.
    #[default]
    Auto,
    /// Colour, even into a file or a pipe.
    Always,
    /// No colour.
    Never,
}

#[derive(Args, Debug, Clone, Default)]
pub struct Conventions {
    /// When to colour the output.
    #[arg(long, value_enum, default_value = "auto", global = true)]
    pub color: ColorChoice,
    /// Print less: `-q` only the error findings (`check`), `-qq` nothing (only the exit status).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub quiet: u8,
    /// Write the output to FILE instead of stdout.
    #[arg(short, long, value_name = "FILE", global = true)]
    pub output: Option<PathBuf>,
}

struct State {
    conventions: Conventions,
    /// The output file, once opened (every write of a run goes to it, in order).
    file: Mutex<Option<std::fs::File>>,
}

static STATE: OnceLock<State> = OnceLock::new();

/// Records the run's conventions; `findings_command`: whether the subcommand prints a list of
/// findings that `-q` can shorten (else `-q` prints nothing, as `-qq`).
pub fn init(mut conventions: Conventions, findings_command: bool) {
    if conventions.quiet == 1 && !findings_command {
        conventions.quiet = 2;
    }
    let _ = STATE.set(State {
        conventions,
        file: Mutex::new(None),
    });
}

fn conventions() -> Conventions {
    STATE
        .get()
        .map(|s| s.conventions.clone())
        .unwrap_or_default()
}

/// `-q`: only the error findings.
pub fn errors_only() -> bool {
    conventions().quiet == 1
}

/// `-q` or `-qq`: no progress line either.
pub fn quiet() -> bool {
    conventions().quiet > 0
}

/// Whether to colour what goes to stdout (or the output file).
pub fn color_stdout() -> bool {
    let c = conventions();
    color(
        c.color,
        c.output.is_none() && std::io::stdout().is_terminal(),
    )
}

/// Whether to colour what goes to stderr.
pub fn color_stderr() -> bool {
    color(conventions().color, std::io::stderr().is_terminal())
}

fn color(choice: ColorChoice, terminal: bool) -> bool {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => terminal && !no_color,
    }
}

/// Writes the command's output: to `--output FILE` or stdout, or nowhere under `-qq`.
pub fn write_output(text: &str) -> ExitCode {
    let Some(state) = STATE.get() else {
        return write_to(&mut std::io::stdout().lock(), text);
    };
    if state.conventions.quiet >= 2 {
        return ExitCode::SUCCESS;
    }
    let Some(path) = &state.conventions.output else {
        return write_to(&mut std::io::stdout().lock(), text);
    };
    let mut file = state.file.lock().unwrap_or_else(|e| e.into_inner());
    if file.is_none() {
        match std::fs::File::create(path) {
            Ok(f) => *file = Some(f),
            Err(e) => {
                let _ = writeln!(
                    std::io::stderr(),
                    "error: cannot write {}: {e}",
                    path.display()
                );
                return ExitCode::from(2);
            }
        }
    }
    match file.as_mut().map(|f| f.write_all(text.as_bytes())) {
        Some(Err(e)) => {
            let _ = writeln!(
                std::io::stderr(),
                "error: cannot write {}: {e}",
                path.display()
            );
            ExitCode::from(2)
        }
        _ => ExitCode::SUCCESS,
    }
}

fn write_to(out: &mut impl Write, text: &str) -> ExitCode {
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`| head`) is not a failure of the check.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(_) => ExitCode::from(2),
    }
}

/// `swarmproof completions SHELL`: the completion script, from the clap definitions.
pub fn completions(shell: clap_complete::Shell) -> ExitCode {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut super::Cli::command(), "swarmproof", &mut script);
    write_output(&String::from_utf8_lossy(&script))
}

/// `swarmproof man`: the man page (roff), from the clap definitions.
pub fn man() -> ExitCode {
    let mut page = Vec::new();
    match clap_mangen::Man::new(super::Cli::command()).render(&mut page) {
        Ok(()) => write_output(&String::from_utf8_lossy(&page)),
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "error: {e}");
            ExitCode::from(2)
        }
    }
}
