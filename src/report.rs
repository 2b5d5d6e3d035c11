//! The result of one run of checks: findings plus one verdict per check that ran. This is the
//! document `--format json` prints (`docs/json-output.md`); checks only ever add to it.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::diagnostics::Diagnostic;

/// A check's conclusion. `Unknown` whenever a bound or timeout cut the search: swarmproof never
/// says `Holds` without a validated witness or a complete search.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Holds,
    Violated,
    Unknown,
    /// The check did not run: its input is missing (no inventory). The summary says what to
    /// pass; a skipped check is never a pass nor a failure.
    Skipped,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Holds => "holds",
            Status::Violated => "violated",
            Status::Unknown => "unknown",
            Status::Skipped => "skipped",
        }
    }
}

/// One check's verdict: a status, a one-line summary, and the check's own details (a plan, a
/// counterexample, figures such as states explored) as JSON.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Verdict {
    pub status: Status,
    pub summary: String,
    pub details: serde_json::Value,
}

/// Findings and verdicts of a run, keyed by check name (`load`, `placement`, `rollout`, …).
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub findings: Vec<Diagnostic>,
    pub verdicts: BTreeMap<String, Verdict>,
}

impl Report {
    /// The one rule deciding whether a run fails (exit status 1, a failed JUnit case), for
    /// every subcommand and format: a finding is an error (or a warning, under `--deny
    /// warnings`), or a verdict is `violated`. `unknown` and `skipped` never fail a run, and
    /// never pass for `holds` either. The checks keep a `violated` verdict for what their
    /// error findings report, so the two agree (docs/user-guide.md, "Exit status").
    pub fn fails(&self, deny_warnings: bool) -> bool {
        use crate::diagnostics::Severity;
        self.findings.iter().any(|d| {
            d.severity == Severity::Error || (deny_warnings && d.severity == Severity::Warning)
        }) || self.verdicts.values().any(|v| v.status == Status::Violated)
    }

    /// The report with at most `max` findings, errors first, then warnings, then notes, each
    /// kept in its order; one more note says how many were left out. `fails` gives the same
    /// answer on it (an error is kept whenever there is one, warnings before notes).
    pub fn bounded(mut self, max: usize) -> Report {
        let total = self.findings.len();
        if total <= max {
            return self;
        }
        let mut order: Vec<usize> = (0..total).collect();
        order.sort_by_key(|&i| self.findings[i].severity);
        let mut keep = vec![false; total];
        for &i in &order[..max] {
            keep[i] = true;
        }
        let mut kept = keep.into_iter();
        self.findings.retain(|_| kept.next().unwrap_or(false));
        self.findings.push(Diagnostic::info(
            &crate::loading::codes::FINDINGS_TRUNCATED,
            format!(
                "{} more findings are not shown (at most {max} are printed); the exit status counts them all",
                total - max
            ),
        ));
        self
    }
}
