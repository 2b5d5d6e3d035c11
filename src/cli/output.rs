//! Writing a command's result in the format asked for: one `--format` vocabulary for every
//! command that reports findings and verdicts, the JSON envelope, SARIF paths relative to the
//! source root, the JUnit run's time and host; and, when a command cannot run, the SARIF log
//! that says so (an upload step still finds a valid log).

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::OnceLock;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use clap::{Args, ValueEnum};

use crate::diagnostics::render::{self, Envelope, JunitRun, SarifContext};
use crate::diagnostics::SourceMap;
use crate::report::Report;

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people: source snippets, tables, timelines.
    #[value(alias = "text")]
    Human,
    /// One object: the envelope of `docs/json-output.md`.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning.
    Sarif,
    /// JUnit XML, for CI test reports.
    Junit,
}

/// The output flags every reporting command shares.
#[derive(Args, Debug, Clone)]
pub struct OutputFlags {
    /// Output format (`text` is accepted for `human`).
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// The folder SARIF paths are relative to (`%SRCROOT%`); default: the current directory.
    /// Files outside it keep absolute `file://` URIs.
    #[arg(long, value_name = "DIR")]
    pub srcroot: Option<PathBuf>,
}

/// What a command has to show, in every format.
pub struct Output<'a> {
    pub command: &'static str,
    pub report: &'a Report,
    pub sources: &'a SourceMap,
    /// The command's own text for the human format.
    pub human: String,
    /// The command's own data for the JSON envelope, beyond its verdicts.
    pub payload: Option<serde_json::Value>,
    pub deny_warnings: bool,
}

impl OutputFlags {
    pub fn render(&self, out: &Output<'_>) -> String {
        match self.format {
            Format::Human => out.human.clone(),
            Format::Json => render::render_json(
                out.report,
                out.sources,
                Envelope {
                    command: out.command,
                    payload: out.payload.as_ref(),
                },
            ),
            Format::Sarif => render::render_sarif(out.report, out.sources, &self.sarif_context()),
            Format::Junit => {
                render::render_junit(out.report, out.sources, out.deny_warnings, &junit_run())
            }
        }
    }

    /// The command could not run: the error on stderr and, in SARIF, a log whose invocation
    /// failed with it on stdout; exit status 2.
    pub fn fail(&self, line: impl std::fmt::Display) -> ExitCode {
        let line = line.to_string();
        let _ = super::fail(&line);
        self.fail_quietly(&line)
    }

    /// Like [`Self::fail`], for an error `line` already printed on stderr.
    pub fn fail_quietly(&self, line: &str) -> ExitCode {
        if self.format == Format::Sarif {
            let _ = super::write_stdout(&render::render_sarif_failure(line, &self.sarif_context()));
        }
        ExitCode::from(2)
    }

    fn sarif_context(&self) -> SarifContext {
        let cwd = std::env::current_dir()
            .map(|d| d.display().to_string())
            .unwrap_or_else(|_| "/".into());
        let srcroot = match &self.srcroot {
            Some(dir) if dir.is_absolute() => dir.display().to_string(),
            Some(dir) => format!("{cwd}/{}", dir.display()),
            None => cwd.clone(),
        };
        SarifContext {
            cwd,
            srcroot,
            catalog: crate::checks::CATALOG,
        }
    }
}

/// The output flags of arguments clap refused, when they ask for SARIF (`--format sarif` or
/// `--format=sarif`, and `--srcroot` if given), so that the refusal is still a SARIF log.
pub fn requested_sarif(args: impl Iterator<Item = String>) -> Option<OutputFlags> {
    let args: Vec<String> = args.collect();
    let value = |flag: &str| {
        args.iter()
            .enumerate()
            .find_map(|(i, a)| match a.strip_prefix(flag) {
                Some("") => args.get(i + 1).cloned(),
                Some(v) => v.strip_prefix('=').map(str::to_string),
                None => None,
            })
    };
    (value("--format").as_deref() == Some("sarif")).then(|| OutputFlags {
        format: Format::Sarif,
        srcroot: value("--srcroot").map(PathBuf::from),
    })
}

/// The human text of a report, coloured as `--color` and `NO_COLOR` say.
pub fn human(report: &Report, sources: &SourceMap) -> String {
    render::render_human(report, sources, super::conventions::color_stdout())
}

/// `check`'s human text: `-q` keeps only the error findings, and `show_suppressed` lists the
/// suppressed findings after the report, each with what suppressed it.
pub fn check_human(report: &Report, sources: &SourceMap, show_suppressed: bool) -> String {
    let color = super::conventions::color_stdout();
    if super::conventions::errors_only() {
        let errors: Vec<_> = report
            .findings
            .iter()
            .filter(|d| d.severity == crate::diagnostics::Severity::Error)
            .cloned()
            .collect();
        return render::render_findings(&errors, sources, color);
    }
    if !show_suppressed || report.suppressed.is_empty() {
        return render::render_human(report, sources, color);
    }
    let listed: Vec<_> = report
        .suppressed
        .iter()
        .map(|s| {
            let why = s
                .reason
                .as_deref()
                .map(|r| format!(": {r}"))
                .unwrap_or_default();
            s.finding
                .clone()
                .with_note(format!("suppressed by {}{why}", s.by))
        })
        .collect();
    render::render_human(report, sources, color)
        + "\nsuppressed findings:\n\n"
        + &render::render_findings(&listed, sources, color)
}

static STARTED: OnceLock<(Instant, SystemTime)> = OnceLock::new();

/// Notes when the run started, for the JUnit report's timestamp and time.
pub fn start_clock() {
    STARTED.get_or_init(|| (Instant::now(), SystemTime::now()));
}

/// The run's start (`SOURCE_DATE_EPOCH` when set, for reproducible reports), host and duration.
fn junit_run() -> JunitRun {
    let (instant, wall) = *STARTED.get_or_init(|| (Instant::now(), SystemTime::now()));
    let started = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or_else(|| wall.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()));
    let hostname = ["/proc/sys/kernel/hostname", "/etc/hostname"]
        .iter()
        .find_map(|p| std::fs::read_to_string(p).ok())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".into());
    JunitRun {
        started,
        hostname,
        seconds: instant.elapsed().as_secs_f64(),
        catalog: crate::checks::CATALOG,
    }
}
