//! Rendering a report in the requested format.

use crate::diagnostics::{Code, SourceMap};
use crate::report::Report;

use super::Format;

pub fn render(format: Format, report: &Report, sources: &SourceMap) -> String {
    let _ = format;
    let mut s = String::new();
    for d in &report.findings {
        let loc = d
            .primary_span()
            .and_then(|sp| {
                sources
                    .line_col(sp)
                    .map(|(l, c)| format!("{}:{l}:{c}", sources.name(sp.file)))
            })
            .unwrap_or_default();
        s.push_str(&format!(
            "{}[{}]: {}\n  --> {loc}\n",
            d.severity.as_str(),
            d.code.id,
            d.message
        ));
    }
    s
}

pub fn list_codes() -> String {
    crate::diagnostics::codes::all()
        .iter()
        .map(|c| format!("{}  {:28} {}\n", c.id, c.name, c.summary))
        .collect()
}

pub fn explain(code: &Code) -> String {
    format!(
        "{} ({}): {}\n\n{}\n",
        code.id, code.name, code.summary, code.explanation
    )
}
