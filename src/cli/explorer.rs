//! The Explorer from the command line: serving it (the port is checked here, where I/O is
//! allowed, so that stateright's bind cannot fail) and, after `update` and `raft`, the command
//! that starts it with the URL of each counterexample.

use std::fmt::Write as _;
use std::io::Write as _;
use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitCode;

use crate::modelcheck::explorer::{self, Explain};

/// The address every Explorer listens on unless told otherwise.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:3000";

/// Serves `model`'s Explorer on `addr` until interrupted; `what` names the model.
pub fn serve<M>(model: M, addr: SocketAddr, what: &str) -> ExitCode
where
    M: Explain + Send + Sync + 'static,
    M::State: Clone + std::hash::Hash + PartialEq + Send + Sync,
    M::Action: std::fmt::Debug + Clone + PartialEq + Send + Sync,
{
    if let Err(e) = std::net::TcpListener::bind(addr) {
        let _ = writeln!(std::io::stderr(), "error: cannot listen on {addr}: {e}");
        return ExitCode::from(2);
    }
    if let Err(e) = enter_ui_dir() {
        let _ = writeln!(
            std::io::stderr(),
            "error: cannot prepare the Explorer's page in a temporary directory: {e}"
        );
        return ExitCode::from(2);
    }
    let _ = writeln!(
        std::io::stderr(),
        "Explorer for {what}: http://{addr}/ (Ctrl-C to stop)"
    );
    match explorer::serve(model, addr) {
        Some(()) => ExitCode::SUCCESS,
        None => {
            let _ = writeln!(
                std::io::stderr(),
                "error: the model has too many properties for the Explorer"
            );
            ExitCode::from(2)
        }
    }
}

/// Makes a fresh temporary directory holding `ui/` with the page's replacement files the
/// working directory, where stateright looks for them. The directory outlives the process
/// (the server stops only when the process is killed); it holds only these few kilobytes.
fn enter_ui_dir() -> std::io::Result<()> {
    let dir = std::env::temp_dir().join(format!("swarmproof-explorer-{}", std::process::id()));
    std::fs::create_dir(&dir)?;
    std::fs::create_dir(dir.join("ui"))?;
    for (name, text) in explorer::UI_FILES {
        std::fs::write(dir.join("ui").join(name), text)?;
    }
    std::env::set_current_dir(&dir)
}

/// A word of a command line, quoted for a POSIX shell when it needs to be.
fn shell_word(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@,+".contains(c));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

fn path_word(p: &Path) -> String {
    shell_word(&p.to_string_lossy())
}

/// The lines after a result: the command that starts the Explorer and, per counterexample,
/// its URL. Empty without counterexamples.
fn links(command: &str, paths: &[(&str, Vec<usize>)]) -> String {
    if paths.is_empty() {
        return String::new();
    }
    let mut out =
        format!("  step through it in the Explorer: {command} --listen {DEFAULT_LISTEN}\n");
    for (name, path) in paths {
        let _ = writeln!(
            out,
            "    {name}: {}",
            explorer::path_url(DEFAULT_LISTEN, path)
        );
    }
    out
}

/// After `swarmproof update`: the Explorer of `result`'s service, with the input, placement
/// options and K of this run, and the URL of each counterexample and pause example.
pub fn update_links(
    input: &super::args::InputFlags,
    placement: &super::args::PlacementFlags,
    failures: u8,
    result: &crate::rollout::RolloutResult,
) -> String {
    let mut cmd = format!("swarmproof explore update {}", shell_word(&result.service));
    if let Some(p) = &input.path {
        let _ = write!(cmd, " {}", path_word(p));
    }
    for f in &input.files {
        let _ = write!(cmd, " -f {}", path_word(f));
    }
    if let Some(n) = &input.nodes {
        let _ = write!(cmd, " --nodes {}", path_word(n));
    }
    if let Some(e) = &input.env_file {
        let _ = write!(cmd, " --env-file {}", path_word(e));
    }
    if let Some(s) = &input.stack_name {
        let _ = write!(cmd, " --stack-name {}", shell_word(s));
    }
    match &placement.tolerate {
        Some(super::args::Tolerate::Nodes(n)) => {
            let _ = write!(cmd, " --tolerate {n}");
        }
        Some(super::args::Tolerate::Domain) => cmd.push_str(" --tolerate zone"),
        None => {}
    }
    if let Some(l) = &placement.domain_label {
        let _ = write!(cmd, " --domain-label {}", shell_word(l));
    }
    let _ = write!(cmd, " -k {failures}");
    let counterexamples = result
        .properties
        .iter()
        .filter_map(|p| p.counterexample.as_ref())
        .chain(&result.pause);
    let paths: Vec<(&str, Vec<usize>)> = counterexamples
        .filter_map(|c| {
            let path: Option<Vec<usize>> = c.path.split('/').map(|i| i.parse().ok()).collect();
            Some((c.property, path?))
        })
        .collect();
    links(&cmd, &paths)
}

/// After `swarmproof raft`: the Explorer of the same model and the URL of each counterexample.
pub fn raft_links(check: &crate::raft::RaftCheck) -> String {
    let m = &check.model;
    let mut cmd = format!("swarmproof explore raft --managers {}", m.managers);
    if let Some(v) = m.variant {
        let _ = write!(cmd, " --variant {v}");
    }
    let _ = write!(
        cmd,
        " --max-term {} --max-log {} --max-crashes {}",
        m.bounds.max_term, m.bounds.max_log, m.bounds.max_crashes
    );
    let paths: Vec<(&str, Vec<usize>)> = check
        .properties
        .iter()
        .filter_map(|p| {
            let trace = p.counterexample.as_ref()?;
            Some((p.name, explorer::path_of(m, &trace.init, &trace.actions())?))
        })
        .collect();
    links(&cmd, &paths)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_quoted_only_when_a_shell_needs_it() {
        assert_eq!(shell_word("models/web"), "models/web");
        assert_eq!(shell_word("my stack.yml"), "'my stack.yml'");
        assert_eq!(shell_word("it's"), r"'it'\''s'");
        assert_eq!(shell_word(""), "''");
    }

    #[test]
    fn links_name_the_command_and_each_path() {
        assert_eq!(links("swarmproof explore raft", &[]), "");
        let text = links(
            "swarmproof explore raft",
            &[("election-safety", vec![0, 3, 1])],
        );
        assert_eq!(
            text,
            "  step through it in the Explorer: swarmproof explore raft --listen 127.0.0.1:3000\n    \
             election-safety: http://127.0.0.1:3000/#/steps/0/3/1\n"
        );
    }
}
