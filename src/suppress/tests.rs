use super::*;
use crate::diagnostics::Diagnostic;
use crate::loading::codes::{DEPENDS_ON_IGNORED, UNKNOWN_KEY};
use crate::report::Verdict;

fn verdict(status: Status) -> Verdict {
    Verdict {
        status,
        summary: String::new(),
        details: None,
    }
}

/// A stack file with two findings, and the report of a run that concluded `load`.
fn fixture() -> (SourceMap, Report) {
    let mut sources = SourceMap::new();
    let text = "services:\n  web:\n    deploy:\n      replica: 2\n  db:\n    depends_on: [web]\n";
    let id = sources.add("stack.yml", text);
    let at = |s: &str| {
        let i = text.find(s).unwrap();
        Some(Span::new(id, i, i + s.len()))
    };
    let mut report = Report {
        findings: vec![
            Diagnostic::error(&UNKNOWN_KEY, "unknown").at_service("web", at("replica"), ""),
            Diagnostic::warning(&DEPENDS_ON_IGNORED, "ignored").at_service(
                "db",
                at("depends_on"),
                "",
            ),
        ],
        ..Report::default()
    };
    report
        .verdicts
        .insert("load".into(), verdict(Status::Violated));
    report
        .verdicts
        .insert("rollout".into(), verdict(Status::Skipped));
    (sources, report)
}

fn rule(code: &'static Code, scope: Scope) -> Suppression {
    Suppression {
        code,
        scope,
        reason: Some("why".into()),
        via: Via::Config,
        span: None,
    }
}

#[test]
fn suppressed_findings_move_aside_and_accept_their_violated_check() {
    let (sources, report) = fixture();
    let s = Suppressions {
        list: vec![
            rule(&UNKNOWN_KEY, Scope::Service("web".into())),
            rule(&DEPENDS_ON_IGNORED, Scope::Service("web".into())),
        ],
        ..Default::default()
    };
    let out = apply(report, &sources, &s);
    let codes: Vec<_> = out.findings.iter().map(|d| d.code.id).collect();
    // depends_on is about db, so the second rule matched nothing: reported, as `load` concluded.
    assert_eq!(codes, ["SP0106", "SP0020"]);
    assert_eq!(out.suppressed.len(), 1);
    assert_eq!(out.suppressed[0].reason.as_deref(), Some("why"));
    assert_eq!(out.accepted, BTreeSet::from(["load".to_string()]));
    assert!(!out.fails(false));
    assert!(out.fails(true));
}

#[test]
fn a_check_that_did_not_conclude_leaves_its_suppressions_unreported() {
    let (sources, report) = fixture();
    let s = Suppressions {
        list: vec![rule(&crate::rollout::codes::FULL_OUTAGE, Scope::Stack)],
        ..Default::default()
    };
    let out = apply(report, &sources, &s);
    assert_eq!(out.findings.len(), 2);
    assert!(out.fails(false), "the error is not suppressed");
}

#[test]
fn lines_and_filters_match_by_place() {
    let (sources, report) = fixture();
    let s = Suppressions {
        list: vec![
            rule(
                &UNKNOWN_KEY,
                Scope::Lines {
                    file: FileId(0),
                    first: 1,
                    end: 4,
                },
            ),
            rule(
                &DEPENDS_ON_IGNORED,
                Scope::Filter {
                    files: vec!["./stack.yml".into()],
                    services: vec!["db".into()],
                },
            ),
        ],
        ..Default::default()
    };
    let out = apply(report, &sources, &s);
    assert!(out.findings.is_empty(), "{:?}", out.findings);
    assert!(file_matches("deploy/stack.yml", "stack.yml"));
    assert!(!file_matches("deploy/mystack.yml", "stack.yml"));
}

#[test]
fn severities_are_overridden_and_the_baseline_keeps_only_new_findings() {
    let (sources, report) = fixture();
    let baseline = Baseline::of(&report.findings[..1], &sources);
    let s = Suppressions {
        severities: vec![SeverityOverride {
            code: &DEPENDS_ON_IGNORED,
            severity: Severity::Error,
        }],
        baseline: Some(Baseline::from_json(&baseline.to_json()).unwrap()),
        ..Default::default()
    };
    let out = apply(report, &sources, &s);
    assert_eq!(out.findings.len(), 1);
    assert_eq!(out.findings[0].severity, Severity::Error);
    assert_eq!(out.suppressed[0].by, "baseline");
    assert!(out.accepted.is_empty(), "load still has an error");
    assert!(out.fails(false));
}
