//! JUnit XML (`--format junit`) for CI test reporters: one test suite per check, holding one
//! test case for the check's verdict and one per finding of that check. A test case fails
//! exactly where `check` would exit 1, so the CI's red and the exit status agree.

use std::collections::BTreeMap;

use quick_junit::{NonSuccessKind, Report as JUnitReport, TestCase, TestCaseStatus, TestSuite};

use super::{check_of, human, locate};
use crate::diagnostics::{Diagnostic, Severity, SourceMap};
use crate::report::{Report, Status, Verdict};

/// Renders the report as JUnit XML. Error findings fail; warnings fail too when
/// `deny_warnings` (as `--deny warnings` makes them fail `check`); other findings pass with
/// their text as output. A violated verdict fails; an unknown one is skipped (not proved).
pub fn render_junit(report: &Report, sources: &SourceMap, deny_warnings: bool) -> String {
    let mut suites: BTreeMap<&str, TestSuite> = BTreeMap::new();
    for (name, verdict) in &report.verdicts {
        suite(&mut suites, name).add_test_case(verdict_case(name, verdict));
    }
    for finding in &report.findings {
        let name = check_of(finding.code.id);
        suite(&mut suites, name).add_test_case(finding_case(finding, sources, deny_warnings));
    }
    let mut junit = JUnitReport::new("swarmproof");
    junit.add_test_suites(suites.into_values());
    // Writing XML into a String only fails on I/O, which cannot happen here.
    junit.to_string().unwrap_or_default()
}

fn suite<'a, 'b>(suites: &'b mut BTreeMap<&'a str, TestSuite>, name: &'a str) -> &'b mut TestSuite {
    suites.entry(name).or_insert_with(|| TestSuite::new(name))
}

fn verdict_case(name: &str, verdict: &Verdict) -> TestCase {
    let status = match verdict.status {
        Status::Holds => TestCaseStatus::success(),
        Status::Violated => {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            status
                .set_message(verdict.summary.as_str())
                .set_type("violated");
            status
        }
        Status::Unknown | Status::Skipped => {
            let mut status = TestCaseStatus::skipped();
            status
                .set_message(verdict.summary.as_str())
                .set_type(verdict.status.as_str());
            status
        }
    };
    let mut case = TestCase::new(format!("{name}: {}", verdict.status.as_str()), status);
    case.set_classname(format!("swarmproof.{name}"));
    case.set_system_out(verdict.summary.as_str());
    case
}

fn finding_case(finding: &Diagnostic, sources: &SourceMap, deny_warnings: bool) -> TestCase {
    let fails = match finding.severity {
        Severity::Error => true,
        Severity::Warning => deny_warnings,
        Severity::Info => false,
    };
    // The same text the human format prints, without colour.
    let text = human::render_finding(finding, sources);
    let status = if fails {
        let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
        status
            .set_message(finding.message.as_str())
            .set_type(finding.code.id)
            .set_description(text.as_str());
        status
    } else {
        TestCaseStatus::success()
    };
    let place = finding
        .primary_span()
        .and_then(|s| locate(sources, s))
        .map(|l| format!(" at {}:{}:{}", l.file, l.line, l.column))
        .unwrap_or_default();
    let service = finding
        .service
        .as_deref()
        .map(|s| format!(" in service {s}"))
        .unwrap_or_default();
    let mut case = TestCase::new(
        format!("{} {}{service}{place}", finding.code.id, finding.code.name),
        status,
    );
    case.set_classname(format!("swarmproof.{}", check_of(finding.code.id)));
    if !fails {
        case.set_system_out(text.as_str());
    }
    case
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::render::fixture;

    #[test]
    fn renders_suites_per_check() {
        let (report, sources) = fixture::report();
        insta::assert_snapshot!(render_junit(&report, &sources, false), @r#"
            <?xml version="1.0" encoding="UTF-8"?>
            <testsuites name="swarmproof" tests="5" skipped="1" failures="2" errors="0">
                <testsuite name="graph" tests="1" skipped="0" errors="0" failures="0">
                    <testcase name="SP5090 depends-on-ignored in service db" classname="swarmproof.graph">
                        <system-out>note[SP5090]: `depends_on` is ignored by docker stack deploy
             = service: db

            </system-out>
                    </testcase>
                </testsuite>
                <testsuite name="load" tests="3" skipped="0" errors="0" failures="2">
                    <testcase name="load: violated" classname="swarmproof.load">
                        <failure message="1 value Docker rejects" type="violated"/>
                        <system-out>1 value Docker rejects</system-out>
                    </testcase>
                    <testcase name="SP0190 cpu-too-small in service web at stack.yml:7:17" classname="swarmproof.load">
                        <failure message="invalid cpu value 0.0001: Must be at least 0.001" type="SP0190">error[SP0190]: invalid cpu value 0.0001: Must be at least 0.001
              ┌─ stack.yml:7:17
              │
            7 │           cpus: &apos;0.0001&apos;
              │                 ^^^^^^^^ 0.0001 CPU
              │
              = service: web
              = help: reserve at least 0.001 CPU, or none

            </failure>
                    </testcase>
                    <testcase name="SP0290 single-equals in service web at override.yml:5:51" classname="swarmproof.load">
                        <system-out>warning[SP0290]: constraint `node.role = manager` has a single `=`
              ┌─ override.yml:5:51
              │
            5 │         constraints: [&quot;node.labels.région == eu&quot;, &quot;node.role = manager&quot;]
              │                                                   ^^^^^^^^^^^^^^^^^^^^^ swarmkit rejects this expression
              │
              ┌─ stack.yml:2:3
              │
            2 │   web:
              │   --- service defined here
              │
              = service: web
              = note: swarmkit accepts only `==` and `!=`

            </system-out>
                    </testcase>
                </testsuite>
                <testsuite name="placement" tests="1" skipped="1" errors="0" failures="0">
                    <testcase name="placement: unknown" classname="swarmproof.placement">
                        <skipped message="search stopped at its bound" type="unknown"/>
                        <system-out>search stopped at its bound</system-out>
                    </testcase>
                </testsuite>
            </testsuites>
            "#);
    }

    #[test]
    fn reads_back_with_failures_where_check_fails() {
        let (report, sources) = fixture::report();
        for (deny, failures) in [(false, 2), (true, 3)] {
            let xml = render_junit(&report, &sources, deny);
            let parsed = JUnitReport::deserialize_from_str(&xml).expect("valid JUnit XML");
            // The violated `load` verdict and the error fail; the warning (SP02xx, filed under
            // `load`) fails only under --deny warnings; the info never does.
            assert_eq!(parsed.failures, failures, "deny={deny}");
            assert_eq!(parsed.tests, 5);
            let names: Vec<&str> = parsed.test_suites.iter().map(|s| s.name.as_str()).collect();
            assert_eq!(names, ["graph", "load", "placement"]);
            let placement = &parsed.test_suites[2];
            assert_eq!(placement.skipped, 1);
        }
    }
}
