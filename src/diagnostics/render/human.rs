//! The human format: each finding as rustc prints its errors (header with the code, the source
//! snippet with labels, notes, help), through codespan-reporting, then one line per verdict
//! and a summary line with the counts.

use std::io::Write;
use std::ops::Range;

use codespan_reporting::diagnostic::{
    Diagnostic as CsDiagnostic, Label as CsLabel, Severity as CsSeverity,
};
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term::termcolor::{Buffer, Color, ColorSpec, WriteColor};
use codespan_reporting::term::{self, Config};

use super::Counts;
use crate::diagnostics::{Diagnostic, FileId, Severity, SourceMap};
use crate::report::{Report, Status};

/// Renders the report for a terminal; `color` adds ANSI colours (the CLI passes whether
/// stdout is a terminal).
pub fn render_human(report: &Report, sources: &SourceMap, color: bool) -> String {
    let mut out = if color {
        Buffer::ansi()
    } else {
        Buffer::no_color()
    };
    for finding in &report.findings {
        emit(&mut out, finding, sources);
    }
    // Writing to an in-memory buffer cannot fail.
    let _ = write_verdicts(&mut out, report);
    String::from_utf8_lossy(out.as_slice()).into_owned()
}

/// Findings alone, as `render_human` prints them, without verdicts or summary (`check -q`,
/// the list of suppressed findings).
pub fn render_findings(findings: &[Diagnostic], sources: &SourceMap, color: bool) -> String {
    let mut out = if color {
        Buffer::ansi()
    } else {
        Buffer::no_color()
    };
    for finding in findings {
        emit(&mut out, finding, sources);
    }
    String::from_utf8_lossy(out.as_slice()).into_owned()
}

/// One finding as `render_human` prints it, without colour.
pub(super) fn render_finding(finding: &Diagnostic, sources: &SourceMap) -> String {
    let mut out = Buffer::no_color();
    emit(&mut out, finding, sources);
    String::from_utf8_lossy(out.as_slice()).into_owned()
}

fn emit(out: &mut Buffer, finding: &Diagnostic, sources: &SourceMap) {
    // Labels are clamped to their files in `to_codespan`, so codespan finds every line it
    // asks for, and writing to an in-memory buffer cannot fail.
    let _ = term::emit_to_write_style(
        out,
        &Config::default(),
        &CodespanFiles(sources),
        &to_codespan(finding, sources),
    );
}

fn to_codespan(finding: &Diagnostic, sources: &SourceMap) -> CsDiagnostic<FileId> {
    let severity = match finding.severity {
        Severity::Error => CsSeverity::Error,
        Severity::Warning => CsSeverity::Warning,
        Severity::Info => CsSeverity::Note,
    };
    let labels = finding
        .labels
        .iter()
        .filter_map(|label| {
            let range = clamp(sources, label.span.file, label.span.range())?;
            let cs = if label.primary {
                CsLabel::primary(label.span.file, range)
            } else {
                CsLabel::secondary(label.span.file, range)
            };
            Some(cs.with_message(&label.message))
        })
        .collect();
    let mut notes = Vec::new();
    if let Some(service) = &finding.service {
        notes.push(format!("service: {service}"));
    }
    notes.extend(finding.notes.iter().map(|n| format!("note: {n}")));
    if let Some(help) = &finding.help {
        notes.push(format!("help: {help}"));
    }
    CsDiagnostic::new(severity)
        .with_code(finding.code.id)
        .with_message(&finding.message)
        .with_labels(labels)
        .with_notes(notes)
}

/// A span's byte range made safe for codespan: inside the file, on character boundaries and
/// not reversed (spans come from parsers of hostile input).
fn clamp(sources: &SourceMap, file: FileId, range: Range<usize>) -> Option<Range<usize>> {
    let text = &sources.get(file)?.text;
    let fit = |mut i: usize| {
        i = i.min(text.len());
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let start = fit(range.start);
    Some(start..fit(range.end).max(start))
}

fn write_verdicts(out: &mut Buffer, report: &Report) -> std::io::Result<()> {
    let mut statuses = Vec::new();
    for (name, verdict) in &report.verdicts {
        out.set_color(ColorSpec::new().set_bold(true))?;
        write!(out, "{name}")?;
        out.reset()?;
        write!(out, ": ")?;
        out.set_color(
            ColorSpec::new()
                .set_fg(Some(status_color(verdict.status)))
                .set_bold(true),
        )?;
        write!(out, "{}", verdict.status.as_str())?;
        out.reset()?;
        writeln!(out, " — {}", verdict.summary)?;
        let accepted = if report.accepted.contains(name) {
            " (accepted: its errors are suppressed)"
        } else {
            ""
        };
        statuses.push(format!("{name} {}{accepted}", verdict.status.as_str()));
    }
    let counts = Counts::of(&report.findings);
    let mut line = format!(
        "{}, {}, {}",
        crate::text::count(counts.errors, "error"),
        crate::text::count(counts.warnings, "warning"),
        crate::text::count(counts.infos, "info")
    );
    let skipped = report
        .verdicts
        .values()
        .filter(|v| v.status == Status::Skipped)
        .count();
    if !report.suppressed.is_empty() {
        line.push_str(&format!("; {} suppressed", report.suppressed.len()));
    }
    if skipped > 0 {
        line.push_str(&format!(
            "; {} skipped",
            crate::text::count(skipped, "check")
        ));
    }
    if !statuses.is_empty() {
        line.push_str("; ");
        line.push_str(&statuses.join(", "));
    }
    out.set_color(ColorSpec::new().set_bold(true))?;
    write!(out, "summary")?;
    out.reset()?;
    writeln!(out, ": {line}")
}

fn status_color(status: Status) -> Color {
    match status {
        Status::Holds => Color::Green,
        Status::Violated => Color::Red,
        Status::Unknown => Color::Yellow,
        Status::Skipped => Color::Cyan,
    }
}

/// The source map seen through codespan's `Files` trait.
struct CodespanFiles<'a>(&'a SourceMap);

impl<'a> Files<'a> for CodespanFiles<'a> {
    type FileId = FileId;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: FileId) -> Result<&'a str, FilesError> {
        Ok(&self.0.get(id).ok_or(FilesError::FileMissing)?.name)
    }

    fn source(&'a self, id: FileId) -> Result<&'a str, FilesError> {
        Ok(&self.0.get(id).ok_or(FilesError::FileMissing)?.text)
    }

    fn line_index(&'a self, id: FileId, byte_index: usize) -> Result<usize, FilesError> {
        Ok(self
            .0
            .get(id)
            .ok_or(FilesError::FileMissing)?
            .line_index(byte_index))
    }

    fn line_range(&'a self, id: FileId, line_index: usize) -> Result<Range<usize>, FilesError> {
        let file = self.0.get(id).ok_or(FilesError::FileMissing)?;
        if line_index >= file.line_count() {
            return Err(FilesError::LineTooLarge {
                given: line_index,
                max: file.line_count().saturating_sub(1),
            });
        }
        Ok(file.line_start(line_index)..file.line_start(line_index + 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::render::fixture;

    #[test]
    fn renders_snippets_notes_and_summary() {
        let (report, sources) = fixture::report();
        insta::assert_snapshot!(render_human(&report, &sources, false), @r#"
            error[SP0190]: invalid cpu value 0.0001: Must be at least 0.001
              ┌─ stack.yml:7:17
              │
            7 │           cpus: '0.0001'
              │                 ^^^^^^^^ 0.0001 CPU
              │
              = service: web
              = help: reserve at least 0.001 CPU, or none

            warning[SP0290]: constraint `node.role = manager` has a single `=`
              ┌─ override.yml:5:51
              │
            5 │         constraints: ["node.labels.région == eu", "node.role = manager"]
              │                                                   ^^^^^^^^^^^^^^^^^^^^^ swarmkit rejects this expression
              │
              ┌─ stack.yml:2:3
              │
            2 │   web:
              │   --- service defined here
              │
              = service: web
              = note: swarmkit accepts only `==` and `!=`

            note[SP5090]: `depends_on` is ignored by docker stack deploy
             = service: db

            load: violated — 1 value Docker rejects
            placement: unknown — search stopped at its bound
            summary: 1 error, 1 warning, 1 info; load violated, placement unknown
            "#);
    }

    #[test]
    fn colour_only_when_asked() {
        let (report, sources) = fixture::report();
        assert!(!render_human(&report, &sources, false).contains('\u{1b}'));
        assert!(render_human(&report, &sources, true).contains("\u{1b}["));
    }

    #[test]
    fn spans_outside_their_file_do_not_panic() {
        let (mut report, sources) = fixture::report();
        for finding in &mut report.findings {
            for label in &mut finding.labels {
                label.span.start += 10_000;
                label.span.end += 10_001;
            }
        }
        // A reversed span, and one ending inside the two-byte 'é'.
        let e = fixture::OVERRIDE.find('é').unwrap_or_default();
        report.findings[1].labels[0].span.start = e + 5;
        report.findings[1].labels[0].span.end = e + 1;
        let text = render_human(&report, &sources, false);
        assert!(text.contains("error[SP0190]"), "{text}");
        assert!(text.contains("warning[SP0290]"), "{text}");
        assert!(text.contains("override.yml:5:"), "{text}");
    }
}
