//! Renderers: a [`Report`](crate::report::Report) turned into the text `swarmproof check`
//! prints, one pure function per `--format` (human, JSON, SARIF, JUnit), plus the text of
//! `swarmproof explain`. They take the `SourceMap` to turn byte spans into file names, lines
//! and columns, and return a `String`; only the CLI writes it anywhere.

mod explain;
mod human;
mod json;
mod junit;
mod sarif;

pub use explain::{render_code_list, render_explain};
pub use human::{render_finding, render_findings, render_human};
pub use json::{render_json, to_json, Envelope, JSON_VERSION};
pub use junit::{render_junit, JunitRun};
pub use sarif::{render_sarif, render_sarif_failure, SarifContext};

use serde::Serialize;

use super::{Diagnostic, Severity, SourceMap, Span};

/// Where a span lies, for the machine formats: 1-based lines and columns (columns count
/// characters), the end being the position just after the span's last character.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
struct Location {
    file: String,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
}

/// The location of a span, or `None` when its file is not in the map.
fn locate(sources: &SourceMap, span: Span) -> Option<Location> {
    let file = sources.get(span.file)?;
    let (line, column) = file.line_col(span.start);
    let (end_line, end_column) = file.line_col(span.end);
    Some(Location {
        file: file.name.clone(),
        line,
        column,
        end_line,
        end_column,
    })
}

/// Counts of findings by severity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
struct Counts {
    errors: usize,
    warnings: usize,
    infos: usize,
}

impl Counts {
    fn of(findings: &[Diagnostic]) -> Self {
        Self::of_severities(&findings.iter().map(|f| f.severity).collect::<Vec<_>>())
    }

    fn of_severities(severities: &[Severity]) -> Self {
        let mut counts = Counts::default();
        for s in severities {
            match s {
                Severity::Error => counts.errors += 1,
                Severity::Warning => counts.warnings += 1,
                Severity::Info => counts.infos += 1,
            }
        }
        counts
    }
}

#[cfg(test)]
mod fixture;
