//! Raft messages, typed for the logic and rendering and packed into a `u32` for the state: the
//! network is a set of these, so its hashing and comparison are what the checker pays for.

use std::fmt;

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    RequestVote,
    /// A granted vote (refusals change nothing at the candidate, so they are not sent).
    Vote,
    Append,
    AppendReply,
}

/// One message. Field use by kind: `RequestVote` — `index`/`log_term` are the candidate's last
/// log index and term; `Append` — `index`/`log_term` are prevLogIndex/prevLogTerm, `entry` the
/// term of the one entry carried (none for a heartbeat), `commit` the leader's commit index;
/// `AppendReply` — `success`, and `index` is the follower's last matching index on success or
/// the rejected prevLogIndex on failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Message {
    pub kind: Kind,
    pub src: u8,
    pub dst: u8,
    pub term: u8,
    pub index: u8,
    pub log_term: u8,
    pub entry: Option<u8>,
    pub commit: u8,
    pub success: bool,
}

impl Message {
    /// The answer to `m`, from its receiver.
    pub fn reply(m: &Message, term: u8, success: bool, index: u8) -> Message {
        Message {
            kind: match m.kind {
                Kind::RequestVote => Kind::Vote,
                _ => Kind::AppendReply,
            },
            src: m.dst,
            dst: m.src,
            term,
            index,
            log_term: 0,
            entry: None,
            commit: 0,
            success,
        }
    }
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            Kind::RequestVote => write!(
                f,
                "RequestVote(term {}, last log {}@t{})",
                self.term, self.index, self.log_term
            ),
            Kind::Vote => write!(f, "Vote(term {})", self.term),
            Kind::Append => {
                write!(
                    f,
                    "AppendEntries(term {}, prev {}@t{}, ",
                    self.term, self.index, self.log_term
                )?;
                match self.entry {
                    Some(t) => write!(f, "entry t{t}")?,
                    None => write!(f, "heartbeat")?,
                }
                write!(f, ", commit {})", self.commit)
            }
            Kind::AppendReply if self.success => {
                write!(
                    f,
                    "AppendReply(term {}, ok, match {})",
                    self.term, self.index
                )
            }
            Kind::AppendReply => write!(
                f,
                "AppendReply(term {}, reject prev {})",
                self.term, self.index
            ),
        }
    }
}

/// A message in 29 bits. Ordering is by the packed value; any total order serves the set.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Packed(u32);

impl Packed {
    /// Every field fits 4 bits (terms ≤ 11, indices ≤ 7, ids ≤ 4), as `RaftModel::new` checks.
    pub fn pack(m: &Message) -> Packed {
        let kind = m.kind as u32;
        let entry = m.entry.map_or(0, |t| u32::from(t) + 1);
        Packed(
            kind | u32::from(m.src) << 2
                | u32::from(m.dst) << 5
                | u32::from(m.term) << 8
                | u32::from(m.index) << 12
                | u32::from(m.log_term) << 16
                | entry << 20
                | u32::from(m.commit) << 24
                | u32::from(m.success) << 28,
        )
    }

    pub fn unpack(self) -> Message {
        let v = self.0;
        let field = |shift: u32, bits: u32| ((v >> shift) & ((1 << bits) - 1)) as u8;
        Message {
            kind: match v & 3 {
                0 => Kind::RequestVote,
                1 => Kind::Vote,
                2 => Kind::Append,
                _ => Kind::AppendReply,
            },
            src: field(2, 3),
            dst: field(5, 3),
            term: field(8, 4),
            index: field(12, 4),
            log_term: field(16, 4),
            entry: field(20, 4).checked_sub(1),
            commit: field(24, 4),
            success: field(28, 1) == 1,
        }
    }
}

impl fmt::Debug for Packed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let m = self.unpack();
        write!(f, "m{}→m{} {m}", m.src + 1, m.dst + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn pack_round_trips(kind in 0u8..4, src in 0u8..5, dst in 0u8..5, term in 0u8..12,
                            index in 0u8..8, log_term in 0u8..12, entry in proptest::option::of(0u8..12),
                            commit in 0u8..8, success: bool) {
            let m = Message {
                kind: [Kind::RequestVote, Kind::Vote, Kind::Append, Kind::AppendReply][usize::from(kind)],
                src, dst, term, index, log_term, entry, commit, success,
            };
            prop_assert_eq!(Packed::pack(&m).unpack(), m);
        }
    }
}
