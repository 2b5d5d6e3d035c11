//! Stable diagnostic codes. A code is `SP` and four digits, grouped by the check that emits it:
//! SP00xx input and YAML, SP01xx schema and values, SP02xx constraints, SP03xx inventory,
//! SP1xxx placement, SP2xxx scheduler simulation, SP3xxx rolling updates, SP4xxx quorum and Raft,
//! SP5xxx dependencies, networks and storage, SP6xxx changes between two stacks (`diff`). Codes are never renumbered or reused; each area
//! declares its codes next to its code with [`declare_codes!`] and lists them in [`all`].

use serde::{Serialize, Serializer};

/// A diagnostic code with its short name and the long text of `swarmproof explain CODE`.
#[derive(Debug, PartialEq, Eq)]
pub struct Code {
    /// `SP0101`-style identifier; stable across releases.
    pub id: &'static str,
    /// kebab-case name, also accepted by `explain`.
    pub name: &'static str,
    /// The severities the code is reported with, most severe first (`error / warning`), as
    /// `explain` prints them and `docs/findings.md` lists them.
    pub severity: &'static str,
    /// One line: what the code is about.
    pub summary: &'static str,
    /// What Swarm does, why it matters, how to fix it.
    pub explanation: &'static str,
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id)
    }
}

/// Declares `pub static NAME: Code` items and an `ALL` slice listing them.
#[macro_export]
macro_rules! declare_codes {
    ($( $(#[$meta:meta])* $ident:ident = ($id:literal, $name:literal, $severity:literal, $summary:literal, $explanation:literal); )*) => {
        $( $(#[$meta])* pub static $ident: $crate::diagnostics::Code = $crate::diagnostics::Code {
            id: $id, name: $name, severity: $severity, summary: $summary, explanation: $explanation,
        }; )*
        /// Every code this module declares.
        pub static ALL: &[&$crate::diagnostics::Code] = &[$(&$ident),*];
    };
}

/// Every code of every check, in id order.
pub fn all() -> Vec<&'static Code> {
    let mut codes: Vec<&'static Code> = [
        crate::loading::codes::ALL,
        crate::placement::codes::ALL,
        crate::scheduler::codes::ALL,
        crate::rollout::codes::ALL,
        crate::raft::codes::ALL,
        crate::graph::codes::ALL,
        crate::diff::codes::ALL,
        crate::suppress::codes::ALL,
    ]
    .into_iter()
    .flatten()
    .copied()
    .collect();
    codes.sort_by_key(|c| c.id);
    codes
}

/// The check a code belongs to, from its number range: the name of the verdict its findings
/// explain (`load`, `placement`, `scheduler`, `rollout`, `quorum`, `graph`).
pub fn check_of(code_id: &str) -> &'static str {
    match code_id.as_bytes().get(2) {
        Some(b'0') => "load",
        Some(b'1') => "placement",
        Some(b'2') => "scheduler",
        Some(b'3') => "rollout",
        Some(b'4') => "quorum",
        Some(b'5') => "graph",
        Some(b'6') => "diff",
        _ => "other",
    }
}

/// Looks a code up by id (`SP0101`, any case) or by name (`depends-on-ignored`).
pub fn find(query: &str) -> Option<&'static Code> {
    all()
        .into_iter()
        .find(|c| c.id.eq_ignore_ascii_case(query) || c.name == query)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_and_names_are_unique_and_well_formed() {
        let codes = all();
        let mut ids = HashSet::new();
        let mut names = HashSet::new();
        for c in &codes {
            assert!(ids.insert(c.id), "duplicate id {}", c.id);
            assert!(names.insert(c.name), "duplicate name {}", c.name);
            assert!(
                c.id.len() == 6
                    && c.id.starts_with("SP")
                    && c.id[2..].bytes().all(|b| b.is_ascii_digit()),
                "bad id {}",
                c.id
            );
            assert!(c
                .name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
            assert!(!c.summary.is_empty() && c.explanation.len() > c.summary.len());
        }
    }

    // docs/findings.md lists every code, once, with the severity `explain` prints.
    #[test]
    fn the_findings_table_lists_every_code_with_its_severity() {
        let table = include_str!("../../docs/findings.md");
        let rows: Vec<(&str, &str, &str)> = table
            .lines()
            .filter(|l| l.starts_with("| SP"))
            .map(|l| {
                let cells: Vec<&str> = l.split(" | ").map(str::trim).collect();
                (
                    cells[0].trim_start_matches("| "),
                    cells[1].trim_matches('`'),
                    cells[2],
                )
            })
            .collect();
        let codes = all();
        assert_eq!(rows.len(), codes.len(), "one row per code");
        for c in codes {
            let row = rows.iter().find(|r| r.0 == c.id);
            assert_eq!(
                row,
                Some(&(c.id, c.name, c.severity)),
                "docs/findings.md row of {}",
                c.id
            );
            for part in c.severity.split(" / ") {
                let level = part.split(' ').next().unwrap_or("");
                assert!(
                    ["error", "warning", "info"].contains(&level),
                    "{}: {}",
                    c.id,
                    c.severity
                );
            }
        }
    }
}
