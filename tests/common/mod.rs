//! Helpers shared by the integration tests: load inline stack and inventory text.

#![allow(dead_code)]

use swarmproof::check::{load, Loaded};
use swarmproof::diagnostics::{Diagnostic, SourceMap};
use swarmproof::loading::stack::{Env, StackOptions};
use swarmproof::report::Report;

pub struct Loaded2 {
    pub loaded: Loaded,
    pub report: Report,
    pub sources: SourceMap,
}

/// Loads stack files (in order) and an optional inventory given as text.
pub fn load_texts(stacks: &[&str], nodes: Option<&str>, env: &[(&str, &str)]) -> Loaded2 {
    let mut sources = SourceMap::new();
    let files: Vec<_> = stacks
        .iter()
        .enumerate()
        .map(|(i, t)| sources.add(format!("stack{i}.yml"), *t))
        .collect();
    let nodes = nodes.map(|t| sources.add("nodes.yml", t));
    let env: Env = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let options = StackOptions {
        name: "demo".into(),
        env,
        dotenv_beside: false,
        ..Default::default()
    };
    let mut report = Report::default();
    let loaded = load(&sources, &files, nodes, &options, &mut report);
    Loaded2 {
        loaded,
        report,
        sources,
    }
}

pub fn load_one(stack: &str) -> Loaded2 {
    load_texts(&[stack], None, &[])
}

/// `CODE line:col message` for each finding, for compact assertions.
pub fn summary(l: &Loaded2) -> Vec<String> {
    l.report
        .findings
        .iter()
        .map(|d| line(&l.sources, d))
        .collect()
}

pub fn line(sources: &SourceMap, d: &Diagnostic) -> String {
    let at = d
        .primary_span()
        .and_then(|s| sources.line_col(s))
        .map(|(l, c)| format!("{l}:{c}"))
        .unwrap_or_else(|| "-".into());
    format!("{} {} {}", d.code.id, at, d.message)
}

pub fn codes(l: &Loaded2) -> Vec<&'static str> {
    l.report.findings.iter().map(|d| d.code.id).collect()
}

/// Runs a command with a minute's limit; returns (exit status, stdout, stderr).
pub fn outcome(cmd: &mut assert_cmd::Command) -> (i32, String, String) {
    let out = cmd
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
