//! A graded submission as text (per question: pass or fail, why, the evidence), and a class
//! as a summary table or as JUnit XML (one test suite per student, one test case per question).

use std::fmt::Write;

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::{Lab, LabResult};

/// Indents the evidence under its question.
fn indented(text: &str) -> String {
    text.lines()
        .map(|l| {
            if l.is_empty() {
                "\n".to_string()
            } else {
                format!("    {l}\n")
            }
        })
        .collect()
}

pub fn render_result(lab: &Lab, result: &LabResult) -> String {
    let mut out = format!("Lab {} — {}\n\n", lab.number, lab.title);
    for q in &result.questions {
        let mark = if q.passed { "pass" } else { "FAIL" };
        let _ = writeln!(out, "[{mark}] {}: {}", q.id, q.text);
        let _ = writeln!(out, "  {}", q.summary);
        if !q.evidence.is_empty() {
            out.push_str(&indented(&q.evidence));
        }
        if !q.passed {
            let _ = writeln!(out, "  see: {}", q.see);
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "{} of {} questions pass",
        result.passed(),
        result.questions.len()
    );
    out
}

/// One row per student, one column per question, and the score.
pub fn render_class(lab: &Lab, results: &[(String, LabResult)]) -> String {
    let mut header = vec!["student".to_string()];
    header.extend(lab.questions.iter().map(|q| q.id.to_string()));
    header.push("score".into());
    let mut rows = vec![header];
    for (student, r) in results {
        let mut row = vec![student.clone()];
        row.extend(r.questions.iter().map(|q| {
            if q.passed {
                "pass".to_string()
            } else {
                "FAIL".to_string()
            }
        }));
        row.push(format!("{}/{}", r.passed(), r.questions.len()));
        rows.push(row);
    }
    let widths: Vec<usize> = (0..rows[0].len())
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = format!("Lab {} — {}\n\n", lab.number, lab.title);
    for row in &rows {
        let line: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, w)| format!("{cell:<w$}"))
            .collect();
        let _ = writeln!(out, "{}", line.join("  ").trim_end());
    }
    let complete = results.iter().filter(|(_, r)| r.all_passed()).count();
    let _ = writeln!(
        out,
        "\n{complete} of {} submissions pass every question",
        results.len()
    );
    out
}

/// The class as JUnit XML: a failed question is a failed test case whose text is the
/// question's summary and evidence.
pub fn render_class_junit(lab: &Lab, results: &[(String, LabResult)]) -> String {
    let mut report = Report::new(format!("swarmproof lab {}", lab.id));
    for (student, r) in results {
        let mut suite = TestSuite::new(student.as_str());
        for q in &r.questions {
            let status = if q.passed {
                TestCaseStatus::success()
            } else {
                let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
                s.set_message(q.summary.as_str());
                s.set_description(format!("{}\n{}see: {}", q.summary, q.evidence, q.see));
                s
            };
            let mut case = TestCase::new(q.id, status);
            case.set_classname(format!("{}.{student}", lab.id));
            if q.passed {
                case.set_system_out(format!("{}\n{}", q.summary, q.evidence));
            }
            suite.add_test_case(case);
        }
        report.add_test_suite(suite);
    }
    // Writing XML into a String only fails on I/O, which cannot happen here.
    report.to_string().unwrap_or_default()
}
