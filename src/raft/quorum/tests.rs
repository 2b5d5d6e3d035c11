use proptest::prelude::*;

use super::*;
use crate::diagnostics::Code;
use crate::model::ManagerStatus;

fn manager(name: &str, zone: Option<&str>) -> Node {
    let mut n = Node::new(name);
    n.role = Role::Manager;
    if let Some(z) = zone {
        n.labels.insert("zone".into(), z.into());
    }
    n
}

fn managers(n: usize) -> Cluster {
    Cluster::new((1..=n).map(|i| manager(&format!("m{i}"), None)).collect())
}

fn zoned(zones: &[&str]) -> Cluster {
    Cluster::new(
        zones
            .iter()
            .enumerate()
            .map(|(i, z)| manager(&format!("m{}", i + 1), Some(z)))
            .collect(),
    )
}

fn codes_of(diags: &[Diagnostic]) -> Vec<&'static str> {
    diags.iter().map(|d| d.code.id).collect()
}

fn has(diags: &[Diagnostic], code: &Code) -> bool {
    diags.iter().any(|d| d.code.id == code.id)
}

// Reference §4.3: fault tolerance (N-1)/2, quorum a majority; 2 is worse than 1, even sizes add
// nothing, more than 7 is discouraged.
#[test]
fn manager_counts_give_the_documented_quorum_and_tolerance() {
    let table = [
        (1, 1, 0, Some(&codes::SINGLE_MANAGER)),
        (2, 2, 0, Some(&codes::TWO_MANAGERS)),
        (3, 2, 1, None),
        (4, 3, 1, Some(&codes::EVEN_MANAGERS)),
        (5, 3, 2, None),
        (7, 4, 3, None),
        (9, 5, 4, Some(&codes::TOO_MANY_MANAGERS)),
    ];
    for (n, quorum, tolerance, finding) in table {
        let (a, diags) = analyze(&managers(n), &[]);
        assert_eq!(a.membership.quorum, quorum, "{n} managers");
        assert_eq!(a.membership.fault_tolerance, tolerance, "{n} managers");
        assert_eq!(a.membership.remaining_tolerance, Some(tolerance));
        // Every set of tolerance+1 managers, and only those, loses quorum.
        assert_eq!(a.node_failure_sets.count, binomial(n, tolerance + 1));
        assert!(a
            .node_failure_sets
            .sets
            .iter()
            .all(|s| s.len() == tolerance + 1));
        match finding {
            Some(code) => assert_eq!(codes_of(&diags), vec![code.id], "{n} managers"),
            None => assert!(diags.is_empty(), "{n} managers: {:?}", codes_of(&diags)),
        }
        assert_eq!(verdict(&a).status, Status::Holds);
    }
}

#[test]
fn failure_sets_of_three_managers_are_the_pairs() {
    let (a, _) = analyze(&managers(3), &[]);
    assert_eq!(
        a.node_failure_sets.sets,
        vec![vec!["m1", "m2"], vec!["m1", "m3"], vec!["m2", "m3"]]
    );
    assert!(!a.node_failure_sets.truncated);
}

#[test]
fn failure_sets_are_truncated_but_counted_exactly_for_large_clusters() {
    let (a, _) = analyze(&managers(21), &[]);
    assert_eq!(a.node_failure_sets.count, binomial(21, 11));
    assert_eq!(a.node_failure_sets.count, 352_716);
    assert_eq!(a.node_failure_sets.sets.len(), MAX_LISTED_SETS);
    assert!(a.node_failure_sets.truncated);
}

#[test]
fn three_managers_over_three_zones_survive_any_zone() {
    let (a, diags) = analyze(&zoned(&["a", "b", "c"]), &[]);
    assert!(diags.is_empty(), "{:?}", codes_of(&diags));
    assert_eq!(
        a.domain_failure_sets.sets,
        vec![vec!["a", "b"], vec!["a", "c"], vec!["b", "c"]]
    );
}

#[test]
fn three_managers_over_two_plus_one_zones_die_with_the_big_zone() {
    let (a, diags) = analyze(&zoned(&["a", "a", "b"]), &[]);
    assert_eq!(codes_of(&diags), vec![codes::DOMAIN_LOSS_BREAKS_QUORUM.id]);
    assert!(diags[0].message.contains("zone=a"), "{}", diags[0].message);
    // Losing zone b alone is survivable, so {a} is the only minimal domain failure set.
    assert_eq!(a.domain_failure_sets.sets, vec![vec!["a"]]);
}

#[test]
fn all_managers_in_one_zone_is_reported() {
    let (a, diags) = analyze(&zoned(&["a", "a", "a"]), &[]);
    assert_eq!(codes_of(&diags), vec![codes::DOMAIN_LOSS_BREAKS_QUORUM.id]);
    assert!(diags[0].message.starts_with("all 3 available managers"));
    assert_eq!(a.domain_failure_sets.sets, vec![vec!["a"]]);
}

#[test]
fn five_managers_over_two_two_one_survive_any_single_zone() {
    let (a, diags) = analyze(&zoned(&["a", "a", "b", "b", "c"]), &[]);
    assert!(diags.is_empty(), "{:?}", codes_of(&diags));
    // 3 losses break quorum: any two zones hold at least 3 managers, no single zone does.
    assert_eq!(
        a.domain_failure_sets.sets,
        vec![vec!["a", "b"], vec!["a", "c"], vec!["b", "c"]]
    );
}

#[test]
fn unlabelled_manager_is_its_own_domain_and_reported() {
    let mut c = zoned(&["a", "b"]);
    c.nodes.push(manager("m3", None));
    let (a, diags) = analyze(&c, &[]);
    assert_eq!(codes_of(&diags), vec![codes::MANAGER_WITHOUT_DOMAIN.id]);
    assert_eq!(a.domain_failure_sets.count, 3);
}

fn with_m3_down() -> Cluster {
    let mut c = managers(3);
    c.nodes[2].state = NodeState::Down;
    c
}

// Reference §4.2: CanRemoveMember counts the reachable members other than the one leaving and
// compares them with the quorum of the smaller membership.
#[test]
fn demoting_a_healthy_manager_while_another_is_down_is_refused() {
    let (a, diags) = analyze(&with_m3_down(), &[WhatIf::Demote("m1".into())]);
    assert_eq!(a.membership.available, 2);
    assert_eq!(a.membership.remaining_tolerance, Some(0));
    assert!(has(&diags, &codes::MANAGER_UNAVAILABLE));
    assert!(has(&diags, &codes::DEMOTE_REFUSED));
    let w = &a.what_ifs[0];
    assert!(!w.accepted_by_swarm);
    assert!(
        w.keeps_quorum,
        "a refused change leaves the cluster as it was"
    );
    assert_eq!(w.after.members, 3);
}

#[test]
fn demoting_the_down_manager_is_allowed_and_leaves_two() {
    let (a, diags) = analyze(&with_m3_down(), &[WhatIf::Demote("m3".into())]);
    assert!(!has(&diags, &codes::DEMOTE_REFUSED));
    let w = &a.what_ifs[0];
    assert!(w.accepted_by_swarm && w.keeps_quorum);
    assert_eq!(
        (w.after.members, w.after.available, w.after.quorum),
        (2, 2, 2)
    );
    assert!(a.is_safe());
}

#[test]
fn what_ifs_apply_in_order() {
    // After demoting the down m3, demoting m1 leaves m2 alone: 1 reachable other >= 1 needed.
    let (a, _) = analyze(
        &with_m3_down(),
        &[WhatIf::Demote("m3".into()), WhatIf::Demote("m1".into())],
    );
    assert!(a.what_ifs.iter().all(|w| w.accepted_by_swarm));
    assert_eq!(a.what_ifs[1].after.members, 1);
    let (b, diags) = analyze(&managers(1), &[WhatIf::Demote("m1".into())]);
    assert!(has(&diags, &codes::DEMOTE_LAST));
    assert!(!b.what_ifs[0].accepted_by_swarm);
}

// Reference §4.2: "There is no quorum-safety check on add".
#[test]
fn promoting_an_unreachable_node_with_a_manager_down_loses_quorum() {
    let mut c = with_m3_down();
    let mut w = Node::new("w1");
    w.manager = Some(ManagerStatus {
        leader: false,
        reachability: Reachability::Unreachable,
        addr: None,
    });
    c.nodes.push(w);
    let (a, diags) = analyze(&c, &[WhatIf::Promote("w1".into())]);
    let w = &a.what_ifs[0];
    assert!(w.accepted_by_swarm, "Swarm does not check additions");
    assert!(!w.keeps_quorum);
    assert_eq!(
        (w.after.members, w.after.available, w.after.quorum),
        (4, 2, 3)
    );
    assert!(has(&diags, &codes::PROMOTE_LOSES_QUORUM));
    assert_eq!(verdict(&a).status, Status::Violated);
}

#[test]
fn promoting_a_ready_worker_keeps_quorum() {
    let mut c = managers(2);
    c.nodes.push(Node::new("w1"));
    let (a, diags) = analyze(&c, &[WhatIf::Promote("w1".into())]);
    assert!(!has(&diags, &codes::PROMOTE_LOSES_QUORUM));
    assert_eq!(a.what_ifs[0].after.fault_tolerance, 1);
}

#[test]
fn removing_a_manager_is_refused_and_judged_as_a_demotion() {
    let (a, diags) = analyze(&with_m3_down(), &[WhatIf::Remove("m1".into())]);
    assert!(has(&diags, &codes::REMOVE_MANAGER_REFUSED));
    assert!(has(&diags, &codes::DEMOTE_REFUSED));
    assert!(!a.what_ifs[0].accepted_by_swarm);
}

// Observed on Engine 20.10.24 (docs/conformance.md, quorum/remove-manager-refused): `docker node
// rm` of a healthy manager of three fails with "… must be demoted to worker before removal",
// even where demoting it would be allowed; the membership is unchanged.
#[test]
fn removing_a_healthy_manager_is_refused_even_when_its_demotion_is_allowed() {
    let (a, diags) = analyze(&managers(3), &[WhatIf::Remove("m3".into())]);
    assert!(has(&diags, &codes::REMOVE_MANAGER_REFUSED));
    assert!(!has(&diags, &codes::DEMOTE_REFUSED));
    let w = &a.what_ifs[0];
    assert!(!w.accepted_by_swarm);
    assert_eq!((w.after.members, w.after.fault_tolerance), (3, 1));
    assert!(
        w.explanation
            .contains("must be demoted to worker before removal"),
        "{}",
        w.explanation
    );
}

#[test]
fn unknown_and_no_op_what_ifs() {
    let (a, diags) = analyze(
        &managers(3),
        &[WhatIf::Demote("nope".into()), WhatIf::Promote("m1".into())],
    );
    assert_eq!(
        codes_of(&diags),
        vec![codes::UNKNOWN_NODE.id, codes::PROMOTE_NOT_NEEDED.id]
    );
    assert_eq!(a.what_ifs.len(), 1);
}

#[test]
fn quorum_lost_now_is_an_error_with_no_failure_sets() {
    let mut c = with_m3_down();
    c.nodes[1].manager = Some(ManagerStatus {
        leader: false,
        reachability: Reachability::Unreachable,
        addr: None,
    });
    let (a, diags) = analyze(&c, &[]);
    assert!(has(&diags, &codes::QUORUM_LOST));
    assert_eq!(a.node_failure_sets.count, 0);
    assert_eq!(verdict(&a).status, Status::Violated);
    assert!(render_quorum(&a).contains("QUORUM LOST"));
}

#[test]
fn drained_manager_still_counts() {
    let mut c = managers(3);
    c.nodes[0].availability = Availability::Drain;
    let (a, diags) = analyze(&c, &[]);
    assert_eq!(codes_of(&diags), vec![codes::DRAINED_MANAGER.id]);
    assert_eq!(a.membership.available, 3);
}

#[test]
fn no_managers_is_an_error() {
    let (a, diags) = analyze(&Cluster::new(vec![Node::new("w1")]), &[]);
    assert_eq!(codes_of(&diags), vec![codes::NO_MANAGERS.id]);
    assert_eq!(verdict(&a).status, Status::Violated);
}

#[test]
fn render_two_plus_one() {
    let (mut a, _) = analyze(&zoned(&["a", "a", "b"]), &[WhatIf::Demote("m3".into())]);
    a.managers[0].leader = true;
    insta::assert_snapshot!(render_quorum(&a), @r"
    managers: 3  available: 3  quorum: 2  fault tolerance: 1
    quorum available now; 1 more failure tolerated
      m1                   zone=a            leader
      m2                   zone=a
      m3                   zone=b
    minimal sets of managers whose loss loses quorum (3):
      {m1, m2}
      {m1, m3}
      {m2, m3}
    minimal sets of `zone` domains whose loss loses quorum (1):
      {a}
    what if demote m3: keeps quorum — allowed: 2 other reachable managers >= 2; now 2 members, quorum 2, tolerance 0
    ");
}

proptest! {
    // Domain failure sets agree with a brute-force definition: a set loses quorum and no proper
    // subset does.
    #[test]
    fn domain_sets_are_exactly_the_minimal_breaking_sets(
        zones in proptest::collection::vec(0u8..5, 1..10),
        down in proptest::collection::vec(any::<bool>(), 10),
    ) {
        let names: Vec<String> = zones.iter().map(|z| format!("z{z}")).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let mut c = zoned(&refs);
        for (node, d) in c.nodes.iter_mut().zip(&down) {
            if *d { node.state = NodeState::Down; }
        }
        let (a, _) = analyze(&c, &[]);
        let m = a.membership;
        let by = available_by_domain(&a.managers);
        let doms: Vec<&String> = by.keys().collect();
        let breaks = |set: &[&String]| {
            let lost: usize = set.iter().map(|d| by[*d]).sum();
            m.available - lost < m.quorum
        };
        let mut expected = Vec::new();
        if m.has_quorum() {
            for mask in 1u32..1 << doms.len() {
                let set: Vec<&String> = (0..doms.len()).filter(|i| mask & (1 << i) != 0).map(|i| doms[i]).collect();
                let minimal = (0..set.len()).all(|skip| {
                    let sub: Vec<&String> = set.iter().enumerate().filter(|(i, _)| *i != skip).map(|(_, d)| *d).collect();
                    !breaks(&sub)
                });
                if breaks(&set) && minimal {
                    expected.push(set.iter().map(|d| d.to_string()).collect::<Vec<_>>());
                }
            }
        }
        let mut got = a.domain_failure_sets.sets.clone();
        got.sort();
        expected.sort();
        prop_assert_eq!(got, expected);
    }
}
