//! Tests of the Raft model: the correct model passes every property at small bounds for 3
//! and 5 managers, each teaching variant yields a replayable counterexample, and replay,
//! symmetry and rendering do what they claim.

use super::model::{Log, Role};
use super::properties::*;
use super::symmetry::representative;
use super::trace::{from_actions, shrink};
use super::*;
use crate::modelcheck::Cutoff;
use crate::report::Status;

fn model(n: usize, max_term: u8, max_log: u8, max_crashes: u8) -> RaftModel {
    RaftModel::new(
        n,
        Bounds {
            max_term,
            max_log,
            max_crashes,
        },
        None,
    )
    .expect("bounds in range")
}

fn assert_all_hold(m: &RaftModel) -> RaftCheck {
    let (r, diags) = check(m, &CheckOptions::default());
    assert!(r.complete, "search must be complete");
    assert!(diags.is_empty(), "{diags:?}");
    for p in &r.properties {
        assert_eq!(p.status, Status::Holds, "{} at {:?}", p.name, m.bounds);
    }
    assert_eq!(r.verdict().status, Status::Holds);
    r
}

#[test]
fn correct_model_three_managers_with_a_crash_passes_every_property() {
    let r = assert_all_hold(&model(3, 2, 1, 1));
    assert!(r.unique_states > 1000, "the space is not trivial");
}

// Five managers at bounds a dev-profile test affords (larger ones: docs/performance.md).
// With no log, nothing can be committed, and the sanity check must say so.
#[test]
fn correct_model_five_managers_passes_every_safety_property() {
    let m = model(5, 1, 0, 1);
    let (r, _) = check(&m, &CheckOptions::default());
    assert!(r.complete);
    for p in &r.properties {
        let expected = if p.name == ENTRY_COMMITTED {
            Status::Violated
        } else {
            Status::Holds
        };
        assert_eq!(p.status, expected, "{}", p.name);
    }
    assert_eq!(r.verdict().status, Status::Holds);
}

#[test]
fn symmetry_changes_the_count_not_the_verdict() {
    let m = model(3, 2, 0, 1);
    let (with, _) = check(&m, &CheckOptions::default());
    let (without, _) = check(
        &m,
        &CheckOptions {
            symmetry: false,
            ..CheckOptions::default()
        },
    );
    assert!(with.unique_states < without.unique_states);
    let statuses = |r: &RaftCheck| r.properties.iter().map(|p| p.status).collect::<Vec<_>>();
    assert_eq!(statuses(&with), statuses(&without));
}

#[test]
fn a_cut_search_proves_nothing() {
    let m = model(3, 2, 1, 1);
    let (r, diags) = check(
        &m,
        &CheckOptions {
            max_states: 500,
            ..CheckOptions::default()
        },
    );
    assert!(!r.complete);
    assert_eq!(r.verdict().status, Status::Unknown);
    assert!(diags
        .iter()
        .any(|d| d.code.id == codes::RAFT_SEARCH_INCOMPLETE.id));
    assert!(r
        .properties
        .iter()
        .filter(|p| p.kind == "safety")
        .all(|p| p.status == Status::Unknown));
}

#[test]
fn the_memory_budget_stops_the_depth_first_search_and_says_so() {
    let m = model(3, 2, 1, 1);
    let within = |max_bytes| {
        check(
            &m,
            &CheckOptions {
                max_bytes,
                ..CheckOptions::default()
            },
        )
    };
    let (r, diags) = within(64 << 10);
    assert_eq!(r.cutoff, Some(Cutoff::Memory));
    assert!(!r.complete);
    assert_eq!(r.verdict().status, Status::Unknown);
    // Stopped by the budget (visited set and pending states), far short of the whole space; a
    // larger budget goes further.
    assert!(
        (100..20_000).contains(&r.unique_states),
        "{}",
        r.unique_states
    );
    let (more, _) = within(1 << 20);
    assert_eq!(more.cutoff, Some(Cutoff::Memory));
    assert!(
        more.unique_states > r.unique_states * 4,
        "{}",
        more.unique_states
    );
    assert!(diags
        .iter()
        .any(|d| d.code.id == codes::RAFT_SEARCH_INCOMPLETE.id
            && d.message.contains("at its memory budget")));
}

#[test]
fn a_variants_searches_keep_to_the_memory_budget() {
    let m = RaftModel::new(
        3,
        Variant::CommitOldTerms.bounds(),
        Some(Variant::CommitOldTerms),
    )
    .unwrap();
    let (r, _) = check(
        &m,
        &CheckOptions {
            max_bytes: 64 << 10,
            ..CheckOptions::default()
        },
    );
    assert_eq!(r.cutoff, Some(Cutoff::Memory));
    assert_eq!(r.verdict().status, Status::Unknown);
}

#[test]
fn bounds_out_of_range_are_rejected() {
    let b = Bounds::default();
    assert!(RaftModel::new(0, b, None).is_err());
    assert!(RaftModel::new(6, b, None).is_err());
    assert!(RaftModel::new(3, Bounds { max_term: 12, ..b }, None).is_err());
    assert!(RaftModel::new(3, Bounds { max_term: 0, ..b }, None).is_err());
    assert!(RaftModel::new(3, Bounds { max_log: 8, ..b }, None).is_err());
    assert!(RaftModel::new(
        3,
        Bounds {
            max_crashes: 8,
            ..b
        },
        None
    )
    .is_err());
}

fn variant_counterexample(v: Variant, bfs_states: usize) -> (RaftModel, RaftCheck) {
    let m = RaftModel::new(3, v.bounds(), Some(v)).expect("variant bounds in range");
    let options = CheckOptions {
        bfs_states,
        ..CheckOptions::default()
    };
    let (r, diags) = check(&m, &options);
    let p = r
        .properties
        .iter()
        .find(|p| p.name == v.breaks())
        .expect("property listed");
    assert_eq!(p.status, Status::Violated, "{v} must break {}", v.breaks());
    let trace = p.counterexample.as_ref().expect("counterexample");
    assert_eq!(replay(&m, trace), Ok(()));
    assert!(diags.iter().any(
        |d| d.code.id == codes::RAFT_PROPERTY_VIOLATED.id && d.message.starts_with(v.breaks())
    ));
    assert_eq!(r.verdict().status, Status::Violated);
    (m, r)
}

fn trace_of<'a>(r: &'a RaftCheck, property: &str) -> &'a Trace {
    r.properties
        .iter()
        .find(|p| p.name == property)
        .and_then(|p| p.counterexample.as_ref())
        .expect("counterexample")
}

// A restarted node that forgot its vote votes again in the same term: two leaders.
#[test]
fn no_persistence_elects_two_leaders_in_one_term() {
    let (m, r) = variant_counterexample(Variant::NoPersistence, 1_000_000);
    let t = trace_of(&r, ELECTION_SAFETY);
    assert_eq!(
        t.steps.len(),
        7,
        "shortest: 2 timeouts, 2 votes by one node around a restart, 2 tallies"
    );
    assert!(t
        .steps
        .iter()
        .any(|s| matches!(s.action, Action::Restart { .. })));
    insta::assert_snapshot!(render_timeline(&m, t), @r#"
    counterexample to Election Safety (7 steps):
      1. m1 times out and starts an election                                      m1: candidate t1 vote=m1 log=[] commit=0
      2. m2 times out and starts an election                                      m2: candidate t1 vote=m2 log=[] commit=0
      3. m3 receives RequestVote(term 1, last log 0@t0) from m1                   m3: follower t1 vote=m1 log=[] commit=0
      4. m3 crashes and restarts                                                  m3: follower t0 vote=- log=[] commit=0
      5. m3 receives RequestVote(term 1, last log 0@t0) from m2                   m3: follower t1 vote=m2 log=[] commit=0
      6. m1 receives Vote(term 1) from m3                                         m1: leader t1 vote=m1 log=[] commit=0
      7. m2 receives Vote(term 1) from m3                                         m2: leader t1 vote=m2 log=[] commit=0
      => Election Safety violated: m1 and m2 were both elected leader of term 1
    "#);
    insta::assert_snapshot!(render_mermaid(&m, t), @r#"
    sequenceDiagram
        participant m1
        participant m2
        participant m3
        Note over m1: m1 times out and starts an election<br/>candidate t1 vote=m1 log=[] commit=0
        Note over m2: m2 times out and starts an election<br/>candidate t1 vote=m2 log=[] commit=0
        m1->>m3: RequestVote(term 1, last log 0@t0)
        Note right of m3: follower t1 vote=m1 log=[] commit=0
        Note over m3: m3 crashes and restarts<br/>follower t0 vote=- log=[] commit=0
        m2->>m3: RequestVote(term 1, last log 0@t0)
        Note right of m3: follower t1 vote=m2 log=[] commit=0
        m3-->>m1: Vote(term 1)
        Note right of m1: leader t1 vote=m1 log=[] commit=0
        m3-->>m2: Vote(term 1)
        Note right of m2: leader t1 vote=m2 log=[] commit=0
        Note over m1,m3: Election Safety violated: m1 and m2 were both elected leader of term 1
    "#);
}

// §5.4.1: without the up-to-date check a node with an empty log wins and lacks a committed entry.
#[test]
fn no_log_check_elects_a_leader_missing_a_committed_entry() {
    let (_, r) = variant_counterexample(Variant::NoLogCheck, 1_000_000);
    let t = trace_of(&r, LEADER_COMPLETENESS);
    assert_eq!(t.steps.len(), 10);
    assert!(r
        .properties
        .iter()
        .find(|p| p.name == LEADER_COMPLETENESS)
        .is_some_and(|p| p.shortest));
}

#[test]
fn accept_stale_term_loses_a_committed_entry() {
    let (_, r) = variant_counterexample(Variant::AcceptStaleTerm, 1_000_000);
    let t = trace_of(&r, LEADER_COMPLETENESS);
    // The overwrite comes from a leader of a lower term than the follower's.
    let before = std::iter::once(&t.init).chain(t.steps.iter().map(|s| &s.state));
    assert!(before
        .zip(&t.steps)
        .any(|(prev, step)| matches!(step.action,
        Action::Deliver { message } if message.kind == super::message::Kind::Append
            && message.term < prev.servers[usize::from(message.dst)].term)));
}

// Figure 8 of the Raft paper (§5.4.2). Its counterexample needs term 4 and over 20 steps,
// beyond a breadth-first budget that suits a test, so it comes from the directed search,
// shrunk; the textbook scenario is the oracle it is held against.
#[test]
fn commit_old_terms_is_found_by_the_directed_search() {
    let (m, r) = variant_counterexample(Variant::CommitOldTerms, 20_000);
    let p = r
        .properties
        .iter()
        .find(|p| p.name == LEADER_COMPLETENESS)
        .expect("property listed");
    assert!(!p.shortest, "a directed search proves no minimality");
    let t = trace_of(&r, LEADER_COMPLETENESS);
    let oracle = from_actions(&m, LEADER_COMPLETENESS, &figure_8_scenario()).expect("replays");
    assert_eq!(oracle.steps.len(), 23);
    assert_eq!(shrink(&m, oracle.clone()).steps.len(), 23, "no step can go");
    // The search is deterministic; 22 steps is one fewer than the script.
    assert_eq!(t.steps.len(), 22);
    assert_eq!(shrink(&m, t.clone()).steps.len(), t.steps.len(), "shrunk");
    // Both commit an entry of an older term by counting, then elect a leader without it.
    for t in [t, &oracle] {
        let last = t.last_state();
        assert!(
            last.committed.iter().any(|c| c.term < c.at_term),
            "an old-term entry was committed"
        );
        assert!(last
            .servers
            .iter()
            .any(|s| s.term == 4 && s.role == Role::Leader));
        // The same steps are no counterexample once the rule is back.
        let correct = RaftModel::new(3, m.bounds, None).expect("bounds");
        assert!(from_actions(&correct, LEADER_COMPLETENESS, &t.actions()).is_none());
    }
}

/// Delivery of a message with the given fields (the rest zero) in a scripted scenario.
fn deliver(
    kind: super::message::Kind,
    src: u8,
    dst: u8,
    term: u8,
    index: u8,
    log_term: u8,
) -> Action {
    Action::Deliver {
        message: super::message::Message {
            kind,
            src,
            dst,
            term,
            index,
            log_term,
            entry: None,
            commit: 0,
            success: kind == super::message::Kind::Vote,
        },
    }
}

/// Figure 8 of the Raft paper scripted for 3 managers (23 steps at term 4): the oracle the
/// directed search's counterexample is compared with.
fn figure_8_scenario() -> Vec<Action> {
    use super::message::{Kind::*, Message};
    use Action::*;
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
}

// The directed search leaves step-downs out, so running out of states proves nothing, unlike
// breadth-first search over every action.
#[test]
fn an_exhausted_directed_search_proves_nothing() {
    use super::trace::{directed_violation, first_violation, Search};
    let m = model(3, 1, 1, 0);
    assert_eq!(first_violation(&m, 1_000_000).0, Search::Exhausted);
    assert_eq!(directed_violation(&m, 1_000_000).0, Search::Cut);
}

#[test]
fn the_correct_model_survives_the_no_persistence_scenario() {
    let v = Variant::NoPersistence;
    let m = RaftModel::new(3, v.bounds(), None).expect("bounds");
    let (r, _) = check(&m, &CheckOptions::default());
    assert!(r.complete);
    assert_eq!(r.verdict().status, Status::Holds);
}

#[test]
fn replay_rejects_a_tampered_trace() {
    let v = Variant::NoPersistence;
    let m = RaftModel::new(3, v.bounds(), Some(v)).expect("bounds");
    let t = shortest_counterexample(&m, ELECTION_SAFETY, 100_000).expect("found");
    assert_eq!(replay(&m, &t), Ok(()));

    let mut cut = t.clone();
    cut.steps.pop();
    assert_eq!(replay(&m, &cut), Err(ReplayError::NoDiscovery));

    let mut swapped = t.clone();
    swapped.steps.swap(0, 2);
    assert!(replay(&m, &swapped).is_err());

    let mut wrong = t.clone();
    wrong.steps[0].state = wrong.steps[1].state.clone();
    assert_eq!(replay(&m, &wrong), Err(ReplayError::WrongState(1)));

    // The same trace is no counterexample on the correct model: the restart keeps the vote.
    let correct = RaftModel::new(3, v.bounds(), None).expect("bounds");
    assert!(replay(&correct, &t).is_err());
}

#[test]
fn shrinking_keeps_a_discovery_and_never_grows() {
    let v = Variant::NoPersistence;
    let m = RaftModel::new(3, v.bounds(), Some(v)).expect("bounds");
    let t = shortest_counterexample(&m, ELECTION_SAFETY, 100_000).expect("found");
    // Pad the shortest trace with a detour; shrinking must remove it again.
    let mut actions = vec![Action::Timeout { server: 2 }];
    actions.extend(t.actions());
    let padded = from_actions(&m, ELECTION_SAFETY, &actions);
    if let Some(padded) = padded {
        let shrunk = shrink(&m, padded.clone());
        assert!(shrunk.steps.len() <= padded.steps.len());
        assert_eq!(replay(&m, &shrunk), Ok(()));
    }
    assert_eq!(shrink(&m, t.clone()).steps.len(), t.steps.len());
}

#[test]
fn representative_is_a_renaming_with_the_same_verdicts() {
    let v = Variant::NoPersistence;
    let m = RaftModel::new(3, v.bounds(), Some(v)).expect("bounds");
    let t = shortest_counterexample(&m, ELECTION_SAFETY, 100_000).expect("found");
    for step in &t.steps {
        let r = representative(&step.state);
        assert_eq!(representative(&r), r, "idempotent");
        for p in super::properties::all() {
            assert_eq!(
                (p.condition)(&m, &r),
                (p.condition)(&m, &step.state),
                "{}",
                p.name
            );
        }
        let mut a: Vec<_> = step.state.servers[..3]
            .iter()
            .map(|s| (s.term, s.role, s.log))
            .collect();
        let mut b: Vec<_> = r.servers[..3]
            .iter()
            .map(|s| (s.term, s.role, s.log))
            .collect();
        a.sort();
        b.sort();
        assert_eq!(a, b);
        assert_eq!(r.network.len(), step.state.network.len());
    }
}

#[test]
fn log_packs_terms() {
    let mut l = Log::from_terms(&[1, 1, 3]);
    assert_eq!(l.len(), 3);
    assert_eq!(
        (l.term_at(0), l.term_at(2), l.term_at(3), l.term_at(4)),
        (0, 1, 3, 0)
    );
    l.truncate(1);
    l.push(2);
    assert_eq!(l.terms().collect::<Vec<_>>(), vec![1, 2]);
    assert_eq!(l, Log::from_terms(&[1, 2]));
}

#[test]
fn a_single_manager_elects_itself_and_commits_alone() {
    let m = model(1, 1, 1, 0);
    let s = m.init_state();
    let s = m.step(&s, Action::Timeout { server: 0 }).expect("timeout");
    assert_eq!(s.servers[0].role, Role::Leader);
    let s = m
        .step(&s, Action::ClientRequest { server: 0 })
        .expect("append");
    assert_eq!(s.servers[0].commit, 1);
    assert!(entry_committed(&m, &s));
}

#[test]
fn variants_parse_by_name() {
    for v in Variant::ALL {
        assert_eq!(v.name().parse::<Variant>(), Ok(v));
    }
    assert!("nope".parse::<Variant>().is_err());
}

#[test]
fn verdict_json_carries_the_counterexample() {
    let (_, r) = variant_counterexample(Variant::NoPersistence, 1_000_000);
    let v = r.verdict();
    let details = v.details_json();
    let es = &details["properties"][0];
    assert_eq!(es["name"], ELECTION_SAFETY);
    assert_eq!(es["status"], "violated");
    let steps = es["counterexample"]["steps"].as_array().expect("steps");
    assert_eq!(steps.len(), 7);
    assert_eq!(steps[0]["action"]["action"], "timeout");
    assert!(render_check(&r).contains("violated  Election Safety"));
}

// The Explorer shows managers and messages by name, and its wrapper finds the checker's
// states and verdicts.
#[test]
fn the_explorer_names_managers_and_keeps_the_state_space() {
    use crate::modelcheck::explorer::{Explain, Readable};
    use stateright::{Checker, Model};
    let m = model(3, 1, 0, 0);
    let s = m.init_state();
    let after = m
        .step(&s, Action::Timeout { server: 0 })
        .expect("a timeout is a step");
    let shown = m.describe(&after);
    assert!(shown.contains("m1  candidate  term 1  vote m1"), "{shown}");
    assert!(shown.contains("m1 -> m2  RequestVote(term 1"), "{shown}");
    assert!(!shown.contains("src:"), "{shown}");
    let plain = m.clone().checker().spawn_bfs().join();
    let readable = Readable::new(m).unwrap().checker().spawn_bfs().join();
    assert_eq!(plain.unique_state_count(), readable.unique_state_count());
    for p in super::properties::all() {
        assert_eq!(
            plain.discovery(p.name).is_some(),
            readable.discovery(p.name).is_some(),
            "{}",
            p.name
        );
    }
}

fn swap01(i: u8) -> u8 {
    match i {
        0 => 1,
        1 => 0,
        other => other,
    }
}

/// The same action with managers m1 and m2 exchanged.
fn swapped(a: Action) -> Action {
    match a {
        Action::Timeout { server } => Action::Timeout {
            server: swap01(server),
        },
        Action::ClientRequest { server } => Action::ClientRequest {
            server: swap01(server),
        },
        Action::Restart { server } => Action::Restart {
            server: swap01(server),
        },
        Action::StepDown { server } => Action::StepDown {
            server: swap01(server),
        },
        Action::SendAppend { from, to } => Action::SendAppend {
            from: swap01(from),
            to: swap01(to),
        },
        Action::Deliver { mut message } => {
            message.src = swap01(message.src);
            message.dst = swap01(message.dst);
            Action::Deliver { message }
        }
    }
}

// Running the same steps with two managers' names exchanged reaches renamed states, which must
// share one representative (the reduction is canonical, not just sound).
#[test]
fn renamed_runs_share_representatives() {
    let v = Variant::NoLogCheck;
    let m = RaftModel::new(3, v.bounds(), Some(v)).expect("bounds");
    let t = shortest_counterexample(&m, LEADER_COMPLETENESS, 100_000).expect("found");
    let mut s = m.init_state();
    for step in &t.steps {
        s = m
            .step(&s, swapped(step.action))
            .expect("renamed step is enabled");
        assert_ne!(s, step.state, "the run really is renamed");
        assert_eq!(representative(&s), representative(&step.state));
    }
}
