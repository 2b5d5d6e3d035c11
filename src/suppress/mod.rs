//! Suppressing findings, as data: what the user wrote (comments, `x-swarmproof` ignores, the
//! configuration file, a baseline) is parsed into [`Suppression`]s and [`SeverityOverride`]s,
//! and [`apply`] turns a report into the one the user asked for: overridden severities,
//! suppressed findings moved aside with who suppressed them, unused suppressions reported.
//! Nothing here reads a file; the CLI finds and reads them.

pub mod baseline;
pub mod codes;
pub mod comments;
pub mod config;
pub mod fingerprint;

use std::collections::BTreeSet;

use crate::checks::check_of;
use crate::diagnostics::{Code, Diagnostic, FileId, Severity, SourceMap, Span};
use crate::model::Stack;
use crate::report::{Report, Status, Suppressed};

pub use baseline::Baseline;
pub use config::{Config, Defaults};

/// Which findings a suppression covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Findings whose primary span starts on lines `first..end` (0-based) of `file`.
    Lines {
        file: FileId,
        first: usize,
        end: usize,
    },
    /// Findings about one service.
    Service(String),
    /// Every finding.
    Stack,
    /// Findings in one of `files` (compared by trailing path components; empty: any) and
    /// about one of `services` (empty: any).
    Filter {
        files: Vec<String>,
        services: Vec<String>,
    },
}

/// Where a suppression was written, for the record of what it suppressed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Via {
    Comment,
    StackExtension,
    ServiceExtension,
    Config,
}

/// One code suppressed in one scope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppression {
    pub code: &'static Code,
    pub scope: Scope,
    pub reason: Option<String>,
    pub via: Via,
    /// Where the code is written (for an unused suppression's report).
    pub span: Option<Span>,
}

/// A severity the configuration file sets for every finding of a code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeverityOverride {
    pub code: &'static Code,
    pub severity: Severity,
}

/// Everything that changes which findings a run reports.
#[derive(Clone, Debug, Default)]
pub struct Suppressions {
    pub list: Vec<Suppression>,
    pub severities: Vec<SeverityOverride>,
    pub baseline: Option<Baseline>,
}

/// Parses a comma- or blank-separated list of codes (ids or names) written at byte `at` of
/// `file`: the codes with their spans, and a diagnostic for each unknown one (`whole`: where
/// to point when the list is empty).
pub(crate) fn parse_codes(
    file: FileId,
    list: &str,
    at: usize,
    whole: Span,
) -> (Vec<(&'static Code, Span)>, Vec<Diagnostic>) {
    let mut found = Vec::new();
    let mut bad = Vec::new();
    let mut offset = 0;
    for word in list.split_inclusive([',', ' ', '\t']) {
        let start = at + offset;
        offset += word.len();
        let token = word.trim_end_matches([',', ' ', '\t']);
        if token.is_empty() {
            continue;
        }
        let span = Span::new(file, start, start + token.len());
        if let Some(code) = code_named(token, Some(span), &mut bad) {
            found.push((code, span));
        }
    }
    if found.is_empty() && bad.is_empty() {
        bad.push(
            Diagnostic::warning(
                &codes::INVALID_SUPPRESSION,
                "this suppression names no code",
            )
            .with_primary(Some(whole), "no code")
            .with_help("write the codes to ignore: `# swarmproof-ignore SP3002 -- reason`"),
        );
    }
    (found, bad)
}

/// A code by id or name, or the diagnostic saying it is unknown.
fn code_named(token: &str, span: Option<Span>, bad: &mut Vec<Diagnostic>) -> Option<&'static Code> {
    let found = crate::checks::CATALOG.find(token);
    if found.is_none() {
        bad.push(
            Diagnostic::warning(
                &codes::INVALID_SUPPRESSION,
                format!("unknown code {token} in a suppression"),
            )
            .with_primary(span, "no such code")
            .with_help("`swarmproof explain` lists the codes"),
        );
    }
    found
}

/// The suppressions of the stack's `x-swarmproof: {ignore: [...]}`, at the top level and in
/// each service.
pub fn from_stack(stack: &Stack) -> (Vec<Suppression>, Vec<Diagnostic>) {
    let mut out = Vec::new();
    let mut bad = Vec::new();
    let scopes = std::iter::once((
        Scope::Stack,
        Via::StackExtension,
        &stack.requirements.ignore,
    ))
    .chain(stack.services.iter().map(|s| {
        (
            Scope::Service(s.name.clone()),
            Via::ServiceExtension,
            &s.requirements.ignore,
        )
    }));
    for (scope, via, ignore) in scopes {
        for entry in ignore {
            if let Some(code) = code_named(&entry.value, entry.span, &mut bad) {
                out.push(Suppression {
                    code,
                    scope: scope.clone(),
                    reason: None,
                    via: via.clone(),
                    span: entry.span,
                });
            }
        }
    }
    (out, bad)
}

/// Whether `name` (a file as the user named it) is `pattern` or ends with its path components.
fn file_matches(name: &str, pattern: &str) -> bool {
    let parts = |p: &str| -> Vec<String> {
        p.split(['/', '\\'])
            .filter(|c| !c.is_empty() && *c != ".")
            .map(str::to_string)
            .collect()
    };
    let (name, pattern) = (parts(name), parts(pattern));
    !pattern.is_empty() && name.ends_with(&pattern)
}

impl Suppression {
    fn covers(&self, d: &Diagnostic, sources: &SourceMap) -> bool {
        if d.code.id != self.code.id {
            return false;
        }
        match &self.scope {
            Scope::Stack => true,
            Scope::Service(name) => d.service.as_deref() == Some(name),
            Scope::Lines { file, first, end } => d.primary_span().is_some_and(|span| {
                span.file == *file
                    && sources
                        .get(*file)
                        .map(|f| f.line_index(span.start))
                        .is_some_and(|line| (*first..*end).contains(&line))
            }),
            Scope::Filter { files, services } => {
                let file_ok = files.is_empty()
                    || d.primary_span()
                        .and_then(|s| sources.get(s.file))
                        .is_some_and(|f| files.iter().any(|p| file_matches(&f.name, p)));
                let service_ok =
                    services.is_empty() || d.service.as_ref().is_some_and(|s| services.contains(s));
                file_ok && service_ok
            }
        }
    }

    /// Says who suppressed a finding: "comment at stack.yml:12".
    fn describe(&self, sources: &SourceMap) -> String {
        let at = self
            .span
            .and_then(|s| Some((sources.get(s.file)?.name.clone(), sources.line_col(s)?.0)))
            .map(|(file, line)| format!(" at {file}:{line}"))
            .unwrap_or_default();
        let what = match (&self.via, &self.scope) {
            (Via::Comment, _) => "comment".to_string(),
            (Via::StackExtension, _) => "x-swarmproof of the stack".to_string(),
            (_, Scope::Service(name)) => format!("x-swarmproof of service {name}"),
            (_, _) => "configuration".to_string(),
        };
        format!("{what}{at}")
    }
}

/// The report as the user asked for it: severities overridden, suppressed findings moved to
/// `report.suppressed` (by the first suppression that covers them, then by the baseline), an
/// `unused-suppression` warning for each suppression that covered nothing although its check
/// ran to a conclusion, and `report.accepted` naming the violated checks whose every error is
/// suppressed or downgraded (they no longer fail the run).
pub fn apply(mut report: Report, sources: &SourceMap, s: &Suppressions) -> Report {
    let mut had_errors = BTreeSet::new();
    for d in &mut report.findings {
        if d.severity == Severity::Error {
            had_errors.insert(check_of(d.code));
        }
        if let Some(o) = s.severities.iter().find(|o| o.code.id == d.code.id) {
            d.severity = o.severity;
        }
    }
    let mut used = vec![false; s.list.len()];
    let mut remaining = Vec::new();
    for d in std::mem::take(&mut report.findings) {
        match s.list.iter().position(|x| x.covers(&d, sources)) {
            Some(i) => {
                used[i] = true;
                report.suppressed.push(Suppressed {
                    by: s.list[i].describe(sources),
                    reason: s.list[i].reason.clone(),
                    finding: d,
                });
            }
            None => remaining.push(d),
        }
    }
    report.findings = remaining;
    let concluded = |code: &Code| {
        report
            .verdicts
            .get(check_of(code))
            .is_some_and(|v| matches!(v.status, Status::Holds | Status::Violated))
    };
    let unused: Vec<Diagnostic> = s
        .list
        .iter()
        .zip(&used)
        .filter(|(x, used)| !**used && concluded(x.code))
        .map(|(x, _)| unused_report(x))
        .collect();
    report.findings.extend(unused);
    // The baseline takes what the other suppressions leave, unused ones included.
    if let Some(baseline) = &s.baseline {
        let (kept, known) = baseline.split(std::mem::take(&mut report.findings), sources);
        report.findings = kept;
        report
            .suppressed
            .extend(known.into_iter().map(|finding| Suppressed {
                finding,
                by: "baseline".to_string(),
                reason: None,
            }));
    }
    let erring: BTreeSet<&str> = report
        .findings
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| check_of(d.code))
        .collect();
    report.accepted = had_errors
        .into_iter()
        .filter(|c| !erring.contains(c))
        .filter(|c| {
            report
                .verdicts
                .get(*c)
                .is_some_and(|v| v.status == Status::Violated)
        })
        .map(str::to_string)
        .collect();
    report
}

fn unused_report(x: &Suppression) -> Diagnostic {
    let scope = match &x.scope {
        Scope::Lines { .. } => "in the lines this comment covers".to_string(),
        Scope::Service(name) => format!("about service {name}"),
        Scope::Stack => "in the stack".to_string(),
        Scope::Filter { .. } => "in its files and services".to_string(),
    };
    let d = Diagnostic::warning(
        &codes::UNUSED_SUPPRESSION,
        format!(
            "the suppression of {} matches no finding {scope}",
            x.code.id
        ),
    )
    .with_primary(x.span, "suppresses nothing")
    .with_help("delete it, or correct its code or its place");
    match &x.scope {
        Scope::Service(name) => d.with_service(name),
        _ => d,
    }
}

#[cfg(test)]
mod tests;
