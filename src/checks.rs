//! The check list: every check of swarmproof with the name of its verdict, what it needs, what
//! bounds it and the diagnostic codes its findings carry; and the one shape a check has
//! ([`Check`]: its input, its [`Outcome`] of verdict, evidence and findings). `check`, `plan`,
//! `simulate` and `update` run checks of this list (`crate::check`); the list of all codes and
//! the grouping of findings by check (JUnit suites, suppressions, the labs) are read from here.

use crate::check::RunBounds;
use crate::diagnostics::{Catalog, Code, CodeGroup, Diagnostic};
use crate::report::{Report, Verdict};

/// What a check needs before it can run; without it, its verdict is `skipped` and says so.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Needs {
    /// The stack files (and the inventory, when given).
    Stack,
    /// The stack and the inventory.
    Cluster,
    /// A validated placement plan of the stack on the inventory.
    Plan,
    /// The inventory alone.
    Inventory,
    /// The bounds of a model, no input file.
    Bounds,
}

/// One entry of the check list.
#[derive(Debug)]
pub struct CheckSpec {
    /// The verdict's name (`placement`) and the codes of the check's findings.
    pub codes: CodeGroup,
    pub needs: Needs,
    /// The bounds its search runs under, besides the run's `--timeout` and `--max-memory`.
    pub bound: &'static str,
}

impl CheckSpec {
    /// The key of the check's verdict in a report.
    pub fn name(&self) -> &'static str {
        self.codes.check
    }

    /// Whether `code` is one of this check's.
    pub fn owns(&self, code: &Code) -> bool {
        self.codes.owns(code)
    }
}

/// One check: what it needs (`Input`), what it returns (an [`Outcome`]) and the run's bounds,
/// which cut its own limits.
pub trait Check {
    const SPEC: &'static CheckSpec;
    type Input<'a>;
    /// What the commands print beyond the verdict (a plan, results per service).
    type Evidence;
    fn run(input: Self::Input<'_>, bounds: &RunBounds) -> Outcome<Self::Evidence>;
}

/// What a check returns: its verdict (with typed details), its evidence and its findings.
pub struct Outcome<E> {
    pub verdict: Verdict,
    pub evidence: E,
    pub findings: Vec<Diagnostic>,
}

impl<E> Outcome<E> {
    /// Adds the verdict, under the check's name, and the findings to `report`; returns the
    /// evidence.
    pub fn record(self, spec: &CheckSpec, report: &mut Report) -> E {
        report.findings.extend(self.findings);
        report
            .verdicts
            .insert(spec.name().to_string(), self.verdict);
        self.evidence
    }
}

pub static LOAD: CheckSpec = CheckSpec {
    // Suppression findings are about the input files: they are filed with the loader's.
    codes: CodeGroup {
        check: "load",
        codes: &[crate::loading::codes::ALL, crate::suppress::codes::ALL],
    },
    needs: Needs::Stack,
    bound: "input size and YAML expansion budgets",
};

pub static PLACEMENT: CheckSpec = CheckSpec {
    codes: CodeGroup {
        check: "placement",
        codes: &[crate::placement::codes::ALL],
    },
    needs: Needs::Cluster,
    bound: "--timeout-ms over the whole decision",
};

pub static GRAPH: CheckSpec = CheckSpec {
    codes: CodeGroup {
        check: "graph",
        codes: &[crate::graph::codes::ALL],
    },
    needs: Needs::Stack,
    bound: "none: polynomial graph algorithms",
};

pub static SCHEDULER: CheckSpec = CheckSpec {
    codes: CodeGroup {
        check: "scheduler",
        codes: &[crate::scheduler::codes::ALL],
    },
    needs: Needs::Cluster,
    bound: "units of work, runs and memo bytes (ExploreOptions::scaled); skipped above 5,000,000 task-node pairs",
};

pub static ROLLOUT: CheckSpec = CheckSpec {
    codes: CodeGroup {
        check: "rollout",
        codes: &[crate::rollout::codes::ALL],
    },
    needs: Needs::Plan,
    bound: "states, memory and time per service (rollout::Options)",
};

pub static QUORUM: CheckSpec = CheckSpec {
    codes: CodeGroup {
        check: "quorum",
        codes: &[crate::raft::codes::ALL],
    },
    needs: Needs::Inventory,
    bound: "failure sets listed up to a count",
};

pub static RAFT: CheckSpec = CheckSpec {
    codes: CodeGroup {
        check: "raft",
        codes: &[crate::raft::codes::model::ALL],
    },
    needs: Needs::Bounds,
    bound: "term, log and crash bounds of the model, --timeout",
};

pub static DIFF: CheckSpec = CheckSpec {
    codes: CodeGroup {
        check: "diff",
        codes: &[crate::diff::codes::ALL],
    },
    needs: Needs::Stack,
    bound: "the rollout check's bounds for each rolling update the change starts",
};

/// Every check, in the order `check` runs them (then `raft` and `diff`, which run alone).
pub static CHECKS: [&CheckSpec; 8] = [
    &LOAD, &PLACEMENT, &GRAPH, &SCHEDULER, &ROLLOUT, &QUORUM, &RAFT, &DIFF,
];

/// Every code, grouped by check, for the renderers and `explain`.
pub static CATALOG: Catalog = Catalog(&[
    &LOAD.codes,
    &PLACEMENT.codes,
    &GRAPH.codes,
    &SCHEDULER.codes,
    &ROLLOUT.codes,
    &QUORUM.codes,
    &RAFT.codes,
    &DIFF.codes,
]);

/// The check a code belongs to: the name of the verdict its findings explain.
pub fn check_of(code: &Code) -> &'static str {
    CATALOG.check_of(code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn the_catalog_lists_every_check_of_the_list() {
        let names: Vec<_> = CHECKS.iter().map(|c| c.name()).collect();
        let grouped: Vec<_> = CATALOG.0.iter().map(|g| g.check).collect();
        assert_eq!(names, grouped);
    }

    // Each check's codes keep to its number range (the ranges `docs/findings.md` documents),
    // and every code belongs to one check.
    #[test]
    fn each_code_belongs_to_one_check_in_its_range() {
        for code in CATALOG.all() {
            let owners: Vec<_> = CHECKS.iter().filter(|c| c.owns(code)).collect();
            assert_eq!(owners.len(), 1, "{} belongs to one check", code.id);
            let expected = match code.id.as_bytes()[2] {
                b'0' => "load",
                b'1' => "placement",
                b'2' => "scheduler",
                b'3' => "rollout",
                b'4' if code.id >= "SP4050" => "raft",
                b'4' => "quorum",
                b'5' => "graph",
                b'6' => "diff",
                _ => "other",
            };
            assert_eq!(owners[0].name(), expected, "{}", code.id);
        }
    }

    #[test]
    fn ids_and_names_are_unique_and_well_formed() {
        let codes = CATALOG.all();
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

    // diagnostics/ declares the `Code` type and renders; which codes exist and which check
    // they belong to is this module's, handed to it as a `Catalog`.
    #[test]
    fn diagnostics_imports_no_check() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/diagnostics");
        let mut dirs = vec![root];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).expect("src/diagnostics is readable") {
                let path = entry.expect("a directory entry").path();
                if path.is_dir() {
                    dirs.push(path);
                    continue;
                }
                let text = std::fs::read_to_string(&path).expect("a source file");
                // Tests may compare with the real catalog; the code above them may not.
                let code = text.split("#[cfg(test)]").next().unwrap_or("");
                for area in CHECK_AREAS {
                    assert!(
                        !code.contains(&format!("crate::{area}")),
                        "{} names crate::{area}",
                        path.display()
                    );
                }
            }
        }
    }

    /// The modules that implement checks, and the check list itself.
    const CHECK_AREAS: &[&str] = &[
        "checks",
        "check::",
        "loading",
        "placement",
        "scheduler",
        "rollout",
        "raft",
        "graph",
        "lab",
    ];

    // docs/findings.md lists every code, once, with the severity `explain` prints.
    #[test]
    fn the_findings_table_lists_every_code_with_its_severity() {
        let table = include_str!("../docs/findings.md");
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
        let codes = CATALOG.all();
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
