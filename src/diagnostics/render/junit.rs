//! JUnit XML (`--format junit`) for CI test reporters: one test suite per check, holding one
//! test case for the check's verdict and one per finding of that check. A test case fails
//! exactly where `check` would exit 1, so the CI's red and the exit status agree.
//!
//! Written by hand to be valid against both schemas CI reporters are built on (kept in
//! `tests/schemas/`): Jenkins' `junit-10.xsd` (Surefire's format) and the stricter Apache Ant
//! schema, whose intersection is: no attributes on `<testsuites>`; on each `<testsuite>` a name,
//! `package`, `id`, `timestamp` (without a time zone), `hostname`, counts and `time`; then
//! `<properties>`, the test cases (`name`, `classname`, `time`, at most one `failure` or
//! `skipped`, no output of their own) and the suite's `<system-out>` and `<system-err>`.
//! Neither schema allows `file` or `line` on a test case, so the place is in its name.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{human, locate, Counts};
use crate::diagnostics::Catalog;
use crate::diagnostics::{Diagnostic, Severity, SourceMap};
use crate::report::{Report, Status, Verdict};

/// When and where the run happened, and how long it took (read by the CLI).
#[derive(Clone, Debug)]
pub struct JunitRun {
    /// Seconds since the Unix epoch at the start of the run.
    pub started: u64,
    pub hostname: String,
    pub seconds: f64,
    /// Which check each code's findings are filed under (`checks::CATALOG`).
    pub catalog: Catalog,
}

/// One test case: its name, and a failure or a skip with a message, a type and a text.
struct Case {
    name: String,
    outcome: Option<(&'static str, String, String, String)>,
}

#[derive(Default)]
struct Suite {
    cases: Vec<Case>,
    out: String,
    verdict: Option<(Status, String)>,
    counts: Vec<Severity>,
}

/// Renders the report as JUnit XML. Error findings fail; warnings fail too when
/// `deny_warnings` (as `--deny warnings` makes them fail `check`); other findings pass, their
/// severity and message in the case's name and their full text in the suite's output. A
/// violated verdict fails; an unknown or skipped one is skipped (not proved).
pub fn render_junit(
    report: &Report,
    sources: &SourceMap,
    deny_warnings: bool,
    run: &JunitRun,
) -> String {
    let mut suites: BTreeMap<&str, Suite> = BTreeMap::new();
    for (name, verdict) in &report.verdicts {
        let suite = suites.entry(name).or_default();
        suite.verdict = Some((verdict.status, verdict.summary.clone()));
        suite.cases.push(verdict_case(name, verdict));
    }
    for finding in &report.findings {
        let suite = suites
            .entry(run.catalog.check_of(finding.code))
            .or_default();
        let text = human::render_finding(finding, sources);
        suite.out.push_str(&text);
        suite.counts.push(finding.severity);
        suite
            .cases
            .push(finding_case(finding, sources, deny_warnings, text));
    }
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n");
    for (id, (name, suite)) in suites.iter().enumerate() {
        write_suite(&mut xml, id, name, suite, run);
    }
    xml.push_str("</testsuites>\n");
    xml
}

fn write_suite(xml: &mut String, id: usize, name: &str, suite: &Suite, run: &JunitRun) {
    let failures = suite
        .cases
        .iter()
        .filter(|c| matches!(c.outcome, Some(("failure", ..))))
        .count();
    let skipped = suite
        .cases
        .iter()
        .filter(|c| matches!(c.outcome, Some(("skipped", ..))))
        .count();
    let _ = writeln!(
        xml,
        "  <testsuite name=\"{}\" package=\"swarmproof\" id=\"{id}\" timestamp=\"{}\" hostname=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\" time=\"{:.3}\">",
        attr(name),
        timestamp(run.started),
        attr(if run.hostname.trim().is_empty() { "localhost" } else { &run.hostname }),
        suite.cases.len(),
        run.seconds.max(0.0),
    );
    xml.push_str("    <properties>\n");
    let counts = Counts::of_severities(&suite.counts);
    let mut properties = vec![
        ("swarmproof.version", env!("CARGO_PKG_VERSION").to_string()),
        ("findings.errors", counts.errors.to_string()),
        ("findings.warnings", counts.warnings.to_string()),
        ("findings.infos", counts.infos.to_string()),
    ];
    if let Some((status, summary)) = &suite.verdict {
        properties.push(("verdict", status.as_str().to_string()));
        properties.push(("verdict.summary", summary.clone()));
    }
    for (key, value) in properties {
        let _ = writeln!(
            xml,
            "      <property name=\"{key}\" value=\"{}\"/>",
            attr(&value)
        );
    }
    xml.push_str("    </properties>\n");
    for case in &suite.cases {
        let _ = write!(
            xml,
            "    <testcase name=\"{}\" classname=\"swarmproof.{}\" time=\"0\"",
            attr(&case.name),
            attr(name)
        );
        match &case.outcome {
            None => xml.push_str("/>\n"),
            Some((element, message, kind, text)) => {
                let _ = writeln!(
                    xml,
                    ">\n      <{element} message=\"{}\" type=\"{}\">{}</{element}>\n    </testcase>",
                    attr(message),
                    attr(kind),
                    text_node(text)
                );
            }
        }
    }
    let _ = writeln!(
        xml,
        "    <system-out>{}</system-out>\n    <system-err></system-err>\n  </testsuite>",
        text_node(&suite.out)
    );
}

fn verdict_case(name: &str, verdict: &Verdict) -> Case {
    let outcome = match verdict.status {
        Status::Holds => None,
        Status::Violated => Some("failure"),
        Status::Unknown | Status::Skipped => Some("skipped"),
    };
    Case {
        name: format!("{name}: {} — {}", verdict.status.as_str(), verdict.summary),
        outcome: outcome.map(|element| {
            (
                element,
                verdict.summary.clone(),
                verdict.status.as_str().to_string(),
                verdict.summary.clone(),
            )
        }),
    }
}

fn finding_case(
    finding: &Diagnostic,
    sources: &SourceMap,
    deny_warnings: bool,
    text: String,
) -> Case {
    let fails = match finding.severity {
        Severity::Error => true,
        Severity::Warning => deny_warnings,
        Severity::Info => false,
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
    Case {
        name: format!(
            "{} {} ({}){service}{place}: {}",
            finding.code.id,
            finding.code.name,
            finding.severity.as_str(),
            finding.message
        ),
        outcome: fails.then(|| {
            (
                "failure",
                finding.message.clone(),
                finding.code.id.to_string(),
                text,
            )
        }),
    }
}

/// `YYYY-MM-DDTHH:MM:SS` in UTC, without a zone (the Ant schema allows none).
fn timestamp(epoch: u64) -> String {
    let days = i64::try_from(epoch / 86_400).unwrap_or(0);
    let secs = epoch % 86_400;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// Characters XML 1.0 cannot carry (most control characters) become U+FFFD.
fn xml_char(c: char) -> char {
    match c {
        '\t' | '\n' | '\r' => c,
        c if c < ' ' || c == '\u{FFFE}' || c == '\u{FFFF}' => '\u{FFFD}',
        c => c,
    }
}

fn text_node(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().map(xml_char) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

fn attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in text_node(s).chars() {
        match c {
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::render::fixture;

    fn run() -> JunitRun {
        JunitRun {
            started: 1_796_655_600,
            hostname: "ci-runner".into(),
            seconds: 1.25,
            catalog: fixture::CATALOG,
        }
    }

    #[test]
    fn renders_suites_per_check() {
        let (report, sources) = fixture::report();
        insta::assert_snapshot!(render_junit(&report, &sources, false, &run()), @r#"
            <?xml version="1.0" encoding="UTF-8"?>
            <testsuites>
              <testsuite name="graph" package="swarmproof" id="0" timestamp="2026-12-07T15:00:00" hostname="ci-runner" tests="1" failures="0" errors="0" skipped="0" time="1.250">
                <properties>
                  <property name="swarmproof.version" value="0.1.0"/>
                  <property name="findings.errors" value="0"/>
                  <property name="findings.warnings" value="0"/>
                  <property name="findings.infos" value="1"/>
                </properties>
                <testcase name="SP5090 depends-on-ignored (info) in service db: `depends_on` is ignored by docker stack deploy" classname="swarmproof.graph" time="0"/>
                <system-out>note[SP5090]: `depends_on` is ignored by docker stack deploy
             = service: db

            </system-out>
                <system-err></system-err>
              </testsuite>
              <testsuite name="load" package="swarmproof" id="1" timestamp="2026-12-07T15:00:00" hostname="ci-runner" tests="3" failures="2" errors="0" skipped="0" time="1.250">
                <properties>
                  <property name="swarmproof.version" value="0.1.0"/>
                  <property name="findings.errors" value="1"/>
                  <property name="findings.warnings" value="1"/>
                  <property name="findings.infos" value="0"/>
                  <property name="verdict" value="violated"/>
                  <property name="verdict.summary" value="1 value Docker rejects"/>
                </properties>
                <testcase name="load: violated — 1 value Docker rejects" classname="swarmproof.load" time="0">
                  <failure message="1 value Docker rejects" type="violated">1 value Docker rejects</failure>
                </testcase>
                <testcase name="SP0190 cpu-too-small (error) in service web at stack.yml:7:17: invalid cpu value 0.0001: Must be at least 0.001" classname="swarmproof.load" time="0">
                  <failure message="invalid cpu value 0.0001: Must be at least 0.001" type="SP0190">error[SP0190]: invalid cpu value 0.0001: Must be at least 0.001
              ┌─ stack.yml:7:17
              │
            7 │           cpus: '0.0001'
              │                 ^^^^^^^^ 0.0001 CPU
              │
              = service: web
              = help: reserve at least 0.001 CPU, or none

            </failure>
                </testcase>
                <testcase name="SP0290 single-equals (warning) in service web at override.yml:5:51: constraint `node.role = manager` has a single `=`" classname="swarmproof.load" time="0"/>
                <system-out>error[SP0190]: invalid cpu value 0.0001: Must be at least 0.001
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

            </system-out>
                <system-err></system-err>
              </testsuite>
              <testsuite name="placement" package="swarmproof" id="2" timestamp="2026-12-07T15:00:00" hostname="ci-runner" tests="1" failures="0" errors="0" skipped="1" time="1.250">
                <properties>
                  <property name="swarmproof.version" value="0.1.0"/>
                  <property name="findings.errors" value="0"/>
                  <property name="findings.warnings" value="0"/>
                  <property name="findings.infos" value="0"/>
                  <property name="verdict" value="unknown"/>
                  <property name="verdict.summary" value="search stopped at its bound"/>
                </properties>
                <testcase name="placement: unknown — search stopped at its bound" classname="swarmproof.placement" time="0">
                  <skipped message="search stopped at its bound" type="unknown">search stopped at its bound</skipped>
                </testcase>
                <system-out></system-out>
                <system-err></system-err>
              </testsuite>
            </testsuites>
            "#);
    }

    #[test]
    fn failures_where_check_fails() {
        let (report, sources) = fixture::report();
        for (deny, failures) in [(false, 2), (true, 3)] {
            let xml = render_junit(&report, &sources, deny, &run());
            // The violated `load` verdict and the error fail; the warning (SP02xx, filed under
            // `load`) fails only under --deny warnings; the info never does.
            assert_eq!(xml.matches("<failure ").count(), failures, "deny={deny}");
            assert_eq!(xml.matches("<testcase ").count(), 5);
            let load = xml
                .lines()
                .find(|l| l.contains("<testsuite name=\"load\""))
                .unwrap_or_default();
            assert!(load.contains(&format!("failures=\"{failures}\"")), "{load}");
            assert_eq!(xml.matches("<skipped ").count(), 1);
        }
    }

    #[test]
    fn timestamps_are_utc_without_a_zone() {
        assert_eq!(timestamp(0), "1970-01-01T00:00:00");
        assert_eq!(timestamp(951_825_600), "2000-02-29T12:00:00");
        assert_eq!(timestamp(1_796_655_600), "2026-12-07T15:00:00");
    }

    #[test]
    fn text_is_escaped_and_control_characters_replaced() {
        assert_eq!(attr("a\"<&>\nb"), "a&quot;&lt;&amp;&gt;&#10;b");
        assert_eq!(text_node("x\u{1b}[1m"), "x\u{FFFD}[1m");
    }
}
