//! Codes of the manager-consensus checks: SP40xx for the quorum analysis of the inventory
//! (`ALL`, the `quorum` check's), SP405x for the Raft model (`model::ALL`, the `raft` check's).

crate::declare_codes! {
    NO_MANAGERS = ("SP4001", "no-managers", "error", "the inventory lists no manager",
        "Every swarm has at least one manager: the managers keep the cluster state in Raft and run the orchestrator and the scheduler. An inventory without a node of role `manager` cannot be analysed for quorum.\n\nFix: mark the manager nodes of the inventory with `role: manager`.");
    SINGLE_MANAGER = ("SP4002", "single-manager", "warning", "one manager tolerates no manager failure",
        "With one manager the Raft quorum is 1 of 1: if that node fails, nodes cannot be added, updated or removed and tasks cannot be started, stopped, moved or updated until it is back (docker docs, admin guide). Running tasks keep running.\n\nFix: for production, run 3 managers (tolerates 1 failure) or 5 (tolerates 2), in different failure domains.");
    TWO_MANAGERS = ("SP4003", "two-managers", "warning", "two managers are worse than one",
        "Raft needs a majority of the managers: with 2 managers the quorum is 2 of 2, so the loss of either one stops the control plane. Two managers tolerate no failure, like one, but fail twice as often.\n\nFix: add a third manager (`docker node promote`), or demote one.");
    EVEN_MANAGERS = ("SP4004", "even-manager-count", "warning", "an even number of managers adds no fault tolerance",
        "Fault tolerance is (N-1)/2 managers: 4 managers tolerate 1 failure like 3, 6 tolerate 2 like 5. The extra manager adds replication work and one more node that can fail. Docker recommends an odd number of managers.\n\nFix: promote or demote one manager to reach an odd count.");
    TOO_MANY_MANAGERS = ("SP4005", "too-many-managers", "warning", "more than seven managers",
        "\"Docker recommends a maximum of seven manager nodes for a swarm\" (docs: how nodes work). Every write is replicated to every manager, so each extra manager slows down commits; beyond 7 the fault tolerance rarely pays for it. Swarm does not enforce a maximum.\n\nFix: keep 3, 5 or 7 managers and run the other nodes as workers.");
    DOMAIN_LOSS_BREAKS_QUORUM = ("SP4006", "domain-loss-breaks-quorum", "warning", "losing one failure domain loses quorum",
        "The managers of one failure domain (the node label named by the inventory's domain label, `zone` by default) hold enough votes that an outage of that domain alone leaves fewer than a majority of managers. Docker recommends spreading managers over at least three availability zones.\n\nFix: move managers so that no domain holds half of them or more, e.g. 3 managers over 3 zones, or 5 over 2+2+1.");
    TOLERANCE_LOSES_QUORUM = ("SP4011", "tolerance-loses-quorum", "error", "the failures --tolerate asks to survive lose the managers' quorum",
        "`--tolerate N` or `--tolerate zone` asks the stack to survive losing any N nodes or any one failure domain. Managers are nodes too: when such a loss takes away half of the managers or more, the swarm has no leader, no task can be rescheduled and no service updated, whatever spare capacity the workers have. The placement check alone would call the stack tolerant; the quorum verdict is violated instead, so the requested tolerance applies to every check it concerns.\n\nFix: spread the managers so that the loss leaves a majority (3 managers over 3 zones, 5 over 2+2+1), or run more managers.");
    MANAGER_WITHOUT_DOMAIN = ("SP4007", "manager-without-domain", "warning", "a manager has no failure-domain label",
        "Some managers carry the failure-domain label and this one does not, so the analysis cannot tell which domain it fails with; it is treated as a domain of its own, which may be optimistic.\n\nFix: add the label (`docker node update --label-add zone=...`).");
    MANAGER_UNAVAILABLE = ("SP4008", "manager-unavailable", "warning", "a manager is down or unreachable now",
        "The inventory reports this manager as down, disconnected or unreachable. It still counts in the Raft membership and so in the quorum size, but it cannot vote: the cluster's remaining fault tolerance is reduced.\n\nFix: bring the manager back, or, if it is gone for good, demote it (`docker node demote`) and remove it (`docker node rm`) while a quorum is still reachable, then promote a replacement.");
    QUORUM_LOST = ("SP4009", "quorum-lost", "error", "fewer than a majority of managers are available",
        "Fewer than a majority of the Raft members are available, so no leader can be elected and nothing can be committed. Swarm says: \"The swarm does not have a leader. It's possible that too few managers are online. Make sure more than half of the managers are online.\" Running tasks keep running, but the cluster cannot be changed.\n\nFix: bring managers back online. As a last resort run `docker swarm init --force-new-cluster` on a healthy manager: it keeps the state but removes every other manager, which must then rejoin.");
    DRAINED_MANAGER = ("SP4010", "drained-manager-votes", "info", "a drained manager still votes",
        "Availability `drain` only keeps tasks off a node; a drained manager stays a Raft member, votes, and counts in the quorum. Draining is the recommended way to keep workloads off managers, and it does not change fault tolerance.\n\nFix: nothing, if intended. To take a manager out of the quorum, demote it.");
    DEMOTE_REFUSED = ("SP4020", "demote-loses-quorum", "error", "the demotion would lose quorum and Swarm refuses it",
        "Swarm checks a demotion (and any removal of a Raft member) with CanRemoveMember: the members other than the one leaving that are reachable now must be at least a quorum of the smaller membership, (members-1)/2+1. Otherwise it fails with \"can't remove member from the raft: this would result in a loss of quorum\".\n\nFix: bring unreachable managers back first, or demote the unreachable manager rather than a healthy one.");
    DEMOTE_LAST = ("SP4021", "demote-last-manager", "error", "the last manager cannot be demoted",
        "Swarm refuses to demote the only manager: \"attempting to demote the last manager of the swarm\".\n\nFix: promote another node first.");
    PROMOTE_LOSES_QUORUM = ("SP4022", "promote-loses-quorum", "error", "the promotion would leave the swarm without quorum",
        "Swarm performs no quorum check when a manager is added: the new member raises the quorum immediately. If the promoted node is not reachable, or other managers are already down, the larger membership may have fewer available members than its quorum, and the cluster stops.\n\nFix: promote only reachable nodes, and bring down managers back (or demote them) before adding new ones.");
    REMOVE_MANAGER_REFUSED = ("SP4023", "remove-manager-refused", "error", "a manager must be demoted before removal",
        "`docker node rm` refuses a node that is still a Raft member: \"must be demoted to worker before removal\". The quorum question is therefore the demotion's.\n\nFix: `docker node demote NODE` first (which Swarm checks for quorum), then `docker node rm NODE`.");
    UNKNOWN_NODE = ("SP4024", "what-if-unknown-node", "error", "a what-if names a node the inventory does not have",
        "The node named in --promote, --demote or --remove is neither a hostname nor a node id of the inventory.\n\nFix: use a hostname or id as listed by `docker node ls`.");
    PROMOTE_NOT_NEEDED = ("SP4025", "what-if-no-change", "info", "the what-if changes nothing",
        "The node is already in the role the change asks for (promoting a manager, demoting a worker), so Swarm does nothing.\n\nFix: check the node name.");
}

/// The Raft model's codes (SP405x): the `raft` check's.
pub mod model {
    crate::declare_codes! {
        RAFT_PROPERTY_VIOLATED = ("SP4050", "raft-property-violated", "error", "a Raft safety property fails in the model",
            "Exhaustive model checking found a reachable state of the Raft model that breaks a safety property of Figure 3 of the Raft paper (Election Safety, Log Matching, Leader Completeness, State Machine Safety). The counterexample is the shortest sequence of steps to such a state, replayed on the model.\n\nWith a teaching variant this is the expected outcome: the variant removes the rule that prevents it. With the correct model it is a bug in the model.");
        RAFT_SEARCH_INCOMPLETE = ("SP4051", "raft-search-incomplete", "warning", "the Raft state space was not fully explored",
            "The model checker stopped at the state, memory or time budget before exploring every reachable state, so properties without a counterexample are reported as unknown, not as holding.\n\nFix: lower the bounds (max term, max log length, max crashes) or raise the budget.");
        RAFT_BAD_BOUNDS = ("SP4052", "raft-bad-bounds", "error", "the Raft model's bounds are out of range",
            "The model supports 1 to 5 managers, a maximum term of 1 to 11, a maximum log length of 0 to 7 entries and at most 7 crashes, so that its state packs into a few bytes and the search stays finite.\n\nFix: choose bounds in range; small bounds (3 managers, term 3, log 2, 1 crash) already expose every classic Raft bug.");
    }
}

pub use model::{RAFT_BAD_BOUNDS, RAFT_PROPERTY_VIOLATED, RAFT_SEARCH_INCOMPLETE};
