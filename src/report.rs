//! The result of one run of checks: findings plus one verdict per check that ran. This is the
//! document `--format json` prints (`docs/json-output.md`); checks only ever add to it.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::Arc;

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
/// counterexample, figures such as states explored): a Rust type per check, written as JSON
/// with the report (`null` when there are none).
#[derive(Clone, Debug, Serialize)]
pub struct Verdict {
    pub status: Status,
    pub summary: String,
    #[serde(serialize_with = "serialize_details")]
    pub details: Option<Arc<dyn Details>>,
}

/// A check's typed details. Any serialisable type is one; the report's JSON is where they
/// are serialised.
pub trait Details: fmt::Debug + Send + Sync {
    fn to_json(&self) -> serde_json::Value;
}

impl<T: Serialize + fmt::Debug + Send + Sync> Details for T {
    fn to_json(&self) -> serde_json::Value {
        // Every details type is plain data with string keys, whose serialisation cannot fail.
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}

fn serialize_details<S: serde::Serializer>(
    details: &Option<Arc<dyn Details>>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match details {
        Some(d) => d.to_json().serialize(s),
        None => s.serialize_none(),
    }
}

impl Verdict {
    pub fn new(status: Status, summary: String, details: impl Details + 'static) -> Verdict {
        Verdict {
            status,
            summary,
            details: Some(Arc::new(details)),
        }
    }

    /// A verdict without details (a check that did not run).
    pub fn bare(status: Status, summary: String) -> Verdict {
        Verdict {
            status,
            summary,
            details: None,
        }
    }

    /// The details as the JSON output shows them.
    pub fn details_json(&self) -> serde_json::Value {
        self.details
            .as_ref()
            .map_or(serde_json::Value::Null, |d| d.to_json())
    }
}

impl PartialEq for Verdict {
    fn eq(&self, other: &Verdict) -> bool {
        self.status == other.status
            && self.summary == other.summary
            && self.details_json() == other.details_json()
    }
}

/// A finding the user suppressed, with what suppressed it and the reason given.
#[derive(Clone, Debug)]
pub struct Suppressed {
    pub finding: Diagnostic,
    /// "comment at stack.yml:12", "x-swarmproof of service web", "configuration at
    /// .swarmproof.yml:3", "baseline".
    pub by: String,
    pub reason: Option<String>,
}

/// Findings and verdicts of a run, keyed by check name (`load`, `placement`, `rollout`, …).
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub findings: Vec<Diagnostic>,
    pub verdicts: BTreeMap<String, Verdict>,
    /// Findings the user suppressed (`suppress::apply`); counted, listed on request, and
    /// never failing the run.
    pub suppressed: Vec<Suppressed>,
    /// Checks whose verdict is `violated` but whose every error finding the user suppressed
    /// or downgraded: the verdict stays as it is, it no longer fails the run.
    pub accepted: BTreeSet<String>,
}

impl Report {
    /// The one rule deciding whether a run fails (exit status 1, a failed JUnit case), for
    /// every subcommand and format: a finding is an error (or a warning, under `--deny
    /// warnings`), or a verdict is `violated`. `unknown` and `skipped` never fail a run, and
    /// never pass for `holds` either. The checks keep a `violated` verdict for what their
    /// error findings report, so the two agree (docs/user-guide.md, "Exit status"); a violated
    /// check whose errors the user all suppressed is `accepted` and fails nothing.
    pub fn fails(&self, deny_warnings: bool) -> bool {
        use crate::diagnostics::Severity;
        self.findings.iter().any(|d| {
            d.severity == Severity::Error || (deny_warnings && d.severity == Severity::Warning)
        }) || self
            .verdicts
            .iter()
            .any(|(name, v)| v.status == Status::Violated && !self.accepted.contains(name))
    }

    /// Findings in file order: by file name, then line and column of the primary span;
    /// findings placed nowhere last, in the order the checks reported them.
    pub fn sort_findings(&mut self, sources: &crate::diagnostics::SourceMap) {
        self.findings.sort_by_cached_key(|d| {
            d.primary_span().map_or((true, String::new(), 0, 0), |s| {
                let name = sources
                    .get(s.file)
                    .map(|f| f.name.clone())
                    .unwrap_or_default();
                (false, name, s.start, s.end)
            })
        });
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
