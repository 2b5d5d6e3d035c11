//! Rendering a report in the requested format.

use crate::diagnostics::render;
use crate::diagnostics::SourceMap;
use crate::report::Report;

use super::Format;

/// `check`'s output. In the human format, `-q` keeps only the error findings, and
/// `show_suppressed` lists the suppressed findings after the report, each with what
/// suppressed it.
pub fn render(
    format: Format,
    report: &Report,
    sources: &SourceMap,
    deny_warnings: bool,
    show_suppressed: bool,
) -> String {
    let color = super::conventions::color_stdout();
    match format {
        Format::Human if super::conventions::errors_only() => {
            let errors: Vec<_> = report
                .findings
                .iter()
                .filter(|d| d.severity == crate::diagnostics::Severity::Error)
                .cloned()
                .collect();
            render::render_findings(&errors, sources, color)
        }
        Format::Human if show_suppressed && !report.suppressed.is_empty() => {
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
        Format::Human => render::render_human(report, sources, color),
        Format::Json => render::render_json(report, sources),
        Format::Sarif => render::render_sarif(report, sources),
        Format::Junit => render::render_junit(report, sources, deny_warnings),
    }
}
