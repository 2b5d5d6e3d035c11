//! How a person reads the Raft model in stateright's Explorer (`swarmproof explore raft`):
//! one line per manager m1.. (role, term, vote, log, commit), the messages in flight from
//! manager to manager, and a legend.

use std::fmt::Write as _;

use super::model::{RaftModel, RaftState, Role};
use crate::modelcheck::explorer::Explain;

fn id(i: u8) -> String {
    format!("m{}", i + 1)
}

fn role(r: Role) -> &'static str {
    match r {
        Role::Follower => "follower",
        Role::Candidate => "candidate",
        Role::Leader => "leader",
    }
}

impl Explain for RaftModel {
    fn describe(&self, s: &RaftState) -> String {
        let mut out = String::new();
        for i in self.ids() {
            let sv = &s.servers[usize::from(i)];
            let log: Vec<String> = sv.log.terms().map(|t| t.to_string()).collect();
            let _ = write!(
                out,
                "{}  {:<9}  term {}  vote {:<2}  log [{}]  commit {}",
                id(i),
                role(sv.role),
                sv.term,
                sv.voted_for().map_or("-".to_string(), id),
                log.join(","),
                sv.commit
            );
            match sv.role {
                Role::Candidate => {
                    let votes: Vec<String> = self
                        .ids()
                        .filter(|&j| sv.votes >> j & 1 == 1)
                        .map(id)
                        .collect();
                    let _ = write!(out, "  votes from {}", votes.join(" "));
                }
                Role::Leader => {
                    let peers: Vec<String> = self
                        .ids()
                        .filter(|&j| j != i)
                        .map(|j| {
                            let j_ = usize::from(j);
                            format!("{} next {} match {}", id(j), sv.next[j_], sv.matched[j_])
                        })
                        .collect();
                    let _ = write!(out, "  ({})", peers.join("; "));
                }
                Role::Follower => {}
            }
            out.push('\n');
        }
        let messages: Vec<_> = s.messages().collect();
        if messages.is_empty() {
            out.push_str("no message in flight\n");
        } else {
            let _ = writeln!(out, "in flight ({}):", messages.len());
            for m in messages {
                let _ = writeln!(out, "  {} -> {}  {m}", id(m.src), id(m.dst));
            }
        }
        let committed: Vec<String> = s
            .committed
            .iter()
            .map(|c| format!("entry {} (term {})", c.index, c.term))
            .collect();
        let _ = write!(
            out,
            "committed so far: {}; crashes {} of at most {}",
            if committed.is_empty() {
                "nothing".to_string()
            } else {
                committed.join(", ")
            },
            s.crashes,
            self.bounds.max_crashes
        );
        out
    }

    fn legend(&self) -> Vec<(String, String)> {
        let names: Vec<String> = self.ids().map(id).collect();
        vec![
            (
                "managers".into(),
                format!(
                    "{} ({} of them: a quorum is {}){}",
                    names.join(", "),
                    self.managers,
                    self.quorum(),
                    self.variant
                        .map_or(String::new(), |v| format!("; rule removed: {v}"))
                ),
            ),
            (
                "role, term, vote".into(),
                "follower, candidate or leader; the current term; whom the manager voted for \
                 in it (persisted, with the log)"
                    .into(),
            ),
            (
                "log [1,2]".into(),
                "the term of each entry, by index from 1; commit n: entries 1..n committed".into(),
            ),
            (
                "next / match".into(),
                "a leader's next index to send each peer, and the last index it knows matches"
                    .into(),
            ),
            (
                "in flight".into(),
                "messages sent and not yet delivered (delivery may reorder, repeat or lose them), \
                 written sender -> receiver"
                    .into(),
            ),
            (
                "prev 1@t1".into(),
                "AppendEntries' previous entry: index 1, of term 1".into(),
            ),
            (
                "bounds".into(),
                format!(
                    "terms up to {}, logs up to {}, up to {}",
                    self.bounds.max_term,
                    crate::text::count_as(usize::from(self.bounds.max_log), "entry", "entries"),
                    crate::text::count_as(usize::from(self.bounds.max_crashes), "crash", "crashes")
                ),
            ),
            (
                "links".into(),
                "a property's link opens its counterexample; Path of Actions steps back".into(),
            ),
        ]
    }
}
