//! The four safety properties of Figure 3 of the Raft paper, over the model's state and its
//! ghost history, plus two reachability checks that show the model is not vacuous.

use stateright::{Expectation, Property};

use super::model::{RaftModel, RaftState, Role};

pub const ELECTION_SAFETY: &str = "Election Safety";
pub const LOG_MATCHING: &str = "Log Matching";
pub const LEADER_COMPLETENESS: &str = "Leader Completeness";
pub const STATE_MACHINE_SAFETY: &str = "State Machine Safety";
pub const LEADER_ELECTED: &str = "a leader is elected";
pub const ENTRY_COMMITTED: &str = "an entry is committed";

/// Every property, safety first, in the order reports list them.
pub fn all() -> Vec<Property<RaftModel>> {
    vec![
        Property::always(ELECTION_SAFETY, election_safety),
        Property::always(LOG_MATCHING, log_matching),
        Property::always(LEADER_COMPLETENESS, leader_completeness),
        Property::always(STATE_MACHINE_SAFETY, state_machine_safety),
        Property::sometimes(LEADER_ELECTED, leader_elected),
        Property::sometimes(ENTRY_COMMITTED, entry_committed),
    ]
}

/// The property named `name`.
pub fn by_name(name: &str) -> Option<Property<RaftModel>> {
    all().into_iter().find(|p| p.name == name)
}

pub fn is_safety(p: &Property<RaftModel>) -> bool {
    p.expectation == Expectation::Always
}

pub fn leader_elected(m: &RaftModel, s: &RaftState) -> bool {
    m.ids()
        .any(|i| s.servers[usize::from(i)].role == Role::Leader)
}

pub fn entry_committed(_: &RaftModel, s: &RaftState) -> bool {
    !s.committed.is_empty()
}

/// At most one leader is ever elected in a term (the ghost records every election).
pub fn election_safety(_: &RaftModel, s: &RaftState) -> bool {
    let per_term = (1u64 << super::model::MAX_MANAGERS) - 1;
    (0..=super::model::MAX_TERM).all(|t| {
        ((s.elected >> (u32::from(t) * super::model::MAX_MANAGERS as u32)) & per_term).count_ones()
            <= 1
    })
}

/// If two logs contain an entry with the same index and term, they are identical up to it.
pub fn log_matching(m: &RaftModel, s: &RaftState) -> bool {
    m.ids().all(|i| {
        m.ids().filter(|&j| j > i).all(|j| {
            let (a, b) = (s.servers[usize::from(i)].log, s.servers[usize::from(j)].log);
            let common = a.len().min(b.len());
            match (1..=common).rev().find(|&k| a.term_at(k) == b.term_at(k)) {
                Some(k) => (1..k).all(|x| a.term_at(x) == b.term_at(x)),
                None => true,
            }
        })
    })
}

/// An entry committed while some server was in term T is in the log of every leader of a term
/// above T (checked in every reachable state, hence for every leader while it leads).
pub fn leader_completeness(m: &RaftModel, s: &RaftState) -> bool {
    m.ids()
        .map(|i| &s.servers[usize::from(i)])
        .filter(|l| l.role == Role::Leader)
        .all(|l| {
            s.committed
                .iter()
                .filter(|c| l.term > c.at_term)
                .all(|c| l.log.term_at(c.index) == c.term)
        })
}

/// No two servers ever apply different entries at the same index: the ghost of every entry
/// any server committed has one term per index.
pub fn state_machine_safety(_: &RaftModel, s: &RaftState) -> bool {
    s.committed.windows(2).all(|w| w[0].index != w[1].index)
}

/// Why `name` fails in `s`, in one sentence for the report.
pub fn explain(m: &RaftModel, s: &RaftState, name: &str) -> String {
    let id = |i: u8| format!("m{}", i + 1);
    match name {
        ELECTION_SAFETY => (0..=super::model::MAX_TERM)
            .find_map(|t| {
                let leaders: Vec<String> = s.elected_in(t).map(id).collect();
                let all = if leaders.len() == 2 { "both" } else { "all" };
                (leaders.len() > 1).then(|| {
                    format!(
                        "{} were {all} elected leader of term {t}",
                        leaders.join(" and ")
                    )
                })
            })
            .unwrap_or_default(),
        LOG_MATCHING => "two logs share an entry (same index and term) but differ before it".into(),
        LEADER_COMPLETENESS => m
            .ids()
            .filter(|&i| s.servers[usize::from(i)].role == Role::Leader)
            .find_map(|i| {
                let l = &s.servers[usize::from(i)];
                s.committed
                    .iter()
                    .find(|c| l.term > c.at_term && l.log.term_at(c.index) != c.term)
                    .map(|c| {
                        format!(
                            "{} leads term {} without entry {}@t{}, committed in term {}",
                            id(i),
                            l.term,
                            c.index,
                            c.term,
                            c.at_term
                        )
                    })
            })
            .unwrap_or_default(),
        STATE_MACHINE_SAFETY => s
            .committed
            .windows(2)
            .find(|w| w[0].index == w[1].index)
            .map(|w| {
                format!(
                    "index {} was applied with term {} and with term {}",
                    w[0].index, w[0].term, w[1].term
                )
            })
            .unwrap_or_default(),
        _ => String::new(),
    }
}
