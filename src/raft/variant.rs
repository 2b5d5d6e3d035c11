//! Teaching variants: each removes exactly one rule of Raft, and each must produce a
//! counterexample to the property that rule protects. `docs/raft.md` has one paragraph each.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use super::message::{Kind, Message};
use super::model::{Action, Bounds};
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
        match self {
            Variant::NoPersistence => Bounds {
                max_term: 1,
                max_log: 0,
                max_crashes: 1,
            },
            Variant::NoLogCheck => Bounds {
                max_term: 2,
                max_log: 1,
                max_crashes: 0,
            },
            Variant::CommitOldTerms => Bounds {
                max_term: 4,
                max_log: 1,
                max_crashes: 0,
            },
            Variant::AcceptStaleTerm => Bounds {
                max_term: 3,
                max_log: 1,
                max_crashes: 0,
            },
        }
    }
}

/// Delivery of a message with the given fields (the rest zero) in a scripted scenario.
fn deliver(kind: Kind, src: u8, dst: u8, term: u8, index: u8, log_term: u8) -> Action {
    Action::Deliver {
        message: Message {
            kind,
            src,
            dst,
            term,
            index,
            log_term,
            entry: None,
            commit: 0,
            success: kind == Kind::Vote,
        },
    }
}

impl Variant {
    /// A textbook scenario for 3 managers, for a variant whose shortest counterexample lies
    /// deeper than breadth-first search can afford: Figure 8 of the Raft paper, 23 steps at
    /// term 4. It is only ever used after replay on the model confirms it.
    pub fn scenario(self) -> Option<Vec<Action>> {
        use Action::*;
        use Kind::*;
        let append = |term, index, log_term, entry, success| Action::Deliver {
            message: Message {
                kind: Append,
                src: 0,
                dst: 2,
                term,
                index,
                log_term,
                entry,
                commit: 0,
                success,
            },
        };
        let reply = |success, index| Action::Deliver {
            message: Message {
                kind: AppendReply,
                src: 2,
                dst: 0,
                term: 3,
                index,
                log_term: 0,
                entry: None,
                commit: 0,
                success,
            },
        };
        (self == Variant::CommitOldTerms).then(|| {
            vec![
                // m1 leads term 1 with m3's vote and appends an entry nobody else gets.
                Timeout { server: 0 },
                deliver(RequestVote, 0, 2, 1, 0, 0),
                deliver(Vote, 2, 0, 1, 0, 0),
                ClientRequest { server: 0 },
                // m2 leads term 2 with m3's vote and appends a conflicting entry.
                Timeout { server: 1 },
                Timeout { server: 1 },
                deliver(RequestVote, 1, 2, 2, 0, 0),
                deliver(Vote, 2, 1, 2, 0, 0),
                ClientRequest { server: 1 },
                // m1 learns term 2, then leads term 3 with m3's vote.
                deliver(RequestVote, 1, 0, 2, 0, 0),
                Timeout { server: 0 },
                deliver(RequestVote, 0, 2, 3, 1, 1),
                deliver(Vote, 2, 0, 3, 0, 0),
                // m1 copies its term-1 entry to m3 and commits it by counting replicas.
                SendAppend { from: 0, to: 2 },
                append(3, 1, 1, None, false),
                reply(false, 1),
                SendAppend { from: 0, to: 2 },
                append(3, 0, 0, Some(1), false),
                reply(true, 1),
                // m2 wins term 4 with its term-2 entry, without the committed one.
                deliver(RequestVote, 0, 1, 3, 1, 1),
                Timeout { server: 1 },
                deliver(RequestVote, 1, 2, 4, 1, 2),
                deliver(Vote, 2, 1, 4, 0, 0),
            ]
        })
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
