//! Reading what suppresses findings: the configuration file (`.swarmproof.yml`, found upwards
//! from the stack file's folder, or `--config FILE`), the baseline (`--baseline FILE`,
//! written with `--write-baseline FILE`), and the comments of the stack files; the library
//! (`crate::suppress`) applies them.

use std::path::{Path, PathBuf};

use clap::Args;

use crate::diagnostics::{Diagnostic, SourceMap};
use crate::report::Report;
use crate::suppress::{self, Baseline, Config, Defaults, Suppressions};

use super::args::InputFlags;
use super::Inputs;

const CONFIG_NAMES: &[&str] = &[".swarmproof.yml", ".swarmproof.yaml"];

#[derive(Args, Debug, Clone, Default)]
pub struct SuppressFlags {
    /// The configuration file (ignores, severities, default flags); default: the nearest
    /// .swarmproof.yml from the stack file's folder upwards, up to the repository's root.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Read no configuration file.
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,
    /// Report only findings that are not in this baseline (written by --write-baseline).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Write the current findings to FILE as a baseline, and exit 0.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// List the suppressed findings, with what suppressed them.
    #[arg(long)]
    pub show_suppressed: bool,
}

/// The configuration as read before the run: its path, text and defaults.
pub struct Setup {
    config: Option<(PathBuf, String)>,
    pub defaults: Defaults,
    /// The input flags with the configuration's defaults filled in.
    pub input: InputFlags,
}

/// The error line of a run that cannot go on; the command prints it (and, in SARIF, a log).
fn fail(message: String) -> String {
    message
}

/// The folder the configuration is searched from: the stack's folder.
fn stack_dir(input: &InputFlags) -> PathBuf {
    let first = input.path.as_ref().or(input.files.first());
    let dir = match first {
        Some(p) if p.is_dir() => p.clone(),
        Some(p) => p.parent().map(Path::to_path_buf).unwrap_or_default(),
        None => PathBuf::new(),
    };
    if dir.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        dir
    }
}

/// The nearest configuration file from `dir` upwards; the search stops at a folder holding
/// `.git` (the repository's root) or at the file system's root.
pub fn find_config(dir: &Path) -> Option<PathBuf> {
    let start = dir.canonicalize().ok()?;
    for d in start.ancestors() {
        if let Some(found) = CONFIG_NAMES.iter().map(|n| d.join(n)).find(|p| p.is_file()) {
            // Shown relative to the working folder when it lies below it.
            let cwd = std::env::current_dir()
                .ok()
                .and_then(|c| c.canonicalize().ok());
            return Some(
                match cwd.and_then(|c| found.strip_prefix(c).ok().map(Path::to_path_buf)) {
                    Some(relative) => relative,
                    None => found,
                },
            );
        }
        if d.join(".git").exists() {
            return None;
        }
    }
    None
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path)
        .map_err(|e| fail(format!("error: cannot read {}: {e}", path.display())))
}

/// A path the configuration names, relative to its folder.
fn relative_to(config: &Path, written: &str) -> PathBuf {
    config.parent().unwrap_or(Path::new(".")).join(written)
}

impl Setup {
    /// Finds and reads the configuration; its defaults fill the flags the command line left unset.
    pub fn new(flags: &SuppressFlags, input: &InputFlags) -> Result<Setup, String> {
        let path = match (&flags.config, flags.no_config) {
            (_, true) => None,
            (Some(p), _) => Some(p.clone()),
            (None, _) => find_config(&stack_dir(input)),
        };
        let config = path.map(|p| read(&p).map(|t| (p, t))).transpose()?;
        let mut setup = Setup {
            defaults: Defaults::default(),
            input: input.clone(),
            config,
        };
        if let Some((path, text)) = &setup.config {
            let mut scratch = SourceMap::new();
            let id = scratch.add(path.display().to_string(), text.clone());
            let (config, _) = parse(&scratch, id)?;
            let d = config.defaults;
            if setup.input.nodes.is_none() {
                setup.input.nodes = d.nodes.as_deref().map(|n| relative_to(path, n));
            }
            if setup.input.env_file.is_none() {
                setup.input.env_file = d.env_file.as_deref().map(|n| relative_to(path, n));
            }
            setup.defaults = Defaults {
                baseline: d
                    .baseline
                    .as_deref()
                    .map(|b| relative_to(path, b).display().to_string()),
                ..d
            };
        }
        Ok(setup)
    }

    /// Applies every suppression to the report. Adds the configuration to `inputs.sources`
    /// (so that its unused ignores can be shown), writes the baseline if asked.
    pub fn apply(
        &self,
        flags: &SuppressFlags,
        report: Report,
        stack: &crate::model::Stack,
        inputs: &mut Inputs,
    ) -> Result<Report, String> {
        let mut s = Suppressions::default();
        let mut invalid: Vec<Diagnostic> = Vec::new();
        for &id in &inputs.stack_files {
            if let Some(file) = inputs.sources.get(id) {
                let (found, bad) = suppress::comments::parse(id, file);
                s.list.extend(found);
                invalid.extend(bad);
            }
        }
        let (found, bad) = suppress::from_stack(stack);
        s.list.extend(found);
        invalid.extend(bad);
        if let Some((path, text)) = &self.config {
            let id = inputs.sources.add(path.display().to_string(), text.clone());
            let (config, bad): (Config, _) = parse(&inputs.sources, id)?;
            s.list.extend(config.suppressions);
            s.severities = config.severities;
            invalid.extend(bad);
        }
        let mut report = report;
        report.findings.extend(invalid);
        if let Some(out) = &flags.write_baseline {
            // The baseline holds what the other suppressions leave.
            let applied = suppress::apply(report.clone(), &inputs.sources, &s);
            let baseline = Baseline::of(&applied.findings, &inputs.sources);
            std::fs::write(out, baseline.to_json())
                .map_err(|e| fail(format!("error: cannot write {}: {e}", out.display())))?;
            let _ = std::io::Write::write_fmt(
                &mut std::io::stderr(),
                format_args!(
                    "wrote {} to {}\n",
                    crate::text::count(baseline.findings.len(), "finding"),
                    out.display()
                ),
            );
        }
        let baseline_path = flags
            .baseline
            .clone()
            .or_else(|| self.defaults.baseline.as_ref().map(PathBuf::from))
            .filter(|_| flags.write_baseline.is_none());
        if let Some(path) = baseline_path {
            let text = read(&path)?;
            s.baseline = Some(Baseline::from_json(&text).map_err(|e| {
                fail(format!(
                    "error: {} is not a swarmproof baseline: {e}",
                    path.display()
                ))
            })?);
        }
        let mut report = suppress::apply(report, &inputs.sources, &s);
        report.sort_findings(&inputs.sources);
        Ok(report)
    }
}

fn parse(
    sources: &SourceMap,
    id: crate::diagnostics::FileId,
) -> Result<(Config, Vec<Diagnostic>), String> {
    let file = sources
        .get(id)
        .ok_or_else(|| fail("error: the configuration vanished".into()))?;
    suppress::config::parse(id, file).map_err(|d| {
        let text = crate::diagnostics::render::render_findings(
            &[*d],
            sources,
            super::conventions::color_stderr(),
        );
        fail(format!(
            "error: the configuration file {} is not valid YAML\n{text}",
            file.name
        ))
    })
}
