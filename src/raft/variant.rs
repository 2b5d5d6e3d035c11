//! Teaching variants: each removes exactly one rule of Raft, and each must produce a
//! counterexample to the property that rule protects. `docs/raft.md` has one paragraph each.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use super::model::Bounds;
use super::properties;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Variant {
    /// A restart forgets the current term and the vote (nothing is persisted).
    NoPersistence,
    /// Votes are granted without checking that the candidate's log is at least as up to date.
    NoLogCheck,
    /// A leader commits entries of earlier terms by counting replicas (Figure 8).
    CommitOldTerms,
    /// A follower accepts AppendEntries from a leader of a lower term.
    AcceptStaleTerm,
}

impl Variant {
    pub const ALL: [Variant; 4] = [
        Variant::NoPersistence,
        Variant::NoLogCheck,
        Variant::CommitOldTerms,
        Variant::AcceptStaleTerm,
    ];

    /// The name `--variant` takes.
    pub fn name(self) -> &'static str {
        match self {
            Variant::NoPersistence => "no-persistence",
            Variant::NoLogCheck => "no-log-check",
            Variant::CommitOldTerms => "commit-old-terms",
            Variant::AcceptStaleTerm => "accept-stale-term",
        }
    }

    /// The rule the variant breaks, as the paper states it.
    pub fn rule(self) -> &'static str {
        match self {
            Variant::NoPersistence => {
                "currentTerm and votedFor are persistent state: updated on stable storage before responding to RPCs (Figure 2)"
            }
            Variant::NoLogCheck => {
                "a vote is granted only if the candidate's log is at least as up-to-date as the voter's (§5.4.1)"
            }
            Variant::CommitOldTerms => {
                "a leader commits by counting replicas only entries of its current term (§5.4.2, Figure 8)"
            }
            Variant::AcceptStaleTerm => {
                "AppendEntries replies false if term < currentTerm (Figure 2, §5.1)"
            }
        }
    }

    /// The property whose counterexample the variant is meant to show.
    pub fn breaks(self) -> &'static str {
        match self {
            Variant::NoPersistence => properties::ELECTION_SAFETY,
            Variant::NoLogCheck | Variant::CommitOldTerms | Variant::AcceptStaleTerm => {
                properties::LEADER_COMPLETENESS
            }
        }
    }

    /// Small bounds under which the counterexample exists (3 managers suffice for all).
    pub fn bounds(self) -> Bounds {
        let (max_term, max_log, max_crashes) = match self {
            Variant::NoPersistence => (1, 0, 1),
            Variant::NoLogCheck => (2, 1, 0),
            Variant::CommitOldTerms => (4, 1, 0),
            Variant::AcceptStaleTerm => (3, 1, 0),
        };
        Bounds {
            max_term,
            max_log,
            max_crashes,
        }
    }
}

impl fmt::Display for Variant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Variant {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        Variant::ALL
            .into_iter()
            .find(|v| v.name() == s)
            .ok_or_else(|| {
                let names: Vec<_> = Variant::ALL.iter().map(|v| v.name()).collect();
                format!(
                    "unknown variant `{s}`; expected one of {}",
                    names.join(", ")
                )
            })
    }
}
