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
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Holds => "holds",
            Status::Violated => "violated",
            Status::Unknown => "unknown",
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
