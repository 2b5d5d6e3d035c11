//! Rendering a report in the requested format.

use std::io::IsTerminal;

use crate::diagnostics::render;
use crate::diagnostics::SourceMap;
use crate::report::Report;

use super::Format;

pub fn render(format: Format, report: &Report, sources: &SourceMap, deny_warnings: bool) -> String {
    match format {
        Format::Human => render::render_human(report, sources, std::io::stdout().is_terminal()),
        Format::Json => render::render_json(report, sources),
        Format::Sarif => render::render_sarif(report, sources),
        Format::Junit => render::render_junit(report, sources, deny_warnings),
    }
}
