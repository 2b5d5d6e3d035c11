//! The Raft model of Swarm's managers (etcd raft as swarmkit runs it, Reference §4.1): terms,
//! votes, logs, commit, elections with timeouts as nondeterminism, CheckQuorum as a leader that
//! may step down at any time, no PreVote, crash-restart that keeps the persisted term, vote and
//! log. `specs/raft.md` states it formally and argues the abstractions.
//!
//! The state is compact on purpose: a log is a `u32` of 4-bit terms, a message a `u32`, the
//! network a sorted set of messages (delivery does not consume, which models duplication and
//! reordering; loss is a message never delivered).

use std::fmt;

use serde::Serialize;

use super::message::{Kind, Message, Packed};
use super::variant::Variant;
use crate::modelcheck::{Interruptible, Stop};

/// Largest number of managers the model packs (ids fit 3 bits, masks a `u8`).
pub const MAX_MANAGERS: usize = 5;
/// Largest term: the ghost `elected` set packs `MAX_MANAGERS` bits per term in a `u64`.
pub const MAX_TERM: u8 = 11;
/// Largest log length: 7 entries of 4 bits fit a `u32`, and indices fit a message field.
pub const MAX_LOG: u8 = 7;
/// Largest number of crashes (the counter is a `u8`; more is never useful).
pub const MAX_CRASHES: u8 = 7;

/// What makes the state space finite.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Bounds {
    /// No server times out beyond this term.
    pub max_term: u8,
    /// No leader appends beyond this many entries.
    pub max_log: u8,
    /// Total crash-restarts over a run.
    pub max_crashes: u8,
}

impl Default for Bounds {
    /// The documented default (`specs/raft.md`): 3 managers check exhaustively in seconds.
    /// The benchmark's larger bounds (term 2, log 2, 1 crash) take minutes.
    fn default() -> Self {
        Bounds {
            max_term: 2,
            max_log: 1,
            max_crashes: 1,
        }
    }
}

/// A bound out of the ranges the state packs into.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct BoundsError(pub String);

/// The model checked: `managers` servers under `bounds`, optionally with one rule removed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RaftModel {
    pub managers: u8,
    pub bounds: Bounds,
    pub variant: Option<Variant>,
    /// When a depth-first check must stop: past it, no state is within the boundary.
    #[serde(skip)]
    stop: Stop,
}

impl RaftModel {
    pub fn new(
        managers: usize,
        bounds: Bounds,
        variant: Option<Variant>,
    ) -> Result<Self, BoundsError> {
        if !(1..=MAX_MANAGERS).contains(&managers) {
            return Err(BoundsError(format!(
                "the Raft model supports 1 to {MAX_MANAGERS} managers, not {managers}"
            )));
        }
        if !(1..=MAX_TERM).contains(&bounds.max_term) {
            return Err(BoundsError(format!(
                "max term must be 1 to {MAX_TERM}, not {}",
                bounds.max_term
            )));
        }
        if bounds.max_log > MAX_LOG {
            return Err(BoundsError(format!(
                "max log length must be 0 to {MAX_LOG}, not {}",
                bounds.max_log
            )));
        }
        if bounds.max_crashes > MAX_CRASHES {
            return Err(BoundsError(format!(
                "max crashes must be 0 to {MAX_CRASHES}, not {}",
                bounds.max_crashes
            )));
        }
        Ok(RaftModel {
            managers: managers as u8,
            bounds,
            variant,
            stop: Stop::default(),
        })
    }

    pub(crate) fn ids(&self) -> impl Iterator<Item = u8> + Clone {
        0..self.managers
    }

    /// A majority of the members.
    pub fn quorum(&self) -> u32 {
        u32::from(self.managers) / 2 + 1
    }

    fn has(&self, v: Variant) -> bool {
        self.variant == Some(v)
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Role {
    #[default]
    Follower,
    Candidate,
    Leader,
}

/// A log of at most `MAX_LOG` entries, each identified by its term (the model's client values
/// carry no payload: an entry is its index and term). Indices are 1-based as in the paper.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Log {
    terms: u32,
    len: u8,
}

impl Log {
    pub fn len(self) -> u8 {
        self.len
    }

    pub fn is_empty(self) -> bool {
        self.len == 0
    }

    /// The term of entry `index`, 0 for index 0 (the empty prefix) or past the end.
    pub fn term_at(self, index: u8) -> u8 {
        if index == 0 || index > self.len {
            0
        } else {
            ((self.terms >> (4 * u32::from(index - 1))) & 0xF) as u8
        }
    }

    pub fn last_term(self) -> u8 {
        self.term_at(self.len)
    }

    /// Appends an entry; callers keep `len < MAX_LOG`.
    pub fn push(&mut self, term: u8) {
        self.terms |= u32::from(term & 0xF) << (4 * u32::from(self.len));
        self.len += 1;
    }

    /// Keeps the first `len` entries.
    pub fn truncate(&mut self, len: u8) {
        if len < self.len {
            self.len = len;
            self.terms &= (1u32 << (4 * u32::from(len))) - 1;
        }
    }

    pub fn terms(self) -> impl Iterator<Item = u8> {
        (1..=self.len).map(move |i| self.term_at(i))
    }

    pub fn from_terms(terms: &[u8]) -> Self {
        let mut log = Log::default();
        for &t in terms {
            log.push(t);
        }
        log
    }
}

impl fmt::Debug for Log {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.terms()).finish()
    }
}

/// One manager. `term`, `voted_for` and `log` are persisted (etcd's HardState and WAL); the
/// rest is volatile and lost on a crash. `next`/`matched` are meaningful for a leader only and
/// zero otherwise, so that equal situations are equal states.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Server {
    pub term: u8,
    /// 0 for none, else the id + 1.
    vote: u8,
    pub role: Role,
    pub commit: u8,
    pub log: Log,
    /// Votes received as a candidate, one bit per id.
    pub votes: u8,
    pub next: [u8; MAX_MANAGERS],
    pub matched: [u8; MAX_MANAGERS],
}

impl Server {
    pub fn voted_for(&self) -> Option<u8> {
        self.vote.checked_sub(1)
    }

    pub(crate) fn set_vote(&mut self, id: Option<u8>) {
        self.vote = id.map_or(0, |i| i + 1);
    }

    fn become_follower(&mut self) {
        self.role = Role::Follower;
        self.votes = 0;
        self.next = [0; MAX_MANAGERS];
        self.matched = [0; MAX_MANAGERS];
    }
}

impl fmt::Debug for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} t{} ", self.role, self.term)?;
        match self.voted_for() {
            Some(v) => write!(f, "vote=m{} ", v + 1)?,
            None => write!(f, "vote=- ")?,
        }
        write!(f, "log={:?} commit={}", self.log, self.commit)?;
        if self.role == Role::Leader {
            write!(f, " next={:?} match={:?}", self.next, self.matched)?;
        }
        Ok(())
    }
}

/// Ghost record of a committed entry: index, entry term, and the term of the server that
/// committed it (the smallest such term is kept).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Committed {
    pub index: u8,
    pub term: u8,
    pub at_term: u8,
}

/// A global state: the servers, the messages in flight, and ghost history for the properties.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RaftState {
    /// How many of `servers` take part (constant; kept here for the symmetry function).
    pub managers: u8,
    pub servers: [Server; MAX_MANAGERS],
    /// Sorted, without duplicates.
    pub network: Vec<Packed>,
    /// Ghost: bit `term * MAX_MANAGERS + id` is set once `id` became leader in `term`.
    pub elected: u64,
    /// Ghost: every entry ever committed by any server, sorted.
    pub committed: Vec<Committed>,
    pub crashes: u8,
}

impl RaftState {
    /// Who became leader of `term`, as ids.
    pub fn elected_in(&self, term: u8) -> impl Iterator<Item = u8> + '_ {
        (0..MAX_MANAGERS as u8).filter(move |&i| self.elected & elected_bit(term, i) != 0)
    }

    pub fn messages(&self) -> impl Iterator<Item = Message> + '_ {
        self.network.iter().map(|p| p.unpack())
    }
}

pub(crate) fn elected_bit(term: u8, id: u8) -> u64 {
    1u64 << (u32::from(term) * MAX_MANAGERS as u32 + u32::from(id))
}

impl fmt::Debug for RaftState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("RaftState");
        for (i, s) in self
            .servers
            .iter()
            .take(usize::from(self.managers))
            .enumerate()
        {
            d.field(&format!("m{}", i + 1), s);
        }
        let msgs: Vec<Message> = self.messages().collect();
        d.field("network", &msgs)
            .field("committed", &self.committed)
            .field("crashes", &self.crashes)
            .finish()
    }
}

/// One step of the model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// The election timer fires: a new term, a vote for itself, RequestVote to every peer.
    Timeout { server: u8 },
    /// A client proposal reaches the leader, which appends it.
    ClientRequest { server: u8 },
    /// The leader sends AppendEntries (one entry or a heartbeat) to a follower.
    SendAppend { from: u8, to: u8 },
    /// A message in flight is delivered (again, possibly).
    Deliver {
        #[serde(flatten)]
        message: Message,
    },
    /// The server crashes and restarts with only its persisted state.
    Restart { server: u8 },
    /// CheckQuorum: a leader that did not hear from a quorum steps down.
    StepDown { server: u8 },
}

impl RaftModel {
    pub fn init_state(&self) -> RaftState {
        RaftState {
            managers: self.managers,
            servers: [Server::default(); MAX_MANAGERS],
            network: Vec::new(),
            elected: 0,
            committed: Vec::new(),
            crashes: 0,
        }
    }

    /// The enabled actions of `s`, in a fixed order (paths are action indices).
    pub fn enabled(&self, s: &RaftState, out: &mut Vec<Action>) {
        for i in self.ids() {
            let srv = &s.servers[usize::from(i)];
            match srv.role {
                Role::Leader => {
                    if srv.log.len() < self.bounds.max_log {
                        out.push(Action::ClientRequest { server: i });
                    }
                    for to in self.ids().filter(|&p| p != i) {
                        out.push(Action::SendAppend { from: i, to });
                    }
                    out.push(Action::StepDown { server: i });
                }
                Role::Follower | Role::Candidate => {
                    if srv.term < self.bounds.max_term {
                        out.push(Action::Timeout { server: i });
                    }
                }
            }
            if s.crashes < self.bounds.max_crashes {
                out.push(Action::Restart { server: i });
            }
        }
        out.extend(s.messages().map(|message| Action::Deliver { message }));
    }

    /// The state after `action`, or `None` when it changes nothing.
    pub fn step(&self, s: &RaftState, action: Action) -> Option<RaftState> {
        let mut n = s.clone();
        match action {
            Action::Timeout { server } => self.timeout(&mut n, server),
            Action::ClientRequest { server } => {
                let srv = &mut n.servers[usize::from(server)];
                srv.log.push(srv.term);
                srv.matched[usize::from(server)] = srv.log.len();
                self.advance_leader_commit(&mut n, server);
            }
            Action::SendAppend { from, to } => {
                let srv = &n.servers[usize::from(from)];
                let next = srv.next[usize::from(to)].max(1);
                let prev_index = next - 1;
                let message = Message {
                    kind: Kind::Append,
                    src: from,
                    dst: to,
                    term: srv.term,
                    index: prev_index,
                    log_term: srv.log.term_at(prev_index),
                    entry: (next <= srv.log.len()).then(|| srv.log.term_at(next)),
                    commit: srv.commit,
                    success: false,
                };
                send(&mut n, message);
            }
            Action::Deliver { message } => self.deliver(&mut n, message),
            Action::Restart { server } => {
                n.crashes += 1;
                let srv = &mut n.servers[usize::from(server)];
                srv.become_follower();
                srv.commit = 0;
                if self.has(Variant::NoPersistence) {
                    srv.term = 0;
                    srv.set_vote(None);
                }
            }
            Action::StepDown { server } => n.servers[usize::from(server)].become_follower(),
        }
        self.collect_garbage(&mut n);
        (n != *s).then_some(n)
    }

    fn timeout(&self, n: &mut RaftState, i: u8) {
        let srv = &mut n.servers[usize::from(i)];
        srv.term += 1;
        srv.become_follower();
        srv.role = Role::Candidate;
        srv.set_vote(Some(i));
        srv.votes = 1 << i;
        let (term, index, log_term) = (srv.term, srv.log.len(), srv.log.last_term());
        for p in self.ids().filter(|&p| p != i) {
            send(
                n,
                Message {
                    kind: Kind::RequestVote,
                    src: i,
                    dst: p,
                    term,
                    index,
                    log_term,
                    entry: None,
                    commit: 0,
                    success: false,
                },
            );
        }
        self.maybe_become_leader(n, i);
    }

    fn maybe_become_leader(&self, n: &mut RaftState, i: u8) {
        let srv = &mut n.servers[usize::from(i)];
        if srv.role != Role::Candidate || srv.votes.count_ones() < self.quorum() {
            return;
        }
        srv.role = Role::Leader;
        srv.votes = 0;
        let len = srv.log.len();
        for p in self.ids() {
            srv.next[usize::from(p)] = len + 1;
            srv.matched[usize::from(p)] = if p == i { len } else { 0 };
        }
        n.elected |= elected_bit(srv.term, i);
    }

    fn deliver(&self, n: &mut RaftState, m: Message) {
        let d = usize::from(m.dst);
        let srv = &mut n.servers[d];
        if m.term > srv.term {
            srv.term = m.term;
            srv.set_vote(None);
            srv.become_follower();
        }
        let stale = m.term < srv.term;
        match m.kind {
            Kind::Append if stale && !self.has(Variant::AcceptStaleTerm) => {
                // etcd with CheckQuorum answers a stale leader so that it learns the new term.
                let reply = Message::reply(&m, srv.term, false, 0);
                send(n, reply);
            }
            Kind::Append => self.handle_append(n, m),
            _ if stale => {}
            Kind::RequestVote => {
                let up_to_date = m.log_term > srv.log.last_term()
                    || (m.log_term == srv.log.last_term() && m.index >= srv.log.len());
                let free = srv.voted_for().is_none_or(|v| v == m.src);
                if free && (up_to_date || self.has(Variant::NoLogCheck)) {
                    srv.set_vote(Some(m.src));
                    let vote = Message::reply(&m, srv.term, true, 0);
                    send(n, vote);
                }
            }
            Kind::Vote => {
                if srv.role == Role::Candidate {
                    srv.votes |= 1 << m.src;
                    self.maybe_become_leader(n, m.dst);
                }
            }
            Kind::AppendReply => {
                if srv.role != Role::Leader {
                    return;
                }
                let p = usize::from(m.src);
                if m.index <= srv.matched[p] {
                    // Stale: the leader already knows the follower matches up to here (etcd
                    // `maybeUpdate` / `maybeDecrTo`); index 0 is a bare term notification.
                    return;
                }
                if m.success {
                    srv.matched[p] = m.index;
                    srv.next[p] = srv.next[p].max(m.index + 1);
                    self.advance_leader_commit(n, m.dst);
                } else {
                    // Probe backwards from the rejected index, never below what is matched.
                    srv.next[p] = srv.next[p].min(m.index).max(srv.matched[p] + 1);
                }
            }
        }
    }

    fn handle_append(&self, n: &mut RaftState, m: Message) {
        let d = usize::from(m.dst);
        let srv = &mut n.servers[d];
        if srv.role == Role::Leader {
            return;
        }
        srv.become_follower();
        let prev = m.index;
        let ok = prev == 0 || (prev <= srv.log.len() && srv.log.term_at(prev) == m.log_term);
        if !ok {
            let reply = Message::reply(&m, srv.term, false, prev);
            send(n, reply);
            return;
        }
        let mut last_new = prev;
        if let Some(entry) = m.entry {
            last_new = prev + 1;
            if srv.log.len() >= last_new {
                if srv.log.term_at(last_new) != entry {
                    srv.log.truncate(prev);
                    srv.log.push(entry);
                }
            } else {
                srv.log.push(entry);
            }
        }
        let commit = srv.commit.max(m.commit.min(last_new));
        self.commit_to(n, m.dst, commit);
        let reply = Message::reply(&m, n.servers[d].term, true, last_new);
        send(n, reply);
    }

    /// The leader commits the largest index a quorum has replicated, provided the entry is of
    /// its own term (Raft §5.4.2; the `CommitOldTerms` variant drops that proviso).
    fn advance_leader_commit(&self, n: &mut RaftState, i: u8) {
        let srv = &n.servers[usize::from(i)];
        let target = (srv.commit + 1..=srv.log.len()).rev().find(|&k| {
            let replicated = self
                .ids()
                .filter(|&p| srv.matched[usize::from(p)] >= k)
                .count() as u32;
            replicated >= self.quorum()
                && (srv.log.term_at(k) == srv.term || self.has(Variant::CommitOldTerms))
        });
        if let Some(k) = target {
            self.commit_to(n, i, k);
        }
    }

    /// Advances a server's commit index and records the newly committed entries as ghosts.
    fn commit_to(&self, n: &mut RaftState, i: u8, commit: u8) {
        let srv = &mut n.servers[usize::from(i)];
        let (from, log, at_term) = (srv.commit + 1, srv.log, srv.term);
        if commit < from {
            return;
        }
        srv.commit = commit;
        for index in from..=commit {
            let term = log.term_at(index);
            match n
                .committed
                .iter_mut()
                .find(|c| c.index == index && c.term == term)
            {
                Some(c) => c.at_term = c.at_term.min(at_term),
                None => {
                    n.committed.push(Committed {
                        index,
                        term,
                        at_term,
                    });
                    n.committed.sort_unstable();
                }
            }
        }
    }

    /// Drops messages whose delivery can no longer change anything, so that states differing
    /// only in dead messages are one state. Each rule relies on terms never decreasing (hence
    /// nothing is dropped when restarts forget the term) and on a server never being a
    /// candidate or leader twice in the same term:
    /// - anything but AppendEntries of a term below its receiver's is ignored (etcd `Step`);
    /// - a vote for a server that is no longer a candidate of that term, or already counted it;
    /// - a vote request of the receiver's term once the receiver has voted (a repeat grant
    ///   only resends a vote already sent);
    /// - an append reply to a server that no longer leads that term, or that reports an index
    ///   the leader already knows to be matched.
    fn collect_garbage(&self, n: &mut RaftState) {
        if self.has(Variant::NoPersistence) {
            return;
        }
        let servers = n.servers;
        n.network.retain(|p| {
            let m = p.unpack();
            let d = &servers[usize::from(m.dst)];
            if m.kind == Kind::Append || m.term > d.term {
                return true;
            }
            if m.term < d.term {
                return false;
            }
            match m.kind {
                Kind::Vote => d.role == Role::Candidate && d.votes & (1 << m.src) == 0,
                Kind::RequestVote => d.voted_for().is_none(),
                Kind::AppendReply => {
                    d.role == Role::Leader && m.index > d.matched[usize::from(m.src)]
                }
                Kind::Append => true,
            }
        });
    }
}

fn send(n: &mut RaftState, m: Message) {
    let p = Packed::pack(&m);
    if let Err(at) = n.network.binary_search(&p) {
        n.network.insert(at, p);
    }
}

impl stateright::Model for RaftModel {
    type State = RaftState;
    type Action = Action;

    fn init_states(&self) -> Vec<RaftState> {
        vec![self.init_state()]
    }

    fn actions(&self, state: &RaftState, actions: &mut Vec<Action>) {
        self.stop.expanding();
        self.enabled(state, actions);
    }

    fn next_state(&self, state: &RaftState, action: Action) -> Option<RaftState> {
        self.step(state, action)
    }

    fn format_action(&self, action: &Action) -> String {
        super::render::describe_action(action)
    }

    fn properties(&self) -> Vec<stateright::Property<Self>> {
        super::properties::all()
    }

    fn within_boundary(&self, _: &RaftState) -> bool {
        !self.stop.is_due()
    }
}

impl Interruptible for RaftModel {
    /// The network and the committed entries, one allocation each, as large as the bounds let
    /// them grow (`trace::heap_bytes` counts a state's actual ones).
    const STATE_HEAP_BYTES: usize = 2 * 128;

    fn interrupted_by(&self, stop: Stop) -> Self {
        RaftModel {
            stop,
            ..self.clone()
        }
    }
}
