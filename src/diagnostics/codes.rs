//! Stable diagnostic codes. A code is `SP` and four digits, grouped by the check that emits it:
//! SP00xx input and YAML, SP01xx schema and values, SP02xx constraints, SP03xx inventory,
//! SP1xxx placement, SP2xxx scheduler simulation, SP3xxx rolling updates, SP4xxx quorum and Raft,
//! SP5xxx dependencies, networks and storage, SP6xxx changes between two stacks (`diff`). Codes are never renumbered or reused; each area
//! declares its codes next to its code with [`declare_codes!`]. Which codes exist and which
//! check each belongs to is the check list's (`checks.rs`), handed to the renderers as a
//! [`Catalog`]: diagnostics knows no check.

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

/// The codes of one check: the name of the verdict its findings explain (`load`,
/// `placement`, …) and the `ALL` slices of the areas that declare them.
#[derive(Debug)]
pub struct CodeGroup {
    pub check: &'static str,
    pub codes: &'static [&'static [&'static Code]],
}

impl CodeGroup {
    /// Whether `code` is one of this group's.
    pub fn owns(&self, code: &Code) -> bool {
        self.codes
            .iter()
            .any(|area| area.iter().any(|c| c.id == code.id))
    }
}

/// Every code a run may report, grouped by check.
#[derive(Clone, Copy, Debug)]
pub struct Catalog(pub &'static [&'static CodeGroup]);

impl Catalog {
    /// Every code, in id order.
    pub fn all(&self) -> Vec<&'static Code> {
        let mut codes: Vec<&'static Code> = self
            .0
            .iter()
            .flat_map(|g| g.codes.iter().copied().flatten().copied())
            .collect();
        codes.sort_by_key(|c| c.id);
        codes
    }

    /// The check a code belongs to (`other` for a code no check declares).
    pub fn check_of(&self, code: &Code) -> &'static str {
        self.0
            .iter()
            .find(|g| g.owns(code))
            .map_or("other", |g| g.check)
    }

    /// Looks a code up by id (`SP0101`, any case) or by name (`depends-on-ignored`).
    pub fn find(&self, query: &str) -> Option<&'static Code> {
        self.all()
            .into_iter()
            .find(|c| c.id.eq_ignore_ascii_case(query) || c.name == query)
    }
}
