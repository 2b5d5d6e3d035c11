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
        setup: Setup {
            tolerate_zone: false,
            scheduler: false,
            rollout: false,
        },
        questions: &[
            Question {
                id: "places",
                text: "every task of the stack has a node",
                check: holds("placement"),
                see: "swarmproof check .",
            },
            Question {
                id: "db-on-ssd",
                text: "db runs only on the node with the SSD",
                check: Check::OnlyOn {
                    service: "db",
                    nodes: &["worker-1"],
                },
                see: "swarmproof explain SP0203",
            },
            Question {
                id: "web-on-workers",
                text: "web runs on workers only",
                check: Check::OnlyOn {
                    service: "web",
                    nodes: &["worker-1", "worker-2", "worker-3", "worker-4"],
                },
                see: "swarmproof explain SP0206",
            },
            Question {
                id: "batch-in-zone-b",
                text: "batch runs in zone b only, also on nodes no one has labelled yet",
                check: Check::OnlyOn {
                    service: "batch",
                    nodes: &["worker-2", "worker-3"],
                },
                see: "the handout, section \"!= and missing labels\"",
            },
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
        setup: Setup {
            tolerate_zone: false,
            scheduler: false,
            rollout: false,
        },
        questions: &[
            Question {
                id: "places",
                text: "the stack fits your cluster",
                check: holds("placement"),
                see: "swarmproof plan .",
            },
            Question {
                id: "smallest",
                text: "your cluster is a smallest one of 4-CPU, 8G machines",
                check: Check::ClusterWithin {
                    nodes: 3,
                    cpus: 4,
                    memory_gib: 8,
                },
                see: "swarmproof check . (and the sums in the handout)",
            },
            Question {
                id: "z3-starter",
                text: "z3's answer (sat or unsat) on the starting cluster's SMT-LIB problem",
                check: Check::Answer {
                    key: "z3_on_starter",
                    fact: Fact::StarterPlacement,
                },
                see: "swarmproof check starter --dump-smt2 starter.smt2 && z3 starter.smt2",
            },
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
        setup: Setup {
            tolerate_zone: false,
            scheduler: true,
            rollout: false,
        },
        questions: &[
            Question {
                id: "exact-places",
                text: "a placement of every task exists",
                check: holds("placement"),
                see: "swarmproof plan .",
            },
            Question {
                id: "swarm-places",
                text: "Swarm's own scheduler places every task, in every order it may use",
                check: holds("scheduler"),
                see: "swarmproof simulate . --explore",
            },
            Question {
                id: "replicas",
                text: "every service keeps its replicas",
                check: Check::Keeps(Keep::Replicas),
                see: "the starting stack.yml",
            },
            Question {
                id: "reservations",
                text: "every service keeps its reservations",
                check: Check::Keeps(Keep::Reservations),
                see: "the starting stack.yml",
            },
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
        setup: Setup {
            tolerate_zone: true,
            scheduler: false,
            rollout: false,
        },
        questions: &[
            Question {
                id: "survives-zone",
                text: "every task still has a node after losing any one zone",
                check: holds("placement"),
                see: "swarmproof check . --tolerate zone",
            },
            Question {
                id: "quorum",
                text: "the managers keep a quorum after losing any one zone",
                check: holds("quorum"),
                see: "swarmproof quorum nodes.yml",
            },
            Question {
                id: "replicas",
                text: "every service keeps its replicas",
                check: Check::Keeps(Keep::Replicas),
                see: "the starting stack.yml",
            },
            Question {
                id: "reservations",
                text: "every service keeps its reservations",
                check: Check::Keeps(Keep::Reservations),
                see: "the starting stack.yml",
            },
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
        setup: Setup {
            tolerate_zone: false,
            scheduler: false,
            rollout: true,
        },
        questions: &[
            Question {
                id: "availability",
                text: "at least 3 tasks of api run throughout its update",
                check: Check::UpdateProperty {
                    service: "api",
                    property: "availability",
                },
                see: "swarmproof update . --service api",
            },
            Question {
                id: "no-pause",
                text: "a failing update does not stop and wait for a person",
                check: Check::NoFinding("SP3007"),
                see: "swarmproof explain SP3007",
            },
            Question {
                id: "failure-handled",
                text: "a failing update never ends as if it had succeeded",
                check: Check::NoFinding("SP3006"),
                see: "swarmproof explain SP3006",
            },
            Question {
                id: "update-safe",
                text: "no update hangs, lacks room or breaks a requirement",
                check: holds("rollout"),
                see: "swarmproof update .",
            },
            Question {
                id: "replicas",
                text: "every service keeps its replicas",
                check: Check::Keeps(Keep::Replicas),
                see: "the starting stack.yml",
            },
            Question {
                id: "requirements",
                text: "the availability floor (min_available) is kept",
                check: Check::Keeps(Keep::Requirements),
                see: "the starting stack.yml",
            },
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
        setup: Setup {
            tolerate_zone: false,
            scheduler: false,
            rollout: true,
        },
        questions: &[
            Question {
                id: "delay-vs-monitor",
                text: "no task can fail after the monitor window and before the next batch",
                check: Check::NoFinding("SP3010"),
                see: "swarmproof explain SP3010",
            },
            Question {
                id: "monitor-vs-healthcheck",
                text: "the monitor window lasts until the healthcheck can declare a task unhealthy",
                check: Check::NoFinding("SP3011"),
                see: "swarmproof explain SP3011",
            },
            Question {
                id: "duration",
                text: "the update cannot take longer than max_update_duration",
                check: Check::NoFinding("SP3012"),
                see: "swarmproof explain SP3012",
            },
            Question {
                id: "healthchecks",
                text: "every healthcheck is kept",
                check: Check::Keeps(Keep::Healthchecks),
                see: "the starting stack.yml",
            },
            Question {
                id: "requirements",
                text: "max_update_duration is kept",
                check: Check::Keeps(Keep::Requirements),
                see: "the starting stack.yml",
            },
        ],
    },
    Lab {
        id: "raft",
        number: 7,
        dir: "07-raft",
        title: "Raft: why each rule is there",
        files: &[starter!("07-raft", "answers.yml", EDITED)],
        setup: Setup {
            tolerate_zone: false,
            scheduler: false,
            rollout: false,
        },
        questions: &[
            Question {
                id: "no-persistence-breaks",
                text: "the property no-persistence breaks",
                check: Check::Answer {
                    key: "no_persistence_breaks",
                    fact: Fact::RaftBroken(Variant::NoPersistence),
                },
                see: "swarmproof raft --variant no-persistence",
            },
            Question {
                id: "no-persistence-steps",
                text: "the steps of its shortest counterexample",
                check: Check::Answer {
                    key: "no_persistence_steps",
                    fact: Fact::RaftSteps(Variant::NoPersistence),
                },
                see: "swarmproof raft --variant no-persistence",
            },
            Question {
                id: "no-log-check-breaks",
                text: "the property no-log-check breaks",
                check: Check::Answer {
                    key: "no_log_check_breaks",
                    fact: Fact::RaftBroken(Variant::NoLogCheck),
                },
                see: "swarmproof raft --variant no-log-check",
            },
            Question {
                id: "no-log-check-steps",
                text: "the steps of its shortest counterexample",
                check: Check::Answer {
                    key: "no_log_check_steps",
                    fact: Fact::RaftSteps(Variant::NoLogCheck),
                },
                see: "swarmproof raft --variant no-log-check",
            },
            Question {
                id: "states-t1-l0",
                text: "states of the correct model: 3 managers, term 1, log 0, no crash",
                check: Check::Answer {
                    key: "states_term1_log0",
                    fact: Fact::RaftStates {
                        term: 1,
                        log: 0,
                        crashes: 0,
                    },
                },
                see: "swarmproof raft --max-term 1 --max-log 0 --max-crashes 0",
            },
            Question {
                id: "states-t1-l1",
                text: "states with log 1",
                check: Check::Answer {
                    key: "states_term1_log1",
                    fact: Fact::RaftStates {
                        term: 1,
                        log: 1,
                        crashes: 0,
                    },
                },
                see: "swarmproof raft --max-term 1 --max-log 1 --max-crashes 0",
            },
            Question {
                id: "states-t1-l1-c1",
                text: "states with log 1 and one crash",
                check: Check::Answer {
                    key: "states_term1_log1_crash1",
                    fact: Fact::RaftStates {
                        term: 1,
                        log: 1,
                        crashes: 1,
                    },
                },
                see: "swarmproof raft --max-term 1 --max-log 1 --max-crashes 1",
            },
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
        setup: Setup {
            tolerate_zone: false,
            scheduler: false,
            rollout: false,
        },
        questions: &[
            Question {
                id: "tolerance-now",
                text: "manager failures the starting layout tolerates",
                check: Check::Answer {
                    key: "starter_tolerates",
                    fact: Fact::StarterTolerance,
                },
                see: "swarmproof quorum starter/nodes.yml",
            },
            Question {
                id: "demote-what-if",
                text: "whether Swarm accepts demoting manager-a2 in the starting layout",
                check: Check::Answer {
                    key: "demote_manager_a2",
                    fact: Fact::Demote("manager-a2"),
                },
                see: "swarmproof quorum starter/nodes.yml --demote manager-a2",
            },
            Question {
                id: "survives-zone",
                text: "your layout keeps a quorum after losing any one zone",
                check: Check::QuorumSurvivesZone,
                see: "swarmproof quorum nodes.yml",
            },
            Question {
                id: "odd",
                text: "your layout has no manager that adds no fault tolerance",
                check: Check::NoFinding("SP4004"),
                see: "swarmproof explain SP4004",
            },
            Question {
                id: "same-nodes",
                text: "only roles changed: the same machines, zones and sizes",
                check: Check::Keeps(Keep::NodesButRoles),
                see: "the starting nodes.yml",
            },
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
        setup: Setup {
            tolerate_zone: false,
            scheduler: false,
            rollout: false,
        },
        questions: &[
            Question {
                id: "theorem",
                text: "every premise of the orchestration theorem holds",
                check: holds("graph"),
                see: "swarmproof plan .",
            },
            Question {
                id: "no-cycle",
                text: "the dependencies form no cycle",
                check: Check::NoFinding("SP5001"),
                see: "swarmproof explain SP5001",
            },
            Question {
                id: "shared-network",
                text: "every service shares a network with each service it depends on",
                check: Check::NoFinding("SP5010"),
                see: "swarmproof explain SP5010",
            },
            Question {
                id: "replicas",
                text: "every service keeps its replicas",
                check: Check::Keeps(Keep::Replicas),
                see: "the starting stack.yml",
            },
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
