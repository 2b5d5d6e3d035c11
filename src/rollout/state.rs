//! The model's state, packed into one byte string so that millions of states fit in memory and
//! hash fast: a 10-byte header, 5 bytes per slot, 1 byte per node. Decoding goes through small
//! `Copy` views (`Slot`, `Task`) so the model's logic never touches bit positions.

use std::fmt;

/// `UpdateStatus.UpdateState` (reference §3.5), with the proto's numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum UpdateState {
    Updating = 1,
    Paused = 2,
    Completed = 3,
    RollbackStarted = 4,
    RollbackPaused = 5,
    RollbackCompleted = 6,
}

impl UpdateState {
    /// A table lookup, not a `match`: this runs several times per state and a jump on the
    /// status mispredicts.
    fn from_u8(b: u8) -> UpdateState {
        const BY_BYTE: [UpdateState; 7] = [
            UpdateState::Updating,
            UpdateState::Updating,
            UpdateState::Paused,
            UpdateState::Completed,
            UpdateState::RollbackStarted,
            UpdateState::RollbackPaused,
            UpdateState::RollbackCompleted,
        ];
        BY_BYTE
            .get(usize::from(b))
            .copied()
            .unwrap_or(UpdateState::Updating)
    }

    /// The updater is still dispatching or monitoring.
    pub fn is_active(self) -> bool {
        matches!(self, UpdateState::Updating | UpdateState::RollbackStarted)
    }

    /// A state the update ends in; the paused ones wait for a person.
    pub fn is_terminal(self) -> bool {
        !self.is_active()
    }

    pub fn is_rollback(self) -> bool {
        matches!(
            self,
            UpdateState::RollbackStarted
                | UpdateState::RollbackPaused
                | UpdateState::RollbackCompleted
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            UpdateState::Updating => "UPDATING",
            UpdateState::Paused => "PAUSED",
            UpdateState::Completed => "COMPLETED",
            UpdateState::RollbackStarted => "ROLLBACK_STARTED",
            UpdateState::RollbackPaused => "ROLLBACK_PAUSED",
            UpdateState::RollbackCompleted => "ROLLBACK_COMPLETED",
        }
    }
}

/// The version a task runs: the spec before the update, or the one being deployed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Version {
    Old,
    New,
}

impl Version {
    pub fn as_str(self) -> &'static str {
        match self {
            Version::Old => "old",
            Version::New => "new",
        }
    }
}

/// The task states the properties can tell apart (reference §0, §1.1). `Assigned` covers
/// ASSIGNED..STARTING: the task holds its node's resources and ports but serves nothing yet.
/// `Stopping` is desired SHUTDOWN with the observed state still ≤ RUNNING: it holds resources
/// and ports but no longer counts for max_replicas_per_node. `Failed` awaits the restart
/// supervisor; `Dead` is a failure the restart policy (`condition: none`) will not replace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TaskState {
    None = 0,
    Pending = 1,
    Assigned = 2,
    Running = 3,
    Stopping = 4,
    Failed = 5,
    Dead = 6,
}

/// Sets of task states as bit masks over `TaskState as u8`: the per-successor code tests
/// them with a shift instead of a branch per state.
const HOLDS_NODE: u8 =
    1 << TaskState::Assigned as u8 | 1 << TaskState::Running as u8 | 1 << TaskState::Stopping as u8;
const COUNTS_FOR_SERVICE: u8 = 1 << TaskState::Assigned as u8 | 1 << TaskState::Running as u8;

/// Whether an encoded task (`Task::encode`) holds its node (`TaskState::holds_node`).
pub(crate) fn holds_node_bits(task: u8) -> bool {
    HOLDS_NODE >> (task & 7) & 1 != 0
}

impl TaskState {
    fn from_bits(b: u8) -> TaskState {
        const BY_BITS: [TaskState; 8] = [
            TaskState::None,
            TaskState::Pending,
            TaskState::Assigned,
            TaskState::Running,
            TaskState::Stopping,
            TaskState::Failed,
            TaskState::Dead,
            TaskState::None,
        ];
        BY_BITS[usize::from(b & 7)]
    }

    /// Tracked by the scheduler on its node: reservations and host ports are held.
    pub fn holds_node(self) -> bool {
        HOLDS_NODE >> (self as u8) & 1 != 0
    }

    /// Desired state ≤ RUNNING on a node: what MaxReplicasFilter and node ranking count.
    pub fn counts_for_service(self) -> bool {
        COUNTS_FOR_SERVICE >> (self as u8) & 1 != 0
    }
}

/// One task of a slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Task {
    pub state: TaskState,
    pub version: Version,
    /// Created by the restart supervisor rather than the updater: its failures are not counted
    /// (reference §3.4, only tasks in `updatedTasks` count).
    pub restarted: bool,
}

impl Task {
    pub const NONE: Task = Task {
        state: TaskState::None,
        version: Version::Old,
        restarted: false,
    };

    fn encode(self) -> u8 {
        self.state as u8
            | (u8::from(self.version == Version::New) << 3)
            | (u8::from(self.restarted) << 4)
    }

    fn decode(b: u8) -> Task {
        Task {
            state: TaskState::from_bits(b),
            version: if b & 8 != 0 {
                Version::New
            } else {
                Version::Old
            },
            restarted: b & 16 != 0,
        }
    }
}

/// Where the updater is with a slot (reference §3.3: a worker takes the slot, blocks until the
/// replacement is ≥ RUNNING, then sleeps `delay` before taking the next slot).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Phase {
    Todo = 0,
    InFlight = 1,
    Delay = 2,
    Done = 3,
}

impl Phase {
    pub(crate) fn from_bits(b: u8) -> Phase {
        match b & 3 {
            1 => Phase::InFlight,
            2 => Phase::Delay,
            3 => Phase::Done,
            _ => Phase::Todo,
        }
    }

    /// A worker is busy with the slot (waiting or sleeping its delay).
    pub fn holds_worker(self) -> bool {
        matches!(self, Phase::InFlight | Phase::Delay)
    }
}

/// A replicated slot: the task serving when the run reached it (`cur`) and its replacement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Slot {
    pub cur: Task,
    pub rep: Task,
    pub phase: Phase,
    pub cur_node: u8,
    pub rep_node: u8,
}

const HEADER: usize = 10;
pub(crate) const SLOT: usize = 5;

/// A state of the update model (see the module doc for the layout).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct RolloutState(Box<[u8]>);

impl RolloutState {
    /// Every slot runs its old task on `nodes[i]`; nothing is draining.
    pub fn initial(nodes: &[u8], node_count: usize) -> RolloutState {
        RolloutState::resumed(nodes, &[], node_count)
    }

    /// Every slot runs a task on `nodes[i]`: of the new version, already done, where
    /// `already_new[i]` (an update resumed after a pause or an interruption), else of the old
    /// one, to do. Only the old ones are dirty; nothing is draining.
    pub fn resumed(nodes: &[u8], already_new: &[bool], node_count: usize) -> RolloutState {
        let mut bytes = vec![0u8; HEADER + SLOT * nodes.len() + node_count];
        bytes[0] = UpdateState::Updating as u8;
        let slots = u16::try_from(nodes.len()).unwrap_or(u16::MAX);
        bytes[6..8].copy_from_slice(&slots.to_le_bytes());
        let mut s = RolloutState(bytes.into_boxed_slice());
        let mut dirty = 0u16;
        for (i, &n) in nodes.iter().enumerate() {
            let new = already_new.get(i).copied().unwrap_or(false);
            dirty += u16::from(!new);
            s.set_slot(
                i,
                Slot {
                    cur: Task {
                        state: TaskState::Running,
                        version: if new { Version::New } else { Version::Old },
                        restarted: false,
                    },
                    rep: Task::NONE,
                    phase: if new { Phase::Done } else { Phase::Todo },
                    cur_node: n,
                    rep_node: 0,
                },
            );
        }
        s.set_dirty(dirty);
        if dirty == 0 {
            s.set_status(UpdateState::Completed);
        }
        s
    }

    pub fn status(&self) -> UpdateState {
        UpdateState::from_u8(self.0[0])
    }
    pub fn set_status(&mut self, st: UpdateState) {
        self.0[0] = st as u8;
    }
    /// Failures the updater counted in this run (reference §3.4).
    pub fn counted(&self) -> u8 {
        self.0[1]
    }
    pub fn set_counted(&mut self, n: u8) {
        self.0[1] = n;
    }
    /// Failures of the update run that the user expects the updater to see (in the monitor
    /// window as they understand it), whether or not Swarm counts them.
    pub fn expected(&self) -> u8 {
        self.0[2]
    }
    pub fn set_expected(&mut self, n: u8) {
        self.0[2] = n;
    }
    /// Failures the environment has injected so far (≤ K).
    pub fn injected(&self) -> u8 {
        self.0[3]
    }
    pub fn set_injected(&mut self, n: u8) {
        self.0[3] = n;
    }
    /// Failures that happened while the updater waited for its last workers, not read yet
    /// (`RolloutModel::waits_for_workers`), that may be read outside their monitor window.
    pub fn deferred(&self) -> u8 {
        self.0[8]
    }
    pub fn set_deferred(&mut self, n: u8) {
        self.0[8] = n;
    }
    /// Likewise, but certain to be read inside their window (only their own slot's delay,
    /// ≤ monitor, was left).
    pub fn deferred_sure(&self) -> u8 {
        self.0[9]
    }
    pub fn set_deferred_sure(&mut self, n: u8) {
        self.0[9] = n;
    }
    /// Dirty slots of the current run: the ratio's denominator.
    pub fn dirty(&self) -> u16 {
        u16::from_le_bytes([self.0[4], self.0[5]])
    }
    pub fn set_dirty(&mut self, n: u16) {
        self.0[4..6].copy_from_slice(&n.to_le_bytes());
    }

    pub fn slot_count(&self) -> usize {
        usize::from(u16::from_le_bytes([self.0[6], self.0[7]]))
    }

    pub fn slot(&self, i: usize) -> Slot {
        let b = &self.0[HEADER + SLOT * i..HEADER + SLOT * (i + 1)];
        Slot {
            cur: Task::decode(b[0]),
            rep: Task::decode(b[1]),
            phase: Phase::from_bits(b[2]),
            cur_node: b[3],
            rep_node: b[4],
        }
    }

    /// Writes slot `i`. The node of a task that holds none is stored as 0: it no longer means
    /// anything, and states differing only there are one state.
    pub fn set_slot(&mut self, i: usize, s: Slot) {
        let b = &mut self.0[HEADER + SLOT * i..HEADER + SLOT * (i + 1)];
        b[0] = s.cur.encode();
        b[1] = s.rep.encode();
        b[2] = s.phase as u8;
        b[3] = s.cur_node * u8::from(s.cur.state.holds_node());
        b[4] = s.rep_node * u8::from(s.rep.state.holds_node());
    }

    /// Every task (`cur`, then `rep`, slot by slot) as its encoded byte and its node field.
    pub(crate) fn tasks(&self) -> impl Iterator<Item = (u8, u8)> + '_ {
        self.0[HEADER..HEADER + SLOT * self.slot_count()]
            .chunks_exact(SLOT)
            .flat_map(|b| [(b[0], b[3]), (b[1], b[4])])
    }

    /// The raw bytes of slot `i`, for the symmetry rule (identical slots are interchangeable).
    pub fn slot_bytes(&self, i: usize) -> [u8; SLOT] {
        let b = &self.0[HEADER + SLOT * i..HEADER + SLOT * (i + 1)];
        [b[0], b[1], b[2], b[3], b[4]]
    }

    /// Tasks of this service on `node` told to shut down that no event waits for any more (old
    /// tasks after a start-first replacement runs, tasks left behind by a rollback), still
    /// holding their resources until they exit.
    pub fn draining(&self, node: usize) -> u8 {
        self.0[HEADER + SLOT * self.slot_count() + node]
    }

    pub fn set_draining(&mut self, node: usize, n: u8) {
        let at = HEADER + SLOT * self.slot_count() + node;
        self.0[at] = n;
    }

    /// The representative of this state's orbit under renaming slots: slots sorted by content.
    /// Slot numbers are names only (a replicated slot's task can be on any node), and every
    /// property counts tasks, so all states of an orbit satisfy the same properties and have
    /// renamed successors (symmetry reduction).
    pub fn canonical(&self) -> RolloutState {
        let mut bytes = Vec::with_capacity(self.0.len());
        self.write_canonical(&mut bytes);
        RolloutState(bytes.into_boxed_slice())
    }

    /// Appends `canonical()`'s bytes to `buf`, without allocating a state.
    pub fn write_canonical(&self, buf: &mut Vec<u8>) {
        let mut codes = vec![0; self.slot_count()];
        self.slot_codes(None, &mut codes);
        sort_codes(&mut codes);
        buf.extend_from_slice(&self.0[..HEADER]);
        for &c in codes.iter() {
            buf.extend_from_slice(&record(c));
        }
        buf.extend((0..self.node_count()).map(|n| self.draining(n)));
    }

    /// Like `write_canonical`, and also renames nodes within each class of `node_class` (nodes
    /// the filters and the scheduler's ranking cannot tell apart): nodes are ordered by class,
    /// then by a signature of what they hold, and nodes tied on that are tried in every order,
    /// keeping the smallest key. Equal keys mean the states differ by a renaming of slots and
    /// of equivalent nodes, which is all soundness needs; states of one orbit get one key unless
    /// a tie has more than `MAX_TIE_ORDERS` orders (less reduction then, never a wrong one).
    /// Slot records are written as their 4-byte codes (`code`, a one-to-one re-encoding), so
    /// the key is not a state: it is header, slot codes, draining counts. Appended to `buf`.
    pub fn write_symmetric(&self, node_class: &[u8], buf: &mut Vec<u8>) {
        KEY_SPACE.with_borrow_mut(|space| self.symmetric_key(node_class, space, buf));
    }

    fn symmetric_key(&self, node_class: &[u8], space: &mut KeySpace, buf: &mut Vec<u8>) {
        let slots = self.slot_count();
        let nodes = node_class.len();
        let records = &self.0[HEADER..HEADER + SLOT * slots];
        let mix = |b: u64, salt: u64| {
            b.wrapping_add(salt)
                .wrapping_mul(0x9e37_79b9_7f4a_7c15)
                .rotate_left(29)
        };
        // No branch per task: a task that holds no node adds to a spare entry past the nodes
        // (one for `cur` tasks, one for `rep` tasks, so that their additions do not wait on
        // each other), which nothing reads.
        let (spare_cur, spare_rep) = (nodes, nodes + 1);
        let at = |task: u8, node: u8, spare: usize| {
            if holds_node_bits(task) {
                usize::from(node)
            } else {
                spare
            }
        };
        // A slice, not the `Vec`: its pointer and length stay in registers across the stores.
        let acc = fit(&mut space.acc, nodes + 2);
        acc.fill(0);
        let mut any_linked = false;
        for b in records.chunks_exact(SLOT) {
            let phase = u64::from(b[2]) << 8;
            let (c, r) = (at(b[0], b[3], spare_cur), at(b[1], b[4], spare_rep));
            acc[c] = acc[c].wrapping_add(mix(u64::from(b[0]), phase));
            acc[r] = acc[r].wrapping_add(mix(u64::from(b[1]), phase | 1 << 20));
            any_linked |= holds_node_bits(b[0]) & holds_node_bits(b[1]);
        }
        // One refinement round: a slot whose two tasks hold nodes adds each node's signature
        // to its partner's. Still invariant under renaming, and it splits ties that would
        // otherwise be resolved by trying orders.
        if any_linked {
            let first = fit(&mut space.first, nodes + 2);
            for (n, f) in first.iter_mut().enumerate().take(nodes) {
                let salt = u64::from(node_class[n]) << 40 | u64::from(self.draining(n)) << 32;
                *f = mix(acc[n], salt);
            }
            for b in records.chunks_exact(SLOT) {
                let linked = holds_node_bits(b[0]) & holds_node_bits(b[1]);
                let (c, r) = if linked {
                    (usize::from(b[3]), usize::from(b[4]))
                } else {
                    (spare_cur, spare_rep)
                };
                acc[c] = acc[c].wrapping_add(mix(first[r], 1 << 48));
                acc[r] = acc[r].wrapping_add(mix(first[c], 2 << 48));
            }
        }
        let unsorted = fit(&mut space.unsorted, nodes);
        for (n, e) in unsorted.iter_mut().enumerate() {
            *e = (node_class[n], self.draining(n), acc[n], n);
        }
        let sig = fit(&mut space.sig, nodes);
        sort_nodes(unsorted, sig);
        let label = &mut space.label;
        let best = fit(&mut space.best, slots);
        relabel(sig, label);
        self.slot_codes(Some(label), best);
        sort_codes(best);
        // Nodes with equal (class, draining, signature) are tied: every order of a tied run is
        // a renaming of equivalent nodes, and the smallest key over all of them makes the key
        // the same for every state of an orbit. Past `MAX_TIE_ORDERS` the first order is kept
        // (still a renaming: less reduction, never a wrong one). Tied nodes drain equally, so
        // only the slot records differ between orders; and a run none of whose nodes is
        // linked holds tasks of single-node slots only, with the same multiset of records per
        // node (equal signatures), so its orders all give the same records and are skipped.
        if any_linked {
            if let Some((runs, count)) = self.linked_tied_runs(sig, &mut space.linked) {
                let candidate = fit(&mut space.candidate, slots);
                permute_runs(sig, &runs[..count], &mut |sig| {
                    relabel(sig, label);
                    self.slot_codes(Some(label), candidate);
                    sort_codes(candidate);
                    if *candidate < *best {
                        best.copy_from_slice(candidate);
                    }
                });
            }
        }
        let start = buf.len();
        buf.resize(start + HEADER + 4 * slots + nodes, 0);
        let (header, rest) = buf[start..].split_at_mut(HEADER);
        let (codes, draining) = rest.split_at_mut(4 * slots);
        header.copy_from_slice(&self.0[..HEADER]);
        for (out, c) in codes.chunks_exact_mut(4).zip(best.iter()) {
            out.copy_from_slice(&c.to_be_bytes());
        }
        for (out, e) in draining.iter_mut().zip(sig.iter()) {
            *out = e.1;
        }
    }

    /// The runs of ≥ 2 tied nodes (equal class, draining and signature) with a node that holds
    /// one of the two tasks of a slot whose both tasks hold a node, if there are any and all
    /// their orders together are at most `MAX_TIE_ORDERS` (then there are at most 4 runs: each
    /// has at least 2 orders).
    fn linked_tied_runs(
        &self,
        sig: &[Sig],
        linked: &mut Vec<bool>,
    ) -> Option<([std::ops::Range<usize>; 4], usize)> {
        let tied = |x: &Sig, y: &Sig| (x.0, x.1, x.2) == (y.0, y.1, y.2);
        let mut runs: [std::ops::Range<usize>; 4] = Default::default();
        let (mut count, mut orders) = (0, 1usize);
        let mut start = 0;
        let mut linked_known = false;
        for k in 1..=sig.len() {
            if k == sig.len() || !tied(&sig[k], &sig[start]) {
                if k - start >= 2 {
                    // Only keys with a tie need the linked nodes: one pass over the slots.
                    if !linked_known {
                        self.linked_nodes(sig.len(), linked);
                        linked_known = true;
                    }
                    if sig[start..k].iter().any(|e| linked[e.3]) {
                        orders = (1..=k - start)
                            .try_fold(orders, |f, n| f.checked_mul(n))
                            .filter(|&f| f <= MAX_TIE_ORDERS)?;
                        runs[count] = start..k;
                        count += 1;
                    }
                }
                start = k;
            }
        }
        (count > 0).then_some((runs, count))
    }

    /// Per node: whether it holds one of the two tasks of a slot whose both tasks hold a node.
    fn linked_nodes(&self, nodes: usize, linked: &mut Vec<bool>) {
        linked.clear();
        linked.resize(nodes, false);
        for b in self.0[HEADER..HEADER + SLOT * self.slot_count()].chunks_exact(SLOT) {
            if holds_node_bits(b[0]) && holds_node_bits(b[1]) {
                linked[usize::from(b[3])] = true;
                linked[usize::from(b[4])] = true;
            }
        }
    }

    fn node_count(&self) -> usize {
        self.0.len() - HEADER - SLOT * self.slot_count()
    }

    /// The slot records as `code`s, the nodes of tasks that hold one renamed by `label`. Node
    /// fields of other tasks are 0 (`set_slot`).
    fn slot_codes(&self, label: Option<&[u8; 256]>, codes: &mut [u32]) {
        let records = self.0[HEADER..HEADER + SLOT * codes.len()].chunks_exact(SLOT);
        for (c, b) in codes.iter_mut().zip(records) {
            let (cur, rep) = match label {
                Some(l) => {
                    let rename = |task: u8, node: u8| {
                        let renamed = l[usize::from(node)];
                        if holds_node_bits(task) {
                            renamed
                        } else {
                            node
                        }
                    };
                    (rename(b[0], b[3]), rename(b[1], b[4]))
                }
                None => (b[3], b[4]),
            };
            *c = code([b[0], b[1], b[2], cur, rep]);
        }
    }

    /// Appends the state's bytes to `buf`.
    pub fn write_bytes(&self, buf: &mut Vec<u8>) {
        buf.extend_from_slice(&self.0);
    }

    /// Makes this state a copy of `other` (without allocating: states of one model have one
    /// length).
    pub fn copy_from(&mut self, other: &RolloutState) {
        self.load(&other.0);
    }

    /// The state's bytes (`load` makes a state of them again).
    pub fn bytes(&self) -> &[u8] {
        &self.0
    }

    /// Makes this state the one whose `bytes` are `bytes`, without allocating when the lengths
    /// agree.
    pub fn load(&mut self, bytes: &[u8]) {
        if self.0.len() == bytes.len() {
            self.0.copy_from_slice(bytes);
        } else {
            self.0 = bytes.into();
        }
    }
}

impl fmt::Debug for RolloutState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} counted={} expected={} injected={} dirty={}",
            self.status().as_str(),
            self.counted(),
            self.expected(),
            self.injected(),
            self.dirty()
        )?;
        for i in 0..self.slot_count() {
            let s = self.slot(i);
            write!(
                f,
                "\n  slot {}: {:?} cur={} {:?} on node {} rep={} {:?} on node {}",
                i + 1,
                s.phase,
                s.cur.version.as_str(),
                s.cur.state,
                s.cur_node,
                s.rep.version.as_str(),
                s.rep.state,
                s.rep_node,
            )?;
        }
        let nodes = self.node_count();
        let draining: Vec<u8> = (0..nodes).map(|n| self.draining(n)).collect();
        write!(f, "\n  draining per node: {draining:?}")?;
        Ok(())
    }
}

/// Orders of tied nodes tried per key at most (4 interchangeable nodes: 24).
const MAX_TIE_ORDERS: usize = 24;

/// Per node: class, draining count, signature of the tasks it holds, index.
type Sig = (u8, u8, u64, usize);

/// Calls `visit` with every order obtained by permuting the nodes within each run (each run
/// starts sorted, as the signature sort leaves it, and is sorted again after).
fn permute_runs(sig: &mut [Sig], runs: &[std::ops::Range<usize>], visit: &mut dyn FnMut(&[Sig])) {
    let Some((run, rest)) = runs.split_first() else {
        visit(sig);
        return;
    };
    loop {
        permute_runs(sig, rest, visit);
        if !next_permutation(&mut sig[run.clone()]) {
            return;
        }
    }
}

/// Rearranges `v` into the next permutation in lexicographic order; false (and `v` sorted
/// ascending again) after the last.
fn next_permutation<T: Ord>(v: &mut [T]) -> bool {
    let Some(i) = (1..v.len()).rev().find(|&i| v[i - 1] < v[i]) else {
        v.reverse();
        return false;
    };
    let j = (i..v.len()).rev().find(|&j| v[j] > v[i - 1]).unwrap_or(i);
    v.swap(i - 1, j);
    v[i..].reverse();
    true
}

/// A slot record (5 bytes) as 28 bits that order like the bytes: the two tasks (`Task::encode`
/// uses 5 bits), the phase (2 bits), the two nodes. One-to-one on records, so keys made of
/// codes merge exactly the states that keys made of records merge, and compare (as arrays)
/// in the same order.
fn code(b: [u8; SLOT]) -> u32 {
    u32::from(b[0]) << 23
        | u32::from(b[1]) << 18
        | u32::from(b[2]) << 16
        | u32::from(b[3]) << 8
        | u32::from(b[4])
}

/// The record of a `code`.
fn record(c: u32) -> [u8; SLOT] {
    [
        (c >> 23) as u8,
        (c >> 18 & 31) as u8,
        (c >> 16 & 3) as u8,
        (c >> 8) as u8,
        c as u8,
    ]
}

/// Sorts slot codes (`sort_small`).
fn sort_codes(v: &mut [u32]) {
    sort_small(v);
}

/// Sorts `v`. Up to 16 values, by a sorting network over a fixed-size array held in registers
/// (odd–even transposition: `N` rounds of compare–exchanges, each a min and a max without a
/// branch), where an insertion sort mispredicts on most successors and a rank sort through
/// memory stalls on reading back the values just written.
fn sort_small<T: Copy + Ord + Default>(v: &mut [T]) {
    macro_rules! by_network {
        ($($n:literal)*) => {
            match v.len() {
                $($n => network::<T, $n>(v),)*
                _ => v.sort_unstable(),
            }
        };
    }
    by_network!(2 3 4 5 6 7 8 9 10 11 12 13 14 15 16);
}

/// Sorts `v` (of length `N`) by odd–even transposition: after `N` rounds any input is sorted.
fn network<T: Copy + Ord + Default, const N: usize>(v: &mut [T]) {
    let mut a = [T::default(); N];
    a.copy_from_slice(v);
    for round in 0..N {
        let mut i = round % 2;
        while i + 1 < N {
            let (x, y) = (a[i], a[i + 1]);
            a[i] = x.min(y);
            a[i + 1] = x.max(y);
            i += 2;
        }
    }
    v.copy_from_slice(&a);
}

/// `src` (in node order) sorted into `dst` (signatures are all distinct: the last field is the
/// node). Up to 16, as integers that order like the tuples (the node, below 16, in the low
/// byte) through `sort_small`.
fn sort_nodes(src: &[Sig], dst: &mut [Sig]) {
    if src.len() > 16 {
        dst.copy_from_slice(src);
        dst.sort_unstable();
        return;
    }
    let mut keys = [0u128; 16];
    for (k, e) in keys.iter_mut().zip(src) {
        *k = u128::from(e.0) << 80 | u128::from(e.1) << 72 | u128::from(e.2) << 8 | e.3 as u128;
    }
    let keys = &mut keys[..src.len()];
    sort_small(keys);
    for (e, &k) in dst.iter_mut().zip(keys.iter()) {
        *e = src[(k & 0xff) as usize];
    }
}

/// `label[n]` = the position of node `n` in `sig`.
fn relabel(sig: &[Sig], label: &mut [u8; 256]) {
    for (k, e) in sig.iter().enumerate() {
        label[e.3] = k as u8;
    }
}

/// Reused space of `write_symmetric`, one per thread: the key is computed for every successor,
/// and fresh scratch arrays (zeroed on every call) cost a fifth of it.
struct KeySpace {
    acc: Vec<u64>,
    first: Vec<u64>,
    unsorted: Vec<Sig>,
    sig: Vec<Sig>,
    label: [u8; 256],
    best: Vec<u32>,
    candidate: Vec<u32>,
    linked: Vec<bool>,
}

thread_local! {
    static KEY_SPACE: std::cell::RefCell<KeySpace> = const {
        std::cell::RefCell::new(KeySpace {
            acc: Vec::new(),
            first: Vec::new(),
            unsorted: Vec::new(),
            sig: Vec::new(),
            label: [0; 256],
            best: Vec::new(),
            candidate: Vec::new(),
            linked: Vec::new(),
        })
    };
}

/// `v` with `len` elements (old contents, if the length was already `len`; overwritten by the
/// caller).
fn fit<T: Copy + Default>(v: &mut Vec<T>, len: usize) -> &mut [T] {
    if v.len() != len {
        v.clear();
        v.resize(len, T::default());
    }
    v
}

/// `len` values on the stack when they fit in `N`, on the heap beyond (scratch space of the
/// per-state computations, which would otherwise allocate on every successor).
pub(crate) struct Scratch<T, const N: usize> {
    small: [T; N],
    large: Vec<T>,
    len: usize,
}

impl<T: Copy + Default, const N: usize> Scratch<T, N> {
    pub(crate) fn new(len: usize) -> Scratch<T, N> {
        Scratch {
            small: [T::default(); N],
            large: if len > N {
                vec![T::default(); len]
            } else {
                Vec::new()
            },
            len,
        }
    }
}

impl<T, const N: usize> std::ops::Deref for Scratch<T, N> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        if self.len > N {
            &self.large
        } else {
            &self.small[..self.len]
        }
    }
}

impl<T, const N: usize> std::ops::DerefMut for Scratch<T, N> {
    fn deref_mut(&mut self) -> &mut [T] {
        if self.len > N {
            &mut self.large
        } else {
            &mut self.small[..self.len]
        }
    }
}

#[cfg(test)]
mod sort_tests {
    use super::{sort_codes, sort_nodes, Sig};

    proptest::proptest! {
        /// The branch-free sorts agree with the standard library's on every length, including
        /// the ones past the networks (> 16) and inputs with many equal values.
        #[test]
        fn small_sorts_agree_with_sort_unstable(
            codes in proptest::collection::vec(0u32..8, 0..20),
            wide in proptest::collection::vec(proptest::num::u32::ANY, 0..20),
            nodes in proptest::collection::vec((0u8..2, 0u8..2, 0u64..3), 0..20),
        ) {
            for mut v in [codes, wide] {
                let mut expected = v.clone();
                expected.sort_unstable();
                sort_codes(&mut v);
                proptest::prop_assert_eq!(v, expected);
            }
            let src: Vec<Sig> = nodes.iter().enumerate().map(|(n, &(c, d, s))| (c, d, s, n)).collect();
            let mut expected = src.clone();
            expected.sort_unstable();
            let mut dst = src.clone();
            sort_nodes(&src, &mut dst);
            proptest::prop_assert_eq!(dst, expected);
        }
    }
}
