//! SARIF 2.1.0 (`--format sarif`) for GitHub code scanning and other SARIF viewers. Written by
//! hand, as cargo-deny does, with only the parts GitHub reads: one run whose driver lists every
//! code as a rule, and one result per finding with its level, message and location.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{locate, Location};
use crate::diagnostics::{codes, Code, Diagnostic, Severity, SourceMap, Span};
use crate::report::{Report, Verdict};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    /// Our columns count characters, not SARIF's default UTF-16 code units.
    column_kind: &'static str,
    results: Vec<SarifResult>,
    properties: RunProperties<'a>,
}

#[derive(Serialize)]
struct RunProperties<'a> {
    verdicts: &'a BTreeMap<String, Verdict>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: &'static str,
    name: &'static str,
    short_description: Text,
    full_description: Text,
    help: Text,
}

#[derive(PartialEq, Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<SarifLocation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<SarifLocation>,
}

#[derive(PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation {
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text>,
}

#[derive(PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    /// Absent for a finding with no location: the whole file, not a made-up `1:1`.
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(PartialEq, Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

/// Renders the report as a SARIF 2.1.0 log (pretty-printed, ending with a newline).
///
/// GitHub rejects results without a location, so a finding that points nowhere (a default, a
/// fact about the whole stack) is given the first input file as a whole, with no region: a
/// `1:1` would claim a line the finding is not about.
pub fn render_sarif(report: &Report, sources: &SourceMap) -> String {
    let rules = rule_codes(&report.findings);
    let fallback = sources.files().next().map(|(_, f)| f.name.clone());
    let results = report
        .findings
        .iter()
        .map(|f| result(f, &rules, sources, fallback.as_deref()))
        .collect();
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "swarmproof",
                    version: env!("CARGO_PKG_VERSION"),
                    rules: rules.iter().map(|c| rule(c)).collect(),
                },
            },
            column_kind: "unicodeCodePoints",
            results,
            properties: RunProperties {
                verdicts: &report.verdicts,
            },
        }],
    };
    // Serializing plain structs and maps with string keys cannot fail.
    let mut text = serde_json::to_string_pretty(&log).unwrap_or_default();
    text.push('\n');
    text
}

/// Every registered code, then any code a finding uses that the registry lacks.
fn rule_codes(findings: &[Diagnostic]) -> Vec<&'static Code> {
    let mut rules = codes::all();
    for f in findings {
        if !rules.iter().any(|c| c.id == f.code.id) {
            rules.push(f.code);
        }
    }
    rules
}

fn rule(code: &'static Code) -> Rule {
    Rule {
        id: code.id,
        name: code.name,
        short_description: Text {
            text: code.summary.to_string(),
        },
        full_description: Text {
            text: code.explanation.to_string(),
        },
        help: Text {
            text: format!("Run `swarmproof explain {}` for details.", code.id),
        },
    }
}

fn result(
    d: &Diagnostic,
    rules: &[&'static Code],
    sources: &SourceMap,
    fallback: Option<&str>,
) -> SarifResult {
    let mut message = d.message.clone();
    if let Some(service) = &d.service {
        message.push_str(&format!(" (service `{service}`)"));
    }
    for note in &d.notes {
        message.push_str(&format!("\nnote: {note}"));
    }
    if let Some(help) = &d.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    // SARIF requires the related locations to be distinct.
    let mut related: Vec<SarifLocation> = Vec::new();
    for label in d.labels.iter().filter(|l| Some(l.span) != d.primary_span()) {
        if let Some(loc) = location(sources, label.span, Some(&label.message)) {
            if !related.contains(&loc) {
                related.push(loc);
            }
        }
    }
    let primary_message = d.labels.iter().find(|l| Some(l.span) == d.primary_span());
    let whole_file = |name: &str| SarifLocation {
        physical_location: PhysicalLocation {
            artifact_location: ArtifactLocation {
                uri: file_uri(name),
            },
            region: None,
        },
        message: None,
    };
    SarifResult {
        rule_id: d.code.id,
        rule_index: rules.iter().position(|c| c.id == d.code.id).unwrap_or(0),
        level: match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "note",
        },
        message: Text { text: message },
        locations: match d.primary_span() {
            Some(s) => location(sources, s, primary_message.map(|l| l.message.as_str())),
            None => fallback.map(whole_file),
        }
        .into_iter()
        .collect(),
        related_locations: related,
    }
}

fn location(sources: &SourceMap, span: Span, message: Option<&str>) -> Option<SarifLocation> {
    let Location {
        file,
        line,
        column,
        end_line,
        end_column,
    } = locate(sources, span)?;
    Some(SarifLocation {
        physical_location: PhysicalLocation {
            artifact_location: ArtifactLocation {
                uri: file_uri(&file),
            },
            region: Some(Region {
                start_line: line,
                start_column: column,
                end_line,
                end_column,
            }),
        },
        message: message.filter(|m| !m.is_empty()).map(|m| Text {
            text: m.to_string(),
        }),
    })
}

/// A file name as a URI reference: relative names stay relative (GitHub resolves them against
/// the repository root), absolute ones become `file://` URIs; other than `/`, every byte that
/// is not unreserved is percent-encoded.
fn file_uri(name: &str) -> String {
    let path = name.replace('\\', "/");
    let mut uri = String::new();
    if path.starts_with('/') {
        uri.push_str("file://");
    }
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            uri.push(char::from(b));
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::render::fixture;
    use serde_json::Value;

    fn sarif() -> Value {
        let (report, sources) = fixture::report();
        serde_json::from_str(&render_sarif(&report, &sources)).expect("SARIF is JSON")
    }

    #[test]
    fn has_the_fields_github_requires() {
        let log = sarif();
        assert_eq!(log["version"], "2.1.0");
        assert!(log["$schema"]
            .as_str()
            .is_some_and(|s| s.contains("sarif-2.1.0")));
        let run = &log["runs"][0];
        let driver = &run["tool"]["driver"];
        assert_eq!(driver["name"], "swarmproof");
        assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
        let rules = driver["rules"].as_array().cloned().unwrap_or_default();
        for rule in &rules {
            for key in ["id", "name", "shortDescription", "fullDescription"] {
                assert!(!rule[key].is_null(), "rule lacks {key}: {rule}");
            }
        }
        let results = run["results"].as_array().cloned().unwrap_or_default();
        assert_eq!(results.len(), 3);
        for r in &results {
            let index = r["ruleIndex"].as_u64().unwrap_or(u64::MAX) as usize;
            assert_eq!(rules.get(index).map(|rule| &rule["id"]), Some(&r["ruleId"]));
            assert!(["error", "warning", "note"].contains(&r["level"].as_str().unwrap_or("")));
            assert!(r["message"]["text"].as_str().is_some_and(|t| !t.is_empty()));
            // A region when the finding has a location; the whole file otherwise.
            let region = &r["locations"][0]["physicalLocation"]["region"];
            if !region.is_null() {
                for key in ["startLine", "startColumn", "endLine", "endColumn"] {
                    assert!(region[key].as_u64().is_some_and(|n| n >= 1), "{key} in {r}");
                }
            }
            assert!(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].is_string());
        }
        assert_eq!(run["columnKind"], "unicodeCodePoints");
    }

    #[test]
    fn results_snapshot() {
        let mut results = sarif()["runs"][0]["results"].clone();
        // Rule indexes move as checks register codes; `has_the_fields_github_requires` checks
        // that each one points at its rule.
        for r in results.as_array_mut().into_iter().flatten() {
            r.as_object_mut().map(|o| o.remove("ruleIndex"));
        }
        insta::assert_snapshot!(serde_json::to_string_pretty(&results).unwrap_or_default(), @r#"
            [
              {
                "level": "error",
                "locations": [
                  {
                    "message": {
                      "text": "0.0001 CPU"
                    },
                    "physicalLocation": {
                      "artifactLocation": {
                        "uri": "stack.yml"
                      },
                      "region": {
                        "endColumn": 25,
                        "endLine": 7,
                        "startColumn": 17,
                        "startLine": 7
                      }
                    }
                  }
                ],
                "message": {
                  "text": "invalid cpu value 0.0001: Must be at least 0.001 (service `web`)\nhelp: reserve at least 0.001 CPU, or none"
                },
                "ruleId": "SP0190"
              },
              {
                "level": "warning",
                "locations": [
                  {
                    "message": {
                      "text": "swarmkit rejects this expression"
                    },
                    "physicalLocation": {
                      "artifactLocation": {
                        "uri": "override.yml"
                      },
                      "region": {
                        "endColumn": 72,
                        "endLine": 5,
                        "startColumn": 51,
                        "startLine": 5
                      }
                    }
                  }
                ],
                "message": {
                  "text": "constraint `node.role = manager` has a single `=` (service `web`)\nnote: swarmkit accepts only `==` and `!=`"
                },
                "relatedLocations": [
                  {
                    "message": {
                      "text": "service defined here"
                    },
                    "physicalLocation": {
                      "artifactLocation": {
                        "uri": "stack.yml"
                      },
                      "region": {
                        "endColumn": 6,
                        "endLine": 2,
                        "startColumn": 3,
                        "startLine": 2
                      }
                    }
                  }
                ],
                "ruleId": "SP0290"
              },
              {
                "level": "note",
                "locations": [
                  {
                    "physicalLocation": {
                      "artifactLocation": {
                        "uri": "stack.yml"
                      }
                    }
                  }
                ],
                "message": {
                  "text": "`depends_on` is ignored by docker stack deploy (service `db`)"
                },
                "ruleId": "SP5090"
              }
            ]
            "#);
    }

    #[test]
    fn unregistered_codes_still_get_a_rule() {
        let log = sarif();
        let ids: Vec<&str> = log["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .map(|rules| rules.iter().filter_map(|r| r["id"].as_str()).collect())
            .unwrap_or_default();
        for code in fixture::ALL {
            assert!(ids.contains(&code.id), "{}", code.id);
        }
        assert!(ids.contains(&"SP0001"));
    }

    #[test]
    fn related_locations_are_distinct() {
        let (mut report, sources) = fixture::report();
        let again = report.findings[1].labels[1].clone();
        report.findings[1].labels.push(again);
        let log: Value =
            serde_json::from_str(&render_sarif(&report, &sources)).expect("SARIF is JSON");
        let related = &log["runs"][0]["results"][1]["relatedLocations"];
        assert_eq!(related.as_array().map(Vec::len), Some(1));
    }

    #[test]
    fn file_names_become_uri_references() {
        assert_eq!(
            file_uri("models/ha web/stack.yml"),
            "models/ha%20web/stack.yml"
        );
        assert_eq!(file_uri("/srv/a.yml"), "file:///srv/a.yml");
        assert_eq!(file_uri("dir\\é.yml"), "dir/%C3%A9.yml");
    }
}
