//! The labs of `docs/labs/`, as data: their starting files (embedded, so the grader judges
//! against the lab's own cluster), their setup and their questions.

use super::{Check, Fact, Keep, Lab, LabFile, Question, Setup};
use crate::raft::Variant;
use crate::report::Status;

macro_rules! starter {
    ($dir:literal, $name:literal, $edited:expr) => {
        LabFile {
            name: $name,
            starter: include_str!(concat!("../../docs/labs/", $dir, "/starter/", $name)),
            edited: $edited,
        }
    };
}

const EDITED: bool = true;
const GIVEN: bool = false;

const fn holds(check: &'static str) -> Check {
    Check::Verdict {
        check,
        status: Status::Holds,
    }
}

/// A question: id, text, check, and the command that shows its evidence.
const fn q(id: &'static str, text: &'static str, check: Check, see: &'static str) -> Question {
    Question {
        id,
        text,
        check,
        see,
    }
}

const KEEP_REPLICAS: Question = q(
    "replicas",
    "every service keeps its replicas",
    Check::Keeps(Keep::Replicas),
    "the starting stack.yml",
);

const KEEP_RESERVATIONS: Question = q(
    "reservations",
    "every service keeps its reservations",
    Check::Keeps(Keep::Reservations),
    "the starting stack.yml",
);

const PLAIN: Setup = Setup {
    tolerate_zone: false,
    scheduler: false,
    rollout: false,
};
const SCHEDULER: Setup = Setup {
    scheduler: true,
    ..PLAIN
};
const TOLERATE_ZONE: Setup = Setup {
    tolerate_zone: true,
    ..PLAIN
};
const ROLLOUT: Setup = Setup {
    rollout: true,
    ..PLAIN
};

static LABS: [Lab; 9] = [
    Lab {
        id: "constraints",
        number: 1,
        dir: "01-constraints",
        title: "Constraints and their traps",
        files: &[
            starter!("01-constraints", "stack.yml", EDITED),
            starter!("01-constraints", "nodes.yml", GIVEN),
        ],
        setup: PLAIN,
        questions: &[
            q(
                "places",
                "every task of the stack has a node",
                holds("placement"),
                "swarmproof check .",
            ),
            q(
                "db-on-ssd",
                "db runs only on the node with the SSD",
                Check::OnlyOn {
                    service: "db",
                    nodes: &["worker-1"],
                },
                "swarmproof explain SP0203",
            ),
            q(
                "web-on-workers",
                "web runs on workers only",
                Check::OnlyOn {
                    service: "web",
                    nodes: &["worker-1", "worker-2", "worker-3", "worker-4"],
                },
                "swarmproof explain SP0206",
            ),
            q(
                "batch-in-zone-b",
                "batch runs in zone b only, also on nodes no one has labelled yet",
                Check::OnlyOn {
                    service: "batch",
                    nodes: &["worker-2", "worker-3"],
                },
                "the handout's background, rule 2",
            ),
        ],
    },
    Lab {
        id: "bin-packing",
        number: 2,
        dir: "02-bin-packing",
        title: "Reservations and bin packing",
        files: &[
            starter!("02-bin-packing", "stack.yml", GIVEN),
            starter!("02-bin-packing", "nodes.yml", EDITED),
            starter!("02-bin-packing", "answers.yml", EDITED),
        ],
        setup: PLAIN,
        questions: &[
            q(
                "places",
                "the stack fits your cluster",
                holds("placement"),
                "swarmproof plan .",
            ),
            q(
                "smallest",
                "your cluster is a smallest one of 4-CPU, 8G machines",
                Check::ClusterWithin {
                    nodes: 3,
                    cpus: 4,
                    memory_gib: 8,
                },
                "swarmproof check . (and the sums in the handout)",
            ),
            q(
                "z3-starter",
                "z3's answer (sat or unsat) on the starting cluster's SMT-LIB problem",
                Check::Answer {
                    key: "z3_on_starter",
                    fact: Fact::StarterPlacement,
                },
                "swarmproof check . --dump-smt2 starter.smt2 on the starting cluster, then z3 starter.smt2",
            ),
        ],
    },
    Lab {
        id: "greedy",
        number: 3,
        dir: "03-greedy",
        title: "Greedy versus exact: feasible yet Pending",
        files: &[
            starter!("03-greedy", "stack.yml", EDITED),
            starter!("03-greedy", "nodes.yml", GIVEN),
        ],
        setup: SCHEDULER,
        questions: &[
            q(
                "exact-places",
                "a placement of every task exists",
                holds("placement"),
                "swarmproof plan .",
            ),
            q(
                "swarm-places",
                "Swarm's own scheduler places every task, in every order it may use",
                holds("scheduler"),
                "swarmproof simulate . --explore",
            ),
            KEEP_REPLICAS,
            KEEP_RESERVATIONS,
        ],
    },
    Lab {
        id: "failure-domains",
        number: 4,
        dir: "04-failure-domains",
        title: "Failure domains",
        files: &[
            starter!("04-failure-domains", "stack.yml", EDITED),
            starter!("04-failure-domains", "nodes.yml", GIVEN),
        ],
        setup: TOLERATE_ZONE,
        questions: &[
            q(
                "survives-zone",
                "every task still has a node after losing any one zone",
                holds("placement"),
                "swarmproof check . --tolerate zone",
            ),
            q(
                "quorum",
                "the managers keep a quorum after losing any one zone",
                holds("quorum"),
                "swarmproof quorum nodes.yml",
            ),
            KEEP_REPLICAS,
            KEEP_RESERVATIONS,
        ],
    },
    Lab {
        id: "rolling-updates",
        number: 5,
        dir: "05-rolling-updates",
        title: "Rolling updates",
        files: &[
            starter!("05-rolling-updates", "stack.yml", EDITED),
            starter!("05-rolling-updates", "nodes.yml", GIVEN),
        ],
        setup: ROLLOUT,
        questions: &[
            q(
                "availability",
                "at least 3 tasks of api run throughout its update and rollback (2 after a failure)",
                Check::UpdateProperty {
                    service: "api",
                    property: "availability",
                },
                "swarmproof update . --service api",
            ),
            q(
                "no-pause",
                "a failing update does not stop and wait for a person",
                Check::NoFinding("SP3007"),
                "swarmproof explain SP3007",
            ),
            q(
                "failure-handled",
                "a failing update never ends as if it had succeeded",
                Check::NoFinding("SP3006"),
                "swarmproof explain SP3006",
            ),
            q(
                "update-safe",
                "no update hangs, lacks room or breaks a requirement",
                holds("rollout"),
                "swarmproof update .",
            ),
            KEEP_REPLICAS,
            q(
                "requirements",
                "the availability floor (min_available) is kept",
                Check::Keeps(Keep::Requirements),
                "the starting stack.yml",
            ),
        ],
    },
    Lab {
        id: "timing",
        number: 6,
        dir: "06-timing",
        title: "Timing: healthchecks, monitor and delay",
        files: &[
            starter!("06-timing", "stack.yml", EDITED),
            starter!("06-timing", "nodes.yml", GIVEN),
        ],
        setup: ROLLOUT,
        questions: &[
            q(
                "delay-vs-monitor",
                "no task can fail after the monitor window and before the next batch",
                Check::NoFinding("SP3010"),
                "swarmproof explain SP3010",
            ),
            q(
                "monitor-vs-healthcheck",
                "the monitor window lasts until the healthcheck can declare a task unhealthy",
                Check::NoFinding("SP3011"),
                "swarmproof explain SP3011",
            ),
            q(
                "duration",
                "the update cannot take longer than max_update_duration",
                Check::NoFinding("SP3012"),
                "swarmproof explain SP3012",
            ),
            q(
                "healthchecks",
                "every healthcheck is kept",
                Check::Keeps(Keep::Healthchecks),
                "the starting stack.yml",
            ),
            q(
                "requirements",
                "max_update_duration is kept",
                Check::Keeps(Keep::Requirements),
                "the starting stack.yml",
            ),
        ],
    },
    Lab {
        id: "raft",
        number: 7,
        dir: "07-raft",
        title: "Raft: why each rule is there",
        files: &[starter!("07-raft", "answers.yml", EDITED)],
        setup: PLAIN,
        questions: &[
            q(
                "no-persistence-breaks",
                "the property no-persistence breaks",
                Check::Answer {
                    key: "no_persistence_breaks",
                    fact: Fact::RaftBroken(Variant::NoPersistence),
                },
                "swarmproof raft --variant no-persistence",
            ),
            q(
                "no-persistence-steps",
                "the steps of its shortest counterexample",
                Check::Answer {
                    key: "no_persistence_steps",
                    fact: Fact::RaftSteps(Variant::NoPersistence),
                },
                "swarmproof raft --variant no-persistence",
            ),
            q(
                "no-log-check-breaks",
                "the property no-log-check breaks",
                Check::Answer {
                    key: "no_log_check_breaks",
                    fact: Fact::RaftBroken(Variant::NoLogCheck),
                },
                "swarmproof raft --variant no-log-check",
            ),
            q(
                "no-log-check-steps",
                "the steps of its shortest counterexample",
                Check::Answer {
                    key: "no_log_check_steps",
                    fact: Fact::RaftSteps(Variant::NoLogCheck),
                },
                "swarmproof raft --variant no-log-check",
            ),
            q(
                "states-t1-l0",
                "states of the correct model: 3 managers, term 1, log 0, no crash",
                Check::Answer {
                    key: "states_term1_log0",
                    fact: Fact::RaftStates {
                        term: 1,
                        log: 0,
                        crashes: 0,
                    },
                },
                "swarmproof raft --max-term 1 --max-log 0 --max-crashes 0",
            ),
            q(
                "states-t1-l1",
                "states with log 1",
                Check::Answer {
                    key: "states_term1_log1",
                    fact: Fact::RaftStates {
                        term: 1,
                        log: 1,
                        crashes: 0,
                    },
                },
                "swarmproof raft --max-term 1 --max-log 1 --max-crashes 0",
            ),
            q(
                "states-t1-l1-c1",
                "states with log 1 and one crash",
                Check::Answer {
                    key: "states_term1_log1_crash1",
                    fact: Fact::RaftStates {
                        term: 1,
                        log: 1,
                        crashes: 1,
                    },
                },
                "swarmproof raft --max-term 1 --max-log 1 --max-crashes 1",
            ),
        ],
    },
    Lab {
        id: "quorum",
        number: 8,
        dir: "08-quorum",
        title: "Manager quorum over zones",
        files: &[
            starter!("08-quorum", "nodes.yml", EDITED),
            starter!("08-quorum", "answers.yml", EDITED),
        ],
        setup: PLAIN,
        questions: &[
            q(
                "tolerance-now",
                "manager failures the starting layout tolerates",
                Check::Answer {
                    key: "starter_tolerates",
                    fact: Fact::StarterTolerance,
                },
                "swarmproof quorum nodes.yml, on the starting layout",
            ),
            q(
                "demote-what-if",
                "whether Swarm accepts demoting manager-a2 in the starting layout",
                Check::Answer {
                    key: "demote_manager_a2",
                    fact: Fact::Demote("manager-a2"),
                },
                "swarmproof quorum nodes.yml --demote manager-a2, on the starting layout",
            ),
            q(
                "survives-zone",
                "your layout keeps a quorum after losing any one zone",
                Check::QuorumSurvivesZone,
                "swarmproof quorum nodes.yml",
            ),
            q(
                "odd",
                "your layout has no manager that adds no fault tolerance",
                Check::NoFinding("SP4004"),
                "swarmproof explain SP4004",
            ),
            q(
                "same-nodes",
                "only roles changed: the same machines, zones and sizes",
                Check::Keeps(Keep::NodesButRoles),
                "the starting nodes.yml",
            ),
        ],
    },
    Lab {
        id: "theorem",
        number: 9,
        dir: "09-theorem",
        title: "Dependencies and networks: the premises of plan",
        files: &[
            starter!("09-theorem", "stack.yml", EDITED),
            starter!("09-theorem", "nodes.yml", GIVEN),
        ],
        setup: PLAIN,
        questions: &[
            q(
                "theorem",
                "every premise of the orchestration theorem holds",
                holds("graph"),
                "swarmproof plan .",
            ),
            q(
                "no-cycle",
                "the dependencies form no cycle",
                Check::NoFinding("SP5001"),
                "swarmproof explain SP5001",
            ),
            q(
                "shared-network",
                "every service shares a network with each service it depends on",
                Check::NoFinding("SP5010"),
                "swarmproof explain SP5010",
            ),
            KEEP_REPLICAS,
        ],
    },
];

/// Every lab, in course order.
pub fn all() -> &'static [Lab] {
    &LABS
}

/// A lab by name (`constraints`), number (`1`, `01`) or folder (`01-constraints`).
pub fn find(name: &str) -> Option<&'static Lab> {
    LABS.iter()
        .find(|l| l.id == name || l.dir == name || name.parse::<u8>().is_ok_and(|n| n == l.number))
}
