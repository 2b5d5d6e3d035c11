//! The baseline: the fingerprints of the findings a team accepted when it adopted swarmproof
//! (`--write-baseline FILE`); later runs with `--baseline FILE` report only findings beyond
//! them. Fingerprints are counted, so a second finding identical to a baselined one is new.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::fingerprint::Fingerprinter;
use crate::diagnostics::{Diagnostic, SourceMap};

/// The `version` of the baseline file.
pub const BASELINE_VERSION: u32 = 1;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Baseline {
    pub version: u32,
    pub findings: Vec<Entry>,
}

/// One accepted finding: its fingerprint, and for readers of the file what it was.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub fingerprint: String,
    pub code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    pub message: String,
}

impl Baseline {
    /// The baseline of these findings.
    pub fn of(findings: &[Diagnostic], sources: &SourceMap) -> Baseline {
        let mut fp = Fingerprinter::default();
        let mut entries: Vec<Entry> = findings
            .iter()
            .map(|d| Entry {
                fingerprint: fp.fingerprint(d, sources),
                code: d.code.id.to_string(),
                file: d
                    .primary_span()
                    .and_then(|s| sources.get(s.file))
                    .map(|f| f.name.clone()),
                service: d.service.clone(),
                message: d.message.clone(),
            })
            .collect();
        // Sorted, so that a rewritten baseline diffs cleanly.
        entries.sort_by(|a, b| (&a.code, &a.fingerprint).cmp(&(&b.code, &b.fingerprint)));
        Baseline {
            version: BASELINE_VERSION,
            findings: entries,
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }

    pub fn from_json(text: &str) -> Result<Baseline, String> {
        let b: Baseline = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if b.version != BASELINE_VERSION {
            return Err(format!(
                "baseline version {} is not {BASELINE_VERSION}",
                b.version
            ));
        }
        Ok(b)
    }

    /// Splits findings into (new, already in the baseline).
    pub fn split(
        &self,
        findings: Vec<Diagnostic>,
        sources: &SourceMap,
    ) -> (Vec<Diagnostic>, Vec<Diagnostic>) {
        let mut left: HashMap<&str, usize> = HashMap::new();
        for e in &self.findings {
            *left.entry(e.fingerprint.as_str()).or_default() += 1;
        }
        let mut fp = Fingerprinter::default();
        findings.into_iter().partition(|d| {
            let print = fp.fingerprint(d, sources);
            match left.get_mut(print.as_str()) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    false
                }
                _ => true,
            }
        })
    }
}
