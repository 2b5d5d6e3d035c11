//! The JSON format (`--format json`): one object, documented in `docs/json-output.md` and
//! stable: later checks add verdicts, fields and codes, never rename or remove them.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{locate, Counts, Location};
use crate::diagnostics::{Diagnostic, Severity, SourceMap};
use crate::report::{Report, Verdict};

/// The `version` field; bumped only if a field ever has to change meaning.
pub const JSON_VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    findings: Vec<Finding<'a>>,
    verdicts: &'a BTreeMap<String, Verdict>,
    summary: Counts,
    /// Findings the user suppressed, present when there are some.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressed: Vec<SuppressedFinding<'a>>,
}

#[derive(Serialize)]
struct SuppressedFinding<'a> {
    #[serde(flatten)]
    finding: Finding<'a>,
    suppressed_by: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
}

#[derive(Serialize)]
struct Finding<'a> {
    code: &'static str,
    name: &'static str,
    severity: Severity,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    service: Option<&'a str>,
    /// The primary span's place, flattened into the finding.
    #[serde(flatten)]
    location: Option<Location>,
    labels: Vec<JsonLabel<'a>>,
    notes: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    #[serde(flatten)]
    location: Location,
    message: &'a str,
    primary: bool,
}

/// The report as a JSON value (for callers that embed or inspect it; its objects' keys are
/// sorted, where `render_json` keeps the documented order).
pub fn to_json(report: &Report, sources: &SourceMap) -> serde_json::Value {
    serde_json::to_value(document(report, sources)).unwrap_or_default()
}

/// The report as pretty-printed JSON, ending with a newline.
pub fn render_json(report: &Report, sources: &SourceMap) -> String {
    // Serializing plain structs and maps with string keys cannot fail.
    let mut text = serde_json::to_string_pretty(&document(report, sources)).unwrap_or_default();
    text.push('\n');
    text
}

fn document<'a>(report: &'a Report, sources: &SourceMap) -> Document<'a> {
    Document {
        version: JSON_VERSION,
        findings: report
            .findings
            .iter()
            .map(|f| finding(f, sources))
            .collect(),
        verdicts: &report.verdicts,
        summary: Counts::of(&report.findings),
        suppressed: report
            .suppressed
            .iter()
            .map(|s| SuppressedFinding {
                finding: finding(&s.finding, sources),
                suppressed_by: &s.by,
                reason: s.reason.as_deref(),
            })
            .collect(),
    }
}

fn finding<'a>(d: &'a Diagnostic, sources: &SourceMap) -> Finding<'a> {
    Finding {
        code: d.code.id,
        name: d.code.name,
        severity: d.severity,
        message: &d.message,
        service: d.service.as_deref(),
        location: d.primary_span().and_then(|s| locate(sources, s)),
        labels: d
            .labels
            .iter()
            .filter_map(|l| {
                Some(JsonLabel {
                    location: locate(sources, l.span)?,
                    message: &l.message,
                    primary: l.primary,
                })
            })
            .collect(),
        notes: &d.notes,
        help: d.help.as_deref(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::render::fixture;

    #[test]
    fn renders_one_versioned_object() {
        let (report, sources) = fixture::report();
        insta::assert_snapshot!(render_json(&report, &sources), @r#"
            {
              "version": 1,
              "findings": [
                {
                  "code": "SP0190",
                  "name": "cpu-too-small",
                  "severity": "error",
                  "message": "invalid cpu value 0.0001: Must be at least 0.001",
                  "service": "web",
                  "file": "stack.yml",
                  "line": 7,
                  "column": 17,
                  "end_line": 7,
                  "end_column": 25,
                  "labels": [
                    {
                      "file": "stack.yml",
                      "line": 7,
                      "column": 17,
                      "end_line": 7,
                      "end_column": 25,
                      "message": "0.0001 CPU",
                      "primary": true
                    }
                  ],
                  "notes": [],
                  "help": "reserve at least 0.001 CPU, or none"
                },
                {
                  "code": "SP0290",
                  "name": "single-equals",
                  "severity": "warning",
                  "message": "constraint `node.role = manager` has a single `=`",
                  "service": "web",
                  "file": "override.yml",
                  "line": 5,
                  "column": 51,
                  "end_line": 5,
                  "end_column": 72,
                  "labels": [
                    {
                      "file": "override.yml",
                      "line": 5,
                      "column": 51,
                      "end_line": 5,
                      "end_column": 72,
                      "message": "swarmkit rejects this expression",
                      "primary": true
                    },
                    {
                      "file": "stack.yml",
                      "line": 2,
                      "column": 3,
                      "end_line": 2,
                      "end_column": 6,
                      "message": "service defined here",
                      "primary": false
                    }
                  ],
                  "notes": [
                    "swarmkit accepts only `==` and `!=`"
                  ]
                },
                {
                  "code": "SP5090",
                  "name": "depends-on-ignored",
                  "severity": "info",
                  "message": "`depends_on` is ignored by docker stack deploy",
                  "service": "db",
                  "labels": [],
                  "notes": []
                }
              ],
              "verdicts": {
                "load": {
                  "status": "violated",
                  "summary": "1 value Docker rejects",
                  "details": {
                    "files": 2
                  }
                },
                "placement": {
                  "status": "unknown",
                  "summary": "search stopped at its bound",
                  "details": {
                    "explored": 10
                  }
                }
              },
              "summary": {
                "errors": 1,
                "warnings": 1,
                "infos": 1
              }
            }
            "#);
    }

    #[test]
    fn lines_and_columns_are_one_based_and_count_characters() {
        let (report, sources) = fixture::report();
        let json = to_json(&report, &sources);
        let warning = &json["findings"][1];
        // Line 5 of override.yml; "région" before the span has a two-byte 'é', so the column
        // in characters is one less than the byte offset + 1.
        let line = fixture::OVERRIDE.lines().nth(4).unwrap_or_default();
        let byte_col = line.find("\"node.role").unwrap_or_default() + 1;
        assert_eq!(warning["file"], "override.yml");
        assert_eq!(warning["line"], 5);
        assert_eq!(warning["column"], byte_col - 1);
        assert_eq!(warning["end_line"], 5);
        assert_eq!(
            warning["end_column"],
            byte_col - 1 + "\"node.role = manager\"".len()
        );
        let first = &json["findings"][0];
        assert_eq!(
            (first["line"].as_u64(), first["column"].as_u64()),
            (Some(7), Some(17))
        );
        // The secondary label points into the other file.
        assert_eq!(warning["labels"][1]["file"], "stack.yml");
        assert_eq!(warning["labels"][1]["line"], 2);
        assert_eq!(warning["labels"][1]["column"], 3);
    }

    #[test]
    fn findings_without_a_place_have_no_location_fields() {
        let (report, sources) = fixture::report();
        let json = to_json(&report, &sources);
        let info = json["findings"][2].as_object().cloned().unwrap_or_default();
        for key in ["file", "line", "column", "end_line", "end_column", "help"] {
            assert!(!info.contains_key(key), "{key}");
        }
        assert_eq!(
            json["summary"],
            serde_json::json!({"errors": 1, "warnings": 1, "infos": 1})
        );
        assert_eq!(json["verdicts"]["placement"]["status"], "unknown");
    }
}
