//! SARIF 2.1.0 (`--format sarif`) for GitHub code scanning and other SARIF viewers. Written by
//! hand, as cargo-deny does: one run whose driver lists every code as a rule (with its default
//! level and the text of `explain` as help), an invocation saying whether the tool ran, and one
//! result per finding with its level, message, location relative to `%SRCROOT%`, a fingerprint
//! that survives edits elsewhere in the file, and its timeline as a code flow.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::{explain::render_explain, locate, Location};
use crate::diagnostics::{Catalog, Code, Diagnostic, Severity, SourceMap, Span, Timeline};
use crate::report::{Report, Verdict};
use crate::suppress::fingerprint::Fingerprinter;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// The base id of paths under the source root; GitHub code scanning resolves it to the checkout.
const SRCROOT: &str = "SRCROOT";
/// The key of our `partialFingerprints`; bump the suffix if what is hashed ever changes.
const FINGERPRINT: &str = "swarmproof/v1";

/// Where the run happened, for turning file names into URIs.
#[derive(Clone, Debug)]
pub struct SarifContext {
    /// The current directory, absolute: relative file names are resolved against it.
    pub cwd: String,
    /// The source root, absolute: files under it get URIs relative to `%SRCROOT%`, others
    /// absolute `file://` URIs.
    pub srcroot: String,
    /// The codes listed as the tool's rules (`checks::CATALOG`).
    pub catalog: Catalog,
}

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
    invocations: [Invocation; 1],
    original_uri_base_ids: BTreeMap<&'static str, ArtifactLocation>,
    /// Our columns count characters, not SARIF's default UTF-16 code units.
    column_kind: &'static str,
    results: Vec<SarifResult>,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<RunProperties<'a>>,
}

#[derive(Serialize)]
struct RunProperties<'a> {
    verdicts: &'a BTreeMap<String, Verdict>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Text,
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
    help: Help,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<String>,
    default_configuration: Configuration,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Clone, PartialEq, Serialize)]
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
    partial_fingerprints: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    code_flows: Vec<CodeFlow>,
}

#[derive(Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation {
    #[serde(skip_serializing_if = "Option::is_none")]
    physical_location: Option<PhysicalLocation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    logical_locations: Vec<LogicalLocation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text>,
}

#[derive(Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation {
    fully_qualified_name: String,
    kind: &'static str,
}

#[derive(Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    /// Absent for a finding with no location: the whole file, not a made-up `1:1`.
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CodeFlow {
    message: Text,
    thread_flows: [ThreadFlow; 1],
}

#[derive(Serialize)]
struct ThreadFlow {
    locations: Vec<ThreadFlowLocation>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ThreadFlowLocation {
    location: SarifLocation,
    execution_order: usize,
}

/// Renders the report as a SARIF 2.1.0 log of a run that completed (pretty-printed, ending with
/// a newline).
///
/// GitHub rejects results without a location, so a finding that points nowhere (a default, a
/// fact about the whole stack) is given the first input file as a whole, with no region: a
/// `1:1` would claim a line the finding is not about.
pub fn render_sarif(report: &Report, sources: &SourceMap, cx: &SarifContext) -> String {
    let rules = rule_codes(cx.catalog, &report.findings);
    let fallback = sources.files().next().map(|(_, f)| f.name.clone());
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut prints = Fingerprinter::default();
    let results = report
        .findings
        .iter()
        .map(|f| {
            let mut r = result(f, &rules, sources, cx, fallback.as_deref(), &mut prints);
            // Identical findings (same code, place and message) are told apart by their rank.
            if let Some(print) = r.partial_fingerprints.get_mut(FINGERPRINT) {
                let n = seen.entry(print.clone()).or_insert(0);
                *n += 1;
                print.push_str(&format!(":{n}"));
            }
            r
        })
        .collect();
    log(
        cx,
        rules,
        results,
        Invocation {
            execution_successful: true,
            tool_execution_notifications: Vec::new(),
        },
        Some(RunProperties {
            verdicts: &report.verdicts,
        }),
    )
}

/// The SARIF log of a run that could not run (exit status 2): no results, and the error as a
/// tool execution notification, so that an upload step still finds a valid log.
pub fn render_sarif_failure(message: &str, cx: &SarifContext) -> String {
    log(
        cx,
        cx.catalog.all(),
        Vec::new(),
        Invocation {
            execution_successful: false,
            tool_execution_notifications: vec![Notification {
                level: "error",
                message: Text {
                    text: message.to_string(),
                },
            }],
        },
        None,
    )
}

fn log(
    cx: &SarifContext,
    rules: Vec<&'static Code>,
    results: Vec<SarifResult>,
    invocation: Invocation,
    properties: Option<RunProperties<'_>>,
) -> String {
    let root = ArtifactLocation {
        uri: format!("{}/", file_uri(cx.srcroot.trim_end_matches('/'))),
        uri_base_id: None,
    };
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
            invocations: [invocation],
            original_uri_base_ids: BTreeMap::from([(SRCROOT, root)]),
            column_kind: "unicodeCodePoints",
            results,
            properties,
        }],
    };
    // Serializing plain structs and maps with string keys cannot fail.
    let mut text = serde_json::to_string_pretty(&log).unwrap_or_default();
    text.push('\n');
    text
}

/// Every code of the catalog, then any code a finding uses that the catalog lacks.
fn rule_codes(catalog: Catalog, findings: &[Diagnostic]) -> Vec<&'static Code> {
    let mut rules = catalog.all();
    for f in findings {
        if !rules.iter().any(|c| c.id == f.code.id) {
            rules.push(f.code);
        }
    }
    rules
}

/// SARIF's level for a severity.
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn rule(code: &'static Code) -> Rule {
    // A code's most severe level comes first (`error / warning`).
    let default = code.severity.split([' ', '/']).next().unwrap_or("");
    let explained = render_explain(code);
    // Where the docs are published, if the package says (its `repository`).
    let repository = env!("CARGO_PKG_REPOSITORY").trim_end_matches('/');
    Rule {
        id: code.id,
        name: code.name,
        short_description: Text {
            text: code.summary.to_string(),
        },
        full_description: Text {
            text: code.explanation.to_string(),
        },
        help: Help {
            markdown: format!(
                "{}\n\n`swarmproof explain {}` prints this text; docs/findings.md lists every code.",
                code.explanation.trim_end(),
                code.id
            ),
            text: explained,
        },
        help_uri: (!repository.is_empty()).then(|| {
            format!(
                "{repository}/blob/v{}/docs/findings.md#{}",
                env!("CARGO_PKG_VERSION"),
                code.id.to_ascii_lowercase()
            )
        }),
        default_configuration: Configuration {
            level: match default {
                "error" => "error",
                "warning" => "warning",
                _ => "note",
            },
        },
    }
}

fn result(
    d: &Diagnostic,
    rules: &[&'static Code],
    sources: &SourceMap,
    cx: &SarifContext,
    fallback: Option<&str>,
    prints: &mut Fingerprinter,
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
        if let Some(loc) = location(sources, cx, label.span, Some(&label.message), prints) {
            if !related.contains(&loc) {
                related.push(loc);
            }
        }
    }
    let primary_message = d.labels.iter().find(|l| Some(l.span) == d.primary_span());
    let primary = match d.primary_span() {
        Some(s) => location(
            sources,
            cx,
            s,
            primary_message.map(|l| l.message.as_str()),
            prints,
        ),
        None => fallback.map(|name| SarifLocation {
            physical_location: Some(PhysicalLocation {
                artifact_location: artifact(name, cx),
                region: None,
            }),
            logical_locations: Vec::new(),
            message: None,
        }),
    };
    // The baseline's fingerprint (code, file, service, YAML key path, message): no line number.
    let print = prints.fingerprint(d, sources);
    SarifResult {
        rule_id: d.code.id,
        rule_index: rules.iter().position(|c| c.id == d.code.id).unwrap_or(0),
        level: level(d.severity),
        message: Text { text: message },
        code_flows: d
            .timeline
            .iter()
            .map(|t| code_flow(t, primary.as_ref()))
            .collect(),
        locations: primary.into_iter().collect(),
        related_locations: related,
        partial_fingerprints: BTreeMap::from([(FINGERPRINT, print)]),
    }
}

/// The timeline as one thread flow; each step is placed where the finding is (the service
/// whose update or the stack whose managers it replays), with the step as its message.
fn code_flow(t: &Timeline, at: Option<&SarifLocation>) -> CodeFlow {
    let locations = t
        .steps
        .iter()
        .enumerate()
        .map(|(i, step)| ThreadFlowLocation {
            location: SarifLocation {
                physical_location: at.and_then(|l| l.physical_location.clone()),
                logical_locations: Vec::new(),
                message: Some(Text {
                    text: match &step.actor {
                        Some(actor) => format!("{actor}: {}", step.text),
                        None => step.text.clone(),
                    },
                }),
            },
            execution_order: i + 1,
        })
        .collect();
    CodeFlow {
        message: Text {
            text: t.title.trim_end_matches(':').to_string(),
        },
        thread_flows: [ThreadFlow { locations }],
    }
}

fn location(
    sources: &SourceMap,
    cx: &SarifContext,
    span: Span,
    message: Option<&str>,
    prints: &mut Fingerprinter,
) -> Option<SarifLocation> {
    let Location {
        file,
        line,
        column,
        end_line,
        mut end_column,
    } = locate(sources, span)?;
    let text = sources.get(span.file).map_or("", |f| f.text.as_str());
    if (end_line, end_column) == (line, column) {
        // An empty span points at a place: show the word that starts there.
        let word = text
            .get(span.start..)
            .unwrap_or("")
            .chars()
            .take_while(|c| !c.is_whitespace() && !",]}".contains(*c))
            .count();
        end_column = column + word.max(1);
    }
    let path = prints.key_path(span, sources);
    Some(SarifLocation {
        physical_location: Some(PhysicalLocation {
            artifact_location: artifact(&file, cx),
            region: Some(Region {
                start_line: line,
                start_column: column,
                end_line,
                end_column,
            }),
        }),
        logical_locations: (!path.is_empty())
            .then_some(LogicalLocation {
                fully_qualified_name: path,
                kind: "member",
            })
            .into_iter()
            .collect(),
        message: message.filter(|m| !m.is_empty()).map(|m| Text {
            text: m.to_string(),
        }),
    })
}

/// A file name as SARIF wants it: relative to `%SRCROOT%` when it lies under the source root,
/// else an absolute `file://` URI.
fn artifact(name: &str, cx: &SarifContext) -> ArtifactLocation {
    let absolute = if name.starts_with('/') {
        normalize(name)
    } else {
        normalize(&format!("{}/{name}", cx.cwd))
    };
    let root = normalize(&cx.srcroot);
    let relative = match root.as_str() {
        "/" => absolute.strip_prefix('/'),
        _ => absolute
            .strip_prefix(root.as_str())
            .and_then(|r| r.strip_prefix('/')),
    };
    match relative {
        Some(r) if !r.is_empty() => ArtifactLocation {
            uri: file_uri(r),
            uri_base_id: Some(SRCROOT),
        },
        _ => ArtifactLocation {
            uri: file_uri(&absolute),
            uri_base_id: None,
        },
    }
}

/// An absolute path without `.`, `..` or repeated slashes (lexically, as a URI resolver would).
fn normalize(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

/// A path as a URI reference: absolute paths become `file://` URIs; other than `/`, every byte
/// that is not unreserved is percent-encoded.
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
    use crate::diagnostics::{Timeline, TimelineStep};
    use serde_json::Value;

    fn cx() -> SarifContext {
        SarifContext {
            cwd: "/repo".into(),
            srcroot: "/repo".into(),
            catalog: crate::checks::CATALOG,
        }
    }

    fn sarif() -> Value {
        let (report, sources) = fixture::report();
        serde_json::from_str(&render_sarif(&report, &sources, &cx())).expect("SARIF is JSON")
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
            assert!(["error", "warning", "note"]
                .contains(&rule["defaultConfiguration"]["level"].as_str().unwrap_or("")));
            // The help is the text of `explain`.
            let id = rule["id"].as_str().unwrap_or("");
            if let Some(code) = cx().catalog.find(id) {
                assert_eq!(rule["help"]["text"], render_explain(code));
            }
        }
        assert_eq!(run["invocations"][0]["executionSuccessful"], true);
        assert_eq!(run["originalUriBaseIds"]["SRCROOT"]["uri"], "file:///repo/");
        let results = run["results"].as_array().cloned().unwrap_or_default();
        assert_eq!(results.len(), 3);
        for r in &results {
            let index = r["ruleIndex"].as_u64().unwrap_or(u64::MAX) as usize;
            assert_eq!(rules.get(index).map(|rule| &rule["id"]), Some(&r["ruleId"]));
            assert!(["error", "warning", "note"].contains(&r["level"].as_str().unwrap_or("")));
            assert!(r["message"]["text"].as_str().is_some_and(|t| !t.is_empty()));
            // A non-empty region when the finding has a location; the whole file otherwise.
            let region = &r["locations"][0]["physicalLocation"]["region"];
            if !region.is_null() {
                for key in ["startLine", "startColumn", "endLine", "endColumn"] {
                    assert!(region[key].as_u64().is_some_and(|n| n >= 1), "{key} in {r}");
                }
                assert!(
                    (region["endLine"].as_u64(), region["endColumn"].as_u64())
                        > (region["startLine"].as_u64(), region["startColumn"].as_u64())
                );
            }
            let artifact = &r["locations"][0]["physicalLocation"]["artifactLocation"];
            assert_eq!(artifact["uriBaseId"], "SRCROOT");
            assert!(r["partialFingerprints"][FINGERPRINT].is_string());
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
                    "logicalLocations": [
                      {
                        "fullyQualifiedName": "services.web.deploy.resources.reservations.cpus",
                        "kind": "member"
                      }
                    ],
                    "message": {
                      "text": "0.0001 CPU"
                    },
                    "physicalLocation": {
                      "artifactLocation": {
                        "uri": "stack.yml",
                        "uriBaseId": "SRCROOT"
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
                "partialFingerprints": {
                  "swarmproof/v1": "c921f5c34d2c456e:1"
                },
                "ruleId": "SP0190"
              },
              {
                "level": "warning",
                "locations": [
                  {
                    "logicalLocations": [
                      {
                        "fullyQualifiedName": "services.web.deploy.placement.constraints.[]",
                        "kind": "member"
                      }
                    ],
                    "message": {
                      "text": "swarmkit rejects this expression"
                    },
                    "physicalLocation": {
                      "artifactLocation": {
                        "uri": "override.yml",
                        "uriBaseId": "SRCROOT"
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
                "partialFingerprints": {
                  "swarmproof/v1": "4c9dbf3951b72ddc:1"
                },
                "relatedLocations": [
                  {
                    "logicalLocations": [
                      {
                        "fullyQualifiedName": "services.web",
                        "kind": "member"
                      }
                    ],
                    "message": {
                      "text": "service defined here"
                    },
                    "physicalLocation": {
                      "artifactLocation": {
                        "uri": "stack.yml",
                        "uriBaseId": "SRCROOT"
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
                        "uri": "stack.yml",
                        "uriBaseId": "SRCROOT"
                      }
                    }
                  }
                ],
                "message": {
                  "text": "`depends_on` is ignored by docker stack deploy (service `db`)"
                },
                "partialFingerprints": {
                  "swarmproof/v1": "c27a9d26f9e43a43:1"
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
            serde_json::from_str(&render_sarif(&report, &sources, &cx())).expect("SARIF is JSON");
        let related = &log["runs"][0]["results"][1]["relatedLocations"];
        assert_eq!(related.as_array().map(Vec::len), Some(1));
    }

    fn fingerprints(report: &Report, sources: &SourceMap) -> Vec<Value> {
        let log: Value =
            serde_json::from_str(&render_sarif(report, sources, &cx())).expect("SARIF is JSON");
        log["runs"][0]["results"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|r| r["partialFingerprints"].clone())
            .collect()
    }

    #[test]
    fn fingerprints_survive_lines_added_above_and_tell_findings_apart() {
        let (report, sources) = fixture::report();
        let before = fingerprints(&report, &sources);
        // The same findings on files with unrelated lines added at the top.
        let (mut moved, _) = fixture::report();
        let mut shifted = SourceMap::new();
        let header = "# deployed by CI\nx-owner: ops\n\n";
        for (_, f) in sources.files() {
            shifted.add(f.name.clone(), format!("{header}{}", f.text));
        }
        for d in &mut moved.findings {
            for l in &mut d.labels {
                l.span = Span::new(
                    l.span.file,
                    l.span.start + header.len(),
                    l.span.end + header.len(),
                );
            }
        }
        let log: Value =
            serde_json::from_str(&render_sarif(&moved, &shifted, &cx())).unwrap_or_default();
        assert_eq!(
            log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"],
            10
        );
        assert_eq!(fingerprints(&moved, &shifted), before);
        // Different findings, different prints; the same finding twice is told apart by rank.
        let mut distinct = before.clone();
        distinct.dedup();
        assert_eq!(distinct.len(), 3);
        let (mut twice, sources) = fixture::report();
        let again = twice.findings[0].clone();
        twice.findings.push(again);
        let prints = fingerprints(&twice, &sources);
        assert_ne!(prints[0], prints[3]);
        assert!(prints[3][FINGERPRINT]
            .as_str()
            .is_some_and(|p| p.ends_with(":2")));
        // A changed message is a different finding.
        let (mut changed, sources) = fixture::report();
        changed.findings[0].message.push_str(" (again)");
        assert_ne!(fingerprints(&changed, &sources)[0], before[0]);
    }

    #[test]
    fn timelines_are_code_flows() {
        let (mut report, sources) = fixture::report();
        report.findings[0].timeline = Some(Timeline {
            title: "shortest timeline (replayed on the model):".into(),
            text: "  t1: the updater stops web.1\n  t2: no task runs".into(),
            steps: vec![
                TimelineStep {
                    actor: Some("updater".into()),
                    text: "t1: the updater stops web.1".into(),
                },
                TimelineStep {
                    actor: None,
                    text: "t2: no task runs".into(),
                },
            ],
        });
        let log: Value =
            serde_json::from_str(&render_sarif(&report, &sources, &cx())).expect("SARIF is JSON");
        let result = &log["runs"][0]["results"][0];
        let flow = &result["codeFlows"][0];
        assert_eq!(
            flow["message"]["text"],
            "shortest timeline (replayed on the model)"
        );
        let steps = flow["threadFlows"][0]["locations"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert_eq!(steps.len(), 2);
        assert_eq!(
            steps[0]["location"]["message"]["text"],
            "updater: t1: the updater stops web.1"
        );
        assert_eq!(steps[1]["executionOrder"], 2);
        assert_eq!(
            steps[0]["location"]["physicalLocation"],
            result["locations"][0]["physicalLocation"]
        );
        // Not flattened into the message.
        assert!(!result["message"]["text"]
            .as_str()
            .unwrap_or("")
            .contains("t1:"));
    }

    #[test]
    fn a_run_that_could_not_run_is_still_a_log() {
        let log: Value = serde_json::from_str(&render_sarif_failure("cannot read x.yml", &cx()))
            .expect("SARIF is JSON");
        let run = &log["runs"][0];
        assert_eq!(run["invocations"][0]["executionSuccessful"], false);
        assert_eq!(
            run["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"],
            "cannot read x.yml"
        );
        assert_eq!(run["results"], serde_json::json!([]));
    }

    #[test]
    fn file_names_become_uris_under_the_source_root() {
        let cx = SarifContext {
            cwd: "/repo/deploy".into(),
            srcroot: "/repo".into(),
            catalog: crate::checks::CATALOG,
        };
        let uri = |name: &str| {
            let a = artifact(name, &cx);
            (a.uri, a.uri_base_id)
        };
        assert_eq!(
            uri("ha web/stack.yml"),
            ("deploy/ha%20web/stack.yml".into(), Some(SRCROOT))
        );
        assert_eq!(
            uri("./stack.yml"),
            ("deploy/stack.yml".into(), Some(SRCROOT))
        );
        assert_eq!(
            uri("../models/a.yml"),
            ("models/a.yml".into(), Some(SRCROOT))
        );
        assert_eq!(uri("/repo/x/é.yml"), ("x/%C3%A9.yml".into(), Some(SRCROOT)));
        // Outside the root: an absolute URI, no base.
        assert_eq!(uri("/srv/a.yml"), ("file:///srv/a.yml".into(), None));
        assert_eq!(uri("../../etc/a.yml"), ("file:///etc/a.yml".into(), None));
        assert_eq!(
            uri("/repository/a.yml"),
            ("file:///repository/a.yml".into(), None)
        );
    }
}
